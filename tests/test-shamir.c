/* Unit tests of GF(2^8) arithmetic (gf256.h, hazmat) and of the safe
 * Shamir API (shamir.h): known answer, exhaustive field checks, and
 * split / combine properties for several quorums. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "encode.h"
#include "error.h"
#include "gf256.h"
#include "platform.h"
#include "testlib.h"
#include "secmem.h"
#include "shamir.h"

static const uint8_t CTX[] = "world-0123456789abcdef";
static const uint8_t CTX2[] = "world-0123456789abcdeF";
#define CTXLEN	(sizeof(CTX) - 1)
#define CTX2LEN	(sizeof(CTX2) - 1)

static void
rng_fill(uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		p[i] = test_rng_byte();
}

static int
all_zero(const uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* ---------------------------------------------------------------- */
/* GF(2^8) */

/* Reference multiply: schoolbook polynomial product, then reduction
 * modulo x^8+x^4+x^3+x+1, with ordinary branches. */
static uint8_t
slow_mul(uint8_t a, uint8_t b)
{
	unsigned	prod = 0, i;

	for (i = 0; i < 8; i++)
		if (b & (1u << i))
			prod ^= (unsigned)a << i;
	for (i = 15; i >= 8; i--)
		if (prod & (1u << i))
			prod ^= 0x11bu << (i - 8);
	return (uint8_t)prod;
}

static void
test_gf256_mul_known(void **state)
{
	(void)state;
	/* FIPS-197 section 4.2 examples. */
	assert_int_equal(gf256_mul(0x57, 0x83), 0xc1);
	assert_int_equal(gf256_mul(0x57, 0x13), 0xfe);
	assert_int_equal(gf256_mul(0x57, 0x02), 0xae);
	assert_int_equal(gf256_mul(0x57, 0x04), 0x47);
	assert_int_equal(gf256_mul(0x57, 0x08), 0x8e);
	assert_int_equal(gf256_mul(0x57, 0x10), 0x07);
	/* Reference multiply agrees on the same examples. */
	assert_int_equal(slow_mul(0x57, 0x83), 0xc1);
	assert_int_equal(slow_mul(0x57, 0x13), 0xfe);
}

static void
test_gf256_mul_exhaustive(void **state)
{
	unsigned	a, b;

	(void)state;
	for (a = 0; a < 256; a++)
		for (b = 0; b < 256; b++) {
			uint8_t	got = gf256_mul((uint8_t)a, (uint8_t)b);
			uint8_t	want = slow_mul((uint8_t)a, (uint8_t)b);

			if (got != want)
				fail_msg("gf256_mul(%#x, %#x) = %#x, want %#x",
				    a, b, got, want);
		}
}

static void
test_gf256_inv_exhaustive(void **state)
{
	unsigned	a;
	int		seen[256];

	(void)state;
	memset(seen, 0, sizeof(seen));
	assert_int_equal(gf256_inv(0), 0);
	assert_int_equal(gf256_inv(1), 1);
	/* AES S-box construction: inverse of 0x53 is 0xca. */
	assert_int_equal(gf256_inv(0x53), 0xca);
	for (a = 1; a < 256; a++) {
		uint8_t	inv = gf256_inv((uint8_t)a);

		if (gf256_mul(inv, (uint8_t)a) != 1 ||
		    slow_mul((uint8_t)a, inv) != 1)
			fail_msg("gf256_inv(%#x) = %#x is not an inverse",
			    a, inv);
		seen[inv]++;
	}
	/* A bijection on the non-zero elements. */
	assert_int_equal(seen[0], 0);
	for (a = 1; a < 256; a++)
		assert_int_equal(seen[a], 1);
}

static void
test_gf256_eval(void **state)
{
	uint8_t		coef[8];
	unsigned	x, i, n;

	(void)state;
	memset(coef, 0xff, sizeof(coef));
	assert_int_equal(gf256_eval(coef, 0, 7), 0);
	for (n = 1; n <= sizeof(coef); n++) {
		rng_fill(coef, sizeof(coef));
		for (x = 0; x < 256; x++) {
			uint8_t	want = 0, pw = 1;

			for (i = 0; i < n; i++) {
				want ^= slow_mul(coef[i], pw);
				pw = slow_mul(pw, (uint8_t)x);
			}
			assert_int_equal(gf256_eval(coef, n, (uint8_t)x), want);
		}
		/* f(0) is the constant term. */
		assert_int_equal(gf256_eval(coef, n, 0), coef[0]);
	}
}

/* FORMATS.md section 3 (from SLIP-0039 vector 4). */
static void
test_gf256_known_answer(void **state)
{
	uint8_t		y1[16], y3[16], want[16], out[16];
	uint8_t		xs[2] = { 1, 3 }, xr[2] = { 3, 1 };
	const uint8_t	*ys[2], *yr[2];

	(void)state;
	assert_int_equal(off_unhex("018366dab958a555f83202e2160efa68", y1,
	    sizeof(y1)), 0);
	assert_int_equal(off_unhex("0fd33a92238f57fcc25b41f82ef4e064", y3,
	    sizeof(y3)), 0);
	assert_int_equal(off_unhex("06ab48fef4bedc8ce58baeef0a73f76e", want,
	    sizeof(want)), 0);
	ys[0] = y1;
	ys[1] = y3;
	memset(out, 0xa5, sizeof(out));
	gf256_interpolate0(xs, ys, 2, sizeof(out), out);
	assert_memory_equal(out, want, sizeof(want));
	/* The order of the points does not matter. */
	yr[0] = y3;
	yr[1] = y1;
	memset(out, 0xa5, sizeof(out));
	gf256_interpolate0(xr, yr, 2, sizeof(out), out);
	assert_memory_equal(out, want, sizeof(want));
	/* Cross-check the line: f(x) = s + a x with a = (y1 ^ s); f(3). */
	{
		unsigned	b;

		for (b = 0; b < sizeof(want); b++) {
			uint8_t	a = (uint8_t)(y1[b] ^ want[b]);

			assert_int_equal((uint8_t)(want[b] ^
			    slow_mul(a, 3)), y3[b]);
		}
	}
}

/* Random polynomials through random distinct points interpolate back to
 * their constant term. */
static void
test_gf256_interpolate_random(void **state)
{
	uint8_t		coef[16][4], ybuf[16][4], out[4], xs[16];
	const uint8_t	*ys[16];
	unsigned	k, i, b, round, used[256];

	(void)state;
	for (k = 1; k <= 16; k++)
		for (round = 0; round < 20; round++) {
			uint8_t	c[16];

			memset(used, 0, sizeof(used));
			for (i = 0; i < k; i++) {
				uint8_t	x;

				do
					x = test_rng_byte();
				while (x == 0 || used[x]);
				used[x] = 1;
				xs[i] = x;
			}
			for (b = 0; b < 4; b++)
				for (i = 0; i < k; i++)
					coef[i][b] = test_rng_byte();
			for (i = 0; i < k; i++) {
				for (b = 0; b < 4; b++) {
					unsigned	j;

					for (j = 0; j < k; j++)
						c[j] = coef[j][b];
					ybuf[i][b] = gf256_eval(c, k, xs[i]);
				}
				ys[i] = ybuf[i];
			}
			gf256_interpolate0(xs, ys, k, 4, out);
			for (b = 0; b < 4; b++)
				assert_int_equal(out[b], coef[0][b]);
		}
}

/* ---------------------------------------------------------------- */
/* Safe API */

struct fx {
	uint8_t			*secret;
	uint8_t			*out;
	struct off_share	*shares;
	unsigned		 k, n;
	uint8_t			 commit[OFF_COMMIT_LEN];
};

static int
setup(void **state)
{
	struct fx	*f;

	if ((f = test_calloc(1, sizeof(*f))) == NULL)
		return -1;
	f->secret = off_secalloc(OFF_SECRET_LEN);
	f->out = off_secalloc(OFF_SECRET_LEN);
	if (f->secret == NULL || f->out == NULL)
		return -1;
	rng_fill(f->secret, OFF_SECRET_LEN);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;

	off_secfree(&f->secret);
	off_secfree(&f->out);
	off_secfree(&f->shares);
	assert_null(f->secret);
	assert_null(f->out);
	assert_null(f->shares);
	test_free(f);
	return 0;
}

/* Split f->secret k of n into fresh locked memory, and commit to it. */
static void
do_split(struct fx *f, unsigned k, unsigned n)
{
	struct off_err	err;
	unsigned	i;

	off_secfree(&f->shares);
	f->shares = off_secalloc(sizeof(*f->shares) * n);
	assert_non_null(f->shares);
	assert_int_equal(off_secsize(f->shares), sizeof(*f->shares) * n);
	f->k = k;
	f->n = n;
	memset(&err, 0, sizeof(err));
	assert_int_equal(off_shamir_split(f->secret, k, n, f->shares, &err),
	    0);
	for (i = 0; i < n; i++)
		assert_int_equal(f->shares[i].x, i + 1);
	assert_int_equal(off_shamir_commit(CTX, CTXLEN, f->secret,
	    f->commit), 0);
}

/* Combine the shares at indices idx[0..cnt) (0-based). */
static int
combine_idx(struct fx *f, const unsigned *idx, size_t cnt,
    const uint8_t *ctx, size_t ctxlen, struct off_err *err)
{
	const struct off_share	*ptrs[OFF_SHAMIR_MAX];
	size_t			 i;

	for (i = 0; i < cnt; i++)
		ptrs[i] = &f->shares[idx[i]];
	memset(f->out, 0x5a, OFF_SECRET_LEN);
	return off_shamir_combine(ptrs, cnt, ctx, ctxlen, f->commit, f->out,
	    err);
}

/* Next k-combination of 0..n-1 in lexicographic order; 0 at the end. */
static int
next_comb(unsigned *idx, unsigned k, unsigned n)
{
	unsigned	i = k;

	while (i > 0 && idx[i - 1] == n - k + i - 1)
		i--;
	if (i == 0)
		return 0;
	idx[i - 1]++;
	for (; i < k; i++)
		idx[i] = idx[i - 1] + 1;
	return 1;
}

/* Every subset of size m of the n shares reconstructs (m >= k) or fails
 * the commitment (m < k); also in reverse order. Returns the count. */
static unsigned
check_all_subsets(struct fx *f, unsigned m)
{
	unsigned	idx[OFF_SHAMIR_MAX], rev[OFF_SHAMIR_MAX], i, count = 0;
	struct off_err	err;
	int		ret;

	for (i = 0; i < m; i++)
		idx[i] = i;
	do {
		for (i = 0; i < m; i++)
			rev[i] = idx[m - 1 - i];
		memset(&err, 0, sizeof(err));
		ret = combine_idx(f, idx, m, CTX, CTXLEN, &err);
		if (m >= f->k) {
			if (ret != 0)
				fail_msg("%u/%u: subset of %u starting at %u: "
				    "%d (%s)", f->k, f->n, m, idx[0] + 1, ret,
				    err.detail);
			assert_memory_equal(f->out, f->secret,
			    OFF_SECRET_LEN);
			ret = combine_idx(f, rev, m, CTX, CTXLEN, NULL);
			assert_int_equal(ret, 0);
			assert_memory_equal(f->out, f->secret,
			    OFF_SECRET_LEN);
		} else {
			if (ret != OFF_ERR_COMMITMENT)
				fail_msg("%u/%u: %u shares starting at %u "
				    "gave %d, want OFF_ERR_COMMITMENT",
				    f->k, f->n, m, idx[0] + 1, ret);
			assert_int_equal(err.code, OFF_ERR_COMMITMENT);
			/* The wrong secret is not left behind. */
			assert_true(all_zero(f->out, OFF_SECRET_LEN));
		}
		count++;
	} while (next_comb(idx, m, f->n));
	return count;
}

static void
check_quorum(struct fx *f, unsigned k, unsigned n, unsigned want_subsets)
{
	do_split(f, k, n);
	assert_int_equal(check_all_subsets(f, k), want_subsets);
	/* More than K shares reconstruct as well. */
	if (k < n)
		(void)check_all_subsets(f, k + 1);
	/* All N shares. */
	(void)check_all_subsets(f, n);
	/* K-1 shares do not. */
	if (k > 1)
		(void)check_all_subsets(f, k - 1);
}

static void
test_quorum_2_of_3(void **state)
{
	check_quorum(*state, 2, 3, 3);
}

static void
test_quorum_3_of_5(void **state)
{
	check_quorum(*state, 3, 5, 10);
}

static void
test_quorum_1_of_1(void **state)
{
	struct fx	*f = *state;
	struct off_err	err;

	check_quorum(f, 1, 1, 1);
	/* With K = 1 the share is the secret; zero shares combine to
	 * nothing. */
	assert_memory_equal(f->shares[0].y, f->secret, OFF_SECRET_LEN);
	memset(&err, 0, sizeof(err));
	assert_int_equal(combine_idx(f, NULL, 0, CTX, CTXLEN, &err),
	    OFF_ERR_INVALID);
}

static void
test_quorum_5_of_5(void **state)
{
	check_quorum(*state, 5, 5, 1);
}

static void
test_quorum_4_of_7(void **state)
{
	check_quorum(*state, 4, 7, 35);
}

static void
test_quorum_2_of_255(void **state)
{
	struct fx	*f = *state;
	unsigned	 idx[3], i;

	do_split(f, 2, 255);
	/* Every pair of the 255 shares reconstructs. */
	assert_int_equal(check_all_subsets(f, 2), 255u * 254u / 2u);
	/* Every single share fails the commitment. */
	assert_int_equal(check_all_subsets(f, 1), 255);
	/* Some triples, and all 255 together. */
	for (i = 0; i + 2 < 255; i += 7) {
		idx[0] = i;
		idx[1] = 254 - i;
		idx[2] = (i + 100) % 255;
		if (idx[2] == idx[0] || idx[2] == idx[1] || idx[0] == idx[1])
			continue;
		assert_int_equal(combine_idx(f, idx, 3, CTX, CTXLEN, NULL), 0);
		assert_memory_equal(f->out, f->secret, OFF_SECRET_LEN);
	}
	assert_int_equal(check_all_subsets(f, 255), 1);
}

static void
test_quorum_255_of_255(void **state)
{
	struct fx	*f = *state;
	unsigned	 idx[255], i;

	do_split(f, 255, 255);
	for (i = 0; i < 255; i++)
		idx[i] = i;
	assert_int_equal(combine_idx(f, idx, 255, CTX, CTXLEN, NULL), 0);
	assert_memory_equal(f->out, f->secret, OFF_SECRET_LEN);
	/* Leaving out any one share fails. */
	for (i = 0; i < 255; i += 17) {
		unsigned	sub[254], j, m = 0;

		for (j = 0; j < 255; j++)
			if (j != i)
				sub[m++] = j;
		assert_int_equal(combine_idx(f, sub, 254, CTX, CTXLEN, NULL),
		    OFF_ERR_COMMITMENT);
	}
}

/* Splitting is randomised: with K > 1, two splits of one secret differ,
 * and a share is not the secret. */
static void
test_split_randomised(void **state)
{
	struct fx		*f = *state;
	struct off_share	*first;
	unsigned		 i;

	do_split(f, 3, 5);
	first = off_secalloc(sizeof(*first) * 5);
	assert_non_null(first);
	memcpy(first, f->shares, sizeof(*first) * 5);
	do_split(f, 3, 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(first[i].x, f->shares[i].x);
		assert_memory_not_equal(first[i].y, f->shares[i].y,
		    OFF_SECRET_LEN);
		assert_memory_not_equal(f->shares[i].y, f->secret,
		    OFF_SECRET_LEN);
	}
	off_secfree(&first);
	assert_null(first);
}

static void
test_split_refuses_bad_quorum(void **state)
{
	static const unsigned	bad[][2] = {
		{ 0, 3 }, { 0, 0 }, { 4, 3 }, { 2, 1 }, { 2, 256 },
		{ 256, 256 }, { 1, 1000 }, { 300, 200 },
	};
	struct fx		*f = *state;
	struct off_share	*sh;
	struct off_err		 err;
	size_t			 i, j, sz = sizeof(*sh) * 300;

	sh = off_secalloc(sz);
	assert_non_null(sh);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(sh, 0xee, sz);
		memset(&err, 0, sizeof(err));
		assert_int_equal(off_shamir_split(f->secret, bad[i][0],
		    bad[i][1], sh, &err), OFF_ERR_INVALID);
		assert_int_equal(err.code, OFF_ERR_INVALID);
		assert_true(err.detail[0] != '\0');
		/* Nothing was written. */
		for (j = 0; j < sz; j++)
			if (((const uint8_t *)sh)[j] != 0xee)
				fail_msg("split %u/%u wrote byte %zu",
				    bad[i][0], bad[i][1], j);
	}
	/* The limits themselves are accepted. */
	assert_int_equal(off_shamir_split(f->secret, 1, 255, sh, NULL), 0);
	assert_int_equal(off_shamir_split(f->secret, 255, 255, sh, NULL), 0);
	off_secfree(&sh);
	assert_null(sh);
}

static void
test_duplicate_share(void **state)
{
	struct fx		*f = *state;
	struct off_share	*copy;
	const struct off_share	*ptrs[3];
	struct off_err		 err;
	unsigned		 idx[3];

	do_split(f, 2, 3);
	idx[0] = 0;
	idx[1] = 0;
	memset(&err, 0, sizeof(err));
	assert_int_equal(combine_idx(f, idx, 2, CTX, CTXLEN, &err),
	    OFF_ERR_DUPLICATE);
	assert_int_equal(err.code, OFF_ERR_DUPLICATE);
	idx[0] = 0;
	idx[1] = 1;
	idx[2] = 0;
	assert_int_equal(combine_idx(f, idx, 3, CTX, CTXLEN, NULL),
	    OFF_ERR_DUPLICATE);
	/* A different share claiming the same x is a duplicate too. */
	copy = off_secalloc(sizeof(*copy));
	assert_non_null(copy);
	*copy = f->shares[2];
	copy->x = f->shares[1].x;
	ptrs[0] = &f->shares[1];
	ptrs[1] = copy;
	assert_int_equal(off_shamir_combine(ptrs, 2, CTX, CTXLEN, f->commit,
	    f->out, NULL), OFF_ERR_DUPLICATE);
	off_secfree(&copy);
}

static void
test_zero_x_refused(void **state)
{
	struct fx		*f = *state;
	struct off_share	*z;
	const struct off_share	*ptrs[3];
	struct off_err		 err;

	do_split(f, 2, 3);
	z = off_secalloc(sizeof(*z));
	assert_non_null(z);
	/* A share at x = 0 would be the secret itself. */
	z->x = 0;
	memcpy(z->y, f->secret, OFF_SECRET_LEN);
	ptrs[0] = &f->shares[0];
	ptrs[1] = z;
	memset(&err, 0, sizeof(err));
	assert_int_equal(off_shamir_combine(ptrs, 2, CTX, CTXLEN, f->commit,
	    f->out, &err), OFF_ERR_FORMAT);
	assert_int_equal(err.code, OFF_ERR_FORMAT);
	ptrs[0] = z;
	assert_int_equal(off_shamir_combine(ptrs, 1, CTX, CTXLEN, f->commit,
	    f->out, NULL), OFF_ERR_FORMAT);
	ptrs[0] = &f->shares[0];
	ptrs[1] = &f->shares[1];
	ptrs[2] = z;
	assert_int_equal(off_shamir_combine(ptrs, 3, CTX, CTXLEN, f->commit,
	    f->out, NULL), OFF_ERR_FORMAT);
	off_secfree(&z);
}

static void
test_combine_count_limits(void **state)
{
	struct fx		*f = *state;
	const struct off_share	*ptrs[OFF_SHAMIR_MAX + 1];
	struct off_err		 err;
	size_t			 i;

	do_split(f, 2, 3);
	for (i = 0; i < OFF_SHAMIR_MAX + 1; i++)
		ptrs[i] = &f->shares[i % 3];
	memset(&err, 0, sizeof(err));
	assert_int_equal(off_shamir_combine(ptrs, OFF_SHAMIR_MAX + 1, CTX,
	    CTXLEN, f->commit, f->out, &err), OFF_ERR_INVALID);
	assert_int_equal(err.code, OFF_ERR_INVALID);
	assert_int_equal(off_shamir_combine(ptrs, 0, CTX, CTXLEN, f->commit,
	    f->out, NULL), OFF_ERR_INVALID);
}

/* Flip every bit of a share in turn: its tag check fails and a quorum
 * using it fails the commitment. */
static void
test_flipped_bit(void **state)
{
	struct fx		*f = *state;
	struct off_share	*bad;
	const struct off_share	*ptrs[2];
	uint8_t			 tag[OFF_SHARE_TAG_LEN];
	unsigned		 byte, bit;
	int			 ret;

	do_split(f, 2, 3);
	assert_int_equal(off_shamir_share_tag(CTX, CTXLEN, &f->shares[1],
	    tag), 0);
	assert_int_equal(off_shamir_share_check(CTX, CTXLEN, &f->shares[1],
	    tag), 0);
	bad = off_secalloc(sizeof(*bad));
	assert_non_null(bad);
	ptrs[0] = &f->shares[0];
	ptrs[1] = bad;
	for (byte = 0; byte < OFF_SECRET_LEN; byte++)
		for (bit = 0; bit < 8; bit++) {
			*bad = f->shares[1];
			bad->y[byte] ^= (uint8_t)(1u << bit);
			ret = off_shamir_share_check(CTX, CTXLEN, bad, tag);
			if (ret != OFF_ERR_AUTH)
				fail_msg("y[%u] bit %u: check gave %d", byte,
				    bit, ret);
			memset(f->out, 0x5a, OFF_SECRET_LEN);
			ret = off_shamir_combine(ptrs, 2, CTX, CTXLEN,
			    f->commit, f->out, NULL);
			if (ret != OFF_ERR_COMMITMENT)
				fail_msg("y[%u] bit %u: combine gave %d", byte,
				    bit, ret);
			assert_true(all_zero(f->out, OFF_SECRET_LEN));
		}
	/* A changed x is caught by the tag as well. */
	for (bit = 0; bit < 8; bit++) {
		*bad = f->shares[1];
		bad->x ^= (uint8_t)(1u << bit);
		assert_int_equal(off_shamir_share_check(CTX, CTXLEN, bad, tag),
		    OFF_ERR_AUTH);
	}
	/* So is a bit flipped in the tag. */
	for (byte = 0; byte < OFF_SHARE_TAG_LEN; byte++) {
		tag[byte] ^= 0x80;
		assert_int_equal(off_shamir_share_check(CTX, CTXLEN,
		    &f->shares[1], tag), OFF_ERR_AUTH);
		tag[byte] ^= 0x80;
	}
	/* A flipped bit in the commitment is caught too. */
	f->commit[OFF_COMMIT_LEN - 1] ^= 1;
	ptrs[1] = &f->shares[1];
	assert_int_equal(off_shamir_combine(ptrs, 2, CTX, CTXLEN, f->commit,
	    f->out, NULL), OFF_ERR_COMMITMENT);
	off_secfree(&bad);
}

static void
test_share_tags(void **state)
{
	struct fx	*f = *state;
	uint8_t		 tags[3][OFF_SHARE_TAG_LEN], again[OFF_SHARE_TAG_LEN];
	uint8_t		 other[OFF_SHARE_TAG_LEN];
	unsigned	 i;

	do_split(f, 2, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(off_shamir_share_tag(CTX, CTXLEN,
		    &f->shares[i], tags[i]), 0);
		/* Deterministic. */
		assert_int_equal(off_shamir_share_tag(CTX, CTXLEN,
		    &f->shares[i], again), 0);
		assert_memory_equal(tags[i], again, OFF_SHARE_TAG_LEN);
		assert_int_equal(off_shamir_share_check(CTX, CTXLEN,
		    &f->shares[i], tags[i]), 0);
		/* Bound to the context. */
		assert_int_equal(off_shamir_share_tag(CTX2, CTX2LEN,
		    &f->shares[i], other), 0);
		assert_memory_not_equal(tags[i], other, OFF_SHARE_TAG_LEN);
		assert_int_equal(off_shamir_share_check(CTX2, CTX2LEN,
		    &f->shares[i], tags[i]), OFF_ERR_AUTH);
		assert_int_equal(off_shamir_share_check(CTX, CTXLEN - 1,
		    &f->shares[i], tags[i]), OFF_ERR_AUTH);
	}
	/* One share's tag does not vouch for another. */
	assert_memory_not_equal(tags[0], tags[1], OFF_SHARE_TAG_LEN);
	assert_memory_not_equal(tags[1], tags[2], OFF_SHARE_TAG_LEN);
	assert_int_equal(off_shamir_share_check(CTX, CTXLEN, &f->shares[0],
	    tags[1]), OFF_ERR_AUTH);
}

/* Shares of one world do not open another. */
static void
test_other_context(void **state)
{
	struct fx	*f = *state;
	uint8_t		 c1[OFF_COMMIT_LEN], c2[OFF_COMMIT_LEN];
	uint8_t		 c3[OFF_COMMIT_LEN];
	unsigned	 idx[2] = { 0, 2 };
	struct off_err	 err;

	do_split(f, 2, 3);
	memset(&err, 0, sizeof(err));
	assert_int_equal(combine_idx(f, idx, 2, CTX2, CTX2LEN, &err),
	    OFF_ERR_COMMITMENT);
	assert_int_equal(err.code, OFF_ERR_COMMITMENT);
	assert_true(all_zero(f->out, OFF_SECRET_LEN));
	assert_int_equal(combine_idx(f, idx, 2, CTX, CTXLEN - 1, NULL),
	    OFF_ERR_COMMITMENT);
	assert_int_equal(combine_idx(f, idx, 2, NULL, 0, NULL),
	    OFF_ERR_COMMITMENT);
	/* Same context: fine. */
	assert_int_equal(combine_idx(f, idx, 2, CTX, CTXLEN, NULL), 0);
	assert_memory_equal(f->out, f->secret, OFF_SECRET_LEN);

	/* The commitment depends on context and on every secret bit. */
	assert_int_equal(off_shamir_commit(CTX, CTXLEN, f->secret, c1), 0);
	assert_memory_equal(c1, f->commit, OFF_COMMIT_LEN);
	assert_int_equal(off_shamir_commit(CTX2, CTX2LEN, f->secret, c2), 0);
	assert_memory_not_equal(c1, c2, OFF_COMMIT_LEN);
	f->secret[31] ^= 1;
	assert_int_equal(off_shamir_commit(CTX, CTXLEN, f->secret, c3), 0);
	f->secret[31] ^= 1;
	assert_memory_not_equal(c1, c3, OFF_COMMIT_LEN);
}

/* An empty context is a context like any other. */
static void
test_empty_context(void **state)
{
	struct fx		*f = *state;
	const struct off_share	*ptrs[2];

	do_split(f, 2, 2);
	assert_int_equal(off_shamir_commit(NULL, 0, f->secret, f->commit), 0);
	ptrs[0] = &f->shares[0];
	ptrs[1] = &f->shares[1];
	assert_int_equal(off_shamir_combine(ptrs, 2, NULL, 0, f->commit,
	    f->out, NULL), 0);
	assert_memory_equal(f->out, f->secret, OFF_SECRET_LEN);
	assert_int_equal(off_shamir_combine(ptrs, 2, CTX, CTXLEN, f->commit,
	    f->out, NULL), OFF_ERR_COMMITMENT);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_gf256_mul_known),
		cmocka_unit_test(test_gf256_mul_exhaustive),
		cmocka_unit_test(test_gf256_inv_exhaustive),
		cmocka_unit_test(test_gf256_eval),
		cmocka_unit_test(test_gf256_known_answer),
		cmocka_unit_test(test_gf256_interpolate_random),
		T(test_quorum_2_of_3),
		T(test_quorum_3_of_5),
		T(test_quorum_1_of_1),
		T(test_quorum_5_of_5),
		T(test_quorum_4_of_7),
		T(test_quorum_2_of_255),
		T(test_quorum_255_of_255),
		T(test_split_randomised),
		T(test_split_refuses_bad_quorum),
		T(test_duplicate_share),
		T(test_zero_x_refused),
		T(test_combine_count_limits),
		T(test_flipped_bit),
		T(test_share_tags),
		T(test_other_context),
		T(test_empty_context),
	};

	if (off_platform_harden() != 0) {
		fprintf(stderr, "off_platform_harden failed\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
