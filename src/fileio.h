/* Files: bounded reads of untrusted input and atomic, durable writes
 * (temporary file, fsync, rename, fsync of the directory), mode 0600. */
#ifndef OFF_FILEIO_H
#define OFF_FILEIO_H

#include <stddef.h>
#include <stdint.h>

struct off_err;

#define OFF_WRITE_NOREPLACE	0x0	/* fail with OFF_ERR_EXISTS */
#define OFF_WRITE_REPLACE	0x1	/* atomically replace */

/* Upper bound for any file the core parses. */
#define OFF_FILE_MAX		(1024 * 1024)

/* Read a whole regular file of at most max bytes into a NUL-terminated
 * malloc'd buffer. */
int	off_file_read(const char *path, size_t max, char **out, size_t *outlen,
	    struct off_err *err);
/* SHA-256 of a regular file of any size, read in pieces. */
int	off_file_sha256(const char *path, uint8_t out[32], uint64_t *size,
	    struct off_err *err);
/* Write data to path atomically with mode 0600. On failure a new
 * file (OFF_WRITE_NOREPLACE) is not left in place; a replaced one may
 * hold the old or the new data. Temporary files that a crash during an
 * earlier write of path left beside it are removed first. */
int	off_file_write(const char *path, const void *data, size_t len,
	    int flags, struct off_err *err);
/* Remove path and fsync its directory. */
int	off_file_remove(const char *path, struct off_err *err);
/* Remove from dir what crashed writes of files named *suffix left
 * (their NAME.tmp.XXXXXX files), those of running writers excepted:
 * off_file_write holds a lock on its temporary file until it is
 * renamed. For files whose names are never written again, such as
 * transcripts. */
void	off_file_sweep(const char *dir, const char *suffix);
/* Create directory path (and missing parents) with mode 0700. */
int	off_mkdirs(const char *path, struct off_err *err);
/* 0 when path is an existing directory we can write to. */
int	off_dir_writable(const char *path, struct off_err *err);
/* Join dir and name into buf; OFF_ERR_TOO_LARGE if it does not fit. */
int	off_path_join(char *buf, size_t len, const char *dir,
	    const char *name);

#endif
