/* officiant verify; officiant transcript show|prove|consistency|minutes|
 * cosign; officiant witness keygen */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cmd.h"
#include "encode.h"
#include "error.h"
#include "fe-line.h"
#include "fileio.h"
#include "i18n.h"
#include "json.h"
#include "options.h"
#include "pgpwords.h"
#include "prompt.h"
#include "secmem.h"
#include "transcript.h"
#include "world.h"

static void
print_root(const char *label, const off_hash root)
{
	char	b64[OFF_B64_LEN(OFF_HASH_LEN)], words[OFF_PGP_WORDS_LEN(32)];

	off_b64(root, OFF_HASH_LEN, b64);
	off_pgp_words(root, OFF_HASH_LEN, words, sizeof(words));
	printf("%s %s\n  %s\n", label, b64, words);
}

/* --expect-root: 64 hex digits, base64, or 32 PGP words. */
static int
parse_root(const char *s, off_hash out)
{
	size_t	n;

	if (off_unhex(s, out, OFF_HASH_LEN) == 0)
		return 0;
	if (off_unb64(s, out, OFF_HASH_LEN, &n) == 0 && n == OFF_HASH_LEN)
		return 0;
	if (off_pgp_unwords(s, out, OFF_HASH_LEN, &n) == 0 &&
	    n == OFF_HASH_LEN)
		return 0;
	return -1;
}

int
cmd_anchor_world(const char *world_file, const char *kmarg,
    struct off_world **w)
{
	struct off_err	err;
	char		kmdata[PATH_MAX];
	int		ret;

	*w = NULL;
	off_err_clear(&err);
	if (world_file != NULL)
		ret = off_world_load_file(world_file, w, &err);
	else if (opt_kmdata(kmarg, kmdata, sizeof(kmdata)) != 0)
		return 0;
	else {
		ret = off_world_load(kmdata, w, &err);
		if (ret == OFF_ERR_NO_WORLD && kmarg == NULL)
			return 0;
	}
	return ret == 0 ? 0 : cmd_fail(&err);
}

int
cmd_ceremony_key(const struct cmd_entry *e, const char *arg,
    struct off_vkey *keys, size_t *n)
{
	if (*n == CMD_VKEYS_MAX || off_vkey_parse(arg, &keys[*n]) != 0 ||
	    keys[*n].type != OFF_NOTE_ED25519)
		return cmd_usage(e, _("--key takes a verifier key such as "
		    "NAME+1a2b3c4d+AB...; '%s' is not one"), arg);
	(*n)++;
	return 0;
}

static int
verify_main(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'K' },
		{ "witness", required_argument, NULL, 'W' },
		{ "expect-root", required_argument, NULL, 'r' },
		{ "world", required_argument, NULL, 'w' },
		{ "kmdata", required_argument, NULL, 'k' },
		{ "no-files", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_vkey			 keys[CMD_VKEYS_MAX];
	struct off_vkey			 wits[CMD_VKEYS_MAX];
	struct off_verify_opts		 o;
	struct off_verify_result	 r;
	struct off_world		*w = NULL;
	struct off_err			 err;
	off_hash			 expect;
	const char			*world_file = NULL, *kmarg = NULL;
	int				 c, ret;

	memset(&o, 0, sizeof(o));
	o.keys = keys;
	o.witnesses = wits;
	o.check_files = 1;
	while ((c = getopt_long(argc, argv, "K:W:r:w:k:h", opts, NULL)) !=
	    -1) {
		switch (c) {
		case 'K':
			if ((ret = cmd_ceremony_key(e, optarg, keys,
			    &o.nkeys)) != 0)
				return ret;
			break;
		case 'W':
			if (o.nwitnesses == CMD_VKEYS_MAX ||
			    off_vkey_parse(optarg, &wits[o.nwitnesses]) != 0 ||
			    wits[o.nwitnesses].type != OFF_NOTE_COSIG)
				return cmd_usage(e, _("--witness takes a "
				    "witness key from 'officiant witness "
				    "keygen'; '%s' is not one"), optarg);
			o.nwitnesses++;
			break;
		case 'r':
			if (parse_root(optarg, expect) != 0)
				return cmd_usage(e, _("--expect-root takes 64 "
				    "hex digits, base64 or the 32 PGP words"));
			o.expect_root = expect;
			break;
		case 'w':
			world_file = optarg;
			break;
		case 'k':
			kmarg = optarg;
			break;
		case 'n':
			o.check_files = 0;
			break;
		case 'h':
			/* TRANSLATORS: --help: keep the options,
			   and the descriptions in their column
			   (24 mostly), lines that go on too; at
			   most 79 columns a line. */
			return cmd_help(e, _(HELP_VKEY), _(
			    "  -W, --witness VKEY   a witness who must have "
			    "cosigned (repeatable)\n"
			    "  -r, --expect-root R  the final root from the "
			    "paper record (hex, base64\n"
			    "                       or PGP words)\n"),
			    _(HELP_ANCHOR), _("      --no-files       do not "
			    "check the files the transcript lists\n"),
			    _(HELP_HELP), _("\n"
			    "Recomputes the Merkle tree, checks every "
			    "checkpoint signature and that each\ncheckpoint "
			    "extends the one before, the seal, the "
			    "cosignatures and the\nhashes of the files that "
			    "were written, and says OK or names the first\n"
			    "bad line.\n"), NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind + 1 != argc)
		return cmd_usage(e, _("give one transcript"));
	if ((ret = cmd_anchor_world(world_file, kmarg, &w)) != 0)
		return ret;
	o.world = w;
	off_err_clear(&err);
	ret = off_transcript_verify(argv[optind], &o, &r, &err);
	off_world_free(&w);
	switch (ret) {
	case 0:
	case OFF_ERR_UNANCHORED:
		/* TRANSLATORS: 'verify': the verdict ("OK" or "UNVERIFIED
		   SIGNER"), the ceremony's id, " (TRAINING)" or nothing,
		   then counts. */
		printf(_("%s: transcript of ceremony %s%s: %zu entries, %zu "
		    "checkpoints, %zu segment(s), sealed\n"),
		    /* TRANSLATORS: verdicts of 'verify', at the start of
		       its line; " (TRAINING)" follows the ceremony's id. */
		    ret == 0 ? _("OK") : _("UNVERIFIED SIGNER"), r.ceremony,
		    r.training ? _(" (TRAINING)") : "", r.entries,
		    r.checkpoints, r.segments);
		/* TRANSLATORS: a label; the root hash (base64) follows
		   on the same line, its words on the next. */
		print_root(_("final root"), r.good_root);
		if (o.check_files)
			printf(_("files: %zu match, %zu not present\n"),
			    r.files_ok, r.files_missing);
		if (o.nwitnesses > 0)
			printf(_("cosigned by %u witness(es)\n"),
			    r.witnesses_ok);
		if (ret == OFF_ERR_UNANCHORED) {
			fprintf(stderr, "officiant: %s\n", _("no trusted key "
			    "vouches for the ceremony key: give --key, or the "
			    "world with --world or --kmdata"));
			return EXIT_UNANCHORED;
		}
		return EXIT_OK;
	case OFF_ERR_UNSEALED:
		/* TRANSLATORS: the ceremony's id, then " (TRAINING)" or
		   nothing. */
		printf(_("UNSEALED: transcript of ceremony %s%s is intact up to "
		    "the checkpoint at entry %" PRIu64 " of %zu, but it was "
		    "not sealed\n"), r.ceremony,
		    r.training ? _(" (TRAINING)") : "", r.good_size,
		    r.entries);
		/* TRANSLATORS: a label, as "final root". */
		print_root(_("last checkpoint root"), r.good_root);
		return EXIT_UNSEALED;
	}
	/* BAD is for a transcript that fails; a file that cannot be
	 * read is an error like any other. */
	if (cmd_exit_code(ret) == EXIT_FAILED && err.code != 0)
		return cmd_fail(&err);
	if (err.detail[0] != '\0') {
		char	msg[OFF_ERR_DETAIL_MAX + 300];

		off_err_format(&err, msg, sizeof(msg));
		printf(_("BAD: %s\n"), msg);
	} else
		printf(_("BAD: %s\n"), r.why);
	return cmd_exit_code(ret);
}

static const char *
summary(json_t *data, char *buf, size_t len)
{
	char	*s = off_json_dumps(data, JSON_COMPACT | JSON_PRESERVE_ORDER,
	    NULL);

	snprintf(buf, len, "%s", s != NULL ? s : "");
	free(s);
	return buf;
}

static int
load_log(const char *path, struct off_tlog **l)
{
	struct off_err	err;

	off_err_clear(&err);
	return off_tlog_load(path, l, &err) == 0 ? 0 : cmd_fail(&err);
}

/* Commands whose only option is --help: -1 to go on, else an exit
 * code. */
static int
help_only(const struct cmd_entry *e, int argc, char **argv, int nargs,
    const char *more)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int	c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cmd_help(e, _(HELP_HELP), more, NULL);
		return cmd_usage(e, NULL);
	}
	if (argc - optind != nargs)
		return cmd_usage(e, nargs == 1 ? _("give one transcript") :
		    _("give the old and the new transcript"));
	return -1;
}

static int
show_main(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_tlog	*l = NULL;
	char		 buf[512], words[OFF_PGP_WORDS_LEN(32)];
	size_t		 ie = 0, ic = 0;
	int		 c, ret, json = 0;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			/* TRANSLATORS: --help: keep the options,
			   and the descriptions in their column
			   (24 mostly), lines that go on too; at
			   most 79 columns a line. */
			return cmd_help(e, _("  -j, --json           one JSON "
			    "array of the entries\n"), _(HELP_HELP), NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind + 1 != argc)
		return cmd_usage(e, _("give one transcript"));
	if ((ret = load_log(argv[optind], &l)) != 0)
		return ret;
	if (json) {
		json_t	*a = json_array();
		char	*s;

		for (ie = 0; ie < l->nentries; ie++)
			json_array_append(a, l->entries[ie].obj);
		s = off_json_dumps(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER,
		    NULL);
		json_decref(a);
		off_tlog_free(&l);
		if (s == NULL) {
			struct off_err	nomem;

			off_err_set(&nomem, OFF_ERR_NOMEM, NULL, NULL);
			return cmd_fail(&nomem);
		}
		printf("%s\n", s);
		free(s);
		return EXIT_OK;
	}
	while (ie < l->nentries || ic < l->ncps) {
		if (ic >= l->ncps || (ie < l->nentries &&
		    l->entries[ie].line < l->cps[ic].line)) {
			const struct off_tentry	*t = &l->entries[ie++];

			/* The entry's number, time, type (padded to 22)
			 * and step as recorded: the format's words. */
			printf("%4zu %s %-22s %s%s", ie - 1, t->time,
			    t->type, t->step, *t->step ? " " : "");
			if (*t->actor)
				/* TRANSLATORS: 'transcript show', after an
				   entry's step: who made it (an officer's
				   id); the entry's data follows. */
				printf(_("by %s"), t->actor);
			printf(" %s\n", summary(t->data, buf, sizeof(buf)));
		} else {
			const struct off_tcheckpoint	*cp = &l->cps[ic++];

			off_pgp_words(cp->root, 4, words, sizeof(words));
			/* TRANSLATORS: 'transcript show', between the
			   entries: a checkpoint's size, the first four
			   words of its root hash, its signatures. */
			printf(_("     -- checkpoint: %" PRIu64 " entries, root "
			    "%s... (%zu signature(s))\n"), cp->size, words,
			    cp->parsed.nsigs);
		}
	}
	if (l->tail > 0)
		printf(_("     -- %zu bytes of an unfinished last line\n"),
		    l->tail);
	off_tlog_free(&l);
	return EXIT_OK;
}

static int
prove_main(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "entry", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_tlog			*l = NULL;
	const struct off_tcheckpoint	*c;
	off_hash			 proof[OFF_MERKLE_PROOF_MAX];
	char				 b64[OFF_B64_LEN(OFF_HASH_LEN)];
	size_t				 plen, i;
	unsigned			 entry = 0;
	int				 ch, ret, have = 0;

	while ((ch = getopt_long(argc, argv, "e:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'e':
			if (opt_unsigned(optarg, 0, UINT32_MAX - 1, &entry) != 0)
				return cmd_usage(e, _("--entry takes an entry "
				    "number"));
			have = 1;
			break;
		case 'h':
			/* TRANSLATORS: --help: keep the options,
			   and the descriptions in their column
			   (24 mostly), lines that go on too; at
			   most 79 columns a line. */
			return cmd_help(e, _("  -e, --entry N        the entry "
			    "(its sequence number)\n"), _(HELP_HELP), _("\n"
			    "Prints the RFC 6962 inclusion proof of the entry "
			    "in the tree of the last\ncheckpoint that covers "
			    "it, and checks it.\n"), NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind + 1 != argc || !have)
		return cmd_usage(e, _("give one transcript and --entry N"));
	if ((ret = load_log(argv[optind], &l)) != 0)
		return ret;
	if (l->ncps == 0 || entry >= l->cps[l->ncps - 1].size) {
		fprintf(stderr, _("officiant: %s: entry %u is not covered by a "
		    "checkpoint\n"), argv[optind], entry);
		off_tlog_free(&l);
		return EXIT_FAILED;
	}
	c = &l->cps[l->ncps - 1];
	if (off_merkle_inclusion_proof(l->leaves, c->size, entry, proof,
	    &plen) != 0 || off_merkle_inclusion_verify(l->leaves[entry], entry,
	    c->size, proof, plen, c->root) != 0) {
		fprintf(stderr, _("officiant: %s: entry %u is not in the tree "
		    "of the last checkpoint\n"), argv[optind], entry);
		off_tlog_free(&l);
		return EXIT_BADFILE;
	}
	off_b64(l->leaves[entry], OFF_HASH_LEN, b64);
	printf(_("entry %u\nleaf hash %s\n"), entry, b64);
	off_b64(c->root, OFF_HASH_LEN, b64);
	printf(_("tree size %" PRIu64 "\nroot %s\nproof\n"), c->size, b64);
	for (i = 0; i < plen; i++) {
		off_b64(proof[i], OFF_HASH_LEN, b64);
		printf("  %s\n", b64);
	}
	printf("%s\n", _("OK: the entry is in the tree (the checkpoint's "
	    "signature is checked by 'officiant verify')"));
	off_tlog_free(&l);
	return EXIT_OK;
}

static int
consistency_main(const struct cmd_entry *e, int argc, char **argv)
{
	struct off_tlog	*a = NULL, *b = NULL;
	off_hash	 proof[OFF_MERKLE_PROOF_MAX];
	char		 b64[OFF_B64_LEN(OFF_HASH_LEN)];
	uint64_t	 m, n;
	size_t		 plen, i;
	int		 ret;

	if ((ret = help_only(e, argc, argv, 2, _("\nChecks that the last "
	    "checkpoint of NEW extends the last checkpoint of OLD\n(an RFC "
	    "6962 consistency proof) and prints the proof.\n"))) >= 0)
		return ret;
	argv += optind - 1;
	if ((ret = load_log(argv[1], &a)) != 0)
		return ret;
	if ((ret = load_log(argv[2], &b)) != 0) {
		off_tlog_free(&a);
		return ret;
	}
	ret = EXIT_BADFILE;
	if (a->ncps == 0 || b->ncps == 0) {
		fprintf(stderr, "officiant: %s\n", _("both transcripts need a "
		    "checkpoint"));
		goto out;
	}
	m = a->cps[a->ncps - 1].size;
	n = b->cps[b->ncps - 1].size;
	if (m > n || n > b->nentries || off_merkle_consistency_proof(b->leaves,
	    m, n, proof, &plen) != 0 || off_merkle_consistency_verify(m, n,
	    a->cps[a->ncps - 1].root, b->cps[b->ncps - 1].root, proof,
	    plen) != 0) {
		printf(_("NOT CONSISTENT: %s (%" PRIu64 " entries) does not "
		    "extend %s (%" PRIu64 " entries)\n"), argv[2], n, argv[1],
		    m);
		goto out;
	}
	printf(_("old size %" PRIu64 "\nnew size %" PRIu64 "\nproof\n"), m,
	    n);
	for (i = 0; i < plen; i++) {
		off_b64(proof[i], OFF_HASH_LEN, b64);
		printf("  %s\n", b64);
	}
	printf(_("OK: %s extends %s\n"), argv[2], argv[1]);
	ret = EXIT_OK;
out:
	off_tlog_free(&a);
	off_tlog_free(&b);
	return ret;
}

static int
minutes_main(const struct cmd_entry *e, int argc, char **argv)
{
	struct off_tlog			*l = NULL;
	const struct off_tentry		*t;
	struct off_verify_opts		 o;
	struct off_verify_result	 r;
	char			 words[OFF_PGP_WORDS_LEN(32)], buf[512];
	const char		*s;
	uint8_t			 h[32];
	off_hash		 root;
	size_t			 i;
	int			 ret, vret;

	if ((ret = help_only(e, argc, argv, 1, _("\nThe minutes say first "
	    "whether the transcript verifies; check the signer\nwith "
	    "'officiant verify'.\n"))) >= 0)
		return ret;
	argv += optind - 1;
	if ((ret = load_log(argv[1], &l)) != 0)
		return ret;
	if (l->nentries == 0) {
		off_tlog_free(&l);
		return EXIT_BADFILE;
	}
	memset(&o, 0, sizeof(o));
	vret = off_tlog_verify(l, argv[1], &o, &r, NULL);
	t = &l->entries[0];
	s = json_string_value(json_object_get(t->data, "title"));
	printf(_("MINUTES OF KEY CEREMONY\n\n"));
	if (vret == 0 || vret == OFF_ERR_UNANCHORED)
		printf("%s\n\n", _("Transcript: intact and sealed (check its "
		    "signer with 'officiant verify')"));
	else if (vret == OFF_ERR_UNSEALED)
		printf(_("Transcript: NOT SEALED; intact up to entry %" PRIu64
		    "\n\n"), r.good_size);
	else
		printf(_("Transcript: DOES NOT VERIFY (line %zu: %s); these "
		    "minutes cannot be trusted\n\n"), r.bad_line, r.why);
	if (json_is_true(json_object_get(t->data, "training")))
		printf("%s\n\n", _("*** TRAINING: NOT A PRODUCTION CEREMONY ***"));
	/* TRANSLATORS: the minutes' head. The values start in column 13:
	   pad the labels to 12 characters. The ceremony's id, title,
	   the transcript's id, when it started and by whom, the program
	   and its version. */
	printf(_("Ceremony:   %s\nTitle:      %s\nTranscript: %s\n"
	    "Started:    %s by %s\nProgram:    %s\n\n"),
	    json_string_value(json_object_get(t->data, "ceremony")),
	    s != NULL ? s : "",
	    json_string_value(json_object_get(t->data, "transcript")),
	    t->time, *t->actor ? t->actor : "-",
	    json_string_value(json_object_get(t->data, "program")));
	/* TRANSLATORS: the heading of the minutes' record: "Initials" ends
	   in column 69, over the blank (columns 64-69) at the right of each
	   record; the record's lines start in column 1. */
	printf("%s\n", _("Record                                            "
	    "           Initials"));
	for (i = 1; i < l->nentries; i++) {
		t = &l->entries[i];
		if (strcmp(t->type, OFF_T_PROMPT) == 0)
			continue;
		/* The entry's number, time of day, type and step as
		 * recorded: the format's words. */
		printf("%4zu %s %s %s", i, t->time + 11, t->type, t->step);
		if (*t->actor)
			/* TRANSLATORS: the minutes, after an entry's step:
			   who made it (an officer's id). */
			printf(_(" by %s"), t->actor);
		printf("\n");
		printf("       %.60s\n", summary(t->data, buf, sizeof(buf)));
		if (strcmp(t->type, OFF_T_FILE) == 0 &&
		    (s = json_string_value(json_object_get(t->data,
		    "sha256"))) != NULL && off_unhex(s, h, 32) == 0) {
			off_pgp_words(h, 32, words, sizeof(words));
			printf("       SHA-256 %s\n", words);
		}
		printf("%62s ______\n", "");
	}
	if (l->ncps > 0) {
		memcpy(root, l->cps[l->ncps - 1].root, OFF_HASH_LEN);
		printf("\n");
		/* TRANSLATORS: a label; the root hash (base64) follows
		   on the same line, its words on the next. */
		print_root(_("Final root:"), root);
	}
	printf("\n%s\n", _("Signatures of those present:\n\n"
	    "  ______________________   ______________________   "
	    "______________________"));
	off_tlog_free(&l);
	return EXIT_OK;
}

/* Read a passphrase-protected PEM private key. */
static int
pem_pass(char *buf, int size, int rwflag, void *u)
{
	const struct off_frontend	*fe = u;
	struct off_pin_request		 req;
	char				*p = NULL;
	size_t				 len;

	(void)rwflag;
	memset(&req, 0, sizeof(req));
	req.kind = OFF_PIN_PASSPHRASE;
	req.label = _("Passphrase of the witness key");
	req.tries_left = -1;
	if (off_ask_pin(fe, &req, &p, &len) != 0 || size <= 0 ||
	    len >= (size_t)size) {
		off_secfree(&p);
		return -1;
	}
	memcpy(buf, p, len);
	off_secfree(&p);
	return (int)len;
}

int
witness_key_load(const char *file, const struct off_frontend *fe,
    EVP_PKEY **key, struct off_err *err)
{
	struct off_frontend	 ask = *fe;
	FILE			*f;

	*key = NULL;
	if ((f = fopen(file, "r")) == NULL)
		return off_err_errno(err, OFF_ERR_IO, errno, file,
		    _("cannot open the witness key"));
	*key = PEM_read_PrivateKey(f, NULL, pem_pass, &ask);
	fclose(f);
	if (*key == NULL || !EVP_PKEY_is_a(*key, "ED25519")) {
		EVP_PKEY_free(*key);
		*key = NULL;
		return off_err_set(err, OFF_ERR_FORMAT, file, _("not an "
		    "Ed25519 witness key, or the wrong passphrase"));
	}
	return 0;
}

static int
cosign_main(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "key", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_frontend	 fe;
	struct fe_line		 line;
	struct off_err		 err;
	const char		*name = NULL, *keyfile = NULL;
	EVP_PKEY		*key = NULL;
	int			 c, ret;

	while ((c = getopt_long(argc, argv, "n:K:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'K':
			keyfile = optarg;
			break;
		case 'h':
			/* TRANSLATORS: --help: keep the options,
			   and the descriptions in their column
			   (24 mostly), lines that go on too; at
			   most 79 columns a line. */
			return cmd_help(e, _("  -n, --name NAME      the "
			    "witness's name (as in the witness key)\n"
			    "  -K, --key FILE       the witness's private key "
			    "(PEM, from 'witness keygen')\n"), _(HELP_HELP),
			    NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind + 1 != argc || name == NULL || keyfile == NULL)
		return cmd_usage(e, _("give the transcript, --name and --key"));
	fe_line_init(&fe, &line);
	off_err_clear(&err);
	if ((ret = witness_key_load(keyfile, &fe, &key, &err)) != 0)
		return cmd_fail(&err);
	ret = off_transcript_cosign(argv[optind], name, key, &err);
	EVP_PKEY_free(key);
	if (ret != 0)
		return cmd_fail(&err);
	printf(_("%s cosigned the final checkpoint of %s\n"), name,
	    argv[optind]);
	return EXIT_OK;
}

static int
keygen_main(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_frontend	 fe;
	struct fe_line		 line;
	struct off_err		 err;
	struct off_vkey		 vk;
	struct off_pin_request	 req;
	const char		*name = NULL, *out = NULL;
	char			*pass = NULL, *again = NULL, *pem = NULL;
	char			 vks[OFF_VKEY_MAX];
	size_t			 plen, alen;
	long			 len;
	EVP_PKEY		*key = NULL;
	BIO			*bio = NULL;
	int			 c, ret = EXIT_FAILED;

	while ((c = getopt_long(argc, argv, "n:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			/* TRANSLATORS: --help: keep the options,
			   and the descriptions in their column
			   (24 mostly), lines that go on too; at
			   most 79 columns a line. */
			return cmd_help(e, _("  -n, --name NAME      the "
			    "witness's name, such as witness.example.org/ann\n"
			    "  -o, --out FILE       where to write the private "
			    "key (PEM, encrypted)\n"), _(HELP_HELP), _("\n"
			    "Asks a passphrase twice and prints the witness's "
			    "public key, which auditors\ngive to 'officiant "
			    "verify --witness'.\n"), NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind != argc || name == NULL || out == NULL)
		return cmd_usage(e, _("give --name and --out"));
	if (off_note_name_ok(name) != 0)
		return cmd_usage(e, _("the name may not hold spaces or '+'"));
	fe_line_init(&fe, &line);
	memset(&req, 0, sizeof(req));
	req.kind = OFF_PIN_PASSPHRASE;
	req.tries_left = -1;
	req.label = _("Passphrase for the new witness key");
	if (off_ask_pin(&fe, &req, &pass, &plen) != 0)
		return EXIT_CANCELLED;
	req.label = _("The same passphrase again");
	if (off_ask_pin(&fe, &req, &again, &alen) != 0)
		goto out;
	if (plen < 8 || plen != alen || off_ctcmp(pass, again, plen) != 0) {
		fprintf(stderr, "officiant: %s\n", _("the passphrases differ "
		    "or are shorter than 8 characters"));
		ret = EXIT_USAGE;
		goto out;
	}
	off_err_clear(&err);
	if ((key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL ||
	    off_vkey_from_pkey(name, OFF_NOTE_COSIG, key, &vk, &err) != 0 ||
	    (bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PKCS8PrivateKey(bio, key, EVP_aes_256_cbc(), pass,
	    (int)plen, NULL, NULL) != 1 ||
	    (len = BIO_get_mem_data(bio, &pem)) <= 0) {
		fprintf(stderr, "officiant: %s\n", _("cannot make the witness "
		    "key"));
		goto out;
	}
	if (off_file_write(out, pem, (size_t)len, OFF_WRITE_NOREPLACE,
	    &err) != 0) {
		ret = cmd_fail(&err);
		goto out;
	}
	off_vkey_format(&vk, vks, sizeof(vks));
	printf(_("Witness key written to %s\nPublic key (for verify "
	    "--witness):\n%s\n"), out, vks);
	ret = EXIT_OK;
out:
	BIO_free(bio);
	EVP_PKEY_free(key);
	off_secfree(&pass);
	off_secfree(&again);
	return ret;
}

const struct cmd_entry cmd_verify_entry = {
	"verify", "",
	N_("[--key VKEY]... [--witness VKEY]... [--expect-root ROOT] "
	    "[--world FILE | --kmdata DIR] [--no-files] TRANSCRIPT"),
	N_("verify a ceremony transcript"),
	verify_main
};
const struct cmd_entry cmd_transcript_show_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"transcript", "show", N_("[--json] TRANSCRIPT"),
	N_("list a transcript's entries and checkpoints"),
	show_main
};
const struct cmd_entry cmd_transcript_prove_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"transcript", "prove", N_("--entry N TRANSCRIPT"),
	N_("print the inclusion proof of one entry"),
	prove_main
};
const struct cmd_entry cmd_transcript_consistency_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"transcript", "consistency", N_("OLD NEW"),
	N_("prove that one transcript extends another"),
	consistency_main
};
const struct cmd_entry cmd_transcript_minutes_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"transcript", "minutes", N_("TRANSCRIPT"),
	N_("print the minutes of a ceremony for the paper record"),
	minutes_main
};
const struct cmd_entry cmd_transcript_cosign_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"transcript", "cosign", N_("--name NAME --key FILE TRANSCRIPT"),
	N_("cosign a sealed transcript as a witness"),
	cosign_main
};
const struct cmd_entry cmd_witness_keygen_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"witness", "keygen", N_("--name NAME --out FILE"),
	N_("make a witness key for cosigning transcripts"),
	keygen_main
};
