#!/bin/sh
# The whole BYOK ceremony: 'officiant training run byok-azure' with
# scripted answers in line mode, on disk; wall time, peak memory, and
# the time inside the PIN KDF, key generation and fsync (bench/timeshim)
# set apart from everything else.
. "$top_srcdir/bench/lib.sh"

: "${BENCH_CEREMONY_RUNS:=7}"
use_disk
M=$T/kek
say "ceremony: a training KEK"
"$OFFICIANT" training make-kek --out "$M" --size 2048 >"$T/out" 2>&1 ||
    { cat "$T/out" >&2; die "training make-kek failed"; }
KEK=$M/TRAINING-kek.pem
KSHA=$(sha256sum <"$KEK" | cut -d' ' -f1)
# As tests/e2e-ceremonies.sh answers: the defaults, the simulated
# YubiKeys' touches, the checklist, the witness, the two PINs, the
# record and the last witness.
printf '\n\n\n\ny\ny\ny\ny\n1111\n2222\ny\ny\n' >"$T/answers"

: >"$T/c"
i=0
while [ $i -lt "$BENCH_CEREMONY_RUNS" ]; do
	say "ceremony: run $((i + 1)) of $BENCH_CEREMONY_RUNS"
	R=$DISKT/r$i
	shimmed "$T/c" -t 300 -i "$T/answers" -- "$OFFICIANT" training run \
	    --dir "$R" --workdir "$R" --set kek="$KEK" --set kek_sha256="$KSHA" \
	    --set chain="$M/TRAINING-chain.pem" \
	    --set root="$(cat "$M/TRAINING-root-sha256.txt")" \
	    --set kek_id="$(cat "$M/TRAINING-kek-id.txt")" byok-azure ||
	    { cat "$T/out" >&2; die "the byok-azure rehearsal failed"; }
	grep -q "The ceremony is complete." "$T/out" ||
	    { cat "$T/out" >&2; die "the byok-azure rehearsal did not complete"; }
	[ $i -eq 0 ] && tr=$(sed -n 's/^Transcript: //p' "$T/out" | tail -1) &&
	    entries=$(grep -vc '^{"checkpoint"' "$tr") && cps=$(grep -c '^{"checkpoint"' "$tr")
	rm -rf "$R"
	i=$((i + 1))
done
# Each run's rest: its wall time less the three; the same for the
# processor time, which a busy machine does not stretch.
awk '{ for (i = 1; i < NF; i++) v[$i] = $(i + 1); print v["wall"] - v["kdf"] - v["keygen"] - v["fsync"] }' "$T/c" >"$T/rest"
awk '{ for (i = 1; i < NF; i++) v[$i] = $(i + 1); print v["user"] + v["sys"] - v["kdf_cpu"] - v["keygen_cpu"] - v["fsync_cpu"] }' "$T/c" >"$T/restcpu"
awk '{ for (i = 1; i < NF; i++) v[$i] = $(i + 1); print v["user"] + v["sys"] }' "$T/c" >"$T/cpu"
wall=$(field wall <"$T/c" | median)
rss=$(field maxrss <"$T/c" | median)
rest=$(median <"$T/rest")
restcpu=$(median <"$T/restcpu")
cell() {
	echo "$(ms "$(field "$1" <"$T/c" | median)") ms ($(field "$1"_calls <"$T/c" | median))"
}

section "Whole ceremony"
echo "\`officiant training run byok-azure\` in line mode with scripted answers (as tests/e2e-ceremonies.sh gives them): a throw-away 2-of-3 world with its cards, the KEK's hash and chain checked, an RSA 2048 key generated, its ACL reduced with two cards, the .byok package written, a transcript of $entries entries and $cps checkpoints, sealed; in $BENCH_DISK ($(fstype "$BENCH_DISK")), so every fsync reaches the disk. $BENCH_CEREMONY_RUNS runs, medians (each column its own median: they do not add up exactly). The time inside EVP_PBE_scrypt (the cards' PIN KDF, at the training world's cost), EVP_PKEY_generate of the RSA key and fsync/fdatasync is measured by bench/timeshim (LD_PRELOAD); *everything else* is the rest of the wall time, taken run by run, Ed25519 ceremony keys (*other keys*) included."
echo
echo "| Wall | Peak RSS | KDF (calls) | Key generation (calls) | fsync (calls) | Other keys (calls) | Everything else | Goal: everything else < 50 ms |"
echo "|---:|---:|---:|---:|---:|---:|---:|---|"
echo "| $(ms "$wall") ms | $(mb "$rss") MiB | $(cell kdf) | $(cell keygen) | $(cell fsync) | $(cell keyaux) | $(ms "$rest") ms (spread $(spread <"$T/rest")) | $(goal "Ceremony: everything else < 50 ms" "$(ms "$rest") ms" "$rest < 0.050") |"
echo
echo "Processor time (user + system): $(ms "$(median <"$T/cpu")") ms in all; outside the KDF, key generation and fsync: $(ms "$restcpu") ms. Where *everything else* is much more than that, the process was waiting: for the disk beyond fsync (renames, directory entries), or for a processor on a busy machine."
