/* IPC listeners and connections on a libuv loop (ipc-protocol.md §1.1,
 * §4, §9; daemon.md §9). The server frames NDJSON requests, checks the
 * token and hands each request to an asynchronous dispatcher; replies go
 * out in request order. It knows nothing about commands or OPC UA.
 * Every function here must be called on the loop's thread. */
#ifndef IPC_SERVER_H
#define IPC_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <uv.h>

#include "ipc_endpoint.h"

typedef struct ipc_server ipc_server;
typedef struct ipc_request ipc_request;

/** Called once per decoded, authenticated request. request is the JSON
 * object (or top-level array) with `authToken` removed; the dispatcher takes
 * it (json_decref when done). req stays valid until ipc_reply(req, ...) is
 * called, even if the client goes away or the server is closed meanwhile;
 * every req must be answered exactly once. ipc_reply may be called from
 * inside the dispatcher. */
typedef void (*ipc_dispatch_fn)(void *ud, ipc_request *req, json_t *request);
/** Called when ipc_server_close has finished; the server is freed. */
typedef void (*ipc_close_cb)(void *ud);

typedef struct ipc_limits {
    unsigned max_connections;       /* concurrent; the next one gets too_many_connections (50) */
    uint64_t first_line_timeout_ms; /* accept (or keep-alive idle) to complete line (30 000) */
    size_t max_buffer;              /* unconsumed received bytes (1 048 576) */
    size_t max_frame;               /* one line without its '\n' (65 536) */
    unsigned max_pipeline; /* requests in flight per connection before reading pauses (16) */
    uint64_t linger_ms;    /* after the last reply: wait this long for the peer to close (2000) */
    size_t max_response;   /* serialised reply; larger -> SerializationException (64 MiB) */
} ipc_limits;

typedef struct ipc_server_config {
    ipc_endpoint endpoint;   /* from ipc_endpoint_parse */
    unsigned socket_mode;    /* Unix: chmod after bind (0600) */
    bool replace_non_socket; /* Unix: also delete a regular file at the path (false: refuse) */
    const char *auth_token;  /* NULL or "" = no check; copied */
    ipc_limits limits;
    ipc_dispatch_fn dispatch;
    void *ud; /* passed to dispatch and to the close callback */
} ipc_server_config;

/** Fills cfg with the spec's defaults (no endpoint, no token, no dispatcher). */
void ipc_server_config_init(ipc_server_config *cfg);

/** Binds and listens. Unix: a stale socket at the path is deleted (a
 * directory, or another non-socket file unless replace_non_socket, is
 * refused), the socket is created under umask 0077 (process-wide, so not
 * while other threads create files) and then chmod-ed to socket_mode.
 * Returns 0 and *out (owned; end it with ipc_server_close), or a negative
 * errno-style code with a one-line message in err (errlen bytes). */
int ipc_server_new(uv_loop_t *loop, const ipc_server_config *cfg, ipc_server **out, char *err,
                   size_t errlen);

/** Stops listening, removes the Unix socket file, closes every connection
 * at once (replies not yet written are dropped; pending ipc_request objects
 * stay valid until answered) and frees the server once every handle is
 * closed, then calls cb(ud) (cb may be NULL). Safe to call once. */
void ipc_server_close(ipc_server *srv, ipc_close_cb cb);

/** Connections currently counted against max_connections. */
unsigned ipc_server_connection_count(const ipc_server *srv);
/** TCP: the bound port (useful after binding port 0); Unix: 0. */
int ipc_server_port(const ipc_server *srv);
/** "unix://<path>" or "tcp://<host>:<port>" as configured (borrowed). */
const char *ipc_server_uri(const ipc_server *srv);

/** Answers req with response (taken; must be non-NULL, else an
 * `Exception` envelope is sent). The reply is written once every earlier
 * request of the connection has been answered. If the connection is gone,
 * the reply is dropped. req is freed: do not use it afterwards. */
void ipc_reply(ipc_request *req, json_t *response);
/** False once the client connection of req has closed (the reply would be
 * dropped). */
bool ipc_request_is_alive(const ipc_request *req);

/* ---- streams (our extension, ipc-protocol.md §9 #8) ------------------ */

typedef struct ipc_feed ipc_feed;
typedef void (*ipc_feed_cb)(void *ud);

/** Answers req with response (taken) like ipc_reply, and turns its
 * connection into a one-way stream: no further request is read from it,
 * input is discarded, and lines written with ipc_feed_write follow the
 * reply. drain(ud) (may be NULL) is called after each completed write:
 * there is room for more. gone(ud) is called once, from a close callback
 * (never from inside an ipc_feed_* call), when the connection has closed:
 * peer closed or reset, write error, server closing. The feed is freed
 * after gone returns. Returns the feed, or NULL when the connection is
 * already gone (the reply is dropped, req freed, no callback fires). */
ipc_feed *ipc_reply_feed(ipc_request *req, json_t *response, ipc_feed_cb drain, ipc_feed_cb gone,
                         void *ud);
/** Queues one line (len bytes, its '\n' included; copied) after everything
 * written before. Returns 0, or -1 when the connection is closing or out
 * of memory (the line is dropped). */
int ipc_feed_write(ipc_feed *f, const char *line, size_t len);
/** Bytes queued on the connection that the kernel has not taken yet: the
 * writer's back-pressure signal. */
size_t ipc_feed_backlog(const ipc_feed *f);
/** Ends the stream: what was written is flushed, then the connection
 * closes. f is freed; no callback of it fires afterwards. */
void ipc_feed_close(ipc_feed *f);

/* ---- local requests ------------------------------------------------------ */

/** Receives the reply to a local request (response taken: json_decref it). */
typedef void (*ipc_local_cb)(void *ud, json_t *response);
/** A request no connection sent, for commands the daemon gives itself
 * (auto-connect): hand it to the dispatcher like a received one; its reply
 * goes to cb instead of a socket. Returns NULL when out of memory. */
ipc_request *ipc_request_local(ipc_local_cb cb, void *ud);

#endif
