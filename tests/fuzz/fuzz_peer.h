/* The hostile server of the channel fuzz targets: a listener on 127.0.0.1
 * that writes the bytes armed for the current input to the connection it
 * accepts, then closes it. One loop, one input at a time. */
#ifndef FUZZ_PEER_H
#define FUZZ_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

typedef struct fuzz_peer {
    const uint8_t *data; /* what the connection is sent; borrowed */
    size_t size;
    bool accepted; /* a connection came in */
    bool closed;   /* and is closed and freed again */
} fuzz_peer;

/** Listens on an ephemeral loopback port of loop; returns the port. */
int fuzz_peer_listen(uv_loop_t *loop);

/** The peer the next connection serves; NULL: connections get nothing. */
void fuzz_peer_arm(fuzz_peer *p);

/** True while an accepted connection is still open. */
static inline bool fuzz_peer_busy(const fuzz_peer *p)
{
    return p->accepted && !p->closed;
}

#endif
