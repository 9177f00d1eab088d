/* Module-protected keys: the tokenized key file key_<app>_<ident> in
 * KMDATA holds the private material sealed under the module key, the
 * public part, and an ACL signed either by the module (as issued at
 * birth) or by the world key (changed with a quorum of cards). The
 * format is in officiant-key(5). */
#ifndef OFF_KEY_H
#define OFF_KEY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

struct off_err;
struct off_frontend;
struct off_key;
struct off_module;
struct off_slot;
struct off_world;

#define OFF_KEY_IDENT_MAX	64
#define OFF_KEY_APP_MAX		16
#define OFF_KEY_NAME_MAX	128

/* ACL permission groups. */
#define OFF_ACL_SIGN		0x01
#define OFF_ACL_DECRYPT		0x02
#define OFF_ACL_EXPORT_WRAPPED	0x04	/* only under acl->kek */
#define OFF_ACL_EXPORT_PLAIN	0x08
#define OFF_ACL_RECOVER		0x10
#define OFF_ACL_CHANGE		0x20

struct off_acl {
	unsigned	groups;
	uint8_t		kek[32];	/* SHA-256 of the KEK's public key */
	char		target[65];	/* destination, "" for any */
};

struct off_key_params {
	const char	*app;		/* "simple" */
	const char	*ident;
	const char	*plainname;	/* NULL: ident */
	const char	*type;		/* "rsa", "ec", "aes" */
	unsigned	 size;		/* bits; 0: the type's default */
	const char	*curve;		/* ec: p256, p384, p521, secp256k1 */
	unsigned long	 pubexp;	/* rsa: 0 for 65537 */
	int		 allow_legacy;	/* RSA 1024 */
	int		 exportable;	/* ACL allows plain export */
};

/* 0 when s is an ident: 1-64 of [a-z0-9-]. */
int	off_key_ident_ok(const char *s);

/* Refuse impossible parameters before anything is done or recorded. */
int	off_key_params_check(const struct off_key_params *p,
	    struct off_err *err);
/* Generate a key in the world's module and write its key file. */
int	off_key_generate(const char *kmdata, const struct off_world *w,
	    const struct off_key_params *p, const struct off_frontend *fe,
	    struct off_key **key, struct off_err *err);
/* Load key_<app>_<ident> and verify its ACL against the world. */
int	off_key_load(const char *kmdata, const struct off_world *w,
	    const char *app, const char *ident, struct off_key **key,
	    struct off_err *err);
/* Load a key file at path (checked against w). */
int	off_key_load_file(const char *path, const struct off_world *w,
	    struct off_key **key, struct off_err *err);
void	off_key_free(struct off_key **key);

/* Import an existing RSA or EC private key (PKCS#8, encrypted or not,
 * PKCS#12 or PEM) from the file from; its password is asked through
 * fe. The source file is left as it is. */
int	off_key_import(const char *kmdata, const struct off_world *w,
	    const struct off_key_params *p, const char *from,
	    const struct off_frontend *fe, struct off_key **key,
	    struct off_err *err);
/* Copy the key file, still sealed, and the world file into dir. */
int	off_key_backup(const char *kmdata, const struct off_world *w,
	    const struct off_key *key, const char *dir, struct off_err *err);
/* Bring key_<app>_<ident> from a backup dir into kmdata, whose world
 * (restored with a quorum) must be the key's; the ACL must allow it. */
int	off_key_recover(const char *kmdata, const struct off_world *w,
	    const char *dir, const char *app, const char *ident,
	    struct off_key **key, struct off_err *err);
/* A new version of the key under the same name; the old one becomes
 * key_<app>_<ident>-v<N>, usable for decrypt only. */
int	off_key_rekey(const char *kmdata, const struct off_world *w,
	    const struct off_key *old, const struct off_frontend *fe,
	    struct off_key **key, struct off_err *err);
/* A copy that may only be exported wrapped under kek (to target),
 * authorised by a quorum of the world's cards: key_xferacld_<ident>. */
int	off_key_reduce_acl(const char *kmdata, const struct off_world *w,
	    const struct off_key *key, EVP_PKEY *kek, const char *target,
	    struct off_slot *slot, const struct off_frontend *fe,
	    struct off_key **out, struct off_err *err);
/* World-to-world transfer: a copy of key, re-protected in the world
 * to (its KMDATA to_kmdata), authorised by a quorum of w's cards
 * (whose world key signs the statement) and then of to's cards (whose
 * world key signs the new ACL). The ACL must allow recovery; the copy
 * loses recover, change-acl and export-plain. */
struct off_key_transfer {
	struct off_key	*key;		/* the copy written in to_kmdata */
	uint8_t		*statement;	/* what the source world signed */
	size_t		 statement_len;
	uint8_t		 sig[256];
	size_t		 siglen;
};
int	off_key_transfer(const char *kmdata, const struct off_world *w,
	    const struct off_key *key, const char *to_kmdata,
	    const struct off_world *to, struct off_slot *slot,
	    struct off_slot *to_slot, const struct off_frontend *fe,
	    struct off_key_transfer *out, struct off_err *err);
void	off_key_transfer_free(struct off_key_transfer *x);
/* Write the private key as PKCS#8 PEM to path, if the ACL allows. */
int	off_key_export_plain(const char *kmdata, const struct off_world *w,
	    const struct off_key *key, const char *path, struct off_err *err);
/* The key material from its seal, in locked memory (free it with
 * off_secfree): PKCS#8 DER for rsa/ec, the raw bytes for aes. Callers
 * check the ACL first. */
int	off_key_material(const char *kmdata, const struct off_world *w,
	    const struct off_key *key, uint8_t **material, size_t *len,
	    struct off_err *err);
/* The key's type: "rsa", "ec" or "aes", and its size in bits. */
const char *off_key_type(const struct off_key *key);
unsigned off_key_bits(const struct off_key *key);
/* The CKA_ID (OFF_TOKEN_ID_LEN bytes) of a key kept on a PKCS#11
 * token, NULL for a key sealed in its file. */
const uint8_t *off_key_token_id(const struct off_key *key);
/* The module of the world that holds the key, loaded from kmdata. */
int	off_key_open_module(const char *kmdata, const struct off_world *w,
	    const struct off_key *key, struct off_module **m,
	    struct off_err *err);
/* The private key (EVP_PKEY for rsa/ec) from its seal. */
int	off_key_private(const char *kmdata, const struct off_world *w,
	    const struct off_key *key, EVP_PKEY **pkey, struct off_err *err);

/* SHA-256 of a public key's DER SubjectPublicKeyInfo. */
int	off_key_fingerprint(EVP_PKEY *pub, uint8_t fp[32],
	    struct off_err *err);
/* Describe the key (JSON, malloc'd) for key inspect. */
int	off_key_info_json(const struct off_key *key, char **out,
	    struct off_err *err);
const struct off_acl *off_key_acl(const struct off_key *key);
const char	*off_key_app(const struct off_key *key);
const char	*off_key_ident(const struct off_key *key);
const char	*off_key_file_name(const struct off_key *key);
/* The ACL in words ("sign, decrypt, recover, change ACL"). */
void	off_acl_words(const struct off_acl *acl, char *out, size_t len);

#endif
