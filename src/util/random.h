/* Bytes from the kernel's CSPRNG (getrandom(2)). Used where the daemon
 * needs unguessable values before any cryptography runs (session ids, the
 * reuse-key HMAC key), so that an idle daemon never initialises OpenSSL:
 * its random generator alone costs about 2 MB of resident memory. */
#ifndef UTIL_RANDOM_H
#define UTIL_RANDOM_H

#include <stddef.h>

/** Fills buf[0..n) with random bytes. Returns 0, or -1 (errno set) when
 *  the kernel cannot supply them; buf is then unspecified. */
int osm_random_bytes(void *buf, size_t n);

#endif
