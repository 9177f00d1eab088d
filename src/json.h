/* Strict reading of untrusted JSON files (jansson): duplicate and
 * unknown keys, wrong types, out-of-range numbers and non-canonical
 * encodings are refused with a message naming the file and the field. */
#ifndef OFF_JSON_H
#define OFF_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct off_err;

/* Make jansson wipe what it frees; called once at start. */
void	off_json_init(void);
/* Parse data as one JSON object whose "format" is format and whose
 * "version" is 1. */
int	off_json_load(const char *data, size_t len, const char *file,
	    const char *format, json_t **root, struct off_err *err);
/* Refuse keys of obj not in the NULL-terminated list allowed. */
int	off_json_only(json_t *obj, const char *const *allowed,
	    const char *file, const char *path, struct off_err *err);
int	off_json_obj(json_t *obj, const char *key, json_t **out,
	    const char *file, struct off_err *err);
int	off_json_array(json_t *obj, const char *key, size_t max,
	    json_t **out, const char *file, struct off_err *err);
int	off_json_str(json_t *obj, const char *key, size_t maxlen,
	    const char **out, const char *file, struct off_err *err);
int	off_json_int(json_t *obj, const char *key, long long min,
	    long long max, long long *out, const char *file,
	    struct off_err *err);
int	off_json_hex(json_t *obj, const char *key, uint8_t *out, size_t n,
	    const char *file, struct off_err *err);
/* Base64 of between min and max bytes. */
int	off_json_b64(json_t *obj, const char *key, uint8_t *out, size_t min,
	    size_t max, size_t *outlen, const char *file,
	    struct off_err *err);
int	off_json_utc(json_t *obj, const char *key, const char **out,
	    const char *file, struct off_err *err);

/* Builders: NULL on allocation failure (jansson steals them). */
json_t	*off_json_new_hex(const uint8_t *p, size_t n);
json_t	*off_json_new_b64(const uint8_t *p, size_t n);
/* json_dumps that fails whole when an allocation fails (jansson's own
 * can drop a key and go on); NUL-terminated with room for one more
 * byte, length in *len; malloc'd, NULL on failure. */
char	*off_json_dumps(const json_t *root, size_t flags, size_t *len);
/* Indented, key order kept, trailing newline; malloc'd. */
int	off_json_dump(json_t *root, char **out, size_t *len,
	    struct off_err *err);

#endif
