/* bench_ipc: the client side of the IPC benchmarks. Every mode prints one
 * JSON line per measurement (bench_util.h) and exits non-zero on the first
 * failed request.
 *
 *   bench_ipc ping-conn    SOCKET N        N pings, one connection each
 *   bench_ipc ping-persist SOCKET N        N pings on one kept-alive connection
 *   bench_ipc ping-for     SOCKET SECONDS  pings on one connection for a while
 *                                          (latency while something else runs)
 *   bench_ipc read     SOCKET SESSION NODE N      N reads through libosm
 *   bench_ipc parallel SOCKET SESSION NODE THREADS SECONDS
 *                      THREADS clients (one libosm handle each) reading
 *   bench_ipc open-many SOCKET ENDPOINT N [CONFIG_JSON]
 *                                          N forceNew sessions, ids to stdout
 *   bench_ipc call-slow SOCKET SESSION MS   one call of ns=1;s=Methods.Sleep
 *   bench_ipc spawn N CMD [ARG...]         runs CMD N times, one after the other
 *                                          (posix_spawn, output to /dev/null):
 *                                          the cost of a short-lived process
 *
 * Raw pings use plain sockets, the same code for the daemon and for the
 * bench_echo floor; reads use the C client library users would use. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"
#include "osm/osm.h"

static const char ping_once[] = "{\"command\":\"ping\"}\n";
static const char ping_keep[] = "{\"command\":\"ping\",\"keepAlive\":true}\n";

static void check_reply(const char *buf, long n)
{
    if (n <= 0 || !memchr(buf, '\n', (size_t)(n > 512 ? 512 : n)) ||
        strncmp(buf, "{\"success\":true", 15) != 0) {
        fprintf(stderr, "bench_ipc: bad reply: %.*s\n", (int)(n > 200 ? 200 : n > 0 ? n : 0), buf);
        exit(1);
    }
}

static void ping_conn(const char *sock, size_t n)
{
    bench_samples s;
    bench_require(bench_samples_init(&s, n) == 0, "out of memory");
    char buf[512];
    uint64_t t0 = bench_now_ns();
    for (size_t i = 0; i < n; i++) {
        uint64_t a = bench_now_ns();
        int fd = bench_connect(sock);
        bench_require(fd >= 0, "connect");
        bench_require(bench_send_all(fd, ping_once, sizeof(ping_once) - 1) == 0, "send");
        long r = bench_recv_line(fd, buf, sizeof(buf));
        close(fd);
        check_reply(buf, r);
        bench_samples_add(&s, bench_now_ns() - a);
    }
    bench_samples_print(&s, "ping-conn", bench_now_ns() - t0);
    bench_samples_free(&s);
}

static void ping_persist(const char *sock, size_t n, double seconds, const char *name)
{
    bench_samples s;
    size_t cap = n ? n : (size_t)(seconds * 200000) + 16;
    bench_require(bench_samples_init(&s, cap) == 0, "out of memory");
    int fd = bench_connect(sock);
    bench_require(fd >= 0, "connect");
    char buf[512];
    uint64_t t0 = bench_now_ns(), end = t0 + (uint64_t)(seconds * 1e9);
    for (size_t i = 0; n ? i < n : bench_now_ns() < end; i++) {
        uint64_t a = bench_now_ns();
        bench_require(bench_send_all(fd, ping_keep, sizeof(ping_keep) - 1) == 0, "send");
        long r = bench_recv_line(fd, buf, sizeof(buf));
        check_reply(buf, r);
        bench_samples_add(&s, bench_now_ns() - a);
        if (!n)
            usleep(1000); /* a steady probe, not a flood, while others work */
    }
    close(fd);
    bench_samples_print(&s, name, bench_now_ns() - t0);
    bench_samples_free(&s);
}

static osm_client *client_or_die(const char *sock)
{
    osm_client *c = osm_client_new(sock, getenv("OPCUA_AUTH_TOKEN"), 30.0);
    bench_require(c != NULL, "osm_client_new");
    return c;
}

static void read_n(const char *sock, const char *session, const char *node, size_t n)
{
    osm_client *c = client_or_die(sock);
    bench_samples s;
    bench_require(bench_samples_init(&s, n) == 0, "out of memory");
    osm_error err;
    uint64_t t0 = bench_now_ns();
    for (size_t i = 0; i < n; i++) {
        char *v = NULL;
        uint64_t a = bench_now_ns();
        if (osm_read(c, session, node, &v, &err) != OSM_OK) {
            fprintf(stderr, "bench_ipc: read: %s %s\n", err.type, err.message);
            exit(1);
        }
        bench_samples_add(&s, bench_now_ns() - a);
        free(v);
    }
    bench_samples_print(&s, "read", bench_now_ns() - t0);
    bench_samples_free(&s);
    osm_client_free(c);
}

typedef struct worker {
    pthread_t th;
    const char *sock, *session, *node;
    uint64_t end;
    size_t count;
    int failed;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    osm_client *c = client_or_die(w->sock);
    osm_error err;
    while (bench_now_ns() < w->end) {
        char *v = NULL;
        if (osm_read(c, w->session, w->node, &v, &err) != OSM_OK) {
            fprintf(stderr, "bench_ipc: read: %s %s\n", err.type, err.message);
            w->failed = 1;
            break;
        }
        free(v);
        w->count++;
    }
    osm_client_free(c);
    return NULL;
}

static void parallel(const char *sock, const char *session, const char *node, size_t threads,
                     double seconds)
{
    worker *w = calloc(threads, sizeof(*w));
    bench_require(w != NULL, "out of memory");
    uint64_t t0 = bench_now_ns();
    for (size_t i = 0; i < threads; i++) {
        w[i] = (worker){.sock = sock, .session = session, .node = node,
                        .end = t0 + (uint64_t)(seconds * 1e9)};
        bench_require(pthread_create(&w[i].th, NULL, work, &w[i]) == 0, "pthread_create");
    }
    size_t total = 0;
    int failed = 0;
    for (size_t i = 0; i < threads; i++) {
        pthread_join(w[i].th, NULL);
        total += w[i].count;
        failed |= w[i].failed;
    }
    uint64_t wall = bench_now_ns() - t0;
    printf("{\"name\":\"parallel\",\"threads\":%zu,\"n\":%zu,\"per_s\":%.1f}\n", threads, total,
           (double)total * 1e9 / (double)wall);
    free(w);
    exit(failed);
}

static void open_many(const char *sock, const char *endpoint, size_t n, const char *config)
{
    osm_client *c = client_or_die(sock);
    osm_error err;
    for (size_t i = 0; i < n; i++) {
        char sid[33];
        bool reused;
        if (osm_open(c, endpoint, config, true, sid, &reused, &err) != OSM_OK) {
            fprintf(stderr, "bench_ipc: open %zu: %s %s\n", i, err.type, err.message);
            exit(1);
        }
        printf("%s\n", sid);
    }
    osm_client_free(c);
}

static void call_slow(const char *sock, const char *session, const char *ms)
{
    osm_client *c = client_or_die(sock);
    osm_error err;
    char args[96], *out = NULL;
    snprintf(args, sizeof(args), "[{\"type\":7,\"value\":%s}]", ms);
    if (osm_call(c, session, "ns=1;s=Methods", "ns=1;s=Methods.Sleep", args, &out, &err) != OSM_OK) {
        fprintf(stderr, "bench_ipc: call: %s %s\n", err.type, err.message);
        exit(1);
    }
    free(out);
    osm_client_free(c);
}

extern char **environ;

/* Each process gets /dev/null for stdin and stdout and our stderr; a
 * failing one stops the run. The same launcher serves both sides of the
 * short-lived suite, so its own cost weighs equally on both. */
static void spawn_n(size_t n, char **argv)
{
    bench_samples s;
    bench_require(bench_samples_init(&s, n) == 0, "out of memory");
    posix_spawn_file_actions_t fa;
    bench_require(posix_spawn_file_actions_init(&fa) == 0 &&
                      posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) == 0 &&
                      posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0) == 0,
                  "spawn file actions");
    uint64_t t0 = bench_now_ns();
    for (size_t i = 0; i < n; i++) {
        uint64_t a = bench_now_ns();
        pid_t pid;
        int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
        if (rc != 0) {
            fprintf(stderr, "bench_ipc: cannot start %s: %s\n", argv[0], strerror(rc));
            exit(1);
        }
        int status;
        while (waitpid(pid, &status, 0) < 0)
            bench_require(errno == EINTR, "waitpid");
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "bench_ipc: %s failed (run %zu, status %d)\n", argv[0], i, status);
            exit(1);
        }
        bench_samples_add(&s, bench_now_ns() - a);
    }
    bench_samples_print(&s, "spawn", bench_now_ns() - t0);
    posix_spawn_file_actions_destroy(&fa);
    bench_samples_free(&s);
}

static size_t num(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    bench_require(errno == 0 && *end == '\0' && v > 0, "a positive count");
    return (size_t)v;
}

int main(int argc, char **argv)
{
    const char *m = argc > 1 ? argv[1] : "";
    if (strcmp(m, "ping-conn") == 0 && argc == 4)
        ping_conn(argv[2], num(argv[3]));
    else if (strcmp(m, "ping-persist") == 0 && argc == 4)
        ping_persist(argv[2], num(argv[3]), 0, "ping-persist");
    else if (strcmp(m, "ping-for") == 0 && argc == 4)
        ping_persist(argv[2], 0, atof(argv[3]), "ping-for");
    else if (strcmp(m, "read") == 0 && argc == 6)
        read_n(argv[2], argv[3], argv[4], num(argv[5]));
    else if (strcmp(m, "parallel") == 0 && argc == 7)
        parallel(argv[2], argv[3], argv[4], num(argv[5]), atof(argv[6]));
    else if (strcmp(m, "open-many") == 0 && (argc == 5 || argc == 6))
        open_many(argv[2], argv[3], num(argv[4]), argc == 6 ? argv[5] : "{}");
    else if (strcmp(m, "call-slow") == 0 && argc == 5)
        call_slow(argv[2], argv[3], argv[4]);
    else if (strcmp(m, "spawn") == 0 && argc >= 4)
        spawn_n(num(argv[2]), argv + 3);
    else {
        fprintf(stderr, "usage: see the comment at the top of bench/bench_ipc.c\n");
        return 2;
    }
    return 0;
}
