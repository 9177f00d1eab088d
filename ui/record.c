#include "config.h"

#include <sys/stat.h>

#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "encode.h"
#include "error.h"
#include "fileio.h"
#include "i18n.h"
#include "pgpwords.h"
#include "record.h"
#include "world.h"

/* Who is at the keyboard, as the system knows them. */
static const char *
operator_name(void)
{
	struct passwd	*pw = getpwuid(getuid());

	return pw != NULL ? pw->pw_name : "unknown";
}

int
record_start(struct record *r, const char *kmdata, const char *ceremony,
    const char *title, const struct off_world *w,
    const struct off_frontend *inner, json_t *params)
{
	struct off_transcript_params	 p;
	struct off_err			 err;
	char				 path[PATH_MAX];
	const char			*key;
	json_t				*v;
	int				 ret;

	memset(r, 0, sizeof(r[0]));
	memset(&p, 0, sizeof(p));
	off_err_clear(&err);
	p.ceremony = ceremony;
	p.title = title;
	p.actor = operator_name();
	p.world = w;
	p.kmdata = kmdata;
	r->step = ceremony;
	if ((ret = off_transcript_new_path(kmdata, ceremony, path,
	    sizeof(path), &err)) != 0 ||
	    (ret = off_transcript_create(path, &p, &r->t, &err)) != 0)
		goto fail;
	json_object_foreach(params, key, v) {
		if ((ret = off_transcript_append(r->t, OFF_T_PARAMETER,
		    r->step, p.actor, json_pack("{s:s, s:O}", "name", key,
		    "value", v), &err)) != 0)
			goto fail;
	}
	if ((ret = off_transcript_append(r->t, OFF_T_STEP_BEGUN, r->step,
	    p.actor, NULL, &err)) != 0 ||
	    (ret = off_transcript_checkpoint(r->t, &err)) != 0)
		goto fail;
	json_decref(params);
	off_transcript_frontend(&r->tfe, r->t, inner, r->step, &r->fe);
	return 0;
fail:
	json_decref(params);
	off_transcript_close(&r->t);
	fprintf(stderr, "%s\n", _("officiant: cannot start the transcript "
	    "that records this operation; nothing was done"));
	return cmd_fail(&err);
}

int
record_finish(struct record *r, const struct off_err *err, json_t *result,
    const char *const *files, const struct off_world *bind_w,
    const char *kmdata)
{
	struct off_err	 e;
	char		 msg[OFF_ERR_DETAIL_MAX + 300];
	char		 words[OFF_PGP_WORDS_LEN(32)];
	off_hash	 root;
	size_t		 i;
	int		 ret;

	off_err_clear(&e);
	if (result == NULL)
		result = json_object();
	json_object_set_new(result, "ok", json_boolean(err == NULL));
	if (err != NULL) {
		off_err_format(err, msg, sizeof(msg));
		json_object_set_new(result, "error", json_string(msg));
	}
	ret = off_transcript_append(r->t, OFF_T_RESULT, r->step,
	    operator_name(), result, &e);
	for (i = 0; ret == 0 && files != NULL && files[i] != NULL; i++)
		ret = off_transcript_file(r->t, r->step, "", files[i], &e);
	if (ret == 0 && bind_w != NULL)
		ret = off_transcript_bind(r->t, bind_w, kmdata, r->step, &e);
	if (ret == 0)
		ret = off_transcript_append(r->t, OFF_T_STEP_ENDED, r->step,
		    operator_name(), json_pack("{s:s}", "result", err == NULL ?
		    "done" : "failed"), &e);
	if (ret == 0)
		ret = off_transcript_checkpoint(r->t, &e);
	if (ret == 0)
		ret = off_transcript_seal(r->t, operator_name(), root, &e);
	if (ret == 0) {
		off_pgp_words(root, OFF_HASH_LEN, words, sizeof(words));
		printf(_("Transcript: %s\nFinal root: %s\n"),
		    off_transcript_path(r->t), words);
	}
	off_transcript_close(&r->t);
	return ret == 0 ? 0 : cmd_fail(&e);
}

int
record_abort(struct record *r, const struct off_err *err, const char *kmdata)
{
	(void)record_finish(r, err, NULL, NULL, NULL, kmdata);
	return cmd_fail(err);
}
