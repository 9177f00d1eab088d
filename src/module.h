/* Modules: where keys are used. Each backend sits behind struct
 * off_module_ops. Every module keeps an AES-256 module key in
 * KMDATA/module_<id> (it signs ACLs and transcripts; the "soft" module
 * also seals keys under it); a copy sealed under the world's recovery
 * secret travels in the world file so that a quorum can restore it.
 * The "pkcs11" module keeps its keys on a PKCS#11 token instead: they
 * are generated there and leave it only wrapped. */
#ifndef OFF_MODULE_H
#define OFF_MODULE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "crypto.h"

struct off_err;
struct off_frontend;
struct off_module;

#define OFF_MODULE_ID_LEN	16
#define OFF_KEY_CHECK_LEN	32
#define OFF_TOKEN_ID_LEN	16	/* CKA_ID of a key on a token */

/* The token of a pkcs11 module, as the world records it (signed). */
struct off_module_token {
	char	library[256];		/* the PKCS#11 module's path */
	char	label[33];
	char	serial[17];
	char	manufacturer[33];
	char	model[17];
	/* The token's security officer PIN is the one derived from the
	 * world key (off_module_so_pin): only a quorum of cards opens it.
	 * Keys are then made CKA_WRAP_WITH_TRUSTED. */
	int	so_quorum;
};

/* The SO PIN off_module_so_pin derives: 32 hex digits. */
#define OFF_SO_PIN_LEN		32

/* A key to make on the module's token. */
struct off_module_keyspec {
	const char	*type;		/* "rsa", "ec", "aes" */
	unsigned	 size;		/* bits */
	const char	*curve;		/* ec: p256, p384, p521, secp256k1 */
	unsigned long	 pubexp;	/* rsa: 0 for 65537 */
	const char	*label;		/* CKA_LABEL: key_<app>_<ident> */
	const uint8_t	*id;		/* CKA_ID, OFF_TOKEN_ID_LEN bytes */
};

/* A key on the token to wrap under a cloud's KEK. */
struct off_module_wrap {
	const char	*type;		/* the key's type */
	const uint8_t	*id;		/* its CKA_ID */
	EVP_PKEY	*kek;		/* RSA public key */
	const char	*md;		/* OAEP and MGF1 digest: SHA1, SHA256 */
	int		 aes;		/* RSA-AES key wrap, else OAEP alone */
	char		 mechanisms[160];	/* out: the ones used */
};

/* What the token's security officer trusts for a key's transfer (ACL
 * reduction): the KEK, and, where the token has no
 * CKM_RSA_AES_KEY_WRAP, a transfer key of its own. */
struct off_module_trust {
	const uint8_t	*id;		/* the key's CKA_ID */
	EVP_PKEY	*kek;		/* RSA public key */
	char		 what[200];	/* out: the objects made, for the record */
};

struct off_module_ops {
	const char	*name;
	/* A new module for world (nothing written yet). */
	int	(*create)(struct off_module *m, struct off_err *err);
	/* Write the module's files into KMDATA. */
	int	(*save)(const struct off_module *m, const char *kmdata,
		    struct off_err *err);
	int	(*load)(struct off_module *m, const char *kmdata,
		    struct off_err *err);
	/* Remove what save() wrote (failed creation or restore). */
	void	(*unsave)(const struct off_module *m, const char *kmdata);
	void	(*free)(struct off_module *m);
	/* Keys kept on the module itself; NULL when keys are sealed in
	 * their key files. pub gets the DER SubjectPublicKeyInfo (NULL
	 * for aes). Both ask for the token's PIN through fe. */
	int	(*keygen)(struct off_module *m,
		    const struct off_module_keyspec *spec,
		    const struct off_frontend *fe, uint8_t **pub,
		    size_t *publen, struct off_err *err);
	int	(*wrap)(struct off_module *m, struct off_module_wrap *wr,
		    const struct off_frontend *fe, uint8_t **out,
		    size_t *outlen, struct off_err *err);
	/* The security officer's PIN changed from *from to to; *from NULL:
	 * the token's present SO PIN is asked through fe and left in
	 * *from (locked memory) so that the caller can undo the change. */
	int	(*so_change)(struct off_module *m, uint8_t **from,
		    size_t *fromlen, const uint8_t *to, size_t tolen,
		    const struct off_frontend *fe, struct off_err *err);
	/* Logged in as the security officer with so_pin: the objects that
	 * let t->id be wrapped under t->kek, marked CKA_TRUSTED. */
	int	(*trust)(struct off_module *m, struct off_module_trust *t,
		    const uint8_t *so_pin, size_t len, struct off_err *err);
	/* Logged in as the security officer with so_pin: the token's user
	 * PIN set to pin (C_InitPIN), which also unlocks it. */
	int	(*user_pin)(struct off_module *m, const uint8_t *so_pin,
		    size_t solen, const char *pin, size_t len,
		    struct off_err *err);
};

struct off_module {
	const struct off_module_ops	*ops;
	uint8_t				 id[OFF_MODULE_ID_LEN];
	uint8_t				 world[32];
	char				 created[21];
	uint8_t				*key;	/* locked, OFF_KEY_LEN */
	struct off_module_token		 token;	/* pkcs11 */
	void				*state;
};

/* token: for pkcs11, the library and the token's label and/or serial
 * (the rest is filled in from the token); NULL for soft. */
int	off_module_create(const char *backend, const uint8_t world[32],
	    const struct off_module_token *token, struct off_module **m,
	    struct off_err *err);
int	off_module_load(const char *backend, const char *kmdata,
	    const uint8_t world[32], const uint8_t id[OFF_MODULE_ID_LEN],
	    struct off_module **m, struct off_err *err);
void	off_module_free(struct off_module **m);

/* The module's Ed25519 signing key, derived from the module key, so a
 * restored module signs as before. It binds transcripts to the world. */
int	off_module_signing_key(const struct off_module *m, EVP_PKEY **key,
	    struct off_err *err);
int	off_module_public_key(const struct off_module *m, uint8_t pub[32],
	    struct off_err *err);

/* The security officer PIN of a so_quorum token: HKDF of the world's
 * signing key (which only a quorum of cards opens) and the module id,
 * as OFF_SO_PIN_LEN hex digits into pin (locked memory, NUL-ended). */
int	off_module_so_pin(const struct off_module *m, EVP_PKEY *world_key,
	    uint8_t pin[OFF_SO_PIN_LEN + 1], struct off_err *err);

/* The check value the world keeps for the module key. */
int	off_module_key_check(const struct off_module *m,
	    uint8_t check[OFF_KEY_CHECK_LEN], struct off_err *err);
/* Seal the module key under a key derived from the recovery secret. */
int	off_module_seal_recovery(const struct off_module *m,
	    const uint8_t *secret, struct off_sealed *out,
	    struct off_err *err);
/* Rebuild a module from its sealed copy; checks it against check. */
int	off_module_from_recovery(const char *backend, const uint8_t world[32],
	    const uint8_t id[OFF_MODULE_ID_LEN], const char *created,
	    const uint8_t *secret, const struct off_sealed *sealed,
	    const uint8_t check[OFF_KEY_CHECK_LEN], struct off_module **m,
	    struct off_err *err);

/* The module file KMDATA/module_<id> that every backend keeps. */
int	off_module_file_save(const struct off_module *m, const char *kmdata,
	    struct off_err *err);
int	off_module_file_load(struct off_module *m, const char *kmdata,
	    struct off_err *err);
void	off_module_file_unsave(const struct off_module *m, const char *kmdata);

extern const struct off_module_ops off_module_soft_ops;
extern const struct off_module_ops off_module_pkcs11_ops;

#endif
