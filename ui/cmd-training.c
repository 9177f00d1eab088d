/* officiant training make-kek */
#include "config.h"

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "encode.h"
#include "error.h"
#include "i18n.h"
#include "kek.h"
#include "options.h"

/* --out must be a new or empty directory, as the help says: the
 * unprotected training key must not land among other files (a real KEK
 * package, a world). Training material already there is left to
 * off_training_make_kek, which refuses it by name. */
static int
out_dir_empty(const char *dir, struct off_err *err)
{
	static const char *const ours[] = {
		OFF_TRAINING_KEK, OFF_TRAINING_KEK_PRIVATE, OFF_TRAINING_CHAIN,
		OFF_TRAINING_ROOT_FP, OFF_TRAINING_KEK_ID, OFF_TRAINING_README,
		NULL
	};
	DIR		*d;
	struct dirent	*de;
	size_t		 i;
	int		 ret = 0;

	/* A new directory, or none at all: made or refused later. */
	if ((d = opendir(dir)) == NULL)
		return 0;
	while (ret == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		for (i = 0; ours[i] != NULL; i++)
			if (strcmp(de->d_name, ours[i]) == 0)
				break;
		if (ours[i] == NULL)
			ret = off_err_set(err, OFF_ERR_EXISTS, dir, _("the "
			    "directory is not empty; training material goes "
			    "into a new or empty directory"));
	}
	closedir(d);
	return ret;
}

static int
training_make_kek(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "size", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_training_kek	 t;
	struct off_err		 err;
	const char		*dir = NULL;
	unsigned		 bits = 3072;
	char			 fp[65];
	int			 c;

	while ((c = getopt_long(argc, argv, "o:b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			dir = optarg;
			break;
		case 'b':
			if (opt_unsigned(optarg, 2048, 4096, &bits) != 0 ||
			    (bits != 2048 && bits != 3072 && bits != 4096))
				return cmd_usage(e, _("--size is 2048, 3072 or "
				    "4096"));
			break;
		case 'h':
			/* TRANSLATORS: --help: keep the options,
			   and the descriptions in their column
			   (24 mostly), lines that go on too; at
			   most 79 columns a line. */
			return cmd_help(e, _(
			    "  -o, --out DIR        where to write (a new or "
			    "empty directory)\n"
			    "  -b, --size BITS      the KEK's RSA size: 2048, "
			    "3072 (default) or 4096\n"), _(HELP_HELP), _("\n"
			    "Writes a throw-away KEK, its private key "
			    "(unprotected), a certificate\nchain for it up to a "
			    "training root CA, the root's SHA-256 and a "
			    "made-up\nkey id, all labelled TRAINING, so the "
			    "BYOK flow can be rehearsed offline.\n"), NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind != argc || dir == NULL)
		return cmd_usage(e, _("give --out DIR"));
	off_err_clear(&err);
	if (out_dir_empty(dir, &err) != 0 ||
	    off_training_make_kek(dir, bits, &t, &err) != 0)
		return cmd_fail(&err);
	off_hex(t.root_sha256, 32, fp);
	printf(_("TRAINING material written in %s (not for production)\n"
	    "  KEK            %s/%s (RSA %u)\n"
	    "  chain          %s/%s\n"
	    "  root SHA-256   %s\n"
	    "  key id         %s\n"), dir, dir, OFF_TRAINING_KEK, bits, dir,
	    OFF_TRAINING_CHAIN, fp, t.kek_id);
	return EXIT_OK;
}

const struct cmd_entry cmd_training_make_kek_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"training", "make-kek", N_("--out DIR [--size 2048|3072|4096]"),
	N_("make a throw-away KEK with a certificate chain for rehearsals"),
	training_make_kek
};
