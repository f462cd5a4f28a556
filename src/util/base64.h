/* Standard base64 (RFC 4648, with padding), used for ByteString NodeIds
 * (b=...) and, later, binary values in JSON. */
#ifndef UTIL_BASE64_H
#define UTIL_BASE64_H

#include <stddef.h>
#include <stdint.h>

/** Returns the encoded length of n bytes (without a terminating NUL). */
size_t base64_encoded_size(size_t n);
/** Writes the encoding of in[0..n) and a NUL to out, which must hold
 *  base64_encoded_size(n) + 1 bytes. Returns the encoded length. */
size_t base64_encode(const uint8_t *in, size_t n, char *out);
/** Decodes text[0..len) strictly (padding required, no whitespace) into out,
 *  which must hold len / 4 * 3 bytes. Returns 0 and sets *out_len, or -1
 *  on malformed input. */
int base64_decode(const char *text, size_t len, uint8_t *out, size_t *out_len);

#endif
