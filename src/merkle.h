/* RFC 6962 / RFC 9162 Merkle trees over SHA-256: tree heads, inclusion
 * and consistency proofs. The transcript's entries are the leaves. */
#ifndef OFF_MERKLE_H
#define OFF_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define OFF_HASH_LEN		32
#define OFF_MERKLE_PROOF_MAX	128	/* hashes in any proof */

typedef uint8_t off_hash[OFF_HASH_LEN];

/* Each hash needs memory: these return 0, or OFF_ERR_NOMEM, which the
 * proofs and their checks return too (a failed check is OFF_ERR_AUTH). */
/* SHA-256(0x00 || data). */
int	off_merkle_leaf(const void *data, size_t len, off_hash out);
/* SHA-256(0x01 || left || right). */
int	off_merkle_node(const off_hash left, const off_hash right,
	    off_hash out);
/* The tree head of the first n leaf hashes; SHA-256("") when n = 0. */
int	off_merkle_root(const off_hash *leaves, size_t n, off_hash out);

/* A tree grown a leaf at a time, kept as its perfect subtrees, largest
 * first: a leaf costs one node hash on average and the tree head
 * log2 n, so a head at every checkpoint stays linear in all. Zeroed, it
 * is the tree of no leaves; after a failure it is spoiled. */
struct off_merkle_acc {
	off_hash	sub[64];
	size_t		nsub;
	uint64_t	size;
};
int	off_merkle_acc_add(struct off_merkle_acc *a, const off_hash leaf);
/* The same head as off_merkle_root over the leaves added. */
int	off_merkle_acc_root(const struct off_merkle_acc *a, off_hash out);
/* off_merkle_consistency_proof from the tree old, of m leaves, to the
 * tree of the first n leaves (old's are the first m): what lies in the
 * old tree comes from old, so the cost is that of the n - m new leaves. */
int	off_merkle_acc_consistency_proof(const struct off_merkle_acc *old,
	    const off_hash *leaves, size_t n, off_hash *proof, size_t *len);

/* Audit path for leaf m of a tree of size n. */
int	off_merkle_inclusion_proof(const off_hash *leaves, size_t n, size_t m,
	    off_hash *proof, size_t *len);
/* 0 when leaf is leaf m of the tree of size n with this root. */
int	off_merkle_inclusion_verify(const off_hash leaf, size_t m, size_t n,
	    const off_hash *proof, size_t len, const off_hash root);
/* Proof that the tree of size m is a prefix of the tree of size n. */
int	off_merkle_consistency_proof(const off_hash *leaves, size_t m,
	    size_t n, off_hash *proof, size_t *len);
int	off_merkle_consistency_verify(size_t m, size_t n,
	    const off_hash root_m, const off_hash root_n,
	    const off_hash *proof, size_t len);

#endif
