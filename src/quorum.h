/* Quorum authorisation: collect K distinct cards of a world one at a
 * time through the front end (insert, PIN, remove) and rebuild the
 * world's recovery secret in locked memory, checked against the
 * world's commitment. Later operations that change authority call
 * this and nothing else to get the secret. */
#ifndef OFF_QUORUM_H
#define OFF_QUORUM_H

#include <stdint.h>

#include "shamir.h"

struct off_err;
struct off_frontend;
struct off_slot;
struct off_world;

/* On success *secret is OFF_SECRET_LEN bytes of locked memory; free it
 * with off_secfree(). */
int	off_quorum_collect(const struct off_world *w, struct off_slot *slot,
	    const struct off_frontend *fe, uint8_t **secret,
	    struct off_err *err);

/* Read the card in reader, check it belongs to w (NULL: any world),
 * open it with its PIN through fe, and check its share against w. */
struct off_card;
struct off_share;
int	off_card_check_open(struct off_slot *slot, unsigned reader,
	    const struct off_world *w, const struct off_frontend *fe,
	    struct off_card **card, struct off_share *share,
	    struct off_err *err);
/* The card in reader gets a new PIN: the current one opens it, the new
 * one is asked twice, the same share is sealed under it and written. */
int	off_card_change_pin(struct off_slot *slot, unsigned reader,
	    const struct off_world *w, const struct off_frontend *fe,
	    struct off_card **card, struct off_err *err);

#endif
