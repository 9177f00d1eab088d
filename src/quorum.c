#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card.h"
#include "encode.h"
#include "error.h"
#include "frontend.h"
#include "i18n.h"
#include "prompt.h"
#include "quorum.h"
#include "secmem.h"
#include "slot.h"
#include "world.h"

/* Refuse the card in the reader: tell the person why, wait for it to
 * go. */
static int
refuse(const struct off_frontend *fe, struct off_slot *slot, unsigned reader,
    struct off_card_info *info, const struct off_err *why, struct off_err *err)
{
	char	msg[OFF_ERR_DETAIL_MAX + 300];

	off_err_format(why, msg, sizeof(msg));
	info->event = OFF_CARD_REFUSED;
	info->reason = msg;
	off_fe_card(fe, info);
	info->reason = NULL;
	if (!slot->ops->manual(slot))
		return 0;
	info->event = OFF_CARD_REMOVE;
	off_fe_card(fe, info);
	return slot->ops->wait_removed(slot, reader, OFF_SLOT_NO_TIMEOUT, err);
}

int
off_quorum_collect(const struct off_world *w, struct off_slot *slot,
    const struct off_frontend *fe, uint8_t **secret, struct off_err *err)
{
	struct off_share	*shares = NULL;
	const struct off_share	*ptrs[OFF_SHAMIR_MAX];
	struct off_card		*card = NULL;
	struct off_card_info	 info;
	struct off_slot_device	 dev;
	struct off_err		 why;
	char			 world_hex[OFF_WORLD_ID_HEX];
	char			 card_hex[2 * OFF_CARD_ID_LEN + 1];
	char			 where[PATH_MAX];
	uint8_t			 used[OFF_SHAMIR_MAX][OFF_CARD_ID_LEN];
	unsigned		 have = 0, need = off_world_k(w), reader, i;
	int			 ret;

	*secret = NULL;
	off_world_id_hex(w, world_hex);
	if ((shares = off_secalloc(sizeof(*shares) * need)) == NULL ||
	    (*secret = off_secalloc(OFF_SECRET_LEN)) == NULL) {
		ret = off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
		goto out;
	}
	while (have < need) {
		memset(&info, 0, sizeof(info));
		info.event = OFF_CARD_WANT;
		info.world = world_hex;
		info.have = have;
		info.need = need;
		info.n = off_world_n(w);
		info.tries_left = -1;
		info.reader = slot->where;
		off_fe_card(fe, &info);
		ret = slot->ops->next(slot, 0, NULL, OFF_SLOT_NO_TIMEOUT,
		    &reader, err);
		if (ret == OFF_ERR_NOT_FOUND) {
			ret = off_err_set(err, OFF_ERR_QUORUM, slot->where,
			    _("only %u of the %u cards needed were accepted and "
			    "no more cards are available"), have, need);
			goto out;
		}
		if (ret != 0)
			goto out;
		/* A copy: the slot's own names go when it rescans. */
		snprintf(where, sizeof(where), "%s",
		    slot->ops->reader_name(slot, reader));
		info.reader = where;
		off_card_info_device(slot, reader, &info, &dev);
		off_err_clear(&why);
		if (off_card_read(slot, reader, &card, &why) != 0) {
			if (why.code == OFF_ERR_NOT_FOUND)
				snprintf(why.detail, sizeof(why.detail), "%s",
				    _("card is blank; insert a card of this "
				    "world"));
			why.file[0] = '\0';
			if ((ret = refuse(fe, slot, reader, &info, &why,
			    err)) != 0)
				goto out;
			continue;
		}
		off_hex(off_card_id(card), OFF_CARD_ID_LEN, card_hex);
		info.card_id = card_hex;
		info.index = off_card_index(card);
		info.tries_left = off_card_tries_hint(card);
		for (i = 0; i < have; i++)
			if (memcmp(used[i], off_card_id(card),
			    OFF_CARD_ID_LEN) == 0)
				break;
		if (i < have)
			off_err_set(&why, OFF_ERR_DUPLICATE, NULL,
			    _("card %u was already used in this quorum; insert "
			    "another card"), info.index);
		else if (off_world_check_card(w, card, &why) == 0 &&
		    off_card_locked(card))
			off_err_set(&why, OFF_ERR_LOCKED, NULL,
			    _("card %u is locked after too many wrong PINs; "
			    "insert another card"), info.index);
		if (why.code != 0) {
			off_card_free(&card);
			if ((ret = refuse(fe, slot, reader, &info, &why,
			    err)) != 0)
				goto out;
			continue;
		}
		info.event = OFF_CARD_DETECTED;
		off_fe_card(fe, &info);
		ret = off_card_unlock_prompt(fe, slot, reader, card,
		    &shares[have], &why);
		if (ret == 0 && off_world_check_share(w, off_card_id(card),
		    &shares[have]) != 0)
			ret = off_err_set(&why, OFF_ERR_AUTH, NULL,
			    _("card %u opens but its share is not the one "
			    "recorded in the world; the card was forged or "
			    "damaged"), info.index);
		if (ret == OFF_ERR_CANCELLED || ret == OFF_ERR_INTERRUPTED ||
		    ret == OFF_ERR_SECMEM || ret == OFF_ERR_NOMEM ||
		    ret == OFF_ERR_IO) {
			*err = why;
			goto out;
		}
		if (ret != 0) {
			off_wipe(&shares[have], sizeof(shares[have]));
			off_card_free(&card);
			if ((ret = refuse(fe, slot, reader, &info, &why,
			    err)) != 0)
				goto out;
			continue;
		}
		memcpy(used[have], off_card_id(card), OFF_CARD_ID_LEN);
		ptrs[have] = &shares[have];
		have++;
		off_card_free(&card);
		info.event = OFF_CARD_ACCEPTED;
		info.have = have;
		off_fe_card(fe, &info);
		if (slot->ops->manual(slot)) {
			info.event = OFF_CARD_REMOVE;
			off_fe_card(fe, &info);
			if ((ret = slot->ops->wait_removed(slot, reader,
			    OFF_SLOT_NO_TIMEOUT, err)) != 0)
				goto out;
			info.event = OFF_CARD_REMOVED;
			off_fe_card(fe, &info);
		}
	}
	ret = off_world_combine(w, ptrs, have, *secret, err);
out:
	off_card_free(&card);
	off_secfree(&shares);
	if (ret != 0)
		off_secfree(secret);
	return ret;
}

int
off_card_check_open(struct off_slot *slot, unsigned reader,
    const struct off_world *w, const struct off_frontend *fe,
    struct off_card **cardp, struct off_share *share, struct off_err *err)
{
	int	ret;

	if ((ret = off_card_read(slot, reader, cardp, err)) != 0)
		return ret;
	if (w != NULL && (ret = off_world_check_card(w, *cardp, err)) != 0) {
		snprintf(err->file, sizeof(err->file), "%s",
		    slot->ops->reader_name(slot, reader));
		return ret;
	}
	if ((ret = off_card_unlock_prompt(fe, slot, reader, *cardp, share,
	    err)) != 0)
		return ret;
	if (w != NULL && off_world_check_share(w, off_card_id(*cardp),
	    share) != 0)
		return off_err_set(err, OFF_ERR_AUTH,
		    slot->ops->reader_name(slot, reader),
		    _("the card opens but its share is not the one recorded "
		    "in the world; the card was forged or damaged"));
	return 0;
}

int
off_card_change_pin(struct off_slot *slot, unsigned reader,
    const struct off_world *w, const struct off_frontend *fe,
    struct off_card **card, struct off_err *err)
{
	struct off_share	*share;
	char			*pin = NULL;
	size_t			 pinlen;
	int			 ret;

	*card = NULL;
	if ((share = off_secalloc(sizeof(*share))) == NULL)
		return off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
	if ((ret = off_card_check_open(slot, reader, w, fe, card, share,
	    err)) == 0) {
		if ((ret = off_choose_pin(fe, off_card_index(*card),
		    off_card_n(*card), &pin, &pinlen)) != 0)
			ret = off_err_set(err, OFF_ERR_CANCELLED, NULL,
			    _("no new PIN was chosen; the card is unchanged"));
		else if ((ret = off_card_reseal(*card, share, pin, pinlen,
		    err)) == 0)
			ret = off_card_store_prompt(fe, slot, reader, *card,
			    pin, pinlen, err);
	}
	off_secfree(&pin);
	off_secfree(&share);
	return ret;
}
