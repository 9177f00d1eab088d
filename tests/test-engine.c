/* The ceremony engine driven transition by transition (off_engine_step,
 * off_engine_request, off_engine_answer) on small scripts: parameters
 * given, asked, defaulted and refused; instructions, checklists,
 * branches on parameters and results; failure policies (retry, go to,
 * abort); exceptions; the seal, with a transcript that verifies, for
 * completed and aborted ceremonies alike, and the steps on record in
 * order; officers authenticated by simulated and by real YubiKey OTPs
 * with the role rules (no two roles for one person unless the script
 * allows it, no witness of one's own action, one card per person),
 * replayed and wrong OTPs; actions with their results and files, and
 * failing actions under each policy. */
#include "config.h"

#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "encode.h"
#include "engine.h"
#include "error.h"
#include "fe-script.h"
#include "otp.h"
#include "roster.h"
#include "script.h"
#include "slot.h"
#include "transcript.h"
#include "world.h"

/* One world for every test: 2 of 3 cards, PINs 1111 2222 3333. */
static struct {
	char			*dir;
	char			 kmdata[PATH_MAX];
	char			 cards[PATH_MAX];
	struct off_world	*world;
	char			 world_hex[OFF_WORLD_ID_HEX];
	unsigned		 nscripts;
} G;

static int
group_setup(void **state)
{
	(void)state;
	G.dir = test_tmpdir();
	snprintf(G.kmdata, sizeof(G.kmdata), "%s/w/kmdata", G.dir);
	snprintf(G.cards, sizeof(G.cards), "%s/w/cards", G.dir);
	if (test_make_world(G.dir, "w", 0, &G.world) != 0)
		return -1;
	off_world_id_hex(G.world, G.world_hex);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	off_world_free(&G.world);
	test_rmtree(G.dir);
	free(G.dir);
	return 0;
}

/* A running ceremony and what it talks to. */
struct run {
	struct off_script	*s;
	struct off_engine	*e;
	struct off_engine_opts	 o;
	struct off_frontend	 fe;
	struct fe_script	 fs;
	struct off_slot		*slot;
	json_t			*preset;
	char			 path[PATH_MAX];	/* the transcript */
	struct off_err		 err;
};

static struct off_script *
script(const char *text)
{
	struct off_script_problems	 probs;
	struct off_script		*s = NULL;
	struct off_err			 err;
	char				 path[PATH_MAX];
	FILE				*fp;
	size_t				 i;

	snprintf(path, sizeof(path), "%s/s%u.ceremony", G.dir, G.nscripts++);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	off_err_clear(&err);
	if (off_script_load(path, &s, &probs, &err) != 0) {
		for (i = 0; i < probs.n; i++)
			print_message("  %s\n", probs.msg[i]);
		fail_msg("test script refused: %s", err.detail);
	}
	off_script_problems_free(&probs);
	return s;
}

/* Set up r for text; the caller may change r->o before begin(). */
static void
prepare(struct run *r, const char *text, int training)
{
	memset(r, 0, sizeof(*r));
	r->s = script(text);
	fe_script_init(&r->fe, &r->fs);
	assert_non_null(r->preset = json_object());
	r->o.kmdata = G.kmdata;
	r->o.fe = &r->fe;
	r->o.actor = "tester";
	r->o.training = training;
	r->o.preset = r->preset;
	off_err_clear(&r->err);
}

static void
begin(struct run *r)
{
	int	ret;

	if ((ret = off_engine_start(r->s, &r->o, &r->e, &r->err)) != 0)
		fail_msg("off_engine_start: %d %s", ret, r->err.detail);
	assert_non_null(off_engine_transcript_path(r->e));
	snprintf(r->path, sizeof(r->path), "%s",
	    off_engine_transcript_path(r->e));
}

static void
start(struct run *r, const char *text, int training)
{
	prepare(r, text, training);
	begin(r);
}

static void
set(struct run *r, const char *name, const char *value)
{
	json_object_set_new(r->preset, name, json_string(value));
}

static void
finish(struct run *r)
{
	off_engine_free(&r->e);
	assert_null(r->e);
	off_script_free(&r->s);
	off_slot_close(&r->slot);
	json_decref(r->preset);
}

/* Step until the engine waits or ends; its status. */
static int
go(struct run *r)
{
	int	st, n = 0;

	while ((st = off_engine_step(r->e, &r->err)) == OFF_ENGINE_RUNNING)
		if (++n > 1000)
			fail_msg("the engine runs in circles");
	return st;
}

/* The engine must wait for kind in step (NULL: any step). */
static const struct off_engine_request *
waits(struct run *r, enum off_request_kind kind, const char *step)
{
	const struct off_engine_request	*q;
	int				 st = go(r);

	if (st != OFF_ENGINE_WAITING)
		fail_msg("expected a request (%d) in %s; status %d (%s)",
		    (int)kind, step != NULL ? step : "?", st, r->err.detail);
	assert_non_null(q = off_engine_request(r->e));
	if (q->kind != kind)
		fail_msg("request %d in %s, expected %d", (int)q->kind,
		    q->step != NULL ? q->step : "?", (int)kind);
	if (step != NULL)
		assert_string_equal(q->step, step);
	assert_int_equal(q->training, r->o.training);
	return q;
}

static void
say(struct run *r, const char *answer)
{
	struct off_err	err;
	int		ret;

	off_err_clear(&err);
	if ((ret = off_engine_answer(r->e, answer, &err)) != 0)
		fail_msg("answer \"%s\" refused (%d): %s", answer, ret,
		    err.detail);
}

/* An answer refused with OFF_ERR_INVALID, the request still pending;
 * words in the reason. */
static void
say_bad(struct run *r, const char *answer, const char *words)
{
	const struct off_engine_request	*before = off_engine_request(r->e);
	enum off_request_kind		 kind;
	struct off_err			 err;
	int				 ret;

	assert_non_null(before);
	kind = before->kind;
	off_err_clear(&err);
	ret = off_engine_answer(r->e, answer, &err);
	if (ret != OFF_ERR_INVALID)
		fail_msg("answer \"%s\": %d, expected OFF_ERR_INVALID", answer,
		    ret);
	if (words != NULL && strstr(err.detail, words) == NULL)
		fail_msg("answer \"%s\" refused with \"%s\", expected \"%s\"",
		    answer, err.detail, words);
	assert_non_null(off_engine_request(r->e));
	assert_int_equal(off_engine_request(r->e)->kind, kind);
	assert_int_equal(go(r), OFF_ENGINE_WAITING);
}

static void
ends(struct run *r, int status)
{
	int	st = go(r);

	if (st != status)
		fail_msg("ended with %d (%s), expected %d", st, r->err.detail,
		    status);
	assert_null(off_engine_request(r->e));
	assert_null(off_engine_current(r->e));
	assert_non_null(off_engine_root(r->e));
	/* And stays there. */
	assert_int_equal(off_engine_step(r->e, &r->err), status);
}

/* The transcript verifies, sealed, anchored to the world. */
static void
verified(const struct run *r, const uint8_t *root)
{
	struct off_verify_opts		vo;
	struct off_verify_result	vr;
	struct off_err			err;
	int				ret;

	memset(&vo, 0, sizeof(vo));
	vo.world = G.world;
	vo.check_files = 1;
	vo.expect_root = root;
	off_err_clear(&err);
	if ((ret = off_transcript_verify(r->path, &vo, &vr, &err)) != 0)
		fail_msg("%s does not verify (%d): %s %s", r->path, ret,
		    err.detail, vr.why);
	assert_true(vr.sealed);
	assert_true(vr.anchored);
	assert_int_equal(vr.training, r->o.training);
	assert_string_equal(vr.ceremony, r->s->id);
	assert_int_equal(vr.files_missing, 0);
}

/* Finish r, checking that it ended in status with a good transcript. */
static void
sealed(struct run *r, int status)
{
	uint8_t	root[32];

	ends(r, status);
	memcpy(root, off_engine_root(r->e), sizeof(root));
	off_engine_free(&r->e);
	verified(r, root);
}

static struct off_tlog *
tlog(const struct run *r)
{
	struct off_tlog	*log = NULL;
	struct off_err	 err;

	off_err_clear(&err);
	if (off_tlog_load(r->path, &log, &err) != 0)
		fail_msg("%s: %s", r->path, err.detail);
	return log;
}

/* The data of the nth (0-based) entry of type in step (NULL: any), or
 * NULL; a new reference. */
static json_t *
entry(const struct run *r, const char *type, const char *step, unsigned nth)
{
	struct off_tlog	*log = tlog(r);
	json_t		*d = NULL;
	size_t		 i;

	for (i = 0; i < log->nentries; i++) {
		if (strcmp(log->entries[i].type, type) != 0 || (step != NULL &&
		    strcmp(log->entries[i].step, step) != 0))
			continue;
		if (nth-- == 0) {
			d = json_incref(log->entries[i].data);
			break;
		}
	}
	off_tlog_free(&log);
	return d;
}

static unsigned
count(const struct run *r, const char *type, const char *step)
{
	json_t		*d;
	unsigned	 n = 0;

	while ((d = entry(r, type, step, n)) != NULL) {
		json_decref(d);
		n++;
	}
	return n;
}

/* Prompts of kind (parameter, check, notice, ...) shown in step. */
static unsigned
prompts(const struct run *r, const char *step, const char *kind)
{
	json_t		*d;
	unsigned	 i, n = 0;

	for (i = 0; (d = entry(r, OFF_T_PROMPT, step, i)) != NULL; i++) {
		if (json_is_string(json_object_get(d, "kind")) &&
		    strcmp(json_string_value(json_object_get(d, "kind")),
		    kind) == 0)
			n++;
		json_decref(d);
	}
	return n;
}

static const char *
str(json_t *d, const char *key)
{
	const char	*v = json_string_value(json_object_get(d, key));

	if (v == NULL)
		fail_msg("no string \"%s\" in the entry", key);
	return v;
}

/* The entry must exist and data.key be value. */
static void
has(const struct run *r, const char *type, const char *step, unsigned nth,
    const char *key, const char *value)
{
	json_t	*d = entry(r, type, step, nth);

	if (d == NULL)
		fail_msg("no %s #%u in %s", type, nth, step != NULL ? step :
		    "any step");
	if (strcmp(str(d, key), value) != 0)
		fail_msg("%s in %s: %s is \"%s\", expected \"%s\"", type,
		    step != NULL ? step : "any step", key, str(d, key), value);
	json_decref(d);
}

/* Steps begun (B), ended (E) and prompts (P) in order, as
 * "B:step P:step E:step ...", and the last entry the seal. */
static void
sequence(const struct run *r, const char *want)
{
	struct off_tlog	*log = tlog(r);
	char		 got[4096] = "", one[128];
	const char	*t;
	size_t		 i;

	for (i = 0; i < log->nentries; i++) {
		t = log->entries[i].type;
		if (strcmp(t, OFF_T_STEP_BEGUN) == 0)
			t = "B";
		else if (strcmp(t, OFF_T_STEP_ENDED) == 0)
			t = "E";
		else if (strcmp(t, OFF_T_PROMPT) == 0)
			t = "P";
		else
			continue;
		snprintf(one, sizeof(one), "%s%s:%s", got[0] != '\0' ? " " :
		    "", t, log->entries[i].step);
		strncat(got, one, sizeof(got) - strlen(got) - 1);
	}
	assert_true(log->nentries > 0);
	assert_string_equal(log->entries[log->nentries - 1].type,
	    OFF_T_SEALED);
	assert_string_equal(log->entries[0].type, OFF_T_STARTED);
	off_tlog_free(&log);
	if (strcmp(got, want) != 0)
		fail_msg("transcript sequence\n  got  %s\n  want %s", got, want);
}

#define HDR	"id = \"t\";\ntitle = \"Test\";\nversion = 1;\n"
#define ROLES	"roles = ( { id = \"admin\"; title = \"Admin\"; },\n" \
		"  { id = \"witness\"; title = \"Witness\"; } );\n"
#define SEAL	"  { id = \"end\"; type = \"seal\"; }\n"

/* --- parameters ------------------------------------------------------ */

#define PARAM_SCRIPT HDR \
	"parameters = (\n" \
	"  { id = \"n\"; type = \"integer\"; min = 1; max = 9; " \
	"default = \"3\"; prompt = \"How many\"; help = \"1 to 9\"; },\n" \
	"  { id = \"c\"; type = \"choice\"; choices = [ \"x\", \"y\" ]; " \
	"prompt = \"Which\"; },\n" \
	"  { id = \"s\"; type = \"string\"; pattern = \"^[a-z]+$\"; " \
	"prompt = \"Name\"; }\n);\n" \
	"steps = (\n" \
	"  { id = \"a\"; type = \"instruction\"; text = \"n=${n} c=${c} " \
	"s=${s} $$\"; },\n" SEAL ");\n"

static void
test_params_preset(void **state)
{
	struct run				 r;
	const struct off_engine_request		*q;

	(void)state;
	prepare(&r, PARAM_SCRIPT, 0);
	set(&r, "n", "5");
	set(&r, "c", "y");
	set(&r, "s", "abc");
	begin(&r);
	assert_null(off_engine_request(r.e));
	q = waits(&r, OFF_REQ_ACK, "a");
	assert_string_equal(q->text, "n=5 c=y s=abc $");
	assert_string_equal(off_engine_current(r.e), "a");
	say(&r, "yes");
	sealed(&r, OFF_ENGINE_DONE);
	has(&r, OFF_T_PARAMETER, "t", 1, "name", "n");
	has(&r, OFF_T_PARAMETER, "t", 1, "value", "5");
	has(&r, OFF_T_PARAMETER, "t", 2, "value", "y");
	has(&r, OFF_T_PARAMETER, "t", 3, "value", "abc");
	/* The first names the script and its SHA-256. */
	has(&r, OFF_T_PARAMETER, "t", 0, "name", "script");
	/* Given, not asked. */
	assert_int_equal(count(&r, OFF_T_PROMPT, "t"), 0);
	finish(&r);
}

/* Given values are checked before anything is recorded. */
static void
test_params_preset_invalid(void **state)
{
	struct run			 r;
	static const char *const	 bad[][2] = {
		{ "n", "10" }, { "n", "three" }, { "c", "z" }, { "s", "ABC" },
		{ "n", " 3" }, { "n", "+3" }, { "unknown", "x" },
	};
	char				 dir[PATH_MAX + 16];
	unsigned			 before;
	size_t				 i;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/transcripts", G.kmdata);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		before = test_count_files(dir, ".transcript");
		prepare(&r, PARAM_SCRIPT, 0);
		set(&r, "n", "5");
		set(&r, "c", "x");
		set(&r, "s", "abc");
		set(&r, bad[i][0], bad[i][1]);
		if (off_engine_start(r.s, &r.o, &r.e, &r.err) !=
		    OFF_ERR_INVALID)
			fail_msg("preset %s=\"%s\" accepted", bad[i][0],
			    bad[i][1]);
		assert_null(r.e);
		assert_non_null(strstr(r.err.detail, bad[i][0]));
		assert_int_equal(test_count_files(dir, ".transcript"), before);
		finish(&r);
	}
}

static void
test_params_asked(void **state)
{
	struct run				 r;
	const struct off_engine_request		*q;

	(void)state;
	start(&r, PARAM_SCRIPT, 1);
	q = waits(&r, OFF_REQ_PARAM, "n");
	assert_string_equal(q->text, "How many");
	assert_string_equal(q->help, "1 to 9");
	assert_string_equal(q->def, "3");
	assert_null(q->role);
	say_bad(&r, "0", "from 1 to 9");
	say_bad(&r, "lots", "n:");
	say(&r, "");				/* the default */
	q = waits(&r, OFF_REQ_PARAM, "c");
	assert_null(q->def);
	say_bad(&r, "z", "not one of the choices");
	say_bad(&r, "", "not one of the choices");	/* no default */
	say(&r, "x");
	q = waits(&r, OFF_REQ_PARAM, "s");
	say_bad(&r, "", "does not match");
	say_bad(&r, "Bad", "does not match");
	say(&r, "abc");
	q = waits(&r, OFF_REQ_ACK, "a");
	assert_string_equal(q->text, "n=3 c=x s=abc $");
	say(&r, "y");
	sealed(&r, OFF_ENGINE_DONE);
	has(&r, OFF_T_PARAMETER, "t", 1, "value", "3");
	has(&r, OFF_T_PARAMETER, "t", 2, "value", "x");
	has(&r, OFF_T_PARAMETER, "t", 3, "value", "abc");
	has(&r, OFF_T_PROMPT, "t", 0, "kind", "parameter");
	has(&r, OFF_T_PROMPT, "t", 0, "text", "How many");
	/* Refused answers are not on record as values. */
	assert_int_equal(count(&r, OFF_T_PARAMETER, "t"), 4);
	finish(&r);
}

/* Some given, the others asked, in script order. */
static void
test_params_mixed(void **state)
{
	struct run	r;

	(void)state;
	prepare(&r, PARAM_SCRIPT, 0);
	set(&r, "c", "y");
	begin(&r);
	waits(&r, OFF_REQ_PARAM, "n");
	say(&r, "7");
	waits(&r, OFF_REQ_PARAM, "s");
	say(&r, "zz");
	assert_string_equal(waits(&r, OFF_REQ_ACK, "a")->text,
	    "n=7 c=y s=zz $");
	say(&r, "yes");
	sealed(&r, OFF_ENGINE_DONE);
	finish(&r);
}

/* --- instructions, checklists ------------------------------------------- */

#define ACK_SCRIPT HDR ROLES "steps = (\n" \
	"  { id = \"a\"; type = \"instruction\"; role = \"admin\"; " \
	"text = \"Do it in ${training} mode\"; },\n" \
	"  { id = \"b\"; type = \"instruction\"; text = \"Then this\"; },\n" \
	SEAL ");\n"

static void
test_instruction_yes(void **state)
{
	struct run				 r;
	const struct off_engine_request		*q;

	(void)state;
	start(&r, ACK_SCRIPT, 1);
	q = waits(&r, OFF_REQ_ACK, "a");
	assert_string_equal(q->text, "Do it in yes mode");
	assert_string_equal(q->role, "admin");
	assert_null(q->officer);		/* nobody authenticated */
	say_bad(&r, "maybe", "yes or no");
	say_bad(&r, "", "yes or no");
	say(&r, "yes");
	q = waits(&r, OFF_REQ_ACK, "b");
	assert_null(q->role);
	say(&r, "y");
	sealed(&r, OFF_ENGINE_DONE);
	has(&r, OFF_T_STEP_ENDED, "a", 0, "result", "done");
	has(&r, OFF_T_STEP_ENDED, "a", 0, "next", "b");
	has(&r, OFF_T_PARAMETER, "a", 0, "answer", "yes");
	finish(&r);
}

static void
test_instruction_no(void **state)
{
	struct run	r;
	json_t		*d;

	(void)state;
	start(&r, ACK_SCRIPT, 0);
	waits(&r, OFF_REQ_ACK, "a");
	say(&r, "no");
	/* The default policy: the ceremony ends, sealed. */
	sealed(&r, OFF_ENGINE_ABORTED);
	has(&r, OFF_T_PARAMETER, "a", 0, "answer", "no");
	has(&r, OFF_T_STEP_ENDED, "a", 0, "result", "aborted");
	assert_non_null(d = entry(&r, OFF_T_STEP_ENDED, "a", 0));
	assert_non_null(strstr(str(d, "error"), "not confirmed"));
	json_decref(d);
	assert_int_equal(count(&r, OFF_T_STEP_BEGUN, "b"), 0);
	/* The reason was shown, and is on record. */
	assert_true(r.fs.warnings > 0);
	assert_int_equal(prompts(&r, "a", "notice"), 1);
	finish(&r);
}

/* No question waiting: no answer. */
static void
test_answer_unasked(void **state)
{
	struct run	r;
	struct off_err	err;

	(void)state;
	start(&r, ACK_SCRIPT, 0);
	off_err_clear(&err);
	assert_int_equal(off_engine_answer(r.e, "yes", &err), OFF_ERR_INVALID);
	waits(&r, OFF_REQ_ACK, "a");
	say(&r, "yes");
	waits(&r, OFF_REQ_ACK, "b");
	say(&r, "yes");
	ends(&r, OFF_ENGINE_DONE);
	assert_int_equal(off_engine_answer(r.e, "yes", &err), OFF_ERR_INVALID);
	finish(&r);
}

#define CHECK_SCRIPT HDR "parameters = ( { id = \"n\"; type = \"integer\"; " \
	"prompt = \"N\"; default = \"3\"; } );\n" \
	"steps = (\n" \
	"  { id = \"room\"; type = \"checklist\";\n" \
	"    items = [ \"one\", \"${n} cards\", \"three\" ]; },\n" \
	SEAL ");\n"

static void
test_checklist(void **state)
{
	struct run				 r;
	const struct off_engine_request		*q;

	(void)state;
	prepare(&r, CHECK_SCRIPT, 0);
	set(&r, "n", "4");
	begin(&r);
	q = waits(&r, OFF_REQ_CHECK, "room");
	assert_int_equal(q->item, 1);
	assert_int_equal(q->items, 3);
	assert_string_equal(q->text, "one");
	say(&r, "yes");
	q = waits(&r, OFF_REQ_CHECK, "room");
	assert_int_equal(q->item, 2);
	assert_string_equal(q->text, "4 cards");
	say_bad(&r, "ok", "yes or no");
	say(&r, "y");
	q = waits(&r, OFF_REQ_CHECK, "room");
	assert_int_equal(q->item, 3);
	assert_string_equal(q->text, "three");
	say(&r, "yes");
	sealed(&r, OFF_ENGINE_DONE);
	assert_int_equal(count(&r, OFF_T_PARAMETER, "room"), 3);
	has(&r, OFF_T_STEP_ENDED, "room", 0, "result", "done");
	finish(&r);
}

static void
test_checklist_no(void **state)
{
	struct run	r;
	json_t		*d;

	(void)state;
	start(&r, CHECK_SCRIPT, 0);
	waits(&r, OFF_REQ_PARAM, "n");
	say(&r, "");
	waits(&r, OFF_REQ_CHECK, "room");
	say(&r, "yes");
	waits(&r, OFF_REQ_CHECK, "room");
	say(&r, "no");
	sealed(&r, OFF_ENGINE_ABORTED);
	assert_non_null(d = entry(&r, OFF_T_STEP_ENDED, "room", 0));
	assert_string_equal(str(d, "result"), "aborted");
	assert_non_null(strstr(str(d, "error"), "checklist item 2 not "
	    "confirmed: 3 cards"));
	json_decref(d);
	/* The third item was never asked; why it failed is on record. */
	assert_int_equal(prompts(&r, "room", "check"), 2);
	assert_int_equal(prompts(&r, "room", "notice"), 1);
	finish(&r);
}

/* --- branches ------------------------------------------------------------ */

#define BRANCH_SCRIPT HDR \
	"parameters = ( { id = \"c\"; type = \"choice\"; " \
	"choices = [ \"x\", \"y\", \"z\" ]; prompt = \"C\"; } );\n" \
	"steps = (\n" \
	"  { id = \"pick\"; type = \"branch\"; on = \"${c}\";\n" \
	"    cases = ( { value = \"x\"; next = \"sx\"; },\n" \
	"              { value = \"y\"; next = \"sy\"; } );\n" \
	"    default = \"sd\"; },\n" \
	"  { id = \"sx\"; type = \"instruction\"; text = \"x\"; " \
	"next = \"end\"; },\n" \
	"  { id = \"sy\"; type = \"instruction\"; text = \"y\"; " \
	"next = \"end\"; },\n" \
	"  { id = \"sd\"; type = \"instruction\"; text = \"other\"; },\n" \
	SEAL ");\n"

static void
test_branch(void **state)
{
	static const char *const	 to[][2] = { { "x", "sx" },
	    { "y", "sy" }, { "z", "sd" } };
	struct run			 r;
	size_t				 i;

	(void)state;
	for (i = 0; i < 3; i++) {
		prepare(&r, BRANCH_SCRIPT, 0);
		set(&r, "c", to[i][0]);
		begin(&r);
		waits(&r, OFF_REQ_ACK, to[i][1]);
		say(&r, "yes");
		sealed(&r, OFF_ENGINE_DONE);
		has(&r, OFF_T_PARAMETER, "pick", 0, "branch", to[i][0]);
		has(&r, OFF_T_PARAMETER, "pick", 0, "next", to[i][1]);
		has(&r, OFF_T_STEP_ENDED, "pick", 0, "next", to[i][1]);
		has(&r, OFF_T_STEP_ENDED, to[i][1], 0, "next", "end");
		/* The other ways were not taken. */
		assert_int_equal(count(&r, OFF_T_STEP_BEGUN, NULL), 3);
		finish(&r);
	}
}

/* A branch on an earlier step's result. */
static void
test_branch_on_result(void **state)
{
	struct run				 r;
	const struct off_engine_request		*q;
	char					 want[256];

	(void)state;
	start(&r, HDR "steps = (\n"
	    "  { id = \"w\"; type = \"action\"; action = \"world.info\"; },\n"
	    "  { id = \"k\"; type = \"branch\"; on = \"${w.k}-of-${w.n}\";\n"
	    "    cases = ( { value = \"2-of-3\"; next = \"two\"; } ); "
	    "default = \"other\"; },\n"
	    "  { id = \"other\"; type = \"instruction\"; text = \"no\"; },\n"
	    "  { id = \"two\"; type = \"instruction\"; text = \"${w.world_id} "
	    "is ${world}\"; },\n" SEAL ");\n", 0);
	q = waits(&r, OFF_REQ_ACK, "two");
	snprintf(want, sizeof(want), "%s is %s", G.world_hex, G.world_hex);
	assert_string_equal(q->text, want);
	say(&r, "yes");
	sealed(&r, OFF_ENGINE_DONE);
	has(&r, OFF_T_PARAMETER, "k", 0, "branch", "2-of-3");
	finish(&r);
}

/* --- failure policies ----------------------------------------------------- */

#define RETRY_SCRIPT HDR "steps = (\n" \
	"  { id = \"a\"; type = \"instruction\"; text = \"Try\"; " \
	"on_failure = \"retry\"; },\n" SEAL ");\n"

static void
test_retry_yes(void **state)
{
	struct run				 r;
	const struct off_engine_request		*q;

	(void)state;
	start(&r, RETRY_SCRIPT, 0);
	waits(&r, OFF_REQ_ACK, "a");
	say(&r, "no");
	q = waits(&r, OFF_REQ_RETRY, "a");
	assert_non_null(strstr(q->text, "again"));
	say_bad(&r, "perhaps", "yes or no");
	say(&r, "yes");
	/* The step runs again, from its beginning. */
	waits(&r, OFF_REQ_ACK, "a");
	say(&r, "no");
	waits(&r, OFF_REQ_RETRY, "a");
	say(&r, "y");
	waits(&r, OFF_REQ_ACK, "a");
	say(&r, "yes");
	sealed(&r, OFF_ENGINE_DONE);
	assert_int_equal(count(&r, OFF_T_STEP_BEGUN, "a"), 3);
	has(&r, OFF_T_STEP_ENDED, "a", 0, "result", "failed");
	has(&r, OFF_T_STEP_ENDED, "a", 0, "next", "a");
	has(&r, OFF_T_STEP_ENDED, "a", 1, "result", "failed");
	has(&r, OFF_T_STEP_ENDED, "a", 2, "result", "done");
	/* Each failure: the question, the reason, the offer to retry. */
	sequence(&r, "B:a P:a P:a P:a E:a B:a P:a P:a P:a E:a B:a P:a E:a "
	    "B:end E:end");
	assert_int_equal(prompts(&r, "a", "retry"), 2);
	finish(&r);
}

static void
test_retry_no(void **state)
{
	struct run	r;

	(void)state;
	start(&r, RETRY_SCRIPT, 1);
	waits(&r, OFF_REQ_ACK, "a");
	say(&r, "no");
	waits(&r, OFF_REQ_RETRY, "a");
	say(&r, "no");
	sealed(&r, OFF_ENGINE_ABORTED);
	has(&r, OFF_T_STEP_ENDED, "a", 0, "result", "aborted");
	assert_int_equal(count(&r, OFF_T_STEP_BEGUN, "end"), 0);
	finish(&r);
}

static void
test_goto(void **state)
{
	struct run	r;

	(void)state;
	start(&r, HDR "steps = (\n"
	    "  { id = \"a\"; type = \"instruction\"; text = \"Try\"; "
	    "on_failure = \"fix\"; next = \"end\"; },\n"
	    "  { id = \"fix\"; type = \"instruction\"; text = \"Fix\"; "
	    "next = \"a\"; },\n" SEAL ");\n", 0);
	waits(&r, OFF_REQ_ACK, "a");
	say(&r, "no");
	waits(&r, OFF_REQ_ACK, "fix");
	say(&r, "yes");
	waits(&r, OFF_REQ_ACK, "a");
	say(&r, "yes");
	sealed(&r, OFF_ENGINE_DONE);
	has(&r, OFF_T_STEP_ENDED, "a", 0, "result", "failed");
	has(&r, OFF_T_STEP_ENDED, "a", 0, "next", "fix");
	has(&r, OFF_T_STEP_ENDED, "fix", 0, "next", "a");
	has(&r, OFF_T_STEP_ENDED, "a", 1, "next", "end");
	sequence(&r, "B:a P:a P:a E:a B:fix P:fix E:fix B:a P:a E:a B:end "
	    "E:end");
	finish(&r);
}

/* --- exceptions ---------------------------------------------------------- */

#define EXC_SCRIPT HDR ROLES "steps = (\n" \
	"  { id = \"dev\"; type = \"exception\"; role = \"admin\"; " \
	"text = \"What went differently?\"; },\n" SEAL ");\n"

static void
test_exception(void **state)
{
	struct run				 r;
	const struct off_engine_request		*q;
	char					 longer[2100];
	json_t					*d;

	(void)state;
	start(&r, EXC_SCRIPT, 1);
	q = waits(&r, OFF_REQ_DEVIATION, "dev");
	assert_string_equal(q->text, "What went differently?");
	assert_string_equal(q->role, "admin");
	say_bad(&r, "", "deviation");
	memset(longer, 'x', 2001);
	longer[2001] = '\0';
	say_bad(&r, longer, "2000");
	/* What goes on record and on screens is text. */
	say_bad(&r, "erase \033[2J the screen", "deviation");
	say_bad(&r, "two\nlines", "deviation");
	say_bad(&r, "latin1 \xe9t\xe9", "deviation");
	/* Nor what makes a reader see other than what is written. */
	say_bad(&r, "paid \xe2\x80\xae" "0001", "deviation");
	say(&r, "Card 3 was missing; the administrator went on with 2");
	q = waits(&r, OFF_REQ_WITNESS, "dev");
	assert_non_null(strstr(q->text, "deviation"));
	/* Asked of the witness, not of who decided. */
	assert_string_equal(q->role, "witness");
	say(&r, "yes");
	sealed(&r, OFF_ENGINE_DONE);
	/* On record as told, then as acknowledged. */
	has(&r, OFF_T_EXCEPTION, "dev", 0, "account",
	    "Card 3 was missing; the administrator went on with 2");
	has(&r, OFF_T_EXCEPTION, "dev", 1, "account",
	    "Card 3 was missing; the administrator went on with 2");
	assert_non_null(d = entry(&r, OFF_T_EXCEPTION, "dev", 1));
	assert_true(json_is_true(json_object_get(d, "acknowledged")));
	json_decref(d);
	assert_int_equal(count(&r, OFF_T_EXCEPTION, "dev"), 2);
	has(&r, OFF_T_WITNESS, "dev", 0, "answer", "yes");
	has(&r, OFF_T_STEP_ENDED, "dev", 0, "result", "done");
	finish(&r);
}

static void
test_exception_not_witnessed(void **state)
{
	struct run	r;

	(void)state;
	start(&r, EXC_SCRIPT, 0);
	waits(&r, OFF_REQ_DEVIATION, "dev");
	say(&r, "Something else happened");
	waits(&r, OFF_REQ_WITNESS, "dev");
	say(&r, "no");
	sealed(&r, OFF_ENGINE_ABORTED);
	/* Told, so on record; never acknowledged. */
	assert_int_equal(count(&r, OFF_T_EXCEPTION, "dev"), 1);
	has(&r, OFF_T_EXCEPTION, "dev", 0, "account", "Something else happened");
	has(&r, OFF_T_WITNESS, "dev", 0, "answer", "no");
	finish(&r);
}

/* --- the seal and the transcript -------------------------------------------- */

static void
test_sequence(void **state)
{
	struct run	r;

	(void)state;
	start(&r, HDR "parameters = ( { id = \"p\"; type = \"string\"; "
	    "prompt = \"P\"; } );\n"
	    "roles = ( { id = \"witness\"; title = \"W\"; } );\n"
	    "steps = (\n"
	    "  { id = \"a\"; type = \"instruction\"; text = \"A\"; },\n"
	    "  { id = \"c\"; type = \"checklist\"; items = [ \"1\", \"2\" ]; },\n"
	    "  { id = \"b\"; type = \"branch\"; on = \"${p}\";\n"
	    "    cases = ( { value = \"v\"; next = \"w\"; } ); "
	    "default = \"end\"; },\n"
	    "  { id = \"w\"; type = \"witness\"; role = \"witness\"; "
	    "text = \"I saw ${p}\"; },\n"
	    "  { id = \"end\"; type = \"seal\"; text = \"Done.\"; }\n);\n", 1);
	waits(&r, OFF_REQ_PARAM, "p");
	say(&r, "v");
	waits(&r, OFF_REQ_ACK, "a");
	say(&r, "yes");
	waits(&r, OFF_REQ_CHECK, "c");
	say(&r, "yes");
	waits(&r, OFF_REQ_CHECK, "c");
	say(&r, "yes");
	assert_string_equal(waits(&r, OFF_REQ_WITNESS, "w")->text, "I saw v");
	say(&r, "yes");
	sealed(&r, OFF_ENGINE_DONE);
	/* The seal's text is shown (a notice, on record) before it ends. */
	sequence(&r, "P:t B:a P:a E:a B:c P:c P:c E:c B:b E:b B:w P:w E:w "
	    "B:end P:end E:end");
	has(&r, OFF_T_WITNESS, "w", 0, "question", "I saw v");
	has(&r, OFF_T_STEP_BEGUN, "w", 0, "type", "witness");
	has(&r, OFF_T_STEP_BEGUN, "c", 0, "type", "checklist");
	finish(&r);
}

/* The final root, the transcript's place and who started it. */
static void
test_seal_root(void **state)
{
	struct run		 r;
	struct off_verify_opts	 vo;
	struct off_verify_result vr;
	struct off_err		 err;
	uint8_t			 root[32];

	(void)state;
	start(&r, HDR "steps = (\n" SEAL ");\n", 0);
	assert_null(off_engine_root(r.e));
	assert_non_null(strstr(r.path, "/transcripts/"));
	assert_true(strncmp(r.path, G.kmdata, strlen(G.kmdata)) == 0);
	ends(&r, OFF_ENGINE_DONE);
	memcpy(root, off_engine_root(r.e), 32);
	off_engine_free(&r.e);
	verified(&r, root);
	/* Another root is not this one. */
	root[0] ^= 1;
	memset(&vo, 0, sizeof(vo));
	vo.world = G.world;
	vo.expect_root = root;
	off_err_clear(&err);
	assert_int_not_equal(off_transcript_verify(r.path, &vo, &vr, &err), 0);
	sequence(&r, "B:end E:end");
	finish(&r);
}

/* Scripts for training only; cards needed but no slot. */
static void
test_start_refused(void **state)
{
	struct run	r;

	(void)state;
	prepare(&r, HDR "training_only = true;\nsteps = (\n" SEAL ");\n", 0);
	assert_int_equal(off_engine_start(r.s, &r.o, &r.e, &r.err),
	    OFF_ERR_INVALID);
	assert_null(r.e);
	assert_non_null(strstr(r.err.detail, "training"));
	finish(&r);
	prepare(&r, HDR "steps = (\n  { id = \"q\"; type = \"quorum\"; },\n"
	    SEAL ");\n", 1);
	assert_int_equal(off_engine_start(r.s, &r.o, &r.e, &r.err),
	    OFF_ERR_INVALID);
	assert_null(r.e);
	assert_non_null(strstr(r.err.detail, "cards"));
	finish(&r);
	prepare(&r, HDR "steps = (\n  { id = \"v\"; type = \"action\"; "
	    "action = \"world.verify-cards\"; },\n" SEAL ");\n", 1);
	assert_int_equal(off_engine_start(r.s, &r.o, &r.e, &r.err),
	    OFF_ERR_INVALID);
	finish(&r);
}

/* --- officers ---------------------------------------------------------------- */

#define AUTH_SCRIPT(coincide) HDR \
	"roles = ( { id = \"admin\"; title = \"Admin\"; " coincide " },\n" \
	"  { id = \"witness\"; title = \"Witness\"; } );\n" \
	"steps = (\n" \
	"  { id = \"adm\"; type = \"authenticate\"; role = \"admin\"; },\n" \
	"  { id = \"wit\"; type = \"authenticate\"; role = \"witness\"; },\n" \
	"  { id = \"act\"; type = \"instruction\"; role = \"admin\"; " \
	"text = \"Act\"; },\n" \
	"  { id = \"saw\"; type = \"witness\"; role = \"witness\"; " \
	"text = \"I saw it\"; },\n" SEAL ");\n"

/* In training, an empty answer is the next simulated officer's touch. */
static void
test_auth_simulated(void **state)
{
	struct run				 r;
	const struct off_engine_request		*q;
	json_t					*d;

	(void)state;
	start(&r, AUTH_SCRIPT(""), 1);
	q = waits(&r, OFF_REQ_OTP, "adm");
	assert_string_equal(q->role, "admin");
	assert_non_null(strstr(q->text, "simulated"));
	say(&r, "");
	waits(&r, OFF_REQ_OTP, "wit");
	say(&r, "");
	q = waits(&r, OFF_REQ_ACK, "act");
	assert_string_equal(q->officer, "Officer 1");
	say(&r, "yes");
	q = waits(&r, OFF_REQ_WITNESS, "saw");
	assert_string_equal(q->officer, "Officer 2");
	say(&r, "yes");
	sealed(&r, OFF_ENGINE_DONE);
	assert_non_null(d = entry(&r, OFF_T_OFFICER, "adm", 0));
	assert_string_equal(str(d, "role"), "admin");
	assert_string_equal(str(d, "officer"), "officer-1");
	assert_string_equal(str(d, "name"), "Officer 1");
	assert_int_equal(strlen(str(d, "yubikey")), 12);
	assert_true(json_is_true(json_object_get(d, "simulated")));
	json_decref(d);
	has(&r, OFF_T_OFFICER, "wit", 0, "officer", "officer-2");
	/* What an officer does is on record under their name. */
	assert_non_null(d = entry(&r, OFF_T_STEP_ENDED, "act", 0));
	json_decref(d);
	finish(&r);
}

/* An OTP typed by simulated officer i of roster. */
static void
otp_of(const struct off_roster *roster, size_t i, unsigned counter,
    unsigned use, char otp[OFF_OTP_MAX + 1])
{
	struct off_err	err;

	off_err_clear(&err);
	if (off_officer_otp(off_roster_officer(roster, i), counter, use, otp,
	    &err) != 0)
		fail_msg("off_officer_otp: %s", err.detail);
}

/* A simulated roster of our own, so that we choose who touches. */
static struct off_roster *
own_roster(struct run *r, char *state, size_t len)
{
	struct off_roster	*roster = NULL;
	struct off_err		 err;

	off_err_clear(&err);
	assert_int_equal(off_roster_simulated(3, &roster, &err), 0);
	r->o.roster = roster;
	snprintf(state, len, "%s/otp-state-%u", G.dir, G.nscripts);
	r->o.otp_state = state;
	return roster;
}

static void
test_roles_apart(void **state)
{
	struct run		 r;
	struct off_roster	*roster;
	char			 otp[OFF_OTP_MAX + 1], st[PATH_MAX];
	json_t			*d;

	(void)state;
	prepare(&r, AUTH_SCRIPT(""), 1);
	roster = own_roster(&r, st, sizeof(st));
	begin(&r);
	waits(&r, OFF_REQ_OTP, "adm");
	otp_of(roster, 0, 1, 0, otp);
	say(&r, otp);
	/* The administrator cannot also be the witness. */
	waits(&r, OFF_REQ_OTP, "wit");
	otp_of(roster, 0, 1, 1, otp);
	say_bad(&r, otp, "must be different people");
	otp_of(roster, 1, 1, 0, otp);
	say(&r, otp);
	waits(&r, OFF_REQ_ACK, "act");
	say(&r, "yes");
	waits(&r, OFF_REQ_WITNESS, "saw");
	say(&r, "yes");
	sealed(&r, OFF_ENGINE_DONE);
	/* The refusal is on record. */
	assert_non_null(d = entry(&r, OFF_T_OFFICER, "wit", 0));
	assert_true(json_is_false(json_object_get(d, "ok")));
	assert_string_equal(str(d, "officer"), "officer-1");
	assert_non_null(strstr(str(d, "refused"), "different people"));
	json_decref(d);
	has(&r, OFF_T_OFFICER, "wit", 1, "officer", "officer-2");
	/* Our roster is not the engine's own: not marked simulated. */
	assert_non_null(d = entry(&r, OFF_T_OFFICER, "adm", 0));
	assert_true(json_is_false(json_object_get(d, "simulated")));
	json_decref(d);
	finish(&r);
	off_roster_free(&roster);
}

/* The administrator records a deviation at any question: its account,
 * the witness's acknowledgement, both on record at that step, and the
 * same question again. */
static void
test_deviation_any_step(void **state)
{
	struct run				 r;
	const struct off_engine_request		*q;
	struct off_err				 err;
	json_t					*d, *o;

	(void)state;
	start(&r, AUTH_SCRIPT(""), 1);
	/* Nothing asked yet. */
	assert_int_equal(off_engine_deviate(r.e, &err), OFF_ERR_INVALID);
	waits(&r, OFF_REQ_OTP, "adm");
	say(&r, "");
	waits(&r, OFF_REQ_OTP, "wit");
	say(&r, "");
	q = waits(&r, OFF_REQ_ACK, "act");
	assert_string_equal(q->text, "Act");
	assert_int_equal(off_engine_deviate(r.e, &err), 0);
	q = waits(&r, OFF_REQ_DEVIATION, "act");
	assert_string_equal(q->role, "admin");
	/* One at a time. */
	assert_int_equal(off_engine_deviate(r.e, &err), OFF_ERR_INVALID);
	say_bad(&r, "", "deviation");
	say(&r, "The safe's second key was late; went on with the first");
	q = waits(&r, OFF_REQ_WITNESS, "act");
	assert_string_equal(q->role, "witness");
	assert_int_equal(off_engine_deviate(r.e, &err), OFF_ERR_INVALID);
	say(&r, "yes");
	/* The question it interrupted, as it was. */
	q = waits(&r, OFF_REQ_ACK, "act");
	assert_string_equal(q->text, "Act");
	assert_string_equal(q->role, "admin");
	say(&r, "yes");
	/* Not acknowledged is on record too, and the ceremony goes on. */
	waits(&r, OFF_REQ_WITNESS, "saw");
	assert_int_equal(off_engine_deviate(r.e, &err), 0);
	waits(&r, OFF_REQ_DEVIATION, "saw");
	say(&r, "The witness stepped out for a minute");
	waits(&r, OFF_REQ_WITNESS, "saw");
	say(&r, "no");
	q = waits(&r, OFF_REQ_WITNESS, "saw");
	assert_string_equal(q->text, "I saw it");
	say(&r, "yes");
	sealed(&r, OFF_ENGINE_DONE);
	assert_int_equal(count(&r, OFF_T_EXCEPTION, "act"), 2);
	assert_non_null(d = entry(&r, OFF_T_EXCEPTION, "act", 1));
	assert_string_equal(str(d, "account"),
	    "The safe's second key was late; went on with the first");
	assert_string_equal(str(d, "at"), "act");
	assert_true(json_is_true(json_object_get(d, "acknowledged")));
	/* Decided by the administrator who authenticated. */
	assert_non_null(o = entry(&r, OFF_T_OFFICER, "adm", 0));
	assert_string_equal(str(d, "decided_by"), str(o, "officer"));
	json_decref(o);
	json_decref(d);
	assert_non_null(d = entry(&r, OFF_T_EXCEPTION, "saw", 1));
	assert_true(json_is_false(json_object_get(d, "acknowledged")));
	json_decref(d);
	/* The question shown again is on record again. */
	assert_int_equal(prompts(&r, "act", "acknowledge"), 2);
	has(&r, OFF_T_STEP_ENDED, "act", 0, "result", "done");
	finish(&r);
}

/* coincide lets one person hold both roles; still, nobody witnesses
 * their own action. */
static void
test_roles_coincide(void **state)
{
	struct run		 r;
	struct off_roster	*roster;
	char			 otp[OFF_OTP_MAX + 1], st[PATH_MAX];
	json_t			*d;

	(void)state;
	prepare(&r, AUTH_SCRIPT("coincide = [ \"witness\" ];"), 1);
	roster = own_roster(&r, st, sizeof(st));
	begin(&r);
	waits(&r, OFF_REQ_OTP, "adm");
	otp_of(roster, 0, 1, 0, otp);
	say(&r, otp);
	waits(&r, OFF_REQ_OTP, "wit");
	otp_of(roster, 0, 1, 1, otp);
	say(&r, otp);
	waits(&r, OFF_REQ_ACK, "act");
	say(&r, "yes");
	waits(&r, OFF_REQ_WITNESS, "saw");
	say(&r, "yes");
	sealed(&r, OFF_ENGINE_ABORTED);
	has(&r, OFF_T_OFFICER, "wit", 0, "officer", "officer-1");
	assert_non_null(d = entry(&r, OFF_T_STEP_ENDED, "saw", 0));
	assert_string_equal(str(d, "result"), "aborted");
	assert_non_null(strstr(str(d, "error"), "cannot witness their own "
	    "action"));
	json_decref(d);
	finish(&r);
	off_roster_free(&roster);
}

/* Proving one's presence is no action to witness: a witness who
 * authenticates just before the witness step still may confirm what the
 * administrator did. */
static void
test_witness_after_authenticating(void **state)
{
	struct run	r;

	(void)state;
	start(&r, HDR ROLES "steps = (\n"
	    "  { id = \"adm\"; type = \"authenticate\"; role = \"admin\"; },\n"
	    "  { id = \"act\"; type = \"instruction\"; role = \"admin\"; "
	    "text = \"Act\"; },\n"
	    "  { id = \"wit\"; type = \"authenticate\"; role = \"witness\"; },\n"
	    "  { id = \"saw\"; type = \"witness\"; role = \"witness\"; "
	    "text = \"I saw it\"; },\n" SEAL ");\n", 1);
	waits(&r, OFF_REQ_OTP, "adm");
	say(&r, "");
	waits(&r, OFF_REQ_ACK, "act");
	say(&r, "yes");
	waits(&r, OFF_REQ_OTP, "wit");
	say(&r, "");
	waits(&r, OFF_REQ_WITNESS, "saw");
	say(&r, "yes");
	sealed(&r, OFF_ENGINE_DONE);
	finish(&r);
}

/* The same rule the other way round: coincide on the second role. */
static void
test_roles_coincide_reverse(void **state)
{
	struct run		 r;
	struct off_roster	*roster;
	char			 otp[OFF_OTP_MAX + 1], st[PATH_MAX];

	(void)state;
	prepare(&r, HDR "roles = ( { id = \"admin\"; title = \"A\"; },\n"
	    "  { id = \"operator\"; title = \"O\"; coincide = [ \"admin\" ]; "
	    "} );\nsteps = (\n"
	    "  { id = \"a\"; type = \"authenticate\"; role = \"admin\"; },\n"
	    "  { id = \"o\"; type = \"authenticate\"; role = \"operator\"; },\n"
	    SEAL ");\n", 1);
	roster = own_roster(&r, st, sizeof(st));
	begin(&r);
	waits(&r, OFF_REQ_OTP, "a");
	otp_of(roster, 2, 5, 0, otp);
	say(&r, otp);
	waits(&r, OFF_REQ_OTP, "o");
	otp_of(roster, 2, 5, 1, otp);
	say(&r, otp);
	sealed(&r, OFF_ENGINE_DONE);
	has(&r, OFF_T_OFFICER, "o", 0, "officer", "officer-3");
	finish(&r);
	off_roster_free(&roster);
}

/* A role of count 1 is held by one person. */
static void
test_role_count(void **state)
{
	struct run		 r;
	struct off_roster	*roster;
	char			 otp[OFF_OTP_MAX + 1], st[PATH_MAX];

	(void)state;
	prepare(&r, HDR "roles = ( { id = \"admin\"; title = \"A\"; } );\n"
	    "steps = (\n"
	    "  { id = \"a1\"; type = \"authenticate\"; role = \"admin\"; },\n"
	    "  { id = \"a2\"; type = \"authenticate\"; role = \"admin\"; },\n"
	    SEAL ");\n", 1);
	roster = own_roster(&r, st, sizeof(st));
	begin(&r);
	waits(&r, OFF_REQ_OTP, "a1");
	otp_of(roster, 0, 1, 0, otp);
	say(&r, otp);
	waits(&r, OFF_REQ_OTP, "a2");
	otp_of(roster, 1, 1, 0, otp);
	say_bad(&r, otp, "already held");
	/* The same officer again is fine. */
	otp_of(roster, 0, 1, 1, otp);
	say(&r, otp);
	sealed(&r, OFF_ENGINE_DONE);
	finish(&r);
	off_roster_free(&roster);
}

/* Without a roster (not training) officers cannot authenticate. */
static void
test_auth_no_roster(void **state)
{
	struct run	r;
	json_t		*d;

	(void)state;
	start(&r, AUTH_SCRIPT(""), 0);
	sealed(&r, OFF_ENGINE_ABORTED);
	assert_non_null(d = entry(&r, OFF_T_STEP_ENDED, "adm", 0));
	assert_non_null(strstr(str(d, "error"), "roster"));
	json_decref(d);
	finish(&r);
}

/* --- a roster file and real OTPs -------------------------------------------- */

#define ALICE_PUB	"dteffuje"
#define ALICE_UID	"8792ebfe26cc"
#define ALICE_KEY	"ecde18dbe76fbd0c33330f1c354871db"
#define BOB_PUB		"vvccccfhcbln"
#define BOB_UID		"0a1b2c3d4e5f"
#define BOB_KEY		"00112233445566778899aabbccddeeff"
#define CAROL_PUB	"cbdefghijklnrtuv"
#define CAROL_UID	"ffeeddccbbaa"
#define CAROL_KEY	"0f0e0d0c0b0a09080706050403020100"

static const char roster_text[] =
    "officers = (\n"
    "  { id = \"alice\"; name = \"Alice Example\";\n"
    "    roles = [ \"admin\", \"custodian\" ];\n"
    "    yubikey = { public_id = \"" ALICE_PUB "\"; private_id = \""
    ALICE_UID "\"; aes_key = \"" ALICE_KEY "\"; }; },\n"
    "  { id = \"bob\"; name = \"Bob Example\";\n"
    "    roles = [ \"witness\", \"custodian\" ];\n"
    "    yubikey = { public_id = \"" BOB_PUB "\"; private_id = \""
    BOB_UID "\"; aes_key = \"" BOB_KEY "\"; }; },\n"
    "  { id = \"carol\"; name = \"Carol\"; roles = [ \"custodian\" ];\n"
    "    yubikey = { public_id = \"" CAROL_PUB "\"; private_id = \""
    CAROL_UID "\"; aes_key = \"" CAROL_KEY "\"; }; }\n"
    ");\n";

struct tokens {
	struct off_otp_token	alice, bob, carol, stranger;
};

static void
make_tokens(struct tokens *t)
{
	struct off_err	err;

	off_err_clear(&err);
	assert_int_equal(off_otp_token_set(&t->alice, ALICE_PUB, ALICE_UID,
	    ALICE_KEY, &err), 0);
	assert_int_equal(off_otp_token_set(&t->bob, BOB_PUB, BOB_UID, BOB_KEY,
	    &err), 0);
	assert_int_equal(off_otp_token_set(&t->carol, CAROL_PUB, CAROL_UID,
	    CAROL_KEY, &err), 0);
	assert_int_equal(off_otp_token_random(&t->stranger, &err), 0);
}

static void
otp(const struct off_otp_token *t, unsigned counter, unsigned use,
    char out[OFF_OTP_MAX + 1])
{
	struct off_err	err;

	off_err_clear(&err);
	assert_int_equal(off_otp_generate(t, counter, use, out, &err), 0);
}

/* The roster file (mode 0600) loaded, with its own replay state. */
static struct off_roster *
file_roster(struct run *r, char *state, size_t len)
{
	struct off_roster	*roster = NULL;
	struct off_err		 err;
	char			 path[PATH_MAX];
	FILE			*fp;

	snprintf(path, sizeof(path), "%s/roster-%u.conf", G.dir, G.nscripts);
	assert_non_null(fp = fopen(path, "w"));
	assert_true(fputs(roster_text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	/* Readable by others: refused. */
	assert_int_equal(chmod(path, 0644), 0);
	off_err_clear(&err);
	assert_int_equal(off_roster_load(path, &roster, &err), OFF_ERR_DENIED);
	assert_null(roster);
	assert_int_equal(chmod(path, 0600), 0);
	if (off_roster_load(path, &roster, &err) != 0)
		fail_msg("roster: %s", err.detail);
	assert_int_equal(off_roster_count(roster), 3);
	r->o.roster = roster;
	snprintf(state, len, "%s/otp-state-%u", G.dir, G.nscripts);
	r->o.otp_state = state;
	return roster;
}

static void
test_auth_roster_file(void **state)
{
	struct run				 r;
	struct off_roster			*roster;
	struct tokens				 t;
	const struct off_engine_request		*q;
	char					 o[OFF_OTP_MAX + 1];
	char					 st[PATH_MAX];
	json_t					*d;

	(void)state;
	make_tokens(&t);
	prepare(&r, AUTH_SCRIPT(""), 0);
	roster = file_roster(&r, st, sizeof(st));
	begin(&r);
	q = waits(&r, OFF_REQ_OTP, "adm");
	assert_null(strstr(q->text, "simulated"));
	/* Bob does not hold the role admin (titled "Admin"). */
	otp(&t.bob, 1, 0, o);
	say_bad(&r, o, "does not hold the role Admin");
	otp(&t.alice, 1, 0, o);
	say(&r, o);
	waits(&r, OFF_REQ_OTP, "wit");
	otp(&t.bob, 1, 1, o);
	say(&r, o);
	q = waits(&r, OFF_REQ_ACK, "act");
	assert_string_equal(q->officer, "Alice Example");
	say(&r, "yes");
	q = waits(&r, OFF_REQ_WITNESS, "saw");
	assert_string_equal(q->officer, "Bob Example");
	say(&r, "yes");
	sealed(&r, OFF_ENGINE_DONE);
	assert_non_null(d = entry(&r, OFF_T_OFFICER, "adm", 1));
	assert_string_equal(str(d, "officer"), "alice");
	assert_string_equal(str(d, "name"), "Alice Example");
	assert_string_equal(str(d, "yubikey"), ALICE_PUB);
	assert_true(json_is_false(json_object_get(d, "simulated")));
	json_decref(d);
	has(&r, OFF_T_OFFICER, "adm", 0, "officer", "bob");
	has(&r, OFF_T_OFFICER, "wit", 0, "officer", "bob");
	/* No AES key, no private id in the transcript. */
	assert_int_equal(count(&r, OFF_T_OFFICER, NULL), 3);
	finish(&r);
	off_roster_free(&roster);
}

static void
test_otp_replay(void **state)
{
	struct run		 r;
	struct off_roster	*roster;
	struct tokens		 t;
	char			 o[OFF_OTP_MAX + 1], older[OFF_OTP_MAX + 1];
	char			 st[PATH_MAX];

	(void)state;
	make_tokens(&t);
	prepare(&r, HDR "roles = ( { id = \"custodian\"; title = \"C\"; "
	    "count = 3; } );\nsteps = (\n"
	    "  { id = \"c1\"; type = \"authenticate\"; role = \"custodian\"; },\n"
	    "  { id = \"c2\"; type = \"authenticate\"; role = \"custodian\"; },\n"
	    "  { id = \"c3\"; type = \"authenticate\"; role = \"custodian\"; },\n"
	    SEAL ");\n", 0);
	roster = file_roster(&r, st, sizeof(st));
	begin(&r);
	waits(&r, OFF_REQ_OTP, "c1");
	otp(&t.carol, 7, 3, older);
	otp(&t.carol, 7, 4, o);
	say(&r, o);
	waits(&r, OFF_REQ_OTP, "c2");
	/* The very same OTP again, then an older one. */
	say_bad(&r, o, "replayed");
	say_bad(&r, older, "replayed");
	otp(&t.carol, 8, 0, o);
	say(&r, o);
	waits(&r, OFF_REQ_OTP, "c3");
	/* An unknown YubiKey and garbage count as tries too. */
	otp(&t.stranger, 1, 0, o);
	say_bad(&r, o, NULL);
	say_bad(&r, "not an otp", NULL);
	otp(&t.alice, 1, 0, o);
	say(&r, o);
	sealed(&r, OFF_ENGINE_DONE);
	finish(&r);
	off_roster_free(&roster);
}

/* Three wrong OTPs fail the step. */
static void
test_otp_three_wrong(void **state)
{
	struct run		 r;
	struct off_roster	*roster;
	struct tokens		 t;
	struct off_otp_token	 forged;
	char			 o[OFF_OTP_MAX + 1], st[PATH_MAX];
	json_t			*d;
	unsigned		 i;

	(void)state;
	make_tokens(&t);
	prepare(&r, AUTH_SCRIPT(""), 0);
	roster = file_roster(&r, st, sizeof(st));
	begin(&r);
	waits(&r, OFF_REQ_OTP, "adm");
	/* Alice's public id with another key: a bad CRC. */
	forged = t.alice;
	forged.aes_key[0] ^= 0xff;
	otp(&forged, 1, 0, o);
	say_bad(&r, o, NULL);
	say_bad(&r, "cccccccccccccccccccccccccccccccccccccccccc", NULL);
	/* The third: no request any more, the step failed. */
	otp(&forged, 2, 0, o);
	say(&r, o);
	assert_null(off_engine_request(r.e));
	sealed(&r, OFF_ENGINE_ABORTED);
	for (i = 0; i < 3; i++) {
		assert_non_null(d = entry(&r, OFF_T_OFFICER, "adm", i));
		assert_true(json_is_false(json_object_get(d, "ok")));
		json_decref(d);
	}
	has(&r, OFF_T_STEP_ENDED, "adm", 0, "result", "aborted");
	finish(&r);
	off_roster_free(&roster);
}

/* After three wrong OTPs a retry starts counting again. */
static void
test_otp_retry(void **state)
{
	struct run		 r;
	struct off_roster	*roster;
	struct tokens		 t;
	char			 o[OFF_OTP_MAX + 1], st[PATH_MAX];
	unsigned		 i;

	(void)state;
	make_tokens(&t);
	prepare(&r, HDR "roles = ( { id = \"admin\"; title = \"A\"; } );\n"
	    "steps = (\n  { id = \"adm\"; type = \"authenticate\"; "
	    "role = \"admin\"; on_failure = \"retry\"; },\n" SEAL ");\n", 0);
	roster = file_roster(&r, st, sizeof(st));
	begin(&r);
	waits(&r, OFF_REQ_OTP, "adm");
	for (i = 0; i < 2; i++)
		say_bad(&r, "x", NULL);
	say(&r, "x");
	waits(&r, OFF_REQ_RETRY, "adm");
	say(&r, "yes");
	waits(&r, OFF_REQ_OTP, "adm");
	say_bad(&r, "x", NULL);
	otp(&t.alice, 3, 0, o);
	say(&r, o);
	sealed(&r, OFF_ENGINE_DONE);
	finish(&r);
	off_roster_free(&roster);
}

/* Card holders prove who they are: one person, one card. */
static void
test_quorum_holders(void **state)
{
	static const char *const pins[] = { "1111", "3333", NULL };
	struct run		 r;
	struct off_roster	*roster;
	struct tokens		 t;
	char			 a1[OFF_OTP_MAX + 1], a2[OFF_OTP_MAX + 1];
	char			 c1[OFF_OTP_MAX + 1], st[PATH_MAX];
	struct off_err		 err;
	json_t			*d;
	unsigned		 n;

	(void)state;
	make_tokens(&t);
	prepare(&r, HDR "roles = ( { id = \"custodian\"; title = \"C\"; "
	    "count = 3; } );\nsteps = (\n"
	    "  { id = \"q\"; type = \"quorum\"; role = \"custodian\"; },\n"
	    SEAL ");\n", 0);
	roster = file_roster(&r, st, sizeof(st));
	off_err_clear(&err);
	assert_int_equal(off_slot_open(&r.slot, "drawer", G.cards, &err), 0);
	r.o.slot = r.slot;
	otp(&t.alice, 1, 0, a1);
	otp(&t.alice, 1, 1, a2);
	otp(&t.carol, 1, 0, c1);
	r.fs.texts[0] = a1;
	r.fs.texts[1] = a2;	/* alice again, for a second card */
	r.fs.texts[2] = c1;
	fe_script_pins(&r.fs, pins);
	begin(&r);
	sealed(&r, OFF_ENGINE_DONE);
	assert_int_equal(r.fs.next_text, 3);
	assert_int_equal(r.fs.next_pin, 2);
	/* Alice proves herself twice, but holds one card only. */
	has(&r, OFF_T_OFFICER, "q", 0, "officer", "alice");
	has(&r, OFF_T_OFFICER, "q", 1, "officer", "alice");
	has(&r, OFF_T_OFFICER, "q", 2, "officer", "carol");
	assert_int_equal(count(&r, OFF_T_OFFICER, "q"), 3);
	assert_true(r.fs.warnings > 0);
	assert_true(r.fs.events[OFF_CARD_REFUSED] >= 1);
	assert_int_equal(r.fs.events[OFF_CARD_ACCEPTED], 2);
	assert_non_null(d = entry(&r, OFF_T_RESULT, "q", 2));
	json_decref(d);
	d = NULL;
	for (n = 0; (d = entry(&r, OFF_T_RESULT, "q", n)) != NULL; n++) {
		if (json_is_string(json_object_get(d, "action")))
			break;
		json_decref(d);
	}
	assert_non_null(d);
	assert_string_equal(str(d, "action"), "quorum");
	assert_true(json_is_true(json_object_get(d, "ok")));
	json_decref(d);
	finish(&r);
	off_roster_free(&roster);
}

/* --- actions ---------------------------------------------------------------- */

static void
test_action_world_info(void **state)
{
	struct run	r;
	json_t		*d, *res;

	(void)state;
	start(&r, HDR "steps = (\n"
	    "  { id = \"w\"; type = \"action\"; action = \"world.info\"; "
	    "text = \"Checking\"; },\n"
	    "  { id = \"say\"; type = \"instruction\"; text = \"${w.world_id} "
	    "${w.k}/${w.n}\"; },\n" SEAL ");\n", 1);
	waits(&r, OFF_REQ_ACK, "say");
	say(&r, "yes");
	sealed(&r, OFF_ENGINE_DONE);
	assert_non_null(d = entry(&r, OFF_T_RESULT, "w", 0));
	assert_string_equal(str(d, "action"), "world.info");
	assert_true(json_is_true(json_object_get(d, "ok")));
	assert_non_null(res = json_object_get(d, "result"));
	assert_string_equal(json_string_value(json_object_get(res,
	    "world_id")), G.world_hex);
	assert_int_equal(json_integer_value(json_object_get(res, "k")), 2);
	assert_int_equal(json_integer_value(json_object_get(res, "n")), 3);
	json_decref(d);
	/* The action's text is shown, on record. */
	has(&r, OFF_T_PROMPT, "w", 0, "text", "Checking");
	sequence(&r, "B:w P:w E:w B:say P:say E:say B:end E:end");
	finish(&r);
}

static void
test_action_key_generate(void **state)
{
	struct run	r;
	json_t		*d, *res;
	char		 file[PATH_MAX + 32], hex[65];
	uint8_t		 sha[32];
	FILE		*fp;
	char		 buf[65536];
	size_t		 n;

	(void)state;
	prepare(&r, HDR "parameters = ( { id = \"ident\"; type = \"string\"; "
	    "prompt = \"Ident\"; } );\nsteps = (\n"
	    "  { id = \"gen\"; type = \"action\"; action = \"key.generate\";\n"
	    "    args = { ident = \"${ident}\"; type = \"ec\"; "
	    "curve = \"p256\"; }; },\n"
	    "  { id = \"look\"; type = \"action\"; action = \"key.inspect\";\n"
	    "    args = { ident = \"${ident}\"; }; },\n"
	    "  { id = \"say\"; type = \"instruction\"; text = "
	    "\"${gen.key_file}: ${look.acl}\"; },\n" SEAL ");\n", 1);
	set(&r, "ident", "engine-ec");
	begin(&r);
	assert_string_equal(waits(&r, OFF_REQ_ACK, "say")->text,
	    "key_simple_engine-ec: sign, decrypt, recover, change-acl");
	say(&r, "yes");
	sealed(&r, OFF_ENGINE_DONE);
	assert_non_null(d = entry(&r, OFF_T_RESULT, "gen", 0));
	assert_true(json_is_true(json_object_get(d, "ok")));
	assert_string_equal(str(json_object_get(d, "args"), "ident"),
	    "engine-ec");
	assert_non_null(res = json_object_get(d, "result"));
	assert_string_equal(json_string_value(json_object_get(res,
	    "key_file")), "key_simple_engine-ec");
	json_decref(d);
	/* The key file is on record with its SHA-256. */
	snprintf(file, sizeof(file), "%s/key_simple_engine-ec", G.kmdata);
	assert_non_null(d = entry(&r, OFF_T_FILE, "gen", 0));
	assert_string_equal(str(d, "path"), file);
	assert_non_null(fp = fopen(file, "rb"));
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	assert_int_equal(EVP_Digest(buf, n, sha, NULL, EVP_sha256(), NULL), 1);
	off_hex(sha, 32, hex);
	assert_string_equal(str(d, "sha256"), hex);
	json_decref(d);
	/* Looking writes nothing. */
	assert_int_equal(count(&r, OFF_T_FILE, "look"), 0);
	finish(&r);
}

#define FAILING(policy) HDR "steps = (\n" \
	"  { id = \"look\"; type = \"action\"; action = \"key.inspect\";\n" \
	"    args = { ident = \"no-such-key\"; }; " policy " },\n" \
	"  { id = \"after\"; type = \"instruction\"; text = \"After\"; " \
	"next = \"fix\"; },\n" \
	"  { id = \"fix\"; type = \"instruction\"; text = \"Fix\"; },\n" \
	SEAL ");\n"

static void
test_action_fails_abort(void **state)
{
	struct run	r;
	json_t		*d;

	(void)state;
	start(&r, FAILING(""), 0);
	sealed(&r, OFF_ENGINE_ABORTED);
	assert_true(r.fs.warnings > 0);	/* the error was shown */
	assert_non_null(d = entry(&r, OFF_T_RESULT, "look", 0));
	assert_true(json_is_false(json_object_get(d, "ok")));
	assert_non_null(strstr(str(d, "error"), "no such key"));
	assert_true(json_object_get(d, "result") == NULL ||
	    json_is_null(json_object_get(d, "result")));
	json_decref(d);
	has(&r, OFF_T_STEP_ENDED, "look", 0, "result", "aborted");
	assert_int_equal(count(&r, OFF_T_STEP_BEGUN, "after"), 0);
	finish(&r);
}

static void
test_action_fails_retry(void **state)
{
	struct run	r;

	(void)state;
	start(&r, FAILING("on_failure = \"retry\";"), 0);
	waits(&r, OFF_REQ_RETRY, "look");
	say(&r, "yes");
	waits(&r, OFF_REQ_RETRY, "look");
	say(&r, "no");
	sealed(&r, OFF_ENGINE_ABORTED);
	assert_int_equal(count(&r, OFF_T_RESULT, "look"), 2);
	assert_int_equal(count(&r, OFF_T_STEP_BEGUN, "look"), 2);
	finish(&r);
}

static void
test_action_fails_goto(void **state)
{
	struct run	r;

	(void)state;
	start(&r, FAILING("on_failure = \"fix\";"), 0);
	waits(&r, OFF_REQ_ACK, "fix");
	say(&r, "yes");
	sealed(&r, OFF_ENGINE_DONE);
	has(&r, OFF_T_STEP_ENDED, "look", 0, "result", "failed");
	has(&r, OFF_T_STEP_ENDED, "look", 0, "next", "fix");
	assert_int_equal(count(&r, OFF_T_STEP_BEGUN, "after"), 0);
	finish(&r);
}

/* An argument whose reference has no value fails the step. */
static void
test_action_unresolved(void **state)
{
	struct run	r;
	json_t		*d;

	(void)state;
	start(&r, HDR "parameters = ( { id = \"x\"; type = \"choice\"; "
	    "choices = [ \"a\", \"b\" ]; prompt = \"X\"; default = \"a\"; } );\n"
	    "steps = (\n"
	    "  { id = \"b\"; type = \"branch\"; on = \"${x}\";\n"
	    "    cases = ( { value = \"a\"; next = \"late\"; } ); "
	    "default = \"early\"; },\n"
	    "  { id = \"early\"; type = \"action\"; action = \"world.info\"; },\n"
	    "  { id = \"late\"; type = \"action\"; action = \"key.inspect\";\n"
	    "    args = { ident = \"k${early.k}\"; }; },\n" SEAL ");\n", 0);
	waits(&r, OFF_REQ_PARAM, "x");
	say(&r, "");
	sealed(&r, OFF_ENGINE_ABORTED);
	assert_non_null(d = entry(&r, OFF_T_RESULT, "late", 0));
	assert_true(json_is_false(json_object_get(d, "ok")));
	assert_non_null(strstr(str(d, "error"), "${early.k}"));
	json_decref(d);
	finish(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params_preset),
		cmocka_unit_test(test_params_preset_invalid),
		cmocka_unit_test(test_params_asked),
		cmocka_unit_test(test_params_mixed),
		cmocka_unit_test(test_instruction_yes),
		cmocka_unit_test(test_instruction_no),
		cmocka_unit_test(test_answer_unasked),
		cmocka_unit_test(test_checklist),
		cmocka_unit_test(test_checklist_no),
		cmocka_unit_test(test_branch),
		cmocka_unit_test(test_branch_on_result),
		cmocka_unit_test(test_retry_yes),
		cmocka_unit_test(test_retry_no),
		cmocka_unit_test(test_goto),
		cmocka_unit_test(test_exception),
		cmocka_unit_test(test_exception_not_witnessed),
		cmocka_unit_test(test_sequence),
		cmocka_unit_test(test_seal_root),
		cmocka_unit_test(test_start_refused),
		cmocka_unit_test(test_auth_simulated),
		cmocka_unit_test(test_roles_apart),
		cmocka_unit_test(test_roles_coincide),
		cmocka_unit_test(test_deviation_any_step),
		cmocka_unit_test(test_witness_after_authenticating),
		cmocka_unit_test(test_roles_coincide_reverse),
		cmocka_unit_test(test_role_count),
		cmocka_unit_test(test_auth_no_roster),
		cmocka_unit_test(test_auth_roster_file),
		cmocka_unit_test(test_otp_replay),
		cmocka_unit_test(test_otp_three_wrong),
		cmocka_unit_test(test_otp_retry),
		cmocka_unit_test(test_quorum_holders),
		cmocka_unit_test(test_action_world_info),
		cmocka_unit_test(test_action_key_generate),
		cmocka_unit_test(test_action_fails_abort),
		cmocka_unit_test(test_action_fails_retry),
		cmocka_unit_test(test_action_fails_goto),
		cmocka_unit_test(test_action_unresolved),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
