/* PHP-compatible JSON for the IPC wire (see ipc_json.h). Decoding is
 * jansson plus two PHP rules (depth 512, big integers as reals); encoding is
 * a small writer of our own over jansson values. */
#include "ipc_json.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

/* ---- decoding ----------------------------------------------------------- */

/* Nesting depth of a JSON text, counting brackets outside strings. Exact
 * for valid JSON; for invalid JSON the answer does not matter (jansson
 * rejects it anyway). Stops counting past limit. */
static bool depth_within(const char *s, size_t n, int limit)
{
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit)
                return false;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return true;
}

static bool is_num_char(char c)
{
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/* True when the integer token [s, s+n) (no fraction, no exponent) is
 * outside int64. JSON forbids leading zeros, so length decides first. */
static bool int_overflows(const char *s, size_t n)
{
    bool neg = n > 0 && s[0] == '-';
    if (neg)
        s++, n--;
    const char *lim = neg ? "9223372036854775808" : "9223372036854775807";
    if (n != 19)
        return n > 19;
    return memcmp(s, lim, 19) > 0;
}

/* PHP decodes integers beyond int64 as floats; jansson refuses them. Copy
 * the text with ".0" after each such integer so jansson reads a real.
 * Returns owned text (*out_len bytes) or NULL. */
static char *widen_big_integers(const char *s, size_t n, size_t *out_len)
{
    char *out = malloc(n + n / 2 + 4);
    if (!out)
        return NULL;
    size_t o = 0;
    bool in_string = false;
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if (in_string) {
            out[o++] = s[i++];
            if (c == '\\' && i < n)
                out[o++] = s[i++];
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
            out[o++] = s[i++];
            continue;
        }
        if (c != '-' && !(c >= '0' && c <= '9')) {
            out[o++] = s[i++];
            continue;
        }
        size_t j = i;
        bool integral = true;
        while (j < n && is_num_char(s[j])) {
            if (s[j] == '.' || s[j] == 'e' || s[j] == 'E')
                integral = false;
            j++;
        }
        memcpy(out + o, s + i, j - i);
        o += j - i;
        if (integral && int_overflows(s + i, j - i)) {
            out[o++] = '.';
            out[o++] = '0';
        }
        i = j;
    }
    *out_len = o;
    return out;
}

json_t *ipc_json_decode(const char *text, size_t len)
{
    if (!depth_within(text, len, IPC_JSON_MAX_DEPTH))
        return NULL;
    json_t *v = ipc_json_decode_fast(text, len);
    if (v)
        return v;
    json_error_t err;
    v = json_loadb(text, len, 0, &err);
    if (!v && json_error_code(&err) == json_error_numeric_overflow) {
        size_t n;
        char *wide = widen_big_integers(text, len, &n);
        if (wide) {
            v = json_loadb(wide, n, 0, &err);
            free(wide);
        }
    }
    if (v && !json_is_object(v) && !json_is_array(v)) {
        json_decref(v);
        v = NULL;
    }
    return v;
}

/* ---- real numbers ------------------------------------------------------- */

char *ipc_json_put_u64(char *o, uint64_t v)
{
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *o++ = tmp[--n];
    return o;
}

char *ipc_json_put_i64(char *o, int64_t v)
{
    if (v >= 0)
        return ipc_json_put_u64(o, (uint64_t)v);
    *o++ = '-';
    return ipc_json_put_u64(o, (uint64_t)0 - (uint64_t)v);
}

/* The correctly rounded p-digit decimal mantissa of d (d normal, > 0):
 * d ~ m x 10^exp10 with 10^(p-1) <= m < 10^p, without printf. d is
 * f x 2^e exactly (f of 53 bits), so m = round(f x 10^k x 2^e) is a
 * quotient of two integers; when both fit in 128 bits it is computed
 * exactly, rounding half to even as printf does. Otherwise (very large or
 * very small magnitudes) returns false for printf to decide. */
static bool rounded_digits(double d, int p, uint64_t *m, int *exp10)
{
    typedef unsigned __int128 u128;
    int bexp;
    double fr = frexp(d, &bexp); /* d = fr x 2^bexp, 0.5 <= fr < 1 */
    uint64_t f = (uint64_t)ldexp(fr, 53);
    int e = bexp - 53;
    /* floor(log10(d)) or one less: log10(2) ~ 78913 / 2^18 */
    int e10 = (int)((int64_t)(bexp - 1) * 78913 >> 18);
    uint64_t lo = 1;
    for (int i = 1; i < p; i++)
        lo *= 10;
    for (int tries = 0; tries < 2; tries++, e10++) {
        int k = p - 1 - e10;
        /* num = f x 10^max(k,0) x 2^max(e,0), den = 10^max(-k,0) x 2^max(-e,0) */
        int k_up = k > 0 ? k : 0, k_dn = k < 0 ? -k : 0;
        int e_up = e > 0 ? e : 0, e_dn = e < 0 ? -e : 0;
        if (53 + k_up * 10 / 3 + 1 + e_up > 126 || k_dn * 10 / 3 + 1 + e_dn > 126)
            return false;
        u128 num = f, den = 1;
        for (int i = 0; i < k_up; i++)
            num *= 10;
        for (int i = 0; i < k_dn; i++)
            den *= 10;
        num <<= e_up;
        den <<= e_dn;
        u128 q = num / den, r = num % den;
        if (r > den - r || (r == den - r && (q & 1)))
            q++;
        if (q < lo)
            return false; /* e10 was too high: cannot happen with the estimate */
        if (q < (u128)lo * 10) {
            *m = (uint64_t)q;
            *exp10 = -k;
            return true;
        }
        /* q has p + 1 digits: d >= 10^(e10 + 1), or it rounded up to 10^p;
         * one more decimal exponent settles both */
    }
    return false;
}

/* Shortest decimal digits of d (d finite, > 0) that read back as d: digits
 * (no trailing zeros) into dig, and the decimal point position (value =
 * 0.DIGITS x 10^decpt, as dtoa reports it). Tries 1..17 significant
 * digits; at each count, the correctly rounded candidate, then its two
 * neighbours (at a power of two the rounding interval is lopsided and the
 * neighbour above may read back while the nearest does not). */
static void shortest_digits(double d, char dig[24], int *decpt)
{
    /* Any decimal of at most 15 significant digits reads back exactly
     * (DBL_DIG), so when the shortest form has k <= 15 digits it is the
     * 15-digit rounding without its trailing zeros: one try covers
     * p = 1..15, and only 16 and 17 digits need tries of their own.
     * Subnormal numbers have fewer bits: they search from one digit. */
    int bexp;
    bool pow2 = frexp(d, &bexp) == 0.5; /* lopsided rounding interval */
    for (int p = d < DBL_MIN ? 1 : 15; p <= 17; p++) {
        uint64_t m = 0;
        int exp10;
        if (d < DBL_MIN || !rounded_digits(d, p, &m, &exp10)) {
            char buf[40];
            snprintf(buf, sizeof(buf), "%.*e", p - 1, d);
            /* buf is "D.DDDe+XX": collect the mantissa as an integer */
            const char *c = buf;
            for (; *c && *c != 'e'; c++) {
                if (*c >= '0' && *c <= '9')
                    m = m * 10 + (uint64_t)(*c - '0');
            }
            exp10 = (int)strtol(c + 1, NULL, 10) - (p - 1);
        }
        /* Elsewhere the interval is symmetric: when the nearest candidate
         * does not read back, no other one with p digits can. */
        const int64_t delta[3] = {0, 1, -1};
        for (int k = 0; k < (pow2 ? 3 : 1); k++) {
            uint64_t cand = m + (uint64_t)delta[k];
            if (cand == 0)
                continue;
            char txt[48];
            int n = (int)(ipc_json_put_u64(txt, cand) - txt);
            txt[n] = 'e';
            int e = exp10 < 0 ? -exp10 : exp10;
            int t = n + 1;
            if (exp10 < 0)
                txt[t++] = '-';
            t = (int)(ipc_json_put_u64(txt + t, (uint64_t)e) - txt);
            txt[t] = '\0';
            if (strtod(txt, NULL) != d)
                continue;
            memcpy(dig, txt, (size_t)n);
            dig[n] = '\0';
            *decpt = n + exp10;
            while (n > 1 && dig[n - 1] == '0')
                dig[--n] = '\0';
            return;
        }
    }
    /* unreachable: 17 digits always read back */
    snprintf(dig, 24, "%.0f", 0.0);
    *decpt = 1;
}

size_t ipc_json_format_real(double d, char *buf, size_t size)
{
    if (size < 32 || !isfinite(d))
        return 0;
    char *o = buf;
    if (signbit(d)) {
        *o++ = '-';
        d = -d;
    }
    char dig[24];
    int decpt;
    if (d == 0.0) {
        dig[0] = '0', dig[1] = '\0';
        decpt = 1;
    } else {
        shortest_digits(d, dig, &decpt);
    }
    size_t nd = strlen(dig);
    /* php_gcvt with precision 17, mode 0 */
    if (decpt < -3 || decpt > 17) {
        int e = decpt - 1;
        *o++ = dig[0];
        *o++ = '.';
        if (nd == 1) {
            *o++ = '0';
        } else {
            memcpy(o, dig + 1, nd - 1);
            o += nd - 1;
        }
        int k = snprintf(o, size - (size_t)(o - buf), "e%c%d", e < 0 ? '-' : '+', e < 0 ? -e : e);
        o += k;
    } else if (decpt <= 0) {
        *o++ = '0';
        *o++ = '.';
        for (int i = decpt; i < 0; i++)
            *o++ = '0';
        memcpy(o, dig, nd);
        o += nd;
    } else {
        for (int i = 0; i < decpt; i++)
            *o++ = (size_t)i < nd ? dig[i] : '0';
        if ((size_t)decpt < nd) {
            *o++ = '.';
            memcpy(o, dig + decpt, nd - (size_t)decpt);
            o += nd - (size_t)decpt;
        }
    }
    *o = '\0';
    return (size_t)(o - buf);
}

/* ---- encoding ----------------------------------------------------------- */

static int put(bbuf *b, const void *p, size_t n)
{
    return bbuf_append(b, p, n);
}

static int put_u_escape(bbuf *b, uint32_t unit)
{
    static const char hex[] = "0123456789abcdef";
    char e[6] = {'\\', 'u'};
    for (int k = 0; k < 4; k++)
        e[2 + k] = hex[(unit >> (12 - 4 * k)) & 15];
    return put(b, e, 6);
}

/* PHP's two-character escapes; other control bytes become \u00XX. */
static const char *const short_escape[128] = {
    ['"'] = "\\\"", ['\\'] = "\\\\", ['/'] = "\\/",  ['\b'] = "\\b",
    ['\f'] = "\\f", ['\n'] = "\\n",  ['\r'] = "\\r", ['\t'] = "\\t",
};

/* A JSON string the way PHP writes it by default. */
static int dump_string(const char *str, size_t len, bbuf *b)
{
    const unsigned char *s = (const unsigned char *)str;
    int rc = put(b, "\"", 1);
    size_t run = 0; /* start of the pending run of bytes copied as they are */
    for (size_t i = 0; rc == 0 && i < len;) {
        unsigned char c = s[i];
        const char *esc = c < 0x80 ? short_escape[c] : NULL;
        if (!esc && c >= 0x20 && c < 0x80) {
            i++;
            continue;
        }
        rc = put(b, s + run, i - run);
        if (rc != 0)
            break;
        if (esc) {
            rc = put(b, esc, strlen(esc));
            i++;
        } else if (c < 0x20) {
            rc = put_u_escape(b, c);
            i++;
        } else {
            uint32_t cp;
            size_t n = utf8_decode(s + i, len - i, &cp);
            if (n == 0)
                return IPC_JSON_EINVAL;
            if (cp >= 0x10000) {
                cp -= 0x10000;
                rc = put_u_escape(b, 0xD800 | (cp >> 10));
                if (rc == 0)
                    rc = put_u_escape(b, 0xDC00 | (cp & 0x3FF));
            } else {
                rc = put_u_escape(b, cp);
            }
            i += n;
        }
        run = i;
    }
    if (rc == 0)
        rc = put(b, s + run, len - run);
    if (rc == 0)
        rc = put(b, "\"", 1);
    return rc;
}

static int dump_value(const json_t *v, bbuf *b, int depth);

static int dump_object(const json_t *v, bbuf *b, int depth)
{
    /* A big-integer marker {"__osm_uint64": "<digits>"} is written as the
     * bare integer: jansson integers stop at 2^63-1 (see ipc_json.h). */
    if (json_object_size(v) == 1) {
        const json_t *digits = json_object_get(v, IPC_JSON_BIG_INT_KEY);
        const char *d = json_string_value(digits);
        size_t n = json_string_length(digits);
        bool ok = d && n > 0 && n <= 20;
        for (size_t i = 0; ok && i < n; i++)
            ok = d[i] >= '0' && d[i] <= '9';
        if (ok)
            return put(b, d, n);
    }
    int rc = put(b, "{", 1);
    bool first = true;
    const char *key;
    json_t *item;
    /* jansson (>= 2.8) iterates in insertion order, which is PHP's order. */
    json_object_foreach((json_t *)v, key, item)
    {
        if (rc == 0 && !first)
            rc = put(b, ",", 1);
        if (rc == 0)
            rc = dump_string(key, strlen(key), b);
        if (rc == 0)
            rc = put(b, ":", 1);
        if (rc == 0)
            rc = dump_value(item, b, depth);
        if (rc != 0)
            return rc;
        first = false;
    }
    return rc == 0 ? put(b, "}", 1) : rc;
}

static int dump_array(const json_t *v, bbuf *b, int depth)
{
    int rc = put(b, "[", 1);
    for (size_t i = 0; rc == 0 && i < json_array_size(v); i++) {
        if (i > 0)
            rc = put(b, ",", 1);
        if (rc == 0)
            rc = dump_value(json_array_get(v, i), b, depth);
    }
    return rc == 0 ? put(b, "]", 1) : rc;
}

static int dump_value(const json_t *v, bbuf *b, int depth)
{
    char num[40];
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        if (depth >= IPC_JSON_MAX_DEPTH)
            return IPC_JSON_EINVAL;
        return dump_object(v, b, depth + 1);
    case JSON_ARRAY:
        if (depth >= IPC_JSON_MAX_DEPTH)
            return IPC_JSON_EINVAL;
        return dump_array(v, b, depth + 1);
    case JSON_STRING:
        return dump_string(json_string_value(v), json_string_length(v), b);
    case JSON_INTEGER:
        return put(b, num, (size_t)(ipc_json_put_i64(num, json_integer_value(v)) - num));
    case JSON_REAL: {
        size_t n = ipc_json_format_real(json_real_value(v), num, sizeof(num));
        return n ? put(b, num, n) : IPC_JSON_EINVAL;
    }
    case JSON_TRUE:
        return put(b, "true", 4);
    case JSON_FALSE:
        return put(b, "false", 5);
    case JSON_NULL:
        return put(b, "null", 4);
    }
    return IPC_JSON_EINVAL;
}

int ipc_json_dump(const json_t *v, bbuf *out)
{
    size_t mark = out->len;
    int rc = v ? dump_value(v, out, 0) : IPC_JSON_EINVAL;
    if (rc != 0)
        out->len = mark;
    return rc;
}
