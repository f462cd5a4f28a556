/* Reverse Connect for the daemon (OPC UA Part 6 (1.05) 7.1.3): listeners
 * that servers dial (--reverse-listen), the ReverseHello checks against
 * --reverse-allow, the table of accepted connections waiting to be used
 * (one per ServerUri), and the link between a session opened with
 * config.reverseConnect and that table: its client never dials out; every
 * channel, reconnects included, starts on a connection a server opened.
 *
 * Threading: everything on the daemon's loop. */
#ifndef DAEMON_REVERSE_H
#define DAEMON_REVERSE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "ua_client.h"

struct osmd;
typedef struct drev drev;
typedef struct drev_link drev_link;

/** Binds every --reverse-listen address; sets d->rev (NULL when none is
 *  configured). Returns 0, or -1 with a message in err. */
int drev_start(struct osmd *d, char *err, size_t err_size);
/** Closes the listeners and the waiting connections; opens still waiting
 *  for a dial fail with BadShutdown. Safe with d->rev NULL. */
void drev_stop(struct osmd *d);
/** Frees d->rev once the loop has run the close callbacks. */
void drev_free(struct osmd *d);

/** Prepares an open with config.reverseConnect: server_uri is the
 *  ServerUri to wait for, or "" for whichever allowed server announces
 *  endpoint_url. Returns NULL with a message in msg when Reverse Connect
 *  is off or server_uri is not allowed. */
drev_link *drev_link_new(struct osmd *d, const char *server_uri, const char *endpoint_url,
                         char *msg, size_t msg_size);
/** Points cc at the listener (socket_source) and keeps its timeout: the
 *  first connect waits that long for a dial; reconnects wait without end. */
void drev_link_configure(drev_link *l, ua_client_config *cc);
/** Ties the link to the client made from that config (borrowed). */
void drev_link_attach(drev_link *l, ua_client *c);
/** Forgets the link; the client must not be used with it any more. NULL ok. */
void drev_link_delete(drev_link *l);

/** For `list`: {"serverUri", "endpointUrl", "state"} with state "connected",
 *  "connecting" or "waiting" (for the server to dial back). New reference. */
json_t *drev_link_describe(const drev_link *l);
/** True while the session has no connection (waiting for a dial back); msg
 *  then says so, for a fast-failing query. */
bool drev_link_waiting(const drev_link *l, const char *session_id, char *msg, size_t msg_size);

#endif
