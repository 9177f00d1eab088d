#!/bin/sh
# po/ceremony-strings.c, from which xgettext takes the texts of the
# built-in ceremonies for translation, is what tests/tools/script-strings
# makes of ceremony/*.ceremony today: a ceremony text changed without
# regenerating it would be shown untranslated. It is listed in
# po/POTFILES.in, and each of its texts is in po/nl.po and po/de.po.
. "${top_srcdir:-$(dirname "$0")/..}/tests/e2e-lib.sh"

tool=$(dirname "$OFFICIANT")/tests/tools/script-strings
[ -x "$tool" ] || { echo "no $tool: skipped"; exit 77; }

if ! "$tool" "$top_srcdir"/ceremony/*.ceremony >"$T/new" 2>"$T/err"; then
	fail "script-strings: exit $?"
	sed 's/^/  stderr: /' "$T/err" >&2
elif ! cmp -s "$T/new" "$top_srcdir/po/ceremony-strings.c"; then
	fail "po/ceremony-strings.c is out of date with ceremony/*.ceremony;" \
	    "regenerate it with 'make update-ceremony-strings' in the build" \
	    "directory, then update po/*.po (make -C po update-po) and" \
	    "translate the new texts"
	diff -u "$top_srcdir/po/ceremony-strings.c" "$T/new" | head -40 >&2
fi
grep -qx 'po/ceremony-strings.c' "$top_srcdir/po/POTFILES.in" ||
    fail "po/ceremony-strings.c is not in po/POTFILES.in"

# Each text has a translation, not fuzzy, in each catalogue.
if command -v xgettext >/dev/null 2>&1 && command -v msgcmp >/dev/null 2>&1; then
	xgettext --keyword=N_ --from-code=UTF-8 -o "$T/c.pot" \
	    "$top_srcdir/po/ceremony-strings.c" || fail "xgettext"
	for l in nl de; do
		msgcmp "$top_srcdir/po/$l.po" "$T/c.pot" \
		    >"$T/cmp" 2>&1 || {
			fail "po/$l.po lacks translations of ceremony texts" \
			    "(make -C po update-po, then translate them)"
			head -20 "$T/cmp" >&2
		}
	done
else
	echo "no xgettext/msgcmp: the catalogues are not compared"
fi

finish
