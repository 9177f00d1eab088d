#!/bin/sh
# The full-screen interface over a whole Azure BYOK rehearsal at 80x24,
# driven through tmux (send-keys) and read back (capture-pane), from the
# home screen to the sealed transcript: the ceremony chosen from the
# home screen's list, the parameter form checking each field as it is
# typed, a resize in the middle, a deviation recorded with F2 and
# acknowledged by the witness, a wrong PIN then the right one, Ctrl-C
# then a resume chosen from the home screen, the end screen with the
# final root, the files written and a witness cosigning; then the
# transcript verifies with the deviation, the cosignature and the
# package on record.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

. "$top_srcdir/tests/e2e-tmux.sh"
need_tmux
: "${OFFICIANT_CEREMONY_DIR:=$top_srcdir/ceremony}"
export OFFICIANT_CEREMONY_DIR
# Training worlds go here, where the home screen looks for them.
mkdir -p "$T/tmp" "$T/home"

# need TEXT [SECONDS]: the screen must come to show TEXT, or the test
# ends here.
need() {
	wait_screen h "$@" || finish
}
# pick TEXT: move the home screen's menu down to the line with TEXT.
pick() {
	p_i=0
	while [ $p_i -lt 30 ]; do
		screen h
		grep -q "^>.*$1" "$T/screen" && { keys h Enter; return 0; }
		keys h Down
		p_i=$((p_i + 1))
	done
	fail "no menu line with '$1'"
	sed 's/^/  | /' "$T/screen" >&2
	finish
}
# pin: type the PIN the screen asks for (card N has PIN NNNN).
pin() {
	need "its custodian types the PIN" 60
	p_n=$(sed -n 's/.*Card \([0-9]\): its custodian types the PIN.*/\1/p' "$T/screen" | tail -1)
	[ -n "$p_n" ] || { fail "which card?"; finish; }
	type_text h "$p_n$p_n$p_n$p_n"
	keys h Enter
}

expect 0 "make-kek" -- "$OFFICIANT" training make-kek --out "$T/kek" --size 2048
K=$T/kek
# A witness key, its passphrase on stdin.
printf 'witness pass\nwitness pass\n' >"$T/in"
expect 0 "witness keygen" -- "$OFFICIANT" witness keygen --name ann --out "$T/ann.pem" <"$T/in"
VKEY=$(grep '^ann+' "$T/out")

START_DIR=$T/home start h C.UTF-8 env TMPDIR="$T/tmp" HOME="$T/home" \
    OFFICIANT_KMDATA="$T/none" "$OFFICIANT"
need "Officiant - key ceremonies"
pick "Rehearse a ceremony"
need "Which ceremony?"
pick "byok-azure"

# The form: defaults filled in, each field checked as it is typed.
need "Parameters, checked as they are typed"
expect_in "$T/screen" "TRAINING - a rehearsal on a throw-away world" "banner"
expect_in "$T/screen" "> contosokey" "the default ident"
keys h Down Down
type_text h "$K/TRAINING-kek.pe"
screen h
expect_in "$T/screen" "kek: no such file" "a file that is not there, said as it is typed"
expect_in "$T/screen" "✗ The KEK file downloaded from Azure" "the field marked wrong"
type_text h "m"
screen h
expect_in "$T/screen" "✓ The KEK file downloaded from Azure" "the field marked right once the file is there"
keys h Enter
type_text h "$(sha "$K/TRAINING-kek.pem")"
keys h Enter
type_text h "$K/TRAINING-chain.pem"
keys h Enter
type_text h "not hex"
screen h
expect_in "$T/screen" "✗ The pinned root fingerprint" "a root that is not hex, marked wrong"
keys h BSpace BSpace BSpace BSpace BSpace BSpace BSpace
type_text h "$(cat "$K/TRAINING-root-sha256.txt")"
keys h Enter
type_text h "$(cat "$K/TRAINING-kek-id.txt")"
keys h Enter

# Officers touch their (simulated) YubiKeys.
need "Press Enter to touch the simulated YubiKey"
keys h Enter
need "By: Witness"
keys h Enter
need "[1/3] The workstation is disconnected"
keys h y
need "[2/3] The KEK and its chain"
# The screen follows a resize at once, and goes back.
tm resize-window -t h -x 100 -y 30
sleep 0.4
screen h
[ "$(wc -l <"$T/screen")" -ge 30 ] || fail "resize: the screen is not 30 lines"
expect_in "$T/screen" "[2/3] The KEK and its chain" "resize: the question is still there"
tm resize-window -t h -x 80 -y 24
sleep 0.4
screen h
expect_in "$T/screen" "[2/3] The KEK and its chain" "resize back: the question is still there"
keys h y
need "[3/3] A quorum of card custodians"
# F2: a deviation, told by the administrator, acknowledged by the
# witness; then the same question.
keys h F2
need "describe the deviation from"
type_text h "Only two custodians came; the third is on call"
keys h Enter
need "Witness: confirm the deviation as recorded"
keys h y
need "[3/3] A quorum of card custodians"
keys h y
need "verified: Result: SUCCESS"
keys h y

# The quorum: a wrong PIN first.
need "its custodian types the PIN" 60
type_text h 9999
keys h Enter
need "tries left" 60
pin
# Ctrl-C at the second card's PIN asks; yes stops, resumable.
need "(1 of 2" 60
need "its custodian types the PIN" 60
keys h C-c
need "Stop the ceremony here?"
keys h y
need "[exit status 5]" 30
keys h Enter

# Resumed from the home screen.
need "Officiant - key ceremonies"
pick "Resume an interrupted ceremony"
need "Which unsealed transcript?"
expect_in "$T/screen" "-byok-azure.transcript" "the rehearsal's transcript offered"
keys h Enter
i=0
until grep -qF "The ceremony is complete." "$T/screen"; do
	i=$((i + 1))
	[ $i -lt 40 ] || { fail "the resumed ceremony did not end"; sed 's/^/  | /' "$T/screen" >&2; finish; }
	sleep 0.5
	screen h
	if grep -qF "its custodian types the PIN" "$T/screen"; then
		pin
	elif grep -qF "[y] yes    [n] no" "$T/screen"; then
		keys h y
	elif grep -qF "Press Enter to touch" "$T/screen"; then
		keys h Enter
	fi
done
expect_in "$T/screen" "Final root, for the paper record:" "final root shown"
expect_in "$T/screen" "Written: " "the files written are listed"
expect_in "$T/screen" ".byok" "the package among them"
# A witness cosigns on the spot.
keys h c
need "Witness: your name"
type_text h ann
keys h Enter
need "Witness: your witness key file"
type_text h "$T/ann.pem"
keys h Enter
need "Passphrase of the witness key"
type_text h "witness pass"
keys h Enter
need "Cosigned by: ann"
keys h q
need "[exit status 0]" 30
keys h Enter
need "Officiant - key ceremonies"
keys h q
[ "$(wait_rc h)" = 0 ] || fail "home screen: exit $(cat "$T/h.rc" 2>/dev/null)"

# What the transcript holds.
tr=$(ls "$T"/tmp/officiant-training.*/kmdata/transcripts/*-byok-azure.transcript)
km=$(dirname "$(dirname "$tr")")
expect 0 "the transcript verifies, cosigned" -- "$OFFICIANT" verify --kmdata "$km" --witness "$VKEY" "$tr"
expect_in "$T/out" "sealed" "sealed"
expect_in "$T/out" "cosigned by 1 witness" "the cosignature counted"
grep -q '"type":"exception-recorded".*Only two custodians came.*"acknowledged":true' "$tr" ||
    fail "the deviation is not on record as acknowledged"
grep -q '"type":"segment-resumed"' "$tr" || fail "no resume on record"
[ -s "$T/home/TransferPackage-contosokey.byok" ] || fail "no package"
grep -q '"path":"[^"]*TransferPackage-contosokey\.byok"' "$tr" ||
    fail "the package is not on record"
grep -qw -e 1111 -e 2222 -e 3333 -e 9999 "$tr" && fail "a PIN is in the transcript"

# The replay of it: verified, and the deviation found by a search.
start r C.UTF-8 "$OFFICIANT" replay --kmdata "$km" "$tr"
wait_screen r "VERIFIED: sealed" || finish
keys r /
type_text r "Only two custodians"
keys r Enter
wait_screen r "Only two custodians came; the third is on" ||
    fail "replay: the deviation not found"
keys r q
[ "$(wait_rc r)" = 0 ] || fail "replay: exit $(cat "$T/r.rc" 2>/dev/null)"
finish
