/* Unit tests of the generated StatusCode names and descriptions
 * (ua_statuscodes.c from StatusCode.csv) and the severity macros
 * (Part 4 (1.05) 7.39: the top two bits are the severity). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ua_statuscodes.h"

static void test_statuscodes_name_of_bad_decoding_error(void **state)
{
    (void)state;
    assert_string_equal(ua_status_name(UA_STATUS_BADDECODINGERROR), "BadDecodingError");
    assert_string_equal(ua_status_name(0x80070000u), "BadDecodingError");
    assert_string_equal(ua_status_name_or_null(UA_STATUS_BADDECODINGERROR), "BadDecodingError");
}

static void test_statuscodes_name_of_good(void **state)
{
    (void)state;
    assert_string_equal(ua_status_name(UA_STATUS_GOOD), "Good");
    assert_string_equal(ua_status_name(0), "Good");
}

static void test_statuscodes_name_of_other_codes(void **state)
{
    (void)state;
    assert_string_equal(ua_status_name(UA_STATUS_BADTIMEOUT), "BadTimeout");
    assert_string_equal(ua_status_name(UA_STATUS_UNCERTAIN), "Uncertain");
    assert_string_equal(ua_status_name(UA_STATUS_BAD), "Bad");
    assert_string_equal(ua_status_name(UA_STATUS_BADNODEIDINVALID), "BadNodeIdInvalid");
    assert_string_equal(ua_status_name(UA_STATUS_BADSESSIONIDINVALID), "BadSessionIdInvalid");
}

static void test_statuscodes_name_ignores_info_bits(void **state)
{
    (void)state;
    /* The low 16 bits carry InfoType/limit/overflow flags (Part 4 7.39.1). */
    assert_string_equal(ua_status_name(0x80070000u | 0x0400u), "BadDecodingError");
    assert_string_equal(ua_status_name(UA_STATUS_BADDECODINGERROR | 0xFFFFu), "BadDecodingError");
    assert_string_equal(ua_status_name(UA_STATUS_GOOD | 0x0400u), "Good");
    assert_string_equal(ua_status_name_or_null(UA_STATUS_BADTIMEOUT | 0x0001u), "BadTimeout");
}

static void test_statuscodes_unknown_code_prints_hex(void **state)
{
    (void)state;
    uint32_t unknown = 0x8FFF0000u;
    assert_null(ua_status_name_or_null(unknown));
    assert_string_equal(ua_status_name(unknown), "0x8FFF0000");
    assert_string_equal(ua_status_name(0x4ABC0012u), "0x4ABC0012");
    assert_string_equal(ua_status_description(unknown), "");
}

static void test_statuscodes_description_of_bad_timeout(void **state)
{
    (void)state;
    const char *text = ua_status_description(UA_STATUS_BADTIMEOUT);
    assert_non_null(text);
    assert_true(strlen(text) > 0);
    assert_string_not_equal(text, "BadTimeout");
    assert_true(strlen(ua_status_description(UA_STATUS_GOOD)) > 0);
}

static void test_statuscodes_severity_macros(void **state)
{
    (void)state;
    assert_true(UA_STATUS_IS_GOOD(UA_STATUS_GOOD));
    assert_false(UA_STATUS_IS_BAD(UA_STATUS_GOOD));
    assert_false(UA_STATUS_IS_UNCERTAIN(UA_STATUS_GOOD));

    assert_true(UA_STATUS_IS_GOOD(UA_STATUS_GOODCLAMPED));
    assert_true(UA_STATUS_IS_GOOD(0x00000400u));

    assert_true(UA_STATUS_IS_BAD(UA_STATUS_BADDECODINGERROR));
    assert_false(UA_STATUS_IS_GOOD(UA_STATUS_BADDECODINGERROR));
    assert_false(UA_STATUS_IS_UNCERTAIN(UA_STATUS_BADDECODINGERROR));
    /* 0xC0... is reserved but still has the Bad bit set. */
    assert_true(UA_STATUS_IS_BAD(0xC0000000u));
    assert_false(UA_STATUS_IS_UNCERTAIN(0xC0000000u));
    assert_false(UA_STATUS_IS_GOOD(0xC0000000u));

    assert_true(UA_STATUS_IS_UNCERTAIN(UA_STATUS_UNCERTAIN));
    assert_true(UA_STATUS_IS_UNCERTAIN(UA_STATUS_UNCERTAINSIMULATEDVALUE));
    assert_false(UA_STATUS_IS_BAD(UA_STATUS_UNCERTAINSIMULATEDVALUE));
    assert_false(UA_STATUS_IS_GOOD(UA_STATUS_UNCERTAINSIMULATEDVALUE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statuscodes_name_of_bad_decoding_error),
        cmocka_unit_test(test_statuscodes_name_of_good),
        cmocka_unit_test(test_statuscodes_name_of_other_codes),
        cmocka_unit_test(test_statuscodes_name_ignores_info_bits),
        cmocka_unit_test(test_statuscodes_unknown_code_prints_hex),
        cmocka_unit_test(test_statuscodes_description_of_bad_timeout),
        cmocka_unit_test(test_statuscodes_severity_macros),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
