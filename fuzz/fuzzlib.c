/* The temporary files of the libFuzzer targets. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzzlib.h"

#define NAMES	16

const char	*__lsan_default_suppressions(void);

/* libconfig before 1.7.3 leaks the string token that a syntax error
 * discards (hyperrealm/libconfig#142, fixed by #155); Debian 12 has
 * 1.5. Nothing the caller can free: at most one token per file read. */
const char *
__lsan_default_suppressions(void)
{
	return "leak:libconfig_yylex\nleak:strbuf_append\n";
}

static char	dir[PATH_MAX];
static struct {
	char	name[64];
	char	path[PATH_MAX];
} paths[NAMES];

static void
die(const char *what)
{
	fprintf(stderr, "fuzz: %s: %s\n", what, strerror(errno));
	abort();
}

/* The directory holds only files the targets and the core made. */
static void
cleanup(void)
{
	char		 p[PATH_MAX];
	DIR		*d;
	struct dirent	*e;

	if (*dir == '\0' || (d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    snprintf(p, sizeof(p), "%s/%s", dir, e->d_name) <
		    (int)sizeof(p))
			(void)unlink(p);
	closedir(d);
	(void)rmdir(dir);
}

const char *
fuzz_dir(void)
{
	const char	*base = getenv("TMPDIR");
	struct stat	 st;

	if (*dir != '\0')
		return dir;
	if (base == NULL || *base != '/')
		base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
		    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(dir, sizeof(dir), "%s/officiant-fuzz.XXXXXX", base);
	if (mkdtemp(dir) == NULL)
		die(dir);
	atexit(cleanup);
	return dir;
}

const char *
fuzz_path(const char *name)
{
	size_t	i;

	for (i = 0; i < NAMES && paths[i].name[0] != '\0'; i++)
		if (strcmp(paths[i].name, name) == 0)
			return paths[i].path;
	if (i == NAMES || strlen(name) >= sizeof(paths[i].name)) {
		errno = ENOSPC;
		die(name);
	}
	snprintf(paths[i].name, sizeof(paths[i].name), "%s", name);
	snprintf(paths[i].path, sizeof(paths[i].path), "%s/%s", fuzz_dir(),
	    name);
	return paths[i].path;
}

void
fuzz_write(const char *path, const uint8_t *data, size_t size, mode_t mode)
{
	ssize_t	n;
	int	fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, mode)) == -1 || fchmod(fd, mode) == -1)
		die(path);
	while (size > 0) {
		if ((n = write(fd, data, size)) == -1) {
			if (errno == EINTR)
				continue;
			die(path);
		}
		data += n;
		size -= (size_t)n;
	}
	if (close(fd) == -1)
		die(path);
}

char *
fuzz_string(const uint8_t *data, size_t size)
{
	char	*s;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}
