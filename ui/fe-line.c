#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "error.h"
#include "fe-line.h"
#include "i18n.h"

volatile sig_atomic_t fe_line_interrupted;
volatile sig_atomic_t fe_line_signal;

static void
on_signal(int sig)
{
	fe_line_signal = sig;
	fe_line_interrupted = 1;
}

/* No SA_RESTART: a blocking read or poll returns EINTR, the core backs
 * out cleanly and the terminal is restored. */
void
fe_line_signals(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* Read one line from fd 0 into buf, a byte at a time so that no stdio
 * buffer ever holds a PIN. The line ends at newline or EOF. */
static int
read_line(char *buf, size_t bufsz, size_t *len)
{
	size_t	n = 0;
	ssize_t	r;
	char	c;
	int	got = 0;

	for (;;) {
		r = read(STDIN_FILENO, &c, 1);
		if (r == -1 && errno == EINTR) {
			if (fe_line_interrupted)
				return OFF_ERR_INTERRUPTED;
			continue;
		}
		if (r == -1)
			return OFF_ERR_IO;
		if (r == 0)
			break;
		got = 1;
		if (c == '\n')
			break;
		if (c == '\r')
			continue;
		/* Keep one byte past the maximum so overlong is visible. */
		if (n + 1 < bufsz)
			buf[n++] = c;
	}
	c = 0;
	buf[n] = '\0';
	*len = n;
	return got ? 0 : OFF_ERR_CANCELLED;
}

static void
line_notice(void *arg, enum off_notice_level level, const char *msg)
{
	(void)arg;
	if (level == OFF_NOTICE_INFO)
		printf("%s\n", msg);
	else
		fprintf(stderr, "officiant: %s: %s\n",
		    /* TRANSLATORS: "officiant: warning: message". */
		    level == OFF_NOTICE_WARNING ? _("warning") : _("error"),
		    msg);
	fflush(stdout);
}

static int
line_ask_pin(void *arg, const struct off_pin_request *req, char *buf,
    size_t bufsz, size_t *len)
{
	struct fe_line	*st = arg;
	struct termios	 old, quiet;
	int		 ret, restore = 0;

	if (st->training)
		/* TRANSLATORS: before every prompt of a rehearsal; keep
		   the space at the end. */
		printf("%s", _("TRAINING "));
	switch (req->kind) {
	case OFF_PIN_NEW:
		/* TRANSLATORS: the card's index of the N cards being
		   written; the PIN is typed after the prompt. */
		printf(_("Card %u of %u: choose a PIN: "), req->index, req->n);
		break;
	case OFF_PIN_CONFIRM:
		printf(_("Card %u of %u: type the PIN again: "), req->index,
		    req->n);
		break;
	case OFF_PIN_ENTER:
		if (req->tries_left < 0)
			/* TRANSLATORS: a card whose token does not say
			   how many tries are left. */
			printf(_("Card %u: PIN: "), req->index);
		else
			printf(_("Card %u: PIN (%d tries left): "),
			    req->index, req->tries_left);
		break;
	case OFF_PIN_PASSPHRASE:
		printf("%s: ", req->label != NULL ? req->label :
		    /* TRANSLATORS: a prompt; ": " follows. */
		    _("Passphrase"));
		break;
	}
	fflush(stdout);
	if (st->tty && tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= (tcflag_t)~(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	/* The end of the input is no answer, not a refusal. */
	if ((ret = read_line(buf, bufsz, len)) == OFF_ERR_CANCELLED)
		ret = OFF_ERR_INTERRUPTED;
	if (restore)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	/* The typed line was not echoed: end the prompt line. */
	printf("\n");
	fflush(stdout);
	return ret;
}

static int
line_confirm(void *arg, const char *question)
{
	struct fe_line	*st = arg;
	char		 answer[16];
	size_t		 len;

	printf("[%u] %s%s [y/N] ", ++st->prompts, st->training ?
	    _("TRAINING ") : "", question);
	fflush(stdout);
	if (read_line(answer, sizeof(answer), &len) != 0) {
		/* No answer at all is not a "no". */
		printf("\n");
		return OFF_ERR_INTERRUPTED;
	}
	if (!st->tty)
		printf("%s\n", answer);
	return strcmp(answer, "y") == 0 || strcmp(answer, "yes") == 0 ?
	    0 : OFF_ERR_CANCELLED;
}

static int
line_ask_text(void *arg, const char *prompt, const char *help, char *buf,
    size_t bufsz)
{
	struct fe_line	*st = arg;
	size_t		 len;
	int		 ret;

	if (help != NULL && *help != '\0')
		printf("%s\n", help);
	printf("[%u] %s%s: ", ++st->prompts, st->training ? _("TRAINING ") :
	    "", prompt);
	fflush(stdout);
	if ((ret = read_line(buf, bufsz, &len)) == 0 && len + 1 >= bufsz)
		ret = OFF_ERR_TOO_LARGE;
	else if (ret == OFF_ERR_CANCELLED)
		ret = OFF_ERR_INTERRUPTED;
	/* Echo what was read when it did not come from a person typing. */
	if (ret == 0 && !st->tty)
		printf("%s\n", buf);
	fflush(stdout);
	return ret;
}

static void
line_card(void *arg, const struct off_card_info *i)
{
	(void)arg;
	switch (i->event) {
	case OFF_CARD_WANT_BLANK:
		printf(_("Insert a blank card for card %u of %u in %s\n"),
		    i->index, i->n, i->reader);
		break;
	case OFF_CARD_WANT:
		printf(_("Insert a card of world %.16s... (%u of %u accepted) "
		    "in %s\n"), i->world, i->have, i->need, i->reader);
		break;
	case OFF_CARD_DETECTED:
		printf(_("Card %u (%s) detected in %s\n"), i->index,
		    i->card_id, i->reader);
		break;
	case OFF_CARD_REFUSED:
		printf(_("Card refused (%s): %s\n"), i->reader, i->reason);
		break;
	case OFF_CARD_WRITTEN:
		printf(_("Card %u of %u (%s) written and verified\n"),
		    i->index, i->n, i->card_id);
		break;
	case OFF_CARD_ACCEPTED:
		printf(_("Card %u accepted (%u of %u)\n"), i->index, i->have,
		    i->need);
		break;
	case OFF_CARD_REMOVE:
		printf(_("Remove the card from %s\n"), i->reader);
		break;
	case OFF_CARD_REMOVED:
		printf(_("Card removed\n"));
		break;
	}
	fflush(stdout);
}

static void
line_progress(void *arg, const char *what, unsigned long done,
    unsigned long total)
{
	struct fe_line	*st = arg;
	int		 pct = total ? (int)(done * 100 / total) : 100;

	/* No total (RSA prime search): say it once. */
	if (total == 0) {
		if (done == 1) {
			printf("%s...\n", what);
			fflush(stdout);
		}
		return;
	}
	/* Print at most every 10% so logs stay short. */
	if (done != total && pct / 10 == st->last_progress / 10)
		return;
	st->last_progress = done == total ? -10 : pct;
	printf("%s: %lu/%lu\n", what, done, total);
	fflush(stdout);
}

void
fe_line_init(struct off_frontend *fe, struct fe_line *st)
{
	memset(st, 0, sizeof(*st));
	st->tty = isatty(STDIN_FILENO);
	st->last_progress = -10;
	memset(fe, 0, sizeof(*fe));
	fe->arg = st;
	fe->notice = line_notice;
	fe->ask_pin = line_ask_pin;
	fe->confirm = line_confirm;
	fe->ask_text = line_ask_text;
	fe->card = line_card;
	fe->progress = line_progress;
}
