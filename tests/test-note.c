/* C2SP signed notes, verifier keys, cosignatures and checkpoints: the
 * Go sumdb/note known answer, round trips, every single-bit change,
 * malformed input; and the PGP word list. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "encode.h"
#include "error.h"
#include "merkle.h"
#include "note.h"
#include "pgpwords.h"
#include "platform.h"
#include "testlib.h"

#define EM_DASH	"\xe2\x80\x94"

/* The example of golang.org/x/mod/sumdb/note (FORMATS.md section 4). */
#define PN_B64	"ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
#define PN_VKEY	"PeterNeumann+c74f20a3+" PN_B64
/* Its signer key "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMz"
 * "D1QIDr+Y7hfZx09iUvxdXHKDFz": type byte 0x01 and this seed. */
#define PN_SEED	"AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
#define PN_TEXT	"If you think cryptography is the answer to your " \
		"problem,\nthen you don't know what your problem is.\n"
#define PN_SIG	EM_DASH " PeterNeumann " PN_SIGB64 "\n"
#define PN_SIGB64	"x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUg" \
		"YN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
#define PN_NOTE	PN_TEXT "\n" PN_SIG

/* ---------------------------------------------------------------- */
/* Helpers */

static EVP_PKEY *
pn_key(void)
{
	uint8_t		 raw[33];
	size_t		 n;
	EVP_PKEY	*k;

	assert_int_equal(off_unb64(PN_SEED, raw, sizeof(raw), &n), 0);
	assert_int_equal(n, 33);
	assert_int_equal(raw[0], 0x01);
	k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, raw + 1, 32);
	assert_non_null(k);
	return k;
}

static EVP_PKEY *
new_key(void)
{
	EVP_PKEY	*k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");

	assert_non_null(k);
	return k;
}

static int
parse_str(const char *s, struct off_note *n)
{
	return off_note_parse(s, strlen(s), n);
}

/* Parse and verify in one go: the parse error, or verify's result. */
static int
open_note(const char *s, size_t len, const struct off_vkey *k, uint64_t *ts)
{
	struct off_note	n;
	int		ret;

	if ((ret = off_note_parse(s, len, &n)) != 0)
		return ret;
	ret = off_note_verify(&n, k, ts);
	off_note_free(&n);
	return ret;
}

/* ---------------------------------------------------------------- */
/* Verifier keys */

static void
test_vkey_known(void **state)
{
	struct off_vkey	 k, k2;
	EVP_PKEY	*sk = pn_key();
	char		 out[OFF_VKEY_MAX];
	static const uint8_t id[4] = { 0xc7, 0x4f, 0x20, 0xa3 };

	(void)state;
	assert_int_equal(off_vkey_parse(PN_VKEY, &k), 0);
	assert_string_equal(k.name, "PeterNeumann");
	assert_int_equal(k.type, OFF_NOTE_ED25519);
	assert_memory_equal(k.id, id, 4);
	off_vkey_format(&k, out, sizeof(out));
	assert_string_equal(out, PN_VKEY);
	/* The same key from the private key. */
	assert_int_equal(off_vkey_from_pkey("PeterNeumann", OFF_NOTE_ED25519,
	    sk, &k2, NULL), 0);
	assert_memory_equal(&k, &k2, sizeof(k));
	EVP_PKEY_free(sk);
}

static void
test_vkey_round_trip(void **state)
{
	struct off_vkey	 k, back;
	EVP_PKEY	*sk, *pk;
	char		 out[OFF_VKEY_MAX], name[OFF_NOTE_NAME_MAX + 1];
	uint8_t		 pub[32];
	size_t		 i, len = sizeof(pub);
	int		 t;

	(void)state;
	for (i = 0; i < 8; i++) {
		sk = new_key();
		for (t = 0; t < 2; t++) {
			uint8_t	type = t ? OFF_NOTE_COSIG :
			    OFF_NOTE_ED25519;

			snprintf(name, sizeof(name), "%s%zu",
			    i % 2 ? "example.org/log-" : "witness.", i);
			assert_int_equal(off_vkey_from_pkey(name, type, sk, &k,
			    NULL), 0);
			off_vkey_format(&k, out, sizeof(out));
			assert_int_equal(off_vkey_parse(out, &back), 0);
			assert_memory_equal(&k, &back, sizeof(k));
			assert_int_equal(back.type, type);
			/* The public key is the key's. */
			pk = off_vkey_pkey(&back);
			assert_non_null(pk);
			assert_int_equal(EVP_PKEY_get_raw_public_key(pk, pub,
			    &len), 1);
			assert_memory_equal(pub, k.pub, 32);
			assert_int_equal(EVP_PKEY_eq(pk, sk), 1);
			EVP_PKEY_free(pk);
		}
		EVP_PKEY_free(sk);
	}
	/* The longest name there may be. */
	sk = new_key();
	memset(name, 'n', OFF_NOTE_NAME_MAX);
	name[OFF_NOTE_NAME_MAX] = '\0';
	assert_int_equal(off_vkey_from_pkey(name, OFF_NOTE_ED25519, sk, &k,
	    NULL), 0);
	off_vkey_format(&k, out, sizeof(out));
	assert_true(strlen(out) < sizeof(out));
	assert_int_equal(off_vkey_parse(out, &back), 0);
	assert_memory_equal(&k, &back, sizeof(k));
	EVP_PKEY_free(sk);
}

static void
test_vkey_bad(void **state)
{
	struct off_vkey	 k;
	struct off_err	 err;
	EVP_PKEY	*sk = new_key(), *x;
	char		 s[2 * OFF_VKEY_MAX], b64[OFF_B64_LEN(33)];
	char		 longname[OFF_NOTE_NAME_MAX + 2];
	uint8_t		 raw[34];
	size_t		 i;
	static const char *const bad[] = {
		"",
		"PeterNeumann",
		"PeterNeumann+c74f20a3",
		"PeterNeumann+c74f20a3+",
		"+c74f20a3+" PN_B64,
		/* Bad key id: another id, not hex, wrong length. */
		"PeterNeumann+c74f20a4+" PN_B64,
		"PeterNeumann+c74f20ag+" PN_B64,
		"PeterNeumann+c74f20a+" PN_B64,
		"PeterNeumann+c74f20a3a+" PN_B64,
		/* Bad base64: alphabet, padding, length, trailing bytes. */
		"PeterNeumann+c74f20a3+"
		    "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T!",
		"PeterNeumann+c74f20a3+"
		    "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
		"PeterNeumann+c74f20a3+" PN_B64 "=",
		"PeterNeumann+c74f20a3+" PN_B64 "AA==",
		"PeterNeumann+c74f20a3+" PN_B64 "\n",
		"PeterNeumann+c74f20a3+" PN_B64 " ",
		/* Type byte 0x05. */
		"PeterNeumann+c74f20a3+"
		    "BRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"PeterNeumann+c74f20a3+" PN_B64
		    "+c74f20a3",
		/* '+' or a blank in the name. */
		"Peter+Neumann+c74f20a3+" PN_B64,
		"Peter Neumann+c74f20a3+" PN_B64,
		"PeterNeumann +c74f20a3+" PN_B64,
		"Peter\tNeumann+c74f20a3+" PN_B64,
		"Peter\x7fNeumann+c74f20a3+" PN_B64,
		/* Case matters in names: the id is another. */
		"peterneumann+c74f20a3+" PN_B64,
		NULL
	};

	(void)state;
	for (i = 0; bad[i] != NULL; i++) {
		memset(&k, 0xee, sizeof(k));
		if (off_vkey_parse(bad[i], &k) != OFF_ERR_FORMAT)
			fail_msg("accepted vkey %zu: \"%s\"", i, bad[i]);
	}

	/* Wrong type bytes, with a correct key id for that type. */
	assert_int_equal(off_vkey_from_pkey("wk", OFF_NOTE_ED25519, sk, &k,
	    NULL), 0);
	for (i = 0; i < 256; i++) {
		struct off_vkey	w = k, back;

		if (i == OFF_NOTE_ED25519 || i == OFF_NOTE_COSIG)
			continue;
		w.type = (uint8_t)i;
		/* Format recomputes nothing: fix the id by hand. */
		{
			EVP_MD_CTX	*ctx = EVP_MD_CTX_new();
			uint8_t		 h[32], t = (uint8_t)i;

			assert_non_null(ctx);
			assert_int_equal(EVP_DigestInit_ex(ctx, EVP_sha256(),
			    NULL), 1);
			assert_int_equal(EVP_DigestUpdate(ctx, "wk\n", 3), 1);
			assert_int_equal(EVP_DigestUpdate(ctx, &t, 1), 1);
			assert_int_equal(EVP_DigestUpdate(ctx, w.pub, 32), 1);
			assert_int_equal(EVP_DigestFinal_ex(ctx, h, NULL), 1);
			EVP_MD_CTX_free(ctx);
			memcpy(w.id, h, 4);
		}
		off_vkey_format(&w, s, sizeof(s));
		assert_int_equal(off_vkey_parse(s, &back), OFF_ERR_FORMAT);
	}
	/* A key of 31 or 33 bytes. */
	raw[0] = OFF_NOTE_ED25519;
	memcpy(raw + 1, k.pub, 32);
	raw[33] = 0;
	off_b64(raw, 32, b64);
	snprintf(s, sizeof(s), "wk+%02x%02x%02x%02x+%s", k.id[0], k.id[1],
	    k.id[2], k.id[3], b64);
	assert_int_equal(off_vkey_parse(s, &k), OFF_ERR_FORMAT);
	{
		char	b64l[OFF_B64_LEN(34)];

		assert_int_equal(off_vkey_from_pkey("wk", OFF_NOTE_ED25519, sk,
		    &k, NULL), 0);
		off_b64(raw, 34, b64l);
		snprintf(s, sizeof(s), "wk+%02x%02x%02x%02x+%s", k.id[0],
		    k.id[1], k.id[2], k.id[3], b64l);
		assert_int_equal(off_vkey_parse(s, &k), OFF_ERR_FORMAT);
	}
	/* A name one byte too long. */
	assert_int_equal(off_vkey_from_pkey("wk", OFF_NOTE_ED25519, sk, &k,
	    NULL), 0);
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	off_vkey_format(&k, s, sizeof(s));
	{
		char	t[2 * OFF_VKEY_MAX];

		snprintf(t, sizeof(t), "%s%s", longname, strchr(s, '+'));
		assert_int_equal(off_vkey_parse(t, &k), OFF_ERR_FORMAT);
	}

	/* Keys cannot be made with bad names or from other key types. */
	assert_int_equal(off_vkey_from_pkey("a+b", OFF_NOTE_ED25519, sk, &k,
	    &err), OFF_ERR_INVALID);
	assert_int_equal(off_vkey_from_pkey("a b", OFF_NOTE_ED25519, sk, &k,
	    NULL), OFF_ERR_INVALID);
	assert_int_equal(off_vkey_from_pkey("", OFF_NOTE_ED25519, sk, &k,
	    NULL), OFF_ERR_INVALID);
	assert_int_equal(off_vkey_from_pkey(longname, OFF_NOTE_ED25519, sk, &k,
	    NULL), OFF_ERR_INVALID);
	x = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	assert_non_null(x);
	assert_int_not_equal(off_vkey_from_pkey("x", OFF_NOTE_ED25519, x, &k,
	    NULL), 0);
	EVP_PKEY_free(x);
	EVP_PKEY_free(sk);

	/* Names. */
	assert_int_equal(off_note_name_ok("example.com/log"), 0);
	assert_int_equal(off_note_name_ok("caf\xc3\xa9"), 0);
	assert_int_not_equal(off_note_name_ok(""), 0);
	assert_int_not_equal(off_note_name_ok("a+b"), 0);
	assert_int_not_equal(off_note_name_ok("a b"), 0);
	assert_int_not_equal(off_note_name_ok("a\nb"), 0);
	assert_int_not_equal(off_note_name_ok("a\x7f"), 0);
	assert_int_not_equal(off_note_name_ok(longname), 0);
}

/* ---------------------------------------------------------------- */
/* Signed notes */

static void
test_note_known_answer(void **state)
{
	struct off_vkey	 k;
	struct off_note	 n;
	EVP_PKEY	*sk = pn_key();
	char		*out = NULL;
	uint64_t	 ts = 99;

	(void)state;
	/* U+2014 is three bytes. */
	assert_int_equal(strlen(EM_DASH), 3);
	assert_int_equal((uint8_t)PN_SIG[0], 0xe2);
	assert_int_equal(off_vkey_parse(PN_VKEY, &k), 0);
	assert_int_equal(parse_str(PN_NOTE, &n), 0);
	assert_string_equal(n.text, PN_TEXT);
	assert_int_equal(n.textlen, strlen(PN_TEXT));
	assert_int_equal(n.nsigs, 1);
	assert_string_equal(n.sigs[0].name, "PeterNeumann");
	assert_int_equal(n.sigs[0].len, 4 + 64);
	assert_memory_equal(n.sigs[0].bytes, k.id, 4);
	assert_int_equal(off_note_verify(&n, &k, &ts), 0);
	assert_int_equal(ts, 0);
	off_note_free(&n);

	/* Ed25519 is deterministic: signing gives the very same note. */
	assert_int_equal(off_note_sign(PN_TEXT, &k, sk, 0, &out, NULL), 0);
	assert_string_equal(out, PN_NOTE);
	free(out);
	EVP_PKEY_free(sk);
}

static void
test_note_sign_verify(void **state)
{
	struct off_vkey	 k, c, other;
	struct off_note	 n;
	EVP_PKEY	*sk = new_key(), *wk = new_key();
	char		*out = NULL, *both = NULL;
	uint64_t	 ts;
	static const char text[] = "example.org/log\n42\n"
	    "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n";
	static const uint64_t times[] = { 0, 1, 1700000000, INT64_MAX };
	size_t		 i;

	(void)state;
	assert_int_equal(off_vkey_from_pkey("example.org/log",
	    OFF_NOTE_ED25519, sk, &k, NULL), 0);
	assert_int_equal(off_note_sign(text, &k, sk, 12345, &out, NULL), 0);
	assert_int_equal(parse_str(out, &n), 0);
	assert_string_equal(n.text, text);
	assert_int_equal(n.nsigs, 1);
	ts = 7;
	/* An Ed25519 note signature has no time; the timestamp is ignored. */
	assert_int_equal(off_note_verify(&n, &k, &ts), 0);
	assert_int_equal(ts, 0);
	assert_int_equal(off_note_verify(&n, &k, NULL), 0);
	off_note_free(&n);

	/* A witness adds a cosignature line to the same note. */
	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		assert_int_equal(off_vkey_from_pkey("witness.example",
		    OFF_NOTE_COSIG, wk, &c, NULL), 0);
		both = strdup(out);
		assert_non_null(both);
		assert_int_equal(off_note_sign(text, &c, wk, times[i], &both,
		    NULL), 0);
		assert_int_equal(strncmp(both, out, strlen(out)), 0);
		assert_int_equal(parse_str(both, &n), 0);
		assert_int_equal(n.nsigs, 2);
		assert_int_equal(n.sigs[1].len, 4 + 8 + 64);
		ts = 0xdeadbeef;
		assert_int_equal(off_note_verify(&n, &c, &ts), 0);
		assert_int_equal(ts, times[i]);
		assert_int_equal(off_note_verify(&n, &k, NULL), 0);
		/* The same key as a plain note key is another key. */
		assert_int_equal(off_vkey_from_pkey("witness.example",
		    OFF_NOTE_ED25519, wk, &other, NULL), 0);
		assert_int_equal(off_note_verify(&n, &other, NULL),
		    OFF_ERR_NOT_FOUND);
		/* A cosignature key told it is a note key: wrong length. */
		other = c;
		other.type = OFF_NOTE_ED25519;
		assert_int_equal(off_note_verify(&n, &other, NULL),
		    OFF_ERR_AUTH);
		off_note_free(&n);
		free(both);
	}

	/* The cosignature signs "cosignature/v1\ntime <t>\n" || text, and
	 * its line carries id || big-endian time || signature. */
	both = NULL;
	assert_int_equal(off_note_sign(text, &c, wk, 1700000000, &both, NULL),
	    0);
	assert_int_equal(parse_str(both, &n), 0);
	{
		static const uint8_t t[8] = { 0, 0, 0, 0, 0x65, 0x53, 0xf1,
		    0x00 };
		char		 msg[256];
		EVP_MD_CTX	*ctx = EVP_MD_CTX_new();
		EVP_PKEY	*pk = off_vkey_pkey(&c);
		int		 ml;

		assert_memory_equal(n.sigs[0].bytes, c.id, 4);
		assert_memory_equal(n.sigs[0].bytes + 4, t, 8);
		ml = snprintf(msg, sizeof(msg), "cosignature/v1\ntime "
		    "1700000000\n%s", text);
		assert_non_null(ctx);
		assert_non_null(pk);
		assert_int_equal(EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL,
		    NULL, pk, NULL), 1);
		assert_int_equal(EVP_DigestVerify(ctx, n.sigs[0].bytes + 12, 64,
		    (const uint8_t *)msg, (size_t)ml), 1);
		EVP_MD_CTX_free(ctx);
		EVP_PKEY_free(pk);
	}
	off_note_free(&n);
	free(both);

	/* A time past INT64_MAX is refused. */
	both = NULL;
	assert_int_equal(off_note_sign(text, &c, wk, (uint64_t)INT64_MAX + 1,
	    &both, NULL), 0);
	assert_int_equal(parse_str(both, &n), 0);
	assert_int_equal(off_note_verify(&n, &c, &ts), OFF_ERR_AUTH);
	off_note_free(&n);
	free(both);

	free(out);
	EVP_PKEY_free(sk);
	EVP_PKEY_free(wk);
}

static void
test_note_unknown_key(void **state)
{
	struct off_vkey	 k, w;
	EVP_PKEY	*sk = new_key();
	struct off_note	 n;

	(void)state;
	assert_int_equal(off_vkey_parse(PN_VKEY, &k), 0);
	assert_int_equal(parse_str(PN_NOTE, &n), 0);
	/* Another key of the same name. */
	assert_int_equal(off_vkey_from_pkey("PeterNeumann", OFF_NOTE_ED25519,
	    sk, &w, NULL), 0);
	assert_int_equal(off_note_verify(&n, &w, NULL), OFF_ERR_NOT_FOUND);
	/* The same public key under another name (another id too). */
	w = k;
	snprintf(w.name, sizeof(w.name), "PeterNeumann2");
	assert_int_equal(off_note_verify(&n, &w, NULL), OFF_ERR_NOT_FOUND);
	/* Another name that keeps the id: still no line of that name. */
	w = k;
	snprintf(w.name, sizeof(w.name), "Peterneumann");
	assert_int_equal(off_note_verify(&n, &w, NULL), OFF_ERR_NOT_FOUND);
	/* Name and id right, public key wrong: a bad signature. */
	assert_int_equal(off_vkey_from_pkey("PeterNeumann", OFF_NOTE_ED25519,
	    sk, &w, NULL), 0);
	memcpy(w.id, k.id, 4);
	assert_int_equal(off_note_verify(&n, &w, NULL), OFF_ERR_AUTH);
	/* The note as a cosignature. */
	w = k;
	w.type = OFF_NOTE_COSIG;
	assert_int_equal(off_note_verify(&n, &w, NULL), OFF_ERR_AUTH);
	off_note_free(&n);
	EVP_PKEY_free(sk);
}

/* Other signatures are ignored; any known one is enough. */
static void
test_note_several_signers(void **state)
{
	struct off_vkey	 k[4];
	EVP_PKEY	*sk[4];
	char		*out = NULL, name[16];
	struct off_note	 n;
	size_t		 i;

	(void)state;
	for (i = 0; i < 4; i++) {
		sk[i] = new_key();
		snprintf(name, sizeof(name), "signer%zu", i);
		assert_int_equal(off_vkey_from_pkey(name, i == 3 ?
		    OFF_NOTE_COSIG : OFF_NOTE_ED25519, sk[i], &k[i], NULL), 0);
		if (i < 3)
			assert_int_equal(off_note_sign(PN_TEXT, &k[i], sk[i],
			    5, &out, NULL), 0);
	}
	assert_int_equal(parse_str(out, &n), 0);
	assert_int_equal(n.nsigs, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(off_note_verify(&n, &k[i], NULL), 0);
	assert_int_equal(off_note_verify(&n, &k[3], NULL), OFF_ERR_NOT_FOUND);
	off_note_free(&n);
	free(out);
	for (i = 0; i < 4; i++)
		EVP_PKEY_free(sk[i]);
}

/* A bogus line carrying a witness's public name and key id must not
 * hide the witness's genuine cosignature after it. */
static void
test_note_bogus_line_first(void **state)
{
	struct off_vkey	 k;
	EVP_PKEY	*sk = new_key();
	char		*good = NULL, *out;
	struct off_note	 n;
	uint8_t		 raw[4 + 8 + 64];
	char		 b64[OFF_B64_LEN(sizeof(raw))];
	size_t		 tl = strlen(PN_TEXT);

	(void)state;
	assert_int_equal(off_vkey_from_pkey("w.example/ann", OFF_NOTE_COSIG, sk,
	    &k, NULL), 0);
	assert_int_equal(off_note_sign(PN_TEXT, &k, sk, 7, &good, NULL), 0);
	memset(raw, 0x5a, sizeof(raw));
	memcpy(raw, k.id, 4);
	off_b64(raw, sizeof(raw), b64);
	/* text, blank line, the bogus line, then the genuine one. */
	out = malloc(strlen(good) + strlen(b64) + 64);
	assert_non_null(out);
	memcpy(out, good, tl + 1);
	out[tl + 1] = '\0';
	strcat(out, "\xe2\x80\x94 w.example/ann ");
	strcat(out, b64);
	strcat(out, "\n");
	strcat(out, good + tl + 1);
	assert_int_equal(parse_str(out, &n), 0);
	assert_int_equal(n.nsigs, 2);
	assert_int_equal(off_note_verify(&n, &k, NULL), 0);
	off_note_free(&n);
	/* Alone, the bogus line is an authentication failure. */
	out[tl + 1] = '\0';
	strcat(out, "\xe2\x80\x94 w.example/ann ");
	strcat(out, b64);
	strcat(out, "\n");
	assert_int_equal(parse_str(out, &n), 0);
	assert_int_equal(off_note_verify(&n, &k, NULL), OFF_ERR_AUTH);
	off_note_free(&n);
	free(out);
	free(good);
	EVP_PKEY_free(sk);
}

/* Every single-bit change of the note: the parse fails, or no line
 * verifies under the key. */
static void
test_note_every_bit(void **state)
{
	struct off_vkey	 k, c;
	EVP_PKEY	*wk = new_key();
	char		*buf, *cos = NULL;
	size_t		 len, i, textlen = strlen(PN_TEXT);
	unsigned	 b, fmt = 0, auth = 0, nf = 0;
	int		 ret;

	(void)state;
	assert_int_equal(off_vkey_parse(PN_VKEY, &k), 0);
	len = strlen(PN_NOTE);
	buf = malloc(len + 1);
	assert_non_null(buf);
	memcpy(buf, PN_NOTE, len + 1);
	for (i = 0; i < len; i++) {
		for (b = 0; b < 8; b++) {
			buf[i] = (char)(buf[i] ^ (1 << b));
			ret = open_note(buf, len, &k, NULL);
			if (ret == 0)
				fail_msg("bit %u of byte %zu changed, still "
				    "verifies", b, i);
			if (ret == OFF_ERR_FORMAT)
				fmt++;
			else if (ret == OFF_ERR_AUTH)
				auth++;
			else if (ret == OFF_ERR_NOT_FOUND)
				nf++;
			else
				fail_msg("byte %zu bit %u: %d", i, b, ret);
			/* A change to the text that still parses is a bad
			 * signature, never an unknown key. */
			if (i < textlen && ret != OFF_ERR_FORMAT)
				assert_int_equal(ret, OFF_ERR_AUTH);
			buf[i] = (char)(buf[i] ^ (1 << b));
		}
	}
	assert_int_equal(open_note(buf, len, &k, NULL), 0);
	assert_true(auth > 0 && nf > 0 && fmt > 0);
	free(buf);

	/* The same for a cosignature, through its decoded bytes too. */
	assert_int_equal(off_vkey_from_pkey("w", OFF_NOTE_COSIG, wk, &c, NULL),
	    0);
	assert_int_equal(off_note_sign(PN_TEXT, &c, wk, 1234567, &cos, NULL),
	    0);
	len = strlen(cos);
	for (i = 0; i < len; i++) {
		for (b = 0; b < 8; b++) {
			uint64_t	ts = 0;

			cos[i] = (char)(cos[i] ^ (1 << b));
			ret = open_note(cos, len, &c, &ts);
			if (ret == 0)
				fail_msg("cosignature bit %u of byte %zu "
				    "changed, still verifies", b, i);
			cos[i] = (char)(cos[i] ^ (1 << b));
		}
	}
	{
		struct off_note	 n;
		char		 b64[OFF_B64_LEN(4 + 8 + 64)], *note;
		uint8_t		 raw[4 + 8 + 64];

		assert_int_equal(parse_str(cos, &n), 0);
		assert_int_equal(n.sigs[0].len, sizeof(raw));
		memcpy(raw, n.sigs[0].bytes, sizeof(raw));
		off_note_free(&n);
		note = malloc(len + 1);
		assert_non_null(note);
		for (i = 0; i < sizeof(raw) * 8; i++) {
			raw[i / 8] ^= (uint8_t)(1u << (i % 8));
			off_b64(raw, sizeof(raw), b64);
			snprintf(note, len + 1, "%s\n" EM_DASH " w %s\n",
			    PN_TEXT, b64);
			ret = open_note(note, strlen(note), &c, NULL);
			/* The id, then the time and the signature. */
			assert_int_equal(ret, i < 32 ? OFF_ERR_NOT_FOUND :
			    OFF_ERR_AUTH);
			raw[i / 8] ^= (uint8_t)(1u << (i % 8));
		}
		off_b64(raw, sizeof(raw), b64);
		snprintf(note, len + 1, "%s\n" EM_DASH " w %s\n", PN_TEXT,
		    b64);
		assert_int_equal(open_note(note, strlen(note), &c, NULL), 0);
		free(note);
	}
	free(cos);
	EVP_PKEY_free(wk);
	print_message("single-bit changes: %u malformed, %u bad signature, "
	    "%u unknown key\n", fmt, auth, nf);
}

static void
test_note_parse_bad(void **state)
{
	struct off_note	n;
	char		big[OFF_NOTE_MAX + 200];
	size_t		i;
	static const char *const bad[] = {
		"",
		"\n",
		"\n\n",
		/* No signatures, no blank line, no final newline. */
		PN_TEXT "\n",
		PN_TEXT,
		PN_TEXT PN_SIG,
		PN_TEXT "\n" EM_DASH " PeterNeumann x08go/ZJkuBS9UG/SffcvIAQx"
		    "VBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6R"
		    "yyBwJnAM=",
		/* Signature lines: dash, name, base64. */
		PN_TEXT "\n- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8"
		    "pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
		    "\n",
		PN_TEXT "\n" EM_DASH "PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxV"
		    "BtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6Ry"
		    "yBwJnAM=\n",
		PN_TEXT "\n" EM_DASH " PeterNeumann\n",
		PN_TEXT "\n" EM_DASH " PeterNeumann \n",
		PN_TEXT "\n" EM_DASH "  x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8"
		    "pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
		    "\n",
		PN_TEXT "\n" EM_DASH " Peter+Neumann x08go/ZJkuBS9UG/SffcvIAQx"
		    "VBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6R"
		    "yyBwJnAM=\n",
		PN_TEXT "\n" EM_DASH " PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxV"
		    "BtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6Ry"
		    "yBwJnAM\n",
		PN_TEXT "\n" EM_DASH " PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxV"
		    "BtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6Ry"
		    "yBwJnAM= \n",
		PN_TEXT "\n" EM_DASH " PeterNeumann AAAA\n",
		PN_TEXT "\n" PN_SIG "\n",
		PN_TEXT "\n" PN_SIG "trailing\n",
		/* Control characters anywhere. */
		"If you think\tcryptography is the answer\n\n" PN_SIG,
		"If you think cryptography is the answer\r\n\n" PN_SIG,
		"If you think \x01 cryptography\n\n" PN_SIG,
		"If you think \x1b[31m cryptography\n\n" PN_SIG,
		"If you think \x7f cryptography\n\n" PN_SIG,
		PN_TEXT "\n" EM_DASH " PeterNeumann x08go/ZJkuBS9UG/SffcvIAQx"
		    "VBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6R"
		    "yyBwJnAM=\r\n",
		/* Bad UTF-8. */
		"caf\xe9\n\n" PN_SIG,
		"\xff\n\n" PN_SIG,
		"\x80\n\n" PN_SIG,
		"\xc0\xae\n\n" PN_SIG,
		"\xc1\xbf\n\n" PN_SIG,
		"\xe2\x80\n\n" PN_SIG,
		"\xe2\n\n" PN_SIG,
		"\xf0\x9f\x98\n\n" PN_SIG,
		"\xf5\x80\x80\x80\n\n" PN_SIG,
		"\xf8\x88\x80\x80\x80\n\n" PN_SIG,
		"ok\n\n" EM_DASH " Peter\xffNeumann AAAAAAAAAAAA\n",
		"ok\n\n\xe2\x80 PeterNeumann AAAAAAAAAAAA\n",
		NULL
	};

	(void)state;
	for (i = 0; bad[i] != NULL; i++) {
		if (off_note_parse(bad[i], strlen(bad[i]), &n) !=
		    OFF_ERR_FORMAT)
			fail_msg("accepted note %zu", i);
		assert_null(n.text);
		assert_int_equal(n.nsigs, 0);
	}
	/* A NUL byte inside. */
	assert_int_equal(off_note_parse("a\0b\n\n" PN_SIG, 5 + strlen(PN_SIG),
	    &n), OFF_ERR_FORMAT);
	/* Too long, and too many signatures. */
	memset(big, 'a', sizeof(big));
	memcpy(big + OFF_NOTE_MAX + 10 - strlen(PN_SIG) - 2, "\n\n" PN_SIG,
	    strlen(PN_SIG) + 2);
	assert_int_equal(off_note_parse(big, OFF_NOTE_MAX + 10, &n),
	    OFF_ERR_FORMAT);
	{
		char	many[OFF_NOTE_MAX];
		size_t	o = 0;

		o += (size_t)snprintf(many, sizeof(many), "%s\n", PN_TEXT);
		for (i = 0; i < OFF_NOTE_SIGS_MAX; i++)
			o += (size_t)snprintf(many + o, sizeof(many) - o, "%s",
			    PN_SIG);
		assert_int_equal(off_note_parse(many, o, &n), 0);
		assert_int_equal(n.nsigs, OFF_NOTE_SIGS_MAX);
		off_note_free(&n);
		o += (size_t)snprintf(many + o, sizeof(many) - o, "%s", PN_SIG);
		assert_int_equal(off_note_parse(many, o, &n), OFF_ERR_FORMAT);
	}
	/* Good UTF-8 and the last blank line separates. */
	assert_int_equal(parse_str("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"
	    "\n\n" PN_SIG, &n), 0);
	off_note_free(&n);
	assert_int_equal(parse_str("a\n\nb\n\n" PN_SIG, &n), 0);
	assert_string_equal(n.text, "a\n\nb\n");
	off_note_free(&n);
}

/* RFC 3629 forbids overlong forms, surrogates and code points past
 * U+10FFFF; Go's note.Open (utf8.DecodeRune) rejects them too. */
static void
test_note_parse_utf8_strict(void **state)
{
	struct off_note	n;
	size_t		i;
	static const char *const bad[] = {
		"\xe0\x80\xaf\n\n" PN_SIG,		/* overlong '/' */
		"\xe0\x9f\xbf\n\n" PN_SIG,		/* overlong U+07FF */
		"\xed\xa0\x80\n\n" PN_SIG,		/* surrogate D800 */
		"\xed\xbf\xbf\n\n" PN_SIG,		/* surrogate DFFF */
		"\xf0\x80\x80\xaf\n\n" PN_SIG,		/* overlong '/' */
		"\xf0\x8f\xbf\xbf\n\n" PN_SIG,	/* overlong FFFF */
		"\xf4\x90\x80\x80\n\n" PN_SIG,		/* U+110000 */
		NULL
	};
	unsigned	accepted = 0;

	(void)state;
	for (i = 0; bad[i] != NULL; i++) {
		if (off_note_parse(bad[i], strlen(bad[i]), &n) == 0) {
			print_message("accepted invalid UTF-8 %02x %02x %02x\n",
			    (uint8_t)bad[i][0], (uint8_t)bad[i][1],
			    (uint8_t)bad[i][2]);
			off_note_free(&n);
			accepted++;
		}
	}
	assert_int_equal(accepted, 0);
}

/* ---------------------------------------------------------------- */
/* Checkpoints */

static void
test_checkpoint_round_trip(void **state)
{
	off_hash	 root, back;
	char		 text[512], origin[OFF_NOTE_NAME_MAX + 1];
	uint64_t	 size;
	size_t		 i;
	static const uint64_t sizes[] = { 0, 1, 9, 10, 1000, UINT64_MAX };

	(void)state;
	for (i = 0; i < sizeof(root); i++)
		root[i] = (uint8_t)(i * 13 + 5);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char	want[512], b64[OFF_B64_LEN(32)];

		assert_int_equal(off_checkpoint_text("example.org/log",
		    sizes[i], root, text, sizeof(text)), 0);
		off_b64(root, 32, b64);
		snprintf(want, sizeof(want), "example.org/log\n%" PRIu64
		    "\n%s\n", sizes[i], b64);
		assert_string_equal(text, want);
		memset(back, 0, sizeof(back));
		assert_int_equal(off_checkpoint_parse(text, origin,
		    sizeof(origin), &size, back), 0);
		assert_string_equal(origin, "example.org/log");
		assert_int_equal(size, sizes[i]);
		assert_memory_equal(back, root, 32);
	}
	/* The C2SP example shape, with the empty tree's head. */
	assert_int_equal(off_checkpoint_parse("example.com/behind-the-sofa\n"
	    "20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", origin,
	    sizeof(origin), &size, back), 0);
	assert_string_equal(origin, "example.com/behind-the-sofa");
	assert_int_equal(size, 20852163);
	/* A buffer too small. */
	assert_int_equal(off_checkpoint_text("example.org/log", 5, root, text,
	    20), OFF_ERR_TOO_LARGE);
	assert_int_equal(off_checkpoint_text("example.org/log", 5, root, text,
	    16 + 2 + 45), OFF_ERR_TOO_LARGE);
	assert_int_equal(off_checkpoint_text("example.org/log", 5, root, text,
	    16 + 2 + 45 + 1), 0);
}

static void
test_checkpoint_bad(void **state)
{
	off_hash	 root;
	char		 origin[64];
	uint64_t	 size;
	size_t		 i;
#define R	"CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
	static const char *const bad[] = {
		"",
		"o\n",
		"o\n5\n",
		"o\n5\n" R,
		"o\n5\n" R "\n\n",
		/* Extension lines. */
		"o\n5\n" R "\nextension\n",
		"o\n5\n" R "\n" EM_DASH " x AAAA\n",
		/* Empty origin and size. */
		"\n5\n" R "\n",
		"o\n\n" R "\n",
		/* Leading zeros, signs, blanks, other digits. */
		"o\n05\n" R "\n",
		"o\n00\n" R "\n",
		"o\n007\n" R "\n",
		"o\n+5\n" R "\n",
		"o\n-5\n" R "\n",
		"o\n 5\n" R "\n",
		"o\n5 \n" R "\n",
		"o\n0x5\n" R "\n",
		"o\n5.0\n" R "\n",
		"o\n1e3\n" R "\n",
		"o\n\xd9\xa5\n" R "\n",
		"o\n123456789012345678901234\n" R "\n",
		/* Bad base64 roots. */
		"o\n5\n!sUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
		"o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n",
		"o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n",
		"o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==\n",
		"o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2IA\n",
		"o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=AAAA\n",
		"o\n5\n CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
		"o\n5\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\n",
		"o\n5\n\n",
		/* An origin longer than the buffer. */
		"oooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooo"
		    "oooooooooooooooooooooooooooooooooooooooooooooooooooooooo"
		    "\n5\n" R "\n",
		NULL
	};

	(void)state;
	for (i = 0; bad[i] != NULL; i++)
		if (off_checkpoint_parse(bad[i], origin, sizeof(origin), &size,
		    root) != OFF_ERR_FORMAT)
			fail_msg("accepted checkpoint %zu: \"%s\"", i, bad[i]);
	/* Zero alone is fine. */
	assert_int_equal(off_checkpoint_parse("o\n0\n" R "\n", origin,
	    sizeof(origin), &size, root), 0);
	assert_int_equal(size, 0);
	/* The largest size there is, one more is not a size. */
	assert_int_equal(off_checkpoint_parse("o\n18446744073709551615\n" R
	    "\n", origin, sizeof(origin), &size, root), 0);
	assert_int_equal(size, UINT64_MAX);
}

/* A size past 2^64-1 must not turn into 2^64-1. */
static void
test_checkpoint_size_overflow(void **state)
{
	off_hash	 root;
	char		 origin[64];
	uint64_t	 size = 0;
	int		 ret;

	(void)state;
	ret = off_checkpoint_parse("o\n18446744073709551616\n" R "\n", origin,
	    sizeof(origin), &size, root);
	if (ret == 0)
		print_message("18446744073709551616 parsed as %" PRIu64 "\n",
		    size);
	assert_int_equal(ret, OFF_ERR_FORMAT);
	ret = off_checkpoint_parse("o\n99999999999999999999\n" R "\n", origin,
	    sizeof(origin), &size, root);
	assert_int_equal(ret, OFF_ERR_FORMAT);
#undef R
}

/* ---------------------------------------------------------------- */
/* PGP words */

#define PGP_HEX		"d1c225e426c633dd94d1a7e8c3f408aa9b342488"
#define PGP_WORDS	"stairway repellent bombast tradition bookshelf " \
	"responsive chisel tambourine Pluto scavenger repay typewriter " \
	"snowcap Virginia aimless pedigree puppy confidence bluebird maritime"
/* The example of the PGP word list's description (Wikipedia). */
#define PGP_HEX2	"e58294f2e9a227486e8b061b31cc528fd7fa3f19"
#define PGP_WORDS2	"topmost Istanbul Pluto vagabond treadmill Pacific " \
	"brackish dictator goldfish Medusa afflict bravado chatter revolver " \
	"Dupont midsummer stopwatch whimsical cowbell bottomless"

static void
test_pgp_words_known(void **state)
{
	uint8_t	in[20], back[32];
	char	out[OFF_PGP_WORDS_LEN(20)];
	size_t	n;

	(void)state;
	assert_int_equal(off_unhex(PGP_HEX, in, sizeof(in)), 0);
	assert_int_equal(off_pgp_words(in, sizeof(in), out, sizeof(out)), 20);
	assert_string_equal(out, PGP_WORDS);
	assert_int_equal(off_pgp_unwords(out, back, sizeof(back), &n), 0);
	assert_int_equal(n, 20);
	assert_memory_equal(back, in, 20);

	assert_int_equal(off_unhex(PGP_HEX2, in, sizeof(in)), 0);
	assert_int_equal(off_pgp_words(in, sizeof(in), out, sizeof(out)), 20);
	assert_string_equal(out, PGP_WORDS2);
	assert_int_equal(off_pgp_unwords(out, back, sizeof(back), &n), 0);
	assert_int_equal(n, 20);
	assert_memory_equal(back, in, 20);

	/* Case, dashes and line breaks do not matter. */
	assert_int_equal(off_pgp_unwords("  STAIRWAY-repellent\tBombast\n"
	    "tradition--bookshelf ", back, sizeof(back), &n), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(back, "\xd1\xc2\x25\xe4\x26", 5);
	assert_int_equal(off_pgp_unwords("", back, sizeof(back), &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(off_pgp_words(in, 0, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

static void
test_pgp_words_lists(void **state)
{
	uint8_t		 b[2], back[2];
	char		 out[OFF_PGP_WORDS_LEN(2)], one[64];
	size_t		 i, j, n;
	const char	*w;

	(void)state;
	assert_string_equal(off_pgp_word(0x00, 0), "aardvark");
	assert_string_equal(off_pgp_word(0x00, 1), "adroitness");
	assert_string_equal(off_pgp_word(0xff, 0), "Zulu");
	assert_string_equal(off_pgp_word(0xff, 1), "Yucatan");
	assert_string_equal(off_pgp_word(0xff, 2), "Zulu");
	assert_string_equal(off_pgp_word(0x09, 3), "applicant");
	assert_string_equal(off_pgp_word(0x0a, 1), "Apollo");
	/* 512 words, all different; each byte back from its word, at its
	 * parity only. */
	for (i = 0; i < 512; i++) {
		w = off_pgp_word((uint8_t)(i % 256), i / 256);
		assert_non_null(w);
		assert_true(strlen(w) >= 4 && strlen(w) <= 12);
		assert_true(strspn(w, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == strlen(w));
		for (j = 0; j < i; j++)
			if (strcasecmp(w, off_pgp_word((uint8_t)(j % 256),
			    j / 256)) == 0)
				fail_msg("%s twice", w);
	}
	for (i = 0; i < 65536; i += 251) {
		b[0] = (uint8_t)(i >> 8);
		b[1] = (uint8_t)i;
		assert_int_equal(off_pgp_words(b, 2, out, sizeof(out)), 2);
		assert_int_equal(off_pgp_unwords(out, back, 2, &n), 0);
		assert_int_equal(n, 2);
		assert_memory_equal(back, b, 2);
	}
	for (i = 0; i < 256; i++) {
		/* An even word read at an odd position, and the reverse. */
		snprintf(one, sizeof(one), "%s %s", off_pgp_word(0, 0),
		    off_pgp_word((uint8_t)i, 0));
		assert_int_equal(off_pgp_unwords(one, back, 2, &n), -1);
		snprintf(one, sizeof(one), "%s", off_pgp_word((uint8_t)i, 1));
		assert_int_equal(off_pgp_unwords(one, back, 2, &n), -1);
		snprintf(one, sizeof(one), "%s", off_pgp_word((uint8_t)i, 0));
		assert_int_equal(off_pgp_unwords(one, back, 2, &n), 0);
		assert_int_equal(n, 1);
		assert_int_equal(back[0], i);
	}
}

static void
test_pgp_unwords_bad(void **state)
{
	uint8_t	out[32];
	char	s[512];
	size_t	n = 99;

	(void)state;
	/* Two words swapped: each is at the wrong parity. */
	assert_int_equal(off_pgp_unwords("repellent stairway", out,
	    sizeof(out), &n), -1);
	assert_int_equal(n, 0);
	/* One word dropped shifts every later one. */
	assert_int_equal(off_pgp_unwords("stairway bombast tradition", out,
	    sizeof(out), &n), -1);
	/* Unknown words, prefixes, joined words, punctuation. */
	assert_int_equal(off_pgp_unwords("stairway repellen", out, sizeof(out),
	    &n), -1);
	assert_int_equal(off_pgp_unwords("stairwayrepellent", out,
	    sizeof(out), &n), -1);
	assert_int_equal(off_pgp_unwords("stairway, repellent", out,
	    sizeof(out), &n), -1);
	assert_int_equal(off_pgp_unwords("stairway_repellent", out,
	    sizeof(out), &n), -1);
	assert_int_equal(off_pgp_unwords("xylophone", out, sizeof(out), &n),
	    -1);
	memset(s, 'a', 100);
	s[100] = '\0';
	assert_int_equal(off_pgp_unwords(s, out, sizeof(out), &n), -1);
	/* More words than room. */
	assert_int_equal(off_pgp_unwords(PGP_WORDS, out, 19, &n), -1);
	assert_int_equal(off_pgp_unwords(PGP_WORDS, out, 20, &n), 0);
	assert_int_equal(n, 20);
}

static void
test_pgp_words_short_buffer(void **state)
{
	uint8_t	in[32], back[32];
	char	out[OFF_PGP_WORDS_LEN(32)], small[30];
	size_t	i, n;

	(void)state;
	assert_int_equal(off_unhex(PGP_HEX, in, 20), 0);
	/* "stairway repellent" is 18 bytes; a third word does not fit. */
	memset(small, 'x', sizeof(small));
	assert_int_equal(off_pgp_words(in, 20, small, 19), 2);
	assert_string_equal(small, "stairway repellent");
	assert_int_equal(off_pgp_words(in, 20, small, 18), 1);
	assert_string_equal(small, "stairway");
	assert_int_equal(off_pgp_words(in, 20, small, 9), 1);
	assert_int_equal(off_pgp_words(in, 20, small, 8), 0);
	assert_string_equal(small, "");
	assert_int_equal(off_pgp_words(in, 20, small, 0), 0);
	/* OFF_PGP_WORDS_LEN is always enough, even for the longest words
	 * of each list. */
	for (n = 0; n < 2; n++) {
		size_t	best = 0;

		for (i = 0; i < 256; i++)
			if (strlen(off_pgp_word((uint8_t)i, n)) >
			    strlen(off_pgp_word((uint8_t)best, n)))
				best = i;
		for (i = n; i < 32; i += 2)
			in[i] = (uint8_t)best;
	}
	assert_int_equal(off_pgp_words(in, 32, out, sizeof(out)), 32);
	assert_true(strlen(out) < sizeof(out));
	assert_int_equal(off_pgp_unwords(out, back, sizeof(back), &n), 0);
	assert_int_equal(n, 32);
	assert_memory_equal(back, in, 32);
	for (i = 0; i < 256; i++) {
		memset(in, (int)i, sizeof(in));
		assert_int_equal(off_pgp_words(in, 32, out, sizeof(out)), 32);
		assert_true(strlen(out) < sizeof(out));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vkey_known),
		cmocka_unit_test(test_note_bogus_line_first),
		cmocka_unit_test(test_vkey_round_trip),
		cmocka_unit_test(test_vkey_bad),
		cmocka_unit_test(test_note_known_answer),
		cmocka_unit_test(test_note_sign_verify),
		cmocka_unit_test(test_note_unknown_key),
		cmocka_unit_test(test_note_several_signers),
		cmocka_unit_test(test_note_every_bit),
		cmocka_unit_test(test_note_parse_bad),
		cmocka_unit_test(test_note_parse_utf8_strict),
		cmocka_unit_test(test_checkpoint_round_trip),
		cmocka_unit_test(test_checkpoint_bad),
		cmocka_unit_test(test_checkpoint_size_overflow),
		cmocka_unit_test(test_pgp_words_known),
		cmocka_unit_test(test_pgp_words_lists),
		cmocka_unit_test(test_pgp_unwords_bad),
		cmocka_unit_test(test_pgp_words_short_buffer),
	};

	off_platform_harden();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
