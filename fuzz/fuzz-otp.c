/* libFuzzer target: YubiKey OTPs and their replay state, checked by
 * off_roster_authenticate (off_otp_verify) against the example roster
 * of officiant-roster(5). The input is the OTP, then optionally a
 * newline and the replay state file's contents (no newline: no state
 * file yet). An OTP accepted once must be refused as replayed. */
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

/* The manual's example; the keys are published test values. */
static const char roster_text[] =
    "officers = (\n"
    "  { id = \"alice\"; name = \"Alice Example\";\n"
    "    roles = [ \"admin\", \"custodian\" ];\n"
    "    yubikey = { public_id = \"dteffuje\";\n"
    "                private_id = \"8792ebfe26cc\";\n"
    "                aes_key = \"ecde18dbe76fbd0c33330f1c354871db\"; }; },\n"
    "  { id = \"bob\"; name = \"Bob Example\"; roles = [ \"custodian\" ];\n"
    "    yubikey = { public_id = \"vvccccfhcbln\";\n"
    "                private_id = \"2f5d71a4915d\";\n"
    "                aes_key = \"2ba3c1e2bf0a65d2f04d8ee1f6d7a5c7\"; }; },\n"
    "  { id = \"carol\"; name = \"Carol Example\"; roles = [ \"witness\" ]; }\n"
    ");\n";

static struct off_roster	*roster;
static const char		*state;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*path;

	(void)argc;
	(void)argv;
	off_json_init();
	path = fuzz_path("roster.conf");
	state = fuzz_path("otp-state.json");
	fuzz_write(path, (const uint8_t *)roster_text, sizeof(roster_text) - 1,
	    0600);
	if (off_roster_load(path, &roster, NULL) != 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct off_officer	*who;
	const uint8_t			*nl;
	enum off_otp_status		 st;
	struct off_err			 err;
	char				*otp;
	int				 ret;

	if (size > 1024 * 1024 + 256)
		return 0;
	if ((nl = memchr(data, '\n', size)) != NULL) {
		otp = fuzz_string(data, (size_t)(nl - data));
		fuzz_write(state, nl + 1, size - (size_t)(nl - data) - 1, 0600);
	} else {
		otp = fuzz_string(data, size);
		(void)unlink(state);
	}
	off_err_clear(&err);
	ret = off_roster_authenticate(roster, otp, state, &who, &st, &err);
	if ((ret == 0) != (who != NULL) || (ret == 0) !=
	    (st == OFF_OTP_ACCEPTED))
		abort();
	if (ret == 0) {
		off_err_clear(&err);
		if (off_roster_authenticate(roster, otp, state, &who, &st,
		    &err) != OFF_ERR_AUTH || st != OFF_OTP_REPLAYED ||
		    who != NULL)
			abort();
	}
	free(otp);
	return 0;
}
