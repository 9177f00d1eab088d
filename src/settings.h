/* The configuration file, officiant.conf(5): pinned certificate roots
 * for KEK verification and published hashes of tool files. Read from
 * SYSCONFDIR/officiant/officiant.conf, then the user's
 * $XDG_CONFIG_HOME/officiant/officiant.conf (whose entries win), or
 * from one file given with --config. */
#ifndef OFF_SETTINGS_H
#define OFF_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

struct off_err;
struct off_settings;

#define OFF_SETTINGS_MAX	(1024 * 1024)

/* path NULL: the system file and the user's file, each if it exists. */
int	off_settings_load(const char *path, struct off_settings **s,
	    struct off_err *err);
void	off_settings_free(struct off_settings **s);

/* The pinned root fingerprint called name: 20 (SHA-1) or 32 (SHA-256)
 * bytes. OFF_ERR_NOT_FOUND when there is none. */
int	off_settings_root(const struct off_settings *s, const char *name,
	    uint8_t fp[32], size_t *len);
/* The published SHA-256 of a file called name (no directory). */
int	off_settings_hash(const struct off_settings *s, const char *name,
	    uint8_t sha256[32]);
/* The files that were read, for messages ("" when none). */
const char *off_settings_sources(const struct off_settings *s);

#endif
