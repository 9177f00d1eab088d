/* Run a command REPS times and print, for each run, its wall time, CPU
 * time and peak memory as wait4() reports them for that child alone:
 *   run [-n REPS] [-t SECONDS] [-i INPUT] [-o OUTPUT] [-x STATUS]
 *       [-e NAME=VALUE]... -- CMD...
 * Input comes from INPUT (opened afresh for each run; default
 * /dev/null), output goes to OUTPUT (default /dev/null, stderr too);
 * the command alone gets the -e variables (LD_PRELOAD, say).
 * A run that takes longer than SECONDS is killed and reported as a
 * timeout. Exit 0 when every run exited with STATUS (default 0). */
#include "config.h"

#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
tv(const struct timeval *t)
{
	return (double)t->tv_sec + (double)t->tv_usec / 1e6;
}

static void
usage(void)
{
	fprintf(stderr, "usage: run [-n REPS] [-t SECONDS] [-i INPUT] "
	    "[-o OUTPUT] [-x STATUS] [-e NAME=VALUE]... -- CMD...\n");
	exit(2);
}

/* One run; 0, or -1 when it had to be killed. */
#define ENV_MAX	16

static char	*env[ENV_MAX];
static int	 nenv;

static int
one(char **cmd, const char *input, const char *output, double limit,
    double *wall, struct rusage *ru, int *status)
{
	struct timespec	 ts;
	sigset_t	 chld;
	pid_t		 pid;
	double		 t, left;
	int		 fd, killed = 0, i;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	t = now();
	if ((pid = fork()) == -1) {
		perror("run: fork");
		exit(1);
	}
	if (pid == 0) {
		setpgid(0, 0);
		sigprocmask(SIG_UNBLOCK, &chld, NULL);
		if ((fd = open(input, O_RDONLY)) == -1 ||
		    dup2(fd, STDIN_FILENO) == -1)
			_exit(126);
		if ((fd = open(output, O_WRONLY | O_CREAT | O_APPEND,
		    0600)) == -1 || dup2(fd, STDOUT_FILENO) == -1 ||
		    dup2(fd, STDERR_FILENO) == -1)
			_exit(126);
		for (i = 0; i < nenv; i++)
			if (putenv(env[i]) != 0)
				_exit(126);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	/* SIGCHLD is blocked: wait for it with a deadline. */
	for (;;) {
		if (wait4(pid, status, WNOHANG, ru) == pid)
			break;
		left = limit - (now() - t);
		if (left <= 0) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			wait4(pid, status, 0, ru);
			killed = 1;
			break;
		}
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		if (sigtimedwait(&chld, NULL, &ts) == -1 && errno != EAGAIN &&
		    errno != EINTR) {
			perror("run: sigtimedwait");
			exit(1);
		}
	}
	*wall = now() - t;
	return killed ? -1 : 0;
}

int
main(int argc, char *argv[])
{
	struct rusage	 ru;
	sigset_t	 chld;
	const char	*input = "/dev/null", *output = "/dev/null";
	double		 limit = 3600, wall;
	long		 reps = 1, i;
	int		 c, want = 0, status, bad = 0, code;

	while ((c = getopt(argc, argv, "n:t:i:o:x:e:")) != -1) {
		switch (c) {
		case 'e':
			if (nenv == ENV_MAX || strchr(optarg, '=') == NULL)
				usage();
			env[nenv++] = optarg;
			break;
		case 'n':
			reps = strtol(optarg, NULL, 10);
			break;
		case 't':
			limit = strtod(optarg, NULL);
			break;
		case 'i':
			input = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'x':
			want = (int)strtol(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (optind >= argc || reps < 1 || limit <= 0)
		usage();
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	for (i = 0; i < reps; i++) {
		memset(&ru, 0, sizeof(ru));
		if (one(argv + optind, input, output, limit, &wall, &ru,
		    &status) != 0) {
			printf("wall %.6f timeout 1\n", wall);
			bad = 1;
			continue;
		}
		code = WIFEXITED(status) ? WEXITSTATUS(status) :
		    128 + WTERMSIG(status);
		printf("wall %.6f user %.6f sys %.6f maxrss %ld exit %d\n",
		    wall, tv(&ru.ru_utime), tv(&ru.ru_stime), ru.ru_maxrss,
		    code);
		fflush(stdout);
		if (code != want)
			bad = 1;
	}
	return bad;
}
