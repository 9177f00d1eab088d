#include "config.h"

#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libconfig.h>

#include "conf.h"
#include "error.h"
#include "i18n.h"
#include "otp.h"
#include "roster.h"
#include "secmem.h"

#define ROSTER_FILE_MAX	(256 * 1024)
#define ROLE_ANY	"*"	/* simulated officers hold every role */

struct off_officer {
	char				 id[OFF_ROSTER_ID_MAX + 1];
	char				 name[OFF_ROSTER_NAME_MAX + 1];
	char				 roles[OFF_ROSTER_ROLES_MAX]
					    [OFF_ROSTER_ID_MAX + 1];
	size_t				 nroles;
	const struct off_otp_token	*token;		/* or NULL */
	int				 simulated;
};

struct off_roster {
	struct off_officer	*officers;
	size_t			 n;
	struct off_otp_token	*tokens;	/* locked; n slots */
	size_t			 ntokens;
};

static const struct off_conf_field yubikey_fields[] = {
	{ "public_id", OFF_CONF_STRING, 1, NULL },
	{ "private_id", OFF_CONF_STRING, 1, NULL },
	{ "aes_key", OFF_CONF_STRING, 1, NULL },
	{ NULL, 0, 0, NULL }
};
static const struct off_conf_field officer_fields[] = {
	{ "id", OFF_CONF_STRING, 1, NULL },
	{ "name", OFF_CONF_STRING, 1, NULL },
	{ "roles", OFF_CONF_STRINGS, 1, NULL },
	{ "yubikey", OFF_CONF_GROUP, 0, yubikey_fields },
	{ NULL, 0, 0, NULL }
};
static const struct off_conf_field top_fields[] = {
	{ "officers", OFF_CONF_LIST, 1, officer_fields },
	{ NULL, 0, 0, NULL }
};

/* Officer ids and role names: [a-z0-9-]{1,32}. */
static int
ident_ok(const char *s)
{
	size_t	n = strlen(s);

	return n > 0 && n <= OFF_ROSTER_ID_MAX &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* Code points a name must not hold: controls, and the invisible ones
 * that reorder or break the text on a screen or on paper. */
static int
cp_forbidden(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
	    c == 0x200e || c == 0x200f || (c >= 0x2028 && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069) || c == 0xfeff;
}

/* Printable UTF-8 of 1 to OFF_ROSTER_NAME_MAX bytes. */
static int
name_ok(const char *s)
{
	const uint8_t	*p = (const uint8_t *)s;
	size_t		 len = strlen(s), i = 0, n, j;
	uint32_t	 c, min;

	if (len == 0 || len > OFF_ROSTER_NAME_MAX)
		return 0;
	while (i < len) {
		c = p[i];
		if (c < 0x80)
			n = 0, min = 0;
		else if ((c & 0xe0) == 0xc0)
			n = 1, c &= 0x1f, min = 0x80;
		else if ((c & 0xf0) == 0xe0)
			n = 2, c &= 0x0f, min = 0x800;
		else if ((c & 0xf8) == 0xf0)
			n = 3, c &= 0x07, min = 0x10000;
		else
			return 0;
		for (j = 1; j <= n; j++) {
			if (i + j >= len || (p[i + j] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (p[i + j] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) ||
		    cp_forbidden(c))
			return 0;
		i += n + 1;
	}
	return 1;
}

static int
line_of(const config_setting_t *g, const char *member)
{
	const config_setting_t	*s = config_setting_get_member(g, member);

	return config_setting_source_line(s != NULL ? s : g);
}

static int
add_roles(struct off_officer *o, const config_setting_t *g,
    const char *path, struct off_err *err)
{
	const config_setting_t	*roles;
	const char		*role;
	int			 i, j, n, line = line_of(g, "roles");

	roles = config_setting_get_member(g, "roles");
	n = config_setting_length(roles);
	if (n < 1 || n > OFF_ROSTER_ROLES_MAX)
		return off_err_set(err, OFF_ERR_FORMAT, path, _("line %d: "
		    "officer \"%s\": \"roles\" must hold 1 to %d role names"),
		    line, o->id, OFF_ROSTER_ROLES_MAX);
	for (i = 0; i < n; i++) {
		role = config_setting_get_string_elem(roles, i);
		if (role == NULL || !ident_ok(role))
			return off_err_set(err, OFF_ERR_FORMAT, path,
			    _("line %d: officer \"%s\": role %d is not 1 to 32 "
			    "lower-case letters, digits and dashes"), line,
			    o->id, i + 1);
		for (j = 0; j < i; j++)
			if (strcmp(o->roles[j], role) == 0)
				return off_err_set(err, OFF_ERR_FORMAT, path,
				    _("line %d: officer \"%s\": role \"%s\" is "
				    "given twice"), line, o->id, role);
		memcpy(o->roles[i], role, strlen(role) + 1);
	}
	o->nroles = (size_t)n;
	return 0;
}

static int
add_yubikey(struct off_roster *r, struct off_officer *o,
    const config_setting_t *list, const config_setting_t *yk,
    const char *path, struct off_err *err)
{
	struct off_otp_token	*t = &r->tokens[r->ntokens];
	struct off_err		 sub;
	size_t			 i;
	int			 line = config_setting_source_line(yk);

	off_err_clear(&sub);
	if (off_otp_token_set(t, off_conf_str(yk, "public_id"),
	    off_conf_str(yk, "private_id"), off_conf_str(yk, "aes_key"),
	    &sub) != 0)
		return off_err_set(err, OFF_ERR_FORMAT, path,
		    _("line %d: officer \"%s\": %s"), line, o->id, sub.detail);
	for (i = 0; i < r->n; i++)
		if (r->officers[i].token != NULL && strcmp(r->officers[i].
		    token->public_id, t->public_id) == 0)
			return off_err_set(err, OFF_ERR_FORMAT, path,
			    _("line %d: officer \"%s\": YubiKey %s is also "
			    "officer \"%s\"'s (line %d)"), line, o->id,
			    t->public_id, r->officers[i].id,
			    config_setting_source_line(config_setting_get_elem(
			    list, (unsigned)i)));
	o->token = t;
	r->ntokens++;
	return 0;
}

static int
add_officer(struct off_roster *r, const config_setting_t *list,
    const config_setting_t *g, const char *path, struct off_err *err)
{
	struct off_officer	*o = &r->officers[r->n];
	const config_setting_t	*yk;
	const char		*id = off_conf_str(g, "id");
	const char		*name = off_conf_str(g, "name");
	size_t			 i;
	int			 ret;

	if (!ident_ok(id))
		return off_err_set(err, OFF_ERR_FORMAT, path, _("line %d: an "
		    "officer id is 1 to 32 lower-case letters, digits and "
		    "dashes"), line_of(g, "id"));
	for (i = 0; i < r->n; i++)
		if (strcmp(r->officers[i].id, id) == 0)
			return off_err_set(err, OFF_ERR_FORMAT, path,
			    _("line %d: officer id \"%s\" is given twice "
			    "(first on line %d)"), line_of(g, "id"), id,
			    line_of(config_setting_get_elem(list, (unsigned)i),
			    "id"));
	memcpy(o->id, id, strlen(id) + 1);
	if (!name_ok(name))
		return off_err_set(err, OFF_ERR_FORMAT, path, _("line %d: "
		    "officer \"%s\": the name must be 1 to %d bytes of "
		    "printable UTF-8 text"), line_of(g, "name"), id,
		    OFF_ROSTER_NAME_MAX);
	memcpy(o->name, name, strlen(name) + 1);
	if ((ret = add_roles(o, g, path, err)) != 0)
		return ret;
	if ((yk = config_setting_get_member(g, "yubikey")) != NULL &&
	    (ret = add_yubikey(r, o, list, yk, path, err)) != 0)
		return ret;
	r->n++;
	return 0;
}

/* Like ssh with a private key: the AES keys are as good as the
 * officers' YubiKeys, so nobody else may read or change the file. */
static int
check_private(const char *path, struct off_err *err)
{
	struct stat	st;

	/* A missing file or a symbolic link is off_conf_read's to tell. */
	if (lstat(path, &st) == -1 || !S_ISREG(st.st_mode))
		return 0;
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		return off_err_set(err, OFF_ERR_DENIED, path,
		    _("permissions %04o are too open: the roster holds the "
		    "YubiKeys' AES keys and must be private to its owner; run "
		    "chmod 600 on it"), (unsigned)(st.st_mode & 07777));
	if (st.st_uid != geteuid() && st.st_uid != 0)
		return off_err_set(err, OFF_ERR_DENIED, path,
		    _("owned by another user (uid %u): the roster holds the "
		    "YubiKeys' AES keys and must belong to you or to root"),
		    (unsigned)st.st_uid);
	return 0;
}

/* libconfig frees its strings without wiping them. */
static void
wipe_keys(const config_setting_t *list)
{
	static const char *const secret[] = { "private_id", "aes_key" };
	const config_setting_t	*yk, *s;
	const char		*v;
	int			 i;
	size_t			 j;

	for (i = 0; list != NULL && i < config_setting_length(list); i++) {
		yk = config_setting_get_member(config_setting_get_elem(list,
		    (unsigned)i), "yubikey");
		if (yk == NULL || config_setting_type(yk) != CONFIG_TYPE_GROUP)
			continue;
		for (j = 0; j < sizeof(secret) / sizeof(secret[0]); j++)
			if ((s = config_setting_get_member(yk,
			    secret[j])) != NULL &&
			    (v = config_setting_get_string(s)) != NULL)
				off_wipe((void *)(uintptr_t)v, strlen(v));
	}
}

static struct off_roster *
roster_new(size_t n)
{
	struct off_roster	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if ((r->officers = calloc(n, sizeof(*r->officers))) == NULL ||
	    (r->tokens = off_secalloc(n * sizeof(*r->tokens))) == NULL) {
		free(r->officers);
		free(r);
		return NULL;
	}
	return r;
}

int
off_roster_load(const char *path, struct off_roster **out,
    struct off_err *err)
{
	config_t		 cfg;
	const config_setting_t	*list = NULL;
	struct off_roster	*r = NULL;
	int			 i, n, ret;

	*out = NULL;
	config_init(&cfg);
	if ((ret = check_private(path, err)) != 0 ||
	    (ret = off_conf_read(path, ROSTER_FILE_MAX, &cfg, err)) != 0)
		goto out;
	list = config_lookup(&cfg, "officers");
	if ((ret = off_conf_check(config_root_setting(&cfg), top_fields,
	    path, err)) != 0)
		goto out;
	if ((n = config_setting_length(list)) == 0) {
		ret = off_err_set(err, OFF_ERR_FORMAT, path, _("line %d: the "
		    "roster lists no officers"),
		    config_setting_source_line(list));
		goto out;
	}
	if (n > OFF_ROSTER_MAX) {
		ret = off_err_set(err, OFF_ERR_TOO_LARGE, path, _("line %d: "
		    "more than %d officers"), config_setting_source_line(
		    config_setting_get_elem(list, OFF_ROSTER_MAX)),
		    OFF_ROSTER_MAX);
		goto out;
	}
	if ((r = roster_new((size_t)n)) == NULL) {
		ret = off_err_set(err, OFF_ERR_SECMEM, path, NULL);
		goto out;
	}
	for (i = 0; i < n; i++)
		if ((ret = add_officer(r, list, config_setting_get_elem(list,
		    (unsigned)i), path, err)) != 0)
			goto out;
	*out = r;
	r = NULL;
out:
	wipe_keys(list);
	config_destroy(&cfg);
	off_roster_free(&r);
	return ret;
}

int
off_roster_simulated(size_t n, struct off_roster **out, struct off_err *err)
{
	struct off_roster	*r;
	struct off_officer	*o;
	size_t			 i, j;
	int			 ret = 0;

	*out = NULL;
	if (n < 1 || n > OFF_ROSTER_MAX)
		return off_err_set(err, OFF_ERR_INVALID, NULL, _("a simulated "
		    "roster has 1 to %d officers"), OFF_ROSTER_MAX);
	if ((r = roster_new(n)) == NULL)
		return off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
	for (i = 0; i < n; i++) {
		o = &r->officers[i];
		snprintf(o->id, sizeof(o->id), "officer-%zu", i + 1);
		/* TRANSLATORS: the name of a simulated officer in training. */
		snprintf(o->name, sizeof(o->name), _("Officer %zu"), i + 1);
		memcpy(o->roles[0], ROLE_ANY, sizeof(ROLE_ANY));
		o->nroles = 1;
		o->simulated = 1;
		/* Public ids must differ; a clash of 48 random bits is a
		 * draw again, not an error. */
		do {
			if ((ret = off_otp_token_random(&r->tokens[i],
			    err)) != 0)
				goto out;
			for (j = 0; j < i; j++)
				if (strcmp(r->tokens[j].public_id,
				    r->tokens[i].public_id) == 0)
					break;
		} while (j < i);
		o->token = &r->tokens[i];
		r->ntokens++;
		r->n++;
	}
	*out = r;
	r = NULL;
out:
	off_roster_free(&r);
	return ret;
}

void
off_roster_free(struct off_roster **r)
{
	if (*r == NULL)
		return;
	off_secfree(&(*r)->tokens);
	free((*r)->officers);
	free(*r);
	*r = NULL;
}

size_t
off_roster_count(const struct off_roster *r)
{
	return r->n;
}

const struct off_officer *
off_roster_officer(const struct off_roster *r, size_t i)
{
	return i < r->n ? &r->officers[i] : NULL;
}

const struct off_officer *
off_roster_find(const struct off_roster *r, const char *id)
{
	size_t	i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->officers[i].id, id) == 0)
			return &r->officers[i];
	return NULL;
}

const char *
off_officer_id(const struct off_officer *o)
{
	return o->id;
}

const char *
off_officer_name(const struct off_officer *o)
{
	return o->name;
}

int
off_officer_has_role(const struct off_officer *o, const char *role)
{
	size_t	i;

	for (i = 0; i < o->nroles; i++)
		if (strcmp(o->roles[i], role) == 0 ||
		    strcmp(o->roles[i], ROLE_ANY) == 0)
			return 1;
	return 0;
}

const char *
off_officer_yubikey(const struct off_officer *o)
{
	return o->token != NULL ? o->token->public_id : NULL;
}

static const struct off_otp_token *
lookup(void *arg, const char *public_id)
{
	const struct off_roster	*r = arg;
	size_t			 i;

	for (i = 0; i < r->ntokens; i++)
		if (strcmp(r->tokens[i].public_id, public_id) == 0)
			return &r->tokens[i];
	return NULL;
}

int
off_roster_authenticate(const struct off_roster *r, const char *otp,
    const char *state_path, const struct off_officer **officer,
    enum off_otp_status *status, struct off_err *err)
{
	const struct off_otp_token	*t;
	size_t				 i;
	int				 ret;

	*officer = NULL;
	if ((ret = off_otp_verify(otp, lookup, (void *)(uintptr_t)r,
	    state_path, &t, status, err)) != 0)
		return ret;
	for (i = 0; i < r->n; i++)
		if (r->officers[i].token == t) {
			*officer = &r->officers[i];
			return 0;
		}
	return off_err_set(err, OFF_ERR_INTERNAL, NULL, NULL);
}

int
off_officer_otp(const struct off_officer *o, unsigned counter, unsigned use,
    char out[OFF_OTP_MAX + 1], struct off_err *err)
{
	out[0] = '\0';
	if (!o->simulated || o->token == NULL)
		return off_err_set(err, OFF_ERR_INVALID, NULL, _("OTPs are "
		    "made only for the simulated officers of training"));
	return off_otp_generate(o->token, counter, use, out, err);
}
