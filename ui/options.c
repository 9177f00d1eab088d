#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "error.h"
#include "i18n.h"
#include "options.h"
#include "settings.h"
#include "slot.h"
#include "world.h"

const char	*opt_config;

int
opt_load_settings(struct off_settings **s)
{
	struct off_err	err;

	off_err_clear(&err);
	return off_settings_load(opt_config, s, &err) == 0 ? 0 :
	    cmd_fail(&err);
}

int
opt_kmdata(const char *given, char *buf, size_t len)
{
	const char	*env;
	int		 n;

	if (given != NULL && *given != '\0')
		n = snprintf(buf, len, "%s", given);
	else if ((env = getenv("OFFICIANT_KMDATA")) != NULL && *env != '\0')
		n = snprintf(buf, len, "%s", env);
	else if ((env = getenv("XDG_DATA_HOME")) != NULL && *env == '/')
		n = snprintf(buf, len, "%s/officiant/kmdata", env);
	else if ((env = getenv("HOME")) != NULL && *env == '/')
		n = snprintf(buf, len, "%s/.local/share/officiant/kmdata",
		    env);
	else
		return OFF_ERR_NOT_FOUND;
	return n < 0 || (size_t)n >= len ? OFF_ERR_TOO_LARGE : 0;
}

int
opt_unsigned(const char *s, unsigned min, unsigned max, unsigned *out)
{
	char		*end;
	unsigned long	 v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int
opt_quorum(const char *s, unsigned *k, unsigned *n)
{
	char	buf[16], *slash;

	if (strlen(s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, strlen(s) + 1);
	if ((slash = strchr(buf, '/')) == NULL)
		return -1;
	*slash = '\0';
	/* Range checks with clear messages happen in the core. */
	if (opt_unsigned(buf, 0, 100000, k) != 0 ||
	    opt_unsigned(slash + 1, 0, 100000, n) != 0)
		return -1;
	return 0;
}

int
opt_open_slot(const char *slot_dir, const char *drawer_dir,
    const char *card_p11, struct off_slot **slot)
{
	struct off_err	err;
	int		ret, given;

	off_err_clear(&err);
	given = (slot_dir != NULL) + (drawer_dir != NULL) + (card_p11 != NULL);
	if (given != 1) {
		fprintf(stderr, "officiant: %s\n", given == 0 ?
		    _("say where the cards are: --slot DIR, --drawer DIR or "
		    "--card-pkcs11 LIBRARY") :
		    _("use only one of --slot, --drawer and --card-pkcs11"));
		return EXIT_USAGE;
	}
	if (card_p11 != NULL && *card_p11 != '/') {
		fprintf(stderr, "officiant: %s\n", _("--card-pkcs11 takes the "
		    "absolute path of a PKCS#11 library"));
		return EXIT_USAGE;
	}
	if (slot_dir != NULL)
		ret = off_slot_open(slot, "file", slot_dir, &err);
	else if (drawer_dir != NULL)
		ret = off_slot_open(slot, "drawer", drawer_dir, &err);
	else
		ret = off_slot_open(slot, "pkcs11", card_p11, &err);
	return ret == 0 ? 0 : cmd_fail(&err);
}

int
opt_cards_take(int c, const char *arg, struct opt_cards *o)
{
	switch (c) {
	case 'k':
		o->kmdata = arg;
		return 1;
	case 's':
		o->slot = arg;
		return 1;
	case 'd':
		o->drawer = arg;
		return 1;
	case OPT_CARD_PKCS11:
		o->card_pkcs11 = arg;
		return 1;
	default:
		return 0;
	}
}

int
opt_load_world(const char *kmarg, char *kmdata, size_t len,
    struct off_world **w)
{
	struct off_err	err;

	off_err_clear(&err);
	if (opt_kmdata(kmarg, kmdata, len) != 0) {
		fprintf(stderr, "officiant: %s\n",
		    _("cannot tell where KMDATA is; give --kmdata DIR"));
		return EXIT_USAGE;
	}
	return off_world_load(kmdata, w, &err) == 0 ? 0 : cmd_fail(&err);
}

void
opt_key_name(const char *app, const char *arg, char *buf, size_t len,
    const char **app_out, const char **ident_out)
{
	char	*sep;

	*app_out = app;
	*ident_out = arg;
	if (strncmp(arg, "key_", 4) == 0 && strlen(arg) < len) {
		snprintf(buf, len, "%s", arg + 4);
		if ((sep = strchr(buf, '_')) != NULL) {
			*sep = '\0';
			*app_out = buf;
			*ident_out = sep + 1;
		}
	}
}

int
opt_open_card_file(const char *path, struct off_slot **slot,
    unsigned *reader)
{
	struct off_err	 err;
	char		 dir[PATH_MAX], *slash;
	unsigned	 i;
	int		 ret;

	off_err_clear(&err);
	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return cmd_usage(NULL, _("path too long: %s"), path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((ret = off_slot_open(slot, "drawer", dir, &err)) != 0)
		return cmd_fail(&err);
	for (i = 0; i < (*slot)->ops->count(*slot); i++) {
		const char	*name = (*slot)->ops->reader_name(*slot, i);
		const char	*base = strrchr(path, '/');

		base = base != NULL ? base + 1 : path;
		if (strcmp(strrchr(name, '/') + 1, base) == 0) {
			*reader = i;
			return 0;
		}
	}
	off_slot_close(slot);
	fprintf(stderr, _("officiant: %s: no such card file (card files end "
	    "in .card)\n"), path);
	return EXIT_FAILED;
}
