/* NDJSON framing without sockets (ipc-protocol.md §1.1 steps 3-5): the
 * line buffer's limits and order of checks, decode + auth of one line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ipc_frame.h"

static void feed(ipc_framer *f, const char *s)
{
    assert_int_equal(ipc_framer_feed(f, s, strlen(s)), 0);
}

static void expect_line(ipc_framer *f, const char *want)
{
    const char *line;
    size_t len;
    assert_int_equal(ipc_framer_next(f, &line, &len), IPC_FRAME_LINE);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(line, want, len);
}

static void expect_none(ipc_framer *f)
{
    const char *line;
    size_t len;
    assert_int_equal(ipc_framer_next(f, &line, &len), IPC_FRAME_NONE);
}

static void test_ipc_framer_splits_lines(void **state)
{
    (void)state;
    ipc_framer f;
    ipc_framer_init(&f, 1024, 64);
    expect_none(&f);
    feed(&f, "{\"comm");
    expect_none(&f);
    feed(&f, "and\":\"ping\"}");
    expect_none(&f);
    feed(&f, "\r\n{\"b\":1}\n\n{\"c\"");
    expect_line(&f, "{\"command\":\"ping\"}\r");
    expect_line(&f, "{\"b\":1}");
    expect_line(&f, "");
    expect_none(&f);
    assert_int_equal(ipc_framer_pending(&f), 4);
    feed(&f, ":2}\n");
    expect_line(&f, "{\"c\":2}");
    assert_int_equal(ipc_framer_pending(&f), 0);
    ipc_framer_clear(&f);
    ipc_framer_clear(&f); /* clear of a cleared framer is fine */
}

static void test_ipc_framer_frame_limit(void **state)
{
    (void)state;
    ipc_framer f;
    ipc_framer_init(&f, IPC_DEFAULT_MAX_BUFFER, IPC_DEFAULT_MAX_FRAME);
    char *big = malloc(IPC_DEFAULT_MAX_FRAME + 2);
    memset(big, 'x', IPC_DEFAULT_MAX_FRAME + 1);
    /* exactly 65 536 bytes before the newline: a frame */
    assert_int_equal(ipc_framer_feed(&f, big, IPC_DEFAULT_MAX_FRAME), 0);
    assert_int_equal(ipc_framer_feed(&f, "\n", 1), 0);
    const char *line;
    size_t len;
    assert_int_equal(ipc_framer_next(&f, &line, &len), IPC_FRAME_LINE);
    assert_int_equal(len, IPC_DEFAULT_MAX_FRAME);
    /* 65 537: too long, but only once its newline is there */
    assert_int_equal(ipc_framer_feed(&f, big, IPC_DEFAULT_MAX_FRAME + 1), 0);
    expect_none(&f);
    assert_int_equal(ipc_framer_feed(&f, "\n", 1), 0);
    assert_int_equal(ipc_framer_next(&f, &line, &len), IPC_FRAME_TOO_LONG);
    assert_int_equal(ipc_framer_next(&f, &line, &len), IPC_FRAME_TOO_LONG); /* sticky */
    ipc_framer_clear(&f);
    free(big);
}

static void test_ipc_framer_buffer_limit_before_newline(void **state)
{
    (void)state;
    ipc_framer f;
    ipc_framer_init(&f, IPC_DEFAULT_MAX_BUFFER, IPC_DEFAULT_MAX_FRAME);
    char *chunk = malloc(65536);
    memset(chunk, 'x', 65536);
    for (int i = 0; i < 16; i++)
        assert_int_equal(ipc_framer_feed(&f, chunk, 65536), 0);
    assert_int_equal(ipc_framer_pending(&f), 1048576); /* exactly 1 MiB is allowed */
    expect_none(&f);
    /* one more byte, even a newline, exceeds the buffer: checked first */
    assert_int_equal(ipc_framer_feed(&f, "\n", 1), IPC_FRAME_FULL);
    ipc_framer_clear(&f);

    /* consumed lines free their room */
    ipc_framer_init(&f, 16, 16);
    feed(&f, "0123456789\n");
    expect_line(&f, "0123456789");
    feed(&f, "0123456789abcde\n");
    expect_line(&f, "0123456789abcde");
    assert_int_equal(ipc_framer_feed(&f, "0123456789abcdefg", 17), IPC_FRAME_FULL);
    ipc_framer_clear(&f);
    free(chunk);
}

static enum ipc_error parse(const char *line, const char *token, json_t **out)
{
    return ipc_frame_decode(line, strlen(line), token, token ? strlen(token) : 0, out);
}

static void test_ipc_frame_decode_and_auth(void **state)
{
    (void)state;
    json_t *req;
    assert_int_equal(parse("hello", NULL, &req), IPC_ERR_INVALID_JSON);
    assert_null(req);
    assert_int_equal(parse("", "tok", &req), IPC_ERR_INVALID_JSON); /* frame errors first */
    assert_int_equal(parse("{\"command\":\"ping\",\"authToken\":\"x\"}", NULL, &req), IPC_OK);
    /* without a configured token, authToken is left alone */
    assert_non_null(json_object_get(req, "authToken"));
    json_decref(req);

    const char *tok = "s3cret";
    assert_int_equal(parse("{\"command\":\"ping\",\"authToken\":\"s3cret\",\"x\":1}", tok, &req),
                     IPC_OK);
    assert_null(json_object_get(req, "authToken"));
    assert_int_equal(json_object_size(req), 2);
    json_decref(req);
    const char *bad[] = {
        "{\"command\":\"ping\"}",
        "{\"command\":\"ping\",\"authToken\":\"wrong\"}",
        "{\"command\":\"ping\",\"authToken\":\"s3cre\"}",
        "{\"command\":\"ping\",\"authToken\":\"s3cretx\"}",
        "{\"command\":\"ping\",\"authToken\":\"S3CRET\"}",
        "{\"command\":\"ping\",\"authToken\":\"\"}",
        "{\"command\":\"ping\",\"authToken\":\" s3cret\"}",
        "{\"command\":\"ping\",\"authToken\":12345}",
        "{\"command\":\"ping\",\"authToken\":null}",
        "{\"command\":\"ping\",\"authToken\":[\"s3cret\"]}",
        "{\"command\":\"ping\",\"authToken\":{\"t\":\"s3cret\"}}",
        "{\"command\":\"ping\",\"authToken\":true}",
        "[\"s3cret\"]",
        NULL,
    };
    for (int i = 0; bad[i]; i++) {
        assert_int_equal(parse(bad[i], tok, &req), IPC_ERR_AUTH_FAILED);
        assert_null(req);
    }
    /* a top-level array passes when no token is configured */
    assert_int_equal(parse("[1,2]", NULL, &req), IPC_OK);
    assert_true(json_is_array(req));
    json_decref(req);
}

static void test_ipc_frame_keep_alive_flag(void **state)
{
    (void)state;
    const struct {
        const char *line;
        bool keep;
    } cases[] = {
        {"{\"command\":\"ping\",\"keepAlive\":true}", true},
        {"{\"command\":\"ping\",\"keepAlive\":false}", false},
        {"{\"command\":\"ping\",\"keepAlive\":\"true\"}", false},
        {"{\"command\":\"ping\",\"keepAlive\":1}", false},
        {"{\"command\":\"ping\"}", false},
        {"[true]", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *req;
        assert_int_equal(parse(cases[i].line, NULL, &req), IPC_OK);
        assert_int_equal(ipc_frame_keep_alive(req), cases[i].keep);
        json_decref(req);
    }
    assert_false(ipc_frame_keep_alive(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipc_framer_splits_lines),
        cmocka_unit_test(test_ipc_framer_frame_limit),
        cmocka_unit_test(test_ipc_framer_buffer_limit_before_newline),
        cmocka_unit_test(test_ipc_frame_decode_and_auth),
        cmocka_unit_test(test_ipc_frame_keep_alive_flag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
