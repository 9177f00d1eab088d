/* libFuzzer target: the transcript reader and verifier. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "transcript.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct off_tlog			*log = NULL;
	struct off_verify_opts		 o;
	struct off_verify_result	 r;
	char				*buf;

	off_json_init();
	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (off_tlog_parse(buf, size, "fuzz", &log, NULL) != 0)
		return 0;
	memset(&o, 0, sizeof(o));
	(void)off_tlog_verify(log, "fuzz", &o, &r, NULL);
	off_tlog_free(&log);
	return 0;
}
