/* Transfer packages for cloud key services: the key material wrapped
 * under the cloud's Key Exchange Key (KEK) in the CKM_RSA_AES_KEY_WRAP
 * layout, RSA-OAEP(KEK, AES-256 key) || AES-KWP(AES key, material), in
 * the file each cloud imports. Only a key whose ACL allows export
 * wrapped under that KEK can be packaged. See officiant-package(5). */
#ifndef OFF_PACKAGE_H
#define OFF_PACKAGE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "module.h"

struct off_err;
struct off_frontend;
struct off_key;
struct off_world;

struct off_package_params {
	const char	*format;	/* azure-byok, aws-kms, gcp-kms */
	const char	*algorithm;	/* NULL: the format's default */
	const char	*kid;		/* azure-byok: the KEK's key id */
	const char	*generator;	/* azure-byok: who made it */
	/* Asks for the token's PIN when the key is on a PKCS#11 token
	 * (may be NULL otherwise). */
	const struct off_frontend *fe;
};

struct off_package {
	uint8_t		*data;		/* the file's bytes */
	size_t		 len;
	uint8_t		 sha256[32];	/* of data */
	uint8_t		 kek_fp[32];	/* SHA-256 of the KEK's SPKI */
	const char	*algorithm;	/* the one used */
	/* A key on a PKCS#11 token: the token, and the mechanisms that
	 * wrapped the key there (for the transcript); else all empty. */
	struct off_module_token token;
	char		 mechanisms[160];
};

/* A KEK's public key from PEM or DER (SubjectPublicKeyInfo or a
 * certificate) or a JWK ({"kty": "RSA", "n", "e"}). */
EVP_PKEY *off_kek_load(const char *path, struct off_err *err);

/* Refuse impossible parameters before anything is done or recorded;
 * key_type (may be NULL) is "rsa", "ec" or "aes". */
int	off_package_check(const struct off_package_params *p, EVP_PKEY *kek,
	    const char *key_type, struct off_err *err);
/* 0 when kek is an RSA 2048/3072/4096 public key fit to wrap under. */
int	off_kek_check(EVP_PKEY *kek, struct off_err *err);
/* The destinations a reduced copy may name: azure, aws, gcp. */
int	off_package_target_ok(const char *target);

int	off_package_create(const char *kmdata, const struct off_world *w,
	    const struct off_key *key, EVP_PKEY *kek,
	    const struct off_package_params *p, struct off_package *out,
	    struct off_err *err);
void	off_package_free(struct off_package *pkg);
/* The file name a format's package gets by default, for a name. */
void	off_package_default_name(const char *format, const char *name,
	    char *buf, size_t len);

/* What 'package inspect' shows of a transfer package, read from the
 * untrusted file without decrypting anything. The strings are cut to
 * OFF_PACKAGE_FIELD_MAX - 1 bytes with control characters replaced by
 * '?' (they could fake lines of output), "?" when absent. */
#define OFF_PACKAGE_FIELD_MAX	256

struct off_package_layout {
	unsigned	 kek_bits;	/* 2048, 3072 or 4096 */
	size_t		 wrapped;	/* 0: RSA-OAEP alone, else the bytes
					 * wrapped with AES-KWP */
};

struct off_package_info {
	int		 azure;		/* azure-byok JSON; else raw */
	char		 schema[OFF_PACKAGE_FIELD_MAX];
	char		 kid[OFF_PACKAGE_FIELD_MAX];
	char		 alg[OFF_PACKAGE_FIELD_MAX];
	char		 enc[OFF_PACKAGE_FIELD_MAX];
	char		 generator[OFF_PACKAGE_FIELD_MAX];
	size_t		 ciphertext;	/* azure: about this many bytes */
	struct off_package_layout layouts[3];	/* raw: the KEKs it fits */
	size_t		 nlayouts;
	size_t		 len;
	uint8_t		 sha256[32];	/* of the whole file */
};

/* Describe the len bytes of a package file (azure-byok, or raw for
 * aws-kms and gcp-kms); OFF_ERR_FORMAT when they are no package. */
int	off_package_describe(const uint8_t *data, size_t len,
	    struct off_package_info *out, struct off_err *err);

/* RSA-AES-KEY-WRAP of material under kek with OAEP digest md
 * ("SHA1" or "SHA256"); the AES key is fresh and wiped. */
int	off_rsa_aes_wrap(EVP_PKEY *kek, const char *md, const uint8_t *material,
	    size_t len, uint8_t **out, size_t *outlen, struct off_err *err);
/* RFC 5649 AES key wrap with padding. */
int	off_aes_kwp(const uint8_t *key, size_t keylen, const uint8_t *in,
	    size_t len, uint8_t *out, size_t *outlen, struct off_err *err);

#endif
