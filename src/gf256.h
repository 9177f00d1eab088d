/* HAZMAT: raw GF(2^8) arithmetic and Lagrange interpolation for Shamir
 * secret sharing. Constant time: no secret-indexed tables, no
 * secret-dependent branches. Callers outside shamir.c and the tests
 * use the safe API in shamir.h. */
#ifndef OFF_GF256_H
#define OFF_GF256_H

#include <stddef.h>
#include <stdint.h>

uint8_t	gf256_mul(uint8_t a, uint8_t b);
/* Multiplicative inverse; gf256_inv(0) is 0. */
uint8_t	gf256_inv(uint8_t a);
/* Evaluate the polynomial coef[0] + coef[1] x + ... at x. */
uint8_t	gf256_eval(const uint8_t *coef, size_t ncoef, uint8_t x);
/* Interpolate at 0 byte-wise: k points (xs[i], ys[i][0..len)) into out.
 * xs must be distinct and non-zero (checked by the caller). */
void	gf256_interpolate0(const uint8_t *xs, const uint8_t *const *ys,
	    size_t k, size_t len, uint8_t *out);

#endif
