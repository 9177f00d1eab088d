#!/bin/sh
# Packaging: 'officiant package create' against the OpenSSL command-line
# recipe of FORMATS.md for the same key and KEK (a random AES-256 key,
# RSA-OAEP-SHA1 under the KEK, AES key wrap with padding of the PKCS#8
# key, the two concatenated: the AWS RSA_AES_KEY_WRAP_SHA_1 layout).
. "$top_srcdir/bench/lib.sh"

: "${BENCH_PACKAGE_RUNS:=21}"
K=$T/kmdata; D=$T/cards
say "package: making a world, a key and a KEK"
make_world "$K" "$D" 2 3
"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$T/key.pem" 2>/dev/null &&
    "$OPENSSL" pkcs8 -topk8 -nocrypt -outform DER -in "$T/key.pem" \
    -out "$T/key.der" &&
    "$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$T/kek.pem" 2>/dev/null &&
    "$OPENSSL" pkey -in "$T/kek.pem" -pubout -out "$T/kek.pub" ||
    die "openssl: the key and the KEK"
"$OFFICIANT" key import --kmdata "$K" --ident pkgkey --from "$T/key.der" \
    </dev/null >"$T/out" 2>&1 || { cat "$T/out" >&2; die "key import failed"; }
printf '1001\n1002\n' >"$T/pins2"
"$OFFICIANT" key reduce-acl --kmdata "$K" --drawer "$D" --kek "$T/kek.pub" \
    --target aws pkgkey <"$T/pins2" >"$T/out" 2>&1 ||
    { cat "$T/out" >&2; die "key reduce-acl failed"; }
# The recipe, the AES key as a hexadecimal argument as FORMATS.md has it.
cat >"$T/recipe.sh" <<EOF
set -e
cd "\$1"
"$OPENSSL" rand -out aes.bin 32
"$OPENSSL" pkeyutl -encrypt -pubin -inkey "$T/kek.pub" -in aes.bin -out a.bin \\
    -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha1 -pkeyopt rsa_mgf1_md:sha1
"$OPENSSL" enc -id-aes256-wrap-pad -K "\$(od -An -tx1 -v aes.bin | tr -d ' \\n')" \\
    -iv A65959A6 -in "$T/key.der" -out k.bin
cat a.bin k.bin >package.bin
rm -f aes.bin a.bin k.bin
EOF

section "Packaging"
echo "A 2048-bit RSA key imported into the world and reduced for a 2048-bit KEK, packaged with \`officiant package create --format aws-kms --algorithm RSA_AES_KEY_WRAP_SHA_1\` (unseal, wrap, the package file, a sealed transcript) against the OpenSSL command-line recipe of FORMATS.md on the same key's PKCS#8 (\`openssl rand\`, \`pkeyutl -encrypt\` RSA-OAEP-SHA1, \`enc -id-aes256-wrap-pad\`, \`cat\`; run by sh), taking turns, $BENCH_PACKAGE_RUNS runs each, in $BENCH_TMP ($(fstype "$BENCH_TMP")). Wall times, medians. Goal: ratio <= 1.0."
echo
: >"$T/o"; : >"$T/r"
i=0
while [ $i -lt "$BENCH_PACKAGE_RUNS" ]; do
	say "package: run $((i + 1)) of $BENCH_PACKAGE_RUNS"
	rm -f "$T/o.bin"
	timed "$T/o" -- "$OFFICIANT" package create --kmdata "$K" \
	    --kek "$T/kek.pub" --format aws-kms \
	    --algorithm RSA_AES_KEY_WRAP_SHA_1 --out "$T/o.bin" pkgkey ||
	    { cat "$T/out" >&2; die "package create failed"; }
	mkdir -p "$T/r$i"
	timed "$T/r" -- sh "$T/recipe.sh" "$T/r$i" ||
	    { cat "$T/out" >&2; die "the openssl recipe failed"; }
	i=$((i + 1))
done
osize=$(wc -c <"$T/o.bin")
rsize=$(wc -c <"$T/r0/package.bin")
[ "$osize" -eq "$rsize" ] || say "package: officiant wrote $osize bytes, the recipe $rsize"
o=$(field wall <"$T/o" | median)
r=$(field wall <"$T/r" | median)
ratio=$(calc "$o / $r")
echo "| | Runs | Wall | Spread | Peak RSS | Package |"
echo "|---|---:|---:|---:|---:|---:|"
echo "| officiant package create | $BENCH_PACKAGE_RUNS | $(ms "$o") ms | $(field wall <"$T/o" | spread) | $(mb "$(field maxrss <"$T/o" | median)") MiB | $osize bytes |"
echo "| openssl recipe | $BENCH_PACKAGE_RUNS | $(ms "$r") ms | $(field wall <"$T/r" | spread) | $(mb "$(field maxrss <"$T/r" | median)") MiB | $rsize bytes |"
echo
echo "- Ratio $ratio (goal <= 1.0): $(goal "Packaging: ratio <= 1.0" "$ratio" "$ratio <= 1.0")."
