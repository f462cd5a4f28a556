/* IPC listeners and what crosses them (daemon.md §9, ipc-protocol.md §4,
 * §1.3): Unix socket modes, stale files, path limit; TCP loopback forms;
 * the auth token; PHP-compatible escaping of replies on the wire. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ipc_harness.h"
#include "util/log.h"

#define PING_LINE "{\"command\":\"ping\"}\n"

static void expect_ping(harness *h)
{
    bool closed;
    char *got = h_exchange(h, PING_LINE, 0, &closed);
    assert_string_equal(got, H_PING);
    assert_true(closed);
    free(got);
}

static unsigned socket_mode(const char *path)
{
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    return (unsigned)(st.st_mode & 07777);
}

/* ---- Unix sockets ----------------------------------------------------------- */

static void test_ipc_unix_socket_modes(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    ipc_server_config cfg;
    h_config(&h, &cfg);
    h_start(&h, &cfg);
    assert_int_equal(socket_mode(h.path), 0600);
    assert_string_equal(ipc_server_uri(h.srv) + strlen("unix://"), h.path);
    assert_int_equal(ipc_server_port(h.srv), 0);
    expect_ping(&h);
    h_close_server(&h);
    struct stat st;
    assert_int_equal(lstat(h.path, &st), -1); /* removed on close */

    h_config(&h, &cfg);
    cfg.socket_mode = 0660;
    h_start(&h, &cfg);
    assert_int_equal(socket_mode(h.path), 0660);
    expect_ping(&h);
    h_finish(&h);
}

static void test_ipc_unix_stale_files(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    ipc_server_config cfg;

    /* a socket left by a killed daemon is replaced */
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    assert_true(strlen(h.path) < sizeof(sa.sun_path));
    memcpy(sa.sun_path, h.path, strlen(h.path) + 1);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    close(fd);
    (void)socket_mode(h.path); /* asserts it is a socket */
    h_config(&h, &cfg);
    h_start(&h, &cfg);
    expect_ping(&h);
    h_close_server(&h);

    /* a regular file is refused with a clear message and left alone */
    fd = open(h.path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "leftover", 8), 8);
    close(fd);
    ipc_server *srv = NULL;
    char err[512];
    h_config(&h, &cfg);
    assert_true(ipc_server_new(&h.loop, &cfg, &srv, err, sizeof(err)) < 0);
    assert_null(srv);
    assert_non_null(strstr(err, h.path));
    assert_non_null(strstr(err, "not a socket"));
    struct stat st;
    assert_int_equal(lstat(h.path, &st), 0);
    assert_true(S_ISREG(st.st_mode) && st.st_size == 8);

    /* ... unless the caller allows replacing it (the PHP daemon does) */
    cfg.replace_non_socket = true;
    h_start(&h, &cfg);
    assert_int_equal(socket_mode(h.path), 0600);
    expect_ping(&h);
    h_close_server(&h);

    /* a directory is never removed */
    assert_int_equal(mkdir(h.path, 0700), 0);
    assert_true(ipc_server_new(&h.loop, &cfg, &srv, err, sizeof(err)) < 0);
    assert_non_null(strstr(err, "directory"));
    assert_int_equal(rmdir(h.path), 0);
    h_finish(&h);
}

static void test_ipc_unix_path_limit(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    /* a path of IPC_UNIX_PATH_MAX bytes binds; one more byte is refused */
    char path[256];
    size_t base = strlen(h.dir) + 1;
    assert_true(base + 10 < IPC_UNIX_PATH_MAX);
    snprintf(path, sizeof(path), "%s/", h.dir);
    memset(path + base, 's', IPC_UNIX_PATH_MAX - base);
    path[IPC_UNIX_PATH_MAX] = '\0';
    ipc_server_config cfg;
    h_config(&h, &cfg);
    char err[512];
    assert_int_equal(ipc_endpoint_parse(path, &cfg.endpoint, err, sizeof(err)), 0);
    snprintf(h.path, sizeof(h.path), "%s", path);
    h_start(&h, &cfg);
    expect_ping(&h);
    h_close_server(&h);

    path[IPC_UNIX_PATH_MAX] = 's';
    path[IPC_UNIX_PATH_MAX + 1] = '\0';
    assert_int_equal(ipc_endpoint_parse(path, &cfg.endpoint, err, sizeof(err)), -22);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "too long"));
    path[IPC_UNIX_PATH_MAX] = '\0';
    struct stat st;
    assert_int_equal(lstat(path, &st), -1); /* nothing created, truncated or not */
    h_finish(&h);
}

/* ---- TCP loopback ------------------------------------------------------------ */

static void tcp_ping(harness *h, int family, const char *host)
{
    const h_step steps[] = {
        {H_SEND, PING_LINE, 0, 0}, {H_READ_EOF, NULL, 0, 0}, {H_END, NULL, 0, 0}};
    h_client c = {.family = family, .host = host, .port = ipc_server_port(h->srv), .steps = steps};
    h_client_run(h, &c, 10000);
    assert_true(c.connected);
    assert_string_equal((const char *)c.recv.data, H_PING);
    assert_int_equal(c.eof_step, 1);
    h_client_clear(&c);
}

static void start_tcp(harness *h, const char *uri)
{
    ipc_server_config cfg;
    h_config(h, &cfg);
    char err[256];
    assert_int_equal(ipc_endpoint_parse(uri, &cfg.endpoint, err, sizeof(err)), 0);
    h_start(h, &cfg);
    assert_true(ipc_server_port(h->srv) > 0);
}

static void test_ipc_tcp_loopback_accepted(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    start_tcp(&h, "tcp://127.0.0.1:0");
    tcp_ping(&h, AF_INET, "127.0.0.1");
    h_close_server(&h);

    start_tcp(&h, "tcp://localhost:0");
    tcp_ping(&h, AF_INET, "127.0.0.1");
    h_close_server(&h);

    /* our fix (ipc-protocol.md §9 #3): bound as 127.0.0.1 */
    start_tcp(&h, "tcp://[::ffff:127.0.0.1]:0");
    tcp_ping(&h, AF_INET, "127.0.0.1");
    if (h_ipv6_available())
        tcp_ping(&h, AF_INET6, "::ffff:127.0.0.1");
    h_close_server(&h);

    if (h_ipv6_available()) {
        start_tcp(&h, "tcp://[::1]:0");
        tcp_ping(&h, AF_INET6, "::1");
        h_close_server(&h);
    } else {
        print_message("skipping tcp://[::1]: IPv6 loopback not available\n");
    }
    h_finish(&h);
}

static void test_ipc_tcp_non_loopback_refused(void **state)
{
    (void)state;
    const char *uris[] = {"tcp://0.0.0.0:9990", "tcp://10.0.0.1:9990",
                          "tcp://[::ffff:10.0.0.1]:9990", "tcp://[::]:9990", NULL};
    for (int i = 0; uris[i]; i++) {
        ipc_endpoint ep;
        char err[512];
        assert_int_equal(ipc_endpoint_parse(uris[i], &ep, err, sizeof(err)), -22);
        assert_non_null(strstr(err, "Refusing"));
        assert_non_null(strstr(err, "loopback"));
    }
}

/* ---- auth ------------------------------------------------------------------- */

static void test_ipc_auth_token(void **state)
{
    (void)state;
    FILE *logf = tmpfile();
    assert_non_null(logf);
    log_set_stream(logf);
    harness h;
    h_init(&h);
    ipc_server_config cfg;
    h_config(&h, &cfg);
    cfg.auth_token = "s3cret";
    h_start(&h, &cfg);

    static const struct {
        const char *sent, *want;
    } rows[] = {
        {"{\"command\":\"ping\",\"authToken\":\"s3cret\"}\n", H_PING},
        {"{\"command\":\"echo\",\"authToken\":\"s3cret\",\"x\":1}\n",
         "{\"success\":true,\"data\":{\"command\":\"echo\",\"x\":1}}\n"},
        {"{\"command\":\"ping\"}\n", H_AUTH_FAILED},
        {"{\"command\":\"ping\",\"authToken\":\"wrong\"}\n", H_AUTH_FAILED},
        {"{\"command\":\"ping\",\"authToken\":\"s3cre\"}\n", H_AUTH_FAILED},
        {"{\"command\":\"ping\",\"authToken\":\"s3cretx\"}\n", H_AUTH_FAILED},
        {"{\"command\":\"ping\",\"authToken\":\"\"}\n", H_AUTH_FAILED},
        {"{\"command\":\"list\",\"authToken\":12345}\n", H_AUTH_FAILED},
        {"{\"command\":\"list\",\"authToken\":null}\n", H_AUTH_FAILED},
        {"{\"command\":\"list\",\"authToken\":[\"s3cret\"]}\n", H_AUTH_FAILED},
        {"{\"command\":\"list\",\"authToken\":{\"t\":\"s3cret\"}}\n", H_AUTH_FAILED},
        {"{\"command\":\"list\",\"authToken\":true}\n", H_AUTH_FAILED},
        /* frame errors are reported before authentication */
        {"not json\n", H_INVALID_JSON},
        /* a failed line ends the connection: the good line after it is not taken */
        {"{\"command\":\"ping\"}\n{\"command\":\"ping\",\"authToken\":\"s3cret\"}\n",
         H_AUTH_FAILED},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        bool closed;
        char *got = h_exchange(&h, rows[i].sent, 0, &closed);
        assert_string_equal(got, rows[i].want);
        assert_true(closed);
        free(got);
    }
    h_finish(&h);

    fflush(logf);
    rewind(logf);
    char text[8192];
    size_t n = fread(text, 1, sizeof(text) - 1, logf);
    text[n] = '\0';
    log_set_stream(NULL);
    fclose(logf);
    assert_non_null(strstr(text, "[WARNING] Authentication failed from IPC client"));
    assert_null(strstr(text, "s3cret")); /* the token never reaches the log */
}

/* ---- what the wire carries ---------------------------------------------------- */

static void test_ipc_reply_json_like_php(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    ipc_server_config cfg;
    h_config(&h, &cfg);
    h_start(&h, &cfg);
    bool closed;
    char *got =
        h_exchange(&h,
                   "{\"command\":\"echo\",\"url\":\"opc.tcp://h/x\",\"s\":\"\\u00e9\xe2\x82\xac"
                   "\",\"f\":500.0,\"g\":0.1,\"h\":1e20,\"z\":{},\"e\":[]}\n",
                   0, &closed);
    assert_string_equal(got, "{\"success\":true,\"data\":{\"command\":\"echo\","
                             "\"url\":\"opc.tcp:\\/\\/h\\/x\",\"s\":\"\\u00e9\\u20ac\","
                             "\"f\":500,\"g\":0.1,\"h\":1.0e+20,\"z\":{},\"e\":[]}}\n");
    assert_true(closed);
    free(got);
    h_finish(&h);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipc_unix_socket_modes),
        cmocka_unit_test(test_ipc_unix_stale_files),
        cmocka_unit_test(test_ipc_unix_path_limit),
        cmocka_unit_test(test_ipc_tcp_loopback_accepted),
        cmocka_unit_test(test_ipc_tcp_non_loopback_refused),
        cmocka_unit_test(test_ipc_auth_token),
        cmocka_unit_test(test_ipc_reply_json_like_php),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
