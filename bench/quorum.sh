#!/bin/sh
# Quorum and cards: 'officiant world create' of K-of-N worlds and the
# core's off_quorum_collect of K of their cards, for N = 3, 16, 64, 255
# (K a majority), card files in a drawer on disk, PINs scripted; the
# PIN KDF and fsync timed apart by bench/timeshim.
. "$top_srcdir/bench/lib.sh"

# N:CREATE-RUNS:QUORUM-RUNS
: "${BENCH_QUORUMS:=3:5:7 16:3:5 64:2:3 255:1:2}"
use_disk

say "quorum: the KDF alone"
"$BENCH_BIN/bench-core" kdf 10 21 >"$T/kdf10" || die "bench-core kdf failed"
"$BENCH_BIN/bench-core" kdf 15 3 >"$T/kdf15" || die "bench-core kdf failed"
kdf10=$(field kdf <"$T/kdf10" | median)
kdf15=$(field kdf <"$T/kdf15" | median)

section "Quorum and cards"
echo "World creation: \`officiant world create --quorum K/N --drawer --kdf-cost 10\` (the cheapest card KDF), PINs on standard input; every card is written, read back and opened, and up to 1000 K-subsets recombined, before the world is written. Quorum: the core's off_quorum_collect over the world's drawer (each card read, its retry counter recorded, opened with its PIN, its share checked; the secret rebuilt), in a process of its own (bench-core quorum). Card files and KMDATA in $BENCH_DISK ($(fstype "$BENCH_DISK")). The time inside the PIN KDF (EVP_PBE_scrypt) and inside fsync is measured by bench/timeshim, loaded with LD_PRELOAD; *rest* is what is left. Medians."
echo
echo "One card KDF (scrypt N=2^10, r=8, p=1), alone: $(ms "$kdf10") ms; at the default --kdf-cost 15: $(ms "$kdf15") ms."
echo
echo "| N | K | Create: wall | KDF (calls) | fsync (calls) | Rest | Rest per card | Quorum: time | KDF (calls) | fsync (calls) | Rest | Rest per card | KDF at the default cost: create + quorum |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for spec in $BENCH_QUORUMS; do
	n=${spec%%:*}; rest=${spec#*:}; cruns=${rest%%:*}; qruns=${rest#*:}
	k=$((n / 2 + 1))
	pins "$n" >"$T/pins"
	: >"$T/c"; : >"$T/q"; : >"$T/qt"
	i=0
	while [ $i -lt "$cruns" ]; do
		say "quorum: creating a $k-of-$n world, run $((i + 1)) of $cruns"
		W=$DISKT/w$n-$i
		mkdir -p "$W/cards"
		shimmed "$T/c" -t 600 -i "$T/pins" -- "$OFFICIANT" world create \
		    --quorum "$k/$n" --kmdata "$W/kmdata" --drawer "$W/cards" \
		    --kdf-cost 10 || { cat "$T/out" >&2; die "world create $k/$n failed"; }
		i=$((i + 1))
	done
	i=0
	while [ $i -lt "$qruns" ]; do
		say "quorum: collecting $k of $n cards, run $((i + 1)) of $qruns"
		shimmed "$T/q" -t 600 -- "$BENCH_BIN/bench-core" quorum \
		    "$DISKT/w$n-0/kmdata" "$DISKT/w$n-0/cards" 1 ||
		    { cat "$T/out" >&2; die "quorum $k/$n failed"; }
		field quorum <"$T/out" >>"$T/qt"
		i=$((i + 1))
	done
	cw=$(field wall <"$T/c" | median)
	ck=$(field kdf <"$T/c" | median); ckn=$(field kdf_calls <"$T/c" | median)
	cf=$(field fsync <"$T/c" | median); cfn=$(field fsync_calls <"$T/c" | median)
	cr=$(calc "$cw - $ck - $cf" %.6f)
	qw=$(median <"$T/qt")
	qk=$(field kdf <"$T/q" | median); qkn=$(field kdf_calls <"$T/q" | median)
	qf=$(field fsync <"$T/q" | median); qfn=$(field fsync_calls <"$T/q" | median)
	qr=$(calc "$qw - $qk - $qf" %.6f)
	echo "| $n | $k | $(ms "$cw") ms | $(ms "$ck") ms ($ckn) | $(ms "$cf") ms ($cfn) | $(ms "$cr") ms | $(ms "$(calc "$cr / $n" %.6f)") ms | $(ms "$qw") ms | $(ms "$qk") ms ($qkn) | $(ms "$qf") ms ($qfn) | $(ms "$qr") ms | $(ms "$(calc "$qr / $k" %.6f)") ms | $(calc "($ckn + $qkn) * $kdf15" %.1f) s |"
	rm -rf "$DISKT"/w"$n"-*
done
echo
echo "No goal is set for these: the PIN KDF is slow on purpose (the last column: what it costs at the default cost), and the rest is what Officiant adds."
