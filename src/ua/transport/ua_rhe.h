/* ReverseHello (Part 6 (1.05) 7.1.2.6, 7.1.3): the first message a server
 * sends on a connection it opened to a client. A pure parser over the bytes
 * received so far and the client-side checks of its two fields; no
 * sockets. Bytes come from the network: every length is checked. */
#ifndef UA_RHE_H
#define UA_RHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ua_types.h"

/* Part 6 7.1.2.6: each string shall be shorter than 4096 bytes. */
#define UA_RHE_MAX_FIELD 4095u
/* Header + two length-prefixed strings of the largest allowed size. */
#define UA_RHE_MAX_SIZE (8u + 2u * (4u + UA_RHE_MAX_FIELD))
#define UA_RHE_MIN_SIZE 16u

typedef struct ua_rhe {
    char *server_uri;   /* owned, NUL-terminated; a null string becomes "" */
    char *endpoint_url; /* owned, NUL-terminated */
} ua_rhe;

void ua_rhe_clear(ua_rhe *m);

/** Parses a ReverseHello at the start of p (len bytes received so far);
 *  messages larger than max_size (at most UA_RHE_MAX_SIZE; 0 = that) are
 *  refused from the header alone, before the body arrives. Returns Good with
 *  *used = 0 when more bytes are needed, or Good with *used = the message
 *  size and *out filled (owned; caller clears). Errors (nothing is kept):
 *  BadTcpMessageTypeInvalid (not "RHEF"), BadTcpMessageTooLarge (size below
 *  16 or above max_size), BadTcpEndpointUrlInvalid (a field of 4096 bytes
 *  or more), BadDecodingError (bad string length, embedded NUL, invalid
 *  UTF-8, bytes left over inside the message), BadOutOfMemory. */
ua_status ua_rhe_parse(const uint8_t *p, size_t len, size_t max_size, ua_rhe *out, size_t *used);

/* Why a well-formed ReverseHello was refused, in the order checked. */
enum ua_rhe_verdict {
    UA_RHE_ACCEPTED = 0,
    UA_RHE_SERVER_URI_EMPTY,
    UA_RHE_SERVER_URI_NOT_ALLOWED,
    UA_RHE_ENDPOINT_URL_EMPTY,
    UA_RHE_ENDPOINT_URL_SCHEME /* not opc.tcp:// */
};

/** Checks m against the allow-list (allowed: n exact, case-sensitive
 *  ServerUris; none = everything is refused): ServerUri non-empty, then in
 *  the list, then EndpointUrl non-empty, then "opc.tcp://". Returns the
 *  first rule that fails, or UA_RHE_ACCEPTED. */
enum ua_rhe_verdict ua_rhe_validate(const ua_rhe *m, const char *const *allowed, size_t n);

/** A short English reason for a verdict, for logs. */
const char *ua_rhe_verdict_text(enum ua_rhe_verdict v);

#endif
