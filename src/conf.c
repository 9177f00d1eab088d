#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libconfig.h>
#include <openssl/evp.h>

#include "conf.h"
#include "error.h"
#include "fileio.h"
#include "i18n.h"

/* libconfig 1.5 cannot turn @include off: refuse any line that uses it,
 * so a file can never make us read another one. */
static int
has_include(const char *s, unsigned *line)
{
	const char	*p = s;

	*line = 1;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "@include", 8) == 0)
			return 1;
		if ((p = strchr(p, '\n')) == NULL)
			return 0;
		p++;
		(*line)++;
	}
}

int
off_conf_read(const char *path, size_t max, config_t *cfg,
    struct off_err *err)
{
	return off_conf_read_sha256(path, max, cfg, NULL, err);
}

int
off_conf_read_sha256(const char *path, size_t max, config_t *cfg,
    uint8_t sha256[32], struct off_err *err)
{
	char		*data = NULL;
	size_t		 len;
	unsigned	 line;
	int		 ret;

	if ((ret = off_file_read(path, max, &data, &len, err)) != 0)
		return ret;
	if (sha256 != NULL)
		EVP_Digest(data, len, sha256, NULL, EVP_sha256(), NULL);
	if (memchr(data, '\0', len) != NULL) {
		free(data);
		return off_err_set(err, OFF_ERR_FORMAT, path,
		    _("the file holds a NUL byte: not a text file"));
	}
	if (has_include(data, &line)) {
		free(data);
		return off_err_set(err, OFF_ERR_FORMAT, path,
		    _("line %u: @include is not allowed"), line);
	}
	config_set_options(cfg, 0);
	if (config_read_string(cfg, data) != CONFIG_TRUE)
		ret = off_err_set(err, OFF_ERR_FORMAT, path, _("line %d: %s"),
		    config_error_line(cfg), config_error_text(cfg) != NULL ?
		    config_error_text(cfg) : _("syntax error"));
	free(data);
	return ret;
}

static const char *
type_name(enum off_conf_type t)
{
	switch (t) {
	case OFF_CONF_STRING:
		return _("a string");
	case OFF_CONF_INT:
		return _("an integer");
	case OFF_CONF_BOOL:
		return _("true or false");
	case OFF_CONF_GROUP:
		return _("a group { ... }");
	case OFF_CONF_LIST:
		return _("a list of groups ( { ... }, ... )");
	case OFF_CONF_STRINGS:
		return _("an array of strings [ \"...\", ... ]");
	case OFF_CONF_SCALARS:
		return _("a group of strings and numbers { name = ...; }");
	}
	return "?";
}

static int
type_ok(const config_setting_t *s, enum off_conf_type t)
{
	int	i, n;

	switch (t) {
	case OFF_CONF_STRING:
		return config_setting_type(s) == CONFIG_TYPE_STRING;
	case OFF_CONF_INT:
		return config_setting_type(s) == CONFIG_TYPE_INT ||
		    config_setting_type(s) == CONFIG_TYPE_INT64;
	case OFF_CONF_BOOL:
		return config_setting_type(s) == CONFIG_TYPE_BOOL;
	case OFF_CONF_GROUP:
		return config_setting_type(s) == CONFIG_TYPE_GROUP;
	case OFF_CONF_LIST:
		if (config_setting_type(s) != CONFIG_TYPE_LIST)
			return 0;
		n = config_setting_length(s);
		for (i = 0; i < n; i++)
			if (config_setting_type(config_setting_get_elem(s,
			    (unsigned)i)) != CONFIG_TYPE_GROUP)
				return 0;
		return 1;
	case OFF_CONF_SCALARS:
		if (config_setting_type(s) != CONFIG_TYPE_GROUP)
			return 0;
		n = config_setting_length(s);
		for (i = 0; i < n; i++) {
			int	et = config_setting_type(
			    config_setting_get_elem(s, (unsigned)i));

			if (et != CONFIG_TYPE_STRING && et != CONFIG_TYPE_INT &&
			    et != CONFIG_TYPE_INT64 && et != CONFIG_TYPE_BOOL)
				return 0;
		}
		return 1;
	case OFF_CONF_STRINGS:
		/* An array holds one scalar type; an empty one has none. */
		return config_setting_type(s) == CONFIG_TYPE_ARRAY &&
		    (config_setting_length(s) == 0 ||
		    config_setting_type(config_setting_get_elem(s, 0)) ==
		    CONFIG_TYPE_STRING);
	}
	return 0;
}

int
off_conf_check(const config_setting_t *group,
    const struct off_conf_field *fields, const char *path,
    struct off_err *err)
{
	const struct off_conf_field	*f;
	const config_setting_t		*s;
	int				 i, j, n, ret;

	n = config_setting_length(group);
	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(group, (unsigned)i);
		for (f = fields; f->name != NULL; f++)
			if (strcmp(f->name, config_setting_name(s)) == 0)
				break;
		if (f->name == NULL)
			return off_err_set(err, OFF_ERR_FORMAT, path,
			    _("line %d: unknown setting \"%s\""),
			    config_setting_source_line(s),
			    config_setting_name(s));
		if (!type_ok(s, f->type))
			return off_err_set(err, OFF_ERR_FORMAT, path,
			    _("line %d: \"%s\" must be %s"),
			    config_setting_source_line(s), f->name,
			    type_name(f->type));
		if (f->type == OFF_CONF_GROUP &&
		    (ret = off_conf_check(s, f->sub, path, err)) != 0)
			return ret;
		if (f->type == OFF_CONF_LIST)
			for (j = 0; j < config_setting_length(s); j++)
				if ((ret = off_conf_check(
				    config_setting_get_elem(s, (unsigned)j),
				    f->sub, path, err)) != 0)
					return ret;
	}
	/* The root group has no line (libconfig says 0). */
	for (f = fields; f->name != NULL; f++)
		if (f->required && config_setting_get_member(group,
		    f->name) == NULL)
			return config_setting_source_line(group) == 0 ?
			    off_err_set(err, OFF_ERR_FORMAT, path,
			    _("\"%s\" is missing"), f->name) :
			    off_err_set(err, OFF_ERR_FORMAT, path,
			    _("line %d: \"%s\" is missing"),
			    config_setting_source_line(group), f->name);
	return 0;
}

const char *
off_conf_str(const config_setting_t *group, const char *name)
{
	const config_setting_t	*s = config_setting_get_member(group, name);

	return s != NULL ? config_setting_get_string(s) : NULL;
}
