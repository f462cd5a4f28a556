/* Secure channel over UA-TCP on a libuv loop (Part 6 (1.05) 6.7, 7.1):
 * resolve, connect, HEL/ACK, OpenSecureChannel (Issue, then Renew at 75 %
 * of the revised lifetime), chunked MSG requests and responses matched by
 * request id, CloseSecureChannel. Knows nothing about sessions.
 *
 * Security: the channel's crypto sits behind ua_sec_ops (ua_secure.h):
 * every chunk is laid out, padded, signed and encrypted through it. For
 * the RSA policies of ua_policy.h the channel builds the keys itself from
 * local_key and remote_cert; other ops (tests) bring their own policy_ctx.
 * The OPN security header carries our certificate and the thumbprint of
 * the server's; each Issue/Renew exchanges fresh nonces and derives new
 * symmetric keys (Part 6 6.7.5). Certificates are not validated here: the
 * caller checks remote_cert before it opens the channel.
 *
 * Threading: everything runs on the loop given to ua_channel_new; no call
 * blocks. Callbacks are never called from inside the API call that caused
 * them, except on_message/on_closed from within a libuv callback. */
#ifndef UA_CHANNEL_H
#define UA_CHANNEL_H

#include <stdbool.h>
#include <stdint.h>
#include <openssl/types.h>
#include <uv.h>

#include "ua_secure.h"
#include "ua_tcp.h"
#include "ua_types.h"

typedef struct ua_channel ua_channel;

typedef struct ua_channel_config {
    uint32_t receive_buffer_size;   /* our chunk size limit, >= 8192 */
    uint32_t send_buffer_size;      /* >= 8192 */
    uint32_t max_message_size;      /* largest response body we accept */
    uint32_t max_chunk_count;       /* 0 = as many as max_message_size needs */
    uint32_t requested_lifetime_ms; /* token lifetime asked for */
    uint32_t connect_timeout_ms;    /* resolve + connect + HEL + OPN */
    const ua_sec_ops *policy;       /* NULL = None; a ua_policy's &ops for RSA policies */
    void *policy_ctx;               /* the policy's keys, borrowed; NULL = built from below */
    int32_t security_mode;          /* ua_MessageSecurityMode */
    ua_ByteString local_cert;       /* our certificate (DER), sent as SenderCertificate */
    EVP_PKEY *local_key;            /* our private key; the channel takes its own reference */
    ua_ByteString remote_cert;      /* the server's certificate (DER, or a chain whose
                                       first is the server's), from its endpoint */
} ua_channel_config;

/** Fills the defaults: 64 KiB buffers, 16 MiB messages, 1 h tokens, 10 s. */
void ua_channel_config_default(ua_channel_config *cfg);

typedef struct ua_channel_callbacks {
    /* The channel is open (Good) or could not be opened (the reason); on
     * failure on_closed follows. */
    void (*on_open)(void *ud, ua_status status);
    /* A complete response body (type NodeId + body) for request_id, or a
     * failure of that request alone (status Bad, body NULL): an abort chunk
     * or a response over the limits. body is borrowed for the call. */
    void (*on_message)(void *ud, uint32_t request_id, ua_status status, const uint8_t *body,
                       size_t len);
    /* The connection is gone: reason is Good after ua_channel_close, else
     * why it broke. Called once; no callback follows it. */
    void (*on_closed)(void *ud, ua_status reason);
} ua_channel_callbacks;

/** Returns a new, unopened channel, or NULL when out of memory. Borrows
 *  cfg->policy and cfg->policy_ctx; copies the certificates and takes a
 *  reference on cfg->local_key; copies the rest. */
ua_channel *ua_channel_new(uv_loop_t *loop, const ua_channel_config *cfg,
                           const ua_channel_callbacks *cb, void *ud);

/** Starts opening a channel to an "opc.tcp://host:port/path" URL. Returns
 *  Good (on_open follows), BadTcpEndpointUrlInvalid, BadInvalidState when
 *  called twice, BadSecurityPolicyRejected (a policy without crypto, or a
 *  mode that does not fit the policy), BadSecurityModeRejected,
 *  BadConfigurationError (a secured policy without certificate, key or
 *  server certificate), BadCertificateInvalid or
 *  BadCertificatePolicyCheckFailed (keys the policy cannot use). Once open,
 *  a chunk that fails its signature or decryption closes the channel with
 *  BadSecurityChecksFailed. */
ua_status ua_channel_open(ua_channel *ch, const char *url);

/* A connection the server opened to us (Reverse Connect, Part 6 7.1.3),
 * its ReverseHello already consumed. */
typedef struct ua_channel_socket {
    uv_os_sock_t fd; /* connected TCP socket */
    bool hello_done; /* our Hello (hello) went out and the server's
                        Acknowledge (ack) came back on it */
    ua_tcp_limits hello;
    ua_tcp_limits ack;
} ua_channel_socket;

/** As ua_channel_open, on an already-connected socket instead of
 *  resolving and connecting url: starts at the Hello (carrying url, which
 *  should be the ReverseHello's EndpointUrl) or, with hello_done, directly
 *  at OpenSecureChannel. Takes s->fd in every case (closed on error).
 *  Returns the errors of ua_channel_open, or BadConnectionRejected when
 *  the acknowledged sizes do not fit this channel's configuration. */
ua_status ua_channel_open_socket(ua_channel *ch, const char *url, const ua_channel_socket *s);

/** Encodes and sends a service request (type id + body) in as many chunks
 *  as needed; sets *request_id. Returns Good, BadConnectionClosed when not
 *  open, BadRequestTooLarge over the server's limits, BadEncoding... */
ua_status ua_channel_send(ua_channel *ch, const void *request, const ua_type *type,
                          uint32_t *request_id);

/** Closes gracefully (CloseSecureChannel when open, then the socket);
 *  on_closed(Good) follows unless the channel is already closed. */
void ua_channel_close(ua_channel *ch);

/** Frees the channel (closing it first if needed) once libuv is done with
 *  its handles. No callback fires after this call. */
void ua_channel_delete(ua_channel *ch);

/** True while requests can be sent. */
bool ua_channel_is_open(const ua_channel *ch);
/** The id of the current security token (for tests and logs). */
uint32_t ua_channel_token_id(const ua_channel *ch);
/** The revised lifetime of the current token in ms. */
uint32_t ua_channel_token_lifetime(const ua_channel *ch);

/** Splits "opc.tcp://host:port/path" into host (brackets removed for IPv6)
 *  and port (default 4840). Returns Good or BadTcpEndpointUrlInvalid. */
ua_status ua_url_parse(const char *url, char *host, size_t host_size, uint16_t *port);

#endif
