/* The file card slot and drawer: waiting with inotify, removal,
 * replacement, two cards in one slot, a card removed before a write. */
#include "config.h"

#include <sys/wait.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "error.h"
#include "fe-script.h"
#include "fileio.h"
#include "platform.h"
#include "slot.h"

static int
setup(void **state)
{
	*state = test_tmpdir();
	return 0;
}

static int
teardown(void **state)
{
	test_rmtree(*state);
	free(*state);
	return 0;
}

/* In a child: after ms, create (or remove) path. */
static pid_t
later(int ms, const char *path, int create)
{
	pid_t	pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		usleep((useconds_t)ms * 1000);
		if (create)
			(void)off_file_write(path, "", 0, OFF_WRITE_REPLACE,
			    NULL);
		else
			unlink(path);
		_exit(0);
	}
	return pid;
}

static void
reap(pid_t pid)
{
	int	status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
}

static void
test_slot_wait_insert_remove(void **state)
{
	const char	*dir = *state;
	struct off_slot	*slot = NULL;
	struct off_err	 err;
	char		 path[PATH_MAX], *data = NULL;
	size_t		 len = 1;
	unsigned	 reader = 99;
	pid_t		 pid;

	snprintf(path, sizeof(path), "%s/stick.card", dir);
	assert_int_equal(off_slot_open(&slot, "file", dir, &err), 0);
	assert_true(slot->ops->manual(slot));
	/* Nothing inserted: a time-out, not a busy loop. */
	assert_int_equal(slot->ops->next(slot, 0, NULL, 100, &reader, &err),
	    OFF_ERR_TIMEOUT);
	pid = later(150, path, 1);
	assert_int_equal(slot->ops->next(slot, 1, NULL, 5000, &reader, &err),
	    0);
	reap(pid);
	assert_int_equal(reader, 0);
	assert_string_equal(slot->ops->reader_name(slot, reader), path);
	assert_int_equal(slot->ops->read(slot, reader, &data, &len, &err), 0);
	assert_int_equal(len, 0);	/* blank */
	free(data);
	/* Still there: removal times out. */
	assert_int_equal(slot->ops->wait_removed(slot, reader, 100, &err),
	    OFF_ERR_TIMEOUT);
	pid = later(150, path, 0);
	assert_int_equal(slot->ops->wait_removed(slot, reader, 5000, &err), 0);
	reap(pid);
	off_slot_close(&slot);
	assert_null(slot);
}

static void
test_slot_write_needs_the_same_card(void **state)
{
	const char	*dir = *state;
	struct off_slot	*slot = NULL;
	struct off_err	 err;
	char		 path[PATH_MAX], *data = NULL;
	size_t		 len;
	unsigned	 reader;

	snprintf(path, sizeof(path), "%s/a.card", dir);
	assert_int_equal(off_file_write(path, "", 0, OFF_WRITE_NOREPLACE,
	    NULL), 0);
	assert_int_equal(off_slot_open(&slot, "file", dir, &err), 0);
	assert_int_equal(slot->ops->next(slot, 1, NULL, 5000, &reader, &err),
	    0);
	assert_int_equal(slot->ops->write(slot, reader, "{}", 2, &err), 0);
	assert_int_equal(off_file_read(path, 100, &data, &len, NULL), 0);
	assert_string_equal(data, "{}");
	free(data);
	/* Discarding a card in a slot makes it blank again. */
	assert_int_equal(slot->ops->discard(slot, reader, &err), 0);
	assert_int_equal(off_file_read(path, 100, &data, &len, NULL), 0);
	assert_int_equal(len, 0);
	free(data);
	/* Written again, then pulled out and another stick with the same
	 * name put in. */
	assert_int_equal(slot->ops->write(slot, reader, "{}", 2, &err), 0);
	unlink(path);
	assert_int_equal(off_file_write(path, "other", 5, OFF_WRITE_NOREPLACE,
	    NULL), 0);
	assert_int_equal(slot->ops->write(slot, reader, "{}", 2, &err),
	    OFF_ERR_SLOT);
	assert_non_null(strstr(err.detail, "removed or replaced"));
	/* Undoing a failed creation never touches the card put in since. */
	assert_int_equal(slot->ops->write(slot, reader, "{}", 2, &err),
	    OFF_ERR_SLOT);
	assert_int_equal(slot->ops->discard(slot, reader, &err), 0);
	assert_int_equal(off_file_read(path, 100, &data, &len, NULL), 0);
	assert_string_equal(data, "other");
	free(data);
	/* Removed: nothing is written into the empty slot. */
	unlink(path);
	assert_int_equal(slot->ops->write(slot, reader, "{}", 2, &err),
	    OFF_ERR_SLOT);
	assert_int_equal(test_count_files(dir, ""), 0);
	off_slot_close(&slot);
}

static void
test_slot_two_cards(void **state)
{
	const char	*dir = *state;
	struct off_slot	*slot = NULL;
	struct off_err	 err;
	char		 path[PATH_MAX];
	unsigned	 reader;

	snprintf(path, sizeof(path), "%s/a.card", dir);
	assert_int_equal(off_file_write(path, "", 0, 0, NULL), 0);
	snprintf(path, sizeof(path), "%s/b.card", dir);
	assert_int_equal(off_file_write(path, "", 0, 0, NULL), 0);
	/* Other files on the stick are not cards. */
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	assert_int_equal(off_file_write(path, "x", 1, 0, NULL), 0);
	assert_int_equal(off_slot_open(&slot, "file", dir, &err), 0);
	assert_int_equal(slot->ops->next(slot, 0, NULL, 1000, &reader, &err),
	    OFF_ERR_SLOT);
	assert_non_null(strstr(err.detail, "2 card files"));
	off_slot_close(&slot);
}

static void
test_drawer(void **state)
{
	const char	*dir = *state;
	struct off_slot	*slot = NULL;
	struct off_err	 err;
	char		 path[PATH_MAX];
	unsigned	 r1, r2, reader;

	assert_int_equal(off_slot_open(&slot, "drawer", dir, &err), 0);
	assert_false(slot->ops->manual(slot));
	assert_int_equal(slot->ops->next(slot, 0, NULL, 0, &reader, &err),
	    OFF_ERR_NOT_FOUND);
	assert_int_equal(slot->ops->next(slot, 1, "card-x-1", 0, &r1, &err),
	    0);
	assert_int_equal(slot->ops->next(slot, 1, "card-x-2", 0, &r2, &err),
	    0);
	assert_int_equal(slot->ops->write(slot, r1, "one", 3, &err), 0);
	assert_int_equal(slot->ops->write(slot, r2, "two", 3, &err), 0);
	assert_int_equal(slot->ops->wait_removed(slot, r1, 0, &err), 0);
	assert_int_equal(test_count_files(dir, ".card"), 2);
	/* A new card never replaces a card file of the same name. */
	assert_int_equal(slot->ops->next(slot, 1, "card-x-1", 0, &reader,
	    &err), OFF_ERR_EXISTS);
	/* Discard removes what this run wrote. */
	assert_int_equal(slot->ops->discard(slot, r2, &err), 0);
	assert_int_equal(test_count_files(dir, ".card"), 1);
	off_slot_close(&slot);
	/* Reading: each card once, in name order. */
	snprintf(path, sizeof(path), "%s/card-x-0.card", dir);
	assert_int_equal(off_file_write(path, "zero", 4, 0, NULL), 0);
	assert_int_equal(off_slot_open(&slot, "drawer", dir, &err), 0);
	assert_int_equal(slot->ops->count(slot), 2);
	assert_int_equal(slot->ops->next(slot, 0, NULL, 0, &reader, &err), 0);
	assert_string_equal(slot->ops->reader_name(slot, reader), path);
	assert_int_equal(slot->ops->next(slot, 0, NULL, 0, &reader, &err), 0);
	assert_int_equal(slot->ops->next(slot, 0, NULL, 0, &reader, &err),
	    OFF_ERR_NOT_FOUND);
	off_slot_close(&slot);
}

static void
test_bad_slots(void **state)
{
	const char	*dir = *state;
	struct off_slot	*slot = NULL;
	struct off_err	 err;
	char		 path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(off_slot_open(&slot, "file", path, &err),
	    OFF_ERR_SLOT);
	assert_string_equal(err.file, path);
	assert_null(slot);
	assert_int_equal(off_slot_open(&slot, "pkcs99", dir, &err),
	    OFF_ERR_INVALID);
	snprintf(path, sizeof(path), "%s/file", dir);
	assert_int_equal(off_file_write(path, "", 0, 0, NULL), 0);
	assert_int_equal(off_slot_open(&slot, "drawer", path, &err),
	    OFF_ERR_SLOT);
	assert_non_null(strstr(err.detail, "not a directory"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_slot_wait_insert_remove,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_slot_write_needs_the_same_card, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slot_two_cards, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_drawer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_slots, setup,
		    teardown),
	};

	off_platform_harden();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
