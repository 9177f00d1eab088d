#!/bin/sh
# Bash completion (completion/officiant) offers the commands, the
# subcommands and options the program's --help lists, the built-in
# ceremonies and the keys of a world.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

BC=/usr/share/bash-completion/bash_completion
command -v bash >/dev/null 2>&1 && [ -r "$BC" ] ||
    { echo "no bash or bash-completion: skipped"; exit 77; }
: "${OFFICIANT_CEREMONY_DIR:=$top_srcdir/ceremony}"
export OFFICIANT_CEREMONY_DIR
mkdir -p "$T/bin"
ln -s "$OFFICIANT" "$T/bin/officiant"

# complete WORD...: what completing the last word offers, one a line.
complete_words() {
	PATH=$T/bin:$PATH bash -c '
		. "$1"; . "$2"; shift 2
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_officiant officiant "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' sh "$BC" \
	    "$top_srcdir/completion/officiant" "$@" 2>&1 | sort
}

# offers WHAT EXPECTED -- WORD...: the completion includes EXPECTED.
offers() {
	what=$1; want=$2; shift 3
	complete_words "$@" >"$T/c"
	grep -qx -- "$want" "$T/c" || { fail "$what: '$want' not offered"; sed 's/^/  /' "$T/c" >&2; }
}

offers "commands" world -- officiant ""
offers "commands" training -- officiant tr
offers "subcommands" reduce-acl -- officiant key re
offers "subcommands" verify-kek -- officiant package verify-
offers "options" --kek-id -- officiant package create --kek-
offers "options" --drill -- officiant training run --dr
offers "format" gcp-kms -- officiant package create --format g
offers "ceremonies" byok-azure -- officiant run byok
offers "ceremonies after training" create-world -- officiant training create
offers "commands" replay -- officiant rep
# replay: transcripts (and directories), not other files.
mkdir -p "$T/tr/sub"
: >"$T/tr/a.transcript"
: >"$T/tr/notes.txt"
offers "transcripts" "$T/tr/a.transcript" -- officiant replay "$T/tr/"
complete_words officiant replay "$T/tr/" | grep -q 'notes\.txt' &&
    fail "replay: a file that is no transcript offered"
# PKCS#11 modules: shared libraries.
: >"$T/tr/libtoken.so"
offers "options" --card-pkcs11 -- officiant world create --card-
offers "a PKCS#11 module" "$T/tr/libtoken.so" -- officiant world create --pkcs11 "$T/tr/"
complete_words officiant world create --card-pkcs11 "$T/tr/" | grep -q 'notes\.txt' &&
    fail "--card-pkcs11: a file that is no library offered"
[ "$(complete_words officiant world "")" = "$(printf 'backup\ncreate\ninfo\nrestore\nsuites\ntoken-pin')" ] ||
    fail "world subcommands: $(complete_words officiant world "" | tr '\n' ' ')"

# Keys of the world named by --kmdata.
K=$T/kmdata; D=$T/cards
create_world "create" "$K" "$D" 10
expect 0 "a key" -- "$OFFICIANT" key generate --kmdata "$K" --ident compl-key --type aes
offers "keys" key_simple_compl-key -- officiant key inspect --kmdata "$K" key_
finish
