/* Private to daemon_write.c and daemon_write_cache.c: what a write needs to
 * know about its target to convert the value, and the per-session cache
 * of it. */
#ifndef DAEMON_WRITE_INT_H
#define DAEMON_WRITE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon_write.h"

struct osmd;
struct dsession;

/* How to convert a written value. */
typedef struct wtype {
    unsigned kind;       /* built-in type 1..25 */
    int32_t rank;        /* ValueRank as wire_to_variant_typed takes it */
    ua_NodeId data_type; /* the node's DataType attribute, null when not read */
    ua_NodeId value_enc; /* encoding id of the ExtensionObject it held, or null */
    bool from_value;     /* kind is the current value's: the DataType is abstract */
} wtype;

void wtype_clear(wtype *t);
/** Deep copy into the uninitialised *dst. 0, or -1 when out of memory
 *  (dst cleared). */
int wtype_copy(const wtype *src, wtype *dst);

/** True, with a copy in the uninitialised *out, when s knows node's type
 *  and it is still valid (within --cache-ttl, same connection). */
bool dwrite_cache_get(const struct osmd *d, struct dsession *s, const ua_NodeId *node, wtype *out);
/** Remembers t (copied) as node's type in s. No-op when the daemon caches
 *  nothing (--cache-driver none, --cache-ttl 0) or when out of memory. */
void dwrite_cache_put(const struct osmd *d, struct dsession *s, const ua_NodeId *node,
                      const wtype *t);

/** readMetadataCache (query-methods.md #9): node's type from the cached
 *  DataType and ValueRank reads of `read`, when both are there and settle
 *  it without the value. *t is zeroed; filled on true. */
bool dwrite_meta_get(struct osmd *d, const struct dsession *s, const ua_NodeId *node, wtype *t);
/** Stores the Good ones of node's DataType (dt) and ValueRank (vr) reads
 *  as `read` caches them (no-op without readMetadataCache). */
void dwrite_meta_put(struct osmd *d, const struct dsession *s, const ua_NodeId *node,
                     const ua_DataValue *dt, const ua_DataValue *vr);

/** The built-in type of values of DataType dt (discovered types of s
 *  included); 0 when the node's value has to tell (abstract or unknown). */
unsigned dwrite_kind_of_datatype(const struct dsession *s, const ua_NodeId *dt);
/** A node's ValueRank as wire_to_variant_typed takes it. */
int32_t dwrite_rank_of(int32_t value_rank);

#endif
