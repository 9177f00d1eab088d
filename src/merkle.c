#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "error.h"
#include "merkle.h"
#include "secmem.h"

static void
sha256_2(uint8_t prefix, const void *a, size_t alen, const void *b,
    size_t blen, off_hash out)
{
	EVP_MD_CTX	*ctx = EVP_MD_CTX_new();

	/* Allocation failure here leaves no safe way on: stop. */
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, &prefix, 1) != 1 ||
	    (alen > 0 && EVP_DigestUpdate(ctx, a, alen) != 1) ||
	    (blen > 0 && EVP_DigestUpdate(ctx, b, blen) != 1) ||
	    EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		abort();
	EVP_MD_CTX_free(ctx);
}

void
off_merkle_leaf(const void *data, size_t len, off_hash out)
{
	sha256_2(0x00, data, len, NULL, 0, out);
}

void
off_merkle_node(const off_hash left, const off_hash right, off_hash out)
{
	sha256_2(0x01, left, OFF_HASH_LEN, right, OFF_HASH_LEN, out);
}

/* The largest power of two smaller than n (n >= 2). */
static size_t
split(size_t n)
{
	size_t	k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

void
off_merkle_root(const off_hash *leaves, size_t n, off_hash out)
{
	off_hash	l, r;
	size_t		k;

	if (n == 0) {
		if (EVP_Digest("", 0, out, NULL, EVP_sha256(), NULL) != 1)
			abort();
		return;
	}
	if (n == 1) {
		memcpy(out, leaves[0], OFF_HASH_LEN);
		return;
	}
	k = split(n);
	off_merkle_root(leaves, k, l);
	off_merkle_root(leaves + k, n - k, r);
	off_merkle_node(l, r, out);
}

static int
push(off_hash *proof, size_t *len, const off_hash h)
{
	if (*len >= OFF_MERKLE_PROOF_MAX)
		return OFF_ERR_TOO_LARGE;
	memcpy(proof[(*len)++], h, OFF_HASH_LEN);
	return 0;
}

/* PATH(m, D[n]) of RFC 6962 section 2.1.1. */
static int
path(const off_hash *leaves, size_t n, size_t m, off_hash *proof,
    size_t *len)
{
	off_hash	h;
	size_t		k;
	int		ret;

	if (n <= 1)
		return 0;
	k = split(n);
	if (m < k) {
		if ((ret = path(leaves, k, m, proof, len)) != 0)
			return ret;
		off_merkle_root(leaves + k, n - k, h);
	} else {
		if ((ret = path(leaves + k, n - k, m - k, proof, len)) != 0)
			return ret;
		off_merkle_root(leaves, k, h);
	}
	return push(proof, len, h);
}

int
off_merkle_inclusion_proof(const off_hash *leaves, size_t n, size_t m,
    off_hash *proof, size_t *len)
{
	*len = 0;
	if (m >= n)
		return OFF_ERR_INVALID;
	return path(leaves, n, m, proof, len);
}

int
off_merkle_inclusion_verify(const off_hash leaf, size_t m, size_t n,
    const off_hash *proof, size_t len, const off_hash root)
{
	off_hash	r;
	size_t		fn, sn, i;

	/* RFC 9162 section 2.1.3.2. */
	if (m >= n)
		return OFF_ERR_AUTH;
	fn = m;
	sn = n - 1;
	memcpy(r, leaf, OFF_HASH_LEN);
	for (i = 0; i < len; i++) {
		if (sn == 0)
			return OFF_ERR_AUTH;
		if ((fn & 1) || fn == sn) {
			off_merkle_node(proof[i], r, r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else
			off_merkle_node(r, proof[i], r);
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(r, root, OFF_HASH_LEN) == 0 ? 0 :
	    OFF_ERR_AUTH;
}

/* SUBPROOF(m, D[n], b) of RFC 6962 section 2.1.2. */
static int
subproof(const off_hash *leaves, size_t m, size_t n, int b, off_hash *proof,
    size_t *len)
{
	off_hash	h;
	size_t		k;
	int		ret;

	if (m == n) {
		if (b)
			return 0;
		off_merkle_root(leaves, n, h);
		return push(proof, len, h);
	}
	k = split(n);
	if (m <= k) {
		if ((ret = subproof(leaves, m, k, b, proof, len)) != 0)
			return ret;
		off_merkle_root(leaves + k, n - k, h);
	} else {
		if ((ret = subproof(leaves + k, m - k, n - k, 0, proof,
		    len)) != 0)
			return ret;
		off_merkle_root(leaves, k, h);
	}
	return push(proof, len, h);
}

int
off_merkle_consistency_proof(const off_hash *leaves, size_t m, size_t n,
    off_hash *proof, size_t *len)
{
	*len = 0;
	if (m > n)
		return OFF_ERR_INVALID;
	if (m == 0 || m == n)
		return 0;
	return subproof(leaves, m, n, 1, proof, len);
}

int
off_merkle_consistency_verify(size_t m, size_t n, const off_hash root_m,
    const off_hash root_n, const off_hash *proof, size_t len)
{
	off_hash	fr, sr;
	const uint8_t	*first;
	size_t		fn, sn, i = 0;

	/* RFC 9162 section 2.1.4.2. */
	if (m > n)
		return OFF_ERR_AUTH;
	if (m == n)
		return len == 0 && memcmp(root_m, root_n, OFF_HASH_LEN) == 0 ?
		    0 : OFF_ERR_AUTH;
	if (m == 0)
		return len == 0 ? 0 : OFF_ERR_AUTH;
	if (len == 0)
		return OFF_ERR_AUTH;
	/* A power of two: the old root is the first node of the path. */
	if ((m & (m - 1)) == 0)
		first = root_m;
	else
		first = proof[i++];
	fn = m - 1;
	sn = n - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	memcpy(fr, first, OFF_HASH_LEN);
	memcpy(sr, first, OFF_HASH_LEN);
	for (; i < len; i++) {
		if (sn == 0)
			return OFF_ERR_AUTH;
		if ((fn & 1) || fn == sn) {
			off_merkle_node(proof[i], fr, fr);
			off_merkle_node(proof[i], sr, sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else
			off_merkle_node(sr, proof[i], sr);
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(fr, root_m, OFF_HASH_LEN) == 0 &&
	    memcmp(sr, root_n, OFF_HASH_LEN) == 0 ? 0 : OFF_ERR_AUTH;
}
