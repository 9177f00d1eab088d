#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fe-script.h"
#include "fileio.h"
#include "slot.h"
#include "world.h"

static void
script_notice(void *arg, enum off_notice_level level, const char *msg)
{
	struct fe_script	*s = arg;

	(void)msg;
	if (level != OFF_NOTICE_INFO)
		s->warnings++;
}

static int
script_ask_pin(void *arg, const struct off_pin_request *req, char *buf,
    size_t bufsz, size_t *len)
{
	struct fe_script	*s = arg;
	const char		*pin;

	s->last_tries_left = req->tries_left;
	if (s->next_pin >= FE_SCRIPT_MAX || (pin = s->pins[s->next_pin]) ==
	    NULL)
		return OFF_ERR_CANCELLED;
	s->next_pin++;
	*len = strlen(pin);
	if (*len >= bufsz)
		*len = bufsz - 1;
	memcpy(buf, pin, *len);
	buf[*len] = '\0';
	return 0;
}

static int
script_confirm(void *arg, const char *question)
{
	struct fe_script	*s = arg;

	(void)question;
	s->confirms++;
	return s->confirm == 0 ? 0 : OFF_ERR_CANCELLED;
}

static int
script_ask_text(void *arg, const char *prompt, const char *help, char *buf,
    size_t bufsz)
{
	struct fe_script	*s = arg;
	const char		*t;

	(void)help;
	snprintf(s->last_prompt, sizeof(s->last_prompt), "%s", prompt);
	if (s->next_text >= FE_SCRIPT_MAX || (t = s->texts[s->next_text]) ==
	    NULL)
		return OFF_ERR_CANCELLED;
	s->next_text++;
	snprintf(buf, bufsz, "%s", t);
	return 0;
}

static void
script_card(void *arg, const struct off_card_info *info)
{
	struct fe_script	*s = arg;

	s->events[info->event]++;
	if (info->event == OFF_CARD_REFUSED)
		snprintf(s->last_refusal, sizeof(s->last_refusal), "%s",
		    info->reason);
}

static void
script_progress(void *arg, const char *what, unsigned long done,
    unsigned long total)
{
	struct fe_script	*s = arg;

	(void)what;
	s->progress_done = done;
	s->progress_total = total;
}

void
fe_script_init(struct off_frontend *fe, struct fe_script *s)
{
	memset(s, 0, sizeof(*s));
	s->last_tries_left = -2;
	memset(fe, 0, sizeof(*fe));
	fe->arg = s;
	fe->notice = script_notice;
	fe->ask_pin = script_ask_pin;
	fe->confirm = script_confirm;
	fe->ask_text = script_ask_text;
	fe->card = script_card;
	fe->progress = script_progress;
}

void
fe_script_pins(struct fe_script *s, const char *const *pins)
{
	unsigned	i;

	for (i = 0; i + 1 < FE_SCRIPT_MAX && pins[i] != NULL; i++)
		s->pins[i] = pins[i];
	s->pins[i] = NULL;
	s->next_pin = 0;
}

const char *const test_pins23[] = { "1111", "1111", "2222", "2222", "3333",
    "3333", NULL };

int
test_make_world(const char *dir, const char *sub, unsigned tries,
    struct off_world **w)
{
	struct off_world_params	 p;
	struct off_frontend	 fe;
	struct fe_script	 s;
	struct off_slot		*slot = NULL;
	char			 km[4096], dr[4096];
	int			 ret;

	snprintf(km, sizeof(km), "%s/%s/kmdata", dir, sub);
	snprintf(dr, sizeof(dr), "%s/%s/cards", dir, sub);
	if ((ret = off_mkdirs(dr, NULL)) != 0)
		return ret;
	memset(&p, 0, sizeof(p));
	p.k = 2;
	p.n = 3;
	p.pin_tries = tries;
	p.kdf_log2_n = 10;
	fe_script_init(&fe, &s);
	fe_script_pins(&s, test_pins23);
	if ((ret = off_slot_open(&slot, "drawer", dr, NULL)) != 0)
		return ret;
	ret = off_world_create(km, slot, &p, &fe, w, NULL);
	off_slot_close(&slot);
	return ret;
}
