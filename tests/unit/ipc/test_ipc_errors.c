/* IPC error catalogue, envelopes and message sanitisation
 * (ipc-protocol.md §6, §7): one test per rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ipc_errors.h"
#include "ipc_json.h"

/* Serialises v the way the wire does and compares it with want. */
static void assert_json_text(json_t *v, const char *want)
{
    assert_non_null(v);
    bbuf b;
    bbuf_init(&b, 1 << 20);
    assert_int_equal(ipc_json_dump(v, &b), 0);
    assert_int_equal(bbuf_append(&b, "", 1), BBUF_OK);
    assert_string_equal((const char *)b.data, want);
    bbuf_clear(&b);
    json_decref(v);
}

static char *sanitize(const char *msg)
{
    size_t n;
    char *s = ipc_sanitize_message(msg, strlen(msg), &n);
    assert_non_null(s);
    assert_int_equal(strlen(s), n);
    return s;
}

static void assert_sanitized(const char *in, const char *want)
{
    char *s = sanitize(in);
    assert_string_equal(s, want);
    free(s);
}

static void test_ipc_errors_names_from_one_list(void **state)
{
    (void)state;
    assert_string_equal(ipc_error_name(IPC_ERR_TOO_MANY_CONNECTIONS), "too_many_connections");
    assert_string_equal(ipc_error_name(IPC_ERR_CONNECTION_TIMEOUT), "connection_timeout");
    assert_string_equal(ipc_error_name(IPC_ERR_PAYLOAD_TOO_LARGE), "payload_too_large");
    assert_string_equal(ipc_error_name(IPC_ERR_INVALID_JSON), "invalid_json");
    assert_string_equal(ipc_error_name(IPC_ERR_AUTH_FAILED), "auth_failed");
    assert_string_equal(ipc_error_name(IPC_ERR_UNKNOWN_COMMAND), "unknown_command");
    assert_string_equal(ipc_error_name(IPC_ERR_FORBIDDEN_METHOD), "forbidden_method");
    assert_string_equal(ipc_error_name(IPC_ERR_AUTO_PUBLISH_ACTIVE), "auto_publish_active");
    assert_string_equal(ipc_error_name(IPC_ERR_SESSION_NOT_FOUND), "session_not_found");
    assert_string_equal(ipc_error_name(IPC_ERR_MAX_SESSIONS_REACHED), "max_sessions_reached");
    assert_string_equal(ipc_error_name(IPC_ERR_INVALID_ARGUMENT), "invalid_argument");
    assert_string_equal(ipc_error_name(IPC_ERR_UNKNOWN_METHOD), "unknown_method");
    assert_string_equal(ipc_error_name(IPC_ERR_CONNECTION_EXCEPTION), "ConnectionException");
    assert_string_equal(ipc_error_name(IPC_ERR_TYPE_ERROR), "TypeError");
    assert_string_equal(ipc_error_name(IPC_ERR_VALUE_ERROR), "ValueError");
    assert_string_equal(ipc_error_name(IPC_ERR_EXCEPTION), "Exception");
    assert_null(ipc_error_name(IPC_OK));
    assert_null(ipc_error_name(IPC_ERR__COUNT));
    for (int i = IPC_OK + 1; i < IPC_ERR__COUNT; i++)
        assert_int_equal(ipc_error_from_name(ipc_error_name((enum ipc_error)i)), i);
    assert_int_equal(ipc_error_from_name("Invalid_JSON"), IPC_OK);
    assert_int_equal(ipc_error_from_name(NULL), IPC_OK);

    assert_string_equal(ipc_error_message(IPC_ERR_INVALID_JSON), "Invalid JSON");
    assert_string_equal(ipc_error_message(IPC_ERR_AUTH_FAILED), "Invalid or missing auth token");
    assert_string_equal(ipc_error_message(IPC_ERR_CONNECTION_TIMEOUT), "IPC connection timed out");
    assert_string_equal(ipc_error_message(IPC_ERR_TOO_MANY_CONNECTIONS),
                        "Too many concurrent connections");
    assert_null(ipc_error_message(IPC_ERR_SESSION_NOT_FOUND));
    assert_false(ipc_error_is_sanitised(IPC_ERR_SESSION_NOT_FOUND));
    assert_true(ipc_error_is_sanitised(IPC_ERR_INVALID_ARGUMENT_EXCEPTION));
}

static void test_ipc_errors_envelope_bytes(void **state)
{
    (void)state;
    assert_json_text(ipc_error_envelope(IPC_ERR_INVALID_JSON, NULL),
                     "{\"success\":false,\"error\":{\"type\":\"invalid_json\",\"message\":"
                     "\"Invalid JSON\"}}");
    assert_json_text(ipc_error_envelope(IPC_ERR_PAYLOAD_TOO_LARGE, IPC_MSG_FRAME_TOO_LARGE),
                     "{\"success\":false,\"error\":{\"type\":\"payload_too_large\",\"message\":"
                     "\"Request frame exceeds maximum size of 65536 bytes\"}}");
    /* named tokens keep their message verbatim (t_errors named_errors_not_sanitised) */
    assert_json_text(
        ipc_error_envelope(IPC_ERR_SESSION_NOT_FOUND, "Session not found: /etc/osmc/not-a-session"),
        "{\"success\":false,\"error\":{\"type\":\"session_not_found\",\"message\":"
        "\"Session not found: \\/etc\\/osmc\\/not-a-session\"}}");
    /* exception classes are sanitised (ipc-protocol.md §8 last example) */
    assert_json_text(
        ipc_error_envelope(IPC_ERR_INVALID_ARGUMENT_EXCEPTION,
                           "Client certificate does not exist or is not a file: /etc/opc/c.pem"),
        "{\"success\":false,\"error\":{\"type\":\"InvalidArgumentException\",\"message\":"
        "\"Client certificate does not exist or is not a file: [path]\"}}");
    assert_json_text(ipc_error_envelope_type("OtherException", "at /a/b", true),
                     "{\"success\":false,\"error\":{\"type\":\"OtherException\",\"message\":"
                     "\"at [path]\"}}");
    assert_json_text(ipc_error_envelope(IPC_ERR_UNKNOWN_COMMAND, NULL),
                     "{\"success\":false,\"error\":{\"type\":\"unknown_command\",\"message\":"
                     "\"\"}}");
    /* bytes that are not UTF-8 cannot go into JSON: they become '?' */
    assert_json_text(ipc_error_envelope(IPC_ERR_EXCEPTION, "bad \xff\xfe byte \xc3"),
                     "{\"success\":false,\"error\":{\"type\":\"Exception\",\"message\":"
                     "\"bad ?? byte ?\"}}");
    assert_json_text(ipc_success_envelope(json_pack("{s:s}", "status", "ok")),
                     "{\"success\":true,\"data\":{\"status\":\"ok\"}}");
    assert_json_text(ipc_success_envelope(NULL), "{\"success\":true,\"data\":null}");
}

static void test_ipc_sanitize_urls(void **state)
{
    (void)state;
    assert_sanitized("cannot reach opc.tcp://user:pw@host:4840/x now", "cannot reach [url] now");
    assert_sanitized("HTTP://Bogus.invalid/UA#x", "[url]");
    assert_sanitized("Unknown policy http://bogus-osmc.invalid/UA/SecurityPolicy#Nope",
                     "Unknown policy [url]");
    assert_sanitized("a+b-c.d://x and e://y", "[url] and [url]");
    /* the scheme must start with a letter; the match starts at the first one */
    assert_sanitized("1http://x", "1[url]");
    /* nothing after "://" is not a URL; the Unix rule needs segments */
    assert_sanitized("x:// y", "x:// y");
    assert_sanitized("no url: here", "no url: here");
}

static void test_ipc_sanitize_windows_paths(void **state)
{
    (void)state;
    assert_sanitized("Cannot open C:\\osmc\\secret\\user.pem: denied", "Cannot open [path] denied");
    assert_sanitized("d:\\x", "[path]");
    assert_sanitized("C:\\ alone", "C:\\ alone");
    /* PHP namespaces have backslashes but no drive */
    assert_sanitized(
        "PhpOpcua\\SessionManager\\Serialization\\TypeSerializer::deserializeNodeId()",
        "PhpOpcua\\SessionManager\\Serialization\\TypeSerializer::deserializeNodeId()");
}

static void test_ipc_sanitize_unix_paths(void **state)
{
    (void)state;
    assert_sanitized("/tmp", "/tmp");
    assert_sanitized("in /tmp only", "in /tmp only");
    assert_sanitized("/etc/x/key.pem", "[path]");
    assert_sanitized("missing: /etc/opc/c.pem", "missing: [path]");
    /* golden 06-browse: the colon ends the path */
    assert_sanitized("Failed to resolve path '/Objects/Server': 0x806F0000",
                     "Failed to resolve path '[path]: 0x806F0000");
    /* golden 11-errors */
    assert_sanitized(
        "PhpOpcua\\SessionManager\\Serialization\\TypeSerializer::deserializeNodeId(): "
        "Argument #1 ($data) must be of type array, string given, called in "
        "/srv/app/vendor/php-opcua/src/Serialization/TypeSerializer.php on line 141",
        "PhpOpcua\\SessionManager\\Serialization\\TypeSerializer::deserializeNodeId(): "
        "Argument #1 ($data) must be of type array, string given, called in [path] "
        "on line 141");
    assert_sanitized("relative a/b/c", "relative a[path]");
    assert_sanitized("//x/", "//x/");
    assert_sanitized("/a/b /c/d", "[path] [path]");
    assert_sanitized("a/b", "a/b");
}

static void test_ipc_sanitize_length(void **state)
{
    (void)state;
    char buf[2100];
    memset(buf, 'A', 2000);
    buf[2000] = '\0';
    char *s = sanitize(buf);
    assert_int_equal(strlen(s), 503);
    assert_memory_equal(s, buf, 500);
    assert_string_equal(s + 500, "...");
    free(s);

    buf[500] = '\0'; /* exactly 500: kept whole */
    s = sanitize(buf);
    assert_int_equal(strlen(s), 500);
    free(s);
    buf[500] = 'A';
    buf[501] = '\0';
    s = sanitize(buf);
    assert_int_equal(strlen(s), 503);
    free(s);

    /* a two-byte character across byte 500 is not split */
    memset(buf, 'A', 499);
    memcpy(buf + 499, "\xc3\xa9zz", 5);
    s = sanitize(buf);
    assert_int_equal(strlen(s), 502);
    assert_string_equal(s + 499, "...");
    free(s);

    /* path-heavy: every path goes and the limit holds (t_errors long_path) */
    bbuf b;
    bbuf_init(&b, 8192);
    bbuf_append(&b, "CA certificate not found: /osmc", 31);
    for (int i = 0; i < 400; i++)
        bbuf_append(&b, "/x", 2);
    bbuf_append(&b, "/key.pem", 9); /* with the NUL */
    s = sanitize((const char *)b.data);
    assert_string_equal(s, "CA certificate not found: [path]");
    free(s);
    bbuf_clear(&b);

    s = sanitize("");
    assert_string_equal(s, "");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipc_errors_names_from_one_list),
        cmocka_unit_test(test_ipc_errors_envelope_bytes),
        cmocka_unit_test(test_ipc_sanitize_urls),
        cmocka_unit_test(test_ipc_sanitize_windows_paths),
        cmocka_unit_test(test_ipc_sanitize_unix_paths),
        cmocka_unit_test(test_ipc_sanitize_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
