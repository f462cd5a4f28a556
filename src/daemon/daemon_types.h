/* Per-session structure types discovered from the server
 * (discoverDataTypes, query-methods.md #34) and their use on the query
 * path: ExtensionObjects of those types are decoded into named fields in
 * read / call / publish results and encoded from such fields on write /
 * call; method arguments given as plain JSON are converted to the types of
 * the method's InputArguments (read once per method and session).
 * Discovery: daemon_types.c; use: daemon_types_use.c. The state hangs off
 * dsession.types (NULL until first needed). */
#ifndef DAEMON_TYPES_H
#define DAEMON_TYPES_H

#include <jansson.h>
#include <stdbool.h>

#include "ua_dyntype.h"
#include "wire.h"

struct osmd;
struct dsession;
struct ipc_request;

/* A method's InputArguments, as read from the server. */
typedef struct dsig {
    ua_NodeId method;
    ua_Argument *args; /* owned; NULL with n 0 when the method has none */
    size_t n;
} dsig;

#define DTYPES_MAX_SIGS 1024 /* method signatures kept per session */

typedef struct dtypes {
    ua_dyntypes *reg; /* discovered structures, NULL before discoverDataTypes */
    dsig *sigs;
    size_t nsigs;
    ua_nodemap sig_index; /* method NodeId -> index in sigs */
} dtypes;

/** s's state, created on first use; NULL when out of memory. */
dtypes *dtypes_of(struct dsession *s);

/** discoverDataTypes [namespaceIndex = null, useCache = true]: browses the
 *  DataType tree, reads the DataTypeDefinition (attribute 23) of every
 *  structure outside namespace 0 (the DataTypeDictionary for those without
 *  one, daemon_types_dict.h), builds the types and answers with the
 *  number registered (in namespaceIndex when given). With the cache on, the
 *  definitions are kept under the endpoint (useCache false refreshes). */
void query_discover_data_types(struct osmd *d, struct dsession *s, struct ipc_request *req,
                               json_t *params, bool tagged);

/** Frees a session's state (NULL is fine). */
void dtypes_free(dtypes *t);

/** Lets err's ExtensionObject decoding use s's types (no-op without). */
void dtypes_bind(const struct dsession *s, wire_error *err);

/** Decode the opaque bodies of s's types in place (no-op without types).
 *  The values then refer to s's registry: turn them into JSON before
 *  returning to the loop. */
void dtypes_resolve_data_values(const struct dsession *s, ua_DataValue *dvs, size_t n);
void dtypes_resolve_variants(const struct dsession *s, ua_Variant *vs, size_t n);
/** The same for the values and event fields of a publish message. */
void dtypes_resolve_notifications(const struct dsession *s, ua_NotificationMessage *m);

/** call with arguments that are not all Variant objects {"type", ...}:
 *  reads the method's InputArguments (once per session and method) and
 *  converts each plain JSON argument to its DataType and ValueRank, as
 *  write does (structures of discovered types from their fields). Returns
 *  false when every argument is a Variant object (the caller goes on as
 *  before); otherwise answers req itself, now or later. */
bool dtypes_call_typed(struct osmd *d, struct dsession *s, struct ipc_request *req, json_t *params,
                       bool tagged);

#endif
