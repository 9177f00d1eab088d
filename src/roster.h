/* The roster: the officers who may take part in ceremonies, their roles
 * and their YubiKey OTP identities, read from a libconfig file
 * (officiant-roster(5)). It holds the tokens' AES keys, so the file must
 * be private to its owner and the keys are kept in locked memory. */
#ifndef OFF_ROSTER_H
#define OFF_ROSTER_H

#include <stddef.h>

#include "otp.h"

struct off_err;
struct off_roster;
struct off_officer;

#define OFF_ROSTER_MAX		256	/* officers in a roster */
#define OFF_ROSTER_ID_MAX	32	/* officer id, role name */
#define OFF_ROSTER_NAME_MAX	128	/* bytes of an officer's name */
#define OFF_ROSTER_ROLES_MAX	32	/* roles of one officer */

/* Read and check a roster file; refused when group or others may read
 * or write it. */
int	off_roster_load(const char *path, struct off_roster **r,
	    struct off_err *err);
/* For training: n officers "officer-1" ... "officer-n", each with every
 * role and a random YubiKey identity. */
int	off_roster_simulated(size_t n, struct off_roster **r,
	    struct off_err *err);
/* Wipe the keys, free *r and set it to NULL. */
void	off_roster_free(struct off_roster **r);

size_t	off_roster_count(const struct off_roster *r);
/* Officer i (0 <= i < count), in file order; NULL past the end. */
const struct off_officer *off_roster_officer(const struct off_roster *r,
	    size_t i);
const struct off_officer *off_roster_find(const struct off_roster *r,
	    const char *id);

const char *off_officer_id(const struct off_officer *o);
const char *off_officer_name(const struct off_officer *o);
/* 1 when the officer holds role (simulated officers hold every role). */
int	off_officer_has_role(const struct off_officer *o, const char *role);
/* The public id of the officer's YubiKey, or NULL when there is none. */
const char *off_officer_yubikey(const struct off_officer *o);

/* Identify the officer who typed otp: off_otp_verify against the
 * roster's YubiKeys, with replay state in state_path. */
int	off_roster_authenticate(const struct off_roster *r, const char *otp,
	    const char *state_path, const struct off_officer **officer,
	    enum off_otp_status *status, struct off_err *err);
/* The OTP a simulated officer's YubiKey types for (counter, use);
 * refused for officers of a roster read from a file. */
int	off_officer_otp(const struct off_officer *o, unsigned counter,
	    unsigned use, char out[OFF_OTP_MAX + 1], struct off_err *err);

#endif
