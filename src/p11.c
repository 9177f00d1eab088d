/* PKCS#11 core: modules loaded with dlopen and C_GetFunctionList, one
 * token and one session each, errors named after their CKR. */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "frontend.h"
#include "i18n.h"
#include "p11.h"
#include "prompt.h"
#include "secmem.h"

#define P11_MECH_MAX	1024
#define P11_SLOT_MAX	256

/* A module is loaded and initialised once for the whole program, however
 * many tokens of it are in use (the world's module token and the cards
 * may share a library), and finalised when the last user lets go. */
struct p11_lib {
	char			 path[256];
	void			*dl;
	CK_FUNCTION_LIST	*fn;
	int			 finalize;	/* we initialised it */
	unsigned		 refs;
};

#define P11_LIB_MAX	8
static struct p11_lib	libs[P11_LIB_MAX];

struct off_p11 {
	CK_FUNCTION_LIST	*fn;
	CK_SLOT_ID		 slot;
	CK_SESSION_HANDLE	 session;
	int			 have_session;
	int			 loaded;
	struct off_p11_token	 token;
	CK_MECHANISM_TYPE	*mechs;
	CK_ULONG		 nmechs;
	char			 library[256];
};

struct p11_name {
	CK_ULONG	 value;
	const char	*name;
};

#define N(x)	{ x, #x }
static const struct p11_name rv_names[] = {
	N(CKR_OK), N(CKR_CANCEL), N(CKR_HOST_MEMORY), N(CKR_SLOT_ID_INVALID),
	N(CKR_GENERAL_ERROR), N(CKR_FUNCTION_FAILED), N(CKR_ARGUMENTS_BAD),
	N(CKR_ATTRIBUTE_READ_ONLY), N(CKR_ATTRIBUTE_SENSITIVE),
	N(CKR_ATTRIBUTE_TYPE_INVALID), N(CKR_ATTRIBUTE_VALUE_INVALID),
	N(CKR_DATA_INVALID), N(CKR_DATA_LEN_RANGE), N(CKR_DEVICE_ERROR),
	N(CKR_DEVICE_MEMORY), N(CKR_DEVICE_REMOVED),
	N(CKR_FUNCTION_NOT_SUPPORTED), N(CKR_KEY_HANDLE_INVALID),
	N(CKR_KEY_SIZE_RANGE), N(CKR_KEY_TYPE_INCONSISTENT),
	N(CKR_KEY_FUNCTION_NOT_PERMITTED), N(CKR_KEY_NOT_WRAPPABLE),
	N(CKR_KEY_UNEXTRACTABLE), N(CKR_MECHANISM_INVALID),
	N(CKR_MECHANISM_PARAM_INVALID), N(CKR_OBJECT_HANDLE_INVALID),
	N(CKR_OPERATION_ACTIVE), N(CKR_PIN_INCORRECT), N(CKR_PIN_INVALID),
	N(CKR_PIN_LEN_RANGE), N(CKR_PIN_EXPIRED), N(CKR_PIN_LOCKED),
	N(CKR_SESSION_CLOSED), N(CKR_SESSION_HANDLE_INVALID),
	N(CKR_SESSION_READ_ONLY), N(CKR_TEMPLATE_INCOMPLETE),
	N(CKR_TEMPLATE_INCONSISTENT), N(CKR_TOKEN_NOT_PRESENT),
	N(CKR_TOKEN_NOT_RECOGNIZED), N(CKR_TOKEN_WRITE_PROTECTED),
	N(CKR_USER_ALREADY_LOGGED_IN), N(CKR_USER_NOT_LOGGED_IN),
	N(CKR_USER_PIN_NOT_INITIALIZED), N(CKR_USER_TYPE_INVALID),
	N(CKR_WRAPPED_KEY_INVALID), N(CKR_WRAPPING_KEY_HANDLE_INVALID),
	N(CKR_WRAPPING_KEY_SIZE_RANGE), N(CKR_WRAPPING_KEY_TYPE_INCONSISTENT),
	N(CKR_DOMAIN_PARAMS_INVALID), N(CKR_CURVE_NOT_SUPPORTED),
	N(CKR_BUFFER_TOO_SMALL), N(CKR_CRYPTOKI_NOT_INITIALIZED),
	N(CKR_CRYPTOKI_ALREADY_INITIALIZED), N(CKR_FUNCTION_REJECTED),
	N(CKR_OPERATION_NOT_INITIALIZED), N(CKR_ACTION_PROHIBITED),
	N(CKR_SESSION_READ_ONLY_EXISTS), N(CKR_USER_ANOTHER_ALREADY_LOGGED_IN),
};

static const struct p11_name mech_names[] = {
	N(CKM_RSA_PKCS_KEY_PAIR_GEN), N(CKM_RSA_PKCS), N(CKM_RSA_PKCS_OAEP),
	N(CKM_EC_KEY_PAIR_GEN), N(CKM_ECDSA), N(CKM_AES_KEY_GEN),
	N(CKM_AES_KEY_WRAP), N(CKM_AES_KEY_WRAP_PAD),
	N(CKM_RSA_AES_KEY_WRAP), N(CKM_SHA_1), N(CKM_SHA256),
};
#undef N

/* The name of value in table, or the kind and the number in hex. */
static const char *
p11_name(const struct p11_name *table, size_t n, CK_ULONG value,
    const char *kind, char *buf, size_t len)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (table[i].value == value)
			return table[i].name;
	snprintf(buf, len, "%s 0x%lx", kind, (unsigned long)value);
	return buf;
}

const char *
off_p11_rv_name(CK_RV rv, char *buf, size_t len)
{
	return p11_name(rv_names, sizeof(rv_names) / sizeof(rv_names[0]), rv,
	    "CKR", buf, len);
}

const char *
off_p11_mech_name(CK_MECHANISM_TYPE m, char *buf, size_t len)
{
	return p11_name(mech_names, sizeof(mech_names) / sizeof(mech_names[0]),
	    m, "CKM", buf, len);
}

int
off_p11_code(CK_RV rv)
{
	switch (rv) {
	case CKR_OK:
		return 0;
	case CKR_HOST_MEMORY:
	case CKR_DEVICE_MEMORY:
		return OFF_ERR_NOMEM;
	case CKR_PIN_INCORRECT:
	case CKR_PIN_INVALID:
	case CKR_PIN_LEN_RANGE:
	case CKR_PIN_EXPIRED:
		return OFF_ERR_BAD_PIN;
	case CKR_PIN_LOCKED:
		return OFF_ERR_LOCKED;
	case CKR_USER_NOT_LOGGED_IN:
	case CKR_USER_PIN_NOT_INITIALIZED:
	case CKR_KEY_UNEXTRACTABLE:
	case CKR_KEY_FUNCTION_NOT_PERMITTED:
	case CKR_ATTRIBUTE_SENSITIVE:
		return OFF_ERR_DENIED;
	case CKR_MECHANISM_INVALID:
	case CKR_MECHANISM_PARAM_INVALID:
	case CKR_FUNCTION_NOT_SUPPORTED:
	case CKR_KEY_NOT_WRAPPABLE:
	case CKR_KEY_SIZE_RANGE:
	case CKR_CURVE_NOT_SUPPORTED:
	case CKR_DOMAIN_PARAMS_INVALID:
	case CKR_WRAPPING_KEY_SIZE_RANGE:
	case CKR_WRAPPING_KEY_TYPE_INCONSISTENT:
	case CKR_KEY_TYPE_INCONSISTENT:
		return OFF_ERR_UNSUPPORTED;
	case CKR_TOKEN_NOT_PRESENT:
	case CKR_TOKEN_NOT_RECOGNIZED:
	case CKR_DEVICE_REMOVED:
	case CKR_SLOT_ID_INVALID:
	case CKR_SESSION_CLOSED:
	case CKR_TOKEN_WRITE_PROTECTED:
		return OFF_ERR_SLOT;
	default:
		return OFF_ERR_CRYPTO;
	}
}

int
off_p11_fail(const struct off_p11 *p, const char *call, CK_RV rv,
    struct off_err *err)
{
	char	buf[32];

	return off_err_set(err, off_p11_code(rv), p != NULL ? p->library :
	    NULL, _("%s failed on token \"%s\": %s"), call,
	    p != NULL ? p->token.label : "?", off_p11_rv_name(rv, buf,
	    sizeof(buf)));
}

/* A blank-padded CK_UTF8CHAR field as a C string, trailing blanks
 * dropped. The field is the module's word, shown on screens and put on
 * record: anything but printable ASCII becomes '?' (no control, no
 * malformed UTF-8, no bidi override). */
static void
field(const CK_UTF8CHAR *in, size_t n, char *out, size_t outlen)
{
	size_t	i;

	if (n >= outlen)
		n = outlen - 1;
	for (i = 0; i < n; i++)
		out[i] = in[i] < 0x20 || in[i] >= 0x7f ? '?' : (char)in[i];
	while (i > 0 && (out[i - 1] == ' ' || out[i - 1] == '\0'))
		i--;
	out[i] = '\0';
}

void
off_p11_token_fields(const CK_TOKEN_INFO *ti, struct off_p11_token *t)
{
	field(ti->label, sizeof(ti->label), t->label, sizeof(t->label));
	field(ti->serialNumber, sizeof(ti->serialNumber), t->serial,
	    sizeof(t->serial));
	field(ti->manufacturerID, sizeof(ti->manufacturerID),
	    t->manufacturer, sizeof(t->manufacturer));
	field(ti->model, sizeof(ti->model), t->model, sizeof(t->model));
	t->flags = ti->flags;
	t->min_pin = ti->ulMinPinLen;
	t->max_pin = ti->ulMaxPinLen;
}

int
off_p11_module_get(const char *library, CK_FUNCTION_LIST **fnp,
    struct off_err *err)
{
	CK_C_GetFunctionList	 getfl;
	CK_C_INITIALIZE_ARGS	 args;
	struct p11_lib		*l = NULL;
	CK_RV			 rv;
	size_t			 i;

	*fnp = NULL;
	for (i = 0; i < P11_LIB_MAX; i++)
		if (libs[i].refs > 0 && strcmp(libs[i].path, library) == 0) {
			libs[i].refs++;
			*fnp = libs[i].fn;
			return 0;
		}
	for (i = 0; i < P11_LIB_MAX && l == NULL; i++)
		if (libs[i].refs == 0)
			l = &libs[i];
	if (l == NULL)
		return off_err_set(err, OFF_ERR_TOO_LARGE, library,
		    _("too many PKCS#11 modules in use"));
	if (strlen(library) >= sizeof(l->path))
		return off_err_set(err, OFF_ERR_TOO_LARGE, NULL,
		    _("the PKCS#11 module's path is too long"));
	memset(l, 0, sizeof(*l));
	if (access(library, R_OK) != 0)
		return off_err_errno(err, OFF_ERR_NOT_FOUND, errno, library,
		    _("cannot read the PKCS#11 module; install it or give its "
		    "path"));
	if ((l->dl = dlopen(library, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return off_err_set(err, OFF_ERR_UNSUPPORTED, library,
		    _("not a loadable PKCS#11 module: %s"), dlerror());
	/* The POSIX way to get a function pointer out of dlsym. */
	*(void **)&getfl = dlsym(l->dl, "C_GetFunctionList");
	if (getfl == NULL || getfl(&l->fn) != CKR_OK || l->fn == NULL) {
		dlclose(l->dl);
		return off_err_set(err, OFF_ERR_UNSUPPORTED, library,
		    _("not a PKCS#11 module: no C_GetFunctionList"));
	}
	if (l->fn->version.major != 2) {
		dlclose(l->dl);
		return off_err_set(err, OFF_ERR_UNSUPPORTED, library,
		    _("PKCS#11 version %u.%u is not supported (2.x is)"),
		    l->fn->version.major, l->fn->version.minor);
	}
	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	rv = l->fn->C_Initialize(&args);
	if (rv == CKR_OK)
		l->finalize = 1;
	else if (rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		dlclose(l->dl);
		return off_p11_fail(NULL, "C_Initialize", rv, err);
	}
	snprintf(l->path, sizeof(l->path), "%s", library);
	l->refs = 1;
	*fnp = l->fn;
	return 0;
}

void
off_p11_module_put(const char *library)
{
	size_t	i;

	for (i = 0; i < P11_LIB_MAX; i++) {
		if (libs[i].refs == 0 || strcmp(libs[i].path, library) != 0)
			continue;
		if (--libs[i].refs > 0)
			return;
		if (libs[i].finalize)
			(void)libs[i].fn->C_Finalize(NULL);
		dlclose(libs[i].dl);
		memset(&libs[i], 0, sizeof(libs[i]));
		return;
	}
}

static int
load(struct off_p11 *p, const char *library, struct off_err *err)
{
	int	ret;

	if ((ret = off_p11_module_get(library, &p->fn, err)) == 0)
		p->loaded = 1;
	return ret;
}

static int
token_match(const struct off_p11_token *t, const char *label,
    const char *serial)
{
	if (label != NULL && *label != '\0' && strcmp(t->label, label) != 0)
		return 0;
	if (serial != NULL && *serial != '\0' && strcmp(t->serial, serial) != 0)
		return 0;
	return 1;
}

static int
find_token(struct off_p11 *p, const char *label, const char *serial,
    struct off_err *err)
{
	CK_SLOT_ID		 slots[P11_SLOT_MAX];
	CK_ULONG		 n = P11_SLOT_MAX, i;
	CK_TOKEN_INFO		 ti;
	struct off_p11_token	 t;
	char			 seen[256];
	size_t			 slen = 0;
	unsigned		 found = 0;
	CK_RV			 rv;

	seen[0] = '\0';
	if ((rv = p->fn->C_GetSlotList(CK_TRUE, slots, &n)) != CKR_OK)
		return off_p11_fail(p, "C_GetSlotList", rv, err);
	for (i = 0; i < n; i++) {
		if (p->fn->C_GetTokenInfo(slots[i], &ti) != CKR_OK ||
		    !(ti.flags & CKF_TOKEN_INITIALIZED))
			continue;
		off_p11_token_fields(&ti, &t);
		if (slen < sizeof(seen) - 1)
			slen += (size_t)snprintf(seen + slen, sizeof(seen) -
			    slen, "%s\"%s\" (%s)", slen ? ", " : "", t.label,
			    t.serial);
		if (!token_match(&t, label, serial))
			continue;
		if (found++ == 0) {
			p->slot = slots[i];
			p->token = t;
		}
	}
	if (slen >= sizeof(seen) - 1)
		memcpy(seen + sizeof(seen) - 4, "...", 4);
	if (found == 1)
		return 0;
	if (found > 1)
		return off_err_set(err, OFF_ERR_INVALID, p->library,
		    _("%u tokens match; name one by its serial (tokens: %s)"),
		    found, seen);
	if (slen == 0)
		return off_err_set(err, OFF_ERR_NOT_FOUND, p->library,
		    _("no initialized token is present; insert or "
		    "initialize one"));
	return off_err_set(err, OFF_ERR_NOT_FOUND, p->library,
	    _("no token with label \"%s\" and serial \"%s\" (tokens: %s)"),
	    label != NULL && *label != '\0' ? label : "*",
	    serial != NULL && *serial != '\0' ? serial : "*", seen);
}

static int
mechanisms(struct off_p11 *p, struct off_err *err)
{
	CK_ULONG	n = 0;
	CK_RV		rv;

	if ((rv = p->fn->C_GetMechanismList(p->slot, NULL, &n)) != CKR_OK)
		return off_p11_fail(p, "C_GetMechanismList", rv, err);
	if (n > P11_MECH_MAX)
		n = P11_MECH_MAX;
	if ((p->mechs = calloc(n + 1, sizeof(*p->mechs))) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	if ((rv = p->fn->C_GetMechanismList(p->slot, p->mechs, &n)) != CKR_OK &&
	    rv != CKR_BUFFER_TOO_SMALL)
		return off_p11_fail(p, "C_GetMechanismList", rv, err);
	p->nmechs = n;
	return 0;
}

int
off_p11_open(const char *library, const char *label, const char *serial,
    struct off_p11 **out, struct off_err *err)
{
	struct off_p11	*p;
	CK_RV		 rv;
	int		 ret;

	*out = NULL;
	if (library == NULL || *library == '\0')
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("no PKCS#11 module given"));
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	if (strlen(library) >= sizeof(p->library)) {
		free(p);
		return off_err_set(err, OFF_ERR_TOO_LARGE, NULL,
		    _("the PKCS#11 module's path is too long"));
	}
	snprintf(p->library, sizeof(p->library), "%s", library);
	if ((ret = load(p, library, err)) != 0 ||
	    (ret = find_token(p, label, serial, err)) != 0 ||
	    (ret = mechanisms(p, err)) != 0)
		goto out;
	if ((rv = p->fn->C_OpenSession(p->slot, CKF_SERIAL_SESSION |
	    CKF_RW_SESSION, NULL, NULL, &p->session)) != CKR_OK) {
		ret = off_p11_fail(p, "C_OpenSession", rv, err);
		goto out;
	}
	p->have_session = 1;
out:
	if (ret != 0)
		off_p11_close(&p);
	*out = p;
	return ret;
}

void
off_p11_close(struct off_p11 **pp)
{
	struct off_p11	*p;

	if (pp == NULL || (p = *pp) == NULL)
		return;
	if (p->have_session) {
		(void)p->fn->C_Logout(p->session);
		(void)p->fn->C_CloseSession(p->session);
	}
	if (p->loaded)
		off_p11_module_put(p->library);
	free(p->mechs);
	free(p);
	*pp = NULL;
}

const struct off_p11_token *
off_p11_token(const struct off_p11 *p)
{
	return &p->token;
}

const char *
off_p11_library(const struct off_p11 *p)
{
	return p->library;
}

CK_FUNCTION_LIST *
off_p11_fn(const struct off_p11 *p)
{
	return p->fn;
}

CK_SESSION_HANDLE
off_p11_session(const struct off_p11 *p)
{
	return p->session;
}

/* The token's word on its PIN counter, read afresh. */
static CK_FLAGS
pin_flags(struct off_p11 *p)
{
	CK_TOKEN_INFO	ti;

	if (p->fn->C_GetTokenInfo(p->slot, &ti) != CKR_OK)
		return 0;
	p->token.flags = ti.flags;
	return ti.flags;
}

static int
locked(struct off_p11 *p, const char *rvname, struct off_err *err)
{
	return off_err_set(err, OFF_ERR_LOCKED, p->library,
	    _("token \"%s\" is locked after too many wrong user PINs (%s); "
	    "its security officer must reset the user PIN (for a world's "
	    "token whose SO PIN the quorum holds: officiant world "
	    "token-pin)"), p->token.label,
	    rvname);
}

int
off_p11_login(struct off_p11 *p, const char *pin, size_t len,
    struct off_err *err)
{
	CK_FLAGS	flags;
	CK_RV		rv;

	if (pin_flags(p) & CKF_USER_PIN_LOCKED)
		return locked(p, "CKF_USER_PIN_LOCKED", err);
	rv = p->fn->C_Login(p->session, CKU_USER,
	    (CK_UTF8CHAR *)(uintptr_t)pin, (CK_ULONG)len);
	switch (rv) {
	case CKR_OK:
	case CKR_USER_ALREADY_LOGGED_IN:
		return 0;
	case CKR_PIN_LOCKED:
		return locked(p, "CKR_PIN_LOCKED", err);
	case CKR_PIN_INCORRECT:
	case CKR_PIN_INVALID:
	case CKR_PIN_LEN_RANGE:
		flags = pin_flags(p);
		if (flags & CKF_USER_PIN_LOCKED)
			return locked(p, "CKF_USER_PIN_LOCKED", err);
		return off_err_set(err, OFF_ERR_BAD_PIN, p->library,
		    _("wrong user PIN for token \"%s\" (%s)%s"),
		    p->token.label, rv == CKR_PIN_INCORRECT ?
		    "CKR_PIN_INCORRECT" : rv == CKR_PIN_INVALID ?
		    "CKR_PIN_INVALID" : "CKR_PIN_LEN_RANGE",
		    flags & CKF_USER_PIN_FINAL_TRY ? _("; one try is left "
		    "before the token locks") : flags &
		    CKF_USER_PIN_COUNT_LOW ? _("; few tries are left before "
		    "the token locks") : "");
	default:
		return off_p11_fail(p, "C_Login", rv, err);
	}
}

int
off_p11_login_so(struct off_p11 *p, const uint8_t *pin, size_t len,
    struct off_err *err)
{
	CK_RV	rv;

	if (pin_flags(p) & CKF_SO_PIN_LOCKED)
		return off_err_set(err, OFF_ERR_LOCKED, p->library,
		    _("the security officer PIN of token \"%s\" is locked "
		    "(CKF_SO_PIN_LOCKED)"), p->token.label);
	rv = p->fn->C_Login(p->session, CKU_SO, (CK_UTF8CHAR *)(uintptr_t)pin,
	    (CK_ULONG)len);
	switch (rv) {
	case CKR_OK:
		return 0;
	case CKR_PIN_INCORRECT:
	case CKR_PIN_INVALID:
	case CKR_PIN_LEN_RANGE:
		return off_err_set(err, OFF_ERR_BAD_PIN, p->library,
		    _("wrong security officer PIN for token \"%s\" (%s)%s"),
		    p->token.label, rv == CKR_PIN_INCORRECT ?
		    "CKR_PIN_INCORRECT" : rv == CKR_PIN_INVALID ?
		    "CKR_PIN_INVALID" : "CKR_PIN_LEN_RANGE",
		    pin_flags(p) & CKF_SO_PIN_FINAL_TRY ? _("; one try is "
		    "left before it locks") : "");
	case CKR_PIN_LOCKED:
		return off_err_set(err, OFF_ERR_LOCKED, p->library,
		    _("the security officer PIN of token \"%s\" is locked "
		    "(CKR_PIN_LOCKED)"), p->token.label);
	case CKR_USER_TYPE_INVALID:
	case CKR_FUNCTION_NOT_SUPPORTED:
		return off_err_set(err, OFF_ERR_UNSUPPORTED, p->library,
		    _("token \"%s\" has no security officer login (%s)"),
		    p->token.label, rv == CKR_USER_TYPE_INVALID ?
		    "CKR_USER_TYPE_INVALID" : "CKR_FUNCTION_NOT_SUPPORTED");
	default:
		return off_p11_fail(p, "C_Login (CKU_SO)", rv, err);
	}
}

int
off_p11_login_fe(struct off_p11 *p, const struct off_frontend *fe,
    struct off_err *err)
{
	struct off_pin_request	 req;
	char			 label[160], *pin = NULL;
	size_t			 len = 0;
	CK_FLAGS		 flags;
	int			 ret;

	flags = pin_flags(p);
	if (flags & CKF_USER_PIN_LOCKED)
		return locked(p, "CKF_USER_PIN_LOCKED", err);
	/* A token with its own PIN pad asks for the PIN itself. */
	if (flags & CKF_PROTECTED_AUTHENTICATION_PATH)
		return off_p11_login(p, NULL, 0, err);
	memset(&req, 0, sizeof(req));
	req.kind = OFF_PIN_PASSPHRASE;
	req.tries_left = flags & CKF_USER_PIN_FINAL_TRY ? 1 : -1;
	/* TRANSLATORS: the PIN that unlocks a PKCS#11 token (an HSM). */
	snprintf(label, sizeof(label), _("the user PIN of token \"%s\" "
	    "(serial %s)"), p->token.label, p->token.serial);
	req.label = label;
	if ((ret = off_ask_pin(fe, &req, &pin, &len)) != 0)
		return off_err_set(err, ret, NULL, _("no PIN for token \"%s\""),
		    p->token.label);
	ret = off_p11_login(p, pin, len, err);
	off_secfree(&pin);
	return ret;
}

int
off_p11_has(const struct off_p11 *p, CK_MECHANISM_TYPE m)
{
	CK_ULONG	i;

	for (i = 0; i < p->nmechs; i++)
		if (p->mechs[i] == m)
			return 1;
	return 0;
}

int
off_p11_need(const struct off_p11 *p, CK_MECHANISM_TYPE m, const char *what,
    struct off_err *err)
{
	char	buf[32];

	if (off_p11_has(p, m))
		return 0;
	return off_err_set(err, OFF_ERR_UNSUPPORTED, p->library,
	    _("token \"%s\" (%s %s) does not offer %s, needed %s"),
	    p->token.label, p->token.manufacturer, p->token.model,
	    off_p11_mech_name(m, buf, sizeof(buf)), what);
}

int
off_p11_find_all(struct off_p11 *p, CK_ATTRIBUTE *tmpl, CK_ULONG ntmpl,
    CK_OBJECT_HANDLE *h, CK_ULONG max, CK_ULONG *n, struct off_err *err)
{
	CK_ULONG	got;
	CK_RV		rv;

	*n = 0;
	if ((rv = p->fn->C_FindObjectsInit(p->session, tmpl, ntmpl)) != CKR_OK)
		return off_p11_fail(p, "C_FindObjectsInit", rv, err);
	/* A module may give fewer than asked for at a time. */
	do {
		got = 0;
		rv = p->fn->C_FindObjects(p->session, h + *n, max - *n, &got);
		if (rv == CKR_OK && got > max - *n)
			rv = CKR_GENERAL_ERROR;	/* more than room for */
		else if (rv == CKR_OK)
			*n += got;
	} while (rv == CKR_OK && got > 0 && *n < max);
	(void)p->fn->C_FindObjectsFinal(p->session);
	if (rv != CKR_OK)
		return off_p11_fail(p, "C_FindObjects", rv, err);
	return 0;
}

int
off_p11_find(struct off_p11 *p, CK_OBJECT_CLASS cls, const void *id,
    size_t idlen, CK_OBJECT_HANDLE *h, struct off_err *err)
{
	CK_ATTRIBUTE	 tmpl[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_ID, (void *)(uintptr_t)id, (CK_ULONG)idlen },
	};
	CK_OBJECT_HANDLE found[2];
	CK_ULONG	 n = 0;
	int		 ret;

	if ((ret = off_p11_find_all(p, tmpl, 2, found, 2, &n, err)) != 0)
		return ret;
	if (n == 0)
		return off_err_set(err, OFF_ERR_NOT_FOUND, p->library,
		    _("the key is not on token \"%s\" (serial %s)"),
		    p->token.label, p->token.serial);
	if (n > 1)
		return off_err_set(err, OFF_ERR_FORMAT, p->library,
		    _("token \"%s\" holds two objects with the key's CKA_ID"),
		    p->token.label);
	*h = found[0];
	return 0;
}
