/* Administrator cards: one Shamir share bound to one world and one
 * index, sealed with AES-256-GCM under a key derived from the card's
 * PIN with scrypt, with a retry counter. The file format is in
 * officiant-card(5). */
#ifndef OFF_CARD_H
#define OFF_CARD_H

#include <stddef.h>
#include <stdint.h>

#include "shamir.h"

struct off_err;
struct off_card;
struct off_slot;

#define OFF_CARD_ID_LEN		16
#define OFF_WORLD_ID_LEN	32
#define OFF_CARD_TRIES_DEFAULT	5
#define OFF_CARD_TRIES_MAX	100

struct off_card_params {
	const uint8_t	*world;		/* OFF_WORLD_ID_LEN bytes */
	const uint8_t	*card_set;	/* OFF_CARD_ID_LEN bytes */
	unsigned	 k, n;
	unsigned	 tries;		/* wrong PINs before locking */
	unsigned	 kdf_log2_n;	/* scrypt cost */
};

/* Seal share under pin into a new card. */
int	off_card_new(const struct off_card_params *p,
	    const struct off_share *share, const char *pin, size_t pinlen,
	    struct off_card **card, struct off_err *err);
/* Parse a card file's contents; name is used in messages. */
int	off_card_parse(const char *data, size_t len, const char *name,
	    struct off_card **card, struct off_err *err);
/* Serialize to the JSON file format (malloc'd, NUL-terminated). */
int	off_card_serialize(const struct off_card *card, char **out,
	    size_t *len, struct off_err *err);
void	off_card_free(struct off_card **card);

/* Open the seal with pin into share (locked memory). Counts a wrong PIN
 * in the card; the caller must store the card after every call. Use
 * off_card_unlock for cards in a slot: it stores the count first. */
int	off_card_open(struct off_card *card, const char *pin, size_t pinlen,
	    struct off_share *share, struct off_err *err);
/* Reseal under a new PIN (fresh salt); the share must be the card's. */
int	off_card_reseal(struct off_card *card, const struct off_share *share,
	    const char *pin, size_t pinlen, struct off_err *err);

/* The public part alone, as a device shows it before its PIN. */
int	off_card_serialize_public(const struct off_card *card, char **out,
	    size_t *len, struct off_err *err);
/* Write a new or resealed card into a slot reader. A device that
 * guards cards itself (slot->ops->write_private) is logged into with
 * oldpin (a blank card's transport PIN), takes pin as its own PIN and
 * stores the whole card behind it; a file card is just written. */
int	off_card_store(struct off_slot *slot, unsigned reader,
	    const struct off_card *card, const char *oldpin, size_t oldlen,
	    const char *pin, size_t pinlen, struct off_err *err);
/* Open a card just read from a slot with its PIN, counting nothing on
 * a file card (read-back after writing). */
int	off_card_verify(struct off_slot *slot, unsigned reader,
	    struct off_card *card, const char *pin, size_t pinlen,
	    struct off_share *share, struct off_err *err);

/* Read the card in a slot reader. OFF_ERR_NOT_BLANK is never returned;
 * a blank card gives OFF_ERR_NOT_FOUND. */
int	off_card_read(struct off_slot *slot, unsigned reader,
	    struct off_card **card, struct off_err *err);
int	off_card_write(struct off_slot *slot, unsigned reader,
	    const struct off_card *card, struct off_err *err);
/* Unlock a card in a slot: the failure count is raised and stored
 * before the PIN is tried, and cleared after success, so killing the
 * program cannot win a free guess. */
int	off_card_unlock(struct off_slot *slot, unsigned reader,
	    struct off_card *card, const char *pin, size_t pinlen,
	    struct off_share *share, struct off_err *err);

const uint8_t	*off_card_id(const struct off_card *card);
const uint8_t	*off_card_world(const struct off_card *card);
const uint8_t	*off_card_set(const struct off_card *card);
unsigned	 off_card_index(const struct off_card *card);
unsigned	 off_card_k(const struct off_card *card);
unsigned	 off_card_n(const struct off_card *card);
const char	*off_card_created(const struct off_card *card);
unsigned	 off_card_tries_limit(const struct off_card *card);
unsigned	 off_card_tries_left(const struct off_card *card);
int		 off_card_locked(const struct off_card *card);
/* Tries left, -1 when the card's device does not say. */
int		 off_card_tries_hint(const struct off_card *card);
/* 1 for a card whose share a device keeps behind its own PIN. */
int		 off_card_on_device(const struct off_card *card);
unsigned	 off_card_kdf_log2_n(const struct off_card *card);

/* 0 when pin is acceptable for a new card; else a message. */
const char	*off_pin_problem(const char *pin, size_t len);

#endif
