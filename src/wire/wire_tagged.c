/* The tagged "wire" JSON of the invoke command (type-serialization.md §3):
 * UA values to {"__t": "<TypeId>", ...} objects, and tagged arguments
 * converted to the query-path shapes the parameter decoders take. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua_statuscodes.h"
#include "ua_text.h"
#include "util/base64.h"
#include "wire_int.h"

static json_t *tag(const char *type)
{
    json_t *o = json_object();
    json_object_set_new(o, "__t", json_string(type));
    return o;
}

static json_t *enum_env(const char *type, json_int_t v)
{
    json_t *o = tag(type);
    json_object_set_new(o, "v", json_integer(v));
    return o;
}

static json_t *b64(const ua_ByteString *b)
{
    if (!b->data)
        return json_null();
    char *out = malloc(base64_encoded_size(b->length) + 1);
    if (!out)
        return NULL;
    base64_encode(b->data, b->length, out);
    json_t *j = json_string(out);
    free(out);
    return j;
}

json_t *wire_tagged_datetime(ua_DateTime t)
{
    if (t <= 0)
        return json_null();
    char iso[48];
    if (ua_datetime_print_iso(t, 6, iso, sizeof(iso)) < 0)
        return json_null();
    /* "...ss.uuuuuuZ" -> "...ss.uuuuuu+00:00" */
    size_t n = strlen(iso);
    if (n > 0 && iso[n - 1] == 'Z')
        snprintf(iso + n - 1, sizeof(iso) - (n - 1), "+00:00");
    json_t *o = tag("DateTime");
    json_object_set_new(o, "v", json_string(iso));
    return o;
}

json_t *wire_tagged_nodeid(const ua_NodeId *id)
{
    char text[600];
    char prefix[16] = "";
    if (id->ns)
        snprintf(prefix, sizeof(prefix), "ns=%u;", (unsigned)id->ns);
    switch (id->id_type) {
    case UA_NODEID_NUMERIC:
        snprintf(text, sizeof(text), "%si=%u", prefix, (unsigned)id->id.numeric);
        break;
    case UA_NODEID_STRING:
        snprintf(text, sizeof(text), "%ss=%.*s", prefix, (int)id->id.string.length,
                 id->id.string.data ? (const char *)id->id.string.data : "");
        break;
    case UA_NODEID_GUID: {
        char g[37];
        ua_guid_print(&id->id.guid, g);
        snprintf(text, sizeof(text), "%sg=%s", prefix, g);
        break;
    }
    default: { /* opaque: hex, as the reference writes it */
        size_t o = (size_t)snprintf(text, sizeof(text), "%sb=", prefix);
        for (size_t i = 0; i < id->id.opaque.length && o + 3 < sizeof(text); i++)
            o += (size_t)snprintf(text + o, sizeof(text) - o, "%02x", id->id.opaque.data[i]);
        break;
    }
    }
    json_t *o = tag("NodeId");
    json_object_set_new(o, "v", json_string(text));
    return o;
}

static json_t *qualified(const ua_QualifiedName *q)
{
    json_t *o = tag("QualifiedName");
    json_object_set_new(o, "ns", json_integer(q->ns));
    json_object_set_new(o, "n", wire_from_string(&q->name));
    return o;
}

static json_t *localized(const ua_LocalizedText *t)
{
    json_t *o = tag("LocalizedText");
    json_object_set_new(o, "locale", wire_from_string(&t->locale));
    json_object_set_new(o, "text", wire_from_string(&t->text));
    return o;
}

json_t *wire_tagged_variant(const ua_Variant *v);

/* One element of a Variant's value. */
static json_t *element(const void *p, const ua_type *type)
{
    switch (type->kind) {
    case UA_KIND_DATETIME:
        return wire_tagged_datetime(*(const ua_DateTime *)p);
    case UA_KIND_NODEID:
        return wire_tagged_nodeid(p);
    case UA_KIND_EXPANDEDNODEID:
        return wire_tagged_nodeid(&((const ua_ExpandedNodeId *)p)->node_id);
    case UA_KIND_QUALIFIEDNAME:
        return qualified(p);
    case UA_KIND_LOCALIZEDTEXT:
        return localized(p);
    case UA_KIND_VARIANT:
        return wire_tagged_variant(p);
    case UA_KIND_DATAVALUE:
        return wire_tagged_data_value(p);
    case UA_KIND_EXTENSIONOBJECT: {
        json_t *q = wire_from_extension_object(p); /* typeId, encoding, body, value */
        json_t *o = tag("ExtensionObject");
        const ua_ExtensionObject *eo = p;
        json_object_set_new(o, "typeId", wire_tagged_nodeid(&eo->type_id));
        json_object_set(o, "encoding", json_object_get(q, "encoding"));
        json_object_set(o, "bodyB64", json_object_get(q, "body"));
        json_object_set(o, "value", json_object_get(q, "value"));
        json_decref(q);
        return o;
    }
    default:
        return wire_from_value(p, type);
    }
}

json_t *wire_tagged_variant(const ua_Variant *v)
{
    json_t *o = tag("Variant");
    if (!v->type) {
        json_object_set_new(o, "type", json_null());
        json_object_set_new(o, "value", json_null());
        json_object_set_new(o, "dims", json_null());
        json_object_set_new(o, "bytesB64", json_null());
        return o;
    }
    unsigned kind = v->type->kind > 25 ? (v->type->kind == UA_KIND_ENUM ? 6 : 22) : v->type->kind;
    json_object_set_new(o, "type", enum_env("BuiltinType", kind));
    bool bytes = kind == UA_KIND_BYTESTRING;
    json_t *value;
    json_t *raw = json_null();
    if (!v->is_array) {
        if (bytes) {
            value = json_null();
            json_decref(raw);
            raw = b64(v->data);
        } else {
            value = element(v->data, v->type);
        }
    } else {
        value = json_array();
        json_t *raws = bytes ? json_array() : NULL;
        for (size_t i = 0; i < v->array_length; i++) {
            const void *e = (const uint8_t *)v->data + i * v->type->mem_size;
            if (bytes)
                json_array_append_new(raws, b64(e));
            json_array_append_new(value, bytes ? json_null() : element(e, v->type));
        }
        if (bytes) {
            json_decref(raw);
            raw = raws;
        }
    }
    json_object_set_new(o, "value", value ? value : json_null());
    if (v->dims_length > 1) {
        json_t *dims = json_array();
        for (size_t i = 0; i < v->dims_length; i++)
            json_array_append_new(dims, json_integer(v->dims[i]));
        json_object_set_new(o, "dims", dims);
    } else {
        json_object_set_new(o, "dims", json_null());
    }
    json_object_set_new(o, "bytesB64", raw ? raw : json_null());
    return o;
}

json_t *wire_tagged_data_value(const ua_DataValue *dv)
{
    json_t *o = tag("DataValue");
    json_object_set_new(o, "variant",
                        dv->has_value && dv->value.type ? wire_tagged_variant(&dv->value)
                                                        : json_null());
    json_object_set_new(o, "status", json_integer(dv->has_status ? dv->status : 0));
    json_object_set_new(o, "sourceTs",
                        dv->has_source_timestamp ? wire_tagged_datetime(dv->source_timestamp)
                                                 : json_null());
    json_object_set_new(o, "serverTs",
                        dv->has_server_timestamp ? wire_tagged_datetime(dv->server_timestamp)
                                                 : json_null());
    return o;
}

json_t *wire_tagged_reference(const ua_ReferenceDescription *r)
{
    json_t *o = tag("ReferenceDescription");
    json_object_set_new(o, "refType", wire_tagged_nodeid(&r->referenceTypeId));
    json_object_set_new(o, "isForward", json_boolean(r->isForward));
    json_object_set_new(o, "nodeId", wire_tagged_nodeid(&r->nodeId.node_id));
    json_object_set_new(o, "browseName", qualified(&r->browseName));
    json_object_set_new(o, "displayName", localized(&r->displayName));
    json_object_set_new(o, "nodeClass", enum_env("NodeClass", r->nodeClass));
    json_object_set_new(o, "typeDef", wire_tagged_nodeid(&r->typeDefinition.node_id));
    return o;
}

json_t *wire_tagged_references(const ua_ReferenceDescription *refs, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, wire_tagged_reference(&refs[i]));
    return a;
}

json_t *wire_tagged_browse_result(const ua_BrowseResult *br)
{
    json_t *o = tag("BrowseResultSet");
    json_object_set_new(o, "refs", wire_tagged_references(br->references, br->referencesSize));
    json_object_set_new(o, "cpB64",
                        br->continuationPoint.length ? b64(&br->continuationPoint) : json_null());
    return o;
}

json_t *wire_tagged_call_result(const ua_CallMethodResult *r)
{
    json_t *o = tag("CallResult");
    json_object_set_new(o, "status", json_integer(r->statusCode));
    json_t *in = json_array();
    for (size_t i = 0; i < r->inputArgumentResultsSize; i++)
        json_array_append_new(in, json_integer(r->inputArgumentResults[i]));
    json_object_set_new(o, "inputResults", in);
    json_t *out = json_array();
    for (size_t i = 0; i < r->outputArgumentsSize; i++)
        json_array_append_new(out, wire_tagged_variant(&r->outputArguments[i]));
    json_object_set_new(o, "output", out);
    return o;
}

json_t *wire_tagged_endpoint(const ua_EndpointDescription *e)
{
    json_t *o = tag("EndpointDescription");
    json_object_set_new(o, "url", wire_from_string(&e->endpointUrl));
    json_object_set_new(o, "cert", b64(&e->serverCertificate));
    json_object_set_new(o, "mode", json_integer(e->securityMode));
    json_object_set_new(o, "policy", wire_from_string(&e->securityPolicyUri));
    json_t *tokens = json_array();
    for (size_t i = 0; i < e->userIdentityTokensSize; i++) {
        const ua_UserTokenPolicy *p = &e->userIdentityTokens[i];
        json_t *t = tag("UserTokenPolicy");
        json_object_set_new(t, "policyId", wire_from_string(&p->policyId));
        json_object_set_new(t, "tokenType", json_integer(p->tokenType));
        json_object_set_new(t, "issuedType", wire_from_string(&p->issuedTokenType));
        json_object_set_new(t, "issuer", wire_from_string(&p->issuerEndpointUrl));
        json_object_set_new(t, "policy", wire_from_string(&p->securityPolicyUri));
        json_array_append_new(tokens, t);
    }
    json_object_set_new(o, "tokens", tokens);
    json_object_set_new(o, "profile", wire_from_string(&e->transportProfileUri));
    json_object_set_new(o, "level", json_integer(e->securityLevel));
    return o;
}

json_t *wire_tagged_browse_path_result(const ua_BrowsePathResult *r)
{
    json_t *o = tag("BrowsePathResult");
    json_object_set_new(o, "status", json_integer(r->statusCode));
    json_t *targets = json_array();
    for (size_t i = 0; i < r->targetsSize; i++) {
        json_t *t = tag("BrowsePathTarget");
        json_object_set_new(t, "target", wire_tagged_nodeid(&r->targets[i].targetId.node_id));
        json_object_set_new(t, "remaining", json_integer(r->targets[i].remainingPathIndex));
        json_array_append_new(targets, t);
    }
    json_object_set_new(o, "targets", targets);
    return o;
}

json_t *wire_tagged_build_info(const ua_BuildInfo *b)
{
    json_t *o = tag("BuildInfo");
    json_object_set_new(o, "product", wire_from_string(&b->productName));
    json_object_set_new(o, "manufacturer", wire_from_string(&b->manufacturerName));
    json_object_set_new(o, "version", wire_from_string(&b->softwareVersion));
    json_object_set_new(o, "build", wire_from_string(&b->buildNumber));
    json_object_set_new(o, "date", wire_tagged_datetime(b->buildDate));
    return o;
}

/* ---- tagged arguments -> query-path JSON ------------------------------------- */

static const char *const known_ids[] = {
    "NodeId",
    "QualifiedName",
    "DataValue",
    "Variant",
    "BrowseNode",
    "ReferenceDescription",
    "EndpointDescription",
    "LocalizedText",
    "ExtensionObject",
    "UserTokenPolicy",
    "CallResult",
    "BrowseResultSet",
    "SubscriptionResult",
    "TransferResult",
    "MonitoredItemResult",
    "MonitoredItemModifyResult",
    "PublishResult",
    "SetTriggeringResult",
    "AddNodesResult",
    "BrowsePathResult",
    "BrowsePathTarget",
    "BuildInfo",
    "BuiltinType",
    "NodeClass",
    "BrowseDirection",
    "ConnectionState",
    NULL,
};

json_t *wire_tagged_type_ids(void)
{
    json_t *a = json_array();
    for (const char *const *t = known_ids; *t; t++)
        json_array_append_new(a, json_string(*t));
    return a;
}

static json_t *encoding_error(wire_error *err, const char *what)
{
    err->type = "EncodingException";
    snprintf(err->message, sizeof(err->message), "%s", what);
    return NULL;
}

/* "nsu=<uri>;s=X" -> {"nsu": "<uri>", "id": "X", "type": "string"}: the
 * URI is resolved where the NodeId is decoded, with the session's table. */
static json_t *nsu_nodeid(const json_t *v, wire_error *err)
{
    ua_ExpandedNodeId x;
    json_t *q = NULL;
    if (ua_expnodeid_parse(&x, json_string_value(v), json_string_length(v)) == UA_STATUS_GOOD) {
        size_t n = x.namespace_uri.length > 0 ? (size_t)x.namespace_uri.length : 0;
        /* json_stringn refuses invalid UTF-8. */
        q = wire_put(wire_from_nodeid(&x.node_id), "nsu",
                     json_stringn(n ? (const char *)x.namespace_uri.data : "", n));
        if (q)
            json_object_del(q, "ns");
        ua_clear(&x, UA_BUILTIN(UA_KIND_EXPANDEDNODEID));
    }
    if (!q) {
        err->type = "InvalidNodeIdException";
        snprintf(err->message, sizeof(err->message), "Invalid NodeId format: %.200s",
                 json_string_value(v));
    }
    return q;
}

json_t *wire_tagged_to_query(const json_t *j, wire_error *err, int depth)
{
    if (depth > 32)
        return encoding_error(err, "Wire payload nested too deeply.");
    if (json_is_array(j)) {
        json_t *a = json_array();
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v)
        {
            json_t *c = wire_tagged_to_query(v, err, depth + 1);
            if (!c) {
                json_decref(a);
                return NULL;
            }
            json_array_append_new(a, c);
        }
        return a;
    }
    if (!json_is_object(j))
        return json_deep_copy(j);
    json_t *t = json_object_get(j, "__t");
    if (!t) { /* a plain map: member-wise */
        json_t *o = json_object();
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)j, k, v)
        {
            json_t *c = wire_tagged_to_query(v, err, depth + 1);
            if (!c) {
                json_decref(o);
                return NULL;
            }
            json_object_set_new(o, k, c);
        }
        return o;
    }
    if (!json_is_string(t))
        return encoding_error(err, "Wire type id must be a string.");
    const char *id = json_string_value(t);
    if (strcmp(id, "NodeId") == 0) {
        json_t *v = json_object_get(j, "v");
        ua_NodeId n;
        if (!json_is_string(v)) {
            err->type = "InvalidNodeIdException";
            snprintf(err->message, sizeof(err->message),
                     "NodeId wire payload: missing or non-string \"v\" field.");
            return NULL;
        }
        if (json_string_length(v) >= 4 && strncmp(json_string_value(v), "nsu=", 4) == 0)
            return nsu_nodeid(v, err);
        if (ua_nodeid_parse(&n, json_string_value(v), json_string_length(v)) != 0) {
            err->type = "InvalidNodeIdException";
            snprintf(err->message, sizeof(err->message), "Invalid NodeId format: %.200s",
                     json_string_value(v));
            return NULL;
        }
        json_t *q = wire_from_nodeid(&n);
        ua_clear(&n, UA_BUILTIN(UA_KIND_NODEID));
        return q;
    }
    if (strcmp(id, "DateTime") == 0) {
        json_t *v = json_object_get(j, "v");
        if (!json_is_string(v))
            return encoding_error(err, "Wire DateTime needs \"v\".");
        return json_incref(v);
    }
    if (strcmp(id, "QualifiedName") == 0)
        return json_pack("{s:O,s:O}", "ns",
                         json_object_get(j, "ns") ? json_object_get(j, "ns") : json_integer(0),
                         "name",
                         json_object_get(j, "n") ? json_object_get(j, "n") : json_string(""));
    if (strcmp(id, "LocalizedText") == 0)
        return json_pack("{s:O,s:O}", "locale",
                         json_object_get(j, "locale") ? json_object_get(j, "locale") : json_null(),
                         "text",
                         json_object_get(j, "text") ? json_object_get(j, "text") : json_null());
    if (strcmp(id, "BuiltinType") == 0 || strcmp(id, "NodeClass") == 0 ||
        strcmp(id, "BrowseDirection") == 0 || strcmp(id, "ConnectionState") == 0) {
        json_t *v = json_object_get(j, "v");
        if (!v)
            return encoding_error(err, "Wire enum value needs \"v\".");
        return json_incref(v);
    }
    if (strcmp(id, "Variant") == 0) {
        /* Like the reference: the type is a tagged BuiltinType, never a
         * bare number (which would be ambiguous with an untagged enum). */
        const json_t *tt = json_object_get(j, "type");
        const json_t *tag = json_is_object(tt) ? json_object_get(tt, "__t") : NULL;
        if (!json_is_string(tag) || strcmp(json_string_value(tag), "BuiltinType") != 0)
            return encoding_error(
                err, "Variant wire payload: \"type\" must be a decoded BuiltinType instance.");
        json_t *type = wire_tagged_to_query(json_object_get(j, "type"), err, depth + 1);
        if (!type)
            return NULL;
        json_t *raw = json_object_get(j, "bytesB64");
        json_t *value = json_is_string(raw) ? json_pack("{s:O}", "base64", raw)
                                            : wire_tagged_to_query(json_object_get(j, "value")
                                                                       ? json_object_get(j, "value")
                                                                       : json_null(),
                                                                   err, depth + 1);
        if (!value) {
            json_decref(type);
            return NULL;
        }
        json_t *dims = json_object_get(j, "dims");
        return json_pack("{s:o,s:o,s:O}", "type", type, "value", value, "dimensions",
                         dims ? dims : json_null());
    }
    for (const char *const *k = known_ids; *k; k++) {
        if (strcmp(*k, id) == 0) {
            json_t *o = json_object();
            const char *key;
            json_t *v;
            json_object_foreach((json_t *)j, key, v)
            {
                if (strcmp(key, "__t") == 0)
                    continue;
                json_t *c = wire_tagged_to_query(v, err, depth + 1);
                if (!c) {
                    json_decref(o);
                    return NULL;
                }
                json_object_set_new(o, key, c);
            }
            return o;
        }
    }
    err->type = "EncodingException";
    snprintf(err->message, sizeof(err->message), "Unknown wire type id \"%.200s\".", id);
    return NULL;
}
