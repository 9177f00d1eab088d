#include "config.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "error.h"
#include "fe-line.h"
#include "i18n.h"
#include "options.h"
#include "platform.h"

static const struct cmd_entry *const cmd_table[] = {
	&cmd_world_create_entry,
	&cmd_world_info_entry,
	&cmd_world_suites_entry,
	&cmd_world_backup_entry,
	&cmd_world_restore_entry,
	&cmd_world_token_pin_entry,
	&cmd_card_list_entry,
	&cmd_card_inspect_entry,
	&cmd_card_verify_entry,
	&cmd_card_change_pin_entry,
	&cmd_key_generate_entry,
	&cmd_key_list_entry,
	&cmd_key_inspect_entry,
	&cmd_key_reduce_acl_entry,
	&cmd_key_export_entry,
	&cmd_key_import_entry,
	&cmd_key_backup_entry,
	&cmd_key_recover_entry,
	&cmd_key_rekey_entry,
	&cmd_key_transfer_entry,
	&cmd_package_create_entry,
	&cmd_package_inspect_entry,
	&cmd_package_verify_kek_entry,
	&cmd_package_verify_hash_entry,
	&cmd_training_make_kek_entry,
	&cmd_training_run_entry,
	&cmd_run_entry,
	&cmd_resume_entry,
	&cmd_script_lint_entry,
	&cmd_script_print_entry,
	&cmd_script_list_entry,
	&cmd_verify_entry,
	&cmd_replay_entry,
	&cmd_transcript_show_entry,
	&cmd_transcript_prove_entry,
	&cmd_transcript_consistency_entry,
	&cmd_transcript_minutes_entry,
	&cmd_transcript_cosign_entry,
	&cmd_witness_keygen_entry,
};
#define NCMDS (sizeof(cmd_table) / sizeof(cmd_table[0]))

static const char *const groups[][2] = {
	/* TRANSLATORS: --help: what each command does, after its name
	   (padded to 8); one line of at most 79 columns each. */
	{ "run", N_("run a ceremony from its script") },
	{ "resume", N_("go on with an interrupted ceremony") },
	{ "script", N_("ceremony scripts: list, lint, print") },
	{ "world", N_("the security world: create, inspect, back up, restore") },
	{ "card", N_("administrator cards: list, inspect, verify, change PIN") },
	{ "key", N_("module-protected keys: generate, import, inspect, "
	    "reduce ACL, back up, recover, re-key, export, transfer") },
	{ "package", N_("transfer packages for cloud key services: create, "
	    "inspect, verify-kek, verify-hash") },
	{ "verify", N_("verify a ceremony transcript (for auditors)") },
	{ "replay", N_("step through a transcript on the full screen (for "
	    "auditors)") },
	{ "transcript", N_("transcripts: show, prove, consistency, minutes, "
	    "cosign") },
	{ "witness", N_("witness keys for cosigning transcripts") },
	{ "training", N_("rehearsals: run a ceremony on a throw-away world, "
	    "make-kek") },
};
#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

static void
print_exit_codes(FILE *f)
{
	/* TRANSLATORS: --help: the codes stay; the texts start in
	   column 6. */
	fprintf(f, "%s", _("\nExit status:\n"
	    "  0  success\n"
	    "  1  the operation failed\n"
	    "  2  usage error\n"
	    "  3  a file is damaged, altered or not what it should be\n"
	    "  4  authorisation refused (wrong PIN, locked card, no quorum)\n"
	    "  5  cancelled or interrupted\n"
	    "  6  transcript intact up to a checkpoint but not sealed\n"
	    "  7  transcript sealed, but no trusted key vouches for it\n"));
}

static int
usage_main(FILE *f, int status)
{
	size_t	i;

	fprintf(f, _("Usage: officiant COMMAND [ARGS]...\n"
	    "Run key ceremonies on an air-gapped workstation: security worlds "
	    "guarded by\na K-of-N set of PIN-protected administrator cards.\n\n"
	    "Commands:\n"));
	for (i = 0; i < NGROUPS; i++)
		fprintf(f, "  %-8s %s\n", groups[i][0], _(groups[i][1]));
	/* TRANSLATORS: --help: keep the options, and the descriptions in
	   their column (22), lines that go on too; %s is the system's
	   configuration directory (/etc). */
	fprintf(f, _("\nOptions:\n"
	    "  -c, --config FILE  read this configuration file instead of\n"
	    "                     %s/officiant/officiant.conf and\n"
	    "                     $XDG_CONFIG_HOME/officiant/officiant.conf\n"
	    "  -h, --help         show this help and exit\n"
	    "  -V, --version      show the version and exit\n\n"
	    "'officiant COMMAND --help' lists the subcommands of a command.\n"),
	    SYSCONFDIR);
	print_exit_codes(f);
	fprintf(f, _("\nReport bugs to <%s>.\n"), PACKAGE_BUGREPORT);
	return status;
}

static int
usage_group(FILE *f, const char *group, int status)
{
	size_t	i;

	/* TRANSLATORS: %s is a command (world, card, ...); its
	   subcommands follow, each with what it does. */
	fprintf(f, _("Usage: officiant %s SUBCOMMAND [OPTIONS]...\n\n"
	    "Subcommands:\n"), group);
	for (i = 0; i < NCMDS; i++)
		if (strcmp(cmd_table[i]->group, group) == 0)
			fprintf(f, "  %-11s %s\n", cmd_table[i]->name,
			    _(cmd_table[i]->summary));
	fprintf(f, _("\n'officiant %s SUBCOMMAND --help' describes one.\n"),
	    group);
	return status;
}

int
cmd_usage(const struct cmd_entry *e, const char *problem, ...)
{
	va_list	ap;

	if (problem != NULL) {
		fprintf(stderr, "officiant: ");
		va_start(ap, problem);
		vfprintf(stderr, problem, ap);
		va_end(ap);
		fprintf(stderr, "\n");
	}
	if (e != NULL)
		fprintf(stderr, _("Usage: officiant %s%s%s%s%s\n"
		    "Try 'officiant %s%s%s --help' for more.\n"), e->group,
		    *e->name ? " " : "", e->name, *e->args ? " " : "",
		    *e->args ? _(e->args) : "", e->group, *e->name ? " " : "",
		    e->name);
	return EXIT_USAGE;
}

int
cmd_help(const struct cmd_entry *e, ...)
{
	va_list		 ap;
	const char	*s;

	/* _("") would be the catalogue's header: keep empty args empty. */
	/* TRANSLATORS: the command, " " and the subcommand (or nothing),
	   " " and the synopsis (or nothing), then what it does. */
	printf(_("Usage: officiant %s%s%s%s%s\n%s.\n\n"), e->group,
	    *e->name ? " " : "", e->name, *e->args ? " " : "",
	    *e->args ? _(e->args) : "", _(e->summary));
	va_start(ap, e);
	while ((s = va_arg(ap, const char *)) != NULL)
		printf("%s", s);
	va_end(ap);
	print_exit_codes(stdout);
	return EXIT_OK;
}

int
cmd_exit_code(int code)
{
	switch (code) {
	case OFF_OK:
		return EXIT_OK;
	case OFF_ERR_FORMAT:
	case OFF_ERR_VERSION:
	case OFF_ERR_AUTH:
	case OFF_ERR_TOO_LARGE:
	case OFF_ERR_COMMITMENT:
	case OFF_ERR_UNSUPPORTED:
		return EXIT_BADFILE;
	case OFF_ERR_BAD_PIN:
	case OFF_ERR_LOCKED:
	case OFF_ERR_QUORUM:
	case OFF_ERR_WRONG_WORLD:
	case OFF_ERR_DUPLICATE:
	case OFF_ERR_DENIED:
		return EXIT_DENIED;
	case OFF_ERR_CANCELLED:
	case OFF_ERR_INTERRUPTED:
		return EXIT_CANCELLED;
	case OFF_ERR_UNSEALED:
		return EXIT_UNSEALED;
	case OFF_ERR_UNANCHORED:
		return EXIT_UNANCHORED;
	case OFF_ERR_INVALID:
		return EXIT_USAGE;
	}
	return EXIT_FAILED;
}

int
cmd_fail(const struct off_err *err)
{
	char	msg[OFF_ERR_DETAIL_MAX + 300];

	off_err_format(err, msg, sizeof(msg));
	fprintf(stderr, "officiant: %s\n", msg);
	return cmd_exit_code(err->code);
}

int
main(int argc, char **argv)
{
	static char	name[64];
	const char	*ld;
	size_t		i;
	int		known = 0;

	setlocale(LC_ALL, "");
	/* OFFICIANT_LOCALEDIR: translations of a build that is not
	 * installed (the tests use it); an absolute path only. */
	if ((ld = getenv("OFFICIANT_LOCALEDIR")) != NULL && *ld == '/')
		bindtextdomain(PACKAGE, ld);
	else
		bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);
	if (off_crypto_init() != 0) {
		fprintf(stderr, "officiant: %s\n", _("out of memory: OpenSSL "
		    "cannot start"));
		return EXIT_FAILURE;
	}
	if (off_platform_harden() != 0)
		fprintf(stderr, "officiant: %s\n",
		    _("warning: cannot fully protect this process's memory"));
	fe_line_signals();

	/* Options before the command apply to every command. */
	while (argc >= 2 && (strcmp(argv[1], "--config") == 0 ||
	    strcmp(argv[1], "-c") == 0 ||
	    strncmp(argv[1], "--config=", 9) == 0)) {
		if (strncmp(argv[1], "--config=", 9) == 0) {
			opt_config = argv[1] + 9;
			argv[1] = argv[0];
			argc--;
			argv++;
			continue;
		}
		if (argc < 3)
			return usage_main(stderr, EXIT_USAGE);
		opt_config = argv[2];
		argv[2] = argv[0];
		argc -= 2;
		argv += 2;
	}
	/* Alone at a terminal: the home screen. */
	if (argc < 2 && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) &&
	    getenv("TERM") != NULL && strcmp(getenv("TERM"), "dumb") != 0)
		return home_run();
	if (argc < 2)
		return usage_main(stderr, EXIT_USAGE);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return usage_main(stdout, EXIT_OK);
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("officiant %s\n", PACKAGE_VERSION);
		return EXIT_OK;
	}
	for (i = 0; i < NGROUPS; i++)
		if (strcmp(argv[1], groups[i][0]) == 0)
			known = 1;
	if (!known) {
		fprintf(stderr, _("officiant: unknown command '%s'\n"),
		    argv[1]);
		return usage_main(stderr, EXIT_USAGE);
	}
	/* A command without subcommands, such as verify. */
	for (i = 0; i < NCMDS; i++)
		if (strcmp(cmd_table[i]->group, argv[1]) == 0 &&
		    cmd_table[i]->name[0] == '\0') {
			snprintf(name, sizeof(name), "officiant %s", argv[1]);
			argv[1] = name;
			return cmd_table[i]->exec(cmd_table[i], argc - 1,
			    argv + 1);
		}
	if (argc < 3)
		return usage_group(stderr, argv[1], EXIT_USAGE);
	/* officiant training CEREMONY: short for training run. */
	if (strcmp(argv[1], "training") == 0 && argv[2][0] != '-' &&
	    strcmp(argv[2], "run") != 0 && strcmp(argv[2], "make-kek") != 0) {
		snprintf(name, sizeof(name), "officiant training run");
		argv[1] = name;
		return cmd_training_run_entry.exec(&cmd_training_run_entry,
		    argc - 1, argv + 1);
	}
	if (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)
		return usage_group(stdout, argv[1], EXIT_OK);
	for (i = 0; i < NCMDS; i++) {
		if (strcmp(cmd_table[i]->group, argv[1]) != 0 ||
		    strcmp(cmd_table[i]->name, argv[2]) != 0)
			continue;
		/* getopt names the command in its messages. */
		snprintf(name, sizeof(name), "officiant %s %s", argv[1],
		    argv[2]);
		argv[2] = name;
		return cmd_table[i]->exec(cmd_table[i], argc - 2, argv + 2);
	}
	fprintf(stderr, _("officiant: unknown subcommand '%s %s'\n"), argv[1],
	    argv[2]);
	return usage_group(stderr, argv[1], EXIT_USAGE);
}
