#!/bin/sh
# PKCS#11 tokens as administrator cards, through the binary, on SoftHSM2
# tokens made here (SOFTHSM2_CONF in a temporary directory) and seen
# through tests/p11/p11shim.so, which locks a user PIN after 3 wrong
# tries as smartcards do: a 2-of-3 world written on three blank tokens
# (transport PIN replaced by each custodian's PIN), its module on a
# fourth token; a key generated there, its ACL reduced with two token
# cards (a wrong PIN first, the token's word on the tries left), a
# locked card refused before its PIN is asked, the package unwrapped
# with the OpenSSL command line; a whole ceremony through the engine
# on these cards and this module, sealed, its transcript verified and
# naming each token's manufacturer, model and serial.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

need_openssl
need_softhsm
CONVERSE=$(dirname "$OFFICIANT")/tests/fault/converse
P11SHIM_LOCK=$T/lock; export P11SHIM_LOCK
# Blank cards: labelled officiant-card..., transport PIN 000000. The
# module's token, and a token that is no card, are never offered.
card_tokens

K=$T/kmdata; W=$T/work
mkdir -p "$W"
cd "$W" || exit 1

# Usage: one card source, an absolute library.
expect 2 "relative card library" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$T/nokm" --card-pkcs11 libsofthsm2.so </dev/null
expect_in "$T/err" "absolute path" "relative card library"
expect 2 "two card sources" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$T/nokm" --card-pkcs11 "$SHIM" --drawer "$W" </dev/null
expect 1 "missing card library" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$T/nokm" --card-pkcs11 /nonexistent/libnothing.so </dev/null
expect_in "$T/err" "cannot read the PKCS#11 module" "missing card library"
[ ! -e "$T/nokm/world" ] || fail "a refused world was written"

# The world: the module token's SO PIN; each card's new PIN twice, then
# the token's transport PIN (a wrong one first: asked again).
printf '87654321\n1111\n1111\n999999\n000000\n2222\n2222\n000000\n3333\n3333\n000000\n' >"$T/create"
snap_transcripts
expect 0 "create a world on token cards" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$K" --card-pkcs11 "$SHIM" \
    --kdf-cost 10 --pkcs11 "$SHIM" --token officiant-hsm <"$T/create"
recorded world-create "create"
expect_in "$T/out" 'present user PIN of token "officiant-card-1"' "create asks the transport PIN"
expect_in "$T/err" 'wrong user PIN for token "officiant-card-1"' "create: wrong transport PIN"
grep -v 'security officer' "$T/out" | grep -q 'bystander\|officiant-hsm' && fail "create: a token that is no card was offered"
expect_in "$T/out" 'security officer PIN of token "officiant-hsm"' "create asks the module token's SO PIN"
for i in 1 2 3; do
	grep -q "^Card $i of 3 (.*) written and verified" "$T/out" || fail "card $i not written"
done
tr=$K/transcripts/$new
for tok in officiant-card-1 officiant-card-2 officiant-card-3; do
	s=$(softhsm2-util --show-slots 2>/dev/null | awk -v l="$tok" '/Serial number:/ { s = $3 } /Label:/ && $2 == l { print s }')
	[ -n "$s" ] || { fail "no serial for $tok"; continue; }
	eval "serial_${tok##*-}=\$s"
	grep -q "\"token\":{\"manufacturer\":\"SoftHSM project\",\"model\":\"SoftHSM v2\",\"serial\":\"$s\"}" "$tr" ||
	    fail "create: the transcript does not name token $tok ($s)"
done
# From outside: the public part without a PIN, the share only behind
# the custodian's PIN, the transport PIN gone.
if [ -n "$P11TOOL" ]; then
	"$P11TOOL" --module "$SOFTHSM" --token-label officiant-card-1 --read-object --type data --label "officiant card" \
	    -o "$T/pub.json" >/dev/null 2>&1 || fail "pkcs11-tool: no public card object"
	grep -q '"storage": *"pkcs11"' "$T/pub.json" || fail "public part: no storage"
	grep -q 'sealed_share\|ciphertext\|salt' "$T/pub.json" && fail "public part holds the seal"
	"$P11TOOL" --module "$SOFTHSM" --token-label officiant-card-1 -O >"$T/objs" 2>/dev/null
	grep -q 'officiant card share' "$T/objs" && fail "the private part is seen without a PIN"
	"$P11TOOL" --module "$SOFTHSM" --token-label officiant-card-1 --login --pin 000000 -O >/dev/null 2>&1 &&
	    fail "the transport PIN still opens card 1"
	"$P11TOOL" --module "$SOFTHSM" --token-label officiant-card-1 --login --pin 1111 -O >"$T/objs" 2>/dev/null ||
	    fail "the custodian's PIN does not open card 1"
	grep -q 'officiant card share' "$T/objs" || fail "no private part on card 1"
	"$P11TOOL" --module "$SOFTHSM" --token-label bystander -O 2>/dev/null | grep -q officiant &&
	    fail "the bystander token was written"
fi
expect 0 "card list" -- "$OFFICIANT" card list --card-pkcs11 "$SHIM"
grep -q '^token "officiant-card-2" (serial .*): card 2 of 3, world .*, PIN tries counted by the token$' "$T/out" || fail "card list"
expect 0 "card inspect" -- "$OFFICIANT" card inspect --card-pkcs11 "$SHIM"
expect_in "$T/out" "checked and counted by the token" "card inspect"

# A key on the module's token.
expect 0 "generate on the token" -- "$OFFICIANT" key generate --kmdata "$K" --ident tokaes --type aes <<EOF
4321
EOF

# ACL reduction with two token cards: a wrong PIN first, which the
# token counts and says so.
"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/kek.pem" 2>/dev/null || fail "genpkey"
"$OPENSSL" pkey -in "$T/kek.pem" -pubout -out "$W/kek.pub" || fail "pkey -pubout"
printf '9999\n1111\n2222\n' >"$T/reduce"
snap_transcripts
expect 0 "reduce with token cards" -- "$OFFICIANT" key reduce-acl --kmdata "$K" --card-pkcs11 "$SHIM" --kek kek.pub --target azure tokaes <"$T/reduce"
recorded key-reduce-acl "reduce"
expect_in "$T/err" 'wrong user PIN for token "officiant-card-1" (CKR_PIN_INCORRECT); few tries are left' "reduce: wrong PIN"
expect_in "$T/out" "Card 2 accepted (2 of 2)" "reduce"
tr=$K/transcripts/$new
grep -q "\"card-inserted\".*\"serial\":\"$serial_1\"" "$tr" || fail "reduce: the transcript has no card-inserted for token 1"
grep -q "\"card-inserted\".*\"serial\":\"$serial_2\"" "$tr" || fail "reduce: the transcript has no card-inserted for token 2"
has_pin "$tr" 1111 2222 9999 && fail "reduce: a PIN is in the transcript"
expect 0 "package" -- "$OFFICIANT" package create --kmdata "$K" --kek kek.pub --format azure-byok \
    --kek-id https://v.vault.azure.net/keys/K/0123 --out "$W/tok.byok" key_xferacld_tokaes <<EOF
4321
EOF
byok_unwrap "$W/tok.byok" "$T/kek.pem"
[ "$(wc -c <"$T/key.bin")" -eq 32 ] || fail "package: not a 32-byte key"

# Card 1 locks after three wrong PINs: the token says so, and a locked
# card is refused before anyone types its PIN.
printf '0001\n0002\n0003\n2222\n3333\n' >"$T/lockit"
expect 4 "card verify locks card 1" -- "$OFFICIANT" card verify --kmdata "$K" --card-pkcs11 "$SHIM" <"$T/lockit"
expect_in "$T/err" 'token "officiant-card-1" is locked after too many wrong user PINs' "card 1 locks"
grep -q "^Card 2 (.*): PIN correct, share matches the world" "$T/out" || fail "card verify 2"
grep -q "^Card 3 (.*): PIN correct, share matches the world" "$T/out" || fail "card verify 3"
expect 0 "card list shows the lock" -- "$OFFICIANT" card list --card-pkcs11 "$SHIM"
grep -q 'officiant-card-1.*LOCKED' "$T/out" || fail "card list: card 1 not LOCKED"
printf '2222\n3333\n' >"$T/quorum23"
mv "$K/key_xferacld_tokaes" "$T/"
expect 0 "quorum without the locked card" -- "$OFFICIANT" key reduce-acl --kmdata "$K" --card-pkcs11 "$SHIM" --kek kek.pub --target azure tokaes <"$T/quorum23"
expect_in "$T/out" "card 1 is locked" "locked card refused"
grep -q "Card 1: PIN" "$T/out" && fail "a locked card's PIN was asked"
rm -f "$K/key_xferacld_tokaes"

# Readers whose tokens are put in by hand (removable slots, no slot
# events in SoftHSM2): the quorum waits, looking twice a second, until
# each card comes.
# With slot events (the shim's), and without (a fresh look each time).
for ev in events noevents; do
	rm -rf "$T/present"
	mkdir -p "$T/present"
	# Card 2 put in, taken out once accepted, then card 3 in and out.
	( sleep 2; : >"$T/present/officiant-card-2"; sleep 3; rm "$T/present/officiant-card-2"
	  : >"$T/present/officiant-card-3"; sleep 3; rm "$T/present/officiant-card-3" ) &
	noev=
	[ "$ev" = noevents ] && noev=P11SHIM_NOEVENTS=1
	start=$(date +%s)
	expect 0 "quorum from removable readers ($ev)" -- timeout 60 env P11SHIM_REMOVABLE=1 P11SHIM_PRESENT="$T/present" \
	    ${noev:+"$noev"} "$OFFICIANT" key reduce-acl --kmdata "$K" --card-pkcs11 "$SHIM" --kek kek.pub --target azure tokaes <"$T/quorum23"
	wait
	[ $(($(date +%s) - start)) -ge 8 ] || fail "removable readers ($ev): the quorum did not wait for the cards"
	expect_in "$T/out" 'Remove the card from token "officiant-card-2"' "removable readers ($ev)"
	expect_in "$T/out" "Card 3 accepted (2 of 2)" "removable readers ($ev)"
	grep -q "Card 1: PIN" "$T/out" && fail "removable readers ($ev): an absent card's PIN was asked"
	rm -f "$K/key_xferacld_tokaes"
done

# A whole ceremony through the engine, token cards and token module.
cat >"$T/tok.ceremony" <<'EOF'
id = "token-byok";
title = "BYOK on PKCS#11 tokens";
version = 1;
description = "Generate a key on the HSM token, reduce its ACL with two token cards, package it.";
roles = ( { id = "admin"; title = "Administrator"; },
          { id = "witness"; title = "Witness"; } );
parameters = (
  { id = "ident"; type = "string"; pattern = "^[a-z0-9-]{1,64}$"; prompt = "Key ident"; },
  { id = "kek"; type = "file"; prompt = "KEK file"; }
);
steps = (
  { id = "generate"; type = "action"; action = "key.generate"; role = "admin";
    args = { ident = "${ident}"; type = "aes"; size = "256"; }; },
  { id = "reduce"; type = "action"; action = "key.reduce-acl"; role = "admin";
    args = { ident = "${ident}"; kek = "${kek}"; target = "azure"; }; },
  { id = "package"; type = "action"; action = "package.create"; role = "admin";
    args = { ident = "${ident}"; kek = "${kek}"; format = "azure-byok";
             kek_id = "https://v.vault.azure.net/keys/K/0123";
             out = "${workdir}/ceremony-${ident}.byok"; }; },
  { id = "witnessed"; type = "witness"; role = "witness";
    text = "Key ${ident} packaged: ${package.sha256}."; },
  { id = "end"; type = "seal"; }
);
EOF
expect 0 "lint the ceremony" -- "$OFFICIANT" script lint "$T/tok.ceremony"
if [ -x "$CONVERSE" ]; then
	snap_transcripts
	expect 0 "ceremony on tokens" -- "$CONVERSE" -t 60 'officiant-hsm=4321' 'Card 2: PIN=2222' 'Card 3: PIN=3333' \
	    '[y/N]=y' '[Y/n]=y' 'name=Wendy Witness' ': =' -- \
	    "$OFFICIANT" run --line --kmdata "$K" --card-pkcs11 "$SHIM" --workdir "$W" --set ident=cerkey --set kek="$W/kek.pub" "$T/tok.ceremony"
	recorded token-byok "ceremony"
	tr=$K/transcripts/$new
	grep -q "\"serial\":\"$serial_2\"" "$tr" || fail "ceremony: token 2 not named"
	grep -q "\"serial\":\"$serial_3\"" "$tr" || fail "ceremony: token 3 not named"
	[ -s "$W/ceremony-cerkey.byok" ] || fail "ceremony: no package"
else
	echo "no $CONVERSE: the ceremony is skipped"
fi

# The module token's user PIN locked by wrong tries: only its security
# officer, whose PIN the quorum rebuilds, sets a new one.
printf '0000\n' >"$T/badpin"
for n in 1 2 3; do
	expect 4 "wrong token PIN $n" -- "$OFFICIANT" key generate --kmdata "$K" --ident lockme --type aes <"$T/badpin"
done
expect_in "$T/err" 'token "officiant-hsm" is locked' "the module token locks"
# A PIN too short for the token, then two that differ, then the PIN.
printf '2222\n3333\n123\n123\n5678\n5679\n5678\n5678\n' >"$T/tokpin"
snap_transcripts
expect 0 "world token-pin" -- "$OFFICIANT" world token-pin --kmdata "$K" --card-pkcs11 "$SHIM" <"$T/tokpin"
recorded world-token-pin "token-pin"
expect_in "$T/out" 'the new user PIN of token "officiant-hsm", again' "token-pin asks twice"
expect_in "$T/err" "the two PINs differ" "token-pin: PINs that differ"
expect_in "$T/err" 'token "officiant-hsm" takes user PINs of 4 to' "token-pin: a PIN too short"
expect_in "$T/out" 'token "officiant-hsm" has a new user PIN and is unlocked' "token-pin"
has_pin "$K/transcripts/$new" 5678 2222 3333 && fail "token-pin: a PIN is in the transcript"
printf '5678\n' >"$T/newpin"
expect 0 "the new token PIN works" -- "$OFFICIANT" key generate --kmdata "$K" --ident afterpin --type aes <"$T/newpin"
printf '4321\n' >"$T/oldpin"
expect 4 "the old token PIN is gone" -- "$OFFICIANT" key generate --kmdata "$K" --ident oldpin --type aes <"$T/oldpin"

[ "$failures" -eq 0 ] || exit 1
echo "ok: pkcs11 cards"
