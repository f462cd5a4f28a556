/* Use of a session's discovered types on the query path: ExtensionObject
 * bodies decoded in place before results become JSON, arguments and
 * written values encoded from named fields, and calls whose arguments are
 * plain JSON converted by the method's InputArguments (Part 3 (1.05)
 * 5.7; the Argument structure of Part 3 8.6). Discovery itself is in
 * daemon_types.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_int.h"
#include "daemon_types.h"
#include "ua_datatype.h"
#include "ua_nodeids.h"
#include "ua_statuscodes.h"

static ua_dyntypes *reg_of(const dsession *s)
{
    return s && s->types ? s->types->reg : NULL;
}

dtypes *dtypes_of(dsession *s)
{
    if (!s->types)
        s->types = calloc(1, sizeof(dtypes));
    return s->types;
}

static void sigs_clear(dtypes *t)
{
    for (size_t i = 0; i < t->nsigs; i++) {
        ua_clear(&t->sigs[i].method, UA_BUILTIN(UA_KIND_NODEID));
        ua_array_delete(t->sigs[i].args, t->sigs[i].n, UA_TYPE_ARGUMENT);
    }
    free(t->sigs);
    t->sigs = NULL;
    t->nsigs = 0;
    ua_nodemap_clear(&t->sig_index);
}

void dtypes_free(dtypes *t)
{
    if (!t)
        return;
    ua_dyntypes_delete(t->reg);
    sigs_clear(t);
    free(t);
}

/* Only types with an encoding id can travel in an ExtensionObject. */
static const ua_type *lookup(void *ctx, const ua_NodeId *id)
{
    const ua_type *t = ua_dyntypes_find(ctx, id);
    return t && !ua_nodeid_is_null(&t->binary_encoding_id) ? t : NULL;
}

void dtypes_bind(const dsession *s, wire_error *err)
{
    if (reg_of(s)) {
        err->lookup = lookup;
        err->lookup_ctx = reg_of(s);
    }
}

void dtypes_resolve_data_values(const dsession *s, ua_DataValue *dvs, size_t n)
{
    for (size_t i = 0; reg_of(s) && i < n; i++)
        ua_dyntypes_resolve_data_value(reg_of(s), &dvs[i]);
}

void dtypes_resolve_variants(const dsession *s, ua_Variant *vs, size_t n)
{
    for (size_t i = 0; reg_of(s) && i < n; i++)
        ua_dyntypes_resolve_variant(reg_of(s), &vs[i]);
}

void dtypes_resolve_notifications(const dsession *s, ua_NotificationMessage *m)
{
    const ua_dyntypes *reg = reg_of(s);
    for (size_t i = 0; reg && i < m->notificationDataSize; i++) {
        ua_ExtensionObject *eo = &m->notificationData[i];
        if (eo->encoding != UA_EXTOBJ_DECODED || !eo->data)
            continue;
        if (eo->type == UA_TYPE_DATACHANGENOTIFICATION) {
            ua_DataChangeNotification *dc = eo->data;
            for (size_t k = 0; k < dc->monitoredItemsSize; k++)
                ua_dyntypes_resolve_data_value(reg, &dc->monitoredItems[k].value);
        } else if (eo->type == UA_TYPE_EVENTNOTIFICATIONLIST) {
            ua_EventNotificationList *ev = eo->data;
            for (size_t k = 0; k < ev->eventsSize; k++)
                dtypes_resolve_variants(s, ev->events[k].eventFields,
                                        ev->events[k].eventFieldsSize);
        }
    }
}

/* ---- calls with plain JSON arguments ------------------------------------------ */

typedef struct cctx {
    osmd *d;
    ipc_request *req;
    char session_id[33];
    bool tagged;
    ua_NodeId object, method;
    json_t *args; /* held */
} cctx;

static void cctx_free(cctx *x)
{
    ua_clear(&x->object, UA_BUILTIN(UA_KIND_NODEID));
    ua_clear(&x->method, UA_BUILTIN(UA_KIND_NODEID));
    json_decref(x->args);
    free(x);
}

static void call_failed(cctx *x, ua_status st)
{
    reply_status(x->req, st, "call failed");
    cctx_free(x);
}

static bool is_variant_object(const json_t *j)
{
    return json_is_object(j) && json_object_get(j, "type");
}

static const dsig *find_sig(const dsession *s, const ua_NodeId *method)
{
    size_t i;
    if (!s->types || !ua_nodemap_get(&s->types->sig_index, method, &i))
        return NULL;
    return &s->types->sigs[i];
}

/* Keeps args (taken) as method's signature; returns it, or NULL (OOM). */
static const dsig *store_sig(dsession *s, const ua_NodeId *method, ua_Argument *args, size_t n)
{
    dtypes *t = dtypes_of(s);
    if (t && t->nsigs >= DTYPES_MAX_SIGS)
        sigs_clear(t);
    dsig *grown = t ? realloc(t->sigs, (t->nsigs + 1) * sizeof(dsig)) : NULL;
    if (!grown) {
        ua_array_delete(args, n, UA_TYPE_ARGUMENT);
        return NULL;
    }
    t->sigs = grown;
    dsig *g = &t->sigs[t->nsigs];
    memset(g, 0, sizeof(*g));
    if (ua_copy(method, &g->method, UA_BUILTIN(UA_KIND_NODEID)) ||
        ua_nodemap_put(&t->sig_index, method, t->nsigs)) {
        ua_clear(&g->method, UA_BUILTIN(UA_KIND_NODEID));
        ua_array_delete(args, n, UA_TYPE_ARGUMENT);
        return NULL;
    }
    g->args = args;
    g->n = n;
    t->nsigs++;
    return g;
}

static json_t *wrap_fields(const ua_NodeId *enc, const json_t *v)
{
    if (!json_is_object(v) || json_object_get(v, "typeId"))
        return json_incref((json_t *)(uintptr_t)v);
    json_t *o = json_object();
    json_object_set_new(o, "typeId", wire_from_nodeid(enc));
    json_object_set(o, "value", (json_t *)(uintptr_t)v);
    return o;
}

static int coerce_arg(const dsession *s, const ua_Argument *a, const json_t *v, ua_Variant *out,
                      wire_error *err)
{
    const ua_type *t = ua_dyntypes_by_type_id(reg_of(s), &a->dataType);
    if (t && !ua_nodeid_is_null(&t->binary_encoding_id)) {
        json_t *w;
        if (json_is_array(v)) {
            w = json_array();
            size_t i;
            json_t *el;
            json_array_foreach((json_t *)(uintptr_t)v, i, el)
                json_array_append_new(w, wrap_fields(&t->binary_encoding_id, el));
        } else {
            w = wrap_fields(&t->binary_encoding_id, v);
        }
        int rc = wire_to_variant_typed(w, UA_KIND_EXTENSIONOBJECT, a->valueRank, out, err);
        json_decref(w);
        return rc;
    }
    unsigned builtin = ua_datatype_builtin(&a->dataType);
    if (!builtin) {
        err->type = WIRE_TYPE_ERROR;
        snprintf(err->message, sizeof(err->message),
                 "%s: the argument's DataType is not known here (a structure needs "
                 "discoverDataTypes first); give a Variant object {\"type\", \"value\"}",
                 err->param ? err->param : "argument");
        return -1;
    }
    if (wire_to_variant_typed(v, builtin, a->valueRank, out, err) != 0)
        return -1;
    if (builtin == UA_KIND_VARIANT && !out->is_array && out->data) {
        /* BaseDataType: the value itself, typed by its JSON kind. */
        ua_Variant *inner = out->data;
        *out = *inner;
        free(inner);
    }
    return 0;
}

static void on_called(ua_client *c, ua_status st, void *resp, void *ud)
{
    cctx *x = ud;
    (void)c;
    ua_CallResponse *r = resp;
    if (st == UA_STATUS_GOOD && r && UA_STATUS_IS_BAD(r->responseHeader.serviceResult))
        st = r->responseHeader.serviceResult;
    if (st != UA_STATUS_GOOD || !r) {
        call_failed(x, st != UA_STATUS_GOOD ? st : UA_STATUS_BADUNEXPECTEDERROR);
        return;
    }
    if (r->resultsSize != 1) {
        reply_error(x->req, "ServiceException", "call: the server returned no result");
    } else {
        dtypes_resolve_variants(store_find(x->d, x->session_id), r->results[0].outputArguments,
                                r->results[0].outputArgumentsSize);
        reply_data(x->req,
                   x->tagged ? wire_tagged_call_result(&r->results[0])
                             : wire_from_call_result(&r->results[0]),
                   x->tagged);
    }
    cctx_free(x);
}

static void send_call(cctx *x, dsession *s, const dsig *sig)
{
    size_t n = json_array_size(x->args);
    ua_CallMethodRequest m;
    ua_init(&m, UA_TYPE_CALLMETHODREQUEST);
    m.inputArguments = ua_array_new(n, UA_BUILTIN(UA_KIND_VARIANT));
    if (!m.inputArguments) {
        call_failed(x, UA_STATUS_BADOUTOFMEMORY);
        return;
    }
    m.inputArgumentsSize = n;
    for (size_t i = 0; i < n; i++) {
        char name[40];
        snprintf(name, sizeof(name), "inputArguments[%zu]", i);
        wire_error err;
        wire_namespaces t;
        wire_error_init(&err, name);
        dtypes_bind(s, &err);
        dns_bind(s, &t, &err); /* may run after a signature read: no ambient table */
        const json_t *v = json_array_get(x->args, i);
        int rc;
        if (is_variant_object(v)) {
            rc = wire_to_variant(v, &m.inputArguments[i], &err);
        } else if (sig && i < sig->n) {
            rc = coerce_arg(s, &sig->args[i], v, &m.inputArguments[i], &err);
        } else {
            err.type = WIRE_TYPE_ERROR;
            snprintf(err.message, sizeof(err.message),
                     "%s: the method declares %zu input argument(s); give a Variant object "
                     "{\"type\", \"value\"}",
                     name, sig ? sig->n : 0);
            rc = -1;
        }
        if (rc != 0) {
            ua_clear(&m, UA_TYPE_CALLMETHODREQUEST);
            reply_error(x->req, err.type ? err.type : "TypeError", err.message);
            cctx_free(x);
            return;
        }
    }
    ua_copy(&x->object, &m.objectId, UA_BUILTIN(UA_KIND_NODEID));
    ua_copy(&x->method, &m.methodId, UA_BUILTIN(UA_KIND_NODEID));
    ua_CallRequest req;
    ua_init(&req, UA_TYPE_CALLREQUEST);
    req.methodsToCall = &m;
    req.methodsToCallSize = 1;
    ua_status st = ua_client_call(s->client, &req, on_called, x);
    ua_clear(&m, UA_TYPE_CALLMETHODREQUEST);
    if (st != UA_STATUS_GOOD)
        call_failed(x, st);
}

/* The Value of the InputArguments property: Argument[] (or nothing). */
static void on_args(ua_client *c, ua_status st, void *resp, void *ud)
{
    cctx *x = ud;
    (void)c;
    dsession *s = store_find(x->d, x->session_id);
    ua_ReadResponse *r = resp;
    if (!s) {
        call_failed(x, UA_STATUS_BADSESSIONIDINVALID);
        return;
    }
    if (st != UA_STATUS_GOOD || !r) {
        call_failed(x, st != UA_STATUS_GOOD ? st : UA_STATUS_BADUNEXPECTEDERROR);
        return;
    }
    const ua_Variant *v = r->resultsSize == 1 ? &r->results[0].value : NULL;
    size_t n = v && v->type && v->is_array && v->type->kind == UA_KIND_EXTENSIONOBJECT
                   ? v->array_length
                   : 0;
    ua_Argument *args = ua_array_new(n, UA_TYPE_ARGUMENT);
    if (!args) {
        call_failed(x, UA_STATUS_BADOUTOFMEMORY);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const ua_ExtensionObject *eo = &((const ua_ExtensionObject *)v->data)[i];
        if (eo->encoding == UA_EXTOBJ_DECODED && eo->type == UA_TYPE_ARGUMENT && eo->data)
            ua_copy(eo->data, &args[i], UA_TYPE_ARGUMENT);
    }
    send_call(x, s, store_sig(s, &x->method, args, n));
}

static void read_args(cctx *x, ua_client *c, const ua_NodeId *prop)
{
    ua_ReadValueId id;
    ua_init(&id, UA_TYPE_READVALUEID);
    id.nodeId = *prop; /* borrowed */
    id.attributeId = UA_ATTRIBUTEID_VALUE;
    ua_ReadRequest req;
    ua_init(&req, UA_TYPE_READREQUEST);
    req.nodesToRead = &id;
    req.nodesToReadSize = 1;
    req.timestampsToReturn = UA_TIMESTAMPSTORETURN_NEITHER;
    ua_status st = ua_client_read(c, &req, on_args, x);
    if (st != UA_STATUS_GOOD)
        call_failed(x, st);
}

static void on_translated(ua_client *c, ua_status st, void *resp, void *ud)
{
    cctx *x = ud;
    ua_TranslateBrowsePathsToNodeIdsResponse *r = resp;
    dsession *s = store_find(x->d, x->session_id);
    if (!s) {
        call_failed(x, UA_STATUS_BADSESSIONIDINVALID);
        return;
    }
    if (st != UA_STATUS_GOOD || !r) {
        call_failed(x, st != UA_STATUS_GOOD ? st : UA_STATUS_BADUNEXPECTEDERROR);
        return;
    }
    const ua_BrowsePathResult *br = r->resultsSize == 1 ? &r->results[0] : NULL;
    if (br && UA_STATUS_IS_GOOD(br->statusCode) && br->targetsSize > 0) {
        read_args(x, c, &br->targets[0].targetId.node_id);
        return;
    }
    /* No InputArguments property: the method takes no arguments. */
    send_call(x, s, store_sig(s, &x->method, UA_EMPTY_ARRAY, 0));
}

static void find_args(cctx *x, ua_client *c)
{
    ua_RelativePathElement el;
    ua_init(&el, UA_TYPE_RELATIVEPATHELEMENT);
    el.referenceTypeId = ua_nodeid_numeric(0, UA_NS0_HASPROPERTY);
    el.includeSubtypes = true;
    el.targetName.name = ua_string_borrow("InputArguments");
    ua_BrowsePath path;
    ua_init(&path, UA_TYPE_BROWSEPATH);
    path.startingNode = x->method; /* borrowed */
    path.relativePath.elements = &el;
    path.relativePath.elementsSize = 1;
    ua_TranslateBrowsePathsToNodeIdsRequest req;
    ua_init(&req, UA_TYPE_TRANSLATEBROWSEPATHSTONODEIDSREQUEST);
    req.browsePaths = &path;
    req.browsePathsSize = 1;
    ua_status st = ua_client_translate(c, &req, on_translated, x);
    if (st != UA_STATUS_GOOD)
        call_failed(x, st);
}

bool dtypes_call_typed(osmd *d, dsession *s, ipc_request *req, json_t *params, bool tagged)
{
    json_t *args = json_array_get(params, 2);
    if (!json_is_array(args))
        return false;
    bool plain = false;
    size_t i;
    json_t *v;
    json_array_foreach(args, i, v) plain |= !is_variant_object(v);
    if (!plain)
        return false;
    cctx *x = calloc(1, sizeof(*x));
    if (!x) {
        reply_error(req, "Exception", "out of memory");
        return true;
    }
    x->d = d;
    x->req = req;
    x->tagged = tagged;
    x->args = json_incref(args);
    snprintf(x->session_id, sizeof(x->session_id), "%s", s->id);
    wire_error err;
    wire_error_init(&err, "objectId");
    int rc = wire_to_nodeid(json_array_get(params, 0), &x->object, &err);
    if (rc == 0) {
        wire_error_init(&err, "methodId");
        rc = wire_to_nodeid(json_array_get(params, 1), &x->method, &err);
    }
    if (rc != 0) {
        reply_error(req, err.type ? err.type : "TypeError", err.message);
        cctx_free(x);
        return true;
    }
    const dsig *sig = find_sig(s, &x->method);
    if (sig)
        send_call(x, s, sig);
    else
        find_args(x, s->client);
    return true;
}
