/* One error convention for the whole core: functions return 0 or a
 * negative OFF_ERR_* code; off_strerror() names the code; an off_err
 * context carries the file and the detail a person needs to act. */
#ifndef OFF_ERROR_H
#define OFF_ERROR_H

#include <stddef.h>

#define OFF_OK			0
#define OFF_ERR_INTERNAL	-1	/* a bug: should not happen */
#define OFF_ERR_NOMEM		-2
#define OFF_ERR_SECMEM		-3	/* locked memory unavailable */
#define OFF_ERR_INVALID		-4	/* bad argument */
#define OFF_ERR_IO		-5
#define OFF_ERR_EXISTS		-6	/* would overwrite */
#define OFF_ERR_NOT_FOUND	-7
#define OFF_ERR_FORMAT		-8	/* malformed or foreign file */
#define OFF_ERR_VERSION		-9	/* unsupported format version */
#define OFF_ERR_CRYPTO		-10	/* a cryptographic library call failed */
#define OFF_ERR_AUTH		-11	/* authentication / integrity failure */
#define OFF_ERR_BAD_PIN		-12
#define OFF_ERR_LOCKED		-13	/* card locked after too many wrong PINs */
#define OFF_ERR_WRONG_WORLD	-14
#define OFF_ERR_DUPLICATE	-15	/* same card / share twice */
#define OFF_ERR_QUORUM		-16	/* not enough valid shares */
#define OFF_ERR_COMMITMENT	-17	/* secret does not match the world */
#define OFF_ERR_CANCELLED	-18	/* a person declined or input ended */
#define OFF_ERR_TIMEOUT		-19
#define OFF_ERR_INTERRUPTED	-20
#define OFF_ERR_SLOT		-21	/* card slot unusable */
#define OFF_ERR_NOT_BLANK	-22	/* card belongs to a world */
#define OFF_ERR_TOO_LARGE	-23
#define OFF_ERR_UNSUPPORTED	-24
#define OFF_ERR_NO_WORLD	-25
#define OFF_ERR_UNSEALED	-26	/* transcript intact but not sealed */
#define OFF_ERR_UNANCHORED	-27	/* no trusted key vouches for it */
#define OFF_ERR_DENIED		-28	/* not allowed by the key's ACL */
#define OFF_ERR_MAX		-28

#define OFF_ERR_DETAIL_MAX	512

struct off_err {
	int	 code;
	char	 file[256];	/* file the error is about, or "" */
	char	 detail[OFF_ERR_DETAIL_MAX];
};

const char	*off_strerror(int code);

/* Record an error in ctx (may be NULL) and return code. */
int		 off_err_set(struct off_err *ctx, int code, const char *file,
		    const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));
/* Like off_err_set, appending strerror(errno_value). */
int		 off_err_errno(struct off_err *ctx, int code, int errno_value,
		    const char *file, const char *fmt, ...)
		    __attribute__((format(printf, 5, 6)));
/* Like off_err_set, appending the OpenSSL error queue (and clearing it). */
int		 off_err_crypto(struct off_err *ctx, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 off_err_clear(struct off_err *ctx);
/* "detail: file" or the code's message when no detail was given. */
void		 off_err_format(const struct off_err *ctx, char *buf,
		    size_t len);

#endif
