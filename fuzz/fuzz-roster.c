/* libFuzzer target: the roster, officiant-roster(5), read by
 * off_roster_load (the file is private, mode 0600, as it must be);
 * what loads is queried as the engine does, and asked to authenticate
 * the OTP of the manual's example against a fresh replay state. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "fuzzlib.h"
#include "json.h"
#include "otp.h"
#include "roster.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* officiant-roster(5): Alice's YubiKey (dteffuje), counter 19, use 17. */
#define KAT_OTP	"dteffujehknhfjbrjnlnldnhcujvddbikngjrtgh"

static const char	*path, *state;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	off_json_init();
	path = fuzz_path("roster.conf");
	state = fuzz_path("otp-state.json");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct off_roster		*r = NULL;
	const struct off_officer	*o, *who;
	enum off_otp_status		 st;
	struct off_err			 err;
	char				 otp[OFF_OTP_MAX + 1];
	size_t				 i, n;
	int				 ret;

	if (size > 256 * 1024 + 1)
		return 0;
	fuzz_write(path, data, size, 0600);
	off_err_clear(&err);
	if (off_roster_load(path, &r, &err) != 0) {
		if (r != NULL)
			abort();
		return 0;
	}
	if ((n = off_roster_count(r)) == 0 || n > OFF_ROSTER_MAX)
		abort();
	for (i = 0; i < n; i++) {
		o = off_roster_officer(r, i);
		if (o == NULL || off_roster_find(r, off_officer_id(o)) != o ||
		    strlen(off_officer_name(o)) == 0)
			abort();
		(void)off_officer_has_role(o, "admin");
		(void)off_officer_has_role(o, "*");
		(void)off_officer_yubikey(o);
		/* Only simulated officers have OTPs made for them. */
		if (off_officer_otp(o, 1, 0, otp, NULL) == 0)
			abort();
	}
	if (off_roster_officer(r, n) != NULL)
		abort();
	(void)unlink(state);
	off_err_clear(&err);
	ret = off_roster_authenticate(r, KAT_OTP, state, &who, &st, &err);
	if ((ret == 0) != (who != NULL) || (ret == 0) !=
	    (st == OFF_OTP_ACCEPTED))
		abort();
	off_roster_free(&r);
	return 0;
}
