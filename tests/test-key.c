/* Module-protected keys: generation of every type, load and inspect,
 * refused parameters, tampering with every field and every bit of a
 * key file, ACL changes without a quorum, reduce-acl with a quorum of
 * cards, plain export (refused unless allowed, never for a reduced
 * copy), keys of another world, and no plaintext private key in any
 * file written. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
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
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "encode.h"
#include "error.h"
#include "fe-script.h"
#include "fileio.h"
#include "json.h"
#include "key.h"
#include "platform.h"
#include "slot.h"
#include "world.h"

static const char *const quorum_pins[] = { "1111", "2222", NULL };

#define ACL_BORN	(OFF_ACL_SIGN | OFF_ACL_DECRYPT | OFF_ACL_RECOVER | \
	OFF_ACL_CHANGE)
#define ACL_BORN_AES	(OFF_ACL_DECRYPT | OFF_ACL_RECOVER | OFF_ACL_CHANGE)

/* The world, the KEK, and the keys the tests share: contosokey (RSA
 * 2048, as born), its reduced copy, exportkey (RSA 2048, exportable). */
struct env {
	char			*dir;
	char			 kmdata[1024], drawer[1024];
	char			 scratch[1024], exports[1024];
	struct off_world	*w;
	EVP_PKEY		*kek;	/* RSA 2048, public part only */
};

static int
group_setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e->dir = test_tmpdir();
	assert_int_equal(test_make_world(e->dir, "a", 0, &e->w), 0);
	test_world_paths(e->dir, "a", e->kmdata, e->drawer, sizeof(e->kmdata));
	test_path(e->scratch, sizeof(e->scratch), e->dir, "scratch");
	test_path(e->exports, sizeof(e->exports), e->dir, "exports");
	assert_int_equal(off_mkdirs(e->scratch, NULL), 0);
	assert_int_equal(off_mkdirs(e->exports, NULL), 0);
	e->kek = test_rsa_kek(2048);
	*state = e;
	return 0;
}

static int
group_teardown(void **state)
{
	struct env	*e = *state;

	EVP_PKEY_free(e->kek);
	off_world_free(&e->w);
	test_rmtree(e->dir);
	free(e->dir);
	free(e);
	return 0;
}

/* --- helpers ------------------------------------------------------ */

static int
generate(struct env *e, const struct off_key_params *p, struct fe_script *s,
    struct off_key **k, struct off_err *err)
{
	return test_generate(e->kmdata, e->w, p, s, k, err);
}

/* key_simple_<ident> loaded, generating it first if needed. */
static struct off_key *
need_key(struct env *e, const char *ident, const char *type, unsigned size,
    const char *curve, int exportable)
{
	struct off_key_params	 p;

	test_key_params(&p, ident, type, size, curve);
	p.exportable = exportable;
	return test_need_key(e->kmdata, e->w, &p);
}

static struct off_key *
need_contoso(struct env *e)
{
	return need_key(e, "contosokey", "rsa", 2048, NULL, 0);
}

static int
reduce(struct env *e, const struct off_key *key, EVP_PKEY *kek,
    const char *target, const char *const *pins, struct fe_script *s,
    struct off_key **out, struct off_err *err)
{
	return test_reduce(e->kmdata, e->w, e->drawer, key, kek, target, pins,
	    s, out, err);
}

/* key_xferacld_contosokey loaded, reducing contosokey first if needed. */
static struct off_key *
need_reduced(struct env *e)
{
	struct off_key		*k, *r = NULL;
	struct fe_script	 s;
	struct off_err		 err;
	char			 path[PATH_MAX];

	test_key_path(e->kmdata, "xferacld", "contosokey", path, sizeof(path));
	if (!test_exists(path)) {
		k = need_contoso(e);
		assert_int_equal(reduce(e, k, e->kek, "azure", quorum_pins, &s,
		    &r, &err), 0);
		off_key_free(&r);
		off_key_free(&k);
	}
	return test_load_key(e->kmdata, e->w, "xferacld", "contosokey");
}

/* PKCS#8 DER of a private key (malloc'd by OpenSSL). */
static int
pkcs8_der(EVP_PKEY *pk, uint8_t **der)
{
	PKCS8_PRIV_KEY_INFO	*p8 = EVP_PKEY2PKCS8(pk);
	int			 n;

	assert_non_null(p8);
	*der = NULL;
	n = i2d_PKCS8_PRIV_KEY_INFO(p8, der);
	PKCS8_PRIV_KEY_INFO_free(p8);
	assert_true(n > 0);
	return n;
}

static void
sha256_spki(EVP_PKEY *pk, uint8_t fp[32])
{
	uint8_t	*der = NULL;
	int	 n = i2d_PUBKEY(pk, &der);

	assert_true(n > 0);
	assert_int_equal(EVP_Digest(der, (size_t)n, fp, NULL, EVP_sha256(),
	    NULL), 1);
	OPENSSL_free(der);
}

/* The names in a JSON array of strings, joined with ",". */
static void
jnames(json_t *a, char *out, size_t len)
{
	json_t	*v;
	size_t	 i, o = 0;

	out[0] = '\0';
	assert_true(json_is_array(a));
	json_array_foreach(a, i, v) {
		assert_true(json_is_string(v));
		o += (size_t)snprintf(out + o, len - o, "%s%s", i ? "," : "",
		    json_string_value(v));
		assert_true(o < len);
	}
}

static void
world_hex(struct env *e, char out[OFF_WORLD_ID_HEX])
{
	off_world_id_hex(e->w, out);
}

static void
module_hex(struct env *e, char out[33])
{
	const char	*backend, *status;
	const uint8_t	*id;

	assert_int_equal(off_world_module(e->w, 0, NULL, &backend, &id,
	    &status), 0);
	off_hex(id, 16, out);
}

/* --- generation --------------------------------------------------- */

static void
test_ident_rules(void **state)
{
	static const char *const bad[] = { "", "A", "Key", "a_b", "a.b",
	    "a/b", "a b", "../world", "key\n", "caf\xc3\xa9", "a+b" };
	char	long_ok[OFF_KEY_IDENT_MAX + 1];
	char	too_long[OFF_KEY_IDENT_MAX + 2];
	size_t	i;

	(void)state;
	memset(long_ok, 'a', OFF_KEY_IDENT_MAX);
	long_ok[OFF_KEY_IDENT_MAX] = '\0';
	memset(too_long, 'b', OFF_KEY_IDENT_MAX + 1);
	too_long[OFF_KEY_IDENT_MAX + 1] = '\0';
	assert_int_equal(off_key_ident_ok("a"), 0);
	assert_int_equal(off_key_ident_ok("contoso-key-2"), 0);
	assert_int_equal(off_key_ident_ok("0-9"), 0);
	assert_int_equal(off_key_ident_ok(long_ok), 0);
	assert_int_equal(off_key_ident_ok(too_long), OFF_ERR_INVALID);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(off_key_ident_ok(bad[i]), OFF_ERR_INVALID);
}

static void
test_acl_words(void **state)
{
	struct off_acl	acl;
	char		buf[256];

	(void)state;
	memset(&acl, 0, sizeof(acl));
	off_acl_words(&acl, buf, sizeof(buf));
	assert_string_equal(buf, "nothing");
	acl.groups = ACL_BORN;
	off_acl_words(&acl, buf, sizeof(buf));
	assert_string_equal(buf, "sign, decrypt, recover, change-acl");
	acl.groups = OFF_ACL_EXPORT_WRAPPED;
	off_acl_words(&acl, buf, sizeof(buf));
	assert_string_equal(buf, "export-wrapped");
	acl.groups = ACL_BORN | OFF_ACL_EXPORT_PLAIN;
	off_acl_words(&acl, buf, sizeof(buf));
	assert_string_equal(buf,
	    "sign, decrypt, export-plain, recover, change-acl");
}

/* A generated key, as returned and as loaded back: ACL, inspect JSON,
 * the private key behind the seal. */
static void
check_generated(struct env *e, const struct off_key *gen, const char *app,
    const char *ident, const char *plainname, const char *type,
    unsigned size, const char *curve, const char *group)
{
	struct off_key		*k = NULL;
	const struct off_acl	*acl;
	struct off_err		 err;
	struct stat		 sb;
	EVP_PKEY		*pk = NULL;
	json_t			*o, *h;
	uint8_t			 fp[32], fp2[32], zero[32];
	char			 path[PATH_MAX], buf[256];
	char			 whex[OFF_WORLD_ID_HEX];
	char			 mhex[33], fphex[65], gname[64], file[128];
	unsigned		 born;
	size_t			 glen;

	born = strcmp(type, "aes") == 0 ? ACL_BORN_AES : ACL_BORN;
	test_key_path(e->kmdata, app, ident, path, sizeof(path));
	snprintf(file, sizeof(file), "key_%s_%s", app, ident);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_string_equal(off_key_file_name(gen), file);
	assert_int_equal(off_key_acl(gen)->groups, born);
	off_err_clear(&err);
	assert_int_equal(off_key_load(e->kmdata, e->w, app, ident, &k, &err),
	    0);
	assert_string_equal(off_key_app(k), app);
	assert_string_equal(off_key_ident(k), ident);
	assert_string_equal(off_key_file_name(k), file);
	acl = off_key_acl(k);
	memset(zero, 0, sizeof(zero));
	assert_int_equal(acl->groups, born);
	assert_memory_equal(acl->kek, zero, sizeof(zero));
	assert_string_equal(acl->target, "");

	o = test_key_info(k);
	world_hex(e, whex);
	module_hex(e, mhex);
	assert_string_equal(test_jstr(o, "file"), file);
	assert_string_equal(test_jstr(o, "app"), app);
	assert_string_equal(test_jstr(o, "ident"), ident);
	assert_string_equal(test_jstr(o, "plainname"), plainname);
	assert_string_equal(test_jstr(o, "type"), type);
	assert_int_equal(json_integer_value(json_object_get(o, "size")), size);
	assert_string_equal(test_jstr(o, "curve"), curve);
	assert_string_equal(test_jstr(o, "protection"), "module");
	assert_string_equal(test_jstr(o, "world"), whex);
	assert_string_equal(test_jstr(o, "module"), mhex);
	assert_string_equal(test_jstr(o, "acl_signer"), "module");
	jnames(json_object_get(json_object_get(o, "acl"), "groups"), buf,
	    sizeof(buf));
	assert_string_equal(buf, born == ACL_BORN ?
	    "sign,decrypt,recover,change-acl" : "decrypt,recover,change-acl");
	assert_null(json_object_get(json_object_get(o, "acl"), "kek"));
	assert_null(json_object_get(json_object_get(o, "acl"), "target"));
	assert_string_equal(test_jstr(o, "acl_words"), born == ACL_BORN ?
	    "sign, decrypt, recover, change-acl" :
	    "decrypt, recover, change-acl");
	h = json_object_get(o, "history");
	assert_int_equal(json_array_size(h), 1);
	assert_string_equal(test_jstr(json_array_get(h, 0), "event"),
	    "created");
	assert_string_equal(test_jstr(json_array_get(h, 0), "ref"), "");

	off_err_clear(&err);
	if (strcmp(type, "aes") == 0) {
		assert_null(json_object_get(o, "fingerprint"));
		assert_int_equal(off_key_private(e->kmdata, e->w, k, &pk,
		    &err), OFF_ERR_INVALID);
		assert_null(pk);
	} else {
		assert_int_equal(off_key_private(e->kmdata, e->w, k, &pk,
		    &err), 0);
		assert_non_null(pk);
		assert_int_equal(EVP_PKEY_get_bits(pk), size);
		if (strcmp(type, "rsa") == 0)
			assert_true(EVP_PKEY_is_a(pk, "RSA"));
		else {
			assert_true(EVP_PKEY_is_a(pk, "EC"));
			assert_int_equal(EVP_PKEY_get_utf8_string_param(pk,
			    OSSL_PKEY_PARAM_GROUP_NAME, gname, sizeof(gname),
			    &glen), 1);
			assert_string_equal(gname, group);
		}
		/* The fingerprint is of the key behind the seal. */
		sha256_spki(pk, fp);
		assert_int_equal(off_key_fingerprint(pk, fp2, NULL), 0);
		assert_memory_equal(fp, fp2, 32);
		off_hex(fp, 32, fphex);
		assert_string_equal(test_jstr(o, "fingerprint"), fphex);
		EVP_PKEY_free(pk);
	}
	json_decref(o);
	off_key_free(&k);
	assert_null(k);
}

static void
test_generate_every_type(void **state)
{
	static const struct {
		const char	*ident, *type, *curve, *plainname;
		unsigned	 size, want_size;
		const char	*want_curve, *group;
	} cases[] = {
		{ "gen-rsa2048", "rsa", NULL, "Contoso signing key", 2048, 2048,
		    "", NULL },
		{ "gen-p256", "ec", "p256", NULL, 0, 256, "p256",
		    "prime256v1" },
		{ "gen-p384", "ec", "p384", NULL, 384, 384, "p384",
		    "secp384r1" },
		{ "gen-p521", "ec", "p521", NULL, 521, 521, "p521",
		    "secp521r1" },
		{ "gen-k256", "ec", "secp256k1", NULL, 256, 256, "secp256k1",
		    "secp256k1" },
		{ "gen-ec-default", "ec", NULL, NULL, 0, 256, "p256",
		    "prime256v1" },
		{ "gen-aes128", "aes", NULL, NULL, 128, 128, "", NULL },
		{ "gen-aes256", "aes", NULL, NULL, 256, 256, "", NULL },
		{ "gen-aes-default", "aes", NULL, NULL, 0, 256, "", NULL },
	};
	struct env		*e = *state;
	struct off_key_params	 p;
	struct off_key		*k = NULL;
	struct fe_script	 s;
	struct off_err		 err;
	size_t			 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		test_key_params(&p, cases[i].ident, cases[i].type,
		    cases[i].size, cases[i].curve);
		p.plainname = cases[i].plainname;
		assert_int_equal(generate(e, &p, &s, &k, &err), 0);
		assert_non_null(k);
		assert_int_equal(s.warnings, 0);
		check_generated(e, k, "simple", cases[i].ident,
		    cases[i].plainname != NULL ? cases[i].plainname :
		    cases[i].ident, cases[i].type, cases[i].want_size,
		    cases[i].want_curve, cases[i].group);
		off_key_free(&k);
	}
	/* Another application's namespace. */
	test_key_params(&p, "gen-aes-pay", "aes", 192, NULL);
	p.app = "payments";
	assert_int_equal(generate(e, &p, &s, &k, &err), 0);
	check_generated(e, k, "payments", "gen-aes-pay", "gen-aes-pay", "aes",
	    192, "", NULL);
	off_key_free(&k);
}

/* Generation is refused with nothing written. */
static void
refused(struct env *e, const struct off_key_params *p, int code,
    const char *detail)
{
	struct off_key	*k = NULL;
	struct off_err	 err;
	unsigned	 before = test_count_files(e->kmdata, "");

	assert_int_equal(generate(e, p, NULL, &k, &err), code);
	assert_null(k);
	assert_int_equal(err.code, code);
	if (detail != NULL && strstr(err.detail, detail) == NULL)
		fail_msg("\"%s\" not in \"%s\"", detail, err.detail);
	assert_int_equal(test_count_files(e->kmdata, ""), before);
	/* What can never work is found before anything is done. */
	if (code == OFF_ERR_INVALID) {
		off_err_clear(&err);
		assert_int_equal(off_key_params_check(p, &err), code);
		assert_int_equal(err.code, code);
	}
}

static void
test_generate_refused(void **state)
{
	struct env		*e = *state;
	struct off_key_params	 p;
	struct off_key		*k = NULL;
	struct off_err		 err;
	struct test_snap	 before;
	char			 path[PATH_MAX], id65[66];
	char			 name129[130];

	/* An existing ident: refused before any work, file untouched. */
	test_key_params(&p, "dupkey", "ec", 0, "p256");
	assert_int_equal(generate(e, &p, NULL, &k, &err), 0);
	off_key_free(&k);
	test_key_path(e->kmdata, "simple", "dupkey", path, sizeof(path));
	test_snap_take(path, &before);
	refused(e, &p, OFF_ERR_EXISTS, "already exists");
	test_key_params(&p, "dupkey", "aes", 256, NULL);
	refused(e, &p, OFF_ERR_EXISTS, NULL);
	test_key_params(&p, "dupkey", "rsa", 2048, NULL);
	assert_int_equal(generate(e, &p, NULL, &k, &err), OFF_ERR_EXISTS);
	assert_string_equal(err.file, path);
	test_snap_same(path, &before);

	/* Bad idents and application names. */
	memset(id65, 'x', 65);
	id65[65] = '\0';
	test_key_params(&p, id65, "aes", 0, NULL);
	refused(e, &p, OFF_ERR_INVALID, "bad ident");
	id65[64] = '\0';
	/* 64 characters: fine. */
	assert_int_equal(generate(e, &p, NULL, &k, &err), 0);
	off_key_free(&k);
	test_key_params(&p, "", "aes", 0, NULL);
	refused(e, &p, OFF_ERR_INVALID, "bad ident");
	test_key_params(&p, "Upper", "aes", 0, NULL);
	refused(e, &p, OFF_ERR_INVALID, "bad ident");
	test_key_params(&p, "a_b", "aes", 0, NULL);
	refused(e, &p, OFF_ERR_INVALID, "bad ident");
	test_key_params(&p, "../world", "aes", 0, NULL);
	refused(e, &p, OFF_ERR_INVALID, "bad ident");
	test_key_params(&p, "a b", "aes", 0, NULL);
	refused(e, &p, OFF_ERR_INVALID, "bad ident");
	test_key_params(&p, "ok-ident", "aes", 0, NULL);
	p.app = "Simple";
	refused(e, &p, OFF_ERR_INVALID, "application");
	p.app = "a-very-long-application";	/* 23 > OFF_KEY_APP_MAX */
	refused(e, &p, OFF_ERR_INVALID, "application");
	p.app = "xferacld";		/* kept for reduced copies */
	refused(e, &p, OFF_ERR_INVALID, "application");
	memset(name129, 'n', 129);
	name129[129] = '\0';
	test_key_params(&p, "ok-ident", "aes", 0, NULL);
	p.plainname = name129;
	refused(e, &p, OFF_ERR_INVALID, "plain name");

	/* Types, curves and sizes. */
	test_key_params(&p, "bad-type", "dsa", 0, NULL);
	refused(e, &p, OFF_ERR_INVALID, "unknown key type");
	test_key_params(&p, "bad-type", "RSA", 2048, NULL);
	refused(e, &p, OFF_ERR_INVALID, "unknown key type");
	test_key_params(&p, "bad-type", "ed25519", 0, NULL);
	refused(e, &p, OFF_ERR_INVALID, "unknown key type");
	test_key_params(&p, "bad-curve", "ec", 0, "p224");
	refused(e, &p, OFF_ERR_INVALID, "unknown curve");
	test_key_params(&p, "bad-curve", "ec", 0, "P-256");
	refused(e, &p, OFF_ERR_INVALID, "unknown curve");
	test_key_params(&p, "bad-rsa", "rsa", 1024, NULL);
	refused(e, &p, OFF_ERR_INVALID, "--allow-legacy");
	test_key_params(&p, "bad-rsa", "rsa", 512, NULL);
	refused(e, &p, OFF_ERR_INVALID, "512");
	p.allow_legacy = 1;
	refused(e, &p, OFF_ERR_INVALID, "512");
	test_key_params(&p, "bad-rsa", "rsa", 1536, NULL);
	refused(e, &p, OFF_ERR_INVALID, "1536");
	test_key_params(&p, "bad-rsa", "rsa", 8192, NULL);
	refused(e, &p, OFF_ERR_INVALID, "8192");
	test_key_params(&p, "bad-rsa", "rsa", 2048, "p256");
	refused(e, &p, OFF_ERR_INVALID, "no curve");
	test_key_params(&p, "bad-rsa", "rsa", 2048, NULL);
	p.pubexp = 65536;
	refused(e, &p, OFF_ERR_INVALID, "exponent");
	p.pubexp = 1;
	refused(e, &p, OFF_ERR_INVALID, "exponent");
	test_key_params(&p, "bad-aes", "aes", 100, NULL);
	refused(e, &p, OFF_ERR_INVALID, "100");
	test_key_params(&p, "bad-aes", "aes", 512, NULL);
	refused(e, &p, OFF_ERR_INVALID, "512");
	test_key_params(&p, "bad-aes", "aes", 256, "p256");
	refused(e, &p, OFF_ERR_INVALID, "no curve");
	test_key_params(&p, "bad-ec", "ec", 384, "p256");
	refused(e, &p, OFF_ERR_INVALID, "not 384");
	test_key_params(&p, "bad-ec", "ec", 256, "p384");
	refused(e, &p, OFF_ERR_INVALID, "not 256");
	test_key_params(&p, "bad-ec", "ec", 520, "p521");
	refused(e, &p, OFF_ERR_INVALID, "not 520");
	test_key_params(&p, "bad-ec", "ec", 384, "secp256k1");
	refused(e, &p, OFF_ERR_INVALID, "not 384");
	/* No curve given: p256, whose size is not 384. */
	test_key_params(&p, "bad-ec", "ec", 384, NULL);
	refused(e, &p, OFF_ERR_INVALID, "not 384");
	test_key_path(e->kmdata, "simple", "bad-rsa", path, sizeof(path));
	assert_false(test_exists(path));
}

static void
test_rsa_1024_legacy(void **state)
{
	struct env		*e = *state;
	struct off_key_params	 p;
	struct off_key		*k = NULL;
	struct fe_script	 s;
	struct off_err		 err;

	test_key_params(&p, "legacy1024", "rsa", 1024, NULL);
	p.allow_legacy = 1;
	assert_int_equal(generate(e, &p, &s, &k, &err), 0);
	assert_int_equal(s.warnings, 1);	/* said it is weak */
	check_generated(e, k, "simple", "legacy1024", "legacy1024", "rsa",
	    1024, "", NULL);
	off_key_free(&k);
}

static void
test_load_refused(void **state)
{
	struct env	*e = *state;
	struct off_key	*k = NULL;
	struct off_err	 err;
	char		 path[PATH_MAX];

	off_err_clear(&err);
	assert_int_equal(off_key_load(e->kmdata, e->w, "simple", "nosuchkey",
	    &k, &err), OFF_ERR_NOT_FOUND);
	assert_null(k);
	assert_non_null(strstr(err.file, "key_simple_nosuchkey"));
	assert_int_equal(off_key_load(e->kmdata, e->w, "simple", "../world",
	    &k, NULL), OFF_ERR_INVALID);
	assert_int_equal(off_key_load(e->kmdata, e->w, "../x", "key", &k,
	    NULL), OFF_ERR_INVALID);
	assert_int_equal(off_key_load(e->kmdata, e->w, "simple", "", &k,
	    NULL), OFF_ERR_INVALID);
	/* The world file and a module file are not key files. */
	snprintf(path, sizeof(path), "%s/world", e->kmdata);
	assert_int_equal(off_key_load_file(path, e->w, &k, NULL),
	    OFF_ERR_FORMAT);
	assert_null(k);
	test_key_path(e->scratch, "simple", "empty", path, sizeof(path));
	test_spill(path, "", 0);
	assert_int_equal(off_key_load(e->scratch, e->w, "simple", "empty", &k,
	    NULL), OFF_ERR_FORMAT);
	assert_null(k);
}

/* --- tampering ---------------------------------------------------- */

enum tamper_op { T_SET, T_HEXFLIP, T_B64FLIP, T_OTHER, T_DEL, T_APPEND };

struct tamper {
	const char	*path;	/* "acl.groups", "history.0.event" */
	enum tamper_op	 op;
	const char	*value;	/* JSON text for T_SET, T_APPEND */
	int		 want;	/* the error off_key_load gives */
};

static json_t *
load_root(const char *path)
{
	char	*data;
	size_t	 len;
	json_t	*root;

	test_slurp(path, &data, &len);
	root = json_loadb(data, len, 0, NULL);
	assert_non_null(root);
	free(data);
	return root;
}

/* The parent of a dotted path and the last component. */
static json_t *
walk(json_t *root, const char *path, char *last, size_t len)
{
	char	 buf[128], *p, *dot;
	json_t	*o = root;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf; (dot = strchr(p, '.')) != NULL; p = dot + 1) {
		*dot = '\0';
		o = json_is_array(o) ? json_array_get(o, strtoul(p, NULL, 10)) :
		    json_object_get(o, p);
		assert_non_null(o);
	}
	assert_true(strlen(p) < len);
	memcpy(last, p, strlen(p) + 1);
	return o;
}

static json_t *
get_at(json_t *root, const char *path)
{
	char	 last[64];
	json_t	*o = walk(root, path, last, sizeof(last));

	return json_is_array(o) ? json_array_get(o, strtoul(last, NULL, 10)) :
	    json_object_get(o, last);
}

static void
set_at(json_t *root, const char *path, json_t *v)
{
	char	 last[64];
	json_t	*o = walk(root, path, last, sizeof(last));

	if (json_is_array(o))
		assert_int_equal(json_array_set_new(o, strtoul(last, NULL, 10),
		    v), 0);
	else
		assert_int_equal(json_object_set_new(o, last, v), 0);
}

static void
apply(json_t *root, json_t *other, const struct tamper *t)
{
	json_t		*v = get_at(root, t->path);
	char		 last[64], *s;
	uint8_t		 buf[8192];
	size_t		 n;

	switch (t->op) {
	case T_SET:
		set_at(root, t->path, json_loads(t->value, JSON_DECODE_ANY,
		    NULL));
		break;
	case T_HEXFLIP:
		assert_true(json_is_string(v));
		s = strdup(json_string_value(v));
		assert_non_null(s);
		s[0] = s[0] == '0' ? '1' : '0';
		set_at(root, t->path, json_string(s));
		free(s);
		break;
	case T_B64FLIP:
		assert_true(json_is_string(v));
		assert_int_equal(off_unb64(json_string_value(v), buf,
		    sizeof(buf), &n), 0);
		assert_true(n > 0);
		buf[n / 2] ^= 0x01;
		s = malloc(OFF_B64_LEN(n));
		assert_non_null(s);
		off_b64(buf, n, s);
		assert_string_not_equal(s, json_string_value(v));
		set_at(root, t->path, json_string(s));
		free(s);
		break;
	case T_OTHER:
		assert_non_null(other);
		v = get_at(other, t->path);
		assert_non_null(v);
		set_at(root, t->path, json_deep_copy(v));
		break;
	case T_DEL:
		assert_int_equal(json_object_del(walk(root, t->path, last,
		    sizeof(last)), last), 0);
		break;
	case T_APPEND:
		assert_true(json_is_array(v));
		assert_int_equal(json_array_append_new(v, json_loads(t->value,
		    JSON_DECODE_ANY, NULL)), 0);
		break;
	}
}

/* Write root, as the program writes it, to scratch/key_<app>_<ident>
 * and load it from there. */
static int
load_variant(struct env *e, json_t *root, const char *app, const char *ident,
    struct off_err *err)
{
	struct off_key	*k = NULL;
	char		*data = NULL, path[PATH_MAX];
	size_t		 len;
	int		 ret;

	assert_int_equal(off_json_dump(root, &data, &len, NULL), 0);
	test_key_path(e->scratch, app, ident, path, sizeof(path));
	test_spill(path, data, len);
	free(data);
	off_err_clear(err);
	ret = off_key_load(e->scratch, e->w, app, ident, &k, err);
	if (ret == 0)
		assert_non_null(k);
	else
		assert_null(k);
	off_key_free(&k);
	return ret;
}

static void
tamper_fields(struct env *e, const char *app, const char *ident,
    const char *other_file, const struct tamper *t, size_t nt)
{
	struct off_err	 err;
	json_t		*root, *other = NULL;
	char		 path[PATH_MAX];
	size_t		 i;
	int		 ret;

	test_key_path(e->kmdata, app, ident, path, sizeof(path));
	if (other_file != NULL)
		other = load_root(other_file);
	/* The file re-written unchanged loads: what fails below fails for
	 * the change alone. */
	root = load_root(path);
	assert_int_equal(load_variant(e, root, app, ident, &err), 0);
	json_decref(root);
	for (i = 0; i < nt; i++) {
		root = load_root(path);
		apply(root, other, &t[i]);
		ret = load_variant(e, root, app, ident, &err);
		if (ret != t[i].want)
			fail_msg("%s: %s changed: got %d (%s), expected %d",
			    path, t[i].path, ret, err.detail, t[i].want);
		json_decref(root);
	}
	json_decref(other);
}

static void
test_tamper_every_field(void **state)
{
	/* Every field of a key as born; T_OTHER takes exportkey's value. */
	static const struct tamper simple[] = {
		{ "format", T_SET, "\"officiant-card\"", OFF_ERR_FORMAT },
		{ "version", T_SET, "2", OFF_ERR_VERSION },
		{ "app", T_SET, "\"other\"", OFF_ERR_AUTH },
		{ "app", T_SET, "\"xferacld\"", OFF_ERR_AUTH },
		{ "ident", T_SET, "\"otherkey\"", OFF_ERR_AUTH },
		{ "ident", T_OTHER, NULL, OFF_ERR_AUTH },
		{ "plainname", T_SET, "\"Someone else's key\"", OFF_ERR_AUTH },
		{ "plainname", T_SET, "\"\"", OFF_ERR_AUTH },
		{ "world", T_HEXFLIP, NULL, OFF_ERR_WRONG_WORLD },
		{ "module", T_HEXFLIP, NULL, OFF_ERR_AUTH },
		{ "type", T_SET, "\"ec\"", OFF_ERR_AUTH },
		/* An AES key with a public key. */
		{ "type", T_SET, "\"aes\"", OFF_ERR_FORMAT },
		{ "size", T_SET, "3072", OFF_ERR_AUTH },
		{ "size", T_SET, "1024", OFF_ERR_AUTH },
		{ "curve", T_SET, "\"p256\"", OFF_ERR_AUTH },
		{ "created", T_SET, "\"2020-01-01T00:00:00Z\"", OFF_ERR_AUTH },
		{ "public_key", T_B64FLIP, NULL, OFF_ERR_AUTH },
		{ "public_key", T_OTHER, NULL, OFF_ERR_AUTH },
		{ "private.nonce", T_B64FLIP, NULL, OFF_ERR_AUTH },
		{ "private.nonce", T_OTHER, NULL, OFF_ERR_AUTH },
		{ "private.ciphertext", T_B64FLIP, NULL, OFF_ERR_AUTH },
		{ "private.ciphertext", T_OTHER, NULL, OFF_ERR_AUTH },
		{ "private.tag", T_B64FLIP, NULL, OFF_ERR_AUTH },
		{ "private.tag", T_OTHER, NULL, OFF_ERR_AUTH },
		{ "private", T_OTHER, NULL, OFF_ERR_AUTH },
		{ "acl.groups", T_APPEND, "\"export-plain\"", OFF_ERR_AUTH },
		{ "acl.groups", T_OTHER, NULL, OFF_ERR_AUTH },
		{ "acl.groups", T_SET, "[\"sign\",\"decrypt\",\"recover\"]",
		    OFF_ERR_AUTH },
		{ "acl.groups", T_SET, "[\"decrypt\",\"recover\","
		    "\"change-acl\"]", OFF_ERR_AUTH },
		{ "acl.groups", T_SET, "[]", OFF_ERR_AUTH },
		{ "acl", T_SET, "{\"groups\":[\"sign\",\"decrypt\",\"recover\","
		    "\"change-acl\",\"export-wrapped\"],\"kek\":\"00000000"
		    "0000000000000000000000000000000000000000000000000000000"
		    "0\",\"target\":\"\"}", OFF_ERR_AUTH },
		{ "history.0.event", T_SET, "\"imported\"", OFF_ERR_AUTH },
		{ "history.0.time", T_SET, "\"2020-01-01T00:00:00Z\"",
		    OFF_ERR_AUTH },
		{ "history.0.ref", T_SET, "\"key_simple_other\"",
		    OFF_ERR_AUTH },
		{ "history", T_APPEND, "{\"event\":\"acl-reduced\",\"time\":"
		    "\"2026-01-01T00:00:00Z\",\"ref\":\"\"}", OFF_ERR_AUTH },
		{ "history", T_SET, "[]", OFF_ERR_AUTH },
		{ "acl_signer", T_SET, "\"world\"", OFF_ERR_AUTH },
		{ "acl_signer", T_SET, "\"nobody\"", OFF_ERR_AUTH },
		{ "acl_signature", T_B64FLIP, NULL, OFF_ERR_AUTH },
		{ "acl_signature", T_OTHER, NULL, OFF_ERR_AUTH },
		{ "comment", T_SET, "\"extra\"", OFF_ERR_FORMAT },
	};
	/* The reduced copy, signed by the world; T_OTHER again takes
	 * exportkey's value. */
	static const struct tamper reduced[] = {
		{ "app", T_SET, "\"simple\"", OFF_ERR_AUTH },
		{ "ident", T_SET, "\"otherkey\"", OFF_ERR_AUTH },
		{ "plainname", T_SET, "\"x\"", OFF_ERR_AUTH },
		{ "world", T_HEXFLIP, NULL, OFF_ERR_WRONG_WORLD },
		{ "module", T_HEXFLIP, NULL, OFF_ERR_AUTH },
		{ "size", T_SET, "4096", OFF_ERR_AUTH },
		{ "created", T_SET, "\"2020-01-01T00:00:00Z\"", OFF_ERR_AUTH },
		{ "public_key", T_B64FLIP, NULL, OFF_ERR_AUTH },
		{ "public_key", T_OTHER, NULL, OFF_ERR_AUTH },
		{ "private.nonce", T_B64FLIP, NULL, OFF_ERR_AUTH },
		{ "private.ciphertext", T_B64FLIP, NULL, OFF_ERR_AUTH },
		{ "private.ciphertext", T_OTHER, NULL, OFF_ERR_AUTH },
		{ "private.tag", T_B64FLIP, NULL, OFF_ERR_AUTH },
		{ "acl.kek", T_HEXFLIP, NULL, OFF_ERR_AUTH },
		{ "acl.target", T_SET, "\"aws\"", OFF_ERR_AUTH },
		{ "acl.target", T_SET, "\"\"", OFF_ERR_AUTH },
		{ "acl.groups", T_APPEND, "\"export-plain\"", OFF_ERR_AUTH },
		{ "acl.groups", T_APPEND, "\"sign\"", OFF_ERR_AUTH },
		{ "acl.groups", T_APPEND, "\"change-acl\"", OFF_ERR_AUTH },
		{ "acl", T_OTHER, NULL, OFF_ERR_AUTH },
		{ "acl.kek", T_DEL, NULL, OFF_ERR_FORMAT },
		{ "history.1.event", T_SET, "\"created\"", OFF_ERR_AUTH },
		{ "history.1.ref", T_SET, "\"key_simple_other\"",
		    OFF_ERR_AUTH },
		{ "history", T_OTHER, NULL, OFF_ERR_AUTH },
		{ "acl_signer", T_SET, "\"module\"", OFF_ERR_AUTH },
		{ "acl_signature", T_B64FLIP, NULL, OFF_ERR_AUTH },
		{ "acl_signature", T_OTHER, NULL, OFF_ERR_AUTH },
	};
	static const struct tamper aes[] = {
		{ "size", T_SET, "128", OFF_ERR_AUTH },
		/* An RSA key without a public key. */
		{ "type", T_SET, "\"rsa\"", OFF_ERR_FORMAT },
		{ "public_key", T_SET, "\"AAAAAAAAAAAAAAAAAAAAAA==\"",
		    OFF_ERR_FORMAT },
		{ "private.ciphertext", T_B64FLIP, NULL, OFF_ERR_AUTH },
		{ "acl.groups", T_APPEND, "\"export-plain\"", OFF_ERR_AUTH },
		{ "acl_signature", T_B64FLIP, NULL, OFF_ERR_AUTH },
	};
	struct env	*e = *state;
	struct off_key	*k;
	char		 other[PATH_MAX];

	k = need_key(e, "exportkey", "rsa", 2048, NULL, 1);
	off_key_free(&k);
	k = need_reduced(e);
	off_key_free(&k);
	k = need_key(e, "tamper-aes", "aes", 256, NULL, 0);
	off_key_free(&k);
	test_key_path(e->kmdata, "simple", "exportkey", other, sizeof(other));
	tamper_fields(e, "simple", "contosokey", other, simple,
	    sizeof(simple) / sizeof(simple[0]));
	tamper_fields(e, "xferacld", "contosokey", other, reduced,
	    sizeof(reduced) / sizeof(reduced[0]));
	tamper_fields(e, "simple", "tamper-aes", NULL, aes,
	    sizeof(aes) / sizeof(aes[0]));
}

/* 0 when the file at path does not load, 1 when it loads as the very
 * same key (the same description and private key); anything else
 * fails the test. */
static unsigned
loads_same(struct env *e, const char *path, const char *json0,
    EVP_PKEY *pk0)
{
	struct off_key	*k = NULL;
	EVP_PKEY	*pk = NULL;
	char		*json;

	if (off_key_load_file(path, e->w, &k, NULL) != 0) {
		assert_null(k);
		return 0;
	}
	assert_int_equal(off_key_info_json(k, &json, NULL), 0);
	assert_string_equal(json, json0);
	free(json);
	if (pk0 != NULL) {
		assert_int_equal(off_key_private(e->kmdata, e->w, k, &pk,
		    NULL), 0);
		assert_int_equal(EVP_PKEY_eq(pk, pk0), 1);
		EVP_PKEY_free(pk);
	}
	off_key_free(&k);
	return 1;
}

/* Every single-bit flip of the file fails to load or loads as the same
 * key; so does every truncation. */
static void
tamper_bits(struct env *e, const char *app, const char *ident)
{
	struct off_key	*orig = NULL, *k = NULL;
	EVP_PKEY	*pk0 = NULL;
	char		 path[PATH_MAX], copy[PATH_MAX], *data, *json0;
	uint8_t		 c;
	size_t		 len, i;
	unsigned	 loaded = 0, flips = 0, cuts = 0;
	int		 fd, bit;

	test_key_path(e->kmdata, app, ident, path, sizeof(path));
	/* The copy keeps the key's name: a file under another name is
	 * refused whatever it holds. */
	test_key_path(e->scratch, app, ident, copy, sizeof(copy));
	test_slurp(path, &data, &len);
	assert_true(len > 1000);
	assert_int_equal(off_key_load_file(path, e->w, &orig, NULL), 0);
	assert_int_equal(off_key_info_json(orig, &json0, NULL), 0);
	if (off_key_private(e->kmdata, e->w, orig, &pk0, NULL) != 0)
		pk0 = NULL;	/* AES */
	test_spill(copy, data, len);
	fd = open(copy, O_RDWR);
	assert_true(fd >= 0);
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			c = (uint8_t)(data[i] ^ (1 << bit));
			assert_int_equal(pwrite(fd, &c, 1, (off_t)i), 1);
			flips++;
			loaded += loads_same(e, copy, json0, pk0);
		}
		assert_int_equal(pwrite(fd, &data[i], 1, (off_t)i), 1);
	}
	assert_int_equal(flips, 8 * len);
	/* The restored copy loads: the loop tested what it meant to. */
	assert_int_equal(off_key_load_file(copy, e->w, &k, NULL), 0);
	off_key_free(&k);
	/* Cutting the final newline changes nothing; any other cut
	 * breaks the JSON. */
	for (i = len; i-- > 0;) {
		assert_int_equal(ftruncate(fd, (off_t)i), 0);
		cuts += loads_same(e, copy, json0, pk0);
	}
	assert_true(cuts <= 1);
	close(fd);
	unlink(copy);
	if (loaded != 0)
		print_message("%s: %u of %u bit flips load as the same key\n",
		    path, loaded, flips);
	EVP_PKEY_free(pk0);
	free(json0);
	free(data);
	off_key_free(&orig);
}

static void
test_tamper_every_bit(void **state)
{
	struct env	*e = *state;
	struct off_key	*k;

	k = need_reduced(e);
	off_key_free(&k);
	tamper_bits(e, "simple", "contosokey");
	tamper_bits(e, "xferacld", "contosokey");
}

/* Nobody edits an ACL without a quorum: not by hand, not by pasting
 * in a reduced copy's world-signed ACL. */
static void
test_acl_change_without_quorum(void **state)
{
	static const char *const from_reduced[][4] = {
		{ "acl", "acl_signer", "acl_signature", NULL },
		{ "acl", "acl_signer", "acl_signature", "history" },
		{ "acl", "acl_signature", NULL, NULL },
		{ "acl_signer", "acl_signature", NULL, NULL },
	};
	struct env	*e = *state;
	struct off_key	*k = NULL;
	struct off_err	 err;
	json_t		*root, *red, *v;
	char		 path[PATH_MAX], rpath[PATH_MAX];
	char		*data, *edited, *at;
	const char	*needle = "\"change-acl\"";
	size_t		 len, i, j;

	k = need_reduced(e);
	off_key_free(&k);
	test_key_path(e->kmdata, "simple", "contosokey", path, sizeof(path));
	test_key_path(e->kmdata, "xferacld", "contosokey", rpath,
	    sizeof(rpath));

	/* By hand, as an editor would: "export-plain" added to the list. */
	test_slurp(path, &data, &len);
	at = strstr(data, needle);
	assert_non_null(at);
	edited = malloc(len + 64);
	assert_non_null(edited);
	memcpy(edited, data, (size_t)(at - data) + strlen(needle));
	strcpy(edited + (at - data) + strlen(needle),
	    ",\n      \"export-plain\"");
	strcat(edited, at + strlen(needle));
	test_key_path(e->scratch, "simple", "contosokey", rpath, sizeof(rpath));
	test_spill(rpath, edited, strlen(edited));
	off_err_clear(&err);
	assert_int_equal(off_key_load(e->scratch, e->w, "simple", "contosokey",
	    &k, &err), OFF_ERR_AUTH);
	assert_null(k);
	assert_non_null(strstr(err.detail, "altered"));
	free(edited);
	free(data);

	/* A reduced copy's world-signed ACL pasted into the simple key. */
	test_key_path(e->kmdata, "xferacld", "contosokey", rpath,
	    sizeof(rpath));
	red = load_root(rpath);
	for (i = 0; i < sizeof(from_reduced) / sizeof(from_reduced[0]); i++) {
		root = load_root(path);
		for (j = 0; j < 4 && from_reduced[i][j] != NULL; j++) {
			v = json_object_get(red, from_reduced[i][j]);
			assert_non_null(v);
			json_object_set_new(root, from_reduced[i][j],
			    json_deep_copy(v));
		}
		assert_int_equal(load_variant(e, root, "simple", "contosokey",
		    &err), OFF_ERR_AUTH);
		json_decref(root);
	}
	/* The whole reduced copy but its name: still not the simple key. */
	json_object_set_new(red, "app", json_string("simple"));
	assert_int_equal(load_variant(e, red, "simple", "contosokey", &err),
	    OFF_ERR_AUTH);
	json_decref(red);
	/* And the other way: the simple key's ACL in the reduced copy. */
	red = load_root(rpath);
	root = load_root(path);
	json_object_set(red, "acl", json_object_get(root, "acl"));
	json_object_set(red, "acl_signer", json_object_get(root, "acl_signer"));
	json_object_set(red, "acl_signature", json_object_get(root,
	    "acl_signature"));
	assert_int_equal(load_variant(e, red, "xferacld", "contosokey", &err),
	    OFF_ERR_AUTH);
	json_object_set(red, "history", json_object_get(root, "history"));
	assert_int_equal(load_variant(e, red, "xferacld", "contosokey", &err),
	    OFF_ERR_AUTH);
	json_decref(root);
	json_decref(red);
	/* The real files are as they were. */
	assert_int_equal(off_key_load(e->kmdata, e->w, "simple", "contosokey",
	    &k, NULL), 0);
	assert_int_equal(off_key_acl(k)->groups, ACL_BORN);
	off_key_free(&k);
}

/* A key file is only ever the key it names: renamed or copied under
 * another key's name, it is refused. */
static void
test_renamed_key_file(void **state)
{
	struct env	*e = *state;
	struct off_key	*k = NULL;
	struct off_err	 err;
	char		 path[PATH_MAX], to[PATH_MAX], *data;
	size_t		 len;

	k = need_reduced(e);
	off_key_free(&k);
	k = need_key(e, "exportkey", "rsa", 2048, NULL, 1);
	off_key_free(&k);
	/* The exportable key under the non-exportable key's name. */
	test_key_path(e->kmdata, "simple", "exportkey", path, sizeof(path));
	test_slurp(path, &data, &len);
	test_key_path(e->scratch, "simple", "contosokey", to, sizeof(to));
	test_spill(to, data, len);
	free(data);
	off_err_clear(&err);
	assert_int_equal(off_key_load(e->scratch, e->w, "simple", "contosokey",
	    &k, &err), OFF_ERR_FORMAT);
	assert_null(k);
	assert_non_null(strstr(err.detail, "key_simple_exportkey"));
	/* The reduced copy in place of its original, and the other way. */
	test_key_path(e->kmdata, "xferacld", "contosokey", path, sizeof(path));
	test_slurp(path, &data, &len);
	test_spill(to, data, len);
	free(data);
	assert_int_equal(off_key_load(e->scratch, e->w, "simple", "contosokey",
	    &k, NULL), OFF_ERR_FORMAT);
	test_key_path(e->kmdata, "simple", "contosokey", path, sizeof(path));
	test_slurp(path, &data, &len);
	test_key_path(e->scratch, "xferacld", "contosokey", to, sizeof(to));
	test_spill(to, data, len);
	free(data);
	assert_int_equal(off_key_load(e->scratch, e->w, "xferacld",
	    "contosokey", &k, NULL), OFF_ERR_FORMAT);
	/* Under its own name it loads. */
	test_slurp(path, &data, &len);
	test_key_path(e->scratch, "simple", "contosokey", to, sizeof(to));
	test_spill(to, data, len);
	free(data);
	assert_int_equal(off_key_load(e->scratch, e->w, "simple", "contosokey",
	    &k, NULL), 0);
	off_key_free(&k);
}

/* --- reduce-acl --------------------------------------------------- */

static void
test_reduce_acl(void **state)
{
	struct env		*e = *state;
	struct off_key		*k, *r = NULL, *l = NULL;
	struct fe_script	 s;
	struct off_err		 err;
	EVP_PKEY		*pk = NULL, *rpk = NULL;
	json_t			*o, *oi, *h;
	uint8_t			 fp[32], fp2[32], *d1 = NULL, *d2 = NULL;
	char			 path[PATH_MAX], rpath[PATH_MAX], fphex[65];
	char			 buf[256];
	char			*before, *rbefore;
	size_t			 blen, rblen;
	int			 n1, n2;

	k = need_contoso(e);
	test_key_path(e->kmdata, "simple", "contosokey", path, sizeof(path));
	test_key_path(e->kmdata, "xferacld", "contosokey", rpath,
	    sizeof(rpath));
	if (test_exists(rpath)) {
		/* Another test made it first; start again. */
		assert_int_equal(unlink(rpath), 0);
	}
	test_slurp(path, &before, &blen);
	assert_int_equal(reduce(e, k, e->kek, "azure", quorum_pins, &s, &r,
	    &err), 0);
	assert_non_null(r);
	assert_int_equal(s.events[OFF_CARD_ACCEPTED], 2);
	assert_int_equal(s.next_pin, 2);
	assert_true(test_exists(rpath));
	assert_string_equal(off_key_file_name(r), "key_xferacld_contosokey");
	assert_string_equal(off_key_app(r), "xferacld");
	assert_string_equal(off_key_ident(r), "contosokey");

	/* Only export under the KEK: its fingerprint, its target. */
	assert_int_equal(off_key_fingerprint(e->kek, fp, NULL), 0);
	sha256_spki(e->kek, fp2);
	assert_memory_equal(fp, fp2, 32);
	assert_int_equal(off_key_acl(r)->groups, OFF_ACL_EXPORT_WRAPPED);
	assert_memory_equal(off_key_acl(r)->kek, fp, 32);
	assert_string_equal(off_key_acl(r)->target, "azure");
	assert_int_equal(off_key_load(e->kmdata, e->w, "xferacld",
	    "contosokey", &l, &err), 0);
	assert_int_equal(off_key_acl(l)->groups, OFF_ACL_EXPORT_WRAPPED);
	assert_memory_equal(off_key_acl(l)->kek, fp, 32);
	assert_string_equal(off_key_acl(l)->target, "azure");
	off_acl_words(off_key_acl(l), buf, sizeof(buf));
	assert_string_equal(buf, "export-wrapped");

	o = test_key_info(l);
	oi = test_key_info(k);
	off_hex(fp, 32, fphex);
	assert_string_equal(test_jstr(o, "acl_signer"), "world");
	assert_string_equal(test_jstr(o, "acl_words"), "export-wrapped");
	jnames(json_object_get(json_object_get(o, "acl"), "groups"), buf,
	    sizeof(buf));
	assert_string_equal(buf, "export-wrapped");
	assert_string_equal(test_jstr(json_object_get(o, "acl"), "kek"), fphex);
	assert_string_equal(test_jstr(json_object_get(o, "acl"), "target"),
	    "azure");
	assert_string_equal(test_jstr(o, "file"), "key_xferacld_contosokey");
	/* The same key: public part, plain name, type, module. */
	assert_string_equal(test_jstr(o, "fingerprint"),
	    test_jstr(oi, "fingerprint"));
	assert_string_equal(test_jstr(o, "plainname"),
	    test_jstr(oi, "plainname"));
	assert_string_equal(test_jstr(o, "type"), "rsa");
	assert_int_equal(json_integer_value(json_object_get(o, "size")), 2048);
	assert_string_equal(test_jstr(o, "module"), test_jstr(oi, "module"));
	assert_string_equal(test_jstr(o, "world"), test_jstr(oi, "world"));
	h = json_object_get(o, "history");
	assert_int_equal(json_array_size(h), 2);
	assert_string_equal(test_jstr(json_array_get(h, 0), "event"),
	    "created");
	assert_string_equal(test_jstr(json_array_get(h, 1), "event"),
	    "acl-reduced");
	assert_string_equal(test_jstr(json_array_get(h, 1), "ref"),
	    "key_simple_contosokey");
	json_decref(o);
	json_decref(oi);
	assert_int_equal(off_key_private(e->kmdata, e->w, k, &pk, NULL), 0);
	assert_int_equal(off_key_private(e->kmdata, e->w, l, &rpk, NULL), 0);
	assert_int_equal(EVP_PKEY_eq(pk, rpk), 1);
	n1 = pkcs8_der(pk, &d1);
	n2 = pkcs8_der(rpk, &d2);
	assert_int_equal(n1, n2);
	assert_memory_equal(d1, d2, (size_t)n1);
	OPENSSL_clear_free(d1, (size_t)n1);
	OPENSSL_clear_free(d2, (size_t)n2);
	EVP_PKEY_free(pk);
	EVP_PKEY_free(rpk);

	/* The original is untouched and keeps its ACL. */
	test_file_holds(path, before, blen);
	off_key_free(&l);
	assert_int_equal(off_key_load(e->kmdata, e->w, "simple", "contosokey",
	    &l, NULL), 0);
	assert_int_equal(off_key_acl(l)->groups, ACL_BORN);
	off_key_free(&l);

	/* A second reduced copy is refused before any card is asked for,
	 * and the first one stays. */
	test_slurp(rpath, &rbefore, &rblen);
	off_key_free(&r);
	assert_int_equal(reduce(e, k, e->kek, "aws", quorum_pins, &s, &r,
	    &err), OFF_ERR_EXISTS);
	assert_null(r);
	assert_int_equal(s.next_pin, 0);
	test_file_holds(rpath, rbefore, rblen);
	free(rbefore);
	free(before);
	off_key_free(&k);
}

static void
reduce_refused(struct env *e, const struct off_key *k, EVP_PKEY *kek,
    const char *target, const char *const *pins, int code)
{
	struct off_key		*r = NULL;
	struct fe_script	 s;
	struct off_err		 err;
	char			 rpath[PATH_MAX];
	unsigned		 before = test_count_files(e->kmdata, "");

	test_key_path(e->kmdata, "xferacld", off_key_ident(k), rpath,
	    sizeof(rpath));
	assert_int_equal(reduce(e, k, kek, target, pins, &s, &r, &err), code);
	assert_int_equal(err.code, code);
	assert_null(r);
	/* Nothing left behind: no copy, no temporary file. */
	assert_int_equal(test_count_files(e->kmdata, ""), before);
	if (code != OFF_ERR_DENIED)
		assert_false(test_exists(rpath));
	/* Parameters are checked before any card is asked for. */
	if (code != OFF_ERR_CANCELLED)
		assert_int_equal(s.next_pin, 0);
}

/* A DH key of 2048 bits (a named group: no parameters to generate). */
static EVP_PKEY *
dh2048(void)
{
	EVP_PKEY_CTX	*ctx;
	EVP_PKEY	*pk = NULL;
	OSSL_PARAM	 params[2];

	params[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_PKEY_PARAM_GROUP_NAME, (char *)(uintptr_t)"ffdhe2048", 0);
	params[1] = OSSL_PARAM_construct_end();
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
	assert_non_null(ctx);
	assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
	assert_int_equal(EVP_PKEY_CTX_set_params(ctx, params), 1);
	assert_int_equal(EVP_PKEY_generate(ctx, &pk), 1);
	EVP_PKEY_CTX_free(ctx);
	return pk;
}

static void
test_reduce_acl_refused(void **state)
{
	struct env	*e = *state;
	struct off_key	*k, *red;
	EVP_PKEY	*ec, *rsa1024, *ed, *dh;
	char		 target65[66];

	k = need_key(e, "byok-ec", "ec", 0, "p384", 0);
	red = need_reduced(e);
	/* The reduced copy has no change-acl: it cannot be reduced again,
	 * not even with a quorum. */
	assert_false(off_key_acl(red)->groups & OFF_ACL_CHANGE);
	reduce_refused(e, red, e->kek, "azure", quorum_pins, OFF_ERR_DENIED);
	/* KEKs that are not RSA 2048-4096. */
	ec = test_public_only(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"));
	rsa1024 = test_public_only(EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
	    (size_t)1024));
	ed = test_public_only(EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"));
	dh = test_public_only(dh2048());
	reduce_refused(e, k, ec, "azure", quorum_pins, OFF_ERR_INVALID);
	reduce_refused(e, k, rsa1024, "azure", quorum_pins, OFF_ERR_INVALID);
	reduce_refused(e, k, ed, NULL, quorum_pins, OFF_ERR_INVALID);
	/* 2048 bits, but not RSA. */
	assert_int_equal(EVP_PKEY_get_bits(dh), 2048);
	reduce_refused(e, k, dh, "azure", quorum_pins, OFF_ERR_INVALID);
	memset(target65, 't', 65);
	target65[65] = '\0';
	reduce_refused(e, k, e->kek, target65, quorum_pins, OFF_ERR_INVALID);
	/* One card of two, then no more PINs: cancelled, nothing written. */
	reduce_refused(e, k, e->kek, "azure", (const char *const[]){ "1111",
	    NULL }, OFF_ERR_CANCELLED);
	reduce_refused(e, k, e->kek, "azure", (const char *const[]){ NULL },
	    OFF_ERR_CANCELLED);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(rsa1024);
	EVP_PKEY_free(ed);
	EVP_PKEY_free(dh);
	off_key_free(&red);
	off_key_free(&k);
}

/* --- export ------------------------------------------------------- */

static void
export_refused(struct env *e, const struct off_key *k, int code,
    const char *detail)
{
	struct off_err	err;
	char		out[PATH_MAX];

	snprintf(out, sizeof(out), "%s/refused-%s.pem", e->dir,
	    off_key_file_name(k));
	off_err_clear(&err);
	assert_int_equal(off_key_export_plain(e->kmdata, e->w, k, out, &err),
	    code);
	if (detail != NULL && strstr(err.detail, detail) == NULL)
		fail_msg("\"%s\" not in \"%s\"", detail, err.detail);
	assert_false(test_exists(out));
}

static void
test_export(void **state)
{
	struct env		*e = *state;
	struct off_key_params	 p;
	struct off_key		*k, *red, *x, *aes;
	struct off_err		 err;
	struct stat		 sb;
	EVP_PKEY		*pk = NULL, *mine = NULL;
	BIO			*bio;
	json_t			*o;
	uint8_t			 fp[32];
	char			 out[PATH_MAX], fphex[65], *pem;
	size_t			 len;

	k = need_contoso(e);
	red = need_reduced(e);
	x = need_key(e, "exportkey", "rsa", 2048, NULL, 1);
	assert_int_equal(off_key_acl(x)->groups, ACL_BORN |
	    OFF_ACL_EXPORT_PLAIN);
	o = test_key_info(x);
	assert_string_equal(test_jstr(o, "acl_words"),
	    "sign, decrypt, export-plain, recover, change-acl");
	assert_string_equal(test_jstr(o, "acl_signer"), "module");

	export_refused(e, k, OFF_ERR_DENIED, "does not allow");
	export_refused(e, red, OFF_ERR_DENIED, "reduced");

	/* Allowed at birth: the PEM is the key. */
	snprintf(out, sizeof(out), "%s/exportkey.pem", e->exports);
	if (test_exists(out))
		assert_int_equal(unlink(out), 0);
	off_err_clear(&err);
	assert_int_equal(off_key_export_plain(e->kmdata, e->w, x, out, &err),
	    0);
	assert_int_equal(stat(out, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	test_slurp(out, &pem, &len);
	assert_int_equal(strncmp(pem, "-----BEGIN PRIVATE KEY-----\n", 28), 0);
	bio = BIO_new_mem_buf(pem, (int)len);
	assert_non_null(bio);
	pk = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	assert_non_null(pk);
	assert_true(EVP_PKEY_is_a(pk, "RSA"));
	assert_int_equal(EVP_PKEY_get_bits(pk), 2048);
	sha256_spki(pk, fp);
	off_hex(fp, 32, fphex);
	assert_string_equal(test_jstr(o, "fingerprint"), fphex);
	assert_int_equal(off_key_private(e->kmdata, e->w, x, &mine, NULL), 0);
	assert_int_equal(EVP_PKEY_eq(pk, mine), 1);
	EVP_PKEY_free(pk);
	EVP_PKEY_free(mine);
	/* Never over an existing file. */
	off_err_clear(&err);
	assert_int_equal(off_key_export_plain(e->kmdata, e->w, x, out, &err),
	    OFF_ERR_EXISTS);
	test_file_holds(out, pem, len);
	OPENSSL_cleanse(pem, len);
	free(pem);
	json_decref(o);

	/* An AES key can never be exported in the clear: not born
	 * exportable, and not exported. */
	test_key_params(&p, "export-aes", "aes", 256, NULL);
	p.exportable = 1;
	refused(e, &p, OFF_ERR_INVALID, "AES");
	aes = need_key(e, "export-aes", "aes", 256, NULL, 0);
	export_refused(e, aes, OFF_ERR_DENIED, NULL);

	off_key_free(&aes);
	off_key_free(&x);
	off_key_free(&red);
	off_key_free(&k);
}

/* --- another world ------------------------------------------------ */

static void
test_other_world(void **state)
{
	struct env		*e = *state;
	struct off_world	*b = NULL;
	struct off_key_params	 p;
	struct off_frontend	 fe;
	struct fe_script	 s;
	struct off_key		*k = NULL;
	struct off_err		 err;
	char			 bkm[PATH_MAX], path[PATH_MAX], *data;
	size_t			 len;

	assert_int_equal(test_make_world(e->dir, "b", 0, &b), 0);
	snprintf(bkm, sizeof(bkm), "%s/b/kmdata", e->dir);
	test_key_params(&p, "foreign", "ec", 0, "p256");
	fe_script_init(&fe, &s);
	assert_int_equal(off_key_generate(bkm, b, &p, &fe, &k, NULL), 0);
	off_key_free(&k);
	test_key_path(bkm, "simple", "foreign", path, sizeof(path));
	assert_int_equal(off_key_load_file(path, b, &k, NULL), 0);
	off_key_free(&k);
	/* Against world a, in place and copied into a's KMDATA. */
	off_err_clear(&err);
	assert_int_equal(off_key_load_file(path, e->w, &k, &err),
	    OFF_ERR_WRONG_WORLD);
	assert_null(k);
	assert_non_null(strstr(err.detail, "belongs to world"));
	test_slurp(path, &data, &len);
	test_key_path(e->scratch, "simple", "foreign", path, sizeof(path));
	test_spill(path, data, len);
	free(data);
	assert_int_equal(off_key_load(e->scratch, e->w, "simple", "foreign",
	    &k, &err), OFF_ERR_WRONG_WORLD);
	assert_null(k);
	/* And a's key is foreign to b. */
	k = need_contoso(e);
	off_key_free(&k);
	test_key_path(e->kmdata, "simple", "contosokey", path, sizeof(path));
	assert_int_equal(off_key_load_file(path, b, &k, NULL),
	    OFF_ERR_WRONG_WORLD);
	off_world_free(&b);
}

/* --- no plaintext private key in any file ------------------------- */

/* The body lines of a PEM (64 characters each, the last one shorter). */
static void
add_pem_lines(struct test_needles *ns, const char *what, const char *pem,
    size_t len)
{
	const char	*p = pem, *nl, *end = pem + len;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (*p != '-' && nl - p >= 16)
			test_add_needle(ns, what, p, (size_t)(nl - p));
		p = nl + 1;
	}
}

static void
add_bn(struct test_needles *ns, const char *what, EVP_PKEY *pk,
    const char *param, int pad)
{
	BIGNUM	*bn = NULL;
	uint8_t	 buf[1024];
	char	 hx[2049], name[64];
	int	 n;

	assert_int_equal(EVP_PKEY_get_bn_param(pk, param, &bn), 1);
	n = pad > 0 ? BN_bn2binpad(bn, buf, pad) : BN_bn2bin(bn, buf);
	assert_true(n >= 16 && (size_t)n <= sizeof(buf));
	test_add_needle(ns, what, buf, (size_t)n);
	/* Its first half alone, and in hex. */
	snprintf(name, sizeof(name), "%s (first half)", what);
	test_add_needle(ns, name, buf, (size_t)n / 2 < 16 ? 16 : (size_t)n / 2);
	off_hex(buf, (size_t)n, hx);
	snprintf(name, sizeof(name), "%s (hex)", what);
	test_add_needle(ns, name, hx, strlen(hx));
	OPENSSL_cleanse(buf, sizeof(buf));
	BN_clear_free(bn);
}

/* Drop the needles from first on that the public key holds as well
 * (a PEM line or a DER window within the modulus, say): those may
 * appear, in the key file's public_key. */
static void
drop_public(struct test_needles *ns, size_t first, EVP_PKEY *pk)
{
	uint8_t	*spki = NULL;
	char	*b64[3];
	size_t	 i, j, o;
	int	 n, public;

	n = i2d_PUBKEY(pk, &spki);
	assert_true(n > 3);
	for (o = 0; o < 3; o++) {
		b64[o] = malloc(OFF_B64_LEN((size_t)n));
		assert_non_null(b64[o]);
		off_b64(spki + o, (size_t)n - o, b64[o]);
	}
	for (i = j = first; i < ns->count; i++) {
		public = memmem(spki, (size_t)n, ns->n[i].p, ns->n[i].len) !=
		    NULL;
		for (o = 0; o < 3; o++)
			public |= memmem(b64[o], strlen(b64[o]), ns->n[i].p,
			    ns->n[i].len) != NULL;
		if (public) {
			free(ns->n[i].p);
			continue;
		}
		ns->n[j++] = ns->n[i];
	}
	ns->count = j;
	for (o = 0; o < 3; o++)
		free(b64[o]);
	OPENSSL_free(spki);
}

/* Everything a leak of pk would look like. */
static void
secrets_of(EVP_PKEY *pk, struct test_needles *ns)
{
	uint8_t	*der = NULL, *trad = NULL;
	char	*b64, *pem;
	BIO	*bio;
	long	 plen;
	size_t	 first = ns->count;
	int	 n, t;

	n = pkcs8_der(pk, &der);
	test_add_needle(ns, "PKCS#8 DER", der, (size_t)n);
	test_add_needle(ns, "PKCS#8 DER (middle)", der + n / 2, 32);
	b64 = malloc(OFF_B64_LEN((size_t)n));
	assert_non_null(b64);
	off_b64(der, (size_t)n, b64);
	test_add_needle(ns, "PKCS#8 DER in base64", b64, strlen(b64));
	test_add_needle(ns, "PKCS#8 DER in base64 (part)",
	    b64 + strlen(b64) / 2, 64);
	free(b64);
	t = i2d_PrivateKey(pk, &trad);
	assert_true(t > 0);
	test_add_needle(ns, "traditional DER", trad, (size_t)t);
	test_add_needle(ns, "traditional DER (middle)", trad + t / 2, 32);
	OPENSSL_clear_free(der, (size_t)n);
	OPENSSL_clear_free(trad, (size_t)t);
	bio = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL,
	    NULL), 1);
	plen = BIO_get_mem_data(bio, &pem);
	assert_true(plen > 0);
	add_pem_lines(ns, "PEM body line", pem, (size_t)plen);
	BIO_free(bio);
	bio = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_PKCS8PrivateKey(bio, pk, NULL, NULL, 0,
	    NULL, NULL), 1);
	plen = BIO_get_mem_data(bio, &pem);
	add_pem_lines(ns, "PKCS#8 PEM body line", pem, (size_t)plen);
	BIO_free(bio);
	if (EVP_PKEY_is_a(pk, "RSA")) {
		add_bn(ns, "RSA d", pk, OSSL_PKEY_PARAM_RSA_D, 0);
		add_bn(ns, "RSA p", pk, OSSL_PKEY_PARAM_RSA_FACTOR1, 0);
		add_bn(ns, "RSA q", pk, OSSL_PKEY_PARAM_RSA_FACTOR2, 0);
	} else
		add_bn(ns, "EC private scalar", pk, OSSL_PKEY_PARAM_PRIV_KEY,
		    (EVP_PKEY_get_bits(pk) + 7) / 8);
	drop_public(ns, first, pk);
	/* What is left is enough to tell a leak. */
	assert_true(ns->count - first >= 10);
}

/* The private keys of every key file in KMDATA: those born exportable
 * into *exportable, the others into *sealed. */
static unsigned
secrets_of_all(struct env *e, struct test_needles *sealed,
    struct test_needles *exportable)
{
	DIR		*d;
	struct dirent	*de;
	struct off_key	*k = NULL;
	EVP_PKEY	*pk = NULL;
	char		 path[PATH_MAX];
	unsigned	 n = 0;
	int		 ret;

	d = opendir(e->kmdata);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "key_", 4) != 0)
			continue;
		ret = snprintf(path, sizeof(path), "%s/%s", e->kmdata,
		    de->d_name);
		assert_true(ret > 0 && (size_t)ret < sizeof(path));
		assert_int_equal(off_key_load_file(path, e->w, &k, NULL), 0);
		if (off_key_private(e->kmdata, e->w, k, &pk, NULL) == 0) {
			secrets_of(pk, off_key_acl(k)->groups &
			    OFF_ACL_EXPORT_PLAIN ? exportable : sealed);
			EVP_PKEY_free(pk);
			n++;
		} else
			assert_null(pk);	/* AES */
		off_key_free(&k);
	}
	closedir(d);
	return n;
}

static void
test_no_plaintext_written(void **state)
{
	struct env	*e = *state;
	struct off_key	*k, *red, *ec, *x;
	struct test_needles	 sealed, exportable;
	char		 out[PATH_MAX];
	unsigned	 hits = 0, files;

	memset(&sealed, 0, sizeof(sealed));
	memset(&exportable, 0, sizeof(exportable));
	/* Generate, reduce, try the refused exports, export one that is
	 * allowed. */
	k = need_contoso(e);
	red = need_reduced(e);
	ec = need_key(e, "plain-ec", "ec", 0, "p521", 0);
	x = need_key(e, "exportkey", "rsa", 2048, NULL, 1);
	export_refused(e, k, OFF_ERR_DENIED, NULL);
	export_refused(e, red, OFF_ERR_DENIED, NULL);
	export_refused(e, ec, OFF_ERR_DENIED, NULL);
	snprintf(out, sizeof(out), "%s/plain-export.pem", e->exports);
	if (!test_exists(out))
		assert_int_equal(off_key_export_plain(e->kmdata, e->w, x, out,
		    NULL), 0);

	/* Every RSA and EC key in KMDATA (whichever other tests made). */
	assert_true(secrets_of_all(e, &sealed, &exportable) >= 4);
	assert_true(sealed.count > 0);
	assert_true(exportable.count > 0);

	/* No key that was never exported is in any file. */
	files = test_scan_tree(e->kmdata, NULL, &sealed, &hits, "a sealed key");
	assert_true(files >= 4);	/* world, module, key files */
	files = test_scan_tree(e->drawer, NULL, &sealed, &hits, "a sealed key");
	assert_int_equal(files, 3);
	files = test_scan_tree(e->dir, NULL, &sealed, &hits, "a sealed key");
	assert_true(files >= 10);
	assert_int_equal(hits, 0);

	/* An exported key is in its export (the search finds what it looks
	 * for) and nowhere else. */
	files = test_scan_tree(e->exports, NULL, &exportable, &hits, NULL);
	assert_true(files >= 1);
	assert_true(hits > 0);
	hits = 0;
	files = test_scan_tree(e->dir, e->exports, &exportable, &hits,
	    "an exportable key");
	assert_true(files >= 10);
	assert_int_equal(hits, 0);

	test_free_needles(&sealed);
	test_free_needles(&exportable);
	off_key_free(&x);
	off_key_free(&ec);
	off_key_free(&red);
	off_key_free(&k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ident_rules),
		cmocka_unit_test(test_acl_words),
		cmocka_unit_test(test_generate_every_type),
		cmocka_unit_test(test_generate_refused),
		cmocka_unit_test(test_rsa_1024_legacy),
		cmocka_unit_test(test_load_refused),
		cmocka_unit_test(test_reduce_acl),
		cmocka_unit_test(test_reduce_acl_refused),
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_tamper_every_field),
		cmocka_unit_test(test_acl_change_without_quorum),
		cmocka_unit_test(test_renamed_key_file),
		cmocka_unit_test(test_tamper_every_bit),
		cmocka_unit_test(test_other_world),
		cmocka_unit_test(test_no_plaintext_written),
	};

	off_platform_harden();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
