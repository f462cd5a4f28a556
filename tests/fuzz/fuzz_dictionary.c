/* libFuzzer target: hostile DataTypeDictionaries (ua_typedict.c,
 * ua_xml.c). Input: an XML document, optionally followed by a NUL byte and
 * a payload. The document is parsed, every StructuredType translated
 * (structures of the dictionary are DataTypes ns=1;s=<name>, encoding
 * ns=1;s=<name>.bin), the types built, and the payload decoded as each of
 * them; whatever decodes must encode, and that encoding must decode and
 * encode to the same bytes.
 * Nothing may crash, leak, overread or loop. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ua_binary.h"
#include "ua_dyntype.h"
#include "ua_statuscodes.h"
#include "ua_typedict.h"
#include "util/bbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ua_NodeId found; /* borrows the name: translations copy it at once */

static const ua_NodeId *lookup(void *ctx, const char *name)
{
    (void)ctx;
    found = (ua_NodeId){0};
    found.ns = 1;
    found.id_type = UA_NODEID_STRING;
    found.id.string = ua_string_borrow(name);
    return &found;
}

static const ua_type *base(void *ctx, const ua_NodeId *id)
{
    (void)ctx;
    if (id->ns != 0 || id->id_type != UA_NODEID_NUMERIC)
        return NULL;
    if (id->id.numeric >= 1 && id->id.numeric <= 25)
        return ua_builtin_type(id->id.numeric);
    return ua_find_type_by_type_id(id->id.numeric);
}

/* Decodes p as t; encodes what decoded into out (cleared when nothing). */
static bool reencode(const ua_type *t, const uint8_t *p, size_t n, bbuf *out)
{
    void *v = malloc(t->mem_size);
    size_t pos = 0;
    bool ok = v && ua_decode(p, n, &pos, v, t, NULL) == UA_STATUS_GOOD;
    bbuf_init(out, 1u << 20);
    if (ok) {
        ok = ua_encode(v, t, out) == UA_STATUS_GOOD;
        ua_clear(v, t);
    }
    free(v);
    return ok;
}

static void decode_as(const ua_type *t, const uint8_t *p, size_t n)
{
    bbuf a, b;
    if (reencode(t, p, n, &a)) {
        /* A canonical encoding decodes and encodes to itself. */
        if (!reencode(t, a.data, a.len, &b) || b.len != a.len || memcmp(a.data, b.data, a.len) != 0)
            abort();
        bbuf_clear(&b);
    }
    bbuf_clear(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t xml_len = nul ? (size_t)(nul - data) : size;
    ua_typedict *d = NULL;
    char err[128];
    if (ua_typedict_parse(data, xml_len, &d, err, sizeof(err)) != UA_STATUS_GOOD)
        return 0;
    size_t n = ua_typedict_count(d);
    ua_StructureDefinition *defs = calloc(n ? n : 1, sizeof(*defs));
    ua_dyntype_input *in = calloc(n ? n : 1, sizeof(*in));
    size_t built = 0;
    for (size_t i = 0; defs && in && i < n; i++) {
        if (!ua_typedict_is_structure(d, i))
            continue;
        const char *name = ua_typedict_name(d, i);
        char why[128];
        if (ua_typedict_definition(d, name, lookup, NULL, &defs[built], why, sizeof(why)) !=
            UA_STATUS_GOOD)
            continue;
        in[built].type_id = *lookup(NULL, name);
        in[built].name = ua_string_borrow(name);
        in[built].def = &defs[built];
        built++;
    }
    ua_dyntypes *r = built ? ua_dyntypes_build(in, built, base, NULL) : NULL;
    for (size_t i = 0; nul && i < ua_dyntypes_count(r); i++)
        decode_as(ua_dyntypes_at(r, i), nul + 1, size - xml_len - 1);
    ua_dyntypes_delete(r);
    for (size_t i = 0; i < built; i++)
        ua_clear(&defs[i], UA_TYPE_STRUCTUREDEFINITION);
    free(defs);
    free(in);
    ua_typedict_delete(d);
    return 0;
}
