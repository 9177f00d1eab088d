/* Shared by transcript*.c only. */
#ifndef OFF_TRANSCRIPT_INT_H
#define OFF_TRANSCRIPT_INT_H

#include "encode.h"

int	transcript_ceremony_ok(const char *s);
void	transcript_origin(char *out, size_t len, int training,
	    const char *ceremony, const char *id);
/* What a module signs to bind a segment's ceremony key to its world. */
int	transcript_binding_tbs(struct off_tbs *t, const char *origin,
	    unsigned segment, const uint8_t pub[32], const uint8_t world[32],
	    const uint8_t module[16]);

#endif
