/* Key files: format, seal, signed ACL, generation, reduced copies,
 * plain export (refused unless allowed). */
#include "config.h"

#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "crypto.h"
#include "encode.h"
#include "error.h"
#include "fileio.h"
#include "frontend.h"
#include "i18n.h"
#include "json.h"
#include "key.h"
#include "module.h"
#include "package.h"
#include "prompt.h"
#include "quorum.h"
#include "secmem.h"
#include "suite.h"
#include "world.h"

#define KEY_FORMAT	"officiant-key"
#define KEY_SEAL_LABEL	"officiant key seal v1"
#define KEY_AAD_DOMAIN	"officiant key v1"
#define KEY_ACL_DOMAIN	"officiant key acl v1"
#define KEY_HISTORY_MAX	64
#define KEY_PRIV_MAX	8192

struct key_event {
	char	event[24];	/* created, imported, acl-reduced, ... */
	char	time[21];
	char	ref[96];	/* the other key file, or "" */
};

struct off_key {
	char			 app[OFF_KEY_APP_MAX + 1];
	char			 ident[OFF_KEY_IDENT_MAX + 1];
	char			 plainname[OFF_KEY_NAME_MAX + 1];
	char			 file[8 + OFF_KEY_APP_MAX + OFF_KEY_IDENT_MAX + 2];
	uint8_t			 world[OFF_WORLD_ID_LEN];
	uint8_t			 module[OFF_MODULE_ID_LEN];
	char			 type[8];
	unsigned		 size;
	char			 curve[16];
	char			 created[21];
	uint8_t			*pub;		/* DER SPKI; NULL for aes */
	size_t			 publen;
	struct off_sealed	 priv;		/* empty when on a token */
	int			 on_token;	/* pkcs11: the key is there */
	char			 tlabel[8 + OFF_KEY_APP_MAX + OFF_KEY_IDENT_MAX
				    + 2];	/* its CKA_LABEL */
	uint8_t			 tid[OFF_TOKEN_ID_LEN];	/* its CKA_ID */
	struct off_acl		 acl;
	struct key_event	 history[KEY_HISTORY_MAX];
	size_t			 nhistory;
	char			 signer[8];	/* "module" or "world" */
	uint8_t			 sig[OFF_SIG_MAX];
	size_t			 siglen;
};

static const struct {
	const char	*name;
	unsigned	 bit;
} acl_names[] = {
	{ "sign", OFF_ACL_SIGN },
	{ "decrypt", OFF_ACL_DECRYPT },
	{ "export-wrapped", OFF_ACL_EXPORT_WRAPPED },
	{ "export-plain", OFF_ACL_EXPORT_PLAIN },
	{ "recover", OFF_ACL_RECOVER },
	{ "change-acl", OFF_ACL_CHANGE },
};
#define NACL (sizeof(acl_names) / sizeof(acl_names[0]))

static const struct {
	const char	*name;		/* ours */
	const char	*group;		/* OpenSSL's */
	unsigned	 bits;
} curves[] = {
	{ "p256", "P-256", 256 },
	{ "p384", "P-384", 384 },
	{ "p521", "P-521", 521 },
	{ "secp256k1", "secp256k1", 256 },
};

/* No control characters: these names are shown to people and must
 * not be able to fake lines of output. */
static int
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

int
off_key_ident_ok(const char *s)
{
	size_t	n = strlen(s);

	if (n == 0 || n > OFF_KEY_IDENT_MAX ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
		return OFF_ERR_INVALID;
	return 0;
}

void
off_acl_words(const struct off_acl *acl, char *out, size_t len)
{
	size_t	i, o = 0;

	out[0] = '\0';
	for (i = 0; i < NACL && o + 1 < len; i++)
		if (acl->groups & acl_names[i].bit)
			o += (size_t)snprintf(out + o, len - o, "%s%s",
			    o ? ", " : "", acl_names[i].name);
	/* The ACL's vocabulary (officiant-key(5)), untranslated as the
	 * group names are: it goes into JSON and transcripts. */
	if (o == 0)
		snprintf(out, len, "%s", "nothing");
}

static void
key_file_name(struct off_key *k)
{
	snprintf(k->file, sizeof(k->file), "key_%s_%s", k->app, k->ident);
}

/* What the seal is bound to: the key's identity and public part. */
static int
key_aad(const struct off_key *k, struct off_tbs *t)
{
	off_tbs_init(t, KEY_AAD_DOMAIN);
	off_tbs_str(t, k->app);
	off_tbs_str(t, k->ident);
	off_tbs_bytes(t, k->world, sizeof(k->world));
	off_tbs_bytes(t, k->module, sizeof(k->module));
	off_tbs_str(t, k->type);
	off_tbs_u32(t, k->size);
	off_tbs_str(t, k->curve);
	off_tbs_str(t, k->created);
	off_tbs_bytes(t, k->pub, k->publen);
	return off_tbs_ok(t);
}

/* What the ACL signature covers: everything in the file. */
static int
key_acl_tbs(const struct off_key *k, struct off_tbs *t)
{
	size_t	i;

	off_tbs_init(t, KEY_ACL_DOMAIN);
	off_tbs_str(t, k->app);
	off_tbs_str(t, k->ident);
	off_tbs_str(t, k->plainname);
	off_tbs_bytes(t, k->world, sizeof(k->world));
	off_tbs_bytes(t, k->module, sizeof(k->module));
	off_tbs_str(t, k->type);
	off_tbs_u32(t, k->size);
	off_tbs_str(t, k->curve);
	off_tbs_str(t, k->created);
	off_tbs_bytes(t, k->pub, k->publen);
	off_tbs_bytes(t, k->priv.nonce, sizeof(k->priv.nonce));
	off_tbs_bytes(t, k->priv.tag, sizeof(k->priv.tag));
	off_tbs_bytes(t, k->priv.ct, k->priv.len);
	/* Only keys on a token: the signatures of the others stay. */
	if (k->on_token) {
		off_tbs_str(t, "pkcs11 token object");
		off_tbs_str(t, k->tlabel);
		off_tbs_bytes(t, k->tid, sizeof(k->tid));
	}
	off_tbs_u32(t, k->acl.groups);
	off_tbs_bytes(t, k->acl.kek, sizeof(k->acl.kek));
	off_tbs_str(t, k->acl.target);
	off_tbs_u32(t, (uint32_t)k->nhistory);
	for (i = 0; i < k->nhistory; i++) {
		off_tbs_str(t, k->history[i].event);
		off_tbs_str(t, k->history[i].time);
		off_tbs_str(t, k->history[i].ref);
	}
	off_tbs_str(t, k->signer);
	return off_tbs_ok(t);
}

static int
was_reduced(const struct off_key *k)
{
	size_t	i;

	for (i = 0; i < k->nhistory; i++)
		if (strcmp(k->history[i].event, "acl-reduced") == 0)
			return 1;
	return 0;
}

static int
add_event(struct off_key *k, const char *event, const char *ref,
    struct off_err *err)
{
	struct key_event	*e;

	if (k->nhistory >= KEY_HISTORY_MAX)
		return off_err_set(err, OFF_ERR_TOO_LARGE, k->file,
		    _("the key's history is full"));
	e = &k->history[k->nhistory++];
	snprintf(e->event, sizeof(e->event), "%s", event);
	off_utc_now(e->time);
	snprintf(e->ref, sizeof(e->ref), "%s", ref != NULL ? ref : "");
	/* Printable ASCII only: a file name in another encoding must not
	 * make the history unencodable. */
	for (size_t i = 0; e->ref[i] != '\0'; i++)
		if ((unsigned char)e->ref[i] < 0x20 ||
		    (unsigned char)e->ref[i] > 0x7e)
			e->ref[i] = '?';
	return 0;
}

/* Sign the ACL: the module signs ACLs issued with the key; an export
 * grant or a reduced copy needs the world key (a quorum). */
static int
acl_sign(struct off_key *k, const char *signer, EVP_PKEY *skey,
    const struct off_world *w, struct off_err *err)
{
	struct off_tbs	 t;
	EVP_MD_CTX	*ctx = NULL;
	int		 ret;

	snprintf(k->signer, sizeof(k->signer), "%s", signer);
	if ((ret = key_acl_tbs(k, &t)) != 0) {
		off_tbs_free(&t);
		return off_err_set(err, ret, NULL, NULL);
	}
	if (w != NULL)
		ret = off_world_sign(w, skey, t.p, t.len, k->sig, &k->siglen,
		    err);
	else {
		k->siglen = sizeof(k->sig);
		if ((ctx = EVP_MD_CTX_new()) == NULL ||
		    EVP_DigestSignInit_ex(ctx, NULL, NULL, NULL, NULL, skey,
		    NULL) != 1 || EVP_DigestSign(ctx, k->sig, &k->siglen, t.p,
		    t.len) != 1)
			ret = off_err_crypto(err, _("the module cannot sign"));
		EVP_MD_CTX_free(ctx);
	}
	off_tbs_free(&t);
	return ret;
}

static int
acl_verify(const struct off_key *k, const struct off_world *w,
    const char *name, struct off_err *err)
{
	struct off_tbs	 t;
	const uint8_t	*mpub;
	EVP_PKEY	*pk = NULL;
	EVP_MD_CTX	*ctx = NULL;
	int		 ok = 0;

	if (memcmp(k->world, off_world_id(w), sizeof(k->world)) != 0) {
		char	kw[OFF_WORLD_ID_HEX], ww[OFF_WORLD_ID_HEX];

		off_hex(k->world, sizeof(k->world), kw);
		off_world_id_hex(w, ww);
		return off_err_set(err, OFF_ERR_WRONG_WORLD, name,
		    _("the key belongs to world %.16s..., not to world "
		    "%.16s..."), kw, ww);
	}
	if (key_acl_tbs(k, &t) != 0) {
		off_tbs_free(&t);
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	}
	if (strcmp(k->signer, "world") == 0)
		ok = off_world_verify(w, t.p, t.len, k->sig, k->siglen) == 0;
	else if (strcmp(k->signer, "module") == 0 &&
	    (mpub = off_world_module_key(w, k->module)) != NULL &&
	    (pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, mpub,
	    32)) != NULL && (ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, pk, NULL) ==
	    1 && EVP_DigestVerify(ctx, k->sig, k->siglen, t.p, t.len) == 1)
		ok = 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pk);
	off_tbs_free(&t);
	ERR_clear_error();
	if (!ok)
		return off_err_set(err, OFF_ERR_AUTH, name,
		    _("the key's ACL does not verify: the key file was "
		    "altered; restore it from a backup"));
	/* What only a quorum may grant, the module cannot vouch for. */
	if (strcmp(k->signer, "module") == 0 &&
	    ((k->acl.groups & OFF_ACL_EXPORT_WRAPPED) || was_reduced(k)))
		return off_err_set(err, OFF_ERR_AUTH, name,
		    _("the key's ACL grants what only a quorum of cards may "
		    "grant, but no quorum signed it"));
	return 0;
}

static int
seal_key(const char *kmdata, const struct off_world *w, struct off_key *k,
    const void *priv, size_t len, struct off_module **mp, struct off_err *err)
{
	struct off_module	*m = NULL;
	struct off_tbs		 aad;
	uint8_t			*skey = NULL;
	int			 ret;

	memset(&aad, 0, sizeof(aad));
	if ((ret = off_world_open_module(w, 0, kmdata, &m, err)) != 0)
		return ret;
	if (m->ops->keygen != NULL) {
		off_module_free(&m);
		return off_err_set(err, OFF_ERR_UNSUPPORTED, k->file,
		    _("the world's module keeps its keys on a PKCS#11 token; a "
		    "key from outside cannot be sealed into it (generate keys "
		    "on the token)"));
	}
	memcpy(k->module, m->id, sizeof(k->module));
	if ((skey = off_secalloc(OFF_KEY_LEN)) == NULL) {
		ret = off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
		goto out;
	}
	if ((ret = off_hkdf(m->key, OFF_KEY_LEN, KEY_SEAL_LABEL, skey,
	    OFF_KEY_LEN, err)) != 0)
		goto out;
	if ((ret = key_aad(k, &aad)) != 0) {
		off_err_set(err, ret, NULL, NULL);
		goto out;
	}
	off_sealed_free(&k->priv);
	ret = off_seal(skey, aad.p, aad.len, priv, len, &k->priv, err);
out:
	off_tbs_free(&aad);
	off_secfree(&skey);
	if (ret == 0 && mp != NULL)
		*mp = m;
	else
		off_module_free(&m);
	return ret;
}

int
off_key_open_module(const char *kmdata, const struct off_world *w,
    const struct off_key *k, struct off_module **m, struct off_err *err)
{
	const char	*backend, *status;
	const uint8_t	*id;
	unsigned	 i;

	for (i = 0; ; i++) {
		if (off_world_module(w, i, NULL, &backend, &id, &status) != 0)
			return off_err_set(err, OFF_ERR_NOT_FOUND, k->file,
			    _("the key's module is not in this world"));
		if (memcmp(id, k->module, sizeof(k->module)) == 0)
			return off_world_open_module(w, i, kmdata, m, err);
	}
}

/* The private material, in locked memory (*len bytes). */
static int
open_key(const char *kmdata, const struct off_world *w,
    const struct off_key *k, uint8_t **priv, struct off_err *err)
{
	struct off_module	*m = NULL;
	struct off_tbs		 aad;
	uint8_t			*skey = NULL;
	int			 ret;

	*priv = NULL;
	memset(&aad, 0, sizeof(aad));
	if (k->on_token)
		return off_err_set(err, OFF_ERR_DENIED, k->file,
		    _("the key lives on a PKCS#11 token and leaves it only "
		    "wrapped under a KEK; this cannot be done with it"));
	if ((ret = off_key_open_module(kmdata, w, k, &m, err)) != 0)
		return ret;
	if ((skey = off_secalloc(OFF_KEY_LEN)) == NULL ||
	    (*priv = off_secalloc(k->priv.len)) == NULL) {
		ret = off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
		goto out;
	}
	if ((ret = off_hkdf(m->key, OFF_KEY_LEN, KEY_SEAL_LABEL, skey,
	    OFF_KEY_LEN, err)) != 0)
		goto out;
	if ((ret = key_aad(k, &aad)) != 0) {
		off_err_set(err, ret, NULL, NULL);
		goto out;
	}
	if ((ret = off_open(skey, aad.p, aad.len, &k->priv, *priv, err)) != 0)
		off_err_set(err, OFF_ERR_AUTH, k->file, _("the key's seal does "
		    "not open: the key file was altered or belongs to another "
		    "module"));
out:
	off_tbs_free(&aad);
	off_secfree(&skey);
	off_module_free(&m);
	if (ret != 0)
		off_secfree(priv);
	return ret;
}

int
off_key_fingerprint(EVP_PKEY *pub, uint8_t fp[32], struct off_err *err)
{
	uint8_t	*der = NULL;
	int	 len;

	if ((len = i2d_PUBKEY(pub, &der)) <= 0)
		return off_err_crypto(err, _("cannot encode the public key"));
	EVP_Digest(der, (size_t)len, fp, NULL, EVP_sha256(), NULL);
	OPENSSL_free(der);
	return 0;
}

static json_t *
sealed_json(const struct off_sealed *s)
{
	return json_pack("{s:o, s:o, s:o}",
	    "nonce", off_json_new_b64(s->nonce, sizeof(s->nonce)),
	    "ciphertext", off_json_new_b64(s->ct, s->len),
	    "tag", off_json_new_b64(s->tag, sizeof(s->tag)));
}

static json_t *
acl_json(const struct off_acl *acl)
{
	json_t	*groups = json_array(), *o;
	size_t	 i;

	for (i = 0; i < NACL; i++)
		if (acl->groups & acl_names[i].bit)
			json_array_append_new(groups,
			    json_string(acl_names[i].name));
	o = json_pack("{s:o}", "groups", groups);
	if (o != NULL && (acl->groups & OFF_ACL_EXPORT_WRAPPED)) {
		json_object_set_new(o, "kek", off_json_new_hex(acl->kek, 32));
		json_object_set_new(o, "target", json_string(acl->target));
	}
	return o;
}

static json_t *
history_json(const struct off_key *k)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; a != NULL && i < k->nhistory; i++)
		if (json_array_append_new(a, json_pack("{s:s, s:s, s:s}",
		    "event", k->history[i].event, "time", k->history[i].time,
		    "ref", k->history[i].ref)) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static int
key_write(const char *kmdata, const struct off_key *k, int flags,
    struct off_err *err)
{
	char	 path[PATH_MAX], *data = NULL;
	size_t	 len;
	json_t	*root;
	int	 ret;

	root = json_pack("{s:s, s:i, s:s, s:s, s:s, s:o, s:o, s:s, s:I, s:s, "
	    "s:s, s:o*, s:o, s:o, s:o, s:s, s:o}",
	    "format", KEY_FORMAT,
	    "version", 1,
	    "app", k->app,
	    "ident", k->ident,
	    "plainname", k->plainname,
	    "world", off_json_new_hex(k->world, sizeof(k->world)),
	    "module", off_json_new_hex(k->module, sizeof(k->module)),
	    "type", k->type,
	    "size", (json_int_t)k->size,
	    "curve", k->curve,
	    "created", k->created,
	    "public_key", k->pub != NULL ? off_json_new_b64(k->pub,
	    k->publen) : NULL,
	    k->on_token ? "token" : "private", k->on_token ? json_pack(
	    "{s:s, s:o}", "label", k->tlabel, "id", off_json_new_hex(k->tid,
	    sizeof(k->tid))) : sealed_json(&k->priv),
	    "acl", acl_json(&k->acl),
	    "history", history_json(k),
	    "acl_signer", k->signer,
	    "acl_signature", off_json_new_b64(k->sig, k->siglen));
	if (root == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	ret = off_json_dump(root, &data, &len, err);
	json_decref(root);
	if (ret != 0)
		return ret;
	if (off_path_join(path, sizeof(path), kmdata, k->file) != 0)
		ret = off_err_set(err, OFF_ERR_TOO_LARGE, kmdata,
		    _("path too long"));
	else
		ret = off_file_write(path, data, len, flags, err);
	free(data);
	return ret;
}

static int
curve_find(const char *name, const char **group, unsigned *bits)
{
	size_t	i;

	for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (strcmp(curves[i].name, name) == 0) {
			*group = curves[i].group;
			*bits = curves[i].bits;
			return 0;
		}
	return OFF_ERR_INVALID;
}

struct gen_progress {
	const struct off_frontend	*fe;
	unsigned long			 n;
};

static int
gen_cb(EVP_PKEY_CTX *ctx)
{
	struct gen_progress	*g = EVP_PKEY_CTX_get_app_data(ctx);

	/* RSA gives no total: show activity, one tick per candidate. */
	if (g != NULL && g->fe != NULL && g->fe->progress != NULL)
		g->fe->progress(g->fe->arg, _("generating the key"), ++g->n,
		    0);
	return 1;
}

static int
check_params(const struct off_key_params *p, struct off_key *k,
    const char **group, const struct off_frontend *fe, struct off_err *err)
{
	if (off_key_ident_ok(p->ident) != 0)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("bad ident \"%s\": use 1 to 64 lower-case letters, digits "
		    "and dashes"), p->ident);
	if (off_key_ident_ok(p->app) != 0 || strlen(p->app) > OFF_KEY_APP_MAX ||
	    strcmp(p->app, "xferacld") == 0)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("bad application name \"%s\" (xferacld is kept for "
		    "reduced copies)"), p->app);
	if (p->plainname != NULL && (strlen(p->plainname) > OFF_KEY_NAME_MAX ||
	    !printable(p->plainname)))
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("the plain name must be at most %d characters, none of "
		    "them control characters"), OFF_KEY_NAME_MAX);
	snprintf(k->type, sizeof(k->type), "%s", p->type);
	if (strcmp(p->type, "rsa") == 0) {
		k->size = p->size ? p->size : 2048;
		if (p->curve != NULL)
			return off_err_set(err, OFF_ERR_INVALID, NULL,
			    _("an RSA key has no curve"));
		if (k->size == 1024 && p->allow_legacy)
			off_fe_notice(fe, OFF_NOTICE_WARNING, "%s",
			    _("RSA 1024 is legacy and weak; use it only to "
			    "migrate an existing key"));
		else if (k->size != 2048 && k->size != 3072 && k->size != 4096)
			return off_err_set(err, OFF_ERR_INVALID, NULL,
			    k->size == 1024 ? _("RSA 1024 is refused without "
			    "--allow-legacy") : _("RSA keys are 2048, 3072 or "
			    "4096 bits, not %u"), k->size);
		if (p->pubexp != 0 && (p->pubexp < 3 || p->pubexp % 2 == 0 ||
		    p->pubexp > 0xffffffffUL))
			return off_err_set(err, OFF_ERR_INVALID, NULL,
			    _("the public exponent must be odd, 3 or more"));
	} else if (strcmp(p->type, "ec") == 0) {
		if (curve_find(p->curve != NULL ? p->curve : "p256", group,
		    &k->size) != 0)
			return off_err_set(err, OFF_ERR_INVALID, NULL,
			    _("unknown curve \"%s\"; use p256, p384, p521 or "
			    "secp256k1"), p->curve);
		if (p->size != 0 && p->size != k->size)
			return off_err_set(err, OFF_ERR_INVALID, NULL,
			    _("curve %s is %u bits, not %u"),
			    p->curve != NULL ? p->curve : "p256", k->size,
			    p->size);
		snprintf(k->curve, sizeof(k->curve), "%s",
		    p->curve != NULL ? p->curve : "p256");
	} else if (strcmp(p->type, "aes") == 0) {
		if (p->exportable)
			return off_err_set(err, OFF_ERR_INVALID, NULL,
			    _("an AES key cannot be exported in the clear; leave "
			    "out --exportable"));
		k->size = p->size ? p->size : 256;
		if (k->size != 128 && k->size != 192 && k->size != 256)
			return off_err_set(err, OFF_ERR_INVALID, NULL,
			    _("AES keys are 128, 192 or 256 bits, not %u"),
			    k->size);
		if (p->curve != NULL)
			return off_err_set(err, OFF_ERR_INVALID, NULL,
			    _("an AES key has no curve"));
	} else
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("unknown key type \"%s\"; use rsa, ec or aes"), p->type);
	return 0;
}

/* PKCS#8 DER of pk into locked memory. */
static int
key_private_der(EVP_PKEY *pk, uint8_t **priv, size_t *len,
    struct off_err *err)
{
	PKCS8_PRIV_KEY_INFO	*p8;
	uint8_t			*der = NULL;
	int			 n;

	*priv = NULL;
	if ((p8 = EVP_PKEY2PKCS8(pk)) == NULL ||
	    (n = i2d_PKCS8_PRIV_KEY_INFO(p8, &der)) <= 0 || n > KEY_PRIV_MAX) {
		PKCS8_PRIV_KEY_INFO_free(p8);
		return off_err_crypto(err, _("cannot encode the private key"));
	}
	PKCS8_PRIV_KEY_INFO_free(p8);
	*len = (size_t)n;
	if ((*priv = off_secalloc(*len)) != NULL)
		memcpy(*priv, der, *len);
	OPENSSL_clear_free(der, (size_t)n);
	return *priv != NULL ? 0 : off_err_set(err, OFF_ERR_SECMEM, NULL,
	    NULL);
}

static int
make_material(const struct off_key_params *p, struct off_key *k,
    const char *group, const struct off_frontend *fe, uint8_t **priv,
    size_t *len, struct off_err *err)
{
	EVP_PKEY_CTX		*ctx = NULL;
	EVP_PKEY		*pk = NULL;
	struct gen_progress	 g = { fe, 0 };
	OSSL_PARAM		 params[3], *pp = params;
	unsigned int		 bits = k->size;
	size_t			 e = p->pubexp ? p->pubexp : 65537;
	uint8_t			*der = NULL;
	int			 dlen, ret = 0;

	*priv = NULL;
	if (strcmp(k->type, "aes") == 0) {
		*len = k->size / 8;
		if ((*priv = off_secalloc(*len)) == NULL)
			return off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
		return off_random(*priv, *len, err);
	}
	if (strcmp(k->type, "rsa") == 0) {
		*pp++ = OSSL_PARAM_construct_uint(OSSL_PKEY_PARAM_RSA_BITS,
		    &bits);
		*pp++ = OSSL_PARAM_construct_size_t(OSSL_PKEY_PARAM_RSA_E, &e);
	} else
		*pp++ = OSSL_PARAM_construct_utf8_string(
		    OSSL_PKEY_PARAM_GROUP_NAME, (char *)(uintptr_t)group, 0);
	*pp = OSSL_PARAM_construct_end();
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, strcmp(k->type, "rsa") ==
	    0 ? "RSA" : "EC", NULL)) == NULL ||
	    EVP_PKEY_keygen_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_params(ctx, params) != 1) {
		ret = off_err_crypto(err, _("cannot generate the key"));
		goto out;
	}
	EVP_PKEY_CTX_set_app_data(ctx, &g);
	EVP_PKEY_CTX_set_cb(ctx, gen_cb);
	if (EVP_PKEY_generate(ctx, &pk) != 1) {
		ret = off_err_crypto(err, _("cannot generate the key"));
		goto out;
	}
	if ((dlen = i2d_PUBKEY(pk, &der)) <= 0) {
		ret = off_err_crypto(err, _("cannot encode the public key"));
		goto out;
	}
	if ((k->pub = malloc((size_t)dlen)) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	memcpy(k->pub, der, (size_t)dlen);
	k->publen = (size_t)dlen;
	ret = key_private_der(pk, priv, len, err);
out:
	OPENSSL_free(der);
	EVP_PKEY_free(pk);
	EVP_PKEY_CTX_free(ctx);
	return ret;
}

/* The key made on the module's token: named after its key file
 * (CKA_LABEL) and a fresh CKA_ID; the file records both. */
static int
token_generate(struct off_module *m, const struct off_key_params *p,
    struct off_key *k, const struct off_frontend *fe, struct off_err *err)
{
	struct off_module_keyspec	s;
	int				ret;

	memset(&s, 0, sizeof(s));
	if (p->exportable)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("a key on a PKCS#11 token never leaves it in the clear; "
		    "leave out --exportable"));
	memcpy(k->module, m->id, sizeof(k->module));
	snprintf(k->tlabel, sizeof(k->tlabel), "%s", k->file);
	if ((ret = off_random(k->tid, sizeof(k->tid), err)) != 0)
		return ret;
	s.type = k->type;
	s.size = k->size;
	s.curve = k->curve;
	s.pubexp = p->pubexp;
	s.label = k->tlabel;
	s.id = k->tid;
	if ((ret = m->ops->keygen(m, &s, fe, &k->pub, &k->publen, err)) != 0)
		return ret;
	k->on_token = 1;
	return 0;
}

int
off_key_params_check(const struct off_key_params *p, struct off_err *err)
{
	struct off_key	 k;
	const char	*group = NULL;

	memset(&k, 0, sizeof(k));
	return check_params(p, &k, &group, NULL, err);
}

int
off_key_generate(const char *kmdata, const struct off_world *w,
    const struct off_key_params *p, const struct off_frontend *fe,
    struct off_key **out, struct off_err *err)
{
	struct off_key		*k;
	struct off_module	*m = NULL;
	EVP_PKEY		*mkey = NULL;
	const char		*group = NULL;
	char			 path[PATH_MAX];
	uint8_t			*priv = NULL;
	size_t			 len = 0;
	int			 ret;

	*out = NULL;
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	if ((ret = check_params(p, k, &group, fe, err)) != 0)
		goto out;
	snprintf(k->app, sizeof(k->app), "%s", p->app);
	snprintf(k->ident, sizeof(k->ident), "%s", p->ident);
	snprintf(k->plainname, sizeof(k->plainname), "%s",
	    p->plainname != NULL ? p->plainname : p->ident);
	key_file_name(k);
	if (off_path_join(path, sizeof(path), kmdata, k->file) != 0) {
		ret = off_err_set(err, OFF_ERR_TOO_LARGE, kmdata,
		    _("path too long"));
		goto out;
	}
	if (access(path, F_OK) == 0) {
		ret = off_err_set(err, OFF_ERR_EXISTS, path,
		    _("a key with this ident already exists; choose another "
		    "ident"));
		goto out;
	}
	memcpy(k->world, off_world_id(w), sizeof(k->world));
	off_utc_now(k->created);
	if ((ret = off_world_open_module(w, 0, kmdata, &m, err)) != 0)
		goto out;
	if (m->ops->keygen != NULL)
		ret = token_generate(m, p, k, fe, err);
	else {
		off_module_free(&m);
		if ((ret = make_material(p, k, group, fe, &priv, &len,
		    err)) == 0)
			ret = seal_key(kmdata, w, k, priv, len, &m, err);
	}
	if (ret != 0)
		goto out;
	/* Born with use, recovery and change of ACL; never plain export
	 * unless asked for at birth. */
	k->acl.groups = OFF_ACL_RECOVER | OFF_ACL_CHANGE |
	    (strcmp(k->type, "aes") == 0 ? OFF_ACL_DECRYPT :
	    OFF_ACL_SIGN | OFF_ACL_DECRYPT) |
	    (p->exportable ? OFF_ACL_EXPORT_PLAIN : 0);
	if ((ret = add_event(k, "created", NULL, err)) != 0 ||
	    (ret = off_module_signing_key(m, &mkey, err)) != 0 ||
	    (ret = acl_sign(k, "module", mkey, NULL, err)) != 0 ||
	    (ret = key_write(kmdata, k, OFF_WRITE_NOREPLACE, err)) != 0)
		goto out;
	*out = k;
	k = NULL;
out:
	EVP_PKEY_free(mkey);
	off_module_free(&m);
	off_secfree(&priv);
	off_key_free(&k);
	return ret;
}

void
off_key_free(struct off_key **kp)
{
	if (kp == NULL || *kp == NULL)
		return;
	off_sealed_free(&(*kp)->priv);
	free((*kp)->pub);
	free(*kp);
	*kp = NULL;
}

static const char *const key_keys[] = { "format", "version", "app", "ident",
    "plainname", "world", "module", "type", "size", "curve", "created",
    "public_key", "private", "token", "acl", "history", "acl_signer",
    "acl_signature", NULL };
static const char *const token_keys[] = { "label", "id", NULL };
static const char *const sealed_keys[] = { "nonce", "ciphertext", "tag",
    NULL };
static const char *const acl_keys[] = { "groups", "kek", "target", NULL };
static const char *const event_keys[] = { "event", "time", "ref", NULL };

static int
copy_str(json_t *o, const char *key, char *buf, size_t len, const char *name,
    struct off_err *err)
{
	const char	*s;

	if (off_json_str(o, key, len - 1, &s, name, err) != 0)
		return OFF_ERR_FORMAT;
	snprintf(buf, len, "%s", s);
	return 0;
}

static int
parse_acl(struct off_key *k, json_t *acl, const char *name,
    struct off_err *err)
{
	json_t	*groups, *g;
	size_t	 i, j;

	if (off_json_only(acl, acl_keys, name, "acl.", err) != 0 ||
	    off_json_array(acl, "groups", NACL, &groups, name, err) != 0)
		return OFF_ERR_FORMAT;
	json_array_foreach(groups, i, g) {
		for (j = 0; j < NACL; j++)
			if (json_is_string(g) &&
			    strcmp(json_string_value(g), acl_names[j].name) == 0)
				break;
		if (j == NACL || (k->acl.groups & acl_names[j].bit))
			return off_err_set(err, OFF_ERR_FORMAT, name,
			    _("unknown or repeated ACL group"));
		k->acl.groups |= acl_names[j].bit;
	}
	if (k->acl.groups & OFF_ACL_EXPORT_WRAPPED) {
		if (off_json_hex(acl, "kek", k->acl.kek, sizeof(k->acl.kek),
		    name, err) != 0 || copy_str(acl, "target", k->acl.target,
		    sizeof(k->acl.target), name, err) != 0)
			return OFF_ERR_FORMAT;
		if (!printable(k->acl.target))
			return off_err_set(err, OFF_ERR_FORMAT, name,
			    _("the target holds control characters"));
	} else if (json_object_get(acl, "kek") != NULL ||
	    json_object_get(acl, "target") != NULL)
		return off_err_set(err, OFF_ERR_FORMAT, name,
		    _("a KEK without the export-wrapped group"));
	return 0;
}

static int
key_parse(const char *data, size_t len, const char *name, struct off_key **out,
    struct off_err *err)
{
	struct off_key	*k = NULL;
	json_t		*root = NULL, *o, *h, *e;
	long long	 v;
	size_t		 i, n;
	int		 ret;

	*out = NULL;
	if ((ret = off_json_load(data, len, name, KEY_FORMAT, &root,
	    err)) != 0)
		goto out;
	ret = OFF_ERR_FORMAT;
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	if (off_json_only(root, key_keys, name, "", err) ||
	    copy_str(root, "app", k->app, sizeof(k->app), name, err) ||
	    copy_str(root, "ident", k->ident, sizeof(k->ident), name, err) ||
	    copy_str(root, "plainname", k->plainname, sizeof(k->plainname),
	    name, err) ||
	    off_json_hex(root, "world", k->world, sizeof(k->world), name,
	    err) ||
	    off_json_hex(root, "module", k->module, sizeof(k->module), name,
	    err) ||
	    copy_str(root, "type", k->type, sizeof(k->type), name, err) ||
	    off_json_int(root, "size", 1, 16384, &v, name, err) ||
	    copy_str(root, "curve", k->curve, sizeof(k->curve), name, err) ||
	    copy_str(root, "created", k->created, sizeof(k->created), name,
	    err) || off_utc_valid(k->created) != 0 ||
	    copy_str(root, "acl_signer", k->signer, sizeof(k->signer), name,
	    err))
		goto out;
	k->size = (unsigned)v;
	if (!printable(k->plainname)) {
		off_err_set(err, OFF_ERR_FORMAT, name,
		    _("the plain name holds control characters"));
		goto out;
	}
	if (off_key_ident_ok(k->ident) != 0 || off_key_ident_ok(k->app) != 0) {
		off_err_set(err, OFF_ERR_FORMAT, name, _("bad app or ident"));
		goto out;
	}
	key_file_name(k);
	if (strcmp(k->type, "aes") != 0) {
		if ((k->pub = malloc(4096)) == NULL) {
			ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
			goto out;
		}
		if (off_json_b64(root, "public_key", k->pub, 16, 4096,
		    &k->publen, name, err))
			goto out;
	} else if (json_object_get(root, "public_key") != NULL) {
		off_err_set(err, OFF_ERR_FORMAT, name,
		    _("an AES key has no public key"));
		goto out;
	}
	if (json_object_get(root, "token") != NULL) {
		if (json_object_get(root, "private") != NULL) {
			off_err_set(err, OFF_ERR_FORMAT, name,
			    _("a key both sealed and on a token"));
			goto out;
		}
		if (off_json_obj(root, "token", &o, name, err) ||
		    off_json_only(o, token_keys, name, "token.", err) ||
		    copy_str(o, "label", k->tlabel, sizeof(k->tlabel), name,
		    err) ||
		    off_json_hex(o, "id", k->tid, sizeof(k->tid), name, err))
			goto out;
		if (!printable(k->tlabel)) {
			off_err_set(err, OFF_ERR_FORMAT, name,
			    _("the token label holds control characters"));
			goto out;
		}
		k->on_token = 1;
	} else if (off_json_obj(root, "private", &o, name, err) ||
	    off_json_only(o, sealed_keys, name, "private.", err) ||
	    off_json_b64(o, "nonce", k->priv.nonce, sizeof(k->priv.nonce),
	    sizeof(k->priv.nonce), NULL, name, err) ||
	    off_json_b64(o, "tag", k->priv.tag, sizeof(k->priv.tag),
	    sizeof(k->priv.tag), NULL, name, err))
		goto out;
	if (!k->on_token) {
		if ((k->priv.ct = malloc(KEY_PRIV_MAX)) == NULL) {
			ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
			goto out;
		}
		if (off_json_b64(o, "ciphertext", k->priv.ct, 16,
		    KEY_PRIV_MAX, &n, name, err))
			goto out;
		k->priv.len = n;
	}
	if (off_json_obj(root, "acl", &o, name, err) ||
	    parse_acl(k, o, name, err) ||
	    off_json_array(root, "history", KEY_HISTORY_MAX, &h, name, err))
		goto out;
	json_array_foreach(h, i, e) {
		struct key_event	*ev = &k->history[k->nhistory];

		if (!json_is_object(e) ||
		    off_json_only(e, event_keys, name, "history[].", err) ||
		    copy_str(e, "event", ev->event, sizeof(ev->event), name,
		    err) || copy_str(e, "time", ev->time, sizeof(ev->time),
		    name, err) || copy_str(e, "ref", ev->ref, sizeof(ev->ref),
		    name, err)) {
			if (err != NULL && err->code == 0)
				off_err_set(err, OFF_ERR_FORMAT, name,
				    _("bad history entry"));
			goto out;
		}
		k->nhistory++;
	}
	if (off_json_b64(root, "acl_signature", k->sig, 1, sizeof(k->sig),
	    &k->siglen, name, err))
		goto out;
	*out = k;
	k = NULL;
	ret = 0;
out:
	json_decref(root);
	off_key_free(&k);
	return ret;
}

/* What the signature cannot vouch for by itself: that the fields make
 * sense together, and that the file is named after the key in it. */
static int
key_check(const struct off_key *k, const char *path, struct off_err *err)
{
	const char	*base = strrchr(path, '/'), *group;
	const uint8_t	*p = k->pub;
	EVP_PKEY	*pk = NULL;
	unsigned	 bits;
	size_t		 i;
	int		 ok;

	base = base != NULL ? base + 1 : path;
	if (strcmp(base, k->file) != 0)
		return off_err_set(err, OFF_ERR_FORMAT, path,
		    _("the file holds key %s: it was renamed or copied under "
		    "another name"), k->file);
	for (i = 0; i < k->nhistory; i++)
		if (off_utc_valid(k->history[i].time) != 0)
			return off_err_set(err, OFF_ERR_FORMAT, path,
			    _("a history entry has a bad time"));
	if (strcmp(k->type, "aes") == 0)
		ok = !*k->curve && (k->size == 128 || k->size == 192 ||
		    k->size == 256);
	else if (strcmp(k->type, "rsa") == 0)
		ok = !*k->curve && (pk = d2i_PUBKEY(NULL, &p,
		    (long)k->publen)) != NULL && EVP_PKEY_is_a(pk, "RSA") &&
		    (unsigned)EVP_PKEY_get_bits(pk) == k->size;
	else if (strcmp(k->type, "ec") == 0)
		ok = curve_find(k->curve, &group, &bits) == 0 &&
		    bits == k->size && (pk = d2i_PUBKEY(NULL, &p,
		    (long)k->publen)) != NULL && EVP_PKEY_is_a(pk, "EC") &&
		    (unsigned)EVP_PKEY_get_bits(pk) == k->size;
	else
		ok = 0;
	if (pk != NULL && p != k->pub + k->publen)
		ok = 0;
	EVP_PKEY_free(pk);
	ERR_clear_error();
	if (!ok)
		return off_err_set(err, OFF_ERR_FORMAT, path,
		    _("the key's type, size, curve and public key do not agree"));
	return 0;
}

/* Parse and verify a key file's contents read from path. */
static int
key_from_buf(const char *data, size_t len, const char *path,
    const struct off_world *w, struct off_key **out, struct off_err *err)
{
	int	ret;

	if ((ret = key_parse(data, len, path, out, err)) == 0 &&
	    ((ret = acl_verify(*out, w, path, err)) != 0 ||
	    (ret = key_check(*out, path, err)) != 0))
		off_key_free(out);
	return ret;
}

int
off_key_load_file(const char *path, const struct off_world *w,
    struct off_key **out, struct off_err *err)
{
	char	*data = NULL;
	size_t	 len;
	int	 ret;

	*out = NULL;
	if ((ret = off_file_read(path, 64 * 1024, &data, &len, err)) != 0)
		return ret;
	ret = key_from_buf(data, len, path, w, out, err);
	free(data);
	return ret;
}

int
off_key_load(const char *kmdata, const struct off_world *w, const char *app,
    const char *ident, struct off_key **out, struct off_err *err)
{
	char	name[160], path[PATH_MAX];
	int	ret;

	*out = NULL;
	if (off_key_ident_ok(ident) != 0 || off_key_ident_ok(app) != 0 ||
	    strlen(app) > OFF_KEY_APP_MAX)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("bad ident \"%s\": use 1 to 64 lower-case letters, "
		    "digits and dashes"), ident);
	snprintf(name, sizeof(name), "key_%s_%s", app, ident);
	if (off_path_join(path, sizeof(path), kmdata, name) != 0)
		return off_err_set(err, OFF_ERR_TOO_LARGE, kmdata,
		    _("path too long"));
	ret = off_key_load_file(path, w, out, err);
	if (ret == OFF_ERR_NOT_FOUND)
		off_err_set(err, ret, path, _("no such key"));
	return ret;
}

int
off_key_material(const char *kmdata, const struct off_world *w,
    const struct off_key *k, uint8_t **material, size_t *len,
    struct off_err *err)
{
	int	ret;

	if ((ret = open_key(kmdata, w, k, material, err)) == 0)
		*len = k->priv.len;
	return ret;
}

int
off_key_private(const char *kmdata, const struct off_world *w,
    const struct off_key *k, EVP_PKEY **pkey, struct off_err *err)
{
	uint8_t		*priv = NULL;
	const uint8_t	*p;
	int		 ret;

	*pkey = NULL;
	if (strcmp(k->type, "aes") == 0)
		return off_err_set(err, OFF_ERR_INVALID, k->file,
		    _("an AES key is not a private key"));
	if ((ret = open_key(kmdata, w, k, &priv, err)) != 0)
		return ret;
	p = priv;
	if ((*pkey = d2i_AutoPrivateKey(NULL, &p, (long)k->priv.len)) == NULL)
		ret = off_err_crypto(err, _("the sealed key does not decode"));
	off_secfree(&priv);
	if (ret == 0) {
		const uint8_t	*q = k->pub;
		EVP_PKEY	*pub = d2i_PUBKEY(NULL, &q, (long)k->publen);

		if (pub == NULL || EVP_PKEY_eq(pub, *pkey) != 1) {
			EVP_PKEY_free(*pkey);
			*pkey = NULL;
			ret = off_err_set(err, OFF_ERR_AUTH, k->file,
			    _("the sealed private key does not match the "
			    "public key"));
		}
		EVP_PKEY_free(pub);
		ERR_clear_error();
	}
	return ret;
}

/* A copy of the key's description, without its sealed material (to
 * be sealed anew). */
static struct off_key *
key_dup(const struct off_key *key)
{
	struct off_key	*k;

	if ((k = calloc(1, sizeof(*k))) == NULL)
		return NULL;
	*k = *key;
	k->pub = NULL;
	k->priv.ct = NULL;
	k->priv.len = 0;
	if (key->pub != NULL) {
		if ((k->pub = malloc(key->publen)) == NULL) {
			free(k);
			return NULL;
		}
		memcpy(k->pub, key->pub, key->publen);
	}
	return k;
}

/* As the token's security officer, whose PIN only the quorum (which
 * opened wkey) rebuilds: the KEK trusted for the key's transfer. */
static int
token_trust(const char *kmdata, const struct off_world *w,
    const struct off_key *key, EVP_PKEY *kek, EVP_PKEY *wkey,
    const struct off_frontend *fe, struct off_err *err)
{
	struct off_module	*m = NULL;
	struct off_module_trust	 t;
	uint8_t			*pin = NULL;
	int			 ret;

	if ((ret = off_key_open_module(kmdata, w, key, &m, err)) != 0)
		return ret;
	if (!m->token.so_quorum || m->ops->trust == NULL)
		goto out;
	memset(&t, 0, sizeof(t));
	t.id = key->tid;
	t.kek = kek;
	if ((pin = off_secalloc(OFF_SO_PIN_LEN + 1)) == NULL)
		ret = off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
	else if ((ret = off_module_so_pin(m, wkey, pin, err)) == 0 &&
	    (ret = m->ops->trust(m, &t, pin, OFF_SO_PIN_LEN, err)) == 0)
		off_fe_notice(fe, OFF_NOTICE_INFO, _("token \"%s\": its "
		    "security officer trusts %s for this key's transfer"),
		    m->token.label, t.what);
out:
	off_secfree(&pin);
	off_module_free(&m);
	return ret;
}

int
off_key_reduce_acl(const char *kmdata, const struct off_world *w,
    const struct off_key *key, EVP_PKEY *kek, const char *target,
    struct off_slot *slot, const struct off_frontend *fe,
    struct off_key **out, struct off_err *err)
{
	struct off_key	*k = NULL;
	uint8_t		*priv = NULL, *secret = NULL;
	EVP_PKEY	*wkey = NULL;
	char		 path[PATH_MAX];
	int		 ret;

	*out = NULL;
	if (!(key->acl.groups & OFF_ACL_CHANGE))
		return off_err_set(err, OFF_ERR_DENIED, key->file,
		    _("the key's ACL does not allow changing it"));
	if ((ret = off_kek_check(kek, err)) != 0)
		return ret;
	if (target != NULL && *target != '\0' &&
	    off_package_target_ok(target) != 0)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("unknown target \"%s\"; use azure, aws or gcp"), target);
	if (target != NULL && (strlen(target) > 64 || !printable(target)))
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("the target name must be at most 64 characters, none of "
		    "them control characters"));
	if ((k = key_dup(key)) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	snprintf(k->app, sizeof(k->app), "xferacld");
	key_file_name(k);
	if (off_path_join(path, sizeof(path), kmdata, k->file) != 0) {
		ret = off_err_set(err, OFF_ERR_TOO_LARGE, kmdata,
		    _("path too long"));
		goto out;
	}
	if (access(path, F_OK) == 0) {
		ret = off_err_set(err, OFF_ERR_EXISTS, path,
		    _("a reduced copy of this key already exists"));
		goto out;
	}
	memset(&k->acl, 0, sizeof(k->acl));
	k->acl.groups = OFF_ACL_EXPORT_WRAPPED;
	if ((ret = off_key_fingerprint(kek, k->acl.kek, err)) != 0)
		goto out;
	snprintf(k->acl.target, sizeof(k->acl.target), "%s",
	    target != NULL ? target : "");
	/* Only a quorum of cards opens the world key that signs this;
	 * the key stays sealed until the quorum is there. */
	if ((ret = add_event(k, "acl-reduced", key->file, err)) != 0 ||
	    (ret = off_quorum_collect(w, slot, fe, &secret, err)) != 0 ||
	    (ret = off_world_signing_key(w, secret, &wkey, err)) != 0)
		goto out;
	/* A key on a token stays there: the copy names the same object. */
	if (!key->on_token &&
	    ((ret = open_key(kmdata, w, key, &priv, err)) != 0 ||
	    (ret = seal_key(kmdata, w, k, priv, key->priv.len, NULL,
	    err)) != 0))
		goto out;
	if ((ret = acl_sign(k, "world", wkey, w, err)) != 0 ||
	    (ret = key_write(kmdata, k, OFF_WRITE_NOREPLACE, err)) != 0)
		goto out;
	/* The token lets it out only under what its security officer
	 * trusts: trusted once the copy is on record, which goes again if
	 * the token cannot. */
	if (key->on_token && (ret = token_trust(kmdata, w, key, kek, wkey, fe,
	    err)) != 0) {
		(void)unlink(path);
		goto out;
	}
	*out = k;
	k = NULL;
out:
	EVP_PKEY_free(wkey);
	off_secfree(&secret);
	off_secfree(&priv);
	off_key_free(&k);
	return ret;
}

int
off_key_export_plain(const char *kmdata, const struct off_world *w,
    const struct off_key *k, const char *path, struct off_err *err)
{
	EVP_PKEY	*pk = NULL;
	BIO		*bio = NULL;
	char		*pem = NULL;
	long		 len;
	int		 ret;

	if (was_reduced(k))
		return off_err_set(err, OFF_ERR_DENIED, k->file,
		    _("a key whose ACL was reduced for transfer can never be "
		    "exported in the clear"));
	if (!(k->acl.groups & OFF_ACL_EXPORT_PLAIN))
		return off_err_set(err, OFF_ERR_DENIED, k->file,
		    _("the key's ACL does not allow export in the clear"));
	if ((ret = off_key_private(kmdata, w, k, &pk, err)) != 0)
		return ret;
	if ((bio = BIO_new(BIO_s_secmem())) == NULL ||
	    PEM_write_bio_PKCS8PrivateKey(bio, pk, NULL, NULL, 0, NULL,
	    NULL) != 1 || (len = BIO_get_mem_data(bio, &pem)) <= 0)
		ret = off_err_crypto(err, _("cannot encode the key"));
	else
		ret = off_file_write(path, pem, (size_t)len,
		    OFF_WRITE_NOREPLACE, err);
	BIO_free(bio);
	EVP_PKEY_free(pk);
	return ret;
}

int
off_key_info_json(const struct off_key *k, char **out, struct off_err *err)
{
	json_t	*root;
	uint8_t	 fp[32];
	char	 words[256];
	int	 ret;

	off_acl_words(&k->acl, words, sizeof(words));
	root = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:o, "
	    "s:o, s:o, s:s, s:o, s:s}",
	    "file", k->file,
	    "app", k->app,
	    "ident", k->ident,
	    "plainname", k->plainname,
	    "type", k->type,
	    "size", (json_int_t)k->size,
	    "curve", k->curve,
	    "created", k->created,
	    "protection", k->on_token ? "pkcs11" : "module",
	    "world", off_json_new_hex(k->world, sizeof(k->world)),
	    "module", off_json_new_hex(k->module, sizeof(k->module)),
	    "acl", acl_json(&k->acl),
	    "acl_words", words,
	    "history", history_json(k),
	    "acl_signer", k->signer);
	if (root != NULL && k->on_token)
		json_object_set_new(root, "token", json_pack("{s:s, s:o}",
		    "label", k->tlabel, "id", off_json_new_hex(k->tid,
		    sizeof(k->tid))));
	if (root != NULL && k->pub != NULL) {
		EVP_Digest(k->pub, k->publen, fp, NULL, EVP_sha256(), NULL);
		json_object_set_new(root, "fingerprint",
		    off_json_new_hex(fp, sizeof(fp)));
	}
	if (root == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	ret = off_json_dump(root, out, NULL, err);
	json_decref(root);
	return ret;
}

const struct off_acl *
off_key_acl(const struct off_key *k)
{
	return &k->acl;
}

const char *
off_key_type(const struct off_key *k)
{
	return k->type;
}

unsigned
off_key_bits(const struct off_key *k)
{
	return k->size;
}

const uint8_t *
off_key_token_id(const struct off_key *k)
{
	return k->on_token ? k->tid : NULL;
}

const char *
off_key_app(const struct off_key *k)
{
	return k->app;
}

const char *
off_key_ident(const struct off_key *k)
{
	return k->ident;
}

const char *
off_key_file_name(const struct off_key *k)
{
	return k->file;
}

/* The type, size and curve of an existing private key. */
static int
describe_pkey(EVP_PKEY *pk, struct off_key *k, int allow_legacy,
    const struct off_frontend *fe, struct off_err *err)
{
	char	group[64];
	size_t	i, glen;
	int	bits = EVP_PKEY_get_bits(pk);

	if (EVP_PKEY_is_a(pk, "RSA")) {
		snprintf(k->type, sizeof(k->type), "rsa");
		if (bits == 1024 && !allow_legacy)
			return off_err_set(err, OFF_ERR_INVALID, NULL,
			    _("the key is RSA 1024; import it only with "
			    "--allow-legacy"));
		if (bits != 1024 && bits != 2048 && bits != 3072 &&
		    bits != 4096)
			return off_err_set(err, OFF_ERR_INVALID, NULL,
			    _("RSA keys of %d bits are not accepted; only 2048, "
			    "3072, 4096 (and 1024 with --allow-legacy)"), bits);
		if (bits < 2048)
			off_fe_notice(fe, OFF_NOTICE_WARNING, "%s",
			    _("RSA 1024 is legacy and weak; use it only to "
			    "migrate an existing key"));
		k->size = (unsigned)bits;
		return 0;
	}
	if (EVP_PKEY_is_a(pk, "EC") &&
	    EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, sizeof(group), &glen) == 1) {
		static const char *const alias[][2] = {
			{ "prime256v1", "p256" }, { "P-256", "p256" },
			{ "secp384r1", "p384" }, { "P-384", "p384" },
			{ "secp521r1", "p521" }, { "P-521", "p521" },
			{ "secp256k1", "secp256k1" },
		};

		for (i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
			if (strcmp(group, alias[i][0]) == 0) {
				snprintf(k->type, sizeof(k->type), "ec");
				snprintf(k->curve, sizeof(k->curve), "%s",
				    alias[i][1]);
				k->size = (unsigned)bits;
				return 0;
			}
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("the key's curve %s is not supported"), group);
	}
	ERR_clear_error();
	return off_err_set(err, OFF_ERR_INVALID, NULL,
	    _("only RSA and EC keys can be imported"));
}

struct pass_ctx {
	const struct off_frontend	*fe;
	const char			*label;
	int				 asked;
	int				 gave_up;	/* why no password */
};

/* OpenSSL asks for the source file's password through the front end:
 * never from argv or the environment. */
static int
pass_cb(char *buf, int size, int rwflag, void *u)
{
	struct pass_ctx		*pc = u;
	struct off_pin_request	 req;
	char			*p = NULL;
	size_t			 len;

	(void)rwflag;
	if (pc->gave_up != 0)
		return -1;	/* asked once: do not ask again */
	memset(&req, 0, sizeof(req));
	req.kind = OFF_PIN_PASSPHRASE;
	req.label = pc->label;
	req.tries_left = -1;
	pc->asked = 1;
	if ((pc->gave_up = off_ask_pin(pc->fe, &req, &p, &len)) != 0 ||
	    size <= 0 || len >= (size_t)size) {
		off_secfree(&p);
		return -1;
	}
	memcpy(buf, p, len);
	off_secfree(&p);
	return (int)len;
}

/* PKCS#12, PEM (plain or encrypted) or DER PKCS#8 (plain or
 * encrypted) or traditional DER. */
static EVP_PKEY *
read_private(const char *data, size_t len, struct pass_ctx *pc,
    struct off_err *err, const char *path)
{
	EVP_PKEY	*pk = NULL;
	PKCS12		*p12;
	BIO		*bio;
	const uint8_t	*p = (const uint8_t *)data;
	char		*pass = NULL;
	size_t		 plen;
	struct off_pin_request	req;

	if ((p12 = d2i_PKCS12(NULL, &p, (long)len)) != NULL) {
		if (PKCS12_parse(p12, "", &pk, NULL, NULL) != 1 &&
		    PKCS12_parse(p12, NULL, &pk, NULL, NULL) != 1) {
			ERR_clear_error();
			memset(&req, 0, sizeof(req));
			req.kind = OFF_PIN_PASSPHRASE;
			req.label = pc->label;
			req.tries_left = -1;
			pc->asked = 1;
			if ((pc->gave_up = off_ask_pin(pc->fe, &req, &pass,
			    &plen)) == 0 && PKCS12_parse(p12, pass, &pk, NULL,
			    NULL) != 1)
				pk = NULL;
			off_secfree(&pass);
		}
		PKCS12_free(p12);
		goto done;
	}
	if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL)
		goto done;
	if ((pk = PEM_read_bio_PrivateKey(bio, NULL, pass_cb, pc)) == NULL &&
	    !pc->asked) {
		(void)BIO_reset(bio);
		pk = d2i_PKCS8PrivateKey_bio(bio, NULL, pass_cb, pc);
		if (pk == NULL && !pc->asked) {
			p = (const uint8_t *)data;
			pk = d2i_AutoPrivateKey(NULL, &p, (long)len);
		}
	}
	BIO_free(bio);
done:
	ERR_clear_error();
	if (pk == NULL && pc->gave_up != 0)
		off_err_set(err, pc->gave_up, path, _("no password was given"));
	else if (pk == NULL)
		off_err_set(err, pc->asked ? OFF_ERR_BAD_PIN : OFF_ERR_FORMAT,
		    path, pc->asked ? _("wrong password, or the file is "
		    "damaged") : _("not a private key (PKCS#8, PKCS#12 or PEM)"));
	return pk;
}

int
off_key_import(const char *kmdata, const struct off_world *w,
    const struct off_key_params *p, const char *from,
    const struct off_frontend *fe, struct off_key **out, struct off_err *err)
{
	struct off_key		*k = NULL;
	struct off_module	*m = NULL;
	struct pass_ctx		 pc;
	EVP_PKEY		*pk = NULL, *mkey = NULL;
	char			*data = NULL, path[PATH_MAX], label[PATH_MAX + 32];
	const char		*base;
	uint8_t			*priv = NULL, *der = NULL;
	size_t			 len = 0, dlen;
	int			 n, ret;

	*out = NULL;
	if (off_key_ident_ok(p->ident) != 0 || off_key_ident_ok(p->app) != 0 ||
	    strlen(p->app) > OFF_KEY_APP_MAX || strcmp(p->app, "xferacld") == 0)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("bad ident \"%s\" or application \"%s\": use 1 to 64 "
		    "lower-case letters, digits and dashes"), p->ident, p->app);
	if (p->plainname != NULL && (strlen(p->plainname) > OFF_KEY_NAME_MAX ||
	    !printable(p->plainname)))
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("the plain name must be at most %d characters, none of "
		    "them control characters"), OFF_KEY_NAME_MAX);
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	snprintf(k->app, sizeof(k->app), "%s", p->app);
	snprintf(k->ident, sizeof(k->ident), "%s", p->ident);
	snprintf(k->plainname, sizeof(k->plainname), "%s",
	    p->plainname != NULL ? p->plainname : p->ident);
	key_file_name(k);
	if (off_path_join(path, sizeof(path), kmdata, k->file) != 0 ||
	    access(path, F_OK) == 0) {
		ret = off_err_set(err, OFF_ERR_EXISTS, path,
		    _("a key with this ident already exists; choose another "
		    "ident"));
		goto out;
	}
	if ((ret = off_file_read(from, 64 * 1024, &data, &dlen, err)) != 0)
		goto out;
	snprintf(label, sizeof(label), _("Password of %s"), from);
	memset(&pc, 0, sizeof(pc));
	pc.fe = fe;
	pc.label = label;
	pk = read_private(data, dlen, &pc, err, from);
	off_wipe(data, dlen);
	if (pk == NULL) {
		ret = err != NULL ? err->code : OFF_ERR_FORMAT;
		goto out;
	}
	if ((ret = describe_pkey(pk, k, p->allow_legacy, fe, err)) != 0)
		goto out;
	memcpy(k->world, off_world_id(w), sizeof(k->world));
	off_utc_now(k->created);
	if ((n = i2d_PUBKEY(pk, &der)) <= 0 ||
	    (k->pub = malloc((size_t)n)) == NULL) {
		ret = off_err_crypto(err, _("cannot encode the public key"));
		goto out;
	}
	memcpy(k->pub, der, (size_t)n);
	k->publen = (size_t)n;
	if ((ret = key_private_der(pk, &priv, &len, err)) != 0 ||
	    (ret = seal_key(kmdata, w, k, priv, len, &m, err)) != 0)
		goto out;
	k->acl.groups = OFF_ACL_SIGN | OFF_ACL_DECRYPT | OFF_ACL_RECOVER |
	    OFF_ACL_CHANGE | (p->exportable ? OFF_ACL_EXPORT_PLAIN : 0);
	base = strrchr(from, '/');
	if ((ret = add_event(k, "imported", base != NULL ? base + 1 : from,
	    err)) != 0 ||
	    (ret = off_module_signing_key(m, &mkey, err)) != 0 ||
	    (ret = acl_sign(k, "module", mkey, NULL, err)) != 0 ||
	    (ret = key_write(kmdata, k, OFF_WRITE_NOREPLACE, err)) != 0)
		goto out;
	*out = k;
	k = NULL;
out:
	OPENSSL_free(der);
	free(data);
	EVP_PKEY_free(pk);
	EVP_PKEY_free(mkey);
	off_module_free(&m);
	off_secfree(&priv);
	off_key_free(&k);
	return ret;
}

int
off_key_backup(const char *kmdata, const struct off_world *w,
    const struct off_key *k, const char *dir, struct off_err *err)
{
	struct off_world	*there = NULL;
	char			 src[PATH_MAX], dst[PATH_MAX], *data = NULL;
	size_t			 len;
	int			 ret, wrote_world = 0;

	if ((ret = off_mkdirs(dir, err)) != 0)
		return ret;
	/* The world file travels with the key: it holds the module key
	 * sealed under the recovery secret. */
	if (off_path_join(dst, sizeof(dst), dir, OFF_WORLD_FILE) != 0)
		return off_err_set(err, OFF_ERR_TOO_LARGE, dir,
		    _("path too long"));
	if (access(dst, F_OK) == 0) {
		if ((ret = off_world_load_file(dst, &there, err)) != 0)
			return ret;
		ret = memcmp(off_world_id(there), off_world_id(w),
		    OFF_WORLD_ID_LEN) == 0 ? 0 : off_err_set(err,
		    OFF_ERR_WRONG_WORLD, dst, _("the backup directory holds "
		    "another world; use another directory"));
		off_world_free(&there);
		if (ret != 0)
			return ret;
	} else {
		if (off_path_join(src, sizeof(src), kmdata, OFF_WORLD_FILE) !=
		    0 || (ret = off_file_read(src, OFF_FILE_MAX, &data, &len,
		    err)) != 0)
			return ret != 0 ? ret : OFF_ERR_TOO_LARGE;
		ret = off_file_write(dst, data, len, OFF_WRITE_NOREPLACE, err);
		free(data);
		data = NULL;
		if (ret != 0)
			return ret;
		wrote_world = 1;
	}
	if (off_path_join(src, sizeof(src), kmdata, k->file) != 0 ||
	    off_path_join(dst, sizeof(dst), dir, k->file) != 0)
		return off_err_set(err, OFF_ERR_TOO_LARGE, dir,
		    _("path too long"));
	if ((ret = off_file_read(src, 64 * 1024, &data, &len, err)) == 0)
		ret = off_file_write(dst, data, len, OFF_WRITE_NOREPLACE, err);
	free(data);
	if (ret != 0 && wrote_world &&
	    off_path_join(dst, sizeof(dst), dir, OFF_WORLD_FILE) == 0)
		(void)off_file_remove(dst, NULL);
	return ret;
}

int
off_key_recover(const char *kmdata, const struct off_world *w,
    const char *dir, const char *app, const char *ident,
    struct off_key **out, struct off_err *err)
{
	struct off_key	*k = NULL;
	uint8_t		*priv = NULL;
	char		 dst[PATH_MAX], *data = NULL, name[PATH_MAX + 100];
	size_t		 len;
	int		 ret;

	*out = NULL;
	if (off_key_ident_ok(ident) != 0 || off_key_ident_ok(app) != 0 ||
	    strlen(app) > OFF_KEY_APP_MAX)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("bad ident \"%s\""), ident);
	/* Read once: what is checked is what is written. */
	snprintf(name, sizeof(name), "%s/key_%s_%s", dir, app, ident);
	if ((ret = off_file_read(name, 64 * 1024, &data, &len, err)) != 0)
		return ret;
	if ((ret = key_from_buf(data, len, name, w, &k, err)) != 0)
		goto out;
	if (!(k->acl.groups & OFF_ACL_RECOVER)) {
		ret = off_err_set(err, OFF_ERR_DENIED, k->file,
		    _("the key's ACL does not allow recovery"));
		goto out;
	}
	/* Only a module of this world opens it: the world must have been
	 * restored here, which took a quorum of cards. */
	if ((ret = open_key(kmdata, w, k, &priv, err)) != 0)
		goto out;
	if (off_path_join(dst, sizeof(dst), kmdata, k->file) != 0) {
		ret = off_err_set(err, OFF_ERR_TOO_LARGE, kmdata,
		    _("path too long"));
		goto out;
	}
	if ((ret = off_file_write(dst, data, len, OFF_WRITE_NOREPLACE,
	    err)) == 0) {
		*out = k;
		k = NULL;
	}
out:
	free(data);
	off_secfree(&priv);
	off_key_free(&k);
	return ret;
}

int
off_key_rekey(const char *kmdata, const struct off_world *w,
    const struct off_key *old, const struct off_frontend *fe,
    struct off_key **out, struct off_err *err)
{
	struct off_key_params	 p;
	struct off_key		*nk = NULL, *ov = NULL;
	struct off_module	*m = NULL;
	EVP_PKEY		*mkey = NULL;
	const char		*group = NULL;
	char			 vident[OFF_KEY_IDENT_MAX + 1], path[PATH_MAX];
	char			 vpath[PATH_MAX];
	uint8_t			*priv = NULL;
	size_t			 len = 0;
	struct off_key		*now = NULL;
	unsigned		 v;
	int			 ret, wrote_old = 0, dfd = -1;

	*out = NULL;
	if (was_reduced(old) || !(old->acl.groups & OFF_ACL_CHANGE))
		return off_err_set(err, OFF_ERR_DENIED, old->file,
		    _("the key's ACL does not allow changing it, so it cannot "
		    "be re-keyed"));
	/* One re-key at a time, and only of the key as it is on disk:
	 * re-keying a stale copy would drop a generation. */
	if ((dfd = open(kmdata, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    flock(dfd, LOCK_EX) != 0) {
		ret = off_err_errno(err, OFF_ERR_IO, errno, kmdata,
		    _("cannot lock KMDATA"));
		goto out;
	}
	if ((ret = off_key_load(kmdata, w, old->app, old->ident, &now,
	    err)) != 0)
		goto out;
	if (now->siglen != old->siglen ||
	    memcmp(now->sig, old->sig, old->siglen) != 0) {
		ret = off_err_set(err, OFF_ERR_EXISTS, old->file,
		    _("the key changed since it was read (re-keyed meanwhile?); "
		    "run the command again"));
		goto out;
	}
	/* The old key keeps its material under a versioned ident. */
	for (v = 1; v < 1000; v++) {
		int	n = snprintf(vident, sizeof(vident), "%s-v%u",
		    old->ident, v);
		char	vname[160];

		if (n < 0 || (size_t)n >= sizeof(vident)) {
			ret = off_err_set(err, OFF_ERR_INVALID, old->file,
			    _("the ident is too long to keep versions"));
			goto out;
		}
		snprintf(vname, sizeof(vname), "key_%s_%s", old->app, vident);
		if (off_path_join(vpath, sizeof(vpath), kmdata, vname) == 0 &&
		    access(vpath, F_OK) != 0)
			break;
	}
	if ((ov = key_dup(old)) == NULL ||
	    (nk = calloc(1, sizeof(*nk))) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	snprintf(ov->ident, sizeof(ov->ident), "%s", vident);
	key_file_name(ov);
	/* Decrypt only from now on: the module may narrow what it issued. */
	ov->acl.groups &= OFF_ACL_DECRYPT | OFF_ACL_RECOVER;
	memset(ov->acl.kek, 0, sizeof(ov->acl.kek));
	ov->acl.target[0] = '\0';
	memset(&p, 0, sizeof(p));
	p.app = old->app;
	p.ident = old->ident;
	p.plainname = old->plainname;
	p.type = old->type;
	p.size = old->size;
	p.curve = *old->curve ? old->curve : NULL;
	/* A re-key is the moment to leave RSA 1024 behind. */
	if (strcmp(old->type, "rsa") == 0 && old->size < 2048) {
		p.size = 2048;
		off_fe_notice(fe, OFF_NOTICE_INFO, "%s", _("the legacy RSA "
		    "1024 key is re-keyed as RSA 2048"));
	}
	if ((ret = check_params(&p, nk, &group, fe, err)) != 0)
		goto out;
	snprintf(nk->app, sizeof(nk->app), "%s", old->app);
	snprintf(nk->ident, sizeof(nk->ident), "%s", old->ident);
	snprintf(nk->plainname, sizeof(nk->plainname), "%s", old->plainname);
	key_file_name(nk);
	memcpy(nk->world, off_world_id(w), sizeof(nk->world));
	off_utc_now(nk->created);
	nk->acl = old->acl;
	/* The new version carries the story so far. */
	memcpy(nk->history, old->history, sizeof(nk->history));
	nk->nhistory = old->nhistory;
	if ((ret = open_key(kmdata, w, old, &priv, err)) != 0 ||
	    (ret = seal_key(kmdata, w, ov, priv, old->priv.len, &m,
	    err)) != 0)
		goto out;
	off_secfree(&priv);
	if ((ret = make_material(&p, nk, group, fe, &priv, &len, err)) != 0 ||
	    (ret = seal_key(kmdata, w, nk, priv, len, NULL, err)) != 0 ||
	    (ret = add_event(ov, "rekeyed-to", nk->file, err)) != 0 ||
	    (ret = add_event(nk, "rekeyed-from", ov->file, err)) != 0 ||
	    (ret = off_module_signing_key(m, &mkey, err)) != 0 ||
	    (ret = acl_sign(ov, "module", mkey, NULL, err)) != 0 ||
	    (ret = acl_sign(nk, "module", mkey, NULL, err)) != 0)
		goto out;
	/* The old version first; only then replace the current file. */
	if ((ret = key_write(kmdata, ov, OFF_WRITE_NOREPLACE, err)) != 0)
		goto out;
	wrote_old = 1;
	if ((ret = key_write(kmdata, nk, OFF_WRITE_REPLACE, err)) != 0)
		goto out;
	*out = nk;
	nk = NULL;
out:
	if (ret != 0 && wrote_old &&
	    off_path_join(path, sizeof(path), kmdata, ov->file) == 0)
		(void)off_file_remove(path, NULL);
	if (dfd != -1)
		close(dfd);
	off_key_free(&now);
	EVP_PKEY_free(mkey);
	off_module_free(&m);
	off_secfree(&priv);
	off_key_free(&ov);
	off_key_free(&nk);
	return ret;
}

#define KEY_TRANSFER_DOMAIN	"officiant key transfer v1"

int
off_key_transfer(const char *kmdata, const struct off_world *w,
    const struct off_key *key, const char *to_kmdata,
    const struct off_world *to, struct off_slot *slot,
    struct off_slot *to_slot, const struct off_frontend *fe,
    struct off_key_transfer *out, struct off_err *err)
{
	struct off_key	*k = NULL;
	struct off_tbs	 t;
	uint8_t		*priv = NULL, *secret = NULL;
	EVP_PKEY	*wkey = NULL;
	char		 path[PATH_MAX], ref[96], wid[OFF_WORLD_ID_HEX];
	char		 tid[OFF_WORLD_ID_HEX];
	int		 ret;

	memset(out, 0, sizeof(*out));
	memset(&t, 0, sizeof(t));
	if (!(key->acl.groups & OFF_ACL_RECOVER) || was_reduced(key))
		return off_err_set(err, OFF_ERR_DENIED, key->file,
		    _("the key's ACL does not allow recovery, so it cannot "
		    "leave its world"));
	if (memcmp(off_world_id(w), off_world_id(to), OFF_WORLD_ID_LEN) == 0)
		return off_err_set(err, OFF_ERR_INVALID, to_kmdata,
		    _("the destination is the key's own world"));
	if ((k = key_dup(key)) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	if (off_path_join(path, sizeof(path), to_kmdata, k->file) != 0) {
		ret = off_err_set(err, OFF_ERR_TOO_LARGE, to_kmdata,
		    _("path too long"));
		goto out;
	}
	if (access(path, F_OK) == 0) {
		ret = off_err_set(err, OFF_ERR_EXISTS, path,
		    _("the destination world already has a key of this name"));
		goto out;
	}
	off_world_id_hex(w, wid);
	off_world_id_hex(to, tid);
	memcpy(k->world, off_world_id(to), sizeof(k->world));
	/* Locked to the destination: nobody there can take it out again
	 * or widen what it may do (the reference's closing procedure). */
	k->acl.groups &= ~(unsigned)(OFF_ACL_RECOVER | OFF_ACL_CHANGE |
	    OFF_ACL_EXPORT_PLAIN);
	snprintf(ref, sizeof(ref), "world %.64s", wid);
	if ((ret = add_event(k, "transferred-in", ref, err)) != 0)
		goto out;
	/* The source world's quorum lets the key go: its world key signs
	 * what leaves, and for where. */
	off_fe_notice(fe, OFF_NOTICE_INFO, _("Cards of the key's world "
	    "%.16s... (source)"), wid);
	off_tbs_init(&t, KEY_TRANSFER_DOMAIN);
	off_tbs_str(&t, key->file);
	off_tbs_bytes(&t, key->pub, key->publen);
	off_tbs_bytes(&t, key->sig, key->siglen);
	off_tbs_bytes(&t, off_world_id(to), OFF_WORLD_ID_LEN);
	off_tbs_str(&t, k->history[k->nhistory - 1].time);
	if ((ret = off_tbs_ok(&t)) != 0) {
		off_err_set(err, ret, NULL, NULL);
		goto out;
	}
	out->siglen = sizeof(out->sig);
	if ((ret = off_quorum_collect(w, slot, fe, &secret, err)) != 0 ||
	    (ret = off_world_signing_key(w, secret, &wkey, err)) != 0 ||
	    (ret = off_world_sign(w, wkey, t.p, t.len, out->sig, &out->siglen,
	    err)) != 0)
		goto out;
	off_secfree(&secret);
	EVP_PKEY_free(wkey);
	wkey = NULL;
	/* The destination world's quorum takes it in. */
	off_fe_notice(fe, OFF_NOTICE_INFO, _("Cards of the destination world "
	    "%.16s..."), tid);
	if ((ret = off_quorum_collect(to, to_slot, fe, &secret, err)) != 0 ||
	    (ret = off_world_signing_key(to, secret, &wkey, err)) != 0 ||
	    (ret = open_key(kmdata, w, key, &priv, err)) != 0 ||
	    (ret = seal_key(to_kmdata, to, k, priv, key->priv.len, NULL,
	    err)) != 0 ||
	    (ret = acl_sign(k, "world", wkey, to, err)) != 0 ||
	    (ret = key_write(to_kmdata, k, OFF_WRITE_NOREPLACE, err)) != 0)
		goto out;
	out->statement = t.p;
	out->statement_len = t.len;
	t.p = NULL;
	out->key = k;
	k = NULL;
out:
	/* No source signature for a transfer that did not happen. */
	if (ret != 0)
		memset(out, 0, sizeof(*out));
	off_tbs_free(&t);
	EVP_PKEY_free(wkey);
	off_secfree(&secret);
	off_secfree(&priv);
	off_key_free(&k);
	return ret;
}

void
off_key_transfer_free(struct off_key_transfer *x)
{
	free(x->statement);
	off_key_free(&x->key);
	memset(x, 0, sizeof(*x));
}
