/* officiant key generate|list|inspect|reduce-acl|export */
#include "config.h"

#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cmd.h"
#include "encode.h"
#include "error.h"
#include "fe-line.h"
#include "fileio.h"
#include "i18n.h"
#include "key.h"
#include "module.h"
#include "options.h"
#include "package.h"
#include "record.h"
#include "slot.h"
#include "world.h"

/* TRANSLATORS: --help: keep the option, and the description in its
   column (24); at most 79 columns. */
#define HELP_APP N_("  -a, --app APP        the key's application (default " \
	"simple)\n")

/* What the transcript keeps of a new key: for one on a PKCS#11 token,
 * also the token and the mechanism that made it. */
static json_t *
generated(const struct off_world *w, const struct off_key *k)
{
	const struct off_module_token	*t = off_world_module_token(w, 0);
	json_t				*o;

	o = json_pack("{s:s}", "key", off_key_file_name(k));
	if (o != NULL && t != NULL && off_key_token_id(k) != NULL)
		json_object_set_new(o, "token", json_pack("{s:s, s:s, s:s, "
		    "s:s, s:s}", "manufacturer", t->manufacturer, "model",
		    t->model, "serial", t->serial, "label", t->label,
		    "mechanisms", strcmp(off_key_type(k), "rsa") == 0 ?
		    "CKM_RSA_PKCS_KEY_PAIR_GEN" : strcmp(off_key_type(k),
		    "ec") == 0 ? "CKM_EC_KEY_PAIR_GEN" : "CKM_AES_KEY_GEN"));
	return o;
}

static int
key_generate(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "app", required_argument, NULL, 'a' },
		{ "ident", required_argument, NULL, 'i' },
		{ "plainname", required_argument, NULL, 'p' },
		{ "type", required_argument, NULL, 't' },
		{ "size", required_argument, NULL, 's' },
		{ "curve", required_argument, NULL, 'c' },
		{ "pubexp", required_argument, NULL, 'e' },
		{ "allow-legacy", no_argument, NULL, 'L' },
		{ "exportable", no_argument, NULL, 'X' },
		{ "kmdata", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_key_params	 p;
	struct off_world	*w = NULL;
	struct off_key		*k = NULL;
	struct off_frontend	 fe;
	struct fe_line		 line;
	struct off_err		 err;
	struct record		 rec;
	const char		*kmarg = NULL;
	char			 kmdata[PATH_MAX], path[PATH_MAX];
	const char		*files[2] = { path, NULL };
	unsigned		 v;
	int			 c, ret;

	memset(&p, 0, sizeof(p));
	p.app = "simple";
	while ((c = getopt_long(argc, argv, "a:i:p:t:s:c:e:k:h", opts,
	    NULL)) != -1) {
		switch (c) {
		case 'a':
			p.app = optarg;
			break;
		case 'i':
			p.ident = optarg;
			break;
		case 'p':
			p.plainname = optarg;
			break;
		case 't':
			p.type = optarg;
			break;
		case 's':
			if (opt_unsigned(optarg, 1, 65536, &p.size) != 0)
				return cmd_usage(e, _("--size takes bits"));
			break;
		case 'c':
			p.curve = optarg;
			break;
		case 'e':
			if (opt_unsigned(optarg, 3, UINT32_MAX, &v) != 0)
				return cmd_usage(e, _("--pubexp takes an odd "
				    "number, 3 or more"));
			p.pubexp = v;
			break;
		case 'L':
			p.allow_legacy = 1;
			break;
		case 'X':
			p.exportable = 1;
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
			    "  -i, --ident IDENT    1-64 lower-case letters, "
			    "digits and dashes\n"
			    "  -p, --plainname NAME a name for people (default "
			    "the ident)\n"
			    "  -t, --type TYPE      rsa, ec or aes\n"
			    "  -s, --size BITS      rsa 2048/3072/4096 (default "
			    "2048), aes 128/192/256\n"
			    "  -c, --curve CURVE    ec: p256 (default), p384, "
			    "p521, secp256k1\n"
			    "  -e, --pubexp N       rsa public exponent (default "
			    "65537)\n"
			    "      --allow-legacy   permit RSA 1024, with a "
			    "warning, for migrations\n"
			    "      --exportable     the ACL allows export in the "
			    "clear (never for BYOK)\n"), _(HELP_APP),
			    _(HELP_KMDATA), _(HELP_HELP), _("\n"
			    "The key is generated in the world's module and "
			    "written, sealed under the\nmodule key, as "
			    "KMDATA/key_APP_IDENT; its ACL allows use, recovery "
			    "and\nchanging the ACL.\n"), NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind != argc)
		return cmd_usage(e, _("unexpected argument '%s'"),
		    argv[optind]);
	if (p.ident == NULL || p.type == NULL)
		return cmd_usage(e, _("--ident and --type are required"));
	off_err_clear(&err);
	if (off_key_params_check(&p, &err) != 0)
		return cmd_fail(&err);
	if ((ret = opt_load_world(kmarg, kmdata, sizeof(kmdata), &w)) != 0)
		return ret;
	fe_line_init(&fe, &line);
	if ((ret = record_start(&rec, kmdata, "key-generate",
	    _("Generate a module-protected key"), w, &fe, json_pack("{s:s, "
	    "s:s, s:s?, s:s, s:i, s:s?, s:b}", "app", p.app, "ident", p.ident,
	    "plainname", p.plainname, "type", p.type, "size", (int)p.size,
	    "curve", p.curve, "exportable", p.exportable))) != 0)
		goto out;
	if (off_key_generate(kmdata, w, &p, &rec.fe, &k, &err) != 0) {
		ret = record_abort(&rec, &err, kmdata);
		goto out;
	}
	(void)off_path_join(path, sizeof(path), kmdata, off_key_file_name(k));
	if ((ret = record_finish(&rec, NULL, generated(w, k), files, NULL,
	    kmdata)) != 0)
		goto out;
	printf(_("Key %s generated in %s\n"), off_key_file_name(k), kmdata);
out:
	off_key_free(&k);
	off_world_free(&w);
	return ret;
}

static int
key_load_arg(const char *kmdata, const struct off_world *w, const char *app,
    const char *arg, struct off_key **k, struct off_err *err)
{
	char		 buf[160];
	const char	*a, *i;

	opt_key_name(app, arg, buf, sizeof(buf), &a, &i);
	return off_key_load(kmdata, w, a, i, k, err);
}

/* The ACL's permission groups as 'key list' and 'key inspect' show them:
 * the names of officiant-key(5), untranslated, or that it has none. */
static const char *
acl_shown(const char *words)
{
	/* TRANSLATORS: a key's ACL that allows nothing, where 'key list'
	   and 'key inspect' show its permission groups (use, decrypt,
	   recover, ...: names that stay in English). */
	return strcmp(words, "nothing") == 0 ? _("nothing") : words;
}

static void
print_key(const char *json)
{
	json_t		*o = json_loads(json, 0, NULL), *h, *ev;
	const char	*signer;
	size_t		 i;

	/* TRANSLATORS: 'key inspect'. The values start in column 16: pad
	   the labels to 13 characters after the two spaces. The type is
	   "rsa 2048", "ec 256 p256" or the like; the ACL a list of
	   permission group names (in English). */
	printf(_("Key %s\n"
	    "  plain name   %s\n"
	    "  type         %s %lld%s%s\n"
	    "  protection   module %s\n"
	    "  world        %s\n"
	    "  fingerprint  %s\n"
	    "  ACL          %s\n"),
	    json_string_value(json_object_get(o, "file")),
	    json_string_value(json_object_get(o, "plainname")),
	    json_string_value(json_object_get(o, "type")),
	    (long long)json_integer_value(json_object_get(o, "size")),
	    *json_string_value(json_object_get(o, "curve")) ? " " : "",
	    json_string_value(json_object_get(o, "curve")),
	    json_string_value(json_object_get(o, "module")),
	    json_string_value(json_object_get(o, "world")),
	    json_object_get(o, "fingerprint") != NULL ?
	    json_string_value(json_object_get(o, "fingerprint")) : "-",
	    acl_shown(json_string_value(json_object_get(o, "acl_words"))));
	if ((h = json_object_get(o, "token")) != NULL)
		/* TRANSLATORS: 'key inspect': the key lives on a PKCS#11
		   token as the object with this label and CKA_ID. */
		printf(_("  on token     object \"%s\", CKA_ID %s\n"),
		    json_string_value(json_object_get(h, "label")),
		    json_string_value(json_object_get(h, "id")));
	h = json_object_get(json_object_get(o, "acl"), "kek");
	if (h != NULL) {
		const char	*t = json_string_value(json_object_get(
				    json_object_get(o, "acl"), "target"));

		if (t != NULL && *t)
			/* TRANSLATORS: 'key inspect': the KEK's fingerprint
			   and the one target (a key identifier) that the
			   key may be exported to under it. */
			printf(_("  export KEK   %s (target %s)\n"),
			    json_string_value(h), t);
		else
			/* TRANSLATORS: 'key inspect': the KEK's
			   fingerprint; any target: whatever key identifier
			   the cloud service gives. */
			printf(_("  export KEK   %s (any target)\n"),
			    json_string_value(h));
	}
	signer = json_string_value(json_object_get(o, "acl_signer"));
	if (strcmp(signer, "world") == 0)
		/* TRANSLATORS: 'key inspect': the ACL was last signed with
		   the world's key, i.e. a quorum of cards changed it. */
		printf("%s", _("  ACL signed   by the world (a quorum)\n"));
	else if (strcmp(signer, "module") == 0)
		/* TRANSLATORS: 'key inspect': the ACL is signed with the
		   module key, as the key was generated or imported. */
		printf("%s", _("  ACL signed   by the module\n"));
	else
		printf(_("  ACL signed   %s\n"), signer);
	/* TRANSLATORS: 'key inspect': a heading; below it each event of
	   the key's history (time, event name in English, file). */
	printf("%s", _("  history\n"));
	json_array_foreach(json_object_get(o, "history"), i, ev)
		printf("    %s %s%s%s\n",
		    json_string_value(json_object_get(ev, "time")),
		    json_string_value(json_object_get(ev, "event")),
		    *json_string_value(json_object_get(ev, "ref")) ? " " : "",
		    json_string_value(json_object_get(ev, "ref")));
	json_decref(o);
}

static int
key_inspect(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "app", required_argument, NULL, 'a' },
		{ "kmdata", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_world	*w = NULL;
	struct off_key		*k = NULL;
	struct off_err		 err;
	const char		*kmarg = NULL, *app = "simple";
	char			 kmdata[PATH_MAX], *json = NULL;
	int			 c, ret, as_json = 0;

	while ((c = getopt_long(argc, argv, "a:k:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			app = optarg;
			break;
		case 'k':
			kmarg = optarg;
			break;
		case 'j':
			as_json = 1;
			break;
		case 'h':
			return cmd_help(e, _(HELP_APP), _(HELP_KMDATA),
			    /* TRANSLATORS: --help: keep the options,
			       and the descriptions in their column
			       (24 mostly), lines that go on too; at
			       most 79 columns a line. */
			    _("  -j, --json           print JSON for programs\n"),
			    _(HELP_HELP), _("\nIDENT may also be a key file "
			    "name such as key_xferacld_contosokey.\n"), NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind + 1 != argc)
		return cmd_usage(e, _("give one key"));
	if ((ret = opt_load_world(kmarg, kmdata, sizeof(kmdata), &w)) != 0)
		return ret;
	off_err_clear(&err);
	if (key_load_arg(kmdata, w, app, argv[optind], &k, &err) != 0 ||
	    off_key_info_json(k, &json, &err) != 0) {
		ret = cmd_fail(&err);
		goto out;
	}
	if (as_json)
		printf("%s", json);
	else
		print_key(json);
	ret = EXIT_OK;
out:
	free(json);
	off_key_free(&k);
	off_world_free(&w);
	return ret;
}

static int
key_list(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kmdata", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_world	*w = NULL;
	struct off_key		*k = NULL;
	struct off_err		 err;
	struct dirent		**names = NULL;
	const char		*kmarg = NULL;
	char			 kmdata[PATH_MAX], path[PATH_MAX], acl[256];
	int			 c, ret, n, i, found = 0;

	while ((c = getopt_long(argc, argv, "k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			kmarg = optarg;
			break;
		case 'h':
			return cmd_help(e, _(HELP_KMDATA), _(HELP_HELP), NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind != argc)
		return cmd_usage(e, NULL);
	if ((ret = opt_load_world(kmarg, kmdata, sizeof(kmdata), &w)) != 0)
		return ret;
	if ((n = scandir(kmdata, &names, NULL, alphasort)) < 0) {
		off_world_free(&w);
		fprintf(stderr, _("officiant: %s: cannot read\n"), kmdata);
		return EXIT_FAILED;
	}
	for (i = 0; i < n; i++) {
		if (strncmp(names[i]->d_name, "key_", 4) != 0 ||
		    strchr(names[i]->d_name, '.') != NULL ||
		    off_path_join(path, sizeof(path), kmdata,
		    names[i]->d_name) != 0)
			continue;
		found++;
		off_err_clear(&err);
		if (off_key_load_file(path, w, &k, &err) != 0)
			/* TRANSLATORS: 'key list': a key file's name padded
			   to 40, then why it does not verify. */
			printf(_("%-40s DOES NOT VERIFY: %s\n"),
			    names[i]->d_name, err.detail);
		else {
			off_acl_words(off_key_acl(k), acl, sizeof(acl));
			printf("%-40s %s\n", names[i]->d_name,
			    acl_shown(acl));
			off_key_free(&k);
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (found == 0)
		printf(_("No keys in %s\n"), kmdata);
	off_world_free(&w);
	return EXIT_OK;
}

static int
key_reduce_acl(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "app", required_argument, NULL, 'a' },
		{ "kek", required_argument, NULL, 'K' },
		{ "target", required_argument, NULL, 'T' },
		OPT_CARDS_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_world	*w = NULL;
	struct off_key		*k = NULL, *r = NULL;
	struct off_slot		*slot = NULL;
	struct off_frontend	 fe;
	struct fe_line		 line;
	struct off_err		 err;
	struct record		 rec;
	EVP_PKEY		*kek = NULL;
	struct opt_cards	 o = { NULL, NULL, NULL, NULL };
	const char		*app = "simple", *kekfile = NULL;
	const char		*target = NULL;
	char			 kmdata[PATH_MAX], path[PATH_MAX];
	const char		*files[2] = { path, NULL };
	int			 c, ret;

	while ((c = getopt_long(argc, argv, "a:K:T:k:s:d:h", opts, NULL)) !=
	    -1) {
		if (opt_cards_take(c, optarg, &o))
			continue;
		switch (c) {
		case 'a':
			app = optarg;
			break;
		case 'K':
			kekfile = optarg;
			break;
		case 'T':
			target = optarg;
			break;
		case 'h':
			/* TRANSLATORS: --help: keep the options,
			   and the descriptions in their column
			   (24 mostly), lines that go on too; at
			   most 79 columns a line. */
			return cmd_help(e, _("  -K, --kek FILE       the KEK: "
			    "RSA 2048-4096 public key (PEM or DER)\n"
			    "  -T, --target NAME    the destination the copy "
			    "is for (such as azure)\n"), _(HELP_APP),
			    _(HELP_KMDATA), _(HELP_SLOT), _(HELP_HELP), _("\n"
			    "With a quorum of the world's cards, writes "
			    "KMDATA/key_xferacld_IDENT: a copy\nof the key "
			    "that may only be exported wrapped under the KEK; "
			    "the original\nstays as it is.\n"), NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind + 1 != argc || kekfile == NULL)
		return cmd_usage(e, _("give the key and --kek FILE"));
	if ((ret = opt_load_world(o.kmdata, kmdata, sizeof(kmdata), &w)) != 0)
		return ret;
	off_err_clear(&err);
	if ((kek = off_kek_load(kekfile, &err)) == NULL ||
	    off_kek_check(kek, &err) != 0 ||
	    key_load_arg(kmdata, w, app, argv[optind], &k, &err) != 0) {
		ret = cmd_fail(&err);
		goto out;
	}
	if ((ret = opt_open_slot(o.slot, o.drawer, o.card_pkcs11,
	    &slot)) != 0)
		goto out;
	fe_line_init(&fe, &line);
	if ((ret = record_start(&rec, kmdata, "key-reduce-acl",
	    _("Reduce a key's ACL for transfer"), w, &fe, json_pack("{s:s, "
	    "s:s, s:s?}", "key", off_key_file_name(k), "kek", kekfile,
	    "target", target))) != 0)
		goto out;
	if (off_key_reduce_acl(kmdata, w, k, kek, target, slot, &rec.fe, &r,
	    &err) != 0) {
		ret = record_abort(&rec, &err, kmdata);
		goto out;
	}
	(void)off_path_join(path, sizeof(path), kmdata, off_key_file_name(r));
	if ((ret = record_finish(&rec, NULL, json_pack("{s:s, s:s}", "key",
	    off_key_file_name(k), "reduced", off_key_file_name(r)), files, NULL,
	    kmdata)) != 0)
		goto out;
	printf(_("Key %s written: it may only be exported wrapped under the "
	    "KEK\n"), off_key_file_name(r));
	ret = EXIT_OK;
out:
	off_slot_close(&slot);
	EVP_PKEY_free(kek);
	off_key_free(&r);
	off_key_free(&k);
	off_world_free(&w);
	return ret;
}

static int
key_transfer(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "app", required_argument, NULL, 'a' },
		{ "to-world", required_argument, NULL, 'W' },
		{ "kmdata", required_argument, NULL, 'k' },
		{ "slot", required_argument, NULL, 's' },
		{ "drawer", required_argument, NULL, 'd' },
		{ "card-pkcs11", required_argument, NULL, OPT_CARD_PKCS11 },
		{ "to-slot", required_argument, NULL, 'S' },
		{ "to-drawer", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_key_transfer	 x;
	struct off_world	*w = NULL, *to = NULL;
	struct off_key		*k = NULL;
	struct off_slot		*slot = NULL, *to_slot = NULL;
	struct off_frontend	 fe;
	struct fe_line		 line;
	struct off_err		 err;
	struct record		 rec;
	const char		*kmarg = NULL, *app = "simple", *to_dir = NULL;
	const char		*slot_dir = NULL, *drawer_dir = NULL;
	const char		*card_p11 = NULL;
	const char		*to_slot_dir = NULL, *to_drawer_dir = NULL;
	char			 kmdata[PATH_MAX], path[PATH_MAX];
	char			 tid[OFF_WORLD_ID_HEX], fid[OFF_WORLD_ID_HEX];
	char			*stmt = NULL, *sig = NULL;
	struct record		 rec_in;
	int			 ret_in;
	const char		*files[2] = { path, NULL };
	int			 c, ret;

	memset(&x, 0, sizeof(x));
	while ((c = getopt_long(argc, argv, "a:W:k:s:d:S:D:h", opts, NULL)) !=
	    -1) {
		switch (c) {
		case 'a':
			app = optarg;
			break;
		case 'W':
			to_dir = optarg;
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
		case 'S':
			to_slot_dir = optarg;
			break;
		case 'D':
			to_drawer_dir = optarg;
			break;
		case 'h':
			/* TRANSLATORS: --help: keep the options,
			   and the descriptions in their column
			   (24 mostly), lines that go on too; at
			   most 79 columns a line. */
			return cmd_help(e, _("  -W, --to-world DIR   the "
			    "destination world's KMDATA\n"), _(HELP_APP),
			    _(HELP_KMDATA), _(HELP_SLOT), _("  -S, --to-slot "
			    "DIR    where the destination world's cards go in\n"
			    "  -D, --to-drawer DIR  (default: the same slot or "
			    "drawer as the source's)\n"), _(HELP_HELP), _("\n"
			    "A quorum of this world's cards lets the key go, "
			    "and a quorum of the\ndestination world's cards "
			    "takes it in: the copy is sealed in the destination\n"
			    "world's module and loses recover, change-acl and "
			    "export-plain, so it can\nnever leave that world "
			    "again. The key's ACL must allow recovery.\n"),
			    NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind + 1 != argc || to_dir == NULL)
		return cmd_usage(e, _("give the key and --to-world DIR"));
	if (to_slot_dir != NULL && to_drawer_dir != NULL)
		return cmd_usage(e, _("--to-slot and --to-drawer cannot be used "
		    "together"));
	if ((ret = opt_load_world(kmarg, kmdata, sizeof(kmdata), &w)) != 0 ||
	    (ret = opt_load_world(to_dir, path, sizeof(path), &to)) != 0)
		goto out;
	off_err_clear(&err);
	/* Refused before the ceremony starts, like the other usage errors;
	 * off_key_transfer checks it again. */
	if (memcmp(off_world_id(w), off_world_id(to), OFF_WORLD_ID_LEN) == 0) {
		off_err_set(&err, OFF_ERR_INVALID, to_dir, _("the destination "
		    "is the key's own world"));
		ret = cmd_fail(&err);
		goto out;
	}
	if (key_load_arg(kmdata, w, app, argv[optind], &k, &err) != 0) {
		ret = cmd_fail(&err);
		goto out;
	}
	if ((ret = opt_open_slot(slot_dir, drawer_dir, card_p11,
	    &slot)) != 0)
		goto out;
	if ((to_slot_dir != NULL || to_drawer_dir != NULL) &&
	    (ret = opt_open_slot(to_slot_dir, to_drawer_dir, NULL,
	    &to_slot)) != 0)
		goto out;
	off_world_id_hex(to, tid);
	fe_line_init(&fe, &line);
	off_world_id_hex(w, fid);
	if ((ret = record_start(&rec, kmdata, "key-transfer",
	    _("Transfer a key to another security world"), w, &fe,
	    json_pack("{s:s, s:s, s:s}", "key", off_key_file_name(k),
	    "to_kmdata", to_dir, "to_world", tid))) != 0)
		goto out;
	/* The destination world keeps its own record of what came in. */
	if ((ret = record_start(&rec_in, to_dir, "key-transfer-in",
	    _("Take in a key from another security world"), to, &fe,
	    json_pack("{s:s, s:s, s:s}", "key", off_key_file_name(k),
	    "from_kmdata", kmdata, "from_world", fid))) != 0) {
		off_err_set(&err, OFF_ERR_IO, to_dir, _("cannot start the "
		    "destination world's transcript"));
		(void)record_abort(&rec, &err, kmdata);
		goto out;
	}
	if (off_key_transfer(kmdata, w, k, to_dir, to, slot, to_slot != NULL ?
	    to_slot : slot, &rec.fe, &x, &err) != 0) {
		(void)record_abort(&rec_in, &err, to_dir);
		ret = record_abort(&rec, &err, kmdata);
		goto out;
	}
	(void)off_path_join(path, sizeof(path), to_dir,
	    off_key_file_name(x.key));
	if ((stmt = malloc(OFF_B64_LEN(x.statement_len))) == NULL ||
	    (sig = malloc(OFF_B64_LEN(x.siglen))) == NULL) {
		free(stmt);
		stmt = NULL;
	}
	if (stmt != NULL) {
		off_b64(x.statement, x.statement_len, stmt);
		off_b64(x.sig, x.siglen, sig);
	}
	/* The copy exists now: its record must not be lost. */
	ret_in = record_finish(&rec_in, NULL, json_pack("{s:s, s:s, s:s, s:s?, "
	    "s:s?}", "key", off_key_file_name(k), "from_world", fid, "written",
	    path, "source_statement", stmt, "source_signature", sig), files,
	    NULL, to_dir);
	if ((ret = record_finish(&rec, NULL, json_pack("{s:s, s:s, s:s, s:s?, "
	    "s:s?}", "key", off_key_file_name(k), "to_world", tid, "written",
	    path, "source_statement", stmt, "source_signature", sig), files,
	    NULL, kmdata)) != 0 || (ret = ret_in) != 0)
		goto out;
	printf(_("Key %s transferred to world %.16s... (%s)\nIt is locked to "
	    "that world: recover, change-acl and export-plain are removed.\n"),
	    off_key_file_name(k), tid, path);
	ret = EXIT_OK;
out:
	free(stmt);
	free(sig);
	off_key_transfer_free(&x);
	off_slot_close(&to_slot);
	off_slot_close(&slot);
	off_key_free(&k);
	off_world_free(&to);
	off_world_free(&w);
	return ret;
}

static int
key_export(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "app", required_argument, NULL, 'a' },
		{ "out", required_argument, NULL, 'o' },
		{ "kmdata", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_world	*w = NULL;
	struct off_key		*k = NULL;
	struct off_err		 err;
	struct record		 rec;
	struct off_frontend	 fe;
	struct fe_line		 line;
	const char		*kmarg = NULL, *app = "simple", *out = NULL;
	char			 kmdata[PATH_MAX];
	int			 c, ret;

	while ((c = getopt_long(argc, argv, "a:o:k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			app = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'k':
			kmarg = optarg;
			break;
		case 'h':
			/* TRANSLATORS: --help: keep the options,
			   and the descriptions in their column
			   (24 mostly), lines that go on too; at
			   most 79 columns a line. */
			return cmd_help(e, _("  -o, --out FILE       where to "
			    "write the private key (PKCS#8 PEM)\n"),
			    _(HELP_APP), _(HELP_KMDATA), _(HELP_HELP), _("\n"
			    "Refused unless the key's ACL allows export in the "
			    "clear; a key reduced for\ntransfer never can "
			    "be.\n"), NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind + 1 != argc || out == NULL)
		return cmd_usage(e, _("give the key and --out FILE"));
	if ((ret = opt_load_world(kmarg, kmdata, sizeof(kmdata), &w)) != 0)
		return ret;
	off_err_clear(&err);
	if (key_load_arg(kmdata, w, app, argv[optind], &k, &err) != 0) {
		ret = cmd_fail(&err);
		goto done;
	}
	fe_line_init(&fe, &line);
	if ((ret = record_start(&rec, kmdata, "key-export",
	    _("Export a key in the clear"), w, &fe, json_pack("{s:s, s:s}",
	    "key", off_key_file_name(k), "out", out))) != 0)
		goto done;
	if (off_key_export_plain(kmdata, w, k, out, &err) != 0) {
		ret = record_abort(&rec, &err, kmdata);
		goto done;
	}
	ret = record_finish(&rec, NULL, NULL, NULL, NULL, kmdata);
	if (ret == 0)
		printf(_("Key %s exported in the clear to %s; destroy that file "
		    "once it is used\n"), off_key_file_name(k), out);
done:
	off_key_free(&k);
	off_world_free(&w);
	return ret;
}

const struct cmd_entry cmd_key_generate_entry = {
	"key", "generate",
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	N_("--ident IDENT --type rsa|ec|aes [--app APP] [--plainname NAME] "
	    "[--size BITS] [--curve CURVE] [--pubexp N] [--allow-legacy] "
	    "[--exportable] [--kmdata DIR]"),
	N_("generate a module-protected key"),
	key_generate
};
const struct cmd_entry cmd_key_list_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"key", "list", N_("[--kmdata DIR]"),
	N_("list the keys of the world and their ACLs"),
	key_list
};
const struct cmd_entry cmd_key_inspect_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"key", "inspect", N_("[--app APP] [--kmdata DIR] [--json] IDENT"),
	N_("show a key: type, fingerprint, ACL, history"),
	key_inspect
};
const struct cmd_entry cmd_key_reduce_acl_entry = {
	"key", "reduce-acl",
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	N_("--kek FILE [--target NAME] [--app APP] [--kmdata DIR] "
	    "(--slot DIR | --drawer DIR | --card-pkcs11 LIBRARY) IDENT"),
	N_("make a copy that can only be exported wrapped under a KEK"),
	key_reduce_acl
};
const struct cmd_entry cmd_key_export_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"key", "export", N_("--out FILE [--app APP] [--kmdata DIR] IDENT"),
	N_("export a key in the clear, if its ACL allows"),
	key_export
};

static int
key_import(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "app", required_argument, NULL, 'a' },
		{ "ident", required_argument, NULL, 'i' },
		{ "plainname", required_argument, NULL, 'p' },
		{ "from", required_argument, NULL, 'f' },
		{ "allow-legacy", no_argument, NULL, 'L' },
		{ "exportable", no_argument, NULL, 'X' },
		{ "kmdata", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_key_params	 p;
	struct off_world	*w = NULL;
	struct off_key		*k = NULL;
	struct off_frontend	 fe;
	struct fe_line		 line;
	struct off_err		 err;
	struct record		 rec;
	const char		*kmarg = NULL, *from = NULL;
	char			 kmdata[PATH_MAX], path[PATH_MAX];
	const char		*files[2] = { path, NULL };
	int			 c, ret;

	memset(&p, 0, sizeof(p));
	p.app = "simple";
	while ((c = getopt_long(argc, argv, "a:i:p:f:k:h", opts, NULL)) !=
	    -1) {
		switch (c) {
		case 'a':
			p.app = optarg;
			break;
		case 'i':
			p.ident = optarg;
			break;
		case 'p':
			p.plainname = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 'L':
			p.allow_legacy = 1;
			break;
		case 'X':
			p.exportable = 1;
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
			    "  -i, --ident IDENT    the new key's ident\n"
			    "  -f, --from FILE      the key to import: PKCS#8 "
			    "(encrypted or not), PKCS#12\n"
			    "                       or PEM; its password is "
			    "asked, never taken from argv\n"
			    "  -p, --plainname NAME a name for people\n"
			    "      --allow-legacy   accept RSA 1024\n"
			    "      --exportable     the ACL allows export in the "
			    "clear\n"), _(HELP_APP), _(HELP_KMDATA),
			    _(HELP_HELP), NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind != argc || p.ident == NULL || from == NULL)
		return cmd_usage(e, _("--ident and --from are required"));
	if ((ret = opt_load_world(kmarg, kmdata, sizeof(kmdata), &w)) != 0)
		return ret;
	fe_line_init(&fe, &line);
	off_err_clear(&err);
	if ((ret = record_start(&rec, kmdata, "key-import",
	    _("Import an existing key"), w, &fe, json_pack("{s:s, s:s, s:s}",
	    "app", p.app, "ident", p.ident, "from", from))) != 0)
		goto out;
	if (off_key_import(kmdata, w, &p, from, &rec.fe, &k, &err) != 0) {
		ret = record_abort(&rec, &err, kmdata);
		goto out;
	}
	(void)off_path_join(path, sizeof(path), kmdata, off_key_file_name(k));
	if ((ret = record_finish(&rec, NULL, json_pack("{s:s}", "key",
	    off_key_file_name(k)), files, NULL, kmdata)) != 0)
		goto out;
	printf(_("Key %s imported into %s.\n%s was left as it is: destroy it "
	    "securely once the imported key is checked.\n"),
	    off_key_file_name(k), kmdata, from);
out:
	off_key_free(&k);
	off_world_free(&w);
	return ret;
}

/* Options shared by backup, recover and rekey: --app and --kmdata. */
static int
app_kmdata_args(const struct cmd_entry *e, int argc, char **argv,
    const char **app, const char **kmarg, int nargs, const char *more)
{
	static const struct option opts[] = {
		{ "app", required_argument, NULL, 'a' },
		{ "kmdata", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int	c;

	*app = "simple";
	*kmarg = NULL;
	while ((c = getopt_long(argc, argv, "a:k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			*app = optarg;
			break;
		case 'k':
			*kmarg = optarg;
			break;
		case 'h':
			return cmd_help(e, _(HELP_APP), _(HELP_KMDATA),
			    _(HELP_HELP), more, NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (argc - optind != nargs)
		return cmd_usage(e, NULL);
	return -1;
}

static int
key_backup(const struct cmd_entry *e, int argc, char **argv)
{
	struct off_world	*w = NULL;
	struct off_key		*k = NULL;
	struct off_err		 err;
	const char		*app, *kmarg;
	char			 kmdata[PATH_MAX];
	int			 ret;

	if ((ret = app_kmdata_args(e, argc, argv, &app, &kmarg, 2, _("\nThe "
	    "key file stays sealed under the module key; the world file goes "
	    "with it,\nand recovery on another machine needs the world "
	    "restored with a quorum.\n"))) >= 0)
		return ret;
	if ((ret = opt_load_world(kmarg, kmdata, sizeof(kmdata), &w)) != 0)
		return ret;
	off_err_clear(&err);
	if (key_load_arg(kmdata, w, app, argv[optind], &k, &err) != 0 ||
	    off_key_backup(kmdata, w, k, argv[optind + 1], &err) != 0)
		ret = cmd_fail(&err);
	else
		printf(_("Key %s backed up to %s\n"), off_key_file_name(k),
		    argv[optind + 1]);
	off_key_free(&k);
	off_world_free(&w);
	return ret;
}

static int
key_recover(const struct cmd_entry *e, int argc, char **argv)
{
	struct off_world	*w = NULL;
	struct off_key		*k = NULL;
	struct off_frontend	 fe;
	struct fe_line		 line;
	struct off_err		 err;
	struct record		 rec;
	const char		*app, *kmarg, *ident;
	char			 kmdata[PATH_MAX], path[PATH_MAX], buf[160];
	const char		*files[2] = { path, NULL };
	int			 ret;

	if ((ret = app_kmdata_args(e, argc, argv, &app, &kmarg, 2, _("\n"
	    "Brings IDENT from the backup directory DIR into KMDATA, whose "
	    "world must be\nthe key's (restore it first with 'officiant "
	    "world restore', which takes a\nquorum); the key's ACL must "
	    "allow recovery.\n"))) >= 0)
		return ret;
	if ((ret = opt_load_world(kmarg, kmdata, sizeof(kmdata), &w)) != 0)
		return ret;
	fe_line_init(&fe, &line);
	off_err_clear(&err);
	opt_key_name(app, argv[optind], buf, sizeof(buf), &app, &ident);
	if ((ret = record_start(&rec, kmdata, "key-recover",
	    _("Recover a key from a backup"), w, &fe, json_pack("{s:s, s:s, "
	    "s:s}", "app", app, "ident", ident, "backup",
	    argv[optind + 1]))) != 0)
		goto out;
	if (off_key_recover(kmdata, w, argv[optind + 1], app, ident, &k,
	    &err) != 0) {
		ret = record_abort(&rec, &err, kmdata);
		goto out;
	}
	(void)off_path_join(path, sizeof(path), kmdata, off_key_file_name(k));
	if ((ret = record_finish(&rec, NULL, json_pack("{s:s}", "key",
	    off_key_file_name(k)), files, NULL, kmdata)) == 0)
		printf(_("Key %s recovered into %s\n"), off_key_file_name(k),
		    kmdata);
out:
	off_key_free(&k);
	off_world_free(&w);
	return ret;
}

static int
key_rekey(const struct cmd_entry *e, int argc, char **argv)
{
	struct off_world	*w = NULL;
	struct off_key		*k = NULL, *nk = NULL;
	struct off_frontend	 fe;
	struct fe_line		 line;
	struct off_err		 err;
	struct record		 rec;
	const char		*app, *kmarg;
	char			 kmdata[PATH_MAX], path[PATH_MAX];
	const char		*files[2] = { path, NULL };
	int			 ret;

	if ((ret = app_kmdata_args(e, argc, argv, &app, &kmarg, 1, _("\nMakes "
	    "a new key of the same type under the same name; the old one is "
	    "kept as\nkey_APP_IDENT-vN for decrypting only, and the two "
	    "histories point at each\nother.\n"))) >= 0)
		return ret;
	if ((ret = opt_load_world(kmarg, kmdata, sizeof(kmdata), &w)) != 0)
		return ret;
	fe_line_init(&fe, &line);
	off_err_clear(&err);
	if (key_load_arg(kmdata, w, app, argv[optind], &k, &err) != 0) {
		ret = cmd_fail(&err);
		goto out;
	}
	if ((ret = record_start(&rec, kmdata, "key-rekey",
	    _("Re-key a key"), w, &fe, json_pack("{s:s}", "key",
	    off_key_file_name(k)))) != 0)
		goto out;
	if (off_key_rekey(kmdata, w, k, &rec.fe, &nk, &err) != 0) {
		ret = record_abort(&rec, &err, kmdata);
		goto out;
	}
	(void)off_path_join(path, sizeof(path), kmdata, off_key_file_name(nk));
	if ((ret = record_finish(&rec, NULL, json_pack("{s:s}", "key",
	    off_key_file_name(nk)), files, NULL, kmdata)) == 0)
		printf(_("Key %s re-keyed; the old version is kept for "
		    "decrypting only\n"), off_key_file_name(nk));
out:
	off_key_free(&nk);
	off_key_free(&k);
	off_world_free(&w);
	return ret;
}

const struct cmd_entry cmd_key_import_entry = {
	"key", "import",
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	N_("--ident IDENT --from FILE [--app APP] [--plainname NAME] "
	    "[--allow-legacy] [--exportable] [--kmdata DIR]"),
	N_("import an existing software key into the module"),
	key_import
};
const struct cmd_entry cmd_key_backup_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"key", "backup", N_("[--app APP] [--kmdata DIR] IDENT DIR"),
	N_("copy a key, still sealed, with its world into a directory"),
	key_backup
};
const struct cmd_entry cmd_key_recover_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"key", "recover", N_("[--app APP] [--kmdata DIR] IDENT DIR"),
	N_("bring a key back from a backup into a restored world"),
	key_recover
};
const struct cmd_entry cmd_key_transfer_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"key", "transfer", N_("--to-world DIR (--slot DIR | --drawer DIR | "
	    "--card-pkcs11 LIBRARY) "
	    "[--to-slot DIR | --to-drawer DIR] [--app APP] [--kmdata DIR] "
	    "IDENT"),
	N_("move a key into another security world with both worlds' "
	    "quorums"),
	key_transfer
};
const struct cmd_entry cmd_key_rekey_entry = {
	/* TRANSLATORS: a synopsis: keep the options and [ ] ( ) | ...;
	   the words in capitals may be translated. */
	"key", "rekey", N_("[--app APP] [--kmdata DIR] IDENT"),
	N_("make a new version of a key, keeping the old for decrypting"),
	key_rekey
};
