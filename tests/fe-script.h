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

/* The PIN answers that create a 2-of-3 world: 1111, 2222, 3333. */
extern const char *const test_pins23[];
/* A 2-of-3 world with cheap scrypt in DIR/SUB/kmdata, its cards in
 * DIR/SUB/cards; tries wrong PINs lock a card (0: the default). */
int	test_make_world(const char *dir, const char *sub, unsigned tries,
	    struct off_world **w);

#endif
