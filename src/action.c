/* The action table: each entry a thin adapter from a script step's
 * arguments (strings, already expanded) to one library operation, with
 * its result as JSON and the files it wrote. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "action.h"
#include "card.h"
#include "crypto.h"
#include "encode.h"
#include "error.h"
#include "fileio.h"
#include "i18n.h"
#include "kek.h"
#include "module.h"
#include "key.h"
#include "package.h"
#include "quorum.h"
#include "secmem.h"
#include "settings.h"
#include "slot.h"
#include "suite.h"
#include "transcript.h"
#include "world.h"

static const char *
arg(const struct off_action_ctx *c, const char *name)
{
	return json_string_value(json_object_get(c->args, name));
}

static int
arg_uint(const struct off_action_ctx *c, const char *name, unsigned min,
    unsigned max, unsigned *out, struct off_err *err)
{
	const char	*s = arg(c, name);
	char		*end;
	unsigned long	 v;

	if (s == NULL)
		return 0;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v < min ||
	    v > max)
		return off_err_set(err, OFF_ERR_INVALID, NULL, _("%s must be a "
		    "whole number from %u to %u, not \"%s\""), name, min, max,
		    s);
	*out = (unsigned)v;
	return 0;
}

static int
add_file(struct off_action_ctx *c, const char *dir, const char *name,
    struct off_err *err)
{
	char	path[PATH_MAX];

	if (c->nfiles >= OFF_ACTION_FILES_MAX)
		return off_err_set(err, OFF_ERR_TOO_LARGE, NULL,
		    _("too many files written by one action"));
	if (dir != NULL) {
		if (off_path_join(path, sizeof(path), dir, name) != 0)
			return off_err_set(err, OFF_ERR_TOO_LARGE, dir,
			    _("path too long"));
		name = path;
	}
	if ((c->files[c->nfiles] = strdup(name)) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	c->nfiles++;
	return 0;
}

static void
set_str(struct off_action_ctx *c, const char *key, const char *value)
{
	json_object_set_new(c->result, key, json_string(value));
}

static void
set_hex(struct off_action_ctx *c, const char *key, const uint8_t *p,
    size_t n)
{
	char	hex[2 * 64 + 1];

	off_hex(p, n, hex);
	set_str(c, key, hex);
}

static int
need_world(struct off_action_ctx *c, struct off_err *err)
{
	if (*c->world != NULL)
		return 0;
	return off_err_set(err, OFF_ERR_NO_WORLD, c->kmdata,
	    _("there is no security world here yet"));
}

static int
key_arg(struct off_action_ctx *c, const char *dflt_app, struct off_key **k,
    struct off_err *err)
{
	const char	*app = arg(c, "app");

	return off_key_load(c->kmdata, *c->world, app != NULL ? app :
	    dflt_app, arg(c, "ident"), k, err);
}

/* The naming arguments of a new key. */
static void
key_params(const struct off_action_ctx *c, struct off_key_params *p)
{
	memset(p, 0, sizeof(*p));
	p->app = arg(c, "app") != NULL ? arg(c, "app") : "simple";
	p->ident = arg(c, "ident");
	p->plainname = arg(c, "plainname");
}

static void
key_result(struct off_action_ctx *c, const struct off_key *k)
{
	char	words[256];

	set_str(c, "key_file", off_key_file_name(k));
	off_acl_words(off_key_acl(k), words, sizeof(words));
	set_str(c, "acl", words);
}

/* world.create */
static int
act_world_create(struct off_action_ctx *c, struct off_err *err)
{
	struct off_world_params	 p;
	struct off_world	*w = NULL;
	const char		*backend, *status;
	const uint8_t		*mid;
	char			 id[OFF_WORLD_ID_HEX], name[64];
	unsigned		 i;
	int			 ret;

	memset(&p, 0, sizeof(p));
	if (*c->world != NULL)
		return off_err_set(err, OFF_ERR_EXISTS, c->kmdata,
		    _("a security world is already there"));
	p.suite = arg(c, "suite");
	if ((ret = arg_uint(c, "k", 1, OFF_SHAMIR_MAX, &p.k, err)) != 0 ||
	    (ret = arg_uint(c, "n", 1, OFF_SHAMIR_MAX, &p.n, err)) != 0 ||
	    (ret = arg_uint(c, "pin_tries", 1, 100, &p.pin_tries, err)) != 0 ||
	    (ret = arg_uint(c, "kdf_cost", 10, 30, &p.kdf_log2_n, err)) != 0)
		return ret;
	if ((ret = off_world_check_params(c->kmdata, &p, c->fe, err)) != 0 ||
	    (ret = off_world_create(c->kmdata, c->slot, &p, c->fe, &w,
	    err)) != 0)
		return ret;
	*c->world = w;
	c->world_created = 1;
	off_world_id_hex(w, id);
	set_str(c, "world_id", id);
	json_object_set_new(c->result, "k", json_integer(off_world_k(w)));
	json_object_set_new(c->result, "n", json_integer(off_world_n(w)));
	if ((ret = add_file(c, c->kmdata, OFF_WORLD_FILE, err)) != 0)
		return ret;
	for (i = 0; off_world_module(w, i, NULL, &backend, &mid, &status) ==
	    0; i++) {
		memcpy(name, "module_", 7);
		off_hex(mid, OFF_MODULE_ID_LEN, name + 7);
		if ((ret = add_file(c, c->kmdata, name, err)) != 0)
			return ret;
	}
	return 0;
}

/* world.info */
static int
act_world_info(struct off_action_ctx *c, struct off_err *err)
{
	char	id[OFF_WORLD_ID_HEX];
	int	ret;

	if ((ret = need_world(c, err)) != 0)
		return ret;
	off_world_id_hex(*c->world, id);
	set_str(c, "world_id", id);
	json_object_set_new(c->result, "k",
	    json_integer(off_world_k(*c->world)));
	json_object_set_new(c->result, "n",
	    json_integer(off_world_n(*c->world)));
	return 0;
}

/* world.verify-cards: a quorum of cards rebuilds the secret. */
static int
act_world_verify_cards(struct off_action_ctx *c, struct off_err *err)
{
	uint8_t	*secret = NULL;
	int	 ret;

	if ((ret = need_world(c, err)) != 0 ||
	    (ret = off_quorum_collect(*c->world, c->slot, c->fe, &secret,
	    err)) != 0)
		return ret;
	off_secfree(&secret);
	json_object_set_new(c->result, "cards",
	    json_integer(off_world_k(*c->world)));
	return 0;
}

static int
act_key_generate(struct off_action_ctx *c, struct off_err *err)
{
	struct off_key_params	 p;
	struct off_key		*k = NULL;
	int			 ret;

	key_params(c, &p);
	p.type = arg(c, "type");
	p.curve = arg(c, "curve");
	if ((ret = need_world(c, err)) != 0 ||
	    (ret = arg_uint(c, "size", 0, 16384, &p.size, err)) != 0 ||
	    (ret = off_key_params_check(&p, err)) != 0 ||
	    (ret = off_key_generate(c->kmdata, *c->world, &p, c->fe, &k,
	    err)) != 0)
		return ret;
	key_result(c, k);
	ret = add_file(c, c->kmdata, off_key_file_name(k), err);
	off_key_free(&k);
	return ret;
}

static int
act_key_inspect(struct off_action_ctx *c, struct off_err *err)
{
	struct off_key	*k = NULL;
	json_t		*info;
	char		*js = NULL;
	int		 ret;

	if ((ret = need_world(c, err)) != 0 ||
	    (ret = key_arg(c, "simple", &k, err)) != 0)
		return ret;
	if ((ret = off_key_info_json(k, &js, err)) == 0 &&
	    (info = json_loads(js, 0, NULL)) != NULL)
		json_object_update(c->result, info), json_decref(info);
	key_result(c, k);
	free(js);
	off_key_free(&k);
	return ret;
}

static EVP_PKEY *
load_kek(struct off_action_ctx *c, struct off_err *err)
{
	EVP_PKEY	*kek;

	if ((kek = off_kek_load(arg(c, "kek"), err)) != NULL &&
	    off_kek_check(kek, err) != 0) {
		EVP_PKEY_free(kek);
		kek = NULL;
	}
	return kek;
}

static int
act_key_reduce_acl(struct off_action_ctx *c, struct off_err *err)
{
	struct off_key	*k = NULL, *r = NULL;
	EVP_PKEY	*kek = NULL;
	int		 ret;

	if ((ret = need_world(c, err)) != 0 ||
	    (ret = key_arg(c, "simple", &k, err)) != 0)
		return ret;
	if ((kek = load_kek(c, err)) == NULL)
		ret = err->code;
	else if ((ret = off_key_reduce_acl(c->kmdata, *c->world, k, kek,
	    arg(c, "target"), c->slot, c->fe, &r, err)) == 0) {
		key_result(c, r);
		ret = add_file(c, c->kmdata, off_key_file_name(r), err);
	}
	EVP_PKEY_free(kek);
	off_key_free(&r);
	off_key_free(&k);
	return ret;
}

static int
act_key_import(struct off_action_ctx *c, struct off_err *err)
{
	struct off_key_params	 p;
	struct off_key		*k = NULL;
	int			 ret;

	key_params(c, &p);
	if ((ret = need_world(c, err)) != 0 ||
	    (ret = off_key_import(c->kmdata, *c->world, &p, arg(c, "from"),
	    c->fe, &k, err)) != 0)
		return ret;
	key_result(c, k);
	ret = add_file(c, c->kmdata, off_key_file_name(k), err);
	off_key_free(&k);
	return ret;
}

static int
act_key_backup(struct off_action_ctx *c, struct off_err *err)
{
	struct off_key	*k = NULL;
	int		 ret;

	if ((ret = need_world(c, err)) != 0 ||
	    (ret = key_arg(c, "simple", &k, err)) != 0)
		return ret;
	if ((ret = off_key_backup(c->kmdata, *c->world, k, arg(c, "dir"),
	    err)) == 0 && (ret = add_file(c, arg(c, "dir"),
	    off_key_file_name(k), err)) == 0) {
		key_result(c, k);
		set_str(c, "dir", arg(c, "dir"));
	}
	off_key_free(&k);
	return ret;
}

static int
act_key_recover(struct off_action_ctx *c, struct off_err *err)
{
	struct off_key	*k = NULL;
	const char	*app = arg(c, "app");
	int		 ret;

	if ((ret = need_world(c, err)) != 0 ||
	    (ret = off_key_recover(c->kmdata, *c->world, arg(c, "dir"),
	    app != NULL ? app : "simple", arg(c, "ident"), &k, err)) != 0)
		return ret;
	key_result(c, k);
	ret = add_file(c, c->kmdata, off_key_file_name(k), err);
	off_key_free(&k);
	return ret;
}

static int
act_key_rekey(struct off_action_ctx *c, struct off_err *err)
{
	struct off_key	*k = NULL, *nk = NULL;
	int		 ret;

	if ((ret = need_world(c, err)) != 0 ||
	    (ret = key_arg(c, "simple", &k, err)) != 0)
		return ret;
	if ((ret = off_key_rekey(c->kmdata, *c->world, k, c->fe, &nk,
	    err)) == 0) {
		key_result(c, nk);
		ret = add_file(c, c->kmdata, off_key_file_name(nk), err);
	}
	off_key_free(&nk);
	off_key_free(&k);
	return ret;
}

static int
act_key_transfer(struct off_action_ctx *c, struct off_err *err)
{
	struct off_key_transfer	 x;
	struct off_world	*to = NULL;
	struct off_key		*k = NULL;
	struct off_slot		*to_slot = NULL;
	const char		*dir = arg(c, "to_world");
	char			 tid[OFF_WORLD_ID_HEX], fid[OFF_WORLD_ID_HEX];
	char			*stmt = NULL, *sig = NULL;
	int			 ret, r;

	memset(&x, 0, sizeof(x));
	if ((ret = need_world(c, err)) != 0 ||
	    (ret = key_arg(c, "simple", &k, err)) != 0)
		return ret;
	if ((ret = off_world_load(dir, &to, err)) != 0 ||
	    (arg(c, "to_drawer") != NULL && (ret = off_slot_open(&to_slot,
	    "drawer", arg(c, "to_drawer"), err)) != 0))
		goto out;
	off_world_id_hex(*c->world, fid);
	off_world_id_hex(to, tid);
	ret = off_key_transfer(c->kmdata, *c->world, k, dir, to, c->slot,
	    to_slot != NULL ? to_slot : c->slot, c->fe, &x, err);
	if (ret == 0 && ((stmt = malloc(OFF_B64_LEN(x.statement_len))) ==
	    NULL || (sig = malloc(OFF_B64_LEN(x.siglen))) == NULL))
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	if (ret == 0) {
		off_b64(x.statement, x.statement_len, stmt);
		off_b64(x.sig, x.siglen, sig);
		set_str(c, "to_world", tid);
		set_str(c, "source_statement", stmt);
		set_str(c, "source_signature", sig);
		key_result(c, x.key);
		ret = add_file(c, dir, off_key_file_name(x.key), err);
	}
	/* The destination world keeps its own record of what came in, or
	 * of the attempt. */
	if (ret == 0 || (err->code != OFF_ERR_DENIED &&
	    err->code != OFF_ERR_INVALID && err->code != OFF_ERR_EXISTS)) {
		char	msg[OFF_ERR_DETAIL_MAX + 300];

		if (ret != 0)
			off_err_format(err, msg, sizeof(msg));
		if ((r = off_transcript_record(dir, to, "key-transfer-in",
		    _("Take in a key from another security world"), "",
		    c->training, json_pack("{s:s, s:s}", "key", off_key_file_name(k),
		    "from_world", fid), ret != 0 ? NULL : json_pack("{s:s, s:s, "
		    "s:s, s:s}", "key", off_key_file_name(k), "from_world", fid,
		    "source_statement", stmt, "source_signature", sig),
		    ret != 0 ? msg : NULL, ret == 0 ? (const char *const *)
		    &c->files[c->nfiles - 1] : NULL, NULL, 0,
		    ret != 0 ? NULL : err)) != 0 && ret == 0)
			ret = r;
	}
out:
	free(stmt);
	free(sig);
	off_key_transfer_free(&x);
	off_slot_close(&to_slot);
	off_world_free(&to);
	off_key_free(&k);
	return ret;
}

static int
act_package_create(struct off_action_ctx *c, struct off_err *err)
{
	struct off_package_params p;
	struct off_package	 pkg;
	struct off_key		*k = NULL;
	EVP_PKEY		*kek = NULL;
	const char		*out = arg(c, "out"), *name = arg(c, "name");
	char			 outbuf[PATH_MAX];
	int			 ret;

	memset(&p, 0, sizeof(p));
	memset(&pkg, 0, sizeof(pkg));
	p.format = arg(c, "format");
	p.algorithm = arg(c, "algorithm");
	p.kid = arg(c, "kek_id");
	p.generator = "Officiant " PACKAGE_VERSION;
	if ((ret = need_world(c, err)) != 0 ||
	    (ret = key_arg(c, "xferacld", &k, err)) != 0)
		return ret;
	if ((kek = off_kek_load(arg(c, "kek"), err)) == NULL) {
		ret = err->code;
		goto out;
	}
	if ((ret = off_package_check(&p, kek, off_key_type(k), err)) != 0)
		goto out;
	if (out == NULL) {
		off_package_default_name(p.format, name != NULL ? name :
		    off_key_ident(k), outbuf, sizeof(outbuf));
		out = outbuf;
	}
	p.fe = c->fe;
	if ((ret = off_package_create(c->kmdata, *c->world, k, kek, &p, &pkg,
	    err)) != 0 || (ret = off_file_write(out, pkg.data, pkg.len,
	    OFF_WRITE_NOREPLACE, err)) != 0)
		goto out;
	set_str(c, "package", out);
	set_str(c, "format", p.format);
	set_str(c, "algorithm", pkg.algorithm);
	set_hex(c, "sha256", pkg.sha256, 32);
	set_hex(c, "kek_fingerprint", pkg.kek_fp, 32);
	ret = add_file(c, NULL, out, err);
out:
	off_package_free(&pkg);
	EVP_PKEY_free(kek);
	off_key_free(&k);
	return ret;
}

static int
act_package_verify_kek(struct off_action_ctx *c, struct off_err *err)
{
	struct off_kek_report	 rep;
	struct off_settings	*cfg = NULL;
	EVP_PKEY		*kek = NULL;
	const char		*hex = arg(c, "root_fingerprint");
	const char		*name = arg(c, "root");
	uint8_t			 pin[32];
	size_t			 pinlen = 0, i;
	json_t			*chain;
	int			 ret;

	if ((hex == NULL) == (name == NULL))
		return off_err_set(err, OFF_ERR_INVALID, NULL, _("give exactly "
		    "one of root_fingerprint and root"));
	if (hex != NULL && (off_unhex_fp(hex, pin, sizeof(pin), &pinlen) !=
	    0 || (pinlen != 20 && pinlen != 32)))
		return off_err_set(err, OFF_ERR_INVALID, NULL, _("the root "
		    "fingerprint is 64 (SHA-256) or 40 (SHA-1) hex digits"));
	if (name != NULL) {
		if ((ret = off_settings_load(c->config, &cfg, err)) != 0)
			return ret;
		ret = off_settings_root(cfg, name, pin, &pinlen);
		off_settings_free(&cfg);
		if (ret != 0)
			return off_err_set(err, OFF_ERR_NOT_FOUND, NULL,
			    _("no pinned root \"%s\" in the configuration"),
			    name);
	}
	if ((kek = off_kek_load(arg(c, "kek"), err)) == NULL)
		return err->code;
	ret = off_kek_verify_chain(kek, arg(c, "chain"), pin, pinlen, &rep,
	    err);
	EVP_PKEY_free(kek);
	if (ret != 0)
		return ret;
	set_str(c, "result", "SUCCESS");
	set_hex(c, "root_sha256", rep.root_sha256, 32);
	set_hex(c, "kek_fingerprint", rep.kek_fp, 32);
	if ((chain = json_array()) != NULL) {
		for (i = 0; i < rep.n; i++)
			json_array_append_new(chain,
			    json_string(rep.subject[i]));
		json_object_set_new(c->result, "chain", chain);
	}
	return 0;
}

static int
act_package_verify_hash(struct off_action_ctx *c, struct off_err *err)
{
	uint8_t		 want[32], got[32];
	uint64_t	 size;
	size_t		 len;
	char		 hex[65];
	int		 ret;

	if (off_unhex_fp(arg(c, "sha256"), want, sizeof(want), &len) != 0 ||
	    len != 32)
		return off_err_set(err, OFF_ERR_INVALID, NULL, _("sha256 is 64 "
		    "hex digits"));
	if ((ret = off_file_sha256(arg(c, "file"), got, &size, err)) != 0)
		return ret;
	off_hex(got, 32, hex);
	if (memcmp(want, got, 32) != 0)
		return off_err_set(err, OFF_ERR_AUTH, arg(c, "file"),
		    _("SHA-256 %s is not the published one"), hex);
	set_str(c, "sha256", hex);
	json_object_set_new(c->result, "size", json_integer((json_int_t)size));
	return 0;
}

static int	training_only(struct off_action_ctx *, struct off_err *);

static int
act_training_make_kek(struct off_action_ctx *c, struct off_err *err)
{
	struct off_training_kek	 t;
	unsigned		 bits = 3072;
	const char		*dir = arg(c, "out");
	int			 ret;

	if ((ret = training_only(c, err)) != 0 ||
	    (ret = arg_uint(c, "size", 2048, 4096, &bits, err)) != 0 ||
	    (ret = off_training_make_kek(dir, bits, &t, err)) != 0)
		return ret;
	set_hex(c, "root_sha256", t.root_sha256, 32);
	set_hex(c, "kek_fingerprint", t.kek_fp, 32);
	set_str(c, "kek_id", t.kek_id);
	set_str(c, "dir", dir);
	if ((ret = add_file(c, dir, OFF_TRAINING_KEK, err)) != 0 ||
	    (ret = add_file(c, dir, OFF_TRAINING_CHAIN, err)) != 0)
		return ret;
	return 0;
}

/* card.change-pin: the next card in the slot. */
static int
act_card_change_pin(struct off_action_ctx *c, struct off_err *err)
{
	struct off_card	*card = NULL;
	char		 id[2 * OFF_CARD_ID_LEN + 1];
	unsigned	 reader;
	int		 ret;

	if ((ret = need_world(c, err)) != 0 ||
	    (ret = c->slot->ops->next(c->slot, 0, NULL, OFF_SLOT_NO_TIMEOUT,
	    &reader, err)) != 0 ||
	    (ret = off_card_change_pin(c->slot, reader, *c->world, c->fe,
	    &card, err)) != 0) {
		off_card_free(&card);
		return ret;
	}
	off_hex(off_card_id(card), OFF_CARD_ID_LEN, id);
	set_str(c, "card_id", id);
	json_object_set_new(c->result, "card_index",
	    json_integer(off_card_index(card)));
	off_card_free(&card);
	return 0;
}

/* card.replace: a new card set (K/N may change) with a quorum of the
 * present one; the old cards open nothing afterwards. */
static int
act_card_replace(struct off_action_ctx *c, struct off_err *err)
{
	struct off_world_params	 p;
	struct off_world	*nw = NULL;
	char			 set[2 * OFF_CARD_ID_LEN + 1];
	int			 ret;

	memset(&p, 0, sizeof(p));
	if ((ret = need_world(c, err)) != 0 ||
	    (ret = arg_uint(c, "k", 1, OFF_SHAMIR_MAX, &p.k, err)) != 0 ||
	    (ret = arg_uint(c, "n", 1, OFF_SHAMIR_MAX, &p.n, err)) != 0 ||
	    (ret = arg_uint(c, "kdf_cost", 10, 20, &p.kdf_log2_n, err)) != 0)
		return ret;
	off_hex(off_world_card_set(*c->world), OFF_CARD_ID_LEN, set);
	set_str(c, "old_card_set", set);
	if ((ret = off_world_replace_cards(c->kmdata, *c->world, c->slot,
	    c->slot, &p, c->fe, &nw, err)) != 0)
		return ret;
	off_hex(off_world_card_set(nw), OFF_CARD_ID_LEN, set);
	set_str(c, "card_set", set);
	json_object_set_new(c->result, "k", json_integer(off_world_k(nw)));
	json_object_set_new(c->result, "n", json_integer(off_world_n(nw)));
	off_world_free(c->world);
	*c->world = nw;
	return add_file(c, c->kmdata, OFF_WORLD_FILE, err);
}

static int
training_only(struct off_action_ctx *c, struct off_err *err)
{
	return c->training ? 0 : off_err_set(err, OFF_ERR_DENIED, NULL,
	    _("this action is a training drill; it runs only in training"));
}

/* training.lose-key: the drill of a lost key file (moved aside). */
static int
act_training_lose_key(struct off_action_ctx *c, struct off_err *err)
{
	struct off_key	*k = NULL;
	char		 from[PATH_MAX], to[PATH_MAX];
	int		 ret;

	if ((ret = training_only(c, err)) != 0 ||
	    (ret = need_world(c, err)) != 0 ||
	    (ret = key_arg(c, "simple", &k, err)) != 0)
		return ret;
	if (off_path_join(from, sizeof(from), c->kmdata,
	    off_key_file_name(k)) != 0 || snprintf(to, sizeof(to),
	    "%s.lost-in-drill", from) >= (int)sizeof(to))
		ret = off_err_set(err, OFF_ERR_TOO_LARGE, c->kmdata,
		    _("path too long"));
	else if (rename(from, to) != 0)
		ret = off_err_errno(err, OFF_ERR_IO, errno, from,
		    _("cannot move the key file aside"));
	else
		set_str(c, "moved_to", to);
	off_key_free(&k);
	return ret;
}

/* training.world: a second throw-away world (cards' PINs 4444, 5555,
 * 6666), for rehearsing transfers between worlds. */
static int
act_training_world(struct off_action_ctx *c, struct off_err *err)
{
	static const char *const pins[] = { "4444", "5555", "6666" };
	struct off_world	*w = NULL;
	char			 id[OFF_WORLD_ID_HEX];
	int			 ret;

	if ((ret = training_only(c, err)) != 0 ||
	    (ret = off_training_world(arg(c, "kmdata"), arg(c, "drawer"), 2,
	    3, pins, &w, err)) != 0)
		return ret;
	off_world_id_hex(w, id);
	set_str(c, "world_id", id);
	set_str(c, "kmdata", arg(c, "kmdata"));
	set_str(c, "drawer", arg(c, "drawer"));
	off_world_free(&w);
	return add_file(c, arg(c, "kmdata"), OFF_WORLD_FILE, err);
}

static const struct off_action_arg world_create_args[] = {
	{ "k", 1 }, { "n", 1 }, { "suite", 0 }, { "pin_tries", 0 },
	{ "kdf_cost", 0 }, { NULL, 0 }
};
static const struct off_action_arg no_args[] = { { NULL, 0 } };
static const struct off_action_arg key_gen_args[] = {
	{ "ident", 1 }, { "type", 1 }, { "size", 0 }, { "curve", 0 },
	{ "app", 0 }, { "plainname", 0 }, { NULL, 0 }
};
static const struct off_action_arg key_args[] = {
	{ "ident", 1 }, { "app", 0 }, { NULL, 0 }
};
static const struct off_action_arg reduce_args[] = {
	{ "ident", 1 }, { "kek", 1 }, { "target", 0 }, { "app", 0 },
	{ NULL, 0 }
};
static const struct off_action_arg import_args[] = {
	{ "ident", 1 }, { "from", 1 }, { "app", 0 }, { "plainname", 0 },
	{ NULL, 0 }
};
static const struct off_action_arg dir_args[] = {
	{ "ident", 1 }, { "dir", 1 }, { "app", 0 }, { NULL, 0 }
};
static const struct off_action_arg transfer_args[] = {
	{ "ident", 1 }, { "to_world", 1 }, { "to_drawer", 0 }, { "app", 0 },
	{ NULL, 0 }
};
static const struct off_action_arg package_args[] = {
	{ "ident", 1 }, { "kek", 1 }, { "format", 1 }, { "kek_id", 0 },
	{ "algorithm", 0 }, { "name", 0 }, { "out", 0 }, { "app", 0 },
	{ NULL, 0 }
};
static const struct off_action_arg verify_kek_args[] = {
	{ "kek", 1 }, { "chain", 1 }, { "root_fingerprint", 0 }, { "root", 0 },
	{ NULL, 0 }
};
static const struct off_action_arg verify_hash_args[] = {
	{ "file", 1 }, { "sha256", 1 }, { NULL, 0 }
};
static const struct off_action_arg replace_args[] = {
	{ "k", 1 }, { "n", 1 }, { "kdf_cost", 0 }, { NULL, 0 }
};
static const struct off_action_arg training_world_args[] = {
	{ "kmdata", 1 }, { "drawer", 1 }, { NULL, 0 }
};
static const struct off_action_arg make_kek_args[] = {
	{ "out", 1 }, { "size", 0 }, { NULL, 0 }
};

static const struct off_action actions[] = {
	{ "world.create", N_("create the security world and its cards"),
	    world_create_args, 0, 1, act_world_create },
	{ "world.info", N_("the world's identity and quorum"), no_args, 1, 0,
	    act_world_info },
	{ "world.verify-cards", N_("a quorum of cards rebuilds the world's "
	    "secret"), no_args, 1, 1, act_world_verify_cards },
	{ "key.generate", N_("generate a key in the module"), key_gen_args, 1,
	    0, act_key_generate },
	{ "key.inspect", N_("describe a key"), key_args, 1, 0,
	    act_key_inspect },
	{ "key.reduce-acl", N_("a copy that may only be exported under a KEK "
	    "(quorum)"), reduce_args, 1, 1, act_key_reduce_acl },
	{ "key.import", N_("bring an existing private key under the module"),
	    import_args, 1, 0, act_key_import },
	{ "key.backup", N_("copy a key file, still sealed, to a directory"),
	    dir_args, 1, 0, act_key_backup },
	{ "key.recover", N_("bring a key back from a backup"), dir_args, 1, 0,
	    act_key_recover },
	{ "key.rekey", N_("a new version of a key"), key_args, 1, 0,
	    act_key_rekey },
	{ "key.transfer", N_("move a key into another world (both quorums)"),
	    transfer_args, 1, 1, act_key_transfer },
	{ "package.create", N_("wrap a key for a cloud's KEK"), package_args,
	    1, 0, act_package_create },
	{ "package.verify-kek", N_("prove the KEK by its certificate chain"),
	    verify_kek_args, 0, 0, act_package_verify_kek },
	{ "package.verify-hash", N_("check a file's published SHA-256"),
	    verify_hash_args, 0, 0, act_package_verify_hash },
	{ "card.change-pin", N_("a new PIN for the next card in the slot"),
	    no_args, 1, 1, act_card_change_pin },
	{ "card.replace", N_("a new card set, K/N may change (quorum of the "
	    "present set)"), replace_args, 1, 1, act_card_replace },
	{ "training.make-kek", N_("a throw-away KEK with its chain"),
	    make_kek_args, 0, 0, act_training_make_kek },
	{ "training.lose-key", N_("drill: a key file is lost (moved aside)"),
	    key_args, 1, 0, act_training_lose_key },
	{ "training.world", N_("drill: a second throw-away world"),
	    training_world_args, 0, 0, act_training_world },
};
#define NACTIONS (sizeof(actions) / sizeof(actions[0]))

const struct off_action *
off_action_find(const char *name)
{
	size_t	i;

	for (i = 0; i < NACTIONS; i++)
		if (strcmp(actions[i].name, name) == 0)
			return &actions[i];
	return NULL;
}

/* Resuming: the file an action writes, and taking it over. */

/* key_<app>_<ident> in KMDATA, app as the action takes it. */
static int
key_output(const struct off_action_ctx *c, const char *app, char *path,
    size_t len)
{
	const char	*ident = arg(c, "ident");
	char		 name[160];

	if (ident == NULL || off_key_ident_ok(ident) != 0 ||
	    snprintf(name, sizeof(name), "key_%s_%s", app, ident) >=
	    (int)sizeof(name) || off_path_join(path, len, c->kmdata, name) != 0)
		return -1;
	return 0;
}

static int
out_key_generate(const struct off_action_ctx *c, char *path, size_t len)
{
	const char	*app = arg(c, "app");

	return key_output(c, app != NULL ? app : "simple", path, len);
}

static int
out_key_reduce_acl(const struct off_action_ctx *c, char *path, size_t len)
{
	return key_output(c, "xferacld", path, len);
}

static int
out_package_create(const struct off_action_ctx *c, char *path, size_t len)
{
	const char	*out = arg(c, "out");

	/* The default name needs the key: not known before the run. */
	if (out == NULL || snprintf(path, len, "%s", out) >= (int)len)
		return -1;
	return 0;
}

/* The key file at path, loaded and checked against the world (its ACL
 * signature), with the app and ident of the arguments. */
static int
adopt_key(struct off_action_ctx *c, const char *app, const char *path,
    struct off_key **k, struct off_err *err)
{
	int	ret;

	if ((ret = need_world(c, err)) != 0 ||
	    (ret = off_key_load_file(path, *c->world, k, err)) != 0)
		return ret;
	if (strcmp(off_key_app(*k), app) != 0 ||
	    strcmp(off_key_ident(*k), arg(c, "ident")) != 0) {
		off_key_free(k);
		return off_err_set(err, OFF_ERR_FORMAT, path, _("not the key "
		    "the step makes"));
	}
	return 0;
}

/* 1 when key k (described by info) is of the type, size and curve the
 * arguments ask for (each NULL or empty: any). */
static int
same_kind(const struct off_key *k, json_t *info, const char *type,
    const char *size, const char *curve)
{
	json_t	*v;

	if (type != NULL && strcmp(type, off_key_type(k)) != 0)
		return 0;
	if (size != NULL && *size != '\0' && strcmp(off_key_type(k),
	    "ec") != 0 && (!json_is_integer(v = json_object_get(info,
	    "size")) || json_integer_value(v) != atoll(size)))
		return 0;
	if (curve != NULL && *curve != '\0' && (!json_is_string(v =
	    json_object_get(info, "curve")) ||
	    strcmp(json_string_value(v), curve) != 0))
		return 0;
	return 1;
}

static int
adopt_key_generate(struct off_action_ctx *c, const char *path,
    struct off_err *err)
{
	struct off_key	*k = NULL;
	const char	*app = arg(c, "app"), *type = arg(c, "type");
	const char	*size = arg(c, "size"), *curve = arg(c, "curve");
	json_t		*info = NULL;
	char		*js = NULL;
	int		 ret;

	if ((ret = adopt_key(c, app != NULL ? app : "simple", path, &k,
	    err)) != 0)
		return ret;
	if ((ret = off_key_info_json(k, &js, err)) == 0 &&
	    (info = json_loads(js, 0, NULL)) == NULL)
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	/* Of the type, size and curve asked for. */
	if (ret == 0 && !same_kind(k, info, type, size, curve))
		ret = off_err_set(err, OFF_ERR_FORMAT, path, _("not the key "
		    "the step makes (another type or size)"));
	if (ret == 0) {
		key_result(c, k);
		ret = add_file(c, NULL, path, err);
	}
	json_decref(info);
	free(js);
	off_key_free(&k);
	return ret;
}

static int
adopt_key_reduce_acl(struct off_action_ctx *c, const char *path,
    struct off_err *err)
{
	struct off_key		*k = NULL;
	const struct off_acl	*acl;
	const char		*target = arg(c, "target");
	EVP_PKEY		*kek = NULL;
	uint8_t			 fp[32];
	int			 ret;

	if ((ret = adopt_key(c, "xferacld", path, &k, err)) != 0)
		return ret;
	acl = off_key_acl(k);
	/* Exported only wrapped, under this KEK, to this target. */
	if ((kek = off_kek_load(arg(c, "kek"), err)) == NULL)
		ret = err->code;
	else if ((ret = off_key_fingerprint(kek, fp, err)) == 0 &&
	    (acl->groups != OFF_ACL_EXPORT_WRAPPED ||
	    memcmp(acl->kek, fp, sizeof(fp)) != 0 ||
	    strcmp(acl->target, target != NULL ? target : "") != 0))
		ret = off_err_set(err, OFF_ERR_FORMAT, path, _("not the "
		    "reduced copy the step makes (another KEK or target)"));
	if (ret == 0) {
		key_result(c, k);
		ret = add_file(c, NULL, path, err);
	}
	EVP_PKEY_free(kek);
	off_key_free(&k);
	return ret;
}

static const struct {
	const char	*name;
	int		(*output)(const struct off_action_ctx *, char *,
			    size_t);
	int		(*adopt)(struct off_action_ctx *, const char *,
			    struct off_err *);
} resumes[] = {
	{ "key.generate", out_key_generate, adopt_key_generate },
	{ "key.import", out_key_generate, adopt_key_generate },
	{ "key.reduce-acl", out_key_reduce_acl, adopt_key_reduce_acl },
	{ "package.create", out_package_create, NULL },
};
#define NRESUMES (sizeof(resumes) / sizeof(resumes[0]))

int
off_action_output(const struct off_action *a, const struct off_action_ctx *c,
    char *path, size_t len)
{
	size_t	i;

	for (i = 0; i < NRESUMES; i++)
		if (strcmp(resumes[i].name, a->name) == 0)
			return resumes[i].output(c, path, len);
	return -1;
}

int
off_action_adoptable(const struct off_action *a)
{
	size_t	i;

	for (i = 0; i < NRESUMES; i++)
		if (strcmp(resumes[i].name, a->name) == 0)
			return resumes[i].adopt != NULL;
	return 0;
}

int
off_action_adopt(const struct off_action *a, struct off_action_ctx *c,
    const char *path, struct off_err *err)
{
	size_t	i;

	for (i = 0; i < NRESUMES; i++)
		if (strcmp(resumes[i].name, a->name) == 0 &&
		    resumes[i].adopt != NULL)
			return resumes[i].adopt(c, path, err);
	return off_err_set(err, OFF_ERR_INTERNAL, NULL, NULL);
}

const struct off_action *
off_action_at(size_t i)
{
	return i < NACTIONS ? &actions[i] : NULL;
}

void
off_action_ctx_clear(struct off_action_ctx *c)
{
	size_t	i;

	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	c->nfiles = 0;
	json_decref(c->result);
	c->result = NULL;
	json_decref(c->args);
	c->args = NULL;
}
