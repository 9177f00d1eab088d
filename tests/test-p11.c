/* src/p11.c: CKR and CKM names, CKR to OFF_ERR_* mapping, a missing
 * or foreign module, and (with SoftHSM2 installed) a token made here
 * in a temporary directory: found by label and by serial, not found
 * under another label, its mechanisms, a wrong and a right user PIN;
 * the module backend's security officer handover and trusted wrap
 * (src/module-pkcs11.c), with the token itself refusing an untrusted
 * wrapping key. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "card.h"
#include "error.h"
#include "frontend.h"
#include "module.h"
#include "p11.h"
#include "secmem.h"
#include "slot.h"
#include "testlib.h"

#define SOFTHSM	"/usr/lib/softhsm/libsofthsm2.so"

static char	*tokdir;
static char	 serial[17];

static void
test_names(void **state)
{
	char	buf[32];

	(void)state;
	assert_string_equal(off_p11_rv_name(CKR_PIN_INCORRECT, buf,
	    sizeof(buf)), "CKR_PIN_INCORRECT");
	assert_string_equal(off_p11_rv_name(CKR_PIN_LOCKED, buf, sizeof(buf)),
	    "CKR_PIN_LOCKED");
	assert_string_equal(off_p11_rv_name(0x8123, buf, sizeof(buf)),
	    "CKR 0x8123");
	assert_string_equal(off_p11_mech_name(CKM_AES_KEY_WRAP_PAD, buf,
	    sizeof(buf)), "CKM_AES_KEY_WRAP_PAD");
	assert_string_equal(off_p11_mech_name(CKM_RSA_AES_KEY_WRAP, buf,
	    sizeof(buf)), "CKM_RSA_AES_KEY_WRAP");
	assert_string_equal(off_p11_mech_name(0x4321, buf, sizeof(buf)),
	    "CKM 0x4321");
}

static void
test_codes(void **state)
{
	(void)state;
	assert_int_equal(off_p11_code(CKR_OK), 0);
	assert_int_equal(off_p11_code(CKR_PIN_INCORRECT), OFF_ERR_BAD_PIN);
	assert_int_equal(off_p11_code(CKR_PIN_LOCKED), OFF_ERR_LOCKED);
	assert_int_equal(off_p11_code(CKR_MECHANISM_INVALID),
	    OFF_ERR_UNSUPPORTED);
	assert_int_equal(off_p11_code(CKR_KEY_UNEXTRACTABLE), OFF_ERR_DENIED);
	assert_int_equal(off_p11_code(CKR_TOKEN_NOT_PRESENT), OFF_ERR_SLOT);
	assert_int_equal(off_p11_code(CKR_HOST_MEMORY), OFF_ERR_NOMEM);
	assert_int_equal(off_p11_code(CKR_GENERAL_ERROR), OFF_ERR_CRYPTO);
}

static void
test_no_module(void **state)
{
	struct off_p11	*p = (struct off_p11 *)1;
	struct off_err	 err;

	(void)state;
	off_err_clear(&err);
	assert_int_equal(off_p11_open("/nonexistent/libp11.so", NULL, NULL,
	    &p, &err), OFF_ERR_NOT_FOUND);
	assert_null(p);
	assert_string_equal(err.file, "/nonexistent/libp11.so");
	off_err_clear(&err);
	assert_int_equal(off_p11_open("/etc/passwd", NULL, NULL, &p, &err),
	    OFF_ERR_UNSUPPORTED);
	assert_non_null(strstr(err.detail, "not a loadable PKCS#11 module"));
	off_err_clear(&err);
	assert_int_equal(off_p11_open("", NULL, NULL, &p, &err),
	    OFF_ERR_INVALID);
}

/* The token that setup made; the test skips without it. */
static struct off_p11 *
open_unit_token(struct off_err *err)
{
	struct off_p11	*p = NULL;

	if (access(SOFTHSM, R_OK) != 0 || tokdir == NULL)
		skip();
	off_err_clear(err);
	assert_int_equal(off_p11_open(SOFTHSM, "unit-token", NULL, &p, err),
	    0);
	return p;
}

static void
test_token(void **state)
{
	const struct off_p11_token	*t;
	struct off_p11			*p;
	struct off_err			 err;

	(void)state;
	p = open_unit_token(&err);
	t = off_p11_token(p);
	assert_string_equal(t->label, "unit-token");
	assert_string_equal(t->manufacturer, "SoftHSM project");
	assert_string_equal(t->model, "SoftHSM v2");
	assert_int_equal(strlen(t->serial), 16);
	snprintf(serial, sizeof(serial), "%s", t->serial);
	assert_true(off_p11_has(p, CKM_RSA_PKCS_OAEP));
	assert_true(off_p11_has(p, CKM_AES_KEY_WRAP_PAD));
	/* SoftHSM 2.6 lacks it (FORMATS.md section 5). */
	assert_false(off_p11_has(p, CKM_RSA_AES_KEY_WRAP));
	assert_int_equal(off_p11_need(p, CKM_RSA_PKCS_OAEP, "for a test",
	    &err), 0);
	assert_int_equal(off_p11_need(p, CKM_RSA_AES_KEY_WRAP, "for a test",
	    &err), OFF_ERR_UNSUPPORTED);
	assert_non_null(strstr(err.detail, "does not offer "
	    "CKM_RSA_AES_KEY_WRAP, needed for a test"));
	off_p11_close(&p);
	assert_null(p);

	/* By serial alone, and both must agree. */
	assert_int_equal(off_p11_open(SOFTHSM, NULL, serial, &p, &err), 0);
	assert_string_equal(off_p11_token(p)->label, "unit-token");
	off_p11_close(&p);
	off_err_clear(&err);
	assert_int_equal(off_p11_open(SOFTHSM, "other", serial, &p, &err),
	    OFF_ERR_NOT_FOUND);
	assert_null(p);
	assert_non_null(strstr(err.detail, "\"unit-token\""));
}

static void
test_login(void **state)
{
	struct off_p11	*p;
	struct off_err	 err;

	(void)state;
	p = open_unit_token(&err);
	assert_int_equal(off_p11_login(p, "0000", 4, &err), OFF_ERR_BAD_PIN);
	assert_non_null(strstr(err.detail, "CKR_PIN_INCORRECT"));
	assert_non_null(strstr(err.detail, "\"unit-token\""));
	off_err_clear(&err);
	assert_int_equal(off_p11_login(p, "4321", 4, &err), 0);
	/* Twice is fine: CKR_USER_ALREADY_LOGGED_IN. */
	assert_int_equal(off_p11_login(p, "4321", 4, &err), 0);
	off_p11_close(&p);
}

/* A token as an administrator card: only the blank-labelled token is
 * offered, written behind its transport PIN, read back as its public
 * part, opened only with the new PIN, refused when its public part is
 * altered; the module stays loaded while another user closes it. */
static void
test_token_card(void **state)
{
	struct off_card_params	 cp;
	struct off_slot		*slot = NULL;
	struct off_slot_device	 dev;
	struct off_card		*card = NULL, *back = NULL;
	struct off_share	*share, *got;
	struct off_p11		*p = NULL;
	struct off_err		 err;
	uint8_t			 world[OFF_WORLD_ID_LEN], set[OFF_CARD_ID_LEN];
	char			*data = NULL, *at;
	size_t			 len;
	unsigned		 reader;

	(void)state;
	if (access(SOFTHSM, R_OK) != 0 || tokdir == NULL)
		skip();
	memset(world, 7, sizeof(world));
	memset(set, 9, sizeof(set));
	off_err_clear(&err);
	assert_int_equal(off_slot_open(&slot, "pkcs11", SOFTHSM, &err), 0);
	assert_int_equal(slot->ops->count(slot), 1);
	assert_false(slot->ops->manual(slot));
	assert_int_equal(slot->ops->next(slot, 0, NULL, 1000, &reader, &err),
	    OFF_ERR_NOT_FOUND);
	assert_int_equal(slot->ops->next(slot, 1, NULL, 1000, &reader, &err),
	    0);
	assert_non_null(strstr(slot->ops->reader_name(slot, reader),
	    "\"officiant-card-u\""));
	assert_int_equal(slot->ops->device(slot, reader, &dev), 0);
	assert_string_equal(dev.manufacturer, "SoftHSM project");
	assert_int_equal(dev.tries_left, -1);
	assert_int_equal(slot->ops->read(slot, reader, &data, &len, &err), 0);
	assert_int_equal(len, 0);

	share = off_secalloc(sizeof(*share));
	got = off_secalloc(sizeof(*got));
	assert_non_null(share);
	assert_non_null(got);
	share->x = 2;
	memset(share->y, 0x5a, sizeof(share->y));
	memset(&cp, 0, sizeof(cp));
	cp.world = world;
	cp.card_set = set;
	cp.k = 2;
	cp.n = 3;
	cp.tries = 5;
	cp.kdf_log2_n = 10;
	assert_int_equal(off_card_new(&cp, share, "2468", 4, &card, &err), 0);
	assert_int_equal(off_card_store(slot, reader, card, "111111", 6,
	    "2468", 4, &err), OFF_ERR_BAD_PIN);
	assert_non_null(strstr(err.detail, "CKR_PIN_INCORRECT"));
	assert_int_equal(off_card_store(slot, reader, card, "000000", 6,
	    "2468", 4, &err), 0);

	/* Another user of the module comes and goes. */
	assert_int_equal(off_p11_open(SOFTHSM, "unit-token", NULL, &p, &err),
	    0);
	off_p11_close(&p);

	assert_int_equal(off_card_read(slot, reader, &back, &err), 0);
	assert_true(off_card_on_device(back));
	assert_int_equal(off_card_index(back), 2);
	assert_int_equal(off_card_tries_hint(back), -1);
	assert_false(off_card_locked(back));
	assert_int_equal(off_card_verify(slot, reader, back, "000000", 6, got,
	    &err), OFF_ERR_BAD_PIN);
	assert_int_equal(off_card_verify(slot, reader, back, "2468", 4, got,
	    &err), 0);
	assert_memory_equal(got, share, sizeof(*share));
	/* A device card is opened through its slot only. */
	assert_int_not_equal(off_card_open(back, "2468", 4, got, NULL), 0);
	off_card_free(&back);

	/* The public part says card 3: refused as altered. */
	assert_int_equal(slot->ops->read(slot, reader, &data, &len, &err), 0);
	assert_non_null(at = strstr(data, "\"index\": 2"));
	at[9] = '3';
	assert_int_equal(slot->ops->write(slot, reader, data, len, &err), 0);
	free(data);
	assert_int_equal(off_card_read(slot, reader, &back, &err), 0);
	assert_int_equal(off_card_verify(slot, reader, back, "2468", 4, got,
	    &err), OFF_ERR_AUTH);
	assert_non_null(strstr(err.detail, "altered"));
	off_card_free(&back);
	/* A public part with a seal is no public part. */
	data = "{\"format\": \"officiant-card\", \"version\": 1, "
	    "\"storage\": \"pkcs11\", \"kdf\": {}}";
	off_err_clear(&err);
	assert_int_equal(off_card_parse(data, strlen(data), "t", &back, &err),
	    OFF_ERR_FORMAT);
	assert_non_null(strstr(err.detail, "kdf"));

	off_card_free(&card);
	off_secfree(&share);
	off_secfree(&got);
	off_slot_close(&slot);
}

/* The token's PINs by what is asked: its SO PIN or its user PIN. */
static int
trust_pin(void *arg, const struct off_pin_request *req, char *buf,
    size_t bufsz, size_t *len)
{
	const char	*pin = strstr(req->label, "security officer") != NULL ?
			    "8765" : "4321";

	(void)arg;
	snprintf(buf, bufsz, "%s", pin);
	*len = strlen(pin);
	return 0;
}

/* The SO PIN derived from the world key replaces the token's; a key
 * made CKA_WRAP_WITH_TRUSTED is wrapped only once the SO (with that
 * PIN) trusted the KEK and a transfer key; the token refuses any other
 * wrapping key itself. */
static void
test_trusted_wrap(void **state)
{
	static const uint8_t		 world[32], id[OFF_TOKEN_ID_LEN] = {
	    0x74, 0x72, 0x75, 0x73, 0x74 };
	struct off_frontend		 fe = { .ask_pin = trust_pin };
	struct off_module_token		 tok;
	struct off_module_keyspec	 ks = { .type = "aes", .size = 256,
					    .label = "key_simple_trust",
					    .id = id };
	struct off_module_wrap		 wr;
	struct off_module_trust		 t;
	struct off_module		*m = NULL;
	struct off_p11			*p = NULL;
	struct off_err			 err;
	EVP_PKEY			*wkey, *wkey2, *kek;
	uint8_t				*pin, pin2[OFF_SO_PIN_LEN + 1];
	uint8_t				*old = NULL, *out = NULL, *pub = NULL;
	size_t				 oldlen = 0, outlen = 0, publen = 0;
	CK_OBJECT_CLASS			 cls = CKO_SECRET_KEY;
	CK_KEY_TYPE			 aes = CKK_AES;
	CK_BBOOL			 yes = CK_TRUE, no = CK_FALSE;
	CK_ULONG			 vlen = 32, wlen = 0;
	CK_MECHANISM			 gen = { CKM_AES_KEY_GEN, NULL, 0 };
	CK_MECHANISM			 kwp = { CKM_AES_KEY_WRAP_PAD, NULL, 0 };
	CK_OBJECT_HANDLE		 hk, hw;
	CK_ATTRIBUTE			 wt[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_KEY_TYPE, &aes, sizeof(aes) },
		{ CKA_TOKEN, &no, sizeof(no) },
		{ CKA_VALUE_LEN, &vlen, sizeof(vlen) },
		{ CKA_WRAP, &yes, sizeof(yes) },
	};
	uint8_t				 wbuf[512];

	(void)state;
	if (tokdir == NULL)
		skip();
	assert_int_equal(system("softhsm2-util --init-token --free --label "
	    "trust-token --pin 4321 --so-pin 8765 >/dev/null 2>&1"), 0);
	memset(&tok, 0, sizeof(tok));
	snprintf(tok.library, sizeof(tok.library), "%s", SOFTHSM);
	snprintf(tok.label, sizeof(tok.label), "trust-token");
	off_err_clear(&err);
	assert_int_equal(off_module_create("pkcs11", world, &tok, &m, &err), 0);

	/* The SO PIN: 32 hex digits, the same from the same world key. */
	wkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	wkey2 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	assert_non_null(wkey);
	assert_non_null(wkey2);
	pin = off_secalloc(OFF_SO_PIN_LEN + 1);
	assert_non_null(pin);
	assert_int_equal(off_module_so_pin(m, wkey, pin, &err), 0);
	assert_int_equal(strlen((char *)pin), OFF_SO_PIN_LEN);
	assert_int_equal(strspn((char *)pin, "0123456789abcdef"),
	    OFF_SO_PIN_LEN);
	assert_int_equal(off_module_so_pin(m, wkey, pin2, &err), 0);
	assert_string_equal((char *)pin, (char *)pin2);
	assert_int_equal(off_module_so_pin(m, wkey2, pin2, &err), 0);
	assert_string_not_equal((char *)pin, (char *)pin2);

	/* Asked and checked, then changed: the old one no longer works. */
	assert_int_equal(m->ops->so_change(m, &old, &oldlen, NULL, 0, &fe,
	    &err), 0);
	assert_int_equal(oldlen, 4);
	assert_int_equal(m->ops->so_change(m, &old, &oldlen, pin,
	    OFF_SO_PIN_LEN, &fe, &err), 0);
	assert_int_equal(off_p11_open(SOFTHSM, "trust-token", NULL, &p, &err),
	    0);
	assert_int_equal(off_p11_login_so(p, (const uint8_t *)"8765", 4,
	    &err), OFF_ERR_BAD_PIN);
	assert_non_null(strstr(err.detail, "wrong security officer PIN"));
	assert_int_equal(off_p11_login_so(p, pin, OFF_SO_PIN_LEN, &err), 0);
	(void)off_p11_fn(p)->C_Logout(off_p11_session(p));
	off_p11_close(&p);

	/* A key only trusted keys may wrap: not yet. */
	m->token.so_quorum = 1;
	assert_int_equal(m->ops->keygen(m, &ks, &fe, &pub, &publen, &err), 0);
	kek = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	assert_non_null(kek);
	memset(&wr, 0, sizeof(wr));
	wr.type = "aes";
	wr.id = id;
	wr.kek = kek;
	wr.md = "SHA1";
	wr.aes = 1;
	off_err_clear(&err);
	assert_int_equal(m->ops->wrap(m, &wr, &fe, &out, &outlen, &err),
	    OFF_ERR_DENIED);
	assert_non_null(strstr(err.detail, "security officer trusts"));
	assert_null(out);

	/* The SO's PIN must be the quorum's. */
	memset(&t, 0, sizeof(t));
	t.id = id;
	t.kek = kek;
	assert_int_equal(m->ops->trust(m, &t, (const uint8_t *)"8765", 4,
	    &err), OFF_ERR_BAD_PIN);
	assert_non_null(strstr(err.detail, "not the one this world's quorum "
	    "holds"));
	assert_int_equal(m->ops->trust(m, &t, pin, OFF_SO_PIN_LEN, &err), 0);
	assert_non_null(strstr(t.what, "officiant-kek-"));
	assert_non_null(strstr(t.what, "officiant-transfer-"));
	/* Trusted twice: the KEK object is found again. */
	assert_int_equal(m->ops->trust(m, &t, pin, OFF_SO_PIN_LEN, &err), 0);
	assert_int_equal(m->ops->wrap(m, &wr, &fe, &out, &outlen, &err), 0);
	/* OAEP of the transfer key, then the 32-byte key wrapped. */
	assert_int_equal(outlen, 256 + 40);
	assert_non_null(strstr(wr.mechanisms, "CKM_AES_KEY_WRAP_PAD"));
	free(out);

	/* The token itself: an untrusted key cannot wrap it. */
	assert_int_equal(off_p11_open(SOFTHSM, "trust-token", NULL, &p, &err),
	    0);
	assert_int_equal(off_p11_login(p, "4321", 4, &err), 0);
	assert_int_equal(off_p11_find(p, CKO_SECRET_KEY, id, sizeof(id), &hk,
	    &err), 0);
	assert_int_equal(off_p11_fn(p)->C_GenerateKey(off_p11_session(p),
	    &gen, wt, 5, &hw), CKR_OK);
	wlen = sizeof(wbuf);
	assert_int_not_equal(off_p11_fn(p)->C_WrapKey(off_p11_session(p),
	    &kwp, hw, hk, wbuf, &wlen), CKR_OK);
	off_p11_close(&p);

	free(pub);
	off_secfree(&old);
	off_secfree(&pin);
	EVP_PKEY_free(kek);
	EVP_PKEY_free(wkey);
	EVP_PKEY_free(wkey2);
	off_module_free(&m);
}

/* A SoftHSM2 token in a temporary directory, made with softhsm2-util;
 * the token tests skip when that cannot be done. */
static int
setup(void **state)
{
	char	conf[PATH_MAX], toks[PATH_MAX], cmd[PATH_MAX * 2];
	FILE	*f;

	(void)state;
	if (access(SOFTHSM, R_OK) != 0)
		return 0;
	tokdir = test_tmpdir();
	test_path(conf, sizeof(conf), tokdir, "softhsm2.conf");
	test_path(toks, sizeof(toks), tokdir, "tokens");
	if (mkdir(toks, 0700) != 0 || (f = fopen(conf, "w")) == NULL)
		goto fail;
	fprintf(f, "directories.tokendir = %s\nobjectstore.backend = file\n"
	    "log.level = ERROR\n", toks);
	fclose(f);
	setenv("SOFTHSM2_CONF", conf, 1);
	snprintf(cmd, sizeof(cmd), "softhsm2-util --init-token --free "
	    "--label unit-token --pin 4321 --so-pin 8765 >/dev/null 2>&1");
	if (system(cmd) != 0)
		goto fail;
	snprintf(cmd, sizeof(cmd), "softhsm2-util --init-token --free "
	    "--label officiant-card-u --pin 000000 --so-pin 8765 "
	    ">/dev/null 2>&1");
	if (system(cmd) != 0)
		goto fail;
	return 0;
fail:
	test_rmtree(tokdir);
	free(tokdir);
	tokdir = NULL;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	if (tokdir != NULL) {
		test_rmtree(tokdir);
		free(tokdir);
	}
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_no_module),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_login),
		cmocka_unit_test(test_token_card),
		cmocka_unit_test(test_trusted_wrap),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
