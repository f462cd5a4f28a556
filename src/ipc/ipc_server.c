/* IPC listeners (daemon.md §9): binding a Unix socket (stale file removal,
 * umask 0077 around bind, chmod) or a TCP loopback port, accepting, and the
 * server's lifetime. The sockets are made with plain socket()/bind()/
 * listen() so a failure leaves no libuv handle behind; libuv takes them
 * over once they listen. Per-connection behaviour is in ipc_conn.c. */
#include "ipc_server_int.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"

#define LISTEN_BACKLOG 128

void ipc_server_config_init(ipc_server_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->socket_mode = 0600;
    cfg->limits.max_connections = 50;
    cfg->limits.first_line_timeout_ms = 30000;
    cfg->limits.max_buffer = IPC_DEFAULT_MAX_BUFFER;
    cfg->limits.max_frame = IPC_DEFAULT_MAX_FRAME;
    cfg->limits.max_pipeline = 16;
    cfg->limits.linger_ms = 2000;
    cfg->limits.max_response = 64u * 1024 * 1024;
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int
fail(int rc, char *err, size_t errlen, const char *fmt, ...);

static int fail(int rc, char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

static int new_socket(int family)
{
    int fd = socket(family, SOCK_STREAM, 0);
    if (fd >= 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* daemon.md §3 step 3: whatever stale socket is at the path goes; a
 * directory never does; another file only when the caller allows it. */
static int remove_stale(const ipc_server_config *cfg, char *err, size_t errlen)
{
    const char *path = cfg->endpoint.path;
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        return fail(-errno, err, errlen, "Cannot inspect socket path %s: %s", path,
                    strerror(errno));
    }
    if (S_ISDIR(st.st_mode))
        return fail(-EISDIR, err, errlen, "Cannot create socket %s: a directory is in the way",
                    path);
    if (!S_ISSOCK(st.st_mode) && !cfg->replace_non_socket)
        return fail(-EEXIST, err, errlen,
                    "Refusing to replace %s: it exists and is not a socket (remove it)", path);
    if (unlink(path) != 0)
        return fail(-errno, err, errlen, "Cannot remove stale socket %s: %s", path,
                    strerror(errno));
    return 0;
}

static int bind_unix(ipc_server *srv, const ipc_server_config *cfg, int *fd_out, char *err,
                     size_t errlen)
{
    const char *path = cfg->endpoint.path;
    int rc = remove_stale(cfg, err, errlen);
    if (rc != 0)
        return rc;
    int fd = new_socket(AF_UNIX);
    if (fd < 0)
        return fail(-errno, err, errlen, "Cannot create Unix socket: %s", strerror(errno));
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, strlen(path) + 1); /* length checked by ipc_endpoint_parse */
    /* Born 0600 so no other user can connect before the chmod (daemon.md §9.1). */
    mode_t old = umask(0077);
    int b = bind(fd, (const struct sockaddr *)&sa, sizeof(sa));
    int bind_errno = errno;
    umask(old);
    struct stat st;
    if (b != 0) {
        rc = fail(-bind_errno, err, errlen, "Cannot bind Unix socket %s: %s", path,
                  strerror(bind_errno));
    } else if (chmod(path, (mode_t)cfg->socket_mode) != 0) {
        rc = fail(-errno, err, errlen, "Cannot chmod %s to %04o: %s", path, cfg->socket_mode,
                  strerror(errno));
    } else if (lstat(path, &st) != 0 || listen(fd, LISTEN_BACKLOG) != 0) {
        rc = fail(-errno, err, errlen, "Cannot listen on %s: %s", path, strerror(errno));
    } else {
        srv->sock_dev = st.st_dev;
        srv->sock_ino = st.st_ino;
        *fd_out = fd;
        return 0;
    }
    if (b == 0)
        unlink(path);
    close(fd);
    return rc;
}

static int bind_tcp(ipc_server *srv, const ipc_endpoint *ep, int *fd_out, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    int rc = ep->bind_family == AF_INET6
                 ? uv_ip6_addr(ep->bind_host, ep->port, (struct sockaddr_in6 *)&ss)
                 : uv_ip4_addr(ep->bind_host, ep->port, (struct sockaddr_in *)&ss);
    if (rc != 0)
        return fail(rc, err, errlen, "Invalid TCP address %s", ep->bind_host);
    int fd = new_socket(ep->bind_family);
    if (fd < 0)
        return fail(-errno, err, errlen, "Cannot create TCP socket: %s", strerror(errno));
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (ep->bind_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    socklen_t len =
        ep->bind_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    if (bind(fd, (const struct sockaddr *)&ss, len) != 0 || listen(fd, LISTEN_BACKLOG) != 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
        rc = fail(-errno, err, errlen, "Cannot listen on %s: %s", ep->uri, strerror(errno));
        close(fd);
        return rc;
    }
    srv->port = ntohs(ep->bind_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                  : ((struct sockaddr_in *)&ss)->sin_port);
    *fd_out = fd;
    return 0;
}

static void remove_socket_file(ipc_server *srv)
{
    struct stat st;
    if (srv->endpoint.transport != IPC_TRANSPORT_UNIX || srv->sock_ino == 0)
        return;
    /* Only our own socket: a newer daemon may have replaced it already. */
    if (lstat(srv->endpoint.path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == srv->sock_dev &&
        st.st_ino == srv->sock_ino)
        unlink(srv->endpoint.path);
    srv->sock_ino = 0;
}

static void maybe_finish(ipc_server *srv)
{
    if (!srv->closing || srv->listener_open || srv->conns)
        return;
    ipc_close_cb cb = srv->close_cb;
    void *ud = srv->ud;
    free(srv->token);
    free(srv);
    if (cb)
        cb(ud);
}

static void on_listener_closed(uv_handle_t *h)
{
    ipc_server *srv = h->data;
    srv->listener_open = false;
    maybe_finish(srv);
}

static void on_failed_listener_closed(uv_handle_t *h)
{
    ipc_server *srv = h->data;
    free(srv->token);
    free(srv);
}

void ipc_server_conn_gone(ipc_server *srv)
{
    maybe_finish(srv);
}

static void on_connection(uv_stream_t *listener, int status)
{
    ipc_server *srv = listener->data;
    if (status < 0) {
        log_warning("IPC accept failed: %s", uv_strerror(status));
        return;
    }
    if (!srv->closing)
        ipc_conn_accept(srv);
}

/* Hands the listening fd to libuv. */
static int adopt(ipc_server *srv, int fd, char *err, size_t errlen)
{
    int rc;
    if (srv->endpoint.transport == IPC_TRANSPORT_UNIX) {
        uv_pipe_init(srv->loop, &srv->listener.pipe, 0);
        rc = uv_pipe_open(&srv->listener.pipe, fd);
    } else {
        uv_tcp_init(srv->loop, &srv->listener.tcp);
        rc = uv_tcp_open(&srv->listener.tcp, fd);
    }
    srv->listener.handle.data = srv;
    if (rc != 0)
        close(fd);
    else
        rc = uv_listen(&srv->listener.stream, LISTEN_BACKLOG, on_connection);
    if (rc != 0) {
        fail(rc, err, errlen, "Cannot listen on %s: %s", srv->endpoint.uri, uv_strerror(rc));
        remove_socket_file(srv);
        /* The handle exists now: the server is freed in its close callback. */
        uv_close(&srv->listener.handle, on_failed_listener_closed);
        return rc;
    }
    srv->listener_open = true;
    return 0;
}

int ipc_server_new(uv_loop_t *loop, const ipc_server_config *cfg, ipc_server **out, char *err,
                   size_t errlen)
{
    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    const ipc_limits *l = &cfg->limits;
    if (!cfg->dispatch || l->max_connections == 0 || l->max_frame == 0 ||
        l->max_buffer < l->max_frame || l->max_pipeline == 0 || l->max_response < 256 ||
        (cfg->endpoint.transport != IPC_TRANSPORT_UNIX &&
         cfg->endpoint.transport != IPC_TRANSPORT_TCP))
        return fail(UV_EINVAL, err, errlen, "Invalid IPC server configuration");
    ipc_server *srv = calloc(1, sizeof(*srv));
    if (!srv)
        return fail(UV_ENOMEM, err, errlen, "Out of memory");
    srv->loop = loop;
    srv->endpoint = cfg->endpoint;
    srv->limits = *l;
    srv->dispatch = cfg->dispatch;
    srv->ud = cfg->ud;
    if (cfg->auth_token && cfg->auth_token[0]) {
        srv->token_len = strlen(cfg->auth_token);
        srv->token = malloc(srv->token_len + 1);
        if (!srv->token) {
            free(srv);
            return fail(UV_ENOMEM, err, errlen, "Out of memory");
        }
        memcpy(srv->token, cfg->auth_token, srv->token_len + 1);
    }
    int fd = -1;
    int rc = cfg->endpoint.transport == IPC_TRANSPORT_UNIX
                 ? bind_unix(srv, cfg, &fd, err, errlen)
                 : bind_tcp(srv, &cfg->endpoint, &fd, err, errlen);
    if (rc == 0)
        rc = adopt(srv, fd, err, errlen);
    else {
        free(srv->token);
        free(srv);
    }
    if (rc != 0)
        return rc;
    *out = srv;
    return 0;
}

void ipc_server_close(ipc_server *srv, ipc_close_cb cb)
{
    if (srv->closing)
        return;
    srv->closing = true;
    srv->close_cb = cb;
    if (srv->listener_open)
        uv_close(&srv->listener.handle, on_listener_closed);
    remove_socket_file(srv);
    ipc_conn *next;
    for (ipc_conn *c = srv->conns; c; c = next) {
        next = c->next;
        ipc_conn_close(c);
    }
    maybe_finish(srv);
}

unsigned ipc_server_connection_count(const ipc_server *srv)
{
    return srv->open_count;
}

int ipc_server_port(const ipc_server *srv)
{
    return srv->endpoint.transport == IPC_TRANSPORT_TCP ? srv->port : 0;
}

const char *ipc_server_uri(const ipc_server *srv)
{
    return srv->endpoint.uri;
}
