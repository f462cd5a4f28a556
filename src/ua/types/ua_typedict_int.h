/* The parsed form of a DataTypeDictionary, shared by ua_typedict.c (the
 * parser) and ua_typedict_def.c (the translation). Private to them. */
#ifndef UA_TYPEDICT_INT_H
#define UA_TYPEDICT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "ua_typedict.h"

#define URI_OPC "http://opcfoundation.org/BinarySchema/"
#define URI_UA  "http://opcfoundation.org/UA/"

enum { TD_STRUCT, TD_ENUM, TD_OPAQUE };

typedef struct td_field {
    char *name, *type, *length_field, *switch_field, *switch_operand;
    uint32_t length, switch_value;
    bool has_length, has_switch_value;
    const char *unsupported; /* static text: why it cannot be expressed */
} td_field;

typedef struct td_type {
    char *name;
    uint8_t kind;
    bool has_bits;
    uint32_t bits; /* LengthInBits */
    td_field *fields;
    size_t n, cap;
    const char *unsupported;
} td_type;

typedef struct td_prefix {
    char *prefix; /* "" for the default namespace */
    char *uri;
} td_prefix;

struct ua_typedict {
    char *target;
    td_type *types;
    size_t n, cap;
    td_prefix prefixes[UA_TYPEDICT_MAX_PREFIX];
    size_t nprefixes;
    size_t total_fields;
    uint32_t *index; /* open addressing over types by name: index + 1, 0 = free */
    size_t index_cap;
};

/* The index of the type called name, or SIZE_MAX. */
size_t ua_typedict_find(const ua_typedict *d, const char *name);

#endif
