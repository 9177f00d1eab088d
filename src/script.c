/* Ceremony scripts: the schema, declared once, and the checks of the
 * step graph. See officiant-ceremony(5). */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "action.h"
#include "conf.h"
#include "error.h"
#include "i18n.h"
#include "script.h"

#define REF_MAX		128

static int	word_in(const char *, const char *);

/* The schema. Which fields each step type takes is in step_types. */
static const struct off_conf_field role_fields[] = {
	{ "id", OFF_CONF_STRING, 1, NULL },
	{ "title", OFF_CONF_STRING, 1, NULL },
	{ "count", OFF_CONF_INT, 0, NULL },
	{ "coincide", OFF_CONF_STRINGS, 0, NULL },
	{ NULL, 0, 0, NULL }
};
static const struct off_conf_field param_fields[] = {
	{ "id", OFF_CONF_STRING, 1, NULL },
	{ "type", OFF_CONF_STRING, 1, NULL },
	{ "prompt", OFF_CONF_STRING, 1, NULL },
	{ "help", OFF_CONF_STRING, 0, NULL },
	{ "pattern", OFF_CONF_STRING, 0, NULL },
	{ "choices", OFF_CONF_STRINGS, 0, NULL },
	{ "min", OFF_CONF_INT, 0, NULL },
	{ "max", OFF_CONF_INT, 0, NULL },
	{ "default", OFF_CONF_STRING, 0, NULL },
	{ NULL, 0, 0, NULL }
};
static const struct off_conf_field case_fields[] = {
	{ "value", OFF_CONF_STRING, 1, NULL },
	{ "next", OFF_CONF_STRING, 1, NULL },
	{ NULL, 0, 0, NULL }
};
static const struct off_conf_field step_fields[] = {
	{ "id", OFF_CONF_STRING, 1, NULL },
	{ "type", OFF_CONF_STRING, 1, NULL },
	{ "title", OFF_CONF_STRING, 0, NULL },
	{ "text", OFF_CONF_STRING, 0, NULL },
	{ "role", OFF_CONF_STRING, 0, NULL },
	{ "items", OFF_CONF_STRINGS, 0, NULL },
	{ "action", OFF_CONF_STRING, 0, NULL },
	{ "args", OFF_CONF_SCALARS, 0, NULL },
	{ "on", OFF_CONF_STRING, 0, NULL },
	{ "cases", OFF_CONF_LIST, 0, case_fields },
	{ "default", OFF_CONF_STRING, 0, NULL },
	{ "next", OFF_CONF_STRING, 0, NULL },
	{ "on_failure", OFF_CONF_STRING, 0, NULL },
	{ "minutes", OFF_CONF_INT, 0, NULL },
	{ "drill", OFF_CONF_STRING, 0, NULL },
	{ NULL, 0, 0, NULL }
};
static const struct off_conf_field top_fields[] = {
	{ "id", OFF_CONF_STRING, 1, NULL },
	{ "title", OFF_CONF_STRING, 1, NULL },
	{ "version", OFF_CONF_INT, 1, NULL },
	{ "description", OFF_CONF_STRING, 0, NULL },
	{ "training_only", OFF_CONF_BOOL, 0, NULL },
	{ "roles", OFF_CONF_LIST, 0, role_fields },
	{ "parameters", OFF_CONF_LIST, 0, param_fields },
	{ "steps", OFF_CONF_LIST, 1, step_fields },
	{ NULL, 0, 0, NULL }
};

/* Per step type: the fields it must have and those it may have (beyond
 * id, type, title, minutes). */
static const struct {
	const char		*name;
	enum off_step_type	 type;
	const char		*required;
	const char		*optional;
} step_types[] = {
	{ "instruction", OFF_STEP_INSTRUCTION, "text", "role next on_failure" },
	{ "checklist", OFF_STEP_CHECKLIST, "items", "text role next "
	    "on_failure" },
	{ "action", OFF_STEP_ACTION, "action", "args text role next "
	    "on_failure" },
	{ "quorum", OFF_STEP_QUORUM, "", "text role next on_failure" },
	{ "authenticate", OFF_STEP_AUTHENTICATE, "role", "text next "
	    "on_failure" },
	{ "witness", OFF_STEP_WITNESS, "role text", "next on_failure" },
	{ "branch", OFF_STEP_BRANCH, "on cases default", "text" },
	{ "exception", OFF_STEP_EXCEPTION, "", "text role next on_failure" },
	{ "seal", OFF_STEP_SEAL, "", "text role" },
};
#define NTYPES (sizeof(step_types) / sizeof(step_types[0]))

static const char *const param_types[] = { "string", "choice", "integer",
	"file" };

/* Names the engine provides to every script. */
static const char *const builtins[] = { "kmdata", "world", "workdir",
	"training", NULL };

/* What translates a script's texts; NULL: the message catalogue. */
static off_script_translate_fn	 translator;
static void			*translator_arg;

struct lint {
	struct off_script		*s;
	struct off_script_problems	*probs;
	struct off_err			*err;
	int				 failed;
	int				 nomem;	/* no fault of the script */
};

/* Out of memory while checking: the problems that follow from it are
 * not the script's, and only this is reported. */
static void
oom(struct lint *l)
{
	l->failed = 1;
	l->nomem = 1;
}

static void
problem(struct lint *l, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem(struct lint *l, int line, const char *fmt, ...)
{
	char	 text[512], *m, **nm;
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!l->failed)
		off_err_set(l->err, OFF_ERR_FORMAT, l->s->path, _("line %d: %s"),
		    line, text);
	l->failed = 1;
	if (l->probs == NULL || l->probs->n >= 1000)
		return;
	if (asprintf(&m, "%s:%d: %s", l->s->path, line, text) == -1)
		return;
	if ((nm = reallocarray(l->probs->msg, l->probs->n + 1,
	    sizeof(*nm))) == NULL) {
		free(m);
		return;
	}
	l->probs->msg = nm;
	l->probs->msg[l->probs->n++] = m;
}

void
off_script_problems_free(struct off_script_problems *probs)
{
	size_t	i;

	if (probs == NULL)
		return;
	for (i = 0; i < probs->n; i++)
		free(probs->msg[i]);
	free(probs->msg);
	probs->msg = NULL;
	probs->n = 0;
}

static int
ident_ok(const char *s, size_t max)
{
	size_t	n = strlen(s);

	return n > 0 && n <= max &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

/* Valid UTF-8: no overlong forms, surrogates or code points past
 * U+10FFFF. The transcript's JSON cannot hold anything else: a value
 * that is not would be lost from the record. */
static int
utf8_ok(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 c, min;
	size_t			 n, i;

	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0)
			n = 1, c = *p & 0x1fU, min = 0x80;
		else if ((*p & 0xf0) == 0xe0)
			n = 2, c = *p & 0x0fU, min = 0x800;
		else if ((*p & 0xf8) == 0xf0)
			n = 3, c = *p & 0x07U, min = 0x10000;
		else
			return 0;
		/* A NUL is no continuation byte: the end is never passed. */
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (p[i] & 0x3fU);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) ||
		    off_char_misleads(c))
			return 0;
		p += n + 1;
	}
	return 1;
}

int
off_char_misleads(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) ||		/* C1 controls */
	    (c >= 0x202a && c <= 0x202e) ||		/* bidi embedding */
	    (c >= 0x2066 && c <= 0x2069);		/* bidi isolates */
}

/* Text shown to people: no control characters but newline and tab. */
static int
text_ok(const char *s)
{
	const char	*p = s;

	/* What is shown goes on record as JSON: UTF-8 only. */
	if (!utf8_ok(s))
		return 0;
	for (s = p; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t') ||
		    *s == 0x7f)
			return 0;
	return 1;
}

int
off_text_line_ok(const char *s)
{
	return text_ok(s) && strchr(s, '\n') == NULL && utf8_ok(s);
}

int
off_drill_ok(const char *name)
{
	return *name != '\0' && strchr(name, ' ') == NULL &&
	    word_in(name, OFF_DRILLS) ? 0 : OFF_ERR_INVALID;
}

const char *
off_step_type_name(enum off_step_type t)
{
	size_t	i;

	for (i = 0; i < NTYPES; i++)
		if (step_types[i].type == t)
			return step_types[i].name;
	return "?";
}

const char *
off_param_type_name(enum off_param_type t)
{
	return (size_t)t < sizeof(param_types) / sizeof(param_types[0]) ?
	    param_types[t] : "?";
}

const struct off_param *
off_script_param(const struct off_script *s, const char *id)
{
	size_t	i;

	for (i = 0; i < s->nparams; i++)
		if (strcmp(s->params[i].id, id) == 0)
			return &s->params[i];
	return NULL;
}

size_t
off_script_step_index(const struct off_script *s, const char *id)
{
	size_t	i;

	for (i = 0; i < s->nsteps; i++)
		if (strcmp(s->steps[i].id, id) == 0)
			return i;
	return s->nsteps;
}

const struct off_role *
off_script_role(const struct off_script *s, const char *id)
{
	size_t	i;

	for (i = 0; i < s->nroles; i++)
		if (strcmp(s->roles[i].id, id) == 0)
			return &s->roles[i];
	return NULL;
}

/* A string array setting as a malloc'd list pointing into cfg. */
static const char **
strings(const config_setting_t *a, size_t *n)
{
	const char	**v;
	int		  i, len;

	*n = 0;
	if (a == NULL || (len = config_setting_length(a)) == 0)
		return NULL;
	if ((v = calloc((size_t)len, sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < len; i++)
		v[i] = config_setting_get_string(config_setting_get_elem(a,
		    (unsigned)i));
	*n = (size_t)len;
	return v;
}

static int
word_in(const char *word, const char *list)
{
	size_t	n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' ||
		    p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

int
off_param_check(const struct off_param *p, const char *value,
    struct off_err *err)
{
	struct stat	 st;
	regex_t		 re;
	const char	*digits;
	char		*end;
	long long	 v;
	size_t		 i;
	int		 ok;

	if (!utf8_ok(value))
		return off_err_set(err, OFF_ERR_INVALID, NULL, _("%s: not UTF-8 "
		    "text"), p->id);
	if (strlen(value) > 1024 || !text_ok(value) || strchr(value, '\n'))
		return off_err_set(err, OFF_ERR_INVALID, NULL, _("%s: at most "
		    "1024 characters on one line, no control characters"),
		    p->id);
	switch (p->type) {
	case OFF_PARAM_STRING:
		if (p->pattern == NULL)
			return 0;
		if ((ok = regcomp(&re, p->pattern, REG_EXTENDED |
		    REG_NOSUB)) != 0)
			return ok == REG_ESPACE ? off_err_set(err,
			    OFF_ERR_NOMEM, NULL, _("%s: out of memory to check "
			    "the value"), p->id) : off_err_set(err,
			    OFF_ERR_INVALID, NULL, _("%s: bad pattern"), p->id);
		ok = regexec(&re, value, 0, NULL, 0);
		regfree(&re);
		if (ok == REG_ESPACE)
			return off_err_set(err, OFF_ERR_NOMEM, NULL, _("%s: out "
			    "of memory to check the value"), p->id);
		return ok == 0 ? 0 : off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("%s: \"%s\" does not match %s"), p->id, value,
		    p->pattern);
	case OFF_PARAM_CHOICE:
		for (i = 0; i < p->nchoices; i++)
			if (strcmp(p->choices[i], value) == 0)
				return 0;
		return off_err_set(err, OFF_ERR_INVALID, NULL, _("%s: \"%s\" is "
		    "not one of the choices"), p->id, value);
	case OFF_PARAM_INTEGER:
		/* Digits, as the actions take them: strtoll alone would
		 * also take " 3" and "+3". */
		digits = value + (*value == '-');
		errno = 0;
		v = strtoll(value, &end, 10);
		if (*digits < '0' || *digits > '9' || *end != '\0' ||
		    errno != 0 || v < p->min || v > p->max)
			return off_err_set(err, OFF_ERR_INVALID, NULL, _("%s: "
			    "give a whole number from %lld to %lld"), p->id,
			    p->min, p->max);
		return 0;
	case OFF_PARAM_FILE:
		if (stat(value, &st) != 0 || !S_ISREG(st.st_mode))
			return off_err_set(err, OFF_ERR_INVALID, value,
			    _("%s: no such file"), p->id);
		return 0;
	}
	return OFF_ERR_INTERNAL;
}

/* The references ${...} in text: each must name a parameter, a builtin
 * or an action step's result ("step.key"). */
static void
check_refs(struct lint *l, const char *text, int line)
{
	const char	*p = text, *end;
	char		 name[REF_MAX], *dot;
	size_t		 n, i;

	while ((p = strchr(p, '$')) != NULL) {
		if (p[1] == '$') {
			p += 2;
			continue;
		}
		if (p[1] != '{') {
			p++;
			continue;
		}
		if ((end = strchr(p + 2, '}')) == NULL) {
			problem(l, line, _("unterminated reference \"%.20s\""),
			    p);
			return;
		}
		n = (size_t)(end - p - 2);
		if (n == 0 || n >= sizeof(name)) {
			problem(l, line, _("bad reference \"%.*s\""),
			    (int)(n + 3 > 40 ? 40 : n + 3), p);
			p = end + 1;
			continue;
		}
		memcpy(name, p + 2, n);
		name[n] = '\0';
		p = end + 1;
		if ((dot = strchr(name, '.')) != NULL) {
			*dot = '\0';
			i = off_script_step_index(l->s, name);
			if (i == l->s->nsteps ||
			    l->s->steps[i].type != OFF_STEP_ACTION)
				problem(l, line, _("reference ${%s.%s}: no "
				    "action step \"%s\""), name, dot + 1, name);
			continue;
		}
		if (off_script_param(l->s, name) != NULL)
			continue;
		for (i = 0; builtins[i] != NULL; i++)
			if (strcmp(builtins[i], name) == 0)
				break;
		if (builtins[i] == NULL)
			problem(l, line, _("reference ${%s}: no such parameter"),
			    name);
	}
}

static void
load_roles(struct lint *l, const config_setting_t *list)
{
	struct off_script	*s = l->s;
	const config_setting_t	*g;
	struct off_role		*r;
	int			 i, c;
	size_t			 j, k;

	if (list == NULL || config_setting_length(list) == 0)
		return;
	if ((s->roles = calloc((size_t)config_setting_length(list),
	    sizeof(*s->roles))) == NULL) {
		oom(l);
		return;
	}
	for (i = 0; i < config_setting_length(list); i++) {
		g = config_setting_get_elem(list, (unsigned)i);
		r = &s->roles[s->nroles];
		r->line = config_setting_source_line(g);
		r->id = off_conf_str(g, "id");
		r->title = off_conf_str(g, "title");
		r->count = 1;
		if (config_setting_lookup_int(g, "count", &c) == CONFIG_TRUE) {
			if (c < 1 || c > 255)
				problem(l, r->line, _("role %s: count is 1 to "
				    "255"), r->id);
			else
				r->count = (unsigned)c;
		}
		r->coincide = strings(config_setting_get_member(g, "coincide"),
		    &r->ncoincide);
		/* As a roster names roles: no "_". */
		if (!ident_ok(r->id, 32) || strchr(r->id, '_') != NULL)
			problem(l, r->line, _("role id \"%s\": use 1-32 of a-z, "
			    "0-9 and -"), r->id);
		if (!text_ok(r->title))
			problem(l, r->line, _("role %s: control characters in "
			    "the title"), r->id);
		if (off_script_role(s, r->id) != NULL)
			problem(l, r->line, _("role \"%s\" is defined twice"),
			    r->id);
		s->nroles++;
	}
	for (j = 0; j < s->nroles; j++)
		for (k = 0; k < s->roles[j].ncoincide; k++)
			if (off_script_role(s, s->roles[j].coincide[k]) == NULL)
				problem(l, s->roles[j].line, _("role %s: "
				    "coincide names no role \"%s\""),
				    s->roles[j].id, s->roles[j].coincide[k]);
}

static void
load_params(struct lint *l, const config_setting_t *list)
{
	struct off_script	*s = l->s;
	const config_setting_t	*g;
	struct off_param	*p;
	struct off_err		 e;
	const char		*type;
	long long		 v;
	regex_t			 re;
	int			 i;
	size_t			 t, b;

	if (list == NULL || config_setting_length(list) == 0)
		return;
	if ((s->params = calloc((size_t)config_setting_length(list),
	    sizeof(*s->params))) == NULL) {
		oom(l);
		return;
	}
	for (i = 0; i < config_setting_length(list); i++) {
		g = config_setting_get_elem(list, (unsigned)i);
		p = &s->params[s->nparams];
		p->line = config_setting_source_line(g);
		p->id = off_conf_str(g, "id");
		p->prompt = off_conf_str(g, "prompt");
		p->help = off_conf_str(g, "help");
		p->pattern = off_conf_str(g, "pattern");
		p->def = off_conf_str(g, "default");
		p->choices = strings(config_setting_get_member(g, "choices"),
		    &p->nchoices);
		p->min = 0;
		p->max = 1000000;
		if (config_setting_lookup_int64(g, "min", &v) == CONFIG_TRUE)
			p->min = v;
		if (config_setting_lookup_int64(g, "max", &v) == CONFIG_TRUE)
			p->max = v;
		type = off_conf_str(g, "type");
		for (t = 0; t < sizeof(param_types) / sizeof(param_types[0]);
		    t++)
			if (strcmp(type, param_types[t]) == 0)
				break;
		if (t == sizeof(param_types) / sizeof(param_types[0]))
			problem(l, p->line, _("parameter %s: unknown type "
			    "\"%s\" (string, choice, integer or file)"), p->id,
			    type);
		p->type = (enum off_param_type)t;
		if (!ident_ok(p->id, 32) || strchr(p->id, '.') != NULL)
			problem(l, p->line, _("parameter id \"%s\": use 1-32 of "
			    "a-z, 0-9, - and _"), p->id);
		if (off_script_param(s, p->id) != NULL)
			problem(l, p->line, _("parameter \"%s\" is defined "
			    "twice"), p->id);
		for (b = 0; builtins[b] != NULL; b++)
			if (strcmp(builtins[b], p->id) == 0)
				problem(l, p->line, _("parameter \"%s\" would "
				    "hide the engine's ${%s}"), p->id, p->id);
		if (!text_ok(p->prompt) || (p->help != NULL &&
		    !text_ok(p->help)))
			problem(l, p->line, _("parameter %s: control characters "
			    "in the prompt or help"), p->id);
		if ((p->pattern != NULL) != (t == OFF_PARAM_STRING &&
		    p->pattern != NULL))
			problem(l, p->line, _("parameter %s: only string "
			    "parameters take a pattern"), p->id);
		if ((p->nchoices > 0) != (t == OFF_PARAM_CHOICE))
			problem(l, p->line, _("parameter %s: choices go with "
			    "type choice, and a choice needs them"), p->id);
		if (t != OFF_PARAM_INTEGER && (config_setting_get_member(g,
		    "min") != NULL || config_setting_get_member(g, "max") !=
		    NULL))
			problem(l, p->line, _("parameter %s: only integer "
			    "parameters take min and max"), p->id);
		if (p->min > p->max)
			problem(l, p->line, _("parameter %s: min is above max"),
			    p->id);
		if (p->pattern != NULL) {
			int	rc = regcomp(&re, p->pattern, REG_EXTENDED |
				    REG_NOSUB);

			if (rc == REG_ESPACE)
				oom(l);
			else if (rc != 0)
				problem(l, p->line, _("parameter %s: the "
				    "pattern is not an extended regular "
				    "expression"), p->id);
			else
				regfree(&re);
		}
		off_err_clear(&e);
		if (p->def != NULL && t != OFF_PARAM_FILE &&
		    t < sizeof(param_types) / sizeof(param_types[0]) &&
		    off_param_check(p, p->def, &e) != 0) {
			if (e.code == OFF_ERR_NOMEM)
				oom(l);
			else
				problem(l, p->line, _("parameter %s: the "
				    "default is not valid: %s"), p->id,
				    e.detail);
		}
		s->nparams++;
	}
}

/* A transition target by name; nsteps (and a problem) when unknown. */
static size_t
target(struct lint *l, const char *id, const struct off_step *from)
{
	size_t	i = off_script_step_index(l->s, id);

	if (i == l->s->nsteps)
		problem(l, from->line, _("step %s: goes to \"%s\", which is no "
		    "step"), from->id, id);
	return i;
}

/* Convert the step's own settings; the graph comes after. */
static void
load_step(struct lint *l, const config_setting_t *g, struct off_step *st)
{
	const config_setting_t	*a, *m;
	const char		*type, *name;
	size_t			 t;
	int			 i, n, v;
	char			*num, **no;

	st->line = config_setting_source_line(g);
	st->id = off_conf_str(g, "id");
	st->title = off_conf_str(g, "title");
	st->text = off_conf_str(g, "text");
	st->role = off_conf_str(g, "role");
	st->action = off_conf_str(g, "action");
	st->on = off_conf_str(g, "on");
	st->items = strings(config_setting_get_member(g, "items"),
	    &st->nitems);
	st->drill = off_conf_str(g, "drill");
	if (st->drill != NULL && off_drill_ok(st->drill) != 0)
		problem(l, st->line, _("step %s: unknown drill \"%s\" (%s)"),
		    st->id, st->drill, OFF_DRILLS);
	if (config_setting_lookup_int(g, "minutes", &v) == CONFIG_TRUE) {
		if (v < 0 || v > 24 * 60)
			problem(l, st->line, _("step %s: minutes is 0 to %d"),
			    st->id, 24 * 60);
		else
			st->minutes = (unsigned)v;
	}
	type = off_conf_str(g, "type");
	for (t = 0; t < NTYPES; t++)
		if (strcmp(type, step_types[t].name) == 0)
			break;
	if (t == NTYPES) {
		problem(l, st->line, _("step %s: unknown type \"%s\""), st->id,
		    type);
		st->type = OFF_STEP_INSTRUCTION;
		return;
	}
	st->type = step_types[t].type;
	if (!ident_ok(st->id, 32) || strchr(st->id, '.') != NULL)
		problem(l, st->line, _("step id \"%s\": use 1-32 of a-z, 0-9, - "
		    "and _"), st->id);
	if ((st->title != NULL && !text_ok(st->title)) ||
	    (st->text != NULL && !text_ok(st->text)))
		problem(l, st->line, _("step %s: control characters in the "
		    "title or text"), st->id);
	/* Fields this type must have, and those it cannot take. */
	n = config_setting_length(g);
	for (i = 0; i < n; i++) {
		name = config_setting_name(config_setting_get_elem(g,
		    (unsigned)i));
		if (strcmp(name, "id") == 0 || strcmp(name, "type") == 0 ||
		    strcmp(name, "title") == 0 || strcmp(name, "minutes") == 0 ||
		    (strcmp(name, "drill") == 0 && st->type != OFF_STEP_SEAL &&
		    st->type != OFF_STEP_BRANCH))
			continue;
		if (!word_in(name, step_types[t].required) &&
		    !word_in(name, step_types[t].optional))
			problem(l, config_setting_source_line(
			    config_setting_get_elem(g, (unsigned)i)),
			    _("step %s: steps of type %s take no \"%s\""), st->id,
			    type, name);
	}
	for (i = 0, name = step_types[t].required; *name != '\0'; ) {
		char	field[16];
		size_t	len = strcspn(name, " ");

		snprintf(field, sizeof(field), "%.*s", (int)len, name);
		if (config_setting_get_member(g, field) == NULL)
			problem(l, st->line, _("step %s: steps of type %s need "
			    "\"%s\""), st->id, type, field);
		name += len;
		name += strspn(name, " ");
	}
	if (st->type == OFF_STEP_CHECKLIST && st->nitems == 0 &&
	    config_setting_get_member(g, "items") != NULL)
		problem(l, st->line, _("step %s: an empty checklist"), st->id);
	for (t = 0; t < st->nitems; t++)
		if (!text_ok(st->items[t]))
			problem(l, st->line, _("step %s: control characters in "
			    "an item"), st->id);
	if ((a = config_setting_get_member(g, "args")) == NULL)
		return;
	n = config_setting_length(a);
	if (n == 0 || (st->args = calloc((size_t)n, sizeof(*st->args))) ==
	    NULL)
		return;
	for (i = 0; i < n; i++) {
		m = config_setting_get_elem(a, (unsigned)i);
		st->args[i].name = config_setting_name(m);
		if (config_setting_type(m) == CONFIG_TYPE_STRING)
			st->args[i].value = config_setting_get_string(m);
		else {
			/* Numbers and booleans become their text. */
			if (config_setting_type(m) == CONFIG_TYPE_BOOL)
				num = strdup(config_setting_get_bool(m) ?
				    "true" : "false");
			else if (asprintf(&num, "%lld",
			    config_setting_get_int64(m)) == -1)
				num = NULL;
			if (num == NULL || (no = reallocarray(l->s->owned,
			    l->s->nowned + 1, sizeof(*no))) == NULL) {
				free(num);
				oom(l);
				return;
			}
			l->s->owned = no;
			no[l->s->nowned++] = num;
			st->args[i].value = num;
		}
		st->nargs++;
	}
}

/* An action step's arguments against the action's table. */
static void
check_action(struct lint *l, const struct off_step *st)
{
	const struct off_action	*a;
	const struct off_action_arg *aa;
	size_t			 i;

	if ((a = off_action_find(st->action)) == NULL) {
		problem(l, st->line, _("step %s: unknown action \"%s\""), st->id,
		    st->action);
		return;
	}
	for (i = 0; i < st->nargs; i++) {
		for (aa = a->args; aa->name != NULL; aa++)
			if (strcmp(aa->name, st->args[i].name) == 0)
				break;
		if (aa->name == NULL)
			problem(l, st->line, _("step %s: action %s takes no "
			    "argument \"%s\""), st->id, a->name,
			    st->args[i].name);
		check_refs(l, st->args[i].value, st->line);
	}
	for (aa = a->args; aa->name != NULL; aa++) {
		if (!aa->required)
			continue;
		for (i = 0; i < st->nargs; i++)
			if (strcmp(aa->name, st->args[i].name) == 0)
				break;
		if (i == st->nargs)
			problem(l, st->line, _("step %s: action %s needs the "
			    "argument \"%s\""), st->id, a->name, aa->name);
	}
}

/* Transitions of step i, and the checks that need all steps. */
static void
link_step(struct lint *l, const config_setting_t *g, size_t i)
{
	struct off_script	*s = l->s;
	struct off_step		*st = &s->steps[i];
	const config_setting_t	*cases;
	const char		*v;
	size_t			 c;

	st->next = st->def = st->fail_to = s->nsteps;
	if (st->type != OFF_STEP_SEAL && st->type != OFF_STEP_BRANCH) {
		if ((v = off_conf_str(g, "next")) != NULL)
			st->next = target(l, v, st);
		else if (i + 1 < s->nsteps)
			st->next = i + 1;
		else
			problem(l, st->line, _("step %s: the last step must be "
			    "a seal or say where to go next"), st->id);
	}
	st->on_failure = OFF_FAIL_ABORT;
	if ((v = off_conf_str(g, "on_failure")) != NULL) {
		if (strcmp(v, "abort") == 0)
			st->on_failure = OFF_FAIL_ABORT;
		else if (strcmp(v, "retry") == 0)
			st->on_failure = OFF_FAIL_RETRY;
		else {
			st->on_failure = OFF_FAIL_GOTO;
			st->fail_to = target(l, v, st);
		}
	}
	if (st->type == OFF_STEP_BRANCH) {
		/* Without "on" it is already a problem. */
		if (st->on != NULL)
			check_refs(l, st->on, st->line);
		if ((v = off_conf_str(g, "default")) != NULL)
			st->def = target(l, v, st);
		cases = config_setting_get_member(g, "cases");
		if (cases != NULL && config_setting_length(cases) > 0 &&
		    (st->cases = calloc((size_t)config_setting_length(cases),
		    sizeof(*st->cases))) != NULL) {
			for (c = 0; c < (size_t)config_setting_length(cases);
			    c++) {
				const config_setting_t *cg =
				    config_setting_get_elem(cases, (unsigned)c);

				st->cases[c].value = off_conf_str(cg, "value");
				st->cases[c].next = target(l, off_conf_str(cg,
				    "next"), st);
				st->ncases++;
			}
		} else if (cases != NULL)
			problem(l, st->line, _("step %s: a branch needs at "
			    "least one case"), st->id);
	}
	if (st->role != NULL && off_script_role(s, st->role) == NULL)
		problem(l, st->line, _("step %s: no role \"%s\""), st->id,
		    st->role);
	if (st->text != NULL)
		check_refs(l, st->text, st->line);
	for (c = 0; c < st->nitems; c++)
		check_refs(l, st->items[c], st->line);
	if (st->type == OFF_STEP_ACTION && st->action != NULL)
		check_action(l, st);
}

/* Every step reachable from the first; a seal reachable from every
 * step (else it is a dead end or a cycle without exit). */
static void
check_graph(struct lint *l)
{
	struct off_script	*s = l->s;
	unsigned char		*fwd, *back;
	size_t			 i, changed, n = s->nsteps;
	int			 seal = 0;

	if ((fwd = calloc(n, 1)) == NULL || (back = calloc(n, 1)) == NULL) {
		free(fwd);
		oom(l);
		return;
	}
	fwd[0] = 1;
	for (i = 0; i < n; i++)
		if (s->steps[i].type == OFF_STEP_SEAL)
			back[i] = 1, seal = 1;
	/* Fixed points over the edges, both ways (n is small). */
	do {
		changed = 0;
		for (i = 0; i < n; i++) {
			const struct off_step	*st = &s->steps[i];
			size_t			 k, nto, to;

			nto = 3 + st->ncases;
			for (k = 0; k < nto; k++) {
				to = k == 0 ? st->next : k == 1 ? st->def :
				    k == 2 ? (st->on_failure == OFF_FAIL_GOTO ?
				    st->fail_to : n) : st->cases[k - 3].next;
				if (to >= n)
					continue;
				if (fwd[i] && !fwd[to])
					fwd[to] = 1, changed = 1;
				if (back[to] && !back[i])
					back[i] = 1, changed = 1;
			}
		}
	} while (changed);
	if (!seal)
		problem(l, s->steps[n - 1].line, _("no seal step: the ceremony "
		    "can never end"));
	for (i = 0; i < n; i++) {
		if (!fwd[i])
			problem(l, s->steps[i].line, _("step %s cannot be "
			    "reached"), s->steps[i].id);
		else if (seal && !back[i])
			problem(l, s->steps[i].line, _("step %s: no way from "
			    "here to a seal (a cycle without exit?)"),
			    s->steps[i].id);
	}
	free(fwd);
	free(back);
}

/* The reader's or the schema's first problem ("line N: text") in the
 * same "file:line: text" form as the others. */
static void
schema_problem(struct off_script_problems *probs, const char *path,
    const char *detail)
{
	int	line, n = 0, r;

	if (probs == NULL || (probs->msg = calloc(1, sizeof(char *))) == NULL)
		return;
	if (sscanf(detail, "line %d: %n", &line, &n) == 1 && n > 0)
		r = asprintf(&probs->msg[0], "%s:%d: %s", path, line,
		    detail + n);
	else
		r = asprintf(&probs->msg[0], "%s: %s", path, detail);
	if (r != -1)
		probs->n = 1;
}

void
off_script_texts(struct off_script *s, off_script_text_fn fn, void *arg)
{
	struct off_script_place	 w;
	struct off_step		*st;
	size_t			 i, j;

	memset(&w, 0, sizeof(w));
	w.of = "script";
	w.field = "title";
	fn(arg, &w, &s->title);
	w.field = "description";
	if (s->description != NULL)
		fn(arg, &w, &s->description);
	w.of = "role";
	w.field = "title";
	for (i = 0; i < s->nroles; i++) {
		w.id = s->roles[i].id;
		fn(arg, &w, &s->roles[i].title);
	}
	w.of = "parameter";
	for (i = 0; i < s->nparams; i++) {
		w.id = s->params[i].id;
		w.field = "prompt";
		fn(arg, &w, &s->params[i].prompt);
		w.field = "help";
		if (s->params[i].help != NULL)
			fn(arg, &w, &s->params[i].help);
	}
	w.of = "step";
	for (i = 0; i < s->nsteps; i++) {
		st = &s->steps[i];
		w.id = st->id;
		w.field = "title";
		if (st->title != NULL)
			fn(arg, &w, &st->title);
		w.field = "text";
		if (st->text != NULL)
			fn(arg, &w, &st->text);
		w.field = "items";
		for (j = 0; j < st->nitems; j++) {
			w.item = j + 1;
			fn(arg, &w, &st->items[j]);
		}
		w.item = 0;
	}
}

void
off_script_set_translator(off_script_translate_fn fn, void *arg)
{
	translator = fn;
	translator_arg = arg;
}

/* The next ${name} from *p on, read as off_expand reads it ("$$" is no
 * reference): 1 with name and len set, 0 at the end, -1 at a "${" that
 * is no reference. */
static int
next_ref(const char **p, const char **name, size_t *len)
{
	const char	*s = *p, *end;

	while ((s = strchr(s, '$')) != NULL) {
		if (s[1] == '$')
			s += 2;
		else if (s[1] != '{')
			s++;
		else {
			if ((end = strchr(s + 2, '}')) == NULL ||
			    end == s + 2 || (size_t)(end - s - 2) >= REF_MAX)
				return -1;
			*name = s + 2;
			*len = (size_t)(end - s - 2);
			*p = end + 1;
			return 1;
		}
	}
	return 0;
}

static size_t
ref_count(const char *s, const char *name, size_t len)
{
	const char	*n;
	size_t		 l, c = 0;

	while (next_ref(&s, &n, &l) == 1)
		if (l == len && memcmp(n, name, len) == 0)
			c++;
	return c;
}

int
off_script_refs_same(const char *a, const char *b)
{
	const char	*p, *name;
	size_t		 len, na = 0, nb = 0;
	int		 r;

	for (p = b; (r = next_ref(&p, &name, &len)) == 1; )
		nb++;
	if (r != 0)
		return 0;
	for (p = a; (r = next_ref(&p, &name, &len)) == 1; na++)
		if (ref_count(a, name, len) != ref_count(b, name, len))
			return 0;
	return r == 0 && na == nb;
}

/* A text in its translation, where that is safe to show instead: the
 * same references (what the ceremony expands cannot change), text fit
 * to show, and on one line where the original is. Else as it is. */
static void
translate_one(void *arg, const struct off_script_place *where,
    const char **text)
{
	const char	*t, *o = *text;

	(void)arg;
	(void)where;
	/* The translation of "" is the catalogue's header. */
	if (*o == '\0')
		return;
	t = translator != NULL ? translator(translator_arg, o) :
	    dgettext(PACKAGE, o);
	if (t == NULL || t == o || *t == '\0' || !text_ok(t) ||
	    (strchr(o, '\n') == NULL && strchr(t, '\n') != NULL) ||
	    !off_script_refs_same(o, t))
		return;
	*text = t;
}

int
off_script_load(const char *path, struct off_script **out,
    struct off_script_problems *probs, struct off_err *err)
{
	struct off_script	*s;
	struct lint		 l;
	const config_setting_t	*steps, *root;
	size_t			  i, j;
	int			  v, ret;

	*out = NULL;
	if (probs != NULL)
		memset(probs, 0, sizeof(*probs));
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	snprintf(s->path, sizeof(s->path), "%s", path);
	config_init(&s->cfg);
	memset(&l, 0, sizeof(l));
	l.s = s;
	l.probs = probs;
	l.err = err;
	if ((ret = off_conf_read_sha256(path, OFF_SCRIPT_MAX, &s->cfg,
	    s->sha256, err)) != 0 ||
	    (ret = off_conf_check(config_root_setting(&s->cfg), top_fields,
	    path, err)) != 0) {
		schema_problem(probs, path, err->detail);
		off_script_free(&s);
		return ret;
	}
	root = config_root_setting(&s->cfg);
	s->id = off_conf_str(root, "id");
	s->title = off_conf_str(root, "title");
	s->description = off_conf_str(root, "description");
	(void)config_setting_lookup_bool(root, "training_only",
	    &s->training_only);
	if (config_setting_lookup_int(root, "version", &v) == CONFIG_TRUE)
		s->version = v > 0 ? (unsigned)v : 0;
	if (!ident_ok(s->id, OFF_SCRIPT_ID_MAX) || strchr(s->id, '_') != NULL)
		problem(&l, config_setting_source_line(config_setting_get_member(
		    root, "id")), _("the script id \"%s\": use 1-64 of a-z, "
		    "0-9 and -"), s->id);
	if (s->version == 0)
		problem(&l, config_setting_source_line(config_setting_get_member(
		    root, "version")), _("version must be 1 or more"));
	if (!text_ok(s->title))
		problem(&l, config_setting_source_line(config_setting_get_member(
		    root, "title")), _("control characters in the title"));
	if (s->description != NULL && !text_ok(s->description))
		problem(&l, config_setting_source_line(config_setting_get_member(
		    root, "description")), _("control characters in the "
		    "description"));
	load_roles(&l, config_setting_get_member(root, "roles"));
	load_params(&l, config_setting_get_member(root, "parameters"));
	steps = config_setting_get_member(root, "steps");
	if (config_setting_length(steps) == 0) {
		problem(&l, config_setting_source_line(steps), _("no steps"));
		goto done;
	}
	if ((s->steps = calloc((size_t)config_setting_length(steps),
	    sizeof(*s->steps))) == NULL) {
		oom(&l);
		goto done;
	}
	s->nsteps = (size_t)config_setting_length(steps);
	for (i = 0; i < s->nsteps; i++)
		load_step(&l, config_setting_get_elem(steps, (unsigned)i),
		    &s->steps[i]);
	for (i = 0; i < s->nsteps; i++)
		for (j = 0; j < i; j++)
			if (strcmp(s->steps[i].id, s->steps[j].id) == 0)
				problem(&l, s->steps[i].line, _("step id \"%s\" "
				    "is used twice (first on line %d)"),
				    s->steps[i].id, s->steps[j].line);
	for (i = 0; i < s->nsteps; i++)
		link_step(&l, config_setting_get_elem(steps, (unsigned)i), i);
	/* Prompts are expanded too when they are shown. */
	for (i = 0; i < s->nparams; i++) {
		check_refs(&l, s->params[i].prompt, s->params[i].line);
		if (s->params[i].help != NULL)
			check_refs(&l, s->params[i].help, s->params[i].line);
	}
	check_graph(&l);
done:
	if (l.nomem) {
		off_script_problems_free(probs);
		off_script_free(&s);
		return off_err_set(err, OFF_ERR_NOMEM, path, _("out of memory "
		    "while reading the script"));
	}
	if (l.failed) {
		off_script_free(&s);
		return OFF_ERR_FORMAT;
	}
	/* Checked as written; shown as translated. */
	off_script_texts(s, translate_one, NULL);
	*out = s;
	return 0;
}

void
off_script_free(struct off_script **sp)
{
	struct off_script	*s = *sp;
	size_t			 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nowned; i++)
		free(s->owned[i]);
	free(s->owned);
	for (i = 0; i < s->nroles; i++)
		free(s->roles[i].coincide);
	free(s->roles);
	for (i = 0; i < s->nparams; i++)
		free(s->params[i].choices);
	free(s->params);
	for (i = 0; s->steps != NULL && i < s->nsteps; i++) {
		free(s->steps[i].items);
		free(s->steps[i].args);
		free(s->steps[i].cases);
	}
	free(s->steps);
	config_destroy(&s->cfg);
	free(s);
	*sp = NULL;
}

/* Append n bytes to the growing buffer. */
static int
grow(char **buf, size_t *len, size_t *cap, const char *p, size_t n)
{
	char	*nb;

	if (*len + n > *cap) {
		*cap = (*len + n) * 2 + 64;
		if ((nb = realloc(*buf, *cap)) == NULL)
			return OFF_ERR_NOMEM;
		*buf = nb;
	}
	memcpy(*buf + *len, p, n);
	*len += n;
	return 0;
}

int
off_expand(const char *in, off_lookup_fn lookup, void *arg, char **out,
    struct off_err *err)
{
	char		*buf = NULL, name[REF_MAX];
	const char	*p = in, *end, *v;
	size_t		 len = 0, cap = 0, n;
	int		 ret = 0;

	*out = NULL;
	while (ret == 0 && *p != '\0') {
		if (p[0] == '$' && p[1] == '$') {
			ret = grow(&buf, &len, &cap, "$", 1);
			p += 2;
		} else if (p[0] == '$' && p[1] == '{' &&
		    (end = strchr(p + 2, '}')) != NULL &&
		    (n = (size_t)(end - p - 2)) > 0 && n < sizeof(name)) {
			memcpy(name, p + 2, n);
			name[n] = '\0';
			if ((v = lookup(arg, name)) == NULL) {
				free(buf);
				return off_err_set(err, OFF_ERR_NOT_FOUND, NULL,
				    _("${%s} has no value here"), name);
			}
			ret = grow(&buf, &len, &cap, v, strlen(v));
			p = end + 1;
		} else
			ret = grow(&buf, &len, &cap, p++, 1);
	}
	if (ret == 0)
		ret = grow(&buf, &len, &cap, "", 1);
	if (ret != 0) {
		free(buf);
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	}
	*out = buf;
	return 0;
}
