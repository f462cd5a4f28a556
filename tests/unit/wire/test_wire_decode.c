/* Unit tests of the JSON -> UA decoders of values (src/wire/wire_decode.c):
 * NodeId, QualifiedName, LocalizedText, ExtensionObject, DiagnosticInfo,
 * Variant, DataValue and times, their PHP defaults and every error case
 * with its exception type (type-serialization.md §1 "Decoding"). */
#include "wire_test.h"

#include "ua_statuscodes.h"
#include "ua_text.h"

/* Decodes text with decode into a value of type, encodes it back with
 * encode and expects `again` (or text itself when NULL). */
typedef int (*decode_fn)(const json_t *, void *, wire_error *);
typedef json_t *(*encode_fn)(const void *);

static void round_trip(const char *text, decode_fn decode, encode_fn encode, const ua_type *type,
                       const char *again)
{
    json_t *j = J(text);
    void *v = ua_new(type);
    wire_error err;
    wire_error_init(&err, "p");
    if (decode(j, v, &err) != 0)
        print_error("%s: %s %s\n", text, err.type, err.message);
    assert_null(err.type);
    assert_json(encode(v), again ? again : text);
    ua_delete(v, type);
    json_decref(j);
}

/* Decodes text and expects failure with exc and part in the message. */
static void rejects(const char *text, decode_fn decode, const ua_type *type, const char *exc,
                    const char *part)
{
    json_t *j = J(text);
    void *v = ua_new(type);
    wire_error err;
    wire_error_init(&err, "p");
    assert_int_equal(decode(j, v, &err), -1);
    assert_wire_error(err, exc, part);
    assert_int_equal(strncmp(err.message, "p", 1), 0); /* names the parameter */
    /* the output is left cleared */
    uint8_t zero[sizeof(ua_DataValue) + sizeof(ua_Variant)] = {0};
    assert_true(type->mem_size <= sizeof(zero));
    assert_memory_equal(v, zero, type->mem_size);
    ua_delete(v, type);
    json_decref(j);
}

/* Adapters from the typed decoders/encoders to the generic shapes. */
#define ADAPT(name, T)                                                                             \
    static int dec_##name(const json_t *j, void *out, wire_error *err)                             \
    {                                                                                              \
        return wire_to_##name(j, (T *)out, err);                                                   \
    }                                                                                              \
    static json_t *enc_##name(const void *p)                                                       \
    {                                                                                              \
        return wire_from_##name((const T *)p);                                                     \
    }
ADAPT(nodeid, ua_NodeId)
ADAPT(qualified_name, ua_QualifiedName)
ADAPT(localized_text, ua_LocalizedText)
ADAPT(extension_object, ua_ExtensionObject)
ADAPT(diagnostic_info, ua_DiagnosticInfo)
ADAPT(variant, ua_Variant)
ADAPT(data_value, ua_DataValue)

#define NODEID  UA_BUILTIN(UA_KIND_NODEID)
#define VARIANT UA_BUILTIN(UA_KIND_VARIANT)

/* ---- NodeId ------------------------------------------------------------ */

static void test_nodeid_forms(void **state)
{
    (void)state;
    round_trip("{\"ns\":0,\"id\":2259,\"type\":\"numeric\"}", dec_nodeid, enc_nodeid, NODEID, NULL);
    round_trip("{\"ns\":2,\"id\":\"Line1/Temps\",\"type\":\"string\"}", dec_nodeid, enc_nodeid,
               NODEID, NULL);
    round_trip("{\"ns\":1,\"id\":\"72962B91-FA75-4AE6-8D28-B404DC7DAF63\",\"type\":\"guid\"}",
               dec_nodeid, enc_nodeid, NODEID,
               "{\"ns\":1,\"id\":\"72962b91-fa75-4ae6-8d28-b404dc7daf63\",\"type\":\"guid\"}");
    round_trip("{\"ns\":1,\"id\":\"DEad00\",\"type\":\"opaque\"}", dec_nodeid, enc_nodeid, NODEID,
               "{\"ns\":1,\"id\":\"dead00\",\"type\":\"opaque\"}");
    round_trip("{\"ns\":1,\"id\":\"\",\"type\":\"string\"}", dec_nodeid, enc_nodeid, NODEID, NULL);
}

static void test_nodeid_defaults(void **state)
{
    (void)state;
    /* missing type -> numeric, missing ns -> 0, missing id -> 0 */
    round_trip("{\"id\":2259}", dec_nodeid, enc_nodeid, NODEID,
               "{\"ns\":0,\"id\":2259,\"type\":\"numeric\"}");
    round_trip("{}", dec_nodeid, enc_nodeid, NODEID, "{\"ns\":0,\"id\":0,\"type\":\"numeric\"}");
    round_trip("{\"ns\":null,\"id\":5,\"type\":null}", dec_nodeid, enc_nodeid, NODEID,
               "{\"ns\":0,\"id\":5,\"type\":\"numeric\"}");
    /* ns is cast like PHP's (int): "2" and 2.0 work */
    round_trip("{\"ns\":\"2\",\"id\":5}", dec_nodeid, enc_nodeid, NODEID,
               "{\"ns\":2,\"id\":5,\"type\":\"numeric\"}");
    round_trip("{\"ns\":3.0,\"id\":5.0}", dec_nodeid, enc_nodeid, NODEID,
               "{\"ns\":3,\"id\":5,\"type\":\"numeric\"}");
}

static void test_nodeid_errors(void **state)
{
    (void)state;
    /* a string NodeId is rejected with TypeError, as by the reference */
    rejects("\"ns=1;s=Scalar.Int32\"", dec_nodeid, NODEID, WIRE_TYPE_ERROR, "NodeId object");
    rejects("[1,2]", dec_nodeid, NODEID, WIRE_TYPE_ERROR, "got an array");
    rejects("null", dec_nodeid, NODEID, WIRE_TYPE_ERROR, "got null");
    rejects("85", dec_nodeid, NODEID, WIRE_TYPE_ERROR, "got 85");
    rejects("{\"id\":1,\"type\":\"foo\"}", dec_nodeid, NODEID, WIRE_UNHANDLED_MATCH,
            "unknown NodeId type");
    rejects("{\"id\":1,\"type\":5}", dec_nodeid, NODEID, WIRE_TYPE_ERROR, "type name");
    rejects("{\"ns\":-1,\"id\":1}", dec_nodeid, NODEID, WIRE_INVALID_NODEID, "outside 0..65535");
    rejects("{\"ns\":65536,\"id\":1}", dec_nodeid, NODEID, WIRE_INVALID_NODEID, "65536");
    rejects("{\"ns\":\"two\",\"id\":1}", dec_nodeid, NODEID, WIRE_TYPE_ERROR, "namespace index");
    rejects("{\"ns\":[],\"id\":1}", dec_nodeid, NODEID, WIRE_TYPE_ERROR, "namespace index");
    rejects("{\"id\":\"85\"}", dec_nodeid, NODEID, WIRE_TYPE_ERROR, "integer id");
    rejects("{\"id\":2.5}", dec_nodeid, NODEID, WIRE_TYPE_ERROR, "got 2.5");
    rejects("{\"id\":-1}", dec_nodeid, NODEID, WIRE_INVALID_NODEID, "outside 0..4294967295");
    rejects("{\"id\":4294967296}", dec_nodeid, NODEID, WIRE_INVALID_NODEID, "4294967296");
    rejects("{\"id\":5,\"type\":\"string\"}", dec_nodeid, NODEID, WIRE_TYPE_ERROR, "string id");
    rejects("{\"type\":\"string\"}", dec_nodeid, NODEID, WIRE_TYPE_ERROR, "got nothing");
    rejects("{\"id\":\"nope\",\"type\":\"guid\"}", dec_nodeid, NODEID, WIRE_INVALID_NODEID, "guid");
    rejects("{\"id\":\"abc\",\"type\":\"opaque\"}", dec_nodeid, NODEID, WIRE_INVALID_NODEID,
            "pairs");
    rejects("{\"id\":\"zz\",\"type\":\"opaque\"}", dec_nodeid, NODEID, WIRE_INVALID_NODEID, "hex");
}

static void test_error_names_the_parameter(void **state)
{
    (void)state;
    json_t *j = J("\"ns=1;s=X\"");
    ua_NodeId n;
    wire_error err;
    wire_error_init(&err, "params[0]");
    assert_int_equal(wire_to_nodeid(j, &n, &err), -1);
    assert_string_equal(err.type, "TypeError");
    assert_string_equal(err.message,
                        "params[0]: expected a NodeId object {\"ns\", \"id\", \"type\"}, "
                        "got string \"ns=1;s=X\"");
    json_decref(j);
    /* no parameter name: the message starts with what was expected */
    j = J("{\"ns\":1,\"id\":\"a very long string id that goes on and on and on and on\","
          "\"type\":7}");
    wire_error_init(&err, NULL);
    assert_int_equal(wire_to_nodeid(j, &n, &err), -1);
    assert_string_equal(err.message, "expected a NodeId type name in \"type\", got 7");
    json_decref(j);
    /* long strings are cut on a character boundary */
    j = J("\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
          "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
          "\"");
    wire_error_init(&err, "x");
    assert_int_equal(wire_to_nodeid(j, &n, &err), -1);
    assert_non_null(strstr(err.message, "\xc3\xa9...\""));
    /* a message cut at its size limit still ends on a character boundary */
    char longname[WIRE_ERROR_MESSAGE_MAX];
    for (size_t len = 140; len < 200; len++) { /* the cut moves through the quoted text */
        memset(longname, 'p', len);
        longname[len] = 0;
        wire_error_init(&err, longname);
        assert_int_equal(wire_to_nodeid(j, &n, &err), -1);
        assert_true(strlen(err.message) < sizeof(err.message));
        json_t *valid = json_string(err.message); /* NULL for invalid UTF-8 */
        assert_non_null(valid);
        json_decref(valid);
    }
    json_decref(j);
}

/* ---- QualifiedName, LocalizedText -------------------------------------- */

static void test_qualified_name(void **state)
{
    (void)state;
    const ua_type *t = UA_BUILTIN(UA_KIND_QUALIFIEDNAME);
    round_trip("{\"ns\":1,\"name\":\"Counter\"}", dec_qualified_name, enc_qualified_name, t, NULL);
    round_trip("{}", dec_qualified_name, enc_qualified_name, t, "{\"ns\":0,\"name\":\"\"}");
    round_trip("{\"ns\":\"3\"}", dec_qualified_name, enc_qualified_name, t,
               "{\"ns\":3,\"name\":\"\"}");
    rejects("\"1:Counter\"", dec_qualified_name, t, WIRE_TYPE_ERROR, "QualifiedName object");
    rejects("{\"ns\":70000,\"name\":\"x\"}", dec_qualified_name, t, WIRE_TYPE_ERROR, "0..65535");
    rejects("{\"ns\":true}", dec_qualified_name, t, WIRE_TYPE_ERROR, "got true");
    rejects("{\"name\":5}", dec_qualified_name, t, WIRE_TYPE_ERROR, "\"name\"");
}

static void test_localized_text(void **state)
{
    (void)state;
    const ua_type *t = UA_BUILTIN(UA_KIND_LOCALIZEDTEXT);
    round_trip("{\"locale\":\"en-US\",\"text\":\"Hello\"}", dec_localized_text, enc_localized_text,
               t, NULL);
    round_trip("{}", dec_localized_text, enc_localized_text, t, "{\"locale\":null,\"text\":null}");
    round_trip("{\"text\":\"\"}", dec_localized_text, enc_localized_text, t,
               "{\"locale\":null,\"text\":\"\"}");
    rejects("\"Hello\"", dec_localized_text, t, WIRE_TYPE_ERROR, "LocalizedText object");
    rejects("{\"locale\":5}", dec_localized_text, t, WIRE_TYPE_ERROR, "\"locale\"");
    rejects("{\"text\":{}}", dec_localized_text, t, WIRE_TYPE_ERROR, "\"text\"");
}

/* ---- ExtensionObject, DiagnosticInfo ------------------------------------ */

static void test_extension_object(void **state)
{
    (void)state;
    const ua_type *t = UA_BUILTIN(UA_KIND_EXTENSIONOBJECT);
    round_trip("{\"typeId\":{\"ns\":2,\"id\":5001,\"type\":\"numeric\"},\"encoding\":1,"
               "\"body\":\"3q2+7w==\",\"value\":null}",
               dec_extension_object, enc_extension_object, t, NULL);
    round_trip("{\"typeId\":{\"ns\":2,\"id\":5001},\"body\":\"PHgvPg==\",\"encoding\":2}",
               dec_extension_object, enc_extension_object, t,
               "{\"typeId\":{\"ns\":2,\"id\":5001,\"type\":\"numeric\"},\"encoding\":2,"
               "\"body\":\"PHgvPg==\",\"value\":null}");
    round_trip("{\"typeId\":{\"id\":5001},\"body\":\"\"}", dec_extension_object,
               enc_extension_object, t,
               "{\"typeId\":{\"ns\":0,\"id\":5001,\"type\":\"numeric\"},\"encoding\":1,"
               "\"body\":\"\",\"value\":null}");
    round_trip("{\"typeId\":{\"id\":0}}", dec_extension_object, enc_extension_object, t,
               "{\"typeId\":{\"ns\":0,\"id\":0,\"type\":\"numeric\"},\"encoding\":0,"
               "\"body\":null,\"value\":null}");
    rejects("\"x\"", dec_extension_object, t, WIRE_TYPE_ERROR, "ExtensionObject object");
    rejects("{\"body\":\"3q2+7w==\"}", dec_extension_object, t, WIRE_TYPE_ERROR, "p.typeId: ");
    rejects("{\"typeId\":{\"id\":1},\"body\":\"3q2+7w=\"}", dec_extension_object, t,
            WIRE_INVALID_ARGUMENT, "base64");
    rejects("{\"typeId\":{\"id\":1},\"body\":5}", dec_extension_object, t, WIRE_TYPE_ERROR,
            "\"body\"");
    rejects("{\"typeId\":{\"id\":1},\"encoding\":3,\"body\":\"\"}", dec_extension_object, t,
            WIRE_TYPE_ERROR, "encoding 0, 1 or 2");
    rejects("{\"typeId\":{\"ns\":2,\"id\":1},\"value\":{\"A\":1}}", dec_extension_object, t,
            WIRE_INVALID_ARGUMENT, "cannot be encoded");
}

static void test_diagnostic_info(void **state)
{
    (void)state;
    const ua_type *t = UA_BUILTIN(UA_KIND_DIAGNOSTICINFO);
    round_trip("[]", dec_diagnostic_info, enc_diagnostic_info, t, NULL);
    round_trip("{}", dec_diagnostic_info, enc_diagnostic_info, t, "[]");
    round_trip("{\"symbolicId\":1,\"namespaceUri\":2,\"localizedText\":3,\"locale\":4,"
               "\"additionalInfo\":\"x\",\"innerStatusCode\":2148139008,"
               "\"innerDiagnosticInfo\":{\"additionalInfo\":null,\"innerDiagnosticInfo\":[]}}",
               dec_diagnostic_info, enc_diagnostic_info, t,
               "{\"symbolicId\":1,\"namespaceUri\":2,\"localizedText\":3,\"locale\":4,"
               "\"additionalInfo\":\"x\",\"innerStatusCode\":2148139008,"
               "\"innerDiagnosticInfo\":{\"innerDiagnosticInfo\":[]}}");
    rejects("[1]", dec_diagnostic_info, t, WIRE_TYPE_ERROR, "DiagnosticInfo object");
    rejects("{\"symbolicId\":\"x\"}", dec_diagnostic_info, t, WIRE_TYPE_ERROR, "symbolicId");
    rejects("{\"locale\":2147483648}", dec_diagnostic_info, t, WIRE_TYPE_ERROR, "Int32");
    rejects("{\"innerStatusCode\":-1}", dec_diagnostic_info, t, WIRE_TYPE_ERROR, "0..4294967295");
    rejects("{\"innerDiagnosticInfo\":{\"locale\":\"x\"}}", dec_diagnostic_info, t, WIRE_TYPE_ERROR,
            "p.innerDiagnosticInfo: ");
    /* nesting is bounded */
    tbuf deep = {0};
    for (int i = 0; i < 70; i++)
        tbuf_str(&deep, "{\"innerDiagnosticInfo\":");
    tbuf_str(&deep, "{}");
    for (int i = 0; i < 70; i++)
        tbuf_str(&deep, "}");
    rejects(deep.p, dec_diagnostic_info, t, WIRE_INVALID_ARGUMENT, "nesting deeper");
    free(deep.p);
}

/* ---- Variant ---------------------------------------------------------------- */

static void test_variant_round_trips(void **state)
{
    (void)state;
    static const char *const same[] = {
        "{\"type\":11,\"value\":2.5,\"dimensions\":null}",
        "{\"type\":12,\"value\":\"hi\",\"dimensions\":null}",
        "{\"type\":1,\"value\":false,\"dimensions\":null}",
        "{\"type\":13,\"value\":\"2026-03-02T08:15:30+00:00\",\"dimensions\":null}",
        "{\"type\":13,\"value\":[\"2000-01-01T00:00:00+00:00\",\"2030-12-31T23:59:59+00:00\"],"
        "\"dimensions\":null}",
        "{\"type\":17,\"value\":[{\"ns\":1,\"id\":\"A\",\"type\":\"string\"},"
        "{\"ns\":0,\"id\":85,\"type\":\"numeric\"}],\"dimensions\":null}",
        "{\"type\":20,\"value\":{\"ns\":1,\"name\":\"TestName\"},\"dimensions\":null}",
        "{\"type\":21,\"value\":[{\"locale\":\"en-US\",\"text\":\"Hello\"}],\"dimensions\":null}",
        "{\"type\":6,\"value\":[0,1,2,3,4,5,6,7,8,9,10,11],\"dimensions\":[3,4]}",
        "{\"type\":6,\"value\":[],\"dimensions\":null}",
        "{\"type\":15,\"value\":\"abc\",\"dimensions\":null}",
        "{\"type\":14,\"value\":\"72962b91-fa75-4ae6-8d28-b404dc7daf63\",\"dimensions\":null}",
        "{\"type\":19,\"value\":2150891520,\"dimensions\":null}",
        "{\"type\":24,\"value\":{\"type\":12,\"value\":\"x\",\"dimensions\":null},\"dimensions\":"
        "null}",
        "{\"type\":23,\"value\":{\"value\":1,\"type\":7,\"dimensions\":null,\"statusCode\":0,"
        "\"sourceTimestamp\":null,\"serverTimestamp\":null},\"dimensions\":null}",
        "{\"type\":22,\"value\":{\"typeId\":{\"ns\":2,\"id\":1,\"type\":\"numeric\"},\"encoding\":"
        "1,"
        "\"body\":\"3q2+7w==\",\"value\":null},\"dimensions\":null}",
        "{\"type\":25,\"value\":{\"symbolicId\":1},\"dimensions\":null}",
        "{\"type\":12,\"value\":null,\"dimensions\":null}",
    };
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
        round_trip(same[i], dec_variant, enc_variant, VARIANT, NULL);
}

static void test_variant_conversions(void **state)
{
    (void)state;
    /* golden 07: {"type":11,"value":4} is the Double 4 */
    round_trip("{\"type\":11,\"value\":4}", dec_variant, enc_variant, VARIANT,
               "{\"type\":11,\"value\":4,\"dimensions\":null}");
    round_trip("{\"type\":\"6\",\"value\":-7}", dec_variant, enc_variant, VARIANT,
               "{\"type\":6,\"value\":-7,\"dimensions\":null}");
    /* nested arrays become dimensions */
    round_trip("{\"type\":6,\"value\":[[1,2,3],[4,5,6]]}", dec_variant, enc_variant, VARIANT,
               "{\"type\":6,\"value\":[1,2,3,4,5,6],\"dimensions\":[2,3]}");
    /* a one-element "dimensions" is the plain array */
    round_trip("{\"type\":6,\"value\":[1,2],\"dimensions\":[2]}", dec_variant, enc_variant, VARIANT,
               "{\"type\":6,\"value\":[1,2],\"dimensions\":null}");
    /* a Variant element without "type" takes its type from the JSON kind */
    round_trip("{\"type\":24,\"value\":[5,5000000000,1.5,\"s\",true,null]}", dec_variant,
               enc_variant, VARIANT,
               "{\"type\":24,\"value\":[{\"type\":6,\"value\":5,\"dimensions\":null},"
               "{\"type\":8,\"value\":5000000000,\"dimensions\":null},"
               "{\"type\":11,\"value\":1.5,\"dimensions\":null},"
               "{\"type\":12,\"value\":\"s\",\"dimensions\":null},"
               "{\"type\":1,\"value\":true,\"dimensions\":null},"
               "{\"type\":null,\"value\":null,\"dimensions\":null}],\"dimensions\":null}");
    /* UInt64 beyond 2^63-1: the marker object or a decimal string */
    round_trip("{\"type\":9,\"value\":{\"" WIRE_BIG_U64_KEY "\":\"12345678901234567890\"}}",
               dec_variant, enc_variant, VARIANT,
               "{\"type\":9,\"value\":12345678901234567890,\"dimensions\":null}");
    round_trip("{\"type\":9,\"value\":\"18446744073709551615\"}", dec_variant, enc_variant, VARIANT,
               "{\"type\":9,\"value\":18446744073709551615,\"dimensions\":null}");
    /* a missing value is null: fine for a String */
    round_trip("{\"type\":12}", dec_variant, enc_variant, VARIANT,
               "{\"type\":12,\"value\":null,\"dimensions\":null}");
}

static void test_variant_errors(void **state)
{
    (void)state;
    rejects("[1]", dec_variant, VARIANT, WIRE_TYPE_ERROR, "Variant object");
    rejects("{\"value\":1}", dec_variant, VARIANT, WIRE_VALUE_ERROR,
            "BuiltinType 1..25, got nothing");
    rejects("{\"type\":0,\"value\":1}", dec_variant, VARIANT, WIRE_VALUE_ERROR, "got 0");
    rejects("{\"type\":26,\"value\":1}", dec_variant, VARIANT, WIRE_VALUE_ERROR, "got 26");
    rejects("{\"type\":\"Double\",\"value\":1}", dec_variant, VARIANT, WIRE_VALUE_ERROR,
            "BuiltinType");
    rejects("{\"type\":null,\"value\":1}", dec_variant, VARIANT, WIRE_VALUE_ERROR, "got null");
    rejects("{\"type\":6,\"value\":2.5}", dec_variant, VARIANT, WIRE_TYPE_ERROR,
            "p.value: expected Int32 (-2147483648..2147483647), got 2.5");
    rejects("{\"type\":6}", dec_variant, VARIANT, WIRE_TYPE_ERROR, "got null");
    rejects("{\"type\":13,\"value\":\"tomorrow-ish\"}", dec_variant, VARIANT, WIRE_TYPE_ERROR,
            "DateTime");
    rejects("{\"type\":13,\"value\":[\"2000-01-01T00:00:00Z\",5]}", dec_variant, VARIANT,
            WIRE_TYPE_ERROR, "p.value[1]: expected DateTime");
    rejects("{\"type\":6,\"value\":[1,2,3],\"dimensions\":[2,2]}", dec_variant, VARIANT,
            WIRE_VALUE_ERROR, "do not match the 3 elements");
    rejects("{\"type\":6,\"value\":[1,2],\"dimensions\":[\"2\"]}", dec_variant, VARIANT,
            WIRE_TYPE_ERROR, "dimension length");
    rejects("{\"type\":6,\"value\":[1,2],\"dimensions\":5}", dec_variant, VARIANT, WIRE_TYPE_ERROR,
            "dimension lengths");
    rejects("{\"type\":6,\"value\":1,\"dimensions\":[1]}", dec_variant, VARIANT,
            WIRE_INVALID_ARGUMENT, "for a scalar");
    rejects("{\"type\":6,\"value\":[[1,2],[3,4]],\"dimensions\":[2,2]}", dec_variant, VARIANT,
            WIRE_INVALID_ARGUMENT, "not both");
    rejects("{\"type\":6,\"value\":[[1,2],[3]]}", dec_variant, VARIANT, WIRE_TYPE_ERROR,
            "p.value[1]: expected a rectangular array");
    rejects("{\"type\":6,\"value\":[1,[2]]}", dec_variant, VARIANT, WIRE_TYPE_ERROR,
            "p.value[1]: expected a rectangular array");
    rejects("{\"type\":24,\"value\":{\"a\":1}}", dec_variant, VARIANT, WIRE_TYPE_ERROR,
            "expected Variant");
    rejects("{\"type\":24,\"value\":{\"type\":99}}", dec_variant, VARIANT, WIRE_VALUE_ERROR,
            "BuiltinType");
}

/* ---- DataValue ---------------------------------------------------------------- */

static void test_data_value(void **state)
{
    (void)state;
    const ua_type *t = UA_BUILTIN(UA_KIND_DATAVALUE);
    round_trip("{\"value\":42.25,\"type\":11,\"dimensions\":null,\"statusCode\":0,"
               "\"sourceTimestamp\":\"2026-11-22T23:57:18+00:00\","
               "\"serverTimestamp\":\"2026-11-22T23:58:05+00:00\"}",
               dec_data_value, enc_data_value, t, NULL);
    round_trip("{\"value\":null,\"type\":null,\"dimensions\":null,\"statusCode\":2150891520,"
               "\"sourceTimestamp\":null,\"serverTimestamp\":null}",
               dec_data_value, enc_data_value, t, NULL);
    /* PHP: a Variant only with a type and a "value" key */
    round_trip("{\"value\":5}", dec_data_value, enc_data_value, t,
               "{\"value\":null,\"type\":null,\"dimensions\":null,\"statusCode\":0,"
               "\"sourceTimestamp\":null,\"serverTimestamp\":null}");
    round_trip("{\"type\":6}", dec_data_value, enc_data_value, t,
               "{\"value\":null,\"type\":null,\"dimensions\":null,\"statusCode\":0,"
               "\"sourceTimestamp\":null,\"serverTimestamp\":null}");
    round_trip("{\"type\":6,\"value\":[[1],[2]],\"sourceTimestamp\":\"2026-03-02 08:15:30.75\"}",
               dec_data_value, enc_data_value, t,
               "{\"value\":[1,2],\"type\":6,\"dimensions\":[2,1],\"statusCode\":0,"
               "\"sourceTimestamp\":\"2026-03-02T08:15:30+00:00\",\"serverTimestamp\":null}");
    rejects("[]", dec_data_value, t, WIRE_TYPE_ERROR, "DataValue object");
    rejects("{\"statusCode\":-1}", dec_data_value, t, WIRE_TYPE_ERROR, "p.statusCode: ");
    rejects("{\"statusCode\":\"0\"}", dec_data_value, t, WIRE_TYPE_ERROR, "p.statusCode: ");
    rejects("{\"sourceTimestamp\":\"garbage\"}", dec_data_value, t, WIRE_INVALID_ARGUMENT,
            "p.sourceTimestamp: expected an ISO-8601");
    rejects("{\"serverTimestamp\":12}", dec_data_value, t, WIRE_TYPE_ERROR, "p.serverTimestamp: ");
    rejects("{\"type\":99,\"value\":1}", dec_data_value, t, WIRE_VALUE_ERROR, "BuiltinType");
    rejects("{\"type\":3,\"value\":300}", dec_data_value, t, WIRE_TYPE_ERROR, "Byte (0..255)");

    json_t *j = J("{\"type\":6,\"value\":1,\"statusCode\":2150891520}");
    ua_DataValue dv;
    wire_error err;
    wire_error_init(&err, NULL);
    assert_int_equal(wire_to_data_value(j, &dv, &err), 0);
    assert_true(dv.has_value && dv.has_status);
    assert_false(dv.has_source_timestamp || dv.has_server_timestamp);
    ua_clear(&dv, t);
    json_decref(j);
}

/* ---- small scalars -------------------------------------------------------------- */

static void test_small_scalars(void **state)
{
    (void)state;
    wire_error err;
    ua_DateTime t;
    json_t *j = J("\"2026-03-02T08:15:30+00:00\"");
    wire_error_init(&err, "startTime");
    assert_int_equal(wire_to_datetime(j, &t, &err), 0);
    assert_json(wire_from_datetime(t), "\"2026-03-02T08:15:30+00:00\"");
    json_decref(j);
    j = J("1700000000");
    assert_int_equal(wire_to_datetime(j, &t, &err), -1);
    assert_wire_error(err, WIRE_TYPE_ERROR, "startTime: expected an ISO-8601 date/time string");
    json_decref(j);
    j = J("\"next tuesday\"");
    assert_int_equal(wire_to_datetime(j, &t, &err), -1);
    assert_wire_error(err, WIRE_INVALID_ARGUMENT, "got string \"next tuesday\"");
    json_decref(j);

    uint32_t u;
    static const char *const bad_u32[] = {"-1", "4294967296", "1.5", "\"1\"", "true", "null"};
    for (size_t i = 0; i < 6; i++) {
        j = J(bad_u32[i]);
        wire_error_init(&err, "id");
        assert_int_equal(wire_to_uint32(j, &u, &err), -1);
        assert_wire_error(err, WIRE_TYPE_ERROR, "id: expected an unsigned 32-bit integer");
        json_decref(j);
    }
    j = J("4294967295.0");
    assert_int_equal(wire_to_uint32(j, &u, &err), 0);
    assert_true(u == UINT32_MAX);
    json_decref(j);

    ua_ByteString cp;
    j = J("5");
    assert_int_equal(wire_to_continuation_point(j, &cp, &err), -1);
    assert_wire_error(err, WIRE_TYPE_ERROR, "continuation point");
    json_decref(j);
    j = J("null");
    assert_int_equal(wire_to_continuation_point(j, &cp, &err), 0);
    assert_null(cp.data);
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nodeid_forms),
        cmocka_unit_test(test_nodeid_defaults),
        cmocka_unit_test(test_nodeid_errors),
        cmocka_unit_test(test_error_names_the_parameter),
        cmocka_unit_test(test_qualified_name),
        cmocka_unit_test(test_localized_text),
        cmocka_unit_test(test_extension_object),
        cmocka_unit_test(test_diagnostic_info),
        cmocka_unit_test(test_variant_round_trips),
        cmocka_unit_test(test_variant_conversions),
        cmocka_unit_test(test_variant_errors),
        cmocka_unit_test(test_data_value),
        cmocka_unit_test(test_small_scalars),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
