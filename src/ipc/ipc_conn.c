/* One IPC connection: the state machine of ipc-protocol.md §1.1 with our
 * §9 differences (every received line answered in order; "keepAlive"
 * keeps the connection for the next request). Replies wait in a queue in
 * request order; requests outlive their connection until answered.
 * A connection is freed only in the close callback of its last handle. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "ipc_json.h"
#include "ipc_server_int.h"
#include "util/log.h"
#include "util/sock.h"

typedef struct write_req {
    uv_write_t w;
    char *buf;
} write_req;

static void conn_pump(ipc_conn *c);

/* ---- replies ------------------------------------------------------------ */

/* Serialises resp (borrowed) as one reply line. A value JSON cannot carry
 * becomes a SerializationException envelope (PHP would write an empty
 * line, ipc-protocol.md §1.3). Returns owned text or NULL on ENOMEM. */
static char *render(size_t max, const json_t *resp, size_t *len)
{
    bbuf b;
    bbuf_init(&b, max + 1);
    int rc = ipc_json_dump(resp, &b);
    if (rc == IPC_JSON_EINVAL || rc == BBUF_ETOOBIG) {
        log_warning("IPC reply could not be serialised: %s",
                    rc == BBUF_ETOOBIG ? "too large" : "not representable as JSON");
        json_t *env =
            ipc_error_envelope(IPC_ERR_SERIALIZATION_EXCEPTION,
                               rc == BBUF_ETOOBIG ? "Response exceeds the maximum reply size"
                                                  : "Response could not be encoded as JSON");
        b.len = 0;
        rc = env ? ipc_json_dump(env, &b) : BBUF_ENOMEM;
        json_decref(env);
    }
    if (rc == 0)
        rc = bbuf_append(&b, "\n", 1);
    if (rc != 0) {
        bbuf_clear(&b);
        return NULL;
    }
    return (char *)bbuf_take(&b, len);
}

static ipc_request *request_new(ipc_conn *c)
{
    ipc_request *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->conn = c;
    if (c->tail)
        c->tail->next = r;
    else
        c->head = r;
    c->tail = r;
    c->inflight++;
    return r;
}

/* Queues a reply produced by the IPC layer itself (framing, JSON, auth,
 * limits). It is final: no later line of this connection is taken. */
static void queue_error(ipc_conn *c, enum ipc_error e, const char *message)
{
    c->stop_lines = true;
    if (c->state == IPC_CONN_READING)
        c->state = IPC_CONN_DRAINING;
    ipc_request *r = request_new(c);
    json_t *env = ipc_error_envelope(e, message);
    if (r && env)
        r->out = render(c->srv->limits.max_response, env, &r->out_len);
    json_decref(env);
    if (!r || !r->out) {
        ipc_conn_close(c);
        free(r);
        return;
    }
    r->done = true;
}

static void buffer_message(const ipc_limits *l, char *buf, size_t size)
{
    if (l->max_buffer == IPC_DEFAULT_MAX_BUFFER)
        snprintf(buf, size, "%s", IPC_MSG_BUFFER_TOO_LARGE);
    else
        snprintf(buf, size, "Request exceeds maximum size of %zu bytes", l->max_buffer);
}

/* ---- writing ------------------------------------------------------------ */

static void on_write(uv_write_t *w, int status)
{
    write_req *wr = (write_req *)w;
    ipc_conn *c = w->handle->data;
    free(wr->buf);
    free(wr);
    if (status < 0 && c->state != IPC_CONN_CLOSING)
        ipc_conn_close(c);
    else if (status == 0 && c->state == IPC_CONN_FEED && c->feed && c->feed->drain)
        c->feed->drain(c->feed->ud);
}

/* Writes every reply at the head of the queue that is ready. */
static void conn_flush(ipc_conn *c)
{
    while (c->state != IPC_CONN_CLOSING && c->head && c->head->done) {
        ipc_request *r = c->head;
        c->head = r->next;
        if (!c->head)
            c->tail = NULL;
        c->inflight--;
        /* A reply that fits the socket buffer is written at once: one
         * system call, no queued write re-arming the poll. Only while
         * nothing is queued (order), and not while feeding a watch stream,
         * whose flow control waits for on_write. MSG_NOSIGNAL: a client
         * gone must not raise SIGPIPE. */
        uv_os_fd_t fd;
        ssize_t done = c->state != IPC_CONN_FEED &&
                               uv_stream_get_write_queue_size(&c->h.stream) == 0 &&
                               uv_fileno(&c->h.handle, &fd) == 0
                           ? osm_send_now(fd, r->out, r->out_len)
                           : 0;
        if (done == (ssize_t)r->out_len) {
            free(r->out);
            free(r);
            continue;
        }
        size_t skip = done > 0 ? (size_t)done : 0;
        write_req *wr = malloc(sizeof(*wr));
        if (!wr) {
            free(r->out);
            free(r);
            ipc_conn_close(c);
            return;
        }
        wr->buf = r->out;
        uv_buf_t b = uv_buf_init(wr->buf + skip, (unsigned)(r->out_len - skip));
        free(r);
        int rc = uv_write(&wr->w, &c->h.stream, &b, 1, on_write);
        if (rc != 0) {
            free(wr->buf);
            free(wr);
            ipc_conn_close(c);
        }
    }
}

/* ---- reading and timers ------------------------------------------------- */

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    ipc_conn *c = h->data;
    buf->base = c->srv->read_buf;
    buf->len = sizeof(c->srv->read_buf);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

static void set_reading(ipc_conn *c, bool want)
{
    if (want && !c->reading) {
        if (uv_read_start(&c->h.stream, on_alloc, on_read) != 0) {
            ipc_conn_close(c);
            return;
        }
        c->reading = true;
    } else if (!want && c->reading) {
        uv_read_stop(&c->h.stream);
        c->reading = false;
    }
}

static void on_timer(uv_timer_t *t)
{
    ipc_conn *c = t->data;
    c->timer_armed = false;
    if (c->state == IPC_CONN_READING) {
        /* §1.1 step 2: no complete line within the timeout. */
        queue_error(c, IPC_ERR_CONNECTION_TIMEOUT, NULL);
        conn_pump(c);
    } else if (c->state == IPC_CONN_LINGER) {
        ipc_conn_close(c);
    }
}

static void timer_start(ipc_conn *c, uint64_t ms)
{
    uv_timer_start(&c->timer, on_timer, ms, 0);
    c->timer_armed = true;
}

static void timer_stop(ipc_conn *c)
{
    if (c->timer_armed) {
        uv_timer_stop(&c->timer);
        c->timer_armed = false;
    }
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    ipc_conn *c = req->handle->data;
    if (c->state != IPC_CONN_CLOSING && (status < 0 || c->eof))
        ipc_conn_close(c);
}

/* All answered: shut the write side (the peer sees EOF after the last
 * reply), then wait briefly for the peer to close, discarding what it
 * still sends, so that closing never resets a connection whose reply the
 * peer has not read yet. */
static void conn_end(ipc_conn *c)
{
    c->state = IPC_CONN_LINGER;
    timer_stop(c);
    /* A Unix socket whose replies are all in the peer's queue and which has
     * no unread input can close at once: the peer reads the replies, then
     * its EOF (unread input would turn the close into a reset). This saves
     * four system calls of the shutdown-and-wait on every one-shot request. */
    uv_os_fd_t fd;
    int unread = 1;
    if (c->srv->endpoint.transport == IPC_TRANSPORT_UNIX &&
        uv_stream_get_write_queue_size(&c->h.stream) == 0 && uv_fileno(&c->h.handle, &fd) == 0 &&
        ioctl(fd, FIONREAD, &unread) == 0 && unread == 0) {
        ipc_conn_close(c);
        return;
    }
    if (uv_shutdown(&c->shutdown_req, &c->h.stream, on_shutdown) != 0) {
        ipc_conn_close(c);
        return;
    }
    if (c->eof)
        return; /* on_shutdown closes */
    timer_start(c, c->srv->limits.linger_ms);
    set_reading(c, true);
}

/* After any event: reading, the line timer and the end follow the state.
 * While draining or lingering, input is read and discarded: that notices a
 * reset peer (its unanswered requests are then detached) and never lets
 * unread bytes turn our close into a reset. */
static void conn_settle(ipc_conn *c)
{
    switch (c->state) {
    case IPC_CONN_READING:
        set_reading(c, !c->eof && c->inflight < c->srv->limits.max_pipeline);
        if (c->state != IPC_CONN_READING)
            break;
        if (c->head)
            timer_stop(c);
        else if (!c->timer_armed) /* at accept, and idle again after a keepAlive reply */
            timer_start(c, c->srv->limits.first_line_timeout_ms);
        break;
    case IPC_CONN_DRAINING:
        timer_stop(c);
        if (!c->head)
            conn_end(c);
        else
            set_reading(c, !c->eof);
        break;
    case IPC_CONN_FEED:
        timer_stop(c);
        set_reading(c, !c->eof);
        break;
    case IPC_CONN_LINGER:
    case IPC_CONN_CLOSING:
        break;
    }
}

/* ---- lines -------------------------------------------------------------- */

static void take_line(ipc_conn *c, const char *line, size_t len)
{
    ipc_server *srv = c->srv;
    json_t *request;
    enum ipc_error e = ipc_frame_decode(line, len, srv->token, srv->token_len, &request);
    if (e != IPC_OK) {
        if (e == IPC_ERR_AUTH_FAILED)
            log_warning("Authentication failed from IPC client");
        queue_error(c, e, NULL);
        return;
    }
    /* §9 #2: without keepAlive the connection ends after the replies to
     * the lines already received (§9 #1). */
    if (!ipc_frame_keep_alive(request) && c->state == IPC_CONN_READING)
        c->state = IPC_CONN_DRAINING;
    ipc_request *r = request_new(c);
    if (!r) {
        json_decref(request);
        ipc_conn_close(c);
        return;
    }
    srv->dispatch(srv->ud, r, request);
}

static bool may_take_line(const ipc_conn *c)
{
    return (c->state == IPC_CONN_READING || c->state == IPC_CONN_DRAINING) && !c->stop_lines &&
           c->inflight < c->srv->limits.max_pipeline;
}

/* Writes ready replies and takes complete lines until neither is possible.
 * Re-entrant calls (ipc_reply from inside the dispatcher) return at once;
 * the outer loop picks their reply up on its next turn. */
static void conn_pump(ipc_conn *c)
{
    if (c->in_pump)
        return;
    c->in_pump = true;
    for (;;) {
        conn_flush(c);
        if (!may_take_line(c))
            break;
        const char *line;
        size_t len;
        int r = ipc_framer_next(&c->framer, &line, &len);
        if (r == IPC_FRAME_NONE)
            break;
        timer_stop(c); /* §1.1 step 3: cancelled at the first '\n' */
        if (r == IPC_FRAME_TOO_LONG) {
            char msg[96];
            snprintf(msg, sizeof(msg), "Request frame exceeds maximum size of %zu bytes",
                     c->srv->limits.max_frame);
            queue_error(c, IPC_ERR_PAYLOAD_TOO_LARGE, msg);
        } else {
            take_line(c, line, len);
        }
    }
    c->in_pump = false;
    if (c->state != IPC_CONN_CLOSING)
        conn_settle(c);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    ipc_conn *c = s->data;
    if (nread == 0 || c->state == IPC_CONN_CLOSING)
        return;
    if (nread == UV_EOF) {
        c->eof = true;
        c->reading = false; /* libuv stops reading at EOF */
    } else if (nread < 0) {
        ipc_conn_close(c); /* reset: unanswered requests are detached */
        return;
    }
    switch (c->state) {
    case IPC_CONN_LINGER:
        if (c->eof)
            ipc_conn_close(c); /* the peer has closed too: done */
        return;                /* data after the last reply is discarded */
    case IPC_CONN_DRAINING:
        return; /* no new lines are taken; a half-close still gets its replies */
    case IPC_CONN_FEED:
        if (c->eof)
            ipc_conn_close(c); /* a stream ends when its reader goes */
        return;
    default:
        break;
    }
    if (c->eof) {
        /* A partial line is never answered (raw-frames "half-close"). */
        c->state = IPC_CONN_DRAINING;
        conn_pump(c);
        return;
    }
    int rc = ipc_framer_feed(&c->framer, buf->base, (size_t)nread);
    if (rc == IPC_FRAME_FULL) {
        char msg[96];
        buffer_message(&c->srv->limits, msg, sizeof(msg));
        queue_error(c, IPC_ERR_PAYLOAD_TOO_LARGE, msg);
    } else if (rc != 0) {
        ipc_conn_close(c);
        return;
    }
    conn_pump(c);
}

/* ---- lifetime ----------------------------------------------------------- */

static void on_closed(uv_handle_t *h)
{
    ipc_conn *c = h->data;
    if (--c->open_handles > 0)
        return;
    ipc_server *srv = c->srv;
    if (c->prev)
        c->prev->next = c->next;
    else
        srv->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    ipc_framer_clear(&c->framer);
    ipc_feed *f = c->feed;
    free(c);
    if (f) {
        f->gone(f->ud);
        free(f);
    }
    ipc_server_conn_gone(srv);
}

void ipc_conn_close(ipc_conn *c)
{
    if (c->state == IPC_CONN_CLOSING)
        return;
    c->state = IPC_CONN_CLOSING;
    if (c->counted) {
        c->counted = false;
        c->srv->open_count--;
    }
    /* Answered replies die with the connection; unanswered requests belong
     * to the dispatcher until ipc_reply. */
    ipc_request *next;
    for (ipc_request *r = c->head; r; r = next) {
        next = r->next;
        if (r->done) {
            free(r->out);
            free(r);
        } else {
            r->conn = NULL;
            r->next = NULL;
        }
    }
    c->head = c->tail = NULL;
    c->inflight = 0;
    uv_close(&c->h.handle, on_closed);
    uv_close((uv_handle_t *)&c->timer, on_closed);
}

void ipc_conn_accept(ipc_server *srv)
{
    ipc_conn *c = calloc(1, sizeof(*c));
    if (!c) {
        log_error("IPC: out of memory accepting a connection");
        return;
    }
    c->srv = srv;
    if (srv->endpoint.transport == IPC_TRANSPORT_UNIX)
        uv_pipe_init(srv->loop, &c->h.pipe, 0);
    else
        uv_tcp_init(srv->loop, &c->h.tcp);
    uv_timer_init(srv->loop, &c->timer);
    c->h.handle.data = c;
    c->timer.data = c;
    c->open_handles = 2;
    c->state = IPC_CONN_READING;
    ipc_framer_init(&c->framer, srv->limits.max_buffer, srv->limits.max_frame);
    c->next = srv->conns;
    if (srv->conns)
        srv->conns->prev = c;
    srv->conns = c;
    if (uv_accept(&srv->listener.stream, &c->h.stream) != 0) {
        ipc_conn_close(c);
        return;
    }
    if (srv->open_count >= srv->limits.max_connections) {
        /* §1.1 step 1: answered with an error frame, not counted. */
        queue_error(c, IPC_ERR_TOO_MANY_CONNECTIONS, NULL);
    } else {
        c->counted = true;
        srv->open_count++;
    }
    conn_pump(c);
}

void ipc_reply(ipc_request *req, json_t *response)
{
    ipc_conn *c = req->conn;
    if (req->local_cb) {
        if (!response)
            response = ipc_error_envelope(IPC_ERR_EXCEPTION, "No response");
        req->local_cb(req->local_ud, response);
        free(req);
        return;
    }
    if (!c) {
        json_decref(response);
        free(req);
        return;
    }
    if (!response)
        response = ipc_error_envelope(IPC_ERR_EXCEPTION, "No response");
    req->out = response ? render(c->srv->limits.max_response, response, &req->out_len) : NULL;
    json_decref(response);
    if (!req->out) {
        ipc_conn_close(c); /* detaches req: it is ours to free */
        free(req);
        return;
    }
    req->done = true;
    conn_pump(c);
}

bool ipc_request_is_alive(const ipc_request *req)
{
    return req->conn != NULL || req->local_cb != NULL;
}

/* ---- streams and local requests ------------------------------------------- */

ipc_feed *ipc_reply_feed(ipc_request *req, json_t *response, ipc_feed_cb drain, ipc_feed_cb gone,
                         void *ud)
{
    ipc_conn *c = req->conn;
    ipc_feed *f = c && !req->local_cb ? calloc(1, sizeof(*f)) : NULL;
    if (!f) {
        ipc_reply(req, response);
        return NULL;
    }
    f->conn = c;
    f->drain = drain;
    f->gone = gone;
    f->ud = ud;
    c->feed = f;
    c->stop_lines = true;
    if (c->state == IPC_CONN_READING || c->state == IPC_CONN_DRAINING)
        c->state = IPC_CONN_FEED;
    ipc_reply(req, response); /* may close c: gone then follows from on_closed */
    return f;
}

int ipc_feed_write(ipc_feed *f, const char *line, size_t len)
{
    ipc_conn *c = f->conn;
    if (c->state != IPC_CONN_FEED)
        return -1;
    /* Queued like a reply, so it leaves after every earlier reply. */
    char *copy = malloc(len ? len : 1);
    ipc_request *r = copy ? request_new(c) : NULL;
    if (!r) {
        free(copy);
        return -1;
    }
    memcpy(copy, line, len);
    r->out = copy;
    r->out_len = len;
    r->done = true;
    conn_pump(c);
    return 0;
}

size_t ipc_feed_backlog(const ipc_feed *f)
{
    const ipc_conn *c = f->conn;
    size_t n = uv_stream_get_write_queue_size(&c->h.stream);
    for (const ipc_request *r = c->head; r; r = r->next)
        n += r->done ? r->out_len : 0;
    return n;
}

void ipc_feed_close(ipc_feed *f)
{
    ipc_conn *c = f->conn;
    c->feed = NULL;
    free(f);
    if (c->state == IPC_CONN_FEED) {
        c->state = IPC_CONN_DRAINING; /* ends once the queue is written */
        conn_pump(c);
    }
}

ipc_request *ipc_request_local(ipc_local_cb cb, void *ud)
{
    ipc_request *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->local_cb = cb;
    r->local_ud = ud;
    return r;
}
