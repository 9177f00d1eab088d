#!/bin/sh
# Transfer packages through the binary, checked with the OpenSSL command
# line alone (the recipe of FORMATS.md): an RSA 2048, an EC P-256 and an
# AES-256 key, reduced for each cloud's KEK in turn with --target, are
# packaged for azure-byok, aws-kms and gcp-kms in their algorithms;
# each package is unwrapped with openssl pkeyutl (OAEP) and openssl enc
# (AES key wrap with padding) back to the key: the same public key as
# key inspect shows, the same AES key in every format. Package inspect,
# the printed SHA-256, bad input with its exit codes, transcripts that
# verify, and no plaintext key material in any file written.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

need_openssl

K=$T/kmdata; D=$T/cards; W=$T/work; P=$T/probe; S=$T/spent
KID=https://contoso-vault.vault.azure.net/keys/KEK-BYOK/664f202bfe884e4fa2c0f9e6b4d5a3c1
mkdir -p "$D" "$W" "$P" "$S"
cd "$W" || exit 1
create_world "create" "$K" "$D" 10
printf '1111\n2222\n' >"$T/pins2"

# The keys, and the fingerprints key inspect shows for them.
for spec in "contosokey rsa --size 2048" "fabrikamkey ec --curve p256" "datakey aes --size 256"; do
	set -- $spec
	id=$1; type=$2; shift 2
	expect 0 "generate $id" -- "$OFFICIANT" key generate --kmdata "$K" --ident "$id" --type "$type" "$@"
done
rsafp=$(key_fp "$K" contosokey); ecfp=$(key_fp "$K" fabrikamkey)
[ ${#rsafp} -eq 64 ] && [ ${#ecfp} -eq 64 ] || fail "fingerprints '$rsafp' '$ecfp'"

# The KEKs, as each cloud hands them out: RSA 2048 for Azure and AWS,
# 3072 for Google; one EC key that no cloud takes.
for kek in azure:2048 aws:2048 gcp:3072; do
	name=${kek%:*}; bits=${kek#*:}
	"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:"$bits" -out "$T/kek-$name.pem" 2>/dev/null || fail "openssl genpkey $name"
	"$OPENSSL" pkey -in "$T/kek-$name.pem" -pubout -out "$W/kek-$name.pub" || fail "openssl pkey -pubout $name"
done
"$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/ec.pem" 2>/dev/null || fail "openssl genpkey EC"
"$OPENSSL" pkey -in "$T/ec.pem" -pubout -out "$W/kek-ec.pub" || fail "openssl pkey EC"
# kekfp NAME: the fingerprint of that cloud's KEK.
kekfp() {
	pub_fp -pubin -in "$W/kek-$1.pub"
}
kek_bytes() {
	case $1 in gcp) echo 384 ;; *) echo 256 ;; esac
}

# reduce TARGET: reduced copies of the three keys for that cloud's KEK.
reduce() {
	for r_id in contosokey fabrikamkey datakey; do
		snap
		expect 0 "reduce $r_id for $1" -- "$OFFICIANT" key reduce-acl --kmdata "$K" --drawer "$D" --kek "kek-$1.pub" --target "$1" "$r_id" <"$T/pins2"
		recorded key-reduce-acl "reduce $r_id for $1"
		expect 0 "inspect reduced $r_id" -- "$OFFICIANT" key inspect --kmdata "$K" "key_xferacld_$r_id"
		expect_in "$T/out" "export KEK   $(kekfp "$1") (target $1)" "$r_id reduced for $1"
	done
}
# spend TARGET: put the reduced copies aside, as after the import, so
# that the keys can be reduced for the next cloud.
spend() {
	mkdir -p "$S/$1"
	mv "$K"/key_xferacld_* "$S/$1/" || fail "no reduced copies for $1"
}

# check_key ID FILE: the unwrapped material is the key.
check_key() {
	case $1 in
	datakey)
		[ "$(wc -c <"$2")" -eq 32 ] || fail "$2: AES key of $(wc -c <"$2") bytes"
		if [ -e "$P/datakey.first" ]; then
			cmp -s "$2" "$P/datakey.first" || fail "$2: another AES key than in the first package"
		else
			cp "$2" "$P/datakey.first"
		fi ;;
	*)
		case $1 in contosokey) c_fp=$rsafp ;; *) c_fp=$ecfp ;; esac
		[ "$(pub_fp -inform DER -in "$2")" = "$c_fp" ] ||
		    fail "$2: not the key $1"
		# PKCS#8, not a traditional key.
		"$OPENSSL" pkcs8 -inform DER -nocrypt -in "$2" -out /dev/null || fail "$2: not PKCS#8"
		if [ -e "$P/$1.first" ]; then
			cmp -s "$2" "$P/$1.first" || fail "$2: other material than in the first package"
		else
			cp "$2" "$P/$1.first"
		fi ;;
	esac
}

# package ID FORMAT ALGORITHM(- default) KEK MD MODE OUT(- default) [NAME]:
# create, check what it printed and recorded, inspect, unwrap, check.
npkg=0
package() {
	p_id=$1; p_fmt=$2; p_alg=$3; p_kek=$4; p_md=$5; p_mode=$6; p_out=$7
	p_name=${8:-$p_id}
	set -- --kmdata "$K" --kek "kek-$p_kek.pub" --format "$p_fmt"
	[ "$p_name" = "$p_id" ] || set -- "$@" --name "$p_name"
	[ "$p_alg" = - ] || set -- "$@" --algorithm "$p_alg"
	[ "$p_fmt" = azure-byok ] && set -- "$@" --kek-id "$KID"
	if [ "$p_out" = - ]; then
		case $p_fmt in
		azure-byok) p_out=TransferPackage-$p_name.byok ;;
		aws-kms) p_out=EncryptedKeyMaterial-$p_name.bin ;;
		*) p_out=wrapped_key-$p_name.bin ;;
		esac
	else
		set -- "$@" --out "$p_out"
	fi
	p_what="$p_fmt/$p_alg $p_id"
	snap
	expect 0 "package $p_what" -- "$OFFICIANT" package create "$@" "$p_id"
	recorded package-create "package $p_what"
	[ -f "$p_out" ] || { fail "$p_what: no $p_out"; return; }
	[ "$(stat -c %a "$p_out")" = 600 ] || fail "$p_what: $p_out is not mode 0600"
	case $p_alg in
	-) expect_in "$T/out" "Package $p_out written ($p_fmt, " "$p_what reported" ;;
	*) expect_in "$T/out" "Package $p_out written ($p_fmt, $p_alg)" "$p_what reported" ;;
	esac
	p_sha=$(sed -n 's/^package SHA-256 //p' "$T/out")
	[ "$p_sha" = "$(sha "$p_out")" ] || fail "$p_what: printed SHA-256 '$p_sha' is not the file's"
	expect_in "$T/out" "KEK fingerprint $(kekfp "$p_kek")" "$p_what KEK fingerprint"
	grep -q "\"sha256\":\"$p_sha\"" "$K/transcripts/$new" || fail "$p_what: the transcript does not hold the package's SHA-256"
	expect 0 "inspect $p_what" -- "$OFFICIANT" package inspect "$p_out"
	expect_in "$T/out" "$p_sha" "$p_what inspect SHA-256"
	expect_in "$T/out" "size         $(wc -c <"$p_out") bytes" "$p_what inspect size"
	case $p_fmt/$p_mode in
	azure-byok/*)
		expect_in "$T/out" "Format       azure-byok (schema 1.0.0)" "$p_what inspect format"
		expect_in "$T/out" "KEK id       $KID" "$p_what inspect kid"
		expect_in "$T/out" "algorithm    dir / CKM_RSA_AES_KEY_WRAP" "$p_what inspect algorithm" ;;
	*/oaep)
		expect_in "$T/out" "Format       raw (aws-kms or gcp-kms)" "$p_what inspect format"
		expect_in "$T/out" "  could be  RSA-OAEP alone under an RSA $(($(kek_bytes "$p_kek") * 8)) KEK" "$p_what inspect layout" ;;
	*)
		expect_in "$T/out" "Format       raw (aws-kms or gcp-kms)" "$p_what inspect format"
		expect_in "$T/out" "  could be  RSA-AES key wrap under an RSA $(($(kek_bytes "$p_kek") * 8)) KEK ($(($(wc -c <"$p_out") - $(kek_bytes "$p_kek"))) wrapped bytes)" "$p_what inspect layout" ;;
	esac
	unwrap_package "$p_out" "$T/kek-$p_kek.pem" "$p_md" "$p_mode" "$P/$p_id.$npkg"
	check_key "$p_id" "$P/$p_id.$npkg"
	npkg=$((npkg + 1))
}

# Azure Key Vault: the .byok file.
reduce azure
for id in contosokey fabrikamkey datakey; do
	package "$id" azure-byok - azure sha1 wrap -
done
grep -q '"schema_version": "1.0.0"' TransferPackage-datakey.byok || fail ".byok schema_version"
grep -q '"generator": "officiant ' TransferPackage-datakey.byok || fail ".byok generator"
package contosokey azure-byok CKM_RSA_AES_KEY_WRAP azure sha1 wrap "$W/azure-named.byok"
# A copy reduced for Azure goes nowhere else, and under its KEK only.
snap
expect 4 "azure copy to aws" -- "$OFFICIANT" package create --kmdata "$K" --kek kek-azure.pub --format aws-kms --out x.bin datakey
expect_in "$T/err" "allows export to azure only" "target explained"
recorded_if_any package-create "azure copy to aws"
nothing_written "azure copy to aws"
snap
expect 4 "azure copy under the aws KEK" -- "$OFFICIANT" package create --kmdata "$K" --kek kek-aws.pub --format azure-byok --kek-id "$KID" --out x.byok datakey
recorded_if_any package-create "azure copy under the aws KEK"
nothing_written "azure copy under the aws KEK"
spend azure

# reduce-acl makes no copy that no package could use.
for tg in Azure azure-hsm elsewhere; do
	snap
	expect 2 "reduce-acl --target $tg" -- "$OFFICIANT" key reduce-acl --kmdata "$K" --drawer "$D" --kek kek-aws.pub --target "$tg" datakey <"$T/pins2"
	expect_in "$T/err" "use azure, aws or gcp" "target $tg explained"
	recorded_if_any key-reduce-acl "reduce-acl --target $tg"
	[ ! -e "$K/key_xferacld_datakey" ] || fail "a copy reduced for $tg"
done

# AWS KMS: EncryptedKeyMaterial, both RSA-AES digests, OAEP alone for
# the 32-byte AES key.
reduce aws
for id in contosokey fabrikamkey datakey; do
	package "$id" aws-kms - aws sha256 wrap -
	package "$id" aws-kms RSA_AES_KEY_WRAP_SHA_1 aws sha1 wrap "$W/$id-sha1.bin"
done
package datakey aws-kms RSAES_OAEP_SHA_256 aws sha256 oaep "$W/datakey-oaep256.bin"
package datakey aws-kms RSAES_OAEP_SHA_1 aws sha1 oaep "$W/datakey-oaep1.bin"
cmp -s EncryptedKeyMaterial-contosokey.bin contosokey-sha1.bin && fail "two packages of one key are the same"

# Bad input, with copies reduced for AWS in KMDATA.
snap
echo "an earlier package" >exists.bin
before=$(sum exists.bin)
ls -a "$W" >"$T/w.before"
expect 1 "existing output file" -- "$OFFICIANT" package create --kmdata "$K" --kek kek-aws.pub --format aws-kms --out exists.bin contosokey
[ "$(sum exists.bin)" = "$before" ] || fail "the existing file was changed"
recorded_if_any package-create "existing output file"
nothing_written "existing output file"
snap
expect 1 "existing default file name" -- "$OFFICIANT" package create --kmdata "$K" --kek kek-aws.pub --format aws-kms contosokey
recorded_if_any package-create "existing default file name"
nothing_written "existing default file name"
for simple in key_simple_contosokey "--app simple datakey"; do
	snap
	expect 4 "the key as born ($simple)" -- "$OFFICIANT" package create --kmdata "$K" --kek kek-aws.pub --format aws-kms --out x.bin $simple
	expect_in "$T/err" "does not allow export wrapped under this KEK" "ACL refusal explained"
	recorded_if_any package-create "the key as born"
	nothing_written "the key as born"
done
snap
expect 4 "wrong KEK" -- "$OFFICIANT" package create --kmdata "$K" --kek kek-azure.pub --format aws-kms --out x.bin contosokey
expect_in "$T/err" "does not allow export wrapped under this KEK" "wrong KEK explained"
recorded_if_any package-create "wrong KEK"
nothing_written "wrong KEK"
snap
expect 4 "aws copy to azure" -- "$OFFICIANT" package create --kmdata "$K" --kek kek-aws.pub --format azure-byok --kek-id "$KID" --out x.byok fabrikamkey
recorded_if_any package-create "aws copy to azure"
nothing_written "aws copy to azure"
snap
expect 2 "EC KEK" -- "$OFFICIANT" package create --kmdata "$K" --kek kek-ec.pub --format aws-kms --out x.bin contosokey
expect_in "$T/err" "RSA public key of 2048, 3072 or 4096" "EC KEK explained"
not_recorded "EC KEK"
nothing_written "EC KEK"
snap
expect 2 "azure without --kek-id" -- "$OFFICIANT" package create --kmdata "$K" --kek kek-aws.pub --format azure-byok --out x.byok contosokey
expect_in "$T/err" "--kek-id" "missing kid explained"
not_recorded "azure without --kek-id"
nothing_written "azure without --kek-id"
for id in contosokey fabrikamkey; do
	snap
	expect 2 "$id with RSAES_OAEP_SHA_256" -- "$OFFICIANT" package create --kmdata "$K" --kek kek-aws.pub --format aws-kms --algorithm RSAES_OAEP_SHA_256 --out x.bin "$id"
	expect_in "$T/err" "carries only symmetric keys" "OAEP alone explained"
	not_recorded "$id with RSAES_OAEP_SHA_256"
	nothing_written "$id with RSAES_OAEP_SHA_256"
done
snap
expect 2 "gcp algorithm with a 2048 KEK" -- "$OFFICIANT" package create --kmdata "$K" --kek kek-aws.pub --format gcp-kms --out x.bin datakey
expect_in "$T/err" "needs an RSA 3072 KEK" "KEK size explained"
not_recorded "gcp with 2048"
nothing_written "gcp with 2048"
snap
expect 2 "unknown format" -- "$OFFICIANT" package create --kmdata "$K" --kek kek-aws.pub --format pkcs11 --out x.bin datakey
expect_in "$T/err" "unknown format" "unknown format explained"
not_recorded "unknown format"
nothing_written "unknown format"
snap
expect 2 "unknown algorithm" -- "$OFFICIANT" package create --kmdata "$K" --kek kek-aws.pub --format aws-kms --algorithm RSA_AES_KEY_WRAP_SHA_384 --out x.bin datakey
not_recorded "unknown algorithm"
nothing_written "unknown algorithm"
snap
echo "not a key at all" >"$T/notakey.pub"
expect 3 "a KEK that is not a key" -- "$OFFICIANT" package create --kmdata "$K" --kek "$T/notakey.pub" --format aws-kms --out x.bin datakey
expect_in "$T/err" "not a public key" "not a key explained"
recorded_if_any package-create "not a key"
nothing_written "not a key"
snap
expect 2 "no --format" -- "$OFFICIANT" package create --kmdata "$K" --kek kek-aws.pub --out x.bin datakey
expect 2 "no --kek" -- "$OFFICIANT" package create --kmdata "$K" --format aws-kms --out x.bin datakey
expect 2 "no key" -- "$OFFICIANT" package create --kmdata "$K" --kek kek-aws.pub --format aws-kms --out x.bin
recorded_if_any package-create "usage"
nothing_written "usage"
# --name makes the default file name, and only of safe characters.
for nm in ../escape "a/b" "" "$(printf '%065d' 0)" "x y"; do
	snap
	expect 2 "--name '$nm'" -- "$OFFICIANT" package create --kmdata "$K" --kek kek-aws.pub --format aws-kms --name "$nm" datakey
	expect_in "$T/err" "--name takes" "bad --name explained"
	not_recorded "--name '$nm'"
	nothing_written "--name '$nm'"
done
package datakey aws-kms - aws sha256 wrap - Contoso_Data.v1
[ -f EncryptedKeyMaterial-Contoso_Data.v1.bin ] || fail "--name not used in the file name"
expect 3 "inspect what is not a package" -- "$OFFICIANT" package inspect "$T/notakey.pub"
expect_in "$T/err" "not a transfer package" "not a package explained"
expect 2 "inspect two files" -- "$OFFICIANT" package inspect exists.bin exists.bin
rm -f exists.bin
spend aws

# Google Cloud KMS: wrapped_key for an RSA 3072 import job.
reduce gcp
for id in contosokey fabrikamkey datakey; do
	package "$id" gcp-kms - gcp sha256 wrap -
done
package datakey gcp-kms RSA_OAEP_3072_SHA256 gcp sha256 oaep "$W/datakey-gcp-oaep.bin"
package fabrikamkey gcp-kms RSA_OAEP_3072_SHA1_AES_256 gcp sha1 wrap "$W/fabrikamkey-gcp-sha1.bin"
snap
expect 2 "gcp 4096 algorithm with a 3072 KEK" -- "$OFFICIANT" package create --kmdata "$K" --kek kek-gcp.pub --format gcp-kms --algorithm RSA_OAEP_4096_SHA256_AES_256 --out x.bin datakey
not_recorded "gcp 4096 with 3072"
nothing_written "gcp 4096 with 3072"
spend gcp

[ "$npkg" -eq 18 ] || fail "$npkg packages unwrapped, expected 18"
for f in contosokey fabrikamkey datakey; do
	[ -s "$P/$f.first" ] || fail "no $f unwrapped"
done
# A fresh one-time AES key for every package.
[ "$(ls "$P"/*.aes | wc -l)" -eq 15 ] || fail "$(ls "$P"/*.aes | wc -l) one-time AES keys, expected 15"
for a in "$P"/*.aes; do
	hex "$a"
	echo
done | sort | uniq -d >"$P/dup"
[ ! -s "$P/dup" ] || fail "one-time AES keys used twice: $(cat "$P/dup")"

# Every transcript verifies; a package transcript by name.
tr=$(ls "$K/transcripts" | grep -- '-package-create' | head -1)
expect 0 "verify $tr" -- "$OFFICIANT" verify --kmdata "$K" "$K/transcripts/$tr"
expect_in "$T/out" "OK: transcript of ceremony package-create" "package transcript verified"
verify_all 30 "$K"

# No file under KMDATA, the cards, the working directory or the spent
# copies holds key material in the clear: the PKCS#8 and PKCS#1 DER of
# the RSA and EC keys (whole and in 32-byte windows), the AES key, and
# none of the one-time AES keys; in hex and in base64 at each alignment.
: >"$P/needles"
for f in contosokey fabrikamkey; do
	"$OPENSSL" pkey -inform DER -in "$P/$f.first" -outform DER -out "$P/$f.trad" || fail "openssl pkey $f"
	hex_needles "$P/$f.first" "$P/$f.trad"
done
hex "$P/datakey.first" >>"$P/needles"
for a in "$P"/*.aes; do
	hex "$a" >>"$P/needles"
done
[ "$(wc -l <"$P/needles")" -gt 40 ] || fail "too few needles: $(wc -l <"$P/needles")"
# The public key is in the key files; windows of the RSA modulus may
# appear there. Drop the needles found in the public keys.
for f in contosokey fabrikamkey; do
	pub_hex "$P/$f.first"
done >"$P/public"
grep -vF -f "$P/public" "$P/needles" >"$P/hexneedles"
[ "$(wc -l <"$P/hexneedles")" -gt 30 ] || fail "too few needles beyond the public key"
# base64 of secret bytes at each byte alignment, less the ends that
# depend on their neighbours, in both alphabets: 30 bytes of the RSA
# private exponent, the EC private scalar, the AES key, the one-time
# AES keys.
tail -c +321 "$P/contosokey.first" | head -c 30 >"$P/rsa.secret"
tail -c +38 "$P/fabrikamkey.first" | head -c 30 >"$P/ec.secret"
: >"$P/b64needles"
b64_needles "$P/rsa.secret" "$P/ec.secret" "$P/datakey.first" "$P"/*.aes
# The search finds what it looks for.
needles_found "$P/contosokey.first" "$P/contosokey.first" "$P/datakey.first"
find "$K" "$D" "$W" "$S" -type f >"$P/files"
[ "$(grep -c "^$K/" "$P/files")" -ge 30 ] || fail "too few files under KMDATA to search"
[ "$(grep -c "^$W/" "$P/files")" -ge 20 ] || fail "too few packages to search"
[ "$(grep -c "^$S/" "$P/files")" -eq 9 ] || fail "the spent copies are not searched"
no_leaks "$P/files"

finish
