#!/bin/sh
# Run the benchmarks of issue #11 and write their results:
#   bench.sh RESULTS-FILE [NAME...]
# NAMEs (default all, in this order): transcript keygen package quorum
# ceremony idle startup. 'make bench' runs it; see bench/README.
. "$top_srcdir/bench/lib.sh"

out=${1:?usage: bench.sh RESULTS-FILE [NAME...]}
shift
names=${*:-transcript keygen package quorum ceremony idle startup}
for n in $names; do
	[ -f "$top_srcdir/bench/$n.sh" ] || die "no benchmark $n"
done

BENCH_GOALS=$T/goals
export BENCH_GOALS BENCH_TMP BENCH_DISK OFFICIANT OPENSSL BENCH_BIN top_srcdir
: >"$BENCH_GOALS"
loadavg=$(cut -d' ' -f1-3 /proc/loadavg)
load=${loadavg%% *}
start=$(date +%s)
failed=
for n in $names; do
	say "$n"
	t0=$(date +%s)
	sh "$top_srcdir/bench/$n.sh" >"$T/$n.md"
	st=$?
	echo >>"$T/$n.md"
	if [ $st -eq 0 ]; then
		echo "_The $n benchmark took $(($(date +%s) - t0)) s._" >>"$T/$n.md"
	else
		echo "**The $n benchmark failed** (exit status $st, after $(($(date +%s) - t0)) s): its figures are missing or partial." >>"$T/$n.md"
		echo "| $n | failed | **not met** |" >>"$BENCH_GOALS"
		failed="$failed $n"
	fi
	cat "$T/$n.md"
	echo
done
total=$(($(date +%s) - start))

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
if [ -d "$top_srcdir/.git" ] && command -v git >/dev/null 2>&1; then
	rev=$(git -C "$top_srcdir" describe --always --dirty 2>/dev/null)
fi
{
	echo "# Officiant benchmarks"
	echo
	echo "Written by \`make bench\` (bench/bench.sh; see bench/README for what each benchmark measures and how to read this file) on $(date -u '+%Y-%m-%d %H:%M UTC'), in $total s."
	echo
	echo "- Machine: ${cpu:-unknown CPU}, $(nproc) cores, $mem of memory; $(uname -s) $(uname -r) ($(uname -m))."
	echo "- Load average at start: $(echo "$loadavg" | sed 's/ /, /g') (1, 5, 15 minutes); at the end: $(cut -d' ' -f1-3 /proc/loadavg | sed 's/ /, /g')."
	echo "- $("$OPENSSL" version); $("$OFFICIANT" --version | head -1)${rev:+, source $rev}; built with ${CC:-cc} ${CFLAGS:-}."
	echo "- Scratch: $BENCH_TMP ($(fstype "$BENCH_TMP")); on disk: $BENCH_DISK ($(fstype "$BENCH_DISK"))."
	if awk "BEGIN { exit !($load >= 0.5 * $(nproc)) }"; then
		echo "- **The machine was busy** (load average $load at the start, on $(nproc) cores): wall times are longer and noisier than on a quiet machine; processor times and ratios of runs taken by turns suffer less."
	fi
	[ -n "${BENCH_NOTE:-}" ] && echo "- Note: $BENCH_NOTE"
	echo
	echo "## Goals"
	echo
	echo "| Goal | Figure | Verdict |"
	echo "|---|---|---|"
	cat "$BENCH_GOALS"
	echo
	for n in $names; do
		cat "$T/$n.md"
		echo
	done
} >"$T/results"
cp "$T/results" "$out.tmp" && mv "$out.tmp" "$out" || die "cannot write $out"
say "results in $out ($total s)"
[ -z "$failed" ] || die "failed:$failed"
