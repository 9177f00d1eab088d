/* The configuration file and the schema-checked libconfig reader under
 * it: a good officiant.conf, fingerprints as people copy them, every
 * refusal with its exact code and the line of the offending setting
 * (unknown and mistyped settings, missing and repeated entries, bad
 * names and hex, @include, NUL bytes, size, symbolic links, syntax),
 * the user's file found through XDG_CONFIG_HOME or HOME, and the hex
 * reader for fingerprints. */
#include "config.h"

#include <sys/stat.h>

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

#include <libconfig.h>

#include "conf.h"
#include "encode.h"
#include "error.h"
#include "fileio.h"
#include "settings.h"
#include "testlib.h"

#define SYSTEM_CONF	SYSCONFDIR "/officiant/officiant.conf"

/* Two fingerprints, as hex and as bytes. */
#define FP32_HEX	"59178a47de508c3f0e4b4a6bb1a2c3d4" \
	"e5f60718293a4b5c6d7e8f9001122334"
#define FP20_HEX	"0123456789abcdef0123456789abcdef01234567"
static const uint8_t fp32[32] = {
	0x59, 0x17, 0x8a, 0x47, 0xde, 0x50, 0x8c, 0x3f,
	0x0e, 0x4b, 0x4a, 0x6b, 0xb1, 0xa2, 0xc3, 0xd4,
	0xe5, 0xf6, 0x07, 0x18, 0x29, 0x3a, 0x4b, 0x5c,
	0x6d, 0x7e, 0x8f, 0x90, 0x01, 0x12, 0x23, 0x34
};
static const uint8_t fp20[20] = {
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0x01, 0x23, 0x45, 0x67
};

struct env {
	char	*dir;
	char	*home, *xdg;	/* as they were */
};

static char *
dup_env(const char *name)
{
	const char	*v = getenv(name);

	return v != NULL ? strdup(v) : NULL;
}

static void
restore_env(const char *name, const char *v)
{
	if (v != NULL)
		assert_int_equal(setenv(name, v, 1), 0);
	else
		assert_int_equal(unsetenv(name), 0);
}

static int
setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e->dir = test_tmpdir();
	e->home = dup_env("HOME");
	e->xdg = dup_env("XDG_CONFIG_HOME");
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env	*e = *state;

	restore_env("HOME", e->home);
	restore_env("XDG_CONFIG_HOME", e->xdg);
	test_rmtree(e->dir);
	free(e->dir);
	free(e->home);
	free(e->xdg);
	free(e);
	return 0;
}

/* --- helpers ------------------------------------------------------ */

/* dir/name holding text; its path in buf. */
static void
conf_file(const struct env *e, const char *name, const char *text,
    char *buf, size_t len)
{
	test_path(buf, len, e->dir, name);
	test_spill(buf, text, strlen(text));
}

static struct off_settings *
load_ok(const char *path)
{
	struct off_settings	*s = NULL;
	struct off_err		 err;

	off_err_clear(&err);
	if (off_settings_load(path, &s, &err) != 0)
		fail_msg("%s does not load: %s: %s", path != NULL ? path :
		    "(default)", err.file, err.detail);
	assert_non_null(s);
	return s;
}

/* Loading path is refused with code, naming file, and the detail holds
 * each of the NULL-ended strings. */
static void
load_refused(const char *path, int code, const char *file, ...)
{
	/* Not NULL, to see it cleared. */
	struct off_settings	*s = (struct off_settings *)&s;
	struct off_err		 err;
	const char		*want;
	va_list			 ap;

	off_err_clear(&err);
	assert_int_equal(off_settings_load(path, &s, &err), code);
	assert_int_equal(err.code, code);
	assert_null(s);
	if (file != NULL)
		assert_string_equal(err.file, file);
	va_start(ap, file);
	while ((want = va_arg(ap, const char *)) != NULL)
		if (strstr(err.detail, want) == NULL)
			fail_msg("\"%s\" is not in \"%s\"", want, err.detail);
	va_end(ap);
}

/* A file holding text is refused with code, the detail holding want
 * and want2 (either may be NULL). */
static void
text_refused(const struct env *e, const char *text, int code,
    const char *want, const char *want2)
{
	char	path[PATH_MAX];

	conf_file(e, "refused.conf", text, path, sizeof(path));
	load_refused(path, code, path, want != NULL ? want : "",
	    want2 != NULL ? want2 : "", (const char *)NULL);
	assert_int_equal(unlink(path), 0);
}

static void
root_is(const struct off_settings *s, const char *name, const uint8_t *fp,
    size_t len)
{
	uint8_t	got[32];
	size_t	glen = 99;

	memset(got, 0xee, sizeof(got));
	assert_int_equal(off_settings_root(s, name, got, &glen), 0);
	assert_int_equal(glen, len);
	assert_memory_equal(got, fp, len);
}

static void
no_root(const struct off_settings *s, const char *name)
{
	uint8_t	got[32], before[32];
	size_t	glen = 99;

	memset(got, 0xee, sizeof(got));
	memcpy(before, got, sizeof(got));
	assert_int_equal(off_settings_root(s, name, got, &glen),
	    OFF_ERR_NOT_FOUND);
	/* Nothing written for a name that is not there. */
	assert_int_equal(glen, 99);
	assert_memory_equal(got, before, sizeof(got));
}

/* The user's configuration directory under base (created). */
static void
user_conf(const char *base, const char *sub, const char *text, char *buf,
    size_t len)
{
	char	dir[PATH_MAX];
	int	n;

	n = snprintf(dir, sizeof(dir), "%s/%s", base, sub);
	assert_true(n > 0 && (size_t)n < sizeof(dir));
	assert_int_equal(off_mkdirs(dir, NULL), 0);
	n = snprintf(buf, len, "%s/officiant.conf", dir);
	assert_true(n > 0 && (size_t)n < len);
	test_spill(buf, text, strlen(text));
}

/* --- off_unhex_fp ------------------------------------------------- */

static void
unhex_fp_refused(const char *in, size_t max)
{
	uint8_t	out[40];
	size_t	len = 777;

	if (off_unhex_fp(in, out, max, &len) != OFF_ERR_FORMAT)
		fail_msg("\"%s\" (max %zu) is accepted", in, max);
	/* Nothing is reported for input with digits in it. */
	if (strpbrk(in, "0123456789abcdefABCDEF") != NULL)
		assert_int_equal(len, 777);
}

static void
test_unhex_fp(void **state)
{
	uint8_t	out[40];
	size_t	len;

	(void)state;
	assert_int_equal(off_unhex_fp(FP32_HEX, out, 32, &len), 0);
	assert_int_equal(len, 32);
	assert_memory_equal(out, fp32, 32);
	/* As people copy them: upper case, spaces, colons. */
	assert_int_equal(off_unhex_fp("59178A47 DE508C3F 0E4B4A6B B1A2C3D4 "
	    "E5F60718 293A4B5C 6D7E8F90 01122334", out, 32, &len), 0);
	assert_int_equal(len, 32);
	assert_memory_equal(out, fp32, 32);
	assert_int_equal(off_unhex_fp("01:23:45:67:89:AB:CD:EF:01:23:45:67:"
	    "89:ab:cd:ef:01:23:45:67", out, 32, &len), 0);
	assert_int_equal(len, 20);
	assert_memory_equal(out, fp20, 20);
	assert_int_equal(off_unhex_fp("  :ff: ", out, 1, &len), 0);
	assert_int_equal(len, 1);
	assert_int_equal(out[0], 0xff);
	/* Odd digits, digits split by a separator, bad characters. */
	unhex_fp_refused("abc", 32);
	unhex_fp_refused("a", 32);
	unhex_fp_refused("ab c", 32);
	unhex_fp_refused("a:bc", 32);
	unhex_fp_refused("a bc", 32);
	unhex_fp_refused("zz", 32);
	unhex_fp_refused("0x12", 32);
	unhex_fp_refused("12\t34", 32);
	unhex_fp_refused("12\n", 32);
	unhex_fp_refused("12-34", 32);
	unhex_fp_refused("1g", 32);
	/* More than max bytes. */
	unhex_fp_refused(FP32_HEX, 31);
	unhex_fp_refused(FP32_HEX "00", 32);
	unhex_fp_refused("0102", 1);
	/* Nothing at all. */
	unhex_fp_refused("", 32);
	unhex_fp_refused("   ", 32);
	unhex_fp_refused(":: :", 32);
}

/* --- a good file -------------------------------------------------- */

static const char good_conf[] =
    "# Roots we trust for KEK chains.\n"
    "pinned_roots = (\n"
    "  { name = \"contoso-root\";\n"
    "    sha256 = \"" FP32_HEX "\";\n"
    "    comment = \"Contoso HSM root, 2024\"; },\n"
    "  { name = \"Legacy_CA.v1\"; sha1 = \"" FP20_HEX "\"; }\n"
    ");\n"
    "published_hashes = (\n"
    "  { file = \"officiant-1.0.tar.gz\"; sha256 = \"" FP32_HEX "\";\n"
    "    comment = \"release\"; },\n"
    "  { file = \"verify.py\"; sha256 = \"" FP32_HEX "\"; }\n"
    ");\n";

static void
test_good_file(void **state)
{
	struct env		*e = *state;
	struct off_settings	*s;
	uint8_t			 h[32], before[32];
	char			 path[PATH_MAX];

	conf_file(e, "good.conf", good_conf, path, sizeof(path));
	s = load_ok(path);
	root_is(s, "contoso-root", fp32, 32);
	root_is(s, "Legacy_CA.v1", fp20, 20);
	/* Names match exactly. */
	no_root(s, "unknown");
	no_root(s, "Contoso-root");
	no_root(s, "contoso-root ");
	no_root(s, "");
	assert_int_equal(off_settings_hash(s, "officiant-1.0.tar.gz", h), 0);
	assert_memory_equal(h, fp32, 32);
	assert_int_equal(off_settings_hash(s, "verify.py", h), 0);
	memset(h, 0xee, sizeof(h));
	memcpy(before, h, sizeof(h));
	assert_int_equal(off_settings_hash(s, "verify.pyc", h),
	    OFF_ERR_NOT_FOUND);
	assert_int_equal(off_settings_hash(s, "contoso-root", h),
	    OFF_ERR_NOT_FOUND);
	assert_memory_equal(h, before, sizeof(h));
	/* Roots and hashes are apart. */
	no_root(s, "verify.py");
	assert_string_equal(off_settings_sources(s), path);
	off_settings_free(&s);
	assert_null(s);
	off_settings_free(&s);
}

static void
test_empty_and_comments(void **state)
{
	struct env		*e = *state;
	struct off_settings	*s;
	uint8_t			 h[32];
	char			 path[PATH_MAX];

	conf_file(e, "empty.conf", "", path, sizeof(path));
	s = load_ok(path);
	no_root(s, "contoso-root");
	assert_int_equal(off_settings_hash(s, "verify.py", h),
	    OFF_ERR_NOT_FOUND);
	assert_string_equal(off_settings_sources(s), path);
	off_settings_free(&s);
	conf_file(e, "comments.conf", "# nothing\n// nothing\n/* still "
	    "nothing */\npinned_roots = ();\npublished_hashes = ( );\n", path,
	    sizeof(path));
	s = load_ok(path);
	no_root(s, "contoso-root");
	off_settings_free(&s);
	/* "@include" that does not start a line is only text. */
	conf_file(e, "at.conf", "pinned_roots = ( { name = \"r\"; sha1 = \""
	    FP20_HEX "\"; comment = \"@include \\\"x\\\"\"; } );\n", path,
	    sizeof(path));
	s = load_ok(path);
	root_is(s, "r", fp20, 20);
	off_settings_free(&s);
}

static void
test_hex_forms(void **state)
{
	struct env		*e = *state;
	struct off_settings	*s;
	uint8_t			 h[32];
	char			 path[PATH_MAX];

	conf_file(e, "forms.conf",
	    "pinned_roots = (\n"
	    "  { name = \"spaces\"; sha256 = \"59178a47 de508c3f 0e4b4a6b "
	    "b1a2c3d4 e5f60718 293a4b5c 6d7e8f90 01122334\"; },\n"
	    "  { name = \"colons\"; sha256 = \"59:17:8A:47:DE:50:8C:3F:0E:4B:"
	    "4A:6B:B1:A2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90:01:12:23:"
	    "34\"; },\n"
	    "  { name = \"upper\"; sha1 = \"0123456789ABCDEF0123456789ABCDEF"
	    "01234567\"; },\n"
	    "  { name = \"sha1-colons\"; sha1 = \"01:23:45:67:89:ab:cd:ef:01:"
	    "23:45:67:89:ab:cd:ef:01:23:45:67\"; }\n"
	    ");\n"
	    "published_hashes = ( { file = \"f\"; sha256 = \"59178A47 DE508C3F "
	    "0E4B4A6B B1A2C3D4 E5F60718 293A4B5C 6D7E8F90 01122334\"; } );\n",
	    path, sizeof(path));
	s = load_ok(path);
	root_is(s, "spaces", fp32, 32);
	root_is(s, "colons", fp32, 32);
	root_is(s, "upper", fp20, 20);
	root_is(s, "sha1-colons", fp20, 20);
	assert_int_equal(off_settings_hash(s, "f", h), 0);
	assert_memory_equal(h, fp32, 32);
	off_settings_free(&s);
}

/* --- refusals ----------------------------------------------------- */

static void
test_unknown_settings(void **state)
{
	struct env	*e = *state;

	text_refused(e, "# a comment\n\ncolour = \"blue\";\n",
	    OFF_ERR_FORMAT, "line 3", "unknown setting \"colour\"");
	/* Close to a known name is still unknown. */
	text_refused(e, "pinned_root = ();\n", OFF_ERR_FORMAT, "line 1",
	    "\"pinned_root\"");
	text_refused(e, "Pinned_Roots = ();\n", OFF_ERR_FORMAT, "line 1",
	    "\"Pinned_Roots\"");
	/* In a root and in a hash, on the setting's own line. */
	text_refused(e, "pinned_roots = (\n"
	    "  { name = \"a\";\n"
	    "    sha256 = \"" FP32_HEX "\"; },\n"
	    "  { name = \"b\";\n"
	    "    sha1 = \"" FP20_HEX "\";\n"
	    "    fingerprint = \"" FP20_HEX "\"; }\n"
	    ");\n", OFF_ERR_FORMAT, "line 6", "unknown setting "
	    "\"fingerprint\"");
	text_refused(e, "published_hashes = (\n"
	    "  { file = \"a\"; sha256 = \"" FP32_HEX "\";\n"
	    "    size = 12; }\n"
	    ");\n", OFF_ERR_FORMAT, "line 3", "unknown setting \"size\"");
	/* A group nested where none is expected. */
	text_refused(e, "pinned_roots = (\n"
	    "  { name = \"a\"; sha256 = \"" FP32_HEX "\";\n"
	    "    extra = { x = 1; }; }\n"
	    ");\n", OFF_ERR_FORMAT, "line 3", "\"extra\"");
}

static void
test_wrong_types(void **state)
{
	struct env	*e = *state;

	/* A number where a string is wanted. */
	text_refused(e, "pinned_roots = (\n"
	    "  { name = 5; sha256 = \"" FP32_HEX "\"; }\n"
	    ");\n", OFF_ERR_FORMAT, "line 2", "\"name\" must be a string");
	text_refused(e, "pinned_roots = (\n"
	    "  { name = \"a\";\n"
	    "    sha1 = 123; }\n"
	    ");\n", OFF_ERR_FORMAT, "line 3", "\"sha1\" must be a string");
	text_refused(e, "published_hashes = (\n"
	    "  { file = \"a\"; sha256 = true; }\n"
	    ");\n", OFF_ERR_FORMAT, "line 2", "\"sha256\" must be a string");
	text_refused(e, "pinned_roots = (\n"
	    "  { name = [ \"a\" ]; sha1 = \"" FP20_HEX "\"; }\n"
	    ");\n", OFF_ERR_FORMAT, "line 2", "\"name\" must be a string");
	/* A group, an array or a string where a list of groups is wanted. */
	text_refused(e, "\npinned_roots = { name = \"a\"; sha1 = \"" FP20_HEX
	    "\"; };\n", OFF_ERR_FORMAT, "line 2", "\"pinned_roots\" must be a "
	    "list");
	text_refused(e, "published_hashes = [ \"a\" ];\n", OFF_ERR_FORMAT,
	    "line 1", "\"published_hashes\" must be a list");
	text_refused(e, "published_hashes = \"a\";\n", OFF_ERR_FORMAT,
	    "line 1", "\"published_hashes\" must be a list");
	/* A list holding something other than groups. */
	text_refused(e, "pinned_roots = (\n"
	    "  { name = \"a\"; sha1 = \"" FP20_HEX "\"; },\n"
	    "  \"b\"\n"
	    ");\n", OFF_ERR_FORMAT, "\"pinned_roots\" must be a list", NULL);
	text_refused(e, "pinned_roots = ( ( ) );\n", OFF_ERR_FORMAT,
	    "\"pinned_roots\" must be a list", NULL);
}

static void
test_missing_required(void **state)
{
	struct env	*e = *state;

	text_refused(e, "pinned_roots = (\n"
	    "  { name = \"a\"; sha1 = \"" FP20_HEX "\"; },\n"
	    "  { sha1 = \"" FP20_HEX "\";\n"
	    "    comment = \"no name\"; }\n"
	    ");\n", OFF_ERR_FORMAT, "\"name\" is missing", "line 3");
	text_refused(e, "published_hashes = (\n"
	    "  { file = \"a\"; comment = \"no hash\"; }\n"
	    ");\n", OFF_ERR_FORMAT, "\"sha256\" is missing", "line 2");
	text_refused(e, "published_hashes = (\n"
	    "  { sha256 = \"" FP32_HEX "\"; }\n"
	    ");\n", OFF_ERR_FORMAT, "\"file\" is missing", "line 2");
	text_refused(e, "pinned_roots = ( { } );\n", OFF_ERR_FORMAT,
	    "\"name\" is missing", NULL);
}

static void
test_sha_choice(void **state)
{
	struct env	*e = *state;

	text_refused(e, "pinned_roots = (\n"
	    "  { name = \"both\"; sha256 = \"" FP32_HEX "\";\n"
	    "    sha1 = \"" FP20_HEX "\"; }\n"
	    ");\n", OFF_ERR_FORMAT, "\"both\" needs exactly one of sha256 and "
	    "sha1", "line 2");
	text_refused(e, "pinned_roots = (\n"
	    "  { name = \"ok\"; sha1 = \"" FP20_HEX "\"; },\n"
	    "  { name = \"neither\"; comment = \"x\"; }\n"
	    ");\n", OFF_ERR_FORMAT, "\"neither\" needs exactly one of sha256 "
	    "and sha1", "line 3");
}

static void
test_hex_length(void **state)
{
	struct env	*e = *state;

	/* A SHA-1 given as sha256 and the other way. */
	text_refused(e, "pinned_roots = ( { name = \"r\"; sha256 = \"" FP20_HEX
	    "\"; } );\n", OFF_ERR_FORMAT, "line 1", "sha256 must be 64 hex "
	    "digits");
	text_refused(e, "pinned_roots = ( { name = \"r\"; sha1 = \"" FP32_HEX
	    "\"; } );\n", OFF_ERR_FORMAT, "line 1", "sha1 must be 40 hex "
	    "digits");
	/* One digit short, one byte long, one bad character, nothing. */
	text_refused(e, "\n\npinned_roots = ( { name = \"r\"; sha1 = \""
	    "0123456789abcdef0123456789abcdef0123456\"; } );\n",
	    OFF_ERR_FORMAT, "line 3", "\"r\": sha1 must be 40 hex digits");
	text_refused(e, "pinned_roots = ( { name = \"r\"; sha1 = \"" FP20_HEX
	    "89\"; } );\n", OFF_ERR_FORMAT, "sha1 must be 40", NULL);
	text_refused(e, "pinned_roots = ( { name = \"r\"; sha1 = \""
	    "0123456789abcdef0123456789abcdef0123456g\"; } );\n",
	    OFF_ERR_FORMAT, "sha1 must be 40", NULL);
	text_refused(e, "pinned_roots = ( { name = \"r\"; sha256 = \"\"; } "
	    ");\n", OFF_ERR_FORMAT, "sha256 must be 64", NULL);
	text_refused(e, "published_hashes = ( { file = \"f\"; sha256 = \""
	    FP20_HEX "\"; } );\n", OFF_ERR_FORMAT, "\"f\": sha256 must be 64 "
	    "hex digits", NULL);
	text_refused(e, "published_hashes = ( { file = \"f\"; sha256 = \""
	    FP32_HEX "00\"; } );\n", OFF_ERR_FORMAT, "sha256 must be 64",
	    NULL);
	text_refused(e, "published_hashes = ( { file = \"f\"; sha256 = \""
	    "not hex\"; } );\n", OFF_ERR_FORMAT, "sha256 must be 64", NULL);
}

static void
test_bad_names(void **state)
{
	static const char *const bad[] = {
		"a/b", "/abs", "../up", ".hidden", ".", "..", "", "has space",
		"caf\xc3\xa9", "semi;colon", "star*",
	};
	struct env	*e = *state;
	char		 text[512], long65[66];
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "pinned_roots = ( { name = "
		    "\"%s\"; sha1 = \"" FP20_HEX "\"; } );\n", bad[i]);
		text_refused(e, text, OFF_ERR_FORMAT, "line 1",
		    "a root's name");
		snprintf(text, sizeof(text), "published_hashes = ( { file = "
		    "\"%s\"; sha256 = \"" FP32_HEX "\"; } );\n", bad[i]);
		text_refused(e, text, OFF_ERR_FORMAT, "line 1", "without a "
		    "directory");
	}
	/* 64 characters are a name, 65 are not. */
	memset(long65, 'n', 65);
	long65[65] = '\0';
	snprintf(text, sizeof(text), "pinned_roots = ( { name = \"%s\"; "
	    "sha1 = \"" FP20_HEX "\"; } );\n", long65);
	text_refused(e, text, OFF_ERR_FORMAT, "a root's name is 1-64", NULL);
}

static void
test_long_name_ok(void **state)
{
	struct env		*e = *state;
	struct off_settings	*s;
	char			 text[512], name64[65], path[PATH_MAX];

	memset(name64, 'n', 64);
	name64[0] = 'N';
	name64[63] = '.';
	name64[64] = '\0';
	snprintf(text, sizeof(text), "pinned_roots = ( { name = \"%s\"; "
	    "sha1 = \"" FP20_HEX "\"; }, { name = \"a.b_c-9\"; sha256 = \""
	    FP32_HEX "\"; } );\n", name64);
	conf_file(e, "long.conf", text, path, sizeof(path));
	s = load_ok(path);
	root_is(s, name64, fp20, 20);
	root_is(s, "a.b_c-9", fp32, 32);
	off_settings_free(&s);
}

static void
test_repeats(void **state)
{
	struct env	*e = *state;

	text_refused(e, "pinned_roots = (\n"
	    "  { name = \"twice\"; sha1 = \"" FP20_HEX "\"; },\n"
	    "  { name = \"other\"; sha1 = \"" FP20_HEX "\"; },\n"
	    "  { name = \"twice\"; sha256 = \"" FP32_HEX "\"; }\n"
	    ");\n", OFF_ERR_FORMAT, "line 4: \"twice\" is given twice",
	    "first on line 2");
	text_refused(e, "published_hashes = (\n"
	    "  { file = \"f\"; sha256 = \"" FP32_HEX "\"; },\n"
	    "  { file = \"f\"; sha256 = \"" FP32_HEX "\"; }\n"
	    ");\n", OFF_ERR_FORMAT, "line 3: \"f\" is given twice",
	    "first on line 2");
	/* Twice as a setting name: libconfig refuses it itself. */
	text_refused(e, "pinned_roots = ();\npinned_roots = ();\n",
	    OFF_ERR_FORMAT, "line 2", NULL);
	text_refused(e, "pinned_roots = ( { name = \"a\"; name = \"b\"; sha1 = "
	    "\"" FP20_HEX "\"; } );\n", OFF_ERR_FORMAT, "line 1", NULL);
}

static void
test_include(void **state)
{
	struct env	*e = *state;
	char		 other[PATH_MAX], text[PATH_MAX + 256];

	/* The included file is good: refused for the line alone. */
	conf_file(e, "other.conf", good_conf, other, sizeof(other));
	snprintf(text, sizeof(text), "# top\n\n@include \"%s\"\n", other);
	text_refused(e, text, OFF_ERR_FORMAT, "line 3: @include is not "
	    "allowed", NULL);
	snprintf(text, sizeof(text), "pinned_roots = ();\n \t @include \"%s\""
	    "\n", other);
	text_refused(e, text, OFF_ERR_FORMAT, "line 2: @include", NULL);
	text_refused(e, "@include \"/nonexistent/officiant.conf\"\n",
	    OFF_ERR_FORMAT, "line 1: @include", NULL);
	text_refused(e, "@include\"x\"", OFF_ERR_FORMAT, "line 1: @include",
	    NULL);
}

static void
test_nul_byte(void **state)
{
	static const char	text[] = "pinned_roots = ();\n\0# hidden\n";
	struct env		*e = *state;
	char			 path[PATH_MAX];

	test_path(path, sizeof(path), e->dir, "nul.conf");
	test_spill(path, text, sizeof(text) - 1);
	load_refused(path, OFF_ERR_FORMAT, path, "NUL byte",
	    (const char *)NULL);
	test_spill(path, "\0", 1);
	load_refused(path, OFF_ERR_FORMAT, path, "NUL byte",
	    (const char *)NULL);
}

/* A file of exactly size bytes of comment lines. */
static void
comment_file(const char *path, size_t size)
{
	char	*buf = malloc(size);
	size_t	 i;

	assert_non_null(buf);
	memset(buf, '#', size);
	for (i = 63; i < size; i += 64)
		buf[i] = '\n';
	buf[size - 1] = '\n';
	test_spill(path, buf, size);
	free(buf);
}

static void
test_too_large(void **state)
{
	struct env		*e = *state;
	struct off_settings	*s;
	char			 path[PATH_MAX];

	test_path(path, sizeof(path), e->dir, "big.conf");
	comment_file(path, OFF_SETTINGS_MAX);
	s = load_ok(path);
	off_settings_free(&s);
	comment_file(path, OFF_SETTINGS_MAX + 1);
	load_refused(path, OFF_ERR_TOO_LARGE, path, "larger than",
	    (const char *)NULL);
}

static void
test_not_a_file(void **state)
{
	struct env		*e = *state;
	struct off_settings	*s;
	char			 good[PATH_MAX], link[PATH_MAX];
	char			 dir[PATH_MAX];

	conf_file(e, "good.conf", good_conf, good, sizeof(good));
	test_path(link, sizeof(link), e->dir, "link.conf");
	assert_int_equal(symlink(good, link), 0);
	load_refused(link, OFF_ERR_FORMAT, link, "symbolic link",
	    (const char *)NULL);
	/* A dangling one too. */
	assert_int_equal(unlink(link), 0);
	assert_int_equal(symlink("/nonexistent/officiant.conf", link), 0);
	load_refused(link, OFF_ERR_FORMAT, link, "symbolic link",
	    (const char *)NULL);
	test_path(dir, sizeof(dir), e->dir, "dir.conf");
	assert_int_equal(mkdir(dir, 0700), 0);
	load_refused(dir, OFF_ERR_FORMAT, dir, "not a regular file",
	    (const char *)NULL);
	test_path(dir, sizeof(dir), e->dir, "missing.conf");
	load_refused(dir, OFF_ERR_NOT_FOUND, dir, "", (const char *)NULL);
	/* The file itself still loads. */
	s = load_ok(good);
	off_settings_free(&s);
}

static void
test_syntax_error(void **state)
{
	struct env	*e = *state;

	text_refused(e, "pinned_roots = (\n"
	    "  { name = \"a\"; sha1 = \"" FP20_HEX "\"; }\n"
	    ");\n"
	    "published_hashes = ( { file = \"f\"; sha256 = ; } );\n",
	    OFF_ERR_FORMAT, "line 4", NULL);
	text_refused(e, "\n\n\n\n\npinned_roots = (\n", OFF_ERR_FORMAT,
	    "line ", NULL);
	text_refused(e, "pinned_roots = ( { name = \"unterminated; } );\n",
	    OFF_ERR_FORMAT, "line ", NULL);
	text_refused(e, "# ok\nthis is not libconfig\n", OFF_ERR_FORMAT,
	    "line 2", NULL);
}

/* --- the system's and the user's files ---------------------------- */

static void
test_user_file_xdg(void **state)
{
	struct env		*e = *state;
	struct off_settings	*s;
	char			 xdg[PATH_MAX], home[PATH_MAX];
	char			 user[PATH_MAX], other[PATH_MAX];

	if (access(SYSTEM_CONF, F_OK) == 0)
		skip();
	test_path(xdg, sizeof(xdg), e->dir, "xdg");
	test_path(home, sizeof(home), e->dir, "home");
	user_conf(xdg, "officiant", "pinned_roots = ( { name = \"mine\"; "
	    "sha1 = \"" FP20_HEX "\"; } );\n", user, sizeof(user));
	user_conf(home, ".config/officiant", "pinned_roots = ( { name = "
	    "\"home\"; sha1 = \"" FP20_HEX "\"; } );\n", other, sizeof(other));
	assert_int_equal(setenv("XDG_CONFIG_HOME", xdg, 1), 0);
	assert_int_equal(setenv("HOME", home, 1), 0);
	/* XDG_CONFIG_HOME wins over HOME. */
	s = load_ok(NULL);
	root_is(s, "mine", fp20, 20);
	no_root(s, "home");
	assert_string_equal(off_settings_sources(s), user);
	off_settings_free(&s);
	/* A file given by name is the only one read. */
	s = load_ok(other);
	no_root(s, "mine");
	root_is(s, "home", fp20, 20);
	assert_string_equal(off_settings_sources(s), other);
	off_settings_free(&s);
	/* A bad user file is an error naming it. */
	test_spill(user, "colour = 1;\n", 12);
	load_refused(NULL, OFF_ERR_FORMAT, user, "line 1",
	    "\"colour\"", (const char *)NULL);
	/* No user file: nothing, and no source. */
	assert_int_equal(unlink(user), 0);
	s = load_ok(NULL);
	no_root(s, "mine");
	no_root(s, "home");
	assert_string_equal(off_settings_sources(s), "");
	off_settings_free(&s);
	/* A symbolic link as the user's file is refused like any other. */
	assert_int_equal(symlink(other, user), 0);
	load_refused(NULL, OFF_ERR_FORMAT, user, "symbolic link",
	    (const char *)NULL);
}

static void
test_user_file_home(void **state)
{
	struct env		*e = *state;
	struct off_settings	*s;
	char			 home[PATH_MAX], user[PATH_MAX];

	if (access(SYSTEM_CONF, F_OK) == 0)
		skip();
	test_path(home, sizeof(home), e->dir, "home");
	user_conf(home, ".config/officiant", "pinned_roots = ( { name = "
	    "\"home\"; sha256 = \"" FP32_HEX "\"; } );\n", user, sizeof(user));
	assert_int_equal(setenv("HOME", home, 1), 0);
	assert_int_equal(unsetenv("XDG_CONFIG_HOME"), 0);
	s = load_ok(NULL);
	root_is(s, "home", fp32, 32);
	assert_string_equal(off_settings_sources(s), user);
	off_settings_free(&s);
	/* A relative XDG_CONFIG_HOME is ignored, as the spec says. */
	assert_int_equal(setenv("XDG_CONFIG_HOME", "relative/dir", 1), 0);
	s = load_ok(NULL);
	root_is(s, "home", fp32, 32);
	assert_string_equal(off_settings_sources(s), user);
	off_settings_free(&s);
	/* An XDG_CONFIG_HOME without the file: HOME's is not read. */
	assert_int_equal(setenv("XDG_CONFIG_HOME", e->dir, 1), 0);
	s = load_ok(NULL);
	no_root(s, "home");
	assert_string_equal(off_settings_sources(s), "");
	off_settings_free(&s);
	/* Neither set: nothing read. */
	assert_int_equal(unsetenv("XDG_CONFIG_HOME"), 0);
	assert_int_equal(unsetenv("HOME"), 0);
	s = load_ok(NULL);
	no_root(s, "home");
	assert_string_equal(off_settings_sources(s), "");
	off_settings_free(&s);
}

/* --- the schema checker on its own -------------------------------- */

static const struct off_conf_field inner_fields[] = {
	{ "level", OFF_CONF_INT, 1, NULL },
	{ "on", OFF_CONF_BOOL, 0, NULL },
	{ NULL, 0, 0, NULL }
};
static const struct off_conf_field step_fields[] = {
	{ "id", OFF_CONF_STRING, 1, NULL },
	{ "roles", OFF_CONF_STRINGS, 0, NULL },
	{ NULL, 0, 0, NULL }
};
static const struct off_conf_field test_fields[] = {
	{ "title", OFF_CONF_STRING, 1, NULL },
	{ "count", OFF_CONF_INT, 0, NULL },
	{ "strict", OFF_CONF_BOOL, 0, NULL },
	{ "inner", OFF_CONF_GROUP, 0, inner_fields },
	{ "steps", OFF_CONF_LIST, 0, step_fields },
	{ "tags", OFF_CONF_STRINGS, 0, NULL },
	{ NULL, 0, 0, NULL }
};

/* off_conf_read then off_conf_check of text; the code, err filled. */
static int
check_text(const struct env *e, const char *text, struct off_err *err)
{
	config_t	cfg;
	char		path[PATH_MAX];
	int		ret;

	conf_file(e, "schema.conf", text, path, sizeof(path));
	config_init(&cfg);
	off_err_clear(err);
	if ((ret = off_conf_read(path, 4096, &cfg, err)) == 0)
		ret = off_conf_check(config_root_setting(&cfg), test_fields,
		    path, err);
	config_destroy(&cfg);
	if (ret != 0) {
		assert_int_equal(err->code, ret);
		assert_string_equal(err->file, path);
	}
	return ret;
}

static void
check_refused(const struct env *e, const char *text, const char *want)
{
	struct off_err	err;

	assert_int_equal(check_text(e, text, &err), OFF_ERR_FORMAT);
	if (strstr(err.detail, want) == NULL)
		fail_msg("\"%s\" is not in \"%s\"", want, err.detail);
}

static void
test_conf_check(void **state)
{
	struct env	*e = *state;
	struct off_err	 err;
	config_t	 cfg;
	char		 path[PATH_MAX];

	assert_int_equal(check_text(e, "title = \"t\";\n", &err), 0);
	assert_int_equal(check_text(e,
	    "title = \"t\";\n"
	    "count = 3;\n"
	    "strict = false;\n"
	    "inner = { level = 2; on = true; };\n"
	    "steps = ( { id = \"a\"; roles = [ \"x\", \"y\" ]; },\n"
	    "  { id = \"b\"; roles = [ ]; } );\n"
	    "tags = [ ];\n", &err), 0);
	/* 64-bit integers are integers too. */
	assert_int_equal(check_text(e, "title = \"t\"; count = 5000000000L;\n",
	    &err), 0);
	/* A missing top-level setting has no line to name. */
	assert_int_equal(check_text(e, "count = 1;\n", &err), OFF_ERR_FORMAT);
	assert_string_equal(err.detail, "\"title\" is missing");
	check_refused(e, "title = \"t\";\ncount = \"3\";\n",
	    "line 2: \"count\" must be an integer");
	check_refused(e, "title = \"t\";\ncount = 3.0;\n",
	    "line 2: \"count\" must be an integer");
	check_refused(e, "title = \"t\";\nstrict = 1;\n",
	    "line 2: \"strict\" must be true or false");
	check_refused(e, "title = \"t\";\ninner = ( );\n",
	    "line 2: \"inner\" must be a group");
	check_refused(e, "title = \"t\";\ninner = { level = 1;\n"
	    "  depth = 2; };\n", "line 3: unknown setting \"depth\"");
	check_refused(e, "title = \"t\";\n\ninner = { on = true; };\n",
	    "line 3: \"level\" is missing");
	check_refused(e, "title = \"t\";\ninner = { level = \"1\"; };\n",
	    "line 2: \"level\" must be an integer");
	check_refused(e, "title = \"t\";\nsteps = ( { id = \"a\"; },\n"
	    "  { id = \"b\"; roles = [ 1, 2 ]; } );\n",
	    "line 3: \"roles\" must be an array of strings");
	check_refused(e, "title = \"t\";\nsteps = ( { id = \"a\"; },\n"
	    "  { roles = [ \"r\" ]; } );\n", "\"id\" is missing");
	check_refused(e, "title = \"t\";\ntags = ( \"a\" );\n",
	    "line 2: \"tags\" must be an array of strings");
	check_refused(e, "title = \"t\";\ntags = \"a\";\n",
	    "line 2: \"tags\" must be an array of strings");
	check_refused(e, "title = [ \"t\" ];\n",
	    "line 1: \"title\" must be a string");
	/* off_conf_str. */
	conf_file(e, "str.conf", "title = \"hello\"; count = 1;\n", path,
	    sizeof(path));
	config_init(&cfg);
	assert_int_equal(off_conf_read(path, 4096, &cfg, NULL), 0);
	assert_string_equal(off_conf_str(config_root_setting(&cfg), "title"),
	    "hello");
	assert_null(off_conf_str(config_root_setting(&cfg), "missing"));
	assert_null(off_conf_str(config_root_setting(&cfg), "count"));
	config_destroy(&cfg);
	/* The bound given to off_conf_read holds. */
	config_init(&cfg);
	off_err_clear(&err);
	assert_int_equal(off_conf_read(path, 10, &cfg, &err),
	    OFF_ERR_TOO_LARGE);
	assert_int_equal(err.code, OFF_ERR_TOO_LARGE);
	config_destroy(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unhex_fp),
		cmocka_unit_test_setup_teardown(test_good_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_comments, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hex_forms, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unknown_settings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_types, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing_required, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sha_choice, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hex_length, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_names, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_long_name_ok, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_repeats, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_include, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_nul_byte, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_too_large, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_a_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_syntax_error, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_user_file_xdg, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_user_file_home, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_conf_check, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
