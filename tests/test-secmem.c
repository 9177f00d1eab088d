/* Unit tests of locked memory (secmem.h) and of the wiping the rest of
 * the program relies on: every byte of a secure allocation is zero when
 * off_secfree releases it (seen through the release hook), for the test's
 * own allocations and for those the card and Shamir code makes; the
 * pages are locked, kept out of core dumps and wiped in a forked child;
 * the guard pages on both sides fault (in a forked child); off_wipe is
 * not optimised away, even on a buffer that dies right after it; and
 * jansson, once off_json_init has run, wipes every block it frees (the
 * test is linked with -Wl,--wrap=free to look at them). */
#include "config.h"

#include <sys/mman.h>
#include <sys/wait.h>

#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>

#include "card.h"
#include "error.h"
#include "json.h"
#include "platform.h"
#include "secmem.h"
#include "shamir.h"
#include "testlib.h"

/* ---------------------------------------------------------------- */
/* What the release hook saw. */

static struct {
	unsigned	 calls;		/* releases seen */
	unsigned	 dirty;		/* of which not all zero */
	const uint8_t	*last;		/* the last release's pages */
	size_t		 last_len;
	size_t		 bytes;		/* in all */
} seen;

static void
on_release(const void *pages, size_t len)
{
	const volatile uint8_t	*p = pages;
	size_t			 i;

	seen.calls++;
	seen.last = pages;
	seen.last_len = len;
	seen.bytes += len;
	for (i = 0; i < len; i++)
		if (p[i] != 0) {
			seen.dirty++;
			break;
		}
}

static int
hook_setup(void **state)
{
	(void)state;
	memset(&seen, 0, sizeof(seen));
	assert_null(off_secmem_set_release_hook(on_release));
	return 0;
}

static int
hook_teardown(void **state)
{
	(void)state;
	assert_ptr_equal(off_secmem_set_release_hook(NULL), on_release);
	return 0;
}

static size_t
pagesz(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* ---------------------------------------------------------------- */

/* Allocations of every awkward size: zero-filled, usable to the last
 * byte, and all zero, from the first page to the last, when released;
 * the pointer handed out lies inside what is released. */
static void
test_released_zero(void **state)
{
	const size_t	 ps = pagesz();
	const size_t	 sizes[] = { 1, 15, 16, 17, 32, 255, ps - 64, ps - 32,
	    ps - 1, ps, ps + 1, 3 * ps + 7, 64 * 1024 };
	uint8_t		*p, *kept;
	size_t		 i, j;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p = off_secalloc(sizes[i]);
		assert_non_null(p);
		assert_int_equal(off_secsize(p), sizes[i]);
		assert_int_equal((uintptr_t)p % 16, 0);
		for (j = 0; j < sizes[i]; j++)
			assert_int_equal(p[j], 0);
		memset(p, 0xa5, sizes[i]);
		kept = p;
		off_secfree(&p);
		assert_null(p);
		assert_int_equal(seen.calls, i + 1);
		assert_int_equal(seen.dirty, 0);
		/* Whole pages, holding the caller's bytes. */
		assert_int_equal(seen.last_len % ps, 0);
		assert_int_equal((uintptr_t)seen.last % ps, 0);
		assert_true(kept > seen.last);
		assert_true(kept + sizes[i] <= seen.last + seen.last_len);
	}
	/* NULL and a pointer to NULL are nothing to release. */
	off_secfree(NULL);
	p = NULL;
	off_secfree(&p);
	assert_int_equal(seen.calls, sizeof(sizes) / sizeof(sizes[0]));
	/* Too large or empty: refused, not half-made. */
	assert_null(off_secalloc(0));
	assert_null(off_secalloc(SIZE_MAX));
}

/* The card and Shamir code keep shares, PIN-derived keys and
 * polynomials in secure memory and release it wiped: every release of
 * a card made, opened with a wrong and the right PIN, and resealed,
 * and of a split and combine, is all zero. */
static void
test_library_releases_zero(void **state)
{
	static const uint8_t	 world[OFF_WORLD_ID_LEN] = { 0x77, 1, 2, 3 };
	static const uint8_t	 set[OFF_CARD_ID_LEN] = { 0x55, 9, 8, 7 };
	struct off_card_params	 cp;
	struct off_share	*shares, *out;
	const struct off_share	*pick[2];
	struct off_card		*card = NULL;
	uint8_t			*secret, *back, commit[OFF_COMMIT_LEN];
	unsigned		 before;
	size_t			 i;

	(void)state;
	shares = off_secalloc(3 * sizeof(*shares));
	out = off_secalloc(sizeof(*out));
	secret = off_secalloc(OFF_SECRET_LEN);
	back = off_secalloc(OFF_SECRET_LEN);
	assert_true(shares != NULL && out != NULL && secret != NULL &&
	    back != NULL);
	for (i = 0; i < OFF_SECRET_LEN; i++)
		secret[i] = (uint8_t)(0xc0 + i);
	before = seen.calls;
	assert_int_equal(off_shamir_split(secret, 2, 3, shares, NULL), 0);
	assert_int_equal(off_shamir_commit(world, sizeof(world), secret,
	    commit), 0);
	pick[0] = &shares[2];
	pick[1] = &shares[0];
	assert_int_equal(off_shamir_combine(pick, 2, world, sizeof(world),
	    commit, back, NULL), 0);
	assert_memory_equal(secret, back, OFF_SECRET_LEN);

	memset(&cp, 0, sizeof(cp));
	cp.world = world;
	cp.card_set = set;
	cp.k = 2;
	cp.n = 3;
	cp.tries = 5;
	cp.kdf_log2_n = 10;
	assert_int_equal(off_card_new(&cp, &shares[1], "7391826450", 10,
	    &card, NULL), 0);
	assert_int_not_equal(off_card_open(card, "0000000000", 10, out, NULL),
	    0);
	assert_int_equal(off_card_open(card, "7391826450", 10, out, NULL), 0);
	assert_memory_equal(out->y, shares[1].y, OFF_SECRET_LEN);
	assert_int_equal(off_card_reseal(card, out, "8264502773", 10, NULL),
	    0);
	assert_int_equal(off_card_open(card, "8264502773", 10, out, NULL), 0);
	off_card_free(&card);
	/* The library released secure memory of its own, all of it wiped. */
	assert_true(seen.calls > before + 4);
	assert_int_equal(seen.dirty, 0);

	off_secfree(&shares);
	off_secfree(&out);
	off_secfree(&secret);
	off_secfree(&back);
	assert_int_equal(seen.dirty, 0);
}

/* ---------------------------------------------------------------- */
/* The pages: locked, out of core dumps, wiped on fork; guarded. */

/* The VmFlags line of the mapping of /proc/self/smaps holding p, into
 * flags. */
static void
smaps_flags(const void *p, char *flags, size_t len)
{
	FILE		*f;
	char		 line[512];
	unsigned long	 lo, hi;
	int		 in = 0;

	flags[0] = '\0';
	f = fopen("/proc/self/smaps", "r");
	if (f == NULL)
		skip();
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = (uintptr_t)p >= lo && (uintptr_t)p < hi;
			continue;
		}
		if (in && strncmp(line, "VmFlags:", 8) == 0) {
			if (strlen(line + 8) >= len)
				break;
			memcpy(flags, line + 8, strlen(line + 8) + 1);
			break;
		}
	}
	fclose(f);
}

static int
has_flag(const char *flags, const char *flag)
{
	char	word[8];

	snprintf(word, sizeof(word), " %s", flag);
	return strstr(flags, word) != NULL;
}

/* proc(5) smaps VmFlags: lo (locked: never swapped), dd (not in a
 * core dump), wf (wiped in a forked child), where the kernel knows
 * them. */
static void
test_pages_locked(void **state)
{
	uint8_t	*p;
	char	 flags[256];

	(void)state;
	p = off_secalloc(100);
	assert_non_null(p);
	smaps_flags(p, flags, sizeof(flags));
	if (flags[0] == '\0') {
		off_secfree(&p);
		skip();
	}
	/* AddressSanitizer makes mlock do nothing. */
#if !defined(OFF_SANITIZERS) && !defined(__SANITIZE_ADDRESS__)
	if (!has_flag(flags, "lo"))
		fail_msg("secure memory not locked: VmFlags%s", flags);
#endif
#ifdef MADV_DONTDUMP
	if (!has_flag(flags, "dd"))
		fail_msg("secure memory would be in a core dump: VmFlags%s",
		    flags);
#endif
#ifdef MADV_WIPEONFORK
	if (!has_flag(flags, "wf"))
		fail_msg("secure memory not wiped on fork: VmFlags%s", flags);
#endif
	off_secfree(&p);
}

/* A forked child sees the secure pages zero-filled (MADV_WIPEONFORK),
 * so a helper started with fork cannot inherit a secret. */
static void
test_wiped_in_child(void **state)
{
	uint8_t	*p;
	pid_t	 pid;
	int	 st;
	size_t	 i;

	(void)state;
#ifndef MADV_WIPEONFORK
	skip();
#endif
	p = off_secalloc(64);
	assert_non_null(p);
	memset(p, 0x5a, 64);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		for (i = 0; i < 64; i++)
			if (p[i] != 0)
				_exit(1);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(p[63], 0x5a);	/* the parent keeps its copy */
	off_secfree(&p);
}

/* Read or write p[off] in a forked child: 0 when it came back, 1 when
 * it died of SIGSEGV or SIGBUS (or, in a sanitizer build whose handler
 * reports the fault, exited with an error). */
static int
faults(uint8_t *p, ptrdiff_t off, int write)
{
	pid_t	pid;
	int	st;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		volatile uint8_t	*q = p + off;
		struct sigaction	 sa;

		/* The child's death is expected: no core, no report. */
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigaction(SIGSEGV, &sa, NULL);
		sigaction(SIGBUS, &sa, NULL);
		if (write)
			*q = 1;
		else
			(void)*q;
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFSIGNALED(st) && (WTERMSIG(st) == SIGSEGV ||
	    WTERMSIG(st) == SIGBUS))
		return 1;
#if defined(OFF_SANITIZERS) || defined(__SANITIZE_ADDRESS__)
	if (WIFEXITED(st))
		return 1;
#endif
	fail_msg("child ended with status %#x", (unsigned)st);
	return -1;
}

/* The byte after the last page of data and the byte before the first
 * (in front of the header) are in guard pages: reading or writing
 * them faults. The last byte of the slack and the first byte of the
 * data do not. */
static void
test_guard_pages(void **state)
{
	const size_t	 ps = pagesz();
	const size_t	 sizes[] = { 1, 100, ps - 32, ps, 2 * ps + 3 };
	uint8_t		*p, *first, *end;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p = off_secalloc(sizes[i]);
		assert_non_null(p);
		/* The data pages: from the page holding the header to the
		 * page end after the caller's last byte. */
		first = (uint8_t *)((uintptr_t)p / ps * ps);
		end = (uint8_t *)(((uintptr_t)(p + sizes[i]) + ps - 1) / ps *
		    ps);
		assert_int_equal(faults(p, 0, 1), 0);
		assert_int_equal(faults(p, (ptrdiff_t)sizes[i] - 1, 1), 0);
		assert_int_equal(faults(p, end - 1 - p, 1), 0);
		assert_int_equal(faults(p, first - p, 0), 0);
		assert_int_equal(faults(p, end - p, 1), 1);
		assert_int_equal(faults(p, end - p, 0), 1);
		assert_int_equal(faults(p, end + ps - 1 - p, 1), 1);
		assert_int_equal(faults(p, first - 1 - p, 1), 1);
		assert_int_equal(faults(p, first - 1 - p, 0), 1);
		assert_int_equal(faults(p, first - (ptrdiff_t)ps - p, 1), 1);
		off_secfree(&p);
	}
}

/* A pointer that is not secure memory, or whose header was overwritten
 * (an underrun), is refused with abort(), not released. */
static void
test_bad_free_aborts(void **state)
{
	uint8_t	*p;
	pid_t	 pid;
	int	 st;

	(void)state;
	p = off_secalloc(32);
	assert_non_null(p);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* The header starts the page the data is on. */
		uint8_t	*hdr = (uint8_t *)((uintptr_t)p / pagesz() * pagesz());

		signal(SIGABRT, SIG_DFL);
		hdr[0] ^= 0xff;		/* its magic number */
		off_secfree(&p);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGABRT);
	off_secfree(&p);
}

/* ---------------------------------------------------------------- */
/* off_wipe */

/* Wipes exactly what it is given, no byte more. */
static void
test_wipe_exact(void **state)
{
	uint8_t	*p;
	size_t	 i;

	(void)state;
	p = off_secalloc(64);
	assert_non_null(p);
	memset(p, 0xee, 64);
	off_wipe(p + 8, 40);
	for (i = 0; i < 64; i++)
		assert_int_equal(p[i], i < 8 || i >= 48 ? 0xee : 0);
	off_wipe(NULL, 10);
	off_wipe(p, 0);
	assert_int_equal(p[0], 0xee);
	off_secfree(&p);
}

/* A secret on the stack of a function that returns right after
 * wiping it: a store the compiler could drop as dead (it would drop a
 * plain memset here). The caller looks at the dead frame at once,
 * through a volatile pointer, before any other call can reuse it. */
static volatile uintptr_t dead_frame;

static void __attribute__((noinline))
secret_on_stack(uint8_t fill)
{
	uint8_t	secret[256];

	memset(secret, fill, sizeof(secret));
	/* Keep the fill: the frame is used for something. */
	__asm__ __volatile__("" : : "r"(secret) : "memory");
	dead_frame = (uintptr_t)secret;
	off_wipe(secret, sizeof(secret));
}

/* AddressSanitizer may keep the frame on a fake stack and poison it on
 * return: this one look is on purpose. */
static void __attribute__((noinline, no_sanitize_address))
look_at_dead_frame(uint8_t *copy, size_t len)
{
	const volatile uint8_t	*q = (const volatile uint8_t *)dead_frame;
	size_t			 i;

	for (i = 0; i < len; i++)
		copy[i] = q[i];
}

static void
test_wipe_not_elided(void **state)
{
	uint8_t	copy[256];
	size_t	i, left = 0;

	(void)state;
	secret_on_stack(0xa7);
	look_at_dead_frame(copy, sizeof(copy));
	for (i = 0; i < sizeof(copy); i++)
		left += copy[i] == 0xa7;
	/* The frame is below the stack pointer now, so a signal handler
	 * could have run over part of it, but none of the secret is left
	 * in it. */
	assert_int_equal(left, 0);
}

/* ---------------------------------------------------------------- */
/* jansson's blocks, wiped by the allocator off_json_init installs. */

void	__real_free(void *);
void	__wrap_free(void *);

static volatile int watch_frees;	/* look at each block freed */
static volatile unsigned frees_seen, frees_dirty;

void
__wrap_free(void *p)
{
	const volatile uint8_t	*q = p;
	size_t			 i, n;

	if (watch_frees && p != NULL) {
		frees_seen++;
		n = malloc_usable_size(p);
		for (i = 0; i < n; i++)
			if (q[i] != 0) {
				frees_dirty++;
				break;
			}
	}
	__real_free(p);
}

/* A parsed document holding secret strings and a packed one: when
 * they are released, every block jansson frees (strings, objects,
 * hash tables, arrays) is all zero. A plain malloc'd block freed while
 * watching is seen as not wiped: the watch works. */
static void
test_json_wiped(void **state)
{
	static const char	 doc[] = "{\"pin\": \"7391826450\", \"share\": "
	    "\"c2VjcmV0IHNoYXJlIG9mIGEgY2FyZA==\", \"list\": [1, 2, "
	    "\"five-thousand-and-twenty-seven\"], \"nested\": {\"a\": "
	    "\"8264502773\"}}";
	json_t			*root, *packed;
	json_error_t		 jerr;
	char			*text, *plain;

	(void)state;
	root = json_loads(doc, 0, &jerr);
	assert_non_null(root);
	packed = json_pack("{s:s, s:[s, s]}", "passphrase",
	    "hygiene-passphrase-5027", "more", "one secret", "two secrets");
	assert_non_null(packed);
	text = json_dumps(root, JSON_COMPACT);
	assert_non_null(text);

	watch_frees = 1;
	json_decref(root);
	json_decref(packed);
	watch_frees = 0;
	assert_true(frees_seen >= 8);
	assert_int_equal(frees_dirty, 0);

	/* The watch does see a block that is not wiped. */
	plain = malloc(32);
	assert_non_null(plain);
	memset(plain, 0x41, 32);
	/* Or the compiler drops malloc, memset and free together. */
	__asm__ __volatile__("" : : "r"(plain) : "memory");
	frees_seen = frees_dirty = 0;
	watch_frees = 1;
	free(plain);
	watch_frees = 0;
	assert_int_equal(frees_seen, 1);
	assert_int_equal(frees_dirty, 1);

	/* What json_dumps returned is the caller's to wipe; the program
	 * frees such text through the same free function. */
	off_wipe(text, strlen(text));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_released_zero,
		    hook_setup, hook_teardown),
		cmocka_unit_test_setup_teardown(test_library_releases_zero,
		    hook_setup, hook_teardown),
		cmocka_unit_test(test_pages_locked),
		cmocka_unit_test(test_wiped_in_child),
		cmocka_unit_test(test_guard_pages),
		cmocka_unit_test(test_bad_free_aborts),
		cmocka_unit_test(test_wipe_exact),
		cmocka_unit_test(test_wipe_not_elided),
		cmocka_unit_test(test_json_wiped),
	};

	if (off_platform_harden() != 0) {
		fprintf(stderr, "off_platform_harden failed\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
