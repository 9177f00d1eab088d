/* Strict text encodings of binary data (hex, base64) and the
 * length-prefixed byte strings that everything signed is built from. */
#ifndef OFF_ENCODE_H
#define OFF_ENCODE_H

#include <stddef.h>
#include <stdint.h>

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void	off_hex(const uint8_t *in, size_t n, char *out);
/* Decode exactly n bytes of hex (either case); 0 on success. */
int	off_unhex(const char *in, uint8_t *out, size_t n);
/* A fingerprint as people copy it: hex digits in pairs, either case,
 * optionally separated by spaces or colons ("59178a47 de508c3f ...",
 * "AB:CD:..."). At most max bytes; 0 on success. */
int	off_unhex_fp(const char *in, uint8_t *out, size_t max, size_t *outlen);
/* Base64 (RFC 4648, padded) of n bytes into out, which holds
 * OFF_B64_LEN(n) bytes. */
#define OFF_B64_LEN(n)	(((n) + 2) / 3 * 4 + 1)
void	off_b64(const uint8_t *in, size_t n, char *out);
/* Strict base64 decode into out (max bytes); sets *outlen. Rejects
 * characters outside the alphabet, bad padding and non-zero pad bits. */
int	off_unb64(const char *in, uint8_t *out, size_t max, size_t *outlen);

/* A growable byte string for data to be signed or authenticated.
 * Each field is a 4-byte big-endian length followed by its bytes, so no
 * two different field lists produce the same string. */
struct off_tbs {
	uint8_t	*p;
	size_t	 len, cap;
	int	 failed;
};

void	off_tbs_init(struct off_tbs *t, const char *domain);
void	off_tbs_bytes(struct off_tbs *t, const void *p, size_t n);
void	off_tbs_str(struct off_tbs *t, const char *s);
void	off_tbs_u32(struct off_tbs *t, uint32_t v);
/* 0, or OFF_ERR_NOMEM when any append failed. */
int	off_tbs_ok(const struct off_tbs *t);
void	off_tbs_free(struct off_tbs *t);

/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ". */
void	off_utc_now(char out[21]);
/* 0 when s is such a timestamp. */
int	off_utc_valid(const char *s);

#endif
