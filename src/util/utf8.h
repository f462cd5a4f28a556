/* Strict UTF-8 decoding (RFC 3629): no overlong forms, no surrogates,
 * nothing above U+10FFFF (the same acceptance as jansson's string check).
 * Shared by the IPC JSON writer and the wire layer. */
#ifndef UTIL_UTF8_H
#define UTIL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/** Decodes the sequence at s (n bytes available). Returns its length (1-4)
 *  and the code point in *cp, or 0 when the bytes are not valid UTF-8. */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

#endif
