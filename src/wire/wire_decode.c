/* JSON -> UA values in the query-path shapes: NodeId, QualifiedName,
 * LocalizedText, ExtensionObject, DiagnosticInfo, Variant, DataValue, times
 * and continuation points, with the defaults of the PHP deserialiser
 * (type-serialization.md §1.2-§1.9, "Decoding"). Per-type conversion of
 * values lives in wire_coerce.c; parameter structures in wire_params.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua_statuscodes.h"
#include "ua_text.h"
#include "wire_int.h"

/* A member of a JSON object; NULL when absent or JSON null. */
static const json_t *member(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_null(v) ? NULL : v;
}

/* PHP's (int) cast, restricted to what makes sense: integers, reals
 * without fraction and decimal strings. */
static bool int_like(const json_t *j, int64_t *out)
{
    if (wire_json_int64(j, out))
        return true;
    if (!json_is_string(j))
        return false;
    const char *s = json_string_value(j);
    size_t n = json_string_length(j), i = 0;
    bool neg = n > 0 && s[0] == '-';
    if (neg)
        i++;
    if (i == n || n - i > 18)
        return false;
    int64_t v = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = neg ? -v : v;
    return true;
}

/* ---- NodeId --------------------------------------------------------------- */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Opaque identifiers are lowercase hex in JSON (§1.2). */
static int opaque_from_hex(const json_t *id, ua_ByteString *out, wire_error *err)
{
    const char *s = json_string_value(id);
    size_t n = json_string_length(id);
    if (n % 2 != 0)
        return wire_fail(err, WIRE_INVALID_NODEID, "opaque NodeId id must be hex digits in pairs");
    for (size_t i = 0; i < n; i++)
        if (hex_value(s[i]) < 0)
            return wire_fail(err, WIRE_INVALID_NODEID, "opaque NodeId id must be hex digits");
    if (ua_string_from_bytes(out, s, n / 2) != UA_STATUS_GOOD)
        return wire_fail_oom(err);
    for (size_t i = 0; i < n / 2; i++)
        out->data[i] = (uint8_t)(hex_value(s[2 * i]) << 4 | hex_value(s[2 * i + 1]));
    return 0;
}

/* Namespace URI -> index through err->namespaces (our "nsu" extension). */
static int resolve_uri(const char *uri, size_t len, uint16_t *ns, wire_error *err)
{
    const wire_namespaces *t = err->namespaces;
    int cut = len > 120 ? 120 : (int)len;
    if (!t || !t->uris)
        return wire_fail(err, WIRE_INVALID_NODEID,
                         "namespace URI \"%.*s\" cannot be resolved: the session has not read "
                         "the server's NamespaceArray",
                         cut, uri);
    for (size_t i = 0; i < t->n && i <= UINT16_MAX; i++) {
        const ua_String *u = &t->uris[i];
        if (u->data && (size_t)u->length == len && memcmp(u->data, uri, len) == 0) {
            *ns = (uint16_t)i;
            return 0;
        }
    }
    return wire_fail(err, WIRE_INVALID_NODEID,
                     "unknown namespace URI \"%.*s\" (the server's NamespaceArray has %zu "
                     "entries)",
                     cut, uri, t->n);
}

int wire_nodeid_parse(const char *s, size_t len, ua_NodeId *out, wire_error *err)
{
    if (len < 4 || memcmp(s, "nsu=", 4) != 0)
        return ua_nodeid_parse(out, s, len) == UA_STATUS_GOOD ? 0 : -1;
    ua_ExpandedNodeId x;
    ua_status st = ua_expnodeid_parse(&x, s, len);
    memset(out, 0, sizeof(*out));
    if (st == UA_STATUS_BADOUTOFMEMORY) {
        wire_fail_oom(err);
        return -2;
    }
    if (st != UA_STATUS_GOOD)
        return -1;
    uint16_t ns = 0;
    int rc = resolve_uri((const char *)x.namespace_uri.data,
                         x.namespace_uri.length > 0 ? (size_t)x.namespace_uri.length : 0, &ns, err);
    if (rc == 0) {
        *out = x.node_id; /* moved */
        out->ns = ns;
        memset(&x.node_id, 0, sizeof(x.node_id));
    }
    ua_clear(&x, UA_BUILTIN(UA_KIND_EXPANDEDNODEID));
    return rc == 0 ? 0 : -2;
}

static int nodeid_ns(const json_t *j, uint16_t *ns, wire_error *err)
{
    const json_t *u = member(j, "nsu");
    if (u) {
        if (member(j, "ns"))
            return wire_fail(err, WIRE_INVALID_NODEID,
                             "a NodeId takes either \"ns\" or \"nsu\", not both");
        if (!json_is_string(u))
            return wire_fail_expected(err, u, "a namespace URI string in \"nsu\"");
        return resolve_uri(json_string_value(u), json_string_length(u), ns, err);
    }
    const json_t *v = member(j, "ns");
    int64_t n = 0;
    if (v && !int_like(v, &n))
        return wire_fail_expected(err, v, "an integer namespace index in \"ns\"");
    if (n < 0 || n > UINT16_MAX)
        return wire_fail(err, WIRE_INVALID_NODEID, "namespace index %lld outside 0..65535",
                         (long long)n);
    *ns = (uint16_t)n;
    return 0;
}

static int nodeid_id(const json_t *j, const char *type, ua_NodeId *out, wire_error *err)
{
    const json_t *id = member(j, "id");
    if (strcmp(type, "numeric") == 0) {
        int64_t n = 0;
        if (id && !wire_json_int64(id, &n))
            return wire_fail_expected(err, id, "an integer id for a numeric NodeId");
        if (n < 0 || n > UINT32_MAX)
            return wire_fail(err, WIRE_INVALID_NODEID,
                             "numeric NodeId id %lld outside 0..4294967295", (long long)n);
        out->id_type = UA_NODEID_NUMERIC;
        out->id.numeric = (uint32_t)n;
        return 0;
    }
    if (!json_is_string(id)) {
        char what[64];
        snprintf(what, sizeof(what), "a string id for a %s NodeId", type);
        return wire_fail_expected(err, id, what);
    }
    if (strcmp(type, "string") == 0) {
        out->id_type = UA_NODEID_STRING;
        return wire_string_from_json(id, &out->id.string) == 0 ? 0 : wire_fail_oom(err);
    }
    if (strcmp(type, "guid") == 0) {
        out->id_type = UA_NODEID_GUID;
        if (ua_guid_parse(&out->id.guid, json_string_value(id), json_string_length(id)) != 0)
            return wire_fail(err, WIRE_INVALID_NODEID,
                             "guid NodeId id must be xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx");
        return 0;
    }
    out->id_type = UA_NODEID_BYTESTRING;
    return opaque_from_hex(id, &out->id.opaque, err);
}

int wire_to_nodeid(const json_t *j, ua_NodeId *out, wire_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!json_is_object(j))
        return wire_fail_expected(err, j, "a NodeId object {\"ns\", \"id\", \"type\"}");
    const json_t *t = member(j, "type");
    const char *type = "numeric";
    if (t) {
        if (!json_is_string(t))
            return wire_fail_expected(err, t, "a NodeId type name in \"type\"");
        type = json_string_value(t);
        if (strcmp(type, "numeric") != 0 && strcmp(type, "string") != 0 &&
            strcmp(type, "guid") != 0 && strcmp(type, "opaque") != 0)
            return wire_fail(err, WIRE_UNHANDLED_MATCH,
                             "unknown NodeId type (expected numeric, string, guid or opaque)");
    }
    if (nodeid_ns(j, &out->ns, err) != 0 || nodeid_id(j, type, out, err) != 0) {
        ua_clear(out, UA_BUILTIN(UA_KIND_NODEID));
        return -1;
    }
    return 0;
}

int wire_to_expanded_nodeid(const json_t *j, ua_ExpandedNodeId *out, wire_error *err)
{
    memset(out, 0, sizeof(*out));
    return wire_to_nodeid(j, &out->node_id, err);
}

/* ---- QualifiedName / LocalizedText ------------------------------------- */

int wire_to_qualified_name(const json_t *j, ua_QualifiedName *out, wire_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!json_is_object(j))
        return wire_fail_expected(err, j, "a QualifiedName object {\"ns\", \"name\"}");
    const json_t *ns = member(j, "ns"), *name = member(j, "name");
    int64_t n = 0;
    if (ns && !int_like(ns, &n))
        return wire_fail_expected(err, ns, "an integer namespace index in \"ns\"");
    if (n < 0 || n > UINT16_MAX)
        return wire_fail_expected(err, ns, "a namespace index (0..65535) in \"ns\"");
    if (name && !json_is_string(name))
        return wire_fail_expected(err, name, "a string in \"name\"");
    out->ns = (uint16_t)n;
    if (!name) {
        ua_string_from_bytes(&out->name, "", 0); /* "" (not null), cannot fail */
        return 0;
    }
    return wire_string_from_json(name, &out->name) == 0 ? 0 : wire_fail_oom(err);
}

static int optional_string(const json_t *j, const char *key, ua_String *out, wire_error *err)
{
    const json_t *v = member(j, key);
    out->data = NULL;
    out->length = 0;
    if (!v)
        return 0;
    if (!json_is_string(v)) {
        char what[40];
        snprintf(what, sizeof(what), "a string or null in \"%s\"", key);
        return wire_fail_expected(err, v, what);
    }
    return wire_string_from_json(v, out) == 0 ? 0 : wire_fail_oom(err);
}

int wire_to_localized_text(const json_t *j, ua_LocalizedText *out, wire_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!json_is_object(j))
        return wire_fail_expected(err, j, "a LocalizedText object {\"locale\", \"text\"}");
    if (optional_string(j, "locale", &out->locale, err) != 0 ||
        optional_string(j, "text", &out->text, err) != 0) {
        ua_clear(out, UA_BUILTIN(UA_KIND_LOCALIZEDTEXT));
        return -1;
    }
    return 0;
}

/* ---- ExtensionObject ------------------------------------------------------ */

/* A decoded "value": encodable when err->lookup knows typeId's structure
 * (a type discovered at run time, wire_struct.c). */
static int extobj_value(const json_t *value, ua_ExtensionObject *out, wire_error *err)
{
    const ua_type *t = err->lookup ? err->lookup(err->lookup_ctx, &out->type_id) : NULL;
    if (!t)
        return wire_fail(err, WIRE_INVALID_ARGUMENT,
                         "an ExtensionObject needs its binary \"body\" (base64); a decoded "
                         "\"value\" cannot be encoded without a type known from "
                         "discoverDataTypes");
    void *data = malloc(t->mem_size);
    if (!data)
        return wire_fail_oom(err);
    char path[WIRE_PATH_MAX];
    const char *old = wire_scope_field(err, path, "value");
    int rc = wire_to_value(value, t, data, err);
    wire_scope_pop(err, old);
    if (rc != 0) {
        free(data);
        return -1;
    }
    out->encoding = UA_EXTOBJ_DECODED;
    out->type = t;
    out->data = data;
    return 0;
}

static int extobj_fields(const json_t *j, ua_ExtensionObject *out, wire_error *err)
{
    const json_t *tid = json_object_get(j, "typeId"), *enc = member(j, "encoding");
    const json_t *body = member(j, "body"), *value = member(j, "value");
    char path[WIRE_PATH_MAX];
    const char *old = wire_scope_field(err, path, "typeId");
    int rc = wire_to_nodeid(tid, &out->type_id, err);
    wire_scope_pop(err, old);
    if (rc != 0)
        return -1;
    int64_t e = body ? 1 : 0;
    if (enc && (!wire_json_int64(enc, &e) || e < 0 || e > 2))
        return wire_fail_expected(err, enc, "an ExtensionObject encoding 0, 1 or 2");
    if (body && !json_is_string(body))
        return wire_fail_expected(err, body, "a base64 string or null in \"body\"");
    if (!body && value)
        return extobj_value(value, out, err);
    if (e == 0) {
        out->encoding = UA_EXTOBJ_EMPTY;
        return 0;
    }
    out->encoding = e == 1 ? UA_EXTOBJ_BINARY : UA_EXTOBJ_XML;
    if (!body)
        return 0;
    rc = wire_base64_to_bytes(json_string_value(body), json_string_length(body), &out->body);
    if (rc == -1)
        return wire_fail(err, WIRE_INVALID_ARGUMENT, "ExtensionObject body is not valid base64");
    return rc == 0 ? 0 : wire_fail_oom(err);
}

int wire_to_extension_object(const json_t *j, ua_ExtensionObject *out, wire_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!json_is_object(j))
        return wire_fail_expected(err, j,
                                  "an ExtensionObject object {\"typeId\", \"encoding\", \"body\"}");
    if (extobj_fields(j, out, err) != 0) {
        ua_clear(out, UA_BUILTIN(UA_KIND_EXTENSIONOBJECT));
        return -1;
    }
    return 0;
}

/* ---- DiagnosticInfo ------------------------------------------------------- */

static int diag_int(const json_t *j, const char *key, bool *has, int32_t *out, wire_error *err)
{
    const json_t *v = member(j, key);
    int64_t n;
    if (!v)
        return 0;
    if (!wire_json_int64(v, &n) || n < INT32_MIN || n > INT32_MAX) {
        char what[48];
        snprintf(what, sizeof(what), "an Int32 in \"%s\"", key);
        return wire_fail_expected(err, v, what);
    }
    *has = true;
    *out = (int32_t)n;
    return 0;
}

static int diag_fields(const json_t *j, ua_DiagnosticInfo *d, wire_error *err, int depth)
{
    if (diag_int(j, "symbolicId", &d->has_symbolic_id, &d->symbolic_id, err) != 0 ||
        diag_int(j, "namespaceUri", &d->has_namespace_uri, &d->namespace_uri, err) != 0 ||
        diag_int(j, "localizedText", &d->has_localized_text, &d->localized_text, err) != 0 ||
        diag_int(j, "locale", &d->has_locale, &d->locale, err) != 0)
        return -1;
    if (member(j, "additionalInfo")) {
        if (optional_string(j, "additionalInfo", &d->additional_info, err) != 0)
            return -1;
        d->has_additional_info = true;
    }
    const json_t *st = member(j, "innerStatusCode");
    if (st) {
        if (wire_to_uint32(st, &d->inner_status, err) != 0)
            return -1;
        d->has_inner_status = true;
    }
    const json_t *inner = member(j, "innerDiagnosticInfo");
    if (!inner)
        return 0;
    d->inner_diagnostic_info = ua_new(UA_BUILTIN(UA_KIND_DIAGNOSTICINFO));
    if (!d->inner_diagnostic_info)
        return wire_fail_oom(err);
    d->has_inner_diagnostic_info = true;
    char path[WIRE_PATH_MAX];
    const char *old = wire_scope_field(err, path, "innerDiagnosticInfo");
    int rc = wire_to_diagnostic_info_depth(inner, d->inner_diagnostic_info, err, depth + 1);
    wire_scope_pop(err, old);
    return rc;
}

int wire_to_diagnostic_info_depth(const json_t *j, ua_DiagnosticInfo *out, wire_error *err,
                                  int depth)
{
    memset(out, 0, sizeof(*out));
    if (depth > WIRE_MAX_DEPTH)
        return wire_fail(err, WIRE_INVALID_ARGUMENT, "nesting deeper than %d", WIRE_MAX_DEPTH);
    if (json_is_array(j) && json_array_size(j) == 0)
        return 0; /* PHP writes an empty DiagnosticInfo as [] */
    if (!json_is_object(j))
        return wire_fail_expected(err, j, "a DiagnosticInfo object");
    if (diag_fields(j, out, err, depth) != 0) {
        ua_clear(out, UA_BUILTIN(UA_KIND_DIAGNOSTICINFO));
        return -1;
    }
    return 0;
}

int wire_to_diagnostic_info(const json_t *j, ua_DiagnosticInfo *out, wire_error *err)
{
    return wire_to_diagnostic_info_depth(j, out, err, 0);
}

/* ---- Variant / DataValue ------------------------------------------------- */

/* BuiltinType::from((int)$data['type']) in PHP: 1..25 or ValueError. */
static int builtin_type_of(const json_t *t, unsigned *out, wire_error *err)
{
    int64_t n = 0;
    char got[80];
    if (!t || !int_like(t, &n) || n < 1 || n > 25)
        return wire_fail(err, WIRE_VALUE_ERROR, "\"type\" must be a BuiltinType 1..25, got %s",
                         wire_describe(t, got, sizeof(got)));
    *out = (unsigned)n;
    return 0;
}

static int variant_of(const json_t *j, ua_Variant *out, wire_error *err, int depth)
{
    unsigned type = 0;
    if (builtin_type_of(json_object_get(j, "type"), &type, err) != 0)
        return -1;
    const json_t *value = json_object_get(j, "value");
    json_t *null = json_null(); /* a missing value reads as null, as in PHP */
    char path[WIRE_PATH_MAX];
    const char *old = wire_scope_field(err, path, "value");
    int rc = wire_coerce_variant(value ? value : null, type, WIRE_RANK_ANY, member(j, "dimensions"),
                                 out, err, depth);
    wire_scope_pop(err, old);
    json_decref(null);
    return rc;
}

int wire_to_variant_depth(const json_t *j, ua_Variant *out, wire_error *err, int depth)
{
    memset(out, 0, sizeof(*out));
    if (depth > WIRE_MAX_DEPTH)
        return wire_fail(err, WIRE_INVALID_ARGUMENT, "nesting deeper than %d", WIRE_MAX_DEPTH);
    if (!json_is_object(j))
        return wire_fail_expected(err, j, "a Variant object {\"type\", \"value\", \"dimensions\"}");
    return variant_of(j, out, err, depth);
}

int wire_to_variant(const json_t *j, ua_Variant *out, wire_error *err)
{
    return wire_to_variant_depth(j, out, err, 0);
}

static int timestamp(const json_t *j, const char *key, bool *has, ua_DateTime *out, wire_error *err)
{
    const json_t *v = member(j, key);
    if (!v)
        return 0;
    char path[WIRE_PATH_MAX];
    const char *old = wire_scope_field(err, path, key);
    int rc = wire_to_datetime(v, out, err);
    wire_scope_pop(err, old);
    *has = rc == 0;
    return rc;
}

static int data_value_fields(const json_t *j, ua_DataValue *out, wire_error *err, int depth)
{
    /* PHP: a Variant only when isset($data['type']) and the key "value" exists. */
    if (member(j, "type") && json_object_get(j, "value")) {
        if (variant_of(j, &out->value, err, depth) != 0)
            return -1;
        out->has_value = true;
    }
    const json_t *st = member(j, "statusCode");
    if (st) {
        char path[WIRE_PATH_MAX];
        const char *old = wire_scope_field(err, path, "statusCode");
        int rc = wire_to_uint32(st, &out->status, err);
        wire_scope_pop(err, old);
        if (rc != 0)
            return -1;
        out->has_status = out->status != 0;
    }
    if (timestamp(j, "sourceTimestamp", &out->has_source_timestamp, &out->source_timestamp, err) !=
        0)
        return -1;
    return timestamp(j, "serverTimestamp", &out->has_server_timestamp, &out->server_timestamp, err);
}

int wire_to_data_value_depth(const json_t *j, ua_DataValue *out, wire_error *err, int depth)
{
    memset(out, 0, sizeof(*out));
    if (depth > WIRE_MAX_DEPTH)
        return wire_fail(err, WIRE_INVALID_ARGUMENT, "nesting deeper than %d", WIRE_MAX_DEPTH);
    if (!json_is_object(j))
        return wire_fail_expected(err, j, "a DataValue object {\"value\", \"type\", ...}");
    if (data_value_fields(j, out, err, depth) != 0) {
        ua_clear(out, UA_BUILTIN(UA_KIND_DATAVALUE));
        return -1;
    }
    return 0;
}

int wire_to_data_value(const json_t *j, ua_DataValue *out, wire_error *err)
{
    return wire_to_data_value_depth(j, out, err, 0);
}

/* ---- small scalars ---------------------------------------------------------- */

int wire_to_datetime(const json_t *j, ua_DateTime *out, wire_error *err)
{
    *out = 0;
    if (!json_is_string(j))
        return wire_fail_expected(err, j, "an ISO-8601 date/time string");
    if (wire_parse_datetime(json_string_value(j), json_string_length(j), out) != 0) {
        char got[80];
        return wire_fail(err, WIRE_INVALID_ARGUMENT, "expected an ISO-8601 date/time, got %s",
                         wire_describe(j, got, sizeof(got)));
    }
    return 0;
}

int wire_to_continuation_point(const json_t *j, ua_ByteString *out, wire_error *err)
{
    out->data = NULL;
    out->length = 0;
    if (json_is_null(j))
        return 0;
    if (!json_is_string(j))
        return wire_fail_expected(err, j, "a continuation point string");
    const char *s = json_string_value(j);
    size_t n = json_string_length(j);
    int rc = wire_is_base64(s, n) ? wire_base64_to_bytes(s, n, out) : wire_string_from_json(j, out);
    return rc == 0 ? 0 : wire_fail_oom(err);
}

int wire_to_uint32(const json_t *j, uint32_t *out, wire_error *err)
{
    int64_t n;
    *out = 0;
    if (!wire_json_int64(j, &n) || n < 0 || n > UINT32_MAX)
        return wire_fail_expected(err, j, "an unsigned 32-bit integer (0..4294967295)");
    *out = (uint32_t)n;
    return 0;
}
