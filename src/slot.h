/* Card slots: where administrator cards are read and written. Every
 * backend sits behind struct off_slot_ops so that file cards and
 * PKCS#11 tokens are interchangeable. A slot has readers; a reader
 * holds at most one card at a time. */
#ifndef OFF_SLOT_H
#define OFF_SLOT_H

#include <stddef.h>

struct off_err;
struct off_slot;
struct off_slot_device;

#define OFF_SLOT_NO_TIMEOUT	(-1)

struct off_slot_ops {
	const char	*name;
	int	(*open)(struct off_slot *slot, const char *where,
		    struct off_err *err);
	void	(*close)(struct off_slot *slot);
	/* Wait until a reader not handed out yet holds a card and return
	 * its number. want_blank: a card to write; backends that can make
	 * one do, named after hint. OFF_ERR_NOT_FOUND when no more cards
	 * will come, OFF_ERR_TIMEOUT after timeout_ms. */
	int	(*next)(struct off_slot *slot, int want_blank, const char *hint,
		    int timeout_ms, unsigned *reader, struct off_err *err);
	/* Card contents; *len == 0 for a blank card. */
	int	(*read)(struct off_slot *slot, unsigned reader, char **data,
		    size_t *len, struct off_err *err);
	int	(*write)(struct off_slot *slot, unsigned reader,
		    const char *data, size_t len, struct off_err *err);
	/* Erase what write() put there (failed creation). */
	int	(*discard)(struct off_slot *slot, unsigned reader,
		    struct off_err *err);
	/* Wait until the card has left the reader (no-op where cards
	 * need not move). */
	int	(*wait_removed)(struct off_slot *slot, unsigned reader,
		    int timeout_ms, struct off_err *err);
	/* 1 when the person must move cards in and out by hand. */
	int	(*manual)(struct off_slot *slot);
	/* Readers present now, for listing: count and names. */
	int	(*scan)(struct off_slot *slot, struct off_err *err);
	unsigned (*count)(struct off_slot *slot);
	/* Valid until the slot next waits or scans: copy it to keep it. */
	const char *(*reader_name)(struct off_slot *slot, unsigned reader);
	/* 0 when cards can be written here, else why not. */
	int	(*writable)(struct off_slot *slot, struct off_err *err);

	/* Cards that guard their share themselves (PKCS#11 tokens); NULL
	 * for file cards. read() and write() then carry the card's public
	 * part, readable without a PIN, and these its private part. */
	/* Log in with pin and read the private part. */
	int	(*read_private)(struct off_slot *slot, unsigned reader,
		    const char *pin, size_t pinlen, char **data, size_t *len,
		    struct off_err *err);
	/* Log in with the card's current PIN (a blank card's transport
	 * PIN), make pin the card's PIN, and store both parts. */
	int	(*write_private)(struct off_slot *slot, unsigned reader,
		    const char *oldpin, size_t oldlen, const char *pin,
		    size_t pinlen, const char *priv, size_t privlen,
		    const char *pub, size_t publen, struct off_err *err);
	/* What the device in reader says of itself; NULL for files. */
	int	(*device)(struct off_slot *slot, unsigned reader,
		    struct off_slot_device *dev);
};

/* A card that is a device (a PKCS#11 token), as it names itself. */
struct off_slot_device {
	char	label[33];
	char	manufacturer[33];
	char	model[17];
	char	serial[17];
	int	tries_left;	/* the device's word: -1 unknown, 0 locked */
};

extern const struct off_slot_ops off_slot_file_ops;
extern const struct off_slot_ops off_slot_drawer_ops;
extern const struct off_slot_ops off_slot_pkcs11_ops;

struct off_slot {
	const struct off_slot_ops	*ops;
	void				*state;
	char				 where[4096];
	/* While a backend waits for a card: when a signal interrupts the
	 * wait or wake_fd (>= 0) can be read, wake(wake_arg) is called; 0
	 * waits on, a negative error ends the wait with it. Without wake,
	 * a signal ends the wait (OFF_ERR_INTERRUPTED). A front end uses
	 * it to stay responsive (a resized screen, a key) while it waits
	 * without using the processor. */
	int				(*wake)(void *arg);
	void				*wake_arg;
	int				 wake_fd;
};

/* Open the slot backend named kind ("file", "drawer" or "pkcs11": where
 * is then the PKCS#11 library) on where. */
int	off_slot_open(struct off_slot **slot, const char *kind,
	    const char *where, struct off_err *err);
void	off_slot_close(struct off_slot **slot);
/* Start afresh on the same place: every card present is offered again
 * (each ceremony step that uses cards begins so). */
int	off_slot_reopen(struct off_slot *slot, struct off_err *err);

#endif
