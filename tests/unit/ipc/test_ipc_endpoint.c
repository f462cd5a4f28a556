/* Endpoint parsing and the loopback rule (daemon.md §9): accepted forms,
 * the 107-byte path limit, refused hosts and their messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ipc_endpoint.h"

static void test_ipc_endpoint_unix_forms(void **state)
{
    (void)state;
    ipc_endpoint ep;
    char err[512];
    assert_int_equal(ipc_endpoint_parse("unix:///tmp/osm.sock", &ep, err, sizeof(err)), 0);
    assert_int_equal(ep.transport, IPC_TRANSPORT_UNIX);
    assert_string_equal(ep.path, "/tmp/osm.sock");
    assert_string_equal(ep.uri, "unix:///tmp/osm.sock");
    assert_int_equal(ipc_endpoint_parse("/tmp/bare.sock", &ep, err, sizeof(err)), 0);
    assert_string_equal(ep.path, "/tmp/bare.sock");
    assert_string_equal(ep.uri, "unix:///tmp/bare.sock");
    assert_int_equal(ipc_endpoint_parse("rel.sock", &ep, err, sizeof(err)), 0);
    assert_string_equal(ep.path, "rel.sock");

    char path[200];
    memset(path, 's', sizeof(path));
    path[0] = '/';
    path[IPC_UNIX_PATH_MAX] = '\0'; /* 107 bytes on Linux */
    assert_int_equal(ipc_endpoint_parse(path, &ep, err, sizeof(err)), 0);
    assert_int_equal(strlen(ep.path), IPC_UNIX_PATH_MAX);
    path[IPC_UNIX_PATH_MAX] = 's';
    path[IPC_UNIX_PATH_MAX + 1] = '\0'; /* 108 */
    assert_int_equal(ipc_endpoint_parse(path, &ep, err, sizeof(err)), -22);
    assert_non_null(strstr(err, "too long"));
    assert_non_null(strstr(err, path));
#ifdef __linux__
    assert_non_null(strstr(err, "108 bytes, maximum 107"));
#endif

    assert_int_equal(ipc_endpoint_parse("unix://", &ep, err, sizeof(err)), -22);
    assert_int_equal(ipc_endpoint_parse("", &ep, err, sizeof(err)), -22);
    assert_int_equal(ipc_endpoint_parse(NULL, &ep, err, sizeof(err)), -22);
    assert_int_equal(ipc_endpoint_parse("udp://127.0.0.1:1", &ep, err, sizeof(err)), -22);
    assert_non_null(strstr(err, "udp://127.0.0.1:1"));
}

static void test_ipc_endpoint_tcp_loopback_accepted(void **state)
{
    (void)state;
    static const struct {
        const char *uri, *host, *bind;
        int family, port;
    } ok[] = {
        {"tcp://127.0.0.1:9990", "127.0.0.1", "127.0.0.1", AF_INET, 9990},
        {"tcp://127.0.0.2:1", "127.0.0.2", "127.0.0.2", AF_INET, 1},
        {"tcp://127.255.0.9:65535", "127.255.0.9", "127.255.0.9", AF_INET, 65535},
        {"tcp://localhost:0", "localhost", "127.0.0.1", AF_INET, 0},
        {"tcp://[::1]:4000", "::1", "::1", AF_INET6, 4000},
        {"tcp://::1:4001", "::1", "::1", AF_INET6, 4001}, /* host = up to the last ':' */
        {"tcp://[::ffff:127.0.0.1]:4002", "::ffff:127.0.0.1", "127.0.0.1", AF_INET, 4002},
        {"tcp://[::FFFF:127.1.2.3]:4003", "::FFFF:127.1.2.3", "127.1.2.3", AF_INET, 4003},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        ipc_endpoint ep;
        char err[512];
        assert_int_equal(ipc_endpoint_parse(ok[i].uri, &ep, err, sizeof(err)), 0);
        assert_int_equal(ep.transport, IPC_TRANSPORT_TCP);
        assert_string_equal(ep.host, ok[i].host);
        assert_string_equal(ep.bind_host, ok[i].bind);
        assert_int_equal(ep.bind_family, ok[i].family);
        assert_int_equal(ep.port, ok[i].port);
    }
    ipc_endpoint ep;
    assert_int_equal(ipc_endpoint_parse("tcp://[::1]:4000", &ep, NULL, 0), 0);
    assert_string_equal(ep.uri, "tcp://[::1]:4000");
}

static void test_ipc_endpoint_tcp_refused(void **state)
{
    (void)state;
    static const struct {
        const char *uri, *host;
    } refused[] = {
        {"tcp://0.0.0.0:9990", "0.0.0.0"},
        {"tcp://10.0.0.1:9990", "10.0.0.1"},
        {"tcp://[::ffff:10.0.0.1]:9990", "::ffff:10.0.0.1"},
        {"tcp://[::]:9990", "::"},
        {"tcp://127.0.0.256:1", "127.0.0.256"},
        {"tcp://127.1:1", "127.1"},
        {"tcp://127.0.0.01:1", "127.0.0.01"},
        {"tcp://LOCALHOST:1", "LOCALHOST"},
        {"tcp://example.org:1", "example.org"},
        {"tcp://[0:0:0:0:0:0:0:1]:1", "0:0:0:0:0:0:0:1"},
        {"tcp://[::ffff:127.0.0.1x]:1", "::ffff:127.0.0.1x"},
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        ipc_endpoint ep;
        char err[512];
        assert_int_equal(ipc_endpoint_parse(refused[i].uri, &ep, err, sizeof(err)), -22);
        assert_non_null(strstr(err, "non-loopback"));
        char quoted[80];
        snprintf(quoted, sizeof(quoted), "\"%s\"", refused[i].host);
        assert_non_null(strstr(err, quoted));
    }
    const char *malformed[] = {"tcp://127.0.0.1",    "tcp://127.0.0.1:",   "tcp://127.0.0.1:65536",
                               "tcp://127.0.0.1:1x", "tcp://:1",           "tcp://[::1]",
                               "tcp://[::1:1",       "tcp://127.0.0.1:-1", NULL};
    for (int i = 0; malformed[i]; i++) {
        ipc_endpoint ep;
        char err[512];
        assert_int_equal(ipc_endpoint_parse(malformed[i], &ep, err, sizeof(err)), -22);
        assert_true(strlen(err) > 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipc_endpoint_unix_forms),
        cmocka_unit_test(test_ipc_endpoint_tcp_loopback_accepted),
        cmocka_unit_test(test_ipc_endpoint_tcp_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
