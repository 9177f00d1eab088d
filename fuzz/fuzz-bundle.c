/* libFuzzer target: certificate bundles (PEM chains, leaf first) read
 * and verified by off_kek_verify_chain for a fixed KEK up to a pinned
 * root, by SHA-256 and by SHA-1. The KEK and the root are those of
 * the seed fuzz/corpus/fuzz-bundle/chain.pem, made for fuzzing with
 * openssl (valid to 2126, so that the seed keeps verifying). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "error.h"
#include "fuzzlib.h"
#include "json.h"
#include "kek.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char kek_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAmj99/taYDW8J1Zi6Ln6j\n"
    "qdsgTHD/T2q8p4O0AezdT9g9iVXNmjao11dvXO0/YQstuyBj7eDkbmO5M7smHAZw\n"
    "2lI0OH0q9SrT3OEciBycgEpbgBMMQcmZZSRCBtM2/zhAExbKGbpZeewA5As5rIfJ\n"
    "UPybIiU5rrX6CBeFS9bhaUK9OeISy4dIV4y0FmMcj489/Mw1CwsMgpjxjhd9yU+a\n"
    "/dNK8k8WeK3JEeHGi+NlQU8UJSAQMtRoZ5uwfUrEpEBcLeiudueHTae4k3Nnlm6x\n"
    "K+Ir5yaSJaLnI5WRmPhy0IMagLhUDqJ1a+E85BnC6Xh5NUflGR4t58ItuJKkV5rJ\n"
    "lQIDAQAB\n"
    "-----END PUBLIC KEY-----\n";

/* SHA-256 and SHA-1 of the root certificate's DER. */
static const uint8_t root_sha256[32] = {
	0x0b, 0x3a, 0x9a, 0xea, 0x12, 0xf9, 0x06, 0xf8,
	0x73, 0x84, 0x15, 0x03, 0x0f, 0x57, 0xd1, 0xd4,
	0x8e, 0xe6, 0x65, 0x2d, 0xa2, 0xbc, 0xfb, 0xa7,
	0x96, 0x5f, 0x48, 0xa8, 0xca, 0x31, 0xf2, 0xe2
};
static const uint8_t root_sha1[20] = {
	0x1b, 0xbc, 0x92, 0xd3, 0xae, 0xfc, 0xd9, 0x19,
	0xee, 0x0a, 0xd1, 0x5f, 0x7d, 0x30, 0x58, 0x68,
	0x55, 0x32, 0x57, 0xb0
};

static EVP_PKEY		*kek;
static const char	*path;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	BIO	*bio;

	(void)argc;
	(void)argv;
	off_json_init();
	path = fuzz_path("chain.pem");
	if ((bio = BIO_new_mem_buf(kek_pem, -1)) == NULL ||
	    (kek = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL)) == NULL)
		abort();
	BIO_free(bio);
	return 0;
}

static void
check(const uint8_t *pin, size_t pinlen)
{
	struct off_kek_report	 rep;
	struct off_err		 err;
	size_t			 i;
	int			 ret;

	off_err_clear(&err);
	ret = off_kek_verify_chain(kek, path, pin, pinlen, &rep, &err);
	if (rep.n > OFF_CHAIN_MAX)
		abort();
	for (i = 0; i < rep.n; i++)
		if (memchr(rep.subject[i], '\0', sizeof(rep.subject[i])) ==
		    NULL || strchr(rep.subject[i], '\n') != NULL)
			abort();
	/* Verified: the chain ends at the pinned root. */
	if (ret == 0 && (rep.n < 1 || memcmp(pinlen == 32 ? rep.root_sha256 :
	    rep.root_sha1, pin, pinlen) != 0))
		abort();
	ERR_clear_error();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1024 * 1024 + 1)
		return 0;
	fuzz_write(path, data, size, 0644);
	check(root_sha256, sizeof(root_sha256));
	check(root_sha1, sizeof(root_sha1));
	return 0;
}
