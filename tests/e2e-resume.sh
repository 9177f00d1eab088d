#!/bin/sh
# Resume after a kill at every prompt in turn: the generate-key
# rehearsal is killed (SIGKILL) while it waits for its Nth answer, for
# every N, then 'officiant resume' finishes it. Each run must end with a
# sealed transcript that verifies, exactly one key, and the key
# generated exactly once. Also: a sealed transcript does not resume, a
# changed script or a missing file stops the resume with a reason.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

: "${OFFICIANT_CEREMONY_DIR:=$top_srcdir/ceremony}"
export OFFICIANT_CEREMONY_DIR

# The answers of a whole generate-key rehearsal, one per prompt: the
# administrator's and the witness's simulated YubiKey touches, the
# world confirmed, the witness's confirmation.
ANSWERS="- - y y"
NPROMPTS=4

# prompts FILE: how many numbered prompts FILE shows.
prompts() {
	grep -o '^\[[0-9]*\] ' "$1" 2>/dev/null | wc -l
}

# answer WORD: one answer line ("-" is an empty line).
answer() {
	if [ "$1" = - ]; then echo; else echo "$1"; fi
}

# wait_for FILE N: until FILE shows N prompts (or 20 s pass).
wait_for() {
	i=0
	while [ "$(prompts "$1")" -lt "$2" ] && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(prompts "$1")" -ge "$2" ]
}

run_killed_at() {
	n=$1
	D=$T/run$n
	rm -rf "$D"
	mkfifo "$T/fifo$n"
	"$OFFICIANT" training run --dir "$D" --set ident=contosokey --set type=rsa --set size=2048 generate-key <"$T/fifo$n" >"$T/out$n" 2>&1 &
	pid=$!
	exec 3>"$T/fifo$n"
	k=0
	for a in $ANSWERS; do
		[ $k -lt $n ] || break
		wait_for "$T/out$n" $((k + 1)) || fail "kill at $n: prompt $((k + 1)) never came"
		answer "$a" >&3
		k=$((k + 1))
	done
	wait_for "$T/out$n" $((n + 1)) || fail "kill at $n: prompt $((n + 1)) never came"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	exec 3>&-
	rm -f "$T/fifo$n"
	tr=$(ls "$D/kmdata/transcripts/"*-generate-key.transcript 2>/dev/null)
	[ -n "$tr" ] || { fail "kill at $n: no transcript"; return; }
	expect 6 "kill at $n: unsealed" -- "$OFFICIANT" verify --kmdata "$D/kmdata" "$tr"
	# The rest of the answers.
	: >"$T/rest"
	k=0
	for a in $ANSWERS; do
		[ $k -ge $n ] && answer "$a" >>"$T/rest"
		k=$((k + 1))
	done
	expect 0 "kill at $n: resume" -- "$OFFICIANT" resume "$tr" <"$T/rest"
	expect_in "$T/out" "The ceremony is complete." "kill at $n: complete"
	expect 0 "kill at $n: verify" -- "$OFFICIANT" verify --kmdata "$D/kmdata" "$tr"
	expect_in "$T/out" "OK: transcript of ceremony generate-key (TRAINING)" "kill at $n: sealed"
	expect_in "$T/out" "2 segment(s)" "kill at $n: resumed segment"
	[ "$(ls "$D/kmdata" | grep -c '^key_')" -eq 1 ] || fail "kill at $n: keys $(ls "$D/kmdata" | grep '^key_')"
	[ "$(grep -c '"action":"key.generate","args":.*"ok":true' "$tr")" -eq 1 ] || fail "kill at $n: the key was generated $(grep -c '"action":"key.generate"' "$tr") times"
}

n=0
while [ $n -lt $NPROMPTS ]; do
	run_killed_at $n
	n=$((n + 1))
done

# A sealed transcript is over.
expect 2 "resume a sealed transcript" -- "$OFFICIANT" resume "$tr" </dev/null
expect_in "$T/err" "sealed" "sealed: reason"

# Killed after the key was written; then the key file goes: refused.
D=$T/lost
rm -rf "$D"
mkfifo "$T/fifol"
"$OFFICIANT" training run --dir "$D" --set ident=contosokey --set type=rsa --set size=2048 generate-key <"$T/fifol" >"$T/outl" 2>&1 &
pid=$!
exec 3>"$T/fifol"
wait_for "$T/outl" 1 && echo >&3
wait_for "$T/outl" 2 && echo >&3
wait_for "$T/outl" 3 && echo y >&3
wait_for "$T/outl" 4 || fail "lost file: the witness prompt never came"
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
exec 3>&-
tr=$(ls "$D/kmdata/transcripts/"*-generate-key.transcript)
rm -f "$D/kmdata/key_simple_contosokey"
expect 3 "resume with a file missing" -- "$OFFICIANT" resume "$tr" </dev/null
expect_in "$T/err" "missing" "lost file: reason"

# Killed again; then the script changes: refused.
run_dir=$T/changed
mkdir -p "$T/scripts"
cp "$top_srcdir/ceremony/generate-key.ceremony" "$T/scripts/"
OFFICIANT_CEREMONY_DIR=$T/scripts
mkfifo "$T/fifoc"
"$OFFICIANT" training run --dir "$run_dir" --set ident=k1 --set type=rsa --set size=2048 "$T/scripts/generate-key.ceremony" <"$T/fifoc" >"$T/outc" 2>&1 &
pid=$!
exec 3>"$T/fifoc"
wait_for "$T/outc" 1 || fail "changed script: no prompt"
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
exec 3>&-
tr=$(ls "$run_dir/kmdata/transcripts/"*-generate-key.transcript)
echo "# changed" >>"$T/scripts/generate-key.ceremony"
expect 3 "resume with a changed script" -- "$OFFICIANT" resume "$tr" </dev/null
expect_in "$T/err" "not the script the ceremony started with" "changed script: reason"
finish
