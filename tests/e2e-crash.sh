#!/bin/sh
# Crash safety: the byok-azure rehearsal is killed (SIGKILL) at every
# prompt in turn, and at points inside its writes (in the middle of a
# write, before an fsync, before and after each rename: the fault
# shim's kill modes), then 'officiant resume' finishes it, answering
# whatever it asks. Every run must end with a sealed transcript that
# verifies, exactly one key and one reduced copy of it (each made once,
# never twice), one package, every file as on record, a world that
# loads, cards that parse, and no temporary file left behind. A key
# written just before the kill is taken over by the resume (adopted),
# a package is made again; both must happen at least once.
#
# CRASH_SEED=N draws other points inside the writes (default 1), and
# CRASH_EVERY=N about one in N of them (default 4; 1 takes them all).
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

: "${OFFICIANT_CEREMONY_DIR:=$top_srcdir/ceremony}"
export OFFICIANT_CEREMONY_DIR
XDG_CONFIG_HOME=$T/xdg; HOME=$T/home; export XDG_CONFIG_HOME HOME
need_fault_shim
SEED=${CRASH_SEED:-1}
EVERY=${CRASH_EVERY:-4}
scratch crash

# The training KEK. $T/byok DIR [FAULT [COUNTS]] rehearses byok-azure
# in DIR, with the shim in officiant alone.
expect 0 "make-kek" -- "$OFFICIANT" training make-kek --out "$T/kek" --size 2048
KEK=$T/kek/TRAINING-kek.pem
KSHA=$(sha "$KEK")
CHAIN=$T/kek/TRAINING-chain.pem
ROOT=$(cat "$T/kek/TRAINING-root-sha256.txt")
KID=$(cat "$T/kek/TRAINING-kek-id.txt")
{
	echo '#!/bin/sh'
	echo "exec env LD_PRELOAD='$SHIM' OFFICIANT_FAULT=\"\$2\" OFFICIANT_FAULT_COUNT=\"\$3\" \\"
	echo "    '$OFFICIANT' training run --dir \"\$1\" --workdir \"\$1\" \\"
	echo "    --set kek='$KEK' --set kek_sha256='$KSHA' --set chain='$CHAIN' \\"
	echo "    --set root='$ROOT' --set kek_id='$KID' byok-azure"
} >"$T/byok"
chmod +x "$T/byok"

# converse ARGS...: answers by prompt (tests/fault/converse.c); a step
# that failed is not tried again (no run may need that), PINs by card,
# and the parameters given with --set, which a resume asks for when the
# crash came before they were on record.
converse() {
	"$CONVERSE" -t 30 "Try it again=n" "Key ident=" "RSA key size=" \
	    "YubiKey=" "[y/N]=y" "Card 1: PIN=1111" "Card 2: PIN=2222" \
	    "Card 3: PIN=3333" "downloaded from Azure=$KEK" "KEK file's SHA-256=$KSHA" \
	    "certificate chain=$CHAIN" "pinned root=$ROOT" "key identifier=$KID" \
	    "$@"
}

# A training world to copy for each run, so that the points counted
# are the ceremony's own.
TPL=$R/template
"$T/byok" "$TPL" </dev/null >/dev/null 2>&1
rm -rf "$TPL/kmdata/transcripts" "$TPL/kmdata/otp-state" "$TPL/kmdata/otp-state.lock"
[ -f "$TPL/kmdata/world" ] || { fail "no training world"; finish; }

# How many prompts, writes, fsyncs and renames a whole run has.
cp -a "$TPL" "$R/count"
converse -- "$T/byok" "$R/count" "" "$T/counts" >"$T/out" 2>&1 ||
    { fail "a whole run: exit $?"; sed 's/^/  /' "$T/out" >&2; finish; }
n_write=$(sed -n 's/^write //p' "$T/counts")
n_fsync=$(sed -n 's/^fsync //p' "$T/counts")
n_rename=$(sed -n 's/^rename //p' "$T/counts")
NPROMPTS=$(grep -c '^\[[0-9]*\] \|Card [0-9]*: PIN' "$T/out")
echo "a whole run: $NPROMPTS prompts, $n_write writes, $n_fsync fsyncs, $n_rename renames"

# check WHAT DIR: the end state of a finished run in DIR.
check() {
	c_what=$1; D=$2
	tr=$(ls "$D/kmdata/transcripts/"*-byok-azure*.transcript 2>/dev/null)
	[ "$(printf '%s\n' "$tr" | grep -c .)" -eq 1 ] ||
	    { fail "$c_what: transcripts: $(ls "$D/kmdata/transcripts" 2>/dev/null | tr '\n' ' ')"; return; }
	expect 0 "$c_what: verify" -- "$OFFICIANT" verify --kmdata "$D/kmdata" "$tr"
	grep -q "^OK: transcript of ceremony byok-azure (TRAINING): .*sealed" "$T/out" ||
	    fail "$c_what: not sealed"
	grep -q "^files: [0-9]* match, 0 not present" "$T/out" ||
	    fail "$c_what: files on record: $(grep '^files:' "$T/out")"
	keys=$(ls "$D/kmdata" | grep '^key_' | tr '\n' ' ')
	[ "$keys" = "key_simple_contosokey key_xferacld_contosokey " ] ||
	    fail "$c_what: keys: $keys"
	for c_a in key.generate key.reduce-acl; do
		c_n=$(grep -c "\"action\":\"$c_a\",\"args\":.*\"ok\":true" "$tr")
		[ "$c_n" -eq 1 ] || fail "$c_what: $c_a done $c_n times"
	done
	[ "$(ls "$D" | grep -c '\.byok$')" -eq 1 ] || fail "$c_what: packages: $(ls "$D" | grep byok)"
	grep -q "\"path\":\"[^\"]*/TransferPackage-contosokey.byok\",\"sha256\":\"$(sha "$D/TransferPackage-contosokey.byok")\"" "$tr" ||
	    fail "$c_what: the package is not the one on record"
	expect 0 "$c_what: world" -- "$OFFICIANT" world info --kmdata "$D/kmdata"
	for c_c in "$D"/cards/*.card; do
		expect 0 "$c_what: card $(basename "$c_c")" -- "$OFFICIANT" card inspect "$c_c"
	done
	left=$(find "$D" -name '*.tmp.*')
	[ -z "$left" ] || fail "$c_what: temporary files left: $left"
	grep -o '"action":"[a-z.-]*","args":{[^}]*},"ok":true,"result":{[^}]*},"error":null,"adopted":true' "$tr" |
	    sed 's/^"action":"\([a-z.-]*\)".*/adopted \1/' >>"$T/seen"
	grep -o '"type":"action-begun".*"removed"' "$tr" | sed 's/.*"action":"\([a-z.-]*\)".*/removed \1/' >>"$T/seen"
}

# crash WHAT -kN|- FAULT|-: a run killed by converse at prompt N (from
# 0), or by the shim (FAULT, kill-KIND:N), then resumed to its end.
crash() {
	what=$1; copt=$2; fault=$3
	D=$R/run
	rm -rf "$D"
	cp -a "$TPL" "$D"
	[ "$copt" = - ] && copt=
	[ "$fault" = - ] && fault=
	# shellcheck disable=SC2086
	converse $copt -- "$T/byok" "$D" "$fault" >"$T/out1" 2>&1
	rc=$?
	tr=$(ls "$D/kmdata/transcripts/"*.transcript 2>/dev/null)
	if [ "$rc" -eq 0 ]; then
		:	# it ended before the point
	elif [ "$rc" -ne 137 ]; then
		fail "$what: exit $rc, expected a kill"
		sed 's/^/  /' "$T/out1" >&2
		return
	elif [ -z "$tr" ]; then
		# Killed before the transcript was there: nothing began.
		converse -- "$T/byok" "$D" >"$T/out2" 2>&1 ||
		    { fail "$what: run again: exit $?"; sed 's/^/  /' "$T/out2" >&2; }
	elif "$OFFICIANT" verify --kmdata "$D/kmdata" "$tr" >"$T/vout" 2>&1; then
		# Killed at the last fsync: the seal was already written.
		grep -q "sealed" "$T/vout" || fail "$what: killed: verify: $(cat "$T/vout")"
	else
		v=$?
		[ "$v" -eq 6 ] || { fail "$what: killed: verify exit $v, expected 6"; sed 's/^/  /' "$T/vout" >&2; }
		converse -- "$OFFICIANT" resume --workdir "$D" "$tr" >"$T/out2" 2>&1
		v=$?
		if [ "$v" -ne 0 ] || ! grep -q "The ceremony is complete." "$T/out2"; then
			fail "$what: resume: exit $v"
			sed 's/^/  run: /' "$T/out1" | tail -12 >&2
			sed 's/^/  resume: /' "$T/out2" >&2
		fi
	fi
	check "$what" "$D"
}

# 1. At every prompt.
n=0
while [ "$n" -lt "$NPROMPTS" ]; do
	crash "killed at prompt $n" "-k$n" -
	n=$((n + 1))
done

# 2. Inside the writes: every rename, and writes and fsyncs drawn with
# the seed (about one in EVERY, and the first and the last).
points() {
	awk -v n="$1" -v every="$2" -v seed="$SEED" 'BEGIN {
		srand(seed); print 1
		for (i = 2; i < n; i++) if (rand() * every < 1) print i
		if (n > 1) print n }'
}
for n in $(points "$n_rename" 1); do
	crash "killed at rename $n" - "kill-rename:$n"
	crash "killed after rename $n" - "after-rename:$n"
done
for n in $(points "$n_write" "$EVERY"); do
	crash "killed in write $n" - "kill-write:$n"
done
for n in $(points "$n_fsync" "$EVERY"); do
	crash "killed at fsync $n" - "kill-fsync:$n"
done

# The resumes took over the key and its reduced copy, and made the
# package again.
for w in "adopted key.generate" "adopted key.reduce-acl" "removed package.create"; do
	grep -qx "$w" "$T/seen" 2>/dev/null || fail "no run $w"
done
sort "$T/seen" 2>/dev/null | uniq -c

finish
