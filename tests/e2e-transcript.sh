#!/bin/sh
# Transcripts through the binary: world create records a sealed,
# world-bound transcript; verify, show, prove, consistency, minutes,
# witness cosigning; tampering, truncation and foreign keys are caught.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

K=$T/kmdata; D=$T/cards
create_world "create" "$K" "$D" 10
expect_in "$T/out" "Transcript: $K/transcripts/" "create names its transcript"
tr=$(ls "$K"/transcripts/*-world-create.transcript)
words=$(sed -n 's/^Final root: //p' "$T/out")
[ -n "$words" ] || fail "no final root words"
! grep -qw 1111 "$tr" || fail "a PIN is in the transcript"

# Anchored by the world's module: OK. Without it: unverified signer.
expect 0 "verify with the world" -- "$OFFICIANT" verify --kmdata "$K" "$tr"
expect_in "$T/out" "OK: transcript of ceremony world-create" "verify OK"
expect_in "$T/out" "files: 2 match" "written files checked"
expect 0 "verify --world FILE" -- "$OFFICIANT" verify --world "$K/world" "$tr"
OFFICIANT_KMDATA=$T/none expect 7 "verify without an anchor" -- "$OFFICIANT" verify "$tr"
expect_in "$T/err" "no trusted key" "unanchored explained"
key=$(sed -n '1s/.*"ceremony_key":"\([^"]*\)".*/\1/p' "$tr")
OFFICIANT_KMDATA=$T/none expect 0 "verify --key" -- "$OFFICIANT" verify --key "$key" "$tr"
expect 0 "--expect-root words" -- "$OFFICIANT" verify --kmdata "$K" --expect-root "$words" "$tr"
expect 3 "--expect-root wrong" -- "$OFFICIANT" verify --kmdata "$K" --expect-root "$(printf '%064d' 0)" "$tr"

# Another transcript's key is not this one's.
create_world "second world" "$T/k2" "$T/c2" 10
tr2=$(ls "$T"/k2/transcripts/*.transcript)
key2=$(sed -n '1s/.*"ceremony_key":"\([^"]*\)".*/\1/p' "$tr2")
OFFICIANT_KMDATA=$T/none expect 3 "verify with the wrong --key" -- "$OFFICIANT" verify --key "$key2" "$tr"
expect 3 "verify against the wrong world" -- "$OFFICIANT" verify --world "$T/k2/world" --key "$key2" "$tr"

# Tampering.
sed '3s/"quorum"/"quorun"/' "$tr" >"$T/t1"
expect 3 "one entry changed" -- "$OFFICIANT" verify --kmdata "$K" "$T/t1"
expect_in "$T/out" "BAD: " "tamper reported"
expect_in "$T/out" "line " "tamper names a line"
sed '5d' "$tr" >"$T/t2"
expect 3 "one entry removed" -- "$OFFICIANT" verify --kmdata "$K" "$T/t2"
awk 'NR==4{l=$0;next} NR==5{print;print l;next} {print}' "$tr" >"$T/t3"
expect 3 "two entries swapped" -- "$OFFICIANT" verify --kmdata "$K" "$T/t3"
head -n -2 "$tr" >"$T/t4"
expect 6 "seal cut off" -- "$OFFICIANT" verify --kmdata "$K" "$T/t4"
expect_in "$T/out" "UNSEALED" "unsealed reported"
head -c -7 "$tr" >"$T/t5"
expect 6 "final checkpoint cut short (a crash while sealing)" -- "$OFFICIANT" verify --kmdata "$K" "$T/t5"
: >"$T/t6"
expect 3 "empty transcript" -- "$OFFICIANT" verify --kmdata "$K" "$T/t6"
grep -v checkpoint "$tr" >"$T/t7"
expect 3 "no checkpoint at all" -- "$OFFICIANT" verify --kmdata "$K" "$T/t7"
expect_in "$T/out" "no checkpoint" "no checkpoint explained"
echo 'not json' >"$T/t8"
expect 3 "not a transcript" -- "$OFFICIANT" verify --kmdata "$K" "$T/t8"
cp "$K/world" "$T/world.bak"
printf ' ' >>"$K/$(ls "$K" | grep module_)"
expect 3 "a recorded file changed" -- "$OFFICIANT" verify --kmdata "$K" "$tr"
expect_in "$T/out" "has changed since it was written" "file change explained"
expect 0 "--no-files" -- "$OFFICIANT" verify --kmdata "$K" --no-files "$tr"

# Reading it.
expect 0 "show" -- "$OFFICIANT" transcript show "$tr"
expect_in "$T/out" "ceremony-sealed" "show lists the seal"
expect_in "$T/out" "checkpoint" "show lists checkpoints"
expect 0 "show --json" -- "$OFFICIANT" transcript show --json "$tr"
expect_in "$T/out" '"seq": 0' "json entries"
expect 0 "prove" -- "$OFFICIANT" transcript prove --entry 3 "$tr"
expect_in "$T/out" "OK: the entry is in the tree" "inclusion proof"
expect 1 "prove beyond the end" -- "$OFFICIANT" transcript prove --entry 999 "$tr"
expect 0 "consistency" -- "$OFFICIANT" transcript consistency "$T/t4" "$tr"
expect_in "$T/out" "OK: " "consistency OK"
expect 3 "consistency backwards" -- "$OFFICIANT" transcript consistency "$tr" "$T/t4"
expect 3 "consistency with another" -- "$OFFICIANT" transcript consistency "$tr2" "$tr"
expect 0 "minutes" -- "$OFFICIANT" transcript minutes "$tr"
expect_in "$T/out" "MINUTES OF KEY CEREMONY" "minutes title"
expect_in "$T/out" "$words" "minutes carry the final root words"
expect_in "$T/out" "______" "minutes have lines for initials"

# Witnesses.
printf 'witness pass 1\nwitness pass 1\n' >"$T/pw"
expect 0 "witness keygen" -- "$OFFICIANT" witness keygen --name w.example/ann --out "$T/ann.pem" <"$T/pw"
wkey=$(tail -1 "$T/out")
! grep -q "witness pass" "$T/ann.pem" || fail "passphrase in the key file"
grep -q "ENCRYPTED PRIVATE KEY" "$T/ann.pem" || fail "witness key not encrypted"
printf 'witness pass 1\n' >"$T/pw1"
expect 0 "cosign" -- "$OFFICIANT" transcript cosign --name w.example/ann --key "$T/ann.pem" "$tr" <"$T/pw1"
expect 1 "cosign twice" -- "$OFFICIANT" transcript cosign --name w.example/ann --key "$T/ann.pem" "$tr" <"$T/pw1"
expect 0 "verify --witness" -- "$OFFICIANT" verify --kmdata "$K" --no-files --witness "$wkey" "$tr"
expect_in "$T/out" "cosigned by 1 witness" "witness counted"
printf 'other pass 22\nother pass 22\n' >"$T/pw2"
expect 0 "second witness key" -- "$OFFICIANT" witness keygen --name w.example/bob --out "$T/bob.pem" <"$T/pw2"
bkey=$(tail -1 "$T/out")
expect 3 "verify --witness not cosigned" -- "$OFFICIANT" verify --kmdata "$K" --no-files --witness "$bkey" "$tr"
printf 'wrong\n' >"$T/pw3"
expect 3 "cosign with a wrong passphrase" -- "$OFFICIANT" transcript cosign --name w.example/bob --key "$T/bob.pem" "$tr" <"$T/pw3"
expect 6 "cosign an unsealed transcript" -- "$OFFICIANT" transcript cosign --name w.example/bob --key "$T/bob.pem" "$T/t4" <"$T/pw2"

# card change-pin is recorded too.
c1=$(ls "$D"/*-1.card)
printf '1111\n5555\n5555\n' >"$T/in2"
expect 0 "change-pin" -- "$OFFICIANT" card change-pin --kmdata "$K" "$c1" <"$T/in2"
cp=$(ls "$K"/transcripts/*-card-change-pin.transcript)
expect 0 "change-pin transcript" -- "$OFFICIANT" verify --kmdata "$K" --no-files "$cp"
! grep -qw 5555 "$cp" || fail "the new PIN is in the transcript"
finish
