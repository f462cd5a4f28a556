/* Test harness for the IPC server: a libuv loop with a deadline, a tiny
 * command handler (ping, list, echo, hold, delay), and a blocking socket
 * client running a script in its own thread, like the conformance suite's
 * peers. Every wait is bounded. */
#ifndef IPC_HARNESS_H
#define IPC_HARNESS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <uv.h>

#include "ipc_server.h"
#include "util/bbuf.h"

/* What the test handler answers (the ping time is fixed so that replies
 * can be compared byte for byte with raw-frames.jsonl). */
#define H_PING                                                                                     \
    "{\"success\":true,\"data\":{\"status\":\"ok\",\"sessions\":0,\"time\":1795391886.991798}}\n"
#define H_LIST "{\"success\":true,\"data\":{\"count\":0,\"sessions\":[]}}\n"
#define H_ERR(type, msg)                                                                           \
    "{\"success\":false,\"error\":{\"type\":\"" type "\",\"message\":\"" msg "\"}}\n"
#define H_INVALID_JSON H_ERR("invalid_json", "Invalid JSON")
#define H_AUTH_FAILED  H_ERR("auth_failed", "Invalid or missing auth token")
#define H_TIMEOUT      H_ERR("connection_timeout", "IPC connection timed out")

#define H_MAX_HELD 16

typedef struct harness {
    uv_loop_t loop;
    uv_timer_t deadline;
    uv_timer_t tick;
    bool timed_out;
    ipc_server *srv;
    bool srv_closed;
    char dir[200];  /* a fresh temporary directory */
    char path[300]; /* dir + "/s.sock" */
    ipc_request *held[H_MAX_HELD];
    int nheld;
    int dispatched;
    int delays_pending;
} harness;

/** Sets up the loop and a temporary directory. */
void h_init(harness *h);
/** A config with the defaults, the harness's handler and the Unix socket
 * path of the temporary directory. */
void h_config(harness *h, ipc_server_config *cfg);
/** Starts the server (asserts success). */
void h_start(harness *h, ipc_server_config *cfg);
/** Closes the server (if running), answers held requests, closes every
 * handle, asserts uv_loop_close succeeds and removes the directory. */
void h_finish(harness *h);
/** Closes the server and runs the loop until it is freed. */
void h_close_server(harness *h);
/** Runs the loop until pred(arg) holds or timeout_ms passes; returns pred. */
bool h_run_until(harness *h, bool (*pred)(void *arg), void *arg, int timeout_ms);
/** Runs the loop for ms milliseconds. */
void h_run_for(harness *h, int ms);

enum h_step_kind { H_SEND, H_READ_LINE, H_READ_EOF, H_SLEEP, H_SHUT_WR, H_RESET, H_END };

typedef struct h_step {
    enum h_step_kind kind;
    const char *data; /* H_SEND */
    size_t len;       /* H_SEND; 0 = strlen(data) */
    int ms;           /* H_SLEEP */
} h_step;

typedef struct h_client {
    int family; /* AF_UNIX (path from the harness), AF_INET or AF_INET6 */
    const char *host;
    int port;
    const h_step *steps;
    int read_timeout_ms; /* per read; default 5000 */
    /* results */
    bbuf recv;
    bool connected;
    int eof_step; /* index of the step that saw EOF or a reset; -1 = none */
    double elapsed_ms;
    /* internals */
    harness *h;
    uv_thread_t thread;
    atomic_bool done;
} h_client;

/** Runs the script in a thread while the loop runs; asserts it finished
 * within timeout_ms. c->recv holds every byte received (free with
 * h_client_clear). */
void h_client_run(harness *h, h_client *c, int timeout_ms);
void h_client_clear(h_client *c);
/** Connects a blocking socket to the harness's Unix path or host:port;
 * -1 on failure. */
int h_connect(harness *h, int family, const char *host, int port);
/** True if this host can bind ::1. */
bool h_ipv6_available(void);

/** One connection, one script: SEND data, READ_EOF. Returns the received
 * bytes (owned, NUL-terminated) and whether the daemon closed. */
char *h_exchange(harness *h, const char *data, size_t len, bool *closed);

#endif
