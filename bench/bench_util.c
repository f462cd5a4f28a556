#include "bench_util.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int bench_samples_init(bench_samples *s, size_t cap)
{
    s->n = 0;
    s->cap = cap ? cap : 1;
    s->ns = malloc(s->cap * sizeof(*s->ns));
    return s->ns ? 0 : -1;
}

void bench_samples_add(bench_samples *s, uint64_t ns)
{
    if (s->n < s->cap)
        s->ns[s->n++] = ns;
}

void bench_samples_free(bench_samples *s)
{
    free(s->ns);
    s->ns = NULL;
    s->n = s->cap = 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double pct(const bench_samples *s, double p)
{
    if (s->n == 0)
        return 0;
    size_t i = (size_t)(p * (double)(s->n - 1) + 0.5);
    return (double)s->ns[i] / 1000.0;
}

void bench_samples_print(bench_samples *s, const char *name, uint64_t wall_ns)
{
    qsort(s->ns, s->n, sizeof(*s->ns), cmp_u64);
    double sum = 0;
    for (size_t i = 0; i < s->n; i++)
        sum += (double)s->ns[i];
    printf("{\"name\":\"%s\",\"n\":%zu,\"p50_us\":%.2f,\"p99_us\":%.2f,\"mean_us\":%.2f,"
           "\"per_s\":%.1f}\n",
           name, s->n, pct(s, 0.50), pct(s, 0.99), s->n ? sum / (double)s->n / 1000.0 : 0,
           wall_ns ? (double)s->n * 1e9 / (double)wall_ns : 0);
    fflush(stdout);
}

int bench_connect(const char *uri)
{
    if (strncmp(uri, "tcp://", 6) == 0) {
        const char *host = uri + 6;
        const char *colon = strrchr(host, ':');
        if (!colon)
            return errno = EINVAL, -1;
        char h[64];
        size_t hl = (size_t)(colon - host);
        if (hl >= sizeof(h))
            return errno = EINVAL, -1;
        memcpy(h, host, hl);
        h[hl] = '\0';
        int port = atoi(colon + 1);
        int fd;
        if (h[0] == '[') {
            struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
            h[hl - 1] = '\0';
            if (inet_pton(AF_INET6, h + 1, &a6.sin6_addr) != 1)
                return errno = EINVAL, -1;
            fd = socket(AF_INET6, SOCK_STREAM, 0);
            if (fd < 0 || connect(fd, (struct sockaddr *)&a6, sizeof(a6)) != 0)
                goto fail;
        } else {
            struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
            if (inet_pton(AF_INET, h, &a4.sin_addr) != 1)
                return errno = EINVAL, -1;
            fd = socket(AF_INET, SOCK_STREAM, 0);
            if (fd < 0 || connect(fd, (struct sockaddr *)&a4, sizeof(a4)) != 0)
                goto fail;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        return fd;
    fail:
        if (fd >= 0) {
            int e = errno;
            close(fd);
            errno = e;
        }
        return -1;
    }
    const char *path = strncmp(uri, "unix://", 7) == 0 ? uri + 7 : uri;
    struct sockaddr_un un = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(un.sun_path))
        return errno = ENAMETOOLONG, -1;
    memcpy(un.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&un, sizeof(un)) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int bench_send_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

long bench_recv_line(int fd, char *buf, size_t cap)
{
    size_t got = 0;
    char scratch[4096];
    for (;;) {
        char *dst = got < cap ? buf + got : scratch;
        size_t room = got < cap ? cap - got : sizeof(scratch);
        ssize_t n = recv(fd, dst, room, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            return (long)got;
        got += (size_t)n;
        if (memchr(dst, '\n', (size_t)n))
            return (long)got;
    }
}

void bench_require(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "bench: %s (%s)\n", what, errno ? strerror(errno) : "failed");
        exit(1);
    }
}
