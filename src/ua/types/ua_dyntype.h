/* Structure types a server defines at run time: ua_type descriptors built
 * in memory from StructureDefinitions (the DataTypeDefinition attribute,
 * Part 3 (1.05) 5.8.2 and 8.48) so that the table-driven codec encodes and
 * decodes them like generated types. Also a small NodeId -> index map.
 * Nothing here talks to a server: the caller reads the definitions.
 *
 * Ownership: a registry owns every descriptor, member table and name it
 * built; values decoded with its types must be cleared before it is
 * deleted. Not thread-safe; no global state. */
#ifndef UA_DYNTYPE_H
#define UA_DYNTYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ua_types.h"

/* ---- NodeId -> index map ----------------------------------------------- */

typedef struct ua_nodemap {
    struct ua_nodemap_slot *slots;
    size_t cap; /* power of two, 0 when empty */
    size_t count;
} ua_nodemap;

/* init zeroes; clear frees (keys are copies owned by the map). */
void ua_nodemap_init(ua_nodemap *m);
void ua_nodemap_clear(ua_nodemap *m);
/** Inserts or replaces key -> value. Returns Good or BadOutOfMemory. */
ua_status ua_nodemap_put(ua_nodemap *m, const ua_NodeId *key, size_t value);
/** True and *value when key is present. */
bool ua_nodemap_get(const ua_nodemap *m, const ua_NodeId *key, size_t *value);

/* ---- building types ------------------------------------------------------- */

/* Bounds against hostile definitions. */
#define UA_DYNTYPE_MAX_TYPES    4096          /* definitions considered per build */
#define UA_DYNTYPE_MAX_FIELDS   256           /* fields of one structure */
#define UA_DYNTYPE_MAX_OPTIONAL 32            /* optional fields (the mask is a UInt32) */
#define UA_DYNTYPE_MAX_INLINE   16            /* structures nested by value in one another */
#define UA_DYNTYPE_MAX_NAME     256           /* bytes of a type or field name (longer: cut) */
#define UA_DYNTYPE_MAX_MEM_SIZE (64u * 1024u) /* bytes of one value in memory */

typedef struct ua_dyntype_input {
    ua_NodeId type_id;                 /* the DataType node (borrowed) */
    ua_String name;                    /* its browse name (borrowed; null = "Structure") */
    const ua_StructureDefinition *def; /* borrowed */
    ua_NodeId encoding_id;             /* Default Binary; null = def->defaultEncodingId */
} ua_dyntype_input;

/* Maps a field DataType that is not one of the inputs to the descriptor
 * its values are encoded with: a built-in (enumerations: Int32, abstract
 * types: Variant, abstract structures: ExtensionObject) or a generated
 * namespace-0 type. NULL = unknown (the structure using it is skipped). */
typedef const ua_type *(*ua_dyntype_base_fn)(void *ctx, const ua_NodeId *data_type);

typedef struct ua_dyntypes ua_dyntypes;

/** Builds descriptors for the n inputs (at most UA_DYNTYPE_MAX_TYPES are
 *  looked at). Field types are other inputs (in any order, also through
 *  arrays and optional fields, which may refer back to their own type) or
 *  what base gives. A definition that cannot be built (unknown field type,
 *  structures containing each other by value, a bound above, a bad
 *  structure type or value rank) is skipped, and so is everything that
 *  depends on it. Returns owned (ua_dyntypes_delete), or NULL when out of
 *  memory. Never fails because of the definitions' content. */
ua_dyntypes *ua_dyntypes_build(const ua_dyntype_input *in, size_t n, ua_dyntype_base_fn base,
                               void *base_ctx);
void ua_dyntypes_delete(ua_dyntypes *r);

/** Number of structure types built, and the i-th of them. */
size_t ua_dyntypes_count(const ua_dyntypes *r);
const ua_type *ua_dyntypes_at(const ua_dyntypes *r, size_t i);
/** Lookups; NULL when unknown (r may be NULL). */
const ua_type *ua_dyntypes_by_encoding(const ua_dyntypes *r, const ua_NodeId *encoding_id);
const ua_type *ua_dyntypes_by_type_id(const ua_dyntypes *r, const ua_NodeId *type_id);
/** By encoding id or DataType id. */
const ua_type *ua_dyntypes_find(const ua_dyntypes *r, const ua_NodeId *id);

/** A ua_type_resolver (ua_binary.h) over r (ctx = the registry). */
const ua_type *ua_dyntypes_resolver(void *ctx, const ua_NodeId *encoding_id);

/* ---- decoding opaque bodies after the fact ---------------------------------
 * Responses arrive decoded without the session's types: their structures
 * are UA_EXTOBJ_BINARY. These decode, in place, every binary body whose
 * type id is one of r's encodings, inside Variants (also nested and in
 * arrays) and DataValues. A body that does not decode stays as it was.
 * The decoded values refer to r's descriptors: clear them before deleting
 * r. */
void ua_dyntypes_resolve_extobj(const ua_dyntypes *r, ua_ExtensionObject *eo);
void ua_dyntypes_resolve_variant(const ua_dyntypes *r, ua_Variant *v);
void ua_dyntypes_resolve_data_value(const ua_dyntypes *r, ua_DataValue *dv);

#endif
