# Shared by the end-to-end tests of the full screen, after e2e-lib.sh:
# the real program in tmux sessions of a private server, driven with
# send-keys and read back with capture-pane. need_tmux skips (77)
# without tmux. TUI_TERM is the sessions' TERM (xterm-256color unless
# set; tmux-256color for keys such as Home and End as tmux sends them).
: "${TUI_TERM:=xterm-256color}"
SOCK=$T/tmux.sock

need_tmux() {
	command -v tmux >/dev/null 2>&1 || { echo "no tmux: skipped"; exit 77; }
}
tm() {
	tmux -S "$SOCK" "$@"
}
trap 'tm kill-server 2>/dev/null; rm -rf "$T"' EXIT

# start NAME LANG COMMAND...: a session of 80x24 running the command
# (in START_DIR when set), which leaves its exit status in $T/NAME.rc,
# and the terminal's modes before and after it in $T/NAME.stty0 and
# $T/NAME.stty1.
start() {
	name=$1; lang=$2; shift 2
	tm new-session -d -s "$name" -x 80 -y 24 ${START_DIR:+-c "$START_DIR"} \
	    "stty -a >$T/$name.stty0; env LANG=$lang LC_ALL=$lang TERM=$TUI_TERM $* ; echo \$? >$T/$name.rc; stty -a >$T/$name.stty1; sleep 600"
}
screen() {
	tm capture-pane -t "$1" -p >"$T/screen"
}
# wait_screen NAME TEXT [SECONDS]: until the screen shows TEXT (10 s at
# most unless said).
wait_screen() {
	i=0
	while [ $i -lt $((${3:-10} * 10)) ]; do
		screen "$1"
		grep -qF -- "$2" "$T/screen" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "screen never showed '$2'"
	sed 's/^/  | /' "$T/screen" >&2
	return 1
}
# type_text NAME TEXT: TEXT typed as it is.
type_text() {
	tm send-keys -t "$1" -l "$2"
	sleep 0.2
}
keys() {
	name=$1; shift
	for k in "$@"; do
		tm send-keys -t "$name" "$k"
		sleep 0.15
	done
}
# wait_rc NAME: the exit status of the session's command (10 s at most).
wait_rc() {
	i=0
	while [ ! -s "$T/$1.rc" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	cat "$T/$1.rc" 2>/dev/null
}
