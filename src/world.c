#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "encode.h"
#include "error.h"
#include "fileio.h"
#include "i18n.h"
#include "json.h"
#include "secmem.h"
#include "world-int.h"

#define WORLD_TBS_DOMAIN	"officiant world v1"
#define WORLD_MAX_CARDS		OFF_SHAMIR_MAX
#define WORLD_MAX_MODULES	16

static const char *
state_name(enum off_card_state s)
{
	return s == OFF_CARD_ACTIVE ? "active" : "retired";
}

static void
tbs_sealed(struct off_tbs *t, const struct off_sealed *s)
{
	off_tbs_bytes(t, s->nonce, sizeof(s->nonce));
	off_tbs_bytes(t, s->tag, sizeof(s->tag));
	off_tbs_bytes(t, s->ct, s->len);
}

static void
tbs_token(struct off_tbs *t, const struct off_module_token *tok)
{
	off_tbs_str(t, "pkcs11 token");
	off_tbs_str(t, tok->library);
	off_tbs_str(t, tok->label);
	off_tbs_str(t, tok->serial);
	off_tbs_str(t, tok->manufacturer);
	off_tbs_str(t, tok->model);
	if (tok->so_quorum)
		off_tbs_str(t, "security officer: quorum");
}

/* Every field of the world but the signature, unambiguously. */
static int
world_tbs(const struct off_world *w, struct off_tbs *t)
{
	unsigned	i;

	off_tbs_init(t, WORLD_TBS_DOMAIN);
	off_tbs_bytes(t, w->id, sizeof(w->id));
	off_tbs_str(t, off_suite_name(w->suite));
	off_tbs_str(t, w->created);
	off_tbs_u32(t, w->k);
	off_tbs_u32(t, w->n);
	off_tbs_u32(t, w->pin_tries);
	off_tbs_bytes(t, w->card_set, sizeof(w->card_set));
	off_tbs_bytes(t, w->pub_der, w->pub_len);
	off_tbs_bytes(t, w->commit, sizeof(w->commit));
	tbs_sealed(t, &w->signing_key);
	off_tbs_u32(t, w->ncards);
	for (i = 0; i < w->ncards; i++) {
		off_tbs_u32(t, w->cards[i].index);
		off_tbs_bytes(t, w->cards[i].id, sizeof(w->cards[i].id));
		off_tbs_bytes(t, w->cards[i].tag, sizeof(w->cards[i].tag));
		off_tbs_str(t, state_name(w->cards[i].state));
	}
	off_tbs_u32(t, w->nmodules);
	for (i = 0; i < w->nmodules; i++) {
		off_tbs_str(t, w->modules[i].backend);
		off_tbs_bytes(t, w->modules[i].id, sizeof(w->modules[i].id));
		off_tbs_str(t, w->modules[i].created);
		off_tbs_bytes(t, w->modules[i].check,
		    sizeof(w->modules[i].check));
		off_tbs_bytes(t, w->modules[i].public_key,
		    sizeof(w->modules[i].public_key));
		tbs_sealed(t, &w->modules[i].recovery);
		/* Only a module with a token: other worlds sign as before. */
		if (*w->modules[i].token.library != '\0')
			tbs_token(t, &w->modules[i].token);
	}
	return off_tbs_ok(t);
}

int
world_sign(struct off_world *w, EVP_PKEY *key, struct off_err *err)
{
	struct off_tbs	t;
	int		ret;

	if ((ret = world_tbs(w, &t)) != 0)
		ret = off_err_set(err, ret, NULL, NULL);
	else
		ret = off_suite_sign(w->suite, key, t.p, t.len, w->sig,
		    &w->siglen, err);
	off_tbs_free(&t);
	return ret;
}

static int
world_verify(const struct off_world *w, const char *name, struct off_err *err)
{
	struct off_tbs	t;
	int		ret;

	if ((ret = world_tbs(w, &t)) != 0)
		ret = off_err_set(err, ret, NULL, NULL);
	else if (off_suite_verify(w->suite, w->pub, t.p, t.len, w->sig,
	    w->siglen) != 0)
		ret = off_err_set(err, OFF_ERR_AUTH, name,
		    _("the world file's signature does not verify: the file "
		    "was altered; restore it from a backup"));
	off_tbs_free(&t);
	return ret;
}

static int
sigkey_derive(const struct off_world *w, const uint8_t *secret, uint8_t *key,
    struct off_tbs *aad, struct off_err *err)
{
	int	ret;

	off_tbs_init(aad, WORLD_SIGKEY_LABEL);
	off_tbs_bytes(aad, w->id, sizeof(w->id));
	if ((ret = off_tbs_ok(aad)) != 0)
		return off_err_set(err, ret, NULL, NULL);
	return off_hkdf(secret, OFF_SECRET_LEN, WORLD_SIGKEY_LABEL, key,
	    OFF_KEY_LEN, err);
}

int
world_sigkey_seal(struct off_world *w, const uint8_t *secret, EVP_PKEY *key,
    struct off_err *err)
{
	struct off_tbs	 aad;
	uint8_t		*k = NULL, *der = NULL;
	int		 len, ret;

	memset(&aad, 0, sizeof(aad));
	if ((k = off_secalloc(OFF_KEY_LEN)) == NULL)
		return off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
	if ((len = i2d_PrivateKey(key, NULL)) <= 0 || len > 4096 ||
	    (der = off_secalloc((size_t)len)) == NULL) {
		ret = off_err_crypto(err, _("cannot encode the world key"));
		goto out;
	}
	{
		uint8_t	*p = der;

		if (i2d_PrivateKey(key, &p) != len) {
			ret = off_err_crypto(err,
			    _("cannot encode the world key"));
			goto out;
		}
	}
	if ((ret = sigkey_derive(w, secret, k, &aad, err)) != 0)
		goto out;
	off_sealed_free(&w->signing_key);
	ret = off_seal(k, aad.p, aad.len, der, (size_t)len, &w->signing_key,
	    err);
out:
	off_tbs_free(&aad);
	off_secfree(&der);
	off_secfree(&k);
	return ret;
}

int
off_world_signing_key(const struct off_world *w,
    const uint8_t secret[OFF_SECRET_LEN], EVP_PKEY **key, struct off_err *err)
{
	struct off_tbs	 aad;
	uint8_t		*k = NULL, *der = NULL;
	const uint8_t	*p;
	int		 ret;

	*key = NULL;
	memset(&aad, 0, sizeof(aad));
	if ((k = off_secalloc(OFF_KEY_LEN)) == NULL ||
	    (der = off_secalloc(w->signing_key.len)) == NULL) {
		ret = off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
		goto out;
	}
	if ((ret = sigkey_derive(w, secret, k, &aad, err)) != 0 ||
	    (ret = off_open(k, aad.p, aad.len, &w->signing_key, der,
	    err)) != 0)
		goto out;
	p = der;
	if ((*key = d2i_AutoPrivateKey(NULL, &p, (long)w->signing_key.len)) ==
	    NULL || off_suite_check_key(w->suite, *key) != 0 ||
	    EVP_PKEY_eq(*key, w->pub) != 1) {
		EVP_PKEY_free(*key);
		*key = NULL;
		ERR_clear_error();
		ret = off_err_set(err, OFF_ERR_AUTH, NULL,
		    _("the sealed world key does not match the world"));
	}
out:
	off_tbs_free(&aad);
	off_secfree(&der);
	off_secfree(&k);
	return ret;
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
token_json(const struct off_module_token *t)
{
	json_t	*o;

	o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "library", t->library,
	    "label", t->label, "serial", t->serial, "manufacturer",
	    t->manufacturer, "model", t->model);
	if (o != NULL && t->so_quorum && json_object_set_new(o,
	    "security_officer", json_string("quorum")) != 0) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

int
world_serialize(const struct off_world *w, char **out, size_t *len,
    struct off_err *err)
{
	json_t		*root, *cards, *mods, *v;
	unsigned	 i;
	int		 ret, bad = 0;

	cards = json_array();
	mods = json_array();
	for (i = 0; cards != NULL && i < w->ncards; i++) {
		v = json_pack("{s:I, s:o, s:o, s:s}",
		    "index", (json_int_t)w->cards[i].index,
		    "card_id", off_json_new_hex(w->cards[i].id,
		    sizeof(w->cards[i].id)),
		    "share_tag", off_json_new_b64(w->cards[i].tag,
		    sizeof(w->cards[i].tag)),
		    "state", state_name(w->cards[i].state));
		bad |= json_array_append_new(cards, v) != 0;
	}
	for (i = 0; mods != NULL && i < w->nmodules; i++) {
		v = json_pack("{s:s, s:o, s:s, s:o, s:o, s:o}",
		    "backend", w->modules[i].backend,
		    "module", off_json_new_hex(w->modules[i].id,
		    sizeof(w->modules[i].id)),
		    "created", w->modules[i].created,
		    "key_check", off_json_new_b64(w->modules[i].check,
		    sizeof(w->modules[i].check)),
		    "public_key", off_json_new_b64(w->modules[i].public_key,
		    sizeof(w->modules[i].public_key)),
		    "recovery", sealed_json(&w->modules[i].recovery));
		if (v != NULL && *w->modules[i].token.library != '\0')
			bad |= json_object_set_new(v, "token",
			    token_json(&w->modules[i].token)) != 0;
		bad |= json_array_append_new(mods, v) != 0;
	}
	root = json_pack("{s:s, s:i, s:o, s:s, s:s, s:{s:I, s:I}, s:I, s:o, "
	    "s:o, s:o, s:o, s:o, s:o, s:o}",
	    "format", WORLD_FORMAT,
	    "version", 1,
	    "world", off_json_new_hex(w->id, sizeof(w->id)),
	    "cipher_suite", off_suite_name(w->suite),
	    "created", w->created,
	    "quorum", "k", (json_int_t)w->k, "n", (json_int_t)w->n,
	    "pin_tries", (json_int_t)w->pin_tries,
	    "card_set", off_json_new_hex(w->card_set, sizeof(w->card_set)),
	    "public_key", off_json_new_b64(w->pub_der, w->pub_len),
	    "secret_commitment", off_json_new_b64(w->commit,
	    sizeof(w->commit)),
	    "signing_key", sealed_json(&w->signing_key),
	    "cards", cards,
	    "modules", mods,
	    "signature", off_json_new_b64(w->sig, w->siglen));
	if (root == NULL || bad) {
		json_decref(root);
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	}
	ret = off_json_dump(root, out, len, err);
	json_decref(root);
	return ret;
}

static const char *const world_keys[] = { "format", "version", "world",
    "cipher_suite", "created", "quorum", "pin_tries", "card_set",
    "public_key", "secret_commitment", "signing_key", "cards", "modules",
    "signature", NULL };
static const char *const quorum_keys[] = { "k", "n", NULL };
static const char *const sealed_keys[] = { "nonce", "ciphertext", "tag",
    NULL };
static const char *const wcard_keys[] = { "index", "card_id", "share_tag",
    "state", NULL };
static const char *const wmod_keys[] = { "backend", "module", "created",
    "key_check", "public_key", "recovery", "token", NULL };
static const char *const token_keys[] = { "library", "label", "serial",
    "manufacturer", "model", "security_officer", NULL };

static int
parse_sealed(json_t *obj, const char *key, size_t max, struct off_sealed *s,
    const char *name, struct off_err *err)
{
	json_t	*o;
	uint8_t	*buf;
	size_t	 n;
	char	 path[64];

	snprintf(path, sizeof(path), "%s.", key);
	if (off_json_obj(obj, key, &o, name, err) ||
	    off_json_only(o, sealed_keys, name, path, err) ||
	    off_json_b64(o, "nonce", s->nonce, sizeof(s->nonce),
	    sizeof(s->nonce), NULL, name, err) ||
	    off_json_b64(o, "tag", s->tag, sizeof(s->tag), sizeof(s->tag),
	    NULL, name, err))
		return OFF_ERR_FORMAT;
	if ((buf = malloc(max)) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	if (off_json_b64(o, "ciphertext", buf, 1, max, &n, name, err)) {
		free(buf);
		return OFF_ERR_FORMAT;
	}
	s->ct = buf;
	s->len = n;
	return 0;
}

static int
parse_cards(struct off_world *w, json_t *arr, const char *name,
    struct off_err *err)
{
	json_t		*c;
	const char	*s;
	long long	 v;
	unsigned	 i, j, active = 0;

	if ((w->cards = calloc(json_array_size(arr) + 1,
	    sizeof(*w->cards))) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	for (i = 0; i < json_array_size(arr); i++) {
		struct world_card	*wc = &w->cards[i];

		c = json_array_get(arr, i);
		if (!json_is_object(c))
			return off_err_set(err, OFF_ERR_FORMAT, name,
			    _("cards[%u] is not an object"), i);
		if (off_json_only(c, wcard_keys, name, "cards[].", err) ||
		    off_json_int(c, "index", 1, w->n, &v, name, err) ||
		    off_json_hex(c, "card_id", wc->id, sizeof(wc->id), name,
		    err) ||
		    off_json_b64(c, "share_tag", wc->tag, sizeof(wc->tag),
		    sizeof(wc->tag), NULL, name, err) ||
		    off_json_str(c, "state", 16, &s, name, err))
			return OFF_ERR_FORMAT;
		wc->index = (unsigned)v;
		if (strcmp(s, "active") == 0) {
			wc->state = OFF_CARD_ACTIVE;
			active++;
		} else if (strcmp(s, "retired") == 0)
			wc->state = OFF_CARD_RETIRED;
		else
			return off_err_set(err, OFF_ERR_FORMAT, name,
			    _("cards[%u] has unknown state \"%s\""), i, s);
		w->ncards++;
		for (j = 0; j < i; j++) {
			if (memcmp(w->cards[j].id, wc->id, sizeof(wc->id)) == 0)
				return off_err_set(err, OFF_ERR_FORMAT, name,
				    _("card %u is listed twice"), wc->index);
			if (w->cards[j].index == wc->index &&
			    w->cards[j].state == OFF_CARD_ACTIVE &&
			    wc->state == OFF_CARD_ACTIVE)
				return off_err_set(err, OFF_ERR_FORMAT, name,
				    _("two active cards have index %u"),
				    wc->index);
		}
	}
	if (active != w->n)
		return off_err_set(err, OFF_ERR_FORMAT, name,
		    _("the world lists %u active cards; its quorum says %u"),
		    active, w->n);
	return 0;
}

/* The token of a pkcs11 module: printable strings of its sizes. */
static int
parse_token(json_t *m, struct off_module_token *t, const char *name,
    struct off_err *err)
{
	json_t		*o;
	const char	*s;
	struct {
		const char	*key;
		char		*buf;
		size_t		 len;
	} f[] = {
		{ "library", t->library, sizeof(t->library) },
		{ "label", t->label, sizeof(t->label) },
		{ "serial", t->serial, sizeof(t->serial) },
		{ "manufacturer", t->manufacturer, sizeof(t->manufacturer) },
		{ "model", t->model, sizeof(t->model) },
	};
	size_t		 i, j;

	if (off_json_obj(m, "token", &o, name, err) != 0 ||
	    off_json_only(o, token_keys, name, "modules[].token.", err) != 0)
		return OFF_ERR_FORMAT;
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (off_json_str(o, f[i].key, f[i].len - 1, &s, name, err) != 0)
			return OFF_ERR_FORMAT;
		for (j = 0; s[j] != '\0'; j++)
			if ((unsigned char)s[j] < 0x20 || s[j] == 0x7f)
				return off_err_set(err, OFF_ERR_FORMAT, name,
				    _("the module's token %s holds control "
				    "characters"), f[i].key);
		snprintf(f[i].buf, f[i].len, "%s", s);
	}
	if ((o = json_object_get(o, "security_officer")) != NULL) {
		if (!json_is_string(o) ||
		    strcmp(json_string_value(o), "quorum") != 0)
			return off_err_set(err, OFF_ERR_FORMAT, name,
			    _("modules[].token.security_officer: not "
			    "\"quorum\""));
		t->so_quorum = 1;
	}
	if (*t->library != '/')
		return off_err_set(err, OFF_ERR_FORMAT, name,
		    _("the module's token library is not an absolute path"));
	return 0;
}

static int
parse_modules(struct off_world *w, json_t *arr, const char *name,
    struct off_err *err)
{
	json_t		*m;
	const char	*s;
	unsigned	 i;

	if (json_array_size(arr) == 0)
		return off_err_set(err, OFF_ERR_FORMAT, name,
		    _("the world has no module"));
	if ((w->modules = calloc(json_array_size(arr),
	    sizeof(*w->modules))) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	for (i = 0; i < json_array_size(arr); i++) {
		struct world_module	*wm = &w->modules[i];

		m = json_array_get(arr, i);
		if (!json_is_object(m))
			return off_err_set(err, OFF_ERR_FORMAT, name,
			    _("modules[%u] is not an object"), i);
		if (off_json_only(m, wmod_keys, name, "modules[].", err) ||
		    off_json_str(m, "backend", sizeof(wm->backend) - 1, &s,
		    name, err))
			return OFF_ERR_FORMAT;
		snprintf(wm->backend, sizeof(wm->backend), "%s", s);
		if (off_json_hex(m, "module", wm->id, sizeof(wm->id), name,
		    err) ||
		    off_json_utc(m, "created", &s, name, err))
			return OFF_ERR_FORMAT;
		memcpy(wm->created, s, sizeof(wm->created));
		if (off_json_b64(m, "key_check", wm->check, sizeof(wm->check),
		    sizeof(wm->check), NULL, name, err) ||
		    off_json_b64(m, "public_key", wm->public_key,
		    sizeof(wm->public_key), sizeof(wm->public_key), NULL, name,
		    err) ||
		    parse_sealed(m, "recovery", OFF_KEY_LEN, &wm->recovery,
		    name, err))
			return OFF_ERR_FORMAT;
		w->nmodules++;
		if ((strcmp(wm->backend, "pkcs11") == 0) !=
		    (json_object_get(m, "token") != NULL))
			return off_err_set(err, OFF_ERR_FORMAT, name,
			    _("a pkcs11 module needs its token, and only it has "
			    "one"));
		if (json_object_get(m, "token") != NULL &&
		    parse_token(m, &wm->token, name, err) != 0)
			return OFF_ERR_FORMAT;
	}
	return 0;
}

int
world_parse(const char *data, size_t len, const char *name,
    struct off_world **out, struct off_err *err)
{
	struct off_world	*w = NULL;
	json_t			*root = NULL, *q, *cards, *mods;
	const char		*s;
	const uint8_t		*p;
	uint8_t			 pub[1024], digest[32];
	size_t			 n;
	long long		 v;
	int			 ret = OFF_ERR_FORMAT;

	*out = NULL;
	if ((ret = off_json_load(data, len, name, WORLD_FORMAT, &root,
	    err)) != 0)
		goto out;
	ret = OFF_ERR_FORMAT;
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	if (off_json_only(root, world_keys, name, "", err) ||
	    off_json_hex(root, "world", w->id, sizeof(w->id), name, err) ||
	    off_json_str(root, "cipher_suite", 64, &s, name, err))
		goto out;
	if ((w->suite = off_suite_find(s)) == NULL) {
		off_err_set(err, OFF_ERR_UNSUPPORTED, name,
		    _("unknown cipher suite \"%s\""), s);
		goto out;
	}
	if (off_json_utc(root, "created", &s, name, err))
		goto out;
	memcpy(w->created, s, sizeof(w->created));
	if (off_json_obj(root, "quorum", &q, name, err) ||
	    off_json_only(q, quorum_keys, name, "quorum.", err) ||
	    off_json_int(q, "n", 1, OFF_SHAMIR_MAX, &v, name, err))
		goto out;
	w->n = (unsigned)v;
	if (off_json_int(q, "k", 1, w->n, &v, name, err))
		goto out;
	w->k = (unsigned)v;
	if (off_json_int(root, "pin_tries", 1, OFF_CARD_TRIES_MAX, &v, name,
	    err))
		goto out;
	w->pin_tries = (unsigned)v;
	if (off_json_hex(root, "card_set", w->card_set, sizeof(w->card_set),
	    name, err) ||
	    off_json_b64(root, "public_key", pub, 16, sizeof(pub), &n, name,
	    err))
		goto out;
	p = pub;
	if ((w->pub = d2i_PUBKEY(NULL, &p, (long)n)) == NULL ||
	    p != pub + n || off_suite_check_key(w->suite, w->pub) != 0) {
		ERR_clear_error();
		off_err_set(err, OFF_ERR_FORMAT, name,
		    _("the world's public key is not a %s key"),
		    off_suite_name(w->suite));
		goto out;
	}
	if ((w->pub_der = malloc(n)) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	memcpy(w->pub_der, pub, n);
	w->pub_len = n;
	if (EVP_Digest(pub, n, digest, NULL, EVP_sha256(), NULL) != 1 ||
	    memcmp(digest, w->id, sizeof(digest)) != 0) {
		off_err_set(err, OFF_ERR_AUTH, name,
		    _("the world identity is not the hash of its public key"));
		ret = OFF_ERR_AUTH;
		goto out;
	}
	if (off_json_b64(root, "secret_commitment", w->commit,
	    sizeof(w->commit), sizeof(w->commit), NULL, name, err) ||
	    parse_sealed(root, "signing_key", 4096, &w->signing_key, name,
	    err) ||
	    off_json_array(root, "cards", WORLD_MAX_CARDS, &cards, name, err) ||
	    parse_cards(w, cards, name, err) ||
	    off_json_array(root, "modules", WORLD_MAX_MODULES, &mods, name,
	    err) ||
	    parse_modules(w, mods, name, err) ||
	    off_json_b64(root, "signature", w->sig, 1, sizeof(w->sig),
	    &w->siglen, name, err))
		goto out;
	if ((ret = world_verify(w, name, err)) != 0)
		goto out;
	*out = w;
	w = NULL;
	ret = 0;
out:
	json_decref(root);
	off_world_free(&w);
	return ret;
}

int
off_world_load_file(const char *path, struct off_world **w,
    struct off_err *err)
{
	char	*data = NULL;
	size_t	 len;
	int	 ret;

	*w = NULL;
	if ((ret = off_file_read(path, OFF_FILE_MAX, &data, &len, err)) != 0)
		return ret;
	ret = world_parse(data, len, path, w, err);
	free(data);
	return ret;
}

int
off_world_load(const char *kmdata, struct off_world **w, struct off_err *err)
{
	char	path[PATH_MAX];
	int	ret;

	if (off_path_join(path, sizeof(path), kmdata, OFF_WORLD_FILE) != 0)
		return off_err_set(err, OFF_ERR_TOO_LARGE, kmdata,
		    _("path too long"));
	ret = off_world_load_file(path, w, err);
	if (ret == OFF_ERR_NOT_FOUND)
		return off_err_set(err, OFF_ERR_NO_WORLD, path,
		    _("no security world here; create one with "
		    "'officiant world create' or give --kmdata"));
	return ret;
}

void
off_world_free(struct off_world **wp)
{
	struct off_world	*w;
	unsigned		 i;

	if (wp == NULL || (w = *wp) == NULL)
		return;
	for (i = 0; w->modules != NULL && i < w->nmodules; i++)
		off_sealed_free(&w->modules[i].recovery);
	free(w->modules);
	free(w->cards);
	off_sealed_free(&w->signing_key);
	EVP_PKEY_free(w->pub);
	free(w->pub_der);
	free(w);
	*wp = NULL;
}

int
world_install(struct off_world *w, struct off_module *const *mods,
    const char *kmdata, struct off_err *err)
{
	char		 path[PATH_MAX], *data = NULL;
	size_t		 len;
	unsigned	 i, saved = 0;
	int		 ret;

	if (off_path_join(path, sizeof(path), kmdata, OFF_WORLD_FILE) != 0)
		return off_err_set(err, OFF_ERR_TOO_LARGE, kmdata,
		    _("path too long"));
	if ((ret = world_serialize(w, &data, &len, err)) != 0)
		return ret;
	/* Modules first: a world file is only ever there complete. */
	for (i = 0; i < w->nmodules; i++) {
		if ((ret = mods[i]->ops->save(mods[i], kmdata, err)) != 0)
			goto out;
		saved++;
	}
	ret = off_file_write(path, data, len, OFF_WRITE_NOREPLACE, err);
out:
	if (ret != 0)
		for (i = 0; i < saved; i++)
			mods[i]->ops->unsave(mods[i], kmdata);
	free(data);
	return ret;
}

const uint8_t *
off_world_id(const struct off_world *w)
{
	return w->id;
}

void
off_world_id_hex(const struct off_world *w, char out[OFF_WORLD_ID_HEX])
{
	off_hex(w->id, sizeof(w->id), out);
}

const char *
off_world_suite(const struct off_world *w)
{
	return off_suite_name(w->suite);
}

unsigned
off_world_k(const struct off_world *w)
{
	return w->k;
}

unsigned
off_world_n(const struct off_world *w)
{
	return w->n;
}

const uint8_t *
off_world_card_set(const struct off_world *w)
{
	return w->card_set;
}

const char *
off_world_created(const struct off_world *w)
{
	return w->created;
}

unsigned
off_world_pin_tries(const struct off_world *w)
{
	return w->pin_tries;
}

int
off_world_card(const struct off_world *w, unsigned i, unsigned *index,
    const uint8_t **card_id, enum off_card_state *state)
{
	if (i >= w->ncards)
		return OFF_ERR_NOT_FOUND;
	*index = w->cards[i].index;
	*card_id = w->cards[i].id;
	*state = w->cards[i].state;
	return 0;
}

static const struct world_card *
find_card(const struct off_world *w, const uint8_t id[OFF_CARD_ID_LEN])
{
	unsigned	i;

	for (i = 0; i < w->ncards; i++)
		if (memcmp(w->cards[i].id, id, OFF_CARD_ID_LEN) == 0)
			return &w->cards[i];
	return NULL;
}

int
off_world_check_card(const struct off_world *w, const struct off_card *card,
    struct off_err *err)
{
	const struct world_card	*wc;
	char			 mine[OFF_WORLD_ID_HEX], theirs[OFF_WORLD_ID_HEX];

	off_world_id_hex(w, mine);
	off_hex(off_card_world(card), OFF_WORLD_ID_LEN, theirs);
	if (memcmp(off_card_world(card), w->id, sizeof(w->id)) != 0)
		return off_err_set(err, OFF_ERR_WRONG_WORLD, NULL,
		    _("card is from another world (world %.16s...); insert a "
		    "card of world %.16s..."), theirs, mine);
	if (memcmp(off_card_set(card), w->card_set, sizeof(w->card_set)) != 0 ||
	    (wc = find_card(w, off_card_id(card))) == NULL ||
	    wc->index != off_card_index(card))
		return off_err_set(err, OFF_ERR_WRONG_WORLD, NULL,
		    _("card is not in this world's card set; insert a card "
		    "of the current set"));
	if (wc->state != OFF_CARD_ACTIVE)
		return off_err_set(err, OFF_ERR_WRONG_WORLD, NULL,
		    _("card %u was retired from this world; insert an "
		    "active card"), wc->index);
	return 0;
}

int
off_world_check_share(const struct off_world *w,
    const uint8_t card_id[OFF_CARD_ID_LEN], const struct off_share *share)
{
	const struct world_card	*wc;

	if ((wc = find_card(w, card_id)) == NULL || wc->index != share->x)
		return OFF_ERR_AUTH;
	return off_shamir_share_check(w->id, sizeof(w->id), share, wc->tag);
}

int
off_world_combine(const struct off_world *w,
    const struct off_share *const *shares, size_t k,
    uint8_t secret[OFF_SECRET_LEN], struct off_err *err)
{
	if (k < w->k)
		return off_err_set(err, OFF_ERR_QUORUM, NULL,
		    _("%zu cards given; the quorum is %u"), k, w->k);
	return off_shamir_combine(shares, k, w->id, sizeof(w->id), w->commit,
	    secret, err);
}

static const char *
module_status(const struct off_world *w, unsigned i, const char *kmdata)
{
	struct off_module	*m = NULL;
	struct off_err		 err;
	int			 ret;

	/* Untranslated: these also go into JSON for programs. */
	if (kmdata == NULL)
		/* TRANSLATORS: the state of a module, last column of the
		   Modules table of 'world info' (also below). */
		return N_("not checked");
	ret = off_world_open_module(w, i, kmdata, &m, &err);
	off_module_free(&m);
	if (ret == OFF_ERR_AUTH)
		/* TRANSLATORS: a module's state in 'world info'. */
		return N_("key does not match the world");
	/* TRANSLATORS: a module's state in 'world info'. */
	return ret == 0 ? N_("ok") : N_("missing or unreadable");
}

int
off_world_sign(const struct off_world *w, EVP_PKEY *key, const uint8_t *msg,
    size_t len, uint8_t *sig, size_t *siglen, struct off_err *err)
{
	return off_suite_sign(w->suite, key, msg, len, sig, siglen, err);
}

int
off_world_verify(const struct off_world *w, const uint8_t *msg, size_t len,
    const uint8_t *sig, size_t siglen)
{
	return off_suite_verify(w->suite, w->pub, msg, len, sig, siglen);
}

const uint8_t *
off_world_module_key(const struct off_world *w, const uint8_t id[16])
{
	unsigned	i;

	for (i = 0; i < w->nmodules; i++)
		if (memcmp(w->modules[i].id, id, OFF_MODULE_ID_LEN) == 0)
			return w->modules[i].public_key;
	return NULL;
}

int
off_world_open_module(const struct off_world *w, unsigned i,
    const char *kmdata, struct off_module **m, struct off_err *err)
{
	uint8_t	check[OFF_KEY_CHECK_LEN], pub[32];
	int	ret;

	*m = NULL;
	if (i >= w->nmodules)
		return off_err_set(err, OFF_ERR_NOT_FOUND, NULL,
		    _("the world has no module %u"), i);
	if ((ret = off_module_load(w->modules[i].backend, kmdata, w->id,
	    w->modules[i].id, m, err)) != 0)
		return ret;
	(*m)->token = w->modules[i].token;
	if ((ret = off_module_key_check(*m, check, err)) != 0 ||
	    (ret = off_module_public_key(*m, pub, err)) != 0)
		goto fail;
	if (off_ctcmp(check, w->modules[i].check, sizeof(check)) != 0 ||
	    memcmp(pub, w->modules[i].public_key, sizeof(pub)) != 0) {
		ret = off_err_set(err, OFF_ERR_AUTH, kmdata,
		    _("the module key does not match the world"));
		goto fail;
	}
	return 0;
fail:
	off_module_free(m);
	return ret;
}

const struct off_module_token *
off_world_module_token(const struct off_world *w, unsigned i)
{
	if (i >= w->nmodules || *w->modules[i].token.library == '\0')
		return NULL;
	return &w->modules[i].token;
}

int
off_world_module(const struct off_world *w, unsigned i, const char *kmdata,
    const char **backend, const uint8_t **id, const char **status)
{
	if (i >= w->nmodules)
		return OFF_ERR_NOT_FOUND;
	*backend = w->modules[i].backend;
	*id = w->modules[i].id;
	*status = module_status(w, i, kmdata);
	return 0;
}

int
off_world_info_json(const struct off_world *w, const char *kmdata,
    char **out, struct off_err *err)
{
	json_t		*root, *cards, *mods;
	unsigned	 i;
	int		 ret, bad = 0;

	cards = json_array();
	mods = json_array();
	for (i = 0; cards != NULL && i < w->ncards; i++)
		bad |= json_array_append_new(cards, json_pack("{s:I, s:o, s:s}",
		    "index", (json_int_t)w->cards[i].index,
		    "card_id", off_json_new_hex(w->cards[i].id,
		    sizeof(w->cards[i].id)),
		    "state", state_name(w->cards[i].state))) != 0;
	for (i = 0; mods != NULL && i < w->nmodules; i++)
		bad |= json_array_append_new(mods, json_pack("{s:o, s:s, s:s, "
		    "s:s}",
		    "module", off_json_new_hex(w->modules[i].id,
		    sizeof(w->modules[i].id)),
		    "backend", w->modules[i].backend,
		    "created", w->modules[i].created,
		    "status", module_status(w, i, kmdata))) != 0;
	for (i = 0; mods != NULL && i < w->nmodules; i++)
		if (*w->modules[i].token.library != '\0')
			bad |= json_object_set_new(json_array_get(mods, i),
			    "token", token_json(&w->modules[i].token)) != 0;
	root = json_pack("{s:o, s:s, s:{s:I, s:I}, s:o, s:I, s:s, s:s?, "
	    "s:o, s:o}",
	    "world", off_json_new_hex(w->id, sizeof(w->id)),
	    "cipher_suite", off_suite_name(w->suite),
	    "quorum", "k", (json_int_t)w->k, "n", (json_int_t)w->n,
	    "card_set", off_json_new_hex(w->card_set, sizeof(w->card_set)),
	    "pin_tries", (json_int_t)w->pin_tries,
	    "created", w->created,
	    "kmdata", kmdata,
	    "cards", cards,
	    "modules", mods);
	if (root == NULL || bad) {
		json_decref(root);
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	}
	ret = off_json_dump(root, out, NULL, err);
	json_decref(root);
	return ret;
}
