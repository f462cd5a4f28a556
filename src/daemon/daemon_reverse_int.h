/* Private state of Reverse Connect, shared by daemon_reverse.c (listeners,
 * the ReverseHello handshake, held connections) and daemon_reverse_link.c
 * (sessions waiting for a connection). Not for other modules. */
#ifndef DAEMON_REVERSE_INT_H
#define DAEMON_REVERSE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "daemon_reverse.h"
#include "ua_rhe.h"
#include "ua_tcp.h"

enum rc_state { RC_RHE, RC_ACK, RC_HELD, RC_GONE };

typedef struct rconn {
    struct rconn *next, *prev;
    drev *r;
    uv_tcp_t tcp;
    uv_timer_t timer;
    int handles;
    enum rc_state state;
    uint64_t seq; /* order of acceptance */
    char peer[80];
    ua_rhe rhe;
    ua_tcp_limits hello, ack;
    size_t len;
    uint8_t buf[UA_RHE_MAX_SIZE];
} rconn;

typedef struct listener {
    struct listener *next;
    uv_tcp_t tcp;
    drev *r;
} listener;

/* A client that asked for a connection (ua_client_socket_source.want). */
typedef struct wish {
    struct wish *next, *prev;
    drev *r;
    ua_client *client;
    uv_timer_t timer;
} wish;

struct drev_link {
    struct drev_link *next, *prev;
    drev *r;
    ua_client *client;
    char *server_uri; /* "" until learned when opened by endpoint URL */
    char *endpoint_url;
    uint32_t timeout_ms;
};

struct drev {
    uv_loop_t *loop;
    char **allow;
    size_t nallow;
    listener *listeners;
    rconn *conns;
    size_t handshaking, held;
    uint64_t accepted;
    wish *wishes;
    drev_link *links;
    bool stopping;
};

/* daemon_reverse.c */
/** Keeps printable ASCII of peer text, cut to size, for logs; returns out. */
const char *drev_printable(const char *s, char *out, size_t size);
/** Unlinks c and closes its socket and timer; c is freed by libuv later. */
void drev_conn_end(rconn *c);

/* daemon_reverse_link.c */
/** c has just been held: the oldest waiting client it fits gets it. */
void drev_offer(drev *r, rconn *c);
/** Fails every waiting client with BadShutdown (drev_stop). */
void drev_wishes_fail_all(drev *r);

#endif
