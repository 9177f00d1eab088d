/* The ceremony transcript: an append-only file of JSON entries, one per
 * line, that are the leaves of an RFC 6962 Merkle tree, with C2SP
 * signed checkpoints after every completed step, sealed at the end and
 * cosigned by witnesses. Every line is on disk (fsync) before the call
 * returns. The format is in officiant-transcript(5). */
#ifndef OFF_TRANSCRIPT_H
#define OFF_TRANSCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "merkle.h"
#include "note.h"

struct off_err;
struct off_frontend;
struct off_transcript;
struct off_world;

#define OFF_TRANSCRIPT_LINE_MAX	(64 * 1024)
#define OFF_TRANSCRIPT_MAX	(64 * 1024 * 1024)
#define OFF_TRANSCRIPT_ID_LEN	16
#define OFF_ORIGIN_MAX		200

/* Entry types. */
#define OFF_T_STARTED		"ceremony-started"
#define OFF_T_STEP_BEGUN	"step-begun"
#define OFF_T_STEP_ENDED	"step-ended"
#define OFF_T_PROMPT		"prompt-shown"
#define OFF_T_CARD_IN		"card-inserted"
#define OFF_T_CARD_OUT		"card-removed"
#define OFF_T_OFFICER		"officer-authenticated"
#define OFF_T_PARAMETER		"parameter-set"
#define OFF_T_RESULT		"action-result"
#define OFF_T_FILE		"file-written"
#define OFF_T_EXCEPTION		"exception-recorded"
#define OFF_T_WITNESS		"witness-acknowledged"
#define OFF_T_SEALED		"ceremony-sealed"
#define OFF_T_RESUMED		"segment-resumed"
#define OFF_T_ACTION_BEGUN	"action-begun"

/* 0 when type is one of the entry types above. */
int	off_transcript_type_ok(const char *type);

struct off_transcript_params {
	const char		*ceremony;	/* [a-z0-9-], 1-64 */
	const char		*title;
	const char		*actor;		/* who started it */
	int			 training;
	/* When given, the first entry is bound to the world by its
	 * module's signature over the ceremony key. */
	const struct off_world	*world;
	const char		*kmdata;
	/* Set: the file is not written yet; the caller appends the
	 * entries that must be there from the start, then calls
	 * off_transcript_commit. */
	int			 deferred;
};

/* A new path KMDATA/transcripts/<UTC time>-<ceremony>[-N].transcript
 * (the directory is made when missing). */
int	off_transcript_new_path(const char *kmdata, const char *ceremony,
	    char *path, size_t len, struct off_err *err);
/* A whole one-step transcript at once, for a world that an operation
 * elsewhere changed (a key transferred into it): parameters, the result
 * (ok unless error is given), the files, sealed. Both JSON objects are
 * stolen. The path written is put in path (len bytes) when not NULL. */
int	off_transcript_record(const char *kmdata, const struct off_world *w,
	    const char *ceremony, const char *title, const char *actor,
	    int training, json_t *params, json_t *result, const char *error,
	    const char *const *files, char *path, size_t len,
	    struct off_err *err);
/* Start a new transcript at path (which must not exist). */
int	off_transcript_create(const char *path,
	    const struct off_transcript_params *p, struct off_transcript **t,
	    struct off_err *err);
/* Continue an unsealed transcript as a new segment with a new key. */
int	off_transcript_resume(const char *path, const struct off_world *w,
	    const char *kmdata, struct off_transcript **t,
	    struct off_err *err);
/* A deferred transcript's checkpoint, then its file, whole. */
int	off_transcript_commit(struct off_transcript *t, struct off_err *err);
/* Append an entry; data (may be NULL: empty) is stolen. */
int	off_transcript_append(struct off_transcript *t, const char *type,
	    const char *step, const char *actor, json_t *data,
	    struct off_err *err);
/* The same for data straight from json_pack: NULL is its failure, and
 * then nothing is written and the transcript takes no more entries. */
int	off_transcript_append_packed(struct off_transcript *t,
	    const char *type, const char *step, const char *actor,
	    json_t *data, struct off_err *err);
/* A file-written entry with the file's SHA-256. */
int	off_transcript_file(struct off_transcript *t, const char *step,
	    const char *actor, const char *path, struct off_err *err);
/* Bind the ceremony key to a world (after the world was created). */
int	off_transcript_bind(struct off_transcript *t,
	    const struct off_world *w, const char *kmdata, const char *step,
	    struct off_err *err);
/* Sign and write a checkpoint over every entry so far. */
int	off_transcript_checkpoint(struct off_transcript *t,
	    struct off_err *err);
/* The sealed entry and the final checkpoint; the ceremony key is
 * destroyed. root receives the final root hash. */
int	off_transcript_seal(struct off_transcript *t, const char *actor,
	    off_hash root, struct off_err *err);
/* Destroy the key and close (an unsealed transcript can be resumed). */
void	off_transcript_close(struct off_transcript **t);
const char *off_transcript_path(const struct off_transcript *t);
/* The root and size of the last checkpoint this run wrote. */
int	off_transcript_last_checkpoint(const struct off_transcript *t,
	    off_hash root, size_t *size);
size_t	off_transcript_size(const struct off_transcript *t);
/* The ceremony key as a verifier key string. */
void	off_transcript_vkey(const struct off_transcript *t, char *out,
	    size_t len);

/* A front end that records card events and prompts (never a PIN) in t,
 * then passes them on to inner; state lives as long as out is used. */
struct off_tfe {
	struct off_transcript		*t;
	const struct off_frontend	*inner;
	const char			*step;
};
void	off_transcript_frontend(struct off_tfe *state,
	    struct off_transcript *t, const struct off_frontend *inner,
	    const char *step, struct off_frontend *out);

/* A witness cosigns the final checkpoint of a sealed transcript. */
int	off_transcript_cosign(const char *path, const char *name,
	    EVP_PKEY *key, struct off_err *err);

/* A transcript read back: entries and checkpoints in file order. */
struct off_tentry {
	size_t		 line;		/* 1-based line number */
	const char	*raw;		/* the line as hashed */
	size_t		 rawlen;
	json_t		*obj;
	const char	*type, *step, *actor, *time;
	json_t		*data;
};

struct off_tcheckpoint {
	size_t		 line;
	char		*note;
	uint64_t	 size;
	off_hash	 root;
	struct off_note	 parsed;
};

struct off_tlog {
	char			*buf;
	struct off_tentry	*entries;
	size_t			 nentries;
	off_hash		*leaves;
	struct off_tcheckpoint	*cps;
	size_t			 ncps;
	size_t			 nlines;
	size_t			 tail;		/* bytes of an unfinished line */
	size_t			 complete;	/* bytes up to it */
};

/* Read and parse (not verify) a transcript; bad lines stop the reading
 * with err naming the line. */
int	off_tlog_load(const char *path, struct off_tlog **log,
	    struct off_err *err);
/* The same from memory; buf (malloc'd, len bytes) is taken over. */
int	off_tlog_parse(char *buf, size_t len, const char *name,
	    struct off_tlog **log, struct off_err *err);
void	off_tlog_free(struct off_tlog **log);

struct off_verify_opts {
	const struct off_vkey	*keys;		/* expected ceremony keys */
	size_t			 nkeys;
	const struct off_vkey	*witnesses;	/* required cosigners */
	size_t			 nwitnesses;
	const uint8_t		*expect_root;	/* 32 bytes, or NULL */
	const struct off_world	*world;		/* anchors bindings */
	int			 check_files;
};

struct off_verify_result {
	size_t		entries, checkpoints, segments;
	uint64_t	good_size;	/* covered by the last good checkpoint */
	off_hash	good_root;
	int		sealed, training, anchored;
	unsigned	witnesses_ok;
	size_t		files_ok, files_missing;
	char		origin[OFF_ORIGIN_MAX + 1];
	char		ceremony[65];
	size_t		bad_line;	/* 0 when nothing is bad */
	char		why[512];
};

/* Verify everything. 0: intact, sealed, anchored, witnessed as asked.
 * OFF_ERR_UNSEALED: intact up to r->good_size but not sealed.
 * OFF_ERR_UNANCHORED: intact and sealed but nobody vouches for the key.
 * OFF_ERR_AUTH / OFF_ERR_FORMAT: r->bad_line and r->why say what. */
int	off_transcript_verify(const char *path,
	    const struct off_verify_opts *o, struct off_verify_result *r,
	    struct off_err *err);
/* The same for a transcript already read; name is used in messages. */
int	off_tlog_verify(const struct off_tlog *log, const char *name,
	    const struct off_verify_opts *o, struct off_verify_result *r,
	    struct off_err *err);

#endif
