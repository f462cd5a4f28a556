/* NodeId / ExpandedNodeId / Guid text forms (Part 6 (1.05) 5.1.12,
 * 5.3.1.10-11) and DateTime conversions. Strict parsers: anything that is
 * not exactly the grammar is BadNodeIdInvalid, never a partial result. */
#include "ua_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ua_statuscodes.h"
#include "util/base64.h"

/* ---- small parsing helpers ------------------------------------------- */

static bool starts(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

/* Parses an unsigned decimal of 1..10 digits not above max. */
static bool parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    if (len == 0 || len > 10)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int ua_guid_parse(ua_Guid *out, const char *s, size_t len)
{
    static const uint8_t groups[5] = {8, 4, 4, 4, 12};
    if (len != 36)
        return -1;
    uint8_t bytes[16];
    size_t pos = 0, b = 0;
    for (int g = 0; g < 5; g++) {
        if (g > 0 && s[pos++] != '-')
            return -1;
        for (int i = 0; i < groups[g]; i += 2) {
            int hi = hexval(s[pos]), lo = hexval(s[pos + 1]);
            if (hi < 0 || lo < 0)
                return -1;
            bytes[b++] = (uint8_t)(hi << 4 | lo);
            pos += 2;
        }
    }
    out->data1 =
        (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 | bytes[3];
    out->data2 = (uint16_t)(bytes[4] << 8 | bytes[5]);
    out->data3 = (uint16_t)(bytes[6] << 8 | bytes[7]);
    memcpy(out->data4, bytes + 8, 8);
    return 0;
}

void ua_guid_print(const ua_Guid *g, char buf[37])
{
    snprintf(buf, 37, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", (unsigned)g->data1,
             (unsigned)g->data2, (unsigned)g->data3, g->data4[0], g->data4[1], g->data4[2],
             g->data4[3], g->data4[4], g->data4[5], g->data4[6], g->data4[7]);
}

/* Parses the identifier part ("i=", "s=", "g=", "b=") into n. */
static ua_status parse_identifier(ua_NodeId *n, const char *s, size_t len)
{
    if (len < 2 || s[1] != '=')
        return UA_STATUS_BADNODEIDINVALID;
    const char *v = s + 2;
    size_t vlen = len - 2;
    uint64_t num;
    switch (s[0]) {
    case 'i':
        if (!parse_uint(v, vlen, UINT32_MAX, &num))
            return UA_STATUS_BADNODEIDINVALID;
        n->id_type = UA_NODEID_NUMERIC;
        n->id.numeric = (uint32_t)num;
        return UA_STATUS_GOOD;
    case 's':
        n->id_type = UA_NODEID_STRING;
        return ua_string_from_bytes(&n->id.string, v, vlen);
    case 'g':
        n->id_type = UA_NODEID_GUID;
        return ua_guid_parse(&n->id.guid, v, vlen) == 0 ? UA_STATUS_GOOD
                                                        : UA_STATUS_BADNODEIDINVALID;
    case 'b': {
        n->id_type = UA_NODEID_BYTESTRING;
        uint8_t *buf = malloc(vlen / 4 * 3 + 1);
        size_t out_len = 0;
        if (!buf)
            return UA_STATUS_BADOUTOFMEMORY;
        if (base64_decode(v, vlen, buf, &out_len) != 0) {
            free(buf);
            n->id_type = UA_NODEID_NUMERIC;
            return UA_STATUS_BADNODEIDINVALID;
        }
        ua_status st = ua_string_from_bytes(&n->id.opaque, buf, out_len);
        free(buf);
        return st;
    }
    default:
        return UA_STATUS_BADNODEIDINVALID;
    }
}

/* Parses an optional "ns=<n>;" prefix; advances *s / *len past it. */
static bool parse_ns(const char **s, size_t *len, uint16_t *ns)
{
    *ns = 0;
    if (!starts(*s, *len, "ns="))
        return true;
    const char *semi = memchr(*s, ';', *len);
    uint64_t v;
    if (!semi || !parse_uint(*s + 3, (size_t)(semi - *s) - 3, UINT16_MAX, &v))
        return false;
    *ns = (uint16_t)v;
    *len -= (size_t)(semi - *s) + 1;
    *s = semi + 1;
    return true;
}

ua_status ua_nodeid_parse(ua_NodeId *out, const char *s, size_t len)
{
    memset(out, 0, sizeof(*out));
    uint16_t ns;
    if (!parse_ns(&s, &len, &ns))
        return UA_STATUS_BADNODEIDINVALID;
    ua_status st = parse_identifier(out, s, len);
    if (st != UA_STATUS_GOOD) {
        ua_clear(out, UA_BUILTIN(UA_KIND_NODEID));
        return st;
    }
    out->ns = ns;
    return UA_STATUS_GOOD;
}

/* Decodes %XX escapes of a namespace URI into an owned string. */
static ua_status unescape_uri(ua_String *dst, const char *s, size_t len)
{
    char *buf = malloc(len + 1);
    size_t o = 0;
    if (!buf)
        return UA_STATUS_BADOUTOFMEMORY;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%') {
            int hi = i + 2 < len ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < len ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                free(buf);
                return UA_STATUS_BADNODEIDINVALID;
            }
            buf[o++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            buf[o++] = s[i];
        }
    }
    ua_status st = ua_string_from_bytes(dst, buf, o);
    free(buf);
    return st;
}

ua_status ua_expnodeid_parse(ua_ExpandedNodeId *out, const char *s, size_t len)
{
    memset(out, 0, sizeof(*out));
    ua_status st = UA_STATUS_BADNODEIDINVALID;
    if (starts(s, len, "svr=")) {
        const char *semi = memchr(s, ';', len);
        uint64_t v;
        if (!semi || !parse_uint(s + 4, (size_t)(semi - s) - 4, UINT32_MAX, &v))
            return UA_STATUS_BADNODEIDINVALID;
        out->server_index = (uint32_t)v;
        len -= (size_t)(semi - s) + 1;
        s = semi + 1;
    }
    if (starts(s, len, "nsu=")) {
        const char *semi = memchr(s, ';', len);
        if (!semi)
            return UA_STATUS_BADNODEIDINVALID;
        st = unescape_uri(&out->namespace_uri, s + 4, (size_t)(semi - s) - 4);
        if (st != UA_STATUS_GOOD)
            return st;
        len -= (size_t)(semi - s) + 1;
        s = semi + 1;
        st = parse_identifier(&out->node_id, s, len);
    } else {
        st = ua_nodeid_parse(&out->node_id, s, len);
    }
    if (st != UA_STATUS_GOOD)
        ua_clear(out, UA_BUILTIN(UA_KIND_EXPANDEDNODEID));
    return st;
}

/* Appends the identifier part of n to a buffer of the right size. */
static char *print_nodeid(const ua_NodeId *n, const char *prefix)
{
    char head[64];
    int h = n->ns ? snprintf(head, sizeof(head), "%sns=%u;", prefix, (unsigned)n->ns)
                  : snprintf(head, sizeof(head), "%s", prefix);
    size_t idlen;
    char *out;
    switch (n->id_type) {
    case UA_NODEID_NUMERIC:
        out = malloc((size_t)h + 16);
        if (out) {
            memcpy(out, head, (size_t)h);
            snprintf(out + h, 16, "i=%u", (unsigned)n->id.numeric);
        }
        return out;
    case UA_NODEID_STRING:
        idlen = n->id.string.length;
        out = malloc((size_t)h + idlen + 3);
        if (!out)
            return NULL;
        memcpy(out, head, (size_t)h);
        memcpy(out + h, "s=", 2);
        if (idlen)
            memcpy(out + h + 2, n->id.string.data, idlen);
        out[(size_t)h + 2 + idlen] = 0;
        return out;
    case UA_NODEID_GUID: {
        char g[37];
        ua_guid_print(&n->id.guid, g);
        out = malloc((size_t)h + 40);
        if (out) {
            memcpy(out, head, (size_t)h);
            snprintf(out + h, 40, "g=%s", g);
        }
        return out;
    }
    case UA_NODEID_BYTESTRING:
        idlen = base64_encoded_size(n->id.opaque.length);
        out = malloc((size_t)h + idlen + 3);
        if (!out)
            return NULL;
        memcpy(out, head, (size_t)h);
        memcpy(out + h, "b=", 2);
        base64_encode(n->id.opaque.data ? n->id.opaque.data : (const uint8_t *)"",
                      n->id.opaque.length, out + h + 2);
        return out;
    default:
        return NULL;
    }
}

char *ua_nodeid_to_cstr(const ua_NodeId *id)
{
    return print_nodeid(id, "");
}

char *ua_expnodeid_to_cstr(const ua_ExpandedNodeId *id)
{
    char svr[24] = "";
    if (id->server_index)
        snprintf(svr, sizeof(svr), "svr=%u;", (unsigned)id->server_index);
    if (!id->namespace_uri.data) {
        char *tail = print_nodeid(&id->node_id, "");
        if (!tail || !id->server_index)
            return tail;
        char *out = malloc(strlen(svr) + strlen(tail) + 1);
        if (out)
            snprintf(out, strlen(svr) + strlen(tail) + 1, "%s%s", svr, tail);
        free(tail);
        return out;
    }
    /* nsu= replaces ns=; ';' and '%' in the URI are %-escaped. */
    size_t ulen = id->namespace_uri.length;
    char *prefix = malloc(strlen(svr) + 4 + ulen * 3 + 2);
    if (!prefix)
        return NULL;
    size_t cap = strlen(svr) + 4 + ulen * 3 + 2;
    size_t o = (size_t)snprintf(prefix, cap, "%snsu=", svr);
    for (size_t i = 0; i < ulen; i++) {
        uint8_t c = id->namespace_uri.data[i];
        if (c == ';' || c == '%')
            o += (size_t)snprintf(prefix + o, cap - o, "%%%02X", c);
        else
            prefix[o++] = (char)c;
    }
    prefix[o++] = ';';
    prefix[o] = 0;
    ua_NodeId plain = id->node_id;
    plain.ns = 0;
    char *out = print_nodeid(&plain, prefix);
    free(prefix);
    return out;
}

/* ---- DateTime ----------------------------------------------------------- */

ua_DateTime ua_datetime_from_unix_us(int64_t unix_us)
{
    /* (us + epoch_us) * 10, saturating instead of overflowing for times no
     * clock produces (the epoch is a whole number of microseconds). */
    const int64_t epoch_us = UA_DATETIME_UNIX_EPOCH / 10;
    if (unix_us > INT64_MAX / 10 - epoch_us)
        return INT64_MAX;
    if (unix_us < INT64_MIN / 10 - epoch_us)
        return INT64_MIN;
    return (unix_us + epoch_us) * 10;
}

int64_t ua_datetime_to_unix_us(ua_DateTime t)
{
    /* floor division so times before 1970 round down */
    int64_t us = t / 10 - (t % 10 < 0 ? 1 : 0);
    return us - UA_DATETIME_UNIX_EPOCH / 10;
}

double ua_datetime_to_unix_seconds(ua_DateTime t)
{
    int64_t secs = t / UA_DATETIME_SEC - UA_DATETIME_UNIX_EPOCH / UA_DATETIME_SEC;
    return (double)secs + (double)(t % UA_DATETIME_SEC) / 1e7;
}

ua_DateTime ua_datetime_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * UA_DATETIME_SEC + ts.tv_nsec / 100 + UA_DATETIME_UNIX_EPOCH;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

int ua_datetime_print_iso(ua_DateTime t, int frac_digits, char *buf, size_t size)
{
    /* Floor-split into Unix seconds and ticks without forming t - epoch. */
    int64_t secs = t / UA_DATETIME_SEC - UA_DATETIME_UNIX_EPOCH / UA_DATETIME_SEC;
    int64_t frac = t % UA_DATETIME_SEC; /* 0 .. 9999999 after the fix-up */
    if (frac < 0) {
        frac += UA_DATETIME_SEC;
        secs--;
    }
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t sod = secs - days * 86400;
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 1 || y > 9999)
        return -1;
    if (frac_digits < 0)
        frac_digits = 0;
    if (frac_digits > 7)
        frac_digits = 7;
    int n = snprintf(buf, size, "%04d-%02u-%02uT%02d:%02d:%02d", (int)y, m, d, (int)(sod / 3600),
                     (int)(sod / 60 % 60), (int)(sod % 60));
    if (frac_digits > 0 && n > 0 && (size_t)n < size) {
        char f[8];
        snprintf(f, sizeof(f), "%07d", (int)frac);
        n += snprintf(buf + n, size - (size_t)n, ".%.*s", frac_digits, f);
    }
    if (n > 0 && (size_t)n < size)
        n += snprintf(buf + n, size - (size_t)n, "Z");
    return (n < 0 || (size_t)n >= size) ? -1 : n;
}

static bool digits(const char *s, size_t len, size_t at, int count, int *out)
{
    if (at + (size_t)count > len)
        return false;
    int v = 0;
    for (int i = 0; i < count; i++) {
        char c = s[at + (size_t)i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *out = v;
    return true;
}

int ua_datetime_parse_iso(const char *s, size_t len, ua_DateTime *out)
{
    int y, mo, d, h = 0, mi = 0, sec = 0;
    int64_t frac = 0;
    size_t p = 10;
    if (!digits(s, len, 0, 4, &y) || len < 10 || s[4] != '-' || !digits(s, len, 5, 2, &mo) ||
        s[7] != '-' || !digits(s, len, 8, 2, &d))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1)
        return -1;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap))
        return -1;
    int offset_min = 0;
    if (p < len) {
        if (s[p] != 'T' && s[p] != 't' && s[p] != ' ')
            return -1;
        if (!digits(s, len, p + 1, 2, &h) || p + 3 >= len || s[p + 3] != ':' ||
            !digits(s, len, p + 4, 2, &mi))
            return -1;
        p += 6;
        if (p < len && s[p] == ':') {
            if (!digits(s, len, p + 1, 2, &sec))
                return -1;
            p += 3;
            if (p < len && (s[p] == '.' || s[p] == ',')) {
                p++;
                size_t start = p;
                int64_t scale = UA_DATETIME_SEC;
                while (p < len && s[p] >= '0' && s[p] <= '9') {
                    if (scale > 1) {
                        scale /= 10;
                        frac += (s[p] - '0') * scale;
                    }
                    p++;
                }
                if (p == start)
                    return -1;
            }
        }
        if (h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi || sec || frac)))
            return -1;
        if (p < len) {
            if ((s[p] == 'Z' || s[p] == 'z') && p + 1 == len) {
                p++;
            } else if (s[p] == '+' || s[p] == '-') {
                int oh, om;
                if (!digits(s, len, p + 1, 2, &oh))
                    return -1;
                size_t q = p + 3;
                if (q < len && s[q] == ':')
                    q++;
                if (!digits(s, len, q, 2, &om) || q + 2 != len || oh > 23 || om > 59)
                    return -1;
                offset_min = (oh * 60 + om) * (s[p] == '-' ? -1 : 1);
                p = len;
            } else {
                return -1;
            }
        }
    }
    if (p != len)
        return -1;
    int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
    int64_t secs =
        days * 86400 + h * 3600 + mi * 60 + (sec > 59 ? 59 : sec) - (int64_t)offset_min * 60;
    *out = secs * UA_DATETIME_SEC + frac + UA_DATETIME_UNIX_EPOCH;
    return 0;
}
