/* Deterministic value filler for tests and fuzz seed corpora (ua_fill.h). */
#include "ua_fill.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua_statuscodes.h"

size_t ua_all_types_count(void)
{
    return 25 + UA_TYPES_COUNT;
}

const ua_type *ua_all_types_at(size_t i)
{
    return i < 25 ? &ua_builtin_types[i] : &ua_types_table[i - 25];
}

static ua_status fill_string(ua_String *s, const char *prefix, uint32_t seed)
{
    char buf[48];
    snprintf(buf, sizeof(buf), "%s-%u", prefix, (unsigned)seed);
    return ua_string_from(s, buf);
}

static ua_status fill_depth(void *p, const ua_type *type, uint32_t seed, int depth);

static ua_status fill_members(uint8_t *base, const ua_type *type, uint32_t seed, int depth)
{
    for (uint16_t i = 0; i < type->members_size; i++) {
        const ua_member *m = &type->members[i];
        uint32_t s = seed * 31u + i;
        if (m->is_array) {
            size_t *n = (size_t *)(base + m->offset);
            void **arr = (void **)(n + 1);
            size_t count = depth > 3 ? 0 : 2;
            *arr = ua_array_new(count, m->type);
            if (!*arr)
                return UA_STATUS_BADOUTOFMEMORY;
            *n = count;
            for (size_t k = 0; k < count; k++) {
                ua_status st = fill_depth((uint8_t *)*arr + k * m->type->mem_size, m->type,
                                          s + (uint32_t)k, depth + 1);
                if (st != UA_STATUS_GOOD)
                    return st;
            }
        } else {
            ua_status st = fill_depth(base + m->offset, m->type, s, depth + 1);
            if (st != UA_STATUS_GOOD)
                return st;
        }
    }
    return UA_STATUS_GOOD;
}

static ua_status fill_depth(void *p, const ua_type *type, uint32_t seed, int depth)
{
    switch (type->kind) {
    case UA_KIND_BOOLEAN:
        *(bool *)p = seed & 1;
        return UA_STATUS_GOOD;
    case UA_KIND_SBYTE:
    case UA_KIND_BYTE:
        *(uint8_t *)p = (uint8_t)(seed * 7);
        return UA_STATUS_GOOD;
    case UA_KIND_INT16:
    case UA_KIND_UINT16:
        *(uint16_t *)p = (uint16_t)(seed * 257);
        return UA_STATUS_GOOD;
    case UA_KIND_INT32:
    case UA_KIND_UINT32:
    case UA_KIND_STATUSCODE:
        *(uint32_t *)p = seed * 2654435761u;
        return UA_STATUS_GOOD;
    case UA_KIND_ENUM:
        *(int32_t *)p = (int32_t)(seed % 3);
        return UA_STATUS_GOOD;
    case UA_KIND_INT64:
    case UA_KIND_UINT64:
    case UA_KIND_DATETIME:
        *(uint64_t *)p = (uint64_t)seed * 0x9E3779B97F4A7C15ull;
        return UA_STATUS_GOOD;
    case UA_KIND_FLOAT:
        *(float *)p = (float)seed * 0.5f;
        return UA_STATUS_GOOD;
    case UA_KIND_DOUBLE:
        *(double *)p = (double)seed * 0.25;
        return UA_STATUS_GOOD;
    case UA_KIND_STRING:
    case UA_KIND_BYTESTRING:
    case UA_KIND_XMLELEMENT:
        return fill_string(p, type->name, seed);
    case UA_KIND_GUID: {
        ua_Guid *g = p;
        g->data1 = seed;
        g->data2 = (uint16_t)seed;
        g->data3 = (uint16_t)(seed >> 3);
        for (int i = 0; i < 8; i++)
            g->data4[i] = (uint8_t)(seed + (uint32_t)i);
        return UA_STATUS_GOOD;
    }
    case UA_KIND_NODEID: {
        ua_NodeId *n = p;
        n->ns = (uint16_t)(seed % 4);
        if (seed % 2) {
            n->id_type = UA_NODEID_STRING;
            return fill_string(&n->id.string, "node", seed);
        }
        n->id_type = UA_NODEID_NUMERIC;
        n->id.numeric = seed * 1000u;
        return UA_STATUS_GOOD;
    }
    case UA_KIND_EXPANDEDNODEID: {
        ua_ExpandedNodeId *x = p;
        x->server_index = seed % 3;
        ua_status st = fill_depth(&x->node_id, UA_BUILTIN(UA_KIND_NODEID), seed, depth);
        if (st == UA_STATUS_GOOD && seed % 2)
            st = fill_string(&x->namespace_uri, "urn:ns", seed);
        return st;
    }
    case UA_KIND_QUALIFIEDNAME: {
        ua_QualifiedName *q = p;
        q->ns = (uint16_t)(seed % 5);
        return fill_string(&q->name, "name", seed);
    }
    case UA_KIND_LOCALIZEDTEXT: {
        ua_LocalizedText *t = p;
        ua_status st = seed % 2 ? ua_string_from(&t->locale, "en-US") : UA_STATUS_GOOD;
        return st == UA_STATUS_GOOD ? fill_string(&t->text, "text", seed) : st;
    }
    case UA_KIND_EXTENSIONOBJECT: {
        ua_ExtensionObject *eo = p;
        if (depth > 3 || seed % 2)
            return UA_STATUS_GOOD; /* empty */
        ua_Range r = {-(double)seed, (double)seed};
        return ua_extobj_set_copy(eo, &r, UA_TYPE_RANGE);
    }
    case UA_KIND_DATAVALUE: {
        ua_DataValue *dv = p;
        dv->has_value = true;
        dv->has_status = seed % 2;
        dv->status = UA_STATUS_BADTIMEOUT;
        dv->has_source_timestamp = true;
        dv->source_timestamp = (int64_t)seed * 10000000;
        dv->has_server_picoseconds = seed % 3 == 0;
        dv->server_picoseconds = 17;
        int32_t v = (int32_t)seed;
        return ua_variant_set_scalar_copy(&dv->value, &v, UA_BUILTIN(UA_KIND_INT32));
    }
    case UA_KIND_VARIANT: {
        ua_Variant *v = p;
        if (seed % 3 == 0) {
            ua_String arr[2] = {ua_string_borrow("a"), ua_string_borrow("bc")};
            return ua_variant_set_array_copy(v, arr, 2, UA_BUILTIN(UA_KIND_STRING));
        }
        double d = seed * 1.5;
        return ua_variant_set_scalar_copy(v, &d, UA_BUILTIN(UA_KIND_DOUBLE));
    }
    case UA_KIND_DIAGNOSTICINFO: {
        ua_DiagnosticInfo *di = p;
        di->has_symbolic_id = true;
        di->symbolic_id = (int32_t)seed;
        di->has_additional_info = true;
        return fill_string(&di->additional_info, "info", seed);
    }
    case UA_KIND_STRUCTURE:
        return fill_members(p, type, seed, depth);
    default:
        return UA_STATUS_BADNOTSUPPORTED;
    }
}

ua_status ua_fill(void *p, const ua_type *type, uint32_t seed)
{
    return fill_depth(p, type, seed, 0);
}
