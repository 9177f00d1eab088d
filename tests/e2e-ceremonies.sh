#!/bin/sh
# Every built-in ceremony rehearsed end to end through the line-mode
# front end, as 'officiant training run' with scripted answers: empty
# lines for the simulated YubiKeys' touches and for defaults, y for
# confirmations, the training PINs for cards. Each run must exit 0, say
# "The ceremony is complete.", use exactly the answers given (no prompt
# more, none less), mark every prompt TRAINING, and leave a sealed
# TRAINING transcript that 'officiant verify' accepts. Every incident of
# breach-response, each package format, both ways of azure-rms-byok.
# Also: 'script lint' of the built-ins and of a broken script (file:line,
# exit 3), 'script print' (the SHA-256 in hex and words, every step,
# the estimated time) and a run whose input ends early (exit 5, an
# unsealed transcript: verify exit 6).
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

: "${OPENSSL:=openssl}"
command -v "$OPENSSL" >/dev/null 2>&1 || { echo "no openssl: skipped"; exit 77; }
: "${OFFICIANT_CEREMONY_DIR:=$top_srcdir/ceremony}"
export OFFICIANT_CEREMONY_DIR
C=$OFFICIANT_CEREMONY_DIR
# No configuration file of the user's or the system's takes part.
XDG_CONFIG_HOME=$T/xdg; HOME=$T/home; export XDG_CONFIG_HOME HOME
R=$T/runs; M=$T/material
mkdir -p "$R" "$M"

# answers WORD...: one line each into $T/in, "-" an empty line.
answers() {
	: >"$T/in"
	for a in "$@"; do
		if [ "$a" = - ]; then echo; else printf '%s\n' "$a"; fi >>"$T/in"
	done
}

# rehearse WHAT CEREMONY DIR "ANSWERS" [OPTION...]: a training run of
# CEREMONY in DIR. What the program did not read of its input is kept
# in $T/rest: the answers must be used up exactly.
done_ids=" "
rehearse() {
	what=$1; cer=$2; dir=$3; words=$4; shift 4
	# shellcheck disable=SC2086
	answers $words
	{ "$OFFICIANT" training run --dir "$dir" "$@" "$cer" >"$T/out" 2>"$T/err"
	  echo $? >"$T/rc"; cat >"$T/rest"; } <"$T/in"
	rc=$(cat "$T/rc")
	if [ "$rc" -ne 0 ]; then
		fail "$what: exit $rc, expected 0"
		sed 's/^/  stdout: /' "$T/out" >&2
		sed 's/^/  stderr: /' "$T/err" >&2
		return
	fi
	done_ids="$done_ids$cer "
	[ -s "$T/rest" ] && fail "$what: answers not asked for: $(tr '\n' ' ' <"$T/rest")"
	[ -s "$T/err" ] && { fail "$what: messages on stderr"; sed 's/^/  stderr: /' "$T/err" >&2; }
	expect_in "$T/out" "*** TRAINING: a rehearsal" "$what: banner"
	expect_in "$T/out" "The ceremony is complete." "$what: complete"
	grep '^\[[0-9]*\] ' "$T/out" | grep -v '^\[[0-9]*\] TRAINING ' >"$T/plain" &&
	    { fail "$what: prompts without TRAINING"; sed 's/^/  /' "$T/plain" >&2; }
	tr=$(sed -n 's/^Transcript: //p' "$T/out" | tail -1)
	case $tr in
	"$dir"/kmdata/transcripts/*-"$cer".transcript) ;;
	"$dir"/kmdata/transcripts/*-"$cer"-[0-9]*.transcript) ;;
	*) fail "$what: transcript '$tr'"; return ;;
	esac
	if ! "$OFFICIANT" verify --kmdata "$dir/kmdata" "$tr" >"$T/vout" 2>&1; then
		fail "$what: the transcript does not verify"
		sed 's/^/  /' "$T/vout" >&2
	fi
	grep -q "^OK: transcript of ceremony $cer (TRAINING): .*sealed" "$T/vout" ||
	    { fail "$what: not a sealed TRAINING transcript"; sed 's/^/  /' "$T/vout" >&2; }
	# The final root printed is the one verify finds.
	root=$(sed -n 's/^Final root: //p' "$T/out")
	[ -n "$root" ] && grep -qxF "  $root" "$T/vout" || fail "$what: final root differs from verify's"
}

# Training KEKs, their SHA-256, and a password-protected software key.
expect 0 "make-kek" -- "$OFFICIANT" training make-kek --out "$M/kek" --size 2048
expect 0 "make-kek 3072" -- "$OFFICIANT" training make-kek --out "$M/kek3" --size 3072
K3=$M/kek3/TRAINING-kek.pem		# Google wants RSA 3072
K=$M/kek/TRAINING-kek.pem
CH=$M/kek/TRAINING-chain.pem
ROOT=$(cat "$M/kek/TRAINING-root-sha256.txt")
KID=$(cat "$M/kek/TRAINING-kek-id.txt")
KSHA=$(sha256sum <"$K" | cut -d' ' -f1)
"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$M/plain.pem" 2>/dev/null &&
    "$OPENSSL" pkcs8 -topk8 -v2 aes-256-cbc -in "$M/plain.pem" -out "$M/migrate.p8" -passout pass:rehearsal ||
    fail "openssl: the key to migrate"

# 1. Scripts: every built-in passes lint, by file and by name.
expect 0 "lint built-ins" -- "$OFFICIANT" script lint "$C"/*.ceremony
n=$(ls "$C"/*.ceremony | wc -l)
[ "$(grep -c ': OK (' "$T/out")" -eq "$n" ] || fail "lint: not $n OK lines"
expect 0 "lint by name" -- "$OFFICIANT" script lint generate-key create-world
expect_in "$T/out" "/generate-key.ceremony: OK (generate-key, " "lint by name"
expect 0 "script list" -- "$OFFICIANT" script list
grep -q 'does not load' "$T/out" && fail "script list: a built-in does not load"
# The first directory listed is ours; ids as 'run' takes them.
awk '/^[^ ].*:$/ { d++ } d == 1 && /^  [a-z0-9-]+  / { print $1 }' "$T/out" | sort >"$T/ids"
[ "$(wc -l <"$T/ids")" -eq "$n" ] || fail "script list: $(wc -l <"$T/ids") ceremonies, $n files"

# A broken script: every problem with its file and line, exit 3.
cat >"$T/bad.ceremony" <<'EOF'
id = "bad";
title = "Broken";
version = 1;
steps = (
  { id = "a"; type = "instruction"; text = "${nope}"; next = "nowhere"; },
  { id = "b"; type = "action"; action = "world.explode"; },
  { id = "end"; type = "seal"; }
);
EOF
expect 3 "lint broken" -- "$OFFICIANT" script lint "$T/bad.ceremony"
expect_in "$T/out" "$T/bad.ceremony:5: " "lint broken: line 5"
expect_in "$T/out" "reference \${nope}: no such parameter" "lint broken: reference"
expect_in "$T/out" "goes to \"nowhere\", which is no step" "lint broken: dangling next"
expect_in "$T/out" "$T/bad.ceremony:6: step b: unknown action \"world.explode\"" "lint broken: action"
# The schema's problems in the same form.
printf 'id = "bad";\ntitle = "T";\nversion = 1;\ncolour = "red";\nsteps = ();\n' >"$T/schema.ceremony"
expect 3 "lint schema" -- "$OFFICIANT" script lint "$T/schema.ceremony"
expect_in "$T/out" "$T/schema.ceremony:4: unknown setting \"colour\"" "lint schema: file:line"
# A good and a bad one: both reported, exit 3.
expect 3 "lint mixed" -- "$OFFICIANT" script lint "$C/rekey.ceremony" "$T/bad.ceremony"
expect_in "$T/out" "rekey.ceremony: OK" "lint mixed: good one"
expect_in "$T/out" "$T/bad.ceremony:6:" "lint mixed: bad one"
expect 2 "lint no such" -- "$OFFICIANT" script lint no-such-ceremony
expect 3 "print broken" -- "$OFFICIANT" script print "$T/bad.ceremony"
expect 3 "run broken" -- "$OFFICIANT" training run --dir "$R/broken" "$T/bad.ceremony"
expect_in "$T/err" "$T/bad.ceremony:6:" "run broken: file:line"
[ -d "$R/broken/kmdata/transcripts" ] && fail "run broken: a transcript was started"

# 2. The paper document of every built-in: the script's SHA-256 in hex
# and in words, every step numbered with its title (or id), the total
# of the estimated minutes.
for f in "$C"/*.ceremony; do
	id=$(basename "$f" .ceremony)
	expect 0 "print $id" -- "$OFFICIANT" script print "$id"
	expect_in "$T/out" "Script SHA-256 $(sha256sum <"$f" | cut -d' ' -f1)" "print $id: SHA-256"
	nw=$(sed -n '/^Script SHA-256/,/^$/p' "$T/out" | sed 1d | wc -w)
	[ "$nw" -eq 32 ] || fail "print $id: $nw words for the SHA-256, not 32"
	expect_in "$T/out" "CEREMONY  " "print $id: heading"
	"$OFFICIANT" script lint "$f" >"$T/lint" 2>&1
	steps=$(sed -n 's/.*, \([0-9]*\) steps)$/\1/p' "$T/lint")
	[ "$(grep -c '^\[ \] [0-9]*\. ' "$T/out")" -eq "${steps:-0}" ] ||
	    fail "print $id: $(grep -c '^\[ \] [0-9]*\. ' "$T/out") steps printed, lint counts $steps"
	[ "$(grep '^\[ \] ' "$T/out" | tail -1 | sed 's/^\[ \] \([0-9]*\)\..*/\1/')" = "$steps" ] ||
	    fail "print $id: steps not numbered 1 to $steps"
	mins=$(grep -o 'minutes = [0-9]*' "$f" | awk '{ s += $3 } END { print s + 0 }')
	expect_in "$T/out" "Estimated time: $mins min" "print $id: estimated time"
	grep -q '^Signatures: ' "$T/out" || fail "print $id: no signature lines"
done
expect 0 "print create-world" -- "$OFFICIANT" script print create-world
for t in "The ceremony administrator authenticates" "Prepare the room" \
    "Create the world and write the cards" "Prove the quorum" "Hand over the cards" \
    "witnessed  (witness, by witness, about 1 min)" "end  (seal)" \
    "[ ] The workstation is disconnected from every network" \
    "action world.create" "k = \${k}" "on failure: try again" "ROLES" "PARAMETERS"; do
	expect_in "$T/out" "$t" "print create-world"
done

# 3. Every built-in ceremony, rehearsed. Answers: "-" is an empty line.
rehearse "create-world" create-world "$R/create" \
    "- - y y y 1111 1111 2222 2222 3333 3333 1111 2222 y y" --set k=2 --set n=3
rehearse "create-world 3 of 4" create-world "$R/create34" \
    "3 4 - - y y y 1111 1111 2222 2222 3333 3333 4444 4444 1111 2222 3333 y y"
expect_in "$T/out" "quorum 3 of 4 cards" "create-world 3 of 4: the defaults were changed"
rehearse "generate-key" generate-key "$R/gen" "- - - - - y y"
expect_in "$T/out" "I saw key contosokey generated with ACL: sign, decrypt, recover, change-acl." "generate-key: the ACL"
rehearse "generate-key ec" generate-key "$R/gen-ec" "- - - y y" --set type=ec --set ident=ec-key
# Rekey, breach-response, backup and recovery make the key they work on
# in a rehearsal (a drill step).
rehearse "rekey" rekey "$R/rekey" "- - - y y y"
expect_in "$T/out" "I saw key contosokey re-keyed" "rekey: re-keyed"
[ -f "$R/rekey/kmdata/key_simple_contosokey-v1" ] || fail "rekey: the old version is not kept"
rehearse "key-backup" key-backup "$R/backup" "- - - y y y" --set dir="$R/backup/media"
[ -n "$(ls "$R/backup/media" 2>/dev/null)" ] || fail "key-backup: nothing in the backup directory"
rehearse "key-recover" key-recover "$R/recover" "- - - 1111 2222 y" --set dir="$R/recover/media"
for incident in key-leaked unauthorised-use hsm-vulnerability algorithm-weakness; do
	case $incident in
	key-leaked) a="y y y" ;;
	*) a="y y y y" ;;
	esac
	rehearse "breach-response $incident" breach-response "$R/breach-$incident" \
	    "- - - y y y $a" --set incident="$incident"
	expect_in "$T/out" "I saw the response to incident $incident for key contosokey" "breach-response $incident: the way taken"
done
rehearse "byok-azure" byok-azure "$R/byok" "- - - - y y y y 1111 2222 y y" \
    --workdir "$R/byok" --set kek="$K" --set kek_sha256="$KSHA" --set chain="$CH" \
    --set root="$ROOT" --set kek_id="$KID"
[ -s "$R/byok/TransferPackage-contosokey.byok" ] || fail "byok-azure: no package"
expect_in "$T/out" "Result: SUCCESS" "byok-azure: KEK verified"
for format in azure-byok aws-kms gcp-kms; do
	case $format in
	azure-byok) out=TransferPackage-contosokey.byok; kid=$KID; kek=$K ;;
	gcp-kms) out=$format-contosokey.bin; kid=; kek=$K3 ;;
	*) out=$format-contosokey.bin; kid=; kek=$K ;;
	esac
	rehearse "package-key $format" package-key "$R/pkg-$format" "- - - 1111 2222 y" \
	    --workdir "$R/pkg-$format" --set kek="$kek" --set format="$format" --set kek_id="$kid"
	[ -s "$R/pkg-$format/$out" ] || fail "package-key $format: no $out"
done
for target in azure aws gcp; do
	kek=$K; [ "$target" = gcp ] && kek=$K3
	rehearse "reduce-acl $target" reduce-acl "$R/reduce-$target" "- - - 1111 2222 y" \
	    --set kek="$kek" --set target="$target"
	expect_in "$T/out" "written with ACL: export-wrapped." "reduce-acl $target: the ACL"
done
rehearse "migrate-key" migrate-key "$R/migrate" "- - - y y rehearsal y y" --set from="$M/migrate.p8"
expect_in "$T/out" "imported as key_simple_contosorms1key" "migrate-key: imported"
"$OFFICIANT" key inspect --kmdata "$R/migrate/kmdata" contosorms1key >"$T/ki" 2>&1 ||
    fail "migrate-key: the imported key does not inspect"
rehearse "transfer-world" transfer-world "$R/transfer" "- - - 1111 2222 4444 5555 y y y y" \
    --set to_world="$R/transfer/dest/kmdata" --set to_drawer="$R/transfer/dest/cards"
[ -f "$R/transfer/dest/kmdata/key_simple_contosokey" ] || fail "transfer-world: no key in the destination world"
expect_in "$tr" "\"path\":\"$R/transfer/dest/kmdata/key_simple_contosokey\"" "transfer-world: the copy on record"
# The destination world has its own record of the key it took in.
tin=$(ls "$R/transfer/dest/kmdata/transcripts/"*-key-transfer-in.transcript 2>/dev/null)
[ -n "$tin" ] || fail "transfer-world: no key-transfer-in transcript in the destination"
expect 0 "transfer-world: destination transcript" -- "$OFFICIANT" verify --kmdata "$R/transfer/dest/kmdata" "$tin"
expect_in "$T/out" "OK: transcript of ceremony key-transfer-in (TRAINING)" "transfer-world: destination transcript sealed"
rehearse "azure-rms-byok internet" azure-rms-byok "$R/rms-net" "- - y y y 1111 2222 y y" \
    --workdir "$R/rms-net" --set method=internet --set kek="$K" --set chain="$CH" \
    --set root="$ROOT" --set kek_id="$KID" --set ident=contosokey --set to_world= --set to_drawer=
[ -s "$R/rms-net/TransferPackage-contosokey.byok" ] || fail "azure-rms-byok internet: no package"
rehearse "azure-rms-byok in person" azure-rms-byok "$R/rms-person" "- - y y y 1111 2222 4444 5555 y y y" \
    --set method=in-person --set to_world="$R/rms-person/rms/kmdata" \
    --set to_drawer="$R/rms-person/rms/cards" --set ident=contosokey --set kek= --set chain= \
    --set root= --set kek_id=
rehearse "change-pin" change-pin "$R/pin" "- - y 1111 7777 7777 y"
rehearse "replace-cards" replace-cards "$R/replace" \
    "- - y y y 1111 2222 4444 4444 5555 5555 6666 6666 y y y" --set k=2 --set n=3 --set reason="a drill"

# Each built-in was rehearsed above.
for id in $(cat "$T/ids"); do
	case $done_ids in
	*" $id "*) ;;
	*) fail "ceremony $id was not rehearsed: add a run of it to this test" ;;
	esac
done

# 4. Input that ends early: exit 5, the transcript left unsealed (it can
# be resumed), verify says so with exit 6.
answers - - -
expect 5 "interrupted" -- "$OFFICIANT" training run --dir "$R/cut" generate-key <"$T/in"
expect_in "$T/err" "the ceremony stopped" "interrupted: reason"
expect_in "$T/err" "is unsealed and can be resumed" "interrupted: can be resumed"
tr=$(ls "$R/cut/kmdata/transcripts"/*-generate-key.transcript 2>/dev/null)
[ -f "$tr" ] || fail "interrupted: no transcript"
expect_in "$T/err" "The transcript $tr is unsealed" "interrupted: names the transcript"
expect 6 "interrupted: verify" -- "$OFFICIANT" verify --kmdata "$R/cut/kmdata" "$tr"
# Refused before anything ran: no answer at all.
: >"$T/in"
expect 5 "no input" -- "$OFFICIANT" training run --dir "$R/none" create-world <"$T/in"
# A "no" is an answer: the ceremony ends, aborted and sealed (exit 1).
answers - - - - - n
expect 1 "declined" -- "$OFFICIANT" training run --dir "$R/no" generate-key <"$T/in"
expect_in "$T/out" "The ceremony was aborted." "declined: aborted"
tr=$(ls "$R/no/kmdata/transcripts"/*-generate-key.transcript 2>/dev/null)
expect 0 "declined: verify" -- "$OFFICIANT" verify --kmdata "$R/no/kmdata" "$tr"
expect_in "$T/out" "sealed" "declined: sealed"

finish
