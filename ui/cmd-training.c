/* officiant training make-kek */
#include "config.h"

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
	if (off_training_make_kek(dir, bits, &t, &err) != 0)
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
	"training", "make-kek", N_("--out DIR [--size 2048|3072|4096]"),
	N_("make a throw-away KEK with a certificate chain for rehearsals"),
	training_make_kek
};
