/* Namespace URIs of a session: NodeIds given as "nsu" (our extension of
 * the wire format) are resolved through the NamespaceArray the session's
 * client reads at every (re)connect. When a reconnect finds the array
 * changed (the server restarted with another namespace order), what was
 * kept under namespace indexes is dropped or remapped. Nothing here talks
 * to the server. */
#include <string.h>

#include "daemon_int.h"
#include "daemon_types.h"
#include "daemon_write.h"
#include "util/log.h"

const wire_namespaces *dns_use(const dsession *s, wire_namespaces *t)
{
    t->uris = s && s->client ? ua_client_namespaces(s->client, &t->n) : NULL;
    if (!t->uris)
        t->n = 0;
    return wire_namespaces_use(t->uris ? t : NULL);
}

void dns_bind(const dsession *s, wire_namespaces *t, wire_error *err)
{
    t->uris = s && s->client ? ua_client_namespaces(s->client, &t->n) : NULL;
    err->namespaces = t->uris ? t : NULL;
}

/* Index of uri in arr[0..n), or -1. */
static long find_uri(const ua_String *uri, const ua_String *arr, size_t n)
{
    for (size_t i = 0; i < n && i <= UINT16_MAX; i++)
        if (ua_string_equal(uri, &arr[i]))
            return (long)i;
    return -1;
}

/* Moves *ns from the old table to the new one by its URI. Returns false
 * when the URI is gone from the new table (*ns is then left alone). */
static bool remap(uint16_t *ns, const ua_String *old, size_t old_n, const ua_String *now, size_t n)
{
    if (*ns == 0 || *ns >= old_n)
        return true;
    long i = find_uri(&old[*ns], now, n);
    if (i < 0)
        return false;
    *ns = (uint16_t)i;
    return true;
}

/* The monitored items of the registry are re-created from it after a
 * server restart: keep them on the same nodes. */
static void remap_subs(dsession *s, const ua_String *old, size_t old_n, const ua_String *now,
                       size_t n, size_t *moved, size_t *lost)
{
    for (dsub *sub = s->subs.head; sub; sub = sub->next) {
        for (size_t i = 0; i < sub->n_items; i++) {
            dsub_item *it = &sub->items[i];
            uint16_t before = it->node_id.ns;
            if (!remap(&it->node_id.ns, old, old_n, now, n))
                (*lost)++;
            else if (it->node_id.ns != before)
                (*moved)++;
            if (it->create)
                remap(&it->create->itemToMonitor.nodeId.ns, old, old_n, now, n);
        }
    }
}

static void on_namespaces(ua_client *c, const ua_String *old, size_t old_n, void *ud)
{
    osmd *d = ud;
    dsession *s = d->head;
    while (s && s->client != c)
        s = s->next;
    if (!s)
        return; /* still opening or retiring: nothing kept yet */
    size_t n;
    const ua_String *now = ua_client_namespaces(c, &n);
    size_t moved = 0, lost = 0;
    remap_subs(s, old, old_n, now, n, &moved, &lost);
    size_t dropped = dcache_drop_endpoint(d->cache, s->endpoint_url);
    bool had_types = s->types != NULL;
    /* Queued requests may still point into the old types: keep them until
     * the next change or the end of the session. */
    dtypes_free(s->old_types);
    s->old_types = s->types;
    s->types = NULL;
    dwrite_cache_free(s->writes); /* detected write types, keyed by NodeId */
    s->writes = NULL;
    log_info("Session %s: the server's NamespaceArray changed (%zu -> %zu entries): dropped "
             "%zu cached answers, the session's detected write types%s; %zu monitored "
             "item(s) moved to the new namespace indexes",
             s->id, old_n, n, dropped, had_types ? " and discovered data types" : "", moved);
    if (lost)
        log_warning("Session %s: %zu monitored item(s) are in namespaces the server no longer "
                    "has",
                    s->id, lost);
}

void dns_watch(osmd *d, dsession *s)
{
    if (s->client)
        ua_client_set_namespaces_cb(s->client, on_namespaces, d);
}
