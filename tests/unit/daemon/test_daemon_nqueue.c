/* The bounded line queue of a watch client: FIFO order, and the overflow
 * policy (a full queue drops its oldest line and counts it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "daemon_nqueue.h"

static void push_str(nqueue *q, const char *s, int expect_dropped)
{
    assert_int_equal(nqueue_push(q, s, strlen(s)), expect_dropped);
}

static void expect_head(nqueue *q, const char *s)
{
    size_t len = 0;
    const char *line = nqueue_peek(q, &len);
    assert_non_null(line);
    assert_int_equal(len, strlen(s));
    assert_memory_equal(line, s, len);
    nqueue_pop(q);
}

static void test_nqueue_fifo(void **state)
{
    (void)state;
    nqueue q;
    assert_int_equal(nqueue_init(&q, 4), 0);
    size_t len;
    assert_null(nqueue_peek(&q, &len));
    push_str(&q, "a\n", 0);
    push_str(&q, "bb\n", 0);
    expect_head(&q, "a\n");
    push_str(&q, "c\n", 0);
    expect_head(&q, "bb\n");
    expect_head(&q, "c\n");
    assert_null(nqueue_peek(&q, &len));
    assert_int_equal(q.dropped, 0);
    nqueue_pop(&q); /* empty: no-op */
    nqueue_clear(&q);
}

static void test_nqueue_overflow_drops_oldest(void **state)
{
    (void)state;
    nqueue q;
    assert_int_equal(nqueue_init(&q, 3), 0);
    char buf[16];
    for (int i = 0; i < 10; i++) {
        snprintf(buf, sizeof(buf), "%d", i);
        push_str(&q, buf, i < 3 ? 0 : 1);
    }
    assert_int_equal(q.count, 3);
    assert_int_equal(q.dropped, 7);
    expect_head(&q, "7");
    expect_head(&q, "8");
    push_str(&q, "10", 0);
    push_str(&q, "11", 0);
    push_str(&q, "12", 1); /* full again: "9" goes */
    assert_int_equal(q.dropped, 8);
    expect_head(&q, "10");
    nqueue_clear(&q); /* frees what is left */
    assert_int_equal(q.count, 0);
    nqueue_clear(&q); /* a zeroed queue is fine */
}

static void test_nqueue_capacity_one(void **state)
{
    (void)state;
    nqueue q;
    assert_int_equal(nqueue_init(&q, 1), 0);
    push_str(&q, "x", 0);
    push_str(&q, "y", 1);
    expect_head(&q, "y");
    nqueue_clear(&q);
    nqueue z;
    memset(&z, 0, sizeof(z));
    assert_int_equal(nqueue_push(&z, "x", 1), -1); /* not initialised: refused */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nqueue_fifo),
        cmocka_unit_test(test_nqueue_overflow_drops_oldest),
        cmocka_unit_test(test_nqueue_capacity_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
