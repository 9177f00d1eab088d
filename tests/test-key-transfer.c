/* World-to-world key transfer: the copy written in the destination's
 * KMDATA loads there and only there, with the same material, an ACL
 * without recover, change-acl and export-plain, and a history ending
 * in "transferred-in"; the source world's signature over the statement
 * verifies. Refusals, each with its exact code and nothing written in
 * either KMDATA: a key whose ACL does not allow recovery, the key's own
 * world, a name already taken, cancelled PIN entry, too few cards or
 * cards of the wrong world for either quorum, locked cards; and a copy
 * once transferred cannot leave again nor have its ACL changed. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
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

#include <jansson.h>
#include <openssl/evp.h>

#include "encode.h"
#include "error.h"
#include "fe-script.h"
#include "fileio.h"
#include "key.h"
#include "secmem.h"
#include "slot.h"
#include "world.h"

/* A quorum of a world of test_make_world, then one of another. */
static const char *const both_pins[] = { "1111", "2222", "1111", "2222",
    NULL };
static const char *const quorum_pins[] = { "1111", "2222", NULL };

#define ACL_LOST	(OFF_ACL_RECOVER | OFF_ACL_CHANGE | \
	OFF_ACL_EXPORT_PLAIN)

/* A world: its directory, KMDATA and drawer of cards. */
struct side {
	char			 kmdata[1024], drawer[1024];
	struct off_world	*w;
};

/* Worlds a (the source), b (the destination) and c, and a KEK for
 * reduced copies. */
struct env {
	char		*dir;
	struct side	 a, b, c;
	EVP_PKEY	*kek;
};

static void
make_side(struct env *e, struct side *s, const char *sub, unsigned tries)
{
	test_world_paths(e->dir, sub, s->kmdata, s->drawer, sizeof(s->kmdata));
	assert_int_equal(test_make_world(e->dir, sub, tries, &s->w), 0);
}

static int
group_setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e->dir = test_tmpdir();
	make_side(e, &e->a, "a", 0);
	make_side(e, &e->b, "b", 0);
	make_side(e, &e->c, "c", 0);
	assert_memory_not_equal(off_world_id(e->a.w), off_world_id(e->b.w),
	    OFF_WORLD_ID_LEN);
	e->kek = test_rsa_kek(2048);
	*state = e;
	return 0;
}

static int
group_teardown(void **state)
{
	struct env	*e = *state;

	off_world_free(&e->a.w);
	off_world_free(&e->b.w);
	off_world_free(&e->c.w);
	EVP_PKEY_free(e->kek);
	test_rmtree(e->dir);
	free(e->dir);
	free(e);
	return 0;
}

/* --- helpers ------------------------------------------------------ */

/* key_simple_<ident> of side s, generated. */
static struct off_key *
new_key(struct side *s, const char *ident, const char *type, unsigned size,
    const char *curve, int exportable)
{
	struct off_key_params	p;

	test_key_params(&p, ident, type, size, curve);
	p.exportable = exportable;
	return test_new_key(s->kmdata, s->w, &p);
}

/* Transfer key from side `from` to side `to`, the source's cards taken
 * from drawer and the destination's from to_drawer (NULL: the sides'
 * own), PINs answered from pins. */
static int
transfer(struct side *from, const struct off_key *key, struct side *to,
    const struct off_world *to_w, const char *drawer, const char *to_drawer,
    const char *const *pins, struct fe_script *s, struct off_key_transfer *x,
    struct off_err *err)
{
	struct off_frontend	 fe;
	struct off_slot		*slot = NULL, *to_slot = NULL;
	int			 ret;

	fe_script_init(&fe, s);
	fe_script_pins(s, pins);
	assert_int_equal(off_slot_open(&slot, "drawer", drawer != NULL ?
	    drawer : from->drawer, NULL), 0);
	assert_int_equal(off_slot_open(&to_slot, "drawer", to_drawer != NULL ?
	    to_drawer : to->drawer, NULL), 0);
	off_err_clear(err);
	memset(x, 0x5a, sizeof(*x));
	ret = off_key_transfer(from->kmdata, from->w, key, to->kmdata,
	    to_w != NULL ? to_w : to->w, slot, to_slot, &fe, x, err);
	off_slot_close(&slot);
	off_slot_close(&to_slot);
	return ret;
}

/* The transfer is refused with code (detail holding want) and neither
 * KMDATA changes; pins_asked PINs were asked (-1: any number). */
static void
transfer_refused(struct side *from, const struct off_key *key,
    struct side *to, const struct off_world *to_w, const char *drawer,
    const char *to_drawer, const char *const *pins, int code,
    const char *want, int pins_asked)
{
	struct off_key_transfer	 x;
	struct fe_script	 s;
	struct off_err		 err;
	char			*src = test_dir_state(from->kmdata);
	char			*dst = test_dir_state(to->kmdata);

	assert_int_equal(transfer(from, key, to, to_w, drawer, to_drawer,
	    pins, &s, &x, &err), code);
	assert_int_equal(err.code, code);
	if (want != NULL && strstr(err.detail, want) == NULL)
		fail_msg("\"%s\" is not in \"%s\"", want, err.detail);
	assert_null(x.key);
	assert_null(x.statement);
	assert_int_equal(x.statement_len, 0);
	assert_int_equal(x.siglen, 0);
	if (pins_asked >= 0)
		assert_int_equal(s.next_pin, (unsigned)pins_asked);
	test_dir_same(from->kmdata, src);
	test_dir_same(to->kmdata, dst);
}

/* The key's material, compared with another's. */
static void
same_material(struct side *a, const struct off_key *ka, struct side *b,
    const struct off_key *kb)
{
	uint8_t	*ma = NULL, *mb = NULL;
	size_t	 la = 0, lb = 0;

	assert_int_equal(off_key_material(a->kmdata, a->w, ka, &ma, &la, NULL),
	    0);
	assert_int_equal(off_key_material(b->kmdata, b->w, kb, &mb, &lb, NULL),
	    0);
	assert_true(la > 0);
	assert_int_equal(la, lb);
	assert_memory_equal(ma, mb, la);
	off_secfree(&ma);
	off_secfree(&mb);
}

/* A drawer holding a copy of one card of side s only. */
static void
one_card_drawer(struct env *e, const struct side *s, const char *name,
    char *buf, size_t len)
{
	struct dirent	**list = NULL;
	char		  path[PATH_MAX + 256], *data = NULL;
	size_t		  dlen;
	int		  i, n;

	test_path(buf, len, e->dir, name);
	assert_int_equal(off_mkdirs(buf, NULL), 0);
	n = scandir(s->drawer, &list, NULL, alphasort);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		if (list[i]->d_name[0] != '.' && data == NULL) {
			test_path(path, sizeof(path), s->drawer,
			    list[i]->d_name);
			test_slurp(path, &data, &dlen);
			test_path(path, sizeof(path), buf, list[i]->d_name);
			test_spill(path, data, dlen);
		}
		free(list[i]);
	}
	free(list);
	assert_non_null(data);
	free(data);
	assert_int_equal(test_count_files(buf, ""), 1);
}

/* A transfer of key from a to b with both quorums, checked. */
static struct off_key *
transfer_ok(struct env *e, const struct off_key *key)
{
	struct off_key_transfer	 x;
	struct fe_script	 s;
	struct off_err		 err;
	struct off_key		*copy;
	char			 path[PATH_MAX];
	char			*src = test_dir_state(e->a.kmdata);
	unsigned		 before = test_count_files(e->b.kmdata, "");

	if (transfer(&e->a, key, &e->b, NULL, NULL, NULL, both_pins, &s, &x,
	    &err) != 0)
		fail_msg("transfer of %s: %s", off_key_file_name(key),
		    err.detail);
	assert_int_equal(s.next_pin, 4);
	assert_int_equal(s.events[OFF_CARD_ACCEPTED], 4);
	assert_non_null(x.key);
	/* One file more in b; a is as it was. */
	assert_int_equal(test_count_files(e->b.kmdata, ""), before + 1);
	test_key_path(e->b.kmdata, off_key_app(key), off_key_ident(key), path,
	    sizeof(path));
	assert_true(test_exists(path));
	test_dir_same(e->a.kmdata, src);
	copy = test_load_key(e->b.kmdata, e->b.w, off_key_app(key),
	    off_key_ident(key));
	/* What was returned is what was written. */
	{
		json_t	*a = test_key_info(copy), *b = test_key_info(x.key);

		assert_true(json_equal(a, b));
		json_decref(a);
		json_decref(b);
	}
	/* The source world let it go: its signature over the statement,
	 * which names the key and the destination. */
	assert_int_equal(off_world_verify(e->a.w, x.statement,
	    x.statement_len, x.sig, x.siglen), 0);
	assert_int_not_equal(off_world_verify(e->b.w, x.statement,
	    x.statement_len, x.sig, x.siglen), 0);
	assert_non_null(memmem(x.statement, x.statement_len,
	    off_world_id(e->b.w), OFF_WORLD_ID_LEN));
	assert_non_null(memmem(x.statement, x.statement_len,
	    off_key_file_name(key), strlen(off_key_file_name(key))));
	x.statement[x.statement_len - 1] ^= 1;
	assert_int_not_equal(off_world_verify(e->a.w, x.statement,
	    x.statement_len, x.sig, x.siglen), 0);
	x.statement[x.statement_len - 1] ^= 1;
	x.sig[0] ^= 0x80;
	assert_int_not_equal(off_world_verify(e->a.w, x.statement,
	    x.statement_len, x.sig, x.siglen), 0);
	assert_int_not_equal(off_world_verify(e->a.w, x.statement,
	    x.statement_len - 1, x.sig, x.siglen), 0);
	off_key_transfer_free(&x);
	assert_null(x.key);
	assert_null(x.statement);
	return copy;
}

/* The copy's ACL is the original's less what a transfer takes, and
 * its history the original's and "transferred-in" from world a. */
static void
check_copy(struct env *e, const struct off_key *key,
    const struct off_key *copy)
{
	json_t		*o = test_key_info(key), *c = test_key_info(copy);
	json_t		*ho, *hc, *last;
	char		 wid[OFF_WORLD_ID_HEX], ref[96];
	size_t		 i;

	assert_int_equal(off_key_acl(copy)->groups,
	    off_key_acl(key)->groups & ~(unsigned)ACL_LOST);
	assert_false(off_key_acl(copy)->groups & OFF_ACL_RECOVER);
	assert_false(off_key_acl(copy)->groups & OFF_ACL_CHANGE);
	assert_false(off_key_acl(copy)->groups & OFF_ACL_EXPORT_PLAIN);
	assert_string_equal(off_key_file_name(copy), off_key_file_name(key));
	assert_string_equal(off_key_type(copy), off_key_type(key));
	ho = json_object_get(o, "history");
	hc = json_object_get(c, "history");
	assert_true(json_is_array(ho));
	assert_true(json_is_array(hc));
	assert_int_equal(json_array_size(hc), json_array_size(ho) + 1);
	for (i = 0; i < json_array_size(ho); i++)
		assert_true(json_equal(json_array_get(ho, i),
		    json_array_get(hc, i)));
	last = json_array_get(hc, json_array_size(hc) - 1);
	assert_string_equal(json_string_value(json_object_get(last, "event")),
	    "transferred-in");
	off_world_id_hex(e->a.w, wid);
	snprintf(ref, sizeof(ref), "world %s", wid);
	assert_string_equal(json_string_value(json_object_get(last, "ref")),
	    ref);
	json_decref(o);
	json_decref(c);
	/* The same key material, sealed in b's module now. */
	same_material(&e->a, key, &e->b, copy);
}

/* --- transfers ---------------------------------------------------- */

static void
test_transfer(void **state)
{
	struct env	*e = *state;
	struct off_key	*key, *copy, *k = NULL;
	struct off_err	 err;
	EVP_PKEY	*pa, *pb;
	char		 path[PATH_MAX];

	key = new_key(&e->a, "xfer-rsa", "rsa", 2048, NULL, 0);
	copy = transfer_ok(e, key);
	check_copy(e, key, copy);
	assert_int_equal(off_key_acl(copy)->groups, OFF_ACL_SIGN |
	    OFF_ACL_DECRYPT);
	/* The same private key. */
	assert_int_equal(off_key_private(e->a.kmdata, e->a.w, key, &pa, NULL),
	    0);
	assert_int_equal(off_key_private(e->b.kmdata, e->b.w, copy, &pb, NULL),
	    0);
	assert_int_equal(EVP_PKEY_eq(pa, pb), 1);
	EVP_PKEY_free(pa);
	EVP_PKEY_free(pb);
	/* The copy belongs to b: not a's, not c's. */
	test_key_path(e->b.kmdata, "simple", "xfer-rsa", path, sizeof(path));
	off_err_clear(&err);
	assert_int_equal(off_key_load_file(path, e->a.w, &k, &err),
	    OFF_ERR_WRONG_WORLD);
	assert_null(k);
	assert_int_equal(off_key_load(e->b.kmdata, e->a.w, "simple",
	    "xfer-rsa", &k, NULL), OFF_ERR_WRONG_WORLD);
	assert_int_equal(off_key_load(e->b.kmdata, e->c.w, "simple",
	    "xfer-rsa", &k, NULL), OFF_ERR_WRONG_WORLD);
	assert_null(k);
	/* And the original is still a's, as it was. */
	k = test_load_key(e->a.kmdata, e->a.w, "simple", "xfer-rsa");
	{
		json_t	*o = test_key_info(key), *n = test_key_info(k);

		assert_true(json_equal(o, n));
		json_decref(o);
		json_decref(n);
	}
	off_key_free(&k);
	off_key_free(&copy);
	off_key_free(&key);
}

static void
test_transfer_types(void **state)
{
	struct env	*e = *state;
	struct off_key	*key, *copy;

	/* Exportable in a, never in b. */
	key = new_key(&e->a, "xfer-ec", "ec", 0, "p256", 1);
	assert_true(off_key_acl(key)->groups & OFF_ACL_EXPORT_PLAIN);
	copy = transfer_ok(e, key);
	check_copy(e, key, copy);
	assert_int_equal(off_key_export_plain(e->b.kmdata, e->b.w, copy,
	    "/nonexistent/never-written.pem", NULL), OFF_ERR_DENIED);
	off_key_free(&copy);
	off_key_free(&key);
	key = new_key(&e->a, "xfer-aes", "aes", 256, NULL, 0);
	copy = transfer_ok(e, key);
	check_copy(e, key, copy);
	assert_int_equal(off_key_acl(copy)->groups, OFF_ACL_DECRYPT);
	off_key_free(&copy);
	off_key_free(&key);
}

/* A wrong PIN, then the right one: the transfer goes through. */
static void
test_transfer_after_wrong_pin(void **state)
{
	struct env		*e = *state;
	struct off_key		*key, *copy;
	struct off_key_transfer	 x;
	struct fe_script	 s;
	struct off_err		 err;

	key = new_key(&e->a, "xfer-retry", "ec", 0, "p256", 0);
	assert_int_equal(transfer(&e->a, key, &e->b, NULL, NULL, NULL,
	    (const char *const[]){ "1111", "2229", "2222", "1111", "2222",
	    NULL }, &s, &x, &err), 0);
	assert_int_equal(s.next_pin, 5);
	assert_true(s.warnings >= 1);
	off_key_transfer_free(&x);
	copy = test_load_key(e->b.kmdata, e->b.w, "simple", "xfer-retry");
	check_copy(e, key, copy);
	off_key_free(&copy);
	off_key_free(&key);
}

/* --- refusals ----------------------------------------------------- */

static void
test_refused_no_recover(void **state)
{
	struct env		*e = *state;
	struct off_key		*key, *red = NULL;
	struct off_frontend	 fe;
	struct fe_script	 s;
	struct off_slot		*slot = NULL;
	struct off_err		 err;
	char			 path[PATH_MAX];

	key = new_key(&e->a, "xfer-red", "rsa", 2048, NULL, 0);
	fe_script_init(&fe, &s);
	fe_script_pins(&s, quorum_pins);
	assert_int_equal(off_slot_open(&slot, "drawer", e->a.drawer, NULL), 0);
	off_err_clear(&err);
	if (off_key_reduce_acl(e->a.kmdata, e->a.w, key, e->kek, "azure",
	    slot, &fe, &red, &err) != 0)
		fail_msg("reduce-acl: %s", err.detail);
	off_slot_close(&slot);
	assert_false(off_key_acl(red)->groups & OFF_ACL_RECOVER);
	/* Before any card is asked for. */
	transfer_refused(&e->a, red, &e->b, NULL, NULL, NULL, both_pins,
	    OFF_ERR_DENIED, "does not allow recovery", 0);
	test_key_path(e->b.kmdata, "xferacld", "xfer-red", path, sizeof(path));
	assert_false(test_exists(path));
	off_key_free(&red);
	/* The original still may. */
	red = transfer_ok(e, key);
	off_key_free(&red);
	off_key_free(&key);
}

static void
test_refused_same_world(void **state)
{
	struct env	*e = *state;
	struct off_key	*key;

	key = new_key(&e->a, "xfer-self", "ec", 0, "p256", 0);
	/* Into its own KMDATA, or into another with its own world. */
	transfer_refused(&e->a, key, &e->a, NULL, NULL, NULL, both_pins,
	    OFF_ERR_INVALID, "own world", 0);
	transfer_refused(&e->a, key, &e->b, e->a.w, NULL, NULL, both_pins,
	    OFF_ERR_INVALID, "own world", 0);
	off_key_free(&key);
}

static void
test_refused_exists(void **state)
{
	struct env	*e = *state;
	struct off_key	*key, *copy;
	char		 path[PATH_MAX];

	key = new_key(&e->a, "xfer-twice", "ec", 0, "p256", 0);
	copy = transfer_ok(e, key);
	/* Again: b has it; before any card is asked for. */
	transfer_refused(&e->a, key, &e->b, NULL, NULL, NULL, both_pins,
	    OFF_ERR_EXISTS, "already has a key of this name", 0);
	off_key_free(&copy);
	off_key_free(&key);
	/* Any file of that name is in the way, and stays as it is. */
	key = new_key(&e->a, "xfer-taken", "ec", 0, "p256", 0);
	test_key_path(e->b.kmdata, "simple", "xfer-taken", path, sizeof(path));
	test_spill(path, "someone else's\n", 15);
	transfer_refused(&e->a, key, &e->b, NULL, NULL, NULL, both_pins,
	    OFF_ERR_EXISTS, NULL, 0);
	assert_int_equal(unlink(path), 0);
	off_key_free(&key);
}

static void
test_refused_quorum(void **state)
{
	struct env	*e = *state;
	struct off_key	*key, *copy;
	char		 one_a[PATH_MAX], one_b[PATH_MAX];

	key = new_key(&e->a, "xfer-quorum", "ec", 0, "p256", 0);
	one_card_drawer(e, &e->a, "one-a", one_a, sizeof(one_a));
	one_card_drawer(e, &e->b, "one-b", one_b, sizeof(one_b));
	/* The source's quorum: no PIN, one card only, too few cards,
	 * another world's cards. */
	transfer_refused(&e->a, key, &e->b, NULL, NULL, NULL,
	    (const char *const[]){ NULL }, OFF_ERR_CANCELLED, NULL, 0);
	transfer_refused(&e->a, key, &e->b, NULL, NULL, NULL,
	    (const char *const[]){ "1111", NULL }, OFF_ERR_CANCELLED, NULL,
	    1);
	/* (Whichever card it is, one of its PINs opens it.) */
	transfer_refused(&e->a, key, &e->b, NULL, one_a, NULL,
	    (const char *const[]){ "1111", "2222", "3333", NULL },
	    OFF_ERR_QUORUM, "only 1 of the 2", -1);
	transfer_refused(&e->a, key, &e->b, NULL, e->b.drawer, NULL,
	    both_pins, OFF_ERR_QUORUM, "only 0 of the 2", 0);
	/* The destination's, after the source's was given. */
	transfer_refused(&e->a, key, &e->b, NULL, NULL, NULL, quorum_pins,
	    OFF_ERR_CANCELLED, NULL, 2);
	transfer_refused(&e->a, key, &e->b, NULL, NULL, NULL,
	    (const char *const[]){ "1111", "2222", "3333", NULL },
	    OFF_ERR_CANCELLED, NULL, 3);
	transfer_refused(&e->a, key, &e->b, NULL, NULL, one_b,
	    (const char *const[]){ "1111", "2222", "1111", "2222", "3333",
	    NULL }, OFF_ERR_QUORUM, "only 1 of the 2", -1);
	transfer_refused(&e->a, key, &e->b, NULL, NULL, e->a.drawer,
	    both_pins, OFF_ERR_QUORUM, "only 0 of the 2", 2);
	/* After all that, it can still go. */
	copy = transfer_ok(e, key);
	check_copy(e, key, copy);
	off_key_free(&copy);
	off_key_free(&key);
}

/* Wrong PINs, in worlds whose cards lock at the first one. */
static void
test_refused_wrong_pins(void **state)
{
	struct env	*e = *state;
	struct side	 l1, l2;
	struct off_key	*key, *k1, *k2;

	memset(&l1, 0, sizeof(l1));
	memset(&l2, 0, sizeof(l2));
	make_side(e, &l1, "locking-1", 1);
	make_side(e, &l2, "locking-2", 1);
	key = new_key(&e->a, "xfer-lock", "ec", 0, "p256", 0);
	k1 = new_key(&l1, "xfer-lock-1", "ec", 0, "p256", 0);
	k2 = new_key(&l2, "xfer-lock-2", "ec", 0, "p256", 0);
	/* For the source's quorum: every card of l1 locked. */
	transfer_refused(&l1, k1, &e->b, NULL, NULL, NULL,
	    (const char *const[]){ "0000", "1234", "9999", "1111", NULL },
	    OFF_ERR_QUORUM, "only 0 of the 2", 3);
	/* For the destination's, after the source's: l2's locked. */
	transfer_refused(&e->a, key, &l2, NULL, NULL, NULL,
	    (const char *const[]){ "1111", "2222", "0000", "1234", "9999",
	    "1111", NULL }, OFF_ERR_QUORUM, "only 0 of the 2", 5);
	/* Locked cards are refused before any PIN, either way. */
	transfer_refused(&l2, k2, &e->b, NULL, NULL, NULL, both_pins,
	    OFF_ERR_QUORUM, "only 0 of the 2", 0);
	transfer_refused(&e->a, key, &l1, NULL, NULL, NULL, both_pins,
	    OFF_ERR_QUORUM, "only 0 of the 2", 2);
	off_key_free(&k1);
	off_key_free(&k2);
	off_key_free(&key);
	off_world_free(&l1.w);
	off_world_free(&l2.w);
}

/* --- the copy stays where it went --------------------------------- */

static void
test_copy_locked_in(void **state)
{
	struct env		*e = *state;
	struct off_key		*key, *copy, *r = (struct off_key *)&r;
	struct off_frontend	 fe;
	struct fe_script	 s;
	struct off_slot		*slot = NULL;
	struct off_err		 err;
	char			*dst;

	key = new_key(&e->a, "xfer-once", "rsa", 2048, NULL, 0);
	copy = transfer_ok(e, key);
	/* Not on to c, not back to a: before any card. */
	transfer_refused(&e->b, copy, &e->c, NULL, NULL, NULL, both_pins,
	    OFF_ERR_DENIED, "does not allow recovery", 0);
	off_key_free(&key);
	transfer_refused(&e->b, copy, &e->a, NULL, NULL, NULL, both_pins,
	    OFF_ERR_DENIED, "does not allow recovery", 0);
	/* No reduced copy in b either: no change-acl. */
	dst = test_dir_state(e->b.kmdata);
	fe_script_init(&fe, &s);
	fe_script_pins(&s, quorum_pins);
	assert_int_equal(off_slot_open(&slot, "drawer", e->b.drawer, NULL), 0);
	off_err_clear(&err);
	assert_int_equal(off_key_reduce_acl(e->b.kmdata, e->b.w, copy, e->kek,
	    "azure", slot, &fe, &r, &err), OFF_ERR_DENIED);
	off_slot_close(&slot);
	assert_int_equal(err.code, OFF_ERR_DENIED);
	assert_null(r);
	assert_int_equal(s.next_pin, 0);
	test_dir_same(e->b.kmdata, dst);
	off_key_free(&copy);
}

/* The copy's file with a's world written in: a's world did not sign
 * its ACL, so a will not take it. */
static void
test_copy_not_turned_back(void **state)
{
	struct env	*e = *state;
	struct off_key	*key, *copy, *k = NULL;
	struct off_err	 err;
	json_t		*o;
	char		 path[PATH_MAX], scratch[PATH_MAX];
	char		 wid[OFF_WORLD_ID_HEX], *text;

	key = new_key(&e->a, "xfer-back", "ec", 0, "p256", 0);
	copy = transfer_ok(e, key);
	test_key_path(e->b.kmdata, "simple", "xfer-back", path, sizeof(path));
	o = json_load_file(path, 0, NULL);
	assert_non_null(o);
	assert_non_null(json_object_get(o, "world"));
	off_world_id_hex(e->a.w, wid);
	assert_int_equal(json_object_set_new(o, "world", json_string(wid)),
	    0);
	assert_non_null(text = json_dumps(o, JSON_INDENT(2)));
	json_decref(o);
	snprintf(scratch, sizeof(scratch), "%s/scratch", e->dir);
	assert_int_equal(off_mkdirs(scratch, NULL), 0);
	test_key_path(scratch, "simple", "xfer-back", path, sizeof(path));
	test_spill(path, text, strlen(text));
	free(text);
	off_err_clear(&err);
	assert_int_equal(off_key_load_file(path, e->a.w, &k, &err),
	    OFF_ERR_AUTH);
	assert_int_equal(err.code, OFF_ERR_AUTH);
	assert_non_null(strstr(err.detail, "ACL does not verify"));
	assert_null(k);
	/* Nor b: the world in the file is no longer b's. */
	assert_int_equal(off_key_load_file(path, e->b.w, &k, NULL),
	    OFF_ERR_WRONG_WORLD);
	assert_null(k);
	off_key_free(&copy);
	off_key_free(&key);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transfer),
		cmocka_unit_test(test_transfer_types),
		cmocka_unit_test(test_transfer_after_wrong_pin),
		cmocka_unit_test(test_refused_no_recover),
		cmocka_unit_test(test_refused_same_world),
		cmocka_unit_test(test_refused_exists),
		cmocka_unit_test(test_refused_quorum),
		cmocka_unit_test(test_refused_wrong_pins),
		cmocka_unit_test(test_copy_locked_in),
		cmocka_unit_test(test_copy_not_turned_back),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
