/* UA-TCP framing (Part 6 (1.05) 7.1.2): headers, Hello/Acknowledge/Error/
 * ReverseHello bodies, the stream framer and chunk reassembly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ua_binary.h"
#include "ua_statuscodes.h"
#include "ua_tcp.h"

static void test_tcp_header_parse_accepts_and_rejects(void **state)
{
    (void)state;
    ua_tcp_header h;
    const uint8_t msg[8] = {'M', 'S', 'G', 'C', 32, 0, 0, 0};
    assert_int_equal(ua_tcp_header_parse(msg, 8192, &h), UA_STATUS_GOOD);
    assert_int_equal(h.msg, UA_TCP_MSG);
    assert_int_equal(h.chunk, 'C');
    assert_int_equal(h.size, 32);
    const uint8_t unknown[8] = {'X', 'Y', 'Z', 'F', 32, 0, 0, 0};
    assert_int_equal(ua_tcp_header_parse(unknown, 8192, &h), UA_STATUS_BADTCPMESSAGETYPEINVALID);
    const uint8_t hel_c[8] = {'H', 'E', 'L', 'C', 32, 0, 0, 0};
    assert_int_equal(ua_tcp_header_parse(hel_c, 8192, &h), UA_STATUS_BADTCPMESSAGETYPEINVALID);
    const uint8_t opn_a[8] = {'O', 'P', 'N', 'A', 32, 0, 0, 0};
    assert_int_equal(ua_tcp_header_parse(opn_a, 8192, &h), UA_STATUS_BADTCPMESSAGETYPEINVALID);
    const uint8_t too_big[8] = {'M', 'S', 'G', 'F', 0x01, 0x20, 0, 0}; /* 8193 */
    assert_int_equal(ua_tcp_header_parse(too_big, 8192, &h), UA_STATUS_BADTCPMESSAGETOOLARGE);
    const uint8_t too_small[8] = {'M', 'S', 'G', 'F', 11, 0, 0, 0};
    assert_int_equal(ua_tcp_header_parse(too_small, 8192, &h), UA_STATUS_BADTCPMESSAGETOOLARGE);
    const uint8_t huge[8] = {'A', 'C', 'K', 'F', 0xFF, 0xFF, 0xFF, 0xFF};
    assert_int_equal(ua_tcp_header_parse(huge, 8192, &h), UA_STATUS_BADTCPMESSAGETOOLARGE);
}

static void test_tcp_hello_golden_bytes(void **state)
{
    (void)state;
    ua_tcp_limits l = {0, 65536, 65536, 16777216, 0};
    bbuf b;
    bbuf_init(&b, 4096);
    assert_int_equal(ua_tcp_hello_encode(&l, "opc.tcp://a:1", &b), UA_STATUS_GOOD);
    static const uint8_t want[] = {'H', 'E', 'L', 'F', 45,  0,   0,   0,   0,   0,   0,   0,
                                   0,   0,   1,   0,   0,   0,   1,   0,   0,   0,   0,   1,
                                   0,   0,   0,   0,   13,  0,   0,   0,   'o', 'p', 'c', '.',
                                   't', 'c', 'p', ':', '/', '/', 'a', ':', '1'};
    assert_int_equal(b.len, sizeof(want));
    assert_memory_equal(b.data, want, sizeof(want));
    ua_tcp_limits back;
    ua_String url;
    assert_int_equal(ua_tcp_hello_decode(b.data + 8, b.len - 8, &back, &url), UA_STATUS_GOOD);
    assert_int_equal(back.max_message_size, 16777216);
    assert_true(ua_string_equal_cstr(&url, "opc.tcp://a:1"));
    ua_clear(&url, UA_BUILTIN(UA_KIND_STRING));
    bbuf_clear(&b);

    char long_url[UA_TCP_MAX_URL + 2];
    memset(long_url, 'x', sizeof(long_url) - 1);
    long_url[sizeof(long_url) - 1] = 0;
    bbuf_init(&b, 1 << 16);
    assert_int_equal(ua_tcp_hello_encode(&l, long_url, &b), UA_STATUS_BADENCODINGLIMITSEXCEEDED);
    assert_int_equal(b.len, 0);
    bbuf_clear(&b);
}

static void test_tcp_ack_and_negotiation(void **state)
{
    (void)state;
    ua_tcp_limits hello = {0, 65536, 65536, 0, 0};
    ua_tcp_limits ack = {0, 8192, 65536, 1 << 20, 5};
    bbuf b;
    bbuf_init(&b, 256);
    assert_int_equal(ua_tcp_ack_encode(&ack, &b), UA_STATUS_GOOD);
    assert_int_equal(b.len, 28);
    ua_tcp_limits back;
    assert_int_equal(ua_tcp_ack_decode(b.data + 8, 20, &back), UA_STATUS_GOOD);
    assert_int_equal(back.max_chunk_count, 5);
    assert_int_equal(ua_tcp_ack_decode(b.data + 8, 19, &back), UA_STATUS_BADDECODINGERROR);
    bbuf_clear(&b);

    uint32_t send_chunk, recv_chunk;
    assert_int_equal(ua_tcp_negotiate(&hello, &ack, &send_chunk, &recv_chunk), UA_STATUS_GOOD);
    assert_int_equal(send_chunk, 8192);
    assert_int_equal(recv_chunk, 65536);
    ua_tcp_limits small = {0, 1024, 65536, 0, 0};
    assert_int_equal(ua_tcp_negotiate(&hello, &small, &send_chunk, &recv_chunk),
                     UA_STATUS_BADCONNECTIONREJECTED);
    ua_tcp_limits bigger = {0, 65536, 131072, 0, 0}; /* server may not raise ours */
    assert_int_equal(ua_tcp_negotiate(&hello, &bigger, &send_chunk, &recv_chunk),
                     UA_STATUS_BADCONNECTIONREJECTED);
}

static void test_tcp_error_and_reverse_hello(void **state)
{
    (void)state;
    bbuf b;
    bbuf_init(&b, 8192);
    assert_int_equal(ua_tcp_error_encode(UA_STATUS_BADTCPSERVERTOOBUSY, "busy", &b),
                     UA_STATUS_GOOD);
    static const uint8_t want[] = {'E',  'R',  'R', 'F', 20, 0, 0,   0,   0x00, 0x00,
                                   0x7D, 0x80, 4,   0,   0,  0, 'b', 'u', 's',  'y'};
    assert_memory_equal(b.data, want, sizeof(want));
    ua_status err;
    ua_String reason;
    assert_int_equal(ua_tcp_error_decode(b.data + 8, b.len - 8, &err, &reason), UA_STATUS_GOOD);
    assert_int_equal(err, UA_STATUS_BADTCPSERVERTOOBUSY);
    assert_true(ua_string_equal_cstr(&reason, "busy"));
    ua_clear(&reason, UA_BUILTIN(UA_KIND_STRING));
    assert_int_equal(ua_tcp_error_decode(b.data + 8, 3, &err, &reason), UA_STATUS_BADDECODINGERROR);
    b.len = 0;

    assert_int_equal(ua_tcp_rhe_encode("urn:server", "opc.tcp://h:4840", &b), UA_STATUS_GOOD);
    ua_String uri, url;
    assert_int_equal(ua_tcp_rhe_decode(b.data + 8, b.len - 8, &uri, &url), UA_STATUS_GOOD);
    assert_true(ua_string_equal_cstr(&uri, "urn:server"));
    assert_true(ua_string_equal_cstr(&url, "opc.tcp://h:4840"));
    ua_clear(&uri, UA_BUILTIN(UA_KIND_STRING));
    ua_clear(&url, UA_BUILTIN(UA_KIND_STRING));
    /* A ServerUri longer than 4096 bytes is refused. */
    uint8_t big[4 + 5000] = {0x88, 0x13, 0, 0};
    assert_int_equal(ua_tcp_rhe_decode(big, sizeof(big), &uri, &url),
                     UA_STATUS_BADENCODINGLIMITSEXCEEDED);
    bbuf_clear(&b);
}

static size_t make_chunk(uint8_t *out, const char *type, size_t size)
{
    memcpy(out, type, 4);
    ua_write_u32(out + 4, (uint32_t)size);
    for (size_t i = 8; i < size; i++)
        out[i] = (uint8_t)i;
    return size;
}

static void test_tcp_framer_cuts_chunks_from_any_split(void **state)
{
    (void)state;
    uint8_t stream[300];
    size_t n = make_chunk(stream, "MSGC", 100);
    n += make_chunk(stream + n, "MSGF", 60);
    n += make_chunk(stream + n, "ACKF", 28);
    /* Feed in every possible piece size; always the same three chunks. */
    for (size_t piece = 1; piece <= n; piece++) {
        ua_framer f;
        ua_framer_init(&f, 8192);
        size_t got = 0, sizes[3] = {0};
        for (size_t off = 0; off < n; off += piece) {
            size_t len = off + piece > n ? n - off : piece;
            assert_int_equal(ua_framer_push(&f, stream + off, len), UA_STATUS_GOOD);
            ua_tcp_header h;
            uint8_t *chunk;
            while (ua_framer_pop(&f, &h, &chunk) == UA_STATUS_GOOD && chunk) {
                assert_true(got < 3);
                sizes[got++] = h.size;
            }
        }
        assert_int_equal(got, 3);
        assert_int_equal(sizes[0], 100);
        assert_int_equal(sizes[1], 60);
        assert_int_equal(sizes[2], 28);
        ua_framer_clear(&f);
    }
}

static void test_tcp_framer_rejects_oversize_and_garbage(void **state)
{
    (void)state;
    ua_framer f;
    ua_framer_init(&f, 8192);
    uint8_t hdr[8];
    make_chunk(hdr, "MSGF", 8);
    ua_write_u32(hdr + 4, 9000);
    assert_int_equal(ua_framer_push(&f, hdr, 8), UA_STATUS_GOOD);
    ua_tcp_header h;
    uint8_t *chunk;
    assert_int_equal(ua_framer_pop(&f, &h, &chunk), UA_STATUS_BADTCPMESSAGETOOLARGE);
    ua_framer_clear(&f);

    ua_framer_init(&f, 8192);
    const uint8_t garbage[8] = "GET / HT";
    assert_int_equal(ua_framer_push(&f, garbage, 8), UA_STATUS_GOOD);
    assert_int_equal(ua_framer_pop(&f, &h, &chunk), UA_STATUS_BADTCPMESSAGETYPEINVALID);
    ua_framer_clear(&f);

    /* A peer that never completes a chunk cannot make us buffer more
     * than one chunk plus one read. */
    ua_framer_init(&f, 8192);
    uint8_t *blob = calloc(1, 100000);
    make_chunk(blob, "MSGF", 8);
    ua_write_u32(blob + 4, 8192);
    assert_int_equal(ua_framer_push(&f, blob, 100000), UA_STATUS_BADTCPMESSAGETOOLARGE);
    free(blob);
    ua_framer_clear(&f);
}

static void test_tcp_assembler_joins_chunks(void **state)
{
    (void)state;
    ua_assembler a;
    ua_assembler_init(&a, 0, 0, 1 << 20);
    int result;
    ua_String out;
    ua_status abort_status;
    assert_int_equal(
        ua_assembler_add(&a, 7, 'C', (const uint8_t *)"abc", 3, &result, &out, &abort_status),
        UA_STATUS_GOOD);
    assert_int_equal(result, UA_ASSEMBLED_NONE);
    /* Another request interleaved. */
    assert_int_equal(
        ua_assembler_add(&a, 8, 'F', (const uint8_t *)"zz", 2, &result, &out, &abort_status),
        UA_STATUS_GOOD);
    assert_int_equal(result, UA_ASSEMBLED_MESSAGE);
    assert_int_equal(out.length, 2);
    free(out.data);
    assert_int_equal(
        ua_assembler_add(&a, 7, 'F', (const uint8_t *)"def", 3, &result, &out, &abort_status),
        UA_STATUS_GOOD);
    assert_int_equal(result, UA_ASSEMBLED_MESSAGE);
    assert_int_equal(out.length, 6);
    assert_memory_equal(out.data, "abcdef", 6);
    free(out.data);
    ua_assembler_clear(&a);
}

static void test_tcp_assembler_limits_and_abort(void **state)
{
    (void)state;
    ua_assembler a;
    ua_assembler_init(&a, 10, 3, 1 << 20);
    int result;
    ua_String out;
    ua_status abort_status;
    uint8_t four[4] = {1, 2, 3, 4};
    assert_int_equal(ua_assembler_add(&a, 1, 'C', four, 4, &result, &out, &abort_status),
                     UA_STATUS_GOOD);
    assert_int_equal(ua_assembler_add(&a, 1, 'C', four, 4, &result, &out, &abort_status),
                     UA_STATUS_GOOD);
    assert_int_equal(ua_assembler_add(&a, 1, 'C', four, 4, &result, &out, &abort_status),
                     UA_STATUS_BADRESPONSETOOLARGE); /* 12 > 10 bytes */
    /* The request starts over cleanly. */
    for (int i = 0; i < 3; i++)
        assert_int_equal(ua_assembler_add(&a, 2, 'C', four, 1, &result, &out, &abort_status),
                         UA_STATUS_GOOD);
    assert_int_equal(ua_assembler_add(&a, 2, 'F', four, 1, &result, &out, &abort_status),
                     UA_STATUS_BADRESPONSETOOLARGE); /* 4 chunks > 3 */

    /* Abort chunk: status + reason, partial data dropped. */
    assert_int_equal(ua_assembler_add(&a, 3, 'C', four, 4, &result, &out, &abort_status),
                     UA_STATUS_GOOD);
    const uint8_t abort_body[] = {0x00, 0x00, 0xB9, 0x80, 2, 0, 0, 0, 'n', 'o'};
    assert_int_equal(
        ua_assembler_add(&a, 3, 'A', abort_body, sizeof(abort_body), &result, &out, &abort_status),
        UA_STATUS_GOOD);
    assert_int_equal(result, UA_ASSEMBLED_ABORTED);
    assert_int_equal(abort_status, UA_STATUS_BADRESPONSETOOLARGE);
    assert_true(ua_string_equal_cstr(&out, "no"));
    ua_clear(&out, UA_BUILTIN(UA_KIND_STRING));

    /* Too many messages in progress at once. */
    for (uint32_t id = 100; id < 100 + UA_ASSEMBLER_MAX_PARTIAL; id++)
        assert_int_equal(ua_assembler_add(&a, id, 'C', four, 1, &result, &out, &abort_status),
                         UA_STATUS_GOOD);
    assert_int_equal(ua_assembler_add(&a, 999, 'C', four, 1, &result, &out, &abort_status),
                     UA_STATUS_BADTCPNOTENOUGHRESOURCES);
    ua_assembler_clear(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_header_parse_accepts_and_rejects),
        cmocka_unit_test(test_tcp_hello_golden_bytes),
        cmocka_unit_test(test_tcp_ack_and_negotiation),
        cmocka_unit_test(test_tcp_error_and_reverse_hello),
        cmocka_unit_test(test_tcp_framer_cuts_chunks_from_any_split),
        cmocka_unit_test(test_tcp_framer_rejects_oversize_and_garbage),
        cmocka_unit_test(test_tcp_assembler_joins_chunks),
        cmocka_unit_test(test_tcp_assembler_limits_and_abort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
