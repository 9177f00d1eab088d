#!/bin/sh
# Key generation: 'officiant key generate' against 'openssl genpkey' for
# the same key type, run by turns, in BENCH_TMP; both timed inside
# OpenSSL's key generation as well (bench/timeshim).
. "$top_srcdir/bench/lib.sh"

# TYPE:SIZE:RUNS; RSA's time is that of finding primes, which varies a
# great deal: many runs of the small sizes, fewer of 4096.
: "${BENCH_KEYS:=rsa:2048:31 rsa:3072:15 rsa:4096:9 ec:p256:21 ec:p384:21}"

K=$T/kmdata
say "keygen: making a world"
make_world "$K" "$T/cards" 2 3

id=0
: >"$T/rows"
for spec in $BENCH_KEYS; do
	type=${spec%%:*}; rest=${spec#*:}; size=${rest%%:*}; runs=${rest#*:}
	case $type in
	rsa)
		oargs="--type rsa --size $size"
		gargs="-algorithm RSA -pkeyopt rsa_keygen_bits:$size"
		name="RSA $size" ;;
	ec)
		oargs="--type ec --curve $size"
		curve=$(echo "$size" | sed 's/^p/P-/')
		gargs="-algorithm EC -pkeyopt ec_paramgen_curve:$curve"
		name="EC $curve" ;;
	*)
		die "unknown key type $type" ;;
	esac
	: >"$T/o"; : >"$T/g"
	i=0
	while [ $i -lt "$runs" ]; do
		say "keygen: $name, run $((i + 1)) of $runs"
		id=$((id + 1))
		# shellcheck disable=SC2086
		shimmed "$T/o" -- "$OFFICIANT" key generate --kmdata "$K" \
		    --ident "k$id" $oargs ||
		    { cat "$T/out" >&2; die "officiant key generate $name failed"; }
		rm -f "$T/g.pem"
		# shellcheck disable=SC2086
		shimmed "$T/g" -- "$OPENSSL" genpkey $gargs -out "$T/g.pem" ||
		    { cat "$T/out" >&2; die "openssl genpkey $name failed"; }
		i=$((i + 1))
	done
	for f in o g; do
		[ "$(field keygen_calls <"$T/$f" | sort -u)" = 1 ] ||
		    die "keygen: $name: not one key generation in each run"
		awk '{ for (i = 1; i < NF; i++) v[$i] = $(i + 1); print v["wall"] - v["keygen"] }' "$T/$f" >"$T/$f.around"
	done
	o=$(field wall <"$T/o" | median)
	g=$(field wall <"$T/g" | median)
	ko=$(field keygen <"$T/o" | median)
	kg=$(field keygen <"$T/g" | median)
	kall=$(cat "$T/o" "$T/g" | field keygen | median)
	ao=$(median <"$T/o.around")
	ag=$(median <"$T/g.around")
	r=$(calc "$o / $g")
	eq=$(calc "($kall + $ao) / ($kall + $ag)")
	echo "| $name | $runs | $(ms "$o") ms | $(ms "$g") ms | $r ($(field wall <"$T/o" | spread), $(field wall <"$T/g" | spread)) | $(ms "$ko") / $(ms "$kg") ms | $(ms "$ao") / $(ms "$ag") ms | $eq | $(goal "Key generation $name: ratio <= 1.05" "$eq (direct $r)" "$eq <= 1.05") |" >>"$T/rows"
done

section "Key generation"
echo "\`officiant key generate --type T --size/--curve\` (a module-protected key: generated, sealed under the module key, written with its signed ACL, and a sealed transcript of the command) against \`openssl genpkey\` for the same type writing a PEM file, taking turns, in $BENCH_TMP ($(fstype "$BENCH_TMP"): fsync costs next to nothing; the ceremony benchmark measures it on disk). Wall times, medians; the spreads are interquartile ranges over the medians. Both programs are also timed inside EVP_PKEY_generate/EVP_PKEY_keygen (bench/timeshim): *key generation* is that, *around it* the rest of each run. RSA key generation takes as long as primes take to turn up, so the direct ratio of medians moves by more than 5% from one run of this benchmark to the next; *at equal key generation* gives both programs the median K of all the key generations, both programs' together: (K + around, officiant) / (K + around, openssl). The goal (ratio <= 1.05) is judged on that ratio."
echo
echo "| Key | Runs | officiant | openssl genpkey | Ratio (spreads) | Key generation: officiant / openssl | Around it: officiant / openssl | Ratio at equal key generation | Goal |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
cat "$T/rows"
echo
echo "*Around it* is what each program does besides generating the key: for openssl, starting and writing the PEM file; for Officiant, starting, loading and checking the world, sealing the key under the module key, the key file and the transcript (an Ed25519 ceremony key, entries, checkpoints, the seal)."
