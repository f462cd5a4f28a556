/* The auto-publish engine (daemon.md §7, with our timing; see
 * docs/internals/daemon.md): per session, keeps Publish requests
 * outstanding, acknowledges, detects sequence-number gaps and republishes,
 * backs off after errors, and after a reconnect transfers (or re-creates)
 * the tracked subscriptions. Every notification becomes one line for the
 * sinks of daemon_notify.h.
 *
 * It runs for a session that has subscriptions while any of these holds:
 * --auto-publish, --events-file, or a watch client attached to the session
 * (or to all sessions). Off otherwise, so a client that publishes itself
 * keeps working.
 *
 * Threading: loop thread only. */
#ifndef DAEMON_PUBLISH_H
#define DAEMON_PUBLISH_H

#include <stdbool.h>

struct osmd;
struct dsession;

/* Publish requests kept outstanding: subscriptions + 1, within these. */
#define DPUB_MIN_OUTSTANDING 2
#define DPUB_MAX_OUTSTANDING 8
/* Consecutive errors before the engine stops, and the pause after one. */
#define DPUB_MAX_ERRORS     5
#define DPUB_ERROR_DELAY_MS 5000
/* Most sequence numbers one gap republishes; older ones count as missed. */
#define DPUB_MAX_REPUBLISH 64

/** Starts or stops the engine of s to match the rule above; call after
 *  the session's subscriptions or the watch clients changed. */
void dpub_sync(struct osmd *d, struct dsession *s);
/** True while the engine runs for s (a manual publish is then refused). */
bool dpub_active(const struct dsession *s);
/** Releases the engine of a session that is going (before its client is
 *  disconnected). Answers still outstanding are dropped when they come. */
void dpub_session_gone(struct osmd *d, struct dsession *s);

#endif
