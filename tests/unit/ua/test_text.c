/* Unit tests of the text forms of built-in values (src/ua/types/ua_text.c):
 * NodeId / ExpandedNodeId strings (Part 6 (1.05) 5.3.1.10-11), Guids, and
 * DateTime conversions to Unix time and ISO 8601. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ua_statuscodes.h"
#include "ua_text.h"

/* ---- helpers ---------------------------------------------------------- */

static ua_status parse_nodeid(ua_NodeId *out, const char *s)
{
    return ua_nodeid_parse(out, s, strlen(s));
}

static ua_status parse_expnodeid(ua_ExpandedNodeId *out, const char *s)
{
    return ua_expnodeid_parse(out, s, strlen(s));
}

/* Parses text, prints it back and expects `printed`. */
static void assert_nodeid_round_trip(const char *text, const char *printed)
{
    ua_NodeId id;
    assert_int_equal(parse_nodeid(&id, text), UA_STATUS_GOOD);
    char *s = ua_nodeid_to_cstr(&id);
    assert_non_null(s);
    assert_string_equal(s, printed);
    /* The printed form parses to the same NodeId. */
    ua_NodeId again;
    assert_int_equal(parse_nodeid(&again, s), UA_STATUS_GOOD);
    assert_true(ua_nodeid_equal(&id, &again));
    free(s);
    ua_clear(&again, UA_BUILTIN(UA_KIND_NODEID));
    ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
}

static void assert_expnodeid_round_trip(const char *text, const char *printed)
{
    ua_ExpandedNodeId id;
    assert_int_equal(parse_expnodeid(&id, text), UA_STATUS_GOOD);
    char *s = ua_expnodeid_to_cstr(&id);
    assert_non_null(s);
    assert_string_equal(s, printed);
    ua_ExpandedNodeId again;
    assert_int_equal(parse_expnodeid(&again, s), UA_STATUS_GOOD);
    assert_true(ua_nodeid_equal(&id.node_id, &again.node_id));
    assert_true(ua_string_equal(&id.namespace_uri, &again.namespace_uri));
    assert_int_equal(id.server_index, again.server_index);
    free(s);
    ua_clear(&again, UA_BUILTIN(UA_KIND_EXPANDEDNODEID));
    ua_clear(&id, UA_BUILTIN(UA_KIND_EXPANDEDNODEID));
}

static void assert_nodeid_rejected(const char *text)
{
    ua_NodeId id;
    memset(&id, 0xA5, sizeof(id));
    ua_status st = parse_nodeid(&id, text);
    if (st != UA_STATUS_BADNODEIDINVALID)
        fail_msg("\"%s\": expected BadNodeIdInvalid, got %s", text, ua_status_name(st));
    /* A rejected parse leaves a value that is safe to clear. */
    ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
}

static void assert_expnodeid_rejected(const char *text)
{
    ua_ExpandedNodeId id;
    memset(&id, 0xA5, sizeof(id));
    ua_status st = parse_expnodeid(&id, text);
    if (st != UA_STATUS_BADNODEIDINVALID)
        fail_msg("\"%s\": expected BadNodeIdInvalid, got %s", text, ua_status_name(st));
    ua_clear(&id, UA_BUILTIN(UA_KIND_EXPANDEDNODEID));
}

/* 72962b91-fa75-4ae6-8d28-b404dc7daf63 as its fields. */
static const ua_Guid sample_guid = {
    0x72962B91u, 0xFA75u, 0x4AE6u, {0x8D, 0x28, 0xB4, 0x04, 0xDC, 0x7D, 0xAF, 0x63}};

/* ---- NodeId ------------------------------------------------------------ */

static void test_text_nodeid_numeric_ns0(void **state)
{
    (void)state;
    ua_NodeId id;
    assert_int_equal(parse_nodeid(&id, "i=85"), UA_STATUS_GOOD);
    assert_int_equal(id.ns, 0);
    assert_int_equal(id.id_type, UA_NODEID_NUMERIC);
    assert_int_equal(id.id.numeric, 85);
    ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
    assert_nodeid_round_trip("i=85", "i=85");
    /* ns=0 is accepted on input but not written back. */
    assert_nodeid_round_trip("ns=0;i=85", "i=85");
}

static void test_text_nodeid_numeric_with_namespace(void **state)
{
    (void)state;
    ua_NodeId id;
    assert_int_equal(parse_nodeid(&id, "ns=1;i=5"), UA_STATUS_GOOD);
    assert_int_equal(id.ns, 1);
    assert_int_equal(id.id_type, UA_NODEID_NUMERIC);
    assert_int_equal(id.id.numeric, 5);
    ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
    assert_nodeid_round_trip("ns=1;i=5", "ns=1;i=5");
}

static void test_text_nodeid_numeric_extremes(void **state)
{
    (void)state;
    ua_NodeId id;
    assert_int_equal(parse_nodeid(&id, "ns=65535;i=4294967295"), UA_STATUS_GOOD);
    assert_int_equal(id.ns, 65535);
    assert_int_equal(id.id.numeric, UINT32_MAX);
    ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
    assert_nodeid_round_trip("ns=65535;i=4294967295", "ns=65535;i=4294967295");
    assert_nodeid_round_trip("i=0", "i=0");
}

static void test_text_nodeid_string(void **state)
{
    (void)state;
    ua_NodeId id;
    assert_int_equal(parse_nodeid(&id, "ns=1;s=Scalar.Int32"), UA_STATUS_GOOD);
    assert_int_equal(id.ns, 1);
    assert_int_equal(id.id_type, UA_NODEID_STRING);
    assert_true(ua_string_equal_cstr(&id.id.string, "Scalar.Int32"));
    ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
    assert_nodeid_round_trip("ns=1;s=Scalar.Int32", "ns=1;s=Scalar.Int32");
}

static void test_text_nodeid_string_keeps_everything_after_s(void **state)
{
    (void)state;
    ua_NodeId id;
    assert_int_equal(parse_nodeid(&id, "s=with;semi=colons"), UA_STATUS_GOOD);
    assert_int_equal(id.ns, 0);
    assert_int_equal(id.id_type, UA_NODEID_STRING);
    assert_true(ua_string_equal_cstr(&id.id.string, "with;semi=colons"));
    ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
    assert_nodeid_round_trip("s=with;semi=colons", "s=with;semi=colons");
    assert_nodeid_round_trip("ns=2;s=ns=3;i=4", "ns=2;s=ns=3;i=4");
}

static void test_text_nodeid_guid(void **state)
{
    (void)state;
    ua_NodeId id;
    assert_int_equal(parse_nodeid(&id, "g=72962b91-fa75-4ae6-8d28-b404dc7daf63"), UA_STATUS_GOOD);
    assert_int_equal(id.id_type, UA_NODEID_GUID);
    assert_true(ua_guid_equal(&id.id.guid, &sample_guid));
    ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
    assert_nodeid_round_trip("g=72962b91-fa75-4ae6-8d28-b404dc7daf63",
                             "g=72962b91-fa75-4ae6-8d28-b404dc7daf63");
}

static void test_text_nodeid_guid_uppercase_prints_lowercase(void **state)
{
    (void)state;
    ua_NodeId id;
    assert_int_equal(parse_nodeid(&id, "ns=4;g=72962B91-FA75-4AE6-8D28-B404DC7DAF63"),
                     UA_STATUS_GOOD);
    assert_int_equal(id.ns, 4);
    assert_true(ua_guid_equal(&id.id.guid, &sample_guid));
    ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
    assert_nodeid_round_trip("ns=4;g=72962B91-FA75-4AE6-8D28-B404DC7DAF63",
                             "ns=4;g=72962b91-fa75-4ae6-8d28-b404dc7daf63");
}

static void test_text_nodeid_bytestring(void **state)
{
    (void)state;
    static const uint8_t deadbeef[] = {0xDE, 0xAD, 0xBE, 0xEF};
    ua_NodeId id;
    assert_int_equal(parse_nodeid(&id, "b=3q2+7w=="), UA_STATUS_GOOD);
    assert_int_equal(id.id_type, UA_NODEID_BYTESTRING);
    assert_int_equal(id.id.opaque.length, 4);
    assert_memory_equal(id.id.opaque.data, deadbeef, 4);
    ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
    assert_nodeid_round_trip("b=3q2+7w==", "b=3q2+7w==");
    assert_nodeid_round_trip("ns=7;b=3q2+7w==", "ns=7;b=3q2+7w==");
}

static void test_text_nodeid_rejects_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "i=",
        "i=abc",
        "i=4294967296",
        "i=-1",
        "i=12345678901",
        "ns=65536;i=1",
        "ns=1",
        "ns=;i=1",
        "ns=x;i=1",
        "x=1",
        "i",
        "85",
        "g=not-a-guid",
        "g=72962b91-fa75-4ae6-8d28-b404dc7daf6",
        "g=72962b91-fa75-4ae6-8d28-b404dc7daf6z",
        "g=72962b91+fa75-4ae6-8d28-b404dc7daf63",
        "b=***",
        "b=3q2+7w=",
        "nsu=urn:x;i=1",
        "ns=1;nsu=urn:x;i=1",
        "svr=1;i=1",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_nodeid_rejected(bad[i]);
}

static void test_text_nodeid_parse_respects_length(void **state)
{
    (void)state;
    /* Only s[0..len) is looked at: "i=123" cut to "i=12". */
    ua_NodeId id;
    assert_int_equal(ua_nodeid_parse(&id, "i=123", 4), UA_STATUS_GOOD);
    assert_int_equal(id.id.numeric, 12);
    ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
    assert_int_equal(ua_nodeid_parse(&id, "s=abcdef", 5), UA_STATUS_GOOD);
    assert_true(ua_string_equal_cstr(&id.id.string, "abc"));
    ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
}

/* ---- ExpandedNodeId ------------------------------------------------------ */

static void test_text_expnodeid_namespace_uri(void **state)
{
    (void)state;
    ua_ExpandedNodeId id;
    assert_int_equal(parse_expnodeid(&id, "nsu=urn:opcua-sm:test;s=Scalar"), UA_STATUS_GOOD);
    assert_true(ua_string_equal_cstr(&id.namespace_uri, "urn:opcua-sm:test"));
    assert_int_equal(id.server_index, 0);
    assert_int_equal(id.node_id.ns, 0);
    assert_int_equal(id.node_id.id_type, UA_NODEID_STRING);
    assert_true(ua_string_equal_cstr(&id.node_id.id.string, "Scalar"));
    ua_clear(&id, UA_BUILTIN(UA_KIND_EXPANDEDNODEID));
    assert_expnodeid_round_trip("nsu=urn:opcua-sm:test;s=Scalar", "nsu=urn:opcua-sm:test;s=Scalar");
}

static void test_text_expnodeid_server_index(void **state)
{
    (void)state;
    ua_ExpandedNodeId id;
    assert_int_equal(parse_expnodeid(&id, "svr=2;ns=3;i=7"), UA_STATUS_GOOD);
    assert_int_equal(id.server_index, 2);
    assert_null(id.namespace_uri.data);
    assert_int_equal(id.node_id.ns, 3);
    assert_int_equal(id.node_id.id_type, UA_NODEID_NUMERIC);
    assert_int_equal(id.node_id.id.numeric, 7);
    ua_clear(&id, UA_BUILTIN(UA_KIND_EXPANDEDNODEID));
    assert_expnodeid_round_trip("svr=2;ns=3;i=7", "svr=2;ns=3;i=7");
    /* A plain NodeId is a valid ExpandedNodeId. */
    assert_expnodeid_round_trip("ns=3;i=7", "ns=3;i=7");
    assert_expnodeid_round_trip("i=85", "i=85");
}

static void test_text_expnodeid_unescapes_uri(void **state)
{
    (void)state;
    ua_ExpandedNodeId id;
    assert_int_equal(parse_expnodeid(&id, "svr=1;nsu=urn:a%3Bb;i=1"), UA_STATUS_GOOD);
    assert_int_equal(id.server_index, 1);
    assert_true(ua_string_equal_cstr(&id.namespace_uri, "urn:a;b"));
    assert_int_equal(id.node_id.id.numeric, 1);
    ua_clear(&id, UA_BUILTIN(UA_KIND_EXPANDEDNODEID));
    assert_expnodeid_round_trip("svr=1;nsu=urn:a%3Bb;i=1", "svr=1;nsu=urn:a%3Bb;i=1");
    /* Lowercase escapes are accepted and printed uppercase; '%' is escaped too. */
    assert_expnodeid_round_trip("nsu=urn:a%3bb%25c;i=1", "nsu=urn:a%3Bb%25c;i=1");
}

static void test_text_expnodeid_guid_and_bytestring(void **state)
{
    (void)state;
    assert_expnodeid_round_trip("nsu=urn:x;g=72962B91-FA75-4AE6-8D28-B404DC7DAF63",
                                "nsu=urn:x;g=72962b91-fa75-4ae6-8d28-b404dc7daf63");
    assert_expnodeid_round_trip("svr=9;nsu=urn:x;b=3q2+7w==", "svr=9;nsu=urn:x;b=3q2+7w==");
}

static void test_text_expnodeid_rejects_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "nsu=urn:x",
        "nsu=urn:x;",
        "nsu=urn:x;ns=1;i=1",
        "nsu=urn:a%3;i=1",
        "nsu=urn:a%zz;i=1",
        "svr=;i=1",
        "svr=x;i=1",
        "svr=4294967296;i=1",
        "svr=1",
        "ns=1;nsu=urn:x;i=1",
        "nsu=urn:x;svr=1;i=1",
        "svr=1;i=abc",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_expnodeid_rejected(bad[i]);
}

/* ---- Guid ---------------------------------------------------------------- */

static void test_text_guid_parse_and_print(void **state)
{
    (void)state;
    static const char text[] = "72962b91-fa75-4ae6-8d28-b404dc7daf63";
    ua_Guid g;
    assert_int_equal(ua_guid_parse(&g, text, strlen(text)), 0);
    assert_int_equal(g.data1, 0x72962B91u);
    assert_int_equal(g.data2, 0xFA75u);
    assert_int_equal(g.data3, 0x4AE6u);
    static const uint8_t data4[8] = {0x8D, 0x28, 0xB4, 0x04, 0xDC, 0x7D, 0xAF, 0x63};
    assert_memory_equal(g.data4, data4, 8);
    char buf[37];
    ua_guid_print(&g, buf);
    assert_string_equal(buf, text);

    static const char upper[] = "72962B91-FA75-4AE6-8D28-B404DC7DAF63";
    ua_Guid u;
    assert_int_equal(ua_guid_parse(&u, upper, strlen(upper)), 0);
    assert_true(ua_guid_equal(&u, &g));
    ua_guid_print(&u, buf);
    assert_string_equal(buf, text);

    ua_Guid zero = {0};
    ua_guid_print(&zero, buf);
    assert_string_equal(buf, "00000000-0000-0000-0000-000000000000");
    ua_Guid ones;
    memset(&ones, 0xFF, sizeof(ones));
    ua_guid_print(&ones, buf);
    assert_string_equal(buf, "ffffffff-ffff-ffff-ffff-ffffffffffff");
}

static void test_text_guid_rejects_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "72962b91-fa75-4ae6-8d28-b404dc7daf6",
        "72962b91-fa75-4ae6-8d28-b404dc7daf633",
        "72962b91fa75-4ae6-8d28-b404dc7daf63-",
        "72962b91-fa75-4ae6-8d28_b404dc7daf63",
        "72962b91-fa75-4ae6-8d28-b404dc7daf6g",
        "{2962b91-fa75-4ae6-8d28-b404dc7daf6}",
        "72962b91-fa75-4ae6-8d2-8b404dc7daf63",
        " 2962b91-fa75-4ae6-8d28-b404dc7daf63",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ua_Guid g;
        if (ua_guid_parse(&g, bad[i], strlen(bad[i])) != -1)
            fail_msg("guid \"%s\" was accepted", bad[i]);
    }
}

/* ---- DateTime ------------------------------------------------------------ */

/* 2024-01-02T03:04:05.678Z in 100 ns ticks since 1601. */
#define T_2024_01_02_030405_678 INT64_C(133486382456780000)

static void test_text_datetime_unix_epoch(void **state)
{
    (void)state;
    assert_int_equal(ua_datetime_from_unix_us(0), INT64_C(116444736000000000));
    assert_int_equal(ua_datetime_from_unix_us(0), UA_DATETIME_UNIX_EPOCH);
    assert_int_equal(ua_datetime_to_unix_us(UA_DATETIME_UNIX_EPOCH), 0);
    assert_int_equal(ua_datetime_from_unix_us(1), UA_DATETIME_UNIX_EPOCH + 10);
    assert_int_equal(ua_datetime_from_unix_us(INT64_C(1704164645678000)), T_2024_01_02_030405_678);
    assert_true(ua_datetime_to_unix_seconds(UA_DATETIME_UNIX_EPOCH + 15000000) == 1.5);
}

static void test_text_datetime_unix_round_trip_including_negative(void **state)
{
    (void)state;
    static const int64_t us[] = {
        0,
        1,
        -1,
        999999,
        -999999,
        INT64_C(1704164645678000),
        -INT64_C(1234567890123),
        -INT64_C(11644473600000000), /* 1601-01-01: DateTime 0 */
        -INT64_C(11644473600000001), /* before 1601: negative DateTime */
        INT64_C(253402300799999999), /* 9999-12-31T23:59:59.999999Z */
    };
    for (size_t i = 0; i < sizeof(us) / sizeof(us[0]); i++) {
        ua_DateTime t = ua_datetime_from_unix_us(us[i]);
        assert_int_equal(ua_datetime_to_unix_us(t), us[i]);
    }
    assert_int_equal(ua_datetime_from_unix_us(-INT64_C(11644473600000000)), 0);
    assert_true(ua_datetime_from_unix_us(-INT64_C(11644473600000001)) < 0);
}

static void test_text_datetime_to_unix_us_rounds_down(void **state)
{
    (void)state;
    /* Sub-microsecond ticks are floored, also before 1970. */
    assert_int_equal(ua_datetime_to_unix_us(UA_DATETIME_UNIX_EPOCH + 15), 1);
    assert_int_equal(ua_datetime_to_unix_us(UA_DATETIME_UNIX_EPOCH + 9), 0);
    assert_int_equal(ua_datetime_to_unix_us(UA_DATETIME_UNIX_EPOCH - 1), -1);
    assert_int_equal(ua_datetime_to_unix_us(UA_DATETIME_UNIX_EPOCH - 10), -1);
    assert_int_equal(ua_datetime_to_unix_us(UA_DATETIME_UNIX_EPOCH - 15), -2);
    assert_int_equal(ua_datetime_to_unix_us(0), -INT64_C(11644473600000000));
}

static void test_text_datetime_to_unix_us_extremes(void **state)
{
    (void)state;
    /* Any Int64 can arrive from the wire; no overflow at the extremes. */
    assert_int_equal(ua_datetime_to_unix_us(INT64_MAX),
                     INT64_C(922337203685477580) - INT64_C(11644473600000000));
    assert_int_equal(ua_datetime_to_unix_us(INT64_MIN),
                     -INT64_C(922337203685477581) - INT64_C(11644473600000000));
    assert_true(ua_datetime_to_unix_seconds(INT64_MIN) < -9.3e11);
    assert_true(ua_datetime_to_unix_seconds(INT64_MAX) > 9.1e11);
    assert_true(ua_datetime_to_unix_seconds(UA_DATETIME_UNIX_EPOCH - 5000000) == -0.5);
    assert_true(ua_datetime_to_unix_seconds(-5000000) == -11644473600.5);
}

static void test_text_datetime_print_iso(void **state)
{
    (void)state;
    char buf[40];
    int n = ua_datetime_print_iso(T_2024_01_02_030405_678, 3, buf, sizeof(buf));
    assert_int_equal(n, 24);
    assert_string_equal(buf, "2024-01-02T03:04:05.678Z");
    n = ua_datetime_print_iso(T_2024_01_02_030405_678, 7, buf, sizeof(buf));
    assert_int_equal(n, 28);
    assert_string_equal(buf, "2024-01-02T03:04:05.6780000Z");
    n = ua_datetime_print_iso(T_2024_01_02_030405_678, 0, buf, sizeof(buf));
    assert_int_equal(n, 20);
    assert_string_equal(buf, "2024-01-02T03:04:05Z");
    n = ua_datetime_print_iso(T_2024_01_02_030405_678 + 1234, 7, buf, sizeof(buf));
    assert_string_equal(buf, "2024-01-02T03:04:05.6781234Z");
    ua_datetime_print_iso(UA_DATETIME_UNIX_EPOCH, 3, buf, sizeof(buf));
    assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
    ua_datetime_print_iso(0, 0, buf, sizeof(buf));
    assert_string_equal(buf, "1601-01-01T00:00:00Z");
}

static void test_text_datetime_print_iso_before_1970(void **state)
{
    (void)state;
    char buf[40];
    /* 0.1 s before the Unix epoch: the fraction counts up from the second. */
    ua_datetime_print_iso(UA_DATETIME_UNIX_EPOCH - 1000000, 3, buf, sizeof(buf));
    assert_string_equal(buf, "1969-12-31T23:59:59.900Z");
    ua_datetime_print_iso(UA_DATETIME_UNIX_EPOCH - 1, 7, buf, sizeof(buf));
    assert_string_equal(buf, "1969-12-31T23:59:59.9999999Z");
}

static void test_text_datetime_print_iso_out_of_range(void **state)
{
    (void)state;
    char buf[40];
    assert_int_equal(ua_datetime_print_iso(INT64_MAX, 3, buf, sizeof(buf)), -1);
    assert_int_equal(ua_datetime_print_iso(INT64_MIN, 3, buf, sizeof(buf)), -1);
    /* Too small a buffer is an error, never an overflow. */
    assert_int_equal(ua_datetime_print_iso(T_2024_01_02_030405_678, 3, buf, 10), -1);
    assert_int_equal(ua_datetime_print_iso(T_2024_01_02_030405_678, 3, buf, 24), -1);
    assert_int_equal(ua_datetime_print_iso(T_2024_01_02_030405_678, 3, buf, 25), 24);
}

static void assert_iso_parses(const char *text, ua_DateTime expected)
{
    ua_DateTime t = 0;
    if (ua_datetime_parse_iso(text, strlen(text), &t) != 0)
        fail_msg("\"%s\" was rejected", text);
    if (t != expected)
        fail_msg("\"%s\": got %lld, expected %lld", text, (long long)t, (long long)expected);
}

static void test_text_datetime_parse_iso(void **state)
{
    (void)state;
    assert_iso_parses("2024-01-02T03:04:05.678Z", T_2024_01_02_030405_678);
    assert_iso_parses("2024-01-02T03:04:05+02:00", INT64_C(133486310450000000));
    assert_iso_parses("2024-01-02T03:04:05+0200", INT64_C(133486310450000000));
    assert_iso_parses("2024-01-02T03:04:05-05:30", INT64_C(133486580450000000));
    assert_iso_parses("2024-01-02 03:04", INT64_C(133486382400000000));
    assert_iso_parses("2024-01-02", INT64_C(133486272000000000));
    assert_iso_parses("2024-02-29T00:00:00Z", INT64_C(133536384000000000));
    assert_iso_parses("2000-02-29T12:00:00Z", INT64_C(125962992000000000));
    assert_iso_parses("2024-01-02T03:04:05.6781234Z", T_2024_01_02_030405_678 + 1234);
    /* Digits beyond 100 ns are dropped, not rounded. */
    assert_iso_parses("2024-01-02T03:04:05.678123499Z", T_2024_01_02_030405_678 + 1234);
    assert_iso_parses("2024-01-02T24:00:00Z", INT64_C(133487136000000000));
    assert_iso_parses("1970-01-01T00:00:00Z", UA_DATETIME_UNIX_EPOCH);
    assert_iso_parses("1601-01-01T00:00:00Z", 0);
}

static void test_text_datetime_parse_print_round_trip(void **state)
{
    (void)state;
    char buf[40];
    ua_DateTime t = T_2024_01_02_030405_678 + 1234;
    int n = ua_datetime_print_iso(t, 7, buf, sizeof(buf));
    assert_true(n > 0);
    ua_DateTime back = 0;
    assert_int_equal(ua_datetime_parse_iso(buf, (size_t)n, &back), 0);
    assert_int_equal(back, t);
}

static void test_text_datetime_parse_iso_rejects(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "2023-02-29",
        "2100-02-29",
        "2024-13-01",
        "2024-00-10",
        "2024-01-32",
        "2024-04-31",
        "2024-01-02T25:00:00Z",
        "2024-01-02T03:60:00Z",
        "2024-01-02T24:00:01Z",
        "2024-01-02T03:04:05.Z",
        "2024-01-02T03:04:05+2:00",
        "2024-01-02T03:04:05+24:00",
        "2024-01-02T03:04:05Zjunk",
        "2024-01-02T03",
        "2024-01-02T",
        "2024-01-02X03:04",
        "2024-1-02",
        "0000-01-01",
        "garbage",
        "",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ua_DateTime t = 0;
        if (ua_datetime_parse_iso(bad[i], strlen(bad[i]), &t) != -1)
            fail_msg("\"%s\" was accepted", bad[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_nodeid_numeric_ns0),
        cmocka_unit_test(test_text_nodeid_numeric_with_namespace),
        cmocka_unit_test(test_text_nodeid_numeric_extremes),
        cmocka_unit_test(test_text_nodeid_string),
        cmocka_unit_test(test_text_nodeid_string_keeps_everything_after_s),
        cmocka_unit_test(test_text_nodeid_guid),
        cmocka_unit_test(test_text_nodeid_guid_uppercase_prints_lowercase),
        cmocka_unit_test(test_text_nodeid_bytestring),
        cmocka_unit_test(test_text_nodeid_rejects_malformed),
        cmocka_unit_test(test_text_nodeid_parse_respects_length),
        cmocka_unit_test(test_text_expnodeid_namespace_uri),
        cmocka_unit_test(test_text_expnodeid_server_index),
        cmocka_unit_test(test_text_expnodeid_unescapes_uri),
        cmocka_unit_test(test_text_expnodeid_guid_and_bytestring),
        cmocka_unit_test(test_text_expnodeid_rejects_malformed),
        cmocka_unit_test(test_text_guid_parse_and_print),
        cmocka_unit_test(test_text_guid_rejects_malformed),
        cmocka_unit_test(test_text_datetime_unix_epoch),
        cmocka_unit_test(test_text_datetime_unix_round_trip_including_negative),
        cmocka_unit_test(test_text_datetime_to_unix_us_rounds_down),
        cmocka_unit_test(test_text_datetime_to_unix_us_extremes),
        cmocka_unit_test(test_text_datetime_print_iso),
        cmocka_unit_test(test_text_datetime_print_iso_before_1970),
        cmocka_unit_test(test_text_datetime_print_iso_out_of_range),
        cmocka_unit_test(test_text_datetime_parse_iso),
        cmocka_unit_test(test_text_datetime_parse_print_round_trip),
        cmocka_unit_test(test_text_datetime_parse_iso_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
