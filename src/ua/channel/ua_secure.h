/* Secure conversation chunks (Part 6 (1.05) 6.7.2): the part of a chunk
 * after the message header and security header: sequence header, body,
 * padding and signature, signed and encrypted by a security policy.
 *
 * A policy plugs in through ua_sec_ops: it reports its sizes and signs,
 * verifies, encrypts and decrypts with the keys in its ctx; this module
 * lays out padding and signatures the same way for every policy. The None
 * policy (ua_sec_ops_none) reports zero sizes and does nothing. */
#ifndef UA_SECURE_H
#define UA_SECURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ua_types.h"
#include "util/bbuf.h"

/* What the policy's keys need, for asymmetric (OPN) or symmetric (MSG/CLO)
 * messages. All zero: no signature, no encryption. */
typedef struct ua_sec_sizes {
    size_t signature;          /* bytes our signature adds (what we send) */
    size_t remote_signature;   /* bytes of the peer's signature (what we receive) */
    size_t plain_block;        /* plaintext block of the peer's key / cipher; 0 = no encryption */
    size_t cipher_block;       /* ciphertext block for the same */
    size_t remote_plain_block; /* for decrypting what the peer sent */
    size_t remote_cipher_block;
    bool extra_padding; /* a key over 2048 bits: two padding-size bytes */
    bool remote_extra_padding;
} ua_sec_sizes;

typedef struct ua_sec_ops {
    const char *uri;
    uint32_t nonce_length; /* bytes of the OPN nonces; 0 for None */
    void (*sizes)(void *ctx, bool asym, ua_sec_sizes *out);
    /* sig receives sizes.signature bytes */
    ua_status (*sign)(void *ctx, bool asym, const uint8_t *data, size_t len, uint8_t *sig);
    ua_status (*verify)(void *ctx, bool asym, const uint8_t *data, size_t len, const uint8_t *sig,
                        size_t sig_len);
    /* In place: len is a multiple of plain_block; out grows to
     * len / plain_block * cipher_block (the buffer has that room). */
    ua_status (*encrypt)(void *ctx, bool asym, uint8_t *data, size_t len, size_t *out_len);
    ua_status (*decrypt)(void *ctx, bool asym, uint8_t *data, size_t len, size_t *out_len);
    /* Part 6 6.7.5: the symmetric keys of a new token from the nonces of an
     * OPN exchange. Sending switches to them at once; the previous token's
     * receive keys stay usable (Part 6 6.7.4). Returns Good or
     * BadNonceInvalid / BadInternalError. NULL: the policy has no keys. */
    ua_status (*derive)(void *ctx, uint32_t token_id, const ua_ByteString *local_nonce,
                        const ua_ByteString *remote_nonce);
    /* Picks the receive keys of token_id for the symmetric decodes that
     * follow. Returns Good or BadSecureChannelTokenUnknown. NULL: nothing
     * to pick. */
    ua_status (*use_token)(void *ctx, uint32_t token_id);
} ua_sec_ops;

extern const ua_sec_ops ua_sec_ops_none;

/* What a chunk gets: signed when mode >= Sign (asymmetric: whenever the
 * policy is not None), encrypted when SignAndEncrypt (asymmetric: always,
 * unless None). */
typedef struct ua_sec_apply {
    bool sign;
    bool encrypt;
} ua_sec_apply;

ua_sec_apply ua_sec_apply_for(const ua_sec_ops *ops, int32_t mode, bool asym);

/** Returns how many body bytes fit into a chunk of chunk_size bytes whose
 *  headers (message + security header) take header_len bytes, or 0 when
 *  nothing fits. */
size_t ua_secure_max_body(const ua_sec_ops *ops, void *ctx, ua_sec_apply ap, bool asym,
                          size_t chunk_size, size_t header_len);

/** Appends one finished chunk to out: the given headers (header_len bytes,
 *  message size patched), the sequence header, body, padding and signature,
 *  encrypted as ap says. */
ua_status ua_secure_encode(const ua_sec_ops *ops, void *ctx, ua_sec_apply ap, bool asym,
                           const uint8_t *headers, size_t header_len, uint32_t seq,
                           uint32_t request_id, const uint8_t *body, size_t body_len, bbuf *out);

/** Decrypts and verifies one received chunk in place. chunk holds the whole
 *  chunk (len bytes); header_len is where the sequence header starts.
 *  Returns the sequence number, request id and the body bounds. Errors:
 *  BadSecurityChecksFailed (signature, padding), BadDecodingError. */
ua_status ua_secure_decode(const ua_sec_ops *ops, void *ctx, ua_sec_apply ap, bool asym,
                           uint8_t *chunk, size_t len, size_t header_len, uint32_t *seq,
                           uint32_t *request_id, const uint8_t **body, size_t *body_len);

#endif
