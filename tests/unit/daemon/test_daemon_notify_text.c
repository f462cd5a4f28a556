/* DataChange lines rendered straight to text must be the bytes the jansson
 * path writes: ipc_json_dump(wire_from_data_value(dv)) for every kind of
 * value, and the whole line as daemon_publish_lines.c builds it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "daemon_notify_text.h"
#include "ipc_json.h"
#include "ua_statuscodes.h"
#include "ua_text.h"
#include "wire.h"

/* 2026-11-23T06:45:21Z and a tick later in the same second. */
#define T0 (UA_DATETIME_UNIX_EPOCH + INT64_C(1795329921) * UA_DATETIME_SEC)

static void expect_same(const ua_DataValue *dv, dntext_cache *c)
{
    bbuf want, got;
    bbuf_init(&want, 1 << 20);
    bbuf_init(&got, 1 << 20);
    json_t *j = wire_from_data_value(dv);
    assert_non_null(j);
    int rc = ipc_json_dump(j, &want);
    json_decref(j);
    assert_int_equal(dntext_data_value(dv, c, &got), rc);
    assert_int_equal(got.len, want.len);
    if (want.len)
        assert_memory_equal(got.data, want.data, want.len);
    bbuf_clear(&want);
    bbuf_clear(&got);
}

static void scalar(unsigned kind, const void *value, ua_DateTime src, ua_DateTime srv,
                   dntext_cache *c)
{
    ua_DataValue dv = {0};
    assert_int_equal(ua_variant_set_scalar_copy(&dv.value, value, UA_BUILTIN(kind)),
                     UA_STATUS_GOOD);
    dv.source_timestamp = src;
    dv.server_timestamp = srv;
    dv.status = 0x80340000u;
    expect_same(&dv, c);
    ua_clear(&dv, UA_BUILTIN(UA_KIND_DATAVALUE));
}

static void test_ntext_integers(void **state)
{
    (void)state;
    dntext_cache c = {0};
    const ua_Boolean b[] = {true, false};
    const ua_SByte sb[] = {0, -128, 127};
    const ua_Byte by[] = {0, 255};
    const ua_Int16 i16[] = {INT16_MIN, -1, 0, INT16_MAX};
    const ua_UInt16 u16[] = {0, UINT16_MAX};
    const ua_Int32 i32[] = {INT32_MIN, -42, 0, 7, INT32_MAX};
    const ua_UInt32 u32[] = {0, 10, UINT32_MAX};
    const ua_Int64 i64[] = {INT64_MIN, -1, 0, 1000000007, INT64_MAX};
    const ua_UInt64 u64[] = {0, (ua_UInt64)INT64_MAX, (ua_UInt64)INT64_MAX + 1, UINT64_MAX};
    for (size_t i = 0; i < 2; i++)
        scalar(UA_KIND_BOOLEAN, &b[i], T0, T0, &c);
    for (size_t i = 0; i < 3; i++)
        scalar(UA_KIND_SBYTE, &sb[i], T0, 0, &c);
    for (size_t i = 0; i < 2; i++)
        scalar(UA_KIND_BYTE, &by[i], 0, T0, &c);
    for (size_t i = 0; i < 4; i++)
        scalar(UA_KIND_INT16, &i16[i], T0, T0 + 1, &c);
    for (size_t i = 0; i < 2; i++)
        scalar(UA_KIND_UINT16, &u16[i], T0, T0, &c);
    for (size_t i = 0; i < 5; i++)
        scalar(UA_KIND_INT32, &i32[i], T0 + UA_DATETIME_SEC, T0, &c);
    for (size_t i = 0; i < 3; i++) {
        scalar(UA_KIND_UINT32, &u32[i], T0, T0, &c);
        scalar(UA_KIND_STATUSCODE, &u32[i], T0, T0, &c);
    }
    for (size_t i = 0; i < 5; i++)
        scalar(UA_KIND_INT64, &i64[i], -5, T0, &c);
    for (size_t i = 0; i < 4; i++)
        scalar(UA_KIND_UINT64, &u64[i], T0, T0, &c);
}

static void test_ntext_reals_and_times(void **state)
{
    (void)state;
    dntext_cache c = {0};
    const ua_Double d[] = {0.0, -0.0,     0.1,       1.5,   -2.25e-7, 1e21, 123456789012345678.0,
                           NAN, INFINITY, -INFINITY, 5e-324};
    const ua_Float f[] = {0.1f, -3.5f, 1e30f, NAN};
    for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++)
        scalar(UA_KIND_DOUBLE, &d[i], T0, T0, &c);
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        scalar(UA_KIND_FLOAT, &f[i], T0, T0, &c);
    const ua_DateTime t[] = {0, -1, 1, T0, T0 + 9999999, INT64_MAX};
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        scalar(UA_KIND_DATETIME, &t[i], t[i], T0, &c);
        scalar(UA_KIND_DATETIME, &t[i], T0, t[i], &c);
    }
}

/* Types the renderer hands to jansson must come out the same too. */
static void test_ntext_other_values(void **state)
{
    (void)state;
    dntext_cache c = {0};
    ua_DataValue empty = {0};
    expect_same(&empty, &c);
    empty.status = 0x800A0000u;
    empty.source_timestamp = T0;
    expect_same(&empty, &c);

    ua_String s = ua_string_borrow("a/b \"q\" \xc3\xa9\n");
    scalar(UA_KIND_STRING, &s, T0, T0, &c);
    ua_String bad = ua_string_borrow("\xff");
    scalar(UA_KIND_STRING, &bad, T0, T0, &c); /* both refuse it */
    ua_NodeId id = ua_nodeid_numeric(2, 5001);
    scalar(UA_KIND_NODEID, &id, T0, T0, &c);

    ua_DataValue dv = {0};
    const ua_Int32 arr[] = {1, -2, 3};
    assert_int_equal(ua_variant_set_array_copy(&dv.value, arr, 3, UA_BUILTIN(UA_KIND_INT32)),
                     UA_STATUS_GOOD);
    dv.source_timestamp = T0;
    expect_same(&dv, &c);
    ua_clear(&dv, UA_BUILTIN(UA_KIND_DATAVALUE));

    /* A typed variant without data: value null, type kept. */
    ua_DataValue nodata = {0};
    nodata.value.type = UA_BUILTIN(UA_KIND_DOUBLE);
    expect_same(&nodata, &c);
}

/* The whole line: the common fields, then the item's, as the jansson path
 * of daemon_publish_lines.c puts them together. */
static void test_ntext_line(void **state)
{
    (void)state;
    json_t *common = json_object();
    json_object_set_new(common, "type", json_string("DataChange"));
    json_object_set_new(common, "sessionId", json_string("0123456789abcdef0123456789abcdef"));
    json_object_set_new(common, "name", json_string("pl\xc3\xa4nt/1"));
    json_object_set_new(common, "endpointUrl", json_string("opc.tcp://127.0.0.1:4840/UA"));
    json_object_set_new(common, "subscriptionId", json_integer(872039));
    json_object_set_new(common, "sequenceNumber", json_integer(13));
    json_object_set_new(common, "publishTime", wire_from_datetime(T0));
    bbuf prefix;
    bbuf_init(&prefix, 4096);
    assert_int_equal(ipc_json_dump(common, &prefix), 0);
    prefix.len--; /* "}" */

    ua_MonitoredItemNotification n = {0};
    n.clientHandle = 601;
    ua_UInt32 v = 16;
    assert_int_equal(ua_variant_set_scalar_copy(&n.value.value, &v, UA_BUILTIN(UA_KIND_UINT32)),
                     UA_STATUS_GOOD);
    n.value.source_timestamp = n.value.server_timestamp = T0;
    for (int republished = 0; republished < 2; republished++) {
        json_t *o = json_deep_copy(common);
        json_object_set_new(o, "clientHandle", json_integer(n.clientHandle));
        json_object_set_new(o, "dataValue", wire_from_data_value(&n.value));
        if (republished)
            json_object_set_new(o, "republished", json_true());
        bbuf want, got;
        bbuf_init(&want, 4096);
        bbuf_init(&got, 4096);
        assert_int_equal(ipc_json_dump(o, &want), 0);
        assert_int_equal(bbuf_append(&want, "\n", 1), 0);
        dntext_cache c = {0};
        assert_int_equal(dntext_data_change_line((const char *)prefix.data, prefix.len, &n,
                                                 republished, &c, &got),
                         0);
        assert_int_equal(got.len, want.len);
        assert_memory_equal(got.data, want.data, want.len);
        bbuf_clear(&want);
        bbuf_clear(&got);
        json_decref(o);
    }
    ua_clear(&n.value, UA_BUILTIN(UA_KIND_DATAVALUE));
    bbuf_clear(&prefix);
    json_decref(common);
}

/* The fields that change per Publish response, as jansson writes them. */
static void test_ntext_message_fields(void **state)
{
    (void)state;
    const ua_DateTime times[] = {0, -3, T0, T0 + 5};
    const uint32_t ids[] = {0, 1, 872039, UINT32_MAX};
    dntext_cache c = {0};
    for (size_t i = 0; i < 4; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "x", json_true());
        json_object_set_new(o, "subscriptionId", json_integer(ids[i]));
        json_object_set_new(o, "sequenceNumber", json_integer(ids[3 - i]));
        json_object_set_new(o, "publishTime", wire_from_datetime(times[i]));
        bbuf want, got;
        bbuf_init(&want, 4096);
        bbuf_init(&got, 4096);
        assert_int_equal(ipc_json_dump(o, &want), 0);
        assert_int_equal(bbuf_append(&got, "{\"x\":true", 9), 0);
        assert_int_equal(dntext_message_fields(ids[i], ids[3 - i], times[i], &c, &got), 0);
        assert_int_equal(bbuf_append(&got, "}", 1), 0);
        assert_int_equal(got.len, want.len);
        assert_memory_equal(got.data, want.data, want.len);
        bbuf_clear(&want);
        bbuf_clear(&got);
        json_decref(o);
    }
}

/* A line that does not fit leaves the buffer as it was. */
static void test_ntext_line_too_big(void **state)
{
    (void)state;
    bbuf out;
    bbuf_init(&out, 40);
    assert_int_equal(bbuf_append(&out, "x\n", 2), 0);
    ua_MonitoredItemNotification n = {0};
    dntext_cache c = {0};
    assert_int_equal(dntext_data_change_line("{\"type\":\"DataChange\"", 20, &n, false, &c, &out),
                     BBUF_ETOOBIG);
    assert_int_equal(out.len, 2);
    bbuf_clear(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ntext_integers),       cmocka_unit_test(test_ntext_reals_and_times),
        cmocka_unit_test(test_ntext_other_values),   cmocka_unit_test(test_ntext_line),
        cmocka_unit_test(test_ntext_message_fields), cmocka_unit_test(test_ntext_line_too_big),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
