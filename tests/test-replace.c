/* Replacing the administrator card set: a quorum of the present set
 * lets a new set (K/N may change) be written; afterwards the old cards
 * open nothing, the new ones do, the world keeps its identity and its
 * keys, and a backup restores with the new cards. Refusals and failures
 * leave the world file as it was and no new card behind. */
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
#include "key.h"
#include "platform.h"
#include "quorum.h"
#include "secmem.h"
#include "slot.h"
#include "world.h"

struct env {
	char			*dir;
	char			 kmdata[1024], drawer[1024], fresh[1024];
	char			 world_file[1100];
	struct off_world	*w;
};

static int
setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e->dir = test_tmpdir();
	assert_int_equal(test_make_world(e->dir, "a", 0, &e->w), 0);
	test_world_paths(e->dir, "a", e->kmdata, e->drawer,
	    sizeof(e->kmdata));
	test_path(e->fresh, sizeof(e->fresh), e->dir, "new-cards");
	test_path(e->world_file, sizeof(e->world_file), e->kmdata, "world");
	assert_int_equal(off_mkdirs(e->fresh, NULL), 0);
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

/* Replace e's cards (old ones from its drawer, new ones into fresh)
 * with these PIN answers. */
static int
replace(struct env *e, unsigned k, unsigned n, const char *const *pins,
    struct off_world **nw, struct off_err *err)
{
	struct off_world_params	 p;
	struct off_frontend	 fe;
	struct fe_script	 s;
	struct off_slot		*old = NULL, *fresh = NULL;
	int			 ret;

	memset(&p, 0, sizeof(p));
	p.k = k;
	p.n = n;
	p.kdf_log2_n = 10;
	fe_script_init(&fe, &s);
	fe_script_pins(&s, pins);
	assert_int_equal(off_slot_open(&old, "drawer", e->drawer, NULL), 0);
	assert_int_equal(off_slot_open(&fresh, "drawer", e->fresh, NULL), 0);
	off_err_clear(err);
	ret = off_world_replace_cards(e->kmdata, e->w, old, fresh, &p, &fe,
	    nw, err);
	off_slot_close(&old);
	off_slot_close(&fresh);
	return ret;
}

/* Collect a quorum of w from drawer with these PINs. */
static int
collect(const struct off_world *w, const char *drawer,
    const char *const *pins, uint8_t **secret, struct off_err *err)
{
	struct off_frontend	 fe;
	struct fe_script	 s;
	struct off_slot		*slot = NULL;
	int			 ret;

	fe_script_init(&fe, &s);
	fe_script_pins(&s, pins);
	assert_int_equal(off_slot_open(&slot, "drawer", drawer, NULL), 0);
	off_err_clear(err);
	ret = off_quorum_collect(w, slot, &fe, secret, err);
	off_slot_close(&slot);
	return ret;
}

static const char *const new_set_34[] = { "1111", "2222",
	"4444", "4444", "5555", "5555", "6666", "6666", "7777", "7777", NULL };

static void
test_replace_changes_quorum(void **state)
{
	struct env		*e = *state;
	struct off_world	*nw = NULL, *loaded = NULL;
	struct off_err		 err;
	struct off_key_params	 kp;
	struct off_key		*k = NULL, *k2 = NULL;
	uint8_t			*secret = NULL, *m1 = NULL, *m2 = NULL;
	size_t			 l1, l2;
	EVP_PKEY		*key = NULL;
	static const char *const old_pins[] = { "1111", "2222", NULL };
	static const char *const new_pins[] = { "4444", "5555", "6666", NULL };
	uint8_t			 set[OFF_CARD_ID_LEN];

	/* A key made before stays usable after. */
	test_key_params(&kp, "kept", "rsa", 2048, NULL);
	off_err_clear(&err);
	assert_int_equal(off_key_generate(e->kmdata, e->w, &kp, NULL, &k,
	    &err), 0);
	assert_int_equal(off_key_material(e->kmdata, e->w, k, &m1, &l1, &err),
	    0);
	memcpy(set, off_world_card_set(e->w), sizeof(set));
	assert_int_equal(replace(e, 3, 4, new_set_34, &nw, &err), 0);
	assert_int_equal(test_count_files(e->fresh, ".card"), 4);
	/* What is on disk now is the new set, the world the same. */
	assert_int_equal(off_world_load(e->kmdata, &loaded, &err), 0);
	assert_memory_equal(off_world_id(loaded), off_world_id(e->w),
	    OFF_WORLD_ID_LEN);
	assert_int_equal(off_world_k(loaded), 3);
	assert_int_equal(off_world_n(loaded), 4);
	assert_memory_not_equal(off_world_card_set(loaded), set, sizeof(set));
	/* The old cards open nothing. */
	assert_int_not_equal(collect(loaded, e->drawer, old_pins, &secret,
	    &err), 0);
	assert_null(secret);
	/* Three new ones open the world key. */
	assert_int_equal(collect(loaded, e->fresh, new_pins, &secret, &err),
	    0);
	assert_int_equal(off_world_signing_key(loaded, secret, &key, &err), 0);
	EVP_PKEY_free(key);
	off_secfree(&secret);
	/* The key is still the same key. */
	assert_int_equal(off_key_load(e->kmdata, loaded, "simple", "kept", &k2,
	    &err), 0);
	assert_int_equal(off_key_material(e->kmdata, loaded, k2, &m2, &l2,
	    &err), 0);
	assert_int_equal(l1, l2);
	assert_memory_equal(m1, m2, l1);
	off_secfree(&m1);
	off_secfree(&m2);
	off_key_free(&k);
	off_key_free(&k2);
	off_world_free(&nw);
	off_world_free(&loaded);
}

/* A backup made after the replacement restores with the new cards:
 * the modules' recovery blobs were sealed under the new secret. */
static void
test_backup_restores_with_new_cards(void **state)
{
	struct env		*e = *state;
	struct off_world	*nw = NULL, *restored = NULL;
	struct off_frontend	 fe;
	struct fe_script	 s;
	struct off_slot		*slot = NULL;
	struct off_err		 err;
	char			 bdir[1100], kdir[1100];
	static const char *const new_pins[] = { "4444", "5555", "6666", NULL };
	static const char *const old_pins[] = { "1111", "2222", NULL };

	assert_int_equal(replace(e, 3, 4, new_set_34, &nw, &err), 0);
	test_path(bdir, sizeof(bdir), e->dir, "backup");
	test_path(kdir, sizeof(kdir), e->dir, "restored");
	assert_int_equal(off_world_backup(e->kmdata, bdir, &err), 0);
	/* The old cards cannot restore it. */
	fe_script_init(&fe, &s);
	fe_script_pins(&s, old_pins);
	assert_int_equal(off_slot_open(&slot, "drawer", e->drawer, NULL), 0);
	assert_int_not_equal(off_world_restore(bdir, kdir, slot, &fe,
	    &restored, &err), 0);
	off_slot_close(&slot);
	assert_false(test_exists(kdir) && test_count_files(kdir, "") > 0);
	fe_script_init(&fe, &s);
	fe_script_pins(&s, new_pins);
	assert_int_equal(off_slot_open(&slot, "drawer", e->fresh, NULL), 0);
	assert_int_equal(off_world_restore(bdir, kdir, slot, &fe, &restored,
	    &err), 0);
	off_slot_close(&slot);
	assert_int_equal(off_world_k(restored), 3);
	off_world_free(&restored);
	off_world_free(&nw);
}

/* Refusals and failures: the world file as it was, no new card left,
 * the old cards still good. */
static void
test_failures_leave_world(void **state)
{
	struct env		*e = *state;
	struct off_world	*nw = NULL;
	struct off_err		 err;
	struct test_snap	 sn;
	uint8_t			*secret = NULL;
	static const char *const wrong[] = { "1111", "9999", NULL };
	static const char *const short_of_pins[] = { "1111", "2222", "4444",
	    "4444", "5555", "5555", NULL };
	static const char *const old_pins[] = { "1111", "2222", NULL };

	test_snap_take(e->world_file, &sn);
	/* Impossible quorums: refused before any card is asked for. */
	assert_int_equal(replace(e, 4, 3, new_set_34, &nw, &err),
	    OFF_ERR_INVALID);
	assert_int_equal(replace(e, 0, 3, new_set_34, &nw, &err),
	    OFF_ERR_INVALID);
	assert_int_equal(replace(e, 1, 3, new_set_34, &nw, &err),
	    OFF_ERR_INVALID);
	/* No quorum of the present set. */
	assert_int_not_equal(replace(e, 2, 3, wrong, &nw, &err), 0);
	assert_null(nw);
	/* Two new cards written, then the PINs run out. */
	assert_int_not_equal(replace(e, 2, 3, short_of_pins, &nw, &err), 0);
	assert_null(nw);
	assert_int_equal(test_count_files(e->fresh, ".card"), 0);
	test_snap_same(e->world_file, &sn);
	assert_int_equal(collect(e->w, e->drawer, old_pins, &secret, &err), 0);
	off_secfree(&secret);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replace_changes_quorum,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_backup_restores_with_new_cards, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failures_leave_world,
		    setup, teardown),
	};

	off_platform_harden();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
