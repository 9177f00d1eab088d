#include "config.h"

#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <yubikey.h>

#include "crypto.h"
#include "encode.h"
#include "error.h"
#include "fileio.h"
#include "i18n.h"
#include "json.h"
#include "otp.h"
#include "secmem.h"

#define STATE_FORMAT	"officiant-otp-state"
#define STATE_MAX	(1024 * 1024)

_Static_assert(sizeof(yubikey_token_st) == YUBIKEY_BLOCK_SIZE,
    "libyubikey token layout");

static int
public_id_ok(const char *s)
{
	size_t	n = strnlen(s, OFF_OTP_PUBLIC_ID_MAX + 1);

	return n >= 2 && n <= OFF_OTP_PUBLIC_ID_MAX && n % 2 == 0 &&
	    yubikey_modhex_p(s);
}

int
off_otp_token_set(struct off_otp_token *t, const char *public_id,
    const char *private_id, const char *aes_key, struct off_err *err)
{
	int	ret = OFF_ERR_FORMAT;

	memset(t, 0, sizeof(*t));
	if (!public_id_ok(public_id))
		off_err_set(err, ret, NULL, _("public_id must be an even "
		    "number of 2 to 32 modhex characters (cbdefghijklnrtuv)"));
	else if (off_unhex(private_id, t->private_id,
	    sizeof(t->private_id)) != 0)
		off_err_set(err, ret, NULL, _("private_id must be 12 hex "
		    "digits"));
	else if (off_unhex(aes_key, t->aes_key, sizeof(t->aes_key)) != 0)
		off_err_set(err, ret, NULL, _("aes_key must be 32 hex digits"));
	else {
		memcpy(t->public_id, public_id, strlen(public_id) + 1);
		ret = 0;
	}
	if (ret != 0)
		off_wipe(t, sizeof(*t));
	return ret;
}

int
off_otp_token_random(struct off_otp_token *t, struct off_err *err)
{
	uint8_t	pub[6];
	int	ret;

	memset(t, 0, sizeof(*t));
	if ((ret = off_random(pub, sizeof(pub), err)) != 0 ||
	    (ret = off_random(t->private_id, sizeof(t->private_id),
	    err)) != 0 ||
	    (ret = off_random(t->aes_key, sizeof(t->aes_key), err)) != 0) {
		off_wipe(t, sizeof(*t));
		return ret;
	}
	yubikey_modhex_encode(t->public_id, (const char *)pub, sizeof(pub));
	return 0;
}

/* Decrypt and check the 32 modhex characters of ciphertext; sets the
 * token's counter and use. */
static int
otp_open(const struct off_otp_token *t, const char *ct, unsigned *counter,
    unsigned *use, enum off_otp_status *st, struct off_err *err)
{
	yubikey_token_st	tok;
	uint8_t			b[YUBIKEY_BLOCK_SIZE];
	int			ret = 0;

	yubikey_parse((const uint8_t *)ct, t->aes_key, &tok);
	memcpy(b, &tok, sizeof(b));
	/* The CRC first: a wrong key or a damaged OTP garbles the whole
	 * block, uid included, and is best told as such. */
	if (!yubikey_crc_ok_p(b)) {
		*st = OFF_OTP_BAD_CRC;
		ret = off_err_set(err, OFF_ERR_AUTH, NULL, _("OTP of YubiKey "
		    "%s fails its checksum: it was mistyped or damaged, or the "
		    "roster holds the wrong AES key for this YubiKey"),
		    t->public_id);
	} else if (off_ctcmp(b, t->private_id, OFF_OTP_PRIVATE_ID_LEN) != 0) {
		*st = OFF_OTP_WRONG_UID;
		ret = off_err_set(err, OFF_ERR_AUTH, NULL, _("OTP of YubiKey "
		    "%s decrypts to a private id other than the roster's: the "
		    "AES key in the roster belongs to another token"),
		    t->public_id);
	} else {
		/* Little-endian fields: ctr at 6 (top bit: caps lock), use
		 * at 11. */
		*counter = ((unsigned)b[6] | (unsigned)b[7] << 8) &
		    OFF_OTP_COUNTER_MAX;
		*use = b[11];
	}
	off_wipe(&tok, sizeof(tok));
	off_wipe(b, sizeof(b));
	return ret;
}

static json_t *
state_new(void)
{
	json_t	*root;

	if ((root = json_object()) == NULL)
		return NULL;
	if (json_object_set_new(root, "format", json_string(STATE_FORMAT)) ||
	    json_object_set_new(root, "version", json_integer(1)) ||
	    json_object_set_new(root, "tokens", json_object())) {
		json_decref(root);
		return NULL;
	}
	return root;
}

static int
state_parse(const char *data, size_t len, const char *path, json_t **out,
    struct off_err *err)
{
	static const char *const top[] = { "format", "version", "tokens",
	    NULL };
	static const char *const entry[] = { "counter", "use", NULL };
	json_t		*root = NULL, *tokens, *v;
	const char	*key;
	char		 where[OFF_OTP_PUBLIC_ID_MAX + 16];
	long long	 n;
	int		 ret;

	*out = NULL;
	if ((ret = off_json_load(data, len, path, STATE_FORMAT, &root,
	    err)) != 0 ||
	    (ret = off_json_only(root, top, path, "", err)) != 0 ||
	    (ret = off_json_obj(root, "tokens", &tokens, path, err)) != 0)
		goto out;
	json_object_foreach(tokens, key, v) {
		if (!public_id_ok(key)) {
			ret = off_err_set(err, OFF_ERR_FORMAT, path,
			    _("\"%.40s\" in \"tokens\" is not a YubiKey public "
			    "id"), key);
			goto out;
		}
		snprintf(where, sizeof(where), "tokens.%s.", key);
		if (!json_is_object(v)) {
			ret = off_err_set(err, OFF_ERR_FORMAT, path,
			    _("field \"tokens.%s\" is not an object"), key);
			goto out;
		}
		if ((ret = off_json_only(v, entry, path, where, err)) != 0 ||
		    (ret = off_json_int(v, "counter", 0, OFF_OTP_COUNTER_MAX,
		    &n, path, err)) != 0 ||
		    (ret = off_json_int(v, "use", 0, OFF_OTP_USE_MAX, &n, path,
		    err)) != 0)
			goto out;
	}
	*out = root;
	root = NULL;
out:
	json_decref(root);
	return ret;
}

/* Read the state, or start an empty one when there is no file yet. */
static int
state_read(const char *path, json_t **root, struct off_err *err)
{
	struct off_err	 sub;
	char		*data = NULL;
	size_t		 len;
	int		 ret;

	*root = NULL;
	off_err_clear(&sub);
	ret = off_file_read(path, STATE_MAX, &data, &len, &sub);
	if (ret == OFF_ERR_NOT_FOUND) {
		if ((*root = state_new()) == NULL)
			return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		return 0;
	}
	if (ret == 0)
		ret = state_parse(data, len, path, root, &sub);
	free(data);
	if (ret == OFF_ERR_FORMAT || ret == OFF_ERR_VERSION)
		/* TRANSLATORS: the OTP state file is what stops an old OTP
		 * from being used again. */
		return off_err_set(err, ret, path, _("damaged OTP state file "
		    "(%s); it guards against replayed OTPs and is never reset: "
		    "restore it from a backup"), sub.detail);
	if (ret != 0 && err != NULL)
		*err = sub;
	return ret;
}

/* Under the lock: refuse a (counter, use) not above the stored one for
 * public id pub, else store it. */
static int
state_update(const char *path, const char *pub, unsigned counter,
    unsigned use, enum off_otp_status *st, struct off_err *err)
{
	char		 lock[PATH_MAX];
	json_t		*root = NULL, *tokens, *old, *entry = NULL;
	char		*out = NULL;
	size_t		 outlen;
	unsigned	 oc, ou;
	int		 fd = -1, n, ret;

	n = snprintf(lock, sizeof(lock), "%s.lock", path);
	if (n < 0 || (size_t)n >= sizeof(lock))
		return off_err_set(err, OFF_ERR_TOO_LARGE, path,
		    _("path too long"));
	if ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1)
		return off_err_errno(err, OFF_ERR_IO, errno, lock,
		    _("cannot open the OTP state lock"));
	while (flock(fd, LOCK_EX) == -1)
		if (errno != EINTR) {
			ret = off_err_errno(err, OFF_ERR_IO, errno, lock,
			    _("cannot lock the OTP state"));
			goto out;
		}
	if ((ret = state_read(path, &root, err)) != 0)
		goto out;
	tokens = json_object_get(root, "tokens");
	if ((old = json_object_get(tokens, pub)) != NULL) {
		oc = (unsigned)json_integer_value(json_object_get(old,
		    "counter"));
		ou = (unsigned)json_integer_value(json_object_get(old, "use"));
		if (oc > counter || (oc == counter && ou >= use)) {
			*st = OFF_OTP_REPLAYED;
			ret = off_err_set(err, OFF_ERR_AUTH, NULL, _("replayed "
			    "OTP of YubiKey %s: it has counter %u, use %u, but "
			    "one with counter %u, use %u was already accepted; "
			    "touch the YubiKey for a fresh OTP"), pub, counter,
			    use, oc, ou);
			goto out;
		}
	}
	if ((entry = json_object()) == NULL ||
	    json_object_set_new(entry, "counter", json_integer(counter)) ||
	    json_object_set_new(entry, "use", json_integer(use)) ||
	    json_object_set(tokens, pub, entry)) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	if ((ret = off_json_dump(root, &out, &outlen, err)) != 0 ||
	    (ret = off_file_write(path, out, outlen, OFF_WRITE_REPLACE,
	    err)) != 0)
		goto out;
	ret = 0;
out:
	json_decref(entry);
	json_decref(root);
	free(out);
	if (fd != -1)
		close(fd);	/* releases the lock */
	return ret;
}

int
off_otp_verify(const char *otp, off_otp_lookup_fn lookup, void *arg,
    const char *state_path, const struct off_otp_token **token,
    enum off_otp_status *status, struct off_err *err)
{
	const struct off_otp_token	*t;
	enum off_otp_status		 st = OFF_OTP_FAILED;
	char				 pub[OFF_OTP_PUBLIC_ID_MAX + 1];
	size_t				 len, publen;
	unsigned			 counter = 0, use = 0;
	int				 ret;

	*token = NULL;
	len = strnlen(otp, OFF_OTP_MAX + 1);
	if (len < OFF_OTP_MIN || len > OFF_OTP_MAX) {
		st = OFF_OTP_MALFORMED;
		ret = len > OFF_OTP_MAX ?
		    off_err_set(err, OFF_ERR_FORMAT, NULL, _("OTP is longer "
		    "than %d characters: not a YubiKey OTP"), OFF_OTP_MAX) :
		    off_err_set(err, OFF_ERR_FORMAT, NULL, _("OTP has %zu "
		    "characters; a YubiKey OTP has %d to %d"), len, OFF_OTP_MIN,
		    OFF_OTP_MAX);
		goto out;
	}
	/* Characters outside the alphabet would decode silently as 0. */
	if (!yubikey_modhex_p(otp)) {
		st = OFF_OTP_BAD_MODHEX;
		ret = off_err_set(err, OFF_ERR_FORMAT, NULL, _("OTP holds "
		    "characters other than cbdefghijklnrtuv: check the "
		    "keyboard layout and caps lock, and touch the YubiKey "
		    "again"));
		goto out;
	}
	publen = len - YUBIKEY_OTP_SIZE;
	memcpy(pub, otp, publen);
	pub[publen] = '\0';
	if ((t = lookup(arg, pub)) == NULL) {
		st = OFF_OTP_UNKNOWN_ID;
		ret = off_err_set(err, OFF_ERR_NOT_FOUND, NULL, _("unknown "
		    "YubiKey %s: no officer in the roster has it"), pub);
		goto out;
	}
	if ((ret = otp_open(t, otp + publen, &counter, &use, &st, err)) != 0 ||
	    (ret = state_update(state_path, pub, counter, use, &st,
	    err)) != 0)
		goto out;
	st = OFF_OTP_ACCEPTED;
	*token = t;
out:
	if (status != NULL)
		*status = st;
	return ret;
}

int
off_otp_generate(const struct off_otp_token *t, unsigned counter,
    unsigned use, char out[OFF_OTP_MAX + 1], struct off_err *err)
{
	yubikey_token_st	tok;
	uint8_t			b[YUBIKEY_BLOCK_SIZE];
	char			ct[YUBIKEY_OTP_SIZE + 1];
	unsigned		crc;
	int			ret;

	out[0] = '\0';
	if (counter > OFF_OTP_COUNTER_MAX || use > OFF_OTP_USE_MAX ||
	    !public_id_ok(t->public_id))
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("OTP counter or use out of range"));
	/* uid, ctr, tstpl, tstph, use, rnd, crc; little-endian. The
	 * timestamp and the random field are drawn at random. */
	memcpy(b, t->private_id, OFF_OTP_PRIVATE_ID_LEN);
	if ((ret = off_random(b + 6, sizeof(b) - 6, err)) != 0)
		goto out;
	b[6] = (uint8_t)(counter & 0xff);
	b[7] = (uint8_t)(counter >> 8);
	b[11] = (uint8_t)use;
	crc = ~(unsigned)yubikey_crc16(b, sizeof(b) - 2) & 0xffff;
	b[14] = (uint8_t)(crc & 0xff);
	b[15] = (uint8_t)(crc >> 8);
	memcpy(&tok, b, sizeof(tok));
	yubikey_generate(&tok, t->aes_key, ct);
	snprintf(out, OFF_OTP_MAX + 1, "%s%s", t->public_id, ct);
out:
	off_wipe(&tok, sizeof(tok));
	off_wipe(b, sizeof(b));
	return ret;
}
