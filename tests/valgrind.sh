#!/bin/sh
# End-to-end tests under valgrind (memcheck): every run of the program
# in the tests named (default: a representative subset) goes through a
# wrapper that runs it under valgrind, so that an invalid read or write,
# a use of uninitialised memory, a bad free or a definite leak makes it
# exit 99, which the test sees as a wrong exit code, and is kept in a
# log that this script shows. Run from the build directory, after make
# (make check-valgrind does both):
#
#   sh SRCDIR/tests/valgrind.sh [TEST...]      TEST: e2e-key or tests/e2e-key.sh
#
# Environment: VALGRIND (default valgrind), VALGRIND_OPTS (more options),
# OFFICIANT (default ./officiant), OPENSSL, top_srcdir (default: the
# directory above this script's). Exit 0 when every test passed with no
# valgrind error, 1 otherwise (the reports are kept in
# valgrind-logs/TEST/), 77 when valgrind is not installed.
# Suppressions: tests/valgrind.supp, for library internals only.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(dirname "$here")}"
: "${OFFICIANT:=$(pwd)/officiant}"
: "${OPENSSL:=openssl}"
: "${VALGRIND:=valgrind}"
: "${VALGRIND_OPTS:=}"
export top_srcdir OPENSSL
LC_ALL=C; export LC_ALL

command -v "$VALGRIND" >/dev/null 2>&1 || { echo "SKIP: no valgrind"; exit 77; }
[ -x "$OFFICIANT" ] || { echo "valgrind.sh: no program $OFFICIANT: run make first" >&2; exit 1; }
case $OFFICIANT in /*) ;; *) OFFICIANT=$(pwd)/$OFFICIANT ;; esac

# The subset, about 5 minutes on two cores: keys (generate, inspect,
# reduce-acl with cards, export refused, tampered files), worlds and
# cards (create, info, card commands, backup, restore), the transcript
# reader and verifier over damaged transcripts, an interrupted world
# creation backing out, and training ceremonies through the engine
# (create-world, generate-key, reduce-acl, migrate-key with its
# passphrase, change-pin; reduce-acl and package create from the
# command line) in e2e-hygiene.sh. e2e-ceremonies.sh (every built-in
# ceremony) takes about 25 minutes: name it to run it.
[ $# -gt 0 ] || set -- e2e-key e2e-world e2e-transcript e2e-interrupt e2e-hygiene

V=$(mktemp -d /tmp/officiant-valgrind.XXXXXX)
trap 'rm -rf "$V"' EXIT
rm -rf valgrind-logs
mkdir "$V/logs"
# The wrapper: the program under memcheck, one log per process. A child
# that valgrind follows would log as well; officiant starts none.
cat >"$V/officiant" <<EOF
#!/bin/sh
exec "$VALGRIND" -q --error-exitcode=99 --leak-check=full \\
    --errors-for-leak-kinds=definite --show-leak-kinds=definite \\
    --track-fds=no --num-callers=30 \\
    --suppressions="$top_srcdir/tests/valgrind.supp" \\
    --log-file="$V/logs/vg.%p.log" $VALGRIND_OPTS \\
    "$OFFICIANT" "\$@"
EOF
chmod +x "$V/officiant"

status=0
start=$(date +%s)
for t in "$@"; do
	t=${t#tests/}; t=${t%.sh}
	s=$(date +%s)
	OFFICIANT=$V/officiant sh "$top_srcdir/tests/$t.sh" >"$V/$t.log" 2>&1
	rc=$?
	e=$(($(date +%s) - s))
	# Logs with more than the warnings valgrind prints about system
	# calls it does not know (mlock2 from OpenSSL's secure heap, which
	# falls back to mlock): errors, leaks.
	bad=
	for l in "$V"/logs/vg.*.log; do
		[ -e "$l" ] || continue
		if grep -v -e '^--[0-9]*-- ' "$l" | grep -q .; then
			bad="$bad $l"
		fi
	done
	case $rc in
	0) [ -z "$bad" ] && r=PASS || r=FAIL ;;
	77) r=SKIP ;;
	*) r=FAIL ;;
	esac
	echo "$r: $t (${e}s)"
	if [ $r = FAIL ]; then
		status=1
		# The test's failures, then the first few valgrind reports;
		# all of them are kept in valgrind-logs/TEST.
		grep -e '^FAIL' -e 'check(s) failed' "$V/$t.log" | head -20 | sed 's/^/  /'
		mkdir -p "valgrind-logs/$t"
		cp "$V/$t.log" "valgrind-logs/$t/test.log"
		n=0
		for l in $bad; do
			cp "$l" "valgrind-logs/$t/"
			n=$((n + 1))
			[ $n -le 3 ] || continue
			echo "  --- $(basename "$l")"
			sed 's/^/  /' "$l"
		done
		[ $n -le 3 ] || echo "  ... $((n - 3)) more reports in valgrind-logs/$t"
	fi
	rm -f "$V"/logs/vg.*.log
done
echo "valgrind: $# test(s) in $(($(date +%s) - start))s"
exit $status
