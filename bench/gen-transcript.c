/* Benchmark transcripts: ENTRIES entries written by the core's writer
 * (off_transcript_create, _append, _checkpoint, _seal), a checkpoint
 * after every EVERY entries as the engine makes one after every step
 * (a byok-azure rehearsal: about 80 entries, a checkpoint every 4 or
 * 5), entries shaped like a rehearsal's. Prints the ceremony key, for
 * verify --key. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "error.h"
#include "merkle.h"
#include "note.h"
#include "transcript.h"

/* One step of a rehearsal, as the engine records it. */
static int
step(struct off_transcript *t, unsigned long s, unsigned phase,
    struct off_err *err)
{
	char	id[32], next[32];

	snprintf(id, sizeof(id), "step-%lu", s);
	snprintf(next, sizeof(next), "step-%lu", s + 1);
	switch (phase) {
	case 0:
		return off_transcript_append_packed(t, OFF_T_STEP_BEGUN, id,
		    "officer-1", json_pack("{s:s, s:s, s:s}", "type", "action",
		    "title", "Check the KEK file against its noted hash",
		    "role", "admin"), err);
	case 1:
		return off_transcript_append_packed(t, OFF_T_PROMPT, id,
		    "officer-1", json_pack("{s:s, s:s, s:s}", "kind", "check",
		    "text", "The workstation is disconnected from every network",
		    "role", "admin"), err);
	case 2:
		return off_transcript_append_packed(t, OFF_T_PARAMETER, id,
		    "officer-1", json_pack("{s:s, s:s}", "question",
		    "The workstation is disconnected from every network",
		    "answer", "yes"), err);
	case 3:
		return off_transcript_append_packed(t, OFF_T_RESULT, id,
		    "root", json_pack("{s:s, s:{s:s, s:s}, s:{s:b, s:s}}",
		    "action", "package.verify-hash", "args",
		    "file", "/media/transfer/TRAINING-kek.pem",
		    "sha256", "1dda0d9767c8acc95e643d0235e1bd3c"
		    "0f4e2a1d6b33f1c8a79e0c4b2d9f7e15",
		    "result", "ok", 1,
		    "sha256", "1dda0d9767c8acc95e643d0235e1bd3c"
		    "0f4e2a1d6b33f1c8a79e0c4b2d9f7e15"), err);
	default:
		return off_transcript_append_packed(t, OFF_T_STEP_ENDED, id,
		    "officer-1", json_pack("{s:s, s:s}", "result", "done",
		    "next", next), err);
	}
}

int
main(int argc, char *argv[])
{
	struct off_transcript_params	 p;
	struct off_transcript		*t = NULL;
	struct off_err			 err;
	char				 vk[OFF_VKEY_MAX], *end;
	unsigned long			 entries, every, i, since = 0;
	off_hash			 root;
	int				 ret;

	if (argc != 4) {
		fprintf(stderr, "usage: gen-transcript ENTRIES EVERY OUT\n");
		return 2;
	}
	errno = 0;
	entries = strtoul(argv[1], &end, 10);
	if (errno != 0 || *end != '\0' || entries < 3) {
		fprintf(stderr, "gen-transcript: ENTRIES: 3 or more\n");
		return 2;
	}
	every = strtoul(argv[2], &end, 10);
	if (errno != 0 || *end != '\0' || every < 1) {
		fprintf(stderr, "gen-transcript: EVERY: 1 or more\n");
		return 2;
	}
	off_err_clear(&err);
	memset(&p, 0, sizeof(p));
	p.ceremony = "bench";
	p.title = "Benchmark transcript";
	p.actor = "root";
	p.training = 1;
	/* The started entry and its checkpoint, then entries - 2 of the
	 * steps' and the sealed entry. */
	if ((ret = off_transcript_create(argv[3], &p, &t, &err)) != 0)
		goto out;
	for (i = 0; i < entries - 2; i++) {
		if ((ret = step(t, i / 5, (unsigned)(i % 5), &err)) != 0)
			goto out;
		if (++since == every) {
			since = 0;
			if ((ret = off_transcript_checkpoint(t, &err)) != 0)
				goto out;
		}
	}
	if ((ret = off_transcript_checkpoint(t, &err)) != 0)
		goto out;
	off_transcript_vkey(t, vk, sizeof(vk));
	if ((ret = off_transcript_seal(t, "root", root, &err)) != 0)
		goto out;
	printf("%s\n", vk);
out:
	off_transcript_close(&t);
	if (ret != 0) {
		fprintf(stderr, "gen-transcript: %s: %s\n", err.file,
		    err.detail);
		return 1;
	}
	return 0;
}
