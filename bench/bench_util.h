/* Small helpers the benchmark programs share: a monotonic clock, latency
 * samples with percentiles, and connecting to the daemon's socket URIs
 * (a path or unix:///path, tcp://127.0.0.1:PORT, tcp://[::1]:PORT). */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

/** Nanoseconds from CLOCK_MONOTONIC. */
uint64_t bench_now_ns(void);

typedef struct bench_samples {
    uint64_t *ns;
    size_t n, cap;
} bench_samples;

/** Returns 0, or -1 when out of memory. */
int bench_samples_init(bench_samples *s, size_t cap);
void bench_samples_add(bench_samples *s, uint64_t ns);
void bench_samples_free(bench_samples *s);
/** Prints {"name":..,"n":..,"p50_us":..,"p99_us":..,"mean_us":..,"per_s":..}
 *  to stdout; per_s is n / wall_ns. Sorts the samples. */
void bench_samples_print(bench_samples *s, const char *name, uint64_t wall_ns);

/** Connects a blocking stream socket to uri; returns the fd or -1 (errno). */
int bench_connect(const char *uri);

/** Sends all of buf; returns 0 or -1. */
int bench_send_all(int fd, const char *buf, size_t len);
/** Reads until a '\n' arrives or the peer closes; returns the bytes read
 *  (the line included), -1 on error. buf holds up to cap bytes; a longer
 *  reply is drained and counted but not kept. */
long bench_recv_line(int fd, char *buf, size_t cap);

/** Dies with a message when cond is false. */
void bench_require(int cond, const char *what);

#endif
