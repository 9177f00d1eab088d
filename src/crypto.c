#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "crypto.h"
#include "error.h"
#include "i18n.h"
#include "secmem.h"

int
off_random(void *buf, size_t n, struct off_err *err)
{
	if (n > INT32_MAX || RAND_priv_bytes(buf, (int)n) != 1)
		return off_err_crypto(err, _("random generator failed"));
	return 0;
}

int
off_seal(const uint8_t key[OFF_KEY_LEN], const void *aad, size_t aadlen,
    const void *pt, size_t len, struct off_sealed *sealed,
    struct off_err *err)
{
	EVP_CIPHER_CTX	*ctx = NULL;
	int		 n, ret;

	memset(sealed, 0, sizeof(*sealed));
	if (len > INT32_MAX || aadlen > INT32_MAX)
		return off_err_set(err, OFF_ERR_TOO_LARGE, NULL, NULL);
	if ((sealed->ct = malloc(len > 0 ? len : 1)) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	sealed->len = len;
	if ((ret = off_random(sealed->nonce, sizeof(sealed->nonce), err)) != 0)
		goto out;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key,
	    sealed->nonce) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)aadlen) != 1 ||
	    EVP_EncryptUpdate(ctx, sealed->ct, &n, pt, (int)len) != 1 ||
	    EVP_EncryptFinal_ex(ctx, sealed->ct + n, &n) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, OFF_TAG_LEN,
	    sealed->tag) != 1) {
		ret = off_err_crypto(err, _("AES-GCM encryption failed"));
		goto out;
	}
	ret = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	if (ret != 0)
		off_sealed_free(sealed);
	return ret;
}

int
off_open(const uint8_t key[OFF_KEY_LEN], const void *aad, size_t aadlen,
    const struct off_sealed *sealed, void *pt, struct off_err *err)
{
	EVP_CIPHER_CTX	*ctx = NULL;
	int		 n, ret;
	uint8_t		 tag[OFF_TAG_LEN];

	if (sealed->len > INT32_MAX || aadlen > INT32_MAX)
		return off_err_set(err, OFF_ERR_TOO_LARGE, NULL, NULL);
	memcpy(tag, sealed->tag, sizeof(tag));
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key,
	    sealed->nonce) != 1 ||
	    EVP_DecryptUpdate(ctx, NULL, &n, aad, (int)aadlen) != 1 ||
	    EVP_DecryptUpdate(ctx, pt, &n, sealed->ct, (int)sealed->len) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, OFF_TAG_LEN,
	    tag) != 1) {
		ret = off_err_crypto(err, _("AES-GCM decryption failed"));
		goto out;
	}
	if (EVP_DecryptFinal_ex(ctx, (uint8_t *)pt + n, &n) != 1) {
		ERR_clear_error();
		off_wipe(pt, sealed->len);
		ret = off_err_set(err, OFF_ERR_AUTH, NULL,
		    _("sealed data does not open: wrong key or altered data"));
		goto out;
	}
	ret = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

void
off_sealed_free(struct off_sealed *sealed)
{
	free(sealed->ct);
	sealed->ct = NULL;
	sealed->len = 0;
}

int
off_hkdf(const uint8_t *ikm, size_t ikmlen, const char *label, uint8_t *out,
    size_t outlen, struct off_err *err)
{
	EVP_KDF		*kdf;
	EVP_KDF_CTX	*kctx = NULL;
	OSSL_PARAM	 params[5], *p = params;
	int		 ret;

	if ((kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL)
		return off_err_crypto(err, _("HKDF unavailable"));
	kctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	if (kctx == NULL)
		return off_err_crypto(err, _("HKDF unavailable"));
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)(uintptr_t)ikm, ikmlen);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    (void *)(uintptr_t)label, strlen(label));
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)(uintptr_t)"officiant", 9);
	*p = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(kctx, out, outlen, params) != 1)
		ret = off_err_crypto(err, _("HKDF failed"));
	else
		ret = 0;
	EVP_KDF_CTX_free(kctx);
	return ret;
}

int
off_scrypt_check(const struct off_scrypt *s)
{
	unsigned long long	mem;

	if (s->log2_n < OFF_SCRYPT_LOG2N_MIN || s->log2_n > OFF_SCRYPT_LOG2N_MAX ||
	    s->r < 1 || s->r > 32 || s->p < 1 || s->p > 16)
		return OFF_ERR_FORMAT;
	mem = 128ULL * s->r * ((1ULL << s->log2_n) + s->p + 2);
	return mem <= OFF_SCRYPT_MAXMEM ? 0 : OFF_ERR_TOO_LARGE;
}

int
off_scrypt(const struct off_scrypt *s, const char *pin, size_t pinlen,
    uint8_t key[OFF_KEY_LEN], struct off_err *err)
{
	if (off_scrypt_check(s) != 0)
		return off_err_set(err, OFF_ERR_FORMAT, NULL,
		    _("scrypt parameters out of range"));
	if (EVP_PBE_scrypt(pin, pinlen, s->salt, sizeof(s->salt),
	    1ULL << s->log2_n, s->r, s->p, OFF_SCRYPT_MAXMEM, key,
	    OFF_KEY_LEN) != 1)
		return off_err_crypto(err, _("scrypt failed"));
	return 0;
}
