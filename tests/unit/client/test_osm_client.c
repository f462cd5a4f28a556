/* libosm without a daemon: node id text <-> JSON, reply envelope -> error
 * mapping, and the connection errors (missing socket, silent daemon). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "client_int.h"
#include "osm/osm.h"

static void assert_nodeid(const char *text, const char *want)
{
    char *json = NULL;
    osm_error e;
    assert_int_equal(osm_nodeid_to_json(text, &json, &e), OSM_OK);
    assert_int_equal(e.code, OSM_OK);
    assert_string_equal(json, want);
    free(json);
}

static void assert_bad_nodeid(const char *text)
{
    char *json = (char *)1;
    osm_error e;
    assert_int_equal(osm_nodeid_to_json(text, &json, &e), OSM_EINVAL);
    assert_null(json);
    assert_int_equal(e.code, OSM_EINVAL);
    assert_string_equal(e.type, "invalid_argument");
    assert_true(strlen(e.message) > 0);
}

static void test_nodeid_numeric(void **state)
{
    (void)state;
    assert_nodeid("i=2258", "{\"ns\":0,\"id\":2258,\"type\":\"numeric\"}");
    assert_nodeid("ns=0;i=0", "{\"ns\":0,\"id\":0,\"type\":\"numeric\"}");
    assert_nodeid("ns=65535;i=4294967295", "{\"ns\":65535,\"id\":4294967295,\"type\":\"numeric\"}");
}

static void test_nodeid_string_guid_opaque(void **state)
{
    (void)state;
    assert_nodeid("ns=1;s=Scalar.Int32", "{\"ns\":1,\"id\":\"Scalar.Int32\",\"type\":\"string\"}");
    assert_nodeid("s=a;b=c", "{\"ns\":0,\"id\":\"a;b=c\",\"type\":\"string\"}");
    assert_nodeid("ns=2;g=72962B91-FA75-4AE6-8D28-B404DC7DAF63",
                  "{\"ns\":2,\"id\":\"72962b91-fa75-4ae6-8d28-b404dc7daf63\",\"type\":\"guid\"}");
    assert_nodeid("ns=3;b=3q2+7w==", "{\"ns\":3,\"id\":\"deadbeef\",\"type\":\"opaque\"}");
    assert_nodeid("b=AAE", "{\"ns\":0,\"id\":\"0001\",\"type\":\"opaque\"}");
}

static void test_nodeid_namespace_uri(void **state)
{
    (void)state;
    assert_nodeid("nsu=urn:opcua-sm:test;s=Scalar.Int32",
                  "{\"id\":\"Scalar.Int32\",\"type\":\"string\",\"nsu\":\"urn:opcua-sm:test\"}");
    assert_nodeid("nsu=http://opcfoundation.org/UA/;i=85",
                  "{\"id\":85,\"type\":\"numeric\",\"nsu\":\"http://opcfoundation.org/UA/\"}");
    assert_nodeid("nsu=urn:a%3Bb%25;b=AAE",
                  "{\"id\":\"0001\",\"type\":\"opaque\",\"nsu\":\"urn:a;b%\"}");
    /* and back */
    char *t = NULL;
    assert_int_equal(
        osm_nodeid_to_text("{\"nsu\":\"urn:a;b%\",\"id\":\"0001\",\"type\":\"opaque\"}", &t, NULL),
        OSM_OK);
    assert_string_equal(t, "nsu=urn:a%3Bb%25;b=AAE=");
    free(t);
    assert_int_equal(osm_nodeid_to_text("{\"nsu\":\"urn:x\",\"id\":5}", &t, NULL), OSM_OK);
    assert_string_equal(t, "nsu=urn:x;i=5");
    free(t);
    assert_int_equal(osm_nodeid_to_text("{\"ns\":1,\"nsu\":\"urn:x\",\"id\":5}", &t, NULL),
                     OSM_EINVAL);
    assert_null(t);
    assert_int_equal(osm_nodeid_to_text("{\"nsu\":7,\"id\":5}", &t, NULL), OSM_EINVAL);
    assert_null(t);
}

static void test_nodeid_rejects(void **state)
{
    (void)state;
    assert_bad_nodeid("");
    assert_bad_nodeid("85");
    assert_bad_nodeid("x=1");
    assert_bad_nodeid("I=85");
    assert_bad_nodeid("i=");
    assert_bad_nodeid("i=-1");
    assert_bad_nodeid("i=4294967296");
    assert_bad_nodeid("i=12a");
    assert_bad_nodeid("ns=65536;i=1");
    assert_bad_nodeid("ns=;i=1");
    assert_bad_nodeid("ns=1i=1");
    assert_bad_nodeid("ns=1;s=");
    assert_bad_nodeid("g=72962b91-fa75-4ae6-8d28");
    assert_bad_nodeid("g=72962b91xfa75-4ae6-8d28-b404dc7daf63");
    assert_bad_nodeid("b=!!");
    assert_bad_nodeid("b=");
    assert_bad_nodeid("nsu=urn:x");
    assert_bad_nodeid("nsu=;s=a");
    assert_bad_nodeid("nsu=urn:x;ns=1;s=a");
    assert_bad_nodeid("nsu=urn:x;nsu=urn:y;s=a");
    assert_bad_nodeid("nsu=urn:%zz;s=a");
    assert_bad_nodeid("nsu=urn:x;s=");
    assert_bad_nodeid("nsu=urn:x;i=-1");
    assert_bad_nodeid(NULL);
}

static void assert_text(const char *json, const char *want)
{
    char *t = NULL;
    assert_int_equal(osm_nodeid_to_text(json, &t, NULL), OSM_OK);
    assert_string_equal(t, want);
    free(t);
}

static void test_nodeid_to_text(void **state)
{
    (void)state;
    assert_text("{\"ns\":0,\"id\":85,\"type\":\"numeric\"}", "i=85");
    assert_text("{\"ns\":1,\"id\":\"Scalar\",\"type\":\"string\"}", "ns=1;s=Scalar");
    assert_text("{\"ns\":2,\"id\":\"72962b91-fa75-4ae6-8d28-b404dc7daf63\",\"type\":\"guid\"}",
                "ns=2;g=72962b91-fa75-4ae6-8d28-b404dc7daf63");
    assert_text("{\"ns\":3,\"id\":\"deadbeef\",\"type\":\"opaque\"}", "ns=3;b=3q2+7w==");
    char *t = (char *)1;
    osm_error e;
    assert_int_equal(osm_nodeid_to_text("[1]", &t, &e), OSM_EINVAL);
    assert_null(t);
    assert_int_equal(osm_nodeid_to_text("{\"ns\":1,\"id\":\"zz\",\"type\":\"opaque\"}", &t, &e),
                     OSM_EINVAL);
    assert_int_equal(osm_nodeid_to_text("not json", &t, &e), OSM_EINVAL);
}

static int parse(const char *line, json_t **data, osm_error *e)
{
    return osm__parse_reply(line, strlen(line), data, e);
}

static void test_reply_success(void **state)
{
    (void)state;
    json_t *d = NULL;
    osm_error e;
    assert_int_equal(parse("{\"success\":true,\"data\":{\"sessions\":2}}", &d, &e), OSM_OK);
    assert_int_equal(json_integer_value(json_object_get(d, "sessions")), 2);
    json_decref(d);
    assert_int_equal(parse("{\"success\":true,\"data\":null}", &d, &e), OSM_OK);
    assert_true(json_is_null(d));
    json_decref(d);
}

static void assert_reply_error(const char *line, int code, const char *type, const char *msg)
{
    json_t *d = (json_t *)1;
    osm_error e;
    assert_int_equal(parse(line, &d, &e), code);
    assert_null(d);
    assert_int_equal(e.code, code);
    if (type)
        assert_string_equal(e.type, type);
    if (msg)
        assert_string_equal(e.message, msg);
}

static void test_reply_errors(void **state)
{
    (void)state;
    assert_reply_error("{\"success\":false,\"error\":{\"type\":\"auth_failed\","
                       "\"message\":\"Invalid or missing auth token\"}}",
                       OSM_EAUTH, "auth_failed", "Invalid or missing auth token");
    assert_reply_error("{\"success\":false,\"error\":{\"type\":\"session_not_found\","
                       "\"message\":\"Session not found: x\"}}",
                       OSM_ENOSESSION, "session_not_found", "Session not found: x");
    assert_reply_error("{\"success\":false,\"error\":{\"type\":\"ServiceException\","
                       "\"message\":\"BadNodeIdUnknown\"}}",
                       OSM_EDAEMON, "ServiceException", "BadNodeIdUnknown");
    assert_reply_error("", OSM_EPROTO, "protocol", "Empty response from daemon");
    assert_reply_error("not json", OSM_EPROTO, "protocol", NULL);
    assert_reply_error("{\"data\":1}", OSM_EPROTO, "protocol", NULL);
    assert_reply_error("{\"success\":false}", OSM_EPROTO, "protocol", NULL);
    assert_reply_error("{\"success\":false,\"error\":{\"type\":1,\"message\":\"m\"}}", OSM_EPROTO,
                       "protocol", NULL);
    /* a long daemon message is truncated, never overflowing */
    char line[2048];
    char msg[1200];
    memset(msg, 'm', sizeof msg - 1);
    msg[sizeof msg - 1] = '\0';
    snprintf(line, sizeof line, "{\"success\":false,\"error\":{\"type\":\"X\",\"message\":\"%s\"}}",
             msg);
    json_t *d;
    osm_error e;
    assert_int_equal(parse(line, &d, &e), OSM_EDAEMON);
    assert_int_equal(strlen(e.message), sizeof e.message - 1);
}

static void test_strerror(void **state)
{
    (void)state;
    for (int i = OSM_OK; i <= OSM_EINVAL + 1; i++)
        assert_non_null(osm_strerror(i));
    assert_string_equal(osm_strerror(OSM_ENOTRUNNING), "daemon not running");
}

static void test_not_running(void **state)
{
    (void)state;
    osm_client *c = osm_client_new("unix:///nonexistent-dir/osm.sock", "t", 2.0);
    assert_non_null(c);
    osm_error e;
    assert_int_equal(osm_ping(c, NULL, &e), OSM_ENOTRUNNING);
    assert_string_equal(e.message,
                        "Socket not found: /nonexistent-dir/osm.sock. Is the daemon running?");
    assert_int_equal(osm_ping(c, NULL, NULL), OSM_ENOTRUNNING); /* err may be NULL */
    char sid[33];
    assert_int_equal(osm_open(c, "opc.tcp://x", "[1]", false, sid, NULL, &e), OSM_EINVAL);
    assert_int_equal(osm_read(c, "s", "bad", NULL, &e), OSM_EINVAL);
    assert_int_equal(osm_write(c, "s", "i=1", "{", 0, NULL, &e), OSM_EINVAL);
    assert_int_equal(osm_query(c, "s", "read", "{}", NULL, &e), OSM_EINVAL);
    osm_client_free(c);
    assert_null(osm_client_new("tcp://nohostport", NULL, 1.0));
    osm_client_free(NULL);
}

/* A socket that accepts connections (backlog) but never answers. */
static void test_timeout(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/osm-unit-%ld.sock", (long)getpid());
    unlink(path);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(s >= 0);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(s, 4), 0);
    osm_client *c = osm_client_new(path, NULL, 0.3);
    assert_non_null(c);
    osm_error e;
    assert_int_equal(osm_ping(c, NULL, &e), OSM_ETIMEOUT);
    assert_string_equal(e.type, "timeout");
    osm_client_free(c);
    close(s);
    unlink(path);
}

/* Fake daemon: answers one request per connection, then closes (as the
 * daemon does without keepAlive), recording each request line. */
struct fake {
    int listen_fd;
    char requests[2][512];
};

static void *fake_daemon(void *arg)
{
    struct fake *f = arg;
    for (int i = 0; i < 2; i++) {
        int fd = accept(f->listen_fd, NULL, NULL);
        if (fd < 0)
            return NULL;
        size_t n = 0;
        while (n < sizeof f->requests[i] - 1) {
            ssize_t r = read(fd, f->requests[i] + n, 1);
            if (r <= 0 || f->requests[i][n] == '\n')
                break;
            n++;
        }
        f->requests[i][n] = '\0';
        char reply[128];
        int len =
            snprintf(reply, sizeof reply,
                     "{\"success\":true,\"data\":{\"status\":\"ok\",\"sessions\":%d}}\n", i + 7);
        if (write(fd, reply, (size_t)len) != len)
            i = 2;
        close(fd);
    }
    return NULL;
}

static void test_reconnect(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/osm-unit-r%ld.sock", (long)getpid());
    unlink(path);
    struct fake f;
    memset(&f, 0, sizeof f);
    f.listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    assert_int_equal(bind(f.listen_fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(f.listen_fd, 4), 0);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, fake_daemon, &f), 0);
    osm_client *c = osm_client_new(path, "tok", 5.0);
    int n = 0;
    osm_error e;
    assert_int_equal(osm_ping(c, &n, &e), OSM_OK);
    assert_int_equal(n, 7);
    usleep(100000); /* let the fake daemon close the first connection */
    assert_int_equal(osm_ping(c, &n, &e), OSM_OK);
    assert_int_equal(n, 8);
    pthread_join(th, NULL);
    json_t *req = json_loads(f.requests[0], 0, NULL);
    assert_non_null(req);
    assert_string_equal(json_string_value(json_object_get(req, "command")), "ping");
    assert_true(json_is_true(json_object_get(req, "keepAlive")));
    assert_string_equal(json_string_value(json_object_get(req, "authToken")), "tok");
    json_decref(req);
    osm_client_free(c);
    close(f.listen_fd);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nodeid_numeric),
        cmocka_unit_test(test_nodeid_string_guid_opaque),
        cmocka_unit_test(test_nodeid_namespace_uri),
        cmocka_unit_test(test_nodeid_rejects),
        cmocka_unit_test(test_nodeid_to_text),
        cmocka_unit_test(test_reply_success),
        cmocka_unit_test(test_reply_errors),
        cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_not_running),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_reconnect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
