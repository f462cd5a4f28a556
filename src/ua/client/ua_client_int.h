/* Private state of ua_client, shared by ua_client.c (session state
 * machine) and ua_client_services.c (batching). Not for other modules. */
#ifndef UA_CLIENT_INT_H
#define UA_CLIENT_INT_H

#include "ua_binary.h"
#include "ua_client.h"
#include "ua_policy.h"

typedef struct ua_pending {
    struct ua_pending *next, *prev;
    uint32_t request_id; /* on the channel, valid while sent */
    uint32_t handle;     /* RequestHeader.requestHandle */
    bool sent;           /* false: waiting for a reconnect */
    uint32_t retries;
    uint64_t deadline;   /* uv_now() ms */
    uint32_t timeout_ms; /* this request's deadline and timeoutHint */
    const ua_type *req_type;
    const ua_type *resp_type;
    void *request_copy; /* owned deep copy for resending, or NULL */
    ua_service_cb cb;
    void *ud;
} ua_pending;

struct ua_client {
    uv_loop_t *loop;
    ua_client_config cfg; /* strings owned */
    ua_client_state state;
    bool deleted;
    int handles_open;
    char url[1024];

    ua_channel *channel;
    ua_pending *pending;
    uint32_t next_handle;
    ua_decode_opts decode_opts;

    /* session */
    ua_NodeId session_id;
    ua_NodeId auth_token; /* null when there is no session */
    ua_ByteString server_nonce;
    ua_ByteString server_certificate; /* from CreateSession */
    uint8_t client_nonce[32];         /* of the last CreateSession */
    const ua_policy *policy;          /* NULL for None */

    /* security: the server certificate of the endpoint we chose, and
     * whether the current channel is the None one of GetEndpoints */
    ua_ByteString endpoint_cert;
    bool discovery;
    double revised_session_timeout;
    ua_operation_limits limits;
    ua_String *namespaces; /* NamespaceArray as last read, NULL = not read */
    size_t namespaces_size;
    bool session_active;
    ua_UserTokenPolicy token_policy; /* the login used, for re-activation */

    /* connect / disconnect / reconnect */
    ua_client_done_cb connect_cb;
    void *connect_ud;
    ua_client_done_cb reconnect_cb; /* ua_client_reconnect waiting */
    void *reconnect_ud;
    ua_client_done_cb disconnect_cb;
    void *disconnect_ud;
    bool disconnecting;
    bool connect_failing; /* connect_failed is running */
    bool closing_channel; /* disconnect: CloseSecureChannel sent */
    bool reconnecting;
    bool wanting_socket; /* asked socket_source for a connection */
    uint32_t backoff_ms;
    uint32_t reconnects;

    uv_timer_t deadline_timer;
    uv_timer_t keepalive_timer;
    uv_timer_t reconnect_timer;

    ua_client_state_cb state_cb;
    void *state_ud;
    ua_client_session_cb session_cb;
    void *session_ud;
    ua_client_namespaces_cb namespaces_cb;
    void *namespaces_ud;
};

/* Sends a request during connect/reconnect, before the state is
 * CONNECTED (ua_client.c). */
ua_status ua_client_submit_internal(ua_client *c, const void *request, const ua_type *req_type,
                                    const ua_type *resp_type, ua_service_cb cb, void *ud);

#endif
