#include "config.h"

#include <sys/mman.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "error.h"
#include "secmem.h"

/*
 * Layout of one allocation (pages): [guard][header+data ...][guard].
 * The header sits at the start of the first data page; the user pointer
 * follows it. Guard pages are PROT_NONE so overruns fault.
 */
#define SECMEM_MAGIC	0x4f4646534543ULL	/* "OFFSEC" */

struct secmem_hdr {
	uint64_t	magic;
	size_t		map_len;	/* whole mapping, guards included */
	size_t		user_len;
	size_t		pad;		/* keep user data 16-byte aligned */
};

/* See secmem.h: NULL except in tests. */
static off_secmem_release_hook	release_hook;

off_secmem_release_hook
off_secmem_set_release_hook(off_secmem_release_hook fn)
{
	off_secmem_release_hook	old = release_hook;

	release_hook = fn;
	return old;
}

static size_t
page_size(void)
{
	long	ps = sysconf(_SC_PAGESIZE);

	return ps > 0 ? (size_t)ps : 4096;
}

void
off_wipe(void *p, size_t n)
{
	if (p == NULL || n == 0)
		return;
	OPENSSL_cleanse(p, n);
}

int
off_ctcmp(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0 ? 0 : -1;
}

void *
off_secalloc(size_t n)
{
	size_t			 ps = page_size(), data_len, map_len;
	unsigned char		*base, *data;
	struct secmem_hdr	*h;

	if (n == 0 || n > SIZE_MAX / 2)
		return NULL;
	data_len = (n + sizeof(*h) + ps - 1) / ps * ps;
	map_len = data_len + 2 * ps;
	base = mmap(NULL, map_len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	data = base + ps;
	if (mprotect(base, ps, PROT_NONE) != 0 ||
	    mprotect(data + data_len, ps, PROT_NONE) != 0 ||
	    mlock(data, data_len) != 0) {
		munmap(base, map_len);
		return NULL;
	}
#ifdef MADV_DONTDUMP
	(void)madvise(data, data_len, MADV_DONTDUMP);
#endif
#ifdef MADV_WIPEONFORK
	(void)madvise(data, data_len, MADV_WIPEONFORK);
#endif
	h = (struct secmem_hdr *)data;
	h->magic = SECMEM_MAGIC;
	h->map_len = map_len;
	h->user_len = n;
	return data + sizeof(*h);
}

static struct secmem_hdr *
secmem_header(const void *p)
{
	struct secmem_hdr	*h;

	h = (struct secmem_hdr *)(uintptr_t)((const unsigned char *)p -
	    sizeof(*h));
	if (h->magic != SECMEM_MAGIC)
		abort();	/* not ours, or the header was overwritten */
	return h;
}

size_t
off_secsize(const void *p)
{
	return p == NULL ? 0 : secmem_header(p)->user_len;
}

void
off_secfree(void *pp)
{
	void			**ptr = pp;
	struct secmem_hdr	 *h;
	unsigned char		 *data, *base;
	size_t			  ps = page_size(), map_len;

	if (ptr == NULL || *ptr == NULL)
		return;
	h = secmem_header(*ptr);
	data = (unsigned char *)h;
	base = data - ps;
	map_len = h->map_len;
	off_wipe(data, map_len - 2 * ps);
	if (release_hook != NULL)
		release_hook(data, map_len - 2 * ps);
	munlock(data, map_len - 2 * ps);
	munmap(base, map_len);
	*ptr = NULL;
}
