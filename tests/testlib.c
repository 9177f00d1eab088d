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

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "fileio.h"
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

/* Files in dir named prefix...suffix, dot files excepted. */
static unsigned
count_names(const char *dir, const char *prefix, const char *suffix)
{
	DIR		*d;
	struct dirent	*de;
	unsigned	 n = 0;
	size_t		 len, plen = strlen(prefix), slen = strlen(suffix);

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		len = strlen(de->d_name);
		if (len >= plen + slen && strncmp(de->d_name, prefix, plen) ==
		    0 && strcmp(de->d_name + len - slen, suffix) == 0)
			n++;
	}
	closedir(d);
	return n;
}

unsigned
test_count_files(const char *dir, const char *suffix)
{
	return count_names(dir, "", suffix);
}

unsigned
test_count_prefix(const char *dir, const char *prefix)
{
	return count_names(dir, prefix, "");
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

EVP_PKEY *
test_rsa_kek(unsigned bits)
{
	return test_public_only(EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
	    (size_t)bits));
}

X509 *
test_self_signed(EVP_PKEY *pk, const char *cn, long serial)
{
	X509		*x = X509_new();
	X509_NAME	*n;

	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), serial),
	    1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), 0));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 86400L));
	assert_int_equal(X509_set_pubkey(x, pk), 1);
	n = X509_get_subject_name(x);
	assert_int_equal(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0), 1);
	assert_int_equal(X509_set_issuer_name(x, n), 1);
	assert_true(X509_sign(x, pk, EVP_sha256()) > 0);
	return x;
}

/* --- paths and files ---------------------------------------------- */

void
test_path(char *buf, size_t len, const char *dir, const char *name)
{
	int	n = snprintf(buf, len, "%s/%s", dir, name);

	assert_true(n > 0 && (size_t)n < len);
}

void
test_key_path(const char *kmdata, const char *app, const char *ident,
    char *buf, size_t len)
{
	int	n = snprintf(buf, len, "%s/key_%s_%s", kmdata, app, ident);

	assert_true(n > 0 && (size_t)n < len);
}

int
test_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

void
test_slurp(const char *path, char **data, size_t *len)
{
	assert_int_equal(off_file_read(path, OFF_FILE_MAX, data, len, NULL),
	    0);
}

void
test_spill(const char *path, const void *data, size_t len)
{
	FILE	*f = fopen(path, "w");

	assert_non_null(f);
	/* An empty memory BIO has no data pointer. */
	if (len > 0)
		assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

void
test_file_holds(const char *path, const void *data, size_t len)
{
	char	*now;
	size_t	 nlen;

	test_slurp(path, &now, &nlen);
	assert_int_equal(nlen, len);
	assert_memory_equal(now, data, len);
	free(now);
}

void
test_snap_take(const char *path, struct test_snap *sn)
{
	test_slurp(path, &sn->data, &sn->len);
	assert_int_equal(stat(path, &sn->sb), 0);
}

void
test_snap_same(const char *path, struct test_snap *sn)
{
	struct stat	 sb;

	test_file_holds(path, sn->data, sn->len);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_ino, sn->sb.st_ino);
	assert_int_equal(sb.st_mtim.tv_sec, sn->sb.st_mtim.tv_sec);
	assert_int_equal(sb.st_mtim.tv_nsec, sn->sb.st_mtim.tv_nsec);
	free(sn->data);
	memset(sn, 0, sizeof(*sn));
}

char *
test_dir_state(const char *dir)
{
	struct dirent	**list = NULL;
	struct stat	  sb;
	char		  path[PATH_MAX + 256], line[PATH_MAX + 384], *out;
	size_t		  len = 0;
	int		  i, n, l;

	n = scandir(dir, &list, NULL, alphasort);
	assert_true(n >= 2);
	assert_non_null(out = calloc(1, 1));
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		assert_int_equal(lstat(path, &sb), 0);
		l = snprintf(line, sizeof(line), "%s %lld %llu %lld.%ld\n",
		    list[i]->d_name, (long long)sb.st_size,
		    (unsigned long long)sb.st_ino,
		    (long long)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec);
		assert_true(l > 0 && (size_t)l < sizeof(line));
		free(list[i]);
		/* "." stays: its time shows a file made and removed. */
		if (strncmp(line, ".. ", 3) == 0)
			continue;
		assert_non_null(out = realloc(out, len + (size_t)l + 1));
		memcpy(out + len, line, (size_t)l + 1);
		len += (size_t)l;
	}
	free(list);
	return out;
}

void
test_dir_same(const char *dir, char *before)
{
	char	*now = test_dir_state(dir);

	assert_string_equal(now, before);
	free(now);
	free(before);
}

/* --- looking for secrets in files --------------------------------- */

void
test_add_needle(struct test_needles *ns, const char *what, const void *p,
    size_t len)
{
	struct test_needle	*n;

	assert_true(len >= 16);
	if (ns->count == ns->cap) {
		ns->cap = ns->cap ? 2 * ns->cap : 256;
		ns->n = realloc(ns->n, ns->cap * sizeof(*ns->n));
		assert_non_null(ns->n);
	}
	n = &ns->n[ns->count++];
	snprintf(n->what, sizeof(n->what), "%s", what);
	n->p = malloc(len);
	assert_non_null(n->p);
	memcpy(n->p, p, len);
	n->len = len;
}

void
test_free_needles(struct test_needles *ns)
{
	size_t	i;

	for (i = 0; i < ns->count; i++) {
		OPENSSL_cleanse(ns->n[i].p, ns->n[i].len);
		free(ns->n[i].p);
	}
	free(ns->n);
	memset(ns, 0, sizeof(*ns));
}

unsigned
test_scan_tree(const char *dir, const char *skip,
    const struct test_needles *ns, unsigned *hits, const char *why)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		 path[PATH_MAX], *data;
	size_t		 len, i;
	unsigned	 files = 0;
	FILE		*f;

	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		test_path(path, sizeof(path), dir, de->d_name);
		if (skip != NULL && strcmp(path, skip) == 0)
			continue;
		assert_int_equal(lstat(path, &sb), 0);
		if (S_ISDIR(sb.st_mode)) {
			files += test_scan_tree(path, skip, ns, hits, why);
			continue;
		}
		if (!S_ISREG(sb.st_mode))
			continue;
		files++;
		data = malloc((size_t)sb.st_size + 1);
		assert_non_null(data);
		f = fopen(path, "rb");
		assert_non_null(f);
		len = fread(data, 1, (size_t)sb.st_size, f);
		assert_int_equal(len, (size_t)sb.st_size);
		fclose(f);
		for (i = 0; i < ns->count; i++)
			if (memmem(data, len, ns->n[i].p, ns->n[i].len) !=
			    NULL) {
				if (why != NULL)
					print_error("%s: %s of %s\n", path,
					    ns->n[i].what, why);
				(*hits)++;
			}
		free(data);
	}
	closedir(d);
	return files;
}
