/* Run a full-screen program on a pseudo-terminal of its own and time
 * its first frame; optionally measure the CPU it uses while it waits:
 *   ptyrun [-n REPS] [-c COLS] [-r ROWS] [-m MARKER] [-g GAP_MS]
 *          [-i IDLE_S] [-k KEYS] -- CMD...
 * For each run: the time to its first byte of output, to MARKER in the
 * output, and to the last byte before GAP_MS (default 200) of silence
 * after it (the frame is drawn: the program waits). With -i, the CPU
 * time (/proc/PID/stat utime+stime, and schedstat's nanoseconds) and
 * wake-ups (voluntary context switches) over IDLE_S seconds of that
 * wait. Then KEYS (default "q") are typed, one every 200 ms, and the
 * program must end; its peak memory is wait4()'s. */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define OUT_MAX	(1024 * 1024)

static char	out[OUT_MAX];
static size_t	outlen;
static double	first_byte, last_byte;

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read what the program wrote within ms; -1 at its end (EIO). */
static int
drain(int fd, int ms)
{
	struct pollfd	p = { fd, POLLIN, 0 };
	char		buf[4096];
	ssize_t		n;
	int		got = 0;

	if (poll(&p, 1, ms) <= 0)
		return 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		last_byte = now();
		if (first_byte < 0)
			first_byte = last_byte;
		if (outlen + (size_t)n <= sizeof(out)) {
			memcpy(out + outlen, buf, (size_t)n);
			outlen += (size_t)n;
		}
		got = 1;
		if (poll(&p, 1, 0) <= 0)
			break;
	}
	if (n == -1 && errno == EIO)
		return -1;
	return got;
}

struct cpu {
	double		ticks;	/* utime + stime, in seconds */
	double		sched;	/* on the processor, schedstat */
	long		wakeups;
};

static int
cpu(pid_t pid, struct cpu *c)
{
	char			 path[64], buf[4096], *p;
	unsigned long long	 ns;
	unsigned long		 ut, st;
	FILE			*f;
	int			 i, ok = 0;

	memset(c, 0, sizeof(*c));
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(buf, sizeof(buf), f) != NULL &&
		    (p = strrchr(buf, ')')) != NULL) {
			/* Fields 3 to 13, then utime and stime. */
			for (i = 0, p++; i < 11 && p != NULL; i++)
				p = strchr(p + 1, ' ');
			if (p != NULL && sscanf(p, " %lu %lu", &ut, &st) == 2) {
				c->ticks = (double)(ut + st) /
				    (double)sysconf(_SC_CLK_TCK);
				ok++;
			}
		}
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%ld/schedstat", (long)pid);
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%llu", &ns) == 1) {
			c->sched = (double)ns / 1e9;
			ok++;
		}
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) != NULL) {
		while (fgets(buf, sizeof(buf), f) != NULL)
			if (sscanf(buf, "voluntary_ctxt_switches: %ld",
			    &c->wakeups) == 1)
				ok++;
		fclose(f);
	}
	return ok == 3 ? 0 : -1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: ptyrun [-n REPS] [-c COLS] [-r ROWS] "
	    "[-m MARKER] [-g GAP_MS] [-i IDLE_S] [-k KEYS] -- CMD...\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct winsize	 ws;
	struct rusage	 ru;
	struct cpu	 c0, c1;
	const char	*marker = NULL, *keys = "q", *k;
	double		 t0, first, seen, frame, idle = 0, end;
	long		 reps = 1, i;
	pid_t		 pid;
	int		 c, fd, gap = 200, status = 0, got, bad = 0, code;

	memset(&ws, 0, sizeof(ws));
	ws.ws_col = 80;
	ws.ws_row = 24;
	while ((c = getopt(argc, argv, "n:c:r:m:g:i:k:")) != -1) {
		switch (c) {
		case 'n':
			reps = strtol(optarg, NULL, 10);
			break;
		case 'c':
			ws.ws_col = (unsigned short)strtoul(optarg, NULL, 10);
			break;
		case 'r':
			ws.ws_row = (unsigned short)strtoul(optarg, NULL, 10);
			break;
		case 'm':
			marker = optarg;
			break;
		case 'g':
			gap = (int)strtol(optarg, NULL, 10);
			break;
		case 'i':
			idle = strtod(optarg, NULL);
			break;
		case 'k':
			keys = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc || reps < 1 || gap < 1)
		usage();
	for (i = 0; i < reps; i++) {
		outlen = 0;
		first_byte = last_byte = seen = frame = -1;
		t0 = now();
		if ((pid = forkpty(&fd, NULL, NULL, &ws)) == -1) {
			perror("ptyrun: forkpty");
			return 1;
		}
		if (pid == 0) {
			execvp(argv[optind], argv + optind);
			_exit(127);
		}
		/* The first byte, the marker, then silence: the frame. */
		while (now() - t0 < 30 && (got = drain(fd, gap)) >= 0) {
			if (got > 0) {
				if (marker != NULL && seen < 0 && memmem(out,
				    outlen, marker, strlen(marker)) != NULL)
					seen = last_byte - t0;
			} else if (first_byte >= 0 && (marker == NULL ||
			    seen >= 0)) {
				frame = last_byte - t0;
				break;
			}
		}
		first = first_byte >= 0 ? first_byte - t0 : -1;
		if (frame < 0) {
			fprintf(stderr, "ptyrun: no frame%s%s within 30 s\n",
			    marker != NULL ? " showing " : "",
			    marker != NULL ? marker : "");
			bad = 1;
		}
		printf("first %.6f marker %.6f frame %.6f", first, seen,
		    frame);
		if (idle > 0 && frame >= 0 && cpu(pid, &c0) == 0) {
			end = now() + idle;
			while (now() < end && drain(fd, (int)((end - now()) *
			    1000) + 1) >= 0)
				;
			if (cpu(pid, &c1) == 0)
				printf(" idle %.3f cpu_ticks %.6f cpu_sched "
				    "%.6f wakeups %ld", idle, c1.ticks -
				    c0.ticks, c1.sched - c0.sched,
				    c1.wakeups - c0.wakeups);
		}
		/* Type the keys, then wait for the end, stopping it if it
		 * does not come. */
		for (k = keys; *k != '\0'; k++) {
			if (write(fd, k, 1) != 1)
				break;
			end = now() + 0.2;
			while (now() < end && drain(fd, 50) >= 0)
				;
		}
		end = now() + 5;
		memset(&ru, 0, sizeof(ru));
		while (wait4(pid, &status, WNOHANG, &ru) == 0) {
			if (now() > end) {
				kill(pid, now() > end + 2 ? SIGKILL : SIGTERM);
				bad = 1;
			}
			if (drain(fd, 50) < 0)
				usleep(10000);
		}
		close(fd);
		code = WIFEXITED(status) ? WEXITSTATUS(status) :
		    128 + WTERMSIG(status);
		printf(" maxrss %ld exit %d\n", ru.ru_maxrss, code);
		fflush(stdout);
	}
	return bad;
}
