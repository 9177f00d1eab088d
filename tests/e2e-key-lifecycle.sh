#!/bin/sh
# A key's life through the real binary, PINs and passwords on stdin:
# import of existing software keys (the AD RMS SLC migration: encrypted
# PKCS#8 PEM and DER, PKCS#12, EC, plain PEM) and its refusals; backup,
# recovery into a world restored on another machine (even from a world
# backup older than the key), refusals for a foreign world and for a
# copy reduced for transfer; re-keying with kept, decrypt-only versions.
# Every command that changes KMDATA leaves a transcript that verifies.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

need_openssl

K=$T/kmdata; D=$T/cards
PW='slc-Protection-Pw-7731'	# the exported TPD's protection password
BADPW='not-the-Password-4242'
mkdir -p "$D"

# recorded_in KMDATA CEREMONY CODE DESCRIPTION -- COMMAND...: expect,
# then recorded CEREMONY DESCRIPTION with K=KMDATA: the one new
# transcript in KMDATA/transcripts is sealed and verifies against the
# world in KMDATA. $T/out and $T/err stay the command's.
recorded_in() {
	r_k=$K; K=$1; r_c=$2; shift 2
	snap_transcripts
	expect "$@"
	recorded "$r_c" "$2"
	K=$r_k
}

# nopw FILE...: neither password is in these files.
nopw() {
	for f in "$@"; do
		! grep -qF -e "$PW" -e "$BADPW" "$f" || fail "a password is in $f"
	done
}

b64hex() { tr -d '\n' | "$OPENSSL" base64 -d -A | xxd -p | tr -d '\n'; }

pins_23 >"$T/in"
recorded_in "$K" world-create 0 "create" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$K" --drawer "$D" --kdf-cost 10 <"$T/in"
[ -f "$K/world" ] || { fail "no world"; finish; }
# A world backup taken before any key exists.
expect 0 "early world backup" -- "$OFFICIANT" world backup --kmdata "$K" "$T/wb-early"

# The keys to migrate, as the old software keeps them.
S=$T/src; mkdir -p "$S"
(
	set -e
	cd "$S"
	for n in slc der p12 plain; do
		"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out $n.key
	done
	"$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key
	"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out legacy.pem
	"$OPENSSL" pkcs8 -topk8 -in slc.key -passout "pass:$PW" -out slc.pem
	"$OPENSSL" pkcs8 -topk8 -in der.key -passout "pass:$PW" -outform DER -out der.der
	"$OPENSSL" pkcs12 -export -nocerts -inkey p12.key -passout "pass:$PW" -out p12.p12
	"$OPENSSL" pkcs8 -topk8 -in ec.key -passout "pass:$PW" -out ec.pem
	"$OPENSSL" pkey -in plain.key -traditional -out plain.pem
	echo "This is not a key." >notkey.txt
	"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out kek.key
	"$OPENSSL" pkey -in kek.key -pubout -out kek.pub
) >"$T/openssl.log" 2>&1 || { fail "openssl could not make the keys"; cat "$T/openssl.log" >&2; finish; }
grep -q "BEGIN ENCRYPTED PRIVATE KEY" "$S/slc.pem" || fail "slc.pem is not encrypted PKCS#8"
grep -q "BEGIN RSA PRIVATE KEY" "$S/plain.pem" || fail "plain.pem is not a plain PEM"

# import_ok IDENT FILE STDIN WANT-FP TYPE: import, then check.
import_ok() {
	id=$1; src=$2; stdin=$3; ifp=$4; ityp=$5
	before=$(sha "$src")
	recorded_in "$K" key-import 0 "import $id" -- "$OFFICIANT" key import --kmdata "$K" --ident "$id" --from "$src" <"$stdin"
	expect_in "$T/out" "Key key_simple_$id imported into $K" "import $id reported"
	expect_in "$T/out" "destroy it" "import $id reminds to destroy the source"
	nopw "$T/out" "$T/err"
	[ "$(sha "$src")" = "$before" ] || fail "import $id changed $src"
	[ -f "$K/key_simple_$id" ] || fail "import $id wrote no key file"
	expect 0 "inspect $id" -- "$OFFICIANT" key inspect --kmdata "$K" "$id"
	expect_in "$T/out" "imported ${src##*/}" "inspect $id: imported in the history"
	expect_in "$T/out" "type         $ityp" "inspect $id: type"
	expect_in "$T/out" "ACL          sign, decrypt, recover, change-acl" "inspect $id: ACL"
	expect_in "$T/out" "ACL signed   by the module" "inspect $id: signer"
	[ "$(key_fp "$K" "$id")" = "$ifp" ] || fail "import $id: fingerprint '$(key_fp "$K" "$id")', openssl says '$ifp'"
}

printf '%s\n' "$PW" >"$T/pw"
printf '%s\n' "$BADPW" >"$T/badpw"
: >"$T/nothing"

# Refusals first: nothing may be left behind.
for f in slc.pem der.der p12.p12; do
	before=$(sha "$S/$f")
	recorded_in "$K" key-import 4 "import $f with a wrong password" -- "$OFFICIANT" key import --kmdata "$K" --ident wrongpw --from "$S/$f" <"$T/badpw"
	expect_in "$T/err" "wrong password" "wrong password for $f explained"
	[ ! -e "$K/key_simple_wrongpw" ] || { fail "wrong password for $f: a key file was written"; rm -f "$K/key_simple_wrongpw"; }
	[ "$(sha "$S/$f")" = "$before" ] || fail "a failed import changed $f"
	nopw "$T/out" "$T/err"
done
recorded_in "$K" key-import 3 "import a file that is not a key" -- "$OFFICIANT" key import --kmdata "$K" --ident junk --from "$S/notkey.txt" <"$T/nothing"
expect_in "$T/err" "not a private key" "not a key explained"
[ ! -e "$K/key_simple_junk" ] || fail "not a key: a key file was written"
recorded_in "$K" key-import 2 "import RSA 1024 without --allow-legacy" -- "$OFFICIANT" key import --kmdata "$K" --ident legacy --from "$S/legacy.pem" <"$T/nothing"
expect_in "$T/err" "--allow-legacy" "RSA 1024 refusal names --allow-legacy"
[ ! -e "$K/key_simple_legacy" ] || fail "RSA 1024 refused, yet a key file was written"

# The SLC: encrypted PKCS#8 PEM, as exported with a protection password.
import_ok slc "$S/slc.pem" "$T/pw" "$(pub_fp -in "$S/slc.pem" -passin "pass:$PW")" "rsa 2048"
slc_fp=$(key_fp "$K" slc)
import_ok der "$S/der.der" "$T/pw" "$(pub_fp -inform DER -in "$S/der.der" -passin "pass:$PW")" "rsa 2048"
import_ok p12 "$S/p12.p12" "$T/pw" "$(pub_fp -in "$S/p12.key")" "rsa 2048"
import_ok ec "$S/ec.pem" "$T/pw" "$(pub_fp -in "$S/ec.pem" -passin "pass:$PW")" "ec 256 p256"
# No password is asked for a plain PEM: stdin is empty.
import_ok plain "$S/plain.pem" "$T/nothing" "$(pub_fp -in "$S/plain.pem")" "rsa 2048"
[ "$(key_fp "$K" slc)" != "$(key_fp "$K" der)" ] || fail "two keys, one fingerprint"

cp "$K/key_simple_slc" "$T/slc.before"
recorded_in "$K" key-import 1 "import onto an existing ident" -- "$OFFICIANT" key import --kmdata "$K" --ident slc --from "$S/der.der" <"$T/pw"
expect_in "$T/err" "already exists" "existing ident explained"
cmp -s "$K/key_simple_slc" "$T/slc.before" || fail "import onto an existing ident changed its key file"

recorded_in "$K" key-import 0 "import RSA 1024 with --allow-legacy" -- "$OFFICIANT" key import --kmdata "$K" --ident legacy --allow-legacy --from "$S/legacy.pem" <"$T/nothing"
cat "$T/out" "$T/err" >"$T/both"
expect_in "$T/both" "RSA 1024" "RSA 1024 import warns"
expect_in "$T/both" "warning" "RSA 1024 import warns"
expect 0 "inspect legacy" -- "$OFFICIANT" key inspect --kmdata "$K" legacy
expect_in "$T/out" "type         rsa 1024" "legacy key is RSA 1024"

# No password anywhere in KMDATA, transcripts included.
! grep -rqF -e "$PW" -e "$BADPW" "$K" || fail "a password is stored under KMDATA"

# A key generated after the early world backup.
recorded_in "$K" key-generate 0 "generate tenant" -- "$OFFICIANT" key generate --kmdata "$K" --ident tenant --type ec <"$T/nothing"
tenant_fp=$(key_fp "$K" tenant)
[ -n "$tenant_fp" ] || fail "no fingerprint for tenant"

# Backup: the key file, still sealed, and the world file.
B1=$T/keybackup
expect 0 "key backup" -- "$OFFICIANT" key backup --kmdata "$K" slc "$B1"
expect_in "$T/out" "backed up to $B1" "key backup reported"
[ -f "$B1/key_simple_slc" ] && [ -f "$B1/world" ] || fail "key backup: files missing"
cmp -s "$B1/key_simple_slc" "$K/key_simple_slc" || fail "backed-up key file differs"
cmp -s "$B1/world" "$K/world" || fail "backed-up world file differs"
expect 1 "key backup twice" -- "$OFFICIANT" key backup --kmdata "$K" slc "$B1"
# No plaintext: neither the raw DER nor the sealed field opens to it.
der=$("$OPENSSL" pkey -in "$S/slc.key" -outform DER | xxd -p | tr -d '\n')
[ ${#der} -gt 2000 ] || fail "could not get the SLC's DER"
for f in "$B1"/*; do
	! xxd -p "$f" | tr -d '\n' | grep -qF "$der" || fail "$f holds the private key in the clear"
done
ct=$(sed -n 's/.*"ciphertext": *"\([^"]*\)".*/\1/p' "$B1/key_simple_slc")
[ -n "$ct" ] || fail "no sealed private part in the key file"
! printf '%s' "$ct" | b64hex | grep -qF "$der" || fail "the sealed private part is the key in the clear"
! grep -qF "$("$OPENSSL" pkey -in "$S/slc.key" -outform DER | "$OPENSSL" base64 -A)" "$B1/key_simple_slc" ||
    fail "the key file holds the private key in base64"
# (The same decoding does find the public key: the check can see.)
pub=$(sed -n 's/.*"public_key": *"\([^"]*\)".*/\1/p' "$B1/key_simple_slc")
[ "$(printf '%s' "$pub" | b64hex)" = "$("$OPENSSL" pkey -in "$S/slc.key" -pubout -outform DER | xxd -p | tr -d '\n')" ] ||
    fail "the key file's public key is not the SLC's"
KB=$T/tenantbackup
expect 0 "key backup tenant" -- "$OFFICIANT" key backup --kmdata "$K" tenant "$KB"

# Another machine: world backup (which carries the key files), restore.
expect 0 "world backup" -- "$OFFICIANT" world backup --kmdata "$K" "$T/wb"
[ -f "$T/wb/key_simple_slc" ] || fail "world backup without the key files"
K2=$T/k2
printf '1111\n2222\n' >"$T/in"
recorded_in "$K2" world-restore 0 "world restore" -- "$OFFICIANT" world restore --kmdata "$K2" --drawer "$D" "$T/wb" <"$T/in"
expect 0 "inspect slc on the restored machine" -- "$OFFICIANT" key inspect --kmdata "$K2" slc
[ "$(key_fp "$K2" slc)" = "$slc_fp" ] || fail "restored slc: another fingerprint"
recorded_in "$K2" key-recover 1 "recover over an existing key" -- "$OFFICIANT" key recover --kmdata "$K2" slc "$B1"
expect_in "$T/err" "exists" "existing key explained"

# A world backup from before the key existed, then key recover.
K3=$T/k3
printf '1111\n2222\n' >"$T/in"
recorded_in "$K3" world-restore 0 "restore the early world backup" -- "$OFFICIANT" world restore --kmdata "$K3" --drawer "$D" "$T/wb-early" <"$T/in"
[ ! -e "$K3/key_simple_tenant" ] || fail "the early world backup already had the key"
expect 0 "key list before recovery" -- "$OFFICIANT" key list --kmdata "$K3"
expect_in "$T/out" "No keys in" "early world backup holds no keys"
recorded_in "$K3" key-recover 0 "key recover into the early world" -- "$OFFICIANT" key recover --kmdata "$K3" tenant "$KB"
expect_in "$T/out" "Key key_simple_tenant recovered into $K3" "recover reported"
expect 0 "inspect the recovered key" -- "$OFFICIANT" key inspect --kmdata "$K3" tenant
expect_in "$T/out" " created" "recovered key's history"
[ "$(key_fp "$K3" tenant)" = "$tenant_fp" ] || fail "recovered tenant: another fingerprint"
cmp -s "$K3/key_simple_tenant" "$K/key_simple_tenant" || fail "recovered key file differs"
recorded_in "$K3" key-recover 0 "recover the imported SLC" -- "$OFFICIANT" key recover --kmdata "$K3" slc "$B1"
[ "$(key_fp "$K3" slc)" = "$slc_fp" ] || fail "recovered slc: another fingerprint"

# An unrelated world cannot take it.
K4=$T/k4; D4=$T/cards4
mkdir -p "$D4"
pins_23 >"$T/in"
recorded_in "$K4" world-create 0 "unrelated world" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$K4" --drawer "$D4" --kdf-cost 10 <"$T/in"
recorded_in "$K4" key-recover 4 "recover into an unrelated world" -- "$OFFICIANT" key recover --kmdata "$K4" tenant "$KB"
expect_in "$T/err" "belongs to world" "foreign world explained"
[ ! -e "$K4/key_simple_tenant" ] || fail "foreign world: a key file was written"

# A copy reduced for transfer has no recover in its ACL.
printf '1111\n2222\n' >"$T/in"
recorded_in "$K" key-reduce-acl 0 "reduce-acl" -- "$OFFICIANT" key reduce-acl --kmdata "$K" --kek "$S/kek.pub" --drawer "$D" slc <"$T/in"
expect 0 "inspect the reduced copy" -- "$OFFICIANT" key inspect --kmdata "$K" key_xferacld_slc
expect_in "$T/out" "ACL          export-wrapped" "reduced ACL"
expect_in "$T/out" "acl-reduced key_simple_slc" "reduced history"
B2=$T/xferbackup
expect 0 "key backup of the reduced copy" -- "$OFFICIANT" key backup --kmdata "$K" key_xferacld_slc "$B2"
[ -f "$B2/key_xferacld_slc" ] || fail "reduced copy not backed up"
recorded_in "$K3" key-recover 4 "recover the reduced copy (--app)" -- "$OFFICIANT" key recover --kmdata "$K3" --app xferacld slc "$B2"
expect_in "$T/err" "does not allow recovery" "reduced copy: recovery refused by the ACL"
# Named as key backup named it.
expect 4 "recover the reduced copy (key file name)" -- "$OFFICIANT" key recover --kmdata "$K3" key_xferacld_slc "$B2"
[ ! -e "$K3/key_xferacld_slc" ] || fail "reduced copy recovered"

# Re-keying keeps the old key, for decrypting only.
recorded_in "$K" key-rekey 0 "rekey" -- "$OFFICIANT" key rekey --kmdata "$K" slc <"$T/nothing"
expect 0 "inspect v1" -- "$OFFICIANT" key inspect --kmdata "$K" slc-v1
expect_in "$T/out" "ACL          decrypt, recover" "v1 is decrypt-only"
expect_in "$T/out" "rekeyed-to key_simple_slc" "v1 points at the new key"
expect_in "$T/out" "imported slc.pem" "v1 keeps its history"
[ "$(key_fp "$K" slc-v1)" = "$slc_fp" ] || fail "v1 is not the imported key"
expect 0 "inspect the new key" -- "$OFFICIANT" key inspect --kmdata "$K" slc
expect_in "$T/out" "rekeyed-from key_simple_slc-v1" "the new key points at v1"
expect_in "$T/out" "ACL          sign, decrypt, recover, change-acl" "the new key's ACL"
expect_in "$T/out" "type         rsa 2048" "the new key's type"
new1=$(key_fp "$K" slc)
[ -n "$new1" ] && [ "$new1" != "$slc_fp" ] || fail "rekey kept the fingerprint"
recorded_in "$K" key-rekey 0 "rekey again" -- "$OFFICIANT" key rekey --kmdata "$K" slc <"$T/nothing"
[ -f "$K/key_simple_slc-v2" ] || fail "no -v2 after the second rekey"
expect 0 "inspect v2" -- "$OFFICIANT" key inspect --kmdata "$K" slc-v2
expect_in "$T/out" "ACL          decrypt, recover" "v2 is decrypt-only"
[ "$(key_fp "$K" slc-v2)" = "$new1" ] || fail "v2 is not the first new key"
expect 0 "inspect the newest key" -- "$OFFICIANT" key inspect --kmdata "$K" slc
expect_in "$T/out" "rekeyed-from key_simple_slc-v2" "the newest key points at v2"
new2=$(key_fp "$K" slc)
[ "$new2" != "$new1" ] && [ "$new2" != "$slc_fp" ] || fail "second rekey kept a fingerprint"
[ "$(key_fp "$K" slc-v1)" = "$slc_fp" ] || fail "v1 changed"
recorded_in "$K" key-rekey 4 "rekey the reduced copy" -- "$OFFICIANT" key rekey --kmdata "$K" key_xferacld_slc <"$T/nothing"
expect_in "$T/err" "cannot be re-keyed" "reduced copy rekey explained"
[ ! -e "$K/key_xferacld_slc-v1" ] || fail "reduced copy re-keyed"
recorded_in "$K" key-rekey 4 "rekey a decrypt-only version" -- "$OFFICIANT" key rekey --kmdata "$K" slc-v1 <"$T/nothing"
[ ! -e "$K/key_simple_slc-v1-v1" ] || fail "decrypt-only version re-keyed"

expect 0 "key list" -- "$OFFICIANT" key list --kmdata "$K"
! grep -q "DOES NOT VERIFY" "$T/out" || fail "a key file does not verify"
expect_in "$T/out" "key_simple_slc-v2" "list shows the versions"
! grep -rqF -e "$PW" -e "$BADPW" "$K" "$K2" "$K3" "$K4" "$B1" "$B2" "$KB" "$T/wb" ||
    fail "a password is stored in a file"
finish
