# Shared by the end-to-end tests: they drive the real binary.
set -u
: "${OFFICIANT:=$(pwd)/officiant}"
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
export LC_ALL=C

T=$(mktemp -d /tmp/officiant-e2e.XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# expect CODE DESCRIPTION -- COMMAND...: run, check the exit code, keep
# stdout in $T/out and stderr in $T/err.
expect() {
	want=$1; what=$2; shift 3
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		fail "$what: exit $got, expected $want"
		sed 's/^/  stdout: /' "$T/out" >&2
		sed 's/^/  stderr: /' "$T/err" >&2
	fi
}

# expect_in FILE TEXT DESCRIPTION: FILE must contain TEXT.
expect_in() {
	grep -qF -- "$2" "$1" || { fail "$3: '$2' not in output"; sed 's/^/  /' "$1" >&2; }
}

# feed TEXT: printf TEXT into $T/in, for 'expect ... <"$T/in"' (a pipe
# into expect would run it in a subshell and lose its failures).
feed() {
	printf "$1" >"$T/in"
}

# pins_23: the PIN answers that create a 2-of-3 world.
pins_23() {
	printf '1111\n1111\n2222\n2222\n3333\n3333\n'
}

# Transcript checks for tests that set K (KMDATA): snap_transcripts
# before a command, then recorded CEREMONY WHAT (exactly one new sealed
# transcript of that ceremony that verify accepts), recorded_if_any (a
# command refused before its ceremony began may leave none) or
# not_recorded WHAT (none left).
snap_transcripts() {
	ls "$K/transcripts" >"$T/tr.before"
}
recorded() {
	ls "$K/transcripts" >"$T/tr.after"
	new=$(comm -13 "$T/tr.before" "$T/tr.after")
	check_new "$@"
}
recorded_if_any() {
	ls "$K/transcripts" >"$T/tr.after"
	new=$(comm -13 "$T/tr.before" "$T/tr.after")
	[ -z "$new" ] || check_new "$@"
}
check_new() {
	case $new in
	*[!-a-zA-Z0-9.]*|"")
		fail "$2: expected one new $1 transcript, got '$new'"
		return ;;
	*-"$1".transcript|*-"$1"-[0-9]*.transcript) ;;
	*)
		fail "$2: new transcript '$new' is not of $1"
		return ;;
	esac
	if ! "$OFFICIANT" verify --kmdata "$K" "$K/transcripts/$new" >"$T/vout" 2>&1; then
		fail "$2: transcript $new does not verify"
		sed 's/^/  /' "$T/vout" >&2
	fi
	grep -q "^OK: transcript of ceremony $1: .*sealed" "$T/vout" || fail "$2: transcript $new not sealed"
}
not_recorded() {
	ls "$K/transcripts" >"$T/tr.after"
	cmp -s "$T/tr.before" "$T/tr.after" || fail "$1: a transcript was left: $(comm -13 "$T/tr.before" "$T/tr.after")"
}

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures check(s) failed" >&2
		exit 1
	fi
	exit 0
}
