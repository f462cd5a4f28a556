/* libFuzzer target: a hostile peer's byte stream through the UA-TCP
 * framer, the connection-message decoders and the chunk assembler. The
 * first byte picks the read size the stream is cut into. */
#include <stdint.h>
#include <stdlib.h>

#include "ua_binary.h"
#include "ua_statuscodes.h"
#include "ua_tcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void handle(ua_assembler *a, const ua_tcp_header *h, const uint8_t *chunk)
{
    const uint8_t *body = chunk + UA_TCP_HEADER_SIZE;
    size_t len = h->size - UA_TCP_HEADER_SIZE;
    ua_tcp_limits l;
    ua_String s1, s2;
    ua_status err;
    switch (h->msg) {
    case UA_TCP_ACK:
        ua_tcp_ack_decode(body, len, &l);
        break;
    case UA_TCP_HEL:
        if (ua_tcp_hello_decode(body, len, &l, &s1) == UA_STATUS_GOOD)
            ua_clear(&s1, UA_BUILTIN(UA_KIND_STRING));
        break;
    case UA_TCP_ERR:
        if (ua_tcp_error_decode(body, len, &err, &s1) == UA_STATUS_GOOD)
            ua_clear(&s1, UA_BUILTIN(UA_KIND_STRING));
        break;
    case UA_TCP_RHE:
        if (ua_tcp_rhe_decode(body, len, &s1, &s2) == UA_STATUS_GOOD) {
            ua_clear(&s1, UA_BUILTIN(UA_KIND_STRING));
            ua_clear(&s2, UA_BUILTIN(UA_KIND_STRING));
        }
        break;
    default: {
        /* Secure chunk with policy None: channel id, token id, sequence
         * number, request id, then the body. */
        if (len < 16)
            return;
        uint32_t request_id = ua_read_u32(body + 12);
        int result;
        ua_String out;
        ua_status abort_status;
        if (ua_assembler_add(a, request_id % 64, h->chunk, body + 16, len - 16, &result, &out,
                             &abort_status) == UA_STATUS_GOOD &&
            result != UA_ASSEMBLED_NONE)
            free(out.data == UA_EMPTY_ARRAY ? NULL : out.data);
        break;
    }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t piece = (size_t)data[0] + 1;
    data++;
    size--;
    ua_framer f;
    ua_assembler a;
    ua_framer_init(&f, 8192);
    ua_assembler_init(&a, 1 << 16, 32, 1 << 20);
    for (size_t off = 0; off < size; off += piece) {
        size_t len = off + piece > size ? size - off : piece;
        if (ua_framer_push(&f, data + off, len) != UA_STATUS_GOOD)
            break;
        ua_tcp_header h;
        uint8_t *chunk;
        ua_status st;
        while ((st = ua_framer_pop(&f, &h, &chunk)) == UA_STATUS_GOOD && chunk)
            handle(&a, &h, chunk);
        if (st != UA_STATUS_GOOD)
            break;
    }
    ua_assembler_clear(&a);
    ua_framer_clear(&f);
    return 0;
}
