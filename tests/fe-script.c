#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>

#include "error.h"
#include "fe-script.h"
#include "fileio.h"
#include "key.h"
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

	test_world_paths(dir, sub, km, dr, sizeof(km));
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

void
test_world_paths(const char *dir, const char *sub, char *kmdata,
    char *drawer, size_t len)
{
	int	n;

	n = snprintf(kmdata, len, "%s/%s/kmdata", dir, sub);
	assert_true(n > 0 && (size_t)n < len);
	n = snprintf(drawer, len, "%s/%s/cards", dir, sub);
	assert_true(n > 0 && (size_t)n < len);
}

void
test_key_params(struct off_key_params *p, const char *ident,
    const char *type, unsigned size, const char *curve)
{
	memset(p, 0, sizeof(*p));
	p->app = "simple";
	p->ident = ident;
	p->type = type;
	p->size = size;
	p->curve = curve;
}

int
test_generate(const char *kmdata, const struct off_world *w,
    const struct off_key_params *p, struct fe_script *s,
    struct off_key **key, struct off_err *err)
{
	struct off_frontend	 fe;
	struct fe_script	 local;

	if (s == NULL)
		s = &local;
	fe_script_init(&fe, s);
	off_err_clear(err);
	return off_key_generate(kmdata, w, p, &fe, key, err);
}

struct off_key *
test_new_key(const char *kmdata, const struct off_world *w,
    const struct off_key_params *p)
{
	struct off_key	*k = NULL;
	struct off_err	 err;

	if (test_generate(kmdata, w, p, NULL, &k, &err) != 0)
		fail_msg("cannot generate %s: %s", p->ident, err.detail);
	off_key_free(&k);
	return test_load_key(kmdata, w, p->app, p->ident);
}

struct off_key *
test_need_key(const char *kmdata, const struct off_world *w,
    const struct off_key_params *p)
{
	char	path[4096];

	test_key_path(kmdata, p->app, p->ident, path, sizeof(path));
	if (!test_exists(path))
		return test_new_key(kmdata, w, p);
	return test_load_key(kmdata, w, p->app, p->ident);
}

struct off_key *
test_load_key(const char *kmdata, const struct off_world *w, const char *app,
    const char *ident)
{
	struct off_key	*k = NULL;
	struct off_err	 err;

	off_err_clear(&err);
	if (off_key_load(kmdata, w, app, ident, &k, &err) != 0)
		fail_msg("key_%s_%s does not load: %s", app, ident, err.detail);
	assert_non_null(k);
	return k;
}

int
test_reduce(const char *kmdata, const struct off_world *w, const char *drawer,
    const struct off_key *key, EVP_PKEY *kek, const char *target,
    const char *const *pins, struct fe_script *s, struct off_key **out,
    struct off_err *err)
{
	struct off_frontend	 fe;
	struct off_slot		*slot = NULL;
	int			 ret;

	fe_script_init(&fe, s);
	fe_script_pins(s, pins);
	assert_int_equal(off_slot_open(&slot, "drawer", drawer, NULL), 0);
	off_err_clear(err);
	ret = off_key_reduce_acl(kmdata, w, key, kek, target, slot, &fe, out,
	    err);
	off_slot_close(&slot);
	return ret;
}

json_t *
test_key_info(const struct off_key *key)
{
	char	*s = NULL;
	json_t	*o;

	assert_int_equal(off_key_info_json(key, &s, NULL), 0);
	o = json_loads(s, 0, NULL);
	assert_non_null(o);
	free(s);
	return o;
}

const char *
test_jstr(json_t *o, const char *name)
{
	json_t	*v = json_object_get(o, name);

	assert_true(json_is_string(v));
	return json_string_value(v);
}
