/* The PGP word list, for reading hashes aloud and writing them on the
 * paper record. */
#ifndef OFF_PGPWORDS_H
#define OFF_PGPWORDS_H

#include <stddef.h>
#include <stdint.h>

/* The word for byte at position (0-based) in a sequence. */
const char	*off_pgp_word(uint8_t byte, size_t position);
/* Words for n bytes, space-separated, into out (len bytes, always
 * terminated). Returns how many bytes fit. 32 bytes need at most 400. */
#define OFF_PGP_WORDS_LEN(n)	((n) * 13 + 1)
size_t		 off_pgp_words(const uint8_t *p, size_t n, char *out,
		    size_t len);
/* Parse words back (case-insensitive, separated by blanks or dashes),
 * each checked against the list of its position. 0 on success. */
int		 off_pgp_unwords(const char *s, uint8_t *out, size_t max,
		    size_t *outlen);

#endif
