#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "encode.h"
#include "error.h"

static const char hexdig[] = "0123456789abcdef";
static const char b64dig[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
off_hex(const uint8_t *in, size_t n, char *out)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexdig[in[i] >> 4];
		out[2 * i + 1] = hexdig[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
off_unhex(const char *in, uint8_t *out, size_t n)
{
	size_t	i;
	int	hi, lo;

	if (strlen(in) != 2 * n)
		return OFF_ERR_FORMAT;
	for (i = 0; i < n; i++) {
		if ((hi = hexval(in[2 * i])) < 0 ||
		    (lo = hexval(in[2 * i + 1])) < 0)
			return OFF_ERR_FORMAT;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int
off_unhex_fp(const char *in, uint8_t *out, size_t max, size_t *outlen)
{
	size_t	n = 0;
	int	hi, lo;

	while (*in != '\0') {
		if (*in == ' ' || *in == ':') {
			in++;
			continue;
		}
		if ((hi = hexval(in[0])) < 0 || (lo = hexval(in[1])) < 0 ||
		    n >= max)
			return OFF_ERR_FORMAT;
		out[n++] = (uint8_t)(hi << 4 | lo);
		in += 2;
	}
	*outlen = n;
	return n == 0 ? OFF_ERR_FORMAT : 0;
}

void
off_b64(const uint8_t *in, size_t n, char *out)
{
	size_t		i, o = 0;
	uint32_t	v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64dig[v >> 18 & 63];
		out[o++] = b64dig[v >> 12 & 63];
		out[o++] = b64dig[v >> 6 & 63];
		out[o++] = b64dig[v & 63];
	}
	if (n - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = b64dig[v >> 18 & 63];
		out[o++] = b64dig[v >> 12 & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = b64dig[v >> 18 & 63];
		out[o++] = b64dig[v >> 12 & 63];
		out[o++] = b64dig[v >> 6 & 63];
		out[o++] = '=';
	}
	out[o] = '\0';
}

static int
b64val(char c)
{
	const char	*p;

	if (c == '\0' || (p = strchr(b64dig, c)) == NULL)
		return -1;
	return (int)(p - b64dig);
}

int
off_unb64(const char *in, uint8_t *out, size_t max, size_t *outlen)
{
	size_t		len = strlen(in), i, o = 0, pad = 0;
	uint32_t	v;
	int		d[4], j;

	*outlen = 0;
	if (len % 4 != 0)
		return OFF_ERR_FORMAT;
	if (len >= 1 && in[len - 1] == '=')
		pad++;
	if (len >= 2 && in[len - 2] == '=')
		pad++;
	if (len / 4 * 3 - pad > max)
		return OFF_ERR_TOO_LARGE;
	for (i = 0; i < len; i += 4) {
		int	last = i + 4 == len;

		for (j = 0; j < 4; j++) {
			if (last && in[i + j] == '=' && j >= 4 - (int)pad)
				d[j] = 0;
			else if ((d[j] = b64val(in[i + j])) < 0)
				return OFF_ERR_FORMAT;
		}
		v = (uint32_t)d[0] << 18 | (uint32_t)d[1] << 12 |
		    (uint32_t)d[2] << 6 | (uint32_t)d[3];
		out[o++] = (uint8_t)(v >> 16);
		if (!last || pad < 2)
			out[o++] = (uint8_t)(v >> 8);
		if (!last || pad < 1)
			out[o++] = (uint8_t)v;
		/* Canonical encoding only: unused bits must be zero. */
		if (last && ((pad == 1 && (v & 0xff) != 0) ||
		    (pad == 2 && (v & 0xffff) != 0)))
			return OFF_ERR_FORMAT;
	}
	*outlen = o;
	return 0;
}

void
off_tbs_init(struct off_tbs *t, const char *domain)
{
	memset(t, 0, sizeof(*t));
	off_tbs_str(t, domain);
}

void
off_tbs_bytes(struct off_tbs *t, const void *p, size_t n)
{
	uint8_t	*np;
	size_t	 need, cap;

	if (t->failed)
		return;
	if (n > UINT32_MAX || (need = t->len + 4 + n) < t->len) {
		t->failed = 1;
		return;
	}
	if (need > t->cap) {
		cap = t->cap ? t->cap : 256;
		while (cap < need)
			cap *= 2;
		if ((np = realloc(t->p, cap)) == NULL) {
			t->failed = 1;
			return;
		}
		t->p = np;
		t->cap = cap;
	}
	t->p[t->len++] = (uint8_t)(n >> 24);
	t->p[t->len++] = (uint8_t)(n >> 16);
	t->p[t->len++] = (uint8_t)(n >> 8);
	t->p[t->len++] = (uint8_t)n;
	if (n > 0)
		memcpy(t->p + t->len, p, n);
	t->len += n;
}

void
off_tbs_str(struct off_tbs *t, const char *s)
{
	off_tbs_bytes(t, s, strlen(s));
}

void
off_tbs_u32(struct off_tbs *t, uint32_t v)
{
	uint8_t	b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
		    (uint8_t)(v >> 8), (uint8_t)v };

	off_tbs_bytes(t, b, sizeof(b));
}

int
off_tbs_ok(const struct off_tbs *t)
{
	return t->failed ? OFF_ERR_NOMEM : 0;
}

void
off_tbs_free(struct off_tbs *t)
{
	free(t->p);
	memset(t, 0, sizeof(*t));
}

void
off_utc_now(char out[21])
{
	time_t		now = time(NULL);
	struct tm	tm;

	gmtime_r(&now, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
off_utc_valid(const char *s)
{
	static const char	 shape[] = "dddd-dd-ddTdd:dd:ddZ";
	struct tm		 tm, back;
	time_t			 t;
	size_t			 i;

	/* Exactly the shape: strptime alone would skip blanks. */
	if (strlen(s) != sizeof(shape) - 1)
		return OFF_ERR_FORMAT;
	for (i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') :
		    s[i] != shape[i])
			return OFF_ERR_FORMAT;
	memset(&tm, 0, sizeof(tm));
	if (strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) == NULL)
		return OFF_ERR_FORMAT;
	/* And a real moment: no February 30th, no 61st second. */
	back = tm;
	if ((t = timegm(&back)) == (time_t)-1 || gmtime_r(&t, &back) == NULL ||
	    back.tm_year != tm.tm_year || back.tm_mon != tm.tm_mon ||
	    back.tm_mday != tm.tm_mday || back.tm_hour != tm.tm_hour ||
	    back.tm_min != tm.tm_min || back.tm_sec != tm.tm_sec)
		return OFF_ERR_FORMAT;
	return 0;
}
