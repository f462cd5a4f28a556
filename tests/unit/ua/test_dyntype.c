/* Run-time structure types (ua_dyntype.c): descriptors built from
 * StructureDefinitions in any order, golden bytes and round trips through
 * the codec and the JSON mapping (wire_to_value / wire_from_value), in-place
 * decoding of opaque bodies, and hostile definitions (cycles, unknown
 * types, bounds) that must be skipped without harm. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ua_binary.h"
#include "ua_dyntype.h"
#include "ua_statuscodes.h"
#include "wire.h"

#define NS 2

typedef struct fdesc {
    const char *name;
    uint32_t type; /* ns 0 when < 1000, else ns NS */
    int32_t rank;
    bool optional;
} fdesc;

static ua_NodeId tid(uint32_t id)
{
    return ua_nodeid_numeric(id < 1000 ? 0 : NS, id);
}

static ua_StructureDefinition *mkdef(int32_t st, uint32_t enc, const fdesc *f, size_t n)
{
    ua_StructureDefinition *d = ua_new(UA_TYPE_STRUCTUREDEFINITION);
    assert_non_null(d);
    d->structureType = st;
    d->defaultEncodingId = ua_nodeid_numeric(NS, enc);
    d->baseDataType = ua_nodeid_numeric(0, 22);
    d->fields = ua_array_new(n, UA_TYPE_STRUCTUREFIELD);
    d->fieldsSize = n;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(ua_string_from(&d->fields[i].name, f[i].name), UA_STATUS_GOOD);
        d->fields[i].dataType = tid(f[i].type);
        d->fields[i].valueRank = f[i].rank ? f[i].rank : -1;
        d->fields[i].isOptional = f[i].optional;
    }
    return d;
}

/* Built-ins, and the enumeration ns=2;i=3010 as Int32. */
static const ua_type *base(void *ctx, const ua_NodeId *id)
{
    (void)ctx;
    if (id->ns == 0 && id->id_type == UA_NODEID_NUMERIC)
        return ua_builtin_type(id->id.numeric);
    if (id->ns == NS && id->id_type == UA_NODEID_NUMERIC && id->id.numeric == 3010)
        return UA_BUILTIN(UA_KIND_INT32);
    return NULL;
}

/* The fixture's four types, dependencies last. */
typedef struct fixture {
    ua_StructureDefinition *defs[4];
    ua_dyntype_input in[4];
    ua_dyntypes *r;
} fixture;

static const fdesc f_struct[] = {
    {"Id", 6, 0, false},   {"Name", 12, 0, false},    {"Value", 11, 0, false},
    {"Flag", 1, 0, false}, {"Samples", 11, 1, false},
};
static const fdesc f_nested[] = {
    {"Label", 12, 0, false},
    {"Inner", 3001, 0, false},
    {"Items", 3001, 1, false},
    {"Color", 3010, 0, false},
};
static const fdesc f_opt[] = {
    {"Required", 6, 0, false},
    {"OptValue", 11, 0, true},
    {"OptText", 12, 0, true},
    {"OptList", 6, 1, true},
};
static const fdesc f_union[] = {
    {"Number", 6, 0, false},
    {"Text", 12, 0, false},
    {"Struct", 3001, 0, false},
};

static void fixture_build(fixture *fx)
{
    memset(fx, 0, sizeof(*fx));
    fx->defs[0] = mkdef(UA_STRUCTURETYPE_STRUCTURE, 3021, f_nested, 4);
    fx->defs[1] = mkdef(UA_STRUCTURETYPE_UNION, 3041, f_union, 3);
    fx->defs[2] = mkdef(UA_STRUCTURETYPE_STRUCTUREWITHOPTIONALFIELDS, 3031, f_opt, 4);
    fx->defs[3] = mkdef(UA_STRUCTURETYPE_STRUCTURE, 3002, f_struct, 5);
    static const char *const names[] = {"TestNested", "TestUnion", "TestOptional", "TestStruct"};
    static const uint32_t ids[] = {3020, 3040, 3030, 3001};
    for (int i = 0; i < 4; i++) {
        fx->in[i].type_id = ua_nodeid_numeric(NS, ids[i]);
        fx->in[i].name = ua_string_borrow(names[i]);
        fx->in[i].def = fx->defs[i];
    }
    fx->r = ua_dyntypes_build(fx->in, 4, base, NULL);
    assert_non_null(fx->r);
}

static void fixture_clear(fixture *fx)
{
    ua_dyntypes_delete(fx->r);
    for (int i = 0; i < 4; i++)
        ua_delete(fx->defs[i], UA_TYPE_STRUCTUREDEFINITION);
}

static const ua_type *by_id(const fixture *fx, uint32_t id)
{
    ua_NodeId n = ua_nodeid_numeric(NS, id);
    return ua_dyntypes_find(fx->r, &n);
}

static void test_dyntype_builds_in_any_order(void **state)
{
    (void)state;
    fixture fx;
    fixture_build(&fx);
    assert_int_equal(ua_dyntypes_count(fx.r), 4);
    const ua_type *s = by_id(&fx, 3001), *n = by_id(&fx, 3020), *o = by_id(&fx, 3030),
                  *u = by_id(&fx, 3040);
    assert_non_null(s);
    assert_ptr_equal(by_id(&fx, 3002), s); /* by encoding id too */
    assert_int_equal(s->kind, UA_KIND_STRUCTURE);
    assert_int_equal(o->kind, UA_KIND_OPTSTRUCT);
    assert_int_equal(u->kind, UA_KIND_UNION);
    assert_string_equal(n->name, "TestNested");
    assert_string_equal(n->members[1].name, "Inner");
    assert_ptr_equal(n->members[1].type, s);
    assert_true(n->members[2].is_array);
    assert_ptr_equal(n->members[3].type, UA_BUILTIN(UA_KIND_INT32));
    assert_true(o->members[3].is_array && o->members[3].is_optional);
    ua_NodeId enc = ua_nodeid_numeric(NS, 3041);
    assert_ptr_equal(ua_dyntypes_resolver(fx.r, &enc), u);
    fixture_clear(&fx);
}

/* JSON -> value -> bytes -> value -> JSON. */
static void roundtrip(const ua_type *t, const char *json, const uint8_t *want, size_t want_n)
{
    json_error_t jerr;
    json_t *j = json_loads(json, 0, &jerr);
    assert_non_null(j);
    uint8_t v[1024];
    assert_true(t->mem_size <= sizeof(v));
    wire_error err;
    wire_error_init(&err, "value");
    int rc = wire_to_value(j, t, v, &err);
    if (rc != 0)
        fail_msg("wire_to_value: %s", err.message);
    bbuf b;
    bbuf_init(&b, 4096);
    assert_int_equal(ua_encode(v, t, &b), UA_STATUS_GOOD);
    if (want) {
        assert_int_equal(b.len, want_n);
        assert_memory_equal(b.data, want, want_n);
    }
    uint8_t back[1024];
    size_t pos = 0;
    assert_int_equal(ua_decode(b.data, b.len, &pos, back, t, NULL), UA_STATUS_GOOD);
    assert_int_equal(pos, b.len);
    json_t *again = wire_from_value(back, t);
    char *a = json_dumps(again, JSON_SORT_KEYS), *e = json_dumps(j, JSON_SORT_KEYS);
    if (!json_equal(again, j))
        fail_msg("round trip: got %s, want %s", a, e);
    free(a);
    free(e);
    json_decref(again);
    json_decref(j);
    ua_clear(v, t);
    ua_clear(back, t);
    bbuf_clear(&b);
}

static void test_dyntype_struct_golden_bytes(void **state)
{
    (void)state;
    fixture fx;
    fixture_build(&fx);
    static const uint8_t want[] = {
        7, 0, 0, 0,                                         /* Id */
        2, 0, 0, 0, 'h', 'i',                               /* Name */
        0, 0, 0, 0, 0,   0,   0x1e, 0x40,                   /* Value 7.5 */
        1,                                                  /* Flag */
        1, 0, 0, 0, 0,   0,   0,    0,    0, 0, 0xf0, 0x3f, /* Samples [1] */
    };
    roundtrip(by_id(&fx, 3001),
              "{\"Id\": 7, \"Name\": \"hi\", \"Value\": 7.5, \"Flag\": true, \"Samples\": [1.0]}",
              want, sizeof(want));
    fixture_clear(&fx);
}

static void test_dyntype_nested_roundtrip(void **state)
{
    (void)state;
    fixture fx;
    fixture_build(&fx);
    roundtrip(
        by_id(&fx, 3020),
        "{\"Label\": \"n\", \"Inner\": {\"Id\": 1, \"Name\": \"a\", \"Value\": 0.5, \"Flag\": "
        "false, \"Samples\": []}, \"Items\": [{\"Id\": 2, \"Name\": null, \"Value\": 1.5, "
        "\"Flag\": true, \"Samples\": [2.5, 3.5]}], \"Color\": 2}",
        NULL, 0);
    fixture_clear(&fx);
}

static void test_dyntype_optional_fields_and_union(void **state)
{
    (void)state;
    fixture fx;
    fixture_build(&fx);
    /* mask 0b101: OptValue and OptList present */
    static const uint8_t opt[] = {5, 0, 0, 0,    9, 0, 0, 0, 0, 0, 0, 0,
                                  0, 0, 4, 0x40, 1, 0, 0, 0, 3, 0, 0, 0};
    roundtrip(by_id(&fx, 3030),
              "{\"Required\": 9, \"OptValue\": 2.5, \"OptText\": null, \"OptList\": [3]}", opt,
              sizeof(opt));
    static const uint8_t none[] = {0, 0, 0, 0, 1, 0, 0, 0};
    roundtrip(by_id(&fx, 3030),
              "{\"Required\": 1, \"OptValue\": null, \"OptText\": null, \"OptList\": null}", none,
              sizeof(none));
    static const uint8_t uni[] = {2, 0, 0, 0, 2, 0, 0, 0, 'h', 'i'};
    roundtrip(by_id(&fx, 3040), "{\"_switchField\": 2, \"Text\": \"hi\"}", uni, sizeof(uni));
    static const uint8_t empty[] = {0, 0, 0, 0};
    roundtrip(by_id(&fx, 3040), "{\"_switchField\": 0}", empty, sizeof(empty));
    roundtrip(by_id(&fx, 3040),
              "{\"_switchField\": 3, \"Struct\": {\"Id\": 1, \"Name\": \"s\", \"Value\": 0.0, "
              "\"Flag\": false, \"Samples\": []}}",
              NULL, 0);
    fixture_clear(&fx);
}

static void expect_json_error(const ua_type *t, const char *json, const char *type)
{
    json_t *j = json_loads(json, 0, NULL);
    assert_non_null(j);
    uint8_t v[1024];
    wire_error err;
    wire_error_init(&err, "value");
    assert_int_equal(wire_to_value(j, t, v, &err), -1);
    assert_string_equal(err.type, type);
    json_decref(j);
}

static void test_dyntype_json_errors(void **state)
{
    (void)state;
    fixture fx;
    fixture_build(&fx);
    expect_json_error(by_id(&fx, 3001), "{\"Nope\": 1}", WIRE_TYPE_ERROR);
    expect_json_error(by_id(&fx, 3001), "{\"Id\": \"x\"}", WIRE_TYPE_ERROR);
    expect_json_error(by_id(&fx, 3001), "[1, 2]", WIRE_TYPE_ERROR);
    expect_json_error(by_id(&fx, 3001), "{\"Samples\": [1, \"x\"]}", WIRE_TYPE_ERROR);
    expect_json_error(by_id(&fx, 3040), "{\"Number\": 1, \"Text\": \"x\"}", WIRE_TYPE_ERROR);
    expect_json_error(by_id(&fx, 3040), "{\"_switchField\": 9}", WIRE_TYPE_ERROR);
    expect_json_error(by_id(&fx, 3020), "{\"Items\": [{\"Id\": 1}, {\"Bad\": 2}]}",
                      WIRE_TYPE_ERROR);
    fixture_clear(&fx);
}

static const ua_type *lookup(void *ctx, const ua_NodeId *id)
{
    return ua_dyntypes_find(ctx, id);
}

/* An ExtensionObject given as {"typeId", "value"} in a Variant. */
static void test_dyntype_extension_object_from_json(void **state)
{
    (void)state;
    fixture fx;
    fixture_build(&fx);
    json_t *j = json_loads("{\"type\": 22, \"value\": {\"typeId\": {\"ns\": 2, \"id\": 3001}, "
                           "\"value\": {\"Id\": 3}}}",
                           0, NULL);
    ua_Variant v;
    wire_error err;
    wire_error_init(&err, "arg");
    assert_int_equal(wire_to_variant(j, &v, &err), -1); /* no types: refused */
    assert_string_equal(err.type, WIRE_INVALID_ARGUMENT);
    wire_error_init(&err, "arg");
    err.lookup = lookup;
    err.lookup_ctx = fx.r;
    assert_int_equal(wire_to_variant(j, &v, &err), 0);
    const ua_ExtensionObject *eo = v.data;
    assert_int_equal(eo->encoding, UA_EXTOBJ_DECODED);
    assert_ptr_equal(eo->type, by_id(&fx, 3001));
    assert_int_equal(*(int32_t *)eo->data, 3);
    /* encodes with the binary encoding id, whatever id was given */
    bbuf b;
    bbuf_init(&b, 1024);
    assert_int_equal(ua_encode(&v, UA_BUILTIN(UA_KIND_VARIANT), &b), UA_STATUS_GOOD);
    static const uint8_t head[] = {22, 1, 2, 0xba, 0x0b, 1}; /* ns=2;i=3002, binary body */
    assert_memory_equal(b.data, head, sizeof(head));
    /* decoded with the resolver and in place after the fact */
    ua_Variant back;
    size_t pos = 0;
    assert_int_equal(ua_decode(b.data, b.len, &pos, &back, UA_BUILTIN(UA_KIND_VARIANT), NULL),
                     UA_STATUS_GOOD);
    assert_int_equal(((ua_ExtensionObject *)back.data)->encoding, UA_EXTOBJ_BINARY);
    ua_dyntypes_resolve_variant(fx.r, &back);
    assert_int_equal(((ua_ExtensionObject *)back.data)->encoding, UA_EXTOBJ_DECODED);
    json_t *out = wire_from_variant(&back);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(json_object_get(out, "value"), "value"), "Id")),
                     3);
    assert_true(json_is_null(json_object_get(json_object_get(out, "value"), "body")));
    json_decref(out);
    ua_clear(&back, UA_BUILTIN(UA_KIND_VARIANT));
    /* a body that does not decode stays opaque */
    b.data[b.len - 1] = 0xff;
    b.data[6] = 3; /* body length 3: too short for TestStruct */
    b.len = 6 + 4 + 3;
    pos = 0;
    assert_int_equal(ua_decode(b.data, b.len, &pos, &back, UA_BUILTIN(UA_KIND_VARIANT), NULL),
                     UA_STATUS_GOOD);
    ua_dyntypes_resolve_variant(fx.r, &back);
    assert_int_equal(((ua_ExtensionObject *)back.data)->encoding, UA_EXTOBJ_BINARY);
    ua_clear(&back, UA_BUILTIN(UA_KIND_VARIANT));
    bbuf_clear(&b);
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));
    json_decref(j);
    fixture_clear(&fx);
}

/* ---- hostile definitions --------------------------------------------------- */

typedef struct hostile {
    ua_StructureDefinition *defs[64];
    ua_dyntype_input in[64];
    size_t n;
} hostile;

static void add(hostile *h, uint32_t id, int32_t st, const fdesc *f, size_t nf)
{
    h->defs[h->n] = mkdef(st, id + 1, f, nf);
    h->in[h->n].type_id = ua_nodeid_numeric(NS, id);
    h->in[h->n].def = h->defs[h->n];
    h->n++;
}

static size_t build_count(hostile *h, ua_dyntypes **out)
{
    ua_dyntypes *r = ua_dyntypes_build(h->in, h->n, base, NULL);
    assert_non_null(r);
    size_t n = ua_dyntypes_count(r);
    if (out)
        *out = r;
    else
        ua_dyntypes_delete(r);
    for (size_t i = 0; i < h->n; i++)
        ua_delete(h->defs[i], UA_TYPE_STRUCTUREDEFINITION);
    h->n = 0;
    return n;
}

static void test_dyntype_hostile_cycles(void **state)
{
    (void)state;
    hostile h = {0};
    /* contains itself by value */
    static const fdesc self[] = {{"Me", 5000, 0, false}};
    add(&h, 5000, 0, self, 1);
    assert_int_equal(build_count(&h, NULL), 0);
    /* two structures containing each other */
    static const fdesc fa[] = {{"B", 5012, 0, false}}, fb[] = {{"A", 5010, 0, false}};
    add(&h, 5010, 0, fa, 1);
    add(&h, 5012, 0, fb, 1);
    assert_int_equal(build_count(&h, NULL), 0);
    /* a union arm containing its own union */
    static const fdesc u[] = {{"X", 6, 0, false}, {"Me", 5020, 0, false}};
    add(&h, 5020, UA_STRUCTURETYPE_UNION, u, 2);
    assert_int_equal(build_count(&h, NULL), 0);
    /* through an array and an optional field: fine (a linked list) */
    static const fdesc list[] = {
        {"V", 6, 0, false}, {"Next", 5030, 0, true}, {"Kids", 5030, 1, false}};
    add(&h, 5030, UA_STRUCTURETYPE_STRUCTUREWITHOPTIONALFIELDS, list, 3);
    ua_dyntypes *r;
    assert_int_equal(build_count(&h, &r), 1);
    const ua_type *t = ua_dyntypes_at(r, 0);
    /* 100 nested "Next" fields: the decoder's depth limit stops it */
    uint8_t bytes[100 * 12 + 12];
    assert_true(sizeof(bytes) >= 100 * 8 + 12 + 100 * 4);
    size_t len = 0;
    for (int i = 0; i < 100; i++) {
        static const uint8_t link[] = {1, 0, 0, 0, 0, 0, 0, 0};
        memcpy(bytes + len, link, 8);
        len += 8;
    }
    /* the last: mask 0, V 0, Kids length 0; then each link's Kids length */
    memset(bytes + len, 0, 12 + 100 * 4);
    len += 12 + 100 * 4;
    uint8_t v[256];
    size_t pos = 0;
    assert_int_equal(ua_decode(bytes, len, &pos, v, t, NULL), UA_STATUS_BADENCODINGLIMITSEXCEEDED);
    /* ...and a short chain decodes and re-encodes */
    pos = 0;
    size_t off = 97 * 8;
    assert_int_equal(ua_decode(bytes + off, len - off, &pos, v, t, NULL), UA_STATUS_GOOD);
    bbuf b;
    bbuf_init(&b, 1024);
    assert_int_equal(ua_encode(v, t, &b), UA_STATUS_GOOD);
    assert_int_equal(b.len, pos);
    assert_int_equal(pos, 3 * 8 + 12 + 3 * 4);
    bbuf_clear(&b);
    ua_clear(v, t);
    ua_dyntypes_delete(r);
}

static void test_dyntype_hostile_definitions(void **state)
{
    (void)state;
    hostile h = {0};
    /* unknown field type, and a structure depending on it through an array */
    static const fdesc unknown[] = {{"X", 9999, 0, false}};
    static const fdesc dep[] = {{"Xs", 5040, 1, false}};
    static const fdesc ok[] = {{"I", 6, 0, false}};
    add(&h, 5040, 0, unknown, 1);
    add(&h, 5042, 0, dep, 1);
    add(&h, 5044, 0, ok, 1);
    assert_int_equal(build_count(&h, NULL), 1);
    /* bad structure type, value rank 2, rank 0 */
    static const fdesc rank2[] = {{"M", 6, 2, false}}, rank0[] = {{"M", 6, 0, false}};
    add(&h, 5050, 9, ok, 1);
    add(&h, 5052, 0, rank2, 1);
    add(&h, 5054, -1, ok, 1);
    assert_int_equal(build_count(&h, NULL), 0);
    (void)rank0;
    /* too many fields, too many optional fields */
    fdesc many[UA_DYNTYPE_MAX_FIELDS + 1];
    for (size_t i = 0; i < UA_DYNTYPE_MAX_FIELDS + 1; i++)
        many[i] = (fdesc){"F", 6, 0, true};
    add(&h, 5060, 0, many, UA_DYNTYPE_MAX_FIELDS + 1);
    add(&h, 5062, UA_STRUCTURETYPE_STRUCTUREWITHOPTIONALFIELDS, many, UA_DYNTYPE_MAX_OPTIONAL + 1);
    add(&h, 5064, UA_STRUCTURETYPE_STRUCTUREWITHOPTIONALFIELDS, many, UA_DYNTYPE_MAX_OPTIONAL);
    add(&h, 5066, 0, many, UA_DYNTYPE_MAX_FIELDS); /* plain: isOptional ignored */
    assert_int_equal(build_count(&h, NULL), 2);
    /* fields missing, no definition, a duplicate DataType */
    add(&h, 5070, 0, ok, 1);
    h.defs[0]->fieldsSize = 3;
    ua_StructureField *keep = h.defs[0]->fields;
    h.defs[0]->fields = NULL;
    add(&h, 5072, 0, ok, 1);
    h.in[1].def = NULL;
    add(&h, 5074, 0, ok, 1);
    add(&h, 5074, 0, many, 2);
    ua_dyntypes *r;
    size_t n = build_count(&h, &r);
    ua_array_delete(keep, 1, UA_TYPE_STRUCTUREFIELD);
    assert_int_equal(n, 1);
    ua_NodeId id = ua_nodeid_numeric(NS, 5074);
    assert_int_equal(ua_dyntypes_by_type_id(r, &id)->members_size, 1);
    ua_dyntypes_delete(r);
}

static void test_dyntype_hostile_sizes(void **state)
{
    (void)state;
    hostile h = {0};
    /* a chain of 40 structures each containing the next by value */
    for (uint32_t i = 0; i < 40; i++) {
        fdesc f[] = {{"Next", i == 39 ? 6 : 5102 + 2 * i, 0, false}};
        add(&h, 5100 + 2 * i, 0, f, 1);
    }
    size_t n = build_count(&h, NULL);
    assert_true(n > 0 && n < 40);
    /* 256 fields of 256 Guids each by value: too large in memory */
    fdesc guids[UA_DYNTYPE_MAX_FIELDS], bigs[UA_DYNTYPE_MAX_FIELDS];
    for (size_t i = 0; i < UA_DYNTYPE_MAX_FIELDS; i++) {
        guids[i] = (fdesc){"G", 14, 0, false};
        bigs[i] = (fdesc){"B", 5200, 0, false};
    }
    add(&h, 5200, 0, guids, UA_DYNTYPE_MAX_FIELDS);
    add(&h, 5202, 0, bigs, UA_DYNTYPE_MAX_FIELDS);
    assert_int_equal(build_count(&h, NULL), 1);
    /* a very long field name is cut */
    char longname[1000];
    memset(longname, 'x', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = 0;
    fdesc f[] = {{longname, 6, 0, false}};
    add(&h, 5300, 0, f, 1);
    ua_dyntypes *r;
    assert_int_equal(build_count(&h, &r), 1);
    assert_int_equal(strlen(ua_dyntypes_at(r, 0)->members[0].name), UA_DYNTYPE_MAX_NAME);
    ua_dyntypes_delete(r);
    /* nothing at all */
    r = ua_dyntypes_build(NULL, 0, base, NULL);
    assert_non_null(r);
    assert_int_equal(ua_dyntypes_count(r), 0);
    assert_null(ua_dyntypes_at(r, 0));
    ua_dyntypes_delete(r);
}

static void test_dyntype_nodemap(void **state)
{
    (void)state;
    ua_nodemap m;
    ua_nodemap_init(&m);
    char buf[32];
    for (size_t i = 0; i < 2000; i++) {
        ua_NodeId id = {0};
        id.ns = (uint16_t)(i % 3);
        if (i % 2) {
            snprintf(buf, sizeof(buf), "node-%zu", i);
            id.id_type = UA_NODEID_STRING;
            id.id.string = ua_string_borrow(buf);
        } else {
            id.id.numeric = (uint32_t)i;
        }
        assert_int_equal(ua_nodemap_put(&m, &id, i), UA_STATUS_GOOD);
    }
    assert_int_equal(m.count, 2000);
    for (size_t i = 0; i < 2000; i++) {
        ua_NodeId id = {0};
        id.ns = (uint16_t)(i % 3);
        if (i % 2) {
            snprintf(buf, sizeof(buf), "node-%zu", i);
            id.id_type = UA_NODEID_STRING;
            id.id.string = ua_string_borrow(buf);
        } else {
            id.id.numeric = (uint32_t)i;
        }
        size_t v;
        assert_true(ua_nodemap_get(&m, &id, &v));
        assert_int_equal(v, i);
    }
    ua_NodeId missing = ua_nodeid_numeric(7, 1);
    size_t v;
    assert_false(ua_nodemap_get(&m, &missing, &v));
    ua_NodeId zero = ua_nodeid_numeric(0, 0);
    assert_int_equal(ua_nodemap_put(&m, &zero, 42), UA_STATUS_GOOD);
    assert_true(ua_nodemap_get(&m, &zero, &v));
    assert_int_equal(v, 42);
    assert_int_equal(m.count, 2000);
    ua_nodemap_clear(&m);
    assert_false(ua_nodemap_get(&m, &zero, &v));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dyntype_builds_in_any_order),
        cmocka_unit_test(test_dyntype_struct_golden_bytes),
        cmocka_unit_test(test_dyntype_nested_roundtrip),
        cmocka_unit_test(test_dyntype_optional_fields_and_union),
        cmocka_unit_test(test_dyntype_json_errors),
        cmocka_unit_test(test_dyntype_extension_object_from_json),
        cmocka_unit_test(test_dyntype_hostile_cycles),
        cmocka_unit_test(test_dyntype_hostile_definitions),
        cmocka_unit_test(test_dyntype_hostile_sizes),
        cmocka_unit_test(test_dyntype_nodemap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
