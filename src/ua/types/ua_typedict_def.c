/* One StructuredType of a DataTypeDictionary (Part 5 (1.05) Annex D.3)
 * as a StructureDefinition (Part 3 (1.05) 8.48): field types resolved
 * through the dictionary's namespace prefixes, LengthField arrays, opc:Bit
 * switches as optional fields (Part 6 (1.05) 5.2.7 EncodingMask) and
 * UInt32-switched unions (Part 6 5.2.8). Anything else is refused with a
 * reason, never guessed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua_statuscodes.h"
#include "ua_typedict_int.h"

enum { ID_INT32 = 6, ID_UINT32 = 7, ID_STRUCTURE = 22, ID_UNION = 12756 };

typedef struct tctx {
    const ua_typedict *d;
    ua_typedict_lookup_fn lookup;
    void *lookup_ctx;
    char *why;
    size_t why_size;
} tctx;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static ua_status
refuse(tctx *c, ua_status st, const char *fmt, ...)
{
    if (c->why_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->why, c->why_size, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* Part 6 (1.05) 5.1.2 built-in type ids, by the names both the opc: and
 * the ua: namespaces use for them. */
static uint32_t builtin_id(const char *name)
{
    static const char *const names[] = {
        "Boolean",       "SByte",           "Byte",           "Int16",      "UInt16",
        "Int32",         "UInt32",          "Int64",          "UInt64",     "Float",
        "Double",        "String",          "DateTime",       "Guid",       "ByteString",
        "XmlElement",    "NodeId",          "ExpandedNodeId", "StatusCode", "QualifiedName",
        "LocalizedText", "ExtensionObject", "DataValue",      "Variant",    "DiagnosticInfo"};
    for (uint32_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(names[i], name) == 0)
            return i + 1;
    return strcmp(name, "CharArray") == 0 ? 12 : 0; /* UTF-8 bytes with an Int32 length */
}

/* A generated namespace-0 DataType by its browse name. */
static uint32_t ns0_id(const char *name)
{
    for (size_t i = 0; i < UA_TYPES_COUNT; i++) {
        const ua_type *t = &ua_types_table[i];
        if (t->type_id.ns == 0 && t->type_id.id_type == UA_NODEID_NUMERIC &&
            strcmp(t->name, name) == 0)
            return t->type_id.id.numeric;
    }
    return 0;
}

/* The namespace URI of qname's prefix and its local part; NULL when the
 * prefix is not declared. */
static const char *split(const ua_typedict *d, const char *qname, const char **local)
{
    const char *colon = strchr(qname, ':');
    size_t plen = colon ? (size_t)(colon - qname) : 0;
    *local = colon ? colon + 1 : qname;
    for (size_t i = 0; i < d->nprefixes; i++)
        if (strlen(d->prefixes[i].prefix) == plen &&
            memcmp(d->prefixes[i].prefix, qname, plen) == 0)
            return d->prefixes[i].uri;
    return NULL;
}

static bool is_opc(const ua_typedict *d, const char *qname, const char *want)
{
    const char *local;
    const char *uri = split(d, qname, &local);
    return uri && strcmp(uri, URI_OPC) == 0 && strcmp(local, want) == 0;
}

/* The DataType of a field's TypeName. */
static ua_status resolve(tctx *c, const td_field *f, ua_NodeId *out)
{
    const char *local;
    const char *uri = split(c->d, f->type, &local);
    uint32_t id = 0;
    if (!uri)
        return refuse(c, UA_STATUS_BADDATATYPEIDUNKNOWN, "field %s: undeclared prefix in %s",
                      f->name, f->type);
    if (strcmp(uri, URI_OPC) == 0 || strcmp(uri, URI_UA) == 0) {
        id = builtin_id(local);
        if (!id && strcmp(uri, URI_UA) == 0)
            id = ns0_id(local);
        if (!id)
            return refuse(c, UA_STATUS_BADDATATYPEIDUNKNOWN, "field %s: unsupported type %s",
                          f->name, f->type);
        *out = ua_nodeid_numeric(0, id);
        return UA_STATUS_GOOD;
    }
    if (strcmp(uri, c->d->target) != 0)
        return refuse(c, UA_STATUS_BADDATATYPEIDUNKNOWN, "field %s: %s is from another dictionary",
                      f->name, f->type);
    size_t i = ua_typedict_find(c->d, local);
    const td_type *t = i == SIZE_MAX ? NULL : &c->d->types[i];
    if (t && t->kind == TD_ENUM) {
        /* Part 6 (1.05) 5.2.4: enumerations travel as Int32. */
        if (t->has_bits && t->bits != 32)
            return refuse(c, UA_STATUS_BADNOTSUPPORTED, "field %s: %u-bit enumeration %s", f->name,
                          t->bits, f->type);
        *out = ua_nodeid_numeric(0, ID_INT32);
        return UA_STATUS_GOOD;
    }
    const ua_NodeId *node =
        t && t->kind == TD_STRUCT && c->lookup ? c->lookup(c->lookup_ctx, local) : NULL;
    if (!node)
        return refuse(c, UA_STATUS_BADDATATYPEIDUNKNOWN, "field %s: no DataType known for %s",
                      f->name, f->type);
    return ua_copy(node, out, UA_BUILTIN(UA_KIND_NODEID));
}

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Leading opc:Bit fields: *first = index of the first data field; the
 * optional-field switches must fill exactly one UInt32 mask. */
static ua_status read_bits(tctx *c, const td_type *t, size_t *first, uint32_t *total)
{
    uint32_t bits = 0;
    size_t k = 0;
    for (; k < t->n && is_opc(c->d, t->fields[k].type, "Bit"); k++) {
        const td_field *f = &t->fields[k];
        uint32_t len = f->has_length ? f->length : 1;
        if (f->unsupported || f->switch_field || f->length_field || len > 32 || bits + len > 32)
            return refuse(c, UA_STATUS_BADNOTSUPPORTED, "bit fields other than a UInt32 mask");
        bits += len;
    }
    for (size_t j = k; j < t->n; j++)
        if (is_opc(c->d, t->fields[j].type, "Bit"))
            return refuse(c, UA_STATUS_BADNOTSUPPORTED, "bit field %s after data fields",
                          t->fields[j].name);
    if (bits != 0 && bits != 32)
        return refuse(c, UA_STATUS_BADNOTSUPPORTED, "switch bits fill %u bits, not 32", bits);
    *first = k;
    *total = bits;
    return UA_STATUS_GOOD;
}

/* The bit position of the 1-bit switch called name among the leading
 * bit fields, or -1. */
static long bit_of(const td_type *t, size_t first, const char *name)
{
    uint32_t pos = 0;
    for (size_t k = 0; k < first; k++) {
        const td_field *f = &t->fields[k];
        uint32_t len = f->has_length ? f->length : 1;
        if (strcmp(f->name, name) == 0)
            return len == 1 ? (long)pos : -1;
        pos += len;
    }
    return -1;
}

/* Is field k the Int32 length of field k + 1? */
static bool is_length_of_next(const td_type *t, size_t k)
{
    return k + 1 < t->n && t->fields[k + 1].length_field &&
           strcmp(t->fields[k + 1].length_field, t->fields[k].name) == 0;
}

typedef struct shape {
    bool is_union;
    size_t first;            /* first field after the bits */
    size_t data;             /* first field after the bits and a union's switch */
    const char *switch_name; /* unions: the UInt32 switch */
} shape;

/* Checks field k's LengthField and switch; *array, *optional for it. */
static ua_status field_shape(tctx *c, const td_type *t, const shape *sh, size_t k, size_t emitted,
                             size_t optional, bool *array, bool *opt)
{
    const td_field *f = &t->fields[k];
    if (f->unsupported)
        return refuse(c, UA_STATUS_BADNOTSUPPORTED, "field %s has %s", f->name, f->unsupported);
    if (f->has_length)
        return refuse(c, UA_STATUS_BADNOTSUPPORTED, "field %s is a fixed-length array", f->name);
    *array = f->length_field != NULL;
    if (*array && !(k > sh->data && is_length_of_next(t, k - 1)))
        return refuse(c, UA_STATUS_BADNOTSUPPORTED,
                      "field %s: LengthField %s does not come right before it", f->name,
                      f->length_field);
    if (f->switch_operand && strcmp(f->switch_operand, "Equals") != 0)
        return refuse(c, UA_STATUS_BADNOTSUPPORTED, "field %s: SwitchOperand %s", f->name,
                      f->switch_operand);
    *opt = false;
    if (sh->is_union) {
        if (!same(f->switch_field, sh->switch_name) || !f->has_switch_value ||
            f->switch_value != emitted + 1)
            return refuse(c, UA_STATUS_BADNOTSUPPORTED, "union arm %s is not switched by %s = %zu",
                          f->name, sh->switch_name, emitted + 1);
        return UA_STATUS_GOOD;
    }
    if (!f->switch_field)
        return UA_STATUS_GOOD;
    long bit = bit_of(t, sh->first, f->switch_field);
    if (f->has_switch_value || bit < 0 || (size_t)bit != optional)
        return refuse(c, UA_STATUS_BADNOTSUPPORTED,
                      "field %s: switch %s is not optional-field bit %zu", f->name, f->switch_field,
                      optional);
    *opt = true;
    return UA_STATUS_GOOD;
}

static ua_status add_field(tctx *c, const td_field *f, bool array, bool opt, ua_StructureField *out)
{
    ua_status st = resolve(c, f, &out->dataType);
    if (st != UA_STATUS_GOOD)
        return st;
    out->valueRank = array ? 1 : -1;
    out->isOptional = opt;
    return ua_string_from(&out->name, f->name);
}

static ua_status translate(tctx *c, const td_type *t, ua_StructureDefinition *out)
{
    shape sh = {false, 0, 0, NULL};
    uint32_t bits = 0;
    ua_status st = read_bits(c, t, &sh.first, &bits);
    if (st != UA_STATUS_GOOD)
        return st;
    for (size_t k = sh.first; k < t->n; k++)
        sh.is_union |= t->fields[k].has_switch_value;
    size_t k = sh.first;
    if (sh.is_union) {
        /* Part 6 (1.05) 5.2.8: a UInt32 switch, then arm n for value n. */
        if (bits || k >= t->n || !is_opc(c->d, t->fields[k].type, "UInt32") ||
            t->fields[k].switch_field || t->fields[k].length_field)
            return refuse(c, UA_STATUS_BADNOTSUPPORTED, "a union without a leading UInt32 switch");
        sh.switch_name = t->fields[k++].name;
    }
    sh.data = k;
    out->fields = ua_array_new(t->n ? t->n : 1, UA_TYPE_STRUCTUREFIELD);
    if (!out->fields)
        return UA_STATUS_BADOUTOFMEMORY;
    size_t emitted = 0, optional = 0;
    for (; k < t->n; k++) {
        const td_field *f = &t->fields[k];
        if (is_length_of_next(t, k)) {
            const td_field *arr = &t->fields[k + 1];
            if (!is_opc(c->d, f->type, "Int32") || !same(f->switch_field, arr->switch_field) ||
                f->has_switch_value != arr->has_switch_value ||
                f->switch_value != arr->switch_value || f->has_length || f->unsupported)
                return refuse(c, UA_STATUS_BADNOTSUPPORTED, "length field %s of %s", f->name,
                              arr->name);
            continue; /* Part 6 5.2.5: the array's own Int32 length */
        }
        bool array = false, opt = false;
        st = field_shape(c, t, &sh, k, emitted, optional, &array, &opt);
        if (st == UA_STATUS_GOOD)
            st = add_field(c, f, array, opt, &out->fields[emitted]);
        out->fieldsSize = ++emitted; /* cleared with the rest on failure */
        if (st != UA_STATUS_GOOD)
            return st;
        optional += opt;
    }
    if (bits && !optional) /* data bits: they would be lost */
        return refuse(c, UA_STATUS_BADNOTSUPPORTED, "bit fields that switch no field");
    out->structureType = sh.is_union ? UA_STRUCTURETYPE_UNION
                         : optional  ? UA_STRUCTURETYPE_STRUCTUREWITHOPTIONALFIELDS
                                     : UA_STRUCTURETYPE_STRUCTURE;
    out->baseDataType = ua_nodeid_numeric(0, sh.is_union ? ID_UNION : ID_STRUCTURE);
    return UA_STATUS_GOOD;
}

ua_status ua_typedict_definition(const ua_typedict *d, const char *name,
                                 ua_typedict_lookup_fn lookup, void *ctx,
                                 ua_StructureDefinition *out, char *why, size_t why_size)
{
    tctx c = {d, lookup, ctx, why, why_size};
    ua_init(out, UA_TYPE_STRUCTUREDEFINITION);
    if (why_size)
        why[0] = 0;
    size_t i = ua_typedict_find(d, name);
    if (i == SIZE_MAX || d->types[i].kind != TD_STRUCT)
        return refuse(&c, UA_STATUS_BADNOTFOUND, "no StructuredType %s in the dictionary", name);
    const td_type *t = &d->types[i];
    ua_status st = t->unsupported ? refuse(&c, UA_STATUS_BADNOTSUPPORTED, "%s", t->unsupported)
                                  : translate(&c, t, out);
    if (st != UA_STATUS_GOOD)
        ua_clear(out, UA_TYPE_STRUCTUREDEFINITION);
    return st;
}
