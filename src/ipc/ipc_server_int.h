/* Private to src/ipc/: the server and connection structs shared by
 * ipc_server.c (listeners, lifetime) and ipc_conn.c (per-connection state
 * machine). */
#ifndef IPC_SERVER_INT_H
#define IPC_SERVER_INT_H

#include <sys/types.h>

#include "ipc_frame.h"
#include "ipc_server.h"

typedef struct ipc_conn ipc_conn;

/* One stream handle of either transport. */
typedef union ipc_stream {
    uv_handle_t handle;
    uv_stream_t stream;
    uv_tcp_t tcp;
    uv_pipe_t pipe;
} ipc_stream;

/* Connection states (see docs/internals/ipc.md). */
enum ipc_conn_state {
    IPC_CONN_READING,  /* taking lines; the line timer runs while idle */
    IPC_CONN_DRAINING, /* no new input; answering what was received */
    IPC_CONN_LINGER,   /* all answered, write side shut; discarding input until EOF */
    IPC_CONN_CLOSING,  /* uv_close issued; freed in the last close callback */
    IPC_CONN_FEED,     /* a stream (ipc_reply_feed): writing lines, input discarded */
};

struct ipc_request {
    ipc_conn *conn;    /* NULL once the connection is gone */
    ipc_request *next; /* in the connection's reply queue */
    char *out;         /* the reply line (with '\n') once answered; owned */
    size_t out_len;
    bool done;             /* out is set */
    ipc_local_cb local_cb; /* set: a local request, answered to this callback */
    void *local_ud;
};

struct ipc_feed {
    ipc_conn *conn;
    ipc_feed_cb drain, gone;
    void *ud;
};

struct ipc_conn {
    ipc_server *srv;
    ipc_stream h;
    uv_timer_t timer; /* line timer, then linger timer */
    uv_shutdown_t shutdown_req;
    int open_handles; /* 2 until both handles are closed */
    enum ipc_conn_state state;
    bool counted; /* counts against max_connections */
    bool reading;
    bool stop_lines; /* a final error was queued: take no more lines */
    bool eof;        /* the peer shut its write side */
    bool in_pump;
    bool timer_armed;
    ipc_framer framer;
    ipc_request *head, *tail;
    unsigned inflight; /* requests in the queue */
    ipc_feed *feed;    /* set in IPC_CONN_FEED; freed with the connection */
    ipc_conn *prev, *next;
};

struct ipc_server {
    uv_loop_t *loop;
    ipc_endpoint endpoint;
    ipc_limits limits;
    ipc_stream listener;
    bool listener_open;
    char *token; /* NULL = no check */
    size_t token_len;
    ipc_dispatch_fn dispatch;
    void *ud;
    int port;
    dev_t sock_dev; /* Unix: identity of our socket file */
    ino_t sock_ino;
    unsigned open_count; /* counted connections */
    ipc_conn *conns;     /* every connection not yet freed */
    bool closing;
    ipc_close_cb close_cb;
    char read_buf[65536]; /* one read at a time on the loop thread */
};

/** Accepts one connection from the listener (ipc_conn.c). */
void ipc_conn_accept(ipc_server *srv);
/** Closes a connection at once; pending requests are detached (ipc_conn.c). */
void ipc_conn_close(ipc_conn *c);
/** Called by ipc_conn.c when a connection has been freed (ipc_server.c). */
void ipc_server_conn_gone(ipc_server *srv);

#endif
