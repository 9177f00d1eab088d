/* officiant run, training run, script lint|print|list: ceremonies from
 * scripts, through the engine, in line mode. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "encode.h"
#include "engine.h"
#include "error.h"
#include "fe-line.h"
#include "fileio.h"
#include "i18n.h"
#include "kek.h"
#include "module.h"
#include "options.h"
#include "pgpwords.h"
#include "roster.h"
#include "script.h"
#include "slot.h"
#include "tui.h"
#include "world.h"

#define SCRIPT_SUFFIX	".ceremony"

/* training run's options for a world on PKCS#11 tokens */
#define OPT_PKCS11		0x101
#define OPT_TOKEN		0x102
#define OPT_TOKEN_SERIAL	0x103

/* The same directory named twice (the build tree's ceremony/ and
 * $OFFICIANT_CEREMONY_DIR, say) is looked in once. */
static size_t
dedupe_dirs(char dirs[][PATH_MAX], size_t nd)
{
	char	real[4][PATH_MAX];
	size_t	i, j, out = 0;

	for (i = 0; i < nd && i < 4; i++) {
		if (realpath(dirs[i], real[i]) == NULL)
			snprintf(real[i], PATH_MAX, "%s", dirs[i]);
		for (j = 0; j < i; j++)
			if (strcmp(real[i], real[j]) == 0)
				break;
		if (j == i) {
			if (out != i)
				memcpy(dirs[out], dirs[i], PATH_MAX);
			out++;
		}
	}
	return out;
}

/* Where built-in ceremonies are looked for, in order. */
static size_t
script_dirs(char dirs[][PATH_MAX], size_t max)
{
	const char	*env = getenv("OFFICIANT_CEREMONY_DIR");
	char		 exe[PATH_MAX], *slash;
	ssize_t		 n;
	size_t		 nd = 0;

	if (env != NULL && *env != '\0' && nd < max)
		snprintf(dirs[nd++], PATH_MAX, "%s", env);
	/* Next to the program: running from the build tree. */
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL && nd < max) {
			*slash = '\0';
			snprintf(dirs[nd++], PATH_MAX, "%.*s/ceremony",
			    PATH_MAX - 20, exe);
		}
	}
	if (nd < max)
		snprintf(dirs[nd++], PATH_MAX, "%s", CEREMONYDIR);
	return dedupe_dirs(dirs, nd);
}

/* A script named by path, or by the id of a built-in ceremony. */
static int
find_script(const char *name, char *path, size_t len)
{
	char		dirs[4][PATH_MAX];
	size_t		nd, i;
	struct stat	st;

	/* A path has a slash or the suffix; a bare name is a built-in,
	 * whatever files the current directory holds. */
	if (strchr(name, '/') != NULL || (strlen(name) > strlen(SCRIPT_SUFFIX) &&
	    strcmp(name + strlen(name) - strlen(SCRIPT_SUFFIX),
	    SCRIPT_SUFFIX) == 0)) {
		/* Recorded as an absolute path, so a resume finds it. */
		if (realpath(name, path) == NULL)
			snprintf(path, len, "%s", name);
		return 0;
	}
	nd = script_dirs(dirs, 4);
	for (i = 0; i < nd; i++) {
		if (snprintf(path, len, "%s/%s%s", dirs[i], name,
		    SCRIPT_SUFFIX) >= (int)len)
			continue;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			char	real[PATH_MAX];

			if (realpath(path, real) != NULL)
				snprintf(path, len, "%s", real);
			return 0;
		}
	}
	fprintf(stderr, _("officiant: no ceremony \"%s\" (a script file, or "
	    "one of 'officiant script list')\n"), name);
	return EXIT_USAGE;
}

static int
load_script(const char *name, struct off_script **s)
{
	struct off_script_problems	 probs;
	struct off_err			 err;
	char				 path[PATH_MAX];
	size_t				 i;
	int				 ret;

	if ((ret = find_script(name, path, sizeof(path))) != 0)
		return ret;
	off_err_clear(&err);
	if (off_script_load(path, s, &probs, &err) == 0)
		return 0;
	for (i = 0; i < probs.n; i++)
		fprintf(stderr, "%s\n", probs.msg[i]);
	if (probs.n == 0)
		(void)cmd_fail(&err);
	off_script_problems_free(&probs);
	return cmd_exit_code(err.code);
}

static const char *
operator_name(void)
{
	struct passwd	*pw = getpwuid(getuid());

	return pw != NULL ? pw->pw_name : "unknown";
}

/* --set NAME=VALUE into preset. */
static int
add_preset(json_t *preset, const char *s)
{
	const char	*eq = strchr(s, '=');
	char		 name[64];

	if (eq == NULL || eq == s || (size_t)(eq - s) >= sizeof(name))
		return -1;
	memcpy(name, s, (size_t)(eq - s));
	name[eq - s] = '\0';
	return json_object_set_new(preset, name, json_string(eq + 1));
}

struct run_opts {
	json_t		*drills;
	int		 line;		/* line mode even on a terminal */
	const char	*kmarg, *slot_dir, *drawer_dir, *workdir, *roster;
	const char	*card_p11;
	json_t		*preset;
	int		 training;
};

static int
drive(struct off_script *s, const struct run_opts *ro, const char *kmdata,
    const char *resume)
{
	struct off_engine_opts	 o;
	struct off_engine	*e = NULL;
	struct off_slot		*slot = NULL;
	struct off_frontend	 fe;
	struct fe_line		 line;
	struct off_err		 err;
	char			 words[OFF_PGP_WORDS_LEN(32)];
	char			 tpath[PATH_MAX];
	const uint8_t		*root;
	int			 ret, st;

	struct off_roster	*roster = NULL;
	struct tui		*tui = NULL;

	off_err_clear(&err);
	if (ro->roster != NULL && off_roster_load(ro->roster, &roster,
	    &err) != 0)
		return cmd_fail(&err);
	if ((ro->slot_dir != NULL || ro->drawer_dir != NULL ||
	    ro->card_p11 != NULL) && (ret = opt_open_slot(ro->slot_dir,
	    ro->drawer_dir, ro->card_p11, &slot)) != 0) {
		off_roster_free(&roster);
		return ret;
	}
	fe_line_init(&fe, &line);
	line.training = ro->training;
	/* The full screen for people at a terminal; line mode otherwise. */
	if (!ro->line && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) &&
	    getenv("TERM") != NULL && strcmp(getenv("TERM"), "dumb") != 0)
		tui = tui_open(ro->training, &fe);
	if (tui != NULL && slot != NULL)
		tui_slot(tui, slot);
	memset(&o, 0, sizeof(o));
	o.kmdata = kmdata;
	o.slot = slot;
	o.fe = &fe;
	o.actor = operator_name();
	o.workdir = ro->workdir;
	o.config = opt_config;
	o.training = ro->training;
	o.preset = ro->preset;
	o.drills = ro->drills;
	o.roster = roster;
	if (ro->training)
		printf("%s\n", _("*** TRAINING: a rehearsal on a throw-away "
		    "world; nothing here is real ***"));
	printf(_("Ceremony: %s (%s, version %u)\n"), s->title, s->id,
	    s->version);
	if ((resume != NULL ? off_engine_resume(resume, s, &o, &e, &err) :
	    off_engine_start(s, &o, &e, &err)) != 0) {
		tui_close(&tui);
		off_slot_close(&slot);
		off_roster_free(&roster);
		return cmd_fail(&err);
	}
	if (tui == NULL)
		printf(_("Transcript: %s\n"), off_engine_transcript_path(e));
	st = tui != NULL ? tui_run(tui, e, &err) : off_engine_run(e, &err);
	/* The terminal back before anything is printed. */
	tui_close(&tui);
	if (st < 0) {
		/* Interrupting closes the transcript, and its path goes. */
		snprintf(tpath, sizeof(tpath), "%s",
		    off_engine_transcript_path(e));
		off_engine_interrupt(e, err.detail);
		fprintf(stderr, _("officiant: the ceremony stopped: %s\n"
		    "The transcript %s is unsealed and can be resumed.\n"),
		    err.detail, tpath);
		ret = err.code == OFF_ERR_CANCELLED ||
		    err.code == OFF_ERR_INTERRUPTED ? EXIT_CANCELLED :
		    cmd_exit_code(err.code);
	} else {
		root = off_engine_root(e);
		off_pgp_words(root, 32, words, sizeof(words));
		printf(_("%s\nTranscript: %s\nFinal root: %s\n"),
		    st == OFF_ENGINE_DONE ? _("The ceremony is complete.") :
		    _("The ceremony was aborted."),
		    off_engine_transcript_path(e), words);
		ret = st == OFF_ENGINE_DONE ? EXIT_OK : EXIT_FAILED;
	}
	off_engine_free(&e);
	off_slot_close(&slot);
	off_roster_free(&roster);
	return ret;
}

/* A rehearsal's throw-away world whose cards are on blank PKCS#11
 * tokens (card_p11) and/or whose module is on a token (token): the
 * tokens' transport PINs are the trainee's to type; the cards' PINs
 * are the training ones all the same. */
static int
training_world_p11(const char *kmdata, const char *drawer,
    const char *card_p11, const struct off_module_token *token,
    const char *const *pins)
{
	struct off_frontend		 fe;
	struct fe_line			 line;
	struct off_slot			*slot = NULL;
	struct off_world		*w = NULL;
	struct off_err			 err;
	const struct off_module_token	*t;
	int				 ret;

	off_err_clear(&err);
	if (card_p11 != NULL)
		ret = opt_open_slot(NULL, NULL, card_p11, &slot);
	else if ((ret = off_slot_open(&slot, "drawer", drawer, &err)) != 0)
		ret = cmd_fail(&err);
	if (ret != 0)
		return ret;
	fe_line_init(&fe, &line);
	line.training = 1;
	ret = off_training_world_slot(kmdata, slot, token, 2, 3, pins, &fe,
	    &w, &err);
	off_slot_close(&slot);
	if (ret != 0)
		return cmd_fail(&err);
	if (card_p11 != NULL)
		printf(_("TRAINING world made in %s: 2 of 3 cards on PKCS#11 "
		    "tokens of %s, PINs 1111, 2222 and 3333\n"), kmdata,
		    card_p11);
	else
		printf(_("TRAINING world made in %s: 2 of 3 cards in "
		    "%s, PINs 1111, 2222 and 3333\n"), kmdata, drawer);
	if ((t = off_world_module_token(w, 0)) != NULL)
		printf(_("Its keys are made on token \"%s\" (serial %s), "
		    "which asks for its own user PIN.\n"), t->label,
		    t->serial);
	off_world_free(&w);
	return 0;
}

static int
run_common(const struct cmd_entry *e, int argc, char **argv, int training)
{
	static const struct option opts[] = {
		{ "kmdata", required_argument, NULL, 'k' },
		{ "slot", required_argument, NULL, 's' },
		{ "drawer", required_argument, NULL, 'd' },
		{ "card-pkcs11", required_argument, NULL, OPT_CARD_PKCS11 },
		{ "pkcs11", required_argument, NULL, OPT_PKCS11 },
		{ "token", required_argument, NULL, OPT_TOKEN },
		{ "token-serial", required_argument, NULL, OPT_TOKEN_SERIAL },
		{ "set", required_argument, NULL, 'S' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "dir", required_argument, NULL, 'D' },
		{ "roster", required_argument, NULL, 'r' },
		{ "line", no_argument, NULL, 'L' },
		{ "drill", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const pins[] = { "1111", "2222", "3333" };
	struct run_opts		 ro;
	struct off_script	*s = NULL;
	struct off_world	*w = NULL;
	struct off_module_token	 token;
	struct off_err		 err;
	char			 kmdata[PATH_MAX], tdir[PATH_MAX];
	char			 drawer[PATH_MAX];
	const char		*dir = NULL;
	int			 c, ret, on_token = 0, file_drill = 0;
	size_t			 i;

	memset(&ro, 0, sizeof(ro));
	memset(&token, 0, sizeof(token));
	ro.training = training;
	if ((ro.preset = json_object()) == NULL ||
	    (ro.drills = json_object()) == NULL) {
		json_decref(ro.preset);
		return EXIT_FAILED;
	}
	while ((c = getopt_long(argc, argv, "k:s:d:S:w:D:r:x:Lh", opts, NULL)) !=
	    -1) {
		switch (c) {
		case 'k':
			ro.kmarg = optarg;
			break;
		case 's':
			ro.slot_dir = optarg;
			break;
		case 'd':
			ro.drawer_dir = optarg;
			break;
		case OPT_CARD_PKCS11:
			ro.card_p11 = optarg;
			break;
		case OPT_PKCS11:
		case OPT_TOKEN:
		case OPT_TOKEN_SERIAL:
			if (!training || strlen(optarg) >= (c == OPT_PKCS11 ?
			    sizeof(token.library) : c == OPT_TOKEN ?
			    sizeof(token.label) : sizeof(token.serial)) ||
			    (c == OPT_PKCS11 && *optarg != '/')) {
				json_decref(ro.preset);
				json_decref(ro.drills);
				return cmd_usage(e, !training ? _("--pkcs11, "
				    "--token and --token-serial are for a "
				    "rehearsal's world; a real world names its "
				    "token itself") : c == OPT_PKCS11 ?
				    _("--pkcs11 takes the absolute path of a "
				    "PKCS#11 library") : c == OPT_TOKEN ?
				    _("--token takes a label of at most 32 "
				    "bytes") :
				    _("--token-serial takes a serial of at most "
				    "16 characters"));
			}
			if (c == OPT_PKCS11) {
				snprintf(token.library, sizeof(token.library),
				    "%s", optarg);
				on_token = 1;
			} else if (c == OPT_TOKEN)
				snprintf(token.label, sizeof(token.label),
				    "%s", optarg);
			else
				snprintf(token.serial, sizeof(token.serial),
				    "%s", optarg);
			break;
		case 'S':
			if (add_preset(ro.preset, optarg) != 0) {
				json_decref(ro.preset);
				return cmd_usage(e, _("--set takes NAME=VALUE"));
			}
			break;
		case 'w':
			ro.workdir = optarg;
			break;
		case 'D':
			dir = optarg;
			break;
		case 'r':
			ro.roster = optarg;
			break;
		case 'L':
			ro.line = 1;
			break;
		case 'x':
			if (!training || add_preset(ro.drills, optarg) != 0 ||
			    off_drill_ok(strchr(optarg, '=') + 1) != 0) {
				json_decref(ro.preset);
				json_decref(ro.drills);
				return cmd_usage(e, training ? _("--drill takes "
				    "STEP=FAULT, FAULT one of %s") : _("drills "
				    "are for training runs"), OFF_DRILLS);
			}
			if (strcmp(strchr(optarg, '=') + 1, "lost-card") ==
			    0 || strcmp(strchr(optarg, '=') + 1,
			    "foreign-card") == 0)
				file_drill = 1;
			break;
		case 'h':
			json_decref(ro.drills);
			json_decref(ro.preset);
			if (training)
				/* TRANSLATORS: --help: keep the options,
				   and the descriptions in their column
				   (24 mostly), lines that go on too; at
				   most 79 columns a line. */
				return cmd_help(e, _("  -D, --dir DIR        "
				    "where the throw-away world goes (default: "
				    "a new\n                       directory in "
				    /* TRANSLATORS: --help: keep the options,
				       and the descriptions in their column
				       (24 mostly), lines that go on too; at
				       most 79 columns a line. */
				    "$TMPDIR)\n"), _(
				    "      --pkcs11 LIBRARY keep keys on a "
				    "PKCS#11 token (the module's path)\n"
				    "      --token LABEL    the token's label\n"
				    "      --token-serial SERIAL  the token's "
				    "serial number\n"),
				    /* TRANSLATORS: --help: keep the options,
				       and the descriptions in their column
				       (24 mostly), lines that go on too; at
				       most 79 columns a line. */
				    _("      --card-pkcs11 LIBRARY  cards on "
				    "blank PKCS#11 tokens of this module:\n"
				    "                       their transport "
				    "PINs are asked, the cards' PINs are\n"
				    "                       1111, 2222 and 3333 "
				    "all the same\n"),
				    _("  -S, --set NAME=VALUE "
				    "a parameter's value, instead of asking\n"
				    "  -L, --line           line mode even on a "
				    "terminal\n"
				    "  -x, --drill STEP=FAULT\n"
				    "                       inject a fault at a "
				    "step: wrong-pin, foreign-card,\n"
				    "                       card-removed, "
				    "lost-card or power-cut\n"),
				    _(HELP_HELP), _("\nRehearses the ceremony "
				    "on a throw-away world with simulated cards "
				    "(file cards\nin DIR/cards; a world it needs "
				    "is made first, cards' PINs 1111, 2222,\n"
				    "3333) and simulated officers. Every prompt "
				    "and the transcript say TRAINING.\n"),
				    NULL);
			return cmd_help(e, _(HELP_KMDATA), _(HELP_SLOT),
			    /* TRANSLATORS: --help: keep the options,
			       and the descriptions in their column
			       (24 mostly), lines that go on too; at
			       most 79 columns a line. */
			    _("  -S, --set NAME=VALUE a parameter's value, "
			    "instead of asking\n"
			    "  -w, --workdir DIR    ${workdir} in the script "
			    "(default .)\n"
			    "  -L, --line           line mode even on a "
			    "terminal (numbered prompts)\n"
			    "  -r, --roster FILE    the officers and their "
			    "YubiKeys (officiant-roster(5));\n"
			    "                       replay state in "
			    "KMDATA/otp-state\n"), _(HELP_HELP), _("\nRuns the "
			    "ceremony step by step: prompts are numbered, "
			    "answers are read\nfrom standard input, and "
			    "everything is written to a transcript in\n"
			    "KMDATA/transcripts.\n"), NULL);
		default:
			json_decref(ro.preset);
			json_decref(ro.drills);
			return cmd_usage(e, NULL);
		}
	}
	if (optind + 1 != argc) {
		json_decref(ro.preset);
		json_decref(ro.drills);
		return cmd_usage(e, _("give one ceremony"));
	}
	if (!on_token && (*token.label != '\0' || *token.serial != '\0')) {
		json_decref(ro.preset);
		json_decref(ro.drills);
		return cmd_usage(e, _("--token and --token-serial go with "
		    "--pkcs11"));
	}
	if (training && ro.card_p11 != NULL && file_drill) {
		json_decref(ro.preset);
		json_decref(ro.drills);
		return cmd_usage(e, _("the lost-card and foreign-card drills "
		    "move card files; they are not done with cards on PKCS#11 "
		    "tokens"));
	}
	if ((ret = load_script(argv[optind], &s)) != 0)
		goto out;
	off_err_clear(&err);
	if (training) {
		if (dir == NULL) {
			const char	*tmp = getenv("TMPDIR");

			snprintf(tdir, sizeof(tdir), "%s/officiant-training."
			    "XXXXXX", tmp != NULL && *tmp == '/' ? tmp : "/tmp");
			if (mkdtemp(tdir) == NULL) {
				fprintf(stderr, _("officiant: cannot make a "
				    "training directory in %s\n"), tdir);
				ret = EXIT_FAILED;
				goto out;
			}
			dir = tdir;
		}
		if (off_path_join(kmdata, sizeof(kmdata), dir, "kmdata") != 0 ||
		    off_path_join(drawer, sizeof(drawer), dir, "cards") != 0 ||
		    off_mkdirs(drawer, &err) != 0) {
			ret = cmd_fail(&err);
			goto out;
		}
		/* Cards on tokens, or file cards in DIR/cards. */
		ro.drawer_dir = ro.card_p11 == NULL ? drawer : NULL;
		ro.slot_dir = NULL;
		/* A ceremony that does not make its world gets one. */
		for (i = 0; i < s->nsteps; i++)
			if (s->steps[i].type == OFF_STEP_ACTION &&
			    strcmp(s->steps[i].action, "world.create") == 0)
				break;
		if (i < s->nsteps && on_token) {
			ret = cmd_usage(e, _("this ceremony makes its own "
			    "world, with the soft module; --pkcs11 is for the "
			    "world a rehearsal makes first"));
			goto out;
		}
		if (i == s->nsteps && off_world_load(kmdata, &w, &err) == 0)
			;
		else if (i == s->nsteps && (on_token || ro.card_p11 != NULL)) {
			if ((ret = training_world_p11(kmdata, drawer,
			    ro.card_p11, on_token ? &token : NULL, pins)) != 0)
				goto out;
		} else if (i == s->nsteps) {
			off_err_clear(&err);
			if (off_training_world(kmdata, drawer, 2, 3, pins, &w,
			    &err) != 0) {
				ret = cmd_fail(&err);
				goto out;
			}
			printf(_("TRAINING world made in %s: 2 of 3 cards in "
			    "%s, PINs 1111, 2222 and 3333\n"), kmdata, drawer);
		}
		off_world_free(&w);
	} else if (opt_kmdata(ro.kmarg, kmdata, sizeof(kmdata)) != 0) {
		ret = cmd_usage(e, _("cannot tell where KMDATA is; give "
		    "--kmdata DIR"));
		goto out;
	}
	ret = drive(s, &ro, kmdata, NULL);
	if (training)
		printf(_("The training world stays in %s until you remove "
		    "it.\n"), dir);
out:
	off_script_free(&s);
	json_decref(ro.preset);
	json_decref(ro.drills);
	return ret;
}

/* dir of path (a copy in buf), "." when it has none. */
static void
parent(const char *path, char *buf, size_t len)
{
	char	*slash;

	snprintf(buf, len, "%s", path);
	if ((slash = strrchr(buf, '/')) == NULL)
		snprintf(buf, len, ".");
	else if (slash == buf)
		buf[1] = '\0';
	else
		*slash = '\0';
}

static int
run_resume(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kmdata", required_argument, NULL, 'k' },
		{ "slot", required_argument, NULL, 's' },
		{ "drawer", required_argument, NULL, 'd' },
		{ "card-pkcs11", required_argument, NULL, OPT_CARD_PKCS11 },
		{ "roster", required_argument, NULL, 'r' },
		{ "line", no_argument, NULL, 'L' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct run_opts		 ro;
	struct off_script	*s = NULL;
	struct off_err		 err;
	char			 kmdata[PATH_MAX], tdir[PATH_MAX], drawer[PATH_MAX];
	char			 spath[PATH_MAX];
	uint8_t			 sha[32];
	int			 c, ret, training;

	memset(&ro, 0, sizeof(ro));
	while ((c = getopt_long(argc, argv, "k:s:d:r:w:Lh", opts, NULL)) !=
	    -1) {
		switch (c) {
		case 'k':
			ro.kmarg = optarg;
			break;
		case 's':
			ro.slot_dir = optarg;
			break;
		case 'd':
			ro.drawer_dir = optarg;
			break;
		case OPT_CARD_PKCS11:
			ro.card_p11 = optarg;
			break;
		case 'r':
			ro.roster = optarg;
			break;
		case 'L':
			ro.line = 1;
			break;
		case 'w':
			ro.workdir = optarg;
			break;
		case 'h':
			/* TRANSLATORS: --help: keep the options,
			   and the descriptions in their column
			   (24 mostly), lines that go on too; at
			   most 79 columns a line. */
			return cmd_help(e, _("  -k, --kmdata DIR     the "
			    "world's KMDATA (default: the one holding the\n"
			    "                       transcript)\n"),
			    /* TRANSLATORS: --help: keep the options,
			       and the descriptions in their column
			       (24 mostly), lines that go on too; at
			       most 79 columns a line. */
			    _(HELP_SLOT), _("  -L, --line           line "
			    "mode even on a terminal\n"
			    "  -r, --roster FILE    the "
			    "officers and their YubiKeys\n"
			    "  -w, --workdir DIR    ${workdir} in the script\n"),
			    _(HELP_HELP), _("\nVerifies the unsealed "
			    "transcript and the files its steps wrote, then\n"
			    "goes on at the first unfinished step under a new "
			    "ceremony key; a step\nwhose action completed is "
			    "not done again. A rehearsal's cards default to\n"
			    "the training directory's cards/.\n"), NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind + 1 != argc)
		return cmd_usage(e, _("give the transcript to resume"));
	off_err_clear(&err);
	if (off_engine_script_of(argv[optind], spath, sizeof(spath), sha,
	    &training, &err) != 0)
		return cmd_fail(&err);
	/* The script as recorded, else the built-in of that name. */
	if (access(spath, R_OK) != 0) {
		const char	*base = strrchr(spath, '/');
		char		 id[PATH_MAX];

		snprintf(id, sizeof(id), "%s", base != NULL ? base + 1 : spath);
		if (strlen(id) > strlen(SCRIPT_SUFFIX) && strcmp(id +
		    strlen(id) - strlen(SCRIPT_SUFFIX), SCRIPT_SUFFIX) == 0)
			id[strlen(id) - strlen(SCRIPT_SUFFIX)] = '\0';
		snprintf(spath, sizeof(spath), "%s", id);
	}
	if ((ret = load_script(spath, &s)) != 0)
		return ret;
	ro.training = training;
	/* KMDATA/transcripts/FILE */
	if (ro.kmarg != NULL)
		snprintf(kmdata, sizeof(kmdata), "%s", ro.kmarg);
	else {
		parent(argv[optind], tdir, sizeof(tdir));
		parent(tdir, kmdata, sizeof(kmdata));
	}
	if (training && ro.slot_dir == NULL && ro.drawer_dir == NULL &&
	    ro.card_p11 == NULL) {
		parent(kmdata, tdir, sizeof(tdir));
		if (off_path_join(drawer, sizeof(drawer), tdir, "cards") == 0)
			ro.drawer_dir = drawer;
	}
	ret = drive(s, &ro, kmdata, argv[optind]);
	off_script_free(&s);
	return ret;
}

static int
run_run(const struct cmd_entry *e, int argc, char **argv)
{
	return run_common(e, argc, argv, 0);
}

static int
run_training(const struct cmd_entry *e, int argc, char **argv)
{
	return run_common(e, argc, argv, 1);
}

static int
script_lint(const struct cmd_entry *e, int argc, char **argv)
{
	struct off_script_problems	 probs;
	struct off_script		*s = NULL;
	struct off_err			 err;
	char				 path[PATH_MAX];
	size_t				 j;
	int				 i, ret = EXIT_OK;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0))
		return cmd_help(e, _(HELP_HELP), _("\nChecks each script: the "
		    "schema (unknown settings, wrong types), then the\nsteps: "
		    "dangling transitions, unreachable steps, steps with no "
		    "way to a seal,\nundefined parameters and results, unknown "
		    "actions and arguments. Every\nproblem is printed as "
		    "FILE:LINE: what.\n"), NULL);
	if (argc < 2)
		return cmd_usage(e, _("give one or more scripts"));
	for (i = 1; i < argc; i++) {
		if (find_script(argv[i], path, sizeof(path)) != 0) {
			ret = EXIT_USAGE;
			continue;
		}
		off_err_clear(&err);
		if (off_script_load(path, &s, &probs, &err) == 0) {
			printf(_("%s: OK (%s, %zu steps)\n"), path, s->id,
			    s->nsteps);
			off_script_free(&s);
			continue;
		}
		for (j = 0; j < probs.n; j++)
			printf("%s\n", probs.msg[j]);
		if (probs.n == 0)
			(void)cmd_fail(&err);
		off_script_problems_free(&probs);
		ret = cmd_exit_code(err.code);
	}
	return ret;
}

static void
print_wrapped(const char *indent, const char *text)
{
	const char	*p = text;
	size_t		 col = 0, w;

	printf("%s", indent);
	while (*p != '\0') {
		w = strcspn(p, " \n");
		if (col > 0 && col + 1 + w > 68) {
			printf("\n%s", indent);
			col = 0;
		} else if (col > 0 && w > 0) {
			/* The space goes before a word, never at the end. */
			putchar(' ');
			col++;
		}
		printf("%.*s", (int)w, p);
		col += w;
		p += w;
		if (*p == '\n') {
			printf("\n%s", indent);
			col = 0;
		}
		if (*p != '\0')
			p++;
	}
	printf("\n");
}

/* A kind of step or parameter as the paper document names it. */
static const char *
step_kind(enum off_step_type t)
{
	static const char *const kinds[] = {
		/* TRANSLATORS: the kinds of step of a ceremony (nouns), as
		   'script print' names them after a step's title: "[ ] 3.
		   Prepare the room (checklist, by admin, about 5 min)". */
		N_("instruction"),
		/* TRANSLATORS: a kind of step, see "instruction". */
		N_("checklist"),
		/* TRANSLATORS: a kind of step, see "instruction". */
		N_("action"),
		/* TRANSLATORS: a kind of step, see "instruction". */
		N_("quorum"),
		/* TRANSLATORS: a kind of step, see "instruction". */
		N_("authenticate"),
		/* TRANSLATORS: a kind of step, see "instruction". */
		N_("witness"),
		/* TRANSLATORS: a kind of step, see "instruction". */
		N_("branch"),
		/* TRANSLATORS: a kind of step, see "instruction". */
		N_("exception"),
		/* TRANSLATORS: a kind of step, see "instruction". */
		N_("seal")
	};

	return (size_t)t < sizeof(kinds) / sizeof(kinds[0]) ? _(kinds[t]) :
	    off_step_type_name(t);
}

static const char *
param_kind(enum off_param_type t)
{
	static const char *const kinds[] = {
		/* TRANSLATORS: the types of a ceremony's parameters, as
		   'script print' names them: "k  Cards needed (integer,
		   default 2)". */
		N_("string"),
		/* TRANSLATORS: a type of parameter, see "string". */
		N_("choice"),
		/* TRANSLATORS: a type of parameter, see "string". */
		N_("integer"),
		/* TRANSLATORS: a type of parameter, see "string". */
		N_("file")
	};

	return (size_t)t < sizeof(kinds) / sizeof(kinds[0]) ? _(kinds[t]) :
	    off_param_type_name(t);
}

static int
script_print(const struct cmd_entry *e, int argc, char **argv)
{
	struct off_script	*s = NULL;
	char			 hex[65], words[OFF_PGP_WORDS_LEN(32)];
	unsigned		 total = 0;
	size_t			 i, j;
	int			 ret;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0))
		return cmd_help(e, _(HELP_HELP), _("\nPrints the ceremony as "
		    "the paper document the people in the room follow\nand "
		    "initial, with the script's SHA-256 in words so that "
		    "everyone can\nconfirm they hold the same script.\n"),
		    NULL);
	if (argc != 2)
		return cmd_usage(e, _("give one script"));
	if ((ret = load_script(argv[1], &s)) != 0)
		return ret;
	off_hex(s->sha256, 32, hex);
	off_pgp_words(s->sha256, 32, words, sizeof(words));
	/* TRANSLATORS: the head of the paper document ('script print'):
	   the ceremony's title, then its id and version, under the title
	   (indented as far as "CEREMONY  " is long). */
	printf(_("CEREMONY  %s\n          %s, version %u\n"), s->title, s->id,
	    s->version);
	if (s->training_only)
		/* TRANSLATORS: under the id and version of the head. */
		printf("%s\n", _("          TRAINING ONLY"));
	if (s->description != NULL) {
		printf("\n");
		print_wrapped("", s->description);
	}
	printf(_("\nScript SHA-256 %s\n"), hex);
	print_wrapped("  ", words);
	if (s->nroles > 0)
		printf("%s", _("\nROLES\n"));
	for (i = 0; i < s->nroles; i++)
		/* TRANSLATORS: 'script print': a role's id (padded to 16),
		   its title and how many people hold it, then lines the
		   people fill in by hand. */
		printf(_("  %-16s %s (%u)   name: ____________________  "
		    "initials: ____\n"), s->roles[i].id, s->roles[i].title,
		    s->roles[i].count);
	if (s->nparams > 0)
		printf("%s", _("\nPARAMETERS\n"));
	for (i = 0; i < s->nparams; i++)
		if (s->params[i].def != NULL)
			/* TRANSLATORS: 'script print': a parameter's id
			   (padded to 16), its prompt, its type, its default
			   value, then a line filled in by hand. */
			printf(_("  %-16s %s (%s, default %s)   value: "
			    "____________________\n"), s->params[i].id,
			    s->params[i].prompt,
			    param_kind(s->params[i].type), s->params[i].def);
		else
			/* TRANSLATORS: as above, without a default. */
			printf(_("  %-16s %s (%s)   value: "
			    "____________________\n"), s->params[i].id,
			    s->params[i].prompt,
			    param_kind(s->params[i].type));
	printf("%s", _("\nSTEPS\n"));
	for (i = 0; i < s->nsteps; i++) {
		const struct off_step	*st = &s->steps[i];

		total += st->minutes;
		printf("\n[ ] %zu. %s  ", i + 1, st->title != NULL ?
		    st->title : st->id);
		if (st->role != NULL && st->minutes > 0)
			/* TRANSLATORS: after a step's title on the paper
			   document: its kind, the role (an id as in ROLES)
			   that carries it out, the minutes it takes. */
			printf(_("(%s, by %s, about %u min)\n"),
			    step_kind(st->type), st->role, st->minutes);
		else if (st->role != NULL)
			/* TRANSLATORS: as above, without the minutes. */
			printf(_("(%s, by %s)\n"), step_kind(st->type),
			    st->role);
		else if (st->minutes > 0)
			/* TRANSLATORS: as above, without a role. */
			printf(_("(%s, about %u min)\n"), step_kind(st->type),
			    st->minutes);
		else
			printf("(%s)\n", step_kind(st->type));
		if (st->text != NULL)
			print_wrapped("      ", st->text);
		for (j = 0; j < st->nitems; j++)
			printf("      [ ] %s\n", st->items[j]);
		if (st->type == OFF_STEP_ACTION)
			/* TRANSLATORS: the name of the action (as in the
			   script: "world.create"), then its arguments. */
			printf(_("      action %s\n"), st->action);
		for (j = 0; j < st->nargs; j++)
			printf("        %s = %s\n", st->args[j].name,
			    st->args[j].value);
		for (j = 0; j < st->ncases; j++)
			/* TRANSLATORS: a branch: if ${param} is "value": go
			   to step-id (all three as in the script). */
			printf(_("      if %s is \"%s\": go to %s\n"), st->on,
			    st->cases[j].value,
			    s->steps[st->cases[j].next].id);
		if (st->type == OFF_STEP_BRANCH)
			printf(_("      otherwise: go to %s\n"),
			    s->steps[st->def].id);
		else if (st->type != OFF_STEP_SEAL && st->next != i + 1)
			printf(_("      then: go to %s\n"),
			    s->steps[st->next].id);
		if (st->on_failure == OFF_FAIL_RETRY)
			printf("%s", _("      on failure: try again\n"));
		else if (st->on_failure == OFF_FAIL_GOTO)
			printf(_("      on failure: go to %s\n"),
			    s->steps[st->fail_to].id);
		printf("%s", _("      time: ______   initials: ____  ____\n"));
	}
	printf(_("\nEstimated time: %u min\n"), total);
	printf("%s", _("\nFinal root (words): ______________________"
	    "______________________\nSignatures: ____________________  "
	    "____________________\n"));
	off_script_free(&s);
	return EXIT_OK;
}

static int
is_script(const struct dirent *de)
{
	size_t	len = strlen(de->d_name);

	return de->d_name[0] != '.' && len > strlen(SCRIPT_SUFFIX) &&
	    strcmp(de->d_name + len - strlen(SCRIPT_SUFFIX),
	    SCRIPT_SUFFIX) == 0;
}

void
run_each_ceremony(void (*fn)(void *, const char *, const char *,
    const char *), void *arg)
{
	struct off_script	*s;
	struct off_err		 err;
	struct dirent		**list;
	char			 dirs[4][PATH_MAX], path[PATH_MAX], name[NAME_MAX];
	size_t			 nd, i, len;
	int			 n, j;

	nd = script_dirs(dirs, 4);
	for (i = 0; i < nd; i++) {
		if ((n = scandir(dirs[i], &list, is_script, alphasort)) < 0)
			continue;
		for (j = 0; j < n; j++) {
			len = strlen(list[j]->d_name) - strlen(SCRIPT_SUFFIX);
			snprintf(name, sizeof(name), "%.*s", (int)len,
			    list[j]->d_name);
			off_err_clear(&err);
			if (off_path_join(path, sizeof(path), dirs[i],
			    list[j]->d_name) != 0)
				;
			else if (off_script_load(path, &s, NULL, &err) != 0)
				fn(arg, dirs[i], name, NULL);
			else {
				fn(arg, dirs[i], name, s->title);
				off_script_free(&s);
			}
			free(list[j]);
		}
		free(list);
	}
}

static void
list_one(void *arg, const char *dir, const char *name, const char *title)
{
	const char	**last = arg;

	if (*last == NULL || strcmp(*last, dir) != 0) {
		/* TRANSLATORS: 'script list': a directory of ceremonies, as
		   a heading (the colon may be translated). */
		printf(_("%s:\n"), dir);
		*last = dir;
	}
	if (title != NULL)
		printf("  %-24s %s\n", name, title);
	else
		/* TRANSLATORS: 'script list': a ceremony's name padded to
		   24, where its title would be. */
		printf(_("  %-24s (does not load; 'officiant script lint' says "
		    "why)\n"), name);
}

static int
script_list(const struct cmd_entry *e, int argc, char **argv)
{
	const char	*last = NULL;

	(void)argv;
	if (argc != 1)
		return argc == 2 && strcmp(argv[1], "--help") == 0 ?
		    cmd_help(e, _(HELP_HELP), _("\nLists the built-in "
		    "ceremonies by the name 'run' takes, in the order they are "
		    "looked\nfor: $OFFICIANT_CEREMONY_DIR, ceremony/ next to "
		    "the program, the installed\nones; a name found earlier "
		    "hides the same name later.\n"), NULL) :
		    cmd_usage(e, NULL);
	run_each_ceremony(list_one, &last);
	return EXIT_OK;
}

const struct cmd_entry cmd_run_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"run", "", N_("[--kmdata DIR] [--slot DIR | --drawer DIR | "
	    "--card-pkcs11 LIBRARY] "
	    "[--roster FILE] [--set NAME=VALUE]... [--workdir DIR] [--line] "
	    "CEREMONY"),
	N_("run a ceremony from its script"),
	run_run
};
const struct cmd_entry cmd_resume_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"resume", "", N_("[--kmdata DIR] [--slot DIR | --drawer DIR | "
	    "--card-pkcs11 LIBRARY] "
	    "[--roster FILE] [--workdir DIR] [--line] TRANSCRIPT"),
	N_("go on with an interrupted ceremony"),
	run_resume
};
const struct cmd_entry cmd_training_run_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"training", "run", N_("[--dir DIR] [--pkcs11 LIBRARY [--token LABEL] "
	    "[--token-serial SERIAL]] [--card-pkcs11 LIBRARY] "
	    "[--set NAME=VALUE]... "
	    "[--drill STEP=FAULT]... [--line] CEREMONY"),
	N_("rehearse a ceremony on a throw-away world"),
	run_training
};
const struct cmd_entry cmd_script_lint_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"script", "lint", N_("SCRIPT..."),
	N_("check ceremony scripts"),
	script_lint
};
const struct cmd_entry cmd_script_print_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"script", "print", N_("SCRIPT"),
	N_("print a ceremony as the paper document to follow and initial"),
	script_print
};
const struct cmd_entry cmd_script_list_entry = {
	"script", "list", "",
	N_("list the built-in ceremonies"),
	script_list
};
