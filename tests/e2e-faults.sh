#!/bin/sh
# Fault injection: the create-world, generate-key and byok-azure
# rehearsals run with one call failing (tests/fault/faultshim.c): the
# Nth write, fsync, rename, open for writing or allocation, for N over
# the whole run (every one, or one in EVERY drawn with a seed), and a
# few runs where calls fail at random. After each run:
#   - it ended with a clear error (exit 1 to 7, a message of its own
#     besides the shim's), or it got over the fault and completed; no
#     crash, no sanitizer report, no abort;
#   - no temporary file is left;
#   - the world, if there is one, loads, its modules are there and each
#     of its cards is in the drawer; every card file is blank or parses;
#   - every transcript verifies up to its last checkpoint (exit 0 or 6;
#     7 when no world vouches for it), and no entry lost its data.
#
# FAULT_SEED=N draws other points (default 1); FAULT_EVERY=N takes about
# one in N of the writes and fsyncs (default: per ceremony, below; 1
# takes them all); FAULT_MALLOC=N allocations per ceremony (default 12).
# FAULT_ONLY="CEREMONY SPEC" (e.g. "byok-azure malloc:34517", as a
# failure names it) runs that one point, prints what the run printed and
# keeps its directory.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

: "${OFFICIANT_CEREMONY_DIR:=$top_srcdir/ceremony}"
# The built-in scripts, but create-world's cards with the cheapest PIN
# KDF: what is tested is what a failure does, not how long scrypt takes.
mkdir -p "$T/ceremony"
cp "$OFFICIANT_CEREMONY_DIR"/*.ceremony "$T/ceremony/"
sed 's/args = { k = "${k}"; n = "${n}";/& kdf_cost = "10";/' \
    "$OFFICIANT_CEREMONY_DIR/create-world.ceremony" >"$T/ceremony/create-world.ceremony"
grep -q 'kdf_cost = "10"' "$T/ceremony/create-world.ceremony" ||
    { echo "create-world.ceremony changed: make the sed above fit" >&2; exit 1; }
OFFICIANT_CEREMONY_DIR=$T/ceremony
export OFFICIANT_CEREMONY_DIR
XDG_CONFIG_HOME=$T/xdg; HOME=$T/home; export XDG_CONFIG_HOME HOME
need_fault_shim
SEED=${FAULT_SEED:-1}
# Hundreds of runs of a hundred fsyncs each would wait on a disk.
scratch faults
NMALLOC=${FAULT_MALLOC:-12}

expect 0 "make-kek" -- "$OFFICIANT" training make-kek --out "$T/kek" --size 2048
KEK=$T/kek/TRAINING-kek.pem

# $T/rehearse CEREMONY DIR FAULT [COUNTS]: the rehearsal in DIR with the
# shim in officiant alone; libconfig cannot survive a failed allocation
# in its parser, nor glibc 2.36's regcomp one of its reallocs (it frees
# twice), so their calls are spared (the next one fails instead).
{
	echo '#!/bin/sh'
	echo 'c=$1; d=$2; f=$3; n=$4'
	echo 'case $c in'
	echo "byok-azure) set -- --workdir \"\$d\" --set kek='$KEK' --set kek_sha256='$(sha "$KEK")' \\"
	echo "    --set chain='$T/kek/TRAINING-chain.pem' --set root='$(cat "$T/kek/TRAINING-root-sha256.txt")' \\"
	echo "    --set kek_id='$(cat "$T/kek/TRAINING-kek-id.txt")' ;;"
	echo 'create-world) set -- --set k=2 --set n=3 ;;'
	echo '*) set -- ;;'
	echo 'esac'
	echo "exec env LD_PRELOAD='$SHIM' OFFICIANT_FAULT=\"\$f\" OFFICIANT_FAULT_COUNT=\"\$n\" \\"
	echo "    OFFICIANT_FAULT_SPARE=libconfig.so:regcomp '$OFFICIANT' training run --dir \"\$d\" \"\$@\" \"\$c\""
} >"$T/rehearse"
chmod +x "$T/rehearse"

# generate-key and byok-azure run on a copy of a training world made
# once (create-world makes its own): what is counted is the ceremony's.
"$T/rehearse" generate-key "$R/tpl" "" </dev/null >/dev/null 2>&1
rm -rf "$R/tpl/kmdata/transcripts" "$R/tpl/kmdata/otp-state" "$R/tpl/kmdata/otp-state.lock"
[ -f "$R/tpl/kmdata/world" ] || { fail "no training world"; finish; }
fresh() {
	rm -rf "$2"
	[ "$1" = create-world ] || cp -a "$R/tpl" "$2"
}

# Answers by prompt; a failed step is not tried again.
converse() {
	"$CONVERSE" -t 30 "Try it again=n" "Key ident=" "Key type=" \
	    "Size in bits=" "RSA key size=" "YubiKey=" "[y/N]=y" \
	    "Card 1 of=1111" "Card 2 of=2222" "Card 3 of=3333" \
	    "Card 1: PIN=1111" "Card 2: PIN=2222" "Card 3: PIN=3333" "$@"
}

# check WHAT DIR RC: the state a run with a fault left in DIR.
check() {
	c_what=$1; D=$2; c_rc=$3
	if grep -qiE 'sanitizer|runtime error|core dumped|abort' "$T/err"; then
		fail "$c_what: crashed"
		sed 's/^/  stderr: /' "$T/err" >&2
	fi
	if [ "$c_rc" -eq 0 ]; then
		grep -q "The ceremony is complete." "$T/out" ||
		    fail "$c_what: exit 0, but not complete"
	elif [ "$c_rc" -ge 8 ]; then
		fail "$c_what: exit $c_rc"
		tail -5 "$T/out" | sed 's/^/  stdout: /' >&2
		sed 's/^/  stderr: /' "$T/err" >&2
	elif ! grep -v '^officiant-fault:' "$T/err" | grep -q 'officiant'; then
		fail "$c_what: exit $c_rc without a message"
		sed 's/^/  stderr: /' "$T/err" >&2
	fi
	c_left=$(find "$D" -name '*.tmp.*' 2>/dev/null)
	[ -z "$c_left" ] || fail "$c_what: temporary files left: $c_left"
	for c_c in "$D"/cards/*.card; do
		[ -s "$c_c" ] || continue
		"$OFFICIANT" card inspect "$c_c" >>"$T/cards" 2>&1 ||
		    fail "$c_what: card $(basename "$c_c") does not parse"
	done
	c_v=
	if [ -e "$D/kmdata/world" ]; then
		c_v="--kmdata $D/kmdata"
		if "$OFFICIANT" world info --kmdata "$D/kmdata" >"$T/winfo" 2>&1; then
			# Each card of the world is in the drawer, each module there.
			for c_id in $(awk '/^Cards/ { c = 1; next } /^[A-Z]/ { c = 0 }
			    c && $2 ~ /^[0-9a-f]+$/ { print $2 }' "$T/winfo"); do
				grep -q "card id  *$c_id" "$T/cards" 2>/dev/null ||
				    fail "$c_what: card $c_id of the world is lost"
			done
			awk '/^Modules/ { m = 1; next } m && NF == 3 && $1 != "module" && $3 != "ok" { exit 1 }' "$T/winfo" ||
			    fail "$c_what: a module of the world is not there: $(sed -n '/^Modules/,$p' "$T/winfo")"
		else
			fail "$c_what: the world does not load: $(cat "$T/winfo")"
		fi
	fi
	rm -f "$T/cards"
	for c_t in "$D"/kmdata/transcripts/*; do
		[ -e "$c_t" ] || continue
		# shellcheck disable=SC2086
		"$OFFICIANT" verify $c_v "$c_t" >"$T/vout" 2>&1
		c_x=$?
		case $c_x/$c_v in
		0/*|6/*|7/) ;;
		*) fail "$c_what: $(basename "$c_t"): verify exit $c_x"
		   sed 's/^/  /' "$T/vout" >&2 ;;
		esac
		! grep -q '"data":{}' "$c_t" || fail "$c_what: $(basename "$c_t"): an entry without its data"
	done
}

# fault CEREMONY SPEC: one run.
fault() {
	D=$R/run
	fresh "$1" "$D"
	converse -- "$T/rehearse" "$1" "$D" "$2" >"$T/out" 2>"$T/err"
	f_rc=$?
	if ! grep -q '^officiant-fault: \(failing\|killed\)' "$T/err"; then
		# The run ended before the Nth call.
		[ "$f_rc" -eq 0 ] || fail "$1 $2: exit $f_rc without the fault"
		return
	fi
	check "$1 $2" "$D" "$f_rc"
}

# points N EVERY: 1 to N, about one in EVERY drawn with the seed (1 and
# N always).
points() {
	awk -v n="$1" -v every="$2" -v seed="$SEED" 'BEGIN {
		srand(seed); print 1
		for (i = 2; i < n; i++) if (rand() * every < 1) print i
		if (n > 1) print n }'
}

if [ -n "${FAULT_ONLY:-}" ]; then
	# shellcheck disable=SC2086
	fault $FAULT_ONLY
	sed 's/^/  stdout: /' "$T/out"; sed 's/^/  stderr: /' "$T/err"
	K=$(mktemp -d /tmp/officiant-fault.XXXXXX)
	cp -a "$R/run" "$K/"
	echo "the run's directory: $K/run"
	finish
fi

for c in generate-key create-world byok-azure; do
	case $c in
	generate-key) every=2 ;;
	create-world) every=5 ;;
	*) every=6 ;;
	esac
	every=${FAULT_EVERY:-$every}
	# How many calls of each kind a whole run makes.
	fresh "$c" "$R/count-$c"
	start=$(date +%s)
	runs=0
	converse -- "$T/rehearse" "$c" "$R/count-$c" "" "$T/counts" >"$T/out" 2>"$T/err" ||
	    { fail "$c: a whole run: exit $?"; sed 's/^/  /' "$T/out" "$T/err" >&2; continue; }
	for k in rename open write fsync malloc; do
		max=$(sed -n "s/^$k //p" "$T/counts")
		case $k in
		rename|open) pts=$(points "$max" 1) ;;
		malloc) pts=$(points "$max" $((max / NMALLOC + 1))) ;;
		*) pts=$(points "$max" "$every") ;;
		esac
		for n in $pts; do
			fault "$c" "$k:$n"
			runs=$((runs + 1))
		done
	done
	# Every call from some point on fails (a full disk), and calls
	# failing at random.
	fault "$c" "write:$(( $(sed -n 's/^write //p' "$T/counts") / 2 ))+:ENOSPC"
	fault "$c" "fsync:~9@$SEED"
	fault "$c" "malloc:~4000@$SEED"
	echo "$c: $((runs + 3)) runs in $(($(date +%s) - start)) s"
done

finish
