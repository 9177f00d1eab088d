# Shared by the benchmarks (sourced). Each benchmark writes a Markdown
# section on stdout and its progress on stderr. From the environment:
# OFFICIANT, OPENSSL, BENCH_BIN (the built bench/ programs), top_srcdir;
# BENCH_TMP (scratch space, default /dev/shm when writable) and
# BENCH_DISK (a disk directory, for what must pay for fsync).
set -u
export LC_ALL=C
: "${OFFICIANT:?}" "${BENCH_BIN:?}" "${top_srcdir:?}"
: "${OPENSSL:=openssl}"
if [ -z "${BENCH_TMP:-}" ]; then
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then
		BENCH_TMP=/dev/shm
	else
		BENCH_TMP=${TMPDIR:-/tmp}
	fi
fi
: "${BENCH_DISK:=${TMPDIR:-/var/tmp}}"
T=$(mktemp -d "$BENCH_TMP/officiant-bench.XXXXXX") || exit 1
DISKT=
trap 'rm -rf "$T" ${DISKT:+"$DISKT"}' EXIT
trap 'exit 130' INT TERM
# No configuration of the user's or the system's takes part.
XDG_CONFIG_HOME=$T/xdg; HOME=$T/home; export XDG_CONFIG_HOME HOME
mkdir -p "$HOME"
: "${OFFICIANT_CEREMONY_DIR:=$top_srcdir/ceremony}"
export OFFICIANT_CEREMONY_DIR
RUN=$BENCH_BIN/run

# use_disk: DISKT, a scratch directory in BENCH_DISK.
use_disk() {
	DISKT=$(mktemp -d "$BENCH_DISK/officiant-bench.XXXXXX") ||
	    die "cannot make a directory in $BENCH_DISK"
}

say() {
	echo "bench: $*" >&2
}

die() {
	echo "bench: $*" >&2
	exit 1
}

# machine: the machine line every section begins with.
machine() {
	m_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
	m_ossl=$("$OPENSSL" version 2>/dev/null | cut -d' ' -f1-2)
	echo "Machine: ${m_cpu:-unknown CPU}, $(nproc) cores, $(uname -s) $(uname -r), $m_ossl; load average at start $(cut -d' ' -f1-3 /proc/loadavg)."
}

# section TITLE: a section's heading and machine line.
section() {
	echo "## $1"
	echo
	machine
	echo
}

# fstype DIR: the file system DIR is on.
fstype() {
	stat -f -c %T "$1" 2>/dev/null || echo unknown
}

# field NAME: every value that follows the word NAME in the lines on
# stdin ("name value" pairs, as the bench programs print them).
field() {
	awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'
}

# median, q1, q3: of the numbers on stdin, one a line.
quantile() {
	sort -g | awk -v q="$1" '{ a[NR] = $1 }
	    END { if (NR == 0) { print "nan"; exit }
		p = 1 + (NR - 1) * q; i = int(p); f = p - i
		print (i < NR) ? a[i] + f * (a[i + 1] - a[i]) : a[i] }'
}
median() {
	quantile 0.5
}

# spread: the interquartile range of the numbers on stdin, as a
# percentage of their median.
spread() {
	sort -g >"$T/spread"
	s_m=$(quantile 0.5 <"$T/spread")
	s_1=$(quantile 0.25 <"$T/spread")
	s_3=$(quantile 0.75 <"$T/spread")
	awk -v m="$s_m" -v a="$s_1" -v b="$s_3" 'BEGIN { printf "%.0f%%", (m > 0 ? 100 * (b - a) / m : 0) }'
}

# calc EXPRESSION [FORMAT]: awk arithmetic, printed with FORMAT (%.2f).
calc() {
	awk "BEGIN { printf \"${2:-%.2f}\", $1 }"
}

# ms SECONDS: milliseconds, to one decimal.
ms() {
	calc "$1 * 1000" %.1f
}

# mb KIB: mebibytes, to one decimal.
mb() {
	calc "$1 / 1024" %.1f
}

# verdict CONDITION: met or not met, as awk judges CONDITION.
verdict() {
	if awk "BEGIN { exit !($1) }"; then echo met; else echo "**not met**"; fi
}

# goal WHAT FIGURE CONDITION: the verdict, which bench.sh also lists
# with WHAT and FIGURE in the summary (BENCH_GOALS).
goal() {
	g_v=$(verdict "$3")
	[ -n "${BENCH_GOALS:-}" ] && echo "| $1 | $2 | $g_v |" >>"$BENCH_GOALS"
	echo "$g_v"
}

# timed FILE [RUN-OPTION...] -- COMMAND...: one run of COMMAND through
# the runner, its figures appended to FILE, its output in $T/out (which
# it replaces). Returns the runner's status.
timed() {
	t_file=$1; shift
	: >"$T/out"
	"$RUN" -o "$T/out" "$@" >>"$t_file"
}

# pins N: what 'world create' reads for N cards: card i's PIN, 1000 + i,
# twice.
pins() {
	awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++) printf "%d\n%d\n", 1000 + i, 1000 + i }'
}

# make_world KMDATA DRAWER K N: a world of K of N cards with the
# cheapest card KDF (--kdf-cost 10), the PINs of pins.
make_world() {
	mkdir -p "$2"
	pins "$4" >"$T/pins"
	"$OFFICIANT" world create --quorum "$3/$4" --kmdata "$1" --drawer "$2" \
	    --kdf-cost 10 <"$T/pins" >"$T/out" 2>&1 ||
	    { cat "$T/out" >&2; die "cannot create a $3-of-$4 world"; }
}

# shimmed FILE [RUN-OPTION...] -- COMMAND...: timed, with bench/timeshim
# loaded into the command; what it measured joins the run's line in
# FILE: kdf, keygen, keyaux, fsync, process (seconds: wall time inside
# those calls, from its loading to the exit for process), NAME_cpu (the
# processor time of the same) and NAME_calls (how many).
shimmed() {
	s_file=$1; shift
	rm -f "$T/times"
	: >"$T/run1"
	timed "$T/run1" -e "LD_PRELOAD=$BENCH_BIN/timeshim.so" \
	    -e "BENCH_TIMES=$T/times" "$@"
	s_ret=$?
	{ tr -d '\n' <"$T/run1"
	  [ -f "$T/times" ] && awk '{ printf " %s %s %s_cpu %s %s_calls %s", $1, $3, $1, $4, $1, $2 }' "$T/times"
	  echo; } >>"$s_file"
	return $s_ret
}
