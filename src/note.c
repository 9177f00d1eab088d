#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "encode.h"
#include "error.h"
#include "i18n.h"
#include "note.h"

#define EM_DASH		"\xe2\x80\x94"
#define COSIG_HEADER	"cosignature/v1\n"

int
off_note_name_ok(const char *name)
{
	size_t	n = strlen(name), i;

	if (n == 0 || n > OFF_NOTE_NAME_MAX)
		return -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)name[i] <= 0x20 || name[i] == '+' ||
		    name[i] == 0x7f)
			return -1;
	return 0;
}

/* Fails only when OpenSSL cannot allocate. */
static int
key_id(const char *name, uint8_t type, const uint8_t pub[32], uint8_t id[4])
{
	EVP_MD_CTX	*ctx = EVP_MD_CTX_new();
	uint8_t		 h[32], nl = '\n';
	int		 ret = OFF_ERR_NOMEM;

	if (ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, name, strlen(name)) == 1 &&
	    EVP_DigestUpdate(ctx, &nl, 1) == 1 &&
	    EVP_DigestUpdate(ctx, &type, 1) == 1 &&
	    EVP_DigestUpdate(ctx, pub, 32) == 1 &&
	    EVP_DigestFinal_ex(ctx, h, NULL) == 1) {
		memcpy(id, h, 4);
		ret = 0;
	}
	EVP_MD_CTX_free(ctx);
	return ret;
}

int
off_vkey_from_pkey(const char *name, uint8_t type, EVP_PKEY *key,
    struct off_vkey *k, struct off_err *err)
{
	size_t	len = 32;

	memset(k, 0, sizeof(*k));
	if (off_note_name_ok(name) != 0)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("\"%s\" cannot name a key (no spaces or '+')"), name);
	if (!EVP_PKEY_is_a(key, "ED25519") ||
	    EVP_PKEY_get_raw_public_key(key, k->pub, &len) != 1 || len != 32)
		return off_err_crypto(err, _("not an Ed25519 key"));
	snprintf(k->name, sizeof(k->name), "%s", name);
	k->type = type;
	if (key_id(name, type, k->pub, k->id) != 0)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	return 0;
}

void
off_vkey_format(const struct off_vkey *k, char *out, size_t len)
{
	uint8_t	raw[33];
	char	b64[OFF_B64_LEN(33)], hex[9];

	raw[0] = k->type;
	memcpy(raw + 1, k->pub, 32);
	off_b64(raw, sizeof(raw), b64);
	off_hex(k->id, 4, hex);
	snprintf(out, len, "%s+%s+%s", k->name, hex, b64);
}

int
off_vkey_parse(const char *s, struct off_vkey *k)
{
	const char	*p1, *p2;
	uint8_t		 raw[33], id[4];
	char		 hex[9];
	size_t		 n;

	memset(k, 0, sizeof(*k));
	/* Names hold no '+'; base64 may. */
	if ((p1 = strchr(s, '+')) == NULL || p1 == s ||
	    (p2 = strchr(p1 + 1, '+')) == NULL ||
	    (size_t)(p2 - p1 - 1) != 8 ||
	    (size_t)(p1 - s) > OFF_NOTE_NAME_MAX)
		return OFF_ERR_FORMAT;
	memcpy(k->name, s, (size_t)(p1 - s));
	memcpy(hex, p1 + 1, 8);
	hex[8] = '\0';
	if (off_note_name_ok(k->name) != 0 || off_unhex(hex, id, 4) != 0 ||
	    off_unb64(p2 + 1, raw, sizeof(raw), &n) != 0 || n != 33 ||
	    (raw[0] != OFF_NOTE_ED25519 && raw[0] != OFF_NOTE_COSIG))
		return OFF_ERR_FORMAT;
	k->type = raw[0];
	memcpy(k->pub, raw + 1, 32);
	if (key_id(k->name, k->type, k->pub, k->id) != 0)
		return OFF_ERR_NOMEM;
	return memcmp(id, k->id, 4) == 0 ? 0 : OFF_ERR_FORMAT;
}

EVP_PKEY *
off_vkey_pkey(const struct off_vkey *k)
{
	return EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, k->pub,
	    32);
}

/* UTF-8 without control characters other than newline. */
static int
text_ok(const char *s, size_t len)
{
	size_t	i = 0, n, j;
	uint8_t	c;

	while (i < len) {
		c = (uint8_t)s[i];
		if (c < 0x80) {
			if ((c < 0x20 && c != '\n') || c == 0x7f)
				return -1;
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0 && c >= 0xc2)
			n = 1;
		else if ((c & 0xf0) == 0xe0)
			n = 2;
		else if ((c & 0xf8) == 0xf0 && c <= 0xf4)
			n = 3;
		else
			return -1;
		for (j = 1; j <= n; j++)
			if (i + j >= len || ((uint8_t)s[i + j] & 0xc0) != 0x80)
				return -1;
		/* No overlong forms, surrogates or code points past
		 * U+10FFFF, as Go's note package requires. */
		if ((c == 0xe0 && (uint8_t)s[i + 1] < 0xa0) ||
		    (c == 0xed && (uint8_t)s[i + 1] >= 0xa0) ||
		    (c == 0xf0 && (uint8_t)s[i + 1] < 0x90) ||
		    (c == 0xf4 && (uint8_t)s[i + 1] >= 0x90))
			return -1;
		i += n + 1;
	}
	return 0;
}

int
off_note_parse(const char *s, size_t len, struct off_note *n)
{
	const char	*sep = NULL, *p, *end, *nl, *sp;
	size_t		 i, blen;
	char		 b64[256];

	memset(n, 0, sizeof(*n));
	if (len > OFF_NOTE_MAX || memchr(s, '\0', len) != NULL ||
	    text_ok(s, len) != 0)
		return OFF_ERR_FORMAT;
	/* The signatures start after the last blank line. */
	for (i = 0; i + 1 < len; i++)
		if (s[i] == '\n' && s[i + 1] == '\n')
			sep = s + i;
	if (sep == NULL || len == 0 || s[len - 1] != '\n')
		return OFF_ERR_FORMAT;
	n->textlen = (size_t)(sep - s) + 1;
	if ((n->text = malloc(n->textlen + 1)) == NULL)
		return OFF_ERR_NOMEM;
	memcpy(n->text, s, n->textlen);
	n->text[n->textlen] = '\0';
	end = s + len;
	for (p = sep + 2; p < end; p = nl + 1) {
		struct off_note_sig	*sig;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL || n->nsigs >= OFF_NOTE_SIGS_MAX ||
		    (size_t)(nl - p) < 4 || memcmp(p, EM_DASH " ", 4) != 0)
			goto bad;
		p += 4;
		sp = memchr(p, ' ', (size_t)(nl - p));
		if (sp == NULL || (size_t)(sp - p) > OFF_NOTE_NAME_MAX)
			goto bad;
		sig = &n->sigs[n->nsigs];
		memcpy(sig->name, p, (size_t)(sp - p));
		sig->name[sp - p] = '\0';
		blen = (size_t)(nl - sp - 1);
		if (off_note_name_ok(sig->name) != 0 || blen >= sizeof(b64))
			goto bad;
		memcpy(b64, sp + 1, blen);
		b64[blen] = '\0';
		if (off_unb64(b64, sig->bytes, sizeof(sig->bytes), &sig->len) !=
		    0 || sig->len < 5)
			goto bad;
		n->nsigs++;
	}
	if (n->nsigs == 0)
		goto bad;
	return 0;
bad:
	off_note_free(n);
	return OFF_ERR_FORMAT;
}

void
off_note_free(struct off_note *n)
{
	free(n->text);
	memset(n, 0, sizeof(*n));
}

/* The message a key of this type signs for text at timestamp. */
static char *
signed_message(const struct off_vkey *k, const char *text, size_t textlen,
    uint64_t timestamp, size_t *len)
{
	char	head[64], *m;
	int	hl = 0;

	if (k->type == OFF_NOTE_COSIG)
		hl = snprintf(head, sizeof(head), COSIG_HEADER "time %" PRIu64
		    "\n", timestamp);
	if ((m = malloc((size_t)hl + textlen + 1)) == NULL)
		return NULL;
	memcpy(m, head, (size_t)hl);
	memcpy(m + hl, text, textlen);
	*len = (size_t)hl + textlen;
	return m;
}

int
off_note_verify(const struct off_note *n, const struct off_vkey *k,
    uint64_t *timestamp)
{
	const struct off_note_sig	*sig;
	EVP_PKEY			*pk = NULL;
	EVP_MD_CTX			*ctx = NULL;
	uint64_t			 t = 0;
	size_t				 i, mlen, siglen, off;
	char				*m = NULL;
	int				 ret = OFF_ERR_NOT_FOUND, b;

	/* Every line with the key's name and id counts: a bogus line
	 * (name and id are public) must not hide a good one. */
	for (i = 0; ret != 0 && i < n->nsigs; i++) {
		sig = &n->sigs[i];
		if (strcmp(sig->name, k->name) != 0 ||
		    memcmp(sig->bytes, k->id, 4) != 0)
			continue;
		ret = OFF_ERR_AUTH;
		off = 4;
		t = 0;
		if (k->type == OFF_NOTE_COSIG) {
			if (sig->len != 4 + 8 + 64)
				continue;
			for (b = 0; b < 8; b++)
				t = t << 8 | sig->bytes[4 + b];
			if (t > INT64_MAX)
				continue;
			off = 12;
		} else if (sig->len != 4 + 64)
			continue;
		siglen = sig->len - off;
		free(m);
		EVP_MD_CTX_free(ctx);
		EVP_PKEY_free(pk);
		ctx = NULL;
		pk = NULL;
		if ((m = signed_message(k, n->text, n->textlen, t, &mlen)) ==
		    NULL || (pk = off_vkey_pkey(k)) == NULL ||
		    (ctx = EVP_MD_CTX_new()) == NULL)
			break;
		if (EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, pk,
		    NULL) == 1 && EVP_DigestVerify(ctx, sig->bytes + off,
		    siglen, (const uint8_t *)m, mlen) == 1) {
			ret = 0;
			if (timestamp != NULL)
				*timestamp = t;
		}
	}
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pk);
	free(m);
	ERR_clear_error();
	return ret;
}

int
off_note_sign(const char *text, const struct off_vkey *k, EVP_PKEY *key,
    uint64_t timestamp, char **out, struct off_err *err)
{
	EVP_MD_CTX	*ctx = NULL;
	uint8_t		 raw[4 + 8 + 64];
	char		 b64[OFF_B64_LEN(sizeof(raw))], *m = NULL, *o;
	size_t		 mlen, siglen = 64, off = 4, textlen, have;
	int		 b, ret;

	/* The signed text is what precedes any signature lines. */
	have = *out != NULL ? strlen(*out) : 0;
	textlen = strlen(text);
	if ((m = signed_message(k, text, textlen, timestamp, &mlen)) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	memcpy(raw, k->id, 4);
	if (k->type == OFF_NOTE_COSIG) {
		for (b = 0; b < 8; b++)
			raw[4 + b] = (uint8_t)(timestamp >> (56 - 8 * b));
		off = 12;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit_ex(ctx, NULL, NULL, NULL, NULL, key, NULL) !=
	    1 || EVP_DigestSign(ctx, raw + off, &siglen, (const uint8_t *)m,
	    mlen) != 1 || siglen != 64) {
		ret = off_err_crypto(err, _("signing the checkpoint failed"));
		goto out;
	}
	off_b64(raw, off + 64, b64);
	/* text "\n" lines..., then this line. */
	if ((o = realloc(*out, (have ? have : textlen + 1) + 4 +
	    strlen(k->name) + 1 + strlen(b64) + 2)) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	if (have == 0) {
		memcpy(o, text, textlen);
		o[textlen] = '\n';
		o[textlen + 1] = '\0';
	}
	strcat(o, EM_DASH " ");
	strcat(o, k->name);
	strcat(o, " ");
	strcat(o, b64);
	strcat(o, "\n");
	*out = o;
	ret = 0;
out:
	EVP_MD_CTX_free(ctx);
	free(m);
	return ret;
}

int
off_checkpoint_text(const char *origin, uint64_t size, const off_hash root,
    char *out, size_t len)
{
	char	b64[OFF_B64_LEN(OFF_HASH_LEN)];
	int	n;

	off_b64(root, OFF_HASH_LEN, b64);
	n = snprintf(out, len, "%s\n%" PRIu64 "\n%s\n", origin, size, b64);
	return n < 0 || (size_t)n >= len ? OFF_ERR_TOO_LARGE : 0;
}

int
off_checkpoint_parse(const char *text, char *origin, size_t originlen,
    uint64_t *size, off_hash root)
{
	const char	*l1, *l2, *l3;
	char		 num[24], b64[64], *endp;
	size_t		 n, rl;

	if ((l1 = strchr(text, '\n')) == NULL ||
	    (l2 = strchr(l1 + 1, '\n')) == NULL ||
	    (l3 = strchr(l2 + 1, '\n')) == NULL || l3[1] != '\0')
		return OFF_ERR_FORMAT;	/* no extension lines here */
	if (l1 == text || (size_t)(l1 - text) >= originlen)
		return OFF_ERR_FORMAT;
	memcpy(origin, text, (size_t)(l1 - text));
	origin[l1 - text] = '\0';
	n = (size_t)(l2 - l1 - 1);
	if (n == 0 || n >= sizeof(num) || (l1[1] == '0' && n > 1))
		return OFF_ERR_FORMAT;
	memcpy(num, l1 + 1, n);
	num[n] = '\0';
	if (strspn(num, "0123456789") != n)
		return OFF_ERR_FORMAT;
	errno = 0;
	*size = strtoull(num, &endp, 10);
	if (errno == ERANGE || *endp != '\0')
		return OFF_ERR_FORMAT;
	n = (size_t)(l3 - l2 - 1);
	if (n >= sizeof(b64))
		return OFF_ERR_FORMAT;
	memcpy(b64, l2 + 1, n);
	b64[n] = '\0';
	if (off_unb64(b64, root, OFF_HASH_LEN, &rl) != 0 || rl != OFF_HASH_LEN)
		return OFF_ERR_FORMAT;
	return 0;
}
