/* The world's definition, shared by world*.c only. */
#ifndef OFF_WORLD_INT_H
#define OFF_WORLD_INT_H

#include "crypto.h"
#include "module.h"
#include "suite.h"
#include "world.h"

#define WORLD_FORMAT		"officiant-world"
#define WORLD_SIGKEY_LABEL	"officiant world signing key v1"

struct world_card {
	unsigned		index;
	uint8_t			id[OFF_CARD_ID_LEN];
	uint8_t			tag[OFF_SHARE_TAG_LEN];
	enum off_card_state	state;
};

struct world_module {
	char			backend[16];
	uint8_t			id[OFF_MODULE_ID_LEN];
	char			created[21];
	uint8_t			check[OFF_KEY_CHECK_LEN];
	uint8_t			public_key[32];	/* Ed25519 */
	struct off_sealed	recovery;
	struct off_module_token	token;		/* pkcs11 only */
};

struct off_world {
	uint8_t			 id[OFF_WORLD_ID_LEN];
	const struct off_suite	*suite;
	char			 created[21];
	unsigned		 k, n, pin_tries;
	uint8_t			 card_set[OFF_CARD_ID_LEN];
	uint8_t			*pub_der;
	size_t			 pub_len;
	EVP_PKEY		*pub;
	uint8_t			 commit[OFF_COMMIT_LEN];
	struct off_sealed	 signing_key;
	struct world_card	*cards;
	unsigned		 ncards;
	struct world_module	*modules;
	unsigned		 nmodules;
	uint8_t			 sig[OFF_SIG_MAX];
	size_t			 siglen;
};

/* Serialize w (which must be signed) to the world file format. */
int	world_serialize(const struct off_world *w, char **out, size_t *len,
	    struct off_err *err);
/* Sign w with its world key. */
int	world_sign(struct off_world *w, EVP_PKEY *key, struct off_err *err);
/* The AAD and key that seal the world key under the secret. */
int	world_sigkey_seal(struct off_world *w, const uint8_t *secret,
	    EVP_PKEY *key, struct off_err *err);
int	world_parse(const char *data, size_t len, const char *name,
	    struct off_world **w, struct off_err *err);
/* Write the world file and module files into kmdata, all or nothing. */
int	world_install(struct off_world *w, struct off_module *const *mods,
	    const char *kmdata, struct off_err *err);

#endif
