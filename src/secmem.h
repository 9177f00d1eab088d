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

#endif
