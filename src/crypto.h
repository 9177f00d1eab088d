/* Symmetric building blocks shared by cards, worlds and modules:
 * AES-256-GCM sealing, HKDF-SHA-256, scrypt, randomness. */
#ifndef OFF_CRYPTO_H
#define OFF_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

struct off_err;

#define OFF_KEY_LEN	32
#define OFF_NONCE_LEN	12
#define OFF_TAG_LEN	16
#define OFF_SALT_LEN	16

/* A sealed blob: ciphertext of the same length as the plaintext. */
struct off_sealed {
	uint8_t	 nonce[OFF_NONCE_LEN];
	uint8_t	 tag[OFF_TAG_LEN];
	uint8_t	*ct;
	size_t	 len;
};

/* AES-256-GCM with a fresh random nonce; sealed->ct is malloc'd. */
int	off_seal(const uint8_t key[OFF_KEY_LEN], const void *aad,
	    size_t aadlen, const void *pt, size_t len,
	    struct off_sealed *sealed, struct off_err *err);
/* Open into pt (sealed->len bytes, caller's locked memory);
 * OFF_ERR_AUTH when the key is wrong or anything was changed. */
int	off_open(const uint8_t key[OFF_KEY_LEN], const void *aad,
	    size_t aadlen, const struct off_sealed *sealed, void *pt,
	    struct off_err *err);
void	off_sealed_free(struct off_sealed *sealed);

/* HKDF-SHA-256 (extract with the salt "officiant", expand with the
 * label as info) of ikm into out. */
int	off_hkdf(const uint8_t *ikm, size_t ikmlen, const char *label,
	    uint8_t *out, size_t outlen, struct off_err *err);

/* scrypt parameters as stored on a card. */
struct off_scrypt {
	unsigned	log2_n, r, p;
	uint8_t		salt[OFF_SALT_LEN];
};
#define OFF_SCRYPT_LOG2N_DEFAULT	15
#define OFF_SCRYPT_LOG2N_MIN		10
#define OFF_SCRYPT_LOG2N_MAX		20
#define OFF_SCRYPT_MAXMEM		(1100ULL * 1024 * 1024)

/* 0 when the parameters are within the accepted bounds. */
int	off_scrypt_check(const struct off_scrypt *s);
int	off_scrypt(const struct off_scrypt *s, const char *pin, size_t pinlen,
	    uint8_t key[OFF_KEY_LEN], struct off_err *err);

int	off_random(void *buf, size_t n, struct off_err *err);

#endif
