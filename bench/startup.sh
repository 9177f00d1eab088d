#!/bin/sh
# Start-up: the time to the first frame of the home screen, and peak
# memory, on a pseudo-terminal (bench/ptyrun); 'officiant --version' as
# the floor of starting the program at all.
. "$top_srcdir/bench/lib.sh"

: "${BENCH_STARTUP_RUNS:=21}"

say "startup: the home screen, $BENCH_STARTUP_RUNS runs"
env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color \
    "$BENCH_BIN/ptyrun" -n "$BENCH_STARTUP_RUNS" -m "Quit" -k q -- "$OFFICIANT" \
    >"$T/screen" || die "ptyrun: the home screen"
say "startup: --version, $BENCH_STARTUP_RUNS runs"
"$RUN" -n "$BENCH_STARTUP_RUNS" -- "$OFFICIANT" --version >"$T/version" ||
    die "officiant --version failed"

first=$(field first <"$T/screen" | median)
frame=$(field frame <"$T/screen" | median)
rss=$(field maxrss <"$T/screen" | median)
rssmax=$(field maxrss <"$T/screen" | sort -n | tail -1)
vw=$(field wall <"$T/version" | median)
vr=$(field maxrss <"$T/version" | median)

section "Start-up"
echo "\`officiant\` alone on an 80x24 pseudo-terminal (bench/ptyrun, TERM=xterm-256color, C.UTF-8): from fork to the first byte on the terminal, and to the last byte of the first frame (the home screen, its menu drawn, then 200 ms without output); then q. Peak RSS from wait4. \`officiant --version\` (to /dev/null) is the floor: loading the program and its libraries. $BENCH_STARTUP_RUNS runs each, medians."
echo
echo "| | First byte | First frame | Spread | Peak RSS (largest) |"
echo "|---|---:|---:|---:|---:|"
echo "| home screen | $(ms "$first") ms | $(ms "$frame") ms | $(field frame <"$T/screen" | spread) | $(mb "$rss") MiB ($(mb "$rssmax") MiB) |"
echo "| officiant --version | | $(ms "$vw") ms (exit) | $(field wall <"$T/version" | spread) | $(mb "$vr") MiB |"
echo
echo "- First frame under 50 ms ($(ms "$frame") ms): $(goal "Start-up: first frame < 50 ms" "$(ms "$frame") ms" "$frame < 0.050")."
echo "- Peak RSS under 20 MB ($(calc "$rssmax * 1024 / 1e6" %.1f) MB, the largest of the runs): $(goal "Start-up: peak RSS < 20 MB" "$(calc "$rssmax * 1024 / 1e6" %.1f) MB" "$rssmax * 1024 < 20e6")."
