/* Answer a line-mode ceremony by what it asks, for the crash and fault
 * tests: a resumed ceremony asks again what its unfinished step asked,
 * so its answers cannot be a fixed list.
 *
 *   converse [-k N] [-c FILE] [-t SECONDS] PATTERN=ANSWER... -- COMMAND...
 *
 * (the options and the rules in any order before "--")
 *
 * Runs COMMAND with its standard input and output on pipes, copies its
 * output to ours, and whenever it stops at a prompt (a line not yet
 * ended that ends in ": " or "] ") answers with the ANSWER of the first
 * PATTERN the prompt contains. -k N kills COMMAND (SIGKILL) at its
 * prompt number N instead of answering it (counting from 0); -c FILE
 * writes the number of prompts answered to FILE. A prompt no PATTERN
 * matches, no output for SECONDS (default 30) or more than 200 prompts
 * (a question asked again and again) kill COMMAND and fail. Exits with
 * COMMAND's status, 128 + the signal that ended it, 124 on a timeout,
 * 123 on an unknown prompt or 122 on too many. */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_RULES	32

static const char	*pat[MAX_RULES], *ans[MAX_RULES];
static int		 nrules;

static void
usage(void)
{
	fprintf(stderr, "usage: converse [-k N] [-c FILE] [-t SECONDS] "
	    "PATTERN=ANSWER... -- COMMAND...\n");
	exit(2);
}

static int
is_prompt(const char *tail, size_t len)
{
	return len >= 2 && tail[len - 1] == ' ' && (tail[len - 2] == ':' ||
	    tail[len - 2] == ']');
}

static void
write_all(int fd, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

int
main(int argc, char **argv)
{
	char		 tail[8192], buf[4096], *eq;
	size_t		 tlen = 0;
	long		 kill_at = -1, prompts = 0, timeout = 30;
	const char	*count_file = NULL;
	int		 in[2], out[2], i, ai, st, acted = 0, ret = -1;
	int		 unknown = 0;
	pid_t		 pid;
	ssize_t		 n;

	/* Options and rules in any order, up to "--". */
	for (ai = 1; ai < argc && strcmp(argv[ai], "--") != 0;
	    ai++) {
		const char	*a = argv[ai], *v;

		if (a[0] == '-' && strchr("kct", a[1]) != NULL && a[1] != '\0') {
			if (a[2] != '\0')
				v = a + 2;
			else if (ai + 1 < argc)
				v = argv[++ai];
			else
				usage();
			if (a[1] == 'k')
				kill_at = atol(v);
			else if (a[1] == 'c')
				count_file = v;
			else
				timeout = atol(v);
			continue;
		}
		if ((eq = strchr(argv[ai], '=')) == NULL ||
		    nrules == MAX_RULES)
			usage();
		*eq = '\0';
		pat[nrules] = argv[ai];
		ans[nrules++] = eq + 1;
	}
	if (ai + 1 >= argc)
		usage();
	signal(SIGPIPE, SIG_IGN);
	if (pipe(in) != 0 || pipe(out) != 0) {
		perror("converse: pipe");
		return 2;
	}
	if ((pid = fork()) == -1) {
		perror("converse: fork");
		return 2;
	}
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execvp(argv[ai + 1], argv + ai + 1);
		perror("converse: exec");
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	for (;;) {
		struct pollfd	pfd = { out[0], POLLIN, 0 };
		int		r = poll(&pfd, 1, unknown ? 500 :
				    (int)(timeout * 1000));

		if (r == -1 && errno == EINTR)
			continue;
		if (r == 0 && unknown) {
			/* Not the start of a longer prompt either. */
			fprintf(stderr, "converse: unexpected prompt \"%s\"\n",
			    tail);
			kill(pid, SIGKILL);
			ret = 123;
			break;
		}
		if (r == 0) {
			tail[tlen] = '\0';
			fprintf(stderr, "converse: no answer after %ld s; "
			    "last output: \"%s\"\n", timeout, tail);
			kill(pid, SIGKILL);
			ret = 124;
			break;
		}
		if ((n = read(out[0], buf, sizeof(buf))) == -1 &&
		    errno == EINTR)
			continue;
		if (n <= 0)
			break;
		write_all(1, buf, (size_t)n);
		for (i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				tlen = 0;
				acted = 0;
			} else if (tlen < sizeof(tail) - 1)
				tail[tlen++] = buf[i];
		}
		unknown = 0;
		if (acted || !is_prompt(tail, tlen))
			continue;
		tail[tlen] = '\0';
		for (i = 0; i < nrules; i++)
			if (strstr(tail, pat[i]) != NULL)
				break;
		unknown = i == nrules;
		if (unknown)
			continue;
		acted = 1;
		if (prompts >= 200) {
			fprintf(stderr, "converse: 200 prompts; the last: "
			    "\"%s\"\n", tail);
			kill(pid, SIGKILL);
			ret = 122;
			break;
		}
		if (prompts == kill_at) {
			kill(pid, SIGKILL);
			break;
		}
		prompts++;
		write_all(in[1], ans[i], strlen(ans[i]));
		write_all(in[1], "\n", 1);
	}
	fflush(stdout);
	close(in[1]);
	close(out[0]);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			perror("converse: waitpid");
			return 2;
		}
	if (count_file != NULL) {
		FILE	*f = fopen(count_file, "w");

		if (f != NULL) {
			fprintf(f, "%ld\n", prompts);
			fclose(f);
		}
	}
	if (ret != -1)
		return ret;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
