/* The 25 OPC UA built-in types, the type descriptor that drives the
 * table-driven binary codec, and the generic init/clear/copy verbs.
 * Part 6 (1.05) 5.1 defines the built-in types; the generated structures
 * and enumerations of Opc.Ua.Types.bsd live in ua_generated.h (build tree),
 * which this header includes at the end. */
#ifndef UA_TYPES_H
#define UA_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* StatusCode: the currency of errors inside the stack. */
typedef uint32_t ua_status;
typedef uint32_t ua_StatusCode;

typedef bool ua_Boolean;
typedef int8_t ua_SByte;
typedef uint8_t ua_Byte;
typedef int16_t ua_Int16;
typedef uint16_t ua_UInt16;
typedef int32_t ua_Int32;
typedef uint32_t ua_UInt32;
typedef int64_t ua_Int64;
typedef uint64_t ua_UInt64;
typedef float ua_Float;
typedef double ua_Double;

/* DateTime: 100 ns ticks since 1601-01-01 UTC (Part 6 5.2.2.5). */
typedef int64_t ua_DateTime;

/* String, ByteString and XmlElement share one layout.
 * data == NULL is the null string (encoded length -1); an empty but
 * non-null string points at ua_empty_sentinel with length 0. */
typedef struct ua_String {
    size_t length;
    uint8_t *data;
} ua_String;
typedef ua_String ua_ByteString;
typedef ua_String ua_XmlElement;

/* Pointer used for empty, non-null strings and arrays; never freed. */
extern uint8_t ua_empty_sentinel[1];
#define UA_EMPTY_ARRAY ((void *)ua_empty_sentinel)

typedef struct ua_Guid {
    uint32_t data1;
    uint16_t data2;
    uint16_t data3;
    uint8_t data4[8];
} ua_Guid;

enum ua_nodeid_type {
    UA_NODEID_NUMERIC = 0,
    UA_NODEID_STRING = 1,
    UA_NODEID_GUID = 2,
    UA_NODEID_BYTESTRING = 3
};

typedef struct ua_NodeId {
    uint16_t ns;
    uint8_t id_type; /* enum ua_nodeid_type */
    union {
        uint32_t numeric;
        ua_String string;
        ua_Guid guid;
        ua_ByteString opaque;
    } id;
} ua_NodeId;

typedef struct ua_ExpandedNodeId {
    ua_NodeId node_id;
    ua_String namespace_uri; /* null when absent */
    uint32_t server_index;
} ua_ExpandedNodeId;

typedef struct ua_QualifiedName {
    uint16_t ns;
    ua_String name;
} ua_QualifiedName;

typedef struct ua_LocalizedText {
    ua_String locale; /* null when absent */
    ua_String text;   /* null when absent */
} ua_LocalizedText;

typedef struct ua_type ua_type;

enum ua_extobj_encoding {
    UA_EXTOBJ_EMPTY = 0,  /* no body */
    UA_EXTOBJ_BINARY = 1, /* opaque binary body of an unknown type */
    UA_EXTOBJ_XML = 2,    /* XML body, kept as bytes */
    UA_EXTOBJ_DECODED = 3 /* body decoded into a known type */
};

/* ExtensionObject. type_id is the encoding id sent on the wire; for a
 * decoded body it is the type's binary encoding id. */
typedef struct ua_ExtensionObject {
    uint8_t encoding; /* enum ua_extobj_encoding */
    ua_NodeId type_id;
    ua_ByteString body;  /* UA_EXTOBJ_BINARY / UA_EXTOBJ_XML */
    const ua_type *type; /* UA_EXTOBJ_DECODED */
    void *data;          /* UA_EXTOBJ_DECODED: owned, of `type` */
} ua_ExtensionObject;

/* Variant. type == NULL is the empty variant. A scalar has is_array false
 * and data pointing to one owned element; an array has is_array true,
 * array_length elements at data (NULL for a null array, UA_EMPTY_ARRAY for
 * an empty one) and optional dimensions for multi-dimensional arrays. */
typedef struct ua_Variant {
    const ua_type *type;
    bool is_array;
    size_t array_length;
    void *data;
    size_t dims_length;
    uint32_t *dims;
} ua_Variant;

typedef struct ua_DataValue {
    ua_Variant value;
    ua_StatusCode status;
    ua_DateTime source_timestamp;
    ua_DateTime server_timestamp;
    uint16_t source_picoseconds;
    uint16_t server_picoseconds;
    bool has_value;
    bool has_status;
    bool has_source_timestamp;
    bool has_server_timestamp;
    bool has_source_picoseconds;
    bool has_server_picoseconds;
} ua_DataValue;

typedef struct ua_DiagnosticInfo {
    bool has_symbolic_id;
    bool has_namespace_uri;
    bool has_localized_text;
    bool has_locale;
    bool has_additional_info;
    bool has_inner_status;
    bool has_inner_diagnostic_info;
    int32_t symbolic_id;
    int32_t namespace_uri;
    int32_t localized_text;
    int32_t locale;
    ua_String additional_info;
    ua_StatusCode inner_status;
    struct ua_DiagnosticInfo *inner_diagnostic_info; /* owned */
} ua_DiagnosticInfo;

/* ---- type descriptors ---------------------------------------------- */

/* Kinds 1..25 are the built-in type ids of Part 6 5.1.2. */
enum ua_kind {
    UA_KIND_BOOLEAN = 1,
    UA_KIND_SBYTE = 2,
    UA_KIND_BYTE = 3,
    UA_KIND_INT16 = 4,
    UA_KIND_UINT16 = 5,
    UA_KIND_INT32 = 6,
    UA_KIND_UINT32 = 7,
    UA_KIND_INT64 = 8,
    UA_KIND_UINT64 = 9,
    UA_KIND_FLOAT = 10,
    UA_KIND_DOUBLE = 11,
    UA_KIND_STRING = 12,
    UA_KIND_DATETIME = 13,
    UA_KIND_GUID = 14,
    UA_KIND_BYTESTRING = 15,
    UA_KIND_XMLELEMENT = 16,
    UA_KIND_NODEID = 17,
    UA_KIND_EXPANDEDNODEID = 18,
    UA_KIND_STATUSCODE = 19,
    UA_KIND_QUALIFIEDNAME = 20,
    UA_KIND_LOCALIZEDTEXT = 21,
    UA_KIND_EXTENSIONOBJECT = 22,
    UA_KIND_DATAVALUE = 23,
    UA_KIND_VARIANT = 24,
    UA_KIND_DIAGNOSTICINFO = 25,
    UA_KIND_ENUM = 26,      /* Int32 on the wire, stored as int32_t */
    UA_KIND_STRUCTURE = 27, /* members in order */
    UA_KIND_OPTSTRUCT = 28, /* structure with optional fields (Part 6 5.2.7) */
    UA_KIND_UNION = 29      /* union (Part 6 5.2.8) */
};

typedef struct ua_member {
    const char *name;
    const ua_type *type;
    uint32_t offset;  /* of the field; for arrays, of the size_t length */
    bool is_array;    /* size_t length at offset, T* right after it */
    bool is_optional; /* OPTSTRUCT: pointer to an owned T, NULL = absent;
                         UNION: arm selected by switch value index+1 */
} ua_member;

struct ua_type {
    const char *name;
    ua_NodeId type_id;            /* the DataType node */
    ua_NodeId binary_encoding_id; /* numeric 0 when the type has none */
    uint32_t mem_size;
    uint8_t kind;      /* enum ua_kind */
    bool pointer_free; /* plain bytes: copy with memcpy */
    uint16_t members_size;
    const ua_member *members;
};

/* The built-in descriptors, indexed by kind - 1 (ua_builtin_types[0] is
 * Boolean). Generated types live in ua_types_table (ua_generated.h). */
extern const ua_type ua_builtin_types[25];
#define UA_BUILTIN(kind) (&ua_builtin_types[(kind)-1])

/** Returns the built-in descriptor for a Part 6 type id 1..25, else NULL. */
const ua_type *ua_builtin_type(unsigned builtin_id);

/* ---- generic verbs ----------------------------------------------------
 * init zeroes; clear releases what the value owns and leaves it zeroed
 * (a zeroed value is valid to clear); copy deep-copies src into an
 * uninitialised dst and on failure leaves dst cleared. */
void ua_init(void *p, const ua_type *type);
void ua_clear(void *p, const ua_type *type);
ua_status ua_copy(const void *src, void *dst, const ua_type *type);
/** Returns a zeroed heap value of type, or NULL. Free with ua_delete. */
void *ua_new(const ua_type *type);
void ua_delete(void *p, const ua_type *type);

/** Returns owned array of n zeroed elements, UA_EMPTY_ARRAY when n == 0,
 *  or NULL when out of memory or n * mem_size overflows. */
void *ua_array_new(size_t n, const ua_type *type);
void ua_array_delete(void *arr, size_t n, const ua_type *type);
ua_status ua_array_copy(const void *src, size_t n, void **dst, const ua_type *type);

/* Frees a pointer that may be NULL or the empty sentinel. */
void ua_free(void *p);

/* ---- helpers for built-ins ---------------------------------------- */

/** Returns a string that borrows the C string s (do not clear it). */
ua_String ua_string_borrow(const char *s);
/** Copies the C string s into *dst (NULL s gives the null string). */
ua_status ua_string_from(ua_String *dst, const char *s);
/** Copies n bytes into *dst as a non-null (possibly empty) string. */
ua_status ua_string_from_bytes(ua_String *dst, const void *bytes, size_t n);
bool ua_string_equal(const ua_String *a, const ua_String *b);
bool ua_string_equal_cstr(const ua_String *a, const char *s);

static inline ua_NodeId ua_nodeid_numeric(uint16_t ns, uint32_t id)
{
    ua_NodeId n = {0};
    n.ns = ns;
    n.id_type = UA_NODEID_NUMERIC;
    n.id.numeric = id;
    return n;
}

bool ua_nodeid_equal(const ua_NodeId *a, const ua_NodeId *b);
bool ua_nodeid_is_null(const ua_NodeId *n);
bool ua_guid_equal(const ua_Guid *a, const ua_Guid *b);

/** Sets v to a scalar copy of *value of the given type. */
ua_status ua_variant_set_scalar_copy(ua_Variant *v, const void *value, const ua_type *type);
/** Takes ownership of a heap scalar of type (allocated with ua_new). */
void ua_variant_set_scalar(ua_Variant *v, void *value, const ua_type *type);
/** Sets v to a copy of an array of n elements of type. */
ua_status ua_variant_set_array_copy(ua_Variant *v, const void *array, size_t n,
                                    const ua_type *type);

/** Sets the ExtensionObject to a copy of a known structure. */
ua_status ua_extobj_set_copy(ua_ExtensionObject *eo, const void *value, const ua_type *type);

#include "ua_generated.h"

#endif
