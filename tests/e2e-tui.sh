#!/bin/sh
# The full-screen front end, driven through tmux (send-keys) and read
# back (capture-pane): a whole create-world rehearsal at 80x24 with the
# TRAINING banner, the step outline, prompts, PINs shown as dots only,
# a resize in the middle, Ctrl-C answered "no" and then "yes" (stopped,
# resumable), the ASCII fallback, and the final screen with the root.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

. "$top_srcdir/tests/e2e-tmux.sh"
need_tmux
: "${OFFICIANT_CEREMONY_DIR:=$top_srcdir/ceremony}"
export OFFICIANT_CEREMONY_DIR

# A whole rehearsal.
start a C.UTF-8 "$OFFICIANT" training create-world --dir "$T/a"
wait_screen a "Cards needed to authorise (K)"
expect_in "$T/screen" "TRAINING - a rehearsal on a throw-away world" "banner"
expect_in "$T/screen" "Create a security world" "title"
expect_in "$T/screen" "· Prepare the room" "outline: pending steps"
keys a Enter Enter
wait_screen a "Press Enter to touch the simulated YubiKey"
keys a Enter
wait_screen a "▶ The witness authenticat"
expect_in "$T/screen" "✓ The ceremony administra" "outline: a step done"
keys a Enter
wait_screen a "[1/3] The workstation is disconnected"
expect_in "$T/screen" "[y] yes    [n] no" "yes/no keys shown"
# The screen follows a resize at once.
tm resize-window -t a -x 100 -y 30
sleep 0.3
screen a
[ "$(wc -l <"$T/screen")" -ge 30 ] || fail "resize: the screen is not 30 lines"
expect_in "$T/screen" "[1/3] The workstation is disconnected" "resize: the prompt is still there"
tm resize-window -t a -x 80 -y 24
keys a y y y
wait_screen a "Card 1 of 3: its custodian chooses a PIN"
keys a 7391
sleep 0.2
screen a
expect_in "$T/screen" "> ••••" "a PIN shows as dots"
grep -q 7391 "$T/screen" && fail "the PIN is on the screen"
keys a Tab
screen a
expect_in "$T/screen" "(typed, length hidden)" "the PIN's length hidden on request"
keys a Enter 7391 Enter 8264 Enter 8264 Enter 5027 Enter 5027 Enter
wait_screen a "Card 1: its custodian types the PIN"
keys a 7391 Enter
wait_screen a "Card 2: its custodian types the PIN"
keys a 8264 Enter
wait_screen a "Give each card to its custodian"
keys a y
wait_screen a "I saw world"
keys a y
wait_screen a "The ceremony is complete."
expect_in "$T/screen" "Final root, for the paper record:" "final root shown"
keys a q
[ "$(wait_rc a)" = 0 ] || fail "the rehearsal ended with $(cat "$T/a.rc" 2>/dev/null)"
tr=$(ls "$T/a/kmdata/transcripts/"*-create-world.transcript)
expect 0 "the transcript verifies" -- "$OFFICIANT" verify --kmdata "$T/a/kmdata" "$tr"
expect_in "$T/out" "OK: transcript of ceremony create-world (TRAINING)" "sealed"
grep -qw -e 7391 -e 8264 -e 5027 "$tr" && fail "a PIN is in the transcript"

# Ctrl-C asks; "n" goes on, "y" stops with the transcript resumable.
start b C.UTF-8 "$OFFICIANT" training create-world --dir "$T/b"
wait_screen b "Cards needed to authorise (K)"
keys b C-c
wait_screen b "Stop the ceremony here?"
keys b n
wait_screen b "Cards needed to authorise (K)"
keys b C-c
wait_screen b "Stop the ceremony here?"
keys b y
[ "$(wait_rc b)" = 5 ] || fail "stopped: exit $(cat "$T/b.rc" 2>/dev/null), expected 5"
tr=$(ls "$T/b/kmdata/transcripts/"*-create-world.transcript)
expect 6 "the stopped transcript is unsealed" -- "$OFFICIANT" verify "$tr"

# Alone at a terminal: the home screen; its verify runs the command and
# comes back; q leaves.
start h C.UTF-8 env OFFICIANT_KMDATA="$T/a/kmdata" "$OFFICIANT"
wait_screen h "Officiant - key ceremonies"
expect_in "$T/screen" "Rehearse a ceremony" "home: rehearse"
expect_in "$T/screen" "Resume an interrupted ceremony" "home: resume"
keys h Down Down Down Enter
wait_screen h "Which transcript?"
expect_in "$T/screen" "-create-world.transcript" "home: the transcripts of KMDATA"
keys h Enter
wait_screen h "OK: transcript of ceremony create-world"
keys h Enter
wait_screen h "Officiant - key ceremonies"
keys h q
[ "$(wait_rc h)" = 0 ] || fail "home: exit $(cat "$T/h.rc" 2>/dev/null)"

# The terminal goes away (hang-up): the program stops, it does not spin.
start g C.UTF-8 "$OFFICIANT" training create-world --dir "$T/g"
wait_screen g "Cards needed to authorise (K)"
tm kill-session -t g
i=0
while pgrep -f -- "--dir $T/g" >/dev/null 2>&1 && [ $i -lt 30 ]; do
	sleep 0.1
	i=$((i + 1))
done
if pgrep -f -- "--dir $T/g" >/dev/null 2>&1; then
	fail "the program goes on after its terminal went away"
	pkill -9 -f -- "--dir $T/g"
fi

# Plain ASCII and no colour.
start c C "env NO_COLOR=1 $OFFICIANT" training create-world --dir "$T/c"
wait_screen c "Cards needed to authorise (K)"
expect_in "$T/screen" "- Prepare the room" "ASCII outline"
keys c C-c
wait_screen c "Stop the ceremony here?"
keys c y
wait_rc c >/dev/null
finish
