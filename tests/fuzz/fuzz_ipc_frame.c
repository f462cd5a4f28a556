/* libFuzzer target: a hostile IPC client's bytes through the connection's
 * framing, JSON decoding and auth (ipc_frame.c), then the reply writer and
 * the error envelope, in memory. The sockets around it are covered by
 * tests/unit/ipc. Byte 0 picks the read size the stream is cut into;
 * byte 1: bit 0 = a token is configured, bit 1 = small limits (so the
 * limit paths are reached with short inputs). The whole input also goes
 * through the JSON decoder's fast path, whose answer must be jansson's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc_errors.h"
#include "ipc_frame.h"
#include "ipc_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TOKEN "fuzz-token"

/* Every reply must be ASCII JSON without raw control bytes that reads back. */
static void write_reply(json_t *reply)
{
    bbuf out;
    bbuf_init(&out, 1u << 22);
    int rc = ipc_json_dump(reply, &out);
    if (rc == 0) {
        for (size_t i = 0; i < out.len; i++) {
            if (out.data[i] < 0x20 || out.data[i] > 0x7f) /* DEL stays raw, as in PHP */
                abort();
        }
        json_error_t err;
        json_t *back = json_loadb((const char *)out.data, out.len, JSON_DECODE_ANY, &err);
        if (!back)
            abort();
        json_decref(back);
    }
    bbuf_clear(&out);
    json_decref(reply);
}

/* The fast path either declines or gives what json_loadb gives: the same
 * values of the same types, keys in the same order. */
static void check_fast_path(const char *text, size_t len)
{
    json_t *fast = ipc_json_decode_fast(text, len);
    if (!fast)
        return;
    json_error_t err;
    json_t *ref = json_loadb(text, len, 0, &err);
    if (!ref || !json_equal(fast, ref))
        abort();
    bbuf a, b;
    bbuf_init(&a, 1u << 24);
    bbuf_init(&b, 1u << 24);
    int ra = ipc_json_dump(fast, &a), rb = ipc_json_dump(ref, &b);
    if (ra != rb || a.len != b.len || (a.len && memcmp(a.data, b.data, a.len) != 0))
        abort();
    bbuf_clear(&a);
    bbuf_clear(&b);
    json_decref(fast);
    json_decref(ref);
}

enum outcome { LINE_FINAL, LINE_KEEP, LINE_LAST };

/* One line as the connection handles it: an IPC-layer error ends the
 * connection at once; a request without keepAlive after the lines already
 * received. */
static enum outcome handle_line(const char *line, size_t len, bool with_token)
{
    json_t *req;
    enum ipc_error e = ipc_frame_decode(line, len, with_token ? TOKEN : NULL,
                                        with_token ? strlen(TOKEN) : 0, &req);
    if (e != IPC_OK) {
        write_reply(ipc_error_envelope(e, NULL));
        return LINE_FINAL;
    }
    bool keep = ipc_frame_keep_alive(req);
    /* what a command handler would echo back, and a sanitised error */
    write_reply(ipc_success_envelope(json_incref(req)));
    size_t n;
    char *msg = ipc_sanitize_message(line, len, &n);
    if (msg) {
        if (n > IPC_SANITIZE_MAX + 3)
            abort();
        write_reply(ipc_error_envelope(IPC_ERR_EXCEPTION, msg));
        free(msg);
    }
    json_decref(req);
    return keep ? LINE_KEEP : LINE_LAST;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t piece = (size_t)data[0] + 1;
    bool with_token = data[1] & 1;
    bool small = data[1] & 2;
    data += 2;
    size -= 2;
    check_fast_path((const char *)data, size);
    ipc_framer f;
    ipc_framer_init(&f, small ? 512 : IPC_DEFAULT_MAX_BUFFER, small ? 128 : IPC_DEFAULT_MAX_FRAME);
    bool open = true;
    for (size_t at = 0; open && at < size; at += piece) {
        size_t n = size - at < piece ? size - at : piece;
        int rc = ipc_framer_feed(&f, data + at, n);
        if (rc != 0) {
            write_reply(ipc_error_envelope(IPC_ERR_PAYLOAD_TOO_LARGE, IPC_MSG_BUFFER_TOO_LARGE));
            break;
        }
        /* Like the connection: every complete line is answered until one
         * that ends it (§9 #1); keepAlive lets the next read in. */
        bool keep = true;
        for (;;) {
            const char *line;
            size_t len;
            int r = ipc_framer_next(&f, &line, &len);
            if (r == IPC_FRAME_NONE)
                break;
            if (r == IPC_FRAME_TOO_LONG) {
                write_reply(ipc_error_envelope(IPC_ERR_PAYLOAD_TOO_LARGE, IPC_MSG_FRAME_TOO_LARGE));
                open = false;
                break;
            }
            if (len > f.max_frame)
                abort();
            enum outcome o = handle_line(line, len, with_token);
            if (o == LINE_FINAL) {
                open = false;
                break;
            }
            if (o == LINE_LAST)
                keep = false;
        }
        if (!keep)
            open = false;
    }
    ipc_framer_clear(&f);
    return 0;
}
