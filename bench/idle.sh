#!/bin/sh
# Idle: the processor time the full-screen program uses while it waits
# for a card in an empty slot and for a key on the home screen, each on
# a pseudo-terminal of its own (bench/ptyrun), over BENCH_IDLE seconds.
. "$top_srcdir/bench/lib.sh"

: "${BENCH_IDLE:=10}"
mkdir -p "$T/slot"

say "idle: waiting for a card, $BENCH_IDLE s"
# A ceremony that creates a world: the program asks for the first blank
# card and waits for it; then Ctrl-C and y stop it.
env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color \
    "$BENCH_BIN/ptyrun" -m "blank card" -i "$BENCH_IDLE" -k "$(printf '\003y')" -- \
    "$OFFICIANT" run --kmdata "$T/kmdata" --slot "$T/slot" \
    "$top_srcdir/bench/card-wait.ceremony" >"$T/card" ||
    die "ptyrun: the card wait"
say "idle: waiting for a key on the home screen, $BENCH_IDLE s"
env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color \
    "$BENCH_BIN/ptyrun" -m "Quit" -i "$BENCH_IDLE" -k q -- "$OFFICIANT" \
    >"$T/key" || die "ptyrun: the home screen"

section "Idle"
echo "The program on an 80x24 pseudo-terminal (bench/ptyrun, TERM=xterm-256color, C.UTF-8). *Card*: \`officiant run --slot EMPTY bench/card-wait.ceremony\`, a world creation waiting for its first blank card in an empty slot directory. *Key*: the home screen (\`officiant\` alone) waiting for a key. Once the screen is drawn, the process's processor time is read from /proc/PID/schedstat (nanoseconds) and /proc/PID/stat (utime + stime, in clock ticks of $(getconf CLK_TCK 2>/dev/null || echo 100) Hz) before and after $BENCH_IDLE s; wake-ups are its voluntary context switches in between. Goal: under 0.5% of one processor."
echo
echo "| Waiting for | Seconds | CPU (schedstat) | CPU (utime+stime) | Share of a processor | Wake-ups | Goal < 0.5% |"
echo "|---|---:|---:|---:|---:|---:|---|"
for w in card key; do
	idle=$(field idle <"$T/$w")
	sched=$(field cpu_sched <"$T/$w")
	ticks=$(field cpu_ticks <"$T/$w")
	wake=$(field wakeups <"$T/$w")
	[ -n "$sched" ] || die "idle: no figures for the $w wait"
	share=$(calc "100 * $sched / $idle" %.4f)
	case $w in
	card) what="a card (world creation, empty slot)"; short="a card" ;;
	key) what="a key (home screen)"; short="a key" ;;
	esac
	echo "| $what | $idle | $(calc "$sched * 1000" %.3f) ms | $(calc "$ticks * 1000" %.0f) ms | $share% | $wake | $(goal "Idle, waiting for $short: < 0.5% CPU" "$share%" "$share < 0.5") |"
done
