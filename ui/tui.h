/* The full-screen front end (ncursesw): the ceremony screen over the
 * engine. Line mode (fe-line.c) stays for pipes, CI and screen
 * readers; this one is for the people in the room. */
#ifndef OFF_TUI_H
#define OFF_TUI_H

#include "frontend.h"

struct off_engine;
struct off_slot;
struct tui;

/* Take the terminal: curses on, colours unless NO_COLOR. fe receives
 * the callback table the engine must talk through. NULL when the
 * terminal cannot be used (then fall back to line mode). */
struct tui	*tui_open(int training, struct off_frontend *fe);
/* Drive e to its end on the ceremony screen; returns what
 * off_engine_run would, with err set the same way. */
int		 tui_run(struct tui *t, struct off_engine *e,
		    struct off_err *err);
/* While slot waits for a card, the screen stays responsive: resize,
 * help, Ctrl-C (see struct off_slot's wake). */
void		 tui_slot(struct tui *t, struct off_slot *slot);
/* 1 when the terminal has gone away (hang-up). */
int		 tui_term_gone(void);
/* The terminal back as it was. */
void		 tui_close(struct tui **t);

/* For the other full screens (replay): curses on as tui_open has it,
 * cbreak (Ctrl-C stays a signal), no echo, the keypad, colours started
 * unless NO_COLOR or the terminal has none (*color), and whether the
 * locale is UTF-8 (*utf8). -1 when the terminal cannot be used. */
int		 tui_start(int *color, int *utf8);
/* How many of the len bytes of s fit in cols display columns; *used
 * (may be NULL) receives the columns they take. */
size_t		 tui_fit(const char *s, size_t len, int cols, int *used);

#endif
