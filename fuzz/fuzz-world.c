/* libFuzzer target: the world file parser and signature check; what
 * verifies must serialize back to a file that verifies. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "world-int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct off_world	*w = NULL, *again = NULL;
	char			*out = NULL;
	size_t			 len;

	off_json_init();
	if (world_parse((const char *)data, size, "fuzz", &w, NULL) != 0)
		return 0;
	if (world_serialize(w, &out, &len, NULL) != 0 ||
	    world_parse(out, len, "fuzz", &again, NULL) != 0)
		abort();
	free(out);
	off_world_free(&w);
	off_world_free(&again);
	return 0;
}
