/* The --config parser: the daemon.md §8 schema with its defaults, strict
 * about unknown keys and wrong types, every error naming its place. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon_autoconfig.h"

static int parse_text(const char *text, dac_list *l, char *err, size_t n)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    assert_non_null(j);
    int rc = dac_parse(j, l, err, n);
    json_decref(j);
    return rc;
}

static void test_autoconfig_full_with_defaults(void **state)
{
    (void)state;
    const char *text =
        "{\"plc1\": {\"endpoint\": \"opc.tcp://10.0.0.5:4840\", \"config\": {\"opcuaTimeout\": 5},"
        "  \"subscriptions\": [{\"publishing_interval\": 250, \"priority\": 3,"
        "    \"monitored_items\": [{\"node_id\": \"ns=2;s=Line1.Speed\", \"client_handle\": 11},"
        "                          {\"node_id\": \"i=2258\", \"attribute_id\": 13,"
        "                           \"sampling_interval\": 100, \"queue_size\": 5},"
        "                          {\"node_id\": \"nsu=urn:plc:tags;s=Tag\"}],"
        "    \"event_monitored_items\": [{\"node_id\": \"i=2253\","
        "                                 \"select_fields\": [\"Message\", \"Severity\"]}]}]},"
        " \"bare\": {\"endpoint\": \"opc.tcp://h:1\"}}";
    dac_list l;
    char err[256] = "";
    assert_int_equal(parse_text(text, &l, err, sizeof(err)), 0);
    assert_int_equal(l.n, 2);
    dac_conn *c = &l.conns[0];
    assert_string_equal(c->name, "plc1");
    assert_string_equal(c->endpoint, "opc.tcp://10.0.0.5:4840");
    assert_int_equal(json_integer_value(json_object_get(c->config, "opcuaTimeout")), 5);
    assert_int_equal(c->n_subs, 1);
    dac_sub *s = &c->subs[0];
    assert_true(s->publishing_interval == 250.0);
    assert_int_equal(s->lifetime_count, 2400);
    assert_int_equal(s->max_keep_alive_count, 10);
    assert_int_equal(s->max_notifications_per_publish, 0);
    assert_int_equal(s->priority, 3);
    assert_int_equal(s->n_items, 3);
    json_t *want = json_pack("{s:i,s:s,s:s}", "ns", 2, "id", "Line1.Speed", "type", "string");
    assert_true(json_equal(s->items[0].node_id, want));
    json_decref(want);
    assert_int_equal(s->items[0].client_handle, 11);
    /* A namespace URI stays a URI: the session resolves it at each use. */
    want = json_pack("{s:s,s:s,s:s}", "id", "Tag", "type", "string", "nsu", "urn:plc:tags");
    assert_true(json_equal(s->items[2].node_id, want));
    json_decref(want);
    assert_int_equal(s->items[0].attribute_id, 13);
    assert_true(s->items[0].sampling_interval == 250.0);
    assert_int_equal(s->items[0].queue_size, 1);
    assert_int_equal(s->items[1].queue_size, 5);
    assert_int_equal(s->n_events, 1);
    assert_int_equal(s->events[0].client_handle, 1);
    assert_int_equal(json_array_size(s->events[0].select_fields), 2);
    c = &l.conns[1];
    assert_string_equal(c->name, "bare");
    assert_int_equal(c->n_subs, 0);
    assert_int_equal(json_object_size(c->config), 0);
    dac_list_clear(&l);
}

static void expect_error(const char *text, const char *fragment)
{
    dac_list l;
    char err[512] = "";
    assert_int_equal(parse_text(text, &l, err, sizeof(err)), -1);
    if (!strstr(err, fragment))
        fail_msg("error \"%s\" lacks \"%s\"", err, fragment);
    assert_int_equal(l.n, 0);
    dac_list_clear(&l);
}

static void test_autoconfig_errors_name_their_place(void **state)
{
    (void)state;
    expect_error("[]", "top level");
    expect_error("{\"a\": {}}", "\"a\": \"endpoint\"");
    expect_error("{\"a\": {\"endpoint\": \"x\", \"endpiont\": 1}}", "unknown key \"endpiont\"");
    expect_error("{\"a\": {\"endpoint\": \"x\", \"config\": []}}", "\"config\" must be an object");
    expect_error("{\"a\": {\"endpoint\": \"x\", \"subscriptions\": [{\"lifetime\": 5}]}}",
                 "\"a\".subscriptions[0]: unknown key \"lifetime\"");
    expect_error("{\"a\": {\"endpoint\": \"x\", \"subscriptions\": [{\"priority\": 300}]}}",
                 "\"priority\" must be an integer in 0..255");
    expect_error("{\"a\": {\"endpoint\": \"x\", \"subscriptions\": [{\"monitored_items\":"
                 " [{\"client_handle\": 1}]}]}}",
                 "\"a\".subscriptions[0].monitored_items[0]: \"node_id\"");
    expect_error("{\"a\": {\"endpoint\": \"x\", \"subscriptions\": [{\"monitored_items\":"
                 " [{\"node_id\": \"ns=x;s=\"}]}]}}",
                 "not a valid NodeId");
    expect_error("{\"a\": {\"endpoint\": \"x\", \"subscriptions\": [{\"monitored_items\":"
                 " [{\"node_id\": \"nsu=urn:x\"}]}]}}",
                 "not a valid NodeId: nsu=urn:x");
    expect_error("{\"a\": {\"endpoint\": \"x\", \"subscriptions\": [{\"event_monitored_items\":"
                 " [{\"node_id\": \"i=2253\", \"select_fields\": []}]}]}}",
                 "select_fields");
    expect_error("{\"0123456789abcdef0123456789abcdef\": {\"endpoint\": \"x\"}}", "session id");
    expect_error("{\"*\": {\"endpoint\": \"x\"}}", "connection name");
}

static void test_autoconfig_load_file(void **state)
{
    (void)state;
    char path[] = "/tmp/osm-autoconfig-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "{\"a\": {\"endpoint\": \"opc.tcp://h:4840\"}}\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    dac_list l;
    char err[512];
    assert_int_equal(dac_load(path, &l, err, sizeof(err)), 0);
    assert_int_equal(l.n, 1);
    dac_list_clear(&l);
    FILE *f = fopen(path, "w");
    fputs("{\"a\": {\"endpoint\": \"x\"}, \"a\": {}}", f);
    fclose(f);
    assert_int_equal(dac_load(path, &l, err, sizeof(err)), -1); /* duplicate key */
    assert_non_null(strstr(err, path));
    dac_list_clear(&l);
    unlink(path);
    assert_int_equal(dac_load(path, &l, err, sizeof(err)), -1);
    dac_list_clear(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_autoconfig_full_with_defaults),
        cmocka_unit_test(test_autoconfig_errors_name_their_place),
        cmocka_unit_test(test_autoconfig_load_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
