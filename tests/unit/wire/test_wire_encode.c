/* Unit tests of the UA -> JSON encoders for built-in values
 * (src/wire/wire_value.c, wire_util.c): NodeId, QualifiedName,
 * LocalizedText, DateTime (PHP date('c')), ByteStrings and continuation
 * points, the exact UInt64 marker, Variant, DataValue, ExtensionObject,
 * DiagnosticInfo and described structures (type-serialization.md §1). */
#include "wire_test.h"

#include <math.h>
#include <time.h>

#include "ua_binary.h"
#include "ua_fill.h"
#include "ua_statuscodes.h"
#include "ua_text.h"

static ua_DateTime iso(const char *s)
{
    ua_DateTime t;
    assert_int_equal(ua_datetime_parse_iso(s, strlen(s), &t), 0);
    return t;
}

static ua_String str(const char *s)
{
    return ua_string_borrow(s);
}

static ua_ByteString bytes(const void *p, size_t n)
{
    ua_ByteString b = {n, (uint8_t *)(uintptr_t)p};
    return b;
}

/* ---- NodeId and friends ----------------------------------------------- */

static void test_nodeid_numeric_and_string(void **state)
{
    (void)state;
    ua_NodeId n = ua_nodeid_numeric(0, 2259);
    assert_json(wire_from_nodeid(&n), "{\"ns\":0,\"id\":2259,\"type\":\"numeric\"}");
    n = ua_nodeid_numeric(65535, 4294967295u);
    assert_json(wire_from_nodeid(&n), "{\"ns\":65535,\"id\":4294967295,\"type\":\"numeric\"}");
    ua_NodeId s = {.ns = 2, .id_type = UA_NODEID_STRING};
    s.id.string = str("Line1/Temps");
    assert_json(wire_from_nodeid(&s), "{\"ns\":2,\"id\":\"Line1/Temps\",\"type\":\"string\"}");
    s.id.string.data = NULL; /* a null string identifier reads as "" in PHP */
    assert_json(wire_from_nodeid(&s), "{\"ns\":2,\"id\":\"\",\"type\":\"string\"}");
}

static void test_nodeid_guid_lowercase(void **state)
{
    (void)state;
    ua_NodeId g = {.ns = 3, .id_type = UA_NODEID_GUID};
    const char *text = "72962B91-FA75-4AE6-8D28-B404DC7DAF63";
    assert_int_equal(ua_guid_parse(&g.id.guid, text, strlen(text)), 0);
    assert_json(wire_from_nodeid(&g),
                "{\"ns\":3,\"id\":\"72962b91-fa75-4ae6-8d28-b404dc7daf63\",\"type\":\"guid\"}");
    assert_json(wire_from_guid(&g.id.guid), "\"72962b91-fa75-4ae6-8d28-b404dc7daf63\"");
}

static void test_nodeid_opaque_is_lowercase_hex(void **state)
{
    (void)state;
    static const uint8_t raw[] = {0xDE, 0xAD, 0x00, 0x0F};
    ua_NodeId o = {.ns = 1, .id_type = UA_NODEID_BYTESTRING};
    o.id.opaque = bytes(raw, sizeof(raw));
    assert_json(wire_from_nodeid(&o), "{\"ns\":1,\"id\":\"dead000f\",\"type\":\"opaque\"}");
    o.id.opaque.data = NULL;
    assert_json(wire_from_nodeid(&o), "{\"ns\":1,\"id\":\"\",\"type\":\"opaque\"}");
}

static void test_expanded_nodeid_drops_uri_and_server(void **state)
{
    (void)state;
    ua_ExpandedNodeId e = {0};
    e.node_id = ua_nodeid_numeric(4, 7);
    e.namespace_uri = str("urn:x");
    e.server_index = 3;
    assert_json(wire_from_expanded_nodeid(&e), "{\"ns\":4,\"id\":7,\"type\":\"numeric\"}");
}

static void test_qualified_name_and_localized_text(void **state)
{
    (void)state;
    ua_QualifiedName qn = {1, str("Counter")};
    assert_json(wire_from_qualified_name(&qn), "{\"ns\":1,\"name\":\"Counter\"}");
    qn.name.data = NULL;
    assert_json(wire_from_qualified_name(&qn), "{\"ns\":1,\"name\":\"\"}");
    ua_LocalizedText lt = {{0, NULL}, str("Counter")};
    assert_json(wire_from_localized_text(&lt), "{\"locale\":null,\"text\":\"Counter\"}");
    lt.locale = str("en-US");
    lt.text.data = NULL;
    assert_json(wire_from_localized_text(&lt), "{\"locale\":\"en-US\",\"text\":null}");
}

/* ---- strings -------------------------------------------------------------- */

static void test_string_invalid_utf8_replaced(void **state)
{
    (void)state;
    ua_String s = bytes("a\xff"
                        "b\xc3\x28",
                        5);
    assert_json(wire_from_string(&s), "\"a\xef\xbf\xbd"
                                      "b\xef\xbf\xbd(\"");
    s = bytes("h\xc3\xa9llo/w\xc3\xb6rld \xe2\x9c\x93", 17);
    assert_json(wire_from_string(&s), "\"h\xc3\xa9llo/w\xc3\xb6rld \xe2\x9c\x93\"");
    s.data = NULL;
    assert_json(wire_from_string(&s), "null");
    s = bytes("", 0);
    s.data = UA_EMPTY_ARRAY;
    assert_json(wire_from_string(&s), "\"\"");
}

static void test_bytestring_raw_or_base64(void **state)
{
    (void)state;
    static const uint8_t deadbeef[] = {0xDE, 0xAD, 0xBE, 0xEF};
    ua_ByteString b = bytes(deadbeef, 4);
    assert_json(wire_from_bytestring(&b), "\"3q2+7w==\"");
    b = bytes("certbytes", 9); /* PHP-identical for UTF-8 text */
    assert_json(wire_from_bytestring(&b), "\"certbytes\"");
    b = bytes("<a>hello</a>", 12);
    assert_json(wire_from_bytestring(&b), "\"<a>hello</a>\"");
    b = bytes("a\0b", 3); /* NUL could not come back in a request: base64 */
    assert_json(wire_from_bytestring(&b), "\"YQBi\"");
    b = bytes("\xc3\x28", 2);
    assert_json(wire_from_bytestring(&b), "\"wyg=\"");
    b.data = NULL;
    assert_json(wire_from_bytestring(&b), "null");
    b.data = UA_EMPTY_ARRAY;
    b.length = 0;
    assert_json(wire_from_bytestring(&b), "\"\"");
}

static void assert_cp_round_trip(const void *raw, size_t n, const char *json)
{
    ua_ByteString cp = bytes(raw, n);
    json_t *j = wire_from_continuation_point(&cp);
    char *t = php_text(j);
    assert_string_equal(t, json);
    free(t);
    ua_ByteString back;
    wire_error err;
    wire_error_init(&err, "continuationPoint");
    assert_int_equal(wire_to_continuation_point(j, &back, &err), 0);
    assert_true(ua_string_equal(&cp, &back));
    ua_clear(&back, UA_BUILTIN(UA_KIND_BYTESTRING));
    json_decref(j);
}

static void test_continuation_point_round_trips(void **state)
{
    (void)state;
    assert_cp_round_trip("12", 2, "\"12\"");                 /* node-opcua style digits */
    assert_cp_round_trip("1234", 4, "\"MTIzNA==\"");         /* text that looks like base64 */
    assert_cp_round_trip("3q2+7w==", 8, "\"M3EyKzd3PT0=\""); /* base64-looking text */
    static const uint8_t bin[] = {0x00, 0x01, 0xFF};
    assert_cp_round_trip(bin, 3, "\"AAH/\"");
    ua_ByteString none = {0, NULL};
    assert_json(wire_from_continuation_point(&none), "null");
    none.data = UA_EMPTY_ARRAY;
    assert_json(wire_from_continuation_point(&none), "null");
}

/* ---- DateTime ------------------------------------------------------------- */

static void test_datetime_php_c_format(void **state)
{
    (void)state;
    assert_json(wire_from_datetime(iso("2026-03-02T08:15:30Z")), "\"2026-03-02T08:15:30+00:00\"");
    /* whole seconds only, rounding down */
    assert_json(wire_from_datetime(iso("2026-03-02T08:15:30.9999999Z")),
                "\"2026-03-02T08:15:30+00:00\"");
    assert_json(wire_from_datetime(iso("2024-02-29T12:00:00Z")), "\"2024-02-29T12:00:00+00:00\"");
    assert_json(wire_from_datetime(iso("1900-03-01T00:00:00Z")), "\"1900-03-01T00:00:00+00:00\"");
    assert_json(wire_from_datetime(iso("9999-12-31T23:59:59Z")), "\"9999-12-31T23:59:59+00:00\"");
}

static void test_datetime_before_1970_and_limits(void **state)
{
    (void)state;
    /* 1 tick before the Unix epoch still belongs to 23:59:59 */
    assert_json(wire_from_datetime(UA_DATETIME_UNIX_EPOCH - 1), "\"1969-12-31T23:59:59+00:00\"");
    assert_json(wire_from_datetime(iso("1969-07-20T20:17:40.5Z")), "\"1969-07-20T20:17:40+00:00\"");
    assert_json(wire_from_datetime(1), "\"1601-01-01T00:00:00+00:00\"");
    assert_json(wire_from_datetime(INT64_MAX), "\"30828-09-14T02:48:05+00:00\"");
    /* <= 0 ticks decode to null in PHP */
    assert_json(wire_from_datetime(0), "null");
    assert_json(wire_from_datetime(-10), "null");
    assert_json(wire_from_datetime(INT64_MIN), "null");
    char buf[40];
    assert_int_equal(wire_datetime_format(0, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "");
    assert_int_equal(wire_datetime_format(1, buf, sizeof(buf)), 25);
    /* every field against the C library's calendar, 1601 to 9999 */
    for (int64_t unix_s = -11644473599LL; unix_s < 253402300800LL; unix_s += 7777777 + 3661) {
        struct tm tm;
        time_t tt = (time_t)unix_s;
        assert_non_null(gmtime_r(&tt, &tm));
        char want[96];
        snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d+00:00", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        ua_DateTime t = UA_DATETIME_UNIX_EPOCH + unix_s * UA_DATETIME_SEC;
        assert_int_equal(wire_datetime_format(t, buf, sizeof(buf)), 25);
        assert_string_equal(buf, want);
    }
}

static void test_parse_datetime_forms(void **state)
{
    (void)state;
    ua_DateTime t;
    assert_int_equal(wire_parse_datetime("2026-03-02T08:15:30+00:00", 25, &t), 0);
    assert_int_equal(t, iso("2026-03-02T08:15:30Z"));
    assert_int_equal(wire_parse_datetime(" 2026-03-02 10:15:30+02:00 ", 27, &t), 0);
    assert_int_equal(t, iso("2026-03-02T08:15:30Z"));
    assert_int_equal(wire_parse_datetime("@0", 2, &t), 0);
    assert_int_equal(t, UA_DATETIME_UNIX_EPOCH);
    assert_int_equal(wire_parse_datetime("@-1", 3, &t), 0);
    assert_int_equal(t, UA_DATETIME_UNIX_EPOCH - UA_DATETIME_SEC);
    assert_int_equal(wire_parse_datetime("now", 3, &t), 0);
    assert_true(t > iso("2020-01-01T00:00:00Z"));
    assert_int_equal(wire_parse_datetime("@99999999999999999999", 21, &t), -1);
    assert_int_equal(wire_parse_datetime("@", 1, &t), -1);
    assert_int_equal(wire_parse_datetime("yesterday", 9, &t), -1);
    assert_int_equal(wire_parse_datetime("", 0, &t), -1);
}

/* ---- UInt64 ----------------------------------------------------------------- */

static void test_uint64_exact(void **state)
{
    (void)state;
    json_t *j = wire_json_u64(UINT64_MAX);
    assert_true(wire_is_big_u64(j));
    assert_true(wire_big_u64_value(j) == UINT64_MAX);
    assert_json(j, "18446744073709551615");
    j = wire_json_u64(UINT64_C(12345678901234567890));
    assert_true(wire_big_u64_value(j) == UINT64_C(12345678901234567890));
    assert_json(j, "12345678901234567890");
    j = wire_json_u64(INT64_MAX); /* still a plain integer */
    assert_true(json_is_integer(j));
    assert_false(wire_is_big_u64(j));
    assert_json(j, "9223372036854775807");
    j = wire_json_u64(UINT64_C(9223372036854775808));
    assert_json(j, "9223372036854775808");
    /* a look-alike object is not the marker */
    json_t *o = J("{\"" WIRE_BIG_U64_KEY "\":\"12x\"}");
    assert_false(wire_is_big_u64(o));
    assert_true(wire_big_u64_value(o) == 0);
    json_decref(o);
    o = J("{\"" WIRE_BIG_U64_KEY "\":\"99999999999999999999\"}");
    assert_false(wire_is_big_u64(o));
    json_decref(o);
}

/* ---- Variant -------------------------------------------------------------- */

static void test_variant_scalars(void **state)
{
    (void)state;
    ua_Variant v;
    ua_Int32 i = 0;
    ua_variant_set_scalar_copy(&v, &i, UA_BUILTIN(UA_KIND_INT32));
    assert_json(wire_from_variant(&v), "{\"type\":6,\"value\":0,\"dimensions\":null}");
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));
    ua_UInt64 big = UINT64_C(12345678901234567890);
    ua_variant_set_scalar_copy(&v, &big, UA_BUILTIN(UA_KIND_UINT64));
    assert_json(wire_from_variant(&v),
                "{\"type\":9,\"value\":12345678901234567890,\"dimensions\":null}");
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));
    ua_Float f = 0.1f; /* a Float is printed as the double it is */
    ua_variant_set_scalar_copy(&v, &f, UA_BUILTIN(UA_KIND_FLOAT));
    assert_json(wire_from_variant(&v),
                "{\"type\":10,\"value\":0.10000000149011612,\"dimensions\":null}");
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));
    ua_Double nan = NAN; /* JSON has no NaN: null */
    ua_variant_set_scalar_copy(&v, &nan, UA_BUILTIN(UA_KIND_DOUBLE));
    assert_json(wire_from_variant(&v), "{\"type\":11,\"value\":null,\"dimensions\":null}");
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));
    ua_StatusCode sc = UA_STATUS_BADNODEIDUNKNOWN;
    ua_variant_set_scalar_copy(&v, &sc, UA_BUILTIN(UA_KIND_STATUSCODE));
    assert_json(wire_from_variant(&v), "{\"type\":19,\"value\":2150891520,\"dimensions\":null}");
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));
    ua_Boolean b = true;
    ua_variant_set_scalar_copy(&v, &b, UA_BUILTIN(UA_KIND_BOOLEAN));
    assert_json(wire_from_variant(&v), "{\"type\":1,\"value\":true,\"dimensions\":null}");
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));
    ua_SByte sb = -42;
    ua_variant_set_scalar_copy(&v, &sb, UA_BUILTIN(UA_KIND_SBYTE));
    assert_json(wire_from_variant(&v), "{\"type\":2,\"value\":-42,\"dimensions\":null}");
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));
    ua_DateTime t = iso("2024-01-02T03:04:05.678Z");
    ua_variant_set_scalar_copy(&v, &t, UA_BUILTIN(UA_KIND_DATETIME));
    assert_json(wire_from_variant(&v),
                "{\"type\":13,\"value\":\"2024-01-02T03:04:05+00:00\",\"dimensions\":null}");
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));
    ua_XmlElement x = str("<a>hello</a>");
    ua_variant_set_scalar_copy(&v, &x, UA_BUILTIN(UA_KIND_XMLELEMENT));
    assert_json(wire_from_variant(&v),
                "{\"type\":16,\"value\":\"<a>hello</a>\",\"dimensions\":null}");
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));
}

static void test_variant_arrays_and_dimensions(void **state)
{
    (void)state;
    ua_Variant v;
    const ua_Double d[] = {21.5, 22, 19.75};
    ua_variant_set_array_copy(&v, d, 3, UA_BUILTIN(UA_KIND_DOUBLE));
    assert_json(wire_from_variant(&v),
                "{\"type\":11,\"value\":[21.5,22,19.75],\"dimensions\":null}");
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));

    const ua_Int32 m[] = {0, 1, 2, 3, 4, 5};
    ua_variant_set_array_copy(&v, m, 6, UA_BUILTIN(UA_KIND_INT32));
    v.dims = calloc(2, sizeof(uint32_t));
    v.dims_length = 2;
    v.dims[0] = 2;
    v.dims[1] = 3;
    assert_json(wire_from_variant(&v), "{\"type\":6,\"value\":[0,1,2,3,4,5],\"dimensions\":[2,3]}");
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));

    ua_variant_set_array_copy(&v, UA_EMPTY_ARRAY, 0, UA_BUILTIN(UA_KIND_INT32));
    assert_json(wire_from_variant(&v), "{\"type\":6,\"value\":[],\"dimensions\":null}");
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));

    /* a null array (length -1 on the wire) reads as [] */
    memset(&v, 0, sizeof(v));
    v.type = UA_BUILTIN(UA_KIND_STRING);
    v.is_array = true;
    assert_json(wire_from_variant(&v), "{\"type\":12,\"value\":[],\"dimensions\":null}");

    const ua_DateTime ts[] = {iso("2000-01-01T00:00:00Z"), 0};
    ua_variant_set_array_copy(&v, ts, 2, UA_BUILTIN(UA_KIND_DATETIME));
    assert_json(wire_from_variant(&v),
                "{\"type\":13,\"value\":[\"2000-01-01T00:00:00+00:00\",null],\"dimensions\":null}");
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));
}

static void test_variant_empty_enum_structure_nested(void **state)
{
    (void)state;
    ua_Variant v = {0};
    assert_json(wire_from_variant(&v), "{\"type\":null,\"value\":null,\"dimensions\":null}");

    ua_NodeClass nc = 4; /* enumerations are Int32 on the wire */
    ua_variant_set_scalar_copy(&v, &nc, UA_TYPE_NODECLASS);
    assert_json(wire_from_variant(&v), "{\"type\":6,\"value\":4,\"dimensions\":null}");
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));

    ua_Range r = {1.0, 2.0}; /* structures are ExtensionObjects */
    ua_variant_set_scalar_copy(&v, &r, UA_TYPE_RANGE);
    assert_json(wire_from_variant(&v),
                "{\"type\":22,\"value\":{\"typeId\":{\"ns\":0,\"id\":886,\"type\":\"numeric\"},"
                "\"encoding\":1,\"body\":\"AAAAAAAA8D8AAAAAAAAAQA==\",\"value\":null},"
                "\"dimensions\":null}");
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));

    ua_Variant inner;
    ua_String s = str("x");
    ua_variant_set_scalar_copy(&inner, &s, UA_BUILTIN(UA_KIND_STRING));
    ua_variant_set_scalar_copy(&v, &inner, UA_BUILTIN(UA_KIND_VARIANT));
    assert_json(wire_from_variant(&v),
                "{\"type\":24,\"value\":{\"type\":12,\"value\":\"x\",\"dimensions\":null},"
                "\"dimensions\":null}");
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));

    ua_DataValue dv = {0};
    dv.value = inner;
    dv.has_value = true;
    ua_variant_set_scalar_copy(&v, &dv, UA_BUILTIN(UA_KIND_DATAVALUE));
    assert_json(wire_from_variant(&v),
                "{\"type\":23,\"value\":{\"value\":\"x\",\"type\":12,\"dimensions\":null,"
                "\"statusCode\":0,\"sourceTimestamp\":null,\"serverTimestamp\":null},"
                "\"dimensions\":null}");
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));
    ua_clear(&inner, UA_BUILTIN(UA_KIND_VARIANT));
}

/* ---- DataValue -------------------------------------------------------------- */

static void test_data_value_shapes(void **state)
{
    (void)state;
    ua_DataValue dv = {0};
    dv.status = UA_STATUS_BADNODEIDUNKNOWN;
    dv.has_status = true;
    assert_json(wire_from_data_value(&dv),
                "{\"value\":null,\"type\":null,\"dimensions\":null,\"statusCode\":2150891520,"
                "\"sourceTimestamp\":null,\"serverTimestamp\":null}");
    ua_Int32 i = 0;
    ua_variant_set_scalar_copy(&dv.value, &i, UA_BUILTIN(UA_KIND_INT32));
    dv.has_value = true;
    dv.status = 0;
    dv.has_status = false;
    dv.source_timestamp = iso("2026-03-02T08:15:30.25Z");
    dv.has_source_timestamp = true;
    dv.server_timestamp = iso("2026-03-02T08:15:31Z");
    dv.server_picoseconds = 7; /* not represented */
    dv.has_server_timestamp = dv.has_server_picoseconds = true;
    assert_json(wire_from_data_value(&dv),
                "{\"value\":0,\"type\":6,\"dimensions\":null,\"statusCode\":0,"
                "\"sourceTimestamp\":\"2026-03-02T08:15:30+00:00\","
                "\"serverTimestamp\":\"2026-03-02T08:15:31+00:00\"}");
    ua_clear(&dv, UA_BUILTIN(UA_KIND_DATAVALUE));
}

/* ---- ExtensionObject --------------------------------------------------- */

static void test_extension_object_bodies(void **state)
{
    (void)state;
    ua_ExtensionObject eo = {0};
    eo.type_id = ua_nodeid_numeric(2, 5001);
    assert_json(wire_from_extension_object(&eo),
                "{\"typeId\":{\"ns\":2,\"id\":5001,\"type\":\"numeric\"},\"encoding\":0,"
                "\"body\":null,\"value\":null}");
    static const uint8_t body[] = {0xDE, 0xAD, 0xBE, 0xEF};
    eo.encoding = UA_EXTOBJ_BINARY;
    eo.body = bytes(body, 4);
    assert_json(wire_from_extension_object(&eo),
                "{\"typeId\":{\"ns\":2,\"id\":5001,\"type\":\"numeric\"},\"encoding\":1,"
                "\"body\":\"3q2+7w==\",\"value\":null}");
    eo.encoding = UA_EXTOBJ_XML; /* body is always base64, also for XML */
    eo.body = bytes("<x/>", 4);
    assert_json(wire_from_extension_object(&eo),
                "{\"typeId\":{\"ns\":2,\"id\":5001,\"type\":\"numeric\"},\"encoding\":2,"
                "\"body\":\"PHgvPg==\",\"value\":null}");
}

/* A run-time structure type, as a DataTypeDefinition would describe it. */
typedef struct my_struct {
    ua_String name;
    size_t valuesSize;
    ua_Int32 *values;
    ua_Boolean flag;
    ua_NodeId *opt; /* optional member of my_opt */
} my_struct;

static const ua_member my_members[] = {
    {"Name", UA_BUILTIN(UA_KIND_STRING), offsetof(my_struct, name), false, false},
    {"Values", UA_BUILTIN(UA_KIND_INT32), offsetof(my_struct, valuesSize), true, false},
    {"Flag", UA_BUILTIN(UA_KIND_BOOLEAN), offsetof(my_struct, flag), false, false},
};
static const ua_type my_type = {"MyStruct",
                                {2, UA_NODEID_NUMERIC, {.numeric = 3000}},
                                {2, UA_NODEID_NUMERIC, {.numeric = 3001}},
                                sizeof(my_struct),
                                UA_KIND_STRUCTURE,
                                false,
                                3,
                                my_members};

static const ua_member my_opt_members[] = {
    {"Flag", UA_BUILTIN(UA_KIND_BOOLEAN), offsetof(my_struct, flag), false, false},
    {"Opt", UA_BUILTIN(UA_KIND_NODEID), offsetof(my_struct, opt), false, true},
};
static const ua_type my_opt = {"MyOpt",
                               {2, UA_NODEID_NUMERIC, {.numeric = 3010}},
                               {2, UA_NODEID_NUMERIC, {.numeric = 3011}},
                               sizeof(my_struct),
                               UA_KIND_OPTSTRUCT,
                               false,
                               2,
                               my_opt_members};

typedef struct my_union {
    uint32_t sw;
    union {
        ua_Int32 a;
        ua_String b;
    } u;
} my_union;
static const ua_member my_union_members[] = {
    {"A", UA_BUILTIN(UA_KIND_INT32), offsetof(my_union, u), false, false},
    {"B", UA_BUILTIN(UA_KIND_STRING), offsetof(my_union, u), false, false},
};
static const ua_type my_union_type = {"MyUnion",
                                      {2, UA_NODEID_NUMERIC, {.numeric = 3020}},
                                      {2, UA_NODEID_NUMERIC, {.numeric = 3021}},
                                      sizeof(my_union),
                                      UA_KIND_UNION,
                                      false,
                                      2,
                                      my_union_members};

static void test_extension_object_decoded(void **state)
{
    (void)state;
    /* namespace 0: re-encoded to a body, as the reference shows it */
    ua_Range r = {1.0, 2.0};
    ua_ExtensionObject eo;
    assert_int_equal(ua_extobj_set_copy(&eo, &r, UA_TYPE_RANGE), UA_STATUS_GOOD);
    assert_json(wire_from_extension_object(&eo),
                "{\"typeId\":{\"ns\":0,\"id\":886,\"type\":\"numeric\"},\"encoding\":1,"
                "\"body\":\"AAAAAAAA8D8AAAAAAAAAQA==\",\"value\":null}");
    ua_clear(&eo, UA_BUILTIN(UA_KIND_EXTENSIONOBJECT));

    /* a run-time type: decoded value keyed by field name, body null */
    ua_Int32 vals[] = {1, 2};
    my_struct m = {str("x"), 2, vals, true, NULL};
    eo = (ua_ExtensionObject){0};
    eo.encoding = UA_EXTOBJ_DECODED;
    eo.type = &my_type;
    eo.data = &m;
    eo.type_id = my_type.binary_encoding_id;
    assert_json(wire_from_extension_object(&eo),
                "{\"typeId\":{\"ns\":2,\"id\":3001,\"type\":\"numeric\"},\"encoding\":1,"
                "\"body\":null,\"value\":{\"Name\":\"x\",\"Values\":[1,2],\"Flag\":true}}");
    assert_json(wire_from_value(&m, &my_opt), "{\"Flag\":true,\"Opt\":null}");
    ua_NodeId id = ua_nodeid_numeric(0, 85);
    m.opt = &id;
    assert_json(wire_from_value(&m, &my_opt),
                "{\"Flag\":true,\"Opt\":{\"ns\":0,\"id\":85,\"type\":\"numeric\"}}");
    my_union u = {2, {.b = str("hi")}};
    assert_json(wire_from_value(&u, &my_union_type), "{\"_switchField\":2,\"B\":\"hi\"}");
    u.sw = 0;
    assert_json(wire_from_value(&u, &my_union_type), "{\"_switchField\":0}");
}

/* ---- DiagnosticInfo ------------------------------------------------------- */

static void test_diagnostic_info(void **state)
{
    (void)state;
    ua_DiagnosticInfo d = {0};
    assert_json(wire_from_diagnostic_info(&d), "[]");
    ua_DiagnosticInfo inner = {0};
    inner.has_inner_status = true;
    inner.inner_status = UA_STATUS_BADTIMEOUT;
    d.has_symbolic_id = d.has_locale = d.has_additional_info = true;
    d.has_inner_diagnostic_info = true;
    d.symbolic_id = 3;
    d.locale = -1;
    d.additional_info = str("why");
    d.inner_diagnostic_info = &inner;
    assert_json(wire_from_diagnostic_info(&d),
                "{\"symbolicId\":3,\"locale\":-1,\"additionalInfo\":\"why\","
                "\"innerDiagnosticInfo\":{\"innerStatusCode\":2148139008}}");
}

/* ---- every described type ------------------------------------------------ */

static void test_every_type_encodes(void **state)
{
    (void)state;
    for (size_t i = 0; i < ua_all_types_count(); i++) {
        const ua_type *t = ua_all_types_at(i);
        void *p = ua_new(t);
        assert_non_null(p);
        assert_int_equal(ua_fill(p, t, (uint32_t)i + 1), UA_STATUS_GOOD);
        json_t *j = wire_from_value(p, t);
        if (!j)
            print_error("type %s did not encode\n", t->name);
        assert_non_null(j);
        char *text = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
        assert_non_null(text); /* valid JSON throughout (UTF-8, no NaN) */
        free(text);
        json_decref(j);
        ua_delete(p, t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nodeid_numeric_and_string),
        cmocka_unit_test(test_nodeid_guid_lowercase),
        cmocka_unit_test(test_nodeid_opaque_is_lowercase_hex),
        cmocka_unit_test(test_expanded_nodeid_drops_uri_and_server),
        cmocka_unit_test(test_qualified_name_and_localized_text),
        cmocka_unit_test(test_string_invalid_utf8_replaced),
        cmocka_unit_test(test_bytestring_raw_or_base64),
        cmocka_unit_test(test_continuation_point_round_trips),
        cmocka_unit_test(test_datetime_php_c_format),
        cmocka_unit_test(test_datetime_before_1970_and_limits),
        cmocka_unit_test(test_parse_datetime_forms),
        cmocka_unit_test(test_uint64_exact),
        cmocka_unit_test(test_variant_scalars),
        cmocka_unit_test(test_variant_arrays_and_dimensions),
        cmocka_unit_test(test_variant_empty_enum_structure_nested),
        cmocka_unit_test(test_data_value_shapes),
        cmocka_unit_test(test_extension_object_bodies),
        cmocka_unit_test(test_extension_object_decoded),
        cmocka_unit_test(test_diagnostic_info),
        cmocka_unit_test(test_every_type_encodes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
