/*
 * Card slot backend "file": a card is a file whose name ends in ".card".
 *
 * slot:   the directory is one reader (a custodian's USB stick, say) and
 *         holds at most one card file. A blank card is an empty .card
 *         file. Insertion and removal are awaited with inotify on the
 *         directory and its parent, so mounting a stick is seen too.
 * drawer: the directory holds many card files, each as if in its own
 *         reader; new cards are new files. Nothing has to move, so
 *         unattended runs need no one at the machine.
 */
#include "config.h"

#include <sys/inotify.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "fileio.h"
#include "i18n.h"
#include "slot.h"

#define CARD_SUFFIX	".card"
#define CARD_FILE_MAX	(64 * 1024)
#define DRAWER_MAX	1024
/* Events on a file system mounted over the slot directory do not reach
 * a watch on it; rescan this often as a safety net. */
#define RESCAN_MS	2000
/* A card file that just appeared may still be being written. */
#define SETTLE_MS	200

struct reader {
	char		path[PATH_MAX];
	/* Which file this is: an inode number alone is reused at once
	 * when a card is replaced by another of the same name. */
	dev_t		dev;
	ino_t		ino;
	struct timespec	ctime;
	int		offered;
	int		created;	/* drawer: a new file of this run */
	int		written;	/* we wrote what is there now */
};

struct file_state {
	int		 drawer;
	int		 ifd;		/* inotify, slot only */
	struct reader	*readers;
	unsigned	 nreaders, cap;
};

static int
is_card_name(const char *name)
{
	size_t	n = strlen(name), s = strlen(CARD_SUFFIX);

	return name[0] != '.' && n > s && strcmp(name + n - s, CARD_SUFFIX) == 0;
}

static void
remember(struct reader *r, const struct stat *sb)
{
	r->dev = sb->st_dev;
	r->ino = sb->st_ino;
	r->ctime = sb->st_ctim;
}

/* 0 when path is still the file r was. */
static int
same_file(const struct reader *r)
{
	struct stat	sb;

	if (stat(r->path, &sb) == -1)
		return -1;
	return sb.st_dev == r->dev && sb.st_ino == r->ino &&
	    sb.st_ctim.tv_sec == r->ctime.tv_sec &&
	    sb.st_ctim.tv_nsec == r->ctime.tv_nsec ? 0 : -1;
}

static int
cmp_readers(const void *a, const void *b)
{
	return strcmp(((const struct reader *)a)->path,
	    ((const struct reader *)b)->path);
}

static struct reader *
add_reader(struct file_state *st, const char *dir, const char *name,
    struct off_err *err)
{
	struct reader	*r;

	if (st->nreaders >= DRAWER_MAX) {
		off_err_set(err, OFF_ERR_TOO_LARGE, dir,
		    _("more than %d card files"), DRAWER_MAX);
		return NULL;
	}
	if (st->nreaders == st->cap) {
		unsigned	cap = st->cap ? st->cap * 2 : 8;

		if ((r = reallocarray(st->readers, cap, sizeof(*r))) == NULL) {
			off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
			return NULL;
		}
		st->readers = r;
		st->cap = cap;
	}
	r = &st->readers[st->nreaders];
	memset(r, 0, sizeof(*r));
	if (off_path_join(r->path, sizeof(r->path), dir, name) != 0) {
		off_err_set(err, OFF_ERR_TOO_LARGE, dir, _("path too long"));
		return NULL;
	}
	st->nreaders++;
	return r;
}

/* Find the card files in the directory now; offered flags survive for
 * files that are still there. */
static int
scan_dir(struct off_slot *slot, struct off_err *err)
{
	struct file_state	*st = slot->state;
	struct reader		*old = st->readers, *r;
	unsigned		 nold = st->nreaders, i;
	DIR			*d;
	struct dirent		*de;
	struct stat		 sb;
	int			 ret = 0;

	st->readers = NULL;
	st->nreaders = st->cap = 0;
	if ((d = opendir(slot->where)) == NULL) {
		ret = off_err_errno(err, OFF_ERR_SLOT, errno, slot->where,
		    _("cannot read the card slot directory"));
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		if (!is_card_name(de->d_name))
			continue;
		if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) ==
		    -1 || !S_ISREG(sb.st_mode))
			continue;
		if ((r = add_reader(st, slot->where, de->d_name, err)) ==
		    NULL) {
			ret = err != NULL ? err->code : OFF_ERR_NOMEM;
			break;
		}
		remember(r, &sb);
		for (i = 0; i < nold; i++)
			if (old[i].dev == r->dev && old[i].ino == r->ino &&
			    old[i].ctime.tv_sec == r->ctime.tv_sec &&
			    old[i].ctime.tv_nsec == r->ctime.tv_nsec &&
			    strcmp(old[i].path, r->path) == 0) {
				r->offered = old[i].offered;
				r->created = old[i].created;
				r->written = old[i].written;
			}
	}
	closedir(d);
	if (st->nreaders > 1)
		qsort(st->readers, st->nreaders, sizeof(*st->readers),
		    cmp_readers);
out:
	free(old);
	return ret;
}

static void
watch_paths(struct off_slot *slot)
{
	struct file_state	*st = slot->state;
	char			 parent[PATH_MAX], *slash;
	uint32_t		 mask = IN_CREATE | IN_DELETE | IN_MOVED_TO |
				    IN_MOVED_FROM | IN_CLOSE_WRITE |
				    IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT |
				    IN_ATTRIB;

	/* Re-adding is cheap and follows a directory that was replaced
	 * (a stick mounted or unmounted over the path). */
	(void)inotify_add_watch(st->ifd, slot->where, mask);
	snprintf(parent, sizeof(parent), "%s", slot->where);
	if ((slash = strrchr(parent, '/')) != NULL) {
		if (slash == parent)
			slash[1] = '\0';
		else
			*slash = '\0';
		(void)inotify_add_watch(st->ifd, parent, IN_CREATE | IN_DELETE |
		    IN_MOVED_TO | IN_MOVED_FROM);
	}
}

static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleep until something changes in or around the slot, or ms pass.
 * Returns 1 on activity, 0 on time-out or after the front end was woken
 * (the caller looks again and waits on). */
static int
wait_activity(struct off_slot *slot, int ms, struct off_err *err)
{
	struct file_state	*st = slot->state;
	struct pollfd		 pfd[2] = {
		{ .fd = st->ifd, .events = POLLIN },
		{ .fd = slot->wake_fd, .events = POLLIN },
	};
	char			 buf[4096];
	int			 n, ret;

	watch_paths(slot);
	n = poll(pfd, slot->wake != NULL && slot->wake_fd >= 0 ? 2 : 1, ms);
	if (n == -1 && errno == EINTR) {
		if (slot->wake == NULL)
			return off_err_set(err, OFF_ERR_INTERRUPTED, NULL,
			    NULL);
		if ((ret = slot->wake(slot->wake_arg)) < 0)
			return off_err_set(err, ret, NULL, NULL);
		return 0;
	}
	if (n == -1)
		return off_err_errno(err, OFF_ERR_SLOT, errno, slot->where,
		    _("cannot wait for the card slot"));
	if (n == 0)
		return 0;
	if (pfd[1].revents != 0 && slot->wake != NULL &&
	    (ret = slot->wake(slot->wake_arg)) < 0)
		return off_err_set(err, ret, NULL, NULL);
	if (pfd[0].revents == 0)
		return 0;
	while (read(st->ifd, buf, sizeof(buf)) > 0)
		;
	return 1;
}

static int
remaining(long long deadline)
{
	long long	left;

	if (deadline < 0)
		return RESCAN_MS;
	left = deadline - now_ms();
	if (left <= 0)
		return 0;
	return left < RESCAN_MS ? (int)left : RESCAN_MS;
}

static int
file_open(struct off_slot *slot, const char *where, struct off_err *err,
    int drawer)
{
	struct file_state	*st;
	struct off_err		 why;
	int			 ret;

	/* Read-only media may be inspected; writing says so when it
	 * fails, and world creation checks first. */
	if (off_dir_writable(where, &why) != 0 && why.code != OFF_ERR_IO)
		return off_err_set(err, OFF_ERR_SLOT, where, drawer ?
		    /* TRANSLATORS: %s is why the directory will not do. */
		    _("%s; the card drawer must be an existing directory") :
		    /* TRANSLATORS: %s is why the directory will not do. */
		    _("%s; the card slot must be an existing directory"),
		    why.detail);
	/* What a crash while a card was written left beside it. */
	off_file_sweep(where, ".card");
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	st->drawer = drawer;
	st->ifd = -1;
	if (!drawer &&
	    (st->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		ret = off_err_errno(err, OFF_ERR_SLOT, errno, where,
		    _("cannot watch the card slot"));
		free(st);
		return ret;
	}
	slot->state = st;
	if ((ret = scan_dir(slot, err)) != 0) {
		if (st->ifd != -1)
			close(st->ifd);
		free(st->readers);
		free(st);
		slot->state = NULL;
	}
	return ret;
}

static int
slot_open(struct off_slot *slot, const char *where, struct off_err *err)
{
	return file_open(slot, where, err, 0);
}

static int
drawer_open(struct off_slot *slot, const char *where, struct off_err *err)
{
	return file_open(slot, where, err, 1);
}

static void
file_close(struct off_slot *slot)
{
	struct file_state	*st = slot->state;

	if (st == NULL)
		return;
	if (st->ifd != -1)
		close(st->ifd);
	free(st->readers);
	free(st);
	slot->state = NULL;
}

static int
slot_next(struct off_slot *slot, int want_blank, const char *hint,
    int timeout_ms, unsigned *reader, struct off_err *err)
{
	struct file_state	*st = slot->state;
	long long		 deadline;
	int			 ret, ms;

	(void)want_blank;
	(void)hint;
	deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	for (;;) {
		if ((ret = scan_dir(slot, err)) != 0)
			return ret;
		if (st->nreaders > 1)
			return off_err_set(err, OFF_ERR_SLOT, slot->where,
			    _("the slot holds %u card files; a slot takes one "
			    "card: remove all but one"), st->nreaders);
		if (st->nreaders == 1 && !st->readers[0].offered) {
			/* Let a card that is still being copied settle. */
			while ((ret = wait_activity(slot, SETTLE_MS, err)) == 1)
				;
			if (ret < 0)
				return ret;
			if ((ret = scan_dir(slot, err)) != 0)
				return ret;
			if (st->nreaders != 1)
				continue;
			st->readers[0].offered = 1;
			*reader = 0;
			return 0;
		}
		if ((ms = remaining(deadline)) == 0)
			return off_err_set(err, OFF_ERR_TIMEOUT, slot->where,
			    _("no card was inserted"));
		if ((ret = wait_activity(slot, ms, err)) < 0)
			return ret;
	}
}

static int
slot_wait_removed(struct off_slot *slot, unsigned reader, int timeout_ms,
    struct off_err *err)
{
	struct file_state	*st = slot->state;
	struct reader		 card;
	long long		 deadline;
	int			 ret, ms;

	if (reader >= st->nreaders)
		return 0;
	card = st->readers[reader];
	deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	for (;;) {
		/* Gone, or another file (another stick) in its place. */
		if (same_file(&card) != 0)
			return scan_dir(slot, err);
		if ((ms = remaining(deadline)) == 0)
			return off_err_set(err, OFF_ERR_TIMEOUT, card.path,
			    _("the card was not removed"));
		if ((ret = wait_activity(slot, ms, err)) < 0)
			return ret;
	}
}

static int
drawer_next(struct off_slot *slot, int want_blank, const char *hint,
    int timeout_ms, unsigned *reader, struct off_err *err)
{
	struct file_state	*st = slot->state;
	struct reader		*r;
	char			 name[NAME_MAX + 1];
	unsigned		 i;
	int			 n;

	(void)timeout_ms;
	if (want_blank) {
		/* A new card is a new file; never reuse an existing name. */
		n = snprintf(name, sizeof(name), "%s%s",
		    hint != NULL ? hint : "card", CARD_SUFFIX);
		if (n < 0 || (size_t)n >= sizeof(name))
			return off_err_set(err, OFF_ERR_TOO_LARGE, NULL,
			    _("card name too long"));
		if ((r = add_reader(st, slot->where, name, err)) == NULL)
			return err != NULL ? err->code : OFF_ERR_NOMEM;
		if (access(r->path, F_OK) == 0) {
			st->nreaders--;
			return off_err_set(err, OFF_ERR_EXISTS, r->path,
			    _("a card file of this name is already in the "
			    "drawer; use an empty drawer for a new card set"));
		}
		r->offered = 1;
		*reader = st->nreaders - 1;
		return 0;
	}
	for (i = 0; i < st->nreaders; i++) {
		if (st->readers[i].offered || st->readers[i].created)
			continue;
		st->readers[i].offered = 1;
		*reader = i;
		return 0;
	}
	return off_err_set(err, OFF_ERR_NOT_FOUND, slot->where,
	    _("no more cards in the drawer"));
}

static int
file_read(struct off_slot *slot, unsigned reader, char **data, size_t *len,
    struct off_err *err)
{
	struct file_state	*st = slot->state;
	int			 ret;

	if (reader >= st->nreaders)
		return off_err_set(err, OFF_ERR_INTERNAL, NULL, "bad reader");
	ret = off_file_read(st->readers[reader].path, CARD_FILE_MAX, data,
	    len, err);
	if (ret == OFF_ERR_NOT_FOUND)
		return off_err_set(err, OFF_ERR_SLOT, st->readers[reader].path,
		    _("the card was removed while it was being read"));
	return ret;
}

static int
file_write(struct off_slot *slot, unsigned reader, const char *data,
    size_t len, struct off_err *err)
{
	struct file_state	*st = slot->state;
	struct reader		*r;
	struct stat		 sb;
	int			 ret;

	if (reader >= st->nreaders)
		return off_err_set(err, OFF_ERR_INTERNAL, NULL, "bad reader");
	r = &st->readers[reader];
	if (st->drawer && !r->created && r->ino == 0) {
		ret = off_file_write(r->path, data, len, OFF_WRITE_NOREPLACE,
		    err);
		if (ret == 0)
			r->created = 1;
	} else {
		/* The card must still be the one that was inserted. */
		if ((!st->drawer || !r->created) && same_file(r) != 0)
			return off_err_set(err, OFF_ERR_SLOT, r->path,
			    _("the card was removed or replaced; insert it "
			    "again"));
		ret = off_file_write(r->path, data, len, OFF_WRITE_REPLACE,
		    err);
	}
	if (ret == 0 && stat(r->path, &sb) == 0) {
		remember(r, &sb);
		r->written = len > 0;
	}
	return ret;
}

static int
file_discard(struct off_slot *slot, unsigned reader, struct off_err *err)
{
	struct file_state	*st = slot->state;
	struct reader		*r;

	if (reader >= st->nreaders)
		return 0;
	r = &st->readers[reader];
	/* Only ever undo our own writing: never touch a card that was put
	 * in the reader since. */
	if (!r->written || same_file(r) != 0)
		return 0;
	if (st->drawer) {
		if (!r->created)
			return 0;
		r->created = r->written = 0;
		return off_file_remove(r->path, err);
	}
	/* A card in a slot goes back to blank. */
	return file_write(slot, reader, "", 0, err);
}

static int
drawer_wait_removed(struct off_slot *slot, unsigned reader, int timeout_ms,
    struct off_err *err)
{
	(void)slot;
	(void)reader;
	(void)timeout_ms;
	(void)err;
	return 0;
}

static int
slot_manual(struct off_slot *slot)
{
	return !((struct file_state *)slot->state)->drawer;
}

static unsigned
file_count(struct off_slot *slot)
{
	return ((struct file_state *)slot->state)->nreaders;
}

static const char *
file_reader_name(struct off_slot *slot, unsigned reader)
{
	struct file_state	*st = slot->state;

	return reader < st->nreaders ? st->readers[reader].path : slot->where;
}

static int
file_writable(struct off_slot *slot, struct off_err *err)
{
	return off_dir_writable(slot->where, err);
}

const struct off_slot_ops off_slot_file_ops = {
	.name = "file",
	.open = slot_open,
	.close = file_close,
	.next = slot_next,
	.read = file_read,
	.write = file_write,
	.discard = file_discard,
	.wait_removed = slot_wait_removed,
	.manual = slot_manual,
	.scan = scan_dir,
	.count = file_count,
	.reader_name = file_reader_name,
	.writable = file_writable,
};

const struct off_slot_ops off_slot_drawer_ops = {
	.name = "drawer",
	.open = drawer_open,
	.close = file_close,
	.next = drawer_next,
	.read = file_read,
	.write = file_write,
	.discard = file_discard,
	.wait_removed = drawer_wait_removed,
	.manual = slot_manual,
	.scan = scan_dir,
	.count = file_count,
	.reader_name = file_reader_name,
	.writable = file_writable,
};
