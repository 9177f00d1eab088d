/* officiant package create|inspect|verify-kek|verify-hash */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "cmd.h"
#include "encode.h"
#include "error.h"
#include "fe-line.h"
#include "fileio.h"
#include "i18n.h"
#include "kek.h"
#include "key.h"
#include "options.h"
#include "package.h"
#include "pgpwords.h"
#include "record.h"
#include "settings.h"
#include "world.h"

static void
print_hash(const char *label, const uint8_t h[32])
{
	char	hex[65], words[OFF_PGP_WORDS_LEN(32)];

	off_hex(h, 32, hex);
	off_pgp_words(h, 32, words, sizeof(words));
	printf("%s %s\n  %s\n", label, hex, words);
}

/* What the transcript keeps of a package: for a key on a PKCS#11
 * token, also the token and the mechanisms that wrapped it. */
static json_t *
package_result(const char *out, const struct off_package_params *p,
    const struct off_package *pkg, const char *sha, const char *fp)
{
	json_t	*o;

	o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "package", out, "format",
	    p->format, "algorithm", pkg->algorithm, "sha256", sha,
	    "kek_fingerprint", fp);
	if (o != NULL && *pkg->token.library != '\0')
		json_object_set_new(o, "token", json_pack("{s:s, s:s, s:s, "
		    "s:s, s:s}", "manufacturer", pkg->token.manufacturer,
		    "model", pkg->token.model, "serial", pkg->token.serial,
		    "label", pkg->token.label, "mechanisms",
		    pkg->mechanisms));
	return o;
}

static int
package_create(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kek", required_argument, NULL, 'K' },
		{ "format", required_argument, NULL, 'f' },
		{ "kek-id", required_argument, NULL, 'i' },
		{ "algorithm", required_argument, NULL, 'A' },
		{ "name", required_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'o' },
		{ "app", required_argument, NULL, 'a' },
		{ "kmdata", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_package_params p;
	struct off_package	 pkg;
	struct off_world	*w = NULL;
	struct off_key		*k = NULL;
	struct off_frontend	 fe;
	struct fe_line		 line;
	struct off_err		 err;
	struct record		 rec;
	EVP_PKEY		*kek = NULL;
	const char		*kmarg = NULL, *kekfile = NULL, *out = NULL;
	const char		*name = NULL, *app = "xferacld", *files[2];
	char			 kmdata[PATH_MAX], outbuf[PATH_MAX], buf[160];
	char			 fp[65], sha[65];
	const char		*a, *ident;
	int			 c, ret;

	memset(&p, 0, sizeof(p));
	memset(&pkg, 0, sizeof(pkg));
	while ((c = getopt_long(argc, argv, "K:f:i:A:n:o:a:k:h", opts,
	    NULL)) != -1) {
		switch (c) {
		case 'K':
			kekfile = optarg;
			break;
		case 'f':
			p.format = optarg;
			break;
		case 'i':
			p.kid = optarg;
			break;
		case 'A':
			p.algorithm = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'a':
			app = optarg;
			break;
		case 'k':
			kmarg = optarg;
			break;
		case 'h':
			/* TRANSLATORS: --help: keep the options,
			   and the descriptions in their column
			   (24 mostly), lines that go on too; at
			   most 79 columns a line. */
			return cmd_help(e, _(
			    "  -K, --kek FILE       the cloud's KEK: RSA "
			    "2048/3072/4096 public key (PEM,\n"
			    "                       DER SubjectPublicKeyInfo, "
			    "certificate or JWK)\n"
			    "  -f, --format F       azure-byok, aws-kms or "
			    "gcp-kms\n"
			    "  -i, --kek-id KID     azure-byok: the KEK's full "
			    "versioned key identifier\n"
			    "  -A, --algorithm NAME aws-kms: RSA_AES_KEY_WRAP_SHA_"
			    "256 (default), _SHA_1,\n"
			    "                       RSAES_OAEP_SHA_256/_SHA_1 "
			    "(32-byte keys); gcp-kms:\n"
			    "                       RSA_OAEP_3072_SHA256_AES_256 "
			    "(default), _4096_, _SHA1_\n"
			    "  -n, --name NAME      the name in the default file "
			    "name\n"
			    "  -o, --out FILE       where to write the package\n"
			    "  -a, --app APP        the key's application "
			    "(default xferacld: the reduced copy)\n"),
			    _(HELP_KMDATA), _(HELP_HELP), _("\nThe key's ACL "
			    "must allow export wrapped under this KEK (see 'key "
			    "reduce-acl').\nPrints the package's SHA-256 and the "
			    "KEK's fingerprint for the record.\n"), NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind + 1 != argc || kekfile == NULL || p.format == NULL)
		return cmd_usage(e, _("give the key, --kek and --format"));
	if ((ret = opt_load_world(kmarg, kmdata, sizeof(kmdata), &w)) != 0)
		return ret;
	off_err_clear(&err);
	if ((kek = off_kek_load(kekfile, &err)) == NULL) {
		ret = cmd_fail(&err);
		goto done;
	}
	opt_key_name(app, argv[optind], buf, sizeof(buf), &a, &ident);
	if (off_key_load(kmdata, w, a, ident, &k, &err) != 0 ||
	    off_package_check(&p, kek, off_key_type(k), &err) != 0) {
		ret = cmd_fail(&err);
		goto done;
	}
	if (name != NULL && (strlen(name) == 0 || strlen(name) > 64 ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-") != strlen(name))) {
		ret = cmd_usage(e, _("--name takes 1-64 letters, digits, dots, "
		    "dashes and underscores"));
		goto done;
	}
	if (out == NULL) {
		off_package_default_name(p.format, name != NULL ? name :
		    off_key_ident(k), outbuf, sizeof(outbuf));
		out = outbuf;
	}
	fe_line_init(&fe, &line);
	if ((ret = record_start(&rec, kmdata, "package-create",
	    _("Package a key for a cloud key service"), w, &fe,
	    json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s}", "key",
	    off_key_file_name(k), "kek", kekfile, "format", p.format,
	    "algorithm", p.algorithm, "kek_id", p.kid, "out", out))) != 0)
		goto done;
	p.fe = &rec.fe;
	if (off_package_create(kmdata, w, k, kek, &p, &pkg, &err) != 0 ||
	    off_file_write(out, pkg.data, pkg.len, OFF_WRITE_NOREPLACE,
	    &err) != 0) {
		ret = record_abort(&rec, &err, kmdata);
		goto done;
	}
	off_hex(pkg.kek_fp, 32, fp);
	off_hex(pkg.sha256, 32, sha);
	files[0] = out;
	files[1] = NULL;
	if ((ret = record_finish(&rec, NULL, package_result(out, &p, &pkg, sha,
	    fp), files, NULL, kmdata)) != 0) {
		/* No package leaves without its record. */
		(void)off_file_remove(out, NULL);
		goto done;
	}
	printf(_("Package %s written (%s, %s)\n"), out, p.format,
	    pkg.algorithm);
	print_hash(_("package SHA-256"), pkg.sha256);
	print_hash(_("KEK fingerprint"), pkg.kek_fp);
	ret = EXIT_OK;
done:
	off_package_free(&pkg);
	EVP_PKEY_free(kek);
	off_key_free(&k);
	off_world_free(&w);
	return ret;
}

static int
package_inspect(const struct cmd_entry *e, int argc, char **argv)
{
	struct off_package_info	 info;
	struct off_err		 err;
	char			*data = NULL;
	size_t			 len, i;
	int			 ret;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0))
		return cmd_help(e, _(HELP_HELP), _("\nShows the format, the KEK "
		    "identifier where the format carries one, sizes\nand the "
		    "SHA-256; it never decrypts anything.\n"), NULL);
	if (argc != 2)
		return cmd_usage(e, _("give one package file"));
	off_err_clear(&err);
	if (off_file_read(argv[1], 1024 * 1024, &data, &len, &err) != 0)
		return cmd_fail(&err);
	ret = off_package_describe((const uint8_t *)data, len, &info, &err);
	free(data);
	if (ret == OFF_ERR_FORMAT) {
		fprintf(stderr, _("officiant: %s: not a transfer package\n"),
		    argv[1]);
		return EXIT_BADFILE;
	}
	if (ret != 0)
		return cmd_fail(&err);
	if (info.azure)
		/* TRANSLATORS: 'package inspect'. The values start in
		   column 14: pad the labels to 13 characters, as below. */
		printf(_("Format       azure-byok (schema %s)\n"
		    "KEK id       %s\n"
		    "algorithm    %s / %s\n"
		    "ciphertext   about %zu bytes\n"
		    "generator    %s\n"),
		    info.schema, info.kid, info.alg, info.enc, info.ciphertext,
		    info.generator);
	else {
		/* TRANSLATORS: 'package inspect'; "could be" lines
		   follow, with what the package may hold. */
		printf(_("Format       raw (aws-kms or gcp-kms)\n"));
		for (i = 0; i < info.nlayouts; i++)
			if (info.layouts[i].wrapped == 0)
				/* TRANSLATORS: %zu is the KEK's size in
				   bits. */
				printf(_("  could be  RSA-OAEP alone under an RSA "
				    "%zu KEK\n"),
				    (size_t)info.layouts[i].kek_bits);
			else
				printf(_("  could be  RSA-AES key wrap under an RSA "
				    "%zu KEK (%zu wrapped bytes)\n"),
				    (size_t)info.layouts[i].kek_bits,
				    info.layouts[i].wrapped);
	}
	/* TRANSLATORS: 'package inspect', as the labels above. */
	printf(_("size         %zu bytes\n"), info.len);
	/* TRANSLATORS: a label padded to 12 characters: the hash follows
	   after a space, in column 14 as the values above. */
	print_hash(_("SHA-256     "), info.sha256);
	return EXIT_OK;
}

/* The pinned root: --root-fingerprint HEX or --root NAME from the
 * configuration. 0, or an exit code after saying why. */
static int
pinned_root(const struct cmd_entry *e, const char *hex, const char *name,
    uint8_t pin[32], size_t *pinlen)
{
	struct off_settings	*cfg = NULL;
	int			 ret;

	if ((hex == NULL) == (name == NULL))
		return cmd_usage(e, _("give the pinned root: --root-fingerprint "
		    "HEX or --root NAME"));
	if (hex != NULL) {
		if (off_unhex_fp(hex, pin, 32, pinlen) != 0 ||
		    (*pinlen != 20 && *pinlen != 32))
			return cmd_usage(e, _("--root-fingerprint takes a SHA-256 "
			    "(64 hex digits) or SHA-1 (40) fingerprint; spaces "
			    "and colons may separate pairs"));
		return 0;
	}
	if ((ret = opt_load_settings(&cfg)) != 0)
		return ret;
	if (off_settings_root(cfg, name, pin, pinlen) != 0) {
		fprintf(stderr, _("officiant: no pinned root \"%s\" in the "
		    "configuration (%s)\n"), name, *off_settings_sources(cfg) ?
		    off_settings_sources(cfg) : _("no configuration file"));
		ret = EXIT_USAGE;
	}
	off_settings_free(&cfg);
	return ret;
}

static int
package_verify_kek(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kek", required_argument, NULL, 'K' },
		{ "chain", required_argument, NULL, 'C' },
		{ "root-fingerprint", required_argument, NULL, 'r' },
		{ "root", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_kek_report	 rep;
	struct off_err		 err;
	EVP_PKEY		*kek = NULL;
	const char		*kekfile = NULL, *chain = NULL, *hex = NULL;
	const char		*name = NULL;
	uint8_t			 pin[32];
	size_t			 pinlen, i;
	char			 fp[65];
	int			 c, ret;

	while ((c = getopt_long(argc, argv, "K:C:r:R:h", opts, NULL)) != -1) {
		switch (c) {
		case 'K':
			kekfile = optarg;
			break;
		case 'C':
			chain = optarg;
			break;
		case 'r':
			hex = optarg;
			break;
		case 'R':
			name = optarg;
			break;
		case 'h':
			/* TRANSLATORS: --help: keep the options,
			   and the descriptions in their column
			   (24 mostly), lines that go on too; at
			   most 79 columns a line. */
			return cmd_help(e, _(
			    "  -K, --kek FILE       the KEK to check (PEM, DER, "
			    "certificate or JWK)\n"
			    "  -C, --chain FILE     PEM certificates: the KEK's "
			    "certificate first, then\n"
			    "                       its issuers up to the root\n"
			    "  -r, --root-fingerprint HEX\n"
			    "                       the root's SHA-256 (64 hex "
			    "digits) or, for legacy\n"
			    "                       vendor roots, SHA-1 (40); "
			    "spaces and colons allowed\n"
			    "  -R, --root NAME      a root pinned in the "
			    "configuration file\n"), _(HELP_HELP), _("\nThe "
			    "chain must verify up to the pinned root, and the "
			    "first certificate\nmust certify this very KEK. "
			    "Prints \"Result: SUCCESS\" or why it failed.\n"),
			    NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind != argc || kekfile == NULL || chain == NULL)
		return cmd_usage(e, _("give --kek FILE, --chain FILE and the "
		    "pinned root"));
	if ((ret = pinned_root(e, hex, name, pin, &pinlen)) != 0)
		return ret;
	off_err_clear(&err);
	if ((kek = off_kek_load(kekfile, &err)) == NULL)
		return cmd_fail(&err);
	ret = off_kek_verify_chain(kek, chain, pin, pinlen, &rep, &err);
	EVP_PKEY_free(kek);
	if (ret != 0 && err.code != OFF_ERR_AUTH &&
	    err.code != OFF_ERR_INVALID)
		return cmd_fail(&err);
	for (i = 0; i < rep.n; i++)
		printf("  %-12s %s\n",
		    /* TRANSLATORS: 'package verify-kek': labels padded to
		       12 before each certificate's subject, from the KEK's
		       certificate up the chain to the root. */
		    i == 0 ? _("certificate") : i + 1 == rep.n ? _("root") :
		    _("issued by"), rep.subject[i]);
	if (ret == 0) {
		off_hex(rep.root_sha256, 32, fp);
		/* TRANSLATORS: the root certificate's fingerprints, the
		   two labels of the same length (the values aligned). */
		printf(_("Root SHA-256 %s\n"), fp);
		off_hex(rep.root_sha1, 20, fp);
		printf(_("Root SHA-1   %s\n"), fp);
	}
	print_hash(_("KEK fingerprint"), rep.kek_fp);
	if (ret != 0) {
		char	msg[OFF_ERR_DETAIL_MAX + 300];

		off_err_format(&err, msg, sizeof(msg));
		printf(_("Result: FAILED: %s\n"), msg);
		return EXIT_BADFILE;
	}
	printf("%s\n", _("Result: SUCCESS"));
	return EXIT_OK;
}

static int
package_verify_hash(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sha256", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_settings	*cfg = NULL;
	struct off_err		 err;
	const char		*want = NULL, *base;
	uint8_t			 expect[32], got[32];
	uint64_t		 size;
	size_t			 len;
	char			 hex[65];
	int			 c, i, ret = EXIT_OK;

	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			want = optarg;
			break;
		case 'h':
			/* TRANSLATORS: --help: keep the options,
			   and the descriptions in their column
			   (24 mostly), lines that go on too; at
			   most 79 columns a line. */
			return cmd_help(e, _(
			    "  -s, --sha256 HEX     the published SHA-256 of "
			    "the one FILE\n"), _(HELP_HELP), _("\nWithout "
			    "--sha256 each FILE is looked up by its name in the "
			    "published_hashes\nof the configuration file. "
			    "Prints OK or MISMATCH for each.\n"), NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind == argc || (want != NULL && optind + 1 != argc))
		return cmd_usage(e, _("give FILE --sha256 HEX, or files whose "
		    "hashes the configuration publishes"));
	if (want != NULL && (off_unhex_fp(want, expect, sizeof(expect), &len) !=
	    0 || len != 32))
		return cmd_usage(e, _("--sha256 takes 64 hex digits"));
	if (want == NULL && (ret = opt_load_settings(&cfg)) != 0)
		return ret;
	for (i = optind; i < argc; i++) {
		base = strrchr(argv[i], '/') != NULL ? strrchr(argv[i], '/') +
		    1 : argv[i];
		if (cfg != NULL && off_settings_hash(cfg, base, expect) != 0) {
			fprintf(stderr, _("officiant: %s: no published hash for "
			    "\"%s\" in the configuration (%s)\n"), argv[i],
			    base, *off_settings_sources(cfg) ?
			    off_settings_sources(cfg) :
			    _("no configuration file"));
			ret = ret == EXIT_OK ? EXIT_FAILED : ret;
			continue;
		}
		off_err_clear(&err);
		if (off_file_sha256(argv[i], got, &size, &err) != 0) {
			c = cmd_fail(&err);
			ret = ret == EXIT_OK ? c : ret;
			continue;
		}
		off_hex(got, 32, hex);
		if (memcmp(got, expect, 32) == 0)
			printf(_("%s: OK (SHA-256 %s)\n"), argv[i], hex);
		else {
			/* TRANSLATORS: "actual" and "expected" (below) are
			   padded to the same length: the hashes align. */
			printf(_("%s: MISMATCH\n  actual   %s\n"), argv[i], hex);
			off_hex(expect, 32, hex);
			/* TRANSLATORS: see "actual" above. */
			printf(_("  expected %s\n"), hex);
			ret = EXIT_BADFILE;
		}
	}
	off_settings_free(&cfg);
	return ret;
}

const struct cmd_entry cmd_package_create_entry = {
	"package", "create",
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	N_("--kek KEK --format azure-byok|aws-kms|gcp-kms [--kek-id KID] "
	    "[--algorithm NAME] [--name FRIENDLY] [--out FILE] [--app APP] "
	    "[--kmdata DIR] IDENT"),
	N_("wrap a key under a cloud's KEK into the file the cloud imports"),
	package_create
};
const struct cmd_entry cmd_package_inspect_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"package", "inspect", N_("FILE"),
	N_("describe a transfer package without decrypting it"),
	package_inspect
};
const struct cmd_entry cmd_package_verify_kek_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"package", "verify-kek", N_("--kek KEK --chain BUNDLE.pem "
	    "(--root-fingerprint HEX | --root NAME)"),
	N_("prove a KEK is certified by a chain up to a pinned root"),
	package_verify_kek
};
const struct cmd_entry cmd_package_verify_hash_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"package", "verify-hash", N_("[--sha256 HEX] FILE..."),
	N_("check files against their published SHA-256"),
	package_verify_hash
};
