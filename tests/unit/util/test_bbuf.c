/* Unit tests of the bounded byte buffer (src/util/bbuf.c): appends within
 * and past the maximum, reserve, consume, take and clear. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/bbuf.h"

static void test_bbuf_init_is_empty(void **state)
{
    (void)state;
    bbuf b;
    bbuf_init(&b, 100);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    assert_int_equal(b.max, 100);
    bbuf_clear(&b);
}

static void test_bbuf_append_within_max(void **state)
{
    (void)state;
    bbuf b;
    bbuf_init(&b, 16);
    assert_int_equal(bbuf_append(&b, "hello", 5), BBUF_OK);
    assert_int_equal(bbuf_append(&b, " world", 6), BBUF_OK);
    assert_int_equal(b.len, 11);
    assert_memory_equal(b.data, "hello world", 11);
    assert_true(b.cap >= b.len);
    assert_true(b.cap <= b.max);
    /* Exactly up to the maximum is still allowed. */
    assert_int_equal(bbuf_append(&b, "12345", 5), BBUF_OK);
    assert_int_equal(b.len, 16);
    assert_memory_equal(b.data, "hello world12345", 16);
    bbuf_clear(&b);
}

static void test_bbuf_append_zero_bytes_is_ok(void **state)
{
    (void)state;
    bbuf b;
    bbuf_init(&b, 0);
    assert_int_equal(bbuf_append(&b, "", 0), BBUF_OK);
    assert_int_equal(b.len, 0);
    bbuf_clear(&b);
}

static void test_bbuf_append_past_max_is_too_big_and_keeps_content(void **state)
{
    (void)state;
    bbuf b;
    bbuf_init(&b, 8);
    assert_int_equal(bbuf_append(&b, "abcdef", 6), BBUF_OK);
    assert_int_equal(bbuf_append(&b, "xyz", 3), BBUF_ETOOBIG);
    assert_int_equal(b.len, 6);
    assert_memory_equal(b.data, "abcdef", 6);
    assert_int_equal(bbuf_append(&b, "gh", 2), BBUF_OK);
    assert_int_equal(bbuf_append(&b, "i", 1), BBUF_ETOOBIG);
    assert_int_equal(b.len, 8);
    assert_memory_equal(b.data, "abcdefgh", 8);
    /* A single append larger than max on an empty buffer. */
    bbuf c;
    bbuf_init(&c, 4);
    assert_int_equal(bbuf_append(&c, "12345", 5), BBUF_ETOOBIG);
    assert_int_equal(c.len, 0);
    bbuf_clear(&c);
    bbuf_clear(&b);
}

static void test_bbuf_reserve_makes_room_without_length(void **state)
{
    (void)state;
    bbuf b;
    bbuf_init(&b, 1 << 20);
    assert_int_equal(bbuf_reserve(&b, 1000), BBUF_OK);
    assert_int_equal(b.len, 0);
    assert_true(b.cap >= 1000);
    assert_non_null(b.data);
    uint8_t *before = b.data;
    size_t cap = b.cap;
    /* Appending within the reserved room does not reallocate. */
    static const uint8_t chunk[1000];
    assert_int_equal(bbuf_append(&b, chunk, sizeof(chunk)), BBUF_OK);
    assert_ptr_equal(b.data, before);
    assert_int_equal(b.cap, cap);
    assert_int_equal(bbuf_reserve(&b, (1 << 20) - 1000), BBUF_OK);
    assert_int_equal(bbuf_reserve(&b, (1 << 20) - 999), BBUF_ETOOBIG);
    assert_int_equal(bbuf_reserve(&b, SIZE_MAX), BBUF_ETOOBIG);
    assert_int_equal(b.len, 1000);
    bbuf_clear(&b);
}

static void test_bbuf_reserve_caps_capacity_at_max(void **state)
{
    (void)state;
    bbuf b;
    bbuf_init(&b, 300);
    assert_int_equal(bbuf_reserve(&b, 257), BBUF_OK);
    assert_int_equal(b.cap, 300);
    bbuf_clear(&b);
}

static void test_bbuf_consume_drops_prefix(void **state)
{
    (void)state;
    bbuf b;
    bbuf_init(&b, 64);
    assert_int_equal(bbuf_append(&b, "0123456789", 10), BBUF_OK);
    bbuf_consume(&b, 0);
    assert_int_equal(b.len, 10);
    bbuf_consume(&b, 4);
    assert_int_equal(b.len, 6);
    assert_memory_equal(b.data, "456789", 6);
    assert_int_equal(bbuf_append(&b, "ab", 2), BBUF_OK);
    assert_memory_equal(b.data, "456789ab", 8);
    bbuf_consume(&b, 8);
    assert_int_equal(b.len, 0);
    /* Room freed by consume can be used again up to max. */
    static const uint8_t full[64];
    assert_int_equal(bbuf_append(&b, full, sizeof(full)), BBUF_OK);
    assert_int_equal(b.len, 64);
    bbuf_clear(&b);
}

static void test_bbuf_take_moves_ownership(void **state)
{
    (void)state;
    bbuf b;
    bbuf_init(&b, 32);
    assert_int_equal(bbuf_append(&b, "payload", 7), BBUF_OK);
    size_t len = 0;
    uint8_t *p = bbuf_take(&b, &len);
    assert_non_null(p);
    assert_int_equal(len, 7);
    assert_memory_equal(p, "payload", 7);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    assert_int_equal(b.max, 32);
    free(p);
    /* The emptied buffer is usable again. */
    assert_int_equal(bbuf_append(&b, "x", 1), BBUF_OK);
    assert_int_equal(b.len, 1);
    bbuf_clear(&b);
}

static void test_bbuf_take_of_empty_returns_null(void **state)
{
    (void)state;
    bbuf b;
    bbuf_init(&b, 32);
    size_t len = 99;
    uint8_t *p = bbuf_take(&b, &len);
    assert_null(p);
    assert_int_equal(len, 0);
    bbuf_clear(&b);
}

static void test_bbuf_clear_releases_and_keeps_max(void **state)
{
    (void)state;
    bbuf b;
    bbuf_init(&b, 40);
    assert_int_equal(bbuf_append(&b, "abc", 3), BBUF_OK);
    bbuf_clear(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    assert_int_equal(b.max, 40);
    bbuf_clear(&b); /* clearing twice is harmless */
    assert_int_equal(bbuf_append(&b, "def", 3), BBUF_OK);
    assert_memory_equal(b.data, "def", 3);
    bbuf_clear(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bbuf_init_is_empty),
        cmocka_unit_test(test_bbuf_append_within_max),
        cmocka_unit_test(test_bbuf_append_zero_bytes_is_ok),
        cmocka_unit_test(test_bbuf_append_past_max_is_too_big_and_keeps_content),
        cmocka_unit_test(test_bbuf_reserve_makes_room_without_length),
        cmocka_unit_test(test_bbuf_reserve_caps_capacity_at_max),
        cmocka_unit_test(test_bbuf_consume_drops_prefix),
        cmocka_unit_test(test_bbuf_take_moves_ownership),
        cmocka_unit_test(test_bbuf_take_of_empty_returns_null),
        cmocka_unit_test(test_bbuf_clear_releases_and_keeps_max),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
