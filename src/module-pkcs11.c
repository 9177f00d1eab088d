/*
 * Module backend "pkcs11": keys live on a PKCS#11 token (an HSM, or
 * SoftHSM2 in the tests). They are generated there, sensitive, and
 * leave it only wrapped under a cloud's KEK, by C_WrapKey. What the
 * token can do is read from C_GetMechanismList, never assumed; where
 * it cannot make what a cloud imports, packaging refuses. The module
 * key in KMDATA/module_<id> (as for "soft") signs ACLs and transcripts
 * only: no key is sealed under it.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include "crypto.h"
#include "encode.h"
#include "error.h"
#include "frontend.h"
#include "i18n.h"
#include "key.h"
#include "module.h"
#include "p11.h"
#include "package.h"
#include "prompt.h"
#include "secmem.h"

#define P11_WRAP_MAX	16384

static CK_BBOOL	yes = CK_TRUE, no = CK_FALSE;

static const struct {
	const char	*name;
	const char	*group;		/* OpenSSL's */
	uint8_t		 oid[10];	/* DER of the named curve's OID */
	size_t		 oidlen;
} curves[] = {
	{ "p256", "P-256", { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03,
	    0x01, 0x07 }, 10 },
	{ "p384", "P-384", { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22 }, 7 },
	{ "p521", "P-521", { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23 }, 7 },
	{ "secp256k1", "secp256k1", { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00,
	    0x0a }, 7 },
};

/* The world's token: found by its serial and label. */
static int
token_open(const struct off_module *m, struct off_p11 **p,
    struct off_err *err)
{
	return off_p11_open(m->token.library, m->token.label, m->token.serial,
	    p, err);
}

static int
p11_create(struct off_module *m, struct off_err *err)
{
	struct off_p11			*p = NULL;
	const struct off_p11_token	*t;
	int				 ret;

	if ((ret = token_open(m, &p, err)) != 0)
		return ret;
	t = off_p11_token(p);
	snprintf(m->token.label, sizeof(m->token.label), "%s", t->label);
	snprintf(m->token.serial, sizeof(m->token.serial), "%s", t->serial);
	snprintf(m->token.manufacturer, sizeof(m->token.manufacturer), "%s",
	    t->manufacturer);
	snprintf(m->token.model, sizeof(m->token.model), "%s", t->model);
	off_p11_close(&p);
	if ((ret = off_random(m->id, sizeof(m->id), err)) != 0)
		return ret;
	return off_random(m->key, OFF_KEY_LEN, err);
}

/* A BIGNUM attribute as an OSSL_PARAM. */
static int
get_attr(struct off_p11 *p, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
    uint8_t **val, size_t *len, struct off_err *err)
{
	CK_ATTRIBUTE	a = { type, NULL, 0 };
	CK_RV		rv;

	*val = NULL;
	if ((rv = off_p11_fn(p)->C_GetAttributeValue(off_p11_session(p), h,
	    &a, 1)) != CKR_OK)
		return off_p11_fail(p, "C_GetAttributeValue", rv, err);
	if (a.ulValueLen == 0 || a.ulValueLen > 4096)
		return off_err_set(err, OFF_ERR_FORMAT, off_p11_library(p),
		    _("the token gave a public key attribute of %lu bytes"),
		    (unsigned long)a.ulValueLen);
	if ((a.pValue = *val = malloc(a.ulValueLen)) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	if ((rv = off_p11_fn(p)->C_GetAttributeValue(off_p11_session(p), h,
	    &a, 1)) != CKR_OK) {
		free(*val);
		*val = NULL;
		return off_p11_fail(p, "C_GetAttributeValue", rv, err);
	}
	*len = a.ulValueLen;
	return 0;
}

/* The public key object as DER SubjectPublicKeyInfo. */
static int
public_der(struct off_p11 *p, CK_OBJECT_HANDLE h, const char *type,
    const char *group, uint8_t **der, size_t *derlen, struct off_err *err)
{
	OSSL_PARAM_BLD		*bld = NULL;
	OSSL_PARAM		*params = NULL;
	EVP_PKEY_CTX		*ctx = NULL;
	EVP_PKEY		*pk = NULL;
	ASN1_OCTET_STRING	*os = NULL;
	BIGNUM			*n = NULL, *e = NULL;
	uint8_t			*a = NULL, *b = NULL, *d = NULL;
	const uint8_t		*q, *pt;
	size_t			 alen, blen, ptlen;
	int			 len, ret;

	*der = NULL;
	if (strcmp(type, "rsa") == 0) {
		if ((ret = get_attr(p, h, CKA_MODULUS, &a, &alen, err)) != 0 ||
		    (ret = get_attr(p, h, CKA_PUBLIC_EXPONENT, &b, &blen,
		    err)) != 0)
			goto out;
		ret = OFF_ERR_CRYPTO;
		if ((n = BN_bin2bn(a, (int)alen, NULL)) == NULL ||
		    (e = BN_bin2bn(b, (int)blen, NULL)) == NULL ||
		    (bld = OSSL_PARAM_BLD_new()) == NULL ||
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N,
		    n) != 1 ||
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E,
		    e) != 1)
			goto bad;
	} else {
		if ((ret = get_attr(p, h, CKA_EC_POINT, &a, &alen, err)) != 0)
			goto out;
		/* DER OCTET STRING as the standard says, or the bare point
		 * as some tokens give it. */
		q = a;
		if ((os = d2i_ASN1_OCTET_STRING(NULL, &q, (long)alen)) !=
		    NULL && q == a + alen) {
			pt = ASN1_STRING_get0_data(os);
			ptlen = (size_t)ASN1_STRING_length(os);
		} else {
			pt = a;
			ptlen = alen;
		}
		ret = OFF_ERR_CRYPTO;
		if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
		    OSSL_PARAM_BLD_push_utf8_string(bld,
		    OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
		    OSSL_PARAM_BLD_push_octet_string(bld,
		    OSSL_PKEY_PARAM_PUB_KEY, pt, ptlen) != 1)
			goto bad;
	}
	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, strcmp(type, "rsa") == 0 ?
	    "RSA" : "EC", NULL)) == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1 ||
	    (len = i2d_PUBKEY(pk, &d)) <= 0)
		goto bad;
	if ((*der = malloc((size_t)len)) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	memcpy(*der, d, (size_t)len);
	*derlen = (size_t)len;
	ret = 0;
	goto out;
bad:
	ret = off_err_crypto(err, _("the token's public key does not "
	    "decode"));
out:
	ASN1_OCTET_STRING_free(os);
	OPENSSL_free(d);
	EVP_PKEY_free(pk);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	free(a);
	free(b);
	return ret;
}

/* Attributes of the key to make: sensitive (the token never shows
 * it), extractable (packaging is C_WrapKey, which no token does for an
 * unextractable key), and good for its use only: never for wrapping,
 * unwrapping or deriving. */
#define ATTR(t, v)	{ t, (void *)(uintptr_t)(v), sizeof(*(v)) }

/* CKA_COPYABLE came with PKCS#11 v2.40: an older library may refuse
 * it. Templates keep it last, and leave it out then. */
static CK_ULONG
has_copyable(struct off_p11 *p)
{
	CK_VERSION	ver = off_p11_fn(p)->version;

	return ver.major > 2 || (ver.major == 2 && ver.minor >= 40);
}

static int
p11_keygen(struct off_module *m, const struct off_module_keyspec *s,
    const struct off_frontend *fe, uint8_t **pub, size_t *publen,
    struct off_err *err)
{
	struct off_p11		*p = NULL;
	CK_FUNCTION_LIST	*fn;
	CK_OBJECT_CLASS		 seccls = CKO_SECRET_KEY;
	CK_KEY_TYPE		 aes = CKK_AES;
	CK_ULONG		 bits = s->size, vlen = s->size / 8, elen;
	CK_MECHANISM		 mech = { 0, NULL, 0 };
	CK_OBJECT_HANDLE	 hpub, hpriv;
	CK_BBOOL		 rsa = strcmp(s->type, "rsa") == 0;
	CK_BBOOL		 sym = strcmp(s->type, "aes") == 0;
	CK_BBOOL		 sign = !sym;
	uint8_t			 e[4];
	const char		*group = NULL;
	size_t			 i;
	CK_RV			 rv;
	unsigned long		 pubexp = s->pubexp ? s->pubexp : 65537;
	int			 ret;
	CK_ATTRIBUTE		 priv[] = {
		ATTR(CKA_TOKEN, &yes),
		ATTR(CKA_PRIVATE, &yes),
		ATTR(CKA_SENSITIVE, &yes),
		ATTR(CKA_EXTRACTABLE, &yes),
		{ CKA_LABEL, (void *)(uintptr_t)s->label, strlen(s->label) },
		{ CKA_ID, (void *)(uintptr_t)s->id, OFF_TOKEN_ID_LEN },
		ATTR(CKA_SIGN, &sign),
		ATTR(CKA_DECRYPT, sym || rsa ? &yes : &no),
		ATTR(CKA_UNWRAP, &no),
		ATTR(CKA_DERIVE, &no),
		/* Wrapped only under what the security officer trusts, and
		 * no copy with other attributes. */
		ATTR(CKA_WRAP_WITH_TRUSTED, m->token.so_quorum ? &yes : &no),
		ATTR(CKA_COPYABLE, &no),	/* see has_copyable() */
		/* aes only, from here */
		ATTR(CKA_ENCRYPT, &yes),
		ATTR(CKA_WRAP, &no),
		ATTR(CKA_VALUE_LEN, &vlen),
		ATTR(CKA_CLASS, &seccls),
		ATTR(CKA_KEY_TYPE, &aes),
	};
	CK_ATTRIBUTE		 pubt[] = {
		ATTR(CKA_TOKEN, &yes),
		ATTR(CKA_PRIVATE, &no),
		{ CKA_LABEL, (void *)(uintptr_t)s->label, strlen(s->label) },
		{ CKA_ID, (void *)(uintptr_t)s->id, OFF_TOKEN_ID_LEN },
		ATTR(CKA_VERIFY, &yes),
		ATTR(CKA_WRAP, &no),
		ATTR(CKA_ENCRYPT, rsa ? &yes : &no),
		/* rsa: size and exponent; ec: the curve */
		ATTR(CKA_MODULUS_BITS, &bits),
		{ CKA_PUBLIC_EXPONENT, e, sizeof(e) },
	};
	CK_ULONG		 npub = 9, npriv = 12;

	*pub = NULL;
	*publen = 0;
	for (i = 0; i < sizeof(e); i++)
		e[i] = (uint8_t)(pubexp >> (8 * (sizeof(e) - 1 - i)));
	/* The exponent's big-endian bytes, without leading zeros. */
	for (elen = sizeof(e); elen > 1 && e[sizeof(e) - elen] == 0; elen--)
		;
	pubt[8].pValue = e + sizeof(e) - elen;
	pubt[8].ulValueLen = elen;
	if (sym) {
		mech.mechanism = CKM_AES_KEY_GEN;
		npriv = 17;
	} else if (rsa)
		mech.mechanism = CKM_RSA_PKCS_KEY_PAIR_GEN;
	else {
		for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
			if (strcmp(curves[i].name, s->curve) == 0)
				break;
		if (i == sizeof(curves) / sizeof(curves[0]))
			return off_err_set(err, OFF_ERR_INVALID, NULL,
			    _("unknown curve \"%s\""), s->curve);
		group = curves[i].group;
		mech.mechanism = CKM_EC_KEY_PAIR_GEN;
		pubt[7].type = CKA_EC_PARAMS;
		pubt[7].pValue = (void *)(uintptr_t)curves[i].oid;
		pubt[7].ulValueLen = curves[i].oidlen;
		npub = 8;
	}
	if ((ret = token_open(m, &p, err)) != 0)
		return ret;
	fn = off_p11_fn(p);
	/* Without CKA_COPYABLE, its place takes CKA_MODIFIABLE's default. */
	if (!has_copyable(p)) {
		priv[11].type = CKA_MODIFIABLE;
		priv[11].pValue = &yes;
	}
	if ((ret = off_p11_need(p, mech.mechanism, _("to generate the key"),
	    err)) != 0 || (ret = off_p11_login_fe(p, fe, err)) != 0)
		goto out;
	if (sym) {
		if ((rv = fn->C_GenerateKey(off_p11_session(p), &mech, priv,
		    npriv, &hpriv)) != CKR_OK)
			ret = off_p11_fail(p, "C_GenerateKey", rv, err);
		goto out;
	}
	if ((rv = fn->C_GenerateKeyPair(off_p11_session(p), &mech, pubt, npub,
	    priv, npriv, &hpub, &hpriv)) != CKR_OK) {
		ret = off_p11_fail(p, "C_GenerateKeyPair", rv, err);
		goto out;
	}
	if ((ret = public_der(p, hpub, s->type, group, pub, publen,
	    err)) != 0) {
		(void)fn->C_DestroyObject(off_p11_session(p), hpriv);
		(void)fn->C_DestroyObject(off_p11_session(p), hpub);
	}
out:
	off_p11_close(&p);
	return ret;
}

/* The KEK as a session object that may wrap. */
static int
kek_object(struct off_p11 *p, EVP_PKEY *kek, CK_OBJECT_HANDLE *h,
    struct off_err *err)
{
	CK_OBJECT_CLASS	 cls = CKO_PUBLIC_KEY;
	CK_KEY_TYPE	 kt = CKK_RSA;
	BIGNUM		*n = NULL, *e = NULL;
	uint8_t		 nb[512], eb[32];
	int		 nl, el, ret = 0;
	CK_RV		 rv;

	if (EVP_PKEY_get_bn_param(kek, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
	    EVP_PKEY_get_bn_param(kek, OSSL_PKEY_PARAM_RSA_E, &e) != 1 ||
	    BN_num_bytes(n) > (int)sizeof(nb) ||
	    BN_num_bytes(e) > (int)sizeof(eb)) {
		ret = off_err_crypto(err, _("cannot read the KEK"));
		goto out;
	}
	nl = BN_bn2bin(n, nb);
	el = BN_bn2bin(e, eb);
	{
		CK_ATTRIBUTE	t[] = {
			{ CKA_CLASS, &cls, sizeof(cls) },
			{ CKA_KEY_TYPE, &kt, sizeof(kt) },
			{ CKA_TOKEN, &no, sizeof(no) },
			{ CKA_WRAP, &yes, sizeof(yes) },
			{ CKA_MODULUS, nb, (CK_ULONG)nl },
			{ CKA_PUBLIC_EXPONENT, eb, (CK_ULONG)el },
		};

		if ((rv = off_p11_fn(p)->C_CreateObject(off_p11_session(p), t,
		    6, h)) != CKR_OK)
			ret = off_p11_fail(p, "C_CreateObject (KEK)", rv, err);
	}
out:
	BN_free(n);
	BN_free(e);
	return ret;
}

/* C_WrapKey into a malloc'd buffer. */
static int
wrap_key(struct off_p11 *p, CK_MECHANISM *mech, CK_OBJECT_HANDLE wrapping,
    CK_OBJECT_HANDLE key, uint8_t **out, size_t *outlen, CK_RV *rvp,
    struct off_err *err)
{
	CK_FUNCTION_LIST	*fn = off_p11_fn(p);
	CK_ULONG		 len = 0;
	CK_RV			 rv;

	*out = NULL;
	if ((rv = fn->C_WrapKey(off_p11_session(p), mech, wrapping, key, NULL,
	    &len)) == CKR_OK) {
		if (len == 0 || len > P11_WRAP_MAX)
			return off_err_set(err, OFF_ERR_FORMAT,
			    off_p11_library(p), _("the token would wrap the "
			    "key into %lu bytes"), (unsigned long)len);
		if ((*out = malloc(len)) == NULL)
			return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		rv = fn->C_WrapKey(off_p11_session(p), mech, wrapping, key,
		    *out, &len);
	}
	*rvp = rv;
	if (rv != CKR_OK) {
		free(*out);
		*out = NULL;
		return off_p11_fail(p, "C_WrapKey", rv, err);
	}
	*outlen = len;
	return 0;
}

enum kwp_test {
	KWP_STANDARD,		/* RFC 5649 for any length */
	KWP_PADS_FIRST,		/* right only for multiples of 8 bytes */
	KWP_BROKEN,
	KWP_UNTESTED,		/* the token would not run the test */
};

/* A known-answer test of the token's CKM_AES_KEY_WRAP_PAD on session
 * keys of known value (no secret involved): 32 and 20 bytes, against
 * our RFC 5649. SoftHSM 2.6.1 pads with zeros before wrapping. */
static enum kwp_test
kwp_selftest(struct off_p11 *p)
{
	static const uint8_t	 kv[32] = { 0x6b, 0x77, 0x70, 0x2d, 0x74,
	    0x65, 0x73, 0x74, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	    0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13,
	    0x14, 0x15, 0x16, 0x17, 0x18 };
	static const uint8_t	 sv[32] = { 0x5a, 0x5a, 0x5a, 0x5a, 0x01,
	    0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98,
	    0x76, 0x54, 0x32, 0x10, 0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69,
	    0x78, 0x87, 0x96, 0xa5, 0xb4 };
	static const CK_ULONG	 lens[2] = { 32, 20 };
	CK_OBJECT_CLASS		 cls = CKO_SECRET_KEY;
	CK_KEY_TYPE		 aes = CKK_AES, gen = CKK_GENERIC_SECRET;
	CK_MECHANISM		 mech = { CKM_AES_KEY_WRAP_PAD, NULL, 0 };
	CK_FUNCTION_LIST	*fn = off_p11_fn(p);
	CK_SESSION_HANDLE	 s = off_p11_session(p);
	CK_OBJECT_HANDLE	 hk = CK_INVALID_HANDLE, hs;
	uint8_t			*got, want[48];
	size_t			 glen, wlen, i;
	enum kwp_test		 res = KWP_STANDARD;
	CK_RV			 rv;
	CK_ATTRIBUTE		 kt[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_KEY_TYPE, &aes, sizeof(aes) },
		{ CKA_TOKEN, &no, sizeof(no) },
		{ CKA_PRIVATE, &no, sizeof(no) },
		{ CKA_WRAP, &yes, sizeof(yes) },
		{ CKA_VALUE, (void *)(uintptr_t)kv, sizeof(kv) },
	};

	if (fn->C_CreateObject(s, kt, 6, &hk) != CKR_OK)
		return KWP_UNTESTED;
	for (i = 0; i < 2 && res != KWP_UNTESTED; i++) {
		CK_ATTRIBUTE	st[] = {
			{ CKA_CLASS, &cls, sizeof(cls) },
			{ CKA_KEY_TYPE, &gen, sizeof(gen) },
			{ CKA_TOKEN, &no, sizeof(no) },
			{ CKA_PRIVATE, &no, sizeof(no) },
			{ CKA_EXTRACTABLE, &yes, sizeof(yes) },
			{ CKA_SENSITIVE, &no, sizeof(no) },
			{ CKA_VALUE, (void *)(uintptr_t)sv, lens[i] },
		};

		if (fn->C_CreateObject(s, st, 7, &hs) != CKR_OK) {
			res = KWP_UNTESTED;
			break;
		}
		if (wrap_key(p, &mech, hk, hs, &got, &glen, &rv, NULL) != 0 ||
		    off_aes_kwp(kv, sizeof(kv), sv, lens[i], want, &wlen,
		    NULL) != 0)
			res = KWP_UNTESTED;
		else if (glen != wlen || memcmp(got, want, wlen) != 0)
			res = i == 0 ? KWP_BROKEN : KWP_PADS_FIRST;
		free(got);
		(void)fn->C_DestroyObject(s, hs);
		if (res == KWP_BROKEN)
			break;
	}
	(void)fn->C_DestroyObject(s, hk);
	return res;
}

static const char *
md_name(const char *md)
{
	return strcmp(md, "SHA1") == 0 ? "SHA-1" : "SHA-256";
}

static int
oaep_refused(struct off_p11 *p, const struct off_module_wrap *wr, CK_RV rv,
    struct off_err *err)
{
	char	buf[32];

	if (strcmp(wr->md, "SHA1") != 0 && (rv == CKR_MECHANISM_PARAM_INVALID ||
	    rv == CKR_ARGUMENTS_BAD || rv == CKR_MECHANISM_INVALID))
		return off_err_set(err, OFF_ERR_UNSUPPORTED, off_p11_library(p),
		    _("token \"%s\" (%s %s) cannot do RSA-OAEP with %s (%s), "
		    "which this algorithm needs; choose a SHA-1 algorithm if "
		    "the cloud accepts one, or use a token that can"),
		    off_p11_token(p)->label, off_p11_token(p)->manufacturer,
		    off_p11_token(p)->model, md_name(wr->md),
		    off_p11_rv_name(rv, buf, sizeof(buf)));
	return err != NULL ? err->code : OFF_ERR_CRYPTO;
}

/* What a known padding fault leaves possible: a secret key whose
 * length is a multiple of 8 wraps the same either way. */
static int
kwp_fits(struct off_p11 *p, const struct off_module_wrap *wr,
    CK_OBJECT_HANDLE key, enum kwp_test kt, struct off_err *err)
{
	const struct off_p11_token	*t = off_p11_token(p);
	CK_ULONG			 vlen = 0;
	CK_ATTRIBUTE			 a = { CKA_VALUE_LEN, &vlen,
					    sizeof(vlen) };

	if (kt == KWP_BROKEN)
		return off_err_set(err, OFF_ERR_UNSUPPORTED, off_p11_library(p),
		    _("token \"%s\" (%s %s): its CKM_AES_KEY_WRAP_PAD is not "
		    "RFC 5649 (a known-answer test failed); no cloud would "
		    "import what it wraps"), t->label, t->manufacturer,
		    t->model);
	if (kt != KWP_PADS_FIRST)
		return 0;
	if (strcmp(wr->type, "aes") == 0 &&
	    off_p11_fn(p)->C_GetAttributeValue(off_p11_session(p), key, &a,
	    1) == CKR_OK && vlen > 0 && vlen % 8 == 0)
		return 0;
	return off_err_set(err, OFF_ERR_UNSUPPORTED, off_p11_library(p),
	    _("token \"%s\" (%s %s) pads the key with zeros before "
	    "CKM_AES_KEY_WRAP_PAD, which is not RFC 5649: a cloud would "
	    "reject this %s key wrapped by it, so no package is written; use "
	    "a token that offers CKM_RSA_AES_KEY_WRAP"), t->label,
	    t->manufacturer, t->model, wr->type);
}

/* The trusted objects the security officer makes (logged in): label
 * and id NULL for a session object that only tries it. */
struct trusted_obj {
	int		 token;		/* a token object, else a session one */
	const char	*label;
	const uint8_t	*id;
	size_t		 idlen;
};

/* t, then the label and id if any, then CKA_COPYABLE false if the
 * library knows it: *n attributes in out (room for n + 3). */
static void
trusted_template(struct off_p11 *p, const struct trusted_obj *o,
    const CK_ATTRIBUTE *t, CK_ULONG n, CK_ATTRIBUTE *out, CK_ULONG *nout)
{
	memcpy(out, t, n * sizeof(*t));
	if (o->label != NULL) {
		out[n].type = CKA_LABEL;
		out[n].pValue = (void *)(uintptr_t)o->label;
		out[n++].ulValueLen = strlen(o->label);
		out[n].type = CKA_ID;
		out[n].pValue = (void *)(uintptr_t)o->id;
		out[n++].ulValueLen = o->idlen;
	}
	if (has_copyable(p)) {
		out[n].type = CKA_COPYABLE;
		out[n].pValue = &no;
		out[n++].ulValueLen = sizeof(no);
	}
	*nout = n;
}

/* The KEK (modulus and exponent) as a trusted public key: it may wrap,
 * nothing else, and never changes. */
static CK_RV
trusted_kek(struct off_p11 *p, const struct trusted_obj *o, const uint8_t *n,
    size_t nlen, const uint8_t *e, size_t elen, CK_OBJECT_HANDLE *h)
{
	CK_OBJECT_CLASS	 cls = CKO_PUBLIC_KEY;
	CK_KEY_TYPE	 rsa = CKK_RSA;
	CK_ATTRIBUTE	 t[] = {
		ATTR(CKA_CLASS, &cls),
		ATTR(CKA_KEY_TYPE, &rsa),
		ATTR(CKA_TOKEN, o->token ? &yes : &no),
		ATTR(CKA_PRIVATE, &no),
		ATTR(CKA_TRUSTED, &yes),
		ATTR(CKA_WRAP, &yes),
		ATTR(CKA_ENCRYPT, &no),
		ATTR(CKA_VERIFY, &no),
		ATTR(CKA_MODIFIABLE, &no),
		{ CKA_MODULUS, (void *)(uintptr_t)n, (CK_ULONG)nlen },
		{ CKA_PUBLIC_EXPONENT, (void *)(uintptr_t)e, (CK_ULONG)elen },
	}, all[14];
	CK_ULONG	 k;

	trusted_template(p, o, t, 11, all, &k);
	return off_p11_fn(p)->C_CreateObject(off_p11_session(p), all, k, h);
}

/* A trusted AES-256 transfer key: it can only wrap, be wrapped only
 * under trusted keys, and never changes. */
static CK_RV
trusted_transfer(struct off_p11 *p, const struct trusted_obj *o,
    CK_OBJECT_HANDLE *h)
{
	CK_OBJECT_CLASS	 cls = CKO_SECRET_KEY;
	CK_KEY_TYPE	 aes = CKK_AES;
	CK_ULONG	 vlen = 32, k;
	CK_MECHANISM	 gen = { CKM_AES_KEY_GEN, NULL, 0 };
	CK_ATTRIBUTE	 t[] = {
		ATTR(CKA_CLASS, &cls),
		ATTR(CKA_KEY_TYPE, &aes),
		ATTR(CKA_VALUE_LEN, &vlen),
		ATTR(CKA_TOKEN, o->token ? &yes : &no),
		ATTR(CKA_PRIVATE, &no),
		ATTR(CKA_SENSITIVE, &yes),
		ATTR(CKA_EXTRACTABLE, &yes),
		ATTR(CKA_WRAP_WITH_TRUSTED, &yes),
		ATTR(CKA_TRUSTED, &yes),
		ATTR(CKA_WRAP, &yes),
		ATTR(CKA_UNWRAP, &no),
		ATTR(CKA_ENCRYPT, &no),
		ATTR(CKA_DECRYPT, &no),
		ATTR(CKA_SIGN, &no),
		ATTR(CKA_VERIFY, &no),
		ATTR(CKA_DERIVE, &no),
		ATTR(CKA_MODIFIABLE, &no),
	}, all[20];

	trusted_template(p, o, t, 17, all, &k);
	return off_p11_fn(p)->C_GenerateKey(off_p11_session(p), &gen, all, k,
	    h);
}

/* 1 when a key reduction makes a transfer key on this token. */
static int
needs_transfer(struct off_p11 *p)
{
	return !off_p11_has(p, CKM_RSA_AES_KEY_WRAP) &&
	    off_p11_has(p, CKM_AES_KEY_GEN);
}

/* Logged in as the security officer: what key reduce-acl will need of
 * it can be done, tried on session objects made as it will make them:
 * a token that cannot would leave keys that only trusted keys may wrap
 * and none to wrap them. */
static int
so_can_trust(struct off_p11 *p, struct off_err *err)
{
	static const uint8_t	 e[3] = { 0x01, 0x00, 0x01 };
	struct trusted_obj	 o = { 0, NULL, NULL, 0 };
	CK_OBJECT_HANDLE	 h;
	uint8_t			 n[256];
	char			 buf[32];
	CK_RV			 rv;

	/* An odd 2048-bit number: the object is never used. */
	memset(n, 0x5a, sizeof(n));
	n[0] = 0xc3;
	n[sizeof(n) - 1] = 0x01;
	if ((rv = trusted_kek(p, &o, n, sizeof(n), e, sizeof(e), &h)) ==
	    CKR_OK) {
		(void)off_p11_fn(p)->C_DestroyObject(off_p11_session(p), h);
		if (!needs_transfer(p))
			return 0;
		if ((rv = trusted_transfer(p, &o, &h)) == CKR_OK) {
			(void)off_p11_fn(p)->C_DestroyObject(
			    off_p11_session(p), h);
			return 0;
		}
	}
	return off_err_set(err, OFF_ERR_UNSUPPORTED, off_p11_library(p),
	    _("token \"%s\": its security officer cannot make a CKA_TRUSTED "
	    "key (%s), which the ACL reduction needs; give --keep-so-pin"),
	    off_p11_token(p)->label, off_p11_rv_name(rv, buf, sizeof(buf)));
}

/* The security officer's PIN: asked through fe and checked, with what
 * the security officer will be asked to do (*from NULL), then, with
 * to, changed. */
static int
p11_so_change(struct off_module *m, uint8_t **from, size_t *fromlen,
    const uint8_t *to, size_t tolen, const struct off_frontend *fe,
    struct off_err *err)
{
	struct off_p11			*p = NULL;
	const struct off_p11_token	*t;
	struct off_pin_request		 req;
	char				 label[200], *pin = NULL;
	char				 why[OFF_ERR_DETAIL_MAX];
	size_t				 len = 0;
	CK_RV				 rv;
	int				 ret;

	if ((ret = token_open(m, &p, err)) != 0)
		return ret;
	t = off_p11_token(p);
	if (t->flags & CKF_PROTECTED_AUTHENTICATION_PATH) {
		ret = off_err_set(err, OFF_ERR_UNSUPPORTED, off_p11_library(p),
		    _("token \"%s\" takes PINs on its own PIN pad: its "
		    "security officer PIN cannot be given to the quorum of "
		    "cards; give --keep-so-pin"), t->label);
		goto out;
	}
	if (t->max_pin < OFF_SO_PIN_LEN || t->min_pin > OFF_SO_PIN_LEN) {
		ret = off_err_set(err, OFF_ERR_UNSUPPORTED, off_p11_library(p),
		    _("token \"%s\" takes PINs of %lu to %lu characters; the "
		    "security officer PIN the quorum holds has %d; give "
		    "--keep-so-pin"), t->label,
		    (unsigned long)t->min_pin, (unsigned long)t->max_pin,
		    OFF_SO_PIN_LEN);
		goto out;
	}
	if (*from == NULL) {
		memset(&req, 0, sizeof(req));
		req.kind = OFF_PIN_PASSPHRASE;
		req.tries_left = t->flags & CKF_SO_PIN_FINAL_TRY ? 1 : -1;
		/* TRANSLATORS: the PKCS#11 token's security officer (SO)
		   PIN, which the world's quorum of cards takes over. */
		snprintf(label, sizeof(label), _("the security officer PIN of "
		    "token \"%s\" (serial %s), which a quorum of cards will "
		    "hold from now on"), t->label, t->serial);
		req.label = label;
		if ((ret = off_ask_pin(fe, &req, &pin, &len)) != 0) {
			ret = off_err_set(err, ret, NULL, _("no security "
			    "officer PIN for token \"%s\""), t->label);
			goto out;
		}
		*from = (uint8_t *)pin;
		*fromlen = len;
	}
	if ((ret = off_p11_login_so(p, *from, *fromlen, err)) != 0) {
		if (ret == OFF_ERR_UNSUPPORTED && err != NULL) {
			snprintf(why, sizeof(why), "%s", err->detail);
			ret = off_err_set(err, ret, off_p11_library(p),
			    _("%s; give --keep-so-pin"), why);
		}
		goto out;
	}
	if (to == NULL)
		ret = so_can_trust(p, err);
	else if ((rv = off_p11_fn(p)->C_SetPIN(off_p11_session(p),
	    (CK_UTF8CHAR *)*from, (CK_ULONG)*fromlen,
	    (CK_UTF8CHAR *)(uintptr_t)to, (CK_ULONG)tolen)) != CKR_OK)
		ret = off_p11_fail(p, "C_SetPIN", rv, err);
	(void)off_p11_fn(p)->C_Logout(off_p11_session(p));
out:
	off_p11_close(&p);
	return ret;
}

/* The CKA_ID of the transfer key for key id under the KEK whose
 * fingerprint is fp. */
static int
transfer_id(const uint8_t *id, const uint8_t fp[32],
    uint8_t out[OFF_TOKEN_ID_LEN], struct off_err *err)
{
	uint8_t		h[32];
	unsigned int	hl = sizeof(h);
	EVP_MD_CTX	*ctx = EVP_MD_CTX_new();
	int		ret = 0;

	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, "officiant transfer key", 22) != 1 ||
	    EVP_DigestUpdate(ctx, id, OFF_TOKEN_ID_LEN) != 1 ||
	    EVP_DigestUpdate(ctx, fp, 32) != 1 ||
	    EVP_DigestFinal_ex(ctx, h, &hl) != 1)
		ret = off_err_crypto(err, _("cannot hash the key's CKA_ID"));
	else
		memcpy(out, h, OFF_TOKEN_ID_LEN);
	EVP_MD_CTX_free(ctx);
	return ret;
}

/* The trusted object of class with CKA_ID id, if there is one. */
static int
find_trusted(struct off_p11 *p, CK_OBJECT_CLASS cls, const void *id,
    size_t idlen, CK_OBJECT_HANDLE *h, struct off_err *err)
{
	CK_ATTRIBUTE	 tmpl[] = {
		ATTR(CKA_CLASS, &cls),
		{ CKA_ID, (void *)(uintptr_t)id, (CK_ULONG)idlen },
		ATTR(CKA_TRUSTED, &yes),
	};
	CK_ULONG	 n;
	int		 ret;

	*h = CK_INVALID_HANDLE;
	if ((ret = off_p11_find_all(p, tmpl, 3, h, 1, &n, err)) != 0)
		return ret;
	return n == 1 ? 0 : OFF_ERR_NOT_FOUND;
}

/* The KEK's modulus and exponent as the token holds them match kek. */
static int
same_kek(struct off_p11 *p, CK_OBJECT_HANDLE h, EVP_PKEY *kek,
    struct off_err *err)
{
	BIGNUM	*n = NULL, *e = NULL, *tn = NULL, *te = NULL;
	uint8_t	*mv = NULL, *ev = NULL;
	size_t	 ml, el;
	int	 ret;

	if ((ret = get_attr(p, h, CKA_MODULUS, &mv, &ml, err)) != 0 ||
	    (ret = get_attr(p, h, CKA_PUBLIC_EXPONENT, &ev, &el, err)) != 0)
		goto out;
	if (EVP_PKEY_get_bn_param(kek, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
	    EVP_PKEY_get_bn_param(kek, OSSL_PKEY_PARAM_RSA_E, &e) != 1 ||
	    (tn = BN_bin2bn(mv, (int)ml, NULL)) == NULL ||
	    (te = BN_bin2bn(ev, (int)el, NULL)) == NULL)
		ret = off_err_crypto(err, _("cannot read the KEK"));
	else if (BN_cmp(n, tn) != 0 || BN_cmp(e, te) != 0)
		ret = off_err_set(err, OFF_ERR_AUTH, off_p11_library(p),
		    _("the trusted KEK object on token \"%s\" is not this "
		    "KEK"), off_p11_token(p)->label);
out:
	BN_free(n);
	BN_free(e);
	BN_free(tn);
	BN_free(te);
	free(mv);
	free(ev);
	return ret;
}

/* As the security officer: the KEK as a trusted token object, and, where
 * the token has no CKM_RSA_AES_KEY_WRAP, a trusted AES transfer key that
 * can only wrap, and be wrapped only under a trusted key (the KEK). */
static int
p11_trust(struct off_module *m, struct off_module_trust *t,
    const uint8_t *so_pin, size_t len, struct off_err *err)
{
	struct off_p11		*p = NULL;
	struct trusted_obj	 o;
	CK_FUNCTION_LIST	*fn;
	CK_SESSION_HANDLE	 s;
	CK_OBJECT_HANDLE	 h;
	CK_RV			 rv;
	BIGNUM			*n = NULL, *e = NULL;
	uint8_t			 fp[32], xid[OFF_TOKEN_ID_LEN];
	uint8_t			 nb[1024], eb[16];
	char			 kl[48], xl[48], hex[17];
	char			 why[OFF_ERR_DETAIL_MAX];
	int			 nl = 0, el = 0, ret;

	*t->what = '\0';
	if ((ret = off_key_fingerprint(t->kek, fp, err)) != 0 ||
	    (ret = transfer_id(t->id, fp, xid, err)) != 0)
		return ret;
	off_hex(fp, 8, hex);
	snprintf(kl, sizeof(kl), "officiant-kek-%s", hex);
	off_hex(xid, 8, hex);
	snprintf(xl, sizeof(xl), "officiant-transfer-%s", hex);
	if ((ret = token_open(m, &p, err)) != 0)
		return ret;
	fn = off_p11_fn(p);
	s = off_p11_session(p);
	if ((ret = off_p11_login_so(p, so_pin, len, err)) != 0) {
		if (ret == OFF_ERR_BAD_PIN && err != NULL) {
			snprintf(why, sizeof(why), "%s", err->detail);
			ret = off_err_set(err, OFF_ERR_BAD_PIN,
			    off_p11_library(p), _("%s: the token's security "
			    "officer PIN is not the one this world's quorum "
			    "holds (was it changed outside officiant?)"), why);
		}
		goto out;
	}
	if ((ret = find_trusted(p, CKO_PUBLIC_KEY, fp, sizeof(fp), &h,
	    err)) == 0)
		ret = same_kek(p, h, t->kek, err);
	else if (ret == OFF_ERR_NOT_FOUND) {
		if (EVP_PKEY_get_bn_param(t->kek, OSSL_PKEY_PARAM_RSA_N,
		    &n) != 1 || EVP_PKEY_get_bn_param(t->kek,
		    OSSL_PKEY_PARAM_RSA_E, &e) != 1 ||
		    BN_num_bytes(n) > (int)sizeof(nb) ||
		    BN_num_bytes(e) > (int)sizeof(eb)) {
			ret = off_err_crypto(err, _("cannot read the KEK"));
			goto logout;
		}
		nl = BN_bn2bin(n, nb);
		el = BN_bn2bin(e, eb);
		o = (struct trusted_obj){ 1, kl, fp, sizeof(fp) };
		ret = (rv = trusted_kek(p, &o, nb, (size_t)nl, eb, (size_t)el,
		    &h)) == CKR_OK ? 0 : off_p11_fail(p, "C_CreateObject", rv,
		    err);
	}
	if (ret != 0)
		goto logout;
	snprintf(t->what, sizeof(t->what), "%s (CKA_TRUSTED)", kl);
	if (!needs_transfer(p))
		goto logout;
	/* A transfer key made afresh at each reduction: the old one goes
	 * first, or no new one is made. */
	if (find_trusted(p, CKO_SECRET_KEY, xid, sizeof(xid), &h, NULL) == 0 &&
	    (rv = fn->C_DestroyObject(s, h)) != CKR_OK) {
		ret = off_p11_fail(p, "C_DestroyObject", rv, err);
		goto logout;
	}
	o = (struct trusted_obj){ 1, xl, xid, sizeof(xid) };
	if ((rv = trusted_transfer(p, &o, &h)) != CKR_OK)
		ret = off_p11_fail(p, "C_GenerateKey", rv, err);
	else
		snprintf(t->what, sizeof(t->what), "%s, %s (CKA_TRUSTED)", kl,
		    xl);
logout:
	(void)fn->C_Logout(s);
out:
	BN_free(n);
	BN_free(e);
	off_p11_close(&p);
	return ret;
}

/* As the security officer: a new user PIN, and the token unlocked. */
static int
p11_user_pin(struct off_module *m, const uint8_t *so_pin, size_t solen,
    const char *pin, size_t len, struct off_err *err)
{
	struct off_p11			*p = NULL;
	const struct off_p11_token	*t;
	CK_RV				 rv;
	int				 ret;

	if ((ret = token_open(m, &p, err)) != 0)
		return ret;
	t = off_p11_token(p);
	if (len < t->min_pin || len > t->max_pin) {
		ret = off_err_set(err, OFF_ERR_INVALID, off_p11_library(p),
		    _("token \"%s\" takes user PINs of %lu to %lu "
		    "characters"), t->label, (unsigned long)t->min_pin,
		    (unsigned long)t->max_pin);
		goto out;
	}
	if ((ret = off_p11_login_so(p, so_pin, solen, err)) != 0)
		goto out;
	if ((rv = off_p11_fn(p)->C_InitPIN(off_p11_session(p),
	    (CK_UTF8CHAR *)(uintptr_t)pin, (CK_ULONG)len)) != CKR_OK)
		ret = off_p11_fail(p, "C_InitPIN", rv, err);
	(void)off_p11_fn(p)->C_Logout(off_p11_session(p));
out:
	off_p11_close(&p);
	return ret;
}

static int
p11_wrap(struct off_module *m, struct off_module_wrap *wr,
    const struct off_frontend *fe, uint8_t **out, size_t *outlen,
    struct off_err *err)
{
	struct off_p11		*p = NULL;
	CK_FUNCTION_LIST	*fn;
	CK_SESSION_HANDLE	 s;
	CK_OBJECT_HANDLE	 key, kek = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE	 eph = CK_INVALID_HANDLE;
	CK_OBJECT_CLASS		 cls = CKO_SECRET_KEY;
	CK_KEY_TYPE		 aes = CKK_AES;
	CK_ULONG		 elen = 32;
	CK_RSA_PKCS_OAEP_PARAMS	 oaep;
	struct {
		CK_ULONG			 aes_bits;
		CK_RSA_PKCS_OAEP_PARAMS		*oaep;
	}			 rsa_aes = { 256, &oaep };
	CK_MECHANISM		 mech = { CKM_RSA_PKCS_OAEP, &oaep,
				    sizeof(oaep) };
	CK_MECHANISM		 gen = { CKM_AES_KEY_GEN, NULL, 0 };
	CK_MECHANISM		 kwp = { CKM_AES_KEY_WRAP_PAD, NULL, 0 };
	CK_ATTRIBUTE		 et[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_KEY_TYPE, &aes, sizeof(aes) },
		{ CKA_TOKEN, &no, sizeof(no) },
		{ CKA_VALUE_LEN, &elen, sizeof(elen) },
		{ CKA_WRAP, &yes, sizeof(yes) },
		{ CKA_SENSITIVE, &yes, sizeof(yes) },
		{ CKA_EXTRACTABLE, &yes, sizeof(yes) },
	};
	CK_BBOOL		 trusted = CK_FALSE;
	CK_ATTRIBUTE		 wwt = ATTR(CKA_WRAP_WITH_TRUSTED, &trusted);
	uint8_t			*a = NULL, *b = NULL;
	uint8_t			 fp[32], xid[OFF_TOKEN_ID_LEN];
	size_t			 alen = 0, blen = 0;
	enum kwp_test		 kt;
	CK_RV			 rv;
	int			 ret;

	*out = NULL;
	memset(&oaep, 0, sizeof(oaep));
	oaep.hash_alg = strcmp(wr->md, "SHA1") == 0 ? CKM_SHA_1 : CKM_SHA256;
	oaep.mgf = strcmp(wr->md, "SHA1") == 0 ? CKG_MGF1_SHA1 :
	    CKG_MGF1_SHA256;
	oaep.source = CKZ_DATA_SPECIFIED;
	if ((ret = token_open(m, &p, err)) != 0)
		return ret;
	fn = off_p11_fn(p);
	s = off_p11_session(p);
	/* What the token lacks is known before anyone types a PIN. */
	if (!wr->aes)
		ret = off_p11_need(p, CKM_RSA_PKCS_OAEP, _("to wrap the key "
		    "under the KEK"), err);
	else if (!off_p11_has(p, CKM_RSA_AES_KEY_WRAP) &&
	    ((ret = off_p11_need(p, CKM_RSA_PKCS_OAEP, _("for the RSA-AES "
	    "key wrap without CKM_RSA_AES_KEY_WRAP"), err)) != 0 ||
	    (ret = off_p11_need(p, CKM_AES_KEY_GEN, _("for the RSA-AES key "
	    "wrap without CKM_RSA_AES_KEY_WRAP"), err)) != 0 ||
	    (ret = off_p11_need(p, CKM_AES_KEY_WRAP_PAD, _("for the RSA-AES "
	    "key wrap without CKM_RSA_AES_KEY_WRAP"), err)) != 0))
		goto out;
	if (ret != 0)
		goto out;
	/* A fault of the token's key wrap found before anyone types a
	 * PIN (a secret key's length is known only after the login). */
	kt = wr->aes && !off_p11_has(p, CKM_RSA_AES_KEY_WRAP) ?
	    kwp_selftest(p) : KWP_STANDARD;
	if (kt == KWP_BROKEN || (kt == KWP_PADS_FIRST &&
	    strcmp(wr->type, "aes") != 0)) {
		ret = kwp_fits(p, wr, CK_INVALID_HANDLE, kt, err);
		goto out;
	}
	if ((ret = off_p11_login_fe(p, fe, err)) != 0 ||
	    (ret = off_p11_find(p, strcmp(wr->type, "aes") == 0 ?
	    CKO_SECRET_KEY : CKO_PRIVATE_KEY, wr->id, OFF_TOKEN_ID_LEN, &key,
	    err)) != 0)
		goto out;
	/* A key the token lets out only under what its security officer
	 * trusts: the KEK and transfer key the ACL reduction made. */
	if (fn->C_GetAttributeValue(s, key, &wwt, 1) == CKR_OK && trusted) {
		if ((ret = off_key_fingerprint(wr->kek, fp, err)) != 0)
			goto out;
		if ((ret = transfer_id(wr->id, fp, xid, err)) != 0)
			goto out;
		if ((ret = find_trusted(p, CKO_PUBLIC_KEY, fp, sizeof(fp), &kek,
		    err)) == OFF_ERR_NOT_FOUND || (ret == 0 && wr->aes &&
		    !off_p11_has(p, CKM_RSA_AES_KEY_WRAP) &&
		    (ret = find_trusted(p, CKO_SECRET_KEY, xid, sizeof(xid),
		    &eph, err)) == OFF_ERR_NOT_FOUND)) {
			ret = off_err_set(err, OFF_ERR_DENIED,
			    off_p11_library(p), _("token \"%s\" lets the key "
			    "out only under keys its security officer trusts, "
			    "and none is there for this KEK; move the reduced "
			    "copy aside and reduce the key's ACL for this KEK "
			    "again (with a quorum of cards)"),
			    off_p11_token(p)->label);
			goto out;
		}
		if (ret != 0 || (ret = same_kek(p, kek, wr->kek, err)) != 0)
			goto out;
	} else {
		trusted = CK_FALSE;
		if ((ret = kek_object(p, wr->kek, &kek, err)) != 0)
			goto out;
	}
	if (!wr->aes) {
		snprintf(wr->mechanisms, sizeof(wr->mechanisms),
		    "CKM_RSA_PKCS_OAEP(%s)", md_name(wr->md));
		if ((ret = wrap_key(p, &mech, kek, key, out, outlen, &rv,
		    err)) != 0)
			ret = oaep_refused(p, wr, rv, err);
		goto out;
	}
	if (off_p11_has(p, CKM_RSA_AES_KEY_WRAP)) {
		snprintf(wr->mechanisms, sizeof(wr->mechanisms),
		    "CKM_RSA_AES_KEY_WRAP(%s)", md_name(wr->md));
		mech.mechanism = CKM_RSA_AES_KEY_WRAP;
		mech.pParameter = &rsa_aes;
		mech.ulParameterLen = sizeof(rsa_aes);
		if ((ret = wrap_key(p, &mech, kek, key, out, outlen, &rv,
		    err)) != 0)
			ret = oaep_refused(p, wr, rv, err);
		goto out;
	}
	/* The two steps of CKM_RSA_AES_KEY_WRAP, on the token. */
	snprintf(wr->mechanisms, sizeof(wr->mechanisms), "CKM_AES_KEY_GEN, "
	    "CKM_RSA_PKCS_OAEP(%s), CKM_AES_KEY_WRAP_PAD", md_name(wr->md));
	if (kt == KWP_UNTESTED)
		off_fe_notice(fe, OFF_NOTICE_WARNING, _("token \"%s\" would "
		    "not run the known-answer test of CKM_AES_KEY_WRAP_PAD; "
		    "check the package with the cloud's tools"),
		    off_p11_token(p)->label);
	if ((ret = kwp_fits(p, wr, key, kt, err)) != 0)
		goto out;
	if (!trusted && (rv = fn->C_GenerateKey(s, &gen, et, 7, &eph)) !=
	    CKR_OK) {
		ret = off_p11_fail(p, "C_GenerateKey", rv, err);
		goto out;
	}
	if ((ret = wrap_key(p, &mech, kek, eph, &a, &alen, &rv, err)) != 0) {
		ret = oaep_refused(p, wr, rv, err);
		goto out;
	}
	if ((ret = wrap_key(p, &kwp, eph, key, &b, &blen, &rv, err)) != 0)
		goto out;
	if (alen != (size_t)EVP_PKEY_get_size(wr->kek) || blen < 16 ||
	    blen % 8 != 0) {
		ret = off_err_set(err, OFF_ERR_FORMAT, off_p11_library(p),
		    _("the token wrapped into %zu + %zu bytes, not the "
		    "CKM_RSA_AES_KEY_WRAP layout"), alen, blen);
		goto out;
	}
	if ((*out = malloc(alen + blen)) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	memcpy(*out, a, alen);
	memcpy(*out + alen, b, blen);
	*outlen = alen + blen;
out:
	/* Session objects of this wrap; the trusted ones stay. */
	if (!trusted && eph != CK_INVALID_HANDLE)
		(void)fn->C_DestroyObject(s, eph);
	if (!trusted && kek != CK_INVALID_HANDLE)
		(void)fn->C_DestroyObject(s, kek);
	free(a);
	free(b);
	if (ret != 0) {
		free(*out);
		*out = NULL;
	}
	off_p11_close(&p);
	return ret;
}

const struct off_module_ops off_module_pkcs11_ops = {
	.name = "pkcs11",
	.create = p11_create,
	.save = off_module_file_save,
	.load = off_module_file_load,
	.unsave = off_module_file_unsave,
	.free = NULL,
	.keygen = p11_keygen,
	.wrap = p11_wrap,
	.so_change = p11_so_change,
	.trust = p11_trust,
	.user_pin = p11_user_pin,
};
