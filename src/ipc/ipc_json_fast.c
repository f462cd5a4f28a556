/* The fast path of ipc_json_decode: a strict one-pass parser for the JSON
 * that clients actually send (ASCII, the usual escapes, int64 integers,
 * finite reals), building the same jansson values json_loadb would, in a
 * tenth of its instructions. Anything else -- any error, non-ASCII bytes,
 * \u escapes it does not decode, numbers out of range -- is handed back
 * undecided, and ipc_json_decode asks jansson, so every input gets exactly
 * jansson's answer (fuzz_ipc_frame checks the two against each other). */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc_json.h"

typedef struct parser {
    const char *p, *end;
    int depth;
} parser;

#define STACK_TEXT 256 /* escaped strings up to this size decode on the stack */

static void skip_ws(parser *f)
{
    while (f->p < f->end && (*f->p == ' ' || *f->p == '\n' || *f->p == '\r' || *f->p == '\t'))
        f->p++;
}

static int hex4(const char *s)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Decodes the escapes of s[0..n) (no quote inside) into out, which holds
 * at least n bytes (an escape never grows). Returns the length, or -1 for
 * what the fast path leaves to jansson. */
static long unescape(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c != '\\') {
            out[o++] = c;
            continue;
        }
        if (++i >= n)
            return -1;
        if (s[i] != 'u') {
            /* the two-character escapes: each letter, then what it means */
            static const char pairs[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
            size_t k = 0;
            while (k < sizeof(pairs) - 1 && pairs[k] != s[i])
                k += 2;
            if (k >= sizeof(pairs) - 1)
                return -1;
            out[o++] = pairs[k + 1];
            continue;
        }
        /* \uXXXX is 6 bytes and becomes at most 3 */
        int u = i + 4 < n ? hex4(s + i + 1) : -1;
        if (u <= 0 || (u >= 0xD800 && u <= 0xDFFF)) /* NUL, surrogates: jansson */
            return -1;
        i += 4;
        if (u < 0x80) {
            out[o++] = (char)u;
        } else if (u < 0x800) {
            out[o++] = (char)(0xC0 | (u >> 6));
            out[o++] = (char)(0x80 | (u & 0x3F));
        } else {
            out[o++] = (char)(0xE0 | (u >> 12));
            out[o++] = (char)(0x80 | ((u >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (u & 0x3F));
        }
    }
    return (long)o;
}

/* The string at f->p (its opening quote) into *text and *len: the input
 * itself when it has no escapes, else decoded into buf (STACK_TEXT bytes)
 * or, when longer, into *heap (owned by the caller, free() it). Returns 0,
 * or -1 when the fast path leaves it to jansson. */
static int scan_string(parser *f, char *buf, const char **text, size_t *len, char **heap)
{
    const char *s = ++f->p;
    bool escaped = false;
    *heap = NULL;
    while (f->p < f->end && *f->p != '"') {
        unsigned char c = (unsigned char)*f->p;
        if (c < 0x20 || c >= 0x80) /* raw control bytes: errors; UTF-8: jansson checks it */
            return -1;
        if (c == '\\') {
            escaped = true;
            if (++f->p >= f->end)
                return -1;
        }
        f->p++;
    }
    if (f->p >= f->end)
        return -1;
    size_t n = (size_t)(f->p - s);
    f->p++; /* the closing quote */
    *text = s;
    *len = n;
    if (!escaped)
        return 0;
    char *out = n <= STACK_TEXT ? buf : (*heap = malloc(n));
    long k = out ? unescape(s, n, out) : -1;
    if (k < 0) {
        free(*heap);
        *heap = NULL;
        return -1;
    }
    *text = out;
    *len = (size_t)k;
    return 0;
}

/* Kept out of value_at so that only strings pay for the buffer on the
 * stack, not every level of nesting. */
static __attribute__((noinline)) json_t *string_value(parser *f)
{
    char buf[STACK_TEXT], *heap;
    const char *text;
    size_t len;
    if (scan_string(f, buf, &text, &len, &heap) != 0)
        return NULL;
    json_t *v = json_stringn_nocheck(text, len);
    free(heap);
    return v;
}

/* Consumes one or more decimal digits; false when there is none. */
static bool digits(parser *f)
{
    const char *d = f->p;
    while (f->p < f->end && *f->p >= '0' && *f->p <= '9')
        f->p++;
    return f->p != d;
}

/* JSON number grammar; integers within int64 and finite reals only. */
static json_t *number_at(parser *f)
{
    const char *s = f->p;
    bool neg = false, real = false;
    if (f->p < f->end && *f->p == '-')
        neg = true, f->p++;
    if (f->p >= f->end)
        return NULL;
    if (*f->p == '0')
        f->p++;
    else if (*f->p < '1' || *f->p > '9' || !digits(f))
        return NULL;
    const char *int_end = f->p;
    if (f->p < f->end && *f->p == '.') {
        real = true;
        f->p++;
        if (!digits(f))
            return NULL;
    }
    if (f->p < f->end && (*f->p == 'e' || *f->p == 'E')) {
        real = true;
        f->p++;
        if (f->p < f->end && (*f->p == '+' || *f->p == '-'))
            f->p++;
        if (!digits(f))
            return NULL;
    }
    if (!real) {
        const char *d = s + neg;
        size_t nd = (size_t)(int_end - d);
        if (nd > 18) /* 19 digits may not fit: jansson decides */
            return NULL;
        json_int_t v = 0;
        for (size_t i = 0; i < nd; i++)
            v = v * 10 + (d[i] - '0');
        return json_integer(neg ? -v : v);
    }
    char tmp[64];
    size_t n = (size_t)(f->p - s);
    if (n >= sizeof(tmp))
        return NULL;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    errno = 0;
    double d = strtod(tmp, NULL);
    if (isinf(d))
        return NULL;
    return json_real(d);
}

static json_t *value_at(parser *f);

/* Skips blanks, then consumes c when it comes next. */
static bool take(parser *f, char c)
{
    skip_ws(f);
    if (f->p < f->end && *f->p == c) {
        f->p++;
        return true;
    }
    return false;
}

/* After a member or element: 1 at the closing bracket, 0 after a comma,
 * -1 otherwise. */
static int after_item(parser *f, char close)
{
    if (take(f, close))
        return 1;
    return take(f, ',') ? 0 : -1;
}

/* An object or array at f->p (its opening bracket). */
static json_t *container_at(parser *f)
{
    bool object = *f->p == '{';
    char close = object ? '}' : ']';
    json_t *c = object ? json_object() : json_array();
    char buf[STACK_TEXT];
    f->p++;
    if (take(f, close))
        return c;
    for (;;) {
        const char *key = NULL;
        size_t key_len = 0;
        if (object) {
            char *heap;
            skip_ws(f);
            if (f->p >= f->end || *f->p != '"' || scan_string(f, buf, &key, &key_len, &heap) != 0)
                break;
            if (heap) { /* keys this long are rare: leave them to jansson */
                free(heap);
                break;
            }
            if (!take(f, ':'))
                break;
        }
        json_t *v = value_at(f);
        if (!v || (object ? json_object_setn_new_nocheck(c, key, key_len, v)
                          : json_array_append_new(c, v)) != 0)
            break;
        int r = after_item(f, close);
        if (r > 0)
            return c;
        if (r < 0)
            break;
    }
    json_decref(c);
    return NULL;
}

static bool literal(parser *f, const char *word, size_t n)
{
    if ((size_t)(f->end - f->p) < n || memcmp(f->p, word, n) != 0)
        return false;
    f->p += n;
    return true;
}

static json_t *value_at(parser *f)
{
    skip_ws(f);
    if (f->p >= f->end)
        return NULL;
    switch (*f->p) {
    case '{':
    case '[': {
        if (++f->depth > IPC_JSON_MAX_DEPTH)
            return NULL;
        json_t *v = container_at(f);
        f->depth--;
        return v;
    }
    case '"':
        return string_value(f);
    case 't':
        return literal(f, "true", 4) ? json_true() : NULL;
    case 'f':
        return literal(f, "false", 5) ? json_false() : NULL;
    case 'n':
        return literal(f, "null", 4) ? json_null() : NULL;
    default:
        return number_at(f);
    }
}

json_t *ipc_json_decode_fast(const char *text, size_t len)
{
    parser f = {text, text + len, 0};
    skip_ws(&f);
    if (f.p >= f.end || (*f.p != '{' && *f.p != '['))
        return NULL;
    json_t *v = value_at(&f);
    skip_ws(&f);
    if (v && f.p != f.end) {
        json_decref(v);
        return NULL;
    }
    return v;
}
