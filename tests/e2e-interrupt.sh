#!/bin/sh
# Ctrl-C (SIGINT) or SIGTERM half-way through creating a world: the
# program backs out, exits 5 and leaves no world and no card behind,
# only the sealed transcript of the attempt.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

for sig in INT TERM; do
	K=$T/kmdata-$sig; D=$T/cards-$sig
	mkdir -p "$D"
	rm -f "$T/fifo"; mkfifo "$T/fifo"
	"$OFFICIANT" world create --quorum 2/3 --kmdata "$K" --drawer "$D" \
	    --kdf-cost 12 <"$T/fifo" >"$T/out" 2>"$T/err" &
	pid=$!
	# Keep the pipe open: card 1's PINs, then nothing more.
	exec 3>"$T/fifo"
	printf '1111\n1111\n' >&3
	n=0
	until grep -q "choose a PIN" "$T/out" && grep -q "Card 1 of 3 (" "$T/out"; do
		n=$((n + 1)); [ $n -lt 300 ] || break; sleep 0.1
	done
	sleep 0.3
	kill -s $sig $pid
	wait $pid
	rc=$?
	exec 3>&-
	[ $rc -eq 5 ] || { fail "SIG$sig: exit $rc, expected 5"; cat "$T/out" "$T/err" >&2; }
	[ ! -e "$K/world" ] || fail "SIG$sig left a world"
	[ -z "$(ls "$D")" ] || fail "SIG$sig left cards: $(ls "$D")"
	# Only the sealed record of the attempt stays in KMDATA.
	[ "$(ls "$K")" = transcripts ] || fail "SIG$sig left files in KMDATA: $(ls "$K")"
	tr=$(ls "$K"/transcripts/*-world-create.transcript)
	expect 7 "SIG$sig attempt recorded and sealed" -- "$OFFICIANT" verify "$tr"
	grep -q '"ok":false' "$tr" || fail "SIG$sig: the failure is not in the transcript"
	grep -q 'interrupted' "$tr" || fail "SIG$sig: the interruption is not in the transcript"
done
finish
