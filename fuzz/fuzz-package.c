/* libFuzzer target: transfer package inspection, off_package_describe
 * (what 'officiant package inspect' shows of an untrusted file). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json.h"
#include "package.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	off_json_init();
	return 0;
}

/* A field is printable: NUL-terminated, no control characters. */
static void
field_ok(const char *s)
{
	size_t	i, n;

	if ((n = strnlen(s, OFF_PACKAGE_FIELD_MAX)) == OFF_PACKAGE_FIELD_MAX)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct off_package_info	 info;
	struct off_err		 err;
	size_t			 i;

	if (size > 1024 * 1024)
		return 0;
	off_err_clear(&err);
	if (off_package_describe(data, size, &info, &err) != 0)
		return 0;
	if (info.len != size || info.nlayouts > 3)
		abort();
	if (info.azure) {
		field_ok(info.schema);
		field_ok(info.kid);
		field_ok(info.alg);
		field_ok(info.enc);
		field_ok(info.generator);
	} else
		for (i = 0; i < info.nlayouts; i++)
			if (info.layouts[i].kek_bits / 8 +
			    info.layouts[i].wrapped != size)
				abort();
	return 0;
}
