/* The ceremony engine. One transition function (off_engine_step) moves
 * the machine from phase to phase; a step that needs a person sets a
 * request and returns OFF_ENGINE_WAITING; off_engine_answer takes the
 * answer. Everything lands in the transcript before it is acted on. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "action.h"
#include "encode.h"
#include "engine.h"
#include "error.h"
#include "fileio.h"
#include "kek.h"
#include "frontend.h"
#include "i18n.h"
#include "prompt.h"
#include "quorum.h"
#include "roster.h"
#include "script.h"
#include "secmem.h"
#include "slot.h"
#include "transcript.h"
#include "world.h"

enum phase {
	PH_PARAMS,		/* collecting parameters */
	PH_BEGIN,		/* the current step is about to begin */
	PH_WAIT,		/* waiting for an answer */
	PH_FAILED,		/* the current step failed */
	PH_END,			/* sealed */
};

struct off_engine {
	const struct off_script		*s;
	struct off_engine_opts		 o;
	struct off_world		*world;
	struct off_transcript		*t;
	enum phase			 phase;
	int				 status;
	size_t				 cur;		/* step index */
	size_t				 param;		/* PH_PARAMS */
	unsigned			 item;		/* checklist item */
	int				 sub;		/* step-specific */
	struct off_engine_request	 req;
	char				*req_text;
	json_t				*params;	/* id -> string */
	json_t				*results;	/* step -> object */
	json_t				*officers;	/* role -> name */
	char				*deviation;
	/* A deviation recorded at any question (off_engine_deviate):
	 * 1 its account is asked, 2 the witness acknowledges; then the
	 * question it interrupted is asked again. */
	int				 adhoc;
	struct off_engine_request	 saved_req;
	char				*saved_text;
	char				 lookup[512];
	char				 world_hex[OFF_WORLD_ID_HEX];
	char				 last_officer[64];
	char				 failure[OFF_ERR_DETAIL_MAX + 300];
	off_hash			 root;
	char				 path[PATH_MAX];
	struct off_tfe			 tfe;
	struct off_frontend		 sfe;		/* records, then fe */
	struct off_frontend		 cfe;		/* card holders, then sfe */
	struct off_roster		*own_roster;	/* simulated */
	const struct off_roster		*roster;
	json_t				*holders;	/* card id -> officer */
	unsigned			 auth_tries;
	json_t				*fired;		/* drills done */
	json_t				*files;		/* paths written */
	int				 drill_pin;	/* 1 wrong, 2 pulled */
	int				 no_answer;	/* input ended */
	char				 drill_file[PATH_MAX];
	unsigned			 sim_use;
	json_t				*intent;	/* resumed: an
							 * action-begun with
							 * no result */
};

#define AUTH_TRIES	3

static const struct off_step *
step(const struct off_engine *e)
{
	return &e->s->steps[e->cur];
}

/* The officer acting as role (the first one), or NULL. */
static const char *
officer_of(const struct off_engine *e, const char *role)
{
	return role == NULL ? NULL : json_string_value(json_array_get(
	    json_object_get(e->officers, role), 0));
}

static const char *
officer_name(const struct off_engine *e, const char *id)
{
	const struct off_officer	*o;

	if (id == NULL || e->roster == NULL ||
	    (o = off_roster_find(e->roster, id)) == NULL)
		return id;
	return off_officer_name(o);
}

/* A role as people read it: its title (translated), else its id. */
static const char *
role_title(const struct off_engine *e, const char *id)
{
	const struct off_role	*r = off_script_role(e->s, id);

	return r != NULL ? r->title : id;
}

static const char *
actor(const struct off_engine *e)
{
	const char	*who = officer_of(e, e->cur < e->s->nsteps ?
	    step(e)->role : NULL);

	if (who != NULL)
		return who;
	return e->o.actor != NULL ? e->o.actor : "";
}

static int
append(struct off_engine *e, const char *type, json_t *data,
    struct off_err *err)
{
	return off_transcript_append_packed(e->t, type, e->cur < e->s->nsteps ?
	    step(e)->id : e->s->id, actor(e), data, err);
}

/* ${name}: a parameter, an earlier result (step.key) or a builtin. */
static const char *
lookup(void *arg, const char *name)
{
	struct off_engine	*e = arg;
	const char		*dot = strchr(name, '.');
	json_t			*v;
	char			 sid[64];

	if (dot != NULL) {
		if ((size_t)(dot - name) >= sizeof(sid))
			return NULL;
		memcpy(sid, name, (size_t)(dot - name));
		sid[dot - name] = '\0';
		v = json_object_get(json_object_get(e->results, sid), dot + 1);
		if (json_is_string(v))
			return json_string_value(v);
		if (json_is_integer(v)) {
			snprintf(e->lookup, sizeof(e->lookup), "%lld",
			    (long long)json_integer_value(v));
			return e->lookup;
		}
		if (json_is_boolean(v))
			return json_is_true(v) ? "true" : "false";
		return NULL;
	}
	if ((v = json_object_get(e->params, name)) != NULL)
		return json_string_value(v);
	if (strcmp(name, "kmdata") == 0)
		return e->o.kmdata;
	if (strcmp(name, "workdir") == 0)
		return e->o.workdir != NULL ? e->o.workdir : ".";
	if (strcmp(name, "training") == 0)
		return e->o.training ? "yes" : "no";
	if (strcmp(name, "world") == 0) {
		if (e->world == NULL)
			return NULL;
		off_world_id_hex(e->world, e->world_hex);
		return e->world_hex;
	}
	return NULL;
}

/* A file the ceremony wrote, for the list at its end (once each). */
static void
written(struct off_engine *e, const char *path)
{
	size_t	i;
	json_t	*v;

	json_array_foreach(e->files, i, v)
		if (strcmp(json_string_value(v), path) == 0)
			return;
	json_array_append_new(e->files, json_string(path));
}

/* The request set: wait for its answer, on record before it is shown. */
static int
show(struct off_engine *e, struct off_err *err)
{
	static const char *const kinds[] = { "parameter", "acknowledge",
	    "check", "otp", "witness", "deviation", "retry" };

	e->phase = PH_WAIT;
	return append(e, OFF_T_PROMPT, json_pack("{s:s, s:s, s:s?}", "kind",
	    kinds[e->req.kind], "text", e->req_text, "role", e->req.role),
	    err);
}

/* Set the request; text is expanded (a reference without a value is
 * shown as it is written). */
static int
request_as(struct off_engine *e, enum off_request_kind kind, const char *role,
    const char *text, struct off_err *err)
{
	const struct off_step	*st = e->cur < e->s->nsteps ? step(e) : NULL;
	struct off_err		 ignore;

	free(e->req_text);
	e->req_text = NULL;
	if (off_expand(text != NULL ? text : "", lookup, e, &e->req_text,
	    &ignore) != 0 && (e->req_text = strdup(text)) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	memset(&e->req, 0, sizeof(e->req));
	e->req.kind = kind;
	e->req.step = st != NULL ? st->id : NULL;
	e->req.role = role;
	e->req.officer = officer_name(e, officer_of(e, e->req.role));
	e->req.text = e->req_text;
	e->req.training = e->o.training;
	return show(e, err);
}

/* A request of the current step's role. */
static int
request(struct off_engine *e, enum off_request_kind kind, const char *text,
    struct off_err *err)
{
	return request_as(e, kind, e->cur < e->s->nsteps ? step(e)->role :
	    NULL, text, err);
}

/* The parts of an engine that starting and resuming share. */
static int
engine_new(const struct off_script *s, const struct off_engine_opts *o,
    struct off_engine **out, struct off_err *err)
{
	struct off_engine	*e;
	const struct off_param	*p;
	struct off_err		 perr;
	const char		*key;
	json_t			*v;
	size_t			 i;
	int			 ret, cards = 0;

	*out = NULL;
	if (s->training_only && !o->training)
		return off_err_set(err, OFF_ERR_INVALID, s->path, _("this "
		    "ceremony is for training only"));
	for (i = 0; i < s->nsteps; i++) {
		const struct off_action	*a = s->steps[i].type ==
		    OFF_STEP_ACTION ? off_action_find(s->steps[i].action) :
		    NULL;

		if (s->steps[i].type == OFF_STEP_QUORUM ||
		    (a != NULL && a->needs_cards))
			cards = 1;
	}
	if (cards && o->slot == NULL)
		return off_err_set(err, OFF_ERR_INVALID, NULL, _("this ceremony "
		    "needs administrator cards: say where they go in"));
	/* What was given up front is checked before anything is recorded. */
	json_object_foreach(o->preset, key, v) {
		off_err_clear(&perr);
		if ((p = off_script_param(s, key)) == NULL)
			return off_err_set(err, OFF_ERR_INVALID, s->path,
			    _("the ceremony has no parameter \"%s\""), key);
		if (!json_is_string(v) || off_param_check(p,
		    json_string_value(v), &perr) != 0)
			return off_err_set(err, OFF_ERR_INVALID, NULL, "%s",
			    perr.detail);
	}
	json_object_foreach(o->drills, key, v)
		if (off_script_step_index(s, key) == s->nsteps)
			return off_err_set(err, OFF_ERR_INVALID, s->path,
			    _("a drill names no step \"%s\""), key);
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	e->s = s;
	e->o = *o;
	e->cur = s->nsteps;
	if ((e->params = json_object()) == NULL ||
	    (e->results = json_object()) == NULL ||
	    (e->officers = json_object()) == NULL ||
	    (e->holders = json_object()) == NULL ||
	    (e->fired = json_object()) == NULL ||
	    (e->files = json_array()) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto fail;
	}
	e->roster = o->roster;
	if (e->roster == NULL && o->training) {
		if ((ret = off_roster_simulated(16, &e->own_roster, err)) != 0)
			goto fail;
		e->roster = e->own_roster;
	}
	ret = off_world_load(o->kmdata, &e->world, err);
	if (ret == OFF_ERR_NO_WORLD) {
		off_err_clear(err);
		ret = 0;
	}
	if (ret != 0)
		goto fail;
	*out = e;
	return 0;
fail:
	off_engine_free(&e);
	return ret;
}

static int	record_presets(struct off_engine *, struct off_err *);

int
off_engine_start(const struct off_script *s, const struct off_engine_opts *o,
    struct off_engine **out, struct off_err *err)
{
	struct off_transcript_params	 tp;
	struct off_engine		*e;
	char				 hex[65];
	int				 ret;

	*out = NULL;
	if ((ret = engine_new(s, o, &e, err)) != 0)
		return ret;
	memset(&tp, 0, sizeof(tp));
	tp.ceremony = s->id;
	tp.title = s->title;
	tp.actor = o->actor != NULL ? o->actor : "";
	tp.training = o->training;
	tp.world = e->world;
	tp.kmdata = o->kmdata;
	/* The file appears with the script and the parameters given up
	 * front on record: a transcript that does not say what it runs
	 * could not be resumed, nor one that lacks them. */
	tp.deferred = 1;
	off_hex(s->sha256, 32, hex);
	if ((ret = off_transcript_new_path(o->kmdata, s->id, e->path,
	    sizeof(e->path), err)) != 0 ||
	    (ret = off_transcript_create(e->path, &tp, &e->t, err)) != 0 ||
	    (ret = append(e, OFF_T_PARAMETER, json_pack("{s:s, s:s, s:s, s:i}",
	    "name", "script", "value", s->path, "sha256", hex, "version",
	    (int)s->version), err)) != 0 ||
	    (ret = record_presets(e, err)) != 0 ||
	    (ret = off_transcript_commit(e->t, err)) != 0)
		goto fail;
	e->phase = PH_PARAMS;
	e->status = OFF_ENGINE_RUNNING;
	*out = e;
	return 0;
fail:
	off_engine_free(&e);
	return ret;
}

/* What a drill put in place goes when its step ends. */
static void
drill_cleanup(struct off_engine *e)
{
	e->drill_pin = 0;
	if (e->drill_file[0] != '\0') {
		(void)unlink(e->drill_file);
		e->drill_file[0] = '\0';
	}
}

/* The current step is done: record it, checkpoint, go to next. */
static int
step_done(struct off_engine *e, size_t next, const char *result,
    struct off_err *err)
{
	int	ret;

	if ((ret = append(e, OFF_T_STEP_ENDED, json_pack("{s:s, s:s?}",
	    "result", result, "next", next < e->s->nsteps ?
	    e->s->steps[next].id : NULL), err)) != 0 ||
	    (ret = off_transcript_checkpoint(e->t, err)) != 0)
		return ret;
	/* Whose action a witness would be witnessing; proving one's
	 * presence is no action. */
	if (step(e)->type != OFF_STEP_WITNESS &&
	    step(e)->type != OFF_STEP_AUTHENTICATE)
		snprintf(e->last_officer, sizeof(e->last_officer), "%s",
		    officer_of(e, step(e)->role) != NULL ?
		    officer_of(e, step(e)->role) : "");
	e->cur = next;
	e->phase = PH_BEGIN;
	e->item = 0;
	e->sub = 0;
	drill_cleanup(e);
	return 0;
}

static int
seal(struct off_engine *e, int status, struct off_err *err)
{
	int	ret;

	drill_cleanup(e);
	if ((ret = off_transcript_seal(e->t, actor(e), e->root, err)) != 0)
		return ret;
	e->cur = e->s->nsteps;
	e->phase = PH_END;
	e->status = status;
	return status;
}

/* 1 when a prompt of this step got no answer at all (end of input,
 * interrupted): the ceremony pauses rather than fails. */
static int
fe_interrupted(const struct off_engine *e)
{
	return e->no_answer;
}

/* The step failed with err: note why, then its failure policy. */
static int
step_failed(struct off_engine *e, const struct off_err *why,
    struct off_err *err)
{
	off_err_format(why, e->failure, sizeof(e->failure));
	/* Through the recording front end: the reason is on record. */
	off_fe_notice(&e->sfe, OFF_NOTICE_ERROR, "%s", e->failure);
	e->phase = PH_FAILED;
	free(e->deviation);
	free(e->saved_text);
	e->deviation = NULL;
	e->saved_text = NULL;
	e->adhoc = 0;
	(void)err;
	return OFF_ENGINE_RUNNING;
}

/* path made absolute (its directory resolved), so that a resume from
 * another directory finds the same file. */
static int
absolute(const char *path, char *out, size_t len)
{
	char	dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path),
	    path) >= (int)sizeof(dir))
		return -1;
	if (realpath(*dir ? dir : "/", real) == NULL ||
	    snprintf(out, len, "%s/%s", strcmp(real, "/") == 0 ? "" : real,
	    slash != NULL ? slash + 1 : path) >= (int)len)
		return -1;
	return 0;
}

/* Before an action that writes a new file runs, its intent is on
 * record (action-begun, with the file), so that a resume after a crash
 * knows a file found there was written by it. On a resume, a file that
 * the interrupted run of the same action left is checked and taken
 * over (*adopted, with c's result and files set; a key is never made
 * twice), or removed, and the action runs again. *r is the action's
 * failure when the file does not check; the return is the
 * transcript's. */
static int
before_run(struct off_engine *e, const struct off_action *a,
    struct off_action_ctx *c, int *adopted, int *r, struct off_err *aerr,
    struct off_err *err)
{
	json_t		*prev = e->intent, *removed = NULL;
	const char	*ppath;
	char		 out[PATH_MAX], rel[PATH_MAX], hex[65];
	char		 why[OFF_ERR_DETAIL_MAX];
	uint8_t		 h[32];
	uint64_t	 size;
	int		 left, ret;

	e->intent = NULL;
	*adopted = 0;
	if (off_action_output(a, c, rel, sizeof(rel)) != 0 ||
	    absolute(rel, out, sizeof(out)) != 0) {
		json_decref(prev);
		return 0;
	}
	ppath = json_string_value(json_object_get(prev, "output"));
	left = ppath != NULL && strcmp(ppath, out) == 0 &&
	    json_equal(json_object_get(prev, "args"), c->args) &&
	    access(out, F_OK) == 0;
	json_decref(prev);
	if (left && off_action_adoptable(a)) {
		if ((*r = off_action_adopt(a, c, out, aerr)) == 0) {
			*adopted = 1;
			return 0;
		}
		snprintf(why, sizeof(why), "%s", aerr->detail);
		off_err_set(aerr, *r, out, _("the interrupted run of this step "
		    "left this file, but it is not what the step makes: %s; "
		    "see to it, then try again"), why);
		return 0;
	}
	if (left) {
		/* Made again; what is removed is on record first. */
		if ((*r = off_file_sha256(out, h, &size, aerr)) != 0)
			return 0;
		off_hex(h, sizeof(h), hex);
		if ((removed = json_pack("{s:s, s:I}", "sha256", hex, "size",
		    (json_int_t)size)) == NULL)
			return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	} else if (access(out, F_OK) == 0)
		return 0;	/* there already: the action will refuse */
	if ((ret = append(e, OFF_T_ACTION_BEGUN, json_pack("{s:s, s:O, s:s, "
	    "s:o*}", "action", a->name, "args", c->args, "output", out,
	    "removed", removed), err)) != 0)
		return ret;
	if (left)
		*r = off_file_remove(out, aerr);
	return 0;
}

static int
run_action(struct off_engine *e, struct off_err *err)
{
	const struct off_step	*st = step(e);
	const struct off_action	*a = off_action_find(st->action);
	struct off_action_ctx	 c;
	struct off_err		 aerr;
	char			*v, msg[OFF_ERR_DETAIL_MAX + 300];
	size_t			 i;
	int			 ret, r = 0, adopted = 0;

	memset(&c, 0, sizeof(c));
	off_err_clear(&aerr);
	if (a == NULL)
		return off_err_set(err, OFF_ERR_INTERNAL, e->s->path,
		    _("unknown action \"%s\""), st->action);
	if ((c.args = json_object()) == NULL ||
	    (c.result = json_object()) == NULL) {
		off_action_ctx_clear(&c);
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	}
	for (i = 0; i < st->nargs; i++) {
		if ((r = off_expand(st->args[i].value, lookup, e, &v,
		    &aerr)) != 0)
			break;
		json_object_set_new(c.args, st->args[i].name, json_string(v));
		free(v);
	}
	if (i == st->nargs && a->needs_cards)
		r = off_slot_reopen(e->o.slot, &aerr);
	c.kmdata = e->o.kmdata;
	c.world = &e->world;
	c.slot = e->o.slot;
	c.fe = &e->cfe;
	c.training = e->o.training;
	c.config = e->o.config;
	if (i == st->nargs && r == 0 && (ret = before_run(e, a, &c, &adopted,
	    &r, &aerr, err)) != 0)
		goto out;
	if (i == st->nargs && r == 0 && !adopted)
		r = a->run(&c, &aerr);
	if (r != 0)
		off_err_format(&aerr, msg, sizeof(msg));
	/* The outcome on record, then the files, then what follows. */
	if ((ret = append(e, OFF_T_RESULT, json_pack("{s:s, s:O, s:b, s:O?, "
	    "s:s?, s:o*}", "action", a->name, "args", c.args, "ok", r == 0,
	    "result", r == 0 ? c.result : NULL, "error", r != 0 ? msg : NULL,
	    "adopted", adopted ? json_true() : NULL), err)) != 0)
		goto out;
	for (i = 0; i < c.nfiles; i++) {
		if ((ret = off_transcript_file(e->t, st->id, actor(e),
		    c.files[i], err)) != 0)
			goto out;
		written(e, c.files[i]);
	}
	if (c.world_created && (ret = off_transcript_bind(e->t, e->world,
	    e->o.kmdata, st->id, err)) != 0)
		goto out;
	if (r != 0 && (aerr.code == OFF_ERR_INTERRUPTED ||
	    fe_interrupted(e))) {
		/* Nobody answered: not a failure of the step. */
		*err = aerr;
		ret = OFF_ERR_INTERRUPTED;
		goto out;
	}
	if (r != 0) {
		ret = step_failed(e, &aerr, err);
		goto out;
	}
	json_object_set(e->results, st->id, c.result);
	ret = step_done(e, st->next, "done", err);
out:
	off_action_ctx_clear(&c);
	return ret;
}

static int
run_quorum(struct off_engine *e, struct off_err *err)
{
	struct off_err	 qerr;
	uint8_t		*secret = NULL;
	int		 ret;

	off_err_clear(&qerr);
	if (e->world == NULL)
		off_err_set(&qerr, OFF_ERR_NO_WORLD, e->o.kmdata,
		    _("there is no security world here yet"));
	else if (off_slot_reopen(e->o.slot, &qerr) == 0 &&
	    off_quorum_collect(e->world, e->o.slot, &e->cfe, &secret,
	    &qerr) == 0) {
		off_secfree(&secret);
		if ((ret = append(e, OFF_T_RESULT, json_pack("{s:s, s:b, s:i}",
		    "action", "quorum", "ok", 1, "cards",
		    (int)off_world_k(e->world)), err)) != 0)
			return ret;
		return step_done(e, step(e)->next, "done", err);
	}
	if (qerr.code == OFF_ERR_INTERRUPTED || fe_interrupted(e)) {
		*err = qerr;
		return OFF_ERR_INTERRUPTED;
	}
	return step_failed(e, &qerr, err);
}

static int
run_branch(struct off_engine *e, struct off_err *err)
{
	const struct off_step	*st = step(e);
	struct off_err		 berr;
	char			*v = NULL;
	size_t			 i, next = st->def;
	int			 ret;

	off_err_clear(&berr);
	if (off_expand(st->on, lookup, e, &v, &berr) != 0)
		return step_failed(e, &berr, err);
	for (i = 0; i < st->ncases; i++)
		if (strcmp(st->cases[i].value, v) == 0) {
			next = st->cases[i].next;
			break;
		}
	ret = append(e, OFF_T_PARAMETER, json_pack("{s:s, s:s}", "branch", v,
	    "next", e->s->steps[next].id), err);
	free(v);
	return ret != 0 ? ret : step_done(e, next, "done", err);
}

static int
run_authenticate(struct off_engine *e, struct off_err *err)
{
	const struct off_step	*st = step(e);
	struct off_err		 aerr;

	e->auth_tries = 0;
	if (e->roster == NULL) {
		off_err_clear(&aerr);
		off_err_set(&aerr, OFF_ERR_INVALID, NULL, _("officers "
		    "authenticate against a roster: give one"));
		return step_failed(e, &aerr, err);
	}
	return request(e, OFF_REQ_OTP, st->text != NULL ? st->text :
	    e->own_roster != NULL ? _("Press Enter to touch the simulated "
	    "YubiKey") : _("Touch your YubiKey to authenticate"), err);
}

/* In training, an empty answer is the touch of the next simulated
 * officer's YubiKey; its OTP goes through the real validation. */
/* 1 when officer id acts in some role, or in role when given. */
static int
acts(const struct off_engine *e, const char *id, const char *role)
{
	const char	*key;
	json_t		*ids, *v;
	size_t		 i;

	json_object_foreach(e->officers, key, ids) {
		if (role != NULL && strcmp(key, role) != 0)
			continue;
		json_array_foreach(ids, i, v)
			if (strcmp(json_string_value(v), id) == 0)
				return 1;
	}
	return 0;
}

static int
holds_card(const struct off_engine *e, const char *id)
{
	const char	*key;
	json_t		*v;

	json_object_foreach(e->holders, key, v)
		if (strcmp(json_string_value(v), id) == 0)
			return 1;
	return 0;
}

/* The simulated officer to step forward for role: for a card, someone
 * already in the role who has no card in this step; when the role has
 * all the people it takes (an authentication cut short by a crash and
 * begun again), one of them; else someone who acts in no role yet. */
static const struct off_officer *
pick_simulated(const struct off_engine *e, const char *role, int card)
{
	const struct off_officer	*o;
	const struct off_role		*r = off_script_role(e->s, role);
	size_t				 i;
	int				 full;

	full = r != NULL && json_array_size(json_object_get(e->officers,
	    role)) >= r->count;
	for (i = 0; (card || full) &&
	    (o = off_roster_officer(e->roster, i)) != NULL; i++)
		if (acts(e, off_officer_id(o), role) &&
		    !holds_card(e, off_officer_id(o)))
			return o;
	for (i = 0; (o = off_roster_officer(e->roster, i)) != NULL; i++)
		if (!acts(e, off_officer_id(o), NULL) &&
		    !holds_card(e, off_officer_id(o)))
			return o;
	return NULL;
}

static int
simulated_otp(struct off_engine *e, const char *role, int card, char *otp,
    struct off_err *err)
{
	const struct off_officer	*o;
	unsigned			 counter;

	if ((o = pick_simulated(e, role, card)) == NULL)
		return off_err_set(err, OFF_ERR_DENIED, NULL, _("no simulated "
		    "officer is left for the role %s"), role);
	/* Counters only ever grow, across runs on the same state. */
	counter = 1 + (unsigned)((time(NULL) / 2) % (OFF_OTP_COUNTER_MAX - 1));
	return off_officer_otp(o, counter, e->sim_use++ % (OFF_OTP_USE_MAX +
	    1), otp, err);
}

/* Two roles may be held by one person only when the script says so. */
static int
may_coincide(const struct off_script *s, const char *a, const char *b)
{
	const struct off_role	*ra = off_script_role(s, a);
	const struct off_role	*rb = off_script_role(s, b);
	size_t			 i;

	if (strcmp(a, b) == 0)
		return 1;
	for (i = 0; ra != NULL && i < ra->ncoincide; i++)
		if (strcmp(ra->coincide[i], b) == 0)
			return 1;
	for (i = 0; rb != NULL && i < rb->ncoincide; i++)
		if (strcmp(rb->coincide[i], a) == 0)
			return 1;
	return 0;
}

/* Identify the officer behind otp for role: 0 with *who, or an error
 * saying why not (each try is on record). */
static int
identify(struct off_engine *e, const char *role, const char *given,
    int check_count, const char **who, struct off_err *why,
    struct off_err *err)
{
	const struct off_officer	*o = NULL;
	const struct off_role		*r = off_script_role(e->s, role);
	enum off_otp_status		 status;
	char				 otp[OFF_OTP_MAX + 1], state[PATH_MAX];
	const char			*key, *id;
	json_t				*ids, *v;
	size_t				 i;
	int				 ret;

	*who = NULL;
	snprintf(otp, sizeof(otp), "%s", given);
	if (*otp == '\0' && e->own_roster != NULL &&
	    (ret = simulated_otp(e, role, !check_count, otp, why)) != 0)
		return ret;
	if (e->o.otp_state != NULL)
		snprintf(state, sizeof(state), "%s", e->o.otp_state);
	else if (off_path_join(state, sizeof(state), e->o.kmdata,
	    "otp-state") != 0)
		return off_err_set(why, OFF_ERR_TOO_LARGE, e->o.kmdata,
		    _("path too long"));
	if ((ret = off_roster_authenticate(e->roster, otp, state, &o, &status,
	    why)) == 0 && !off_officer_has_role(o, role))
		/* TRANSLATORS: an officer's name, a role's title. */
		ret = off_err_set(why, OFF_ERR_DENIED, NULL, _("%s does not "
		    "hold the role %s"), off_officer_name(o),
		    role_title(e, role));
	/* One person, one role, unless the script allows it. */
	json_object_foreach(e->officers, key, ids) {
		if (ret != 0 || may_coincide(e->s, key, role))
			continue;
		json_array_foreach(ids, i, v)
			if (strcmp(json_string_value(v), off_officer_id(o)) ==
			    0)
				/* TRANSLATORS: an officer's name, then
				   role titles: the role held, the role held
				   again, the role asked for. */
				ret = off_err_set(why, OFF_ERR_DUPLICATE, NULL,
				    _("%s already acts as %s; %s and %s must "
				    "be different people"), off_officer_name(o),
				    role_title(e, key), role_title(e, key),
				    role_title(e, role));
	}
	if (ret == 0 && check_count && r != NULL &&
	    (ids = json_object_get(e->officers,
	    role)) != NULL && json_array_size(ids) >= r->count) {
		json_array_foreach(ids, i, v)
			if (strcmp(json_string_value(v), off_officer_id(o)) ==
			    0)
				break;
		if (i == json_array_size(ids))
			/* TRANSLATORS: a role's title. */
			ret = off_err_set(why, OFF_ERR_DENIED, NULL, _("the "
			    "role %s is already held by %u people"),
			    role_title(e, role), r->count);
	}
	id = o != NULL ? off_officer_id(o) : NULL;
	if ((ret == 0 ? append(e, OFF_T_OFFICER, json_pack("{s:s, s:s, s:s, "
	    "s:s?, s:b}", "role", role, "officer", id, "name",
	    off_officer_name(o), "yubikey", off_officer_yubikey(o),
	    "simulated", e->own_roster != NULL), err) : append(e,
	    OFF_T_OFFICER, json_pack("{s:s, s:b, s:s?, s:s}", "role", role,
	    "ok", 0, "officer", id, "refused", why->detail), err)) != 0)
		return err->code;
	if (ret == 0)
		*who = off_officer_id(o);
	return 0;
}

static void	assign(struct off_engine *, const char *, const char *);

/* The role of the people who hold cards, or NULL when the script has
 * none (then card holders are not identified). */
static const char *
holder_role(const struct off_engine *e)
{
	const struct off_step	*st = step(e);

	if (e->roster == NULL)
		return NULL;
	if (st->type == OFF_STEP_QUORUM && st->role != NULL)
		return st->role;
	return off_script_role(e->s, "custodian") != NULL ? "custodian" : NULL;
}

/* The PIN from the person; no answer at all pauses the ceremony. */
static int
inner_pin(struct off_engine *e, const struct off_pin_request *req, char *buf,
    size_t bufsz, size_t *len)
{
	int	ret = e->sfe.ask_pin(e->sfe.arg, req, buf, bufsz, len);

	if (ret == OFF_ERR_INTERRUPTED)
		e->no_answer = 1;
	return ret;
}

/* Before a card's first PIN, its holder proves who they are: the same
 * person cannot hold two cards of one quorum. */
static int
holder_pin(void *arg, const struct off_pin_request *req, char *buf,
    size_t bufsz, size_t *len)
{
	struct off_engine	*e = arg;
	struct off_err		 why, err;
	const char		*role = holder_role(e), *who, *key;
	char			 otp[OFF_OTP_MAX + 2], q[256];
	json_t			*v;
	int			 ret;

	if (req->kind == OFF_PIN_ENTER && e->drill_pin != 0) {
		ret = e->drill_pin;
		e->drill_pin = 0;
		if (ret == 2) {
			off_fe_notice(&e->sfe, OFF_NOTICE_WARNING, _("DRILL: "
			    "card %u was pulled out before its PIN was typed"),
			    req->index);
			return OFF_ERR_CANCELLED;
		}
		off_fe_notice(&e->sfe, OFF_NOTICE_WARNING, _("DRILL: a wrong "
		    "PIN is typed for card %u"), req->index);
		*len = (size_t)snprintf(buf, bufsz, "drill-wrong-pin");
		return 0;
	}
	if (req->kind != OFF_PIN_ENTER || req->card_id == NULL ||
	    role == NULL || json_object_get(e->holders, req->card_id) != NULL)
		return inner_pin(e, req, buf, bufsz, len);
	off_err_clear(&why);
	off_err_clear(&err);
	otp[0] = '\0';
	snprintf(q, sizeof(q), _("Holder of card %u: touch your YubiKey"),
	    req->index);
	if (e->own_roster == NULL && (ret = off_fe_ask_text(&e->sfe, q, NULL,
	    otp, sizeof(otp))) != 0) {
		if (ret == OFF_ERR_INTERRUPTED)
			e->no_answer = 1;
		return ret;
	}
	if ((ret = identify(e, role, otp, 0, &who, &why, &err)) != 0)
		return ret;
	if (who == NULL) {
		off_err_format(&why, e->failure, sizeof(e->failure));
		off_fe_notice(&e->sfe, OFF_NOTICE_ERROR, "%s", e->failure);
		return OFF_ERR_DENIED;
	}
	json_object_foreach(e->holders, key, v)
		if (strcmp(json_string_value(v), who) == 0) {
			off_fe_notice(&e->sfe, OFF_NOTICE_ERROR, _("%s already "
			    "presented a card in this step: one person, one "
			    "card"), officer_name(e, who));
			return OFF_ERR_DUPLICATE;
		}
	json_object_set_new(e->holders, req->card_id, json_string(who));
	assign(e, role, who);
	if (e->own_roster != NULL)
		off_fe_notice(&e->sfe, OFF_NOTICE_INFO, _("TRAINING: %s "
		    "(simulated) holds card %u"), officer_name(e, who),
		    req->index);
	return inner_pin(e, req, buf, bufsz, len);
}

/* The card-holder front end passes everything else on to sfe. */
static void
holder_notice(void *arg, enum off_notice_level level, const char *msg)
{
	struct off_engine	*e = arg;

	e->sfe.notice(e->sfe.arg, level, msg);
}

static int
holder_confirm(void *arg, const char *question)
{
	struct off_engine	*e = arg;

	return e->sfe.confirm(e->sfe.arg, question);
}

static int
holder_text(void *arg, const char *prompt, const char *help, char *buf,
    size_t bufsz)
{
	struct off_engine	*e = arg;

	return e->sfe.ask_text(e->sfe.arg, prompt, help, buf, bufsz);
}

static void
holder_card(void *arg, const struct off_card_info *info)
{
	struct off_engine	*e = arg;

	e->sfe.card(e->sfe.arg, info);
}

static void
holder_progress(void *arg, const char *what, unsigned long done,
    unsigned long total)
{
	struct off_engine	*e = arg;

	e->sfe.progress(e->sfe.arg, what, done, total);
}

/* Give role to officer id. */
static void
assign(struct off_engine *e, const char *role, const char *id)
{
	json_t	*ids = json_object_get(e->officers, role);
	json_t	*v;
	size_t	 i;

	if (ids == NULL) {
		ids = json_array();
		json_object_set_new(e->officers, role, ids);
	}
	json_array_foreach(ids, i, v)
		if (strcmp(json_string_value(v), id) == 0)
			return;
	json_array_append_new(ids, json_string(id));
}

/* The fault a rehearsal injects at the current step, if any (once). */
static const char *
drill_for(const struct off_engine *e)
{
	const struct off_step	*st = step(e);
	const char		*d;

	if (!e->o.training || json_object_get(e->fired, st->id) != NULL)
		return NULL;
	if ((d = json_string_value(json_object_get(e->o.drills, st->id))) !=
	    NULL)
		return d;
	return st->drill;
}

/* Put a card of another (throw-away) world among the cards. */
static int
foreign_card(struct off_engine *e, struct off_err *err)
{
	static const char *const pins[] = { "9191", "9292", "9393" };
	struct off_world	*w = NULL;
	char			 dir[PATH_MAX], km[PATH_MAX], dr[PATH_MAX];
	char			 src[PATH_MAX], *data = NULL, *slash;
	size_t			 len;
	int			 ret;

	snprintf(dir, sizeof(dir), "%s", e->o.kmdata);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	if (snprintf(km, sizeof(km), "%s/drill-foreign/kmdata", dir) >=
	    (int)sizeof(km) || snprintf(dr, sizeof(dr),
	    "%s/drill-foreign/cards", dir) >= (int)sizeof(dr) ||
	    off_path_join(e->drill_file, sizeof(e->drill_file),
	    e->o.slot->where, "card-+drill-foreign.card") != 0)
		return off_err_set(err, OFF_ERR_TOO_LARGE, dir,
		    _("path too long"));
	if (off_world_load(km, &w, NULL) != 0 &&
	    (ret = off_training_world(km, dr, 2, 3, pins, &w, err)) != 0)
		return ret;
	off_world_free(&w);
	if ((ret = off_slot_reopen(e->o.slot, err)) != 0)
		return ret;
	{
		struct off_slot	*fs = NULL;

		if ((ret = off_slot_open(&fs, "drawer", dr, err)) != 0)
			return ret;
		snprintf(src, sizeof(src), "%s", fs->ops->count(fs) > 0 ?
		    fs->ops->reader_name(fs, 0) : "");
		off_slot_close(&fs);
	}
	if ((ret = off_file_read(src, OFF_FILE_MAX, &data, &len, err)) != 0)
		return ret;
	ret = off_file_write(e->drill_file, data, len, OFF_WRITE_REPLACE, err);
	free(data);
	return ret;
}

/* A card of the world goes missing: its file is moved aside. */
static int
lose_card(struct off_engine *e, struct off_err *err)
{
	char	from[PATH_MAX], to[PATH_MAX];
	int	ret;

	if ((ret = off_slot_reopen(e->o.slot, err)) != 0)
		return ret;
	if (e->o.slot->ops->count(e->o.slot) == 0)
		return off_err_set(err, OFF_ERR_NOT_FOUND, e->o.slot->where,
		    _("no card to lose"));
	snprintf(from, sizeof(from), "%s",
	    e->o.slot->ops->reader_name(e->o.slot, 0));
	if (snprintf(to, sizeof(to), "%s.lost-in-drill", from) >=
	    (int)sizeof(to))
		return off_err_set(err, OFF_ERR_TOO_LARGE, from,
		    _("path too long"));
	if (rename(from, to) != 0)
		return off_err_errno(err, OFF_ERR_IO, errno, from,
		    _("cannot move the card aside"));
	off_fe_notice(&e->sfe, OFF_NOTICE_WARNING, _("DRILL: the card %s is "
	    "lost (moved to %s)"), from, to);
	return 0;
}

/* Inject the rehearsal's fault for this step, on record first. */
static int
drill(struct off_engine *e, struct off_err *err)
{
	const char	*d = drill_for(e);
	int		 ret;

	if (d == NULL)
		return 0;
	json_object_set_new(e->fired, step(e)->id, json_true());
	if ((ret = append(e, OFF_T_EXCEPTION, json_pack("{s:s, s:s}", "kind",
	    "drill", "drill", d), err)) != 0)
		return ret;
	off_fe_notice(&e->sfe, OFF_NOTICE_WARNING, _("DRILL at step %s: %s"),
	    step(e)->id, d);
	if (strcmp(d, "power-cut") == 0) {
		if ((ret = off_transcript_checkpoint(e->t, err)) != 0)
			return ret;
		if (e->o.power_cut != NULL)
			e->o.power_cut(e->o.power_cut_arg);
		else
			raise(SIGKILL);
		return off_err_set(err, OFF_ERR_INTERRUPTED, NULL,
		    _("DRILL: the power was cut"));
	}
	if ((strcmp(d, "lost-card") == 0 || strcmp(d, "foreign-card") == 0) &&
	    e->o.slot == NULL)
		return 0;
	if ((strcmp(d, "lost-card") == 0 || strcmp(d, "foreign-card") == 0) &&
	    strcmp(e->o.slot->ops->name, "pkcs11") == 0) {
		off_fe_notice(&e->sfe, OFF_NOTICE_WARNING, _("DRILL %s "
		    "skipped: it moves card files, and these cards are PKCS#11 "
		    "tokens"), d);
		return 0;
	}
	if (strcmp(d, "lost-card") == 0)
		return lose_card(e, err);
	if (strcmp(d, "foreign-card") == 0)
		return foreign_card(e, err);
	e->drill_pin = strcmp(d, "wrong-pin") == 0 ? 1 : 2;
	return 0;
}

/* Show a step's text (expanded) as a notice; on record through sfe. */
static void
tell(struct off_engine *e, const char *text)
{
	struct off_err	 ignore;
	char		*x = NULL;

	if (text == NULL)
		return;
	if (off_expand(text, lookup, e, &x, &ignore) != 0)
		x = NULL;
	off_fe_notice(&e->sfe, OFF_NOTICE_INFO, "%s", x != NULL ? x : text);
	free(x);
}

static int
begin_step(struct off_engine *e, struct off_err *err)
{
	const struct off_step	*st = step(e);
	int			 ret;

	if (e->sub == 0) {
		if ((ret = append(e, OFF_T_STEP_BEGUN, json_pack("{s:s, s:s?, "
		    "s:s?}", "type", off_step_type_name(st->type), "title",
		    st->title, "role", st->role), err)) != 0)
			return ret;
		off_transcript_frontend(&e->tfe, e->t, e->o.fe, st->id,
		    &e->sfe);
		e->cfe.arg = e;
		e->cfe.notice = holder_notice;
		e->cfe.ask_pin = holder_pin;
		e->cfe.confirm = holder_confirm;
		e->cfe.ask_text = holder_text;
		e->cfe.card = holder_card;
		e->cfe.progress = holder_progress;
		json_object_clear(e->holders);
		e->sub = 1;
		if ((ret = drill(e, err)) != 0)
			return ret;
	}
	switch (st->type) {
	case OFF_STEP_INSTRUCTION:
		return request(e, OFF_REQ_ACK, st->text, err);
	case OFF_STEP_CHECKLIST:
		if (e->item == 0 && e->sub == 1) {
			tell(e, st->text);
			e->sub = 2;
		}
		if (e->item >= st->nitems)
			return step_done(e, st->next, "done", err);
		if ((ret = request(e, OFF_REQ_CHECK, st->items[e->item],
		    err)) == 0) {
			e->req.item = e->item + 1;
			e->req.items = (unsigned)st->nitems;
		}
		return ret;
	case OFF_STEP_ACTION:
		tell(e, st->text);
		return run_action(e, err);
	case OFF_STEP_QUORUM:
		tell(e, st->text);
		return run_quorum(e, err);
	case OFF_STEP_AUTHENTICATE:
		return run_authenticate(e, err);
	case OFF_STEP_WITNESS:
		return request(e, OFF_REQ_WITNESS, st->text, err);
	case OFF_STEP_BRANCH:
		tell(e, st->text);
		return run_branch(e, err);
	case OFF_STEP_EXCEPTION:
		if (e->deviation == NULL)
			return request(e, OFF_REQ_DEVIATION, st->text != NULL ?
			    st->text : _("Describe the deviation and the "
			    "decision taken"), err);
		/* The witness acknowledges, not the one who decided. */
		return request_as(e, OFF_REQ_WITNESS, off_script_role(e->s,
		    "witness") != NULL ? "witness" : st->role, _("Witness: "
		    "confirm the deviation as recorded"), err);
	case OFF_STEP_SEAL:
		tell(e, st->text);
		if ((ret = append(e, OFF_T_STEP_ENDED, json_pack("{s:s}",
		    "result", "done"), err)) != 0)
			return ret;
		return seal(e, OFF_ENGINE_DONE, err);
	}
	return off_err_set(err, OFF_ERR_INTERNAL, NULL, NULL);
}

/* What was given up front goes on record before anything is asked, so
 * that a resume after a crash needs none of it again. */
static int
record_presets(struct off_engine *e, struct off_err *err)
{
	const struct off_param	*p;
	const char		*v;
	struct off_err		 perr;
	size_t			 i;
	int			 ret;

	for (i = 0; i < e->s->nparams; i++) {
		p = &e->s->params[i];
		if (json_object_get(e->params, p->id) != NULL ||
		    (v = json_string_value(json_object_get(e->o.preset,
		    p->id))) == NULL)
			continue;
		off_err_clear(&perr);
		if (off_param_check(p, v, &perr) != 0)
			return off_err_set(err, perr.code == OFF_ERR_NOMEM ?
			    OFF_ERR_NOMEM : OFF_ERR_INVALID, NULL, "%s",
			    perr.detail);
		if ((ret = append(e, OFF_T_PARAMETER, json_pack("{s:s, s:s}",
		    "name", p->id, "value", v), err)) != 0)
			return ret;
		json_object_set_new(e->params, p->id, json_string(v));
	}
	return 0;
}

static int
next_param(struct off_engine *e, struct off_err *err)
{
	const struct off_param	*p;
	int			 ret;

	if ((ret = record_presets(e, err)) != 0)
		return ret;
	while (e->param < e->s->nparams) {
		p = &e->s->params[e->param];
		/* Set up front, or before a resume. */
		if (json_object_get(e->params, p->id) != NULL) {
			e->param++;
			continue;
		}
		if ((ret = request(e, OFF_REQ_PARAM, p->prompt, err)) == 0) {
			e->req.help = p->help;
			e->req.def = p->def;
			e->req.step = p->id;
		}
		return ret;
	}
	e->cur = 0;
	e->phase = PH_BEGIN;
	if ((ret = off_transcript_checkpoint(e->t, err)) != 0)
		return ret;
	return OFF_ENGINE_RUNNING;
}

static int
failed(struct off_engine *e, struct off_err *err)
{
	const struct off_step	*st = step(e);
	int			 ret;

	switch (st->on_failure) {
	case OFF_FAIL_RETRY:
		return request(e, OFF_REQ_RETRY, _("The step failed. Try it "
		    "again?"), err);
	case OFF_FAIL_GOTO:
		return step_done(e, st->fail_to, "failed", err);
	case OFF_FAIL_ABORT:
		break;
	}
	if ((ret = append(e, OFF_T_STEP_ENDED, json_pack("{s:s, s:s}",
	    "result", "aborted", "error", e->failure), err)) != 0 ||
	    (ret = off_transcript_checkpoint(e->t, err)) != 0)
		return ret;
	return seal(e, OFF_ENGINE_ABORTED, err);
}

int
off_engine_step(struct off_engine *e, struct off_err *err)
{
	int	ret;

	switch (e->phase) {
	case PH_PARAMS:
		ret = next_param(e, err);
		break;
	case PH_BEGIN:
		ret = begin_step(e, err);
		break;
	case PH_WAIT:
		return OFF_ENGINE_WAITING;
	case PH_FAILED:
		ret = failed(e, err);
		break;
	case PH_END:
		return e->status;
	default:
		return off_err_set(err, OFF_ERR_INTERNAL, NULL, NULL);
	}
	if (ret < 0)
		return ret;
	if (e->phase == PH_WAIT)
		return OFF_ENGINE_WAITING;
	if (e->phase == PH_END)
		return e->status;
	return OFF_ENGINE_RUNNING;
}

const struct off_engine_request *
off_engine_request(const struct off_engine *e)
{
	return e->phase == PH_WAIT ? &e->req : NULL;
}

/* Who decides a deviation: the ceremony administrator when one has
 * authenticated, else whoever runs the program. */
static const char *
decider(const struct off_engine *e)
{
	const char	*who = officer_of(e, "admin");

	return who != NULL ? who : actor(e);
}

int
off_engine_deviate(struct off_engine *e, struct off_err *err)
{
	if (e->phase != PH_WAIT || e->adhoc || e->deviation != NULL ||
	    e->req.kind == OFF_REQ_DEVIATION)
		return off_err_set(err, OFF_ERR_INVALID, NULL, _("a deviation "
		    "can be recorded while the ceremony waits for an answer, "
		    "one at a time"));
	e->saved_req = e->req;
	e->saved_text = e->req_text;
	e->req_text = NULL;
	e->adhoc = 1;
	return request_as(e, OFF_REQ_DEVIATION, off_script_role(e->s,
	    "admin") != NULL ? "admin" : NULL, _("Ceremony administrator: "
	    "describe the deviation from this step and the decision taken"),
	    err);
}

/* The account is on record; the witness is asked to acknowledge it. */
static int
adhoc_told(struct off_engine *e, struct off_err *err)
{
	int	ret;

	e->adhoc = 2;
	if ((ret = append(e, OFF_T_EXCEPTION, json_pack("{s:s, s:s, s:s, "
	    "s:s?}", "kind", "deviation", "account", e->deviation,
	    "decided_by", decider(e), "at", e->saved_req.step), err)) != 0)
		return ret;
	return request_as(e, OFF_REQ_WITNESS, off_script_role(e->s,
	    "witness") != NULL ? "witness" : NULL, _("Witness: confirm the "
	    "deviation as recorded"), err);
}

/* Acknowledged or not, on record; then the interrupted question again. */
static int
adhoc_acknowledged(struct off_engine *e, int ack, struct off_err *err)
{
	const char	*w = officer_of(e, e->req.role);
	int		 ret;

	/* One cannot acknowledge what one decided. */
	if (ack && w != NULL && strcmp(w, decider(e)) == 0) {
		off_fe_notice(&e->sfe, OFF_NOTICE_ERROR, _("%s decided the "
		    "deviation and cannot acknowledge it as witness"),
		    officer_name(e, w));
		ack = 0;
	}
	ret = append(e, OFF_T_EXCEPTION, json_pack("{s:s, s:s, s:s, s:s?, "
	    "s:b}", "kind", "deviation", "account", e->deviation,
	    "decided_by", decider(e), "at", e->saved_req.step,
	    "acknowledged", ack), err);
	free(e->deviation);
	e->deviation = NULL;
	free(e->req_text);
	e->req = e->saved_req;
	e->req_text = e->saved_text;
	e->req.text = e->req_text;
	e->saved_text = NULL;
	e->adhoc = 0;
	return ret != 0 ? ret : show(e, err);
}

static int
yes(const char *a)
{
	return strcmp(a, "yes") == 0 || strcmp(a, "y") == 0;
}

int
off_engine_answer(struct off_engine *e, const char *answer,
    struct off_err *err)
{
	const struct off_param	*p;
	struct off_err		 why;
	const char		*v = answer, *who, *me;
	int			 ret;

	if (e->phase != PH_WAIT)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("no question is waiting for an answer"));
	off_err_clear(&why);
	switch (e->req.kind) {
	case OFF_REQ_PARAM:
		p = &e->s->params[e->param];
		if (*v == '\0' && p->def != NULL)
			v = p->def;
		if (off_param_check(p, v, &why) != 0)
			return off_err_set(err, OFF_ERR_INVALID, NULL, "%s",
			    why.detail);
		json_object_set_new(e->params, p->id, json_string(v));
		if ((ret = append(e, OFF_T_PARAMETER, json_pack("{s:s, s:s}",
		    "name", p->id, "value", v), err)) != 0)
			return ret;
		e->param++;
		e->phase = PH_PARAMS;
		return 0;
	case OFF_REQ_ACK:
	case OFF_REQ_CHECK:
	case OFF_REQ_WITNESS:
	case OFF_REQ_RETRY:
		if (!yes(answer) && strcmp(answer, "no") != 0 &&
		    strcmp(answer, "n") != 0)
			return off_err_set(err, OFF_ERR_INVALID, NULL,
			    _("answer yes or no"));
		if ((ret = append(e, e->req.kind == OFF_REQ_WITNESS ?
		    OFF_T_WITNESS : OFF_T_PARAMETER, json_pack("{s:s, s:s}",
		    "question", e->req_text, "answer", yes(answer) ? "yes" :
		    "no"), err)) != 0)
			return ret;
		break;
	case OFF_REQ_DEVIATION:
		if (*answer == '\0' || strlen(answer) > 2000 ||
		    !off_text_line_ok(answer))
			return off_err_set(err, OFF_ERR_INVALID, NULL,
			    _("describe the deviation in one line of text (up "
			    "to 2000 characters, no control characters)"));
		if ((e->deviation = strdup(answer)) == NULL)
			return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		if (e->adhoc)
			return adhoc_told(e, err);
		e->phase = PH_BEGIN;
		/* On record as told, acknowledged or not. */
		return append(e, OFF_T_EXCEPTION, json_pack("{s:s, s:s, s:s}",
		    "kind", "deviation", "account", answer, "decided_by",
		    actor(e)), err);
	case OFF_REQ_OTP:
		if ((ret = identify(e, step(e)->role, answer, 1, &who, &why,
		    err)) != 0)
			return ret;
		if (who == NULL && ++e->auth_tries < AUTH_TRIES) {
			/* With the file, when one failed. */
			off_err_format(&why, e->failure, sizeof(e->failure));
			return off_err_set(err, OFF_ERR_INVALID, NULL, "%s",
			    e->failure);
		}
		if (who == NULL)
			return step_failed(e, &why, err);
		assign(e, step(e)->role, who);
		return step_done(e, step(e)->next, "done", err);
	}
	/* What a yes or no means for the step. */
	switch (e->req.kind) {
	case OFF_REQ_RETRY:
		if (yes(answer)) {
			e->phase = PH_BEGIN;
			e->sub = 0;
			e->item = 0;
			return append(e, OFF_T_STEP_ENDED, json_pack("{s:s, s:s}",
			    "result", "failed", "next", step(e)->id), err);
		}
		/* Not again: the ceremony ends here. */
		if ((ret = append(e, OFF_T_STEP_ENDED, json_pack("{s:s, s:s}",
		    "result", "aborted", "error", e->failure), err)) != 0 ||
		    (ret = off_transcript_checkpoint(e->t, err)) != 0)
			return ret;
		ret = seal(e, OFF_ENGINE_ABORTED, err);
		return ret < 0 ? ret : 0;
	case OFF_REQ_CHECK:
		if (yes(answer)) {
			e->item++;
			e->phase = PH_BEGIN;
			return 0;
		}
		off_err_set(&why, OFF_ERR_CANCELLED, NULL, _("checklist item "
		    "%u not confirmed: %s"), e->req.item, e->req_text);
		return step_failed(e, &why, err);
	case OFF_REQ_WITNESS:
		if (e->adhoc)
			return adhoc_acknowledged(e, yes(answer), err);
		if (yes(answer) && step(e)->type == OFF_STEP_EXCEPTION &&
		    (me = officer_of(e, e->req.role)) != NULL &&
		    officer_of(e, step(e)->role) != NULL &&
		    strcmp(me, officer_of(e, step(e)->role)) == 0 &&
		    strcmp(e->req.role, step(e)->role) != 0) {
			off_err_set(&why, OFF_ERR_DUPLICATE, NULL, _("%s decided "
			    "the deviation and cannot acknowledge it as "
			    "witness"), officer_name(e, me));
			return step_failed(e, &why, err);
		}
		if (yes(answer) && step(e)->type == OFF_STEP_EXCEPTION) {
			ret = append(e, OFF_T_EXCEPTION, json_pack("{s:s, s:s, "
			    "s:s, s:b}", "kind", "deviation", "account",
			    e->deviation, "decided_by", actor(e), "acknowledged",
			    1), err);
			free(e->deviation);
			e->deviation = NULL;
			return ret != 0 ? ret : step_done(e, step(e)->next,
			    "done", err);
		}
		/* FALLTHROUGH */
	case OFF_REQ_ACK:
		me = officer_of(e, step(e)->role);
		if (yes(answer) && e->req.kind == OFF_REQ_WITNESS && me != NULL &&
		    strcmp(me, e->last_officer) == 0) {
			off_err_set(&why, OFF_ERR_DUPLICATE, NULL, _("%s cannot "
			    "witness their own action"), officer_name(e, me));
			return step_failed(e, &why, err);
		}
		if (yes(answer))
			return step_done(e, step(e)->next, "done", err);
		off_err_set(&why, OFF_ERR_CANCELLED, NULL, _("not confirmed: "
		    "%s"), e->req_text);
		return step_failed(e, &why, err);
	default:
		break;
	}
	return 0;
}

int
off_engine_run(struct off_engine *e, struct off_err *err)
{
	const struct off_engine_request	*r;
	struct off_err			 why;
	char				 buf[2048], q[2300];
	int				 st, ret;

	for (;;) {
		if ((st = off_engine_step(e, err)) < 0)
			return st;
		if (st == OFF_ENGINE_DONE || st == OFF_ENGINE_ABORTED)
			return st;
		if (st != OFF_ENGINE_WAITING)
			continue;
		r = off_engine_request(e);
		switch (r->kind) {
		case OFF_REQ_PARAM:
		case OFF_REQ_OTP:
		case OFF_REQ_DEVIATION:
			if (r->def != NULL)
				snprintf(q, sizeof(q), _("%s [%s]"), r->text,
				    r->def);
			else
				snprintf(q, sizeof(q), "%s", r->text);
			ret = off_fe_ask_text(e->o.fe, q, r->help, buf,
			    sizeof(buf));
			break;
		default:
			if (r->kind == OFF_REQ_CHECK)
				snprintf(q, sizeof(q), _("[%u/%u] %s"), r->item,
				    r->items, r->text);
			else if (r->role != NULL)
				snprintf(q, sizeof(q), "%s (%s%s%s)", r->text,
				    role_title(e, r->role), r->officer != NULL ?
				    ": " : "", r->officer != NULL ? r->officer :
				    "");
			else
				snprintf(q, sizeof(q), "%s", r->text);
			ret = e->o.fe->confirm != NULL ?
			    e->o.fe->confirm(e->o.fe->arg, q) :
			    OFF_ERR_CANCELLED;
			snprintf(buf, sizeof(buf), "%s", ret == 0 ? "yes" :
			    "no");
			/* "No" is an answer; no answer is not. */
			if (ret == OFF_ERR_CANCELLED)
				ret = 0;
			else if (ret != 0)
				ret = OFF_ERR_INTERRUPTED;
			break;
		}
		if (ret != 0)
			return off_err_set(err, ret, NULL, _("the ceremony was "
			    "interrupted; the transcript can be resumed"));
		off_err_clear(&why);
		if ((ret = off_engine_answer(e, buf, &why)) == OFF_ERR_INVALID)
			off_fe_notice(e->o.fe, OFF_NOTICE_WARNING, "%s",
			    why.detail);
		else if (ret != 0) {
			*err = why;
			return ret;
		}
	}
}

void
off_engine_interrupt(struct off_engine *e, const char *why)
{
	struct off_err	ignore;

	if (e == NULL || e->t == NULL || e->phase == PH_END)
		return;
	(void)append(e, OFF_T_EXCEPTION, json_pack("{s:s, s:s}", "kind",
	    "interrupted", "account", why), &ignore);
	(void)off_transcript_checkpoint(e->t, &ignore);
	off_transcript_close(&e->t);
}

void
off_engine_free(struct off_engine **ep)
{
	struct off_engine	*e = *ep;

	if (e == NULL)
		return;
	off_transcript_close(&e->t);
	off_world_free(&e->world);
	json_decref(e->params);
	json_decref(e->results);
	json_decref(e->officers);
	json_decref(e->holders);
	json_decref(e->fired);
	json_decref(e->files);
	off_roster_free(&e->own_roster);
	json_decref(e->intent);
	free(e->req_text);
	free(e->deviation);
	free(e->saved_text);
	free(e);
	*ep = NULL;
}

const char *
off_engine_file(const struct off_engine *e, size_t i)
{
	return json_string_value(json_array_get(e->files, i));
}

const char *
off_engine_param(const struct off_engine *e, const char *id)
{
	return json_string_value(json_object_get(e->params, id));
}

const char *
off_engine_transcript_path(const struct off_engine *e)
{
	return e->path;
}

const uint8_t *
off_engine_root(const struct off_engine *e)
{
	return e->phase == PH_END ? e->root : NULL;
}

const char *
off_engine_current(const struct off_engine *e)
{
	return e->cur < e->s->nsteps ? e->s->steps[e->cur].id : NULL;
}

/* The "script" parameter and the training flag of a transcript. */
static int
script_entry(const struct off_tlog *log, const char **path,
    const char **sha, int *training)
{
	size_t	i;
	json_t	*d;

	*path = *sha = NULL;
	*training = 0;
	for (i = 0; i < log->nentries; i++) {
		d = log->entries[i].data;
		if (strcmp(log->entries[i].type, OFF_T_STARTED) == 0)
			*training = json_is_true(json_object_get(d,
			    "training"));
		if (strcmp(log->entries[i].type, OFF_T_PARAMETER) == 0 &&
		    json_is_string(json_object_get(d, "name")) &&
		    strcmp(json_string_value(json_object_get(d, "name")),
		    "script") == 0) {
			*path = json_string_value(json_object_get(d, "value"));
			*sha = json_string_value(json_object_get(d, "sha256"));
			return *path != NULL && *sha != NULL ? 0 :
			    OFF_ERR_FORMAT;
		}
	}
	return OFF_ERR_NOT_FOUND;
}

int
off_engine_script_of(const char *transcript, char *script, size_t len,
    uint8_t sha256[32], int *training, struct off_err *err)
{
	struct off_tlog	*log = NULL;
	const char	*path, *sha;
	int		 ret;

	if ((ret = off_tlog_load(transcript, &log, err)) != 0)
		return ret;
	if (script_entry(log, &path, &sha, training) != 0 ||
	    off_unhex(sha, sha256, 32) != 0)
		ret = off_err_set(err, OFF_ERR_FORMAT, transcript, _("not the "
		    "transcript of a scripted ceremony: it names no script"));
	else if (snprintf(script, len, "%s", path) >= (int)len)
		ret = off_err_set(err, OFF_ERR_TOO_LARGE, transcript,
		    _("path too long"));
	off_tlog_free(&log);
	return ret;
}

/* Rebuild what the transcript says was done: parameters, results,
 * officers, and where to go on. */
static int
replay(struct off_engine *e, const struct off_tlog *log, struct off_err *err)
{
	const struct off_tentry	*t;
	const char		*name, *begun = NULL, *ended = NULL, *next = NULL;
	const char		*result = NULL, *out;
	json_t			*d, *r, *intent = NULL;
	size_t			 i, idx;
	int			 recorded = 0, filed = 0, ret;

	for (i = 0; i < log->nentries; i++) {
		t = &log->entries[i];
		d = t->data;
		if (strcmp(t->type, OFF_T_PARAMETER) == 0 &&
		    (name = json_string_value(json_object_get(d, "name"))) !=
		    NULL && strcmp(name, "script") != 0 &&
		    off_script_param(e->s, name) != NULL &&
		    json_is_string(json_object_get(d, "value")))
			json_object_set(e->params, name, json_object_get(d,
			    "value"));
		else if (strcmp(t->type, OFF_T_RESULT) == 0 &&
		    json_is_true(json_object_get(d, "ok")) &&
		    json_is_object(r = json_object_get(d, "result")))
			json_object_set(e->results, t->step, r);
		else if (strcmp(t->type, OFF_T_OFFICER) == 0 &&
		    !json_is_false(json_object_get(d, "ok")) &&
		    json_is_string(json_object_get(d, "officer")) &&
		    json_is_string(json_object_get(d, "role")))
			assign(e, json_string_value(json_object_get(d, "role")),
			    json_string_value(json_object_get(d, "officer")));
		else if (strcmp(t->type, OFF_T_EXCEPTION) == 0 &&
		    json_is_string(json_object_get(d, "drill")))
			json_object_set_new(e->fired, t->step, json_true());
		else if (strcmp(t->type, OFF_T_FILE) == 0 &&
		    json_is_string(json_object_get(d, "path")))
			written(e, json_string_value(json_object_get(d,
			    "path")));
		/* The last action-begun of the step, whether its result
		 * and its file are on record. */
		if (strcmp(t->type, OFF_T_ACTION_BEGUN) == 0) {
			intent = d;
			recorded = filed = 0;
		} else if (strcmp(t->type, OFF_T_RESULT) == 0 &&
		    intent != NULL && json_equal(json_object_get(d, "action"),
		    json_object_get(intent, "action")))
			recorded = 1;
		else if (strcmp(t->type, OFF_T_FILE) == 0 && intent != NULL &&
		    json_equal(json_object_get(d, "path"),
		    json_object_get(intent, "output")))
			filed = 1;
		if (strcmp(t->type, OFF_T_STEP_BEGUN) == 0) {
			begun = t->step;
			intent = NULL;
		} else if (strcmp(t->type, OFF_T_STEP_ENDED) == 0) {
			ended = t->step;
			begun = NULL;
			next = json_string_value(json_object_get(d, "next"));
			result = json_string_value(json_object_get(d,
			    "result"));
		}
	}
	e->param = 0;
	if (begun == NULL && ended == NULL) {
		e->phase = PH_PARAMS;
		return 0;
	}
	if (begun != NULL) {
		if ((idx = off_script_step_index(e->s, begun)) == e->s->nsteps)
			return off_err_set(err, OFF_ERR_FORMAT, e->s->path,
			    _("the transcript's step %s is not in the script"),
			    begun);
		e->cur = idx;
		e->sub = 1;
		/* Done but not closed: never do it twice; the file it wrote
		 * goes on record if the crash came before that. */
		if (json_object_get(e->results, begun) != NULL &&
		    e->s->steps[idx].type == OFF_STEP_ACTION) {
			if (intent != NULL && recorded && !filed &&
			    (out = json_string_value(json_object_get(intent,
			    "output"))) != NULL && access(out, F_OK) == 0 &&
			    (ret = off_transcript_file(e->t, begun, actor(e),
			    out, err)) != 0)
				return ret;
			return step_done(e, e->s->steps[idx].next, "done", err);
		}
		/* An action cut short: what it may have written is looked
		 * after when it begins again (before_run). */
		if (intent != NULL && !recorded &&
		    e->s->steps[idx].type == OFF_STEP_ACTION)
			e->intent = json_incref(intent);
		/* Anything else starts again, on record. */
		e->sub = 0;
		e->phase = PH_BEGIN;
		return 0;
	}
	if (result != NULL && strcmp(result, "aborted") == 0) {
		e->cur = off_script_step_index(e->s, ended);
		return seal(e, OFF_ENGINE_ABORTED, err) < 0 ? err->code : 0;
	}
	/* The seal step ended, and the crash came before the seal was on
	 * disk: seal now. */
	if (next == NULL && (idx = off_script_step_index(e->s, ended)) <
	    e->s->nsteps && e->s->steps[idx].type == OFF_STEP_SEAL &&
	    result != NULL && strcmp(result, "done") == 0) {
		e->cur = idx;
		return seal(e, OFF_ENGINE_DONE, err) < 0 ? err->code : 0;
	}
	if (next == NULL || (idx = off_script_step_index(e->s, next)) ==
	    e->s->nsteps)
		return off_err_set(err, OFF_ERR_FORMAT, e->s->path,
		    _("the transcript's next step %s is not in the script"),
		    next != NULL ? next : "?");
	e->cur = idx;
	e->phase = PH_BEGIN;
	return 0;
}

int
off_engine_resume(const char *transcript, const struct off_script *s,
    const struct off_engine_opts *o, struct off_engine **out,
    struct off_err *err)
{
	struct off_verify_opts		 vo;
	struct off_verify_result	 vr;
	struct off_engine		*e = NULL;
	struct off_tlog			*log = NULL;
	const char			*path, *sha;
	char				 hex[65];
	int				 training, ret;

	*out = NULL;
	if ((ret = engine_new(s, o, &e, err)) != 0)
		return ret;
	/* Intact up to its last checkpoint, and every file it says was
	 * written still as it was. */
	memset(&vo, 0, sizeof(vo));
	vo.world = e->world;
	vo.check_files = 1;
	ret = off_transcript_verify(transcript, &vo, &vr, err);
	if (ret == 0 || ret == OFF_ERR_UNANCHORED) {
		ret = off_err_set(err, OFF_ERR_INVALID, transcript, _("the "
		    "ceremony is over: the transcript is sealed"));
		goto fail;
	}
	if (ret != OFF_ERR_UNSEALED)
		goto fail;
	off_err_clear(err);
	if (vr.files_missing > 0) {
		ret = off_err_set(err, OFF_ERR_AUTH, transcript, _("%zu file(s) "
		    "that earlier steps wrote are missing; the ceremony cannot "
		    "go on as recorded"), vr.files_missing);
		goto fail;
	}
	if ((ret = off_tlog_load(transcript, &log, err)) != 0)
		goto fail;
	off_hex(s->sha256, 32, hex);
	if (script_entry(log, &path, &sha, &training) != 0 ||
	    strcmp(sha, hex) != 0) {
		ret = off_err_set(err, OFF_ERR_AUTH, s->path, _("this is not "
		    "the script the ceremony started with (its SHA-256 "
		    "differs)"));
		goto fail;
	}
	if (training != o->training) {
		ret = off_err_set(err, OFF_ERR_INVALID, transcript,
		    training ? _("a rehearsal resumes only in training") :
		    _("a real ceremony cannot resume as a rehearsal"));
		goto fail;
	}
	snprintf(e->path, sizeof(e->path), "%s", transcript);
	if ((ret = off_transcript_resume(transcript, e->world, o->kmdata,
	    &e->t, err)) != 0 || (ret = replay(e, log, err)) != 0)
		goto fail;
	if (e->phase != PH_END)
		e->status = OFF_ENGINE_RUNNING;
	off_tlog_free(&log);
	*out = e;
	return 0;
fail:
	off_tlog_free(&log);
	off_engine_free(&e);
	return ret;
}

int
off_engine_checkpoint(const struct off_engine *e, off_hash root)
{
	size_t	size;

	if (e->phase == PH_END) {
		memcpy(root, e->root, OFF_HASH_LEN);
		return 0;
	}
	return e->t != NULL ? off_transcript_last_checkpoint(e->t, root,
	    &size) : OFF_ERR_NOT_FOUND;
}

const struct off_script *
off_engine_script(const struct off_engine *e)
{
	return e->s;
}
