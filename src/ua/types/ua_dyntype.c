/* Run-time structure types: descriptors built from StructureDefinitions
 * (Part 3 (1.05) 8.48; encodings Part 6 (1.05) 5.2.6-5.2.8) and the
 * in-place decoding of opaque ExtensionObject bodies with them. Does not
 * read anything from a server and does not handle DataTypeDictionaries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua_binary.h"
#include "ua_dyntype.h"
#include "ua_statuscodes.h"

/* ---- NodeId -> index map (open addressing, linear probing) ---------------- */

typedef struct ua_nodemap_slot {
    bool used;
    ua_NodeId key;
    size_t value;
} ua_nodemap_slot;

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull; /* FNV-1a */
    return h;
}

static uint64_t nodeid_hash(const ua_NodeId *id)
{
    uint64_t h = 14695981039346656037ull;
    h = mix(h, &id->ns, sizeof(id->ns));
    h = mix(h, &id->id_type, 1);
    switch (id->id_type) {
    case UA_NODEID_NUMERIC:
        return mix(h, &id->id.numeric, sizeof(id->id.numeric));
    case UA_NODEID_GUID:
        h = mix(h, &id->id.guid.data1, 4);
        h = mix(h, &id->id.guid.data2, 2);
        h = mix(h, &id->id.guid.data3, 2);
        return mix(h, id->id.guid.data4, 8);
    default:
        return id->id.string.data ? mix(h, id->id.string.data, id->id.string.length) : h;
    }
}

void ua_nodemap_init(ua_nodemap *m)
{
    memset(m, 0, sizeof(*m));
}

void ua_nodemap_clear(ua_nodemap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].used)
            ua_clear(&m->slots[i].key, UA_BUILTIN(UA_KIND_NODEID));
    free(m->slots);
    memset(m, 0, sizeof(*m));
}

static ua_nodemap_slot *find_slot(ua_nodemap_slot *slots, size_t cap, const ua_NodeId *key)
{
    size_t i = (size_t)nodeid_hash(key) & (cap - 1);
    while (slots[i].used && !ua_nodeid_equal(&slots[i].key, key))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static ua_status grow(ua_nodemap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 16;
    ua_nodemap_slot *slots = calloc(cap, sizeof(*slots));
    if (!slots)
        return UA_STATUS_BADOUTOFMEMORY;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].used)
            *find_slot(slots, cap, &m->slots[i].key) = m->slots[i]; /* key moves */
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return UA_STATUS_GOOD;
}

ua_status ua_nodemap_put(ua_nodemap *m, const ua_NodeId *key, size_t value)
{
    if ((m->count + 1) * 2 > m->cap && grow(m) != UA_STATUS_GOOD)
        return UA_STATUS_BADOUTOFMEMORY;
    ua_nodemap_slot *s = find_slot(m->slots, m->cap, key);
    if (s->used) {
        s->value = value;
        return UA_STATUS_GOOD;
    }
    if (ua_copy(key, &s->key, UA_BUILTIN(UA_KIND_NODEID)) != UA_STATUS_GOOD)
        return UA_STATUS_BADOUTOFMEMORY;
    s->used = true;
    s->value = value;
    m->count++;
    return UA_STATUS_GOOD;
}

bool ua_nodemap_get(const ua_nodemap *m, const ua_NodeId *key, size_t *value)
{
    if (!m->cap)
        return false;
    const ua_nodemap_slot *s = find_slot(m->slots, m->cap, key);
    if (!s->used)
        return false;
    *value = s->value;
    return true;
}

/* ---- registry ----------------------------------------------------------------- */

enum { ST_NEW, ST_BUSY, ST_OK, ST_FAILED };

typedef struct entry {
    ua_type type; /* address stable: entries never move */
    ua_member *members;
    char *name;
    char **member_names;
    uint16_t names_n;
    uint8_t state;
} entry;

struct ua_dyntypes {
    entry *e;
    size_t n;
    const ua_type **built;
    size_t built_n;
    ua_nodemap by_enc, by_type;
};

/* Everything a build needs while it runs. */
typedef struct builder {
    ua_dyntypes *r;
    const ua_dyntype_input *in;
    ua_dyntype_base_fn base;
    void *base_ctx;
    bool oom;
} builder;

#define ALIGN8(x) (((x) + 7u) & ~(size_t)7u)

static char *name_dup(const ua_String *s, const char *fallback)
{
    size_t n = s->data ? s->length : strlen(fallback);
    const void *src = s->data ? (const void *)s->data : (const void *)fallback;
    if (n > UA_DYNTYPE_MAX_NAME)
        n = UA_DYNTYPE_MAX_NAME;
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, src, n);
    p[n] = 0;
    /* An embedded NUL would cut the name anyway; keep it a C string. */
    return p;
}

static void entry_clear(entry *e)
{
    for (uint16_t i = 0; i < e->names_n; i++)
        free(e->member_names[i]);
    free(e->member_names);
    free(e->members);
    free(e->name);
    ua_clear(&e->type.type_id, UA_BUILTIN(UA_KIND_NODEID));
    ua_clear(&e->type.binary_encoding_id, UA_BUILTIN(UA_KIND_NODEID));
    memset(e, 0, sizeof(*e));
}

static bool struct_like(const ua_type *t)
{
    return t->kind == UA_KIND_STRUCTURE || t->kind == UA_KIND_OPTSTRUCT || t->kind == UA_KIND_UNION;
}

static bool layout(builder *b, size_t i, unsigned depth);

/* The descriptor of field f. by_value: the field is stored inline, so a
 * referenced input must be laid out first (and must not contain this one). */
static const ua_type *field_type(builder *b, const ua_StructureField *f, bool by_value,
                                 unsigned depth)
{
    size_t j;
    if (ua_nodemap_get(&b->r->by_type, &f->dataType, &j)) {
        if (by_value && !layout(b, j, depth + 1))
            return NULL;
        return &b->r->e[j].type;
    }
    return b->base ? b->base(b->base_ctx, &f->dataType) : NULL;
}

/* Fills e's members from its definition; false when it cannot be built. */
static bool layout_members(builder *b, size_t i, unsigned depth)
{
    entry *e = &b->r->e[i];
    const ua_StructureDefinition *def = b->in[i].def;
    int32_t st = def->structureType;
    if (st < UA_STRUCTURETYPE_STRUCTURE || st > UA_STRUCTURETYPE_UNIONWITHSUBTYPEDVALUES)
        return false;
    bool is_union = st == UA_STRUCTURETYPE_UNION || st == UA_STRUCTURETYPE_UNIONWITHSUBTYPEDVALUES;
    bool subtyped = st == UA_STRUCTURETYPE_STRUCTUREWITHSUBTYPEDVALUES ||
                    st == UA_STRUCTURETYPE_UNIONWITHSUBTYPEDVALUES;
    size_t nf = def->fieldsSize;
    if (nf > UA_DYNTYPE_MAX_FIELDS || (nf && !def->fields))
        return false;
    e->members = calloc(nf ? nf : 1, sizeof(ua_member));
    e->member_names = calloc(nf ? nf : 1, sizeof(char *));
    if (!e->members || !e->member_names) {
        b->oom = true;
        return false;
    }
    size_t offset = is_union ? 8 : 0, size = offset, optional = 0;
    bool any_optional = false;
    for (size_t k = 0; k < nf; k++) {
        const ua_StructureField *f = &def->fields[k];
        ua_member *m = &e->members[k];
        bool opt = st == UA_STRUCTURETYPE_STRUCTUREWITHOPTIONALFIELDS && f->isOptional;
        /* Part 6 5.2.6: ValueRank -1 is a scalar, 1 a one-dimensional
         * array; more dimensions are not supported here. */
        if (f->valueRank != -1 && f->valueRank != 1)
            return false;
        m->is_array = f->valueRank == 1;
        /* Arrays and optional fields are pointers; everything else,
         * union arms included, is stored by value. */
        const ua_type *t = field_type(b, f, !m->is_array && !opt, depth);
        if (!t)
            return false;
        if (subtyped && f->isOptional) /* Part 3 8.51: any subtype, sent self-describing */
            t = struct_like(t) ? UA_BUILTIN(UA_KIND_EXTENSIONOBJECT) : UA_BUILTIN(UA_KIND_VARIANT);
        if (opt && ++optional > UA_DYNTYPE_MAX_OPTIONAL)
            return false;
        any_optional |= opt;
        char fallback[24];
        snprintf(fallback, sizeof(fallback), "Field%zu", k);
        e->member_names[k] = name_dup(&f->name, fallback);
        e->names_n = (uint16_t)(k + 1);
        if (!e->member_names[k]) {
            b->oom = true;
            return false;
        }
        m->name = e->member_names[k];
        m->type = t;
        m->is_optional = opt;
        size_t need = m->is_array ? sizeof(size_t) + sizeof(void *)
                      : opt       ? sizeof(void *)
                                  : ALIGN8(t->mem_size);
        if (need > UA_DYNTYPE_MAX_MEM_SIZE)
            return false;
        if (is_union) {
            m->offset = 8;
            if (8 + need > size)
                size = 8 + need;
        } else {
            m->offset = (uint32_t)offset;
            offset += need;
            size = offset;
        }
        if (size > UA_DYNTYPE_MAX_MEM_SIZE)
            return false;
    }
    e->type.members = e->members;
    e->type.members_size = (uint16_t)nf;
    e->type.mem_size = (uint32_t)(size ? ALIGN8(size) : 8);
    e->type.kind = is_union ? UA_KIND_UNION : any_optional ? UA_KIND_OPTSTRUCT : UA_KIND_STRUCTURE;
    /* Types behind arrays and optional fields need not be laid out yet;
     * prune() drops this one if any of them fails. */
    return true;
}

static bool layout(builder *b, size_t i, unsigned depth)
{
    entry *e = &b->r->e[i];
    if (e->state == ST_OK)
        return true;
    if (e->state != ST_NEW || depth > UA_DYNTYPE_MAX_INLINE)
        return false; /* failed before, or contains itself by value */
    e->state = ST_BUSY;
    bool ok = layout_members(b, i, depth);
    e->state = ok ? ST_OK : ST_FAILED;
    return ok;
}

/* A structure referring to a failed one (through an array, an optional
 * field or a union arm) fails too; repeat until nothing changes. */
static void prune(ua_dyntypes *r)
{
    bool changed = true;
    while (changed) {
        changed = false;
        for (size_t i = 0; i < r->n; i++) {
            entry *e = &r->e[i];
            if (e->state != ST_OK)
                continue;
            for (uint16_t k = 0; k < e->type.members_size; k++) {
                const ua_type *t = e->members[k].type;
                size_t j;
                /* One of ours (not a built-in that shares its id)? */
                if (ua_nodemap_get(&r->by_type, &t->type_id, &j) && &r->e[j].type == t &&
                    r->e[j].state != ST_OK) {
                    e->state = ST_FAILED;
                    changed = true;
                    break;
                }
            }
        }
    }
}

static bool index_types(builder *b)
{
    ua_dyntypes *r = b->r;
    for (size_t i = 0; i < r->n; i++) {
        const ua_dyntype_input *in = &b->in[i];
        entry *e = &r->e[i];
        e->name = name_dup(&in->name, "Structure");
        if (!e->name || ua_copy(&in->type_id, &e->type.type_id, UA_BUILTIN(UA_KIND_NODEID)))
            return false;
        const ua_NodeId *enc = !ua_nodeid_is_null(&in->encoding_id) ? &in->encoding_id
                               : in->def                            ? &in->def->defaultEncodingId
                                                                    : &in->encoding_id;
        if (ua_copy(enc, &e->type.binary_encoding_id, UA_BUILTIN(UA_KIND_NODEID)))
            return false;
        e->type.name = e->name;
        if (!in->def)
            e->state = ST_FAILED;
        /* The first definition of a DataType wins. */
        size_t old;
        if (ua_nodemap_get(&r->by_type, &in->type_id, &old))
            e->state = ST_FAILED;
        else if (ua_nodemap_put(&r->by_type, &in->type_id, i) != UA_STATUS_GOOD)
            return false;
    }
    return true;
}

static bool register_built(ua_dyntypes *r)
{
    r->built = calloc(r->n ? r->n : 1, sizeof(*r->built));
    if (!r->built)
        return false;
    for (size_t i = 0; i < r->n; i++) {
        entry *e = &r->e[i];
        if (e->state != ST_OK)
            continue;
        r->built[r->built_n++] = &e->type;
        if (!ua_nodeid_is_null(&e->type.binary_encoding_id) &&
            ua_nodemap_put(&r->by_enc, &e->type.binary_encoding_id, i) != UA_STATUS_GOOD)
            return false;
    }
    return true;
}

ua_dyntypes *ua_dyntypes_build(const ua_dyntype_input *in, size_t n, ua_dyntype_base_fn base,
                               void *base_ctx)
{
    if (n > UA_DYNTYPE_MAX_TYPES)
        n = UA_DYNTYPE_MAX_TYPES;
    ua_dyntypes *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->e = calloc(n ? n : 1, sizeof(entry));
    if (!r->e) {
        free(r);
        return NULL;
    }
    r->n = n;
    builder b = {r, in, base, base_ctx, false};
    if (!index_types(&b)) {
        ua_dyntypes_delete(r);
        return NULL;
    }
    for (size_t i = 0; i < n && !b.oom; i++)
        layout(&b, i, 0);
    if (b.oom) {
        ua_dyntypes_delete(r);
        return NULL;
    }
    prune(r);
    if (!register_built(r)) {
        ua_dyntypes_delete(r);
        return NULL;
    }
    return r;
}

void ua_dyntypes_delete(ua_dyntypes *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        entry_clear(&r->e[i]);
    free(r->e);
    free(r->built);
    ua_nodemap_clear(&r->by_enc);
    ua_nodemap_clear(&r->by_type);
    free(r);
}

size_t ua_dyntypes_count(const ua_dyntypes *r)
{
    return r ? r->built_n : 0;
}

const ua_type *ua_dyntypes_at(const ua_dyntypes *r, size_t i)
{
    return r && i < r->built_n ? r->built[i] : NULL;
}

const ua_type *ua_dyntypes_by_encoding(const ua_dyntypes *r, const ua_NodeId *encoding_id)
{
    size_t i;
    if (!r || !ua_nodemap_get(&r->by_enc, encoding_id, &i))
        return NULL;
    return &r->e[i].type;
}

const ua_type *ua_dyntypes_by_type_id(const ua_dyntypes *r, const ua_NodeId *type_id)
{
    size_t i;
    if (!r || !ua_nodemap_get(&r->by_type, type_id, &i) || r->e[i].state != ST_OK)
        return NULL;
    return &r->e[i].type;
}

const ua_type *ua_dyntypes_find(const ua_dyntypes *r, const ua_NodeId *id)
{
    const ua_type *t = ua_dyntypes_by_encoding(r, id);
    return t ? t : ua_dyntypes_by_type_id(r, id);
}

const ua_type *ua_dyntypes_resolver(void *ctx, const ua_NodeId *encoding_id)
{
    return ua_dyntypes_by_encoding(ctx, encoding_id);
}

/* ---- decoding opaque bodies in place --------------------------------------- */

#define RESOLVE_DEPTH 16

static void resolve_variant_depth(const ua_dyntypes *r, ua_Variant *v, unsigned depth);

static void resolve_extobj_depth(const ua_dyntypes *r, ua_ExtensionObject *eo, unsigned depth)
{
    if (eo->encoding != UA_EXTOBJ_BINARY || !eo->body.data || depth > RESOLVE_DEPTH)
        return;
    const ua_type *t = ua_dyntypes_by_encoding(r, &eo->type_id);
    if (!t)
        return;
    void *data = malloc(t->mem_size);
    if (!data)
        return;
    ua_decode_opts opts = {NULL, ua_dyntypes_resolver, (void *)(uintptr_t)r};
    size_t pos = 0;
    if (ua_decode(eo->body.data, eo->body.length, &pos, data, t, &opts) != UA_STATUS_GOOD) {
        free(data);
        return;
    }
    ua_clear(&eo->body, UA_BUILTIN(UA_KIND_BYTESTRING));
    eo->encoding = UA_EXTOBJ_DECODED;
    eo->type = t;
    eo->data = data;
}

static void resolve_data_value_depth(const ua_dyntypes *r, ua_DataValue *dv, unsigned depth)
{
    resolve_variant_depth(r, &dv->value, depth + 1);
}

static void resolve_variant_depth(const ua_dyntypes *r, ua_Variant *v, unsigned depth)
{
    if (!v->type || !v->data || depth > RESOLVE_DEPTH)
        return;
    size_t n = v->is_array ? v->array_length : 1;
    uint8_t *p = v->data;
    for (size_t i = 0; i < n; i++) {
        void *el = p + i * v->type->mem_size;
        switch (v->type->kind) {
        case UA_KIND_EXTENSIONOBJECT:
            resolve_extobj_depth(r, el, depth);
            break;
        case UA_KIND_VARIANT:
            resolve_variant_depth(r, el, depth + 1);
            break;
        case UA_KIND_DATAVALUE:
            resolve_data_value_depth(r, el, depth);
            break;
        default:
            return;
        }
    }
}

void ua_dyntypes_resolve_extobj(const ua_dyntypes *r, ua_ExtensionObject *eo)
{
    if (r)
        resolve_extobj_depth(r, eo, 0);
}

void ua_dyntypes_resolve_variant(const ua_dyntypes *r, ua_Variant *v)
{
    if (r)
        resolve_variant_depth(r, v, 0);
}

void ua_dyntypes_resolve_data_value(const ua_dyntypes *r, ua_DataValue *dv)
{
    if (r)
        resolve_data_value_depth(r, dv, 0);
}
