/* Shamir secret sharing of a 32-byte secret over GF(2^8), safe API:
 * shares are authenticated by a per-share tag and the combined secret
 * is checked against a commitment, both bound to a context (the world
 * identity). Shares and secrets live in locked memory. */
#ifndef OFF_SHAMIR_H
#define OFF_SHAMIR_H

#include <stddef.h>
#include <stdint.h>

struct off_err;

#define OFF_SECRET_LEN		32
#define OFF_SHARE_TAG_LEN	32
#define OFF_COMMIT_LEN		32
#define OFF_SHAMIR_MAX		255

struct off_share {
	uint8_t	x;			/* 1..255, the card index */
	uint8_t	y[OFF_SECRET_LEN];
};

/* Split secret into n shares (x = 1..n) of which any k reconstruct it.
 * shares must hold n entries (locked memory). 1 <= k <= n <= 255. */
int	off_shamir_split(const uint8_t secret[OFF_SECRET_LEN], unsigned k,
	    unsigned n, struct off_share *shares, struct off_err *err);
/* Tag identifying one share of one context. */
int	off_shamir_share_tag(const uint8_t *ctx, size_t ctxlen,
	    const struct off_share *s, uint8_t tag[OFF_SHARE_TAG_LEN]);
/* 0 when s matches tag, OFF_ERR_AUTH otherwise. */
int	off_shamir_share_check(const uint8_t *ctx, size_t ctxlen,
	    const struct off_share *s, const uint8_t tag[OFF_SHARE_TAG_LEN]);
/* Keyed commitment to the secret. */
int	off_shamir_commit(const uint8_t *ctx, size_t ctxlen,
	    const uint8_t secret[OFF_SECRET_LEN],
	    uint8_t commit[OFF_COMMIT_LEN]);
/* Combine k shares (distinct, non-zero x) into secret (locked memory)
 * and check it against commit; OFF_ERR_COMMITMENT when it does not
 * match, OFF_ERR_DUPLICATE for a repeated x. */
int	off_shamir_combine(const struct off_share *const *shares, size_t k,
	    const uint8_t *ctx, size_t ctxlen,
	    const uint8_t commit[OFF_COMMIT_LEN],
	    uint8_t secret[OFF_SECRET_LEN], struct off_err *err);

#endif
