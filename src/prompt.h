/* Card prompts through the front end, shared by world creation, the
 * quorum and the card commands. PINs are returned in locked memory that
 * the caller frees with off_secfree(). */
#ifndef OFF_PROMPT_H
#define OFF_PROMPT_H

#include <stddef.h>

struct off_card;
struct off_card_info;
struct off_err;
struct off_frontend;
struct off_pin_request;
struct off_share;
struct off_slot;

int	off_ask_pin(const struct off_frontend *fe,
	    const struct off_pin_request *req, char **pin, size_t *len);
/* A new PIN for card index of n: typed twice, checked against the PIN
 * rules, asked again until both agree. */
int	off_choose_pin(const struct off_frontend *fe, unsigned index,
	    unsigned n, char **pin, size_t *len);
/* Ask for the card's PIN until it opens, the person gives up or the
 * card locks; wrong PINs are counted on the card. */
int	off_card_unlock_prompt(const struct off_frontend *fe,
	    struct off_slot *slot, unsigned reader, struct off_card *card,
	    struct off_share *share, struct off_err *err);
/* Store card (sealed under pin) in reader: a card token's present PIN
 * is asked first (its transport PIN when blank) and replaced by pin. */
int	off_card_store_prompt(const struct off_frontend *fe,
	    struct off_slot *slot, unsigned reader,
	    const struct off_card *card, const char *pin, size_t pinlen,
	    struct off_err *err);
/* Fill info's device fields from the slot (dev holds the strings). */
struct off_slot_device;
void	off_card_info_device(struct off_slot *slot, unsigned reader,
	    struct off_card_info *info, struct off_slot_device *dev);
/* Tell the front end about a card event (NULL-safe). */
void	off_fe_card(const struct off_frontend *fe,
	    const struct off_card_info *info);
/* Ask for a line of text (OFF_ERR_CANCELLED without the callback). */
int	off_fe_ask_text(const struct off_frontend *fe, const char *prompt,
	    const char *help, char *buf, size_t bufsz);
void	off_fe_notice(const struct off_frontend *fe, int level,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
