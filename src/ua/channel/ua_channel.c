/* Secure channel state machine on libuv (Part 6 (1.05) 6.7.2-6.7.6, 7.1).
 * States: idle -> resolving -> connecting -> hello -> opening -> open ->
 * closing -> closed. One object per connection; reconnecting means a new
 * channel. The object dies only once every libuv handle it owns is closed
 * and no getaddrinfo is in flight ("free asynchronously"). */
#include "ua_channel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ua_binary.h"
#include "ua_crypto.h"
#include "ua_policy.h"
#include "ua_statuscodes.h"
#include "ua_tcp.h"
#include "ua_text.h"
#include "util/log.h"
#include "util/sock.h"

#define POLICY_NONE_URI "http://opcfoundation.org/UA/SecurityPolicy#None"
#define SEQ_WRAP        4294966271u /* Part 6 6.7.2.4: wrap below 2^32 - 1024 */
#define MAX_NONCE       64

enum ch_state {
    CH_IDLE,
    CH_RESOLVING,
    CH_CONNECTING,
    CH_HELLO,
    CH_OPENING,
    CH_OPEN,
    CH_CLOSING,
    CH_CLOSED
};

struct ua_channel {
    uv_loop_t *loop;
    ua_channel_config cfg;
    ua_channel_callbacks cb;
    void *ud;
    enum ch_state state;
    bool deleted;      /* owner let go: free when handles are closed */
    bool closed_fired; /* on_closed was called */
    int handles_open;  /* libuv handles not yet closed */
    bool resolving;    /* a getaddrinfo is in flight */

    char url[1024];
    char host[256];
    uint16_t port;

    uv_getaddrinfo_t gai;
    uv_connect_t connect_req;
    uv_tcp_t tcp;
    uv_timer_t timer; /* connect deadline, then token renewal */
    uv_shutdown_t shutdown_req;

    ua_tcp_limits hello;
    uint32_t send_chunk;
    uint32_t server_max_message; /* 0 = no limit */
    uint32_t server_max_chunks;  /* 0 = no limit */
    ua_framer framer;
    ua_assembler assembler;

    uint32_t channel_id;
    uint32_t token_id;
    uint32_t prev_token_id;
    uint32_t token_lifetime;
    uint32_t send_seq;
    uint32_t recv_seq; /* last sequence number received; 0 = none yet */
    uint32_t next_request_id;
    uint32_t opn_request_id; /* outstanding OPN (issue or renew), 0 = none */

    /* security: cfg.local_cert and cfg.remote_cert point at owned copies */
    bool secured;             /* a policy other than None */
    ua_policy_ctx *own_ctx;   /* built from local_key + remote_cert, or NULL */
    uint8_t local_thumb[20];  /* SHA-1 of our certificate */
    uint8_t remote_thumb[20]; /* SHA-1 of the server's */
    uint8_t nonce[MAX_NONCE]; /* our nonce of the outstanding OPN */
};

typedef struct write_req {
    uv_write_t req;
    uv_buf_t buf;
    ua_channel *ch;
} write_req;

static void fail(ua_channel *ch, ua_status reason);

void ua_channel_config_default(ua_channel_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->receive_buffer_size = 65536;
    cfg->send_buffer_size = 65536;
    cfg->max_message_size = 16u << 20;
    cfg->requested_lifetime_ms = 3600000;
    cfg->connect_timeout_ms = 10000;
    cfg->security_mode = UA_MESSAGESECURITYMODE_NONE;
}

ua_status ua_url_parse(const char *url, char *host, size_t host_size, uint16_t *port)
{
    static const char scheme[] = "opc.tcp://";
    if (!url || strncmp(url, scheme, sizeof(scheme) - 1) != 0)
        return UA_STATUS_BADTCPENDPOINTURLINVALID;
    const char *h = url + sizeof(scheme) - 1;
    const char *end;
    const char *after;
    if (*h == '[') {
        end = strchr(h, ']');
        if (!end)
            return UA_STATUS_BADTCPENDPOINTURLINVALID;
        h++;
        after = end + 1;
    } else {
        end = h + strcspn(h, ":/");
        after = end;
    }
    size_t n = (size_t)(end - h);
    if (n == 0 || n >= host_size)
        return UA_STATUS_BADTCPENDPOINTURLINVALID;
    for (size_t i = 0; i < n; i++) {
        char ch = h[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_' ||
                  (h[-1] == '[' && (ch == ':' || ch == '%'));
        if (!ok)
            return UA_STATUS_BADTCPENDPOINTURLINVALID;
    }
    memcpy(host, h, n);
    host[n] = 0;
    *port = 4840;
    if (*after == ':') {
        char *stop;
        unsigned long p = strtoul(after + 1, &stop, 10);
        if (stop == after + 1 || p == 0 || p > 65535 || (*stop && *stop != '/'))
            return UA_STATUS_BADTCPENDPOINTURLINVALID;
        *port = (uint16_t)p;
    } else if (*after && *after != '/') {
        return UA_STATUS_BADTCPENDPOINTURLINVALID;
    }
    return UA_STATUS_GOOD;
}

ua_channel *ua_channel_new(uv_loop_t *loop, const ua_channel_config *cfg,
                           const ua_channel_callbacks *cb, void *ud)
{
    ua_channel *ch = calloc(1, sizeof(*ch));
    if (!ch)
        return NULL;
    ch->loop = loop;
    ch->cfg = *cfg;
    if (!ch->cfg.policy)
        ch->cfg.policy = &ua_sec_ops_none;
    if (ch->cfg.receive_buffer_size < UA_TCP_MIN_BUFFER)
        ch->cfg.receive_buffer_size = UA_TCP_MIN_BUFFER;
    if (ch->cfg.send_buffer_size < UA_TCP_MIN_BUFFER)
        ch->cfg.send_buffer_size = UA_TCP_MIN_BUFFER;
    ch->cfg.local_cert = (ua_ByteString){0, NULL};
    ch->cfg.remote_cert = (ua_ByteString){0, NULL};
    if (ua_copy(&cfg->local_cert, &ch->cfg.local_cert, UA_BUILTIN(UA_KIND_BYTESTRING)) !=
            UA_STATUS_GOOD ||
        ua_copy(&cfg->remote_cert, &ch->cfg.remote_cert, UA_BUILTIN(UA_KIND_BYTESTRING)) !=
            UA_STATUS_GOOD ||
        (cfg->local_key && EVP_PKEY_up_ref(cfg->local_key) != 1)) {
        ua_clear(&ch->cfg.local_cert, UA_BUILTIN(UA_KIND_BYTESTRING));
        ua_clear(&ch->cfg.remote_cert, UA_BUILTIN(UA_KIND_BYTESTRING));
        free(ch);
        return NULL;
    }
    ch->cb = *cb;
    ch->ud = ud;
    ch->state = CH_IDLE;
    ch->next_request_id = 1;
    ch->send_seq = 1;
    ua_framer_init(&ch->framer, ch->cfg.receive_buffer_size);
    uint32_t chunks = ch->cfg.max_chunk_count;
    if (chunks == 0)
        chunks = ch->cfg.max_message_size / (ch->cfg.receive_buffer_size - 24) + 1;
    ua_assembler_init(&ch->assembler, ch->cfg.max_message_size, chunks, 64u << 20);
    return ch;
}

/* ---- teardown --------------------------------------------------------- */

static void maybe_free(ua_channel *ch)
{
    if (!ch->deleted || ch->handles_open > 0 || ch->resolving)
        return;
    ua_framer_clear(&ch->framer);
    ua_assembler_clear(&ch->assembler);
    ua_policy_ctx_delete(ch->own_ctx);
    EVP_PKEY_free(ch->cfg.local_key);
    ua_clear(&ch->cfg.local_cert, UA_BUILTIN(UA_KIND_BYTESTRING));
    ua_clear(&ch->cfg.remote_cert, UA_BUILTIN(UA_KIND_BYTESTRING));
    OPENSSL_cleanse(ch->nonce, sizeof(ch->nonce));
    free(ch);
}

static void on_handle_closed(uv_handle_t *h)
{
    ua_channel *ch = h->data;
    ch->handles_open--;
    maybe_free(ch);
}

static void close_handles(ua_channel *ch)
{
    if (ch->handles_open == 0)
        return;
    if (!uv_is_closing((uv_handle_t *)&ch->timer))
        uv_close((uv_handle_t *)&ch->timer, on_handle_closed);
    if (!uv_is_closing((uv_handle_t *)&ch->tcp))
        uv_close((uv_handle_t *)&ch->tcp, on_handle_closed);
}

/* Ends the channel: the socket is closed and on_closed fires once. */
static void fail(ua_channel *ch, ua_status reason)
{
    if (ch->state == CH_CLOSED)
        return;
    enum ch_state was = ch->state;
    ch->state = CH_CLOSED;
    if (ch->resolving)
        uv_cancel((uv_req_t *)&ch->gai);
    close_handles(ch);
    if (ch->deleted)
        return;
    if (was < CH_OPEN && ch->cb.on_open && reason != UA_STATUS_GOOD)
        ch->cb.on_open(ch->ud, reason);
    if (!ch->closed_fired) {
        ch->closed_fired = true;
        if (ch->cb.on_closed)
            ch->cb.on_closed(ch->ud, reason);
    }
}

void ua_channel_delete(ua_channel *ch)
{
    if (!ch)
        return;
    ch->deleted = true;
    if (ch->state != CH_CLOSED) {
        ch->state = CH_CLOSED;
        if (ch->resolving)
            uv_cancel((uv_req_t *)&ch->gai);
        close_handles(ch);
    }
    maybe_free(ch);
}

/* ---- writing ---------------------------------------------------------- */

static void on_written(uv_write_t *req, int status)
{
    write_req *w = (write_req *)req;
    ua_channel *ch = w->ch;
    free(w->buf.base);
    free(w);
    if (status < 0 && status != UV_ECANCELED && ch->state != CH_CLOSED) {
        log_debug("channel %u: write failed: %s", (unsigned)ch->channel_id, uv_strerror(status));
        fail(ch, UA_STATUS_BADCONNECTIONCLOSED);
    }
}

/* Sends the buffer's bytes; takes them (the bbuf is left empty). */
static ua_status write_bytes(ua_channel *ch, bbuf *b)
{
    write_req *w = calloc(1, sizeof(*w));
    if (!w) {
        bbuf_clear(b);
        return UA_STATUS_BADOUTOFMEMORY;
    }
    size_t len;
    w->buf.base = (char *)bbuf_take(b, &len);
    w->buf.len = len;
    w->ch = ch;
    /* Most messages fit the socket buffer: written at once they cost one
     * system call, where a queued uv_write also re-arms the poll (another
     * epoll_ctl). Only while nothing is queued, so the order holds; what
     * is left (or an error, reported the queued way) goes through
     * uv_write. MSG_NOSIGNAL: a peer gone must not raise SIGPIPE. */
    uv_buf_t buf = uv_buf_init(w->buf.base, (unsigned)len);
    uv_os_fd_t fd;
    ssize_t done = uv_stream_get_write_queue_size((uv_stream_t *)&ch->tcp) == 0 &&
                           uv_fileno((uv_handle_t *)&ch->tcp, &fd) == 0
                       ? osm_send_now(fd, w->buf.base, len)
                       : 0;
    if (done == (ssize_t)len) {
        free(w->buf.base);
        free(w);
        return UA_STATUS_GOOD;
    }
    if (done > 0)
        buf = uv_buf_init(w->buf.base + done, (unsigned)(len - (size_t)done));
    int rc = uv_write(&w->req, (uv_stream_t *)&ch->tcp, &buf, 1, on_written); /* copies buf */
    if (rc < 0) {
        free(w->buf.base);
        free(w);
        return UA_STATUS_BADCONNECTIONCLOSED;
    }
    return UA_STATUS_GOOD;
}

static ua_status put_u32(bbuf *b, uint32_t v)
{
    uint8_t x[4];
    ua_write_u32(x, v);
    return bbuf_append(b, x, 4) == BBUF_OK ? UA_STATUS_GOOD : UA_STATUS_BADOUTOFMEMORY;
}

static uint32_t next_seq(ua_channel *ch)
{
    uint32_t s = ch->send_seq;
    ch->send_seq = s >= SEQ_WRAP ? 1 : s + 1;
    return s;
}

static uint32_t next_request_id(ua_channel *ch)
{
    uint32_t id = ch->next_request_id++;
    if (ch->next_request_id == 0)
        ch->next_request_id = 1;
    return id;
}

/* ---- OpenSecureChannel ------------------------------------------------- */

/* The headers of an OPN chunk: message header and asymmetric security
 * header (Part 6 6.7.2.3). */
static ua_status opn_headers(ua_channel *ch, bbuf *h)
{
    static const uint8_t head[8] = {'O', 'P', 'N', 'F'};
    ua_String policy = ua_string_borrow(ch->cfg.policy->uri);
    /* None: both null. Else our certificate and the SHA-1 thumbprint of
     * the server's. */
    ua_ByteString sender = {0, NULL};
    ua_ByteString thumb = {0, NULL};
    if (ch->secured) {
        sender = ch->cfg.local_cert;
        thumb.data = ch->remote_thumb;
        thumb.length = sizeof(ch->remote_thumb);
    }
    ua_status st = bbuf_append(h, head, 8) == BBUF_OK ? UA_STATUS_GOOD : UA_STATUS_BADOUTOFMEMORY;
    if (st == UA_STATUS_GOOD)
        st = put_u32(h, ch->channel_id);
    if (st == UA_STATUS_GOOD)
        st = ua_encode(&policy, UA_BUILTIN(UA_KIND_STRING), h);
    if (st == UA_STATUS_GOOD)
        st = ua_encode(&sender, UA_BUILTIN(UA_KIND_BYTESTRING), h);
    if (st == UA_STATUS_GOOD)
        st = ua_encode(&thumb, UA_BUILTIN(UA_KIND_BYTESTRING), h);
    return st;
}

static ua_status send_opn(ua_channel *ch, int32_t request_type)
{
    ua_OpenSecureChannelRequest req;
    ua_init(&req, UA_TYPE_OPENSECURECHANNELREQUEST);
    req.requestHeader.timestamp = ua_datetime_now();
    req.requestHeader.timeoutHint = ch->cfg.connect_timeout_ms;
    req.clientProtocolVersion = 0;
    req.requestType = request_type;
    req.securityMode = ch->cfg.security_mode;
    req.requestedLifetime = ch->cfg.requested_lifetime_ms;
    /* Part 6 6.7.4: a fresh nonce of the policy's length with every OPN. */
    uint32_t nonce_len = ch->cfg.policy->nonce_length;
    if (nonce_len > MAX_NONCE)
        return UA_STATUS_BADSECURITYPOLICYREJECTED;
    if (nonce_len) {
        ua_status rs = ua_crypto_random(ch->nonce, nonce_len);
        if (rs != UA_STATUS_GOOD)
            return rs;
        req.clientNonce.data = ch->nonce;
        req.clientNonce.length = nonce_len;
    }

    bbuf headers, body, out;
    bbuf_init(&headers, ch->send_chunk);
    bbuf_init(&body, ch->send_chunk);
    bbuf_init(&out, ch->send_chunk);
    ua_NodeId type_id = UA_TYPE_OPENSECURECHANNELREQUEST->binary_encoding_id;
    ua_sec_apply ap = ua_sec_apply_for(ch->cfg.policy, ch->cfg.security_mode, true);
    uint32_t request_id = next_request_id(ch);
    ua_status st = opn_headers(ch, &headers);
    if (st == UA_STATUS_GOOD)
        st = ua_encode(&type_id, UA_BUILTIN(UA_KIND_NODEID), &body);
    if (st == UA_STATUS_GOOD)
        st = ua_encode(&req, UA_TYPE_OPENSECURECHANNELREQUEST, &body);
    /* Part 6 6.7.2.1: an OPN is never split into several chunks. */
    if (st == UA_STATUS_GOOD &&
        body.len > ua_secure_max_body(ch->cfg.policy, ch->cfg.policy_ctx, ap, true, ch->send_chunk,
                                      headers.len))
        st = UA_STATUS_BADREQUESTTOOLARGE;
    if (st == UA_STATUS_GOOD)
        st = ua_secure_encode(ch->cfg.policy, ch->cfg.policy_ctx, ap, true, headers.data,
                              headers.len, next_seq(ch), request_id, body.data, body.len, &out);
    bbuf_clear(&headers);
    bbuf_clear(&body);
    if (st != UA_STATUS_GOOD) {
        bbuf_clear(&out);
        return st == UA_STATUS_BADENCODINGLIMITSEXCEEDED ? UA_STATUS_BADREQUESTTOOLARGE : st;
    }
    ch->opn_request_id = request_id;
    return write_bytes(ch, &out);
}

static void on_renew_timer(uv_timer_t *t)
{
    ua_channel *ch = t->data;
    if (ch->state != CH_OPEN || ch->opn_request_id)
        return;
    log_debug("channel %u: renewing token %u", (unsigned)ch->channel_id, (unsigned)ch->token_id);
    ua_status st = send_opn(ch, UA_SECURITYTOKENREQUESTTYPE_RENEW);
    if (st != UA_STATUS_GOOD)
        fail(ch, st);
}

/* Decodes and checks the asymmetric security header of a received OPN
 * chunk (Part 6 6.7.2.3) and sets *pos after it. The bytes come from the
 * server: every length is bounded by the chunk and by lim. */
static ua_status check_asym_header(ua_channel *ch, const uint8_t *chunk, size_t size, size_t *pos)
{
    if (size < UA_TCP_HEADER_SIZE + 4)
        return UA_STATUS_BADDECODINGERROR;
    *pos = UA_TCP_HEADER_SIZE + 4; /* after the channel id */
    ua_limits lim = ua_default_limits;
    lim.max_string_length = 65536;
    ua_decode_opts opts = {&lim, NULL, NULL};
    ua_ByteString f[3] = {{0, NULL}, {0, NULL}, {0, NULL}}; /* uri, certificate, thumbprint */
    ua_status st = UA_STATUS_GOOD;
    for (int i = 0; i < 3 && st == UA_STATUS_GOOD; i++)
        st = ua_decode(chunk, size, pos, &f[i], UA_BUILTIN(UA_KIND_BYTESTRING), &opts);
    if (st == UA_STATUS_GOOD && !ua_string_equal_cstr(&f[0], ch->cfg.policy->uri))
        st = UA_STATUS_BADSECURITYPOLICYREJECTED;
    if (st == UA_STATUS_GOOD && ch->secured) {
        /* The sender must be the server of the endpoint we chose, and the
         * message must be meant for our certificate. */
        uint8_t thumb[20];
        if (ua_crypto_thumbprint(&f[1], thumb) != UA_STATUS_GOOD ||
            CRYPTO_memcmp(thumb, ch->remote_thumb, sizeof(thumb)) != 0) {
            log_warning("channel to %s: the server signs with another certificate than its "
                        "endpoint's",
                        ch->url);
            st = UA_STATUS_BADSECURITYCHECKSFAILED;
        } else if (f[2].length != sizeof(ch->local_thumb) ||
                   memcmp(f[2].data, ch->local_thumb, sizeof(ch->local_thumb)) != 0) {
            st = UA_STATUS_BADSECURITYCHECKSFAILED;
        }
    }
    for (int i = 0; i < 3; i++)
        ua_clear(&f[i], UA_BUILTIN(UA_KIND_BYTESTRING));
    return st;
}

/* Part 6 6.7.5: keys of the new token from our nonce and the server's. */
static ua_status take_server_nonce(ua_channel *ch, uint32_t token_id, const ua_ByteString *nonce)
{
    if (!ch->secured)
        return UA_STATUS_GOOD;
    uint32_t len = ch->cfg.policy->nonce_length;
    if (!nonce->data || nonce->length != len)
        return UA_STATUS_BADNONCEINVALID;
    if (!ch->cfg.policy->derive)
        return UA_STATUS_GOOD;
    ua_ByteString ours = {len, ch->nonce};
    return ch->cfg.policy->derive(ch->cfg.policy_ctx, token_id, &ours, nonce);
}

static void handle_opn(ua_channel *ch, uint8_t *chunk, size_t size)
{
    size_t pos = 0;
    ua_status st = check_asym_header(ch, chunk, size, &pos);
    uint32_t seq = 0, request_id = 0;
    const uint8_t *body = NULL;
    size_t body_len = 0;
    if (st == UA_STATUS_GOOD) {
        ua_sec_apply ap = ua_sec_apply_for(ch->cfg.policy, ch->cfg.security_mode, true);
        st = ua_secure_decode(ch->cfg.policy, ch->cfg.policy_ctx, ap, true, chunk, size, pos, &seq,
                              &request_id, &body, &body_len);
    }
    if (st != UA_STATUS_GOOD) {
        fail(ch, st);
        return;
    }
    if (request_id != ch->opn_request_id) {
        fail(ch, UA_STATUS_BADSECURECHANNELIDINVALID);
        return;
    }
    /* From here on, decode within the body only. */
    chunk = (uint8_t *)(uintptr_t)body;
    size = body_len;
    pos = 0;
    ch->recv_seq = seq;
    ch->opn_request_id = 0;
    ua_NodeId type_id;
    st = ua_decode(chunk, size, &pos, &type_id, UA_BUILTIN(UA_KIND_NODEID), NULL);
    if (st != UA_STATUS_GOOD) {
        fail(ch, st);
        return;
    }
    if (type_id.ns == 0 &&
        type_id.id.numeric == UA_TYPE_SERVICEFAULT->binary_encoding_id.id.numeric) {
        ua_ServiceFault fault;
        st = ua_decode(chunk, size, &pos, &fault, UA_TYPE_SERVICEFAULT, NULL);
        ua_status why = st == UA_STATUS_GOOD ? fault.responseHeader.serviceResult : st;
        ua_clear(&fault, UA_TYPE_SERVICEFAULT);
        log_warning("OpenSecureChannel refused by the server: %s", ua_status_name(why));
        fail(ch, why == UA_STATUS_GOOD ? UA_STATUS_BADUNEXPECTEDERROR : why);
        return;
    }
    if (!ua_nodeid_equal(&type_id, &UA_TYPE_OPENSECURECHANNELRESPONSE->binary_encoding_id)) {
        ua_clear(&type_id, UA_BUILTIN(UA_KIND_NODEID));
        fail(ch, UA_STATUS_BADUNKNOWNRESPONSE);
        return;
    }
    ua_OpenSecureChannelResponse resp;
    st = ua_decode(chunk, size, &pos, &resp, UA_TYPE_OPENSECURECHANNELRESPONSE, NULL);
    if (st != UA_STATUS_GOOD) {
        fail(ch, st);
        return;
    }
    ua_status result = resp.responseHeader.serviceResult;
    uint32_t channel_id = resp.securityToken.channelId;
    uint32_t token_id = resp.securityToken.tokenId;
    uint32_t lifetime = resp.securityToken.revisedLifetime;
    if (result == UA_STATUS_GOOD)
        result = take_server_nonce(ch, token_id, &resp.serverNonce);
    ua_clear(&resp, UA_TYPE_OPENSECURECHANNELRESPONSE);
    if (result != UA_STATUS_GOOD) {
        fail(ch, result);
        return;
    }
    if (channel_id == 0 || (ch->channel_id && channel_id != ch->channel_id)) {
        fail(ch, UA_STATUS_BADSECURECHANNELIDINVALID);
        return;
    }
    bool first = ch->state == CH_OPENING;
    ch->channel_id = channel_id;
    /* Part 6 6.7.6: keep accepting the previous token until the server
     * uses the new one. */
    ch->prev_token_id = first ? token_id : ch->token_id;
    ch->token_id = token_id;
    ch->token_lifetime = lifetime ? lifetime : ch->cfg.requested_lifetime_ms;
    /* Part 6 6.7.6: renew after 75 % of the revised lifetime. */
    uint64_t renew = (uint64_t)ch->token_lifetime * 3 / 4;
    uv_timer_stop(&ch->timer);
    uv_timer_start(&ch->timer, on_renew_timer, renew ? renew : 1, 0);
    if (first) {
        ch->state = CH_OPEN;
        log_debug("channel %u open to %s (token %u, lifetime %u ms)", (unsigned)channel_id, ch->url,
                  (unsigned)token_id, (unsigned)ch->token_lifetime);
        if (ch->cb.on_open)
            ch->cb.on_open(ch->ud, UA_STATUS_GOOD);
    } else {
        log_debug("channel %u renewed: token %u", (unsigned)channel_id, (unsigned)token_id);
    }
}

/* ---- receiving -------------------------------------------------------- */

/* The server acknowledged ch->hello: keep its limits and ask for a token. */
static ua_status take_ack(ua_channel *ch, const ua_tcp_limits *ack)
{
    ua_status st = ua_tcp_negotiate(&ch->hello, ack, &ch->send_chunk, &(uint32_t){0});
    if (st != UA_STATUS_GOOD)
        return st;
    ch->server_max_message = ack->max_message_size;
    ch->server_max_chunks = ack->max_chunk_count;
    ch->state = CH_OPENING;
    return send_opn(ch, UA_SECURITYTOKENREQUESTTYPE_ISSUE);
}

static void handle_ack(ua_channel *ch, const uint8_t *chunk, size_t size)
{
    ua_tcp_limits ack;
    ua_status st = ua_tcp_ack_decode(chunk + 8, size - 8, &ack);
    if (st == UA_STATUS_GOOD)
        st = take_ack(ch, &ack);
    if (st != UA_STATUS_GOOD)
        fail(ch, st);
}

static void handle_err(ua_channel *ch, const uint8_t *chunk, size_t size)
{
    ua_status err;
    ua_String reason;
    if (ua_tcp_error_decode(chunk + 8, size - 8, &err, &reason) != UA_STATUS_GOOD)
        err = UA_STATUS_BADTCPINTERNALERROR;
    log_warning("server %s closed the connection: %s%s%.*s", ch->url, ua_status_name(err),
                reason.length ? ": " : "", (int)(reason.length > 200 ? 200 : reason.length),
                reason.data ? (const char *)reason.data : "");
    ua_clear(&reason, UA_BUILTIN(UA_KIND_STRING));
    fail(ch, UA_STATUS_IS_BAD(err) ? err : UA_STATUS_BADCONNECTIONCLOSED);
}

static void handle_msg(ua_channel *ch, const ua_tcp_header *h, uint8_t *chunk)
{
    if (h->size < 16) {
        fail(ch, UA_STATUS_BADDECODINGERROR);
        return;
    }
    uint32_t channel_id = ua_read_u32(chunk + 8);
    uint32_t token_id = ua_read_u32(chunk + 12);
    if (channel_id != ch->channel_id) {
        fail(ch, UA_STATUS_BADSECURECHANNELIDINVALID);
        return;
    }
    if (token_id != ch->token_id && token_id != ch->prev_token_id) {
        fail(ch, UA_STATUS_BADSECURECHANNELTOKENUNKNOWN);
        return;
    }
    if (token_id == ch->token_id)
        ch->prev_token_id = token_id; /* the server switched: old token is done */
    ua_status st = UA_STATUS_GOOD;
    if (ch->cfg.policy->use_token)
        st = ch->cfg.policy->use_token(ch->cfg.policy_ctx, token_id);
    if (st != UA_STATUS_GOOD) {
        fail(ch, st);
        return;
    }
    uint32_t seq, request_id;
    const uint8_t *part;
    size_t part_len;
    ua_sec_apply ap = ua_sec_apply_for(ch->cfg.policy, ch->cfg.security_mode, false);
    st = ua_secure_decode(ch->cfg.policy, ch->cfg.policy_ctx, ap, false, chunk, h->size, 16, &seq,
                          &request_id, &part, &part_len);
    if (st != UA_STATUS_GOOD) {
        if (st == UA_STATUS_BADSECURITYCHECKSFAILED)
            log_warning("channel %u: a chunk from %s failed its security checks",
                        (unsigned)channel_id, ch->url);
        fail(ch, st);
        return;
    }
    /* Part 6 6.7.2.4: sequence numbers increase by one (and may wrap). */
    uint32_t expected = ch->recv_seq >= SEQ_WRAP ? 1 : ch->recv_seq + 1;
    if (seq != expected && !(ch->recv_seq >= SEQ_WRAP - 1024 && seq < 1024)) {
        log_warning("channel %u: sequence number %u, expected %u", (unsigned)channel_id,
                    (unsigned)seq, (unsigned)expected);
        fail(ch, UA_STATUS_BADSEQUENCENUMBERINVALID);
        return;
    }
    ch->recv_seq = seq;
    int result;
    ua_String body;
    ua_status abort_status;
    st = ua_assembler_add(&ch->assembler, request_id, h->chunk, part, part_len, &result, &body,
                          &abort_status);
    if (st != UA_STATUS_GOOD) {
        if (ch->cb.on_message)
            ch->cb.on_message(ch->ud, request_id, st, NULL, 0);
        return;
    }
    if (result == UA_ASSEMBLED_ABORTED) {
        ua_clear(&body, UA_BUILTIN(UA_KIND_STRING));
        if (ch->cb.on_message)
            ch->cb.on_message(ch->ud, request_id,
                              UA_STATUS_IS_BAD(abort_status) ? abort_status
                                                             : UA_STATUS_BADTCPINTERNALERROR,
                              NULL, 0);
    } else if (result == UA_ASSEMBLED_MESSAGE) {
        if (ch->cb.on_message)
            ch->cb.on_message(ch->ud, request_id, UA_STATUS_GOOD, body.data, body.length);
        free(body.data);
    }
}

static void handle_chunk(ua_channel *ch, const ua_tcp_header *h, uint8_t *chunk)
{
    switch (h->msg) {
    case UA_TCP_ACK:
        if (ch->state == CH_HELLO)
            handle_ack(ch, chunk, h->size);
        else
            fail(ch, UA_STATUS_BADTCPMESSAGETYPEINVALID);
        break;
    case UA_TCP_ERR:
        handle_err(ch, chunk, h->size);
        break;
    case UA_TCP_OPN:
        if (ch->state == CH_OPENING || (ch->state == CH_OPEN && ch->opn_request_id))
            handle_opn(ch, chunk, h->size);
        else
            fail(ch, UA_STATUS_BADTCPMESSAGETYPEINVALID);
        break;
    case UA_TCP_MSG:
        if (ch->state == CH_OPEN || ch->state == CH_CLOSING)
            handle_msg(ch, h, chunk);
        else
            fail(ch, UA_STATUS_BADTCPMESSAGETYPEINVALID);
        break;
    default:
        fail(ch, UA_STATUS_BADTCPMESSAGETYPEINVALID);
        break;
    }
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)h;
    static char slab[65536];
    (void)suggested;
    /* One loop thread: a static slab is safe; bytes are copied into the
     * framer before the next read. */
    buf->base = slab;
    buf->len = sizeof(slab);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    ua_channel *ch = s->data;
    if (n == 0 || ch->state == CH_CLOSED)
        return;
    if (n < 0) {
        if (n != UV_EOF)
            log_debug("channel %u: read error %s", (unsigned)ch->channel_id, uv_strerror((int)n));
        fail(ch, ch->state == CH_CLOSING ? UA_STATUS_GOOD : UA_STATUS_BADCONNECTIONCLOSED);
        return;
    }
    ua_status st = ua_framer_push(&ch->framer, (const uint8_t *)buf->base, (size_t)n);
    ua_tcp_header h;
    uint8_t *chunk;
    while (st == UA_STATUS_GOOD && ch->state != CH_CLOSED) {
        st = ua_framer_pop(&ch->framer, &h, &chunk);
        if (st != UA_STATUS_GOOD || !chunk)
            break;
        handle_chunk(ch, &h, chunk);
    }
    if (st != UA_STATUS_GOOD && ch->state != CH_CLOSED) {
        log_warning("channel to %s: malformed data from the server (%s)", ch->url,
                    ua_status_name(st));
        fail(ch, st);
    }
}

/* ---- connecting ------------------------------------------------------- */

static void on_connect_timeout(uv_timer_t *t)
{
    ua_channel *ch = t->data;
    if (ch->state < CH_OPEN) {
        log_debug("channel to %s: connect timed out", ch->url);
        fail(ch, UA_STATUS_BADTIMEOUT);
    }
}

/* The socket is connected: send our Hello and start reading. */
static ua_status start_hello(ua_channel *ch)
{
    uv_tcp_nodelay(&ch->tcp, 1);
    ch->hello.protocol_version = 0;
    ch->hello.receive_buffer_size = ch->cfg.receive_buffer_size;
    ch->hello.send_buffer_size = ch->cfg.send_buffer_size;
    ch->hello.max_message_size = ch->cfg.max_message_size;
    ch->hello.max_chunk_count = ch->assembler.max_chunk_count;
    bbuf b;
    bbuf_init(&b, 8192);
    ua_status st = ua_tcp_hello_encode(&ch->hello, ch->url, &b);
    if (st == UA_STATUS_GOOD)
        st = write_bytes(ch, &b);
    else
        bbuf_clear(&b);
    int rc = uv_read_start((uv_stream_t *)&ch->tcp, on_alloc, on_read);
    if (st != UA_STATUS_GOOD || rc < 0)
        return st != UA_STATUS_GOOD ? st : UA_STATUS_BADCONNECTIONCLOSED;
    ch->state = CH_HELLO;
    return UA_STATUS_GOOD;
}

static void on_connected(uv_connect_t *req, int status)
{
    ua_channel *ch = req->data;
    if (ch->state != CH_CONNECTING)
        return;
    if (status < 0) {
        log_debug("channel to %s: connect failed: %s", ch->url, uv_strerror(status));
        fail(ch, UA_STATUS_BADCONNECTIONREJECTED);
        return;
    }
    ua_status st = start_hello(ch);
    if (st != UA_STATUS_GOOD)
        fail(ch, st);
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
    ua_channel *ch = req->data;
    ch->resolving = false;
    if (ch->state != CH_RESOLVING) {
        uv_freeaddrinfo(res);
        maybe_free(ch);
        return;
    }
    if (status < 0 || !res) {
        log_warning("cannot resolve %s: %s", ch->host, uv_strerror(status));
        uv_freeaddrinfo(res);
        fail(ch, UA_STATUS_BADCONNECTIONREJECTED);
        return;
    }
    ch->state = CH_CONNECTING;
    ch->connect_req.data = ch;
    int rc = uv_tcp_connect(&ch->connect_req, &ch->tcp, res->ai_addr, on_connected);
    uv_freeaddrinfo(res);
    if (rc < 0)
        fail(ch, UA_STATUS_BADCONNECTIONREJECTED);
}

/* Checks the policy, mode and keys, and builds the policy's ctx when the
 * config brings none. */
static ua_status setup_security(ua_channel *ch)
{
    const ua_sec_ops *ops = ch->cfg.policy;
    int32_t mode = ch->cfg.security_mode;
    if (strcmp(ops->uri, POLICY_NONE_URI) == 0) {
        ch->secured = false;
        return mode == UA_MESSAGESECURITYMODE_NONE ? UA_STATUS_GOOD
                                                   : UA_STATUS_BADSECURITYPOLICYREJECTED;
    }
    if (!ops->sign || !ops->verify || !ops->encrypt || !ops->decrypt)
        return UA_STATUS_BADSECURITYPOLICYREJECTED;
    if (mode != UA_MESSAGESECURITYMODE_SIGN && mode != UA_MESSAGESECURITYMODE_SIGNANDENCRYPT)
        return UA_STATUS_BADSECURITYMODEREJECTED;
    if (!ch->cfg.local_cert.data || !ch->cfg.remote_cert.data)
        return UA_STATUS_BADCONFIGURATIONERROR;
    ua_status st = ua_crypto_thumbprint(&ch->cfg.local_cert, ch->local_thumb);
    if (st == UA_STATUS_GOOD)
        st = ua_crypto_thumbprint(&ch->cfg.remote_cert, ch->remote_thumb);
    if (st != UA_STATUS_GOOD)
        return st;
    if (!ch->cfg.policy_ctx) {
        const ua_policy *p = ua_policy_of_ops(ops);
        if (!p)
            return UA_STATUS_BADSECURITYPOLICYREJECTED;
        if (!ch->cfg.local_key)
            return UA_STATUS_BADCONFIGURATIONERROR;
        ch->own_ctx = ua_policy_ctx_new(p, ch->cfg.local_key, &ch->cfg.remote_cert, &st);
        if (!ch->own_ctx)
            return st;
        ch->cfg.policy_ctx = ch->own_ctx;
    }
    ch->secured = true;
    return UA_STATUS_GOOD;
}

ua_status ua_channel_open(ua_channel *ch, const char *url)
{
    if (ch->state != CH_IDLE)
        return UA_STATUS_BADINVALIDSTATE;
    ua_status sec = setup_security(ch);
    if (sec != UA_STATUS_GOOD)
        return sec;
    if (strlen(url) >= sizeof(ch->url))
        return UA_STATUS_BADTCPENDPOINTURLINVALID;
    ua_status st = ua_url_parse(url, ch->host, sizeof(ch->host), &ch->port);
    if (st != UA_STATUS_GOOD)
        return st;
    snprintf(ch->url, sizeof(ch->url), "%s", url);
    /* Neither init can fail for a valid loop. */
    uv_tcp_init(ch->loop, &ch->tcp);
    ch->tcp.data = ch;
    uv_timer_init(ch->loop, &ch->timer);
    ch->timer.data = ch;
    ch->handles_open = 2;
    uv_timer_start(&ch->timer, on_connect_timeout, ch->cfg.connect_timeout_ms, 0);

    char port[8];
    snprintf(port, sizeof(port), "%u", (unsigned)ch->port);
    struct addrinfo hints = {0};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    ch->gai.data = ch;
    ch->state = CH_RESOLVING;
    ch->resolving = true;
    if (uv_getaddrinfo(ch->loop, &ch->gai, on_resolved, ch->host, port, &hints) < 0) {
        ch->resolving = false;
        ch->state = CH_IDLE;
        close_handles(ch);
        ch->state = CH_CLOSED;
        ch->closed_fired = true;
        return UA_STATUS_BADTCPENDPOINTURLINVALID;
    }
    return UA_STATUS_GOOD;
}

/* Part 6 7.1.3: after a ReverseHello the client goes on exactly as after
 * its own connect, on the socket the server opened. */
ua_status ua_channel_open_socket(ua_channel *ch, const char *url, const ua_channel_socket *s)
{
    ua_status st = UA_STATUS_GOOD;
    if (ch->state != CH_IDLE)
        st = UA_STATUS_BADINVALIDSTATE;
    if (st == UA_STATUS_GOOD)
        st = setup_security(ch);
    if (st == UA_STATUS_GOOD && strlen(url) >= sizeof(ch->url))
        st = UA_STATUS_BADTCPENDPOINTURLINVALID;
    if (st == UA_STATUS_GOOD)
        st = ua_url_parse(url, ch->host, sizeof(ch->host), &ch->port);
    /* What the server may send was fixed by the earlier Hello: our framer
     * must take chunks that large. */
    if (st == UA_STATUS_GOOD && s->hello_done &&
        s->ack.send_buffer_size > ch->cfg.receive_buffer_size)
        st = UA_STATUS_BADCONNECTIONREJECTED;
    if (st != UA_STATUS_GOOD) {
        uv_os_sock_t fd = s->fd;
        close(fd);
        return st;
    }
    snprintf(ch->url, sizeof(ch->url), "%s", url);
    uv_tcp_init(ch->loop, &ch->tcp);
    ch->tcp.data = ch;
    uv_timer_init(ch->loop, &ch->timer);
    ch->timer.data = ch;
    ch->handles_open = 2;
    if (uv_tcp_open(&ch->tcp, s->fd) < 0) {
        close(s->fd);
        st = UA_STATUS_BADCONNECTIONCLOSED;
    } else if (s->hello_done) {
        ch->hello = s->hello;
        st = take_ack(ch, &s->ack);
        if (st == UA_STATUS_GOOD && uv_read_start((uv_stream_t *)&ch->tcp, on_alloc, on_read) < 0)
            st = UA_STATUS_BADCONNECTIONCLOSED;
    } else {
        st = start_hello(ch);
    }
    if (st != UA_STATUS_GOOD) {
        /* No callback from inside the call: close quietly. */
        ch->state = CH_CLOSED;
        ch->closed_fired = true;
        close_handles(ch);
        return st;
    }
    uv_timer_start(&ch->timer, on_connect_timeout, ch->cfg.connect_timeout_ms, 0);
    return UA_STATUS_GOOD;
}

/* ---- sending requests ------------------------------------------------- */

/* Encodes type id + message and sends it as symmetric chunks of msg_type
 * ("MSG" or "CLO"); sets *request_id. */
static ua_status send_symmetric(ua_channel *ch, const char *msg_type, const void *msg,
                                const ua_type *type, uint32_t *request_id)
{
    /* Encode the whole body first, then cut it into chunks. */
    size_t max_body = ch->server_max_message ? ch->server_max_message : (64u << 20);
    bbuf body;
    bbuf_init(&body, max_body);
    ua_NodeId type_id = type->binary_encoding_id;
    ua_status st = ua_encode(&type_id, UA_BUILTIN(UA_KIND_NODEID), &body);
    if (st == UA_STATUS_GOOD)
        st = ua_encode(msg, type, &body);
    if (st != UA_STATUS_GOOD) {
        bbuf_clear(&body);
        return st == UA_STATUS_BADENCODINGLIMITSEXCEEDED ? UA_STATUS_BADREQUESTTOOLARGE : st;
    }
    ua_sec_apply ap = ua_sec_apply_for(ch->cfg.policy, ch->cfg.security_mode, false);
    size_t per_chunk =
        ua_secure_max_body(ch->cfg.policy, ch->cfg.policy_ctx, ap, false, ch->send_chunk, 16);
    size_t chunks = per_chunk ? (body.len + per_chunk - 1) / per_chunk : 0;
    if (chunks == 0)
        chunks = 1;
    if (!per_chunk || (ch->server_max_chunks && chunks > ch->server_max_chunks)) {
        bbuf_clear(&body);
        return UA_STATUS_BADREQUESTTOOLARGE;
    }
    uint32_t id = next_request_id(ch);
    bbuf out;
    bbuf_init(&out, chunks * (size_t)ch->send_chunk);
    for (size_t i = 0, off = 0; i < chunks && st == UA_STATUS_GOOD; i++) {
        size_t n = body.len - off < per_chunk ? body.len - off : per_chunk;
        uint8_t head[16];
        memcpy(head, msg_type, 3);
        head[3] = i + 1 == chunks ? 'F' : 'C';
        ua_write_u32(head + 8, ch->channel_id);
        ua_write_u32(head + 12, ch->token_id);
        st = ua_secure_encode(ch->cfg.policy, ch->cfg.policy_ctx, ap, false, head, 16, next_seq(ch),
                              id, body.data + off, n, &out);
        off += n;
    }
    bbuf_clear(&body);
    if (st == UA_STATUS_GOOD)
        st = write_bytes(ch, &out);
    else
        bbuf_clear(&out);
    if (st == UA_STATUS_GOOD)
        *request_id = id;
    return st;
}

ua_status ua_channel_send(ua_channel *ch, const void *request, const ua_type *type,
                          uint32_t *request_id)
{
    if (ch->state != CH_OPEN)
        return UA_STATUS_BADCONNECTIONCLOSED;
    return send_symmetric(ch, "MSG", request, type, request_id);
}

/* ---- closing ---------------------------------------------------------- */

static void on_shutdown(uv_shutdown_t *req, int status)
{
    ua_channel *ch = req->data;
    (void)status;
    if (ch->state == CH_CLOSING)
        fail(ch, UA_STATUS_GOOD);
}

void ua_channel_close(ua_channel *ch)
{
    if (ch->state == CH_CLOSED || ch->state == CH_CLOSING)
        return;
    if (ch->state != CH_OPEN) {
        fail(ch, UA_STATUS_GOOD);
        return;
    }
    ua_CloseSecureChannelRequest req;
    ua_init(&req, UA_TYPE_CLOSESECURECHANNELREQUEST);
    req.requestHeader.timestamp = ua_datetime_now();
    uint32_t id;
    ua_status st = send_symmetric(ch, "CLO", &req, UA_TYPE_CLOSESECURECHANNELREQUEST, &id);
    ch->state = CH_CLOSING;
    uv_timer_stop(&ch->timer);
    ch->shutdown_req.data = ch;
    if (st != UA_STATUS_GOOD ||
        uv_shutdown(&ch->shutdown_req, (uv_stream_t *)&ch->tcp, on_shutdown) < 0)
        fail(ch, UA_STATUS_GOOD);
}

bool ua_channel_is_open(const ua_channel *ch)
{
    return ch->state == CH_OPEN;
}

uint32_t ua_channel_token_id(const ua_channel *ch)
{
    return ch->token_id;
}

uint32_t ua_channel_token_lifetime(const ua_channel *ch)
{
    return ch->token_lifetime;
}
