/* PHP-compatible JSON of the IPC wire (ipc-protocol.md §1.1 step 4, §1.3):
 * the writer's escaping, key order and real numbers; the reader's object
 * check, depth limit and big integers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc_json.h"

static char *dump(const json_t *v)
{
    bbuf b;
    bbuf_init(&b, 1 << 22);
    assert_int_equal(ipc_json_dump(v, &b), 0);
    assert_int_equal(bbuf_append(&b, "", 1), BBUF_OK);
    size_t n;
    return (char *)bbuf_take(&b, &n);
}

static void assert_dump(json_t *v, const char *want)
{
    assert_non_null(v);
    char *got = dump(v);
    assert_string_equal(got, want);
    free(got);
    json_decref(v);
}

static json_t *decode(const char *text)
{
    return ipc_json_decode(text, strlen(text));
}

static void test_ipc_json_real_format_matches_php(void **state)
{
    (void)state;
    /* expected: PHP 8 json_encode with serialize_precision = -1 */
    static const struct {
        double v;
        const char *php;
    } cases[] = {
        {0.1, "0.1"},
        {1e20, "1.0e+20"},
        {500.0, "500"},
        {0.30000000000000004, "0.30000000000000004"},
        {1.5, "1.5"},
        {-2.5, "-2.5"},
        {1e-5, "1.0e-5"},
        {0.0001, "0.0001"},
        {0.00012345, "0.00012345"},
        {1e16, "10000000000000000"},
        {1e17, "1.0e+17"},
        {1e21, "1.0e+21"},
        {1e23, "1.0e+23"},
        {100.0, "100"},
        {1767225600.123456, "1767225600.123456"},
        {1795391886.991798, "1795391886.991798"},
        {0.0, "0"},
        {-0.0, "-0"},
        {5e-324, "5.0e-324"},
        {1.5e-323, "1.5e-323"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {123456.789, "123456.789"},
        {1000000000000000.2, "1000000000000000.2"},
        {123456789012345678.0, "1.2345678901234568e+17"},
        {12345678901234567890.0, "1.2345678901234567e+19"},
        {1152921504606846976.0, "1.152921504606847e+18"},
        {9.5367431640625e-07, "9.5367431640625e-7"},
        {3.14159, "3.14159"},
    };
    char buf[40];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = ipc_json_format_real(cases[i].v, buf, sizeof(buf));
        assert_int_equal(n, strlen(cases[i].php));
        assert_string_equal(buf, cases[i].php);
    }
    assert_int_equal(ipc_json_format_real(NAN, buf, sizeof(buf)), 0);
    assert_int_equal(ipc_json_format_real(INFINITY, buf, sizeof(buf)), 0);
    assert_int_equal(ipc_json_format_real(1.0, buf, 8), 0);
}

static void test_ipc_json_real_round_trips(void **state)
{
    (void)state;
    /* every output reads back as the same double, for a spread of values */
    uint64_t x = 0x9E3779B97F4A7C15u;
    char buf[40];
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double d;
        memcpy(&d, &x, sizeof(d));
        if (!isfinite(d))
            continue;
        assert_true(ipc_json_format_real(d, buf, sizeof(buf)) > 0);
        assert_true(strtod(buf, NULL) == d);
    }
}

/* The significant digits of a decimal text, without sign, point,
 * exponent, leading and trailing zeros. */
static void sig_digits(const char *s, char *out)
{
    size_t n = 0;
    for (; *s && *s != 'e' && *s != 'E'; s++)
        if (*s >= '0' && *s <= '9' && (n > 0 || *s != '0'))
            out[n++] = *s;
    while (n > 1 && out[n - 1] == '0')
        n--;
    out[n] = '\0';
}

static void test_ipc_json_real_is_shortest_and_nearest(void **state)
{
    (void)state;
    /* Away from powers of two, the answer is the correctly rounded decimal
     * with the fewest digits that reads back: what printf gives at that
     * precision. Random bit patterns, time stamps and short decimals. */
    uint64_t x = 0x2545F4914F6CDD1Du;
    char buf[40], ref[48], a[24], b[24];
    for (int i = 0; i < 60000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double d;
        if (i % 3 == 0)
            memcpy(&d, &x, sizeof(d));
        else if (i % 3 == 1)
            d = 1.7e9 + (double)(x % 100000000000u) / 1e6; /* microtime(true) */
        else
            d = (double)(x % 100000) / 1000.0 * (x & 1 ? 1 : -1);
        uint64_t bits;
        memcpy(&bits, &d, sizeof(bits));
        if (!isfinite(d) || d == 0 || (bits & 0xFFFFFFFFFFFFFu) == 0)
            continue;
        assert_true(ipc_json_format_real(d, buf, sizeof(buf)) > 0);
        int p = 1;
        for (; p <= 17; p++) {
            snprintf(ref, sizeof(ref), "%.*e", p - 1, d);
            if (strtod(ref, NULL) == d)
                break;
        }
        sig_digits(buf, a);
        sig_digits(ref, b);
        if (strcmp(a, b) != 0)
            fail_msg("%.17g: wrote %s, expected the digits of %s", d, buf, ref);
    }
}

static void test_ipc_json_dump_escapes_like_php(void **state)
{
    (void)state;
    json_t *v = json_object();
    json_object_set_new(v, "url", json_string("opc.tcp://h:4840/x"));
    json_object_set_new(v, "text", json_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
    json_object_set_new(v, "f", json_real(500.0));
    json_object_set_new(v, "g", json_real(0.1));
    json_object_set_new(v, "h", json_real(1e20));
    json_object_set_new(v, "i", json_integer(-9223372036854775807LL - 1));
    json_object_set_new(v, "ctl", json_string("q\"b\\\b\f\n\r\t\x01\x1f\x7f<>&'"));
    json_object_set_new(v, "n", json_null());
    json_object_set_new(v, "t", json_true());
    json_object_set_new(v, "e", json_false());
    json_object_set_new(v, "a", json_pack("[{}[]i]", 1));
    assert_dump(v, "{\"url\":\"opc.tcp:\\/\\/h:4840\\/x\","
                   "\"text\":\"caf\\u00e9 \\u20ac \\ud83d\\ude00\","
                   "\"f\":500,\"g\":0.1,\"h\":1.0e+20,\"i\":-9223372036854775808,"
                   "\"ctl\":\"q\\\"b\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\x7f<>&'\","
                   "\"n\":null,\"t\":true,\"e\":false,\"a\":[{},[],1]}");

    /* keys keep insertion order, also when a value is replaced */
    v = json_object();
    json_object_set_new(v, "z", json_integer(1));
    json_object_set_new(v, "a", json_integer(2));
    json_object_set_new(v, "m", json_integer(3));
    json_object_set_new(v, "z", json_integer(4));
    json_object_set_new(v, "k/\xc3\xa9", json_integer(5));
    assert_dump(v, "{\"z\":4,\"a\":2,\"m\":3,\"k\\/\\u00e9\":5}");
}

static void test_ipc_json_dump_refuses_what_json_cannot_carry(void **state)
{
    (void)state;
    bbuf b;
    bbuf_init(&b, 1 << 16);
    bbuf_append(&b, "keep", 4);
    json_t *bad = json_pack("{s:[s,o]}", "x", "ok", json_stringn_nocheck("\xff\xfe", 2));
    assert_int_equal(ipc_json_dump(bad, &b), IPC_JSON_EINVAL);
    assert_int_equal(b.len, 4); /* nothing half-written */
    json_decref(bad);

    /* 512 levels are written, 513 are refused (PHP's default depth) */
    json_t *deep = json_integer(1);
    for (int i = 0; i < 512; i++) {
        json_t *a = json_array();
        json_array_append_new(a, deep);
        deep = a;
    }
    assert_int_equal(ipc_json_dump(deep, &b), 0);
    json_t *deeper = json_array();
    json_array_append_new(deeper, deep);
    b.len = 0;
    assert_int_equal(ipc_json_dump(deeper, &b), IPC_JSON_EINVAL);
    json_decref(deeper);

    /* the buffer's limit is reported as such */
    bbuf small;
    bbuf_init(&small, 8);
    json_t *s = json_string("0123456789");
    assert_int_equal(ipc_json_dump(s, &small), BBUF_ETOOBIG);
    assert_int_equal(small.len, 0);
    json_decref(s);
    bbuf_clear(&small);
    assert_int_equal(ipc_json_dump(NULL, &b), IPC_JSON_EINVAL);
    bbuf_clear(&b);
}

static void test_ipc_json_decode_objects_and_arrays_only(void **state)
{
    (void)state;
    const char *refused[] = {"",
                             "hello",
                             "42",
                             "\"ping\"",
                             "null",
                             "true",
                             "1.5",
                             "{",
                             "{\"command\":\"ping\"",
                             "{'command':'ping'}",
                             "{\"command\":\"ping\",}",
                             "\xef\xbb\xbf{\"command\":\"ping\"}",
                             "{\"a\":1} x",
                             "{\"a\":\"\\u0000\"}",
                             "{\"a\":\"\\ud800\"}",
                             "{\"a\":\"\xff\"}",
                             NULL};
    for (int i = 0; refused[i]; i++)
        assert_null(decode(refused[i]));

    json_t *v = decode("   {\"command\":\"ping\"}\r");
    assert_true(json_is_object(v));
    assert_string_equal(json_string_value(json_object_get(v, "command")), "ping");
    json_decref(v);
    v = decode("[1,2]");
    assert_true(json_is_array(v));
    json_decref(v);
    v = decode("{\"a\":1,\"b\":2,\"a\":3}"); /* last duplicate wins, first position kept */
    assert_dump(v, "{\"a\":3,\"b\":2}");
    v = decode("{\"s\":\"\\u00e9\\/\",\"x\":{}}");
    assert_string_equal(json_string_value(json_object_get(v, "s")), "\xc3\xa9/");
    json_decref(v);
}

static void test_ipc_json_decode_depth_512(void **state)
{
    (void)state;
    char buf[2 * 520 + 8];
    size_t n = 0;
    for (int i = 0; i < 512; i++)
        buf[n++] = '[';
    for (int i = 0; i < 512; i++)
        buf[n++] = ']';
    json_t *v = ipc_json_decode(buf, n);
    assert_non_null(v);
    json_decref(v);
    n = 0;
    for (int i = 0; i < 513; i++)
        buf[n++] = '[';
    for (int i = 0; i < 513; i++)
        buf[n++] = ']';
    assert_null(ipc_json_decode(buf, n));
    /* brackets inside strings do not count */
    v = decode("{\"s\":\"[[[[[[[[[[\\\"[[[[\"}");
    assert_non_null(v);
    json_decref(v);
}

static void test_ipc_json_decode_big_integers_as_reals(void **state)
{
    (void)state;
    json_t *v = decode("{\"u\":12345678901234567890,\"m\":-9223372036854775808,"
                       "\"p\":9223372036854775807,\"o\":9223372036854775808,"
                       "\"n\":-9223372036854775809,\"s\":\"12345678901234567890\","
                       "\"a\":[99999999999999999999e1,1]}");
    assert_non_null(v);
    assert_true(json_is_real(json_object_get(v, "u")));
    assert_true(json_real_value(json_object_get(v, "u")) == 12345678901234567890.0);
    assert_true(json_is_integer(json_object_get(v, "m")));
    assert_true(json_integer_value(json_object_get(v, "m")) == -9223372036854775807LL - 1);
    assert_true(json_is_integer(json_object_get(v, "p")));
    assert_true(json_is_real(json_object_get(v, "o")));
    assert_true(json_is_real(json_object_get(v, "n")));
    assert_string_equal(json_string_value(json_object_get(v, "s")), "12345678901234567890");
    assert_true(json_is_real(json_array_get(json_object_get(v, "a"), 0)));
    json_decref(v);
    assert_null(decode("{\"r\":1e999}"));
}

/* The fast path decodes the usual frames itself, exactly as jansson
 * would, and declines the rest, which then go to jansson. */
static void test_ipc_json_fast_path_agrees_with_jansson(void **state)
{
    (void)state;
    static const char *const decoded[] = {
        "{\"command\":\"ping\"}",
        " {\"command\" : \"query\", \"sessionId\":\"0123abcd\",\"method\":\"read\",\n"
        "\"params\":[{\"ns\":1,\"id\":\"Scalar.Double\",\"type\":\"string\"},13,false]} \r\n",
        "[]", "{}", "[[],{},[{}]]", "[0,-0,1,-1,123456789012345678,-123456789012345678]",
        "[0.5,-0.0,1e3,1E-3,2.5e+10,1.7976931348623157e308,4.9e-324,1e-400]",
        "[true,false,null,\"\"]",
        "[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"]",
        "[\"\\u0041\\u00e9\\u20AC\\uffff\"]",
        "{\"a\":1,\"a\":2,\"b\\/\":3}",
        "{\"url\":\"opc.tcp:\\/\\/127.0.0.1:4840\"}",
    };
    static const char *const declined[] = {
        "", " ", "1", "\"s\"", "true", "{", "[1,]", "{\"a\":}", "{\"a\" 1}", "[01]", "[1.]",
        "[.5]", "[1e]", "[+1]", "[-]", "[1] x", "[1]]", "[\"\\u0000\"]", "[\"\\ud800\\udc00\"]",
        "[\"\\x\"]", "[\"\\u12\"]", "[\"\xc3\xa9\"]", "[\"\x01\"]", "[\"abc]", "[tru]", "[nul]",
        "[1234567890123456789]", "[1e999]", "{1:2}", "[NaN]", "[\"a\"\"b\"]",
    };
    for (size_t i = 0; i < sizeof(decoded) / sizeof(*decoded); i++) {
        json_error_t err;
        json_t *fast = ipc_json_decode_fast(decoded[i], strlen(decoded[i]));
        json_t *ref = json_loadb(decoded[i], strlen(decoded[i]), 0, &err);
        if (!fast || !ref)
            fail_msg("not decoded: %s", decoded[i]);
        assert_true(json_equal(fast, ref));
        char *a = dump(fast), *b = dump(ref);
        assert_string_equal(a, b);
        free(a);
        free(b);
        json_decref(fast);
        json_decref(ref);
    }
    for (size_t i = 0; i < sizeof(declined) / sizeof(*declined); i++) {
        json_t *fast = ipc_json_decode_fast(declined[i], strlen(declined[i]));
        if (fast)
            fail_msg("decoded, should be left to jansson: %s", declined[i]);
    }
    /* a NUL inside the frame */
    assert_null(ipc_json_decode_fast("[1]\0", 4));
    /* an escaped string longer than the stack buffer, as a value and a key */
    char big[2048];
    size_t n = 0;
    n += (size_t)snprintf(big + n, sizeof(big) - n, "{\"");
    for (int i = 0; i < 300; i++)
        n += (size_t)snprintf(big + n, sizeof(big) - n, "\\/");
    n += (size_t)snprintf(big + n, sizeof(big) - n, "\":\"");
    for (int i = 0; i < 300; i++)
        n += (size_t)snprintf(big + n, sizeof(big) - n, "\\n");
    n += (size_t)snprintf(big + n, sizeof(big) - n, "\"}");
    assert_null(ipc_json_decode_fast(big, n)); /* the long key: jansson's */
    json_t *v = ipc_json_decode(big, n);
    assert_non_null(v);
    char key[301];
    memset(key, '/', 300);
    key[300] = '\0';
    assert_int_equal(json_string_length(json_object_get(v, key)), 300);
    json_decref(v);
    /* the long escaped value alone decodes on the heap */
    n = (size_t)snprintf(big, sizeof(big), "[\"");
    for (int i = 0; i < 300; i++)
        n += (size_t)snprintf(big + n, sizeof(big) - n, "\\n");
    n += (size_t)snprintf(big + n, sizeof(big) - n, "\"]");
    v = ipc_json_decode_fast(big, n);
    assert_non_null(v);
    assert_int_equal(json_string_length(json_array_get(v, 0)), 300);
    assert_int_equal(json_string_value(json_array_get(v, 0))[299], '\n');
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipc_json_real_format_matches_php),
        cmocka_unit_test(test_ipc_json_real_round_trips),
        cmocka_unit_test(test_ipc_json_real_is_shortest_and_nearest),
        cmocka_unit_test(test_ipc_json_dump_escapes_like_php),
        cmocka_unit_test(test_ipc_json_dump_refuses_what_json_cannot_carry),
        cmocka_unit_test(test_ipc_json_decode_objects_and_arrays_only),
        cmocka_unit_test(test_ipc_json_decode_depth_512),
        cmocka_unit_test(test_ipc_json_decode_big_integers_as_reals),
        cmocka_unit_test(test_ipc_json_fast_path_agrees_with_jansson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
