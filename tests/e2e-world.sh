#!/bin/sh
# A 2-of-3 world through the real binary in line mode, PINs on stdin,
# then world info, card commands, backup and restore.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

K=$T/kmdata; D=$T/cards
mkdir -p "$D"
pins_23 | "$OFFICIANT" world create --quorum 2/3 --kmdata "$K" --drawer "$D" \
    >"$T/create.out" 2>"$T/create.err"
rc=$?
[ $rc -eq 0 ] || { fail "world create exit $rc"; cat "$T/create.out" "$T/create.err" >&2; finish; }
expect_in "$T/create.out" "created in $K" "create reports KMDATA"
expect_in "$T/create.out" "checking card subsets: 3/3" "every subset checked"
# No PIN ever reaches the output. As a word: a time (T181111Z) or a
# hex identifier may hold the digits.
for p in 1111 2222 3333; do
	! grep -qw "$p" "$T/create.out" "$T/create.err" || fail "PIN $p echoed"
	! grep -rqw "$p" "$K" "$D" || fail "PIN $p stored in a file"
done
[ "$(ls "$D" | wc -l)" -eq 3 ] || fail "three card files expected"
for f in "$K/world" "$K"/module_* "$D"/*.card; do
	[ "$(stat -c %a "$f")" = 600 ] || fail "$f is not mode 0600"
done

expect 0 "world info" -- "$OFFICIANT" world info --kmdata "$K"
expect_in "$T/out" "2 of 3 administrator cards" "info quorum"
expect_in "$T/out" "ed25519-aes256gcm-scrypt" "info suite"
expect_in "$T/out" "soft     ok" "info module"
id=$(sed -n 's/^  identity  *//p' "$T/out")
[ ${#id} -eq 64 ] || fail "world identity '$id'"
expect 0 "world info --json" -- "$OFFICIANT" world info --kmdata "$K" --json
expect_in "$T/out" "\"world\": \"$id\"" "json world id"
expect_in "$T/out" "\"k\": 2" "json k"
# KMDATA from the environment.
OFFICIANT_KMDATA=$K expect 0 "info from OFFICIANT_KMDATA" -- "$OFFICIANT" world info
expect_in "$T/out" "$id" "env KMDATA"

expect 0 "card list" -- "$OFFICIANT" card list --drawer "$D"
expect_in "$T/out" "card 2 of 3" "card list"
c1=$(ls "$D"/*-1.card); c2=$(ls "$D"/*-2.card)
expect 0 "card inspect" -- "$OFFICIANT" card inspect "$c1"
expect_in "$T/out" "$id" "inspect shows world"
expect_in "$T/out" "5 of 5 left" "inspect shows tries"
feed '1111\n'; expect 0 "card verify" -- "$OFFICIANT" card verify --kmdata "$K" "$c1" <"$T/in"
expect_in "$T/out" "share matches the world" "verify"
feed '0000\n1111\n'; expect 0 "verify after a wrong PIN" -- "$OFFICIANT" card verify --kmdata "$K" "$c1" <"$T/in"
expect_in "$T/err" "4 tries left" "wrong PIN shows tries left"
feed '0000\n'; expect 5 "verify, input ends" -- "$OFFICIANT" card verify --kmdata "$K" "$c1" <"$T/in"
expect 0 "inspect after wrong PIN" -- "$OFFICIANT" card inspect "$c1"
expect_in "$T/out" "4 of 5 left" "failure counted on the card"
feed '2222\n4444\n4444\n'; expect 0 "change-pin" -- "$OFFICIANT" card change-pin --kmdata "$K" "$c2" <"$T/in"
feed '2222\n'; expect 5 "old PIN no longer works" -- "$OFFICIANT" card verify --kmdata "$K" "$c2" <"$T/in"
feed '4444\n'; expect 0 "new PIN works" -- "$OFFICIANT" card verify --kmdata "$K" "$c2" <"$T/in"

expect 0 "backup" -- "$OFFICIANT" world backup --kmdata "$K" "$T/backup"
expect 1 "backup twice" -- "$OFFICIANT" world backup --kmdata "$K" "$T/backup"
expect_in "$T/err" "not empty" "backup refuses to overwrite"
! grep -q module_key "$T/backup/world" || fail "module key in the clear in the backup"
feed '1111\n4444\n'; expect 0 "restore" -- "$OFFICIANT" world restore --kmdata "$T/k2" --drawer "$D" "$T/backup" <"$T/in"
expect_in "$T/out" "restored" "restore"
expect 0 "info restored" -- "$OFFICIANT" world info --kmdata "$T/k2"
expect_in "$T/out" "$id" "restored world id"
expect_in "$T/out" "soft     ok" "restored module"
cmp -s "$K/world" "$T/k2/world" || fail "restored world differs"
finish
