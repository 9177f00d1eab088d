#include "config.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "error.h"
#include "i18n.h"
#include "suite.h"

struct off_suite {
	const char	*name;
	const char	*description;
	const char	*keytype;	/* EVP_PKEY_Q_keygen type */
	const char	*curve;		/* for EC, else NULL */
	const char	*digest;	/* NULL for pure EdDSA */
};

static const struct off_suite suites[] = {
	{ "ed25519-aes256gcm-scrypt",
	  N_("Ed25519 world key, AES-256-GCM sealing, scrypt PIN KDF"),
	  "ED25519", NULL, NULL },
	{ "p384-aes256gcm-scrypt",
	  N_("ECDSA P-384/SHA-384 world key, AES-256-GCM sealing, scrypt PIN KDF"),
	  "EC", "P-384", "SHA384" },
};

const struct off_suite *
off_suite_at(size_t i)
{
	return i < sizeof(suites) / sizeof(suites[0]) ? &suites[i] : NULL;
}

const struct off_suite *
off_suite_find(const char *name)
{
	const struct off_suite	*s;
	size_t			 i;

	for (i = 0; (s = off_suite_at(i)) != NULL; i++)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

const char *
off_suite_name(const struct off_suite *s)
{
	return s->name;
}

const char *
off_suite_describe(const struct off_suite *s)
{
	return _(s->description);
}

int
off_suite_keygen(const struct off_suite *s, EVP_PKEY **key,
    struct off_err *err)
{
	if (s->curve != NULL)
		*key = EVP_PKEY_Q_keygen(NULL, NULL, s->keytype, s->curve);
	else
		*key = EVP_PKEY_Q_keygen(NULL, NULL, s->keytype);
	if (*key == NULL)
		return off_err_crypto(err, _("cannot generate %s key"),
		    s->keytype);
	return 0;
}

int
off_suite_check_key(const struct off_suite *s, EVP_PKEY *key)
{
	char	group[64];
	size_t	len;

	if (!EVP_PKEY_is_a(key, s->keytype))
		return OFF_ERR_FORMAT;
	if (s->curve == NULL)
		return 0;
	if (EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof(group),
	    &len) != 1) {
		ERR_clear_error();
		return OFF_ERR_FORMAT;
	}
	/* OpenSSL names P-384 "secp384r1". */
	if (strcmp(s->curve, "P-384") == 0 && strcmp(group, "secp384r1") == 0)
		return 0;
	return strcmp(group, s->curve) == 0 ? 0 : OFF_ERR_FORMAT;
}

int
off_suite_sign(const struct off_suite *s, EVP_PKEY *key, const uint8_t *msg,
    size_t len, uint8_t *sig, size_t *siglen, struct off_err *err)
{
	EVP_MD_CTX	*ctx;
	int		 ret = 0;

	*siglen = OFF_SIG_MAX;
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit_ex(ctx, NULL, s->digest, NULL, NULL, key,
	    NULL) != 1 ||
	    EVP_DigestSign(ctx, sig, siglen, msg, len) != 1)
		ret = off_err_crypto(err, _("signing failed"));
	EVP_MD_CTX_free(ctx);
	return ret;
}

int
off_suite_verify(const struct off_suite *s, EVP_PKEY *key,
    const uint8_t *msg, size_t len, const uint8_t *sig, size_t siglen)
{
	EVP_MD_CTX	*ctx;
	int		 ret = OFF_ERR_AUTH;

	if ((ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestVerifyInit_ex(ctx, NULL, s->digest, NULL, NULL, key,
	    NULL) == 1 &&
	    EVP_DigestVerify(ctx, sig, siglen, msg, len) == 1)
		ret = 0;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ret;
}
