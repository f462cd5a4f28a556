/* The DataTypeDictionary fallback of discoverDataTypes, for structure
 * DataTypes without a DataTypeDefinition attribute (servers before 1.04):
 * DataType -HasEncoding "Default Binary"-> encoding -HasDescription->
 * DataTypeDescription <-HasComponent- DataTypeDictionary (Part 5 (1.05)
 * Annex D, Part 3 (1.03) 5.8.3), whose XML (ua_typedict.h) gives the
 * StructureDefinitions. Each dictionary is read once per call. */
#ifndef DAEMON_TYPES_DICT_H
#define DAEMON_TYPES_DICT_H

#include <stddef.h>

#include "ua_client.h"
#include "ua_types.h"

typedef struct dtypes_dict_want {
    const ua_NodeId *type_id;     /* the DataType node (borrowed, lives until done) */
    const ua_String *name;        /* its browse name, for the log (borrowed) */
    ua_StructureDefinition **def; /* out: set (owned by the caller) when translated */
    ua_NodeId *encoding;          /* out: its Default Binary encoding (caller clears) */
} dtypes_dict_want;

typedef void (*dtypes_dict_done)(ua_client *c, void *ud);

/** Looks up the n types (the array is copied) and fills in what the
 *  dictionaries define; types that cannot be expressed are left out with
 *  the reason in the log. Calls done exactly once, possibly before
 *  returning; never fails as a whole (a failed request leaves the rest
 *  out). */
void dtypes_dict_start(ua_client *c, const dtypes_dict_want *w, size_t n, dtypes_dict_done done,
                       void *ud);

#endif
