/* libconfig files read as untrusted input: bounded, no @include, and
 * checked against a schema declared once (unknown settings, wrong
 * types, missing required settings are errors with file:line). Used by
 * the configuration file and, later, by ceremony scripts and rosters. */
#ifndef OFF_CONF_H
#define OFF_CONF_H

#include <stddef.h>
#include <stdint.h>

#include <libconfig.h>

struct off_err;

enum off_conf_type {
	OFF_CONF_STRING,
	OFF_CONF_INT,
	OFF_CONF_BOOL,
	OFF_CONF_GROUP,		/* fields in sub */
	OFF_CONF_LIST,		/* ( { sub }, { sub } ... ) */
	OFF_CONF_STRINGS,	/* [ "a", "b" ] */
	OFF_CONF_SCALARS,	/* { any = "string"; other = 12; ... } */
};

struct off_conf_field {
	const char			*name;		/* NULL ends a table */
	enum off_conf_type		 type;
	int				 required;
	const struct off_conf_field	*sub;
};

/* Read path (at most max bytes) into cfg, which the caller has set up
 * with config_init and frees with config_destroy. */
int	off_conf_read(const char *path, size_t max, config_t *cfg,
	    struct off_err *err);
/* The same, also giving the SHA-256 of the bytes that were parsed. */
int	off_conf_read_sha256(const char *path, size_t max, config_t *cfg,
	    uint8_t sha256[32], struct off_err *err);
/* Check group (a group setting, e.g. config_root_setting) against
 * fields; path names the file in errors. */
int	off_conf_check(const config_setting_t *group,
	    const struct off_conf_field *fields, const char *path,
	    struct off_err *err);
/* A string member of group, or NULL. */
const char *off_conf_str(const config_setting_t *group, const char *name);

#endif
