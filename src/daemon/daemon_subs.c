/* The per-session subscription registry (daemon_subs.h): a list of
 * subscriptions, each with a growable array of monitored items. Pure
 * bookkeeping, no I/O; the query methods keep it in step with the server's
 * answers. */
#include <stdlib.h>
#include <string.h>

#include "daemon_subs.h"
#include "ua_statuscodes.h"

/* A keep-alive answer may come a little after the period: network and
 * server scheduling. */
#define PUBLISH_MARGIN_MS 2000.0

void dsubs_init(dsubs *r)
{
    memset(r, 0, sizeof(*r));
}

static void item_clear(dsub_item *it)
{
    ua_clear(&it->node_id, UA_BUILTIN(UA_KIND_NODEID));
    if (it->create)
        ua_delete(it->create, UA_TYPE_MONITOREDITEMCREATEREQUEST);
    it->create = NULL;
}

static void sub_free(dsub *s)
{
    for (size_t i = 0; i < s->n_items; i++)
        item_clear(&s->items[i]);
    free(s->items);
    free(s);
}

void dsubs_clear(dsubs *r)
{
    dsub *s = r->head;
    while (s) {
        dsub *next = s->next;
        sub_free(s);
        s = next;
    }
    memset(r, 0, sizeof(*r));
}

dsub *dsubs_find(dsubs *r, uint32_t id)
{
    for (dsub *s = r->head; s; s = s->next)
        if (s->id == id)
            return s;
    return NULL;
}

dsub *dsubs_add(dsubs *r, uint32_t id, double publishing_interval, uint32_t lifetime_count,
                uint32_t max_keepalive_count)
{
    dsub *s = dsubs_find(r, id);
    if (!s) {
        s = calloc(1, sizeof(*s));
        if (!s)
            return NULL;
        s->id = id;
        dsub **tail = &r->head;
        while (*tail)
            tail = &(*tail)->next;
        *tail = s;
        r->count++;
    }
    s->publishing_interval = publishing_interval;
    s->lifetime_count = lifetime_count;
    s->max_keepalive_count = max_keepalive_count;
    return s;
}

bool dsubs_remove(dsubs *r, uint32_t id)
{
    for (dsub **p = &r->head; *p; p = &(*p)->next) {
        if ((*p)->id != id)
            continue;
        dsub *s = *p;
        *p = s->next;
        r->count--;
        sub_free(s);
        return true;
    }
    return false;
}

int dsub_add_item(dsub *s, uint32_t monitored_item_id, uint32_t client_handle,
                  const ua_NodeId *node_id, uint32_t attribute_id, bool is_event)
{
    dsub_item *it = dsub_find_item(s, monitored_item_id);
    if (!it) {
        if (s->n_items == s->cap) {
            size_t cap = s->cap ? s->cap * 2 : 4;
            dsub_item *items = realloc(s->items, cap * sizeof(*items));
            if (!items)
                return -1;
            s->items = items;
            s->cap = cap;
        }
        it = &s->items[s->n_items];
        memset(it, 0, sizeof(*it));
        if (ua_copy(node_id, &it->node_id, UA_BUILTIN(UA_KIND_NODEID)) != UA_STATUS_GOOD)
            return -1;
        s->n_items++;
    } else {
        ua_NodeId copy;
        if (ua_copy(node_id, &copy, UA_BUILTIN(UA_KIND_NODEID)) != UA_STATUS_GOOD)
            return -1;
        ua_clear(&it->node_id, UA_BUILTIN(UA_KIND_NODEID));
        it->node_id = copy;
    }
    it->monitored_item_id = monitored_item_id;
    it->client_handle = client_handle;
    it->attribute_id = attribute_id;
    it->is_event = is_event;
    return 0;
}

dsub_item *dsub_find_item(dsub *s, uint32_t monitored_item_id)
{
    for (size_t i = 0; i < s->n_items; i++)
        if (s->items[i].monitored_item_id == monitored_item_id)
            return &s->items[i];
    return NULL;
}

bool dsub_remove_item(dsub *s, uint32_t monitored_item_id)
{
    dsub_item *it = dsub_find_item(s, monitored_item_id);
    if (!it)
        return false;
    item_clear(it);
    size_t i = (size_t)(it - s->items);
    memmove(&s->items[i], &s->items[i + 1], (s->n_items - i - 1) * sizeof(*it));
    s->n_items--;
    return true;
}

dsub_item *dsub_find_handle(dsub *s, uint32_t client_handle)
{
    for (size_t i = 0; i < s->n_items; i++)
        if (s->items[i].client_handle == client_handle)
            return &s->items[i];
    return NULL;
}

int dsub_item_keep_request(dsub_item *it, const ua_MonitoredItemCreateRequest *r)
{
    ua_MonitoredItemCreateRequest *copy = ua_new(UA_TYPE_MONITOREDITEMCREATEREQUEST);
    if (!copy || ua_copy(r, copy, UA_TYPE_MONITOREDITEMCREATEREQUEST) != UA_STATUS_GOOD) {
        if (copy)
            ua_delete(copy, UA_TYPE_MONITOREDITEMCREATEREQUEST);
        return -1;
    }
    if (it->create)
        ua_delete(it->create, UA_TYPE_MONITOREDITEMCREATEREQUEST);
    it->create = copy;
    return 0;
}

double dsubs_min_interval(const dsubs *r)
{
    double min = 0;
    for (const dsub *s = r->head; s; s = s->next)
        if (s->publishing_interval > 0 && (min == 0 || s->publishing_interval < min))
            min = s->publishing_interval;
    return min;
}

uint32_t dsubs_publish_timeout_ms(const dsubs *r, uint32_t base_ms)
{
    double longest = 0;
    for (const dsub *s = r->head; s; s = s->next) {
        double period = s->publishing_interval * (double)s->max_keepalive_count;
        if (period > longest)
            longest = period;
    }
    double t = longest > 0 ? longest + PUBLISH_MARGIN_MS : 0;
    if (t < base_ms)
        t = base_ms;
    if (t < DSUBS_PUBLISH_TIMEOUT_MIN_MS)
        t = DSUBS_PUBLISH_TIMEOUT_MIN_MS;
    if (t > DSUBS_PUBLISH_TIMEOUT_MAX_MS)
        t = DSUBS_PUBLISH_TIMEOUT_MAX_MS;
    return (uint32_t)t;
}
