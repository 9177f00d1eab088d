/* Talking to people about cards through the front end: PIN prompts
 * into locked memory, choosing a new PIN, unlocking a card with
 * retries, card events and notices. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "card.h"
#include "encode.h"
#include "error.h"
#include "frontend.h"
#include "i18n.h"
#include "prompt.h"
#include "secmem.h"
#include "slot.h"

void
off_fe_card(const struct off_frontend *fe, const struct off_card_info *info)
{
	if (fe != NULL && fe->card != NULL)
		fe->card(fe->arg, info);
}

void
off_fe_notice(const struct off_frontend *fe, int level, const char *fmt, ...)
{
	char	buf[1024];
	va_list	ap;

	if (fe == NULL || fe->notice == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fe->notice(fe->arg, (enum off_notice_level)level, buf);
}

int
off_ask_pin(const struct off_frontend *fe, const struct off_pin_request *req,
    char **pin, size_t *len)
{
	int	ret;

	*pin = NULL;
	*len = 0;
	if (fe == NULL || fe->ask_pin == NULL)
		return OFF_ERR_CANCELLED;
	if ((*pin = off_secalloc(OFF_PIN_BUF)) == NULL)
		return OFF_ERR_SECMEM;
	ret = fe->ask_pin(fe->arg, req, *pin, OFF_PIN_BUF, len);
	if (ret == 0 && *len >= OFF_PIN_BUF)
		ret = OFF_ERR_INTERNAL;
	if (ret != 0)
		off_secfree(pin);
	return ret;
}

/* Choose a PIN: typed twice, checked against the PIN rules. */
int
off_choose_pin(const struct off_frontend *fe, unsigned index, unsigned n,
    char **pin, size_t *len)
{
	struct off_pin_request	 req;
	const char		*problem;
	char			*again = NULL;
	size_t			 againlen;
	int			 ret;

	for (;;) {
		memset(&req, 0, sizeof(req));
		req.kind = OFF_PIN_NEW;
		req.index = index;
		req.n = n;
		req.tries_left = -1;
		if ((ret = off_ask_pin(fe, &req, pin, len)) != 0)
			return ret;
		if ((problem = off_pin_problem(*pin, *len)) != NULL) {
			off_fe_notice(fe, OFF_NOTICE_WARNING, "%s", problem);
			off_secfree(pin);
			continue;
		}
		req.kind = OFF_PIN_CONFIRM;
		if ((ret = off_ask_pin(fe, &req, &again, &againlen)) != 0) {
			off_secfree(pin);
			return ret;
		}
		ret = againlen == *len && off_ctcmp(again, *pin, *len) == 0;
		off_secfree(&again);
		if (ret)
			return 0;
		off_fe_notice(fe, OFF_NOTICE_WARNING, "%s",
		    _("the two PINs differ; choose the PIN again"));
		off_secfree(pin);
	}
}

/* Ask for the PIN until the card opens, the person gives up or the
 * card locks. */
int
off_card_unlock_prompt(const struct off_frontend *fe, struct off_slot *slot,
    unsigned reader, struct off_card *card, struct off_share *share,
    struct off_err *err)
{
	struct off_pin_request	 req;
	char			*pin = NULL, card_hex[2 * OFF_CARD_ID_LEN + 1];
	size_t			 len;
	int			 ret;

	off_hex(off_card_id(card), OFF_CARD_ID_LEN, card_hex);
	/* A locked card says so before anyone types a PIN. */
	if (off_card_locked(card))
		return off_card_unlock(slot, reader, card, "", 0, share, err);

	for (;;) {
		memset(&req, 0, sizeof(req));
		req.kind = OFF_PIN_ENTER;
		req.index = off_card_index(card);
		req.n = off_card_n(card);
		req.card_id = card_hex;
		req.tries_left = off_card_tries_hint(card);
		if ((ret = off_ask_pin(fe, &req, &pin, &len)) != 0)
			return off_err_set(err, ret, NULL,
			    ret == OFF_ERR_INTERRUPTED ? _("interrupted while "
			    "waiting for the PIN of card %u") :
			    _("no PIN was given for card %u"), req.index);
		ret = off_card_unlock(slot, reader, card, pin, len, share, err);
		off_secfree(&pin);
		if (ret != OFF_ERR_BAD_PIN)
			return ret;
		off_fe_notice(fe, OFF_NOTICE_WARNING, "%s", err->detail);
	}
}

int
off_card_store_prompt(const struct off_frontend *fe, struct off_slot *slot,
    unsigned reader, const struct off_card *card, const char *pin,
    size_t pinlen, struct off_err *err)
{
	struct off_pin_request	 req;
	char			 label[256], *old = NULL;
	size_t			 oldlen;
	int			 ret;

	if (slot->ops->write_private == NULL)
		return off_card_store(slot, reader, card, NULL, 0, pin, pinlen,
		    err);
	for (;;) {
		memset(&req, 0, sizeof(req));
		req.kind = OFF_PIN_PASSPHRASE;
		req.index = off_card_index(card);
		req.n = off_card_n(card);
		req.tries_left = -1;
		/* TRANSLATORS: %s names a PKCS#11 token, as in: token
		 * "officiant-card-1" (serial 1a2b...). */
		snprintf(label, sizeof(label), _("the present user PIN of %s "
		    "(its transport PIN when it is blank)"),
		    slot->ops->reader_name(slot, reader));
		req.label = label;
		if ((ret = off_ask_pin(fe, &req, &old, &oldlen)) != 0)
			return off_err_set(err, ret, NULL,
			    _("no present PIN was given for the token of card "
			    "%u"), req.index);
		ret = off_card_store(slot, reader, card, old, oldlen, pin,
		    pinlen, err);
		off_secfree(&old);
		if (ret != OFF_ERR_BAD_PIN)
			return ret;
		off_fe_notice(fe, OFF_NOTICE_WARNING, "%s", err->detail);
	}
}

void
off_card_info_device(struct off_slot *slot, unsigned reader,
    struct off_card_info *info, struct off_slot_device *dev)
{
	info->manufacturer = info->model = info->serial = NULL;
	if (slot->ops->device == NULL ||
	    slot->ops->device(slot, reader, dev) != 0)
		return;
	info->manufacturer = dev->manufacturer;
	info->model = dev->model;
	info->serial = dev->serial;
}

int
off_fe_ask_text(const struct off_frontend *fe, const char *prompt,
    const char *help, char *buf, size_t bufsz)
{
	if (bufsz > 0)
		buf[0] = '\0';
	if (fe == NULL || fe->ask_text == NULL || bufsz == 0)
		return OFF_ERR_CANCELLED;
	return fe->ask_text(fe->arg, prompt, help, buf, bufsz);
}
