#include "config.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "error.h"
#include "json.h"
#include "platform.h"

int
off_platform_harden(void)
{
	struct rlimit	rl = { 0, 0 };
	int		ret = 0;

	off_json_init();
	if (setrlimit(RLIMIT_CORE, &rl) != 0)
		ret = OFF_ERR_INTERNAL;
	/* Not dumpable: no core file, no ptrace attach by the same user,
	 * no /proc/<pid>/mem for others. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		ret = OFF_ERR_INTERNAL;
	if (CRYPTO_secure_malloc_initialized() == 0 &&
	    CRYPTO_secure_malloc_init(256 * 1024, 32) == 0)
		ret = OFF_ERR_SECMEM;
	return ret;
}

int
off_crypto_init(void)
{
	EVP_MD	*md;

	if (OPENSSL_init_crypto(0, NULL) != 1 ||
	    OSSL_LIB_CTX_get0_global_default() == NULL ||
	    (md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		return OFF_ERR_NOMEM;
	EVP_MD_free(md);
	return 0;
}
