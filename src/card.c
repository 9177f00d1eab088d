#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "card.h"
#include "crypto.h"
#include "encode.h"
#include "frontend.h"
#include "error.h"
#include "i18n.h"
#include "json.h"
#include "secmem.h"
#include "slot.h"

#define CARD_FORMAT	"officiant-card"
#define CARD_AAD_DOMAIN	"officiant card v1"
#define CARD_CIPHER	"aes-256-gcm"
#define CARD_KDF	"scrypt"
/* A card whose sealed share is kept by the device in the slot behind
 * the device's own PIN: only the public part is read without it. */
#define CARD_STORAGE	"pkcs11"

struct off_card {
	uint8_t			id[OFF_CARD_ID_LEN];
	uint8_t			world[OFF_WORLD_ID_LEN];
	uint8_t			card_set[OFF_CARD_ID_LEN];
	unsigned		index, k, n;
	char			created[21];
	struct off_scrypt	kdf;
	unsigned		tries_limit, failures;
	uint8_t			nonce[OFF_NONCE_LEN];
	uint8_t			tag[OFF_TAG_LEN];
	uint8_t			ct[OFF_SECRET_LEN];
	/* The public part of a card on a device: the seal is behind the
	 * device's PIN, its tries counted by the device (-1: it does not
	 * say how many are left, 0: locked). */
	int			device;
	int			device_tries;
	int			whole;		/* the seal is known too */
};

const char *
off_pin_problem(const char *pin, size_t len)
{
	size_t	i;

	if (len < OFF_PIN_MIN_LEN)
		return _("PIN is too short; use at least 4 characters");
	if (len > OFF_PIN_MAX_LEN)
		return _("PIN is too long; use at most 64 characters");
	for (i = 0; i < len; i++)
		if ((unsigned char)pin[i] < 0x20 || pin[i] == 0x7f)
			return _("PIN holds a control character");
	return NULL;
}

/* Everything on the card but the seal and the failure count is bound
 * to the seal as associated data, so changing any of it breaks it. */
static int
card_aad(const struct off_card *c, struct off_tbs *t)
{
	off_tbs_init(t, CARD_AAD_DOMAIN);
	off_tbs_bytes(t, c->id, sizeof(c->id));
	off_tbs_bytes(t, c->world, sizeof(c->world));
	off_tbs_bytes(t, c->card_set, sizeof(c->card_set));
	off_tbs_u32(t, c->index);
	off_tbs_u32(t, c->k);
	off_tbs_u32(t, c->n);
	off_tbs_str(t, c->created);
	off_tbs_str(t, CARD_KDF);
	off_tbs_u32(t, c->kdf.log2_n);
	off_tbs_u32(t, c->kdf.r);
	off_tbs_u32(t, c->kdf.p);
	off_tbs_bytes(t, c->kdf.salt, sizeof(c->kdf.salt));
	off_tbs_u32(t, c->tries_limit);
	off_tbs_str(t, CARD_CIPHER);
	return off_tbs_ok(t);
}

static int
card_seal(struct off_card *c, const struct off_share *share, const char *pin,
    size_t pinlen, struct off_err *err)
{
	struct off_tbs		 aad;
	struct off_sealed	 sealed;
	uint8_t			*key = NULL;
	int			 ret;

	memset(&aad, 0, sizeof(aad));
	if (share->x != c->index)
		return off_err_set(err, OFF_ERR_INTERNAL, NULL,
		    "share %u does not belong on card %u", share->x, c->index);
	if ((key = off_secalloc(OFF_KEY_LEN)) == NULL)
		return off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
	if ((ret = off_random(c->kdf.salt, sizeof(c->kdf.salt), err)) != 0 ||
	    (ret = off_scrypt(&c->kdf, pin, pinlen, key, err)) != 0)
		goto out;
	if ((ret = card_aad(c, &aad)) != 0) {
		off_err_set(err, ret, NULL, NULL);
		goto out;
	}
	if ((ret = off_seal(key, aad.p, aad.len, share->y, sizeof(share->y),
	    &sealed, err)) != 0)
		goto out;
	memcpy(c->nonce, sealed.nonce, sizeof(c->nonce));
	memcpy(c->tag, sealed.tag, sizeof(c->tag));
	memcpy(c->ct, sealed.ct, sizeof(c->ct));
	off_sealed_free(&sealed);
	c->failures = 0;
out:
	off_tbs_free(&aad);
	off_secfree(&key);
	return ret;
}

int
off_card_new(const struct off_card_params *p, const struct off_share *share,
    const char *pin, size_t pinlen, struct off_card **card,
    struct off_err *err)
{
	struct off_card	*c;
	const char	*problem;
	int		 ret;

	*card = NULL;
	if ((problem = off_pin_problem(pin, pinlen)) != NULL)
		return off_err_set(err, OFF_ERR_INVALID, NULL, "%s", problem);
	if (p->k < 1 || p->k > p->n || p->n > OFF_SHAMIR_MAX ||
	    p->tries < 1 || p->tries > OFF_CARD_TRIES_MAX)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("bad card parameters"));
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	memcpy(c->world, p->world, sizeof(c->world));
	memcpy(c->card_set, p->card_set, sizeof(c->card_set));
	c->index = share->x;
	c->k = p->k;
	c->n = p->n;
	off_utc_now(c->created);
	c->kdf.log2_n = p->kdf_log2_n ? p->kdf_log2_n :
	    OFF_SCRYPT_LOG2N_DEFAULT;
	c->kdf.r = 8;
	c->kdf.p = 1;
	c->tries_limit = p->tries;
	if ((ret = off_random(c->id, sizeof(c->id), err)) != 0 ||
	    (ret = card_seal(c, share, pin, pinlen, err)) != 0) {
		free(c);
		return ret;
	}
	*card = c;
	return 0;
}

void
off_card_free(struct off_card **card)
{
	if (card == NULL || *card == NULL)
		return;
	off_wipe(*card, sizeof(**card));
	free(*card);
	*card = NULL;
}

int
off_card_open(struct off_card *c, const char *pin, size_t pinlen,
    struct off_share *share, struct off_err *err)
{
	struct off_tbs		 aad;
	struct off_sealed	 sealed;
	uint8_t			*key = NULL;
	int			 ret;

	memset(&aad, 0, sizeof(aad));
	if (c->device && !off_card_locked(c))
		return off_err_set(err, OFF_ERR_INTERNAL, NULL,
		    "card %u: its seal is on the device", c->index);
	if (off_card_locked(c))
		return off_err_set(err, OFF_ERR_LOCKED, NULL,
		    _("card %u is locked after %u wrong PINs; it cannot be "
		    "used again: replace it with a quorum of the other cards"),
		    c->index, c->tries_limit);
	if ((key = off_secalloc(OFF_KEY_LEN)) == NULL)
		return off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
	if ((ret = off_scrypt(&c->kdf, pin, pinlen, key, err)) != 0)
		goto out;
	if ((ret = card_aad(c, &aad)) != 0) {
		off_err_set(err, ret, NULL, NULL);
		goto out;
	}
	memcpy(sealed.nonce, c->nonce, sizeof(sealed.nonce));
	memcpy(sealed.tag, c->tag, sizeof(sealed.tag));
	sealed.ct = c->ct;
	sealed.len = sizeof(c->ct);
	if (off_open(key, aad.p, aad.len, &sealed, share->y, NULL) != 0) {
		/* A wrong PIN and an altered card look the same here. */
		c->failures++;
		ret = off_err_set(err, off_card_locked(c) ? OFF_ERR_LOCKED :
		    OFF_ERR_BAD_PIN, NULL,
		    off_card_locked(c) ?
		    _("wrong PIN (or altered card); card %u is now locked") :
		    _("wrong PIN (or altered card) for card %u; %u tries left"),
		    c->index, off_card_tries_left(c));
		goto out;
	}
	share->x = (uint8_t)c->index;
	c->failures = 0;
	ret = 0;
out:
	off_tbs_free(&aad);
	off_secfree(&key);
	return ret;
}

int
off_card_reseal(struct off_card *c, const struct off_share *share,
    const char *pin, size_t pinlen, struct off_err *err)
{
	const char	*problem;

	if ((problem = off_pin_problem(pin, pinlen)) != NULL)
		return off_err_set(err, OFF_ERR_INVALID, NULL, "%s", problem);
	return card_seal(c, share, pin, pinlen, err);
}

/* The fields a card shows to anyone, in the order they are written. */
static json_t *
card_head(const struct off_card *c)
{
	return json_pack("{s:s, s:i, s:o, s:o, s:o, s:I, s:I, s:I, s:s}",
	    "format", CARD_FORMAT,
	    "version", 1,
	    "card_id", off_json_new_hex(c->id, sizeof(c->id)),
	    "world", off_json_new_hex(c->world, sizeof(c->world)),
	    "card_set", off_json_new_hex(c->card_set, sizeof(c->card_set)),
	    "index", (json_int_t)c->index,
	    "k", (json_int_t)c->k,
	    "n", (json_int_t)c->n,
	    "created", c->created);
}

/* The head, then the other fields (stolen), as the card's JSON text. */
static int
card_dump(const struct off_card *c, json_t *rest, char **out, size_t *len,
    struct off_err *err)
{
	json_t	*root = card_head(c);
	int	 ret;

	if (root == NULL || rest == NULL || json_object_update(root, rest) != 0)
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	else
		ret = off_json_dump(root, out, len, err);
	json_decref(root);
	json_decref(rest);
	return ret;
}

int
off_card_serialize(const struct off_card *c, char **out, size_t *len,
    struct off_err *err)
{
	return card_dump(c, json_pack("{s:{s:s, s:I, s:I, s:I, s:o}, "
	    "s:{s:I, s:I}, s:{s:s, s:o, s:o, s:o}}",
	    "kdf",
	    "name", CARD_KDF,
	    "log2_n", (json_int_t)c->kdf.log2_n,
	    "r", (json_int_t)c->kdf.r,
	    "p", (json_int_t)c->kdf.p,
	    "salt", off_json_new_b64(c->kdf.salt, sizeof(c->kdf.salt)),
	    "pin_tries",
	    "limit", (json_int_t)c->tries_limit,
	    "failures", (json_int_t)c->failures,
	    "sealed_share",
	    "cipher", CARD_CIPHER,
	    "nonce", off_json_new_b64(c->nonce, sizeof(c->nonce)),
	    "ciphertext", off_json_new_b64(c->ct, sizeof(c->ct)),
	    "tag", off_json_new_b64(c->tag, sizeof(c->tag))), out, len, err);
}

int
off_card_serialize_public(const struct off_card *c, char **out, size_t *len,
    struct off_err *err)
{
	return card_dump(c, json_pack("{s:s}", "storage", CARD_STORAGE), out,
	    len, err);
}

static const char *const card_keys[] = { "format", "version", "card_id",
    "world", "card_set", "index", "k", "n", "created", "kdf", "pin_tries",
    "sealed_share", NULL };
static const char *const public_keys[] = { "format", "version", "card_id",
    "world", "card_set", "index", "k", "n", "created", "storage", NULL };
static const char *const kdf_keys[] = { "name", "log2_n", "r", "p", "salt",
    NULL };
static const char *const tries_keys[] = { "limit", "failures", NULL };
static const char *const seal_keys[] = { "cipher", "nonce", "ciphertext",
    "tag", NULL };

int
off_card_parse(const char *data, size_t len, const char *name,
    struct off_card **card, struct off_err *err)
{
	struct off_card	*c = NULL;
	json_t		*root = NULL, *kdf, *tries, *seal;
	const char	*s;
	long long	 v;
	int		 ret = OFF_ERR_FORMAT;

	*card = NULL;
	if ((ret = off_json_load(data, len, name, CARD_FORMAT, &root,
	    err)) != 0)
		goto out;
	ret = OFF_ERR_FORMAT;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, name, NULL);
		goto out;
	}
	c->device = json_object_get(root, "storage") != NULL;
	c->device_tries = -1;
	if (off_json_only(root, c->device ? public_keys : card_keys, name, "",
	    err) != 0 ||
	    off_json_hex(root, "card_id", c->id, sizeof(c->id), name, err) ||
	    off_json_hex(root, "world", c->world, sizeof(c->world), name,
	    err) ||
	    off_json_hex(root, "card_set", c->card_set, sizeof(c->card_set),
	    name, err) ||
	    off_json_int(root, "n", 1, OFF_SHAMIR_MAX, &v, name, err))
		goto out;
	c->n = (unsigned)v;
	if (off_json_int(root, "k", 1, c->n, &v, name, err))
		goto out;
	c->k = (unsigned)v;
	if (off_json_int(root, "index", 1, c->n, &v, name, err))
		goto out;
	c->index = (unsigned)v;
	if (off_json_utc(root, "created", &s, name, err))
		goto out;
	memcpy(c->created, s, sizeof(c->created));
	if (c->device) {
		if (off_json_str(root, "storage", 16, &s, name, err))
			goto out;
		if (strcmp(s, CARD_STORAGE) != 0) {
			off_err_set(err, OFF_ERR_FORMAT, name,
			    _("unknown card storage \"%s\""), s);
			goto out;
		}
		goto done;
	}

	if (off_json_obj(root, "kdf", &kdf, name, err) ||
	    off_json_only(kdf, kdf_keys, name, "kdf.", err) ||
	    off_json_str(kdf, "name", 16, &s, name, err))
		goto out;
	if (strcmp(s, CARD_KDF) != 0) {
		off_err_set(err, OFF_ERR_FORMAT, name,
		    _("unknown PIN KDF \"%s\""), s);
		goto out;
	}
	if (off_json_int(kdf, "log2_n", OFF_SCRYPT_LOG2N_MIN,
	    OFF_SCRYPT_LOG2N_MAX, &v, name, err))
		goto out;
	c->kdf.log2_n = (unsigned)v;
	if (off_json_int(kdf, "r", 1, 32, &v, name, err))
		goto out;
	c->kdf.r = (unsigned)v;
	if (off_json_int(kdf, "p", 1, 16, &v, name, err))
		goto out;
	c->kdf.p = (unsigned)v;
	if (off_json_b64(kdf, "salt", c->kdf.salt, sizeof(c->kdf.salt),
	    sizeof(c->kdf.salt), NULL, name, err))
		goto out;
	if (off_scrypt_check(&c->kdf) != 0) {
		off_err_set(err, OFF_ERR_FORMAT, name,
		    _("scrypt parameters need too much memory"));
		goto out;
	}

	if (off_json_obj(root, "pin_tries", &tries, name, err) ||
	    off_json_only(tries, tries_keys, name, "pin_tries.", err) ||
	    off_json_int(tries, "limit", 1, OFF_CARD_TRIES_MAX, &v, name, err))
		goto out;
	c->tries_limit = (unsigned)v;
	if (off_json_int(tries, "failures", 0, c->tries_limit, &v, name, err))
		goto out;
	c->failures = (unsigned)v;

	if (off_json_obj(root, "sealed_share", &seal, name, err) ||
	    off_json_only(seal, seal_keys, name, "sealed_share.", err) ||
	    off_json_str(seal, "cipher", 16, &s, name, err))
		goto out;
	if (strcmp(s, CARD_CIPHER) != 0) {
		off_err_set(err, OFF_ERR_FORMAT, name,
		    _("unknown card cipher \"%s\""), s);
		goto out;
	}
	if (off_json_b64(seal, "nonce", c->nonce, sizeof(c->nonce),
	    sizeof(c->nonce), NULL, name, err) ||
	    off_json_b64(seal, "ciphertext", c->ct, sizeof(c->ct),
	    sizeof(c->ct), NULL, name, err) ||
	    off_json_b64(seal, "tag", c->tag, sizeof(c->tag), sizeof(c->tag),
	    NULL, name, err))
		goto out;
done:
	*card = c;
	c = NULL;
	ret = 0;
out:
	json_decref(root);
	off_card_free(&c);
	return ret;
}

/* What the device says of its PIN tries now. */
static void
device_tries(struct off_slot *slot, unsigned reader, struct off_card *c)
{
	struct off_slot_device	dev;

	if (c->device && slot->ops->device != NULL &&
	    slot->ops->device(slot, reader, &dev) == 0)
		c->device_tries = dev.tries_left;
}

int
off_card_read(struct off_slot *slot, unsigned reader, struct off_card **card,
    struct off_err *err)
{
	char	*data = NULL;
	size_t	 len = 0;
	int	 ret;

	*card = NULL;
	if ((ret = slot->ops->read(slot, reader, &data, &len, err)) != 0)
		return ret;
	if (len == 0)
		ret = off_err_set(err, OFF_ERR_NOT_FOUND,
		    slot->ops->reader_name(slot, reader), _("card is blank"));
	else
		ret = off_card_parse(data, len,
		    slot->ops->reader_name(slot, reader), card, err);
	free(data);
	if (ret == 0)
		device_tries(slot, reader, *card);
	return ret;
}

int
off_card_write(struct off_slot *slot, unsigned reader,
    const struct off_card *card, struct off_err *err)
{
	char	*data = NULL;
	size_t	 len;
	int	 ret;

	if ((ret = off_card_serialize(card, &data, &len, err)) != 0)
		return ret;
	ret = slot->ops->write(slot, reader, data, len, err);
	free(data);
	return ret;
}

/* A card on a device: the device checks the PIN (and counts it) before
 * it gives the private part, the whole card, whose seal opens with the
 * same PIN and whose public fields must be those the device showed. */
static int
device_open(struct off_slot *slot, unsigned reader, struct off_card *c,
    const char *pin, size_t pinlen, struct off_share *share,
    struct off_err *err)
{
	struct off_card	*whole = NULL;
	struct off_err	 why;
	char		*data = NULL;
	size_t		 len = 0;
	int		 ret;

	if (slot->ops->read_private == NULL)
		return off_err_set(err, OFF_ERR_UNSUPPORTED,
		    slot->ops->reader_name(slot, reader),
		    _("card %u keeps its share on a PKCS#11 token; read it "
		    "with --card-pkcs11"), c->index);
	if (off_card_locked(c))
		return off_err_set(err, OFF_ERR_LOCKED,
		    slot->ops->reader_name(slot, reader),
		    _("card %u is locked: its token refuses every PIN; it "
		    "cannot be used again: replace it with a quorum of the "
		    "other cards"), c->index);
	ret = slot->ops->read_private(slot, reader, pin, pinlen, &data, &len,
	    err);
	device_tries(slot, reader, c);
	if (ret != 0)
		return ret;
	off_err_clear(&why);
	if ((ret = off_card_parse(data, len,
	    slot->ops->reader_name(slot, reader), &whole, &why)) != 0 ||
	    whole->device)
		ret = OFF_ERR_FORMAT;
	else if (memcmp(whole->id, c->id, sizeof(c->id)) != 0 ||
	    memcmp(whole->world, c->world, sizeof(c->world)) != 0 ||
	    memcmp(whole->card_set, c->card_set, sizeof(c->card_set)) != 0 ||
	    whole->index != c->index || whole->k != c->k ||
	    whole->n != c->n || strcmp(whole->created, c->created) != 0)
		ret = OFF_ERR_AUTH;
	else if (off_card_open(whole, pin, pinlen, share, &why) != 0)
		ret = OFF_ERR_AUTH;
	else {
		/* Known now, for a new PIN. */
		c->kdf = whole->kdf;
		c->tries_limit = whole->tries_limit;
		memcpy(c->nonce, whole->nonce, sizeof(c->nonce));
		memcpy(c->tag, whole->tag, sizeof(c->tag));
		memcpy(c->ct, whole->ct, sizeof(c->ct));
		c->whole = 1;
	}
	if (ret != 0)
		off_err_set(err, ret, slot->ops->reader_name(slot, reader),
		    _("card %u: the token takes the PIN but the card it holds "
		    "is not the one it shows; the card was altered"),
		    c->index);
	off_card_free(&whole);
	free(data);
	return ret;
}

int
off_card_verify(struct off_slot *slot, unsigned reader, struct off_card *c,
    const char *pin, size_t pinlen, struct off_share *share,
    struct off_err *err)
{
	if (c->device)
		return device_open(slot, reader, c, pin, pinlen, share, err);
	return off_card_open(c, pin, pinlen, share, err);
}

int
off_card_store(struct off_slot *slot, unsigned reader,
    const struct off_card *c, const char *oldpin, size_t oldlen,
    const char *pin, size_t pinlen, struct off_err *err)
{
	char	*priv = NULL, *pub = NULL;
	size_t	 privlen, publen;
	int	 ret;

	if (slot->ops->write_private == NULL)
		return off_card_write(slot, reader, c, err);
	if (c->device && !c->whole)
		return off_err_set(err, OFF_ERR_INTERNAL, NULL,
		    "card %u: only its public part is known", c->index);
	if ((ret = off_card_serialize(c, &priv, &privlen, err)) == 0 &&
	    (ret = off_card_serialize_public(c, &pub, &publen, err)) == 0)
		ret = slot->ops->write_private(slot, reader, oldpin, oldlen,
		    pin, pinlen, priv, privlen, pub, publen, err);
	free(priv);
	free(pub);
	return ret;
}

int
off_card_unlock(struct off_slot *slot, unsigned reader, struct off_card *c,
    const char *pin, size_t pinlen, struct off_share *share,
    struct off_err *err)
{
	int	ret, wret;

	if (c->device)
		return device_open(slot, reader, c, pin, pinlen, share, err);
	if (off_card_locked(c))
		return off_card_open(c, pin, pinlen, share, err);
	/* Count the try on the card before making it. */
	c->failures++;
	if ((ret = off_card_write(slot, reader, c, err)) != 0)
		return ret;
	c->failures--;
	ret = off_card_open(c, pin, pinlen, share, err);
	if (ret == 0 || ret == OFF_ERR_BAD_PIN || ret == OFF_ERR_LOCKED) {
		wret = off_card_write(slot, reader, c,
		    ret == 0 ? err : NULL);
		if (ret == 0 && wret != 0) {
			off_wipe(share, sizeof(*share));
			return wret;
		}
	}
	return ret;
}

const uint8_t *
off_card_id(const struct off_card *c)
{
	return c->id;
}

const uint8_t *
off_card_world(const struct off_card *c)
{
	return c->world;
}

const uint8_t *
off_card_set(const struct off_card *c)
{
	return c->card_set;
}

unsigned
off_card_index(const struct off_card *c)
{
	return c->index;
}

unsigned
off_card_k(const struct off_card *c)
{
	return c->k;
}

unsigned
off_card_n(const struct off_card *c)
{
	return c->n;
}

const char *
off_card_created(const struct off_card *c)
{
	return c->created;
}

unsigned
off_card_tries_limit(const struct off_card *c)
{
	return c->tries_limit;
}

int
off_card_tries_hint(const struct off_card *c)
{
	return c->device ? c->device_tries : (int)off_card_tries_left(c);
}

int
off_card_on_device(const struct off_card *c)
{
	return c->device;
}

unsigned
off_card_tries_left(const struct off_card *c)
{
	if (c->device)
		return c->device_tries < 0 ? c->tries_limit :
		    (unsigned)c->device_tries;
	return c->failures >= c->tries_limit ? 0 :
	    c->tries_limit - c->failures;
}

int
off_card_locked(const struct off_card *c)
{
	if (c->device)
		return c->device_tries == 0;
	return c->failures >= c->tries_limit;
}

unsigned
off_card_kdf_log2_n(const struct off_card *c)
{
	return c->kdf.log2_n;
}
