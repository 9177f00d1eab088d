/*
 * Card slot backend "pkcs11": a card is a PKCS#11 token, and each slot
 * of the module (the library given as where) is a reader.
 *
 * A card token holds two data objects of application "officiant card":
 * a public one (CKA_PRIVATE false) with the card's public part, so that
 * a card is known (world, index) before its PIN is asked, and a
 * private one (CKA_PRIVATE true) with the whole card, its share sealed
 * under the PIN as on a file card, readable only after C_Login with
 * the card's PIN: the token counts and locks wrong PINs itself.
 *
 * A blank card is an initialised token whose label begins with
 * "officiant-card" and that holds no card: its user PIN is a transport
 * PIN, which writing the card replaces with the custodian's PIN. Other
 * tokens (the world's own HSM among them) are never offered.
 *
 * Tokens in removable slots are moved by hand: insertion and removal
 * are seen with C_WaitForSlotEvent (CKF_DONT_BLOCK) where the module
 * offers it, else by looking again; either way twice a second, asleep
 * in between. Tokens in fixed slots (SoftHSM2, HSM partitions) are all
 * there at once, as cards in a drawer.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <p11-kit/pkcs11.h>

#include "error.h"
#include "i18n.h"
#include "p11.h"
#include "secmem.h"
#include "slot.h"

#define P11_APP		"officiant card"
#define P11_PUB_LABEL	"officiant card"
#define P11_PRIV_LABEL	"officiant card share"
#define P11_BLANK	"officiant-card"
#define P11_READERS	64
#define P11_DATA_MAX	(64 * 1024)
#define POLL_MS		500
#define RESCAN_NAPS	6	/* with slot events: a look every 3 s */

struct p11_reader {
	CK_SLOT_ID		slot;
	struct off_p11_token	token;
	int			removable;
	int			card;		/* holds a card */
	int			offered;
	char			name[96];
};

struct p11_state {
	CK_FUNCTION_LIST	*fn;
	int			 events;	/* C_WaitForSlotEvent works */
	int			 removable;	/* some slot is */
	struct p11_reader	 readers[P11_READERS];
	unsigned		 nreaders;
};

static CK_BBOOL	p11_true = CK_TRUE, p11_false = CK_FALSE;

static int
is_blank_label(const char *label)
{
	return strncmp(label, P11_BLANK, strlen(P11_BLANK)) == 0;
}

/* Find our data object (private or public) in session s. */
static CK_RV
find_obj(CK_FUNCTION_LIST *fn, CK_SESSION_HANDLE s, int priv,
    CK_OBJECT_HANDLE *h, CK_ULONG *n)
{
	CK_OBJECT_CLASS	cls = CKO_DATA;
	CK_ATTRIBUTE	tmpl[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_APPLICATION, (void *)(uintptr_t)P11_APP,
		    sizeof(P11_APP) - 1 },
		{ CKA_PRIVATE, priv ? &p11_true : &p11_false,
		    sizeof(CK_BBOOL) },
	};
	CK_RV		rv;

	*n = 0;
	if ((rv = fn->C_FindObjectsInit(s, tmpl, 3)) != CKR_OK)
		return rv;
	rv = fn->C_FindObjects(s, h, 1, n);
	(void)fn->C_FindObjectsFinal(s);
	return rv;
}

/* Read the value of our object into *data (malloc'd). */
static CK_RV
read_obj(CK_FUNCTION_LIST *fn, CK_SESSION_HANDLE s, int priv, char **data,
    size_t *len)
{
	CK_OBJECT_HANDLE	h;
	CK_ATTRIBUTE		a = { CKA_VALUE, NULL, 0 };
	CK_ULONG		n;
	CK_RV			rv;

	*data = NULL;
	*len = 0;
	if ((rv = find_obj(fn, s, priv, &h, &n)) != CKR_OK || n == 0)
		return rv;
	if ((rv = fn->C_GetAttributeValue(s, h, &a, 1)) != CKR_OK)
		return rv;
	if (a.ulValueLen == 0 || a.ulValueLen > P11_DATA_MAX)
		return CKR_DATA_LEN_RANGE;
	if ((a.pValue = *data = malloc(a.ulValueLen + 1)) == NULL)
		return CKR_HOST_MEMORY;
	if ((rv = fn->C_GetAttributeValue(s, h, &a, 1)) != CKR_OK) {
		free(*data);
		*data = NULL;
		return rv;
	}
	(*data)[a.ulValueLen] = '\0';
	*len = a.ulValueLen;
	return CKR_OK;
}

static int
cmp_readers(const void *a, const void *b)
{
	const struct p11_reader	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->token.label, y->token.label)) != 0)
		return c;
	return strcmp(x->token.serial, y->token.serial);
}

/* Look at every slot with a token now; offered flags survive for the
 * same token in the same slot. */
static int
scan(struct off_slot *slot, struct off_err *err)
{
	struct p11_state	*st = slot->state;
	struct p11_reader	 old[P11_READERS], *r;
	CK_SLOT_ID		 ids[P11_READERS];
	CK_ULONG		 n = P11_READERS, i, found;
	CK_SLOT_INFO		 si;
	CK_TOKEN_INFO		 ti;
	CK_SESSION_HANDLE	 s;
	CK_OBJECT_HANDLE	 h;
	unsigned		 nold = st->nreaders, j;
	char			 name[sizeof(old[0].name)];
	CK_RV			 rv;

	memcpy(old, st->readers, sizeof(old));
	st->nreaders = 0;
	/* Empty readers count: a card may come into them. */
	st->removable = 0;
	if (st->fn->C_GetSlotList(CK_FALSE, ids, &n) == CKR_OK)
		for (i = 0; i < n && i < P11_READERS; i++)
			if (st->fn->C_GetSlotInfo(ids[i], &si) == CKR_OK &&
			    (si.flags & CKF_REMOVABLE_DEVICE))
				st->removable = 1;
	n = P11_READERS;
	rv = st->fn->C_GetSlotList(CK_TRUE, ids, &n);
	if (rv == CKR_BUFFER_TOO_SMALL)
		n = P11_READERS;
	else if (rv != CKR_OK)
		return off_err_set(err, off_p11_code(rv), slot->where,
		    _("cannot list the token slots (C_GetSlotList: %lx)"),
		    (unsigned long)rv);
	for (i = 0; i < n; i++) {
		if (st->fn->C_GetSlotInfo(ids[i], &si) != CKR_OK ||
		    !(si.flags & CKF_TOKEN_PRESENT) ||
		    st->fn->C_GetTokenInfo(ids[i], &ti) != CKR_OK ||
		    !(ti.flags & CKF_TOKEN_INITIALIZED))
			continue;
		r = &st->readers[st->nreaders];
		memset(r, 0, sizeof(*r));
		r->slot = ids[i];
		off_p11_token_fields(&ti, &r->token);
		r->removable = (si.flags & CKF_REMOVABLE_DEVICE) != 0;
		if (st->fn->C_OpenSession(ids[i], CKF_SERIAL_SESSION, NULL,
		    NULL, &s) != CKR_OK)
			continue;
		r->card = find_obj(st->fn, s, 0, &h, &found) == CKR_OK &&
		    found > 0;
		(void)st->fn->C_CloseSession(s);
		if (!r->card && !is_blank_label(r->token.label))
			continue;	/* not a card: never offered */
		snprintf(name, sizeof(name), "token \"%s\" (serial %s)",
		    r->token.label, r->token.serial);
		memcpy(r->name, name, sizeof(r->name));
		for (j = 0; j < nold; j++)
			if (old[j].slot == r->slot &&
			    strcmp(old[j].token.serial, r->token.serial) == 0)
				r->offered = old[j].offered;
		st->nreaders++;
	}
	/* In the order of their labels: card-1 before card-2. */
	if (st->nreaders > 1)
		qsort(st->readers, st->nreaders, sizeof(st->readers[0]),
		    cmp_readers);
	return 0;
}

static int
p11_open(struct off_slot *slot, const char *where, struct off_err *err)
{
	struct p11_state	*st;
	CK_SLOT_ID		 id;
	int			 ret;

	if (where[0] != '/')
		return off_err_set(err, OFF_ERR_INVALID, where,
		    _("give the absolute path of the cards' PKCS#11 module"));
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	if ((ret = off_p11_module_get(where, &st->fn, err)) != 0) {
		free(st);
		return ret;
	}
	/* Drain what happened before; tells whether events work. */
	st->events = st->fn->C_WaitForSlotEvent(CKF_DONT_BLOCK, &id, NULL) !=
	    CKR_FUNCTION_NOT_SUPPORTED;
	while (st->events && st->fn->C_WaitForSlotEvent(CKF_DONT_BLOCK, &id,
	    NULL) == CKR_OK)
		;
	slot->state = st;
	if ((ret = scan(slot, err)) != 0) {
		off_p11_module_put(where);
		free(st);
		slot->state = NULL;
	}
	return ret;
}

static void
p11_close(struct off_slot *slot)
{
	if (slot->state == NULL)
		return;
	off_p11_module_put(slot->where);
	free(slot->state);
	slot->state = NULL;
}

static int
removable(struct p11_state *st)
{
	return st->removable;
}

static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleep up to ms (asleep: no processor) or until the front end's
 * wake_fd or a signal wakes us. 1 when a slot event came, else 0. */
static int
nap(struct off_slot *slot, int ms, struct off_err *err)
{
	struct p11_state	*st = slot->state;
	struct pollfd		 pfd = { .fd = slot->wake_fd, .events = POLLIN };
	CK_SLOT_ID		 id;
	int			 n, ret, event = 0;

	n = poll(&pfd, slot->wake != NULL && slot->wake_fd >= 0 ? 1 : 0, ms);
	if (n == -1 && errno != EINTR)
		return off_err_errno(err, OFF_ERR_SLOT, errno, slot->where,
		    _("cannot wait for a token"));
	if (n == -1 || (n > 0 && pfd.revents != 0)) {
		if (slot->wake == NULL)
			return off_err_set(err, OFF_ERR_INTERRUPTED, NULL,
			    NULL);
		if ((ret = slot->wake(slot->wake_arg)) < 0)
			return off_err_set(err, ret, NULL, NULL);
	}
	while (st->events && st->fn->C_WaitForSlotEvent(CKF_DONT_BLOCK, &id,
	    NULL) == CKR_OK)
		event = 1;
	return event;
}

static int
p11_next(struct off_slot *slot, int want_blank, const char *hint,
    int timeout_ms, unsigned *reader, struct off_err *err)
{
	struct p11_state	*st = slot->state;
	struct p11_reader	*r;
	long long		 deadline, left;
	unsigned		 i, naps = 0;
	int			 ret, rescan = 1;

	(void)hint;
	deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	for (;;) {
		/* Without events, every nap ends in a fresh look. */
		if ((rescan || !st->events) && (ret = scan(slot, err)) != 0)
			return ret;
		for (i = 0; i < st->nreaders; i++) {
			r = &st->readers[i];
			if (r->offered || r->card == want_blank)
				continue;
			r->offered = 1;
			*reader = i;
			return 0;
		}
		/* Fixed slots: every token there is, is there now. */
		if (!removable(st))
			return off_err_set(err, OFF_ERR_NOT_FOUND, slot->where,
			    want_blank ? _("no more blank card tokens (an "
			    "initialised token labelled officiant-card...)") :
			    _("no more card tokens"));
		left = deadline < 0 ? POLL_MS : deadline - now_ms();
		if (left <= 0)
			return off_err_set(err, OFF_ERR_TIMEOUT, slot->where,
			    _("no card was inserted"));
		if ((ret = nap(slot, left < POLL_MS ? (int)left : POLL_MS,
		    err)) < 0)
			return ret;
		/* Some modules answer CKR_NO_EVENT and never more: a fresh
		 * look every few seconds whatever they say. */
		rescan = ret || ++naps % RESCAN_NAPS == 0;
	}
}

static int
p11_wait_removed(struct off_slot *slot, unsigned reader, int timeout_ms,
    struct off_err *err)
{
	struct p11_state	*st = slot->state;
	struct p11_reader	 card;
	CK_SLOT_INFO		 si;
	CK_TOKEN_INFO		 ti;
	struct off_p11_token	 t;
	long long		 deadline, left;
	int			 ret;

	if (reader >= st->nreaders || !st->readers[reader].removable)
		return 0;
	card = st->readers[reader];
	deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	for (;;) {
		if (st->fn->C_GetSlotInfo(card.slot, &si) != CKR_OK ||
		    !(si.flags & CKF_TOKEN_PRESENT) ||
		    st->fn->C_GetTokenInfo(card.slot, &ti) != CKR_OK)
			return scan(slot, err);
		off_p11_token_fields(&ti, &t);
		if (strcmp(t.serial, card.token.serial) != 0)
			return scan(slot, err);
		left = deadline < 0 ? POLL_MS : deadline - now_ms();
		if (left <= 0)
			return off_err_set(err, OFF_ERR_TIMEOUT, card.name,
			    _("the card was not removed"));
		if ((ret = nap(slot, left < POLL_MS ? (int)left : POLL_MS,
		    err)) < 0)
			return ret;
	}
}

/* The token in reader, opened on its own (by serial), still there. */
static int
token(struct off_slot *slot, unsigned reader, struct off_p11 **p,
    struct off_err *err)
{
	struct p11_state	*st = slot->state;
	struct p11_reader	*r;
	int			 ret;

	if (reader >= st->nreaders)
		return off_err_set(err, OFF_ERR_INTERNAL, NULL, "bad reader");
	r = &st->readers[reader];
	if ((ret = off_p11_open(slot->where, NULL, r->token.serial, p,
	    err)) == OFF_ERR_NOT_FOUND)
		return off_err_set(err, OFF_ERR_SLOT, r->name,
		    _("the card was removed; insert it again"));
	return ret;
}

static int
p11_read(struct off_slot *slot, unsigned reader, char **data, size_t *len,
    struct off_err *err)
{
	struct off_p11	*p = NULL;
	CK_RV		 rv;
	int		 ret;

	if ((ret = token(slot, reader, &p, err)) != 0)
		return ret;
	if ((rv = read_obj(off_p11_fn(p), off_p11_session(p), 0, data,
	    len)) != CKR_OK)
		ret = off_p11_fail(p, "C_GetAttributeValue", rv, err);
	off_p11_close(&p);
	return ret;
}

static CK_RV
destroy(CK_FUNCTION_LIST *fn, CK_SESSION_HANDLE s, int priv)
{
	CK_OBJECT_HANDLE	h;
	CK_ULONG		n;
	CK_RV			rv;

	while ((rv = find_obj(fn, s, priv, &h, &n)) == CKR_OK && n > 0)
		if ((rv = fn->C_DestroyObject(s, h)) != CKR_OK)
			return rv;
	return rv;
}

static CK_RV
create(CK_FUNCTION_LIST *fn, CK_SESSION_HANDLE s, int priv, const char *data,
    size_t len)
{
	CK_OBJECT_CLASS		cls = CKO_DATA;
	const char		*label = priv ? P11_PRIV_LABEL : P11_PUB_LABEL;
	CK_ATTRIBUTE		tmpl[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_TOKEN, &p11_true, sizeof(CK_BBOOL) },
		{ CKA_PRIVATE, priv ? &p11_true : &p11_false,
		    sizeof(CK_BBOOL) },
		{ CKA_LABEL, (void *)(uintptr_t)label, strlen(label) },
		{ CKA_APPLICATION, (void *)(uintptr_t)P11_APP,
		    sizeof(P11_APP) - 1 },
		{ CKA_VALUE, (void *)(uintptr_t)data, (CK_ULONG)len },
	};
	CK_OBJECT_HANDLE	h;

	return fn->C_CreateObject(s, tmpl, sizeof(tmpl) / sizeof(tmpl[0]),
	    &h);
}

/* The public part alone: written to blank (len 0) on a failed
 * creation; the private part stays behind the card's PIN until the
 * card is written again. */
static int
p11_write(struct off_slot *slot, unsigned reader, const char *data,
    size_t len, struct off_err *err)
{
	struct off_p11	*p = NULL;
	CK_RV		 rv;
	int		 ret;

	if ((ret = token(slot, reader, &p, err)) != 0)
		return ret;
	if ((rv = destroy(off_p11_fn(p), off_p11_session(p), 0)) == CKR_OK &&
	    len > 0)
		rv = create(off_p11_fn(p), off_p11_session(p), 0, data, len);
	if (rv != CKR_OK)
		ret = off_p11_fail(p, len > 0 ? "C_CreateObject" :
		    "C_DestroyObject", rv, err);
	else
		((struct p11_state *)slot->state)->readers[reader].card =
		    len > 0;
	off_p11_close(&p);
	return ret;
}

static int
p11_discard(struct off_slot *slot, unsigned reader, struct off_err *err)
{
	struct p11_state	*st = slot->state;

	if (reader >= st->nreaders || !st->readers[reader].card)
		return 0;
	return p11_write(slot, reader, "", 0, err);
}

static int
p11_read_private(struct off_slot *slot, unsigned reader, const char *pin,
    size_t pinlen, char **data, size_t *len, struct off_err *err)
{
	struct off_p11	*p = NULL;
	CK_RV		 rv;
	int		 ret;

	*data = NULL;
	if ((ret = token(slot, reader, &p, err)) != 0)
		return ret;
	if ((ret = off_p11_login(p, pin, pinlen, err)) == 0) {
		rv = read_obj(off_p11_fn(p), off_p11_session(p), 1, data, len);
		if (rv != CKR_OK)
			ret = off_p11_fail(p, "C_GetAttributeValue", rv, err);
		else if (*data == NULL)
			ret = off_err_set(err, OFF_ERR_FORMAT,
			    off_p11_library(p), _("token \"%s\" has a card's "
			    "public part but no private part"),
			    off_p11_token(p)->label);
	}
	off_p11_close(&p);
	return ret;
}

static int
p11_write_private(struct off_slot *slot, unsigned reader, const char *oldpin,
    size_t oldlen, const char *pin, size_t pinlen, const char *priv,
    size_t privlen, const char *pub, size_t publen, struct off_err *err)
{
	struct off_p11		*p = NULL;
	CK_FUNCTION_LIST	*fn;
	CK_SESSION_HANDLE	 s;
	const char		*call = "C_SetPIN";
	CK_RV			 rv = CKR_OK;
	int			 ret;

	if ((ret = token(slot, reader, &p, err)) != 0)
		return ret;
	if ((ret = off_p11_login(p, oldpin, oldlen, err)) != 0)
		goto out;
	fn = off_p11_fn(p);
	s = off_p11_session(p);
	if ((oldlen != pinlen || memcmp(oldpin, pin, pinlen) != 0) &&
	    (rv = fn->C_SetPIN(s, (CK_UTF8CHAR *)(uintptr_t)oldpin, oldlen,
	    (CK_UTF8CHAR *)(uintptr_t)pin, pinlen)) != CKR_OK)
		goto fail;
	call = "C_DestroyObject";
	if ((rv = destroy(fn, s, 0)) != CKR_OK ||
	    (rv = destroy(fn, s, 1)) != CKR_OK)
		goto fail;
	call = "C_CreateObject";
	if ((rv = create(fn, s, 1, priv, privlen)) != CKR_OK ||
	    (rv = create(fn, s, 0, pub, publen)) != CKR_OK)
		goto fail;
	((struct p11_state *)slot->state)->readers[reader].card = 1;
	goto out;
fail:
	ret = off_p11_fail(p, call, rv, err);
out:
	off_p11_close(&p);
	return ret;
}

static int
p11_device(struct off_slot *slot, unsigned reader, struct off_slot_device *d)
{
	struct p11_state	*st = slot->state;
	const struct p11_reader	*r;
	CK_TOKEN_INFO		 ti;
	struct off_p11_token	 t;

	if (reader >= st->nreaders)
		return OFF_ERR_NOT_FOUND;
	r = &st->readers[reader];
	t = r->token;
	/* The PIN counter afresh. */
	if (st->fn->C_GetTokenInfo(r->slot, &ti) == CKR_OK)
		off_p11_token_fields(&ti, &t);
	memset(d, 0, sizeof(*d));
	snprintf(d->label, sizeof(d->label), "%s", t.label);
	snprintf(d->manufacturer, sizeof(d->manufacturer), "%s",
	    t.manufacturer);
	snprintf(d->model, sizeof(d->model), "%s", t.model);
	snprintf(d->serial, sizeof(d->serial), "%s", t.serial);
	d->tries_left = t.flags & CKF_USER_PIN_LOCKED ? 0 :
	    t.flags & CKF_USER_PIN_FINAL_TRY ? 1 : -1;
	return 0;
}

static int
p11_manual(struct off_slot *slot)
{
	return removable(slot->state);
}

static int
p11_scan(struct off_slot *slot, struct off_err *err)
{
	return scan(slot, err);
}

static unsigned
p11_count(struct off_slot *slot)
{
	return ((struct p11_state *)slot->state)->nreaders;
}

static const char *
p11_reader_name(struct off_slot *slot, unsigned reader)
{
	struct p11_state	*st = slot->state;

	return reader < st->nreaders ? st->readers[reader].name : slot->where;
}

static int
p11_writable(struct off_slot *slot, struct off_err *err)
{
	(void)slot;
	(void)err;
	return 0;
}

const struct off_slot_ops off_slot_pkcs11_ops = {
	.name = "pkcs11",
	.open = p11_open,
	.close = p11_close,
	.next = p11_next,
	.read = p11_read,
	.write = p11_write,
	.discard = p11_discard,
	.wait_removed = p11_wait_removed,
	.manual = p11_manual,
	.scan = p11_scan,
	.count = p11_count,
	.reader_name = p11_reader_name,
	.writable = p11_writable,
	.read_private = p11_read_private,
	.write_private = p11_write_private,
	.device = p11_device,
};
