/* libFuzzer target: a cloud's Key Exchange Key as PEM or DER
 * (SubjectPublicKeyInfo or certificate) or a JWK, read by off_kek_load
 * and judged by off_kek_check and off_package_check. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "error.h"
#include "fuzzlib.h"
#include "json.h"
#include "key.h"
#include "package.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *path;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	off_json_init();
	path = fuzz_path("kek");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct off_package_params params[] = {
		{ "azure-byok", NULL, "https://example.invalid/keys/kek/1",
		    NULL, NULL },
		{ "aws-kms", NULL, NULL, NULL, NULL },
		{ "aws-kms", "RSAES_OAEP_SHA_256", NULL, NULL, NULL },
		{ "gcp-kms", NULL, NULL, NULL, NULL },
		{ "gcp-kms", "RSA_OAEP_4096_SHA256_AES_256", NULL, NULL, NULL },
	};
	struct off_err	 err;
	EVP_PKEY	*kek;
	uint8_t		 fp[32];
	size_t		 i;
	int		 bits, ok;

	if (size > 64 * 1024 + 1)
		return 0;
	fuzz_write(path, data, size, 0644);
	off_err_clear(&err);
	if ((kek = off_kek_load(path, &err)) == NULL)
		return 0;
	/* What off_kek_check must refuse every time. Its last test,
	 * OpenSSL's EVP_PKEY_public_check, picks random Miller-Rabin
	 * bases: a modulus whose factors it can find is refused only now
	 * and then (see corpus/fuzz-kek/random-public-check.der). */
	bits = EVP_PKEY_get_bits(kek);
	ok = EVP_PKEY_is_a(kek, "RSA") && (bits == 2048 || bits == 3072 ||
	    bits == 4096);
	off_err_clear(&err);
	if (off_kek_check(kek, &err) == 0 && !ok)
		abort();
	off_err_clear(&err);
	if (off_key_fingerprint(kek, fp, &err) != 0 && ok)
		abort();
	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		off_err_clear(&err);
		if (off_package_check(&params[i], kek, "rsa", &err) == 0 &&
		    !ok)
			abort();
		(void)off_package_check(&params[i], kek, "aes", &err);
	}
	EVP_PKEY_free(kek);
	ERR_clear_error();
	return 0;
}
