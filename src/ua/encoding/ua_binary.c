/* Table-driven OPC UA Binary encoder and decoder (Part 6 (1.05) 5.2).
 * Built-ins have one hand-written function each; enumerations, structures,
 * structures with optional fields and unions are walked through their
 * descriptors. Nothing here knows about chunks or secure channels. */
#include "ua_binary.h"

#include <stdlib.h>
#include <string.h>

#include "ua_statuscodes.h"

const ua_limits ua_default_limits = {
    .max_message_size = 16u << 20,
    .max_string_length = 16u << 20,
    .max_array_length = 4u << 20, /* a 16 MiB message of 4-byte elements */
    .max_depth = 64,
    .max_alloc = 0,
};

/* ---- encoder -------------------------------------------------------- */

typedef struct enc {
    bbuf *out;
    uint32_t depth;
} enc;

static ua_status enc_value(enc *e, const void *p, const ua_type *type);

static ua_status put(enc *e, const void *p, size_t n)
{
    int rc = bbuf_append(e->out, p, n);
    if (rc == BBUF_OK)
        return UA_STATUS_GOOD;
    return rc == BBUF_ETOOBIG ? UA_STATUS_BADENCODINGLIMITSEXCEEDED : UA_STATUS_BADOUTOFMEMORY;
}

static ua_status put_u8(enc *e, uint8_t v)
{
    return put(e, &v, 1);
}

static ua_status put_u16(enc *e, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    return put(e, b, 2);
}

static ua_status put_u32(enc *e, uint32_t v)
{
    uint8_t b[4];
    ua_write_u32(b, v);
    return put(e, b, 4);
}

static ua_status put_u64(enc *e, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    return put(e, b, 8);
}

static ua_status put_length(enc *e, size_t n, bool null)
{
    if (null)
        return put_u32(e, UINT32_MAX); /* -1 */
    if (n > INT32_MAX)
        return UA_STATUS_BADENCODINGLIMITSEXCEEDED;
    return put_u32(e, (uint32_t)n);
}

static ua_status enc_string(enc *e, const ua_String *s)
{
    ua_status st = put_length(e, s->length, s->data == NULL);
    if (st == UA_STATUS_GOOD && s->length > 0)
        st = put(e, s->data, s->length);
    return st;
}

static ua_status enc_guid(enc *e, const ua_Guid *g)
{
    ua_status st = put_u32(e, g->data1);
    if (st == UA_STATUS_GOOD)
        st = put_u16(e, g->data2);
    if (st == UA_STATUS_GOOD)
        st = put_u16(e, g->data3);
    if (st == UA_STATUS_GOOD)
        st = put(e, g->data4, 8);
    return st;
}

/* flags: the ExpandedNodeId bits (0x80 namespace uri, 0x40 server index). */
static ua_status enc_nodeid_flags(enc *e, const ua_NodeId *n, uint8_t flags)
{
    ua_status st;
    switch (n->id_type) {
    case UA_NODEID_NUMERIC:
        if (n->ns == 0 && n->id.numeric <= 0xFF) {
            st = put_u8(e, 0x00 | flags);
            if (st == UA_STATUS_GOOD)
                st = put_u8(e, (uint8_t)n->id.numeric);
        } else if (n->ns <= 0xFF && n->id.numeric <= 0xFFFF) {
            st = put_u8(e, 0x01 | flags);
            if (st == UA_STATUS_GOOD)
                st = put_u8(e, (uint8_t)n->ns);
            if (st == UA_STATUS_GOOD)
                st = put_u16(e, (uint16_t)n->id.numeric);
        } else {
            st = put_u8(e, 0x02 | flags);
            if (st == UA_STATUS_GOOD)
                st = put_u16(e, n->ns);
            if (st == UA_STATUS_GOOD)
                st = put_u32(e, n->id.numeric);
        }
        return st;
    case UA_NODEID_STRING:
    case UA_NODEID_GUID:
    case UA_NODEID_BYTESTRING: {
        static const uint8_t code[4] = {0, 0x03, 0x04, 0x05};
        st = put_u8(e, code[n->id_type] | flags);
        if (st == UA_STATUS_GOOD)
            st = put_u16(e, n->ns);
        if (st != UA_STATUS_GOOD)
            return st;
        if (n->id_type == UA_NODEID_GUID)
            return enc_guid(e, &n->id.guid);
        return enc_string(e, &n->id.string);
    }
    default:
        return UA_STATUS_BADENCODINGERROR;
    }
}

static ua_status enc_expnodeid(enc *e, const ua_ExpandedNodeId *x)
{
    uint8_t flags = 0;
    if (x->namespace_uri.data)
        flags |= 0x80;
    if (x->server_index)
        flags |= 0x40;
    ua_status st = enc_nodeid_flags(e, &x->node_id, flags);
    if (st == UA_STATUS_GOOD && (flags & 0x80))
        st = enc_string(e, &x->namespace_uri);
    if (st == UA_STATUS_GOOD && (flags & 0x40))
        st = put_u32(e, x->server_index);
    return st;
}

static ua_status enc_array(enc *e, const void *arr, size_t n, const ua_type *type)
{
    ua_status st = put_length(e, n, arr == NULL);
    const uint8_t *p = arr;
    for (size_t i = 0; st == UA_STATUS_GOOD && i < n; i++)
        st = enc_value(e, p + i * type->mem_size, type);
    return st;
}

static ua_status enc_extobj(enc *e, const ua_ExtensionObject *eo)
{
    ua_status st;
    switch (eo->encoding) {
    case UA_EXTOBJ_EMPTY:
        st = enc_nodeid_flags(e, &eo->type_id, 0);
        return st == UA_STATUS_GOOD ? put_u8(e, 0) : st;
    case UA_EXTOBJ_BINARY:
    case UA_EXTOBJ_XML:
        st = enc_nodeid_flags(e, &eo->type_id, 0);
        if (st == UA_STATUS_GOOD)
            st = put_u8(e, eo->encoding);
        if (st == UA_STATUS_GOOD)
            st = enc_string(e, &eo->body);
        return st;
    case UA_EXTOBJ_DECODED: {
        if (!eo->type || !eo->data)
            return UA_STATUS_BADENCODINGERROR;
        st = enc_nodeid_flags(e, &eo->type->binary_encoding_id, 0);
        if (st == UA_STATUS_GOOD)
            st = put_u8(e, 1);
        if (st == UA_STATUS_GOOD)
            st = put_u32(e, 0); /* length, patched below */
        if (st != UA_STATUS_GOOD)
            return st;
        size_t at = e->out->len;
        st = enc_value(e, eo->data, eo->type);
        if (st != UA_STATUS_GOOD)
            return st;
        size_t body = e->out->len - at;
        if (body > INT32_MAX)
            return UA_STATUS_BADENCODINGLIMITSEXCEEDED;
        ua_write_u32(e->out->data + at - 4, (uint32_t)body);
        return UA_STATUS_GOOD;
    }
    default:
        return UA_STATUS_BADENCODINGERROR;
    }
}

static ua_status enc_variant(enc *e, const ua_Variant *v)
{
    if (!v->type)
        return put_u8(e, 0);
    unsigned id = v->type->kind;
    const ua_type *type = v->type;
    if (id == UA_KIND_ENUM) {
        id = UA_KIND_INT32; /* enumerations travel as Int32 (Part 6 5.1.9) */
        type = UA_BUILTIN(UA_KIND_INT32);
    } else if (id > UA_KIND_DIAGNOSTICINFO) {
        id = UA_KIND_EXTENSIONOBJECT; /* structures travel wrapped */
    }
    if (v->is_array && v->dims_length > 0) {
        /* Part 6 5.2.2.16: dimensions must describe exactly the elements. */
        uint64_t product = 1;
        for (size_t i = 0; i < v->dims_length; i++) {
            product *= v->dims[i];
            if (product > v->array_length)
                product = (uint64_t)v->array_length + 1; /* saturate: mismatch */
        }
        if (v->dims_length > 64 || product != v->array_length)
            return UA_STATUS_BADENCODINGERROR;
    }
    uint8_t mask = (uint8_t)id;
    if (v->is_array)
        mask |= 0x80;
    if (v->is_array && v->dims_length > 0)
        mask |= 0x40;
    ua_status st = put_u8(e, mask);
    if (st != UA_STATUS_GOOD)
        return st;
    if (id == UA_KIND_EXTENSIONOBJECT && v->type->kind != UA_KIND_EXTENSIONOBJECT) {
        /* Wrap each structure in an ExtensionObject on the fly. */
        ua_ExtensionObject eo = {0};
        eo.encoding = UA_EXTOBJ_DECODED;
        eo.type = v->type;
        if (!v->is_array) {
            if (!v->data)
                return UA_STATUS_BADENCODINGERROR;
            eo.data = v->data;
            return enc_extobj(e, &eo);
        }
        st = put_length(e, v->array_length, v->data == NULL);
        for (size_t i = 0; st == UA_STATUS_GOOD && i < v->array_length; i++) {
            eo.data = (uint8_t *)v->data + i * v->type->mem_size;
            st = enc_extobj(e, &eo);
        }
    } else if (v->is_array) {
        st = enc_array(e, v->data, v->array_length, type);
    } else {
        if (!v->data)
            return UA_STATUS_BADENCODINGERROR;
        st = enc_value(e, v->data, type);
    }
    if (st != UA_STATUS_GOOD || !(mask & 0x40))
        return st;
    st = put_length(e, v->dims_length, false);
    for (size_t i = 0; st == UA_STATUS_GOOD && i < v->dims_length; i++)
        st = put_u32(e, v->dims[i]);
    return st;
}

static ua_status enc_datavalue(enc *e, const ua_DataValue *d)
{
    uint8_t mask =
        (uint8_t)((d->has_value ? 0x01 : 0) | (d->has_status ? 0x02 : 0) |
                  (d->has_source_timestamp ? 0x04 : 0) | (d->has_server_timestamp ? 0x08 : 0) |
                  (d->has_source_picoseconds ? 0x10 : 0) | (d->has_server_picoseconds ? 0x20 : 0));
    ua_status st = put_u8(e, mask);
    if (st == UA_STATUS_GOOD && d->has_value)
        st = enc_variant(e, &d->value);
    if (st == UA_STATUS_GOOD && d->has_status)
        st = put_u32(e, d->status);
    if (st == UA_STATUS_GOOD && d->has_source_timestamp)
        st = put_u64(e, (uint64_t)d->source_timestamp);
    if (st == UA_STATUS_GOOD && d->has_source_picoseconds)
        st = put_u16(e, d->source_picoseconds);
    if (st == UA_STATUS_GOOD && d->has_server_timestamp)
        st = put_u64(e, (uint64_t)d->server_timestamp);
    if (st == UA_STATUS_GOOD && d->has_server_picoseconds)
        st = put_u16(e, d->server_picoseconds);
    return st;
}

static ua_status enc_diag(enc *e, const ua_DiagnosticInfo *d)
{
    uint32_t depth = 0;
    ua_status st = UA_STATUS_GOOD;
    while (d && st == UA_STATUS_GOOD) {
        if (++depth > 64)
            return UA_STATUS_BADENCODINGLIMITSEXCEEDED;
        bool inner = d->has_inner_diagnostic_info && d->inner_diagnostic_info;
        uint8_t mask =
            (uint8_t)((d->has_symbolic_id ? 0x01 : 0) | (d->has_namespace_uri ? 0x02 : 0) |
                      (d->has_localized_text ? 0x04 : 0) | (d->has_locale ? 0x08 : 0) |
                      (d->has_additional_info ? 0x10 : 0) | (d->has_inner_status ? 0x20 : 0) |
                      (inner ? 0x40 : 0));
        st = put_u8(e, mask);
        if (st == UA_STATUS_GOOD && d->has_symbolic_id)
            st = put_u32(e, (uint32_t)d->symbolic_id);
        if (st == UA_STATUS_GOOD && d->has_namespace_uri)
            st = put_u32(e, (uint32_t)d->namespace_uri);
        if (st == UA_STATUS_GOOD && d->has_locale)
            st = put_u32(e, (uint32_t)d->locale);
        if (st == UA_STATUS_GOOD && d->has_localized_text)
            st = put_u32(e, (uint32_t)d->localized_text);
        if (st == UA_STATUS_GOOD && d->has_additional_info)
            st = enc_string(e, &d->additional_info);
        if (st == UA_STATUS_GOOD && d->has_inner_status)
            st = put_u32(e, d->inner_status);
        d = inner ? d->inner_diagnostic_info : NULL;
    }
    return st;
}

static ua_status enc_members(enc *e, const void *p, const ua_type *type)
{
    const uint8_t *base = p;
    ua_status st = UA_STATUS_GOOD;
    if (type->kind == UA_KIND_UNION) {
        uint32_t sw = *(const uint32_t *)p;
        if (sw > type->members_size)
            return UA_STATUS_BADENCODINGERROR;
        st = put_u32(e, sw);
        if (st != UA_STATUS_GOOD || sw == 0)
            return st;
        const ua_member *m = &type->members[sw - 1];
        if (m->is_array) {
            const size_t *n = (const size_t *)(base + m->offset);
            return enc_array(e, *(void *const *)(n + 1), *n, m->type);
        }
        return enc_value(e, base + m->offset, m->type);
    }
    if (type->kind == UA_KIND_OPTSTRUCT) {
        uint32_t mask = 0, bit = 0;
        for (uint16_t i = 0; i < type->members_size; i++) {
            const ua_member *m = &type->members[i];
            if (!m->is_optional)
                continue;
            const void *const *slot =
                (const void *const *)(base + m->offset + (m->is_array ? sizeof(size_t) : 0));
            if (*slot)
                mask |= 1u << bit;
            bit++;
        }
        st = put_u32(e, mask);
    }
    for (uint16_t i = 0; st == UA_STATUS_GOOD && i < type->members_size; i++) {
        const ua_member *m = &type->members[i];
        if (m->is_array) {
            const size_t *n = (const size_t *)(base + m->offset);
            const void *arr = *(void *const *)(n + 1);
            if (m->is_optional && type->kind == UA_KIND_OPTSTRUCT && !arr)
                continue;
            st = enc_array(e, arr, *n, m->type);
        } else if (m->is_optional && type->kind == UA_KIND_OPTSTRUCT) {
            const void *ptr = *(void *const *)(base + m->offset);
            if (ptr)
                st = enc_value(e, ptr, m->type);
        } else {
            st = enc_value(e, base + m->offset, m->type);
        }
    }
    return st;
}

static ua_status enc_value(enc *e, const void *p, const ua_type *type)
{
    if (++e->depth > ua_default_limits.max_depth) {
        e->depth--;
        return UA_STATUS_BADENCODINGLIMITSEXCEEDED;
    }
    ua_status st;
    switch (type->kind) {
    case UA_KIND_BOOLEAN:
        st = put_u8(e, *(const bool *)p ? 1 : 0);
        break;
    case UA_KIND_SBYTE:
    case UA_KIND_BYTE:
        st = put(e, p, 1);
        break;
    case UA_KIND_INT16:
    case UA_KIND_UINT16:
        st = put_u16(e, *(const uint16_t *)p);
        break;
    case UA_KIND_INT32:
    case UA_KIND_UINT32:
    case UA_KIND_STATUSCODE:
    case UA_KIND_ENUM:
        st = put_u32(e, *(const uint32_t *)p);
        break;
    case UA_KIND_INT64:
    case UA_KIND_UINT64:
    case UA_KIND_DATETIME:
        st = put_u64(e, *(const uint64_t *)p);
        break;
    case UA_KIND_FLOAT: {
        uint32_t bits;
        memcpy(&bits, p, 4);
        st = put_u32(e, bits);
        break;
    }
    case UA_KIND_DOUBLE: {
        uint64_t bits;
        memcpy(&bits, p, 8);
        st = put_u64(e, bits);
        break;
    }
    case UA_KIND_STRING:
    case UA_KIND_BYTESTRING:
    case UA_KIND_XMLELEMENT:
        st = enc_string(e, p);
        break;
    case UA_KIND_GUID:
        st = enc_guid(e, p);
        break;
    case UA_KIND_NODEID:
        st = enc_nodeid_flags(e, p, 0);
        break;
    case UA_KIND_EXPANDEDNODEID:
        st = enc_expnodeid(e, p);
        break;
    case UA_KIND_QUALIFIEDNAME: {
        const ua_QualifiedName *q = p;
        st = put_u16(e, q->ns);
        if (st == UA_STATUS_GOOD)
            st = enc_string(e, &q->name);
        break;
    }
    case UA_KIND_LOCALIZEDTEXT: {
        const ua_LocalizedText *t = p;
        uint8_t mask = (uint8_t)((t->locale.data ? 1 : 0) | (t->text.data ? 2 : 0));
        st = put_u8(e, mask);
        if (st == UA_STATUS_GOOD && (mask & 1))
            st = enc_string(e, &t->locale);
        if (st == UA_STATUS_GOOD && (mask & 2))
            st = enc_string(e, &t->text);
        break;
    }
    case UA_KIND_EXTENSIONOBJECT:
        st = enc_extobj(e, p);
        break;
    case UA_KIND_DATAVALUE:
        st = enc_datavalue(e, p);
        break;
    case UA_KIND_VARIANT:
        st = enc_variant(e, p);
        break;
    case UA_KIND_DIAGNOSTICINFO:
        st = enc_diag(e, p);
        break;
    case UA_KIND_STRUCTURE:
    case UA_KIND_OPTSTRUCT:
    case UA_KIND_UNION:
        st = enc_members(e, p, type);
        break;
    default:
        st = UA_STATUS_BADENCODINGERROR;
        break;
    }
    e->depth--;
    return st;
}

ua_status ua_encode(const void *src, const ua_type *type, bbuf *out)
{
    enc e = {out, 0};
    size_t before = out->len;
    ua_status st = enc_value(&e, src, type);
    if (st != UA_STATUS_GOOD)
        out->len = before;
    return st;
}

/* ---- decoder ---------------------------------------------------------- */

typedef struct dec {
    const uint8_t *data;
    size_t len;
    size_t pos;
    uint32_t depth;
    size_t budget; /* bytes still allowed to allocate */
    const ua_limits *limits;
    const ua_decode_opts *opts;
} dec;

static ua_status dec_value(dec *d, void *p, const ua_type *type);

static void *dalloc(dec *d, size_t n, size_t size, ua_status *st)
{
    if (size != 0 && n > SIZE_MAX / size) {
        *st = UA_STATUS_BADENCODINGLIMITSEXCEEDED;
        return NULL;
    }
    size_t bytes = n * size;
    if (bytes > d->budget) {
        *st = UA_STATUS_BADENCODINGLIMITSEXCEEDED;
        return NULL;
    }
    void *p = calloc(1, bytes ? bytes : 1);
    if (!p) {
        *st = UA_STATUS_BADOUTOFMEMORY;
        return NULL;
    }
    d->budget -= bytes;
    return p;
}

static ua_status need(const dec *d, size_t n)
{
    return d->len - d->pos >= n ? UA_STATUS_GOOD : UA_STATUS_BADDECODINGERROR;
}

static ua_status get_u8(dec *d, uint8_t *v)
{
    if (need(d, 1) != UA_STATUS_GOOD)
        return UA_STATUS_BADDECODINGERROR;
    *v = d->data[d->pos++];
    return UA_STATUS_GOOD;
}

static ua_status get_u16(dec *d, uint16_t *v)
{
    if (need(d, 2) != UA_STATUS_GOOD)
        return UA_STATUS_BADDECODINGERROR;
    const uint8_t *b = d->data + d->pos;
    *v = (uint16_t)(b[0] | b[1] << 8);
    d->pos += 2;
    return UA_STATUS_GOOD;
}

static ua_status get_u32(dec *d, uint32_t *v)
{
    if (need(d, 4) != UA_STATUS_GOOD)
        return UA_STATUS_BADDECODINGERROR;
    *v = ua_read_u32(d->data + d->pos);
    d->pos += 4;
    return UA_STATUS_GOOD;
}

static ua_status get_u64(dec *d, uint64_t *v)
{
    if (need(d, 8) != UA_STATUS_GOOD)
        return UA_STATUS_BADDECODINGERROR;
    uint64_t r = 0;
    for (int i = 7; i >= 0; i--)
        r = r << 8 | d->data[d->pos + (size_t)i];
    *v = r;
    d->pos += 8;
    return UA_STATUS_GOOD;
}

/* Reads an Int32 length: -1 gives null (*is_null), other negatives are an
 * error, values above max are a limit violation. */
static ua_status get_length(dec *d, size_t max, size_t *n, bool *is_null)
{
    uint32_t raw;
    ua_status st = get_u32(d, &raw);
    if (st != UA_STATUS_GOOD)
        return st;
    int32_t v = (int32_t)raw;
    *is_null = false;
    *n = 0;
    if (v == -1) {
        *is_null = true;
        return UA_STATUS_GOOD;
    }
    if (v < 0)
        return UA_STATUS_BADDECODINGERROR;
    if ((size_t)v > max)
        return UA_STATUS_BADENCODINGLIMITSEXCEEDED;
    *n = (size_t)v;
    return UA_STATUS_GOOD;
}

static ua_status dec_string(dec *d, ua_String *s)
{
    size_t n;
    bool null;
    ua_status st = get_length(d, d->limits->max_string_length, &n, &null);
    if (st != UA_STATUS_GOOD || null)
        return st;
    if (need(d, n) != UA_STATUS_GOOD)
        return UA_STATUS_BADDECODINGERROR;
    if (n == 0) {
        s->data = UA_EMPTY_ARRAY;
        return UA_STATUS_GOOD;
    }
    s->data = dalloc(d, n + 1, 1, &st);
    if (!s->data)
        return st;
    memcpy(s->data, d->data + d->pos, n);
    s->length = n;
    d->pos += n;
    return UA_STATUS_GOOD;
}

static ua_status dec_guid(dec *d, ua_Guid *g)
{
    if (need(d, 16) != UA_STATUS_GOOD)
        return UA_STATUS_BADDECODINGERROR;
    get_u32(d, &g->data1);
    get_u16(d, &g->data2);
    get_u16(d, &g->data3);
    memcpy(g->data4, d->data + d->pos, 8);
    d->pos += 8;
    return UA_STATUS_GOOD;
}

/* Decodes a NodeId whose first byte is already read as `first`. */
static ua_status dec_nodeid_body(dec *d, ua_NodeId *n, uint8_t first)
{
    ua_status st;
    uint8_t b8 = 0;
    uint16_t b16 = 0;
    switch (first & 0x3F) {
    case 0x00:
        n->id_type = UA_NODEID_NUMERIC;
        st = get_u8(d, &b8);
        n->id.numeric = b8;
        return st;
    case 0x01:
        n->id_type = UA_NODEID_NUMERIC;
        st = get_u8(d, &b8);
        n->ns = b8;
        if (st == UA_STATUS_GOOD)
            st = get_u16(d, &b16);
        n->id.numeric = b16;
        return st;
    case 0x02:
        n->id_type = UA_NODEID_NUMERIC;
        st = get_u16(d, &n->ns);
        return st == UA_STATUS_GOOD ? get_u32(d, &n->id.numeric) : st;
    case 0x03:
    case 0x05:
        st = get_u16(d, &n->ns);
        if (st != UA_STATUS_GOOD)
            return st;
        n->id_type = (first & 0x3F) == 0x03 ? UA_NODEID_STRING : UA_NODEID_BYTESTRING;
        return dec_string(d, &n->id.string);
    case 0x04:
        n->id_type = UA_NODEID_GUID;
        st = get_u16(d, &n->ns);
        return st == UA_STATUS_GOOD ? dec_guid(d, &n->id.guid) : st;
    default:
        return UA_STATUS_BADDECODINGERROR;
    }
}

static ua_status dec_nodeid(dec *d, ua_NodeId *n)
{
    uint8_t first;
    ua_status st = get_u8(d, &first);
    if (st != UA_STATUS_GOOD)
        return st;
    if (first & 0xC0) /* ExpandedNodeId flags in a plain NodeId */
        return UA_STATUS_BADDECODINGERROR;
    return dec_nodeid_body(d, n, first);
}

static ua_status dec_expnodeid(dec *d, ua_ExpandedNodeId *x)
{
    uint8_t first;
    ua_status st = get_u8(d, &first);
    if (st == UA_STATUS_GOOD)
        st = dec_nodeid_body(d, &x->node_id, first);
    if (st == UA_STATUS_GOOD && (first & 0x80)) {
        st = dec_string(d, &x->namespace_uri);
        if (st == UA_STATUS_GOOD && !x->namespace_uri.data)
            st = ua_string_from_bytes(&x->namespace_uri, "", 0);
    }
    if (st == UA_STATUS_GOOD && (first & 0x40))
        st = get_u32(d, &x->server_index);
    return st;
}

static ua_status dec_array(dec *d, void **arr, size_t *n, const ua_type *type)
{
    size_t count;
    bool null;
    *arr = NULL;
    *n = 0;
    ua_status st = get_length(d, d->limits->max_array_length, &count, &null);
    if (st != UA_STATUS_GOOD || null)
        return st;
    if (count == 0) {
        *arr = UA_EMPTY_ARRAY;
        return UA_STATUS_GOOD;
    }
    /* Every element takes at least min bytes: a count the input cannot
     * hold is rejected before anything is allocated. */
    size_t min = ua_min_encoded_size(type);
    if (min > 0 && count > (d->len - d->pos) / min)
        return UA_STATUS_BADDECODINGERROR;
    uint8_t *out = dalloc(d, count, type->mem_size, &st);
    if (!out)
        return st;
    for (size_t i = 0; i < count; i++) {
        st = dec_value(d, out + i * type->mem_size, type);
        if (st != UA_STATUS_GOOD) {
            ua_array_delete(out, i + 1, type); /* element i is partial */
            return st;
        }
    }
    *arr = out;
    *n = count;
    return UA_STATUS_GOOD;
}

static const ua_type *find_type(dec *d, const ua_NodeId *id)
{
    if (id->ns == 0 && id->id_type == UA_NODEID_NUMERIC) {
        const ua_type *t = ua_find_type_by_encoding_id(id->id.numeric);
        if (t)
            return t;
    }
    if (d->opts && d->opts->resolve)
        return d->opts->resolve(d->opts->resolve_ctx, id);
    return NULL;
}

static ua_status dec_extobj(dec *d, ua_ExtensionObject *eo)
{
    uint8_t encoding;
    ua_status st = dec_nodeid(d, &eo->type_id);
    if (st == UA_STATUS_GOOD)
        st = get_u8(d, &encoding);
    if (st != UA_STATUS_GOOD)
        return st;
    if (encoding == 0) {
        eo->encoding = UA_EXTOBJ_EMPTY;
        return UA_STATUS_GOOD;
    }
    if (encoding > 2)
        return UA_STATUS_BADDECODINGERROR;
    size_t n;
    bool null;
    st = get_length(d, d->limits->max_message_size, &n, &null);
    if (st != UA_STATUS_GOOD)
        return st;
    if (need(d, n) != UA_STATUS_GOOD)
        return UA_STATUS_BADDECODINGERROR;
    const ua_type *type = encoding == 1 ? find_type(d, &eo->type_id) : NULL;
    if (type) {
        /* Decode the body within its own bounds; trailing bytes are
         * tolerated (fields a newer peer may have appended). */
        dec sub = *d;
        sub.len = d->pos + n;
        void *data = dalloc(d, 1, type->mem_size, &st);
        if (!data)
            return st;
        sub.budget = d->budget;
        st = dec_value(&sub, data, type);
        if (st != UA_STATUS_GOOD) {
            ua_delete(data, type);
            return st;
        }
        d->budget = sub.budget;
        d->pos += n;
        eo->encoding = UA_EXTOBJ_DECODED;
        eo->type = type;
        eo->data = data;
        return UA_STATUS_GOOD;
    }
    eo->encoding = encoding == 1 ? UA_EXTOBJ_BINARY : UA_EXTOBJ_XML;
    d->pos -= 4; /* re-read the length as a ByteString */
    return dec_string(d, &eo->body);
}

static ua_status dec_variant(dec *d, ua_Variant *v)
{
    uint8_t mask;
    ua_status st = get_u8(d, &mask);
    if (st != UA_STATUS_GOOD)
        return st;
    unsigned id = mask & 0x3F;
    if (id == 0)
        return mask == 0 ? UA_STATUS_GOOD : UA_STATUS_BADDECODINGERROR;
    const ua_type *type = ua_builtin_type(id);
    if (!type)
        return UA_STATUS_BADDECODINGERROR;
    if ((mask & 0x40) && !(mask & 0x80))
        return UA_STATUS_BADDECODINGERROR;
    if (mask & 0x80) {
        st = dec_array(d, &v->data, &v->array_length, type);
        if (st != UA_STATUS_GOOD)
            return st;
        v->type = type;
        v->is_array = true;
    } else {
        void *p = dalloc(d, 1, type->mem_size, &st);
        if (!p)
            return st;
        st = dec_value(d, p, type);
        if (st != UA_STATUS_GOOD) {
            ua_delete(p, type);
            return st;
        }
        v->type = type;
        v->data = p;
    }
    if (!(mask & 0x40))
        return UA_STATUS_GOOD;
    size_t ndims;
    bool null;
    st = get_length(d, 64, &ndims, &null);
    if (st != UA_STATUS_GOOD)
        return st;
    if (null || ndims == 0)
        return UA_STATUS_GOOD;
    if (need(d, ndims * 4) != UA_STATUS_GOOD)
        return UA_STATUS_BADDECODINGERROR;
    v->dims = dalloc(d, ndims, sizeof(uint32_t), &st);
    if (!v->dims)
        return st;
    v->dims_length = ndims;
    uint64_t product = 1;
    for (size_t i = 0; i < ndims; i++) {
        get_u32(d, &v->dims[i]);
        if ((int32_t)v->dims[i] < 0)
            return UA_STATUS_BADDECODINGERROR;
        product *= v->dims[i];
        if (product > v->array_length)
            product = (uint64_t)v->array_length + 1; /* saturate: mismatch below */
    }
    /* Part 6 5.2.2.16: the dimensions must describe exactly the elements. */
    if (product != v->array_length)
        return UA_STATUS_BADDECODINGERROR;
    return UA_STATUS_GOOD;
}

static ua_status dec_datavalue(dec *d, ua_DataValue *dv)
{
    uint8_t mask;
    ua_status st = get_u8(d, &mask);
    if (st != UA_STATUS_GOOD)
        return st;
    dv->has_value = mask & 0x01;
    dv->has_status = mask & 0x02;
    dv->has_source_timestamp = mask & 0x04;
    dv->has_server_timestamp = mask & 0x08;
    dv->has_source_picoseconds = mask & 0x10;
    dv->has_server_picoseconds = mask & 0x20;
    if (dv->has_value)
        st = dec_value(d, &dv->value, UA_BUILTIN(UA_KIND_VARIANT));
    if (st == UA_STATUS_GOOD && dv->has_status)
        st = get_u32(d, &dv->status);
    if (st == UA_STATUS_GOOD && dv->has_source_timestamp)
        st = get_u64(d, (uint64_t *)&dv->source_timestamp);
    if (st == UA_STATUS_GOOD && dv->has_source_picoseconds)
        st = get_u16(d, &dv->source_picoseconds);
    if (st == UA_STATUS_GOOD && dv->has_server_timestamp)
        st = get_u64(d, (uint64_t *)&dv->server_timestamp);
    if (st == UA_STATUS_GOOD && dv->has_server_picoseconds)
        st = get_u16(d, &dv->server_picoseconds);
    return st;
}

static ua_status dec_diag(dec *d, ua_DiagnosticInfo *di)
{
    uint8_t mask;
    ua_status st = get_u8(d, &mask);
    if (st != UA_STATUS_GOOD)
        return st;
    di->has_symbolic_id = mask & 0x01;
    di->has_namespace_uri = mask & 0x02;
    di->has_localized_text = mask & 0x04;
    di->has_locale = mask & 0x08;
    di->has_additional_info = mask & 0x10;
    di->has_inner_status = mask & 0x20;
    di->has_inner_diagnostic_info = mask & 0x40;
    if (di->has_symbolic_id)
        st = get_u32(d, (uint32_t *)&di->symbolic_id);
    if (st == UA_STATUS_GOOD && di->has_namespace_uri)
        st = get_u32(d, (uint32_t *)&di->namespace_uri);
    if (st == UA_STATUS_GOOD && di->has_locale)
        st = get_u32(d, (uint32_t *)&di->locale);
    if (st == UA_STATUS_GOOD && di->has_localized_text)
        st = get_u32(d, (uint32_t *)&di->localized_text);
    if (st == UA_STATUS_GOOD && di->has_additional_info)
        st = dec_string(d, &di->additional_info);
    if (st == UA_STATUS_GOOD && di->has_inner_status)
        st = get_u32(d, &di->inner_status);
    if (st == UA_STATUS_GOOD && di->has_inner_diagnostic_info) {
        di->inner_diagnostic_info = dalloc(d, 1, sizeof(ua_DiagnosticInfo), &st);
        if (di->inner_diagnostic_info)
            st = dec_value(d, di->inner_diagnostic_info, UA_BUILTIN(UA_KIND_DIAGNOSTICINFO));
    }
    return st;
}

static ua_status dec_member(dec *d, uint8_t *base, const ua_member *m, bool optional_ptr)
{
    if (m->is_array) {
        size_t *n = (size_t *)(base + m->offset);
        return dec_array(d, (void **)(n + 1), n, m->type);
    }
    if (optional_ptr) {
        ua_status st;
        void *p = dalloc(d, 1, m->type->mem_size, &st);
        if (!p)
            return st;
        *(void **)(base + m->offset) = p;
        return dec_value(d, p, m->type);
    }
    return dec_value(d, base + m->offset, m->type);
}

static ua_status dec_members(dec *d, void *p, const ua_type *type)
{
    uint8_t *base = p;
    ua_status st = UA_STATUS_GOOD;
    if (type->kind == UA_KIND_UNION) {
        uint32_t sw;
        st = get_u32(d, &sw);
        if (st != UA_STATUS_GOOD)
            return st;
        if (sw > type->members_size)
            return UA_STATUS_BADDECODINGERROR;
        *(uint32_t *)p = sw;
        return sw == 0 ? UA_STATUS_GOOD : dec_member(d, base, &type->members[sw - 1], false);
    }
    uint32_t mask = 0, bit = 0;
    if (type->kind == UA_KIND_OPTSTRUCT) {
        st = get_u32(d, &mask);
        if (st != UA_STATUS_GOOD)
            return st;
    }
    for (uint16_t i = 0; st == UA_STATUS_GOOD && i < type->members_size; i++) {
        const ua_member *m = &type->members[i];
        bool opt = m->is_optional && type->kind == UA_KIND_OPTSTRUCT;
        if (opt && !(mask & (1u << bit++)))
            continue;
        st = dec_member(d, base, m, opt && !m->is_array);
    }
    return st;
}

static ua_status dec_value(dec *d, void *p, const ua_type *type)
{
    if (++d->depth > d->limits->max_depth) {
        d->depth--;
        return UA_STATUS_BADENCODINGLIMITSEXCEEDED;
    }
    ua_status st;
    switch (type->kind) {
    case UA_KIND_BOOLEAN: {
        uint8_t b = 0;
        st = get_u8(d, &b);
        *(bool *)p = b != 0;
        break;
    }
    case UA_KIND_SBYTE:
    case UA_KIND_BYTE:
        st = get_u8(d, p);
        break;
    case UA_KIND_INT16:
    case UA_KIND_UINT16:
        st = get_u16(d, p);
        break;
    case UA_KIND_INT32:
    case UA_KIND_UINT32:
    case UA_KIND_STATUSCODE:
    case UA_KIND_ENUM:
        st = get_u32(d, p);
        break;
    case UA_KIND_INT64:
    case UA_KIND_UINT64:
    case UA_KIND_DATETIME:
        st = get_u64(d, p);
        break;
    case UA_KIND_FLOAT: {
        uint32_t bits = 0;
        st = get_u32(d, &bits);
        memcpy(p, &bits, 4);
        break;
    }
    case UA_KIND_DOUBLE: {
        uint64_t bits = 0;
        st = get_u64(d, &bits);
        memcpy(p, &bits, 8);
        break;
    }
    case UA_KIND_STRING:
    case UA_KIND_BYTESTRING:
    case UA_KIND_XMLELEMENT:
        st = dec_string(d, p);
        break;
    case UA_KIND_GUID:
        st = dec_guid(d, p);
        break;
    case UA_KIND_NODEID:
        st = dec_nodeid(d, p);
        break;
    case UA_KIND_EXPANDEDNODEID:
        st = dec_expnodeid(d, p);
        break;
    case UA_KIND_QUALIFIEDNAME: {
        ua_QualifiedName *q = p;
        st = get_u16(d, &q->ns);
        if (st == UA_STATUS_GOOD)
            st = dec_string(d, &q->name);
        break;
    }
    case UA_KIND_LOCALIZEDTEXT: {
        ua_LocalizedText *t = p;
        uint8_t mask;
        st = get_u8(d, &mask);
        if (st == UA_STATUS_GOOD && (mask & 1))
            st = dec_string(d, &t->locale);
        if (st == UA_STATUS_GOOD && (mask & 2))
            st = dec_string(d, &t->text);
        break;
    }
    case UA_KIND_EXTENSIONOBJECT:
        st = dec_extobj(d, p);
        break;
    case UA_KIND_DATAVALUE:
        st = dec_datavalue(d, p);
        break;
    case UA_KIND_VARIANT:
        st = dec_variant(d, p);
        break;
    case UA_KIND_DIAGNOSTICINFO:
        st = dec_diag(d, p);
        break;
    case UA_KIND_STRUCTURE:
    case UA_KIND_OPTSTRUCT:
    case UA_KIND_UNION:
        st = dec_members(d, p, type);
        break;
    default:
        st = UA_STATUS_BADDECODINGERROR;
        break;
    }
    d->depth--;
    return st;
}

ua_status ua_decode(const uint8_t *data, size_t len, size_t *pos, void *dst, const ua_type *type,
                    const ua_decode_opts *opts)
{
    const ua_limits *limits = opts && opts->limits ? opts->limits : &ua_default_limits;
    memset(dst, 0, type->mem_size);
    if (*pos > len)
        return UA_STATUS_BADDECODINGERROR;
    if (len - *pos > limits->max_message_size)
        return UA_STATUS_BADENCODINGLIMITSEXCEEDED;
    dec d = {data, len, *pos, 0, 0, limits, opts};
    size_t in = len - *pos;
    d.budget = limits->max_alloc
                   ? limits->max_alloc
                   : (in > (SIZE_MAX - (1u << 20)) / 64 ? SIZE_MAX : in * 64 + (1u << 20));
    ua_status st = dec_value(&d, dst, type);
    if (st != UA_STATUS_GOOD) {
        ua_clear(dst, type);
        return st;
    }
    *pos = d.pos;
    return UA_STATUS_GOOD;
}

/* ---- sizes -------------------------------------------------------------- */

static size_t min_size_depth(const ua_type *type, unsigned depth)
{
    static const uint8_t builtin_min[26] = {0, 1, 1,  1, 2, 2, 4, 4, 8, 8, 4, 8, /* ..Double */
                                            4, 8, 16, 4, 4, 2, 2, 4, 6, 1, 3, 1, 1, 1};
    if (type->kind <= UA_KIND_DIAGNOSTICINFO)
        return builtin_min[type->kind];
    if (type->kind == UA_KIND_ENUM || type->kind == UA_KIND_UNION)
        return 4;
    if (depth > 8)
        return 0; /* deep nesting: a safe under-estimate */
    size_t total = type->kind == UA_KIND_OPTSTRUCT ? 4 : 0;
    for (uint16_t i = 0; i < type->members_size; i++) {
        const ua_member *m = &type->members[i];
        if (m->is_optional && type->kind == UA_KIND_OPTSTRUCT)
            continue;
        total += m->is_array ? 4 : min_size_depth(m->type, depth + 1);
    }
    return total;
}

size_t ua_min_encoded_size(const ua_type *type)
{
    return min_size_depth(type, 0);
}
