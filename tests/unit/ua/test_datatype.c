/* Unit tests of the DataType -> built-in type mapping
 * (src/ua/types/ua_datatype.c): built-ins, abstract types, simple
 * namespace-0 subtypes, enumerations, option sets, structures, and types
 * it cannot know. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ua_datatype.h"
#include "ua_nodeids.h"

static unsigned of(uint16_t ns, uint32_t id)
{
    ua_NodeId n = ua_nodeid_numeric(ns, id);
    return ua_datatype_builtin(&n);
}

static void test_datatype_builtins(void **state)
{
    (void)state;
    for (uint32_t id = UA_KIND_BOOLEAN; id <= UA_KIND_DIAGNOSTICINFO; id++)
        assert_int_equal(of(0, id), id == UA_NS0_BASEDATATYPE ? UA_KIND_VARIANT : id);
    assert_int_equal(of(0, UA_NS0_STRUCTURE), UA_KIND_EXTENSIONOBJECT);
}

static void test_datatype_abstract(void **state)
{
    (void)state;
    assert_int_equal(of(0, UA_NS0_BASEDATATYPE), UA_KIND_VARIANT);
    assert_int_equal(of(0, UA_NS0_NUMBER), UA_KIND_VARIANT);
    assert_int_equal(of(0, UA_NS0_INTEGER), UA_KIND_VARIANT);
    assert_int_equal(of(0, UA_NS0_UINTEGER), UA_KIND_VARIANT);
}

static void test_datatype_simple_subtypes(void **state)
{
    (void)state;
    assert_int_equal(of(0, UA_NS0_DURATION), UA_KIND_DOUBLE);
    assert_int_equal(of(0, UA_NS0_UTCTIME), UA_KIND_DATETIME);
    assert_int_equal(of(0, UA_NS0_LOCALEID), UA_KIND_STRING);
    assert_int_equal(of(0, UA_NS0_NUMERICRANGE), UA_KIND_STRING);
    assert_int_equal(of(0, UA_NS0_INTEGERID), UA_KIND_UINT32);
    assert_int_equal(of(0, UA_NS0_COUNTER), UA_KIND_UINT32);
    assert_int_equal(of(0, UA_NS0_INDEX), UA_KIND_UINT32);
    assert_int_equal(of(0, UA_NS0_VERSIONTIME), UA_KIND_UINT32);
    assert_int_equal(of(0, UA_NS0_IMAGE), UA_KIND_BYTESTRING);
    assert_int_equal(of(0, UA_NS0_IMAGEPNG), UA_KIND_BYTESTRING);
    assert_int_equal(of(0, UA_NS0_APPLICATIONINSTANCECERTIFICATE), UA_KIND_BYTESTRING);
    assert_int_equal(of(0, UA_NS0_NORMALIZEDSTRING), UA_KIND_STRING);
    assert_int_equal(of(0, UA_NS0_DATESTRING), UA_KIND_STRING);
    assert_int_equal(of(0, UA_NS0_BITFIELDMASKDATATYPE), UA_KIND_UINT64);
    assert_int_equal(of(0, UA_NS0_TRIMMEDSTRING), UA_KIND_STRING);
}

static void test_datatype_generated(void **state)
{
    (void)state;
    /* enumerations travel as Int32 */
    assert_int_equal(of(0, UA_NS0_ENUMERATION), UA_KIND_INT32);
    assert_int_equal(of(0, UA_NS0_SERVERSTATE), UA_KIND_INT32);
    /* option sets as their integer */
    assert_int_equal(of(0, UA_NS0_ACCESSLEVELTYPE), UA_KIND_BYTE);
    assert_int_equal(of(0, UA_NS0_PERMISSIONTYPE), UA_KIND_UINT32);
    /* structures as ExtensionObjects */
    assert_int_equal(of(0, UA_NS0_RANGE), UA_KIND_EXTENSIONOBJECT);
    assert_int_equal(of(0, UA_NS0_BUILDINFO), UA_KIND_EXTENSIONOBJECT);
    assert_int_equal(of(0, UA_NS0_UNION), UA_KIND_EXTENSIONOBJECT);
}

static void test_datatype_unknown(void **state)
{
    (void)state;
    assert_int_equal(of(1, UA_KIND_DOUBLE), 0); /* server-defined */
    assert_int_equal(of(0, 0), 0);
    assert_int_equal(of(0, UA_NS0_DECIMAL), 0);
    assert_int_equal(of(0, 4000000000u), 0);
    ua_NodeId s = {.ns = 0, .id_type = UA_NODEID_STRING};
    assert_int_equal(ua_datatype_builtin(&s), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_datatype_builtins),        cmocka_unit_test(test_datatype_abstract),
        cmocka_unit_test(test_datatype_simple_subtypes), cmocka_unit_test(test_datatype_generated),
        cmocka_unit_test(test_datatype_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
