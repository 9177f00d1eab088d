/* Command-line commands: one file per command group, each command one
 * entry in the table in main.c. */
#ifndef OFF_CMD_H
#define OFF_CMD_H

#include <stddef.h>

#include <openssl/types.h>

struct off_err;
struct off_frontend;
struct off_slot;
struct off_vkey;
struct off_world;

/* Exit codes (documented in officiant(1)). */
#define EXIT_OK		0
#define EXIT_FAILED	1	/* the operation failed */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_BADFILE	3	/* a file is damaged, altered or foreign */
#define EXIT_DENIED	4	/* wrong PIN, locked card, no quorum */
#define EXIT_CANCELLED	5	/* cancelled or interrupted */
#define EXIT_UNSEALED	6	/* transcript intact but not sealed */
#define EXIT_UNANCHORED	7	/* transcript signer not vouched for */

struct cmd_entry {
	const char	*group;		/* "world", "card" */
	const char	*name;		/* "create" */
	const char	*args;		/* synopsis after the name */
	const char	*summary;
	int		(*exec)(const struct cmd_entry *, int, char **);
};

extern const struct cmd_entry cmd_world_create_entry;
extern const struct cmd_entry cmd_world_info_entry;
extern const struct cmd_entry cmd_world_suites_entry;
extern const struct cmd_entry cmd_world_backup_entry;
extern const struct cmd_entry cmd_world_restore_entry;
extern const struct cmd_entry cmd_world_token_pin_entry;
extern const struct cmd_entry cmd_card_list_entry;
extern const struct cmd_entry cmd_card_inspect_entry;
extern const struct cmd_entry cmd_card_verify_entry;
extern const struct cmd_entry cmd_card_change_pin_entry;
extern const struct cmd_entry cmd_key_generate_entry;
extern const struct cmd_entry cmd_key_list_entry;
extern const struct cmd_entry cmd_key_inspect_entry;
extern const struct cmd_entry cmd_key_reduce_acl_entry;
extern const struct cmd_entry cmd_key_export_entry;
extern const struct cmd_entry cmd_key_import_entry;
extern const struct cmd_entry cmd_key_backup_entry;
extern const struct cmd_entry cmd_key_recover_entry;
extern const struct cmd_entry cmd_key_rekey_entry;
extern const struct cmd_entry cmd_key_transfer_entry;
extern const struct cmd_entry cmd_package_create_entry;
extern const struct cmd_entry cmd_package_inspect_entry;
extern const struct cmd_entry cmd_package_verify_kek_entry;
extern const struct cmd_entry cmd_package_verify_hash_entry;
extern const struct cmd_entry cmd_training_make_kek_entry;
extern const struct cmd_entry cmd_training_run_entry;
extern const struct cmd_entry cmd_run_entry;
extern const struct cmd_entry cmd_resume_entry;
extern const struct cmd_entry cmd_script_lint_entry;
extern const struct cmd_entry cmd_script_print_entry;
extern const struct cmd_entry cmd_script_list_entry;
extern const struct cmd_entry cmd_verify_entry;
extern const struct cmd_entry cmd_transcript_show_entry;
extern const struct cmd_entry cmd_transcript_prove_entry;
extern const struct cmd_entry cmd_transcript_consistency_entry;
extern const struct cmd_entry cmd_transcript_minutes_entry;
extern const struct cmd_entry cmd_transcript_cosign_entry;
extern const struct cmd_entry cmd_witness_keygen_entry;
extern const struct cmd_entry cmd_replay_entry;

/* Print the command's usage to stderr and return EXIT_USAGE. */
int	cmd_usage(const struct cmd_entry *e, const char *problem, ...)
	    __attribute__((format(printf, 2, 3)));
/* Print the command's --help to stdout: usage, summary, then the given
 * (translated) option texts up to NULL. Returns EXIT_OK. */
int	cmd_help(const struct cmd_entry *e, ...);

/* Option help shared by several commands. */
/* TRANSLATORS: --help: keep the options, and the descriptions in their
   column (24), lines that go on too; at most 79 columns a line. */
#define HELP_KMDATA N_("  -k, --kmdata DIR     the security world's directory " \
	"(default: $OFFICIANT_KMDATA,\n" \
	"                       else $XDG_DATA_HOME/officiant/kmdata or\n" \
	"                       ~/.local/share/officiant/kmdata)\n")
/* TRANSLATORS: --help, as "  -k, --kmdata DIR". */
#define HELP_SLOT N_("  -s, --slot DIR       card slot: a directory holding " \
	"one card file at a time\n" \
	"  -d, --drawer DIR     card drawer: a directory of card files, all " \
	"present at once\n" \
	"      --card-pkcs11 LIBRARY  cards are PKCS#11 tokens of this module " \
	"(see\n" \
	"                       officiant(1), PKCS#11 CARDS)\n")
/* TRANSLATORS: --help, as "  -k, --kmdata DIR". */
#define HELP_HELP N_("  -h, --help           show this help\n")
/* Whom a transcript's signer must be vouched for by (verify, replay). */
/* TRANSLATORS: --help, as "  -k, --kmdata DIR". */
#define HELP_VKEY N_("  -K, --key VKEY       an expected ceremony key " \
	"(repeatable)\n")
/* TRANSLATORS: --help, as "  -k, --kmdata DIR". */
#define HELP_ANCHOR N_("  -w, --world FILE     the world whose module " \
	"vouches for the ceremony keys\n" \
	"  -k, --kmdata DIR     take the world from KMDATA (the default when " \
	"it has one)\n")
/* The home screen ('officiant' alone at a terminal). */
int	home_run(void);
/* Each built-in ceremony: its directory, name and title (NULL when the
 * script does not load), in the order 'run' looks for them. */
void	run_each_ceremony(void (*fn)(void *, const char *, const char *,
	    const char *), void *arg);

/* At most this many keys of each kind for verify and replay. */
#define CMD_VKEYS_MAX	16
/* --key VKEY: one more expected ceremony key into keys[*n]; 0, or the
 * exit code of the usage error. */
int	cmd_ceremony_key(const struct cmd_entry *e, const char *arg,
	    struct off_vkey *keys, size_t *n);
/* The world that anchors a transcript's bindings: --world FILE, else
 * KMDATA's (none when KMDATA was not named and has no world); 0, or an
 * exit code after saying why. */
int	cmd_anchor_world(const char *world_file, const char *kmarg,
	    struct off_world **w);

/* Report err on stderr and return the exit code for it. */
int	cmd_fail(const struct off_err *err);
/* A witness key (PEM, Ed25519) from file, its passphrase asked through
 * fe; OFF_ERR_FORMAT for anything else or the wrong passphrase. */
int	witness_key_load(const char *file, const struct off_frontend *fe,
	    EVP_PKEY **key, struct off_err *err);
/* Exit code for an error code. */
int	cmd_exit_code(int code);

#endif
