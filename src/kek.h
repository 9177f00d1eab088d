/* Proving a KEK is the one expected (what verifykeypackage.py does for
 * the vendor's world): a certificate chain from a leaf certifying the
 * KEK up to a root whose SHA-256 or SHA-1 fingerprint is pinned; and
 * throw-away KEKs with such a chain for training. */
#ifndef OFF_KEK_H
#define OFF_KEK_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

struct off_err;

#define OFF_CHAIN_MAX	16

struct off_kek_report {
	char	subject[OFF_CHAIN_MAX][256];	/* leaf first, root last */
	size_t	n;
	uint8_t	root_sha256[32];
	uint8_t	root_sha1[20];
	uint8_t	kek_fp[32];			/* SHA-256 of the KEK SPKI */
};

/* Verify the PEM certificates in bundle (the leaf first) up to the
 * root whose fingerprint is pin (20 bytes: SHA-1, 32: SHA-256), the
 * leaf certifying kek. OFF_ERR_AUTH with the reason when it does not
 * verify; what was learnt is in rep either way. */
int	off_kek_verify_chain(EVP_PKEY *kek, const char *bundle,
	    const uint8_t *pin, size_t pinlen, struct off_kek_report *rep,
	    struct off_err *err);

/* Files written by off_training_make_kek in its directory. */
#define OFF_TRAINING_KEK		"TRAINING-kek.pem"
#define OFF_TRAINING_KEK_PRIVATE	"TRAINING-kek-private.pem"
#define OFF_TRAINING_CHAIN		"TRAINING-chain.pem"
#define OFF_TRAINING_ROOT_FP		"TRAINING-root-sha256.txt"
#define OFF_TRAINING_KEK_ID		"TRAINING-kek-id.txt"
#define OFF_TRAINING_README		"README-TRAINING.txt"

struct off_training_kek {
	uint8_t	root_sha256[32];
	uint8_t	kek_fp[32];
	char	kek_id[128];
};

/* A throw-away RSA KEK of bits (2048/3072/4096), its certificate under
 * a training intermediate and root CA, the root's SHA-256, a made-up
 * key id and a README, all labelled TRAINING, written into dir (new or
 * empty). */
int	off_training_make_kek(const char *dir, unsigned bits,
	    struct off_training_kek *out, struct off_err *err);

/* A training world in kmdata with k of n file cards in the drawer dir,
 * their PINs pins[0..n-1] (cheap KDF): for rehearsing ceremonies that
 * start from an existing world. */
struct off_world;
int	off_training_world(const char *kmdata, const char *drawer, unsigned k,
	    unsigned n, const char *const *pins, struct off_world **w,
	    struct off_err *err);

/* The same on the cards of an open slot (blank PKCS#11 tokens: their
 * transport PINs are asked through outer, which also sees notices and
 * card events; NULL for none), its module on token's token when token
 * is not NULL (else the soft module). */
struct off_slot;
struct off_frontend;
struct off_module_token;
int	off_training_world_slot(const char *kmdata, struct off_slot *slot,
	    const struct off_module_token *token, unsigned k, unsigned n,
	    const char *const *pins, const struct off_frontend *outer,
	    struct off_world **w, struct off_err *err);

#endif
