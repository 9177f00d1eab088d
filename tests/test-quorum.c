/* Quorum collection through a scripted front end: the secret it
 * rebuilds opens the world key; duplicates, foreign, blank, locked and
 * forged cards and wrong PINs are refused. */
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

#include <openssl/evp.h>

#include "card.h"
#include "error.h"
#include "fe-script.h"
#include "fileio.h"
#include "platform.h"
#include "quorum.h"
#include "secmem.h"
#include "slot.h"
#include "world.h"

struct env {
	char			*dir;
	char			 kmdata[1024], drawer[1024];
	char			 hex8[9];
	struct off_world	*w;
};

static int
setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));
	char		 hex[OFF_WORLD_ID_HEX];

	assert_non_null(e);
	e->dir = test_tmpdir();
	assert_int_equal(test_make_world(e->dir, "a", 3, &e->w), 0);
	test_world_paths(e->dir, "a", e->kmdata, e->drawer, sizeof(e->kmdata));
	off_world_id_hex(e->w, hex);
	memcpy(e->hex8, hex, 8);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env	*e = *state;

	off_world_free(&e->w);
	test_rmtree(e->dir);
	free(e->dir);
	free(e);
	return 0;
}

/* Collect from e's drawer with these PIN answers. */
static int
collect(struct env *e, const char *const *pins, struct fe_script *s,
    uint8_t **secret, struct off_err *err)
{
	struct off_frontend	 fe;
	struct off_slot		*slot = NULL;
	int			 ret;

	fe_script_init(&fe, s);
	fe_script_pins(s, pins);
	assert_int_equal(off_slot_open(&slot, "drawer", e->drawer, NULL), 0);
	off_err_clear(err);
	ret = off_quorum_collect(e->w, slot, &fe, secret, err);
	off_slot_close(&slot);
	return ret;
}

static void
card_path(struct env *e, unsigned index, char *buf, size_t len)
{
	snprintf(buf, len, "%s/card-%s-%u.card", e->drawer, e->hex8, index);
}

/* Copy a file (card) to another name in the drawer. */
static void
copy_card(const char *from, const char *to)
{
	char	*data = NULL;
	size_t	 len;

	test_slurp(from, &data, &len);
	assert_int_equal(off_file_write(to, data, len, OFF_WRITE_NOREPLACE,
	    NULL), 0);
	free(data);
}

static void
test_quorum_opens_world_key(void **state)
{
	struct env		*e = *state;
	struct fe_script	 s;
	struct off_err		 err;
	uint8_t			*secret = NULL, *wrong;
	EVP_PKEY		*key = NULL;

	assert_int_equal(collect(e, (const char *const[]){ "1111", "2222",
	    NULL }, &s, &secret, &err), 0);
	assert_non_null(secret);
	assert_int_equal(off_secsize(secret), OFF_SECRET_LEN);
	assert_int_equal(s.events[OFF_CARD_ACCEPTED], 2);
	assert_int_equal(s.events[OFF_CARD_REFUSED], 0);
	assert_int_equal(off_world_signing_key(e->w, secret, &key, &err), 0);
	assert_non_null(key);
	EVP_PKEY_free(key);
	/* Any other secret does not open it. */
	wrong = off_secalloc(OFF_SECRET_LEN);
	memcpy(wrong, secret, OFF_SECRET_LEN);
	wrong[0] ^= 1;
	assert_int_not_equal(off_world_signing_key(e->w, wrong, &key, &err),
	    0);
	assert_null(key);
	off_secfree(&wrong);
	off_secfree(&secret);
	assert_null(secret);
}

static void
test_same_card_twice(void **state)
{
	struct env		*e = *state;
	struct fe_script	 s;
	struct off_err		 err;
	uint8_t			*secret = NULL;
	char			 from[PATH_MAX], to[PATH_MAX];

	/* A copy of card 1 sorts right after it. */
	card_path(e, 1, from, sizeof(from));
	snprintf(to, sizeof(to), "%s/card-%s-1b.card", e->drawer, e->hex8);
	copy_card(from, to);
	assert_int_equal(collect(e, (const char *const[]){ "1111", "2222",
	    NULL }, &s, &secret, &err), 0);
	assert_int_equal(s.events[OFF_CARD_REFUSED], 1);
	assert_non_null(strstr(s.last_refusal, "already used"));
	off_secfree(&secret);
}

/* Put card index of a second world into e's drawer under name. */
static struct off_world *
plant_foreign_card(struct env *e, unsigned index, const char *name)
{
	struct off_world	*other = NULL;
	char			 from[PATH_MAX], to[PATH_MAX], oh[OFF_WORLD_ID_HEX];

	assert_int_equal(test_make_world(e->dir, "b", 3, &other), 0);
	off_world_id_hex(other, oh);
	snprintf(from, sizeof(from), "%s/b/cards/card-%.8s-%u.card", e->dir,
	    oh, index);
	snprintf(to, sizeof(to), "%s/card-%s-%s.card", e->drawer, e->hex8,
	    name);
	copy_card(from, to);
	return other;
}

static void
test_foreign_card(void **state)
{
	struct env		*e = *state;
	struct off_world	*other;
	struct fe_script	 s;
	struct off_err		 err;
	uint8_t			*secret = NULL;

	/* Sorts between cards 1 and 2. */
	other = plant_foreign_card(e, 2, "1b");
	assert_int_equal(collect(e, (const char *const[]){ "1111", "2222",
	    NULL }, &s, &secret, &err), 0);
	assert_int_equal(s.events[OFF_CARD_REFUSED], 1);
	assert_non_null(strstr(s.last_refusal, "another world"));
	off_secfree(&secret);
	off_world_free(&other);
}

static void
test_foreign_and_blank_cards(void **state)
{
	struct env		*e = *state;
	struct off_world	*other;
	struct fe_script	 s;
	struct off_err		 err;
	uint8_t			*secret = NULL;
	char			 to[PATH_MAX];

	other = plant_foreign_card(e, 1, "0");
	snprintf(to, sizeof(to), "%s/card-%s-0a.card", e->drawer, e->hex8);
	assert_int_equal(off_file_write(to, "", 0, OFF_WRITE_NOREPLACE, NULL),
	    0);
	assert_int_equal(collect(e, (const char *const[]){ "1111", "2222",
	    NULL }, &s, &secret, &err), 0);
	assert_int_equal(s.events[OFF_CARD_REFUSED], 2);
	assert_int_equal(s.events[OFF_CARD_ACCEPTED], 2);
	assert_non_null(strstr(s.last_refusal, "blank"));
	off_secfree(&secret);
	off_world_free(&other);
}

static void
test_wrong_pin_then_right(void **state)
{
	struct env		*e = *state;
	struct fe_script	 s;
	struct off_err		 err;
	struct off_slot		*slot = NULL;
	struct off_card		*card = NULL;
	uint8_t			*secret = NULL;
	unsigned		 reader;

	assert_int_equal(collect(e, (const char *const[]){ "9999", "1111",
	    "2222", NULL }, &s, &secret, &err), 0);
	assert_int_equal(s.warnings, 1);
	assert_int_equal(s.events[OFF_CARD_REFUSED], 0);
	off_secfree(&secret);
	/* The count went back to zero on the card. */
	assert_int_equal(off_slot_open(&slot, "drawer", e->drawer, NULL), 0);
	assert_int_equal(slot->ops->next(slot, 0, NULL, 0, &reader, NULL), 0);
	assert_int_equal(off_card_read(slot, reader, &card, NULL), 0);
	assert_int_equal(off_card_tries_left(card), 3);
	off_card_free(&card);
	off_slot_close(&slot);
}

static void
test_lockout_then_quorum_fails(void **state)
{
	struct env		*e = *state;
	struct fe_script	 s;
	struct off_err		 err;
	uint8_t			*secret = NULL;

	/* Card 1: three wrong PINs lock it; card 2 right; card 3 wrong
	 * three times: only one card accepted, no more cards. */
	assert_int_equal(collect(e, (const char *const[]){ "0000", "0000",
	    "0000", "2222", "0000", "0000", "0000", NULL }, &s, &secret,
	    &err), OFF_ERR_QUORUM);
	assert_null(secret);
	assert_int_equal(s.events[OFF_CARD_ACCEPTED], 1);
	assert_int_equal(s.events[OFF_CARD_REFUSED], 2);
	assert_non_null(strstr(err.detail, "1 of the 2"));
	/* Next time card 1 is refused as locked without a PIN. */
	assert_int_equal(collect(e, (const char *const[]){ "2222", NULL }, &s,
	    &secret, &err), OFF_ERR_QUORUM);
	assert_non_null(strstr(s.last_refusal, "locked"));
	assert_int_equal(s.next_pin, 1);
}

static void
test_forged_card(void **state)
{
	struct env		*e = *state;
	struct fe_script	 s;
	struct off_err		 err;
	struct off_slot		*slot = NULL;
	struct off_card		*card = NULL;
	struct off_share	*share;
	uint8_t			*secret = NULL;
	unsigned		 reader;

	/* Card 1's holder reseals a different share under their PIN. */
	share = off_secalloc(sizeof(*share));
	assert_int_equal(off_slot_open(&slot, "drawer", e->drawer, NULL), 0);
	assert_int_equal(slot->ops->next(slot, 0, NULL, 0, &reader, NULL), 0);
	assert_int_equal(off_card_read(slot, reader, &card, NULL), 0);
	assert_int_equal(off_card_open(card, "1111", 4, share, NULL), 0);
	share->y[5] ^= 0x40;
	assert_int_equal(off_card_reseal(card, share, "1111", 4, NULL), 0);
	assert_int_equal(off_card_write(slot, reader, card, NULL), 0);
	off_card_free(&card);
	off_slot_close(&slot);
	off_secfree(&share);
	assert_int_equal(collect(e, (const char *const[]){ "1111", "2222",
	    "3333", NULL }, &s, &secret, &err), 0);
	assert_int_equal(s.events[OFF_CARD_REFUSED], 1);
	assert_non_null(strstr(s.last_refusal, "forged"));
	off_secfree(&secret);
}

static void
test_cancel(void **state)
{
	struct env		*e = *state;
	struct fe_script	 s;
	struct off_err		 err;
	uint8_t			*secret = NULL;

	assert_int_equal(collect(e, (const char *const[]){ "1111", NULL }, &s,
	    &secret, &err), OFF_ERR_CANCELLED);
	assert_null(secret);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_quorum_opens_world_key,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_card_twice, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_foreign_and_blank_cards,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_card,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_pin_then_right,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_lockout_then_quorum_fails,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_card, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
	};

	off_platform_harden();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
