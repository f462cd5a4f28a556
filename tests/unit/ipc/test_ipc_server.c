/* The IPC connection state machine over real Unix and TCP sockets
 * (ipc-protocol.md §1.1, §9 #1-#2): the framing rows of
 * shared/spec/golden/raw-frames.jsonl, the limits, the first-line timer,
 * keepAlive, replies in request order, clients that leave early, streams
 * (ipc_reply_feed) and local requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipc_errors.h"
#include "ipc_harness.h"

#define PING_LINE "{\"command\":\"ping\"}\n"

static void expect_exchange(harness *h, const char *sent, size_t len, const char *want,
                            bool want_closed)
{
    bool closed;
    char *got = h_exchange(h, sent, len, &closed);
    assert_string_equal(got, want);
    assert_int_equal(closed, want_closed);
    free(got);
}

/* A ping frame of exactly total bytes (without the newline), plus '\n'. */
static char *padded_ping(size_t total)
{
    static const char head[] = "{\"command\":\"ping\",\"pad\":\"";
    char *p = malloc(total + 2);
    assert_non_null(p);
    memcpy(p, head, sizeof(head) - 1);
    memset(p + sizeof(head) - 1, 'x', total - (sizeof(head) - 1) - 2);
    memcpy(p + total - 2, "\"}\n", 4);
    return p;
}

static bool no_connections(void *arg)
{
    harness *h = arg;
    return ipc_server_connection_count(h->srv) == 0;
}

/* ---- raw-frames.jsonl --------------------------------------------------- */

static void test_ipc_server_golden_raw_frames(void **state)
{
    (void)state;
    /* Rows of shared/spec/golden/raw-frames.jsonl (sent -> received, closed
     * by the daemon), plus the conformance suite's framing cases. The
     * oversized rows, the two timed rows and the timeout row are below. */
    static const struct {
        const char *name, *sent, *want;
    } rows[] = {
        {"not json", "hello\n", H_INVALID_JSON},
        {"json scalar", "42\n", H_INVALID_JSON},
        {"json string", "\"ping\"\n", H_INVALID_JSON},
        {"empty line", "\n", H_INVALID_JSON},
        {"CRLF terminated", "{\"command\":\"ping\"}\r\n", H_PING},
        {"leading whitespace", "   {\"command\":\"ping\"}\n", H_PING},
        {"leading tab", "   \t{\"command\":\"ping\"}\n", H_PING},
        {"utf8 bom", "\xef\xbb\xbf{\"command\":\"ping\"}\n", H_INVALID_JSON},
        /* ours answers both (ipc-protocol.md §9 #1); the reference only the first */
        {"two requests in one write", "{\"command\":\"ping\"}\n{\"command\":\"list\"}\n",
         H_PING H_LIST},
        {"single write control", PING_LINE, H_PING},
        {"pipelined: second request split after first", "{\"command\":\"ping\"}\n{\"command\":\"li",
         H_PING},
        {"json null", "null\n", H_INVALID_JSON},
        {"json true", "true\n", H_INVALID_JSON},
        {"json float", "1.5\n", H_INVALID_JSON},
        {"unterminated object", "{\"command\":\"ping\"\n", H_INVALID_JSON},
        {"single quotes", "{'command':'ping'}\n", H_INVALID_JSON},
        {"trailing comma", "{\"command\":\"ping\",}\n", H_INVALID_JSON},
        {"top-level array", "[1,2]\n", H_ERR("unknown_command", "Unknown command: ")},
        {"extra fields ignored",
         "{\"command\":\"ping\",\"extra\":\"x\",\"nested\":{\"a\":[1,2,null]},\"params\":[1]}\n",
         H_PING},
        {"unknown command", "{\"command\":\"nope\"}\n",
         H_ERR("unknown_command", "Unknown command: nope")},
        {"invalid json after a good line", "{\"command\":\"ping\"}\nnope\n{\"command\":\"list\"}\n",
         H_PING H_INVALID_JSON},
    };
    harness h;
    h_init(&h);
    ipc_server_config cfg;
    h_config(&h, &cfg);
    h_start(&h, &cfg);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        print_message("row: %s\n", rows[i].name);
        expect_exchange(&h, rows[i].sent, 0, rows[i].want, true);
    }

    /* "no trailing newline, half-close": never answered, closed */
    const h_step half[] = {{H_SEND, "{\"command\":\"ping\"}", 0, 0},
                           {H_SHUT_WR, NULL, 0, 0},
                           {H_READ_EOF, NULL, 0, 0},
                           {H_END, NULL, 0, 0}};
    h_client c = {.family = AF_UNIX, .steps = half};
    h_client_run(&h, &c, 10000);
    assert_string_equal((const char *)c.recv.data ? (const char *)c.recv.data : "", "");
    assert_int_equal(c.eof_step, 2);
    h_client_clear(&c);

    /* "frame split across two writes 200ms apart" */
    const h_step split[] = {{H_SEND, "{\"command\": ", 0, 0},
                            {H_SLEEP, NULL, 0, 200},
                            {H_SEND, "\"ping\"}\n", 0, 0},
                            {H_READ_EOF, NULL, 0, 0},
                            {H_END, NULL, 0, 0}};
    memset(&c, 0, sizeof(c));
    c.family = AF_UNIX;
    c.steps = split;
    h_client_run(&h, &c, 10000);
    assert_string_equal((const char *)c.recv.data, H_PING);
    assert_int_equal(c.eof_step, 3);
    assert_true(c.elapsed_ms >= 190);
    h_client_clear(&c);

    assert_true(h_run_until(&h, no_connections, &h, 5000));
    h_finish(&h);
}

static void test_ipc_server_size_limits(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    ipc_server_config cfg;
    h_config(&h, &cfg);
    h_start(&h, &cfg);

    char *p = padded_ping(65536); /* "frame exactly 65536 bytes before newline" */
    expect_exchange(&h, p, 65537, H_PING, true);
    free(p);
    p = padded_ping(65537); /* "frame 65537 bytes before newline" */
    expect_exchange(&h, p, 65538,
                    H_ERR("payload_too_large", "Request frame exceeds maximum size of 65536 bytes"),
                    true);
    free(p);

    /* "1 MiB + 1 without newline": the buffer check comes before the newline search */
    size_t n = 1048577;
    p = malloc(n);
    memset(p, 'x', n);
    expect_exchange(&h, p, n, H_ERR("payload_too_large", "Request exceeds maximum size of 1MB"),
                    true);
    free(p);
    assert_true(h_run_until(&h, no_connections, &h, 5000));
    h_finish(&h);
}

/* ---- the first-line timer ----------------------------------------------- */

static void test_ipc_server_first_line_timeout(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    ipc_server_config cfg;
    h_config(&h, &cfg);
    cfg.limits.first_line_timeout_ms = 200;
    h_start(&h, &cfg);

    /* "no newline at all, wait for idle timeout"; a silent client too */
    const char *sends[] = {"{\"command\":\"ping\"}", "{\"command\":\"ping\"", NULL};
    for (int i = 0; i < 3; i++) {
        const h_step steps[] = {{i < 2 ? H_SEND : H_SLEEP, sends[i], 0, 0},
                                {H_READ_EOF, NULL, 0, 0},
                                {H_END, NULL, 0, 0}};
        h_client c = {.family = AF_UNIX, .steps = steps};
        h_client_run(&h, &c, 10000);
        assert_string_equal((const char *)c.recv.data, H_TIMEOUT);
        assert_int_equal(c.eof_step, 1);
        assert_true(c.elapsed_ms >= 180 && c.elapsed_ms < 3000);
        h_client_clear(&c);
    }

    /* exactly 1 MiB without newline is not too large: it times out */
    char *p = malloc(1048576);
    memset(p, 'x', 1048576);
    expect_exchange(&h, p, 1048576, H_TIMEOUT, true);
    free(p);

    /* keepAlive: the timer re-arms for the next line after each reply */
    const h_step idle[] = {{H_SEND, "{\"command\":\"ping\",\"keepAlive\":true}\n", 0, 0},
                           {H_READ_LINE, NULL, 0, 0},
                           {H_SLEEP, NULL, 0, 120},
                           {H_SEND, "{\"command\":\"list\",\"keepAlive\":true}\n", 0, 0},
                           {H_READ_LINE, NULL, 0, 0},
                           {H_READ_EOF, NULL, 0, 0},
                           {H_END, NULL, 0, 0}};
    h_client c = {.family = AF_UNIX, .steps = idle};
    h_client_run(&h, &c, 10000);
    assert_string_equal((const char *)c.recv.data, H_PING H_LIST H_TIMEOUT);
    assert_int_equal(c.eof_step, 5);
    h_client_clear(&c);
    assert_true(h_run_until(&h, no_connections, &h, 5000));
    h_finish(&h);
}

/* ---- the connection cap -------------------------------------------------- */

typedef struct cap_job {
    harness *h;
    int fds[50];
    char reply[512];
    bool closed;
    atomic_bool done;
} cap_job;

static void cap_main(void *arg)
{
    cap_job *j = arg;
    for (int i = 0; i < 50; i++)
        j->fds[i] = h_connect(j->h, AF_UNIX, NULL, 0);
    int fd = h_connect(j->h, AF_UNIX, NULL, 0);
    if (fd >= 0) {
        send(fd, PING_LINE, strlen(PING_LINE), MSG_NOSIGNAL);
        size_t n = 0;
        for (;;) {
            ssize_t k = recv(fd, j->reply + n, sizeof(j->reply) - 1 - n, 0);
            if (k <= 0) {
                j->closed = k == 0;
                break;
            }
            n += (size_t)k;
        }
        j->reply[n] = '\0';
        close(fd);
    }
    atomic_store(&j->done, true);
}

static bool cap_done(void *arg)
{
    return atomic_load(&((cap_job *)arg)->done);
}

static void test_ipc_server_51st_connection(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    ipc_server_config cfg;
    h_config(&h, &cfg);
    h_start(&h, &cfg);
    cap_job j;
    memset(&j, 0, sizeof(j));
    j.h = &h;
    uv_thread_t t;
    assert_int_equal(uv_thread_create(&t, cap_main, &j), 0);
    bool ok = h_run_until(&h, cap_done, &j, 15000);
    uv_thread_join(&t);
    assert_true(ok);
    for (int i = 0; i < 50; i++)
        assert_true(j.fds[i] >= 0);
    assert_string_equal(j.reply, H_ERR("too_many_connections", "Too many concurrent connections"));
    assert_true(j.closed);
    assert_int_equal(ipc_server_connection_count(h.srv), 50); /* the 51st is not counted */
    for (int i = 0; i < 50; i++)
        close(j.fds[i]);
    assert_true(h_run_until(&h, no_connections, &h, 5000));
    expect_exchange(&h, PING_LINE, 0, H_PING, true); /* the slots are free again */
    h_finish(&h);
}

/* ---- several requests on one connection ---------------------------------- */

static void test_ipc_server_keep_alive(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    ipc_server_config cfg;
    h_config(&h, &cfg);
    h_start(&h, &cfg);
    const h_step steps[] = {{H_SEND, "{\"command\":\"ping\",\"keepAlive\":true}\n", 0, 0},
                            {H_READ_LINE, NULL, 0, 0},
                            {H_SEND, "{\"command\":\"list\",\"keepAlive\":true}\n", 0, 0},
                            {H_READ_LINE, NULL, 0, 0},
                            {H_SEND, "{\"command\":\"ping\",\"keepAlive\":false}\n", 0, 0},
                            {H_READ_LINE, NULL, 0, 0},
                            {H_READ_EOF, NULL, 0, 0},
                            {H_END, NULL, 0, 0}};
    h_client c = {.family = AF_UNIX, .steps = steps};
    h_client_run(&h, &c, 10000);
    assert_string_equal((const char *)c.recv.data, H_PING H_LIST H_PING);
    assert_int_equal(c.eof_step, 6); /* open until the request without keepAlive */
    h_client_clear(&c);
    assert_int_equal(h.dispatched, 3);
    assert_true(h_run_until(&h, no_connections, &h, 5000));
    h_finish(&h);
}

#define DELAY(ms, n, ka) "{\"command\":\"delay\",\"ms\":" #ms ",\"n\":" #n ka "}\n"
#define KA               ",\"keepAlive\":true"
#define N(n)             "{\"success\":true,\"data\":{\"n\":" #n "}}\n"

static void test_ipc_server_replies_in_request_order(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    ipc_server_config cfg;
    h_config(&h, &cfg);
    cfg.limits.max_pipeline = 2; /* also exercises pausing and resuming */
    h_start(&h, &cfg);
    /* later requests complete first; replies still go out in order */
    expect_exchange(&h, DELAY(150, 1, KA) DELAY(10, 2, KA) DELAY(0, 3, ""), 0, N(1) N(2) N(3),
                    true);
    expect_exchange(&h,
                    DELAY(60, 1, KA) DELAY(50, 2, KA) DELAY(40, 3, KA) DELAY(30, 4, KA)
                        DELAY(20, 5, KA) DELAY(0, 6, ""),
                    0, N(1) N(2) N(3) N(4) N(5) N(6), true);
    /* a line that fails in the IPC layer waits for the replies before it */
    expect_exchange(&h, DELAY(80, 1, KA) "oops\n" DELAY(0, 2, ""), 0, N(1) H_INVALID_JSON, true);
    assert_true(h_run_until(&h, no_connections, &h, 5000));
    h_finish(&h);
}

/* ---- clients that leave before their reply -------------------------------- */

typedef struct held_gone {
    harness *h;
    int want_held;
} held_gone;

static bool held_and_gone(void *arg)
{
    held_gone *g = arg;
    return g->h->nheld == g->want_held && ipc_server_connection_count(g->h->srv) == 0;
}

static void run_and_reset(harness *h, const char *line, int port)
{
    const h_step steps[] = {
        {H_SEND, line, 0, 0}, {H_SLEEP, NULL, 0, 100}, {H_RESET, NULL, 0, 0}, {H_END, NULL, 0, 0}};
    h_client c = {.family = AF_INET, .host = "127.0.0.1", .port = port, .steps = steps};
    h_client_run(h, &c, 10000);
    assert_true(c.connected);
    h_client_clear(&c);
}

static void test_ipc_server_client_gone_before_reply(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    ipc_server_config cfg;
    h_config(&h, &cfg);
    char err[256];
    assert_int_equal(ipc_endpoint_parse("tcp://127.0.0.1:0", &cfg.endpoint, err, sizeof(err)), 0);
    h_start(&h, &cfg);
    int port = ipc_server_port(h.srv);
    assert_true(port > 0);

    /* a reset connection detaches its request; the reply is then dropped */
    const char *lines[] = {"{\"command\":\"hold\"}\n",
                           "{\"command\":\"hold\",\"keepAlive\":true}\n"};
    for (int i = 0; i < 2; i++) {
        run_and_reset(&h, lines[i], port);
        held_gone g = {&h, 1};
        assert_true(h_run_until(&h, held_and_gone, &g, 5000));
        assert_false(ipc_request_is_alive(h.held[0]));
        ipc_reply(h.held[0], ipc_success_envelope(NULL)); /* frees it: ASan checks */
        h.nheld = 0;
    }

    /* a client that closed normally: the reply is written into the void */
    const h_step bye[] = {
        {H_SEND, "{\"command\":\"hold\"}\n", 0, 0}, {H_SLEEP, NULL, 0, 100}, {H_END, NULL, 0, 0}};
    h_client c = {.family = AF_INET, .host = "127.0.0.1", .port = port, .steps = bye};
    h_client_run(&h, &c, 10000);
    h_client_clear(&c);
    assert_int_equal(h.nheld, 1);
    ipc_reply(h.held[0], ipc_success_envelope(NULL));
    h.nheld = 0;
    assert_true(h_run_until(&h, no_connections, &h, 5000));

    /* the server closes while a request is pending */
    h_client c2 = {.family = AF_INET, .host = "127.0.0.1", .port = port, .steps = bye};
    h_client_run(&h, &c2, 10000);
    h_client_clear(&c2);
    assert_int_equal(h.nheld, 1);
    assert_true(ipc_request_is_alive(h.held[0]));
    h_close_server(&h);
    assert_false(ipc_request_is_alive(h.held[0]));
    ipc_reply(h.held[0], ipc_success_envelope(NULL));
    h.nheld = 0;
    h_finish(&h);
}

/* ---- streams and local requests ------------------------------------------ */

/* The server's ud is also the harness's (its close callback takes it): the
 * harness comes first. */
typedef struct feed_ctx {
    harness h;
    ipc_feed *feed;
    bool close_it;
    int dispatched, drains, gone;
} feed_ctx;

static void feed_drain(void *ud)
{
    ((feed_ctx *)ud)->drains++;
}

static void feed_gone(void *ud)
{
    feed_ctx *f = ud;
    f->gone++;
    f->feed = NULL;
}

/* Every request becomes a stream of three lines. */
static void feed_dispatch(void *ud, ipc_request *req, json_t *request)
{
    feed_ctx *f = ud;
    json_decref(request);
    f->dispatched++;
    f->feed =
        ipc_reply_feed(req, ipc_success_envelope(json_string("go")), feed_drain, feed_gone, f);
    assert_non_null(f->feed);
    for (int i = 1; i <= 3; i++) {
        char line[32];
        int n = snprintf(line, sizeof(line), "{\"n\":%d}\n", i);
        assert_int_equal(ipc_feed_write(f->feed, line, (size_t)n), 0);
    }
    if (f->close_it) {
        ipc_feed_close(f->feed);
        f->feed = NULL;
    }
}

static bool feed_gone_pred(void *arg)
{
    return ((feed_ctx *)arg)->gone > 0;
}

#define FEED_OUT "{\"success\":true,\"data\":\"go\"}\n{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n"

static void test_ipc_server_feed(void **state)
{
    (void)state;
    static feed_ctx f;
    memset(&f, 0, sizeof(f));
    f.close_it = true;
    harness *h = &f.h;
    h_init(h);
    ipc_server_config cfg;
    h_config(h, &cfg);
    cfg.dispatch = feed_dispatch;
    cfg.ud = &f;
    h_start(h, &cfg);
    /* Closed by the daemon side: every line, then EOF; the line sent after
     * the request is not taken; no gone callback. */
    const h_step closing[] = {{H_SEND, "{\"command\":\"watch\"}\n{\"command\":\"ping\"}\n", 0, 0},
                              {H_READ_LINE, NULL, 0, 0},
                              {H_READ_LINE, NULL, 0, 0},
                              {H_READ_LINE, NULL, 0, 0},
                              {H_READ_LINE, NULL, 0, 0},
                              {H_READ_EOF, NULL, 0, 0},
                              {H_END, NULL, 0, 0}};
    h_client c = {.family = AF_UNIX, .steps = closing};
    h_client_run(h, &c, 10000);
    assert_string_equal((const char *)c.recv.data, FEED_OUT);
    assert_int_equal(c.eof_step, 5);
    h_client_clear(&c);
    assert_true(h_run_until(h, no_connections, h, 5000));
    assert_int_equal(f.dispatched, 1);
    assert_int_equal(f.gone, 0);
    assert_int_equal(f.drains, 0); /* closed at once: nobody to tell */

    /* Left open: the reader goes, gone fires once from the close callback. */
    f.close_it = false;
    const h_step leaving[] = {{H_SEND, "{\"command\":\"watch\"}\n", 0, 0},
                              {H_READ_LINE, NULL, 0, 0},
                              {H_READ_LINE, NULL, 0, 0},
                              {H_READ_LINE, NULL, 0, 0},
                              {H_READ_LINE, NULL, 0, 0},
                              {H_SLEEP, NULL, 0, 200},
                              {H_END, NULL, 0, 0}};
    h_client c2 = {.family = AF_UNIX, .steps = leaving};
    h_client_run(h, &c2, 10000);
    assert_string_equal((const char *)c2.recv.data, FEED_OUT);
    assert_int_equal(c2.eof_step, -1); /* the stream stayed open */
    h_client_clear(&c2);
    assert_true(h_run_until(h, feed_gone_pred, &f, 5000));
    assert_int_equal(f.gone, 1);
    assert_null(f.feed);
    assert_true(f.drains >= 1); /* writes completed while streaming */
    h_finish(h);
}

static void on_local(void *ud, json_t *resp)
{
    json_t **out = ud;
    *out = resp;
}

static void test_ipc_server_local_request(void **state)
{
    (void)state;
    json_t *got = NULL;
    ipc_request *r = ipc_request_local(on_local, &got);
    assert_non_null(r);
    assert_true(ipc_request_is_alive(r));
    ipc_reply(r, ipc_success_envelope(json_integer(5)));
    assert_non_null(got);
    assert_true(json_is_true(json_object_get(got, "success")));
    assert_int_equal(json_integer_value(json_object_get(got, "data")), 5);
    json_decref(got);
    got = NULL;
    r = ipc_request_local(on_local, &got);
    ipc_reply(r, NULL); /* no response: an Exception envelope */
    assert_false(json_is_true(json_object_get(got, "success")));
    json_decref(got);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN); /* the daemon does the same */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipc_server_golden_raw_frames),
        cmocka_unit_test(test_ipc_server_size_limits),
        cmocka_unit_test(test_ipc_server_first_line_timeout),
        cmocka_unit_test(test_ipc_server_51st_connection),
        cmocka_unit_test(test_ipc_server_keep_alive),
        cmocka_unit_test(test_ipc_server_replies_in_request_order),
        cmocka_unit_test(test_ipc_server_client_gone_before_reply),
        cmocka_unit_test(test_ipc_server_feed),
        cmocka_unit_test(test_ipc_server_local_request),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
