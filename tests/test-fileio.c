/* Unit tests of fileio.h: atomic writes (no-replace and replace, mode
 * 0600, no temporary files left behind), bounded reads that refuse
 * anything but a regular file, directory creation and checks. Each test
 * works in a fresh mkdtemp directory. */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "error.h"
#include "fileio.h"
#include "platform.h"

struct fx {
	char	dir[PATH_MAX];
	char	cwd[PATH_MAX];
	mode_t	umask;
};

static int
setup(void **state)
{
	struct fx	*f;
	const char	*tmp = getenv("TMPDIR");

	if ((f = test_calloc(1, sizeof(*f))) == NULL)
		return -1;
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(f->dir, sizeof(f->dir), "%s/off-test-fileio.XXXXXX", tmp);
	if (mkdtemp(f->dir) == NULL || getcwd(f->cwd, sizeof(f->cwd)) == NULL)
		return -1;
	/* A usual umask; tests that care set their own. */
	f->umask = umask(022);
	*state = f;
	return 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static int
teardown(void **state)
{
	struct fx	*f = *state;
	int		 ret;

	umask(f->umask);
	ret = chdir(f->cwd);
	if (nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		ret = -1;
	test_free(f);
	return ret;
}

static void
path_in(const struct fx *f, char *buf, size_t len, const char *name)
{
	assert_int_equal(off_path_join(buf, len, f->dir, name), 0);
}

/* Names in dir other than . and .., sorted, joined by ' '. */
static void
list_dir(const char *dir, char *out, size_t len)
{
	struct dirent	**ents;
	int		  n, i;
	size_t		  used = 0;

	out[0] = '\0';
	n = scandir(dir, &ents, NULL, alphasort);
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		const char	*name = ents[i]->d_name;

		if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
			int	w = snprintf(out + used, len - used, "%s%s",
			    used ? " " : "", name);

			assert_true(w >= 0 && (size_t)w < len - used);
			used += (size_t)w;
		}
		free(ents[i]);
	}
	free(ents);
}

static void
assert_dir_is(const char *dir, const char *want)
{
	char	got[4096];

	list_dir(dir, got, sizeof(got));
	if (strcmp(got, want) != 0)
		fail_msg("directory %s holds \"%s\", want \"%s\"", dir, got,
		    want);
}

/* Read a file with plain POSIX calls, independently of off_file_read. */
static size_t
slurp(const char *path, char *buf, size_t len)
{
	size_t	got = 0;
	ssize_t	n;
	int	fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	while ((n = read(fd, buf + got, len - got)) > 0)
		got += (size_t)n;
	assert_true(n == 0);
	close(fd);
	return got;
}

static void
assert_content(const char *path, const char *want)
{
	char	buf[4096];
	size_t	n;

	n = slurp(path, buf, sizeof(buf));
	assert_int_equal(n, strlen(want));
	assert_memory_equal(buf, want, n);
}

static mode_t
mode_of(const char *path)
{
	struct stat	st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode;
}

static void
make_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* ---------------------------------------------------------------- */
/* Writing */

static void
test_write_noreplace_creates(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX];
	struct off_err	 err;

	path_in(f, path, sizeof(path), "world.json");
	memset(&err, 0, sizeof(err));
	assert_int_equal(off_file_write(path, "hello\n", 6,
	    OFF_WRITE_NOREPLACE, &err), 0);
	assert_true(S_ISREG(mode_of(path)));
	assert_int_equal(mode_of(path) & 07777, 0600);
	assert_content(path, "hello\n");
	assert_dir_is(f->dir, "world.json");
}

/* 0600 whatever the umask. */
static void
test_write_mode_ignores_umask(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX];
	mode_t		 masks[] = { 0, 022, 077, 0177 };
	size_t		 i;

	for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		char	name[32];

		snprintf(name, sizeof(name), "f%zu", i);
		path_in(f, path, sizeof(path), name);
		umask(masks[i]);
		assert_int_equal(off_file_write(path, "x", 1,
		    OFF_WRITE_NOREPLACE, NULL), 0);
		assert_int_equal(mode_of(path) & 07777, 0600);
		assert_int_equal(off_file_write(path, "y", 1,
		    OFF_WRITE_REPLACE, NULL), 0);
		assert_int_equal(mode_of(path) & 07777, 0600);
	}
	umask(022);
}

static void
test_write_noreplace_exists(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX], msg[1024];
	struct off_err	 err;

	path_in(f, path, sizeof(path), "card");
	assert_int_equal(off_file_write(path, "original", 8,
	    OFF_WRITE_NOREPLACE, NULL), 0);
	memset(&err, 0, sizeof(err));
	assert_int_equal(off_file_write(path, "second", 6,
	    OFF_WRITE_NOREPLACE, &err), OFF_ERR_EXISTS);
	assert_int_equal(err.code, OFF_ERR_EXISTS);
	assert_string_equal(err.file, path);
	off_err_format(&err, msg, sizeof(msg));
	assert_non_null(strstr(msg, path));
	assert_content(path, "original");
	assert_int_equal(mode_of(path) & 07777, 0600);
	assert_dir_is(f->dir, "card");
}

/* A file made by someone else, with other permissions, is not touched
 * by a no-replace write either. */
static void
test_write_noreplace_foreign_file(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX];

	path_in(f, path, sizeof(path), "theirs");
	make_file(path, "keep", 4, 0644);
	assert_int_equal(off_file_write(path, "mine", 4, OFF_WRITE_NOREPLACE,
	    NULL), OFF_ERR_EXISTS);
	assert_content(path, "keep");
	assert_int_equal(mode_of(path) & 07777, 0644);
	assert_dir_is(f->dir, "theirs");
}

/* A dangling symbolic link is not followed to create its target, nor
 * replaced. */
static void
test_write_noreplace_dangling_symlink(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX], target[PATH_MAX];

	path_in(f, path, sizeof(path), "link");
	path_in(f, target, sizeof(target), "target");
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(off_file_write(path, "data", 4, OFF_WRITE_NOREPLACE,
	    NULL), OFF_ERR_EXISTS);
	assert_true(S_ISLNK(mode_of(path)));
	assert_int_equal(access(target, F_OK), -1);
	assert_dir_is(f->dir, "link");
}

static void
test_write_replace(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX];
	struct stat	 before, after;

	path_in(f, path, sizeof(path), "log");
	/* Creates when absent. */
	assert_int_equal(off_file_write(path, "one", 3, OFF_WRITE_REPLACE,
	    NULL), 0);
	assert_content(path, "one");
	assert_int_equal(off_file_write(path, "two, longer", 11,
	    OFF_WRITE_REPLACE, NULL), 0);
	assert_content(path, "two, longer");
	assert_int_equal(lstat(path, &before), 0);
	/* Shorter content leaves no tail of the old. */
	assert_int_equal(off_file_write(path, "3", 1, OFF_WRITE_REPLACE,
	    NULL), 0);
	assert_content(path, "3");
	/* Replaced by rename: a new inode, mode 0600. */
	assert_int_equal(lstat(path, &after), 0);
	assert_true(before.st_ino != after.st_ino);
	assert_int_equal(after.st_mode & 07777, 0600);
	assert_dir_is(f->dir, "log");
}

/* Replacing a file of another mode leaves a 0600 file. */
static void
test_write_replace_foreign_mode(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX];

	path_in(f, path, sizeof(path), "open");
	make_file(path, "public", 6, 0644);
	assert_int_equal(off_file_write(path, "secret", 6, OFF_WRITE_REPLACE,
	    NULL), 0);
	assert_content(path, "secret");
	assert_int_equal(mode_of(path) & 07777, 0600);
	assert_dir_is(f->dir, "open");
}

/* Replacing a symbolic link replaces the link, not its target. */
static void
test_write_replace_symlink(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX], target[PATH_MAX];

	path_in(f, path, sizeof(path), "link");
	path_in(f, target, sizeof(target), "target");
	make_file(target, "target", 6, 0644);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(off_file_write(path, "new", 3, OFF_WRITE_REPLACE,
	    NULL), 0);
	assert_true(S_ISREG(mode_of(path)));
	assert_content(path, "new");
	assert_content(target, "target");
	assert_dir_is(f->dir, "link target");
}

/* A failed rename (onto a directory) leaves no temporary file. */
static void
test_write_fails_cleanly(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX];
	struct off_err	 err;

	path_in(f, path, sizeof(path), "sub");
	assert_int_equal(mkdir(path, 0700), 0);
	memset(&err, 0, sizeof(err));
	assert_int_not_equal(off_file_write(path, "x", 1, OFF_WRITE_REPLACE,
	    &err), 0);
	assert_int_equal(err.code, OFF_ERR_IO);
	assert_string_equal(err.file, path);
	assert_true(S_ISDIR(mode_of(path)));
	assert_dir_is(path, "");
	assert_dir_is(f->dir, "sub");
	assert_int_equal(off_file_write(path, "x", 1, OFF_WRITE_NOREPLACE,
	    NULL), OFF_ERR_EXISTS);
	assert_dir_is(f->dir, "sub");
}

static void
test_write_missing_dir(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX], dir[PATH_MAX], msg[2048];
	struct off_err	 err;
	int		 flags;

	path_in(f, dir, sizeof(dir), "missing");
	path_in(f, path, sizeof(path), "missing/file");
	for (flags = OFF_WRITE_NOREPLACE; flags <= OFF_WRITE_REPLACE;
	    flags++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(off_file_write(path, "x", 1, flags, &err),
		    OFF_ERR_IO);
		assert_int_equal(err.code, OFF_ERR_IO);
		assert_string_equal(err.file, path);
		off_err_format(&err, msg, sizeof(msg));
		assert_non_null(strstr(msg, path));
		/* The reason is given. */
		assert_non_null(strstr(msg, strerror(ENOENT)));
		assert_int_equal(access(dir, F_OK), -1);
		assert_dir_is(f->dir, "");
	}
}

static void
test_write_binary_and_empty(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX], *back;
	uint8_t		*data;
	size_t		 n = 300000, i, len;

	data = test_malloc(n);
	for (i = 0; i < n; i++)
		data[i] = (uint8_t)(i * 7 + (i >> 8));
	path_in(f, path, sizeof(path), "bin");
	assert_int_equal(off_file_write(path, data, n, OFF_WRITE_NOREPLACE,
	    NULL), 0);
	assert_int_equal(off_file_read(path, n, &back, &len, NULL), 0);
	assert_int_equal(len, n);
	assert_memory_equal(back, data, n);
	free(back);
	test_free(data);

	path_in(f, path, sizeof(path), "empty");
	assert_int_equal(off_file_write(path, "", 0, OFF_WRITE_NOREPLACE,
	    NULL), 0);
	assert_int_equal(off_file_read(path, 10, &back, &len, NULL), 0);
	assert_int_equal(len, 0);
	assert_string_equal(back, "");
	free(back);
	assert_dir_is(f->dir, "bin empty");
}

/* A bare file name goes in the current directory. */
static void
test_write_relative(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX];

	assert_int_equal(chdir(f->dir), 0);
	assert_int_equal(off_file_write("rel", "r", 1, OFF_WRITE_NOREPLACE,
	    NULL), 0);
	assert_int_equal(off_file_write("rel", "s", 1, OFF_WRITE_NOREPLACE,
	    NULL), OFF_ERR_EXISTS);
	assert_int_equal(chdir(f->cwd), 0);
	path_in(f, path, sizeof(path), "rel");
	assert_content(path, "r");
	assert_dir_is(f->dir, "rel");
}

static void
test_file_remove(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX];
	struct off_err	 err;

	path_in(f, path, sizeof(path), "gone");
	assert_int_equal(off_file_write(path, "x", 1, OFF_WRITE_NOREPLACE,
	    NULL), 0);
	assert_int_equal(off_file_remove(path, NULL), 0);
	assert_dir_is(f->dir, "");
	memset(&err, 0, sizeof(err));
	assert_int_equal(off_file_remove(path, &err), OFF_ERR_NOT_FOUND);
	assert_string_equal(err.file, path);
}

/* ---------------------------------------------------------------- */
/* Reading */

static void
test_read_ok(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX], *out;
	size_t		 len;

	path_in(f, path, sizeof(path), "in");
	make_file(path, "0123456789", 10, 0600);
	len = 99;
	assert_int_equal(off_file_read(path, 100, &out, &len, NULL), 0);
	assert_int_equal(len, 10);
	assert_string_equal(out, "0123456789");
	free(out);
	/* Exactly max bytes is fine. */
	assert_int_equal(off_file_read(path, 10, &out, &len, NULL), 0);
	assert_int_equal(len, 10);
	assert_int_equal(out[10], '\0');
	free(out);
	/* outlen is optional. */
	assert_int_equal(off_file_read(path, 10, &out, NULL, NULL), 0);
	assert_string_equal(out, "0123456789");
	free(out);
}

static void
test_read_too_large(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX], *out;
	size_t		 len;
	struct off_err	 err;

	path_in(f, path, sizeof(path), "big");
	make_file(path, "0123456789", 10, 0600);
	memset(&err, 0, sizeof(err));
	out = (char *)&len;
	len = 99;
	assert_int_equal(off_file_read(path, 9, &out, &len, &err),
	    OFF_ERR_TOO_LARGE);
	assert_null(out);
	assert_int_equal(len, 0);
	assert_int_equal(err.code, OFF_ERR_TOO_LARGE);
	assert_string_equal(err.file, path);
	assert_int_equal(off_file_read(path, 0, &out, &len, NULL),
	    OFF_ERR_TOO_LARGE);
	assert_null(out);
}

static void
test_read_missing(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX], *out;
	size_t		 len = 99;
	struct off_err	 err;

	path_in(f, path, sizeof(path), "nothing");
	memset(&err, 0, sizeof(err));
	out = (char *)&len;
	assert_int_equal(off_file_read(path, 100, &out, &len, &err),
	    OFF_ERR_NOT_FOUND);
	assert_null(out);
	assert_int_equal(len, 0);
	assert_int_equal(err.code, OFF_ERR_NOT_FOUND);
	assert_string_equal(err.file, path);
}

static void
test_read_directory(void **state)
{
	struct fx	*f = *state;
	char		*out;
	size_t		 len = 99;
	struct off_err	 err;
	int		 ret;

	memset(&err, 0, sizeof(err));
	out = (char *)&len;
	ret = off_file_read(f->dir, 100, &out, &len, &err);
	assert_true(ret < 0);
	assert_int_equal(err.code, ret);
	assert_string_equal(err.file, f->dir);
	assert_null(out);
	assert_int_equal(len, 0);
}

static void
test_read_symlink(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX], target[PATH_MAX], *out;
	size_t		 len = 99;
	struct off_err	 err;
	int		 ret;

	path_in(f, target, sizeof(target), "real");
	path_in(f, path, sizeof(path), "link");
	make_file(target, "data", 4, 0600);
	assert_int_equal(symlink(target, path), 0);
	memset(&err, 0, sizeof(err));
	out = (char *)&len;
	ret = off_file_read(path, 100, &out, &len, &err);
	assert_true(ret < 0);
	assert_int_not_equal(ret, OFF_ERR_NOT_FOUND);
	assert_int_equal(err.code, ret);
	assert_string_equal(err.file, path);
	assert_null(out);
	assert_int_equal(len, 0);
	/* The target itself reads. */
	assert_int_equal(off_file_read(target, 100, &out, &len, NULL), 0);
	free(out);
}

static void
test_read_device(void **state)
{
	char	*out;
	int	 ret;

	(void)state;
	out = (char *)&ret;
	ret = off_file_read("/dev/null", 100, &out, NULL, NULL);
	assert_true(ret < 0);
	assert_null(out);
}

/* A named pipe is refused without waiting for a writer: reading an
 * untrusted path must not hang. Run in a child with an alarm. */
static void
test_read_fifo(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX];
	pid_t		 pid;
	int		 status;

	path_in(f, path, sizeof(path), "pipe");
	assert_int_equal(mkfifo(path, 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char	*out = NULL;
		int	 ret;

		alarm(3);
		ret = off_file_read(path, 100, &out, NULL, NULL);
		_exit(ret < 0 && out == NULL ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("off_file_read on a FIFO did not return (signal %d: "
		    "blocked in open)", WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---------------------------------------------------------------- */
/* Directories */

static void
test_mkdirs(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX], sub[PATH_MAX];
	static const char *const parts[] = { "a", "a/b", "a/b/c" };
	size_t		 i;

	umask(0);
	path_in(f, path, sizeof(path), "a/b/c");
	assert_int_equal(off_mkdirs(path, NULL), 0);
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		mode_t	m;

		path_in(f, sub, sizeof(sub), parts[i]);
		m = mode_of(sub);
		assert_true(S_ISDIR(m));
		if ((m & 07777) != 0700)
			fail_msg("%s has mode %o, want 700", sub,
			    (unsigned)(m & 07777));
	}
	/* Again: already there is fine. */
	assert_int_equal(off_mkdirs(path, NULL), 0);
	/* A trailing slash and a deeper level. */
	path_in(f, path, sizeof(path), "a/b/c/d/");
	assert_int_equal(off_mkdirs(path, NULL), 0);
	path_in(f, sub, sizeof(sub), "a/b/c/d");
	assert_int_equal(mode_of(sub) & 07777, 0700);
	assert_dir_is(f->dir, "a");
	/* An existing directory keeps its mode. */
	path_in(f, sub, sizeof(sub), "open");
	assert_int_equal(mkdir(sub, 0755), 0);
	path_in(f, path, sizeof(path), "open/x");
	assert_int_equal(off_mkdirs(path, NULL), 0);
	assert_int_equal(mode_of(sub) & 07777, 0755);
	assert_int_equal(mode_of(path) & 07777, 0700);
	umask(022);
}

static void
test_mkdirs_fails(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX], file[PATH_MAX];
	struct off_err	 err;
	char		 longp[PATH_MAX + 10];

	path_in(f, file, sizeof(file), "plain");
	make_file(file, "x", 1, 0600);
	/* The path itself is a file. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(off_mkdirs(file, &err), OFF_ERR_INVALID);
	assert_string_equal(err.file, file);
	/* A parent is a file. */
	path_in(f, path, sizeof(path), "plain/sub");
	memset(&err, 0, sizeof(err));
	assert_true(off_mkdirs(path, &err) < 0);
	assert_true(err.code < 0);
	assert_true(S_ISREG(mode_of(file)));
	/* Empty and over-long names. */
	assert_int_equal(off_mkdirs("", NULL), OFF_ERR_INVALID);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	assert_int_equal(off_mkdirs(longp, NULL), OFF_ERR_INVALID);
	assert_dir_is(f->dir, "plain");
}

static void
test_dir_writable(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX];
	struct off_err	 err;

	assert_int_equal(off_dir_writable(f->dir, NULL), 0);
	path_in(f, path, sizeof(path), "none");
	memset(&err, 0, sizeof(err));
	assert_int_equal(off_dir_writable(path, &err), OFF_ERR_NOT_FOUND);
	assert_string_equal(err.file, path);
	path_in(f, path, sizeof(path), "file");
	make_file(path, "x", 1, 0600);
	assert_int_equal(off_dir_writable(path, NULL), OFF_ERR_INVALID);
	/* Not writable: only meaningful when not root. */
	if (geteuid() != 0) {
		path_in(f, path, sizeof(path), "ro");
		assert_int_equal(mkdir(path, 0500), 0);
		assert_int_equal(off_dir_writable(path, NULL), OFF_ERR_IO);
		assert_int_equal(chmod(path, 0700), 0);
	}
}

static void
test_path_join(void **state)
{
	char	buf[8];

	(void)state;
	assert_int_equal(off_path_join(buf, sizeof(buf), "ab", "cd"), 0);
	assert_string_equal(buf, "ab/cd");
	/* Exactly fits: 7 characters and the NUL. */
	assert_int_equal(off_path_join(buf, sizeof(buf), "abc", "def"), 0);
	assert_string_equal(buf, "abc/def");
	assert_int_equal(off_path_join(buf, sizeof(buf), "abc", "defg"),
	    OFF_ERR_TOO_LARGE);
	assert_int_equal(off_path_join(buf, 0, "a", "b"), OFF_ERR_TOO_LARGE);
}

/* What crashed writes left is swept; what a running writer holds (its
 * lock) and files of other names are not. */
static void
test_sweep(void **state)
{
	const struct fx	*f = *state;
	static const char *const names[] = {
		"a.transcript.tmp.AbC123",	/* left by a crash: goes */
		"b.transcript.tmp.XyZ789",	/* a writer holds it: stays */
		"c.world.tmp.AbC123",		/* another kind: stays */
		"d.transcript.tmp.AbC",		/* not a temporary: stays */
		"e.transcript",			/* a transcript: stays */
	};
	char	path[PATH_MAX];
	size_t	i;
	int	fd, held = -1;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		path_in(f, path, sizeof(path), names[i]);
		assert_true((fd = open(path, O_CREAT | O_WRONLY | O_EXCL,
		    0600)) != -1);
		if (i == 1) {
			assert_int_equal(flock(fd, LOCK_EX), 0);
			held = fd;
		} else
			close(fd);
	}
	off_file_sweep(f->dir, ".transcript");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		path_in(f, path, sizeof(path), names[i]);
		if ((access(path, F_OK) == 0) != (i != 0))
			fail_msg("%s: %s", names[i], i == 0 ? "not swept" :
			    "swept");
	}
	/* Once its writer is gone, it goes too. */
	close(held);
	off_file_sweep(f->dir, ".transcript");
	path_in(f, path, sizeof(path), names[1]);
	assert_int_equal(access(path, F_OK), -1);
	/* A write's own temporary file never stays, and the sweep of a
	 * directory that is not there is nothing. */
	path_in(f, path, sizeof(path), "f.transcript");
	assert_int_equal(off_file_write(path, "x", 1, OFF_WRITE_NOREPLACE,
	    NULL), 0);
	off_file_sweep("/nonexistent-officiant-dir", ".transcript");
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		T(test_write_noreplace_creates),
		T(test_write_mode_ignores_umask),
		T(test_write_noreplace_exists),
		T(test_write_noreplace_foreign_file),
		T(test_write_noreplace_dangling_symlink),
		T(test_write_replace),
		T(test_write_replace_foreign_mode),
		T(test_write_replace_symlink),
		T(test_write_fails_cleanly),
		T(test_write_missing_dir),
		T(test_write_binary_and_empty),
		T(test_write_relative),
		T(test_file_remove),
		T(test_sweep),
		T(test_read_ok),
		T(test_read_too_large),
		T(test_read_missing),
		T(test_read_directory),
		T(test_read_symlink),
		T(test_read_device),
		T(test_read_fifo),
		T(test_mkdirs),
		T(test_mkdirs_fails),
		T(test_dir_writable),
		cmocka_unit_test(test_path_join),
	};

	if (off_platform_harden() != 0) {
		fprintf(stderr, "off_platform_harden failed\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
