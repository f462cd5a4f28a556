/* Golden-bytes tests of the OPC UA Binary encoding of the 25 built-in
 * types (Part 6 (1.05) 5.2.2): every value is encoded and compared byte for
 * byte, decoded back from the golden bytes, checked field by field and
 * re-encoded. Every strict prefix of a golden encoding must be rejected.
 * Deep copy / clear of every built-in runs here too (ASan finds leaks). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ua_binary.h"
#include "ua_statuscodes.h"

#define GOLDEN(a) (a), sizeof(a)

#define T_BOOLEAN       UA_BUILTIN(UA_KIND_BOOLEAN)
#define T_SBYTE         UA_BUILTIN(UA_KIND_SBYTE)
#define T_BYTE          UA_BUILTIN(UA_KIND_BYTE)
#define T_INT16         UA_BUILTIN(UA_KIND_INT16)
#define T_UINT16        UA_BUILTIN(UA_KIND_UINT16)
#define T_INT32         UA_BUILTIN(UA_KIND_INT32)
#define T_UINT32        UA_BUILTIN(UA_KIND_UINT32)
#define T_INT64         UA_BUILTIN(UA_KIND_INT64)
#define T_UINT64        UA_BUILTIN(UA_KIND_UINT64)
#define T_FLOAT         UA_BUILTIN(UA_KIND_FLOAT)
#define T_DOUBLE        UA_BUILTIN(UA_KIND_DOUBLE)
#define T_STRING        UA_BUILTIN(UA_KIND_STRING)
#define T_DATETIME      UA_BUILTIN(UA_KIND_DATETIME)
#define T_GUID          UA_BUILTIN(UA_KIND_GUID)
#define T_BYTESTRING    UA_BUILTIN(UA_KIND_BYTESTRING)
#define T_XMLELEMENT    UA_BUILTIN(UA_KIND_XMLELEMENT)
#define T_NODEID        UA_BUILTIN(UA_KIND_NODEID)
#define T_EXPNODEID     UA_BUILTIN(UA_KIND_EXPANDEDNODEID)
#define T_STATUSCODE    UA_BUILTIN(UA_KIND_STATUSCODE)
#define T_QUALIFIEDNAME UA_BUILTIN(UA_KIND_QUALIFIEDNAME)
#define T_LOCALIZEDTEXT UA_BUILTIN(UA_KIND_LOCALIZEDTEXT)
#define T_EXTOBJ        UA_BUILTIN(UA_KIND_EXTENSIONOBJECT)
#define T_DATAVALUE     UA_BUILTIN(UA_KIND_DATAVALUE)
#define T_VARIANT       UA_BUILTIN(UA_KIND_VARIANT)
#define T_DIAGINFO      UA_BUILTIN(UA_KIND_DIAGNOSTICINFO)

/* ---- helpers ---------------------------------------------------------- */

static void dump(const char *label, const uint8_t *p, size_t n)
{
    print_message("%s (%zu):", label, n);
    for (size_t i = 0; i < n; i++)
        print_message(" %02X", p[i]);
    print_message("\n");
}

/* Encodes value and expects exactly exp[0..n). */
static void assert_encodes(const void *value, const ua_type *type, const uint8_t *exp, size_t n)
{
    bbuf b;
    bbuf_init(&b, 1 << 20);
    ua_status st = ua_encode(value, type, &b);
    if (st != UA_STATUS_GOOD) {
        bbuf_clear(&b);
        fail_msg("encode of %s failed: %s", type->name, ua_status_name(st));
    }
    if (b.len != n || memcmp(b.data, exp, n) != 0) {
        dump("got     ", b.data, b.len);
        dump("expected", exp, n);
        bbuf_clear(&b);
        fail_msg("encoding of %s differs from the golden bytes", type->name);
    }
    bbuf_clear(&b);
}

/* Decodes a heap copy of exactly bytes[0..n) (so ASan sees any over-read)
 * into the uninitialised *dst and expects all n bytes consumed. */
static void decode_exact(const uint8_t *bytes, size_t n, void *dst, const ua_type *type)
{
    uint8_t *copy = malloc(n ? n : 1);
    assert_non_null(copy);
    memcpy(copy, bytes, n);
    size_t pos = 0;
    ua_status st = ua_decode(copy, n, &pos, dst, type, NULL);
    free(copy);
    if (st != UA_STATUS_GOOD) {
        dump("input", bytes, n);
        fail_msg("decode of %s failed: %s", type->name, ua_status_name(st));
    }
    assert_int_equal(pos, n);
}

/* Expects decoding bytes[0..n) to fail with want; *pos must be unchanged
 * and the destination left zeroed. */
static void assert_decode_fails(const uint8_t *bytes, size_t n, const ua_type *type, ua_status want)
{
    uint8_t *copy = malloc(n ? n : 1);
    void *dst = malloc(type->mem_size);
    uint8_t *zero = calloc(1, type->mem_size);
    assert_non_null(copy);
    assert_non_null(dst);
    assert_non_null(zero);
    memcpy(copy, bytes, n);
    memset(dst, 0x5A, type->mem_size);
    size_t pos = 0;
    ua_status st = ua_decode(copy, n, &pos, dst, type, NULL);
    bool zeroed = memcmp(dst, zero, type->mem_size) == 0;
    if (st == UA_STATUS_GOOD)
        ua_clear(dst, type);
    free(zero);
    free(dst);
    free(copy);
    if (st != want) {
        dump("input", bytes, n);
        fail_msg("decode of %s: got %s, expected %s", type->name, ua_status_name(st),
                 ua_status_name(want));
    }
    assert_int_equal(pos, 0);
    assert_true(zeroed);
}

/* Every strict prefix of a golden encoding is truncated input. */
static void assert_prefixes_rejected(const uint8_t *bytes, size_t n, const ua_type *type)
{
    for (size_t k = 0; k < n; k++)
        assert_decode_fails(bytes, k, type, UA_STATUS_BADDECODINGERROR);
}

/* The full golden check: encode value, decode the golden bytes into
 * *decoded (caller checks fields and clears it), re-encode the decoded
 * value, and reject every truncation. */
static void golden(const void *value, const ua_type *type, const uint8_t *exp, size_t n,
                   void *decoded)
{
    assert_encodes(value, type, exp, n);
    decode_exact(exp, n, decoded, type);
    assert_encodes(decoded, type, exp, n);
    assert_prefixes_rejected(exp, n, type);
}

static uint32_t float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static float float_from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static uint64_t double_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

static double double_from_bits(uint64_t u)
{
    double d;
    memcpy(&d, &u, 8);
    return d;
}

/* ---- golden byte sequences, derived from Part 6 5.2.2 ------------------- */

/* 72962b91-fa75-4ae6-8d28-b404dc7daf63: Data1 u32 LE, Data2/Data3 u16 LE,
 * Data4 as is. */
static const ua_Guid sample_guid = {
    0x72962B91u, 0xFA75u, 0x4AE6u, {0x8D, 0x28, 0xB4, 0x04, 0xDC, 0x7D, 0xAF, 0x63}};
#define GUID_BYTES                                                                                 \
    0x91, 0x2B, 0x96, 0x72, 0x75, 0xFA, 0xE6, 0x4A, 0x8D, 0x28, 0xB4, 0x04, 0xDC, 0x7D, 0xAF, 0x63

/* 2024-01-02T03:04:05.678Z = 133486382456780000 ticks = 0x01DA3D2858B034E0. */
#define T_SAMPLE       INT64_C(133486382456780000)
#define T_SAMPLE_BYTES 0xE0, 0x34, 0xB0, 0x58, 0x28, 0x3D, 0xDA, 0x01

/* ExtensionObject of Range {low 1.0, high 2.0}: TypeId i=886 (Range binary
 * encoding) in the four-byte form, Byte 1, Int32 16, two Doubles. */
#define RANGE_EO_BYTES                                                                             \
    0x01, 0x00, 0x76, 0x03, 0x01, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,      \
        0xF0, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40

static const uint8_t g_bool_true[] = {0x01};
static const uint8_t g_bool_false[] = {0x00};
static const uint8_t g_sbyte[] = {0x80};
static const uint8_t g_byte[] = {0xAB};
static const uint8_t g_int16[] = {0xFE, 0xFF};
static const uint8_t g_uint16[] = {0x34, 0x12};
static const uint8_t g_int32[] = {0xEB, 0x32, 0xA4, 0xF8};
static const uint8_t g_uint32[] = {0xEF, 0xBE, 0xAD, 0xDE};
static const uint8_t g_int64_min[] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80};
static const uint8_t g_int64_max[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
static const uint8_t g_int64_m2[] = {0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
static const uint8_t g_uint64_max[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
static const uint8_t g_uint64_seq[] = {0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01};
static const uint8_t g_float_one[] = {0x00, 0x00, 0x80, 0x3F};
static const uint8_t g_double_tenth[] = {0x9A, 0x99, 0x99, 0x99, 0x99, 0x99, 0xB9, 0x3F};
static const uint8_t g_string_abc[] = {0x03, 0x00, 0x00, 0x00, 0x61, 0x62, 0x63};
static const uint8_t g_string_null[] = {0xFF, 0xFF, 0xFF, 0xFF};
static const uint8_t g_string_empty[] = {0x00, 0x00, 0x00, 0x00};
static const uint8_t g_datetime[] = {T_SAMPLE_BYTES};
static const uint8_t g_guid[] = {GUID_BYTES};
static const uint8_t g_bytestring[] = {0x03, 0x00, 0x00, 0x00, 0x00, 0xFF, 0x10};
static const uint8_t g_xml[] = {0x04, 0x00, 0x00, 0x00, 0x3C, 0x61, 0x2F, 0x3E};
static const uint8_t g_nodeid_string[] = {0x03, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x61, 0x62};
static const uint8_t g_nodeid_guid[] = {0x04, 0x02, 0x00, GUID_BYTES};
static const uint8_t g_nodeid_bytes[] = {0x05, 0x03, 0x00, 0x02, 0x00, 0x00, 0x00, 0xDE, 0xAD};
static const uint8_t g_expnodeid_full[] = {0xC0, 0x01, 0x05, 0x00, 0x00, 0x00, 0x75, 0x72,
                                           0x6E, 0x3A, 0x61, 0x02, 0x00, 0x00, 0x00};
static const uint8_t g_statuscode[] = {0x00, 0x04, 0x07, 0x80};
static const uint8_t g_qname[] = {0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x4E, 0x61, 0x6D, 0x65};
static const uint8_t g_ltext_both[] = {0x03, 0x02, 0x00, 0x00, 0x00, 0x65, 0x6E,
                                       0x02, 0x00, 0x00, 0x00, 0x48, 0x69};
static const uint8_t g_extobj_range[] = {RANGE_EO_BYTES};
static const uint8_t g_extobj_unknown[] = {0x01, 0x05, 0x01, 0x00, 0x01, 0x03,
                                           0x00, 0x00, 0x00, 0xAA, 0xBB, 0xCC};

static const uint8_t g_datavalue_all[] = {
    0x3F,                                           /* mask: all six fields */
    0x06, 0x05, 0x00, 0x00, 0x00,                   /* Variant Int32 5 */
    0x00, 0x00, 0x07, 0x80,                         /* BadDecodingError */
    0xE0, 0x34, 0xB0, 0x58, 0x28, 0x3D, 0xDA, 0x01, /* source timestamp */
    0x64, 0x00,                                     /* 100 ps */
    0xE1, 0x34, 0xB0, 0x58, 0x28, 0x3D, 0xDA, 0x01, /* server timestamp */
    0xC8, 0x00};                                    /* 200 ps */

static const uint8_t g_variant_matrix[] = {0xC6,                   /* Int32 | array | dimensions */
                                           0x06, 0x00, 0x00, 0x00, /* six elements */
                                           0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
                                           0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
                                           0x05, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00,
                                           0x02, 0x00, 0x00, 0x00, /* two dimensions */
                                           0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00};

static const uint8_t g_variant_ltext_array[] = {
    0x95, 0x02, 0x00, 0x00, 0x00, /* 2 x LocalizedText */
    0x03, 0x02, 0x00, 0x00, 0x00, 0x65, 0x6E, 0x02, 0x00, 0x00, 0x00, 0x48, 0x69, /* en, Hi */
    0x02, 0x02, 0x00, 0x00, 0x00, 0x48, 0x6F};                                    /* Ho */
static const uint8_t g_variant_range[] = {0x16, RANGE_EO_BYTES};

static const uint8_t g_diag_nested[] = {
    0x7F,                                           /* every field */
    0x01, 0x00, 0x00, 0x00,                         /* symbolicId 1 */
    0x02, 0x00, 0x00, 0x00,                         /* namespaceUri 2 */
    0x03, 0x00, 0x00, 0x00,                         /* locale 3 (before localizedText) */
    0x04, 0x00, 0x00, 0x00,                         /* localizedText 4 */
    0x04, 0x00, 0x00, 0x00, 0x69, 0x6E, 0x66, 0x6F, /* additionalInfo "info" */
    0x00, 0x00, 0x0A, 0x80,                         /* innerStatusCode BadTimeout */
    0x41, 0x07, 0x00, 0x00, 0x00,                   /* inner: symbolicId 7, has inner */
    0x10, 0x01, 0x00, 0x00, 0x00, 0x78};            /* innermost: additionalInfo "x" */

/* ---- 1..9: Boolean and integers ------------------------------------------ */

static void test_builtin_codec_boolean(void **state)
{
    (void)state;
    ua_Boolean t = true, f = false, out;
    golden(&t, T_BOOLEAN, GOLDEN(g_bool_true), &out);
    assert_true(out);
    golden(&f, T_BOOLEAN, GOLDEN(g_bool_false), &out);
    assert_false(out);
    /* Part 6 5.2.2.1: any non-zero byte is true; encoders write 1. */
    static const uint8_t two[] = {0x02};
    decode_exact(GOLDEN(two), &out, T_BOOLEAN);
    assert_true(out);
    assert_encodes(&out, T_BOOLEAN, GOLDEN(g_bool_true));
}

static void test_builtin_codec_sbyte_and_byte(void **state)
{
    (void)state;
    ua_SByte s = -128, s_out;
    golden(&s, T_SBYTE, GOLDEN(g_sbyte), &s_out);
    assert_int_equal(s_out, -128);
    ua_Byte b = 0xAB, b_out;
    golden(&b, T_BYTE, GOLDEN(g_byte), &b_out);
    assert_int_equal(b_out, 0xAB);
}

static void test_builtin_codec_int16_and_uint16(void **state)
{
    (void)state;
    ua_Int16 i = -2, i_out;
    golden(&i, T_INT16, GOLDEN(g_int16), &i_out);
    assert_int_equal(i_out, -2);
    ua_UInt16 u = 0x1234, u_out;
    golden(&u, T_UINT16, GOLDEN(g_uint16), &u_out);
    assert_int_equal(u_out, 0x1234);
    static const uint8_t min[] = {0x00, 0x80};
    ua_Int16 m = INT16_MIN;
    golden(&m, T_INT16, GOLDEN(min), &i_out);
    assert_int_equal(i_out, INT16_MIN);
}

static void test_builtin_codec_int32_and_uint32(void **state)
{
    (void)state;
    ua_Int32 i = -123456789, i_out;
    golden(&i, T_INT32, GOLDEN(g_int32), &i_out);
    assert_int_equal(i_out, -123456789);
    ua_UInt32 u = 0xDEADBEEFu, u_out;
    golden(&u, T_UINT32, GOLDEN(g_uint32), &u_out);
    assert_int_equal(u_out, 0xDEADBEEFu);
}

static void test_builtin_codec_int64_extremes(void **state)
{
    (void)state;
    ua_Int64 v, out;
    v = INT64_MIN;
    golden(&v, T_INT64, GOLDEN(g_int64_min), &out);
    assert_true(out == INT64_MIN);
    v = INT64_MAX;
    golden(&v, T_INT64, GOLDEN(g_int64_max), &out);
    assert_true(out == INT64_MAX);
    v = -2;
    golden(&v, T_INT64, GOLDEN(g_int64_m2), &out);
    assert_true(out == -2);
}

static void test_builtin_codec_uint64_extremes(void **state)
{
    (void)state;
    ua_UInt64 v, out;
    v = UINT64_MAX;
    golden(&v, T_UINT64, GOLDEN(g_uint64_max), &out);
    assert_true(out == UINT64_MAX);
    v = UINT64_C(0x0102030405060708);
    golden(&v, T_UINT64, GOLDEN(g_uint64_seq), &out);
    assert_true(out == UINT64_C(0x0102030405060708));
    static const uint8_t zero[8] = {0};
    v = 0;
    golden(&v, T_UINT64, GOLDEN(zero), &out);
    assert_true(out == 0);
}

/* ---- 10, 11: Float and Double (IEEE 754, little endian) ------------------ */

static void test_builtin_codec_float_values(void **state)
{
    (void)state;
    ua_Float f, out;
    f = 1.0f;
    golden(&f, T_FLOAT, GOLDEN(g_float_one), &out);
    assert_true(out == 1.0f);
    static const uint8_t m15[] = {0x00, 0x00, 0xC0, 0xBF};
    f = -1.5f;
    golden(&f, T_FLOAT, GOLDEN(m15), &out);
    assert_true(out == -1.5f);
}

static void test_builtin_codec_float_special_values(void **state)
{
    (void)state;
    ua_Float f, out;
    static const uint8_t neg_zero[] = {0x00, 0x00, 0x00, 0x80};
    f = -0.0f;
    golden(&f, T_FLOAT, GOLDEN(neg_zero), &out);
    assert_true(out == 0.0f && signbit(out));
    static const uint8_t pos_inf[] = {0x00, 0x00, 0x80, 0x7F};
    f = INFINITY;
    golden(&f, T_FLOAT, GOLDEN(pos_inf), &out);
    assert_true(isinf(out) && out > 0);
    static const uint8_t neg_inf[] = {0x00, 0x00, 0x80, 0xFF};
    f = -INFINITY;
    golden(&f, T_FLOAT, GOLDEN(neg_inf), &out);
    assert_true(isinf(out) && out < 0);
    /* NaN bit patterns pass through unchanged, payload included. */
    static const uint8_t qnan[] = {0x00, 0x00, 0xC0, 0x7F};
    f = float_from_bits(0x7FC00000u);
    golden(&f, T_FLOAT, GOLDEN(qnan), &out);
    assert_true(isnan(out));
    assert_int_equal(float_bits(out), 0x7FC00000u);
    static const uint8_t payload_nan[] = {0x01, 0x00, 0xC0, 0xFF};
    f = float_from_bits(0xFFC00001u);
    golden(&f, T_FLOAT, GOLDEN(payload_nan), &out);
    assert_true(isnan(out));
    assert_int_equal(float_bits(out), 0xFFC00001u);
}

static void test_builtin_codec_double_values(void **state)
{
    (void)state;
    ua_Double d = 0.1, out;
    golden(&d, T_DOUBLE, GOLDEN(g_double_tenth), &out);
    assert_true(out == 0.1);
    static const uint8_t one[] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F};
    d = 1.0;
    golden(&d, T_DOUBLE, GOLDEN(one), &out);
    assert_true(out == 1.0);
}

static void test_builtin_codec_double_special_values(void **state)
{
    (void)state;
    ua_Double d, out;
    static const uint8_t neg_zero[] = {0, 0, 0, 0, 0, 0, 0x00, 0x80};
    d = -0.0;
    golden(&d, T_DOUBLE, GOLDEN(neg_zero), &out);
    assert_true(out == 0.0 && signbit(out));
    static const uint8_t pos_inf[] = {0, 0, 0, 0, 0, 0, 0xF0, 0x7F};
    d = INFINITY;
    golden(&d, T_DOUBLE, GOLDEN(pos_inf), &out);
    assert_true(isinf(out) && out > 0);
    static const uint8_t neg_inf[] = {0, 0, 0, 0, 0, 0, 0xF0, 0xFF};
    d = -INFINITY;
    golden(&d, T_DOUBLE, GOLDEN(neg_inf), &out);
    assert_true(isinf(out) && out < 0);
    static const uint8_t qnan[] = {0, 0, 0, 0, 0, 0, 0xF8, 0x7F};
    d = double_from_bits(UINT64_C(0x7FF8000000000000));
    golden(&d, T_DOUBLE, GOLDEN(qnan), &out);
    assert_true(isnan(out));
    assert_true(double_bits(out) == UINT64_C(0x7FF8000000000000));
    static const uint8_t payload_nan[] = {0x23, 0x01, 0, 0, 0, 0, 0xF8, 0x7F};
    d = double_from_bits(UINT64_C(0x7FF8000000000123));
    golden(&d, T_DOUBLE, GOLDEN(payload_nan), &out);
    assert_true(double_bits(out) == UINT64_C(0x7FF8000000000123));
    static const uint8_t denorm[] = {0x01, 0, 0, 0, 0, 0, 0, 0};
    d = double_from_bits(1);
    golden(&d, T_DOUBLE, GOLDEN(denorm), &out);
    assert_true(double_bits(out) == 1);
}

/* ---- 12, 15, 16: String, ByteString, XmlElement -------------------------- */

static void test_builtin_codec_string(void **state)
{
    (void)state;
    ua_String s = ua_string_borrow("abc"), out;
    golden(&s, T_STRING, GOLDEN(g_string_abc), &out);
    assert_int_equal(out.length, 3);
    assert_memory_equal(out.data, "abc", 3);
    ua_clear(&out, T_STRING);
    assert_null(out.data);

    /* UTF-8 bytes travel as they are; the length counts bytes. */
    static const uint8_t utf8[] = {0x05, 0x00, 0x00, 0x00, 0xC3, 0xA9, 0xE2, 0x82, 0xAC};
    s = ua_string_borrow("\xC3\xA9\xE2\x82\xAC");
    golden(&s, T_STRING, GOLDEN(utf8), &out);
    assert_int_equal(out.length, 5);
    ua_clear(&out, T_STRING);
}

static void test_builtin_codec_string_null_vs_empty(void **state)
{
    (void)state;
    ua_String null_s = {0, NULL}, out;
    golden(&null_s, T_STRING, GOLDEN(g_string_null), &out);
    assert_null(out.data);
    assert_int_equal(out.length, 0);
    ua_clear(&out, T_STRING);

    ua_String empty = ua_string_borrow("");
    golden(&empty, T_STRING, GOLDEN(g_string_empty), &out);
    assert_non_null(out.data);
    assert_int_equal(out.length, 0);
    assert_false(ua_string_equal(&out, &null_s));
    ua_clear(&out, T_STRING);

    /* Lengths below -1 are malformed. */
    static const uint8_t minus2[] = {0xFE, 0xFF, 0xFF, 0xFF};
    assert_decode_fails(GOLDEN(minus2), T_STRING, UA_STATUS_BADDECODINGERROR);
    /* A length past the end of the input is truncation. */
    static const uint8_t short_body[] = {0x05, 0x00, 0x00, 0x00, 0x61, 0x62};
    assert_decode_fails(GOLDEN(short_body), T_STRING, UA_STATUS_BADDECODINGERROR);
}

static void test_builtin_codec_bytestring(void **state)
{
    (void)state;
    static const uint8_t raw[] = {0x00, 0xFF, 0x10};
    ua_ByteString b = {3, (uint8_t *)(uintptr_t)raw}, out;
    golden(&b, T_BYTESTRING, GOLDEN(g_bytestring), &out);
    assert_int_equal(out.length, 3);
    assert_memory_equal(out.data, raw, 3);
    ua_clear(&out, T_BYTESTRING);
    ua_ByteString null_b = {0, NULL};
    golden(&null_b, T_BYTESTRING, GOLDEN(g_string_null), &out);
    assert_null(out.data);
    ua_clear(&out, T_BYTESTRING);
}

static void test_builtin_codec_xmlelement(void **state)
{
    (void)state;
    ua_XmlElement x = ua_string_borrow("<a/>"), out;
    golden(&x, T_XMLELEMENT, GOLDEN(g_xml), &out);
    assert_true(ua_string_equal_cstr(&out, "<a/>"));
    ua_clear(&out, T_XMLELEMENT);
}

/* ---- 13, 14, 19: DateTime, Guid, StatusCode ------------------------------ */

static void test_builtin_codec_datetime(void **state)
{
    (void)state;
    ua_DateTime t = T_SAMPLE, out;
    golden(&t, T_DATETIME, GOLDEN(g_datetime), &out);
    assert_true(out == T_SAMPLE);
    static const uint8_t zero[8] = {0};
    t = 0;
    golden(&t, T_DATETIME, GOLDEN(zero), &out);
    assert_true(out == 0);
}

static void test_builtin_codec_guid(void **state)
{
    (void)state;
    ua_Guid out;
    golden(&sample_guid, T_GUID, GOLDEN(g_guid), &out);
    assert_int_equal(out.data1, 0x72962B91u);
    assert_int_equal(out.data2, 0xFA75u);
    assert_int_equal(out.data3, 0x4AE6u);
    assert_memory_equal(out.data4, sample_guid.data4, 8);
}

static void test_builtin_codec_statuscode(void **state)
{
    (void)state;
    /* Info bits travel untouched. */
    ua_StatusCode s = UA_STATUS_BADDECODINGERROR | 0x0400u, out;
    golden(&s, T_STATUSCODE, GOLDEN(g_statuscode), &out);
    assert_int_equal(out, 0x80070400u);
    static const uint8_t good[] = {0x00, 0x00, 0x00, 0x00};
    s = UA_STATUS_GOOD;
    golden(&s, T_STATUSCODE, GOLDEN(good), &out);
    assert_int_equal(out, 0);
}

/* ---- 17: NodeId ------------------------------------------------------------ */

static void check_numeric_nodeid(uint16_t ns, uint32_t id, const uint8_t *exp, size_t n)
{
    ua_NodeId v = ua_nodeid_numeric(ns, id), out;
    golden(&v, T_NODEID, exp, n, &out);
    assert_int_equal(out.id_type, UA_NODEID_NUMERIC);
    assert_int_equal(out.ns, ns);
    assert_int_equal(out.id.numeric, id);
    ua_clear(&out, T_NODEID);
}

static void test_builtin_codec_nodeid_numeric_chooses_smallest_form(void **state)
{
    (void)state;
    static const uint8_t two_byte[] = {0x00, 0x55};
    check_numeric_nodeid(0, 85, GOLDEN(two_byte));
    static const uint8_t two_byte_max[] = {0x00, 0xFF};
    check_numeric_nodeid(0, 255, GOLDEN(two_byte_max));
    static const uint8_t four_byte_ns0[] = {0x01, 0x00, 0x00, 0x01};
    check_numeric_nodeid(0, 256, GOLDEN(four_byte_ns0));
    static const uint8_t four_byte[] = {0x01, 0x01, 0x05, 0x00};
    check_numeric_nodeid(1, 5, GOLDEN(four_byte));
    static const uint8_t four_byte_max[] = {0x01, 0xFF, 0xFF, 0xFF};
    check_numeric_nodeid(255, 65535, GOLDEN(four_byte_max));
    static const uint8_t numeric_ns[] = {0x02, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00};
    check_numeric_nodeid(256, 1, GOLDEN(numeric_ns));
    static const uint8_t numeric_id[] = {0x02, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00};
    check_numeric_nodeid(1, 65536, GOLDEN(numeric_id));
    static const uint8_t numeric_max[] = {0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    check_numeric_nodeid(65535, UINT32_MAX, GOLDEN(numeric_max));
}

static void test_builtin_codec_nodeid_decodes_larger_forms(void **state)
{
    (void)state;
    /* A peer may use a larger form than needed; we re-encode the smallest. */
    static const uint8_t as_numeric[] = {0x02, 0x00, 0x00, 0x55, 0x00, 0x00, 0x00};
    static const uint8_t as_four[] = {0x01, 0x00, 0x55, 0x00};
    static const uint8_t smallest[] = {0x00, 0x55};
    ua_NodeId out;
    decode_exact(GOLDEN(as_numeric), &out, T_NODEID);
    assert_int_equal(out.id.numeric, 85);
    assert_encodes(&out, T_NODEID, GOLDEN(smallest));
    ua_clear(&out, T_NODEID);
    decode_exact(GOLDEN(as_four), &out, T_NODEID);
    assert_int_equal(out.id.numeric, 85);
    assert_encodes(&out, T_NODEID, GOLDEN(smallest));
    ua_clear(&out, T_NODEID);
}

static void test_builtin_codec_nodeid_string_guid_bytestring(void **state)
{
    (void)state;
    ua_NodeId v = {0}, out;
    v.ns = 1;
    v.id_type = UA_NODEID_STRING;
    v.id.string = ua_string_borrow("ab");
    golden(&v, T_NODEID, GOLDEN(g_nodeid_string), &out);
    assert_int_equal(out.ns, 1);
    assert_int_equal(out.id_type, UA_NODEID_STRING);
    assert_true(ua_string_equal_cstr(&out.id.string, "ab"));
    ua_clear(&out, T_NODEID);

    memset(&v, 0, sizeof(v));
    v.ns = 2;
    v.id_type = UA_NODEID_GUID;
    v.id.guid = sample_guid;
    golden(&v, T_NODEID, GOLDEN(g_nodeid_guid), &out);
    assert_int_equal(out.ns, 2);
    assert_int_equal(out.id_type, UA_NODEID_GUID);
    assert_true(ua_guid_equal(&out.id.guid, &sample_guid));
    ua_clear(&out, T_NODEID);

    static const uint8_t dead[] = {0xDE, 0xAD};
    memset(&v, 0, sizeof(v));
    v.ns = 3;
    v.id_type = UA_NODEID_BYTESTRING;
    v.id.opaque.length = 2;
    v.id.opaque.data = (uint8_t *)(uintptr_t)dead;
    golden(&v, T_NODEID, GOLDEN(g_nodeid_bytes), &out);
    assert_int_equal(out.ns, 3);
    assert_int_equal(out.id_type, UA_NODEID_BYTESTRING);
    assert_int_equal(out.id.opaque.length, 2);
    assert_memory_equal(out.id.opaque.data, dead, 2);
    ua_clear(&out, T_NODEID);
}

static void test_builtin_codec_nodeid_rejects_bad_encoding_byte(void **state)
{
    (void)state;
    static const uint8_t unknown_form[] = {0x06, 0x00, 0x00};
    assert_decode_fails(GOLDEN(unknown_form), T_NODEID, UA_STATUS_BADDECODINGERROR);
    /* ExpandedNodeId flags are not allowed in a plain NodeId. */
    static const uint8_t with_uri_flag[] = {0x80, 0x55, 0x00, 0x00, 0x00, 0x00};
    assert_decode_fails(GOLDEN(with_uri_flag), T_NODEID, UA_STATUS_BADDECODINGERROR);
    static const uint8_t with_svr_flag[] = {0x40, 0x55, 0x01, 0x00, 0x00, 0x00};
    assert_decode_fails(GOLDEN(with_svr_flag), T_NODEID, UA_STATUS_BADDECODINGERROR);
}

/* ---- 18: ExpandedNodeId --------------------------------------------------- */

static void test_builtin_codec_expnodeid(void **state)
{
    (void)state;
    ua_ExpandedNodeId v = {0}, out;
    v.node_id = ua_nodeid_numeric(0, 1);
    v.namespace_uri = ua_string_borrow("urn:a");
    v.server_index = 2;
    golden(&v, T_EXPNODEID, GOLDEN(g_expnodeid_full), &out);
    assert_int_equal(out.node_id.id.numeric, 1);
    assert_true(ua_string_equal_cstr(&out.namespace_uri, "urn:a"));
    assert_int_equal(out.server_index, 2);
    ua_clear(&out, T_EXPNODEID);

    /* No flags: identical to the NodeId encoding. */
    static const uint8_t plain[] = {0x00, 0x55};
    memset(&v, 0, sizeof(v));
    v.node_id = ua_nodeid_numeric(0, 85);
    golden(&v, T_EXPNODEID, GOLDEN(plain), &out);
    assert_null(out.namespace_uri.data);
    assert_int_equal(out.server_index, 0);
    ua_clear(&out, T_EXPNODEID);

    /* Server index only, on a string NodeId. */
    static const uint8_t svr_only[] = {0x43, 0x01, 0x00, 0x01, 0x00, 0x00,
                                       0x00, 0x78, 0x01, 0x00, 0x00, 0x00};
    memset(&v, 0, sizeof(v));
    v.node_id.ns = 1;
    v.node_id.id_type = UA_NODEID_STRING;
    v.node_id.id.string = ua_string_borrow("x");
    v.server_index = 1;
    golden(&v, T_EXPNODEID, GOLDEN(svr_only), &out);
    assert_true(ua_string_equal_cstr(&out.node_id.id.string, "x"));
    assert_null(out.namespace_uri.data);
    assert_int_equal(out.server_index, 1);
    ua_clear(&out, T_EXPNODEID);

    /* Namespace URI only, on a four-byte NodeId. */
    static const uint8_t uri_only[] = {0x81, 0x00, 0x2C, 0x01, 0x01, 0x00, 0x00, 0x00, 0x75};
    memset(&v, 0, sizeof(v));
    v.node_id = ua_nodeid_numeric(0, 300);
    v.namespace_uri = ua_string_borrow("u");
    golden(&v, T_EXPNODEID, GOLDEN(uri_only), &out);
    assert_int_equal(out.node_id.id.numeric, 300);
    assert_true(ua_string_equal_cstr(&out.namespace_uri, "u"));
    assert_int_equal(out.server_index, 0);
    ua_clear(&out, T_EXPNODEID);
}

/* ---- 20, 21: QualifiedName, LocalizedText --------------------------------- */

static void test_builtin_codec_qualifiedname(void **state)
{
    (void)state;
    ua_QualifiedName q = {2, ua_string_borrow("Name")}, out;
    golden(&q, T_QUALIFIEDNAME, GOLDEN(g_qname), &out);
    assert_int_equal(out.ns, 2);
    assert_true(ua_string_equal_cstr(&out.name, "Name"));
    ua_clear(&out, T_QUALIFIEDNAME);

    static const uint8_t null_name[] = {0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF};
    ua_QualifiedName n = {0, {0, NULL}};
    golden(&n, T_QUALIFIEDNAME, GOLDEN(null_name), &out);
    assert_null(out.name.data);
    ua_clear(&out, T_QUALIFIEDNAME);
}

static void test_builtin_codec_localizedtext_masks(void **state)
{
    (void)state;
    ua_LocalizedText t = {ua_string_borrow("en"), ua_string_borrow("Hi")}, out;
    golden(&t, T_LOCALIZEDTEXT, GOLDEN(g_ltext_both), &out);
    assert_true(ua_string_equal_cstr(&out.locale, "en"));
    assert_true(ua_string_equal_cstr(&out.text, "Hi"));
    ua_clear(&out, T_LOCALIZEDTEXT);

    static const uint8_t text_only[] = {0x02, 0x02, 0x00, 0x00, 0x00, 0x48, 0x69};
    ua_LocalizedText t2 = {{0, NULL}, ua_string_borrow("Hi")};
    golden(&t2, T_LOCALIZEDTEXT, GOLDEN(text_only), &out);
    assert_null(out.locale.data);
    assert_true(ua_string_equal_cstr(&out.text, "Hi"));
    ua_clear(&out, T_LOCALIZEDTEXT);

    static const uint8_t locale_only[] = {0x01, 0x02, 0x00, 0x00, 0x00, 0x64, 0x65};
    ua_LocalizedText t3 = {ua_string_borrow("de"), {0, NULL}};
    golden(&t3, T_LOCALIZEDTEXT, GOLDEN(locale_only), &out);
    assert_true(ua_string_equal_cstr(&out.locale, "de"));
    assert_null(out.text.data);
    ua_clear(&out, T_LOCALIZEDTEXT);

    static const uint8_t neither[] = {0x00};
    ua_LocalizedText t4 = {{0, NULL}, {0, NULL}};
    golden(&t4, T_LOCALIZEDTEXT, GOLDEN(neither), &out);
    assert_null(out.locale.data);
    assert_null(out.text.data);
    ua_clear(&out, T_LOCALIZEDTEXT);

    /* An empty, non-null text is present (bit set, length 0). */
    static const uint8_t empty_text[] = {0x02, 0x00, 0x00, 0x00, 0x00};
    ua_LocalizedText t5 = {{0, NULL}, ua_string_borrow("")};
    golden(&t5, T_LOCALIZEDTEXT, GOLDEN(empty_text), &out);
    assert_non_null(out.text.data);
    assert_int_equal(out.text.length, 0);
    ua_clear(&out, T_LOCALIZEDTEXT);
}

/* ---- 22: ExtensionObject ---------------------------------------------------- */

static void test_builtin_codec_extobj_known_type_decodes(void **state)
{
    (void)state;
    ua_Range r = {1.0, 2.0};
    ua_ExtensionObject eo = {0}, out;
    eo.encoding = UA_EXTOBJ_DECODED;
    eo.type_id = UA_TYPE_RANGE->binary_encoding_id;
    eo.type = UA_TYPE_RANGE;
    eo.data = &r;
    golden(&eo, T_EXTOBJ, GOLDEN(g_extobj_range), &out);
    assert_int_equal(out.encoding, UA_EXTOBJ_DECODED);
    assert_ptr_equal(out.type, UA_TYPE_RANGE);
    ua_NodeId enc_id = ua_nodeid_numeric(0, 886);
    assert_true(ua_nodeid_equal(&out.type_id, &enc_id));
    assert_non_null(out.data);
    const ua_Range *got = out.data;
    assert_true(got->low == 1.0);
    assert_true(got->high == 2.0);
    ua_clear(&out, T_EXTOBJ);
}

static void test_builtin_codec_extobj_unknown_type_kept_opaque(void **state)
{
    (void)state;
    static const uint8_t body[] = {0xAA, 0xBB, 0xCC};
    ua_ExtensionObject eo = {0}, out;
    eo.encoding = UA_EXTOBJ_BINARY;
    eo.type_id = ua_nodeid_numeric(5, 1);
    eo.body.length = 3;
    eo.body.data = (uint8_t *)(uintptr_t)body;
    golden(&eo, T_EXTOBJ, GOLDEN(g_extobj_unknown), &out);
    assert_int_equal(out.encoding, UA_EXTOBJ_BINARY);
    assert_int_equal(out.type_id.ns, 5);
    assert_int_equal(out.type_id.id.numeric, 1);
    assert_null(out.type);
    assert_null(out.data);
    assert_int_equal(out.body.length, 3);
    assert_memory_equal(out.body.data, body, 3);
    ua_clear(&out, T_EXTOBJ);
}

static void test_builtin_codec_extobj_empty_and_xml(void **state)
{
    (void)state;
    ua_ExtensionObject eo = {0}, out;
    static const uint8_t empty[] = {0x00, 0x00, 0x00};
    golden(&eo, T_EXTOBJ, GOLDEN(empty), &out);
    assert_int_equal(out.encoding, UA_EXTOBJ_EMPTY);
    assert_true(ua_nodeid_is_null(&out.type_id));
    ua_clear(&out, T_EXTOBJ);

    /* No body, but a type id: the id survives. */
    static const uint8_t empty_typed[] = {0x01, 0x00, 0x76, 0x03, 0x00};
    eo.type_id = ua_nodeid_numeric(0, 886);
    golden(&eo, T_EXTOBJ, GOLDEN(empty_typed), &out);
    assert_int_equal(out.encoding, UA_EXTOBJ_EMPTY);
    assert_int_equal(out.type_id.id.numeric, 886);
    assert_null(out.data);
    ua_clear(&out, T_EXTOBJ);

    static const uint8_t xml[] = {0x01, 0x05, 0x02, 0x00, 0x02, 0x04, 0x00,
                                  0x00, 0x00, 0x3C, 0x61, 0x2F, 0x3E};
    memset(&eo, 0, sizeof(eo));
    eo.encoding = UA_EXTOBJ_XML;
    eo.type_id = ua_nodeid_numeric(5, 2);
    eo.body = ua_string_borrow("<a/>");
    golden(&eo, T_EXTOBJ, GOLDEN(xml), &out);
    assert_int_equal(out.encoding, UA_EXTOBJ_XML);
    assert_true(ua_string_equal_cstr(&out.body, "<a/>"));
    ua_clear(&out, T_EXTOBJ);
}

static void test_builtin_codec_extobj_body_bounds(void **state)
{
    (void)state;
    /* Trailing bytes inside the declared body length are skipped. */
    static const uint8_t longer[] = {0x01, 0x00, 0x76, 0x03, 0x01, 0x12, 0x00, 0x00, 0x00,
                                     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F, 0x00,
                                     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0xEE, 0xEE};
    ua_ExtensionObject out;
    decode_exact(GOLDEN(longer), &out, T_EXTOBJ);
    assert_int_equal(out.encoding, UA_EXTOBJ_DECODED);
    assert_true(((const ua_Range *)out.data)->high == 2.0);
    assert_encodes(&out, T_EXTOBJ, GOLDEN(g_extobj_range));
    ua_clear(&out, T_EXTOBJ);

    /* A body too short for the type fails even with bytes following it. */
    static const uint8_t shorter[] = {0x01, 0x00, 0x76, 0x03, 0x01, 0x08, 0x00, 0x00, 0x00,
                                      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F, 0x00,
                                      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40};
    assert_decode_fails(GOLDEN(shorter), T_EXTOBJ, UA_STATUS_BADDECODINGERROR);
    static const uint8_t bad_encoding[] = {0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00};
    assert_decode_fails(GOLDEN(bad_encoding), T_EXTOBJ, UA_STATUS_BADDECODINGERROR);
}

/* ---- 23: DataValue ---------------------------------------------------------- */

static void test_builtin_codec_datavalue_all_fields(void **state)
{
    (void)state;
    ua_Int32 five = 5;
    ua_DataValue dv = {0}, out;
    dv.has_value = dv.has_status = true;
    dv.has_source_timestamp = dv.has_server_timestamp = true;
    dv.has_source_picoseconds = dv.has_server_picoseconds = true;
    dv.value.type = T_INT32;
    dv.value.data = &five;
    dv.status = UA_STATUS_BADDECODINGERROR;
    dv.source_timestamp = T_SAMPLE;
    dv.source_picoseconds = 100;
    dv.server_timestamp = T_SAMPLE + 1;
    dv.server_picoseconds = 200;
    golden(&dv, T_DATAVALUE, GOLDEN(g_datavalue_all), &out);
    assert_true(out.has_value && out.has_status && out.has_source_timestamp &&
                out.has_server_timestamp && out.has_source_picoseconds &&
                out.has_server_picoseconds);
    assert_ptr_equal(out.value.type, T_INT32);
    assert_false(out.value.is_array);
    assert_int_equal(*(const ua_Int32 *)out.value.data, 5);
    assert_int_equal(out.status, UA_STATUS_BADDECODINGERROR);
    assert_true(out.source_timestamp == T_SAMPLE);
    assert_int_equal(out.source_picoseconds, 100);
    assert_true(out.server_timestamp == T_SAMPLE + 1);
    assert_int_equal(out.server_picoseconds, 200);
    ua_clear(&out, T_DATAVALUE);
}

static void test_builtin_codec_datavalue_partial(void **state)
{
    (void)state;
    ua_DataValue dv = {0}, out;
    static const uint8_t empty[] = {0x00};
    golden(&dv, T_DATAVALUE, GOLDEN(empty), &out);
    assert_false(out.has_value || out.has_status || out.has_source_timestamp);
    ua_clear(&out, T_DATAVALUE);

    /* Server timestamp and picoseconds only. */
    static const uint8_t server_only[] = {0x28, T_SAMPLE_BYTES, 0x07, 0x00};
    dv.has_server_timestamp = true;
    dv.server_timestamp = T_SAMPLE;
    dv.has_server_picoseconds = true;
    dv.server_picoseconds = 7;
    golden(&dv, T_DATAVALUE, GOLDEN(server_only), &out);
    assert_false(out.has_value || out.has_status || out.has_source_timestamp ||
                 out.has_source_picoseconds);
    assert_true(out.server_timestamp == T_SAMPLE);
    assert_int_equal(out.server_picoseconds, 7);
    ua_clear(&out, T_DATAVALUE);

    /* A present but empty value. */
    static const uint8_t empty_value[] = {0x03, 0x00, 0x00, 0x00, 0x09, 0x42};
    memset(&dv, 0, sizeof(dv));
    dv.has_value = true;
    dv.has_status = true;
    dv.status = UA_STATUS_UNCERTAINSIMULATEDVALUE;
    golden(&dv, T_DATAVALUE, GOLDEN(empty_value), &out);
    assert_true(out.has_value);
    assert_null(out.value.type);
    assert_int_equal(out.status, UA_STATUS_UNCERTAINSIMULATEDVALUE);
    ua_clear(&out, T_DATAVALUE);
}

/* ---- 24: Variant --------------------------------------------------------------- */

static void test_builtin_codec_variant_scalar(void **state)
{
    (void)state;
    ua_Variant v = {0}, out;
    static const uint8_t empty[] = {0x00};
    golden(&v, T_VARIANT, GOLDEN(empty), &out);
    assert_null(out.type);
    ua_clear(&out, T_VARIANT);

    static const uint8_t int32_m1[] = {0x06, 0xFF, 0xFF, 0xFF, 0xFF};
    ua_Int32 m1 = -1;
    v.type = T_INT32;
    v.data = &m1;
    golden(&v, T_VARIANT, GOLDEN(int32_m1), &out);
    assert_ptr_equal(out.type, T_INT32);
    assert_false(out.is_array);
    assert_int_equal(*(const ua_Int32 *)out.data, -1);
    ua_clear(&out, T_VARIANT);

    static const uint8_t str[] = {0x0C, 0x02, 0x00, 0x00, 0x00, 0x68, 0x69};
    ua_String hi = ua_string_borrow("hi");
    v.type = T_STRING;
    v.data = &hi;
    golden(&v, T_VARIANT, GOLDEN(str), &out);
    assert_ptr_equal(out.type, T_STRING);
    assert_true(ua_string_equal_cstr(out.data, "hi"));
    ua_clear(&out, T_VARIANT);

    static const uint8_t guid[] = {0x0E, GUID_BYTES};
    v.type = T_GUID;
    v.data = (void *)(uintptr_t)&sample_guid;
    golden(&v, T_VARIANT, GOLDEN(guid), &out);
    assert_true(ua_guid_equal(out.data, &sample_guid));
    ua_clear(&out, T_VARIANT);
}

static void test_builtin_codec_variant_enum_travels_as_int32(void **state)
{
    (void)state;
    int32_t node_class = 2; /* NodeClass Variable */
    ua_Variant v = {0}, out;
    v.type = UA_TYPE_NODECLASS;
    v.data = &node_class;
    static const uint8_t bytes[] = {0x06, 0x02, 0x00, 0x00, 0x00};
    assert_encodes(&v, T_VARIANT, GOLDEN(bytes));
    decode_exact(GOLDEN(bytes), &out, T_VARIANT);
    assert_ptr_equal(out.type, T_INT32);
    assert_int_equal(*(const ua_Int32 *)out.data, 2);
    ua_clear(&out, T_VARIANT);
}

static void test_builtin_codec_variant_arrays(void **state)
{
    (void)state;
    ua_UInt16 items[2] = {1, 2};
    ua_Variant v = {0}, out;
    v.type = T_UINT16;
    v.is_array = true;
    v.array_length = 2;
    v.data = items;
    static const uint8_t arr[] = {0x85, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00};
    golden(&v, T_VARIANT, GOLDEN(arr), &out);
    assert_ptr_equal(out.type, T_UINT16);
    assert_true(out.is_array);
    assert_int_equal(out.array_length, 2);
    assert_int_equal(((const ua_UInt16 *)out.data)[0], 1);
    assert_int_equal(((const ua_UInt16 *)out.data)[1], 2);
    assert_int_equal(out.dims_length, 0);
    ua_clear(&out, T_VARIANT);

    /* Null array: length -1, data NULL. */
    static const uint8_t null_arr[] = {0x86, 0xFF, 0xFF, 0xFF, 0xFF};
    memset(&v, 0, sizeof(v));
    v.type = T_INT32;
    v.is_array = true;
    golden(&v, T_VARIANT, GOLDEN(null_arr), &out);
    assert_ptr_equal(out.type, T_INT32);
    assert_true(out.is_array);
    assert_null(out.data);
    assert_int_equal(out.array_length, 0);
    ua_clear(&out, T_VARIANT);

    /* Empty array: length 0, data non-NULL. */
    static const uint8_t empty_arr[] = {0x8B, 0x00, 0x00, 0x00, 0x00};
    v.type = T_DOUBLE;
    v.data = UA_EMPTY_ARRAY;
    golden(&v, T_VARIANT, GOLDEN(empty_arr), &out);
    assert_true(out.is_array);
    assert_non_null(out.data);
    assert_int_equal(out.array_length, 0);
    ua_clear(&out, T_VARIANT);

    /* An array of Variants may mix types. */
    ua_Int32 one = 1;
    ua_String null_s = {0, NULL};
    ua_Variant inner[2] = {{0}, {0}};
    inner[0].type = T_INT32;
    inner[0].data = &one;
    inner[1].type = T_STRING;
    inner[1].data = &null_s;
    memset(&v, 0, sizeof(v));
    v.type = T_VARIANT;
    v.is_array = true;
    v.array_length = 2;
    v.data = inner;
    static const uint8_t var_arr[] = {0x98, 0x02, 0x00, 0x00, 0x00, 0x06, 0x01, 0x00,
                                      0x00, 0x00, 0x0C, 0xFF, 0xFF, 0xFF, 0xFF};
    golden(&v, T_VARIANT, GOLDEN(var_arr), &out);
    const ua_Variant *got = out.data;
    assert_int_equal(out.array_length, 2);
    assert_ptr_equal(got[0].type, T_INT32);
    assert_int_equal(*(const ua_Int32 *)got[0].data, 1);
    assert_ptr_equal(got[1].type, T_STRING);
    assert_null(((const ua_String *)got[1].data)->data);
    ua_clear(&out, T_VARIANT);
}

static void test_builtin_codec_variant_matrix_with_dimensions(void **state)
{
    (void)state;
    ua_Int32 items[6] = {1, 2, 3, 4, 5, 6};
    uint32_t dims[2] = {2, 3};
    ua_Variant v = {0}, out;
    v.type = T_INT32;
    v.is_array = true;
    v.array_length = 6;
    v.data = items;
    v.dims_length = 2;
    v.dims = dims;
    golden(&v, T_VARIANT, GOLDEN(g_variant_matrix), &out);
    assert_true(out.is_array);
    assert_int_equal(out.array_length, 6);
    for (int i = 0; i < 6; i++)
        assert_int_equal(((const ua_Int32 *)out.data)[i], i + 1);
    assert_int_equal(out.dims_length, 2);
    assert_int_equal(out.dims[0], 2);
    assert_int_equal(out.dims[1], 3);
    ua_clear(&out, T_VARIANT);
}

static void test_builtin_codec_variant_rejects_bad_mask_and_dims(void **state)
{
    (void)state;
    /* Dimensions flag without the array flag. */
    static const uint8_t dims_on_scalar[] = {0x46, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00,
                                             0x00, 0x00, 0x01, 0x00, 0x00, 0x00};
    assert_decode_fails(GOLDEN(dims_on_scalar), T_VARIANT, UA_STATUS_BADDECODINGERROR);
    /* Dimensions [2,2] do not describe 3 elements. */
    static const uint8_t mismatch[] = {0xC3, 0x03, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x02, 0x00,
                                       0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00};
    assert_decode_fails(GOLDEN(mismatch), T_VARIANT, UA_STATUS_BADDECODINGERROR);
    /* Type ids above 25 are not built-in types. */
    static const uint8_t bad_type[] = {0x1A, 0x00, 0x00, 0x00, 0x00};
    assert_decode_fails(GOLDEN(bad_type), T_VARIANT, UA_STATUS_BADDECODINGERROR);
    static const uint8_t bad_type2[] = {0x3F};
    assert_decode_fails(GOLDEN(bad_type2), T_VARIANT, UA_STATUS_BADDECODINGERROR);
    /* A negative dimension. */
    static const uint8_t neg_dim[] = {0xC3, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
                                      0x00, 0x00, 0xFE, 0xFF, 0xFF, 0xFF};
    assert_decode_fails(GOLDEN(neg_dim), T_VARIANT, UA_STATUS_BADDECODINGERROR);
}

static void test_builtin_codec_variant_extobj_of_known_type(void **state)
{
    (void)state;
    ua_Range r = {1.0, 2.0};
    ua_ExtensionObject eo = {0};
    eo.encoding = UA_EXTOBJ_DECODED;
    eo.type_id = UA_TYPE_RANGE->binary_encoding_id;
    eo.type = UA_TYPE_RANGE;
    eo.data = &r;
    ua_Variant v = {0}, out;
    v.type = T_EXTOBJ;
    v.data = &eo;
    golden(&v, T_VARIANT, GOLDEN(g_variant_range), &out);
    assert_ptr_equal(out.type, T_EXTOBJ);
    assert_false(out.is_array);
    const ua_ExtensionObject *got = out.data;
    assert_int_equal(got->encoding, UA_EXTOBJ_DECODED);
    assert_ptr_equal(got->type, UA_TYPE_RANGE);
    assert_true(((const ua_Range *)got->data)->low == 1.0);
    assert_true(((const ua_Range *)got->data)->high == 2.0);
    ua_clear(&out, T_VARIANT);

    /* A Variant typed directly as the structure is wrapped on the wire. */
    ua_Variant direct = {0};
    direct.type = UA_TYPE_RANGE;
    direct.data = &r;
    assert_encodes(&direct, T_VARIANT, GOLDEN(g_variant_range));
}

/* ---- 25: DiagnosticInfo --------------------------------------------------------- */

static void test_builtin_codec_diagnosticinfo_nested(void **state)
{
    (void)state;
    ua_DiagnosticInfo innermost = {0}, inner = {0}, outer = {0}, out;
    innermost.has_additional_info = true;
    innermost.additional_info = ua_string_borrow("x");
    inner.has_symbolic_id = true;
    inner.symbolic_id = 7;
    inner.has_inner_diagnostic_info = true;
    inner.inner_diagnostic_info = &innermost;
    outer.has_symbolic_id = outer.has_namespace_uri = true;
    outer.has_locale = outer.has_localized_text = true;
    outer.has_additional_info = outer.has_inner_status = true;
    outer.has_inner_diagnostic_info = true;
    outer.symbolic_id = 1;
    outer.namespace_uri = 2;
    outer.locale = 3;
    outer.localized_text = 4;
    outer.additional_info = ua_string_borrow("info");
    outer.inner_status = UA_STATUS_BADTIMEOUT;
    outer.inner_diagnostic_info = &inner;
    golden(&outer, T_DIAGINFO, GOLDEN(g_diag_nested), &out);
    assert_int_equal(out.symbolic_id, 1);
    assert_int_equal(out.namespace_uri, 2);
    assert_int_equal(out.locale, 3);
    assert_int_equal(out.localized_text, 4);
    assert_true(ua_string_equal_cstr(&out.additional_info, "info"));
    assert_int_equal(out.inner_status, UA_STATUS_BADTIMEOUT);
    assert_true(out.has_inner_diagnostic_info);
    const ua_DiagnosticInfo *i1 = out.inner_diagnostic_info;
    assert_non_null(i1);
    assert_true(i1->has_symbolic_id);
    assert_false(i1->has_namespace_uri || i1->has_additional_info || i1->has_inner_status);
    assert_int_equal(i1->symbolic_id, 7);
    const ua_DiagnosticInfo *i2 = i1->inner_diagnostic_info;
    assert_non_null(i2);
    assert_true(i2->has_additional_info);
    assert_true(ua_string_equal_cstr(&i2->additional_info, "x"));
    assert_false(i2->has_inner_diagnostic_info);
    assert_null(i2->inner_diagnostic_info);
    ua_clear(&out, T_DIAGINFO);
}

static void test_builtin_codec_diagnosticinfo_single_fields(void **state)
{
    (void)state;
    ua_DiagnosticInfo d = {0}, out;
    static const uint8_t empty[] = {0x00};
    golden(&d, T_DIAGINFO, GOLDEN(empty), &out);
    ua_clear(&out, T_DIAGINFO);

    /* Locale alone (mask 0x08) and localizedText alone (mask 0x04). */
    static const uint8_t locale_only[] = {0x08, 0xFF, 0xFF, 0xFF, 0xFF};
    d.has_locale = true;
    d.locale = -1;
    golden(&d, T_DIAGINFO, GOLDEN(locale_only), &out);
    assert_true(out.has_locale);
    assert_false(out.has_localized_text);
    assert_int_equal(out.locale, -1);
    ua_clear(&out, T_DIAGINFO);

    static const uint8_t ltext_only[] = {0x04, 0x09, 0x00, 0x00, 0x00};
    memset(&d, 0, sizeof(d));
    d.has_localized_text = true;
    d.localized_text = 9;
    golden(&d, T_DIAGINFO, GOLDEN(ltext_only), &out);
    assert_true(out.has_localized_text);
    assert_false(out.has_locale);
    assert_int_equal(out.localized_text, 9);
    ua_clear(&out, T_DIAGINFO);
}

/* ---- consecutive values ------------------------------------------------ */

static void test_builtin_codec_decode_advances_pos_over_consecutive_values(void **state)
{
    (void)state;
    ua_Int32 i = -123456789;
    ua_String s = ua_string_borrow("abc");
    ua_NodeId n = ua_nodeid_numeric(0, 85);
    bbuf b;
    bbuf_init(&b, 1 << 20);
    assert_int_equal(ua_encode(&i, T_INT32, &b), UA_STATUS_GOOD);
    assert_int_equal(ua_encode(&s, T_STRING, &b), UA_STATUS_GOOD);
    assert_int_equal(ua_encode(&n, T_NODEID, &b), UA_STATUS_GOOD);
    static const uint8_t all[] = {0xEB, 0x32, 0xA4, 0xF8, 0x03, 0x00, 0x00,
                                  0x00, 0x61, 0x62, 0x63, 0x00, 0x55};
    assert_int_equal(b.len, sizeof(all));
    assert_memory_equal(b.data, all, sizeof(all));
    size_t pos = 0;
    ua_Int32 i_out;
    ua_String s_out;
    ua_NodeId n_out;
    assert_int_equal(ua_decode(b.data, b.len, &pos, &i_out, T_INT32, NULL), UA_STATUS_GOOD);
    assert_int_equal(pos, 4);
    assert_int_equal(ua_decode(b.data, b.len, &pos, &s_out, T_STRING, NULL), UA_STATUS_GOOD);
    assert_int_equal(pos, 11);
    assert_int_equal(ua_decode(b.data, b.len, &pos, &n_out, T_NODEID, NULL), UA_STATUS_GOOD);
    assert_int_equal(pos, 13);
    assert_int_equal(i_out, -123456789);
    assert_true(ua_string_equal_cstr(&s_out, "abc"));
    assert_int_equal(n_out.id.numeric, 85);
    /* Nothing left: a further decode fails and keeps pos. */
    assert_int_equal(ua_decode(b.data, b.len, &pos, &i_out, T_INT32, NULL),
                     UA_STATUS_BADDECODINGERROR);
    assert_int_equal(pos, 13);
    ua_clear(&s_out, T_STRING);
    ua_clear(&n_out, T_NODEID);
    bbuf_clear(&b);
}

/* ---- copy / clear ------------------------------------------------------------- */

static void assert_copy_reencodes(const void *src, const ua_type *type, const uint8_t *exp,
                                  size_t n)
{
    void *copy = malloc(type->mem_size);
    assert_non_null(copy);
    memset(copy, 0xA5, type->mem_size); /* copy takes an uninitialised dst */
    assert_int_equal(ua_copy(src, copy, type), UA_STATUS_GOOD);
    assert_encodes(copy, type, exp, n);
    ua_clear(copy, type);
    free(copy);
}

static const struct {
    unsigned kind;
    const uint8_t *bytes;
    size_t len;
} every_builtin[] = {
    {UA_KIND_BOOLEAN, GOLDEN(g_bool_true)},
    {UA_KIND_SBYTE, GOLDEN(g_sbyte)},
    {UA_KIND_BYTE, GOLDEN(g_byte)},
    {UA_KIND_INT16, GOLDEN(g_int16)},
    {UA_KIND_UINT16, GOLDEN(g_uint16)},
    {UA_KIND_INT32, GOLDEN(g_int32)},
    {UA_KIND_UINT32, GOLDEN(g_uint32)},
    {UA_KIND_INT64, GOLDEN(g_int64_min)},
    {UA_KIND_UINT64, GOLDEN(g_uint64_seq)},
    {UA_KIND_FLOAT, GOLDEN(g_float_one)},
    {UA_KIND_DOUBLE, GOLDEN(g_double_tenth)},
    {UA_KIND_STRING, GOLDEN(g_string_abc)},
    {UA_KIND_STRING, GOLDEN(g_string_null)},
    {UA_KIND_STRING, GOLDEN(g_string_empty)},
    {UA_KIND_DATETIME, GOLDEN(g_datetime)},
    {UA_KIND_GUID, GOLDEN(g_guid)},
    {UA_KIND_BYTESTRING, GOLDEN(g_bytestring)},
    {UA_KIND_XMLELEMENT, GOLDEN(g_xml)},
    {UA_KIND_NODEID, GOLDEN(g_nodeid_string)},
    {UA_KIND_NODEID, GOLDEN(g_nodeid_guid)},
    {UA_KIND_NODEID, GOLDEN(g_nodeid_bytes)},
    {UA_KIND_EXPANDEDNODEID, GOLDEN(g_expnodeid_full)},
    {UA_KIND_STATUSCODE, GOLDEN(g_statuscode)},
    {UA_KIND_QUALIFIEDNAME, GOLDEN(g_qname)},
    {UA_KIND_LOCALIZEDTEXT, GOLDEN(g_ltext_both)},
    {UA_KIND_EXTENSIONOBJECT, GOLDEN(g_extobj_range)},
    {UA_KIND_EXTENSIONOBJECT, GOLDEN(g_extobj_unknown)},
    {UA_KIND_DATAVALUE, GOLDEN(g_datavalue_all)},
    {UA_KIND_VARIANT, GOLDEN(g_variant_matrix)},
    {UA_KIND_VARIANT, GOLDEN(g_variant_ltext_array)},
    {UA_KIND_VARIANT, GOLDEN(g_variant_range)},
    {UA_KIND_DIAGNOSTICINFO, GOLDEN(g_diag_nested)},
};

static void test_builtin_codec_copy_and_clear_every_builtin(void **state)
{
    (void)state;
    bool seen[26] = {false};
    for (size_t i = 0; i < sizeof(every_builtin) / sizeof(every_builtin[0]); i++) {
        const ua_type *type = ua_builtin_type(every_builtin[i].kind);
        assert_non_null(type);
        seen[every_builtin[i].kind] = true;
        void *value = malloc(type->mem_size);
        assert_non_null(value);
        decode_exact(every_builtin[i].bytes, every_builtin[i].len, value, type);
        assert_copy_reencodes(value, type, every_builtin[i].bytes, every_builtin[i].len);
        ua_clear(value, type);
        /* clear leaves a zeroed value that can be cleared again */
        uint8_t *zero = calloc(1, type->mem_size);
        assert_non_null(zero);
        assert_memory_equal(value, zero, type->mem_size);
        ua_clear(value, type);
        free(zero);
        free(value);
    }
    for (unsigned k = 1; k <= 25; k++)
        if (!seen[k])
            fail_msg("built-in %u has no copy sample", k);
}

static void test_builtin_codec_copy_of_zeroed_builtins(void **state)
{
    (void)state;
    for (unsigned k = 1; k <= 25; k++) {
        const ua_type *type = ua_builtin_type(k);
        void *a = calloc(1, type->mem_size);
        void *b = malloc(type->mem_size);
        assert_non_null(a);
        assert_non_null(b);
        assert_int_equal(ua_copy(a, b, type), UA_STATUS_GOOD);
        ua_clear(b, type);
        ua_clear(a, type);
        free(b);
        free(a);
    }
}

static void test_builtin_codec_copy_variant_array_of_localizedtext(void **state)
{
    (void)state;
    ua_LocalizedText items[2] = {{ua_string_borrow("en"), ua_string_borrow("Hi")},
                                 {{0, NULL}, ua_string_borrow("Ho")}};
    ua_Variant v, c;
    assert_int_equal(ua_variant_set_array_copy(&v, items, 2, T_LOCALIZEDTEXT), UA_STATUS_GOOD);
    assert_encodes(&v, T_VARIANT, GOLDEN(g_variant_ltext_array));
    assert_int_equal(ua_copy(&v, &c, T_VARIANT), UA_STATUS_GOOD);
    assert_encodes(&c, T_VARIANT, GOLDEN(g_variant_ltext_array));
    /* Deep: nothing is shared. */
    assert_ptr_not_equal(c.data, v.data);
    const ua_LocalizedText *cv = c.data, *vv = v.data;
    assert_ptr_not_equal(cv[0].text.data, vv[0].text.data);
    assert_ptr_not_equal(cv[0].locale.data, vv[0].locale.data);
    assert_null(cv[1].locale.data);
    ua_clear(&v, T_VARIANT);
    assert_encodes(&c, T_VARIANT, GOLDEN(g_variant_ltext_array));
    ua_clear(&c, T_VARIANT);
}

static void test_builtin_codec_copy_datavalue_with_extobj(void **state)
{
    (void)state;
    static const uint8_t expected[] = {
        0x07,                                           /* value, status, source ts */
        0x16,                                           /* Variant: ExtensionObject */
        0x01, 0x00, 0x76, 0x03, 0x01,                   /* i=886, binary body */
        0x10, 0x00, 0x00, 0x00,                         /* 16 bytes */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F, /* low 1.0 */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, /* high 2.0 */
        0x00, 0x00, 0x00, 0x40,                         /* Uncertain */
        0xE0, 0x34, 0xB0, 0x58, 0x28, 0x3D, 0xDA, 0x01, /* source timestamp */
    };
    ua_Range r = {1.0, 2.0};
    ua_ExtensionObject eo;
    assert_int_equal(ua_extobj_set_copy(&eo, &r, UA_TYPE_RANGE), UA_STATUS_GOOD);
    ua_DataValue dv = {0}, c;
    assert_int_equal(ua_variant_set_scalar_copy(&dv.value, &eo, T_EXTOBJ), UA_STATUS_GOOD);
    ua_clear(&eo, T_EXTOBJ);
    dv.has_value = true;
    dv.has_status = true;
    dv.status = UA_STATUS_UNCERTAIN;
    dv.has_source_timestamp = true;
    dv.source_timestamp = T_SAMPLE;
    assert_encodes(&dv, T_DATAVALUE, GOLDEN(expected));
    assert_int_equal(ua_copy(&dv, &c, T_DATAVALUE), UA_STATUS_GOOD);
    assert_encodes(&c, T_DATAVALUE, GOLDEN(expected));
    const ua_ExtensionObject *ce = c.value.data, *de = dv.value.data;
    assert_ptr_not_equal(ce, de);
    assert_ptr_not_equal(ce->data, de->data);
    ua_clear(&dv, T_DATAVALUE);
    assert_encodes(&c, T_DATAVALUE, GOLDEN(expected));

    /* The decoded form copies the same way. */
    ua_DataValue dec, dec_copy;
    decode_exact(GOLDEN(expected), &dec, T_DATAVALUE);
    assert_int_equal(ua_copy(&dec, &dec_copy, T_DATAVALUE), UA_STATUS_GOOD);
    assert_encodes(&dec_copy, T_DATAVALUE, GOLDEN(expected));
    ua_clear(&dec, T_DATAVALUE);
    ua_clear(&dec_copy, T_DATAVALUE);
    ua_clear(&c, T_DATAVALUE);
}

static void test_builtin_codec_copy_nested_diagnosticinfo(void **state)
{
    (void)state;
    ua_DiagnosticInfo d, c;
    decode_exact(GOLDEN(g_diag_nested), &d, T_DIAGINFO);
    assert_int_equal(ua_copy(&d, &c, T_DIAGINFO), UA_STATUS_GOOD);
    assert_ptr_not_equal(c.inner_diagnostic_info, d.inner_diagnostic_info);
    assert_ptr_not_equal(c.inner_diagnostic_info->inner_diagnostic_info,
                         d.inner_diagnostic_info->inner_diagnostic_info);
    ua_clear(&d, T_DIAGINFO);
    assert_encodes(&c, T_DIAGINFO, GOLDEN(g_diag_nested));
    ua_clear(&c, T_DIAGINFO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_codec_boolean),
        cmocka_unit_test(test_builtin_codec_sbyte_and_byte),
        cmocka_unit_test(test_builtin_codec_int16_and_uint16),
        cmocka_unit_test(test_builtin_codec_int32_and_uint32),
        cmocka_unit_test(test_builtin_codec_int64_extremes),
        cmocka_unit_test(test_builtin_codec_uint64_extremes),
        cmocka_unit_test(test_builtin_codec_float_values),
        cmocka_unit_test(test_builtin_codec_float_special_values),
        cmocka_unit_test(test_builtin_codec_double_values),
        cmocka_unit_test(test_builtin_codec_double_special_values),
        cmocka_unit_test(test_builtin_codec_string),
        cmocka_unit_test(test_builtin_codec_string_null_vs_empty),
        cmocka_unit_test(test_builtin_codec_bytestring),
        cmocka_unit_test(test_builtin_codec_xmlelement),
        cmocka_unit_test(test_builtin_codec_datetime),
        cmocka_unit_test(test_builtin_codec_guid),
        cmocka_unit_test(test_builtin_codec_statuscode),
        cmocka_unit_test(test_builtin_codec_nodeid_numeric_chooses_smallest_form),
        cmocka_unit_test(test_builtin_codec_nodeid_decodes_larger_forms),
        cmocka_unit_test(test_builtin_codec_nodeid_string_guid_bytestring),
        cmocka_unit_test(test_builtin_codec_nodeid_rejects_bad_encoding_byte),
        cmocka_unit_test(test_builtin_codec_expnodeid),
        cmocka_unit_test(test_builtin_codec_qualifiedname),
        cmocka_unit_test(test_builtin_codec_localizedtext_masks),
        cmocka_unit_test(test_builtin_codec_extobj_known_type_decodes),
        cmocka_unit_test(test_builtin_codec_extobj_unknown_type_kept_opaque),
        cmocka_unit_test(test_builtin_codec_extobj_empty_and_xml),
        cmocka_unit_test(test_builtin_codec_extobj_body_bounds),
        cmocka_unit_test(test_builtin_codec_datavalue_all_fields),
        cmocka_unit_test(test_builtin_codec_datavalue_partial),
        cmocka_unit_test(test_builtin_codec_variant_scalar),
        cmocka_unit_test(test_builtin_codec_variant_enum_travels_as_int32),
        cmocka_unit_test(test_builtin_codec_variant_arrays),
        cmocka_unit_test(test_builtin_codec_variant_matrix_with_dimensions),
        cmocka_unit_test(test_builtin_codec_variant_rejects_bad_mask_and_dims),
        cmocka_unit_test(test_builtin_codec_variant_extobj_of_known_type),
        cmocka_unit_test(test_builtin_codec_diagnosticinfo_nested),
        cmocka_unit_test(test_builtin_codec_diagnosticinfo_single_fields),
        cmocka_unit_test(test_builtin_codec_decode_advances_pos_over_consecutive_values),
        cmocka_unit_test(test_builtin_codec_copy_and_clear_every_builtin),
        cmocka_unit_test(test_builtin_codec_copy_of_zeroed_builtins),
        cmocka_unit_test(test_builtin_codec_copy_variant_array_of_localizedtext),
        cmocka_unit_test(test_builtin_codec_copy_datavalue_with_extobj),
        cmocka_unit_test(test_builtin_codec_copy_nested_diagnosticinfo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
