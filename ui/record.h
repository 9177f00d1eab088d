/* Every command that changes a world, a card or a key leaves a short
 * sealed transcript in KMDATA/transcripts/, so that no change of
 * authority goes unrecorded. */
#ifndef OFF_RECORD_H
#define OFF_RECORD_H

#include <jansson.h>

#include "frontend.h"
#include "transcript.h"

struct off_err;
struct off_world;

struct record {
	struct off_transcript	*t;
	struct off_tfe		 tfe;
	struct off_frontend	 fe;	/* talk to people through this */
	const char		*step;
};

/* Start recording; params (stolen) become parameter-set entries. On
 * failure nothing may be done: returns an exit code after saying why. */
int	record_start(struct record *r, const char *kmdata,
	    const char *ceremony, const char *title,
	    const struct off_world *w, const struct off_frontend *inner,
	    json_t *params);
/* Record the outcome (err == NULL: success; result stolen), the files
 * written, a binding to bind_w when given, then seal and say where the
 * transcript is. Returns 0 or an exit code. */
int	record_finish(struct record *r, const struct off_err *err,
	    json_t *result, const char *const *files,
	    const struct off_world *bind_w, const char *kmdata);

/* Record a failure and seal; the exit code for err. */
int	record_abort(struct record *r, const struct off_err *err,
	    const char *kmdata);

#endif
