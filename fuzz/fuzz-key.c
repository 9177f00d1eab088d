/* libFuzzer target: key files, officiant-key(5), read by
 * off_key_load_file against a fixed world: the world whose key files
 * are the seeds in fuzz/corpus/fuzz-key (a 2-of-3 world made with
 * 'officiant world create --kdf-cost 10', its keys with 'officiant key
 * generate' and 'key reduce-acl'). The file is written under the name
 * its app and ident give, as off_key_load_file requires. */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/err.h>

#include "error.h"
#include "fuzzlib.h"
#include "json.h"
#include "key.h"
#include "world-int.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char world_text[] =
    "{\n"
    "  \"format\": \"officiant-world\",\n"
    "  \"version\": 1,\n"
    "  \"world\": \"bdb85733ce50043e5be80b76ee559ca5ae9bb4af2714043cad194b60fe47d541\",\n"
    "  \"cipher_suite\": \"ed25519-aes256gcm-scrypt\",\n"
    "  \"created\": \"2026-11-22T18:23:15Z\",\n"
    "  \"quorum\": {\n"
    "    \"k\": 2,\n"
    "    \"n\": 3\n"
    "  },\n"
    "  \"pin_tries\": 5,\n"
    "  \"card_set\": \"9e773aaf41f9a121bc2aadd5ac80eb28\",\n"
    "  \"public_key\": \"MCowBQYDK2VwAyEArxm5Yjk24vQeVAsLjKtu0++hd+pC6BXkkAqYb830IsQ=\",\n"
    "  \"secret_commitment\": \"dQv7jWPlZFN4SfmH9SjxZPKJJhro7ZDFg0r1bYuyfRk=\",\n"
    "  \"signing_key\": {\n"
    "    \"nonce\": \"GQdcxgJChUxAiIFM\",\n"
    "    \"ciphertext\": \"nG8i7m36FACJf5z17MjnfgKEXVibv+JkPS2J2PtvTBOgiLR0Df+fo5uMOThmunvL\",\n"
    "    \"tag\": \"3Kv9yw5IrBsEDcB12NRYiw==\"\n"
    "  },\n"
    "  \"cards\": [\n"
    "    {\n"
    "      \"index\": 1,\n"
    "      \"card_id\": \"5d7be032dbc6b61d5d393b8f41fc69a1\",\n"
    "      \"share_tag\": \"rzw4oayzwqI7At7eumrdxnsHLIOSxlNB6o1LePaBM4E=\",\n"
    "      \"state\": \"active\"\n"
    "    },\n"
    "    {\n"
    "      \"index\": 2,\n"
    "      \"card_id\": \"f5f84f5c4fbc9201681581d98d5e837b\",\n"
    "      \"share_tag\": \"H6UtNkuVfSkAoTGH58Lzab+vBWRNVSsCokn9sDbmrrs=\",\n"
    "      \"state\": \"active\"\n"
    "    },\n"
    "    {\n"
    "      \"index\": 3,\n"
    "      \"card_id\": \"e638d48af5c1be19ac0dfcc7d7551438\",\n"
    "      \"share_tag\": \"WZCAHdc26suwMJz3FY1xv5POlqtgnURCq5zHhyjT6hk=\",\n"
    "      \"state\": \"active\"\n"
    "    }\n"
    "  ],\n"
    "  \"modules\": [\n"
    "    {\n"
    "      \"backend\": \"soft\",\n"
    "      \"module\": \"656c98dc03859962fe1fbf3eecf4e1bc\",\n"
    "      \"created\": \"2026-11-22T18:23:15Z\",\n"
    "      \"key_check\": \"/JyXD7ZPP6g64AZUSn80XduzyDJlTY3p+ws9Xe+oGPo=\",\n"
    "      \"public_key\": \"rdMlaSEj+4H7fEpnKTTiff2dzVY2wgWPov9/8lRZnZI=\",\n"
    "      \"recovery\": {\n"
    "        \"nonce\": \"CnNkE022dnTIsG0B\",\n"
    "        \"ciphertext\": \"e5hKcHxFUOta+q5LUuHD5ckwF5+U3+NvdaL7DhFoK4s=\",\n"
    "        \"tag\": \"7UjeWwWOXR5BQ+jY8rGjBA==\"\n"
    "      }\n"
    "    }\n"
    "  ],\n"
    "  \"signature\": \"yS2vJCOMOGTmYOHBiNZfPo1LoQJdFQDyq8LcRYTR6JDnmbILWnhzhEeoUeg5eX6vckHXOu+rC5v4QJrCqylGDw==\"\n"
    "}\n";

static struct off_world	*world;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	off_json_init();
	if (world_parse(world_text, sizeof(world_text) - 1, "world", &world,
	    NULL) != 0)
		abort();
	(void)fuzz_dir();
	return 0;
}

/* Where the input goes: KMDATA/key_<app>_<ident> when it names them,
 * else a name that fails the check of the file's name. */
static void
key_path(const uint8_t *data, size_t size, char *path, size_t len)
{
	json_t		*root;
	const char	*app, *ident;

	root = json_loadb((const char *)data, size, 0, NULL);
	app = json_string_value(json_object_get(root, "app"));
	ident = json_string_value(json_object_get(root, "ident"));
	if (app != NULL && ident != NULL && off_key_ident_ok(app) == 0 &&
	    off_key_ident_ok(ident) == 0)
		snprintf(path, len, "%s/key_%s_%s", fuzz_dir(), app, ident);
	else
		snprintf(path, len, "%s/key_simple_fuzz", fuzz_dir());
	json_decref(root);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct off_key		*k = NULL;
	const struct off_acl	*acl;
	struct off_err		 err;
	char			 path[PATH_MAX], words[256], *info = NULL;

	if (size > 64 * 1024 + 1)
		return 0;
	key_path(data, size, path, sizeof(path));
	fuzz_write(path, data, size, 0600);
	off_err_clear(&err);
	if (off_key_load_file(path, world, &k, &err) == 0) {
		if ((acl = off_key_acl(k)) == NULL ||
		    strrchr(path, '/') == NULL ||
		    strcmp(strrchr(path, '/') + 1, off_key_file_name(k)) != 0)
			abort();
		off_acl_words(acl, words, sizeof(words));
		off_acl_words(acl, words, 8);
		(void)off_key_type(k);
		(void)off_key_app(k);
		(void)off_key_ident(k);
		off_err_clear(&err);
		if (off_key_info_json(k, &info, &err) != 0)
			abort();
		free(info);
		off_key_free(&k);
	} else if (k != NULL)
		abort();
	(void)unlink(path);
	ERR_clear_error();
	return 0;
}
