/* The operations a ceremony script can call: one table of thin
 * adapters over the library (world, keys, packages, cards). Each names
 * its arguments so that scripts are checked before they run. */
#ifndef OFF_ACTION_H
#define OFF_ACTION_H

#include <stddef.h>

#include <jansson.h>

struct off_err;
struct off_frontend;
struct off_slot;
struct off_world;

#define OFF_ACTION_FILES_MAX	16

struct off_action_arg {
	const char	*name;		/* NULL ends the list */
	int		 required;
};

/* What an action works with, and what it hands back. */
struct off_action_ctx {
	const char		 *kmdata;
	struct off_world	**world;	/* loaded, or set by world.create */
	struct off_slot		 *slot;		/* where cards go in */
	const struct off_frontend *fe;
	int			  training;
	const char		 *config;	/* --config, or NULL */
	json_t			 *args;		/* name -> string, expanded */
	json_t			 *result;	/* the action adds to it */
	char			 *files[OFF_ACTION_FILES_MAX];	/* written */
	size_t			  nfiles;
	int			  world_created;
};

struct off_action {
	const char			*name;
	const char			*summary;
	const struct off_action_arg	*args;
	int				 needs_world;
	int				 needs_cards;
	int				(*run)(struct off_action_ctx *,
					    struct off_err *);
};

const struct off_action	*off_action_find(const char *name);

/* Resuming after a crash during an action. The new file a run of a
 * writes for these arguments, into path: 0, or -1 when it writes none
 * (or more than one), and a run cut short needs no care. */
int	off_action_output(const struct off_action *a,
	    const struct off_action_ctx *ctx, char *path, size_t len);
/* 1 when a file output that an interrupted run left is taken over
 * (off_action_adopt) rather than removed so that the action runs
 * again: a key, which must never be made twice. */
int	off_action_adoptable(const struct off_action *a);
/* Check that path is the complete output of a run of a with ctx's
 * arguments, and set ctx's result and files as that run would have. */
int	off_action_adopt(const struct off_action *a, struct off_action_ctx *ctx,
	    const char *path, struct off_err *err);
/* The table, for documentation: i-th action or NULL past the end. */
const struct off_action	*off_action_at(size_t i);
/* Free what a run left in ctx (files, result). */
void	off_action_ctx_clear(struct off_action_ctx *ctx);

#endif
