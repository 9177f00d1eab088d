#!/bin/sh
# The --help output and the manual agree: every command the program has
# is in officiant(1)'s SYNOPSIS and the other way round, and for each
# one the long options of its usage line are those of its SYNOPSIS
# entry; every option in the usage line is described in the --help text.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

MAN=$top_srcdir/man/officiant.1
[ -r "$MAN" ] || { echo "no $MAN: skipped"; exit 77; }

# The SYNOPSIS entries: one line per command, "group name: --opt ...".
sed -n '/^\.Sh SYNOPSIS/,/^\.Sh /p' "$MAN" | awk '
	/^\.Nm/ { if (cmd != "") print cmd ":" opts; cmd = ""; opts = ""; next }
	/^\.Cm / && cmd == "" { $1 = ""; sub(/^ /, ""); cmd = $0; next }
	{
		n = split($0, w, /[ \t]+/)
		# "Fl -kmdata" is --kmdata; "Fl c | -config" also gives
		# --config.
		for (i = 1; i < n; i++)
			if ((w[i] == "Fl" || w[i] == ".Fl" || w[i] == "|") &&
			    w[i + 1] ~ /^-[a-z][-a-z0-9]*$/)
				opts = opts " -" w[i + 1]
	}
	END { if (cmd != "") print cmd ":" opts }' |
    sed 's/ *:/:/' >"$T/man.cmds"
grep -q '^world create:' "$T/man.cmds" || fail "cannot read the SYNOPSIS of $MAN"

# The commands of the program, from the --help of each group.
: >"$T/prog.cmds"
groups=$("$OFFICIANT" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 && $1 != "Commands:" { print $1 }')
[ -n "$groups" ] || fail "no command groups in --help"
for g in $groups; do
	subs=$("$OFFICIANT" "$g" --help 2>/dev/null | sed -n '/^Subcommands:/,/^$/p' | awk 'NF > 1 && $1 != "Subcommands:" { print $1 }')
	if [ -z "$subs" ]; then
		echo "$g" >>"$T/prog.cmds"
	else
		for s in $subs; do
			echo "$g $s" >>"$T/prog.cmds"
		done
	fi
done

sed 's/:.*//' "$T/man.cmds" | sort -u >"$T/man.names"
sort -u "$T/prog.cmds" >"$T/prog.names"
for c in $(comm -23 "$T/prog.names" "$T/man.names" | tr ' ' '+'); do
	fail "command '$(echo "$c" | tr + ' ')' is not in the SYNOPSIS"
done
for c in $(comm -13 "$T/prog.names" "$T/man.names" | tr ' ' '+'); do
	# A group's shorthand (officiant training CEREMONY) is no command.
	grep -q "^$c " "$T/prog.names" && continue
	fail "the SYNOPSIS has '$(echo "$c" | tr + ' ')', which the program does not"
done

# Options, command by command.
while IFS= read -r c; do
	# shellcheck disable=SC2086
	"$OFFICIANT" $c --help >"$T/help" 2>&1 || { fail "$c --help failed"; continue; }
	head -1 "$T/help" | grep -o -- '--[a-z][-a-z0-9]*' | sort -u >"$T/usage.opts"
	# --config goes before any command: it is in no usage line.
	grep "^$c:" "$T/man.cmds" | head -1 | sed 's/^[^:]*://' | tr ' ' '\n' | grep -- '^--' | grep -v -- '^--config$' | sort -u >"$T/man.opts"
	if ! cmp -s "$T/usage.opts" "$T/man.opts"; then
		fail "$c: usage line and SYNOPSIS differ: $(diff "$T/usage.opts" "$T/man.opts" | grep '^[<>]' | tr '\n' ' ')"
	fi
	for o in $(cat "$T/usage.opts"); do
		tail -n +2 "$T/help" | grep -q -- "$o\\b" || fail "$c: $o is in the usage line but not described"
	done
done <"$T/prog.names"
finish
