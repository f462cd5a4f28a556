/* write / writeMulti (query-methods.md #11, #12) and the per-session cache
 * of detected write types. Without a type, the daemon reads the node's
 * DataType, ValueRank and Value once, keeps the built-in type and value
 * rank it found (daemon.md §12: write-type detection results are cached)
 * and converts the JSON value to exactly that type (wire_to_variant_typed),
 * so a value that does not fit is refused before anything is sent. */
#ifndef DAEMON_WRITE_H
#define DAEMON_WRITE_H

#include <jansson.h>
#include <stdbool.h>

#include "ua_types.h"

struct osmd;
struct dsession;
struct ipc_request;

/* Detected write types kept per session; oldest entries go first. */
#define DWRITE_MAX_TYPES 4096

typedef struct dwrite_cache dwrite_cache;

/** write [nodeId, value, type = null] and writeMulti [writeItems]: answers
 *  req (now or from a completion callback) with the Write StatusCode(s),
 *  for invoke wrapped as {"data": ...} when tagged. Keeps no reference to
 *  params after it returns. */
void query_write(struct osmd *d, struct dsession *s, struct ipc_request *req, const char *method,
                 json_t *params, bool tagged);

/** invalidateCache: forgets the detected type of node in every session. */
void dwrite_forget_node(struct osmd *d, const ua_NodeId *node);
/** flushCache: forgets every detected type of every session. */
void dwrite_forget_all(struct osmd *d);
/** Frees a session's cache (NULL is fine). */
void dwrite_cache_free(dwrite_cache *c);

#endif
