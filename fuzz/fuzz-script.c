/* libFuzzer target: ceremony scripts (officiant-ceremony(5)), loaded
 * and checked by off_script_load; what loads has its texts expanded
 * with off_expand and its parameters checked, and off_expand also runs
 * over the raw input. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fuzzlib.h"
#include "json.h"
#include "script.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *path;

/* A value for what the script may name, as the engine would have. */
static const char *
lookup(void *arg, const char *name)
{
	const struct off_script	*s = arg;
	const char		*dot = strchr(name, '.');
	size_t			 i;

	if (dot != NULL) {
		for (i = 0; i < s->nsteps; i++)
			if (strlen(s->steps[i].id) == (size_t)(dot - name) &&
			    strncmp(s->steps[i].id, name,
			    (size_t)(dot - name)) == 0)
				return "result";
		return NULL;
	}
	if (off_script_param(s, name) != NULL)
		return "${nested} $$ value";
	return strcmp(name, "kmdata") == 0 || strcmp(name, "world") == 0 ||
	    strcmp(name, "workdir") == 0 || strcmp(name, "training") == 0 ?
	    "/builtin" : NULL;
}

/* For the raw input: every other name has a value. */
static const char *
lookup_raw(void *arg, const char *name)
{
	(void)arg;
	return strlen(name) % 2 == 0 ? name : NULL;
}

static void
expand(const struct off_script *s, const char *text)
{
	struct off_err	 err;
	char		*out = NULL;

	if (text == NULL)
		return;
	off_err_clear(&err);
	if (off_expand(text, lookup, (void *)(uintptr_t)s, &out, &err) == 0)
		(void)off_text_line_ok(out);
	free(out);
}

static void
exercise(const struct off_script *s)
{
	const struct off_step	*st;
	const struct off_param	*p;
	struct off_err		 err;
	size_t			 i, j;

	expand(s, s->title);
	expand(s, s->description);
	for (i = 0; i < s->nroles; i++) {
		(void)off_script_role(s, s->roles[i].id);
		expand(s, s->roles[i].title);
	}
	for (i = 0; i < s->nparams; i++) {
		p = &s->params[i];
		(void)off_param_type_name(p->type);
		expand(s, p->prompt);
		expand(s, p->help);
		if (p->type != OFF_PARAM_FILE) {
			off_err_clear(&err);
			(void)off_param_check(p, p->def != NULL ? p->def : "42",
			    &err);
		}
	}
	for (i = 0; i < s->nsteps; i++) {
		st = &s->steps[i];
		(void)off_step_type_name(st->type);
		if (off_script_step_index(s, st->id) > i)
			abort();
		expand(s, st->title);
		expand(s, st->text);
		expand(s, st->on);
		for (j = 0; j < st->nitems; j++)
			expand(s, st->items[j]);
		for (j = 0; j < st->nargs; j++)
			expand(s, st->args[j].value);
		for (j = 0; j < st->ncases; j++)
			expand(s, st->cases[j].value);
		if (st->drill != NULL && off_drill_ok(st->drill) != 0)
			abort();
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	off_json_init();
	path = fuzz_path("fuzz.ceremony");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct off_script		*s = NULL;
	struct off_script_problems	 probs;
	struct off_err			 err;
	char				*text, *out = NULL;

	if (size > OFF_SCRIPT_MAX + 1)
		return 0;
	fuzz_write(path, data, size, 0644);
	off_err_clear(&err);
	if (off_script_load(path, &s, &probs, &err) == 0) {
		if (probs.n != 0)
			abort();
		exercise(s);
		off_script_free(&s);
	} else if (s != NULL)
		abort();
	off_script_problems_free(&probs);

	text = fuzz_string(data, size);
	off_err_clear(&err);
	(void)off_expand(text, lookup_raw, NULL, &out, &err);
	free(out);
	free(text);
	return 0;
}
