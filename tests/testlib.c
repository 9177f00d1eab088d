#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "testlib.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

void
test_rng_seed(uint64_t seed)
{
	rng_state = seed != 0 ? seed : 0x9e3779b97f4a7c15ULL;
}

uint8_t
test_rng_byte(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint8_t)(rng_state >> 32);
}

char *
test_tmpdir(void)
{
	char	tmpl[] = "/tmp/officiant-test-XXXXXX", *d;

	if ((d = mkdtemp(tmpl)) == NULL)
		abort();
	return strdup(d);
}

void
test_rmtree(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		 path[4096];

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			test_rmtree(path);
		else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

unsigned
test_count_files(const char *dir, const char *suffix)
{
	DIR		*d;
	struct dirent	*de;
	unsigned	 n = 0;
	size_t		 len, slen = strlen(suffix);

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		len = strlen(de->d_name);
		if (len >= slen && strcmp(de->d_name + len - slen, suffix) == 0)
			n++;
	}
	closedir(d);
	return n;
}

EVP_PKEY *
test_public_only(EVP_PKEY *key)
{
	uint8_t		*der = NULL;
	const uint8_t	*p;
	EVP_PKEY	*pub = NULL;
	int		 n;

	if (key == NULL)
		abort();
	if ((n = i2d_PUBKEY(key, &der)) > 0) {
		p = der;
		pub = d2i_PUBKEY(NULL, &p, n);
	}
	OPENSSL_free(der);
	EVP_PKEY_free(key);
	if (pub == NULL)
		abort();
	return pub;
}
