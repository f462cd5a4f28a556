/* An LD_PRELOAD shim for bench/run: how long the daemon's event loop works
 * between two polls, i.e. how long a request that just became ready can
 * wait before the loop looks at it, in wall time and in the loop thread's
 * CPU time (wall well above CPU = the thread was preempted, not busy).
 * libuv polls through libc's epoll_wait /
 * epoll_pwait, so wrapping them sees every loop iteration without touching
 * the daemon. Only the first thread that polls (the loop) is measured.
 *
 *   LD_PRELOAD=libbench_looplag.so OSM_LOOPLAG_OUT=FILE daemon ...
 *
 * Iterations are counted while FILE.on exists (checked every 50 ms), so the
 * caller picks the window; at exit FILE gets one JSON line:
 * {"iterations":N,"p50_us":..,"p99_us":..,"p999_us":..,"max_us":..,
 *  "cpu_p99_us":..,"cpu_p999_us":..,"cpu_max_us":..}. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#define BUCKET_US 10
#define BUCKETS   100000 /* up to 1 s; longer ones land in the last */

static uint32_t hist[BUCKETS], cpu_hist[BUCKETS];
static uint64_t count, max_ns, cpu_max_ns, last_return_ns, last_return_cpu_ns, next_check_ns;
static int on;
static pthread_t loop_thread;
static int have_thread;
static char flag_path[4096];

static uint64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int is_loop(void)
{
    if (!have_thread) {
        loop_thread = pthread_self();
        have_thread = 1;
    }
    return pthread_equal(loop_thread, pthread_self());
}

static void before_poll(void)
{
    if (!is_loop())
        return;
    uint64_t t = clock_ns(CLOCK_MONOTONIC);
    if (t >= next_check_ns) {
        on = flag_path[0] && access(flag_path, F_OK) == 0;
        next_check_ns = t + 50000000u;
    }
    if (!on || !last_return_ns)
        return;
    uint64_t busy = t - last_return_ns;
    uint64_t cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID) - last_return_cpu_ns;
    uint64_t b = busy / 1000u / BUCKET_US, c = cpu / 1000u / BUCKET_US;
    hist[b < BUCKETS ? b : BUCKETS - 1]++;
    cpu_hist[c < BUCKETS ? c : BUCKETS - 1]++;
    count++;
    if (busy > max_ns)
        max_ns = busy;
    if (cpu > cpu_max_ns)
        cpu_max_ns = cpu;
}

static void after_poll(void)
{
    if (is_loop()) {
        last_return_ns = clock_ns(CLOCK_MONOTONIC);
        last_return_cpu_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    }
}

int epoll_wait(int fd, struct epoll_event *ev, int n, int timeout)
{
    static int (*real)(int, struct epoll_event *, int, int);
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "epoll_wait");
    before_poll();
    int r = real(fd, ev, n, timeout);
    after_poll();
    return r;
}

int epoll_pwait(int fd, struct epoll_event *ev, int n, int timeout, const sigset_t *mask)
{
    static int (*real)(int, struct epoll_event *, int, int, const sigset_t *);
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "epoll_pwait");
    before_poll();
    int r = real(fd, ev, n, timeout, mask);
    after_poll();
    return r;
}

static double quantile_us(const uint32_t *h, double q)
{
    uint64_t want = (uint64_t)(q * (double)count), seen = 0;
    for (size_t i = 0; i < BUCKETS; i++) {
        seen += h[i];
        if (seen > want)
            return (double)(i * BUCKET_US) + BUCKET_US / 2.0;
    }
    return 0;
}

__attribute__((constructor)) static void start(void)
{
    const char *out = getenv("OSM_LOOPLAG_OUT");
    if (out)
        snprintf(flag_path, sizeof(flag_path), "%s.on", out);
}

__attribute__((destructor)) static void report(void)
{
    const char *out = getenv("OSM_LOOPLAG_OUT");
    FILE *f = out ? fopen(out, "w") : NULL;
    if (!f)
        return;
    fprintf(f,
            "{\"iterations\":%llu,\"p50_us\":%.0f,\"p99_us\":%.0f,\"p999_us\":%.0f,"
            "\"max_us\":%.0f,\"cpu_p99_us\":%.0f,\"cpu_p999_us\":%.0f,\"cpu_max_us\":%.0f}\n",
            (unsigned long long)count, quantile_us(hist, 0.5), quantile_us(hist, 0.99),
            quantile_us(hist, 0.999), (double)max_ns / 1000.0, quantile_us(cpu_hist, 0.99),
            quantile_us(cpu_hist, 0.999), (double)cpu_max_ns / 1000.0);
    fclose(f);
}
