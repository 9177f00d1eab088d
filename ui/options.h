/* Option values shared by the commands. */
#ifndef OFF_OPTIONS_H
#define OFF_OPTIONS_H

#include <stddef.h>

struct off_err;
struct off_slot;

/* KMDATA: --kmdata, else $OFFICIANT_KMDATA, else
 * $XDG_DATA_HOME/officiant/kmdata, else ~/.local/share/officiant/kmdata. */
int	opt_kmdata(const char *given, char *buf, size_t len);
/* "K/N" with 1 <= K, N <= 255; 0 on success. */
int	opt_quorum(const char *s, unsigned *k, unsigned *n);
/* A decimal unsigned in [min, max]; 0 on success. */
int	opt_unsigned(const char *s, unsigned min, unsigned max, unsigned *out);
/* getopt_long's value for --card-pkcs11 (no short form). */
#define OPT_CARD_PKCS11	0x100

/* Open the card source named by --slot, --drawer or --card-pkcs11
 * (exactly one). Returns 0, or an exit code after printing why. */
int	opt_open_slot(const char *slot_dir, const char *drawer_dir,
	    const char *card_p11, struct off_slot **slot);
/* --kmdata and where the cards are, as the quorum's commands take
 * them: OPT_CARDS_LONGOPTS in their getopt_long table. */
#define OPT_CARDS_LONGOPTS \
	{ "kmdata", required_argument, NULL, 'k' }, \
	{ "slot", required_argument, NULL, 's' }, \
	{ "drawer", required_argument, NULL, 'd' }, \
	{ "card-pkcs11", required_argument, NULL, OPT_CARD_PKCS11 }
struct opt_cards {
	const char	*kmdata;
	const char	*slot;
	const char	*drawer;
	const char	*card_pkcs11;
};
/* 1 when getopt_long's c is -k, -s, -d or --card-pkcs11, taken into o
 * from arg; else 0. */
int	opt_cards_take(int c, const char *arg, struct opt_cards *o);
/* Resolve KMDATA and load its world; 0, or an exit code after saying
 * why. */
struct off_world;
int	opt_load_world(const char *kmarg, char *kmdata, size_t len,
	    struct off_world **w);
/* A key named as key_APP_IDENT, or IDENT with --app: the app and the
 * ident, pointing into buf or the arguments. */
void	opt_key_name(const char *app, const char *arg, char *buf, size_t len,
	    const char **app_out, const char **ident_out);
/* Open a single card file as a one-card drawer; *reader is set. */
int	opt_open_card_file(const char *path, struct off_slot **slot,
	    unsigned *reader);

/* --config FILE given before the command, or NULL. */
extern const char *opt_config;
/* Load the configuration (--config, else the system's and the user's
 * files); 0, or an exit code after saying why. */
struct off_settings;
int	opt_load_settings(struct off_settings **s);

#endif
