/* UA-TCP connection protocol and chunk framing (Part 6 (1.05) 7.1.2).
 * Pure byte handling: no sockets, no security. */
#include "ua_tcp.h"

#include <stdlib.h>
#include <string.h>

#include "ua_binary.h"
#include "ua_statuscodes.h"

static const struct {
    const char *name;
    uint8_t msg;
} msg_names[] = {
    {"HEL", UA_TCP_HEL}, {"ACK", UA_TCP_ACK}, {"ERR", UA_TCP_ERR}, {"RHE", UA_TCP_RHE},
    {"OPN", UA_TCP_OPN}, {"MSG", UA_TCP_MSG}, {"CLO", UA_TCP_CLO},
};

ua_status ua_tcp_header_parse(const uint8_t *p, uint32_t max_chunk, ua_tcp_header *out)
{
    out->msg = 0;
    for (size_t i = 0; i < sizeof(msg_names) / sizeof(msg_names[0]); i++)
        if (memcmp(p, msg_names[i].name, 3) == 0)
            out->msg = msg_names[i].msg;
    if (!out->msg)
        return UA_STATUS_BADTCPMESSAGETYPEINVALID;
    out->chunk = (char)p[3];
    bool secure = out->msg >= UA_TCP_OPN;
    /* Connection messages are always final; abort chunks only for MSG
     * (Part 6 6.7.2.3: OPN and CLO are never split). */
    if (out->chunk != 'F' && !(out->msg == UA_TCP_MSG && (out->chunk == 'C' || out->chunk == 'A')))
        return UA_STATUS_BADTCPMESSAGETYPEINVALID;
    out->size = ua_read_u32(p + 4);
    /* A secure chunk carries at least the channel id after the header. */
    if (out->size < UA_TCP_HEADER_SIZE + (secure ? 4u : 0u) || out->size > max_chunk)
        return UA_STATUS_BADTCPMESSAGETOOLARGE;
    return UA_STATUS_GOOD;
}

/* ---- message bodies ------------------------------------------------------ */

static void put_header(bbuf *out, size_t at, const char *type)
{
    memcpy(out->data + at, type, 4);
    ua_write_u32(out->data + at + 4, (uint32_t)(out->len - at));
}

static ua_status reserve_header(bbuf *out, size_t *at)
{
    static const uint8_t zero[8];
    *at = out->len;
    int rc = bbuf_append(out, zero, 8);
    return rc == BBUF_OK        ? UA_STATUS_GOOD
           : rc == BBUF_ETOOBIG ? UA_STATUS_BADENCODINGLIMITSEXCEEDED
                                : UA_STATUS_BADOUTOFMEMORY;
}

static ua_status put_limits(const ua_tcp_limits *l, bool with_version, bbuf *out)
{
    const uint32_t v[5] = {l->protocol_version, l->receive_buffer_size, l->send_buffer_size,
                           l->max_message_size, l->max_chunk_count};
    ua_status st = UA_STATUS_GOOD;
    for (int i = with_version ? 0 : 1; i < 5 && st == UA_STATUS_GOOD; i++)
        st = ua_encode(&v[i], UA_BUILTIN(UA_KIND_UINT32), out);
    return st;
}

static ua_status put_cstr(const char *s, bbuf *out)
{
    ua_String str = ua_string_borrow(s);
    if (str.length > UA_TCP_MAX_URL)
        return UA_STATUS_BADENCODINGLIMITSEXCEEDED;
    return ua_encode(&str, UA_BUILTIN(UA_KIND_STRING), out);
}

static ua_status get_limits(const uint8_t *body, size_t len, size_t *pos, ua_tcp_limits *l)
{
    if (len - *pos < 20)
        return UA_STATUS_BADDECODINGERROR;
    const uint8_t *p = body + *pos;
    l->protocol_version = ua_read_u32(p);
    l->receive_buffer_size = ua_read_u32(p + 4);
    l->send_buffer_size = ua_read_u32(p + 8);
    l->max_message_size = ua_read_u32(p + 12);
    l->max_chunk_count = ua_read_u32(p + 16);
    *pos += 20;
    return UA_STATUS_GOOD;
}

static ua_status get_string(const uint8_t *body, size_t len, size_t *pos, ua_String *s)
{
    ua_limits lim = ua_default_limits;
    lim.max_string_length = UA_TCP_MAX_URL;
    ua_decode_opts opts = {&lim, NULL, NULL};
    return ua_decode(body, len, pos, s, UA_BUILTIN(UA_KIND_STRING), &opts);
}

ua_status ua_tcp_hello_encode(const ua_tcp_limits *l, const char *endpoint_url, bbuf *out)
{
    size_t at, before = out->len;
    ua_status st = reserve_header(out, &at);
    if (st == UA_STATUS_GOOD)
        st = put_limits(l, true, out);
    if (st == UA_STATUS_GOOD)
        st = put_cstr(endpoint_url, out);
    if (st != UA_STATUS_GOOD) {
        out->len = before;
        return st;
    }
    put_header(out, at, "HELF");
    return UA_STATUS_GOOD;
}

ua_status ua_tcp_hello_decode(const uint8_t *body, size_t len, ua_tcp_limits *l, ua_String *url)
{
    size_t pos = 0;
    url->data = NULL;
    url->length = 0;
    ua_status st = get_limits(body, len, &pos, l);
    return st == UA_STATUS_GOOD ? get_string(body, len, &pos, url) : st;
}

ua_status ua_tcp_ack_encode(const ua_tcp_limits *l, bbuf *out)
{
    size_t at, before = out->len;
    ua_status st = reserve_header(out, &at);
    if (st == UA_STATUS_GOOD)
        st = put_limits(l, true, out);
    if (st != UA_STATUS_GOOD) {
        out->len = before;
        return st;
    }
    put_header(out, at, "ACKF");
    return UA_STATUS_GOOD;
}

ua_status ua_tcp_ack_decode(const uint8_t *body, size_t len, ua_tcp_limits *l)
{
    size_t pos = 0;
    return get_limits(body, len, &pos, l);
}

ua_status ua_tcp_negotiate(const ua_tcp_limits *hello, const ua_tcp_limits *ack,
                           uint32_t *send_chunk, uint32_t *recv_chunk)
{
    /* The server's receive buffer bounds what we send; its send buffer
     * must not exceed our receive buffer. Both at least 8192. */
    if (ack->receive_buffer_size < UA_TCP_MIN_BUFFER || ack->send_buffer_size < UA_TCP_MIN_BUFFER)
        return UA_STATUS_BADCONNECTIONREJECTED;
    if (ack->send_buffer_size > hello->receive_buffer_size)
        return UA_STATUS_BADCONNECTIONREJECTED;
    *send_chunk = ack->receive_buffer_size < hello->send_buffer_size ? ack->receive_buffer_size
                                                                     : hello->send_buffer_size;
    *recv_chunk = hello->receive_buffer_size;
    return UA_STATUS_GOOD;
}

ua_status ua_tcp_error_encode(ua_status error, const char *reason, bbuf *out)
{
    size_t at, before = out->len;
    ua_status st = reserve_header(out, &at);
    if (st == UA_STATUS_GOOD)
        st = ua_encode(&error, UA_BUILTIN(UA_KIND_UINT32), out);
    if (st == UA_STATUS_GOOD)
        st = put_cstr(reason, out);
    if (st != UA_STATUS_GOOD) {
        out->len = before;
        return st;
    }
    put_header(out, at, "ERRF");
    return UA_STATUS_GOOD;
}

ua_status ua_tcp_error_decode(const uint8_t *body, size_t len, ua_status *error, ua_String *reason)
{
    reason->data = NULL;
    reason->length = 0;
    if (len < 4)
        return UA_STATUS_BADDECODINGERROR;
    *error = ua_read_u32(body);
    size_t pos = 4;
    return get_string(body, len, &pos, reason);
}

ua_status ua_tcp_rhe_encode(const char *server_uri, const char *endpoint_url, bbuf *out)
{
    size_t at, before = out->len;
    ua_status st = reserve_header(out, &at);
    if (st == UA_STATUS_GOOD)
        st = put_cstr(server_uri, out);
    if (st == UA_STATUS_GOOD)
        st = put_cstr(endpoint_url, out);
    if (st != UA_STATUS_GOOD) {
        out->len = before;
        return st;
    }
    put_header(out, at, "RHEF");
    return UA_STATUS_GOOD;
}

ua_status ua_tcp_rhe_decode(const uint8_t *body, size_t len, ua_String *server_uri,
                            ua_String *endpoint_url)
{
    size_t pos = 0;
    endpoint_url->data = NULL;
    endpoint_url->length = 0;
    ua_status st = get_string(body, len, &pos, server_uri);
    if (st == UA_STATUS_GOOD)
        st = get_string(body, len, &pos, endpoint_url);
    if (st != UA_STATUS_GOOD)
        ua_clear(server_uri, UA_BUILTIN(UA_KIND_STRING));
    return st;
}

/* ---- framer -------------------------------------------------------------- */

void ua_framer_init(ua_framer *f, uint32_t max_chunk)
{
    /* Room for one whole chunk plus one socket read beyond it. */
    bbuf_init(&f->buf, (size_t)max_chunk + 65536);
    f->start = 0;
    f->max_chunk = max_chunk;
}

void ua_framer_clear(ua_framer *f)
{
    bbuf_clear(&f->buf);
    f->start = 0;
}

static void compact(ua_framer *f)
{
    if (f->start > 0) {
        bbuf_consume(&f->buf, f->start);
        f->start = 0;
    }
}

ua_status ua_framer_push(ua_framer *f, const uint8_t *data, size_t len)
{
    compact(f);
    /* The caller pops every complete chunk after each push, so what stays
     * buffered is at most one partial chunk plus this read. */
    int rc = bbuf_append(&f->buf, data, len);
    if (rc == BBUF_OK)
        return UA_STATUS_GOOD;
    return rc == BBUF_ETOOBIG ? UA_STATUS_BADTCPMESSAGETOOLARGE : UA_STATUS_BADOUTOFMEMORY;
}

ua_status ua_framer_pop(ua_framer *f, ua_tcp_header *hdr, uint8_t **chunk)
{
    *chunk = NULL;
    size_t avail = f->buf.len - f->start;
    if (avail < UA_TCP_HEADER_SIZE)
        return UA_STATUS_GOOD;
    uint8_t *p = f->buf.data + f->start;
    ua_status st = ua_tcp_header_parse(p, f->max_chunk, hdr);
    if (st != UA_STATUS_GOOD)
        return st;
    if (avail < hdr->size)
        return UA_STATUS_GOOD;
    *chunk = p;
    f->start += hdr->size;
    return UA_STATUS_GOOD;
}

/* ---- assembler ------------------------------------------------------------ */

void ua_assembler_init(ua_assembler *a, uint32_t max_message_size, uint32_t max_chunk_count,
                       size_t hard_max)
{
    memset(a, 0, sizeof(*a));
    a->max_message_size = max_message_size;
    a->max_chunk_count = max_chunk_count;
    a->hard_max = hard_max;
}

static void drop(struct ua_partial *p)
{
    bbuf_clear(&p->body);
    p->used = false;
    p->chunks = 0;
}

void ua_assembler_clear(ua_assembler *a)
{
    for (int i = 0; i < UA_ASSEMBLER_MAX_PARTIAL; i++)
        drop(&a->partial[i]);
}

static struct ua_partial *find(ua_assembler *a, uint32_t request_id, bool create)
{
    struct ua_partial *free_slot = NULL;
    for (int i = 0; i < UA_ASSEMBLER_MAX_PARTIAL; i++) {
        if (a->partial[i].used && a->partial[i].request_id == request_id)
            return &a->partial[i];
        if (!a->partial[i].used && !free_slot)
            free_slot = &a->partial[i];
    }
    if (!create || !free_slot)
        return NULL;
    size_t max = a->hard_max;
    if (a->max_message_size && a->max_message_size < max)
        max = a->max_message_size;
    free_slot->used = true;
    free_slot->request_id = request_id;
    free_slot->chunks = 0;
    bbuf_init(&free_slot->body, max);
    return free_slot;
}

ua_status ua_assembler_add(ua_assembler *a, uint32_t request_id, char chunk_type,
                           const uint8_t *body, size_t len, int *result, ua_String *out,
                           ua_status *abort_status)
{
    *result = UA_ASSEMBLED_NONE;
    out->data = NULL;
    out->length = 0;
    if (chunk_type == 'A') {
        struct ua_partial *p = find(a, request_id, false);
        if (p)
            drop(p);
        *result = UA_ASSEMBLED_ABORTED;
        if (ua_tcp_error_decode(body, len, abort_status, out) != UA_STATUS_GOOD)
            *abort_status = UA_STATUS_BADTCPINTERNALERROR;
        return UA_STATUS_GOOD;
    }
    if (chunk_type != 'C' && chunk_type != 'F')
        return UA_STATUS_BADTCPMESSAGETYPEINVALID;
    struct ua_partial *p = find(a, request_id, true);
    if (!p)
        return UA_STATUS_BADTCPNOTENOUGHRESOURCES;
    p->chunks++;
    if (a->max_chunk_count && p->chunks > a->max_chunk_count) {
        drop(p);
        return UA_STATUS_BADRESPONSETOOLARGE;
    }
    int rc = bbuf_append(&p->body, body, len);
    if (rc != BBUF_OK) {
        drop(p);
        return rc == BBUF_ETOOBIG ? UA_STATUS_BADRESPONSETOOLARGE : UA_STATUS_BADOUTOFMEMORY;
    }
    if (chunk_type == 'C')
        return UA_STATUS_GOOD;
    size_t n;
    uint8_t *data = bbuf_take(&p->body, &n);
    drop(p);
    if (!data) {
        /* An empty final chunk: hand out a non-null empty body. */
        data = malloc(1);
        if (!data)
            return UA_STATUS_BADOUTOFMEMORY;
    }
    out->data = data;
    out->length = n;
    *result = UA_ASSEMBLED_MESSAGE;
    return UA_STATUS_GOOD;
}
