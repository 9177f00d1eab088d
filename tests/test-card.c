/* Card sealing: round trip, wrong PIN, lockout, the retry counter kept
 * on the card, tampering with every field and every byte, bad files. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>

#include "card.h"
#include "error.h"
#include "fe-script.h"
#include "fileio.h"
#include "platform.h"
#include "secmem.h"
#include "slot.h"

#define PIN	"correct horse"
#define BADPIN	"wrong horse"

static uint8_t world_id[OFF_WORLD_ID_LEN] = { 1, 2, 3 };
static uint8_t card_set[OFF_CARD_ID_LEN] = { 9, 8, 7 };

struct fixture {
	struct off_share	*share, *out;
	struct off_card		*card;
	char			*json;
	size_t			 len;
};

static int
setup(void **state)
{
	struct fixture		*f = calloc(1, sizeof(*f));
	struct off_card_params	 p = { world_id, card_set, 2, 3, 3, 10 };
	unsigned		 i;

	assert_non_null(f);
	f->share = off_secalloc(sizeof(*f->share));
	f->out = off_secalloc(sizeof(*f->out));
	assert_non_null(f->share);
	assert_non_null(f->out);
	f->share->x = 2;
	for (i = 0; i < OFF_SECRET_LEN; i++)
		f->share->y[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(off_card_new(&p, f->share, PIN, strlen(PIN), &f->card,
	    NULL), 0);
	assert_int_equal(off_card_serialize(f->card, &f->json, &f->len, NULL),
	    0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	off_secfree(&f->share);
	off_secfree(&f->out);
	off_card_free(&f->card);
	free(f->json);
	free(f);
	return 0;
}

static void
test_round_trip(void **state)
{
	struct fixture	*f = *state;
	struct off_card	*c = NULL;
	struct off_err	 err;

	assert_int_equal(off_card_parse(f->json, f->len, "t.card", &c, &err),
	    0);
	assert_int_equal(off_card_index(c), 2);
	assert_int_equal(off_card_k(c), 2);
	assert_int_equal(off_card_n(c), 3);
	assert_memory_equal(off_card_world(c), world_id, sizeof(world_id));
	assert_memory_equal(off_card_set(c), card_set, sizeof(card_set));
	assert_memory_equal(off_card_id(c), off_card_id(f->card),
	    OFF_CARD_ID_LEN);
	assert_int_equal(off_card_tries_left(c), 3);
	assert_int_equal(off_card_open(c, PIN, strlen(PIN), f->out, &err), 0);
	assert_int_equal(f->out->x, 2);
	assert_memory_equal(f->out->y, f->share->y, OFF_SECRET_LEN);
	/* The share never appears in the file. */
	assert_null(memmem(f->json, f->len, f->share->y, 8));
	off_card_free(&c);
	assert_null(c);
}

static void
test_wrong_pin_and_lockout(void **state)
{
	struct fixture	*f = *state;
	struct off_card	*c = NULL;
	struct off_err	 err;

	assert_int_equal(off_card_parse(f->json, f->len, "t.card", &c, NULL),
	    0);
	assert_int_equal(off_card_open(c, BADPIN, strlen(BADPIN), f->out,
	    &err), OFF_ERR_BAD_PIN);
	assert_int_equal(off_card_tries_left(c), 2);
	assert_non_null(strstr(err.detail, "2 tries left"));
	/* A right PIN resets the count. */
	assert_int_equal(off_card_open(c, PIN, strlen(PIN), f->out, NULL), 0);
	assert_int_equal(off_card_tries_left(c), 3);
	assert_int_equal(off_card_open(c, BADPIN, strlen(BADPIN), f->out,
	    NULL), OFF_ERR_BAD_PIN);
	assert_int_equal(off_card_open(c, BADPIN, strlen(BADPIN), f->out,
	    NULL), OFF_ERR_BAD_PIN);
	assert_int_equal(off_card_open(c, BADPIN, strlen(BADPIN), f->out,
	    &err), OFF_ERR_LOCKED);
	assert_true(off_card_locked(c));
	assert_non_null(strstr(err.detail, "locked"));
	/* Locked: even the right PIN is refused. */
	assert_int_equal(off_card_open(c, PIN, strlen(PIN), f->out, &err),
	    OFF_ERR_LOCKED);
	off_card_free(&c);
}

static void
test_pin_rules(void **state)
{
	(void)state;
	assert_non_null(off_pin_problem("123", 3));
	assert_null(off_pin_problem("1234", 4));
	assert_non_null(off_pin_problem("12\n45", 5));
	assert_non_null(off_pin_problem(
	    "12345678901234567890123456789012345678901234567890123456789012345",
	    65));
}

/* The counter is stored on the card before the PIN is tried. */
static void
test_unlock_counts_on_card(void **state)
{
	struct fixture	*f = *state;
	struct off_slot	*slot = NULL;
	struct off_card	*c = NULL;
	char		*dir = test_tmpdir(), path[PATH_MAX];
	unsigned	 reader = 0;

	snprintf(path, sizeof(path), "%s/a.card", dir);
	assert_int_equal(off_file_write(path, f->json, f->len,
	    OFF_WRITE_NOREPLACE, NULL), 0);
	assert_int_equal(off_slot_open(&slot, "drawer", dir, NULL), 0);
	assert_int_equal(slot->ops->next(slot, 0, NULL, 0, &reader, NULL), 0);
	assert_int_equal(off_card_read(slot, reader, &c, NULL), 0);
	assert_int_equal(off_card_unlock(slot, reader, c, BADPIN,
	    strlen(BADPIN), f->out, NULL), OFF_ERR_BAD_PIN);
	off_card_free(&c);
	assert_int_equal(off_card_read(slot, reader, &c, NULL), 0);
	assert_int_equal(off_card_tries_left(c), 2);
	assert_int_equal(off_card_unlock(slot, reader, c, PIN, strlen(PIN),
	    f->out, NULL), 0);
	off_card_free(&c);
	assert_int_equal(off_card_read(slot, reader, &c, NULL), 0);
	assert_int_equal(off_card_tries_left(c), 3);
	off_card_free(&c);
	off_slot_close(&slot);
	test_rmtree(dir);
	free(dir);
}

/* Any change that still parses must not open to another share. */
static void
check_variant(struct fixture *f, const char *data, size_t len, int *opened)
{
	struct off_card	*c = NULL;

	if (off_card_parse(data, len, "t.card", &c, NULL) != 0)
		return;
	if (off_card_open(c, PIN, strlen(PIN), f->out, NULL) == 0) {
		assert_memory_equal(f->out->y, f->share->y, OFF_SECRET_LEN);
		assert_int_equal(f->out->x, f->share->x);
		(*opened)++;
	}
	off_card_free(&c);
}

static void
set_field(json_t *root, const char *path, json_t *value)
{
	char	 buf[64], *dot;
	json_t	*obj = root;

	snprintf(buf, sizeof(buf), "%s", path);
	if ((dot = strchr(buf, '.')) != NULL) {
		*dot = '\0';
		obj = json_object_get(root, buf);
		path = dot + 1;
	}
	assert_int_equal(json_object_set_new(obj, path, value), 0);
}

/* Change each authenticated field to another well-formed value: the
 * card must not open. */
static void
test_tamper_every_field(void **state)
{
	static const struct {
		const char	*field;
		const char	*string;
		long long	 number;
	} changes[] = {
		{ "card_id", "00000000000000000000000000000001", 0 },
		{ "world", "0102030000000000000000000000000000000000000000000"
		    "000000000000001", 0 },
		{ "card_set", "09080700000000000000000000000001", 0 },
		{ "index", NULL, 1 },
		{ "index", NULL, 3 },
		{ "k", NULL, 1 },
		{ "k", NULL, 3 },
		{ "n", NULL, 4 },
		{ "created", "2020-01-01T00:00:00Z", 0 },
		{ "kdf.log2_n", NULL, 11 },
		{ "kdf.r", NULL, 4 },
		{ "kdf.p", NULL, 2 },
		{ "kdf.salt", "AAAAAAAAAAAAAAAAAAAAAA==", 0 },
		{ "pin_tries.limit", NULL, 5 },
		{ "sealed_share.nonce", "AAAAAAAAAAAAAAAA", 0 },
		{ "sealed_share.ciphertext",
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 0 },
		{ "sealed_share.tag", "AAAAAAAAAAAAAAAAAAAAAA==", 0 },
	};
	struct fixture	*f = *state;
	json_t		*root;
	char		*s;
	size_t		 i;
	int		 opened = 0;

	for (i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		root = json_loadb(f->json, f->len, 0, NULL);
		assert_non_null(root);
		set_field(root, changes[i].field, changes[i].string != NULL ?
		    json_string(changes[i].string) :
		    json_integer(changes[i].number));
		s = json_dumps(root, 0);
		assert_non_null(s);
		check_variant(f, s, strlen(s), &opened);
		assert_int_equal(opened, 0);
		free(s);
		json_decref(root);
	}
}

/* Every single-bit flip and every truncation of the file. */
static void
test_tamper_every_bit(void **state)
{
	struct fixture	*f = *state;
	char		*copy = malloc(f->len + 1);
	size_t		 i;
	int		 bit, opened = 0;

	assert_non_null(copy);
	for (i = 0; i < f->len; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(copy, f->json, f->len);
			copy[i] = (char)(copy[i] ^ (1 << bit));
			check_variant(f, copy, f->len, &opened);
		}
	}
	/* Only flips in the failure count's digit or other unauthenticated
	 * spots may still open, and then to the same share (checked). */
	assert_true(opened < 8);
	for (i = 0; i < f->len - 1; i++) {
		struct off_card	*c = NULL;

		assert_int_not_equal(off_card_parse(f->json, i, "t.card", &c,
		    NULL), 0);
		assert_null(c);
	}
	free(copy);
}

static void
test_bad_files(void **state)
{
	static const char *bad[] = {
		"",
		"not json",
		"[]",
		"{\"format\":\"officiant-world\",\"version\":1}",
		"{\"format\":\"officiant-card\",\"version\":2}",
		"{\"format\":\"officiant-card\"}",
	};
	struct fixture	*f = *state;
	struct off_card	*c = NULL;
	struct off_err	 err;
	json_t		*root;
	char		*s;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		off_err_clear(&err);
		assert_int_not_equal(off_card_parse(bad[i], strlen(bad[i]),
		    "x.card", &c, &err), 0);
		assert_string_equal(err.file, "x.card");
		assert_true(err.detail[0] != '\0');
	}
	assert_int_equal(off_card_parse(bad[4], strlen(bad[4]), "x.card", &c,
	    NULL), OFF_ERR_VERSION);
	/* Unknown field, failure count beyond the limit, absurd KDF. */
	root = json_loadb(f->json, f->len, 0, NULL);
	json_object_set_new(root, "extra", json_true());
	s = json_dumps(root, 0);
	assert_int_equal(off_card_parse(s, strlen(s), "x.card", &c, &err),
	    OFF_ERR_FORMAT);
	assert_non_null(strstr(err.detail, "extra"));
	free(s);
	json_object_del(root, "extra");
	set_field(root, "pin_tries.failures", json_integer(4));
	s = json_dumps(root, 0);
	assert_int_equal(off_card_parse(s, strlen(s), "x.card", &c, NULL),
	    OFF_ERR_FORMAT);
	free(s);
	set_field(root, "pin_tries.failures", json_integer(0));
	set_field(root, "kdf.log2_n", json_integer(30));
	s = json_dumps(root, 0);
	assert_int_equal(off_card_parse(s, strlen(s), "x.card", &c, NULL),
	    OFF_ERR_FORMAT);
	free(s);
	json_decref(root);
	assert_null(c);
}

static void
test_reseal(void **state)
{
	struct fixture	*f = *state;
	struct off_card	*c = NULL;

	assert_int_equal(off_card_parse(f->json, f->len, "t.card", &c, NULL),
	    0);
	assert_int_equal(off_card_reseal(c, f->share, "1", 1, NULL),
	    OFF_ERR_INVALID);
	assert_int_equal(off_card_reseal(c, f->share, "new pin", 7, NULL), 0);
	assert_int_equal(off_card_open(c, PIN, strlen(PIN), f->out, NULL),
	    OFF_ERR_BAD_PIN);
	assert_int_equal(off_card_open(c, "new pin", 7, f->out, NULL), 0);
	assert_memory_equal(f->out->y, f->share->y, OFF_SECRET_LEN);
	off_card_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_pin_and_lockout,
		    setup, teardown),
		cmocka_unit_test(test_pin_rules),
		cmocka_unit_test_setup_teardown(test_unlock_counts_on_card,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_every_field, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tamper_every_bit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_files, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reseal, setup, teardown),
	};

	off_platform_harden();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
