/* libosm: blocking NDJSON client of the session-manager daemon over one
 * persistent Unix or loopback TCP connection per handle. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "client_int.h"

#define OSM_DEFAULT_SOCKET "unix:///tmp/opcua-session-manager.sock"
#define OSM_MAX_REPLY      (64u * 1024u * 1024u)

struct osm_client {
    pthread_mutex_t mu;
    int fd;            /* -1 when not connected */
    char *uri;         /* as given (for messages) */
    char *path;        /* Unix socket path, or NULL */
    char *host, *port; /* TCP, or NULL */
    char *token;       /* NULL = none */
    int timeout_ms;
    char *rbuf; /* bytes received and not consumed yet */
    size_t rlen, rcap;
};

/* ---------------------------------------------------------------- errors */

int osm__fail(osm_error *err, int code, const char *type, const char *fmt, ...)
{
    if (err) {
        err->code = code;
        snprintf(err->type, sizeof err->type, "%s", type ? type : "");
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

int osm__ok(osm_error *err)
{
    if (err) {
        err->code = OSM_OK;
        err->type[0] = '\0';
        err->message[0] = '\0';
    }
    return OSM_OK;
}

const char *osm_strerror(int code)
{
    switch (code) {
    case OSM_OK:
        return "success";
    case OSM_ENOTRUNNING:
        return "daemon not running";
    case OSM_ETIMEOUT:
        return "timed out";
    case OSM_EPROTO:
        return "protocol error";
    case OSM_EAUTH:
        return "authentication failed";
    case OSM_ENOSESSION:
        return "session not found";
    case OSM_EDAEMON:
        return "daemon error";
    case OSM_ENOMEM:
        return "out of memory";
    case OSM_EINVAL:
        return "invalid argument";
    default:
        return "unknown error";
    }
}

int osm__parse_reply(const char *line, size_t len, json_t **data, osm_error *err)
{
    *data = NULL;
    if (len == 0)
        return osm__fail(err, OSM_EPROTO, "protocol", "Empty response from daemon");
    json_error_t jerr;
    json_t *env = json_loadb(line, len, 0, &jerr);
    if (!env)
        return osm__fail(err, OSM_EPROTO, "protocol", "invalid JSON from daemon: %s", jerr.text);
    json_t *ok = json_object_get(env, "success");
    if (!json_is_boolean(ok)) {
        json_decref(env);
        return osm__fail(err, OSM_EPROTO, "protocol", "reply without a boolean \"success\"");
    }
    if (json_is_true(ok)) {
        json_t *d = json_object_get(env, "data");
        *data = d ? json_incref(d) : json_null();
        json_decref(env);
        return osm__ok(err);
    }
    json_t *e = json_object_get(env, "error");
    const char *type = json_string_value(json_object_get(e, "type"));
    const char *msg = json_string_value(json_object_get(e, "message"));
    if (!type || !msg) {
        json_decref(env);
        return osm__fail(err, OSM_EPROTO, "protocol", "error reply without type/message");
    }
    int code = OSM_EDAEMON;
    if (strcmp(type, "auth_failed") == 0)
        code = OSM_EAUTH;
    else if (strcmp(type, "session_not_found") == 0)
        code = OSM_ENOSESSION;
    osm__fail(err, code, type, "%s", msg);
    json_decref(env);
    return code;
}

/* ---------------------------------------------------------------- handle */

static char *dup_range(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* Splits the URI into path or host/port; 0 on success. */
static int parse_uri(osm_client *c, const char *uri)
{
    if (strncmp(uri, "tcp://", 6) == 0) {
        const char *h = uri + 6, *colon;
        size_t hl;
        if (*h == '[') {
            const char *rb = strchr(h, ']');
            if (!rb || rb[1] != ':')
                return -1;
            h++;
            hl = (size_t)(rb - h);
            colon = rb + 1;
        } else {
            colon = strrchr(h, ':');
            if (!colon)
                return -1;
            hl = (size_t)(colon - h);
        }
        if (hl == 0 || colon[1] == '\0')
            return -1;
        c->host = dup_range(h, hl);
        c->port = strdup(colon + 1);
        return c->host && c->port ? 0 : -1;
    }
    const char *p = strncmp(uri, "unix://", 7) == 0 ? uri + 7 : uri;
    if (*p == '\0' || strlen(p) >= sizeof(((struct sockaddr_un *)0)->sun_path))
        return -1;
    c->path = strdup(p);
    return c->path ? 0 : -1;
}

osm_client *osm_client_new(const char *socket_uri, const char *auth_token, double timeout_s)
{
    if (!socket_uri) {
        const char *env = getenv("OPCUA_SOCKET_PATH");
        socket_uri = env && *env ? env : OSM_DEFAULT_SOCKET;
    }
    if (!auth_token) {
        const char *env = getenv("OPCUA_AUTH_TOKEN");
        auth_token = env && *env ? env : NULL;
    }
    osm_client *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->fd = -1;
    if (timeout_s <= 0 || timeout_s > 86400.0)
        timeout_s = 30.0;
    c->timeout_ms = (int)(timeout_s * 1000.0);
    if (c->timeout_ms < 1)
        c->timeout_ms = 1;
    c->uri = strdup(socket_uri);
    c->token = auth_token ? strdup(auth_token) : NULL;
    if (!c->uri || (auth_token && !c->token) || parse_uri(c, socket_uri) != 0 ||
        pthread_mutex_init(&c->mu, NULL) != 0) {
        free(c->uri);
        free(c->token);
        free(c->path);
        free(c->host);
        free(c->port);
        free(c);
        return NULL;
    }
    return c;
}

static void disconnect(osm_client *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->rlen = 0;
}

void osm_client_free(osm_client *c)
{
    if (!c)
        return;
    disconnect(c);
    pthread_mutex_destroy(&c->mu);
    free(c->uri);
    free(c->path);
    free(c->host);
    free(c->port);
    free(c->token);
    free(c->rbuf);
    free(c);
}

/* ---------------------------------------------------------------- I/O */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int remaining(long long deadline)
{
    long long r = deadline - now_ms();
    return r < 0 ? 0 : (int)r;
}

/* Waits until fd is ready for ev; 1 ready, 0 timeout, -1 error. */
static int wait_fd(int fd, short ev, long long deadline)
{
    for (;;) {
        struct pollfd p = {.fd = fd, .events = ev};
        int r = poll(&p, 1, remaining(deadline));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        return r > 0 ? 1 : 0;
    }
}

static int not_running(osm_client *c, osm_error *err, int e)
{
    if (c->path)
        return osm__fail(err, OSM_ENOTRUNNING, "not_running",
                         "Socket not found: %s. Is the daemon running?", c->path);
    return osm__fail(err, OSM_ENOTRUNNING, "not_running",
                     "Cannot connect to %s: %s. Is the daemon running?", c->uri, strerror(e));
}

/* Non-blocking connect bounded by deadline on an already created socket. */
static int connect_fd(osm_client *c, int fd, const struct sockaddr *sa, socklen_t len,
                      long long deadline, osm_error *err)
{
    if (connect(fd, sa, len) == 0)
        return OSM_OK;
    if (errno != EINPROGRESS && errno != EAGAIN) {
        int e = errno;
        if (e == ENOENT || e == ECONNREFUSED || e == ENOTDIR || e == EHOSTUNREACH ||
            e == ENETUNREACH)
            return not_running(c, err, e);
        return osm__fail(err, OSM_EPROTO, "io", "cannot connect to %s: %s", c->uri, strerror(e));
    }
    int w = wait_fd(fd, POLLOUT, deadline);
    if (w == 0)
        return osm__fail(err, OSM_ETIMEOUT, "timeout", "timed out connecting to %s", c->uri);
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (w < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
        soerr = errno;
    if (soerr == ECONNREFUSED || soerr == ENOENT)
        return not_running(c, err, soerr);
    if (soerr != 0)
        return osm__fail(err, OSM_EPROTO, "io", "cannot connect to %s: %s", c->uri,
                         strerror(soerr));
    return OSM_OK;
}

static int make_socket(int family)
{
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        int fl = fcntl(fd, F_GETFL);
        if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) {
            close(fd);
            return -1;
        }
    }
    return fd;
}

static int do_connect(osm_client *c, long long deadline, osm_error *err)
{
    c->rlen = 0;
    if (c->path) {
        struct stat st;
        if (stat(c->path, &st) != 0)
            return not_running(c, err, errno);
        struct sockaddr_un sa;
        memset(&sa, 0, sizeof sa);
        sa.sun_family = AF_UNIX;
        memcpy(sa.sun_path, c->path, strlen(c->path) + 1);
        int fd = make_socket(AF_UNIX);
        if (fd < 0)
            return osm__fail(err, OSM_EPROTO, "io", "socket: %s", strerror(errno));
        int rc = connect_fd(c, fd, (const struct sockaddr *)&sa, sizeof sa, deadline, err);
        if (rc != OSM_OK) {
            close(fd);
            return rc;
        }
        c->fd = fd;
        return OSM_OK;
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    int g = getaddrinfo(c->host, c->port, &hints, &res);
    if (g != 0)
        return osm__fail(err, OSM_ENOTRUNNING, "not_running", "cannot resolve %s: %s", c->uri,
                         gai_strerror(g));
    int rc = OSM_ENOTRUNNING;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = make_socket(ai->ai_family);
        if (fd < 0)
            continue;
        rc = connect_fd(c, fd, ai->ai_addr, ai->ai_addrlen, deadline, err);
        if (rc == OSM_OK) {
            c->fd = fd;
            break;
        }
        close(fd);
    }
    freeaddrinfo(res);
    if (rc == OSM_ENOTRUNNING && !res)
        return not_running(c, err, ECONNREFUSED);
    return rc;
}

/* True when the daemon has closed (or reset) an idle kept-alive connection. */
static int peer_closed(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 0) <= 0)
        return 0;
    if (p.revents & (POLLHUP | POLLERR))
        return 1;
    char ch;
    ssize_t n = recv(fd, &ch, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

enum { IO_OK, IO_CLOSED, IO_FAIL };

static int send_all(osm_client *c, const char *p, size_t n, long long deadline, osm_error *err)
{
    size_t off = 0;
    while (off < n) {
        ssize_t w = send(c->fd, p + off, n - off, MSG_NOSIGNAL);
        if (w > 0) {
            off += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int r = wait_fd(c->fd, POLLOUT, deadline);
            if (r == 0) {
                osm__fail(err, OSM_ETIMEOUT, "timeout", "timed out sending to the daemon");
                return IO_FAIL;
            }
            if (r > 0)
                continue;
        }
        if (w < 0 && (errno == EPIPE || errno == ECONNRESET))
            return off == 0 ? IO_CLOSED : IO_FAIL;
        osm__fail(err, OSM_EPROTO, "io", "send failed: %s", strerror(errno));
        return IO_FAIL;
    }
    return IO_OK;
}

/* Reads one line into c->rbuf; *len = its length without '\n'. */
static int recv_line(osm_client *c, size_t *len, long long deadline, osm_error *err)
{
    size_t scanned = 0;
    for (;;) {
        char *nl = c->rlen > scanned ? memchr(c->rbuf + scanned, '\n', c->rlen - scanned) : NULL;
        if (nl) {
            *len = (size_t)(nl - c->rbuf);
            return IO_OK;
        }
        scanned = c->rlen;
        if (c->rlen >= OSM_MAX_REPLY) {
            osm__fail(err, OSM_EPROTO, "protocol", "reply larger than %u bytes", OSM_MAX_REPLY);
            return IO_FAIL;
        }
        if (c->rcap - c->rlen < 4096) {
            size_t ncap = c->rcap ? c->rcap * 2 : 8192;
            char *nb = realloc(c->rbuf, ncap);
            if (!nb) {
                osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
                return IO_FAIL;
            }
            c->rbuf = nb;
            c->rcap = ncap;
        }
        ssize_t r = recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, 0);
        if (r > 0) {
            c->rlen += (size_t)r;
            continue;
        }
        if (r == 0 || (r < 0 && errno == ECONNRESET)) {
            if (c->rlen == 0)
                return IO_CLOSED;
            osm__fail(err, OSM_EPROTO, "protocol", "connection closed in the middle of a reply");
            return IO_FAIL;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int w = wait_fd(c->fd, POLLIN, deadline);
            if (w == 0) {
                osm__fail(err, OSM_ETIMEOUT, "timeout", "no reply from the daemon within %d ms",
                          c->timeout_ms);
                return IO_FAIL;
            }
            if (w > 0)
                continue;
        }
        osm__fail(err, OSM_EPROTO, "io", "recv failed: %s", strerror(errno));
        return IO_FAIL;
    }
}

/* Sends req (consumed) and returns the reply's data. Caller holds the mutex. */
static int transact_locked(osm_client *c, json_t *req, json_t **data, osm_error *err)
{
    *data = NULL;
    if (json_object_set_new(req, "keepAlive", json_true()) != 0 ||
        (c->token && json_object_set_new(req, "authToken", json_string(c->token)) != 0)) {
        json_decref(req);
        return osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
    }
    char *text = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    if (!text)
        return osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
    size_t tl = strlen(text);
    char *line = malloc(tl + 1);
    if (!line) {
        free(text);
        return osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
    }
    memcpy(line, text, tl);
    line[tl] = '\n';
    free(text);

    long long deadline = now_ms() + c->timeout_ms;
    int rc = OSM_EPROTO;
    for (int attempt = 0; attempt < 2; attempt++) {
        int fresh = 0;
        if (c->fd >= 0 && peer_closed(c->fd))
            disconnect(c);
        if (c->fd < 0) {
            rc = do_connect(c, deadline, err);
            if (rc != OSM_OK)
                break;
            fresh = 1;
        }
        int io = send_all(c, line, tl + 1, deadline, err);
        size_t len = 0;
        if (io == IO_OK)
            io = recv_line(c, &len, deadline, err);
        if (io == IO_OK) {
            rc = osm__parse_reply(c->rbuf, len, data, err);
            /* keep what follows the line (nothing, normally) */
            memmove(c->rbuf, c->rbuf + len + 1, c->rlen - len - 1);
            c->rlen -= len + 1;
            if (rc == OSM_EPROTO)
                disconnect(c);
            break;
        }
        disconnect(c);
        if (io == IO_CLOSED && !fresh)
            continue; /* the daemon closed the idle connection: reconnect once */
        if (io == IO_CLOSED)
            osm__fail(err, OSM_EPROTO, "protocol", "Empty response from daemon");
        rc = io == IO_CLOSED ? OSM_EPROTO : (err ? err->code : OSM_EPROTO);
        break;
    }
    free(line);
    return rc;
}

/* Builds, locks, sends. err may be NULL: a local one keeps the code. */
static int transact(osm_client *c, json_t *req, json_t **data, osm_error *err)
{
    osm_error local;
    if (!err)
        err = &local;
    if (!req)
        return osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
    pthread_mutex_lock(&c->mu);
    int rc = transact_locked(c, req, data, err);
    pthread_mutex_unlock(&c->mu);
    return rc;
}

static json_t *request(const char *command)
{
    json_t *r = json_object();
    if (r && json_object_set_new(r, "command", json_string(command)) != 0) {
        json_decref(r);
        r = NULL;
    }
    return r;
}

/* Dumps data into *out (if out) and releases it. */
static int dump_out(json_t *data, char **out, osm_error *err)
{
    if (!out) {
        json_decref(data);
        return osm__ok(err);
    }
    *out = json_dumps(data, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
    json_decref(data);
    if (!*out)
        return osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
    return osm__ok(err);
}

#define CHECK_HANDLE(c, err)                                                                       \
    do {                                                                                           \
        if (!(c))                                                                                  \
            return osm__fail(err, OSM_EINVAL, "invalid_argument", "client handle is NULL");        \
    } while (0)

/* ---------------------------------------------------------------- commands */

int osm_ping(osm_client *c, int *sessions, osm_error *err)
{
    CHECK_HANDLE(c, err);
    json_t *data;
    int rc = transact(c, request("ping"), &data, err);
    if (rc != OSM_OK)
        return rc;
    json_t *n = json_object_get(data, "sessions");
    if (!json_is_object(data) || !json_is_integer(n)) {
        json_decref(data);
        return osm__fail(err, OSM_EPROTO, "protocol", "malformed ping reply");
    }
    if (sessions)
        *sessions = (int)json_integer_value(n);
    json_decref(data);
    return osm__ok(err);
}

/* Parses text as JSON of the wanted kind ('o' object, 'a' array, 0 any). */
static int load_arg(const char *text, char kind, const char *what, json_t **out, osm_error *err)
{
    json_error_t jerr;
    *out = json_loads(text, JSON_DECODE_ANY, &jerr);
    if (!*out)
        return osm__fail(err, OSM_EINVAL, "invalid_argument", "%s is not valid JSON: %s", what,
                         jerr.text);
    if ((kind == 'o' && !json_is_object(*out)) || (kind == 'a' && !json_is_array(*out))) {
        json_decref(*out);
        *out = NULL;
        return osm__fail(err, OSM_EINVAL, "invalid_argument", "%s must be a JSON %s", what,
                         kind == 'o' ? "object" : "array");
    }
    return OSM_OK;
}

int osm_open(osm_client *c, const char *endpoint_url, const char *config_json, bool force_new,
             char session_id[33], bool *reused, osm_error *err)
{
    CHECK_HANDLE(c, err);
    if (!endpoint_url || !session_id)
        return osm__fail(err, OSM_EINVAL, "invalid_argument",
                         "endpoint_url and session_id are required");
    session_id[0] = '\0';
    json_t *config = NULL;
    int rc = load_arg(config_json ? config_json : "{}", 'o', "config", &config, err);
    if (rc != OSM_OK)
        return rc;
    json_t *req = request("open");
    if (req && (json_object_set_new(req, "endpointUrl", json_string(endpoint_url)) != 0 ||
                json_object_set_new(req, "config", config) != 0 ||
                (force_new && json_object_set_new(req, "forceNew", json_true()) != 0))) {
        json_decref(req);
        req = NULL;
    } else if (!req) {
        json_decref(config);
    }
    json_t *data;
    rc = transact(c, req, &data, err);
    if (rc != OSM_OK)
        return rc;
    const char *sid = json_string_value(json_object_get(data, "sessionId"));
    if (!sid || strlen(sid) > 32) {
        json_decref(data);
        return osm__fail(err, OSM_EPROTO, "protocol", "malformed open reply");
    }
    memcpy(session_id, sid, strlen(sid) + 1);
    if (reused)
        *reused = json_is_true(json_object_get(data, "reused"));
    json_decref(data);
    return osm__ok(err);
}

int osm_open_reverse(osm_client *c, const char *endpoint_url, const char *server_uri,
                     const char *config_json, bool force_new, char session_id[33], bool *reused,
                     osm_error *err)
{
    CHECK_HANDLE(c, err);
    json_t *config = NULL;
    int rc = load_arg(config_json ? config_json : "{}", 'o', "config", &config, err);
    if (rc != OSM_OK)
        return rc;
    char *text = NULL;
    if (json_object_set_new(config, "reverseConnect",
                            server_uri ? json_string(server_uri) : json_true()) == 0)
        text = json_dumps(config, JSON_COMPACT);
    json_decref(config);
    if (!text)
        return osm__fail(err, server_uri && !*server_uri ? OSM_EINVAL : OSM_ENOMEM,
                         server_uri && !*server_uri ? "invalid_argument" : "no_memory",
                         server_uri && !*server_uri ? "server_uri must not be empty"
                                                    : "out of memory");
    rc = osm_open(c, endpoint_url, text, force_new, session_id, reused, err);
    free(text);
    return rc;
}

static json_t *session_request(const char *command, const char *session_id)
{
    json_t *r = request(command);
    if (r && json_object_set_new(r, "sessionId", json_string(session_id)) != 0) {
        json_decref(r);
        r = NULL;
    }
    return r;
}

int osm_close(osm_client *c, const char *session_id, osm_error *err)
{
    CHECK_HANDLE(c, err);
    if (!session_id)
        return osm__fail(err, OSM_EINVAL, "invalid_argument", "session_id is NULL");
    json_t *data;
    int rc = transact(c, session_request("close", session_id), &data, err);
    if (rc == OSM_OK)
        json_decref(data);
    return rc;
}

int osm_list(osm_client *c, char **json_out, osm_error *err)
{
    CHECK_HANDLE(c, err);
    if (json_out)
        *json_out = NULL;
    json_t *data;
    int rc = transact(c, request("list"), &data, err);
    return rc == OSM_OK ? dump_out(data, json_out, err) : rc;
}

/* query with an already built params array (consumed); *data owned by caller. */
static int query_json(osm_client *c, const char *session_id, const char *method, json_t *params,
                      json_t **data, osm_error *err)
{
    json_t *req = session_request("query", session_id);
    if (req && (json_object_set_new(req, "method", json_string(method)) != 0 ||
                json_object_set_new(req, "params", params) != 0)) {
        json_decref(req);
        req = NULL;
    } else if (!req) {
        json_decref(params);
    }
    return transact(c, req, data, err);
}

int osm_query(osm_client *c, const char *session_id, const char *method, const char *params_json,
              char **data_json_out, osm_error *err)
{
    CHECK_HANDLE(c, err);
    if (data_json_out)
        *data_json_out = NULL;
    if (!session_id || !method)
        return osm__fail(err, OSM_EINVAL, "invalid_argument", "session_id and method are required");
    json_t *params;
    int rc = load_arg(params_json ? params_json : "[]", 'a', "params", &params, err);
    if (rc != OSM_OK)
        return rc;
    json_t *data;
    rc = query_json(c, session_id, method, params, &data, err);
    return rc == OSM_OK ? dump_out(data, data_json_out, err) : rc;
}

/* Appends the parsed node id text to arr. */
static int push_nodeid(json_t *arr, const char *text, osm_error *err)
{
    json_t *o;
    int rc = osm__nodeid_parse(text, &o, err);
    if (rc != OSM_OK)
        return rc;
    if (json_array_append_new(arr, o) != 0)
        return osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
    return OSM_OK;
}

/* Runs a helper query whose params are built in p (consumed) and dumps the data. */
static int helper_query(osm_client *c, const char *sid, const char *method, json_t *p, char **out,
                        osm_error *err)
{
    if (!sid) {
        json_decref(p);
        return osm__fail(err, OSM_EINVAL, "invalid_argument", "session_id is NULL");
    }
    json_t *data;
    int rc = query_json(c, sid, method, p, &data, err);
    return rc == OSM_OK ? dump_out(data, out, err) : rc;
}

/* A query whose only parameter is one node id (read, browse). */
static int node_query(osm_client *c, const char *session_id, const char *method,
                      const char *node_id, char **out, osm_error *err)
{
    CHECK_HANDLE(c, err);
    if (out)
        *out = NULL;
    json_t *p = json_array();
    if (!p)
        return osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
    int rc = push_nodeid(p, node_id, err);
    if (rc != OSM_OK) {
        json_decref(p);
        return rc;
    }
    return helper_query(c, session_id, method, p, out, err);
}

int osm_read(osm_client *c, const char *session_id, const char *node_id, char **value_json_out,
             osm_error *err)
{
    return node_query(c, session_id, "read", node_id, value_json_out, err);
}

int osm_write(osm_client *c, const char *session_id, const char *node_id, const char *value_json,
              int builtin_type, uint32_t *status_out, osm_error *err)
{
    CHECK_HANDLE(c, err);
    if (!value_json)
        return osm__fail(err, OSM_EINVAL, "invalid_argument", "value_json is NULL");
    if (builtin_type < 0 || builtin_type > 25)
        return osm__fail(err, OSM_EINVAL, "invalid_argument",
                         "builtin_type must be 0 (detect) or 1..25");
    json_t *p = json_array(), *value = NULL;
    if (!p)
        return osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
    int rc = push_nodeid(p, node_id, err);
    if (rc == OSM_OK)
        rc = load_arg(value_json, 0, "value", &value, err);
    if (rc == OSM_OK &&
        (json_array_append_new(p, value) != 0 ||
         (builtin_type > 0 && json_array_append_new(p, json_integer(builtin_type)) != 0)))
        rc = osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
    if (rc != OSM_OK) {
        json_decref(p);
        return rc;
    }
    if (!session_id) {
        json_decref(p);
        return osm__fail(err, OSM_EINVAL, "invalid_argument", "session_id is NULL");
    }
    json_t *data;
    rc = query_json(c, session_id, "write", p, &data, err);
    if (rc != OSM_OK)
        return rc;
    if (!json_is_integer(data)) {
        json_decref(data);
        return osm__fail(err, OSM_EPROTO, "protocol", "malformed write reply");
    }
    if (status_out)
        *status_out = (uint32_t)json_integer_value(data);
    json_decref(data);
    return osm__ok(err);
}

int osm_browse(osm_client *c, const char *session_id, const char *node_id, char **refs_json_out,
               osm_error *err)
{
    return node_query(c, session_id, "browse", node_id, refs_json_out, err);
}

int osm_call(osm_client *c, const char *session_id, const char *object_id, const char *method_id,
             const char *args_json, char **result_json_out, osm_error *err)
{
    CHECK_HANDLE(c, err);
    if (result_json_out)
        *result_json_out = NULL;
    json_t *p = json_array(), *args = NULL;
    if (!p)
        return osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
    int rc = push_nodeid(p, object_id, err);
    if (rc == OSM_OK)
        rc = push_nodeid(p, method_id, err);
    if (rc == OSM_OK)
        rc = load_arg(args_json ? args_json : "[]", 'a', "arguments", &args, err);
    if (rc == OSM_OK && json_array_append_new(p, args) != 0)
        rc = osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
    if (rc != OSM_OK) {
        json_decref(p);
        return rc;
    }
    return helper_query(c, session_id, "call", p, result_json_out, err);
}

/* ---------------------------------------------------------------- watch */

/* The handle's connection becomes the stream: it is dropped at the end. */
static int watch_locked(osm_client *c, json_t *req, double idle_timeout_s, osm_watch_cb cb,
                        void *ud, osm_error *err)
{
    disconnect(c);
    if (c->token && json_object_set_new(req, "authToken", json_string(c->token)) != 0) {
        json_decref(req);
        return osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
    }
    char *text = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    size_t tl = text ? strlen(text) : 0;
    char *line = text ? malloc(tl + 1) : NULL;
    if (!line) {
        free(text);
        return osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
    }
    memcpy(line, text, tl);
    line[tl] = '\n';
    free(text);
    long long deadline = now_ms() + c->timeout_ms;
    int rc = do_connect(c, deadline, err);
    int io = rc == OSM_OK ? send_all(c, line, tl + 1, deadline, err) : IO_FAIL;
    free(line);
    size_t len = 0;
    if (io == IO_OK)
        io = recv_line(c, &len, deadline, err);
    if (io != IO_OK) {
        disconnect(c);
        if (io == IO_CLOSED)
            return osm__fail(err, OSM_EPROTO, "protocol", "Empty response from daemon");
        return rc != OSM_OK ? rc : (err ? err->code : OSM_EPROTO);
    }
    json_t *data = NULL;
    rc = osm__parse_reply(c->rbuf, len, &data, err);
    json_decref(data);
    bool stop = false;
    while (rc == OSM_OK && !stop) {
        memmove(c->rbuf, c->rbuf + len + 1, c->rlen - len - 1);
        c->rlen -= len + 1;
        long long idle_ms = idle_timeout_s > 0 ? (long long)(idle_timeout_s * 1000.0) : 3600000;
        for (;;) {
            io = recv_line(c, &len, now_ms() + idle_ms, err);
            if (io != IO_FAIL || idle_timeout_s > 0 || !err || err->code != OSM_ETIMEOUT)
                break; /* without a limit, an idle hour is no reason to stop */
        }
        if (io == IO_CLOSED) {
            rc = osm__ok(err); /* the daemon ended the stream */
            break;
        }
        if (io != IO_OK) {
            rc = err ? err->code : OSM_EPROTO;
            break;
        }
        c->rbuf[len] = '\0'; /* was the '\n' */
        stop = cb(c->rbuf, ud) != 0;
        if (stop)
            rc = osm__ok(err);
    }
    disconnect(c);
    return rc;
}

int osm_watch(osm_client *c, const char *session_id, double idle_timeout_s, osm_watch_cb cb,
              void *ud, osm_error *err)
{
    osm_error local;
    if (!err)
        err = &local;
    CHECK_HANDLE(c, err);
    if (!cb)
        return osm__fail(err, OSM_EINVAL, "invalid_argument", "callback is NULL");
    json_t *req =
        session_id && *session_id ? session_request("watch", session_id) : request("watch");
    if (!req)
        return osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
    pthread_mutex_lock(&c->mu);
    int rc = watch_locked(c, req, idle_timeout_s, cb, ud, err);
    pthread_mutex_unlock(&c->mu);
    return rc;
}
