/* A scripted front end for the tests: answers PIN prompts from a list,
 * answers confirmations with a fixed reply, and records what the core
 * told it. */
#ifndef OFF_FE_SCRIPT_H
#define OFF_FE_SCRIPT_H

#include "frontend.h"

#define FE_SCRIPT_MAX	256

struct fe_script {
	const char	*pins[FE_SCRIPT_MAX];	/* NULL ends the script */
	unsigned	 next_pin;
	const char	*texts[FE_SCRIPT_MAX];	/* text answers, NULL ends */
	unsigned	 next_text;
	char		 last_prompt[256];
	int		 confirm;		/* 0 = yes */
	unsigned	 confirms;
	unsigned	 events[OFF_CARD_REMOVED + 1];
	int		 last_tries_left;
	char		 last_refusal[1024];
	unsigned	 warnings;
	unsigned long	 progress_done, progress_total;
};

void	fe_script_init(struct off_frontend *fe, struct fe_script *s);
/* Set the PIN answers (NULL-terminated list). */
void	fe_script_pins(struct fe_script *s, const char *const *pins);

#include "testlib.h"

struct off_world;
struct off_key;
struct off_key_params;
struct off_err;
struct json_t;

/* The PIN answers that create a 2-of-3 world: 1111, 2222, 3333. */
extern const char *const test_pins23[];
/* A 2-of-3 world with cheap scrypt in DIR/SUB/kmdata, its cards in
 * DIR/SUB/cards; tries wrong PINs lock a card (0: the default). */
int	test_make_world(const char *dir, const char *sub, unsigned tries,
	    struct off_world **w);
/* Those two paths of test_make_world's, into kmdata and drawer of len
 * bytes each. */
void	test_world_paths(const char *dir, const char *sub, char *kmdata,
	    char *drawer, size_t len);

/* --- module-protected keys ---------------------------------------- */

/* Parameters of key_simple_<ident>, the rest zero. */
void	test_key_params(struct off_key_params *p, const char *ident,
	    const char *type, unsigned size, const char *curve);
/* off_key_generate with front end s (NULL: one that answers nothing);
 * err is cleared first. */
int	test_generate(const char *kmdata, const struct off_world *w,
	    const struct off_key_params *p, struct fe_script *s,
	    struct off_key **key, struct off_err *err);
/* The key of p, generated (or the test fails), then loaded back from
 * KMDATA. */
struct off_key *test_new_key(const char *kmdata, const struct off_world *w,
	    const struct off_key_params *p);
/* The key of p loaded, generated first if KMDATA has no file of it. */
struct off_key *test_need_key(const char *kmdata, const struct off_world *w,
	    const struct off_key_params *p);
/* key_<app>_<ident> loaded (or the test fails). */
struct off_key *test_load_key(const char *kmdata, const struct off_world *w,
	    const char *app, const char *ident);
/* off_key_reduce_acl with the cards in drawer, PINs answered from pins
 * and the front end's record in s; err is cleared first. */
int	test_reduce(const char *kmdata, const struct off_world *w,
	    const char *drawer, const struct off_key *key,
	    struct evp_pkey_st *kek, const char *target,
	    const char *const *pins, struct fe_script *s,
	    struct off_key **out, struct off_err *err);
/* off_key_info_json of key, parsed (json_decref it). */
struct json_t *test_key_info(const struct off_key *key);
/* The string member name of o, which must be there. */
const char *test_jstr(struct json_t *o, const char *name);

#endif
