/* The front-end callback table: the only way the core talks to people.
 * The ncurses UI, the line-mode UI and the tests' scripted driver each
 * implement it. Callbacks never see a share; PIN buffers are the
 * caller's locked memory. */
#ifndef OFF_FRONTEND_H
#define OFF_FRONTEND_H

#include <stddef.h>

#define OFF_PIN_MIN_LEN	4
#define OFF_PIN_MAX_LEN	64	/* longest accepted PIN, in bytes */
#define OFF_PIN_BUF	(OFF_PIN_MAX_LEN + 2)

enum off_notice_level {
	OFF_NOTICE_INFO,
	OFF_NOTICE_WARNING,
	OFF_NOTICE_ERROR,
};

enum off_pin_kind {
	OFF_PIN_NEW,		/* choose a PIN for a new card */
	OFF_PIN_CONFIRM,	/* type the new PIN again */
	OFF_PIN_ENTER,		/* unlock a card */
	OFF_PIN_PASSPHRASE,	/* a passphrase; label says for what */
};

struct off_pin_request {
	enum off_pin_kind	 kind;
	unsigned		 index;		/* card index, 1..n */
	unsigned		 n;		/* cards in the set */
	const char		*card_id;	/* hex, or NULL for a new card */
	int			 tries_left;	/* -1 when not applicable */
	const char		*label;		/* PASSPHRASE: what for */
};

enum off_card_event {
	OFF_CARD_WANT_BLANK,	/* insert a blank card for index */
	OFF_CARD_WANT,		/* insert a card of world (have/need) */
	OFF_CARD_DETECTED,	/* a card is in the reader */
	OFF_CARD_REFUSED,	/* reason says why */
	OFF_CARD_WRITTEN,	/* a new card was written and read back */
	OFF_CARD_ACCEPTED,	/* share accepted into the quorum */
	OFF_CARD_REMOVE,	/* take the card out now */
	OFF_CARD_REMOVED,
};

struct off_card_info {
	enum off_card_event	 event;
	const char		*reader;	/* where: file or directory */
	const char		*card_id;	/* hex, when known */
	const char		*world;		/* hex world id, when known */
	unsigned		 index, n;	/* card index and set size */
	unsigned		 have, need;	/* quorum progress */
	int			 tries_left;	/* -1 when unknown */
	const char		*reason;	/* REFUSED: why, what to do */
	/* A card that is a device (a PKCS#11 token): as it names itself;
	 * NULL for a card file. */
	const char		*manufacturer, *model, *serial;
};

struct off_frontend {
	void	*arg;
	void	(*notice)(void *arg, enum off_notice_level level,
		    const char *msg);
	/* Read a PIN into buf (bufsz bytes, locked); *len excludes any
	 * terminator. OFF_ERR_CANCELLED when the person gives up,
	 * OFF_ERR_INTERRUPTED when no answer came (input ended). */
	int	(*ask_pin)(void *arg, const struct off_pin_request *req,
		    char *buf, size_t bufsz, size_t *len);
	/* 0 for yes, OFF_ERR_CANCELLED for no, OFF_ERR_INTERRUPTED when
	 * no answer came (input ended, interrupted). */
	int	(*confirm)(void *arg, const char *question);
	/* A line of text that is no secret (a parameter, an OTP, the
	 * account of a deviation) into buf, NUL-terminated; help may be
	 * NULL. OFF_ERR_CANCELLED when the person gives up. */
	int	(*ask_text)(void *arg, const char *prompt, const char *help,
		    char *buf, size_t bufsz);
	void	(*card)(void *arg, const struct off_card_info *info);
	void	(*progress)(void *arg, const char *what, unsigned long done,
		    unsigned long total);
};

#endif
