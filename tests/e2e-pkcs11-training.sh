#!/bin/sh
# Rehearsals on the PKCS#11 backends, through the binary in line mode,
# on SoftHSM2 tokens made here (seen through tests/p11/p11shim.so):
# 'training run --pkcs11 LIB --token LABEL --card-pkcs11 LIB' makes its
# throw-away world with the module on a token and the cards on three
# blank card tokens (their transport PINs typed by the trainee, a wrong
# one asked again; the cards' PINs still 1111, 2222, 3333), then:
# generate-key (AES on the token), the built-in byok-azure (RSA: up to
# the package, which SoftHSM's zero-padding KWP makes the module refuse,
# an aborted but sealed transcript), and a BYOK rehearsal of an AES key
# with a wrong-pin drill whose package the OpenSSL command line unwraps
# with the training KEK to the very key on the token (a lost-card
# drill of the script skipped with a warning). Every transcript
# is sealed, TRAINING, and verifies. Usage errors of the new options.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

need_openssl
need_softhsm
: "${OFFICIANT_CEREMONY_DIR:=$top_srcdir/ceremony}"
export OFFICIANT_CEREMONY_DIR
CONVERSE=$(dirname "$OFFICIANT")/tests/fault/converse
[ -x "$CONVERSE" ] || { echo "no $CONVERSE (make check builds it): skipped"; exit 77; }
P11SHIM_LOCK=$T/lock; export P11SHIM_LOCK
card_tokens
R=$T/rehearsal; K=$R/kmdata
mkdir -p "$T/work"
cd "$T/work" || exit 1

# verify_training WHAT CEREMONY: the transcript the last run named is
# sealed, TRAINING, of CEREMONY, and verifies; every numbered prompt
# said TRAINING.
verify_training() {
	tr=$(sed -n 's/^Transcript: //p' "$T/out" | tail -1)
	[ -f "$tr" ] || { fail "$1: no transcript '$tr'"; return; }
	expect 0 "$1: verify" -- "$OFFICIANT" verify --kmdata "$K" "$tr"
	grep -q "^OK: transcript of ceremony $2 (TRAINING): .*sealed" "$T/out" ||
	    { fail "$1: not a sealed TRAINING transcript"; sed 's/^/  /' "$T/out" >&2; }
}
no_plain_prompts() {
	grep '^\[[0-9]*\] ' "$1" | grep -v '^\[[0-9]*\] TRAINING ' >"$T/plain" &&
	    { fail "$2: prompts without TRAINING"; sed 's/^/  /' "$T/plain" >&2; }
}

# 1. Usage: refused before anything is made.
expect 2 "--token alone" -- "$OFFICIANT" training run --dir "$T/u" --token officiant-hsm generate-key </dev/null
expect_in "$T/err" "--token and --token-serial go with --pkcs11" "--token alone"
expect 2 "relative --pkcs11" -- "$OFFICIANT" training run --dir "$T/u" --pkcs11 libsofthsm2.so generate-key </dev/null
expect_in "$T/err" "absolute path" "relative --pkcs11"
expect 2 "--pkcs11 in a real run" -- "$OFFICIANT" run --kmdata "$T/u" --pkcs11 "$SHIM" generate-key </dev/null
expect_in "$T/err" "are for a rehearsal's world" "--pkcs11 in a real run"
expect 2 "lost-card drill on tokens" -- "$OFFICIANT" training run --dir "$T/u" --card-pkcs11 "$SHIM" \
    --drill quorum=lost-card generate-key </dev/null
expect_in "$T/err" "not done with cards on PKCS#11 tokens" "lost-card drill on tokens"
expect 2 "--pkcs11 with create-world" -- "$OFFICIANT" training run --dir "$T/u" --pkcs11 "$SHIM" create-world </dev/null
expect_in "$T/err" "makes its own world" "--pkcs11 with create-world"
[ -e "$T/u/kmdata/world" ] && fail "usage: a world was made"
expect 1 "missing card library" -- "$OFFICIANT" training run --dir "$T/m" --card-pkcs11 /nonexistent/libnothing.so generate-key </dev/null
expect_in "$T/err" "cannot read the PKCS#11 module" "missing card library"

# 2. generate-key, AES on the token: the world made first (transport
# PINs typed, a wrong one first), then the ceremony (two simulated
# YubiKeys, the confirmation, the token's user PIN, the witness).
printf '999999\n000000\n000000\n000000\n\n\ny\n4321\ny\n' >"$T/in"
{ "$OFFICIANT" training run --line --dir "$R" --pkcs11 "$SHIM" --token officiant-hsm --card-pkcs11 "$SHIM" \
    --set type=aes --set size=256 --set ident=tokaes generate-key >"$T/gen.out" 2>"$T/gen.err"
  echo $? >"$T/rc"; cat >"$T/rest"; } <"$T/in"
[ "$(cat "$T/rc")" -eq 0 ] || { fail "generate-key on tokens: exit $(cat "$T/rc")"; sed 's/^/  /' "$T/gen.out" "$T/gen.err" >&2; }
[ -s "$T/rest" ] && fail "generate-key on tokens: answers not asked for: $(tr '\n' ' ' <"$T/rest")"
expect_in "$T/gen.out" 'TRAINING the present user PIN of token "officiant-card-1"' "the transport PIN is asked, TRAINING"
expect_in "$T/gen.err" 'wrong user PIN for token "officiant-card-1"' "a wrong transport PIN"
expect_in "$T/gen.out" "cards on PKCS#11 tokens of $SHIM, PINs 1111, 2222 and 3333" "the training PINs"
expect_in "$T/gen.out" 'Its keys are made on token "officiant-hsm"' "the module's token"
expect_in "$T/gen.out" 'TRAINING the user PIN of token "officiant-hsm"' "the HSM PIN asked, TRAINING"
expect_in "$T/gen.out" "The ceremony is complete." "generate-key on tokens"
grep -q 'bystander' "$T/gen.out" && fail "a token that is no card was offered"
for i in 1 2 3; do
	grep -q "^Card $i of 3 (.*) written and verified" "$T/gen.out" || fail "card $i not written"
done
no_plain_prompts "$T/gen.out" "generate-key on tokens"
cp "$T/gen.out" "$T/out"
verify_training "generate-key on tokens" generate-key
has_pin "$tr" 1111 2222 3333 4321 000000 && fail "a PIN is in the transcript"
expect 0 "world info" -- "$OFFICIANT" world info --kmdata "$K"
expect_in "$T/out" 'token "officiant-hsm"' "world info: the module's token"
if [ -n "$P11TOOL" ]; then
	"$P11TOOL" --module "$SOFTHSM" --token-label officiant-card-2 --login --pin 000000 -O >/dev/null 2>&1 &&
	    fail "the transport PIN still opens card 2"
	"$P11TOOL" --module "$SOFTHSM" --token-label officiant-card-2 --login --pin 2222 -O >"$T/objs" 2>/dev/null ||
	    fail "the training PIN 2222 does not open card 2"
	grep -q 'officiant card share' "$T/objs" || fail "no private part on card 2"
	"$P11TOOL" --module "$SOFTHSM" --token-label officiant-hsm --login --pin 4321 -O >"$T/objs" 2>/dev/null
	grep -q 'key_simple_tokaes\|tokaes' "$T/objs" || fail "the key is not on the module's token"
fi

# The rehearsals' KEK.
expect 0 "make-kek" -- "$OFFICIANT" training make-kek --out "$T/kek" --size 2048
KEK=$T/kek/TRAINING-kek.pem
KEKPRIV=$T/kek/TRAINING-kek-private.pem
KSHA=$(sha "$KEK")

# 3. The built-in byok-azure on the same world: RSA on SoftHSM 2.6.1
# goes as far as the package, which the module refuses (its KWP pads
# with zeros first); the ceremony ends aborted, sealed, no package.
set -- -t 120 'officiant-hsm=4321' 'Card 1: PIN=1111' 'Card 2: PIN=2222' 'Card 3: PIN=3333' \
    'YubiKey=' '[y/N]=y' '[Y/n]=y' '] ='
expect 1 "byok-azure on tokens" -- "$CONVERSE" "$@" -- "$OFFICIANT" training run --line --dir "$R" \
    --card-pkcs11 "$SHIM" --workdir "$T/work" --set kek="$KEK" --set kek_sha256="$KSHA" \
    --set chain="$T/kek/TRAINING-chain.pem" --set root="$(cat "$T/kek/TRAINING-root-sha256.txt")" \
    --set kek_id="$(cat "$T/kek/TRAINING-kek-id.txt")" byok-azure
expect_in "$T/out" "Result: SUCCESS" "byok-azure: KEK verified"
expect_in "$T/out" "Card 2 accepted (2 of 2)" "byok-azure: the quorum of token cards"
expect_in "$T/out" "The ceremony was aborted." "byok-azure: aborted at the package"
expect_in "$T/err" "pads the key with zeros before CKM_AES_KEY_WRAP_PAD" "byok-azure: SoftHSM's KWP explained"
[ -e "$T/work/TransferPackage-contosokey.byok" ] && fail "byok-azure: a package was written"
no_plain_prompts "$T/out" "byok-azure on tokens"
verify_training "byok-azure on tokens" byok-azure

# 4. A BYOK rehearsal of an AES key, which SoftHSM packages: a wrong
# PIN drilled at the quorum (the token counts it), the script's
# lost-card drill skipped (no card file to move), the package unwrapped
# with the training KEK to the key on the token.
cat >"$T/aes-byok.ceremony" <<'EOF'
id = "aes-byok";
title = "BYOK of an AES key on PKCS#11 tokens";
version = 1;
description = "Generate an AES key on the token, reduce its ACL with two token cards, package it for Azure.";
roles = ( { id = "admin"; title = "Administrator"; },
          { id = "custodian"; title = "Card custodian"; count = 3; },
          { id = "witness"; title = "Witness"; } );
parameters = (
  { id = "ident"; type = "string"; pattern = "^[a-z0-9-]{1,64}$"; prompt = "Key ident"; },
  { id = "kek"; type = "file"; prompt = "KEK file"; }
);
steps = (
  { id = "admin-present"; type = "authenticate"; role = "admin"; },
  { id = "witness-present"; type = "authenticate"; role = "witness"; },
  { id = "generate"; type = "action"; action = "key.generate"; role = "admin";
    args = { ident = "${ident}"; type = "aes"; size = "256"; }; },
  { id = "reduce"; type = "action"; action = "key.reduce-acl"; role = "admin";
    args = { ident = "${ident}"; kek = "${kek}"; target = "azure"; }; },
  { id = "again"; type = "action"; action = "world.verify-cards"; drill = "lost-card"; },
  { id = "package"; type = "action"; action = "package.create"; role = "admin";
    args = { ident = "${ident}"; kek = "${kek}"; format = "azure-byok";
             kek_id = "https://training.invalid/keys/K/0123";
             out = "${workdir}/aes-${ident}.byok"; }; },
  { id = "witnessed"; type = "witness"; role = "witness";
    text = "Key ${ident} packaged: ${package.sha256}."; },
  { id = "end"; type = "seal"; }
);
EOF
expect 0 "aes-byok on tokens" -- "$CONVERSE" "$@" -- "$OFFICIANT" training run --line --dir "$R" \
    --card-pkcs11 "$SHIM" --workdir "$T/work" --drill reduce=wrong-pin --set ident=byokaes --set kek="$KEK" \
    "$T/aes-byok.ceremony"
expect_in "$T/out" "The ceremony is complete." "aes-byok on tokens"
expect_in "$T/err" "DRILL: a wrong PIN is typed for card 1" "aes-byok: the drill"
expect_in "$T/err" 'wrong user PIN for token "officiant-card-1"' "aes-byok: the token refuses the drilled PIN"
expect_in "$T/err" "DRILL lost-card skipped: it moves card files, and these cards are PKCS#11 tokens" "aes-byok: the script's lost-card drill"
no_plain_prompts "$T/out" "aes-byok on tokens"
verify_training "aes-byok on tokens" aes-byok
P=$T/work/aes-byokaes.byok
[ -s "$P" ] || fail "aes-byok: no package"
byok_unwrap "$P" "$KEKPRIV"
[ "$(wc -c <"$T/key.bin")" -eq 32 ] || fail "aes-byok: not a 32-byte key"
if [ -n "$P11TOOL" ]; then
	token_zero_block "$K" byokaes
	"$OPENSSL" enc -aes-256-ecb -nopad -K "$(hex "$T/key.bin")" -in "$T/zero" -out "$T/zero.soft" || fail "openssl enc"
	cmp -s "$T/zero.soft" "$T/zero.token" || fail "aes-byok: the package does not hold the AES key on the token"
fi

[ "$failures" -eq 0 ] || exit 1
echo "ok: pkcs11 training"
