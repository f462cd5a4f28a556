/* Helpers shared by the wire unit tests: a compact dumper that writes JSON
 * the way the IPC writer will (PHP style: reals in their shortest form
 * without a ".0", the UInt64 marker as a bare integer, keys in insertion
 * order, "/" not escaped), and assertions on the text. */
#ifndef WIRE_TEST_H
#define WIRE_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

typedef struct tbuf {
    char *p;
    size_t len, cap;
} tbuf;

static inline void tbuf_add(tbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *p = realloc(b->p, cap);
        assert_non_null(p);
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static inline void tbuf_str(tbuf *b, const char *s)
{
    tbuf_add(b, s, strlen(s));
}

static inline void dump_php(tbuf *b, const json_t *j)
{
    char num[40];
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        if (wire_is_big_u64(j)) {
            snprintf(num, sizeof(num), "%" PRIu64, wire_big_u64_value(j));
            tbuf_str(b, num);
            return;
        }
        const char *key;
        json_t *v;
        int first = 1;
        tbuf_str(b, "{");
        json_object_foreach((json_t *)j, key, v)
        {
            if (!first)
                tbuf_str(b, ",");
            first = 0;
            json_t *k = json_string(key);
            char *ks = json_dumps(k, JSON_ENCODE_ANY);
            tbuf_str(b, ks);
            free(ks);
            json_decref(k);
            tbuf_str(b, ":");
            dump_php(b, v);
        }
        tbuf_str(b, "}");
        return;
    }
    case JSON_ARRAY:
        tbuf_str(b, "[");
        for (size_t i = 0; i < json_array_size(j); i++) {
            if (i)
                tbuf_str(b, ",");
            dump_php(b, json_array_get(j, i));
        }
        tbuf_str(b, "]");
        return;
    case JSON_REAL: {
        double d = json_real_value(j);
        if (d < 1e15 && d > -1e15 && d == (double)(long long)d) {
            snprintf(num, sizeof(num), "%.0f", d); /* 250.0 -> 250, as PHP */
            tbuf_str(b, num);
            return;
        }
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(num, sizeof(num), "%.*g", prec, d);
            if (strtod(num, NULL) == d)
                break;
        }
        tbuf_str(b, num);
        return;
    }
    default: {
        char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
        assert_non_null(s);
        tbuf_str(b, s);
        free(s);
        return;
    }
    }
}

/* Returns the PHP-style text of j (borrowed); caller frees. */
static inline char *php_text(const json_t *j)
{
    tbuf b = {0};
    assert_non_null(j);
    dump_php(&b, j);
    return b.p;
}

/* Asserts the text of j and releases j. */
#define assert_json(j, expected)                                                                   \
    do {                                                                                           \
        json_t *j_ = (j);                                                                          \
        char *t_ = php_text(j_);                                                                   \
        if (strcmp(t_, (expected)) != 0)                                                           \
            print_error("JSON\n  got:      %s\n  expected: %s\n", t_, (expected));                 \
        assert_string_equal(t_, (expected));                                                       \
        free(t_);                                                                                  \
        json_decref(j_);                                                                           \
    } while (0)

/* Parses JSON text for a decoder test; fails the test on bad text. */
static inline json_t *J(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &e);
    if (!j)
        print_error("bad test JSON %s: %s\n", text, e.text);
    assert_non_null(j);
    return j;
}

/* Asserts that a decoder failed with the exception type and that the
 * message contains `part`. */
#define assert_wire_error(err, exc, part)                                                          \
    do {                                                                                           \
        assert_non_null((err).type);                                                               \
        if (strcmp((err).type, (exc)) != 0 || !strstr((err).message, (part)))                      \
            print_error("error %s: %s\n", (err).type, (err).message);                              \
        assert_string_equal((err).type, (exc));                                                    \
        assert_non_null(strstr((err).message, (part)));                                            \
    } while (0)

#endif
