#!/bin/sh
# Bad input: damaged and foreign files, wrong PINs, impossible quorums,
# unusable slots. Each gets a clear message naming the file, a non-zero
# exit and nothing half-written.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

K=$T/kmdata; D=$T/cards
create_world "create" "$K" "$D" 12
c1=$(ls "$D"/*-1.card)

# Impossible quorums: usage errors, nothing created.
mkdir -p "$T/d2"
for q in 3/2 0/3 2/256 2/0 1/3; do
	expect 2 "quorum $q" -- "$OFFICIANT" world create --quorum $q --kmdata "$T/k2" --drawer "$T/d2" <"$T/in"
	[ ! -e "$T/k2/world" ] || fail "quorum $q left a world"
	[ -z "$(ls "$T/d2")" ] || fail "quorum $q left cards"
done
expect 2 "K = 1" -- "$OFFICIANT" world create --quorum 1/3 --kmdata "$T/k2" --drawer "$T/d2" <"$T/in"
expect_in "$T/err" "--allow-single" "K = 1 names the flag"
expect 2 "K > N" -- "$OFFICIANT" world create --quorum 3/2 --kmdata "$T/k2" --drawer "$T/d2" <"$T/in"
expect_in "$T/err" "at most N" "K > N explained"
printf '1111\n1111\n2222\n2222\n' >"$T/in2"
mkdir "$T/d1"
expect 0 "K = 1 allowed" -- "$OFFICIANT" world create --quorum 1/2 --allow-single --kmdata "$T/k1" --drawer "$T/d1" --kdf-cost 12 <"$T/in2"
expect 1 "drawer missing" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$T/k3" --drawer "$T/nosuch" <"$T/in"
expect_in "$T/err" "$T/nosuch" "missing drawer named"
expect_in "$T/err" "No such file" "missing drawer explained"
touch "$T/afile"
expect 1 "slot is a file" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$T/k3" --slot "$T/afile" <"$T/in"
expect_in "$T/err" "not a directory" "slot file explained"

# A second world over the first is refused.
expect 1 "world exists" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$K" --drawer "$T/d2" <"$T/in"
expect_in "$T/err" "already exists" "world exists explained"
[ -z "$(ls "$T/d2")" ] || fail "refused create left cards"

# Input ends half-way: nothing left behind.
printf '1111\n1111\n2222\n' >"$T/in3"
expect 5 "PINs end early" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$T/k4" --drawer "$T/d2" --kdf-cost 12 <"$T/in3"
[ ! -e "$T/k4/world" ] || fail "cancelled create left a world"
[ -z "$(ls "$T/d2")" ] || fail "cancelled create left cards: $(ls "$T/d2")"

# Damaged world files.
cp "$K/world" "$T/world.good"
head -c 100 "$T/world.good" >"$K/world"
expect 3 "truncated world" -- "$OFFICIANT" world info --kmdata "$K"
expect_in "$T/err" "$K/world" "truncated world named"
cp "$c1" "$K/world"
expect 3 "card as world" -- "$OFFICIANT" world info --kmdata "$K"
expect_in "$T/err" "not an officiant-world file" "foreign file explained"
sed 's/"version": 1/"version": 7/' "$T/world.good" >"$K/world"
expect 3 "world version 7" -- "$OFFICIANT" world info --kmdata "$K"
expect_in "$T/err" "unsupported" "version explained"
sed 's/"pin_tries": 5/"pin_tries": 9/' "$T/world.good" >"$K/world"
expect 3 "altered world" -- "$OFFICIANT" world info --kmdata "$K"
expect_in "$T/err" "signature does not verify" "alteration explained"
head -c 2000000 /dev/zero >"$K/world"
expect 3 "huge world" -- "$OFFICIANT" world info --kmdata "$K"
cp "$T/world.good" "$K/world"
expect 1 "no world" -- "$OFFICIANT" world info --kmdata "$T/empty"
expect_in "$T/err" "world create" "no world says what to do"
mv "$K"/module_* "$T/"
expect 0 "module missing" -- "$OFFICIANT" world info --kmdata "$K"
expect_in "$T/out" "missing or unreadable" "module missing shown"
mv "$T"/module_* "$K/"

# Damaged cards.
head -c 50 "$c1" >"$T/trunc.card"
expect 3 "truncated card" -- "$OFFICIANT" card inspect "$T/trunc.card"
expect_in "$T/err" "trunc.card" "truncated card named"
sed 's/"index": 1/"index": 2/' "$c1" >"$T/idx.card"
printf '1111\n' >"$T/in4"
expect 4 "card with altered index" -- "$OFFICIANT" card verify --kmdata "$K" "$T/idx.card" <"$T/in4"
expect 1 "no such card" -- "$OFFICIANT" card inspect "$T/nosuch.card"

# Wrong PINs lock a card.
printf '0000\n0000\n0000\n0000\n0000\n' >"$T/in5"
expect 4 "five wrong PINs" -- "$OFFICIANT" card verify --kmdata "$K" "$c1" <"$T/in5"
expect_in "$T/err" "locked" "lockout explained"
expect 0 "inspect locked" -- "$OFFICIANT" card inspect "$c1"
expect_in "$T/out" "LOCKED" "inspect shows lock"
expect 4 "locked card refuses the right PIN" -- "$OFFICIANT" card verify --kmdata "$K" "$c1" <"$T/in4"
! grep -q "PIN (" "$T/out" || fail "a locked card still asked for a PIN"

# A quorum from another world's cards is refused.
expect 0 "backup" -- "$OFFICIANT" world backup --kmdata "$K" "$T/bak"
printf '1111\n2222\n' >"$T/in6"
expect 4 "restore with foreign cards" -- "$OFFICIANT" world restore --kmdata "$T/k5" --drawer "$T/d1" "$T/bak" <"$T/in6"
expect_in "$T/out" "another world" "foreign cards explained"
[ ! -e "$T/k5/world" ] || fail "refused restore left a world"
finish
