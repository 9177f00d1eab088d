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
/* The table, for documentation: i-th action or NULL past the end. */
const struct off_action	*off_action_at(size_t i);
/* Free what a run left in ctx (files, result). */
void	off_action_ctx_clear(struct off_action_ctx *ctx);

#endif
