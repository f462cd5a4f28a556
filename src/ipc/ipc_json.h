/* JSON text of the IPC wire, byte-compatible with PHP (ipc-protocol.md §1.1
 * step 4 and §1.3): decoding like `json_decode($frame, true)` and encoding
 * like `json_encode($response)` with default flags. jansson holds the values;
 * the writer is ours because jansson's real numbers and \u escapes differ
 * from PHP's (see docs/internals/ipc.md). Knows nothing about commands. */
#ifndef IPC_JSON_H
#define IPC_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/bbuf.h"

/* PHP's default nesting limit of json_decode and json_encode. */
#define IPC_JSON_MAX_DEPTH 512

/* ipc_json_dump error: a value JSON cannot carry (invalid UTF-8 in a string,
 * NaN or infinity, nesting deeper than IPC_JSON_MAX_DEPTH). */
#define IPC_JSON_EINVAL (-22)

/** Decodes one request frame (borrowed, len bytes). Accepts what PHP's
 * json_decode accepts as an object or array: nesting up to 512 levels;
 * integers beyond 64 bits become reals, as in PHP. Scalars, invalid JSON,
 * deeper nesting, and "\u0000" in a string (jansson cannot hold it; PHP
 * can) give NULL. Returns owned. */
json_t *ipc_json_decode(const char *text, size_t len);

/** The fast path ipc_json_decode tries first (ipc_json_fast.c): the value
 *  json_loadb(text, len, 0) would give for the common, plain-ASCII frames,
 *  or NULL when it leaves the text to jansson (errors, non-ASCII bytes,
 *  rare escapes, numbers near the limits). Returns owned. */
json_t *ipc_json_decode_fast(const char *text, size_t len);

/* An object whose only member is this key, holding decimal digits, is
 * written as that bare integer: the way to emit integers above 2^63-1
 * (jansson's limit) exactly, e.g. OPC UA UInt64 values. */
#define IPC_JSON_BIG_INT_KEY "__osm_uint64"

/** Appends the compact PHP-style serialisation of v (borrowed) to out: "/"
 * as "\/", non-ASCII as lowercase \uXXXX (surrogate pairs above U+FFFF),
 * object keys in insertion order, reals as ipc_json_format_real. No
 * trailing newline. Returns 0, IPC_JSON_EINVAL, BBUF_ENOMEM or
 * BBUF_ETOOBIG; on error out->len is what it was before the call. */
int ipc_json_dump(const json_t *v, bbuf *out);

/** Write v in decimal at o (at most 20 digits, and '-' for the signed
 *  one; no NUL) and return the end. */
char *ipc_json_put_u64(char *o, uint64_t v);
char *ipc_json_put_i64(char *o, int64_t v);

/** Writes d like PHP's json_encode with serialize_precision = -1: the
 * shortest digits that read back as d; plain notation when the decimal
 * exponent is in [-4, 16], else "1.0e+20" / "1.5e-7"; a zero fraction is
 * dropped ("500"). buf must hold 32 bytes. Returns the length (NUL
 * written), or 0 for NaN and infinities, which JSON cannot carry. */
size_t ipc_json_format_real(double d, char *buf, size_t size);

#endif
