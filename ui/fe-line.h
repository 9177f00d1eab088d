/* Line-mode front end: prompts on stdout, answers on stdin, PINs read
 * without echo when stdin is a terminal. For pipes, CI and screen
 * readers, and for everything until the full-screen UI exists. */
#ifndef OFF_FE_LINE_H
#define OFF_FE_LINE_H

#include <signal.h>

#include "frontend.h"

struct fe_line {
	int	tty;		/* stdin is a terminal */
	int	last_progress;
	unsigned prompts;	/* prompts so far, to number them */
	int	training;	/* say so on every prompt */
};

void	fe_line_init(struct off_frontend *fe, struct fe_line *state);
/* Set by SIGINT/SIGTERM; the waiting code returns OFF_ERR_INTERRUPTED. */
extern volatile sig_atomic_t fe_line_interrupted;
/* Which signal it was (SIGINT asks first; SIGTERM and SIGHUP do not). */
extern volatile sig_atomic_t fe_line_signal;
void	fe_line_signals(void);

#endif
