/* The daemon's command line: reference defaults and meanings, strict
 * errors, --opt=value, and the auth token priority of daemon.md §2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon_config.h"

static int parse(daemon_config *cfg, const char *env, const char *const *args, char *errbuf,
                 size_t errsize)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = (char *)"opcua-session-manager";
    for (; args[argc - 1]; argc++)
        argv[argc] = (char *)args[argc - 1];
    FILE *out = fopen("/dev/null", "w");
    FILE *err = fmemopen(errbuf, errsize, "w");
    int rc = daemon_config_parse(cfg, argc, argv, env, out, err);
    fclose(out);
    fclose(err);
    return rc;
}

static void test_daemon_config_defaults(void **state)
{
    (void)state;
    daemon_config cfg;
    char err[1024] = "";
    const char *args[] = {NULL};
    assert_int_equal(parse(&cfg, NULL, args, err, sizeof(err)), DAEMON_CONFIG_RUN);
    assert_string_equal(cfg.socket_uri, "unix:///tmp/opcua-session-manager.sock");
    assert_true(cfg.timeout_s == 600 && cfg.cleanup_interval_s == 30 && cfg.cache_ttl_s == 300);
    assert_int_equal(cfg.max_sessions, 100);
    assert_int_equal(cfg.socket_mode, 0600);
    assert_int_equal(cfg.log_level, LOG_INFO);
    assert_int_equal(cfg.cache_driver, DAEMON_CACHE_MEMORY);
    assert_null(cfg.auth_token);
    assert_null(cfg.allowed_cert_dirs);
    assert_true(cfg.ipc_timeout_s == 30);
    daemon_config_clear(&cfg);
}

static void test_daemon_config_values_both_forms(void **state)
{
    (void)state;
    daemon_config cfg;
    char err[1024] = "";
    const char *args[] = {"--socket",
                          "tcp://127.0.0.1:9990",
                          "--timeout=60",
                          "--max-sessions",
                          "0",
                          "--socket-mode",
                          "660",
                          "--allowed-cert-dirs",
                          "/a,/b/c",
                          "--log-level=debug",
                          "--cache-driver",
                          "none",
                          "--log-file",
                          "-",
                          "--ipc-timeout",
                          "2",
                          NULL};
    assert_int_equal(parse(&cfg, NULL, args, err, sizeof(err)), DAEMON_CONFIG_RUN);
    assert_string_equal(cfg.socket_uri, "tcp://127.0.0.1:9990");
    assert_true(cfg.timeout_s == 60);
    assert_int_equal(cfg.max_sessions, 0);
    assert_int_equal(cfg.socket_mode, 0660);
    assert_string_equal(cfg.allowed_cert_dirs[0], "/a");
    assert_string_equal(cfg.allowed_cert_dirs[1], "/b/c");
    assert_null(cfg.allowed_cert_dirs[2]);
    assert_int_equal(cfg.log_level, LOG_DEBUG);
    assert_int_equal(cfg.cache_driver, DAEMON_CACHE_NONE);
    assert_null(cfg.log_file);
    assert_true(cfg.ipc_timeout_s == 2);
    daemon_config_clear(&cfg);
}

static void test_daemon_config_security_flags(void **state)
{
    (void)state;
    daemon_config cfg;
    char err[1024] = "";
    const char *none[] = {NULL};
    assert_int_equal(parse(&cfg, NULL, none, err, sizeof(err)), DAEMON_CONFIG_RUN);
    assert_null(cfg.pki_dir);
    assert_false(cfg.allow_deprecated_policies);
    daemon_config_clear(&cfg);

    const char *args[] = {"--pki-dir", "/var/lib/osm/pki", "--allow-deprecated-policies", NULL};
    assert_int_equal(parse(&cfg, NULL, args, err, sizeof(err)), DAEMON_CONFIG_RUN);
    assert_string_equal(cfg.pki_dir, "/var/lib/osm/pki");
    assert_true(cfg.allow_deprecated_policies);
    daemon_config_clear(&cfg);

    const char *off[] = {"--allow-deprecated-policies=false", NULL};
    assert_int_equal(parse(&cfg, NULL, off, err, sizeof(err)), DAEMON_CONFIG_RUN);
    assert_false(cfg.allow_deprecated_policies);
    daemon_config_clear(&cfg);

    /* a flag is on, or =true / =false; anything else is a usage error */
    const char *bad[] = {"--allow-deprecated-policies=maybe", NULL};
    assert_int_equal(parse(&cfg, NULL, bad, err, sizeof(err)), DAEMON_CONFIG_USAGE);
    assert_non_null(strstr(err, "--allow-deprecated-policies"));
    daemon_config_clear(&cfg);
}

static void test_daemon_config_strict_errors(void **state)
{
    (void)state;
    static const char *const cases[][4] = {
        {"--bogus", NULL},
        {"--timeout", "abc", NULL},
        {"--timeout", "-5", NULL},
        {"--max-sessions", "ten", NULL},
        {"--socket-mode", "0999", NULL},
        {"--log-level", "loud", NULL},
        {"--cache-driver", "redis", NULL},
        {"--cleanup-interval", "0", NULL},
        {"--socket", NULL},
        {"stray", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        daemon_config cfg;
        char err[1024] = "";
        assert_int_equal(parse(&cfg, NULL, cases[i], err, sizeof(err)), DAEMON_CONFIG_USAGE);
        assert_true(strlen(err) > 0); /* a message naming the problem */
        daemon_config_clear(&cfg);
    }
    daemon_config cfg;
    char err[1024] = "";
    const char *missing[] = {"--socket", NULL};
    parse(&cfg, NULL, missing, err, sizeof(err));
    assert_non_null(strstr(err, "Missing value for option --socket."));
    daemon_config_clear(&cfg);
    const char *file_cache[] = {"--cache-driver", "file", NULL};
    assert_int_equal(parse(&cfg, NULL, file_cache, err, sizeof(err)), DAEMON_CONFIG_FATAL);
    assert_non_null(strstr(err, "--cache-path is required when --cache-driver=file"));
    daemon_config_clear(&cfg);
}

static void test_daemon_config_help_and_version(void **state)
{
    (void)state;
    daemon_config cfg;
    char err[256] = "";
    const char *help[] = {"--help", "--bogus", NULL}; /* acts when reached */
    assert_int_equal(parse(&cfg, NULL, help, err, sizeof(err)), DAEMON_CONFIG_EXIT_OK);
    daemon_config_clear(&cfg);
    const char *version[] = {"-v", NULL};
    assert_int_equal(parse(&cfg, NULL, version, err, sizeof(err)), DAEMON_CONFIG_EXIT_OK);
    daemon_config_clear(&cfg);
}

static void test_daemon_config_token_priority(void **state)
{
    (void)state;
    char dir[] = "/tmp/osm-cfg-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], empty[256];
    snprintf(path, sizeof(path), "%s/token", dir);
    snprintf(empty, sizeof(empty), "%s/empty", dir);
    FILE *f = fopen(path, "w");
    fputs("  from-file\n", f);
    fclose(f);
    f = fopen(empty, "w");
    fputs(" \n", f);
    fclose(f);

    daemon_config cfg;
    char err[1024] = "";
    const char *flag_and_file[] = {"--auth-token", "from-flag", "--auth-token-file", path, NULL};
    assert_int_equal(parse(&cfg, "from-env", flag_and_file, err, sizeof(err)), DAEMON_CONFIG_RUN);
    assert_string_equal(cfg.auth_token, "from-env");
    assert_non_null(strstr(err, "process list")); /* the flag was used: warn */
    daemon_config_clear(&cfg);
    assert_int_equal(parse(&cfg, "", flag_and_file, err, sizeof(err)), DAEMON_CONFIG_RUN);
    assert_string_equal(cfg.auth_token, "from-file"); /* trimmed */
    daemon_config_clear(&cfg);
    const char *flag[] = {"--auth-token", "from-flag", NULL};
    assert_int_equal(parse(&cfg, NULL, flag, err, sizeof(err)), DAEMON_CONFIG_RUN);
    assert_string_equal(cfg.auth_token, "from-flag");
    daemon_config_clear(&cfg);
    const char *empty_file[] = {"--auth-token-file", empty, NULL};
    assert_int_equal(parse(&cfg, NULL, empty_file, err, sizeof(err)), DAEMON_CONFIG_FATAL);
    assert_non_null(strstr(err, "Auth token file is empty"));
    daemon_config_clear(&cfg);
    const char *missing_file[] = {"--auth-token-file", "/nonexistent/token", NULL};
    assert_int_equal(parse(&cfg, NULL, missing_file, err, sizeof(err)), DAEMON_CONFIG_FATAL);
    assert_non_null(strstr(err, "Auth token file not found or not readable"));
    daemon_config_clear(&cfg);
    unlink(path);
    unlink(empty);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_daemon_config_defaults),
        cmocka_unit_test(test_daemon_config_values_both_forms),
        cmocka_unit_test(test_daemon_config_security_flags),
        cmocka_unit_test(test_daemon_config_strict_errors),
        cmocka_unit_test(test_daemon_config_help_and_version),
        cmocka_unit_test(test_daemon_config_token_priority),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
