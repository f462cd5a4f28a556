/* Bounded growable byte buffer: appends fail cleanly past a fixed maximum
 * instead of growing without end. Used for encoded messages, chunk
 * reassembly and NDJSON lines. Not thread-safe; one owner at a time. */
#ifndef UTIL_BBUF_H
#define UTIL_BBUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct bbuf {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t max; /* hard ceiling on len */
} bbuf;

/* Error returns of the append/reserve verbs. */
#define BBUF_OK      0
#define BBUF_ENOMEM  (-12)
#define BBUF_ETOOBIG (-27)

/** Initialises an empty buffer that may hold at most max bytes. */
void bbuf_init(bbuf *b, size_t max);
/** Releases the memory and leaves the buffer empty (max is kept). */
void bbuf_clear(bbuf *b);
/** Makes room for n more bytes. Returns BBUF_OK, BBUF_ENOMEM or BBUF_ETOOBIG. */
int bbuf_reserve(bbuf *b, size_t n);
/** Appends n bytes. Same returns as bbuf_reserve. */
int bbuf_append(bbuf *b, const void *p, size_t n);
/** Drops the first n bytes (n <= len), keeping the rest. */
void bbuf_consume(bbuf *b, size_t n);
/** Returns the owned data and leaves the buffer empty; caller frees. */
uint8_t *bbuf_take(bbuf *b, size_t *len);

#endif
