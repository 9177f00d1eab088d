/* Locked, guarded memory for secrets: never swapped, never in a core
 * dump, wiped on free. Free functions take T ** and NULL the caller's
 * pointer. */
#ifndef OFF_SECMEM_H
#define OFF_SECMEM_H

#include <stddef.h>

/* Zero-filled locked allocation of n bytes (n > 0), or NULL. */
void	*off_secalloc(size_t n);
/* Wipe and release *pp (may be NULL) and set *pp to NULL. */
void	 off_secfree(void *pp);
/* Size the allocation behind p was made with. */
size_t	 off_secsize(const void *p);
/* Wipe memory in a way the compiler cannot elide. */
void	 off_wipe(void *p, size_t n);
/* Constant-time comparison: 0 when equal. */
int	 off_ctcmp(const void *a, const void *b, size_t n);

/*
 * Test hook, for tests/test-secmem.c: off_secfree calls it with the
 * allocation's locked pages (the header, the caller's bytes and the
 * slack up to the page end) and their length, after wiping them and
 * before unlocking and unmapping them, so that a test can see that
 * every byte is zero when the memory is released. It must only read.
 * NULL (the default) calls nothing; the program never sets it. Returns
 * the hook it replaces. Not thread-safe: set it before any other thread
 * uses secure memory.
 */
typedef void	(*off_secmem_release_hook)(const void *pages, size_t len);
off_secmem_release_hook off_secmem_set_release_hook(off_secmem_release_hook);

#endif
