/* Private state of the daemon shared by its files: the session store,
 * the command handlers (daemon_cmd.c), the query methods (daemon_query.c)
 * and the process around them (daemon_main.c). */
#ifndef DAEMON_INT_H
#define DAEMON_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <uv.h>

#include "daemon_cache.h"
#include "daemon_config.h"
#include "daemon_notify.h"
#include "daemon_security.h"
#include "daemon_subs.h"
#include "ipc_server.h"
#include "session_config.h"
#include "ua_client.h"
#include "wire.h"

typedef struct dsession {
    struct dsession *next, *prev; /* store order = insertion order */
    char id[33];
    char *endpoint_url;
    json_t *config; /* sanitised (with username); `list` drops username */
    char *reuse_key;
    double last_used; /* Unix seconds */
    ua_client *client;
    session_config settings; /* typed copy (secrets included, never logged) */
    dsubs subs;              /* subscriptions created through this session */
    struct drev_link *reverse; /* config.reverseConnect, else NULL (daemon_reverse.c) */
    dsecurity sec;           /* certificates, keys, trust store (the client borrows it) */
    char *name;              /* --config connection name (owned), or NULL */
    struct dpub *pub;        /* auto-publish engine (daemon_publish.c), or NULL */
    struct dtypes *types;    /* discovered types, method signatures (daemon_types.c), or NULL */
    struct dwrite_cache *writes; /* detected write types (daemon_write_cache.c), or NULL */
    struct dtypes *old_types; /* dropped at a namespace change (daemon_ns.c), or NULL */
} dsession;

typedef struct osmd {
    uv_loop_t *loop;
    daemon_config cfg;
    ipc_server *ipc;
    dcache *cache;            /* NULL with --cache-driver none */
    struct open_ctx *opening; /* opens still connecting (daemon_cmd.c) */
    struct drev *rev;         /* Reverse Connect listeners, NULL = off (daemon_reverse.c) */
    dsession *head, *tail;
    size_t count;
    uv_timer_t cleanup_timer;
    uv_timer_t shutdown_timer;
    uv_signal_t sigterm, sigint;
    uv_signal_t sighup;         /* reopens the events file */
    dnotify notify;             /* notification sinks (daemon_notify.c) */
    struct dautoconn *autoconn; /* --config connections (daemon_autoconnect.c) */
    char pid_path[4200];
    bool shutting_down;
    int pending_disconnects;
} osmd;

double daemon_now(void);
/** Called when a retired session's disconnect has finished. */
void daemon_retired(osmd *d);

/* ---- store ---------------------------------------------------------- */
dsession *store_find(osmd *d, const char *id);
dsession *store_find_key(osmd *d, const char *reuse_key);
void store_add(osmd *d, dsession *s);
void store_unlink(osmd *d, dsession *s);
/** Disconnects the session's client in the background and frees s (which
 *  must be unlinked). why is logged at debug level. */
void store_retire(osmd *d, dsession *s);

/* ---- namespaces (daemon_ns.c) ------------------------------------------ */
/** Makes s's NamespaceArray (in t, which must outlive the use) the table
 *  the wire decoders of this thread resolve "nsu" NodeIds with; returns the
 *  previous table, to be restored with wire_namespaces_use. */
const wire_namespaces *dns_use(const dsession *s, wire_namespaces *t);
/** Lets err resolve "nsu" NodeIds with s's NamespaceArray (t as above);
 *  for decoding outside query_run / invoke_run (completion callbacks). */
void dns_bind(const dsession *s, wire_namespaces *t, wire_error *err);
/** Watches s's client: a changed NamespaceArray after a reconnect drops the
 *  endpoint's cached answers and s's discovered types, remaps s's
 *  monitored items, and is logged. */
void dns_watch(osmd *d, dsession *s);

/* ---- dispatch --------------------------------------------------------- */
void daemon_dispatch(void *ud, ipc_request *req, json_t *request);

/* ---- replies ---------------------------------------------------------- */
void reply_ok(ipc_request *req, json_t *data);
void reply_error(ipc_request *req, const char *type, const char *message);
void reply_named(ipc_request *req, int ipc_error_id, const char *message);
/** Maps a status from the OPC UA client to ConnectionException /
 *  ServiceException with "<what>: <StatusName> (<description>)". */
void reply_status(ipc_request *req, ua_status st, const char *what);

/* ---- query ------------------------------------------------------------ */
bool query_method_allowed(const char *method);
bool invoke_method_known(const char *method);
json_t *invoke_method_names(void);
/** invoke: params already converted from the tagged form. */
void invoke_run(osmd *d, dsession *s, ipc_request *req, const char *method, json_t *params);
void query_run(osmd *d, dsession *s, ipc_request *req, const char *method, json_t *params);
json_t *query_method_names(void);
/** Decodes browse's params (nodeId, direction, referenceTypeId,
 *  includeSubtypes, nodeClasses) into *bd; on error replies and returns -1. */
int query_browse_description(ipc_request *req, json_t *params, ua_BrowseDescription *bd);
void query_browse_recursive(osmd *d, dsession *s, ipc_request *req, json_t *params);
/* cache_key: owned, NULL = do not cache the answer. */
void query_resolve_node_id(osmd *d, dsession *s, ipc_request *req, json_t *params, char *cache_key);

/* Subscription methods (daemon_query_subs.c) and history reads
 * (daemon_query_history.c), for query and (tagged) invoke. Each returns
 * false when method is not one of its own; otherwise it answers req, now
 * or from a completion callback, and keeps no reference to params. */
bool query_subs_run(osmd *d, dsession *s, ipc_request *req, const char *method, json_t *params,
                    bool tagged);
bool query_history_run(osmd *d, dsession *s, ipc_request *req, const char *method, json_t *params,
                       bool tagged);
/** Replies data (taken; NULL = null) as a query answer, or for invoke
 *  wrapped as {"data": data} (ipc-protocol.md §3.7). */
void reply_data(ipc_request *req, json_t *data, bool tagged);

#endif
