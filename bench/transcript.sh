#!/bin/sh
# Transcript verification against its limit: transcripts of
# BENCH_SIZES entries (default 10^3 to 10^6) written by the core's
# writer with a checkpoint every 5 entries; 'officiant verify' and the
# core's off_transcript_verify timed side by side with the least any
# verifier must do in the same run (SHA-256 of every leaf and node, one
# Ed25519 verification per checkpoint); peak memory of each.
. "$top_srcdir/bench/lib.sh"

: "${BENCH_SIZES:=1000 10000 100000 1000000}"
EVERY=5
reps_for() {
	case $1 in
	????|???|??|?) echo 9 ;;
	?????) echo 5 ;;
	??????) echo 3 ;;
	*) echo 1 ;;
	esac
}

: >"$T/summary"; : >"$T/rows"
for n in $BENCH_SIZES; do
	F=$T/t$n.transcript
	say "transcript: writing $n entries"
	timed "$T/gen$n" -- "$BENCH_BIN/gen-transcript" "$n" "$EVERY" "$F" ||
	    { cat "$T/out" >&2; die "gen-transcript $n failed"; }
	vk=$(cat "$T/out")
	size=$(wc -c <"$F")
	reps=$(reps_for "$n")
	: >"$T/lim"; : >"$T/off"; : >"$T/core"; : >"$T/coretime"
	# What the core would need for 10^6 entries, from the sizes before.
	skip_core=
	if [ -s "$T/rss_per_entry" ]; then
		need=$(calc "$(cat "$T/rss_per_entry") * $n * 1.5" %.0f)
		avail=$(sed -n 's/^MemAvailable: *\([0-9]*\) kB/\1/p' /proc/meminfo)
		[ "$need" -lt "$avail" ] || skip_core="would need about $(mb "$need") MiB"
	fi
	i=0
	while [ $i -lt "$reps" ]; do
		say "transcript: $n entries, run $((i + 1)) of $reps"
		"$BENCH_BIN/bench-core" limit "$F" "$vk" 1 >>"$T/lim" ||
		    die "bench-core limit $n failed"
		timed "$T/off" -t 900 -- "$OFFICIANT" verify --no-files --key "$vk" "$F"
		[ $i -eq 0 ] && cp "$T/out" "$T/offout"
		if [ -z "$skip_core" ]; then
			timed "$T/core" -t 900 -- "$BENCH_BIN/bench-core" verify "$F" "$vk" ||
			    { cat "$T/out" >&2; die "core verify $n failed"; }
			field verify <"$T/out" >>"$T/coretime"
			field whole <"$T/out" >"$T/whole"
		fi
		i=$((i + 1))
	done
	lim=$(field limit <"$T/lim" | median)
	lhash=$(field hash <"$T/lim" | median)
	lsig=$(field ed25519 <"$T/lim" | median)
	if [ "$(field exit <"$T/off" | sort -u)" = 0 ]; then
		off=$(field wall <"$T/off" | median)
		offrss=$(field maxrss <"$T/off" | median)
		offcell="$(ms "$off") ms"
		offratio=$(calc "$off / $lim")
		offrsscell="$(mb "$offrss") MiB"
		echo "officiant $n $off $offratio $offrss" >>"$T/summary"
	else
		why=$(grep -m1 . "$T/offout" | sed "s|$T/||g; s/|/\\\\|/g")
		offcell="refused (exit $(field exit <"$T/off" | head -1)): $why"
		offratio=-; offrsscell=-
	fi
	if [ -z "$skip_core" ]; then
		core=$(median <"$T/coretime")
		corerss=$(field maxrss <"$T/core" | median)
		coreratio=$(calc "$core / $lim")
		corecell="$(ms "$core") ms"
		[ "$(cat "$T/whole")" = 1 ] && corecell="$corecell (read whole)"
		corepe=$(calc "$core / $n * 1e6" %.1f)
		corersscell="$(mb "$corerss") MiB"
		echo "core $n $core $coreratio $corerss" >>"$T/summary"
		calc "$corerss / $n" %.6f >"$T/rss_per_entry"
	else
		corecell="not run: $skip_core"; coreratio=-; corepe=-; corersscell=-
	fi
	[ -n "${linelen:-}" ] || linelen=$(awk '{ print length($0) }' "$F" | median)
	echo "| $n | $(mb "$(calc "$size / 1024" %.0f)") MiB | $reps | $(ms "$lim") ms ($(ms "$lhash") + $(ms "$lsig")) | $offcell | $offratio | $corecell | $coreratio | $corepe | $(calc "$lim / $n * 1e6" %.1f) | $offrsscell | $corersscell |" >>"$T/rows"
	rm -f "$F"
done
section "Transcript verification"
echo "Transcripts of rehearsal-like entries (median line $linelen bytes, about that of a byok-azure rehearsal) written by the core's writer, a checkpoint after every $EVERY entries (a byok-azure rehearsal: about 80 entries, a checkpoint every 4 or 5), sealed; in $BENCH_TMP ($(fstype "$BENCH_TMP")). *Limit*: bench-core computes, in the same run, SHA-256 of 0x00 || line for every entry and of every interior node an incremental RFC 6962 tree needs, and one Ed25519 verification per checkpoint, with the file already in memory. *officiant verify*: the program, \`--no-files --key\`, wall time. *Core*: off_transcript_verify in a process of its own, reading included (beyond the program's 64 MiB limit, the same bytes read whole and given to off_tlog_parse). Medians of the runs shown; ratios to the limit."
echo
echo "| Entries | File | Runs | Limit: hashes + Ed25519 | officiant verify | Ratio | Core | Ratio | Core µs/entry | Limit µs/entry | Peak RSS officiant | Peak RSS core |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
cat "$T/rows"
echo
# The goals, from what ran.
worst=$(awk '$1 == "officiant" { print $4 }' "$T/summary" | sort -g | tail -1)
sizes=$(awk '$1 == "officiant" { print $2 }' "$T/summary" | tr '\n' ' ')
echo "- Within 1.25x of the limit (officiant verify, at ${sizes% }): worst ratio ${worst:-none}: $(goal "Transcript verification: within 1.25x of the limit" "${worst:-none}" "${worst:-99} <= 1.25")."
awk '$1 == "core" { printf "%s %.3f\n", $2, $3 / $2 * 1e6 }' "$T/summary" >"$T/pe"
lo=$(awk '{ print $2 }' "$T/pe" | sort -g | head -1)
hi=$(awk '{ print $2 }' "$T/pe" | sort -g | tail -1)
echo "- Linear in size (core time per entry from $(head -1 "$T/pe" | cut -d' ' -f1) to $(tail -1 "$T/pe" | cut -d' ' -f1) entries: $lo to $hi µs, the largest $(calc "$hi / $lo")x the smallest; linear when within 1.5x): $(goal "Transcript verification: linear in size" "$(calc "$hi / $lo")x per entry" "$hi <= 1.5 * $lo")."
r0=$(awk '$1 == "core" { print $5; exit }' "$T/summary")
r1=$(awk '$1 == "core" { r = $5 } END { print r }' "$T/summary")
n0=$(awk '$1 == "core" { print $2; exit }' "$T/summary")
n1=$(awk '$1 == "core" { n = $2 } END { print n }' "$T/summary")
echo "- Memory bounded (peak RSS of the core from $n0 to $n1 entries: $(mb "$r0") to $(mb "$r1") MiB, $(calc "($r1 - $r0) / ($n1 - $n0)" %.2f) KiB more per entry; bounded when the largest is within 1.5x the smallest): $(goal "Transcript verification: memory bounded" "$(mb "$r0") to $(mb "$r1") MiB" "$r1 <= 1.5 * $r0")."
