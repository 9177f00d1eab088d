#!/bin/sh
# The file card slot: one card at a time, inserted and removed by
# another process while officiant waits (inotify), as a custodian would
# with a USB stick.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

K=$T/kmdata; S=$T/slot
mkdir -p "$S" "$T/out-cards"

# put FILE SLOTFILE: a card arrives whole, as a stick does; a half-copied
# file is no card (the slot would refuse it under a busy machine).
put() {
	cp "$1" "$T/put.tmp" && mv "$T/put.tmp" "$2"
}

# wait_for FILE TEXT COUNT: until TEXT appears COUNT times in FILE.
wait_for() {
	n=0
	while [ "$(grep -c -- "$2" "$1" 2>/dev/null)" -lt "$3" ]; do
		n=$((n + 1))
		if [ $n -gt 900 ]; then
			fail "timed out waiting for '$2' x$3 in $1"
			cat "$1" >&2
			return 1
		fi
		sleep 0.1
	done
}

# Every officiant run that waits for cards is under timeout(1), so a
# run that never sees its card fails the test instead of hanging it.

# A card of another world first: refused, then three blank cards.
create_world "other world" "$T/ok" "$T/other" 12

pins_23 >"$T/in"
timeout 120 "$OFFICIANT" world create --quorum 2/3 --kmdata "$K" --slot "$S" --kdf-cost 12 \
    <"$T/in" >"$T/create.out" 2>"$T/create.err" &
pid=$!
wait_for "$T/create.out" "Insert a blank card for card 1" 1
put "$(ls "$T"/other/*-1.card)" "$S/stick.card"
wait_for "$T/create.out" "Card refused" 1
expect_in "$T/create.out" "give --erase" "foreign card refusal says what to do"
wait_for "$T/create.out" "Remove the card" 1
rm "$S/stick.card"
for i in 1 2 3; do
	: >"$S/blank$i.card"
	wait_for "$T/create.out" "Card $i of 3 (" 1 || break
	wait_for "$T/create.out" "Remove the card" $((i + 1)) || break
	mv "$S/blank$i.card" "$T/out-cards/card$i.card"
done
wait $pid
rc=$?
[ $rc -eq 0 ] || { fail "slot create exit $rc"; cat "$T/create.out" "$T/create.err" >&2; }
expect_in "$T/create.out" "created in $K" "slot create"
[ -z "$(ls "$S")" ] || fail "slot not empty after create"

# --erase: a card of another world is reused after a yes.
printf 'y\n5555\n5555\n6666\n6666\n' >"$T/in3"
timeout 120 "$OFFICIANT" world create --quorum 2/2 --kmdata "$T/k3" --slot "$S" --kdf-cost 12 \
    --erase <"$T/in3" >"$T/erase.out" 2>"$T/erase.err" &
pid=$!
# Whole at once, as a stick is: a half-copied file is no card.
put "$T/out-cards/card3.card" "$S/old.card"
wait_for "$T/erase.out" "Remove the card" 1
mv "$S/old.card" "$T/erased.card"
: >"$S/blank.card"
wait_for "$T/erase.out" "Remove the card" 2
rm "$S/blank.card"
wait $pid
rc=$?
[ $rc -eq 0 ] || { fail "create --erase exit $rc"; cat "$T/erase.out" "$T/erase.err" >&2; }
expect_in "$T/erase.out" "erase card 3 of world" "erase asks first"
expect 0 "erased card inspect" -- "$OFFICIANT" card inspect "$T/erased.card"
expect_in "$T/out" "1 of 2" "erased card rewritten for the new world"

# Two cards in one slot is an error, not a guess.
put "$T/out-cards/card1.card" "$S/a.card"
put "$T/out-cards/card2.card" "$S/b.card"
expect 1 "two cards in the slot" -- "$OFFICIANT" card inspect --slot "$S"
expect_in "$T/err" "remove all but one" "two cards explained"
rm -f "$S"/*.card

# A quorum through the slot restores the world elsewhere.
expect 0 "backup" -- "$OFFICIANT" world backup --kmdata "$K" "$T/bak"
printf '3333\n1111\n' >"$T/in2"
timeout 120 "$OFFICIANT" world restore --kmdata "$T/k2" --slot "$S" "$T/bak" \
    <"$T/in2" >"$T/restore.out" 2>"$T/restore.err" &
pid=$!
for i in 3 1; do
	wait_for "$T/restore.out" "Insert a card of world" 1 || break
	put "$T/out-cards/card$i.card" "$S/card.card"
	wait_for "$T/restore.out" "Card $i accepted" 1 || break
	rm "$S/card.card"
done
wait $pid
rc=$?
[ $rc -eq 0 ] || { fail "slot restore exit $rc"; cat "$T/restore.out" "$T/restore.err" >&2; }
expect_in "$T/restore.out" "restored into $T/k2" "slot restore"
finish
