/* A front end that writes what people are shown and what they do with
 * cards into the transcript before passing it on. Never a PIN. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "frontend.h"
#include "transcript.h"

static int
record(struct off_tfe *s, const char *type, json_t *data)
{
	return off_transcript_append_packed(s->t, type, s->step, "", data,
	    NULL);
}

static void
tfe_notice(void *arg, enum off_notice_level level, const char *msg)
{
	struct off_tfe	*s = arg;

	(void)record(s, OFF_T_PROMPT, json_pack("{s:s, s:s, s:s}", "kind",
	    "notice", "level", level == OFF_NOTICE_INFO ? "info" :
	    level == OFF_NOTICE_WARNING ? "warning" : "error", "text", msg));
	if (s->inner->notice != NULL)
		s->inner->notice(s->inner->arg, level, msg);
}

static int
tfe_ask_pin(void *arg, const struct off_pin_request *req, char *buf,
    size_t bufsz, size_t *len)
{
	struct off_tfe	*s = arg;
	static const char *const purpose[] = { "new", "confirm", "enter",
	    "passphrase" };

	/* Shown only once it is on record. */
	if (record(s, OFF_T_PROMPT, json_pack("{s:s, s:s, s:i, s:i, s:i}",
	    "kind", "pin", "purpose", purpose[req->kind], "card_index",
	    (int)req->index, "cards", (int)req->n, "tries_left",
	    req->tries_left)) != 0)
		return OFF_ERR_IO;
	if (s->inner->ask_pin == NULL)
		return OFF_ERR_CANCELLED;
	return s->inner->ask_pin(s->inner->arg, req, buf, bufsz, len);
}

static int
tfe_confirm(void *arg, const char *question)
{
	struct off_tfe	*s = arg;
	int		 ret;

	if (record(s, OFF_T_PROMPT, json_pack("{s:s, s:s}", "kind", "confirm",
	    "question", question)) != 0)
		return OFF_ERR_IO;
	ret = s->inner->confirm != NULL ?
	    s->inner->confirm(s->inner->arg, question) : OFF_ERR_CANCELLED;
	if (record(s, OFF_T_PARAMETER, json_pack("{s:s, s:s}", "question",
	    question, "answer", ret == 0 ? "yes" : "no")) != 0)
		return OFF_ERR_IO;
	return ret;
}

static int
tfe_ask_text(void *arg, const char *prompt, const char *help, char *buf,
    size_t bufsz)
{
	struct off_tfe	*s = arg;

	/* The answer is recorded by whoever asked, as what it means. */
	if (record(s, OFF_T_PROMPT, json_pack("{s:s, s:s}", "kind", "text",
	    "prompt", prompt)) != 0)
		return OFF_ERR_IO;
	if (s->inner->ask_text == NULL)
		return OFF_ERR_CANCELLED;
	return s->inner->ask_text(s->inner->arg, prompt, help, buf, bufsz);
}

static const char *const card_events[] = {
	[OFF_CARD_WANT_BLANK] = "insert-blank-card",
	[OFF_CARD_WANT] = "insert-card",
	[OFF_CARD_DETECTED] = "card-detected",
	[OFF_CARD_REFUSED] = "card-refused",
	[OFF_CARD_WRITTEN] = "card-written",
	[OFF_CARD_ACCEPTED] = "card-accepted",
	[OFF_CARD_REMOVE] = "remove-card",
	[OFF_CARD_REMOVED] = "card-removed",
};

static void
tfe_card(void *arg, const struct off_card_info *i)
{
	struct off_tfe	*s = arg;
	const char	*type;
	json_t		*d;

	switch (i->event) {
	case OFF_CARD_DETECTED:
		type = OFF_T_CARD_IN;
		break;
	case OFF_CARD_REMOVED:
		type = OFF_T_CARD_OUT;
		break;
	case OFF_CARD_WRITTEN:
	case OFF_CARD_ACCEPTED:
		type = OFF_T_RESULT;
		break;
	default:
		type = OFF_T_PROMPT;
		break;
	}
	d = json_pack("{s:s, s:s?, s:s?, s:s?, s:i, s:i, s:i, s:i, s:s?}",
	    "kind", card_events[i->event],
	    "reader", i->reader,
	    "card_id", i->card_id,
	    "world", i->world,
	    "card_index", (int)i->index,
	    "cards", (int)i->n,
	    "have", (int)i->have,
	    "need", (int)i->need,
	    "reason", i->reason);
	/* The token a card is, as it names itself. */
	if (d != NULL && i->serial != NULL)
		(void)json_object_set_new(d, "token", json_pack(
		    "{s:s, s:s, s:s}", "manufacturer", i->manufacturer != NULL ?
		    i->manufacturer : "", "model", i->model != NULL ?
		    i->model : "", "serial", i->serial));
	(void)record(s, type, d);
	if (s->inner->card != NULL)
		s->inner->card(s->inner->arg, i);
}

static void
tfe_progress(void *arg, const char *what, unsigned long done,
    unsigned long total)
{
	struct off_tfe	*s = arg;

	if (s->inner->progress != NULL)
		s->inner->progress(s->inner->arg, what, done, total);
}

void
off_transcript_frontend(struct off_tfe *state, struct off_transcript *t,
    const struct off_frontend *inner, const char *step,
    struct off_frontend *out)
{
	state->t = t;
	state->inner = inner;
	state->step = step;
	memset(out, 0, sizeof(*out));
	out->arg = state;
	out->notice = tfe_notice;
	out->ask_pin = tfe_ask_pin;
	out->confirm = tfe_confirm;
	out->ask_text = tfe_ask_text;
	out->card = tfe_card;
	out->progress = tfe_progress;
}
