/* `open` config: coercion and refusals, the sanitised copy and the reuse
 * key that, unlike the reference, depends on every credential. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "session_config.h"

static json_t *j(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &e);
    assert_non_null(v);
    return v;
}

static char *key_of(const char *url, const char *config)
{
    json_t *c = j(config);
    session_config cfg;
    config_error err;
    assert_int_equal(session_config_parse(c, &cfg, &err), 0);
    char *key = session_config_reuse_key(url, &cfg);
    assert_non_null(key);
    session_config_clear(&cfg);
    json_decref(c);
    return key;
}

static void test_session_config_coercion_and_sanitising(void **state)
{
    (void)state;
    json_t *c = j("{\"opcuaTimeout\":\"5\",\"autoRetry\":2.0,\"securityMode\":1,"
                  "\"username\":\"op\",\"password\":\"pw\",\"clientKeyPath\":\"/k\","
                  "\"autoAccept\":1,\"unknown\":true,\"batchSize\":null}");
    session_config cfg;
    config_error err;
    assert_int_equal(session_config_parse(c, &cfg, &err), 0);
    assert_true(cfg.opcua_timeout == 5.0);
    assert_int_equal(cfg.auto_retry, 2);
    assert_false(cfg.has_batch_size);
    assert_true(cfg.auto_accept);
    json_t *stored = session_config_sanitised(&cfg, false);
    char *text = json_dumps(stored, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert_string_equal(text, "{\"opcuaTimeout\":5.0,\"autoRetry\":2,\"securityMode\":1,"
                              "\"username\":\"op\",\"autoAccept\":true}");
    free(text);
    json_t *listed = session_config_sanitised(&cfg, true);
    assert_null(json_object_get(listed, "username"));
    assert_null(json_object_get(listed, "password"));
    assert_null(json_object_get(listed, "clientKeyPath"));
    json_decref(stored);
    json_decref(listed);
    session_config_clear(&cfg);
    json_decref(c);
}

static void test_session_config_refusals(void **state)
{
    (void)state;
    static const struct {
        const char *config;
        const char *type;
    } bad[] = {
        {"{\"securityPolicy\":\"http://x\"}", "ValueError"},
        {"{\"securityMode\":4}", "ValueError"},
        {"{\"trustPolicy\":\"lax\"}", "ValueError"},
        {"{\"opcuaTimeout\":\"soon\"}", "TypeError"},
        {"{\"autoRetry\":[1]}", "TypeError"},
        {"{\"username\":{}}", "TypeError"},
        {"{\"opcuaTimeout\":0}", "ValueError"},
        {"\"text\"", "TypeError"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *c = j(bad[i].config);
        session_config cfg;
        config_error err;
        assert_int_equal(session_config_parse(c, &cfg, &err), -1);
        assert_string_equal(err.type, bad[i].type);
        assert_true(strlen(err.message) > 0);
        json_decref(c);
    }
    /* An empty PHP-style array and null are empty configs. */
    session_config cfg;
    config_error err;
    json_t *empty = j("[]");
    assert_int_equal(session_config_parse(empty, &cfg, &err), 0);
    json_decref(empty);
    assert_int_equal(session_config_parse(NULL, &cfg, &err), 0);
}

static void test_session_config_reuse_key_depends_on_credentials(void **state)
{
    (void)state;
    assert_int_equal(session_config_init_key(), 0);
    char *a = key_of("opc.tcp://h:4840", "{\"username\":\"op\",\"password\":\"pw\"}");
    char *same = key_of("opc.tcp://h:4840", "{\"password\":\"pw\",\"username\":\"op\"}");
    char *other_pw = key_of("opc.tcp://h:4840", "{\"username\":\"op\",\"password\":\"x\"}");
    char *other_url = key_of("opc.tcp://h:4841", "{\"username\":\"op\",\"password\":\"pw\"}");
    char *other_key = key_of("opc.tcp://h:4840", "{\"username\":\"op\",\"password\":\"pw\","
                                                 "\"clientKeyPath\":\"/other\"}");
    char *timeout5 = key_of("opc.tcp://h:4840", "{\"opcuaTimeout\":5}");
    char *timeout5f = key_of("opc.tcp://h:4840", "{\"opcuaTimeout\":5.0}");
    assert_string_equal(a, same);
    assert_string_not_equal(a, other_pw); /* ipc-protocol.md §9 #4 */
    assert_string_not_equal(a, other_url);
    assert_string_not_equal(a, other_key);
    assert_string_equal(timeout5, timeout5f); /* both coerced to float */
    assert_null(strstr(a, "pw"));             /* the secret itself is not in the key */
    free(a);
    free(same);
    free(other_pw);
    free(other_url);
    free(other_key);
    free(timeout5);
    free(timeout5f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session_config_coercion_and_sanitising),
        cmocka_unit_test(test_session_config_refusals),
        cmocka_unit_test(test_session_config_reuse_key_depends_on_credentials),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
