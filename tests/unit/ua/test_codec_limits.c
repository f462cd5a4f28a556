/* Hostile input to the binary decoder: every length a peer controls is
 * checked, nesting is bounded, allocations are budgeted, and truncated or
 * malformed bytes give BadDecodingError without leaks or overreads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ua_binary.h"
#include "ua_fill.h"
#include "ua_statuscodes.h"

static ua_status decode_as(const uint8_t *data, size_t len, const ua_type *type,
                           const ua_limits *limits)
{
    ua_decode_opts opts = {limits, NULL, NULL};
    void *v = ua_new(type);
    size_t pos = 0;
    ua_status st = ua_decode(data, len, &pos, v, type, &opts);
    if (st != UA_STATUS_GOOD)
        assert_int_equal(pos, 0);
    ua_delete(v, type);
    return st;
}

static void test_codec_limits_string_lengths(void **state)
{
    (void)state;
    const ua_type *str = UA_BUILTIN(UA_KIND_STRING);
    ua_limits small = ua_default_limits;
    small.max_string_length = 4;
    const uint8_t ok[] = {4, 0, 0, 0, 'a', 'b', 'c', 'd'};
    assert_int_equal(decode_as(ok, sizeof(ok), str, &small), UA_STATUS_GOOD);
    const uint8_t too_long[] = {5, 0, 0, 0, 'a', 'b', 'c', 'd', 'e'};
    assert_int_equal(decode_as(too_long, sizeof(too_long), str, &small),
                     UA_STATUS_BADENCODINGLIMITSEXCEEDED);
    const uint8_t truncated[] = {4, 0, 0, 0, 'a', 'b'};
    assert_int_equal(decode_as(truncated, sizeof(truncated), str, NULL),
                     UA_STATUS_BADDECODINGERROR);
    const uint8_t minus_two[] = {0xFE, 0xFF, 0xFF, 0xFF};
    assert_int_equal(decode_as(minus_two, sizeof(minus_two), str, NULL),
                     UA_STATUS_BADDECODINGERROR);
    const uint8_t huge[] = {0xFF, 0xFF, 0xFF, 0x7F, 'x'};
    assert_int_equal(decode_as(huge, sizeof(huge), str, NULL), UA_STATUS_BADENCODINGLIMITSEXCEEDED);
}

/* An array count that the remaining bytes cannot hold is refused before
 * anything is allocated, so 2^31-1 elements cost nothing. */
static void test_codec_limits_array_counts(void **state)
{
    (void)state;
    ua_limits big = ua_default_limits;
    big.max_array_length = INT32_MAX;
    /* ReadResponse: header then results array of 0x7FFFFFFF DataValues. */
    bbuf b;
    bbuf_init(&b, 1 << 16);
    ua_ResponseHeader h;
    ua_init(&h, UA_TYPE_RESPONSEHEADER);
    assert_int_equal(ua_encode(&h, UA_TYPE_RESPONSEHEADER, &b), UA_STATUS_GOOD);
    const uint8_t count[] = {0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0};
    bbuf_append(&b, count, sizeof(count));
    assert_int_equal(decode_as(b.data, b.len, UA_TYPE_READRESPONSE, &big),
                     UA_STATUS_BADDECODINGERROR);
    /* Over the configured maximum: a limit violation. */
    assert_int_equal(decode_as(b.data, b.len, UA_TYPE_READRESPONSE, NULL),
                     UA_STATUS_BADENCODINGLIMITSEXCEEDED);
    bbuf_clear(&b);

    const uint8_t neg[] = {0xFE, 0xFF, 0xFF, 0xFF};
    ua_limits l = ua_default_limits;
    assert_int_equal(decode_as(neg, sizeof(neg), UA_TYPE_READRESPONSE, &l),
                     UA_STATUS_BADDECODINGERROR);
}

/* Variant of an array of Variants, nested n times. */
static size_t nested_variants(uint8_t *buf, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        buf[o++] = 0x80 | 24;
        buf[o++] = 1;
        buf[o++] = 0;
        buf[o++] = 0;
        buf[o++] = 0;
    }
    buf[o++] = 0; /* innermost: null variant */
    return o;
}

static void test_codec_limits_nesting_depth(void **state)
{
    (void)state;
    uint8_t buf[5 * 200 + 1];
    size_t len = nested_variants(buf, 20);
    assert_int_equal(decode_as(buf, len, UA_BUILTIN(UA_KIND_VARIANT), NULL), UA_STATUS_GOOD);
    len = nested_variants(buf, 200);
    assert_int_equal(decode_as(buf, len, UA_BUILTIN(UA_KIND_VARIANT), NULL),
                     UA_STATUS_BADENCODINGLIMITSEXCEEDED);

    /* DiagnosticInfo whose inner chain is 500 deep. */
    uint8_t diag[501];
    memset(diag, 0x40, 500);
    diag[500] = 0;
    assert_int_equal(decode_as(diag, sizeof(diag), UA_BUILTIN(UA_KIND_DIAGNOSTICINFO), NULL),
                     UA_STATUS_BADENCODINGLIMITSEXCEEDED);

    /* DataValue -> Variant(DataValue) -> ... */
    uint8_t dv[3 * 200 + 1];
    size_t o = 0;
    for (int i = 0; i < 200; i++) {
        dv[o++] = 0x01; /* has value */
        dv[o++] = 23;   /* Variant holding a DataValue */
    }
    dv[o++] = 0;
    assert_int_equal(decode_as(dv, o, UA_BUILTIN(UA_KIND_DATAVALUE), NULL),
                     UA_STATUS_BADENCODINGLIMITSEXCEEDED);

    /* ExtensionObject bodies count too: a tight depth refuses a Range in a
     * Variant in a DataValue. */
    ua_limits tight = ua_default_limits;
    tight.max_depth = 3;
    const uint8_t eo_in_variant[] = {0x01, 22, 0x01, 0x00, 0x76, 0x03, 0x01, 16, 0, 0, 0, 0, 0, 0,
                                     0,    0,  0,    0,    0,    0,    0,    0,  0, 0, 0, 0, 0};
    assert_int_equal(
        decode_as(eo_in_variant, sizeof(eo_in_variant), UA_BUILTIN(UA_KIND_DATAVALUE), &tight),
        UA_STATUS_BADENCODINGLIMITSEXCEEDED);
    assert_int_equal(
        decode_as(eo_in_variant, sizeof(eo_in_variant), UA_BUILTIN(UA_KIND_DATAVALUE), NULL),
        UA_STATUS_GOOD);
}

static void test_codec_limits_message_size_and_alloc_budget(void **state)
{
    (void)state;
    /* 1000 null Variants in an array: 1005 bytes in, ~56 KB out. */
    size_t len = 1 + 4 + 1000;
    uint8_t *buf = calloc(1, len);
    buf[0] = 0x80 | 24;
    buf[1] = 0xE8;
    buf[2] = 0x03;
    ua_limits l = ua_default_limits;
    assert_int_equal(decode_as(buf, len, UA_BUILTIN(UA_KIND_VARIANT), &l), UA_STATUS_GOOD);
    l.max_alloc = 4096;
    assert_int_equal(decode_as(buf, len, UA_BUILTIN(UA_KIND_VARIANT), &l),
                     UA_STATUS_BADENCODINGLIMITSEXCEEDED);
    l = ua_default_limits;
    l.max_message_size = 1000;
    assert_int_equal(decode_as(buf, len, UA_BUILTIN(UA_KIND_VARIANT), &l),
                     UA_STATUS_BADENCODINGLIMITSEXCEEDED);
    free(buf);
}

static void test_codec_limits_malformed_builtins(void **state)
{
    (void)state;
    const uint8_t bad_nodeid[] = {0x06, 0, 0};
    assert_int_equal(decode_as(bad_nodeid, sizeof(bad_nodeid), UA_BUILTIN(UA_KIND_NODEID), NULL),
                     UA_STATUS_BADDECODINGERROR);
    const uint8_t expanded_flags_in_nodeid[] = {0x80, 0};
    assert_int_equal(decode_as(expanded_flags_in_nodeid, sizeof(expanded_flags_in_nodeid),
                               UA_BUILTIN(UA_KIND_NODEID), NULL),
                     UA_STATUS_BADDECODINGERROR);
    const uint8_t variant_type_26[] = {26, 0, 0, 0, 0};
    assert_int_equal(
        decode_as(variant_type_26, sizeof(variant_type_26), UA_BUILTIN(UA_KIND_VARIANT), NULL),
        UA_STATUS_BADDECODINGERROR);
    const uint8_t dims_without_array[] = {0x40 | 6, 1, 0, 0, 0};
    assert_int_equal(decode_as(dims_without_array, sizeof(dims_without_array),
                               UA_BUILTIN(UA_KIND_VARIANT), NULL),
                     UA_STATUS_BADDECODINGERROR);
    /* Int32[6] whose dimensions say 2 x 4. */
    uint8_t dims_mismatch[1 + 4 + 24 + 4 + 8] = {0xC0 | 6, 6, 0, 0, 0};
    dims_mismatch[29] = 2;
    dims_mismatch[33] = 2;
    dims_mismatch[37] = 4;
    assert_int_equal(
        decode_as(dims_mismatch, sizeof(dims_mismatch), UA_BUILTIN(UA_KIND_VARIANT), NULL),
        UA_STATUS_BADDECODINGERROR);
    dims_mismatch[37] = 3;
    assert_int_equal(
        decode_as(dims_mismatch, sizeof(dims_mismatch), UA_BUILTIN(UA_KIND_VARIANT), NULL),
        UA_STATUS_GOOD);
    /* Negative dimension. */
    dims_mismatch[37] = 0xFF;
    dims_mismatch[38] = 0xFF;
    dims_mismatch[39] = 0xFF;
    dims_mismatch[40] = 0xFF;
    assert_int_equal(
        decode_as(dims_mismatch, sizeof(dims_mismatch), UA_BUILTIN(UA_KIND_VARIANT), NULL),
        UA_STATUS_BADDECODINGERROR);
    const uint8_t extobj_encoding_3[] = {0, 0, 3};
    assert_int_equal(decode_as(extobj_encoding_3, sizeof(extobj_encoding_3),
                               UA_BUILTIN(UA_KIND_EXTENSIONOBJECT), NULL),
                     UA_STATUS_BADDECODINGERROR);
    /* A Range (encoding i=886) whose body claims 4 bytes: too short. */
    const uint8_t short_range[] = {0x01, 0x00, 0x76, 0x03, 0x01, 4, 0, 0, 0, 1, 2, 3, 4};
    assert_int_equal(
        decode_as(short_range, sizeof(short_range), UA_BUILTIN(UA_KIND_EXTENSIONOBJECT), NULL),
        UA_STATUS_BADDECODINGERROR);
    /* A body length beyond the input. */
    const uint8_t long_body[] = {0x01, 0x00, 0x76, 0x03, 0x01, 100, 0, 0, 0, 1};
    assert_int_equal(
        decode_as(long_body, sizeof(long_body), UA_BUILTIN(UA_KIND_EXTENSIONOBJECT), NULL),
        UA_STATUS_BADDECODINGERROR);
    /* Boolean bytes other than 0/1 read as true. */
    const uint8_t two[] = {2};
    bool b = false;
    size_t pos = 0;
    assert_int_equal(ua_decode(two, 1, &pos, &b, UA_BUILTIN(UA_KIND_BOOLEAN), NULL),
                     UA_STATUS_GOOD);
    assert_true(b);
}

/* Every proper prefix of a valid message fails cleanly (ASan checks that
 * nothing is read past the end or leaked). */
static void test_codec_limits_every_truncation_fails(void **state)
{
    (void)state;
    const ua_type *types[] = {UA_TYPE_READRESPONSE, UA_TYPE_BROWSERESPONSE,
                              UA_TYPE_CREATESESSIONRESPONSE, UA_TYPE_PUBLISHRESPONSE,
                              UA_TYPE_ENDPOINTDESCRIPTION};
    for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
        void *v = ua_new(types[t]);
        assert_int_equal(ua_fill(v, types[t], 3), UA_STATUS_GOOD);
        bbuf b;
        bbuf_init(&b, 1 << 20);
        assert_int_equal(ua_encode(v, types[t], &b), UA_STATUS_GOOD);
        for (size_t cut = 0; cut < b.len; cut++) {
            uint8_t *copy = malloc(cut ? cut : 1);
            memcpy(copy, b.data, cut);
            assert_int_equal(decode_as(copy, cut, types[t], NULL), UA_STATUS_BADDECODINGERROR);
            free(copy);
        }
        assert_int_equal(decode_as(b.data, b.len, types[t], NULL), UA_STATUS_GOOD);
        bbuf_clear(&b);
        ua_delete(v, types[t]);
    }
}

static void test_codec_limits_encoder_respects_buffer_maximum(void **state)
{
    (void)state;
    ua_String s = ua_string_borrow("0123456789");
    bbuf b;
    bbuf_init(&b, 12);
    const uint8_t prefix[] = {0xAA, 0xBB};
    bbuf_append(&b, prefix, 2);
    assert_int_equal(ua_encode(&s, UA_BUILTIN(UA_KIND_STRING), &b),
                     UA_STATUS_BADENCODINGLIMITSEXCEEDED);
    assert_int_equal(b.len, 2); /* restored */
    b.max = 16;
    assert_int_equal(ua_encode(&s, UA_BUILTIN(UA_KIND_STRING), &b), UA_STATUS_GOOD);
    assert_int_equal(b.len, 16);
    bbuf_clear(&b);
}

/* Found by fuzz_ua_decode: an empty array whose dimensions are [0, 3]
 * decodes, so it must encode again (0 x 3 = 0 elements). */
static void test_codec_limits_empty_matrix_round_trips(void **state)
{
    (void)state;
    const uint8_t empty_matrix[] = {0xC0 | 6, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0};
    ua_Variant v;
    size_t pos = 0;
    assert_int_equal(ua_decode(empty_matrix, sizeof(empty_matrix), &pos, &v,
                               UA_BUILTIN(UA_KIND_VARIANT), NULL),
                     UA_STATUS_GOOD);
    bbuf b;
    bbuf_init(&b, 256);
    assert_int_equal(ua_encode(&v, UA_BUILTIN(UA_KIND_VARIANT), &b), UA_STATUS_GOOD);
    assert_int_equal(b.len, sizeof(empty_matrix));
    assert_memory_equal(b.data, empty_matrix, sizeof(empty_matrix));
    /* Dimensions that do not match the elements are refused on encode. */
    v.dims[1] = 2;
    v.dims[0] = 1;
    b.len = 0;
    assert_int_equal(ua_encode(&v, UA_BUILTIN(UA_KIND_VARIANT), &b), UA_STATUS_BADENCODINGERROR);
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));
    bbuf_clear(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codec_limits_string_lengths),
        cmocka_unit_test(test_codec_limits_array_counts),
        cmocka_unit_test(test_codec_limits_nesting_depth),
        cmocka_unit_test(test_codec_limits_message_size_and_alloc_budget),
        cmocka_unit_test(test_codec_limits_malformed_builtins),
        cmocka_unit_test(test_codec_limits_every_truncation_fails),
        cmocka_unit_test(test_codec_limits_encoder_respects_buffer_maximum),
        cmocka_unit_test(test_codec_limits_empty_matrix_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
