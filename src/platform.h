/* Process-wide protections, applied once at start by every program
 * and test that handles secrets. */
#ifndef OFF_PLATFORM_H
#define OFF_PLATFORM_H

/* Disable core dumps and ptrace attach, start OpenSSL's secure heap so
 * that private keys held by OpenSSL are locked too, and make jansson
 * wipe what it frees. */
int	off_platform_harden(void);

#endif
