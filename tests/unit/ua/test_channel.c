/* Secure channel failure paths against scripted local peers (no OPC UA
 * server needed): URL parsing, refused and silent peers, ERR and bad ACK
 * answers, deletion in flight. Every loop is bounded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "ua_channel.h"
#include "ua_statuscodes.h"
#include "ua_tcp.h"
#include "util/log.h"

static void test_channel_url_parse(void **state)
{
    (void)state;
    char host[64];
    uint16_t port;
    assert_int_equal(ua_url_parse("opc.tcp://plc.local:4841/x", host, sizeof(host), &port),
                     UA_STATUS_GOOD);
    assert_string_equal(host, "plc.local");
    assert_int_equal(port, 4841);
    assert_int_equal(ua_url_parse("opc.tcp://10.0.0.5", host, sizeof(host), &port), UA_STATUS_GOOD);
    assert_int_equal(port, 4840);
    assert_int_equal(ua_url_parse("opc.tcp://[::1]:48010/UA", host, sizeof(host), &port),
                     UA_STATUS_GOOD);
    assert_string_equal(host, "::1");
    assert_int_equal(port, 48010);
    const char *bad[] = {"http://x:1",     "opc.tcp://",        "opc.tcp://:4840",
                         "opc.tcp://h:0",  "opc.tcp://h:65536", "opc.tcp://h:12ab",
                         "opc.tcp://[::1", "opc.tcp://h?x",     NULL};
    for (int i = 0; bad[i]; i++)
        assert_int_equal(ua_url_parse(bad[i], host, sizeof(host), &port),
                         UA_STATUS_BADTCPENDPOINTURLINVALID);
    assert_int_equal(ua_url_parse("opc.tcp://averyveryverylonghostname", host, 8, &port),
                     UA_STATUS_BADTCPENDPOINTURLINVALID);
}

/* ---- a scripted peer -------------------------------------------------- */

typedef struct peer {
    uv_tcp_t listener;
    uv_tcp_t *conn;
    int port;
    const uint8_t *reply; /* sent once the Hello arrives; NULL = stay silent */
    size_t reply_len;
} peer;

typedef struct result {
    bool opened, closed;
    ua_status open_status, close_status;
} result;

static void on_peer_conn_closed(uv_handle_t *h)
{
    free(h);
}

static void peer_alloc(uv_handle_t *h, size_t s, uv_buf_t *b)
{
    (void)h;
    static char buf[4096];
    (void)s;
    *b = uv_buf_init(buf, sizeof(buf));
}

static void peer_written(uv_write_t *w, int status)
{
    (void)status;
    free(w);
}

static void peer_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    peer *p = s->data;
    (void)b;
    if (n < 0) {
        uv_close((uv_handle_t *)s, on_peer_conn_closed);
        p->conn = NULL;
        return;
    }
    if (n > 0 && p->reply) {
        uv_write_t *w = calloc(1, sizeof(*w));
        uv_buf_t buf = uv_buf_init((char *)p->reply, (unsigned)p->reply_len);
        uv_write(w, s, &buf, 1, peer_written);
        p->reply = NULL;
    }
}

static void peer_accept(uv_stream_t *l, int status)
{
    peer *p = l->data;
    if (status < 0)
        return;
    uv_tcp_t *t = calloc(1, sizeof(*t));
    uv_tcp_init(l->loop, t);
    t->data = p;
    uv_accept(l, (uv_stream_t *)t);
    p->conn = t;
    uv_read_start((uv_stream_t *)t, peer_alloc, peer_read);
}

static void peer_start(uv_loop_t *loop, peer *p)
{
    uv_tcp_init(loop, &p->listener);
    p->listener.data = p;
    struct sockaddr_in sa;
    uv_ip4_addr("127.0.0.1", 0, &sa);
    assert_int_equal(uv_tcp_bind(&p->listener, (const struct sockaddr *)&sa, 0), 0);
    assert_int_equal(uv_listen((uv_stream_t *)&p->listener, 4, peer_accept), 0);
    struct sockaddr_storage ss;
    int len = sizeof(ss);
    uv_tcp_getsockname(&p->listener, (struct sockaddr *)&ss, &len);
    p->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void on_open(void *ud, ua_status st)
{
    result *r = ud;
    r->opened = true;
    r->open_status = st;
}

static void on_message(void *ud, uint32_t id, ua_status st, const uint8_t *b, size_t n)
{
    (void)ud;
    (void)id;
    (void)st;
    (void)b;
    (void)n;
}

static void on_closed(void *ud, ua_status reason)
{
    result *r = ud;
    r->closed = true;
    r->close_status = reason;
}

/* Opens a channel to url, runs the loop until it closes (at most 5 s). */
static result run_channel(uv_loop_t *loop, const char *url, uint32_t timeout_ms)
{
    result r = {0};
    ua_channel_config cfg;
    ua_channel_config_default(&cfg);
    cfg.connect_timeout_ms = timeout_ms;
    ua_channel_callbacks cb = {on_open, on_message, on_closed};
    ua_channel *ch = ua_channel_new(loop, &cfg, &cb, &r);
    assert_int_equal(ua_channel_open(ch, url), UA_STATUS_GOOD);
    uint64_t end = uv_now(loop) + 5000;
    while (!r.closed && uv_now(loop) < end)
        uv_run(loop, UV_RUN_ONCE);
    ua_channel_delete(ch);
    return r;
}

static void finish_loop(uv_loop_t *loop, peer *p)
{
    if (p) {
        if (p->conn) {
            uv_close((uv_handle_t *)p->conn, on_peer_conn_closed);
            p->conn = NULL;
        }
        uv_close((uv_handle_t *)&p->listener, NULL);
    }
    /* Every handle is closing; a cancelled getaddrinfo may still be in the
     * thread pool, so wait for it (it ends on its own). */
    uv_run(loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(loop), 0); /* no leaked handles */
}

static void test_channel_refused_port(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    peer p = {0};
    peer_start(&loop, &p);
    int port = p.port;
    uv_close((uv_handle_t *)&p.listener, NULL);
    uv_run(&loop, UV_RUN_NOWAIT);
    char url[64];
    snprintf(url, sizeof(url), "opc.tcp://127.0.0.1:%d", port);
    result r = run_channel(&loop, url, 2000);
    assert_true(r.opened && r.closed);
    assert_int_equal(r.open_status, UA_STATUS_BADCONNECTIONREJECTED);
    finish_loop(&loop, NULL);
}

static void test_channel_silent_peer_times_out(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    peer p = {0};
    peer_start(&loop, &p);
    char url[64];
    snprintf(url, sizeof(url), "opc.tcp://127.0.0.1:%d", p.port);
    uint64_t t0 = uv_hrtime();
    result r = run_channel(&loop, url, 300);
    uint64_t ms = (uv_hrtime() - t0) / 1000000;
    assert_int_equal(r.open_status, UA_STATUS_BADTIMEOUT);
    assert_true(ms >= 250 && ms < 2000);
    finish_loop(&loop, &p);
}

static void test_channel_error_answer(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    peer p = {0};
    peer_start(&loop, &p);
    bbuf b;
    bbuf_init(&b, 256);
    ua_tcp_error_encode(UA_STATUS_BADTCPSERVERTOOBUSY, "busy", &b);
    p.reply = b.data;
    p.reply_len = b.len;
    char url[64];
    snprintf(url, sizeof(url), "opc.tcp://127.0.0.1:%d", p.port);
    log_set_level(LOG_ERROR);
    result r = run_channel(&loop, url, 2000);
    log_set_level(LOG_INFO);
    assert_int_equal(r.open_status, UA_STATUS_BADTCPSERVERTOOBUSY);
    finish_loop(&loop, &p);
    bbuf_clear(&b);
}

static void test_channel_bad_ack_and_garbage(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    peer p = {0};
    peer_start(&loop, &p);
    bbuf b;
    bbuf_init(&b, 256);
    ua_tcp_limits tiny = {0, 1024, 1024, 0, 0};
    ua_tcp_ack_encode(&tiny, &b);
    p.reply = b.data;
    p.reply_len = b.len;
    char url[64];
    snprintf(url, sizeof(url), "opc.tcp://127.0.0.1:%d", p.port);
    result r = run_channel(&loop, url, 2000);
    assert_int_equal(r.open_status, UA_STATUS_BADCONNECTIONREJECTED);

    /* An HTTP server answering: not UA-TCP at all. */
    static const uint8_t http[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
    p.reply = http;
    p.reply_len = sizeof(http) - 1;
    log_set_level(LOG_ERROR);
    r = run_channel(&loop, url, 2000);
    log_set_level(LOG_INFO);
    assert_int_equal(r.open_status, UA_STATUS_BADTCPMESSAGETYPEINVALID);
    finish_loop(&loop, &p);
    bbuf_clear(&b);
}

static void test_channel_rejects_unsupported_policy_and_delete_in_flight(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    result r = {0};
    ua_channel_config cfg;
    ua_channel_config_default(&cfg);
    ua_sec_ops other = ua_sec_ops_none;
    other.uri = "http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256";
    cfg.policy = &other;
    cfg.security_mode = 3;
    ua_channel_callbacks cb = {on_open, on_message, on_closed};
    ua_channel *ch = ua_channel_new(&loop, &cfg, &cb, &r);
    assert_int_equal(ua_channel_open(ch, "opc.tcp://127.0.0.1:4840"),
                     UA_STATUS_BADSECURITYPOLICYREJECTED);
    ua_channel_delete(ch);

    /* Deleted while resolving: no callback, nothing leaks. */
    ua_channel_config_default(&cfg);
    ch = ua_channel_new(&loop, &cfg, &cb, &r);
    assert_int_equal(ua_channel_open(ch, "opc.tcp://localhost:1"), UA_STATUS_GOOD);
    ua_channel_delete(ch);
    finish_loop(&loop, NULL);
    assert_false(r.opened);
    assert_false(r.closed);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN); /* the peer may write to a channel that hung up */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_channel_url_parse),
        cmocka_unit_test(test_channel_refused_port),
        cmocka_unit_test(test_channel_silent_peer_times_out),
        cmocka_unit_test(test_channel_error_answer),
        cmocka_unit_test(test_channel_bad_ack_and_garbage),
        cmocka_unit_test(test_channel_rejects_unsupported_policy_and_delete_in_flight),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
