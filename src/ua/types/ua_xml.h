/* A small, strict, bounded XML reader for documents a server hands us
 * (the DataTypeDictionary of Part 5 (1.05) Annex D): elements, attributes,
 * the five predefined entities and character references, comments,
 * processing instructions and CDATA. No DTDs (a DOCTYPE is refused, so no
 * entity expansion), no namespace resolution (names are passed as
 * written, prefix included), text content is skipped. Every byte is
 * hostile: bounds on depth, attributes and value sizes; never recursive.
 * Not thread-safe per call; no global state. */
#ifndef UA_XML_H
#define UA_XML_H

#include <stddef.h>
#include <stdint.h>

#include "ua_types.h"

#define UA_XML_MAX_DEPTH 32   /* nested elements */
#define UA_XML_MAX_ATTRS 32   /* attributes of one element */
#define UA_XML_MAX_NAME  256  /* bytes of an element or attribute name */
#define UA_XML_MAX_VALUE 4096 /* bytes of one attribute value, decoded */

typedef struct ua_xml_attr {
    const char *name; /* not NUL-terminated: name_len bytes */
    size_t name_len;
    const char *value; /* decoded, NUL-terminated, value_len bytes */
    size_t value_len;
} ua_xml_attr;

/* Callbacks; they borrow names and attributes for the call only. A
 * non-zero return stops the parse: UA_XML_NOMEM makes ua_xml_parse return
 * BadOutOfMemory, anything else BadDecodingError with the message the
 * callback left in err. depth is 1 for the root element. */
#define UA_XML_NOMEM (-2)
typedef struct ua_xml_handler {
    int (*start)(void *ctx, const char *name, size_t name_len, const ua_xml_attr *attrs,
                 size_t n_attrs, unsigned depth, char *err, size_t err_size);
    int (*end)(void *ctx, const char *name, size_t name_len, unsigned depth);
} ua_xml_handler;

/** Reads the UTF-8 document p[0..n) and reports its elements to h.
 *  Returns Good; BadDecodingError with a reason in err (always
 *  NUL-terminated when err_size > 0) for anything that is not a
 *  well-formed document of this subset or goes past a bound;
 *  BadOutOfMemory. */
ua_status ua_xml_parse(const uint8_t *p, size_t n, const ua_xml_handler *h, void *ctx, char *err,
                       size_t err_size);

#endif
