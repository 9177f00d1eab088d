/* Helpers shared by the unit tests. Those that check something fail
 * the running cmocka test when it does not hold. */
#ifndef OFF_TESTLIB_H
#define OFF_TESTLIB_H

#include <sys/stat.h>

#include <stddef.h>
#include <stdint.h>

/* A fresh temporary directory (malloc'd path) and its removal. */
char	*test_tmpdir(void);
void	 test_rmtree(const char *dir);
/* Number of files in dir whose name ends in suffix ("" = all), dot
 * files excepted. */
unsigned test_count_files(const char *dir, const char *suffix);
/* Number of files in dir whose name starts with prefix, dot files
 * excepted. */
unsigned test_count_prefix(const char *dir, const char *prefix);
/* A deterministic xorshift generator, so that failures reproduce. */
void	 test_rng_seed(uint64_t seed);
uint8_t	 test_rng_byte(void);

/* --- paths and files ---------------------------------------------- */

/* dir/name into buf, which must hold it. */
void	 test_path(char *buf, size_t len, const char *dir, const char *name);
/* The file of key app/ident in KMDATA: kmdata/key_<app>_<ident>. */
void	 test_key_path(const char *kmdata, const char *app, const char *ident,
	    char *buf, size_t len);
/* 1 when path exists. */
int	 test_exists(const char *path);
/* The whole file at path, as off_file_read reads it (malloc'd, NUL
 * after the len bytes). */
void	 test_slurp(const char *path, char **data, size_t *len);
/* Write data to path, created or truncated, without fsync: the tamper
 * loops write thousands of variants. */
void	 test_spill(const char *path, const void *data, size_t len);
/* The file at path holds exactly the len bytes of data. */
void	 test_file_holds(const char *path, const void *data, size_t len);

/* A file as it was: its bytes and its inode's identity and times. */
struct test_snap {
	char		*data;
	size_t		 len;
	struct stat	 sb;
};
void	 test_snap_take(const char *path, struct test_snap *sn);
/* The file at path is still exactly sn: same bytes, same inode, same
 * modification time (and sn is freed). */
void	 test_snap_same(const char *path, struct test_snap *sn);

/* Every entry of dir, hidden ones and dir itself too, with its size,
 * inode and time: a string that changes when anything in dir does
 * (malloc'd). */
char	*test_dir_state(const char *dir);
/* dir is still as test_dir_state saw it (and before is freed). */
void	 test_dir_same(const char *dir, char *before);

/* --- looking for secrets in files --------------------------------- */

/* Byte strings that must not be found, each of 16 bytes or more and
 * named for the report. */
struct test_needle {
	char		 what[64];
	uint8_t		*p;
	size_t		 len;
};
struct test_needles {
	struct test_needle	*n;
	size_t			 count, cap;
};
void	 test_add_needle(struct test_needles *ns, const char *what,
	    const void *p, size_t len);
/* Wipes and frees the needles. */
void	 test_free_needles(struct test_needles *ns);
/* Search every regular file under dir (skipping the path skip, if not
 * NULL); returns the number of files searched and counts the needles
 * found in *hits, each reported as a leak of why unless why is NULL. */
unsigned test_scan_tree(const char *dir, const char *skip,
	    const struct test_needles *ns, unsigned *hits, const char *why);

/* --- keys and certificates ---------------------------------------- */

struct evp_pkey_st;
struct x509_st;
/* A public key alone, as a KEK arrives (takes over key). */
struct evp_pkey_st *test_public_only(struct evp_pkey_st *key);
/* A KEK as a cloud hands it out: the public half of a new RSA key of
 * bits. */
struct evp_pkey_st *test_rsa_kek(unsigned bits);
/* A self-signed certificate (version 3, SHA-256, valid from now for a
 * day) for pk, with subject and issuer CN=cn. */
struct x509_st *test_self_signed(struct evp_pkey_st *pk, const char *cn,
	    long serial);

#endif
