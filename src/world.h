/* The security world: identity (SHA-256 of the world's public signing
 * key), cipher suite, quorum K/N, card set, modules. Its recovery
 * secret is split K-of-N across the administrator cards; the world
 * file keeps only a commitment to it, per-card share tags, and what is
 * sealed under it. The file is signed by the world key. Format in
 * officiant-world(5). */
#ifndef OFF_WORLD_H
#define OFF_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "card.h"
#include "shamir.h"

struct off_err;
struct off_frontend;
struct off_module;
struct off_module_token;
struct off_slot;
struct off_world;

#define OFF_WORLD_FILE		"world"
#define OFF_WORLD_ID_HEX	(2 * OFF_WORLD_ID_LEN + 1)

struct off_world_params {
	unsigned	 k, n;
	const char	*suite;		/* NULL: OFF_SUITE_DEFAULT */
	const char	*module;	/* NULL: "soft" */
	/* pkcs11: the library and the token's label and/or serial. */
	const struct off_module_token *token;
	unsigned	 pin_tries;	/* 0: OFF_CARD_TRIES_DEFAULT */
	unsigned	 kdf_log2_n;	/* 0: default scrypt cost */
	int		 allow_single;	/* permit K = 1 */
	int		 erase;		/* reuse cards of other worlds */
	/* pkcs11: leave the token's security officer PIN as it is (a
	 * rehearsal's throw-away world); keys are then not made
	 * CKA_WRAP_WITH_TRUSTED. */
	int		 keep_so;
};

enum off_card_state {
	OFF_CARD_ACTIVE,
	OFF_CARD_RETIRED,
};

/* Create a world in kmdata, writing n cards through slot and talking
 * to people through fe. Every card is read back and opened, and the
 * secret rebuilt from K-subsets, before the world is written. */
int	off_world_create(const char *kmdata, struct off_slot *slot,
	    const struct off_world_params *p, const struct off_frontend *fe,
	    struct off_world **w, struct off_err *err);
/* Refuse impossible parameters and an existing world before anything
 * is done; warns through fe (may be NULL) about a quorum of one. */
int	off_world_check_params(const char *kmdata,
	    const struct off_world_params *p, const struct off_frontend *fe,
	    struct off_err *err);
/* Load and verify KMDATA/world (see off_world_module for modules). */
int	off_world_load(const char *kmdata, struct off_world **w,
	    struct off_err *err);
/* Load and verify a world file at path (no module check). */
int	off_world_load_file(const char *path, struct off_world **w,
	    struct off_err *err);
void	off_world_free(struct off_world **w);

const uint8_t	*off_world_id(const struct off_world *w);
void		 off_world_id_hex(const struct off_world *w,
		    char out[OFF_WORLD_ID_HEX]);
const char	*off_world_suite(const struct off_world *w);
unsigned	 off_world_k(const struct off_world *w);
unsigned	 off_world_n(const struct off_world *w);
const uint8_t	*off_world_card_set(const struct off_world *w);
const char	*off_world_created(const struct off_world *w);
unsigned	 off_world_pin_tries(const struct off_world *w);
/* Card i (0-based) of the set: index, id, state. */
int		 off_world_card(const struct off_world *w, unsigned i,
		    unsigned *index, const uint8_t **card_id,
		    enum off_card_state *state);
/* Module i (0-based): backend, id, and its state in kmdata ("ok",
 * "missing or unreadable", ...; "not checked" when kmdata is NULL),
 * untranslated: pass it through _() to show it. */
int		 off_world_module(const struct off_world *w, unsigned i,
		    const char *kmdata, const char **backend,
		    const uint8_t **id, const char **status);
/* The token that module i keeps its keys on; NULL for a module that
 * keeps none (soft). */
const struct off_module_token *off_world_module_token(
		    const struct off_world *w, unsigned i);
/* Sign msg with the world key (from off_world_signing_key) and verify
 * a world signature: what only a quorum can authorise. */
int		 off_world_sign(const struct off_world *w, EVP_PKEY *key,
		    const uint8_t *msg, size_t len, uint8_t *sig,
		    size_t *siglen, struct off_err *err);
int		 off_world_verify(const struct off_world *w,
		    const uint8_t *msg, size_t len, const uint8_t *sig,
		    size_t siglen);
/* The Ed25519 public key of module id of this world, or NULL. */
const uint8_t	*off_world_module_key(const struct off_world *w,
		    const uint8_t id[16]);
/* Load module i of the world from kmdata, checked against the world. */
int		 off_world_open_module(const struct off_world *w, unsigned i,
		    const char *kmdata, struct off_module **m,
		    struct off_err *err);
/* Check a share against the world's record for its card. */
int		 off_world_check_share(const struct off_world *w,
		    const uint8_t card_id[OFF_CARD_ID_LEN],
		    const struct off_share *share);
/* 0 when card is an active card of this world's set, else an error
 * saying why, for the person at the slot. */
int		 off_world_check_card(const struct off_world *w,
		    const struct off_card *card, struct off_err *err);
/* Rebuild the secret from shares and check the commitment. */
int		 off_world_combine(const struct off_world *w,
		    const struct off_share *const *shares, size_t k,
		    uint8_t secret[OFF_SECRET_LEN], struct off_err *err);
/* The world's signing key, unsealed with the recovery secret. */
int		 off_world_signing_key(const struct off_world *w,
		    const uint8_t secret[OFF_SECRET_LEN], EVP_PKEY **key,
		    struct off_err *err);

/* Machine-readable description (JSON, malloc'd). */
int		 off_world_info_json(const struct off_world *w,
		    const char *kmdata, char **out, struct off_err *err);

/* A new card set: a quorum of the present set (in old_slot) opens the
 * world, a new secret is split into p->k of p->n cards written in slot
 * (blank cards), and the world file is replaced in one step; the old
 * cards, lost ones included, then open nothing. p->k, p->n,
 * p->kdf_log2_n, p->allow_single and p->erase are used. */
int		 off_world_replace_cards(const char *kmdata,
		    const struct off_world *w, struct off_slot *old_slot,
		    struct off_slot *slot, const struct off_world_params *p,
		    const struct off_frontend *fe, struct off_world **out,
		    struct off_err *err);
/* A new user PIN for the world's token, whose security officer PIN a
 * quorum of cards (in slot) rebuilds: asked twice through fe after the
 * quorum, set as the security officer; a locked token is unlocked. */
int		 off_world_token_pin(const char *kmdata,
		    const struct off_world *w, struct off_slot *slot,
		    const struct off_frontend *fe, struct off_err *err);
/* Copy the world into dir (a new or empty directory). */
int		 off_world_backup(const char *kmdata, const char *dir,
		    struct off_err *err);
/* Restore a backup from dir into kmdata with a quorum of cards. */
int		 off_world_restore(const char *dir, const char *kmdata,
		    struct off_slot *slot, const struct off_frontend *fe,
		    struct off_world **w, struct off_err *err);

#endif
