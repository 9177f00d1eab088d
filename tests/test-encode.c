/* Unit tests of encode.h (hex, strict base64, length-prefixed strings,
 * UTC timestamps), of secmem.h (locked memory) and of error.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "encode.h"
#include "error.h"
#include "platform.h"
#include "testlib.h"
#include "secmem.h"

/* ---------------------------------------------------------------- */
/* Hex */

static void
test_hex_encode(void **state)
{
	static const uint8_t	in[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
	char			out[2 * sizeof(in) + 1];
	char			all[2 * 256 + 1];
	uint8_t			bytes[256];
	unsigned		i;

	(void)state;
	memset(out, 'x', sizeof(out));
	off_hex(in, sizeof(in), out);
	assert_string_equal(out, "00017f80abff");
	memset(out, 'x', sizeof(out));
	off_hex(in, 0, out);
	assert_string_equal(out, "");
	for (i = 0; i < 256; i++)
		bytes[i] = (uint8_t)i;
	off_hex(bytes, sizeof(bytes), all);
	assert_int_equal(strlen(all), 512);
	for (i = 0; i < 256; i++) {
		char	want[3];

		snprintf(want, sizeof(want), "%02x", i);
		assert_memory_equal(all + 2 * i, want, 2);
	}
}

static void
test_hex_round_trip(void **state)
{
	uint8_t		in[64], back[64];
	char		hex[2 * 64 + 1];
	size_t		n, i;

	(void)state;
	for (n = 0; n <= sizeof(in); n++) {
		for (i = 0; i < n; i++)
			in[i] = test_rng_byte();
		off_hex(in, n, hex);
		assert_int_equal(strlen(hex), 2 * n);
		memset(back, 0xcc, sizeof(back));
		assert_int_equal(off_unhex(hex, back, n), 0);
		assert_memory_equal(back, in, n);
	}
	/* Upper case decodes to the same bytes. */
	assert_int_equal(off_unhex("DEADbeef", back, 4), 0);
	assert_int_equal(back[0], 0xde);
	assert_int_equal(back[1], 0xad);
	assert_int_equal(back[2], 0xbe);
	assert_int_equal(back[3], 0xef);
}

static void
test_hex_rejects(void **state)
{
	static const struct {
		const char	*in;
		size_t		 n;
	} bad[] = {
		{ "abc", 1 }, { "abc", 2 },		/* odd length */
		{ "a", 1 }, { "0", 0 },
		{ "abcd", 1 }, { "ab", 2 }, { "", 1 },	/* wrong length */
		{ "zz", 1 }, { "0g", 1 }, { "g0", 1 },	/* not hex */
		{ " 0", 1 }, { "0 ", 1 }, { "0x", 1 }, { "-1", 1 },
		{ "+1", 1 }, { "0:", 1 }, { "@0", 1 }, { "`0", 1 },
		{ "G0", 1 }, { "0/", 1 },
		{ "00112233445566778899aabbccddeeXf", 16 },
	};
	uint8_t		out[32];
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int	ret = off_unhex(bad[i].in, out, bad[i].n);

		if (ret != OFF_ERR_FORMAT)
			fail_msg("off_unhex(\"%s\", %zu) = %d, want "
			    "OFF_ERR_FORMAT", bad[i].in, bad[i].n, ret);
	}
	/* Empty is zero bytes. */
	assert_int_equal(off_unhex("", out, 0), 0);
}

/* ---------------------------------------------------------------- */
/* Base64 */

static const struct {
	const char	*plain;
	const char	*b64;
} rfc4648[] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};
#define NVEC	(sizeof(rfc4648) / sizeof(rfc4648[0]))

static void
test_b64_encode_vectors(void **state)
{
	char	out[OFF_B64_LEN(6) + 4];
	size_t	i, n;

	(void)state;
	for (i = 0; i < NVEC; i++) {
		n = strlen(rfc4648[i].plain);
		memset(out, '#', sizeof(out));
		off_b64((const uint8_t *)rfc4648[i].plain, n, out);
		assert_string_equal(out, rfc4648[i].b64);
		/* OFF_B64_LEN counts the output and its NUL exactly. */
		assert_int_equal(OFF_B64_LEN(n), strlen(out) + 1);
		assert_int_equal(out[OFF_B64_LEN(n)], '#');
	}
}

static void
test_b64_decode_vectors(void **state)
{
	uint8_t	out[16];
	size_t	i, n, len;

	(void)state;
	for (i = 0; i < NVEC; i++) {
		n = strlen(rfc4648[i].plain);
		/* Room to spare. */
		len = 999;
		assert_int_equal(off_unb64(rfc4648[i].b64, out, sizeof(out),
		    &len), 0);
		assert_int_equal(len, n);
		assert_memory_equal(out, rfc4648[i].plain, n);
		/* Exactly enough room, and nothing written past it. */
		memset(out, '#', sizeof(out));
		len = 999;
		assert_int_equal(off_unb64(rfc4648[i].b64, out, n, &len), 0);
		assert_int_equal(len, n);
		assert_memory_equal(out, rfc4648[i].plain, n);
		assert_int_equal(out[n], '#');
	}
}

static void
test_b64_round_trip(void **state)
{
	uint8_t	in[100], back[100];
	char	b64[OFF_B64_LEN(100)];
	size_t	n, i, len;

	(void)state;
	for (n = 0; n <= sizeof(in); n++) {
		for (i = 0; i < n; i++)
			in[i] = test_rng_byte();
		off_b64(in, n, b64);
		assert_int_equal(strlen(b64), OFF_B64_LEN(n) - 1);
		assert_int_equal(off_unb64(b64, back, n, &len), 0);
		assert_int_equal(len, n);
		assert_memory_equal(back, in, n);
	}
}

static void
test_b64_rejects(void **state)
{
	static const char *const bad[] = {
		/* non-zero pad bits */
		"Zh==", "Zm9=", "Zm9vYh==", "Zm9vYmF=", "//==", "AB==",
		"AAB=",
		/* wrong or misplaced padding */
		"Zg=", "Zg", "Z", "Zg===", "Zg=====", "=Zg=", "Z===",
		"====", "===", "=", "Zg==Zg==", "Zm=v", "Zm8=Zm8=",
		"Zg=A", "Z=g=", "A=AA",
		/* characters outside the alphabet */
		"Zm9v!A==", "Zm9v\n", "Zm9vYg==\n", " Zm9v", "Zm 9",
		"Zm9v-_==", "Zm9v.A==", "Zm9\tv", "Zm9vYmFy\r\n",
		"\x80\x81\x82\x83", "Zm9\xff",
	};
	uint8_t	out[32];
	size_t	i, len;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int	ret;

		len = 999;
		ret = off_unb64(bad[i], out, sizeof(out), &len);
		if (ret != OFF_ERR_FORMAT)
			fail_msg("off_unb64(\"%s\") = %d, want OFF_ERR_FORMAT",
			    bad[i], ret);
		assert_int_equal(len, 0);
	}
	/* The canonical forms of the pad-bit cases are fine. */
	assert_int_equal(off_unb64("Zg==", out, sizeof(out), &len), 0);
	assert_int_equal(len, 1);
	assert_int_equal(out[0], 'f');
	assert_int_equal(off_unb64("Zm8=", out, sizeof(out), &len), 0);
	assert_int_equal(len, 2);
	assert_int_equal(off_unb64("//8=", out, sizeof(out), &len), 0);
	assert_int_equal(len, 2);
	assert_int_equal(out[0], 0xff);
	assert_int_equal(out[1], 0xff);
}

static void
test_b64_too_long(void **state)
{
	uint8_t	out[8];
	size_t	i, n, len;

	(void)state;
	for (i = 1; i < NVEC; i++) {
		n = strlen(rfc4648[i].plain);
		memset(out, '#', sizeof(out));
		len = 999;
		assert_int_equal(off_unb64(rfc4648[i].b64, out, n - 1, &len),
		    OFF_ERR_TOO_LARGE);
		assert_int_equal(len, 0);
		/* Nothing written at or past max. */
		assert_int_equal(out[n - 1], '#');
	}
	assert_int_equal(off_unb64("Zm9vYmFy", out, 0, &len),
	    OFF_ERR_TOO_LARGE);
	assert_int_equal(off_unb64("", out, 0, &len), 0);
	assert_int_equal(len, 0);
}

/* ---------------------------------------------------------------- */
/* Length-prefixed strings */

static void
test_tbs_layout(void **state)
{
	static const uint8_t	want[] = {
		0, 0, 0, 1, 'D',
		0, 0, 0, 2, 'a', 'b',
		0, 0, 0, 0,
		0, 0, 0, 4, 0x01, 0x02, 0x03, 0x04,
		0, 0, 0, 3, 'x', 0, 'y',
	};
	struct off_tbs		t;

	(void)state;
	off_tbs_init(&t, "D");
	off_tbs_str(&t, "ab");
	off_tbs_str(&t, "");
	off_tbs_u32(&t, 0x01020304);
	off_tbs_bytes(&t, "x\0y", 3);
	assert_int_equal(off_tbs_ok(&t), 0);
	assert_int_equal(t.len, sizeof(want));
	assert_memory_equal(t.p, want, sizeof(want));
	off_tbs_free(&t);
	assert_null(t.p);
	assert_int_equal(t.len, 0);
	assert_int_equal(t.cap, 0);
}

static void
tbs_two(struct off_tbs *t, const char *dom, const char *a, const char *b)
{
	off_tbs_init(t, dom);
	off_tbs_str(t, a);
	off_tbs_str(t, b);
	assert_int_equal(off_tbs_ok(t), 0);
}

static int
tbs_same(const struct off_tbs *a, const struct off_tbs *b)
{
	return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

static void
test_tbs_distinct(void **state)
{
	static const char *const pairs[][4] = {
		{ "ab", "c", "a", "bc" },
		{ "", "abc", "abc", "" },
		{ "a", "", "", "a" },
		{ "ab", "", "a", "b" },
	};
	struct off_tbs	t1, t2, t3;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		tbs_two(&t1, "dom", pairs[i][0], pairs[i][1]);
		tbs_two(&t2, "dom", pairs[i][2], pairs[i][3]);
		tbs_two(&t3, "dom", pairs[i][0], pairs[i][1]);
		assert_false(tbs_same(&t1, &t2));
		assert_true(tbs_same(&t1, &t3));
		off_tbs_free(&t1);
		off_tbs_free(&t2);
		off_tbs_free(&t3);
	}
	/* The domain separates too, including from a field. */
	tbs_two(&t1, "A", "x", "y");
	tbs_two(&t2, "B", "x", "y");
	assert_false(tbs_same(&t1, &t2));
	off_tbs_free(&t1);
	off_tbs_free(&t2);
	off_tbs_init(&t1, "Ax");
	off_tbs_init(&t2, "A");
	off_tbs_str(&t2, "x");
	assert_false(tbs_same(&t1, &t2));
	off_tbs_free(&t1);
	off_tbs_free(&t2);
	/* A string field and a u32 field of the same bytes are alike by
	 * design (both are length-prefixed bytes). */
	off_tbs_init(&t1, "D");
	off_tbs_u32(&t1, 0x61626364);
	off_tbs_init(&t2, "D");
	off_tbs_str(&t2, "abcd");
	assert_true(tbs_same(&t1, &t2));
	off_tbs_free(&t1);
	off_tbs_free(&t2);
}

static void
test_tbs_grows(void **state)
{
	struct off_tbs	t;
	uint8_t		big[5000];
	size_t		i, off;

	(void)state;
	for (i = 0; i < sizeof(big); i++)
		big[i] = test_rng_byte();
	off_tbs_init(&t, "grow");
	for (i = 0; i < 10; i++)
		off_tbs_bytes(&t, big, sizeof(big) - i);
	assert_int_equal(off_tbs_ok(&t), 0);
	assert_true(t.cap >= t.len);
	off = 4 + 4;
	for (i = 0; i < 10; i++) {
		size_t	n = sizeof(big) - i;

		assert_int_equal(t.p[off], (uint8_t)(n >> 24));
		assert_int_equal(t.p[off + 1], (uint8_t)(n >> 16));
		assert_int_equal(t.p[off + 2], (uint8_t)(n >> 8));
		assert_int_equal(t.p[off + 3], (uint8_t)n);
		assert_memory_equal(t.p + off + 4, big, n);
		off += 4 + n;
	}
	assert_int_equal(off, t.len);
	off_tbs_free(&t);
}

static void
test_tbs_overlong_field(void **state)
{
#if SIZE_MAX > UINT32_MAX
	struct off_tbs	t;
	size_t		len;

	(void)state;
	off_tbs_init(&t, "D");
	len = t.len;
	/* The length does not fit the 4-byte prefix: the string fails
	 * rather than wrapping, and stays failed. */
	off_tbs_bytes(&t, "x", (size_t)UINT32_MAX + 1);
	assert_int_equal(off_tbs_ok(&t), OFF_ERR_NOMEM);
	off_tbs_str(&t, "more");
	assert_int_equal(off_tbs_ok(&t), OFF_ERR_NOMEM);
	assert_int_equal(t.len, len);
	off_tbs_free(&t);
	assert_int_equal(off_tbs_ok(&t), 0);
#else
	(void)state;
	skip();
#endif
}

/* ---------------------------------------------------------------- */
/* UTC timestamps */

static void
test_utc_now(void **state)
{
	char		now[21];
	struct tm	tm;
	time_t		before, after, t;
	const char	*end;

	(void)state;
	before = time(NULL);
	memset(now, 'x', sizeof(now));
	off_utc_now(now);
	after = time(NULL);
	assert_int_equal(strlen(now), 20);
	assert_int_equal(off_utc_valid(now), 0);
	assert_int_equal(now[4], '-');
	assert_int_equal(now[7], '-');
	assert_int_equal(now[10], 'T');
	assert_int_equal(now[13], ':');
	assert_int_equal(now[16], ':');
	assert_int_equal(now[19], 'Z');
	/* It is the current time, in UTC. */
	memset(&tm, 0, sizeof(tm));
	end = strptime(now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	assert_non_null(end);
	assert_int_equal(*end, '\0');
	t = timegm(&tm);
	assert_true(t >= before && t <= after);
}

static void
test_utc_valid_accepts(void **state)
{
	static const char *const good[] = {
		"2024-01-01T00:00:00Z", "1999-12-31T23:59:59Z",
		"2024-02-29T12:30:45Z", "9999-12-31T23:59:59Z",
		"0001-01-01T00:00:00Z",
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (off_utc_valid(good[i]) != 0)
			fail_msg("\"%s\" refused", good[i]);
}

static void
check_utc_refused(const char *const *bad, size_t n)
{
	size_t	i;
	int	failed = 0;

	for (i = 0; i < n; i++)
		if (off_utc_valid(bad[i]) != OFF_ERR_FORMAT) {
			print_error("off_utc_valid(\"%s\") accepted it\n",
			    bad[i]);
			failed = 1;
		}
	assert_false(failed);
}

static void
test_utc_valid_rejects_malformed(void **state)
{
	static const char *const bad[] = {
		"", "2024-01-01T00:00:00", "2024-01-01T00:00:00ZZ",
		"2024-01-01 00:00:00Z", "2024-01-01t00:00:00Z",
		"2024-01-01T00:00:00z", "2024/01/01T00:00:00Z",
		"2024-01-01T00-00-00Z", "2024-01-01T00:00:00+",
		"24-01-01T00:00:00Z", "2024-1-01T00:00:00Z",
		"2024-13-01T00:00:00Z", "2024-00-01T00:00:00Z",
		"2024-01-32T00:00:00Z", "2024-01-00T00:00:00Z",
		"2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z",
		"2024-01-01T00:00:00.000Z", "2024-01-01T00:00:0aZ",
		"+024-01-01T00:00:00Z", "-024-01-01T00:00:00Z",
		"2024-01-01T00:00:00+00:00", "abcdefghijklmnopqrst",
		"2024-01-01T00:00Z", "20240101T000000Z",
	};

	(void)state;
	check_utc_refused(bad, sizeof(bad) / sizeof(bad[0]));
}

/* Every field is exactly its digits: no blanks in place of a digit. */
static void
test_utc_valid_rejects_blank_padding(void **state)
{
	static const char *const bad[] = {
		"2024- 1-01T00:00:00Z", "2024-01- 1T00:00:00Z",
		"2024-01-01T 0:00:00Z", "2024-01-01T00: 0:00Z",
		"2024-01-01T00:00: 0Z", "   1-01-01T00:00:00Z",
		"2024-01-01T\t0:00:00Z", "2024-01-01T\n0:00:00Z",
	};

	(void)state;
	check_utc_refused(bad, sizeof(bad) / sizeof(bad[0]));
}

/* Dates and times that do not exist. */
static void
test_utc_valid_rejects_impossible(void **state)
{
	static const char *const bad[] = {
		"2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z",
		"2024-04-31T00:00:00Z", "2024-01-01T00:00:61Z",
	};

	(void)state;
	check_utc_refused(bad, sizeof(bad) / sizeof(bad[0]));
}

/* ---------------------------------------------------------------- */
/* Locked memory */

static void
test_secmem_alloc(void **state)
{
	static const size_t	sizes[] = {
		1, 15, 16, 31, 32, 33, 100, 4096 - 32, 4096, 4097, 70000,
	};
	size_t			i, j;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t	*p = off_secalloc(sizes[i]);

		assert_non_null(p);
		assert_int_equal(off_secsize(p), sizes[i]);
		assert_int_equal((uintptr_t)p % 16, 0);
		for (j = 0; j < sizes[i]; j++)
			if (p[j] != 0)
				fail_msg("size %zu: byte %zu is %#x", sizes[i],
				    j, p[j]);
		/* All of it is usable. */
		memset(p, 0xff, sizes[i]);
		assert_int_equal(p[sizes[i] - 1], 0xff);
		off_secfree(&p);
		assert_null(p);
		assert_int_equal(off_secsize(p), 0);
	}
}

static void
test_secmem_free_edge(void **state)
{
	uint8_t	*p = NULL, *q, *r;

	(void)state;
	/* Freeing nothing is harmless. */
	off_secfree(&p);
	assert_null(p);
	off_secfree(NULL);
	assert_null(off_secalloc(0));
	/* Two live allocations are distinct and independent. */
	q = off_secalloc(64);
	r = off_secalloc(64);
	assert_non_null(q);
	assert_non_null(r);
	assert_ptr_not_equal(q, r);
	memset(q, 0x11, 64);
	assert_int_equal(r[0], 0);
	assert_int_equal(r[63], 0);
	off_secfree(&q);
	assert_null(q);
	assert_int_equal(off_secsize(r), 64);
	off_secfree(&r);
	assert_null(r);
	/* A fresh allocation after a free is zeroed again. */
	q = off_secalloc(64);
	assert_non_null(q);
	assert_int_equal(q[0], 0);
	assert_int_equal(q[63], 0);
	off_secfree(&q);
}

static void
test_wipe_ctcmp(void **state)
{
	uint8_t	a[40], b[40];
	size_t	i;

	(void)state;
	memset(a, 0x42, sizeof(a));
	memset(b, 0x42, sizeof(b));
	assert_int_equal(off_ctcmp(a, b, sizeof(a)), 0);
	assert_int_equal(off_ctcmp(a, b, 0), 0);
	for (i = 0; i < sizeof(a); i++) {
		b[i] ^= 0x01;
		assert_int_not_equal(off_ctcmp(a, b, sizeof(a)), 0);
		b[i] ^= 0x01;
	}
	off_wipe(a + 8, 16);
	for (i = 0; i < sizeof(a); i++)
		assert_int_equal(a[i], i >= 8 && i < 24 ? 0 : 0x42);
	off_wipe(NULL, 10);
	off_wipe(a, 0);
	assert_int_equal(a[0], 0x42);
}

/* ---------------------------------------------------------------- */
/* Errors */

static void
test_error_messages(void **state)
{
	struct off_err	err;
	char		buf[1024];
	int		code;

	(void)state;
	for (code = OFF_ERR_MAX; code <= OFF_OK; code++) {
		const char	*msg = off_strerror(code);

		assert_non_null(msg);
		assert_true(msg[0] != '\0');
		assert_string_not_equal(msg, off_strerror(OFF_ERR_MAX - 1));
	}
	assert_int_equal(off_err_set(NULL, OFF_ERR_IO, "f", "x"), OFF_ERR_IO);
	memset(&err, 0, sizeof(err));
	assert_int_equal(off_err_set(&err, OFF_ERR_FORMAT, "a.card",
	    "bad %s %d", "field", 7), OFF_ERR_FORMAT);
	assert_int_equal(err.code, OFF_ERR_FORMAT);
	assert_string_equal(err.file, "a.card");
	assert_string_equal(err.detail, "bad field 7");
	off_err_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "a.card: bad field 7");
	assert_int_equal(off_err_errno(&err, OFF_ERR_IO, 2, "b", "cannot"),
	    OFF_ERR_IO);
	assert_non_null(strstr(err.detail, "cannot: "));
	off_err_clear(&err);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.file, "");
	off_err_set(&err, OFF_ERR_AUTH, NULL, NULL);
	off_err_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, off_strerror(OFF_ERR_AUTH));
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_hex_encode),
		cmocka_unit_test(test_hex_round_trip),
		cmocka_unit_test(test_hex_rejects),
		cmocka_unit_test(test_b64_encode_vectors),
		cmocka_unit_test(test_b64_decode_vectors),
		cmocka_unit_test(test_b64_round_trip),
		cmocka_unit_test(test_b64_rejects),
		cmocka_unit_test(test_b64_too_long),
		cmocka_unit_test(test_tbs_layout),
		cmocka_unit_test(test_tbs_distinct),
		cmocka_unit_test(test_tbs_grows),
		cmocka_unit_test(test_tbs_overlong_field),
		cmocka_unit_test(test_utc_now),
		cmocka_unit_test(test_utc_valid_accepts),
		cmocka_unit_test(test_utc_valid_rejects_malformed),
		cmocka_unit_test(test_utc_valid_rejects_blank_padding),
		cmocka_unit_test(test_utc_valid_rejects_impossible),
		cmocka_unit_test(test_secmem_alloc),
		cmocka_unit_test(test_secmem_free_edge),
		cmocka_unit_test(test_wipe_ctcmp),
		cmocka_unit_test(test_error_messages),
	};

	test_rng_seed(0x243f6a8885a308d3ULL);
	if (off_platform_harden() != 0) {
		fprintf(stderr, "off_platform_harden failed\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
