/* The asynchronous OPC UA client the daemon holds sessions with: one
 * secure channel and one session (Part 4 5.6), kept alive, reconnected
 * after a failure, and the services as requests with completion
 * callbacks. Nothing here blocks the loop; many requests may be
 * outstanding at once; every request has a deadline.
 *
 * Threading: all calls and callbacks on the loop given to ua_client_new.
 * Callbacks may call any function of this API, including ua_client_delete
 * (the client is then freed once libuv has released its handles).
 *
 * Ownership: requests are borrowed (encoded before the call returns);
 * responses handed to a callback are borrowed for the duration of the call
 * (copy what you keep). Strings and certificates in the config are copied;
 * the client takes its own reference on each key.
 *
 * Security (Part 4 5.6.2, 5.6.3; Part 6 6.7): with a policy other than
 * None, connect opens a None channel for GetEndpoints, keeps the server
 * certificate of the endpoint that matches policy and mode, hands it to
 * verify_server_cert, closes that channel and opens the secured one.
 * Reconnects reuse the certificate. The session proves our key
 * (clientSignature) and checks the server's (serverSignature).
 *
 * Reverse Connect (Part 6 7.1.3): with a socket_source the client never
 * dials; each channel (including those of reconnects) starts on a
 * connection the server opened, handed over with ua_client_take_socket. */
#ifndef UA_CLIENT_H
#define UA_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "ua_channel.h"
#include "ua_types.h"

typedef struct ua_client ua_client;

/* Decides whether the server certificate (DER; a leaf or a chain of
 * concatenated DER certificates, the server's first) of endpoint_url may
 * be used. Returns Good, or a Bad status (BadCertificateUntrusted, ...)
 * with a reason in msg (msg_size bytes, NUL-terminated) for the log.
 * Called on the client's loop before a secured channel is opened. */
typedef ua_status (*ua_client_verify_cert_cb)(void *ud, const ua_ByteString *cert_der,
                                              const char *endpoint_url, char *msg, size_t msg_size);

typedef enum ua_client_state {
    UA_CLIENT_DISCONNECTED = 0, /* never connected, or disconnected on request */
    UA_CLIENT_CONNECTING,       /* first connect in progress */
    UA_CLIENT_CONNECTED,        /* session active: requests go out */
    UA_CLIENT_BROKEN            /* connection lost: reconnecting in the background */
} ua_client_state;

/* Reverse Connect (Part 6 7.1.3): where the client's connections come from
 * when it must not dial out. want: the client needs a connection for its
 * next channel (connect, the secured channel after GetEndpoints, every
 * reconnect); answer with ua_client_take_socket, later, never from inside
 * want. cancel: it no longer needs one (disconnect, delete, failure). Both
 * are called on the client's loop. */
typedef struct ua_client_socket_source {
    void (*want)(void *ud, ua_client *c);
    void (*cancel)(void *ud, ua_client *c);
    void *ud;
} ua_client_socket_source;

typedef struct ua_client_config {
    uint32_t timeout_ms;          /* connect and per-request deadline (default 5000) */
    uint32_t auto_retry;          /* retries of idempotent requests after a connection loss */
    uint32_t batch_size;          /* max operations per request; 0 = the server's limits */
    bool read_server_limits;      /* read OperationLimits after connect (default true) */
    bool read_namespaces;         /* read the NamespaceArray after every connect and
                                     reconnect (default true) */
    double session_timeout_ms;    /* requested session timeout (default 120000) */
    uint32_t keepalive_ms;        /* 0 = a third of the revised session timeout */
    bool auto_reconnect;          /* reconnect after a failure (default true) */
    uint32_t reconnect_min_ms;    /* first backoff (default 500) */
    uint32_t reconnect_max_ms;    /* backoff cap (default 30000) */
    bool delete_subscriptions;    /* CloseSession.deleteSubscriptions (default true) */
    bool discover_endpoints;      /* GetEndpoints first and check that the server offers
                                     our policy and mode (default true; always done for
                                     a secured policy, which needs the certificate) */
    const char *application_uri;  /* default "urn:opcua-session-manager:client" */
    const char *application_name; /* default "opcua-session-manager" */
    const char *session_name;     /* default "opcua-session-manager" */
    const char *username;         /* NULL = anonymous (unless user_cert_der) */
    const char *password;
    /* Our application instance certificate (DER) and its private key: needed
     * when channel.policy is not None. Its SubjectAltName URI must equal
     * application_uri. Replace channel.local_cert / local_key, which the
     * client sets itself. */
    ua_ByteString client_cert_der;
    EVP_PKEY *client_key;
    /* X.509 user identity (X509IdentityToken), used instead of a username
     * when user_cert_der is set; user_key signs the server's nonce. */
    ua_ByteString user_cert_der;
    EVP_PKEY *user_key;
    ua_client_verify_cert_cb verify_server_cert; /* NULL = accept any certificate */
    void *verify_ud;
    ua_channel_config channel; /* policy: a ua_policy's &ops (ua_policy_find), or NULL */
    ua_client_socket_source socket_source; /* want == NULL (default): dial the url */
} ua_client_config;

/** Fills the defaults listed above. */
void ua_client_config_default(ua_client_config *cfg);

/* The server's OperationLimits (0 = no limit or unknown). */
typedef struct ua_operation_limits {
    uint32_t max_nodes_per_read;
    uint32_t max_nodes_per_write;
    uint32_t max_nodes_per_browse;
    uint32_t max_nodes_per_method_call;
    uint32_t max_nodes_per_translate;
    uint32_t max_nodes_per_register;
    uint32_t max_monitored_items_per_call;
    bool known; /* read from the server */
} ua_operation_limits;

typedef void (*ua_client_done_cb)(ua_client *c, ua_status status, void *ud);
/* status is the transport/service result (Good, BadTimeout, a ServiceFault's
 * code, ...); response is NULL unless the response was received and
 * decoded (it may still carry a Bad serviceResult). */
typedef void (*ua_service_cb)(ua_client *c, ua_status status, void *response, void *ud);
typedef void (*ua_client_state_cb)(ua_client *c, ua_client_state state, ua_status reason, void *ud);
/* After a reconnect: recreated is false when the old session was
 * re-activated, true when a new session had to be created (subscriptions
 * then need transferring). */
typedef void (*ua_client_session_cb)(ua_client *c, bool recreated, void *ud);
/* After a reconnect read a NamespaceArray that differs from the one read
 * before (a server restarted with another namespace order): old / old_n
 * is the previous array (borrowed, valid during the call), the new one is
 * ua_client_namespaces. Runs before queued requests are sent again. */
typedef void (*ua_client_namespaces_cb)(ua_client *c, const ua_String *old, size_t old_n, void *ud);

/** Returns a new client, or NULL when out of memory. */
ua_client *ua_client_new(uv_loop_t *loop, const ua_client_config *cfg);

/** Observers; either may be NULL. */
void ua_client_set_state_cb(ua_client *c, ua_client_state_cb cb, void *ud);
void ua_client_set_session_cb(ua_client *c, ua_client_session_cb cb, void *ud);
void ua_client_set_namespaces_cb(ua_client *c, ua_client_namespaces_cb cb, void *ud);

/** Connects to url: channel, CreateSession, ActivateSession, limits. cb
 *  fires once with Good or the reason. Returns Good (cb follows) or an
 *  error without calling cb (BadInvalidState when not disconnected,
 *  BadConfigurationError for a secured policy without certificate and key,
 *  BadSecurityModeRejected for a mode that does not fit the policy). */
ua_status ua_client_connect(ua_client *c, const char *url, ua_client_done_cb cb, void *ud);

/** Closes the session and the channel; outstanding requests fail with
 *  BadConnectionClosed. cb fires once when done (Good even if the server
 *  did not answer CloseSession). */
ua_status ua_client_disconnect(ua_client *c, ua_client_done_cb cb, void *ud);

/** Drops the connection and establishes it again (re-activating the
 *  session, or creating a new one when the server forgot it); cb fires
 *  once with Good when connected again, or BadConnectionClosed when the
 *  client is disconnected first. Returns Good (cb follows),
 *  BadNotConnected or BadInvalidState (a reconnect is already waiting). */
ua_status ua_client_reconnect(ua_client *c, ua_client_done_cb cb, void *ud);

/** Answers a socket_source's want: st Good with s (its fd is taken; the
 *  channel starts on it, its Hello carrying url, the server's announced
 *  EndpointUrl), or a Bad status (no connection came in time) which fails
 *  the connect or, while reconnecting, asks again after the backoff. When
 *  the client no longer waits, s->fd is closed and nothing else happens. */
void ua_client_take_socket(ua_client *c, ua_status st, const char *url, const ua_channel_socket *s);

/** Frees the client. Outstanding requests' callbacks fire with BadShutdown
 *  before this returns; no other callback fires after it. */
void ua_client_delete(ua_client *c);

ua_client_state ua_client_get_state(const ua_client *c);
const char *ua_client_state_name(ua_client_state s);
const ua_operation_limits *ua_client_limits(const ua_client *c);
/** The server's NamespaceArray as last read (borrowed; valid until the
 *  next reconnect completes), or NULL with *n = 0 before it was read. */
const ua_String *ua_client_namespaces(const ua_client *c, size_t *n);
/** The revised session timeout in ms (0 before the first session). */
double ua_client_session_timeout(const ua_client *c);
/** Number of reconnects that succeeded so far (tests, logs). */
uint32_t ua_client_reconnects(const ua_client *c);

/** Sends one service request of req_type (its RequestHeader is filled in:
 *  authentication token, handle, timestamp, timeout hint) and calls cb with
 *  the response of resp_type. retries > 0 marks the request idempotent: on
 *  a connection loss it is sent again after the reconnect, within its
 *  deadline. Returns Good (cb follows) or BadNotConnected /
 *  BadOutOfMemory without calling cb. */
ua_status ua_client_service(ua_client *c, const void *request, const ua_type *req_type,
                            const ua_type *resp_type, uint32_t retries, ua_service_cb cb, void *ud);

/** As ua_client_service, with this request's own deadline and timeoutHint
 *  (timeout_ms; 0 = the configured timeout_ms): for requests the server may
 *  legitimately hold longer, such as Publish (up to a keep-alive period). */
ua_status ua_client_service_timeout(ua_client *c, const void *request, const ua_type *req_type,
                                    const ua_type *resp_type, uint32_t retries, uint32_t timeout_ms,
                                    ua_service_cb cb, void *ud);

/* Multi-node services, split into requests that fit the server's
 * OperationLimits (or batch_size) and re-assembled in order; the callback
 * sees one response as if the server had answered in one go. */
ua_status ua_client_read(ua_client *c, const ua_ReadRequest *req, ua_service_cb cb, void *ud);
ua_status ua_client_write(ua_client *c, const ua_WriteRequest *req, ua_service_cb cb, void *ud);
ua_status ua_client_browse(ua_client *c, const ua_BrowseRequest *req, ua_service_cb cb, void *ud);
ua_status ua_client_browse_next(ua_client *c, const ua_BrowseNextRequest *req, ua_service_cb cb,
                                void *ud);
ua_status ua_client_translate(ua_client *c, const ua_TranslateBrowsePathsToNodeIdsRequest *req,
                              ua_service_cb cb, void *ud);
ua_status ua_client_call(ua_client *c, const ua_CallRequest *req, ua_service_cb cb, void *ud);
/* Monitored items, split by MaxMonitoredItemsPerCall (not resent after a
 * connection loss: the server may have created some already). */
ua_status ua_client_create_monitored_items(ua_client *c, const ua_CreateMonitoredItemsRequest *req,
                                           ua_service_cb cb, void *ud);
ua_status ua_client_modify_monitored_items(ua_client *c, const ua_ModifyMonitoredItemsRequest *req,
                                           ua_service_cb cb, void *ud);
ua_status ua_client_delete_monitored_items(ua_client *c, const ua_DeleteMonitoredItemsRequest *req,
                                           ua_service_cb cb, void *ud);
ua_status ua_client_register_nodes(ua_client *c, const ua_RegisterNodesRequest *req,
                                   ua_service_cb cb, void *ud);
ua_status ua_client_unregister_nodes(ua_client *c, const ua_UnregisterNodesRequest *req,
                                     ua_service_cb cb, void *ud);
ua_status ua_client_get_endpoints(ua_client *c, const char *endpoint_url, ua_service_cb cb,
                                  void *ud);
ua_status ua_client_find_servers(ua_client *c, const char *endpoint_url, ua_service_cb cb,
                                 void *ud);

#endif
