/* Bounded growable byte buffer (see bbuf.h). Growth doubles, capped at max. */
#include "bbuf.h"

#include <stdlib.h>
#include <string.h>

void bbuf_init(bbuf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void bbuf_clear(bbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

int bbuf_reserve(bbuf *b, size_t n)
{
    if (n > b->max || b->len > b->max - n)
        return BBUF_ETOOBIG;
    size_t need = b->len + n;
    if (need <= b->cap)
        return BBUF_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > b->max)
        cap = b->max;
    uint8_t *p = realloc(b->data, cap);
    if (!p)
        return BBUF_ENOMEM;
    b->data = p;
    b->cap = cap;
    return BBUF_OK;
}

int bbuf_append(bbuf *b, const void *p, size_t n)
{
    if (n == 0)
        return BBUF_OK;
    int rc = bbuf_reserve(b, n);
    if (rc != BBUF_OK)
        return rc;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return BBUF_OK;
}

void bbuf_consume(bbuf *b, size_t n)
{
    if (n >= b->len) {
        b->len = 0;
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

uint8_t *bbuf_take(bbuf *b, size_t *len)
{
    uint8_t *p = b->data;
    *len = b->len;
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}
