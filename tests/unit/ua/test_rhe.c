/* ReverseHello parser and checks (Part 6 (1.05) 7.1.2.6; the order of the
 * checks of shared/spec/reverse-connect.md §4). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ua_binary.h"
#include "ua_rhe.h"
#include "ua_statuscodes.h"
#include "ua_tcp.h"

/* Builds an RHE with the given raw string lengths (-1 = null) and bytes. */
static size_t build(uint8_t *out, int32_t n1, const char *s1, int32_t n2, const char *s2)
{
    size_t pos = 8;
    ua_write_u32(out + pos, (uint32_t)n1);
    pos += 4;
    if (n1 > 0) {
        memcpy(out + pos, s1, (size_t)n1);
        pos += (size_t)n1;
    }
    ua_write_u32(out + pos, (uint32_t)n2);
    pos += 4;
    if (n2 > 0) {
        memcpy(out + pos, s2, (size_t)n2);
        pos += (size_t)n2;
    }
    memcpy(out, "RHEF", 4);
    ua_write_u32(out + 4, (uint32_t)pos);
    return pos;
}

static void test_rhe_parses_the_spec_example(void **state)
{
    (void)state;
    static const uint8_t ex[] = {0x52, 0x48, 0x45, 0x46, 0x25, 0x00, 0x00, 0x00, 0x05, 0x00,
                                 0x00, 0x00, 0x75, 0x72, 0x6E, 0x3A, 0x78, 0x10, 0x00, 0x00,
                                 0x00, 0x6F, 0x70, 0x63, 0x2E, 0x74, 0x63, 0x70, 0x3A, 0x2F,
                                 0x2F, 0x68, 0x3A, 0x34, 0x38, 0x34, 0x30};
    ua_rhe m;
    size_t used;
    assert_int_equal(ua_rhe_parse(ex, sizeof(ex), 0, &m, &used), UA_STATUS_GOOD);
    assert_int_equal(used, 37);
    assert_string_equal(m.server_uri, "urn:x");
    assert_string_equal(m.endpoint_url, "opc.tcp://h:4840");
    ua_rhe_clear(&m);
    /* Our encoder writes the same bytes. */
    bbuf b;
    bbuf_init(&b, 1024);
    assert_int_equal(ua_tcp_rhe_encode("urn:x", "opc.tcp://h:4840", &b), UA_STATUS_GOOD);
    assert_int_equal(b.len, sizeof(ex));
    assert_memory_equal(b.data, ex, sizeof(ex));
    bbuf_clear(&b);
}

static void test_rhe_waits_for_more_bytes(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t n = build(buf, 5, "urn:x", 16, "opc.tcp://h:4840");
    for (size_t k = 0; k < n; k++) {
        ua_rhe m;
        size_t used = 99;
        assert_int_equal(ua_rhe_parse(buf, k, 0, &m, &used), UA_STATUS_GOOD);
        assert_int_equal(used, 0);
        assert_null(m.server_uri);
    }
}

static void test_rhe_rejects_wrong_type_early(void **state)
{
    (void)state;
    ua_rhe m;
    size_t used;
    assert_int_equal(ua_rhe_parse((const uint8_t *)"HE", 2, 0, &m, &used),
                     UA_STATUS_BADTCPMESSAGETYPEINVALID);
    assert_int_equal(ua_rhe_parse((const uint8_t *)"RHEC", 4, 0, &m, &used),
                     UA_STATUS_BADTCPMESSAGETYPEINVALID);
    uint8_t hel[16] = {'H', 'E', 'L', 'F', 16};
    assert_int_equal(ua_rhe_parse(hel, sizeof(hel), 0, &m, &used),
                     UA_STATUS_BADTCPMESSAGETYPEINVALID);
}

static void test_rhe_rejects_sizes_from_the_header(void **state)
{
    (void)state;
    ua_rhe m;
    size_t used;
    uint8_t small[8] = {'R', 'H', 'E', 'F', 15, 0, 0, 0};
    assert_int_equal(ua_rhe_parse(small, 8, 0, &m, &used), UA_STATUS_BADTCPMESSAGETOOLARGE);
    uint8_t huge[8] = {'R', 'H', 'E', 'F', 0xff, 0xff, 0xff, 0x7f};
    assert_int_equal(ua_rhe_parse(huge, 8, 0, &m, &used), UA_STATUS_BADTCPMESSAGETOOLARGE);
    uint8_t over[8] = {'R', 'H', 'E', 'F'};
    ua_write_u32(over + 4, UA_RHE_MAX_SIZE + 1);
    assert_int_equal(ua_rhe_parse(over, 8, 0, &m, &used), UA_STATUS_BADTCPMESSAGETOOLARGE);
    ua_write_u32(over + 4, 100);
    assert_int_equal(ua_rhe_parse(over, 8, 64, &m, &used), UA_STATUS_BADTCPMESSAGETOOLARGE);
}

static void test_rhe_rejects_bad_strings(void **state)
{
    (void)state;
    uint8_t buf[UA_RHE_MAX_SIZE + 16];
    ua_rhe m;
    size_t used;
    /* null strings become "" */
    size_t n = build(buf, -1, NULL, -1, NULL);
    assert_int_equal(ua_rhe_parse(buf, n, 0, &m, &used), UA_STATUS_GOOD);
    assert_string_equal(m.server_uri, "");
    assert_string_equal(m.endpoint_url, "");
    ua_rhe_clear(&m);
    /* a length below -1 */
    n = build(buf, -2, NULL, 0, NULL);
    assert_int_equal(ua_rhe_parse(buf, n, 0, &m, &used), UA_STATUS_BADDECODINGERROR);
    /* a length past the message */
    n = build(buf, 3, "abc", 3, "def");
    ua_write_u32(buf + 8, 9);
    assert_int_equal(ua_rhe_parse(buf, n, 0, &m, &used), UA_STATUS_BADDECODINGERROR);
    /* bytes left over inside the message */
    n = build(buf, 3, "abc", 3, "def");
    ua_write_u32(buf + 4, (uint32_t)n + 2);
    buf[n] = buf[n + 1] = 0;
    assert_int_equal(ua_rhe_parse(buf, n + 2, 0, &m, &used), UA_STATUS_BADDECODINGERROR);
    /* embedded NUL and invalid UTF-8 */
    n = build(buf, 3, "a\0c", 3, "def");
    assert_int_equal(ua_rhe_parse(buf, n, 0, &m, &used), UA_STATUS_BADDECODINGERROR);
    n = build(buf, 2, "\xc3\x28", 3, "def");
    assert_int_equal(ua_rhe_parse(buf, n, 0, &m, &used), UA_STATUS_BADDECODINGERROR);
    /* Part 6: a field of 4096 bytes or more */
    char *big = malloc(4096);
    memset(big, 'a', 4096);
    n = build(buf, 4096, big, 0, NULL);
    assert_int_equal(ua_rhe_parse(buf, n, 0, &m, &used), UA_STATUS_BADTCPENDPOINTURLINVALID);
    n = build(buf, 4095, big, 4095, big);
    assert_int_equal(n, UA_RHE_MAX_SIZE);
    assert_int_equal(ua_rhe_parse(buf, n, 0, &m, &used), UA_STATUS_GOOD);
    ua_rhe_clear(&m);
    free(big);
}

static void test_rhe_reports_what_it_used(void **state)
{
    (void)state;
    uint8_t buf[80];
    size_t n = build(buf, 5, "urn:x", 13, "opc.tcp://h:1");
    memcpy(buf + n, "HELF", 4);
    ua_rhe m;
    size_t used;
    assert_int_equal(ua_rhe_parse(buf, n + 4, 0, &m, &used), UA_STATUS_GOOD);
    assert_int_equal(used, n);
    ua_rhe_clear(&m);
}

static void test_rhe_validate_order(void **state)
{
    (void)state;
    const char *allow[] = {"urn:a", "urn:B"};
    ua_rhe m = {(char *)"", (char *)""};
    assert_int_equal(ua_rhe_validate(&m, allow, 2), UA_RHE_SERVER_URI_EMPTY);
    m.server_uri = (char *)"urn:b"; /* case-sensitive */
    assert_int_equal(ua_rhe_validate(&m, allow, 2), UA_RHE_SERVER_URI_NOT_ALLOWED);
    m.server_uri = (char *)"urn:a ";
    assert_int_equal(ua_rhe_validate(&m, allow, 2), UA_RHE_SERVER_URI_NOT_ALLOWED);
    m.server_uri = (char *)"urn:B";
    assert_int_equal(ua_rhe_validate(&m, allow, 2), UA_RHE_ENDPOINT_URL_EMPTY);
    m.endpoint_url = (char *)"OPC.TCP://h:1";
    assert_int_equal(ua_rhe_validate(&m, allow, 2), UA_RHE_ENDPOINT_URL_SCHEME);
    m.endpoint_url = (char *)"http://h:1";
    assert_int_equal(ua_rhe_validate(&m, allow, 2), UA_RHE_ENDPOINT_URL_SCHEME);
    m.endpoint_url = (char *)"opc.tcp://h:1";
    assert_int_equal(ua_rhe_validate(&m, allow, 2), UA_RHE_ACCEPTED);
    /* No allow-list: nothing is accepted. */
    assert_int_equal(ua_rhe_validate(&m, NULL, 0), UA_RHE_SERVER_URI_NOT_ALLOWED);
    /* An empty ServerUri is reported before the allow-list. */
    m.server_uri = (char *)"";
    m.endpoint_url = (char *)"";
    assert_int_equal(ua_rhe_validate(&m, NULL, 0), UA_RHE_SERVER_URI_EMPTY);
    assert_string_equal(ua_rhe_verdict_text(UA_RHE_SERVER_URI_EMPTY), "ServerUri is empty");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rhe_parses_the_spec_example),
        cmocka_unit_test(test_rhe_waits_for_more_bytes),
        cmocka_unit_test(test_rhe_rejects_wrong_type_early),
        cmocka_unit_test(test_rhe_rejects_sizes_from_the_header),
        cmocka_unit_test(test_rhe_rejects_bad_strings),
        cmocka_unit_test(test_rhe_reports_what_it_used),
        cmocka_unit_test(test_rhe_validate_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
