/* Built-in type descriptors and the generic, table-driven init / clear /
 * copy of any described value (built-in, enum, structure, structure with
 * optional fields, union). Encoding lives in src/ua/encoding. */
#include "ua_types.h"

#include <stdlib.h>
#include <string.h>

#include "ua_statuscodes.h"

uint8_t ua_empty_sentinel[1];

#define NID(n)                                                                                     \
    {                                                                                              \
        0, UA_NODEID_NUMERIC,                                                                      \
        {                                                                                          \
            .numeric = (n)                                                                         \
        }                                                                                          \
    }
#define BUILTIN(name, n, ctype, pf)                                                                \
    {                                                                                              \
        name, NID(n), NID(0), sizeof(ctype), n, pf, 0, NULL                                        \
    }

const ua_type ua_builtin_types[25] = {
    BUILTIN("Boolean", 1, ua_Boolean, true),
    BUILTIN("SByte", 2, ua_SByte, true),
    BUILTIN("Byte", 3, ua_Byte, true),
    BUILTIN("Int16", 4, ua_Int16, true),
    BUILTIN("UInt16", 5, ua_UInt16, true),
    BUILTIN("Int32", 6, ua_Int32, true),
    BUILTIN("UInt32", 7, ua_UInt32, true),
    BUILTIN("Int64", 8, ua_Int64, true),
    BUILTIN("UInt64", 9, ua_UInt64, true),
    BUILTIN("Float", 10, ua_Float, true),
    BUILTIN("Double", 11, ua_Double, true),
    BUILTIN("String", 12, ua_String, false),
    BUILTIN("DateTime", 13, ua_DateTime, true),
    BUILTIN("Guid", 14, ua_Guid, true),
    BUILTIN("ByteString", 15, ua_ByteString, false),
    BUILTIN("XmlElement", 16, ua_XmlElement, false),
    BUILTIN("NodeId", 17, ua_NodeId, false),
    BUILTIN("ExpandedNodeId", 18, ua_ExpandedNodeId, false),
    BUILTIN("StatusCode", 19, ua_StatusCode, true),
    BUILTIN("QualifiedName", 20, ua_QualifiedName, false),
    BUILTIN("LocalizedText", 21, ua_LocalizedText, false),
    BUILTIN("ExtensionObject", 22, ua_ExtensionObject, false),
    BUILTIN("DataValue", 23, ua_DataValue, false),
    BUILTIN("Variant", 24, ua_Variant, false),
    BUILTIN("DiagnosticInfo", 25, ua_DiagnosticInfo, false),
};

const ua_type *ua_builtin_type(unsigned builtin_id)
{
    if (builtin_id < 1 || builtin_id > 25)
        return NULL;
    return &ua_builtin_types[builtin_id - 1];
}

void ua_free(void *p)
{
    if (p != UA_EMPTY_ARRAY)
        free(p);
}

/* ---- strings ---------------------------------------------------------- */

static void string_clear(ua_String *s)
{
    ua_free(s->data);
    s->data = NULL;
    s->length = 0;
}

ua_status ua_string_from_bytes(ua_String *dst, const void *bytes, size_t n)
{
    dst->length = 0;
    if (n == 0) {
        dst->data = UA_EMPTY_ARRAY;
        return UA_STATUS_GOOD;
    }
    if (n == SIZE_MAX)
        return UA_STATUS_BADOUTOFMEMORY;
    dst->data = malloc(n + 1);
    if (!dst->data)
        return UA_STATUS_BADOUTOFMEMORY;
    memcpy(dst->data, bytes, n);
    dst->data[n] = 0;
    dst->length = n;
    return UA_STATUS_GOOD;
}

static ua_status string_copy(const ua_String *src, ua_String *dst)
{
    if (!src->data) {
        dst->data = NULL;
        dst->length = 0;
        return UA_STATUS_GOOD;
    }
    return ua_string_from_bytes(dst, src->data, src->length);
}

ua_String ua_string_borrow(const char *s)
{
    ua_String r = {0, NULL};
    if (s) {
        r.length = strlen(s);
        r.data = (uint8_t *)(uintptr_t)s;
    }
    return r;
}

ua_status ua_string_from(ua_String *dst, const char *s)
{
    if (!s) {
        dst->data = NULL;
        dst->length = 0;
        return UA_STATUS_GOOD;
    }
    return ua_string_from_bytes(dst, s, strlen(s));
}

bool ua_string_equal(const ua_String *a, const ua_String *b)
{
    if ((a->data == NULL) != (b->data == NULL))
        return false;
    return a->length == b->length && (a->length == 0 || memcmp(a->data, b->data, a->length) == 0);
}

bool ua_string_equal_cstr(const ua_String *a, const char *s)
{
    ua_String b = ua_string_borrow(s);
    return ua_string_equal(a, &b);
}

/* ---- node ids ----------------------------------------------------------- */

bool ua_guid_equal(const ua_Guid *a, const ua_Guid *b)
{
    return a->data1 == b->data1 && a->data2 == b->data2 && a->data3 == b->data3 &&
           memcmp(a->data4, b->data4, 8) == 0;
}

bool ua_nodeid_equal(const ua_NodeId *a, const ua_NodeId *b)
{
    if (a->ns != b->ns || a->id_type != b->id_type)
        return false;
    switch (a->id_type) {
    case UA_NODEID_NUMERIC:
        return a->id.numeric == b->id.numeric;
    case UA_NODEID_STRING:
        return ua_string_equal(&a->id.string, &b->id.string);
    case UA_NODEID_GUID:
        return ua_guid_equal(&a->id.guid, &b->id.guid);
    case UA_NODEID_BYTESTRING:
        return ua_string_equal(&a->id.opaque, &b->id.opaque);
    default:
        return false;
    }
}

bool ua_nodeid_is_null(const ua_NodeId *n)
{
    if (n->ns != 0)
        return false;
    switch (n->id_type) {
    case UA_NODEID_NUMERIC:
        return n->id.numeric == 0;
    case UA_NODEID_STRING:
        return n->id.string.length == 0;
    case UA_NODEID_GUID: {
        static const ua_Guid zero;
        return ua_guid_equal(&n->id.guid, &zero);
    }
    default:
        return n->id.opaque.length == 0;
    }
}

static void nodeid_clear(ua_NodeId *n)
{
    if (n->id_type == UA_NODEID_STRING || n->id_type == UA_NODEID_BYTESTRING)
        string_clear(&n->id.string);
    memset(n, 0, sizeof(*n));
}

static ua_status nodeid_copy(const ua_NodeId *src, ua_NodeId *dst)
{
    *dst = *src;
    if (src->id_type == UA_NODEID_STRING || src->id_type == UA_NODEID_BYTESTRING)
        return string_copy(&src->id.string, &dst->id.string);
    return UA_STATUS_GOOD;
}

/* ---- generic clear -------------------------------------------------------- */

static void variant_clear(ua_Variant *v)
{
    if (v->type) {
        if (v->is_array)
            ua_array_delete(v->data, v->array_length, v->type);
        else if (v->data)
            ua_delete(v->data, v->type);
    }
    free(v->dims);
    memset(v, 0, sizeof(*v));
}

static void diag_clear(ua_DiagnosticInfo *d)
{
    /* Iterative so a long inner chain cannot exhaust the stack. */
    ua_DiagnosticInfo *inner = d->inner_diagnostic_info;
    string_clear(&d->additional_info);
    memset(d, 0, sizeof(*d));
    while (inner) {
        ua_DiagnosticInfo *next = inner->inner_diagnostic_info;
        string_clear(&inner->additional_info);
        free(inner);
        inner = next;
    }
}

static void extobj_clear(ua_ExtensionObject *eo)
{
    nodeid_clear(&eo->type_id);
    string_clear(&eo->body);
    if (eo->data && eo->type)
        ua_delete(eo->data, eo->type);
    memset(eo, 0, sizeof(*eo));
}

static void members_clear(void *p, const ua_type *type)
{
    uint8_t *base = p;
    if (type->kind == UA_KIND_UNION) {
        uint32_t sw = *(uint32_t *)p;
        if (sw == 0 || sw > type->members_size)
            return;
        const ua_member *m = &type->members[sw - 1];
        if (m->is_array) {
            size_t *n = (size_t *)(base + m->offset);
            void **arr = (void **)(n + 1);
            ua_array_delete(*arr, *n, m->type);
        } else {
            ua_clear(base + m->offset, m->type);
        }
        return;
    }
    for (uint16_t i = 0; i < type->members_size; i++) {
        const ua_member *m = &type->members[i];
        if (m->is_array) {
            size_t *n = (size_t *)(base + m->offset);
            void **arr = (void **)(n + 1);
            ua_array_delete(*arr, *n, m->type);
        } else if (m->is_optional && type->kind == UA_KIND_OPTSTRUCT) {
            void **ptr = (void **)(base + m->offset);
            if (*ptr)
                ua_delete(*ptr, m->type);
        } else if (!m->type->pointer_free) {
            ua_clear(base + m->offset, m->type);
        }
    }
}

void ua_clear(void *p, const ua_type *type)
{
    switch (type->kind) {
    case UA_KIND_STRING:
    case UA_KIND_BYTESTRING:
    case UA_KIND_XMLELEMENT:
        string_clear(p);
        break;
    case UA_KIND_NODEID:
        nodeid_clear(p);
        break;
    case UA_KIND_EXPANDEDNODEID: {
        ua_ExpandedNodeId *e = p;
        nodeid_clear(&e->node_id);
        string_clear(&e->namespace_uri);
        break;
    }
    case UA_KIND_QUALIFIEDNAME:
        string_clear(&((ua_QualifiedName *)p)->name);
        break;
    case UA_KIND_LOCALIZEDTEXT:
        string_clear(&((ua_LocalizedText *)p)->locale);
        string_clear(&((ua_LocalizedText *)p)->text);
        break;
    case UA_KIND_EXTENSIONOBJECT:
        extobj_clear(p);
        break;
    case UA_KIND_DATAVALUE:
        variant_clear(&((ua_DataValue *)p)->value);
        break;
    case UA_KIND_VARIANT:
        variant_clear(p);
        break;
    case UA_KIND_DIAGNOSTICINFO:
        diag_clear(p);
        break;
    case UA_KIND_STRUCTURE:
    case UA_KIND_OPTSTRUCT:
    case UA_KIND_UNION:
        members_clear(p, type);
        break;
    default:
        break;
    }
    memset(p, 0, type->mem_size);
}

void ua_init(void *p, const ua_type *type)
{
    memset(p, 0, type->mem_size);
}

void *ua_new(const ua_type *type)
{
    return calloc(1, type->mem_size);
}

void ua_delete(void *p, const ua_type *type)
{
    if (!p)
        return;
    ua_clear(p, type);
    free(p);
}

void *ua_array_new(size_t n, const ua_type *type)
{
    if (n == 0)
        return UA_EMPTY_ARRAY;
    if (n > SIZE_MAX / type->mem_size)
        return NULL;
    return calloc(n, type->mem_size);
}

void ua_array_delete(void *arr, size_t n, const ua_type *type)
{
    if (!arr || arr == UA_EMPTY_ARRAY)
        return;
    if (!type->pointer_free) {
        uint8_t *p = arr;
        for (size_t i = 0; i < n; i++)
            ua_clear(p + i * type->mem_size, type);
    }
    free(arr);
}

/* ---- generic copy ------------------------------------------------------- */

ua_status ua_array_copy(const void *src, size_t n, void **dst, const ua_type *type)
{
    if (!src) {
        *dst = NULL;
        return UA_STATUS_GOOD;
    }
    void *out = ua_array_new(n, type);
    if (!out)
        return UA_STATUS_BADOUTOFMEMORY;
    if (n > 0 && type->pointer_free) {
        memcpy(out, src, n * type->mem_size);
    } else {
        for (size_t i = 0; i < n; i++) {
            ua_status st = ua_copy((const uint8_t *)src + i * type->mem_size,
                                   (uint8_t *)out + i * type->mem_size, type);
            if (st != UA_STATUS_GOOD) {
                ua_array_delete(out, i, type);
                return st;
            }
        }
    }
    *dst = out;
    return UA_STATUS_GOOD;
}

static ua_status variant_copy(const ua_Variant *src, ua_Variant *dst)
{
    memset(dst, 0, sizeof(*dst));
    if (!src->type)
        return UA_STATUS_GOOD;
    dst->type = src->type;
    dst->is_array = src->is_array;
    ua_status st;
    if (src->is_array) {
        st = ua_array_copy(src->data, src->array_length, &dst->data, src->type);
        if (st != UA_STATUS_GOOD)
            return st;
        dst->array_length = src->array_length;
    } else if (src->data) {
        dst->data = ua_new(src->type);
        if (!dst->data)
            return UA_STATUS_BADOUTOFMEMORY;
        st = ua_copy(src->data, dst->data, src->type);
        if (st != UA_STATUS_GOOD)
            return st;
    }
    if (src->dims_length > 0) {
        dst->dims = malloc(src->dims_length * sizeof(uint32_t));
        if (!dst->dims)
            return UA_STATUS_BADOUTOFMEMORY;
        memcpy(dst->dims, src->dims, src->dims_length * sizeof(uint32_t));
        dst->dims_length = src->dims_length;
    }
    return UA_STATUS_GOOD;
}

static ua_status diag_copy(const ua_DiagnosticInfo *src, ua_DiagnosticInfo *dst)
{
    *dst = *src;
    dst->additional_info.data = NULL;
    dst->inner_diagnostic_info = NULL;
    ua_status st = string_copy(&src->additional_info, &dst->additional_info);
    if (st != UA_STATUS_GOOD || !src->inner_diagnostic_info)
        return st;
    dst->inner_diagnostic_info = calloc(1, sizeof(ua_DiagnosticInfo));
    if (!dst->inner_diagnostic_info)
        return UA_STATUS_BADOUTOFMEMORY;
    return diag_copy(src->inner_diagnostic_info, dst->inner_diagnostic_info);
}

static ua_status extobj_copy(const ua_ExtensionObject *src, ua_ExtensionObject *dst)
{
    memset(dst, 0, sizeof(*dst));
    dst->encoding = src->encoding;
    ua_status st = nodeid_copy(&src->type_id, &dst->type_id);
    if (st == UA_STATUS_GOOD)
        st = string_copy(&src->body, &dst->body);
    if (st == UA_STATUS_GOOD && src->encoding == UA_EXTOBJ_DECODED && src->data) {
        dst->type = src->type;
        dst->data = ua_new(src->type);
        if (!dst->data)
            return UA_STATUS_BADOUTOFMEMORY;
        st = ua_copy(src->data, dst->data, src->type);
    }
    return st;
}

static ua_status member_copy(const uint8_t *sbase, uint8_t *dbase, const ua_member *m,
                             bool optional_ptr)
{
    if (m->is_array) {
        const size_t *sn = (const size_t *)(sbase + m->offset);
        void *const *sarr = (void *const *)(sn + 1);
        size_t *dn = (size_t *)(dbase + m->offset);
        void **darr = (void **)(dn + 1);
        ua_status st = ua_array_copy(*sarr, *sn, darr, m->type);
        if (st == UA_STATUS_GOOD)
            *dn = *sarr ? *sn : 0;
        return st;
    }
    if (optional_ptr) {
        void *const *sp = (void *const *)(sbase + m->offset);
        void **dp = (void **)(dbase + m->offset);
        if (!*sp)
            return UA_STATUS_GOOD;
        *dp = ua_new(m->type);
        if (!*dp)
            return UA_STATUS_BADOUTOFMEMORY;
        return ua_copy(*sp, *dp, m->type);
    }
    return ua_copy(sbase + m->offset, dbase + m->offset, m->type);
}

static ua_status members_copy(const void *src, void *dst, const ua_type *type)
{
    const uint8_t *s = src;
    uint8_t *d = dst;
    if (type->kind == UA_KIND_UNION) {
        uint32_t sw = *(const uint32_t *)src;
        *(uint32_t *)dst = sw;
        if (sw == 0 || sw > type->members_size)
            return UA_STATUS_GOOD;
        return member_copy(s, d, &type->members[sw - 1], false);
    }
    for (uint16_t i = 0; i < type->members_size; i++) {
        const ua_member *m = &type->members[i];
        ua_status st = member_copy(s, d, m, m->is_optional && type->kind == UA_KIND_OPTSTRUCT);
        if (st != UA_STATUS_GOOD)
            return st;
    }
    return UA_STATUS_GOOD;
}

ua_status ua_copy(const void *src, void *dst, const ua_type *type)
{
    ua_status st = UA_STATUS_GOOD;
    if (type->pointer_free) {
        memcpy(dst, src, type->mem_size);
        return st;
    }
    memset(dst, 0, type->mem_size);
    switch (type->kind) {
    case UA_KIND_STRING:
    case UA_KIND_BYTESTRING:
    case UA_KIND_XMLELEMENT:
        st = string_copy(src, dst);
        break;
    case UA_KIND_NODEID:
        st = nodeid_copy(src, dst);
        break;
    case UA_KIND_EXPANDEDNODEID: {
        const ua_ExpandedNodeId *s = src;
        ua_ExpandedNodeId *d = dst;
        d->server_index = s->server_index;
        st = nodeid_copy(&s->node_id, &d->node_id);
        if (st == UA_STATUS_GOOD)
            st = string_copy(&s->namespace_uri, &d->namespace_uri);
        break;
    }
    case UA_KIND_QUALIFIEDNAME: {
        const ua_QualifiedName *s = src;
        ua_QualifiedName *d = dst;
        d->ns = s->ns;
        st = string_copy(&s->name, &d->name);
        break;
    }
    case UA_KIND_LOCALIZEDTEXT: {
        const ua_LocalizedText *s = src;
        ua_LocalizedText *d = dst;
        st = string_copy(&s->locale, &d->locale);
        if (st == UA_STATUS_GOOD)
            st = string_copy(&s->text, &d->text);
        break;
    }
    case UA_KIND_EXTENSIONOBJECT:
        st = extobj_copy(src, dst);
        break;
    case UA_KIND_DATAVALUE: {
        const ua_DataValue *s = src;
        ua_DataValue *d = dst;
        *d = *s;
        st = variant_copy(&s->value, &d->value);
        break;
    }
    case UA_KIND_VARIANT:
        st = variant_copy(src, dst);
        break;
    case UA_KIND_DIAGNOSTICINFO:
        st = diag_copy(src, dst);
        break;
    case UA_KIND_STRUCTURE:
    case UA_KIND_OPTSTRUCT:
    case UA_KIND_UNION:
        st = members_copy(src, dst, type);
        break;
    default:
        memcpy(dst, src, type->mem_size);
        break;
    }
    if (st != UA_STATUS_GOOD)
        ua_clear(dst, type);
    return st;
}

/* ---- variant and extension object helpers ------------------------------- */

void ua_variant_set_scalar(ua_Variant *v, void *value, const ua_type *type)
{
    memset(v, 0, sizeof(*v));
    v->type = type;
    v->data = value;
}

ua_status ua_variant_set_scalar_copy(ua_Variant *v, const void *value, const ua_type *type)
{
    memset(v, 0, sizeof(*v));
    void *p = ua_new(type);
    if (!p)
        return UA_STATUS_BADOUTOFMEMORY;
    ua_status st = ua_copy(value, p, type);
    if (st != UA_STATUS_GOOD) {
        free(p);
        return st;
    }
    ua_variant_set_scalar(v, p, type);
    return UA_STATUS_GOOD;
}

ua_status ua_variant_set_array_copy(ua_Variant *v, const void *array, size_t n, const ua_type *type)
{
    memset(v, 0, sizeof(*v));
    void *out;
    ua_status st = ua_array_copy(array, n, &out, type);
    if (st != UA_STATUS_GOOD)
        return st;
    v->type = type;
    v->is_array = true;
    v->data = out;
    v->array_length = out ? n : 0;
    return UA_STATUS_GOOD;
}

ua_status ua_extobj_set_copy(ua_ExtensionObject *eo, const void *value, const ua_type *type)
{
    memset(eo, 0, sizeof(*eo));
    void *p = ua_new(type);
    if (!p)
        return UA_STATUS_BADOUTOFMEMORY;
    ua_status st = ua_copy(value, p, type);
    if (st != UA_STATUS_GOOD) {
        free(p);
        return st;
    }
    eo->encoding = UA_EXTOBJ_DECODED;
    eo->type = type;
    eo->data = p;
    eo->type_id = type->binary_encoding_id;
    return UA_STATUS_GOOD;
}
