/* A bounded FIFO of text lines, the queue of one watch client
 * (daemon_notify.c). Overflow policy: a push into a full queue drops the
 * oldest line and counts it, so the queue never blocks nor grows. Pure
 * bookkeeping, no I/O. */
#ifndef DAEMON_NQUEUE_H
#define DAEMON_NQUEUE_H

#include <stddef.h>
#include <stdint.h>

/* A bounded FIFO of lines (pure; no I/O). */
typedef struct nqueue {
    char **lines; /* ring of cap slots, each owned */
    size_t *lens;
    size_t cap, head, count;
    uint64_t dropped; /* lines dropped because the queue was full, ever */
} nqueue;

/** Returns 0, or -1 when out of memory (q is then zeroed). cap >= 1. */
int nqueue_init(nqueue *q, size_t cap);
/** Frees every queued line; leaves q zeroed. Accepts a zeroed queue. */
void nqueue_clear(nqueue *q);
/** Appends a copy of line (len bytes). When the queue is full the oldest
 *  line goes first and is counted in dropped. Returns the number of lines
 *  dropped by this call (0 or 1), or -1 when out of memory (nothing
 *  changed). */
int nqueue_push(nqueue *q, const char *line, size_t len);
/** The oldest line (borrowed until the next pop), or NULL when empty. */
const char *nqueue_peek(const nqueue *q, size_t *len);
void nqueue_pop(nqueue *q);

#endif
