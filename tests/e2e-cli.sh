#!/bin/sh
# Command line: help, version, usage errors and exit codes.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

expect 0 "--help" -- "$OFFICIANT" --help
expect_in "$T/out" "Usage: officiant COMMAND" "--help"
expect_in "$T/out" "Exit status:" "--help lists exit codes"
expect 0 "--version" -- "$OFFICIANT" --version
expect_in "$T/out" "officiant 0." "--version"
expect 2 "no arguments" -- "$OFFICIANT"
expect 2 "unknown command" -- "$OFFICIANT" frobnicate
expect_in "$T/err" "unknown command 'frobnicate'" "unknown command"
expect 0 "world --help" -- "$OFFICIANT" world --help
for c in create info suites backup restore; do
	expect_in "$T/out" "$c" "world --help lists $c"
done
expect 0 "card --help" -- "$OFFICIANT" card --help
for c in list inspect verify change-pin; do
	expect_in "$T/out" "$c" "card --help lists $c"
done
for c in "world create" "world info" "world suites" "world backup" \
    "world restore" "card list" "card inspect" "card verify" \
    "card change-pin"; do
	# shellcheck disable=SC2086
	expect 0 "$c --help" -- "$OFFICIANT" $c --help
	expect_in "$T/out" "Usage: officiant $c" "$c --help"
done
expect 2 "world nosuch" -- "$OFFICIANT" world nosuch
expect 2 "create without quorum" -- "$OFFICIANT" world create --drawer "$T"
expect_in "$T/err" "--quorum K/N is required" "create without quorum"
expect 2 "bad quorum syntax" -- "$OFFICIANT" world create --quorum two --drawer "$T"
expect 2 "slot and drawer" -- "$OFFICIANT" world create --quorum 2/3 --slot "$T" --drawer "$T" --kmdata "$T/k"
expect 2 "neither slot nor drawer" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$T/k"
expect 2 "unknown option" -- "$OFFICIANT" world info --frob
expect 0 "suites" -- "$OFFICIANT" world suites
expect_in "$T/out" "ed25519-aes256gcm-scrypt" "suites"
expect_in "$T/out" "(default)" "suites marks the default"
finish
