#!/bin/sh
# Module-protected keys through the binary: generate, inspect, list,
# reduce-acl with two cards for a BYOK transfer, plain export refused
# (and allowed only for a key born exportable), bad input, a tampered
# key file, a key of another world; every key command leaves a sealed
# transcript that verifies; no plaintext private key lands anywhere.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

K=$T/kmdata; D=$T/cards; W=$T/work; P=$T/probe
mkdir -p "$D" "$W" "$P"
cd "$W" || exit 1
create_world "create" "$K" "$D" 10
printf '1111\n2222\n' >"$T/pins2"

# Each key command: snap, then recorded CEREMONY WHAT after it: it left
# exactly one new transcript, of that ceremony, sealed, and verify
# accepts it.

# Generate.
snap
expect 0 "generate" -- "$OFFICIANT" key generate --kmdata "$K" --ident contosokey --plainname contosokey --type rsa --size 2048
expect_in "$T/out" "Key key_simple_contosokey generated in $K" "generate names the key"
recorded key-generate "generate"
[ "$(stat -c %a "$K/key_simple_contosokey")" = 600 ] || fail "key file is not mode 0600"
orig=$(sum "$K/key_simple_contosokey")

# Inspect: the ACL as born, signed by the module; the fingerprint is
# that of the public key in the file.
expect 0 "inspect" -- "$OFFICIANT" key inspect --kmdata "$K" contosokey
expect_in "$T/out" "Key key_simple_contosokey" "inspect names the file"
expect_in "$T/out" "plain name   contosokey" "inspect plain name"
expect_in "$T/out" "type         rsa 2048" "inspect type"
expect_in "$T/out" "ACL          sign, decrypt, recover, change-acl" "inspect ACL"
expect_in "$T/out" "ACL signed   by the module" "inspect signer"
expect_in "$T/out" " created" "inspect history"
! grep -q "export" "$T/out" || fail "a key as born allows some export"
fp=$(sed -n 's/^  fingerprint  //p' "$T/out")
pub=$(sed -n 's/^  "public_key": "\(.*\)",$/\1/p' "$K/key_simple_contosokey")
[ "$fp" = "$(printf '%s' "$pub" | base64 -d | sha256sum | cut -d' ' -f1)" ] || fail "fingerprint '$fp' is not the public key's"
expect 0 "inspect by file name" -- "$OFFICIANT" key inspect --kmdata "$K" key_simple_contosokey
expect_in "$T/out" "fingerprint  $fp" "same key by file name"
expect 0 "inspect --json" -- "$OFFICIANT" key inspect --kmdata "$K" --json contosokey
expect_in "$T/out" '"acl_signer": "module"' "json signer"
expect_in "$T/out" '"acl_words": "sign, decrypt, recover, change-acl"' "json ACL"
expect_in "$T/out" "\"fingerprint\": \"$fp\"" "json fingerprint"

expect 0 "list" -- "$OFFICIANT" key list --kmdata "$K"
expect_in "$T/out" "key_simple_contosokey" "list shows the key"
expect_in "$T/out" "sign, decrypt, recover, change-acl" "list shows the ACL"

# The KEK of the destination, as the cloud hands it out.
"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/kek.pem" 2>/dev/null || fail "openssl genpkey"
"$OPENSSL" pkey -in "$T/kek.pem" -pubout -out "$W/kek.pub" || fail "openssl pkey -pubout"
kekfp=$(pub_fp -pubin -in "$W/kek.pub")
[ ${#kekfp} -eq 64 ] || fail "KEK fingerprint '$kekfp'"

# Reduce the ACL with two cards.
snap
expect 0 "reduce-acl" -- "$OFFICIANT" key reduce-acl --kmdata "$K" --drawer "$D" --kek kek.pub --target azure contosokey <"$T/pins2"
expect_in "$T/out" "Key key_xferacld_contosokey written" "reduce-acl names the copy"
expect_in "$T/out" "Card 2 accepted (2 of 2)" "two cards"
recorded key-reduce-acl "reduce-acl"
[ "$(sum "$K/key_simple_contosokey")" = "$orig" ] || fail "reduce-acl changed the original"
[ "$(stat -c %a "$K/key_xferacld_contosokey")" = 600 ] || fail "reduced copy is not mode 0600"
expect 0 "inspect the reduced copy" -- "$OFFICIANT" key inspect --kmdata "$K" key_xferacld_contosokey
expect_in "$T/out" "Key key_xferacld_contosokey" "reduced copy named"
expect_in "$T/out" "ACL          export-wrapped" "export-wrapped only"
acl=$(sed -n 's/^  ACL          //p' "$T/out")
[ "$acl" = export-wrapped ] || fail "the reduced copy allows '$acl'"
expect_in "$T/out" "export KEK   $kekfp (target azure)" "KEK fingerprint and target"
expect_in "$T/out" "ACL signed   by the world" "signed by the world"
expect_in "$T/out" "fingerprint  $fp" "the same key"
expect_in "$T/out" "acl-reduced key_simple_contosokey" "history names the original"
expect 0 "inspect --json the reduced copy" -- "$OFFICIANT" key inspect --kmdata "$K" --json key_xferacld_contosokey
expect_in "$T/out" "\"kek\": \"$kekfp\"" "json KEK"
expect_in "$T/out" '"acl_signer": "world"' "json signer world"
expect 0 "the original keeps its ACL" -- "$OFFICIANT" key inspect --kmdata "$K" contosokey
expect_in "$T/out" "ACL          sign, decrypt, recover, change-acl" "original ACL"
expect_in "$T/out" "ACL signed   by the module" "original signer"
expect 0 "list both" -- "$OFFICIANT" key list --kmdata "$K"
grep -q "^key_xferacld_contosokey  *export-wrapped$" "$T/out" || fail "list does not show the reduced copy"

# Plain export: refused for both, nothing written.
snap
expect 4 "export the reduced copy" -- "$OFFICIANT" key export --kmdata "$K" --out x.pem key_xferacld_contosokey
expect_in "$T/err" "never be exported in the clear" "reduced export refusal explained"
[ ! -e x.pem ] || fail "x.pem written for the reduced copy"
recorded key-export "refused export of the reduced copy"
snap
expect 4 "export the original" -- "$OFFICIANT" key export --kmdata "$K" --out x.pem contosokey
expect_in "$T/err" "does not allow export in the clear" "export refusal explained"
[ ! -e x.pem ] || fail "x.pem written for the original"
recorded key-export "refused export of the original"
ls "$W" | grep -q 'x\.pem' && fail "a temporary x.pem is left: $(ls "$W")"

# Bad input. Parameters that can never work are refused before a
# ceremony begins; an existing ident is found in it.
snap
expect 1 "existing ident" -- "$OFFICIANT" key generate --kmdata "$K" --ident contosokey --type ec
expect_in "$T/err" "already exists" "existing ident explained"
[ "$(sum "$K/key_simple_contosokey")" = "$orig" ] || fail "existing ident: the key file changed"
recorded key-generate "existing ident"
nkeys=$(ls "$K" | grep -c '^key_')
for id in Bad_Ident 'a b' ../world "$(printf '%065d' 0)"; do
	snap
	expect 2 "bad ident '$id'" -- "$OFFICIANT" key generate --kmdata "$K" --ident "$id" --type aes
	expect_in "$T/err" "bad ident" "bad ident explained"
	not_recorded "bad ident '$id'"
done
snap
expect 2 "unknown type" -- "$OFFICIANT" key generate --kmdata "$K" --ident k2 --type dsa
expect_in "$T/err" "unknown key type" "unknown type explained"
not_recorded "unknown type"
snap
expect 2 "RSA 1024" -- "$OFFICIANT" key generate --kmdata "$K" --ident k2 --type rsa --size 1024
expect_in "$T/err" "--allow-legacy" "RSA 1024 names the flag"
not_recorded "RSA 1024"
snap
expect 2 "RSA 512 even with --allow-legacy" -- "$OFFICIANT" key generate --kmdata "$K" --ident k2 --type rsa --size 512 --allow-legacy
not_recorded "RSA 512"
snap
expect 2 "unknown curve" -- "$OFFICIANT" key generate --kmdata "$K" --ident k2 --type ec --curve p224
not_recorded "unknown curve"
snap
expect 2 "EC size not the curve's" -- "$OFFICIANT" key generate --kmdata "$K" --ident k2 --type ec --curve p256 --size 384
not_recorded "EC size"
snap
expect 2 "AES 100" -- "$OFFICIANT" key generate --kmdata "$K" --ident k2 --type aes --size 100
not_recorded "AES 100"
[ "$(ls "$K" | grep -c '^key_')" -eq "$nkeys" ] || fail "a refused generate wrote a key: $(ls "$K")"
snap
expect 0 "RSA 1024 with --allow-legacy" -- "$OFFICIANT" key generate --kmdata "$K" --ident legacy --type rsa --size 1024 --allow-legacy
expect_in "$T/err" "legacy" "RSA 1024 warned about"
recorded key-generate "RSA 1024 legacy"

# Bad KEKs, for a key that has no reduced copy yet.
expect 0 "generate an EC key" -- "$OFFICIANT" key generate --kmdata "$K" --ident fabrikamkey --type ec --curve p384
"$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/ec.pem" 2>/dev/null || fail "openssl genpkey EC"
"$OPENSSL" pkey -in "$T/ec.pem" -pubout -out "$W/ec.pub" || fail "openssl pkey EC"
"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$T/r1024.pem" 2>/dev/null || fail "openssl genpkey 1024"
"$OPENSSL" pkey -in "$T/r1024.pem" -pubout -out "$W/r1024.pub" || fail "openssl pkey 1024"
echo "not a key at all" >"$W/notakey.pub"
snap
expect 2 "EC KEK" -- "$OFFICIANT" key reduce-acl --kmdata "$K" --drawer "$D" --kek ec.pub fabrikamkey <"$T/pins2"
expect_in "$T/err" "RSA public key of 2048, 3072 or 4096 bits" "EC KEK explained"
! grep -q "PIN" "$T/out" || fail "EC KEK: a PIN was asked for"
recorded_if_any key-reduce-acl "EC KEK"
snap
expect 2 "RSA 1024 KEK" -- "$OFFICIANT" key reduce-acl --kmdata "$K" --drawer "$D" --kek r1024.pub fabrikamkey <"$T/pins2"
recorded_if_any key-reduce-acl "RSA 1024 KEK"
snap
expect 3 "a KEK that is not a key" -- "$OFFICIANT" key reduce-acl --kmdata "$K" --drawer "$D" --kek notakey.pub fabrikamkey <"$T/pins2"
expect_in "$T/err" "not a public key" "not a key explained"
not_recorded "a KEK that is not a key"
snap
expect 3 "a private key as KEK" -- "$OFFICIANT" key reduce-acl --kmdata "$K" --drawer "$D" --kek "$T/kek.pem" fabrikamkey <"$T/pins2"
not_recorded "a private key as KEK"
snap
printf '1111\n' >"$T/pins1"
expect 5 "one card only" -- "$OFFICIANT" key reduce-acl --kmdata "$K" --drawer "$D" --kek kek.pub fabrikamkey <"$T/pins1"
recorded key-reduce-acl "one card only"
[ ! -e "$K/key_xferacld_fabrikamkey" ] || fail "bad KEK or cancelled reduce-acl left a copy"
ls "$K" | grep -q tmp && fail "a temporary file is left in KMDATA: $(ls "$K")"
snap
expect 4 "reduce the reduced copy" -- "$OFFICIANT" key reduce-acl --kmdata "$K" --drawer "$D" --kek kek.pub key_xferacld_contosokey <"$T/pins2"
expect_in "$T/err" "does not allow changing it" "no change-acl explained"
recorded key-reduce-acl "reduce the reduced copy"
red=$(sum "$K/key_xferacld_contosokey")
snap
expect 1 "reduce twice" -- "$OFFICIANT" key reduce-acl --kmdata "$K" --drawer "$D" --kek kek.pub contosokey <"$T/pins2"
expect_in "$T/err" "already exists" "second copy explained"
[ "$(sum "$K/key_xferacld_contosokey")" = "$red" ] || fail "the reduced copy changed"
recorded key-reduce-acl "reduce twice"

# A key file whose ACL was edited to allow plain export.
cp "$K/key_simple_contosokey" "$T/contoso.good"
sed 's/"change-acl"/"change-acl", "export-plain"/' "$T/contoso.good" >"$K/key_simple_contosokey"
grep -q '"export-plain"' "$K/key_simple_contosokey" || fail "sed did not add export-plain"
expect 3 "inspect a tampered key" -- "$OFFICIANT" key inspect --kmdata "$K" contosokey
expect_in "$T/err" "key_simple_contosokey" "tampered key named"
expect_in "$T/err" "altered" "tampering explained"
snap
expect 3 "export a tampered key" -- "$OFFICIANT" key export --kmdata "$K" --out x.pem contosokey
[ ! -e x.pem ] || fail "x.pem written for a tampered key"
not_recorded "export a tampered key"
expect 3 "reduce a tampered key" -- "$OFFICIANT" key reduce-acl --kmdata "$K" --drawer "$D" --kek kek.pub --target aws contosokey <"$T/pins2"
expect 0 "list with a tampered key" -- "$OFFICIANT" key list --kmdata "$K"
grep -q "^key_simple_contosokey  *DOES NOT VERIFY" "$T/out" || fail "list does not flag the tampered key"
cp "$T/contoso.good" "$K/key_simple_contosokey"
# The reduced copy's target changed.
cp "$K/key_xferacld_contosokey" "$T/xfer.good"
sed 's/"target": "azure"/"target": "aws"/' "$T/xfer.good" >"$K/key_xferacld_contosokey"
expect 3 "inspect a tampered reduced copy" -- "$OFFICIANT" key inspect --kmdata "$K" key_xferacld_contosokey
cp "$T/xfer.good" "$K/key_xferacld_contosokey"
expect 0 "restored" -- "$OFFICIANT" key inspect --kmdata "$K" contosokey

# A key of another world.
create_world "second world" "$T/k2" "$T/c2" 10
expect 0 "key in the second world" -- "$OFFICIANT" key generate --kmdata "$T/k2" --ident foreign --type ec
cp "$T/k2/key_simple_foreign" "$K/"
expect 4 "a key of another world" -- "$OFFICIANT" key inspect --kmdata "$K" foreign
expect_in "$T/err" "belongs to world" "foreign key explained"
expect 4 "export a key of another world" -- "$OFFICIANT" key export --kmdata "$K" --out x.pem foreign
[ ! -e x.pem ] || fail "x.pem written for a foreign key"
rm -f "$K/key_simple_foreign"

# A key born exportable: exported to a file outside KMDATA, and found
# nowhere else.
snap
expect 0 "generate exportable" -- "$OFFICIANT" key generate --kmdata "$K" --ident exportme --type rsa --exportable
recorded key-generate "generate exportable"
expect 0 "inspect exportable" -- "$OFFICIANT" key inspect --kmdata "$K" exportme
expect_in "$T/out" "ACL          sign, decrypt, export-plain, recover, change-acl" "exportable ACL"
xfp=$(sed -n 's/^  fingerprint  //p' "$T/out")
snap
expect 0 "export exportable" -- "$OFFICIANT" key export --kmdata "$K" --out exportme.pem exportme
expect_in "$T/out" "exported in the clear to exportme.pem" "export reported"
recorded key-export "export exportable"
[ "$(stat -c %a exportme.pem)" = 600 ] || fail "the export is not mode 0600"
head -1 exportme.pem | grep -q "^-----BEGIN PRIVATE KEY-----$" || fail "the export is not PKCS#8 PEM"
[ "$(pub_fp -in exportme.pem)" = "$xfp" ] || fail "the export is not the key"
xsum=$(sum exportme.pem)
expect 1 "export over an existing file" -- "$OFFICIANT" key export --kmdata "$K" --out exportme.pem exportme
[ "$(sum exportme.pem)" = "$xsum" ] || fail "the export was overwritten"

# Its DER as openssl writes it (PKCS#1, which holds d, p and q) and as
# PKCS#8, the form sealed in the key file.
"$OPENSSL" pkey -in exportme.pem -outform DER -out "$P/der" || fail "openssl pkey -outform DER"
"$OPENSSL" pkcs8 -topk8 -nocrypt -in exportme.pem -outform DER -out "$P/p8" || fail "openssl pkcs8 -outform DER"
der=$(xxd -p "$P/der" | tr -d '\n')
p8=$(xxd -p "$P/p8" | tr -d '\n')
[ ${#der} -gt 2000 ] || fail "DER of the export is ${#der} hex digits"
[ ${#p8} -gt ${#der} ] || fail "PKCS#8 DER of the export is ${#p8} hex digits"
# 32-byte windows past the modulus: d, p, q, the exponents, qinv.
wins=
for b in 300 450 600 750 900 1050; do
	wins="$wins $(printf '%s' "$der" | cut -c $((2 * b + 1))-$((2 * b + 64)))"
done
mid=$(printf '%s' "$der" | cut -c 1201-1264)	# within p
grep -v -- '-----' exportme.pem >"$P/pem"
# And base64 on one line, as in a JSON file, at each byte alignment.
for f in der p8; do
	for o in 1 2 3; do
		tail -c +$o "$P/$f" | base64 -w0 | cut -c 801-864 >>"$P/pem"
	done
done
# Less what the public key holds too (a PEM line within the modulus):
# that may appear, as the key file's public_key.
"$OPENSSL" pkey -in exportme.pem -pubout -outform DER -out "$P/spki" || fail "openssl pkey -pubout"
for o in 1 2 3; do
	tail -c +$o "$P/spki" | base64 -w0
	echo
done >"$P/public"
while read -r line; do
	grep -qF -- "$line" "$P/public" || printf '%s\n' "$line"
done <"$P/pem" >"$P/body"
[ "$(wc -l <"$P/body")" -gt 20 ] || fail "too little of the key to search for"
# The search finds what it looks for.
xxd -p "$P/der" | tr -d '\n' | grep -qF "$mid" || fail "the hex search does not work"
grep -qF -f "$P/body" exportme.pem || fail "the base64 search does not work"
find "$T" -type f ! -path "$P/*" ! -path "$W/exportme.pem" >"$P/files"
[ "$(grep -c "^$K/" "$P/files")" -ge 10 ] || fail "too few files under KMDATA to search"
[ "$(grep -c "^$D/" "$P/files")" -eq 3 ] || fail "the cards are not searched"
while read -r f; do
	h=$(xxd -p "$f" | tr -d '\n')
	for needle in "$der" "$p8" $wins; do
		case $h in *"$needle"*) fail "$f holds the private key's DER bytes" ;; esac
	done
	! grep -qaF -f "$P/body" "$f" || fail "$f holds the private key in base64"
done <"$P/files"

# Every transcript of the session verifies.
verify_all 14 "$K"
for c in key-generate key-reduce-acl key-export; do
	ls "$K/transcripts" | grep -q -- "-$c" || fail "no $c transcript"
done
# Names shown to people cannot carry control characters that would fake
# lines of output.
nl='
'
expect 2 "plain name with a newline" -- "$OFFICIANT" key generate --kmdata "$K" --ident fake --type aes --plainname "x${nl}  ACL          export-plain"
expect_in "$T/err" "control characters" "control characters refused"
[ ! -e "$K/key_simple_fake" ] || fail "a key with a forged plain name was written"

finish
