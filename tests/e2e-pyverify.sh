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
create_world "world create" "$K" "$T/cards" 10
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

# agree WANT DESCRIPTION MODE FILE [ARG...]: both verifiers must exit
# WANT.  MODE: world (the world anchors), none (no anchor), key (--key of
# the transcript's own first ceremony key), witness (world and --witness
# w1), witness2 (world and --witness w2), witness12 (world and both).
# The ARGs, such as more --key options, go to both verifiers.
agree() {
	want=$1; what=$2; mode=$3; file=$4; shift 4
	case $mode in
	world)    pa="--world $K/world";  ca="--kmdata $K" ;;
	none)     pa="";                  ca="" ;;
	key)      k=$(sed -n '1s/.*"ceremony_key":"\([^"]*\)".*/\1/p' "$file")
	          pa="--key $k";          ca="--key $k" ;;
	witness)  pa="--world $K/world --witness $w1"; ca="--kmdata $K --witness $w1" ;;
	witness2) pa="--world $K/world --witness $w2"; ca="--kmdata $K --witness $w2" ;;
	witness12) pa="--world $K/world --witness $w1 --witness $w2"
	          ca="--kmdata $K --witness $w1 --witness $w2" ;;
	esac
	# $pa and $ca are split on blanks on purpose; no path here has one.
	# officiant checks the files the transcript lists unless told not
	# to; --check-files makes the Python verifier do the same.
	"$PY" "$VT" --check-files $pa "$@" "$file" >"$T/py.out" 2>"$T/py.err"
	py=$?
	OFFICIANT_KMDATA=$T/none "$OFFICIANT" verify $ca "$@" "$file" >"$T/c.out" 2>"$T/c.err"
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
	6)	# Both are intact up to the same checkpoint.
		pr=$(sed -n 's/^last checkpoint root //p' "$T/py.out")
		cr=$(sed -n 's/^last checkpoint root //p' "$T/c.out")
		[ -n "$pr" ] && [ "$pr" = "$cr" ] ||
			fail "$what: last roots differ: python '$pr', officiant '$cr'" ;;
	3)	grep -q '^BAD: ' "$T/py.out" || fail "$what: python says no BAD"
		# When both name a line, it is the same one.  officiant puts
		# the file's name (no colon in these paths) before it.
		pl=$(badline "$T/py.out"); cl=$(badline "$T/c.out")
		[ -z "$pl" ] || [ -z "$cl" ] || [ "$pl" = "$cl" ] ||
			fail "$what: python names line $pl, officiant line $cl" ;;
	esac
	[ "$want" -ne 0 ] || grep -q '^OK' "$T/py.out" || fail "$what: python says no OK"
}

# badline FILE: the line number of the first BAD line in FILE, if any.
badline() {
	sed -n 's/^BAD: \([^:]*: \)\{0,1\}line \([0-9][0-9]*\): .*/\2/p' "$1" | sed 1q
}

# usage WHAT ARG...: both verifiers must refuse ARG... with exit 2.
usage() {
	what=$1; shift
	"$PY" "$VT" "$@" "$wc" >"$T/py.out" 2>&1; py=$?
	OFFICIANT_KMDATA=$T/none "$OFFICIANT" verify "$@" "$wc" >"$T/c.out" 2>&1; c=$?
	[ "$py" -eq 2 ] && [ "$c" -eq 2 ] || fail "$what: python $py, officiant $c, expected 2"
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
# to cp2 - 1 are the next entries (the parameters), line cp2 a
# checkpoint; line seal is the seal, which counts ents entries and cps
# checkpoint lines, and the final checkpoint follows it.
cp2=$(awk 'NR > 2 && /^\{"checkpoint"/ { print NR; exit }' "$wc")
seal=$(grep -n '"type":"ceremony-sealed"' "$wc" | cut -d: -f1)
ents=$(sed -n "${seal}s/.*\"entries\":\([0-9]*\).*/\1/p" "$wc")
cps=$(sed -n "${seal}s/.*\"checkpoints\":\([0-9]*\).*/\1/p" "$wc")
[ -n "$cp2" ] && [ -n "$seal" ] && [ -n "$ents" ] && [ -n "$cps" ] ||
    fail "the world create transcript is not laid out as expected"
sed '3s/"quorum"/"quorun"/' "$wc" >"$T/t-byte"
cmp -s "$wc" "$T/t-byte" && fail "t-byte is unchanged"
agree 3 "one byte changed in an entry" world "$T/t-byte"
grep -q "^BAD: line $cp2:" "$T/py.out" || fail "the changed entry is reported at the next checkpoint"
sed '5d' "$wc" >"$T/t-removed"
agree 3 "an entry removed" world "$T/t-removed"
awk 'NR==4 { l = $0; next } NR==5 { print; print l; next } { print }' "$wc" >"$T/t-swapped"
agree 3 "two entries swapped" world "$T/t-swapped"
n=$(wc -l <"$wc")
head -n $((n - 2)) "$wc" >"$T/t-unsealed"
agree 6 "the last two lines removed" world "$T/t-unsealed"
grep -q '^UNSEALED' "$T/py.out" || fail "python does not say UNSEALED"
agree 6 "the last two lines removed, no anchor" none "$T/t-unsealed"
head -n $((cp2 - 1)) "$wc" >"$T/t-early"
agree 6 "cut before the second checkpoint" world "$T/t-early"
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
{ cat "$wc"; printf '{"seq":%s' "$ents"; } >"$T/t-unfinished"
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
# The rules of the seal, of the checkpoints and of their copies.
sed "${cp2}d" "$wc" >"$T/t-cpremoved"
agree 3 "an intermediate checkpoint line removed" world "$T/t-cpremoved"
grep -q "^BAD: line $((seal - 1)): the seal counts $cps checkpoints" "$T/py.out" ||
	fail "the removed checkpoint line is not caught by the seal's count"
sed "${cp2}p" "$wc" >"$T/t-cprepeated"
agree 3 "a checkpoint line repeated" world "$T/t-cprepeated"
grep -q "^BAD: line $((cp2 + 1)):" "$T/py.out" || fail "the repeated checkpoint is not reported at line $((cp2 + 1))"
{ cat "$wc"; tail -n 1 "$wc"; } >"$T/t-copy"
agree 3 "a copy of the final checkpoint that adds nothing" world "$T/t-copy"
{ cat "$T/cosigned"; tail -n 1 "$T/cosigned"; } >"$T/t-copy2"
agree 3 "a cosigned copy repeated, adding nothing" world "$T/t-copy2"
sed "${seal}s/\"entries\":$ents/\"entries\":$((ents - 1))/" "$wc" >"$T/t-entries"
agree 3 "the seal miscounts its entries" world "$T/t-entries"
sed "${seal}s/\"checkpoints\":$cps/\"checkpoints\":$((cps + 1))/" "$wc" >"$T/t-cpcount"
agree 3 "the seal miscounts the checkpoint lines" world "$T/t-cpcount"

# Cosignatures: a second witness cosigns the cosigned copy.
cp "$T/cosigned" "$T/cosigned2"
feed 'passphrase2\n'
expect 0 "cosign w2" -- "$OFFICIANT" transcript cosign --name w2 --key "$T/w2.pem" "$T/cosigned2" <"$T/in"
agree 0 "cosigned twice, both witnesses asked for" witness12 "$T/cosigned2"
agree 0 "cosigned twice, w2 asked for" witness2 "$T/cosigned2"
sed '$d' "$T/cosigned2" >"$T/t-lastcopy"
agree 3 "the last cosigned copy removed, w2 asked for" witness2 "$T/t-lastcopy"
agree 0 "the last cosigned copy removed, w1 asked for" witness "$T/t-lastcopy"
sed "$((seal + 1))d" "$T/cosigned" >"$T/t-copyonly"
agree 0 "the final checkpoint removed, its cosigned copy kept" witness "$T/t-copyonly"
# The witness's signature line moved before the ceremony key's: the copy
# no longer begins with the whole note of the line before it.
sed '$s/\(\\n\\n\)\(— [^ ]* [^\\]*\\n\)\(— [^ ]* [^\\]*\\n\)"}$/\1\3\2"}/' \
    "$T/cosigned" >"$T/t-reordered"
cmp -s "$T/cosigned" "$T/t-reordered" && fail "t-reordered is unchanged"
agree 3 "a cosignature inserted before the ceremony key's line" witness "$T/t-reordered"
# A line that merely carries w1's public name and identifier, then w1's
# genuine cosignature after it: every such line is tried, so the bogus
# one hides nothing.
"$PY" - "$wc" "$T/cosigned" >"$T/t-bogus" <<'EOF'
import base64, json, sys
old = open(sys.argv[1], "rb").read().split(b"\n")[:-1]
final = json.loads(old[-1])["checkpoint"]
note = json.loads(open(sys.argv[2], "rb").read().split(b"\n")[-2])["checkpoint"]
genuine = note[len(final):]
kid = base64.b64decode(genuine.split(" ")[2])[:4]
bogus = "\u2014 w1 %s\n" % base64.b64encode(kid + bytes(72)).decode()
def line(n):
    return json.dumps({"checkpoint": n}, ensure_ascii=False,
                      separators=(",", ":")).encode()
sys.stdout.buffer.write(b"\n".join(old + [line(final + bogus),
                        line(final + bogus + genuine)]) + b"\n")
EOF
agree 0 "a bogus w1 line before w1's genuine cosignature" witness "$T/t-bogus"
head -n $((n + 1)) "$T/t-bogus" >"$T/t-bogusonly"
agree 3 "only a bogus w1 line, w1 asked for" witness "$T/t-bogusonly"
agree 0 "only a bogus w1 line, no witness asked for" world "$T/t-bogusonly"

# A crash while sealing: the seal is on disk, the final checkpoint only
# in part.  The unfinished line is ignored; the seal, which no checkpoint
# covers, does not seal.
size=$(wc -c <"$wc")
lastlen=$(tail -n 1 "$wc" | wc -c)
head -c $((size - lastlen / 2)) "$wc" >"$T/t-crash"
agree 6 "a crash while sealing: the final checkpoint cut in half" world "$T/t-crash"
grep -q "^UNSEALED: .* at entry $((ents - 1)) of $ents" "$T/py.out" || fail "python is not intact up to entry $((ents - 1)) of $ents"
agree 6 "a crash while sealing, no anchor" none "$T/t-crash"
{ head -n "$seal" "$wc"; sed -n "${cp2}p" "$wc"; } >"$T/t-afterseal"
agree 3 "a checkpoint line after the seal that does not cover it" world "$T/t-afterseal"
{ head -n "$seal" "$wc"; sed -n "$((cp2 - 1))p" "$wc" | sed "s/\"seq\":$((cp2 - 3)),/\"seq\":$ents,/"; } >"$T/t-pending"
agree 3 "an entry after a seal that no checkpoint covers" world "$T/t-pending"

# Resuming, as officiant's library does it (no command of this version
# does): drop the unfinished line, a segment-resumed entry with a new key,
# a checkpoint signed with it, a new seal and final checkpoint.
# resume.py IN OUT [NAME=JSON]... [noseal] prints the new verifier key;
# NAME=JSON replaces a member of the segment-resumed entry's data.
cat >"$T/resume.py" <<'EOF'
import base64, hashlib, json, sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
src, dst, args = sys.argv[1], sys.argv[2], sys.argv[3:]
raw = open(src, "rb").read()
keep = raw[:raw.rfind(b"\n") + 1]
lines = keep.split(b"\n")[:-1]
objs = [json.loads(l) for l in lines]
ents = [l for l, o in zip(lines, objs) if "checkpoint" not in o]
cps = [o["checkpoint"] for o in objs if "checkpoint" in o]
origin = objs[0]["data"]["origin"]
last = cps[-1].split("\n")
def h(b):
    return hashlib.sha256(b).digest()
def mth(d):
    if len(d) == 1:
        return h(b"\0" + d[0])
    k = 1
    while 2 * k < len(d):
        k *= 2
    return h(b"\1" + mth(d[:k]) + mth(d[k:]))
def dump(o):
    return json.dumps(o, ensure_ascii=False, separators=(",", ":")).encode()
sk = ed25519.Ed25519PrivateKey.generate()
pub = sk.public_key().public_bytes(serialization.Encoding.Raw,
                                   serialization.PublicFormat.Raw)
kid = h(origin.encode() + b"\n\1" + pub)[:4]
def entry(typ, data):
    e = dump({"seq": len(ents), "time": "2026-01-01T00:00:00Z", "type": typ,
              "step": "", "actor": "", "data": data})
    ents.append(e)
    lines.append(e)
def checkpoint():
    body = "%s\n%d\n%s\n" % (origin, len(ents),
                             base64.b64encode(mth(ents)).decode())
    sig = base64.b64encode(kid + sk.sign(body.encode())).decode()
    lines.append(dump({"checkpoint": "%s\n\u2014 %s %s\n" % (body, origin, sig)}))
    cps.append(body)
d = {"segment": sum(json.loads(e)["type"] in ("ceremony-started",
                                              "segment-resumed") for e in ents),
     "ceremony_key": "%s+%s+%s" % (origin, kid.hex(),
                                   base64.b64encode(b"\1" + pub).decode()),
     "checkpoints": len(cps), "previous_size": int(last[1]),
     "previous_root": last[2], "unsigned_entries": len(ents) - int(last[1]),
     "discarded_bytes": len(raw) - len(keep)}
for a in args:
    if "=" in a:
        k, v = a.split("=", 1)
        d[k] = json.loads(v)
entry("segment-resumed", d)
checkpoint()
if "noseal" not in args:
    entry("ceremony-sealed", {"entries": len(ents) + 1, "checkpoints": len(cps)})
    checkpoint()
open(dst, "wb").write(b"\n".join(lines) + b"\n")
print(d["ceremony_key"])
EOF
k0=$(sed -n '1s/.*"ceremony_key":"\([^"]*\)".*/\1/p' "$wc")
k1=$("$PY" "$T/resume.py" "$T/t-crash" "$T/t-resumed")
agree 7 "resumed after a crash while sealing: segment 1 is not bound" world "$T/t-resumed"
agree 0 "resumed after a crash while sealing, both keys given" none "$T/t-resumed" --key "$k0" --key "$k1"
agree 0 "resumed after a crash while sealing, the world and the new key" world "$T/t-resumed" --key "$k1"
agree 3 "resumed after a crash while sealing, only the first key given" key "$T/t-resumed"
"$PY" "$T/resume.py" "$T/t-crash" "$T/t-resumed6" noseal >/dev/null
agree 6 "resumed after a crash while sealing, not sealed again" world "$T/t-resumed6"
{ cat "$T/t-resumed6"; printf '{"seq":%s,' $((ents + 1)); } >"$T/t-resumed6u"
agree 6 "resumed, not sealed again, an unfinished line" world "$T/t-resumed6u"
"$PY" "$T/resume.py" "$T/t-early" "$T/t-resumed9" >/dev/null
agree 7 "resumed after entry 9, 9 entries unsigned" world "$T/t-resumed9"
"$PY" "$T/resume.py" "$T/t-crash" "$T/t-rcp" checkpoints=2 >/dev/null
agree 3 "resumed: checkpoints miscounted" world "$T/t-rcp"
"$PY" "$T/resume.py" "$T/t-crash" "$T/t-runs" unsigned_entries=0 >/dev/null
agree 3 "resumed: unsigned_entries plus previous_size is not its seq" world "$T/t-runs"
"$PY" "$T/resume.py" "$T/t-crash" "$T/t-rdisc" discarded_bytes=-1 >/dev/null
agree 3 "resumed: discarded_bytes negative" world "$T/t-rdisc"
"$PY" "$T/resume.py" "$T/t-crash" "$T/t-rsize" previous_size=$ents unsigned_entries=0 >/dev/null
agree 3 "resumed: previous_size is not the last checkpoint's" world "$T/t-rsize"
"$PY" "$T/resume.py" "$T/t-crash" "$T/t-rseg" segment=2 >/dev/null
agree 3 "resumed: segment 2 after segment 0" world "$T/t-rseg"
"$PY" "$T/resume.py" "$wc" "$T/t-rsealed" >/dev/null
agree 3 "resumed after the final checkpoint" world "$T/t-rsealed"

# Encoding limits, on a line after the last checkpoint of the unsealed
# t-early: unsigned but well formed is unsealed (6), malformed is bad (3).
# deep LEVEL: the next entry with an empty array at LEVEL (data is at level 2).
deep() {
	awk -v n=$(($1 - 3)) -v s=$((cp2 - 2)) 'BEGIN {
		printf "{\"seq\":" s ",\"time\":\"2026-01-01T00:00:00Z\",\"type\":\"step-begun\",\"step\":\"\",\"actor\":\"\",\"data\":{\"a\":"
		for (i = 0; i < n; i++) printf "["
		printf "[]"
		for (i = 0; i < n; i++) printf "]"
		printf "}}\n" }'
}
{ cat "$T/t-early"; deep 2048; } >"$T/t-deep"
agree 6 "an empty array at level 2048" world "$T/t-deep"
{ cat "$T/t-early"; deep 2049; } >"$T/t-deep"
agree 3 "an empty array at level 2049" world "$T/t-deep"
tail10() {
	{ cat "$T/t-early"; printf '{"seq":%s,"time":"2026-01-01T00:00:00Z","type":"step-begun","step":"","actor":"","data":{"a":%s}}\n' $((cp2 - 2)) "$1"; } >"$T/t-tail"
}
tail10 '[[1]]'; agree 6 "a number at level 5" world "$T/t-tail"
tail10 '"\ud83d\ude00"'; agree 6 "an escaped surrogate pair" world "$T/t-tail"
tail10 '"\ud800"'; agree 3 "a lone escaped surrogate" world "$T/t-tail"
tail10 '"\udc00\ud800"'; agree 3 "a reversed surrogate pair" world "$T/t-tail"
tail10 '"a\u0000"'; agree 3 "an escaped U+0000" world "$T/t-tail"
tail10 '9223372036854775807'; agree 6 "the largest 64-bit integer" world "$T/t-tail"
tail10 '9223372036854775808'; agree 3 "an integer beyond 64 bits" world "$T/t-tail"
tail10 '1e309'; agree 3 "a number beyond a double" world "$T/t-tail"
{ cat "$T/t-early"; printf '{"seq":%s,"time":"2026-01-01T00:00:00Z","type":"step-begun","step":"","actor":"","data":{"a":"\355\240\200"}}\n' $((cp2 - 2)); } >"$T/t-tail"
agree 3 "an encoded surrogate" world "$T/t-tail"
# A checkpoint size is a 64-bit number: beyond it the line is malformed,
# reported at that line, before the changed entry's checkpoint on line 12.
for s in 18446744073709551615 18446744073709551616; do
	{ head -n 13 "$T/t-byte"; sed -n 2p "$wc" | sed "s/\\\\n1\\\\n/\\\\n$s\\\\n/"; } >"$T/t-cpsize"
	agree 3 "a checkpoint of size $s" world "$T/t-cpsize"
done
grep -q '^BAD: line 14:' "$T/py.out" || fail "a size beyond 64 bits is not refused at its line"

# file-written: sha256 in lower case, even when files are not checked;
# a listed file that is a symbolic link cannot be read (exit 1).
awk '/"type":"file-written"/ && match($0, /"sha256":"[0-9a-f]*"/) {
	$0 = substr($0, 1, RSTART + 9) toupper(substr($0, RSTART + 10, RLENGTH - 10)) substr($0, RSTART + RLENGTH) }
	{ print }' "$wc" >"$T/t-upper"
cmp -s "$wc" "$T/t-upper" && fail "t-upper is unchanged"
"$PY" "$VT" --world "$K/world" "$T/t-upper" >"$T/py.out" 2>&1; py=$?
OFFICIANT_KMDATA=$T/none "$OFFICIANT" verify --kmdata "$K" --no-files "$T/t-upper" >"$T/c.out" 2>&1; c=$?
[ "$py" -eq 3 ] && [ "$c" -eq 3 ] || fail "sha256 in upper case: python $py, officiant $c, expected 3"
# The changed entry also changes the root; the entry itself is refused.
fl=$(grep -n '"type":"file-written"' "$wc" | sed 's/:.*//; 1q')
[ "$(badline "$T/py.out")" = "$fl" ] && [ "$(badline "$T/c.out")" = "$fl" ] ||
	fail "sha256 in upper case is not refused at line $fl"
ln -s "$K/world" "$T/world-link"
sed "s|\"path\":\"$K/world\"|\"path\":\"$T/world-link\"|" "$wc" >"$T/t-linked"
cmp -s "$wc" "$T/t-linked" && fail "t-linked is unchanged"
agree 1 "a listed file is a symbolic link" world "$T/t-linked"

# Key types: --key takes type 0x01 only, --witness type 0x04 only.
usage "--key with a witness key" --key "$w1"
usage "--witness with a ceremony key" --witness "$k0"
usage "17 witnesses" $(for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17; do printf ' --witness %s' "$w1"; done)

# Last, as it spoils KMDATA: a file the transcript lists has changed.
printf ' ' >>"$(ls "$K"/module_*)"
agree 3 "a recorded file changed" world "$wc"
grep -q 'has changed' "$T/py.out" || fail "python does not name the changed file"
finish
