#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "error.h"
#include "fileio.h"
#include "i18n.h"

int
off_path_join(char *buf, size_t len, const char *dir, const char *name)
{
	int	n;

	n = snprintf(buf, len, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= len)
		return OFF_ERR_TOO_LARGE;
	return 0;
}

/* Open path for reading: a regular file, not through a symbolic link,
 * without hanging on a FIFO planted in its place. Returns the
 * descriptor, or an error code (negative) after recording it. */
static int
open_regular(const char *path, struct stat *st, struct off_err *err)
{
	int	fd, ret;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) == -1) {
		if (errno == ELOOP)
			return off_err_set(err, OFF_ERR_FORMAT, path,
			    _("is a symbolic link; give the file itself"));
		return off_err_errno(err, errno == ENOENT ? OFF_ERR_NOT_FOUND :
		    OFF_ERR_IO, errno, path, _("cannot open"));
	}
	if (fstat(fd, st) == -1)
		ret = off_err_errno(err, OFF_ERR_IO, errno, path,
		    _("cannot stat"));
	else if (!S_ISREG(st->st_mode))
		ret = off_err_set(err, OFF_ERR_FORMAT, path,
		    _("not a regular file"));
	else
		return fd;
	close(fd);
	return ret;
}

int
off_file_sha256(const char *path, uint8_t out[32], uint64_t *size,
    struct off_err *err)
{
	struct stat	 st;
	EVP_MD_CTX	*ctx = NULL;
	unsigned char	 buf[65536];
	ssize_t		 n;
	int		 fd, ret = 0;

	*size = 0;
	if ((fd = open_regular(path, &st, err)) < 0)
		return fd;
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		ret = off_err_crypto(err, _("cannot hash"));
		goto out;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			ret = off_err_errno(err, OFF_ERR_IO, errno, path,
			    _("cannot read"));
			goto out;
		}
		*size += (uint64_t)n;
		if (EVP_DigestUpdate(ctx, buf, (size_t)n) != 1) {
			ret = off_err_crypto(err, _("cannot hash"));
			goto out;
		}
	}
	if (EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		ret = off_err_crypto(err, _("cannot hash"));
out:
	EVP_MD_CTX_free(ctx);
	close(fd);
	return ret;
}

int
off_file_read(const char *path, size_t max, char **out, size_t *outlen,
    struct off_err *err)
{
	struct stat	 st;
	char		*buf = NULL;
	size_t		 got = 0, cap;
	ssize_t		 n;
	int		 fd, ret;

	*out = NULL;
	if (outlen != NULL)
		*outlen = 0;
	if ((fd = open_regular(path, &st, err)) < 0)
		return fd;
	if (st.st_size < 0 || (unsigned long long)st.st_size > max) {
		ret = off_err_set(err, OFF_ERR_TOO_LARGE, path,
		    _("file is larger than %zu bytes"), max);
		goto out;
	}
	/* Read until EOF rather than trusting st_size: the file may change;
	 * start with what it says and grow up to max + 1. */
	cap = (size_t)st.st_size + 1;
	if ((buf = malloc(cap + 1)) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, path, NULL);
		goto out;
	}
	for (;;) {
		if (got == cap && cap < max + 1) {
			char	*nb;

			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			if ((nb = realloc(buf, cap + 1)) == NULL) {
				ret = off_err_set(err, OFF_ERR_NOMEM, path,
				    NULL);
				goto out;
			}
			buf = nb;
		}
		n = read(fd, buf + got, cap - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			ret = off_err_errno(err, OFF_ERR_IO, errno, path,
			    _("cannot read"));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > max) {
			ret = off_err_set(err, OFF_ERR_TOO_LARGE, path,
			    _("file is larger than %zu bytes"), max);
			goto out;
		}
	}
	buf[got] = '\0';
	*out = buf;
	buf = NULL;
	if (outlen != NULL)
		*outlen = got;
	ret = 0;
out:
	free(buf);
	close(fd);
	return ret;
}

static int
write_all(int fd, const void *data, size_t len)
{
	const unsigned char	*p = data;
	ssize_t			 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
dir_of(const char *path, char *dir, size_t len)
{
	const char	*slash = strrchr(path, '/');
	size_t		 n;

	if (slash == NULL)
		return snprintf(dir, len, ".") >= (int)len ? -1 : 0;
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= len)
		return -1;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return 0;
}

static int
fsync_dir(const char *dir)
{
	int	fd, r;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	r = fsync(fd);
	close(fd);
	/* Some file systems cannot fsync a directory; that is not an error. */
	if (r == -1 && (errno == EINVAL || errno == EROFS))
		r = 0;
	return r;
}

/* Move tmp to path without replacing an existing file, even on file
 * systems without renameat2(RENAME_NOREPLACE) or hard links. */
static int
rename_noreplace(const char *tmp, const char *path)
{
#if defined(HAVE_RENAMEAT2) && defined(RENAME_NOREPLACE)
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return -1;
#endif
	if (link(tmp, path) == 0) {
		unlink(tmp);
		return 0;
	}
	if (errno == EEXIST)
		return -1;
	/* vfat and friends: no links; check, then rename. */
	if (access(path, F_OK) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(tmp, path);
}

/* Remove what a crash in the middle of an earlier write of path left:
 * path.tmp.XXXXXX files, which only off_file_write makes. */
static void
remove_stale(const char *dir, const char *path)
{
	const char	*base = strrchr(path, '/');
	struct dirent	*de;
	DIR		*d;
	char		 stale[PATH_MAX];
	size_t		 blen;
	int		 removed = 0;

	base = base != NULL ? base + 1 : path;
	blen = strlen(base);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, base, blen) != 0 ||
		    strncmp(de->d_name + blen, ".tmp.", 5) != 0 ||
		    strlen(de->d_name + blen + 5) != 6 ||
		    off_path_join(stale, sizeof(stale), dir, de->d_name) != 0)
			continue;
		if (unlink(stale) == 0)
			removed = 1;
	}
	closedir(d);
	if (removed)
		(void)fsync_dir(dir);
}

/* A new temporary file from the template tmp (…XXXXXX), open and
 * locked: it is ours until it has its name, and a lock that can be
 * taken marks one that a crash left (off_file_sweep). A sweep that
 * took the lock between the file's making and ours has removed it:
 * then another. -1 with errno set on failure. */
static int
locked_temp(char *tmp, size_t len)
{
	struct stat	sb;
	char		tmpl[PATH_MAX];
	int		fd, i;

	snprintf(tmpl, sizeof(tmpl), "%s", tmp);
	for (i = 0; i < 8; i++) {
		snprintf(tmp, len, "%s", tmpl);
		if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
			return -1;
		if (flock(fd, LOCK_EX) == -1 || fstat(fd, &sb) == -1) {
			i = errno;
			(void)unlink(tmp);
			close(fd);
			errno = i;
			return -1;
		}
		if (sb.st_nlink > 0)
			return fd;
		close(fd);
	}
	errno = EAGAIN;
	return -1;
}

void
off_file_sweep(const char *dir, const char *suffix)
{
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;
	char		 stale[PATH_MAX];
	const char	*t;
	size_t		 slen = strlen(suffix);
	int		 fd, removed = 0;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		/* NAME<suffix>.tmp.XXXXXX */
		if ((t = strstr(de->d_name, ".tmp.")) == NULL ||
		    strlen(t + 5) != 6 || (size_t)(t - de->d_name) <= slen ||
		    strncmp(t - slen, suffix, slen) != 0 ||
		    off_path_join(stale, sizeof(stale), dir, de->d_name) != 0)
			continue;
		if ((fd = open(stale, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
		    O_NONBLOCK)) == -1)
			continue;
		/* Not held by a writer (see locked_temp). */
		if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    flock(fd, LOCK_EX | LOCK_NB) == 0 && unlink(stale) == 0)
			removed = 1;
		close(fd);
	}
	closedir(d);
	if (removed)
		(void)fsync_dir(dir);
}

int
off_file_write(const char *path, const void *data, size_t len, int flags,
    struct off_err *err)
{
	char	dir[PATH_MAX], tmp[PATH_MAX];
	int	fd = -1, ret, n;

	if (dir_of(path, dir, sizeof(dir)) != 0)
		return off_err_set(err, OFF_ERR_TOO_LARGE, path,
		    _("path too long"));
	n = snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return off_err_set(err, OFF_ERR_TOO_LARGE, path,
		    _("path too long"));
	if (!(flags & OFF_WRITE_REPLACE) && access(path, F_OK) == 0)
		return off_err_set(err, OFF_ERR_EXISTS, path,
		    _("file already exists; refusing to overwrite it"));
	remove_stale(dir, path);
	if ((fd = locked_temp(tmp, sizeof(tmp))) == -1) {
		tmp[0] = '\0';
		ret = off_err_errno(err, OFF_ERR_IO, errno, path,
		    _("cannot create a file in %s"), dir);
		goto out;
	}
	if (fchmod(fd, S_IRUSR | S_IWUSR) == -1 ||
	    write_all(fd, data, len) == -1 || fsync(fd) == -1) {
		ret = off_err_errno(err, OFF_ERR_IO, errno, path,
		    _("cannot write"));
		goto out;
	}
	if (flags & OFF_WRITE_REPLACE) {
		if (rename(tmp, path) == -1) {
			ret = off_err_errno(err, OFF_ERR_IO, errno, path,
			    _("cannot rename into place"));
			goto out;
		}
	} else if (rename_noreplace(tmp, path) == -1) {
		ret = errno == EEXIST ?
		    off_err_set(err, OFF_ERR_EXISTS, path,
		    _("file already exists; refusing to overwrite it")) :
		    off_err_errno(err, OFF_ERR_IO, errno, path,
		    _("cannot rename into place"));
		goto out;
	}
	tmp[0] = '\0';
	if (close(fd) == -1) {
		fd = -1;
		ret = off_err_errno(err, OFF_ERR_IO, errno, path,
		    _("cannot write"));
		if (!(flags & OFF_WRITE_REPLACE))
			(void)unlink(path);
		goto out;
	}
	fd = -1;
	if (fsync_dir(dir) == -1) {
		ret = off_err_errno(err, OFF_ERR_IO, errno, dir,
		    _("cannot sync directory"));
		/* Not durable, so not written: a new file that a failure
		 * leaves in place would be taken for one that was. */
		if (!(flags & OFF_WRITE_REPLACE) && unlink(path) == 0)
			(void)fsync_dir(dir);
		goto out;
	}
	ret = 0;
out:
	if (fd != -1)
		close(fd);
	if (tmp[0] != '\0')
		unlink(tmp);
	return ret;
}

int
off_file_remove(const char *path, struct off_err *err)
{
	char	dir[PATH_MAX];

	if (unlink(path) == -1)
		return off_err_errno(err, errno == ENOENT ? OFF_ERR_NOT_FOUND :
		    OFF_ERR_IO, errno, path, _("cannot remove"));
	if (dir_of(path, dir, sizeof(dir)) == 0)
		(void)fsync_dir(dir);
	return 0;
}

int
off_mkdirs(const char *path, struct off_err *err)
{
	char	buf[PATH_MAX];
	char	*p;
	size_t	len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return off_err_set(err, OFF_ERR_INVALID, path,
		    _("bad directory name"));
	memcpy(buf, path, len + 1);
	for (p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char	c = *p;
		*p = '\0';
		if (mkdir(buf, 0700) == -1 && errno != EEXIST)
			return off_err_errno(err, OFF_ERR_IO, errno, buf,
			    _("cannot create directory"));
		*p = c;
		if (c == '\0')
			break;
	}
	return off_dir_writable(path, err);
}

int
off_dir_writable(const char *path, struct off_err *err)
{
	struct stat	st;

	if (stat(path, &st) == -1)
		return off_err_errno(err, errno == ENOENT ? OFF_ERR_NOT_FOUND :
		    OFF_ERR_IO, errno, path, _("cannot use directory"));
	if (!S_ISDIR(st.st_mode))
		return off_err_set(err, OFF_ERR_INVALID, path,
		    _("not a directory"));
	if (access(path, W_OK | X_OK) == -1)
		return off_err_errno(err, OFF_ERR_IO, errno, path,
		    _("directory is not writable"));
	return 0;
}
