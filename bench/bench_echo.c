/* bench_echo: the floor the daemon's IPC is measured against. A bare,
 * single-threaded poll() server on the same kind of socket that answers
 * each request line with a reply as long as the daemon's ping reply and,
 * like the daemon, closes the connection after it unless the request
 * carries "keepAlive". No JSON parsing, no allocation per request.
 *   bench_echo SOCKET_URI      (a path, unix:///path or tcp://127.0.0.1:PORT)
 * Runs until SIGTERM/SIGINT. */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_CLIENTS 512
#define LINE_MAX_LEN 65536

static const char reply[] =
    "{\"success\":true,\"data\":{\"status\":\"ok\",\"sessions\":0,\"time\":1795391885.217834}}\n";

typedef struct client {
    int fd;
    size_t len;
    char buf[LINE_MAX_LEN];
} client;

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static int listen_on(const char *uri)
{
    int fd;
    if (strncmp(uri, "tcp://", 6) == 0) {
        const char *colon = strrchr(uri + 6, ':');
        if (!colon)
            return -1;
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1))};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        fd = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
            return -1;
    } else {
        const char *path = strncmp(uri, "unix://", 7) == 0 ? uri + 7 : uri;
        struct sockaddr_un un = {.sun_family = AF_UNIX};
        if (strlen(path) >= sizeof(un.sun_path))
            return -1;
        memcpy(un.sun_path, path, strlen(path) + 1);
        unlink(path);
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *)&un, sizeof(un)) != 0)
            return -1;
    }
    return listen(fd, 128) == 0 ? fd : -1;
}

/* Answers every complete line in c; returns 0 to keep the connection. */
static int serve(client *c)
{
    char *nl;
    while ((nl = memchr(c->buf, '\n', c->len))) {
        size_t line = (size_t)(nl - c->buf) + 1;
        int keep = memmem(c->buf, line, "keepAlive", 9) != NULL;
        if (send(c->fd, reply, sizeof(reply) - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof(reply) - 1))
            return -1;
        memmove(c->buf, c->buf + line, c->len - line);
        c->len -= line;
        if (!keep)
            return -1;
    }
    return c->len < sizeof(c->buf) ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_echo SOCKET_URI\n");
        return 2;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);
    int lfd = listen_on(argv[1]);
    if (lfd < 0) {
        fprintf(stderr, "bench_echo: cannot listen on %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    static client clients[MAX_CLIENTS];
    static struct pollfd pfd[MAX_CLIENTS + 1];
    size_t n = 0;
    while (!stop) {
        pfd[0] = (struct pollfd){.fd = lfd, .events = POLLIN};
        for (size_t i = 0; i < n; i++)
            pfd[i + 1] = (struct pollfd){.fd = clients[i].fd, .events = POLLIN};
        if (poll(pfd, n + 1, 500) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (size_t i = n; i-- > 0;) {
            if (!(pfd[i + 1].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            client *c = &clients[i];
            ssize_t r = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
            if (r <= 0 || (c->len += (size_t)r, serve(c) != 0)) {
                close(c->fd);
                clients[i].fd = clients[n - 1].fd;
                clients[i].len = clients[n - 1].len;
                memcpy(clients[i].buf, clients[n - 1].buf, clients[n - 1].len);
                n--;
            }
        }
        if ((pfd[0].revents & POLLIN) && n < MAX_CLIENTS) {
            int fd = accept(lfd, NULL, NULL);
            if (fd >= 0) {
                int one = 1;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
                clients[n].fd = fd;
                clients[n].len = 0;
                n++;
            }
        }
    }
    close(lfd);
    if (strncmp(argv[1], "tcp://", 6) != 0)
        unlink(strncmp(argv[1], "unix://", 7) == 0 ? argv[1] + 7 : argv[1]);
    return 0;
}
