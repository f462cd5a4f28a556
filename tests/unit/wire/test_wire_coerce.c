/* Unit tests of the typed conversion for writes and typed method
 * arguments (wire_to_variant_typed, src/wire/wire_coerce.c): range checks
 * of every numeric type, text forms, ByteStrings, arrays, nested arrays and
 * value ranks, and the TypeError messages. */
#include "wire_test.h"

#include "ua_statuscodes.h"

/* Converts text to builtin type with rank and expects the Variant JSON. */
static void ok(const char *text, unsigned type, int32_t rank, const char *variant)
{
    json_t *j = J(text);
    ua_Variant v;
    wire_error err;
    wire_error_init(&err, "value");
    if (wire_to_variant_typed(j, type, rank, &v, &err) != 0)
        print_error("%s as %u: %s %s\n", text, type, err.type, err.message);
    assert_null(err.type);
    assert_json(wire_from_variant(&v), variant);
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));
    json_decref(j);
}

/* Expects failure with exc and the exact message. */
static void bad(const char *text, unsigned type, int32_t rank, const char *exc, const char *message)
{
    json_t *j = J(text);
    ua_Variant v;
    wire_error err;
    wire_error_init(&err, "value");
    assert_int_equal(wire_to_variant_typed(j, type, rank, &v, &err), -1);
    if (strcmp(err.message, message) != 0)
        print_error("%s as %u: got message %s\n", text, type, err.message);
    assert_string_equal(err.type, exc);
    assert_string_equal(err.message, message);
    assert_null(v.type);
    assert_null(v.data);
    json_decref(j);
}

static char variant_text[256];

static const char *scalar_json(unsigned type, const char *value)
{
    snprintf(variant_text, sizeof(variant_text), "{\"type\":%u,\"value\":%s,\"dimensions\":null}",
             type, value);
    return variant_text;
}

#define S WIRE_RANK_SCALAR

/* ---- integers ------------------------------------------------------------- */

typedef struct int_case {
    unsigned type;
    const char *min, *max, *below, *above, *range;
} int_case;

static const int_case ints[] = {
    {2, "-128", "127", "-129", "128", "SByte (-128..127)"},
    {3, "0", "255", "-1", "256", "Byte (0..255)"},
    {4, "-32768", "32767", "-32769", "32768", "Int16 (-32768..32767)"},
    {5, "0", "65535", "-1", "65536", "UInt16 (0..65535)"},
    {6, "-2147483648", "2147483647", "-2147483649", "2147483648",
     "Int32 (-2147483648..2147483647)"},
    {7, "0", "4294967295", "-1", "4294967296", "UInt32 (0..4294967295)"},
    {8, "-9223372036854775808", "9223372036854775807", "-1e+19", "1e+19",
     "Int64 (-9223372036854775808..9223372036854775807)"},
    {9, "0", "9223372036854775807", "-1", "1e+20", "UInt64 (0..18446744073709551615)"},
    {19, "0", "4294967295", "-1", "4294967296", "StatusCode (0..4294967295)"},
};

static void test_integer_ranges(void **state)
{
    (void)state;
    char msg[200];
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        const int_case *c = &ints[i];
        ok(c->min, c->type, S, scalar_json(c->type, c->min));
        ok(c->max, c->type, S, scalar_json(c->type, c->max));
        snprintf(msg, sizeof(msg), "value: expected %s, got %s", c->range, c->below);
        bad(c->below, c->type, S, WIRE_TYPE_ERROR, msg);
        snprintf(msg, sizeof(msg), "value: expected %s, got %s", c->range, c->above);
        bad(c->above, c->type, S, WIRE_TYPE_ERROR, msg);
        /* a fraction is never an integer; an integral real is */
        snprintf(msg, sizeof(msg), "value: expected %s, got 2.5", c->range);
        bad("2.5", c->type, S, WIRE_TYPE_ERROR, msg);
        ok("7.0", c->type, S, scalar_json(c->type, "7"));
        snprintf(msg, sizeof(msg), "value: expected %s, got string \"7\"", c->range);
        if (c->type != 8 && c->type != 9)
            bad("\"7\"", c->type, S, WIRE_TYPE_ERROR, msg);
        snprintf(msg, sizeof(msg), "value: expected %s, got true", c->range);
        bad("true", c->type, S, WIRE_TYPE_ERROR, msg);
        snprintf(msg, sizeof(msg), "value: expected %s, got null", c->range);
        bad("null", c->type, S, WIRE_TYPE_ERROR, msg);
    }
    /* the brief's example */
    bad("70000", 5, S, WIRE_TYPE_ERROR, "value: expected UInt16 (0..65535), got 70000");
    bad("300", 3, S, WIRE_TYPE_ERROR, "value: expected Byte (0..255), got 300");
}

static void test_64bit_exact(void **state)
{
    (void)state;
    /* decimal strings and the marker carry values a double cannot */
    ok("\"-9223372036854775808\"", 8, S, scalar_json(8, "-9223372036854775808"));
    ok("\"9007199254740993\"", 8, S, scalar_json(8, "9007199254740993"));
    bad("\"9223372036854775808\"", 8, S, WIRE_TYPE_ERROR,
        "value: expected Int64 (-9223372036854775808..9223372036854775807), got string "
        "\"9223372036854775808\"");
    ok("\"18446744073709551615\"", 9, S, scalar_json(9, "18446744073709551615"));
    ok("{\"" WIRE_BIG_U64_KEY "\":\"12345678901234567890\"}", 9, S,
       scalar_json(9, "12345678901234567890"));
    ok("1.8446744073709550e19", 9, S, scalar_json(9, "18446744073709549568"));
    bad("\"18446744073709551616\"", 9, S, WIRE_TYPE_ERROR,
        "value: expected UInt64 (0..18446744073709551615), got string \"18446744073709551616\"");
    bad("\"-1\"", 9, S, WIRE_TYPE_ERROR,
        "value: expected UInt64 (0..18446744073709551615), got string \"-1\"");
    bad("\"12a\"", 8, S, WIRE_TYPE_ERROR,
        "value: expected Int64 (-9223372036854775808..9223372036854775807), got string \"12a\"");
}

/* ---- reals, booleans ------------------------------------------------------ */

static void test_reals_and_booleans(void **state)
{
    (void)state;
    ok("4", 11, S, scalar_json(11, "4"));
    ok("2.5", 11, S, scalar_json(11, "2.5"));
    ok("1e300", 11, S, scalar_json(11, "1e+300"));
    ok("3.5", 10, S, scalar_json(10, "3.5"));
    ok("-3.4028234663852886e38", 10, S, scalar_json(10, "-3.4028234663852886e+38"));
    bad("3.5e38", 10, S, WIRE_TYPE_ERROR,
        "value: expected Float (a number within +-3.4028234663852886e+38), got 3.5e+38");
    bad("\"1.5\"", 11, S, WIRE_TYPE_ERROR,
        "value: expected Double (a finite number), got string \"1.5\"");
    bad("null", 11, S, WIRE_TYPE_ERROR, "value: expected Double (a finite number), got null");
    ok("true", 1, S, scalar_json(1, "true"));
    ok("false", 1, S, scalar_json(1, "false"));
    bad("1", 1, S, WIRE_TYPE_ERROR, "value: expected Boolean (true or false), got 1");
    bad("\"true\"", 1, S, WIRE_TYPE_ERROR,
        "value: expected Boolean (true or false), got string \"true\"");
}

/* ---- text forms ----------------------------------------------------------- */

static void test_strings_and_times(void **state)
{
    (void)state;
    ok("\"h\\u00e9llo\"", 12, S, scalar_json(12, "\"h\xc3\xa9llo\""));
    ok("null", 12, S, scalar_json(12, "null"));
    bad("5", 12, S, WIRE_TYPE_ERROR, "value: expected String (a string or null), got 5");
    ok("\"<a/>\"", 16, S, scalar_json(16, "\"<a/>\""));
    ok("\"2026-03-02T08:15:30.5+01:00\"", 13, S, scalar_json(13, "\"2026-03-02T07:15:30+00:00\""));
    ok("\"@0\"", 13, S, scalar_json(13, "\"1970-01-01T00:00:00+00:00\""));
    ok("null", 13, S, scalar_json(13, "null"));
    bad("\"2026-13-02\"", 13, S, WIRE_TYPE_ERROR,
        "value: expected DateTime (an ISO-8601 string), got string \"2026-13-02\"");
    bad("1700000000", 13, S, WIRE_TYPE_ERROR,
        "value: expected DateTime (an ISO-8601 string), got 1700000000");
    ok("\"72962B91-FA75-4AE6-8D28-B404DC7DAF63\"", 14, S,
       scalar_json(14, "\"72962b91-fa75-4ae6-8d28-b404dc7daf63\""));
    bad("\"72962b91\"", 14, S, WIRE_TYPE_ERROR,
        "value: expected Guid (\"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx\"), got string \"72962b91\"");
}

static void test_bytestrings(void **state)
{
    (void)state;
    /* a plain string is its bytes; {"base64": ...} marks base64 */
    ok("\"abc\"", 15, S, scalar_json(15, "\"abc\""));
    ok("\"3q2+7w==\"", 15, S, scalar_json(15, "\"3q2+7w==\""));
    ok("{\"base64\":\"3q2+7w==\"}", 15, S, scalar_json(15, "\"3q2+7w==\""));
    ok("{\"base64\":\"YWJj\"}", 15, S, scalar_json(15, "\"abc\""));
    ok("{\"base64\":\"\"}", 15, S, scalar_json(15, "\"\""));
    ok("null", 15, S, scalar_json(15, "null"));
    bad("{\"base64\":\"3q2+7w=\"}", 15, S, WIRE_TYPE_ERROR,
        "value: expected ByteString (a string or {\"base64\": \"...\"}), got an object");
    bad("[1,2]", 15, S, WIRE_TYPE_ERROR,
        "value: expected a scalar ByteString (a string or {\"base64\": \"...\"}), got an array");
}

static void test_nodeids_and_names(void **state)
{
    (void)state;
    ok("\"ns=1;s=Scalar.Int32\"", 17, S,
       scalar_json(17, "{\"ns\":1,\"id\":\"Scalar.Int32\",\"type\":\"string\"}"));
    ok("\"i=85\"", 17, S, scalar_json(17, "{\"ns\":0,\"id\":85,\"type\":\"numeric\"}"));
    ok("{\"ns\":2,\"id\":\"X\",\"type\":\"string\"}", 17, S,
       scalar_json(17, "{\"ns\":2,\"id\":\"X\",\"type\":\"string\"}"));
    bad("\"Objects\"", 17, S, WIRE_INVALID_NODEID,
        "value: invalid NodeId text, got string \"Objects\"");
    bad("85", 17, S, WIRE_TYPE_ERROR,
        "value: expected NodeId (an object {\"ns\", \"id\", \"type\"} or "
        "\"ns=<n>;<i|s|g|b>=<id>\"), got 85");
    bad("{\"id\":\"x\"}", 17, S, WIRE_TYPE_ERROR,
        "value: expected an integer id for a numeric NodeId, got string \"x\"");
    /* Without a namespace table (tests/unit/wire/test_wire_nsu.c has one)
     * an "nsu=" id cannot be resolved. */
    bad("\"nsu=urn:x;s=A\"", 18, S, WIRE_INVALID_NODEID,
        "value: namespace URI \"urn:x\" cannot be resolved: the session has not read the "
        "server's NamespaceArray");
    ok("{\"ns\":3,\"id\":9}", 18, S, scalar_json(18, "{\"ns\":3,\"id\":9,\"type\":\"numeric\"}"));
    bad("\"nsu=\"", 18, S, WIRE_INVALID_NODEID, "value: invalid NodeId text, got string \"nsu=\"");
    ok("\"1:Anchor\"", 20, S, scalar_json(20, "{\"ns\":1,\"name\":\"Anchor\"}"));
    ok("\"Anchor\"", 20, S, scalar_json(20, "{\"ns\":0,\"name\":\"Anchor\"}"));
    ok("\"a:b\"", 20, S, scalar_json(20, "{\"ns\":0,\"name\":\"a:b\"}"));
    ok("\"70000:b\"", 20, S, scalar_json(20, "{\"ns\":0,\"name\":\"70000:b\"}"));
    ok("{\"ns\":2,\"name\":\"N\"}", 20, S, scalar_json(20, "{\"ns\":2,\"name\":\"N\"}"));
    bad("5", 20, S, WIRE_TYPE_ERROR,
        "value: expected QualifiedName (an object {\"ns\", \"name\"} or \"<ns>:<name>\"), got 5");
    ok("\"Hello\"", 21, S, scalar_json(21, "{\"locale\":null,\"text\":\"Hello\"}"));
    ok("{\"locale\":\"en\",\"text\":\"Hi\"}", 21, S,
       scalar_json(21, "{\"locale\":\"en\",\"text\":\"Hi\"}"));
    ok("null", 21, S, scalar_json(21, "{\"locale\":null,\"text\":null}"));
    bad("true", 21, S, WIRE_TYPE_ERROR,
        "value: expected LocalizedText (an object {\"locale\", \"text\"} or a string), got true");
    ok("2150891520", 19, S, scalar_json(19, "2150891520"));
}

static void test_structured_types(void **state)
{
    (void)state;
    ok("{\"typeId\":{\"ns\":2,\"id\":1},\"body\":\"AQI=\"}", 22, S,
       scalar_json(22, "{\"typeId\":{\"ns\":2,\"id\":1,\"type\":\"numeric\"},\"encoding\":1,"
                       "\"body\":\"AQI=\",\"value\":null}"));
    bad("\"AQI=\"", 22, S, WIRE_TYPE_ERROR,
        "value: expected ExtensionObject (an object {\"typeId\", \"encoding\", \"body\"}), got "
        "string \"AQI=\"");
    ok("{\"type\":7,\"value\":1,\"statusCode\":0}", 23, S,
       scalar_json(23, "{\"value\":1,\"type\":7,\"dimensions\":null,\"statusCode\":0,"
                       "\"sourceTimestamp\":null,\"serverTimestamp\":null}"));
    ok("{\"type\":7,\"value\":1}", 24, S,
       scalar_json(24, "{\"type\":7,\"value\":1,\"dimensions\":null}"));
    ok("\"s\"", 24, S, scalar_json(24, "{\"type\":12,\"value\":\"s\",\"dimensions\":null}"));
    ok("{\"symbolicId\":4}", 25, S, scalar_json(25, "{\"symbolicId\":4}"));
    bad("\"x\"", 25, S, WIRE_TYPE_ERROR,
        "value: expected a DiagnosticInfo object, got string \"x\"");
}

/* ---- arrays and ranks ----------------------------------------------------- */

static void test_arrays_and_ranks(void **state)
{
    (void)state;
    ok("[7,8,9]", 6, 1, "{\"type\":6,\"value\":[7,8,9],\"dimensions\":null}");
    ok("[7,8,9]", 6, WIRE_RANK_ANY, "{\"type\":6,\"value\":[7,8,9],\"dimensions\":null}");
    ok("[]", 6, 1, "{\"type\":6,\"value\":[],\"dimensions\":null}");
    ok("7", 6, WIRE_RANK_ANY, scalar_json(6, "7"));
    ok("7", 6, WIRE_RANK_SCALAR_OR_ONE_DIM, scalar_json(6, "7"));
    ok("[7]", 6, WIRE_RANK_SCALAR_OR_ONE_DIM, "{\"type\":6,\"value\":[7],\"dimensions\":null}");
    ok("[[1,2],[3,4],[5,6]]", 11, 2, "{\"type\":11,\"value\":[1,2,3,4,5,6],\"dimensions\":[3,2]}");
    ok("[[1,2],[3,4]]", 6, WIRE_RANK_ONE_OR_MORE_DIMS,
       "{\"type\":6,\"value\":[1,2,3,4],\"dimensions\":[2,2]}");
    ok("[[[1],[2]],[[3],[4]]]", 6, 3, "{\"type\":6,\"value\":[1,2,3,4],\"dimensions\":[2,2,1]}");
    ok("[[],[]]", 6, 2, "{\"type\":6,\"value\":[],\"dimensions\":[2,0]}");
    ok("[\"2000-01-01T00:00:00Z\",\"2030-12-31T23:59:59Z\"]", 13, 1,
       "{\"type\":13,\"value\":[\"2000-01-01T00:00:00+00:00\",\"2030-12-31T23:59:59+00:00\"],"
       "\"dimensions\":null}");
    ok("[\"i=1\",{\"ns\":1,\"id\":\"A\",\"type\":\"string\"}]", 17, 1,
       "{\"type\":17,\"value\":[{\"ns\":0,\"id\":1,\"type\":\"numeric\"},"
       "{\"ns\":1,\"id\":\"A\",\"type\":\"string\"}],\"dimensions\":null}");
    bad("[1,2]", 6, S, WIRE_TYPE_ERROR,
        "value: expected a scalar Int32 (-2147483648..2147483647), got an array");
    bad("7", 6, 1, WIRE_TYPE_ERROR,
        "value: expected an array of Int32 (-2147483648..2147483647), got 7");
    bad("7", 6, WIRE_RANK_ONE_OR_MORE_DIMS, WIRE_TYPE_ERROR,
        "value: expected an array of Int32 (-2147483648..2147483647), got 7");
    bad("[[1],[2]]", 6, WIRE_RANK_SCALAR_OR_ONE_DIM, WIRE_TYPE_ERROR,
        "value: expected a scalar or a one-dimensional array, got 2 dimensions");
    bad("[1,2]", 6, 2, WIRE_TYPE_ERROR, "value: expected 2 array dimension(s), got 1 (an array)");
    bad("[1,300]", 3, 1, WIRE_TYPE_ERROR, "value[1]: expected Byte (0..255), got 300");
    bad("[[1,2],[3,\"x\"]]", 6, 2, WIRE_TYPE_ERROR,
        "value[1][1]: expected Int32 (-2147483648..2147483647), got string \"x\"");
    bad("[[1,2],3]", 6, 2, WIRE_TYPE_ERROR,
        "value[1]: expected a rectangular array (2 elements at this level)");
    /* deeper than MAX_DIMS */
    tbuf deep = {0};
    for (int i = 0; i < 40; i++)
        tbuf_str(&deep, "[");
    tbuf_str(&deep, "1");
    for (int i = 0; i < 40; i++)
        tbuf_str(&deep, "]");
    bad(deep.p, 6, WIRE_RANK_ANY, WIRE_INVALID_ARGUMENT, "value: more than 32 array dimensions");
    free(deep.p);
}

/* Expects a TypeError whose message starts with prefix. */
static void refused(const char *text, unsigned type, int32_t rank, const char *prefix)
{
    json_t *j = J(text);
    ua_Variant v;
    wire_error err;
    wire_error_init(&err, "value");
    assert_int_equal(wire_to_variant_typed(j, type, rank, &v, &err), -1);
    if (strncmp(err.message, prefix, strlen(prefix)) != 0)
        print_error("%s as %u: got message %s\n", text, type, err.message);
    assert_string_equal(err.type, WIRE_TYPE_ERROR);
    assert_int_equal(strncmp(err.message, prefix, strlen(prefix)), 0);
    assert_null(v.data);
    json_decref(j);
}

/* The limits a typed write checks beyond test_integer_ranges: reals at the
 * edges of the 64-bit types, text forms of 64-bit integers, float overflow,
 * fractions. NaN and infinities cannot be written in JSON (jansson refuses
 * them when parsing and json_real() refuses to make them). */
static void test_limits_at_the_edges(void **state)
{
    (void)state;
    ok("3.4028234663852886e38", 10, S, scalar_json(10, "3.4028234663852886e+38"));
    refused("-3.5e38", 10, S, "value: expected Float (a number within");
    refused("1e40", 10, S, "value: expected Float (a number within");
    refused("-1e40", 10, S, "value: expected Float (a number within");
    ok("1.7976931348623157e308", 11, S, scalar_json(11, "1.7976931348623157e+308"));
    ok("-1.7976931348623157e308", 11, S, scalar_json(11, "-1.7976931348623157e+308"));
    ok("5e-324", 11, S, scalar_json(11, "5e-324"));
    /* 2^63 and 2^64 as reals are just outside; -2^63 is the minimum */
    refused("9.2233720368547758e18", 8, S, "value: expected Int64 (");
    ok("-9.2233720368547758e18", 8, S, scalar_json(8, "-9223372036854775808"));
    refused("1.8446744073709552e19", 9, S, "value: expected UInt64 (");
    refused("-1.0", 9, S, "value: expected UInt64 (");
    ok("\"-0\"", 8, S, scalar_json(8, "0"));
    refused("\"+5\"", 8, S, "value: expected Int64 (");
    refused("\"\"", 9, S, "value: expected UInt64 (");
    refused("\" 5\"", 9, S, "value: expected UInt64 (");
    refused("\"5 \"", 8, S, "value: expected Int64 (");
    refused("\"-0\"", 9, S, "value: expected UInt64 (");
    /* fractions are never integers, however small */
    refused("1e-300", 6, S, "value: expected Int32 (");
    refused("-0.5", 3, S, "value: expected Byte (0..255)");
    refused("255.5", 3, S, "value: expected Byte (0..255)");
    /* an element out of range is named by its index */
    bad("[1,256]", 3, 1, WIRE_TYPE_ERROR, "value[1]: expected Byte (0..255), got 256");
    bad("[[1],[-129]]", 2, 2, WIRE_TYPE_ERROR, "value[1][0]: expected SByte (-128..127), got -129");
}

static void test_bad_type_and_rank(void **state)
{
    (void)state;
    bad("1", 0, S, WIRE_VALUE_ERROR, "value: expected a BuiltinType (1..25), got 0");
    bad("1", 26, S, WIRE_VALUE_ERROR, "value: expected a BuiltinType (1..25), got 26");
    bad("1", 6, -4, WIRE_VALUE_ERROR, "value: invalid value rank -4");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integer_ranges),      cmocka_unit_test(test_64bit_exact),
        cmocka_unit_test(test_reals_and_booleans),  cmocka_unit_test(test_strings_and_times),
        cmocka_unit_test(test_bytestrings),         cmocka_unit_test(test_nodeids_and_names),
        cmocka_unit_test(test_structured_types),    cmocka_unit_test(test_arrays_and_ranks),
        cmocka_unit_test(test_limits_at_the_edges), cmocka_unit_test(test_bad_type_and_rank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
