/* Structures with optional fields (Part 6 (1.05) 5.2.7) and unions (5.2.8)
 * through hand-built descriptors, the shape runtime-discovered server types
 * take. Golden bytes derived from the encoding-mask / switch-field rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ua_binary.h"
#include "ua_statuscodes.h"

typedef struct opt_s {
    int32_t a;    /* mandatory */
    double *b;    /* optional scalar: bit 0 */
    size_t cSize; /* optional array: bit 1 */
    ua_String *c;
} opt_s;

static const ua_member opt_members[] = {
    {"a", UA_BUILTIN(UA_KIND_INT32), offsetof(opt_s, a), false, false},
    {"b", UA_BUILTIN(UA_KIND_DOUBLE), offsetof(opt_s, b), false, true},
    {"c", UA_BUILTIN(UA_KIND_STRING), offsetof(opt_s, cSize), true, true},
};

static const ua_type opt_type = {"OptStruct",
                                 {2, UA_NODEID_NUMERIC, {.numeric = 5001}},
                                 {2, UA_NODEID_NUMERIC, {.numeric = 5002}},
                                 sizeof(opt_s),
                                 UA_KIND_OPTSTRUCT,
                                 false,
                                 3,
                                 opt_members};

typedef struct uni_s {
    uint32_t switchField;
    union {
        int32_t i;
        ua_String s;
    } u;
} uni_s;

static const ua_member uni_members[] = {
    {"i", UA_BUILTIN(UA_KIND_INT32), offsetof(uni_s, u.i), false, false},
    {"s", UA_BUILTIN(UA_KIND_STRING), offsetof(uni_s, u.s), false, false},
};

static const ua_type uni_type = {"Uni",
                                 {2, UA_NODEID_NUMERIC, {.numeric = 5003}},
                                 {2, UA_NODEID_NUMERIC, {.numeric = 5004}},
                                 sizeof(uni_s),
                                 UA_KIND_UNION,
                                 false,
                                 2,
                                 uni_members};

static void expect_bytes(const void *v, const ua_type *t, const uint8_t *want, size_t n)
{
    bbuf b;
    bbuf_init(&b, 1024);
    assert_int_equal(ua_encode(v, t, &b), UA_STATUS_GOOD);
    assert_int_equal(b.len, n);
    assert_memory_equal(b.data, want, n);
    bbuf_clear(&b);
}

static void test_struct_kinds_optional_fields_absent(void **state)
{
    (void)state;
    opt_s v = {0};
    v.a = 7;
    static const uint8_t want[] = {0, 0, 0, 0, 7, 0, 0, 0};
    expect_bytes(&v, &opt_type, want, sizeof(want));
    opt_s back;
    size_t pos = 0;
    assert_int_equal(ua_decode(want, sizeof(want), &pos, &back, &opt_type, NULL), UA_STATUS_GOOD);
    assert_int_equal(back.a, 7);
    assert_null(back.b);
    assert_null(back.c);
    ua_clear(&back, &opt_type);
}

static void test_struct_kinds_optional_fields_present(void **state)
{
    (void)state;
    double b = 1.0;
    ua_String c[1] = {ua_string_borrow("hi")};
    opt_s v = {7, &b, 1, c};
    static const uint8_t want[] = {3, 0,    0,    0, 7, 0, 0, 0, 0, 0, 0, 0,   0,
                                   0, 0xF0, 0x3F, 1, 0, 0, 0, 2, 0, 0, 0, 'h', 'i'};
    expect_bytes(&v, &opt_type, want, sizeof(want));
    opt_s back;
    size_t pos = 0;
    assert_int_equal(ua_decode(want, sizeof(want), &pos, &back, &opt_type, NULL), UA_STATUS_GOOD);
    assert_non_null(back.b);
    assert_true(*back.b == 1.0);
    assert_int_equal(back.cSize, 1);
    assert_true(ua_string_equal_cstr(&back.c[0], "hi"));
    opt_s copy;
    assert_int_equal(ua_copy(&back, &copy, &opt_type), UA_STATUS_GOOD);
    expect_bytes(&copy, &opt_type, want, sizeof(want));
    ua_clear(&copy, &opt_type);
    ua_clear(&back, &opt_type);

    /* Only the array present: mask bit 1. */
    static const uint8_t only_c[] = {2, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0};
    pos = 0;
    assert_int_equal(ua_decode(only_c, sizeof(only_c), &pos, &back, &opt_type, NULL),
                     UA_STATUS_GOOD);
    assert_null(back.b);
    assert_non_null(back.c); /* empty, but present */
    assert_int_equal(back.cSize, 0);
    expect_bytes(&back, &opt_type, only_c, sizeof(only_c));
    ua_clear(&back, &opt_type);
}

static void test_struct_kinds_union_arms(void **state)
{
    (void)state;
    uni_s v = {0};
    static const uint8_t none[] = {0, 0, 0, 0};
    expect_bytes(&v, &uni_type, none, sizeof(none));
    v.switchField = 2;
    v.u.s = ua_string_borrow("ok");
    static const uint8_t arm2[] = {2, 0, 0, 0, 2, 0, 0, 0, 'o', 'k'};
    expect_bytes(&v, &uni_type, arm2, sizeof(arm2));
    uni_s back;
    size_t pos = 0;
    assert_int_equal(ua_decode(arm2, sizeof(arm2), &pos, &back, &uni_type, NULL), UA_STATUS_GOOD);
    assert_int_equal(back.switchField, 2);
    assert_true(ua_string_equal_cstr(&back.u.s, "ok"));
    ua_clear(&back, &uni_type);

    static const uint8_t arm1[] = {1, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF};
    pos = 0;
    assert_int_equal(ua_decode(arm1, sizeof(arm1), &pos, &back, &uni_type, NULL), UA_STATUS_GOOD);
    assert_int_equal(back.u.i, -2);
    ua_clear(&back, &uni_type);

    static const uint8_t bad_switch[] = {3, 0, 0, 0, 0, 0, 0, 0};
    pos = 0;
    assert_int_equal(ua_decode(bad_switch, sizeof(bad_switch), &pos, &back, &uni_type, NULL),
                     UA_STATUS_BADDECODINGERROR);
}

/* A resolver hands runtime types to ExtensionObject decoding. */
static const ua_type *resolve(void *ctx, const ua_NodeId *id)
{
    (void)ctx;
    return id->ns == 2 && id->id_type == UA_NODEID_NUMERIC && id->id.numeric == 5004 ? &uni_type
                                                                                     : NULL;
}

static void test_struct_kinds_resolver_decodes_runtime_types(void **state)
{
    (void)state;
    static const uint8_t eo[] = {0x01, 0x02, 0x8C, 0x13, 0x01, 8, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0};
    ua_decode_opts opts = {NULL, resolve, NULL};
    ua_ExtensionObject v;
    size_t pos = 0;
    assert_int_equal(
        ua_decode(eo, sizeof(eo), &pos, &v, UA_BUILTIN(UA_KIND_EXTENSIONOBJECT), &opts),
        UA_STATUS_GOOD);
    assert_int_equal(v.encoding, UA_EXTOBJ_DECODED);
    assert_ptr_equal(v.type, &uni_type);
    assert_int_equal(((uni_s *)v.data)->u.i, 5);
    expect_bytes(&v, UA_BUILTIN(UA_KIND_EXTENSIONOBJECT), eo, sizeof(eo));
    ua_clear(&v, UA_BUILTIN(UA_KIND_EXTENSIONOBJECT));

    /* Without the resolver the body stays opaque and re-encodes as is. */
    pos = 0;
    assert_int_equal(ua_decode(eo, sizeof(eo), &pos, &v, UA_BUILTIN(UA_KIND_EXTENSIONOBJECT), NULL),
                     UA_STATUS_GOOD);
    assert_int_equal(v.encoding, UA_EXTOBJ_BINARY);
    assert_int_equal(v.body.length, 8);
    expect_bytes(&v, UA_BUILTIN(UA_KIND_EXTENSIONOBJECT), eo, sizeof(eo));
    ua_clear(&v, UA_BUILTIN(UA_KIND_EXTENSIONOBJECT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_struct_kinds_optional_fields_absent),
        cmocka_unit_test(test_struct_kinds_optional_fields_present),
        cmocka_unit_test(test_struct_kinds_union_arms),
        cmocka_unit_test(test_struct_kinds_resolver_decodes_runtime_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
