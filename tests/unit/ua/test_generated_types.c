/* Every generated structure and enumeration of Opc.Ua.Types.bsd: the
 * generator covers them all, and a default and a filled instance of each
 * survive encode -> decode -> encode and copy unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua_fill.h"
#include "ua_nodeids.h"
#include "ua_binary.h"
#include "ua_statuscodes.h"

/* Encodes v, decodes the bytes, re-encodes and checks the bytes match. */
static void check_round_trip(const void *v, const ua_type *type)
{
    bbuf a, b;
    bbuf_init(&a, 1 << 24);
    bbuf_init(&b, 1 << 24);
    assert_int_equal(ua_encode(v, type, &a), UA_STATUS_GOOD);

    void *back = ua_new(type);
    assert_non_null(back);
    size_t pos = 0;
    ua_status st = ua_decode(a.data, a.len, &pos, back, type, NULL);
    if (st != UA_STATUS_GOOD)
        fail_msg("%s: decode failed with %s", type->name, ua_status_name(st));
    assert_int_equal(pos, a.len);
    assert_int_equal(ua_encode(back, type, &b), UA_STATUS_GOOD);
    if (a.len != b.len || (a.len && memcmp(a.data, b.data, a.len) != 0))
        fail_msg("%s: re-encoding differs", type->name);

    /* A deep copy encodes to the same bytes too. */
    void *copy = ua_new(type);
    assert_non_null(copy);
    assert_int_equal(ua_copy(back, copy, type), UA_STATUS_GOOD);
    b.len = 0;
    assert_int_equal(ua_encode(copy, type, &b), UA_STATUS_GOOD);
    assert_true(a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0));

    ua_delete(copy, type);
    ua_delete(back, type);
    bbuf_clear(&a);
    bbuf_clear(&b);
}

static void test_generated_types_default_instances_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < UA_TYPES_COUNT; i++) {
        const ua_type *t = &ua_types_table[i];
        void *v = ua_new(t);
        assert_non_null(v);
        check_round_trip(v, t);
        ua_delete(v, t);
    }
}

static void test_generated_types_filled_instances_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < UA_TYPES_COUNT; i++) {
        const ua_type *t = &ua_types_table[i];
        void *v = ua_new(t);
        assert_non_null(v);
        assert_int_equal(ua_fill(v, t, (uint32_t)i + 1), UA_STATUS_GOOD);
        check_round_trip(v, t);
        ua_delete(v, t);
    }
}

/* Each structure with a binary encoding id travels inside an
 * ExtensionObject and comes back decoded as the same type. */
static void test_generated_types_extension_objects_decode_to_known_types(void **state)
{
    (void)state;
    size_t with_encoding = 0;
    for (size_t i = 0; i < UA_TYPES_COUNT; i++) {
        const ua_type *t = &ua_types_table[i];
        if (t->kind != UA_KIND_STRUCTURE || t->binary_encoding_id.id.numeric == 0)
            continue;
        with_encoding++;
        assert_ptr_equal(ua_find_type_by_encoding_id(t->binary_encoding_id.id.numeric), t);
        void *v = ua_new(t);
        assert_int_equal(ua_fill(v, t, 7), UA_STATUS_GOOD);
        ua_ExtensionObject eo;
        assert_int_equal(ua_extobj_set_copy(&eo, v, t), UA_STATUS_GOOD);
        bbuf b;
        bbuf_init(&b, 1 << 24);
        assert_int_equal(ua_encode(&eo, UA_BUILTIN(UA_KIND_EXTENSIONOBJECT), &b), UA_STATUS_GOOD);
        ua_ExtensionObject back;
        size_t pos = 0;
        assert_int_equal(
            ua_decode(b.data, b.len, &pos, &back, UA_BUILTIN(UA_KIND_EXTENSIONOBJECT), NULL),
            UA_STATUS_GOOD);
        assert_int_equal(back.encoding, UA_EXTOBJ_DECODED);
        assert_ptr_equal(back.type, t);
        ua_clear(&back, UA_BUILTIN(UA_KIND_EXTENSIONOBJECT));
        ua_clear(&eo, UA_BUILTIN(UA_KIND_EXTENSIONOBJECT));
        ua_delete(v, t);
        bbuf_clear(&b);
    }
    assert_true(with_encoding > 250);
}

/* Counts "<opc:TAG" occurrences in the schema file. */
static size_t count_in_schema(const char *tag)
{
    FILE *f = fopen(OSM_SCHEMA_DIR "/Opc.Ua.Types.bsd", "r");
    assert_non_null(f);
    char line[4096];
    size_t n = 0;
    while (fgets(line, sizeof(line), f))
        if (strstr(line, tag))
            n++;
    fclose(f);
    return n;
}

static void test_generated_types_cover_the_whole_schema(void **state)
{
    (void)state;
    /* 15 structures and 1 enumeration of the schema's built-in section
     * (NodeId forms, Variant, DataValue, ...) are hand-written. */
    size_t structs = count_in_schema("<opc:StructuredType ") - 15;
    size_t enums = count_in_schema("<opc:EnumeratedType ") - 1;
    assert_int_equal(UA_TYPES_COUNT, structs + enums);
    size_t seen_structs = 0, seen_enums = 0;
    for (size_t i = 0; i < UA_TYPES_COUNT; i++) {
        if (ua_types_table[i].kind == UA_KIND_STRUCTURE)
            seen_structs++;
        else
            seen_enums++;
    }
    assert_int_equal(seen_structs, structs);
    assert_int_equal(seen_enums, enums);
}

static void test_generated_types_lookup_by_ids(void **state)
{
    (void)state;
    assert_ptr_equal(ua_find_type_by_encoding_id(631), UA_TYPE_READREQUEST);
    assert_ptr_equal(ua_find_type_by_type_id(629), UA_TYPE_READREQUEST);
    assert_ptr_equal(ua_find_type_by_encoding_id(886), UA_TYPE_RANGE);
    assert_null(ua_find_type_by_encoding_id(1));
    assert_string_equal(UA_TYPE_READREQUEST->name, "ReadRequest");
    assert_int_equal(UA_TYPE_READREQUEST->members_size, 4);
    assert_string_equal(UA_TYPE_READREQUEST->members[3].name, "nodesToRead");
    assert_true(UA_TYPE_READREQUEST->members[3].is_array);
    assert_int_equal(UA_NODECLASS_VARIABLE, 2);
    assert_int_equal(UA_NS0_SERVER, 2253);
    assert_int_equal(UA_ATTRIBUTEID_VALUE, 13);
}

/* Golden bytes of a small request derived from Part 4/6 by hand:
 * ReadRequest{header{authToken i=0, ts 0, handle 1, diag 0, audit null,
 * timeout 0, additional header empty}, maxAge 0, Both, [i=2258 Value]}. */
static void test_generated_types_read_request_golden_bytes(void **state)
{
    (void)state;
    static const uint8_t golden[] = {
        0x00, 0x00,                               /* authenticationToken i=0 */
        0,    0,    0,    0,    0,    0,    0, 0, /* timestamp */
        1,    0,    0,    0,                      /* requestHandle */
        0,    0,    0,    0,                      /* returnDiagnostics */
        0xFF, 0xFF, 0xFF, 0xFF,                   /* auditEntryId null */
        0,    0,    0,    0,                      /* timeoutHint */
        0x00, 0x00, 0x00,                         /* additionalHeader empty */
        0,    0,    0,    0,    0,    0,    0, 0, /* maxAge 0.0 */
        2,    0,    0,    0,                      /* TimestampsToReturn Both */
        1,    0,    0,    0,                      /* one node */
        0x01, 0x00, 0xD2, 0x08,                   /* nodeId i=2258 (four-byte) */
        13,   0,    0,    0,                      /* attributeId Value */
        0xFF, 0xFF, 0xFF, 0xFF,                   /* indexRange null */
        0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF,       /* dataEncoding null name */
    };
    ua_ReadRequest req;
    ua_init(&req, UA_TYPE_READREQUEST);
    req.requestHeader.requestHandle = 1;
    req.timestampsToReturn = UA_TIMESTAMPSTORETURN_BOTH;
    ua_ReadValueId rv;
    ua_init(&rv, UA_TYPE_READVALUEID);
    rv.nodeId = ua_nodeid_numeric(0, 2258);
    rv.attributeId = 13;
    req.nodesToRead = &rv;
    req.nodesToReadSize = 1;
    bbuf b;
    bbuf_init(&b, 4096);
    assert_int_equal(ua_encode(&req, UA_TYPE_READREQUEST, &b), UA_STATUS_GOOD);
    assert_int_equal(b.len, sizeof(golden));
    assert_memory_equal(b.data, golden, sizeof(golden));

    ua_ReadRequest back;
    size_t pos = 0;
    assert_int_equal(ua_decode(golden, sizeof(golden), &pos, &back, UA_TYPE_READREQUEST, NULL),
                     UA_STATUS_GOOD);
    assert_int_equal(back.nodesToReadSize, 1);
    assert_int_equal(back.nodesToRead[0].nodeId.id.numeric, 2258);
    assert_null(back.nodesToRead[0].indexRange.data);
    ua_clear(&back, UA_TYPE_READREQUEST);
    bbuf_clear(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generated_types_default_instances_round_trip),
        cmocka_unit_test(test_generated_types_filled_instances_round_trip),
        cmocka_unit_test(test_generated_types_extension_objects_decode_to_known_types),
        cmocka_unit_test(test_generated_types_cover_the_whole_schema),
        cmocka_unit_test(test_generated_types_lookup_by_ids),
        cmocka_unit_test(test_generated_types_read_request_golden_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
