/* C2SP signed notes, checkpoints and cosignatures (Ed25519).
 *   signed-note:       text, a blank line, "— <name> <base64(id||sig)>" lines
 *   tlog-checkpoint:   "<origin>\n<size>\n<base64 root>\n"
 *   tlog-cosignature:  type 0x04, signs "cosignature/v1\ntime <t>\n" || text
 */
#ifndef OFF_NOTE_H
#define OFF_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "merkle.h"

struct off_err;

#define OFF_NOTE_ED25519	0x01
#define OFF_NOTE_COSIG		0x04
#define OFF_NOTE_NAME_MAX	255
#define OFF_NOTE_SIGS_MAX	32
#define OFF_NOTE_MAX		8192
#define OFF_VKEY_MAX		(OFF_NOTE_NAME_MAX + 64)

/* A verifier key: name, signature type, Ed25519 public key. */
struct off_vkey {
	char	name[OFF_NOTE_NAME_MAX + 1];
	uint8_t	type;
	uint8_t	pub[32];
	uint8_t	id[4];
};

struct off_note_sig {
	char	name[OFF_NOTE_NAME_MAX + 1];
	uint8_t	bytes[4 + 8 + 64];	/* key id, [timestamp,] signature */
	size_t	len;
};

struct off_note {
	char			*text;		/* malloc'd, ends in "\n" */
	size_t			 textlen;
	struct off_note_sig	 sigs[OFF_NOTE_SIGS_MAX];
	size_t			 nsigs;
};

/* 0 when name may name a key (non-empty, no space, no '+'). */
int	off_note_name_ok(const char *name);
/* Fill k from an Ed25519 key and compute its key id. */
int	off_vkey_from_pkey(const char *name, uint8_t type, EVP_PKEY *key,
	    struct off_vkey *k, struct off_err *err);
/* "<name>+<hex id>+<base64(type || pub)>" */
void	off_vkey_format(const struct off_vkey *k, char *out, size_t len);
int	off_vkey_parse(const char *s, struct off_vkey *k);
EVP_PKEY *off_vkey_pkey(const struct off_vkey *k);

/* Parse a signed note; the text must be UTF-8 free of control
 * characters but newlines. */
int	off_note_parse(const char *s, size_t len, struct off_note *n);
void	off_note_free(struct off_note *n);
/* 0 when a signature line of k verifies over the text; OFF_ERR_NOT_FOUND
 * when no line carries k's name and id; OFF_ERR_AUTH when one does but
 * does not verify. For cosignatures *timestamp receives the time. */
int	off_note_verify(const struct off_note *n, const struct off_vkey *k,
	    uint64_t *timestamp);
/* Append a signature line for text to *out (malloc'd note text so
 * far: text, or text + "\n" + earlier lines). */
int	off_note_sign(const char *text, const struct off_vkey *k,
	    EVP_PKEY *key, uint64_t timestamp, char **out,
	    struct off_err *err);

/* Checkpoint bodies. */
int	off_checkpoint_text(const char *origin, uint64_t size,
	    const off_hash root, char *out, size_t len);
int	off_checkpoint_parse(const char *text, char *origin, size_t originlen,
	    uint64_t *size, off_hash root);

#endif
