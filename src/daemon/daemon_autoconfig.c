/* Parser of the --config file (daemon_autoconfig.h): daemon.md §8's
 * auto-connect map, checked strictly, every error naming where it is. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_autoconfig.h"
#include "ua_statuscodes.h"
#include "ua_text.h"
#include "ua_types.h"
#include "wire.h"

#define NAME_MAX_LEN 128

typedef struct perr {
    char *buf;
    size_t len;
} perr;

static int fail(perr *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->buf, e->len, fmt, ap);
    va_end(ap);
    return -1;
}

/* Rejects members of o not in allowed (NULL-terminated). */
static int only_keys(perr *e, const json_t *o, const char *where, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)o, key, v)
    {
        const char *const *a = allowed;
        while (*a && strcmp(*a, key) != 0)
            a++;
        if (!*a)
            return fail(e, "%s: unknown key \"%s\"", where, key);
    }
    return 0;
}

static int get_u32(perr *e, const json_t *o, const char *where, const char *key, uint32_t def,
                   uint32_t max, uint32_t *out)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        *out = def;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > (json_int_t)max)
        return fail(e, "%s: \"%s\" must be an integer in 0..%lu", where, key, (unsigned long)max);
    *out = (uint32_t)json_integer_value(v);
    return 0;
}

static int get_double(perr *e, const json_t *o, const char *where, const char *key, double def,
                      double *out)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        *out = def;
        return 0;
    }
    if (!json_is_number(v) || json_number_value(v) < 0)
        return fail(e, "%s: \"%s\" must be a number >= 0", where, key);
    *out = json_number_value(v);
    return 0;
}

static int get_node(perr *e, const json_t *o, const char *where, json_t **out)
{
    json_t *v = json_object_get(o, "node_id");
    if (!json_is_string(v))
        return fail(e,
                    "%s: \"node_id\" (a NodeId string such as \"ns=1;s=Sim.Counter\") is "
                    "required",
                    where);
    if (strncmp(json_string_value(v), "nsu=", 4) == 0) {
        /* {"nsu", "id", "type"}: resolved by the session at each use. */
        json_t *t = json_pack("{s:s,s:O}", "__t", "NodeId", "v", v);
        wire_error err;
        wire_error_init(&err, NULL);
        *out = t ? wire_tagged_to_query(t, &err, 0) : NULL;
        json_decref(t);
        return *out ? 0
                    : fail(e, "%s: \"node_id\" is not a valid NodeId: %s", where,
                           json_string_value(v));
    }
    ua_NodeId id;
    if (ua_nodeid_parse(&id, json_string_value(v), json_string_length(v)) != UA_STATUS_GOOD)
        return fail(e, "%s: \"node_id\" is not a valid NodeId: %s", where, json_string_value(v));
    *out = wire_from_nodeid(&id);
    ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
    return *out ? 0 : fail(e, "%s: out of memory", where);
}

static int parse_item(perr *e, const json_t *j, const char *where, dac_item *it)
{
    static const char *const keys[] = {"node_id",    "attribute_id",  "sampling_interval",
                                       "queue_size", "client_handle", NULL};
    if (!json_is_object(j))
        return fail(e, "%s: must be an object", where);
    if (only_keys(e, j, where, keys) || get_node(e, j, where, &it->node_id) ||
        get_u32(e, j, where, "attribute_id", 13, 27, &it->attribute_id) ||
        get_double(e, j, where, "sampling_interval", 250.0, &it->sampling_interval) ||
        get_u32(e, j, where, "queue_size", 1, UINT32_MAX, &it->queue_size) ||
        get_u32(e, j, where, "client_handle", 0, UINT32_MAX, &it->client_handle))
        return -1;
    return 0;
}

static int parse_event(perr *e, const json_t *j, const char *where, dac_event_item *ev)
{
    static const char *const keys[] = {"node_id", "select_fields", "client_handle", NULL};
    if (!json_is_object(j))
        return fail(e, "%s: must be an object", where);
    if (only_keys(e, j, where, keys) || get_node(e, j, where, &ev->node_id) ||
        get_u32(e, j, where, "client_handle", 1, UINT32_MAX, &ev->client_handle))
        return -1;
    json_t *f = json_object_get(j, "select_fields");
    if (!f)
        return 0;
    size_t i;
    json_t *v;
    bool strings = json_is_array(f) && json_array_size(f) > 0;
    json_array_foreach(f, i, v) strings = strings && json_is_string(v) && json_string_length(v);
    if (!strings)
        return fail(e, "%s: \"select_fields\" must be a non-empty array of field names", where);
    ev->select_fields = json_deep_copy(f);
    return 0;
}

/* Parses an optional array member into n elements of size sz. */
typedef int (*elem_fn)(perr *e, const json_t *j, const char *where, void *out);

static int parse_array(perr *e, const json_t *o, const char *key, const char *where, size_t sz,
                       elem_fn fn, void **out, size_t *n)
{
    json_t *a = json_object_get(o, key);
    *out = NULL;
    *n = 0;
    if (!a)
        return 0;
    if (!json_is_array(a))
        return fail(e, "%s: \"%s\" must be an array", where, key);
    if (json_array_size(a) == 0)
        return 0;
    *out = calloc(json_array_size(a), sz);
    if (!*out)
        return fail(e, "%s: out of memory", where);
    for (size_t i = 0; i < json_array_size(a); i++) {
        char w[512];
        /* a place in the file for messages: a long one is cut, never overrun */
        if (snprintf(w, sizeof(w), "%.300s.%.64s[%zu]", where, key, i) < 0)
            w[0] = 0;
        (*n)++;
        if (fn(e, json_array_get(a, i), w, (char *)*out + i * sz) != 0)
            return -1;
    }
    return 0;
}

static int item_fn(perr *e, const json_t *j, const char *w, void *out)
{
    return parse_item(e, j, w, out);
}

static int event_fn(perr *e, const json_t *j, const char *w, void *out)
{
    return parse_event(e, j, w, out);
}

static int parse_sub(perr *e, const json_t *j, const char *where, void *out)
{
    static const char *const keys[] = {"publishing_interval",
                                       "lifetime_count",
                                       "max_keep_alive_count",
                                       "max_notifications_per_publish",
                                       "priority",
                                       "monitored_items",
                                       "event_monitored_items",
                                       NULL};
    dac_sub *s = out;
    if (!json_is_object(j))
        return fail(e, "%s: must be an object", where);
    if (only_keys(e, j, where, keys) ||
        get_double(e, j, where, "publishing_interval", 500.0, &s->publishing_interval) ||
        get_u32(e, j, where, "lifetime_count", 2400, UINT32_MAX, &s->lifetime_count) ||
        get_u32(e, j, where, "max_keep_alive_count", 10, UINT32_MAX, &s->max_keep_alive_count) ||
        get_u32(e, j, where, "max_notifications_per_publish", 0, UINT32_MAX,
                &s->max_notifications_per_publish) ||
        get_u32(e, j, where, "priority", 0, 255, &s->priority))
        return -1;
    if (parse_array(e, j, "monitored_items", where, sizeof(dac_item), item_fn, (void **)&s->items,
                    &s->n_items) ||
        parse_array(e, j, "event_monitored_items", where, sizeof(dac_event_item), event_fn,
                    (void **)&s->events, &s->n_events))
        return -1;
    return 0;
}

/* A name that looks like a session id would shadow one. */
static bool looks_like_id(const char *name)
{
    size_t n = 0;
    for (; name[n]; n++)
        if (!((name[n] >= '0' && name[n] <= '9') || (name[n] >= 'a' && name[n] <= 'f')))
            return false;
    return n == 32;
}

static int parse_conn(perr *e, const char *name, const json_t *j, dac_conn *c)
{
    static const char *const keys[] = {"endpoint", "config", "subscriptions", NULL};
    char where[NAME_MAX_LEN + 16];
    snprintf(where, sizeof(where), "\"%s\"", name);
    if (!*name || strlen(name) > NAME_MAX_LEN || looks_like_id(name) || strcmp(name, "*") == 0)
        return fail(e,
                    "connection name %s: must be 1..%d characters, not \"*\" and not a "
                    "32-digit hex session id",
                    where, NAME_MAX_LEN);
    if (!(c->name = strdup(name)))
        return fail(e, "out of memory");
    if (!json_is_object(j))
        return fail(e, "%s: must be an object", where);
    if (only_keys(e, j, where, keys))
        return -1;
    json_t *ep = json_object_get(j, "endpoint");
    if (!json_is_string(ep) || json_string_length(ep) == 0)
        return fail(e, "%s: \"endpoint\" (opc.tcp://...) is required", where);
    c->endpoint = strdup(json_string_value(ep));
    json_t *cfg = json_object_get(j, "config");
    if (cfg && !json_is_object(cfg))
        return fail(e, "%s: \"config\" must be an object (the open command's config)", where);
    c->config = cfg ? json_deep_copy(cfg) : json_object();
    if (!c->endpoint || !c->config)
        return fail(e, "out of memory");
    return parse_array(e, j, "subscriptions", where, sizeof(dac_sub), parse_sub, (void **)&c->subs,
                       &c->n_subs);
}

int dac_parse(const json_t *root, dac_list *out, char *err, size_t errlen)
{
    perr e = {err, errlen};
    memset(out, 0, sizeof(*out));
    if (!json_is_object(root))
        return fail(&e, "the top level must be an object of named connections");
    out->conns = calloc(json_object_size(root) ? json_object_size(root) : 1, sizeof(dac_conn));
    if (!out->conns)
        return fail(&e, "out of memory");
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)root, name, v)
    {
        out->n++;
        if (parse_conn(&e, name, v, &out->conns[out->n - 1]) != 0) {
            dac_list_clear(out);
            return -1;
        }
    }
    return 0;
}

int dac_load(const char *path, dac_list *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        return -1;
    }
    char inner[768];
    int rc = dac_parse(root, out, inner, sizeof(inner));
    json_decref(root);
    if (rc != 0)
        snprintf(err, errlen, "%s: %s", path, inner);
    return rc;
}

static void sub_clear(dac_sub *s)
{
    for (size_t i = 0; i < s->n_items; i++)
        json_decref(s->items[i].node_id);
    for (size_t i = 0; i < s->n_events; i++) {
        json_decref(s->events[i].node_id);
        json_decref(s->events[i].select_fields);
    }
    free(s->items);
    free(s->events);
}

void dac_list_clear(dac_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        dac_conn *c = &l->conns[i];
        free(c->name);
        free(c->endpoint);
        json_decref(c->config);
        for (size_t k = 0; k < c->n_subs; k++)
            sub_clear(&c->subs[k]);
        free(c->subs);
    }
    free(l->conns);
    memset(l, 0, sizeof(*l));
}
