#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "error.h"
#include "i18n.h"

const char *
off_strerror(int code)
{
	switch (code) {
	case OFF_OK:
		return _("success");
	case OFF_ERR_INTERNAL:
		return _("internal error");
	case OFF_ERR_NOMEM:
		return _("out of memory");
	case OFF_ERR_SECMEM:
		return _("locked memory unavailable; raise the locked-memory "
		    "limit (ulimit -l)");
	case OFF_ERR_INVALID:
		return _("invalid argument");
	case OFF_ERR_IO:
		return _("input/output error");
	case OFF_ERR_EXISTS:
		return _("file already exists");
	case OFF_ERR_NOT_FOUND:
		return _("not found");
	case OFF_ERR_FORMAT:
		return _("malformed or foreign file");
	case OFF_ERR_VERSION:
		return _("unsupported format version");
	case OFF_ERR_CRYPTO:
		return _("cryptographic operation failed");
	case OFF_ERR_AUTH:
		return _("integrity check failed");
	case OFF_ERR_BAD_PIN:
		return _("wrong PIN");
	case OFF_ERR_LOCKED:
		return _("card is locked");
	case OFF_ERR_WRONG_WORLD:
		return _("card belongs to another security world");
	case OFF_ERR_DUPLICATE:
		return _("card already used in this quorum");
	case OFF_ERR_QUORUM:
		return _("quorum not reached");
	case OFF_ERR_COMMITMENT:
		return _("cards do not reconstruct this world's secret");
	case OFF_ERR_CANCELLED:
		return _("cancelled");
	case OFF_ERR_TIMEOUT:
		return _("timed out");
	case OFF_ERR_INTERRUPTED:
		return _("interrupted");
	case OFF_ERR_SLOT:
		return _("card slot unusable");
	case OFF_ERR_NOT_BLANK:
		return _("card is not blank");
	case OFF_ERR_TOO_LARGE:
		return _("input too large");
	case OFF_ERR_UNSUPPORTED:
		return _("not supported");
	case OFF_ERR_NO_WORLD:
		return _("no security world");
	case OFF_ERR_UNSEALED:
		return _("transcript is intact but not sealed");
	case OFF_ERR_UNANCHORED:
		return _("transcript signer could not be checked");
	case OFF_ERR_DENIED:
		return _("not allowed by the key's ACL");
	}
	return _("unknown error");
}

static int
err_vset(struct off_err *ctx, int code, const char *file, const char *fmt,
    va_list ap) __attribute__((format(printf, 4, 0)));

static int
err_vset(struct off_err *ctx, int code, const char *file, const char *fmt,
    va_list ap)
{
	if (ctx == NULL)
		return code;
	ctx->code = code;
	if (file != NULL)
		snprintf(ctx->file, sizeof(ctx->file), "%s", file);
	else
		ctx->file[0] = '\0';
	if (fmt != NULL)
		vsnprintf(ctx->detail, sizeof(ctx->detail), fmt, ap);
	else
		ctx->detail[0] = '\0';
	return code;
}

int
off_err_set(struct off_err *ctx, int code, const char *file,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	err_vset(ctx, code, file, fmt, ap);
	va_end(ap);
	return code;
}

static void
err_append(struct off_err *ctx, const char *suffix)
{
	size_t	n = strlen(ctx->detail);

	if (n == 0)
		snprintf(ctx->detail, sizeof(ctx->detail), "%s", suffix);
	else
		snprintf(ctx->detail + n, sizeof(ctx->detail) - n, ": %s",
		    suffix);
}

int
off_err_errno(struct off_err *ctx, int code, int errno_value,
    const char *file, const char *fmt, ...)
{
	va_list	ap;

	if (ctx == NULL)
		return code;
	va_start(ap, fmt);
	err_vset(ctx, code, file, fmt, ap);
	va_end(ap);
	err_append(ctx, strerror(errno_value));
	return code;
}

int
off_err_crypto(struct off_err *ctx, const char *fmt, ...)
{
	va_list		 ap;
	unsigned long	 e;
	char		 buf[256];

	e = ERR_peek_last_error();
	if (ctx != NULL) {
		va_start(ap, fmt);
		err_vset(ctx, OFF_ERR_CRYPTO, NULL, fmt, ap);
		va_end(ap);
		if (e != 0) {
			ERR_error_string_n(e, buf, sizeof(buf));
			err_append(ctx, buf);
		}
	}
	ERR_clear_error();
	return OFF_ERR_CRYPTO;
}

void
off_err_clear(struct off_err *ctx)
{
	if (ctx == NULL)
		return;
	ctx->code = 0;
	ctx->file[0] = '\0';
	ctx->detail[0] = '\0';
}

void
off_err_format(const struct off_err *ctx, char *buf, size_t len)
{
	const char	*what;

	what = ctx->detail[0] != '\0' ? ctx->detail : off_strerror(ctx->code);
	if (ctx->file[0] != '\0')
		snprintf(buf, len, "%s: %s", ctx->file, what);
	else
		snprintf(buf, len, "%s", what);
}
