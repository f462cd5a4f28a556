/* Auto-connect (daemon.md §8, ours from a file): the --config connections
 * are opened on the first loop tick through the ordinary `open` and
 * `query` paths (reuse, max-sessions, certificate checks, subscription
 * tracking), named so that query/close/watch address them by name. A
 * connection that fails is retried with backoff (1 s doubling to 60 s);
 * once connected its subscriptions are created, each failure logged.
 *
 * Threading: loop thread only. */
#ifndef DAEMON_AUTOCONNECT_H
#define DAEMON_AUTOCONNECT_H

#include <stddef.h>

struct osmd;

#define DAUTO_RETRY_MIN_MS 1000u
#define DAUTO_RETRY_MAX_MS 60000u

/** Loads and checks d->cfg.config_file (if any; before the loop runs).
 *  Returns 0, or -1 with a reason in err (free with dautoconn_free). */
int dautoconn_load(struct osmd *d, char *err, size_t errlen);
/** Schedules the loaded connections for the first loop tick (d->loop set).
 *  Returns 0, or -1 when out of memory. */
int dautoconn_start(struct osmd *d);
/** Shutdown: no more attempts (timers closed). */
void dautoconn_stop(struct osmd *d);
/** After the loop has ended: frees what dautoconn_start made. */
void dautoconn_free(struct osmd *d);

#endif
