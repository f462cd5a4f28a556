/* The `query` methods (query-methods.md): positional JSON params decoded by
 * src/wire, one asynchronous OPC UA request (or a few) through the
 * session's client, and the reply in the reference's JSON shapes. The
 * subscription methods and history reads live in daemon_query_subs.c and
 * daemon_query_history.c, writes in daemon_write.c. Methods of the
 * allow-list this daemon cannot serve yet answer with
 * ServiceUnsupportedException. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_int.h"
#include "daemon_types.h"
#include "daemon_write.h"
#include "ua_nodeids.h"
#include "ua_statuscodes.h"
#include "util/log.h"
#include "wire.h"

static const char *const allowed[] = {
    "getEndpoints",
    "browse",
    "browseWithContinuation",
    "browseNext",
    "browseAll",
    "browseRecursive",
    "translateBrowsePaths",
    "resolveNodeId",
    "read",
    "readMulti",
    "write",
    "writeMulti",
    "call",
    "createSubscription",
    "createMonitoredItems",
    "createEventMonitoredItem",
    "deleteMonitoredItems",
    "deleteSubscription",
    "publish",
    "transferSubscriptions",
    "republish",
    "historyReadRaw",
    "historyReadProcessed",
    "historyReadAtTime",
    "isConnected",
    "getConnectionState",
    "reconnect",
    "getTimeout",
    "getAutoRetry",
    "getBatchSize",
    "getDefaultBrowseMaxDepth",
    "getServerMaxNodesPerRead",
    "getServerMaxNodesPerWrite",
    "discoverDataTypes",
    "invalidateCache",
    "flushCache",
    "modifyMonitoredItems",
    "setTriggering",
    "trustCertificate",
    "untrustCertificate",
    "getTrustStore",
    "getTrustPolicy",
    "getEventDispatcher",
    "getLogger",
    NULL,
};

bool query_method_allowed(const char *method)
{
    for (const char *const *m = allowed; *m; m++)
        if (strcmp(*m, method) == 0)
            return true;
    return false;
}

json_t *query_method_names(void)
{
    json_t *a = json_array();
    for (const char *const *m = allowed; *m; m++)
        json_array_append_new(a, json_string(*m));
    return a;
}

/* One query in flight: what the completion needs. */
typedef struct qctx {
    osmd *d;
    ipc_request *req;
    char method[40];
    json_t *params;       /* held reference */
    bool with_cp;         /* browseWithContinuation / browseNext shape */
    bool first_page_only; /* browse: release the continuation point */
    json_t *acc;          /* browseAll: references so far */
    dsession *s;
    char session_id[33];
    char *cache_key; /* owned: store the answer under it */
    bool tagged;     /* invoke: tagged wire JSON, answer wrapped in {"data": ...} */
} qctx;

static qctx *qctx_new(osmd *d, dsession *s, ipc_request *req, const char *method, json_t *params)
{
    qctx *q = calloc(1, sizeof(*q));
    if (!q)
        return NULL;
    q->d = d;
    q->s = s;
    q->req = req;
    snprintf(q->method, sizeof(q->method), "%s", method);
    snprintf(q->session_id, sizeof(q->session_id), "%s", s->id);
    q->params = json_incref(params);
    return q;
}

static void qctx_free(qctx *q)
{
    free(q->cache_key);
    json_decref(q->params);
    json_decref(q->acc);
    free(q);
}

static json_t *param(json_t *params, size_t i)
{
    json_t *p = params ? json_array_get(params, i) : NULL;
    return p && !json_is_null(p) ? p : NULL;
}

static void reply_wire_error(ipc_request *req, const wire_error *err)
{
    reply_error(req, err->type ? err->type : "TypeError", err->message);
}

/* Replies with the failure of the request itself (transport or service). */
static bool failed(qctx *q, ua_status st, void *resp)
{
    if (st == UA_STATUS_GOOD && resp &&
        UA_STATUS_IS_BAD(((ua_ResponseHeader *)resp)->serviceResult))
        st = ((ua_ResponseHeader *)resp)->serviceResult;
    if (st == UA_STATUS_GOOD && resp)
        return false;
    char what[96];
    snprintf(what, sizeof(what), "%s failed", q->method);
    reply_status(q->req, st != UA_STATUS_GOOD ? st : UA_STATUS_BADUNEXPECTEDERROR, what);
    return true;
}

static void submit_failed(qctx *q, ua_status st)
{
    char what[96];
    snprintf(what, sizeof(what), "%s failed", q->method);
    reply_status(q->req, st, what);
    qctx_free(q);
}

/* Answers with data, keeping a copy in the cache when the call is cacheable. */
static void reply_cached(qctx *q, json_t *data)
{
    if (q->tagged) { /* ipc-protocol.md §3.7: note the double data */
        json_t *wrap = json_object();
        json_object_set_new(wrap, "data", data ? data : json_null());
        reply_ok(q->req, wrap);
        return;
    }
    if (q->cache_key && data)
        dcache_put(q->d->cache, q->cache_key, data);
    reply_ok(q->req, data);
}

/* Array of DataValues in the shape the call asked for. */
static json_t *data_values(qctx *q, const ua_DataValue *dvs, size_t n)
{
    if (!q->tagged)
        return wire_from_data_values(dvs, n);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, wire_tagged_data_value(&dvs[i]));
    return a;
}

/* ---- read ------------------------------------------------------------------ */

static void on_read(ua_client *c, ua_status st, void *resp, void *ud)
{
    qctx *q = ud;
    (void)c;
    if (!failed(q, st, resp)) {
        ua_ReadResponse *r = resp;
        dtypes_resolve_data_values(store_find(q->d, q->session_id), r->results, r->resultsSize);
        if (strcmp(q->method, "read") == 0) {
            if (r->resultsSize != 1)
                reply_error(q->req, "ServiceException", "read: the server returned no result");
            else
                reply_cached(q, q->tagged ? wire_tagged_data_value(&r->results[0])
                                          : wire_from_data_value(&r->results[0]));
        } else {
            reply_cached(q, data_values(q, r->results, r->resultsSize));
        }
    }
    qctx_free(q);
}

static void q_read(qctx *q, ua_client *c)
{
    wire_error err;
    ua_ReadValueId id;
    ua_init(&id, UA_TYPE_READVALUEID);
    wire_error_init(&err, "nodeId");
    if (wire_to_nodeid(param(q->params, 0), &id.nodeId, &err) != 0) {
        reply_wire_error(q->req, &err);
        qctx_free(q);
        return;
    }
    id.attributeId = UA_ATTRIBUTEID_VALUE;
    json_t *attr = param(q->params, 1);
    if (attr) {
        wire_error_init(&err, "attributeId");
        if (wire_to_uint32(attr, &id.attributeId, &err) != 0) {
            ua_clear(&id, UA_TYPE_READVALUEID);
            reply_wire_error(q->req, &err);
            qctx_free(q);
            return;
        }
    }
    ua_ReadRequest req;
    ua_init(&req, UA_TYPE_READREQUEST);
    req.timestampsToReturn = UA_TIMESTAMPSTORETURN_BOTH;
    req.nodesToRead = &id;
    req.nodesToReadSize = 1;
    ua_status st = ua_client_read(c, &req, on_read, q);
    ua_clear(&id, UA_TYPE_READVALUEID);
    if (st != UA_STATUS_GOOD)
        submit_failed(q, st);
}

static void q_read_multi(qctx *q, ua_client *c)
{
    wire_error err;
    wire_error_init(&err, "readItems");
    ua_ReadRequest req;
    ua_init(&req, UA_TYPE_READREQUEST);
    if (!param(q->params, 0) || wire_to_read_items(param(q->params, 0), &req.nodesToRead,
                                                   &req.nodesToReadSize, &err) != 0) {
        if (!param(q->params, 0))
            snprintf(err.message, sizeof(err.message), "readItems must be an array of ReadItem");
        reply_error(q->req, err.type ? err.type : "TypeError", err.message);
        qctx_free(q);
        return;
    }
    req.timestampsToReturn = UA_TIMESTAMPSTORETURN_BOTH;
    ua_status st = ua_client_read(c, &req, on_read, q);
    ua_clear(&req, UA_TYPE_READREQUEST);
    if (st != UA_STATUS_GOOD)
        submit_failed(q, st);
}

/* ---- browse ---------------------------------------------------------------- */

static void on_browse(ua_client *c, ua_status st, void *resp, void *ud);

int query_browse_description(ipc_request *req, json_t *params, ua_BrowseDescription *bd)
{
    const size_t first = 0;
    wire_error err;
    ua_init(bd, UA_TYPE_BROWSEDESCRIPTION);
    wire_error_init(&err, "nodeId");
    if (wire_to_nodeid(param(params, first), &bd->nodeId, &err) != 0)
        goto bad;
    json_t *dir = param(params, first + 1);
    if (dir) {
        if (!json_is_integer(dir) || json_integer_value(dir) < 0 || json_integer_value(dir) > 2) {
            err.type = "ValueError";
            snprintf(err.message, sizeof(err.message),
                     "%s is not a valid backing value for enum BrowseDirection",
                     json_is_integer(dir) ? "value" : "direction");
            if (json_is_integer(dir))
                snprintf(err.message, sizeof(err.message),
                         "%lld is not a valid backing value for enum BrowseDirection",
                         (long long)json_integer_value(dir));
            goto bad;
        }
        bd->browseDirection = (int32_t)json_integer_value(dir);
    }
    json_t *ref = param(params, first + 2);
    if (ref) {
        wire_error_init(&err, "referenceTypeId");
        if (wire_to_nodeid(ref, &bd->referenceTypeId, &err) != 0)
            goto bad;
    } else {
        bd->referenceTypeId = ua_nodeid_numeric(0, UA_NS0_HIERARCHICALREFERENCES);
    }
    json_t *sub = param(params, first + 3);
    bd->includeSubtypes = sub ? json_is_true(sub) : true;
    json_t *classes = param(params, first + 4);
    if (classes) {
        size_t i;
        json_t *v;
        if (!json_is_array(classes)) {
            err.type = "TypeError";
            snprintf(err.message, sizeof(err.message), "nodeClasses must be an array of integers");
            goto bad;
        }
        json_array_foreach(classes, i, v)
        {
            json_int_t n = json_is_integer(v) ? json_integer_value(v) : -1;
            if (n < 0 || n > 128 || (n & (n - 1))) {
                err.type = "ValueError";
                snprintf(err.message, sizeof(err.message),
                         "%lld is not a valid backing value for enum NodeClass", (long long)n);
                goto bad;
            }
            bd->nodeClassMask |= (uint32_t)n;
        }
    }
    bd->resultMask = 63;
    return 0;
bad:
    ua_clear(bd, UA_TYPE_BROWSEDESCRIPTION);
    reply_wire_error(req, &err);
    return -1;
}

static int browse_description(qctx *q, ua_BrowseDescription *bd)
{
    return query_browse_description(q->req, q->params, bd);
}

static void release_cp(ua_client *c, const ua_ByteString *cp)
{
    ua_BrowseNextRequest next;
    ua_init(&next, UA_TYPE_BROWSENEXTREQUEST);
    next.releaseContinuationPoints = true;
    next.continuationPoints = (ua_ByteString *)(uintptr_t)cp;
    next.continuationPointsSize = 1;
    ua_client_browse_next(c, &next, NULL, NULL);
}

static void browse_next(qctx *q, ua_client *c, const ua_ByteString *cp)
{
    ua_BrowseNextRequest next;
    ua_init(&next, UA_TYPE_BROWSENEXTREQUEST);
    next.continuationPoints = (ua_ByteString *)(uintptr_t)cp;
    next.continuationPointsSize = 1;
    ua_status st = ua_client_browse_next(c, &next, on_browse, q);
    if (st != UA_STATUS_GOOD)
        submit_failed(q, st);
}

static void on_browse(ua_client *c, ua_status st, void *resp, void *ud)
{
    qctx *q = ud;
    /* BrowseResponse and BrowseNextResponse share the layout of interest. */
    if (failed(q, st, resp)) {
        qctx_free(q);
        return;
    }
    ua_BrowseResponse *r = resp;
    bool is_next = strcmp(q->method, "browseNext") == 0;
    if (r->resultsSize != 1) {
        reply_error(q->req, "ServiceException", "browse: the server returned no result");
        qctx_free(q);
        return;
    }
    ua_BrowseResult *br = &r->results[0];
    if (UA_STATUS_IS_BAD(br->statusCode)) {
        if (is_next) {
            /* query-methods.md: an unknown or released point is no error. */
            json_t *data = json_object();
            if (q->tagged) {
                json_object_set_new(data, "__t", json_string("BrowseResultSet"));
                json_object_set_new(data, "refs", json_array());
                json_object_set_new(data, "cpB64", json_null());
            } else {
                json_object_set_new(data, "references", json_array());
                json_object_set_new(data, "continuationPoint", json_null());
            }
            reply_cached(q, data);
        } else {
            char what[96];
            snprintf(what, sizeof(what), "%s failed", q->method);
            reply_status(q->req, br->statusCode, what);
        }
        qctx_free(q);
        return;
    }
    if (q->acc) { /* browseAll: follow the continuation points */
        json_t *refs = q->tagged ? wire_tagged_references(br->references, br->referencesSize)
                                 : wire_from_references(br->references, br->referencesSize);
        json_array_extend(q->acc, refs);
        json_decref(refs);
        if (br->continuationPoint.length) {
            browse_next(q, c, &br->continuationPoint);
            return;
        }
        reply_cached(q, json_incref(q->acc));
        qctx_free(q);
        return;
    }
    if (q->with_cp) {
        reply_cached(q, q->tagged ? wire_tagged_browse_result(br) : wire_from_browse_result(br));
    } else {
        reply_cached(q, q->tagged ? wire_tagged_references(br->references, br->referencesSize)
                                  : wire_from_references(br->references, br->referencesSize));
        if (br->continuationPoint.length)
            release_cp(c, &br->continuationPoint); /* the reference leaks it */
    }
    qctx_free(q);
}

static void q_browse(qctx *q, ua_client *c)
{
    ua_BrowseDescription bd;
    if (browse_description(q, &bd) != 0) {
        qctx_free(q);
        return;
    }
    if (strcmp(q->method, "browseWithContinuation") == 0)
        q->with_cp = true;
    if (strcmp(q->method, "browseAll") == 0)
        q->acc = json_array();
    ua_BrowseRequest req;
    ua_init(&req, UA_TYPE_BROWSEREQUEST);
    req.nodesToBrowse = &bd;
    req.nodesToBrowseSize = 1;
    ua_status st = ua_client_browse(c, &req, on_browse, q);
    ua_clear(&bd, UA_TYPE_BROWSEDESCRIPTION);
    if (st != UA_STATUS_GOOD)
        submit_failed(q, st);
}

static void q_browse_next(qctx *q, ua_client *c)
{
    wire_error err;
    wire_error_init(&err, "continuationPoint");
    ua_ByteString cp;
    json_t *p = param(q->params, 0);
    if (!p) {
        reply_error(q->req, "TypeError", "continuationPoint must be a string");
        qctx_free(q);
        return;
    }
    if (wire_to_continuation_point(p, &cp, &err) != 0) {
        reply_wire_error(q->req, &err);
        qctx_free(q);
        return;
    }
    q->with_cp = true;
    browse_next(q, c, &cp);
    ua_clear(&cp, UA_BUILTIN(UA_KIND_BYTESTRING));
}

/* ---- translate / call / endpoints ------------------------------------------ */

static void on_translate(ua_client *c, ua_status st, void *resp, void *ud)
{
    qctx *q = ud;
    (void)c;
    if (!failed(q, st, resp)) {
        ua_TranslateBrowsePathsToNodeIdsResponse *r = resp;
        json_t *a = json_array();
        for (size_t i = 0; i < r->resultsSize; i++)
            json_array_append_new(a, q->tagged ? wire_tagged_browse_path_result(&r->results[i])
                                               : wire_from_browse_path_result(&r->results[i]));
        reply_cached(q, a);
    }
    qctx_free(q);
}

static void q_translate(qctx *q, ua_client *c)
{
    ua_TranslateBrowsePathsToNodeIdsRequest req;
    ua_init(&req, UA_TYPE_TRANSLATEBROWSEPATHSTONODEIDSREQUEST);
    json_t *p = param(q->params, 0);
    wire_error err;
    wire_error_init(&err, "browsePaths");
    if (p && wire_to_browse_paths(p, &req.browsePaths, &req.browsePathsSize, &err) != 0) {
        reply_wire_error(q->req, &err);
        qctx_free(q);
        return;
    }
    ua_status st = ua_client_translate(c, &req, on_translate, q);
    ua_clear(&req, UA_TYPE_TRANSLATEBROWSEPATHSTONODEIDSREQUEST);
    if (st != UA_STATUS_GOOD)
        submit_failed(q, st);
}

static void on_call(ua_client *c, ua_status st, void *resp, void *ud)
{
    qctx *q = ud;
    (void)c;
    if (!failed(q, st, resp)) {
        ua_CallResponse *r = resp;
        if (r->resultsSize == 1)
            dtypes_resolve_variants(store_find(q->d, q->session_id), r->results[0].outputArguments,
                                    r->results[0].outputArgumentsSize);
        if (r->resultsSize != 1)
            reply_error(q->req, "ServiceException", "call: the server returned no result");
        else
            reply_cached(q, q->tagged ? wire_tagged_call_result(&r->results[0])
                                      : wire_from_call_result(&r->results[0]));
    }
    qctx_free(q);
}

static void q_call(qctx *q, ua_client *c)
{
    /* Plain JSON arguments: converted by the method's InputArguments. */
    if (dtypes_call_typed(q->d, q->s, q->req, q->params, q->tagged)) {
        qctx_free(q);
        return;
    }
    ua_CallMethodRequest m;
    ua_init(&m, UA_TYPE_CALLMETHODREQUEST);
    wire_error err;
    wire_error_init(&err, "objectId");
    int rc = wire_to_nodeid(param(q->params, 0), &m.objectId, &err);
    if (rc == 0) {
        wire_error_init(&err, "methodId");
        rc = wire_to_nodeid(param(q->params, 1), &m.methodId, &err);
    }
    if (rc == 0 && param(q->params, 2)) {
        wire_error_init(&err, "inputArguments");
        dtypes_bind(q->s, &err);
        rc = wire_to_variants(param(q->params, 2), &m.inputArguments, &m.inputArgumentsSize, &err);
    }
    if (rc != 0) {
        ua_clear(&m, UA_TYPE_CALLMETHODREQUEST);
        reply_wire_error(q->req, &err);
        qctx_free(q);
        return;
    }
    ua_CallRequest req;
    ua_init(&req, UA_TYPE_CALLREQUEST);
    req.methodsToCall = &m;
    req.methodsToCallSize = 1;
    ua_status st = ua_client_call(c, &req, on_call, q);
    ua_clear(&m, UA_TYPE_CALLMETHODREQUEST);
    if (st != UA_STATUS_GOOD)
        submit_failed(q, st);
}

static void on_endpoints(ua_client *c, ua_status st, void *resp, void *ud)
{
    qctx *q = ud;
    (void)c;
    if (!failed(q, st, resp)) {
        ua_GetEndpointsResponse *r = resp;
        json_t *a = json_array();
        for (size_t i = 0; i < r->endpointsSize; i++)
            json_array_append_new(a, q->tagged ? wire_tagged_endpoint(&r->endpoints[i])
                                               : wire_from_endpoint_description(&r->endpoints[i]));
        reply_cached(q, a);
    }
    qctx_free(q);
}

static void q_get_endpoints(qctx *q, ua_client *c)
{
    json_t *p = param(q->params, 0);
    const char *url = json_is_string(p) ? json_string_value(p) : "";
    ua_status st = ua_client_get_endpoints(c, url, on_endpoints, q);
    if (st != UA_STATUS_GOOD)
        submit_failed(q, st);
}

/* ---- reconnect / trust store ------------------------------------------------- */

static void on_reconnected(ua_client *c, ua_status st, void *ud)
{
    qctx *q = ud;
    (void)c;
    if (st == UA_STATUS_GOOD)
        reply_ok(q->req, NULL);
    else
        reply_status(q->req, st, "reconnect failed");
    qctx_free(q);
}

static void q_reconnect(qctx *q, ua_client *c)
{
    ua_status st = ua_client_reconnect(c, on_reconnected, q);
    if (st != UA_STATUS_GOOD)
        submit_failed(q, st);
}

/* query-methods.md 39-42: the session's trust store (daemon_security.c);
 * trustCertificate / untrustCertificate are no-ops without one. */
static void q_trust(qctx *q, dsession *s)
{
    const char *type = "Exception";
    char msg[512];
    json_t *v = dsecurity_trust_method(&s->sec, q->method, q->params, &type, msg, sizeof(msg));
    if (!v) {
        reply_error(q->req, type, msg);
        return;
    }
    reply_ok(q->req, v);
}

/* ---- server information (invoke only) ----------------------------------------- */

static void on_build_info(ua_client *c, ua_status st, void *resp, void *ud)
{
    qctx *q = ud;
    (void)c;
    if (failed(q, st, resp)) {
        qctx_free(q);
        return;
    }
    ua_ReadResponse *r = resp;
    const ua_DataValue *dv = r->resultsSize == 1 ? &r->results[0] : NULL;
    const ua_Variant *v = dv && dv->has_value ? &dv->value : NULL;
    if (strcmp(q->method, "getServerBuildInfo") == 0) {
        const ua_ExtensionObject *eo =
            v && v->type && v->type->kind == UA_KIND_EXTENSIONOBJECT && !v->is_array ? v->data
                                                                                     : NULL;
        if (!eo || eo->encoding != UA_EXTOBJ_DECODED || eo->type != UA_TYPE_BUILDINFO) {
            reply_error(q->req, "ServiceException", "the server's BuildInfo is not readable");
        } else {
            reply_cached(q, wire_tagged_build_info(eo->data));
        }
    } else if (!v || !v->type || v->is_array) {
        reply_cached(q, json_null());
    } else if (v->type->kind == UA_KIND_DATETIME) {
        reply_cached(q, wire_tagged_datetime(*(ua_DateTime *)v->data));
    } else {
        reply_cached(q, wire_from_value(v->data, v->type));
    }
    qctx_free(q);
}

static void q_server_info(qctx *q, ua_client *c)
{
    static const struct {
        const char *method;
        uint32_t node;
    } map[] = {
        {"getServerBuildInfo", UA_NS0_SERVER_SERVERSTATUS_BUILDINFO},
        {"getServerProductName", UA_NS0_SERVER_SERVERSTATUS_BUILDINFO_PRODUCTNAME},
        {"getServerManufacturerName", UA_NS0_SERVER_SERVERSTATUS_BUILDINFO_MANUFACTURERNAME},
        {"getServerSoftwareVersion", UA_NS0_SERVER_SERVERSTATUS_BUILDINFO_SOFTWAREVERSION},
        {"getServerBuildNumber", UA_NS0_SERVER_SERVERSTATUS_BUILDINFO_BUILDNUMBER},
        {"getServerBuildDate", UA_NS0_SERVER_SERVERSTATUS_BUILDINFO_BUILDDATE},
    };
    uint32_t node = 0;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i].method, q->method) == 0)
            node = map[i].node;
    ua_ReadValueId id;
    ua_init(&id, UA_TYPE_READVALUEID);
    id.nodeId = ua_nodeid_numeric(0, node);
    id.attributeId = UA_ATTRIBUTEID_VALUE;
    ua_ReadRequest req;
    ua_init(&req, UA_TYPE_READREQUEST);
    req.nodesToRead = &id;
    req.nodesToReadSize = 1;
    ua_status st = ua_client_read(c, &req, on_build_info, q);
    if (st != UA_STATUS_GOOD)
        submit_failed(q, st);
}

/* The methods invoke knows (describe.methods): the client's module methods,
 * without the local getters. */
static const char *const invoke_methods[] = {
    "read",
    "readMulti",
    "write",
    "writeMulti",
    "call",
    "browse",
    "browseAll",
    "browseRecursive",
    "browseWithContinuation",
    "browseNext",
    "getEndpoints",
    "createSubscription",
    "createMonitoredItems",
    "createEventMonitoredItem",
    "deleteMonitoredItems",
    "modifyMonitoredItems",
    "setTriggering",
    "deleteSubscription",
    "publish",
    "republish",
    "transferSubscriptions",
    "historyReadRaw",
    "historyReadProcessed",
    "historyReadAtTime",
    "translateBrowsePaths",
    "resolveNodeId",
    "getServerProductName",
    "getServerManufacturerName",
    "getServerSoftwareVersion",
    "getServerBuildNumber",
    "getServerBuildDate",
    "getServerBuildInfo",
    "discoverDataTypes",
    NULL,
};

bool invoke_method_known(const char *method)
{
    for (const char *const *m = invoke_methods; *m; m++)
        if (strcmp(*m, method) == 0)
            return true;
    return false;
}

json_t *invoke_method_names(void)
{
    json_t *a = json_array();
    for (const char *const *m = invoke_methods; *m; m++)
        json_array_append_new(a, json_string(*m));
    return a;
}

static bool run_common(qctx *q, dsession *s);
static void reply_unsupported(qctx *q, const char *how);

static void invoke_in(osmd *d, dsession *s, ipc_request *req, const char *method, json_t *params)
{
    qctx *q = qctx_new(d, s, req, method, params);
    if (!q) {
        reply_error(req, "Exception", "out of memory");
        return;
    }
    q->tagged = true;
    if (run_common(q, s))
        return;
    if (strncmp(method, "getServer", 9) == 0)
        q_server_info(q, s->client);
    else
        reply_unsupported(q, "invoke of");
}

/* ---- local getters ------------------------------------------------------------ */

static bool local_getter(qctx *q, dsession *s)
{
    const char *m = q->method;
    ua_client_state state = ua_client_get_state(s->client);
    const ua_operation_limits *lim = ua_client_limits(s->client);
    json_t *v = NULL;
    if (strcmp(m, "isConnected") == 0)
        v = json_boolean(state == UA_CLIENT_CONNECTED);
    else if (strcmp(m, "getConnectionState") == 0)
        v = json_string(state == UA_CLIENT_CONNECTED ? "Connected"
                        : state == UA_CLIENT_BROKEN  ? "Broken"
                                                     : "Disconnected");
    else if (strcmp(m, "getTimeout") == 0)
        v = json_real(s->settings.has_opcua_timeout ? s->settings.opcua_timeout : 5.0);
    else if (strcmp(m, "getAutoRetry") == 0)
        v = json_integer(s->settings.has_auto_retry ? s->settings.auto_retry : 1);
    else if (strcmp(m, "getBatchSize") == 0)
        v = s->settings.has_batch_size ? json_integer(s->settings.batch_size) : json_null();
    else if (strcmp(m, "getDefaultBrowseMaxDepth") == 0)
        v = json_integer(s->settings.has_browse_depth ? s->settings.default_browse_max_depth : 10);
    else if (strcmp(m, "getServerMaxNodesPerRead") == 0)
        v = lim->known && lim->max_nodes_per_read ? json_integer(lim->max_nodes_per_read)
                                                  : json_null();
    else if (strcmp(m, "getServerMaxNodesPerWrite") == 0)
        v = lim->known && lim->max_nodes_per_write ? json_integer(lim->max_nodes_per_write)
                                                   : json_null();
    else if (strcmp(m, "flushCache") == 0) {
        dcache_flush(q->d->cache);
        dwrite_forget_all(q->d);
        v = json_null();
    } else if (strcmp(m, "invalidateCache") == 0) {
        wire_error err;
        ua_NodeId id;
        wire_error_init(&err, "nodeId");
        if (wire_to_nodeid(param(q->params, 0), &id, &err) != 0) {
            reply_wire_error(q->req, &err);
            return true;
        }
        json_t *canon = wire_from_nodeid(&id);
        dcache_invalidate_node(q->d->cache, canon);
        dwrite_forget_node(q->d, &id);
        json_decref(canon);
        ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
        v = json_null();
    } else if (strcmp(m, "getTrustStore") == 0 || strcmp(m, "getTrustPolicy") == 0) {
        q_trust(q, s);
        return true;
    } else if (strcmp(m, "getEventDispatcher") == 0 || strcmp(m, "getLogger") == 0) {
        reply_error(q->req, "SerializationException", "Cannot serialize value of type object");
        return true;
    } else {
        return false;
    }
    reply_ok(q->req, v);
    return true;
}

/* daemon.md §12: which calls are cached, and whether this one may use it
 * (useCache / refresh). A hit answers at once; otherwise q->cache_key is
 * set so the answer is stored. */
static bool cache_lookup(qctx *q, dsession *s)
{
    if (!q->d->cache || q->tagged)
        return false;
    const char *m = q->method;
    size_t flag_at;
    bool flag_means_use = true; /* useCache (true = use) or refresh (true = bypass) */
    if (strcmp(m, "browse") == 0 || strcmp(m, "browseAll") == 0)
        flag_at = 5;
    else if (strcmp(m, "resolveNodeId") == 0)
        flag_at = 2;
    else if (strcmp(m, "getEndpoints") == 0)
        flag_at = 1;
    else if (strcmp(m, "read") == 0 && s->settings.read_metadata_cache) {
        json_t *attr = param(q->params, 1);
        if (!attr || (json_is_integer(attr) && json_integer_value(attr) == 13))
            return false; /* values are never cached */
        flag_at = 2;
        flag_means_use = false;
    } else {
        return false;
    }
    json_t *flag = param(q->params, flag_at);
    if (flag && json_is_true(flag) != flag_means_use)
        return false;
    /* Key: the node in canonical form, then the other parameters. */
    json_t *node = NULL;
    json_t *first = param(q->params, 0);
    if (first && !json_is_string(first)) {
        ua_NodeId id;
        wire_error err;
        wire_error_init(&err, "nodeId");
        if (wire_to_nodeid(first, &id, &err) != 0)
            return false; /* the method reports the error */
        node = wire_from_nodeid(&id);
        ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
    } else if (first) {
        node = json_incref(first);
    }
    json_t *rest = json_array();
    for (size_t i = 1; i < json_array_size(q->params); i++)
        if (i != flag_at)
            json_array_append(rest, json_array_get(q->params, i));
    q->cache_key = dcache_key(s->endpoint_url, m, node, rest);
    json_decref(node);
    json_decref(rest);
    json_t *hit = q->cache_key ? dcache_get(q->d->cache, q->cache_key) : NULL;
    if (!hit)
        return false;
    reply_ok(q->req, hit);
    qctx_free(q);
    return true;
}

/* The methods query and invoke both serve (invoke answers in the tagged
 * shapes). Returns false when method is not one of them. */
static bool run_common(qctx *q, dsession *s)
{
    ua_client *c = s->client;
    const char *m = q->method;
    if (strcmp(m, "read") == 0)
        q_read(q, c);
    else if (strcmp(m, "readMulti") == 0)
        q_read_multi(q, c);
    else if (strcmp(m, "browse") == 0 || strcmp(m, "browseWithContinuation") == 0 ||
             strcmp(m, "browseAll") == 0)
        q_browse(q, c);
    else if (strcmp(m, "browseNext") == 0)
        q_browse_next(q, c);
    else if (strcmp(m, "translateBrowsePaths") == 0)
        q_translate(q, c);
    else if (strcmp(m, "call") == 0)
        q_call(q, c);
    else if (strcmp(m, "getEndpoints") == 0)
        q_get_endpoints(q, c);
    else if (strcmp(m, "write") == 0 || strcmp(m, "writeMulti") == 0) {
        query_write(q->d, s, q->req, m, q->params, q->tagged);
        qctx_free(q);
    } else if (strcmp(m, "discoverDataTypes") == 0) {
        query_discover_data_types(q->d, s, q->req, q->params, q->tagged);
        qctx_free(q);
    }
    else if (query_subs_run(q->d, s, q->req, m, q->params, q->tagged) ||
             query_history_run(q->d, s, q->req, m, q->params, q->tagged))
        qctx_free(q);
    else
        return false;
    return true;
}

static void reply_unsupported(qctx *q, const char *how)
{
    char msg[200];
    snprintf(msg, sizeof(msg), "%s %s is not available in this daemon version", how, q->method);
    reply_error(q->req, "ServiceUnsupportedException", msg);
    qctx_free(q);
}

static void query_in(osmd *d, dsession *s, ipc_request *req, const char *method, json_t *params)
{
    qctx *q = qctx_new(d, s, req, method, params);
    if (!q) {
        reply_error(req, "Exception", "out of memory");
        return;
    }
    if (local_getter(q, s)) {
        qctx_free(q);
        return;
    }
    if (cache_lookup(q, s) || run_common(q, s))
        return;
    if (strcmp(method, "reconnect") == 0) {
        q_reconnect(q, s->client);
    } else if (strcmp(method, "trustCertificate") == 0 ||
               strcmp(method, "untrustCertificate") == 0) {
        q_trust(q, s);
        qctx_free(q);
    } else if (strcmp(method, "browseRecursive") == 0) {
        query_browse_recursive(d, s, req, params);
        qctx_free(q);
    } else if (strcmp(method, "resolveNodeId") == 0) {
        query_resolve_node_id(d, s, req, params, q->cache_key);
        q->cache_key = NULL; /* taken */
        qctx_free(q);
    } else {
        reply_unsupported(q, "query method");
    }
}

/* Every NodeId the methods decode from their params resolves "nsu" through
 * the session's NamespaceArray (daemon_ns.c). */
void query_run(osmd *d, dsession *s, ipc_request *req, const char *method, json_t *params)
{
    wire_namespaces t;
    const wire_namespaces *prev = dns_use(s, &t);
    query_in(d, s, req, method, params);
    wire_namespaces_use(prev);
}

void invoke_run(osmd *d, dsession *s, ipc_request *req, const char *method, json_t *params)
{
    wire_namespaces t;
    const wire_namespaces *prev = dns_use(s, &t);
    invoke_in(d, s, req, method, params);
    wire_namespaces_use(prev);
}
