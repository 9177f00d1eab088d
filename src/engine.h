/* The ceremony engine: a table-driven state machine over a script's
 * steps with one transition function. A step waiting for a person
 * returns OFF_ENGINE_WAITING with a request that the front end answers;
 * everything shown, answered and done is written to the transcript,
 * which is checkpointed after every step and sealed at the end. */
#ifndef OFF_ENGINE_H
#define OFF_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "merkle.h"

struct off_engine;
struct off_err;
struct off_frontend;
struct off_roster;
struct off_script;
struct off_slot;

struct off_engine_opts {
	const char		 *kmdata;
	struct off_slot		 *slot;		/* where cards go in */
	const struct off_frontend *fe;		/* cards, PINs, notices */
	const char		 *actor;	/* who runs the program */
	const char		 *workdir;	/* ${workdir}; NULL: "." */
	const char		 *config;	/* --config, or NULL */
	int			  training;
	struct off_roster	 *roster;	/* officers, or NULL */
	const char		 *otp_state;	/* replay state file */
	json_t			 *preset;	/* parameter values given */
	json_t			 *drills;	/* training: step -> fault */
	/* The power-cut drill: NULL kills the process (SIGKILL). */
	void			(*power_cut)(void *arg);
	void			 *power_cut_arg;
};

enum off_engine_status {
	OFF_ENGINE_RUNNING,	/* call off_engine_step again */
	OFF_ENGINE_WAITING,	/* answer off_engine_request first */
	OFF_ENGINE_DONE,	/* sealed */
	OFF_ENGINE_ABORTED,	/* ended by a failure, sealed */
};

enum off_request_kind {
	OFF_REQ_PARAM,		/* a parameter's value (text) */
	OFF_REQ_ACK,		/* an instruction acknowledged (yes/no) */
	OFF_REQ_CHECK,		/* one checklist item (yes/no) */
	OFF_REQ_OTP,		/* an officer's one-time password (text) */
	OFF_REQ_WITNESS,	/* a witness confirms (yes/no) */
	OFF_REQ_DEVIATION,	/* the account of a deviation (text) */
	OFF_REQ_RETRY,		/* the step failed: try again? (yes/no) */
};

struct off_engine_request {
	enum off_request_kind	 kind;
	const char		*step;		/* step id */
	const char		*role;		/* who must answer, or NULL */
	const char		*officer;	/* their name, when known */
	const char		*text;		/* the question, expanded */
	const char		*help;		/* more, or NULL */
	const char		*def;		/* PARAM: the default, or NULL */
	unsigned		 item, items;	/* CHECK: 1-based of n */
	int			 training;
};

/* Start a ceremony: the transcript is created in KMDATA/transcripts. */
int	off_engine_start(const struct off_script *s,
	    const struct off_engine_opts *o, struct off_engine **e,
	    struct off_err *err);
/* What an unsealed transcript was running: the script's path and
 * SHA-256 as recorded, and whether it is a rehearsal. */
int	off_engine_script_of(const char *transcript, char *script,
	    size_t len, uint8_t sha256[32], int *training,
	    struct off_err *err);
/* Continue the ceremony of an unsealed transcript (of script s): it is
 * verified, the files earlier steps wrote are checked, and the engine
 * goes on at the first unfinished step; completed actions are never
 * repeated. */
int	off_engine_resume(const char *transcript, const struct off_script *s,
	    const struct off_engine_opts *o, struct off_engine **e,
	    struct off_err *err);
/* One transition. Returns an off_engine_status, or a negative error
 * after which the transcript is left unsealed (it can be resumed). */
int	off_engine_step(struct off_engine *e, struct off_err *err);
const struct off_engine_request *off_engine_request(
	    const struct off_engine *e);
/* Answer the pending request: text, or "yes"/"no". A bad answer keeps
 * the request pending, with why in err (OFF_ERR_INVALID). */
int	off_engine_answer(struct off_engine *e, const char *answer,
	    struct off_err *err);
/* The ceremony administrator records a deviation at the question now
 * waiting (any kind): the request becomes the account of it
 * (OFF_REQ_DEVIATION), then the witness's acknowledgement
 * (OFF_REQ_WITNESS), both on record, then the question is asked again.
 * OFF_ERR_INVALID when nothing waits or a deviation is being told. */
int	off_engine_deviate(struct off_engine *e, struct off_err *err);
/* Drive the engine to its end with the front end's callbacks. */
int	off_engine_run(struct off_engine *e, struct off_err *err);
/* Record an interruption and close the transcript unsealed. */
void	off_engine_interrupt(struct off_engine *e, const char *why);
void	off_engine_free(struct off_engine **e);

const char	*off_engine_transcript_path(const struct off_engine *e);
/* After DONE or ABORTED: the final root. */
const uint8_t	*off_engine_root(const struct off_engine *e);
/* The last checkpoint's root (OFF_ERR_NOT_FOUND before the first). */
int		 off_engine_checkpoint(const struct off_engine *e,
		    off_hash root);
/* The script the engine runs. */
const struct off_script *off_engine_script(const struct off_engine *e);
/* A parameter's value once it is set (given, answered or resumed),
 * else NULL. */
const char	*off_engine_param(const struct off_engine *e, const char *id);
/* The files the ceremony wrote (before a resume too), in order:
 * the ith path, or NULL past the last. */
const char	*off_engine_file(const struct off_engine *e, size_t i);
/* The step being run (id), or NULL at the end. */
const char	*off_engine_current(const struct off_engine *e);

#endif
