/* Writing transcripts: entries, checkpoints, bindings, seal, resume,
 * cosignatures; reading them back. Verification is in
 * transcript-verify.c. */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "crypto.h"
#include "encode.h"
#include "error.h"
#include "fileio.h"
#include "frontend.h"
#include "i18n.h"
#include "json.h"
#include "module.h"
#include "secmem.h"
#include "transcript.h"
#include "transcript-int.h"
#include "world.h"

struct off_transcript {
	char		 path[PATH_MAX];
	int		 fd;
	char		 origin[OFF_ORIGIN_MAX + 1];
	unsigned	 segment;
	EVP_PKEY	*key;		/* OpenSSL's secure (locked) heap */
	struct off_vkey	 vkey;
	off_hash	*leaves;
	/* The tree of the leaves so far, grown at each checkpoint: a
	 * checkpoint costs what was added since the last, not the whole. */
	struct off_merkle_acc	 acc;
	size_t		 n, cap;
	size_t		 ncps;		/* checkpoint lines so far */
	off_hash	 last_root;	/* of the last checkpoint written */
	size_t		 last_size;
	int		 sealed;
	int		 failed;	/* a write failed: refuse to go on */
	char		*pending;	/* being created: the lines so far */
	size_t		 plen;
};

static const char *const entry_types[] = { OFF_T_STARTED, OFF_T_STEP_BEGUN,
    OFF_T_STEP_ENDED, OFF_T_PROMPT, OFF_T_CARD_IN, OFF_T_CARD_OUT,
    OFF_T_OFFICER, OFF_T_PARAMETER, OFF_T_RESULT, OFF_T_FILE,
    OFF_T_EXCEPTION, OFF_T_WITNESS, OFF_T_SEALED, OFF_T_RESUMED,
    OFF_T_ACTION_BEGUN, NULL };

int
off_transcript_type_ok(const char *type)
{
	size_t	i;

	for (i = 0; entry_types[i] != NULL; i++)
		if (strcmp(type, entry_types[i]) == 0)
			return 0;
	return OFF_ERR_FORMAT;
}

int
transcript_ceremony_ok(const char *s)
{
	size_t	n = strlen(s);

	if (n == 0 || n > 64 || strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "0123456789-") != n)
		return OFF_ERR_FORMAT;
	return 0;
}

void
transcript_origin(char *out, size_t len, int training, const char *ceremony,
    const char *id)
{
	snprintf(out, len, "officiant/%s%s/%s", training ? "TRAINING/" : "",
	    ceremony, id);
}

int
transcript_binding_tbs(struct off_tbs *t, const char *origin,
    unsigned segment, const uint8_t pub[32], const uint8_t world[32],
    const uint8_t module[16])
{
	off_tbs_init(t, "officiant transcript binding v1");
	off_tbs_str(t, origin);
	off_tbs_u32(t, segment);
	off_tbs_bytes(t, pub, 32);
	off_tbs_bytes(t, world, 32);
	off_tbs_bytes(t, module, 16);
	return off_tbs_ok(t);
}

/* Write one line and make it durable before anyone sees what follows. */
static int
write_line(struct off_transcript *t, const char *line, size_t len,
    struct off_err *err)
{
	const char	*p = line;
	size_t		 left = len + 1;
	ssize_t		 n;
	char		*buf;

	if (t->failed)
		return off_err_set(err, OFF_ERR_IO, t->path,
		    _("an earlier write to the transcript failed; stop and "
		    "resume the ceremony"));
	if (len > OFF_TRANSCRIPT_LINE_MAX)
		return off_err_set(err, OFF_ERR_TOO_LARGE, t->path,
		    _("transcript entry too long"));
	if (t->fd == -1) {
		/* Being created: the file appears whole with its first
		 * checkpoint (off_transcript_create). */
		if ((buf = realloc(t->pending, t->plen + len + 1)) == NULL)
			return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		memcpy(buf + t->plen, line, len);
		buf[t->plen + len] = '\n';
		t->pending = buf;
		t->plen += len + 1;
		return 0;
	}
	if ((buf = malloc(len + 1)) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	memcpy(buf, line, len);
	buf[len] = '\n';
	p = buf;
	while (left > 0) {
		n = write(t->fd, p, left);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			t->failed = 1;
			free(buf);
			return off_err_errno(err, OFF_ERR_IO, errno, t->path,
			    _("cannot write the transcript"));
		}
		p += n;
		left -= (size_t)n;
	}
	free(buf);
	if (fsync(t->fd) != 0) {
		t->failed = 1;
		return off_err_errno(err, OFF_ERR_IO, errno, t->path,
		    _("cannot sync the transcript"));
	}
	return 0;
}

/* An entry could not be made: the transcript takes no more. */
static int
lost(struct off_transcript *t, int code, struct off_err *err)
{
	t->failed = 1;
	return off_err_set(err, code, t->path, _("cannot record a transcript "
	    "entry: %s; stop and resume the ceremony"), off_strerror(code));
}

static int
append_entry(struct off_transcript *t, const char *type, const char *step,
    const char *actor, json_t *data, int packed, struct off_err *err)
{
	char		 now[21], *line = NULL;
	json_t		*e;
	off_hash	*nl;
	int		 ret;

	if (t->sealed) {
		json_decref(data);
		return off_err_set(err, OFF_ERR_INVALID, t->path,
		    _("the transcript is sealed"));
	}
	if (off_transcript_type_ok(type) != 0) {
		json_decref(data);
		return off_err_set(err, OFF_ERR_INTERNAL, NULL,
		    "unknown entry type %s", type);
	}
	/* No data from json_pack is a failure: an entry that cannot be
	 * written whole is not written, and, as after a failed write,
	 * nothing after it either. */
	if (data == NULL && packed)
		return lost(t, OFF_ERR_NOMEM, err);
	if (data == NULL && (data = json_object()) == NULL)
		return lost(t, OFF_ERR_NOMEM, err);
	off_utc_now(now);
	e = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}",
	    "seq", (json_int_t)t->n,
	    "time", now,
	    "type", type,
	    "step", step != NULL ? step : "",
	    "actor", actor != NULL ? actor : "",
	    "data", data);
	if (e == NULL || (line = off_json_dumps(e, JSON_COMPACT |
	    JSON_PRESERVE_ORDER, NULL)) == NULL) {
		json_decref(e);
		return lost(t, OFF_ERR_NOMEM, err);
	}
	json_decref(e);
	if (t->n == t->cap) {
		size_t	cap = t->cap ? t->cap * 2 : 64;

		if ((nl = reallocarray(t->leaves, cap, sizeof(*nl))) == NULL) {
			free(line);
			return lost(t, OFF_ERR_NOMEM, err);
		}
		t->leaves = nl;
		t->cap = cap;
	}
	/* Hashed before it is written: what is on disk is in the tree. */
	if ((ret = off_merkle_leaf(line, strlen(line), t->leaves[t->n])) !=
	    0) {
		free(line);
		return lost(t, ret, err);
	}
	if ((ret = write_line(t, line, strlen(line), err)) == 0)
		t->n++;
	free(line);
	return ret;
}

int
off_transcript_append(struct off_transcript *t, const char *type,
    const char *step, const char *actor, json_t *data, struct off_err *err)
{
	return append_entry(t, type, step, actor, data, 0, err);
}

int
off_transcript_append_packed(struct off_transcript *t, const char *type,
    const char *step, const char *actor, json_t *data, struct off_err *err)
{
	return append_entry(t, type, step, actor, data, 1, err);
}

int
off_transcript_checkpoint(struct off_transcript *t, struct off_err *err)
{
	char		 body[OFF_ORIGIN_MAX + 100], *note = NULL, *line = NULL;
	off_hash	 root;
	json_t		*o;
	int		 ret;

	if (t->key == NULL)
		return off_err_set(err, OFF_ERR_INVALID, t->path,
		    _("the ceremony key is gone; the transcript is closed"));
	/* One that would cover nothing new is not made. */
	if (t->ncps > 0 && t->n == t->last_size)
		return 0;
	ret = 0;
	while (ret == 0 && t->acc.size < t->n)
		ret = off_merkle_acc_add(&t->acc, t->leaves[t->acc.size]);
	if (ret != 0 || (ret = off_merkle_acc_root(&t->acc, root)) != 0)
		return off_err_set(err, ret, t->path, _("cannot hash the "
		    "transcript"));
	if ((ret = off_checkpoint_text(t->origin, t->n, root, body,
	    sizeof(body))) != 0)
		return off_err_set(err, ret, NULL, NULL);
	if ((ret = off_note_sign(body, &t->vkey, t->key, 0, &note, err)) != 0)
		return ret;
	o = json_pack("{s:s}", "checkpoint", note);
	if (o == NULL ||
	    (line = off_json_dumps(o, JSON_COMPACT, NULL)) == NULL)
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	else
		ret = write_line(t, line, strlen(line), err);
	if (ret == 0) {
		t->ncps++;
		memcpy(t->last_root, root, sizeof(t->last_root));
		t->last_size = t->n;
	}
	json_decref(o);
	free(line);
	free(note);
	return ret;
}

int
off_transcript_last_checkpoint(const struct off_transcript *t, off_hash root,
    size_t *size)
{
	if (t->last_size == 0)
		return OFF_ERR_NOT_FOUND;
	memcpy(root, t->last_root, sizeof(t->last_root));
	*size = t->last_size;
	return 0;
}

/* {"world", "module", "signature"}: the world's module vouches for the
 * ceremony key of this segment. */
static int
binding(struct off_transcript *t, const struct off_world *w,
    const char *kmdata, json_t **out, struct off_err *err)
{
	struct off_module	*m = NULL;
	struct off_tbs		 tbs;
	EVP_PKEY		*mkey = NULL;
	EVP_MD_CTX		*ctx = NULL;
	uint8_t			 sig[64];
	size_t			 siglen = sizeof(sig);
	int			 ret;

	*out = NULL;
	memset(&tbs, 0, sizeof(tbs));
	if ((ret = off_world_open_module(w, 0, kmdata, &m, err)) != 0 ||
	    (ret = off_module_signing_key(m, &mkey, err)) != 0)
		goto out;
	if ((ret = transcript_binding_tbs(&tbs, t->origin, t->segment,
	    t->vkey.pub, off_world_id(w), m->id)) != 0) {
		off_err_set(err, ret, NULL, NULL);
		goto out;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit_ex(ctx, NULL, NULL, NULL, NULL, mkey, NULL) !=
	    1 || EVP_DigestSign(ctx, sig, &siglen, tbs.p, tbs.len) != 1) {
		ret = off_err_crypto(err, _("the module cannot sign"));
		goto out;
	}
	*out = json_pack("{s:o, s:o, s:o}",
	    "world", off_json_new_hex(off_world_id(w), OFF_WORLD_ID_LEN),
	    "module", off_json_new_hex(m->id, OFF_MODULE_ID_LEN),
	    "signature", off_json_new_b64(sig, siglen));
	if (*out == NULL)
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(mkey);
	off_tbs_free(&tbs);
	off_module_free(&m);
	return ret;
}

static int
new_key(struct off_transcript *t, struct off_err *err)
{
	if ((t->key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL)
		return off_err_crypto(err, _("cannot make the ceremony key"));
	return off_vkey_from_pkey(t->origin, OFF_NOTE_ED25519, t->key,
	    &t->vkey, err);
}

/* Open an existing transcript to append to it. */
static int
open_file(struct off_transcript *t, const char *path, struct off_err *err)
{
	int	fd;

	if (path != t->path && snprintf(t->path, sizeof(t->path), "%s",
	    path) >= (int)sizeof(t->path))
		return off_err_set(err, OFF_ERR_TOO_LARGE, path,
		    _("path too long"));
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1)
		return off_err_errno(err, OFF_ERR_IO, errno, path,
		    _("cannot open the transcript"));
	t->fd = fd;
	return 0;
}

static struct off_transcript *
transcript_new(void)
{
	struct off_transcript	*t = calloc(1, sizeof(*t));

	if (t != NULL)
		t->fd = -1;
	return t;
}

/* The file of a transcript being created: its lines so far, whole. */
static int
commit(struct off_transcript *t, struct off_err *err)
{
	char	dir[PATH_MAX], *sl;
	int	ret;

	/* What a crash while another transcript was created left. */
	snprintf(dir, sizeof(dir), "%s", t->path);
	if ((sl = strrchr(dir, '/')) != NULL) {
		*sl = '\0';
		off_file_sweep(*dir != '\0' ? dir : "/", ".transcript");
	}
	if ((ret = off_file_write(t->path, t->pending, t->plen,
	    OFF_WRITE_NOREPLACE, err)) != 0)
		return ret;
	free(t->pending);
	t->pending = NULL;
	t->plen = 0;
	if ((ret = open_file(t, t->path, err)) != 0)
		(void)off_file_remove(t->path, NULL);
	return ret;
}

int
off_transcript_create(const char *path, const struct off_transcript_params *p,
    struct off_transcript **out, struct off_err *err)
{
	struct off_transcript	*t;
	uint8_t			 id[OFF_TRANSCRIPT_ID_LEN];
	char			 idhex[2 * OFF_TRANSCRIPT_ID_LEN + 1];
	char			 vk[OFF_VKEY_MAX];
	json_t			*data, *bind = NULL;
	int			 ret;

	*out = NULL;
	if (transcript_ceremony_ok(p->ceremony) != 0)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("bad ceremony name \"%s\""), p->ceremony);
	if ((t = transcript_new()) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	if ((ret = off_random(id, sizeof(id), err)) != 0)
		goto fail;
	off_hex(id, sizeof(id), idhex);
	transcript_origin(t->origin, sizeof(t->origin), p->training,
	    p->ceremony, idhex);
	if ((ret = new_key(t, err)) != 0)
		goto fail;
	if (p->world != NULL &&
	    (ret = binding(t, p->world, p->kmdata, &bind, err)) != 0)
		goto fail;
	/* The first entry and checkpoint go to t->pending; the file then
	 * appears whole (temporary file, fsync, rename, fsync of the
	 * directory), so that no crash leaves a transcript without a
	 * checkpoint, which could be neither verified nor resumed. */
	if (snprintf(t->path, sizeof(t->path), "%s", path) >=
	    (int)sizeof(t->path)) {
		json_decref(bind);
		ret = off_err_set(err, OFF_ERR_TOO_LARGE, path,
		    _("path too long"));
		goto fail;
	}
	off_vkey_format(&t->vkey, vk, sizeof(vk));
	data = json_pack("{s:s, s:s, s:s, s:b, s:s, s:i, s:s, s:s, s:o*}",
	    "transcript", idhex,
	    "ceremony", p->ceremony,
	    "title", p->title != NULL ? p->title : "",
	    "training", p->training,
	    "origin", t->origin,
	    "segment", 0,
	    "ceremony_key", vk,
	    "program", PACKAGE_STRING,
	    "binding", bind);
	if (data == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto fail;
	}
	if ((ret = off_transcript_append(t, OFF_T_STARTED, "", p->actor, data,
	    err)) != 0 || (ret = off_transcript_checkpoint(t, err)) != 0 ||
	    (!p->deferred && (ret = commit(t, err)) != 0))
		goto fail;
	*out = t;
	return 0;
fail:
	off_transcript_close(&t);
	return ret;
}

int
off_transcript_commit(struct off_transcript *t, struct off_err *err)
{
	int	ret;

	if (t->fd != -1)
		return off_err_set(err, OFF_ERR_INTERNAL, t->path,
		    "the transcript is already written");
	if ((ret = off_transcript_checkpoint(t, err)) != 0)
		return ret;
	return commit(t, err);
}

int
off_transcript_bind(struct off_transcript *t, const struct off_world *w,
    const char *kmdata, const char *step, struct off_err *err)
{
	json_t	*bind;
	int	 ret;

	if ((ret = binding(t, w, kmdata, &bind, err)) != 0)
		return ret;
	return off_transcript_append_packed(t, OFF_T_RESULT, step, "",
	    json_pack("{s:s, s:o}", "action", "bind-world", "binding", bind),
	    err);
}

int
off_transcript_file(struct off_transcript *t, const char *step,
    const char *actor, const char *path, struct off_err *err)
{
	char		*data = NULL, hex[65], abs[PATH_MAX];
	uint8_t		 h[32];
	size_t		 len;
	int		 ret;

	if ((ret = off_file_read(path, OFF_TRANSCRIPT_MAX, &data, &len,
	    err)) != 0)
		return ret;
	if (EVP_Digest(data, len, h, NULL, EVP_sha256(), NULL) != 1) {
		free(data);
		return off_err_crypto(err, _("cannot hash %s"), path);
	}
	free(data);
	off_hex(h, sizeof(h), hex);
	/* Absolute, so the record means the same from any directory. */
	if (realpath(path, abs) == NULL)
		return off_err_errno(err, OFF_ERR_IO, errno, path,
		    _("cannot resolve the path"));
	return off_transcript_append_packed(t, OFF_T_FILE, step, actor,
	    json_pack("{s:s, s:s, s:I}", "path", abs, "sha256", hex,
	    "size", (json_int_t)len), err);
}

int
off_transcript_seal(struct off_transcript *t, const char *actor,
    off_hash root, struct off_err *err)
{
	int	ret;

	/* The counts let a verifier notice a checkpoint line taken out. */
	if ((ret = off_transcript_append_packed(t, OFF_T_SEALED, "", actor,
	    json_pack("{s:I, s:I}", "entries", (json_int_t)t->n + 1,
	    "checkpoints", (json_int_t)t->ncps), err)) != 0)
		return ret;
	/* Nothing may follow a seal but its checkpoint: without it, the
	 * transcript takes no more, and a resume voids the seal. */
	if ((ret = off_transcript_checkpoint(t, err)) != 0) {
		t->failed = 1;
		return ret;
	}
	memcpy(root, t->last_root, OFF_HASH_LEN);
	t->sealed = 1;
	/* Nothing more will ever be signed with this key. */
	EVP_PKEY_free(t->key);
	t->key = NULL;
	return 0;
}

void
off_transcript_close(struct off_transcript **tp)
{
	struct off_transcript	*t;

	if (tp == NULL || (t = *tp) == NULL)
		return;
	EVP_PKEY_free(t->key);
	if (t->fd != -1)
		close(t->fd);
	free(t->pending);
	free(t->leaves);
	free(t);
	*tp = NULL;
}

const char *
off_transcript_path(const struct off_transcript *t)
{
	return t->path;
}

size_t
off_transcript_size(const struct off_transcript *t)
{
	return t->n;
}

void
off_transcript_vkey(const struct off_transcript *t, char *out, size_t len)
{
	off_vkey_format(&t->vkey, out, len);
}

int
off_transcript_resume(const char *path, const struct off_world *w,
    const char *kmdata, struct off_transcript **out, struct off_err *err)
{
	struct off_transcript		*t = NULL;
	struct off_tlog			*log = NULL;
	struct off_verify_opts		 o;
	struct off_verify_result	 r;
	char				 vk[OFF_VKEY_MAX];
	json_t				*bind = NULL, *data;
	int				 ret;

	*out = NULL;
	memset(&o, 0, sizeof(o));
	o.world = w;
	ret = off_transcript_verify(path, &o, &r, err);
	if (ret != OFF_ERR_UNSEALED) {
		if (ret == 0 || ret == OFF_ERR_UNANCHORED)
			return off_err_set(err, OFF_ERR_INVALID, path,
			    _("the transcript is sealed; start a new one"));
		return ret;
	}
	if ((ret = off_tlog_load(path, &log, err)) != 0)
		return ret;
	if ((t = transcript_new()) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	snprintf(t->origin, sizeof(t->origin), "%s", r.origin);
	t->segment = (unsigned)r.segments;
	if ((t->leaves = calloc(log->nentries + 64, sizeof(*t->leaves))) ==
	    NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	memcpy(t->leaves, log->leaves, log->nentries * sizeof(*t->leaves));
	t->n = log->nentries;
	t->ncps = log->ncps;
	t->cap = log->nentries + 64;
	if ((ret = new_key(t, err)) != 0 ||
	    (w != NULL && (ret = binding(t, w, kmdata, &bind, err)) != 0) ||
	    (ret = open_file(t, path, err)) != 0)
		goto out;
	/* A line cut short by the crash was never acted on: drop it. */
	if (log->tail > 0 && (ftruncate(t->fd, (off_t)log->complete) != 0 ||
	    fsync(t->fd) != 0)) {
		ret = off_err_errno(err, OFF_ERR_IO, errno, path,
		    _("cannot drop the unfinished last line"));
		goto out;
	}
	off_vkey_format(&t->vkey, vk, sizeof(vk));
	data = json_pack("{s:i, s:s, s:I, s:I, s:o, s:I, s:I, s:o*}",
	    "segment", t->segment,
	    "ceremony_key", vk,
	    "checkpoints", (json_int_t)t->ncps,
	    "previous_size", (json_int_t)r.good_size,
	    "previous_root", off_json_new_b64(r.good_root, OFF_HASH_LEN),
	    "unsigned_entries", (json_int_t)(log->nentries - r.good_size),
	    "discarded_bytes", (json_int_t)log->tail,
	    "binding", bind);
	bind = NULL;
	if ((ret = off_transcript_append_packed(t, OFF_T_RESUMED, "", "", data,
	    err)) != 0 || (ret = off_transcript_checkpoint(t, err)) != 0)
		goto out;
	*out = t;
	t = NULL;
out:
	json_decref(bind);
	off_transcript_close(&t);
	off_tlog_free(&log);
	return ret;
}

int
off_transcript_cosign(const char *path, const char *name, EVP_PKEY *key,
    struct off_err *err)
{
	struct off_tlog			*log = NULL;
	struct off_verify_opts		 o;
	struct off_verify_result	 r;
	struct off_tcheckpoint		*last;
	struct off_vkey			 wk;
	char				*note = NULL, *line = NULL, *all = NULL;
	char				*copy = NULL, *grown, dir[PATH_MAX], *slash;
	size_t				 len;
	json_t				*obj;
	int				 ret, dfd = -1;

	if ((ret = off_vkey_from_pkey(name, OFF_NOTE_COSIG, key, &wk,
	    err)) != 0)
		return ret;
	/* One cosigner at a time: the file is replaced whole. */
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	if ((dfd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 || flock(dfd, LOCK_EX) != 0) {
		ret = off_err_errno(err, OFF_ERR_IO, errno, path,
		    _("cannot lock the transcript's directory"));
		goto out;
	}
	/* Read once; what is verified is what is extended. */
	if ((ret = off_file_read(path, OFF_TRANSCRIPT_MAX, &all, &len,
	    err)) != 0)
		goto out;
	if ((copy = malloc(len + 1)) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	memcpy(copy, all, len + 1);
	ret = off_tlog_parse(copy, len, path, &log, err);
	copy = NULL;
	if (ret != 0)
		goto out;
	memset(&o, 0, sizeof(o));
	ret = off_tlog_verify(log, path, &o, &r, err);
	if (ret != 0 && ret != OFF_ERR_UNANCHORED) {
		if (ret == OFF_ERR_UNSEALED)
			off_err_set(err, ret, path, _("only a sealed "
			    "transcript can be cosigned"));
		goto out;
	}
	last = &log->cps[log->ncps - 1];
	switch (off_note_verify(&last->parsed, &wk, NULL)) {
	case 0:
		ret = off_err_set(err, OFF_ERR_EXISTS, path,
		    _("witness %s has already cosigned"), name);
		goto out;
	case OFF_ERR_AUTH:
		ret = off_err_set(err, OFF_ERR_AUTH, path,
		    _("a line claims to be the cosignature of witness %s but "
		    "does not verify: the transcript was tampered with"), name);
		goto out;
	}
	if ((note = strdup(last->note)) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	if ((ret = off_note_sign(last->parsed.text, &wk, key,
	    (uint64_t)time(NULL), &note, err)) != 0)
		goto out;
	obj = json_pack("{s:s}", "checkpoint", note);
	if (obj == NULL || (line = off_json_dumps(obj, JSON_COMPACT, NULL)) ==
	    NULL) {
		json_decref(obj);
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	json_decref(obj);
	if ((grown = realloc(all, len + strlen(line) + 2)) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	all = grown;
	memcpy(all + len, line, strlen(line));
	len += strlen(line);
	all[len++] = '\n';
	/* Whole, so a crash leaves the old file or the new one. */
	ret = off_file_write(path, all, len, OFF_WRITE_REPLACE, err);
out:
	if (dfd != -1)
		close(dfd);
	free(copy);
	free(all);
	free(line);
	free(note);
	off_tlog_free(&log);
	return ret;
}

/* KMDATA/transcripts/<UTC time>-<ceremony>[-N].transcript, new. */
int
off_transcript_new_path(const char *kmdata, const char *ceremony, char *path, size_t len,
    struct off_err *err)
{
	char		dir[PATH_MAX], stamp[32];
	time_t		now = time(NULL);
	struct tm	tm;
	unsigned	i;
	int		ret, n;

	if (off_path_join(dir, sizeof(dir), kmdata, "transcripts") != 0)
		return off_err_set(err, OFF_ERR_TOO_LARGE, kmdata,
		    _("path too long"));
	if ((ret = off_mkdirs(dir, err)) != 0)
		return ret;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (i = 1; i < 1000; i++) {
		n = i == 1 ? snprintf(path, len, "%s/%s-%s.transcript", dir,
		    stamp, ceremony) : snprintf(path, len,
		    "%s/%s-%s-%u.transcript", dir, stamp, ceremony, i);
		if (n < 0 || (size_t)n >= len)
			return off_err_set(err, OFF_ERR_TOO_LARGE, dir,
			    _("path too long"));
		if (access(path, F_OK) != 0)
			return 0;
	}
	return off_err_set(err, OFF_ERR_EXISTS, dir, _("too many transcripts "
	    "this second"));
}

int
off_transcript_record(const char *kmdata, const struct off_world *w,
    const char *ceremony, const char *title, const char *actor,
    int training, json_t *params, json_t *result, const char *error,
    const char *const *files, char *path, size_t len, struct off_err *err)
{
	struct off_transcript_params	 p;
	struct off_transcript		*t = NULL;
	char				 where[PATH_MAX];
	const char			*key;
	json_t				*v;
	off_hash			 root;
	size_t				 i;
	int				 ret;

	memset(&p, 0, sizeof(p));
	p.ceremony = ceremony;
	p.title = title;
	p.actor = actor;
	p.training = training;
	p.world = w;
	p.kmdata = kmdata;
	if (result == NULL)
		result = json_object();
	json_object_set_new(result, "ok", json_boolean(error == NULL));
	if (error != NULL)
		json_object_set_new(result, "error", json_string(error));
	if ((ret = off_transcript_new_path(kmdata, ceremony, where,
	    sizeof(where), err)) != 0 ||
	    (ret = off_transcript_create(where, &p, &t, err)) != 0)
		goto out;
	json_object_foreach(params, key, v)
		if ((ret = off_transcript_append_packed(t, OFF_T_PARAMETER, ceremony,
		    actor, json_pack("{s:s, s:O}", "name", key, "value", v),
		    err)) != 0)
			goto out;
	if ((ret = off_transcript_append(t, OFF_T_STEP_BEGUN, ceremony, actor,
	    NULL, err)) != 0)
		goto out;
	/* Stolen by the append whatever it returns. */
	v = result;
	result = NULL;
	if ((ret = off_transcript_append(t, OFF_T_RESULT, ceremony, actor, v,
	    err)) != 0)
		goto out;
	for (i = 0; files != NULL && files[i] != NULL; i++)
		if ((ret = off_transcript_file(t, ceremony, actor, files[i],
		    err)) != 0)
			goto out;
	if ((ret = off_transcript_append_packed(t, OFF_T_STEP_ENDED, ceremony, actor,
	    json_pack("{s:s}", "result", error == NULL ? "done" : "failed"),
	    err)) != 0 ||
	    (ret = off_transcript_checkpoint(t, err)) != 0 ||
	    (ret = off_transcript_seal(t, actor, root, err)) != 0)
		goto out;
	if (path != NULL)
		snprintf(path, len, "%s", where);
out:
	json_decref(params);
	json_decref(result);
	off_transcript_close(&t);
	return ret;
}
