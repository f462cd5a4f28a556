/* The daemon's result cache: memory and file drivers, TTL, invalidation
 * by node, flush, and the none driver. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon_cache.h"

static json_t *node(const char *id)
{
    return json_pack("{s:i,s:s,s:s}", "ns", 1, "id", id, "type", "string");
}

static void exercise(dcache *c)
{
    json_t *a = node("A"), *b = node("B");
    json_t *rest = json_pack("[i]", 0);
    char *ka = dcache_key("opc.tcp://h:1", "browse", a, rest);
    char *kb = dcache_key("opc.tcp://h:1", "browse", b, rest);
    char *ka_other = dcache_key("opc.tcp://h:2", "browse", a, rest);
    assert_null(dcache_get(c, ka));
    json_t *v = json_pack("[s,i]", "x", 1);
    dcache_put(c, ka, v);
    dcache_put(c, kb, v);
    json_t *hit = dcache_get(c, ka);
    assert_non_null(hit);
    assert_true(json_equal(hit, v));
    json_decref(hit);
    assert_null(dcache_get(c, ka_other)); /* namespaced by endpoint */
    dcache_invalidate_node(c, a);
    assert_null(dcache_get(c, ka));
    hit = dcache_get(c, kb);
    assert_non_null(hit);
    json_decref(hit);
    dcache_flush(c);
    assert_null(dcache_get(c, kb));
    json_decref(v);
    json_decref(a);
    json_decref(b);
    json_decref(rest);
    free(ka);
    free(kb);
    free(ka_other);
}

static void test_daemon_cache_memory(void **state)
{
    (void)state;
    char err[256];
    int failed;
    dcache *c = dcache_new(DAEMON_CACHE_MEMORY, NULL, 60, err, sizeof(err), &failed);
    assert_non_null(c);
    exercise(c);
    /* Bounded: the oldest entries go first. */
    json_t *v = json_integer(1);
    char key[32];
    for (int i = 0; i < DCACHE_MAX_ENTRIES + 10; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        dcache_put(c, key, v);
    }
    assert_null(dcache_get(c, "k0"));
    json_t *last = dcache_get(c, key);
    assert_non_null(last);
    json_decref(last);
    json_decref(v);
    dcache_free(c);
}

static void test_daemon_cache_file_and_ttl(void **state)
{
    (void)state;
    char dir[] = "/tmp/osm-cache-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[128];
    snprintf(sub, sizeof(sub), "%s/c", dir);
    char err[256];
    int failed;
    dcache *c = dcache_new(DAEMON_CACHE_FILE, sub, 60, err, sizeof(err), &failed);
    assert_non_null(c);
    exercise(c);
    /* Survives a new cache object (a daemon restart). */
    json_t *v = json_string("kept");
    dcache_put(c, "key1", v);
    dcache_free(c);
    c = dcache_new(DAEMON_CACHE_FILE, sub, 60, err, sizeof(err), &failed);
    json_t *hit = dcache_get(c, "key1");
    assert_non_null(hit);
    assert_string_equal(json_string_value(hit), "kept");
    json_decref(hit);
    dcache_flush(c);
    dcache_free(c);
    /* A TTL of 1 s expires. */
    c = dcache_new(DAEMON_CACHE_FILE, sub, 1, err, sizeof(err), &failed);
    dcache_put(c, "key2", v);
    hit = dcache_get(c, "key2");
    assert_non_null(hit);
    json_decref(hit);
    sleep(2);
    assert_null(dcache_get(c, "key2"));
    dcache_free(c);
    json_decref(v);
    rmdir(sub);
    rmdir(dir);
    /* A cache path that is a file is refused with a message. */
    c = dcache_new(DAEMON_CACHE_FILE, "/etc/hostname", 60, err, sizeof(err), &failed);
    assert_null(c);
    assert_true(failed);
    assert_non_null(strstr(err, "not a directory"));
}

static void test_daemon_cache_none(void **state)
{
    (void)state;
    char err[256];
    int failed;
    dcache *c = dcache_new(DAEMON_CACHE_NONE, NULL, 60, err, sizeof(err), &failed);
    assert_null(c);
    assert_false(failed);
    json_t *v = json_integer(1);
    dcache_put(c, "k", v); /* all no-ops */
    assert_null(dcache_get(c, "k"));
    dcache_flush(c);
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_daemon_cache_memory),
        cmocka_unit_test(test_daemon_cache_file_and_ttl),
        cmocka_unit_test(test_daemon_cache_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
