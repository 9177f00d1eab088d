/* The ceremony screen: the script's outline with done, current and
 * pending steps; the current step, who must act and what is expected
 * now; what the cards and the program said; elapsed and estimated time
 * and the last checkpoint's words. Input is read with wgetch in cbreak
 * mode: Ctrl-C reaches the signal handler of fe-line.c, never curses in
 * a handler, and the terminal is always given back. */
#include "config.h"

#define _XOPEN_SOURCE_EXTENDED 1

#include <errno.h>
#include <poll.h>
#include <unistd.h>
#include <signal.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include <curses.h>

#include "cmd.h"
#include "engine.h"
#include "error.h"
#include "fe-line.h"
#include "i18n.h"
#include "merkle.h"
#include "pgpwords.h"
#include "script.h"
#include "slot.h"
#include "transcript.h"
#include "tui.h"

#define LOG_LINES	64
#define LOG_WIDTH	256
#define INPUT_MAX	2048

enum { C_TITLE = 1, C_TRAINING, C_DONE, C_CURRENT, C_ERROR, C_PROMPT };

struct form;

struct tui {
	struct off_engine	*e;
	const struct off_script	*s;
	int			 training, color, utf8;
	time_t			 started;
	unsigned char		*state;		/* per step: 0, 1 seen, 2 done */
	size_t			 cur;
	char			 log[LOG_LINES][LOG_WIDTH];
	size_t			 nlog;
	char			 prog_what[96];
	unsigned long		 prog_done, prog_total;
	int			 open;
	int			 asking;	/* the engine's question */
	int			 begun;		/* a step has begun */
	struct form		*form;		/* the parameters */
	struct off_frontend	 fe;		/* ours, for cosigning */
	char			 cosigned[256];	/* who, so far */
};

/* The parameters the engine will ask for, on one screen, each checked
 * as it is typed; the engine is then given them one by one. */
struct form {
	const struct off_param	**p;
	char			**v;		/* INPUT_MAX each */
	size_t			  n, cur;
	int			  filled;
	char			  problem[512];	/* the engine said no */
};

/* key(): F2, the deviation key, while the engine's question is asked. */
#define TUI_DEVIATE	(-10000)

/* Display columns of the first bytes of s up to width cols: how many
 * bytes fit. */
static size_t
fit(const char *s, size_t len, int cols, int *used)
{
	mbstate_t	st;
	wchar_t		wc;
	size_t		off = 0, n;
	int		w, have = 0;

	memset(&st, 0, sizeof(st));
	while (off < len) {
		n = mbrtowc(&wc, s + off, len - off, &st);
		if (n == (size_t)-1 || n == (size_t)-2) {
			memset(&st, 0, sizeof(st));
			n = 1;
			w = 1;
		} else {
			if (n == 0)
				n = 1;
			if ((w = wcwidth(wc)) < 0)
				w = 1;
		}
		if (have + w > cols)
			break;
		have += w;
		off += n;
	}
	if (used != NULL)
		*used = have;
	return off;
}

/* Write text wrapped into the box (y, x, h, w) from line *row; returns
 * the rows used. Words longer than the width are cut. With win NULL,
 * nothing is written: the rows it would take. */
static int
wrap(WINDOW *win, int *row, int y, int x, int h, int w, const char *text,
    attr_t attr)
{
	const char	*p = text, *nl;
	size_t		 line, brk, n;
	int		 start = *row, used;

	while (*p != '\0' && *row < h) {
		nl = strchr(p, '\n');
		line = nl != NULL ? (size_t)(nl - p) : strlen(p);
		n = fit(p, line, w, &used);
		brk = n;
		if (n < line) {
			/* Break at the last space that fits. */
			while (brk > 0 && p[brk] != ' ')
				brk--;
			if (brk == 0)
				brk = n;
		}
		/* No window: only count the rows. */
		if (win != NULL) {
			wattron(win, attr);
			mvwaddnstr(win, y + *row, x, p, (int)brk);
			wattroff(win, attr);
		}
		(*row)++;
		p += brk;
		while (*p == ' ')
			p++;
		if (brk == line && *p == '\n')
			p++;
	}
	return *row - start;
}

static void
logf_add(struct tui *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
logf_add(struct tui *t, const char *fmt, ...)
{
	va_list	ap;

	if (t->nlog == LOG_LINES) {
		memmove(t->log[0], t->log[1], sizeof(t->log[0]) *
		    (LOG_LINES - 1));
		t->nlog--;
	}
	va_start(ap, fmt);
	vsnprintf(t->log[t->nlog++], LOG_WIDTH, fmt, ap);
	va_end(ap);
}

/* Which step is current, and which are done. */
static void
follow(struct tui *t)
{
	const char	*id = off_engine_current(t->e);
	size_t		 i, now = t->s->nsteps;

	if (id != NULL)
		now = off_script_step_index(t->s, id);
	if (now != t->cur) {
		if (t->cur < t->s->nsteps)
			t->state[t->cur] = 2;
		t->cur = now;
	}
	if (now < t->s->nsteps) {
		t->state[now] = 1;
		t->begun = 1;
	}
	if (id == NULL)
		for (i = 0; i < t->s->nsteps; i++)
			if (t->state[i] == 1)
				t->state[i] = 2;
}

static const char *
marker(const struct tui *t, size_t i)
{
	if (i == t->cur)
		return t->utf8 ? "\u25b6" : ">";
	if (t->state[i] == 2)
		return t->utf8 ? "\u2713" : "+";
	return t->utf8 ? "\u00b7" : "-";
}

static void
draw_outline(struct tui *t, int top, int h, int w)
{
	size_t	i, first = 0;
	int	row;

	if (t->cur < t->s->nsteps && t->cur >= (size_t)h)
		first = t->cur - (size_t)h + 1;
	for (i = first, row = 0; i < t->s->nsteps && row < h; i++, row++) {
		const struct off_step	*st = &t->s->steps[i];
		attr_t			 a = A_NORMAL;

		if (i == t->cur)
			a = A_BOLD | (t->color ? COLOR_PAIR(C_CURRENT) : 0);
		else if (t->state[i] == 2 && t->color)
			a = COLOR_PAIR(C_DONE);
		attron(a);
		mvaddstr(top + row, 0, marker(t, i));
		mvaddnstr(top + row, 2, st->title != NULL ? st->title : st->id,
		    (int)fit(st->title != NULL ? st->title : st->id,
		    strlen(st->title != NULL ? st->title : st->id), w - 3,
		    NULL));
		attroff(a);
	}
}

static void
draw_status(struct tui *t)
{
	char		 line[512], words[OFF_PGP_WORDS_LEN(32)], *sp;
	off_hash	 root;
	unsigned	 est = 0;
	size_t		 i;
	long		 el = (long)(time(NULL) - t->started);
	int		 n;

	for (i = 0; i < t->s->nsteps; i++)
		est += t->s->steps[i].minutes;
	if (t->begun)
		n = snprintf(line, sizeof(line), _(" %02ld:%02ld:%02ld "
		    "elapsed, about %u min planned, step %zu of %zu"),
		    el / 3600, el / 60 % 60, el % 60, est, t->cur <
		    t->s->nsteps ? t->cur + 1 : t->s->nsteps, t->s->nsteps);
	else
		n = snprintf(line, sizeof(line), _(" %02ld:%02ld:%02ld "
		    "elapsed, about %u min planned, %zu steps"), el / 3600,
		    el / 60 % 60, el % 60, est, t->s->nsteps);
	if (off_engine_checkpoint(t->e, root) == 0 && n > 0 &&
	    (size_t)n < sizeof(line)) {
		off_pgp_words(root, 4, words, sizeof(words));
		/* The first words are enough to follow along. */
		if ((sp = strrchr(words, ' ')) != NULL && strlen(words) > 40)
			*sp = '\0';
		snprintf(line + n, sizeof(line) - (size_t)n,
		    _("  checkpoint: %s..."), words);
	}
	attron(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	mvaddnstr(LINES - 1, 0, line, (int)fit(line, strlen(line), COLS,
	    NULL));
	attroff(A_REVERSE);
	/* TRANSLATORS: the key line at the foot of the ceremony screen;
	 * keep it within 80 columns. */
	mvaddnstr(LINES - 2, 0, _(" F1/? help   F2 record a deviation   "
	    "Ctrl-C stop (can be resumed)"), COLS);
}

/* What every screen of a ceremony has: the title, the TRAINING banner,
 * the outline on the left and the status at the foot. The main pane is
 * at rows top..top+h, columns mx..mx+mw. -1 when the terminal is too
 * small for anything but saying so. */
static int
frame(struct tui *t, int *top, int *h, int *mx, int *mw)
{
	int	ow;

	erase();
	if (LINES < 12 || COLS < 40) {
		mvaddstr(0, 0, _("The terminal is too small: make it at "
		    "least 40x12."));
		refresh();
		return -1;
	}
	/* Title and, in training, a banner no one can miss. */
	attron(A_BOLD | (t->color ? COLOR_PAIR(C_TITLE) : A_REVERSE));
	mvhline(0, 0, ' ', COLS);
	mvaddnstr(0, 1, t->s->title, (int)fit(t->s->title,
	    strlen(t->s->title), COLS - 2, NULL));
	attroff(A_BOLD | (t->color ? COLOR_PAIR(C_TITLE) : A_REVERSE));
	if (t->training) {
		const char	*b = _(" TRAINING - a rehearsal on a throw-away "
		    "world ");

		attron(A_BOLD | (t->color ? COLOR_PAIR(C_TRAINING) :
		    A_REVERSE));
		mvhline(1, 0, ' ', COLS);
		mvaddnstr(1, 0, b, (int)fit(b, strlen(b), COLS, NULL));
		attroff(A_BOLD | (t->color ? COLOR_PAIR(C_TRAINING) :
		    A_REVERSE));
	}
	*top = 2;
	ow = COLS / 3 > 30 ? 30 : COLS / 3;
	*h = LINES - *top - 3;
	draw_outline(t, *top + 1, *h - 1, ow);
	mvvline(*top, ow, t->utf8 ? ACS_VLINE : '|', *h + 1);
	*mx = ow + 2;
	*mw = COLS - *mx - 1;
	draw_status(t);
	return 0;
}

/* The whole screen; prompt (may be NULL) is what is asked now, input
 * what has been typed for it. */
static void
draw(struct tui *t, const char *prompt, const char *hint,
    const char *input)
{
	const struct off_step	*st = t->cur < t->s->nsteps ?
				    &t->s->steps[t->cur] : NULL;
	int			 mx, mw, row = 0, top, h, i, y, pr = 2;
	char			 who[256];

	if (frame(t, &top, &h, &mx, &mw) != 0)
		return;
	if (st != NULL) {
		attron(A_BOLD);
		wrap(stdscr, &row, top + 1, mx, h, mw, st->title != NULL ?
		    st->title : st->id, A_BOLD);
		attroff(A_BOLD);
		if (st->role != NULL) {
			const struct off_role	*r = off_script_role(t->s,
			    st->role);
			const struct off_engine_request *q =
			    off_engine_request(t->e);

			/* TRANSLATORS: the step's role (its title), then
			   " - " and the officer's name, or nothing. */
			snprintf(who, sizeof(who), _("By: %s%s%s"),
			    r != NULL ? r->title : st->role, q != NULL &&
			    q->officer != NULL ? " - " : "", q != NULL &&
			    q->officer != NULL ? q->officer : "");
			wrap(stdscr, &row, top + 1, mx, h, mw, who, A_NORMAL);
		}
		row++;
		if (prompt == NULL && st->text != NULL)
			wrap(stdscr, &row, top + 1, mx, h, mw, st->text,
			    A_NORMAL);
	}
	/* What the program and the cards said, the latest last, above
	 * the prompt. */
	/* The question whole, however long: what is confirmed is read
	 * first. At most half the pane. */
	if (prompt != NULL) {
		pr = 0;
		wrap(NULL, &pr, 0, 0, h / 2, mw, prompt, A_BOLD);
		if (pr < 2)
			pr = 2;
	}
	y = h - 4 - pr;
	for (i = (int)t->nlog - 1; i >= 0 && y > row + 1; i--, y--) {
		int	r0 = 0;

		wrap(stdscr, &r0, top + y, mx, 1, mw, t->log[i],
		    strncmp(t->log[i], "!", 1) == 0 && t->color ?
		    COLOR_PAIR(C_ERROR) : A_DIM);
	}
	if (t->prog_total > 0 && t->prog_done < t->prog_total) {
		int	bar = mw - 12, fill;

		fill = (int)((unsigned long)bar * t->prog_done / t->prog_total);
		mvaddnstr(top + h - 3 - pr, mx, t->prog_what, mw);
		mvhline(top + h - 2 - pr, mx, t->utf8 ? ACS_CKBOARD : '#',
		    fill);
		mvprintw(top + h - 2 - pr, mx + bar + 1, "%3lu%%",
		    t->prog_done * 100 / t->prog_total);
	}
	if (prompt != NULL) {
		int	r1 = 0;

		attron(A_BOLD | (t->color ? COLOR_PAIR(C_PROMPT) : 0));
		wrap(stdscr, &r1, top + h - 1 - pr, mx, pr, mw, prompt,
		    A_BOLD);
		attroff(A_BOLD | (t->color ? COLOR_PAIR(C_PROMPT) : 0));
		if (hint != NULL)
			mvaddnstr(top + h - 1, mx, hint, mw);
		if (input != NULL) {
			mvaddstr(top + h, mx, "> ");
			addnstr(input, (int)fit(input, strlen(input), mw - 3,
			    NULL));
		}
	}
	curs_set(input != NULL ? 1 : 0);
	refresh();
}

static void
help(struct tui *t)
{
	static const char *const lines[] = {
		/* TRANSLATORS: the help screen: keys and what they do, the
		   texts in column 15 (lines that go on too); at most 76
		   columns a line. */
		N_("Keys"),
		"",
		N_("  y / n       answer a question yes or no"),
		N_("  Enter       give what was typed (an empty line takes "
		    "the default)"),
		N_("  Backspace   take back a character"),
		N_("  Tab         while typing a PIN: show or hide its "
		    "length"),
		N_("  F1 or ?     this help"),
		N_("  F2          the ceremony administrator records a"),
		N_("              deviation from this step; a witness"),
		N_("              acknowledges it"),
		N_("  Ctrl-C      stop; the transcript stays, and"),
		N_("              'officiant resume' goes on from here"),
		"",
		N_("Any key goes back."),
	};
	size_t	i;

	erase();
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]) &&
	    (int)i < LINES - 1; i++)
		mvaddnstr((int)i + 1, 2, *lines[i] != '\0' ? _(lines[i]) : "",
		    COLS - 3);
	refresh();
	(void)getch();
	(void)t;
}

/* 1 when the terminal has hung up. */
static int
term_hup(void)
{
	struct pollfd	 p = { .fd = STDIN_FILENO, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR |
	    POLLNVAL));
}

/* 1 when the terminal has hung up or input can no longer come; a
 * getch() that keeps failing for no reason counts as that too. */
int
tui_term_gone(void)
{
	static unsigned	 errs;

	return term_hup() || ++errs > 1000;
}

/* After Ctrl-C: 1 to stop the ceremony. Asked, not assumed: a stray
 * Ctrl-C must not end a ceremony. */
static int
confirm_stop(void)
{
	int	c;

	fe_line_interrupted = 0;
	nodelay(stdscr, FALSE);
	erase();
	mvaddnstr(2, 2, _("Stop the ceremony here? The transcript stays "
	    "unsealed and 'officiant resume' goes on later. [y/n]"), COLS - 4);
	refresh();
	do {
		c = getch();
		/* No terminal any more: stop. */
		if (c == ERR && tui_term_gone())
			return 1;
	} while (c != 'y' && c != 'n' && c != 'Y' && c != 'N' &&
	    !fe_line_interrupted);
	return c == 'y' || c == 'Y' || fe_line_interrupted;
}

/* A key, TUI_DEVIATE (F2, while the engine's question is asked), or
 * OFF_ERR_INTERRUPTED after Ctrl-C was confirmed (or a SIGTERM/SIGHUP).
 * redraw is called when the screen must be drawn again. */
static int
key(struct tui *t, void (*redraw)(struct tui *, void *), void *arg)
{
	int	c;

	for (;;) {
		errno = 0;
		c = getch();
		/* SIGTERM, SIGHUP: stop now (the transcript stays). */
		if (fe_line_interrupted && fe_line_signal != SIGINT)
			return OFF_ERR_INTERRUPTED;
		if (fe_line_interrupted) {
			if (confirm_stop())
				return OFF_ERR_INTERRUPTED;
			redraw(t, arg);
			continue;
		}
		/* The terminal is gone (hang-up): never spin on it. */
		if (c == ERR && tui_term_gone())
			return OFF_ERR_INTERRUPTED;
		if (c == ERR)
			continue;
		if (c == KEY_RESIZE) {
			redraw(t, arg);
			continue;
		}
		if (c == KEY_F(1) || c == '?') {
			help(t);
			redraw(t, arg);
			continue;
		}
		if (c == KEY_F(2) && t->asking)
			return TUI_DEVIATE;
		return c;
	}
}

/* The card slot's wait was interrupted (a signal) or a key came: the
 * screen follows a resize, F1 shows help, Ctrl-C asks; nothing else is
 * taken while a card is awaited. */
static int
tui_wake(void *arg)
{
	struct tui	*t = arg;
	int		 c, ret = 0;

	if (fe_line_interrupted && fe_line_signal != SIGINT)
		return OFF_ERR_INTERRUPTED;
	if (fe_line_interrupted && confirm_stop())
		return OFF_ERR_INTERRUPTED;
	if (term_hup())
		return OFF_ERR_INTERRUPTED;
	nodelay(stdscr, TRUE);
	while ((c = getch()) != ERR)
		if (c == KEY_F(1) || c == '?') {
			nodelay(stdscr, FALSE);
			help(t);
			nodelay(stdscr, TRUE);
		}
	nodelay(stdscr, FALSE);
	if (fe_line_interrupted)
		ret = tui_wake(t);
	draw(t, NULL, NULL, NULL);
	return ret;
}

void
tui_slot(struct tui *t, struct off_slot *slot)
{
	slot->wake = tui_wake;
	slot->wake_arg = t;
	slot->wake_fd = STDIN_FILENO;
}

struct line_edit {
	const char	*prompt, *hint;
	char		*buf;
	size_t		 len, max;
	int		 secret, hide_len;
};

static void
redraw_edit(struct tui *t, void *arg)
{
	struct line_edit	*le = arg;
	char			 shown[INPUT_MAX];
	size_t			 i, n = 0;

	shown[0] = '\0';
	if (le->secret) {
		/* Dots only, or no length at all. */
		if (le->hide_len)
			snprintf(shown, sizeof(shown), "%s", le->len > 0 ?
			    _("(typed, length hidden)") : "");
		else
			for (i = 0; i < le->len && n + 4 < sizeof(shown); i++)
				n += (size_t)snprintf(shown + n, sizeof(shown) -
				    n, "%s", t->utf8 ? "\u2022" : "*");
	} else
		snprintf(shown, sizeof(shown), "%.*s", (int)le->len, le->buf);
	draw(t, le->prompt, le->hint, shown);
}

/* Read a line into le->buf (le->max bytes with the terminator). */
static int
edit(struct tui *t, struct line_edit *le)
{
	int	c;

	le->len = 0;
	le->buf[0] = '\0';
	for (;;) {
		redraw_edit(t, le);
		if ((c = key(t, redraw_edit, le)) < 0)
			return c;
		if (c == '\n' || c == '\r' || c == KEY_ENTER)
			break;
		if (c == KEY_BACKSPACE || c == 127 || c == 8) {
			/* Back over one character, not one byte. */
			while (le->len > 0 && ((unsigned char)le->buf[--le->len]
			    & 0xc0) == 0x80)
				;
			le->buf[le->len] = '\0';
		} else if (c == '\t' && le->secret)
			le->hide_len = !le->hide_len;
		else if (c >= 0x20 && c < 0x100 && c != 0x7f &&
		    le->len + 1 < le->max) {
			le->buf[le->len++] = (char)c;
			le->buf[le->len] = '\0';
		}
	}
	return 0;
}

struct yesno {
	const char	*question;
};

static void
redraw_yesno(struct tui *t, void *arg)
{
	struct yesno	*q = arg;

	draw(t, q->question, _("[y] yes    [n] no"), NULL);
}

static int
ask_yesno(struct tui *t, const char *question)
{
	struct yesno	q = { question };
	int		c;

	for (;;) {
		redraw_yesno(t, &q);
		if ((c = key(t, redraw_yesno, &q)) < 0)
			return c;
		if (c == 'y' || c == 'Y')
			return 0;
		if (c == 'n' || c == 'N')
			return OFF_ERR_CANCELLED;
	}
}

/* The parameter form. */

static int	tui_ask_text(void *, const char *, const char *, char *,
		    size_t);

static void
form_free(struct form **fp)
{
	struct form	*f = *fp;
	size_t		 i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++)
		free(f->v[i]);
	free(f->v);
	free(f->p);
	free(f);
	*fp = NULL;
}

/* The fields: what the script declares and the engine has not been
 * given yet, each with its default filled in. */
static struct form *
form_new(struct tui *t)
{
	struct form	*f;
	size_t		 i;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->p = calloc(t->s->nparams + 1, sizeof(*f->p))) == NULL ||
	    (f->v = calloc(t->s->nparams + 1, sizeof(*f->v))) == NULL) {
		form_free(&f);
		return NULL;
	}
	for (i = 0; i < t->s->nparams; i++) {
		if (off_engine_param(t->e, t->s->params[i].id) != NULL)
			continue;
		if ((f->v[f->n] = calloc(1, INPUT_MAX)) == NULL) {
			form_free(&f);
			return NULL;
		}
		f->p[f->n] = &t->s->params[i];
		snprintf(f->v[f->n], INPUT_MAX, "%s", f->p[f->n]->def != NULL ?
		    f->p[f->n]->def : "");
		f->n++;
	}
	return f;
}

/* 0 when field i holds an acceptable value; else why. */
static int
form_check(const struct form *f, size_t i, struct off_err *why)
{
	off_err_clear(why);
	return off_param_check(f->p[i], f->v[i], why);
}

static void
redraw_form(struct tui *t, void *arg)
{
	struct form	*f = arg;
	struct off_err	 why;
	const char	*p;
	char		 more[512];
	size_t		 i, first = 0, fits;
	int		 top, h, mx, mw, row = 0, y, cy = 0, cx = 0, ok, used;

	if (frame(t, &top, &h, &mx, &mw) != 0)
		return;
	wrap(stdscr, &row, top + 1, mx, h, mw, _("Parameters, checked as "
	    "they are typed"), A_BOLD);
	/* Two rows a field; the foot keeps four for help and keys. */
	fits = h > 8 ? (size_t)(h - 7) / 2 : 1;
	if (f->cur >= fits)
		first = f->cur - fits + 1;
	y = top + 1 + row + 1;
	for (i = first; i < f->n && i < first + fits; i++, y += 2) {
		ok = form_check(f, i, &why) == 0;
		attron(t->color ? COLOR_PAIR(ok ? C_DONE : C_ERROR) : A_BOLD);
		mvaddstr(y, mx, ok ? (t->utf8 ? "\u2713" : "+") :
		    (t->utf8 ? "\u2717" : "x"));
		attroff(t->color ? COLOR_PAIR(ok ? C_DONE : C_ERROR) : A_BOLD);
		p = f->p[i]->prompt != NULL ? f->p[i]->prompt : f->p[i]->id;
		if (i == f->cur)
			attron(A_BOLD | (t->color ? COLOR_PAIR(C_PROMPT) : 0));
		mvaddnstr(y, mx + 2, p, (int)fit(p, strlen(p), mw - 2, NULL));
		if (i == f->cur)
			attroff(A_BOLD | (t->color ? COLOR_PAIR(C_PROMPT) :
			    0));
		mvaddstr(y + 1, mx + 2, "> ");
		/* The end of a long value, where the typing is. */
		p = f->v[i];
		while (strlen(p) > 0 && (fit(p, strlen(p), mw - 5, &used),
		    used >= mw - 5))
			p++;
		addstr(p);
		if (i == f->cur) {
			getyx(stdscr, cy, cx);
		}
	}
	/* The field's problem, else its help. */
	row = 0;
	if (f->n > 0 && *f->problem != '\0')
		wrap(stdscr, &row, top + h - 4, mx, 3, mw, f->problem,
		    t->color ? COLOR_PAIR(C_ERROR) : A_BOLD);
	else if (f->n > 0 && form_check(f, f->cur, &why) != 0)
		wrap(stdscr, &row, top + h - 4, mx, 3, mw, why.detail,
		    t->color ? COLOR_PAIR(C_ERROR) : A_BOLD);
	else if (f->n > 0) {
		const struct off_param	*cp = f->p[f->cur];

		more[0] = '\0';
		if (cp->type == OFF_PARAM_CHOICE) {
			size_t	n = 0, k;

			n = (size_t)snprintf(more, sizeof(more), "%s",
			    _("One of:"));
			for (k = 0; k < cp->nchoices && n < sizeof(more); k++)
				n += (size_t)snprintf(more + n, sizeof(more) -
				    n, " %s", cp->choices[k]);
		}
		wrap(stdscr, &row, top + h - 4, mx, 3, mw, cp->help != NULL ?
		    cp->help : more, A_DIM);
		if (cp->help != NULL && *more != '\0')
			wrap(stdscr, &row, top + h - 4, mx, 3, mw, more, A_DIM);
	}
	/* TRANSLATORS: keep it within 45 columns. */
	mvaddnstr(top + h, mx, _("Up/Down move, Enter next (last: go on)"),
	    mw);
	if (cy > 0) {
		move(cy, cx);
		curs_set(1);
	} else
		curs_set(0);
	refresh();
}

/* Until every field is acceptable and Enter on the last: 0, or what
 * key() ended with. */
static int
form_edit(struct tui *t, struct form *f)
{
	struct off_err	 why;
	char		*v;
	size_t		 i, len;
	int		 c;

	for (;;) {
		redraw_form(t, f);
		if ((c = key(t, redraw_form, f)) < 0)
			return c;
		v = f->v[f->cur];
		len = strlen(v);
		if (c == KEY_UP || c == KEY_BTAB) {
			if (f->cur > 0)
				f->cur--;
		} else if (c == KEY_DOWN || c == '\t') {
			if (f->cur + 1 < f->n)
				f->cur++;
		} else if (c == '\n' || c == '\r' || c == KEY_ENTER) {
			if (f->cur + 1 < f->n) {
				f->cur++;
				continue;
			}
			for (i = 0; i < f->n; i++)
				if (form_check(f, i, &why) != 0)
					break;
			if (i == f->n)
				return 0;
			f->cur = i;
		} else if (c == KEY_BACKSPACE || c == 127 || c == 8) {
			while (len > 0 && ((unsigned char)v[--len] & 0xc0) ==
			    0x80)
				;
			v[len] = '\0';
		} else if (c >= 0x20 && c < 0x100 && c != 0x7f &&
		    len + 1 < INPUT_MAX) {
			v[len] = (char)c;
			v[len + 1] = '\0';
		} else
			continue;
		*f->problem = '\0';
	}
}

/* The answer to the engine's parameter request r: from the form, made
 * and filled in at the first one. */
static int
form_answer(struct tui *t, const struct off_engine_request *r, char *buf,
    size_t len)
{
	size_t	i;
	int	ret;

	if (t->form == NULL && (t->form = form_new(t)) == NULL)
		return OFF_ERR_NOMEM;
	for (i = 0; i < t->form->n; i++)
		if (strcmp(t->form->p[i]->id, r->step) == 0)
			break;
	/* Not a field (never expected): asked on its own. */
	if (i == t->form->n)
		return tui_ask_text(t, r->text, r->help, buf, len);
	/* Shown until it is filled in, and again at a field the engine
	 * did not take. */
	if (!t->form->filled) {
		if ((ret = form_edit(t, t->form)) != 0)
			return ret;
		t->form->filled = 1;
	}
	snprintf(buf, len, "%s", t->form->v[i]);
	return 0;
}

/* The engine did not take the answer to r: back to the form at it. */
static void
form_refused(struct tui *t, const struct off_engine_request *r,
    const char *why)
{
	size_t	i;

	for (i = 0; t->form != NULL && i < t->form->n; i++)
		if (strcmp(t->form->p[i]->id, r->step) == 0) {
			t->form->cur = i;
			t->form->filled = 0;
			snprintf(t->form->problem, sizeof(t->form->problem),
			    "%s", why);
		}
}

/* The callback table. */

static void
tui_notice(void *arg, enum off_notice_level level, const char *msg)
{
	struct tui	*t = arg;

	logf_add(t, "%s%s", level == OFF_NOTICE_INFO ? "" : "! ", msg);
	draw(t, NULL, NULL, NULL);
}

static int
tui_ask_pin(void *arg, const struct off_pin_request *req, char *buf,
    size_t bufsz, size_t *len)
{
	struct tui		*t = arg;
	struct line_edit	 le;
	char			 q[256], hint[128];
	int			 ret;

	switch (req->kind) {
	case OFF_PIN_NEW:
		snprintf(q, sizeof(q), _("Card %u of %u: its custodian "
		    "chooses a PIN"), req->index, req->n);
		break;
	case OFF_PIN_CONFIRM:
		snprintf(q, sizeof(q), _("Card %u of %u: the same PIN again"),
		    req->index, req->n);
		break;
	case OFF_PIN_ENTER:
		snprintf(q, sizeof(q), _("Card %u: its custodian types the "
		    "PIN"), req->index);
		break;
	default:
		snprintf(q, sizeof(q), "%s", req->label != NULL ? req->label :
		    _("Passphrase"));
		break;
	}
	if (req->tries_left >= 0)
		snprintf(hint, sizeof(hint), _("%d tries left before the card "
		    "locks; Tab hides the length"), req->tries_left);
	else
		snprintf(hint, sizeof(hint), "%s", _("Tab hides the length"));
	memset(&le, 0, sizeof(le));
	le.prompt = q;
	le.hint = hint;
	le.buf = buf;
	le.max = bufsz;
	le.secret = 1;
	ret = edit(t, &le);
	*len = le.len;
	return ret;
}

static int
tui_confirm(void *arg, const char *question)
{
	return ask_yesno(arg, question);
}

static int
tui_ask_text(void *arg, const char *prompt, const char *help_text,
    char *buf, size_t bufsz)
{
	struct tui		*t = arg;
	struct line_edit	 le;

	memset(&le, 0, sizeof(le));
	le.prompt = prompt;
	le.hint = help_text;
	le.buf = buf;
	le.max = bufsz;
	return edit(t, &le);
}

static void
tui_card(void *arg, const struct off_card_info *i)
{
	struct tui	*t = arg;

	switch (i->event) {
	case OFF_CARD_WANT_BLANK:
		logf_add(t, _("Insert a blank card for card %u of %u in %s"),
		    i->index, i->n, i->reader);
		break;
	case OFF_CARD_WANT:
		logf_add(t, _("Insert a card of world %.16s... (%u of %u "
		    "accepted) in %s"), i->world, i->have, i->need, i->reader);
		break;
	case OFF_CARD_DETECTED:
		logf_add(t, _("Card %u (%.16s...) detected in %s"), i->index,
		    i->card_id, i->reader);
		break;
	case OFF_CARD_REFUSED:
		logf_add(t, _("! Card refused: %s"), i->reason);
		break;
	case OFF_CARD_WRITTEN:
		logf_add(t, _("Card %u of %u written and verified"), i->index,
		    i->n);
		break;
	case OFF_CARD_ACCEPTED:
		logf_add(t, _("Card %u accepted (%u of %u)"), i->index,
		    i->have, i->need);
		break;
	case OFF_CARD_REMOVE:
		logf_add(t, _("Take the card out of %s"), i->reader);
		break;
	case OFF_CARD_REMOVED:
		logf_add(t, "%s", _("Card taken out"));
		break;
	}
	draw(t, NULL, NULL, NULL);
}

static void
tui_progress(void *arg, const char *what, unsigned long done,
    unsigned long total)
{
	struct tui	*t = arg;

	snprintf(t->prog_what, sizeof(t->prog_what), "%s", what);
	t->prog_done = done;
	t->prog_total = total;
	if (total == 0 && done == 1)
		logf_add(t, "%s...", what);
	draw(t, NULL, NULL, NULL);
}

size_t
tui_fit(const char *s, size_t len, int cols, int *used)
{
	return fit(s, len, cols, used);
}

int
tui_start(int *color, int *utf8)
{
	const char	*cs = nl_langinfo(CODESET);

	if (initscr() == NULL)
		return -1;
	*utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	*color = 0;
	if (has_colors() && getenv("NO_COLOR") == NULL) {
		start_color();
		use_default_colors();
		*color = 1;
	}
	return 0;
}

struct tui *
tui_open(int training, struct off_frontend *fe)
{
	struct tui	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if (tui_start(&t->color, &t->utf8) != 0) {
		free(t);
		return NULL;
	}
	t->open = 1;
	t->training = training;
	if (t->color) {
		init_pair(C_TITLE, COLOR_WHITE, COLOR_BLUE);
		init_pair(C_TRAINING, COLOR_WHITE, COLOR_RED);
		init_pair(C_DONE, COLOR_GREEN, -1);
		init_pair(C_CURRENT, COLOR_CYAN, -1);
		init_pair(C_ERROR, COLOR_RED, -1);
		init_pair(C_PROMPT, COLOR_YELLOW, -1);
	}
	memset(fe, 0, sizeof(*fe));
	fe->arg = t;
	fe->notice = tui_notice;
	fe->ask_pin = tui_ask_pin;
	fe->confirm = tui_confirm;
	fe->ask_text = tui_ask_text;
	fe->card = tui_card;
	fe->progress = tui_progress;
	t->fe = *fe;
	t->started = time(NULL);
	return t;
}

/* A witness cosigns the sealed transcript here: name, key file and its
 * passphrase, asked on the screen. */
static void
cosign(struct tui *t)
{
	struct off_err	 err;
	EVP_PKEY	*key = NULL;
	char		 name[256], file[PATH_MAX];
	size_t		 n;

	off_err_clear(&err);
	if (tui_ask_text(t, _("Witness: your name, as in your witness key"),
	    NULL, name, sizeof(name)) != 0 || *name == '\0' ||
	    tui_ask_text(t, _("Witness: your witness key file (from "
	    "'officiant witness keygen')"), NULL, file, sizeof(file)) != 0 ||
	    *file == '\0')
		return;
	if (witness_key_load(file, &t->fe, &key, &err) == 0 &&
	    off_transcript_cosign(off_engine_transcript_path(t->e), name, key,
	    &err) == 0) {
		logf_add(t, _("%s cosigned the transcript"), name);
		n = strlen(t->cosigned);
		snprintf(t->cosigned + n, sizeof(t->cosigned) - n, "%s%s",
		    n > 0 ? ", " : "", name);
	} else {
		off_err_format(&err, file, sizeof(file));
		logf_add(t, "! %s", file);
	}
	EVP_PKEY_free(key);
}

/* The end: the final root as words for the paper record, witnesses'
 * cosignatures, and where the transcript and the files are. */
static void
finish_screen(struct tui *t, int status)
{
	char		 words[OFF_PGP_WORDS_LEN(32)], msg[PATH_MAX + 64];
	const char	*f;
	off_hash	 root;
	size_t		 i;
	int		 row, c, h = LINES - 2;

	for (;;) {
		erase();
		row = 0;
		wrap(stdscr, &row, 1, 2, h, COLS - 4, status ==
		    OFF_ENGINE_DONE ? _("The ceremony is complete.") :
		    _("The ceremony was aborted."), A_BOLD);
		row++;
		if (off_engine_checkpoint(t->e, root) == 0) {
			off_pgp_words(root, OFF_HASH_LEN, words, sizeof(words));
			wrap(stdscr, &row, 1, 2, h, COLS - 4,
			    _("Final root, for the paper record:"), A_NORMAL);
			wrap(stdscr, &row, 1, 4, h, COLS - 6, words, A_BOLD);
			row++;
		}
		snprintf(msg, sizeof(msg), _("Transcript: %s"),
		    off_engine_transcript_path(t->e));
		wrap(stdscr, &row, 1, 2, h, COLS - 4, msg, A_NORMAL);
		for (i = 0; (f = off_engine_file(t->e, i)) != NULL; i++) {
			snprintf(msg, sizeof(msg), _("Written: %s"), f);
			wrap(stdscr, &row, 1, 2, h, COLS - 4, msg, A_NORMAL);
		}
		row++;
		if (*t->cosigned != '\0') {
			snprintf(msg, sizeof(msg), _("Cosigned by: %s"),
			    t->cosigned);
			wrap(stdscr, &row, 1, 2, h, COLS - 4, msg, A_BOLD);
		}
		if (t->nlog > 0 && t->log[t->nlog - 1][0] == '!')
			wrap(stdscr, &row, 1, 2, h, COLS - 4,
			    t->log[t->nlog - 1], t->color ?
			    COLOR_PAIR(C_ERROR) : A_BOLD);
		wrap(stdscr, &row, 1, 2, h, COLS - 4, status ==
		    OFF_ENGINE_DONE ? _("c: a witness cosigns the transcript "
		    "now    q: leave") : _("q: leave"), A_NORMAL);
		refresh();
		c = getch();
		if (c == 'q' || c == 'Q' || c == '\n' || fe_line_interrupted ||
		    (c == ERR && tui_term_gone()))
			break;
		if ((c == 'c' || c == 'C') && status == OFF_ENGINE_DONE)
			cosign(t);
	}
}

int
tui_run(struct tui *t, struct off_engine *e, struct off_err *err)
{
	const struct off_engine_request	*r;
	struct off_err			 why;
	char				 buf[INPUT_MAX], q[INPUT_MAX + 64];
	int				 st, ret;

	t->e = e;
	t->s = off_engine_script(e);
	if ((t->state = calloc(t->s->nsteps + 1, 1)) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	t->cur = t->s->nsteps;
	for (;;) {
		follow(t);
		draw(t, NULL, NULL, NULL);
		if ((st = off_engine_step(e, err)) < 0)
			return st;
		follow(t);
		if (st == OFF_ENGINE_DONE || st == OFF_ENGINE_ABORTED) {
			finish_screen(t, st);
			return st;
		}
		if (st != OFF_ENGINE_WAITING)
			continue;
		r = off_engine_request(e);
		/* F2 records a deviation, at any question but its own. */
		t->asking = r->kind != OFF_REQ_DEVIATION;
		switch (r->kind) {
		case OFF_REQ_PARAM:
			ret = form_answer(t, r, buf, sizeof(buf));
			break;
		case OFF_REQ_OTP:
		case OFF_REQ_DEVIATION:
			if (r->def != NULL)
				snprintf(q, sizeof(q), _("%s (Enter: %s)"),
				    r->text, r->def);
			else
				snprintf(q, sizeof(q), "%s", r->text);
			ret = tui_ask_text(t, q, r->help, buf, sizeof(buf));
			break;
		default:
			if (r->kind == OFF_REQ_CHECK)
				snprintf(q, sizeof(q), _("[%u/%u] %s"), r->item,
				    r->items, r->text);
			else
				snprintf(q, sizeof(q), "%s", r->text);
			ret = ask_yesno(t, q);
			snprintf(buf, sizeof(buf), "%s", ret == 0 ? "yes" :
			    "no");
			if (ret == OFF_ERR_CANCELLED)
				ret = 0;
			break;
		}
		t->asking = 0;
		if (ret == TUI_DEVIATE) {
			off_err_clear(&why);
			if (off_engine_deviate(e, &why) != 0)
				logf_add(t, "! %s", why.detail);
			continue;
		}
		if (ret != 0)
			return off_err_set(err, ret, NULL, _("the ceremony was "
			    "stopped; the transcript can be resumed"));
		off_err_clear(&why);
		if ((ret = off_engine_answer(e, buf, &why)) ==
		    OFF_ERR_INVALID) {
			if (r->kind == OFF_REQ_PARAM)
				form_refused(t, r, why.detail);
			logf_add(t, "! %s", why.detail);
		} else if (ret != 0) {
			*err = why;
			return ret;
		}
	}
}

void
tui_close(struct tui **tp)
{
	struct tui	*t = *tp;

	if (t == NULL)
		return;
	if (t->open)
		endwin();
	form_free(&t->form);
	free(t->state);
	free(t);
	*tp = NULL;
}
