/* Shared pieces of the JSON mapping: error messages with parameter names,
 * UTF-8 and base64 handling of strings, the exact-UInt64 marker, and the
 * PHP date('c') DateTime text (type-serialization.md §1.5, §1.9). No
 * knowledge of any particular shape lives here. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua_statuscodes.h"
#include "ua_text.h"
#include "util/base64.h"
#include "wire_int.h"
#include "util/utf8.h"

static size_t utf8_seq(const uint8_t *s, size_t n);

/* ---- errors ------------------------------------------------------------ */

/* Per thread, so that a client library thread never sees the table of
 * the daemon's loop (or of another client thread). */
static _Thread_local const wire_namespaces *current_namespaces;

const wire_namespaces *wire_namespaces_use(const wire_namespaces *t)
{
    const wire_namespaces *old = current_namespaces;
    current_namespaces = t;
    return old;
}

void wire_error_init(wire_error *err, const char *param)
{
    err->param = param;
    err->type = NULL;
    err->message[0] = 0;
    err->lookup = NULL;
    err->lookup_ctx = NULL;
    err->namespaces = current_namespaces;
}

int wire_fail(wire_error *err, const char *type, const char *fmt, ...)
{
    size_t at = 0;
    err->type = type;
    if (err->param && err->param[0]) {
        int n = snprintf(err->message, sizeof(err->message), "%s: ", err->param);
        at = n < 0 ? 0 : (size_t)n;
        if (at >= sizeof(err->message))
            at = sizeof(err->message) - 1;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message + at, sizeof(err->message) - at, fmt, ap);
    va_end(ap);
    /* A cut message must not end inside a UTF-8 sequence: it becomes JSON. */
    const uint8_t *m = (const uint8_t *)err->message;
    size_t len = strlen(err->message), ok = 0;
    while (ok < len) {
        size_t k = utf8_seq(m + ok, len - ok);
        if (k == 0)
            break;
        ok += k;
    }
    err->message[ok] = 0;
    return -1;
}

int wire_fail_oom(wire_error *err)
{
    return wire_fail(err, WIRE_OUT_OF_MEMORY, "out of memory");
}

/* Shortest "%.*g" that reads back as d (PHP's serialize_precision -1). */
static void format_real(double d, char *buf, size_t size)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            return;
    }
}

const char *wire_describe(const json_t *j, char *buf, size_t size)
{
    if (!j) {
        snprintf(buf, size, "nothing");
        return buf;
    }
    switch (json_typeof(j)) {
    case JSON_INTEGER:
        snprintf(buf, size, "%" PRId64, (int64_t)json_integer_value(j));
        break;
    case JSON_REAL:
        format_real(json_real_value(j), buf, size);
        break;
    case JSON_TRUE:
        snprintf(buf, size, "true");
        break;
    case JSON_FALSE:
        snprintf(buf, size, "false");
        break;
    case JSON_NULL:
        snprintf(buf, size, "null");
        break;
    case JSON_ARRAY:
        snprintf(buf, size, "an array");
        break;
    case JSON_OBJECT:
        if (wire_is_big_u64(j))
            snprintf(buf, size, "%" PRIu64, wire_big_u64_value(j));
        else
            snprintf(buf, size, "an object");
        break;
    case JSON_STRING: {
        /* Quote at most 40 bytes, cut on a UTF-8 boundary: the message
         * itself becomes JSON text later and must stay valid UTF-8. */
        const char *s = json_string_value(j);
        size_t n = json_string_length(j), cut = n > 40 ? 40 : n;
        while (cut > 0 && cut < n && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
        snprintf(buf, size, "string \"%.*s%s\"", (int)cut, s, cut < n ? "..." : "");
        break;
    }
    }
    return buf;
}

int wire_fail_expected(wire_error *err, const json_t *j, const char *what)
{
    char got[80];
    return wire_fail(err, WIRE_TYPE_ERROR, "expected %s, got %s", what,
                     wire_describe(j, got, sizeof(got)));
}

const char *wire_scope_field(wire_error *err, char *buf, const char *field)
{
    const char *old = err->param;
    if (old && old[0])
        snprintf(buf, WIRE_PATH_MAX, "%s.%s", old, field);
    else
        snprintf(buf, WIRE_PATH_MAX, "%s", field);
    err->param = buf;
    return old;
}

const char *wire_scope_index(wire_error *err, char *buf, size_t index)
{
    const char *old = err->param;
    snprintf(buf, WIRE_PATH_MAX, "%s[%zu]", old ? old : "", index);
    err->param = buf;
    return old;
}

json_t *wire_put(json_t *o, const char *key, json_t *v)
{
    if (!o || !v || json_object_set_new(o, key, v) != 0) {
        /* json_object_set_new has released v when it fails on a value. */
        if (!o || !v)
            json_decref(v);
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *wire_push(json_t *a, json_t *v)
{
    if (!a || !v || json_array_append_new(a, v) != 0) {
        if (!a || !v)
            json_decref(v);
        json_decref(a);
        return NULL;
    }
    return a;
}

/* ---- UTF-8 ---------------------------------------------------------------- */

/* Length of the valid sequence at s (n bytes left), 0 when invalid. */
static size_t utf8_seq(const uint8_t *s, size_t n)
{
    uint32_t cp;
    return utf8_decode(s, n, &cp);
}

bool wire_utf8_valid(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(s + i, n - i);
        if (k == 0)
            return false;
        i += k;
    }
    return true;
}

json_t *wire_json_text(const uint8_t *s, size_t n)
{
    if (n == 0)
        return json_string("");
    if (wire_utf8_valid(s, n))
        return json_stringn((const char *)s, n);
    /* Each invalid byte becomes U+FFFD (3 bytes): at most 3n bytes. */
    if (n > SIZE_MAX / 3)
        return NULL;
    uint8_t *buf = malloc(3 * n);
    if (!buf)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(s + i, n - i);
        if (k == 0) {
            buf[o++] = 0xEF, buf[o++] = 0xBF, buf[o++] = 0xBD;
            i++;
        } else {
            memcpy(buf + o, s + i, k);
            o += k;
            i += k;
        }
    }
    json_t *j = json_stringn((const char *)buf, o);
    free(buf);
    return j;
}

/* ---- base64 --------------------------------------------------------------- */

json_t *wire_json_base64(const uint8_t *s, size_t n)
{
    if (n > (SIZE_MAX - 3) / 4 * 3)
        return NULL;
    size_t len = base64_encoded_size(n);
    char *buf = malloc(len + 1);
    if (!buf)
        return NULL;
    base64_encode(s, n, buf);
    json_t *j = json_stringn(buf, len);
    free(buf);
    return j;
}

bool wire_is_base64(const char *s, size_t n)
{
    if (n == 0 || n % 4 != 0)
        return false;
    for (size_t i = 0; i < n; i += 4) {
        uint8_t tmp[3];
        size_t len;
        /* base64_decode allows padding at the end of its own input only,
         * so quads are checked one by one and '=' is refused before the
         * last. */
        if (i + 4 < n && memchr(s + i, '=', 4))
            return false;
        if (base64_decode(s + i, 4, tmp, &len) != 0)
            return false;
    }
    return true;
}

int wire_base64_to_bytes(const char *s, size_t n, ua_ByteString *out)
{
    out->data = NULL;
    out->length = 0;
    if (n == 0) {
        out->data = UA_EMPTY_ARRAY;
        return 0;
    }
    if (n % 4 != 0)
        return -1;
    uint8_t *buf = malloc(n / 4 * 3 + 1);
    if (!buf)
        return -2;
    size_t len;
    if (base64_decode(s, n, buf, &len) != 0) {
        free(buf);
        return -1;
    }
    if (len == 0) {
        free(buf);
        out->data = UA_EMPTY_ARRAY;
        return 0;
    }
    out->data = buf;
    out->length = len;
    return 0;
}

int wire_string_from_json(const json_t *j, ua_String *out)
{
    return ua_string_from_bytes(out, json_string_value(j), json_string_length(j)) == UA_STATUS_GOOD
               ? 0
               : -1;
}

json_t *wire_json_real(double d)
{
    if (!isfinite(d))
        return json_null();
    return json_real(d);
}

/* ---- numbers -------------------------------------------------------------- */

bool wire_json_int64(const json_t *j, int64_t *out)
{
    if (json_is_integer(j)) {
        *out = (int64_t)json_integer_value(j);
        return true;
    }
    if (json_is_real(j)) {
        double d = json_real_value(j);
        /* -2^63 <= d < 2^63 (both bounds exact; NaN fails too), then no fraction. */
        if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) || (double)(int64_t)d != d)
            return false;
        *out = (int64_t)d;
        return true;
    }
    return false;
}

/* ---- UInt64 marker -------------------------------------------------------- */

json_t *wire_json_u64(uint64_t v)
{
    if (v <= INT64_MAX)
        return json_integer((json_int_t)v);
    char digits[24];
    snprintf(digits, sizeof(digits), "%" PRIu64, v);
    json_t *o = json_object();
    if (o && json_object_set_new(o, WIRE_BIG_U64_KEY, json_string(digits)) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Parses the marker's digits; false when j is not a marker. */
static bool big_u64_parse(const json_t *j, uint64_t *out)
{
    if (!json_is_object(j) || json_object_size(j) != 1)
        return false;
    const json_t *s = json_object_get(j, WIRE_BIG_U64_KEY);
    if (!json_is_string(s))
        return false;
    const char *p = json_string_value(s);
    size_t n = json_string_length(s);
    if (n == 0 || n > 20)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        unsigned d = (unsigned)(p[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

bool wire_is_big_u64(const json_t *j)
{
    uint64_t v;
    return big_u64_parse(j, &v);
}

uint64_t wire_big_u64_value(const json_t *j)
{
    uint64_t v;
    return big_u64_parse(j, &v) ? v : 0;
}

/* ---- DateTime text -------------------------------------------------------- */

/* Days from 1601-01-01 (the DateTime epoch) to 1970-01-01. */
#define DAYS_1601_TO_1970 INT64_C(134774)

/* Proleptic Gregorian date of day z counted from 1970-01-01, by 400-year
 * eras of 146097 days (each era starts on a March 1st). */
static void date_of_day(int64_t z, int64_t *year, unsigned *month, unsigned *day)
{
    z += 719468; /* days from 0000-03-01 to 1970-01-01 */
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;                                      /* 0..146096 */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0..399 */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* 0..365 */
    int64_t mp = (5 * doy + 2) / 153;                                    /* 0 = March */
    *day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

size_t wire_datetime_format(ua_DateTime t, char *buf, size_t size)
{
    if (size > 0)
        buf[0] = 0;
    if (t <= 0)
        return 0;
    int64_t secs = t / UA_DATETIME_SEC; /* t > 0: division rounds down */
    int64_t days = secs / 86400, sod = secs % 86400;
    int64_t year;
    unsigned month, day;
    date_of_day(days - DAYS_1601_TO_1970, &year, &month, &day);
    if (year <= 9999 && size > 25) {
        /* by hand: snprintf was a tenth of the instructions of a read */
        static const char tmpl[] = "0000-00-00T00:00:00+00:00";
        const unsigned v[6] = {
            (unsigned)year,      month, day, (unsigned)(sod / 3600), (unsigned)(sod / 60 % 60),
            (unsigned)(sod % 60)};
        const unsigned at[6] = {3, 6, 9, 12, 15, 18}; /* last digit of each field */
        memcpy(buf, tmpl, sizeof(tmpl));
        for (int i = 0; i < 6; i++)
            for (unsigned x = v[i], k = at[i]; x; x /= 10, k--)
                buf[k] = (char)('0' + x % 10);
        return sizeof(tmpl) - 1;
    }
    int n = snprintf(buf, size, "%04" PRId64 "-%02u-%02uT%02d:%02d:%02d+00:00", year, month, day,
                     (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
    return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

json_t *wire_from_datetime(ua_DateTime t)
{
    char buf[40];
    size_t n = wire_datetime_format(t, buf, sizeof(buf));
    return n ? json_stringn(buf, n) : json_null();
}

int wire_parse_datetime(const char *s, size_t len, ua_DateTime *out)
{
    while (len > 0 && (s[0] == ' ' || s[0] == '\t'))
        s++, len--;
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 3 && memcmp(s, "now", 3) == 0) {
        *out = ua_datetime_now();
        return 0;
    }
    if (len >= 2 && s[0] == '@') {
        /* "@<unix seconds>", as PHP's parser takes it. */
        size_t i = 1;
        bool neg = s[i] == '-';
        if (neg || s[i] == '+')
            i++;
        if (i == len)
            return -1;
        /* Largest magnitude whose tick count cannot overflow. */
        const int64_t limit =
            INT64_MAX / UA_DATETIME_SEC - UA_DATETIME_UNIX_EPOCH / UA_DATETIME_SEC - 1;
        int64_t v = 0;
        for (; i < len; i++) {
            if (s[i] < '0' || s[i] > '9')
                return -1;
            int d = s[i] - '0';
            if (v > (limit - d) / 10)
                return -1;
            v = v * 10 + d;
        }
        *out = (neg ? -v : v) * UA_DATETIME_SEC + UA_DATETIME_UNIX_EPOCH;
        return 0;
    }
    return ua_datetime_parse_iso(s, len, out);
}
