/* officiant replay: a transcript on the full screen, a ceremony step at
 * a time, as the people in the room saw it and what they did, under the
 * result of its verification, which never leaves the top line. A
 * transcript that does not verify opens only once a warning has been
 * acknowledged. Signals only set flags (fe-line.c's, and ncurses' own
 * for SIGWINCH, which becomes KEY_RESIZE): the loop acts on them. */
#include "config.h"

#define _XOPEN_SOURCE_EXTENDED 1

#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#include <curses.h>

#include "cmd.h"
#include "error.h"
#include "fe-line.h"
#include "fileio.h"
#include "i18n.h"
#include "json.h"
#include "pgpwords.h"
#include "script.h"
#include "transcript.h"
#include "tui.h"
#include "world.h"

#define NEEDLE_MAX	128
#define NO_ITEM		SIZE_MAX
#define INDENT		4

/* How an item, a step of the outline or the status line looks. */
enum { S_PLAIN, S_GOOD, S_WARN, S_BAD, S_NOTE };
enum { P_GOOD = 1, P_WARN, P_BAD, P_NOTE, P_GOOD_BAR, P_WARN_BAR, P_BAD_BAR,
    P_TITLE };
/* How a step ended. */
enum { O_DONE, O_FAILED, O_OPEN, O_NOTE };

/* An entry or a checkpoint line, in file order, as text to show: its
 * lines are separated by newlines, the first says what it is. */
struct item {
	size_t	 group;
	int	 style;
	int	 suspect;	/* no good checkpoint covers it */
	char	*text;
};

/* A step of the ceremony (or what comes before the first and after the
 * last): its items are items[first .. first + n). */
struct group {
	const char	*id;
	char		*title;
	char		*sub;		/* id, type, role */
	int		 outcome, exceptions, suspects;
	size_t		 first, n;
};

/* A line of the right pane: part of one line of an item. */
struct dline {
	size_t		 item;
	const char	*s;
	size_t		 len;
	int		 indent;
};

struct replay {
	const char		*path;
	struct off_tlog		*log;
	int			 vret;		/* the verification's result */
	struct off_verify_result v;
	char			 world[OFF_WORLD_ID_HEX];	/* or "" */
	size_t			 nkeys;
	int			 vstate;	/* S_GOOD, S_WARN or S_BAD */
	char			 status[768];
	char			 problem[OFF_ERR_DETAIL_MAX];
	char			 title[256];
	size_t			 bad_line;	/* 0 when none is known */
	size_t			 unreadable;	/* first line not read, or 0 */
	int			 readable;	/* an entry could be read */
	uint64_t		 good;		/* entries a good checkpoint covers */

	struct item		*items;
	size_t			 nitems;
	struct group		*groups;
	size_t			 ngroups;
	int			 begun;		/* a step-begun was seen */

	size_t			 cur;		/* the group shown */
	size_t			 top;		/* its first line on screen */
	struct dline		*dl;
	size_t			 ndl, dlcap;
	size_t			 dl_group;
	int			 dl_width;

	char			 needle[NEEDLE_MAX];
	size_t			 match;		/* the item found, or NO_ITEM */
	const char		*prompt;	/* asked in the message line */
	const char		*typed;
	char			 msg[512];
	int			 color, utf8, stop;
};

/* Control characters, malformed UTF-8, characters that cannot be
 * printed, bidi overrides (off_char_misleads) and, in a locale that is not UTF-8, anything but ASCII become
 * '?': the transcript is untrusted and must never drive the terminal.
 * Newlines stay: they separate the lines of an item. */
static void
sanitize(char *s, int utf8)
{
	mbstate_t	st;
	wchar_t		wc;
	size_t		len = strlen(s), i = 0, o = 0, n;
	unsigned char	c;

	memset(&st, 0, sizeof(st));
	while (i < len) {
		c = (unsigned char)s[i];
		if (c < 0x80) {
			s[o++] = c == '\n' || (c >= 0x20 && c != 0x7f) ?
			    (char)c : c == '\t' ? ' ' : '?';
			i++;
			continue;
		}
		n = utf8 ? mbrtowc(&wc, s + i, len - i, &st) : (size_t)-1;
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0 ||
		    !iswprint((wint_t)wc) || off_char_misleads((uint32_t)wc)) {
			memset(&st, 0, sizeof(st));
			s[o++] = '?';
			/* One '?' for one character, however long. */
			i += n == (size_t)-1 || n == (size_t)-2 || n == 0 ?
			    1 : n;
			while (!utf8 && i < len &&
			    ((unsigned char)s[i] & 0xc0) == 0x80)
				i++;
			continue;
		}
		memmove(s + o, s + i, n);
		o += n;
		i += n;
	}
	s[o] = '\0';
}

static char *
clean_dup(const char *s, int utf8)
{
	char	*d = strdup(s != NULL ? s : "");

	if (d != NULL)
		sanitize(d, utf8);
	return d;
}

/* The bytes of the next piece of a line of len bytes at s that fits in
 * cols columns, broken at a space when one is there; at least one
 * character, so that nothing loops. */
static size_t
piece(const char *s, size_t len, int cols)
{
	size_t	n, brk;

	if (len == 0)
		return 0;
	n = tui_fit(s, len, cols > 0 ? cols : 1, NULL);
	if (n == 0) {
		n = 1;
		while (n < len && ((unsigned char)s[n] & 0xc0) == 0x80)
			n++;
	}
	if (n >= len)
		return len;
	for (brk = n; brk > 0 && s[brk] != ' '; brk--)
		;
	return brk > 0 ? brk : n;
}

/* Text wrapped into columns x .. x + w from row *y, not past row maxy;
 * *y is left on the row after it. */
static void
draw_wrapped(int *y, int x, int w, int maxy, const char *text, attr_t a)
{
	const char	*p = text, *nl;
	size_t		 line, n;

	attron(a);
	while (*y <= maxy) {
		nl = strchr(p, '\n');
		line = nl != NULL ? (size_t)(nl - p) : strlen(p);
		do {
			n = piece(p, line, w);
			mvaddnstr(*y, x, p, (int)n);
			(*y)++;
			p += n;
			line -= n;
			while (line > 0 && *p == ' ') {
				p++;
				line--;
			}
		} while (line > 0 && *y <= maxy);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	attroff(a);
}

static attr_t
style_attr(const struct replay *r, int style)
{
	switch (style) {
	case S_GOOD:
		return r->color ? COLOR_PAIR(P_GOOD) : A_NORMAL;
	case S_WARN:
		return A_BOLD | (r->color ? COLOR_PAIR(P_WARN) : 0);
	case S_BAD:
		return A_BOLD | (r->color ? COLOR_PAIR(P_BAD) : A_UNDERLINE);
	case S_NOTE:
		return r->color ? COLOR_PAIR(P_NOTE) : A_DIM;
	}
	return A_NORMAL;
}

/* Building the items. */

/* A line more of an item. */
static void
out(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
out(FILE *f, const char *fmt, ...)
{
	va_list	ap;

	fputc('\n', f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
}

static const char *
str(json_t *d, const char *key)
{
	return json_string_value(json_object_get(d, key));
}

static long long
num(json_t *d, const char *key)
{
	json_t	*v = json_object_get(d, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

/* A value as it reads: a string as it is, anything else as JSON;
 * *tofree is what to free after. */
static const char *
value(json_t *v, char **tofree)
{
	*tofree = NULL;
	if (json_is_string(v))
		return json_string_value(v);
	*tofree = off_json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_ENCODE_ANY, NULL);
	return *tofree != NULL ? *tofree : "?";
}

static void
out_value(FILE *f, const char *label, json_t *v)
{
	char	*tofree;

	out(f, "%s %s", label, value(v, &tofree));
	free(tofree);
}

struct kind_label {
	const char	*kind;
	const char	*label;
	int		 style;
};

/* Card objects, in prompt-shown, card-inserted, card-removed and
 * action-result entries. */
static const struct kind_label card_kinds[] = {
	{ "insert-blank-card", N_("Asked for a blank card"), S_PLAIN },
	{ "insert-card", N_("Asked for a card of the world"), S_PLAIN },
	{ "card-refused", N_("Card REFUSED"), S_BAD },
	{ "remove-card", N_("Asked to take the card out"), S_PLAIN },
	{ "card-detected", N_("Card detected"), S_PLAIN },
	{ "card-removed", N_("Card taken out"), S_PLAIN },
	{ "card-written", N_("Card written and read back"), S_GOOD },
	{ "card-accepted", N_("Card accepted"), S_GOOD },
	{ NULL, NULL, 0 }
};

/* The questions of a script's steps. */
static const struct kind_label question_kinds[] = {
	{ "parameter", N_("Parameter asked"), S_PLAIN },
	{ "acknowledge", N_("Instruction to acknowledge"), S_PLAIN },
	{ "check", N_("Checklist item"), S_PLAIN },
	{ "otp", N_("One-time password asked"), S_PLAIN },
	{ "witness", N_("Statement for the witness"), S_PLAIN },
	{ "deviation", N_("Deviation to confirm"), S_WARN },
	{ "retry", N_("Asked whether to try the step again"), S_WARN },
	{ NULL, NULL, 0 }
};

static const struct kind_label *
find_kind(const struct kind_label *t, const char *kind)
{
	for (; kind != NULL && t->kind != NULL; t++)
		if (strcmp(t->kind, kind) == 0)
			return t;
	return NULL;
}

/* What a card object says; the label is already written. */
static void
card_details(FILE *f, json_t *d)
{
	long long	 idx = num(d, "card_index"), n = num(d, "cards");
	long long	 have = num(d, "have"), need = num(d, "need");
	const char	*s;

	if (idx > 0 && n > 0)
		out(f, _("Card %lld of %lld"), idx, n);
	if ((s = str(d, "card_id")) != NULL)
		out(f, _("Card id %s"), s);
	if ((s = str(d, "world")) != NULL)
		out(f, _("World %s"), s);
	if (need > 0)
		out(f, _("%lld of the %lld cards needed accepted"), have, need);
	if ((s = str(d, "reason")) != NULL)
		out(f, _("Why: %s"), s);
	if ((s = str(d, "reader")) != NULL)
		out(f, _("Where: %s"), s);
}

static void
binding_details(FILE *f, json_t *b)
{
	const char	*s;

	if ((s = str(b, "world")) != NULL)
		out(f, _("Ceremony key bound to world %s"), s);
	if ((s = str(b, "module")) != NULL)
		out(f, _("by its module %s"), s);
}

static int
render_prompt(FILE *f, json_t *d)
{
	const struct kind_label	*k;
	const char		*kind = str(d, "kind"), *s, *lvl;
	long long		 idx = num(d, "card_index"), n = num(d, "cards");
	long long		 tries = num(d, "tries_left");

	if ((k = find_kind(card_kinds, kind)) != NULL) {
		fputs(_(k->label), f);
		card_details(f, d);
		return k->style;
	}
	if ((k = find_kind(question_kinds, kind)) != NULL) {
		if ((s = str(d, "role")) != NULL)
			fprintf(f, _("%s (role %s)"), _(k->label), s);
		else
			fputs(_(k->label), f);
		if ((s = str(d, "text")) != NULL)
			out(f, "%s", s);
		return k->style;
	}
	if (kind != NULL && strcmp(kind, "notice") == 0) {
		lvl = str(d, "level");
		if (lvl != NULL && strcmp(lvl, "warning") == 0)
			fputs(_("Shown as a warning"), f);
		else if (lvl != NULL && strcmp(lvl, "error") == 0)
			fputs(_("Shown as an error"), f);
		else
			fputs(_("Shown"), f);
		if ((s = str(d, "text")) != NULL)
			out(f, "%s", s);
		return lvl != NULL && strcmp(lvl, "warning") == 0 ? S_WARN :
		    lvl != NULL && strcmp(lvl, "error") == 0 ? S_BAD : S_PLAIN;
	}
	if (kind != NULL && strcmp(kind, "pin") == 0) {
		s = str(d, "purpose");
		fputs(s != NULL && strcmp(s, "passphrase") == 0 ?
		    _("Passphrase asked (never recorded)") :
		    _("PIN asked (never recorded)"), f);
		if (s != NULL && strcmp(s, "new") == 0)
			out(f, _("Card %lld of %lld: its custodian chooses a PIN"),
			    idx, n);
		else if (s != NULL && strcmp(s, "confirm") == 0)
			out(f, _("Card %lld of %lld: the same PIN again"), idx,
			    n);
		else if (s != NULL && strcmp(s, "enter") == 0)
			out(f, _("Card %lld: its custodian types the PIN"), idx);
		if (tries >= 0)
			out(f, _("%lld tries left before the card locks"),
			    tries);
		return S_PLAIN;
	}
	if (kind != NULL && (strcmp(kind, "confirm") == 0 ||
	    strcmp(kind, "text") == 0)) {
		fputs(_("Asked"), f);
		if ((s = str(d, "question")) != NULL ||
		    (s = str(d, "prompt")) != NULL)
			out(f, "%s", s);
		return S_PLAIN;
	}
	fputs(_("Shown"), f);
	out_value(f, _("Details:"), d);
	return S_PLAIN;
}

static int
render_result(FILE *f, json_t *d)
{
	const struct kind_label	*k;
	const char		*action = str(d, "action"), *s;
	json_t			*v;
	int			 ok = json_is_true(json_object_get(d, "ok"));

	if ((k = find_kind(card_kinds, str(d, "kind"))) != NULL) {
		fputs(_(k->label), f);
		card_details(f, d);
		return k->style;
	}
	if (action != NULL && strcmp(action, "bind-world") == 0) {
		fputs(_("Ceremony key bound to the world"), f);
		binding_details(f, json_object_get(d, "binding"));
		return S_GOOD;
	}
	if (action != NULL && strcmp(action, "quorum") == 0) {
		fprintf(f, _("Quorum of %lld cards reached"), num(d, "cards"));
		return S_GOOD;
	}
	if (action == NULL) {
		/* The outcome of a whole command. */
		fputs(ok ? _("Done") : _("FAILED"), f);
		if ((s = str(d, "error")) != NULL)
			out(f, _("Error: %s"), s);
		out_value(f, _("Details:"), d);
		return ok ? S_GOOD : S_BAD;
	}
	fprintf(f, ok ? _("Action %s done") : _("Action %s FAILED"), action);
	if (json_object_size(v = json_object_get(d, "args")) > 0)
		out_value(f, _("Arguments:"), v);
	if ((v = json_object_get(d, "result")) != NULL && !json_is_null(v))
		out_value(f, _("Result:"), v);
	if ((s = str(d, "error")) != NULL)
		out(f, _("Error: %s"), s);
	if (json_is_true(json_object_get(d, "adopted")))
		out(f, "%s", _("The file that an interrupted run had written "
		    "was taken over"));
	return ok ? S_GOOD : S_BAD;
}

static int
render_parameter(FILE *f, json_t *d)
{
	const char	*s;
	char		*tofree;

	if ((s = str(d, "name")) != NULL && strcmp(s, "script") == 0 &&
	    str(d, "sha256") != NULL) {
		fputs(_("Script"), f);
		out(f, "%s", value(json_object_get(d, "value"), &tofree));
		free(tofree);
		out(f, _("SHA-256 %s"), str(d, "sha256"));
		if (num(d, "version") >= 0)
			out(f, _("Version %lld"), num(d, "version"));
	} else if (s != NULL) {
		fprintf(f, _("Parameter %s = %s"), s,
		    value(json_object_get(d, "value"), &tofree));
		free(tofree);
	} else if ((s = str(d, "answer")) != NULL)
		fprintf(f, _("Answer: %s"), s);
	else if ((s = str(d, "branch")) != NULL) {
		fprintf(f, _("Branch on '%s'"), s);
		if ((s = str(d, "next")) != NULL)
			out(f, _("Next step: %s"), s);
	} else {
		fputs(_("Parameter set"), f);
		out_value(f, _("Details:"), d);
	}
	return S_PLAIN;
}

static int
render_exception(FILE *f, json_t *d)
{
	const char	*kind = str(d, "kind"), *s;

	if (kind != NULL && strcmp(kind, "interrupted") == 0)
		fputs(_("INTERRUPTED"), f);
	else if (kind != NULL && strcmp(kind, "drill") == 0)
		fputs(_("Drill: a fault injected in a rehearsal"), f);
	else if (kind == NULL || strcmp(kind, "deviation") == 0)
		fputs(_("DEVIATION from the script"), f);
	else
		fprintf(f, _("Exception: %s"), kind);
	if ((s = str(d, "account")) != NULL)
		out(f, "%s", s);
	if ((s = str(d, "drill")) != NULL)
		out(f, "%s", s);
	if ((s = str(d, "decided_by")) != NULL)
		out(f, _("Decided by %s"), s);
	if ((s = str(d, "at")) != NULL)
		out(f, _("At step %s"), s);
	if (json_is_true(json_object_get(d, "acknowledged")))
		out(f, "%s", _("Acknowledged"));
	return S_WARN;
}

static int
render_step(FILE *f, const struct off_tentry *e)
{
	json_t		*d = e->data;
	const char	*s = str(d, "result"), *t;

	if (strcmp(e->type, OFF_T_STEP_BEGUN) == 0) {
		t = str(d, "title");
		fprintf(f, _("Step begun: %s"), t != NULL ? t : e->step);
		if ((t = str(d, "type")) != NULL)
			out(f, _("Type: %s"), t);
		if ((t = str(d, "role")) != NULL)
			out(f, _("Role: %s"), t);
		return S_NOTE;
	}
	if (s != NULL && strcmp(s, "done") == 0)
		fputs(_("Step done"), f);
	else if (s != NULL && strcmp(s, "failed") == 0)
		fputs(_("Step FAILED"), f);
	else if (s != NULL && strcmp(s, "aborted") == 0)
		fputs(_("Step ABORTED: the ceremony ends here"), f);
	else
		fprintf(f, _("Step ended: %s"), s != NULL ? s : "?");
	if ((t = str(d, "next")) != NULL)
		out(f, _("Next step: %s"), t);
	if ((t = str(d, "error")) != NULL)
		out(f, _("Why: %s"), t);
	return s != NULL && strcmp(s, "done") == 0 ? S_GOOD : S_BAD;
}

/* What one entry says, after its number and time. */
static int
render_entry(FILE *f, const struct off_tentry *e)
{
	json_t		*d = e->data, *b;
	const char	*t = e->type, *s;

	if (strcmp(t, OFF_T_STEP_BEGUN) == 0 || strcmp(t, OFF_T_STEP_ENDED) ==
	    0)
		return render_step(f, e);
	if (strcmp(t, OFF_T_PROMPT) == 0)
		return render_prompt(f, d);
	if (strcmp(t, OFF_T_RESULT) == 0)
		return render_result(f, d);
	if (strcmp(t, OFF_T_PARAMETER) == 0)
		return render_parameter(f, d);
	if (strcmp(t, OFF_T_EXCEPTION) == 0)
		return render_exception(f, d);
	if (strcmp(t, OFF_T_CARD_IN) == 0 || strcmp(t, OFF_T_CARD_OUT) == 0) {
		fputs(strcmp(t, OFF_T_CARD_IN) == 0 ? _("Card detected") :
		    _("Card taken out"), f);
		card_details(f, d);
		return S_PLAIN;
	}
	if (strcmp(t, OFF_T_OFFICER) == 0) {
		if (json_is_false(json_object_get(d, "ok"))) {
			fputs(_("Officer REFUSED"), f);
			out(f, _("As %s: %s"), str(d, "role") != NULL ?
			    str(d, "role") : "?", str(d, "refused") != NULL ?
			    str(d, "refused") : "?");
			if ((s = str(d, "officer")) != NULL)
				out(f, _("Officer %s"), s);
			return S_BAD;
		}
		fputs(_("Officer authenticated"), f);
		out(f, _("%s (%s) as %s"), str(d, "name") != NULL ?
		    str(d, "name") : "?", str(d, "officer") != NULL ?
		    str(d, "officer") : "?", str(d, "role") != NULL ?
		    str(d, "role") : "?");
		if ((s = str(d, "yubikey")) != NULL)
			out(f, _("YubiKey %s"), s);
		if (json_is_true(json_object_get(d, "simulated")))
			out(f, "%s", _("A simulated officer of a rehearsal"));
		return S_GOOD;
	}
	if (strcmp(t, OFF_T_WITNESS) == 0) {
		s = str(d, "answer");
		fprintf(f, _("Witness answered: %s"), s != NULL ? s : "?");
		if (str(d, "question") != NULL)
			out(f, "%s", str(d, "question"));
		return s != NULL && strcmp(s, "yes") == 0 ? S_GOOD : S_WARN;
	}
	if (strcmp(t, OFF_T_FILE) == 0) {
		fputs(_("File written"), f);
		if ((s = str(d, "path")) != NULL)
			out(f, "%s", s);
		if ((s = str(d, "sha256")) != NULL)
			out(f, _("SHA-256 %s"), s);
		if (num(d, "size") >= 0)
			out(f, _("%lld bytes"), num(d, "size"));
		return S_PLAIN;
	}
	if (strcmp(t, OFF_T_ACTION_BEGUN) == 0) {
		fprintf(f, _("Action %s begins"), str(d, "action") != NULL ?
		    str(d, "action") : "?");
		if ((s = str(d, "output")) != NULL)
			out(f, _("To write %s"), s);
		if ((s = str(json_object_get(d, "removed"), "sha256")) != NULL)
			out(f, _("A file an interrupted run had left was "
			    "removed (SHA-256 %s)"), s);
		return S_PLAIN;
	}
	if (strcmp(t, OFF_T_STARTED) == 0) {
		fputs(_("Ceremony started"), f);
		if ((s = str(d, "title")) != NULL)
			out(f, "%s", s);
		if ((s = str(d, "ceremony")) != NULL)
			out(f, _("Ceremony %s"), s);
		if (json_is_true(json_object_get(d, "training")))
			out(f, "%s", _("TRAINING: a rehearsal, not a production "
			    "ceremony"));
		if ((s = str(d, "program")) != NULL)
			out(f, _("Program: %s"), s);
		if ((s = str(d, "transcript")) != NULL)
			out(f, _("Transcript %s"), s);
		if ((b = json_object_get(d, "binding")) != NULL)
			binding_details(f, b);
		return S_NOTE;
	}
	if (strcmp(t, OFF_T_RESUMED) == 0) {
		fprintf(f, _("Resumed as segment %lld, with a new ceremony key"),
		    num(d, "segment"));
		out(f, _("Goes on from the checkpoint of the first %lld "
		    "entries"), num(d, "previous_size"));
		if (num(d, "unsigned_entries") > 0)
			out(f, _("%lld entries after it were never signed"),
			    num(d, "unsigned_entries"));
		if (num(d, "discarded_bytes") > 0)
			out(f, _("%lld bytes of an unfinished line were "
			    "dropped"), num(d, "discarded_bytes"));
		if ((b = json_object_get(d, "binding")) != NULL)
			binding_details(f, b);
		return S_WARN;
	}
	if (strcmp(t, OFF_T_SEALED) == 0) {
		fputs(_("Ceremony sealed"), f);
		out(f, _("%lld entries; %lld checkpoints before the seal"),
		    num(d, "entries"), num(d, "checkpoints"));
		return S_GOOD;
	}
	fputs(t, f);
	out_value(f, _("Details:"), d);
	return S_PLAIN;
}

static int
new_group(struct replay *r, const char *id, const char *title,
    json_t *d, int outcome)
{
	struct group	*g = &r->groups[r->ngroups];
	const char	*type = str(d, "type"), *role = str(d, "role");
	char		 sub[512];

	memset(g, 0, sizeof(*g));
	g->id = id;
	g->outcome = outcome;
	g->first = r->nitems;
	snprintf(sub, sizeof(sub), "%s%s%s%s%s", id, type != NULL ? " - " : "",
	    type != NULL ? type : "", role != NULL ? " - " : "",
	    role != NULL ? role : "");
	g->title = clean_dup(title, r->utf8);
	g->sub = clean_dup(sub, r->utf8);
	/* Counted either way, so that replay_free frees it. */
	r->ngroups++;
	if (g->title == NULL || g->sub == NULL)
		return -1;
	return 0;
}

/* The group an entry goes in, begun when it starts one. */
static int
place(struct replay *r, const struct off_tentry *e)
{
	struct group	*g = &r->groups[r->ngroups - 1];
	const char	*t = e->type, *title;

	if (strcmp(t, OFF_T_STEP_BEGUN) == 0) {
		r->begun = 1;
		title = str(e->data, "title");
		return new_group(r, e->step, title != NULL ? title : e->step,
		    e->data, O_OPEN);
	}
	if (strcmp(t, OFF_T_SEALED) == 0)
		return new_group(r, "", _("Sealed"), NULL, O_DONE);
	if (strcmp(t, OFF_T_RESUMED) == 0)
		return new_group(r, "", _("Resumed after an interruption"),
		    NULL, O_NOTE);
	/* Entries of a step whose beginning is not there. */
	if (r->begun && *e->step != '\0' && strcmp(e->step, g->id) != 0)
		return new_group(r, e->step, e->step, NULL, O_OPEN);
	return 0;
}

static void
add_item(struct replay *r, char *text, int style, int suspect)
{
	struct item	*it = &r->items[r->nitems++];
	struct group	*g = &r->groups[r->ngroups - 1];

	sanitize(text, r->utf8);
	it->group = r->ngroups - 1;
	it->style = style;
	it->suspect = suspect;
	it->text = text;
	g->n++;
	if (suspect)
		g->suspects++;
}

/* The verifier's finding, on the line it is about. */
static void
out_problem(const struct replay *r, FILE *f, size_t line, int *style)
{
	if (r->bad_line == 0 || line != r->bad_line)
		return;
	out(f, _("VERIFICATION FAILS HERE: %s"), r->problem);
	*style = S_BAD;
}

static int
build(struct replay *r)
{
	const struct off_tlog	*l = r->log;
	const struct off_tentry	*e;
	struct group		*g;
	char			*text = NULL, words[OFF_PGP_WORDS_LEN(32)];
	size_t			 ie = 0, ic = 0, len, ne, nc;
	FILE			*f;
	int			 style, suspect, final;
	const char		*s;

	ne = l != NULL ? l->nentries : 0;
	nc = l != NULL ? l->ncps : 0;
	if ((r->items = calloc(ne + nc + 1, sizeof(*r->items))) == NULL ||
	    (r->groups = calloc(ne + 2, sizeof(*r->groups))) == NULL ||
	    new_group(r, "", _("Ceremony started"), NULL, O_DONE) != 0)
		return -1;
	while (ie < ne || ic < nc) {
		if ((f = open_memstream(&text, &len)) == NULL)
			return -1;
		if (ic >= nc || (ie < ne && l->entries[ie].line <
		    l->cps[ic].line)) {
			e = &l->entries[ie++];
			if (place(r, e) != 0) {
				fclose(f);
				free(text);
				return -1;
			}
			fprintf(f, "#%zu %.8s ", ie - 1, e->time + 11);
			if (*e->actor != '\0')
				fprintf(f, "(%s) ", e->actor);
			style = render_entry(f, e);
			suspect = (uint64_t)(ie - 1) >= r->good;
			out_problem(r, f, e->line, &style);
			g = &r->groups[r->ngroups - 1];
			if (strcmp(e->type, OFF_T_STEP_ENDED) == 0 &&
			    (s = str(e->data, "result")) != NULL)
				g->outcome = strcmp(s, "done") == 0 ? O_DONE :
				    O_FAILED;
			if (strcmp(e->type, OFF_T_EXCEPTION) == 0)
				g->exceptions++;
		} else {
			const struct off_tcheckpoint	*c = &l->cps[ic++];

			/* The words the status line showed then; the final
			 * root whole, as on the paper record. */
			final = c->size == l->cps[nc - 1].size &&
			    c->size > 0 && c->size <= ne &&
			    strcmp(l->entries[c->size - 1].type,
			    OFF_T_SEALED) == 0;
			off_pgp_words(c->root, final ? OFF_HASH_LEN : 4, words,
			    sizeof(words));
			fprintf(f, final ? _("Final checkpoint: the %" PRIu64
			    " entries signed (%zu signature(s))") :
			    _("Checkpoint: the first %" PRIu64 " entries signed "
			    "(%zu signature(s))"), c->size, c->parsed.nsigs);
			out(f, final ? "%s" : "%s...", words);
			style = S_NOTE;
			suspect = c->size > r->good;
			out_problem(r, f, c->line, &style);
		}
		if (fclose(f) != 0 || text == NULL) {
			free(text);
			return -1;
		}
		add_item(r, text, style, suspect);
		text = NULL;
	}
	if (r->unreadable > 0) {
		if ((f = open_memstream(&text, &len)) == NULL)
			return -1;
		fprintf(f, _("Line %zu and what follows cannot be read"),
		    r->unreadable);
		out(f, "%s", r->problem);
		if (fclose(f) != 0 || text == NULL) {
			free(text);
			return -1;
		}
		add_item(r, text, S_BAD, 1);
	}
	return 0;
}

/* Laying out and drawing. */

static int
add_dline(struct replay *r, size_t item, const char *s, size_t len,
    int indent)
{
	struct dline	*d;
	size_t		 cap;

	if (r->ndl == r->dlcap) {
		cap = r->dlcap ? r->dlcap * 2 : 256;
		if ((d = reallocarray(r->dl, cap, sizeof(*d))) == NULL)
			return -1;
		r->dl = d;
		r->dlcap = cap;
	}
	d = &r->dl[r->ndl++];
	d->item = item;
	d->s = s;
	d->len = len;
	d->indent = indent;
	return 0;
}

/* The lines of the current step at width columns. */
static int
layout(struct replay *r, int width)
{
	const struct group	*g = &r->groups[r->cur];
	const char		*p, *nl;
	size_t			 i, line, n, keep = NO_ITEM;
	int			 indent;

	if (r->dl_group == r->cur && r->dl_width == width)
		return 0;
	/* After a resize, the same entry stays at the top. */
	if (r->dl_group == r->cur && r->top < r->ndl)
		keep = r->dl[r->top].item;
	r->top = 0;
	r->ndl = 0;
	r->dl_group = r->cur;
	r->dl_width = width;
	for (i = g->first; i < g->first + g->n; i++) {
		if (i == keep)
			r->top = r->ndl;
		p = r->items[i].text;
		indent = 0;
		for (;;) {
			nl = strchr(p, '\n');
			line = nl != NULL ? (size_t)(nl - p) : strlen(p);
			do {
				n = piece(p, line, width - indent);
				if (add_dline(r, i, p, n, indent) != 0) {
					r->dl_group = SIZE_MAX;
					return -1;
				}
				indent = INDENT;
				p += n;
				line -= n;
				while (line > 0 && *p == ' ') {
					p++;
					line--;
				}
			} while (line > 0);
			if (nl == NULL)
				break;
			p = nl + 1;
		}
	}
	return 0;
}

static void
draw_status(const struct replay *r)
{
	attr_t	a;

	if (r->vstate == S_GOOD)
		a = A_BOLD | (r->color ? COLOR_PAIR(P_GOOD_BAR) : 0);
	else if (r->vstate == S_WARN)
		a = A_BOLD | (r->color ? COLOR_PAIR(P_WARN_BAR) : A_REVERSE);
	else
		a = A_BOLD | (r->color ? COLOR_PAIR(P_BAD_BAR) : A_REVERSE);
	attron(a);
	mvhline(0, 0, ' ', COLS);
	mvaddnstr(0, 1, r->status, (int)tui_fit(r->status, strlen(r->status),
	    COLS - 2, NULL));
	attroff(a);
}

static void
draw_outline(const struct replay *r, int top, int h, int w)
{
	const struct group	*g;
	const char		*mark;
	size_t			 i, first = 0;
	char			 num[32];
	int			 row, style;

	if (r->cur >= (size_t)h)
		first = r->cur - (size_t)h + 1;
	for (i = first, row = 0; i < r->ngroups && row < h; i++, row++) {
		g = &r->groups[i];
		if (g->outcome == O_FAILED) {
			mark = r->utf8 ? "\u2717" : "x";
			style = S_BAD;
		} else if (g->exceptions > 0 || g->suspects > 0 ||
		    g->outcome == O_NOTE) {
			mark = "!";
			style = S_WARN;
		} else if (g->outcome == O_OPEN) {
			mark = r->utf8 ? "\u2026" : "?";
			style = S_WARN;
		} else {
			mark = r->utf8 ? "\u2713" : "+";
			style = S_GOOD;
		}
		attron(style_attr(r, style));
		mvaddstr(top + row, 0, mark);
		attroff(style_attr(r, style));
		snprintf(num, sizeof(num), "%2zu ", i + 1);
		if (i == r->cur)
			attron(A_REVERSE | A_BOLD);
		mvaddstr(top + row, 2, num);
		addnstr(g->title, (int)tui_fit(g->title, strlen(g->title),
		    w - 6, NULL));
		if (i == r->cur)
			attroff(A_REVERSE | A_BOLD);
	}
}

/* Every place of the needle in the line at (y, x): reversed. */
static void
highlight(const struct replay *r, int y, int x, const char *s, size_t len)
{
	char	buf[1024], *p, *q;
	size_t	nlen = strlen(r->needle);
	int	col;

	if (nlen == 0 || len >= sizeof(buf))
		return;
	memcpy(buf, s, len);
	buf[len] = '\0';
	for (p = buf; (q = strcasestr(p, r->needle)) != NULL; p = q + nlen) {
		(void)tui_fit(buf, (size_t)(q - buf), INT_MAX, &col);
		attron(A_REVERSE);
		mvaddnstr(y, x + col, q, (int)nlen);
		attroff(A_REVERSE);
	}
}

static const char *
outcome_word(const struct group *g)
{
	if (g->outcome == O_FAILED)
		return _("failed");
	if (g->outcome == O_OPEN)
		return _("not finished");
	if (g->outcome == O_NOTE)
		return _("after an interruption");
	return _("done");
}

static void
draw_step(struct replay *r, int top, int h, int x, int w)
{
	const struct group	*g = &r->groups[r->cur];
	const struct dline	*d;
	const struct item	*it;
	char			 head[512];
	size_t			 i, rows;
	int			 y, tw = w - 3;

	snprintf(head, sizeof(head), _("Step %zu of %zu: %s"), r->cur + 1,
	    r->ngroups, g->title);
	attron(A_BOLD);
	mvaddnstr(top, x, head, (int)tui_fit(head, strlen(head), w, NULL));
	attroff(A_BOLD);
	snprintf(head, sizeof(head), "%s%s%s", g->sub, *g->sub ? " - " : "",
	    outcome_word(g));
	attron(A_DIM);
	mvaddnstr(top + 1, x, head, (int)tui_fit(head, strlen(head), w,
	    NULL));
	attroff(A_DIM);
	if (layout(r, tw) != 0) {
		mvaddnstr(top + 3, x, _("Out of memory."), w);
		return;
	}
	rows = h > 2 ? (size_t)(h - 2) : 1;
	if (r->top + rows > r->ndl)
		r->top = r->ndl > rows ? r->ndl - rows : 0;
	for (i = r->top, y = top + 2; i < r->ndl && y < top + h; i++, y++) {
		d = &r->dl[i];
		it = &r->items[d->item];
		/* The first line of an item: its margin and its colour. */
		if (d->indent == 0 && d->item == r->match) {
			attron(A_BOLD);
			mvaddstr(y, x, ">");
			attroff(A_BOLD);
		} else if (d->indent == 0 && it->suspect) {
			attron(style_attr(r, S_WARN));
			mvaddstr(y, x, "!");
			attroff(style_attr(r, S_WARN));
		}
		if (d->indent == 0 && d->s == it->text)
			attron(style_attr(r, it->style) | A_BOLD);
		mvaddnstr(y, x + 2 + d->indent, d->s, (int)d->len);
		if (d->indent == 0 && d->s == it->text)
			attroff(style_attr(r, it->style) | A_BOLD);
		highlight(r, y, x + 2 + d->indent, d->s, d->len);
	}
	if (r->top > 0)
		mvaddstr(top + 2, x + w - 1, r->utf8 ? "\u2191" : "^");
	if (r->top + rows < r->ndl)
		mvaddstr(top + h - 1, x + w - 1, r->utf8 ? "\u2193" : "v");
}

static void
draw(struct replay *r)
{
	const char	*foot;
	char		 line[1024];
	int		 ow, top = 2, h, y;

	erase();
	draw_status(r);
	if (LINES < 12 || COLS < 40) {
		mvaddstr(2, 0, _("The terminal is too small: make it at "
		    "least 40x12."));
		refresh();
		return;
	}
	attron(A_BOLD | (r->color ? COLOR_PAIR(P_TITLE) : A_REVERSE));
	mvhline(1, 0, ' ', COLS);
	mvaddnstr(1, 1, r->title, (int)tui_fit(r->title, strlen(r->title),
	    COLS - 2, NULL));
	attroff(A_BOLD | (r->color ? COLOR_PAIR(P_TITLE) : A_REVERSE));
	ow = COLS / 3 > 30 ? 30 : COLS / 3;
	h = LINES - top - 2;
	draw_outline(r, top, h, ow);
	for (y = top; y < top + h; y++)
		mvaddstr(y, ow, r->utf8 ? "\u2502" : "|");
	draw_step(r, top, h, ow + 2, COLS - ow - 3);
	if (r->prompt != NULL) {
		snprintf(line, sizeof(line), "%s %s", r->prompt, r->typed);
		mvaddnstr(LINES - 2, 1, line, (int)tui_fit(line, strlen(line),
		    COLS - 2, NULL));
	} else if (r->msg[0] != '\0') {
		attron(style_attr(r, S_WARN));
		mvaddnstr(LINES - 2, 1, r->msg, (int)tui_fit(r->msg,
		    strlen(r->msg), COLS - 2, NULL));
		attroff(style_attr(r, S_WARN));
	}
	if (r->needle[0] != '\0')
		/* TRANSLATORS: the keys stay as they are; at most 79
		 * columns, as the next. */
		foot = _(" n/N next/previous match  Esc end search  "
		    "Right/Left steps  ? help  q quit");
	else
		foot = _(" n/Right next step  p/Left back  g go to  / search  "
		    "? help  q quit");
	attron(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	mvaddnstr(LINES - 1, 0, foot, (int)tui_fit(foot, strlen(foot), COLS,
	    NULL));
	attroff(A_REVERSE);
	if (r->prompt == NULL)
		curs_set(0);
	refresh();
}

/* Input. */

static int
is_enter(int c)
{
	return c == '\n' || c == '\r' || c == KEY_ENTER;
}

static int
is_backspace(int c)
{
	return c == KEY_BACKSPACE || c == 127 || c == 8;
}

/* One key; 0 and r->stop set when the program must stop (a signal, or
 * the terminal is gone). */
static int
key(struct replay *r)
{
	int	c;

	for (;;) {
		c = getch();
		if (fe_line_interrupted || (c == ERR && tui_term_gone())) {
			r->stop = EXIT_CANCELLED;
			return 0;
		}
		if (c != ERR)
			return c;
	}
}

/* Add or take back a character of a line being typed. */
static void
edit(char *buf, size_t len, int c)
{
	size_t	n = strlen(buf);

	if (is_backspace(c)) {
		while (n > 0 && ((unsigned char)buf[--n] & 0xc0) == 0x80)
			;
		buf[n] = '\0';
	} else if (c >= 0x20 && c < 0x100 && c != 0x7f && n + 1 < len) {
		buf[n] = (char)c;
		buf[n + 1] = '\0';
	}
}

/* A line typed in the message line: 0 when given with Enter, -1 when
 * abandoned with Esc (or the program must stop). */
static int
ask(struct replay *r, const char *prompt, char *buf, size_t len)
{
	int	c, ret;

	buf[0] = '\0';
	r->prompt = prompt;
	r->typed = buf;
	for (;;) {
		draw(r);
		curs_set(1);
		c = key(r);
		if (r->stop || c == 27) {
			ret = -1;
			break;
		}
		if (is_enter(c)) {
			ret = 0;
			break;
		}
		edit(buf, len, c);
	}
	r->prompt = NULL;
	curs_set(0);
	return ret;
}

static void
go(struct replay *r, size_t group)
{
	if (group >= r->ngroups) {
		snprintf(r->msg, sizeof(r->msg), "%s",
		    _("This is the last step."));
		return;
	}
	if (group != r->cur)
		r->top = 0;
	r->cur = group;
}

/* The step named by number or by id, else by a part of its title. */
static void
go_to(struct replay *r, const char *s)
{
	char		*end;
	unsigned long	 n;
	size_t		 i;

	if (*s == '\0')
		return;
	n = strtoul(s, &end, 10);
	if (*end == '\0' && n >= 1 && n <= r->ngroups) {
		go(r, n - 1);
		return;
	}
	for (i = 0; i < r->ngroups; i++)
		if (strcmp(r->groups[i].id, s) == 0) {
			go(r, i);
			return;
		}
	for (i = 0; i < r->ngroups; i++)
		if (strcasestr(r->groups[i].title, s) != NULL ||
		    strcasestr(r->groups[i].id, s) != NULL) {
			go(r, i);
			return;
		}
	snprintf(r->msg, sizeof(r->msg), _("No step '%s'"), s);
	sanitize(r->msg, r->utf8);
}

/* Show item i at the top of its step. */
static void
show_item(struct replay *r, size_t i)
{
	size_t	k;

	go(r, r->items[i].group);
	r->match = i;
	if (layout(r, r->dl_width > 0 ? r->dl_width : COLS) != 0)
		return;
	for (k = 0; k < r->ndl; k++)
		if (r->dl[k].item == i) {
			r->top = k;
			break;
		}
}

/* The next item (dir 1) or the one before (dir -1) holding the needle,
 * from item from (itself too when same is set), round the end. */
static void
find(struct replay *r, size_t from, int dir, int same)
{
	size_t	i, k, n = r->nitems;

	if (n == 0)
		return;
	for (k = same ? 0 : 1; k <= n; k++) {
		i = dir > 0 ? (from + k) % n : (from + n - k % n) % n;
		if (strcasestr(r->items[i].text, r->needle) == NULL)
			continue;
		if ((dir > 0 && i < from) || (dir < 0 && i > from))
			snprintf(r->msg, sizeof(r->msg), "%s", dir > 0 ?
			    _("The search went on from the start") :
			    _("The search went on from the end"));
		show_item(r, i);
		return;
	}
	snprintf(r->msg, sizeof(r->msg), _("Not found: %s"), r->needle);
	sanitize(r->msg, r->utf8);
	r->needle[0] = '\0';
	r->match = NO_ITEM;
}

static void
search(struct replay *r)
{
	char	buf[NEEDLE_MAX];
	size_t	from;

	if (ask(r, _("Search:"), buf, sizeof(buf)) != 0 || buf[0] == '\0')
		return;
	snprintf(r->needle, sizeof(r->needle), "%s", buf);
	/* From what is on the screen. */
	from = r->top < r->ndl && r->dl_group == r->cur ?
	    r->dl[r->top].item : r->groups[r->cur].first;
	if (from >= r->nitems)
		from = 0;
	find(r, from, 1, 1);
}

static void
help(struct replay *r)
{
	static const char *const keys[] = {
		N_("  Right, n, Space      the next step"),
		N_("  Left, p, Backspace   the step before"),
		N_("  Home, End            the first, the last step"),
		N_("  g                    go to a step, by number or name"),
		N_("  /                    search the text of the entries"),
		N_("  n, N                 after a search: next, previous "
		    "match (Esc ends it)"),
		N_("  Up, Down, PgUp, PgDn scroll the step"),
		N_("  Ctrl-L               draw the screen again"),
		N_("  F1, ?                this help;  q  quit"),
	};
	char	legend[1024];
	size_t	i;
	int	y, c;

	/* TRANSLATORS: the marks of the steps: done, failed, not
	 * finished. */
	snprintf(legend, sizeof(legend), _("The top line is the result of "
	    "the verification, as 'officiant verify' gives it. Left, the "
	    "steps: %s done, %s failed, ! an exception, an interruption or "
	    "entries that no good checkpoint covers, %s not finished. Right, "
	    "what the entries of the step say, each with its number and "
	    "time, and who acted; ! in the margin: no good checkpoint covers "
	    "it. PINs and passphrases are never recorded."),
	    r->utf8 ? "\u2713" : "+", r->utf8 ? "\u2717" : "x",
	    r->utf8 ? "\u2026" : "?");
	do {
		erase();
		draw_status(r);
		y = 2;
		draw_wrapped(&y, 2, COLS - 3, LINES - 1, _("Keys"), A_BOLD);
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			draw_wrapped(&y, 2, COLS - 3, LINES - 1, _(keys[i]),
			    A_NORMAL);
		y++;
		draw_wrapped(&y, 2, COLS - 3, LINES - 1, legend, A_NORMAL);
		y++;
		draw_wrapped(&y, 2, COLS - 3, LINES - 1, _("Any key goes "
		    "back."), A_NORMAL);
		refresh();
		c = key(r);
	} while (c == KEY_RESIZE && !r->stop);
}

/* Until q, a signal or the terminal going away. */
static void
view(struct replay *r)
{
	size_t	rows;
	char	buf[128];
	int	c;

	while (!r->stop) {
		draw(r);
		c = key(r);
		if (r->stop)
			break;
		r->msg[0] = '\0';
		rows = LINES > 8 ? (size_t)(LINES - 8) : 1;
		if (r->needle[0] != '\0' && (c == 'n' || c == 'N')) {
			find(r, r->match != NO_ITEM ? r->match :
			    r->groups[r->cur].first, c == 'n' ? 1 : -1,
			    r->match == NO_ITEM);
			continue;
		}
		switch (c) {
		case 'q':
		case 'Q':
			return;
		case KEY_RIGHT:
		case 'n':
		case ' ':
			go(r, r->cur + 1);
			break;
		case KEY_LEFT:
		case 'p':
		case KEY_BACKSPACE:
		case 127:
		case 8:
			if (r->cur > 0)
				go(r, r->cur - 1);
			else
				snprintf(r->msg, sizeof(r->msg), "%s",
				    _("This is the first step."));
			break;
		case KEY_HOME:
			go(r, 0);
			break;
		case KEY_END:
			go(r, r->ngroups - 1);
			break;
		case KEY_UP:
			if (r->top > 0)
				r->top--;
			break;
		case KEY_DOWN:
			r->top++;
			break;
		case KEY_PPAGE:
			r->top = r->top > rows ? r->top - rows : 0;
			break;
		case KEY_NPAGE:
			r->top += rows;
			break;
		case 'g':
			if (ask(r, _("Go to step (number or name):"), buf,
			    sizeof(buf)) == 0)
				go_to(r, buf);
			break;
		case '/':
			search(r);
			break;
		case 27:
			r->needle[0] = '\0';
			r->match = NO_ITEM;
			break;
		case KEY_F(1):
		case '?':
			help(r);
			break;
		case 12:	/* Ctrl-L */
			clearok(curscr, TRUE);
			break;
		default:
			break;
		}
	}
}

/* The full-screen warning before a transcript that does not verify:
 * red, or reversed without colour. */
static void
draw_warning(const struct replay *r, const char *typed)
{
	char	line[1024];
	int	y = 1, w = COLS - 4, maxy = LINES - 1;

	bkgdset(' ' | (r->color ? COLOR_PAIR(P_BAD_BAR) : A_REVERSE));
	erase();
	draw_wrapped(&y, 2, w, maxy, _("WARNING: THIS TRANSCRIPT DOES NOT "
	    "VERIFY"), A_BOLD);
	y++;
	snprintf(line, sizeof(line), _("File: %s"), r->path);
	sanitize(line, r->utf8);
	draw_wrapped(&y, 2, w, maxy, line, A_NORMAL);
	snprintf(line, sizeof(line), _("Problem: %s"), r->problem);
	draw_wrapped(&y, 2, w, maxy, line, A_BOLD);
	y++;
	draw_wrapped(&y, 2, w, maxy, _("It was changed after the ceremony, "
	    "or it is damaged: what it shows cannot be trusted as the record "
	    "of the ceremony."), A_NORMAL);
	y++;
	if (!r->readable)
		draw_wrapped(&y, 2, w, maxy, _("Nothing in it can be read. "
		    "Press any key to leave."), A_NORMAL);
	else {
		/* TRANSLATORS: "yes" as translated below is accepted
		 * too; q is a key. */
		draw_wrapped(&y, 2, w, maxy, _("To look at it all the same, "
		    "with this warning at the top of every screen, type yes "
		    "and press Enter. To leave, press q."), A_NORMAL);
		snprintf(line, sizeof(line), "> %s", typed);
		mvaddnstr(y < maxy ? y + 1 : maxy, 2, line, w);
	}
	curs_set(r->readable);
	refresh();
}

/* 0 when the person typed yes. */
static int
warning(struct replay *r)
{
	const char	*yes;
	char		 typed[16];
	int		 c, ret = -1;

	/* TRANSLATORS: the word typed to open a transcript that does not
	 * verify; "yes" works in every language. */
	yes = _("yes");
	typed[0] = '\0';
	for (;;) {
		draw_warning(r, typed);
		c = key(r);
		if (r->stop || !r->readable || c == 27 || c == 'q' || c == 'Q')
			break;
		if (is_enter(c) && (strcasecmp(typed, "yes") == 0 ||
		    strcmp(typed, yes) == 0)) {
			ret = 0;
			break;
		}
		if (is_enter(c))
			typed[0] = '\0';
		else
			edit(typed, sizeof(typed), c);
	}
	bkgdset(' ' | A_NORMAL);
	curs_set(0);
	return ret;
}

/* Setting up. */

/* The longest run of whole lines at the start of a transcript that
 * does not parse as a whole which does parse; *lines says how many. */
static struct off_tlog *
readable_part(const char *path, size_t *lines)
{
	struct off_tlog	*l = NULL;
	char		*buf = NULL, *copy, *p;
	size_t		 len, n = 0, lo = 0, hi, mid, *ends = NULL;

	*lines = 0;
	if (off_file_read(path, OFF_TRANSCRIPT_MAX, &buf, &len, NULL) != 0)
		return NULL;
	for (p = buf; (p = memchr(p, '\n', len - (size_t)(p - buf))) != NULL;
	    p++)
		n++;
	if ((ends = calloc(n + 1, sizeof(*ends))) == NULL)
		goto out;
	for (n = 0, p = buf; (p = memchr(p, '\n', len - (size_t)(p - buf))) !=
	    NULL; p++)
		ends[n++] = (size_t)(p + 1 - buf);
	/* lo lines parse; hi do not (all of them, or it would have). */
	hi = n;
	for (;;) {
		mid = hi - lo > 1 ? lo + (hi - lo) / 2 : lo;
		len = mid > 0 ? ends[mid - 1] : 0;
		if ((copy = malloc(len + 1)) == NULL)
			goto out;
		memcpy(copy, buf, len);
		off_tlog_free(&l);
		if (off_tlog_parse(copy, len, path, &l, NULL) == 0 && mid == lo)
			break;
		if (mid == lo)
			goto out;
		if (l != NULL)
			lo = mid;
		else
			hi = mid;
	}
	*lines = lo;
out:
	free(ends);
	free(buf);
	return l;
}

static void
set_status(struct replay *r)
{
	const struct off_verify_result	*v = &r->v;
	char				 by[256];

	if (r->world[0] != '\0' && r->nkeys > 0)
		snprintf(by, sizeof(by), _("anchored to world %.12s and the "
		    "keys given"), r->world);
	else if (r->world[0] != '\0')
		snprintf(by, sizeof(by), _("anchored to world %.12s"),
		    r->world);
	else
		snprintf(by, sizeof(by), "%s", _("anchored to the keys given"));
	switch (r->vret) {
	case 0:
		r->vstate = S_GOOD;
		snprintf(r->status, sizeof(r->status), _("VERIFIED: sealed, "
		    "%zu entries, %zu checkpoints, %s"), v->entries,
		    v->checkpoints, by);
		break;
	case OFF_ERR_UNANCHORED:
		r->vstate = S_WARN;
		snprintf(r->status, sizeof(r->status), _("SIGNER NOT VOUCHED "
		    "FOR: sealed, %zu entries, %zu checkpoints; give --key, "
		    "--world or --kmdata"), v->entries, v->checkpoints);
		break;
	case OFF_ERR_UNSEALED:
		r->vstate = S_WARN;
		snprintf(r->status, sizeof(r->status), _("UNSEALED: intact up "
		    "to the checkpoint at entry %" PRIu64 " of %zu, never "
		    "sealed"), v->good_size, v->entries);
		break;
	default:
		r->vstate = S_BAD;
		snprintf(r->status, sizeof(r->status), _("NOT VERIFIED, DO NOT "
		    "RELY ON IT: %s"), r->problem);
		break;
	}
	sanitize(r->status, r->utf8);
}

static void
set_title(struct replay *r)
{
	const char	*base = strrchr(r->path, '/'), *t = NULL, *c = NULL;
	json_t		*d;
	int		 training = 0;

	base = base != NULL ? base + 1 : r->path;
	if (r->log != NULL && r->log->nentries > 0) {
		d = r->log->entries[0].data;
		t = str(d, "title");
		c = str(d, "ceremony");
		training = json_is_true(json_object_get(d, "training"));
	}
	snprintf(r->title, sizeof(r->title), "%s%s  (%s)", training ?
	    _("TRAINING: ") : "", t != NULL ? t : c != NULL ? c : "?", base);
	sanitize(r->title, r->utf8);
}

static void
replay_free(struct replay *r)
{
	size_t	i;

	for (i = 0; i < r->nitems; i++)
		free(r->items[i].text);
	for (i = 0; i < r->ngroups; i++) {
		free(r->groups[i].title);
		free(r->groups[i].sub);
	}
	free(r->items);
	free(r->groups);
	free(r->dl);
	off_tlog_free(&r->log);
}

/* Read and verify: 0, or an exit code after saying why it could not be
 * read at all. */
static int
load(struct replay *r, const struct off_verify_opts *o)
{
	struct off_verify_result	 v;
	struct off_err			 err;
	size_t				 lines;
	int				 ret;

	off_err_clear(&err);
	if ((ret = off_tlog_load(r->path, &r->log, &err)) != 0) {
		/* Missing or unreadable is no verdict on the contents. */
		if (cmd_exit_code(ret) != EXIT_BADFILE)
			return cmd_fail(&err);
		r->vret = ret;
		snprintf(r->problem, sizeof(r->problem), "%s", err.detail[0] ?
		    err.detail : off_strerror(ret));
		if ((r->log = readable_part(r->path, &lines)) != NULL) {
			r->unreadable = lines + 1;
			(void)off_tlog_verify(r->log, r->path, o, &v, NULL);
			r->good = v.good_size;
		}
	} else {
		r->vret = off_tlog_verify(r->log, r->path, o, &r->v, &err);
		r->good = r->v.good_size;
		if (r->vret != 0 && r->vret != OFF_ERR_UNSEALED &&
		    r->vret != OFF_ERR_UNANCHORED) {
			r->bad_line = r->v.bad_line;
			snprintf(r->problem, sizeof(r->problem), "%s",
			    err.detail[0] ? err.detail : r->v.why[0] ?
			    r->v.why : off_strerror(r->vret));
		}
	}
	r->readable = r->log != NULL && r->log->nentries > 0;
	r->nkeys = o->nkeys;
	if (o->world != NULL)
		off_world_id_hex(o->world, r->world);
	return 0;
}

static int
verdict(int vret)
{
	if (vret == OFF_ERR_UNSEALED)
		return EXIT_UNSEALED;
	if (vret == OFF_ERR_UNANCHORED)
		return EXIT_UNANCHORED;
	return cmd_exit_code(vret);
}

static int
replay_main(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'K' },
		{ "world", required_argument, NULL, 'w' },
		{ "kmdata", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct off_vkey			 keys[CMD_VKEYS_MAX];
	struct off_verify_opts		 o;
	struct off_world		*w = NULL;
	struct replay			 r;
	const char			*world_file = NULL, *kmarg = NULL;
	const char			*term = getenv("TERM");
	int				 c, ret;

	memset(&o, 0, sizeof(o));
	o.keys = keys;
	o.check_files = 1;
	while ((c = getopt_long(argc, argv, "K:w:k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'K':
			if ((ret = cmd_ceremony_key(e, optarg, keys,
			    &o.nkeys)) != 0)
				return ret;
			break;
		case 'w':
			world_file = optarg;
			break;
		case 'k':
			kmarg = optarg;
			break;
		case 'h':
			return cmd_help(e, _(HELP_VKEY), _(HELP_ANCHOR),
			    _(HELP_HELP), _("\nVerifies the transcript as "
			    "'officiant verify' does and keeps the result on "
			    "the\ntop line; shows the ceremony a step at a "
			    "time: what was shown and asked, the\nanswers "
			    "(never a PIN), the cards, the officers, the "
			    "results, the files written\nand the checkpoints. "
			    "A transcript that does not verify opens only "
			    "after a\nwarning. The exit status is that of "
			    "'officiant verify'. It needs a terminal:\n"
			    "'officiant transcript show' lists a transcript "
			    "anywhere.\n"), NULL);
		default:
			return cmd_usage(e, NULL);
		}
	}
	if (optind + 1 != argc)
		return cmd_usage(e, _("give one transcript"));
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO) || term == NULL ||
	    *term == '\0' || strcmp(term, "dumb") == 0) {
		fprintf(stderr, "officiant: %s\n", _("replay needs a terminal; "
		    "'officiant transcript show TRANSCRIPT' lists a transcript "
		    "on any output, and 'officiant verify' checks it"));
		return EXIT_USAGE;
	}
	if ((ret = cmd_anchor_world(world_file, kmarg, &w)) != 0)
		return ret;
	o.world = w;
	memset(&r, 0, sizeof(r));
	r.path = argv[optind];
	r.match = NO_ITEM;
	r.dl_group = SIZE_MAX;
	ret = load(&r, &o);
	off_world_free(&w);
	o.world = NULL;
	if (ret != 0) {
		replay_free(&r);
		return ret;
	}
	if (tui_start(&r.color, &r.utf8) != 0) {
		replay_free(&r);
		fprintf(stderr, "officiant: %s\n", _("cannot use the terminal"));
		return EXIT_FAILED;
	}
	if (r.color) {
		init_pair(P_GOOD, COLOR_GREEN, -1);
		init_pair(P_WARN, COLOR_YELLOW, -1);
		init_pair(P_BAD, COLOR_RED, -1);
		init_pair(P_NOTE, COLOR_CYAN, -1);
		init_pair(P_GOOD_BAR, COLOR_BLACK, COLOR_GREEN);
		init_pair(P_WARN_BAR, COLOR_BLACK, COLOR_YELLOW);
		init_pair(P_BAD_BAR, COLOR_WHITE, COLOR_RED);
		init_pair(P_TITLE, COLOR_WHITE, COLOR_BLUE);
	}
	curs_set(0);
	/* The texts, for the locale the screen has. */
	sanitize(r.problem, r.utf8);
	set_status(&r);
	set_title(&r);
	if (build(&r) != 0) {
		endwin();
		replay_free(&r);
		fprintf(stderr, "officiant: %s\n", off_strerror(OFF_ERR_NOMEM));
		return EXIT_FAILED;
	}
	ret = verdict(r.vret);
	if (r.vstate != S_BAD || warning(&r) == 0)
		view(&r);
	if (r.stop)
		ret = r.stop;
	erase();
	refresh();
	endwin();
	replay_free(&r);
	return ret;
}

const struct cmd_entry cmd_replay_entry = {
	"replay", "",
	N_("[--key VKEY]... [--world FILE | --kmdata DIR] TRANSCRIPT"),
	N_("step through a transcript on the full screen"),
	replay_main
};
