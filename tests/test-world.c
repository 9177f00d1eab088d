/* World creation, loading, tamper detection, backup and restore. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "error.h"
#include "fe-script.h"
#include "fileio.h"
#include "platform.h"
#include "secmem.h"
#include "slot.h"
#include "world.h"
#include "world-int.h"

static const char *const pins23[] = { "1111", "1111", "2222", "2222",
    "3333", "3333", NULL };

struct env {
	char	*dir;
	char	 kmdata[PATH_MAX], drawer[PATH_MAX];
};

static int
setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e->dir = test_tmpdir();
	test_path(e->kmdata, sizeof(e->kmdata), e->dir, "kmdata");
	test_path(e->drawer, sizeof(e->drawer), e->dir, "cards");
	assert_int_equal(off_mkdirs(e->drawer, NULL), 0);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env	*e = *state;

	test_rmtree(e->dir);
	free(e->dir);
	free(e);
	return 0;
}

/* Create a world in e with the given parameters and PIN answers. */
static int
create(struct env *e, unsigned k, unsigned n, const char *suite,
    const char *const *pins, struct fe_script *s, struct off_world **w,
    struct off_err *err)
{
	struct off_world_params	 p;
	struct off_frontend	 fe;
	struct off_slot		*slot = NULL;
	int			 ret;

	memset(&p, 0, sizeof(p));
	p.k = k;
	p.n = n;
	p.suite = suite;
	p.kdf_log2_n = 10;
	fe_script_init(&fe, s);
	fe_script_pins(s, pins);
	assert_int_equal(off_slot_open(&slot, "drawer", e->drawer, NULL), 0);
	off_err_clear(err);
	ret = off_world_create(e->kmdata, slot, &p, &fe, w, err);
	off_slot_close(&slot);
	return ret;
}

static void
test_create_2_of_3(void **state)
{
	struct env		*e = *state;
	struct off_world	*w = NULL, *l = NULL;
	struct fe_script	 s;
	struct off_err		 err;
	const uint8_t		*id;
	const char		*backend, *status;
	enum off_card_state	 st;
	unsigned		 i, index;

	assert_int_equal(create(e, 2, 3, NULL, pins23, &s, &w, &err), 0);
	assert_int_equal(s.events[OFF_CARD_WRITTEN], 3);
	assert_int_equal(s.progress_done, 3);	/* C(3,2) subsets */
	assert_int_equal(s.progress_total, 3);
	assert_int_equal(test_count_files(e->drawer, ".card"), 3);
	assert_int_equal(off_world_load(e->kmdata, &l, &err), 0);
	assert_memory_equal(off_world_id(l), off_world_id(w),
	    OFF_WORLD_ID_LEN);
	assert_int_equal(off_world_k(l), 2);
	assert_int_equal(off_world_n(l), 3);
	assert_string_equal(off_world_suite(l), "ed25519-aes256gcm-scrypt");
	assert_int_equal(off_world_pin_tries(l), 5);
	for (i = 0; off_world_card(l, i, &index, &id, &st) == 0; i++) {
		assert_int_equal(index, i + 1);
		assert_int_equal(st, OFF_CARD_ACTIVE);
	}
	assert_int_equal(i, 3);
	assert_int_equal(off_world_module(l, 0, e->kmdata, &backend, &id,
	    &status), 0);
	assert_string_equal(backend, "soft");
	assert_string_equal(status, "ok");
	off_world_free(&w);
	off_world_free(&l);
	assert_null(l);
}

static void
test_create_p384(void **state)
{
	struct env		*e = *state;
	struct off_world	*w = NULL;
	struct fe_script	 s;
	struct off_err		 err;

	assert_int_equal(create(e, 2, 3, "p384-aes256gcm-scrypt", pins23, &s,
	    &w, &err), 0);
	off_world_free(&w);
	assert_int_equal(off_world_load(e->kmdata, &w, &err), 0);
	assert_string_equal(off_world_suite(w), "p384-aes256gcm-scrypt");
	off_world_free(&w);
}

/* Nothing is left behind when creation is refused or fails. */
static void
assert_nothing_created(struct env *e)
{
	char	path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/world", e->kmdata);
	assert_int_not_equal(access(path, F_OK), 0);
	assert_int_equal(test_count_files(e->drawer, ""), 0);
	assert_int_equal(test_count_files(e->kmdata, ""), 0);
}

static void
test_create_refusals(void **state)
{
	static const struct {
		unsigned	 k, n;
		const char	*suite;
	} bad[] = {
		{ 3, 2, NULL }, { 0, 3, NULL }, { 1, 3, NULL },
		{ 2, 256, NULL }, { 2, 0, NULL }, { 2, 3, "rot13" },
	};
	struct env		*e = *state;
	struct off_world	*w = NULL;
	struct fe_script	 s;
	struct off_err		 err;
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(create(e, bad[i].k, bad[i].n, bad[i].suite,
		    pins23, &s, &w, &err), OFF_ERR_INVALID);
		assert_true(err.detail[0] != '\0');
		assert_null(w);
		assert_nothing_created(e);
	}
}

static void
test_create_single_needs_flag(void **state)
{
	static const char *const pins[] = { "1111", "1111", "2222", "2222",
	    NULL };
	struct env		*e = *state;
	struct off_world_params	 p;
	struct off_frontend	 fe;
	struct off_slot		*slot = NULL;
	struct off_world	*w = NULL;
	struct fe_script	 s;

	memset(&p, 0, sizeof(p));
	p.k = 1;
	p.n = 2;
	p.allow_single = 1;
	p.kdf_log2_n = 10;
	fe_script_init(&fe, &s);
	fe_script_pins(&s, pins);
	assert_int_equal(off_slot_open(&slot, "drawer", e->drawer, NULL), 0);
	assert_int_equal(off_world_create(e->kmdata, slot, &p, &fe, &w, NULL),
	    0);
	assert_true(s.warnings >= 1);	/* warned about K = 1 */
	off_slot_close(&slot);
	off_world_free(&w);
}

static void
test_create_pin_mismatch_and_rules(void **state)
{
	static const char *const pins[] = { "12", "1111", "1112", "1111",
	    "1111", "2222", "2222", "3333", "3333", NULL };
	struct env		*e = *state;
	struct off_world	*w = NULL;
	struct fe_script	 s;
	struct off_err		 err;

	assert_int_equal(create(e, 2, 3, NULL, pins, &s, &w, &err), 0);
	assert_int_equal(s.warnings, 2);	/* too short, then mismatch */
	off_world_free(&w);
}

static void
test_create_cancelled_leaves_nothing(void **state)
{
	static const char *const pins[] = { "1111", "1111", "2222", NULL };
	struct env		*e = *state;
	struct off_world	*w = NULL;
	struct fe_script	 s;
	struct off_err		 err;

	assert_int_equal(create(e, 2, 3, NULL, pins, &s, &w, &err),
	    OFF_ERR_CANCELLED);
	assert_null(w);
	assert_nothing_created(e);
}

static void
test_create_refuses_existing_world(void **state)
{
	struct env		*e = *state;
	struct off_world	*w = NULL;
	struct fe_script	 s;
	struct off_err		 err;
	char			 other[PATH_MAX];

	assert_int_equal(create(e, 2, 3, NULL, pins23, &s, &w, &err), 0);
	off_world_free(&w);
	/* A fresh drawer, the same KMDATA. */
	snprintf(other, sizeof(other), "%s/cards2", e->dir);
	snprintf(e->drawer, sizeof(e->drawer), "%s", other);
	assert_int_equal(off_mkdirs(e->drawer, NULL), 0);
	assert_int_equal(create(e, 2, 3, NULL, pins23, &s, &w, &err),
	    OFF_ERR_EXISTS);
	assert_non_null(strstr(err.file, "world"));
	assert_int_equal(test_count_files(e->drawer, ""), 0);
}

/* Every single-bit flip and every truncation of the world file is
 * refused. */
static void
test_world_tamper(void **state)
{
	struct env		*e = *state;
	struct off_world	*w = NULL;
	struct fe_script	 s;
	struct off_err		 err;
	char			 path[PATH_MAX], *data = NULL, *copy, *sig;
	char			 saved;
	size_t			 len, i;
	int			 bit, accepted = 0;

	assert_int_equal(create(e, 2, 3, NULL, pins23, &s, &w, &err), 0);
	off_world_free(&w);
	snprintf(path, sizeof(path), "%s/kmdata/world", e->dir);
	test_slurp(path, &data, &len);
	copy = malloc(len);
	assert_non_null(copy);
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(copy, data, len);
			copy[i] = (char)(copy[i] ^ (1 << bit));
			/* In memory: the same parser the loader uses. */
			if (world_parse(copy, len, path, &w, &err) == 0) {
				accepted++;
				off_world_free(&w);
			} else
				assert_string_equal(err.file, path);
		}
	}
	assert_int_equal(accepted, 0);
	/* Every truncation but of the final newline. */
	for (i = 0; i + 1 < len; i++)
		assert_int_not_equal(world_parse(data, i, path, &w, NULL), 0);
	/* And through the file: another signature of the right form. */
	sig = strstr(data, "\"signature\": \"");
	assert_non_null(sig);
	sig += 20;
	saved = *sig;
	*sig = saved == 'A' ? 'B' : 'A';
	assert_int_equal(off_file_write(path, data, len, OFF_WRITE_REPLACE,
	    NULL), 0);
	assert_int_equal(off_world_load(e->kmdata, &w, &err), OFF_ERR_AUTH);
	assert_non_null(strstr(err.detail, "signature"));
	*sig = saved;
	assert_int_equal(off_file_write(path, data, len, OFF_WRITE_REPLACE,
	    NULL), 0);
	assert_int_equal(off_world_load(e->kmdata, &w, NULL), 0);
	off_world_free(&w);
	free(copy);
	free(data);
}

static void
test_no_world(void **state)
{
	struct env		*e = *state;
	struct off_world	*w = NULL;
	struct off_err		 err;

	assert_int_equal(off_world_load(e->kmdata, &w, &err), OFF_ERR_NO_WORLD);
	assert_non_null(strstr(err.detail, "world create"));
}

static void
test_backup_restore(void **state)
{
	static const char *const pins[] = { "3333", "1111", NULL };
	struct env		*e = *state;
	struct off_world	*w = NULL, *r = NULL;
	struct off_frontend	 fe;
	struct off_slot		*slot = NULL;
	struct fe_script	 s;
	struct off_err		 err;
	const uint8_t		*id;
	const char		*backend, *status;
	char			 bak[PATH_MAX], km2[PATH_MAX], modfile[PATH_MAX + 16];

	assert_int_equal(create(e, 2, 3, NULL, pins23, &s, &w, &err), 0);
	snprintf(bak, sizeof(bak), "%s/backup", e->dir);
	snprintf(km2, sizeof(km2), "%s/kmdata2", e->dir);
	assert_int_equal(off_world_backup(e->kmdata, bak, &err), 0);
	/* The backup holds no module key in the clear. */
	assert_int_equal(test_count_files(bak, ""), 1);
	assert_int_equal(off_world_backup(e->kmdata, bak, &err),
	    OFF_ERR_EXISTS);

	/* Wrong PIN order: drawer order is card 1, 2, 3; card 1 gets 3333
	 * (wrong), then 1111. */
	fe_script_init(&fe, &s);
	fe_script_pins(&s, (const char *const[]){ "3333", "1111", "2222",
	    NULL });
	assert_int_equal(off_slot_open(&slot, "drawer", e->drawer, NULL), 0);
	assert_int_equal(off_world_restore(bak, km2, slot, &fe, &r, &err), 0);
	off_slot_close(&slot);
	assert_memory_equal(off_world_id(r), off_world_id(w),
	    OFF_WORLD_ID_LEN);
	assert_int_equal(off_world_module(r, 0, km2, &backend, &id, &status),
	    0);
	assert_string_equal(status, "ok");
	off_world_free(&r);

	/* Restoring over an installed world is refused. */
	fe_script_pins(&s, pins);
	assert_int_equal(off_slot_open(&slot, "drawer", e->drawer, NULL), 0);
	assert_int_equal(off_world_restore(bak, km2, slot, &fe, &r, &err),
	    OFF_ERR_EXISTS);
	off_slot_close(&slot);

	/* Without cards nothing is restored. */
	snprintf(km2, sizeof(km2), "%s/kmdata3", e->dir);
	fe_script_pins(&s, (const char *const[]){ NULL });
	assert_int_equal(off_slot_open(&slot, "drawer", e->drawer, NULL), 0);
	assert_int_not_equal(off_world_restore(bak, km2, slot, &fe, &r, &err),
	    0);
	off_slot_close(&slot);
	snprintf(modfile, sizeof(modfile), "%s/world", km2);
	assert_int_not_equal(access(modfile, F_OK), 0);
	assert_int_equal(test_count_files(km2, ""), 0);
	off_world_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_2_of_3, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_p384, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_single_needs_flag,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_create_pin_mismatch_and_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_create_cancelled_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_create_refuses_existing_world, setup, teardown),
		cmocka_unit_test_setup_teardown(test_world_tamper, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_world, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_backup_restore, setup,
		    teardown),
	};

	off_platform_harden();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
