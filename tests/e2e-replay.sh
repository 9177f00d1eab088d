#!/bin/sh
# officiant replay, driven through tmux (send-keys) and read back
# (capture-pane) at 80x24: a rehearsed create-world transcript under its
# verification result, stepped forward and back, a jump by number and by
# name, a search with its next and previous matches, the help, a resize
# that leaves no garbage, q giving the terminal back as it was; a
# transcript with one byte flipped, and one with a line that cannot be
# read, open only after a red warning that names the line; an unsealed
# one; the ASCII and colourless screen; the home screen's replay; and
# the refusal without a terminal.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

: "${OFFICIANT_CEREMONY_DIR:=$top_srcdir/ceremony}"
export OFFICIANT_CEREMONY_DIR
XDG_CONFIG_HOME=$T/xdg; HOME=$T/home; export XDG_CONFIG_HOME HOME

# A transcript to replay: create-world rehearsed in line mode.
printf '\n\ny\ny\ny\n73915824\n73915824\n82640917\n82640917\n50273816\n50273816\n73915824\n82640917\ny\ny\n' >"$T/in"
expect 0 "the rehearsal" -- "$OFFICIANT" training run --dir "$T/w" \
    --set k=2 --set n=3 create-world <"$T/in"
K=$T/w/kmdata
TR=$(ls "$K"/transcripts/*-create-world.transcript)
expect 0 "the transcript verifies" -- "$OFFICIANT" verify --kmdata "$K" "$TR"
E=$(sed -n 's/^OK: .*: \([0-9]*\) entries, .*/\1/p' "$T/out")
C=$(sed -n 's/^OK: .*, \([0-9]*\) checkpoints, .*/\1/p' "$T/out")
ROOT2=$(sed -n '3p' "$T/out" | awk '{ print $1 " " $2 }')
# The steps: those begun, what comes before the first and the seal.
N=$(($(grep -c '"type":"step-begun"' "$TR") + 2))

# Without a terminal: refused, pointing at 'transcript show'.
expect 2 "no terminal" -- "$OFFICIANT" replay --kmdata "$K" "$TR" </dev/null
expect_in "$T/err" "officiant transcript show" "no terminal: what to use"
[ -s "$T/out" ] && fail "no terminal: something on standard output"
expect 0 "help" -- "$OFFICIANT" replay --help
expect_in "$T/out" "--kmdata DIR" "help: the options"
expect 2 "no transcript" -- "$OFFICIANT" replay
expect 2 "a bad --key" -- "$OFFICIANT" replay --key nonsense "$TR"

# The full screen, in tmux, with keys as tmux sends them.
if ! command -v tmux >/dev/null 2>&1; then
	[ "$failures" -eq 0 ] || finish
	echo "no tmux: skipped"
	exit 77
fi
if infocmp tmux-256color >/dev/null 2>&1; then TUI_TERM=tmux-256color; else TUI_TERM=screen; fi
. "$top_srcdir/tests/e2e-tmux.sh"
not_on_screen() {
	grep -qF -- "$1" "$T/screen" && { fail "$2: '$1' on the screen"; sed 's/^/  | /' "$T/screen" >&2; }
}
# text NAME TEXT: typed as it is.
text() {
	tm send-keys -t "$1" -l "$2"
	sleep 0.15
}
# status_line WHAT TEXT: the top line of the screen begins with TEXT.
status_line() {
	head -1 "$T/screen" | grep -q "^ $2" || fail "$1: the top line is '$(head -1 "$T/screen")'"
}
# restored NAME: the terminal's modes are back as they were.
restored() {
	cmp -s "$T/$1.stty0" "$T/$1.stty1" || fail "$1: the terminal was not restored: $(diff "$T/$1.stty0" "$T/$1.stty1" | tr '\n' ' ')"
}
# redrawn NAME W H: the screen is W x H and is what a full redraw
# (Ctrl-L) makes of it: no garbage.
redrawn() {
	i=0
	while [ $i -lt 50 ]; do
		screen "$1"
		[ "$(wc -l <"$T/screen")" -eq "$3" ] && head -1 "$T/screen" | grep -q "VERIFIED" &&
		    tail -1 "$T/screen" | grep -q "q quit" && break
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.3
	screen "$1"
	cp "$T/screen" "$T/before"
	keys "$1" C-l
	sleep 0.3
	screen "$1"
	cmp -s "$T/before" "$T/screen" || { fail "resize to $2x$3: garbage"; diff "$T/before" "$T/screen" >&2; }
	[ "$(wc -l <"$T/screen")" -eq "$3" ] || fail "resize to $2x$3: $(wc -l <"$T/screen") lines"
	while IFS= read -r l; do
		[ "$(printf '%s' "$l" | LC_ALL=C.UTF-8 wc -m)" -le "$2" ] ||
		    fail "resize to $2x$3: a line is too long: $l"
	done <"$T/screen"
}

# A verified transcript, step by step.
start v C.UTF-8 "$OFFICIANT" replay --kmdata "$K" "$TR"
wait_screen v "Step 1 of $N: Ceremony started"
status_line "verified" "VERIFIED: sealed, $E entries, $C checkpoints, anchored to world "
expect_in "$T/screen" "TRAINING: Create a security world" "title"
expect_in "$T/screen" "✓  4 Prepare the room" "outline"
expect_in "$T/screen" "Ceremony started" "the first step"
keys v Right
wait_screen v "Step 2 of $N: The ceremony administrator"
expect_in "$T/screen" "Officer authenticated" "step 2: the officer"
keys v n
wait_screen v "Step 3 of $N: The witness authenticates"
keys v Space
wait_screen v "Step 4 of $N: Prepare the room"
expect_in "$T/screen" "The workstation is disconnected from every" "step 4: the checklist"
expect_in "$T/screen" "Answer: yes" "step 4: the answers"
keys v Left
wait_screen v "Step 3 of $N: The witness authenticates"
keys v p BSpace
wait_screen v "Step 1 of $N: Ceremony started"
keys v Left
wait_screen v "This is the first step."
# Jumps: by number, by name; the ends.
keys v g 5 Enter
wait_screen v "Step 5 of $N: Create the world and write the cards"
expect_in "$T/screen" "PIN asked (never recorded)" "step 5: PINs asked, not recorded"
expect_in "$T/screen" "Card 1 of 3: its custodian chooses a PIN" "step 5: what was asked"
for pin in 73915824 82640917 50273816; do not_on_screen "$pin" "a PIN"; done
keys v g
text v handover
keys v Enter
wait_screen v "Step 7 of $N: Hand over the cards"
keys v End
wait_screen v "Step $N of $N: Sealed"
expect_in "$T/screen" "Ceremony sealed" "the seal"
expect_in "$T/screen" "Final checkpoint" "the final checkpoint"
expect_in "$T/screen" "$ROOT2" "the final root's words, as verify gives them"
keys v Home
wait_screen v "Step 1 of $N: Ceremony started"
keys v g
text v nowhere
keys v Enter
wait_screen v "No step 'nowhere'"
# Search, then the next and previous matches.
keys v /
text v "custodian types the PIN"
keys v Enter
wait_screen v "Step 6 of $N: Prove the quorum"
grep -q "> #[0-9]* .*PIN asked" "$T/screen" || fail "search: the match is not marked"
expect_in "$T/screen" "n/N next/previous match" "search: the keys"
first=$(grep -o "> #[0-9]*" "$T/screen")
keys v n
sleep 0.3
screen v
second=$(grep -o "> #[0-9]*" "$T/screen")
{ [ -n "$second" ] && [ "$second" != "$first" ]; } || fail "n: no next match ($first, then $second)"
keys v n
wait_screen v "The search went on from the start"
keys v N
wait_screen v "The search went on from the end"
keys v Escape
wait_screen v "n/Right next step"
keys v /
text v "no such text"
keys v Enter
wait_screen v "Not found: no such text"
# The help, under the verification result.
keys v "?"
wait_screen v "Any key goes back."
status_line "help" "VERIFIED"
keys v x
wait_screen v "Step 6 of $N"
# Resizes at any moment.
tm resize-window -t v -x 100 -y 30
redrawn v 100 30
tm resize-window -t v -x 80 -y 24
redrawn v 80 24
expect_in "$T/screen" "Step 6 of $N: Prove the quorum" "resize: the same step"
keys v q
[ "$(wait_rc v)" = 0 ] || fail "verified: exit $(cat "$T/v.rc" 2>/dev/null), expected 0"
restored v
screen v
not_on_screen "VERIFIED" "after q"

# One byte flipped: a red warning first, naming the file and the line.
cp "$TR" "$T/bad.transcript"
sed -i '0,/Prepare the room/s//Prepare thE room/' "$T/bad.transcript"
[ "$(cmp -l "$TR" "$T/bad.transcript" | wc -l)" -eq 1 ] || fail "not one byte changed"
expect 3 "the altered transcript" -- "$OFFICIANT" verify --kmdata "$K" "$T/bad.transcript"
L=$(sed -n 's/.*: line \([0-9]*\): .*/\1/p' "$T/out")
[ -n "$L" ] || fail "verify names no line: $(cat "$T/out")"
start b C.UTF-8 "$OFFICIANT" replay --kmdata "$K" "$T/bad.transcript"
wait_screen b "WARNING: THIS TRANSCRIPT DOES NOT VERIFY"
expect_in "$T/screen" "File: $T/bad.transcript" "warning: the file"
expect_in "$T/screen" "Problem: line $L: the entries before this checkpoint were changed" "warning: the line"
not_on_screen "Step 1 of" "warning"
keys b q
[ "$(wait_rc b)" = 3 ] || fail "refused: exit $(cat "$T/b.rc" 2>/dev/null), expected 3"
restored b
screen b
not_on_screen "Step 1 of" "refused"
# Anything but yes is no acknowledgement; yes opens it under a red banner.
start c C.UTF-8 "$OFFICIANT" replay --kmdata "$K" "$T/bad.transcript"
wait_screen c "WARNING: THIS TRANSCRIPT DOES NOT VERIFY"
text c no
keys c Enter
sleep 0.3
screen c
expect_in "$T/screen" "WARNING: THIS TRANSCRIPT DOES NOT VERIFY" "'no' is not yes"
text c yes
keys c Enter
wait_screen c "Step 1 of $N: Ceremony started"
status_line "altered" "NOT VERIFIED, DO NOT RELY ON IT: line $L"
keys c g 4 Enter
wait_screen c "Step 4 of $N: Prepare thE room"
status_line "altered, step 4" "NOT VERIFIED"
grep -q "! #12 " "$T/screen" || fail "altered: the entries no checkpoint covers are not marked"
expect_in "$T/screen" "!  4 Prepare thE room" "altered: the step is marked"
keys c End
wait_screen c "Step $N of $N: Sealed"
status_line "altered, the last step" "NOT VERIFIED"
keys c q
[ "$(wait_rc c)" = 3 ] || fail "acknowledged: exit $(cat "$T/c.rc" 2>/dev/null), expected 3"
restored c

# What the transcript says never drives the terminal nor turns text
# around: an escape sequence and a bidi override (JSON escapes in a
# forged entry) show as '?'.
cp "$TR" "$T/forged.transcript"
sed -i '0,/Prepare the room/s//Prepare \\u202eeht\\u001b[2J room/' "$T/forged.transcript"
grep -q 'u202eeht' "$T/forged.transcript" || fail "forged: nothing replaced"
start f C.UTF-8 "$OFFICIANT" replay --kmdata "$K" "$T/forged.transcript"
wait_screen f "WARNING: THIS TRANSCRIPT DOES NOT VERIFY"
text f yes
keys f Enter
wait_screen f "Step 1 of $N"
keys f g 4 Enter
wait_screen f "Step 4 of $N: Prepare ?eht?[2J room"
grep -q "$(printf '\342\200\256')" "$T/screen" && fail "forged: a bidi override reached the screen"
keys f q
wait_rc f >/dev/null

# A line that cannot be read: what comes before it is shown.
cp "$TR" "$T/dmg.transcript"
sed -i '30s/^{/x/' "$T/dmg.transcript"
start d C.UTF-8 "$OFFICIANT" replay --kmdata "$K" "$T/dmg.transcript"
wait_screen d "Problem: line 30: not a JSON object"
text d yes
keys d Enter
wait_screen d "Step 1 of"
status_line "damaged" "NOT VERIFIED, DO NOT RELY ON IT: line 30"
keys d End
wait_screen d "Line 30 and what follows cannot be read"
keys d q
[ "$(wait_rc d)" = 3 ] || fail "damaged: exit $(cat "$T/d.rc" 2>/dev/null), expected 3"
# Nothing readable at all: the warning, then out.
printf 'garbage\n' >"$T/junk.transcript"
start j C.UTF-8 "$OFFICIANT" replay "$T/junk.transcript"
wait_screen j "Nothing in it can be read."
keys j Enter
[ "$(wait_rc j)" = 3 ] || fail "junk: exit $(cat "$T/j.rc" 2>/dev/null), expected 3"
# Missing: an error like any other, no warning.
start m C.UTF-8 "$OFFICIANT" replay "$T/missing.transcript"
[ "$(wait_rc m)" = 1 ] || fail "missing: exit $(cat "$T/m.rc" 2>/dev/null), expected 1"

# An unsealed transcript (the input ended): yellow, exit 6.
: >"$T/in"
expect 5 "a rehearsal cut short" -- "$OFFICIANT" training run --dir "$T/u" create-world <"$T/in"
U=$(ls "$T/u/kmdata/transcripts/"*-create-world.transcript)
start u C.UTF-8 "$OFFICIANT" replay "$U"
wait_screen u "UNSEALED: intact up to the checkpoint at entry"
status_line "unsealed" "UNSEALED"
keys u q
[ "$(wait_rc u)" = 6 ] || fail "unsealed: exit $(cat "$T/u.rc" 2>/dev/null), expected 6"

# Plain ASCII, no colour; Ctrl-C gives the terminal back.
start a C env NO_COLOR=1 "$OFFICIANT" replay --kmdata "$K" "$TR"
wait_screen a "Step 1 of $N"
expect_in "$T/screen" "+  4 Prepare the room" "ASCII outline"
grep -q "^+ 10 Sealed  *| " "$T/screen" || fail "ASCII: no plain border"
LC_ALL=C grep -q '[^ -~]' "$T/screen" && fail "ASCII: a character that is not ASCII"
keys a C-c
[ "$(wait_rc a)" = 5 ] || fail "Ctrl-C: exit $(cat "$T/a.rc" 2>/dev/null), expected 5"
restored a

# The home screen replays a transcript of KMDATA and comes back.
start h C.UTF-8 env OFFICIANT_KMDATA="$K" "$OFFICIANT"
wait_screen h "Replay a transcript"
keys h Down Down Down Down Enter
wait_screen h "Which transcript?"
keys h Enter
wait_screen h "VERIFIED: sealed"
keys h q
wait_screen h "[exit status 0]"
keys h Enter
wait_screen h "Officiant - key ceremonies"
keys h q
[ "$(wait_rc h)" = 0 ] || fail "home: exit $(cat "$T/h.rc" 2>/dev/null)"
finish
