/* Transfer packages: RFC 5649 known answers for the AES key wrap with
 * padding; in a 2-of-3 world, every RSA, EC and AES key reduced for a
 * KEK packaged in every format and algorithm that can carry it, each
 * package unwrapped here with OpenSSL alone (RSA-OAEP, then AES-KWP)
 * back to the key material; the Azure .byok header; every refusal
 * with its exact code (format, algorithm, KEK, key type, ACL, target);
 * fresh wrapping keys per package; and the KEK read from PEM and DER
 * SubjectPublicKeyInfo, certificates, a JWK and a JWK set. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "error.h"
#include "fe-script.h"
#include "fileio.h"
#include "key.h"
#include "package.h"
#include "platform.h"
#include "secmem.h"
#include "slot.h"
#include "world.h"

static const char *const quorum_pins[] = { "1111", "2222", NULL };

#define AZURE_KID "https://contoso-vault.vault.azure.net/keys/KEK-BYOK/" \
	"664f202bfe884e4fa2c0f9e6b4d5a3c1"

/* The algorithms as FORMATS.md and officiant-package(5) describe them,
 * written out here rather than taken from src/. */
struct algo {
	const char	*format;
	const char	*name;
	const char	*md;		/* OAEP and MGF1 digest */
	int		 aes;		/* RSA-OAEP || AES-KWP, else OAEP alone */
	int		 kek_bits;	/* 0: 2048, 3072 or 4096 */
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
#define NALGOS	(sizeof(algos) / sizeof(algos[0]))

struct kek {
	EVP_PKEY	*priv;		/* kept by the test to unwrap */
	EVP_PKEY	*pub;		/* as the cloud hands it out */
	int		 bits;
};

/* The keys the tests share: key_simple_<ident> and its reduced copy
 * key_xferacld_<ident> for kek (to target, NULL: any). */
struct tkey {
	const char	*ident;
	const char	*type;
	unsigned	 size;
	const char	*curve;
	int		 kek;		/* index into env.keks */
	const char	*target;
};

enum { KEK2048, KEK3072, KEK4096, KEK3072B, KEK2560, KEK1024, KEKEC,
    KEKPSS, NKEKS };

static const struct tkey tkeys[] = {
	/* The main set, for a 3072 KEK and any destination. */
	{ "rsa2048", "rsa", 2048, NULL, KEK3072, NULL },
	{ "rsa3072", "rsa", 3072, NULL, KEK3072, NULL },
	{ "rsa4096", "rsa", 4096, NULL, KEK3072, NULL },
	{ "ecp256", "ec", 0, "p256", KEK3072, NULL },
	{ "ecp384", "ec", 0, "p384", KEK3072, NULL },
	{ "aes256", "aes", 256, NULL, KEK3072, NULL },
	/* The other KEK sizes and key sizes. */
	{ "aes128", "aes", 128, NULL, KEK3072, NULL },
	{ "k4-ecp256", "ec", 0, "p256", KEK4096, NULL },
	{ "k4-aes256", "aes", 256, NULL, KEK4096, NULL },
	{ "k2-rsa2048", "rsa", 2048, NULL, KEK2048, NULL },
	{ "k2-aes256", "aes", 256, NULL, KEK2048, NULL },
	/* For the refusals. */
	{ "to-azure", "ec", 0, "p256", KEK3072, "azure" },
	{ "to-aws", "aes", 256, NULL, KEK3072, "aws" },
	{ "to-gcp", "rsa", 2048, NULL, KEK3072, "gcp" },
	/* Never reduced: every reduce-acl for it is refused. */
	{ "unreduced", "aes", 256, NULL, KEK3072, NULL },
};
#define NTKEYS	(sizeof(tkeys) / sizeof(tkeys[0]))

struct env {
	char			*dir;
	char			 kmdata[1024], drawer[1024], files[1024];
	struct off_world	*w;
	struct kek		 keks[NKEKS];
	struct off_key		*simple[NTKEYS];
	struct off_key		*reduced[NTKEYS];
	unsigned		 packages;	/* made and unwrapped */
	unsigned		 refusals;	/* checked for their code */
};

static EVP_PKEY *
dup_public(EVP_PKEY *priv)
{
	EVP_PKEY	*dup = EVP_PKEY_dup(priv);

	assert_non_null(dup);
	return test_public_only(dup);
}

static void
make_kek(struct kek *k, const char *alg, int bits)
{
	if (strcmp(alg, "EC") == 0)
		k->priv = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	else if (strcmp(alg, "RSA-PSS") == 0) {
		EVP_PKEY_CTX	*ctx = EVP_PKEY_CTX_new_from_name(NULL,
		    "RSA-PSS", NULL);

		k->priv = NULL;
		assert_non_null(ctx);
		assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
		assert_int_equal(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits), 1);
		assert_int_equal(EVP_PKEY_keygen(ctx, &k->priv), 1);
		EVP_PKEY_CTX_free(ctx);
	} else
		k->priv = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
	assert_non_null(k->priv);
	k->pub = dup_public(k->priv);
	k->bits = bits;
}

static int
group_setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e->dir = test_tmpdir();
	assert_int_equal(test_make_world(e->dir, "a", 0, &e->w), 0);
	test_world_paths(e->dir, "a", e->kmdata, e->drawer, sizeof(e->kmdata));
	test_path(e->files, sizeof(e->files), e->dir, "files");
	assert_int_equal(off_mkdirs(e->files, NULL), 0);
	make_kek(&e->keks[KEK2048], "RSA", 2048);
	make_kek(&e->keks[KEK3072], "RSA", 3072);
	make_kek(&e->keks[KEK4096], "RSA", 4096);
	make_kek(&e->keks[KEK3072B], "RSA", 3072);
	make_kek(&e->keks[KEK2560], "RSA", 2560);
	make_kek(&e->keks[KEK1024], "RSA", 1024);
	make_kek(&e->keks[KEKEC], "EC", 256);
	make_kek(&e->keks[KEKPSS], "RSA-PSS", 2048);
	*state = e;
	return 0;
}

static int
group_teardown(void **state)
{
	struct env	*e = *state;
	size_t		 i;

	for (i = 0; i < NTKEYS; i++) {
		off_key_free(&e->simple[i]);
		off_key_free(&e->reduced[i]);
	}
	for (i = 0; i < NKEKS; i++) {
		EVP_PKEY_free(e->keks[i].priv);
		EVP_PKEY_free(e->keks[i].pub);
	}
	print_message("%u packages made and unwrapped, %u refusals\n",
	    e->packages, e->refusals);
	off_world_free(&e->w);
	test_rmtree(e->dir);
	free(e->dir);
	free(e);
	return 0;
}

/* --- helpers ------------------------------------------------------ */

static size_t
tkey_index(const char *ident)
{
	size_t	i;

	for (i = 0; i < NTKEYS; i++)
		if (strcmp(tkeys[i].ident, ident) == 0)
			return i;
	fail_msg("no test key %s", ident);
	return 0;
}

/* key_simple_<ident>, generated on first use. */
static struct off_key *
need_simple(struct env *e, const char *ident)
{
	const struct tkey	*t = &tkeys[tkey_index(ident)];
	struct off_key_params	 p;
	struct off_err		 err;
	size_t			 i = tkey_index(ident);

	if (e->simple[i] != NULL)
		return e->simple[i];
	test_key_params(&p, t->ident, t->type, t->size, t->curve);
	if (test_generate(e->kmdata, e->w, &p, NULL, &e->simple[i], &err) != 0)
		fail_msg("generate %s: %s", ident, err.detail);
	return e->simple[i];
}

/* key_xferacld_<ident>, reduced with two cards and loaded back from
 * KMDATA, on first use. */
static struct off_key *
need_reduced(struct env *e, const char *ident)
{
	const struct tkey	*t = &tkeys[tkey_index(ident)];
	struct off_key		*k, *r = NULL;
	struct fe_script	 s;
	struct off_err		 err;
	size_t			 i = tkey_index(ident);

	if (e->reduced[i] != NULL)
		return e->reduced[i];
	k = need_simple(e, ident);
	if (test_reduce(e->kmdata, e->w, e->drawer, k, e->keks[t->kek].pub,
	    t->target, quorum_pins, &s, &r, &err) != 0)
		fail_msg("reduce %s: %s", ident, err.detail);
	off_key_free(&r);
	e->reduced[i] = test_load_key(e->kmdata, e->w, "xferacld", ident);
	assert_int_equal(off_key_acl(e->reduced[i])->groups,
	    OFF_ACL_EXPORT_WRAPPED);
	return e->reduced[i];
}

static const EVP_MD *
md_of(const char *name)
{
	return strcmp(name, "SHA1") == 0 ? EVP_sha1() : EVP_sha256();
}

static const struct algo *
algo_of(const char *format, const char *name)
{
	size_t	i;

	for (i = 0; i < NALGOS; i++)
		if (strcmp(algos[i].format, format) == 0 &&
		    (name == NULL ? algos[i].is_default :
		    strcmp(algos[i].name, name) == 0))
			return &algos[i];
	fail_msg("no algorithm %s for %s", name, format);
	return NULL;
}

/* RSA-OAEP decryption with the KEK's private key, md for OAEP and MGF1. */
static int
oaep_decrypt(EVP_PKEY *priv, const EVP_MD *md, const uint8_t *in,
    size_t len, uint8_t *out, size_t *outlen)
{
	EVP_PKEY_CTX	*ctx = EVP_PKEY_CTX_new(priv, NULL);
	int		 ok;

	assert_non_null(ctx);
	ok = EVP_PKEY_decrypt_init(ctx) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
	    EVP_PKEY_CTX_set_rsa_oaep_md(ctx, md) == 1 &&
	    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) == 1 &&
	    EVP_PKEY_decrypt(ctx, out, outlen, in, len) == 1;
	EVP_PKEY_CTX_free(ctx);
	return ok ? 0 : -1;
}

/* RFC 5649 unwrap with the default IV A65959A6; out holds len bytes. */
static int
kwp_unwrap(const uint8_t *key, size_t keylen, const uint8_t *in, size_t len,
    uint8_t *out, size_t *outlen)
{
	const char	*name = keylen == 16 ? "AES-128-WRAP-PAD" : keylen == 24 ?
	    "AES-192-WRAP-PAD" : "AES-256-WRAP-PAD";
	EVP_CIPHER	*c = EVP_CIPHER_fetch(NULL, name, NULL);
	EVP_CIPHER_CTX	*ctx = EVP_CIPHER_CTX_new();
	int		 n = 0, m = 0, ok;

	assert_non_null(c);
	assert_non_null(ctx);
	EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	ok = EVP_DecryptInit_ex2(ctx, c, key, NULL, NULL) == 1 &&
	    EVP_DecryptUpdate(ctx, out, &n, in, (int)len) == 1 &&
	    EVP_DecryptFinal_ex(ctx, out + n, &m) == 1;
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	if (ok)
		*outlen = (size_t)(n + m);
	return ok ? 0 : -1;
}

/* base64url without padding, strictly: any other character fails. */
static int
unb64url(const char *s, uint8_t **out, size_t *outlen)
{
	static const char	 al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t			 n = strlen(s), i, o = 0;
	uint32_t		 acc = 0;
	unsigned		 bits = 0;
	const char		*p;
	uint8_t			*buf;

	if (n % 4 == 1)
		return -1;
	buf = malloc(n * 3 / 4 + 1);
	assert_non_null(buf);
	for (i = 0; i < n; i++) {
		if (s[i] == '\0' || (p = strchr(al, s[i])) == NULL) {
			free(buf);
			return -1;
		}
		acc = (acc << 6) | (uint32_t)(p - al);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* The leftover bits of the last character are zero. */
	if (acc != 0) {
		free(buf);
		return -1;
	}
	*out = buf;
	*outlen = o;
	return 0;
}

static char *
b64url(const uint8_t *p, size_t n)
{
	char	*s = malloc((n + 2) / 3 * 4 + 1), *c;
	size_t	 len;

	assert_non_null(s);
	EVP_EncodeBlock((unsigned char *)s, p, (int)n);
	for (c = s; *c != '\0'; c++)
		*c = *c == '+' ? '-' : *c == '/' ? '_' : *c;
	len = strlen(s);
	while (len > 0 && s[len - 1] == '=')
		s[--len] = '\0';
	return s;
}

static size_t
kwp_len(size_t n)
{
	return 8 + 8 * ((n + 7) / 8);
}

/* The wrapped bytes of a package: the .byok's ciphertext, or the file. */
static void
wrapped_of(const char *format, const struct off_package *pkg, uint8_t **out,
    size_t *len)
{
	json_t		*root;
	json_error_t	 jerr;
	const char	*ct;

	if (strcmp(format, "azure-byok") != 0) {
		*out = malloc(pkg->len);
		assert_non_null(*out);
		memcpy(*out, pkg->data, pkg->len);
		*len = pkg->len;
		return;
	}
	root = json_loadb((const char *)pkg->data, pkg->len,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		fail_msg(".byok is not JSON: %s", jerr.text);
	ct = json_string_value(json_object_get(root, "ciphertext"));
	assert_non_null(ct);
	assert_null(strchr(ct, '='));
	assert_int_equal(unb64url(ct, out, len), 0);
	json_decref(root);
}

/* Unwrap a package with OpenSSL alone: the material in *out (malloc'd)
 * and the one-time AES key in aes (when the algorithm has one). */
static void
unwrap(const struct algo *a, const struct kek *kek,
    const struct off_package *pkg, uint8_t **out, size_t *outlen,
    uint8_t aes[32])
{
	uint8_t	*w, *m, key[1024];
	size_t	 wlen, L = (size_t)EVP_PKEY_get_size(kek->priv), klen, mlen;

	wrapped_of(a->format, pkg, &w, &wlen);
	assert_int_equal(L * 8, (size_t)kek->bits);
	if (!a->aes) {
		/* OAEP alone: exactly one modulus' length. */
		assert_int_equal(wlen, L);
		klen = sizeof(key);
		assert_int_equal(oaep_decrypt(kek->priv, md_of(a->md), w, wlen,
		    key, &klen), 0);
		*out = malloc(klen);
		assert_non_null(*out);
		memcpy(*out, key, klen);
		*outlen = klen;
		free(w);
		return;
	}
	assert_true(wlen >= L + 16);
	assert_int_equal((wlen - L) % 8, 0);
	klen = sizeof(key);
	assert_int_equal(oaep_decrypt(kek->priv, md_of(a->md), w, L, key,
	    &klen), 0);
	assert_int_equal(klen, 32);
	memcpy(aes, key, 32);
	/* The digest matters: the other one does not decrypt. */
	klen = sizeof(key);
	assert_int_not_equal(oaep_decrypt(kek->priv,
	    strcmp(a->md, "SHA1") == 0 ? EVP_sha256() : EVP_sha1(), w, L, key,
	    &klen), 0);
	m = malloc(wlen - L);
	assert_non_null(m);
	assert_int_equal(kwp_unwrap(aes, 32, w + L, wlen - L, m, &mlen), 0);
	assert_int_equal(wlen - L, kwp_len(mlen));
	*out = m;
	*outlen = mlen;
	free(w);
}

static void
sha256(const void *p, size_t n, uint8_t out[32])
{
	assert_int_equal(EVP_Digest(p, n, out, NULL, EVP_sha256(), NULL), 1);
}

static void
spki_fp(EVP_PKEY *pk, uint8_t fp[32])
{
	uint8_t	*der = NULL;
	int	 n = i2d_PUBKEY(pk, &der);

	assert_true(n > 0);
	sha256(der, (size_t)n, fp);
	OPENSSL_free(der);
}

static void
pparams(struct off_package_params *p, const char *format,
    const char *algorithm)
{
	memset(p, 0, sizeof(*p));
	p->format = format;
	p->algorithm = algorithm;
	if (strcmp(format, "azure-byok") == 0)
		p->kid = AZURE_KID;
}

static int
create(struct env *e, const struct off_key *k, EVP_PKEY *kek,
    const struct off_package_params *p, struct off_package *pkg,
    struct off_err *err)
{
	off_err_clear(err);
	return off_package_create(e->kmdata, e->w, k, kek, p, pkg, err);
}

/* A refusal: the code, nothing made. */
static void
refused(struct env *e, const struct off_key *k, EVP_PKEY *kek,
    const struct off_package_params *p, int code)
{
	struct off_package	pkg;
	struct off_err		err;
	int			ret;

	memset(&pkg, 0xa5, sizeof(pkg));
	ret = create(e, k, kek, p, &pkg, &err);
	if (ret != code)
		fail_msg("%s/%s for %s: got %d (%s), expected %d", p->format,
		    p->algorithm != NULL ? p->algorithm : "default",
		    off_key_file_name(k), ret, err.detail, code);
	assert_int_equal(err.code, code);
	assert_true(err.detail[0] != '\0');
	assert_null(pkg.data);
	assert_int_equal(pkg.len, 0);
	off_package_free(&pkg);
	e->refusals++;
}

/* Package k in one format and algorithm, unwrap it, compare with the
 * key's material; the one-time AES key into aes if any. */
static void
package_and_unwrap(struct env *e, size_t ki, const struct algo *a,
    const char *algorithm, uint8_t aes[32])
{
	const struct tkey	*t = &tkeys[ki];
	struct kek		*kek = &e->keks[t->kek];
	struct off_key		*k = need_reduced(e, t->ident);
	struct off_package_params p;
	struct off_package	 pkg;
	struct off_err		 err;
	uint8_t			*material = NULL, *got = NULL, h[32];
	uint8_t			 junk[32];
	size_t			 mlen = 0, glen = 0;
	EVP_PKEY		*pk;
	PKCS8_PRIV_KEY_INFO	*p8;
	const uint8_t		*q;

	pparams(&p, a->format, algorithm);
	if (create(e, k, kek->pub, &p, &pkg, &err) != 0)
		fail_msg("%s/%s for %s: %s", a->format, a->name, t->ident,
		    err.detail);
	assert_non_null(pkg.data);
	assert_string_equal(pkg.algorithm, a->name);
	sha256(pkg.data, pkg.len, h);
	assert_memory_equal(pkg.sha256, h, 32);
	spki_fp(kek->pub, h);
	assert_memory_equal(pkg.kek_fp, h, 32);
	assert_memory_equal(off_key_acl(k)->kek, h, 32);

	unwrap(a, kek, &pkg, &got, &glen, aes != NULL ? aes : junk);
	off_err_clear(&err);
	assert_int_equal(off_key_material(e->kmdata, e->w, k, &material,
	    &mlen, &err), 0);
	assert_int_equal(glen, mlen);
	assert_memory_equal(got, material, mlen);

	/* What the cloud will read: PKCS#8 of the very key, or raw AES. */
	if (strcmp(t->type, "aes") == 0)
		assert_int_equal(glen, t->size / 8);
	else {
		q = got;
		p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &q, (long)glen);
		assert_non_null(p8);
		assert_ptr_equal(q, got + glen);
		pk = EVP_PKCS82PKEY(p8);
		assert_non_null(pk);
		assert_true(EVP_PKEY_is_a(pk, strcmp(t->type, "rsa") == 0 ?
		    "RSA" : "EC"));
		if (strcmp(t->type, "rsa") == 0)
			assert_int_equal(EVP_PKEY_get_bits(pk), (int)t->size);
		else
			assert_int_equal(EVP_PKEY_get_bits(pk),
			    strcmp(t->curve, "p256") == 0 ? 256 : 384);
		EVP_PKEY_free(pk);
		PKCS8_PRIV_KEY_INFO_free(p8);
	}
	e->packages++;
	off_secfree(&material);
	free(got);
	off_package_free(&pkg);
	assert_null(pkg.data);
}

/* Every algorithm of every format for one reduced key: made and
 * unwrapped where the algorithm can carry the key under its KEK,
 * refused as invalid where it cannot. */
static void
every_algorithm(struct env *e, const char *ident)
{
	size_t			 ki = tkey_index(ident), i;
	const struct tkey	*t = &tkeys[ki];
	struct off_key		*k = need_reduced(e, ident);
	struct off_package_params p;
	const struct algo	*a;
	int			 bits = e->keks[t->kek].bits, can;
	unsigned		 made = 0;
	static const char *const formats[] = { "azure-byok", "aws-kms",
	    "gcp-kms" };

	for (i = 0; i < NALGOS + 3; i++) {
		/* Each algorithm by name, then each format's default. */
		a = i < NALGOS ? &algos[i] : algo_of(formats[i - NALGOS], NULL);
		can = (a->kek_bits == 0 || a->kek_bits == bits) &&
		    (a->aes || (strcmp(t->type, "aes") == 0 &&
		    (t->size == 256 || strcmp(a->format, "aws-kms") != 0)));
		pparams(&p, a->format, i < NALGOS ? a->name : NULL);
		if (can) {
			package_and_unwrap(e, ki, a, p.algorithm, NULL);
			made++;
		} else
			refused(e, k, e->keks[t->kek].pub, &p, OFF_ERR_INVALID);
	}
	assert_true(made > 0);
}

/* --- RFC 5649 ----------------------------------------------------- */

static void
hexbin(const char *hex, uint8_t *out, size_t n)
{
	size_t		i;
	unsigned	v;

	assert_int_equal(strlen(hex), 2 * n);
	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void
test_kwp_rfc5649(void **state)
{
	static const struct {
		const char	*key, *out;
	} v[] = {
		{ "c37b7e6492584340bed12207808941155068f738",
		  "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a" },
		{ "466f7250617369", "afbeb0f07dfbf5419200f2ccb50bb24f" },
	};
	uint8_t		kek[24], in[64], want[64], out[96], back[96];
	size_t		i, inlen, wantlen, outlen, backlen;
	struct off_err	err;

	(void)state;
	hexbin("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8", kek, 24);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		inlen = strlen(v[i].key) / 2;
		wantlen = strlen(v[i].out) / 2;
		hexbin(v[i].key, in, inlen);
		hexbin(v[i].out, want, wantlen);
		memset(out, 0, sizeof(out));
		off_err_clear(&err);
		assert_int_equal(off_aes_kwp(kek, 24, in, inlen, out, &outlen,
		    &err), 0);
		assert_int_equal(outlen, wantlen);
		assert_int_equal(outlen, kwp_len(inlen));
		assert_memory_equal(out, want, wantlen);
		/* And back, through OpenSSL directly. */
		assert_int_equal(kwp_unwrap(kek, 24, out, outlen, back,
		    &backlen), 0);
		assert_int_equal(backlen, inlen);
		assert_memory_equal(back, in, inlen);
		/* Another KEK does not unwrap it. */
		kek[0] ^= 1;
		assert_int_not_equal(kwp_unwrap(kek, 24, out, outlen, back,
		    &backlen), 0);
		kek[0] ^= 1;
	}
}

static void
test_kwp_lengths(void **state)
{
	static const size_t	 keylens[] = { 16, 24, 32 };
	uint8_t			 key[32], in[80], out[96], back[96];
	size_t			 i, n, outlen, backlen;
	struct off_err		 err;

	(void)state;
	test_rng_seed(5649);
	for (i = 0; i < sizeof(key); i++)
		key[i] = test_rng_byte();
	for (i = 0; i < sizeof(in); i++)
		in[i] = test_rng_byte();
	for (i = 0; i < 3; i++) {
		for (n = 1; n <= sizeof(in); n++) {
			off_err_clear(&err);
			assert_int_equal(off_aes_kwp(key, keylens[i], in, n,
			    out, &outlen, &err), 0);
			assert_int_equal(outlen, kwp_len(n));
			assert_int_equal(kwp_unwrap(key, keylens[i], out,
			    outlen, back, &backlen), 0);
			assert_int_equal(backlen, n);
			assert_memory_equal(back, in, n);
		}
	}
	/* No key of another size, no empty input. */
	off_err_clear(&err);
	assert_int_equal(off_aes_kwp(key, 20, in, 8, out, &outlen, &err),
	    OFF_ERR_INVALID);
	assert_int_equal(off_aes_kwp(key, 0, in, 8, out, &outlen, NULL),
	    OFF_ERR_INVALID);
	assert_int_equal(off_aes_kwp(key, 32, in, 0, out, &outlen, NULL),
	    OFF_ERR_INVALID);
}

/* off_rsa_aes_wrap by itself: OAEP digest as named, a fresh AES key
 * each time, unwrapped by OpenSSL alone. */
static void
test_rsa_aes_wrap(void **state)
{
	struct env	*e = *state;
	static const int which[] = { KEK2048, KEK3072, KEK4096 };
	static const char *const mds[] = { "SHA1", "SHA256" };
	struct algo	 a;
	struct off_package pkg;
	struct off_err	 err;
	uint8_t		 material[200], aes1[32], aes2[32], *got, *w1;
	size_t		 i, j, glen, w1len;
	struct kek	*kek;

	test_rng_seed(3394);
	for (i = 0; i < sizeof(material); i++)
		material[i] = test_rng_byte();
	memset(&a, 0, sizeof(a));
	a.format = "aws-kms";
	a.aes = 1;
	for (i = 0; i < 3; i++) {
		kek = &e->keks[which[i]];
		for (j = 0; j < 2; j++) {
			a.md = mds[j];
			memset(&pkg, 0, sizeof(pkg));
			off_err_clear(&err);
			assert_int_equal(off_rsa_aes_wrap(kek->pub, mds[j],
			    material, 1 + 99 * i + j, &pkg.data, &pkg.len,
			    &err), 0);
			assert_int_equal(pkg.len, (size_t)kek->bits / 8 +
			    kwp_len(1 + 99 * i + j));
			unwrap(&a, kek, &pkg, &got, &glen, aes1);
			assert_int_equal(glen, 1 + 99 * i + j);
			assert_memory_equal(got, material, glen);
			free(got);
			w1 = pkg.data;
			w1len = pkg.len;
			/* Again: another AES key, another RSA part. */
			assert_int_equal(off_rsa_aes_wrap(kek->pub, mds[j],
			    material, 1 + 99 * i + j, &pkg.data, &pkg.len,
			    &err), 0);
			assert_int_equal(pkg.len, w1len);
			unwrap(&a, kek, &pkg, &got, &glen, aes2);
			assert_memory_equal(got, material, glen);
			assert_memory_not_equal(aes1, aes2, 32);
			assert_memory_not_equal(pkg.data, w1,
			    (size_t)kek->bits / 8);
			assert_memory_not_equal(pkg.data + kek->bits / 8,
			    w1 + kek->bits / 8, w1len - (size_t)kek->bits / 8);
			free(got);
			free(w1);
			off_package_free(&pkg);
		}
	}
}

/* --- every key in every format ------------------------------------ */

static void
test_rsa2048(void **state)
{
	every_algorithm(*state, "rsa2048");
}

static void
test_rsa3072(void **state)
{
	every_algorithm(*state, "rsa3072");
}

static void
test_rsa4096(void **state)
{
	every_algorithm(*state, "rsa4096");
}

static void
test_ecp256(void **state)
{
	every_algorithm(*state, "ecp256");
}

static void
test_ecp384(void **state)
{
	every_algorithm(*state, "ecp384");
}

static void
test_aes256(void **state)
{
	every_algorithm(*state, "aes256");
}

/* AES 128 (not for AWS's OAEP-only algorithms, which carry 32 bytes),
 * and the KEK sizes 4096 and 2048. */
static void
test_other_sizes(void **state)
{
	struct env	*e = *state;
	struct off_package_params p;

	every_algorithm(e, "aes128");
	pparams(&p, "aws-kms", "RSAES_OAEP_SHA_256");
	refused(e, need_reduced(e, "aes128"), e->keks[KEK3072].pub, &p,
	    OFF_ERR_INVALID);
	pparams(&p, "aws-kms", "RSAES_OAEP_SHA_1");
	refused(e, need_reduced(e, "aes128"), e->keks[KEK3072].pub, &p,
	    OFF_ERR_INVALID);
	every_algorithm(e, "k4-ecp256");
	every_algorithm(e, "k4-aes256");
	every_algorithm(e, "k2-rsa2048");
	every_algorithm(e, "k2-aes256");
}

/* --- the Azure .byok file ----------------------------------------- */

static void
byok_header(const struct off_package *pkg, const char *kid,
    const char *generator)
{
	json_t		*root, *h;
	json_error_t	 jerr;
	const char	*ct, *gen, *c;
	char		*raw;
	const char	*order[] = { "\n  \"schema_version\": ",
	    "\n  \"header\": {", "\n    \"kid\": ", "\n    \"alg\": ",
	    "\n    \"enc\": ", "\n  \"ciphertext\": ",
	    "\n  \"generator\": ", NULL };
	const char	*at, *hit;
	size_t		 i;

	/* One member a line, two spaces of indentation, in this order;
	 * slashes not escaped. */
	assert_null(memchr(pkg->data, '\0', pkg->len));
	raw = malloc(pkg->len + 1);
	assert_non_null(raw);
	memcpy(raw, pkg->data, pkg->len);
	raw[pkg->len] = '\0';
	at = raw;
	for (i = 0; order[i] != NULL; i++) {
		hit = strstr(at, order[i]);
		if (hit == NULL)
			fail_msg("%s not in order in the .byok", order[i]);
		at = hit + 1;
	}
	if (strchr(kid, '/') != NULL)
		assert_null(strstr(raw, "\\/"));
	free(raw);
	/* One JSON object and a newline, nothing else. */
	assert_true(pkg->len > 2);
	assert_int_equal(pkg->data[pkg->len - 1], '\n');
	assert_int_equal(pkg->data[0], '{');
	root = json_loadb((const char *)pkg->data, pkg->len,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		fail_msg(".byok is not JSON: %s", jerr.text);
	assert_true(json_is_object(root));
	assert_int_equal(json_object_size(root), 4);
	assert_string_equal(json_string_value(json_object_get(root,
	    "schema_version")), "1.0.0");
	h = json_object_get(root, "header");
	assert_true(json_is_object(h));
	assert_int_equal(json_object_size(h), 3);
	assert_string_equal(json_string_value(json_object_get(h, "kid")), kid);
	assert_string_equal(json_string_value(json_object_get(h, "alg")),
	    "dir");
	assert_string_equal(json_string_value(json_object_get(h, "enc")),
	    "CKM_RSA_AES_KEY_WRAP");
	gen = json_string_value(json_object_get(root, "generator"));
	assert_non_null(gen);
	if (generator != NULL)
		assert_string_equal(gen, generator);
	else {
		assert_non_null(strstr(gen, PACKAGE_NAME));
		assert_non_null(strstr(gen, PACKAGE_VERSION));
	}
	/* base64url without padding. */
	ct = json_string_value(json_object_get(root, "ciphertext"));
	assert_non_null(ct);
	assert_true(strlen(ct) > 300);
	for (c = ct; *c != '\0'; c++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789-_", *c));
	json_decref(root);
}

static void
test_byok_header(void **state)
{
	struct env		*e = *state;
	struct off_key		*k = need_reduced(e, "rsa2048");
	struct off_package_params p;
	struct off_package	 pkg;
	struct off_err		 err;
	static const char	 kid[] = "https://contoso-mhsm.managedhsm.azure"
	    ".net/keys/KEK \"quoted\"/0123456789abcdef";

	/* The default generator names this program. */
	pparams(&p, "azure-byok", NULL);
	assert_int_equal(create(e, k, e->keks[KEK3072].pub, &p, &pkg, &err),
	    0);
	byok_header(&pkg, AZURE_KID, NULL);
	off_package_free(&pkg);
	/* A given generator and an odd kid, escaped in the JSON. */
	p.kid = kid;
	p.generator = "Officiant test; HSM none";
	assert_int_equal(create(e, k, e->keks[KEK3072].pub, &p, &pkg, &err),
	    0);
	byok_header(&pkg, kid, "Officiant test; HSM none");
	assert_string_equal(pkg.algorithm, "CKM_RSA_AES_KEY_WRAP");
	off_package_free(&pkg);
	/* The one algorithm by its name. */
	pparams(&p, "azure-byok", "CKM_RSA_AES_KEY_WRAP");
	assert_int_equal(create(e, k, e->keks[KEK3072].pub, &p, &pkg, &err),
	    0);
	byok_header(&pkg, AZURE_KID, NULL);
	off_package_free(&pkg);
}

/* --- refusals ----------------------------------------------------- */

static void
test_refused(void **state)
{
	struct env		*e = *state;
	struct off_key		*k = need_reduced(e, "rsa2048");
	struct off_key		*ec = need_reduced(e, "ecp256");
	struct off_key		*aes = need_reduced(e, "aes256");
	struct off_key		*k2 = need_reduced(e, "k2-aes256");
	EVP_PKEY		*kek = e->keks[KEK3072].pub;
	struct off_package_params p;
	static const char *const bad_formats[] = { "azure", "AWS-KMS",
	    "gcp", "", "pkcs11", "azure-byok ", "aws-kms\n" };
	static const char *const bad_algos[][2] = {
		{ "aws-kms", "RSA_AES_KEY_WRAP_SHA_384" },
		{ "aws-kms", "rsa_aes_key_wrap_sha_256" },
		{ "aws-kms", "" },
		{ "aws-kms", "CKM_RSA_AES_KEY_WRAP" },
		{ "aws-kms", "RSA_OAEP_3072_SHA256_AES_256" },
		{ "azure-byok", "RSA_AES_KEY_WRAP_SHA_1" },
		{ "azure-byok", "RSA_OAEP_3072_SHA1_AES_256" },
		{ "gcp-kms", "RSA_AES_KEY_WRAP_SHA_256" },
		{ "gcp-kms", "RSA_OAEP_2048_SHA256_AES_256" },
		{ "gcp-kms", "RSA_OAEP_3072_SHA512_AES_256" },
		{ "gcp-kms", "CKM_RSA_AES_KEY_WRAP" },
	};
	size_t			 i;

	/* Unknown formats and algorithms. */
	for (i = 0; i < sizeof(bad_formats) / sizeof(bad_formats[0]); i++) {
		pparams(&p, "aws-kms", NULL);
		p.format = bad_formats[i];
		refused(e, k, kek, &p, OFF_ERR_INVALID);
	}
	for (i = 0; i < sizeof(bad_algos) / sizeof(bad_algos[0]); i++) {
		pparams(&p, bad_algos[i][0], bad_algos[i][1]);
		refused(e, k, kek, &p, OFF_ERR_INVALID);
	}

	/* Azure without the KEK's kid. */
	pparams(&p, "azure-byok", NULL);
	p.kid = NULL;
	refused(e, k, kek, &p, OFF_ERR_INVALID);
	p.kid = "";
	refused(e, k, kek, &p, OFF_ERR_INVALID);

	/* A KEK that is not RSA 2048, 3072 or 4096: EC, RSA-PSS, RSA of
	 * another size. */
	for (i = 0; i < 3; i++) {
		pparams(&p, i == 0 ? "azure-byok" : i == 1 ? "aws-kms" :
		    "gcp-kms", NULL);
		refused(e, k, e->keks[KEKEC].pub, &p, OFF_ERR_INVALID);
		refused(e, k, e->keks[KEKPSS].pub, &p, OFF_ERR_INVALID);
		refused(e, k, e->keks[KEK1024].pub, &p, OFF_ERR_INVALID);
		refused(e, k, e->keks[KEK2560].pub, &p, OFF_ERR_INVALID);
	}

	/* A Google algorithm for another KEK size. */
	pparams(&p, "gcp-kms", NULL);
	refused(e, k2, e->keks[KEK2048].pub, &p, OFF_ERR_INVALID);
	pparams(&p, "gcp-kms", "RSA_OAEP_3072_SHA256");
	refused(e, k2, e->keks[KEK2048].pub, &p, OFF_ERR_INVALID);
	pparams(&p, "gcp-kms", "RSA_OAEP_4096_SHA256_AES_256");
	refused(e, k, kek, &p, OFF_ERR_INVALID);
	pparams(&p, "gcp-kms", "RSA_OAEP_4096_SHA1_AES_256");
	refused(e, aes, kek, &p, OFF_ERR_INVALID);

	/* RSA and EC keys with an algorithm that wraps with OAEP alone. */
	pparams(&p, "aws-kms", "RSAES_OAEP_SHA_256");
	refused(e, k, kek, &p, OFF_ERR_INVALID);
	refused(e, ec, kek, &p, OFF_ERR_INVALID);
	pparams(&p, "aws-kms", "RSAES_OAEP_SHA_1");
	refused(e, k, kek, &p, OFF_ERR_INVALID);
	pparams(&p, "gcp-kms", "RSA_OAEP_3072_SHA256");
	refused(e, k, kek, &p, OFF_ERR_INVALID);
	refused(e, ec, kek, &p, OFF_ERR_INVALID);

	/* The key as born: no export-wrapped in its ACL. */
	for (i = 0; i < 3; i++) {
		pparams(&p, i == 0 ? "azure-byok" : i == 1 ? "aws-kms" :
		    "gcp-kms", NULL);
		refused(e, need_simple(e, "rsa2048"), kek, &p, OFF_ERR_DENIED);
		refused(e, need_simple(e, "aes256"), kek, &p, OFF_ERR_DENIED);
		/* Not even under its own KEK after the copy was reduced. */
		refused(e, need_simple(e, "ecp256"), kek, &p, OFF_ERR_DENIED);
	}
	/* Another KEK than the ACL's, of the same size. */
	for (i = 0; i < 3; i++) {
		pparams(&p, i == 0 ? "azure-byok" : i == 1 ? "aws-kms" :
		    "gcp-kms", NULL);
		refused(e, k, e->keks[KEK3072B].pub, &p, OFF_ERR_DENIED);
		refused(e, aes, e->keks[KEK3072B].pub, &p, OFF_ERR_DENIED);
	}
	pparams(&p, "aws-kms", "RSAES_OAEP_SHA_256");
	refused(e, aes, e->keks[KEK3072B].pub, &p, OFF_ERR_DENIED);
	/* And the KEK of another reduced copy. */
	pparams(&p, "aws-kms", NULL);
	refused(e, k, e->keks[KEK2048].pub, &p, OFF_ERR_DENIED);
	refused(e, k2, kek, &p, OFF_ERR_DENIED);
}

/* A copy reduced for one destination goes there only. */
static void
test_target(void **state)
{
	struct env		*e = *state;
	struct off_key		*az = need_reduced(e, "to-azure");
	struct off_key		*aws = need_reduced(e, "to-aws");
	struct off_key		*gcp = need_reduced(e, "to-gcp");
	EVP_PKEY		*kek = e->keks[KEK3072].pub;
	struct off_package_params p;
	uint8_t			 a1[32];

	assert_string_equal(off_key_acl(az)->target, "azure");
	package_and_unwrap(e, tkey_index("to-azure"),
	    algo_of("azure-byok", NULL), NULL, a1);
	pparams(&p, "aws-kms", NULL);
	refused(e, az, kek, &p, OFF_ERR_DENIED);
	pparams(&p, "aws-kms", "RSA_AES_KEY_WRAP_SHA_1");
	refused(e, az, kek, &p, OFF_ERR_DENIED);
	pparams(&p, "gcp-kms", NULL);
	refused(e, az, kek, &p, OFF_ERR_DENIED);

	package_and_unwrap(e, tkey_index("to-aws"), algo_of("aws-kms", NULL),
	    NULL, a1);
	package_and_unwrap(e, tkey_index("to-aws"),
	    algo_of("aws-kms", "RSAES_OAEP_SHA_256"), "RSAES_OAEP_SHA_256",
	    NULL);
	pparams(&p, "azure-byok", NULL);
	refused(e, aws, kek, &p, OFF_ERR_DENIED);
	pparams(&p, "gcp-kms", "RSA_OAEP_3072_SHA256");
	refused(e, aws, kek, &p, OFF_ERR_DENIED);

	package_and_unwrap(e, tkey_index("to-gcp"), algo_of("gcp-kms", NULL),
	    NULL, a1);
	package_and_unwrap(e, tkey_index("to-gcp"),
	    algo_of("gcp-kms", "RSA_OAEP_3072_SHA1_AES_256"),
	    "RSA_OAEP_3072_SHA1_AES_256", a1);
	pparams(&p, "azure-byok", NULL);
	refused(e, gcp, kek, &p, OFF_ERR_DENIED);
	pparams(&p, "aws-kms", NULL);
	refused(e, gcp, kek, &p, OFF_ERR_DENIED);
}

/* reduce-acl makes no copy that no package could use: a KEK of a size
 * no cloud takes, a target that is no format's. */
static void
test_reduce_unusable(void **state)
{
	struct env		*e = *state;
	struct off_key		*k = need_simple(e, "unreduced"), *r = NULL;
	struct off_frontend	 fe;
	struct fe_script	 s;
	struct off_slot		*slot = NULL;
	struct off_err		 err;
	char			 path[PATH_MAX];
	static const char *const targets[] = { "elsewhere", "Azure", "AWS",
	    "azure-hsm", "gcp ", "azure-byok" };
	static const int keks[] = { KEK2560, KEK1024, KEKEC, KEKPSS };
	size_t			 i;

	snprintf(path, sizeof(path), "%s/key_xferacld_unreduced", e->kmdata);
	assert_int_equal(off_slot_open(&slot, "drawer", e->drawer, NULL), 0);
	for (i = 0; i < sizeof(keks) / sizeof(keks[0]); i++) {
		fe_script_init(&fe, &s);
		fe_script_pins(&s, quorum_pins);
		off_err_clear(&err);
		assert_int_equal(off_key_reduce_acl(e->kmdata, e->w, k,
		    e->keks[keks[i]].pub, "azure", slot, &fe, &r, &err),
		    OFF_ERR_INVALID);
		assert_null(r);
		assert_int_equal(s.next_pin, 0);
	}
	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		fe_script_init(&fe, &s);
		fe_script_pins(&s, quorum_pins);
		off_err_clear(&err);
		assert_int_equal(off_key_reduce_acl(e->kmdata, e->w, k,
		    e->keks[KEK3072].pub, targets[i], slot, &fe, &r, &err),
		    OFF_ERR_INVALID);
		assert_null(r);
		assert_int_equal(s.next_pin, 0);
	}
	off_slot_close(&slot);
	assert_int_not_equal(access(path, F_OK), 0);
}

/* The checks a command makes before anything is recorded. */
static void
test_package_check(void **state)
{
	struct env		*e = *state;
	struct off_package_params p;
	struct off_err		 err;
	size_t			 i;
	int			 bits, ok, want;
	static const int	 keks[] = { KEK2048, KEK3072, KEK4096 };
	static const char *const types[] = { NULL, "rsa", "ec", "aes" };
	size_t			 j, t;

	for (i = 0; i < NALGOS; i++)
		for (j = 0; j < 3; j++)
			for (t = 0; t < 4; t++) {
				bits = e->keks[keks[j]].bits;
				want = (algos[i].kek_bits == 0 ||
				    algos[i].kek_bits == bits) &&
				    (algos[i].aes || types[t] == NULL ||
				    strcmp(types[t], "aes") == 0) ? 0 :
				    OFF_ERR_INVALID;
				pparams(&p, algos[i].format, algos[i].name);
				off_err_clear(&err);
				ok = off_package_check(&p,
				    e->keks[keks[j]].pub, types[t], &err);
				if (ok != want)
					fail_msg("check %s %d %s: %d", algos[i].name,
					    bits, types[t] != NULL ? types[t] :
					    "(none)", ok);
			}
	pparams(&p, "azure-byok", NULL);
	p.kid = NULL;
	assert_int_equal(off_package_check(&p, e->keks[KEK2048].pub, NULL,
	    NULL), OFF_ERR_INVALID);
	pparams(&p, "aws", NULL);
	assert_int_equal(off_package_check(&p, e->keks[KEK2048].pub, "aes",
	    NULL), OFF_ERR_INVALID);
	pparams(&p, "aws-kms", NULL);
	assert_int_equal(off_package_check(&p, e->keks[KEKPSS].pub, "aes",
	    NULL), OFF_ERR_INVALID);
	assert_int_equal(off_package_target_ok("azure"), 0);
	assert_int_equal(off_package_target_ok("aws"), 0);
	assert_int_equal(off_package_target_ok("gcp"), 0);
	assert_int_equal(off_package_target_ok("Azure"), OFF_ERR_INVALID);
	assert_int_equal(off_package_target_ok(""), OFF_ERR_INVALID);
}

/* Two packages of one key: a fresh AES key and RSA part each time. */
static void
test_fresh(void **state)
{
	struct env		*e = *state;
	static const char *const formats[] = { "azure-byok", "aws-kms",
	    "gcp-kms" };
	struct off_key		*k = need_reduced(e, "ecp256");
	struct off_package_params p;
	struct off_package	 one, two;
	struct off_err		 err;
	uint8_t			 a1[32], a2[32], *w1, *w2;
	size_t			 i, l1, l2, L = 384;

	for (i = 0; i < 3; i++) {
		pparams(&p, formats[i], NULL);
		assert_int_equal(create(e, k, e->keks[KEK3072].pub, &p, &one,
		    &err), 0);
		assert_int_equal(create(e, k, e->keks[KEK3072].pub, &p, &two,
		    &err), 0);
		assert_int_equal(one.len, two.len);
		assert_memory_not_equal(one.data, two.data, one.len);
		assert_memory_not_equal(one.sha256, two.sha256, 32);
		wrapped_of(formats[i], &one, &w1, &l1);
		wrapped_of(formats[i], &two, &w2, &l2);
		assert_int_equal(l1, l2);
		assert_memory_not_equal(w1, w2, L);
		assert_memory_not_equal(w1 + L, w2 + L, l1 - L);
		free(w1);
		free(w2);
		off_package_free(&one);
		off_package_free(&two);
		/* And the AES keys differ, the material does not. */
		package_and_unwrap(e, tkey_index("ecp256"),
		    algo_of(formats[i], NULL), NULL, a1);
		package_and_unwrap(e, tkey_index("ecp256"),
		    algo_of(formats[i], NULL), NULL, a2);
		assert_memory_not_equal(a1, a2, 32);
	}
	/* OAEP alone is randomised too. */
	k = need_reduced(e, "aes256");
	pparams(&p, "aws-kms", "RSAES_OAEP_SHA_256");
	assert_int_equal(create(e, k, e->keks[KEK3072].pub, &p, &one, &err),
	    0);
	assert_int_equal(create(e, k, e->keks[KEK3072].pub, &p, &two, &err),
	    0);
	assert_int_equal(one.len, L);
	assert_int_equal(two.len, L);
	assert_memory_not_equal(one.data, two.data, L);
	off_package_free(&one);
	off_package_free(&two);
}

/* --- KEK files ---------------------------------------------------- */

static void
put(struct env *e, const char *name, const void *data, size_t len,
    char *path, size_t pathlen)
{
	test_path(path, pathlen, e->files, name);
	test_spill(path, data, len);
}

static void
put_bio(struct env *e, const char *name, BIO *bio, char *path,
    size_t pathlen)
{
	char	*p;
	long	 n = BIO_get_mem_data(bio, &p);

	assert_true(n > 0);
	put(e, name, p, (size_t)n, path, pathlen);
	BIO_free(bio);
}

static char *
bn_b64url(EVP_PKEY *pk, const char *param)
{
	BIGNUM	*bn = NULL;
	uint8_t	 buf[1024];
	int	 n;
	char	*s;

	assert_int_equal(EVP_PKEY_get_bn_param(pk, param, &bn), 1);
	n = BN_bn2bin(bn, buf);
	assert_true(n > 0);
	s = b64url(buf, (size_t)n);
	BN_free(bn);
	return s;
}

/* Load path as a KEK: the same public key; packages under it pass the
 * ACL of a copy reduced for the original. */
static void
loads_as(struct env *e, const char *path, EVP_PKEY *want)
{
	struct off_err		 err;
	EVP_PKEY		*got;
	uint8_t			 fp1[32], fp2[32];

	off_err_clear(&err);
	got = off_kek_load(path, &err);
	if (got == NULL)
		fail_msg("%s: %s", path, err.detail);
	assert_int_equal(EVP_PKEY_eq(got, want), 1);
	assert_true(EVP_PKEY_is_a(got, "RSA"));
	spki_fp(got, fp1);
	spki_fp(want, fp2);
	assert_memory_equal(fp1, fp2, 32);
	(void)e;
	EVP_PKEY_free(got);
}

static void
test_kek_load(void **state)
{
	struct env		*e = *state;
	struct kek		*kek = &e->keks[KEK3072];
	char			 path[PATH_MAX], *n, *ex, *js;
	uint8_t			*der = NULL;
	int			 len;
	BIO			*bio;
	X509			*x = test_self_signed(kek->priv,
	    "KEK-BYOK import", 4242);
	struct off_package_params p;
	struct off_package	 pkg;
	struct off_err		 err;
	EVP_PKEY		*got;

	/* PEM and DER SubjectPublicKeyInfo. */
	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_int_equal(PEM_write_bio_PUBKEY(bio, kek->pub), 1);
	put_bio(e, "kek.pem", bio, path, sizeof(path));
	loads_as(e, path, kek->pub);
	assert_true((len = i2d_PUBKEY(kek->pub, &der)) > 0);
	put(e, "kek.der", der, (size_t)len, path, sizeof(path));
	OPENSSL_free(der);
	der = NULL;
	loads_as(e, path, kek->pub);

	/* PEM and DER certificates. */
	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_int_equal(PEM_write_bio_X509(bio, x), 1);
	put_bio(e, "kek-cert.pem", bio, path, sizeof(path));
	loads_as(e, path, kek->pub);
	assert_true((len = i2d_X509(x, &der)) > 0);
	put(e, "kek-cert.der", der, (size_t)len, path, sizeof(path));
	OPENSSL_free(der);
	loads_as(e, path, kek->pub);
	X509_free(x);

	/* A JWK, as Azure's REST API and AWS/Google tooling show it, and a
	 * JWK set of one key. */
	n = bn_b64url(kek->pub, OSSL_PKEY_PARAM_RSA_N);
	ex = bn_b64url(kek->pub, OSSL_PKEY_PARAM_RSA_E);
	assert_string_equal(ex, "AQAB");
	js = malloc(strlen(n) + 512);
	assert_non_null(js);
	sprintf(js, "{\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"%s\"}", n, ex);
	put(e, "kek.jwk", js, strlen(js), path, sizeof(path));
	loads_as(e, path, kek->pub);
	sprintf(js, "{\"kid\":\"%s\",\"kty\":\"RSA\",\"key_ops\":[\"import\"],"
	    "\"n\":\"%s\",\"e\":\"%s\"}\n", AZURE_KID, n, ex);
	put(e, "kek-azure.json", js, strlen(js), path, sizeof(path));
	loads_as(e, path, kek->pub);
	sprintf(js, "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"enc\","
	    "\"n\":\"%s\",\"e\":\"%s\"}]}", n, ex);
	put(e, "kek.jwks", js, strlen(js), path, sizeof(path));
	loads_as(e, path, kek->pub);

	/* A KEK read from a JWK wraps for a copy reduced for the PEM. */
	off_err_clear(&err);
	assert_non_null(got = off_kek_load(path, &err));
	pparams(&p, "gcp-kms", NULL);
	assert_int_equal(create(e, need_reduced(e, "rsa3072"), got, &p, &pkg,
	    &err), 0);
	off_package_free(&pkg);
	EVP_PKEY_free(got);

	/* A PEM PKCS#1 RSA public key, which OpenSSL reads as a PUBKEY. */
	{
		OSSL_ENCODER_CTX	*ec;
		unsigned char		*buf = NULL;
		size_t			 blen = 0;

		ec = OSSL_ENCODER_CTX_new_for_pkey(kek->pub,
		    EVP_PKEY_PUBLIC_KEY, "PEM", "type-specific", NULL);
		assert_non_null(ec);
		assert_int_equal(OSSL_ENCODER_to_data(ec, &buf, &blen), 1);
		OSSL_ENCODER_CTX_free(ec);
		assert_non_null(strstr((char *)buf, "BEGIN RSA PUBLIC KEY"));
		put(e, "kek-pkcs1.pem", buf, blen, path, sizeof(path));
		OPENSSL_free(buf);
		loads_as(e, path, kek->pub);
	}

	/* The other sizes, by PEM. */
	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_int_equal(PEM_write_bio_PUBKEY(bio, e->keks[KEK4096].pub), 1);
	put_bio(e, "kek4096.pem", bio, path, sizeof(path));
	loads_as(e, path, e->keks[KEK4096].pub);
	free(js);
	free(ex);
	free(n);
}

static void
kek_refused(struct env *e, const char *name, const void *data, size_t len,
    int code);

static void
kek_refused_str(struct env *e, const char *name, const char *s)
{
	kek_refused(e, name, s, strlen(s), OFF_ERR_FORMAT);
}

static void
kek_refused(struct env *e, const char *name, const void *data, size_t len,
    int code)
{
	char		path[PATH_MAX];
	struct off_err	err;
	EVP_PKEY	*pk;

	put(e, name, data, len, path, sizeof(path));
	off_err_clear(&err);
	pk = off_kek_load(path, &err);
	if (pk != NULL)
		fail_msg("%s was read as a KEK", name);
	assert_int_equal(err.code, code);
}

static void
test_kek_load_refused(void **state)
{
	struct env	*e = *state;
	uint8_t		 junk[600], *der = NULL;
	char		*n, js[2048], *pem;
	size_t		 i;
	int		 len;
	BIO		*bio;
	long		 blen;
	struct off_err	 err;

	(void)state;
	test_rng_seed(1234);
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = test_rng_byte();
	kek_refused(e, "junk.bin", junk, sizeof(junk), OFF_ERR_FORMAT);
	kek_refused_str(e, "text.txt", "not a key at all\n");
	kek_refused_str(e, "empty", "");
	kek_refused_str(e, "json.json", "{\"hello\":\"world\"}");
	kek_refused_str(e, "pem-junk.pem", "-----BEGIN PUBLIC KEY-----\n"
	    "AAAA\n-----END PUBLIC KEY-----\n");

	/* A truncated DER public key. */
	assert_true((len = i2d_PUBKEY(e->keks[KEK3072].pub, &der)) > 0);
	kek_refused(e, "short.der", der, (size_t)len / 2, OFF_ERR_FORMAT);
	OPENSSL_free(der);

	/* JWKs that are not one RSA public key. */
	n = bn_b64url(e->keks[KEK2048].pub, OSSL_PKEY_PARAM_RSA_N);
	snprintf(js, sizeof(js), "{\"kty\":\"EC\",\"n\":\"%s\",\"e\":\"AQAB\"}",
	    n);
	kek_refused(e, "ec.jwk", js, strlen(js), OFF_ERR_FORMAT);
	snprintf(js, sizeof(js), "{\"kty\":\"RSA\",\"e\":\"AQAB\"}");
	kek_refused(e, "no-n.jwk", js, strlen(js), OFF_ERR_FORMAT);
	snprintf(js, sizeof(js), "{\"kty\":\"RSA\",\"n\":\"%s\"}", n);
	kek_refused(e, "no-e.jwk", js, strlen(js), OFF_ERR_FORMAT);
	snprintf(js, sizeof(js), "{\"kty\":\"RSA\",\"n\":\"%s!\",\"e\":"
	    "\"AQAB\"}", n);
	kek_refused(e, "bad-n.jwk", js, strlen(js), OFF_ERR_FORMAT);
	snprintf(js, sizeof(js), "{\"kty\":\"RSA\",\"n\":\"%s\",\"e\":"
	    "\"AQAB\",\"e\":\"Aw\"}", n);
	kek_refused(e, "dup.jwk", js, strlen(js), OFF_ERR_FORMAT);
	snprintf(js, sizeof(js), "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"%s\","
	    "\"e\":\"AQAB\"},{\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"AQAB\"}]}",
	    n, n);
	kek_refused(e, "two.jwks", js, strlen(js), OFF_ERR_FORMAT);
	kek_refused_str(e, "none.jwks", "{\"keys\":[]}");
	/* A JWK inside another object, as some tools print one. */
	snprintf(js, sizeof(js), "{\"key\":{\"kty\":\"RSA\",\"n\":\"%s\","
	    "\"e\":\"AQAB\"}}", n);
	kek_refused(e, "nested.json", js, strlen(js), OFF_ERR_FORMAT);
	/* The real modulus with a public exponent of 1 or 3: it loads, but
	 * it is no KEK (e = 1 would leave the wrap readable by anyone). */
	{
		static const char *const weak[] = { "AQ", "Aw" };
		char		 path[PATH_MAX];
		struct off_err	 werr;
		EVP_PKEY	*weakkey;
		size_t		 w;

		for (w = 0; w < 2; w++) {
			snprintf(js, sizeof(js), "{\"kty\":\"RSA\",\"n\":"
			    "\"%s\",\"e\":\"%s\"}", n, weak[w]);
			snprintf(path, sizeof(path), "%s/weak%zu.jwk",
			    e->dir, w);
			assert_int_equal(off_file_write(path, js, strlen(js),
			    OFF_WRITE_REPLACE, NULL), 0);
			weakkey = off_kek_load(path, NULL);
			assert_non_null(weakkey);
			{
				off_err_clear(&werr);
				assert_int_equal(off_kek_check(weakkey, &werr),
				    OFF_ERR_INVALID);
				assert_non_null(strstr(werr.detail,
				    "exponent"));
				EVP_PKEY_free(weakkey);
			}
		}
	}
	free(n);

	/* A symbolic link to a good KEK. */
	{
		char	target[PATH_MAX], link[PATH_MAX];

		assert_non_null(bio = BIO_new(BIO_s_mem()));
		assert_int_equal(PEM_write_bio_PUBKEY(bio, e->keks[KEK2048].pub),
		    1);
		put_bio(e, "link-target.pem", bio, target, sizeof(target));
		snprintf(link, sizeof(link), "%s/link.pem", e->files);
		assert_int_equal(symlink(target, link), 0);
		off_err_clear(&err);
		assert_null(off_kek_load(link, &err));
		assert_int_equal(err.code, OFF_ERR_FORMAT);
	}

	/* A private key is not a KEK file. */
	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_int_equal(PEM_write_bio_PrivateKey(bio, e->keks[KEK2048].priv,
	    NULL, NULL, 0, NULL, NULL), 1);
	blen = BIO_get_mem_data(bio, &pem);
	kek_refused(e, "private.pem", pem, (size_t)blen, OFF_ERR_FORMAT);
	BIO_free(bio);

	/* No file at all. */
	off_err_clear(&err);
	assert_null(off_kek_load("/nonexistent/kek.pem", &err));
	assert_int_equal(err.code, OFF_ERR_NOT_FOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kwp_rfc5649),
		cmocka_unit_test(test_kwp_lengths),
		cmocka_unit_test(test_rsa_aes_wrap),
		cmocka_unit_test(test_rsa2048),
		cmocka_unit_test(test_rsa3072),
		cmocka_unit_test(test_rsa4096),
		cmocka_unit_test(test_ecp256),
		cmocka_unit_test(test_ecp384),
		cmocka_unit_test(test_aes256),
		cmocka_unit_test(test_other_sizes),
		cmocka_unit_test(test_byok_header),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_target),
		cmocka_unit_test(test_reduce_unusable),
		cmocka_unit_test(test_package_check),
		cmocka_unit_test(test_fresh),
		cmocka_unit_test(test_kek_load),
		cmocka_unit_test(test_kek_load_refused),
	};

	off_platform_harden();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
