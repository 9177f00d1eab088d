/* officiant world create|info|suites|backup|restore */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "crypto.h"
#include "encode.h"
#include "error.h"
#include "fe-line.h"
#include "i18n.h"
#include "fileio.h"
#include "options.h"
#include "record.h"
#include "slot.h"
#include "suite.h"
#include "module.h"
#include "world.h"

static int
need_kmdata(const char *given, char *buf, size_t len)
{
	if (opt_kmdata(given, buf, len) != 0) {
		fprintf(stderr, "officiant: %s\n",
		    _("cannot tell where KMDATA is; give --kmdata DIR"));
		return EXIT_USAGE;
	}
	return 0;
}

/* The outcome of creating or restoring w: its files, bound. */
static int
record_world(struct record *rec, const struct off_world *w,
    const char *kmdata)
{
	char		 wpath[PATH_MAX], mpath[PATH_MAX], idhex[OFF_WORLD_ID_HEX];
	char		 name[8 + 2 * OFF_MODULE_ID_LEN + 1];
	const char	*files[3] = { wpath, NULL, NULL }, *backend, *status;
	const uint8_t	*id;

	off_world_id_hex(w, idhex);
	if (off_path_join(wpath, sizeof(wpath), kmdata, OFF_WORLD_FILE) != 0)
		return EXIT_FAILED;
	if (off_world_module(w, 0, NULL, &backend, &id, &status) == 0) {
		memcpy(name, "module_", 7);
		off_hex(id, OFF_MODULE_ID_LEN, name + 7);
		if (off_path_join(mpath, sizeof(mpath), kmdata, name) == 0)
			files[1] = mpath;
	}
	return record_finish(rec, NULL, json_pack("{s:s, s:i, s:i}", "world",
	    idhex, "k", (int)off_world_k(w), "n", (int)off_world_n(w)), files,
	    w, kmdata);
}

static int
world_create(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quorum", required_argument, NULL, 'q' },
		{ "kmdata", required_argument, NULL, 'k' },
		{ "slot", required_argument, NULL, 's' },
		{ "drawer", required_argument, NULL, 'd' },
		{ "card-pkcs11", required_argument, NULL, OPT_CARD_PKCS11 },
		{ "cipher-suite", required_argument, NULL, 'c' },
		{ "pin-tries", required_argument, NULL, 't' },
		{ "kdf-cost", required_argument, NULL, 'K' },
		{ "allow-single", no_argument, NULL, '1' },
		{ "erase", no_argument, NULL, 'E' },
		{ "pkcs11", required_argument, NULL, 'P' },
		{ "token", required_argument, NULL, 'T' },
		{ "token-serial", required_argument, NULL, 'S' },
		{ "keep-so-pin", no_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_module_token	 token;
	struct off_world_params	 p;
	struct off_world	*w = NULL;
	struct off_slot		*slot = NULL;
	struct off_frontend	 fe;
	struct fe_line		 line;
	struct off_err		 err;
	const char		*kmarg = NULL, *slot_dir = NULL;
	const char		*drawer_dir = NULL, *card_p11 = NULL;
	char			 kmdata[PATH_MAX], idhex[OFF_WORLD_ID_HEX];
	char			 quorum[32];
	struct record		 rec;
	int			 c, ret, have_quorum = 0;

	memset(&p, 0, sizeof(p));
	memset(&token, 0, sizeof(token));
	while ((c = getopt_long(argc, argv, "q:k:s:d:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'q':
			if (opt_quorum(optarg, &p.k, &p.n) != 0)
				return cmd_usage(e, _("--quorum takes K/N, as "
				    "in 2/3, not '%s'"), optarg);
			have_quorum = 1;
			break;
		case 'k':
			kmarg = optarg;
			break;
		case 's':
			slot_dir = optarg;
			break;
		case 'd':
			drawer_dir = optarg;
			break;
		case OPT_CARD_PKCS11:
			card_p11 = optarg;
			break;
		case 'c':
			p.suite = optarg;
			break;
		case 't':
			if (opt_unsigned(optarg, 1, 100, &p.pin_tries) != 0)
				return cmd_usage(e, _("--pin-tries takes a "
				    "number from 1 to 100"));
			break;
		case 'K':
			if (opt_unsigned(optarg, 10, 20, &p.kdf_log2_n) != 0)
				return cmd_usage(e, _("--kdf-cost takes a "
				    "number from 10 to 20"));
			break;
		case '1':
			p.allow_single = 1;
			break;
		case 'E':
			p.erase = 1;
			break;
		case 'P':
			if (*optarg != '/' || strlen(optarg) >=
			    sizeof(token.library))
				return cmd_usage(e, _("--pkcs11 takes the "
				    "absolute path of a PKCS#11 library"));
			snprintf(token.library, sizeof(token.library), "%s",
			    optarg);
			p.module = "pkcs11";
			p.token = &token;
			break;
		case 'T':
			if (strlen(optarg) >= sizeof(token.label))
				return cmd_usage(e, _("--token takes a label "
				    "of at most 32 bytes"));
			snprintf(token.label, sizeof(token.label), "%s",
			    optarg);
			break;
		case 'S':
			if (strlen(optarg) >= sizeof(token.serial))
				return cmd_usage(e, _("--token-serial takes a "
				    "serial of at most 16 characters"));
			snprintf(token.serial, sizeof(token.serial), "%s",
			    optarg);
			break;
		case 'O':
			p.keep_so = 1;
			break;
		case 'h':
			/* TRANSLATORS: --help: keep the options,
			   and the descriptions in their column
			   (24 mostly), lines that go on too; at
			   most 79 columns a line. */
			return cmd_help(e, _(
			    "  -q, --quorum K/N     K of N administrator cards "
			    "authorise (2 <= K <= N <= 255)\n"), _(HELP_KMDATA),
			    /* TRANSLATORS: --help: keep the options,
			       and the descriptions in their column
			       (24 mostly), lines that go on too; at
			       most 79 columns a line. */
			    _(HELP_SLOT), _(
			    "  -c, --cipher-suite NAME  see 'officiant world "
			    "suites' (default ed25519-aes256gcm-scrypt)\n"
			    "      --pin-tries N    wrong PINs before a card "
			    "locks (default 5)\n"
			    "      --kdf-cost N     scrypt cost as log2 N, 10-20 "
			    "(default 15)\n"
			    "      --allow-single   permit a quorum of one card "
			    "(K = 1)\n"
			    "      --erase          reuse cards of other worlds "
			    "(asks first)\n"), _(
			    "      --pkcs11 LIBRARY keep keys on a PKCS#11 token "
			    "(the module's path)\n"
			    "      --token LABEL    the token's label\n"
			    "      --token-serial SERIAL  the token's serial "
			    "number\n"
			    "      --keep-so-pin    leave the token's security "
			    "officer PIN as it is (keys\n"
			    "                       then not "
			    "CKA_WRAP_WITH_TRUSTED)\n"),
			    _(HELP_HELP), _("\n"
			    "Each card's PIN is asked twice, without echo when "
			    "input is a terminal.\nEvery card is read back and "
			    "every K-subset checked before the world is\n"
			    "written; on any failure nothing is left "
			    "behind.\n"), NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind != argc)
		return cmd_usage(e, _("unexpected argument '%s'"),
		    argv[optind]);
	if (!have_quorum)
		return cmd_usage(e, _("--quorum K/N is required"));
	if ((*token.label != '\0' || *token.serial != '\0' || p.keep_so) &&
	    p.token == NULL)
		return cmd_usage(e, _("--token, --token-serial and "
		    "--keep-so-pin go with --pkcs11"));
	if ((ret = need_kmdata(kmarg, kmdata, sizeof(kmdata))) != 0 ||
	    (ret = opt_open_slot(slot_dir, drawer_dir, card_p11,
	    &slot)) != 0)
		return ret;
	fe_line_init(&fe, &line);
	off_err_clear(&err);
	if (off_world_check_params(kmdata, &p, NULL, &err) != 0) {
		off_slot_close(&slot);
		return cmd_fail(&err);
	}
	snprintf(quorum, sizeof(quorum), "%u/%u", p.k, p.n);
	if ((ret = record_start(&rec, kmdata, "world-create",
	    _("Create a security world"), NULL, &fe, json_pack("{s:s, s:s, "
	    "s:i, s:i, s:s?, s:s?, s:s?, s:b, s:b, s:s?, s:s?, s:s?, s:b}",
	    "quorum",
	    quorum,
	    "cipher_suite", p.suite != NULL ? p.suite : OFF_SUITE_DEFAULT,
	    "pin_tries", (int)(p.pin_tries ? p.pin_tries :
	    OFF_CARD_TRIES_DEFAULT), "kdf_cost", (int)(p.kdf_log2_n ?
	    p.kdf_log2_n : OFF_SCRYPT_LOG2N_DEFAULT),
	    "slot", slot_dir, "drawer", drawer_dir, "card_pkcs11", card_p11,
	    "allow_single",
	    p.allow_single, "erase", p.erase, "pkcs11", p.token != NULL ?
	    token.library : NULL, "token", *token.label != '\0' ?
	    token.label : NULL, "token_serial", *token.serial != '\0' ?
	    token.serial : NULL, "keep_so_pin", p.keep_so))) != 0) {
		off_slot_close(&slot);
		return ret;
	}
	ret = off_world_create(kmdata, slot, &p, &rec.fe, &w, &err);
	off_slot_close(&slot);
	if (ret != 0) {
		return record_abort(&rec, &err, kmdata);
	}
	if ((ret = record_world(&rec, w, kmdata)) != 0) {
		off_world_free(&w);
		return ret;
	}
	off_world_id_hex(w, idhex);
	printf(_("Security world %s created in %s\n"), idhex, kmdata);
	printf(_("Quorum: any %u of the %u administrator cards\n"),
	    off_world_k(w), off_world_n(w));
	printf("%s\n", _("Back up the world ('officiant world backup DIR') and "
	    "give each card to a\ndifferent person: no one may hold two "
	    "cards."));
	off_world_free(&w);
	return EXIT_OK;
}

static void
print_info(const struct off_world *w, const char *kmdata)
{
	char		 idhex[OFF_WORLD_ID_HEX], set[2 * OFF_CARD_ID_LEN + 1];
	char		 cid[2 * OFF_CARD_ID_LEN + 1];
	const uint8_t	*id;
	const char	*backend, *status;
	const struct off_module_token *tok;
	enum off_card_state st;
	unsigned	 i, index;

	off_world_id_hex(w, idhex);
	off_hex(off_world_card_set(w), OFF_CARD_ID_LEN, set);
	/* TRANSLATORS: 'world info'. The values start in column 17: pad
	   the labels to 14 characters after the two spaces. */
	printf(_("Security world\n"
	    "  identity      %s\n"
	    "  cipher suite  %s\n"
	    "  quorum        %u of %u administrator cards\n"
	    "  card set      %s\n"
	    "  PIN tries     %u\n"
	    "  created       %s\n"
	    "  KMDATA        %s\n"),
	    idhex, off_world_suite(w), off_world_k(w), off_world_n(w), set,
	    off_world_pin_tries(w), off_world_created(w), kmdata);
	/* TRANSLATORS: the heading of the Cards table of 'world info'.
	   The columns are an index (5 wide), a card id (32 hex digits)
	   and its state ("active" or "retired"), with two spaces
	   between: the titles start in columns 3, 10 and 44. */
	printf("%s", _("Cards\n  index  card id                           "
	    "state\n"));
	for (i = 0; off_world_card(w, i, &index, &id, &st) == 0; i++) {
		off_hex(id, OFF_CARD_ID_LEN, cid);
		printf("  %-5u  %s  %s\n", index, cid,
		    /* TRANSLATORS: a card's state in 'world info'. */
		    st == OFF_CARD_ACTIVE ? _("active") : _("retired"));
	}
	/* TRANSLATORS: the heading of the Modules table of 'world info'.
	   The columns are a module id (32 hex digits), its backend
	   ("soft" or "pkcs11", 7 wide, not translated) and its state,
	   with two spaces between: the titles start in columns 3, 37 and
	   46. */
	printf("%s", _("Modules\n  module                            "
	    "backend  state\n"));
	for (i = 0; off_world_module(w, i, kmdata, &backend, &id,
	    &status) == 0; i++) {
		off_hex(id, OFF_MODULE_ID_LEN, cid);
		printf("  %s  %-7s  %s\n", cid, backend, _(status));
		if ((tok = off_world_module_token(w, i)) != NULL)
			printf(_("    token \"%s\", serial %s (%s %s), "
			    "library %s\n"), tok->label, tok->serial,
			    tok->manufacturer, tok->model, tok->library);
		if (tok != NULL && tok->so_quorum)
			printf("%s", _("    its security officer PIN: only a "
			    "quorum of cards rebuilds it\n"));
	}
}

static int
world_info(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kmdata", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_world	*w = NULL;
	struct off_err		 err;
	const char		*kmarg = NULL;
	char			 kmdata[PATH_MAX], *json = NULL;
	int			 c, ret, as_json = 0;


	while ((c = getopt_long(argc, argv, "k:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			kmarg = optarg;
			break;
		case 'j':
			as_json = 1;
			break;
		case 'h':
			/* TRANSLATORS: --help: keep the options,
			   and the descriptions in their column
			   (24 mostly), lines that go on too; at
			   most 79 columns a line. */
			return cmd_help(e, _(HELP_KMDATA), _("  -j, --json"
			    "           print JSON for programs\n"),
			    _(HELP_HELP), NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind != argc)
		return cmd_usage(e, _("unexpected argument '%s'"),
		    argv[optind]);
	if ((ret = need_kmdata(kmarg, kmdata, sizeof(kmdata))) != 0)
		return ret;
	off_err_clear(&err);
	if ((ret = off_world_load(kmdata, &w, &err)) != 0 ||
	    (as_json &&
	    (ret = off_world_info_json(w, kmdata, &json, &err)) != 0)) {
		off_world_free(&w);
		return cmd_fail(&err);
	}
	if (json != NULL)
		printf("%s", json);
	else
		print_info(w, kmdata);
	free(json);
	off_world_free(&w);
	return EXIT_OK;
}

static int
world_suites(const struct cmd_entry *e, int argc, char **argv)
{
	const struct off_suite	*s;
	size_t			 i;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0))
		return cmd_help(e, _(HELP_HELP), NULL);
	if (argc != 1)
		return cmd_usage(e, NULL);
	for (i = 0; (s = off_suite_at(i)) != NULL; i++)
		printf("%-26s %s%s\n", off_suite_name(s), off_suite_describe(s),
		    strcmp(off_suite_name(s), OFF_SUITE_DEFAULT) == 0 ?
		    /* TRANSLATORS: after the description of the default
		       cipher suite in 'world suites'. */
		    _(" (default)") : "");
	return EXIT_OK;
}

static int
world_backup(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kmdata", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_err	 err;
	const char	*kmarg = NULL;
	char		 kmdata[PATH_MAX];
	int		 c, ret;

	while ((c = getopt_long(argc, argv, "k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			kmarg = optarg;
			break;
		case 'h':
			return cmd_help(e, _(HELP_KMDATA), _(HELP_HELP), _("\n"
			    "DIR must be new or empty. The backup holds the "
			    "world file, in which the\nmodule key is sealed "
			    "under the world's recovery secret, and the key "
			    "files;\nrestoring it needs a quorum of cards.\n"),
			    NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind + 1 != argc)
		return cmd_usage(e, _("give one backup directory"));
	if ((ret = need_kmdata(kmarg, kmdata, sizeof(kmdata))) != 0)
		return ret;
	off_err_clear(&err);
	if (off_world_backup(kmdata, argv[optind], &err) != 0)
		return cmd_fail(&err);
	printf(_("World backed up to %s\n"), argv[optind]);
	return EXIT_OK;
}

static int
world_restore(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		OPT_CARDS_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_world	*w = NULL;
	struct off_slot		*slot = NULL;
	struct off_frontend	 fe;
	struct fe_line		 line;
	struct off_err		 err;
	struct opt_cards	 o = { NULL, NULL, NULL, NULL };
	char			 kmdata[PATH_MAX], idhex[OFF_WORLD_ID_HEX];
	struct record		 rec;
	int			 c, ret;

	while ((c = getopt_long(argc, argv, "k:s:d:h", opts, NULL)) != -1) {
		if (opt_cards_take(c, optarg, &o))
			continue;
		switch (c) {
		case 'h':
			return cmd_help(e, _(HELP_KMDATA), _(HELP_SLOT),
			    _(HELP_HELP), _("\nA quorum of the world's cards must be presented; "
			    "KMDATA must hold no world.\n"), NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind + 1 != argc)
		return cmd_usage(e, _("give one backup directory"));
	if ((ret = need_kmdata(o.kmdata, kmdata, sizeof(kmdata))) != 0 ||
	    (ret = opt_open_slot(o.slot, o.drawer, o.card_pkcs11,
	    &slot)) != 0)
		return ret;
	fe_line_init(&fe, &line);
	off_err_clear(&err);
	if ((ret = record_start(&rec, kmdata, "world-restore",
	    _("Restore a security world from a backup"), NULL, &fe,
	    json_pack("{s:s, s:s?, s:s?, s:s?}", "backup", argv[optind],
	    "slot", o.slot, "drawer", o.drawer, "card_pkcs11",
	    o.card_pkcs11))) != 0) {
		off_slot_close(&slot);
		return ret;
	}
	ret = off_world_restore(argv[optind], kmdata, slot, &rec.fe, &w, &err);
	off_slot_close(&slot);
	if (ret != 0) {
		return record_abort(&rec, &err, kmdata);
	}
	if ((ret = record_world(&rec, w, kmdata)) != 0) {
		off_world_free(&w);
		return ret;
	}
	off_world_id_hex(w, idhex);
	printf(_("Security world %s restored into %s\n"), idhex, kmdata);
	off_world_free(&w);
	return EXIT_OK;
}

static int
world_token_pin(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		OPT_CARDS_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_world	*w = NULL;
	struct off_slot		*slot = NULL;
	struct off_frontend	 fe;
	struct fe_line		 line;
	struct off_err		 err;
	struct record		 rec;
	struct opt_cards	 o = { NULL, NULL, NULL, NULL };
	char			 kmdata[PATH_MAX];
	int			 c, ret;

	while ((c = getopt_long(argc, argv, "k:s:d:h", opts, NULL)) != -1) {
		if (opt_cards_take(c, optarg, &o))
			continue;
		switch (c) {
		case 'h':
			return cmd_help(e, _(HELP_KMDATA), _(HELP_SLOT),
			    _(HELP_HELP), _("\nThe world's token keeps its "
			    "keys behind its user PIN, and locks it after\ntoo "
			    "many wrong tries; its security officer, whose PIN "
			    "a quorum of the\nworld's cards rebuilds, sets a "
			    "new one, asked twice, and so unlocks it.\n"),
			    NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind != argc)
		return cmd_usage(e, _("unexpected argument '%s'"),
		    argv[optind]);
	if ((ret = opt_load_world(o.kmdata, kmdata, sizeof(kmdata), &w)) != 0)
		return ret;
	if ((ret = opt_open_slot(o.slot, o.drawer, o.card_pkcs11,
	    &slot)) != 0)
		goto out;
	fe_line_init(&fe, &line);
	off_err_clear(&err);
	if ((ret = record_start(&rec, kmdata, "world-token-pin",
	    _("Set a new user PIN on the world's token"), w, &fe,
	    json_pack("{s:s?, s:s?, s:s?}", "slot", o.slot, "drawer",
	    o.drawer, "card_pkcs11", o.card_pkcs11))) != 0)
		goto out;
	if (off_world_token_pin(kmdata, w, slot, &rec.fe, &err) != 0) {
		ret = record_abort(&rec, &err, kmdata);
		goto out;
	}
	if ((ret = record_finish(&rec, NULL, json_pack("{s:s}", "token",
	    off_world_module_token(w, 0)->label), NULL, NULL, kmdata)) != 0)
		goto out;
	ret = EXIT_OK;
out:
	off_slot_close(&slot);
	off_world_free(&w);
	return ret;
}

const struct cmd_entry cmd_world_create_entry = {
	"world", "create",
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	N_("--quorum K/N [--kmdata DIR] (--slot DIR | --drawer DIR | "
	    "--card-pkcs11 LIBRARY) "
	    "[--cipher-suite NAME] [--pin-tries N] [--kdf-cost N] "
	    "[--allow-single] [--erase] [--pkcs11 LIBRARY [--token LABEL] "
	    "[--token-serial SERIAL] [--keep-so-pin]]"),
	N_("create a security world and its administrator card set"),
	world_create
};
const struct cmd_entry cmd_world_info_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"world", "info", N_("[--kmdata DIR] [--json]"),
	N_("show the security world, its cards and modules"),
	world_info
};
const struct cmd_entry cmd_world_suites_entry = {
	"world", "suites", "",
	N_("list the cipher suites a world can use"),
	world_suites
};
const struct cmd_entry cmd_world_backup_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"world", "backup", N_("[--kmdata DIR] DIR"),
	N_("copy the world (sealed) and its keys into a backup directory"),
	world_backup
};
const struct cmd_entry cmd_world_restore_entry = {
	"world", "restore",
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	N_("[--kmdata DIR] (--slot DIR | --drawer DIR | --card-pkcs11 LIBRARY) "
	    "DIR"),
	N_("restore a world backup with a quorum of cards"),
	world_restore
};
const struct cmd_entry cmd_world_token_pin_entry = {
	"world", "token-pin",
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	N_("[--kmdata DIR] (--slot DIR | --drawer DIR | --card-pkcs11 LIBRARY)"),
	N_("set a new user PIN on the world's token, with a quorum of cards"),
	world_token_pin
};
