/* officiant card list|inspect|verify|change-pin */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card.h"
#include "cmd.h"
#include "encode.h"
#include "error.h"
#include "fe-line.h"
#include "i18n.h"
#include "options.h"
#include "prompt.h"
#include "quorum.h"
#include "record.h"
#include "secmem.h"
#include "slot.h"
#include "world.h"

/* Where the cards of one card command come from. */
struct card_source {
	const char	*kmarg, *slot_dir, *drawer_dir, *file, *card_p11;
	int		 all;	/* drawer: every card, not only the first */
};

static const struct option card_opts[] = {
	{ "kmdata", required_argument, NULL, 'k' },
	{ "slot", required_argument, NULL, 's' },
	{ "drawer", required_argument, NULL, 'd' },
	{ "card-pkcs11", required_argument, NULL, OPT_CARD_PKCS11 },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* Parse the options every card command shares; returns -1 to go on,
 * else an exit code. */
static int
card_args(const struct cmd_entry *e, int argc, char **argv,
    struct card_source *src, const char *extra_help)
{
	int	c;

	memset(src, 0, sizeof(*src));
	while ((c = getopt_long(argc, argv, "k:s:d:h", card_opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			src->kmarg = optarg;
			break;
		case 's':
			src->slot_dir = optarg;
			break;
		case 'd':
			src->drawer_dir = optarg;
			break;
		case OPT_CARD_PKCS11:
			src->card_p11 = optarg;
			break;
		case 'h':
			return cmd_help(e, _(HELP_KMDATA), _(HELP_SLOT),
			    _(HELP_HELP), extra_help, NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind + 1 == argc)
		src->file = argv[optind];
	else if (optind != argc)
		return cmd_usage(e, _("unexpected argument '%s'"),
		    argv[optind + 1]);
	if ((src->file != NULL) + (src->slot_dir != NULL) +
	    (src->drawer_dir != NULL) + (src->card_p11 != NULL) != 1)
		return cmd_usage(e, _("give one card file, --slot DIR, "
		    "--drawer DIR or --card-pkcs11 LIBRARY"));
	return -1;
}

static int
open_source(const struct card_source *src, struct off_slot **slot,
    unsigned *file_reader)
{
	if (src->file != NULL)
		return opt_open_card_file(src->file, slot, file_reader);
	return opt_open_slot(src->slot_dir, src->drawer_dir, src->card_p11,
	    slot);
}

/* The next card to work on: the named file once, the card inserted in
 * the slot, or each card of the drawer in turn. 1 when there is one. */
static int
next_card(const struct card_source *src, struct off_slot *slot,
    unsigned file_reader, int *done, unsigned *reader, struct off_err *err)
{
	int	ret;

	if (src->file != NULL) {
		if (*done)
			return 0;
		*done = 1;
		*reader = file_reader;
		return 1;
	}
	if (src->slot_dir != NULL) {
		if (*done)
			return 0;
		*done = 1;
		printf(_("Insert a card in %s\n"), slot->where);
		fflush(stdout);
	}
	ret = slot->ops->next(slot, 0, NULL, OFF_SLOT_NO_TIMEOUT, reader, err);
	if (ret == OFF_ERR_NOT_FOUND)
		return 0;
	return ret == 0 ? 1 : ret;
}

static void
print_card(const struct off_card *card, const char *where)
{
	char	id[2 * OFF_CARD_ID_LEN + 1], world[OFF_WORLD_ID_HEX];
	char	set[2 * OFF_CARD_ID_LEN + 1];

	off_hex(off_card_id(card), OFF_CARD_ID_LEN, id);
	off_hex(off_card_world(card), OFF_WORLD_ID_LEN, world);
	off_hex(off_card_set(card), OFF_CARD_ID_LEN, set);
	if (off_card_on_device(card)) {
		/* TRANSLATORS: 'card inspect' of a PKCS#11 token card; as
		   below. The last %s is " (LOCKED)" or nothing. */
		printf(_("Card %s\n"
		    "  card id     %s\n"
		    "  world       %s\n"
		    "  card set    %s\n"
		    "  index       %u of %u (quorum %u)\n"
		    "  created     %s\n"
		    "  PIN         checked and counted by the token%s\n"),
		    where, id, world, set, off_card_index(card),
		    off_card_n(card), off_card_k(card), off_card_created(card),
		    off_card_locked(card) ? _(" (LOCKED)") : "");
		return;
	}
	/* TRANSLATORS: 'card inspect'; the first %s is where the card is.
	   The values start in column 15: pad the labels to 14 characters.
	   The last %s is " (LOCKED)" or nothing. */
	printf(_("Card %s\n"
	    "  card id     %s\n"
	    "  world       %s\n"
	    "  card set    %s\n"
	    "  index       %u of %u (quorum %u)\n"
	    "  created     %s\n"
	    "  PIN KDF     scrypt, N = 2^%u\n"
	    "  PIN tries   %u of %u left%s\n"),
	    where, id, world, set, off_card_index(card), off_card_n(card),
	    off_card_k(card), off_card_created(card),
	    off_card_kdf_log2_n(card), off_card_tries_left(card),
	    off_card_tries_limit(card),
	    /* TRANSLATORS: after "PIN tries   %u of %u left". */
	    off_card_locked(card) ? _(" (LOCKED)") : "");
}

static int
card_list(const struct cmd_entry *e, int argc, char **argv)
{
	struct off_slot		*slot = NULL;
	struct off_card		*card = NULL;
	struct off_err		 err;
	struct card_source	 src;
	char			 world[OFF_WORLD_ID_HEX], msg[1024];
	unsigned		 i;
	int			 ret;

	if ((ret = card_args(e, argc, argv, &src, NULL)) >= 0)
		return ret;
	if (src.file != NULL)
		return cmd_usage(e, _("give --slot DIR, --drawer DIR or "
		    "--card-pkcs11 LIBRARY"));
	if ((ret = open_source(&src, &slot, NULL)) != 0)
		return ret;
	if (slot->ops->count(slot) == 0)
		printf(_("No card in %s\n"), slot->where);
	for (i = 0; i < slot->ops->count(slot); i++) {
		const char	*name = slot->ops->reader_name(slot, i);

		off_err_clear(&err);
		if (off_card_read(slot, i, &card, &err) != 0) {
			if (err.code == OFF_ERR_NOT_FOUND)
				/* TRANSLATORS: %s is the card's name in the
				   slot or drawer (its file name). */
				printf(_("%s: blank card\n"), name);
			else {
				snprintf(msg, sizeof(msg), "%s", err.detail);
				printf(_("%s: unreadable: %s\n"), name, msg);
			}
			continue;
		}
		off_hex(off_card_world(card), OFF_WORLD_ID_LEN, world);
		/* TRANSLATORS: 'card list': the card's name, its index of
		   N cards, the world's identity (16 hex digits), the tries
		   left; the last %s is ", LOCKED" or nothing. */
		if (off_card_on_device(card))
			/* TRANSLATORS: 'card list' of a PKCS#11 token card,
			   as below; the token counts the PIN tries. */
			printf(_("%s: card %u of %u, world %.16s..., PIN "
			    "tries counted by the token%s\n"), name,
			    off_card_index(card), off_card_n(card), world,
			    off_card_locked(card) ? _(", LOCKED") : "");
		else
			printf(_("%s: card %u of %u, world %.16s..., %u PIN "
			    "tries left%s\n"), name, off_card_index(card),
			    off_card_n(card), world, off_card_tries_left(card),
			    /* TRANSLATORS: at the end of a line of 'card
			       list'. */
			    off_card_locked(card) ? _(", LOCKED") : "");
		off_card_free(&card);
	}
	off_slot_close(&slot);
	return EXIT_OK;
}

static int
card_inspect(const struct cmd_entry *e, int argc, char **argv)
{
	struct off_slot		*slot = NULL;
	struct off_card		*card = NULL;
	struct off_err		 err;
	struct card_source	 src;
	unsigned		 reader = 0, file_reader = 0;
	int			 ret, done = 0, status = EXIT_OK;

	if ((ret = card_args(e, argc, argv, &src, _("\nShows what a card "
	    "says about itself; no PIN is asked and nothing is\nchanged. "
	    "Use 'card verify' to check the PIN and the share.\n"))) >= 0)
		return ret;
	if ((ret = open_source(&src, &slot, &file_reader)) != 0)
		return ret;
	off_err_clear(&err);
	while ((ret = next_card(&src, slot, file_reader, &done, &reader,
	    &err)) == 1) {
		if (off_card_read(slot, reader, &card, &err) != 0) {
			status = cmd_fail(&err);
			continue;
		}
		print_card(card, slot->ops->reader_name(slot, reader));
		off_card_free(&card);
	}
	if (ret < 0)
		status = cmd_fail(&err);
	off_slot_close(&slot);
	return status;
}

/* The world of KMDATA, or NULL (with a note) when there is none. */
static int
load_world_opt(const char *kmarg, struct off_world **w, char *kmdata,
    size_t kmlen)
{
	struct off_err	err;
	int		ret;

	*w = NULL;
	off_err_clear(&err);
	if (opt_kmdata(kmarg, kmdata, kmlen) != 0)
		return 0;
	ret = off_world_load(kmdata, w, &err);
	if (ret == OFF_ERR_NO_WORLD && kmarg == NULL) {
		printf("%s\n", _("No world in KMDATA: checking PINs only, not "
		    "shares"));
		return 0;
	}
	return ret == 0 ? 0 : cmd_fail(&err);
}

static int
card_verify(const struct cmd_entry *e, int argc, char **argv)
{
	struct off_slot		*slot = NULL;
	struct off_world	*w = NULL;
	struct off_card		*card = NULL;
	struct off_share	*share = NULL;
	struct off_frontend	 fe;
	struct fe_line		 line;
	struct off_err		 err;
	struct card_source	 src;
	unsigned		 reader = 0, file_reader = 0, ok = 0, bad = 0;
	char			 kmdata[PATH_MAX];
	int			 ret, done = 0, status = EXIT_OK;

	if ((ret = card_args(e, argc, argv, &src, _("\nAsks each card's PIN "
	    "and checks its share against the world in KMDATA.\nWith --drawer, "
	    "every card in the drawer is checked.\n"))) >= 0)
		return ret;
	if ((ret = load_world_opt(src.kmarg, &w, kmdata,
	    sizeof(kmdata))) != 0)
		return ret;
	if ((ret = open_source(&src, &slot, &file_reader)) != 0)
		goto out;
	if ((share = off_secalloc(sizeof(*share))) == NULL) {
		fprintf(stderr, "officiant: %s\n", off_strerror(OFF_ERR_SECMEM));
		ret = EXIT_FAILED;
		goto out;
	}
	fe_line_init(&fe, &line);
	off_err_clear(&err);
	while ((ret = next_card(&src, slot, file_reader, &done, &reader,
	    &err)) == 1) {
		off_err_clear(&err);
		if (off_card_check_open(slot, reader, w, &fe, &card, share,
		    &err) == 0) {
			if (w != NULL)
				/* TRANSLATORS: %u is the card's index, %s
				   its name in the slot or drawer. */
				printf(_("Card %u (%s): PIN correct, share "
				    "matches the world\n"),
				    off_card_index(card),
				    slot->ops->reader_name(slot, reader));
			else
				printf(_("Card %u (%s): PIN correct\n"),
				    off_card_index(card),
				    slot->ops->reader_name(slot, reader));
			ok++;
		} else {
			status = cmd_fail(&err);
			bad++;
		}
		off_wipe(share, sizeof(*share));
		off_card_free(&card);
		if (err.code == OFF_ERR_CANCELLED ||
		    err.code == OFF_ERR_INTERRUPTED)
			break;
	}
	if (ret < 0)
		status = cmd_fail(&err);
	else if (ok + bad == 0) {
		fprintf(stderr, "officiant: %s\n", _("no card to verify"));
		status = EXIT_FAILED;
	}
	ret = status;
out:
	off_secfree(&share);
	off_slot_close(&slot);
	off_world_free(&w);
	return ret;
}

static int
card_change_pin(const struct cmd_entry *e, int argc, char **argv)
{
	struct off_slot		*slot = NULL;
	struct off_world	*w = NULL;
	struct off_card		*card = NULL;
	struct off_frontend	 fe;
	struct fe_line		 line;
	struct off_err		 err;
	struct card_source	 src;
	char			 kmdata[PATH_MAX];
	const struct off_frontend *use;
	struct record		 rec;
	unsigned		 reader = 0, file_reader = 0;
	int			 ret, done = 0, recording = 0;

	if ((ret = card_args(e, argc, argv, &src, _("\nAsks the current PIN, "
	    "then the new PIN twice, and reseals the card's share\nunder the "
	    "new PIN. The share itself does not change.\n"))) >= 0)
		return ret;
	if (src.drawer_dir != NULL)
		return cmd_usage(e, _("name the card file or use --slot DIR"));
	if ((ret = load_world_opt(src.kmarg, &w, kmdata,
	    sizeof(kmdata))) != 0)
		return ret;
	if ((ret = open_source(&src, &slot, &file_reader)) != 0)
		goto out;
	fe_line_init(&fe, &line);
	off_err_clear(&err);
	if ((ret = next_card(&src, slot, file_reader, &done, &reader,
	    &err)) != 1) {
		ret = ret < 0 ? cmd_fail(&err) : EXIT_FAILED;
		goto out;
	}
	/* With a world at hand the change is recorded in its KMDATA. */
	use = &fe;
	if (w != NULL) {
		if ((ret = record_start(&rec, kmdata, "card-change-pin",
		    _("Change the PIN of an administrator card"), w, &fe,
		    json_pack("{s:s}", "card",
		    slot->ops->reader_name(slot, reader)))) != 0)
			goto out;
		recording = 1;
		use = &rec.fe;
	}
	if (off_card_change_pin(slot, reader, w, use, &card, &err) != 0) {
		ret = recording ? record_abort(&rec, &err, kmdata) :
		    cmd_fail(&err);
		goto out;
	}
	printf(_("Card %u: PIN changed\n"), off_card_index(card));
	ret = EXIT_OK;
	if (recording) {
		char	idhex[2 * OFF_CARD_ID_LEN + 1];

		/* The card file itself changes with every PIN try, so its
		 * hash is no lasting record; its identity is. */
		off_hex(off_card_id(card), OFF_CARD_ID_LEN, idhex);
		ret = record_finish(&rec, NULL, json_pack("{s:s, s:i}",
		    "card_id", idhex, "card_index", (int)off_card_index(card)),
		    NULL, NULL, kmdata);
	}
out:
	off_card_free(&card);
	off_slot_close(&slot);
	off_world_free(&w);
	return ret;
}

const struct cmd_entry cmd_card_list_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"card", "list",
	N_("(--slot DIR | --drawer DIR | --card-pkcs11 LIBRARY)"),
	N_("list the cards in a slot or drawer"),
	card_list
};
const struct cmd_entry cmd_card_inspect_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"card", "inspect", N_("(FILE | --slot DIR | --drawer DIR | "
	    "--card-pkcs11 LIBRARY)"),
	N_("show what a card holds, without its PIN"),
	card_inspect
};
const struct cmd_entry cmd_card_verify_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"card", "verify", N_("[--kmdata DIR] (FILE | --slot DIR | --drawer DIR | "
	    "--card-pkcs11 LIBRARY)"),
	N_("check a card's PIN and share against the world"),
	card_verify
};
const struct cmd_entry cmd_card_change_pin_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"card", "change-pin",
	N_("[--kmdata DIR] (FILE | --slot DIR | --card-pkcs11 LIBRARY)"),
	N_("change a card's PIN"),
	card_change_pin
};
