/* Process-wide protections, applied once at start by every program
 * and test that handles secrets. */
#ifndef OFF_PLATFORM_H
#define OFF_PLATFORM_H

/* Disable core dumps and ptrace attach, start OpenSSL's secure heap so
 * that private keys held by OpenSSL are locked too, and make jansson
 * wipe what it frees. */
int	off_platform_harden(void);
/* OpenSSL's own start (its default library context, its configuration,
 * the default provider), done first and checked: OpenSSL 3.0 goes on
 * with a half-made context after a failed allocation there and crashes
 * later. OFF_ERR_NOMEM when it could not. */
int	off_crypto_init(void);

#endif
