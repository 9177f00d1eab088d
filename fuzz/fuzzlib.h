/* Shared by the libFuzzer targets whose parser takes a path: one
 * private directory per process (on /dev/shm when there is one, so
 * that fsync costs nothing), removed at exit, and files in it that
 * take each input in turn. */
#ifndef OFF_FUZZLIB_H
#define OFF_FUZZLIB_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

/* The directory, made on the first call; aborts when it cannot be. */
const char	*fuzz_dir(void);
/* A path in the directory: a pointer to a buffer of its own for each
 * name (at most 16 names per process). */
const char	*fuzz_path(const char *name);
/* Replace the file at path by the size bytes of data, with mode. */
void		 fuzz_write(const char *path, const uint8_t *data, size_t size,
		    mode_t mode);
/* data as a NUL-terminated string, in a buffer the caller frees. */
char		*fuzz_string(const uint8_t *data, size_t size);

#endif
