/*
 * A PKCS#11 module for tests/e2e-pkcs11.sh that passes every call to
 * the real module named by P11SHIM_MODULE (SoftHSM2) and changes what
 * a test needs of a token that SoftHSM2 is not:
 *   P11SHIM_HIDE=0x210a,0x1081  mechanisms C_GetMechanismList leaves out
 *   P11SHIM_LOCK=FILE           a user PIN that locks after 3 wrong
 *                               tries (each token's count is kept in
 *                               FILE.SERIAL), as HSMs and smartcards do
 *                               and SoftHSM2 2.6.1 does not
 *   P11SHIM_REMOVABLE=1         slots say CKF_REMOVABLE_DEVICE
 *   P11SHIM_PRESENT=DIR         a token is in its slot only while
 *                               DIR/LABEL exists (put in and taken out
 *                               by hand, as a smartcard in a reader);
 *                               C_WaitForSlotEvent reports the changes
 *   P11SHIM_NOEVENTS=1          C_WaitForSlotEvent is not supported
 *   P11SHIM_NOSO=1              no security officer login (as on a
 *                               YubiHSM 2): CKR_USER_TYPE_INVALID
 *   P11SHIM_NOTRUST=1           objects with CKA_TRUSTED refused
 *                               (CKR_ATTRIBUTE_TYPE_INVALID), as by a
 *                               token whose SO cannot mark keys trusted
 *   P11SHIM_RSA_AES=1           CKM_RSA_AES_KEY_WRAP offered, made of
 *                               the real module's two steps on a session
 *                               AES key (keys that only trusted keys may
 *                               wrap excepted: the session key is not)
 * Test code only: never built into officiant.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <p11-kit/pkcs11.h>

#define LOCK_TRIES	3

static CK_FUNCTION_LIST		 shim;
static CK_FUNCTION_LIST		*real;

static int
hidden(CK_MECHANISM_TYPE m)
{
	const char	*s = getenv("P11SHIM_HIDE");
	char		*end;

	while (s != NULL && *s != '\0') {
		if (strtoul(s, &end, 0) == m)
			return 1;
		if (end == s)
			break;
		s = *end == ',' ? end + 1 : end;
	}
	return 0;
}

static CK_RV
shim_GetMechanismList(CK_SLOT_ID slot, CK_MECHANISM_TYPE *list,
    CK_ULONG *count)
{
	CK_MECHANISM_TYPE	 all[1024];
	CK_ULONG		 n = 1023, i, k = 0;
	CK_RV			 rv;

	if ((rv = real->C_GetMechanismList(slot, all, &n)) != CKR_OK)
		return rv;
	for (i = 0; i < n && all[i] != CKM_RSA_AES_KEY_WRAP; i++)
		;
	if (i == n && getenv("P11SHIM_RSA_AES") != NULL)
		all[n++] = CKM_RSA_AES_KEY_WRAP;
	for (i = 0; i < n; i++)
		if (!hidden(all[i])) {
			if (list != NULL && k < *count)
				list[k] = all[i];
			k++;
		}
	if (list != NULL && k > *count) {
		*count = k;
		return CKR_BUFFER_TOO_SMALL;
	}
	*count = k;
	return CKR_OK;
}

/* The token's serial, blanks dropped. */
static void
serial_of(CK_SLOT_ID slot, char *buf, size_t len)
{
	CK_TOKEN_INFO	ti;
	size_t		i, n = 0;

	buf[0] = '\0';
	if (real->C_GetTokenInfo(slot, &ti) != CKR_OK)
		return;
	for (i = 0; i < sizeof(ti.serialNumber) && n + 1 < len; i++)
		if (ti.serialNumber[i] > ' ' && ti.serialNumber[i] < 0x7f)
			buf[n++] = (char)ti.serialNumber[i];
	buf[n] = '\0';
}

static int
lock_count(CK_SLOT_ID slot, int add)
{
	const char	*base = getenv("P11SHIM_LOCK");
	char		 path[4096], serial[17];
	FILE		*f;
	int		 n = 0;

	if (base == NULL)
		return -1;
	serial_of(slot, serial, sizeof(serial));
	snprintf(path, sizeof(path), "%s.%s", base, serial);
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%d", &n) != 1)
			n = 0;
		fclose(f);
	}
	if (add != 0) {
		n = add < 0 ? 0 : n + 1;
		if ((f = fopen(path, "w")) != NULL) {
			fprintf(f, "%d\n", n);
			fclose(f);
		}
	}
	return n;
}

static CK_RV
shim_Login(CK_SESSION_HANDLE s, CK_USER_TYPE user, CK_UTF8CHAR *pin,
    CK_ULONG len)
{
	CK_SESSION_INFO	si;
	CK_RV		rv;
	int		n;

	if (user == CKU_SO && getenv("P11SHIM_NOSO") != NULL)
		return CKR_USER_TYPE_INVALID;
	if ((rv = real->C_GetSessionInfo(s, &si)) != CKR_OK)
		return rv;
	n = lock_count(si.slotID, 0);
	if (n >= LOCK_TRIES && user == CKU_USER)
		return CKR_PIN_LOCKED;
	rv = real->C_Login(s, user, pin, len);
	if (n >= 0 && user == CKU_USER)
		(void)lock_count(si.slotID, rv == CKR_PIN_INCORRECT ? 1 :
		    rv == CKR_OK ? -1 : 0);
	return rv;
}

/* Under P11SHIM_PRESENT: whether DIR/LABEL is there. */
static int
present(CK_SLOT_ID slot)
{
	const char	*dir = getenv("P11SHIM_PRESENT");
	CK_TOKEN_INFO	 ti;
	char		 path[4096], label[33];
	size_t		 n = sizeof(ti.label);
	FILE		*f;

	if (dir == NULL)
		return 1;
	if (real->C_GetTokenInfo(slot, &ti) != CKR_OK)
		return 0;
	while (n > 0 && ti.label[n - 1] == ' ')
		n--;
	memcpy(label, ti.label, n);
	label[n] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, label);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	fclose(f);
	return 1;
}

/* Under P11SHIM_NOTRUST: 1 when the template asks for CKA_TRUSTED. */
static int
asks_trust(const CK_ATTRIBUTE *t, CK_ULONG n)
{
	CK_ULONG	i;

	if (getenv("P11SHIM_NOTRUST") == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (t[i].type == CKA_TRUSTED)
			return 1;
	return 0;
}

static CK_RV
shim_CreateObject(CK_SESSION_HANDLE s, CK_ATTRIBUTE *t, CK_ULONG n,
    CK_OBJECT_HANDLE *h)
{
	if (asks_trust(t, n))
		return CKR_ATTRIBUTE_TYPE_INVALID;
	return real->C_CreateObject(s, t, n, h);
}

static CK_RV
shim_GenerateKey(CK_SESSION_HANDLE s, CK_MECHANISM *m, CK_ATTRIBUTE *t,
    CK_ULONG n, CK_OBJECT_HANDLE *h)
{
	if (asks_trust(t, n))
		return CKR_ATTRIBUTE_TYPE_INVALID;
	return real->C_GenerateKey(s, m, t, n, h);
}

/* A new user PIN from the security officer unlocks the token. */
static CK_RV
shim_InitPIN(CK_SESSION_HANDLE s, CK_UTF8CHAR *pin, CK_ULONG len)
{
	CK_SESSION_INFO	si;
	CK_RV		rv;

	if ((rv = real->C_InitPIN(s, pin, len)) == CKR_OK &&
	    real->C_GetSessionInfo(s, &si) == CKR_OK)
		(void)lock_count(si.slotID, -1);
	return rv;
}

static CK_RV
shim_GetSlotInfo(CK_SLOT_ID slot, CK_SLOT_INFO *info)
{
	CK_RV	rv;

	if ((rv = real->C_GetSlotInfo(slot, info)) != CKR_OK)
		return rv;
	if (getenv("P11SHIM_REMOVABLE") != NULL)
		info->flags |= CKF_REMOVABLE_DEVICE;
	if ((info->flags & CKF_TOKEN_PRESENT) && !present(slot))
		info->flags &= ~(CK_FLAGS)CKF_TOKEN_PRESENT;
	return rv;
}

static CK_RV
shim_GetTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO *info)
{
	CK_RV	rv;
	int	n;

	if ((rv = real->C_GetTokenInfo(slot, info)) != CKR_OK)
		return rv;
	if ((n = lock_count(slot, 0)) < 0)
		return rv;
	info->flags &= ~(CK_FLAGS)(CKF_USER_PIN_COUNT_LOW |
	    CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED);
	if (n >= LOCK_TRIES)
		info->flags |= CKF_USER_PIN_LOCKED;
	else if (n == LOCK_TRIES - 1)
		info->flags |= CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_COUNT_LOW;
	else if (n > 0)
		info->flags |= CKF_USER_PIN_COUNT_LOW;
	return rv;
}

/* CKM_RSA_AES_KEY_WRAP's parameters, as PKCS#11 v2.40 has them (p11-kit's
 * header leaves them out). */
struct rsa_aes_params {
	CK_ULONG			 aes_bits;
	CK_RSA_PKCS_OAEP_PARAMS		*oaep;
};

/* One CKM_RSA_AES_KEY_WRAP into out (len bytes at most): OAEP of a new
 * session AES key under the KEK, then the key under it with
 * CKM_AES_KEY_WRAP_PAD. *outlen is what it took. */
static CK_RV
rsa_aes_wrap(CK_SESSION_HANDLE s, struct rsa_aes_params *pp,
    CK_OBJECT_HANDLE kek, CK_OBJECT_HANDLE key, CK_BYTE *out, CK_ULONG len,
    CK_ULONG *outlen)
{
	CK_OBJECT_CLASS		 cls = CKO_SECRET_KEY;
	CK_KEY_TYPE		 aes = CKK_AES;
	CK_BBOOL		 yes = CK_TRUE, no = CK_FALSE;
	CK_ULONG		 vlen = pp->aes_bits / 8, alen, blen;
	CK_MECHANISM		 gen = { CKM_AES_KEY_GEN, NULL, 0 };
	CK_MECHANISM		 oaep = { CKM_RSA_PKCS_OAEP, pp->oaep,
				    sizeof(*pp->oaep) };
	CK_MECHANISM		 kwp = { CKM_AES_KEY_WRAP_PAD, NULL, 0 };
	CK_ATTRIBUTE		 t[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_KEY_TYPE, &aes, sizeof(aes) },
		{ CKA_TOKEN, &no, sizeof(no) },
		{ CKA_VALUE_LEN, &vlen, sizeof(vlen) },
		{ CKA_WRAP, &yes, sizeof(yes) },
		{ CKA_SENSITIVE, &yes, sizeof(yes) },
		{ CKA_EXTRACTABLE, &yes, sizeof(yes) },
	};
	CK_OBJECT_HANDLE	 e;
	CK_RV			 rv;

	if (pp == NULL || pp->oaep == NULL || (vlen != 16 && vlen != 24 &&
	    vlen != 32))
		return CKR_MECHANISM_PARAM_INVALID;
	if ((rv = real->C_GenerateKey(s, &gen, t, 7, &e)) != CKR_OK)
		return rv;
	alen = len;
	if ((rv = real->C_WrapKey(s, &oaep, kek, e, out, &alen)) == CKR_OK) {
		blen = len - alen;
		rv = real->C_WrapKey(s, &kwp, e, key, out + alen, &blen);
	}
	(void)real->C_DestroyObject(s, e);
	if (rv == CKR_OK)
		*outlen = alen + blen;
	return rv;
}

static CK_RV
shim_WrapKey(CK_SESSION_HANDLE s, CK_MECHANISM *m, CK_OBJECT_HANDLE kek,
    CK_OBJECT_HANDLE key, CK_BYTE *out, CK_ULONG *outlen)
{
	CK_BYTE		buf[8192];
	CK_ULONG	n = 0;
	CK_RV		rv;

	if (m == NULL || m->mechanism != CKM_RSA_AES_KEY_WRAP ||
	    getenv("P11SHIM_RSA_AES") == NULL)
		return real->C_WrapKey(s, m, kek, key, out, outlen);
	if (m->ulParameterLen != sizeof(struct rsa_aes_params))
		return CKR_MECHANISM_PARAM_INVALID;
	if ((rv = rsa_aes_wrap(s, m->pParameter, kek, key, buf, sizeof(buf),
	    &n)) != CKR_OK)
		return rv;
	if (out != NULL && *outlen < n) {
		*outlen = n;
		return CKR_BUFFER_TOO_SMALL;
	}
	if (out != NULL)
		memcpy(out, buf, n);
	*outlen = n;
	return CKR_OK;
}

/* Slot events under P11SHIM_PRESENT: a slot whose token came or went
 * since the last call. */
static CK_RV
shim_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID *slot, void *reserved)
{
	static struct {
		CK_SLOT_ID	id;
		int		present;
	}		 known[64];
	static size_t	 nknown;
	CK_SLOT_ID	 ids[64];
	CK_ULONG	 n = 64, i;
	size_t		 j;
	int		 p;

	if (getenv("P11SHIM_NOEVENTS") != NULL)
		return CKR_FUNCTION_NOT_SUPPORTED;
	if (getenv("P11SHIM_PRESENT") == NULL)
		return real->C_WaitForSlotEvent(flags, slot, reserved);
	for (;;) {
		n = 64;
		if (real->C_GetSlotList(CK_FALSE, ids, &n) != CKR_OK)
			return CKR_GENERAL_ERROR;
		for (i = 0; i < n; i++) {
			p = present(ids[i]);
			for (j = 0; j < nknown && known[j].id != ids[i]; j++)
				;
			if (j == nknown && nknown < 64) {
				/* First seen: as it was when loaded. */
				known[nknown].id = ids[i];
				known[nknown++].present = p;
				continue;
			}
			if (j < nknown && known[j].present != p) {
				known[j].present = p;
				*slot = ids[i];
				return CKR_OK;
			}
		}
		if (flags & CKF_DONT_BLOCK)
			return CKR_NO_EVENT;
		nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
	}
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST **out);

CK_RV
C_GetFunctionList(CK_FUNCTION_LIST **out)
{
	const char		*path = getenv("P11SHIM_MODULE");
	CK_C_GetFunctionList	 get;
	void			*dl;
	CK_RV			 rv;

	if (real == NULL) {
		if (path == NULL || (dl = dlopen(path, RTLD_NOW |
		    RTLD_LOCAL)) == NULL)
			return CKR_GENERAL_ERROR;
		*(void **)&get = dlsym(dl, "C_GetFunctionList");
		if (get == NULL || (rv = get(&real)) != CKR_OK)
			return CKR_GENERAL_ERROR;
		shim = *real;
		shim.C_GetMechanismList = shim_GetMechanismList;
		shim.C_Login = shim_Login;
		shim.C_InitPIN = shim_InitPIN;
		shim.C_WrapKey = shim_WrapKey;
		shim.C_CreateObject = shim_CreateObject;
		shim.C_GenerateKey = shim_GenerateKey;
		shim.C_GetTokenInfo = shim_GetTokenInfo;
		shim.C_GetSlotInfo = shim_GetSlotInfo;
		shim.C_WaitForSlotEvent = shim_WaitForSlotEvent;
	}
	*out = &shim;
	return CKR_OK;
}
