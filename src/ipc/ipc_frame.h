/* NDJSON framing of one IPC connection without any socket (ipc-protocol.md
 * §1.1 steps 3-5): the bounded line buffer with the 1 MiB and 65 536-byte
 * checks, and the per-line decode + auth step. ipc_conn.c drives it from
 * libuv reads; the fuzz target drives it from memory. */
#ifndef IPC_FRAME_H
#define IPC_FRAME_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "ipc_errors.h"
#include "util/bbuf.h"

#define IPC_DEFAULT_MAX_BUFFER 1048576u
#define IPC_DEFAULT_MAX_FRAME  65536u

/* Results of the framer verbs. */
#define IPC_FRAME_NONE     0 /* no complete line yet */
#define IPC_FRAME_LINE     1 /* a line was returned */
#define IPC_FRAME_TOO_LONG 2 /* the next line exceeds max_frame */
#define IPC_FRAME_FULL     3 /* the buffer would exceed max_buffer */
#define IPC_FRAME_ENOMEM   (-12)

typedef struct ipc_framer {
    bbuf buf;       /* unconsumed bytes are data[off .. len) */
    size_t off;     /* start of the unconsumed bytes */
    size_t scanned; /* bytes after off known to hold no '\n' */
    size_t max_buffer;
    size_t max_frame;
} ipc_framer;

/** Initialises an empty framer with the two limits of §1.1 step 3. */
void ipc_framer_init(ipc_framer *f, size_t max_buffer, size_t max_frame);
/** Releases the buffer; leaves an empty framer with the same limits. */
void ipc_framer_clear(ipc_framer *f);
/** Appends n received bytes (borrowed). Returns 0, IPC_FRAME_FULL when the
 * unconsumed bytes would be more than max_buffer (nothing is appended; the
 * caller answers payload_too_large), or IPC_FRAME_ENOMEM. Invalidates lines
 * returned before. */
int ipc_framer_feed(ipc_framer *f, const void *p, size_t n);
/** Takes the next complete line. IPC_FRAME_LINE: *line and *len point into the
 * framer (borrowed, without the '\n', valid until the next feed).
 * IPC_FRAME_TOO_LONG: the text before the next '\n' is longer than
 * max_frame (nothing is consumed). IPC_FRAME_NONE: no '\n' yet. */
int ipc_framer_next(ipc_framer *f, const char **line, size_t *len);
/** Number of unconsumed bytes. */
size_t ipc_framer_pending(const ipc_framer *f);

/** Decodes one frame and checks the token (§1.1 steps 4-5, §4). token may
 * be NULL (no check). On IPC_OK *out is the request (owned by the caller)
 * with `authToken` removed; otherwise *out is NULL and the result is
 * IPC_ERR_INVALID_JSON or IPC_ERR_AUTH_FAILED. The token compare takes the
 * same time for every token of the configured length. */
enum ipc_error ipc_frame_decode(const char *line, size_t len, const char *token, size_t token_len,
                                json_t **out);
/** True when the request asks to keep the connection open for the next
 * request: an object whose `keepAlive` member is JSON true (§9 #2). */
bool ipc_frame_keep_alive(const json_t *request);

#endif
