/* DataTypeDictionaries (OPC Binary type system, Part 5 (1.05) Annex D;
 * Part 3 (1.03) 5.8.3): the opc:TypeDictionary XML that servers without a
 * DataTypeDefinition attribute publish. Parses one document (ua_xml.h)
 * into its StructuredTypes and EnumeratedTypes and translates a
 * StructuredType into the StructureDefinition that ua_dyntype.h builds
 * types from. Nothing here talks to a server.
 *
 * Ownership: a dictionary owns everything it parsed; translations return
 * owned definitions. Not thread-safe; no global state. */
#ifndef UA_TYPEDICT_H
#define UA_TYPEDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "ua_types.h"

/* Bounds against hostile documents. */
#define UA_TYPEDICT_MAX_BYTES  (16u * 1024u * 1024u) /* the XML document */
#define UA_TYPEDICT_MAX_TYPES  4096                  /* types declared */
#define UA_TYPEDICT_MAX_FIELDS 65536                 /* fields of all types */
#define UA_TYPEDICT_MAX_PREFIX 32                    /* xmlns declarations on the root */

typedef struct ua_typedict ua_typedict;

/** Parses the document xml[0..n). On Good *out is owned (ua_typedict_delete).
 *  BadEncodingLimitsExceeded past a bound, BadDecodingError for anything
 *  that is not a TypeDictionary of the supported subset, with a reason in
 *  err (NUL-terminated when err_size > 0); BadOutOfMemory. */
ua_status ua_typedict_parse(const uint8_t *xml, size_t n, ua_typedict **out, char *err,
                            size_t err_size);
void ua_typedict_delete(ua_typedict *d);

/** The TargetNamespace attribute (never NULL; "" when absent). */
const char *ua_typedict_target_namespace(const ua_typedict *d);
/** Number of types declared and the i-th one's name (NULL past the end). */
size_t ua_typedict_count(const ua_typedict *d);
const char *ua_typedict_name(const ua_typedict *d, size_t i);
/** True when the i-th type is an opc:StructuredType. */
bool ua_typedict_is_structure(const ua_typedict *d, size_t i);

/* The DataType node of a structure of this dictionary, by its name there
 * (borrowed, must outlive the translation); NULL when the server has none
 * known to the caller. */
typedef const ua_NodeId *(*ua_typedict_lookup_fn)(void *ctx, const char *name);

/** Translates the StructuredType called name into *out (initialised here;
 *  owned, ua_clear with UA_TYPE_STRUCTUREDEFINITION; defaultEncodingId is
 *  left null for the caller). Fields: opc: built-ins (CharArray is a
 *  String), ua: built-ins and namespace-0 types, tns: enumerations (Int32)
 *  and structures found by lookup. An Int32 LengthField just before a field
 *  makes it an array and disappears; opc:Bit switch fields filling one
 *  UInt32 make the fields switched on them optional (in bit order); a
 *  UInt32 first field switching the others with SwitchValue 1, 2, ... makes
 *  a Union. Returns Good; BadNotFound (no such structure), BadNotSupported
 *  (a construct StructureDefinitions cannot express), BadDataTypeIdUnknown
 *  (a field type that cannot be resolved), with the reason in why;
 *  BadOutOfMemory. */
ua_status ua_typedict_definition(const ua_typedict *d, const char *name,
                                 ua_typedict_lookup_fn lookup, void *ctx,
                                 ua_StructureDefinition *out, char *why, size_t why_size);

#endif
