/* Reading transcripts back and verifying them: the tree, every
 * checkpoint signature, consistency, segments, bindings, the seal,
 * cosignatures and the files whose hashes they record. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "encode.h"
#include "error.h"
#include "fileio.h"
#include "i18n.h"
#include "json.h"
#include "transcript.h"
#include "transcript-int.h"
#include "world.h"

static int
line_err(struct off_err *err, const char *path, size_t line, const char *why)
{
	return off_err_set(err, OFF_ERR_FORMAT, path, _("line %zu: %s"), line,
	    why);
}

static int
parse_checkpoint(struct off_tcheckpoint *c, json_t *obj, const char *path,
    struct off_err *err)
{
	json_t		*v = json_object_get(obj, "checkpoint");
	char		 origin[OFF_ORIGIN_MAX + 1];
	const char	*s;

	if (json_object_size(obj) != 1 || !json_is_string(v))
		return line_err(err, path, c->line,
		    _("a checkpoint line holds only \"checkpoint\""));
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v) ||
	    off_note_parse(s, strlen(s), &c->parsed) != 0)
		return line_err(err, path, c->line,
		    _("the checkpoint is not a signed note"));
	if ((c->note = strdup(s)) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	if (off_checkpoint_parse(c->parsed.text, origin, sizeof(origin),
	    &c->size, c->root) != 0)
		return line_err(err, path, c->line,
		    _("the checkpoint body is not origin, size and root"));
	return 0;
}

static const char *const entry_keys[] = { "seq", "time", "type", "step",
    "actor", "data", NULL };

static int
parse_entry(struct off_tentry *e, size_t seq, const char *path,
    struct off_err *err)
{
	json_t		*v;
	struct off_err	 why;

	off_err_clear(&why);
	if (off_json_only(e->obj, entry_keys, path, "", &why) != 0)
		return line_err(err, path, e->line, why.detail);
	v = json_object_get(e->obj, "seq");
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (size_t)json_integer_value(v) != seq) {
		char	msg[128];

		snprintf(msg, sizeof(msg), _("sequence number is not %zu: an "
		    "entry is missing, repeated or out of order"), seq);
		return line_err(err, path, e->line, msg);
	}
	if (off_json_utc(e->obj, "time", &e->time, path, &why) != 0 ||
	    off_json_str(e->obj, "type", 64, &e->type, path, &why) != 0 ||
	    off_json_str(e->obj, "step", 256, &e->step, path, &why) != 0 ||
	    off_json_str(e->obj, "actor", 256, &e->actor, path, &why) != 0 ||
	    off_json_obj(e->obj, "data", &e->data, path, &why) != 0)
		return line_err(err, path, e->line, why.detail);
	if (off_transcript_type_ok(e->type) != 0)
		return line_err(err, path, e->line, _("unknown entry type"));
	return 0;
}

int
off_tlog_load(const char *path, struct off_tlog **out, struct off_err *err)
{
	char	*buf = NULL;
	size_t	 len;
	int	 ret;

	*out = NULL;
	if ((ret = off_file_read(path, OFF_TRANSCRIPT_MAX, &buf, &len,
	    err)) != 0)
		return ret;
	return off_tlog_parse(buf, len, path, out, err);
}

int
off_tlog_parse(char *buf, size_t len, const char *path, struct off_tlog **out,
    struct off_err *err)
{
	struct off_tlog	*l;
	json_error_t	 jerr;
	json_t		*obj;
	char		*p, *nl, *end;
	size_t		 lineno = 0, cap = 0, ccap = 0;
	int		 ret;

	*out = NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		free(buf);
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	}
	l->buf = buf;
	end = l->buf + len;
	for (p = l->buf; p < end; p = nl + 1) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			/* Cut short by a crash, or by someone. */
			l->tail = (size_t)(end - p);
			break;
		}
		*nl = '\0';
		l->complete = (size_t)(nl + 1 - l->buf);
		if ((size_t)(nl - p) > OFF_TRANSCRIPT_LINE_MAX) {
			ret = line_err(err, path, lineno, _("line too long"));
			goto fail;
		}
		obj = json_loadb(p, (size_t)(nl - p), JSON_REJECT_DUPLICATES,
		    &jerr);
		if (obj == NULL || !json_is_object(obj)) {
			json_decref(obj);
			ret = line_err(err, path, lineno,
			    _("not a JSON object"));
			goto fail;
		}
		if (json_object_get(obj, "checkpoint") != NULL) {
			struct off_tcheckpoint	*c;

			if (l->ncps == ccap) {
				ccap = ccap ? ccap * 2 : 16;
				c = reallocarray(l->cps, ccap, sizeof(*c));
				if (c == NULL) {
					json_decref(obj);
					ret = off_err_set(err, OFF_ERR_NOMEM,
					    NULL, NULL);
					goto fail;
				}
				l->cps = c;
			}
			c = &l->cps[l->ncps++];
			memset(c, 0, sizeof(*c));
			c->line = lineno;
			ret = parse_checkpoint(c, obj, path, err);
			json_decref(obj);
			if (ret != 0)
				goto fail;
		} else {
			struct off_tentry	*e;
			off_hash		*lv;

			if (l->nentries == cap) {
				cap = cap ? cap * 2 : 64;
				e = reallocarray(l->entries, cap, sizeof(*e));
				lv = e == NULL ? NULL :
				    reallocarray(l->leaves, cap, sizeof(*lv));
				if (e != NULL)
					l->entries = e;
				if (lv == NULL) {
					json_decref(obj);
					ret = off_err_set(err, OFF_ERR_NOMEM,
					    NULL, NULL);
					goto fail;
				}
				l->leaves = lv;
			}
			e = &l->entries[l->nentries];
			memset(e, 0, sizeof(*e));
			e->line = lineno;
			e->raw = p;
			e->rawlen = (size_t)(nl - p);
			e->obj = obj;
			l->nentries++;
			if ((ret = parse_entry(e, l->nentries - 1, path,
			    err)) != 0)
				goto fail;
			if ((ret = off_merkle_leaf(e->raw, e->rawlen,
			    l->leaves[l->nentries - 1])) != 0) {
				off_err_set(err, ret, path, _("cannot hash "
				    "the transcript"));
				goto fail;
			}
		}
	}
	l->nlines = lineno;
	*out = l;
	return 0;
fail:
	off_tlog_free(&l);
	return ret;
}

void
off_tlog_free(struct off_tlog **lp)
{
	struct off_tlog	*l;
	size_t		 i;

	if (lp == NULL || (l = *lp) == NULL)
		return;
	for (i = 0; i < l->nentries; i++)
		json_decref(l->entries[i].obj);
	for (i = 0; i < l->ncps; i++) {
		free(l->cps[i].note);
		off_note_free(&l->cps[i].parsed);
	}
	free(l->entries);
	free(l->leaves);
	free(l->cps);
	free(l->buf);
	free(l);
	*lp = NULL;
}

/* Verification state. */
struct vstate {
	const struct off_verify_opts	*o;
	struct off_verify_result	*r;
	const struct off_tlog		*log;
	const char			*path;
	struct off_vkey			 keys[64];	/* per segment */
	int				 bound[64];
	size_t				 nseg;
	int				 sealed;	/* seal entry seen */
	size_t				 seal_index;
	int				 final;		/* ... and signed */
	const char			*final_text;
	const char			*final_note;
	off_hash			 prev_root;
	uint64_t			 prev_size;
	int				 have_prev;
	/* The tree so far and at the last checkpoint: each checkpoint
	 * costs what it adds, not the whole tree again. */
	struct off_merkle_acc		 tree, prev_tree;
};

static int
bad(struct vstate *v, size_t line, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
bad(struct vstate *v, size_t line, int code, const char *fmt, ...)
{
	va_list	ap;

	v->r->bad_line = line;
	va_start(ap, fmt);
	vsnprintf(v->r->why, sizeof(v->r->why), fmt, ap);
	va_end(ap);
	return code;
}

static int
data_str(json_t *data, const char *key, const char **out)
{
	json_t	*x = json_object_get(data, key);

	if (!json_is_string(x) || strlen(json_string_value(x)) !=
	    json_string_length(x))
		return -1;
	*out = json_string_value(x);
	return 0;
}

/* A binding in an entry: check it against the world when one is given. */
static int
check_binding(struct vstate *v, const struct off_tentry *e, json_t *b)
{
	const char	*world, *module, *sig;
	uint8_t		 wid[32], mid[16], s[64];
	const uint8_t	*pub;
	struct off_tbs	 t;
	EVP_PKEY	*pk = NULL;
	EVP_MD_CTX	*ctx = NULL;
	size_t		 n, seg = v->nseg - 1;
	int		 ok = 0;

	if (!json_is_object(b) || data_str(b, "world", &world) != 0 ||
	    data_str(b, "module", &module) != 0 ||
	    data_str(b, "signature", &sig) != 0 ||
	    off_unhex(world, wid, 32) != 0 || off_unhex(module, mid, 16) != 0 ||
	    off_unb64(sig, s, sizeof(s), &n) != 0 || n != 64)
		return bad(v, e->line, OFF_ERR_FORMAT,
		    _("malformed binding to a world"));
	if (v->o->world == NULL ||
	    memcmp(wid, off_world_id(v->o->world), 32) != 0)
		return 0;	/* cannot check it; it anchors nothing */
	if ((pub = off_world_module_key(v->o->world, mid)) == NULL)
		return bad(v, e->line, OFF_ERR_AUTH,
		    _("the binding names a module the world does not have"));
	if (transcript_binding_tbs(&t, v->r->origin, (unsigned)seg,
	    v->keys[seg].pub, wid, mid) == 0 &&
	    (pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub,
	    32)) != NULL && (ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, pk, NULL) ==
	    1 && EVP_DigestVerify(ctx, s, 64, t.p, t.len) == 1)
		ok = 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pk);
	off_tbs_free(&t);
	ERR_clear_error();
	if (!ok)
		return bad(v, e->line, OFF_ERR_AUTH,
		    _("the world's module did not sign this ceremony key"));
	v->bound[seg] = 1;
	return 0;
}

static int
new_segment_key(struct vstate *v, const struct off_tentry *e,
    const char *vk)
{
	if (v->nseg >= sizeof(v->keys) / sizeof(v->keys[0]))
		return bad(v, e->line, OFF_ERR_TOO_LARGE,
		    _("too many segments"));
	if (off_vkey_parse(vk, &v->keys[v->nseg]) != 0 ||
	    v->keys[v->nseg].type != OFF_NOTE_ED25519 ||
	    strcmp(v->keys[v->nseg].name, v->r->origin) != 0)
		return bad(v, e->line, OFF_ERR_FORMAT,
		    _("the ceremony key is not a key named after the origin"));
	v->nseg++;
	return 0;
}

static int
check_started(struct vstate *v, const struct off_tentry *e)
{
	const char	*id, *cer, *origin, *vk;
	char		 want[OFF_ORIGIN_MAX + 1];
	json_t		*tr = json_object_get(e->data, "training");
	json_t		*seg = json_object_get(e->data, "segment");

	if (data_str(e->data, "transcript", &id) != 0 ||
	    data_str(e->data, "ceremony", &cer) != 0 ||
	    data_str(e->data, "origin", &origin) != 0 ||
	    data_str(e->data, "ceremony_key", &vk) != 0 ||
	    !json_is_boolean(tr) || !json_is_integer(seg) ||
	    json_integer_value(seg) != 0 || strlen(id) != 32 ||
	    strspn(id, "0123456789abcdef") != 32 ||
	    transcript_ceremony_ok(cer) != 0)
		return bad(v, e->line, OFF_ERR_FORMAT,
		    _("the first entry does not say what ceremony this is"));
	transcript_origin(want, sizeof(want), json_is_true(tr), cer, id);
	if (strcmp(want, origin) != 0)
		return bad(v, e->line, OFF_ERR_FORMAT,
		    _("the origin does not match the ceremony, transcript "
		    "and training mode"));
	snprintf(v->r->origin, sizeof(v->r->origin), "%s", origin);
	snprintf(v->r->ceremony, sizeof(v->r->ceremony), "%s", cer);
	v->r->training = json_is_true(tr);
	return new_segment_key(v, e, vk);
}

static int
check_resumed(struct vstate *v, const struct off_tentry *e, size_t index)
{
	json_t		*seg = json_object_get(e->data, "segment");
	json_t		*ps = json_object_get(e->data, "previous_size");
	const char	*pr, *vk;
	uint8_t		 root[32];
	size_t		 n;

	if (!json_is_integer(seg) || !json_is_integer(ps) ||
	    data_str(e->data, "previous_root", &pr) != 0 ||
	    data_str(e->data, "ceremony_key", &vk) != 0 ||
	    off_unb64(pr, root, sizeof(root), &n) != 0 || n != 32)
		return bad(v, e->line, OFF_ERR_FORMAT,
		    _("malformed resumed entry"));
	if ((size_t)json_integer_value(seg) != v->nseg)
		return bad(v, e->line, OFF_ERR_FORMAT,
		    _("segment number out of order"));
	if (!json_is_integer(json_object_get(e->data, "checkpoints")) ||
	    (size_t)json_integer_value(json_object_get(e->data,
	    "checkpoints")) != v->r->checkpoints)
		return bad(v, e->line, OFF_ERR_AUTH,
		    _("the resumed entry counts another number of checkpoints "
		    "before it"));
	if (!json_is_integer(json_object_get(e->data, "unsigned_entries")) ||
	    (uint64_t)json_integer_value(json_object_get(e->data,
	    "unsigned_entries")) + (uint64_t)json_integer_value(ps) != index ||
	    !json_is_integer(json_object_get(e->data, "discarded_bytes")) ||
	    json_integer_value(json_object_get(e->data, "discarded_bytes")) <
	    0)
		return bad(v, e->line, OFF_ERR_FORMAT,
		    _("the resumed entry miscounts what came before it"));
	if (!v->have_prev || (uint64_t)json_integer_value(ps) != v->prev_size ||
	    memcmp(root, v->prev_root, 32) != 0 || v->prev_size > index)
		return bad(v, e->line, OFF_ERR_AUTH,
		    _("the resumed segment does not continue from the last "
		    "checkpoint"));
	return new_segment_key(v, e, vk);
}

static int
check_file(struct vstate *v, const struct off_tentry *e, size_t index)
{
	const struct off_tentry	*later;
	const char		*fpath, *hex, *lpath;
	char			*data = NULL, mine[65];
	uint8_t			 h[32];
	size_t			 len, i;
	int			 ret;

	if (data_str(e->data, "path", &fpath) != 0 ||
	    data_str(e->data, "sha256", &hex) != 0 || strlen(hex) != 64 ||
	    strspn(hex, "0123456789abcdef") != 64)
		return bad(v, e->line, OFF_ERR_FORMAT,
		    _("malformed file entry"));
	if (!v->o->check_files)
		return 0;
	/* A file written again later is checked against its last entry. */
	for (i = index + 1; v->log != NULL && i < v->log->nentries; i++) {
		later = &v->log->entries[i];
		if (strcmp(later->type, OFF_T_FILE) == 0 &&
		    data_str(later->data, "path", &lpath) == 0 &&
		    strcmp(lpath, fpath) == 0)
			return 0;
	}
	ret = off_file_read(fpath, OFF_TRANSCRIPT_MAX, &data, &len, NULL);
	if (ret == OFF_ERR_NOT_FOUND) {
		v->r->files_missing++;
		return 0;
	}
	if (ret != 0)
		return bad(v, e->line, OFF_ERR_IO, _("cannot read %s"), fpath);
	EVP_Digest(data, len, h, NULL, EVP_sha256(), NULL);
	free(data);
	off_hex(h, 32, mine);
	if (strcmp(mine, hex) != 0)
		return bad(v, e->line, OFF_ERR_AUTH,
		    _("%s has changed since it was written"), fpath);
	v->r->files_ok++;
	return 0;
}

static int
check_entry(struct vstate *v, const struct off_tentry *e, size_t index)
{
	json_t	*b;
	int	 ret;

	if (index == 0) {
		if (strcmp(e->type, OFF_T_STARTED) != 0)
			return bad(v, e->line, OFF_ERR_FORMAT,
			    _("the first entry is not ceremony-started"));
		if ((ret = check_started(v, e)) != 0)
			return ret;
	} else if (strcmp(e->type, OFF_T_STARTED) == 0)
		return bad(v, e->line, OFF_ERR_FORMAT,
		    _("a second ceremony-started entry"));
	/* A seal that no checkpoint signed (a crash while sealing) gives
	 * way to a resumed segment; a signed one ends the transcript. */
	if (v->final || (v->sealed && strcmp(e->type, OFF_T_RESUMED) != 0))
		return bad(v, e->line, OFF_ERR_AUTH,
		    _("an entry after the seal"));
	if (strcmp(e->type, OFF_T_RESUMED) == 0) {
		if ((ret = check_resumed(v, e, index)) != 0)
			return ret;
		v->sealed = 0;
	}
	if (strcmp(e->type, OFF_T_SEALED) == 0) {
		json_t	*n = json_object_get(e->data, "entries");

		if (!json_is_integer(n) ||
		    (size_t)json_integer_value(n) != index + 1)
			return bad(v, e->line, OFF_ERR_FORMAT,
			    _("the seal does not count the entries"));
		n = json_object_get(e->data, "checkpoints");
		if (!json_is_integer(n) ||
		    (size_t)json_integer_value(n) != v->r->checkpoints)
			return bad(v, e->line, OFF_ERR_AUTH,
			    _("the seal counts %lld checkpoints before it; the "
			    "file has %zu: a checkpoint line was removed or "
			    "added"), json_is_integer(n) ?
			    (long long)json_integer_value(n) : -1LL,
			    v->r->checkpoints);
		v->sealed = 1;
		v->seal_index = index;
	}
	if (strcmp(e->type, OFF_T_FILE) == 0 &&
	    (ret = check_file(v, e, index)) != 0)
		return ret;
	if ((b = json_object_get(e->data, "binding")) != NULL &&
	    (ret = check_binding(v, e, b)) != 0)
		return ret;
	return 0;
}

static int
check_checkpoint(struct vstate *v, const struct off_tlog *l,
    const struct off_tcheckpoint *c, size_t before)
{
	char		 origin[OFF_ORIGIN_MAX + 1];
	uint64_t	 size;
	off_hash	 root, proof[OFF_MERKLE_PROOF_MAX];
	size_t		 plen;
	int		 ret = 0;

	if (v->nseg == 0)
		return bad(v, c->line, OFF_ERR_FORMAT,
		    _("a checkpoint before the first entry"));
	/* After the final checkpoint only the same checkpoint again, with
	 * witnesses' cosignatures added. */
	if (v->final) {
		size_t	had = strlen(v->final_note);

		if (strcmp(c->parsed.text, v->final_text) != 0)
			return bad(v, c->line, OFF_ERR_AUTH,
			    _("a different checkpoint after the final one"));
		/* Each later copy keeps every signature and adds one. */
		if (strncmp(c->note, v->final_note, had) != 0 ||
		    strlen(c->note) <= had)
			return bad(v, c->line, OFF_ERR_AUTH,
			    _("a copy of the final checkpoint that adds no "
			    "cosignature or drops one"));
		v->final_note = c->note;
		if (off_note_verify(&c->parsed, &v->keys[v->nseg - 1], NULL) !=
		    0)
			return bad(v, c->line, OFF_ERR_AUTH,
			    _("the checkpoint is not signed by this segment's "
			    "ceremony key"));
		return 0;
	}
	/* Every checkpoint covers more than the one before. */
	if (v->have_prev && before <= v->prev_size)
		return bad(v, c->line, OFF_ERR_AUTH,
		    _("a checkpoint that covers nothing new: repeated or "
		    "moved"));
	(void)off_checkpoint_parse(c->parsed.text, origin, sizeof(origin),
	    &size, root);
	if (strcmp(origin, v->r->origin) != 0)
		return bad(v, c->line, OFF_ERR_AUTH,
		    _("the checkpoint is for another transcript (%s)"), origin);
	if (c->size != before)
		return bad(v, c->line, OFF_ERR_AUTH,
		    _("the checkpoint covers %" PRIu64 " entries, not the "
		    "%zu before it"), c->size, before);
	while (ret == 0 && v->tree.size < before)
		ret = off_merkle_acc_add(&v->tree, l->leaves[v->tree.size]);
	if (ret != 0 || v->tree.size != before ||
	    (ret = off_merkle_acc_root(&v->tree, root)) != 0)
		return bad(v, c->line, ret != 0 ? ret : OFF_ERR_INTERNAL,
		    _("cannot hash the transcript"));
	if (memcmp(root, c->root, OFF_HASH_LEN) != 0)
		return bad(v, c->line, OFF_ERR_AUTH,
		    _("the entries before this checkpoint were changed"));
	if (off_note_verify(&c->parsed, &v->keys[v->nseg - 1], NULL) != 0)
		return bad(v, c->line, OFF_ERR_AUTH,
		    _("the checkpoint is not signed by this segment's "
		    "ceremony key"));
	/* Consistent with the one before, as a monitor would check. */
	if (v->have_prev && ((ret = off_merkle_acc_consistency_proof(
	    &v->prev_tree, l->leaves, before, proof, &plen)) != 0 ||
	    (ret = off_merkle_consistency_verify(v->prev_size, before,
	    v->prev_root, root, proof, plen)) != 0))
		return bad(v, c->line, ret == OFF_ERR_NOMEM ? ret :
		    OFF_ERR_AUTH, ret == OFF_ERR_NOMEM ? _("cannot hash the "
		    "transcript") : _("the checkpoint is not consistent with "
		    "the one before"));
	memcpy(v->prev_root, root, OFF_HASH_LEN);
	v->prev_size = before;
	v->prev_tree = v->tree;
	v->have_prev = 1;
	if (v->sealed && before > v->seal_index) {
		v->final = 1;
		v->final_text = c->parsed.text;
		v->final_note = c->note;
	}
	v->r->good_size = before;
	memcpy(v->r->good_root, root, OFF_HASH_LEN);
	v->r->checkpoints++;
	return 0;
}

/* Who vouches for the keys: the auditor's --key list or the world. */
static int
check_anchors(struct vstate *v)
{
	size_t	s, k;
	int	listed;

	v->r->anchored = 1;
	for (s = 0; s < v->nseg; s++) {
		listed = 0;
		for (k = 0; k < v->o->nkeys; k++)
			if (memcmp(v->o->keys[k].pub, v->keys[s].pub, 32) == 0)
				listed = 1;
		if (listed || v->bound[s])
			continue;
		v->r->anchored = 0;
		if (v->o->nkeys > 0)
			return bad(v, 0, OFF_ERR_AUTH, _("segment %zu is signed "
			    "by a key that is neither an expected key nor bound "
			    "to the world"), s);
	}
	return 0;
}

int
off_transcript_verify(const char *path, const struct off_verify_opts *o,
    struct off_verify_result *r, struct off_err *err)
{
	struct off_tlog	*l = NULL;
	int		 ret;

	memset(r, 0, sizeof(*r));
	if ((ret = off_tlog_load(path, &l, err)) != 0) {
		if (err != NULL)
			snprintf(r->why, sizeof(r->why), "%s", err->detail);
		return ret;
	}
	ret = off_tlog_verify(l, path, o, r, err);
	off_tlog_free(&l);
	return ret;
}

int
off_tlog_verify(const struct off_tlog *l, const char *path,
    const struct off_verify_opts *o, struct off_verify_result *r,
    struct off_err *err)
{
	struct vstate	 v;
	size_t		 ie = 0, ic = 0, w;
	int		 ret = 0;

	memset(r, 0, sizeof(*r));
	memset(&v, 0, sizeof(v));
	v.o = o;
	v.r = r;
	v.log = l;
	v.path = path;
	r->entries = l->nentries;
	/* Entries and checkpoints in file order. */
	while (ret == 0 && (ie < l->nentries || ic < l->ncps)) {
		if (ic >= l->ncps || (ie < l->nentries &&
		    l->entries[ie].line < l->cps[ic].line)) {
			ret = check_entry(&v, &l->entries[ie], ie);
			ie++;
		} else {
			ret = check_checkpoint(&v, l, &l->cps[ic], ie);
			ic++;
		}
	}
	r->segments = v.nseg;
	if (ret == 0 && l->ncps == 0)
		ret = bad(&v, 0, OFF_ERR_FORMAT,
		    _("the transcript has no checkpoint at all"));
	/* Nothing is ever appended bit by bit after the final checkpoint:
	 * cosignatures replace the file whole. */
	if (ret == 0 && v.final && l->tail > 0)
		ret = bad(&v, l->nlines, OFF_ERR_FORMAT,
		    _("an unfinished line after the final checkpoint"));
	if (ret == 0 && (ret = check_anchors(&v)) == 0) {
		r->sealed = v.final && r->good_size == l->nentries &&
		    l->tail == 0;
		if (!r->sealed)
			ret = OFF_ERR_UNSEALED;
	}
	if (ret == 0) {
		for (w = 0; w < o->nwitnesses; w++) {
			if (off_note_verify(&l->cps[l->ncps - 1].parsed,
			    &o->witnesses[w], NULL) == 0)
				r->witnesses_ok++;
			else {
				ret = bad(&v, l->cps[l->ncps - 1].line,
				    OFF_ERR_AUTH, _("the final checkpoint is "
				    "not cosigned by witness %s"),
				    o->witnesses[w].name);
				break;
			}
		}
	}
	if (ret == 0 && o->expect_root != NULL &&
	    memcmp(o->expect_root, r->good_root, OFF_HASH_LEN) != 0)
		ret = bad(&v, 0, OFF_ERR_AUTH, _("the final root is not the "
		    "one expected"));
	if (ret == 0 && !r->anchored)
		ret = OFF_ERR_UNANCHORED;
	if (ret != 0 && ret != OFF_ERR_UNSEALED && ret != OFF_ERR_UNANCHORED &&
	    err != NULL) {
		if (r->bad_line > 0)
			off_err_set(err, ret, path, _("line %zu: %s"),
			    r->bad_line, r->why);
		else
			off_err_set(err, ret, path, "%s", r->why);
	}
	return ret;
}
