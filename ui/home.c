/* The home screen, for 'officiant' at a terminal with no command: start
 * a ceremony, rehearse one, resume an unsealed transcript, verify or
 * replay a transcript, see the world and its cards. Each choice runs
 * the same command the command line has, on the terminal given back,
 * and comes back here. */
#include "config.h"

#define _XOPEN_SOURCE_EXTENDED 1

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>

#include "cmd.h"
#include "error.h"
#include "fe-line.h"
#include "i18n.h"
#include "options.h"
#include "transcript.h"
#include "tui.h"

#define MENU_MAX	128

struct menu {
	const char	*title;
	char		*items[MENU_MAX];
	char		*values[MENU_MAX];
	size_t		 n;
};

static void
menu_add(struct menu *m, const char *item, const char *value)
{
	if (m->n == MENU_MAX)
		return;
	m->items[m->n] = strdup(item);
	m->values[m->n] = strdup(value != NULL ? value : item);
	if (m->items[m->n] != NULL && m->values[m->n] != NULL)
		m->n++;
}

static void
menu_free(struct menu *m)
{
	size_t	i;

	for (i = 0; i < m->n; i++) {
		free(m->items[i]);
		free(m->values[i]);
	}
	m->n = 0;
}

/* Choose with the arrows (or j/k) and Enter; q or Esc goes back.
 * Returns the index or -1. */
static int
menu_choose(struct menu *m, const char *footer)
{
	size_t	sel = 0, first = 0, i;
	int	c, rows;

	if (m->n == 0)
		return -1;
	for (;;) {
		erase();
		attron(A_BOLD | A_REVERSE);
		mvhline(0, 0, ' ', COLS);
		mvaddnstr(0, 1, m->title, COLS - 2);
		attroff(A_BOLD | A_REVERSE);
		rows = LINES - 4;
		if (rows < 1)
			rows = 1;
		if (sel < first)
			first = sel;
		if (sel >= first + (size_t)rows)
			first = sel - (size_t)rows + 1;
		for (i = first; i < m->n && i < first + (size_t)rows; i++) {
			/* Marked, not only in reverse: monochrome
			 * terminals and screen readers see it too. */
			if (i == sel) {
				mvaddstr(2 + (int)(i - first), 0, ">");
				attron(A_REVERSE);
			}
			mvaddnstr(2 + (int)(i - first), 2, m->items[i],
			    COLS - 4);
			if (i == sel)
				attroff(A_REVERSE);
		}
		mvaddnstr(LINES - 1, 1, footer, COLS - 2);
		refresh();
		c = getch();
		if (fe_line_interrupted) {
			fe_line_interrupted = 0;
			return -1;
		}
		/* The terminal is gone: never spin on it. */
		if (c == ERR && tui_term_gone())
			return -1;
		switch (c) {
		case KEY_UP:
		case 'k':
			if (sel > 0)
				sel--;
			break;
		case KEY_DOWN:
		case 'j':
			if (sel + 1 < m->n)
				sel++;
			break;
		case '\n':
		case '\r':
		case KEY_ENTER:
			return (int)sel;
		case 'q':
		case 27:
			return -1;
		default:
			break;
		}
	}
}

/* Run a command on the plain terminal, then wait for Enter. */
static int
run_command(const struct cmd_entry *e, char **argv, int argc)
{
	int	ret, c;

	def_prog_mode();
	endwin();
	optind = 0;
	ret = e->exec(e, argc, argv);
	printf(_("\n[exit status %d] Press Enter to go back to the home "
	    "screen.\n"), ret);
	fflush(stdout);
	while ((c = getchar()) != '\n' && c != EOF)
		;
	clearerr(stdin);
	fe_line_interrupted = 0;
	reset_prog_mode();
	refresh();
	return ret;
}

/* A built-in ceremony for the menu (the first of a name wins, as for
 * 'run'). */
static void
ceremony_item(void *arg, const char *dir, const char *name,
    const char *title)
{
	struct menu	*m = arg;
	char		 item[256];
	size_t		 i;

	(void)dir;
	for (i = 0; i < m->n; i++)
		if (strcmp(m->values[i], name) == 0)
			return;
	if (title == NULL)
		return;
	snprintf(item, sizeof(item), "%-24s %s", name, title);
	menu_add(m, item, name);
}

/* A line typed on the screen (echoed); empty when nothing was. */
static void
ask_line(const char *question, char *buf, size_t len)
{
	erase();
	mvaddnstr(2, 2, question, COLS - 4);
	move(4, 4);
	echo();
	curs_set(1);
	if (getnstr(buf, (int)len - 1) == ERR)
		buf[0] = '\0';
	noecho();
	curs_set(0);
}

/* Transcripts in KMDATA/transcripts, newest first; only the unsealed
 * ones when unsealed is set. */
static void
transcripts(struct menu *m, const char *kmdata, int unsealed)
{
	struct off_verify_opts		 o;
	struct off_verify_result	 r;
	struct dirent			**list = NULL;
	char				 dir[PATH_MAX], path[PATH_MAX];
	int				 n, i, ret;

	if (snprintf(dir, sizeof(dir), "%s/transcripts", kmdata) >=
	    (int)sizeof(dir) || (n = scandir(dir, &list, NULL,
	    alphasort)) < 0)
		return;
	for (i = n - 1; i >= 0; i--) {
		if (strstr(list[i]->d_name, ".transcript") != NULL &&
		    snprintf(path, sizeof(path), "%s/%s", dir,
		    list[i]->d_name) < (int)sizeof(path)) {
			memset(&o, 0, sizeof(o));
			ret = off_transcript_verify(path, &o, &r, NULL);
			if (!unsealed || ret == OFF_ERR_UNSEALED)
				menu_add(m, list[i]->d_name, path);
		}
		free(list[i]);
	}
	free(list);
}

/* Unsealed transcripts of rehearsals: in the throw-away worlds that
 * 'training run' makes in $TMPDIR. */
static void
training_transcripts(struct menu *m)
{
	const char	*tmp = getenv("TMPDIR");
	char		 pat[PATH_MAX], kmdata[PATH_MAX];
	glob_t		 g;
	size_t		 i;

	if (snprintf(pat, sizeof(pat), "%s/officiant-training.*",
	    tmp != NULL && *tmp == '/' ? tmp : "/tmp") >= (int)sizeof(pat) ||
	    glob(pat, GLOB_ONLYDIR, NULL, &g) != 0)
		return;
	for (i = 0; i < g.gl_pathc; i++)
		if (snprintf(kmdata, sizeof(kmdata), "%s/kmdata",
		    g.gl_pathv[i]) < (int)sizeof(kmdata))
			transcripts(m, kmdata, 1);
	globfree(&g);
}

int
home_run(void)
{
	struct menu	 m, sub;
	char		 kmdata[PATH_MAX], slot[PATH_MAX];
	char		*av[8];
	ssize_t		 n;
	int		 c;

	if (opt_kmdata(NULL, kmdata, sizeof(kmdata)) != 0)
		snprintf(kmdata, sizeof(kmdata), ".");
	if (initscr() == NULL)
		return EXIT_FAILED;
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	for (;;) {
		memset(&m, 0, sizeof(m));
		m.title = _("Officiant - key ceremonies");
		menu_add(&m, _("Rehearse a ceremony (training, throw-away "
		    "world)"), "training");
		menu_add(&m, _("Start a ceremony on the world in KMDATA"),
		    "run");
		menu_add(&m, _("Resume an interrupted ceremony"), "resume");
		menu_add(&m, _("Verify a transcript"), "verify");
		menu_add(&m, _("Replay a transcript"), "replay");
		menu_add(&m, _("The world and its cards"), "world");
		menu_add(&m, _("Quit"), "quit");
		c = menu_choose(&m, _("Up/Down choose, Enter go, q quit"));
		if (c < 0 || strcmp(m.values[c], "quit") == 0) {
			menu_free(&m);
			break;
		}
		memset(&sub, 0, sizeof(sub));
		if (strcmp(m.values[c], "training") == 0 ||
		    strcmp(m.values[c], "run") == 0) {
			sub.title = _("Which ceremony?");
			run_each_ceremony(ceremony_item, &sub);
		} else if (strcmp(m.values[c], "resume") == 0) {
			sub.title = _("Which unsealed transcript?");
			transcripts(&sub, kmdata, 1);
			training_transcripts(&sub);
		} else if (strcmp(m.values[c], "verify") == 0 ||
		    strcmp(m.values[c], "replay") == 0) {
			sub.title = _("Which transcript?");
			transcripts(&sub, kmdata, 0);
		}
		if (strcmp(m.values[c], "world") == 0) {
			av[0] = "officiant world info";
			av[1] = "--kmdata";
			av[2] = kmdata;
			av[3] = NULL;
			(void)run_command(&cmd_world_info_entry, av, 3);
		} else if (sub.n == 0) {
			erase();
			mvaddnstr(2, 2, _("Nothing to choose from here. Press a "
			    "key."), COLS - 4);
			refresh();
			(void)getch();
		} else {
			int	s = menu_choose(&sub, _("Up/Down choose, Enter "
			    "go, q back"));

			if (s >= 0 && strcmp(m.values[c], "training") == 0) {
				av[0] = "officiant training run";
				av[1] = sub.values[s];
				av[2] = NULL;
				(void)run_command(&cmd_training_run_entry, av,
				    2);
			} else if (s >= 0 && strcmp(m.values[c], "run") == 0) {
				ask_line(_("Where do the administrator cards go "
				    "in? (a slot directory, such as a USB stick's "
				    "mount point; Enter: none)"), slot,
				    sizeof(slot));
				av[0] = "officiant run";
				av[1] = "--kmdata";
				av[2] = kmdata;
				n = 3;
				if (*slot != '\0') {
					av[n++] = "--slot";
					av[n++] = slot;
				}
				av[n++] = sub.values[s];
				av[n] = NULL;
				(void)run_command(&cmd_run_entry, av, (int)n);
			} else if (s >= 0 && strcmp(m.values[c], "resume") ==
			    0) {
				av[0] = "officiant resume";
				av[1] = sub.values[s];
				av[2] = NULL;
				(void)run_command(&cmd_resume_entry, av, 2);
			} else if (s >= 0) {
				int	replay = strcmp(m.values[c], "replay") == 0;

				av[0] = replay ? "officiant replay" :
				    "officiant verify";
				av[1] = "--kmdata";
				av[2] = kmdata;
				av[3] = sub.values[s];
				av[4] = NULL;
				(void)run_command(replay ? &cmd_replay_entry :
				    &cmd_verify_entry, av, 4);
			}
		}
		menu_free(&sub);
		menu_free(&m);
	}
	endwin();
	return EXIT_OK;
}
