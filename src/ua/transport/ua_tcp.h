/* UA-TCP connection protocol (Part 6 (1.05) 7.1.2-7.1.3): the 8-byte
 * message header, Hello / Acknowledge / Error / ReverseHello bodies, a
 * framer that cuts complete chunks out of a byte stream, and the
 * reassembly of chunked messages (7.1.2.4, F/C/A chunks). No sockets, no
 * security: the secure channel sits above and feeds decrypted chunk bodies
 * to the assembler. Every size a peer sends is checked against our limits. */
#ifndef UA_TCP_H
#define UA_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ua_types.h"
#include "util/bbuf.h"

#define UA_TCP_HEADER_SIZE 8
#define UA_TCP_MIN_BUFFER  8192u /* Part 6 7.1.2.3: smallest allowed buffer */
#define UA_TCP_MAX_URL     4096u /* EndpointUrl / Reason / ServerUri cap */

enum ua_tcp_msg {
    UA_TCP_HEL = 1,
    UA_TCP_ACK,
    UA_TCP_ERR,
    UA_TCP_RHE,
    UA_TCP_OPN,
    UA_TCP_MSG,
    UA_TCP_CLO
};

typedef struct ua_tcp_header {
    uint8_t msg;   /* enum ua_tcp_msg */
    char chunk;    /* 'F', 'C' or 'A' */
    uint32_t size; /* whole chunk, header included */
} ua_tcp_header;

/* The five numbers of Hello and Acknowledge. */
typedef struct ua_tcp_limits {
    uint32_t protocol_version;
    uint32_t receive_buffer_size;
    uint32_t send_buffer_size;
    uint32_t max_message_size; /* 0 = no limit announced */
    uint32_t max_chunk_count;  /* 0 = no limit announced */
} ua_tcp_limits;

/** Parses the 8-byte header at p. Returns Good, or BadTcpMessageTypeInvalid
 *  for an unknown type or chunk letter, or BadTcpMessageTooLarge when
 *  size is below the header or above max_chunk. */
ua_status ua_tcp_header_parse(const uint8_t *p, uint32_t max_chunk, ua_tcp_header *out);

/** Appends a complete Hello message to out. */
ua_status ua_tcp_hello_encode(const ua_tcp_limits *l, const char *endpoint_url, bbuf *out);
/** Decodes the body (after the header) of a Hello; *url is owned. */
ua_status ua_tcp_hello_decode(const uint8_t *body, size_t len, ua_tcp_limits *l, ua_String *url);
/** Appends a complete Acknowledge message to out. */
ua_status ua_tcp_ack_encode(const ua_tcp_limits *l, bbuf *out);
/** Decodes an Acknowledge body. */
ua_status ua_tcp_ack_decode(const uint8_t *body, size_t len, ua_tcp_limits *l);

/** Checks a server's Acknowledge against the Hello we sent and returns the
 *  sizes to use: chunks we send must fit *send_chunk, chunks we accept
 *  *recv_chunk. Part 6 7.1.2.4: the server may only lower our values.
 *  Returns Good or BadConnectionRejected. */
ua_status ua_tcp_negotiate(const ua_tcp_limits *hello, const ua_tcp_limits *ack,
                           uint32_t *send_chunk, uint32_t *recv_chunk);

/** Appends a complete Error message (status + reason) to out. */
ua_status ua_tcp_error_encode(ua_status error, const char *reason, bbuf *out);
/** Decodes an Error body (also the body of an abort chunk); *reason owned. */
ua_status ua_tcp_error_decode(const uint8_t *body, size_t len, ua_status *error, ua_String *reason);
/** Appends a complete ReverseHello message to out. */
ua_status ua_tcp_rhe_encode(const char *server_uri, const char *endpoint_url, bbuf *out);
/** Decodes a ReverseHello body; both strings owned. */
ua_status ua_tcp_rhe_decode(const uint8_t *body, size_t len, ua_String *server_uri,
                            ua_String *endpoint_url);

/* ---- framer: complete chunks out of a byte stream ---------------------- */

typedef struct ua_framer {
    bbuf buf;
    size_t start;       /* first byte not yet handed out */
    uint32_t max_chunk; /* largest chunk accepted (our receive buffer size) */
} ua_framer;

void ua_framer_init(ua_framer *f, uint32_t max_chunk);
void ua_framer_clear(ua_framer *f);
/** Appends received bytes (at most 64 KiB beyond one chunk may wait).
 *  Returns Good, BadTcpMessageTooLarge or BadOutOfMemory. */
ua_status ua_framer_push(ua_framer *f, const uint8_t *data, size_t len);
/** Takes the next complete chunk: on Good with *chunk != NULL, chunk points
 *  at the whole chunk (header included, hdr->size bytes), valid until the
 *  next push or pop (the caller may decrypt it in place). *chunk == NULL:
 *  need more bytes. A bad header is an
 *  error after which the connection must be closed. */
ua_status ua_framer_pop(ua_framer *f, ua_tcp_header *hdr, uint8_t **chunk);

/* ---- reassembly of chunked messages ------------------------------------ */

#define UA_ASSEMBLER_MAX_PARTIAL 16 /* messages being assembled at once */

typedef struct ua_assembler {
    uint32_t max_message_size; /* bytes of one message body; 0 = no limit */
    uint32_t max_chunk_count;  /* 0 = no limit */
    size_t hard_max;           /* absolute ceiling whatever was negotiated */
    struct ua_partial {
        bool used;
        uint32_t request_id;
        uint32_t chunks;
        bbuf body;
    } partial[UA_ASSEMBLER_MAX_PARTIAL];
} ua_assembler;

void ua_assembler_init(ua_assembler *a, uint32_t max_message_size, uint32_t max_chunk_count,
                       size_t hard_max);
void ua_assembler_clear(ua_assembler *a);

enum ua_assembled {
    UA_ASSEMBLED_NONE = 0, /* chunk stored, message not complete */
    UA_ASSEMBLED_MESSAGE,  /* *out holds the whole body (owned) */
    UA_ASSEMBLED_ABORTED   /* the peer aborted: *abort_status / *out reason */
};

/** Adds one chunk body (the bytes after the sequence header, already
 *  verified and decrypted) of request_id. Returns Good with *result set,
 *  or, for that request only, BadResponseTooLarge (size or chunk count over
 *  the limits; its partial data is dropped), BadTcpNotEnoughResources (too
 *  many messages in progress) or BadOutOfMemory. On UA_ASSEMBLED_MESSAGE *out is owned by the
 * caller (free(out->data)); on UA_ASSEMBLED_ABORTED *out is the reason string. */
ua_status ua_assembler_add(ua_assembler *a, uint32_t request_id, char chunk_type,
                           const uint8_t *body, size_t len, int *result, ua_String *out,
                           ua_status *abort_status);

#endif
