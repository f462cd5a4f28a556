/* Private to src/ipc/: strict UTF-8 decoding shared by the JSON writer and
 * the error envelopes. Same acceptance as jansson's string check (no
 * overlong forms, no surrogates, nothing above U+10FFFF). */
#ifndef IPC_UTF8_H
#define IPC_UTF8_H

#include <stddef.h>
#include <stdint.h>

/** Decodes the sequence at s (n bytes available). Returns its length (1-4)
 * and the code point in *cp, or 0 when the bytes are not valid UTF-8. */
size_t ipc_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

#endif
