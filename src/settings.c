#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libconfig.h>

#include "conf.h"
#include "encode.h"
#include "error.h"
#include "i18n.h"
#include "settings.h"

#define NAME_MAX_LEN	64
#define ENTRIES_MAX	256

struct root {
	char	name[NAME_MAX_LEN + 1];
	uint8_t	fp[32];
	size_t	len;
};

struct hash {
	char	file[256];
	uint8_t	sha256[32];
};

struct off_settings {
	struct root	 roots[ENTRIES_MAX];
	size_t		 nroots;
	struct hash	 hashes[ENTRIES_MAX];
	size_t		 nhashes;
	char		 sources[2 * PATH_MAX + 8];
};

static const struct off_conf_field root_fields[] = {
	{ "name", OFF_CONF_STRING, 1, NULL },
	{ "sha256", OFF_CONF_STRING, 0, NULL },
	{ "sha1", OFF_CONF_STRING, 0, NULL },
	{ "comment", OFF_CONF_STRING, 0, NULL },
	{ NULL, 0, 0, NULL }
};
static const struct off_conf_field hash_fields[] = {
	{ "file", OFF_CONF_STRING, 1, NULL },
	{ "sha256", OFF_CONF_STRING, 1, NULL },
	{ "comment", OFF_CONF_STRING, 0, NULL },
	{ NULL, 0, 0, NULL }
};
static const struct off_conf_field top_fields[] = {
	{ "pinned_roots", OFF_CONF_LIST, 0, root_fields },
	{ "published_hashes", OFF_CONF_LIST, 0, hash_fields },
	{ NULL, 0, 0, NULL }
};

static int
name_ok(const char *s, size_t max)
{
	size_t	n = strlen(s);

	return n > 0 && n <= max && s[0] != '.' && strspn(s,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	    "._-") == n;
}

static int
add_root(struct off_settings *s, const config_setting_t *g, const char *path,
    struct off_err *err)
{
	const char	*name = off_conf_str(g, "name");
	const char	*sha256 = off_conf_str(g, "sha256");
	const char	*sha1 = off_conf_str(g, "sha1");
	int		 line = config_setting_source_line(g);
	struct root	*r;
	size_t		 i;

	if (!name_ok(name, NAME_MAX_LEN))
		return off_err_set(err, OFF_ERR_FORMAT, path, _("line %d: a "
		    "root's name is 1-64 letters, digits, dots, dashes and "
		    "underscores"), line);
	if ((sha256 == NULL) == (sha1 == NULL))
		return off_err_set(err, OFF_ERR_FORMAT, path, _("line %d: root "
		    "\"%s\" needs exactly one of sha256 and sha1"), line, name);
	for (i = 0; i < s->nroots; i++)
		if (strcmp(s->roots[i].name, name) == 0)
			break;
	if (i == s->nroots && s->nroots++ == ENTRIES_MAX)
		return off_err_set(err, OFF_ERR_TOO_LARGE, path,
		    _("line %d: more than %d pinned roots"), line, ENTRIES_MAX);
	r = &s->roots[i];
	snprintf(r->name, sizeof(r->name), "%s", name);
	if (off_unhex_fp(sha256 != NULL ? sha256 : sha1, r->fp, sizeof(r->fp),
	    &r->len) != 0 || r->len != (sha256 != NULL ? 32u : 20u))
		return off_err_set(err, OFF_ERR_FORMAT, path, _("line %d: root "
		    "\"%s\": %s must be %d hex digits"), line, name,
		    sha256 != NULL ? "sha256" : "sha1", sha256 != NULL ? 64 :
		    40);
	return 0;
}

static int
add_hash(struct off_settings *s, const config_setting_t *g, const char *path,
    struct off_err *err)
{
	const char	*file = off_conf_str(g, "file");
	int		 line = config_setting_source_line(g);
	struct hash	*h;
	size_t		 i, len;

	if (!name_ok(file, sizeof(h->file) - 1))
		return off_err_set(err, OFF_ERR_FORMAT, path, _("line %d: a "
		    "file name is letters, digits, dots, dashes and "
		    "underscores, without a directory"), line);
	for (i = 0; i < s->nhashes; i++)
		if (strcmp(s->hashes[i].file, file) == 0)
			break;
	if (i == s->nhashes && s->nhashes++ == ENTRIES_MAX)
		return off_err_set(err, OFF_ERR_TOO_LARGE, path,
		    _("line %d: more than %d published hashes"), line,
		    ENTRIES_MAX);
	h = &s->hashes[i];
	snprintf(h->file, sizeof(h->file), "%s", file);
	if (off_unhex_fp(off_conf_str(g, "sha256"), h->sha256,
	    sizeof(h->sha256), &len) != 0 || len != 32)
		return off_err_set(err, OFF_ERR_FORMAT, path, _("line %d: "
		    "\"%s\": sha256 must be 64 hex digits"), line, file);
	return 0;
}

/* The same entry twice in one file is a mistake; again in the user's
 * file it is an override of the system's. */
static int
no_repeats(const config_setting_t *list, const char *key, const char *path,
    struct off_err *err)
{
	const config_setting_t	*a, *b;
	int			 i, j;

	for (i = 0; i < config_setting_length(list); i++) {
		a = config_setting_get_elem(list, (unsigned)i);
		for (j = 0; j < i; j++) {
			b = config_setting_get_elem(list, (unsigned)j);
			if (strcmp(off_conf_str(a, key), off_conf_str(b,
			    key)) == 0)
				return off_err_set(err, OFF_ERR_FORMAT, path,
				    _("line %d: \"%s\" is given twice (first "
				    "on line %d)"), config_setting_source_line(a),
				    off_conf_str(a, key),
				    config_setting_source_line(b));
		}
	}
	return 0;
}

static int
load_one(struct off_settings *s, const char *path, struct off_err *err)
{
	config_t		 cfg;
	const config_setting_t	*list;
	int			 i, ret;

	config_init(&cfg);
	if ((ret = off_conf_read(path, OFF_SETTINGS_MAX, &cfg, err)) != 0 ||
	    (ret = off_conf_check(config_root_setting(&cfg), top_fields, path,
	    err)) != 0)
		goto out;
	if ((list = config_lookup(&cfg, "pinned_roots")) != NULL &&
	    ((ret = no_repeats(list, "name", path, err)) != 0))
		goto out;
	for (i = 0; list != NULL && i < config_setting_length(list); i++)
		if ((ret = add_root(s, config_setting_get_elem(list,
		    (unsigned)i), path, err)) != 0)
			goto out;
	if ((list = config_lookup(&cfg, "published_hashes")) != NULL &&
	    ((ret = no_repeats(list, "file", path, err)) != 0))
		goto out;
	for (i = 0; list != NULL && i < config_setting_length(list); i++)
		if ((ret = add_hash(s, config_setting_get_elem(list,
		    (unsigned)i), path, err)) != 0)
			goto out;
	snprintf(s->sources + strlen(s->sources), sizeof(s->sources) -
	    strlen(s->sources), "%s%s", *s->sources ? ", " : "", path);
out:
	config_destroy(&cfg);
	return ret;
}

int
off_settings_load(const char *path, struct off_settings **out,
    struct off_err *err)
{
	struct off_settings	*s;
	const char		*env;
	char			 user[PATH_MAX];
	int			 ret = 0, n = -1;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	if (path != NULL)
		ret = load_one(s, path, err);
	else {
		if (access(SYSCONFDIR "/officiant/officiant.conf", F_OK) == 0)
			ret = load_one(s, SYSCONFDIR
			    "/officiant/officiant.conf", err);
		if ((env = getenv("XDG_CONFIG_HOME")) != NULL && *env == '/')
			n = snprintf(user, sizeof(user),
			    "%s/officiant/officiant.conf", env);
		else if ((env = getenv("HOME")) != NULL && *env == '/')
			n = snprintf(user, sizeof(user),
			    "%s/.config/officiant/officiant.conf", env);
		if (ret == 0 && n > 0 && (size_t)n < sizeof(user) &&
		    access(user, F_OK) == 0)
			ret = load_one(s, user, err);
	}
	if (ret != 0) {
		free(s);
		return ret;
	}
	*out = s;
	return 0;
}

void
off_settings_free(struct off_settings **s)
{
	free(*s);
	*s = NULL;
}

int
off_settings_root(const struct off_settings *s, const char *name,
    uint8_t fp[32], size_t *len)
{
	size_t	i;

	for (i = 0; i < s->nroots; i++)
		if (strcmp(s->roots[i].name, name) == 0) {
			memcpy(fp, s->roots[i].fp, s->roots[i].len);
			*len = s->roots[i].len;
			return 0;
		}
	return OFF_ERR_NOT_FOUND;
}

int
off_settings_hash(const struct off_settings *s, const char *name,
    uint8_t sha256[32])
{
	size_t	i;

	for (i = 0; i < s->nhashes; i++)
		if (strcmp(s->hashes[i].file, name) == 0) {
			memcpy(sha256, s->hashes[i].sha256, 32);
			return 0;
		}
	return OFF_ERR_NOT_FOUND;
}

const char *
off_settings_sources(const struct off_settings *s)
{
	return s->sources;
}
