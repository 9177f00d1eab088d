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

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures check(s) failed" >&2
		exit 1
	fi
	exit 0
}
