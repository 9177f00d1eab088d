/* Helpers shared by the unit tests. */
#ifndef OFF_TESTLIB_H
#define OFF_TESTLIB_H

#include <stddef.h>
#include <stdint.h>

/* A fresh temporary directory (malloc'd path) and its removal. */
char	*test_tmpdir(void);
void	 test_rmtree(const char *dir);
/* Number of files in dir whose name ends in suffix ("" = all), dot
 * files excepted. */
unsigned test_count_files(const char *dir, const char *suffix);
/* A deterministic xorshift generator, so that failures reproduce. */
void	 test_rng_seed(uint64_t seed);
uint8_t	 test_rng_byte(void);

/* A public key alone, as a KEK arrives (takes over key). */
struct evp_pkey_st;
struct evp_pkey_st *test_public_only(struct evp_pkey_st *key);

#endif
