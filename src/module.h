/* Modules: where keys are used. Each backend sits behind struct
 * off_module_ops. The "soft" module keeps an AES-256 module key in
 * KMDATA/module_<id>; a copy sealed under the world's recovery secret
 * travels in the world file so that a quorum can restore it. */
#ifndef OFF_MODULE_H
#define OFF_MODULE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "crypto.h"

struct off_err;
struct off_module;

#define OFF_MODULE_ID_LEN	16
#define OFF_KEY_CHECK_LEN	32

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
};

struct off_module {
	const struct off_module_ops	*ops;
	uint8_t				 id[OFF_MODULE_ID_LEN];
	uint8_t				 world[32];
	char				 created[21];
	uint8_t				*key;	/* locked, OFF_KEY_LEN */
	void				*state;
};

int	off_module_create(const char *backend, const uint8_t world[32],
	    struct off_module **m, struct off_err *err);
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

extern const struct off_module_ops off_module_soft_ops;

#endif
