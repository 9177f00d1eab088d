#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto.h"
#include "encode.h"
#include "error.h"
#include "i18n.h"
#include "module.h"
#include "secmem.h"

#define KEY_CHECK_DOMAIN	"officiant module key check v1"
#define RECOVERY_LABEL		"officiant module recovery v1"
#define RECOVERY_AAD_DOMAIN	"officiant module recovery blob v1"

static const struct off_module_ops *const module_backends[] = {
	&off_module_soft_ops,
	&off_module_pkcs11_ops,
};

static int
module_alloc(const char *backend, const uint8_t world[32],
    struct off_module **out, struct off_err *err)
{
	const struct off_module_ops	*ops = NULL;
	struct off_module		*m;
	size_t				 i;

	*out = NULL;
	for (i = 0; i < sizeof(module_backends) / sizeof(module_backends[0]);
	    i++)
		if (strcmp(module_backends[i]->name, backend) == 0)
			ops = module_backends[i];
	if (ops == NULL)
		return off_err_set(err, OFF_ERR_UNSUPPORTED, NULL,
		    _("unknown module backend \"%s\""), backend);
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	if ((m->key = off_secalloc(OFF_KEY_LEN)) == NULL) {
		free(m);
		return off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
	}
	m->ops = ops;
	memcpy(m->world, world, sizeof(m->world));
	*out = m;
	return 0;
}

int
off_module_create(const char *backend, const uint8_t world[32],
    const struct off_module_token *token, struct off_module **out,
    struct off_err *err)
{
	int	ret;

	if ((ret = module_alloc(backend, world, out, err)) != 0)
		return ret;
	if (token != NULL)
		(*out)->token = *token;
	off_utc_now((*out)->created);
	if ((ret = (*out)->ops->create(*out, err)) != 0)
		off_module_free(out);
	return ret;
}

int
off_module_load(const char *backend, const char *kmdata,
    const uint8_t world[32], const uint8_t id[OFF_MODULE_ID_LEN],
    struct off_module **out, struct off_err *err)
{
	int	ret;

	if ((ret = module_alloc(backend, world, out, err)) != 0)
		return ret;
	memcpy((*out)->id, id, OFF_MODULE_ID_LEN);
	if ((ret = (*out)->ops->load(*out, kmdata, err)) != 0)
		off_module_free(out);
	return ret;
}

void
off_module_free(struct off_module **m)
{
	if (m == NULL || *m == NULL)
		return;
	if ((*m)->ops->free != NULL)
		(*m)->ops->free(*m);
	off_secfree(&(*m)->key);
	free(*m);
	*m = NULL;
}

#define SIGNING_LABEL	"officiant module signing key v1"

int
off_module_signing_key(const struct off_module *m, EVP_PKEY **key,
    struct off_err *err)
{
	uint8_t	*seed;
	int	 ret;

	*key = NULL;
	if ((seed = off_secalloc(32)) == NULL)
		return off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
	if ((ret = off_hkdf(m->key, OFF_KEY_LEN, SIGNING_LABEL, seed, 32,
	    err)) == 0 && (*key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519,
	    NULL, seed, 32)) == NULL)
		ret = off_err_crypto(err, _("cannot make the module key"));
	off_secfree(&seed);
	return ret;
}

int
off_module_public_key(const struct off_module *m, uint8_t pub[32],
    struct off_err *err)
{
	EVP_PKEY	*key = NULL;
	size_t		 len = 32;
	int		 ret;

	if ((ret = off_module_signing_key(m, &key, err)) != 0)
		return ret;
	if (EVP_PKEY_get_raw_public_key(key, pub, &len) != 1 || len != 32)
		ret = off_err_crypto(err, _("cannot read the module key"));
	EVP_PKEY_free(key);
	return ret;
}

int
off_module_key_check(const struct off_module *m,
    uint8_t check[OFF_KEY_CHECK_LEN], struct off_err *err)
{
	struct off_tbs	t;
	unsigned int	len = OFF_KEY_CHECK_LEN;
	int		ret;

	off_tbs_init(&t, KEY_CHECK_DOMAIN);
	off_tbs_bytes(&t, m->world, sizeof(m->world));
	off_tbs_bytes(&t, m->id, sizeof(m->id));
	if ((ret = off_tbs_ok(&t)) != 0)
		ret = off_err_set(err, ret, NULL, NULL);
	else if (HMAC(EVP_sha256(), m->key, OFF_KEY_LEN, t.p, t.len, check,
	    &len) == NULL)
		ret = off_err_crypto(err, _("HMAC failed"));
	off_tbs_free(&t);
	return ret;
}

static int
recovery_key_aad(const uint8_t *secret, const uint8_t world[32],
    const uint8_t id[OFF_MODULE_ID_LEN], uint8_t *rkey, struct off_tbs *aad,
    struct off_err *err)
{
	int	ret;

	off_tbs_init(aad, RECOVERY_AAD_DOMAIN);
	off_tbs_bytes(aad, world, 32);
	off_tbs_bytes(aad, id, OFF_MODULE_ID_LEN);
	if ((ret = off_tbs_ok(aad)) != 0)
		return off_err_set(err, ret, NULL, NULL);
	return off_hkdf(secret, 32, RECOVERY_LABEL, rkey, OFF_KEY_LEN, err);
}

int
off_module_so_pin(const struct off_module *m, EVP_PKEY *world_key,
    uint8_t pin[OFF_SO_PIN_LEN + 1], struct off_err *err)
{
	uint8_t		*ikm = NULL, *h = NULL;
	size_t		 len = 0;
	BIGNUM		*d = NULL;
	char		 label[64], hex[OFF_MODULE_ID_LEN * 2 + 1];
	int		 ret;

	if ((h = off_secalloc(OFF_SO_PIN_LEN / 2)) == NULL)
		return off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
	/* The private key's bytes: Ed25519's raw key, or EC's scalar (in
	 * OpenSSL's secure heap). */
	if (EVP_PKEY_get_raw_private_key(world_key, NULL, &len) == 1) {
		if (len == 0 || len > 64) {
			ret = off_err_crypto(err, _("cannot read the world key"));
			goto out;
		}
		if ((ikm = off_secalloc(len)) == NULL) {
			ret = off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
			goto out;
		}
		if (EVP_PKEY_get_raw_private_key(world_key, ikm, &len) != 1) {
			ret = off_err_crypto(err, _("cannot read the world key"));
			goto out;
		}
	} else {
		if ((d = BN_secure_new()) == NULL ||
		    EVP_PKEY_get_bn_param(world_key, OSSL_PKEY_PARAM_PRIV_KEY,
		    &d) != 1 || (len = (size_t)BN_num_bytes(d)) == 0 ||
		    len > 66) {
			ret = off_err_crypto(err, _("cannot read the world key"));
			goto out;
		}
		len = 66;
		if ((ikm = off_secalloc(len)) == NULL) {
			ret = off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
			goto out;
		}
		if (BN_bn2binpad(d, ikm, (int)len) != (int)len) {
			ret = off_err_crypto(err, _("cannot read the world key"));
			goto out;
		}
	}
	off_hex(m->id, OFF_MODULE_ID_LEN, hex);
	snprintf(label, sizeof(label), "pkcs11 SO PIN %s", hex);
	if ((ret = off_hkdf(ikm, len, label, h, OFF_SO_PIN_LEN / 2, err)) == 0)
		off_hex(h, OFF_SO_PIN_LEN / 2, (char *)pin);
out:
	BN_clear_free(d);
	off_secfree(&ikm);
	off_secfree(&h);
	return ret;
}

int
off_module_seal_recovery(const struct off_module *m, const uint8_t *secret,
    struct off_sealed *out, struct off_err *err)
{
	struct off_tbs	 aad;
	uint8_t		*rkey;
	int		 ret;

	if ((rkey = off_secalloc(OFF_KEY_LEN)) == NULL)
		return off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
	if ((ret = recovery_key_aad(secret, m->world, m->id, rkey, &aad,
	    err)) == 0)
		ret = off_seal(rkey, aad.p, aad.len, m->key, OFF_KEY_LEN, out,
		    err);
	off_tbs_free(&aad);
	off_secfree(&rkey);
	return ret;
}

int
off_module_from_recovery(const char *backend, const uint8_t world[32],
    const uint8_t id[OFF_MODULE_ID_LEN], const char *created,
    const uint8_t *secret, const struct off_sealed *sealed,
    const uint8_t check[OFF_KEY_CHECK_LEN], struct off_module **out,
    struct off_err *err)
{
	struct off_tbs	 aad;
	uint8_t		*rkey = NULL, mine[OFF_KEY_CHECK_LEN];
	int		 ret;

	memset(&aad, 0, sizeof(aad));
	if (sealed->len != OFF_KEY_LEN)
		return off_err_set(err, OFF_ERR_FORMAT, NULL,
		    _("sealed module key has the wrong length"));
	if ((ret = module_alloc(backend, world, out, err)) != 0)
		return ret;
	memcpy((*out)->id, id, OFF_MODULE_ID_LEN);
	snprintf((*out)->created, sizeof((*out)->created), "%s", created);
	if ((rkey = off_secalloc(OFF_KEY_LEN)) == NULL) {
		ret = off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
		goto out;
	}
	if ((ret = recovery_key_aad(secret, world, id, rkey, &aad, err)) != 0 ||
	    (ret = off_open(rkey, aad.p, aad.len, sealed, (*out)->key,
	    err)) != 0 ||
	    (ret = off_module_key_check(*out, mine, err)) != 0)
		goto out;
	if (off_ctcmp(mine, check, sizeof(mine)) != 0)
		ret = off_err_set(err, OFF_ERR_AUTH, NULL,
		    _("restored module key does not match the world record"));
out:
	off_tbs_free(&aad);
	off_secfree(&rkey);
	if (ret != 0)
		off_module_free(out);
	return ret;
}
