/* NDJSON line splitting with the reference daemon's limits and order of
 * checks (ipc-protocol.md §1.1 step 3), then decode + auth of one line
 * (steps 4-5, §4). No sockets and no timers here. */
#include "ipc_frame.h"

#include <string.h>

#include "ipc_json.h"

void ipc_framer_init(ipc_framer *f, size_t max_buffer, size_t max_frame)
{
    bbuf_init(&f->buf, max_buffer);
    f->off = 0;
    f->scanned = 0;
    f->max_buffer = max_buffer;
    f->max_frame = max_frame;
}

void ipc_framer_clear(ipc_framer *f)
{
    bbuf_clear(&f->buf);
    f->off = 0;
    f->scanned = 0;
}

size_t ipc_framer_pending(const ipc_framer *f)
{
    return f->buf.len - f->off;
}

int ipc_framer_feed(ipc_framer *f, const void *p, size_t n)
{
    /* §1.1: "buffer length > 1 048 576" is checked on every chunk, before
     * looking for a newline. */
    if (n > f->max_buffer - ipc_framer_pending(f))
        return IPC_FRAME_FULL;
    if (f->off > 0) {
        bbuf_consume(&f->buf, f->off);
        f->off = 0;
    }
    int rc = bbuf_append(&f->buf, p, n);
    if (rc == BBUF_ENOMEM)
        return IPC_FRAME_ENOMEM;
    return rc == BBUF_OK ? 0 : IPC_FRAME_FULL;
}

int ipc_framer_next(ipc_framer *f, const char **line, size_t *len)
{
    const char *start = (const char *)f->buf.data + f->off;
    size_t avail = ipc_framer_pending(f);
    if (f->scanned >= avail)
        return IPC_FRAME_NONE;
    const char *nl = memchr(start + f->scanned, '\n', avail - f->scanned);
    if (!nl) {
        f->scanned = avail;
        return IPC_FRAME_NONE;
    }
    size_t at = (size_t)(nl - start);
    if (at > f->max_frame)
        return IPC_FRAME_TOO_LONG;
    *line = start;
    *len = at;
    f->off += at + 1;
    f->scanned = 0;
    return IPC_FRAME_LINE;
}

/* hash_equals: the time depends only on the configured token's length. */
static bool token_equal(const char *want, size_t want_len, const char *got, size_t got_len)
{
    volatile unsigned char diff = got_len != want_len;
    for (size_t i = 0; i < want_len; i++) {
        unsigned char g = got_len ? (unsigned char)got[i % got_len] : 0;
        diff |= (unsigned char)(g ^ (unsigned char)want[i]);
    }
    return diff == 0;
}

enum ipc_error ipc_frame_decode(const char *line, size_t len, const char *token, size_t token_len,
                                json_t **out)
{
    *out = NULL;
    json_t *req = ipc_json_decode(line, len);
    if (!req)
        return IPC_ERR_INVALID_JSON;
    if (token) {
        /* A top-level array has no members: PHP's $request['authToken']
         * is null there, so it fails like a missing token. */
        json_t *t = json_is_object(req) ? json_object_get(req, "authToken") : NULL;
        if (!json_is_string(t) ||
            !token_equal(token, token_len, json_string_value(t), json_string_length(t))) {
            json_decref(req);
            return IPC_ERR_AUTH_FAILED;
        }
        json_object_del(req, "authToken");
    }
    *out = req;
    return IPC_OK;
}

bool ipc_frame_keep_alive(const json_t *request)
{
    return json_is_object(request) && json_is_true(json_object_get(request, "keepAlive"));
}
