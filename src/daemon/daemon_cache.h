/* The daemon's result cache (daemon.md §12): one cache shared by every
 * session, keys namespaced by a hash of the endpoint URL, entries valid
 * for --cache-ttl seconds. Drivers: memory (bounded in entries), file (a
 * directory that survives restarts: one file per entry, written
 * atomically) and none (nothing is cached; unlike the reference, whose
 * "none" still caches per client). Cached: browse, browseAll,
 * resolveNodeId, getEndpoints and, with readMetadataCache, reads of
 * attributes other than Value. */
#ifndef DAEMON_CACHE_H
#define DAEMON_CACHE_H

#include <jansson.h>

#include "daemon_config.h"

typedef struct dcache dcache;

#define DCACHE_MAX_ENTRIES 8192 /* memory driver: oldest entries go first */

/** Returns a cache, or NULL when the driver is none or out of memory. The
 *  file driver creates its directory (0700) if missing; on failure err
 *  says why and NULL is returned with *failed set. */
dcache *dcache_new(enum daemon_cache_driver driver, const char *path, double ttl_s, char *err,
                   size_t errlen, int *failed);
void dcache_free(dcache *c);

/** Builds the key of one cached call: endpoint hash, method, node (its
 *  JSON text, may be NULL) and the remaining parameters (JSON text, may be
 *  NULL). Returns owned (free()), NULL when out of memory. */
char *dcache_key(const char *endpoint_url, const char *method, const json_t *node,
                 const json_t *rest);

/** Returns a new reference to the cached value, or NULL (miss or expired).
 *  c may be NULL (driver none). */
json_t *dcache_get(dcache *c, const char *key);
/** Stores value (borrowed; a copy is kept) under key. */
void dcache_put(dcache *c, const char *key, const json_t *value);
/** Removes every entry whose node is node (invalidateCache). */
void dcache_invalidate_node(dcache *c, const json_t *node);
/** Removes everything (flushCache). */
void dcache_flush(dcache *c);
/** Removes every entry of endpoint_url (its server changed its namespace
 *  order: answers keyed or holding namespace indexes are stale). Returns
 *  how many entries were removed. c may be NULL. */
size_t dcache_drop_endpoint(dcache *c, const char *endpoint_url);

#endif
