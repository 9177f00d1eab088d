#!/bin/sh
# The translations are complete and sound: each catalogue of po/LINGUAS
# passes msgfmt's checks (formats, header, domain) with no fuzzy and no
# untranslated entry, and holds every message of the sources that
# po/POTFILES.in lists (as xgettext finds them with po/Makevars'
# options), so a string added without its translations fails here.
# Skipped (77) without msgfmt; the comparison with the sources is left
# out without xgettext and msgcmp.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

command -v msgfmt >/dev/null 2>&1 || { echo "no msgfmt: skipped"; exit 77; }
po=$top_srcdir/po
langs=$(sed 's/#.*//' "$po/LINGUAS")
[ -n "$langs" ] || fail "po/LINGUAS names no language"

pot=
if command -v xgettext >/dev/null 2>&1 && command -v msgcmp >/dev/null 2>&1; then
	if (cd "$top_srcdir" && xgettext --keyword=_ --keyword=N_ \
	    --add-comments=TRANSLATORS: --from-code=UTF-8 \
	    --files-from=po/POTFILES.in -o "$T/officiant.pot") 2>"$T/err"; then
		pot=$T/officiant.pot
	else
		fail "xgettext cannot read the sources of po/POTFILES.in"
		sed 's/^/  /' "$T/err" >&2
	fi
else
	echo "no xgettext/msgcmp: the catalogues are not compared with the sources"
fi

for l in $langs; do
	f=$po/$l.po
	[ -f "$f" ] || { fail "po/$l.po is missing"; continue; }
	if ! msgfmt --check-format --check-header --check-domain --statistics \
	    -o /dev/null "$f" 2>"$T/stat"; then
		fail "po/$l.po: msgfmt finds problems"
		sed 's/^/  /' "$T/stat" >&2
		continue
	fi
	if grep -q -e fuzzy -e untranslated "$T/stat"; then
		fail "po/$l.po is not complete: $(cat "$T/stat")"
		msgattrib --only-fuzzy "$f" 2>/dev/null | grep '^msgid' |
		    head -5 | sed 's/^/  fuzzy: /' >&2
		msgattrib --untranslated "$f" 2>/dev/null | grep '^msgid' |
		    head -5 | sed 's/^/  untranslated: /' >&2
	fi
	if [ -n "$pot" ] && ! msgcmp "$f" "$pot" >"$T/cmp" 2>&1; then
		fail "po/$l.po lacks messages of the sources; in the build" \
		    "directory, 'make -C po update-po', then translate them"
		msgmerge --no-fuzzy-matching -q -o - "$f" "$pot" 2>/dev/null |
		    msgattrib --untranslated --no-obsolete 2>/dev/null |
		    awk '/^msgid /{ s = substr($0, 7); c = 1; next }
			c && /^"/ { s = s $0; next }
			/^msgstr/ { if (c && s != "\"\"") print s; c = 0 }' |
		    sed 's/""//g' | head -10 | sed 's/^/  new: /' >&2
	fi
done

finish
