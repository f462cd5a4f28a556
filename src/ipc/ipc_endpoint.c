/* Endpoint parsing and the loopback rule (daemon.md §9.1, §9.2). Nothing
 * is resolved through DNS: "localhost" is mapped to 127.0.0.1 by name,
 * everything else must be an IP literal. */
#include "ipc_endpoint.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define EINVAL_RC (-22)

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int
fail(char *err, size_t errlen, const char *fmt, ...);

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return EINVAL_RC;
}

static bool is_ipv4_127(const char *s)
{
    struct in_addr a;
    return strncmp(s, "127.", 4) == 0 && inet_pton(AF_INET, s, &a) == 1;
}

/* Fills bind_host/bind_family, or returns false for a non-loopback host. */
static bool loopback_bind(const char *host, ipc_endpoint *ep)
{
    const char *v4 = NULL;
    if (strcmp(host, "localhost") == 0)
        v4 = "127.0.0.1";
    else if (is_ipv4_127(host))
        v4 = host;
    else if (strncasecmp(host, "::ffff:", 7) == 0 && is_ipv4_127(host + 7))
        v4 = host + 7;
    if (v4) {
        snprintf(ep->bind_host, sizeof(ep->bind_host), "%s", v4);
        ep->bind_family = AF_INET;
        return true;
    }
    if (strcmp(host, "::1") == 0) {
        snprintf(ep->bind_host, sizeof(ep->bind_host), "%s", host);
        ep->bind_family = AF_INET6;
        return true;
    }
    return false;
}

static int parse_port(const char *s, int *port)
{
    if (*s == '\0' || strlen(s) > 5)
        return -1;
    int v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
    }
    if (v > 65535)
        return -1;
    *port = v;
    return 0;
}

static int parse_tcp(const char *uri, const char *rest, ipc_endpoint *ep, char *err, size_t errlen)
{
    const char *host = rest, *host_end, *colon;
    if (*rest == '[') {
        host = rest + 1;
        host_end = strchr(host, ']');
        if (!host_end || host_end[1] != ':')
            return fail(err, errlen, "Invalid TCP endpoint \"%s\": expected tcp://[<ipv6>]:<port>",
                        uri);
        colon = host_end + 1;
    } else {
        colon = strrchr(rest, ':');
        if (!colon)
            return fail(err, errlen, "Invalid TCP endpoint \"%s\": expected tcp://<host>:<port>",
                        uri);
        host_end = colon;
    }
    size_t hlen = (size_t)(host_end - host);
    if (hlen == 0 || hlen >= sizeof(ep->host))
        return fail(err, errlen, "Invalid TCP endpoint \"%s\": bad host", uri);
    memcpy(ep->host, host, hlen);
    ep->host[hlen] = '\0';
    if (parse_port(colon + 1, &ep->port) != 0)
        return fail(err, errlen, "Invalid TCP endpoint \"%s\": port must be 0-65535", uri);
    if (!loopback_bind(ep->host, ep))
        return fail(err, errlen,
                    "Refusing to bind TCP listener to non-loopback host \"%s\" (allowed: "
                    "127.0.0.1, ::1, localhost, 127.x.y.z, ::ffff:127.x.y.z)",
                    ep->host);
    ep->transport = IPC_TRANSPORT_TCP;
    snprintf(ep->uri, sizeof(ep->uri), "tcp://%s%s%s:%d", *rest == '[' ? "[" : "", ep->host,
             *rest == '[' ? "]" : "", ep->port);
    return 0;
}

int ipc_endpoint_parse(const char *uri, ipc_endpoint *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (err && errlen)
        err[0] = '\0';
    if (!uri || !*uri)
        return fail(err, errlen, "Empty socket endpoint");
    if (strncmp(uri, "tcp://", 6) == 0)
        return parse_tcp(uri, uri + 6, out, err, errlen);
    const char *path = uri;
    if (strncmp(uri, "unix://", 7) == 0)
        path = uri + 7;
    else if (strstr(uri, "://"))
        return fail(err, errlen,
                    "Unsupported socket endpoint \"%s\" (use unix://<path>, "
                    "tcp://<host>:<port> or a path)",
                    uri);
    size_t n = strlen(path);
    if (n == 0)
        return fail(err, errlen, "Empty Unix socket path in \"%s\"", uri);
    if (n > IPC_UNIX_PATH_MAX)
        return fail(err, errlen, "Socket path too long (%zu bytes, maximum %zu): %s", n,
                    (size_t)IPC_UNIX_PATH_MAX, path);
    memcpy(out->path, path, n + 1);
    out->transport = IPC_TRANSPORT_UNIX;
    snprintf(out->uri, sizeof(out->uri), "unix://%s", out->path);
    return 0;
}
