/* DataTypeDictionary documents (Part 5 (1.05) Annex D, the OPC Binary
 * schema) read into a small model and translated, one StructuredType at a
 * time, into StructureDefinitions (Part 3 (1.05) 8.48). Only what
 * StructureDefinitions can say is translated: no bit fields other than
 * optional-field switches, no fixed-length or terminated arrays. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua_statuscodes.h"
#include "ua_typedict.h"
#include "ua_typedict_int.h"
#include "ua_xml.h"

/* ---- model ------------------------------------------------------------------- */

static void field_clear(td_field *f)
{
    free(f->name);
    free(f->type);
    free(f->length_field);
    free(f->switch_field);
    free(f->switch_operand);
}

void ua_typedict_delete(ua_typedict *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        for (size_t k = 0; k < d->types[i].n; k++)
            field_clear(&d->types[i].fields[k]);
        free(d->types[i].fields);
        free(d->types[i].name);
    }
    for (size_t i = 0; i < d->nprefixes; i++) {
        free(d->prefixes[i].prefix);
        free(d->prefixes[i].uri);
    }
    free(d->types);
    free(d->index);
    free(d->target);
    free(d);
}

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

size_t ua_typedict_find(const ua_typedict *d, const char *name)
{
    if (!d->index_cap)
        return SIZE_MAX;
    for (size_t i = (size_t)hash_str(name) & (d->index_cap - 1);;
         i = (i + 1) & (d->index_cap - 1)) {
        uint32_t v = d->index[i];
        if (!v)
            return SIZE_MAX;
        if (strcmp(d->types[v - 1].name, name) == 0)
            return v - 1;
    }
}

/* The first declaration of a name wins. */
static int build_index(ua_typedict *d)
{
    size_t cap = 16;
    while (cap < d->n * 2)
        cap *= 2;
    d->index = calloc(cap, sizeof(*d->index));
    if (!d->index)
        return -1;
    d->index_cap = cap;
    for (size_t t = 0; t < d->n; t++) {
        size_t i = (size_t)hash_str(d->types[t].name) & (cap - 1);
        while (d->index[i] && strcmp(d->types[d->index[i] - 1].name, d->types[t].name) != 0)
            i = (i + 1) & (cap - 1);
        if (!d->index[i])
            d->index[i] = (uint32_t)(t + 1);
    }
    return 0;
}

/* ---- parsing ----------------------------------------------------------------- */

typedef struct pstate {
    ua_typedict *d;
    bool in_type; /* inside a depth-2 type element we keep */
    bool limits;  /* a bound was hit (BadEncodingLimitsExceeded) */
} pstate;

static const char *local_name(const char *name, size_t *len)
{
    const char *colon = memchr(name, ':', *len);
    if (!colon)
        return name;
    *len -= (size_t)(colon + 1 - name);
    return colon + 1;
}

static bool name_is(const char *name, size_t len, const char *want)
{
    const char *l = local_name(name, &len);
    return len == strlen(want) && memcmp(l, want, len) == 0;
}

static const ua_xml_attr *attr(const ua_xml_attr *a, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].name_len == strlen(name) && memcmp(a[i].name, name, a[i].name_len) == 0)
            return &a[i];
    return NULL;
}

/* A decimal UInt32; false for anything else. */
static bool parse_u32(const char *s, uint32_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > UINT32_MAX)
            return false;
    }
    *out = (uint32_t)v;
    return true;
}

static int set_error(char *err, size_t size, const char *what)
{
    if (size)
        snprintf(err, size, "%s", what);
    return -1;
}

/* Copies the value of attribute name (if present) to *dst. */
static int copy_attr(const ua_xml_attr *a, size_t n, const char *name, char **dst)
{
    const ua_xml_attr *v = attr(a, n, name);
    if (!v)
        return 0;
    *dst = dup_n(v->value, v->value_len);
    return *dst ? 0 : UA_XML_NOMEM;
}

static int root_element(pstate *s, const char *name, size_t len, const ua_xml_attr *a, size_t n,
                        char *err, size_t es)
{
    ua_typedict *d = s->d;
    if (!name_is(name, len, "TypeDictionary"))
        return set_error(err, es, "the root element is not a TypeDictionary");
    const ua_xml_attr *t = attr(a, n, "TargetNamespace");
    d->target = t ? dup_n(t->value, t->value_len) : dup_n("", 0);
    if (!d->target)
        return UA_XML_NOMEM;
    for (size_t i = 0; i < n; i++) {
        bool def = a[i].name_len == 5 && memcmp(a[i].name, "xmlns", 5) == 0;
        if (!def && (a[i].name_len < 6 || memcmp(a[i].name, "xmlns:", 6) != 0))
            continue;
        if (d->nprefixes == UA_TYPEDICT_MAX_PREFIX) {
            s->limits = true;
            return set_error(err, es, "too many namespace declarations");
        }
        td_prefix *p = &d->prefixes[d->nprefixes];
        p->prefix = def ? dup_n("", 0) : dup_n(a[i].name + 6, a[i].name_len - 6);
        p->uri = dup_n(a[i].value, a[i].value_len);
        d->nprefixes++; /* counted before the check: delete frees both */
        if (!p->prefix || !p->uri)
            return UA_XML_NOMEM;
    }
    return 0;
}

static int type_element(pstate *s, const char *name, size_t len, const ua_xml_attr *a, size_t n,
                        char *err, size_t es)
{
    ua_typedict *d = s->d;
    uint8_t kind;
    if (name_is(name, len, "StructuredType"))
        kind = TD_STRUCT;
    else if (name_is(name, len, "EnumeratedType"))
        kind = TD_ENUM;
    else if (name_is(name, len, "OpaqueType"))
        kind = TD_OPAQUE;
    else
        return 0; /* Import, Documentation, ...: nothing we need */
    const ua_xml_attr *nm = attr(a, n, "Name");
    if (!nm || !nm->value_len)
        return set_error(err, es, "a type without a Name");
    if (d->n == UA_TYPEDICT_MAX_TYPES) {
        s->limits = true;
        return set_error(err, es, "too many types");
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        td_type *p = realloc(d->types, cap * sizeof(*p));
        if (!p)
            return UA_XML_NOMEM;
        d->types = p;
        d->cap = cap;
    }
    td_type *t = &d->types[d->n];
    memset(t, 0, sizeof(*t));
    t->kind = kind;
    t->name = dup_n(nm->value, nm->value_len);
    if (!t->name)
        return UA_XML_NOMEM;
    d->n++;
    const ua_xml_attr *bits = attr(a, n, "LengthInBits");
    if (bits) {
        t->has_bits = true;
        if (!parse_u32(bits->value, &t->bits))
            t->unsupported = "bad LengthInBits";
    }
    s->in_type = true;
    return 0;
}

static int field_element(pstate *s, const ua_xml_attr *a, size_t n, char *err, size_t es)
{
    ua_typedict *d = s->d;
    td_type *t = &d->types[d->n - 1];
    if (d->total_fields == UA_TYPEDICT_MAX_FIELDS) {
        s->limits = true;
        return set_error(err, es, "too many fields");
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        td_field *p = realloc(t->fields, cap * sizeof(*p));
        if (!p)
            return UA_XML_NOMEM;
        t->fields = p;
        t->cap = cap;
    }
    td_field *f = &t->fields[t->n++];
    memset(f, 0, sizeof(*f));
    d->total_fields++;
    int rc = copy_attr(a, n, "Name", &f->name);
    if (!rc)
        rc = copy_attr(a, n, "TypeName", &f->type);
    if (!rc)
        rc = copy_attr(a, n, "LengthField", &f->length_field);
    if (!rc)
        rc = copy_attr(a, n, "SwitchField", &f->switch_field);
    if (!rc)
        rc = copy_attr(a, n, "SwitchOperand", &f->switch_operand);
    if (rc)
        return rc;
    const ua_xml_attr *v = attr(a, n, "Length");
    if (v && !(f->has_length = parse_u32(v->value, &f->length)))
        f->unsupported = "a bad Length";
    v = attr(a, n, "SwitchValue");
    if (v && !(f->has_switch_value = parse_u32(v->value, &f->switch_value)))
        f->unsupported = "a bad SwitchValue";
    if (attr(a, n, "Terminator"))
        f->unsupported = "a terminated array";
    v = attr(a, n, "IsLengthInBytes");
    if (v && strcmp(v->value, "false") != 0)
        f->unsupported = "a length in bytes";
    if (!f->name || !f->type || !f->name[0]) {
        f->unsupported = "a field without Name or TypeName";
        /* never NULL: the translation compares them before it looks here */
        if ((!f->name && !(f->name = dup_n("", 0))) || (!f->type && !(f->type = dup_n("", 0))))
            return UA_XML_NOMEM;
    }
    return 0;
}

static int on_start(void *ctx, const char *name, size_t len, const ua_xml_attr *a, size_t n,
                    unsigned depth, char *err, size_t es)
{
    pstate *s = ctx;
    if (depth == 1)
        return root_element(s, name, len, a, n, err, es);
    if (depth == 2)
        return type_element(s, name, len, a, n, err, es);
    if (depth == 3 && s->in_type && s->d->types[s->d->n - 1].kind == TD_STRUCT &&
        name_is(name, len, "Field"))
        return field_element(s, a, n, err, es);
    return 0;
}

static int on_end(void *ctx, const char *name, size_t len, unsigned depth)
{
    (void)name;
    (void)len;
    pstate *s = ctx;
    if (depth == 2)
        s->in_type = false;
    return 0;
}

ua_status ua_typedict_parse(const uint8_t *xml, size_t n, ua_typedict **out, char *err,
                            size_t err_size)
{
    *out = NULL;
    if (err_size)
        err[0] = 0;
    if (n > UA_TYPEDICT_MAX_BYTES) {
        set_error(err, err_size, "document too large");
        return UA_STATUS_BADENCODINGLIMITSEXCEEDED;
    }
    pstate s = {calloc(1, sizeof(ua_typedict)), false, false};
    if (!s.d)
        return UA_STATUS_BADOUTOFMEMORY;
    ua_xml_handler h = {on_start, on_end};
    ua_status st = ua_xml_parse(xml, n, &h, &s, err, err_size);
    if (st == UA_STATUS_GOOD && build_index(s.d) != 0)
        st = UA_STATUS_BADOUTOFMEMORY;
    if (st != UA_STATUS_GOOD) {
        ua_typedict_delete(s.d);
        return s.limits ? UA_STATUS_BADENCODINGLIMITSEXCEEDED : st;
    }
    *out = s.d;
    return UA_STATUS_GOOD;
}

const char *ua_typedict_target_namespace(const ua_typedict *d)
{
    return d->target ? d->target : "";
}

size_t ua_typedict_count(const ua_typedict *d)
{
    return d->n;
}

const char *ua_typedict_name(const ua_typedict *d, size_t i)
{
    return i < d->n ? d->types[i].name : NULL;
}

bool ua_typedict_is_structure(const ua_typedict *d, size_t i)
{
    return i < d->n && d->types[i].kind == TD_STRUCT;
}
