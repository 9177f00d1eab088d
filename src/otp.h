/* Offline validation of YubiKey OTPs (libyubikey): decryption with the
 * token's AES key, private id and CRC checks, and replay protection by
 * a (counter, use) pair per token kept durably in a state file. The
 * formats are in officiant-roster(5). */
#ifndef OFF_OTP_H
#define OFF_OTP_H

#include <stddef.h>
#include <stdint.h>

struct off_err;

#define OFF_OTP_MIN		34	/* 2-character public id + 32 */
#define OFF_OTP_MAX		64	/* 32-character public id + 32 */
#define OFF_OTP_PUBLIC_ID_MAX	32
#define OFF_OTP_PRIVATE_ID_LEN	6
#define OFF_OTP_KEY_LEN		16
#define OFF_OTP_COUNTER_MAX	0x7fff
#define OFF_OTP_USE_MAX		0xff

/* One token's identity. Holds the AES key: keep it in locked memory. */
struct off_otp_token {
	char	public_id[OFF_OTP_PUBLIC_ID_MAX + 1];	/* modhex */
	uint8_t	private_id[OFF_OTP_PRIVATE_ID_LEN];
	uint8_t	aes_key[OFF_OTP_KEY_LEN];
};

/* Why an OTP was refused; the return code gives the class. */
enum off_otp_status {
	OFF_OTP_ACCEPTED,
	OFF_OTP_MALFORMED,	/* length out of range: OFF_ERR_FORMAT */
	OFF_OTP_BAD_MODHEX,	/* not modhex: OFF_ERR_FORMAT */
	OFF_OTP_UNKNOWN_ID,	/* public id unknown: OFF_ERR_NOT_FOUND */
	OFF_OTP_BAD_CRC,	/* wrong AES key or damaged: OFF_ERR_AUTH */
	OFF_OTP_WRONG_UID,	/* key of another token: OFF_ERR_AUTH */
	OFF_OTP_REPLAYED,	/* not newer than the last: OFF_ERR_AUTH */
	OFF_OTP_FAILED,		/* state file or system error */
};

/* Fill t from its text form: public id modhex of 2 to 32 characters
 * (even), private id 12 hex digits, AES key 32 hex digits. err names
 * the bad field, without a file. */
int	off_otp_token_set(struct off_otp_token *t, const char *public_id,
	    const char *private_id, const char *aes_key, struct off_err *err);
/* A random identity with a 12-character public id, for training. */
int	off_otp_token_random(struct off_otp_token *t, struct off_err *err);

/* The token with this public id, or NULL. */
typedef const struct off_otp_token *(*off_otp_lookup_fn)(void *arg,
	    const char *public_id);

/* Check otp and, when it is good and newer than the last OTP accepted
 * from its token, record its (counter, use) in state_path under an
 * exclusive lock on state_path.lock. Sets *token to the token (NULL on
 * failure) and, when status is not NULL, *status to the verdict. */
int	off_otp_verify(const char *otp, off_otp_lookup_fn lookup, void *arg,
	    const char *state_path, const struct off_otp_token **token,
	    enum off_otp_status *status, struct off_err *err);

/* The OTP the token would type for counter (0..0x7fff) and use
 * (0..0xff); the timestamp and random field are drawn at random. */
int	off_otp_generate(const struct off_otp_token *t, unsigned counter,
	    unsigned use, char out[OFF_OTP_MAX + 1], struct off_err *err);

#endif
