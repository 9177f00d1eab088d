/* Transcripts: write, seal, verify; every single-bit change, every
 * truncation, every removed, repeated or swapped line; another key;
 * resuming after a close and after a crash (a child killed with
 * SIGKILL); cosignatures; the recording front end never writes a PIN. */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "error.h"
#include "fe-script.h"
#include "frontend.h"
#include "merkle.h"
#include "note.h"
#include "platform.h"
#include "testlib.h"
#include "transcript.h"

#define PIN	"7391-secret-8264"

/* ---------------------------------------------------------------- */
/* Helpers */

static void
file_get(const char *path, char **buf, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	long	 n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	*buf = malloc((size_t)n + 1);
	assert_non_null(*buf);
	assert_int_equal(fread(*buf, 1, (size_t)n, f), (size_t)n);
	(*buf)[n] = '\0';
	*len = (size_t)n;
	fclose(f);
}

/* Rewrite path in place: overwrite, then cut to length. (Truncating to
 * zero first makes ext4 start writing back at close, which is slow
 * when the disk is busy, and this runs thousands of times.) */
static void
file_put(const char *path, const char *buf, size_t len)
{
	int	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	assert_true(fd != -1);
	assert_int_equal(pwrite(fd, buf, len, 0), (ssize_t)len);
	assert_int_equal(ftruncate(fd, (off_t)len), 0);
	assert_int_equal(close(fd), 0);
}

static int
verify(const char *path, const struct off_vkey *keys, size_t nkeys,
    const struct off_vkey *w, size_t nw, struct off_verify_result *r)
{
	struct off_verify_opts		o;
	struct off_verify_result	mine;
	struct off_err			err;

	memset(&o, 0, sizeof(o));
	o.keys = keys;
	o.nkeys = nkeys;
	o.witnesses = w;
	o.nwitnesses = nw;
	off_err_clear(&err);
	return off_transcript_verify(path, &o, r != NULL ? r : &mine, &err);
}

static void
tkey(const struct off_transcript *t, struct off_vkey *k)
{
	char	s[OFF_VKEY_MAX];

	off_transcript_vkey(t, s, sizeof(s));
	assert_int_equal(off_vkey_parse(s, k), 0);
	assert_int_equal(k->type, OFF_NOTE_ED25519);
}

static void
append(struct off_transcript *t, const char *type, const char *step,
    json_t *data)
{
	struct off_err	err;

	off_err_clear(&err);
	if (off_transcript_append(t, type, step, "alice", data, &err) != 0)
		fail_msg("append %s: %s", type, err.detail);
}

static void
checkpoint(struct off_transcript *t)
{
	struct off_err	err;

	off_err_clear(&err);
	if (off_transcript_checkpoint(t, &err) != 0)
		fail_msg("checkpoint: %s", err.detail);
}

static struct off_transcript *
create(const char *path, const char *ceremony)
{
	struct off_transcript_params	p;
	struct off_transcript		*t = NULL;
	struct off_err			 err;

	memset(&p, 0, sizeof(p));
	p.ceremony = ceremony;
	p.title = "";
	p.actor = "alice";
	p.training = 1;
	off_err_clear(&err);
	if (off_transcript_create(path, &p, &t, &err) != 0)
		fail_msg("create %s: %s", path, err.detail);
	assert_non_null(t);
	return t;
}

/*
 * The small transcript of the exhaustive tests: started, cp(1),
 * step-begun, parameter-set, cp(3), action-result, exception-recorded,
 * cp(5), ceremony-sealed, cp(6). No two checkpoints are adjacent.
 */
static void
small_transcript(const char *path, struct off_vkey *k, off_hash root)
{
	struct off_transcript	*t = create(path, "t");

	tkey(t, k);
	append(t, OFF_T_STEP_BEGUN, "s1", NULL);
	append(t, OFF_T_PARAMETER, "s1", json_pack("{s:i}", "m", 2));
	checkpoint(t);
	append(t, OFF_T_RESULT, "s1", json_pack("{s:b}", "ok", 1));
	append(t, OFF_T_EXCEPTION, "s1", json_pack("{s:s}", "why", "jam"));
	checkpoint(t);
	assert_int_equal(off_transcript_seal(t, "bob", root, NULL), 0);
	assert_int_equal(off_transcript_size(t), 6);
	off_transcript_close(&t);
}

/* Lines of a buffer: start offsets and lengths, each with its '\n'. */
struct lines {
	size_t	off[64], len[64], n;
};

static void
split_lines(const char *buf, size_t len, struct lines *l)
{
	size_t	i, start = 0;

	l->n = 0;
	for (i = 0; i < len; i++)
		if (buf[i] == '\n') {
			assert_true(l->n < 64);
			l->off[l->n] = start;
			l->len[l->n] = i + 1 - start;
			l->n++;
			start = i + 1;
		}
	assert_int_equal(start, len);
}

static int
is_checkpoint_line(const char *buf, const struct lines *l, size_t i)
{
	return strncmp(buf + l->off[i], "{\"checkpoint\":", 14) == 0;
}

/* The shared fixture: one sealed transcript, read into memory. */
struct fixture {
	char		*dir;
	char		 path[512], work[512];
	struct off_vkey	 key;
	off_hash	 root;
	char		*buf;
	size_t		 len;
	struct lines	 lines;
};

static struct fixture	*fx;

static int
group_setup(void **state)
{
	(void)state;
	fx = calloc(1, sizeof(*fx));
	if (fx == NULL)
		return -1;
	fx->dir = test_tmpdir();
	test_path(fx->path, sizeof(fx->path), fx->dir, "small.log");
	test_path(fx->work, sizeof(fx->work), fx->dir, "work.log");
	small_transcript(fx->path, &fx->key, fx->root);
	file_get(fx->path, &fx->buf, &fx->len);
	split_lines(fx->buf, fx->len, &fx->lines);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	test_rmtree(fx->dir);
	free(fx->dir);
	free(fx->buf);
	free(fx);
	fx = NULL;
	return 0;
}

/* ---------------------------------------------------------------- */
/* Writing and verifying */

static void
test_sealed_verifies(void **state)
{
	struct off_verify_result	r;
	struct off_vkey			other;
	struct off_verify_opts		o;
	struct off_err			err;
	EVP_PKEY			*sk;
	size_t				 i;

	(void)state;
	assert_int_equal(fx->lines.n, 10);
	/* Nobody vouches for the key: intact but unanchored. */
	assert_int_equal(verify(fx->path, NULL, 0, NULL, 0, &r),
	    OFF_ERR_UNANCHORED);
	assert_int_equal(r.sealed, 1);
	assert_int_equal(r.anchored, 0);
	/* The expected key. */
	assert_int_equal(verify(fx->path, &fx->key, 1, NULL, 0, &r), 0);
	assert_int_equal(r.entries, 6);
	assert_int_equal(r.checkpoints, 4);
	assert_int_equal(r.segments, 1);
	assert_int_equal(r.good_size, 6);
	assert_memory_equal(r.good_root, fx->root, OFF_HASH_LEN);
	assert_int_equal(r.sealed, 1);
	assert_int_equal(r.training, 1);
	assert_int_equal(r.anchored, 1);
	assert_int_equal(r.bad_line, 0);
	assert_string_equal(r.ceremony, "t");
	assert_non_null(strstr(r.origin, "officiant/TRAINING/t/"));
	assert_string_equal(fx->key.name, r.origin);
	/* Entries and checkpoints alternate as written. */
	for (i = 0; i < fx->lines.n; i++)
		assert_int_equal(is_checkpoint_line(fx->buf, &fx->lines, i),
		    i == 1 || i == 4 || i == 7 || i == 9);
	/* Among other keys. */
	sk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	assert_non_null(sk);
	assert_int_equal(off_vkey_from_pkey("x", OFF_NOTE_ED25519, sk, &other,
	    NULL), 0);
	{
		struct off_vkey	two[2] = { other, fx->key };

		assert_int_equal(verify(fx->path, two, 2, NULL, 0, &r), 0);
		/* Only other keys. */
		assert_int_equal(verify(fx->path, two, 1, NULL, 0, &r),
		    OFF_ERR_AUTH);
	}
	EVP_PKEY_free(sk);
	/* The final root, as read aloud. */
	memset(&o, 0, sizeof(o));
	o.keys = &fx->key;
	o.nkeys = 1;
	o.expect_root = fx->root;
	assert_int_equal(off_transcript_verify(fx->path, &o, &r, NULL), 0);
	{
		off_hash	bad;

		memcpy(bad, fx->root, sizeof(bad));
		bad[31] ^= 1;
		o.expect_root = bad;
		off_err_clear(&err);
		assert_int_equal(off_transcript_verify(fx->path, &o, &r, &err),
		    OFF_ERR_AUTH);
		assert_int_equal(err.code, OFF_ERR_AUTH);
	}
}

static void
test_write_rules(void **state)
{
	struct off_transcript_params	 p;
	struct off_transcript		*t = NULL;
	char				*dir = test_tmpdir(), path[512];
	off_hash			 root;
	struct off_err			 err;

	(void)state;
	test_path(path, sizeof(path), dir, "t.log");
	memset(&p, 0, sizeof(p));
	p.actor = "alice";
	/* Ceremony names. */
	p.ceremony = "";
	assert_int_equal(off_transcript_create(path, &p, &t, NULL),
	    OFF_ERR_INVALID);
	p.ceremony = "Upper";
	assert_int_equal(off_transcript_create(path, &p, &t, NULL),
	    OFF_ERR_INVALID);
	p.ceremony = "a/b";
	assert_int_equal(off_transcript_create(path, &p, &t, NULL),
	    OFF_ERR_INVALID);
	{
		char	name[66];

		memset(name, 'a', 65);
		name[65] = '\0';
		p.ceremony = name;
		assert_int_equal(off_transcript_create(path, &p, &t, NULL),
		    OFF_ERR_INVALID);
	}
	assert_null(t);
	assert_int_equal(access(path, F_OK), -1);
	/* A live transcript: not training this time. */
	p.ceremony = "key-gen-2026";
	assert_int_equal(off_transcript_create(path, &p, &t, NULL), 0);
	assert_string_equal(off_transcript_path(t), path);
	assert_int_equal(off_transcript_size(t), 1);
	/* Never over an existing file. */
	{
		struct off_transcript	*t2 = NULL;

		assert_int_equal(off_transcript_create(path, &p, &t2, NULL),
		    OFF_ERR_EXISTS);
		assert_null(t2);
	}
	/* Entry types are checked. */
	off_err_clear(&err);
	assert_int_equal(off_transcript_append(t, "made-up", "", "",
	    json_object(), &err), OFF_ERR_INTERNAL);
	assert_int_equal(off_transcript_size(t), 1);
	assert_int_equal(off_transcript_type_ok(OFF_T_WITNESS), 0);
	assert_int_not_equal(off_transcript_type_ok("made-up"), 0);
	append(t, OFF_T_WITNESS, "s", NULL);
	assert_int_equal(off_transcript_seal(t, "bob", root, NULL), 0);
	/* Nothing after the seal. */
	assert_int_equal(off_transcript_append(t, OFF_T_STEP_BEGUN, "", "",
	    NULL, NULL), OFF_ERR_INVALID);
	assert_int_equal(off_transcript_checkpoint(t, NULL), OFF_ERR_INVALID);
	off_transcript_close(&t);
	assert_null(t);
	off_transcript_close(&t);
	{
		struct off_verify_result	r;

		assert_int_equal(verify(path, NULL, 0, NULL, 0, &r),
		    OFF_ERR_UNANCHORED);
		assert_int_equal(r.training, 0);
		assert_int_equal(r.entries, 3);
		assert_memory_equal(r.good_root, root, OFF_HASH_LEN);
		assert_null(strstr(r.origin, "TRAINING"));
	}
	/* A sealed transcript is not resumed. */
	assert_int_equal(off_transcript_resume(path, NULL, NULL, &t, NULL),
	    OFF_ERR_INVALID);
	assert_null(t);
	test_rmtree(dir);
	free(dir);
}

/* The file-written entry and check_files. */
static void
test_file_entries(void **state)
{
	struct off_transcript		*t;
	struct off_verify_opts		 o;
	struct off_verify_result	 r;
	struct off_vkey			 k;
	char				*dir = test_tmpdir(), path[512];
	char				 f[512];
	off_hash			 root;

	(void)state;
	test_path(path, sizeof(path), dir, "t.log");
	test_path(f, sizeof(f), dir, "out.bin");
	file_put(f, "hello", 5);
	t = create(path, "files");
	tkey(t, &k);
	assert_int_equal(off_transcript_file(t, "s", "alice", f, NULL), 0);
	assert_int_equal(off_transcript_seal(t, "alice", root, NULL), 0);
	off_transcript_close(&t);
	memset(&o, 0, sizeof(o));
	o.keys = &k;
	o.nkeys = 1;
	o.check_files = 1;
	assert_int_equal(off_transcript_verify(path, &o, &r, NULL), 0);
	assert_int_equal(r.files_ok, 1);
	file_put(f, "hellO", 5);
	assert_int_equal(off_transcript_verify(path, &o, &r, NULL),
	    OFF_ERR_AUTH);
	assert_int_equal(r.bad_line, 3);
	o.check_files = 0;
	assert_int_equal(off_transcript_verify(path, &o, &r, NULL), 0);
	o.check_files = 1;
	assert_int_equal(unlink(f), 0);
	assert_int_equal(off_transcript_verify(path, &o, &r, NULL), 0);
	assert_int_equal(r.files_missing, 1);
	test_rmtree(dir);
	free(dir);
}

/* ---------------------------------------------------------------- */
/* Exhaustive tampering with the small transcript */

static void
test_every_bit(void **state)
{
	struct off_verify_result	r;
	char				*copy;
	size_t				 i;
	unsigned			 b, counts[4] = { 0, 0, 0, 0 };
	int				 ret;

	(void)state;
	copy = malloc(fx->len);
	assert_non_null(copy);
	memcpy(copy, fx->buf, fx->len);
	for (i = 0; i < fx->len; i++) {
		for (b = 0; b < 8; b++) {
			copy[i] = (char)(copy[i] ^ (1 << b));
			file_put(fx->work, copy, fx->len);
			ret = verify(fx->work, &fx->key, 1, NULL, 0, &r);
			if (ret == 0 || ret == OFF_ERR_UNANCHORED)
				fail_msg("bit %u of byte %zu changed: verify "
				    "returned %d", b, i, ret);
			counts[ret == OFF_ERR_FORMAT ? 0 : ret == OFF_ERR_AUTH ?
			    1 : ret == OFF_ERR_UNSEALED ? 2 : 3]++;
			copy[i] = (char)(copy[i] ^ (1 << b));
		}
	}
	file_put(fx->work, copy, fx->len);
	assert_int_equal(verify(fx->work, &fx->key, 1, NULL, 0, &r), 0);
	free(copy);
	print_message("%zu flips: %u malformed, %u failed authentication, "
	    "%u unsealed, %u other\n", fx->len * 8, counts[0], counts[1],
	    counts[2], counts[3]);
}

static void
test_every_truncation(void **state)
{
	struct off_verify_result	r;
	size_t				i, l, unsealed = 0, boundary;
	int				ret;

	(void)state;
	for (i = 0; i < fx->len; i++) {
		file_put(fx->work, fx->buf, i);
		ret = verify(fx->work, &fx->key, 1, NULL, 0, &r);
		if (ret == 0 || ret == OFF_ERR_UNANCHORED)
			fail_msg("cut to %zu of %zu bytes: verify returned %d",
			    i, fx->len, ret);
		if (ret == OFF_ERR_UNSEALED)
			unsealed++;
		/* Nothing is ever reported good beyond the cut. */
		assert_true(r.good_size <= r.entries);
	}
	/* At the end of each checkpoint line before the seal: intact,
	 * unsealed, good up to that checkpoint. */
	for (l = 1; l < 8; l++) {
		if (!is_checkpoint_line(fx->buf, &fx->lines, l))
			continue;
		boundary = fx->lines.off[l] + fx->lines.len[l];
		file_put(fx->work, fx->buf, boundary);
		assert_int_equal(verify(fx->work, &fx->key, 1, NULL, 0, &r),
		    OFF_ERR_UNSEALED);
		assert_int_equal(r.good_size, l == 1 ? 1 : l == 4 ? 3 : 5);
		assert_int_equal(r.sealed, 0);
		/* A torn line after it changes nothing. */
		file_put(fx->work, fx->buf, boundary + 10);
		assert_int_equal(verify(fx->work, &fx->key, 1, NULL, 0, &r),
		    OFF_ERR_UNSEALED);
		assert_int_equal(r.good_size, l == 1 ? 1 : l == 4 ? 3 : 5);
	}
	print_message("%zu cuts: %zu unsealed, the rest malformed or "
	    "failed\n", fx->len, unsealed);
}

/* Rebuild the transcript from its lines in another order. */
static void
put_lines(const size_t *order, size_t n)
{
	char	*out = malloc(fx->len * 2);
	size_t	 i, o = 0;

	assert_non_null(out);
	for (i = 0; i < n; i++) {
		memcpy(out + o, fx->buf + fx->lines.off[order[i]],
		    fx->lines.len[order[i]]);
		o += fx->lines.len[order[i]];
	}
	file_put(fx->work, out, o);
	free(out);
}

/*
 * Remove, repeat or swap lines. want_checkpoints: look at the changes
 * that only touch checkpoint lines (removing or repeating one) rather
 * than at those that touch entries. Returns how many went unnoticed.
 */
static unsigned
line_changes(int want_checkpoints, unsigned *tried)
{
	struct off_verify_result	r;
	size_t				order[128], i, j, n = fx->lines.n;
	unsigned			missed = 0;
	int				ret, cp;

	*tried = 0;
	for (i = 0; i < n; i++) {
		cp = is_checkpoint_line(fx->buf, &fx->lines, i);
		if (cp != want_checkpoints)
			continue;
		/* Line i removed. */
		for (j = 0; j + 1 < n; j++)
			order[j] = j < i ? j : j + 1;
		put_lines(order, n - 1);
		ret = verify(fx->work, &fx->key, 1, NULL, 0, &r);
		(*tried)++;
		if (ret == 0 || ret == OFF_ERR_UNANCHORED) {
			print_message("line %zu (%s) removed: verify returned "
			    "%d\n", i + 1, cp ? "checkpoint" : "entry", ret);
			missed++;
		}
		/* Line i twice. */
		for (j = 0; j <= n; j++)
			order[j] = j <= i ? j : j - 1;
		put_lines(order, n + 1);
		ret = verify(fx->work, &fx->key, 1, NULL, 0, &r);
		(*tried)++;
		if (ret == 0 || ret == OFF_ERR_UNANCHORED) {
			print_message("line %zu (%s) repeated: verify returned "
			    "%d\n", i + 1, cp ? "checkpoint" : "entry", ret);
			missed++;
		}
	}
	if (want_checkpoints)
		return missed;
	/* Adjacent lines swapped. */
	for (i = 0; i + 1 < n; i++) {
		for (j = 0; j < n; j++)
			order[j] = j == i ? i + 1 : j == i + 1 ? i : j;
		put_lines(order, n);
		ret = verify(fx->work, &fx->key, 1, NULL, 0, &r);
		(*tried)++;
		if (ret == 0 || ret == OFF_ERR_UNANCHORED) {
			print_message("lines %zu and %zu swapped: verify "
			    "returned %d\n", i + 1, i + 2, ret);
			missed++;
		}
	}
	return missed;
}

static void
test_entry_lines_moved(void **state)
{
	unsigned	tried, missed;

	(void)state;
	missed = line_changes(0, &tried);
	print_message("%u changes to entry lines, %u unnoticed\n", tried,
	    missed);
	assert_int_equal(missed, 0);
	assert_int_equal(tried, 6 * 2 + 9);
}

/*
 * Checkpoint lines are not leaves of the tree: nothing binds them to
 * their place but their size and root. Removing or repeating one
 * should still be noticed.
 */
static void
test_checkpoint_lines_moved(void **state)
{
	unsigned	tried, missed;

	(void)state;
	missed = line_changes(1, &tried);
	print_message("%u changes to checkpoint lines, %u unnoticed\n", tried,
	    missed);
	assert_int_equal(tried, 4 * 2);
	assert_int_equal(missed, 0);
}

/* A transcript signed by another key is not the one expected, even if
 * everything else about it is right. */
static void
test_other_key(void **state)
{
	struct off_verify_result	r;
	struct off_vkey			k2, both[2];
	char				path[512];
	off_hash			root;

	(void)state;
	test_path(path, sizeof(path), fx->dir, "other.log");
	small_transcript(path, &k2, root);
	assert_memory_not_equal(k2.pub, fx->key.pub, 32);
	assert_int_equal(verify(path, NULL, 0, NULL, 0, &r),
	    OFF_ERR_UNANCHORED);
	assert_int_equal(verify(path, &fx->key, 1, NULL, 0, &r), OFF_ERR_AUTH);
	assert_int_equal(verify(path, &k2, 1, NULL, 0, &r), 0);
	both[0] = fx->key;
	both[1] = k2;
	assert_int_equal(verify(path, both, 2, NULL, 0, &r), 0);
	assert_int_equal(verify(fx->path, &k2, 1, NULL, 0, &r), OFF_ERR_AUTH);
	/* Its lines do not mix with the first one's. */
	{
		char		*obuf, *mix;
		size_t		 olen;
		struct lines	 ol;

		file_get(path, &obuf, &olen);
		split_lines(obuf, olen, &ol);
		assert_int_equal(ol.n, 10);
		/* The first transcript with the other's final checkpoint. */
		mix = malloc(fx->len + olen);
		assert_non_null(mix);
		memcpy(mix, fx->buf, fx->lines.off[9]);
		memcpy(mix + fx->lines.off[9], obuf + ol.off[9], ol.len[9]);
		file_put(fx->work, mix, fx->lines.off[9] + ol.len[9]);
		assert_int_not_equal(verify(fx->work, &fx->key, 1, NULL, 0, &r),
		    0);
		assert_int_not_equal(verify(fx->work, both, 2, NULL, 0, &r), 0);
		free(mix);
		free(obuf);
	}
	unlink(path);
}

/*
 * Cut a sealed transcript back and go on from there under a new key
 * (truncation then new entries; a later key replacing the seal): the
 * auditor who expects only the first key is not fooled.
 */
static void
test_reseal_after_truncation(void **state)
{
	struct off_verify_result	 r;
	struct off_transcript		*t = NULL;
	struct off_vkey			 k2, both[2];
	off_hash			 root;
	size_t				 cut[] = { 8, 5, 2 }, i;

	(void)state;
	for (i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		/* Keep lines up to a checkpoint line. */
		file_put(fx->work, fx->buf, fx->lines.off[cut[i]]);
		assert_int_equal(verify(fx->work, &fx->key, 1, NULL, 0, &r),
		    OFF_ERR_UNSEALED);
		assert_int_equal(off_transcript_resume(fx->work, NULL, NULL, &t,
		    NULL), 0);
		tkey(t, &k2);
		append(t, OFF_T_RESULT, "forged", json_pack("{s:s}", "x",
		    "forged"));
		assert_int_equal(off_transcript_seal(t, "mallory", root, NULL),
		    0);
		off_transcript_close(&t);
		assert_int_equal(verify(fx->work, &fx->key, 1, NULL, 0, &r),
		    OFF_ERR_AUTH);
		assert_int_equal(verify(fx->work, &k2, 1, NULL, 0, &r),
		    OFF_ERR_AUTH);
		/* Honest, it is a resumed transcript with two keys. */
		both[0] = fx->key;
		both[1] = k2;
		assert_int_equal(verify(fx->work, both, 2, NULL, 0, &r), 0);
		assert_int_equal(r.segments, 2);
		assert_int_equal(verify(fx->work, NULL, 0, NULL, 0, &r),
		    OFF_ERR_UNANCHORED);
	}
}

/* ---------------------------------------------------------------- */
/* Unsealed, resumed, crashed */

/* A crash between the seal entry and the checkpoint that signs it:
 * the seal never took effect, the transcript is resumed. */
static void
test_crash_while_sealing(void **state)
{
	struct off_verify_result	 r;
	struct off_transcript		*t = NULL;
	struct off_vkey			 k[2];
	off_hash			 root;

	(void)state;
	assert_false(is_checkpoint_line(fx->buf, &fx->lines, 8));
	file_put(fx->work, fx->buf, fx->lines.off[9]);
	assert_int_equal(verify(fx->work, &fx->key, 1, NULL, 0, &r),
	    OFF_ERR_UNSEALED);
	assert_int_equal(r.good_size, 5);
	assert_int_equal(r.entries, 6);
	assert_int_equal(r.sealed, 0);
	assert_int_equal(off_transcript_resume(fx->work, NULL, NULL, &t, NULL),
	    0);
	k[0] = fx->key;
	tkey(t, &k[1]);
	assert_int_equal(off_transcript_seal(t, "alice", root, NULL), 0);
	off_transcript_close(&t);
	assert_int_equal(verify(fx->work, k, 2, NULL, 0, &r), 0);
	assert_int_equal(r.segments, 2);
	assert_int_equal(r.entries, 8);
	assert_int_equal(verify(fx->work, k, 1, NULL, 0, &r), OFF_ERR_AUTH);
}

static void
test_unsealed_then_resumed(void **state)
{
	struct off_verify_result	 r;
	struct off_transcript		*t;
	struct off_tlog			*log = NULL;
	struct off_vkey			 k[2];
	char				*dir = test_tmpdir(), path[512];
	off_hash			 root;
	json_t				*d;

	(void)state;
	test_path(path, sizeof(path), dir, "t.log");
	t = create(path, "resume");
	tkey(t, &k[0]);
	append(t, OFF_T_STEP_BEGUN, "s1", NULL);
	append(t, OFF_T_OFFICER, "s1", json_pack("{s:s}", "who", "carol"));
	checkpoint(t);
	/* One more, never checkpointed. */
	append(t, OFF_T_CARD_IN, "s1", NULL);
	off_transcript_close(&t);

	assert_int_equal(verify(path, &k[0], 1, NULL, 0, &r),
	    OFF_ERR_UNSEALED);
	assert_int_equal(r.good_size, 3);
	assert_int_equal(r.entries, 4);
	assert_int_equal(r.sealed, 0);
	assert_int_equal(r.segments, 1);
	assert_int_equal(verify(path, NULL, 0, NULL, 0, &r), OFF_ERR_UNSEALED);
	assert_int_equal(r.good_size, 3);
	/* Nor can it be cosigned. */
	{
		EVP_PKEY	*w = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		char		*before;
		size_t		 blen;

		assert_non_null(w);
		file_get(path, &before, &blen);
		assert_int_equal(off_transcript_cosign(path, "w", w, NULL),
		    OFF_ERR_UNSEALED);
		test_file_holds(path, before, blen);
		free(before);
		EVP_PKEY_free(w);
	}

	/* Resumed as segment 1 under a new key. */
	assert_int_equal(off_transcript_resume(path, NULL, NULL, &t, NULL), 0);
	tkey(t, &k[1]);
	assert_memory_not_equal(k[0].pub, k[1].pub, 32);
	assert_string_equal(k[0].name, k[1].name);
	assert_int_equal(off_transcript_size(t), 5);
	assert_int_equal(verify(path, k, 2, NULL, 0, &r), OFF_ERR_UNSEALED);
	assert_int_equal(r.good_size, 5);
	append(t, OFF_T_STEP_ENDED, "s1", NULL);
	assert_int_equal(off_transcript_seal(t, "alice", root, NULL), 0);
	off_transcript_close(&t);

	assert_int_equal(verify(path, k, 2, NULL, 0, &r), 0);
	assert_int_equal(r.segments, 2);
	assert_int_equal(r.entries, 7);
	assert_memory_equal(r.good_root, root, OFF_HASH_LEN);
	assert_int_equal(verify(path, &k[0], 1, NULL, 0, &r), OFF_ERR_AUTH);
	assert_int_equal(verify(path, &k[1], 1, NULL, 0, &r), OFF_ERR_AUTH);
	assert_int_equal(verify(path, NULL, 0, NULL, 0, &r),
	    OFF_ERR_UNANCHORED);

	/* What the resumed entry says. */
	assert_int_equal(off_tlog_load(path, &log, NULL), 0);
	assert_int_equal(log->nentries, 7);
	assert_string_equal(log->entries[4].type, OFF_T_RESUMED);
	d = log->entries[4].data;
	assert_int_equal(json_integer_value(json_object_get(d, "segment")), 1);
	assert_int_equal(json_integer_value(json_object_get(d,
	    "previous_size")), 3);
	assert_int_equal(json_integer_value(json_object_get(d,
	    "unsigned_entries")), 1);
	assert_int_equal(json_integer_value(json_object_get(d,
	    "discarded_bytes")), 0);
	off_tlog_free(&log);
	assert_null(log);
	test_rmtree(dir);
	free(dir);
}

/* A line torn by a crash is dropped when the transcript is resumed. */
static void
test_torn_line(void **state)
{
	struct off_verify_result	 r;
	struct off_transcript		*t;
	struct off_tlog			*log = NULL;
	struct off_vkey			 k[2];
	char				*dir = test_tmpdir(), path[512];
	char				*buf, *torn;
	size_t				 len;
	off_hash			 root;
	static const char		 half[] = "{\"seq\":2,\"torn\":\"zzq";

	(void)state;
	test_path(path, sizeof(path), dir, "t.log");
	t = create(path, "torn");
	tkey(t, &k[0]);
	append(t, OFF_T_STEP_BEGUN, "s1", NULL);
	off_transcript_close(&t);
	file_get(path, &buf, &len);
	torn = malloc(len + sizeof(half));
	assert_non_null(torn);
	memcpy(torn, buf, len);
	memcpy(torn + len, half, sizeof(half) - 1);
	file_put(path, torn, len + sizeof(half) - 1);
	assert_int_equal(verify(path, &k[0], 1, NULL, 0, &r),
	    OFF_ERR_UNSEALED);
	assert_int_equal(r.good_size, 1);
	assert_int_equal(r.entries, 2);

	assert_int_equal(off_transcript_resume(path, NULL, NULL, &t, NULL), 0);
	tkey(t, &k[1]);
	assert_int_equal(off_transcript_seal(t, "alice", root, NULL), 0);
	off_transcript_close(&t);
	assert_int_equal(verify(path, k, 2, NULL, 0, &r), 0);
	assert_int_equal(off_tlog_load(path, &log, NULL), 0);
	assert_int_equal(log->tail, 0);
	assert_int_equal(json_integer_value(json_object_get(
	    log->entries[2].data, "discarded_bytes")), sizeof(half) - 1);
	assert_int_equal(json_integer_value(json_object_get(
	    log->entries[2].data, "unsigned_entries")), 1);
	off_tlog_free(&log);
	/* The torn bytes are gone, what was before is kept byte for byte. */
	free(torn);
	file_get(path, &torn, &len);
	assert_memory_equal(torn, buf, strlen(buf));
	assert_null(strstr(torn, "zzq"));
	assert_memory_equal(torn + strlen(buf), "{\"seq\":2,\"time\":", 16);
	free(torn);
	free(buf);
	test_rmtree(dir);
	free(dir);
}

/* The child: write a transcript until killed; the key goes up the
 * pipe first. Never returns. */
static void
crash_child(const char *path, int fd, unsigned seed)
{
	struct off_transcript_params	 p;
	struct off_transcript		*t = NULL;
	char				 vk[OFF_VKEY_MAX + 1];
	off_hash			 root;
	size_t				 n;
	unsigned			 i;

	memset(&p, 0, sizeof(p));
	p.ceremony = "crash";
	p.actor = "child";
	p.training = 1;
	if (off_transcript_create(path, &p, &t, NULL) != 0)
		_exit(2);
	off_transcript_vkey(t, vk, sizeof(vk) - 1);
	n = strlen(vk);
	vk[n++] = '\n';
	if (write(fd, vk, n) != (ssize_t)n)
		_exit(3);
	for (i = 0; i < 100000; i++) {
		if (off_transcript_append(t, i % 2 ? OFF_T_RESULT :
		    OFF_T_STEP_BEGUN, "loop", "child", json_pack("{s:i, s:i}",
		    "i", (int)i, "seed", (int)seed), NULL) != 0)
			_exit(4);
		if (i % 3 == 2 && off_transcript_checkpoint(t, NULL) != 0)
			_exit(5);
		if (i == 3000) {
			if (off_transcript_seal(t, "child", root, NULL) != 0)
				_exit(6);
			off_transcript_close(&t);
			_exit(0);
		}
	}
	_exit(7);
}

static void
test_crash(void **state)
{
	struct off_verify_result	 r;
	struct off_transcript		*t;
	struct off_vkey			 k[2];
	char				*dir = test_tmpdir(), path[512];
	char				 vk[OFF_VKEY_MAX + 1];
	off_hash			 root;
	unsigned			 round, sealed = 0, resumed = 0;
	int				 fds[2], status, ret;
	size_t				 n;
	pid_t				 pid;
	struct timespec			 ts;

	(void)state;
	test_rng_seed(20261122);
	for (round = 0; round < 8; round++) {
		snprintf(path, sizeof(path), "%s/crash-%u.log", dir, round);
		assert_int_equal(pipe(fds), 0);
		fflush(NULL);
		pid = fork();
		assert_true(pid != -1);
		if (pid == 0) {
			close(fds[0]);
			crash_child(path, fds[1], round);
		}
		close(fds[1]);
		/* The key, once the transcript exists. */
		for (n = 0; n < sizeof(vk) - 1; n++) {
			if (read(fds[0], vk + n, 1) != 1)
				break;
			if (vk[n] == '\n')
				break;
		}
		close(fds[0]);
		assert_true(n > 0 && n < sizeof(vk) - 1 && vk[n] == '\n');
		vk[n] = '\0';
		assert_int_equal(off_vkey_parse(vk, &k[0]), 0);
		/* Let it run for 0 to 25 ms, then pull the plug. */
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(test_rng_byte() % 26) * 1000000L;
		if (round == 0)
			ts.tv_nsec = 0;
		nanosleep(&ts, NULL);
		(void)kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (WIFEXITED(status)) {
			/* It finished first. */
			assert_int_equal(WEXITSTATUS(status), 0);
			assert_int_equal(verify(path, &k[0], 1, NULL, 0, &r),
			    0);
			sealed++;
			continue;
		}
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGKILL);

		/* Whatever it had written is intact up to its last
		 * checkpoint: unsealed, never malformed or forged. */
		ret = verify(path, &k[0], 1, NULL, 0, &r);
		if (ret != OFF_ERR_UNSEALED && ret != 0)
			fail_msg("round %u: after the crash verify returned "
			    "%d: line %zu: %s", round, ret, r.bad_line, r.why);
		if (ret == 0) {
			sealed++;
			continue;
		}
		assert_true(r.good_size >= 1 && r.good_size <= r.entries);
		assert_int_equal(verify(path, NULL, 0, NULL, 0, &r),
		    OFF_ERR_UNSEALED);

		/* Go on and seal. */
		assert_int_equal(off_transcript_resume(path, NULL, NULL, &t,
		    NULL), 0);
		tkey(t, &k[1]);
		append(t, OFF_T_EXCEPTION, "crash", json_pack("{s:s}", "what",
		    "power cut"));
		checkpoint(t);
		assert_int_equal(off_transcript_seal(t, "parent", root, NULL),
		    0);
		off_transcript_close(&t);
		ret = verify(path, k, 2, NULL, 0, &r);
		if (ret != 0)
			fail_msg("round %u: resumed transcript: %d: line %zu: "
			    "%s", round, ret, r.bad_line, r.why);
		assert_int_equal(r.segments, 2);
		assert_memory_equal(r.good_root, root, OFF_HASH_LEN);
		assert_int_equal(verify(path, NULL, 0, NULL, 0, &r),
		    OFF_ERR_UNANCHORED);
		assert_int_equal(verify(path, &k[0], 1, NULL, 0, &r),
		    OFF_ERR_AUTH);
		resumed++;
	}
	print_message("crashes: %u resumed, %u sealed before the kill\n",
	    resumed, sealed);
	assert_true(resumed > 0);
	test_rmtree(dir);
	free(dir);
}

/* ---------------------------------------------------------------- */
/* Cosignatures */

static void
test_cosign(void **state)
{
	struct off_verify_result	 r;
	struct off_vkey			 w[3], k, plain;
	EVP_PKEY			*wk[3];
	char				 path[512];
	off_hash			 root;
	struct off_err			 err;
	size_t				 i;
	char				*buf;
	size_t				 len;
	struct lines			 l;

	(void)state;
	test_path(path, sizeof(path), fx->dir, "cosign.log");
	small_transcript(path, &k, root);
	for (i = 0; i < 3; i++) {
		char	name[32];

		wk[i] = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		assert_non_null(wk[i]);
		snprintf(name, sizeof(name), "witness-%zu.example", i);
		assert_int_equal(off_vkey_from_pkey(name, OFF_NOTE_COSIG, wk[i],
		    &w[i], NULL), 0);
	}
	off_err_clear(&err);
	if (off_transcript_cosign(path, w[0].name, wk[0], &err) != 0)
		fail_msg("cosign: %s", err.detail);
	assert_int_equal(verify(path, &k, 1, &w[0], 1, &r), 0);
	assert_int_equal(r.witnesses_ok, 1);
	assert_memory_equal(r.good_root, root, OFF_HASH_LEN);
	/* Witnessed but unanchored. */
	assert_int_equal(verify(path, NULL, 0, &w[0], 1, &r),
	    OFF_ERR_UNANCHORED);
	/* Another witness did not sign. */
	assert_int_equal(verify(path, &k, 1, &w[1], 1, &r), OFF_ERR_AUTH);
	assert_int_equal(verify(path, NULL, 0, &w[1], 1, &r), OFF_ERR_AUTH);
	assert_int_equal(verify(path, &k, 1, w, 2, &r), OFF_ERR_AUTH);
	/* The witness's key as a plain note key is not its cosigning key. */
	assert_int_equal(off_vkey_from_pkey(w[0].name, OFF_NOTE_ED25519, wk[0],
	    &plain, NULL), 0);
	assert_int_equal(verify(path, &k, 1, &plain, 1, &r), OFF_ERR_AUTH);
	/* The ceremony key is no witness. */
	assert_int_equal(verify(path, &k, 1, &k, 1, &r), 0);
	/* Once per witness. */
	assert_int_equal(off_transcript_cosign(path, w[0].name, wk[0], NULL),
	    OFF_ERR_EXISTS);
	assert_int_equal(off_transcript_cosign(path, "bad name", wk[1], NULL),
	    OFF_ERR_INVALID);
	/* A second witness. */
	assert_int_equal(off_transcript_cosign(path, w[1].name, wk[1], NULL),
	    0);
	assert_int_equal(verify(path, &k, 1, w, 2, &r), 0);
	assert_int_equal(r.witnesses_ok, 2);
	assert_int_equal(verify(path, &k, 1, w, 3, &r), OFF_ERR_AUTH);
	/* The final checkpoint line carries all three signatures. */
	file_get(path, &buf, &len);
	split_lines(buf, len, &l);
	assert_int_equal(l.n, 12);
	/* Without the last line, only the first witness's is there. */
	file_put(fx->work, buf, l.off[11]);
	assert_int_equal(verify(fx->work, &k, 1, w, 1, &r), 0);
	assert_int_equal(verify(fx->work, &k, 1, &w[1], 1, &r), OFF_ERR_AUTH);
	/* A cosignature line flipped anywhere no longer counts. */
	for (i = l.off[11]; i < len; i += 7) {
		buf[i] = (char)(buf[i] ^ 0x04);
		file_put(fx->work, buf, len);
		assert_int_not_equal(verify(fx->work, &k, 1, w, 2, &r), 0);
		buf[i] = (char)(buf[i] ^ 0x04);
	}
	free(buf);
	for (i = 0; i < 3; i++)
		EVP_PKEY_free(wk[i]);
	unlink(path);
}

/* ---------------------------------------------------------------- */
/* The recording front end */

static void
test_frontend(void **state)
{
	struct off_verify_result	 r;
	struct off_transcript		*t;
	struct off_tlog			*log = NULL;
	struct off_vkey			 k;
	struct fe_script		 s;
	struct off_frontend		 inner, fe;
	struct off_tfe			 tfe;
	struct off_pin_request		 req;
	struct off_card_info		 ci;
	char				*dir = test_tmpdir(), path[512];
	char				 pin[OFF_PIN_BUF], *buf;
	const char			*pins[] = { PIN, PIN "-2", PIN "-3",
					    NULL };
	size_t				 len, i, prompts = 0, plen;
	off_hash			 root;

	(void)state;
	test_path(path, sizeof(path), dir, "t.log");
	t = create(path, "fe");
	tkey(t, &k);
	fe_script_init(&inner, &s);
	fe_script_pins(&s, pins);
	off_transcript_frontend(&tfe, t, &inner, "unlock", &fe);

	memset(&req, 0, sizeof(req));
	req.kind = OFF_PIN_ENTER;
	req.index = 2;
	req.n = 3;
	req.card_id = "00112233";
	req.tries_left = 4;
	assert_int_equal(fe.ask_pin(fe.arg, &req, pin, sizeof(pin), &plen), 0);
	assert_int_equal(plen, strlen(PIN));
	assert_memory_equal(pin, PIN, plen);
	assert_int_equal(s.last_tries_left, 4);
	req.kind = OFF_PIN_NEW;
	req.tries_left = -1;
	assert_int_equal(fe.ask_pin(fe.arg, &req, pin, sizeof(pin), &plen), 0);
	req.kind = OFF_PIN_PASSPHRASE;
	req.label = "backup";
	assert_int_equal(fe.ask_pin(fe.arg, &req, pin, sizeof(pin), &plen), 0);
	/* Other prompts and card events are recorded too. */
	fe.notice(fe.arg, OFF_NOTICE_WARNING, "reader is slow");
	assert_int_equal(s.warnings, 1);
	assert_int_equal(fe.confirm(fe.arg, "Proceed?"), 0);
	assert_int_equal(s.confirms, 1);
	memset(&ci, 0, sizeof(ci));
	ci.event = OFF_CARD_DETECTED;
	ci.reader = "reader0";
	ci.card_id = "00112233";
	ci.tries_left = -1;
	fe.card(fe.arg, &ci);
	ci.event = OFF_CARD_REMOVED;
	fe.card(fe.arg, &ci);
	assert_int_equal(s.events[OFF_CARD_DETECTED], 1);
	assert_int_equal(s.events[OFF_CARD_REMOVED], 1);
	fe.progress(fe.arg, "x", 1, 2);
	assert_int_equal(s.progress_done, 1);
	checkpoint(t);
	assert_int_equal(off_transcript_seal(t, "alice", root, NULL), 0);

	/* Once sealed, nothing can be put on record: no PIN is asked. */
	req.kind = OFF_PIN_ENTER;
	assert_int_equal(fe.ask_pin(fe.arg, &req, pin, sizeof(pin), &plen),
	    OFF_ERR_IO);
	assert_int_equal(s.next_pin, 3);
	assert_int_equal(fe.confirm(fe.arg, "Again?"), OFF_ERR_IO);
	assert_int_equal(s.confirms, 1);
	off_transcript_close(&t);

	assert_int_equal(verify(path, &k, 1, NULL, 0, &r), 0);
	/* No PIN anywhere in the file. */
	file_get(path, &buf, &len);
	assert_int_equal(strlen(buf), len);
	assert_null(strstr(buf, PIN));
	assert_null(strstr(buf, "7391"));
	assert_null(strstr(buf, "8264"));
	free(buf);
	/* But the prompts are there. */
	assert_int_equal(off_tlog_load(path, &log, NULL), 0);
	for (i = 0; i < log->nentries; i++) {
		struct off_tentry	*e = &log->entries[i];
		const char		*kind;

		if (strcmp(e->type, OFF_T_PROMPT) != 0)
			continue;
		assert_string_equal(e->step, "unlock");
		kind = json_string_value(json_object_get(e->data, "kind"));
		assert_non_null(kind);
		if (strcmp(kind, "pin") != 0)
			continue;
		prompts++;
		assert_string_equal(json_string_value(json_object_get(e->data,
		    "purpose")), prompts == 1 ? "enter" : prompts == 2 ? "new" :
		    "passphrase");
		assert_int_equal(json_integer_value(json_object_get(e->data,
		    "card_index")), 2);
		assert_int_equal(json_integer_value(json_object_get(e->data,
		    "tries_left")), prompts == 1 ? 4 : -1);
	}
	assert_int_equal(prompts, 3);
	assert_string_equal(log->entries[4].type, OFF_T_PROMPT);
	assert_string_equal(log->entries[5].type, OFF_T_PROMPT);
	assert_string_equal(log->entries[6].type, OFF_T_PARAMETER);
	assert_string_equal(json_string_value(json_object_get(
	    log->entries[6].data, "answer")), "yes");
	assert_string_equal(log->entries[7].type, OFF_T_CARD_IN);
	assert_string_equal(json_string_value(json_object_get(
	    log->entries[7].data, "reader")), "reader0");
	assert_string_equal(log->entries[8].type, OFF_T_CARD_OUT);
	assert_string_equal(log->entries[9].type, OFF_T_SEALED);
	assert_int_equal(log->nentries, 10);
	off_tlog_free(&log);
	test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sealed_verifies),
		cmocka_unit_test(test_write_rules),
		cmocka_unit_test(test_file_entries),
		cmocka_unit_test(test_every_bit),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_entry_lines_moved),
		cmocka_unit_test(test_checkpoint_lines_moved),
		cmocka_unit_test(test_other_key),
		cmocka_unit_test(test_reseal_after_truncation),
		cmocka_unit_test(test_crash_while_sealing),
		cmocka_unit_test(test_unsealed_then_resumed),
		cmocka_unit_test(test_torn_line),
		cmocka_unit_test(test_crash),
		cmocka_unit_test(test_cosign),
		cmocka_unit_test(test_frontend),
	};

	off_platform_harden();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
