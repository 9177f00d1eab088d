#include "config.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "error.h"
#include "i18n.h"
#include "json.h"
#include "secmem.h"

static void *
json_alloc(size_t n)
{
	return malloc(n);
}

/* Parsed and printed JSON may hold sealed or secret values: wipe every
 * block jansson frees. */
static void
json_wipe_free(void *p)
{
	if (p == NULL)
		return;
	off_wipe(p, malloc_usable_size(p));
	free(p);
}

void
off_json_init(void)
{
	json_set_alloc_funcs(json_alloc, json_wipe_free);
}

int
off_json_load(const char *data, size_t len, const char *file,
    const char *format, json_t **root, struct off_err *err)
{
	json_error_t	 jerr;
	json_t		*r, *v;
	const char	*fmt;

	*root = NULL;
	r = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (r == NULL)
		return off_err_set(err, OFF_ERR_FORMAT, file,
		    _("not valid JSON (line %d: %s); the file is damaged or "
		    "is not an %s file"), jerr.line, jerr.text, format);
	if (!json_is_object(r)) {
		json_decref(r);
		return off_err_set(err, OFF_ERR_FORMAT, file,
		    _("not an %s file"), format);
	}
	v = json_object_get(r, "format");
	fmt = json_is_string(v) ? json_string_value(v) : NULL;
	if (fmt == NULL || strcmp(fmt, format) != 0) {
		off_err_set(err, OFF_ERR_FORMAT, file,
		    _("not an %s file (format is \"%.40s\")"), format,
		    fmt != NULL ? fmt : "?");
		json_decref(r);
		return OFF_ERR_FORMAT;
	}
	v = json_object_get(r, "version");
	if (!json_is_integer(v) || json_integer_value(v) != 1) {
		json_decref(r);
		return off_err_set(err, OFF_ERR_VERSION, file,
		    _("unsupported %s version; this program reads version 1"),
		    format);
	}
	*root = r;
	return 0;
}

int
off_json_only(json_t *obj, const char *const *allowed, const char *file,
    const char *path, struct off_err *err)
{
	const char	*key;
	json_t		*v;
	size_t		 i;

	json_object_foreach(obj, key, v) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL)
			return off_err_set(err, OFF_ERR_FORMAT, file,
			    _("unknown field \"%s%s\""), path, key);
	}
	return 0;
}

static json_t *
get(json_t *obj, const char *key, json_type type, const char *tname,
    const char *file, struct off_err *err)
{
	json_t	*v = json_object_get(obj, key);

	if (v == NULL) {
		off_err_set(err, OFF_ERR_FORMAT, file,
		    _("field \"%s\" is missing"), key);
		return NULL;
	}
	if (json_typeof(v) != type) {
		off_err_set(err, OFF_ERR_FORMAT, file,
		    _("field \"%s\" is not %s"), key, tname);
		return NULL;
	}
	return v;
}

int
off_json_obj(json_t *obj, const char *key, json_t **out, const char *file,
    struct off_err *err)
{
	*out = get(obj, key, JSON_OBJECT, _("an object"), file, err);
	return *out != NULL ? 0 : OFF_ERR_FORMAT;
}

int
off_json_array(json_t *obj, const char *key, size_t max, json_t **out,
    const char *file, struct off_err *err)
{
	if ((*out = get(obj, key, JSON_ARRAY, _("a list"), file, err)) == NULL)
		return OFF_ERR_FORMAT;
	if (json_array_size(*out) > max)
		return off_err_set(err, OFF_ERR_FORMAT, file,
		    _("field \"%s\" has more than %zu entries"), key, max);
	return 0;
}

int
off_json_str(json_t *obj, const char *key, size_t maxlen, const char **out,
    const char *file, struct off_err *err)
{
	json_t	*v;

	if ((v = get(obj, key, JSON_STRING, _("a string"), file, err)) == NULL)
		return OFF_ERR_FORMAT;
	if (json_string_length(v) > maxlen ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return off_err_set(err, OFF_ERR_FORMAT, file,
		    _("field \"%s\" is too long or holds a NUL byte"), key);
	*out = json_string_value(v);
	return 0;
}

int
off_json_int(json_t *obj, const char *key, long long min, long long max,
    long long *out, const char *file, struct off_err *err)
{
	json_t		*v;
	json_int_t	 i;

	if ((v = get(obj, key, JSON_INTEGER, _("an integer"), file,
	    err)) == NULL)
		return OFF_ERR_FORMAT;
	i = json_integer_value(v);
	if (i < min || i > max)
		return off_err_set(err, OFF_ERR_FORMAT, file,
		    _("field \"%s\" is %lld; it must be between %lld and %lld"),
		    key, (long long)i, min, max);
	*out = i;
	return 0;
}

int
off_json_hex(json_t *obj, const char *key, uint8_t *out, size_t n,
    const char *file, struct off_err *err)
{
	const char	*s;

	if (off_json_str(obj, key, 2 * n, &s, file, err) != 0)
		return OFF_ERR_FORMAT;
	/* Lower case only: one spelling per value. */
	if (off_unhex(s, out, n) != 0 || strpbrk(s, "ABCDEF") != NULL)
		return off_err_set(err, OFF_ERR_FORMAT, file,
		    _("field \"%s\" is not %zu bytes of lower-case hex"), key,
		    n);
	return 0;
}

int
off_json_b64(json_t *obj, const char *key, uint8_t *out, size_t min,
    size_t max, size_t *outlen, const char *file, struct off_err *err)
{
	const char	*s;
	size_t		 n;

	if (off_json_str(obj, key, (max + 2) / 3 * 4, &s, file, err) != 0)
		return OFF_ERR_FORMAT;
	if (off_unb64(s, out, max, &n) != 0 || n < min)
		return off_err_set(err, OFF_ERR_FORMAT, file,
		    _("field \"%s\" is not valid base64 of the right length"),
		    key);
	if (outlen != NULL)
		*outlen = n;
	else if (n != max)
		return off_err_set(err, OFF_ERR_FORMAT, file,
		    _("field \"%s\" is not valid base64 of the right length"),
		    key);
	return 0;
}

int
off_json_utc(json_t *obj, const char *key, const char **out,
    const char *file, struct off_err *err)
{
	if (off_json_str(obj, key, 20, out, file, err) != 0)
		return OFF_ERR_FORMAT;
	if (off_utc_valid(*out) != 0)
		return off_err_set(err, OFF_ERR_FORMAT, file,
		    _("field \"%s\" is not a UTC time like "
		    "2026-01-31T12:00:00Z"), key);
	return 0;
}

json_t *
off_json_new_hex(const uint8_t *p, size_t n)
{
	char	*s;
	json_t	*v;

	if ((s = malloc(2 * n + 1)) == NULL)
		return NULL;
	off_hex(p, n, s);
	v = json_string(s);
	free(s);
	return v;
}

json_t *
off_json_new_b64(const uint8_t *p, size_t n)
{
	char	*s;
	json_t	*v;

	if ((s = malloc(OFF_B64_LEN(n))) == NULL)
		return NULL;
	off_b64(p, n, s);
	v = json_string(s);
	free(s);
	return v;
}

/* json_dumps() would do, but jansson 2.14 does not check what writing
 * an object's key returns: an allocation failing there drops the key
 * from the text and the rest is written as if nothing happened. Here
 * the buffer is ours, and a failure anywhere fails the whole. */
struct dumpbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 failed;
};

static int
dump_cb(const char *buf, size_t n, void *arg)
{
	struct dumpbuf	*d = arg;
	char		*np;
	size_t		 cap;

	if (d->failed)
		return -1;
	if (n + 2 > d->cap - d->len) {	/* room for a newline and a NUL */
		cap = d->cap ? d->cap : 256;
		while (n + 2 > cap - d->len) {
			if (cap > SIZE_MAX / 2)
				goto fail;
			cap *= 2;
		}
		if ((np = realloc(d->p, cap)) == NULL)
			goto fail;
		d->p = np;
		d->cap = cap;
	}
	memcpy(d->p + d->len, buf, n);
	d->len += n;
	return 0;
fail:
	d->failed = 1;
	return -1;
}

char *
off_json_dumps(const json_t *root, size_t flags, size_t *len)
{
	struct dumpbuf	d = { NULL, 0, 0, 0 };

	if (root == NULL || json_dump_callback(root, dump_cb, &d, flags) != 0 ||
	    d.failed || (d.p == NULL && dump_cb("", 0, &d) != 0)) {
		free(d.p);
		return NULL;
	}
	d.p[d.len] = '\0';
	if (len != NULL)
		*len = d.len;
	return d.p;
}

int
off_json_dump(json_t *root, char **out, size_t *len, struct off_err *err)
{
	char	*s;
	size_t	 n;

	/* off_json_dumps leaves room for the newline. */
	if ((s = off_json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER,
	    &n)) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	s[n] = '\n';
	s[n + 1] = '\0';
	*out = s;
	if (len != NULL)
		*len = n + 1;
	return 0;
}
