/* OPC UA Binary encoding (Part 6 (1.05) 5.2) of any described value.
 * Decoding treats its input as hostile: every length a peer controls is
 * checked against ua_limits before anything is allocated, nesting depth is
 * bounded, and the total memory one decode may allocate is budgeted. */
#ifndef UA_BINARY_H
#define UA_BINARY_H

#include <stddef.h>
#include <stdint.h>

#include "ua_types.h"
#include "util/bbuf.h"

typedef struct ua_limits {
    size_t max_message_size;  /* bytes of one encoded input */
    size_t max_string_length; /* bytes of one String/ByteString/XmlElement */
    size_t max_array_length;  /* elements of one array */
    uint32_t max_depth;       /* nesting of Variant/ExtensionObject/DataValue/
                                 DiagnosticInfo/structures */
    size_t max_alloc;         /* bytes one decode may allocate; 0 = 64 x input + 1 MiB */
} ua_limits;

/* Defaults: 16 MiB messages and strings, 1 Mi elements, depth 64. */
extern const ua_limits ua_default_limits;

/* Looks up a structure type by its binary encoding id for ExtensionObject
 * bodies outside namespace 0 (runtime types). Returns NULL when unknown. */
typedef const ua_type *(*ua_type_resolver)(void *ctx, const ua_NodeId *encoding_id);

typedef struct ua_decode_opts {
    const ua_limits *limits;  /* NULL = ua_default_limits */
    ua_type_resolver resolve; /* NULL = namespace 0 only */
    void *resolve_ctx;
} ua_decode_opts;

/** Appends the binary encoding of *src (of type) to out. Returns Good,
 *  BadEncodingLimitsExceeded when out would pass its maximum, BadEncodingError
 *  for a value that cannot be encoded, BadOutOfMemory. On error out->len is
 *  restored to what it was. */
ua_status ua_encode(const void *src, const ua_type *type, bbuf *out);

/** Decodes one value of type from data[*pos..len) into the uninitialised
 *  *dst and advances *pos. Returns Good, BadDecodingError (malformed or
 *  truncated) or BadEncodingLimitsExceeded (a limit of opts). On error *dst
 *  is cleared and *pos is unchanged. opts may be NULL. */
ua_status ua_decode(const uint8_t *data, size_t len, size_t *pos, void *dst, const ua_type *type,
                    const ua_decode_opts *opts);

/** Returns the smallest number of bytes any value of type encodes to. */
size_t ua_min_encoded_size(const ua_type *type);

/* Little-endian primitive writers/readers shared by the transport layer. */
static inline void ua_write_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t ua_read_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#endif
