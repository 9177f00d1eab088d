/* libFuzzer target: the configuration file, officiant.conf(5), read by
 * off_settings_load; what loads is looked up as the commands do. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fuzzlib.h"
#include "json.h"
#include "settings.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *path;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	off_json_init();
	path = fuzz_path("officiant.conf");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "training", "azure",
	    "vendor-root", "a", "officiant", "TRAINING-chain.pem", NULL };
	struct off_settings	*s = NULL;
	struct off_err		 err;
	uint8_t			 fp[32];
	size_t			 i, len;

	if (size > OFF_SETTINGS_MAX + 1)
		return 0;
	fuzz_write(path, data, size, 0644);
	off_err_clear(&err);
	if (off_settings_load(path, &s, &err) != 0) {
		if (s != NULL)
			abort();
		return 0;
	}
	if (strcmp(off_settings_sources(s), path) != 0)
		abort();
	for (i = 0; names[i] != NULL; i++) {
		if (off_settings_root(s, names[i], fp, &len) == 0 &&
		    len != 20 && len != 32)
			abort();
		(void)off_settings_hash(s, names[i], fp);
	}
	off_settings_free(&s);
	return 0;
}
