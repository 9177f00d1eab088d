/* KEK chains and training KEKs: off_training_make_kek's files (modes,
 * contents, the private key matching the public one, refusals that
 * change nothing), chains it makes verified against SHA-256 and SHA-1
 * pins with the report checked against OpenSSL; and chains built here
 * with OpenSSL for what it cannot make, each refused with its exact
 * code: another root, another key, a pinned intermediate or leaf, a
 * missing intermediate, a leaf without keyEncipherment, expired or not
 * yet valid certificates, a non-CA issuer, a bad signature, other PEM
 * blocks, damaged or stray text, too many certificates, KEKs that are
 * not RSA 2048-4096 and pins that are neither SHA-1 nor SHA-256. */
#include "config.h"

#include <sys/stat.h>

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

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "encode.h"
#include "error.h"
#include "fileio.h"
#include "kek.h"
#include "key.h"
#include "package.h"
#include "testlib.h"

#define DAY	86400L

static const char *const training_files[] = {
	OFF_TRAINING_KEK, OFF_TRAINING_KEK_PRIVATE, OFF_TRAINING_CHAIN,
	OFF_TRAINING_ROOT_FP, OFF_TRAINING_KEK_ID, OFF_TRAINING_README,
};
#define NFILES	(sizeof(training_files) / sizeof(training_files[0]))

/* What off_training_make_kek made in a directory, read back. */
struct made {
	char			 dir[1024], chain[1100];
	struct off_training_kek	 t;
	EVP_PKEY		*kek;		/* TRAINING-kek.pem */
	X509			*certs[3];	/* TRAINING-chain.pem */
	uint8_t			 root_sha256[32], root_sha1[20];
};

/* A hierarchy built here: root -> intermediate -> leaf for kek. */
struct env {
	char		*dir;
	struct made	 a, b;
	EVP_PKEY	*root_key, *inter_key, *kek, *other_key;
	X509		*root, *inter, *leaf;
	uint8_t		 root_pin[32];
	EVP_PKEY	*ec_kek, *rsa1024;
	unsigned	 nfiles;		/* bundles written */
};

/* --- certificates ------------------------------------------------- */

static void
digest(X509 *x, const EVP_MD *md, uint8_t *out, size_t want)
{
	unsigned	len;

	assert_int_equal(X509_digest(x, md, out, &len), 1);
	assert_int_equal(len, want);
}

/* A certificate for pub called cn, issued by issuer (NULL: itself)
 * and signed with ikey, valid from now+from to now+until seconds, with
 * basicConstraints bc and keyUsage ku when not NULL. */
static X509 *
make_cert(const char *cn, EVP_PKEY *pub, X509 *issuer, EVP_PKEY *ikey,
    const char *bc, const char *ku, long from, long until)
{
	static long	 serial = 1000;
	X509		*x = X509_new();
	X509_NAME	*n;
	X509_EXTENSION	*ext;
	X509V3_CTX	 v3;
	const char	*exts[8][2];
	unsigned	 i, ne = 0;

	assert_non_null(x);
	assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), serial++),
	    1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), from));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), until));
	n = X509_get_subject_name(x);
	assert_int_equal(X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
	    (const unsigned char *)"Officiant tests", -1, -1, 0), 1);
	assert_int_equal(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0), 1);
	assert_int_equal(X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : n), 1);
	assert_int_equal(X509_set_pubkey(x, pub), 1);
	if (bc != NULL) {
		exts[ne][0] = "basicConstraints";
		exts[ne++][1] = bc;
	}
	if (ku != NULL) {
		exts[ne][0] = "keyUsage";
		exts[ne++][1] = ku;
	}
	exts[ne][0] = "subjectKeyIdentifier";
	exts[ne++][1] = "hash";
	if (issuer != NULL) {
		exts[ne][0] = "authorityKeyIdentifier";
		exts[ne++][1] = "keyid:always";
	}
	X509V3_set_ctx(&v3, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	for (i = 0; i < ne; i++) {
		ext = X509V3_EXT_nconf(NULL, &v3, exts[i][0], exts[i][1]);
		assert_non_null(ext);
		assert_int_equal(X509_add_ext(x, ext, -1), 1);
		X509_EXTENSION_free(ext);
	}
	assert_true(X509_sign(x, ikey, EVP_sha256()) > 0);
	return x;
}

static X509 *
make_leaf(struct env *e, EVP_PKEY *pub, const char *ku, long from,
    long until)
{
	return make_cert("Test KEK", pub, e->inter, e->inter_key,
	    "critical,CA:FALSE", ku, from, until);
}

static void
pem_cert(BIO *b, X509 *x)
{
	assert_int_equal(PEM_write_bio_X509(b, x), 1);
}

/* A new bundle file of the certificates (NULL-ended) between the texts
 * before and after; its path in buf. */
static void
bundle(struct env *e, char *buf, size_t len, const char *before,
    const char *after, ...)
{
	BIO	*b = BIO_new(BIO_s_mem());
	X509	*x;
	char	 name[64], *data;
	long	 n;
	va_list	 ap;

	assert_non_null(b);
	if (before != NULL)
		assert_true(BIO_puts(b, before) >= 0);
	va_start(ap, after);
	while ((x = va_arg(ap, X509 *)) != NULL)
		pem_cert(b, x);
	va_end(ap);
	if (after != NULL)
		assert_true(BIO_puts(b, after) >= 0);
	snprintf(name, sizeof(name), "bundle-%u.pem", e->nfiles++);
	test_path(buf, len, e->dir, name);
	n = BIO_get_mem_data(b, &data);
	test_spill(buf, data, (size_t)n);
	BIO_free(b);
}

/* The PEM text of x (malloc'd). */
static char *
pem_of(X509 *x)
{
	BIO	*b = BIO_new(BIO_s_mem());
	char	*data, *s;
	long	 n;

	assert_non_null(b);
	pem_cert(b, x);
	n = BIO_get_mem_data(b, &data);
	s = strndup(data, (size_t)n);
	assert_non_null(s);
	BIO_free(b);
	return s;
}

/* --- verification ------------------------------------------------- */

static void
verify_ok(EVP_PKEY *kek, const char *path, const uint8_t *pin,
    size_t pinlen, struct off_kek_report *rep)
{
	struct off_err	err;

	off_err_clear(&err);
	if (off_kek_verify_chain(kek, path, pin, pinlen, rep, &err) != 0)
		fail_msg("%s does not verify: %s", path, err.detail);
}

/* The chain is refused with code, the detail holding want. */
static void
verify_refused(EVP_PKEY *kek, const char *path, const uint8_t *pin,
    size_t pinlen, int code, const char *want)
{
	struct off_kek_report	rep;
	struct off_err		err;
	uint8_t			fp[32];

	off_err_clear(&err);
	memset(&rep, 0xa5, sizeof(rep));
	assert_int_equal(off_kek_verify_chain(kek, path, pin, pinlen, &rep,
	    &err), code);
	assert_int_equal(err.code, code);
	if (want != NULL && strstr(err.detail, want) == NULL)
		fail_msg("\"%s\" is not in \"%s\"", want, err.detail);
	/* Never a chain reported for one that does not verify. */
	assert_true(rep.n == 0 || code == OFF_ERR_AUTH);
	if (code == OFF_ERR_INVALID && pinlen != 20 && pinlen != 32)
		return;
	/* What was learnt: the KEK's fingerprint. */
	assert_int_equal(off_key_fingerprint(kek, fp, NULL), 0);
	assert_memory_equal(rep.kek_fp, fp, 32);
}

/* --- setup -------------------------------------------------------- */

static void
make_training(struct env *e, struct made *m, const char *sub,
    unsigned bits)
{
	struct off_err	 err;
	char		 path[1100];
	FILE		*f;
	unsigned	 i;

	test_path(m->dir, sizeof(m->dir), e->dir, sub);
	test_path(m->chain, sizeof(m->chain), m->dir, OFF_TRAINING_CHAIN);
	off_err_clear(&err);
	if (off_training_make_kek(m->dir, bits, &m->t, &err) != 0)
		fail_msg("make-kek: %s", err.detail);
	test_path(path, sizeof(path), m->dir, OFF_TRAINING_KEK);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(m->kek = PEM_read_PUBKEY(f, NULL, NULL, NULL));
	fclose(f);
	assert_non_null(f = fopen(m->chain, "r"));
	for (i = 0; i < 3; i++)
		assert_non_null(m->certs[i] = PEM_read_X509(f, NULL, NULL,
		    NULL));
	fclose(f);
	digest(m->certs[2], EVP_sha256(), m->root_sha256, 32);
	digest(m->certs[2], EVP_sha1(), m->root_sha1, 20);
}

static void
free_made(struct made *m)
{
	unsigned	i;

	EVP_PKEY_free(m->kek);
	for (i = 0; i < 3; i++)
		X509_free(m->certs[i]);
}

static int
group_setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e->dir = test_tmpdir();
	make_training(e, &e->a, "a", 2048);
	make_training(e, &e->b, "b", 2048);
	e->root_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	e->inter_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	e->other_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	e->kek = test_rsa_kek(2048);
	e->ec_kek = test_public_only(EVP_PKEY_Q_keygen(NULL, NULL, "EC",
	    "P-256"));
	e->rsa1024 = test_rsa_kek(1024);
	assert_non_null(e->root_key);
	assert_non_null(e->inter_key);
	assert_non_null(e->other_key);
	e->root = make_cert("Test root", e->root_key, NULL, e->root_key,
	    "critical,CA:TRUE", "critical,keyCertSign,cRLSign", -DAY,
	    365 * DAY);
	e->inter = make_cert("Test intermediate", e->inter_key, e->root,
	    e->root_key, "critical,CA:TRUE,pathlen:0",
	    "critical,keyCertSign,cRLSign", -DAY, 365 * DAY);
	e->leaf = make_leaf(e, e->kek, "critical,keyEncipherment", -DAY,
	    30 * DAY);
	digest(e->root, EVP_sha256(), e->root_pin, 32);
	*state = e;
	return 0;
}

static int
group_teardown(void **state)
{
	struct env	*e = *state;

	free_made(&e->a);
	free_made(&e->b);
	EVP_PKEY_free(e->root_key);
	EVP_PKEY_free(e->inter_key);
	EVP_PKEY_free(e->other_key);
	EVP_PKEY_free(e->kek);
	EVP_PKEY_free(e->ec_kek);
	EVP_PKEY_free(e->rsa1024);
	X509_free(e->root);
	X509_free(e->inter);
	X509_free(e->leaf);
	test_rmtree(e->dir);
	free(e->dir);
	free(e);
	return 0;
}

/* --- off_training_make_kek ---------------------------------------- */

/* The subject ends with "CN=" cn. */
static void
subject_is(const char *subject, const char *cn)
{
	char	want[256];
	size_t	sl = strlen(subject), wl;

	snprintf(want, sizeof(want), "CN=%s", cn);
	wl = strlen(want);
	if (sl < wl || strcmp(subject + sl - wl, want) != 0)
		fail_msg("subject \"%s\" is not %s", subject, want);
}

/* Everything make-kek wrote into m->dir, checked. */
static void
check_made(const struct made *m, unsigned bits)
{
	struct off_kek_report	 rep;
	struct stat		 sb;
	EVP_PKEY		*priv;
	EVP_PKEY_CTX		*ctx;
	uint8_t			 pin[32], fp[32], ct[512], pt[512];
	size_t			 pinlen, ctlen = sizeof(ct);
	size_t			 ptlen = sizeof(pt);
	char			 path[1200], hex[65], *data, *nl;
	size_t			 len;
	FILE			*f;
	unsigned		 i;

	assert_int_equal(stat(m->dir, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(test_count_files(m->dir, ""), NFILES);
	for (i = 0; i < NFILES; i++) {
		test_path(path, sizeof(path), m->dir, training_files[i]);
		assert_int_equal(lstat(path, &sb), 0);
		assert_true(S_ISREG(sb.st_mode));
		if ((sb.st_mode & 07777) != 0600)
			fail_msg("%s has mode %o", path,
			    (unsigned)(sb.st_mode & 07777));
		assert_true(sb.st_size > 0);
	}
	/* The public KEK is RSA of bits, and its fingerprint is reported. */
	assert_true(EVP_PKEY_is_a(m->kek, "RSA"));
	assert_int_equal(EVP_PKEY_get_bits(m->kek), bits);
	assert_int_equal(off_kek_check(m->kek, NULL), 0);
	assert_int_equal(off_key_fingerprint(m->kek, fp, NULL), 0);
	assert_memory_equal(fp, m->t.kek_fp, 32);
	/* The private key is that key's: OAEP there and back. */
	test_path(path, sizeof(path), m->dir, OFF_TRAINING_KEK_PRIVATE);
	test_slurp(path, &data, &len);
	assert_non_null(strstr(data, "TRAINING"));
	free(data);
	assert_non_null(f = fopen(path, "r"));
	priv = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(priv);
	assert_int_equal(EVP_PKEY_eq(priv, m->kek), 1);
	assert_non_null(ctx = EVP_PKEY_CTX_new(m->kek, NULL));
	assert_int_equal(EVP_PKEY_encrypt_init(ctx), 1);
	assert_true(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING)
	    > 0);
	assert_int_equal(EVP_PKEY_encrypt(ctx, ct, &ctlen,
	    (const uint8_t *)"wrapped", 7), 1);
	EVP_PKEY_CTX_free(ctx);
	assert_non_null(ctx = EVP_PKEY_CTX_new(priv, NULL));
	assert_int_equal(EVP_PKEY_decrypt_init(ctx), 1);
	assert_true(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING)
	    > 0);
	assert_int_equal(EVP_PKEY_decrypt(ctx, pt, &ptlen, ct, ctlen), 1);
	EVP_PKEY_CTX_free(ctx);
	assert_int_equal(ptlen, 7);
	assert_memory_equal(pt, "wrapped", 7);
	EVP_PKEY_free(priv);
	/* The root fingerprint file is the root's SHA-256, as reported. */
	test_path(path, sizeof(path), m->dir, OFF_TRAINING_ROOT_FP);
	test_slurp(path, &data, &len);
	off_hex(m->root_sha256, 32, hex);
	assert_int_equal(len, 65);
	assert_memory_equal(data, hex, 64);
	assert_int_equal(data[64], '\n');
	if ((nl = strchr(data, '\n')) != NULL)
		*nl = '\0';
	assert_int_equal(off_unhex_fp(data, pin, sizeof(pin), &pinlen), 0);
	free(data);
	assert_int_equal(pinlen, 32);
	assert_memory_equal(pin, m->t.root_sha256, 32);
	assert_memory_equal(pin, m->root_sha256, 32);
	/* The key id, made up, on a line. */
	test_path(path, sizeof(path), m->dir, OFF_TRAINING_KEK_ID);
	test_slurp(path, &data, &len);
	assert_int_equal(strncmp(m->t.kek_id, "https://training.invalid/", 25),
	    0);
	assert_int_equal(len, strlen(m->t.kek_id) + 1);
	assert_memory_equal(data, m->t.kek_id, len - 1);
	free(data);
	test_path(path, sizeof(path), m->dir, OFF_TRAINING_README);
	test_slurp(path, &data, &len);
	assert_non_null(strstr(data, "TRAINING"));
	assert_non_null(strstr(data, hex));
	free(data);
	/* The chain verifies with the pin from the file; the report. */
	verify_ok(m->kek, m->chain, pin, 32, &rep);
	assert_int_equal(rep.n, 3);
	subject_is(rep.subject[0], "Officiant TRAINING KEK");
	subject_is(rep.subject[1], "Officiant TRAINING KEK issuing CA");
	subject_is(rep.subject[2], "Officiant TRAINING root CA");
	assert_non_null(strstr(rep.subject[0], "TRAINING - not for "
	    "production"));
	assert_memory_equal(rep.root_sha256, m->root_sha256, 32);
	assert_memory_equal(rep.root_sha1, m->root_sha1, 20);
	assert_memory_equal(rep.kek_fp, fp, 32);
}

static void
test_make_kek(void **state)
{
	struct env	*e = *state;

	check_made(&e->a, 2048);
	check_made(&e->b, 2048);
	/* Two runs, two different everything. */
	assert_memory_not_equal(e->a.root_sha256, e->b.root_sha256, 32);
	assert_memory_not_equal(e->a.t.kek_fp, e->b.t.kek_fp, 32);
	assert_string_not_equal(e->a.t.kek_id, e->b.t.kek_id);
}

static void
test_make_kek_3072(void **state)
{
	struct env	*e = *state;
	struct made	 m;

	memset(&m, 0, sizeof(m));
	make_training(e, &m, "size-3072/deeper", 3072);
	check_made(&m, 3072);
	free_made(&m);
}

static void
test_make_kek_sizes(void **state)
{
	static const unsigned	 bad[] = { 0, 512, 1024, 2047, 2049, 4097,
	    8192, 65536 };
	struct env		*e = *state;
	struct off_training_kek	 t;
	struct off_err		 err;
	char			 dir[1024];
	size_t			 i;

	test_path(dir, sizeof(dir), e->dir, "bad-size");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		off_err_clear(&err);
		memset(&t, 0x5a, sizeof(t));
		assert_int_equal(off_training_make_kek(dir, bad[i], &t, &err),
		    OFF_ERR_INVALID);
		assert_int_equal(err.code, OFF_ERR_INVALID);
		assert_non_null(strstr(err.detail, "2048, 3072 or 4096"));
		assert_string_equal(t.kek_id, "");
		/* Not even the directory. */
		assert_int_not_equal(access(dir, F_OK), 0);
	}
}

/* make-kek into dir, where the files named in present already are,
 * is refused and leaves dir exactly as it was. */
static void
exists_refused(const char *dir, const char *const *present, unsigned n)
{
	struct off_training_kek	 t;
	struct off_err		 err;
	struct test_snap		 sn[NFILES];
	char			 path[1200];
	unsigned		 i, before = test_count_files(dir, "");

	for (i = 0; i < n; i++) {
		test_path(path, sizeof(path), dir, present[i]);
		test_snap_take(path, &sn[i]);
	}
	off_err_clear(&err);
	assert_int_equal(off_training_make_kek(dir, 2048, &t, &err),
	    OFF_ERR_EXISTS);
	assert_int_equal(err.code, OFF_ERR_EXISTS);
	assert_non_null(strstr(err.detail, "already there"));
	assert_int_equal(test_count_files(dir, ""), before);
	for (i = 0; i < n; i++) {
		test_path(path, sizeof(path), dir, present[i]);
		test_snap_same(path, &sn[i]);
	}
}

static void
test_make_kek_exists(void **state)
{
	struct env	*e = *state;
	char		 dir[1024], path[1200];
	unsigned	 i;

	/* A directory that has them all. */
	exists_refused(e->a.dir, training_files, NFILES);
	/* Any one of them is enough, each written by someone else. */
	for (i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "one-%u", i);
		test_path(dir, sizeof(dir), e->dir, path);
		assert_int_equal(off_mkdirs(dir, NULL), 0);
		test_path(path, sizeof(path), dir, training_files[i]);
		test_spill(path, "someone else's\n", 15);
		exists_refused(dir, &training_files[i], 1);
	}
	/* After all that, the first run's chain still verifies. */
	check_made(&e->a, 2048);
}

/* --- chains from make-kek ----------------------------------------- */

static void
test_sha1_pin(void **state)
{
	struct env		*e = *state;
	struct off_kek_report	 rep;

	verify_ok(e->a.kek, e->a.chain, e->a.root_sha1, 20, &rep);
	assert_int_equal(rep.n, 3);
	assert_memory_equal(rep.root_sha1, e->a.root_sha1, 20);
	assert_memory_equal(rep.root_sha256, e->a.root_sha256, 32);
	assert_memory_equal(rep.kek_fp, e->a.t.kek_fp, 32);
	verify_ok(e->b.kek, e->b.chain, e->b.root_sha256, 32, &rep);
	assert_memory_equal(rep.kek_fp, e->b.t.kek_fp, 32);
}

static void
test_wrong_root(void **state)
{
	struct env	*e = *state;
	uint8_t		 pin[32];

	/* The other run's root, by SHA-256 and by SHA-1. */
	verify_refused(e->a.kek, e->a.chain, e->b.root_sha256, 32,
	    OFF_ERR_AUTH, "pinned root fingerprint");
	verify_refused(e->a.kek, e->a.chain, e->b.root_sha1, 20,
	    OFF_ERR_AUTH, "pinned root fingerprint");
	/* The SHA-1 given as the first 20 bytes of the SHA-256 is not it,
	 * nor a SHA-256 with one bit changed. */
	verify_refused(e->a.kek, e->a.chain, e->a.root_sha256, 20,
	    OFF_ERR_AUTH, "pinned root fingerprint");
	memcpy(pin, e->a.root_sha256, 32);
	pin[31] ^= 1;
	verify_refused(e->a.kek, e->a.chain, pin, 32, OFF_ERR_AUTH,
	    "pinned root fingerprint");
}

static void
test_other_key(void **state)
{
	struct env	*e = *state;

	/* B's KEK with A's chain (and A's pin, or B's). */
	verify_refused(e->b.kek, e->a.chain, e->a.root_sha256, 32,
	    OFF_ERR_AUTH, "certifies another key");
	verify_refused(e->b.kek, e->a.chain, e->b.root_sha256, 32,
	    OFF_ERR_AUTH, "certifies another key");
	verify_refused(e->a.kek, e->b.chain, e->b.root_sha256, 32,
	    OFF_ERR_AUTH, "certifies another key");
	verify_refused(e->kek, e->a.chain, e->a.root_sha256, 32,
	    OFF_ERR_AUTH, "certifies another key");
}

static void
test_pin_length(void **state)
{
	static const size_t	 lens[] = { 0, 1, 16, 19, 21, 28, 31, 33, 48,
	    64 };
	struct env		*e = *state;
	struct off_kek_report	 rep;
	struct off_err		 err;
	uint8_t			 pin[64], zero[sizeof(rep)];
	size_t			 i;

	memset(pin, 0, sizeof(pin));
	memcpy(pin, e->a.root_sha256, 32);
	memset(zero, 0, sizeof(zero));
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		off_err_clear(&err);
		memset(&rep, 0xa5, sizeof(rep));
		assert_int_equal(off_kek_verify_chain(e->a.kek, e->a.chain,
		    pin, lens[i], &rep, &err), OFF_ERR_INVALID);
		assert_int_equal(err.code, OFF_ERR_INVALID);
		assert_non_null(strstr(err.detail, "SHA-256"));
		assert_memory_equal(&rep, zero, sizeof(rep));
	}
}

static void
test_pinned_intermediate(void **state)
{
	struct env	*e = *state;
	uint8_t		 inter256[32], inter1[20], leaf256[32];
	char		 path[1024];

	digest(e->a.certs[1], EVP_sha256(), inter256, 32);
	digest(e->a.certs[1], EVP_sha1(), inter1, 20);
	digest(e->a.certs[0], EVP_sha256(), leaf256, 32);
	/* The whole chain, the intermediate pinned: not a root. */
	verify_refused(e->a.kek, e->a.chain, inter256, 32, OFF_ERR_AUTH,
	    "does not verify up to the pinned root");
	verify_refused(e->a.kek, e->a.chain, inter1, 20, OFF_ERR_AUTH,
	    "does not verify up to the pinned root");
	/* Without the root. */
	bundle(e, path, sizeof(path), NULL, NULL, e->a.certs[0],
	    e->a.certs[1], (X509 *)NULL);
	verify_refused(e->a.kek, path, inter256, 32, OFF_ERR_AUTH,
	    "does not verify up to the pinned root");
	/* Nor is the leaf a root. */
	verify_refused(e->a.kek, e->a.chain, leaf256, 32, OFF_ERR_AUTH,
	    "does not verify up to the pinned root");
	bundle(e, path, sizeof(path), NULL, NULL, e->a.certs[0],
	    (X509 *)NULL);
	verify_refused(e->a.kek, path, leaf256, 32, OFF_ERR_AUTH, NULL);
}

static void
test_missing_intermediate(void **state)
{
	struct env	*e = *state;
	char		 path[1024];

	bundle(e, path, sizeof(path), NULL, NULL, e->a.certs[0],
	    e->a.certs[2], (X509 *)NULL);
	verify_refused(e->a.kek, path, e->a.root_sha256, 32, OFF_ERR_AUTH,
	    "does not verify up to the pinned root");
	/* The leaf alone. */
	bundle(e, path, sizeof(path), NULL, NULL, e->a.certs[0],
	    (X509 *)NULL);
	verify_refused(e->a.kek, path, e->a.root_sha256, 32, OFF_ERR_AUTH,
	    "pinned root fingerprint");
	/* B's intermediate in the middle of A's chain. */
	bundle(e, path, sizeof(path), NULL, NULL, e->a.certs[0],
	    e->b.certs[1], e->a.certs[2], (X509 *)NULL);
	verify_refused(e->a.kek, path, e->a.root_sha256, 32, OFF_ERR_AUTH,
	    "does not verify");
}

static void
test_order(void **state)
{
	struct env		*e = *state;
	struct off_kek_report	 rep;
	char			 path[1024];

	/* The leaf comes first... */
	bundle(e, path, sizeof(path), NULL, NULL, e->a.certs[2],
	    e->a.certs[1], e->a.certs[0], (X509 *)NULL);
	verify_refused(e->a.kek, path, e->a.root_sha256, 32, OFF_ERR_AUTH,
	    "certifies another key");
	/* ...the others in any order; the report goes leaf to root. */
	bundle(e, path, sizeof(path), NULL, NULL, e->a.certs[0],
	    e->a.certs[2], e->a.certs[1], (X509 *)NULL);
	verify_ok(e->a.kek, path, e->a.root_sha256, 32, &rep);
	assert_int_equal(rep.n, 3);
	subject_is(rep.subject[0], "Officiant TRAINING KEK");
	subject_is(rep.subject[2], "Officiant TRAINING root CA");
}

/* --- chains built here -------------------------------------------- */

static void
test_own_chain(void **state)
{
	struct env		*e = *state;
	struct off_kek_report	 rep;
	X509			*leaf;
	uint8_t			 sha1[20], fp[32];
	char			 path[1024], text[4096], *old, *body, *end;

	bundle(e, path, sizeof(path), NULL, NULL, e->leaf, e->inter, e->root,
	    (X509 *)NULL);
	verify_ok(e->kek, path, e->root_pin, 32, &rep);
	assert_int_equal(rep.n, 3);
	subject_is(rep.subject[0], "Test KEK");
	subject_is(rep.subject[1], "Test intermediate");
	subject_is(rep.subject[2], "Test root");
	assert_memory_equal(rep.root_sha256, e->root_pin, 32);
	digest(e->root, EVP_sha1(), sha1, 20);
	assert_memory_equal(rep.root_sha1, sha1, 20);
	assert_int_equal(off_key_fingerprint(e->kek, fp, NULL), 0);
	assert_memory_equal(rep.kek_fp, fp, 32);
	verify_ok(e->kek, path, sha1, 20, &rep);
	/* keyEncipherment among others, or no keyUsage at all. */
	leaf = make_leaf(e, e->kek, "critical,digitalSignature,"
	    "keyEncipherment", -DAY, DAY);
	bundle(e, path, sizeof(path), NULL, NULL, leaf, e->inter, e->root,
	    (X509 *)NULL);
	verify_ok(e->kek, path, e->root_pin, 32, &rep);
	X509_free(leaf);
	leaf = make_leaf(e, e->kek, NULL, -DAY, DAY);
	bundle(e, path, sizeof(path), NULL, NULL, leaf, e->inter, e->root,
	    (X509 *)NULL);
	verify_ok(e->kek, path, e->root_pin, 32, &rep);
	X509_free(leaf);
	/* A certificate block under its old name, "X509 CERTIFICATE". */
	old = pem_of(e->root);
	body = strchr(old, '\n');
	assert_non_null(body);
	assert_non_null(end = strstr(body, "-----END CERTIFICATE-----"));
	*end = '\0';
	snprintf(text, sizeof(text), "-----BEGIN X509 CERTIFICATE-----%s"
	    "-----END X509 CERTIFICATE-----\n", body);
	free(old);
	bundle(e, path, sizeof(path), NULL, text, e->leaf, e->inter,
	    (X509 *)NULL);
	verify_ok(e->kek, path, e->root_pin, 32, &rep);
	assert_int_equal(rep.n, 3);
}

static void
test_no_key_encipherment(void **state)
{
	struct env	*e = *state;
	X509		*leaf;
	char		 path[1024];

	leaf = make_leaf(e, e->kek, "critical,digitalSignature", -DAY, DAY);
	bundle(e, path, sizeof(path), NULL, NULL, leaf, e->inter, e->root,
	    (X509 *)NULL);
	verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_AUTH,
	    "does not allow key encipherment");
	X509_free(leaf);
	leaf = make_leaf(e, e->kek, "critical,dataEncipherment,keyAgreement",
	    -DAY, DAY);
	bundle(e, path, sizeof(path), NULL, NULL, leaf, e->inter, e->root,
	    (X509 *)NULL);
	verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_AUTH,
	    "does not allow key encipherment");
	X509_free(leaf);
}

static void
test_validity(void **state)
{
	struct env	*e = *state;
	X509		*leaf, *root, *inter;
	uint8_t		 pin[32];
	char		 path[1024];

	/* Expired yesterday. */
	leaf = make_leaf(e, e->kek, "critical,keyEncipherment", -2 * DAY,
	    -DAY);
	bundle(e, path, sizeof(path), NULL, NULL, leaf, e->inter, e->root,
	    (X509 *)NULL);
	verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_AUTH,
	    "expired");
	X509_free(leaf);
	/* Valid from tomorrow. */
	leaf = make_leaf(e, e->kek, "critical,keyEncipherment", DAY,
	    2 * DAY);
	bundle(e, path, sizeof(path), NULL, NULL, leaf, e->inter, e->root,
	    (X509 *)NULL);
	verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_AUTH,
	    "not yet valid");
	X509_free(leaf);
	/* An expired intermediate. */
	inter = make_cert("Test intermediate", e->inter_key, e->root,
	    e->root_key, "critical,CA:TRUE,pathlen:0",
	    "critical,keyCertSign,cRLSign", -2 * DAY, -DAY);
	bundle(e, path, sizeof(path), NULL, NULL, e->leaf, inter, e->root,
	    (X509 *)NULL);
	verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_AUTH,
	    "expired");
	X509_free(inter);
	/* The pinned root itself expired (same name and key). */
	root = make_cert("Test root", e->root_key, NULL, e->root_key,
	    "critical,CA:TRUE", "critical,keyCertSign,cRLSign", -2 * DAY,
	    -DAY);
	digest(root, EVP_sha256(), pin, 32);
	bundle(e, path, sizeof(path), NULL, NULL, e->leaf, e->inter, root,
	    (X509 *)NULL);
	verify_refused(e->kek, path, pin, 32, OFF_ERR_AUTH, "expired");
	X509_free(root);
}

static void
test_bad_issuer(void **state)
{
	struct env	*e = *state;
	X509		*inter, *leaf;
	char		 path[1024];

	/* An issuer that is no CA. */
	inter = make_cert("Test intermediate", e->inter_key, e->root,
	    e->root_key, "critical,CA:FALSE", "critical,digitalSignature",
	    -DAY, 365 * DAY);
	bundle(e, path, sizeof(path), NULL, NULL, e->leaf, inter, e->root,
	    (X509 *)NULL);
	verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_AUTH,
	    "does not verify up to the pinned root");
	X509_free(inter);
	/* A leaf naming the intermediate but signed by another key. */
	leaf = make_cert("Test KEK", e->kek, e->inter, e->other_key,
	    "critical,CA:FALSE", "critical,keyEncipherment", -DAY, DAY);
	bundle(e, path, sizeof(path), NULL, NULL, leaf, e->inter, e->root,
	    (X509 *)NULL);
	verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_AUTH,
	    "does not verify up to the pinned root");
	X509_free(leaf);
	/* Our leaf and intermediate under make-kek's root. */
	bundle(e, path, sizeof(path), NULL, NULL, e->leaf, e->inter,
	    e->a.certs[2], (X509 *)NULL);
	verify_refused(e->kek, path, e->a.root_sha256, 32, OFF_ERR_AUTH,
	    "does not verify up to the pinned root");
}

/* --- bundles that are not just certificates ----------------------- */

static void
test_other_blocks(void **state)
{
	struct env	*e = *state;
	BIO		*b;
	char		*key, path[1024], text[8192];
	long		 n;

	assert_non_null(b = BIO_new(BIO_s_mem()));
	assert_int_equal(PEM_write_bio_PUBKEY(b, e->kek), 1);
	n = BIO_get_mem_data(b, &key);
	snprintf(text, sizeof(text), "%.*s", (int)n, key);
	BIO_free(b);
	/* A public key between the certificates, or first. */
	{
		char	*leaf = pem_of(e->leaf), *all;
		size_t	 len = strlen(leaf) + strlen(text) + 1;

		assert_non_null(all = malloc(len));
		snprintf(all, len, "%s%s", leaf, text);
		bundle(e, path, sizeof(path), all, NULL, e->inter, e->root,
		    (X509 *)NULL);
		verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_FORMAT,
		    "block 2 is a \"PUBLIC KEY\", not a certificate");
		free(all);
		free(leaf);
	}
	bundle(e, path, sizeof(path), text, NULL, e->leaf, e->inter, e->root,
	    (X509 *)NULL);
	verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_FORMAT,
	    "block 1 is a \"PUBLIC KEY\"");
	/* Or last. */
	bundle(e, path, sizeof(path), NULL, text, e->leaf, e->inter, e->root,
	    (X509 *)NULL);
	verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_FORMAT,
	    "block 4 is a \"PUBLIC KEY\"");
	/* A trusted certificate is not a plain one. */
	assert_non_null(b = BIO_new(BIO_s_mem()));
	assert_int_equal(PEM_write_bio_X509_AUX(b, e->root), 1);
	n = BIO_get_mem_data(b, &key);
	snprintf(text, sizeof(text), "%.*s", (int)n, key);
	BIO_free(b);
	bundle(e, path, sizeof(path), NULL, text, e->leaf, e->inter,
	    (X509 *)NULL);
	verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_FORMAT,
	    "\"TRUSTED CERTIFICATE\"");
}

static void
test_damaged(void **state)
{
	struct env	*e = *state;
	char		 path[1024], *root, *p;
	struct test_snap	 sn;

	/* A block that never ends. */
	bundle(e, path, sizeof(path), NULL, "-----BEGIN CERTIFICATE-----\n"
	    "MIIBszCCAVmgAwIBAgIUJ\n", e->leaf, e->inter, e->root,
	    (X509 *)NULL);
	verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_FORMAT,
	    "damaged PEM after certificate 3");
	/* Base64 that is not. */
	root = pem_of(e->root);
	p = strchr(root, '\n') + 5;
	*p = '*';
	bundle(e, path, sizeof(path), NULL, root, e->leaf, e->inter,
	    (X509 *)NULL);
	free(root);
	verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_FORMAT,
	    "damaged PEM after certificate 2");
	/* A block that holds more than the certificate. */
	{
		unsigned char	*der = NULL, *more;
		int		 len = i2d_X509(e->root, &der);
		BIO		*b;
		char		*data;
		long		 n;

		assert_true(len > 0);
		assert_non_null(more = malloc((size_t)len + 4));
		memcpy(more, der, (size_t)len);
		memcpy(more + len, "\x05\x00\x05\x00", 4);
		assert_non_null(b = BIO_new(BIO_s_mem()));
		assert_true(PEM_write_bio(b, "CERTIFICATE", "", more,
		    len + 4) > 0);
		n = BIO_get_mem_data(b, &data);
		root = strndup(data, (size_t)n);
		BIO_free(b);
		OPENSSL_free(der);
		free(more);
	}
	bundle(e, path, sizeof(path), NULL, root, e->leaf, e->inter,
	    (X509 *)NULL);
	free(root);
	verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_FORMAT,
	    "certificate 3 does not decode");
	/* A certificate block holding a key. */
	{
		unsigned char	*der = NULL;
		int		 len = i2d_PUBKEY(e->kek, &der);
		BIO		*b;
		char		*data;
		long		 n;

		assert_true(len > 0);
		assert_non_null(b = BIO_new(BIO_s_mem()));
		assert_true(PEM_write_bio(b, "CERTIFICATE", "", der, len) > 0);
		n = BIO_get_mem_data(b, &data);
		root = strndup(data, (size_t)n);
		BIO_free(b);
		OPENSSL_free(der);
	}
	bundle(e, path, sizeof(path), root, NULL, (X509 *)NULL);
	free(root);
	verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_FORMAT,
	    "certificate 1 does not decode");
	/* The bundle is read, never written. */
	bundle(e, path, sizeof(path), NULL, NULL, e->leaf, e->inter, e->root,
	    (X509 *)NULL);
	test_snap_take(path, &sn);
	verify_refused(e->ec_kek, path, e->root_pin, 32, OFF_ERR_INVALID,
	    NULL);
	verify_refused(e->a.kek, path, e->root_pin, 32, OFF_ERR_AUTH, NULL);
	test_snap_same(path, &sn);
}

/* The bundle of leaf, intermediate and root with the blocks joined by
 * sep, between before and after (the blocks themselves in CRLF when
 * crlf). */
static void
joined(struct env *e, char *path, size_t len, const char *before,
    const char *sep, const char *after, int crlf)
{
	X509	*certs[3] = { e->leaf, e->inter, e->root };
	char	 text[16384], *pem, *p;
	size_t	 n = 0, i;
	FILE	*f;

	n += (size_t)snprintf(text + n, sizeof(text) - n, "%s", before);
	for (i = 0; i < 3; i++) {
		pem = pem_of(certs[i]);
		for (p = pem; *p != '\0'; p++) {
			if (*p == '\n' && crlf)
				text[n++] = '\r';
			text[n++] = *p;
			assert_true(n + 2 < sizeof(text));
		}
		free(pem);
		if (i < 2)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s",
			    sep);
	}
	n += (size_t)snprintf(text + n, sizeof(text) - n, "%s", after);
	assert_true(n < sizeof(text));
	snprintf(text + sizeof(text) - 64, 64, "bundle-%u.pem", e->nfiles++);
	test_path(path, len, e->dir, text + sizeof(text) - 64);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fwrite(text, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void
test_stray_text(void **state)
{
	static const char	*const stray[][3] = {
		/* before, between, after */
		{ "", "", "garbage after the chain\n" },
		{ "", "", "garbage without a newline" },
		{ "", "", "\x01\x02\xff" },
		{ "text before the chain\n", "", "" },
		{ "subject=/CN=Test KEK\n", "", "" },
		{ "", "\nissuer=/CN=Test root\n", "" },
		{ "", "# a comment\n", "" },
		{ "", "", "\n\n  .\n" },
		/* A BEGIN line OpenSSL does not take, hiding what follows. */
		{ "-----BEGIN junk\nhidden text\n", "", "" },
		{ "  -----BEGIN CERTIFICATE-----\nhidden text\n", "", "" },
		{ "", "-----BEGIN\n", "" },
	};
	struct env		*e = *state;
	struct off_kek_report	 rep;
	char			 path[1024];
	size_t			 i;

	/* Blank space around and between the blocks, CRLF lines. */
	joined(e, path, sizeof(path), "", "", "", 0);
	verify_ok(e->kek, path, e->root_pin, 32, &rep);
	joined(e, path, sizeof(path), "\n \n\t\n", "\n\n  \r\n", "\n\n ",
	    0);
	verify_ok(e->kek, path, e->root_pin, 32, &rep);
	joined(e, path, sizeof(path), "\r\n", "\r\n", "\r\n", 1);
	verify_ok(e->kek, path, e->root_pin, 32, &rep);
	assert_int_equal(rep.n, 3);
	/* Anything else in the file is an error, so that nothing can hide
	 * in a bundle. */
	for (i = 0; i < sizeof(stray) / sizeof(stray[0]); i++) {
		joined(e, path, sizeof(path), stray[i][0], stray[i][1],
		    stray[i][2], 0);
		verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_FORMAT,
		    NULL);
	}
	joined(e, path, sizeof(path), "", "", "garbage\n", 0);
	verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_FORMAT,
	    "text outside the PEM blocks after certificate 3");
	joined(e, path, sizeof(path), "", "comment\n", "", 0);
	verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_FORMAT,
	    "text outside the PEM blocks after certificate 1");
}

static void
test_empty(void **state)
{
	struct env	*e = *state;
	char		 path[1024];

	bundle(e, path, sizeof(path), NULL, NULL, (X509 *)NULL);
	verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_FORMAT,
	    "no PEM certificate");
	bundle(e, path, sizeof(path), "\n\n  \n", NULL, (X509 *)NULL);
	verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_FORMAT,
	    "no PEM certificate");
	test_path(path, sizeof(path), e->dir, "no-such-bundle.pem");
	verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_NOT_FOUND,
	    NULL);
	/* A directory, a symbolic link. */
	verify_refused(e->kek, e->dir, e->root_pin, 32, OFF_ERR_FORMAT,
	    "not a regular file");
	test_path(path, sizeof(path), e->dir, "link.pem");
	assert_int_equal(symlink(e->a.chain, path), 0);
	verify_refused(e->a.kek, path, e->a.root_sha256, 32, OFF_ERR_FORMAT,
	    "symbolic link");
}

static void
test_too_many(void **state)
{
	struct env		*e = *state;
	struct off_kek_report	 rep;
	char			 path[1024], *root, *all;
	size_t			 rl, i;

	/* OFF_CHAIN_MAX certificates: the chain and copies of its root. */
	root = pem_of(e->root);
	rl = strlen(root);
	assert_non_null(all = calloc(OFF_CHAIN_MAX, rl + 1));
	for (i = 0; i < OFF_CHAIN_MAX - 3; i++)
		strcat(all, root);
	bundle(e, path, sizeof(path), NULL, all, e->leaf, e->inter, e->root,
	    (X509 *)NULL);
	verify_ok(e->kek, path, e->root_pin, 32, &rep);
	assert_int_equal(rep.n, 3);
	/* One more. */
	strcat(all, root);
	bundle(e, path, sizeof(path), NULL, all, e->leaf, e->inter, e->root,
	    (X509 *)NULL);
	verify_refused(e->kek, path, e->root_pin, 32, OFF_ERR_TOO_LARGE,
	    "more than 16 certificates");
	free(all);
	free(root);
}

static void
test_kek_refused(void **state)
{
	struct env	*e = *state;
	X509		*leaf;
	char		 path[1024];

	/* Chains that would verify, for KEKs that are not RSA 2048-4096. */
	leaf = make_leaf(e, e->ec_kek, "critical,keyAgreement,"
	    "keyEncipherment", -DAY, DAY);
	bundle(e, path, sizeof(path), NULL, NULL, leaf, e->inter, e->root,
	    (X509 *)NULL);
	verify_refused(e->ec_kek, path, e->root_pin, 32, OFF_ERR_INVALID,
	    "RSA public key of 2048, 3072 or 4096");
	X509_free(leaf);
	leaf = make_leaf(e, e->rsa1024, "critical,keyEncipherment", -DAY,
	    DAY);
	bundle(e, path, sizeof(path), NULL, NULL, leaf, e->inter, e->root,
	    (X509 *)NULL);
	verify_refused(e->rsa1024, path, e->root_pin, 32, OFF_ERR_INVALID,
	    "RSA public key of 2048, 3072 or 4096");
	X509_free(leaf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_make_kek),
		cmocka_unit_test(test_make_kek_3072),
		cmocka_unit_test(test_make_kek_sizes),
		cmocka_unit_test(test_make_kek_exists),
		cmocka_unit_test(test_sha1_pin),
		cmocka_unit_test(test_wrong_root),
		cmocka_unit_test(test_other_key),
		cmocka_unit_test(test_pin_length),
		cmocka_unit_test(test_pinned_intermediate),
		cmocka_unit_test(test_missing_intermediate),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_own_chain),
		cmocka_unit_test(test_no_key_encipherment),
		cmocka_unit_test(test_validity),
		cmocka_unit_test(test_bad_issuer),
		cmocka_unit_test(test_other_blocks),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_stray_text),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_kek_refused),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
