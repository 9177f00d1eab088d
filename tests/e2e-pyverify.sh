#!/bin/sh
# An independent verifier, tests/tools/verify-transcript.py, written from
# officiant-transcript(5) and officiant-world(5) alone, must agree with
# 'officiant verify' on real transcripts and on tampered copies of them.
PY=${PYTHON:-/usr/bin/python3}
if ! "$PY" -c 'import cryptography' >/dev/null 2>&1; then
	echo "SKIP: $PY cannot import cryptography (python3-cryptography)"
	exit 77
fi
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"
VT=$top_srcdir/tests/tools/verify-transcript.py

K=$T/k
mkdir -p "$T/cards"
pins_23 >"$T/in"
expect 0 "world create" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$K" \
    --drawer "$T/cards" --kdf-cost 10 <"$T/in"
wc=$(ls "$K"/transcripts/*-world-create.transcript 2>/dev/null)
[ -f "$wc" ] || { fail "no world-create transcript"; finish; }
c2=$(ls "$T"/cards/*-2.card)
feed '2222\n4444\n4444\n'
expect 0 "card change-pin" -- "$OFFICIANT" card change-pin --kmdata "$K" "$c2" <"$T/in"
chp=$(ls "$K"/transcripts/*-card-change-pin.transcript 2>/dev/null)
[ -f "$chp" ] || { fail "no card-change-pin transcript"; finish; }

feed 'passphrase1\npassphrase1\n'
expect 0 "witness keygen w1" -- "$OFFICIANT" witness keygen --name w1 --out "$T/w1.pem" <"$T/in"
w1=$(sed -n '/^Public key/{n;p;}' "$T/out")
feed 'passphrase2\npassphrase2\n'
expect 0 "witness keygen w2" -- "$OFFICIANT" witness keygen --name w2 --out "$T/w2.pem" <"$T/in"
w2=$(sed -n '/^Public key/{n;p;}' "$T/out")
[ -n "$w1" ] && [ -n "$w2" ] || { fail "no witness key printed"; finish; }
cp "$wc" "$T/cosigned"
feed 'passphrase1\n'
expect 0 "cosign" -- "$OFFICIANT" transcript cosign --name w1 --key "$T/w1.pem" "$T/cosigned" <"$T/in"

# agree WANT DESCRIPTION MODE FILE: both verifiers must exit WANT.
# MODE: world (the world anchors), none (no anchor), key (--key of the
# transcript's own first ceremony key), witness (world and --witness w1),
# witness2 (world and --witness w2, who never cosigned).
agree() {
	want=$1; what=$2; mode=$3; file=$4
	case $mode in
	world)    pa="--world $K/world";  ca="--kmdata $K" ;;
	none)     pa="";                  ca="" ;;
	key)      k=$(sed -n '1s/.*"ceremony_key":"\([^"]*\)".*/\1/p' "$file")
	          pa="--key $k";          ca="--key $k" ;;
	witness)  pa="--world $K/world --witness $w1"; ca="--kmdata $K --witness $w1" ;;
	witness2) pa="--world $K/world --witness $w2"; ca="--kmdata $K --witness $w2" ;;
	esac
	# $pa and $ca are split on blanks on purpose; no path here has one.
	# officiant checks the files the transcript lists unless told not
	# to; --check-files makes the Python verifier do the same.
	"$PY" "$VT" --check-files $pa "$file" >"$T/py.out" 2>"$T/py.err"
	py=$?
	OFFICIANT_KMDATA=$T/none "$OFFICIANT" verify $ca "$file" >"$T/c.out" 2>"$T/c.err"
	c=$?
	if [ "$py" -ne "$want" ] || [ "$c" -ne "$want" ]; then
		fail "$what: python exit $py, officiant exit $c, expected $want"
		sed 's/^/  python: /' "$T/py.out" "$T/py.err" >&2
		sed 's/^/  officiant: /' "$T/c.out" "$T/c.err" >&2
		return
	fi
	case $want in
	0|7)	# Both name the same final root.
		pr=$(sed -n 's/^final root //p' "$T/py.out")
		cr=$(sed -n 's/^final root //p' "$T/c.out")
		[ -n "$pr" ] && [ "$pr" = "$cr" ] ||
			fail "$what: final roots differ: python '$pr', officiant '$cr'" ;;
	3)	grep -q '^BAD: ' "$T/py.out" || fail "$what: python says no BAD" ;;
	esac
	[ "$want" -ne 0 ] || grep -q '^OK' "$T/py.out" || fail "$what: python says no OK"
}

# The genuine transcripts.
agree 0 "world create, anchored by the world" world "$wc"
agree 0 "card change-pin, anchored by the world" world "$chp"
agree 0 "world create, anchored by --key" key "$wc"
agree 0 "card change-pin, anchored by --key" key "$chp"
agree 7 "world create, no anchor" none "$wc"
agree 7 "card change-pin, no anchor" none "$chp"
agree 0 "cosigned, without --witness" world "$T/cosigned"
agree 0 "cosigned, with --witness" witness "$T/cosigned"
agree 3 "cosigned, but not by the witness asked for" witness2 "$T/cosigned"
agree 3 "not cosigned, --witness" witness "$wc"

# Tampered copies.  Line 1 is entry 0, line 2 its checkpoint, lines 3
# to 11 are entries 1 to 9, line 12 a checkpoint.
sed '3s/"quorum"/"quorun"/' "$wc" >"$T/t-byte"
cmp -s "$wc" "$T/t-byte" && fail "t-byte is unchanged"
agree 3 "one byte changed in an entry" world "$T/t-byte"
grep -q '^BAD: line 12:' "$T/py.out" || fail "the changed entry is reported at the next checkpoint"
sed '5d' "$wc" >"$T/t-removed"
agree 3 "an entry removed" world "$T/t-removed"
awk 'NR==4 { l = $0; next } NR==5 { print; print l; next } { print }' "$wc" >"$T/t-swapped"
agree 3 "two entries swapped" world "$T/t-swapped"
n=$(wc -l <"$wc")
head -n $((n - 2)) "$wc" >"$T/t-unsealed"
agree 6 "the last two lines removed" world "$T/t-unsealed"
grep -q '^UNSEALED' "$T/py.out" || fail "python does not say UNSEALED"
agree 6 "the last two lines removed, no anchor" none "$T/t-unsealed"
head -n 11 "$wc" >"$T/t-early"
agree 6 "cut after entry 9" world "$T/t-early"
# One base64 digit of the signature of the checkpoint on line 2 changed.
sig='\(— [^ ]* [A-Za-z0-9+/]\{20\}\)'
sed "2s|${sig}[^A]|\\1A|" "$wc" >"$T/t-sig"
cmp -s "$wc" "$T/t-sig" && sed "2s|${sig}A|\\1B|" "$wc" >"$T/t-sig"
cmp -s "$wc" "$T/t-sig" && fail "t-sig is unchanged"
agree 3 "a checkpoint signature altered" world "$T/t-sig"
grep -q '^BAD: line 2:' "$T/py.out" || fail "the altered signature is not reported at line 2"
# And a few more that a verifier must not miss.
{ cat "$wc"; sed -n 3p "$wc"; } >"$T/t-appended"
agree 3 "an entry appended after the seal" world "$T/t-appended"
{ cat "$wc"; printf '{"seq":26'; } >"$T/t-unfinished"
agree 3 "an unfinished line after the seal" world "$T/t-unfinished"
sed '$d' "$wc" >"$T/t-nofinal"
agree 6 "the final checkpoint removed" world "$T/t-nofinal"
grep -v '"checkpoint"' "$wc" >"$T/t-nocheckpoint"
agree 3 "no checkpoint at all" world "$T/t-nocheckpoint"
sed '2s/\\n1\\n/\\n2\\n/' "$wc" >"$T/t-size"
agree 3 "a checkpoint's size changed" world "$T/t-size"
k2=$(sed -n '1s/.*"ceremony_key":"\([^"]*\)".*/\1/p' "$chp")
"$PY" "$VT" --key "$k2" "$wc" >"$T/py.out" 2>&1; py=$?
OFFICIANT_KMDATA=$T/none "$OFFICIANT" verify --key "$k2" "$wc" >"$T/c.out" 2>&1; c=$?
[ "$py" -eq 3 ] && [ "$c" -eq 3 ] || fail "another transcript's --key: python $py, officiant $c, expected 3"
sed 's/"pin_tries": 5/"pin_tries": 6/' "$K/world" >"$T/world-altered"
"$PY" "$VT" --world "$T/world-altered" "$wc" >"$T/py.out" 2>&1; py=$?
OFFICIANT_KMDATA=$T/none "$OFFICIANT" verify --world "$T/world-altered" "$wc" >"$T/c.out" 2>&1; c=$?
[ "$py" -eq 3 ] && [ "$c" -eq 3 ] || fail "an altered world file: python $py, officiant $c, expected 3"
# Last, as it spoils KMDATA: a file the transcript lists has changed.
printf ' ' >>"$(ls "$K"/module_*)"
agree 3 "a recorded file changed" world "$wc"
grep -q 'has changed' "$T/py.out" || fail "python does not name the changed file"
finish
