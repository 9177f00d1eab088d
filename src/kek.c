#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "error.h"
#include "fileio.h"
#include "i18n.h"
#include "kek.h"
#include "key.h"
#include "package.h"

#define BUNDLE_MAX	(1024 * 1024)

static void
subject(X509 *x, char *buf, size_t len)
{
	size_t	i;

	X509_NAME_oneline(X509_get_subject_name(x), buf, (int)len);
	/* Shown to people: no control characters. */
	for (i = 0; buf[i] != '\0'; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
}

/* The PEM certificates of a bundle, in order; anything else in the
 * file is an error. */
static int
read_bundle(const char *path, STACK_OF(X509) **out, struct off_err *err)
{
	STACK_OF(X509)	*sk = NULL;
	X509		*x;
	BIO		*bio = NULL;
	char		*data = NULL, *name = NULL, *hdr = NULL;
	unsigned char	*der = NULL;
	const unsigned char *p;
	long		 dlen;
	size_t		 len, off, end, i;
	int		 ret;

	*out = NULL;
	if ((ret = off_file_read(path, BUNDLE_MAX, &data, &len, err)) != 0)
		return ret;
	if ((sk = sk_X509_new_null()) == NULL ||
	    (bio = BIO_new_mem_buf(data, (int)len)) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	for (;;) {
		/* PEM_read_bio skips any text before a block: allow only
		 * blank space, and one block per read. */
		off = len - (size_t)BIO_pending(bio);
		while (off < len && (data[off] == ' ' || data[off] == '\t' ||
		    data[off] == '\r' || data[off] == '\n'))
			off++;
		if (off == len)
			break;
		if ((off > 0 && data[off - 1] != '\n') ||
		    strncmp(data + off, "-----BEGIN ", 11) != 0) {
			ret = off_err_set(err, OFF_ERR_FORMAT, path,
			    _("text outside the PEM blocks after certificate "
			    "%d"), sk_X509_num(sk));
			goto out;
		}
		if (PEM_read_bio(bio, &name, &hdr, &der, &dlen) != 1) {
			ret = off_err_set(err, OFF_ERR_FORMAT, path,
			    _("damaged PEM after certificate %d"),
			    sk_X509_num(sk));
			goto out;
		}
		end = len - (size_t)BIO_pending(bio);
		for (i = off + 1; i + 11 < end; i++)
			if (data[i - 1] == '\n' &&
			    strncmp(data + i, "-----BEGIN ", 11) == 0) {
				ret = off_err_set(err, OFF_ERR_FORMAT, path,
				    _("text outside the PEM blocks after "
				    "certificate %d"), sk_X509_num(sk));
				goto out;
			}
		p = der;
		if (strcmp(name, PEM_STRING_X509) != 0 &&
		    strcmp(name, PEM_STRING_X509_OLD) != 0) {
			ret = off_err_set(err, OFF_ERR_FORMAT, path,
			    _("block %d is a \"%s\", not a certificate"),
			    sk_X509_num(sk) + 1, name);
			goto out;
		}
		if ((x = d2i_X509(NULL, &p, dlen)) == NULL ||
		    p != der + dlen) {
			X509_free(x);
			ret = off_err_set(err, OFF_ERR_FORMAT, path,
			    _("certificate %d does not decode"),
			    sk_X509_num(sk) + 1);
			goto out;
		}
		if (sk_X509_num(sk) == OFF_CHAIN_MAX ||
		    sk_X509_push(sk, x) == 0) {
			X509_free(x);
			ret = off_err_set(err, OFF_ERR_TOO_LARGE, path,
			    _("more than %d certificates"), OFF_CHAIN_MAX);
			goto out;
		}
		OPENSSL_free(name);
		OPENSSL_free(hdr);
		OPENSSL_free(der);
		name = hdr = NULL;
		der = NULL;
	}
	if (sk_X509_num(sk) == 0) {
		ret = off_err_set(err, OFF_ERR_FORMAT, path,
		    _("no PEM certificate in the file"));
		goto out;
	}
	*out = sk;
	sk = NULL;
out:
	ERR_clear_error();
	OPENSSL_free(name);
	OPENSSL_free(hdr);
	OPENSSL_free(der);
	BIO_free(bio);
	sk_X509_pop_free(sk, X509_free);
	free(data);
	return ret;
}

int
off_kek_verify_chain(EVP_PKEY *kek, const char *bundle, const uint8_t *pin,
    size_t pinlen, struct off_kek_report *rep, struct off_err *err)
{
	STACK_OF(X509)	*sk = NULL, *untrusted = NULL, *chain;
	X509_STORE	*store = NULL;
	X509_STORE_CTX	*ctx = NULL;
	X509		*leaf, *anchor = NULL, *x;
	uint8_t		 d[EVP_MAX_MD_SIZE];
	unsigned	 dlen;
	char		 name[256];
	int		 i, ret, e;

	memset(rep, 0, sizeof(*rep));
	if (pinlen != 20 && pinlen != 32)
		return off_err_set(err, OFF_ERR_INVALID, NULL, _("a pinned root "
		    "fingerprint is a SHA-256 (64 hex digits) or SHA-1 (40)"));
	if ((ret = off_key_fingerprint(kek, rep->kek_fp, err)) != 0 ||
	    (ret = off_kek_check(kek, err)) != 0 ||
	    (ret = read_bundle(bundle, &sk, err)) != 0)
		return ret;
	leaf = sk_X509_value(sk, 0);
	subject(leaf, name, sizeof(name));
	if (EVP_PKEY_eq(X509_get0_pubkey(leaf), kek) != 1) {
		ret = off_err_set(err, OFF_ERR_AUTH, bundle, _("the leaf "
		    "certificate (%s) certifies another key, not this KEK"),
		    name);
		goto out;
	}
	if ((X509_get_extension_flags(leaf) & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(leaf) & KU_KEY_ENCIPHERMENT)) {
		ret = off_err_set(err, OFF_ERR_AUTH, bundle, _("the leaf "
		    "certificate (%s) does not allow key encipherment"), name);
		goto out;
	}
	if ((untrusted = sk_X509_new_null()) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	/* The one certificate we trust is the pinned one. */
	for (i = 0; i < sk_X509_num(sk); i++) {
		x = sk_X509_value(sk, i);
		if (X509_digest(x, pinlen == 32 ? EVP_sha256() : EVP_sha1(), d,
		    &dlen) != 1) {
			ret = off_err_crypto(err, _("cannot hash a certificate"));
			goto out;
		}
		if (dlen == pinlen && memcmp(d, pin, pinlen) == 0)
			anchor = x;
		else if (sk_X509_push(untrusted, x) == 0) {
			ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
			goto out;
		}
	}
	if (anchor == NULL) {
		ret = off_err_set(err, OFF_ERR_AUTH, bundle, _("no certificate "
		    "in the chain has the pinned root fingerprint"));
		goto out;
	}
	if ((store = X509_STORE_new()) == NULL ||
	    X509_STORE_add_cert(store, anchor) != 1 ||
	    (ctx = X509_STORE_CTX_new()) == NULL ||
	    X509_STORE_CTX_init(ctx, store, leaf, untrusted) != 1) {
		ret = off_err_crypto(err, _("cannot set up chain verification"));
		goto out;
	}
	X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_X509_STRICT);
	if (X509_verify_cert(ctx) != 1) {
		e = X509_STORE_CTX_get_error(ctx);
		x = X509_STORE_CTX_get_current_cert(ctx);
		if (x != NULL)
			subject(x, name, sizeof(name));
		ret = off_err_set(err, OFF_ERR_AUTH, bundle, _("the chain does "
		    "not verify up to the pinned root: %s (at %s)"),
		    X509_verify_cert_error_string(e), x != NULL ? name : "?");
		goto out;
	}
	chain = X509_STORE_CTX_get0_chain(ctx);
	for (i = 0; i < sk_X509_num(chain) && rep->n < OFF_CHAIN_MAX; i++)
		subject(sk_X509_value(chain, i), rep->subject[rep->n++],
		    sizeof(rep->subject[0]));
	x = sk_X509_value(chain, sk_X509_num(chain) - 1);
	if (X509_cmp(x, anchor) != 0) {
		ret = off_err_set(err, OFF_ERR_AUTH, bundle, _("the chain ends "
		    "at a certificate other than the pinned root"));
		goto out;
	}
	if (X509_digest(x, EVP_sha256(), rep->root_sha256, &dlen) != 1 ||
	    X509_digest(x, EVP_sha1(), rep->root_sha1, &dlen) != 1)
		ret = off_err_crypto(err, _("cannot hash a certificate"));
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	sk_X509_free(untrusted);
	sk_X509_pop_free(sk, X509_free);
	return ret;
}
