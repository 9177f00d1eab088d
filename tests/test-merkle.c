/* RFC 6962 Merkle trees: the reference vectors of RFC 6962's test
 * suite (certificate-transparency), roots against an independent
 * level-by-level construction, and every inclusion and consistency
 * proof of every tree up to 70 leaves, intact and mutated; the same
 * heads and proofs from a tree grown a leaf at a time. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "encode.h"
#include "error.h"
#include "merkle.h"
#include "platform.h"
#include "testlib.h"

#define MAXN	70

/* OpenSSL's allocations fail once this many more were made (-1: never). */
static long	ossl_fail_in = -1;

/* 1 when this allocation is to fail. */
static int
ossl_refused(void)
{
	if (ossl_fail_in == 0)
		return 1;
	if (ossl_fail_in > 0)
		ossl_fail_in--;
	return 0;
}

static void *
ossl_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return ossl_refused() ? NULL : malloc(n);
}

static void *
ossl_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return ossl_refused() ? NULL : realloc(p, n);
}

static void
ossl_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	free(p);
}

/* ---------------------------------------------------------------- */
/* Helpers */

static void
unhex32(const char *hex, off_hash out)
{
	assert_int_equal(strlen(hex), 64);
	assert_int_equal(off_unhex(hex, out, OFF_HASH_LEN), 0);
}

static void
assert_hash_hex(const off_hash h, const char *hex)
{
	char	got[2 * OFF_HASH_LEN + 1];

	off_hex(h, OFF_HASH_LEN, got);
	assert_string_equal(got, hex);
}

/* The RFC 6962 test leaves. */
static const char *const ref_leaves[8] = {
	"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
	"606162636465666768696a6b6c6d6e6f"
};

static const char *const ref_roots[8] = {
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

static void
ref_leaf_hashes(off_hash out[8])
{
	uint8_t	buf[16];
	size_t	i, n;

	for (i = 0; i < 8; i++) {
		n = strlen(ref_leaves[i]) / 2;
		assert_true(n <= sizeof(buf));
		if (n > 0)
			assert_int_equal(off_unhex(ref_leaves[i], buf, n), 0);
		off_merkle_leaf(buf, n, out[i]);
	}
}

/* The leaves of the property tests: distinct and deterministic. */
static off_hash	 leaves[MAXN + 2];
static off_hash	 roots[MAXN + 3];	/* roots[n]: first n leaves */

static int
setup_leaves(void **state)
{
	char	buf[32];
	size_t	i;
	int	n;

	(void)state;
	for (i = 0; i < MAXN + 2; i++) {
		n = snprintf(buf, sizeof(buf), "leaf %zu", i);
		off_merkle_leaf(buf, (size_t)n, leaves[i]);
	}
	for (i = 0; i <= MAXN + 2; i++)
		off_merkle_root(leaves, i, roots[i]);
	return 0;
}

/* An independent tree head: hash neighbours level by level, an odd
 * node at the end of a level moving up unchanged. */
static void
level_root(const off_hash *in, size_t n, off_hash out)
{
	off_hash	*lv;
	size_t		 i, m;

	if (n == 0) {
		assert_int_equal(EVP_Digest("", 0, out, NULL, EVP_sha256(),
		    NULL), 1);
		return;
	}
	lv = calloc(n, sizeof(*lv));
	assert_non_null(lv);
	memcpy(lv, in, n * sizeof(*lv));
	while (n > 1) {
		for (i = 0, m = 0; i + 1 < n; i += 2, m++)
			off_merkle_node(lv[i], lv[i + 1], lv[m]);
		if (n % 2 == 1)
			memcpy(lv[m++], lv[n - 1], OFF_HASH_LEN);
		n = m;
	}
	memcpy(out, lv[0], OFF_HASH_LEN);
	free(lv);
}

/* Where the siblings of leaf m of a tree of size n sit, leaf first
 * (bit i set: the i-th proof hash is on the left), from the recursive
 * definition of RFC 6962 rather than the verifier's index walk. */
struct shape {
	uint64_t	left;
	size_t		len;
};

static size_t
split(size_t n)
{
	size_t	k = 1;

	while (k * 2 < n)
		k *= 2;
	return k;
}

static struct shape
path_shape(size_t m, size_t n)
{
	struct shape	s = { 0, 0 };
	size_t		k;

	if (n <= 1)
		return s;
	k = split(n);
	if (m < k)
		s = path_shape(m, k);
	else {
		s = path_shape(m - k, n - k);
		s.left |= (uint64_t)1 << s.len;
	}
	s.len++;
	return s;
}

/* The other sizes worth trying against x: its neighbours, the smallest
 * trees and powers of two, to keep the run short. */
static int
candidate(size_t i, size_t x)
{
	return (i + 6 >= x && i <= x + 6) || i <= 2 || (i & (i - 1)) == 0;
}

static void
flip(off_hash h, size_t bit)
{
	h[(bit / 8) % OFF_HASH_LEN] ^= (uint8_t)(1u << (bit % 8));
}

/* ---------------------------------------------------------------- */
/* Reference vectors */

static void
test_leaf_and_node(void **state)
{
	off_hash	h, a, b;
	uint8_t		buf[65];

	(void)state;
	/* SHA-256(0x00) and SHA-256(0x00 || 0x00). */
	off_merkle_leaf("", 0, h);
	assert_hash_hex(h, ref_roots[0]);
	off_merkle_leaf("\0", 1, h);
	assert_hash_hex(h,
	    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7");
	/* A node is SHA-256(0x01 || left || right). */
	memset(a, 0xaa, sizeof(a));
	memset(b, 0x55, sizeof(b));
	off_merkle_node(a, b, h);
	buf[0] = 0x01;
	memcpy(buf + 1, a, 32);
	memcpy(buf + 33, b, 32);
	assert_int_equal(EVP_Digest(buf, sizeof(buf), a, NULL, EVP_sha256(),
	    NULL), 1);
	assert_memory_equal(h, a, OFF_HASH_LEN);
	/* Leaves and nodes live in different domains. */
	buf[0] = 0x00;
	assert_int_equal(EVP_Digest(buf, sizeof(buf), a, NULL, EVP_sha256(),
	    NULL), 1);
	off_merkle_leaf(buf + 1, 64, b);
	assert_memory_equal(a, b, OFF_HASH_LEN);
	assert_memory_not_equal(h, b, OFF_HASH_LEN);
}

static void
test_reference_roots(void **state)
{
	off_hash	l[8], r;
	size_t		n;

	(void)state;
	ref_leaf_hashes(l);
	for (n = 1; n <= 8; n++) {
		off_merkle_root(l, n, r);
		assert_hash_hex(r, ref_roots[n - 1]);
		level_root(l, n, r);
		assert_hash_hex(r, ref_roots[n - 1]);
	}
	/* The empty tree: SHA-256(""). */
	off_merkle_root(l, 0, r);
	assert_hash_hex(r,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	off_merkle_root(NULL, 0, r);
	assert_hash_hex(r,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* Inclusion and consistency proofs of the RFC 6962 test suite. */
static const struct {
	size_t		 m, n;
	const char	*hash[4];
} ref_inclusion[] = {
	{ 0, 1, { NULL } },
	{ 0, 8, {
	    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
	    NULL } },
	{ 5, 8, {
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	    NULL } },
	{ 2, 3, {
	    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	    NULL } },
	{ 1, 5, {
	    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	    NULL } },
}, ref_consistency[] = {
	{ 1, 1, { NULL } },
	{ 1, 8, {
	    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
	    NULL } },
	{ 6, 8, {
	    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	    NULL } },
	{ 2, 5, {
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	    NULL } },
};

static void
test_reference_inclusion(void **state)
{
	off_hash	l[8], root, proof[OFF_MERKLE_PROOF_MAX], want;
	size_t		i, j, len;

	(void)state;
	ref_leaf_hashes(l);
	for (i = 0; i < sizeof(ref_inclusion) / sizeof(ref_inclusion[0]);
	    i++) {
		size_t	m = ref_inclusion[i].m, n = ref_inclusion[i].n;

		assert_int_equal(off_merkle_inclusion_proof(l, n, m, proof,
		    &len), 0);
		for (j = 0; ref_inclusion[i].hash[j] != NULL; j++) {
			assert_true(j < len);
			unhex32(ref_inclusion[i].hash[j], want);
			assert_memory_equal(proof[j], want, OFF_HASH_LEN);
		}
		assert_int_equal(len, j);
		unhex32(ref_roots[n - 1], root);
		assert_int_equal(off_merkle_inclusion_verify(l[m], m, n,
		    (const off_hash *)proof, len, root), 0);
	}
}

static void
test_reference_consistency(void **state)
{
	off_hash	l[8], r1, r2, proof[OFF_MERKLE_PROOF_MAX], want;
	size_t		i, j, len;

	(void)state;
	ref_leaf_hashes(l);
	for (i = 0; i < sizeof(ref_consistency) / sizeof(ref_consistency[0]);
	    i++) {
		size_t	m = ref_consistency[i].m;
		size_t	n = ref_consistency[i].n;

		assert_int_equal(off_merkle_consistency_proof(l, m, n, proof,
		    &len), 0);
		for (j = 0; ref_consistency[i].hash[j] != NULL; j++) {
			assert_true(j < len);
			unhex32(ref_consistency[i].hash[j], want);
			assert_memory_equal(proof[j], want, OFF_HASH_LEN);
		}
		assert_int_equal(len, j);
		unhex32(ref_roots[m - 1], r1);
		unhex32(ref_roots[n - 1], r2);
		assert_int_equal(off_merkle_consistency_verify(m, n, r1, r2,
		    (const off_hash *)proof, len), 0);
	}
}

/* ---------------------------------------------------------------- */
/* Properties over every tree up to MAXN leaves */

static void
test_roots_independent(void **state)
{
	off_hash	r;
	size_t		n, i;

	(void)state;
	for (n = 0; n <= MAXN; n++) {
		level_root(leaves, n, r);
		assert_memory_equal(r, roots[n], OFF_HASH_LEN);
		/* Distinct trees, distinct heads. */
		for (i = 0; i < n; i++)
			assert_memory_not_equal(roots[i], roots[n],
			    OFF_HASH_LEN);
	}
}

static int
incl(size_t m, size_t n, const off_hash *proof, size_t len,
    const off_hash leaf, const off_hash root)
{
	return off_merkle_inclusion_verify(leaf, m, n, proof, len, root);
}

static void
test_inclusion_all(void **state)
{
	off_hash	proof[OFF_MERKLE_PROOF_MAX + 1];
	off_hash	other[OFF_MERKLE_PROOF_MAX];
	off_hash	h;
	size_t		n, m, i, len, olen, b, depth;
	struct shape	s, t;
	unsigned long	checked = 0, same_shape = 0;

	(void)state;
	for (n = 1; n <= MAXN; n++) {
		/* ceil(log2 n) hashes in the longest path. */
		for (depth = 0; ((size_t)1 << depth) < n; depth++)
			;
		for (m = 0; m < n; m++) {
			assert_int_equal(off_merkle_inclusion_proof(leaves, n,
			    m, proof, &len), 0);
			s = path_shape(m, n);
			assert_int_equal(len, s.len);
			assert_true(len <= depth);
			assert_int_equal(incl(m, n, (const off_hash *)proof,
			    len, leaves[m], roots[n]), 0);
			checked++;

			/* Any flipped bit in the leaf, the root or the path. */
			for (b = 0; b < 256; b += 37) {
				memcpy(h, leaves[m], OFF_HASH_LEN);
				flip(h, b + m);
				assert_int_equal(incl(m, n,
				    (const off_hash *)proof, len, h, roots[n]),
				    OFF_ERR_AUTH);
				memcpy(h, roots[n], OFF_HASH_LEN);
				flip(h, b + n);
				assert_int_equal(incl(m, n,
				    (const off_hash *)proof, len, leaves[m], h),
				    OFF_ERR_AUTH);
			}
			for (i = 0; i < len; i++) {
				for (b = i; b < 256; b += 101) {
					flip(proof[i], b);
					assert_int_equal(incl(m, n,
					    (const off_hash *)proof, len,
					    leaves[m], roots[n]), OFF_ERR_AUTH);
					flip(proof[i], b);
					checked++;
				}
			}

			/* Every other index of the same tree. */
			for (i = 0; i < n + 2; i++) {
				if (i == m)
					continue;
				if (i < n) {
					t = path_shape(i, n);
					assert_false(t.len == s.len &&
					    t.left == s.left);
				}
				assert_int_equal(incl(i, n,
				    (const off_hash *)proof, len, leaves[m],
				    roots[n]), OFF_ERR_AUTH);
				/* Nor some other leaf at its own index. */
				if (i < n)
					assert_int_equal(incl(i, n,
					    (const off_hash *)proof, len,
					    leaves[i], roots[n]), OFF_ERR_AUTH);
				checked += 2;
			}

			/*
			 * Every other size, against that size's real head:
			 * the path proves nothing about another tree unless
			 * it is also that tree's path.
			 */
			for (i = 0; i <= n + 2 && i <= MAXN + 2; i++) {
				if (i == n || !candidate(i, n))
					continue;
				olen = 0;
				if (m < i)
					assert_int_equal(
					    off_merkle_inclusion_proof(leaves,
					    i, m, other, &olen), 0);
				assert_int_equal(incl(m, i,
				    (const off_hash *)proof, len, leaves[m],
				    roots[i]), m < i && olen == len &&
				    memcmp(other, proof, len * OFF_HASH_LEN) ==
				    0 ? 0 : OFF_ERR_AUTH);
				/*
				 * Against this tree's head a wrong size
				 * passes only where RFC 9162's walk cannot
				 * tell the sizes apart: the same sibling
				 * sides and path length (a size-n tree and a
				 * size-i tree whose extra leaves hide under
				 * a sibling).
				 */
				t = path_shape(m, i);
				if (m < i && t.len == s.len &&
				    t.left == s.left) {
					same_shape++;
					assert_int_equal(incl(m, i,
					    (const off_hash *)proof, len,
					    leaves[m], roots[n]), 0);
				} else
					assert_int_equal(incl(m, i,
					    (const off_hash *)proof, len,
					    leaves[m], roots[n]), OFF_ERR_AUTH);
				checked += 2;
			}
			/* Sizes far off. */
			assert_int_equal(incl(m, n * 2 + 7,
			    (const off_hash *)proof, len, leaves[m], roots[n]),
			    OFF_ERR_AUTH);
			assert_int_equal(incl(m, (size_t)-1,
			    (const off_hash *)proof, len, leaves[m], roots[n]),
			    OFF_ERR_AUTH);

			/* Truncated and extended paths. */
			if (len > 0) {
				assert_int_equal(incl(m, n,
				    (const off_hash *)proof, len - 1, leaves[m],
				    roots[n]), OFF_ERR_AUTH);
				assert_int_equal(incl(m, n,
				    (const off_hash *)proof + 1, len - 1,
				    leaves[m], roots[n]), OFF_ERR_AUTH);
				assert_int_equal(incl(m, n,
				    (const off_hash *)proof, 0, leaves[m],
				    roots[n]), OFF_ERR_AUTH);
			}
			memcpy(proof[len], leaves[(m + 1) % n], OFF_HASH_LEN);
			assert_int_equal(incl(m, n, (const off_hash *)proof,
			    len + 1, leaves[m], roots[n]), OFF_ERR_AUTH);
			memcpy(proof[len], roots[n], OFF_HASH_LEN);
			assert_int_equal(incl(m, n, (const off_hash *)proof,
			    len + 1, leaves[m], roots[n]), OFF_ERR_AUTH);
			checked += 5;
		}
		/* No proof for a leaf the tree does not have. */
		assert_int_equal(off_merkle_inclusion_proof(leaves, n, n, proof,
		    &len), OFF_ERR_INVALID);
		assert_int_equal(len, 0);
	}
	assert_int_equal(off_merkle_inclusion_proof(leaves, 0, 0, proof, &len),
	    OFF_ERR_INVALID);
	print_message("inclusion: %lu verifications, %lu wrong sizes "
	    "indistinguishable from the right one by the walk\n", checked,
	    same_shape);
}

static int
cons(size_t m, size_t n, const off_hash r1, const off_hash r2,
    const off_hash *proof, size_t len)
{
	return off_merkle_consistency_verify(m, n, r1, r2, proof, len);
}

static void
test_consistency_all(void **state)
{
	off_hash	proof[OFF_MERKLE_PROOF_MAX + 2];
	off_hash	other[OFF_MERKLE_PROOF_MAX];
	off_hash	h;
	size_t		n, m, i, len, olen, b;
	unsigned long	checked = 0;

	(void)state;
	for (n = 1; n <= MAXN; n++) {
		for (m = 0; m <= n; m++) {
			assert_int_equal(off_merkle_consistency_proof(leaves, m,
			    n, proof, &len), 0);
			if (m == 0 || m == n)
				assert_int_equal(len, 0);
			else
				assert_true(len >= 1 && len <= 2 * 7);
			assert_int_equal(cons(m, n, roots[m], roots[n],
			    (const off_hash *)proof, len), 0);
			checked++;

			/* Flipped bits in either head. An empty tree is a
			 * prefix of every tree: its head is not looked at. */
			for (b = 0; b < 256; b += 41) {
				memcpy(h, roots[m], OFF_HASH_LEN);
				flip(h, b + m);
				assert_int_equal(cons(m, n, h, roots[n],
				    (const off_hash *)proof, len),
				    m == 0 ? 0 : OFF_ERR_AUTH);
				memcpy(h, roots[n], OFF_HASH_LEN);
				flip(h, b + n);
				assert_int_equal(cons(m, n, roots[m], h,
				    (const off_hash *)proof, len),
				    m == 0 ? 0 : OFF_ERR_AUTH);
				checked += 2;
			}
			/* Flipped bits in the proof. */
			for (i = 0; i < len; i++) {
				for (b = i; b < 256; b += 89) {
					flip(proof[i], b);
					assert_int_equal(cons(m, n, roots[m],
					    roots[n], (const off_hash *)proof,
					    len), OFF_ERR_AUTH);
					flip(proof[i], b);
					checked++;
				}
			}
			/* Heads swapped, or of other sizes. */
			if (m != n) {
				assert_int_equal(cons(m, n, roots[n], roots[m],
				    (const off_hash *)proof, len),
				    m == 0 ? 0 : OFF_ERR_AUTH);
				checked++;
			}

			/*
			 * Wrong sizes, with the true heads of those sizes:
			 * the proof holds only where it also is the proof
			 * for those sizes.
			 */
			for (i = 0; i <= MAXN; i++) {
				size_t	mm, nn;
				int	want, k;

				for (k = 0; k < 2; k++) {
					mm = k == 0 ? i : m;
					nn = k == 0 ? n : i;
					if ((mm == m && nn == n) ||
					    !candidate(i, k == 0 ? m : n))
						continue;
					if (mm > nn) {
						assert_int_equal(cons(mm, nn,
						    roots[mm], roots[nn],
						    (const off_hash *)proof,
						    len), OFF_ERR_AUTH);
						continue;
					}
					assert_int_equal(
					    off_merkle_consistency_proof(leaves,
					    mm, nn, other, &olen), 0);
					want = olen == len && memcmp(other,
					    proof, len * OFF_HASH_LEN) == 0 ?
					    0 : OFF_ERR_AUTH;
					assert_int_equal(cons(mm, nn, roots[mm],
					    roots[nn], (const off_hash *)proof,
					    len), want);
					checked++;
				}
			}

			/* Truncated and extended proofs. */
			if (len > 0) {
				assert_int_equal(cons(m, n, roots[m], roots[n],
				    (const off_hash *)proof, len - 1),
				    OFF_ERR_AUTH);
				assert_int_equal(cons(m, n, roots[m], roots[n],
				    (const off_hash *)proof + 1, len - 1),
				    OFF_ERR_AUTH);
				checked += 2;
			}
			memcpy(proof[len], leaves[m % n], OFF_HASH_LEN);
			assert_int_equal(cons(m, n, roots[m], roots[n],
			    (const off_hash *)proof, len + 1), OFF_ERR_AUTH);
			memcpy(proof[len], roots[n], OFF_HASH_LEN);
			assert_int_equal(cons(m, n, roots[m], roots[n],
			    (const off_hash *)proof, len + 1), OFF_ERR_AUTH);
			memcpy(proof[len], roots[m], OFF_HASH_LEN);
			memcpy(proof[len + 1], roots[n], OFF_HASH_LEN);
			assert_int_equal(cons(m, n, roots[m], roots[n],
			    (const off_hash *)proof, len + 2), OFF_ERR_AUTH);
			checked += 3;

			/* A later tree is never a prefix of an earlier one. */
			if (m < n) {
				assert_int_equal(off_merkle_consistency_proof(
				    leaves, n, m, other, &olen),
				    OFF_ERR_INVALID);
				assert_int_equal(olen, 0);
				assert_int_equal(cons(n, m, roots[n], roots[m],
				    (const off_hash *)proof, len),
				    OFF_ERR_AUTH);
				assert_int_equal(cons(n, m, roots[n], roots[m],
				    NULL, 0), OFF_ERR_AUTH);
			}
		}
	}
	print_message("consistency: %lu verifications\n", checked);
}

/* A proof from one tree does not carry over to a tree that shares no
 * prefix with it, even of the same sizes. */
static void
test_consistency_other_tree(void **state)
{
	off_hash	alt[MAXN], ar[MAXN + 1], proof[OFF_MERKLE_PROOF_MAX];
	size_t		n, m, len;

	(void)state;
	memcpy(alt, leaves, sizeof(alt));
	for (n = 2; n <= MAXN; n++) {
		/* Change the first leaf only: every head from 1 on differs. */
		alt[0][0] ^= 1;
		for (m = 0; m <= n; m++)
			off_merkle_root(alt, m, ar[m]);
		alt[0][0] ^= 1;
		for (m = 1; m < n; m++) {
			assert_int_equal(off_merkle_consistency_proof(leaves, m,
			    n, proof, &len), 0);
			assert_int_equal(cons(m, n, ar[m], roots[n],
			    (const off_hash *)proof, len), OFF_ERR_AUTH);
			assert_int_equal(cons(m, n, roots[m], ar[n],
			    (const off_hash *)proof, len), OFF_ERR_AUTH);
		}
		/* A forked history: same old head, another newest leaf. */
		memcpy(alt, leaves, sizeof(alt));
		alt[n - 1][5] ^= 0x80;
		off_merkle_root(alt, n, ar[n]);
		for (m = 1; m < n; m++) {
			assert_int_equal(off_merkle_consistency_proof(alt, m, n,
			    proof, &len), 0);
			assert_int_equal(cons(m, n, roots[m], ar[n],
			    (const off_hash *)proof, len), 0);
			assert_int_equal(cons(m, n, roots[m], roots[n],
			    (const off_hash *)proof, len), OFF_ERR_AUTH);
		}
		memcpy(alt, leaves, sizeof(alt));
	}
}

/* A tree grown a leaf at a time has every head of the whole-list
 * function, and gives the same consistency proofs from any earlier
 * size, however many leaves later. */
static void
test_accumulator(void **state)
{
	struct off_merkle_acc	 acc, olds[MAXN + 1];
	off_hash		 r, p1[OFF_MERKLE_PROOF_MAX];
	off_hash		 p2[OFF_MERKLE_PROOF_MAX];
	size_t			 n, m, l1, l2;

	(void)state;
	memset(&acc, 0, sizeof(acc));
	for (n = 0; n <= MAXN; n++) {
		if (n > 0)
			assert_int_equal(off_merkle_acc_add(&acc,
			    leaves[n - 1]), 0);
		assert_int_equal(acc.size, n);
		assert_int_equal(off_merkle_acc_root(&acc, r), 0);
		assert_memory_equal(r, roots[n], OFF_HASH_LEN);
		olds[n] = acc;
		for (m = 0; m <= n; m++) {
			assert_int_equal(off_merkle_consistency_proof(leaves,
			    m, n, p1, &l1), 0);
			assert_int_equal(off_merkle_acc_consistency_proof(
			    &olds[m], leaves, n, p2, &l2), 0);
			assert_int_equal(l1, l2);
			assert_memory_equal(p1, p2, l1 * OFF_HASH_LEN);
		}
	}
	/* Not a later tree: refused. */
	assert_int_equal(off_merkle_acc_consistency_proof(&olds[5], leaves, 4,
	    p2, &l2), OFF_ERR_INVALID);
}

/* A leaf whose hashing fails (OpenSSL out of memory) leaves the
 * accumulator as it was: the next try gives the right head. A
 * transcript whose checkpoint failed this way signed a wrong root at
 * the next one. */
static void
test_accumulator_failure(void **state)
{
	struct off_merkle_acc	 acc, before;
	off_hash		 r;
	size_t			 n;
	long			 k;
	int			 ret, failed = 0;

	(void)state;
	memset(&acc, 0, sizeof(acc));
	for (n = 1; n <= MAXN; n++) {
		for (k = 0;; k++) {
			before = acc;
			ossl_fail_in = k;
			ret = off_merkle_acc_add(&acc, leaves[n - 1]);
			ossl_fail_in = -1;
			if (ret == 0)
				break;
			failed++;
			assert_int_equal(ret, OFF_ERR_NOMEM);
			assert_memory_equal(&acc, &before, sizeof(acc));
		}
		assert_int_equal(acc.size, n);
		assert_int_equal(off_merkle_acc_root(&acc, r), 0);
		assert_memory_equal(r, roots[n], OFF_HASH_LEN);
	}
	/* The failures were there to be survived. */
	assert_true(failed >= MAXN);
}

static void
test_proof_limit(void **state)
{
	off_hash	*many, proof[OFF_MERKLE_PROOF_MAX], r;
	size_t		 n = 1000, len, i;

	(void)state;
	/* A bigger tree than the property tests, spot-checked. */
	many = calloc(n, sizeof(*many));
	assert_non_null(many);
	memset(proof, 0, sizeof(proof));
	for (i = 0; i < n; i++) {
		char	buf[16];
		int	l = snprintf(buf, sizeof(buf), "%zu", i);

		off_merkle_leaf(buf, (size_t)l, many[i]);
	}
	off_merkle_root(many, n, r);
	level_root(many, n, proof[0]);
	assert_memory_equal(r, proof[0], OFF_HASH_LEN);
	for (i = 0; i < n; i += 97) {
		assert_int_equal(off_merkle_inclusion_proof(many, n, i, proof,
		    &len), 0);
		assert_int_equal(len, 10);
		assert_int_equal(off_merkle_inclusion_verify(many[i], i, n,
		    (const off_hash *)proof, len, r), 0);
	}
	/* Proofs longer than any tree could need are refused. */
	assert_int_equal(off_merkle_inclusion_verify(many[0], 0, n,
	    (const off_hash *)proof, OFF_MERKLE_PROOF_MAX, r), OFF_ERR_AUTH);
	free(many);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaf_and_node),
		cmocka_unit_test(test_reference_roots),
		cmocka_unit_test(test_reference_inclusion),
		cmocka_unit_test(test_reference_consistency),
		cmocka_unit_test_setup(test_roots_independent, setup_leaves),
		cmocka_unit_test_setup(test_inclusion_all, setup_leaves),
		cmocka_unit_test_setup(test_consistency_all, setup_leaves),
		cmocka_unit_test_setup(test_consistency_other_tree,
		    setup_leaves),
		cmocka_unit_test_setup(test_accumulator, setup_leaves),
		cmocka_unit_test_setup(test_accumulator_failure,
		    setup_leaves),
		cmocka_unit_test(test_proof_limit),
	};

	/* Before OpenSSL allocates anything, or it is refused. */
	if (!CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free))
		return 1;
	off_platform_harden();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
