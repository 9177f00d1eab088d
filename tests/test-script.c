/* Ceremony scripts: every lint rule refuses a small script with
 * OFF_ERR_FORMAT and names the file, the line and the problem (schema:
 * unknown settings, wrong types, missing settings; per step type the
 * fields it needs and those it cannot take; the step graph: duplicate
 * ids, dangling transitions, unreachable steps, cycles without exit, no
 * seal; references, actions and their arguments, roles, parameter
 * definitions, ids, control characters, @include), every built-in
 * ceremony loads without a problem, the reference expander and the
 * parameter checks, and the translation of the texts (used only with
 * the same references, never of what the engine reads). */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "error.h"
#include "script.h"
#include "testlib.h"

/* The pieces most scripts below are made of. */
#define HDR	"id = \"t\";\ntitle = \"T\";\nversion = 1;\n"
#define ROLES	"roles = ( { id = \"admin\"; title = \"Admin\"; },\n" \
		"  { id = \"witness\"; title = \"Witness\"; } );\n"
#define PARAMS	"parameters = ( { id = \"p\"; type = \"choice\"; " \
		"choices = [ \"x\", \"y\" ]; prompt = \"P\"; } );\n"
#define SEAL	"  { id = \"end\"; type = \"seal\"; }\n"
/* Steps given as lines ending in ",\n", then the seal. */
#define STEPS(x) "steps = (\n" x SEAL ");\n"
#define INSTR	"  { id = \"a\"; type = \"instruction\"; text = \"hi\"; },\n"
#define GOOD	HDR ROLES PARAMS STEPS(INSTR)

struct fx {
	char	*dir;
	char	 path[PATH_MAX];
};

static int
setup(void **state)
{
	struct fx	*f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dir = test_tmpdir();
	snprintf(f->path, sizeof(f->path), "%s/t.ceremony", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;

	test_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void
write_bytes(const char *path, const char *data, size_t len)
{
	FILE	*fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void
write_text(const char *path, const char *text)
{
	write_bytes(path, text, strlen(text));
}

/* The line of text that holds needle first (1-based). */
static int
line_of(const char *text, const char *needle)
{
	const char	*p = strstr(text, needle), *q;
	int		 line = 1;

	if (p == NULL)
		fail_msg("test bug: \"%s\" is not in the script", needle);
	for (q = text; q < p; q++)
		if (*q == '\n')
			line++;
	return line;
}

/* A script that must not load, and what its problem says. */
struct bad {
	const char	*name;
	const char	*text;
	const char	*at;		/* the problem's line holds this;
					   NULL: the problem has no line */
	const char	*words[4];	/* all in the problem's text */
};

static void
dump(const struct off_script_problems *probs)
{
	size_t	i;

	for (i = 0; i < probs->n; i++)
		print_message("  problem: %s\n", probs->msg[i]);
}

/* 1 when some problem starts with prefix and holds every word. */
static int
has_problem(const struct off_script_problems *probs, const char *prefix,
    const char *const *words, size_t nwords)
{
	size_t	i, j;

	for (i = 0; i < probs->n; i++) {
		if (strncmp(probs->msg[i], prefix, strlen(prefix)) != 0)
			continue;
		for (j = 0; j < nwords && words[j] != NULL; j++)
			if (strstr(probs->msg[i] + strlen(prefix),
			    words[j]) == NULL)
				break;
		if (j == nwords || words[j] == NULL)
			return 1;
	}
	return 0;
}

static void
check_bad_text(struct fx *f, const char *name, const char *text, size_t len,
    const char *at, const char *const *words, size_t nwords)
{
	struct off_script_problems	 probs;
	struct off_script		*s = (struct off_script *)1;
	struct off_err			 err;
	char				 prefix[PATH_MAX + 32];
	int				 ret;

	write_bytes(f->path, text, len);
	off_err_clear(&err);
	ret = off_script_load(f->path, &s, &probs, &err);
	if (ret != OFF_ERR_FORMAT) {
		dump(&probs);
		fail_msg("%s: off_script_load returned %d (%s), expected "
		    "OFF_ERR_FORMAT", name, ret, off_strerror(ret));
	}
	assert_null(s);
	assert_int_equal(err.code, OFF_ERR_FORMAT);
	assert_true(err.detail[0] != '\0');
	if (at != NULL)
		snprintf(prefix, sizeof(prefix), "%s:%d: ", f->path,
		    line_of(text, at));
	else
		snprintf(prefix, sizeof(prefix), "%s: ", f->path);
	if (!has_problem(&probs, prefix, words, nwords)) {
		dump(&probs);
		fail_msg("%s: no problem \"%s%s...\"", name, prefix,
		    words[0]);
	}
	off_script_problems_free(&probs);
	assert_int_equal(probs.n, 0);
	assert_null(probs.msg);
}

static void
check_bad(struct fx *f, const struct bad *b)
{
	check_bad_text(f, b->name, b->text, strlen(b->text), b->at, b->words,
	    sizeof(b->words) / sizeof(b->words[0]));
}

static void
check_table(void **state, const struct bad *t, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		check_bad(*state, &t[i]);
}
#define CHECK_TABLE(t) check_table(state, t, sizeof(t) / sizeof(t[0]))

static struct off_script *
load_good(struct fx *f, const char *text)
{
	struct off_script_problems	 probs;
	struct off_script		*s = NULL;
	struct off_err			 err;
	int				 ret;

	write_text(f->path, text);
	off_err_clear(&err);
	if ((ret = off_script_load(f->path, &s, &probs, &err)) != 0) {
		dump(&probs);
		fail_msg("a good script was refused (%d): %s", ret, err.detail);
	}
	assert_int_equal(probs.n, 0);
	assert_non_null(s);
	off_script_problems_free(&probs);
	return s;
}

/* --- the schema ----------------------------------------------------- */

static void
test_unknown_settings(void **state)
{
	static const struct bad t[] = {
		{ "unknown top-level", HDR "colour = \"red\";\n" ROLES PARAMS
		    STEPS(INSTR), "colour", { "unknown setting \"colour\"" } },
		{ "unknown step setting", HDR ROLES PARAMS STEPS(
		    "  { id = \"a\"; type = \"instruction\"; text = \"hi\";\n"
		    "    colour = \"red\"; },\n"), "colour",
		    { "unknown setting \"colour\"" } },
		{ "unknown role setting", HDR "roles = ( { id = \"admin\"; "
		    "title = \"A\";\n  boss = \"x\"; } );\n" PARAMS
		    STEPS(INSTR), "boss", { "unknown setting \"boss\"" } },
		{ "unknown parameter setting", HDR ROLES "parameters = ( { "
		    "id = \"p\"; type = \"string\"; prompt = \"P\";\n"
		    "  secret = true; } );\n" STEPS(INSTR), "secret",
		    { "unknown setting \"secret\"" } },
		{ "unknown case setting", HDR ROLES PARAMS STEPS(
		    "  { id = \"b\"; type = \"branch\"; on = \"${p}\";\n"
		    "    cases = ( { value = \"x\"; next = \"end\";\n"
		    "      weight = 2; } ); default = \"end\"; },\n"),
		    "weight", { "unknown setting \"weight\"" } },
		{ "misspelt top-level", HDR "step = ();\n" ROLES PARAMS
		    STEPS(INSTR), "step =", { "unknown setting \"step\"" } },
	};

	CHECK_TABLE(t);
}

static void
test_wrong_types(void **state)
{
	static const struct bad t[] = {
		{ "version a string", "id = \"t\";\ntitle = \"T\";\n"
		    "version = \"1\";\n" STEPS(INSTR), "version",
		    { "\"version\" must be an integer" } },
		{ "title a number", "id = \"t\";\ntitle = 3;\nversion = 1;\n"
		    STEPS(INSTR), "title", { "\"title\" must be a string" } },
		{ "training_only a number", HDR "training_only = 1;\n"
		    STEPS(INSTR), "training_only",
		    { "\"training_only\" must be true or false" } },
		{ "steps a group", HDR "steps = { a = 1; };\n", "steps",
		    { "\"steps\" must be a list of groups" } },
		{ "steps of strings", HDR "steps = ( \"a\", \"b\" );\n",
		    "steps", { "\"steps\" must be a list of groups" } },
		{ "roles an array", HDR "roles = [ \"admin\" ];\n"
		    STEPS(INSTR), "roles", { "\"roles\" must be a list" } },
		{ "items a string", HDR STEPS("  { id = \"c\"; type = "
		    "\"checklist\";\n    items = \"x\"; },\n"), "items",
		    { "\"items\" must be an array of strings" } },
		{ "items of numbers", HDR STEPS("  { id = \"c\"; type = "
		    "\"checklist\";\n    items = [ 1, 2 ]; },\n"), "items",
		    { "\"items\" must be an array of strings" } },
		{ "minutes a string", HDR STEPS("  { id = \"a\"; type = "
		    "\"instruction\"; text = \"x\";\n    minutes = \"5\"; },\n"),
		    "minutes", { "\"minutes\" must be an integer" } },
		{ "role count a string", HDR "roles = ( { id = \"admin\"; "
		    "title = \"A\";\n  count = \"3\"; } );\n" STEPS(INSTR),
		    "count", { "\"count\" must be an integer" } },
		{ "coincide a string", HDR "roles = ( { id = \"admin\"; "
		    "title = \"A\";\n  coincide = \"witness\"; } );\n"
		    STEPS(INSTR), "coincide",
		    { "\"coincide\" must be an array of strings" } },
		{ "args a list", HDR STEPS("  { id = \"w\"; type = "
		    "\"action\"; action = \"world.info\";\n"
		    "    args = ( 1, 2 ); },\n"), "args = (",
		    { "\"args\" must be a group of strings and numbers" } },
		{ "args holding an array", HDR STEPS("  { id = \"w\"; "
		    "type = \"action\"; action = \"world.info\";\n"
		    "    args = { a = [ 1 ]; }; },\n"), "args = {",
		    { "\"args\" must be a group of strings and numbers" } },
		{ "min a string", HDR "parameters = ( { id = \"n\"; type = "
		    "\"integer\"; prompt = \"N\";\n  min = \"1\"; } );\n"
		    STEPS(INSTR), "min =", { "\"min\" must be an integer" } },
		{ "default a number", HDR "parameters = ( { id = \"n\"; "
		    "type = \"integer\"; prompt = \"N\";\n  default = 2; } );\n"
		    STEPS(INSTR), "default =",
		    { "\"default\" must be a string" } },
		{ "next a number", HDR STEPS("  { id = \"a\"; type = "
		    "\"instruction\"; text = \"x\";\n    next = 2; },\n"),
		    "next =", { "\"next\" must be a string" } },
		{ "cases a group", HDR PARAMS STEPS("  { id = \"b\"; type = "
		    "\"branch\"; on = \"${p}\"; default = \"end\";\n"
		    "    cases = { value = \"x\"; }; },\n"), "cases =",
		    { "\"cases\" must be a list of groups" } },
	};

	CHECK_TABLE(t);
}

static void
test_missing_required(void **state)
{
	static const struct bad t[] = {
		{ "no id", "title = \"T\";\nversion = 1;\n" STEPS(INSTR), NULL,
		    { "\"id\" is missing" } },
		{ "no title", "id = \"t\";\nversion = 1;\n" STEPS(INSTR), NULL,
		    { "\"title\" is missing" } },
		{ "no version", "id = \"t\";\ntitle = \"T\";\n" STEPS(INSTR),
		    NULL, { "\"version\" is missing" } },
		{ "no steps", HDR ROLES PARAMS, NULL,
		    { "\"steps\" is missing" } },
		{ "step without id", HDR STEPS("  { type = \"instruction\"; "
		    "text = \"x\"; },\n"), "{ type", { "\"id\" is missing" } },
		{ "step without type", HDR STEPS("  { id = \"a\"; "
		    "text = \"x\"; },\n"), "{ id = \"a\"",
		    { "\"type\" is missing" } },
		{ "role without title", HDR "roles = ( { id = \"admin\"; } );\n"
		    STEPS(INSTR), "{ id = \"admin\"",
		    { "\"title\" is missing" } },
		{ "parameter without prompt", HDR "parameters = ( { id = "
		    "\"p\"; type = \"string\"; } );\n" STEPS(INSTR),
		    "{ id = \"p\"", { "\"prompt\" is missing" } },
		{ "parameter without type", HDR "parameters = ( { id = "
		    "\"p\"; prompt = \"P\"; } );\n" STEPS(INSTR),
		    "{ id = \"p\"", { "\"type\" is missing" } },
		{ "case without next", HDR PARAMS STEPS("  { id = \"b\"; "
		    "type = \"branch\"; on = \"${p}\"; default = \"end\";\n"
		    "    cases = ( { value = \"x\"; } ); },\n"),
		    "{ value", { "\"next\" is missing" } },
	};

	CHECK_TABLE(t);
}

/* --- step types ------------------------------------------------------ */

static void
test_step_needs(void **state)
{
	static const struct bad t[] = {
		{ "instruction without text", HDR STEPS("  { id = \"a\"; "
		    "type = \"instruction\"; },\n"), "id = \"a\"",
		    { "step a:", "instruction", "need", "\"text\"" } },
		{ "checklist without items", HDR STEPS("  { id = \"c\"; "
		    "type = \"checklist\"; },\n"), "id = \"c\"",
		    { "step c:", "checklist", "need", "\"items\"" } },
		{ "action without action", HDR STEPS("  { id = \"w\"; "
		    "type = \"action\"; },\n"), "id = \"w\"",
		    { "step w:", "action", "need", "\"action\"" } },
		{ "authenticate without role", HDR STEPS("  { id = \"u\"; "
		    "type = \"authenticate\"; },\n"), "id = \"u\"",
		    { "step u:", "authenticate", "need", "\"role\"" } },
		{ "witness without role", HDR ROLES STEPS("  { id = \"v\"; "
		    "type = \"witness\"; text = \"I saw\"; },\n"),
		    "id = \"v\"", { "step v:", "witness", "need", "\"role\"" } },
		{ "witness without text", HDR ROLES STEPS("  { id = \"v\"; "
		    "type = \"witness\"; role = \"witness\"; },\n"),
		    "id = \"v\"", { "step v:", "witness", "need", "\"text\"" } },
		{ "branch without cases", HDR PARAMS STEPS("  { id = \"b\"; "
		    "type = \"branch\"; on = \"${p}\"; default = \"end\"; },\n"),
		    "id = \"b\"", { "step b:", "branch", "need", "\"cases\"" } },
		{ "branch without default", HDR PARAMS STEPS("  { id = \"b\"; "
		    "type = \"branch\"; on = \"${p}\";\n    cases = ( { value = "
		    "\"x\"; next = \"end\"; } ); },\n"), "id = \"b\"",
		    { "step b:", "branch", "need", "\"default\"" } },
		{ "branch without on", HDR PARAMS STEPS("  { id = \"b\"; "
		    "type = \"branch\"; default = \"end\";\n    cases = ( { "
		    "value = \"x\"; next = \"end\"; } ); },\n"), "id = \"b\"",
		    { "step b:", "branch", "need", "\"on\"" } },
		{ "branch with no case", HDR PARAMS STEPS("  { id = \"b\"; "
		    "type = \"branch\"; on = \"${p}\"; default = \"end\";\n"
		    "    cases = ( ); },\n"), "id = \"b\"",
		    { "step b:", "at least one case" } },
		{ "empty checklist", HDR STEPS("  { id = \"c\"; type = "
		    "\"checklist\"; items = [ ]; },\n"), "id = \"c\"",
		    { "step c:", "empty checklist" } },
	};

	CHECK_TABLE(t);
}

static void
test_step_takes_no(void **state)
{
	static const struct bad t[] = {
		{ "items on an action", HDR STEPS("  { id = \"w\"; type = "
		    "\"action\"; action = \"world.info\";\n"
		    "    items = [ \"x\" ]; },\n"), "items",
		    { "step w:", "action", "no \"items\"" } },
		{ "args on an instruction", HDR STEPS("  { id = \"a\"; type = "
		    "\"instruction\"; text = \"x\";\n    args = { k = 1; }; },\n"),
		    "args", { "step a:", "instruction", "no \"args\"" } },
		{ "next on a seal", HDR "steps = (\n" INSTR
		    "  { id = \"end\"; type = \"seal\";\n    next = \"a\"; }\n"
		    ");\n", "next", { "step end:",
		    "seal", "no \"next\"" } },
		{ "on_failure on a branch", HDR PARAMS STEPS("  { id = \"b\"; "
		    "type = \"branch\"; on = \"${p}\"; default = \"end\";\n"
		    "    cases = ( { value = \"x\"; next = \"end\"; } );\n"
		    "    on_failure = \"abort\"; },\n"), "on_failure",
		    { "step b:", "branch", "no \"on_failure\"" } },
		{ "cases on a witness", HDR ROLES STEPS("  { id = \"v\"; type = "
		    "\"witness\"; role = \"witness\"; text = \"I saw\";\n"
		    "    cases = ( { value = \"x\"; next = \"end\"; } ); },\n"),
		    "cases", { "step v:", "witness", "no \"cases\"" } },
		{ "text on an authenticate is fine, items are not", HDR ROLES
		    STEPS("  { id = \"u\"; type = \"authenticate\"; role = "
		    "\"admin\"; text = \"touch\";\n    items = [ \"x\" ]; },\n"),
		    "items", { "authenticate", "no \"items\"" } },
		{ "action on a checklist", HDR STEPS("  { id = \"c\"; type = "
		    "\"checklist\"; items = [ \"x\" ];\n"
		    "    action = \"world.info\"; },\n"), "action =",
		    { "checklist", "no \"action\"" } },
		{ "default on an instruction", HDR STEPS("  { id = \"a\"; "
		    "type = \"instruction\"; text = \"x\";\n"
		    "    default = \"end\"; },\n"), "default",
		    { "instruction", "no \"default\"" } },
		{ "role on a branch", HDR ROLES PARAMS STEPS("  { id = \"b\"; "
		    "type = \"branch\"; on = \"${p}\"; default = \"end\";\n"
		    "    cases = ( { value = \"x\"; next = \"end\"; } );\n"
		    "    role = \"admin\"; },\n"), "role = \"admin\"; }",
		    { "branch", "no \"role\"" } },
		{ "unknown step type", HDR STEPS("  { id = \"a\"; type = "
		    "\"dance\"; text = \"x\"; },\n"), "dance",
		    { "step a:", "unknown type \"dance\"" } },
		{ "minutes out of range", HDR STEPS("  { id = \"a\"; type = "
		    "\"instruction\"; text = \"x\"; minutes = -1; },\n"),
		    "id = \"a\"", { "step a:", "minutes is 0 to 1440" } },
	};

	CHECK_TABLE(t);
}

/* --- the step graph ---------------------------------------------------- */

static void
test_duplicate_step(void **state)
{
	struct fx		*f = *state;
	static const char	 text[] = HDR STEPS(
	    "  { id = \"a\"; type = \"instruction\"; text = \"one\"; },\n"
	    "  { id = \"b\"; type = \"instruction\"; text = \"two\"; },\n"
	    "  { id = \"a\"; type = \"instruction\"; text = \"three\"; },\n");
	char			 first[64];
	const char		*words[2];

	snprintf(first, sizeof(first), "(first on line %d)",
	    line_of(text, "one"));
	words[0] = "step id \"a\" is used twice";
	words[1] = first;
	check_bad_text(f, "duplicate step id", text, strlen(text), "three",
	    words, 2);
}

static void
test_graph(void **state)
{
	static const struct bad t[] = {
		{ "dangling next", HDR STEPS("  { id = \"a\"; type = "
		    "\"instruction\"; text = \"x\"; next = \"nowhere\"; },\n"),
		    "nowhere", { "step a:",
		    "goes to \"nowhere\", which is no step" } },
		{ "dangling on_failure", HDR STEPS("  { id = \"a\"; type = "
		    "\"instruction\"; text = \"x\"; on_failure = \"lost\"; },\n"),
		    "lost", { "step a:", "goes to \"lost\", which is no step" } },
		{ "dangling case", HDR PARAMS STEPS("  { id = \"b\"; type = "
		    "\"branch\"; on = \"${p}\"; default = \"end\";\n"
		    "    cases = ( { value = \"x\"; next = \"gone\"; } ); },\n"),
		    "id = \"b\"", { "step b:",
		    "goes to \"gone\", which is no step" } },
		{ "dangling default", HDR PARAMS STEPS("  { id = \"b\"; type = "
		    "\"branch\"; on = \"${p}\"; default = \"away\";\n"
		    "    cases = ( { value = \"x\"; next = \"end\"; } ); },\n"),
		    "id = \"b\"", { "step b:",
		    "goes to \"away\", which is no step" } },
		{ "unreachable", HDR STEPS("  { id = \"a\"; type = "
		    "\"instruction\"; text = \"x\"; next = \"end\"; },\n"
		    "  { id = \"island\"; type = \"instruction\"; text = \"y\"; "
		    "},\n"), "island", { "step island cannot be reached" } },
		{ "cycle without exit", HDR PARAMS STEPS("  { id = \"b\"; "
		    "type = \"branch\"; on = \"${p}\"; default = \"end\";\n"
		    "    cases = ( { value = \"x\"; next = \"loop1\"; } ); },\n"
		    "  { id = \"loop1\"; type = \"instruction\"; text = \"x\"; },\n"
		    "  { id = \"loop2\"; type = \"instruction\"; text = \"y\";\n"
		    "    next = \"loop1\"; },\n"), "id = \"loop2\"",
		    { "step loop2:", "no way from here to a seal",
		    "cycle without exit" } },
		{ "cycle without exit, first step", HDR PARAMS STEPS(
		    "  { id = \"b\"; type = \"branch\"; on = \"${p}\"; "
		    "default = \"end\";\n"
		    "    cases = ( { value = \"x\"; next = \"loop1\"; } ); },\n"
		    "  { id = \"loop1\"; type = \"instruction\"; text = \"x\"; },\n"
		    "  { id = \"loop2\"; type = \"instruction\"; text = \"y\";\n"
		    "    next = \"loop1\"; },\n"), "id = \"loop1\"",
		    { "step loop1:", "no way from here to a seal" } },
		{ "a failure goto does not make an exit", HDR STEPS(
		    "  { id = \"a\"; type = \"instruction\"; text = \"x\"; "
		    "next = \"a\";\n    on_failure = \"a\"; },\n"),
		    "id = \"a\"", { "step a:", "no way from here to a seal" } },
		{ "no seal", HDR "steps = (\n"
		    "  { id = \"a\"; type = \"instruction\"; text = \"x\"; },\n"
		    "  { id = \"b\"; type = \"instruction\"; text = \"y\"; "
		    "next = \"a\"; }\n);\n", "id = \"b\"",
		    { "no seal step" } },
		{ "last step neither a seal nor with next", HDR "steps = (\n"
		    "  { id = \"a\"; type = \"instruction\"; text = \"x\"; "
		    "next = \"end\"; },\n" SEAL ",\n"
		    "  { id = \"z\"; type = \"instruction\"; text = \"y\"; }\n"
		    ");\n", "id = \"z\"", { "step z:",
		    "last step must be a seal or say where to go next" } },
		{ "no steps at all", HDR "steps = ( );\n", "steps",
		    { "no steps" } },
	};

	CHECK_TABLE(t);
}

/* --- references, actions, roles ----------------------------------------- */

static void
test_references(void **state)
{
	static const struct bad t[] = {
		{ "undefined parameter in text", HDR PARAMS STEPS("  { id = "
		    "\"a\"; type = \"instruction\"; text = \"hi ${nope}\"; },\n"),
		    "nope", { "reference ${nope}: no such parameter" } },
		{ "undefined parameter in an item", HDR STEPS("  { id = \"c\"; "
		    "type = \"checklist\";\n    items = [ \"ok\", \"${gone}\" ]; "
		    "},\n"), "id = \"c\"",
		    { "reference ${gone}: no such parameter" } },
		{ "undefined parameter in an argument", HDR STEPS("  { id = "
		    "\"g\"; type = \"action\"; action = \"key.generate\";\n"
		    "    args = { ident = \"${who}\"; type = \"rsa\"; }; },\n"),
		    "id = \"g\"", { "reference ${who}: no such parameter" } },
		{ "undefined parameter in a branch", HDR PARAMS STEPS("  { id = "
		    "\"b\"; type = \"branch\"; on = \"${q}\"; default = \"end\";\n"
		    "    cases = ( { value = \"x\"; next = \"end\"; } ); },\n"),
		    "id = \"b\"", { "reference ${q}: no such parameter" } },
		{ "undefined parameter in a witness text", HDR ROLES STEPS(
		    "  { id = \"v\"; type = \"witness\"; role = \"witness\";\n"
		    "    text = \"I saw ${what}\"; },\n"), "id = \"v\"",
		    { "reference ${what}: no such parameter" } },
		{ "result of a step that is no action", HDR STEPS(INSTR
		    "  { id = \"b2\"; type = \"instruction\"; text = "
		    "\"${a.world_id}\"; },\n"), "a.world_id",
		    { "reference ${a.world_id}: no action step \"a\"" } },
		{ "result of no step", HDR STEPS("  { id = \"b2\"; type = "
		    "\"instruction\"; text = \"${ghost.key}\"; },\n"),
		    "ghost.key", { "no action step \"ghost\"" } },
		{ "unterminated reference", HDR STEPS("  { id = \"a\"; type = "
		    "\"instruction\"; text = \"x ${oops\"; },\n"), "oops",
		    { "unterminated reference" } },
		{ "empty reference", HDR STEPS("  { id = \"a\"; type = "
		    "\"instruction\"; text = \"x ${}\"; },\n"), "${}",
		    { "bad reference" } },
	};

	CHECK_TABLE(t);
}

static void
test_actions(void **state)
{
	static const struct bad t[] = {
		{ "unknown action", HDR STEPS("  { id = \"w\"; type = "
		    "\"action\"; action = \"world.explode\"; },\n"), "explode",
		    { "step w:", "unknown action \"world.explode\"" } },
		{ "unknown argument", HDR STEPS("  { id = \"w\"; type = "
		    "\"action\"; action = \"world.info\";\n"
		    "    args = { colour = \"red\"; }; },\n"), "id = \"w\"",
		    { "step w:", "action world.info takes no argument "
		    "\"colour\"" } },
		{ "missing required argument", HDR STEPS("  { id = \"g\"; "
		    "type = \"action\"; action = \"key.generate\";\n"
		    "    args = { ident = \"k\"; }; },\n"), "id = \"g\"",
		    { "step g:", "action key.generate needs the argument "
		    "\"type\"" } },
		{ "no arguments at all", HDR STEPS("  { id = \"x\"; type = "
		    "\"action\"; action = \"key.inspect\"; },\n"), "id = \"x\"",
		    { "needs the argument \"ident\"" } },
	};

	CHECK_TABLE(t);
}

static void
test_roles(void **state)
{
	static const struct bad t[] = {
		{ "role not defined", HDR ROLES STEPS("  { id = \"a\"; type = "
		    "\"instruction\"; text = \"x\"; role = \"ghost\"; },\n"),
		    "ghost", { "step a:", "no role \"ghost\"" } },
		{ "role on a script without roles", HDR STEPS("  { id = \"u\"; "
		    "type = \"authenticate\"; role = \"admin\"; },\n"),
		    "id = \"u\"", { "step u:", "no role \"admin\"" } },
		{ "coincide with an unknown role", HDR "roles = (\n"
		    "  { id = \"admin\"; title = \"A\"; coincide = "
		    "[ \"ghost\" ]; },\n  { id = \"witness\"; title = \"W\"; }"
		    " );\n" STEPS(INSTR), "coincide", { "role admin:",
		    "coincide names no role \"ghost\"" } },
		{ "role defined twice", HDR "roles = (\n"
		    "  { id = \"admin\"; title = \"A\"; },\n"
		    "  { id = \"admin\"; title = \"B\"; } );\n" STEPS(INSTR),
		    "\"B\"", { "role \"admin\" is defined twice" } },
		{ "count 0", HDR "roles = ( { id = \"c\"; title = \"C\"; "
		    "count = 0; } );\n" STEPS(INSTR), "count",
		    { "role c:", "count is 1 to 255" } },
		{ "count 256", HDR "roles = ( { id = \"c\"; title = \"C\"; "
		    "count = 256; } );\n" STEPS(INSTR), "count",
		    { "count is 1 to 255" } },
	};

	CHECK_TABLE(t);
}

static void
test_parameters(void **state)
{
	static const struct bad t[] = {
		{ "choice without choices", HDR "parameters = (\n  { id = "
		    "\"c\"; type = \"choice\"; prompt = \"C\"; } );\n"
		    STEPS(INSTR), "id = \"c\"", { "parameter c:",
		    "a choice needs them" } },
		{ "choices on a string", HDR "parameters = (\n  { id = \"s\"; "
		    "type = \"string\"; prompt = \"S\"; choices = [ \"a\" ]; } "
		    ");\n" STEPS(INSTR), "id = \"s\"", { "parameter s:",
		    "choices go with type choice" } },
		{ "pattern on an integer", HDR "parameters = (\n  { id = \"n\"; "
		    "type = \"integer\"; prompt = \"N\"; pattern = \"^[0-9]$\"; "
		    "} );\n" STEPS(INSTR), "id = \"n\"", { "parameter n:",
		    "only string parameters take a pattern" } },
		{ "pattern on a choice", HDR "parameters = (\n  { id = \"c\"; "
		    "type = \"choice\"; prompt = \"C\"; choices = [ \"a\" ]; "
		    "pattern = \"a\"; } );\n" STEPS(INSTR), "id = \"c\"",
		    { "only string parameters take a pattern" } },
		{ "min above max", HDR "parameters = (\n  { id = \"n\"; "
		    "type = \"integer\"; prompt = \"N\"; min = 5; max = 4; } "
		    ");\n" STEPS(INSTR), "id = \"n\"", { "parameter n:",
		    "min is above max" } },
		{ "min above the default max", HDR "parameters = (\n  { id = "
		    "\"n\"; type = \"integer\"; prompt = \"N\"; min = 2000000; "
		    "} );\n" STEPS(INSTR), "id = \"n\"",
		    { "min is above max" } },
		{ "min on a string", HDR "parameters = (\n  { id = \"s\"; "
		    "type = \"string\"; prompt = \"S\"; min = 1; } );\n"
		    STEPS(INSTR), "id = \"s\"", { "parameter s:",
		    "only integer parameters take min and max" } },
		{ "invalid regex", HDR "parameters = (\n  { id = \"s\"; "
		    "type = \"string\"; prompt = \"S\"; pattern = \"([a-z\"; } "
		    ");\n" STEPS(INSTR), "id = \"s\"", { "parameter s:",
		    "not an extended regular expression" } },
		{ "integer default not a number", HDR "parameters = (\n  { id "
		    "= \"n\"; type = \"integer\"; prompt = \"N\"; default = "
		    "\"two\"; } );\n" STEPS(INSTR), "id = \"n\"",
		    { "parameter n:", "the default is not valid" } },
		{ "integer default out of range", HDR "parameters = (\n  { id "
		    "= \"n\"; type = \"integer\"; prompt = \"N\"; min = 1; max "
		    "= 9; default = \"10\"; } );\n" STEPS(INSTR), "id = \"n\"",
		    { "the default is not valid", "from 1 to 9" } },
		{ "choice default not a choice", HDR "parameters = (\n  { id = "
		    "\"c\"; type = \"choice\"; prompt = \"C\"; choices = "
		    "[ \"a\", \"b\" ]; default = \"z\"; } );\n" STEPS(INSTR),
		    "id = \"c\"", { "the default is not valid",
		    "not one of the choices" } },
		{ "string default not matching", HDR "parameters = (\n  { id = "
		    "\"s\"; type = \"string\"; prompt = \"S\"; pattern = "
		    "\"^[a-z]+$\"; default = \"ABC\"; } );\n" STEPS(INSTR),
		    "id = \"s\"", { "the default is not valid",
		    "does not match" } },
		{ "unknown type", HDR "parameters = (\n  { id = \"f\"; type = "
		    "\"float\"; prompt = \"F\"; } );\n" STEPS(INSTR),
		    "id = \"f\"", { "parameter f:", "unknown type \"float\"" } },
		{ "secret type", HDR "parameters = (\n  { id = \"pin\"; type = "
		    "\"secret\"; prompt = \"PIN\"; } );\n" STEPS(INSTR),
		    "id = \"pin\"", { "unknown type \"secret\"" } },
		{ "defined twice", HDR "parameters = (\n  { id = \"s\"; type = "
		    "\"string\"; prompt = \"S\"; },\n  { id = \"s\"; type = "
		    "\"string\"; prompt = \"T2\"; } );\n" STEPS(INSTR),
		    "\"T2\"", { "parameter \"s\" is defined twice" } },
	};

	CHECK_TABLE(t);
}

static void
test_ids(void **state)
{
	static const struct bad t[] = {
		{ "script id upper case", "id = \"Bad\";\ntitle = \"T\";\n"
		    "version = 1;\n" STEPS(INSTR), "Bad",
		    { "the script id \"Bad\"" } },
		{ "script id with _", "id = \"bad_id\";\ntitle = \"T\";\n"
		    "version = 1;\n" STEPS(INSTR), "bad_id",
		    { "the script id \"bad_id\"" } },
		{ "script id empty", "title = \"T\";\nid = \"\";\n"
		    "version = 1;\n" STEPS(INSTR), "id = \"\"",
		    { "the script id \"\"" } },
		{ "version 0", "id = \"t\";\ntitle = \"T\";\nversion = 0;\n"
		    STEPS(INSTR), "version", { "version must be 1 or more" } },
		{ "step id with a space", HDR STEPS("  { id = \"step one\"; "
		    "type = \"instruction\"; text = \"x\"; },\n"), "step one",
		    { "step id \"step one\"" } },
		{ "step id with a dot", HDR STEPS("  { id = \"a.b\"; type = "
		    "\"instruction\"; text = \"x\"; },\n"), "a.b",
		    { "step id \"a.b\"" } },
		{ "step id of 33", HDR STEPS("  { id = "
		    "\"abcdefghijklmnopqrstuvwxyz0123456\"; type = "
		    "\"instruction\"; text = \"x\"; },\n"), "abcdefghij",
		    { "step id \"abcdefghijklmnopqrstuvwxyz0123456\"",
		    "1-32" } },
		{ "role id upper case", HDR "roles = ( { id = \"Admin\"; "
		    "title = \"A\"; } );\n" STEPS(INSTR), "Admin",
		    { "role id \"Admin\"" } },
		{ "parameter id with a dot", HDR "parameters = ( { id = "
		    "\"p.q\"; type = \"string\"; prompt = \"P\"; } );\n"
		    STEPS(INSTR), "p.q", { "parameter id \"p.q\"" } },
	};

	CHECK_TABLE(t);
}

static void
test_control_characters(void **state)
{
	static const struct bad t[] = {
		{ "in a step text", HDR STEPS("  { id = \"a\"; type = "
		    "\"instruction\"; text = \"ring \a the bell\"; },\n"),
		    "ring", { "step a:", "control characters in the title or "
		    "text" } },
		{ "in a step title", HDR STEPS("  { id = \"a\"; type = "
		    "\"instruction\"; text = \"x\";\n    title = \"\033[2J\"; "
		    "},\n"), "id = \"a\"", { "step a:", "control characters" } },
		{ "in an item", HDR STEPS("  { id = \"c\"; type = "
		    "\"checklist\";\n    items = [ \"ok\", \"bad\001\" ]; },\n"),
		    "id = \"c\"", { "step c:", "control characters in an "
		    "item" } },
		{ "in a role title", HDR "roles = (\n  { id = \"admin\"; "
		    "title = \"Ad\033min\"; } );\n" STEPS(INSTR), "id = \"admin\"",
		    { "role admin:", "control characters in the title" } },
		{ "in a prompt", HDR "parameters = (\n  { id = \"s\"; type = "
		    "\"string\"; prompt = \"S\177\"; } );\n" STEPS(INSTR),
		    "id = \"s\"", { "parameter s:", "control characters in the "
		    "prompt or help" } },
		{ "in a help", HDR "parameters = (\n  { id = \"s\"; type = "
		    "\"string\"; prompt = \"S\"; help = \"h\\r\"; } );\n"
		    STEPS(INSTR), "id = \"s\"", { "prompt or help" } },
		{ "in the title", "id = \"t\";\nversion = 1;\n"
		    "title = \"T\033\";\n" STEPS(INSTR), "title",
		    { "control characters in the title" } },
		{ "in the description", HDR "description = \"a\001b\";\n"
		    STEPS(INSTR), "description",
		    { "control characters in the description" } },
		/* What makes a screen show other than what is written: a
		 * bidi override (U+202E) or isolate (U+2067), a C1 control
		 * (U+009B, CSI to some terminals). */
		{ "a bidi override", HDR STEPS("  { id = \"a\"; type = "
		    "\"instruction\"; text = \"pay \342\200\256321\"; },\n"),
		    "pay", { "step a:", "control characters in the title or "
		    "text" } },
		{ "a bidi isolate", HDR STEPS("  { id = \"a\"; type = "
		    "\"instruction\"; text = \"x\342\201\247y\"; },\n"),
		    "x", { "step a:", "control characters" } },
		{ "a C1 control", HDR "description = \"a\302\233b\";\n"
		    STEPS(INSTR), "description",
		    { "control characters in the description" } },
	};

	CHECK_TABLE(t);
}

static void
test_char_misleads(void **state)
{
	static const uint32_t bad[] = { 0x80, 0x9b, 0x9f, 0x202a, 0x202e,
	    0x2066, 0x2069 };
	static const uint32_t good[] = { 0x20, 0x7e, 0xa0, 0xe9, 0x2029,
	    0x202f, 0x2065, 0x206a, 0x2713, 0x1f511 };
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!off_char_misleads(bad[i]))
			fail_msg("U+%04X not refused", (unsigned)bad[i]);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (off_char_misleads(good[i]))
			fail_msg("U+%04X refused", (unsigned)good[i]);
	/* And in whole texts. */
	assert_true(off_text_line_ok("caf\303\251 \342\234\223"));
	assert_false(off_text_line_ok("abc\342\200\256def"));
	assert_false(off_text_line_ok("abc\302\205def"));
}

/* --- the reader ---------------------------------------------------------- */

static void
test_reader(void **state)
{
	static const struct bad t[] = {
		{ "@include", HDR "@include \"/etc/passwd\"\n" STEPS(INSTR),
		    "@include", { "@include is not allowed" } },
		{ "@include indented", HDR "roles = ();\n  @include \"x\"\n"
		    STEPS(INSTR), "@include", { "@include is not allowed" } },
		{ "syntax error", HDR "roles = ( { id = ; } );\n" STEPS(INSTR),
		    "roles", { "syntax error" } },
	};
	struct fx	*f = *state;
	struct off_script_problems probs;
	struct off_script *s = NULL;
	struct off_err	 err;
	static const char nul[] = HDR "\0" STEPS(INSTR);
	const char	*words[1] = { "NUL byte" };
	char		*big;
	size_t		 n;

	CHECK_TABLE(t);
	check_bad_text(f, "NUL byte", nul, sizeof(nul) - 1, NULL, words, 1);

	/* Larger than a script may be. */
	n = OFF_SCRIPT_MAX + 1;
	assert_non_null(big = malloc(n));
	memset(big, '#', n);
	big[n - 1] = '\n';
	write_bytes(f->path, big, n);
	free(big);
	off_err_clear(&err);
	assert_int_not_equal(off_script_load(f->path, &s, &probs, &err), 0);
	assert_null(s);
	assert_int_equal(probs.n, 1);
	assert_non_null(strstr(probs.msg[0], f->path));
	off_script_problems_free(&probs);

	/* No such file. */
	off_err_clear(&err);
	assert_int_not_equal(off_script_load("/nonexistent/x.ceremony", &s,
	    &probs, &err), 0);
	assert_null(s);
	assert_int_equal(probs.n, 1);
	assert_non_null(strstr(probs.msg[0], "/nonexistent/x.ceremony"));
	off_script_problems_free(&probs);

	/* Problems need not be collected. */
	write_text(f->path, HDR "colour = 1;\n" STEPS(INSTR));
	off_err_clear(&err);
	assert_int_equal(off_script_load(f->path, &s, NULL, &err),
	    OFF_ERR_FORMAT);
	assert_null(s);
	assert_non_null(strstr(err.detail, "colour"));
	write_text(f->path, HDR STEPS("  { id = \"a\"; type = \"dance\"; },\n"));
	off_err_clear(&err);
	assert_int_equal(off_script_load(f->path, &s, NULL, &err),
	    OFF_ERR_FORMAT);
	assert_null(s);
	assert_non_null(strstr(err.detail, "dance"));
}

/* Every problem is reported, not just the first; err has the first. */
static void
test_all_problems(void **state)
{
	struct fx			*f = *state;
	struct off_script_problems	 probs;
	struct off_script		*s = NULL;
	struct off_err			 err;
	static const char		 text[] = HDR ROLES STEPS(
	    "  { id = \"w\"; type = \"action\"; action = \"world.explode\"; },\n"
	    "  { id = \"a\"; type = \"instruction\"; text = \"${nope}\"; },\n"
	    "  { id = \"b\"; type = \"instruction\"; text = \"x\";\n"
	    "    role = \"ghost\"; next = \"nowhere\"; },\n");
	char				 p[PATH_MAX + 16];
	const char			*w1[] = { "unknown action" };
	const char			*w2[] = { "no such parameter" };
	const char			*w3[] = { "no role \"ghost\"" };
	const char			*w4[] = { "which is no step" };

	write_text(f->path, text);
	off_err_clear(&err);
	assert_int_equal(off_script_load(f->path, &s, &probs, &err),
	    OFF_ERR_FORMAT);
	assert_null(s);
	assert_true(probs.n >= 4);
	snprintf(p, sizeof(p), "%s:%d: ", f->path, line_of(text, "explode"));
	assert_true(has_problem(&probs, p, w1, 1));
	snprintf(p, sizeof(p), "%s:%d: ", f->path, line_of(text, "nope"));
	assert_true(has_problem(&probs, p, w2, 1));
	snprintf(p, sizeof(p), "%s:%d: ", f->path, line_of(text, "id = \"b\""));
	assert_true(has_problem(&probs, p, w3, 1));
	assert_true(has_problem(&probs, p, w4, 1));
	/* err holds the first problem, with the file. */
	assert_int_equal(err.code, OFF_ERR_FORMAT);
	assert_string_equal(err.file, f->path);
	assert_non_null(strstr(err.detail, "unknown action"));
	off_script_problems_free(&probs);
}

/* --- good scripts -------------------------------------------------------- */

static void
test_good_script(void **state)
{
	struct fx		*f = *state;
	struct off_script	*s;
	const struct off_step	*st;
	const struct off_param	*p;
	const struct off_role	*r;
	uint8_t			 sha[32];
	unsigned int		 shalen = 0;
	static const char	 text[] =
	    "# A script that uses every kind of step.\n"
	    "id = \"all-steps\";\n"
	    "title = \"Every step\";\n"
	    "version = 3;\n"
	    "description = \"Line one.\\nLine two,\\tindented.\";\n"
	    "training_only = true;\n"
	    "roles = (\n"
	    "  { id = \"admin\"; title = \"Admin\"; coincide = "
	    "[ \"witness\" ]; },\n"
	    "  { id = \"custodian\"; title = \"Custodian\"; count = 3; },\n"
	    "  { id = \"witness\"; title = \"Witness\"; }\n"
	    ");\n"
	    "parameters = (\n"
	    "  { id = \"n\"; type = \"integer\"; min = -5; max = 5; "
	    "default = \"-2\"; prompt = \"N\"; help = \"How many\"; },\n"
	    "  { id = \"c\"; type = \"choice\"; choices = [ \"x\", \"y\" ]; "
	    "prompt = \"C\"; },\n"
	    "  { id = \"s\"; type = \"string\"; pattern = \"^[a-z]+$\"; "
	    "default = \"abc\"; prompt = \"S\"; },\n"
	    "  { id = \"f\"; type = \"file\"; prompt = \"F\"; }\n"
	    ");\n"
	    "steps = (\n"
	    "  { id = \"auth\"; type = \"authenticate\"; role = \"admin\"; "
	    "minutes = 2; },\n"
	    "  { id = \"intro\"; type = \"instruction\"; role = \"admin\"; "
	    "title = \"Intro\";\n"
	    "    text = \"$$5 for ${s} in ${kmdata}, ${workdir}, ${training}"
	    "\"; on_failure = \"retry\"; },\n"
	    "  { id = \"room\"; type = \"checklist\"; items = [ \"one ${n}\", "
	    "\"two\" ];\n    on_failure = \"fix\"; },\n"
	    "  { id = \"info\"; type = \"action\"; action = \"world.info\"; },\n"
	    "  { id = \"gen\"; type = \"action\"; action = \"key.generate\";\n"
	    "    args = { ident = \"${s}\"; type = \"rsa\"; size = 2048; }; },\n"
	    "  { id = \"q\"; type = \"quorum\"; role = \"custodian\"; },\n"
	    "  { id = \"pick\"; type = \"branch\"; on = \"${c}\";\n"
	    "    cases = ( { value = \"x\"; next = \"saw\"; },\n"
	    "              { value = \"y\"; next = \"dev\"; } );\n"
	    "    default = \"end\"; },\n"
	    "  { id = \"fix\"; type = \"instruction\"; text = \"Fix it\"; "
	    "next = \"room\"; },\n"
	    "  { id = \"saw\"; type = \"witness\"; role = \"witness\";\n"
	    "    text = \"I saw ${gen.key_file} in ${world} (${info.k})\"; "
	    "next = \"end\"; },\n"
	    "  { id = \"dev\"; type = \"exception\"; role = \"admin\"; },\n"
	    "  { id = \"end\"; type = \"seal\"; text = \"Done.\"; }\n"
	    ");\n";

	s = load_good(f, text);
	assert_string_equal(s->id, "all-steps");
	assert_string_equal(s->title, "Every step");
	assert_int_equal(s->version, 3);
	assert_true(s->training_only);
	assert_string_equal(s->path, f->path);
	assert_int_equal(EVP_Digest(text, strlen(text), sha, &shalen,
	    EVP_sha256(), NULL), 1);
	assert_memory_equal(s->sha256, sha, 32);

	assert_int_equal(s->nroles, 3);
	assert_non_null(r = off_script_role(s, "admin"));
	assert_int_equal(r->count, 1);
	assert_int_equal(r->ncoincide, 1);
	assert_string_equal(r->coincide[0], "witness");
	assert_int_equal(r->line, line_of(text, "id = \"admin\""));
	assert_int_equal(off_script_role(s, "custodian")->count, 3);
	assert_null(off_script_role(s, "ghost"));

	assert_int_equal(s->nparams, 4);
	assert_non_null(p = off_script_param(s, "n"));
	assert_int_equal(p->type, OFF_PARAM_INTEGER);
	assert_true(p->min == -5 && p->max == 5);
	assert_string_equal(p->def, "-2");
	assert_string_equal(p->help, "How many");
	assert_non_null(p = off_script_param(s, "c"));
	assert_int_equal(p->type, OFF_PARAM_CHOICE);
	assert_int_equal(p->nchoices, 2);
	assert_string_equal(p->choices[1], "y");
	assert_int_equal(off_script_param(s, "s")->type, OFF_PARAM_STRING);
	assert_string_equal(off_script_param(s, "s")->pattern, "^[a-z]+$");
	assert_int_equal(off_script_param(s, "f")->type, OFF_PARAM_FILE);
	assert_null(off_script_param(s, "z"));
	assert_string_equal(off_param_type_name(OFF_PARAM_FILE), "file");

	assert_int_equal(s->nsteps, 11);
	assert_int_equal(off_script_step_index(s, "end"), 10);
	assert_int_equal(off_script_step_index(s, "nowhere"), s->nsteps);
	st = &s->steps[0];
	assert_int_equal(st->type, OFF_STEP_AUTHENTICATE);
	assert_int_equal(st->minutes, 2);
	assert_int_equal(st->next, 1);
	assert_int_equal(st->on_failure, OFF_FAIL_ABORT);
	st = &s->steps[1];
	assert_string_equal(st->title, "Intro");
	assert_int_equal(st->on_failure, OFF_FAIL_RETRY);
	st = &s->steps[2];
	assert_int_equal(st->type, OFF_STEP_CHECKLIST);
	assert_int_equal(st->nitems, 2);
	assert_string_equal(st->items[0], "one ${n}");
	assert_int_equal(st->on_failure, OFF_FAIL_GOTO);
	assert_int_equal(st->fail_to, off_script_step_index(s, "fix"));
	st = &s->steps[4];
	assert_int_equal(st->type, OFF_STEP_ACTION);
	assert_string_equal(st->action, "key.generate");
	assert_int_equal(st->nargs, 3);
	assert_string_equal(st->args[2].name, "size");
	assert_string_equal(st->args[2].value, "2048");	/* a number */
	assert_int_equal(s->steps[5].type, OFF_STEP_QUORUM);
	st = &s->steps[6];
	assert_int_equal(st->type, OFF_STEP_BRANCH);
	assert_string_equal(st->on, "${c}");
	assert_int_equal(st->ncases, 2);
	assert_string_equal(st->cases[1].value, "y");
	assert_int_equal(st->cases[0].next, off_script_step_index(s, "saw"));
	assert_int_equal(st->cases[1].next, off_script_step_index(s, "dev"));
	assert_int_equal(st->def, off_script_step_index(s, "end"));
	assert_int_equal(s->steps[7].next, off_script_step_index(s, "room"));
	assert_int_equal(s->steps[9].type, OFF_STEP_EXCEPTION);
	assert_int_equal(s->steps[10].type, OFF_STEP_SEAL);
	assert_int_equal(s->steps[10].line, line_of(text, "id = \"end\""));
	assert_string_equal(off_step_type_name(OFF_STEP_WITNESS), "witness");
	off_script_free(&s);
	assert_null(s);
	off_script_free(&s);	/* twice is harmless */
}

/* Tabs and newlines are text; a loop with a way out is no problem. */
static void
test_good_edges(void **state)
{
	struct fx		*f = *state;
	struct off_script	*s;

	s = load_good(f, HDR STEPS("  { id = \"a\"; type = \"instruction\"; "
	    "text = \"one\\n\\ttwo\"; on_failure = \"a\"; },\n"
	    "  { id = \"b\"; type = \"checklist\"; items = [ \"x\" ]; "
	    "on_failure = \"a\"; },\n"));
	assert_string_equal(s->steps[0].text, "one\n\ttwo");
	assert_int_equal(s->steps[0].fail_to, 0);
	off_script_free(&s);
	/* Just a seal. */
	s = load_good(f, HDR STEPS(""));
	assert_int_equal(s->nsteps, 1);
	off_script_free(&s);
	/* The last step may go back, when the seal is reachable. */
	s = load_good(f, HDR "steps = (\n  { id = \"a\"; type = \"instruction\"; "
	    "text = \"x\"; next = \"c\"; },\n" SEAL ",\n  { id = \"c\"; type = "
	    "\"instruction\"; text = \"y\"; next = \"end\"; }\n);\n");
	assert_int_equal(s->steps[2].next, 1);
	off_script_free(&s);
}

static void
test_builtin_ceremonies(void **state)
{
	struct off_script_problems	 probs;
	struct off_script		*s;
	struct off_err			 err;
	const char			*top = getenv("top_srcdir");
	char				 dir[PATH_MAX], path[PATH_MAX + 256];
	struct dirent			*de;
	DIR				*d;
	unsigned			 n = 0;
	size_t				 i, len;
	int				 seal;

	(void)state;
	if (top == NULL)
		skip();
	snprintf(dir, sizeof(dir), "%s/ceremony", top);
	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 10 || strcmp(de->d_name + len - 9, ".ceremony") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		off_err_clear(&err);
		if (off_script_load(path, &s, &probs, &err) != 0) {
			dump(&probs);
			fail_msg("%s does not load: %s", path, err.detail);
		}
		assert_int_equal(probs.n, 0);
		/* Its id is its file name. */
		assert_int_equal(strlen(s->id), len - 9);
		assert_memory_equal(s->id, de->d_name, len - 9);
		assert_true(s->version >= 1);
		assert_non_null(s->description);
		for (i = 0, seal = 0; i < s->nsteps; i++)
			if (s->steps[i].type == OFF_STEP_SEAL)
				seal = 1;
		assert_true(seal);
		off_script_free(&s);
		n++;
	}
	closedir(d);
	assert_true(n >= 11);
}

/* --- references and parameter values -------------------------------------- */

static const char *
lookup(void *arg, const char *name)
{
	static const char *const vars[] = {
		"x", "ex", "k", "2", "gen.key_file", "key_simple_a",
		"empty", "", "tricky", "${x}", "dollar", "$$", NULL
	};
	size_t	i;

	(*(unsigned *)arg)++;
	for (i = 0; vars[i] != NULL; i += 2)
		if (strcmp(vars[i], name) == 0)
			return vars[i + 1];
	return NULL;
}

static void
expands(const char *in, const char *want)
{
	struct off_err	 err;
	unsigned	 calls = 0;
	char		*out = NULL;

	off_err_clear(&err);
	if (off_expand(in, lookup, &calls, &out, &err) != 0)
		fail_msg("\"%s\" did not expand: %s", in, err.detail);
	assert_non_null(out);
	if (strcmp(out, want) != 0)
		fail_msg("\"%s\" expanded to \"%s\", expected \"%s\"", in, out,
		    want);
	free(out);
}

static void
test_expand(void **state)
{
	struct off_err	 err;
	unsigned	 calls = 0;
	char		*out = (char *)1;

	(void)state;
	expands("", "");
	expands("plain text", "plain text");
	expands("${x}", "ex");
	expands("a ${x} b", "a ex b");
	expands("${x}${k}", "ex2");
	expands("key ${gen.key_file} of ${k} cards", "key key_simple_a of 2 "
	    "cards");
	expands("[${empty}]", "[]");
	expands("$$", "$");
	expands("$$5 and $$${x}", "$5 and $ex");
	expands("$${x}", "${x}");
	expands("costs $5", "costs $5");
	expands("$", "$");
	expands("a ${ unclosed", "a ${ unclosed");
	expands("${}", "${}");
	/* A value is not expanded again. */
	expands("${tricky}", "${x}");
	expands("${dollar}", "$$");
	expands("multi\nline ${x}\n", "multi\nline ex\n");

	off_err_clear(&err);
	assert_int_equal(off_expand("a ${x} ${nope} ${k}", lookup, &calls,
	    &out, &err), OFF_ERR_NOT_FOUND);
	assert_null(out);
	assert_int_equal(err.code, OFF_ERR_NOT_FOUND);
	assert_non_null(strstr(err.detail, "${nope}"));
	off_err_clear(&err);
	assert_int_equal(off_expand("${gen.nothing}", lookup, &calls, &out,
	    &err), OFF_ERR_NOT_FOUND);
	assert_non_null(strstr(err.detail, "${gen.nothing}"));
}

static void
param_ok(const struct off_param *p, const char *v)
{
	struct off_err	err;

	off_err_clear(&err);
	if (off_param_check(p, v, &err) != 0)
		fail_msg("%s: \"%s\" refused: %s", p->id, v, err.detail);
}

static void
param_bad(const struct off_param *p, const char *v, const char *words)
{
	struct off_err	err;

	off_err_clear(&err);
	if (off_param_check(p, v, &err) != OFF_ERR_INVALID)
		fail_msg("%s: \"%s\" accepted", p->id, v);
	assert_int_equal(err.code, OFF_ERR_INVALID);
	if (strstr(err.detail, p->id) == NULL || (words != NULL &&
	    strstr(err.detail, words) == NULL))
		fail_msg("%s: \"%s\" refused with \"%s\"", p->id, v,
		    err.detail);
}

static void
test_param_check(void **state)
{
	struct fx		*f = *state;
	struct off_param	 p;
	static const char *const choices[] = { "azure", "aws" };
	char			 longv[1100], dirpath[PATH_MAX];

	memset(&p, 0, sizeof(p));
	p.id = "str";
	p.type = OFF_PARAM_STRING;
	param_ok(&p, "");
	param_ok(&p, "anything at all, with spaces");
	param_ok(&p, "tab\there");
	param_bad(&p, "two\nlines", "one line");
	param_bad(&p, "bell\a", "control characters");
	param_bad(&p, "del\177", "control characters");
	memset(longv, 'a', 1024);
	longv[1024] = '\0';
	param_ok(&p, longv);
	longv[1024] = 'a';
	longv[1025] = '\0';
	param_bad(&p, longv, "1024");
	/* UTF-8 only: anything else could not be on record. */
	param_ok(&p, "Gr\xc3\xbc\xc3\x9f\x65 \xe2\x82\xac \xf0\x9d\x84\x9e");
	param_bad(&p, "\xff", "UTF-8");
	param_bad(&p, "latin1 \xe9t\xe9", "UTF-8");
	param_bad(&p, "\xc0\xaf", "UTF-8");		/* overlong "/" */
	param_bad(&p, "\xed\xa0\x80", "UTF-8");	/* a surrogate */
	param_bad(&p, "\xf4\x90\x80\x80", "UTF-8");	/* past U+10FFFF */
	param_bad(&p, "cut \xe2\x82", "UTF-8");
	assert_true(off_text_line_ok("one line\twith a tab, \xe2\x82\xac"));
	assert_false(off_text_line_ok("two\nlines"));
	assert_false(off_text_line_ok("esc \033[2J"));
	assert_false(off_text_line_ok("\xff"));

	p.pattern = "^[a-z0-9-]{1,8}$";
	param_ok(&p, "key-1");
	param_bad(&p, "Key-1", "does not match");
	param_bad(&p, "", "does not match");
	param_bad(&p, "waytoolongforit", "does not match");
	p.pattern = "([";
	param_bad(&p, "x", "bad pattern");
	p.pattern = NULL;

	p.id = "cloud";
	p.type = OFF_PARAM_CHOICE;
	p.choices = (const char **)(uintptr_t)choices;
	p.nchoices = 2;
	param_ok(&p, "azure");
	param_ok(&p, "aws");
	param_bad(&p, "gcp", "not one of the choices");
	param_bad(&p, "Azure", "not one of the choices");
	param_bad(&p, "", "not one of the choices");
	param_bad(&p, "aws ", "not one of the choices");

	memset(&p, 0, sizeof(p));
	p.id = "k";
	p.type = OFF_PARAM_INTEGER;
	p.min = 1;
	p.max = 64;
	param_ok(&p, "1");
	param_ok(&p, "64");
	param_ok(&p, "17");
	param_bad(&p, "0", "from 1 to 64");
	param_bad(&p, "65", "from 1 to 64");
	param_bad(&p, "", "whole number");
	param_bad(&p, "two", "whole number");
	param_bad(&p, "3x", "whole number");
	param_bad(&p, "3.0", "whole number");
	param_bad(&p, "0x10", "whole number");
	param_bad(&p, "99999999999999999999999", "whole number");
	p.min = -10;
	param_ok(&p, "-10");
	param_bad(&p, "-11", "whole number");

	p.id = "from";
	p.type = OFF_PARAM_FILE;
	write_text(f->path, "x");
	param_ok(&p, f->path);
	param_bad(&p, "/nonexistent/file", "no such file");
	param_bad(&p, "", "no such file");
	snprintf(dirpath, sizeof(dirpath), "%s", f->dir);
	param_bad(&p, dirpath, "no such file");
}

/* An integer is digits: what the actions will take. */
static void
test_param_integer_strict(void **state)
{
	struct off_param	 p;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.id = "n";
	p.type = OFF_PARAM_INTEGER;
	p.min = 1;
	p.max = 64;
	param_bad(&p, " 3", "whole number");
	param_bad(&p, "+3", "whole number");
	param_bad(&p, "\t3", NULL);
}

/* --- translation of the texts ---------------------------------------------- */

/* A translation is used only with the same references: reordered is
 * fine, one lost, added, doubled, renamed or broken is not. */
static void
test_refs_same(void **state)
{
	(void)state;
	assert_int_equal(off_script_refs_same("", ""), 1);
	assert_int_equal(off_script_refs_same("plain", "anders"), 1);
	assert_int_equal(off_script_refs_same("${a} and ${b}", "${b} en ${a}"),
	    1);
	assert_int_equal(off_script_refs_same("${a} ${a}", "${a}, ${a}!"), 1);
	assert_int_equal(off_script_refs_same("$$5 ${a}", "${a} $$5 $ $x"), 1);
	assert_int_equal(off_script_refs_same("${a} and ${b}", "${a}"), 0);
	assert_int_equal(off_script_refs_same("${a}", "${a} ${kmdata}"), 0);
	assert_int_equal(off_script_refs_same("${a}", "${a} ${a}"), 0);
	assert_int_equal(off_script_refs_same("${a} ${a}", "${a} ${b}"), 0);
	assert_int_equal(off_script_refs_same("${a}", "${A}"), 0);
	assert_int_equal(off_script_refs_same("${a}", "${ a}"), 0);
	assert_int_equal(off_script_refs_same("plain", "${kmdata}"), 0);
	/* "$$" is a "$": "$${a}" shows "${a}" and is no reference. */
	assert_int_equal(off_script_refs_same("${a}", "$${a}"), 0);
	assert_int_equal(off_script_refs_same("$${a}", "${a}"), 0);
	/* A "${" that is no reference: shown as written, never used. */
	assert_int_equal(off_script_refs_same("${a}", "${a} ${b"), 0);
	assert_int_equal(off_script_refs_same("${a}", "${a} ${}"), 0);
	assert_int_equal(off_script_refs_same("${a}", "${a"), 0);
}

/* The fake catalogue: pairs of text and translation. */
static const char *const catalogue[] = {
	"T", "T-nl",
	"Line one.", "Regel een.",
	"Admin", "Beheerder",
	"Pick ${k}", "Kies ${k}",
	"How many", "Hoeveel",
	"Intro", "Inleiding",
	/* Reordered: used. */
	"Copy ${s} to ${workdir}", "Naar ${workdir} gaat ${s}",
	/* A reference lost, one added, one renamed: each kept as written. */
	"one ${k}", "een",
	"two", "twee ${kmdata}",
	"three ${k}", "drie ${s}",
	/* Not fit to show, or on two lines where one was written. */
	"four", "vi\033[2Jer",
	"Fix it", "Los\nop",
	/* Two lines where two were written are fine. */
	"Line\nmore", "Regel\nmeer",
	"I saw ${gen.key_file}", "Ik zag ${gen.key_file}",
	"Done.", "",
	"Fix ${nope}", "Repareer",
	NULL
};

struct fake {
	unsigned	 calls;
	const char	*bad;		/* a text asked for that is no text */
};

static const char *
fake_translate(void *arg, const char *text)
{
	struct fake	*fk = arg;
	size_t		 i;

	fk->calls++;
	/* What the engine reads is never translated. */
	if (strcmp(text, "rsa") == 0 || strcmp(text, "${s}") == 0 ||
	    strcmp(text, "x") == 0 || strcmp(text, "world.info") == 0 ||
	    strcmp(text, "admin") == 0 || *text == '\0')
		fk->bad = text;
	for (i = 0; catalogue[i] != NULL; i += 2)
		if (strcmp(catalogue[i], text) == 0)
			return catalogue[i + 1];
	return text;
}

/* Texts are shown translated where that is safe, while the file's
 * SHA-256, ids, choices, arguments and cases stay as written; a script
 * with problems is checked as written. */
static void
test_translation(void **state)
{
	struct fx		*f = *state;
	struct off_script	*s;
	struct fake		 fk;
	struct off_err		 err;
	struct off_script_problems probs;
	uint8_t			 sha[32];
	unsigned int		 shalen = 0;
	unsigned		 calls = 0;
	char			*out;
	static const char	 text[] =
	    "id = \"tr\";\n"
	    "title = \"T\";\n"
	    "version = 1;\n"
	    "description = \"Line one.\";\n"
	    "roles = ( { id = \"admin\"; title = \"Admin\"; } );\n"
	    "parameters = (\n"
	    "  { id = \"k\"; type = \"integer\"; prompt = \"Pick ${k}\"; "
	    "help = \"How many\"; },\n"
	    "  { id = \"s\"; type = \"string\"; prompt = \"S\"; default = "
	    "\"abc\"; },\n"
	    "  { id = \"c\"; type = \"choice\"; choices = [ \"x\", \"y\" ]; "
	    "prompt = \"C\"; }\n"
	    ");\n"
	    "steps = (\n"
	    "  { id = \"intro\"; type = \"instruction\"; role = \"admin\"; "
	    "title = \"Intro\"; text = \"Copy ${s} to ${workdir}\"; },\n"
	    "  { id = \"room\"; type = \"checklist\"; items = [ \"one ${k}\", "
	    "\"two\", \"three ${k}\", \"four\" ]; },\n"
	    "  { id = \"fix\"; type = \"instruction\"; title = \"Fix it\"; "
	    "text = \"Line\\nmore\"; },\n"
	    "  { id = \"gen\"; type = \"action\"; action = \"key.generate\";\n"
	    "    args = { ident = \"${s}\"; type = \"rsa\"; }; },\n"
	    "  { id = \"info\"; type = \"action\"; action = \"world.info\"; },\n"
	    "  { id = \"pick\"; type = \"branch\"; on = \"${c}\";\n"
	    "    cases = ( { value = \"x\"; next = \"saw\"; } ); "
	    "default = \"saw\"; },\n"
	    "  { id = \"saw\"; type = \"witness\"; role = \"admin\"; "
	    "text = \"I saw ${gen.key_file}\"; },\n"
	    "  { id = \"end\"; type = \"seal\"; text = \"Done.\"; }\n"
	    ");\n";

	memset(&fk, 0, sizeof(fk));
	off_script_set_translator(fake_translate, &fk);
	s = load_good(f, text);
	off_script_set_translator(NULL, NULL);
	if (fk.bad != NULL)
		fail_msg("\"%s\" was given for translation", fk.bad);
	assert_true(fk.calls > 0);
	assert_string_equal(s->title, "T-nl");
	assert_string_equal(s->description, "Regel een.");
	assert_string_equal(s->roles[0].title, "Beheerder");
	assert_string_equal(s->params[0].prompt, "Kies ${k}");
	assert_string_equal(s->params[0].help, "Hoeveel");
	assert_string_equal(s->steps[0].title, "Inleiding");
	assert_string_equal(s->steps[0].text, "Naar ${workdir} gaat ${s}");
	assert_string_equal(s->steps[1].items[0], "one ${k}");
	assert_string_equal(s->steps[1].items[1], "two");
	assert_string_equal(s->steps[1].items[2], "three ${k}");
	assert_string_equal(s->steps[1].items[3], "four");
	assert_string_equal(s->steps[2].title, "Fix it");
	assert_string_equal(s->steps[2].text, "Regel\nmeer");
	assert_string_equal(s->steps[6].text, "Ik zag ${gen.key_file}");
	assert_string_equal(s->steps[7].text, "Done.");
	/* What the file says, and what the engine reads, as written. */
	assert_int_equal(EVP_Digest(text, strlen(text), sha, &shalen,
	    EVP_sha256(), NULL), 1);
	assert_memory_equal(s->sha256, sha, 32);
	assert_string_equal(s->id, "tr");
	assert_string_equal(s->roles[0].id, "admin");
	assert_string_equal(s->steps[0].role, "admin");
	assert_string_equal(s->params[2].choices[0], "x");
	assert_string_equal(s->steps[3].args[0].value, "${s}");
	assert_string_equal(s->steps[3].args[1].value, "rsa");
	assert_string_equal(s->steps[5].on, "${c}");
	assert_string_equal(s->steps[5].cases[0].value, "x");
	/* The translation expands as the original would. */
	assert_int_equal(off_expand(s->params[0].prompt, lookup, &calls, &out,
	    &err), 0);
	assert_string_equal(out, "Kies 2");
	free(out);
	off_script_free(&s);

	/* Loaded with the catalogue again: as written. */
	s = load_good(f, text);
	assert_string_equal(s->title, "T");
	assert_string_equal(s->steps[0].text, "Copy ${s} to ${workdir}");
	off_script_free(&s);

	/* A problem is found in the text as written, not the translation
	 * (which drops the unknown reference). */
	write_text(f->path, HDR "steps = (\n  { id = \"a\"; type = "
	    "\"instruction\"; text = \"Fix ${nope}\"; },\n" SEAL ");\n");
	memset(&fk, 0, sizeof(fk));
	off_script_set_translator(fake_translate, &fk);
	off_err_clear(&err);
	assert_int_equal(off_script_load(f->path, &s, &probs, &err),
	    OFF_ERR_FORMAT);
	off_script_set_translator(NULL, NULL);
	assert_null(s);
	assert_int_equal(probs.n, 1);
	assert_non_null(strstr(probs.msg[0], "${nope}"));
	off_script_problems_free(&probs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unknown_settings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_types, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing_required, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_step_needs, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_step_takes_no, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_step, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_graph, setup, teardown),
		cmocka_unit_test_setup_teardown(test_references, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_actions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parameters, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_control_characters, setup,
		    teardown),
		cmocka_unit_test(test_char_misleads),
		cmocka_unit_test_setup_teardown(test_reader, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_problems, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_good_script, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_good_edges, setup,
		    teardown),
		cmocka_unit_test(test_builtin_ceremonies),
		cmocka_unit_test(test_expand),
		cmocka_unit_test_setup_teardown(test_param_check, setup,
		    teardown),
		cmocka_unit_test(test_param_integer_strict),
		cmocka_unit_test(test_refs_same),
		cmocka_unit_test_setup_teardown(test_translation, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
