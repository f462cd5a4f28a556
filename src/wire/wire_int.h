/* Private to src/wire/: helpers shared by the encoders and decoders. */
#ifndef WIRE_INT_H
#define WIRE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "wire.h"

/* Nesting of Variant / DataValue / DiagnosticInfo / structures that the
 * decoders and the generic encoder follow before giving up. */
#define WIRE_MAX_DEPTH 64

/* Room for a nested parameter name ("items[12].relativePath[3].targetName"). */
#define WIRE_PATH_MAX 160

/* ---- errors (wire_util.c) ---- */

/** Fills err with type and "<param>: <formatted message>"; returns -1. */
int wire_fail(wire_error *err, const char *type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Writes a short description of j for "got ..." into buf: a number's
 *  value, a quoted (cut) string, "true", "null", "an array", ... */
const char *wire_describe(const json_t *j, char *buf, size_t size);
/** Fails with TypeError "expected <what>, got <describe(j)>". */
int wire_fail_expected(wire_error *err, const json_t *j, const char *what);
/** Fails with the out-of-memory type. */
int wire_fail_oom(wire_error *err);

/* Scoped parameter names: wire_scope_push sets err->param to
 * "<old>.<field>" or "<old>[<index>]" in buf and returns the old value,
 * which wire_scope_pop restores. */
const char *wire_scope_field(wire_error *err, char *buf, const char *field);
const char *wire_scope_index(wire_error *err, char *buf, size_t index);
static inline void wire_scope_pop(wire_error *err, const char *old)
{
    err->param = old;
}

/* ---- text (wire_util.c) ---- */

/** Strict UTF-8 (no overlong forms, surrogates or code points > U+10FFFF). */
bool wire_utf8_valid(const uint8_t *s, size_t n);
/** JSON string of n bytes; invalid UTF-8 sequences become U+FFFD.
 *  Returns owned or NULL (OOM). */
json_t *wire_json_text(const uint8_t *s, size_t n);
/** JSON string of the base64 of n bytes. Returns owned or NULL (OOM). */
json_t *wire_json_base64(const uint8_t *s, size_t n);
/** True when s[0..n) is non-empty, strict, padded base64. */
bool wire_is_base64(const char *s, size_t n);
/** Decodes strict base64 s[0..n) into a new non-null ua_ByteString.
 *  Returns 0, -1 (malformed) or -2 (out of memory). */
int wire_base64_to_bytes(const char *s, size_t n, ua_ByteString *out);
/** Copies a JSON string into a new non-null ua_String. 0 or -1 (OOM). */
int wire_string_from_json(const json_t *j, ua_String *out);
/** JSON real, or null for NaN and infinities (JSON has no such numbers). */
json_t *wire_json_real(double d);

/* ---- numbers (wire_util.c) ---- */

/** Reads an integral JSON number (integer, or real without fraction within
 *  int64) into *out. Returns false for other kinds and fractions. */
bool wire_json_int64(const json_t *j, int64_t *out);

/* ---- shared with the decoders (wire_decode.c / wire_coerce.c) ---- */

int wire_to_variant_depth(const json_t *j, ua_Variant *out, wire_error *err, int depth);
int wire_to_data_value_depth(const json_t *j, ua_DataValue *out, wire_error *err, int depth);
int wire_to_diagnostic_info_depth(const json_t *j, ua_DiagnosticInfo *out, wire_error *err,
                                  int depth);
int wire_to_expanded_nodeid(const json_t *j, ua_ExpandedNodeId *out, wire_error *err);
/** Converts one JSON element to a value of the built-in (or enumeration)
 *  type t at dst (zeroed), as wire_to_variant_typed does per element. */
int wire_coerce_element(const json_t *j, const ua_type *t, void *dst, wire_error *err, int depth);
/** wire_to_value with a nesting depth (wire_struct.c). */
int wire_to_value_depth(const json_t *j, const ua_type *type, void *dst, wire_error *err,
                        int depth);
/** Converts value to a variant of type; dims (may be NULL) are the
 *  "dimensions" of a Variant object. */
int wire_coerce_variant(const json_t *value, unsigned builtin_type, int32_t value_rank,
                        const json_t *dims, ua_Variant *out, wire_error *err, int depth);

/* ---- building JSON without leaking on out-of-memory ---- */

/** Sets o[key] = v (taken). When o is NULL or the set fails, releases both
 *  and returns NULL; else returns o. Chain: o = wire_put(o, "k", json_...). */
json_t *wire_put(json_t *o, const char *key, json_t *v);
/** Appends v (taken) to the array a, same contract as wire_put. */
json_t *wire_push(json_t *a, json_t *v);

#endif
