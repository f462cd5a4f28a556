/* Auto-connect (daemon_autoconnect.h): each --config connection is a small
 * sequence of commands the daemon gives itself as local IPC requests
 * (ipc_request_local): open, then per subscription createSubscription,
 * createMonitoredItems and one createEventMonitoredItem per event item.
 * Going through daemon_dispatch keeps one code path for every rule of
 * `open` and `query`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_autoconfig.h"
#include "daemon_autoconnect.h"
#include "daemon_int.h"
#include "util/log.h"

enum step { STEP_OPEN, STEP_SUB, STEP_ITEMS, STEP_EVENT };

typedef struct run {
    osmd *d;
    const dac_conn *conn;
    uv_timer_t timer;
    uint32_t delay_ms; /* next retry */
    char sid[33];
    size_t sub_i, ev_i;
    json_int_t sub_id;
    enum step step;
} run;

typedef struct dautoconn {
    dac_list list;
    run *runs;
    bool stopped;
} dautoconn;

static void send_local(run *r, json_t *request);

/* ---- replies ------------------------------------------------------------ */

static const char *error_message(json_t *resp)
{
    json_t *e = json_object_get(resp, "error");
    json_t *m = json_object_get(e, "message");
    json_t *t = json_object_get(e, "type");
    if (json_is_string(m))
        return json_string_value(m);
    return json_is_string(t) ? json_string_value(t) : "unknown error";
}

static json_t *query(run *r, const char *method, json_t *params)
{
    json_t *q = json_object();
    json_object_set_new(q, "command", json_string("query"));
    json_object_set_new(q, "sessionId", json_string(r->sid));
    json_object_set_new(q, "method", json_string(method));
    json_object_set_new(q, "params", params);
    return q;
}

static void next_sub(run *r);

static void next_event(run *r)
{
    const dac_sub *sub = &r->conn->subs[r->sub_i];
    if (r->ev_i >= sub->n_events) {
        r->sub_i++;
        next_sub(r);
        return;
    }
    const dac_event_item *ev = &sub->events[r->ev_i];
    json_t *p = json_array();
    json_array_append_new(p, json_integer(r->sub_id));
    json_array_append(p, ev->node_id);
    json_array_append(p, ev->select_fields ? ev->select_fields : json_null());
    json_array_append_new(p, json_integer(ev->client_handle));
    r->step = STEP_EVENT;
    send_local(r, query(r, "createEventMonitoredItem", p));
}

static void send_items(run *r)
{
    const dac_sub *sub = &r->conn->subs[r->sub_i];
    json_t *items = json_array();
    for (size_t i = 0; i < sub->n_items; i++) {
        const dac_item *it = &sub->items[i];
        json_t *o = json_object();
        json_object_set(o, "nodeId", it->node_id);
        json_object_set_new(o, "attributeId", json_integer(it->attribute_id));
        json_object_set_new(o, "samplingInterval", json_real(it->sampling_interval));
        json_object_set_new(o, "queueSize", json_integer(it->queue_size));
        json_object_set_new(o, "clientHandle", json_integer(it->client_handle));
        json_array_append_new(items, o);
    }
    json_t *p = json_array();
    json_array_append_new(p, json_integer(r->sub_id));
    json_array_append_new(p, items);
    r->step = STEP_ITEMS;
    send_local(r, query(r, "createMonitoredItems", p));
}

static void next_sub(run *r)
{
    if (r->sub_i >= r->conn->n_subs) {
        if (r->conn->n_subs)
            log_info("Auto-connect \"%s\": %zu subscription(s) set up", r->conn->name,
                     r->conn->n_subs);
        return;
    }
    const dac_sub *s = &r->conn->subs[r->sub_i];
    json_t *p = json_array();
    json_array_append_new(p, json_real(s->publishing_interval));
    json_array_append_new(p, json_integer(s->lifetime_count));
    json_array_append_new(p, json_integer(s->max_keep_alive_count));
    json_array_append_new(p, json_integer(s->max_notifications_per_publish));
    json_array_append_new(p, json_true()); /* daemon.md §8: always enabled */
    json_array_append_new(p, json_integer(s->priority));
    r->step = STEP_SUB;
    r->ev_i = 0;
    send_local(r, query(r, "createSubscription", p));
}

static void on_tick(uv_timer_t *t);

static void retry_later(run *r, const char *why)
{
    r->delay_ms = r->delay_ms ? r->delay_ms * 2 : DAUTO_RETRY_MIN_MS;
    if (r->delay_ms > DAUTO_RETRY_MAX_MS)
        r->delay_ms = DAUTO_RETRY_MAX_MS;
    log_warning("Auto-connect failed for \"%s\" (%s): %s (retrying in %u s)", r->conn->name,
                r->conn->endpoint, why, (unsigned)(r->delay_ms / 1000));
    uv_timer_start(&r->timer, on_tick, r->delay_ms, 0);
}

static void opened(run *r, json_t *data)
{
    json_t *id = json_object_get(data, "sessionId");
    dsession *s = json_is_string(id) ? store_find(r->d, json_string_value(id)) : NULL;
    if (!s) {
        retry_later(r, "the session went away at once");
        return;
    }
    memcpy(r->sid, s->id, sizeof(r->sid));
    if (!s->name)
        s->name = strdup(r->conn->name);
    else if (strcmp(s->name, r->conn->name) != 0)
        log_warning("Auto-connect \"%s\" shares session %s with \"%s\" (same endpoint and config)",
                    r->conn->name, s->id, s->name);
    r->delay_ms = 0;
    log_info("Auto-connected \"%s\" (session: %s)", r->conn->name, s->id);
    r->sub_i = 0;
    next_sub(r);
}

static void on_reply(void *ud, json_t *resp)
{
    run *r = ud;
    dautoconn *a = r->d->autoconn;
    bool ok = json_is_true(json_object_get(resp, "success"));
    json_t *data = json_object_get(resp, "data");
    if (a->stopped || r->d->shutting_down) {
        json_decref(resp);
        return;
    }
    switch (r->step) {
    case STEP_OPEN:
        if (ok)
            opened(r, data);
        else
            retry_later(r, error_message(resp));
        break;
    case STEP_SUB:
        if (!ok) {
            log_warning("Auto-connect \"%s\": subscription %zu not created: %s", r->conn->name,
                        r->sub_i + 1, error_message(resp));
            r->sub_i++;
            next_sub(r);
            break;
        }
        r->sub_id = json_integer_value(json_object_get(data, "subscriptionId"));
        if (r->conn->subs[r->sub_i].n_items)
            send_items(r);
        else
            next_event(r);
        break;
    case STEP_ITEMS: {
        size_t i, good = 0;
        json_t *res;
        json_array_foreach(data, i, res) good +=
            json_integer_value(json_object_get(res, "statusCode")) == 0;
        if (!ok || good < r->conn->subs[r->sub_i].n_items)
            log_warning("Auto-connect \"%s\": %zu of %zu monitored item(s) created on "
                        "subscription %lld%s%s",
                        r->conn->name, good, r->conn->subs[r->sub_i].n_items, (long long)r->sub_id,
                        ok ? "" : ": ", ok ? "" : error_message(resp));
        next_event(r);
        break;
    }
    case STEP_EVENT:
        if (!ok || json_integer_value(json_object_get(data, "statusCode")) != 0)
            log_warning("Auto-connect \"%s\": event item %zu not created on subscription "
                        "%lld%s%s",
                        r->conn->name, r->ev_i + 1, (long long)r->sub_id, ok ? "" : ": ",
                        ok ? "" : error_message(resp));
        r->ev_i++;
        next_event(r);
        break;
    }
    json_decref(resp);
}

static void send_local(run *r, json_t *request)
{
    ipc_request *req = ipc_request_local(on_reply, r);
    if (!req || !request) {
        json_decref(request);
        free(req);
        log_error("Auto-connect \"%s\": out of memory", r->conn->name);
        return;
    }
    daemon_dispatch(r->d, req, request); /* takes request */
}

static void on_tick(uv_timer_t *t)
{
    run *r = t->data;
    if (r->d->autoconn->stopped)
        return;
    json_t *o = json_object();
    json_object_set_new(o, "command", json_string("open"));
    json_object_set_new(o, "endpointUrl", json_string(r->conn->endpoint));
    json_object_set(o, "config", r->conn->config);
    r->step = STEP_OPEN;
    send_local(r, o);
}

/* ---- lifetime ------------------------------------------------------------- */

int dautoconn_load(osmd *d, char *err, size_t errlen)
{
    if (!d->cfg.config_file)
        return 0;
    dautoconn *a = calloc(1, sizeof(*a));
    if (!a) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    d->autoconn = a;
    return dac_load(d->cfg.config_file, &a->list, err, errlen);
}

int dautoconn_start(osmd *d)
{
    dautoconn *a = d->autoconn;
    if (!a)
        return 0;
    a->runs = calloc(a->list.n ? a->list.n : 1, sizeof(run));
    if (!a->runs)
        return -1;
    for (size_t i = 0; i < a->list.n; i++) {
        run *r = &a->runs[i];
        r->d = d;
        r->conn = &a->list.conns[i];
        uv_timer_init(d->loop, &r->timer);
        r->timer.data = r;
        uv_timer_start(&r->timer, on_tick, 0, 0); /* daemon.md §3 step 6: next tick */
    }
    log_info("Auto-connect: %zu connection(s) from %s", a->list.n, d->cfg.config_file);
    return 0;
}

void dautoconn_stop(osmd *d)
{
    dautoconn *a = d->autoconn;
    if (!a || a->stopped)
        return;
    a->stopped = true;
    for (size_t i = 0; a->runs && i < a->list.n; i++)
        uv_close((uv_handle_t *)&a->runs[i].timer, NULL);
}

void dautoconn_free(osmd *d)
{
    dautoconn *a = d->autoconn;
    if (!a)
        return;
    dac_list_clear(&a->list);
    free(a->runs);
    free(a);
    d->autoconn = NULL;
}
