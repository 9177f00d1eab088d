#!/bin/sh
# The pkcs11 module backend through the binary, on SoftHSM2 tokens made
# here in a temporary directory (SOFTHSM2_CONF): a world whose module is
# a token, keys generated on it (sensitive, named after their key files),
# reduced and packaged for each cloud where the token can make what the
# cloud imports, each package unwrapped with the OpenSSL command line
# back to the very key on the token; refusals where SoftHSM 2.6.1 cannot
# (its AES key wrap with padding pads with zeros first, its RSA-OAEP is
# SHA-1 only); a wrong PIN, a locked token, a missing module, a token
# without a needed mechanism (tests/p11/p11shim.so over SoftHSM2).
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

need_openssl
need_softhsm
for tok in officiant-hsm shimmed; do
	softhsm2-util --init-token --free --label "$tok" --pin 4321 --so-pin 8765 >/dev/null || fail "softhsm2-util --init-token $tok"
done

K=$T/kmdata; D=$T/cards; W=$T/work
KID=https://contoso-vault.vault.azure.net/keys/KEK-BYOK/664f202bfe884e4fa2c0f9e6b4d5a3c1
mkdir -p "$D" "$W" "$T/nocards"
cd "$W" || exit 1
pins_23 >"$T/pins"
printf '1111\n2222\n' >"$T/pins2"
printf '4321\n' >"$T/hsmpin"
# A pkcs11 world's creation asks the token's SO PIN first.
{ echo 8765; cat "$T/pins"; } >"$T/sopins"
{ echo 8764; cat "$T/pins"; } >"$T/badsopins"

# The module named wrongly: nothing is made, the file is named.
expect 1 "missing module" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$T/nokm" --drawer "$T/nocards" --kdf-cost 10 --pkcs11 /nonexistent/libnothing.so --token officiant-hsm <"$T/pins"
expect_in "$T/err" "/nonexistent/libnothing.so" "missing module"
expect_in "$T/err" "cannot read the PKCS#11 module" "missing module"
[ ! -e "$T/nokm/world" ] || fail "missing module: a world was written"
expect 3 "not a module" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$T/nokm" --drawer "$T/nocards" --kdf-cost 10 --pkcs11 "$T/pins" <"$T/pins"
expect_in "$T/err" "not a loadable PKCS#11 module" "not a module"
expect 1 "no such token" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$T/nokm" --drawer "$T/nocards" --kdf-cost 10 --pkcs11 "$SOFTHSM" --token no-such-token <"$T/pins"
expect_in "$T/err" 'no token with label "no-such-token"' "no such token"
expect_in "$T/err" '"officiant-hsm"' "no such token: the tokens present"
expect 2 "relative library" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$T/nokm" --drawer "$T/nocards" --pkcs11 libsofthsm2.so
expect 2 "token without --pkcs11" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$T/nokm" --drawer "$T/nocards" --token officiant-hsm
# OpenSC's module loads, and finds no card in a reader here.
OPENSC=
for m in /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so /usr/lib/*/opensc-pkcs11.so \
    /usr/lib/*/pkcs11/opensc-pkcs11.so /usr/lib/opensc-pkcs11.so; do
	[ -z "$OPENSC" ] && [ -r "$m" ] && OPENSC=$m
done
if [ -n "$OPENSC" ]; then
	expect 1 "OpenSC without a card" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$T/nokm" --drawer "$T/nocards" --kdf-cost 10 --pkcs11 "$OPENSC" <"$T/pins"
	expect_in "$T/err" "no initialized token is present" "OpenSC without a card"
fi
[ ! -e "$T/nokm/world" ] || fail "a refused world was written"

# A wrong SO PIN: refused before any card is written.
expect 4 "wrong SO PIN" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$T/nokm" --drawer "$T/nocards" --kdf-cost 10 --pkcs11 "$SOFTHSM" --token officiant-hsm <"$T/badsopins"
expect_in "$T/err" 'wrong security officer PIN for token "officiant-hsm" (CKR_PIN_INCORRECT)' "wrong SO PIN"
[ -z "$(ls "$T/nocards")" ] || fail "wrong SO PIN: cards were written"

# The world: its module is the token, recorded and signed; the token's
# SO PIN is now one only the quorum rebuilds.
expect 0 "create a pkcs11 world" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$K" --drawer "$D" --kdf-cost 10 --pkcs11 "$SOFTHSM" --token officiant-hsm <"$T/sopins"
expect_in "$T/out" 'security officer PIN of token "officiant-hsm"' "create asks the SO PIN"
expect_in "$T/out" "only a quorum of cards of this world rebuilds" "create takes the SO PIN over"
grep -q '"security_officer": *"quorum"' "$K/world" || fail "world file: the SO PIN is not the quorum's"
if [ -n "$P11TOOL" ]; then
	"$P11TOOL" --module "$SOFTHSM" --token-label officiant-hsm --login --login-type so --so-pin 8765 -O >/dev/null 2>&1 &&
	    fail "the token's old SO PIN still works"
fi
expect 0 "world info" -- "$OFFICIANT" world info --kmdata "$K"
expect_in "$T/out" "its security officer PIN: only a quorum of cards rebuilds it" "world info: SO"
expect_in "$T/out" 'token "officiant-hsm", serial ' "world info"
expect_in "$T/out" "(SoftHSM project SoftHSM v2), library $SOFTHSM" "world info"
serial=$(sed -n 's/.*token "officiant-hsm", serial \([^ ]*\) .*/\1/p' "$T/out")
[ -n "$serial" ] || fail "no token serial in world info"
grep -q '"backend": *"pkcs11"' "$K/world" || fail "world file: no pkcs11 module"
# The token's record is signed: an edit breaks the world.
cp "$K/world" "$T/world.good"
sed 's/"officiant-hsm"/"officiant-hsX"/' "$T/world.good" >"$K/world"
cmp -s "$K/world" "$T/world.good" && fail "the token label is not in the world file"
expect 3 "altered token record" -- "$OFFICIANT" world info --kmdata "$K"
cp "$T/world.good" "$K/world"

# Keys on the token; the PIN is the token's user PIN.
for spec in "tokrsa rsa --size 2048" "tokec ec --curve p256" "tokaes aes --size 256"; do
	set -- $spec
	id=$1; type=$2; shift 2
	snap_transcripts
	expect 0 "generate $id on the token" -- "$OFFICIANT" key generate --kmdata "$K" --ident "$id" --type "$type" "$@" <"$T/hsmpin"
	recorded key-generate "generate $id"
	grep -q "\"serial\": *\"$serial\"" "$K/transcripts/$new" || fail "generate $id: the transcript does not name the token"
	expect_in "$T/out" 'user PIN of token "officiant-hsm"' "generate $id asks the token's PIN"
	expect 0 "inspect $id" -- "$OFFICIANT" key inspect --kmdata "$K" "$id"
	expect_in "$T/out" "on token     object \"key_simple_$id\", CKA_ID " "inspect $id"
	grep -q '"token"' "$K/key_simple_$id" || fail "$id: key file names no token object"
	grep -q '"private"' "$K/key_simple_$id" && fail "$id: key file holds sealed material"
done
# Seen from outside: on the token, sensitive, named after the key file.
if [ -n "$P11TOOL" ]; then
	"$P11TOOL" --module "$SOFTHSM" --token-label officiant-hsm --login --pin 4321 -O >"$T/objs" 2>/dev/null || fail "pkcs11-tool -O"
	for id in tokrsa tokec tokaes; do
		grep -A3 "label: *key_simple_$id\$" "$T/objs" | grep -q 'Access: *sensitive, always sensitive' ||
		    fail "$id is not a sensitive object on the token"
	done
fi
# The public key on record is the token's.
if [ -n "$P11TOOL" ]; then
	rid=$(sed -n 's/.*CKA_ID \([0-9a-f]*\)$/\1/p' <<EOF
$("$OFFICIANT" key inspect --kmdata "$K" tokrsa)
EOF
)
	"$P11TOOL" --module "$SOFTHSM" --token-label officiant-hsm --read-object --type pubkey --id "$rid" -o "$T/rsa.der" >/dev/null 2>&1 || fail "pkcs11-tool --read-object"
	[ "$(pub_fp -pubin -inform DER -in "$T/rsa.der")" = "$(key_fp "$K" tokrsa)" ] || fail "the recorded public key is not the token's"
fi

# A wrong PIN: refused, the token's word in the message, nothing left.
expect 4 "wrong token PIN" -- "$OFFICIANT" key generate --kmdata "$K" --ident wrongpin --type rsa <"$T/pins2"
expect_in "$T/err" "wrong user PIN for token \"officiant-hsm\" (CKR_PIN_INCORRECT)" "wrong token PIN"
[ ! -e "$K/key_simple_wrongpin" ] || fail "wrong PIN: a key file was written"
# Nor is a key on the token ever exported in the clear.
expect 2 "exportable on a token" -- "$OFFICIANT" key generate --kmdata "$K" --ident plainexp --type ec --exportable </dev/null
expect_in "$T/err" "never leaves it in the clear" "exportable on a token"
expect 4 "export of a token key" -- "$OFFICIANT" key export --kmdata "$K" --out "$W/tokec.pem" tokec
[ ! -e "$W/tokec.pem" ] || fail "export of a token key: a file was written"
# Keys from outside cannot be sealed into a token world.
"$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/outside.pem" 2>/dev/null
expect 3 "import into a token world" -- "$OFFICIANT" key import --kmdata "$K" --ident outside --from "$T/outside.pem" </dev/null
expect_in "$T/err" "PKCS#11 token" "import into a token world"

# The clouds' KEKs: RSA 2048 for Azure and AWS, 3072 for Google.
for kek in azure:2048 aws:2048 gcp:3072; do
	name=${kek%:*}; bits=${kek#*:}
	"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:"$bits" -out "$T/kek-$name.pem" 2>/dev/null || fail "openssl genpkey $name"
	"$OPENSSL" pkey -in "$T/kek-$name.pem" -pubout -out "$W/kek-$name.pub" || fail "openssl pkey -pubout $name"
done

# unwrap CLOUD FILE MD: the package's key material into $T/unwrapped.
unwrap() {
	case $1 in gcp) u_len=384 ;; *) u_len=256 ;; esac
	head -c "$u_len" "$2" >"$T/a.bin"
	tail -c +$((u_len + 1)) "$2" >"$T/k.bin"
	"$OPENSSL" pkeyutl -decrypt -inkey "$T/kek-$1.pem" -in "$T/a.bin" -out "$T/aes.bin" \
	    -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:"$3" -pkeyopt rsa_mgf1_md:"$3" || { fail "$2: OAEP"; return; }
	if [ -s "$T/k.bin" ]; then
		"$OPENSSL" enc -d -id-aes256-wrap-pad -K "$(hex "$T/aes.bin")" -iv A65959A6 \
		    -in "$T/k.bin" -out "$T/unwrapped" || fail "$2: AES key wrap"
	else
		cp "$T/aes.bin" "$T/unwrapped"
	fi
}
# The AES key on the token, as it encrypts a zero block.
[ -z "$P11TOOL" ] || token_zero_block "$K" tokaes
# is_token_aes: $T/unwrapped is the token's AES key.
is_token_aes() {
	[ "$(wc -c <"$T/unwrapped")" -eq 32 ] || { fail "$1: $(wc -c <"$T/unwrapped") bytes unwrapped"; return; }
	if [ -n "$P11TOOL" ]; then
		"$OPENSSL" enc -aes-256-ecb -nopad -K "$(hex "$T/unwrapped")" -in "$T/zero" -out "$T/zero.soft" || fail "$1: openssl enc"
		cmp -s "$T/zero.soft" "$T/zero.token" || fail "$1: not the AES key on the token"
	fi
}

# Each cloud in turn: reduce the three keys for its KEK, package what
# the token can wrap, refuse the rest, then put the copies aside.
for cloud in azure aws gcp; do
	for id in tokrsa tokec tokaes; do
		snap_transcripts
		expect 0 "reduce $id for $cloud" -- "$OFFICIANT" key reduce-acl --kmdata "$K" --drawer "$D" --kek "kek-$cloud.pub" --target "$cloud" "$id" <"$T/pins2"
		recorded key-reduce-acl "reduce $id for $cloud"
		# The token's SO (the quorum's PIN) trusts the KEK and, as
		# SoftHSM has no CKM_RSA_AES_KEY_WRAP, a transfer key.
		expect_in "$T/out" 'security officer trusts officiant-kek-' "reduce $id for $cloud: trusted KEK"
		expect_in "$T/out" ', officiant-transfer-' "reduce $id for $cloud: transfer key"
		[ "$id" = tokaes ] && xfer=$(grep -o 'officiant-transfer-[0-9a-f]*' "$T/out" | head -1)
		grep -q '"token"' "$K/key_xferacld_$id" || fail "reduced $id names no token object"
	done
	case $cloud in
	azure) fmt="--format azure-byok --kek-id $KID"; sha1alg=""; sha256alg="" ;;
	aws) fmt="--format aws-kms"; sha1alg=RSA_AES_KEY_WRAP_SHA_1; sha256alg=RSA_AES_KEY_WRAP_SHA_256 ;;
	gcp) fmt="--format gcp-kms"; sha1alg=RSA_OAEP_3072_SHA1_AES_256; sha256alg=RSA_OAEP_3072_SHA256_AES_256 ;;
	esac
	# SoftHSM's KWP pads first: an RSA or EC key would not import.
	for id in tokrsa tokec; do
		snap_transcripts
		# shellcheck disable=SC2086
		expect 3 "package $id for $cloud refused" -- "$OFFICIANT" package create --kmdata "$K" --kek "kek-$cloud.pub" $fmt \
		    ${sha1alg:+--algorithm $sha1alg} --out "$W/$id-$cloud.pkg" "key_xferacld_$id" </dev/null
		expect_in "$T/err" "pads the key with zeros before CKM_AES_KEY_WRAP_PAD" "package $id for $cloud"
		grep -q "PIN" "$T/out" && fail "package $id for $cloud: a PIN was asked before the refusal"
		[ ! -e "$W/$id-$cloud.pkg" ] || fail "package $id for $cloud: written anyway"
		recorded_if_any package-create "refused $id for $cloud"
	done
	# The cloud's SHA-256 algorithm: SoftHSM's OAEP is SHA-1 only.
	if [ -n "$sha256alg" ]; then
		# shellcheck disable=SC2086
		expect 3 "package tokaes for $cloud in $sha256alg" -- "$OFFICIANT" package create --kmdata "$K" --kek "kek-$cloud.pub" $fmt \
		    --algorithm "$sha256alg" --out "$W/sha256-$cloud.pkg" key_xferacld_tokaes <"$T/hsmpin"
		expect_in "$T/err" "cannot do RSA-OAEP with SHA-256 (CKR_" "$cloud $sha256alg"
		[ ! -e "$W/sha256-$cloud.pkg" ] || fail "$cloud $sha256alg: written anyway"
	fi
	snap_transcripts
	# shellcheck disable=SC2086
	expect 0 "package tokaes for $cloud" -- "$OFFICIANT" package create --kmdata "$K" --kek "kek-$cloud.pub" $fmt \
	    ${sha1alg:+--algorithm $sha1alg} --out "$W/tokaes-$cloud.pkg" key_xferacld_tokaes <"$T/hsmpin"
	recorded package-create "package tokaes for $cloud"
	# The transcript names the token and the mechanisms.
	tr=$K/transcripts/$new
	grep -q 'SoftHSM project' "$tr" || fail "$cloud: the transcript does not name the token's manufacturer"
	grep -q "$serial" "$tr" || fail "$cloud: the transcript does not name the token's serial"
	grep -q 'CKM_AES_KEY_WRAP_PAD' "$tr" || fail "$cloud: the transcript does not name the mechanisms"
	if [ "$cloud" = azure ]; then
		grep -q '"enc": *"CKM_RSA_AES_KEY_WRAP"' "$W/tokaes-$cloud.pkg" || fail "azure: not a .byok file"
		grep -q 'PKCS#11 token SoftHSM project' "$W/tokaes-$cloud.pkg" || fail "azure: generator names no token"
		byok_raw "$W/tokaes-$cloud.pkg"
		unwrap azure "$T/raw.bin" sha1
	else
		unwrap "$cloud" "$W/tokaes-$cloud.pkg" sha1
	fi
	is_token_aes "$cloud"
	if [ "$cloud" = aws ]; then
		# The 32-byte key alone under OAEP, as AWS takes it.
		expect 0 "package tokaes for aws in RSAES_OAEP_SHA_1" -- "$OFFICIANT" package create --kmdata "$K" --kek kek-aws.pub --format aws-kms \
		    --algorithm RSAES_OAEP_SHA_1 --out "$W/oaep-aws.pkg" key_xferacld_tokaes <"$T/hsmpin"
		[ "$(wc -c <"$W/oaep-aws.pkg")" -eq 256 ] || fail "RSAES_OAEP_SHA_1: not 256 bytes"
		unwrap aws "$W/oaep-aws.pkg" sha1
		is_token_aes "aws RSAES_OAEP_SHA_1"
	fi
	# The transfer key gone (a user PIN can delete it): the token lets
	# the key out under nothing else, so nothing is written.
	if [ "$cloud" = azure ] && [ -n "$P11TOOL" ]; then
		"$P11TOOL" --module "$SOFTHSM" --token-label officiant-hsm --login --pin 4321 --delete-object --type secrkey --label "$xfer" >/dev/null 2>&1 ||
		    fail "pkcs11-tool --delete-object $xfer"
		expect 4 "package without the transfer key" -- "$OFFICIANT" package create --kmdata "$K" --kek kek-azure.pub $fmt \
		    --out "$W/notrust.byok" key_xferacld_tokaes <"$T/hsmpin"
		expect_in "$T/err" "only under keys its security officer trusts" "package without the transfer key"
		[ ! -e "$W/notrust.byok" ] || fail "package without the transfer key: written anyway"
	fi
	mkdir -p "$T/spent/$cloud"
	mv "$K"/key_xferacld_* "$T/spent/$cloud/"
done
# No key material in the clear anywhere in KMDATA or the packages.
if [ -n "$P11TOOL" ] && [ -s "$T/unwrapped" ]; then
	kh=$(hex "$T/unwrapped")
	for f in "$K"/* "$K"/transcripts/* "$W"/*; do
		[ -f "$f" ] || continue
		hex "$f" | grep -q "$kh" && fail "$f holds the AES key in the clear"
	done
fi

# A token that lacks a mechanism (the shim hides it): clear refusals.
K2=$T/kmdata2; D2=$T/cards2
mkdir -p "$D2"
# A token without a security officer login: refused, naming the way
# out; with --keep-so-pin no SO PIN is asked, and keys are wrapped
# under session objects (officiant's signed ACL alone restricts them).
expect 2 "--keep-so-pin without --pkcs11" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$K2" --drawer "$D2" --keep-so-pin
expect 3 "no SO login" -- env P11SHIM_NOSO=1 "$OFFICIANT" world create --quorum 2/3 --kmdata "$K2" --drawer "$D2" --kdf-cost 10 --pkcs11 "$SHIM" --token shimmed <"$T/sopins"
expect_in "$T/err" 'token "shimmed" has no security officer login (CKR_USER_TYPE_INVALID); give --keep-so-pin' "no SO login"
[ -z "$(ls "$D2")" ] || fail "no SO login: cards were written"
# Nor one whose SO cannot mark a key trusted: found before any card.
expect 3 "no trusted keys" -- env P11SHIM_NOTRUST=1 "$OFFICIANT" world create --quorum 2/3 --kmdata "$K2" --drawer "$D2" --kdf-cost 10 --pkcs11 "$SHIM" --token shimmed <"$T/sopins"
expect_in "$T/err" 'its security officer cannot make a CKA_TRUSTED key (CKR_ATTRIBUTE_TYPE_INVALID), which the ACL reduction needs; give --keep-so-pin' "no trusted keys"
[ -z "$(ls "$D2")" ] || fail "no trusted keys: cards were written"
[ ! -e "$K2/world" ] || fail "no trusted keys: a world was written"
expect 0 "create a world on the shimmed token" -- env P11SHIM_NOSO=1 "$OFFICIANT" world create --quorum 2/3 --kmdata "$K2" --drawer "$D2" --kdf-cost 10 --pkcs11 "$SHIM" --token shimmed --keep-so-pin <"$T/pins"
grep -q 'security officer' "$T/out" && fail "--keep-so-pin: an SO PIN was asked"
grep -q 'security_officer' "$K2/world" && fail "--keep-so-pin: the world claims the SO PIN"
expect 3 "no CKM_EC_KEY_PAIR_GEN" -- env P11SHIM_HIDE=0x1040 "$OFFICIANT" key generate --kmdata "$K2" --ident noec --type ec </dev/null
expect_in "$T/err" "does not offer CKM_EC_KEY_PAIR_GEN, needed to generate the key" "no CKM_EC_KEY_PAIR_GEN"
[ ! -e "$K2/key_simple_noec" ] || fail "no CKM_EC_KEY_PAIR_GEN: a key file was written"
expect 0 "generate on the shimmed token" -- "$OFFICIANT" key generate --kmdata "$K2" --ident shimaes --type aes <"$T/hsmpin"
expect 0 "reduce on the shimmed token" -- "$OFFICIANT" key reduce-acl --kmdata "$K2" --drawer "$D2" --kek kek-azure.pub --target azure shimaes <"$T/pins2"
grep -q 'security officer trusts' "$T/out" && fail "--keep-so-pin: the reduction made trusted objects"
expect 3 "token-pin without the SO PIN" -- "$OFFICIANT" world token-pin --kmdata "$K2" --drawer "$D2" <"$T/pins2"
expect_in "$T/err" "reset the user PIN with the token's own tools" "token-pin without the SO PIN"
grep -q 'Card 1' "$T/out" && fail "token-pin without the SO PIN: a card was asked"
expect 3 "no CKM_AES_KEY_WRAP_PAD" -- env P11SHIM_HIDE=0x210a "$OFFICIANT" package create --kmdata "$K2" --kek kek-azure.pub --format azure-byok --kek-id "$KID" \
    --out "$W/nokwp.byok" key_xferacld_shimaes </dev/null
expect_in "$T/err" "does not offer CKM_AES_KEY_WRAP_PAD, needed for the RSA-AES key wrap without CKM_RSA_AES_KEY_WRAP" "no CKM_AES_KEY_WRAP_PAD"
[ ! -e "$W/nokwp.byok" ] || fail "no CKM_AES_KEY_WRAP_PAD: written anyway"
expect 3 "no CKM_RSA_PKCS_OAEP" -- env P11SHIM_HIDE=0x9 "$OFFICIANT" package create --kmdata "$K2" --kek kek-azure.pub --format azure-byok --kek-id "$KID" \
    --out "$W/nooaep.byok" key_xferacld_shimaes </dev/null
expect_in "$T/err" "does not offer CKM_RSA_PKCS_OAEP" "no CKM_RSA_PKCS_OAEP"

# A token that offers CKM_RSA_AES_KEY_WRAP (the shim makes it of
# SoftHSM's two steps): the one-step wrap, with the mechanism's own
# parameters, unwrapped by openssl to the key on the token.
expect 0 "one-step CKM_RSA_AES_KEY_WRAP" -- env P11SHIM_RSA_AES=1 "$OFFICIANT" package create --kmdata "$K2" --kek kek-azure.pub \
    --format azure-byok --kek-id "$KID" --out "$W/onestep.byok" key_xferacld_shimaes <"$T/hsmpin"
grep -q '"CKM_RSA_AES_KEY_WRAP(SHA-1)"' "$K2"/transcripts/*package-create* || fail "one-step: the mechanism is not on record"
byok_raw "$W/onestep.byok"
unwrap azure "$T/raw.bin" sha1
if [ -n "$P11TOOL" ]; then
	token_zero_block "$K2" shimaes shimmed
	is_token_aes "one-step CKM_RSA_AES_KEY_WRAP"
fi

# A token that locks its user PIN after 3 wrong tries.
P11SHIM_LOCK=$T/lockcount; export P11SHIM_LOCK
expect 4 "wrong PIN 1" -- "$OFFICIANT" key generate --kmdata "$K2" --ident locked --type aes <"$T/pins2"
expect_in "$T/err" "(CKR_PIN_INCORRECT); few tries are left" "wrong PIN 1"
expect 4 "wrong PIN 2" -- "$OFFICIANT" key generate --kmdata "$K2" --ident locked --type aes <"$T/pins2"
expect_in "$T/err" "(CKR_PIN_INCORRECT); one try is left before the token locks" "wrong PIN 2"
expect 4 "wrong PIN 3" -- "$OFFICIANT" key generate --kmdata "$K2" --ident locked --type aes <"$T/pins2"
expect_in "$T/err" "token \"shimmed\" is locked after too many wrong user PINs" "wrong PIN 3"
expect 4 "locked token" -- "$OFFICIANT" key generate --kmdata "$K2" --ident locked --type aes <"$T/hsmpin"
expect_in "$T/err" "token \"shimmed\" is locked" "locked token"
grep -q "PIN" "$T/out" && fail "locked token: a PIN was asked"
[ ! -e "$K2/key_simple_locked" ] || fail "locked token: a key file was written"
unset P11SHIM_LOCK

[ "$failures" -eq 0 ] || exit 1
echo "ok: pkcs11 module backend"
