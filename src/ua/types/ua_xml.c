/* A strict subset XML reader (W3C XML 1.0 well-formedness for elements,
 * attributes, comments, PIs and CDATA; no DTD, no external anything) with
 * hard bounds, for peer-supplied documents. Iterative: the open elements
 * live in a fixed stack. Text content is skipped, not checked. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua_statuscodes.h"
#include "ua_xml.h"

typedef struct reader {
    const char *p;
    size_t n, pos;
    char *err;
    size_t err_size;
    char *values; /* UA_XML_MAX_ATTRS slots of UA_XML_MAX_VALUE + 1 bytes */
} reader;

static int fail(reader *r, const char *what)
{
    if (r->err_size)
        snprintf(r->err, r->err_size, "%s at byte %zu", what, r->pos);
    return -1;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_name_char(unsigned char c, bool first)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80)
        return true;
    return !first && ((c >= '0' && c <= '9') || c == '-' || c == '.');
}

static bool starts(const reader *r, const char *s)
{
    size_t k = strlen(s);
    return r->n - r->pos >= k && memcmp(r->p + r->pos, s, k) == 0;
}

static void skip_space(reader *r)
{
    while (r->pos < r->n && is_space(r->p[r->pos]))
        r->pos++;
}

/* Moves past the next occurrence of end; false at the end of input. */
static bool skip_past(reader *r, const char *end)
{
    size_t k = strlen(end);
    while (r->n - r->pos >= k) {
        if (memcmp(r->p + r->pos, end, k) == 0) {
            r->pos += k;
            return true;
        }
        r->pos++;
    }
    r->pos = r->n;
    return false;
}

static int read_name(reader *r, const char **name, size_t *len)
{
    size_t start = r->pos;
    if (r->pos >= r->n || !is_name_char((unsigned char)r->p[r->pos], true))
        return fail(r, "name expected");
    while (r->pos < r->n && is_name_char((unsigned char)r->p[r->pos], false))
        r->pos++;
    if (r->pos - start > UA_XML_MAX_NAME)
        return fail(r, "name too long");
    *name = r->p + start;
    *len = r->pos - start;
    return 0;
}

/* Appends code point cp as UTF-8 to out (room checked by the caller). */
static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A reference after '&' up to ';': returns its code point, or 0. */
static uint32_t entity(const char *s, size_t len)
{
    static const struct {
        const char *name;
        char c;
    } named[] = {{"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
    for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
        if (len == strlen(named[i].name) && memcmp(s, named[i].name, len) == 0)
            return (uint32_t)named[i].c;
    if (len < 2 || s[0] != '#' || len > 10)
        return 0;
    bool hex = s[1] == 'x';
    size_t i = hex ? 2 : 1;
    if (i == len)
        return 0;
    uint32_t cp = 0;
    for (; i < len; i++) {
        char c = s[i];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = (uint32_t)(c - '0');
        else if (hex && c >= 'a' && c <= 'f')
            d = (uint32_t)(c - 'a' + 10);
        else if (hex && c >= 'A' && c <= 'F')
            d = (uint32_t)(c - 'A' + 10);
        else
            return 0;
        cp = cp * (hex ? 16 : 10) + d;
        if (cp > 0x10FFFF)
            return 0;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;
    return cp;
}

/* Reads a quoted value into out (UA_XML_MAX_VALUE + 1 bytes), decoded. */
static int read_value(reader *r, char *out, size_t *len)
{
    if (r->pos >= r->n || (r->p[r->pos] != '"' && r->p[r->pos] != '\''))
        return fail(r, "quoted attribute value expected");
    char q = r->p[r->pos++];
    size_t k = 0;
    for (;;) {
        if (r->pos >= r->n)
            return fail(r, "unterminated attribute value");
        char c = r->p[r->pos];
        if (c == q)
            break;
        if (c == '<')
            return fail(r, "'<' in attribute value");
        char buf[4];
        size_t m = 1;
        buf[0] = c;
        if (c == '&') {
            const char *semi = memchr(r->p + r->pos, ';', r->n - r->pos < 16 ? r->n - r->pos : 16);
            uint32_t cp = semi ? entity(r->p + r->pos + 1, (size_t)(semi - r->p - r->pos - 1)) : 0;
            if (!cp)
                return fail(r, "bad entity or character reference");
            m = put_utf8(buf, cp);
            r->pos = (size_t)(semi - r->p);
        } else if (is_space(c)) {
            buf[0] = ' '; /* attribute value normalisation */
        }
        if (k + m > UA_XML_MAX_VALUE)
            return fail(r, "attribute value too long");
        memcpy(out + k, buf, m);
        k += m;
        r->pos++;
    }
    r->pos++;
    out[k] = 0;
    *len = k;
    return 0;
}

/* After '<': a start tag with its attributes. *empty for "/>". */
static int start_tag(reader *r, const ua_xml_handler *h, void *ctx, unsigned depth,
                     const char **name, size_t *name_len, bool *empty)
{
    ua_xml_attr attrs[UA_XML_MAX_ATTRS];
    size_t na = 0;
    if (read_name(r, name, name_len))
        return -1;
    for (;;) {
        size_t before = r->pos;
        skip_space(r);
        if (r->pos >= r->n)
            return fail(r, "unterminated start tag");
        if (r->p[r->pos] == '>' || starts(r, "/>"))
            break;
        if (r->pos == before)
            return fail(r, "space expected before attribute");
        if (na == UA_XML_MAX_ATTRS)
            return fail(r, "too many attributes");
        ua_xml_attr *a = &attrs[na];
        if (read_name(r, &a->name, &a->name_len))
            return -1;
        skip_space(r);
        if (r->pos >= r->n || r->p[r->pos] != '=')
            return fail(r, "'=' expected");
        r->pos++;
        skip_space(r);
        char *slot = r->values + na * (UA_XML_MAX_VALUE + 1);
        if (read_value(r, slot, &a->value_len))
            return -1;
        a->value = slot;
        for (size_t i = 0; i < na; i++)
            if (attrs[i].name_len == a->name_len && !memcmp(attrs[i].name, a->name, a->name_len))
                return fail(r, "duplicate attribute");
        na++;
    }
    *empty = r->p[r->pos] == '/';
    r->pos += *empty ? 2 : 1;
    return h->start ? h->start(ctx, *name, *name_len, attrs, na, depth, r->err, r->err_size) : 0;
}

/* Comments, PIs and (inside the root) CDATA; DOCTYPE is refused. 1 when
 * one was skipped, 0 when r is not at one, -1 on error. */
static int skip_misc(reader *r, bool in_root)
{
    if (starts(r, "<!--"))
        return skip_past(r, "-->") ? 1 : fail(r, "unterminated comment");
    if (starts(r, "<?"))
        return skip_past(r, "?>") ? 1 : fail(r, "unterminated processing instruction");
    if (starts(r, "<![CDATA[")) {
        if (!in_root)
            return fail(r, "CDATA outside the root element");
        return skip_past(r, "]]>") ? 1 : fail(r, "unterminated CDATA section");
    }
    if (starts(r, "<!"))
        return fail(r, "DOCTYPE and declarations are not allowed");
    return 0;
}

static int parse(reader *r, const ua_xml_handler *h, void *ctx)
{
    struct {
        const char *name;
        size_t len;
    } open[UA_XML_MAX_DEPTH];
    unsigned depth = 0;
    bool seen_root = false;
    if (starts(r, "\xEF\xBB\xBF"))
        r->pos += 3;
    if (memchr(r->p, 0, r->n))
        return fail(r, "NUL byte (not UTF-8 text)");
    for (;;) {
        if (depth == 0)
            skip_space(r);
        else
            while (r->pos < r->n && r->p[r->pos] != '<')
                r->pos++;
        if (r->pos >= r->n)
            break;
        if (r->p[r->pos] != '<')
            return fail(r, "text outside the root element");
        int m = skip_misc(r, depth > 0);
        if (m < 0)
            return -1;
        if (m > 0)
            continue;
        if (starts(r, "</")) {
            r->pos += 2;
            const char *name;
            size_t len;
            if (depth == 0 || read_name(r, &name, &len))
                return depth == 0 ? fail(r, "end tag without start tag") : -1;
            skip_space(r);
            if (r->pos >= r->n || r->p[r->pos] != '>')
                return fail(r, "'>' expected");
            r->pos++;
            depth--;
            if (len != open[depth].len || memcmp(name, open[depth].name, len) != 0)
                return fail(r, "end tag does not match start tag");
            int rc = h->end ? h->end(ctx, name, len, depth + 1) : 0;
            if (rc)
                return rc;
            continue;
        }
        if (depth == 0 && seen_root)
            return fail(r, "content after the root element");
        if (depth == UA_XML_MAX_DEPTH)
            return fail(r, "elements nested too deeply");
        r->pos++;
        const char *name;
        size_t len;
        bool empty;
        int rc = start_tag(r, h, ctx, depth + 1, &name, &len, &empty);
        if (rc)
            return rc;
        seen_root = true;
        if (empty) {
            rc = h->end ? h->end(ctx, name, len, depth + 1) : 0;
            if (rc)
                return rc;
        } else {
            open[depth].name = name;
            open[depth].len = len;
            depth++;
        }
    }
    if (depth)
        return fail(r, "unexpected end of document");
    return seen_root ? 0 : fail(r, "no root element");
}

ua_status ua_xml_parse(const uint8_t *p, size_t n, const ua_xml_handler *h, void *ctx, char *err,
                       size_t err_size)
{
    reader r = {(const char *)p, n, 0, err, err_size, NULL};
    if (err_size)
        err[0] = 0;
    r.values = malloc((size_t)UA_XML_MAX_ATTRS * (UA_XML_MAX_VALUE + 1));
    if (!r.values)
        return UA_STATUS_BADOUTOFMEMORY;
    int rc = n ? parse(&r, h, ctx) : fail(&r, "empty document");
    free(r.values);
    if (rc == 0)
        return UA_STATUS_GOOD;
    if (rc == UA_XML_NOMEM)
        return UA_STATUS_BADOUTOFMEMORY;
    if (err_size && !err[0])
        snprintf(err, err_size, "rejected at byte %zu", r.pos);
    return UA_STATUS_BADDECODINGERROR;
}
