/* Where notifications leave the daemon: the --events-file sink (NDJSON,
 * "-" = stdout, reopened on SIGHUP) and the `watch` streams of IPC clients
 * (our extension, ipc-protocol.md §9 #8). Each watch client has a bounded
 * line queue; when it is full the oldest line is dropped and counted, so a
 * slow reader never blocks the loop nor grows the daemon's memory.
 *
 * Threading: loop thread only. */
#ifndef DAEMON_NOTIFY_H
#define DAEMON_NOTIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "daemon_nqueue.h"
#include "ipc_server.h"

/* Default and limits of --watch-queue (lines per watch client). */
#define DNOTIFY_QUEUE_DEFAULT 1000
#define DNOTIFY_QUEUE_MAX     1000000
/* Bytes a watch connection may hold in its socket queue before lines wait
 * in (and overflow from) the client's line queue instead. */
#define DNOTIFY_HIGH_WATER (64 * 1024)

struct osmd;
struct dsession;
typedef struct dwatch dwatch;

typedef struct dnotify {
    char *events_path; /* owned; NULL = no file sink; "-" = stdout */
    FILE *events;      /* NULL while closed */
    dwatch *watchers;
    size_t queue_cap; /* lines per watch client */
    uint64_t lines;   /* emitted so far */
} dnotify;

/** Opens the file sink (append; NULL path = none). Returns 0, or -1 with
 *  errno when the file cannot be opened. */
int dnotify_init(dnotify *n, const char *events_path, size_t queue_cap);
/** Closes the file sink. Watch clients must be gone (the IPC server closed
 *  their connections). */
void dnotify_clear(dnotify *n);
/** Reopens the file sink (log rotation on SIGHUP). */
void dnotify_reopen(dnotify *n);

/** Writes line (borrowed) to the file sink and queues it for every watch
 *  client of session_id (or of all sessions). */
void dnotify_emit(struct osmd *d, const char *session_id, const json_t *line);
/** The same for lines already rendered: text (borrowed, len bytes) holds
 *  one or more whole lines, each ending in '\n'. The file sink gets them
 *  in one write and one flush; each watch client queues them one by one. */
void dnotify_emit_lines(struct osmd *d, const char *session_id, const char *text, size_t len);
/** True while at least one watch client wants this session's lines. */
bool dnotify_watched(const struct osmd *d, const char *session_id);
/** True when there is a sink for every session (the events file). */
bool dnotify_has_global_sink(const struct osmd *d);

/** The `watch` command: {"command":"watch","sessionId":<id or name; absent,
 *  null, "" or "*" = all sessions>}. Answers {"watching":..,"queueSize":..}
 *  and then streams notification lines on the connection. */
void dnotify_cmd_watch(struct osmd *d, ipc_request *req, json_t *request);
/** A session is going: its watch clients get a final SessionClosed line
 *  and their streams end. */
void dnotify_session_gone(struct osmd *d, const struct dsession *s, const char *why);

#endif
