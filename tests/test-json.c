/* Unit tests of off_json_dumps and off_json_dump (json.h): the text is
 * exactly what jansson's own json_dumps makes, and when the buffer
 * cannot grow, at whichever point, the whole dump fails: jansson 2.14
 * ignores what writing an object's key returns, so a failure there must
 * still not give a text with the key missing. The test is linked with
 * -Wl,--wrap=realloc, which fails the Nth call made from the core. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>

#include "error.h"
#include "json.h"

void	*__real_realloc(void *, size_t);
void	*__wrap_realloc(void *, size_t);

static long	fail_at = -1;	/* which call fails; -1: none */
static long	calls;

void *
__wrap_realloc(void *p, size_t n)
{
	if (calls++ == fail_at)
		return NULL;
	return __real_realloc(p, n);
}

/* Keys long enough that growing the buffer falls on each of them. */
static json_t *
sample(void)
{
	json_t	*o = json_object(), *a = json_array();
	char	 key[64], val[300];
	int	 i;

	for (i = 0; i < 40; i++) {
		snprintf(key, sizeof(key), "key-%02d-%.*s", i, i, "abcdefghij"
		    "abcdefghijabcdefghijabcdefghijabcdefghij");
		memset(val, 'a' + i % 26, (size_t)(i * 7 % 299));
		val[i * 7 % 299] = '\0';
		json_object_set_new(o, key, json_string(val));
		json_array_append_new(a, json_integer(i));
	}
	json_object_set_new(o, "list", a);
	json_object_set_new(o, "nested", json_pack("{s:s, s:b}", "step",
	    "generate-key", "ok", 1));
	return o;
}

static void
test_same_as_jansson(void **state)
{
	json_t	*o = sample();
	size_t	 flags[] = { JSON_COMPACT | JSON_PRESERVE_ORDER,
	    JSON_INDENT(2) | JSON_PRESERVE_ORDER, JSON_COMPACT };
	char	*want, *got;
	size_t	 i, len;

	(void)state;
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		want = json_dumps(o, flags[i]);
		got = off_json_dumps(o, flags[i], &len);
		assert_non_null(want);
		assert_non_null(got);
		assert_string_equal(got, want);
		assert_int_equal(len, strlen(want));
		free(want);
		free(got);
	}
	/* An empty array still gives a string. */
	json_decref(o);
	o = json_array();
	got = off_json_dumps(o, JSON_COMPACT, &len);
	assert_string_equal(got, "[]");
	free(got);
	json_decref(o);
	assert_null(off_json_dumps(NULL, JSON_COMPACT, NULL));
}

static void
test_file_form(void **state)
{
	struct off_err	 err;
	json_t		*o = json_pack("{s:s}", "a", "b");
	char		*s;
	size_t		 len;

	(void)state;
	assert_int_equal(off_json_dump(o, &s, &len, &err), 0);
	assert_string_equal(s, "{\n  \"a\": \"b\"\n}\n");
	assert_int_equal(len, strlen(s));
	free(s);
	json_decref(o);
}

static void
test_every_failure(void **state)
{
	struct off_err	 err;
	json_t		*o = sample();
	char		*want, *got;
	long		 n, total;
	size_t		 len;

	(void)state;
	want = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_non_null(want);
	calls = 0;
	got = off_json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER, NULL);
	total = calls;
	free(got);
	assert_true(total > 3);
	for (n = 0; n < total; n++) {
		fail_at = n;
		calls = 0;
		got = off_json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER,
		    NULL);
		fail_at = -1;
		if (got != NULL)
			fail_msg("realloc %ld of %ld failed, yet a text came "
			    "back: %.60s", n, total, got);
		calls = 0;
		fail_at = n;
		assert_int_equal(off_json_dump(o, &got, &len, &err),
		    OFF_ERR_NOMEM);
		fail_at = -1;
	}
	free(want);
	json_decref(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_jansson),
		cmocka_unit_test(test_file_form),
		cmocka_unit_test(test_every_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
