/* YubiKey OTPs and the roster: the known answer of FORMATS.md, every
 * refusal with its own status (malformed, bad modhex, unknown public
 * id, bad CRC, wrong private id, replay in all its orders), the replay
 * state kept across reloads, written atomically, shared safely between
 * processes and never reset when damaged; the roster's schema errors
 * with their lines, its file permissions, the training roster, and
 * OTPs made by ykgenerate(1) when it is installed. */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <yubikey.h>

#include "error.h"
#include "otp.h"
#include "platform.h"
#include "roster.h"
#include "testlib.h"

/* FORMATS.md section 2 (yubico-c test vector). */
#define KAT_OTP		"dteffujehknhfjbrjnlnldnhcujvddbikngjrtgh"
#define KAT_PUB		"dteffuje"
#define KAT_KEY		"ecde18dbe76fbd0c33330f1c354871db"
#define KAT_UID		"8792ebfe26cc"

#define ROSTER_KAT \
	"officers = (\n" \
	"  { id = \"alice\"; name = \"Alice Example\";\n" \
	"    roles = [ \"admin\", \"custodian\" ];\n" \
	"    yubikey = { public_id = \"" KAT_PUB "\";\n" \
	"      private_id = \"" KAT_UID "\";\n" \
	"      aes_key = \"" KAT_KEY "\"; }; },\n" \
	"  { id = \"bob\"; name = \"Bob Example\"; roles = [ \"auditor\" ];\n" \
	"    yubikey = { public_id = \"vvccccfhcbln\";\n" \
	"      private_id = \"000000000000\";\n" \
	"      aes_key = \"" KAT_KEY "\"; }; },\n" \
	"  { id = \"carol\"; name = \"Carol\"; roles = [ \"witness\" ]; }\n" \
	");\n"

struct fx {
	char			*dir;
	char			 roster[PATH_MAX];
	char			 state[PATH_MAX];
	struct off_roster	*r;
};

static int
setup(void **state)
{
	struct fx	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	f->dir = test_tmpdir();
	snprintf(f->roster, sizeof(f->roster), "%s/roster.conf", f->dir);
	snprintf(f->state, sizeof(f->state), "%s/otp-state.json", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;

	off_roster_free(&f->r);
	test_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void
write_mode(const char *path, const char *text, mode_t mode)
{
	int	fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

static void
load_kat(struct fx *f)
{
	struct off_err	err;

	write_mode(f->roster, ROSTER_KAT, 0600);
	off_err_clear(&err);
	assert_int_equal(off_roster_load(f->roster, &f->r, &err), 0);
}

/* Authenticate and return the status; *who gets the officer's id. */
static int
auth(struct fx *f, const char *otp, enum off_otp_status *st,
    const char **who, struct off_err *err)
{
	const struct off_officer	*o = NULL;
	int				 ret;

	off_err_clear(err);
	ret = off_roster_authenticate(f->r, otp, f->state, &o, st, err);
	if (who != NULL)
		*who = o != NULL ? off_officer_id(o) : NULL;
	if (ret == 0)
		assert_non_null(o);
	else
		assert_null(o);
	return ret;
}

static void
expect(struct fx *f, const char *otp, int code, enum off_otp_status want)
{
	struct off_err		err;
	enum off_otp_status	st;

	assert_int_equal(auth(f, otp, &st, NULL, &err), code);
	assert_int_equal(st, want);
	if (code != 0)
		assert_true(err.detail[0] != '\0');
}

static void
kat_token(struct off_otp_token *t)
{
	assert_int_equal(off_otp_token_set(t, KAT_PUB, KAT_UID, KAT_KEY,
	    NULL), 0);
}

static void
make(const struct off_otp_token *t, unsigned counter, unsigned use,
    char out[OFF_OTP_MAX + 1])
{
	assert_int_equal(off_otp_generate(t, counter, use, out, NULL), 0);
}

/* (counter, use) stored for pub, or -1 when absent. */
static void
stored(const struct fx *f, const char *pub, long long *counter,
    long long *use)
{
	json_t		*root, *e;
	json_error_t	 jerr;

	root = json_load_file(f->state, JSON_REJECT_DUPLICATES, &jerr);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root,
	    "format")), "officiant-otp-state");
	assert_int_equal(json_integer_value(json_object_get(root, "version")),
	    1);
	e = json_object_get(json_object_get(root, "tokens"), pub);
	*counter = e != NULL ? json_integer_value(json_object_get(e,
	    "counter")) : -1;
	*use = e != NULL ? json_integer_value(json_object_get(e, "use")) : -1;
	json_decref(root);
}

static void
test_kat_parse(void **state)
{
	yubikey_token_st	tok;
	uint8_t			key[16];
	unsigned		i;

	(void)state;
	for (i = 0; i < 16; i++)
		assert_int_equal(sscanf(KAT_KEY + 2 * i, "%2hhx", &key[i]), 1);
	assert_true(yubikey_modhex_p(KAT_OTP));
	yubikey_parse((const uint8_t *)KAT_OTP + 8, key, &tok);
	assert_memory_equal(tok.uid, "\x87\x92\xeb\xfe\x26\xcc", 6);
	assert_int_equal(yubikey_counter(tok.ctr), 19);
	assert_int_equal(tok.use, 17);
	assert_int_equal(tok.tstpl, 0xc230);
	assert_int_equal(tok.tstph, 0);
	assert_int_equal(tok.rnd, 0x9fc8);
	assert_int_equal(tok.crc, 0xc823);
	assert_true(yubikey_crc_ok_p((uint8_t *)&tok));
}

static void
test_kat_accept(void **state)
{
	struct fx		*f = *state;
	struct off_err		 err;
	enum off_otp_status	 st;
	const char		*who;
	long long		 c, u;
	struct stat		 sb;

	load_kat(f);
	assert_int_equal(auth(f, KAT_OTP, &st, &who, &err), 0);
	assert_int_equal(st, OFF_OTP_ACCEPTED);
	assert_string_equal(who, "alice");
	stored(f, KAT_PUB, &c, &u);
	assert_int_equal(c, 19);
	assert_int_equal(u, 17);
	assert_int_equal(stat(f->state, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
}

static void
test_replay(void **state)
{
	struct fx		*f = *state;
	struct off_otp_token	 t;
	struct off_err		 err;
	enum off_otp_status	 st;
	char			 otp[OFF_OTP_MAX + 1];
	long long		 c, u;

	load_kat(f);
	kat_token(&t);
	expect(f, KAT_OTP, 0, OFF_OTP_ACCEPTED);
	/* The same OTP again, with the stored and given pairs told. */
	assert_int_equal(auth(f, KAT_OTP, &st, NULL, &err), OFF_ERR_AUTH);
	assert_int_equal(st, OFF_OTP_REPLAYED);
	assert_non_null(strstr(err.detail, "counter 19, use 17"));
	/* A lower counter, even with a higher use. */
	make(&t, 18, 200, otp);
	assert_int_equal(auth(f, otp, &st, NULL, &err), OFF_ERR_AUTH);
	assert_int_equal(st, OFF_OTP_REPLAYED);
	assert_non_null(strstr(err.detail, "counter 18, use 200"));
	assert_non_null(strstr(err.detail, "counter 19, use 17"));
	/* The same counter: a lower use, the same use. */
	make(&t, 19, 16, otp);
	expect(f, otp, OFF_ERR_AUTH, OFF_OTP_REPLAYED);
	make(&t, 19, 17, otp);
	expect(f, otp, OFF_ERR_AUTH, OFF_OTP_REPLAYED);
	stored(f, KAT_PUB, &c, &u);
	assert_int_equal(c, 19);
	assert_int_equal(u, 17);
	/* A higher use, then a higher counter with use 0. */
	make(&t, 19, 18, otp);
	expect(f, otp, 0, OFF_OTP_ACCEPTED);
	expect(f, otp, OFF_ERR_AUTH, OFF_OTP_REPLAYED);
	make(&t, 20, 0, otp);
	expect(f, otp, 0, OFF_OTP_ACCEPTED);
	stored(f, KAT_PUB, &c, &u);
	assert_int_equal(c, 20);
	assert_int_equal(u, 0);
	/* The caps-lock bit is not part of the counter. */
	make(&t, OFF_OTP_COUNTER_MAX, OFF_OTP_USE_MAX, otp);
	expect(f, otp, 0, OFF_OTP_ACCEPTED);
	assert_int_not_equal(off_otp_generate(&t, OFF_OTP_COUNTER_MAX + 1, 0,
	    otp, NULL), 0);
	assert_int_not_equal(off_otp_generate(&t, 0, OFF_OTP_USE_MAX + 1,
	    otp, NULL), 0);
	/* Tokens are tracked apart: bob's first OTP is fresh. */
	stored(f, "vvccccfhcbln", &c, &u);
	assert_int_equal(c, -1);
}

static void
test_wrong_uid(void **state)
{
	struct fx		*f = *state;
	struct off_err		 err;
	enum off_otp_status	 st;
	char			 otp[OFF_OTP_MAX + 1];

	load_kat(f);
	/* Bob's entry has alice's key but another private id. */
	snprintf(otp, sizeof(otp), "vvccccfhcbln%s", KAT_OTP + 8);
	assert_int_equal(auth(f, otp, &st, NULL, &err), OFF_ERR_AUTH);
	assert_int_equal(st, OFF_OTP_WRONG_UID);
	assert_non_null(strstr(err.detail, "vvccccfhcbln"));
	assert_null(strstr(err.detail, KAT_UID));
	assert_int_equal(access(f->state, F_OK), -1);
}

static void
test_bad_crc(void **state)
{
	struct fx		*f = *state;
	struct off_err		 err;
	enum off_otp_status	 st;
	char			 otp[OFF_OTP_MAX + 1];
	size_t			 i;

	load_kat(f);
	/* Every position of the ciphertext, changed to another modhex
	 * character. */
	for (i = 8; i < strlen(KAT_OTP); i++) {
		snprintf(otp, sizeof(otp), "%s", KAT_OTP);
		otp[i] = otp[i] == 'c' ? 'b' : 'c';
		assert_int_equal(auth(f, otp, &st, NULL, &err), OFF_ERR_AUTH);
		assert_int_equal(st, OFF_OTP_BAD_CRC);
	}
	assert_int_equal(access(f->state, F_OK), -1);
	expect(f, KAT_OTP, 0, OFF_OTP_ACCEPTED);
}

static void
test_wrong_key(void **state)
{
	struct fx		*f = *state;
	struct off_otp_token	 t;
	char			 otp[OFF_OTP_MAX + 1];

	load_kat(f);
	/* Alice's identity under another AES key. */
	assert_int_equal(off_otp_token_set(&t, KAT_PUB, KAT_UID,
	    "00112233445566778899aabbccddeeff", NULL), 0);
	make(&t, 1, 0, otp);
	expect(f, otp, OFF_ERR_AUTH, OFF_OTP_BAD_CRC);
}

static void
test_bad_modhex(void **state)
{
	struct fx	*f = *state;
	char		 otp[OFF_OTP_MAX + 1];
	size_t		 i;
	const char	*bad = "aAzZ0 9-\xc3";

	load_kat(f);
	for (i = 0; bad[i] != '\0'; i++) {
		snprintf(otp, sizeof(otp), "%s", KAT_OTP);
		otp[i * 3] = bad[i];
		expect(f, otp, OFF_ERR_FORMAT, OFF_OTP_BAD_MODHEX);
	}
	/* Caps lock: upper case is not modhex. */
	snprintf(otp, sizeof(otp), "%s", KAT_OTP);
	for (i = 0; otp[i] != '\0'; i++)
		otp[i] = (char)(otp[i] - 'a' + 'A');
	expect(f, otp, OFF_ERR_FORMAT, OFF_OTP_BAD_MODHEX);
	assert_int_equal(access(f->state, F_OK), -1);
}

static void
test_unknown_id(void **state)
{
	struct fx	*f = *state;
	char		 otp[OFF_OTP_MAX + 1];
	struct off_err	 err;

	load_kat(f);
	snprintf(otp, sizeof(otp), "cccccccccccc%s", KAT_OTP + 8);
	expect(f, otp, OFF_ERR_NOT_FOUND, OFF_OTP_UNKNOWN_ID);
	/* A prefix of a known public id is another public id. */
	snprintf(otp, sizeof(otp), "dteffu%s", KAT_OTP + 8);
	expect(f, otp, OFF_ERR_NOT_FOUND, OFF_OTP_UNKNOWN_ID);
	snprintf(otp, sizeof(otp), "%.7s%s", KAT_OTP, KAT_OTP + 8);
	assert_int_equal(auth(f, otp, NULL, NULL, &err), OFF_ERR_NOT_FOUND);
	assert_non_null(strstr(err.detail, "dteffuj"));
}

static void
test_length(void **state)
{
	struct fx		*f = *state;
	struct off_otp_token	 t;
	char			 otp[128];
	const char		*who;
	struct off_err		 err;
	enum off_otp_status	 st;
	static const char	 pub32[] = "cbdefghijklnrtuvcbdefghijklnrtuv";

	load_kat(f);
	expect(f, "", OFF_ERR_FORMAT, OFF_OTP_MALFORMED);
	/* 33: one character of public id. */
	snprintf(otp, sizeof(otp), "d%s", KAT_OTP + 8);
	assert_int_equal(strlen(otp), 33);
	expect(f, otp, OFF_ERR_FORMAT, OFF_OTP_MALFORMED);
	/* 32: the ciphertext alone. */
	expect(f, KAT_OTP + 8, OFF_ERR_FORMAT, OFF_OTP_MALFORMED);
	/* 65 and a long line. */
	snprintf(otp, sizeof(otp), "%s%s", pub32, KAT_OTP + 7);
	assert_int_equal(strlen(otp), 65);
	expect(f, otp, OFF_ERR_FORMAT, OFF_OTP_MALFORMED);
	memset(otp, 'c', sizeof(otp) - 1);
	otp[sizeof(otp) - 1] = '\0';
	expect(f, otp, OFF_ERR_FORMAT, OFF_OTP_MALFORMED);
	/* A trailing newline is the caller's to strip. */
	snprintf(otp, sizeof(otp), "%s\n", KAT_OTP);
	expect(f, otp, OFF_ERR_FORMAT, OFF_OTP_BAD_MODHEX);

	/* 64 and 34 are fine: public ids of 32 and 2 characters. */
	off_roster_free(&f->r);
	write_mode(f->roster,
	    "officers = (\n"
	    "  { id = \"long\"; name = \"Long\"; roles = [ \"a\" ];\n"
	    "    yubikey = {\n"
	    "      public_id = \"cbdefghijklnrtuvcbdefghijklnrtuv\";\n"
	    "      private_id = \"" KAT_UID "\"; aes_key = \"" KAT_KEY
	    "\"; }; },\n"
	    "  { id = \"short\"; name = \"Short\"; roles = [ \"a\" ];\n"
	    "    yubikey = { public_id = \"vv\";\n"
	    "      private_id = \"" KAT_UID "\"; aes_key = \"" KAT_KEY
	    "\"; }; }\n"
	    ");\n", 0600);
	assert_int_equal(off_roster_load(f->roster, &f->r, NULL), 0);
	assert_int_equal(off_otp_token_set(&t, pub32, KAT_UID, KAT_KEY, NULL),
	    0);
	make(&t, 1, 0, otp);
	assert_int_equal(strlen(otp), 64);
	assert_int_equal(auth(f, otp, &st, &who, &err), 0);
	assert_string_equal(who, "long");
	assert_int_equal(off_otp_token_set(&t, "vv", KAT_UID, KAT_KEY, NULL),
	    0);
	make(&t, 1, 0, otp);
	assert_int_equal(strlen(otp), 34);
	assert_int_equal(auth(f, otp, &st, &who, &err), 0);
	assert_string_equal(who, "short");
}

static void
test_state_persists(void **state)
{
	struct fx		*f = *state;
	struct off_otp_token	 t;
	char			 otp[OFF_OTP_MAX + 1];
	struct stat		 sb;

	load_kat(f);
	kat_token(&t);
	expect(f, KAT_OTP, 0, OFF_OTP_ACCEPTED);
	/* Another run of the program: a new roster, the same state. */
	off_roster_free(&f->r);
	assert_null(f->r);
	load_kat(f);
	expect(f, KAT_OTP, OFF_ERR_AUTH, OFF_OTP_REPLAYED);
	make(&t, 19, 20, otp);
	expect(f, otp, 0, OFF_OTP_ACCEPTED);
	off_roster_free(&f->r);
	load_kat(f);
	expect(f, otp, OFF_ERR_AUTH, OFF_OTP_REPLAYED);
	/* Roster, state, lock: no temporary file left behind. */
	assert_int_equal(test_count_files(f->dir, ""), 3);
	assert_int_equal(test_count_files(f->dir, ".lock"), 1);
	assert_int_equal(stat(f->state, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(stat(f->dir, &sb), 0);
}

static void
test_state_concurrent(void **state)
{
	struct fx		*f = *state;
	struct off_otp_token	 t;
	char			 otp[OFF_OTP_MAX + 1], c;
	pid_t			 pids[8];
	int			 i, ws, go[2], accepted = 0, replayed = 0;

	load_kat(f);
	kat_token(&t);
	make(&t, 5, 0, otp);
	assert_int_equal(pipe(go), 0);
	/* Eight processes race with the same OTP: exactly one wins. Each
	 * loads the roster itself (locked memory is wiped on fork) and
	 * waits for the pipe to close to start together. */
	for (i = 0; i < 8; i++) {
		if ((pids[i] = fork()) == 0) {
			struct off_roster		*r = NULL;
			const struct off_officer	*o;
			enum off_otp_status		 st;
			int				 ret;

			close(go[1]);
			if (off_roster_load(f->roster, &r, NULL) != 0 ||
			    read(go[0], &c, 1) != 0)
				_exit(3);
			ret = off_roster_authenticate(r, otp, f->state, &o,
			    &st, NULL);
			off_roster_free(&r);
			_exit(ret == 0 ? 0 : st == OFF_OTP_REPLAYED ? 1 : 2);
		}
		assert_true(pids[i] > 0);
	}
	close(go[0]);
	close(go[1]);
	for (i = 0; i < 8; i++) {
		assert_int_equal(waitpid(pids[i], &ws, 0), pids[i]);
		assert_true(WIFEXITED(ws));
		if (WEXITSTATUS(ws) == 0)
			accepted++;
		else if (WEXITSTATUS(ws) == 1)
			replayed++;
	}
	assert_int_equal(accepted, 1);
	assert_int_equal(replayed, 7);
	assert_int_equal(test_count_files(f->dir, ""), 3);
	expect(f, otp, OFF_ERR_AUTH, OFF_OTP_REPLAYED);
}

static void
test_state_damaged(void **state)
{
	struct fx		*f = *state;
	struct off_err		 err;
	enum off_otp_status	 st;
	struct stat		 sb;
	size_t			 i;
	static const char *const bad[] = {
		"",
		"not json",
		"[]",
		"{\"format\":\"officiant-card\",\"version\":1,\"tokens\":{}}",
		"{\"format\":\"officiant-otp-state\",\"version\":2,"
		    "\"tokens\":{}}",
		"{\"format\":\"officiant-otp-state\",\"version\":1}",
		"{\"format\":\"officiant-otp-state\",\"version\":1,"
		    "\"tokens\":{},\"extra\":1}",
		"{\"format\":\"officiant-otp-state\",\"version\":1,"
		    "\"tokens\":[]}",
		"{\"format\":\"officiant-otp-state\",\"version\":1,"
		    "\"tokens\":{\"dteffuje\":{\"counter\":1}}}",
		"{\"format\":\"officiant-otp-state\",\"version\":1,"
		    "\"tokens\":{\"dteffuje\":{\"counter\":32768,\"use\":0}}}",
		"{\"format\":\"officiant-otp-state\",\"version\":1,"
		    "\"tokens\":{\"dteffuje\":{\"counter\":1,\"use\":256}}}",
		"{\"format\":\"officiant-otp-state\",\"version\":1,"
		    "\"tokens\":{\"dteffuje\":{\"counter\":-1,\"use\":0}}}",
		"{\"format\":\"officiant-otp-state\",\"version\":1,"
		    "\"tokens\":{\"dteffuje\":{\"counter\":\"1\",\"use\":0}}}",
		"{\"format\":\"officiant-otp-state\",\"version\":1,"
		    "\"tokens\":{\"dteffuje\":{\"counter\":1,\"use\":0,"
		    "\"x\":0}}}",
		"{\"format\":\"officiant-otp-state\",\"version\":1,"
		    "\"tokens\":{\"DTEFFUJE\":{\"counter\":1,\"use\":0}}}",
		"{\"format\":\"officiant-otp-state\",\"version\":1,"
		    "\"tokens\":{\"dteffuj\":{\"counter\":1,\"use\":0}}}",
		"{\"format\":\"officiant-otp-state\",\"version\":1,"
		    "\"tokens\":{\"dteffuje\":7}}",
		"{\"format\":\"officiant-otp-state\",\"version\":1,"
		    "\"tokens\":{\"dteffuje\":{\"counter\":1,\"use\":0},"
		    "\"dteffuje\":{\"counter\":1,\"use\":0}}}",
	};

	load_kat(f);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_mode(f->state, bad[i], 0600);
		assert_int_equal(stat(f->state, &sb), 0);
		assert_int_not_equal(auth(f, KAT_OTP, &st, NULL, &err), 0);
		assert_int_equal(st, OFF_OTP_FAILED);
		assert_true(err.code == OFF_ERR_FORMAT ||
		    err.code == OFF_ERR_VERSION);
		assert_string_equal(err.file, f->state);
		assert_non_null(strstr(err.detail, "damaged OTP state"));
		/* Never reset: the file is as it was. */
		assert_int_equal(stat(f->state, &sb), 0);
		assert_int_equal(sb.st_size, (off_t)strlen(bad[i]));
	}
	/* A good state file with a token is read and kept. */
	write_mode(f->state, "{\"format\":\"officiant-otp-state\","
	    "\"version\":1,\"tokens\":{\"vvccccfhcbln\":{\"counter\":3,"
	    "\"use\":1},\"dteffuje\":{\"counter\":19,\"use\":16}}}", 0600);
	expect(f, KAT_OTP, 0, OFF_OTP_ACCEPTED);
	{
		long long	c, u;

		stored(f, "vvccccfhcbln", &c, &u);
		assert_int_equal(c, 3);
		assert_int_equal(u, 1);
	}
	/* A state file that is a symbolic link is not followed. */
	unlink(f->state);
	assert_int_equal(symlink(f->roster, f->state), 0);
	assert_int_not_equal(auth(f, KAT_OTP, &st, NULL, &err), 0);
	assert_int_equal(st, OFF_OTP_FAILED);
	assert_string_equal(err.file, f->state);
}

/* Each roster text, and the start of the message it must give. */
static const struct {
	const char	*text;
	const char	*detail;
} bad_rosters[] = {
	{ "", "\"officers\" is missing" },
	{ "officers = ( );\n", "line 1: the roster lists no officers" },
	{ "officers = (\n  { id = \"a\"; name = \"A\"; roles = [ \"x\" ];\n"
	    "    colour = \"red\"; }\n);\n",
	    "line 3: unknown setting \"colour\"" },
	{ "officers = ( { id = \"a\"; name = \"A\"; roles = [ \"x\" ]; } );\n"
	    "extra = 1;\n", "line 2: unknown setting \"extra\"" },
	{ "officers = (\n  { id = \"a\"; name = \"A\"; roles = [ \"x\" ];\n"
	    "    yubikey = { public_id = \"vvccccfhcbln\";\n"
	    "      private_id = \"" KAT_UID "\"; aes_key = \"" KAT_KEY "\";\n"
	    "      serial = 12; }; }\n);\n",
	    "line 5: unknown setting \"serial\"" },
	{ "officers = (\n  { id = \"a\"; roles = [ \"x\" ]; }\n);\n",
	    "line 2: \"name\" is missing" },
	{ "officers = (\n  { id = \"a\"; name = \"A\"; roles = \"x\"; }\n);\n",
	    "line 2: \"roles\" must be" },
	{ "officers = (\n  { id = \"a\"; name = \"A\"; roles = [ \"x\" ];\n"
	    "    yubikey = { public_id = \"vvccccfhcbln\"; }; }\n);\n",
	    "line 3: \"private_id\" is missing" },
	{ "officers = (\n"
	    "  { id = \"alice\"; name = \"A\"; roles = [ \"x\" ]; },\n"
	    "  { id = \"bob\"; name = \"B\"; roles = [ \"x\" ]; },\n"
	    "  { id = \"alice\"; name = \"C\"; roles = [ \"x\" ]; }\n);\n",
	    "line 4: officer id \"alice\" is given twice (first on line 2)" },
	{ "officers = (\n"
	    "  { id = \"Alice\"; name = \"A\"; roles = [ \"x\" ]; }\n"
	    ");\n", "line 2: an officer id is" },
	{ "officers = (\n  { id = \"\"; name = \"A\"; roles = [ \"x\" ]; }\n"
	    ");\n", "line 2: an officer id is" },
	{ "officers = (\n  { id = \"abcdefghijabcdefghijabcdefghijabc\";\n"
	    "    name = \"A\"; roles = [ \"x\" ]; }\n);\n",
	    "line 2: an officer id is" },
	{ "officers = (\n"
	    "  { id = \"a\"; name = \"\"; roles = [ \"x\" ]; }\n);\n",
	    "line 2: officer \"a\": the name must be" },
	{ "officers = (\n"
	    "  { id = \"a\"; name = \"A\\tB\"; roles = [ \"x\" ]; }\n"
	    ");\n", "line 2: officer \"a\": the name must be" },
	{ "officers = (\n"
	    "  { id = \"a\"; name = \"A\\x1b[2J\"; roles = [ \"x\" ]; "
	    "}\n);\n", "line 2: officer \"a\": the name must be" },
	{ "officers = (\n  { id = \"a\"; name = \"\xe2\x80\xae" "evil\";\n"
	    "    roles = [ \"x\" ]; }\n);\n",
	    "line 2: officer \"a\": the name must be" },
	{ "officers = (\n  { id = \"a\"; name = \"\xc3\";\n"
	    "    roles = [ \"x\" ]; }\n);\n",
	    "line 2: officer \"a\": the name must be" },
	{ "officers = (\n  { id = \"a\"; name = \"\xc0\xaf\";\n"
	    "    roles = [ \"x\" ]; }\n);\n",
	    "line 2: officer \"a\": the name must be" },
	{ "officers = (\n  { id = \"a\"; roles = [ \"x\" ];\n    name = \""
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "45678901234567890123456789012345678901234567890123456789012345678"
	    "\"; }\n);\n", "line 3: officer \"a\": the name must be" },
	{ "officers = (\n"
	    "  { id = \"a\"; name = \"A\";\n    roles = [ ]; }\n);\n",
	    "line 3: officer \"a\": \"roles\" must hold 1 to 32 role names" },
	{ "officers = (\n  { id = \"a\"; name = \"A\";\n"
	    "    roles = [ \"admin\", \"Custodian\" ]; }\n);\n",
	    "line 3: officer \"a\": role 2 is not" },
	{ "officers = (\n  { id = \"a\"; name = \"A\";\n"
	    "    roles = [ \"*\" ]; }\n);\n",
	    "line 3: officer \"a\": role 1 is not" },
	{ "officers = (\n  { id = \"a\"; name = \"A\";\n"
	    "    roles = [ \"admin\", \"\" ]; }\n);\n",
	    "line 3: officer \"a\": role 2 is not" },
	{ "officers = (\n  { id = \"a\"; name = \"A\";\n"
	    "    roles = [ \"admin\", \"admin\" ]; }\n);\n",
	    "line 3: officer \"a\": role \"admin\" is given twice" },
	{ "officers = (\n  { id = \"a\"; name = \"A\"; roles = [ \"x\" ];\n"
	    "    yubikey = { public_id = \"vvccccfhcbln\";\n"
	    "      private_id = \"8792ebfe26c\"; aes_key = \"" KAT_KEY "\"; };"
	    " }\n);\n", "line 3: officer \"a\": private_id must be" },
	{ "officers = (\n  { id = \"a\"; name = \"A\"; roles = [ \"x\" ];\n"
	    "    yubikey = { public_id = \"vvccccfhcbln\";\n"
	    "      private_id = \"8792ebfe26cg\"; aes_key = \"" KAT_KEY "\"; };"
	    " }\n);\n", "line 3: officer \"a\": private_id must be" },
	{ "officers = (\n  { id = \"a\"; name = \"A\"; roles = [ \"x\" ];\n"
	    "    yubikey = { public_id = \"vvccccfhcbln\";\n"
	    "      private_id = \"" KAT_UID "\";\n"
	    "      aes_key = \"ecde18dbe76fbd0c33330f1c354871d\"; }; }\n);\n",
	    "line 3: officer \"a\": aes_key must be" },
	{ "officers = (\n  { id = \"a\"; name = \"A\"; roles = [ \"x\" ];\n"
	    "    yubikey = { public_id = \"vvccccfhcbln\";\n"
	    "      private_id = \"" KAT_UID "\";\n"
	    "      aes_key = \"ecde18dbe76fbd0c33330f1c354871dx\"; }; }\n);\n",
	    "line 3: officer \"a\": aes_key must be" },
	{ "officers = (\n  { id = \"a\"; name = \"A\"; roles = [ \"x\" ];\n"
	    "    yubikey = { public_id = \"vvccccfhcbl\";\n"
	    "      private_id = \"" KAT_UID "\"; aes_key = \"" KAT_KEY "\"; };"
	    " }\n);\n", "line 3: officer \"a\": public_id must be" },
	{ "officers = (\n  { id = \"a\"; name = \"A\"; roles = [ \"x\" ];\n"
	    "    yubikey = { public_id = \"vvccccfhcbla\";\n"
	    "      private_id = \"" KAT_UID "\"; aes_key = \"" KAT_KEY "\"; };"
	    " }\n);\n", "line 3: officer \"a\": public_id must be" },
	{ "officers = (\n  { id = \"a\"; name = \"A\"; roles = [ \"x\" ];\n"
	    "    yubikey = { public_id = \"VVCCCCFHCBLN\";\n"
	    "      private_id = \"" KAT_UID "\"; aes_key = \"" KAT_KEY "\"; };"
	    " }\n);\n", "line 3: officer \"a\": public_id must be" },
	{ "officers = (\n  { id = \"a\"; name = \"A\"; roles = [ \"x\" ];\n"
	    "    yubikey = { public_id = "
	    "\"cbdefghijklnrtuvcbdefghijklnrtuvcc\";\n"
	    "      private_id = \"" KAT_UID "\"; aes_key = \"" KAT_KEY "\"; };"
	    " }\n);\n", "line 3: officer \"a\": public_id must be" },
	{ "officers = (\n  { id = \"a\"; name = \"A\"; roles = [ \"x\" ];\n"
	    "    yubikey = { public_id = \"vvccccfhcbln\";\n"
	    "      private_id = \"" KAT_UID "\";\n"
	    "      aes_key = \"" KAT_KEY "\"; }; },\n"
	    "  { id = \"b\"; name = \"B\"; roles = [ \"x\" ];\n"
	    "    yubikey = { public_id = \"vvccccfhcbln\";\n"
	    "      private_id = \"" KAT_UID "\";\n"
	    "      aes_key = \"" KAT_KEY "\"; }; }\n"
	    ");\n", "line 7: officer \"b\": YubiKey vvccccfhcbln is also "
	    "officer \"a\"'s (line 2)" },
	{ "officers = (\n  { id = \"a\"; name = ; roles = [ \"x\" ]; }\n);\n",
	    "line 2: syntax error" },
	{ "@include \"/etc/passwd\"\n", "line 1: @include is not allowed" },
};

static void
test_roster_errors(void **state)
{
	struct fx	*f = *state;
	struct off_err	 err;
	size_t		 i;

	for (i = 0; i < sizeof(bad_rosters) / sizeof(bad_rosters[0]); i++) {
		write_mode(f->roster, bad_rosters[i].text, 0600);
		off_err_clear(&err);
		if (off_roster_load(f->roster, &f->r, &err) != OFF_ERR_FORMAT)
			fail_msg("roster %zu: got %d (%s), want a format error",
			    i, err.code, err.detail);
		assert_null(f->r);
		assert_string_equal(err.file, f->roster);
		if (strncmp(err.detail, bad_rosters[i].detail,
		    strlen(bad_rosters[i].detail)) != 0)
			fail_msg("roster %zu: got \"%s\", want \"%s...\"", i,
			    err.detail, bad_rosters[i].detail);
		/* No secret in a message. */
		assert_null(strstr(err.detail, KAT_KEY));
	}
}

static void
test_roster_good(void **state)
{
	struct fx			*f = *state;
	const struct off_officer	*o;
	char				 otp[OFF_OTP_MAX + 1];
	struct off_err			 err;

	load_kat(f);
	assert_int_equal(off_roster_count(f->r), 3);
	assert_string_equal(off_officer_id(off_roster_officer(f->r, 0)),
	    "alice");
	assert_string_equal(off_officer_id(off_roster_officer(f->r, 2)),
	    "carol");
	assert_null(off_roster_officer(f->r, 3));
	assert_non_null(o = off_roster_find(f->r, "alice"));
	assert_string_equal(off_officer_name(o), "Alice Example");
	assert_true(off_officer_has_role(o, "admin"));
	assert_true(off_officer_has_role(o, "custodian"));
	assert_false(off_officer_has_role(o, "auditor"));
	assert_false(off_officer_has_role(o, "*"));
	assert_string_equal(off_officer_yubikey(o), KAT_PUB);
	assert_non_null(o = off_roster_find(f->r, "carol"));
	assert_null(off_officer_yubikey(o));
	assert_null(off_roster_find(f->r, "dave"));
	assert_null(off_roster_find(f->r, "alic"));
	/* A roster read from a file cannot mint OTPs. */
	off_err_clear(&err);
	assert_int_equal(off_officer_otp(off_roster_find(f->r, "alice"), 1, 0,
	    otp, &err), OFF_ERR_INVALID);
	assert_string_equal(otp, "");

	/* UTF-8 names, upper-case hex, and the biggest roster. */
	off_roster_free(&f->r);
	write_mode(f->roster, "# The officers\n"
	    "officers = (\n"
	    "  { id = \"jose-1\"; name = \"Jos\xc3\xa9 \xe6\x9d\x8e "
	    "\xf0\x9f\x94\x91\"; roles = [ \"admin\" ];\n"
	    "    yubikey = { public_id = \"vvccccfhcbln\";\n"
	    "      private_id = \"8792EBFE26CC\";\n"
	    "      aes_key = \"ECDE18DBE76FBD0C33330F1C354871DB\"; }; }\n"
	    ");\n", 0400);
	assert_int_equal(off_roster_load(f->roster, &f->r, NULL), 0);
	assert_string_equal(off_officer_name(off_roster_officer(f->r, 0)),
	    "Jos\xc3\xa9 \xe6\x9d\x8e \xf0\x9f\x94\x91");
}

static void
test_roster_too_many(void **state)
{
	struct fx	*f = *state;
	struct off_err	 err;
	char		*text, *p;
	size_t		 i, n = OFF_ROSTER_MAX + 1, cap = 64 * n + 64;

	assert_non_null(text = malloc(cap));
	p = text + sprintf(text, "officers = (\n");
	for (i = 0; i < n; i++)
		p += sprintf(p, "{ id = \"o%zu\"; name = \"O\"; roles = "
		    "[ \"x\" ]; }%s\n", i, i + 1 < n ? "," : "");
	sprintf(p, ");\n");
	write_mode(f->roster, text, 0600);
	off_err_clear(&err);
	assert_int_equal(off_roster_load(f->roster, &f->r, &err),
	    OFF_ERR_TOO_LARGE);
	assert_non_null(strstr(err.detail, "more than 256 officers"));
	/* The last officer too many gone, the roster loads. */
	p = strrchr(text, '{');
	p[-2] = '\n';
	sprintf(p - 1, ");\n");
	write_mode(f->roster, text, 0600);
	assert_int_equal(off_roster_load(f->roster, &f->r, &err), 0);
	assert_int_equal(off_roster_count(f->r), OFF_ROSTER_MAX);
	free(text);
}

static void
test_roster_mode(void **state)
{
	struct fx	*f = *state;
	struct off_err	 err;
	size_t		 i;
	static const mode_t bad[] = { 0644, 0640, 0604, 0620, 0602, 0660,
	    0610, 0601, 0666 };
	char		 want[8];

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_mode(f->roster, ROSTER_KAT, bad[i]);
		off_err_clear(&err);
		assert_int_equal(off_roster_load(f->roster, &f->r, &err),
		    OFF_ERR_DENIED);
		assert_null(f->r);
		assert_string_equal(err.file, f->roster);
		snprintf(want, sizeof(want), "%04o", (unsigned)bad[i]);
		assert_non_null(strstr(err.detail, want));
		assert_non_null(strstr(err.detail, "chmod 600"));
	}
	write_mode(f->roster, ROSTER_KAT, 0400);
	assert_int_equal(off_roster_load(f->roster, &f->r, NULL), 0);
	off_roster_free(&f->r);
	/* A missing file and a symbolic link are told as such. */
	off_err_clear(&err);
	unlink(f->roster);
	assert_int_equal(off_roster_load(f->roster, &f->r, &err),
	    OFF_ERR_NOT_FOUND);
	assert_int_equal(symlink("/etc/passwd", f->roster), 0);
	assert_int_equal(off_roster_load(f->roster, &f->r, &err),
	    OFF_ERR_FORMAT);
	assert_null(f->r);
}

static void
test_simulated(void **state)
{
	struct fx			*f = *state;
	const struct off_officer	*o, *who;
	char				 otp[OFF_OTP_MAX + 1];
	struct off_err			 err;
	enum off_otp_status		 st;
	size_t				 i, j;

	assert_int_equal(off_roster_simulated(0, &f->r, NULL),
	    OFF_ERR_INVALID);
	assert_int_equal(off_roster_simulated(OFF_ROSTER_MAX + 1, &f->r,
	    NULL), OFF_ERR_INVALID);
	assert_int_equal(off_roster_simulated(5, &f->r, NULL), 0);
	assert_int_equal(off_roster_count(f->r), 5);
	for (i = 0; i < 5; i++) {
		char	id[32];

		o = off_roster_officer(f->r, i);
		snprintf(id, sizeof(id), "officer-%zu", i + 1);
		assert_string_equal(off_officer_id(o), id);
		assert_ptr_equal(off_roster_find(f->r, id), o);
		assert_true(off_officer_has_role(o, "admin"));
		assert_true(off_officer_has_role(o, "witness"));
		assert_non_null(off_officer_yubikey(o));
		assert_int_equal(strlen(off_officer_yubikey(o)), 12);
		assert_true(yubikey_modhex_p(off_officer_yubikey(o)));
		for (j = 0; j < i; j++)
			assert_string_not_equal(off_officer_yubikey(o),
			    off_officer_yubikey(off_roster_officer(f->r, j)));
	}
	/* Each officer's OTPs authenticate that officer, once. */
	for (i = 0; i < 5; i++) {
		o = off_roster_officer(f->r, i);
		for (j = 0; j < 3; j++) {
			assert_int_equal(off_officer_otp(o, 1, (unsigned)j,
			    otp, NULL), 0);
			assert_int_equal(strlen(otp), 44);
			assert_memory_equal(otp, off_officer_yubikey(o), 12);
			off_err_clear(&err);
			assert_int_equal(off_roster_authenticate(f->r, otp,
			    f->state, &who, &st, &err), 0);
			assert_ptr_equal(who, o);
			assert_int_equal(st, OFF_OTP_ACCEPTED);
			assert_int_equal(off_roster_authenticate(f->r, otp,
			    f->state, &who, &st, &err), OFF_ERR_AUTH);
			assert_int_equal(st, OFF_OTP_REPLAYED);
		}
	}
	/* Another officer's YubiKey id with this one's ciphertext. */
	assert_int_equal(off_officer_otp(off_roster_officer(f->r, 0), 9, 0,
	    otp, NULL), 0);
	memcpy(otp, off_officer_yubikey(off_roster_officer(f->r, 1)), 12);
	assert_int_equal(off_roster_authenticate(f->r, otp, f->state, &who,
	    &st, NULL), OFF_ERR_AUTH);
	assert_int_equal(st, OFF_OTP_BAD_CRC);
	/* Two simulated rosters are different people. */
	{
		struct off_roster	*r2 = NULL;

		assert_int_equal(off_roster_simulated(1, &r2, NULL), 0);
		assert_string_not_equal(off_officer_yubikey(
		    off_roster_officer(r2, 0)), off_officer_yubikey(
		    off_roster_officer(f->r, 0)));
		off_roster_free(&r2);
		assert_null(r2);
	}
}

/* ykgenerate AESKEY UID COUNTER LOW HIGH USE (hex) prints the 32
 * modhex characters of ciphertext. */
static int
ykgenerate(const char *key, const char *uid, unsigned counter,
    unsigned low, unsigned high, unsigned use, char out[33])
{
	char	 cmd[256];
	FILE	*p;
	size_t	 n;

	snprintf(cmd, sizeof(cmd), "ykgenerate %s %s %04x %04x %02x %02x",
	    key, uid, counter, low, high, use);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	n = fread(out, 1, 32, p);
	out[n] = '\0';
	return pclose(p) == 0 && n == 32 ? 0 : -1;
}

static void
test_ykgenerate(void **state)
{
	struct fx	*f = *state;
	char		 ct[33], otp[OFF_OTP_MAX + 1];
	struct off_err	 err;
	enum off_otp_status st;
	const char	*who;
	long long	 c, u;

	if (system("command -v ykgenerate >/dev/null 2>&1") != 0)
		skip();
	load_kat(f);
	/* The known answer's fields give the known answer's block. */
	assert_int_equal(ykgenerate(KAT_KEY, KAT_UID, 19, 0xc230, 0, 17, ct),
	    0);
	assert_true(yubikey_modhex_p(ct));
	snprintf(otp, sizeof(otp), KAT_PUB "%s", ct);
	assert_int_equal(auth(f, otp, &st, &who, &err), 0);
	assert_string_equal(who, "alice");
	stored(f, KAT_PUB, &c, &u);
	assert_int_equal(c, 19);
	assert_int_equal(u, 17);
	expect(f, otp, OFF_ERR_AUTH, OFF_OTP_REPLAYED);
	expect(f, KAT_OTP, OFF_ERR_AUTH, OFF_OTP_REPLAYED);
	/* Higher use, higher counter, caps lock, lower counter. */
	assert_int_equal(ykgenerate(KAT_KEY, KAT_UID, 19, 0x1234, 0x56, 18,
	    ct), 0);
	snprintf(otp, sizeof(otp), KAT_PUB "%s", ct);
	expect(f, otp, 0, OFF_OTP_ACCEPTED);
	assert_int_equal(ykgenerate(KAT_KEY, KAT_UID, 0x8000 | 20, 0, 0, 0,
	    ct), 0);
	snprintf(otp, sizeof(otp), KAT_PUB "%s", ct);
	expect(f, otp, 0, OFF_OTP_ACCEPTED);
	stored(f, KAT_PUB, &c, &u);
	assert_int_equal(c, 20);
	assert_int_equal(u, 0);
	assert_int_equal(ykgenerate(KAT_KEY, KAT_UID, 20, 0, 0, 0, ct), 0);
	snprintf(otp, sizeof(otp), KAT_PUB "%s", ct);
	expect(f, otp, OFF_ERR_AUTH, OFF_OTP_REPLAYED);
	assert_int_equal(ykgenerate(KAT_KEY, KAT_UID, 7, 0, 0, 99, ct), 0);
	snprintf(otp, sizeof(otp), KAT_PUB "%s", ct);
	expect(f, otp, OFF_ERR_AUTH, OFF_OTP_REPLAYED);
	/* Bob's private id differs: ykgenerate with alice's is refused
	 * for bob, with bob's it is accepted. */
	assert_int_equal(ykgenerate(KAT_KEY, KAT_UID, 1, 0, 0, 0, ct), 0);
	snprintf(otp, sizeof(otp), "vvccccfhcbln%s", ct);
	expect(f, otp, OFF_ERR_AUTH, OFF_OTP_WRONG_UID);
	assert_int_equal(ykgenerate(KAT_KEY, "000000000000", 1, 0, 0, 0, ct),
	    0);
	snprintf(otp, sizeof(otp), "vvccccfhcbln%s", ct);
	assert_int_equal(auth(f, otp, &st, &who, &err), 0);
	assert_string_equal(who, "bob");
	/* Our OTPs parse with libyubikey as ykgenerate's do. */
	{
		struct off_otp_token	t;
		yubikey_token_st	tok;

		kat_token(&t);
		make(&t, 0x1234, 0x56, otp);
		yubikey_parse((const uint8_t *)otp + 8, t.aes_key, &tok);
		assert_true(yubikey_crc_ok_p((uint8_t *)&tok));
		assert_int_equal(tok.ctr, 0x1234);
		assert_int_equal(tok.use, 0x56);
		assert_memory_equal(tok.uid, t.private_id, 6);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kat_parse),
		cmocka_unit_test_setup_teardown(test_kat_accept, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_uid, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_crc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_key, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_modhex, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unknown_id, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_persists, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_state_concurrent, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_state_damaged, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_roster_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_roster_good, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_roster_too_many, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_roster_mode, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_simulated, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ykgenerate, setup,
		    teardown),
	};

	off_platform_harden();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
