/* Node id text form <-> the protocol's object form
 * {"ns":N,"id":...,"type":"numeric|string|guid|opaque"} (opaque ids are
 * lowercase hex in JSON, base64 in the text form). */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_int.h"

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_val(char ch)
{
    const char *p = ch ? strchr(B64, ch) : NULL;
    return p ? (int)(p - B64) : -1;
}

/* Decodes standard base64 (padding optional). Returns a malloc'd buffer or
 * NULL with *bad set when the text is not base64. */
static unsigned char *b64_decode(const char *s, size_t *n_out, int *bad)
{
    size_t len = strlen(s);
    while (len > 0 && s[len - 1] == '=')
        len--;
    *bad = 0;
    if (len % 4 == 1) {
        *bad = 1;
        return NULL;
    }
    unsigned char *out = malloc(len / 4 * 3 + 3);
    if (!out)
        return NULL;
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        int v = b64_val(s[i]);
        if (v < 0) {
            free(out);
            *bad = 1;
            return NULL;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char)(acc >> bits);
        }
    }
    *n_out = n;
    return out;
}

static char *b64_encode(const unsigned char *p, size_t n)
{
    char *out = malloc((n + 2) / 3 * 4 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        out[o++] = B64[(v >> 18) & 63];
        out[o++] = B64[(v >> 12) & 63];
        out[o++] = i + 1 < n ? B64[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? B64[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

/* Parses an unsigned decimal of at most max; digits only. */
static int parse_uint(const char *s, size_t len, unsigned long max, unsigned long *out)
{
    if (len == 0 || len > 10)
        return -1;
    unsigned long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v > max)
        return -1;
    *out = v;
    return 0;
}

static int hexval_digit(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static int is_guid(const char *s)
{
    static const int dash[] = {8, 13, 18, 23};
    if (strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        int want_dash = i == dash[0] || i == dash[1] || i == dash[2] || i == dash[3];
        if (want_dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return 0;
    }
    return 1;
}

/* "nsu=<uri>;": the URI with its %XX escapes decoded, as a JSON string;
 * advances *p past the ';'. NULL when malformed (bad escape, no ';', empty,
 * not UTF-8). */
static json_t *namespace_uri(const char **p)
{
    const char *start = *p + 4, *semi = strchr(start, ';');
    if (!semi || semi == start)
        return NULL;
    size_t n = (size_t)(semi - start), o = 0;
    char *buf = malloc(n + 1);
    if (!buf)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (start[i] != '%') {
            buf[o++] = start[i];
            continue;
        }
        int hi = i + 2 < n ? hexval_digit(start[i + 1]) : -1;
        int lo = i + 2 < n ? hexval_digit(start[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
            free(buf);
            return NULL;
        }
        buf[o++] = (char)(hi << 4 | lo);
        i += 2;
    }
    json_t *uri = json_stringn(buf, o); /* NULL for invalid UTF-8 */
    free(buf);
    *p = semi + 1;
    return uri;
}

int osm__nodeid_parse(const char *text, json_t **out, osm_error *err)
{
    *out = NULL;
    if (!text)
        return osm__fail(err, OSM_EINVAL, "invalid_argument", "node id is NULL");
    const char *p = text;
    unsigned long ns = 0;
    if (strncmp(p, "nsu=", 4) == 0) {
        /* {"nsu": "<uri>", "id", "type"}: the daemon resolves the URI with
         * the server's NamespaceArray. */
        json_t *nsu = namespace_uri(&p);
        if (!nsu || strncmp(p, "ns", 2) == 0) {
            json_decref(nsu);
            return osm__fail(
                err, OSM_EINVAL, "invalid_argument",
                "invalid node id '%s': expected nsu=<namespace URI>;i=|s=|g=|b=", text);
        }
        int rc = osm__nodeid_parse(p, out, err);
        if (rc == OSM_OK && (json_object_del(*out, "ns") != 0 ||
                             json_object_set_new(*out, "nsu", json_incref(nsu)) != 0)) {
            json_decref(*out);
            *out = NULL;
            rc = osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
        }
        json_decref(nsu);
        return rc;
    }
    if (strncmp(p, "ns=", 3) == 0) {
        const char *semi = strchr(p + 3, ';');
        if (!semi || parse_uint(p + 3, (size_t)(semi - (p + 3)), 65535, &ns) != 0)
            return osm__fail(err, OSM_EINVAL, "invalid_argument",
                             "invalid node id '%s': bad namespace index", text);
        p = semi + 1;
    }
    if (p[0] == '\0' || p[1] != '=' || !strchr("isgb", p[0]))
        return osm__fail(err, OSM_EINVAL, "invalid_argument",
                         "invalid node id '%s': expected [ns=N;]i=|s=|g=|b=", text);
    const char *id = p + 2;
    json_t *jid = NULL;
    const char *type = NULL;
    switch (p[0]) {
    case 'i': {
        unsigned long v;
        if (parse_uint(id, strlen(id), 4294967295UL, &v) != 0)
            return osm__fail(err, OSM_EINVAL, "invalid_argument",
                             "invalid node id '%s': numeric id must be 0..4294967295", text);
        jid = json_integer((json_int_t)v);
        type = "numeric";
        break;
    }
    case 's':
        if (*id == '\0')
            return osm__fail(err, OSM_EINVAL, "invalid_argument",
                             "invalid node id '%s': empty string id", text);
        jid = json_string(id);
        if (!jid) /* jansson refuses invalid UTF-8 */
            return osm__fail(err, OSM_EINVAL, "invalid_argument",
                             "invalid node id: string id is not valid UTF-8");
        type = "string";
        break;
    case 'g': {
        if (!is_guid(id))
            return osm__fail(
                err, OSM_EINVAL, "invalid_argument",
                "invalid node id '%s': guid must be xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", text);
        char low[37];
        for (int i = 0; i < 37; i++)
            low[i] = (char)tolower((unsigned char)id[i]);
        jid = json_string(low);
        type = "guid";
        break;
    }
    default: { /* 'b' */
        size_t n = 0;
        int bad = 0;
        unsigned char *bytes = b64_decode(id, &n, &bad);
        if (!bytes)
            return bad ? osm__fail(err, OSM_EINVAL, "invalid_argument",
                                   "invalid node id '%s': opaque id must be base64", text)
                       : osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
        if (n == 0) {
            free(bytes);
            return osm__fail(err, OSM_EINVAL, "invalid_argument",
                             "invalid node id '%s': empty opaque id", text);
        }
        char *hex = malloc(n * 2 + 1);
        if (hex) {
            static const char digits[] = "0123456789abcdef";
            for (size_t i = 0; i < n; i++) {
                hex[2 * i] = digits[bytes[i] >> 4];
                hex[2 * i + 1] = digits[bytes[i] & 15];
            }
            hex[2 * n] = '\0';
            jid = json_string(hex);
            free(hex);
        }
        free(bytes);
        type = "opaque";
        break;
    }
    }
    if (!jid)
        return osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
    json_t *o = json_object();
    if (!o || json_object_set_new(o, "ns", json_integer((json_int_t)ns)) != 0 ||
        json_object_set_new(o, "id", jid) != 0 ||
        json_object_set_new(o, "type", json_string(type)) != 0) {
        json_decref(o);
        return osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
    }
    *out = o;
    return osm__ok(err);
}

int osm_nodeid_to_json(const char *text, char **json_out, osm_error *err)
{
    if (!json_out)
        return osm__fail(err, OSM_EINVAL, "invalid_argument", "json_out is NULL");
    *json_out = NULL;
    json_t *o;
    int rc = osm__nodeid_parse(text, &o, err);
    if (rc != OSM_OK)
        return rc;
    *json_out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!*json_out)
        return osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
    return osm__ok(err);
}

/* {"nsu": "<uri>", "id", "type"} (takes o) -> "nsu=<uri>;<rest>", with ';'
 * and '%' of the URI %-escaped. */
static int nsu_to_text(json_t *o, char **text_out, osm_error *err)
{
    const char *u = json_string_value(json_object_get(o, "nsu"));
    if (!u || json_object_get(o, "ns")) {
        json_decref(o);
        return osm__fail(err, OSM_EINVAL, "invalid_argument", "not a node id object");
    }
    size_t ul = strlen(u), o_len = 0;
    char *uri = malloc(ul * 3 + 1);
    for (size_t i = 0; uri && i < ul; i++) {
        if (u[i] == ';' || u[i] == '%') {
            snprintf(uri + o_len, 4, "%%%02X", (unsigned)(unsigned char)u[i]);
            o_len += 3;
        } else {
            uri[o_len++] = u[i];
        }
    }
    if (uri)
        uri[o_len] = '\0';
    json_object_del(o, "nsu");
    char *rest_json = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    char *rest = NULL;
    int rc = uri && rest_json ? osm_nodeid_to_text(rest_json, &rest, err)
                              : osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
    free(rest_json);
    if (rc == OSM_OK) {
        size_t n = 4 + o_len + 1 + strlen(rest) + 1;
        *text_out = malloc(n);
        if (*text_out)
            snprintf(*text_out, n, "nsu=%s;%s", uri, rest);
        else
            rc = osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
    }
    free(rest);
    free(uri);
    return rc;
}

int osm_nodeid_to_text(const char *json, char **text_out, osm_error *err)
{
    if (!text_out)
        return osm__fail(err, OSM_EINVAL, "invalid_argument", "text_out is NULL");
    *text_out = NULL;
    json_t *o = json ? json_loads(json, JSON_DECODE_ANY, NULL) : NULL;
    if (json_is_object(o) && json_object_get(o, "nsu"))
        return nsu_to_text(o, text_out, err);
    json_t *jns = json_object_get(o, "ns");
    json_t *jid = json_object_get(o, "id");
    const char *type = json_string_value(json_object_get(o, "type"));
    if (!type)
        type = "numeric";
    json_int_t ns = jns ? json_integer_value(jns) : 0;
    if (!json_is_object(o) || (jns && !json_is_integer(jns)) || !jid || ns < 0 || ns > 65535) {
        json_decref(o);
        return osm__fail(err, OSM_EINVAL, "invalid_argument", "not a node id object");
    }
    char prefix[16] = "";
    if (ns != 0)
        snprintf(prefix, sizeof prefix, "ns=%lld;", (long long)ns);
    char *body = NULL;
    char kind = 0;
    if (strcmp(type, "numeric") == 0 && json_is_integer(jid)) {
        kind = 'i';
        body = malloc(24);
        if (body)
            snprintf(body, 24, "%lld", (long long)json_integer_value(jid));
    } else if ((strcmp(type, "string") == 0 || strcmp(type, "guid") == 0) && json_is_string(jid)) {
        kind = type[0] == 's' ? 's' : 'g';
        body = strdup(json_string_value(jid));
    } else if (strcmp(type, "opaque") == 0 && json_is_string(jid)) {
        const char *hex = json_string_value(jid);
        size_t hl = strlen(hex);
        unsigned char *bytes = malloc(hl / 2 + 1);
        int bad = hl % 2 != 0;
        for (size_t i = 0; bytes && !bad && i < hl; i += 2) {
            int hi = hexval_digit(hex[i]), lo = hexval_digit(hex[i + 1]);
            if (hi < 0 || lo < 0)
                bad = 1;
            else
                bytes[i / 2] = (unsigned char)(hi << 4 | lo);
        }
        if (bad) {
            free(bytes);
            json_decref(o);
            return osm__fail(err, OSM_EINVAL, "invalid_argument", "opaque id is not hex");
        }
        kind = 'b';
        body = bytes ? b64_encode(bytes, hl / 2) : NULL;
        free(bytes);
    } else {
        json_decref(o);
        return osm__fail(err, OSM_EINVAL, "invalid_argument", "not a node id object");
    }
    json_decref(o);
    if (!body)
        return osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
    size_t n = strlen(prefix) + 2 + strlen(body) + 1;
    char *t = malloc(n);
    if (t)
        snprintf(t, n, "%s%c=%s", prefix, kind, body);
    free(body);
    if (!t)
        return osm__fail(err, OSM_ENOMEM, "no_memory", "out of memory");
    *text_out = t;
    return osm__ok(err);
}
