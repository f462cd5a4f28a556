/* What the daemon knows of write targets (daemon_write.h): the per-session
 * cache of detected write types, the DataType/ValueRank entries of the
 * result cache (readMetadataCache) and the meaning of a DataType. Entries
 * sit in insertion order with a NodeId index; at DWRITE_MAX_TYPES the
 * oldest quarter goes. An entry lives --cache-ttl seconds and only as long
 * as the connection it was read on: after any reconnect the server may be
 * another one (a restart, a redeployed address space), so the whole cache
 * is dropped. --cache-driver none caches nothing, as for the result cache. */
#include <stdlib.h>
#include <string.h>

#include "daemon_int.h"
#include "daemon_types.h"
#include "daemon_write_int.h"
#include "ua_datatype.h"
#include "ua_dyntype.h"
#include "ua_nodeids.h"
#include "ua_statuscodes.h"
#include "wire.h"

typedef struct wentry {
    ua_NodeId node;
    wtype t;
    double expires;
    bool live; /* false once forgotten; the slot goes at the next compaction */
} wentry;

struct dwrite_cache {
    wentry *e; /* oldest first */
    size_t n, cap;
    ua_nodemap index;    /* node -> position in e */
    uint32_t reconnects; /* the client's reconnect count the entries belong to */
};

void wtype_clear(wtype *t)
{
    ua_clear(&t->data_type, UA_BUILTIN(UA_KIND_NODEID));
    ua_clear(&t->value_enc, UA_BUILTIN(UA_KIND_NODEID));
    memset(t, 0, sizeof(*t));
}

int wtype_copy(const wtype *src, wtype *dst)
{
    memset(dst, 0, sizeof(*dst));
    dst->kind = src->kind;
    dst->rank = src->rank;
    dst->from_value = src->from_value;
    if (ua_copy(&src->data_type, &dst->data_type, UA_BUILTIN(UA_KIND_NODEID)) != UA_STATUS_GOOD ||
        ua_copy(&src->value_enc, &dst->value_enc, UA_BUILTIN(UA_KIND_NODEID)) != UA_STATUS_GOOD) {
        wtype_clear(dst);
        return -1;
    }
    return 0;
}

static void entries_clear(dwrite_cache *c, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        ua_clear(&c->e[i].node, UA_BUILTIN(UA_KIND_NODEID));
        wtype_clear(&c->e[i].t);
    }
}

static void flush(dwrite_cache *c)
{
    entries_clear(c, 0, c->n);
    c->n = 0;
    ua_nodemap_clear(&c->index);
}

void dwrite_cache_free(dwrite_cache *c)
{
    if (!c)
        return;
    flush(c);
    free(c->e);
    free(c);
}

/* s's cache, NULL when the daemon caches nothing (or, with create, when
 * out of memory). Drops what an earlier connection left. */
static dwrite_cache *cache_of(const osmd *d, dsession *s, bool create)
{
    if (!d->cache || d->cfg.cache_ttl_s <= 0)
        return NULL;
    if (!s->writes && create)
        s->writes = calloc(1, sizeof(*s->writes));
    dwrite_cache *c = s->writes;
    if (c && s->client && c->reconnects != ua_client_reconnects(s->client)) {
        flush(c);
        c->reconnects = ua_client_reconnects(s->client);
    }
    return c;
}

bool dwrite_cache_get(const osmd *d, dsession *s, const ua_NodeId *node, wtype *out)
{
    dwrite_cache *c = cache_of(d, s, false);
    size_t i;
    if (!c || !ua_nodemap_get(&c->index, node, &i) || i >= c->n || !c->e[i].live)
        return false;
    if (c->e[i].expires < daemon_now()) {
        c->e[i].live = false;
        return false;
    }
    return wtype_copy(&c->e[i].t, out) == 0;
}

/* Keeps the live entries after the oldest quarter and rebuilds the index.
 * Returns -1 when out of memory (the cache is then empty). */
static int compact(dwrite_cache *c)
{
    size_t keep = 0, drop = c->n >= DWRITE_MAX_TYPES ? DWRITE_MAX_TYPES / 4 : 0;
    entries_clear(c, 0, drop);
    for (size_t i = drop; i < c->n; i++) {
        if (c->e[i].live) {
            c->e[keep++] = c->e[i];
            continue;
        }
        entries_clear(c, i, i + 1);
    }
    c->n = keep;
    ua_nodemap_clear(&c->index);
    for (size_t i = 0; i < c->n; i++) {
        if (ua_nodemap_put(&c->index, &c->e[i].node, i) != UA_STATUS_GOOD) {
            flush(c);
            return -1;
        }
    }
    return 0;
}

static wentry *slot_for(dwrite_cache *c, const ua_NodeId *node)
{
    size_t i;
    if (ua_nodemap_get(&c->index, node, &i) && i < c->n) {
        wtype_clear(&c->e[i].t);
        return &c->e[i];
    }
    if (c->n == c->cap && c->cap < DWRITE_MAX_TYPES) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        if (cap > DWRITE_MAX_TYPES)
            cap = DWRITE_MAX_TYPES;
        wentry *grown = realloc(c->e, cap * sizeof(*grown));
        if (!grown)
            return NULL;
        c->e = grown;
        c->cap = cap;
    }
    if (c->n == c->cap && compact(c) != 0)
        return NULL;
    wentry *e = &c->e[c->n];
    memset(e, 0, sizeof(*e));
    if (ua_copy(node, &e->node, UA_BUILTIN(UA_KIND_NODEID)) != UA_STATUS_GOOD)
        return NULL;
    if (ua_nodemap_put(&c->index, node, c->n) != UA_STATUS_GOOD) {
        ua_clear(&e->node, UA_BUILTIN(UA_KIND_NODEID));
        return NULL;
    }
    c->n++;
    return e;
}

void dwrite_cache_put(const osmd *d, dsession *s, const ua_NodeId *node, const wtype *t)
{
    dwrite_cache *c = cache_of(d, s, true);
    wentry *e = c ? slot_for(c, node) : NULL;
    if (!e)
        return;
    e->live = wtype_copy(t, &e->t) == 0;
    e->expires = daemon_now() + d->cfg.cache_ttl_s;
}

void dwrite_forget_node(osmd *d, const ua_NodeId *node)
{
    for (dsession *s = d->head; s; s = s->next) {
        size_t i;
        if (s->writes && ua_nodemap_get(&s->writes->index, node, &i) && i < s->writes->n)
            s->writes->e[i].live = false;
    }
}

void dwrite_forget_all(osmd *d)
{
    for (dsession *s = d->head; s; s = s->next)
        if (s->writes)
            flush(s->writes);
}

/* ---- what a DataType means ------------------------------------------------------ */

int32_t dwrite_rank_of(int32_t value_rank)
{
    return value_rank < WIRE_RANK_SCALAR_OR_ONE_DIM ? WIRE_RANK_ANY : value_rank;
}

unsigned dwrite_kind_of_datatype(const dsession *s, const ua_NodeId *dt)
{
    unsigned kind = ua_datatype_builtin(dt);
    if (kind == UA_KIND_VARIANT)
        return 0; /* abstract: BaseDataType, Number, Integer, UInteger */
    const ua_dyntypes *reg = s && s->types ? s->types->reg : NULL;
    const ua_type *t = kind || !reg ? NULL : ua_dyntypes_by_type_id(reg, dt);
    if (t) /* a discovered type */
        kind = t->kind == UA_KIND_ENUM             ? UA_KIND_INT32
               : t->kind <= UA_KIND_DIAGNOSTICINFO ? t->kind
                                                   : UA_KIND_EXTENSIONOBJECT;
    return kind;
}

/* ---- readMetadataCache: DataType and ValueRank as `read` caches them ------------ */

static char *meta_key(const dsession *s, const ua_NodeId *node, uint32_t attr)
{
    json_t *n = wire_from_nodeid(node);
    json_t *rest = json_array();
    json_array_append_new(rest, json_integer(attr));
    char *key = n ? dcache_key(s->endpoint_url, "read", n, rest) : NULL;
    json_decref(n);
    json_decref(rest);
    return key;
}

static bool meta_on(const osmd *d, const dsession *s)
{
    return d->cache && s->settings.read_metadata_cache;
}

bool dwrite_meta_get(osmd *d, const dsession *s, const ua_NodeId *node, wtype *t)
{
    if (!meta_on(d, s))
        return false;
    char *k1 = meta_key(s, node, UA_ATTRIBUTEID_DATATYPE);
    char *k2 = meta_key(s, node, UA_ATTRIBUTEID_VALUERANK);
    json_t *dt = k1 ? dcache_get(d->cache, k1) : NULL;
    json_t *vr = dt && k2 ? dcache_get(d->cache, k2) : NULL;
    free(k1);
    free(k2);
    bool ok = false;
    json_t *rank = json_object_get(vr, "value");
    wire_error err;
    wire_error_init(&err, NULL);
    if (json_integer_value(json_object_get(dt, "statusCode")) == 0 &&
        json_integer_value(json_object_get(vr, "statusCode")) == 0 && json_is_integer(rank) &&
        wire_to_nodeid(json_object_get(dt, "value"), &t->data_type, &err) == 0) {
        t->kind = dwrite_kind_of_datatype(s, &t->data_type);
        t->rank = dwrite_rank_of((int32_t)json_integer_value(rank));
        /* A namespace-0 structure type may be abstract (Structure, Union):
         * then the value says which structure the node holds. */
        ok = t->kind && (t->kind != UA_KIND_EXTENSIONOBJECT || t->data_type.ns != 0);
    }
    json_decref(dt);
    json_decref(vr);
    if (!ok)
        wtype_clear(t);
    return ok;
}

void dwrite_meta_put(osmd *d, const dsession *s, const ua_NodeId *node, const ua_DataValue *dt,
                     const ua_DataValue *vr)
{
    const ua_DataValue *dv[] = {dt, vr};
    const uint32_t attr[] = {UA_ATTRIBUTEID_DATATYPE, UA_ATTRIBUTEID_VALUERANK};
    for (size_t a = 0; meta_on(d, s) && a < 2; a++) {
        if (!UA_STATUS_IS_GOOD(dv[a]->status))
            continue;
        char *key = meta_key(s, node, attr[a]);
        json_t *j = key ? wire_from_data_value(dv[a]) : NULL;
        if (j)
            dcache_put(d->cache, key, j);
        json_decref(j);
        free(key);
    }
}
