#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "error.h"
#include "merkle.h"
#include "secmem.h"

/* OpenSSL allocates a context for each hash: that can fail, and the
 * failure goes back to the caller (OFF_ERR_NOMEM). */
static int
sha256_2(uint8_t prefix, const void *a, size_t alen, const void *b,
    size_t blen, off_hash out)
{
	EVP_MD_CTX	*ctx = EVP_MD_CTX_new();
	int		 ret = 0;

	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, &prefix, 1) != 1 ||
	    (alen > 0 && EVP_DigestUpdate(ctx, a, alen) != 1) ||
	    (blen > 0 && EVP_DigestUpdate(ctx, b, blen) != 1) ||
	    EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		ret = OFF_ERR_NOMEM;
	EVP_MD_CTX_free(ctx);
	return ret;
}

int
off_merkle_leaf(const void *data, size_t len, off_hash out)
{
	return sha256_2(0x00, data, len, NULL, 0, out);
}

int
off_merkle_node(const off_hash left, const off_hash right, off_hash out)
{
	return sha256_2(0x01, left, OFF_HASH_LEN, right, OFF_HASH_LEN, out);
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

int
off_merkle_root(const off_hash *leaves, size_t n, off_hash out)
{
	off_hash	l, r;
	size_t		k;
	int		ret;

	if (n == 0)
		return EVP_Digest("", 0, out, NULL, EVP_sha256(), NULL) == 1 ?
		    0 : OFF_ERR_NOMEM;
	if (n == 1) {
		memcpy(out, leaves[0], OFF_HASH_LEN);
		return 0;
	}
	k = split(n);
	if ((ret = off_merkle_root(leaves, k, l)) != 0 ||
	    (ret = off_merkle_root(leaves + k, n - k, r)) != 0)
		return ret;
	return off_merkle_node(l, r, out);
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
		if ((ret = path(leaves, k, m, proof, len)) != 0 ||
		    (ret = off_merkle_root(leaves + k, n - k, h)) != 0)
			return ret;
	} else {
		if ((ret = path(leaves + k, n - k, m - k, proof, len)) != 0 ||
		    (ret = off_merkle_root(leaves, k, h)) != 0)
			return ret;
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
	int		ret;

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
			if ((ret = off_merkle_node(proof[i], r, r)) != 0)
				return ret;
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else if ((ret = off_merkle_node(r, proof[i], r)) != 0)
			return ret;
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(r, root, OFF_HASH_LEN) == 0 ? 0 :
	    OFF_ERR_AUTH;
}

/* The head of leaves off..off+n of the old tree: from the leaves, or,
 * given old, the one of its subtrees that is exactly that range. */
static int
old_head(const off_hash *leaves, size_t off, size_t n,
    const struct off_merkle_acc *old, off_hash out)
{
	uint64_t	pos = 0, bit;
	size_t		i = 0;

	if (old == NULL)
		return off_merkle_root(leaves + off, n, out);
	/* Its subtrees, largest first, one for each bit of its size. */
	for (bit = (uint64_t)1 << 63; bit != 0 && i < old->nsub; bit >>= 1) {
		if ((old->size & bit) == 0)
			continue;
		if (pos == off) {
			if (bit != n)
				break;
			memcpy(out, old->sub[i], OFF_HASH_LEN);
			return 0;
		}
		pos += bit;
		i++;
	}
	return OFF_ERR_INVALID;
}

/* SUBPROOF(m, D[n], b) of RFC 6962 section 2.1.2 over the leaves from
 * off on. Every range of the old tree it hashes is one of the old
 * tree's subtrees, which old (when given) has already. */
static int
subproof(const off_hash *leaves, size_t off, size_t m, size_t n, int b,
    const struct off_merkle_acc *old, off_hash *proof, size_t *len)
{
	off_hash	h;
	size_t		k;
	int		ret;

	if (m == n) {
		if (b)
			return 0;
		if ((ret = old_head(leaves, off, n, old, h)) != 0)
			return ret;
		return push(proof, len, h);
	}
	k = split(n);
	if (m <= k) {
		if ((ret = subproof(leaves, off, m, k, b, old, proof,
		    len)) != 0 ||
		    (ret = off_merkle_root(leaves + off + k, n - k, h)) != 0)
			return ret;
	} else {
		if ((ret = subproof(leaves, off + k, m - k, n - k, 0, old,
		    proof, len)) != 0 ||
		    (ret = old_head(leaves, off, k, old, h)) != 0)
			return ret;
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
	return subproof(leaves, 0, m, n, 1, NULL, proof, len);
}

int
off_merkle_acc_add(struct off_merkle_acc *a, const off_hash leaf)
{
	off_hash	h;
	uint64_t	s;
	size_t		n = a->nsub;
	int		ret;

	memcpy(h, leaf, OFF_HASH_LEN);
	/* Each low 1 bit of the size is a subtree the new leaf completes.
	 * Nothing changes until every hash is made: a failed one (OpenSSL
	 * out of memory) leaves the accumulator as it was. */
	for (s = a->size; s & 1; s >>= 1)
		if ((ret = off_merkle_node(a->sub[--n], h, h)) != 0)
			return ret;
	memcpy(a->sub[n], h, OFF_HASH_LEN);
	a->nsub = n + 1;
	a->size++;
	return 0;
}

int
off_merkle_acc_root(const struct off_merkle_acc *a, off_hash out)
{
	off_hash	h;
	size_t		i;
	int		ret;

	if (a->nsub == 0)
		return off_merkle_root(NULL, 0, out);
	memcpy(h, a->sub[a->nsub - 1], OFF_HASH_LEN);
	for (i = a->nsub - 1; i-- > 0;)
		if ((ret = off_merkle_node(a->sub[i], h, h)) != 0)
			return ret;
	memcpy(out, h, OFF_HASH_LEN);
	return 0;
}

int
off_merkle_acc_consistency_proof(const struct off_merkle_acc *old,
    const off_hash *leaves, size_t n, off_hash *proof, size_t *len)
{
	*len = 0;
	if (old->size > n)
		return OFF_ERR_INVALID;
	if (old->size == 0 || old->size == n)
		return 0;
	return subproof(leaves, 0, (size_t)old->size, n, 1, old, proof, len);
}

int
off_merkle_consistency_verify(size_t m, size_t n, const off_hash root_m,
    const off_hash root_n, const off_hash *proof, size_t len)
{
	off_hash	fr, sr;
	const uint8_t	*first;
	size_t		fn, sn, i = 0;
	int		ret;

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
			if ((ret = off_merkle_node(proof[i], fr, fr)) != 0 ||
			    (ret = off_merkle_node(proof[i], sr, sr)) != 0)
				return ret;
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else if ((ret = off_merkle_node(sr, proof[i], sr)) != 0)
			return ret;
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(fr, root_m, OFF_HASH_LEN) == 0 &&
	    memcmp(sr, root_n, OFF_HASH_LEN) == 0 ? 0 : OFF_ERR_AUTH;
}
