/* Ceremony scripts: libconfig files (officiant-ceremony(5)) with roles,
 * typed parameters and steps joined by transitions. Loading checks the
 * schema (declared once, in script.c) and then the graph: dangling and
 * missing transitions, unreachable steps, steps from which no seal can
 * be reached (cycles without exit), undefined references, unknown
 * actions. Every problem is reported with file:line. */
#ifndef OFF_SCRIPT_H
#define OFF_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include <libconfig.h>

struct off_err;

#define OFF_SCRIPT_MAX		(256 * 1024)
#define OFF_SCRIPT_ID_MAX	64

enum off_step_type {
	OFF_STEP_INSTRUCTION,	/* text, acknowledged by the role */
	OFF_STEP_CHECKLIST,	/* items, each confirmed */
	OFF_STEP_ACTION,	/* a registered operation with arguments */
	OFF_STEP_QUORUM,	/* K cards of the world prove a quorum */
	OFF_STEP_AUTHENTICATE,	/* an officer of the role proves presence */
	OFF_STEP_WITNESS,	/* a witness confirms what they saw */
	OFF_STEP_BRANCH,	/* on a value: cases, else default */
	OFF_STEP_EXCEPTION,	/* a deviation recorded and acknowledged */
	OFF_STEP_SEAL,		/* the end: the transcript is sealed */
};

enum off_param_type {
	OFF_PARAM_STRING,	/* optionally matching a pattern */
	OFF_PARAM_CHOICE,
	OFF_PARAM_INTEGER,	/* in [min, max] */
	OFF_PARAM_FILE,		/* an existing regular file */
};

enum off_fail_policy {
	OFF_FAIL_ABORT,
	OFF_FAIL_RETRY,
	OFF_FAIL_GOTO,
};

struct off_role {
	const char	 *id, *title;
	unsigned	  count;
	const char	**coincide;	/* roles the same person may hold */
	size_t		  ncoincide;
	int		  line;
};

struct off_param {
	const char		 *id, *prompt, *help, *pattern, *def;
	enum off_param_type	  type;
	const char		**choices;
	size_t			  nchoices;
	long long		  min, max;
	int			  line;
};

struct off_arg {
	const char	*name;
	const char	*value;		/* may hold ${references} */
};

struct off_case {
	const char	*value;
	size_t		 next;
};

struct off_step {
	const char		 *id, *title, *text, *role, *action, *on;
	enum off_step_type	  type;
	const char		**items;
	size_t			  nitems;
	struct off_arg		 *args;
	size_t			  nargs;
	struct off_case		 *cases;
	size_t			  ncases;
	size_t			  next;		/* index; nsteps for none */
	size_t			  def;		/* branch default */
	enum off_fail_policy	  on_failure;
	size_t			  fail_to;	/* OFF_FAIL_GOTO */
	unsigned		  minutes;	/* estimated duration */
	const char		 *drill;	/* training: a fault, or NULL */
	int			  line;
};

struct off_script {
	config_t		 cfg;		/* owns every string */
	char			 path[4096];
	const char		*id, *title, *description;
	unsigned		 version;
	int			 training_only;
	struct off_role		*roles;
	size_t			 nroles;
	struct off_param	*params;
	size_t			 nparams;
	struct off_step		*steps;
	size_t			 nsteps;
	uint8_t			 sha256[32];	/* of the file's bytes */
	char			**owned;	/* numbers turned to text */
	size_t			  nowned;
};

/* Problems found by off_script_load, each "file:line: text". */
struct off_script_problems {
	char	**msg;
	size_t	  n;
};

/* Load and check a script. On OFF_ERR_FORMAT every problem found is in
 * probs (may be NULL), and err holds the first. */
int	off_script_load(const char *path, struct off_script **s,
	    struct off_script_problems *probs, struct off_err *err);
void	off_script_free(struct off_script **s);
void	off_script_problems_free(struct off_script_problems *probs);

/* Faults a rehearsal can inject at a step (the script's "drill", or
 * the trainer's --drill STEP=FAULT). */
#define OFF_DRILLS	"wrong-pin foreign-card card-removed lost-card power-cut"
int	off_drill_ok(const char *name);

const char *off_step_type_name(enum off_step_type t);
const char *off_param_type_name(enum off_param_type t);
const struct off_param *off_script_param(const struct off_script *s,
	    const char *id);
size_t	off_script_step_index(const struct off_script *s, const char *id);
const struct off_role *off_script_role(const struct off_script *s,
	    const char *id);
/* 1 when s is one line of text a person may have typed for the record:
 * valid UTF-8, no control characters but tab. */
int	off_text_line_ok(const char *s);
/* 1 for a character that would make a terminal or a reader see other
 * than what is written: C1 controls (U+0080-U+009F) and the bidi
 * embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069).
 * Texts people read (scripts, answers) refuse them; screens that show
 * recorded text replace them. */
int	off_char_misleads(uint32_t c);
/* 0 when value is acceptable for p (a file parameter must name an
 * existing regular file); else why in err. */
int	off_param_check(const struct off_param *p, const char *value,
	    struct off_err *err);

/* Where a text that people read sits in a script: of the script itself
 * (id NULL), of a role, a parameter or a step. */
struct off_script_place {
	const char	*of;	/* "script", "role", "parameter", "step" */
	const char	*id;
	const char	*field;	/* "title", "description", "prompt", "help",
				   "text", "items" */
	size_t		 item;	/* items: 1, 2, ...; else 0 */
};
typedef void (*off_script_text_fn)(void *arg,
	    const struct off_script_place *where, const char **text);
/* Each text of s that people read (titles, description, role titles,
 * parameter prompts and help, step texts, checklist items), in the
 * order of the file; fn may put another text in its place. */
void	off_script_texts(struct off_script *s, off_script_text_fn fn,
	    void *arg);

/* Translation of those texts (officiant-ceremony(5), TRANSLATION):
 * off_script_load shows each in the translation fn gives (NULL: the
 * program's message catalogue, as _() does), but only where that is
 * safe: see off_script_refs_same. The file's bytes, its SHA-256 and its
 * ids stay as they are. */
typedef const char *(*off_script_translate_fn)(void *arg, const char *text);
void	off_script_set_translator(off_script_translate_fn fn, void *arg);
/* 1 when b holds the same ${...} references as a, as many times each
 * and in any order, and no "${" that is not a reference: a translation
 * b of a is used only then, so that it cannot change what a ceremony
 * expands. */
int	off_script_refs_same(const char *a, const char *b);

/* Callback resolving a reference name ("ident", "generate.key_file"):
 * its value, or NULL when it has none (yet). */
typedef const char *(*off_lookup_fn)(void *arg, const char *name);
/* Replace every ${name} in in with its value into a malloc'd string;
 * OFF_ERR_NOT_FOUND naming the first unresolved reference. "$$" is a
 * literal "$". */
int	off_expand(const char *in, off_lookup_fn lookup, void *arg,
	    char **out, struct off_err *err);

#endif
