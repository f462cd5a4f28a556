/* UA values -> JSON: the built-in types, Variant, DataValue,
 * ExtensionObject, DiagnosticInfo and any described structure, in the
 * query-path shapes of type-serialization.md §1.1-§1.9. Service results
 * built from these live in wire_results.c; nothing here decodes JSON. */
#include <stdlib.h>
#include <string.h>

#include "ua_binary.h"
#include "ua_statuscodes.h"
#include "ua_text.h"
#include "util/bbuf.h"
#include "wire_int.h"

/* Re-encoded ExtensionObject bodies above this size are refused. */
#define BODY_MAX ((size_t)64 << 20)

json_t *wire_from_string(const ua_String *s)
{
    if (!s->data)
        return json_null();
    return wire_json_text(s->data, s->length);
}

/* Valid UTF-8 without NUL: PHP would put these bytes into JSON as they are.
 * NUL is excluded because a "\u0000" could not come back: the request
 * decoder refuses it (ipc_json.h). */
static bool is_plain_text(const ua_ByteString *b)
{
    return memchr(b->data, 0, b->length) == NULL && wire_utf8_valid(b->data, b->length);
}

json_t *wire_from_bytestring(const ua_ByteString *b)
{
    if (!b->data)
        return json_null();
    if (b->length == 0)
        return json_string("");
    if (is_plain_text(b))
        return json_stringn((const char *)b->data, b->length);
    return wire_json_base64(b->data, b->length);
}

json_t *wire_from_continuation_point(const ua_ByteString *cp)
{
    if (!cp->data || cp->length == 0)
        return json_null();
    /* Text that is itself valid base64 goes out as base64 too, so that
     * wire_to_continuation_point can tell the two forms apart. */
    if (is_plain_text(cp) && !wire_is_base64((const char *)cp->data, cp->length))
        return json_stringn((const char *)cp->data, cp->length);
    return wire_json_base64(cp->data, cp->length);
}

json_t *wire_from_guid(const ua_Guid *g)
{
    char buf[37];
    ua_guid_print(g, buf);
    return json_string(buf);
}

static json_t *hex_of(const ua_ByteString *b)
{
    static const char digits[] = "0123456789abcdef";
    if (!b->data || b->length == 0)
        return json_string("");
    if (b->length > SIZE_MAX / 2)
        return NULL;
    char *buf = malloc(2 * b->length);
    if (!buf)
        return NULL;
    for (size_t i = 0; i < b->length; i++) {
        buf[2 * i] = digits[b->data[i] >> 4];
        buf[2 * i + 1] = digits[b->data[i] & 15];
    }
    json_t *j = json_stringn(buf, 2 * b->length);
    free(buf);
    return j;
}

json_t *wire_from_nodeid(const ua_NodeId *id)
{
    json_t *value;
    const char *type;
    switch (id->id_type) {
    case UA_NODEID_NUMERIC:
        value = json_integer(id->id.numeric);
        type = "numeric";
        break;
    case UA_NODEID_STRING:
        /* PHP reads a null string identifier as "". */
        value = id->id.string.data ? wire_from_string(&id->id.string) : json_string("");
        type = "string";
        break;
    case UA_NODEID_GUID:
        value = wire_from_guid(&id->id.guid);
        type = "guid";
        break;
    default:
        /* Part 6 opaque identifier: lowercase hex, as the PHP client's bin2hex. */
        value = hex_of(&id->id.opaque);
        type = "opaque";
        break;
    }
    json_t *o = json_object();
    o = wire_put(o, "ns", json_integer(id->ns));
    o = wire_put(o, "id", value);
    return wire_put(o, "type", json_string(type));
}

json_t *wire_from_expanded_nodeid(const ua_ExpandedNodeId *id)
{
    return wire_from_nodeid(&id->node_id);
}

json_t *wire_from_qualified_name(const ua_QualifiedName *qn)
{
    json_t *o = json_object();
    o = wire_put(o, "ns", json_integer(qn->ns));
    return wire_put(o, "name", qn->name.data ? wire_from_string(&qn->name) : json_string(""));
}

json_t *wire_from_localized_text(const ua_LocalizedText *lt)
{
    json_t *o = json_object();
    o = wire_put(o, "locale", wire_from_string(&lt->locale));
    return wire_put(o, "text", wire_from_string(&lt->text));
}

/* ---- structures ----------------------------------------------------------- */

static json_t *array_json(const void *arr, size_t n, const ua_type *type)
{
    json_t *a = json_array();
    const uint8_t *p = arr;
    for (size_t i = 0; a && p && i < n; i++)
        a = wire_push(a, wire_from_value(p + i * type->mem_size, type));
    return a;
}

static json_t *member_json(const uint8_t *base, const ua_member *m, const ua_type *owner)
{
    bool optional = m->is_optional && owner->kind == UA_KIND_OPTSTRUCT;
    if (m->is_array) {
        size_t n = *(const size_t *)(const void *)(base + m->offset);
        const void *arr = *(void *const *)(const void *)(base + m->offset + sizeof(size_t));
        if (optional && !arr)
            return json_null();
        return array_json(arr, n, m->type);
    }
    if (optional) {
        const void *ptr = *(void *const *)(const void *)(base + m->offset);
        return ptr ? wire_from_value(ptr, m->type) : json_null();
    }
    return wire_from_value(base + m->offset, m->type);
}

/* Field names as keys, as the PHP client's DynamicCodec decodes them. */
static json_t *struct_json(const void *p, const ua_type *type)
{
    const uint8_t *base = p;
    json_t *o = json_object();
    if (type->kind == UA_KIND_UNION) {
        uint32_t sw = *(const uint32_t *)p;
        o = wire_put(o, "_switchField", json_integer(sw));
        if (sw >= 1 && sw <= type->members_size)
            o = wire_put(o, type->members[sw - 1].name,
                         member_json(base, &type->members[sw - 1], type));
        return o;
    }
    for (uint16_t i = 0; o && i < type->members_size; i++)
        o = wire_put(o, type->members[i].name, member_json(base, &type->members[i], type));
    return o;
}

/* ---- ExtensionObject -------------------------------------------------- */

static json_t *extobj_json(const ua_NodeId *type_id, int encoding, json_t *body, json_t *value)
{
    json_t *o = json_object();
    o = wire_put(o, "typeId", wire_from_nodeid(type_id));
    o = wire_put(o, "encoding", json_integer(encoding));
    o = wire_put(o, "body", body);
    return wire_put(o, "value", value);
}

/* Binary body of a decoded value as base64; NULL on OOM, JSON null when
 * the value cannot be encoded. */
static json_t *reencoded_body(const ua_ExtensionObject *eo)
{
    bbuf b;
    bbuf_init(&b, BODY_MAX);
    ua_status st = ua_encode(eo->data, eo->type, &b);
    json_t *j;
    if (st == UA_STATUS_GOOD)
        j = wire_json_base64(b.data, b.len);
    else
        j = st == UA_STATUS_BADOUTOFMEMORY ? NULL : json_null();
    bbuf_clear(&b);
    return j;
}

json_t *wire_from_extension_object(const ua_ExtensionObject *eo)
{
    switch (eo->encoding) {
    case UA_EXTOBJ_BINARY:
    case UA_EXTOBJ_XML: {
        json_t *body =
            eo->body.data ? wire_json_base64(eo->body.data, eo->body.length) : json_null();
        return extobj_json(&eo->type_id, eo->encoding, body, json_null());
    }
    case UA_EXTOBJ_DECODED: {
        if (!eo->type || !eo->data)
            return extobj_json(&eo->type_id, 0, json_null(), json_null());
        const ua_NodeId *tid =
            ua_nodeid_is_null(&eo->type_id) ? &eo->type->binary_encoding_id : &eo->type_id;
        /* The PHP client has codecs only for types it discovered at run
         * time; namespace-0 structures reach PHP users as a binary body. */
        if (eo->type->binary_encoding_id.ns == 0) {
            json_t *body = reencoded_body(eo);
            if (body && !json_is_null(body))
                return extobj_json(tid, 1, body, json_null());
            if (!body)
                return NULL;
        }
        return extobj_json(tid, 1, json_null(), wire_from_value(eo->data, eo->type));
    }
    default:
        return extobj_json(&eo->type_id, 0, json_null(), json_null());
    }
}

/* ---- DiagnosticInfo ------------------------------------------------------- */

json_t *wire_from_diagnostic_info(const ua_DiagnosticInfo *di)
{
    json_t *o = json_object();
    if (di->has_symbolic_id)
        o = wire_put(o, "symbolicId", json_integer(di->symbolic_id));
    if (di->has_namespace_uri)
        o = wire_put(o, "namespaceUri", json_integer(di->namespace_uri));
    if (di->has_localized_text)
        o = wire_put(o, "localizedText", json_integer(di->localized_text));
    if (di->has_locale)
        o = wire_put(o, "locale", json_integer(di->locale));
    if (di->has_additional_info)
        o = wire_put(o, "additionalInfo", wire_from_string(&di->additional_info));
    if (di->has_inner_status)
        o = wire_put(o, "innerStatusCode", json_integer(di->inner_status));
    if (di->has_inner_diagnostic_info && di->inner_diagnostic_info)
        o = wire_put(o, "innerDiagnosticInfo",
                     wire_from_diagnostic_info(di->inner_diagnostic_info));
    if (o && json_object_size(o) == 0) {
        /* PHP writes an empty array as [], not {}. */
        json_decref(o);
        return json_array();
    }
    return o;
}

/* ---- Variant / DataValue ------------------------------------------------- */

/* Part 6 5.1.9: enumerations travel as Int32, structures as
 * ExtensionObjects; the JSON follows what a peer would decode. */
static unsigned variant_type_id(const ua_type *t)
{
    if (t->kind == UA_KIND_ENUM)
        return UA_KIND_INT32;
    if (t->kind > UA_KIND_DIAGNOSTICINFO)
        return UA_KIND_EXTENSIONOBJECT;
    return t->kind;
}

static json_t *element_json(const void *p, const ua_type *t)
{
    if (t->kind > UA_KIND_ENUM) {
        ua_ExtensionObject eo = {0};
        eo.encoding = UA_EXTOBJ_DECODED;
        eo.type = t;
        eo.data = (void *)(uintptr_t)p;
        eo.type_id = t->binary_encoding_id;
        return wire_from_extension_object(&eo);
    }
    return wire_from_value(p, t);
}

/* The "value" member: a scalar, or a flat array whatever the dimensions. */
static json_t *variant_value(const ua_Variant *v)
{
    if (!v->is_array)
        return v->data ? element_json(v->data, v->type) : json_null();
    json_t *a = json_array();
    const uint8_t *p = v->data;
    for (size_t i = 0; a && p && i < v->array_length; i++)
        a = wire_push(a, element_json(p + i * v->type->mem_size, v->type));
    return a;
}

static json_t *variant_dims(const ua_Variant *v)
{
    if (!v->is_array || v->dims_length == 0 || !v->dims)
        return json_null();
    json_t *a = json_array();
    for (size_t i = 0; a && i < v->dims_length; i++)
        a = wire_push(a, json_integer(v->dims[i]));
    return a;
}

json_t *wire_from_variant(const ua_Variant *v)
{
    json_t *o = json_object();
    if (!v->type) {
        o = wire_put(o, "type", json_null());
        o = wire_put(o, "value", json_null());
        return wire_put(o, "dimensions", json_null());
    }
    o = wire_put(o, "type", json_integer(variant_type_id(v->type)));
    o = wire_put(o, "value", variant_value(v));
    return wire_put(o, "dimensions", variant_dims(v));
}

json_t *wire_from_data_value(const ua_DataValue *dv)
{
    const ua_Variant *v = &dv->value;
    json_t *o = json_object();
    if (v->type) {
        o = wire_put(o, "value", variant_value(v));
        o = wire_put(o, "type", json_integer(variant_type_id(v->type)));
        o = wire_put(o, "dimensions", variant_dims(v));
    } else {
        o = wire_put(o, "value", json_null());
        o = wire_put(o, "type", json_null());
        o = wire_put(o, "dimensions", json_null());
    }
    /* Absent fields are zero after decoding, which gives 0 and null; the
     * has_* flags are not needed (and a value built without them prints). */
    o = wire_put(o, "statusCode", json_integer(dv->status));
    o = wire_put(o, "sourceTimestamp", wire_from_datetime(dv->source_timestamp));
    return wire_put(o, "serverTimestamp", wire_from_datetime(dv->server_timestamp));
}

/* ---- any described value ---------------------------------------------- */

json_t *wire_from_value(const void *p, const ua_type *type)
{
    switch (type->kind) {
    case UA_KIND_BOOLEAN:
        return json_boolean(*(const ua_Boolean *)p);
    case UA_KIND_SBYTE:
        return json_integer(*(const ua_SByte *)p);
    case UA_KIND_BYTE:
        return json_integer(*(const ua_Byte *)p);
    case UA_KIND_INT16:
        return json_integer(*(const ua_Int16 *)p);
    case UA_KIND_UINT16:
        return json_integer(*(const ua_UInt16 *)p);
    case UA_KIND_INT32:
    case UA_KIND_ENUM:
        return json_integer(*(const ua_Int32 *)p);
    case UA_KIND_UINT32:
    case UA_KIND_STATUSCODE:
        return json_integer(*(const ua_UInt32 *)p);
    case UA_KIND_INT64:
        return json_integer(*(const ua_Int64 *)p);
    case UA_KIND_UINT64:
        return wire_json_u64(*(const ua_UInt64 *)p);
    case UA_KIND_FLOAT:
        return wire_json_real(*(const ua_Float *)p);
    case UA_KIND_DOUBLE:
        return wire_json_real(*(const ua_Double *)p);
    case UA_KIND_STRING:
        return wire_from_string(p);
    case UA_KIND_DATETIME:
        return wire_from_datetime(*(const ua_DateTime *)p);
    case UA_KIND_GUID:
        return wire_from_guid(p);
    case UA_KIND_BYTESTRING:
    case UA_KIND_XMLELEMENT:
        return wire_from_bytestring(p);
    case UA_KIND_NODEID:
        return wire_from_nodeid(p);
    case UA_KIND_EXPANDEDNODEID:
        return wire_from_expanded_nodeid(p);
    case UA_KIND_QUALIFIEDNAME:
        return wire_from_qualified_name(p);
    case UA_KIND_LOCALIZEDTEXT:
        return wire_from_localized_text(p);
    case UA_KIND_EXTENSIONOBJECT:
        return wire_from_extension_object(p);
    case UA_KIND_DATAVALUE:
        return wire_from_data_value(p);
    case UA_KIND_VARIANT:
        return wire_from_variant(p);
    case UA_KIND_DIAGNOSTICINFO:
        return wire_from_diagnostic_info(p);
    case UA_KIND_STRUCTURE:
    case UA_KIND_OPTSTRUCT:
    case UA_KIND_UNION:
        return struct_json(p, type);
    default:
        return json_null();
    }
}
