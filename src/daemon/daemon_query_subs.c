/* The subscription methods of `query` and `invoke` (query-methods.md rows
 * 14-21, 37, 38): createSubscription, the monitored item services,
 * publish / republish / transfer, each one asynchronous OPC UA request
 * whose answer is shaped by src/wire and recorded in the session's
 * registry (daemon_subs.h). Notifications are delivered through publish
 * here; the auto-publish engine (daemon_publish.c) is told when the set of
 * subscriptions changes, and while it runs a manual publish is refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_int.h"
#include "daemon_publish.h"
#include "daemon_types.h"
#include "ipc_errors.h"
#include "ua_nodeids.h"
#include "ua_statuscodes.h"
#include "util/log.h"
#include "wire.h"

/* One request in flight. The session is looked up again by id when the
 * answer comes: it may have been closed meanwhile. */
typedef struct sctx {
    osmd *d;
    ipc_request *req;
    char method[32];
    char session_id[33];
    bool tagged;
    uint32_t sub_id;
    /* createMonitoredItems / createEventMonitoredItem: what was asked for,
     * to record the items the server created. */
    size_t n;
    ua_NodeId *nodes;
    uint32_t *handles;
    uint32_t *attrs;
    ua_MonitoredItemCreateRequest *creates; /* copies, n of them */
    bool event;
    /* createSubscription: what was asked for, for a later re-create. */
    uint32_t max_notifications;
    uint8_t priority;
    /* modifyMonitoredItems / deleteMonitoredItems: the item ids sent, and
     * the new client handle (has_handle) of each modify. */
    uint32_t *ids;
    bool *has_handle;
} sctx;

typedef void (*method_fn)(sctx *x, ua_client *c, json_t *params);

static sctx *sctx_new(osmd *d, dsession *s, ipc_request *req, const char *method, bool tagged)
{
    sctx *x = calloc(1, sizeof(*x));
    if (!x)
        return NULL;
    x->d = d;
    x->req = req;
    x->tagged = tagged;
    snprintf(x->method, sizeof(x->method), "%s", method);
    snprintf(x->session_id, sizeof(x->session_id), "%s", s->id);
    return x;
}

static void sctx_free(sctx *x)
{
    ua_array_delete(x->nodes, x->nodes ? x->n : 0, UA_BUILTIN(UA_KIND_NODEID));
    ua_array_delete(x->creates, x->creates ? x->n : 0, UA_TYPE_MONITOREDITEMCREATEREQUEST);
    free(x->handles);
    free(x->attrs);
    free(x->ids);
    free(x->has_handle);
    free(x);
}

static dsession *session_of(sctx *x)
{
    return store_find(x->d, x->session_id);
}

static json_t *param(json_t *params, size_t i)
{
    json_t *p = params ? json_array_get(params, i) : NULL;
    return p && !json_is_null(p) ? p : NULL;
}

/* PHP's (int) cast, as the reference's parameter decoder applies it to
 * ids and counts: null -> 0, reals truncated, booleans 0/1, numeric
 * strings by value; anything else is a TypeError. The result must fit a
 * UInt32 (else TypeError: OPC UA would not take it). */
static int cast_u32(sctx *x, json_t *params, size_t i, uint32_t def, const char *name,
                    uint32_t *out)
{
    json_t *p = param(params, i);
    long long v;
    if (!p) {
        *out = def;
        return 0;
    }
    if (json_is_integer(p))
        v = json_integer_value(p);
    else if (json_is_real(p) && json_real_value(p) > -1e18 && json_real_value(p) < 1e18)
        v = (long long)json_real_value(p);
    else if (json_is_boolean(p))
        v = json_is_true(p);
    else if (json_is_string(p) && json_string_length(p) > 0 && json_string_length(p) < 20) {
        char *end;
        v = strtoll(json_string_value(p), &end, 10);
        if (*end)
            v = -1;
    } else
        v = -1;
    if (v < 0 || v > 4294967295LL) {
        char msg[160];
        snprintf(msg, sizeof(msg), "%s must be an integer in 0..4294967295", name);
        reply_error(x->req, "TypeError", msg);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

static int cast_double(sctx *x, json_t *params, size_t i, double def, const char *name, double *out)
{
    json_t *p = param(params, i);
    if (!p) {
        *out = def;
        return 0;
    }
    if (!json_is_number(p)) {
        char msg[160];
        snprintf(msg, sizeof(msg), "%s must be a number", name);
        reply_error(x->req, "TypeError", msg);
        return -1;
    }
    *out = json_number_value(p);
    return 0;
}

static bool cast_bool(json_t *params, size_t i, bool def)
{
    json_t *p = param(params, i);
    if (!p)
        return def;
    if (json_is_boolean(p))
        return json_is_true(p);
    if (json_is_integer(p))
        return json_integer_value(p) != 0;
    if (json_is_real(p))
        return json_real_value(p) != 0;
    if (json_is_string(p))
        return json_string_length(p) > 0 && strcmp(json_string_value(p), "0") != 0;
    return true; /* PHP: a non-empty array is true */
}

/* An array parameter decoded by one of wire's array forms; missing ->
 * TypeError when required, else an empty array. */
static int uint32_list(sctx *x, json_t *params, size_t i, bool required, const char *name,
                       uint32_t **out, size_t *n)
{
    json_t *p = param(params, i);
    *out = NULL;
    *n = 0;
    if (!p && !required)
        return 0;
    wire_error err;
    wire_error_init(&err, name);
    if (!p) {
        char msg[160];
        snprintf(msg, sizeof(msg), "%s must be an array of integers", name);
        reply_error(x->req, "TypeError", msg);
        return -1;
    }
    if (wire_to_uint32_array(p, out, n, &err) != 0) {
        reply_error(x->req, err.type ? err.type : "TypeError", err.message);
        return -1;
    }
    return 0;
}

/* True (after replying) when the exchange or the service failed. */
static bool failed(sctx *x, ua_status st, void *resp)
{
    if (st == UA_STATUS_GOOD && resp &&
        UA_STATUS_IS_BAD(((ua_ResponseHeader *)resp)->serviceResult))
        st = ((ua_ResponseHeader *)resp)->serviceResult;
    if (st == UA_STATUS_GOOD && resp)
        return false;
    char what[64];
    snprintf(what, sizeof(what), "%s failed", x->method);
    reply_status(x->req, st != UA_STATUS_GOOD ? st : UA_STATUS_BADUNEXPECTEDERROR, what);
    return true;
}

/* After a send: when st says the request did not go out, replies with why
 * and frees x (no callback follows then). */
static void sent(sctx *x, ua_status st)
{
    if (st != UA_STATUS_GOOD) {
        char what[64];
        snprintf(what, sizeof(what), "%s failed", x->method);
        reply_status(x->req, st, what);
        sctx_free(x);
    }
}

/* Sends request (borrowed, encoded before this returns); on a failure to
 * send, replies and frees x. */
static void send_request(sctx *x, ua_client *c, const void *request, const ua_type *req_type,
                         const ua_type *resp_type, ua_service_cb cb)
{
    sent(x, ua_client_service(c, request, req_type, resp_type, 0, cb, x));
}

static void reply(sctx *x, json_t *data)
{
    reply_data(x->req, data, x->tagged);
}

/* ---- createSubscription ----------------------------------------------------- */

static void on_created(ua_client *c, ua_status st, void *resp, void *ud)
{
    sctx *x = ud;
    (void)c;
    if (!failed(x, st, resp)) {
        ua_CreateSubscriptionResponse *r = resp;
        dsession *s = session_of(x);
        dsub *sub = s ? dsubs_add(&s->subs, r->subscriptionId, r->revisedPublishingInterval,
                                  r->revisedLifetimeCount, r->revisedMaxKeepAliveCount)
                      : NULL;
        if (s && !sub)
            log_warning("session %s: cannot track subscription %u (out of memory)", x->session_id,
                        (unsigned)r->subscriptionId);
        if (sub) {
            sub->max_notifications = x->max_notifications;
            sub->priority = x->priority;
            sub->last_seq = 0;
        }
        if (s)
            dpub_sync(x->d, s);
        reply(x, x->tagged ? wire_tagged_subscription_result(r) : wire_from_subscription_result(r));
    }
    sctx_free(x);
}

static void m_create_subscription(sctx *x, ua_client *c, json_t *params)
{
    ua_CreateSubscriptionRequest r;
    ua_init(&r, UA_TYPE_CREATESUBSCRIPTIONREQUEST);
    uint32_t priority;
    if (cast_double(x, params, 0, 500.0, "publishingInterval", &r.requestedPublishingInterval) ||
        cast_u32(x, params, 1, 2400, "lifetimeCount", &r.requestedLifetimeCount) ||
        cast_u32(x, params, 2, 10, "maxKeepAliveCount", &r.requestedMaxKeepAliveCount) ||
        cast_u32(x, params, 3, 0, "maxNotificationsPerPublish", &r.maxNotificationsPerPublish) ||
        cast_u32(x, params, 5, 0, "priority", &priority)) {
        sctx_free(x);
        return;
    }
    r.publishingEnabled = cast_bool(params, 4, true);
    r.priority = (uint8_t)(priority > 255 ? 255 : priority);
    x->max_notifications = r.maxNotificationsPerPublish;
    x->priority = r.priority;
    send_request(x, c, &r, UA_TYPE_CREATESUBSCRIPTIONREQUEST, UA_TYPE_CREATESUBSCRIPTIONRESPONSE,
                 on_created);
}

/* ---- monitored items -------------------------------------------------------- */

/* Remembers what each item asks for, to track the ones created. */
static int keep_items(sctx *x, const ua_MonitoredItemCreateRequest *items, size_t n)
{
    x->n = n;
    x->nodes = ua_array_new(n, UA_BUILTIN(UA_KIND_NODEID));
    x->handles = calloc(n ? n : 1, sizeof(uint32_t));
    x->attrs = calloc(n ? n : 1, sizeof(uint32_t));
    x->creates = ua_array_new(n, UA_TYPE_MONITOREDITEMCREATEREQUEST);
    if (!x->nodes || !x->handles || !x->attrs || (n && !x->creates))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (ua_copy(&items[i].itemToMonitor.nodeId, &x->nodes[i], UA_BUILTIN(UA_KIND_NODEID)) !=
            UA_STATUS_GOOD)
            return -1;
        x->handles[i] = items[i].requestedParameters.clientHandle;
        x->attrs[i] = items[i].itemToMonitor.attributeId;
        if (ua_copy(&items[i], &x->creates[i], UA_TYPE_MONITOREDITEMCREATEREQUEST) !=
            UA_STATUS_GOOD)
            return -1;
    }
    return 0;
}

static void track_items(sctx *x, const ua_MonitoredItemCreateResult *res, size_t n)
{
    dsession *s = session_of(x);
    dsub *sub = s ? dsubs_find(&s->subs, x->sub_id) : NULL;
    for (size_t i = 0; sub && i < n && i < x->n; i++) {
        if (UA_STATUS_IS_BAD(res[i].statusCode))
            continue;
        dsub_item *it = NULL;
        if (dsub_add_item(sub, res[i].monitoredItemId, x->handles[i], &x->nodes[i], x->attrs[i],
                          x->event) != 0 ||
            !(it = dsub_find_item(sub, res[i].monitoredItemId)) ||
            dsub_item_keep_request(it, &x->creates[i]) != 0)
            log_warning("session %s: cannot track monitored item %u (out of memory)", x->session_id,
                        (unsigned)res[i].monitoredItemId);
    }
}

static void on_items_created(ua_client *c, ua_status st, void *resp, void *ud)
{
    sctx *x = ud;
    (void)c;
    if (failed(x, st, resp)) {
        sctx_free(x);
        return;
    }
    ua_CreateMonitoredItemsResponse *r = resp;
    track_items(x, r->results, r->resultsSize);
    if (x->event) {
        if (r->resultsSize != 1)
            reply_error(x->req, "ServiceException",
                        "createEventMonitoredItem: the server returned no result");
        else
            reply(x, x->tagged ? wire_tagged_monitored_item_result(&r->results[0])
                               : wire_from_monitored_item_result(&r->results[0]));
        sctx_free(x);
        return;
    }
    json_t *a = json_array();
    for (size_t i = 0; i < r->resultsSize; i++)
        json_array_append_new(a, x->tagged ? wire_tagged_monitored_item_result(&r->results[i])
                                           : wire_from_monitored_item_result(&r->results[i]));
    reply(x, a);
    sctx_free(x);
}

static void send_create_items(sctx *x, ua_client *c, ua_CreateMonitoredItemsRequest *r)
{
    if (keep_items(x, r->itemsToCreate, r->itemsToCreateSize) != 0) {
        reply_error(x->req, "Exception", "out of memory");
        sctx_free(x);
        return;
    }
    r->subscriptionId = x->sub_id;
    r->timestampsToReturn = UA_TIMESTAMPSTORETURN_BOTH; /* query-methods.md 15 */
    /* split to fit the server's MaxMonitoredItemsPerCall */
    sent(x, ua_client_create_monitored_items(c, r, on_items_created, x));
}

static void m_create_monitored_items(sctx *x, ua_client *c, json_t *params)
{
    json_t *items = param(params, 1);
    if (cast_u32(x, params, 0, 0, "subscriptionId", &x->sub_id) != 0) {
        sctx_free(x);
        return;
    }
    if (!json_is_array(items)) {
        reply_error(x->req, "TypeError", "items must be an array of MonitoredItemSpec");
        sctx_free(x);
        return;
    }
    wire_monitored_item_spec *specs;
    size_t n;
    wire_error err;
    wire_error_init(&err, "items");
    if (wire_to_monitored_item_specs(items, &specs, &n, &err) != 0) {
        reply_error(x->req, err.type ? err.type : "TypeError", err.message);
        sctx_free(x);
        return;
    }
    ua_CreateMonitoredItemsRequest r;
    ua_init(&r, UA_TYPE_CREATEMONITOREDITEMSREQUEST);
    r.itemsToCreate = ua_array_new(n, UA_TYPE_MONITOREDITEMCREATEREQUEST);
    for (size_t i = 0; r.itemsToCreate && i < n; i++) {
        r.itemsToCreate[i] = specs[i].request; /* moved */
        ua_init(&specs[i].request, UA_TYPE_MONITOREDITEMCREATEREQUEST);
    }
    r.itemsToCreateSize = r.itemsToCreate ? n : 0;
    wire_monitored_item_specs_delete(specs, n);
    if (!r.itemsToCreate) {
        reply_error(x->req, "Exception", "out of memory");
        sctx_free(x);
        return;
    }
    send_create_items(x, c, &r);
    ua_clear(&r, UA_TYPE_CREATEMONITOREDITEMSREQUEST);
}

/* A select clause for one field name: a browse path of "/"-separated
 * segments, each "<ns>:<name>" or a name in namespace 0 (the PHP client
 * sends the whole string as one namespace-0 name; the two agree for the
 * BaseEventType fields). Part 4 (1.05) 7.7.4.5. */
static int select_clause(const char *field, ua_SimpleAttributeOperand *op)
{
    ua_init(op, UA_TYPE_SIMPLEATTRIBUTEOPERAND);
    op->typeDefinitionId = ua_nodeid_numeric(0, UA_NS0_BASEEVENTTYPE);
    op->attributeId = UA_ATTRIBUTEID_VALUE;
    size_t segs = 1;
    for (const char *p = field; *p; p++)
        segs += *p == '/';
    op->browsePath = ua_array_new(segs, UA_BUILTIN(UA_KIND_QUALIFIEDNAME));
    if (!op->browsePath)
        return -1;
    op->browsePathSize = segs;
    const char *p = field;
    for (size_t i = 0; i < segs; i++) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        size_t digits = 0;
        while (digits < len && digits < 5 && p[digits] >= '0' && p[digits] <= '9')
            digits++;
        ua_QualifiedName *qn = &op->browsePath[i];
        unsigned long ns = digits ? strtoul(p, NULL, 10) : 0;
        if (digits > 0 && digits < len && p[digits] == ':' && ns <= 65535) {
            qn->ns = (uint16_t)ns;
            p += digits + 1;
            len -= digits + 1;
        }
        if (ua_string_from_bytes(&qn->name, p, len) != UA_STATUS_GOOD)
            return -1;
        p += len + 1;
    }
    return 0;
}

static int event_filter(sctx *x, json_t *fields, ua_ExtensionObject *out)
{
    static const char *const defaults[] = {"EventId", "EventType", "SourceName",
                                           "Time",    "Message",   "Severity"};
    size_t n = fields ? json_array_size(fields) : 6;
    ua_EventFilter f;
    ua_init(&f, UA_TYPE_EVENTFILTER);
    f.selectClauses = ua_array_new(n, UA_TYPE_SIMPLEATTRIBUTEOPERAND);
    int rc = f.selectClauses ? 0 : -1;
    f.selectClausesSize = f.selectClauses ? n : 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        json_t *name = fields ? json_array_get(fields, i) : NULL;
        if (fields && !json_is_string(name)) {
            reply_error(x->req, "TypeError", "selectFields must be an array of strings");
            ua_clear(&f, UA_TYPE_EVENTFILTER);
            return -2;
        }
        rc = select_clause(fields ? json_string_value(name) : defaults[i], &f.selectClauses[i]);
    }
    if (rc == 0 && ua_extobj_set_copy(out, &f, UA_TYPE_EVENTFILTER) != UA_STATUS_GOOD)
        rc = -1;
    ua_clear(&f, UA_TYPE_EVENTFILTER);
    return rc;
}

static void m_create_event_item(sctx *x, ua_client *c, json_t *params)
{
    json_t *fields = param(params, 2);
    uint32_t handle;
    if (cast_u32(x, params, 0, 0, "subscriptionId", &x->sub_id) != 0 ||
        cast_u32(x, params, 3, 1, "clientHandle", &handle) != 0) {
        sctx_free(x);
        return;
    }
    if (fields && !json_is_array(fields)) {
        reply_error(x->req, "TypeError", "selectFields must be an array of strings");
        sctx_free(x);
        return;
    }
    ua_MonitoredItemCreateRequest item;
    ua_init(&item, UA_TYPE_MONITOREDITEMCREATEREQUEST);
    wire_error err;
    wire_error_init(&err, "nodeId");
    if (wire_to_nodeid(param(params, 1), &item.itemToMonitor.nodeId, &err) != 0) {
        reply_error(x->req, err.type ? err.type : "TypeError", err.message);
        sctx_free(x);
        return;
    }
    /* query-methods.md 16: attribute EventNotifier, Reporting, queue 0
     * (the server's default), discardOldest. */
    item.itemToMonitor.attributeId = UA_ATTRIBUTEID_EVENTNOTIFIER;
    item.monitoringMode = UA_MONITORINGMODE_REPORTING;
    item.requestedParameters.clientHandle = handle;
    item.requestedParameters.samplingInterval = 0;
    item.requestedParameters.queueSize = 0;
    item.requestedParameters.discardOldest = true;
    int rc = event_filter(x, fields, &item.requestedParameters.filter);
    if (rc != 0) {
        if (rc == -1)
            reply_error(x->req, "Exception", "out of memory");
        ua_clear(&item, UA_TYPE_MONITOREDITEMCREATEREQUEST);
        sctx_free(x);
        return;
    }
    x->event = true;
    ua_CreateMonitoredItemsRequest r;
    ua_init(&r, UA_TYPE_CREATEMONITOREDITEMSREQUEST);
    r.itemsToCreate = &item;
    r.itemsToCreateSize = 1;
    send_create_items(x, c, &r);
    ua_clear(&item, UA_TYPE_MONITOREDITEMCREATEREQUEST);
}

static void on_items_modified(ua_client *c, ua_status st, void *resp, void *ud)
{
    sctx *x = ud;
    (void)c;
    if (failed(x, st, resp)) {
        sctx_free(x);
        return;
    }
    ua_ModifyMonitoredItemsResponse *r = resp;
    dsession *s = session_of(x);
    dsub *sub = s ? dsubs_find(&s->subs, x->sub_id) : NULL;
    json_t *a = json_array();
    for (size_t i = 0; i < r->resultsSize; i++) {
        const ua_MonitoredItemModifyResult *m = &r->results[i];
        dsub_item *it = sub && i < x->n ? dsub_find_item(sub, x->ids[i]) : NULL;
        if (it && x->has_handle[i] && !UA_STATUS_IS_BAD(m->statusCode))
            it->client_handle = x->handles[i];
        json_array_append_new(a, x->tagged ? wire_tagged_monitored_item_modify_result(m)
                                           : wire_from_monitored_item_modify_result(m));
    }
    reply(x, a);
    sctx_free(x);
}

static void m_modify_monitored_items(sctx *x, ua_client *c, json_t *params)
{
    json_t *items = param(params, 1);
    if (cast_u32(x, params, 0, 0, "subscriptionId", &x->sub_id) != 0) {
        sctx_free(x);
        return;
    }
    if (!json_is_array(items)) {
        reply_error(x->req, "TypeError", "itemsToModify must be an array of ModifySpec");
        sctx_free(x);
        return;
    }
    wire_modify_spec *specs;
    size_t n;
    wire_error err;
    wire_error_init(&err, "itemsToModify");
    if (wire_to_modify_specs(items, &specs, &n, &err) != 0) {
        reply_error(x->req, err.type ? err.type : "TypeError", err.message);
        sctx_free(x);
        return;
    }
    ua_ModifyMonitoredItemsRequest r;
    ua_init(&r, UA_TYPE_MODIFYMONITOREDITEMSREQUEST);
    r.itemsToModify = ua_array_new(n, UA_TYPE_MONITOREDITEMMODIFYREQUEST);
    x->n = n;
    x->ids = calloc(n ? n : 1, sizeof(uint32_t));
    x->handles = calloc(n ? n : 1, sizeof(uint32_t));
    x->has_handle = calloc(n ? n : 1, sizeof(bool));
    bool oom = !r.itemsToModify || !x->ids || !x->handles || !x->has_handle;
    for (size_t i = 0; !oom && i < n; i++) {
        r.itemsToModify[i] = specs[i].request; /* moved */
        ua_init(&specs[i].request, UA_TYPE_MONITOREDITEMMODIFYREQUEST);
        x->ids[i] = r.itemsToModify[i].monitoredItemId;
        x->handles[i] = r.itemsToModify[i].requestedParameters.clientHandle;
        x->has_handle[i] = specs[i].has_client_handle;
    }
    r.itemsToModifySize = r.itemsToModify ? n : 0;
    wire_modify_specs_delete(specs, n);
    if (oom) {
        ua_clear(&r, UA_TYPE_MODIFYMONITOREDITEMSREQUEST);
        reply_error(x->req, "Exception", "out of memory");
        sctx_free(x);
        return;
    }
    r.subscriptionId = x->sub_id;
    r.timestampsToReturn = UA_TIMESTAMPSTORETURN_BOTH;
    sent(x, ua_client_modify_monitored_items(c, &r, on_items_modified, x));
    ua_clear(&r, UA_TYPE_MODIFYMONITOREDITEMSREQUEST);
}

static void on_items_deleted(ua_client *c, ua_status st, void *resp, void *ud)
{
    sctx *x = ud;
    (void)c;
    if (!failed(x, st, resp)) {
        ua_DeleteMonitoredItemsResponse *r = resp;
        dsession *s = session_of(x);
        dsub *sub = s ? dsubs_find(&s->subs, x->sub_id) : NULL;
        for (size_t i = 0; sub && i < r->resultsSize && i < x->n; i++)
            if (!UA_STATUS_IS_BAD(r->results[i]))
                dsub_remove_item(sub, x->ids[i]);
        reply(x, wire_from_status_codes(r->results, r->resultsSize));
    }
    sctx_free(x);
}

static void m_delete_monitored_items(sctx *x, ua_client *c, json_t *params)
{
    ua_DeleteMonitoredItemsRequest r;
    ua_init(&r, UA_TYPE_DELETEMONITOREDITEMSREQUEST);
    if (cast_u32(x, params, 0, 0, "subscriptionId", &x->sub_id) != 0 ||
        uint32_list(x, params, 1, true, "monitoredItemIds", &r.monitoredItemIds,
                    &r.monitoredItemIdsSize) != 0) {
        sctx_free(x);
        return;
    }
    r.subscriptionId = x->sub_id;
    x->n = r.monitoredItemIdsSize;
    x->ids = malloc((x->n ? x->n : 1) * sizeof(uint32_t));
    if (!x->ids) {
        ua_free(r.monitoredItemIds);
        reply_error(x->req, "Exception", "out of memory");
        sctx_free(x);
        return;
    }
    if (x->n)
        memcpy(x->ids, r.monitoredItemIds, x->n * sizeof(uint32_t));
    sent(x, ua_client_delete_monitored_items(c, &r, on_items_deleted, x));
    ua_free(r.monitoredItemIds);
}

static void on_triggering_set(ua_client *c, ua_status st, void *resp, void *ud)
{
    sctx *x = ud;
    (void)c;
    if (!failed(x, st, resp))
        reply(x, x->tagged ? wire_tagged_set_triggering_result(resp)
                           : wire_from_set_triggering_result(resp));
    sctx_free(x);
}

static void m_set_triggering(sctx *x, ua_client *c, json_t *params)
{
    ua_SetTriggeringRequest r;
    ua_init(&r, UA_TYPE_SETTRIGGERINGREQUEST);
    if (cast_u32(x, params, 0, 0, "subscriptionId", &r.subscriptionId) != 0 ||
        cast_u32(x, params, 1, 0, "triggeringItemId", &r.triggeringItemId) != 0 ||
        uint32_list(x, params, 2, false, "linksToAdd", &r.linksToAdd, &r.linksToAddSize) != 0 ||
        uint32_list(x, params, 3, false, "linksToRemove", &r.linksToRemove, &r.linksToRemoveSize) !=
            0) {
        ua_free(r.linksToAdd);
        sctx_free(x);
        return;
    }
    send_request(x, c, &r, UA_TYPE_SETTRIGGERINGREQUEST, UA_TYPE_SETTRIGGERINGRESPONSE,
                 on_triggering_set);
    ua_free(r.linksToAdd);
    ua_free(r.linksToRemove);
}

/* ---- deleteSubscription ----------------------------------------------------- */

static void on_sub_deleted(ua_client *c, ua_status st, void *resp, void *ud)
{
    sctx *x = ud;
    (void)c;
    if (!failed(x, st, resp)) {
        ua_DeleteSubscriptionsResponse *r = resp;
        if (r->resultsSize != 1) {
            reply_error(x->req, "ServiceException",
                        "deleteSubscription: the server returned no result");
        } else {
            dsession *s = session_of(x);
            /* query-methods.md 18: untracked only when the status is 0. */
            if (s && r->results[0] == UA_STATUS_GOOD) {
                dsubs_remove(&s->subs, x->sub_id);
                dpub_sync(x->d, s);
            }
            reply(x, json_integer(r->results[0]));
        }
    }
    sctx_free(x);
}

static void m_delete_subscription(sctx *x, ua_client *c, json_t *params)
{
    if (cast_u32(x, params, 0, 0, "subscriptionId", &x->sub_id) != 0) {
        sctx_free(x);
        return;
    }
    ua_DeleteSubscriptionsRequest r;
    ua_init(&r, UA_TYPE_DELETESUBSCRIPTIONSREQUEST);
    r.subscriptionIds = &x->sub_id;
    r.subscriptionIdsSize = 1;
    send_request(x, c, &r, UA_TYPE_DELETESUBSCRIPTIONSREQUEST, UA_TYPE_DELETESUBSCRIPTIONSRESPONSE,
                 on_sub_deleted);
}

/* ---- publish / republish / transfer ----------------------------------------- */

static void on_published(ua_client *c, ua_status st, void *resp, void *ud)
{
    sctx *x = ud;
    (void)c;
    if (!failed(x, st, resp)) {
        dtypes_resolve_notifications(session_of(x),
                                     &((ua_PublishResponse *)resp)->notificationMessage);
        reply(x, x->tagged ? wire_tagged_publish_result(resp) : wire_from_publish_result(resp));
    }
    sctx_free(x);
}

/* The server holds a Publish until a notification or a keep-alive is due
 * (up to publishingInterval x maxKeepAliveCount), so its deadline is the
 * longest keep-alive period of the session's subscriptions plus a margin
 * (dsubs_publish_timeout_ms), not the per-request timeout. The loop never
 * waits: the answer arrives in on_published. */
static void m_publish(sctx *x, ua_client *c, json_t *params)
{
    json_t *acks = param(params, 0);
    dsession *ps = session_of(x);
    if (ps && dpub_active(ps)) {
        /* daemon.md §7; our sinks take the place of the event dispatcher. */
        reply_named(x->req, IPC_ERR_AUTO_PUBLISH_ACTIVE,
                    "Auto-publish is active for this session: its notifications go to the "
                    "daemon's event sinks (--events-file, watch), not to publish.");
        sctx_free(x);
        return;
    }
    ua_PublishRequest r;
    ua_init(&r, UA_TYPE_PUBLISHREQUEST);
    if (acks) {
        wire_error err;
        wire_error_init(&err, "acknowledgements");
        if (wire_to_acks(acks, &r.subscriptionAcknowledgements, &r.subscriptionAcknowledgementsSize,
                         &err) != 0) {
            reply_error(x->req, err.type ? err.type : "TypeError", err.message);
            sctx_free(x);
            return;
        }
    }
    dsession *s = session_of(x);
    uint32_t base = s && s->settings.has_opcua_timeout
                        ? (uint32_t)(s->settings.opcua_timeout * 1000.0)
                        : 5000u;
    uint32_t timeout = s ? dsubs_publish_timeout_ms(&s->subs, base) : base;
    ua_status st = ua_client_service_timeout(c, &r, UA_TYPE_PUBLISHREQUEST,
                                             UA_TYPE_PUBLISHRESPONSE, 0, timeout, on_published, x);
    ua_free(r.subscriptionAcknowledgements);
    if (st != UA_STATUS_GOOD) {
        reply_status(x->req, st, "publish failed");
        sctx_free(x);
    }
}

static void on_republished(ua_client *c, ua_status st, void *resp, void *ud)
{
    sctx *x = ud;
    (void)c;
    if (!failed(x, st, resp)) {
        dtypes_resolve_notifications(session_of(x),
                                     &((ua_RepublishResponse *)resp)->notificationMessage);
        reply(x, x->tagged ? wire_tagged_republish_result(resp) : wire_from_republish_result(resp));
    }
    sctx_free(x);
}

static void m_republish(sctx *x, ua_client *c, json_t *params)
{
    ua_RepublishRequest r;
    ua_init(&r, UA_TYPE_REPUBLISHREQUEST);
    if (cast_u32(x, params, 0, 0, "subscriptionId", &r.subscriptionId) != 0 ||
        cast_u32(x, params, 1, 0, "retransmitSequenceNumber", &r.retransmitSequenceNumber) != 0) {
        sctx_free(x);
        return;
    }
    send_request(x, c, &r, UA_TYPE_REPUBLISHREQUEST, UA_TYPE_REPUBLISHRESPONSE, on_republished);
}

static void on_transferred(ua_client *c, ua_status st, void *resp, void *ud)
{
    sctx *x = ud;
    (void)c;
    if (failed(x, st, resp)) {
        sctx_free(x);
        return;
    }
    ua_TransferSubscriptionsResponse *r = resp;
    dsession *s = session_of(x);
    json_t *a = json_array();
    for (size_t i = 0; i < r->resultsSize; i++) {
        /* A subscription moved here from another session is tracked with
         * unknown parameters (0): the registry learns them on re-create. */
        if (s && i < x->n && !UA_STATUS_IS_BAD(r->results[i].statusCode) &&
            !dsubs_find(&s->subs, x->ids[i]))
            dsubs_add(&s->subs, x->ids[i], 0, 0, 0);
        json_array_append_new(a, x->tagged ? wire_tagged_transfer_result(&r->results[i])
                                           : wire_from_transfer_result(&r->results[i]));
    }
    if (s)
        dpub_sync(x->d, s);
    reply(x, a);
    sctx_free(x);
}

static void m_transfer(sctx *x, ua_client *c, json_t *params)
{
    ua_TransferSubscriptionsRequest r;
    ua_init(&r, UA_TYPE_TRANSFERSUBSCRIPTIONSREQUEST);
    if (uint32_list(x, params, 0, false, "subscriptionIds", &r.subscriptionIds,
                    &r.subscriptionIdsSize) != 0) {
        sctx_free(x);
        return;
    }
    r.sendInitialValues = cast_bool(params, 1, false);
    x->n = r.subscriptionIdsSize;
    x->ids = malloc((x->n ? x->n : 1) * sizeof(uint32_t));
    if (!x->ids) {
        ua_free(r.subscriptionIds);
        reply_error(x->req, "Exception", "out of memory");
        sctx_free(x);
        return;
    }
    if (x->n)
        memcpy(x->ids, r.subscriptionIds, x->n * sizeof(uint32_t));
    send_request(x, c, &r, UA_TYPE_TRANSFERSUBSCRIPTIONSREQUEST,
                 UA_TYPE_TRANSFERSUBSCRIPTIONSRESPONSE, on_transferred);
    ua_free(r.subscriptionIds);
}

/* ---- dispatch ----------------------------------------------------------------- */

static const struct {
    const char *name;
    method_fn fn;
} methods[] = {
    {"createSubscription", m_create_subscription},
    {"createMonitoredItems", m_create_monitored_items},
    {"createEventMonitoredItem", m_create_event_item},
    {"modifyMonitoredItems", m_modify_monitored_items},
    {"deleteMonitoredItems", m_delete_monitored_items},
    {"setTriggering", m_set_triggering},
    {"deleteSubscription", m_delete_subscription},
    {"publish", m_publish},
    {"republish", m_republish},
    {"transferSubscriptions", m_transfer},
};

bool query_subs_run(osmd *d, dsession *s, ipc_request *req, const char *method, json_t *params,
                    bool tagged)
{
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        if (strcmp(methods[i].name, method) != 0)
            continue;
        sctx *x = sctx_new(d, s, req, method, tagged);
        if (!x)
            reply_error(req, "Exception", "out of memory");
        else
            methods[i].fn(x, s->client, params);
        return true;
    }
    return false;
}
