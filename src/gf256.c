#include "config.h"

#include "gf256.h"

/* Shift-and-add multiplication modulo x^8+x^4+x^3+x+1 (0x11b), with
 * masks in place of branches. */
uint8_t
gf256_mul(uint8_t a, uint8_t b)
{
	uint8_t	r = 0, mask;
	int	i;

	for (i = 0; i < 8; i++) {
		mask = (uint8_t)-(b & 1);
		r ^= (uint8_t)(a & mask);
		mask = (uint8_t)-(a >> 7);
		a = (uint8_t)((a << 1) ^ (0x1b & mask));
		b >>= 1;
	}
	return r;
}

/* a^254 = a^-1 by a fixed square-and-multiply chain. */
uint8_t
gf256_inv(uint8_t a)
{
	uint8_t	r = a, sq = a;
	int	i;

	/* 254 = 0b11111110: r = a^2 * a^4 * ... * a^128 */
	sq = gf256_mul(sq, sq);		/* a^2 */
	r = sq;
	for (i = 0; i < 6; i++) {
		sq = gf256_mul(sq, sq);	/* a^4 ... a^128 */
		r = gf256_mul(r, sq);
	}
	return r;
}

uint8_t
gf256_eval(const uint8_t *coef, size_t ncoef, uint8_t x)
{
	uint8_t	r = 0;
	size_t	i;

	/* Horner, highest coefficient first. */
	for (i = ncoef; i > 0; i--)
		r = (uint8_t)(gf256_mul(r, x) ^ coef[i - 1]);
	return r;
}

void
gf256_interpolate0(const uint8_t *xs, const uint8_t *const *ys, size_t k,
    size_t len, uint8_t *out)
{
	uint8_t	basis, num, den;
	size_t	i, j, b;

	for (b = 0; b < len; b++)
		out[b] = 0;
	for (i = 0; i < k; i++) {
		/* l_i(0) = prod_{j != i} x_j / (x_j - x_i); minus is xor. */
		num = 1;
		den = 1;
		for (j = 0; j < k; j++) {
			if (j == i)
				continue;
			num = gf256_mul(num, xs[j]);
			den = gf256_mul(den, (uint8_t)(xs[j] ^ xs[i]));
		}
		basis = gf256_mul(num, gf256_inv(den));
		for (b = 0; b < len; b++)
			out[b] ^= gf256_mul(ys[i][b], basis);
	}
}
