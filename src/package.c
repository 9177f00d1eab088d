/* Transfer packages: Azure .byok, AWS KMS EncryptedKeyMaterial, Google
 * Cloud KMS wrapped_key. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "crypto.h"
#include "encode.h"
#include "error.h"
#include "fileio.h"
#include "i18n.h"
#include "json.h"
#include "key.h"
#include "package.h"
#include "secmem.h"

/* How one algorithm of one format wraps. */
struct algo {
	const char	*format;
	const char	*name;
	const char	*md;		/* OAEP and MGF1 digest */
	int		 aes;		/* RSA-AES-KEY-WRAP, else OAEP alone */
	unsigned	 kek_bits;	/* 0: any of 2048/3072/4096 */
	int		 is_default;
};

static const struct algo algos[] = {
	{ "azure-byok", "CKM_RSA_AES_KEY_WRAP", "SHA1", 1, 0, 1 },
	{ "aws-kms", "RSA_AES_KEY_WRAP_SHA_256", "SHA256", 1, 0, 1 },
	{ "aws-kms", "RSA_AES_KEY_WRAP_SHA_1", "SHA1", 1, 0, 0 },
	{ "aws-kms", "RSAES_OAEP_SHA_256", "SHA256", 0, 0, 0 },
	{ "aws-kms", "RSAES_OAEP_SHA_1", "SHA1", 0, 0, 0 },
	{ "gcp-kms", "RSA_OAEP_3072_SHA256_AES_256", "SHA256", 1, 3072, 1 },
	{ "gcp-kms", "RSA_OAEP_4096_SHA256_AES_256", "SHA256", 1, 4096, 0 },
	{ "gcp-kms", "RSA_OAEP_3072_SHA1_AES_256", "SHA1", 1, 3072, 0 },
	{ "gcp-kms", "RSA_OAEP_4096_SHA1_AES_256", "SHA1", 1, 4096, 0 },
	{ "gcp-kms", "RSA_OAEP_3072_SHA256", "SHA256", 0, 3072, 0 },
	{ "gcp-kms", "RSA_OAEP_4096_SHA256", "SHA256", 0, 4096, 0 },
};

/* The destination a reduced copy names for each format. */
static const char *
format_target(const char *format)
{
	if (strcmp(format, "azure-byok") == 0)
		return "azure";
	if (strcmp(format, "aws-kms") == 0)
		return "aws";
	return "gcp";
}

int
off_package_target_ok(const char *target)
{
	return strcmp(target, "azure") == 0 || strcmp(target, "aws") == 0 ||
	    strcmp(target, "gcp") == 0 ? 0 : OFF_ERR_INVALID;
}

static const struct algo *
find_algo(const char *format, const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(algos) / sizeof(algos[0]); i++)
		if (strcmp(algos[i].format, format) == 0 &&
		    (name == NULL ? algos[i].is_default :
		    strcmp(algos[i].name, name) == 0))
			return &algos[i];
	return NULL;
}

int
off_aes_kwp(const uint8_t *key, size_t keylen, const uint8_t *in, size_t len,
    uint8_t *out, size_t *outlen, struct off_err *err)
{
	EVP_CIPHER_CTX	*ctx = NULL;
	const char	*name;
	int		 n, m, ret = 0;

	name = keylen == 16 ? "AES-128-WRAP-PAD" : keylen == 24 ?
	    "AES-192-WRAP-PAD" : keylen == 32 ? "AES-256-WRAP-PAD" : NULL;
	if (name == NULL || len == 0 || len > 65536)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("bad key wrap input"));
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	/* The default IV of RFC 5649, A65959A6. */
	if (EVP_EncryptInit_ex2(ctx, EVP_get_cipherbyname(name), key, NULL,
	    NULL) != 1 || EVP_EncryptUpdate(ctx, out, &n, in, (int)len) != 1 ||
	    EVP_EncryptFinal_ex(ctx, out + n, &m) != 1) {
		ret = off_err_crypto(err, _("AES key wrap failed"));
		goto out;
	}
	*outlen = (size_t)(n + m);
out:
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

static int
oaep(EVP_PKEY *kek, const char *md, const uint8_t *in, size_t len,
    uint8_t *out, size_t *outlen, struct off_err *err)
{
	EVP_PKEY_CTX	*ctx;
	int		 ret = 0;

	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, kek, NULL)) == NULL ||
	    EVP_PKEY_encrypt_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md_name(ctx, md, NULL) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md_name(ctx, md, NULL) != 1 ||
	    EVP_PKEY_encrypt(ctx, out, outlen, in, len) != 1)
		ret = off_err_crypto(err, _("RSA-OAEP under the KEK failed"));
	EVP_PKEY_CTX_free(ctx);
	return ret;
}

int
off_rsa_aes_wrap(EVP_PKEY *kek, const char *md, const uint8_t *material,
    size_t len, uint8_t **out, size_t *outlen, struct off_err *err)
{
	uint8_t	*aes = NULL, *buf = NULL;
	size_t	 klen = (size_t)EVP_PKEY_get_size(kek), olen, wlen;
	int	 ret;

	*out = NULL;
	/* Ciphertext of the modulus' length, then 8 + 8 * ceil(n / 8). */
	if ((buf = malloc(klen + len + 16)) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	if ((aes = off_secalloc(OFF_KEY_LEN)) == NULL) {
		ret = off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
		goto out;
	}
	olen = klen;
	if ((ret = off_random(aes, OFF_KEY_LEN, err)) != 0 ||
	    (ret = oaep(kek, md, aes, OFF_KEY_LEN, buf, &olen, err)) != 0 ||
	    (ret = off_aes_kwp(aes, OFF_KEY_LEN, material, len, buf + olen,
	    &wlen, err)) != 0)
		goto out;
	*out = buf;
	*outlen = olen + wlen;
	buf = NULL;
out:
	off_secfree(&aes);
	free(buf);
	return ret;
}

/* base64url without padding, as the .byok file wants it. */
static char *
b64url(const uint8_t *p, size_t n)
{
	char	*s = malloc(OFF_B64_LEN(n)), *c;
	size_t	 len;

	if (s == NULL)
		return NULL;
	off_b64(p, n, s);
	for (c = s; *c != '\0'; c++) {
		if (*c == '+')
			*c = '-';
		else if (*c == '/')
			*c = '_';
	}
	len = strlen(s);
	while (len > 0 && s[len - 1] == '=')
		s[--len] = '\0';
	return s;
}

static int
azure_json(const struct off_package_params *p, const uint8_t *wrapped,
    size_t len, struct off_package *out, struct off_err *err)
{
	json_t	*root;
	char	*ct, *s, gen[128];

	if (*out->token.library != '\0')
		snprintf(gen, sizeof(gen), "%s; PKCS#11 token %s %s",
		    PACKAGE_STRING, out->token.manufacturer, out->token.model);
	else
		snprintf(gen, sizeof(gen), "%s; soft module", PACKAGE_STRING);
	if ((ct = b64url(wrapped, len)) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	root = json_pack("{s:s, s:{s:s, s:s, s:s}, s:s, s:s}",
	    "schema_version", "1.0.0",
	    "header", "kid", p->kid, "alg", "dir", "enc",
	    "CKM_RSA_AES_KEY_WRAP",
	    "ciphertext", ct,
	    "generator", p->generator != NULL ? p->generator : gen);
	free(ct);
	if (root == NULL || off_json_dump(root, &s, &out->len, err) != 0) {
		json_decref(root);
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	}
	json_decref(root);
	out->data = (uint8_t *)s;
	return 0;
}

int
off_kek_check(EVP_PKEY *kek, struct off_err *err)
{
	EVP_PKEY_CTX	*ctx;
	BIGNUM		*e = NULL;
	int		 bits, ok;

	if (!EVP_PKEY_is_a(kek, "RSA") || ((bits = EVP_PKEY_get_bits(kek)) !=
	    2048 && bits != 3072 && bits != 4096))
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("the KEK must be an RSA public key of 2048, 3072 or 4096 "
		    "bits"));
	/* A tiny exponent (e = 1 leaves OAEP in the clear) or a malformed
	 * key would make the wrap worthless. */
	ok = EVP_PKEY_get_bn_param(kek, OSSL_PKEY_PARAM_RSA_E, &e) == 1 &&
	    BN_is_odd(e) && BN_num_bits(e) >= 17 && BN_num_bits(e) <= 256;
	BN_free(e);
	if (ok && (ctx = EVP_PKEY_CTX_new_from_pkey(NULL, kek, NULL)) != NULL) {
		ok = EVP_PKEY_public_check(ctx) == 1;
		EVP_PKEY_CTX_free(ctx);
	} else
		ok = 0;
	ERR_clear_error();
	if (!ok)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("the KEK is not a sound RSA public key (its exponent must "
		    "be odd and at least 65537)"));
	return 0;
}

int
off_package_check(const struct off_package_params *p, EVP_PKEY *kek,
    const char *key_type, struct off_err *err)
{
	const struct algo	*a;
	int			 bits, ret;

	if (strcmp(p->format, "azure-byok") != 0 &&
	    strcmp(p->format, "aws-kms") != 0 &&
	    strcmp(p->format, "gcp-kms") != 0)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("unknown format \"%s\"; use azure-byok, aws-kms or "
		    "gcp-kms"), p->format);
	if ((a = find_algo(p->format, p->algorithm)) == NULL)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("%s cannot use the algorithm \"%s\""), p->format,
		    p->algorithm);
	if (strcmp(p->format, "azure-byok") == 0 &&
	    (p->kid == NULL || *p->kid == '\0'))
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("azure-byok needs the KEK's key identifier: --kek-id"));
	if ((ret = off_kek_check(kek, err)) != 0)
		return ret;
	bits = EVP_PKEY_get_bits(kek);
	if (a->kek_bits != 0 && (unsigned)bits != a->kek_bits)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("%s needs an RSA %u KEK, not RSA %d"), a->name,
		    a->kek_bits, bits);
	if (key_type != NULL && !a->aes && strcmp(key_type, "aes") != 0)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("%s carries only symmetric keys; use an RSA-AES key wrap "
		    "algorithm for an %s key"), a->name, key_type);
	return 0;
}

/* The key wrapped on its token, by the module that holds it. */
static int
token_wrap(const char *kmdata, const struct off_world *w,
    const struct off_key *key, EVP_PKEY *kek,
    const struct off_package_params *p, const struct algo *a,
    struct off_package *out, uint8_t **wrapped, size_t *wlen,
    struct off_err *err)
{
	struct off_module	*m = NULL;
	struct off_module_wrap	 wr;
	int			 ret;

	if (!a->aes && off_key_bits(key) != 256 &&
	    strncmp(p->format, "aws", 3) == 0)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("%s carries 32-byte keys only"), a->name);
	if ((ret = off_key_open_module(kmdata, w, key, &m, err)) != 0)
		return ret;
	if (m->ops->wrap == NULL) {
		off_module_free(&m);
		return off_err_set(err, OFF_ERR_FORMAT,
		    off_key_file_name(key), _("the key names a token object, "
		    "but its module keeps no token"));
	}
	memset(&wr, 0, sizeof(wr));
	wr.type = off_key_type(key);
	wr.id = off_key_token_id(key);
	wr.kek = kek;
	wr.md = a->md;
	wr.aes = a->aes;
	out->token = m->token;
	ret = m->ops->wrap(m, &wr, p->fe, wrapped, wlen, err);
	snprintf(out->mechanisms, sizeof(out->mechanisms), "%s",
	    wr.mechanisms);
	off_module_free(&m);
	return ret;
}

int
off_package_create(const char *kmdata, const struct off_world *w,
    const struct off_key *key, EVP_PKEY *kek,
    const struct off_package_params *p, struct off_package *out,
    struct off_err *err)
{
	const struct off_acl	*acl = off_key_acl(key);
	const struct algo	*a;
	uint8_t			*material = NULL, *wrapped = NULL;
	size_t			 mlen = 0, wlen;
	int			 ret;

	memset(out, 0, sizeof(*out));
	if ((ret = off_package_check(p, kek, off_key_type(key), err)) != 0)
		return ret;
	a = find_algo(p->format, p->algorithm);
	out->algorithm = a->name;
	if ((ret = off_key_fingerprint(kek, out->kek_fp, err)) != 0)
		return ret;
	/* The key's ACL must allow export wrapped under this very KEK. */
	if (!(acl->groups & OFF_ACL_EXPORT_WRAPPED) ||
	    memcmp(acl->kek, out->kek_fp, sizeof(out->kek_fp)) != 0)
		return off_err_set(err, OFF_ERR_DENIED, off_key_file_name(key),
		    _("the key's ACL does not allow export wrapped under this "
		    "KEK; reduce its ACL for this KEK first"));
	if (*acl->target != '\0' &&
	    strcmp(acl->target, format_target(p->format)) != 0)
		return off_err_set(err, OFF_ERR_DENIED, off_key_file_name(key),
		    _("the key's ACL allows export to %s only, not to %s"),
		    acl->target, format_target(p->format));
	if (off_key_token_id(key) != NULL) {
		ret = token_wrap(kmdata, w, key, kek, p, a, out, &wrapped,
		    &wlen, err);
		goto wrapped;
	}
	if ((ret = off_key_material(kmdata, w, key, &material, &mlen,
	    err)) != 0)
		goto out;
	if (!a->aes && mlen != 32 && strncmp(p->format, "aws", 3) == 0) {
		ret = off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("%s carries 32-byte keys only"), a->name);
		goto out;
	}
	if (a->aes)
		ret = off_rsa_aes_wrap(kek, a->md, material, mlen, &wrapped,
		    &wlen, err);
	else if ((wrapped = malloc((size_t)EVP_PKEY_get_size(kek))) == NULL)
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	else {
		wlen = (size_t)EVP_PKEY_get_size(kek);
		ret = oaep(kek, a->md, material, mlen, wrapped, &wlen, err);
	}
wrapped:
	if (ret != 0)
		goto out;
	if (strcmp(p->format, "azure-byok") == 0)
		ret = azure_json(p, wrapped, wlen, out, err);
	else {
		out->data = wrapped;
		out->len = wlen;
		wrapped = NULL;
	}
	if (ret == 0)
		EVP_Digest(out->data, out->len, out->sha256, NULL,
		    EVP_sha256(), NULL);
out:
	off_secfree(&material);
	free(wrapped);
	if (ret != 0)
		off_package_free(out);
	return ret;
}

void
off_package_free(struct off_package *pkg)
{
	free(pkg->data);
	pkg->data = NULL;
	pkg->len = 0;
}

/* base64url (no padding) to bytes. */
static int
unb64url(const char *in, uint8_t *out, size_t max, size_t *outlen)
{
	char	*s;
	size_t	 n = strlen(in), i;
	int	 ret;

	if (n > 4096 || (s = malloc(n + 4)) == NULL)
		return OFF_ERR_TOO_LARGE;
	for (i = 0; i < n; i++)
		s[i] = in[i] == '-' ? '+' : in[i] == '_' ? '/' : in[i];
	while (i % 4 != 0)
		s[i++] = '=';
	s[i] = '\0';
	ret = off_unb64(s, out, max, outlen);
	free(s);
	return ret;
}

static EVP_PKEY *
kek_from_jwk(const char *data, size_t len)
{
	json_t		*root, *n, *e;
	uint8_t		 nb[1024], eb[16];
	size_t		 nl, el;
	BIGNUM		*bn = NULL, *be = NULL;
	OSSL_PARAM_BLD	*bld = NULL;
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*ctx = NULL;
	EVP_PKEY	*pk = NULL;

	if ((root = json_loadb(data, len, JSON_REJECT_DUPLICATES, NULL)) ==
	    NULL)
		return NULL;
	/* A JWK set with one key, or the key itself. */
	if (json_is_array(json_object_get(root, "keys")) &&
	    json_array_size(json_object_get(root, "keys")) == 1)
		n = json_array_get(json_object_get(root, "keys"), 0);
	else
		n = root;
	e = json_object_get(n, "e");
	if (!json_is_string(json_object_get(n, "kty")) ||
	    strcmp(json_string_value(json_object_get(n, "kty")), "RSA") != 0 ||
	    !json_is_string(e) || !json_is_string(json_object_get(n, "n")) ||
	    unb64url(json_string_value(json_object_get(n, "n")), nb,
	    sizeof(nb), &nl) != 0 ||
	    unb64url(json_string_value(e), eb, sizeof(eb), &el) != 0)
		goto out;
	if ((bn = BN_bin2bn(nb, (int)nl, NULL)) == NULL ||
	    (be = BN_bin2bn(eb, (int)el, NULL)) == NULL ||
	    (bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) != 1 ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pk = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	json_decref(root);
	return pk;
}

EVP_PKEY *
off_kek_load(const char *path, struct off_err *err)
{
	char		*data = NULL;
	size_t		 len;
	const uint8_t	*p;
	EVP_PKEY	*pk = NULL;
	X509		*x;
	BIO		*bio;

	if (off_file_read(path, 64 * 1024, &data, &len, err) != 0)
		return NULL;
	if ((bio = BIO_new_mem_buf(data, (int)len)) != NULL) {
		pk = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
		if (pk == NULL && BIO_reset(bio) == 1 &&
		    (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
			pk = X509_get_pubkey(x);
			X509_free(x);
		}
		BIO_free(bio);
	}
	if (pk == NULL) {
		p = (const uint8_t *)data;
		pk = d2i_PUBKEY(NULL, &p, (long)len);
	}
	if (pk == NULL) {
		p = (const uint8_t *)data;
		if ((x = d2i_X509(NULL, &p, (long)len)) != NULL) {
			pk = X509_get_pubkey(x);
			X509_free(x);
		}
	}
	if (pk == NULL)
		pk = kek_from_jwk(data, len);
	free(data);
	ERR_clear_error();
	if (pk == NULL)
		off_err_set(err, OFF_ERR_FORMAT, path, _("not a public key (PEM "
		    "or DER SubjectPublicKeyInfo, a certificate, or a JWK)"));
	return pk;
}

/* A string member of the untrusted file, fit to print. */
static void
field(json_t *o, const char *key, char out[OFF_PACKAGE_FIELD_MAX])
{
	const char	*s = json_string_value(json_object_get(o, key));
	size_t		 i;

	snprintf(out, OFF_PACKAGE_FIELD_MAX, "%s", s != NULL ? s : "?");
	for (i = 0; out[i] != '\0'; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = '?';
}

int
off_package_describe(const uint8_t *data, size_t len,
    struct off_package_info *out, struct off_err *err)
{
	static const unsigned	 mods[] = { 256, 384, 512 };
	json_t			*root, *h;
	const char		*ct;
	size_t			 i;

	memset(out, 0, sizeof(*out));
	out->len = len;
	if (EVP_Digest(data, len, out->sha256, NULL, EVP_sha256(), NULL) != 1)
		return off_err_crypto(err, _("cannot hash the package"));
	if ((root = json_loadb((const char *)data, len, 0, NULL)) != NULL &&
	    json_is_string(json_object_get(root, "ciphertext")) &&
	    json_is_object(h = json_object_get(root, "header"))) {
		out->azure = 1;
		ct = json_string_value(json_object_get(root, "ciphertext"));
		out->ciphertext = strlen(ct) * 3 / 4;
		field(root, "schema_version", out->schema);
		field(h, "kid", out->kid);
		field(h, "alg", out->alg);
		field(h, "enc", out->enc);
		field(root, "generator", out->generator);
	} else if (len >= 256 && len % 8 == 0) {
		/* The KEK sizes a raw package of len bytes can come from. */
		for (i = 0; i < 3; i++) {
			if (len == mods[i])
				out->layouts[out->nlayouts++].kek_bits =
				    mods[i] * 8;
			else if (len >= mods[i] + 24 &&
			    (len - mods[i]) % 8 == 0) {
				out->layouts[out->nlayouts].kek_bits =
				    mods[i] * 8;
				out->layouts[out->nlayouts++].wrapped =
				    len - mods[i];
			}
		}
	} else {
		json_decref(root);
		return off_err_set(err, OFF_ERR_FORMAT, NULL,
		    _("not a transfer package"));
	}
	json_decref(root);
	return 0;
}

void
off_package_default_name(const char *format, const char *name, char *buf,
    size_t len)
{
	if (strcmp(format, "azure-byok") == 0)
		snprintf(buf, len, "TransferPackage-%s.byok", name);
	else if (strcmp(format, "aws-kms") == 0)
		snprintf(buf, len, "EncryptedKeyMaterial-%s.bin", name);
	else
		snprintf(buf, len, "wrapped_key-%s.bin", name);
}
