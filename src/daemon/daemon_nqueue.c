/* The bounded line queue of a watch client (daemon_nqueue.h): a ring of
 * owned copies; full -> the oldest goes and is counted. */
#include <stdlib.h>
#include <string.h>

#include "daemon_nqueue.h"

int nqueue_init(nqueue *q, size_t cap)
{
    memset(q, 0, sizeof(*q));
    q->lines = calloc(cap ? cap : 1, sizeof(char *));
    q->lens = calloc(cap ? cap : 1, sizeof(size_t));
    if (!q->lines || !q->lens) {
        free(q->lines);
        free(q->lens);
        memset(q, 0, sizeof(*q));
        return -1;
    }
    q->cap = cap ? cap : 1;
    return 0;
}

void nqueue_clear(nqueue *q)
{
    while (q->count)
        nqueue_pop(q);
    free(q->lines);
    free(q->lens);
    memset(q, 0, sizeof(*q));
}

int nqueue_push(nqueue *q, const char *line, size_t len)
{
    if (!q->cap)
        return -1;
    char *copy = malloc(len ? len : 1);
    if (!copy)
        return -1;
    memcpy(copy, line, len);
    int dropped = 0;
    if (q->count == q->cap) {
        nqueue_pop(q);
        q->dropped++;
        dropped = 1;
    }
    size_t slot = (q->head + q->count) % q->cap;
    q->lines[slot] = copy;
    q->lens[slot] = len;
    q->count++;
    return dropped;
}

const char *nqueue_peek(const nqueue *q, size_t *len)
{
    if (!q->count)
        return NULL;
    *len = q->lens[q->head];
    return q->lines[q->head];
}

void nqueue_pop(nqueue *q)
{
    if (!q->count)
        return;
    free(q->lines[q->head]);
    q->lines[q->head] = NULL;
    q->head = (q->head + 1) % q->cap;
    q->count--;
}
