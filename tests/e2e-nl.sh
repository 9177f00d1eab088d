#!/bin/sh
# The program speaks Dutch under LANG=nl_NL.UTF-8 (and German under
# de_DE.UTF-8): a training ceremony (create-world, line mode, scripted
# answers as in e2e-ceremonies.sh) shows Dutch prompts, card prompts,
# progress and closing words, no English ones, and still completes
# with a sealed TRAINING transcript that verify accepts. The locale is
# switched by LC_ALL and by LANG alone; LC_ALL=C stays English. The
# full-screen front end (through tmux, as in e2e-tui.sh) shows its
# banner, status lines, yes/no keys and help screen in Dutch.
# The ceremony's own texts (ceremony/create-world.ceremony: checklist
# items, instructions, the witness's statement, role titles) are shown
# in Dutch and German too, as is 'script print'; a catalogue whose
# translation changes a ${...} reference is not used for that text.
# The catalogues are compiled from po/*.po (msgfmt, else the built
# .gmo) into a temporary directory that OFFICIANT_LOCALEDIR names, so
# the uninstalled build is tested. Skipped (77) without the nl_NL.UTF-8
# locale (see bootstrap), without a catalogue, or when the program does
# not honour OFFICIANT_LOCALEDIR; the German part is skipped alone
# without de_DE.UTF-8.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

: "${OFFICIANT_CEREMONY_DIR:=$top_srcdir/ceremony}"
export OFFICIANT_CEREMONY_DIR
# No configuration file of the user's or the system's takes part, and
# no LANGUAGE list overrides the locale.
XDG_CONFIG_HOME=$T/xdg; HOME=$T/home; export XDG_CONFIG_HOME HOME
unset LANGUAGE LC_MESSAGES

has_locale() {
	locale -a 2>/dev/null | grep -qix "$1.utf-\{0,1\}8"
}
has_locale nl_NL || { echo "no nl_NL.UTF-8 locale (run bootstrap): skipped"; exit 77; }
grep -qa OFFICIANT_LOCALEDIR "$OFFICIANT" ||
    { echo "the program ignores OFFICIANT_LOCALEDIR: skipped"; exit 77; }

# catalogue LANG: po/LANG.po compiled into $T/locale.
OFFICIANT_LOCALEDIR=$T/locale
export OFFICIANT_LOCALEDIR
catalogue() {
	mkdir -p "$T/locale/$1/LC_MESSAGES"
	mo=$T/locale/$1/LC_MESSAGES/officiant.mo
	if command -v msgfmt >/dev/null 2>&1; then
		msgfmt -c -o "$mo" "$top_srcdir/po/$1.po" || fail "msgfmt $1.po"
	elif [ -f "$top_srcdir/po/$1.gmo" ]; then
		cp "$top_srcdir/po/$1.gmo" "$mo"
	else
		echo "no msgfmt and no po/$1.gmo: skipped"; exit 77
	fi
}
catalogue nl

# rehearse WHAT LOCALE DIR: the 2-of-3 create-world rehearsal with the
# answers of e2e-ceremonies.sh ("-" an empty line), its output in
# $T/out, the answers not read in $T/rest.
rehearse() {
	: >"$T/in"
	for a in - - y y y 1111 1111 2222 2222 3333 3333 1111 2222 y y; do
		if [ "$a" = - ]; then echo; else printf '%s\n' "$a"; fi >>"$T/in"
	done
	{ LC_ALL=$2 LANG=$2 "$OFFICIANT" training run --dir "$3" \
	    --set k=2 --set n=3 create-world >"$T/out" 2>"$T/err"
	  echo $? >"$T/rc"; cat >"$T/rest"; } <"$T/in"
	if [ "$(cat "$T/rc")" -ne 0 ]; then
		fail "$1: exit $(cat "$T/rc"), expected 0"
		sed 's/^/  stdout: /' "$T/out" >&2
		sed 's/^/  stderr: /' "$T/err" >&2
		return 1
	fi
	[ -s "$T/rest" ] && fail "$1: answers not asked for: $(tr '\n' ' ' <"$T/rest")"
	[ -s "$T/err" ] && { fail "$1: messages on stderr"; sed 's/^/  stderr: /' "$T/err" >&2; }
	return 0
}

# not_in FILE TEXT WHAT: FILE must not contain TEXT.
not_in() {
	grep -qF -- "$2" "$1" && { fail "$3: '$2' in output"; sed 's/^/  /' "$1" >&2; }
	return 0
}

# sealed WHAT DIR: the rehearsal's transcript verifies (in C).
sealed() {
	tr=$(ls "$2"/kmdata/transcripts/*-create-world.transcript 2>/dev/null)
	if ! LC_ALL=C "$OFFICIANT" verify --kmdata "$2/kmdata" "$tr" >"$T/vout" 2>&1; then
		fail "$1: the transcript does not verify"
		sed 's/^/  /' "$T/vout" >&2
	fi
	expect_in "$T/vout" "OK: transcript of ceremony create-world (TRAINING):" "$1: verify"
}

# 1. Dutch, through LC_ALL.
if rehearse "nl" nl_NL.UTF-8 "$T/nl"; then
	for t in \
	    "*** TRAINING: een repetitie op een wegwerpwereld; niets hiervan is echt ***" \
	    "Ceremonie: Een beveiligingswereld aanmaken (create-world, versie 1)" \
	    "[1] TRAINING Druk op Enter om de gesimuleerde YubiKey aan te raken: " \
	    "TRAINING Kaart 1 van 3: kies een PIN: " \
	    "TRAINING Kaart 3 van 3: typ de PIN nogmaals: " \
	    "Kaart 2 van 3 (" \
	    "deelverzamelingen van kaarten controleren: 3/3" \
	    "TRAINING: Functionaris " \
	    "De ceremonie is voltooid." \
	    "Eindroot: " \
	    "De trainingswereld blijft in $T/nl tot u haar verwijdert."; do
		expect_in "$T/out" "$t" "nl: Dutch text"
	done
	# The script's texts, from po/ceremony-strings.c.
	for t in \
	    "[3] TRAINING [1/3] Het werkstation is van elk netwerk losgekoppeld [y/N] y" \
	    "[4] TRAINING [2/3] 3 lege kaarten liggen klaar, één per bewaarder" \
	    "Willekeurige 2 bewaarders voeren hun kaarten in en typen hun PIN's." \
	    "(Ceremoniebeheerder: Functionaris 1) [y/N] y" \
	    "[7] TRAINING Ik heb gezien dat wereld " \
	    "is aangemaakt met een quorum van 2 van 3 kaarten. (Getuige: " \
	    "De wereld is klaar."; do
		expect_in "$T/out" "$t" "nl: a Dutch ceremony text"
	done
	for t in "Press Enter" "choose a PIN" "type the PIN again" \
	    "The ceremony is complete." "Final root:" "Officer " \
	    "The workstation is disconnected" "blank cards are at hand" \
	    "I saw world" "The world is ready." "(admin" "(witness"; do
		not_in "$T/out" "$t" "nl: English text"
	done
	# The transcript holds what was shown: the Dutch statement.
	grep -q 'Ik heb gezien dat wereld [0-9a-f]* is aangemaakt' \
	    "$T"/nl/kmdata/transcripts/*-create-world.transcript ||
	    fail "nl: the transcript lacks the Dutch statement shown"
	sealed "nl" "$T/nl"
	# The transcript's own words stay as they are: verify in Dutch.
	tr=$(ls "$T"/nl/kmdata/transcripts/*-create-world.transcript)
	expect 0 "nl: verify" -- env LC_ALL=nl_NL.UTF-8 "$OFFICIANT" verify --kmdata "$T/nl/kmdata" "$tr"
	expect_in "$T/out" "OK: transcript van ceremonie create-world (TRAINING): " "nl: verify in Dutch"
	expect_in "$T/out" ", verzegeld" "nl: verify in Dutch"
fi

# The paper document in Dutch: the step titles and kinds too.
expect 0 "nl: script print" -- env LC_ALL=nl_NL.UTF-8 "$OFFICIANT" script print create-world
for t in "CEREMONIE  Een beveiligingswereld aanmaken" \
    "De ruimte voorbereiden  (checklist, door admin, ca. 5 min)" \
    "      [ ] Het werkstation is van elk netwerk losgekoppeld" \
    "De kaarten overhandigen  (instructie, door admin, ca. 3 min)" \
    "Kaarten nodig voor toestemming (K) (geheel getal, standaard 2)" \
    "  custodian        Kaartbewaarder (3)"; do
	expect_in "$T/out" "$t" "nl: script print"
done
not_in "$T/out" "Prepare the room" "nl: script print"
# Its script is the file's: the same SHA-256 in any language.
grep -o '[0-9a-f]\{64\}' "$T/out" >"$T/sha-nl"
expect 0 "C: script print" -- env LC_ALL=C "$OFFICIANT" script print create-world
grep -o '[0-9a-f]\{64\}' "$T/out" >"$T/sha-c"
[ -s "$T/sha-c" ] && cmp -s "$T/sha-nl" "$T/sha-c" ||
    fail "script print: the SHA-256 depends on the language"
expect_in "$T/out" "Prepare the room  (checklist, by admin, about 5 min)" "C: script print"

# A translation that changes a reference is not used: a catalogue whose
# witness statement names ${kmdata} instead of the world leaves that text
# as written, while its other translation is used.
if command -v msgfmt >/dev/null 2>&1; then
	mkdir -p "$T/bad/nl/LC_MESSAGES"
	printf '%s\n' 'msgid ""' \
	    'msgstr "Content-Type: text/plain; charset=UTF-8\n"' '' \
	    'msgid "The workstation is disconnected from every network"' \
	    'msgstr "GOED: het werkstation is los"' '' \
	    'msgid "I saw world ${create.world_id} created with a quorum of ${k} of ${n} cards."' \
	    'msgstr "SLECHT: ${kmdata} met een quorum van ${k} van ${n} kaarten."' \
	    >"$T/bad.po"
	msgfmt -o "$T/bad/nl/LC_MESSAGES/officiant.mo" "$T/bad.po" ||
	    fail "msgfmt bad.po"
	OFFICIANT_LOCALEDIR=$T/bad
	if rehearse "bad catalogue" nl_NL.UTF-8 "$T/bad-run"; then
		expect_in "$T/out" "[1/3] GOED: het werkstation is los" "bad catalogue: a good translation"
		expect_in "$T/out" "] TRAINING I saw world " "bad catalogue: the text as written"
		not_in "$T/out" "SLECHT" "bad catalogue: a translation that changes a reference"
	fi
	OFFICIANT_LOCALEDIR=$T/locale
fi

# 2. LANG alone switches too (help, and an error on stderr); C does not.
# lang_only LOCALE COMMAND...: COMMAND under LANG=LOCALE, LC_ALL unset.
lang_only() {
	l_l=$1; shift
	env LANG="$l_l" sh -c 'unset LC_ALL; exec "$@"' sh "$@"
}
expect 0 "nl: --help under LANG" -- lang_only nl_NL.UTF-8 "$OFFICIANT" --help
expect_in "$T/out" "Gebruik: officiant COMMAND [ARGS]..." "nl: --help under LANG"
expect_in "$T/out" "Afsluitstatus:" "nl: --help under LANG"
expect 1 "nl: no world" -- lang_only nl_NL.UTF-8 "$OFFICIANT" world info --kmdata "$T/none"
expect_in "$T/err" "hier is geen beveiligingswereld" "nl: an error in Dutch"
expect 0 "C: --help" -- env LC_ALL=C LANG=nl_NL.UTF-8 "$OFFICIANT" --help
expect_in "$T/out" "Usage: officiant COMMAND [ARGS]..." "C: --help in English"

# 3. The full-screen front end in Dutch, through tmux as in e2e-tui.sh:
# the banner, the status lines, the script's texts (title, step outline,
# parameter form, checklist item), a yes/no prompt and the help screen.
if command -v tmux >/dev/null 2>&1; then
	SOCK=$T/tmux.sock
	trap 'tmux -S "$SOCK" kill-server 2>/dev/null; rm -rf "$T"' EXIT
	tmux -S "$SOCK" new-session -d -s nl -x 80 -y 24 \
	    "env LANG=nl_NL.UTF-8 LC_ALL=nl_NL.UTF-8 TERM=xterm-256color '$OFFICIANT' training create-world --dir '$T/tui'; sleep 600"
	# on_screen TEXT: until the screen shows TEXT (10 s at most).
	on_screen() {
		i=0
		while [ $i -lt 100 ]; do
			tmux -S "$SOCK" capture-pane -t nl -p >"$T/screen"
			grep -qF -- "$1" "$T/screen" && return 0
			sleep 0.1
			i=$((i + 1))
		done
		fail "tui: the screen never showed '$1'"
		sed 's/^/  | /' "$T/screen" >&2
		return 1
	}
	on_screen "TRAINING - een repetitie op een wegwerpwereld" &&
	    on_screen "F1/? hulp   F2 afwijking vastleggen   Ctrl-C stoppen" &&
	    on_screen " verstreken, ca. " &&
	    on_screen "Een beveiligingswereld aanmaken" &&
	    on_screen "De ruimte voorbereiden" &&
	    on_screen "Kaarten nodig voor toestemming (K)" && {
		# K and N by default, then the two simulated YubiKeys.
		tmux -S "$SOCK" send-keys -t nl Enter
		sleep 0.3
		tmux -S "$SOCK" send-keys -t nl Enter
		on_screen "Druk op Enter om de gesimuleerde YubiKey"
		tmux -S "$SOCK" send-keys -t nl Enter
		sleep 0.3
		tmux -S "$SOCK" send-keys -t nl Enter
		on_screen "[1/3] Het werkstation is van elk netwerk" &&
		    on_screen "Door: Ceremoniebeheerder - "
		on_screen "[y] ja    [n] nee"
		tmux -S "$SOCK" send-keys -t nl F1
		on_screen "Toetsen" &&
		    on_screen "een vraag met ja of nee beantwoorden"
	}
	tmux -S "$SOCK" kill-server 2>/dev/null
else
	echo "no tmux: the full-screen part is skipped"
fi

# 4. German, when the locale is there.
if ! has_locale de_DE; then
	echo "no de_DE.UTF-8 locale: the German part is skipped"
else
	catalogue de
	if rehearse "de" de_DE.UTF-8 "$T/de"; then
		for t in \
		    "*** TRAINING: eine Probe auf einer Wegwerfwelt; nichts hiervon ist echt ***" \
		    "[1] TRAINING Drücken Sie Enter, um den simulierten YubiKey zu berühren: " \
		    "TRAINING Karte 1 von 3: wählen Sie eine PIN: " \
		    "Karte 2 angenommen (2 von 2)" \
		    "Die Zeremonie ist abgeschlossen." \
		    "Endwurzel: " \
		    "[1/3] Der Rechner ist von jedem Netzwerk getrennt [y/N] y" \
		    "Beliebige 2 verwahrende Personen stecken ihre Karten ein" \
		    "Die Welt ist bereit."; do
			expect_in "$T/out" "$t" "de: German text"
		done
		for t in "Press Enter" "choose a PIN" "The ceremony is complete." \
		    "The workstation is disconnected" "The world is ready."; do
			not_in "$T/out" "$t" "de: English text"
		done
		sealed "de" "$T/de"
	fi
fi

finish
