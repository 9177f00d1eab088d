/* For the ceremony benchmark: an LD_PRELOAD object that times the calls
 * a ceremony spends its time in, from outside the program:
 *   kdf     EVP_PBE_scrypt (the cards' PIN KDF)
 *   keygen  EVP_PKEY_generate, EVP_PKEY_keygen making an RSA or EC key
 *   keyaux  the same making any other key (Ed25519 ceremony keys)
 *   fsync   fsync, fdatasync
 * At exit it appends "NAME CALLS SECONDS CPU-SECONDS" lines (wall time
 * inside the calls, and the processor time they used), and "process 1
 * SECONDS CPU-SECONDS" (from its loading to the exit), to the file
 * BENCH_TIMES names. Only the benchmark loads it; the program is not
 * changed. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

enum { T_KDF, T_KEYGEN, T_KEYAUX, T_FSYNC, T_MAX };
static const char *const names[T_MAX] = { "kdf", "keygen", "keyaux",
    "fsync" };
static double		spent[T_MAX], used[T_MAX], start;
static unsigned long	calls[T_MAX];
static int		depth;		/* keygen inside keygen counts once */

static double
clock_at(clockid_t c)
{
	struct timespec	ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
now(void)
{
	return clock_at(CLOCK_MONOTONIC);
}

static double
cpu(void)
{
	return clock_at(CLOCK_THREAD_CPUTIME_ID);
}

static void *
next(const char *name)
{
	void	*f = dlsym(RTLD_NEXT, name);

	if (f == NULL) {
		fprintf(stderr, "timeshim: no %s\n", name);
		abort();
	}
	return f;
}

static void
count(int kind, double t, double c)
{
	spent[kind] += now() - t;
	used[kind] += cpu() - c;
	calls[kind]++;
}

__attribute__((constructor)) static void
loaded(void)
{
	start = now();
}

__attribute__((destructor)) static void
report(void)
{
	const char	*path = getenv("BENCH_TIMES");
	char		 buf[512];
	int		 fd, i, n = 0;

	if (path == NULL || (fd = open(path, O_WRONLY | O_CREAT | O_APPEND,
	    0600)) == -1)
		return;
	for (i = 0; i < T_MAX; i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n,
		    "%s %lu %.6f %.6f\n", names[i], calls[i], spent[i],
		    used[i]);
	n += snprintf(buf + n, sizeof(buf) - (size_t)n, "process 1 %.6f %.6f\n",
	    now() - start, clock_at(CLOCK_PROCESS_CPUTIME_ID));
	if (write(fd, buf, (size_t)n) != n)
		perror("timeshim");
	close(fd);
}

int
EVP_PBE_scrypt(const char *pass, size_t passlen, const unsigned char *salt,
    size_t saltlen, uint64_t N, uint64_t r, uint64_t p, uint64_t maxmem,
    unsigned char *key, size_t keylen)
{
	static int	(*f)(const char *, size_t, const unsigned char *,
			    size_t, uint64_t, uint64_t, uint64_t, uint64_t,
			    unsigned char *, size_t);
	double		t = now(), c = cpu();
	int		ret;

	if (f == NULL)
		f = next("EVP_PBE_scrypt");
	ret = f(pass, passlen, salt, saltlen, N, r, p, maxmem, key, keylen);
	/* A call with no key only checks the parameters. */
	if (key != NULL)
		count(T_KDF, t, c);
	return ret;
}

static int
kind_of(EVP_PKEY **pk)
{
	static int	(*id)(const EVP_PKEY *);
	int		base;

	if (id == NULL)
		id = next("EVP_PKEY_get_base_id");
	if (pk == NULL || *pk == NULL)
		return T_KEYAUX;
	base = id(*pk);
	return base == EVP_PKEY_RSA || base == EVP_PKEY_EC ? T_KEYGEN :
	    T_KEYAUX;
}

typedef int (*keygen_fn)(EVP_PKEY_CTX *, EVP_PKEY **);

/* Either way in: a key generation inside another counts once. */
static int
keygen(const char *name, keygen_fn *f, EVP_PKEY_CTX *ctx, EVP_PKEY **pk)
{
	double	t = now(), c = cpu();
	int	ret;

	if (*f == NULL)
		*f = (keygen_fn)next(name);
	depth++;
	ret = (*f)(ctx, pk);
	if (--depth == 0)
		count(kind_of(pk), t, c);
	return ret;
}

int
EVP_PKEY_generate(EVP_PKEY_CTX *ctx, EVP_PKEY **pk)
{
	static keygen_fn	f;

	return keygen("EVP_PKEY_generate", &f, ctx, pk);
}

int
EVP_PKEY_keygen(EVP_PKEY_CTX *ctx, EVP_PKEY **pk)
{
	static keygen_fn	f;

	return keygen("EVP_PKEY_keygen", &f, ctx, pk);
}

typedef int (*sync_fn)(int);

static int
sync_call(const char *name, sync_fn *f, int fd)
{
	double	t = now(), c = cpu();
	int	ret;

	if (*f == NULL)
		*f = (sync_fn)next(name);
	ret = (*f)(fd);
	count(T_FSYNC, t, c);
	return ret;
}

int
fsync(int fd)
{
	static sync_fn	f;

	return sync_call("fsync", &f, fd);
}

int
fdatasync(int fd)
{
	static sync_fn	f;

	return sync_call("fdatasync", &f, fd);
}
