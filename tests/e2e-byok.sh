#!/bin/sh
# The Azure BYOK procedure over the internet (reference 004) end to end
# on training material, through the binary alone: make-kek writes a
# throw-away KEK with a chain to a training root for each cloud; a 2/3
# world is created; the KEK files are checked against their published
# SHA-256 (verify-hash) and the KEK against its pinned root (verify-kek,
# "Result: SUCCESS", by SHA-256, SHA-1 and a named root of a
# configuration file, in agreement with openssl verify); a key is
# generated, reduced for the KEK and packaged for Azure (.byok), AWS and
# Google, and each package is unwrapped with the OpenSSL command line
# and the training private key back to the key. Bad input with its exit
# codes and nothing written; a world-to-world transfer and what the
# transferred key may no longer do; sealed transcripts that verify; no
# plaintext key material in any file written.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

need_openssl

KA=$T/kmdata-a; DA=$T/cards-a; KB=$T/kmdata-b; DB=$T/cards-b
W=$T/work; P=$T/probe; M=$T/training
mkdir -p "$DA" "$DB" "$W" "$P" "$M"
cd "$W" || exit 1
# No configuration file of the user's or the system's takes part.
XDG_CONFIG_HOME=$T/xdg; HOME=$T/home; export XDG_CONFIG_HOME HOME

# kekfp FILE: the fingerprint of the KEK in FILE.
kekfp() {
	pub_fp -pubin -in "$1"
}
# certs DIR: TRAINING-chain.pem split into DIR/c1.pem (the KEK's),
# c2.pem (issuing CA), c3.pem (root).
certs() {
	awk -v d="$1" '/-----BEGIN CERTIFICATE-----/ { n++ } n { print > (d "/c" n ".pem") }' "$1/TRAINING-chain.pem"
}

# 1. Training KEKs: RSA 2048 for Azure and AWS, 3072 for Google, and
# one more whose root and KEK must be refused in place of the others.
for kek in azure:2048 aws:2048 gcp:3072 other:2048; do
	name=${kek%:*}; bits=${kek#*:}
	d=$M/$name
	[ "$name" = aws ] && mkdir "$d"        # an empty directory will do
	expect 0 "make-kek $name" -- "$OFFICIANT" training make-kek --out "$d" --size "$bits"
	expect_in "$T/out" "TRAINING material written in $d (not for production)" "make-kek $name announced"
	expect_in "$T/out" "(RSA $bits)" "make-kek $name size reported"
	for f in README-TRAINING.txt TRAINING-chain.pem TRAINING-kek-id.txt TRAINING-kek-private.pem TRAINING-kek.pem TRAINING-root-sha256.txt; do
		[ -s "$d/$f" ] || fail "make-kek $name: no $f"
	done
	[ "$(ls "$d" | wc -l)" -eq 6 ] || fail "make-kek $name: $(ls "$d" | wc -l) files, expected 6"
	[ "$(stat -c %a "$d/TRAINING-kek-private.pem")" = 600 ] || fail "make-kek $name: the private key is not mode 0600"
	expect_in "$d/README-TRAINING.txt" "TRAINING MATERIAL - NOT FOR PRODUCTION" "make-kek $name README label"
	head -1 "$d/TRAINING-kek-private.pem" | grep -q "^TRAINING ONLY" || fail "make-kek $name: the private key is not labelled TRAINING"
	"$OPENSSL" pkey -pubin -in "$d/TRAINING-kek.pem" -noout -text >"$P/text" 2>&1 || fail "make-kek $name: KEK unreadable"
	expect_in "$P/text" "Public-Key: ($bits bit)" "make-kek $name KEK size"
	"$OPENSSL" pkey -in "$d/TRAINING-kek-private.pem" -pubout 2>/dev/null | cmp -s - "$d/TRAINING-kek.pem" ||
	    fail "make-kek $name: the private key is not the KEK's"
	certs "$d"
	[ -s "$d/c3.pem" ] && [ ! -e "$d/c4.pem" ] || fail "make-kek $name: the chain is not of three certificates"
	for c in 1 2 3; do
		"$OPENSSL" x509 -in "$d/c$c.pem" -noout -subject | grep -q "TRAINING - not for production" ||
		    fail "make-kek $name: certificate $c is not labelled TRAINING"
	done
	"$OPENSSL" x509 -in "$d/c1.pem" -pubkey -noout | cmp -s - "$d/TRAINING-kek.pem" || fail "make-kek $name: the first certificate is not the KEK's"
	rfp=$(cat "$d/TRAINING-root-sha256.txt")
	[ "$rfp" = "$("$OPENSSL" x509 -in "$d/c3.pem" -outform DER | sha256sum | cut -d' ' -f1)" ] ||
	    fail "make-kek $name: TRAINING-root-sha256.txt '$rfp' is not the root's SHA-256"
	expect_in "$T/out" "root SHA-256   $rfp" "make-kek $name printed the root"
	expect_in "$d/README-TRAINING.txt" "--root-fingerprint $rfp" "make-kek $name README verify line"
	kid=$(cat "$d/TRAINING-kek-id.txt")
	case $kid in https://training.invalid/keys/*) ;; *) fail "make-kek $name: key id '$kid'" ;; esac
	expect_in "$T/out" "key id         $kid" "make-kek $name printed the key id"
	# The independent check: openssl verify agrees that the chain is sound.
	expect 0 "openssl verify $name" -- "$OPENSSL" verify -CAfile "$d/c3.pem" -untrusted "$d/c2.pem" "$d/c1.pem"
	expect_in "$T/out" "OK" "openssl verify $name"
	rm -f "$d"/c?.pem
	# Never over training material already there.
	ls -l --time-style=+%s.%N "$d" >"$P/before"
	cat "$d"/* | cksum >>"$P/before"
	expect 1 "make-kek $name again" -- "$OFFICIANT" training make-kek --out "$d" --size "$bits"
	expect_in "$T/err" "training material is already there" "make-kek $name again explained"
	ls -l --time-style=+%s.%N "$d" >"$P/after"
	cat "$d"/* | cksum >>"$P/after"
	cmp -s "$P/before" "$P/after" || fail "make-kek $name again: the directory changed"
	certs "$d"
done
# Four KEKs, four roots, four key ids.
for what in TRAINING-kek.pem TRAINING-root-sha256.txt TRAINING-kek-id.txt; do
	[ "$(cat "$M"/*/"$what" | sort -u | grep -c .)" -ge 4 ] || fail "two make-kek runs made the same $what"
done
expect 2 "make-kek --size 1024" -- "$OFFICIANT" training make-kek --out "$M/small" --size 1024
expect_in "$T/err" "--size is 2048, 3072 or 4096" "--size 1024 explained"
[ ! -e "$M/small" ] || fail "make-kek --size 1024 made a directory"
expect 2 "make-kek without --out" -- "$OFFICIANT" training make-kek
expect_in "$T/err" "--out" "missing --out explained"
echo "someone's file" >"$M/busy"
mkdir "$M/nonempty" && cp "$M/busy" "$M/nonempty/notes.txt"
expect 1 "make-kek into a non-empty directory" -- "$OFFICIANT" training make-kek --out "$M/nonempty"
expect_in "$T/err" "not empty" "non-empty directory explained"
[ "$(ls "$M/nonempty")" = notes.txt ] || fail "make-kek wrote into a non-empty directory"
expect 2 "make-kek over a file" -- "$OFFICIANT" training make-kek --out "$M/busy"
expect_in "$T/err" "not a directory" "file in the way explained"
cmp -s "$M/busy" "$M/nonempty/notes.txt" || fail "make-kek changed a file in its way"
[ -z "$(ls -A "$W")" ] || fail "make-kek wrote into the working directory"

# 2. World A, 2 of 3.
K=$KA
: >"$T/tr.before"
create_world "create world A" "$KA" "$DA" 10
recorded world-create "create world A"
printf '1111\n2222\n' >"$T/pinsA"

# The KEK files against their published hashes, as the reference checks
# the toolset's SHA-256 (published in capitals).
Z=$M/azure
snap
expect 0 "verify-hash KEK" -- "$OFFICIANT" package verify-hash --sha256 "$(sha "$Z/TRAINING-kek.pem")" "$Z/TRAINING-kek.pem"
expect_in "$T/out" "$Z/TRAINING-kek.pem: OK (SHA-256 $(sha "$Z/TRAINING-kek.pem"))" "verify-hash OK"
expect 0 "verify-hash in capitals" -- "$OFFICIANT" package verify-hash --sha256 "$(sha "$Z/TRAINING-chain.pem" | tr a-f A-F)" "$Z/TRAINING-chain.pem"
expect_in "$T/out" ": OK" "verify-hash in capitals"
expect 3 "verify-hash wrong hash" -- "$OFFICIANT" package verify-hash --sha256 "$(sha "$Z/TRAINING-chain.pem")" "$Z/TRAINING-kek.pem"
expect_in "$T/out" "$Z/TRAINING-kek.pem: MISMATCH" "verify-hash MISMATCH"
expect_in "$T/out" "actual   $(sha "$Z/TRAINING-kek.pem")" "verify-hash actual"
expect_in "$T/out" "expected $(sha "$Z/TRAINING-chain.pem")" "verify-hash expected"
grep -q ": OK" "$T/out" && fail "verify-hash MISMATCH also says OK"
expect 2 "verify-hash short hash" -- "$OFFICIANT" package verify-hash --sha256 "$(sha "$Z/TRAINING-kek.pem" | cut -c1-62)" "$Z/TRAINING-kek.pem"
expect_in "$T/err" "--sha256 takes 64 hex digits" "short hash explained"
# The same from a configuration file's published_hashes.
CONF=$T/officiant.conf
cat >"$CONF" <<EOF
# Published with the (training) toolset.
pinned_roots = (
  { name = "training"; sha256 = "$(cat "$Z/TRAINING-root-sha256.txt")"; comment = "make-kek azure"; },
  { name = "training-gcp"; sha256 = "$(cat "$M/gcp/TRAINING-root-sha256.txt")"; },
  { name = "training-sha1"; sha1 = "$("$OPENSSL" x509 -in "$M/aws/c3.pem" -noout -fingerprint -sha1 | sed 's/.*=//')"; }
);
published_hashes = (
  { file = "TRAINING-kek.pem"; sha256 = "$(sha "$Z/TRAINING-kek.pem")"; },
  { file = "TRAINING-chain.pem"; sha256 = "$(sha "$Z/TRAINING-chain.pem" | tr a-f A-F)"; comment = "capitals"; }
);
EOF
expect 0 "verify-hash by the configuration" -- "$OFFICIANT" --config "$CONF" package verify-hash "$Z/TRAINING-kek.pem" "$Z/TRAINING-chain.pem"
expect_in "$T/out" "$Z/TRAINING-kek.pem: OK" "configured hash of the KEK"
expect_in "$T/out" "$Z/TRAINING-chain.pem: OK" "configured hash of the chain"
expect 3 "verify-hash by the configuration, another make-kek's files" -- "$OFFICIANT" --config "$CONF" package verify-hash "$M/aws/TRAINING-kek.pem"
expect_in "$T/out" "MISMATCH" "configured hash mismatch"
expect 1 "verify-hash of a file without a published hash" -- "$OFFICIANT" --config "$CONF" package verify-hash "$Z/TRAINING-kek.pem" "$Z/README-TRAINING.txt"
expect_in "$T/out" "$Z/TRAINING-kek.pem: OK" "the other file still checked"
expect_in "$T/err" "no published hash for \"README-TRAINING.txt\" in the configuration ($CONF)" "unpublished file explained"

# verify-kek: the reference's verifykeypackage.py.
RA=$(cat "$Z/TRAINING-root-sha256.txt")
FA=$(kekfp "$Z/TRAINING-kek.pem")
expect 0 "verify-kek azure" -- "$OFFICIANT" package verify-kek --kek "$Z/TRAINING-kek.pem" --chain "$Z/TRAINING-chain.pem" --root-fingerprint "$RA"
expect_in "$T/out" "Result: SUCCESS" "verify-kek SUCCESS"
expect_in "$T/out" "Root SHA-256 $RA" "verify-kek root SHA-256"
expect_in "$T/out" "KEK fingerprint $FA" "verify-kek KEK fingerprint"
expect_in "$T/out" "  certificate  /O=Officiant TRAINING - not for production/CN=Officiant TRAINING KEK" "verify-kek leaf"
expect_in "$T/out" "  root         /O=Officiant TRAINING - not for production/CN=Officiant TRAINING root CA" "verify-kek root"
[ "$(tail -1 "$T/out")" = "Result: SUCCESS" ] || fail "verify-kek: the result is not the last line"
# The legacy SHA-1 form, colons and capitals as openssl prints it (the
# reference's root hash is a SHA-1).
s1=$("$OPENSSL" x509 -in "$Z/c3.pem" -noout -fingerprint -sha1 | sed 's/.*=//')
case $s1 in ??:??:*) ;; *) fail "openssl SHA-1 fingerprint '$s1'" ;; esac
expect 0 "verify-kek by SHA-1" -- "$OFFICIANT" package verify-kek --kek "$Z/TRAINING-kek.pem" --chain "$Z/TRAINING-chain.pem" --root-fingerprint "$s1"
expect_in "$T/out" "Result: SUCCESS" "verify-kek by SHA-1"
expect_in "$T/out" "Root SHA-1   $(echo "$s1" | tr -d : | tr A-F a-f)" "verify-kek root SHA-1"
s256=$("$OPENSSL" x509 -in "$Z/c3.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
expect 0 "verify-kek by SHA-256 with colons" -- "$OFFICIANT" package verify-kek --kek "$Z/TRAINING-kek.pem" --chain "$Z/TRAINING-chain.pem" --root-fingerprint "$s256"
expect_in "$T/out" "Result: SUCCESS" "verify-kek by SHA-256 with colons"
expect 0 "verify-kek by a pinned root" -- "$OFFICIANT" --config "$CONF" package verify-kek --kek "$Z/TRAINING-kek.pem" --chain "$Z/TRAINING-chain.pem" --root training
expect_in "$T/out" "Result: SUCCESS" "verify-kek --root training"
expect 0 "verify-kek aws by a pinned SHA-1 root" -- "$OFFICIANT" --config "$CONF" package verify-kek --kek "$M/aws/TRAINING-kek.pem" --chain "$M/aws/TRAINING-chain.pem" --root training-sha1
expect_in "$T/out" "Result: SUCCESS" "verify-kek --root training-sha1"
expect 0 "verify-kek gcp" -- "$OFFICIANT" --config "$CONF" package verify-kek --kek "$M/gcp/TRAINING-kek.pem" --chain "$M/gcp/TRAINING-chain.pem" --root training-gcp
expect_in "$T/out" "Result: SUCCESS" "verify-kek --root training-gcp"
expect_in "$T/out" "KEK fingerprint $(kekfp "$M/gcp/TRAINING-kek.pem")" "verify-kek gcp KEK fingerprint"
not_recorded "verify-hash and verify-kek"
nothing_written "verify-hash and verify-kek"

# 3. The key, as generatekey makes it in the reference.
snap
expect 0 "generate contosokey" -- "$OFFICIANT" key generate --kmdata "$KA" --ident contosokey --plainname contosokey --type rsa --size 2048
recorded key-generate "generate contosokey"
nothing_written "generate contosokey"
fp_contosokey=$(key_fp "$KA" contosokey)
[ ${#fp_contosokey} -eq 64 ] || fail "contosokey fingerprint '$fp_contosokey'"
expect 0 "inspect contosokey" -- "$OFFICIANT" key inspect --kmdata "$KA" contosokey
expect_in "$T/out" "ACL          sign, decrypt, recover, change-acl" "contosokey ACL as born"

# unwrap PKG KEKDIR MD OUT: unwrap_package with the training private
# key of KEKDIR, which alone opens it.
unwrap() {
	unwrap_package "$1" "$2/TRAINING-kek-private.pem" "$3" wrap "$4"
	# Another training KEK does not open it.
	! "$OPENSSL" pkeyutl -decrypt -inkey "$M/other/TRAINING-kek-private.pem" -in "$P/a.bin" -out "$P/other" \
	    -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:"$3" -pkeyopt rsa_mgf1_md:"$3" 2>/dev/null ||
	    fail "$1: another KEK decrypts it"
}

# byok IDENT TARGET FORMAT ALGORITHM KEKDIR MD FILE [package create
# options]:
# reduce the key's ACL for the KEK, package it, unwrap the package and
# compare the key with what key inspect shows.
byok() {
	b_id=$1; b_tg=$2; b_fmt=$3; b_alg=$4; b_d=$5; b_md=$6; b_out=$7
	shift 7
	K=$KA
	snap
	expect 0 "reduce $b_id for $b_tg" -- "$OFFICIANT" key reduce-acl --kmdata "$KA" --drawer "$DA" --kek "$b_d/TRAINING-kek.pem" --target "$b_tg" "$b_id" <"$T/pinsA"
	recorded key-reduce-acl "reduce $b_id for $b_tg"
	expect_in "$T/out" "Key key_xferacld_$b_id written: it may only be exported wrapped under the KEK" "reduce $b_id reported"
	nothing_written "reduce $b_id for $b_tg"
	expect 0 "inspect reduced $b_id" -- "$OFFICIANT" key inspect --kmdata "$KA" "key_xferacld_$b_id"
	[ "$(sed -n 's/^  ACL          //p' "$T/out")" = export-wrapped ] || fail "$b_id reduced copy: ACL '$(sed -n 's/^  ACL          //p' "$T/out")'"
	expect_in "$T/out" "export KEK   $(kekfp "$b_d/TRAINING-kek.pem") (target $b_tg)" "$b_id reduced for the verified KEK"
	expect_in "$T/out" "acl-reduced key_simple_$b_id" "$b_id reduced history"
	expect_in "$T/out" "fingerprint  $(key_fp "$KA" "$b_id")" "$b_id reduced copy is the key"
	expect 0 "original $b_id untouched" -- "$OFFICIANT" key inspect --kmdata "$KA" "$b_id"
	expect_in "$T/out" "ACL          sign, decrypt, recover, change-acl" "$b_id original ACL"
	snap
	expect 0 "package $b_id $b_fmt" -- "$OFFICIANT" package create --kmdata "$KA" --kek "$b_d/TRAINING-kek.pem" --format "$b_fmt" "$@" "$b_id"
	recorded package-create "package $b_id $b_fmt"
	ls -a "$W" >"$T/w.after"
	[ "$(comm -13 "$T/w.before" "$T/w.after")" = "$b_out" ] || fail "package $b_id: wrote '$(comm -13 "$T/w.before" "$T/w.after")', expected $b_out"
	[ -f "$b_out" ] || { fail "package $b_id: no $b_out"; return; }
	[ "$(stat -c %a "$b_out")" = 600 ] || fail "package $b_id: $b_out is not mode 0600"
	expect_in "$T/out" "Package $b_out written ($b_fmt, $b_alg)" "package $b_id reported"
	b_sha=$(sed -n 's/^package SHA-256 //p' "$T/out")
	[ "$b_sha" = "$(sha "$b_out")" ] || fail "package $b_id: printed SHA-256 '$b_sha' is not the file's"
	expect_in "$T/out" "KEK fingerprint $(kekfp "$b_d/TRAINING-kek.pem")" "package $b_id KEK fingerprint"
	grep -q "\"sha256\":\"$b_sha\"" "$K/transcripts/$new" || fail "package $b_id: the transcript does not hold the package's SHA-256"
	# The published-hash check works on what was written, too.
	expect 0 "verify-hash $b_out" -- "$OFFICIANT" package verify-hash --sha256 "$b_sha" "$b_out"
	unwrap "$b_out" "$b_d" "$b_md" "$P/$b_id.der"
	[ "$(pub_fp -inform DER -in "$P/$b_id.der")" = "$(key_fp "$KA" "$b_id")" ] ||
	    fail "$b_out: the unwrapped key is not $b_id as key inspect shows it"
	"$OPENSSL" pkcs8 -inform DER -nocrypt -in "$P/$b_id.der" -out /dev/null || fail "$b_out: not PKCS#8"
	"$OPENSSL" pkey -inform DER -in "$P/$b_id.der" -noout -text 2>/dev/null | grep -q "Private-Key: (2048 bit" ||
	    fail "$b_out: not an RSA 2048 private key"
}

# Azure: Step 4.1 (-ModifyAcls) and 4.3 (-Package -KeyFriendlyName).
KIDA=$(cat "$Z/TRAINING-kek-id.txt")
byok contosokey azure azure-byok CKM_RSA_AES_KEY_WRAP "$Z" sha1 TransferPackage-ContosoFirstHSMkey.byok --kek-id "$KIDA" --name ContosoFirstHSMkey
expect_in TransferPackage-ContosoFirstHSMkey.byok "\"kid\": \"$KIDA\"" ".byok kid from TRAINING-kek-id.txt"
expect_in TransferPackage-ContosoFirstHSMkey.byok '"enc": "CKM_RSA_AES_KEY_WRAP"' ".byok enc"
expect_in TransferPackage-ContosoFirstHSMkey.byok '"schema_version": "1.0.0"' ".byok schema"
expect 0 "inspect .byok" -- "$OFFICIANT" package inspect TransferPackage-ContosoFirstHSMkey.byok
expect_in "$T/out" "KEK id       $KIDA" "package inspect kid"
# AWS (default RSA_AES_KEY_WRAP_SHA_256) and Google (3072 import job).
for id in contoso-aws contoso-gcp; do
	snap
	expect 0 "generate $id" -- "$OFFICIANT" key generate --kmdata "$KA" --ident "$id" --type rsa --size 2048
	recorded key-generate "generate $id"
done
byok contoso-aws aws aws-kms RSA_AES_KEY_WRAP_SHA_256 "$M/aws" sha256 EncryptedKeyMaterial-contoso-aws.bin
byok contoso-gcp gcp gcp-kms RSA_OAEP_3072_SHA256_AES_256 "$M/gcp" sha256 wrapped_key-contoso-gcp.bin
[ "$(wc -c <wrapped_key-contoso-gcp.bin)" -gt 384 ] || fail "the gcp package is not under a 3072 KEK"

# 4. Bad input: the right exit, nothing written, no transcript before
# the ceremony starts.
K=$KA
RO=$(cat "$M/other/TRAINING-root-sha256.txt")
# refuse_kek WHAT CODE TEXT -- ARGS: verify-kek refuses.
refuse_kek() {
	r_what=$1; r_code=$2; r_text=$3; shift 4
	snap
	expect "$r_code" "verify-kek: $r_what" -- "$OFFICIANT" package verify-kek "$@"
	grep -q "SUCCESS" "$T/out" && fail "verify-kek: $r_what: says SUCCESS"
	cat "$T/out" "$T/err" >"$T/both"
	expect_in "$T/both" "$r_text" "verify-kek: $r_what explained"
	not_recorded "verify-kek: $r_what"
	nothing_written "verify-kek: $r_what"
}
refuse_kek "another make-kek's root" 3 "Result: FAILED: $Z/TRAINING-chain.pem: no certificate in the chain has the pinned root" -- \
    --kek "$Z/TRAINING-kek.pem" --chain "$Z/TRAINING-chain.pem" --root-fingerprint "$RO"
refuse_kek "a chain for another KEK" 3 "certifies another key, not this KEK" -- \
    --kek "$M/aws/TRAINING-kek.pem" --chain "$Z/TRAINING-chain.pem" --root-fingerprint "$RA"
"$OPENSSL" x509 -in "$Z/c1.pem" -pubkey -noout | cmp -s - "$M/aws/TRAINING-kek.pem" && fail "openssl: the azure certificate is the aws KEK's"
refuse_kek "the other KEK with its own chain, pinned to azure's root" 3 "no certificate in the chain has the pinned root" -- \
    --kek "$M/other/TRAINING-kek.pem" --chain "$M/other/TRAINING-chain.pem" --root-fingerprint "$RA"
# A chain that merely carries the pinned root: another make-kek's KEK
# and issuing CA, then azure's root.
cat "$M/other/c1.pem" "$M/other/c2.pem" "$Z/c3.pem" >"$T/mixed.pem"
refuse_kek "a chain that only carries the pinned root" 3 "Result: FAILED" -- \
    --kek "$M/other/TRAINING-kek.pem" --chain "$T/mixed.pem" --root-fingerprint "$RA"
"$OPENSSL" verify -CAfile "$Z/c3.pem" -untrusted "$M/other/c2.pem" "$M/other/c1.pem" >/dev/null 2>&1 &&
    fail "openssl verify accepts the other KEK under azure's root"
cat "$Z/c1.pem" "$Z/c3.pem" >"$T/noissuer.pem"
refuse_kek "a chain without its issuing CA" 3 "does not verify up to the pinned root" -- \
    --kek "$Z/TRAINING-kek.pem" --chain "$T/noissuer.pem" --root-fingerprint "$RA"
"$OPENSSL" verify -CAfile "$Z/c3.pem" "$Z/c1.pem" >/dev/null 2>&1 && fail "openssl verify accepts the chain without its issuing CA"
for bad in 12zz "$(echo "$RA" | cut -c1-62)" "$(echo "$RA" | tr 0-9a-f g-v)" "$RA$RA" ""; do
	refuse_kek "malformed fingerprint '$bad'" 2 "--root-fingerprint takes a SHA-256" -- \
	    --kek "$Z/TRAINING-kek.pem" --chain "$Z/TRAINING-chain.pem" --root-fingerprint "$bad"
done
refuse_kek "a chain that is not PEM" 3 "officiant: $Z/TRAINING-kek-id.txt: " -- \
    --kek "$Z/TRAINING-kek.pem" --chain "$Z/TRAINING-kek-id.txt" --root-fingerprint "$RA"
refuse_kek "a public key for a chain" 3 "officiant: $Z/TRAINING-kek.pem: " -- \
    --kek "$Z/TRAINING-kek.pem" --chain "$Z/TRAINING-kek.pem" --root-fingerprint "$RA"
"$OPENSSL" x509 -in "$Z/c1.pem" -outform DER -out "$T/chain.der"
refuse_kek "a DER chain" 3 "officiant: $T/chain.der: " -- \
    --kek "$Z/TRAINING-kek.pem" --chain "$T/chain.der" --root-fingerprint "$RA"
refuse_kek "an unknown pinned root" 2 "no pinned root \"nosuch\" in the configuration (no configuration file)" -- \
    --kek "$Z/TRAINING-kek.pem" --chain "$Z/TRAINING-chain.pem" --root nosuch
# (--config goes before the command; refuse_kek puts it after.)
snap
expect 2 "verify-kek: unknown pinned root from --config" -- "$OFFICIANT" --config "$CONF" package verify-kek --kek "$Z/TRAINING-kek.pem" --chain "$Z/TRAINING-chain.pem" --root nosuch
expect_in "$T/err" "no pinned root \"nosuch\" in the configuration ($CONF)" "unknown root explained"
refuse_kek "both pins" 2 "give the pinned root" -- \
    --kek "$Z/TRAINING-kek.pem" --chain "$Z/TRAINING-chain.pem" --root training --root-fingerprint "$RA"
refuse_kek "no pin" 2 "give the pinned root" -- \
    --kek "$Z/TRAINING-kek.pem" --chain "$Z/TRAINING-chain.pem"
refuse_kek "a missing chain" 1 "$T/nochain.pem" -- \
    --kek "$Z/TRAINING-kek.pem" --chain "$T/nochain.pem" --root-fingerprint "$RA"
snap
expect 1 "verify-hash of a missing file" -- "$OFFICIANT" package verify-hash --sha256 "$RA" missing.pem
expect_in "$T/err" "missing.pem" "missing file named"
grep -q "OK" "$T/out" && fail "verify-hash of a missing file says OK"
not_recorded "verify-hash of a missing file"
nothing_written "verify-hash of a missing file"
# Configuration files in error name themselves and the line.
printf 'pinned_roots = ();\n\nfrobnicate = 3;\n' >"$T/unknown.conf"
printf 'pinned_roots = (\n  { name = "training"; sha256 = "%s"; }\n);\n' "$(echo "$RA" | cut -c1-60)" >"$T/short.conf"
printf 'pinned_roots = (\n  { name = "training"; sha256 = "%s"; },\n  { name = "training"; sha256 = "%s"; }\n);\n' "$RA" "$RO" >"$T/twice.conf"
for c in "unknown:line 3: unknown setting \"frobnicate\"" "short:line 2: root \"training\": sha256 must be 64 hex digits" "twice:line 3: \"training\" is given twice (first on line 2)"; do
	f=$T/${c%%:*}.conf; msg=${c#*:}
	snap
	expect 3 "config $f with verify-kek" -- "$OFFICIANT" --config "$f" package verify-kek --kek "$Z/TRAINING-kek.pem" --chain "$Z/TRAINING-chain.pem" --root training
	expect_in "$T/err" "$f: $msg" "config error names file and line"
	grep -q SUCCESS "$T/out" && fail "config $f: SUCCESS all the same"
	expect 3 "config $f with verify-hash" -- "$OFFICIANT" --config "$f" package verify-hash "$Z/TRAINING-kek.pem"
	expect_in "$T/err" "$f: $msg" "config error names file and line"
	not_recorded "config $f"
	nothing_written "config $f"
done
expect 1 "a missing configuration file" -- "$OFFICIANT" --config "$T/none.conf" package verify-hash "$Z/TRAINING-kek.pem"
expect_in "$T/err" "$T/none.conf" "missing configuration named"

# package create refusals.
openssl_pub() {
	"$OPENSSL" genpkey "$@" 2>/dev/null | "$OPENSSL" pkey -pubout
}
openssl_pub -algorithm EC -pkeyopt ec_paramgen_curve:P-256 >"$T/ec.pub" || fail "openssl EC key"
openssl_pub -algorithm RSA -pkeyopt rsa_keygen_bits:1024 >"$T/rsa1024.pub" || fail "openssl RSA 1024 key"
# refuse_pkg WHAT CODE TEXT RECORDED -- ARGS: package create refuses;
# RECORDED "no" when it must refuse before the ceremony starts.
refuse_pkg() {
	r_what=$1; r_code=$2; r_text=$3; r_rec=$4; shift 5
	snap
	expect "$r_code" "package create: $r_what" -- "$OFFICIANT" package create --kmdata "$KA" "$@"
	expect_in "$T/err" "$r_text" "package create: $r_what explained"
	if [ "$r_rec" = no ]; then
		not_recorded "package create: $r_what"
	else
		recorded_if_any package-create "package create: $r_what"
	fi
	nothing_written "package create: $r_what"
}
refuse_pkg "a KEK the ACL does not allow" 4 "does not allow export wrapped under this KEK" maybe -- \
    --kek "$M/other/TRAINING-kek.pem" --format azure-byok --kek-id "$KIDA" --out x.byok contosokey
refuse_pkg "the aws copy under the azure KEK" 4 "does not allow export wrapped under this KEK" maybe -- \
    --kek "$Z/TRAINING-kek.pem" --format aws-kms --out x.bin contoso-aws
refuse_pkg "the azure copy to aws" 4 "allows export to azure only" maybe -- \
    --kek "$Z/TRAINING-kek.pem" --format aws-kms --out x.bin contosokey
refuse_pkg "the key as generated" 4 "does not allow export wrapped under this KEK" maybe -- \
    --kek "$Z/TRAINING-kek.pem" --format azure-byok --kek-id "$KIDA" --out x.byok key_simple_contosokey
before=$(cksum <TransferPackage-ContosoFirstHSMkey.byok)
refuse_pkg "the output exists" 1 "file already exists" maybe -- \
    --kek "$Z/TRAINING-kek.pem" --format azure-byok --kek-id "$KIDA" --name ContosoFirstHSMkey contosokey
[ "$(cksum <TransferPackage-ContosoFirstHSMkey.byok)" = "$before" ] || fail "the existing package was changed"
refuse_pkg "the output exists (--out)" 1 "file already exists" maybe -- \
    --kek "$M/aws/TRAINING-kek.pem" --format aws-kms --out EncryptedKeyMaterial-contoso-aws.bin contoso-aws
refuse_pkg "an EC KEK" 2 "RSA public key of 2048, 3072 or 4096" no -- \
    --kek "$T/ec.pub" --format azure-byok --kek-id "$KIDA" --out x.byok contosokey
refuse_pkg "an RSA 1024 KEK" 2 "RSA public key of 2048, 3072 or 4096" no -- \
    --kek "$T/rsa1024.pub" --format aws-kms --out x.bin contoso-aws
refuse_pkg "the training private key for a KEK" 3 "not a public key" maybe -- \
    --kek "$Z/TRAINING-kek-private.pem" --format azure-byok --kek-id "$KIDA" --out x.byok contosokey
refuse_pkg "gcp with a 2048 KEK" 2 "needs an RSA 3072 KEK" no -- \
    --kek "$M/aws/TRAINING-kek.pem" --format gcp-kms --out x.bin contoso-aws
for kek in "$T/ec.pub" "$T/rsa1024.pub"; do
	snap
	cksum "$KA"/key_* >"$P/ka.before"
	expect 2 "reduce-acl with $(basename "$kek")" -- "$OFFICIANT" key reduce-acl --kmdata "$KA" --drawer "$DA" --kek "$kek" --target aws contoso-gcp <"$T/pinsA"
	expect_in "$T/err" "RSA public key of 2048, 3072 or 4096" "reduce-acl $(basename "$kek") explained"
	recorded_if_any key-reduce-acl "reduce-acl with $(basename "$kek")"
	cksum "$KA"/key_* >"$P/ka.after"
	cmp -s "$P/ka.before" "$P/ka.after" || fail "reduce-acl with $(basename "$kek") changed the keys"
	nothing_written "reduce-acl with $(basename "$kek")"
done

# 5. World to world: B with other PINs and its own drawer.
K=$KB
: >"$T/tr.before"
printf '4444\n4444\n5555\n5555\n6666\n6666\n' >"$T/in"
expect 0 "create world B" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$KB" --drawer "$DB" --kdf-cost 10 <"$T/in"
recorded world-create "create world B"
WA=$("$OFFICIANT" key inspect --kmdata "$KA" contosokey | sed -n 's/^  world        //p')
[ ${#WA} -eq 64 ] || fail "world A id '$WA'"
printf '1111\n2222\n4444\n5555\n' >"$T/pinsAB"
ls "$KB" >"$P/kb.before"
K=$KA
snap
expect 0 "transfer contosokey A to B" -- "$OFFICIANT" key transfer contosokey --kmdata "$KA" --to-world "$KB" --drawer "$DA" --to-drawer "$DB" <"$T/pinsAB"
recorded key-transfer "transfer contosokey A to B"
tr_ab=$new
nothing_written "transfer contosokey A to B"
expect_in "$T/out" "Key key_simple_contosokey transferred to world " "transfer reported"
expect_in "$T/out" "recover, change-acl and export-plain are removed" "transfer explained"
expect_in "$T/out" "Cards of the key's world ${WA%"${WA#????????????????}"}... (source)" "source cards asked"
expect_in "$T/out" "Cards of the destination world " "destination cards asked"
ls "$KB" >"$P/kb.after"
[ "$(comm -13 "$P/kb.before" "$P/kb.after")" = key_simple_contosokey ] || fail "transfer wrote '$(comm -13 "$P/kb.before" "$P/kb.after")' into B"
expect 0 "inspect contosokey in B" -- "$OFFICIANT" key inspect --kmdata "$KB" contosokey
[ "$(sed -n 's/^  ACL          //p' "$T/out")" = "sign, decrypt" ] || fail "the key in B: ACL '$(sed -n 's/^  ACL          //p' "$T/out")', expected sign, decrypt"
expect_in "$T/out" "fingerprint  $fp_contosokey" "the same key in B"
expect_in "$T/out" "transferred-in world $WA" "B's history"
expect_in "$T/out" "ACL signed   by the world" "B's ACL signed"
WB=$(sed -n 's/^  world        //p' "$T/out")
[ ${#WB} -eq 64 ] && [ "$WB" != "$WA" ] || fail "world B id '$WB'"
grep -q "$WB" "$KA/transcripts/$tr_ab" || fail "the transfer transcript does not name world B"
expect 0 "verify the transfer transcript in A" -- "$OFFICIANT" verify --kmdata "$KA" "$KA/transcripts/$tr_ab"
expect_in "$T/out" "OK: transcript of ceremony key-transfer" "transfer transcript verified"
expect 7 "the transfer transcript against world B" -- "$OFFICIANT" verify --kmdata "$KB" "$KA/transcripts/$tr_ab"
# B keeps its own record of the key it took in, bound to B.
tr_in=$(ls "$KB/transcripts" | grep -e '-key-transfer-in\.transcript$')
[ "$(printf '%s\n' "$tr_in" | grep -c .)" -eq 1 ] || fail "world B: expected one key-transfer-in transcript, got '$tr_in'"
expect 0 "verify B's transfer-in transcript" -- "$OFFICIANT" verify --kmdata "$KB" "$KB/transcripts/$tr_in"
expect_in "$T/out" "OK: transcript of ceremony key-transfer-in" "B's transcript verified"
grep -q "$WA" "$KB/transcripts/$tr_in" || fail "B's transcript does not name world A"
expect 0 "contosokey still in A" -- "$OFFICIANT" key inspect --kmdata "$KA" contosokey
expect_in "$T/out" "ACL          sign, decrypt, recover, change-acl" "A's key as it was"
# What the key in B may no longer do.
K=$KB
snap
expect 4 "transfer B back to A" -- "$OFFICIANT" key transfer contosokey --kmdata "$KB" --to-world "$KA" --drawer "$DB" --to-drawer "$DA" <"$T/pinsAB"
expect_in "$T/err" "does not allow recovery" "B to A explained"
recorded_if_any key-transfer "transfer B back to A"
nothing_written "transfer B back to A"
ls "$KB" >"$P/kb.now"
cmp -s "$P/kb.after" "$P/kb.now" || fail "transfer B to A changed B"
snap
expect 4 "reduce-acl in B" -- "$OFFICIANT" key reduce-acl --kmdata "$KB" --drawer "$DB" --kek "$Z/TRAINING-kek.pem" --target azure contosokey <"$T/pinsAB"
expect_in "$T/err" "does not allow changing it" "reduce-acl in B explained"
recorded_if_any key-reduce-acl "reduce-acl in B"
[ ! -e "$KB/key_xferacld_contosokey" ] || fail "reduce-acl in B wrote a copy"
nothing_written "reduce-acl in B"
snap
expect 4 "package the key in B" -- "$OFFICIANT" package create --kmdata "$KB" --app simple --kek "$Z/TRAINING-kek.pem" --format azure-byok --kek-id "$KIDA" --out x.byok contosokey
recorded_if_any package-create "package the key in B"
nothing_written "package the key in B"
snap
expect 4 "export the key in B" -- "$OFFICIANT" key export --kmdata "$KB" --out "$W/plain.der" contosokey
recorded_if_any key-export "export the key in B"
nothing_written "export the key in B"
K=$KA
snap
expect 4 "transfer a reduced copy" -- "$OFFICIANT" key transfer key_xferacld_contosokey --kmdata "$KA" --to-world "$KB" --drawer "$DA" --to-drawer "$DB" <"$T/pinsAB"
expect_in "$T/err" "does not allow recovery" "reduced copy transfer explained"
recorded_if_any key-transfer "transfer a reduced copy"
[ ! -e "$KB/key_xferacld_contosokey" ] || fail "a reduced copy reached B"
nothing_written "transfer a reduced copy"
snap
expect 2 "transfer into the same world" -- "$OFFICIANT" key transfer contoso-aws --kmdata "$KA" --to-world "$KA" --drawer "$DA" <"$T/pinsA"
expect_in "$T/err" "the destination is the key's own world" "same world explained"
not_recorded "transfer into the same world"
nothing_written "transfer into the same world"
snap
expect 1 "transfer a key B already has" -- "$OFFICIANT" key transfer contosokey --kmdata "$KA" --to-world "$KB" --drawer "$DA" --to-drawer "$DB" <"$T/pinsAB"
expect_in "$T/err" "already has a key of this name" "second transfer explained"
recorded_if_any key-transfer "transfer a key B already has"
nothing_written "transfer a key B already has"
ls "$KB" >"$P/kb.now"
cmp -s "$P/kb.after" "$P/kb.now" || fail "the refused transfers changed B"
# Wrong PINs of B until too few of its cards are left for a quorum
# (this locks B's cards: the last use of B).
{ printf '1111\n2222\n'; i=0; while [ $i -lt 15 ]; do echo 9999; i=$((i + 1)); done; } >"$T/in"
cksum "$KA"/key_* >"$P/ka.before"
snap
expect 4 "transfer with wrong PINs of B" -- "$OFFICIANT" key transfer contoso-aws --kmdata "$KA" --to-world "$KB" --drawer "$DA" --to-drawer "$DB" <"$T/in"
expect_in "$T/err" "only 0 of the 2 cards needed were accepted" "wrong PINs explained"
recorded_if_any key-transfer "transfer with wrong PINs of B"
nothing_written "transfer with wrong PINs of B"
ls "$KB" >"$P/kb.now"
cmp -s "$P/kb.after" "$P/kb.now" || fail "the failed transfer left $(comm -13 "$P/kb.after" "$P/kb.now") in B"
cksum "$KA"/key_* >"$P/ka.after"
cmp -s "$P/ka.before" "$P/ka.after" || fail "the failed transfer changed A's keys"

# Every transcript of both worlds verifies against its world.
verify_all 12 "$KA" "$KB"

# 6. No file written under the worlds, the card drawers or the working
# directory holds the generated keys in the clear: PKCS#8 and PKCS#1
# DER whole and in 32-byte windows (less what the public key holds),
# base64 of the private exponent at each alignment, and the one-time
# AES keys.
key_needles 60 contoso-gcp contosokey contoso-aws
find "$KA" "$KB" "$DA" "$DB" "$W" -type f >"$P/files"
[ "$(grep -c "^$KA/" "$P/files")" -ge 15 ] || fail "too few files under world A to search"
[ "$(grep -c "^$KB/" "$P/files")" -ge 4 ] || fail "too few files under world B to search"
[ "$(grep -c "^$W/" "$P/files")" -eq 3 ] || fail "not the three packages in the working directory"
no_leaks "$P/files"

finish
