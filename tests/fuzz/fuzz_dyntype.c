/* libFuzzer target: hostile StructureDefinitions and payloads. Input: one
 * byte n (types, at most 8), then n StructureDefinitions in OPC UA Binary
 * (DataType ids ns=2;i=5000+2k; their own defaultEncodingId is the
 * encoding), then a payload decoded as every type built, as a bare value
 * and inside an ExtensionObject resolved after the fact. Whatever decodes
 * must encode, decode and encode again to the same bytes, and convert to
 * JSON and back without harm.
 * Nothing may crash, leak, overread or loop. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ua_binary.h"
#include "ua_dyntype.h"
#include "ua_statuscodes.h"
#include "wire.h"

#define MAX_DEFS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const ua_type *base(void *ctx, const ua_NodeId *id)
{
    (void)ctx;
    if (id->ns == 0 && id->id_type == UA_NODEID_NUMERIC) {
        if (id->id.numeric >= 1 && id->id.numeric <= 25)
            return ua_builtin_type(id->id.numeric);
        return ua_find_type_by_type_id(id->id.numeric);
    }
    return NULL;
}

static const ua_type *lookup(void *ctx, const ua_NodeId *id)
{
    return ua_dyntypes_find(ctx, id);
}

static void check_value(const ua_dyntypes *r, const ua_type *t, const uint8_t *p, size_t n)
{
    static const ua_limits limits = {1 << 16, 1 << 12, 1 << 10, 32, 1 << 20};
    ua_decode_opts opts = {&limits, ua_dyntypes_resolver, (void *)(uintptr_t)r};
    void *v = malloc(t->mem_size);
    if (!v)
        return;
    size_t pos = 0;
    if (ua_decode(p, n, &pos, v, t, &opts) == UA_STATUS_GOOD) {
        /* encode, decode, encode: both encodings must be identical */
        bbuf a, b;
        bbuf_init(&a, 1 << 22);
        bbuf_init(&b, 1 << 22);
        if (ua_encode(v, t, &a) != UA_STATUS_GOOD)
            abort();
        void *w = malloc(t->mem_size);
        size_t p2 = 0;
        ua_decode_opts again = {NULL, ua_dyntypes_resolver, (void *)(uintptr_t)r};
        if (!w || ua_decode(a.data, a.len, &p2, w, t, &again) != UA_STATUS_GOOD || p2 != a.len)
            abort();
        if (ua_encode(w, t, &b) != UA_STATUS_GOOD || a.len != b.len ||
            (a.len && memcmp(a.data, b.data, a.len) != 0))
            abort();
        ua_clear(w, t);
        free(w);
        bbuf_clear(&a);
        bbuf_clear(&b);
        json_t *j = wire_from_value(v, t);
        void *back = malloc(t->mem_size);
        if (j && back) {
            wire_error err;
            wire_error_init(&err, "value");
            err.lookup = lookup;
            err.lookup_ctx = (void *)(uintptr_t)r;
            if (wire_to_value(j, t, back, &err) == 0)
                ua_clear(back, t);
        }
        free(back);
        json_decref(j);
        ua_clear(v, t);
    }
    free(v);
}

static void check_extobj(const ua_dyntypes *r, const ua_type *t, const uint8_t *p, size_t n)
{
    ua_ExtensionObject *eo = ua_new(UA_BUILTIN(UA_KIND_EXTENSIONOBJECT));
    if (!eo)
        return;
    eo->encoding = UA_EXTOBJ_BINARY;
    if (ua_copy(&t->binary_encoding_id, &eo->type_id, UA_BUILTIN(UA_KIND_NODEID)) ||
        ua_string_from_bytes(&eo->body, p, n)) {
        ua_delete(eo, UA_BUILTIN(UA_KIND_EXTENSIONOBJECT));
        return;
    }
    ua_Variant v = {0};
    ua_variant_set_scalar(&v, eo, UA_BUILTIN(UA_KIND_EXTENSIONOBJECT));
    ua_dyntypes_resolve_variant(r, &v);
    if (eo->encoding == UA_EXTOBJ_DECODED)
        json_decref(wire_from_variant(&v));
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t n = data[0] % (MAX_DEFS + 1), pos = 1;
    static const ua_limits limits = {1 << 16, 1 << 10, 300, 16, 1 << 20};
    ua_decode_opts opts = {&limits, NULL, NULL};
    ua_StructureDefinition defs[MAX_DEFS];
    ua_dyntype_input in[MAX_DEFS];
    size_t got = 0;
    for (; got < n; got++) {
        if (ua_decode(data, size, &pos, &defs[got], UA_TYPE_STRUCTUREDEFINITION, &opts) !=
            UA_STATUS_GOOD)
            break;
        memset(&in[got], 0, sizeof(in[got]));
        in[got].type_id = ua_nodeid_numeric(2, 5000 + 2 * (uint32_t)got);
        in[got].name = ua_string_borrow("T");
        in[got].def = &defs[got];
    }
    ua_dyntypes *r = ua_dyntypes_build(in, got, base, NULL);
    if (r) {
        for (size_t i = 0; i < ua_dyntypes_count(r); i++) {
            const ua_type *t = ua_dyntypes_at(r, i);
            check_value(r, t, data + pos, size - pos);
            if (!ua_nodeid_is_null(&t->binary_encoding_id))
                check_extobj(r, t, data + pos, size - pos);
        }
        ua_dyntypes_delete(r);
    }
    for (size_t i = 0; i < got; i++)
        ua_clear(&defs[i], UA_TYPE_STRUCTUREDEFINITION);
    return 0;
}
