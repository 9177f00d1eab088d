/* Creating a security world: the new-world --initialize step. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "card.h"
#include "encode.h"
#include "error.h"
#include "fileio.h"
#include "frontend.h"
#include "i18n.h"
#include "prompt.h"
#include "quorum.h"
#include "secmem.h"
#include "slot.h"
#include "world-int.h"

/* Above this many K-subsets, check a random sample of this size plus
 * enough subsets to cover every card. */
#define VERIFY_SUBSETS_MAX	1000

struct create {
	const char			*kmdata;
	struct off_slot			*slot;
	const struct off_world_params	*p;
	const struct off_frontend	*fe;
	struct off_world		*w;
	struct off_share		*shares;	/* split, locked */
	struct off_share		*readback;	/* from the cards */
	unsigned			*readers;	/* written cards */
	unsigned			 nwritten;
	char				 world_hex[OFF_WORLD_ID_HEX];
	char				 hint[32];	/* card file names */
};

/* Wait for a card we may write on: blank, or erasable when allowed. */
static int
blank_card(struct create *c, unsigned index, struct off_card_info *info,
    char *where, size_t wlen, unsigned *reader, struct off_err *err)
{
	struct off_card	*old = NULL;
	struct off_err	 why;
	char		 hint[64], q[OFF_ERR_DETAIL_MAX], oldworld[OFF_WORLD_ID_HEX];
	char		*data = NULL;
	size_t		 len = 0;
	int		 ret;

	snprintf(hint, sizeof(hint), "%s-%u", c->hint, index);
	for (;;) {
		info->event = OFF_CARD_WANT_BLANK;
		info->reader = c->slot->where;
		if (c->slot->ops->manual(c->slot))
			off_fe_card(c->fe, info);
		if ((ret = c->slot->ops->next(c->slot, 1, hint,
		    OFF_SLOT_NO_TIMEOUT, reader, err)) != 0)
			return ret;
		/* A copy: the slot's own names go when it rescans. */
		snprintf(where, wlen, "%s",
		    c->slot->ops->reader_name(c->slot, *reader));
		info->reader = where;
		if (!c->slot->ops->manual(c->slot))
			return 0;	/* a new card file */
		if ((ret = c->slot->ops->read(c->slot, *reader, &data, &len,
		    err)) != 0)
			return ret;
		off_err_clear(&why);
		if (len > 0 && off_card_parse(data, len, info->reader, &old,
		    &why) == 0) {
			off_hex(off_card_world(old), OFF_WORLD_ID_LEN,
			    oldworld);
			snprintf(q, sizeof(q), _("erase card %u of world "
			    "%.16s... in %s and write card %u of the new world "
			    "on it?"), off_card_index(old), oldworld,
			    info->reader, index);
			off_err_set(&why, OFF_ERR_NOT_BLANK, NULL,
			    _("card belongs to world %.16s...; insert a blank "
			    "card, or give --erase to reuse it"), oldworld);
		} else if (len > 0) {
			snprintf(q, sizeof(q), _("overwrite %s, which is not "
			    "a card of any world, with card %u?"),
			    info->reader, index);
			off_err_set(&why, OFF_ERR_NOT_BLANK, NULL,
			    _("the card file is not blank and not a card (%s); "
			    "insert a blank card (an empty .card file), or give "
			    "--erase to overwrite it"), why.detail);
		}
		off_card_free(&old);
		free(data);
		data = NULL;
		if (len == 0)
			return 0;
		if (c->p->erase) {
			if (c->fe->confirm != NULL &&
			    c->fe->confirm(c->fe->arg, q) == 0)
				return 0;
			off_err_set(&why, OFF_ERR_NOT_BLANK, NULL,
			    _("the card was kept as it is; insert a blank "
			    "card"));
		}
		off_err_format(&why, q, sizeof(q));
		info->event = OFF_CARD_REFUSED;
		info->reason = q;
		off_fe_card(c->fe, info);
		info->reason = NULL;
		info->event = OFF_CARD_REMOVE;
		off_fe_card(c->fe, info);
		if ((ret = c->slot->ops->wait_removed(c->slot, *reader,
		    OFF_SLOT_NO_TIMEOUT, err)) != 0)
			return ret;
	}
}

/* Write card index (1-based), read it back and open it with its PIN. */
static int
write_card(struct create *c, unsigned index, struct off_err *err)
{
	struct off_card_params	 cp;
	struct off_card		*card = NULL, *back = NULL;
	struct off_card_info	 info;
	struct off_slot_device	 dev;
	char			*pin = NULL, card_hex[2 * OFF_CARD_ID_LEN + 1];
	char			 where[PATH_MAX];
	size_t			 pinlen;
	unsigned		 reader;
	struct off_share	*got = &c->readback[index - 1];
	int			 ret;

	memset(&info, 0, sizeof(info));
	info.index = index;
	info.n = c->p->n;
	info.world = c->world_hex;
	info.tries_left = -1;
	if ((ret = blank_card(c, index, &info, where, sizeof(where), &reader,
	    err)) != 0)
		return ret;
	off_card_info_device(c->slot, reader, &info, &dev);
	if ((ret = off_choose_pin(c->fe, index, c->p->n, &pin, &pinlen)) != 0) {
		ret = off_err_set(err, ret, NULL, ret == OFF_ERR_INTERRUPTED ?
		    _("interrupted while waiting for the PIN of card %u") :
		    _("no PIN was chosen for card %u"), index);
		goto out;
	}
	memset(&cp, 0, sizeof(cp));
	cp.world = c->w->id;
	cp.card_set = c->w->card_set;
	cp.k = c->p->k;
	cp.n = c->p->n;
	cp.tries = c->w->pin_tries;
	cp.kdf_log2_n = c->p->kdf_log2_n;
	if ((ret = off_card_new(&cp, &c->shares[index - 1], pin, pinlen, &card,
	    err)) != 0)
		goto out;
	if ((ret = off_card_store_prompt(c->fe, c->slot, reader, card, pin,
	    pinlen, err)) != 0)
		goto out;
	c->readers[c->nwritten++] = reader;
	/* Read back what the card holds now and open it. */
	if ((ret = off_card_read(c->slot, reader, &back, err)) != 0 ||
	    (ret = off_card_verify(c->slot, reader, back, pin, pinlen, got,
	    err)) != 0)
		goto out;
	if (memcmp(off_card_id(back), off_card_id(card), OFF_CARD_ID_LEN) != 0 ||
	    off_ctcmp(got, &c->shares[index - 1], sizeof(*got)) != 0) {
		ret = off_err_set(err, OFF_ERR_IO, info.reader,
		    _("card %u does not read back as written; use another "
		    "card"), index);
		goto out;
	}
	memcpy(c->w->cards[index - 1].id, off_card_id(card), OFF_CARD_ID_LEN);
	c->w->cards[index - 1].index = index;
	c->w->cards[index - 1].state = OFF_CARD_ACTIVE;
	if ((ret = off_shamir_share_tag(c->w->id, sizeof(c->w->id), got,
	    c->w->cards[index - 1].tag)) != 0)
		goto out;
	off_hex(off_card_id(card), OFF_CARD_ID_LEN, card_hex);
	info.card_id = card_hex;
	info.event = OFF_CARD_WRITTEN;
	off_fe_card(c->fe, &info);
	if (c->slot->ops->manual(c->slot)) {
		info.event = OFF_CARD_REMOVE;
		off_fe_card(c->fe, &info);
		if ((ret = c->slot->ops->wait_removed(c->slot, reader,
		    OFF_SLOT_NO_TIMEOUT, err)) != 0)
			goto out;
		info.event = OFF_CARD_REMOVED;
		off_fe_card(c->fe, &info);
	}
	ret = 0;
out:
	off_secfree(&pin);
	off_card_free(&card);
	off_card_free(&back);
	return ret;
}

/* C(n, k), saturating above limit. */
static unsigned long
subsets(unsigned n, unsigned k, unsigned long limit)
{
	unsigned long	r = 1;
	unsigned	i;

	for (i = 1; i <= k; i++) {
		/* r * (n - k + i) / i stays exact at every step. */
		r = r * (n - k + i) / i;
		if (r > limit)
			return limit + 1;
	}
	return r;
}

static int
check_subset(struct create *c, const unsigned *idx, uint8_t *secret,
    struct off_err *err)
{
	const struct off_share	*ptrs[OFF_SHAMIR_MAX];
	unsigned		 i;
	int			 ret;

	for (i = 0; i < c->p->k; i++)
		ptrs[i] = &c->readback[idx[i]];
	ret = off_world_combine(c->w, ptrs, c->p->k, secret, err);
	off_wipe(secret, OFF_SECRET_LEN);
	if (ret != 0) {
		char	list[4 * OFF_SHAMIR_MAX + 1];
		size_t	o = 0;

		for (i = 0; i < c->p->k && o + 5 < sizeof(list); i++)
			o += (size_t)snprintf(list + o, sizeof(list) - o,
			    "%s%u", i ? "," : "", idx[i] + 1);
		return off_err_set(err, OFF_ERR_COMMITMENT, NULL,
		    _("cards %s do not rebuild the world secret; nothing "
		    "was created"), list);
	}
	return 0;
}

static int
random_below(unsigned bound, unsigned *out, struct off_err *err)
{
	uint32_t	v, lim = UINT32_MAX - UINT32_MAX % bound;
	int		ret;

	do {
		if ((ret = off_random(&v, sizeof(v), err)) != 0)
			return ret;
	} while (v >= lim);
	*out = v % bound;
	return 0;
}

/* Rebuild the secret from every K-subset of the cards read back, or
 * from a random sample plus a cover of every card. */
static int
verify_cards(struct create *c, struct off_err *err)
{
	unsigned	 k = c->p->k, n = c->p->n, idx[OFF_SHAMIR_MAX];
	unsigned	 perm[OFF_SHAMIR_MAX], i, j, t;
	unsigned long	 total, done = 0;
	uint8_t		*secret;
	int		 ret = 0;

	if ((secret = off_secalloc(OFF_SECRET_LEN)) == NULL)
		return off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
	total = subsets(n, k, VERIFY_SUBSETS_MAX);
	if (total <= VERIFY_SUBSETS_MAX) {
		for (i = 0; i < k; i++)
			idx[i] = i;
		for (;;) {
			if ((ret = check_subset(c, idx, secret, err)) != 0)
				goto out;
			if (c->fe->progress != NULL)
				c->fe->progress(c->fe->arg,
				    _("checking card subsets"), ++done, total);
			/* Next combination in lexicographic order. */
			for (i = k; i > 0 && idx[i - 1] == n - k + i - 1; i--)
				;
			if (i == 0)
				break;
			idx[i - 1]++;
			for (j = i; j < k; j++)
				idx[j] = idx[j - 1] + 1;
		}
		goto out;
	}
	/* Cover: consecutive windows so every card is in one subset. */
	total = VERIFY_SUBSETS_MAX + (n + k - 1) / k;
	for (i = 0; i < n; i += k) {
		for (j = 0; j < k; j++)
			idx[j] = (i + j) % n;
		if ((ret = check_subset(c, idx, secret, err)) != 0)
			goto out;
		if (c->fe->progress != NULL)
			c->fe->progress(c->fe->arg, _("checking card subsets"),
			    ++done, total);
	}
	for (t = 0; t < VERIFY_SUBSETS_MAX; t++) {
		for (i = 0; i < n; i++)
			perm[i] = i;
		for (i = 0; i < k; i++) {
			if ((ret = random_below(n - i, &j, err)) != 0)
				goto out;
			j += i;
			idx[i] = perm[j];
			perm[j] = perm[i];
			perm[i] = idx[i];
		}
		if ((ret = check_subset(c, idx, secret, err)) != 0)
			goto out;
		if (c->fe->progress != NULL)
			c->fe->progress(c->fe->arg, _("checking card subsets"),
			    ++done, total);
	}
out:
	off_secfree(&secret);
	return ret;
}

int
off_world_check_params(const char *kmdata, const struct off_world_params *p,
    const struct off_frontend *fe, struct off_err *err)
{
	char	path[PATH_MAX];

	if (p->n < 1 || p->n > OFF_SHAMIR_MAX)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("N = %u cards is out of range; use 1 to %d"), p->n,
		    OFF_SHAMIR_MAX);
	if (p->k > p->n)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("quorum %u/%u asks for more cards than exist; K must be "
		    "at most N"), p->k, p->n);
	if (p->k < 1)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("K = 0 is not a quorum"));
	if (p->k == 1 && !p->allow_single)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("a quorum of one card lets any single card holder act "
		    "alone; use K >= 2, or --allow-single if you mean it"));
	if (p->k == 1)
		off_fe_notice(fe, OFF_NOTICE_WARNING, "%s",
		    _("quorum of one: any single card holder can authorise "
		    "everything"));
	if (p->pin_tries > OFF_CARD_TRIES_MAX)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("PIN tries must be between 1 and %d"),
		    OFF_CARD_TRIES_MAX);
	if (p->kdf_log2_n != 0 && (p->kdf_log2_n < OFF_SCRYPT_LOG2N_MIN ||
	    p->kdf_log2_n > OFF_SCRYPT_LOG2N_MAX))
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("scrypt cost must be between %d and %d"),
		    OFF_SCRYPT_LOG2N_MIN, OFF_SCRYPT_LOG2N_MAX);
	if (off_suite_find(p->suite != NULL ? p->suite : OFF_SUITE_DEFAULT) ==
	    NULL)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("unknown cipher suite \"%s\"; see 'officiant world "
		    "suites'"), p->suite);
	if (p->module != NULL && strcmp(p->module, "pkcs11") == 0 &&
	    (p->token == NULL || *p->token->library != '/'))
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("the pkcs11 module needs the absolute path of a PKCS#11 "
		    "library (--pkcs11)"));
	if (off_path_join(path, sizeof(path), kmdata, OFF_WORLD_FILE) != 0)
		return off_err_set(err, OFF_ERR_TOO_LARGE, kmdata,
		    _("path too long"));
	if (access(path, F_OK) == 0)
		return off_err_set(err, OFF_ERR_EXISTS, path,
		    _("a security world already exists here; give another "
		    "--kmdata to create a new one"));
	return 0;
}

/* The world's public half and the secrets the cards will guard. */
static int
make_world(struct create *c, EVP_PKEY **key, uint8_t *secret,
    struct off_module **mod, struct off_err *err)
{
	struct off_world	*w = c->w;
	uint8_t			*der = NULL;
	int			 len, ret;

	w->suite = off_suite_find(c->p->suite != NULL ? c->p->suite :
	    OFF_SUITE_DEFAULT);
	off_utc_now(w->created);
	w->k = c->p->k;
	w->n = c->p->n;
	w->pin_tries = c->p->pin_tries ? c->p->pin_tries :
	    OFF_CARD_TRIES_DEFAULT;
	if ((ret = off_suite_keygen(w->suite, key, err)) != 0)
		return ret;
	if ((len = i2d_PUBKEY(*key, &der)) <= 0)
		return off_err_crypto(err, _("cannot encode the world key"));
	w->pub_der = der;
	w->pub_len = (size_t)len;
	if ((w->pub = EVP_PKEY_dup(*key)) == NULL ||
	    EVP_Digest(der, (size_t)len, w->id, NULL, EVP_sha256(), NULL) != 1)
		return off_err_crypto(err, _("cannot hash the world key"));
	off_world_id_hex(w, c->world_hex);
	snprintf(c->hint, sizeof(c->hint), "card-%.8s", c->world_hex);
	if ((ret = off_random(w->card_set, sizeof(w->card_set), err)) != 0 ||
	    (ret = off_random(secret, OFF_SECRET_LEN, err)) != 0 ||
	    (ret = off_shamir_commit(w->id, sizeof(w->id), secret,
	    w->commit)) != 0 ||
	    (ret = off_shamir_split(secret, w->k, w->n, c->shares, err)) != 0)
		return ret;
	if ((w->cards = calloc(w->n, sizeof(*w->cards))) == NULL ||
	    (w->modules = calloc(1, sizeof(*w->modules))) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	w->ncards = w->n;
	if ((ret = off_module_create(c->p->module != NULL ? c->p->module :
	    "soft", w->id, c->p->token, mod, err)) != 0)
		return ret;
	if ((*mod)->ops->keygen != NULL)
		w->modules[0].token = (*mod)->token;
	w->nmodules = 1;
	snprintf(w->modules[0].backend, sizeof(w->modules[0].backend), "%s",
	    (*mod)->ops->name);
	memcpy(w->modules[0].id, (*mod)->id, OFF_MODULE_ID_LEN);
	memcpy(w->modules[0].created, (*mod)->created, sizeof(w->created));
	if ((ret = off_module_key_check(*mod, w->modules[0].check, err)) != 0 ||
	    (ret = off_module_public_key(*mod, w->modules[0].public_key,
	    err)) != 0 ||
	    (ret = off_module_seal_recovery(*mod, secret,
	    &w->modules[0].recovery, err)) != 0 ||
	    (ret = world_sigkey_seal(w, secret, *key, err)) != 0)
		return ret;
	return 0;
}

static void	create_done(struct create *, int);
static void	unwrite(struct create *);

/* The token's security officer PIN becomes the one derived from the
 * world key (so_old was checked at the start). */
static int
so_handover(struct create *c, struct off_module *mod, EVP_PKEY *key,
    uint8_t *so_old, size_t so_oldlen, uint8_t **so_new,
    struct off_err *err)
{
	int	ret;

	if (so_old == NULL)
		return 0;
	if ((*so_new = off_secalloc(OFF_SO_PIN_LEN + 1)) == NULL)
		return off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
	if ((ret = off_module_so_pin(mod, key, *so_new, err)) != 0 ||
	    (ret = mod->ops->so_change(mod, &so_old, &so_oldlen, *so_new,
	    OFF_SO_PIN_LEN, c->fe, err)) != 0)
		return ret;
	off_fe_notice(c->fe, OFF_NOTICE_INFO, _("the security officer PIN of "
	    "token \"%s\" is now one that only a quorum of cards of this "
	    "world rebuilds"), mod->token.label);
	return 0;
}

/* The world could not be installed: the token's SO PIN as it was. */
static void
so_handback(struct create *c, struct off_module *mod, uint8_t *so_old,
    size_t so_oldlen, uint8_t *so_new)
{
	size_t	len = OFF_SO_PIN_LEN;

	if (so_new == NULL)
		return;
	if (mod->ops->so_change(mod, &so_new, &len, so_old, so_oldlen, c->fe,
	    NULL) != 0)
		off_fe_notice(c->fe, OFF_NOTICE_WARNING, _("the security "
		    "officer PIN of token \"%s\" could not be set back; "
		    "the token must be initialized again"), mod->token.label);
}

int
off_world_create(const char *kmdata, struct off_slot *slot,
    const struct off_world_params *p, const struct off_frontend *fe,
    struct off_world **out, struct off_err *err)
{
	struct create		 c;
	struct off_module	*mod = NULL;
	EVP_PKEY		*key = NULL;
	uint8_t			*secret = NULL, *so_old = NULL, *so_new = NULL;
	size_t			 so_oldlen = 0;
	unsigned		 i;
	int			 ret;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	if ((ret = off_world_check_params(kmdata, p, fe, err)) != 0)
		return ret;
	if (slot->ops->writable(slot, err) != 0)
		return off_err_set(err, OFF_ERR_SLOT, slot->where,
		    _("%s; cards cannot be written here"), err->detail);
	if ((ret = off_mkdirs(kmdata, err)) != 0)
		return ret;
	c.kmdata = kmdata;
	c.slot = slot;
	c.p = p;
	c.fe = fe;
	if ((c.w = calloc(1, sizeof(*c.w))) == NULL ||
	    (c.readers = calloc(p->n, sizeof(*c.readers))) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	if ((secret = off_secalloc(OFF_SECRET_LEN)) == NULL ||
	    (c.shares = off_secalloc(sizeof(*c.shares) * p->n)) == NULL ||
	    (c.readback = off_secalloc(sizeof(*c.readback) * p->n)) == NULL) {
		ret = off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
		goto out;
	}
	if ((ret = make_world(&c, &key, secret, &mod, err)) != 0)
		goto out;
	/* A token's security officer PIN, asked and checked before any
	 * card is written; the world's quorum takes it over at the end. */
	if (mod->ops->so_change != NULL && !p->keep_so) {
		if ((ret = mod->ops->so_change(mod, &so_old, &so_oldlen, NULL, 0,
		    fe, err)) != 0)
			goto out;
		mod->token.so_quorum = c.w->modules[0].token.so_quorum = 1;
	}
	off_fe_notice(fe, OFF_NOTICE_INFO,
	    _("new security world %s: quorum %u of %u cards"), c.world_hex,
	    p->k, p->n);
	for (i = 1; i <= p->n; i++)
		if ((ret = write_card(&c, i, err)) != 0)
			goto out;
	if ((ret = verify_cards(&c, err)) != 0 ||
	    (ret = world_sign(c.w, key, err)) != 0 ||
	    (ret = so_handover(&c, mod, key, so_old, so_oldlen, &so_new,
	    err)) != 0)
		goto out;
	if ((ret = world_install(c.w, &mod, kmdata, err)) != 0) {
		so_handback(&c, mod, so_old, so_oldlen, so_new);
		goto out;
	}
	*out = c.w;
	c.w = NULL;
out:
	EVP_PKEY_free(key);
	off_module_free(&mod);
	off_secfree(&so_old);
	off_secfree(&so_new);
	off_secfree(&secret);
	create_done(&c, ret);
	return ret;
}

/* Take back the cards written so far after a failure (ret != 0), and
 * free what the run held. */
static void
create_done(struct create *c, int ret)
{
	if (ret != 0)
		unwrite(c);
	off_secfree(&c->shares);
	off_secfree(&c->readback);
	free(c->readers);
	c->readers = NULL;
	off_world_free(&c->w);
}

static void
unwrite(struct create *c)
{
	unsigned	i;

	for (i = 0; i < c->nwritten; i++)
		(void)c->slot->ops->discard(c->slot, c->readers[i], NULL);
	if (c->nwritten > 0 && c->slot->ops->manual(c->slot))
		off_fe_notice(c->fe, OFF_NOTICE_WARNING, "%s",
		    _("cards written and taken out before the failure belong "
		    "to no world; reuse them with --erase"));
}

int
off_world_replace_cards(const char *kmdata, const struct off_world *w,
    struct off_slot *old_slot, struct off_slot *slot,
    const struct off_world_params *p, const struct off_frontend *fe,
    struct off_world **out, struct off_err *err)
{
	struct create		 c;
	struct off_world_params	 np;
	struct off_module	*mod = NULL;
	EVP_PKEY		*key = NULL;
	uint8_t			*old = NULL, *secret = NULL;
	char			*data = NULL, path[PATH_MAX];
	size_t			 len;
	unsigned		 i;
	int			 ret;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	np = *p;
	np.pin_tries = off_world_pin_tries(w);
	if (np.n < 1 || np.n > OFF_SHAMIR_MAX || np.k < 1 || np.k > np.n ||
	    (np.k == 1 && !np.allow_single))
		return off_err_set(err, OFF_ERR_INVALID, NULL, _("quorum %u/%u "
		    "is not possible: 1 <= K <= N <= %d, and K = 1 only when "
		    "allowed"), np.k, np.n, OFF_SHAMIR_MAX);
	if (np.kdf_log2_n != 0 && (np.kdf_log2_n < OFF_SCRYPT_LOG2N_MIN ||
	    np.kdf_log2_n > OFF_SCRYPT_LOG2N_MAX))
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("scrypt cost must be between %d and %d"),
		    OFF_SCRYPT_LOG2N_MIN, OFF_SCRYPT_LOG2N_MAX);
	if (off_path_join(path, sizeof(path), kmdata, OFF_WORLD_FILE) != 0)
		return off_err_set(err, OFF_ERR_TOO_LARGE, kmdata,
		    _("path too long"));
	c.kmdata = kmdata;
	c.slot = slot;
	c.p = &np;
	c.fe = fe;
	if ((c.readers = calloc(np.n, sizeof(*c.readers))) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	if ((secret = off_secalloc(OFF_SECRET_LEN)) == NULL ||
	    (c.shares = off_secalloc(sizeof(*c.shares) * np.n)) == NULL ||
	    (c.readback = off_secalloc(sizeof(*c.readback) * np.n)) == NULL) {
		ret = off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
		goto out;
	}
	/* The present set's quorum opens the world key. */
	if ((ret = off_quorum_collect(w, old_slot, fe, &old, err)) != 0 ||
	    (ret = off_world_signing_key(w, old, &key, err)) != 0)
		goto out;
	/* A copy of the world to change: its own file, read back. */
	if ((ret = world_serialize(w, &data, &len, err)) != 0 ||
	    (ret = world_parse(data, len, path, &c.w, err)) != 0)
		goto out;
	off_world_id_hex(c.w, c.world_hex);
	/* A new secret: the old cards, lost ones too, open nothing. */
	c.w->k = np.k;
	c.w->n = np.n;
	free(c.w->cards);
	if ((c.w->cards = calloc(np.n, sizeof(*c.w->cards))) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	c.w->ncards = np.n;
	if ((ret = off_random(c.w->card_set, sizeof(c.w->card_set),
	    err)) != 0 ||
	    (ret = off_random(secret, OFF_SECRET_LEN, err)) != 0 ||
	    (ret = off_shamir_commit(c.w->id, sizeof(c.w->id), secret,
	    c.w->commit)) != 0 ||
	    (ret = off_shamir_split(secret, np.k, np.n, c.shares, err)) != 0 ||
	    (ret = world_sigkey_seal(c.w, secret, key, err)) != 0)
		goto out;
	for (i = 0; i < c.w->nmodules; i++) {
		if ((ret = off_world_open_module(w, i, kmdata, &mod, err)) != 0)
			goto out;
		off_sealed_free(&c.w->modules[i].recovery);
		ret = off_module_seal_recovery(mod, secret,
		    &c.w->modules[i].recovery, err);
		off_module_free(&mod);
		if (ret != 0)
			goto out;
	}
	{
		char	set[2 * OFF_CARD_ID_LEN + 1];

		off_hex(c.w->card_set, OFF_CARD_ID_LEN, set);
		snprintf(c.hint, sizeof(c.hint), "card-%.8s-%.6s",
		    c.world_hex, set);
	}
	off_fe_notice(fe, OFF_NOTICE_INFO, _("new card set for world %.16s...: "
	    "quorum %u of %u cards"), c.world_hex, np.k, np.n);
	for (i = 1; i <= np.n; i++)
		if ((ret = write_card(&c, i, err)) != 0)
			goto out;
	free(data);
	data = NULL;
	/* The world file changes last, in one step: until then the old
	 * set is the valid one. */
	if ((ret = verify_cards(&c, err)) != 0 ||
	    (ret = world_sign(c.w, key, err)) != 0 ||
	    (ret = world_serialize(c.w, &data, &len, err)) != 0 ||
	    (ret = off_file_write(path, data, len, OFF_WRITE_REPLACE,
	    err)) != 0)
		goto out;
	*out = c.w;
	c.w = NULL;
out:
	free(data);
	EVP_PKEY_free(key);
	off_secfree(&old);
	off_secfree(&secret);
	create_done(&c, ret);
	return ret;
}

/* The new user PIN, typed twice until both agree (three tries). */
static int
new_token_pin(const struct off_frontend *fe, const char *label, char **pin,
    size_t *len, struct off_err *err)
{
	struct off_pin_request	 req;
	char			 what[160], *again = NULL;
	size_t			 alen = 0;
	int			 ret, i;

	memset(&req, 0, sizeof(req));
	req.kind = OFF_PIN_PASSPHRASE;
	req.tries_left = -1;
	req.label = what;
	for (i = 0; i < 3; i++) {
		/* TRANSLATORS: the PIN that unlocks a PKCS#11 token. */
		snprintf(what, sizeof(what), _("the new user PIN of token "
		    "\"%s\""), label);
		if ((ret = off_ask_pin(fe, &req, pin, len)) != 0)
			break;
		snprintf(what, sizeof(what), _("the new user PIN of token "
		    "\"%s\", again"), label);
		if ((ret = off_ask_pin(fe, &req, &again, &alen)) != 0) {
			off_secfree(pin);
			break;
		}
		ret = *len > 0 && alen == *len && off_ctcmp(*pin, again,
		    alen) == 0;
		off_secfree(&again);
		if (ret)
			return 0;
		off_secfree(pin);
		off_fe_notice(fe, OFF_NOTICE_WARNING, "%s", *len == 0 ?
		    _("the PIN is empty") : _("the two PINs differ"));
		ret = OFF_ERR_CANCELLED;
	}
	return off_err_set(err, ret, NULL, _("no new user PIN for token "
	    "\"%s\""), label);
}

int
off_world_token_pin(const char *kmdata, const struct off_world *w,
    struct off_slot *slot, const struct off_frontend *fe,
    struct off_err *err)
{
	struct off_module	*m = NULL;
	EVP_PKEY		*key = NULL;
	uint8_t			*secret = NULL, *so = NULL;
	char			*pin = NULL;
	size_t			 len = 0;
	int			 ret, tries;

	if ((ret = off_world_open_module(w, 0, kmdata, &m, err)) != 0)
		return ret;
	if (m->ops->user_pin == NULL || !m->token.so_quorum) {
		ret = off_err_set(err, OFF_ERR_UNSUPPORTED, kmdata,
		    _("the world's module is no token whose security officer "
		    "PIN its quorum holds; reset the user PIN with the "
		    "token's own tools"));
		goto out;
	}
	if ((so = off_secalloc(OFF_SO_PIN_LEN + 1)) == NULL) {
		ret = off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
		goto out;
	}
	if ((ret = off_quorum_collect(w, slot, fe, &secret, err)) != 0 ||
	    (ret = off_world_signing_key(w, secret, &key, err)) != 0 ||
	    (ret = off_module_so_pin(m, key, so, err)) != 0)
		goto out;
	/* A PIN the token will not take (its length) is asked again: the
	 * quorum is not collected twice. */
	for (tries = 0; tries < 3; tries++) {
		if ((ret = new_token_pin(fe, m->token.label, &pin, &len,
		    err)) != 0)
			goto out;
		ret = m->ops->user_pin(m, so, OFF_SO_PIN_LEN, pin, len, err);
		off_secfree(&pin);
		if (ret != OFF_ERR_INVALID)
			break;
		if (err != NULL)
			off_fe_notice(fe, OFF_NOTICE_WARNING, "%s",
			    err->detail);
	}
	if (ret != 0)
		goto out;
	off_fe_notice(fe, OFF_NOTICE_INFO, _("token \"%s\" has a new user PIN "
	    "and is unlocked"), m->token.label);
out:
	off_secfree(&pin);
	off_secfree(&so);
	off_secfree(&secret);
	EVP_PKEY_free(key);
	off_module_free(&m);
	return ret;
}
