/* Writing to a connected socket without the process-killing SIGPIPE. */
#ifndef UTIL_SOCK_H
#define UTIL_SOCK_H

#include <stddef.h>
#include <sys/types.h>

/** Writes what a non-blocking socket takes of p[0..n) now (send with
 *  MSG_NOSIGNAL | MSG_DONTWAIT, retried on EINTR). Returns the bytes
 *  written (0 when the socket buffer is full), or -1 with errno set for
 *  any other error (EPIPE, ECONNRESET, ENOTSOCK, ...). */
ssize_t osm_send_now(int fd, const void *p, size_t n);

#endif
