/* Reverse Connect listeners and handshake (Part 6 (1.05) 7.1.2.6, 7.1.3).
 * A dial goes: ReverseHello (size cap, deadline) -> checks in the order of
 * the spec -> our Hello at once, so the server keeps the socket -> its
 * Acknowledge -> held, one per ServerUri (a newer dial replaces the older)
 * -> handed to a waiting client (daemon_reverse_link.c). Parsing is
 * ua_rhe.c; the channel starts with ua_channel_open_socket. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netdb.h>

#include "daemon_int.h"
#include "daemon_reverse_int.h"
#include "ua_statuscodes.h"
#include "util/log.h"

#define HELLO_DEADLINE_MS 5000 /* ReverseHello, then Acknowledge */
#define MAX_HANDSHAKING   64   /* connections not yet held */
#define MAX_HELD          256

/* ---- helpers ----------------------------------------------------------- */

/* Peer text is hostile: keep printable ASCII and cut it short for logs. */
const char *drev_printable(const char *s, char *out, size_t size)
{
    size_t o = 0;
    for (; s && *s && o + 1 < size; s++)
        out[o++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
    out[o] = 0;
    return out;
}

static void peer_name(uv_tcp_t *t, char *out, size_t size)
{
    struct sockaddr_storage ss;
    int n = sizeof(ss);
    char host[64] = "?";
    int port = 0;
    if (uv_tcp_getpeername(t, (struct sockaddr *)&ss, &n) == 0) {
        if (ss.ss_family == AF_INET6) {
            uv_ip6_name((struct sockaddr_in6 *)&ss, host, sizeof(host));
            port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
        } else {
            uv_ip4_name((struct sockaddr_in *)&ss, host, sizeof(host));
            port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
        }
    }
    snprintf(out, size, "%s:%d", host, port);
}

/* ---- connections -------------------------------------------------------- */

static void on_conn_handle_closed(uv_handle_t *h)
{
    rconn *c = h->data;
    if (--c->handles == 0) {
        ua_rhe_clear(&c->rhe);
        free(c);
    }
}

/* Unlinks c and closes its socket (unless handed over) and timer. */
void drev_conn_end(rconn *c)
{
    if (c->state == RC_GONE)
        return;
    drev *r = c->r;
    if (c->state == RC_HELD)
        r->held--;
    else
        r->handshaking--;
    c->state = RC_GONE;
    if (c->prev)
        c->prev->next = c->next;
    else
        r->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    uv_close((uv_handle_t *)&c->timer, on_conn_handle_closed);
    uv_close((uv_handle_t *)&c->tcp, on_conn_handle_closed);
}

/* Refuses a dial: an Error message when there is a reason for the peer
 * (Part 6 7.1.2.6), a warning in our log in every case. */
static void conn_refuse(rconn *c, ua_status err, const char *why)
{
    char uri[160], url[160];
    if (c->rhe.server_uri)
        log_warning("Reverse Connect: refused the dial from %s: %s (ServerUri \"%s\", "
                    "EndpointUrl \"%s\")",
                    c->peer, why, drev_printable(c->rhe.server_uri, uri, sizeof(uri)),
                    drev_printable(c->rhe.endpoint_url, url, sizeof(url)));
    else
        log_warning("Reverse Connect: refused the dial from %s: %s", c->peer, why);
    if (err) {
        bbuf b;
        bbuf_init(&b, 512);
        if (ua_tcp_error_encode(err, why, &b) == UA_STATUS_GOOD) {
            uv_buf_t ub = uv_buf_init((char *)b.data, (unsigned)b.len);
            uv_try_write((uv_stream_t *)&c->tcp, &ub, 1); /* best effort */
        }
        bbuf_clear(&b);
    }
    drev_conn_end(c);
}

static void hold(rconn *c)
{
    drev *r = c->r;
    /* A server dials again when its waiting socket was not used: the newer
     * connection (by acceptance) replaces the older one, which may be
     * half-dead. */
    for (rconn *o = r->conns; o; o = o->next) {
        if (o == c || o->state != RC_HELD || strcmp(o->rhe.server_uri, c->rhe.server_uri) != 0)
            continue;
        if (o->seq > c->seq) {
            log_info("Reverse Connect: a newer dial replaces the one from %s", c->peer);
            drev_conn_end(c);
            return;
        }
        log_info("Reverse Connect: a new dial from %s replaces its waiting connection", c->peer);
        drev_conn_end(o);
        break;
    }
    if (r->held >= MAX_HELD) {
        conn_refuse(c, UA_STATUS_BADTCPNOTENOUGHRESOURCES, "too many waiting connections");
        return;
    }
    uv_timer_stop(&c->timer);
    r->handshaking--;
    r->held++;
    c->state = RC_HELD;
    c->len = 0;
    drev_offer(r, c);
}

static void send_hello(rconn *c)
{
    ua_channel_config def;
    ua_channel_config_default(&def);
    c->hello.protocol_version = 0;
    c->hello.receive_buffer_size = def.receive_buffer_size;
    c->hello.send_buffer_size = def.send_buffer_size;
    c->hello.max_message_size = def.max_message_size;
    /* The same chunk count the channel's assembler allows. */
    c->hello.max_chunk_count = def.max_message_size / (def.receive_buffer_size - 24) + 1;
    bbuf b;
    bbuf_init(&b, 8192);
    ua_status st = ua_tcp_hello_encode(&c->hello, c->rhe.endpoint_url, &b);
    int rc = -1;
    if (st == UA_STATUS_GOOD) {
        uv_buf_t ub = uv_buf_init((char *)b.data, (unsigned)b.len);
        rc = uv_try_write((uv_stream_t *)&c->tcp, &ub, 1);
    }
    bool whole = rc >= 0 && (size_t)rc == b.len;
    bbuf_clear(&b);
    if (!whole) {
        log_warning("Reverse Connect: cannot send Hello to %s", c->peer);
        drev_conn_end(c);
        return;
    }
    c->state = RC_ACK;
    c->len = 0;
}

static void on_rhe(rconn *c)
{
    size_t used;
    ua_status st = ua_rhe_parse(c->buf, c->len, UA_RHE_MAX_SIZE, &c->rhe, &used);
    if (st != UA_STATUS_GOOD) {
        char why[96];
        snprintf(why, sizeof(why), "malformed ReverseHello (%s)", ua_status_name(st));
        conn_refuse(c, st == UA_STATUS_BADTCPENDPOINTURLINVALID ? st : 0, why);
        return;
    }
    if (used == 0)
        return; /* more bytes to come */
    if (used != c->len) {
        conn_refuse(c, 0, "data after the ReverseHello before our Hello");
        return;
    }
    enum ua_rhe_verdict v =
        ua_rhe_validate(&c->rhe, (const char *const *)c->r->allow, c->r->nallow);
    if (v != UA_RHE_ACCEPTED) {
        conn_refuse(c, UA_STATUS_BADTCPENDPOINTURLINVALID, ua_rhe_verdict_text(v));
        return;
    }
    char uri[160], url[160];
    log_info("Reverse Connect: ReverseHello from %s accepted (ServerUri \"%s\", EndpointUrl "
             "\"%s\")",
             c->peer, drev_printable(c->rhe.server_uri, uri, sizeof(uri)),
             drev_printable(c->rhe.endpoint_url, url, sizeof(url)));
    send_hello(c);
}

static void on_ack(rconn *c)
{
    ua_tcp_header h;
    if (c->len < UA_TCP_HEADER_SIZE)
        return;
    ua_status st = ua_tcp_header_parse(c->buf, sizeof(c->buf), &h);
    if (st == UA_STATUS_GOOD && h.msg != UA_TCP_ACK && h.msg != UA_TCP_ERR)
        st = UA_STATUS_BADTCPMESSAGETYPEINVALID;
    if (st != UA_STATUS_GOOD) {
        conn_refuse(c, 0, "no Acknowledge after our Hello");
        return;
    }
    if (c->len < h.size)
        return;
    if (h.msg == UA_TCP_ERR) {
        ua_status err = UA_STATUS_BADTCPINTERNALERROR;
        ua_String reason = {0, NULL};
        ua_tcp_error_decode(c->buf + 8, h.size - 8, &err, &reason);
        ua_clear(&reason, UA_BUILTIN(UA_KIND_STRING));
        log_warning("Reverse Connect: %s answered our Hello with %s", c->peer, ua_status_name(err));
        drev_conn_end(c);
        return;
    }
    uint32_t send_chunk, recv_chunk;
    if (c->len != h.size || ua_tcp_ack_decode(c->buf + 8, h.size - 8, &c->ack) != UA_STATUS_GOOD ||
        ua_tcp_negotiate(&c->hello, &c->ack, &send_chunk, &recv_chunk) != UA_STATUS_GOOD) {
        conn_refuse(c, 0, "unusable Acknowledge");
        return;
    }
    hold(c);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    rconn *c = h->data;
    (void)suggested;
    /* Never more than the cap: a peer cannot make us buffer beyond it. */
    size_t room = sizeof(c->buf) - c->len;
    buf->base = room ? (char *)c->buf + c->len : NULL;
    buf->len = room;
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    rconn *c = s->data;
    (void)buf;
    if (c->state == RC_GONE || n == 0)
        return;
    if (n < 0) {
        if (c->state == RC_HELD)
            log_info("Reverse Connect: the server at %s closed its waiting connection", c->peer);
        else if (n == UV_ENOBUFS)
            conn_refuse(c, 0, "message over the size limit");
        else
            log_warning("Reverse Connect: %s closed the connection during the handshake", c->peer);
        drev_conn_end(c);
        return;
    }
    if (c->state == RC_HELD) {
        log_warning("Reverse Connect: %s sent data on its waiting connection: dropped", c->peer);
        drev_conn_end(c);
        return;
    }
    c->len += (size_t)n;
    if (c->state == RC_RHE)
        on_rhe(c);
    else if (c->state == RC_ACK)
        on_ack(c);
}

static void on_deadline(uv_timer_t *t)
{
    rconn *c = t->data;
    conn_refuse(c, 0,
                c->state == RC_RHE ? "no complete ReverseHello in time" : "no Acknowledge in time");
}

static void on_connection(uv_stream_t *server, int status)
{
    listener *ls = server->data;
    drev *r = ls->r;
    if (status < 0)
        return;
    rconn *c = r->stopping ? NULL : calloc(1, sizeof(*c));
    if (!c)
        return; /* left in the backlog */
    c->r = r;
    uv_tcp_init(r->loop, &c->tcp);
    uv_timer_init(r->loop, &c->timer);
    c->tcp.data = c->timer.data = c;
    c->handles = 2;
    c->state = RC_RHE;
    c->seq = ++r->accepted;
    c->next = r->conns;
    if (r->conns)
        r->conns->prev = c;
    r->conns = c;
    r->handshaking++;
    if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
        drev_conn_end(c);
        return;
    }
    peer_name(&c->tcp, c->peer, sizeof(c->peer));
    if (r->handshaking > MAX_HANDSHAKING) {
        conn_refuse(c, 0, "too many connections in their handshake");
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    uv_timer_start(&c->timer, on_deadline, HELLO_DEADLINE_MS, 0);
    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

/* ---- listeners -------------------------------------------------------------- */

/* "tcp://HOST:PORT" (HOST may be [v6]) -> host and port text. */
static int split_uri(const char *uri, char *host, size_t host_size, char *port, size_t port_size)
{
    if (strncmp(uri, "tcp://", 6) != 0)
        return -1;
    const char *h = uri + 6;
    const char *colon;
    if (*h == '[') {
        const char *end = strchr(h, ']');
        if (!end || end[1] != ':')
            return -1;
        h++;
        colon = end + 1;
        if ((size_t)(end - h) >= host_size)
            return -1;
        snprintf(host, host_size, "%.*s", (int)(end - h), h);
    } else {
        colon = strrchr(h, ':');
        if (!colon || (size_t)(colon - h) >= host_size)
            return -1;
        snprintf(host, host_size, "%.*s", (int)(colon - h), h);
    }
    const char *p = colon + 1;
    size_t n = strlen(p);
    if (!host[0] || n == 0 || n >= port_size || strspn(p, "0123456789") != n ||
        strtol(p, NULL, 10) > 65535)
        return -1;
    snprintf(port, port_size, "%s", p);
    return 0;
}

static int listen_on(drev *r, const char *uri, char *err, size_t err_size)
{
    char host[256], port[8];
    if (split_uri(uri, host, sizeof(host), port, sizeof(port)) != 0) {
        snprintf(err, err_size, "--reverse-listen expects tcp://HOST:PORT, got '%s'", uri);
        return -1;
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    /* Start-up, before the loop runs: a blocking lookup is fine here. */
    if (getaddrinfo(host, port, &hints, &res) != 0 || !res) {
        snprintf(err, err_size, "--reverse-listen: cannot resolve '%s'", host);
        return -1;
    }
    listener *ls = calloc(1, sizeof(*ls));
    if (!ls) {
        freeaddrinfo(res);
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    ls->r = r;
    uv_tcp_init(r->loop, &ls->tcp);
    ls->tcp.data = ls;
    ls->next = r->listeners;
    r->listeners = ls; /* closed by drev_stop, also on error */
    int rc = uv_tcp_bind(&ls->tcp, res->ai_addr, 0);
    freeaddrinfo(res);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)&ls->tcp, 64, on_connection);
    if (rc != 0) {
        snprintf(err, err_size, "--reverse-listen %s: %s", uri, uv_strerror(rc));
        return -1;
    }
    struct sockaddr_storage ss;
    int n = sizeof(ss);
    char name[64] = "?";
    int bound = 0;
    if (uv_tcp_getsockname(&ls->tcp, (struct sockaddr *)&ss, &n) == 0) {
        if (ss.ss_family == AF_INET6) {
            uv_ip6_name((struct sockaddr_in6 *)&ss, name, sizeof(name));
            bound = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
        } else {
            uv_ip4_name((struct sockaddr_in *)&ss, name, sizeof(name));
            bound = ntohs(((struct sockaddr_in *)&ss)->sin_port);
        }
    }
    log_info("Reverse Connect: listening on tcp://%s%s%s:%d", ss.ss_family == AF_INET6 ? "[" : "",
             name, ss.ss_family == AF_INET6 ? "]" : "", bound);
    return 0;
}

int drev_start(struct osmd *d, char *err, size_t err_size)
{
    d->rev = NULL;
    if (!d->cfg.reverse_listen) {
        if (d->cfg.reverse_allow)
            log_warning("--reverse-allow without --reverse-listen: Reverse Connect stays off");
        return 0;
    }
    drev *r = calloc(1, sizeof(*r));
    if (!r) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    r->loop = d->loop;
    r->allow = d->cfg.reverse_allow;
    while (r->allow && r->allow[r->nallow])
        r->nallow++;
    d->rev = r;
    for (char **u = d->cfg.reverse_listen; *u; u++)
        if (listen_on(r, *u, err, err_size) != 0)
            return -1;
    if (r->nallow == 0)
        log_warning("Reverse Connect: no --reverse-allow given, every ReverseHello is refused");
    return 0;
}

static void on_listener_closed(uv_handle_t *h)
{
    free(h->data);
}

void drev_stop(struct osmd *d)
{
    drev *r = d->rev;
    if (!r || r->stopping)
        return;
    r->stopping = true;
    while (r->listeners) {
        listener *ls = r->listeners;
        r->listeners = ls->next;
        uv_close((uv_handle_t *)&ls->tcp, on_listener_closed);
    }
    while (r->conns)
        drev_conn_end(r->conns);
    drev_wishes_fail_all(r);
}

void drev_free(struct osmd *d)
{
    if (!d->rev)
        return;
    /* Links belong to sessions, which are gone by now. */
    free(d->rev);
    d->rev = NULL;
}
