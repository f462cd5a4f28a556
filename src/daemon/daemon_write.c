/* write / writeMulti (query-methods.md #11, #12). A value sent without a
 * type is converted to the type of what it is written to: for the Value
 * attribute the node's DataType and ValueRank, read in one request
 * together with the Value (which decides when the DataType is abstract or
 * server-defined) and then kept per session (daemon_write_cache.c); for
 * the other attributes the type Part 3 (1.05) 5 gives them. A value that
 * does not fit is refused, naming the type, before anything is sent; the
 * Write's own results are the status integers of the spec. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_int.h"
#include "daemon_types.h"
#include "daemon_write_int.h"
#include "ua_datatype.h"
#include "ua_nodeids.h"
#include "ua_statuscodes.h"
#include "ua_text.h"
#include "util/log.h"
#include "wire.h"

/* Part 3 (1.05) 5.2-5.9: the type of each attribute other than Value. */
static const struct {
    uint8_t kind;
    int8_t rank;
} attr_type[] = {
    [UA_ATTRIBUTEID_NODEID] = {UA_KIND_NODEID, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_NODECLASS] = {UA_KIND_INT32, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_BROWSENAME] = {UA_KIND_QUALIFIEDNAME, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_DISPLAYNAME] = {UA_KIND_LOCALIZEDTEXT, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_DESCRIPTION] = {UA_KIND_LOCALIZEDTEXT, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_WRITEMASK] = {UA_KIND_UINT32, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_USERWRITEMASK] = {UA_KIND_UINT32, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_ISABSTRACT] = {UA_KIND_BOOLEAN, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_SYMMETRIC] = {UA_KIND_BOOLEAN, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_INVERSENAME] = {UA_KIND_LOCALIZEDTEXT, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_CONTAINSNOLOOPS] = {UA_KIND_BOOLEAN, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_EVENTNOTIFIER] = {UA_KIND_BYTE, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_DATATYPE] = {UA_KIND_NODEID, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_VALUERANK] = {UA_KIND_INT32, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_ARRAYDIMENSIONS] = {UA_KIND_UINT32, 1},
    [UA_ATTRIBUTEID_ACCESSLEVEL] = {UA_KIND_BYTE, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_USERACCESSLEVEL] = {UA_KIND_BYTE, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_MINIMUMSAMPLINGINTERVAL] = {UA_KIND_DOUBLE, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_HISTORIZING] = {UA_KIND_BOOLEAN, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_EXECUTABLE] = {UA_KIND_BOOLEAN, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_USEREXECUTABLE] = {UA_KIND_BOOLEAN, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_DATATYPEDEFINITION] = {UA_KIND_EXTENSIONOBJECT, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_ROLEPERMISSIONS] = {UA_KIND_EXTENSIONOBJECT, 1},
    [UA_ATTRIBUTEID_USERROLEPERMISSIONS] = {UA_KIND_EXTENSIONOBJECT, 1},
    [UA_ATTRIBUTEID_ACCESSRESTRICTIONS] = {UA_KIND_UINT16, WIRE_RANK_SCALAR},
    [UA_ATTRIBUTEID_ACCESSLEVELEX] = {UA_KIND_UINT32, WIRE_RANK_SCALAR},
};

/* Detection reads these attributes of a node, in this order. */
enum { R_DATATYPE, R_VALUERANK, R_VALUE, R_COUNT };
static const uint32_t read_attrs[R_COUNT] = {UA_ATTRIBUTEID_DATATYPE, UA_ATTRIBUTEID_VALUERANK,
                                             UA_ATTRIBUTEID_VALUE};

typedef struct witem {
    wire_write_item w;
    wtype t;       /* how to convert; kind 0 while unknown */
    bool detected; /* t describes the target (no type in the request) */
    bool reading;  /* its type is being read: results at read_at.. */
    size_t read_at;
} witem;

typedef struct wctx {
    osmd *d;
    ipc_request *req;
    char session_id[33];
    bool multi, tagged;
    witem *items;
    size_t n;
} wctx;

static void wctx_free(wctx *w)
{
    for (size_t i = 0; w->items && i < w->n; i++) {
        wire_write_item_clear(&w->items[i].w);
        wtype_clear(&w->items[i].t);
    }
    free(w->items);
    free(w);
}

/* Replies with the failure of a request itself (transport or service). */
static bool failed(wctx *w, const char *what, ua_status st, void *resp)
{
    if (st == UA_STATUS_GOOD && resp &&
        UA_STATUS_IS_BAD(((ua_ResponseHeader *)resp)->serviceResult))
        st = ((ua_ResponseHeader *)resp)->serviceResult;
    if (st == UA_STATUS_GOOD && resp)
        return false;
    reply_status(w->req, st != UA_STATUS_GOOD ? st : UA_STATUS_BADUNEXPECTEDERROR, what);
    return true;
}

static const char *op(const wctx *w)
{
    return w->multi ? "writeMulti failed" : "write failed";
}

/* The node's text form for messages; owned, never NULL. */
static char *node_text(const ua_NodeId *id)
{
    char *t = ua_nodeid_to_cstr(id);
    return t ? t : strdup("?");
}

static const char *kind_name(unsigned kind)
{
    const ua_type *t = ua_builtin_type(kind);
    return t ? t->name : "?";
}

/* ---- the request ------------------------------------------------------------ */

static int parse_items(wctx *w, json_t *params)
{
    wire_error err;
    json_t *first = json_array_get(params, 0); /* writeItems, or write's nodeId */
    if (w->multi && !json_is_array(first)) {
        reply_error(w->req, "TypeError", "writeItems must be an array of WriteItem");
        return -1;
    }
    size_t n = w->multi ? json_array_size(first) : 1;
    w->items = calloc(n ? n : 1, sizeof(*w->items));
    if (!w->items) {
        reply_error(w->req, "Exception", "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *obj = json_array_get(first, i);
        if (!w->multi) { /* [nodeId, value, type]: the WriteItem shape */
            obj = json_object();
            if (first && !json_is_null(first))
                json_object_set(obj, "nodeId", first);
            json_t *v = json_array_get(params, 1);
            json_object_set(obj, "value", v ? v : json_null());
            json_t *type = json_array_get(params, 2);
            if (type && !json_is_null(type))
                json_object_set(obj, "type", type);
        }
        wire_error_init(&err, w->multi ? "writeItems" : "write");
        int rc = wire_to_write_item(obj, &w->items[i].w, &err);
        if (!w->multi)
            json_decref(obj);
        if (rc != 0) {
            reply_error(w->req, err.type ? err.type : "TypeError", err.message);
            return -1;
        }
        w->n = i + 1;
    }
    return 0;
}

/* ---- what the node says -------------------------------------------------------- */

static const ua_dyntypes *reg_of(const dsession *s)
{
    return s && s->types ? s->types->reg : NULL;
}

static void value_encoding(const ua_Variant *v, ua_NodeId *enc)
{
    if (!v->type || v->type->kind != UA_KIND_EXTENSIONOBJECT || !v->data ||
        (v->is_array && v->array_length == 0))
        return;
    const ua_ExtensionObject *eo = v->data; /* the first element of an array */
    const ua_NodeId *id = eo->encoding == UA_EXTOBJ_DECODED && eo->type
                              ? &eo->type->binary_encoding_id
                              : &eo->type_id;
    ua_copy(id, enc, UA_BUILTIN(UA_KIND_NODEID));
}

static bool good_scalar(const ua_DataValue *dv, unsigned kind)
{
    return dv && UA_STATUS_IS_GOOD(dv->status) && dv->has_value && dv->value.type &&
           dv->value.type->kind == kind && !dv->value.is_array && dv->value.data;
}

/* Fills t from the DataType, ValueRank and Value read from node; on
 * failure writes the reason into why and returns -1. */
static int classify(const dsession *s, const ua_DataValue dv[R_COUNT], wtype *t, char *why,
                    size_t size)
{
    const ua_DataValue *dt = &dv[R_DATATYPE], *vr = &dv[R_VALUERANK], *val = &dv[R_VALUE];
    t->rank = good_scalar(vr, UA_KIND_INT32) ? dwrite_rank_of(*(const ua_Int32 *)vr->value.data)
                                             : WIRE_RANK_ANY;
    if (good_scalar(dt, UA_KIND_NODEID)) {
        ua_copy(dt->value.data, &t->data_type, UA_BUILTIN(UA_KIND_NODEID));
        t->kind = dwrite_kind_of_datatype(s, &t->data_type);
    }
    const ua_Variant *v = UA_STATUS_IS_GOOD(val->status) && val->has_value ? &val->value : NULL;
    if (!t->kind && v && v->type && v->type->kind <= UA_KIND_DIAGNOSTICINFO) {
        t->kind = v->type->kind; /* as the reference: the type of the value held */
        t->from_value = true;
        if (!good_scalar(vr, UA_KIND_INT32))
            t->rank = v->is_array ? WIRE_RANK_ONE_OR_MORE_DIMS : WIRE_RANK_SCALAR;
    }
    if (t->kind == UA_KIND_EXTENSIONOBJECT && v)
        value_encoding(v, &t->value_enc);
    if (t->kind)
        return 0;
    if (!good_scalar(dt, UA_KIND_NODEID)) {
        if (UA_STATUS_IS_GOOD(dt->status))
            snprintf(why, size, "its DataType attribute is not a NodeId and it has no value");
        else
            snprintf(why, size, "reading its DataType gave %s", ua_status_name(dt->status));
        return -1;
    }
    char *name = node_text(&t->data_type);
    snprintf(why, size, "node has no value and its DataType %s is %s", name,
             ua_datatype_builtin(&t->data_type) == UA_KIND_VARIANT
                 ? "abstract"
                 : "not one this daemon knows (give the type)");
    free(name);
    return -1;
}

/* from: where the type came from ("cached", "read from the node", ...). */
static void log_type(const witem *it, const char *from)
{
    if (log_get_level() > LOG_DEBUG)
        return;
    char *node = node_text(&it->w.node_id);
    log_debug("Write type for node %s: %s, value rank %d (%s)", node, kind_name(it->t.kind),
              (int)it->t.rank, from);
    free(node);
}

/* ---- converting and writing ------------------------------------------------------ */

static json_t *wrap_fields(const ua_NodeId *enc, json_t *v)
{
    if (!json_is_object(v) || json_object_get(v, "typeId"))
        return json_incref(v);
    json_t *o = json_object();
    json_object_set_new(o, "typeId", wire_from_nodeid(enc));
    json_object_set_new(o, "encoding", json_integer(1));
    json_object_set_new(o, "body", json_null());
    json_object_set(o, "value", v);
    return o;
}

/* The JSON to convert (a new reference): the bare fields of a discovered
 * structure get their ExtensionObject frame. */
static json_t *value_for(const dsession *s, const witem *it)
{
    const ua_dyntypes *reg = reg_of(s);
    const ua_type *st = NULL;
    if (reg && it->detected && it->t.kind == UA_KIND_EXTENSIONOBJECT) {
        if (!ua_nodeid_is_null(&it->t.data_type))
            st = ua_dyntypes_by_type_id(reg, &it->t.data_type);
        if (!st && !ua_nodeid_is_null(&it->t.value_enc))
            st = ua_dyntypes_find(reg, &it->t.value_enc);
    }
    if (!st || ua_nodeid_is_null(&st->binary_encoding_id))
        return json_incref(it->w.value);
    if (!json_is_array(it->w.value))
        return wrap_fields(&st->binary_encoding_id, it->w.value);
    json_t *a = json_array();
    size_t i;
    json_t *el;
    json_array_foreach(it->w.value, i, el)
        json_array_append_new(a, wrap_fields(&st->binary_encoding_id, el));
    return a;
}

/* Converts item i into out; on failure replies and returns -1. A value
 * that does not fit the target's own type is what the server would refuse
 * with BadTypeMismatch: the message says so and names the type. */
static int convert(wctx *w, const dsession *s, size_t i, ua_Variant *out)
{
    const witem *it = &w->items[i];
    char name[48];
    snprintf(name, sizeof(name), "writeItems[%zu].value", i);
    wire_error err;
    wire_namespaces ns; /* NodeId values resolve "nsu" with the session's current table */
    wire_error_init(&err, w->multi ? name : "value");
    dns_bind(s, &ns, &err);
    dtypes_bind(s, &err);
    json_t *v = value_for(s, it);
    int rc = wire_to_variant_typed(v, it->t.kind, it->t.rank, out, &err);
    json_decref(v);
    if (rc == 0)
        return 0;
    const char *type = err.type ? err.type : WIRE_TYPE_ERROR;
    if (!it->detected || strcmp(type, WIRE_TYPE_ERROR) != 0) {
        reply_error(w->req, type, err.message);
        return -1;
    }
    char *node = node_text(&it->w.node_id), target[64] = "";
    if (it->w.attribute_id != UA_ATTRIBUTEID_VALUE)
        snprintf(target, sizeof(target), "attribute %u of ", (unsigned)it->w.attribute_id);
    char msg[WIRE_ERROR_MESSAGE_MAX + 400];
    snprintf(msg, sizeof(msg), "%s (BadTypeMismatch: %s%s holds %s%s%s)", err.message, target, node,
             kind_name(it->t.kind), it->t.rank >= WIRE_RANK_ONE_OR_MORE_DIMS ? " arrays" : "",
             it->t.from_value ? " now; give a type to write another" : "");
    free(node);
    reply_error(w->req, type, msg);
    return -1;
}

static void on_written(ua_client *c, ua_status st, void *resp, void *ud)
{
    wctx *w = ud;
    (void)c;
    if (!failed(w, op(w), st, resp)) {
        ua_WriteResponse *r = resp;
        /* The node's type changed since it was detected: read it again. */
        for (size_t i = 0; i < w->n && i < r->resultsSize; i++)
            if (w->items[i].detected && r->results[i] == UA_STATUS_BADTYPEMISMATCH)
                dwrite_forget_node(w->d, &w->items[i].w.node_id);
        if (w->multi)
            reply_data(w->req, wire_from_status_codes(r->results, r->resultsSize), w->tagged);
        else if (r->resultsSize == 1)
            reply_data(w->req, json_integer(r->results[0]), w->tagged);
        else
            reply_error(w->req, "ServiceException", "write: the server returned no result");
    }
    wctx_free(w);
}

/* Converts every item (nothing is sent when one does not fit) and sends
 * the Write. s may be NULL (the session went away meanwhile). */
static void send_write(wctx *w, ua_client *c, const dsession *s)
{
    ua_WriteRequest req;
    ua_init(&req, UA_TYPE_WRITEREQUEST);
    req.nodesToWrite = ua_array_new(w->n, UA_TYPE_WRITEVALUE);
    if (!req.nodesToWrite) {
        reply_error(w->req, "Exception", "out of memory");
        wctx_free(w);
        return;
    }
    req.nodesToWriteSize = w->n;
    for (size_t i = 0; i < w->n; i++) {
        ua_WriteValue *wv = &req.nodesToWrite[i];
        wv->attributeId = w->items[i].w.attribute_id;
        wv->value.has_value = true;
        if (ua_copy(&w->items[i].w.node_id, &wv->nodeId, UA_BUILTIN(UA_KIND_NODEID)) !=
            UA_STATUS_GOOD) {
            reply_error(w->req, "Exception", "out of memory");
            goto out;
        }
        if (convert(w, s, i, &wv->value.value) != 0)
            goto out;
    }
    ua_status st = ua_client_write(c, &req, on_written, w);
    ua_clear(&req, UA_TYPE_WRITEREQUEST);
    if (st != UA_STATUS_GOOD) {
        reply_status(w->req, st, op(w));
        wctx_free(w);
    }
    return;
out:
    ua_clear(&req, UA_TYPE_WRITEREQUEST);
    wctx_free(w);
}

/* ---- detection ----------------------------------------------------------------- */

static void detect_failed(wctx *w, const ua_NodeId *node, const char *why)
{
    char *text = node_text(node);
    char msg[600];
    snprintf(msg, sizeof(msg), "Cannot auto-detect write type for node %s: %s", text, why);
    free(text);
    reply_error(w->req, "WriteTypeDetectionException", msg);
}

static void on_detected(ua_client *c, ua_status st, void *resp, void *ud)
{
    wctx *w = ud;
    if (failed(w, op(w), st, resp)) {
        wctx_free(w);
        return;
    }
    ua_ReadResponse *r = resp;
    dsession *s = store_find(w->d, w->session_id);
    for (size_t i = 0; i < w->n; i++) {
        witem *it = &w->items[i];
        if (!it->reading)
            continue;
        char why[300] = "the server returned no result";
        if (it->read_at + R_COUNT > r->resultsSize ||
            classify(s, &r->results[it->read_at], &it->t, why, sizeof(why)) != 0) {
            detect_failed(w, &it->w.node_id, why);
            wctx_free(w);
            return;
        }
        if (s) {
            dwrite_cache_put(w->d, s, &it->w.node_id, &it->t);
            dwrite_meta_put(w->d, s, &it->w.node_id, &r->results[it->read_at + R_DATATYPE],
                            &r->results[it->read_at + R_VALUERANK]);
        }
        log_type(it, "read from the node");
    }
    send_write(w, c, s);
}

/* Decides how item it is converted: the request's type, the attribute's
 * own type, the cached one, or (it->reading) read from the node. */
static int resolve(wctx *w, dsession *s, witem *it, size_t *reads)
{
    if (it->w.type) {
        it->t.kind = it->w.type;
        it->t.rank = WIRE_RANK_ANY;
        return 0;
    }
    if (s->settings.has_auto_detect_write_type && !s->settings.auto_detect_write_type) {
        char *node = node_text(&it->w.node_id), msg[400];
        snprintf(msg, sizeof(msg),
                 "Write type auto-detection is disabled and no explicit type was provided for "
                 "node %s",
                 node);
        free(node);
        reply_error(w->req, "WriteTypeDetectionException", msg);
        return -1;
    }
    it->detected = true;
    uint32_t a = it->w.attribute_id;
    if (a != UA_ATTRIBUTEID_VALUE) {
        if (a < sizeof(attr_type) / sizeof(attr_type[0]) && attr_type[a].kind) {
            it->t.kind = attr_type[a].kind;
            it->t.rank = attr_type[a].rank;
            return 0;
        }
        char why[80];
        snprintf(why, sizeof(why), "%u is not an attribute id (1..27)", (unsigned)a);
        detect_failed(w, &it->w.node_id, why);
        return -1;
    }
    if (dwrite_cache_get(w->d, s, &it->w.node_id, &it->t)) {
        log_type(it, "cached");
        return 0;
    }
    if (dwrite_meta_get(w->d, s, &it->w.node_id, &it->t)) {
        dwrite_cache_put(w->d, s, &it->w.node_id, &it->t);
        log_type(it, "from the metadata cache");
        return 0;
    }
    it->reading = true;
    it->read_at = *reads * R_COUNT;
    (*reads)++;
    return 0;
}

static void read_types(wctx *w, dsession *s, size_t reads)
{
    ua_ReadRequest rr;
    ua_init(&rr, UA_TYPE_READREQUEST);
    rr.timestampsToReturn = UA_TIMESTAMPSTORETURN_BOTH; /* as `read`, for readMetadataCache */
    rr.nodesToRead = ua_array_new(reads * R_COUNT, UA_TYPE_READVALUEID);
    ua_status st = rr.nodesToRead ? UA_STATUS_GOOD : UA_STATUS_BADOUTOFMEMORY;
    rr.nodesToReadSize = rr.nodesToRead ? reads * R_COUNT : 0;
    for (size_t i = 0; st == UA_STATUS_GOOD && i < w->n; i++) {
        const witem *it = &w->items[i];
        for (size_t k = 0; it->reading && k < R_COUNT; k++) {
            ua_ReadValueId *id = &rr.nodesToRead[it->read_at + k];
            id->attributeId = read_attrs[k];
            if (ua_copy(&it->w.node_id, &id->nodeId, UA_BUILTIN(UA_KIND_NODEID)) != UA_STATUS_GOOD)
                st = UA_STATUS_BADOUTOFMEMORY;
        }
    }
    if (st == UA_STATUS_GOOD)
        st = ua_client_read(s->client, &rr, on_detected, w);
    ua_clear(&rr, UA_TYPE_READREQUEST);
    if (st != UA_STATUS_GOOD) {
        reply_status(w->req, st, op(w));
        wctx_free(w);
    }
}

void query_write(osmd *d, dsession *s, ipc_request *req, const char *method, json_t *params,
                 bool tagged)
{
    wctx *w = calloc(1, sizeof(*w));
    if (!w) {
        reply_error(req, "Exception", "out of memory");
        return;
    }
    w->d = d;
    w->req = req;
    w->tagged = tagged;
    w->multi = strcmp(method, "writeMulti") == 0;
    snprintf(w->session_id, sizeof(w->session_id), "%s", s->id);
    if (parse_items(w, params) != 0) {
        wctx_free(w);
        return;
    }
    size_t reads = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (resolve(w, s, &w->items[i], &reads) != 0) {
            wctx_free(w);
            return;
        }
    }
    if (reads)
        read_types(w, s, reads);
    else
        send_write(w, s->client, s);
}
