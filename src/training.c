/* Training material: a throw-away KEK with a certificate chain, so the
 * whole BYOK flow can be rehearsed offline. Everything it makes says
 * TRAINING; none of it is protected, by design. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "encode.h"
#include "error.h"
#include "fileio.h"
#include "i18n.h"
#include "kek.h"
#include "frontend.h"
#include "key.h"
#include "module.h"
#include "slot.h"
#include "world.h"

#define VALID_DAYS	730

static X509 *
make_cert(const char *cn, EVP_PKEY *pub, X509 *issuer, EVP_PKEY *ikey,
    const char *const *exts)
{
	X509		*x;
	X509_NAME	*n;
	X509V3_CTX	 v3;
	X509_EXTENSION	*ext;
	BIGNUM		*bn = NULL;
	unsigned char	 serial[16];
	int		 ok = 0, i;

	if ((x = X509_new()) == NULL || X509_set_version(x, X509_VERSION_3)
	    != 1 || RAND_bytes(serial, sizeof(serial)) != 1)
		goto out;
	serial[0] &= 0x7f;
	if ((bn = BN_bin2bn(serial, sizeof(serial), NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x),
	    (long)VALID_DAYS * 86400) == NULL ||
	    (n = X509_get_subject_name(x)) == NULL ||
	    X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
	    (const unsigned char *)"Officiant TRAINING - not for production",
	    -1, -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : n) != 1 ||
	    X509_set_pubkey(x, pub) != 1)
		goto out;
	X509V3_set_ctx(&v3, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	for (i = 0; exts[i] != NULL; i += 2) {
		if ((ext = X509V3_EXT_nconf(NULL, &v3, exts[i],
		    exts[i + 1])) == NULL)
			goto out;
		ok = X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
		if (ok != 1)
			goto out;
	}
	ok = X509_sign(x, ikey, EVP_sha384()) > 0;
out:
	BN_free(bn);
	if (!ok) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

static int
append_pem_cert(BIO *b, X509 *x)
{
	return PEM_write_bio_X509(b, x) == 1 ? 0 : -1;
}

/* The BIO's bytes written to dir/name. */
static int
write_bio(const char *dir, const char *name, BIO *b, struct off_err *err)
{
	char	 path[4096];
	char	*p;
	long	 n = BIO_get_mem_data(b, &p);

	if (off_path_join(path, sizeof(path), dir, name) != 0)
		return off_err_set(err, OFF_ERR_TOO_LARGE, dir,
		    _("path too long"));
	return off_file_write(path, p, (size_t)n, OFF_WRITE_NOREPLACE, err);
}

static const char *const files[] = {
	OFF_TRAINING_KEK, OFF_TRAINING_KEK_PRIVATE, OFF_TRAINING_CHAIN,
	OFF_TRAINING_ROOT_FP, OFF_TRAINING_KEK_ID, OFF_TRAINING_README, NULL
};

static const char *const root_exts[] = {
	"basicConstraints", "critical,CA:TRUE",
	"keyUsage", "critical,keyCertSign,cRLSign",
	"subjectKeyIdentifier", "hash", NULL
};
static const char *const ca_exts[] = {
	"basicConstraints", "critical,CA:TRUE,pathlen:0",
	"keyUsage", "critical,keyCertSign,cRLSign",
	"subjectKeyIdentifier", "hash",
	"authorityKeyIdentifier", "keyid:always", NULL
};
static const char *const leaf_exts[] = {
	"basicConstraints", "critical,CA:FALSE",
	"keyUsage", "critical,keyEncipherment",
	"subjectKeyIdentifier", "hash",
	"authorityKeyIdentifier", "keyid:always", NULL
};

int
off_training_make_kek(const char *dir, unsigned bits,
    struct off_training_kek *out, struct off_err *err)
{
	EVP_PKEY	*rk = NULL, *ik = NULL, *kek = NULL;
	X509		*root = NULL, *ca = NULL, *leaf = NULL;
	BIO		*b[6] = { NULL };
	char		 path[4096], fp[65];
	uint8_t		 rnd[8];
	unsigned	 dlen, i, written = 0;
	int		 ret = 0;

	memset(out, 0, sizeof(*out));
	if (bits != 2048 && bits != 3072 && bits != 4096)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("a KEK is RSA 2048, 3072 or 4096"));
	if ((ret = off_mkdirs(dir, err)) != 0)
		return ret;
	for (i = 0; files[i] != NULL; i++)
		if (off_path_join(path, sizeof(path), dir, files[i]) != 0 ||
		    access(path, F_OK) == 0)
			return off_err_set(err, OFF_ERR_EXISTS, path,
			    _("training material is already there; use a new "
			    "directory"));
	if ((rk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384")) == NULL ||
	    (ik = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL ||
	    (kek = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits)) ==
	    NULL ||
	    (root = make_cert("Officiant TRAINING root CA", rk, NULL, rk,
	    root_exts)) == NULL ||
	    (ca = make_cert("Officiant TRAINING KEK issuing CA", ik, root, rk,
	    ca_exts)) == NULL ||
	    (leaf = make_cert("Officiant TRAINING KEK", kek, ca, ik,
	    leaf_exts)) == NULL) {
		ret = off_err_crypto(err, _("cannot make the training KEK"));
		goto out;
	}
	if (X509_digest(root, EVP_sha256(), out->root_sha256, &dlen) != 1 ||
	    (ret = off_key_fingerprint(kek, out->kek_fp, err)) != 0 ||
	    RAND_bytes(rnd, sizeof(rnd)) != 1) {
		if (ret == 0)
			ret = off_err_crypto(err,
			    _("cannot make the training KEK"));
		goto out;
	}
	off_hex(rnd, sizeof(rnd), fp);
	snprintf(out->kek_id, sizeof(out->kek_id),
	    "https://training.invalid/keys/officiant-training-kek/%s", fp);
	for (i = 0; i < 6; i++)
		if ((b[i] = BIO_new(BIO_s_mem())) == NULL) {
			ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
			goto out;
		}
	off_hex(out->root_sha256, 32, fp);
	if (PEM_write_bio_PUBKEY(b[0], kek) != 1 ||
	    BIO_puts(b[1], "TRAINING ONLY: a throw-away KEK private key, "
	    "not protected, for rehearsals.\n") <= 0 ||
	    PEM_write_bio_PrivateKey(b[1], kek, NULL, NULL, 0, NULL, NULL)
	    != 1 || append_pem_cert(b[2], leaf) != 0 ||
	    append_pem_cert(b[2], ca) != 0 || append_pem_cert(b[2], root) != 0 ||
	    BIO_printf(b[3], "%s\n", fp) <= 0 ||
	    BIO_printf(b[4], "%s\n", out->kek_id) <= 0 ||
	    BIO_printf(b[5], _("TRAINING MATERIAL - NOT FOR PRODUCTION\n\n"
	    "%s  the KEK's public key (give it to 'package create --kek')\n"
	    "%s  its private key, unprotected, to unwrap rehearsal packages\n"
	    "%s  the KEK's certificate, an issuing CA and a root CA\n"
	    "%s  the root's SHA-256 fingerprint to pin\n"
	    "%s  a made-up Azure key id for --kek-id\n\n"
	    "Verify with:\n  officiant package verify-kek --kek %s --chain %s "
	    "--root-fingerprint %s\n"), OFF_TRAINING_KEK,
	    OFF_TRAINING_KEK_PRIVATE, OFF_TRAINING_CHAIN, OFF_TRAINING_ROOT_FP,
	    OFF_TRAINING_KEK_ID, OFF_TRAINING_KEK, OFF_TRAINING_CHAIN, fp) <=
	    0) {
		ret = off_err_crypto(err, _("cannot encode the training KEK"));
		goto out;
	}
	for (i = 0; i < 6; i++) {
		if ((ret = write_bio(dir, files[i], b[i], err)) != 0)
			goto out;
		written++;
	}
out:
	if (ret != 0)
		for (i = 0; i < written; i++)
			if (off_path_join(path, sizeof(path), dir, files[i]) ==
			    0)
				(void)off_file_remove(path, NULL);
	for (i = 0; i < 6; i++)
		BIO_free(b[i]);
	X509_free(root);
	X509_free(ca);
	X509_free(leaf);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(ik);
	EVP_PKEY_free(kek);
	ERR_clear_error();
	return ret;
}

struct pin_fe {
	const char *const		*pins;
	unsigned			 n;
	const struct off_frontend	*outer;	/* or NULL */
};

/* The training PINs for new cards and for unlocking them; a token's
 * present (transport) PIN is the trainee's to type, through outer. */
static int
training_pin(void *arg, const struct off_pin_request *req, char *buf,
    size_t bufsz, size_t *len)
{
	struct pin_fe	*p = arg;

	if (req->kind == OFF_PIN_PASSPHRASE && p->outer != NULL &&
	    p->outer->ask_pin != NULL)
		return p->outer->ask_pin(p->outer->arg, req, buf, bufsz, len);
	if (req->index < 1 || req->index > p->n ||
	    strlen(p->pins[req->index - 1]) >= bufsz)
		return OFF_ERR_CANCELLED;
	*len = strlen(p->pins[req->index - 1]);
	memcpy(buf, p->pins[req->index - 1], *len + 1);
	return 0;
}

static void
training_notice(void *arg, enum off_notice_level level, const char *msg)
{
	struct pin_fe	*p = arg;

	p->outer->notice(p->outer->arg, level, msg);
}

static void
training_card(void *arg, const struct off_card_info *info)
{
	struct pin_fe	*p = arg;

	p->outer->card(p->outer->arg, info);
}

int
off_training_world_slot(const char *kmdata, struct off_slot *slot,
    const struct off_module_token *token, unsigned k, unsigned n,
    const char *const *pins, const struct off_frontend *outer,
    struct off_world **w, struct off_err *err)
{
	struct off_world_params	 p;
	struct off_frontend	 fe;
	struct pin_fe		 pf;
	int			 ret;

	memset(&p, 0, sizeof(p));
	memset(&fe, 0, sizeof(fe));
	p.k = k;
	p.n = n;
	p.kdf_log2_n = 10;
	p.allow_single = k == 1;
	if (token != NULL) {
		p.module = "pkcs11";
		p.token = token;
		/* The token stays the trainer's to use again. */
		p.keep_so = 1;
	}
	pf.pins = pins;
	pf.n = n;
	pf.outer = outer;
	fe.arg = &pf;
	fe.ask_pin = training_pin;
	if (outer != NULL && outer->notice != NULL)
		fe.notice = training_notice;
	if (outer != NULL && outer->card != NULL)
		fe.card = training_card;
	if ((ret = off_world_check_params(kmdata, &p, NULL, err)) != 0)
		return ret;
	return off_world_create(kmdata, slot, &p, &fe, w, err);
}

int
off_training_world(const char *kmdata, const char *drawer, unsigned k,
    unsigned n, const char *const *pins, struct off_world **w,
    struct off_err *err)
{
	struct off_slot	*slot = NULL;
	int		 ret;

	if ((ret = off_mkdirs(drawer, err)) != 0 ||
	    (ret = off_slot_open(&slot, "drawer", drawer, err)) != 0)
		return ret;
	ret = off_training_world_slot(kmdata, slot, NULL, k, n, pins, NULL,
	    w, err);
	off_slot_close(&slot);
	return ret;
}
