/* Cipher suites of a security world: the signature algorithm of the
 * world key. Sealing is AES-256-GCM and the PIN KDF scrypt in all. */
#ifndef OFF_SUITE_H
#define OFF_SUITE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

struct off_err;
struct off_suite;

#define OFF_SUITE_DEFAULT	"ed25519-aes256gcm-scrypt"
#define OFF_SIG_MAX		256

const struct off_suite	*off_suite_find(const char *name);
const char		*off_suite_name(const struct off_suite *s);
const char		*off_suite_describe(const struct off_suite *s);
/* The i-th known suite, or NULL past the end. */
const struct off_suite	*off_suite_at(size_t i);

int	off_suite_keygen(const struct off_suite *s, EVP_PKEY **key,
	    struct off_err *err);
/* 0 when key is of the suite's algorithm. */
int	off_suite_check_key(const struct off_suite *s, EVP_PKEY *key);
int	off_suite_sign(const struct off_suite *s, EVP_PKEY *key,
	    const uint8_t *msg, size_t len, uint8_t *sig, size_t *siglen,
	    struct off_err *err);
/* 0 when sig is valid, OFF_ERR_AUTH when not. */
int	off_suite_verify(const struct off_suite *s, EVP_PKEY *key,
	    const uint8_t *msg, size_t len, const uint8_t *sig, size_t siglen);

#endif
