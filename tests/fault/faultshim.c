/* Fault injection for the end-to-end tests: an LD_PRELOAD object that
 * makes chosen calls of officiant fail, or kills it in the middle of
 * them, on a schedule.
 *
 *   OFFICIANT_FAULT=SPEC[,SPEC]...   SPEC is [kill-]KIND:WHEN[:ERRNO]
 *
 * KIND is one of
 *   malloc   malloc, calloc, realloc (returns NULL, errno ENOMEM)
 *   write    write, pwrite, writev on a descriptor above 2
 *   fsync    fsync, fdatasync
 *   rename   rename, renameat, renameat2, link, syscall(SYS_renameat2)
 *   open     open, openat, creat, mkstemp, mkostemp for writing
 * and WHEN one of
 *   N        the Nth call of that kind (counting from 1)
 *   N+       the Nth call and every one after it (a full disk)
 *   %N       every Nth call
 *   ~N@SEED  each call with probability 1/N, from a PRNG seeded by SEED
 * ERRNO is EIO (the default), ENOSPC, EDQUOT, EROFS, EACCES or ENOMEM.
 * With "kill-" the process kills itself with SIGKILL instead: a write
 * first writes half of its bytes (a torn write), the other calls are
 * not made. With "after-" (write, fsync and rename) the call is made
 * whole, and then the process kills itself.
 *
 * Calls are counted from main() on, so the C library's start-up is
 * never failed. Each fault is reported on stderr with a line that
 * starts "officiant-fault:". OFFICIANT_FAULT_COUNT=FILE writes the
 * number of calls of each kind to FILE at exit, as "KIND N" lines, so
 * that a test knows how far to go; OFFICIANT_FAULT_BACKTRACE=1 adds the
 * call stack of each fault, and of a crash (SIGSEGV, SIGBUS, SIGABRT)
 * after one (addresses for addr2line).
 *
 * OFFICIANT_FAULT_SPARE=LIB[:LIB]... spares the calls made from inside
 * the named libraries (a substring of their file names) or functions
 * (a whole exported name), for code known not to survive a failed
 * allocation (libconfig's parser dereferences what strdup returns;
 * glibc 2.36's regcomp frees twice after a failed realloc): the fault
 * goes to the next call of that kind instead, and a line says so. */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <dlfcn.h>
#include <execinfo.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum kind { K_MALLOC, K_WRITE, K_FSYNC, K_RENAME, K_OPEN, K_MAX };
static const char *const kind_names[K_MAX] = { "malloc", "write", "fsync",
    "rename", "open" };

enum when { W_NTH, W_FROM, W_EVERY, W_RANDOM };

#define MAX_SPECS	8
struct spec {
	enum kind	kind;
	enum when	when;
	unsigned long	n;
	uint64_t	rng;
	int		kill;
	int		err;
	int		deferred;
};

static struct spec	specs[MAX_SPECS];
static int		nspecs;
static unsigned long	counts[K_MAX];
static int		active;		/* main() has begun */
static __thread int	inside;		/* in the shim: do not count */
static const char	*count_file;
static int		 want_backtrace;
static const char	*spare;

/* The real functions. */
static void	*(*real_malloc)(size_t);
static void	*(*real_calloc)(size_t, size_t);
static void	*(*real_realloc)(void *, size_t);
static void	 (*real_free)(void *);
static ssize_t	 (*real_write)(int, const void *, size_t);
static ssize_t	 (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t	 (*real_writev)(int, const struct iovec *, int);
static int	 (*real_fsync)(int);
static int	 (*real_fdatasync)(int);
static int	 (*real_rename)(const char *, const char *);
static int	 (*real_renameat)(int, const char *, int, const char *);
static int	 (*real_renameat2)(int, const char *, int, const char *,
		    unsigned);
static int	 (*real_link)(const char *, const char *);
static long	 (*real_syscall)(long, ...);
static int	 (*real_open)(const char *, int, ...);
static int	 (*real_openat)(int, const char *, int, ...);
static int	 (*real_creat)(const char *, mode_t);
static int	 (*real_mkstemp)(char *);
static int	 (*real_mkostemp)(char *, int);

/* dlsym itself may allocate (calloc for its error state) before
 * real_calloc is known: those come from here and are never freed. */
static char		early[8192] __attribute__((aligned(16)));
static size_t		early_used;
static int		resolving;

static void *
early_alloc(size_t n)
{
	void	*p;

	n = (n + 15) & ~(size_t)15;
	if (n > sizeof(early) - early_used)
		return NULL;
	p = early + early_used;
	early_used += n;
	return p;
}

static int
is_early(const void *p)
{
	return (const char *)p >= early && (const char *)p < early +
	    sizeof(early);
}

static void
say(const char *fmt, ...)
{
	char	buf[256];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	if (real_write != NULL)
		(void)real_write(2, buf, (size_t)n);
	else
		(void)syscall(SYS_write, 2, buf, (size_t)n);
}

static int
errno_named(const char *s)
{
	static const struct { const char *name; int e; } names[] = {
		{ "EIO", EIO }, { "ENOSPC", ENOSPC }, { "EDQUOT", EDQUOT },
		{ "EROFS", EROFS }, { "EACCES", EACCES }, { "ENOMEM", ENOMEM },
	};
	size_t	i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0)
			return names[i].e;
	return 0;
}

static void
bad_spec(const char *s)
{
	say("officiant-fault: bad OFFICIANT_FAULT spec \"%s\"\n", s);
	_exit(125);
}

static void
parse_spec(char *s)
{
	struct spec	*sp;
	char		*when, *en, *end;
	int		 k;

	if (nspecs == MAX_SPECS)
		bad_spec(s);
	sp = &specs[nspecs];
	memset(sp, 0, sizeof(*sp));
	if (strncmp(s, "kill-", 5) == 0) {
		sp->kill = 1;
		s += 5;
	} else if (strncmp(s, "after-", 6) == 0) {
		sp->kill = 2;
		s += 6;
	}
	if ((when = strchr(s, ':')) == NULL)
		bad_spec(s);
	*when++ = '\0';
	for (k = 0; k < K_MAX; k++)
		if (strcmp(s, kind_names[k]) == 0)
			break;
	if (k == K_MAX)
		bad_spec(s);
	sp->kind = (enum kind)k;
	sp->err = k == K_MALLOC ? ENOMEM : EIO;
	if ((en = strchr(when, ':')) != NULL) {
		*en++ = '\0';
		if ((sp->err = errno_named(en)) == 0)
			bad_spec(en);
	}
	sp->when = W_NTH;
	if (*when == '%') {
		sp->when = W_EVERY;
		when++;
	} else if (*when == '~') {
		sp->when = W_RANDOM;
		when++;
	}
	sp->n = strtoul(when, &end, 10);
	if (end == when || sp->n == 0)
		bad_spec(when);
	if (sp->when == W_NTH && *end == '+') {
		sp->when = W_FROM;
		end++;
	}
	if (sp->when == W_RANDOM) {
		if (*end != '@')
			bad_spec(end);
		sp->rng = strtoull(end + 1, &end, 10) * 0x9e3779b97f4a7c15ULL +
		    1;
	}
	if (*end != '\0')
		bad_spec(end);
	nspecs++;
}

static void
resolve(void)
{
	if (real_malloc != NULL || resolving)
		return;
	resolving = 1;
	real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
	real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT,
	    "write");
	real_pwrite = (ssize_t (*)(int, const void *, size_t, off_t))
	    dlsym(RTLD_NEXT, "pwrite");
	real_writev = (ssize_t (*)(int, const struct iovec *, int))
	    dlsym(RTLD_NEXT, "writev");
	real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
	real_rename = (int (*)(const char *, const char *))dlsym(RTLD_NEXT,
	    "rename");
	real_renameat = (int (*)(int, const char *, int, const char *))
	    dlsym(RTLD_NEXT, "renameat");
	real_renameat2 = (int (*)(int, const char *, int, const char *,
	    unsigned))dlsym(RTLD_NEXT, "renameat2");
	real_link = (int (*)(const char *, const char *))dlsym(RTLD_NEXT,
	    "link");
	real_syscall = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	real_openat = (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT,
	    "openat");
	real_creat = (int (*)(const char *, mode_t))dlsym(RTLD_NEXT, "creat");
	real_mkstemp = (int (*)(char *))dlsym(RTLD_NEXT, "mkstemp");
	real_mkostemp = (int (*)(char *, int))dlsym(RTLD_NEXT, "mkostemp");
	resolving = 0;
}

static void
on_crash(int sig)
{
	void	*frames[64];

	say("officiant-fault: signal %d\n", sig);
	backtrace_symbols_fd(frames, backtrace(frames, 64), 2);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
write_counts(void)
{
	char	buf[256];
	int	fd, n, k, len = 0;

	if (count_file == NULL)
		return;
	for (k = 0; k < K_MAX; k++) {
		n = snprintf(buf + len, sizeof(buf) - (size_t)len, "%s %lu\n",
		    kind_names[k], counts[k]);
		if (n < 0 || n >= (int)sizeof(buf) - len)
			return;
		len += n;
	}
	inside++;
	if ((fd = real_open(count_file, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0600)) != -1) {
		(void)real_write(fd, buf, (size_t)len);
		close(fd);
	}
	inside--;
}

__attribute__((constructor)) static void
shim_init(void)
{
	char	*env, *copy, *s, *save = NULL;

	resolve();
	inside++;
	count_file = getenv("OFFICIANT_FAULT_COUNT");
	want_backtrace = getenv("OFFICIANT_FAULT_BACKTRACE") != NULL;
	if (want_backtrace) {
		signal(SIGSEGV, on_crash);
		signal(SIGBUS, on_crash);
		signal(SIGABRT, on_crash);
	}
	spare = getenv("OFFICIANT_FAULT_SPARE");
	if ((env = getenv("OFFICIANT_FAULT")) != NULL && *env != '\0') {
		if ((copy = strdup(env)) == NULL)
			bad_spec(env);
		for (s = strtok_r(copy, ",", &save); s != NULL;
		    s = strtok_r(NULL, ",", &save))
			parse_spec(s);
		free(copy);
	}
	inside--;
}

/* Counting starts at main(): wrap it. */
typedef int (*main_fn)(int, char **, char **);
static main_fn	real_main;

static int
wrapped_main(int argc, char **argv, char **envp)
{
	active = 1;
	if (count_file != NULL)
		atexit(write_counts);
	return real_main(argc, argv, envp);
}

int
__libc_start_main(main_fn main, int argc, char **argv, void (*init)(void),
    void (*fini)(void), void (*rtld_fini)(void), void *stack_end)
{
	int	(*real)(main_fn, int, char **, void (*)(void),
		    void (*)(void), void (*)(void), void *);

	real = (int (*)(main_fn, int, char **, void (*)(void),
	    void (*)(void), void (*)(void), void *))dlsym(RTLD_NEXT,
	    "__libc_start_main");
	real_main = main;
	return real(wrapped_main, argc, argv, init, fini, rtld_fini,
	    stack_end);
}

static uint64_t
next_random(uint64_t *s)
{
	uint64_t	x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* 1 when the caller is in one of the spared libraries. */
static int
spared(void)
{
	void		*frames[64];
	Dl_info		 info;
	const char	*p, *colon;
	char		 lib[128];
	size_t		 len;
	int		 n, i, found = 0;

	if (spare == NULL || *spare == '\0')
		return 0;
	inside++;
	n = backtrace(frames, 64);
	for (i = 2; i < n && !found; i++) {
		if (dladdr(frames[i], &info) == 0 || info.dli_fname == NULL)
			continue;
		for (p = spare; *p != '\0' && !found; p = colon + (*colon != 0)) {
			if ((colon = strchr(p, ':')) == NULL)
				colon = p + strlen(p);
			len = (size_t)(colon - p);
			if (len == 0 || len >= sizeof(lib))
				continue;
			memcpy(lib, p, len);
			lib[len] = '\0';
			found = strstr(info.dli_fname, lib) != NULL ||
			    (info.dli_sname != NULL &&
			    strcmp(info.dli_sname, lib) == 0);
		}
	}
	inside--;
	return found;
}

/* Count a call of kind k: 0 to make it, else the spec that fails it. */
static const struct spec *
fault(enum kind k)
{
	unsigned long	n;
	int		i;

	if (!active || inside)
		return NULL;
	n = ++counts[k];
	for (i = 0; i < nspecs; i++) {
		struct spec	*sp = &specs[i];
		int		 hit = 0;

		if (sp->kind != k)
			continue;
		switch (sp->when) {
		case W_NTH:
			hit = n == sp->n;
			break;
		case W_FROM:
			hit = n >= sp->n;
			break;
		case W_EVERY:
			hit = n % sp->n == 0;
			break;
		case W_RANDOM:
			hit = next_random(&sp->rng) % sp->n == 0;
			break;
		}
		if (!hit)
			continue;
		if (spared()) {
			if (!sp->deferred)
				say("officiant-fault: %s #%lu spared "
				    "(OFFICIANT_FAULT_SPARE); a later one "
				    "instead\n", kind_names[k], n);
			sp->deferred = 1;
			if (sp->when == W_NTH)
				sp->n = n + 1;
			continue;
		}
		return sp;
	}
	return NULL;
}

/* Report the fault (on what: a file name, or a descriptor's); with
 * kill, die here. Sets errno for the failure. */
static void
fire_on(const struct spec *sp, const char *what, const char *file, int fd)
{
	char	link[64], name[512];
	ssize_t	n;

	inside++;
	if (file == NULL && fd >= 0) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		if ((n = readlink(link, name, sizeof(name) - 1)) > 0) {
			name[n] = '\0';
			file = name;
		}
	}
	say("officiant-fault: %s %s #%lu%s%s (%s)\n", sp->kill == 2 ?
	    "killed after" : sp->kill ? "killed at" : "failing", what, counts[sp->kind], file != NULL ? " of " : "",
	    file != NULL ? file : "", sp->kill ? "SIGKILL" :
	    strerror(sp->err));
	if (want_backtrace) {
		void	*frames[32];

		backtrace_symbols_fd(frames, backtrace(frames, 32), 2);
	}
	if (sp->kill)
		raise(SIGKILL);
	inside--;
	errno = sp->err;
}

static void
fire(const struct spec *sp, const char *what)
{
	fire_on(sp, what, NULL, -1);
}

void *
malloc(size_t n)
{
	const struct spec	*sp;

	if (real_malloc == NULL) {
		if (resolving)
			return early_alloc(n);
		resolve();
	}
	if ((sp = fault(K_MALLOC)) != NULL) {
		fire(sp, "malloc");
		return NULL;
	}
	return real_malloc(n);
}

void *
calloc(size_t n, size_t size)
{
	const struct spec	*sp;
	void			*p;

	if (real_calloc == NULL) {
		if (resolving) {
			if (size != 0 && n > SIZE_MAX / size)
				return NULL;
			if ((p = early_alloc(n * size)) != NULL)
				memset(p, 0, n * size);
			return p;
		}
		resolve();
	}
	if ((sp = fault(K_MALLOC)) != NULL) {
		fire(sp, "calloc");
		return NULL;
	}
	return real_calloc(n, size);
}

void *
realloc(void *old, size_t n)
{
	const struct spec	*sp;
	void			*p;

	if (real_realloc == NULL) {
		if (resolving)
			return early_alloc(n);
		resolve();
	}
	if (is_early(old)) {
		/* Rare: move it to the real heap. */
		if ((p = real_malloc(n)) != NULL)
			memcpy(p, old, n < (size_t)(early + sizeof(early) -
			    (char *)old) ? n : (size_t)(early + sizeof(early) -
			    (char *)old));
		return p;
	}
	if ((sp = fault(K_MALLOC)) != NULL) {
		fire(sp, "realloc");
		return NULL;
	}
	return real_realloc(old, n);
}

void
free(void *p)
{
	if (p == NULL || is_early(p))
		return;
	if (real_free == NULL)
		resolve();
	real_free(p);
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	const struct spec	*sp;

	if (real_write == NULL)
		resolve();
	if (fd > 2 && (sp = fault(K_WRITE)) != NULL) {
		if (sp->kill == 2 || (sp->kill && len > 1))
			(void)real_write(fd, buf, sp->kill == 2 ? len : len / 2);
		fire_on(sp, "write", NULL, fd);
		return -1;
	}
	return real_write(fd, buf, len);
}

ssize_t
pwrite(int fd, const void *buf, size_t len, off_t off)
{
	const struct spec	*sp;

	if (real_pwrite == NULL)
		resolve();
	if (fd > 2 && (sp = fault(K_WRITE)) != NULL) {
		if (sp->kill == 2 || (sp->kill && len > 1))
			(void)real_pwrite(fd, buf, sp->kill == 2 ? len : len / 2,
			    off);
		fire_on(sp, "pwrite", NULL, fd);
		return -1;
	}
	return real_pwrite(fd, buf, len, off);
}

ssize_t
writev(int fd, const struct iovec *iov, int n)
{
	const struct spec	*sp;

	if (real_writev == NULL)
		resolve();
	if (fd > 2 && (sp = fault(K_WRITE)) != NULL) {
		if (sp->kill == 2)
			(void)real_writev(fd, iov, n);
		else if (sp->kill && n > 0 && iov[0].iov_len > 1)
			(void)real_write(fd, iov[0].iov_base,
			    iov[0].iov_len / 2);
		fire_on(sp, "writev", NULL, fd);
		return -1;
	}
	return real_writev(fd, iov, n);
}

int
fsync(int fd)
{
	const struct spec	*sp;

	if (real_fsync == NULL)
		resolve();
	if ((sp = fault(K_FSYNC)) != NULL) {
		if (sp->kill == 2)
			(void)real_fsync(fd);
		fire_on(sp, "fsync", NULL, fd);
		return -1;
	}
	return real_fsync(fd);
}

int
fdatasync(int fd)
{
	const struct spec	*sp;

	if (real_fdatasync == NULL)
		resolve();
	if ((sp = fault(K_FSYNC)) != NULL) {
		if (sp->kill == 2)
			(void)real_fdatasync(fd);
		fire_on(sp, "fdatasync", NULL, fd);
		return -1;
	}
	return real_fdatasync(fd);
}

int
rename(const char *from, const char *to)
{
	const struct spec	*sp;

	if (real_rename == NULL)
		resolve();
	if ((sp = fault(K_RENAME)) != NULL) {
		if (sp->kill == 2)
			(void)real_rename(from, to);
		fire_on(sp, "rename", to, -1);
		return -1;
	}
	return real_rename(from, to);
}

int
renameat(int fd1, const char *from, int fd2, const char *to)
{
	const struct spec	*sp;

	if (real_renameat == NULL)
		resolve();
	if ((sp = fault(K_RENAME)) != NULL) {
		if (sp->kill == 2)
			(void)real_renameat(fd1, from, fd2, to);
		fire_on(sp, "renameat", to, -1);
		return -1;
	}
	return real_renameat(fd1, from, fd2, to);
}

int
renameat2(int fd1, const char *from, int fd2, const char *to, unsigned flags)
{
	const struct spec	*sp;

	if (real_renameat2 == NULL)
		resolve();
	if ((sp = fault(K_RENAME)) != NULL) {
		if (sp->kill == 2)
			(void)real_renameat2(fd1, from, fd2, to, flags);
		fire_on(sp, "renameat2", to, -1);
		return -1;
	}
	if (real_renameat2 == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return real_renameat2(fd1, from, fd2, to, flags);
}

int
link(const char *from, const char *to)
{
	const struct spec	*sp;

	if (real_link == NULL)
		resolve();
	if ((sp = fault(K_RENAME)) != NULL) {
		if (sp->kill == 2)
			(void)real_link(from, to);
		fire_on(sp, "link", to, -1);
		return -1;
	}
	return real_link(from, to);
}

long
syscall(long nr, ...)
{
	const struct spec	*sp;
	va_list			 ap;
	long			 a[6];
	int			 i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (real_syscall == NULL)
		resolve();
#ifdef SYS_renameat2
	if (nr == SYS_renameat2 && (sp = fault(K_RENAME)) != NULL) {
		fire(sp, "syscall(renameat2)");
		return -1;
	}
#endif
	return real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static int
for_writing(int flags)
{
	return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;
}

int
open(const char *path, int flags, ...)
{
	const struct spec	*sp;
	mode_t			 mode = 0;
	va_list			 ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (real_open == NULL)
		resolve();
	if (for_writing(flags) && (sp = fault(K_OPEN)) != NULL) {
		fire_on(sp, "open", path, -1);
		return -1;
	}
	return real_open(path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	mode_t	mode = 0;
	va_list	ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	return open(path, flags, mode);
}

int
openat(int dfd, const char *path, int flags, ...)
{
	const struct spec	*sp;
	mode_t			 mode = 0;
	va_list			 ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (real_openat == NULL)
		resolve();
	if (for_writing(flags) && (sp = fault(K_OPEN)) != NULL) {
		fire_on(sp, "openat", path, -1);
		return -1;
	}
	return real_openat(dfd, path, flags, mode);
}

int
openat64(int dfd, const char *path, int flags, ...)
{
	mode_t	mode = 0;
	va_list	ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	return openat(dfd, path, flags, mode);
}

int
creat(const char *path, mode_t mode)
{
	const struct spec	*sp;

	if (real_creat == NULL)
		resolve();
	if ((sp = fault(K_OPEN)) != NULL) {
		fire_on(sp, "creat", path, -1);
		return -1;
	}
	return real_creat(path, mode);
}

int
mkstemp(char *tmpl)
{
	const struct spec	*sp;

	if (real_mkstemp == NULL)
		resolve();
	if ((sp = fault(K_OPEN)) != NULL) {
		fire_on(sp, "mkstemp", tmpl, -1);
		return -1;
	}
	return real_mkstemp(tmpl);
}

int
mkostemp(char *tmpl, int flags)
{
	const struct spec	*sp;

	if (real_mkostemp == NULL)
		resolve();
	if ((sp = fault(K_OPEN)) != NULL) {
		fire_on(sp, "mkostemp", tmpl, -1);
		return -1;
	}
	return real_mkostemp(tmpl, flags);
}
