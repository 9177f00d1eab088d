/* libFuzzer target: the card file parser; what parses must survive a
 * round trip through the serializer unchanged. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "card.h"
#include "json.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct off_card	*c = NULL, *again = NULL;
	char		*out = NULL, *out2 = NULL;
	size_t		 len, len2;

	off_json_init();
	if (off_card_parse((const char *)data, size, "fuzz", &c, NULL) != 0)
		return 0;
	if (off_card_serialize(c, &out, &len, NULL) != 0 ||
	    off_card_parse(out, len, "fuzz", &again, NULL) != 0 ||
	    off_card_serialize(again, &out2, &len2, NULL) != 0 ||
	    len != len2 || memcmp(out, out2, len) != 0)
		abort();
	free(out);
	free(out2);
	off_card_free(&c);
	off_card_free(&again);
	return 0;
}
