/* The daemon's listen address (daemon.md §1 `--socket`, §9): a Unix socket
 * path or a TCP loopback host and port, validated before anything is bound. */
#ifndef IPC_ENDPOINT_H
#define IPC_ENDPOINT_H

#include <stddef.h>
#include <sys/un.h>

enum ipc_transport { IPC_TRANSPORT_UNIX = 1, IPC_TRANSPORT_TCP };

/* Longest usable Unix socket path: sun_path minus its NUL (107 on Linux,
 * 103 on Darwin). */
#define IPC_UNIX_PATH_MAX (sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

typedef struct ipc_endpoint {
    enum ipc_transport transport;
    char path[IPC_UNIX_PATH_MAX + 1]; /* Unix: the socket path */
    char host[64];                    /* TCP: as written, without brackets */
    char bind_host[64];               /* TCP: IP literal to bind (localhost -> 127.0.0.1) */
    int bind_family;                  /* TCP: AF_INET or AF_INET6 */
    int port;                         /* TCP: 0-65535 (0 = any free port) */
    char uri[IPC_UNIX_PATH_MAX + 80]; /* "unix://<path>" or "tcp://<host>:<port>" */
} ipc_endpoint;

/** Parses `unix://<path>`, a bare path (= Unix), `tcp://<host>:<port>` or
 * `tcp://[<v6>]:<port>`. TCP hosts must be loopback: 127.0.0.1, ::1,
 * localhost, a dotted IPv4 127.x.y.z, or (our fix, ipc-protocol.md §9 #3)
 * ::ffff:127.x.y.z, which is bound as its IPv4 address. Returns 0, or -22
 * (EINVAL) with a one-line message naming the problem in err (errlen
 * bytes, may be 0): the path length with the limit and the path, or the
 * refused host. Borrows uri. */
int ipc_endpoint_parse(const char *uri, ipc_endpoint *out, char *err, size_t errlen);

#endif
