/* A small PKCS#11 layer: load a module (the library) by path, find a
 * token by label and/or serial, open a session, log in with a PIN held
 * in locked memory, check mechanisms with C_GetMechanismList, and turn
 * CKR_* codes into OFF_ERR_* errors that name the CKR. The module and
 * card backends "pkcs11" sit on it. */
#ifndef OFF_P11_H
#define OFF_P11_H

#include <stddef.h>

#include <p11-kit/pkcs11.h>

struct off_err;
struct off_frontend;
struct off_p11;

/* The token as its module describes it (blank-padded fields trimmed):
 * what the world and the transcript record. */
struct off_p11_token {
	char		label[33];
	char		serial[17];
	char		manufacturer[33];
	char		model[17];
	CK_FLAGS	flags;		/* CKF_* of CK_TOKEN_INFO */
	CK_ULONG	min_pin, max_pin;	/* PIN lengths it takes */
};

/* Load the library at path, find the initialized token with this label
 * and/or serial (either may be NULL or ""; with neither, the only
 * token present) and open a read-write session on it. */
int	off_p11_open(const char *library, const char *label,
	    const char *serial, struct off_p11 **p, struct off_err *err);
void	off_p11_close(struct off_p11 **p);

/* The module at library, loaded and initialised once however many
 * users it has; every get is paired with a put. */
int	off_p11_module_get(const char *library, CK_FUNCTION_LIST **fn,
	    struct off_err *err);
void	off_p11_module_put(const char *library);
/* CK_TOKEN_INFO's blank-padded fields as C strings. */
void	off_p11_token_fields(const CK_TOKEN_INFO *ti,
	    struct off_p11_token *t);

const struct off_p11_token *off_p11_token(const struct off_p11 *p);
const char	*off_p11_library(const struct off_p11 *p);
CK_FUNCTION_LIST *off_p11_fn(const struct off_p11 *p);
CK_SESSION_HANDLE off_p11_session(const struct off_p11 *p);

/* Log in as the token's user with pin (len bytes, the caller's locked
 * memory). Wrong PIN: OFF_ERR_BAD_PIN saying how many tries the token
 * admits to; locked: OFF_ERR_LOCKED. */
int	off_p11_login(struct off_p11 *p, const char *pin, size_t len,
	    struct off_err *err);
/* Log in as the token's security officer (CKU_SO). */
int	off_p11_login_so(struct off_p11 *p, const uint8_t *pin, size_t len,
	    struct off_err *err);
/* Ask for the token's user PIN through fe, then log in. */
int	off_p11_login_fe(struct off_p11 *p, const struct off_frontend *fe,
	    struct off_err *err);

/* 1 when the token offers mechanism m (C_GetMechanismList). */
int	off_p11_has(const struct off_p11 *p, CK_MECHANISM_TYPE m);
/* 0 when it does, else OFF_ERR_UNSUPPORTED naming the mechanism and
 * what it was needed for. */
int	off_p11_need(const struct off_p11 *p, CK_MECHANISM_TYPE m,
	    const char *what, struct off_err *err);

/* "CKR_PIN_INCORRECT", "CKM_RSA_PKCS_OAEP", or the number in hex. */
const char	*off_p11_rv_name(CK_RV rv, char *buf, size_t len);
const char	*off_p11_mech_name(CK_MECHANISM_TYPE m, char *buf,
		    size_t len);
/* The OFF_ERR_* for a CKR_*. */
int	off_p11_code(CK_RV rv);
/* Record the failure of call (a C_* function) with rv in err. */
int	off_p11_fail(const struct off_p11 *p, const char *call, CK_RV rv,
	    struct off_err *err);

/* The objects matching tmpl: up to max handles in h, their number in
 * *n. */
int	off_p11_find_all(struct off_p11 *p, CK_ATTRIBUTE *tmpl,
	    CK_ULONG ntmpl, CK_OBJECT_HANDLE *h, CK_ULONG max, CK_ULONG *n,
	    struct off_err *err);
/* Find one object of class with CKA_ID id (idlen bytes). */
int	off_p11_find(struct off_p11 *p, CK_OBJECT_CLASS cls,
	    const void *id, size_t idlen, CK_OBJECT_HANDLE *h,
	    struct off_err *err);

#endif
