/* A key's life after birth: import of existing software keys (PEM,
 * encrypted PKCS#8 in PEM and DER, PKCS#12 with and without a
 * certificate; wrong, missing and legacy cases), backup and recovery
 * into a world restored from a backup older than the key (and the
 * refusals: another world, a reduced copy, an existing file, a renamed
 * backup), and re-keying with decrypt-only old versions. The import
 * password is in no file written. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
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
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "error.h"
#include "fe-script.h"
#include "fileio.h"
#include "json.h"
#include "key.h"
#include "platform.h"
#include "slot.h"
#include "world.h"

static const char *const quorum_pins[] = { "1111", "2222", NULL };

/* The source files' password, and a wrong one; neither may ever be
 * written anywhere. */
#define PASSWORD	"slc-Protection-Pw-7731"
#define BAD_PASSWORD	"not-the-Password-4242"

static const char *const with_password[] = { PASSWORD, NULL };
static const char *const with_bad_password[] = { BAD_PASSWORD, NULL };
static const char *const no_answer[] = { NULL };

#define ACL_BORN	(OFF_ACL_SIGN | OFF_ACL_DECRYPT | OFF_ACL_RECOVER | \
	OFF_ACL_CHANGE)
#define ACL_BORN_AES	(OFF_ACL_DECRYPT | OFF_ACL_RECOVER | OFF_ACL_CHANGE)
#define ACL_OLD		(OFF_ACL_DECRYPT | OFF_ACL_RECOVER)

/* World a with its KMDATA and cards, a backup of it taken before any
 * key existed, and (made when first needed) world a restored from that
 * backup into a second KMDATA, and an unrelated world b. */
struct env {
	char			*dir;
	char			 kmdata[1024], drawer[1024], wbak[1024];
	char			 sources[1024], scratch[1024];
	char			 kmdata2[1024], kmdata_b[1024];
	struct off_world	*w, *w2, *wb;
	EVP_PKEY		*kek;	/* RSA 2048, public part only */
	/* The keys the import tests start from. */
	EVP_PKEY		*rsa2048, *p256, *rsa1024;
};

static int
group_setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e->dir = test_tmpdir();
	assert_int_equal(test_make_world(e->dir, "a", 0, &e->w), 0);
	test_world_paths(e->dir, "a", e->kmdata, e->drawer, sizeof(e->kmdata));
	test_path(e->wbak, sizeof(e->wbak), e->dir, "world-backup-early");
	test_path(e->sources, sizeof(e->sources), e->dir, "sources");
	test_path(e->scratch, sizeof(e->scratch), e->dir, "scratch");
	test_path(e->kmdata2, sizeof(e->kmdata2), e->dir, "restored/kmdata");
	test_path(e->kmdata_b, sizeof(e->kmdata_b), e->dir, "b/kmdata");
	/* The world backup is older than every key. */
	assert_int_equal(off_world_backup(e->kmdata, e->wbak, NULL), 0);
	assert_int_equal(test_count_files(e->wbak, ""), 1);
	assert_int_equal(off_mkdirs(e->sources, NULL), 0);
	assert_int_equal(off_mkdirs(e->scratch, NULL), 0);
	e->kek = test_rsa_kek(2048);
	e->rsa2048 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	e->p256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	e->rsa1024 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	assert_non_null(e->rsa2048);
	assert_non_null(e->p256);
	assert_non_null(e->rsa1024);
	*state = e;
	return 0;
}

static int
group_teardown(void **state)
{
	struct env	*e = *state;

	EVP_PKEY_free(e->kek);
	EVP_PKEY_free(e->rsa2048);
	EVP_PKEY_free(e->p256);
	EVP_PKEY_free(e->rsa1024);
	off_world_free(&e->w);
	off_world_free(&e->w2);
	off_world_free(&e->wb);
	test_rmtree(e->dir);
	free(e->dir);
	free(e);
	return 0;
}

/* --- helpers ------------------------------------------------------ */

/* Two files hold the same bytes. */
static void
same_bytes(const char *a, const char *b)
{
	char	*da, *db;
	size_t	 la, lb;

	test_slurp(a, &da, &la);
	test_slurp(b, &db, &lb);
	if (la != lb || memcmp(da, db, la) != 0)
		fail_msg("%s and %s differ", a, b);
	free(da);
	free(db);
}

/* key_simple_<ident> loaded, generating it first if needed. */
static struct off_key *
need_key(struct env *e, const char *ident, const char *type, unsigned size,
    const char *curve, int legacy)
{
	struct off_key_params	 p;

	test_key_params(&p, ident, type, size, curve);
	p.allow_legacy = legacy;
	return test_need_key(e->kmdata, e->w, &p);
}

static EVP_PKEY *
private_of(const char *kmdata, const struct off_world *w,
    const struct off_key *k)
{
	EVP_PKEY	*pk = NULL;
	struct off_err	 err;

	off_err_clear(&err);
	if (off_key_private(kmdata, w, k, &pk, &err) != 0)
		fail_msg("%s: no private key: %s", off_key_file_name(k),
		    err.detail);
	assert_non_null(pk);
	return pk;
}

/* The key's history as "event:ref" joined with ",". */
static void
history_of(const struct off_key *k, char *out, size_t len)
{
	json_t	*o = test_key_info(k), *h, *ev;
	size_t	 i, n = 0;

	h = json_object_get(o, "history");
	assert_true(json_is_array(h));
	out[0] = '\0';
	json_array_foreach(h, i, ev) {
		n += (size_t)snprintf(out + n, len - n, "%s%s:%s", i ? "," : "",
		    test_jstr(ev, "event"), test_jstr(ev, "ref"));
		assert_true(n < len);
	}
	json_decref(o);
}

/* The first n entries of a's history are b's, times included. */
static void
history_prefix(const struct off_key *a, const struct off_key *b, size_t n)
{
	json_t	*oa = test_key_info(a), *ob = test_key_info(b), *ha, *hb;
	size_t	 i;

	ha = json_object_get(oa, "history");
	hb = json_object_get(ob, "history");
	assert_true(json_array_size(ha) >= n);
	assert_true(json_array_size(hb) >= n);
	for (i = 0; i < n; i++)
		assert_true(json_equal(json_array_get(ha, i),
		    json_array_get(hb, i)));
	json_decref(oa);
	json_decref(ob);
}

static int
reduce(struct env *e, const struct off_key *key, struct off_key **out,
    struct off_err *err)
{
	struct fe_script	s;

	return test_reduce(e->kmdata, e->w, e->drawer, key, e->kek, "azure",
	    quorum_pins, &s, out, err);
}

/* key_xferacld_<ident> loaded, reducing key_simple_<ident> if needed. */
static struct off_key *
need_reduced(struct env *e, const char *ident)
{
	struct off_key	*k, *r = NULL;
	struct off_err	 err;
	char		 path[PATH_MAX];

	test_key_path(e->kmdata, "xferacld", ident, path, sizeof(path));
	if (!test_exists(path)) {
		k = test_load_key(e->kmdata, e->w, "simple", ident);
		assert_int_equal(reduce(e, k, &r, &err), 0);
		off_key_free(&r);
		off_key_free(&k);
	}
	return test_load_key(e->kmdata, e->w, "xferacld", ident);
}

/* World a restored from the backup taken before any key, with a
 * quorum of its cards, into a KMDATA of its own. */
static void
need_restored(struct env *e)
{
	struct off_frontend	 fe;
	struct fe_script	 s;
	struct off_slot		*slot = NULL;
	struct off_err		 err;

	if (e->w2 != NULL)
		return;
	fe_script_init(&fe, &s);
	fe_script_pins(&s, quorum_pins);
	assert_int_equal(off_slot_open(&slot, "drawer", e->drawer, NULL), 0);
	off_err_clear(&err);
	assert_int_equal(off_world_restore(e->wbak, e->kmdata2, slot, &fe,
	    &e->w2, &err), 0);
	off_slot_close(&slot);
	assert_int_equal(s.events[OFF_CARD_ACCEPTED], 2);
	assert_memory_equal(off_world_id(e->w2), off_world_id(e->w),
	    OFF_WORLD_ID_LEN);
	/* No key came with it. */
	assert_int_equal(test_count_files(e->kmdata2, "key_"), 0);
}

static void
need_world_b(struct env *e)
{
	if (e->wb == NULL)
		assert_int_equal(test_make_world(e->dir, "b", 0, &e->wb), 0);
}

/* --- the scripted front end, watching passphrase prompts ---------- */

typedef int (*ask_pin_fn)(void *, const struct off_pin_request *, char *,
    size_t, size_t *);

/* fe_script's state first: its callbacks take the same argument. */
struct pw_script {
	struct fe_script	 s;
	ask_pin_fn		 ask;
	unsigned		 passphrases;	/* OFF_PIN_PASSPHRASE asked */
	unsigned		 others;	/* any other kind asked */
	unsigned		 bad_requests;	/* no label, tries_left != -1 */
	char			 label[PATH_MAX + 64];
};

static int
pw_ask_pin(void *arg, const struct off_pin_request *req, char *buf,
    size_t bufsz, size_t *len)
{
	struct pw_script	*ps = arg;

	/* No assertion here: this runs inside OpenSSL's decoders. */
	if (req->kind == OFF_PIN_PASSPHRASE) {
		ps->passphrases++;
		if (req->label == NULL || req->tries_left != -1)
			ps->bad_requests++;
		else
			snprintf(ps->label, sizeof(ps->label), "%s",
			    req->label);
	} else
		ps->others++;
	return ps->ask(arg, req, buf, bufsz, len);
}

static void
pw_init(struct off_frontend *fe, struct pw_script *ps,
    const char *const *answers)
{
	memset(ps, 0, sizeof(*ps));
	fe_script_init(fe, &ps->s);
	fe_script_pins(&ps->s, answers);
	ps->ask = fe->ask_pin;
	fe->ask_pin = pw_ask_pin;
}

/* --- source files ------------------------------------------------- */

enum fmt {
	F_PEM,		/* PEM_write_bio_PrivateKey, no password */
	F_PEM_P8_ENC,	/* encrypted PKCS#8 PEM */
	F_PEM_TRAD_ENC,	/* encrypted traditional PEM (Proc-Type) */
	F_DER_P8,	/* PKCS#8 DER, no password */
	F_DER_P8_ENC,	/* encrypted PKCS#8 DER */
	F_DER_TRAD,	/* traditional DER (RSAPrivateKey, ECPrivateKey) */
	F_P12,		/* PKCS#12, the key alone */
	F_P12_CERT,	/* PKCS#12 with a self-signed certificate */
	F_P12_NOPASS,	/* PKCS#12 with an empty password */
};

static int
fmt_encrypted(enum fmt f)
{
	return f == F_PEM_P8_ENC || f == F_PEM_TRAD_ENC || f == F_DER_P8_ENC ||
	    f == F_P12 || f == F_P12_CERT;
}

/* Write pk in format f (encrypted ones under pass) to path. */
static void
write_source(EVP_PKEY *pk, enum fmt f, const char *pass, const char *path)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	PKCS12	*p12 = NULL;
	X509	*x = NULL;
	char	*data;
	long	 len;
	int	 ok = 0;

	assert_non_null(bio);
	switch (f) {
	case F_PEM:
		ok = PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL,
		    NULL);
		break;
	case F_PEM_P8_ENC:
		ok = PEM_write_bio_PKCS8PrivateKey(bio, pk, EVP_aes_256_cbc(),
		    pass, (int)strlen(pass), NULL, NULL);
		break;
	case F_PEM_TRAD_ENC:
		ok = PEM_write_bio_PrivateKey_traditional(bio, pk,
		    EVP_aes_256_cbc(), (const unsigned char *)pass,
		    (int)strlen(pass), NULL, NULL);
		break;
	case F_DER_P8:
		ok = i2d_PKCS8PrivateKey_bio(bio, pk, NULL, NULL, 0, NULL,
		    NULL);
		break;
	case F_DER_P8_ENC:
		ok = i2d_PKCS8PrivateKey_bio(bio, pk, EVP_aes_256_cbc(),
		    pass, (int)strlen(pass), NULL, NULL);
		break;
	case F_DER_TRAD:
		ok = i2d_PrivateKey_bio(bio, pk);
		break;
	case F_P12_CERT:
		x = test_self_signed(pk, "Contoso SLC", 1);
		/* FALLTHROUGH */
	case F_P12:
	case F_P12_NOPASS:
		p12 = PKCS12_create(f == F_P12_NOPASS ? "" : pass,
		    "Contoso SLC", pk, x, NULL, 0, 0, 0, 0, 0);
		assert_non_null(p12);
		ok = i2d_PKCS12_bio(bio, p12);
		PKCS12_free(p12);
		X509_free(x);
		break;
	}
	assert_int_equal(ok, 1);
	len = BIO_get_mem_data(bio, &data);
	assert_true(len > 0);
	test_spill(path, data, (size_t)len);
	BIO_free(bio);
}

/* off_key_import of kmdata's simple/<ident> from the file from,
 * answering the prompts with answers. */
static int
import(struct env *e, const char *ident, const char *from, int legacy,
    const char *const *answers, struct pw_script *ps, struct off_key **k,
    struct off_err *err)
{
	struct off_key_params	 p;
	struct off_frontend	 fe;

	memset(&p, 0, sizeof(p));
	p.app = "simple";
	p.ident = ident;
	p.allow_legacy = legacy;
	pw_init(&fe, ps, answers);
	off_err_clear(err);
	return off_key_import(e->kmdata, e->w, &p, from, &fe, k, err);
}

/* The import of ident from "from" is refused with code; nothing is
 * written in KMDATA and the source file is untouched. Returns the
 * number of passphrase prompts. */
static unsigned
import_refused(struct env *e, const char *ident, const char *from,
    int legacy, const char *const *answers, int code, const char *detail)
{
	struct pw_script	 ps;
	struct off_key		*k = (struct off_key *)&k;	/* not NULL */
	struct off_err		 err;
	struct test_snap		 src;
	char			 path[PATH_MAX];
	unsigned		 before = test_count_files(e->kmdata, "");
	int			 ret;

	test_snap_take(from, &src);
	test_key_path(e->kmdata, "simple", ident, path, sizeof(path));
	ret = import(e, ident, from, legacy, answers, &ps, &k, &err);
	if (ret != code)
		fail_msg("import of %s as %s: got %d (%s), expected %d", from,
		    ident, ret, err.detail, code);
	assert_int_equal(err.code, code);
	assert_null(k);
	if (detail != NULL && strstr(err.detail, detail) == NULL)
		fail_msg("\"%s\" not in \"%s\"", detail, err.detail);
	assert_false(test_exists(path));
	assert_int_equal(test_count_files(e->kmdata, ""), before);
	assert_int_equal(ps.others, 0);
	assert_int_equal(ps.bad_requests, 0);
	test_snap_same(from, &src);
	return ps.passphrases;
}

/* An imported key: as returned and as loaded, the source's private
 * key, one "imported" event naming the source file. */
static void
check_imported(struct env *e, const struct off_key *k, const char *ident,
    const char *from, EVP_PKEY *src, const char *type, unsigned size,
    const char *curve)
{
	struct off_key	*l;
	struct stat	 sb;
	EVP_PKEY	*pk;
	json_t		*o, *h;
	char		 path[PATH_MAX], file[128], *j1, *j2;
	const char	*base = strrchr(from, '/') + 1;

	snprintf(file, sizeof(file), "key_simple_%s", ident);
	assert_string_equal(off_key_file_name(k), file);
	test_key_path(e->kmdata, "simple", ident, path, sizeof(path));
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	l = test_load_key(e->kmdata, e->w, "simple", ident);
	/* What import returned is what was written. */
	assert_int_equal(off_key_info_json(k, &j1, NULL), 0);
	assert_int_equal(off_key_info_json(l, &j2, NULL), 0);
	assert_string_equal(j1, j2);
	free(j1);
	free(j2);
	assert_int_equal(off_key_acl(l)->groups, ACL_BORN);
	o = test_key_info(l);
	assert_string_equal(test_jstr(o, "type"), type);
	assert_int_equal(json_integer_value(json_object_get(o, "size")), size);
	assert_string_equal(test_jstr(o, "curve"), curve);
	assert_string_equal(test_jstr(o, "plainname"), ident);
	assert_string_equal(test_jstr(o, "acl_signer"), "module");
	h = json_object_get(o, "history");
	assert_int_equal(json_array_size(h), 1);
	assert_string_equal(test_jstr(json_array_get(h, 0), "event"),
	    "imported");
	assert_string_equal(test_jstr(json_array_get(h, 0), "ref"), base);
	json_decref(o);
	pk = private_of(e->kmdata, e->w, l);
	assert_int_equal(EVP_PKEY_eq(pk, src), 1);
	EVP_PKEY_free(pk);
	pk = private_of(e->kmdata, e->w, k);
	assert_int_equal(EVP_PKEY_eq(pk, src), 1);
	EVP_PKEY_free(pk);
	off_key_free(&l);
}

/* --- import ------------------------------------------------------- */

static void
test_import_formats(void **state)
{
	static const struct {
		enum fmt	 f;
		const char	*name;
	} fmts[] = {
		{ F_PEM, "pem" },
		{ F_PEM_P8_ENC, "p8pem" },
		{ F_PEM_TRAD_ENC, "trad-pem" },
		{ F_DER_P8, "p8der-plain" },
		{ F_DER_P8_ENC, "p8der" },
		{ F_DER_TRAD, "trad-der" },
		{ F_P12, "p12" },
		{ F_P12_CERT, "p12-cert" },
		{ F_P12_NOPASS, "p12-nopass" },
	};
	struct env		*e = *state;
	struct {
		EVP_PKEY	*pk;
		const char	*name, *type, *curve;
		unsigned	 size;
	} keys[2];
	static const struct {
		const char	*group, *ours;
		unsigned	 bits;
	} curves[] = {
		{ "secp384r1", "p384", 384 },
		{ "P-521", "p521", 521 },
		{ "secp256k1", "secp256k1", 256 },
	};
	struct off_key_params	 p;
	struct off_frontend	 fe;
	struct pw_script	 ps;
	struct off_key		*k;
	struct off_err		 err;
	struct test_snap		 src;
	EVP_PKEY		*pk;
	BIO			*bio;
	json_t			*o;
	char			 from[PATH_MAX], out[PATH_MAX], ident[64];
	size_t			 i, j;
	int			 ret;

	keys[0].pk = e->rsa2048;
	keys[0].name = "rsa";
	keys[0].type = "rsa";
	keys[0].curve = "";
	keys[0].size = 2048;
	keys[1].pk = e->p256;
	keys[1].name = "ec";
	keys[1].type = "ec";
	keys[1].curve = "p256";
	keys[1].size = 256;
	for (i = 0; i < 2; i++)
		for (j = 0; j < sizeof(fmts) / sizeof(fmts[0]); j++) {
			snprintf(ident, sizeof(ident), "imp-%s-%s",
			    keys[i].name, fmts[j].name);
			snprintf(from, sizeof(from), "%s/%s.%s", e->sources,
			    keys[i].name, fmts[j].name);
			write_source(keys[i].pk, fmts[j].f, PASSWORD, from);
			test_snap_take(from, &src);
			ret = import(e, ident, from, 0, with_password, &ps, &k,
			    &err);
			if (ret != 0)
				fail_msg("import of %s: %d (%s)", from, ret,
				    err.detail);
			assert_non_null(k);
			/* Asked for the password once if it has one, through
			 * the front end, naming the file. */
			assert_int_equal(ps.others, 0);
			assert_int_equal(ps.bad_requests, 0);
			if (fmt_encrypted(fmts[j].f)) {
				assert_int_equal(ps.passphrases, 1);
				assert_int_equal(ps.s.next_pin, 1);
				assert_non_null(strstr(ps.label, from));
			} else
				assert_int_equal(ps.passphrases, 0);
			assert_int_equal(ps.s.warnings, 0);
			check_imported(e, k, ident, from, keys[i].pk,
			    keys[i].type, keys[i].size, keys[i].curve);
			test_snap_same(from, &src);
			off_key_free(&k);
		}

	/* The other curves, by OpenSSL's names for them. */
	for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++) {
		EVP_PKEY	*cpk = EVP_PKEY_Q_keygen(NULL, NULL, "EC",
		    curves[i].group);

		assert_non_null(cpk);
		snprintf(ident, sizeof(ident), "imp-%s", curves[i].ours);
		snprintf(from, sizeof(from), "%s/%s.p8", e->sources,
		    curves[i].ours);
		write_source(cpk, F_DER_P8_ENC, PASSWORD, from);
		assert_int_equal(import(e, ident, from, 0, with_password, &ps,
		    &k, &err), 0);
		check_imported(e, k, ident, from, cpk, "ec", curves[i].bits,
		    curves[i].ours);
		off_key_free(&k);
		EVP_PKEY_free(cpk);
	}

	/* Exportable if asked for at import, and then exported as it came
	 * in. */
	snprintf(from, sizeof(from), "%s/exportable.p12", e->sources);
	write_source(e->p256, F_P12, PASSWORD, from);
	memset(&p, 0, sizeof(p));
	p.app = "payments";
	p.ident = "imp-exportable";
	p.plainname = "Contoso payments key";
	p.exportable = 1;
	pw_init(&fe, &ps, with_password);
	off_err_clear(&err);
	assert_int_equal(off_key_import(e->kmdata, e->w, &p, from, &fe, &k,
	    &err), 0);
	assert_int_equal(off_key_acl(k)->groups, ACL_BORN |
	    OFF_ACL_EXPORT_PLAIN);
	assert_string_equal(off_key_file_name(k), "key_payments_imp-exportable");
	o = test_key_info(k);
	assert_string_equal(test_jstr(o, "plainname"), "Contoso payments key");
	json_decref(o);
	snprintf(out, sizeof(out), "%s/exported.pem", e->scratch);
	assert_int_equal(off_key_export_plain(e->kmdata, e->w, k, out, &err),
	    0);
	bio = BIO_new_file(out, "r");
	assert_non_null(bio);
	pk = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	assert_non_null(pk);
	assert_int_equal(EVP_PKEY_eq(pk, e->p256), 1);
	EVP_PKEY_free(pk);
	assert_int_equal(unlink(out), 0);
	off_key_free(&k);
}

static void
test_import_password_refused(void **state)
{
	static const enum fmt fmts[] = { F_PEM_P8_ENC, F_PEM_TRAD_ENC,
	    F_DER_P8_ENC, F_P12, F_P12_CERT };
	struct env	*e = *state;
	char		 from[PATH_MAX];
	size_t		 i;

	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		snprintf(from, sizeof(from), "%s/pw-%zu.key", e->sources, i);
		write_source(e->rsa2048, fmts[i], PASSWORD, from);
		/* The wrong password: asked once, refused. */
		assert_int_equal(import_refused(e, "pw-refused", from, 0,
		    with_bad_password, OFF_ERR_BAD_PIN, "wrong password"), 1);
		/* Nobody answers: cancelled, not a wrong password. */
		assert_int_equal(import_refused(e, "pw-refused", from, 0,
		    no_answer, OFF_ERR_CANCELLED, NULL), 1);
		/* An empty answer is a wrong password too. */
		assert_int_equal(import_refused(e, "pw-refused", from, 0,
		    (const char *const[]){ "", NULL }, OFF_ERR_BAD_PIN, NULL),
		    1);
		/* The case of the password matters. */
		assert_int_equal(import_refused(e, "pw-refused", from, 0,
		    (const char *const[]){ "SLC-PROTECTION-PW-7731", NULL },
		    OFF_ERR_BAD_PIN, NULL), 1);
	}
}

static void
test_import_legacy(void **state)
{
	struct env		*e = *state;
	struct pw_script	 ps;
	struct off_key		*k;
	struct off_err		 err;
	char			 plain[PATH_MAX], enc[PATH_MAX];

	snprintf(plain, sizeof(plain), "%s/rsa1024.pem", e->sources);
	snprintf(enc, sizeof(enc), "%s/rsa1024.p8", e->sources);
	write_source(e->rsa1024, F_PEM, NULL, plain);
	write_source(e->rsa1024, F_DER_P8_ENC, PASSWORD, enc);
	/* Not without --allow-legacy. */
	assert_int_equal(import_refused(e, "legacy-imp", plain, 0, no_answer,
	    OFF_ERR_INVALID, "--allow-legacy"), 0);
	assert_int_equal(import_refused(e, "legacy-imp", enc, 0,
	    with_password, OFF_ERR_INVALID, "--allow-legacy"), 1);
	/* With it: imported, and one warning. */
	assert_int_equal(import(e, "legacy-imp", plain, 1, no_answer, &ps, &k,
	    &err), 0);
	assert_int_equal(ps.s.warnings, 1);
	assert_int_equal(ps.passphrases, 0);
	check_imported(e, k, "legacy-imp", plain, e->rsa1024, "rsa", 1024, "");
	off_key_free(&k);
	assert_int_equal(import(e, "legacy-imp-enc", enc, 1, with_password,
	    &ps, &k, &err), 0);
	assert_int_equal(ps.s.warnings, 1);
	assert_int_equal(ps.passphrases, 1);
	check_imported(e, k, "legacy-imp-enc", enc, e->rsa1024, "rsa", 1024,
	    "");
	off_key_free(&k);
}

static void
test_import_refused(void **state)
{
	struct env		*e = *state;
	struct off_key_params	 p;
	struct off_frontend	 fe;
	struct pw_script	 ps;
	struct off_key		*k;
	struct off_err		 err;
	struct test_snap		 existing, src;
	EVP_PKEY		*ed, *p224, *rsa1536;
	X509			*x;
	BIO			*bio;
	char			 path[PATH_MAX], from[PATH_MAX], other[PATH_MAX];
	char			*data;
	long			 len;

	/* Not a key at all: text, a certificate, an empty file. */
	snprintf(from, sizeof(from), "%s/notes.txt", e->sources);
	test_spill(from, "This is not a private key.\n", 27);
	assert_int_equal(import_refused(e, "not-a-key", from, 0,
	    with_password, OFF_ERR_FORMAT, "not a private key"), 0);
	snprintf(from, sizeof(from), "%s/cert.pem", e->sources);
	x = test_self_signed(e->p256, "Contoso SLC", 1);
	bio = BIO_new(BIO_s_mem());
	assert_non_null(bio);
	assert_int_equal(PEM_write_bio_X509(bio, x), 1);
	len = BIO_get_mem_data(bio, &data);
	test_spill(from, data, (size_t)len);
	BIO_free(bio);
	X509_free(x);
	assert_int_equal(import_refused(e, "not-a-key", from, 0,
	    with_password, OFF_ERR_FORMAT, NULL), 0);
	snprintf(from, sizeof(from), "%s/empty.key", e->sources);
	test_spill(from, "", 0);
	assert_int_equal(import_refused(e, "not-a-key", from, 0,
	    with_password, OFF_ERR_FORMAT, NULL), 0);
	/* No such file. */
	snprintf(from, sizeof(from), "%s/nosuch.pem", e->sources);
	memset(&p, 0, sizeof(p));
	p.app = "simple";
	p.ident = "not-a-key";
	pw_init(&fe, &ps, with_password);
	off_err_clear(&err);
	assert_int_equal(off_key_import(e->kmdata, e->w, &p, from, &fe, &k,
	    &err), OFF_ERR_NOT_FOUND);
	assert_null(k);
	assert_int_equal(ps.passphrases, 0);

	/* Keys that are not RSA 2048-4096 (or 1024) or EC on our curves. */
	ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	p224 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-224");
	rsa1536 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1536);
	assert_non_null(ed);
	assert_non_null(p224);
	assert_non_null(rsa1536);
	snprintf(from, sizeof(from), "%s/ed25519.pem", e->sources);
	write_source(ed, F_PEM, NULL, from);
	assert_int_equal(import_refused(e, "bad-type", from, 1, no_answer,
	    OFF_ERR_INVALID, "only RSA and EC"), 0);
	snprintf(from, sizeof(from), "%s/p224.pem", e->sources);
	write_source(p224, F_PEM, NULL, from);
	assert_int_equal(import_refused(e, "bad-type", from, 1, no_answer,
	    OFF_ERR_INVALID, "not supported"), 0);
	snprintf(from, sizeof(from), "%s/rsa1536.pem", e->sources);
	write_source(rsa1536, F_PEM, NULL, from);
	assert_int_equal(import_refused(e, "bad-type", from, 1, no_answer,
	    OFF_ERR_INVALID, "1536"), 0);
	EVP_PKEY_free(ed);
	EVP_PKEY_free(p224);
	EVP_PKEY_free(rsa1536);

	/* An existing ident: refused before the file is read or a password
	 * asked for; the key file stays as it was. */
	snprintf(from, sizeof(from), "%s/exists.p8", e->sources);
	write_source(e->p256, F_DER_P8_ENC, PASSWORD, from);
	assert_int_equal(import(e, "imp-exists", from, 0, with_password, &ps,
	    &k, &err), 0);
	off_key_free(&k);
	test_key_path(e->kmdata, "simple", "imp-exists", path, sizeof(path));
	test_snap_take(path, &existing);
	test_snap_take(from, &src);
	assert_int_equal(import(e, "imp-exists", from, 0, with_password, &ps,
	    &k, &err), OFF_ERR_EXISTS);
	assert_null(k);
	assert_int_equal(ps.passphrases, 0);
	assert_string_equal(err.file, path);
	test_snap_same(path, &existing);
	test_snap_same(from, &src);
	/* A generated key's ident as well. */
	k = need_key(e, "gen-exists", "ec", 0, "p256", 0);
	off_key_free(&k);
	test_key_path(e->kmdata, "simple", "gen-exists", other, sizeof(other));
	test_snap_take(other, &existing);
	assert_int_equal(import(e, "gen-exists", from, 0, with_password, &ps,
	    &k, &err), OFF_ERR_EXISTS);
	assert_int_equal(ps.passphrases, 0);
	test_snap_same(other, &existing);

	/* Names: xferacld is kept for reduced copies; bad idents. */
	memset(&p, 0, sizeof(p));
	p.app = "xferacld";
	p.ident = "imp-xfer";
	pw_init(&fe, &ps, with_password);
	assert_int_equal(off_key_import(e->kmdata, e->w, &p, from, &fe, &k,
	    &err), OFF_ERR_INVALID);
	assert_null(k);
	assert_int_equal(ps.passphrases, 0);
	test_key_path(e->kmdata, "xferacld", "imp-xfer", path, sizeof(path));
	assert_false(test_exists(path));
	p.app = "simple";
	p.ident = "Bad_Ident";
	assert_int_equal(off_key_import(e->kmdata, e->w, &p, from, &fe, &k,
	    &err), OFF_ERR_INVALID);
	p.ident = "../world";
	assert_int_equal(off_key_import(e->kmdata, e->w, &p, from, &fe, &k,
	    &err), OFF_ERR_INVALID);
	p.ident = "imp-plainname";
	p.plainname = "line one\nline two";
	assert_int_equal(off_key_import(e->kmdata, e->w, &p, from, &fe, &k,
	    &err), OFF_ERR_INVALID);
	assert_int_equal(ps.passphrases, 0);
	test_key_path(e->kmdata, "simple", "imp-plainname", path, sizeof(path));
	assert_false(test_exists(path));
}

/* --- backup and recovery ------------------------------------------ */

static void
backup_dir(struct env *e, const char *name, char *buf, size_t len)
{
	test_path(buf, len, e->dir, name);
}

static void
test_backup(void **state)
{
	struct env	*e = *state;
	struct off_key	*k, *k2;
	struct off_err	 err;
	struct test_snap	 wsnap, ksnap;
	char		 dir[PATH_MAX], path[PATH_MAX], src[PATH_MAX];
	char		 bw[PATH_MAX];

	k = need_key(e, "lc-key", "rsa", 2048, NULL, 0);
	k2 = need_key(e, "lc-aes", "aes", 256, NULL, 0);
	backup_dir(e, "key-backup", dir, sizeof(dir));
	off_err_clear(&err);
	assert_int_equal(off_key_backup(e->kmdata, e->w, k, dir, &err), 0);
	/* The key file and the world file, byte for byte. */
	assert_int_equal(test_count_files(dir, ""), 2);
	test_key_path(dir, "simple", "lc-key", path, sizeof(path));
	test_key_path(e->kmdata, "simple", "lc-key", src, sizeof(src));
	same_bytes(path, src);
	test_path(path, sizeof(path), dir, "world");
	test_path(src, sizeof(src), e->kmdata, "world");
	same_bytes(path, src);
	/* A second key of the same world joins it. */
	test_snap_take(path, &wsnap);
	assert_int_equal(off_key_backup(e->kmdata, e->w, k2, dir, &err), 0);
	assert_int_equal(test_count_files(dir, ""), 3);
	test_snap_same(path, &wsnap);
	test_key_path(dir, "simple", "lc-aes", path, sizeof(path));
	test_key_path(e->kmdata, "simple", "lc-aes", src, sizeof(src));
	same_bytes(path, src);
	/* The same key again: nothing replaced. */
	test_key_path(dir, "simple", "lc-key", path, sizeof(path));
	test_snap_take(path, &ksnap);
	off_err_clear(&err);
	assert_int_equal(off_key_backup(e->kmdata, e->w, k, dir, &err),
	    OFF_ERR_EXISTS);
	test_snap_same(path, &ksnap);
	assert_int_equal(test_count_files(dir, ""), 3);

	/* A directory holding another world's file: refused, nothing
	 * written, the other world's file as it was. */
	need_world_b(e);
	backup_dir(e, "other-world-backup", dir, sizeof(dir));
	assert_int_equal(off_mkdirs(dir, NULL), 0);
	test_path(bw, sizeof(bw), dir, "world");
	test_path(src, sizeof(src), e->kmdata_b, "world");
	{
		char	*data;
		size_t	 len;

		test_slurp(src, &data, &len);
		test_spill(bw, data, len);
		free(data);
	}
	test_snap_take(bw, &wsnap);
	off_err_clear(&err);
	assert_int_equal(off_key_backup(e->kmdata, e->w, k, dir, &err),
	    OFF_ERR_WRONG_WORLD);
	assert_int_equal(err.code, OFF_ERR_WRONG_WORLD);
	assert_int_equal(test_count_files(dir, ""), 1);
	test_snap_same(bw, &wsnap);
	/* A file called world that is no world: refused too. */
	test_spill(bw, "{}\n", 3);
	assert_int_not_equal(off_key_backup(e->kmdata, e->w, k, dir, &err), 0);
	assert_int_equal(test_count_files(dir, ""), 1);
	off_key_free(&k2);
	off_key_free(&k);
}

static int
recover(const char *kmdata, const struct off_world *w, const char *dir,
    const char *app, const char *ident, struct off_key **k,
    struct off_err *err)
{
	off_err_clear(err);
	*k = (struct off_key *)k;	/* must come back NULL on failure */
	return off_key_recover(kmdata, w, dir, app, ident, k, err);
}

/* Recovery refused with code: nothing written in kmdata. */
static void
recover_refused(const char *kmdata, const struct off_world *w,
    const char *dir, const char *app, const char *ident, int code)
{
	struct off_key	*k;
	struct off_err	 err;
	char		 path[PATH_MAX];
	unsigned	 before = test_count_files(kmdata, "");
	int		 had, ret;

	test_key_path(kmdata, app, ident, path, sizeof(path));
	had = test_exists(path);
	ret = recover(kmdata, w, dir, app, ident, &k, &err);
	if (ret != code)
		fail_msg("recover of key_%s_%s from %s: got %d (%s), expected "
		    "%d", app, ident, dir, ret, err.detail, code);
	assert_int_equal(err.code, code);
	assert_null(k);
	assert_int_equal(test_count_files(kmdata, ""), before);
	assert_int_equal(test_exists(path), had);
}

static void
test_recover(void **state)
{
	struct env	*e = *state;
	struct off_key	*k, *r, *red;
	struct off_err	 err;
	struct test_snap	 sn;
	EVP_PKEY	*pk0, *pk;
	char		 dir[PATH_MAX], path[PATH_MAX], src[PATH_MAX];
	char		 rdir[PATH_MAX], *data, *j1, *j2;
	size_t		 len;

	k = need_key(e, "lc-key", "rsa", 2048, NULL, 0);
	backup_dir(e, "key-backup", dir, sizeof(dir));
	test_key_path(dir, "simple", "lc-key", path, sizeof(path));
	if (!test_exists(path))
		assert_int_equal(off_key_backup(e->kmdata, e->w, k, dir, NULL),
		    0);
	pk0 = private_of(e->kmdata, e->w, k);

	/* Into world a, restored on another machine from a backup older
	 * than the key. */
	need_restored(e);
	test_key_path(e->kmdata2, "simple", "lc-key", path, sizeof(path));
	assert_false(test_exists(path));
	assert_int_equal(recover(e->kmdata2, e->w2, dir, "simple", "lc-key",
	    &r, &err), 0);
	assert_non_null(r);
	test_key_path(dir, "simple", "lc-key", src, sizeof(src));
	same_bytes(path, src);
	pk = private_of(e->kmdata2, e->w2, r);
	assert_int_equal(EVP_PKEY_eq(pk, pk0), 1);
	EVP_PKEY_free(pk);
	off_key_free(&r);
	r = test_load_key(e->kmdata2, e->w2, "simple", "lc-key");
	pk = private_of(e->kmdata2, e->w2, r);
	assert_int_equal(EVP_PKEY_eq(pk, pk0), 1);
	EVP_PKEY_free(pk);
	/* The same key, ACL and history included. */
	assert_int_equal(off_key_info_json(k, &j1, NULL), 0);
	assert_int_equal(off_key_info_json(r, &j2, NULL), 0);
	assert_string_equal(j1, j2);
	free(j1);
	free(j2);
	off_key_free(&r);
	/* An AES key comes back as well. */
	test_key_path(dir, "simple", "lc-aes", src, sizeof(src));
	if (test_exists(src)) {
		assert_int_equal(recover(e->kmdata2, e->w2, dir, "simple",
		    "lc-aes", &r, &err), 0);
		off_key_free(&r);
		r = test_load_key(e->kmdata2, e->w2, "simple", "lc-aes");
		assert_int_equal(off_key_acl(r)->groups, ACL_BORN_AES);
		off_key_free(&r);
	}

	/* Once there, not again: the file is untouched. */
	test_snap_take(path, &sn);
	recover_refused(e->kmdata2, e->w2, dir, "simple", "lc-key",
	    OFF_ERR_EXISTS);
	test_snap_same(path, &sn);
	/* Nor over the original. */
	test_key_path(e->kmdata, "simple", "lc-key", path, sizeof(path));
	test_snap_take(path, &sn);
	recover_refused(e->kmdata, e->w, dir, "simple", "lc-key",
	    OFF_ERR_EXISTS);
	test_snap_same(path, &sn);

	/* Into an unrelated world: refused, nothing written. */
	need_world_b(e);
	recover_refused(e->kmdata_b, e->wb, dir, "simple", "lc-key",
	    OFF_ERR_WRONG_WORLD);

	/* A copy reduced for transfer has no recover in its ACL. */
	red = need_reduced(e, "lc-key");
	assert_false(off_key_acl(red)->groups & OFF_ACL_RECOVER);
	backup_dir(e, "reduced-backup", rdir, sizeof(rdir));
	test_key_path(rdir, "xferacld", "lc-key", path, sizeof(path));
	if (!test_exists(path))
		assert_int_equal(off_key_backup(e->kmdata, e->w, red, rdir,
		    NULL), 0);
	test_key_path(e->kmdata, "xferacld", "lc-key", src, sizeof(src));
	same_bytes(path, src);
	recover_refused(e->kmdata2, e->w2, rdir, "xferacld", "lc-key",
	    OFF_ERR_DENIED);
	off_key_free(&red);

	/* A backup file under another key's name. */
	backup_dir(e, "renamed-backup", rdir, sizeof(rdir));
	assert_int_equal(off_mkdirs(rdir, NULL), 0);
	test_key_path(dir, "simple", "lc-key", src, sizeof(src));
	test_slurp(src, &data, &len);
	test_key_path(rdir, "simple", "lc-other", path, sizeof(path));
	test_spill(path, data, len);
	/* Under an app other than its own too. */
	test_key_path(rdir, "payments", "lc-key", path, sizeof(path));
	test_spill(path, data, len);
	free(data);
	recover_refused(e->kmdata2, e->w2, rdir, "simple", "lc-other",
	    OFF_ERR_FORMAT);
	recover_refused(e->kmdata2, e->w2, rdir, "payments", "lc-key",
	    OFF_ERR_FORMAT);

	/* A backup whose ACL was edited (export-plain added): refused, not
	 * recovered with the wider ACL. */
	backup_dir(e, "edited-backup", rdir, sizeof(rdir));
	assert_int_equal(off_mkdirs(rdir, NULL), 0);
	test_slurp(src, &data, &len);
	{
		const char	*needle = "\"change-acl\"";
		char		*at = strstr(data, needle), *edited;

		assert_non_null(at);
		edited = malloc(len + 64);
		assert_non_null(edited);
		memcpy(edited, data, (size_t)(at - data) + strlen(needle));
		strcpy(edited + (at - data) + strlen(needle),
		    ",\n      \"export-plain\"");
		strcat(edited, at + strlen(needle));
		test_key_path(rdir, "simple", "lc-key", path, sizeof(path));
		test_spill(path, edited, strlen(edited));
		free(edited);
	}
	free(data);
	/* The edited file into the restored world: the key is taken out
	 * first, so that only the edit can stop it. */
	test_key_path(e->kmdata2, "simple", "lc-key", path, sizeof(path));
	assert_int_equal(unlink(path), 0);
	recover_refused(e->kmdata2, e->w2, rdir, "simple", "lc-key",
	    OFF_ERR_AUTH);
	assert_false(test_exists(path));
	/* The true backup still comes back. */
	assert_int_equal(recover(e->kmdata2, e->w2, dir, "simple", "lc-key",
	    &r, &err), 0);
	off_key_free(&r);
	/* Into a KMDATA of world a where the world was not restored (no
	 * module there): the backup alone opens nothing. */
	backup_dir(e, "empty-kmdata", rdir, sizeof(rdir));
	assert_int_equal(off_mkdirs(rdir, NULL), 0);
	recover_refused(rdir, e->w, dir, "simple", "lc-key",
	    OFF_ERR_NOT_FOUND);
	assert_int_equal(test_count_files(rdir, ""), 0);

	/* Nothing to recover, or no such name. */
	recover_refused(e->kmdata2, e->w2, dir, "simple", "no-such-key",
	    OFF_ERR_NOT_FOUND);
	recover_refused(e->kmdata2, e->w2, dir, "simple", "../world",
	    OFF_ERR_INVALID);
	recover_refused(e->kmdata2, e->w2, dir, "Simple", "lc-key",
	    OFF_ERR_INVALID);

	EVP_PKEY_free(pk0);
	off_key_free(&k);
}

/* --- re-keying ---------------------------------------------------- */

static int
rekey(struct env *e, const struct off_key *old, struct fe_script *s,
    struct off_key **nk, struct off_err *err)
{
	struct off_frontend	fe;

	fe_script_init(&fe, s);
	off_err_clear(err);
	*nk = (struct off_key *)nk;	/* must come back NULL on failure */
	return off_key_rekey(e->kmdata, e->w, old, &fe, nk, err);
}

/* "created" as the key file key_simple_<ident> records it (the
 * inspect JSON does not show it). */
static void
created_of(struct env *e, const char *ident, char out[32])
{
	char	 path[PATH_MAX], *data;
	size_t	 len;
	json_t	*root;

	test_key_path(e->kmdata, "simple", ident, path, sizeof(path));
	test_slurp(path, &data, &len);
	root = json_loadb(data, len, 0, NULL);
	assert_non_null(root);
	snprintf(out, 32, "%s", test_jstr(root, "created"));
	json_decref(root);
	free(data);
}

/* Re-key key_simple_<ident>, which has had v-1 re-keys: the new key
 * and version v of the old one, checked. new_size is what the new key
 * must be. */
static void
rekey_and_check(struct env *e, const char *ident, unsigned v,
    unsigned new_size)
{
	struct off_key		*old, *nk, *l, *ov;
	struct fe_script	 s;
	struct off_err		 err;
	EVP_PKEY		*pk0 = NULL, *pk;
	json_t			*oo, *on, *ol, *hv;
	char			 vident[80], vfile[96], file[96];
	char			 hist_old[2048], hist[2048], want[2400];
	char			 path[PATH_MAX], *j1, *j2, c_old[32], c_new[32];
	unsigned		 before = test_count_files(e->kmdata, "");
	size_t			 nold;
	int			 aes;

	snprintf(vident, sizeof(vident), "%s-v%u", ident, v);
	snprintf(vfile, sizeof(vfile), "key_simple_%s", vident);
	snprintf(file, sizeof(file), "key_simple_%s", ident);
	test_key_path(e->kmdata, "simple", vident, path, sizeof(path));
	assert_false(test_exists(path));

	old = test_load_key(e->kmdata, e->w, "simple", ident);
	created_of(e, ident, c_old);
	oo = test_key_info(old);
	aes = strcmp(test_jstr(oo, "type"), "aes") == 0;
	if (!aes)
		pk0 = private_of(e->kmdata, e->w, old);
	history_of(old, hist_old, sizeof(hist_old));
	nold = json_array_size(json_object_get(oo, "history"));

	if (rekey(e, old, &s, &nk, &err) != 0)
		fail_msg("rekey of %s: %s", file, err.detail);
	assert_non_null(nk);
	assert_int_equal(s.warnings, 0);
	/* One file more: the old version. */
	assert_int_equal(test_count_files(e->kmdata, ""), before + 1);
	assert_true(test_exists(path));

	/* The new key, as returned and as loaded. */
	assert_string_equal(off_key_file_name(nk), file);
	l = test_load_key(e->kmdata, e->w, "simple", ident);
	assert_int_equal(off_key_info_json(nk, &j1, NULL), 0);
	assert_int_equal(off_key_info_json(l, &j2, NULL), 0);
	assert_string_equal(j1, j2);
	free(j1);
	free(j2);
	on = test_key_info(l);
	assert_string_equal(test_jstr(on, "type"), test_jstr(oo, "type"));
	assert_string_equal(test_jstr(on, "curve"), test_jstr(oo, "curve"));
	assert_string_equal(test_jstr(on, "plainname"),
	    test_jstr(oo, "plainname"));
	assert_string_equal(test_jstr(on, "world"), test_jstr(oo, "world"));
	assert_string_equal(test_jstr(on, "acl_signer"), "module");
	assert_int_equal(json_integer_value(json_object_get(on, "size")),
	    new_size);
	assert_int_equal(off_key_acl(l)->groups, off_key_acl(old)->groups);
	/* The story so far, then where the old material went. */
	history_of(l, hist, sizeof(hist));
	snprintf(want, sizeof(want), "%s,rekeyed-from:%s", hist_old, vfile);
	assert_string_equal(hist, want);
	history_prefix(l, old, nold);
	if (!aes) {
		assert_string_not_equal(test_jstr(on, "fingerprint"),
		    test_jstr(oo, "fingerprint"));
		pk = private_of(e->kmdata, e->w, l);
		assert_int_equal(EVP_PKEY_eq(pk, pk0), 0);
		assert_int_equal(EVP_PKEY_get_bits(pk), new_size);
		assert_int_equal(EVP_PKEY_is_a(pk, "RSA"),
		    EVP_PKEY_is_a(pk0, "RSA"));
		assert_int_equal(EVP_PKEY_is_a(pk, "EC"),
		    EVP_PKEY_is_a(pk0, "EC"));
		EVP_PKEY_free(pk);
	} else
		assert_null(json_object_get(on, "fingerprint"));

	/* The old version: decrypt (and recover) only, the old material,
	 * the old history and where it went. */
	ov = test_load_key(e->kmdata, e->w, "simple", vident);
	assert_string_equal(off_key_file_name(ov), vfile);
	assert_int_equal(off_key_acl(ov)->groups, ACL_OLD);
	{
		uint8_t	zero[32];

		memset(zero, 0, sizeof(zero));
		assert_memory_equal(off_key_acl(ov)->kek, zero, 32);
		assert_string_equal(off_key_acl(ov)->target, "");
	}
	ol = test_key_info(ov);
	assert_string_equal(test_jstr(ol, "acl_words"), "decrypt, recover");
	assert_string_equal(test_jstr(ol, "acl_signer"), "module");
	assert_string_equal(test_jstr(ol, "type"), test_jstr(oo, "type"));
	assert_string_equal(test_jstr(ol, "curve"), test_jstr(oo, "curve"));
	assert_string_equal(test_jstr(ol, "plainname"),
	    test_jstr(oo, "plainname"));
	created_of(e, vident, c_new);
	assert_string_equal(c_new, c_old);
	assert_int_equal(json_integer_value(json_object_get(ol, "size")),
	    json_integer_value(json_object_get(oo, "size")));
	history_of(ov, hist, sizeof(hist));
	snprintf(want, sizeof(want), "%s,rekeyed-to:%s", hist_old, file);
	assert_string_equal(hist, want);
	history_prefix(ov, old, nold);
	hv = json_object_get(ol, "history");
	assert_int_equal(json_array_size(hv), nold + 1);
	if (!aes) {
		assert_string_equal(test_jstr(ol, "fingerprint"),
		    test_jstr(oo, "fingerprint"));
		pk = private_of(e->kmdata, e->w, ov);
		assert_int_equal(EVP_PKEY_eq(pk, pk0), 1);
		EVP_PKEY_free(pk);
	} else {
		assert_int_equal(off_key_private(e->kmdata, e->w, ov, &pk,
		    NULL), OFF_ERR_INVALID);
		assert_null(pk);
	}
	{
		struct stat	sb;

		assert_int_equal(stat(path, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0600);
	}
	json_decref(oo);
	json_decref(on);
	json_decref(ol);
	EVP_PKEY_free(pk0);
	off_key_free(&ov);
	off_key_free(&l);
	off_key_free(&nk);
	off_key_free(&old);
}


static void
test_rekey_types(void **state)
{
	static const struct {
		const char	*ident, *type, *curve;
		unsigned	 size;
	} cases[] = {
		{ "rk-rsa", "rsa", NULL, 2048 },
		{ "rk-p384", "ec", "p384", 384 },
		{ "rk-aes", "aes", NULL, 256 },
	};
	struct env	*e = *state;
	struct off_key	*k, *v1, *v2;
	struct test_snap	 sn;
	EVP_PKEY	*a, *b;
	char		 path[PATH_MAX], vident[80], c1[32], c2[32];
	char		 hist[2048], want[2048];
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		k = need_key(e, cases[i].ident, cases[i].type, cases[i].size,
		    cases[i].curve, 0);
		assert_int_equal(off_key_acl(k)->groups,
		    strcmp(cases[i].type, "aes") == 0 ? ACL_BORN_AES :
		    ACL_BORN);
		off_key_free(&k);
		rekey_and_check(e, cases[i].ident, 1, cases[i].size);

		/* A second re-key: -v2, and -v1 stays as it was. */
		snprintf(vident, sizeof(vident), "%s-v1", cases[i].ident);
		test_key_path(e->kmdata, "simple", vident, path, sizeof(path));
		test_snap_take(path, &sn);
		created_of(e, cases[i].ident, c1);
		rekey_and_check(e, cases[i].ident, 2, cases[i].size);
		test_snap_same(path, &sn);
		created_of(e, cases[i].ident, c2);
		assert_true(strcmp(c2, c1) >= 0);
		k = test_load_key(e->kmdata, e->w, "simple", cases[i].ident);
		history_of(k, hist, sizeof(hist));
		snprintf(want, sizeof(want), "created:,rekeyed-from:"
		    "key_simple_%s-v1,rekeyed-from:key_simple_%s-v2",
		    cases[i].ident, cases[i].ident);
		assert_string_equal(hist, want);
		off_key_free(&k);
		v2 = test_load_key(e->kmdata, e->w, "simple", (snprintf(vident,
		    sizeof(vident), "%s-v2", cases[i].ident), vident));
		history_of(v2, hist, sizeof(hist));
		snprintf(want, sizeof(want), "created:,rekeyed-from:"
		    "key_simple_%s-v1,rekeyed-to:key_simple_%s",
		    cases[i].ident, cases[i].ident);
		assert_string_equal(hist, want);
		/* -v1 and -v2 are different generations. */
		v1 = test_load_key(e->kmdata, e->w, "simple", (snprintf(vident,
		    sizeof(vident), "%s-v1", cases[i].ident), vident));
		if (strcmp(cases[i].type, "aes") != 0) {
			a = private_of(e->kmdata, e->w, v1);
			b = private_of(e->kmdata, e->w, v2);
			assert_int_equal(EVP_PKEY_eq(a, b), 0);
			EVP_PKEY_free(a);
			EVP_PKEY_free(b);
		}
		off_key_free(&v1);
		off_key_free(&v2);
	}
}

static void
test_rekey_imported(void **state)
{
	struct env		*e = *state;
	struct pw_script	 ps;
	struct off_key		*k;
	struct off_err		 err;
	char			 from[PATH_MAX], path[PATH_MAX];

	/* An imported key keeps "imported" first in its history. */
	test_key_path(e->kmdata, "simple", "rk-imported", path, sizeof(path));
	if (!test_exists(path)) {
		snprintf(from, sizeof(from), "%s/rk-imported.p12", e->sources);
		write_source(e->p256, F_P12_CERT, PASSWORD, from);
		assert_int_equal(import(e, "rk-imported", from, 0,
		    with_password, &ps, &k, &err), 0);
		off_key_free(&k);
	}
	rekey_and_check(e, "rk-imported", 1, 256);
	k = test_load_key(e->kmdata, e->w, "simple", "rk-imported-v1");
	{
		char	hist[1024];

		history_of(k, hist, sizeof(hist));
		assert_string_equal(hist, "imported:rk-imported.p12,"
		    "rekeyed-to:key_simple_rk-imported");
	}
	off_key_free(&k);
}

/* An exportable key: the new version may still be exported, the old
 * one no longer. */
static void
test_rekey_exportable(void **state)
{
	struct env		*e = *state;
	struct off_key_params	 p;
	struct off_frontend	 fe;
	struct fe_script	 s;
	struct off_key		*k = NULL, *v1;
	struct off_err		 err;
	char			 path[PATH_MAX], out[PATH_MAX];

	test_key_path(e->kmdata, "simple", "rk-export", path, sizeof(path));
	if (!test_exists(path)) {
		test_key_params(&p, "rk-export", "ec", 0, "p256");
		p.exportable = 1;
		fe_script_init(&fe, &s);
		assert_int_equal(off_key_generate(e->kmdata, e->w, &p, &fe, &k,
		    NULL), 0);
		off_key_free(&k);
	}
	k = test_load_key(e->kmdata, e->w, "simple", "rk-export");
	assert_int_equal(off_key_acl(k)->groups, ACL_BORN |
	    OFF_ACL_EXPORT_PLAIN);
	off_key_free(&k);
	rekey_and_check(e, "rk-export", 1, 256);
	k = test_load_key(e->kmdata, e->w, "simple", "rk-export");
	assert_int_equal(off_key_acl(k)->groups, ACL_BORN |
	    OFF_ACL_EXPORT_PLAIN);
	snprintf(out, sizeof(out), "%s/rk-export.pem", e->scratch);
	assert_int_equal(off_key_export_plain(e->kmdata, e->w, k, out, &err),
	    0);
	assert_int_equal(unlink(out), 0);
	v1 = test_load_key(e->kmdata, e->w, "simple", "rk-export-v1");
	off_err_clear(&err);
	assert_int_equal(off_key_export_plain(e->kmdata, e->w, v1, out, &err),
	    OFF_ERR_DENIED);
	assert_false(test_exists(out));
	off_key_free(&v1);
	off_key_free(&k);
}

static void
test_rekey_legacy(void **state)
{
	struct env	*e = *state;
	struct off_key	*k, *v1;
	EVP_PKEY	*pk0, *pk;

	k = need_key(e, "rk-legacy", "rsa", 1024, NULL, 1);
	assert_int_equal(off_key_acl(k)->groups, ACL_BORN);
	pk0 = private_of(e->kmdata, e->w, k);
	assert_int_equal(EVP_PKEY_get_bits(pk0), 1024);
	off_key_free(&k);
	/* The new key is RSA 2048; the old version keeps the 1024 key. */
	rekey_and_check(e, "rk-legacy", 1, 2048);
	v1 = test_load_key(e->kmdata, e->w, "simple", "rk-legacy-v1");
	pk = private_of(e->kmdata, e->w, v1);
	assert_int_equal(EVP_PKEY_get_bits(pk), 1024);
	assert_int_equal(EVP_PKEY_eq(pk, pk0), 1);
	EVP_PKEY_free(pk);
	off_key_free(&v1);
	EVP_PKEY_free(pk0);
}

/* Re-keying old is refused with code, nothing written. */
static void
rekey_refused(struct env *e, const struct off_key *old, int code)
{
	struct off_key		*nk;
	struct fe_script	 s;
	struct off_err		 err;
	struct test_snap		 sn;
	char			 path[PATH_MAX];
	unsigned		 before = test_count_files(e->kmdata, "");
	int			 ret;

	test_key_path(e->kmdata, off_key_app(old), off_key_ident(old), path,
	    sizeof(path));
	test_snap_take(path, &sn);
	ret = rekey(e, old, &s, &nk, &err);
	if (ret != code)
		fail_msg("rekey of %s: got %d (%s), expected %d",
		    off_key_file_name(old), ret, err.detail, code);
	assert_int_equal(err.code, code);
	assert_null(nk);
	assert_int_equal(test_count_files(e->kmdata, ""), before);
	test_snap_same(path, &sn);
}

/* Re-keying from a copy read before another re-key would lose the key
 * that re-key made: refused, nothing changed. */
static void
test_rekey_stale(void **state)
{
	struct env		*e = *state;
	struct off_key		*k, *nk = NULL;
	struct fe_script	 s;
	struct off_err		 err;

	k = need_key(e, "rk-stale", "rsa", 2048, NULL, 0);
	assert_int_equal(rekey(e, k, &s, &nk, &err), 0);
	off_key_free(&nk);
	/* k is now out of date. */
	rekey_refused(e, k, OFF_ERR_EXISTS);
	off_key_free(&k);
}

static void
test_rekey_refused(void **state)
{
	struct env	*e = *state;
	struct off_key	*k, *red, *v1;
	char		 ident[OFF_KEY_IDENT_MAX + 1], vpath[PATH_MAX];

	/* A copy reduced for transfer. */
	k = need_key(e, "rk-red", "ec", 0, "p256", 0);
	off_key_free(&k);
	red = need_reduced(e, "rk-red");
	rekey_refused(e, red, OFF_ERR_DENIED);
	test_key_path(e->kmdata, "xferacld", "rk-red-v1", vpath, sizeof(vpath));
	assert_false(test_exists(vpath));
	off_key_free(&red);
	/* An old version: decrypt only. */
	k = need_key(e, "rk-ver", "ec", 0, "p256", 0);
	test_key_path(e->kmdata, "simple", "rk-ver-v1", vpath, sizeof(vpath));
	if (!test_exists(vpath)) {
		struct off_key		*nk;
		struct fe_script	 s;
		struct off_err		 err;

		assert_int_equal(rekey(e, k, &s, &nk, &err), 0);
		off_key_free(&nk);
	}
	off_key_free(&k);
	v1 = test_load_key(e->kmdata, e->w, "simple", "rk-ver-v1");
	rekey_refused(e, v1, OFF_ERR_DENIED);
	test_key_path(e->kmdata, "simple", "rk-ver-v1-v1", vpath,
	    sizeof(vpath));
	assert_false(test_exists(vpath));
	off_key_free(&v1);
	/* An ident with no room left for "-v1". */
	memset(ident, 'r', OFF_KEY_IDENT_MAX - 2);
	ident[OFF_KEY_IDENT_MAX - 2] = '\0';
	k = need_key(e, ident, "aes", 128, NULL, 0);
	rekey_refused(e, k, OFF_ERR_INVALID);
	off_key_free(&k);
	assert_int_equal(test_count_prefix(e->kmdata, "key_simple_rrrr"), 1);
}

/* --- the password is nowhere -------------------------------------- */

static void
test_password_nowhere(void **state)
{
	struct env	*e = *state;
	const char	*pws[] = { PASSWORD, BAD_PASSWORD };
	char		 be[128], le[128], what[64];
	struct test_needles needles;
	size_t		 i, j;
	unsigned	 hits = 0, files;
	struct pw_script ps;
	struct off_key	*k;
	struct off_err	 err;
	char		 from[PATH_MAX], path[PATH_MAX];

	/* Each password as typed, and in UTF-16 either way round (as
	 * PKCS#12 would use it). */
	memset(&needles, 0, sizeof(needles));
	for (i = 0; i < 2; i++) {
		size_t	l = strlen(pws[i]);

		for (j = 0; j < l; j++) {
			be[2 * j] = '\0';
			be[2 * j + 1] = pws[i][j];
			le[2 * j] = pws[i][j];
			le[2 * j + 1] = '\0';
		}
		snprintf(what, sizeof(what), "password %zu", i);
		test_add_needle(&needles, what, pws[i], l);
		snprintf(what, sizeof(what), "password %zu in UTF-16BE", i);
		test_add_needle(&needles, what, be, 2 * l);
		snprintf(what, sizeof(what), "password %zu in UTF-16LE", i);
		test_add_needle(&needles, what, le, 2 * l);
	}
	/* Whatever the earlier tests imported, and here one import with
	 * the right password after one with the wrong one. */
	snprintf(from, sizeof(from), "%s/nowhere.pem", e->sources);
	test_key_path(e->kmdata, "simple", "pw-nowhere", path, sizeof(path));
	if (!test_exists(path)) {
		write_source(e->p256, F_PEM_P8_ENC, PASSWORD, from);
		assert_int_equal(import_refused(e, "pw-nowhere", from, 0,
		    with_bad_password, OFF_ERR_BAD_PIN, NULL), 1);
		assert_int_equal(import(e, "pw-nowhere", from, 0,
		    with_password, &ps, &k, &err), 0);
		check_imported(e, k, "pw-nowhere", from, e->p256, "ec", 256,
		    "p256");
		off_key_free(&k);
	}
	/* KMDATA: world, module, keys; then everything under the temporary
	 * directory: both worlds, their cards, the backups, the sources. */
	files = test_scan_tree(e->kmdata, NULL, &needles, &hits,
	    "the import password");
	assert_true(files >= 3);
	files = test_scan_tree(e->dir, NULL, &needles, &hits,
	    "the import password");
	assert_true(files >= 8);
	assert_int_equal(hits, 0);
	/* The search finds what it looks for. */
	snprintf(path, sizeof(path), "%s/needle", e->scratch);
	test_spill(path, needles.n[2].p, needles.n[2].len);
	assert_int_equal(test_scan_tree(e->scratch, NULL, &needles, &hits,
	    NULL), 1);
	assert_int_equal(hits, 1);
	assert_int_equal(unlink(path), 0);
	test_free_needles(&needles);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_import_formats),
		cmocka_unit_test(test_import_password_refused),
		cmocka_unit_test(test_import_legacy),
		cmocka_unit_test(test_import_refused),
		cmocka_unit_test(test_backup),
		cmocka_unit_test(test_recover),
		cmocka_unit_test(test_rekey_types),
		cmocka_unit_test(test_rekey_imported),
		cmocka_unit_test(test_rekey_exportable),
		cmocka_unit_test(test_rekey_legacy),
		cmocka_unit_test(test_rekey_refused),
		cmocka_unit_test(test_rekey_stale),
		cmocka_unit_test(test_password_nowhere),
	};

	off_platform_harden();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
