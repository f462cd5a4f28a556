/* IPC test harness (see ipc_harness.h). The loop runs on the test's
 * thread; clients are blocking sockets in a second thread, with receive
 * and send timeouts so no script can hang. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ipc_harness.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ipc_errors.h"

/* ---- the test command handler ------------------------------------------ */

typedef struct delay {
    uv_timer_t timer;
    harness *h;
    ipc_request *req;
    json_int_t n;
} delay;

static void on_delay_closed(uv_handle_t *t)
{
    delay *d = t->data;
    d->h->delays_pending--;
    free(d);
}

static void on_delay(uv_timer_t *t)
{
    delay *d = t->data;
    ipc_reply(d->req, ipc_success_envelope(json_pack("{s:I}", "n", d->n)));
    uv_close((uv_handle_t *)t, on_delay_closed);
}

static void h_dispatch(void *ud, ipc_request *req, json_t *request)
{
    harness *h = ud;
    h->dispatched++;
    const char *cmd = "";
    if (json_is_object(request) && json_is_string(json_object_get(request, "command")))
        cmd = json_string_value(json_object_get(request, "command"));
    if (strcmp(cmd, "ping") == 0) {
        ipc_reply(req, ipc_success_envelope(json_pack("{s:s,s:i,s:f}", "status", "ok", "sessions",
                                                      0, "time", 1795391886.991798)));
    } else if (strcmp(cmd, "list") == 0) {
        ipc_reply(req, ipc_success_envelope(json_pack("{s:i,s:[]}", "count", 0, "sessions")));
    } else if (strcmp(cmd, "echo") == 0) {
        ipc_reply(req, ipc_success_envelope(json_incref(request)));
    } else if (strcmp(cmd, "hold") == 0) {
        assert_true(h->nheld < H_MAX_HELD);
        h->held[h->nheld++] = req;
    } else if (strcmp(cmd, "delay") == 0) {
        delay *d = calloc(1, sizeof(*d));
        assert_non_null(d);
        d->h = h;
        d->req = req;
        d->n = json_integer_value(json_object_get(request, "n"));
        uv_timer_init(&h->loop, &d->timer);
        d->timer.data = d;
        h->delays_pending++;
        uv_timer_start(&d->timer, on_delay,
                       (uint64_t)json_integer_value(json_object_get(request, "ms")), 0);
    } else {
        char msg[256];
        snprintf(msg, sizeof(msg), "Unknown command: %s", cmd);
        ipc_reply(req, ipc_error_envelope(IPC_ERR_UNKNOWN_COMMAND, msg));
    }
    json_decref(request);
}

/* ---- loop --------------------------------------------------------------- */

static void on_deadline(uv_timer_t *t)
{
    harness *h = t->data;
    h->timed_out = true;
}

static void on_tick(uv_timer_t *t)
{
    (void)t;
}

void h_init(harness *h)
{
    memset(h, 0, sizeof(*h));
    assert_int_equal(uv_loop_init(&h->loop), 0);
    uv_timer_init(&h->loop, &h->deadline);
    uv_timer_init(&h->loop, &h->tick);
    h->deadline.data = h;
    h->srv_closed = true;
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp || strlen(tmp) > 60)
        tmp = "/tmp";
    snprintf(h->dir, sizeof(h->dir), "%s/osm-ipc-XXXXXX", tmp);
    assert_non_null(mkdtemp(h->dir));
    snprintf(h->path, sizeof(h->path), "%s/s.sock", h->dir);
}

void h_config(harness *h, ipc_server_config *cfg)
{
    ipc_server_config_init(cfg);
    char err[256];
    assert_int_equal(ipc_endpoint_parse(h->path, &cfg->endpoint, err, sizeof(err)), 0);
    cfg->dispatch = h_dispatch;
    cfg->ud = h;
}

void h_start(harness *h, ipc_server_config *cfg)
{
    char err[512];
    int rc = ipc_server_new(&h->loop, cfg, &h->srv, err, sizeof(err));
    if (rc != 0)
        fail_msg("ipc_server_new: %s", err);
    h->srv_closed = false;
}

bool h_run_until(harness *h, bool (*pred)(void *arg), void *arg, int timeout_ms)
{
    h->timed_out = false;
    uv_timer_start(&h->deadline, on_deadline, (uint64_t)timeout_ms, 0);
    uv_timer_start(&h->tick, on_tick, 5, 5);
    while (!pred(arg) && !h->timed_out)
        uv_run(&h->loop, UV_RUN_ONCE);
    uv_timer_stop(&h->deadline);
    uv_timer_stop(&h->tick);
    return pred(arg);
}

static bool never(void *arg)
{
    (void)arg;
    return false;
}

void h_run_for(harness *h, int ms)
{
    h_run_until(h, never, NULL, ms);
}

static void on_server_closed(void *ud)
{
    harness *h = ud;
    h->srv_closed = true;
}

static bool server_closed(void *arg)
{
    return ((harness *)arg)->srv_closed;
}

void h_close_server(harness *h)
{
    if (!h->srv || h->srv_closed)
        return;
    ipc_server_close(h->srv, on_server_closed);
    assert_true(h_run_until(h, server_closed, h, 5000));
    h->srv = NULL;
}

static bool no_delays(void *arg)
{
    return ((harness *)arg)->delays_pending == 0;
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[512];
            snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
            if (unlink(p) != 0)
                rmdir(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

void h_finish(harness *h)
{
    h_close_server(h);
    for (int i = 0; i < h->nheld; i++)
        ipc_reply(h->held[i], json_null());
    h->nheld = 0;
    assert_true(h_run_until(h, no_delays, h, 5000));
    uv_close((uv_handle_t *)&h->deadline, NULL);
    uv_close((uv_handle_t *)&h->tick, NULL);
    uv_run(&h->loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&h->loop), 0); /* no handle left behind */
    remove_dir(h->dir);
}

/* ---- the client thread -------------------------------------------------- */

int h_connect(harness *h, int family, const char *host, int port)
{
    struct sockaddr_storage ss;
    socklen_t len;
    memset(&ss, 0, sizeof(ss));
    if (family == AF_UNIX) {
        struct sockaddr_un *un = (struct sockaddr_un *)&ss;
        un->sun_family = AF_UNIX;
        size_t n = strlen(h->path);
        if (n >= sizeof(un->sun_path))
            return -1;
        memcpy(un->sun_path, h->path, n + 1);
        len = sizeof(*un);
    } else if (family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)&ss;
        in->sin_family = AF_INET;
        in->sin_port = htons((uint16_t)port);
        inet_pton(AF_INET, host, &in->sin_addr);
        len = sizeof(*in);
    } else {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        inet_pton(AF_INET6, host, &in6->sin6_addr);
        len = sizeof(*in6);
    }
    int fd = socket(family, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (connect(fd, (struct sockaddr *)&ss, len) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

bool h_ipv6_available(void)
{
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    if (fd < 0)
        return false;
    struct sockaddr_in6 in6;
    memset(&in6, 0, sizeof(in6));
    in6.sin6_family = AF_INET6;
    in6.sin6_addr = in6addr_loopback;
    bool ok = bind(fd, (struct sockaddr *)&in6, sizeof(in6)) == 0;
    close(fd);
    return ok;
}

static void send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return; /* the daemon may close while we send; read what it said */
        p += k;
        n -= (size_t)k;
    }
}

static size_t count_lines(const bbuf *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->len; i++)
        n += b->data[i] == '\n';
    return n;
}

/* Reads until want_lines lines in total have arrived (0 = until EOF). */
static void read_some(h_client *c, int fd, int step, size_t want_lines)
{
    char buf[65536];
    for (;;) {
        if (want_lines > 0 && count_lines(&c->recv) >= want_lines)
            return;
        ssize_t k = recv(fd, buf, sizeof(buf), 0);
        if (k > 0) {
            /* no cmocka asserts in this thread: they would longjmp across threads */
            if (bbuf_append(&c->recv, buf, (size_t)k) != BBUF_OK) {
                c->eof_step = step;
                return;
            }
            continue;
        }
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;         /* read timeout */
        c->eof_step = step; /* EOF, or reset by the daemon */
        return;
    }
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static void client_main(void *arg)
{
    h_client *c = arg;
    uint64_t t0 = uv_hrtime();
    int fd = h_connect(c->h, c->family, c->host, c->port);
    c->connected = fd >= 0;
    if (fd >= 0 && c->read_timeout_ms > 0) {
        struct timeval tv = {c->read_timeout_ms / 1000, (c->read_timeout_ms % 1000) * 1000};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    }
    size_t lines = 0;
    for (int i = 0; fd >= 0 && c->steps[i].kind != H_END; i++) {
        const h_step *s = &c->steps[i];
        switch (s->kind) {
        case H_SEND:
            send_all(fd, s->data, s->len ? s->len : strlen(s->data));
            break;
        case H_READ_LINE:
            lines++;
            if (c->eof_step < 0)
                read_some(c, fd, i, lines);
            break;
        case H_READ_EOF:
            if (c->eof_step < 0)
                read_some(c, fd, i, 0);
            break;
        case H_SLEEP:
            sleep_ms(s->ms);
            break;
        case H_SHUT_WR:
            shutdown(fd, SHUT_WR);
            break;
        case H_RESET: {
            struct linger l = {1, 0};
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
            close(fd);
            fd = -1;
            break;
        }
        case H_END:
            break;
        }
    }
    if (fd >= 0)
        close(fd);
    c->elapsed_ms = (double)(uv_hrtime() - t0) / 1e6;
    atomic_store(&c->done, true);
}

static bool client_done(void *arg)
{
    return atomic_load(&((h_client *)arg)->done);
}

void h_client_run(harness *h, h_client *c, int timeout_ms)
{
    c->h = h;
    c->eof_step = -1;
    bbuf_init(&c->recv, 8u << 20);
    atomic_store(&c->done, false);
    assert_int_equal(uv_thread_create(&c->thread, client_main, c), 0);
    bool ok = h_run_until(h, client_done, c, timeout_ms);
    uv_thread_join(&c->thread);
    assert_true(ok);
    assert_int_equal(bbuf_append(&c->recv, "", 1), BBUF_OK); /* NUL for string compares */
    c->recv.len--;
}

void h_client_clear(h_client *c)
{
    bbuf_clear(&c->recv);
}

char *h_exchange(harness *h, const char *data, size_t len, bool *closed)
{
    const h_step steps[] = {{H_SEND, data, len, 0}, {H_READ_EOF, NULL, 0, 0}, {H_END, NULL, 0, 0}};
    h_client c;
    memset(&c, 0, sizeof(c));
    c.family = AF_UNIX;
    c.steps = steps;
    h_client_run(h, &c, 15000);
    assert_true(c.connected);
    *closed = c.eof_step >= 0;
    size_t n;
    char *out = (char *)bbuf_take(&c.recv, &n);
    return out ? out : calloc(1, 1);
}
