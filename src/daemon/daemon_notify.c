/* Notification sinks (daemon_notify.h): the events file and the watch
 * streams. A line is rendered once and fanned out; the file is written at
 * once, a watch client's lines go through its bounded queue and reach the
 * socket only while the connection's backlog is below DNOTIFY_HIGH_WATER.
 * Overflow policy: drop the oldest queued line, count it, and tell the
 * reader with an Overflow line before the next line it gets. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_int.h"
#include "daemon_publish.h"
#include "ipc_errors.h"
#include "ipc_json.h"
#include "util/log.h"

/* A notification line never comes near this; bigger ones are skipped. */
#define LINE_MAX_BYTES (16u * 1024 * 1024)
/* Queued lines reach a watch socket in writes of about this size. */
#define WRITE_CHUNK (16u * 1024)

struct dwatch {
    dwatch *next;
    osmd *d;
    ipc_feed *feed;
    char session_id[33]; /* "" = every session */
    nqueue q;
    uint64_t sent;
    uint64_t unreported; /* dropped since the last Overflow line */
};

/* ---- the file sink ---------------------------------------------------------- */

static FILE *open_events(const char *path)
{
    return strcmp(path, "-") == 0 ? stdout : fopen(path, "a");
}

int dnotify_init(dnotify *n, const char *events_path, size_t queue_cap)
{
    memset(n, 0, sizeof(*n));
    n->queue_cap = queue_cap ? queue_cap : DNOTIFY_QUEUE_DEFAULT;
    if (!events_path)
        return 0;
    n->events_path = strdup(events_path);
    if (!n->events_path)
        return -1;
    n->events = open_events(events_path);
    if (!n->events) {
        int e = errno;
        free(n->events_path);
        n->events_path = NULL;
        errno = e;
        return -1;
    }
    return 0;
}

void dnotify_clear(dnotify *n)
{
    if (n->events && n->events != stdout)
        fclose(n->events);
    else if (n->events)
        fflush(n->events);
    free(n->events_path);
    memset(n, 0, sizeof(*n));
}

void dnotify_reopen(dnotify *n)
{
    if (!n->events_path)
        return;
    if (n->events == stdout) {
        fflush(stdout);
        return;
    }
    if (n->events)
        fclose(n->events);
    n->events = open_events(n->events_path);
    if (n->events)
        log_info("Events file reopened: %s", n->events_path);
    else
        log_error("Cannot reopen the events file %s: %s (notifications are not written until "
                  "the next SIGHUP)",
                  n->events_path, strerror(errno));
}

/* ---- watch clients ------------------------------------------------------------ */

static bool wants(const dwatch *w, const char *session_id)
{
    return !w->session_id[0] || strcmp(w->session_id, session_id) == 0;
}

static void write_overflow(dwatch *w)
{
    char buf[160];
    int len = snprintf(buf, sizeof(buf),
                       "{\"type\":\"Overflow\",\"dropped\":%llu,\"totalDropped\":%llu}\n",
                       (unsigned long long)w->unreported, (unsigned long long)w->q.dropped);
    if (ipc_feed_write(w->feed, buf, (size_t)len) == 0)
        w->unreported = 0;
}

/* Moves queued lines to the socket while its backlog is small, several
 * lines per write (one write per line costs a syscall per notification). */
static void w_flush(dwatch *w)
{
    size_t len;
    const char *line;
    bbuf chunk;
    bbuf_init(&chunk, WRITE_CHUNK + LINE_MAX_BYTES);
    size_t backlog;
    while (nqueue_peek(&w->q, &len) && (backlog = ipc_feed_backlog(w->feed)) < DNOTIFY_HIGH_WATER) {
        if (w->unreported)
            write_overflow(w);
        size_t lines = 0;
        chunk.len = 0;
        while ((line = nqueue_peek(&w->q, &len)) &&
               (lines == 0 || (chunk.len + len <= WRITE_CHUNK &&
                               backlog + chunk.len + len < DNOTIFY_HIGH_WATER))) {
            if (bbuf_append(&chunk, line, len) != 0)
                break;
            lines++;
            nqueue_pop(&w->q);
        }
        if (lines == 0) { /* out of memory: the line stays queued */
            bbuf_clear(&chunk);
            return;
        }
        if (ipc_feed_write(w->feed, (const char *)chunk.data, chunk.len) != 0) {
            bbuf_clear(&chunk);
            return; /* closing: gone follows */
        }
        w->sent += lines;
    }
    bbuf_clear(&chunk);
}

static void on_drain(void *ud)
{
    w_flush(ud);
}

static void unlink_watch(osmd *d, dwatch *w)
{
    for (dwatch **p = &d->notify.watchers; *p; p = &(*p)->next) {
        if (*p == w) {
            *p = w->next;
            return;
        }
    }
}

/* Auto-publish follows the watchers (daemon_publish.c). */
static void sync_publish(osmd *d, const char *session_id)
{
    if (d->shutting_down)
        return;
    for (dsession *s = d->head; s; s = s->next)
        if (!session_id[0] || strcmp(s->id, session_id) == 0)
            dpub_sync(d, s);
}

static void w_free(dwatch *w)
{
    log_info("Watch client for %s ended: %llu line(s) sent, %llu dropped",
             w->session_id[0] ? w->session_id : "all sessions", (unsigned long long)w->sent,
             (unsigned long long)w->q.dropped);
    nqueue_clear(&w->q);
    free(w);
}

static void on_gone(void *ud)
{
    dwatch *w = ud;
    osmd *d = w->d;
    char sid[33];
    memcpy(sid, w->session_id, sizeof(sid));
    unlink_watch(d, w);
    w_free(w);
    sync_publish(d, sid);
}

void dnotify_cmd_watch(osmd *d, ipc_request *req, json_t *request)
{
    json_t *id = json_object_get(request, "sessionId");
    const char *want = json_is_string(id) ? json_string_value(id) : "";
    if (id && !json_is_null(id) && !json_is_string(id)) {
        reply_named(req, IPC_ERR_INVALID_ARGUMENT, "watch: \"sessionId\" must be a string.");
        return;
    }
    dsession *s = NULL;
    if (want[0] && strcmp(want, "*") != 0) {
        s = store_find(d, want);
        if (!s) {
            char msg[600];
            snprintf(msg, sizeof(msg), "Session not found: %.500s", want);
            reply_named(req, IPC_ERR_SESSION_NOT_FOUND, msg);
            return;
        }
    }
    dwatch *w = calloc(1, sizeof(*w));
    if (!w || nqueue_init(&w->q, d->notify.queue_cap) != 0) {
        free(w);
        reply_error(req, "Exception", "out of memory");
        return;
    }
    w->d = d;
    if (s)
        memcpy(w->session_id, s->id, sizeof(w->session_id));
    json_t *data = json_object();
    json_object_set_new(data, "watching", s ? json_string(s->id) : json_string("*"));
    json_object_set_new(data, "queueSize", json_integer((json_int_t)w->q.cap));
    w->feed = ipc_reply_feed(req, ipc_success_envelope(data), on_drain, on_gone, w);
    if (!w->feed) {
        nqueue_clear(&w->q);
        free(w);
        return;
    }
    w->next = d->notify.watchers;
    d->notify.watchers = w;
    log_info("Watch client attached for %s", s ? s->id : "all sessions");
    sync_publish(d, w->session_id);
}

/* ---- fan-out ------------------------------------------------------------------- */

bool dnotify_watched(const osmd *d, const char *session_id)
{
    for (const dwatch *w = d->notify.watchers; w; w = w->next)
        if (wants(w, session_id))
            return true;
    return false;
}

bool dnotify_has_global_sink(const osmd *d)
{
    return d->notify.events_path != NULL;
}

/* Queues a line; the caller flushes. A full queue is flushed first, so a
 * line is dropped only while the socket's backlog is high. */
static void push_line(dwatch *w, const char *text, size_t len)
{
    if (w->q.count == w->q.cap)
        w_flush(w);
    int r = nqueue_push(&w->q, text, len);
    if (r > 0)
        w->unreported += (uint64_t)r;
    if (r > 0 && (w->q.dropped == 1 || w->q.dropped % 1000 == 0))
        log_warning("Watch client for %s is too slow: %llu line(s) dropped so far",
                    w->session_id[0] ? w->session_id : "all sessions",
                    (unsigned long long)w->q.dropped);
}

void dnotify_emit_lines(osmd *d, const char *session_id, const char *text, size_t len)
{
    dnotify *n = &d->notify;
    if (len == 0)
        return;
    if (n->events) {
        if (fwrite(text, 1, len, n->events) != len || fflush(n->events) != 0)
            log_warning("Writing the events file failed: %s", strerror(errno));
    }
    const char *end = text + len;
    for (const char *line = text; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *next = nl ? nl + 1 : end;
        n->lines++;
        for (dwatch *w = n->watchers; w; w = w->next)
            if (wants(w, session_id))
                push_line(w, line, (size_t)(next - line));
        line = next;
    }
    for (dwatch *w = n->watchers; w; w = w->next)
        if (wants(w, session_id))
            w_flush(w);
}

void dnotify_emit(osmd *d, const char *session_id, const json_t *line)
{
    bbuf b;
    bbuf_init(&b, LINE_MAX_BYTES);
    if (ipc_json_dump(line, &b) != 0 || bbuf_append(&b, "\n", 1) != 0) {
        log_warning("A notification of session %s could not be serialised; skipped", session_id);
        bbuf_clear(&b);
        return;
    }
    dnotify_emit_lines(d, session_id, (const char *)b.data, b.len);
    bbuf_clear(&b);
}

void dnotify_session_gone(osmd *d, const struct dsession *s, const char *why)
{
    dwatch **p = &d->notify.watchers;
    while (*p) {
        dwatch *w = *p;
        if (strcmp(w->session_id, s->id) != 0) {
            p = &w->next;
            continue;
        }
        /* The last lines go out regardless of the backlog: the queue is
         * bounded, and the stream ends here. */
        size_t len;
        const char *line;
        while ((line = nqueue_peek(&w->q, &len))) {
            if (ipc_feed_write(w->feed, line, len) == 0)
                w->sent++;
            nqueue_pop(&w->q);
        }
        json_t *last = json_object();
        json_object_set_new(last, "type", json_string("SessionClosed"));
        json_object_set_new(last, "sessionId", json_string(s->id));
        json_object_set_new(last, "reason", json_string(why));
        bbuf b;
        bbuf_init(&b, 4096);
        if (ipc_json_dump(last, &b) == 0 && bbuf_append(&b, "\n", 1) == 0)
            ipc_feed_write(w->feed, (const char *)b.data, b.len);
        bbuf_clear(&b);
        json_decref(last);
        *p = w->next;
        ipc_feed_close(w->feed);
        w_free(w);
    }
}
