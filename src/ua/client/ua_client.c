/* Client session state machine (Part 4 (1.05) 5.6): connect (channel,
 * CreateSession, ActivateSession, OperationLimits), outstanding requests
 * with deadlines, keep-alive, reconnect with backoff (re-activate the old
 * session, else create a new one), disconnect. Batching of multi-node
 * services lives in ua_client_services.c. */
#include "ua_client_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ua_binary.h"
#include "ua_crypto.h"
#include "ua_nodeids.h"
#include "ua_statuscodes.h"
#include "ua_text.h"
#include "util/log.h"

static void channel_on_open(void *ud, ua_status st);
static void channel_on_message(void *ud, uint32_t request_id, ua_status st, const uint8_t *body,
                               size_t len);
static void channel_on_closed(void *ud, ua_status reason);
static void arm_deadline_timer(ua_client *c);
static void schedule_reconnect(ua_client *c);
static void start_session(ua_client *c);
static void disconnect_done(ua_client *c);
static void clear_session(ua_client *c);
static ua_status open_channel(ua_client *c);

static const ua_channel_callbacks channel_cbs = {channel_on_open, channel_on_message,
                                                 channel_on_closed};

void ua_client_config_default(ua_client_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->timeout_ms = 5000;
    cfg->read_server_limits = true;
    cfg->read_namespaces = true;
    cfg->session_timeout_ms = 120000;
    cfg->auto_reconnect = true;
    cfg->reconnect_min_ms = 500;
    cfg->reconnect_max_ms = 30000;
    cfg->delete_subscriptions = true;
    cfg->discover_endpoints = true;
    ua_channel_config_default(&cfg->channel);
}

const char *ua_client_state_name(ua_client_state s)
{
    switch (s) {
    case UA_CLIENT_DISCONNECTED:
        return "Disconnected";
    case UA_CLIENT_CONNECTING:
        return "Connecting";
    case UA_CLIENT_CONNECTED:
        return "Connected";
    case UA_CLIENT_BROKEN:
        return "Broken";
    }
    return "?";
}

static char *dup_or(const char *s, const char *fallback)
{
    const char *v = s ? s : fallback;
    return v ? strdup(v) : NULL;
}

ua_client *ua_client_new(uv_loop_t *loop, const ua_client_config *cfg)
{
    ua_client *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->loop = loop;
    c->cfg = *cfg;
    c->cfg.application_uri = dup_or(cfg->application_uri, "urn:opcua-session-manager:client");
    c->cfg.application_name = dup_or(cfg->application_name, "opcua-session-manager");
    c->cfg.session_name = dup_or(cfg->session_name, "opcua-session-manager");
    c->cfg.username = dup_or(cfg->username, NULL);
    c->cfg.password = dup_or(cfg->password, NULL);
    /* Copies and references the caller keeps its own of; a failed copy
     * leaves a null certificate, which connect reports. */
    c->cfg.client_cert_der = (ua_ByteString){0, NULL};
    c->cfg.user_cert_der = (ua_ByteString){0, NULL};
    ua_copy(&cfg->client_cert_der, &c->cfg.client_cert_der, UA_BUILTIN(UA_KIND_BYTESTRING));
    ua_copy(&cfg->user_cert_der, &c->cfg.user_cert_der, UA_BUILTIN(UA_KIND_BYTESTRING));
    if (c->cfg.client_key && EVP_PKEY_up_ref(c->cfg.client_key) != 1)
        c->cfg.client_key = NULL;
    if (c->cfg.user_key && EVP_PKEY_up_ref(c->cfg.user_key) != 1)
        c->cfg.user_key = NULL;
    c->cfg.channel.local_cert = (ua_ByteString){0, NULL};
    c->cfg.channel.local_key = NULL;
    c->cfg.channel.remote_cert = (ua_ByteString){0, NULL};
    c->policy = c->cfg.channel.policy ? ua_policy_of_ops(c->cfg.channel.policy) : NULL;
    if (!c->cfg.timeout_ms)
        c->cfg.timeout_ms = 5000;
    c->cfg.channel.connect_timeout_ms = c->cfg.timeout_ms;
    c->next_handle = 1;
    uv_timer_init(loop, &c->deadline_timer);
    uv_timer_init(loop, &c->keepalive_timer);
    uv_timer_init(loop, &c->reconnect_timer);
    c->deadline_timer.data = c;
    c->keepalive_timer.data = c;
    c->reconnect_timer.data = c;
    c->handles_open = 3;
    return c;
}

void ua_client_set_state_cb(ua_client *c, ua_client_state_cb cb, void *ud)
{
    c->state_cb = cb;
    c->state_ud = ud;
}

void ua_client_set_session_cb(ua_client *c, ua_client_session_cb cb, void *ud)
{
    c->session_cb = cb;
    c->session_ud = ud;
}

void ua_client_set_namespaces_cb(ua_client *c, ua_client_namespaces_cb cb, void *ud)
{
    c->namespaces_cb = cb;
    c->namespaces_ud = ud;
}

const ua_String *ua_client_namespaces(const ua_client *c, size_t *n)
{
    *n = c->namespaces ? c->namespaces_size : 0;
    return c->namespaces;
}

ua_client_state ua_client_get_state(const ua_client *c)
{
    return c->state;
}

const ua_operation_limits *ua_client_limits(const ua_client *c)
{
    return &c->limits;
}

double ua_client_session_timeout(const ua_client *c)
{
    return c->revised_session_timeout;
}

uint32_t ua_client_reconnects(const ua_client *c)
{
    return c->reconnects;
}

static void set_state(ua_client *c, ua_client_state s, ua_status reason)
{
    if (c->state == s)
        return;
    c->state = s;
    if (c->state_cb && !c->deleted)
        c->state_cb(c, s, reason, c->state_ud);
}

/* ---- pending requests ---------------------------------------------------- */

static void pending_unlink(ua_client *c, ua_pending *p)
{
    if (p->prev)
        p->prev->next = p->next;
    else
        c->pending = p->next;
    if (p->next)
        p->next->prev = p->prev;
    p->next = p->prev = NULL;
}

static void pending_push(ua_client *c, ua_pending *p)
{
    p->prev = NULL;
    p->next = c->pending;
    if (c->pending)
        c->pending->prev = p;
    c->pending = p;
}

static void pending_free(ua_pending *p)
{
    if (p->request_copy)
        ua_delete(p->request_copy, p->req_type);
    free(p);
}

/* Completes p: unlinks, calls back, frees. */
static void pending_finish(ua_client *c, ua_pending *p, ua_status st, void *resp)
{
    pending_unlink(c, p);
    if (p->cb)
        p->cb(c, st, resp, p->ud);
    pending_free(p);
}

static bool is_connection_error(ua_status st)
{
    return st == UA_STATUS_BADCONNECTIONCLOSED || st == UA_STATUS_BADSECURECHANNELCLOSED ||
           st == UA_STATUS_BADNOTCONNECTED || st == UA_STATUS_BADSERVERNOTCONNECTED;
}

/* Fails every request on the wire; idempotent ones with retries left wait
 * for the reconnect instead. */
static void fail_in_flight(ua_client *c, ua_status st, bool allow_retry)
{
    /* A callback may finish other requests (ua_client_delete): after each
     * one, start again from the head instead of trusting a saved next. */
    for (;;) {
        ua_pending *p = c->pending;
        while (p && !p->sent)
            p = p->next;
        if (!p)
            return;
        if (allow_retry && p->retries > 0 && p->request_copy && c->cfg.auto_reconnect) {
            p->retries--;
            p->sent = false; /* resent once connected again */
        } else {
            pending_finish(c, p, st, NULL);
        }
    }
}

static void fail_all(ua_client *c, ua_status st)
{
    while (c->pending)
        pending_finish(c, c->pending, st, NULL);
}

static void on_deadline(uv_timer_t *t)
{
    ua_client *c = t->data;
    uint64_t now = uv_now(c->loop);
    /* Part 4 5.6: a lost response does not break the session; a late one
     * is dropped because its id is no longer pending. A callback may finish
     * other requests (ua_client_delete): rescan from the head each time. */
    for (;;) {
        ua_pending *p = c->pending;
        while (p && p->deadline > now)
            p = p->next;
        if (!p)
            break;
        pending_finish(c, p, UA_STATUS_BADTIMEOUT, NULL);
    }
    arm_deadline_timer(c);
}

static void arm_deadline_timer(ua_client *c)
{
    if (c->deleted)
        return;
    uint64_t earliest = UINT64_MAX;
    for (ua_pending *p = c->pending; p; p = p->next)
        if (p->deadline < earliest)
            earliest = p->deadline;
    if (earliest == UINT64_MAX) {
        uv_timer_stop(&c->deadline_timer);
        return;
    }
    uint64_t now = uv_now(c->loop);
    uv_timer_start(&c->deadline_timer, on_deadline, earliest > now ? earliest - now : 0, 0);
}

static void fill_header(ua_client *c, ua_RequestHeader *h, uint32_t handle, uint32_t timeout_ms)
{
    h->authenticationToken = c->auth_token; /* borrowed for the encode */
    h->timestamp = ua_datetime_now();
    h->requestHandle = handle;
    h->returnDiagnostics = 0;
    h->timeoutHint = timeout_ms;
}

/* Encodes and sends p's request (p->request points at the caller's or the
 * retained copy). */
static ua_status send_pending(ua_client *c, ua_pending *p, void *request)
{
    ua_RequestHeader *h = request; /* every request starts with its header */
    ua_RequestHeader saved = *h;
    fill_header(c, h, p->handle, p->timeout_ms);
    ua_status st = ua_channel_send(c->channel, request, p->req_type, &p->request_id);
    *h = saved;
    if (st == UA_STATUS_GOOD)
        p->sent = true;
    return st;
}

static ua_status submit(ua_client *c, const void *request, const ua_type *req_type,
                        const ua_type *resp_type, uint32_t retries, uint32_t timeout_ms,
                        bool internal, ua_service_cb cb, void *ud)
{
    if (c->deleted || !c->channel || !ua_channel_is_open(c->channel))
        return UA_STATUS_BADNOTCONNECTED;
    if (!internal && c->state != UA_CLIENT_CONNECTED)
        return UA_STATUS_BADNOTCONNECTED;
    ua_pending *p = calloc(1, sizeof(*p));
    if (!p)
        return UA_STATUS_BADOUTOFMEMORY;
    p->req_type = req_type;
    p->resp_type = resp_type;
    p->cb = cb;
    p->ud = ud;
    p->handle = c->next_handle++;
    p->retries = retries;
    p->timeout_ms = timeout_ms ? timeout_ms : c->cfg.timeout_ms;
    p->deadline = uv_now(c->loop) + p->timeout_ms;
    if (retries > 0) {
        p->request_copy = ua_new(req_type);
        if (!p->request_copy || ua_copy(request, p->request_copy, req_type) != UA_STATUS_GOOD) {
            pending_free(p);
            return UA_STATUS_BADOUTOFMEMORY;
        }
    }
    ua_status st = send_pending(c, p, (void *)(uintptr_t)request);
    if (st != UA_STATUS_GOOD) {
        pending_free(p);
        return st;
    }
    pending_push(c, p);
    arm_deadline_timer(c);
    return UA_STATUS_GOOD;
}

ua_status ua_client_service(ua_client *c, const void *request, const ua_type *req_type,
                            const ua_type *resp_type, uint32_t retries, ua_service_cb cb, void *ud)
{
    return submit(c, request, req_type, resp_type, retries, 0, false, cb, ud);
}

ua_status ua_client_service_timeout(ua_client *c, const void *request, const ua_type *req_type,
                                    const ua_type *resp_type, uint32_t retries, uint32_t timeout_ms,
                                    ua_service_cb cb, void *ud)
{
    return submit(c, request, req_type, resp_type, retries, timeout_ms, false, cb, ud);
}

/* Resends the requests that waited for the reconnect. */
static void resend_waiting(ua_client *c)
{
    for (ua_pending *p = c->pending; p; p = p->next) {
        if (p->sent || !p->request_copy)
            continue;
        ua_status st = send_pending(c, p, p->request_copy);
        if (st != UA_STATUS_GOOD)
            p->deadline = 0; /* fails at the next timer tick */
    }
    arm_deadline_timer(c);
}

static void channel_on_message(void *ud, uint32_t request_id, ua_status st, const uint8_t *body,
                               size_t len)
{
    ua_client *c = ud;
    ua_pending *p = c->pending;
    while (p && !(p->sent && p->request_id == request_id))
        p = p->next;
    if (!p) {
        log_debug("response for request %u that is no longer pending", (unsigned)request_id);
        return;
    }
    if (st != UA_STATUS_GOOD) {
        pending_finish(c, p, st, NULL);
        arm_deadline_timer(c);
        return;
    }
    size_t pos = 0;
    ua_NodeId type_id;
    ua_status st_session;
    st = ua_decode(body, len, &pos, &type_id, UA_BUILTIN(UA_KIND_NODEID), NULL);
    void *resp = NULL;
    if (st == UA_STATUS_GOOD &&
        ua_nodeid_equal(&type_id, &UA_TYPE_SERVICEFAULT->binary_encoding_id)) {
        ua_ServiceFault fault;
        st = ua_decode(body, len, &pos, &fault, UA_TYPE_SERVICEFAULT, NULL);
        if (st == UA_STATUS_GOOD) {
            st = fault.responseHeader.serviceResult;
            if (!UA_STATUS_IS_BAD(st))
                st = UA_STATUS_BADUNEXPECTEDERROR;
        }
        ua_clear(&fault, UA_TYPE_SERVICEFAULT);
    } else if (st == UA_STATUS_GOOD) {
        if (!ua_nodeid_equal(&type_id, &p->resp_type->binary_encoding_id)) {
            st = UA_STATUS_BADUNKNOWNRESPONSE;
        } else {
            resp = ua_new(p->resp_type);
            st = resp ? ua_decode(body, len, &pos, resp, p->resp_type, &c->decode_opts)
                      : UA_STATUS_BADOUTOFMEMORY;
            if (st != UA_STATUS_GOOD) {
                log_warning("cannot decode %s from the server: %s", p->resp_type->name,
                            ua_status_name(st));
                free(resp);
                resp = NULL;
            }
        }
    }
    ua_clear(&type_id, UA_BUILTIN(UA_KIND_NODEID));
    if (resp && st == UA_STATUS_GOOD)
        st_session = ((const ua_ResponseHeader *)resp)->serviceResult;
    else
        st_session = st;
    const ua_type *resp_type = p->resp_type;
    bool deleted_before = c->deleted;
    pending_finish(c, p, st, resp);
    if (resp)
        ua_delete(resp, resp_type);
    if (deleted_before || c->deleted)
        return;
    arm_deadline_timer(c);
    if ((st_session == UA_STATUS_BADSESSIONIDINVALID || st_session == UA_STATUS_BADSESSIONCLOSED) &&
        c->state == UA_CLIENT_CONNECTED && c->channel) {
        /* The server dropped our session (timeout, restart of its session
         * layer): reconnect, which creates a new one, instead of failing
         * every request until the next keep-alive. */
        log_warning("server %s no longer knows session %s: recovering", c->url,
                    ua_status_name(st_session));
        clear_session(c);
        ua_channel_close(c->channel);
    }
}

ua_status ua_client_submit_internal(ua_client *c, const void *request, const ua_type *req_type,
                                    const ua_type *resp_type, ua_service_cb cb, void *ud)
{
    return submit(c, request, req_type, resp_type, 0, 0, true, cb, ud);
}

/* ---- session establishment ----------------------------------------------- */

/* The socket source need not answer any more (Reverse Connect). */
static void forget_socket(ua_client *c)
{
    if (!c->wanting_socket)
        return;
    c->wanting_socket = false;
    if (c->cfg.socket_source.cancel)
        c->cfg.socket_source.cancel(c->cfg.socket_source.ud, c);
}

/* Ends a connect attempt: the first connect reports to its callback; a
 * reconnect tries again later. */
static void connect_failed(ua_client *c, ua_status st)
{
    /* Failing the in-flight CreateSession/ActivateSession calls back into
     * here: the first reason is the one reported, and only once. */
    if (c->connect_failing)
        return;
    c->connect_failing = true;
    forget_socket(c);
    if (c->channel) {
        ua_channel *ch = c->channel;
        c->channel = NULL;
        ua_channel_delete(ch);
    }
    fail_in_flight(c, UA_STATUS_BADCONNECTIONCLOSED, true);
    c->connect_failing = false;
    if (st == UA_STATUS_BADSECURITYCHECKSFAILED || st == UA_STATUS_BADCERTIFICATEINVALID ||
        st == UA_STATUS_BADAPPLICATIONSIGNATUREINVALID)
        /* The server may have a new certificate: ask for it again. */
        ua_clear(&c->endpoint_cert, UA_BUILTIN(UA_KIND_BYTESTRING));
    if (c->reconnecting) {
        log_debug("reconnect to %s failed: %s", c->url, ua_status_name(st));
        schedule_reconnect(c);
        return;
    }
    set_state(c, UA_CLIENT_DISCONNECTED, st);
    ua_client_done_cb cb = c->connect_cb;
    c->connect_cb = NULL;
    if (cb)
        cb(c, st, c->connect_ud);
}

static void on_keepalive_timer(uv_timer_t *t);

static uint32_t keepalive_interval(const ua_client *c)
{
    if (c->cfg.keepalive_ms)
        return c->cfg.keepalive_ms;
    double t = c->revised_session_timeout / 3;
    if (t < 1000)
        t = 1000;
    if (t > 60000)
        t = 60000;
    return (uint32_t)t;
}

static void finish_reconnect_request(ua_client *c, ua_status st)
{
    ua_client_done_cb cb = c->reconnect_cb;
    c->reconnect_cb = NULL;
    if (cb)
        cb(c, st, c->reconnect_ud);
}

static void connected(ua_client *c)
{
    bool was_reconnect = c->reconnecting;
    c->reconnecting = false;
    c->backoff_ms = 0;
    uv_timer_start(&c->keepalive_timer, on_keepalive_timer, keepalive_interval(c),
                   keepalive_interval(c));
    set_state(c, UA_CLIENT_CONNECTED, UA_STATUS_GOOD);
    resend_waiting(c);
    if (was_reconnect)
        finish_reconnect_request(c, UA_STATUS_GOOD);
    if (!was_reconnect) {
        ua_client_done_cb cb = c->connect_cb;
        c->connect_cb = NULL;
        if (cb)
            cb(c, UA_STATUS_GOOD, c->connect_ud);
    }
}

static uint32_t u32_value(const ua_DataValue *dv)
{
    if (!dv->has_value || (dv->has_status && UA_STATUS_IS_BAD(dv->status)) || !dv->value.type ||
        dv->value.is_array)
        return 0;
    switch (dv->value.type->kind) {
    case UA_KIND_UINT32:
        return *(uint32_t *)dv->value.data;
    case UA_KIND_UINT16:
        return *(uint16_t *)dv->value.data;
    case UA_KIND_INT32: {
        int32_t v = *(int32_t *)dv->value.data;
        return v > 0 ? (uint32_t)v : 0;
    }
    default:
        return 0;
    }
}

static const uint32_t limit_nodes[] = {
    UA_NS0_SERVER_SERVERCAPABILITIES_OPERATIONLIMITS_MAXNODESPERREAD,
    UA_NS0_SERVER_SERVERCAPABILITIES_OPERATIONLIMITS_MAXNODESPERWRITE,
    UA_NS0_SERVER_SERVERCAPABILITIES_OPERATIONLIMITS_MAXNODESPERBROWSE,
    UA_NS0_SERVER_SERVERCAPABILITIES_OPERATIONLIMITS_MAXNODESPERMETHODCALL,
    UA_NS0_SERVER_SERVERCAPABILITIES_OPERATIONLIMITS_MAXNODESPERTRANSLATEBROWSEPATHSTONODEIDS,
    UA_NS0_SERVER_SERVERCAPABILITIES_OPERATIONLIMITS_MAXNODESPERREGISTERNODES,
    UA_NS0_SERVER_SERVERCAPABILITIES_OPERATIONLIMITS_MAXMONITOREDITEMSPERCALL,
};
#define LIMIT_COUNT (sizeof(limit_nodes) / sizeof(limit_nodes[0]))

static bool same_namespaces(const ua_String *a, size_t an, const ua_String *b, size_t bn)
{
    if (an != bn)
        return false;
    for (size_t i = 0; i < an; i++)
        if (!ua_string_equal(&a[i], &b[i]))
            return false;
    return true;
}

/* Keeps the NamespaceArray just read; tells the observer when a reconnect
 * found it changed. False when the observer deleted the client. */
static bool take_namespaces(ua_client *c, const ua_DataValue *dv)
{
    ua_String *arr = NULL;
    if (!dv->has_value || (dv->has_status && UA_STATUS_IS_BAD(dv->status)) || !dv->value.type ||
        dv->value.type->kind != UA_KIND_STRING || !dv->value.is_array ||
        ua_array_copy(dv->value.data, dv->value.array_length, (void **)&arr,
                      UA_BUILTIN(UA_KIND_STRING)) != UA_STATUS_GOOD) {
        log_debug("server %s: NamespaceArray not readable", c->url);
        return true; /* keep what we had */
    }
    ua_String *old = c->namespaces;
    size_t old_n = c->namespaces_size;
    c->namespaces = arr;
    c->namespaces_size = dv->value.array_length;
    bool changed = old && !same_namespaces(old, old_n, arr, c->namespaces_size);
    if (changed && c->namespaces_cb)
        c->namespaces_cb(c, old, old_n, c->namespaces_ud);
    ua_array_delete(old, old_n, UA_BUILTIN(UA_KIND_STRING));
    return !c->deleted;
}

/* ud: non-NULL when the OperationLimits were asked for (they come first);
 * the NamespaceArray, when asked for, is the last result. */
static void on_limits(ua_client *c, ua_status st, void *resp, void *ud)
{
    const ua_ReadResponse *r = resp;
    size_t first_ns = ud ? LIMIT_COUNT : 0;
    size_t want = first_ns + (c->cfg.read_namespaces ? 1 : 0);
    if (st == UA_STATUS_GOOD && r && r->resultsSize == want) {
        if (ud) {
            uint32_t *dst[LIMIT_COUNT] = {
                &c->limits.max_nodes_per_read,           &c->limits.max_nodes_per_write,
                &c->limits.max_nodes_per_browse,         &c->limits.max_nodes_per_method_call,
                &c->limits.max_nodes_per_translate,      &c->limits.max_nodes_per_register,
                &c->limits.max_monitored_items_per_call,
            };
            for (size_t i = 0; i < LIMIT_COUNT; i++)
                *dst[i] = u32_value(&r->results[i]);
            c->limits.known = true;
            log_debug("server %s limits: read %u, write %u, browse %u", c->url,
                      (unsigned)c->limits.max_nodes_per_read,
                      (unsigned)c->limits.max_nodes_per_write,
                      (unsigned)c->limits.max_nodes_per_browse);
        }
        if (c->cfg.read_namespaces && !take_namespaces(c, &r->results[first_ns]))
            return;
    } else if (is_connection_error(st)) {
        return; /* the channel callback handles it */
    } else {
        /* Servers without the nodes still work: no limits then. */
        log_debug("server %s: OperationLimits / NamespaceArray not readable (%s)", c->url,
                  ua_status_name(st));
    }
    connected(c);
}

/* After every activation: the OperationLimits once per connect, the
 * NamespaceArray each time (a restarted server may order it differently). */
static void read_limits(ua_client *c)
{
    bool limits = c->cfg.read_server_limits && !c->limits.known;
    if (!limits && !c->cfg.read_namespaces) {
        connected(c);
        return;
    }
    ua_ReadValueId ids[LIMIT_COUNT + 1];
    size_t n = 0;
    for (size_t i = 0; limits && i < LIMIT_COUNT; i++) {
        ua_init(&ids[n], UA_TYPE_READVALUEID);
        ids[n].nodeId = ua_nodeid_numeric(0, limit_nodes[i]);
        ids[n++].attributeId = UA_ATTRIBUTEID_VALUE;
    }
    if (c->cfg.read_namespaces) {
        ua_init(&ids[n], UA_TYPE_READVALUEID);
        ids[n].nodeId = ua_nodeid_numeric(0, UA_NS0_SERVER_NAMESPACEARRAY);
        ids[n++].attributeId = UA_ATTRIBUTEID_VALUE;
    }
    ua_ReadRequest req;
    ua_init(&req, UA_TYPE_READREQUEST);
    req.nodesToRead = ids;
    req.nodesToReadSize = n;
    req.timestampsToReturn = UA_TIMESTAMPSTORETURN_NEITHER;
    ua_status st = ua_client_submit_internal(c, &req, UA_TYPE_READREQUEST, UA_TYPE_READRESPONSE,
                                             on_limits, limits ? (void *)limit_nodes : NULL);
    if (st != UA_STATUS_GOOD)
        connect_failed(c, st);
}

/* Finds the user token policy of the given type among the endpoints the
 * server returned, preferring the endpoint of our security policy and mode
 * (servers check the policyId against the endpoint the channel uses). */
static const ua_UserTokenPolicy *find_token_policy(const ua_CreateSessionResponse *r,
                                                   const char *channel_policy, int32_t mode,
                                                   int32_t type)
{
    const ua_UserTokenPolicy *any = NULL;
    for (size_t i = 0; i < r->serverEndpointsSize; i++) {
        const ua_EndpointDescription *e = &r->serverEndpoints[i];
        bool ours =
            ua_string_equal_cstr(&e->securityPolicyUri, channel_policy) && e->securityMode == mode;
        for (size_t k = 0; k < e->userIdentityTokensSize; k++) {
            if (e->userIdentityTokens[k].tokenType != type)
                continue;
            if (ours)
                return &e->userIdentityTokens[k];
            if (!any)
                any = &e->userIdentityTokens[k];
        }
    }
    return any;
}

static void on_activated(ua_client *c, ua_status st, void *resp, void *ud);

/* The security policy of a user token: its own, else the channel's. */
static const char *token_security(const ua_client *c, const ua_UserTokenPolicy *policy)
{
    if (policy->securityPolicyUri.length)
        return (const char *)policy->securityPolicyUri.data;
    return c->cfg.channel.policy ? c->cfg.channel.policy->uri : UA_POLICY_NONE;
}

/* Part 4 7.36.5: an X509IdentityToken and, as userTokenSignature, the
 * user key's signature over serverCertificate + serverNonce. */
static ua_status make_x509_identity(ua_client *c, const ua_UserTokenPolicy *policy,
                                    ua_ExtensionObject *out, ua_SignatureData *sig)
{
    const ua_policy *p = ua_policy_find(token_security(c, policy));
    if (!p) {
        log_warning("server %s: X.509 user token policy without a usable security policy", c->url);
        return UA_STATUS_BADIDENTITYTOKENINVALID;
    }
    if (!c->cfg.user_key)
        return UA_STATUS_BADCONFIGURATIONERROR;
    ua_X509IdentityToken tok;
    tok.policyId = policy->policyId;
    tok.certificateData = c->cfg.user_cert_der;
    ua_status st = ua_extobj_set_copy(out, &tok, UA_TYPE_X509IDENTITYTOKEN);
    if (st == UA_STATUS_GOOD)
        st = ua_policy_sign(p, c->cfg.user_key, &c->server_certificate, &c->server_nonce,
                            &sig->signature);
    if (st == UA_STATUS_GOOD)
        sig->algorithm = ua_string_borrow(p->asym_sig_uri);
    return st;
}

/* Builds the identity token; the password is encrypted as the token
 * policy demands (Part 4 7.36.4), even on a None channel. */
static ua_status make_identity(ua_client *c, const ua_UserTokenPolicy *policy,
                               ua_ExtensionObject *out, ua_SignatureData *sig)
{
    if (c->cfg.user_cert_der.data)
        return make_x509_identity(c, policy, out, sig);
    if (!c->cfg.username) {
        ua_AnonymousIdentityToken anon;
        anon.policyId = policy->policyId;
        return ua_extobj_set_copy(out, &anon, UA_TYPE_ANONYMOUSIDENTITYTOKEN);
    }
    ua_UserNameIdentityToken tok;
    ua_init(&tok, UA_TYPE_USERNAMEIDENTITYTOKEN);
    tok.policyId = policy->policyId;
    tok.userName = ua_string_borrow(c->cfg.username);
    const char *sec = token_security(c, policy);
    ua_ByteString secret = ua_string_borrow(c->cfg.password ? c->cfg.password : "");
    ua_status st;
    if (strcmp(sec, UA_POLICY_NONE) == 0) {
        log_warning("server %s takes the password of '%s' in clear text (token policy None)",
                    c->url, c->cfg.username);
        tok.password = secret;
        st = ua_extobj_set_copy(out, &tok, UA_TYPE_USERNAMEIDENTITYTOKEN);
    } else {
        const char *alg = NULL;
        st = ua_crypto_encrypt_secret(sec, &c->server_certificate, &secret, &c->server_nonce,
                                      &tok.password, &alg);
        if (st == UA_STATUS_GOOD) {
            tok.encryptionAlgorithm = ua_string_borrow(alg);
            st = ua_extobj_set_copy(out, &tok, UA_TYPE_USERNAMEIDENTITYTOKEN);
        }
        ua_clear(&tok.password, UA_BUILTIN(UA_KIND_BYTESTRING));
    }
    return st;
}

static ua_status activate(ua_client *c, const ua_UserTokenPolicy *policy)
{
    ua_ActivateSessionRequest req;
    ua_init(&req, UA_TYPE_ACTIVATESESSIONREQUEST);
    ua_status st = UA_STATUS_GOOD;
    if (c->policy) {
        /* Part 4 5.6.3: prove we hold the key of the certificate we sent,
         * bound to the server's certificate and latest nonce. */
        st = ua_policy_sign(c->policy, c->cfg.client_key, &c->server_certificate, &c->server_nonce,
                            &req.clientSignature.signature);
        req.clientSignature.algorithm = ua_string_borrow(c->policy->asym_sig_uri);
    }
    if (st == UA_STATUS_GOOD)
        st = make_identity(c, policy, &req.userIdentityToken, &req.userTokenSignature);
    if (st == UA_STATUS_GOOD)
        st = ua_client_submit_internal(c, &req, UA_TYPE_ACTIVATESESSIONREQUEST,
                                       UA_TYPE_ACTIVATESESSIONRESPONSE, on_activated, NULL);
    ua_clear(&req.userIdentityToken, UA_BUILTIN(UA_KIND_EXTENSIONOBJECT));
    ua_clear(&req.clientSignature.signature, UA_BUILTIN(UA_KIND_BYTESTRING));
    ua_clear(&req.userTokenSignature.signature, UA_BUILTIN(UA_KIND_BYTESTRING));
    return st;
}

static void clear_session(ua_client *c)
{
    ua_clear(&c->session_id, UA_BUILTIN(UA_KIND_NODEID));
    ua_clear(&c->auth_token, UA_BUILTIN(UA_KIND_NODEID));
    ua_clear(&c->server_nonce, UA_BUILTIN(UA_KIND_BYTESTRING));
    c->session_active = false;
}

/* Part 4 5.6.2: on a secured channel the server proves it holds the key
 * of the endpoint's certificate by signing our certificate + nonce. */
static ua_status check_server_signature(ua_client *c, const ua_CreateSessionResponse *r)
{
    if (!c->policy)
        return UA_STATUS_GOOD;
    uint8_t a[20], b[20];
    if (ua_crypto_thumbprint(&r->serverCertificate, a) != UA_STATUS_GOOD ||
        ua_crypto_thumbprint(&c->endpoint_cert, b) != UA_STATUS_GOOD || memcmp(a, b, 20) != 0) {
        log_warning("server %s: CreateSession certificate differs from its endpoint's", c->url);
        return UA_STATUS_BADCERTIFICATEINVALID;
    }
    if (!r->serverNonce.data || r->serverNonce.length < 32 ||
        r->serverNonce.length > UA_CRYPTO_MAX_NONCE)
        return UA_STATUS_BADNONCEINVALID;
    ua_ByteString nonce = {sizeof(c->client_nonce), c->client_nonce};
    ua_status st = UA_STATUS_BADAPPLICATIONSIGNATUREINVALID;
    if (ua_string_equal_cstr(&r->serverSignature.algorithm, c->policy->asym_sig_uri))
        st = ua_policy_verify(c->policy, &r->serverCertificate, &c->cfg.client_cert_der, &nonce,
                              &r->serverSignature.signature);
    if (st != UA_STATUS_GOOD)
        log_warning("server %s: CreateSession signature does not verify (%s)", c->url,
                    ua_status_name(st));
    return st == UA_STATUS_GOOD ? st : UA_STATUS_BADAPPLICATIONSIGNATUREINVALID;
}

static void on_session_created(ua_client *c, ua_status st, void *resp, void *ud)
{
    (void)ud;
    ua_CreateSessionResponse *r = resp;
    if (st == UA_STATUS_GOOD && r && UA_STATUS_IS_BAD(r->responseHeader.serviceResult))
        st = r->responseHeader.serviceResult;
    if (st != UA_STATUS_GOOD || !r) {
        log_warning("CreateSession on %s failed: %s", c->url, ua_status_name(st));
        connect_failed(c, st);
        return;
    }
    clear_session(c);
    ua_clear(&c->server_certificate, UA_BUILTIN(UA_KIND_BYTESTRING));
    ua_copy(&r->sessionId, &c->session_id, UA_BUILTIN(UA_KIND_NODEID));
    ua_copy(&r->authenticationToken, &c->auth_token, UA_BUILTIN(UA_KIND_NODEID));
    ua_copy(&r->serverNonce, &c->server_nonce, UA_BUILTIN(UA_KIND_BYTESTRING));
    ua_copy(&r->serverCertificate, &c->server_certificate, UA_BUILTIN(UA_KIND_BYTESTRING));
    c->revised_session_timeout = r->revisedSessionTimeout;
    st = check_server_signature(c, r);
    if (st != UA_STATUS_GOOD) {
        connect_failed(c, st);
        return;
    }
    const char *chan_policy = c->cfg.channel.policy ? c->cfg.channel.policy->uri : UA_POLICY_NONE;
    int32_t want = c->cfg.user_cert_der.data ? UA_USERTOKENTYPE_CERTIFICATE
                   : c->cfg.username         ? UA_USERTOKENTYPE_USERNAME
                                             : UA_USERTOKENTYPE_ANONYMOUS;
    const ua_UserTokenPolicy *policy =
        find_token_policy(r, chan_policy, c->cfg.channel.security_mode, want);
    if (!policy) {
        log_warning("server %s offers no %s login", c->url,
                    want == UA_USERTOKENTYPE_CERTIFICATE ? "X.509 certificate"
                    : want == UA_USERTOKENTYPE_USERNAME  ? "username/password"
                                                         : "anonymous");
        connect_failed(c, UA_STATUS_BADIDENTITYTOKENINVALID);
        return;
    }
    /* Keep the policy for re-activation after a reconnect. */
    ua_clear(&c->token_policy, UA_TYPE_USERTOKENPOLICY);
    ua_copy(policy, &c->token_policy, UA_TYPE_USERTOKENPOLICY);
    st = activate(c, policy);
    if (st != UA_STATUS_GOOD)
        connect_failed(c, st);
}

static void on_activated(ua_client *c, ua_status st, void *resp, void *ud)
{
    (void)ud;
    ua_ActivateSessionResponse *r = resp;
    if (st == UA_STATUS_GOOD && r && UA_STATUS_IS_BAD(r->responseHeader.serviceResult))
        st = r->responseHeader.serviceResult;
    if (st == UA_STATUS_GOOD && r) {
        ua_clear(&c->server_nonce, UA_BUILTIN(UA_KIND_BYTESTRING));
        ua_copy(&r->serverNonce, &c->server_nonce, UA_BUILTIN(UA_KIND_BYTESTRING));
        bool recreated = !c->session_active && c->reconnecting;
        bool reactivated = c->session_active && c->reconnecting;
        c->session_active = true;
        if (c->reconnecting) {
            c->reconnects++;
            log_info("reconnected to %s (%s session)", c->url,
                     reactivated ? "re-activated" : "new");
            if (c->session_cb)
                c->session_cb(c, recreated, c->session_ud);
            if (c->deleted)
                return;
        }
        read_limits(c);
        return;
    }
    if (c->reconnecting && c->session_active && !is_connection_error(st)) {
        /* The server forgot the session (restart, timeout): create anew. */
        log_info("session on %s is gone (%s): creating a new one", c->url, ua_status_name(st));
        clear_session(c);
        start_session(c);
        return;
    }
    log_warning("ActivateSession on %s failed: %s", c->url, ua_status_name(st));
    connect_failed(c, st);
}

static void start_session(ua_client *c)
{
    ua_CreateSessionRequest req;
    ua_init(&req, UA_TYPE_CREATESESSIONREQUEST);
    req.clientDescription.applicationUri = ua_string_borrow(c->cfg.application_uri);
    req.clientDescription.productUri = ua_string_borrow("urn:opcua-session-manager");
    req.clientDescription.applicationName.text = ua_string_borrow(c->cfg.application_name);
    req.clientDescription.applicationType = UA_APPLICATIONTYPE_CLIENT;
    req.endpointUrl = ua_string_borrow(c->url);
    req.sessionName = ua_string_borrow(c->cfg.session_name);
    ua_status st = ua_crypto_random(c->client_nonce, sizeof(c->client_nonce));
    if (st != UA_STATUS_GOOD) {
        connect_failed(c, st);
        return;
    }
    req.clientNonce.data = c->client_nonce;
    req.clientNonce.length = sizeof(c->client_nonce);
    if (c->cfg.client_cert_der.data)
        req.clientCertificate = c->cfg.client_cert_der; /* borrowed for the encode */
    req.requestedSessionTimeout = c->cfg.session_timeout_ms;
    req.maxResponseMessageSize = c->cfg.channel.max_message_size;
    st = ua_client_submit_internal(c, &req, UA_TYPE_CREATESESSIONREQUEST,
                                   UA_TYPE_CREATESESSIONRESPONSE, on_session_created, NULL);
    if (st != UA_STATUS_GOOD)
        connect_failed(c, st);
}

static const char *mode_name(int32_t mode)
{
    switch (mode) {
    case UA_MESSAGESECURITYMODE_NONE:
        return "None";
    case UA_MESSAGESECURITYMODE_SIGN:
        return "Sign";
    case UA_MESSAGESECURITYMODE_SIGNANDENCRYPT:
        return "SignAndEncrypt";
    default:
        return "Invalid";
    }
}

/* Keeps the certificate of the endpoint we chose for the secured channel,
 * once the application's check accepts it. */
static ua_status accept_endpoint_cert(ua_client *c, const ua_ByteString *cert)
{
    uint8_t thumb[20];
    if (ua_crypto_thumbprint(cert, thumb) != UA_STATUS_GOOD) {
        log_warning("server %s: endpoint without a usable certificate", c->url);
        return UA_STATUS_BADCERTIFICATEINVALID;
    }
    if (c->cfg.verify_server_cert) {
        char msg[256] = "";
        ua_status st = c->cfg.verify_server_cert(c->cfg.verify_ud, cert, c->url, msg, sizeof(msg));
        if (st != UA_STATUS_GOOD) {
            msg[sizeof(msg) - 1] = 0;
            log_warning("server %s: certificate refused: %s%s%s", c->url, ua_status_name(st),
                        msg[0] ? ": " : "", msg);
            return UA_STATUS_IS_BAD(st) ? st : UA_STATUS_BADCERTIFICATEUNTRUSTED;
        }
    }
    ua_clear(&c->endpoint_cert, UA_BUILTIN(UA_KIND_BYTESTRING));
    return ua_copy(cert, &c->endpoint_cert, UA_BUILTIN(UA_KIND_BYTESTRING));
}

/* Part 4 5.4.4: the endpoint we use must be one the server offers with our
 * security policy and mode over UA-TCP. */
static void on_endpoints(ua_client *c, ua_status st, void *resp, void *ud)
{
    (void)ud;
    const ua_GetEndpointsResponse *r = resp;
    if (st == UA_STATUS_GOOD && r && UA_STATUS_IS_BAD(r->responseHeader.serviceResult))
        st = r->responseHeader.serviceResult;
    if (st != UA_STATUS_GOOD || !r) {
        log_warning("GetEndpoints on %s failed: %s", c->url, ua_status_name(st));
        connect_failed(c, st);
        return;
    }
    const char *policy = c->cfg.channel.policy ? c->cfg.channel.policy->uri : UA_POLICY_NONE;
    const ua_EndpointDescription *found = NULL;
    for (size_t i = 0; i < r->endpointsSize && !found; i++) {
        const ua_EndpointDescription *e = &r->endpoints[i];
        bool tcp = e->transportProfileUri.length == 0 ||
                   ua_string_equal_cstr(&e->transportProfileUri,
                                        "http://opcfoundation.org/UA-Profile/Transport/"
                                        "uatcp-uasc-uabinary");
        if (tcp && e->securityMode == c->cfg.channel.security_mode &&
            ua_string_equal_cstr(&e->securityPolicyUri, policy))
            found = e;
    }
    if (!found) {
        char offered[1024] = "";
        size_t o = 0;
        for (size_t i = 0; i < r->endpointsSize && o < sizeof(offered) - 1; i++) {
            const ua_String *u = &r->endpoints[i].securityPolicyUri;
            const char *hash = u->data ? strrchr((const char *)u->data, '#') : NULL;
            int n = snprintf(offered + o, sizeof(offered) - o, "%s%s/%s", i ? ", " : "",
                             hash ? hash + 1 : "?", mode_name(r->endpoints[i].securityMode));
            if (n < 0)
                break;
            o += (size_t)n;
        }
        log_warning("server %s has no endpoint with security policy %s and mode %s (it offers: "
                    "%s)",
                    c->url, policy, mode_name(c->cfg.channel.security_mode), offered);
        connect_failed(c, UA_STATUS_BADSECURITYPOLICYREJECTED);
        return;
    }
    ua_clear(&c->server_certificate, UA_BUILTIN(UA_KIND_BYTESTRING));
    ua_copy(&found->serverCertificate, &c->server_certificate, UA_BUILTIN(UA_KIND_BYTESTRING));
    if (!c->discovery) {
        start_session(c);
        return;
    }
    st = accept_endpoint_cert(c, &found->serverCertificate);
    if (st != UA_STATUS_GOOD) {
        connect_failed(c, st);
        return;
    }
    /* channel_on_closed opens the secured channel once this one is gone. */
    ua_channel_close(c->channel);
}

static void channel_on_open(void *ud, ua_status st)
{
    ua_client *c = ud;
    if (st != UA_STATUS_GOOD)
        return; /* on_closed follows and handles it */
    if (!c->discovery && c->reconnecting && c->session_active) {
        /* Part 4 5.6.3: re-activate the existing session on the new channel. */
        st = activate(c, &c->token_policy);
        if (st != UA_STATUS_GOOD)
            connect_failed(c, st);
        return;
    }
    if (c->discovery || (!c->reconnecting && c->cfg.discover_endpoints && !c->policy)) {
        ua_GetEndpointsRequest req;
        ua_init(&req, UA_TYPE_GETENDPOINTSREQUEST);
        req.endpointUrl = ua_string_borrow(c->url);
        st = ua_client_submit_internal(c, &req, UA_TYPE_GETENDPOINTSREQUEST,
                                       UA_TYPE_GETENDPOINTSRESPONSE, on_endpoints, NULL);
        if (st != UA_STATUS_GOOD)
            connect_failed(c, st);
        return;
    }
    start_session(c);
}

static void channel_on_closed(void *ud, ua_status reason)
{
    ua_client *c = ud;
    ua_channel *ch = c->channel;
    c->channel = NULL;
    ua_channel_delete(ch);
    uv_timer_stop(&c->keepalive_timer);
    if (c->discovery && reason == UA_STATUS_GOOD && c->endpoint_cert.data && !c->disconnecting &&
        !c->deleted) {
        /* GetEndpoints is done and its None channel closed: now the
         * secured one. */
        ua_status st = open_channel(c);
        if (st != UA_STATUS_GOOD)
            connect_failed(c, st);
        return;
    }
    if (c->disconnecting) {
        if (c->closing_channel) {
            uv_timer_stop(&c->reconnect_timer);
            disconnect_done(c);
        } else {
            /* CloseSession still pending: failing it finishes the disconnect. */
            fail_all(c, UA_STATUS_BADCONNECTIONCLOSED);
        }
        return;
    }
    ua_status why = reason == UA_STATUS_GOOD ? UA_STATUS_BADCONNECTIONCLOSED : reason;
    if (c->state == UA_CLIENT_CONNECTED) {
        log_warning("connection to %s lost: %s", c->url, ua_status_name(why));
        fail_in_flight(c, UA_STATUS_BADCONNECTIONCLOSED, true);
        if (c->cfg.auto_reconnect) {
            c->reconnecting = true;
            set_state(c, UA_CLIENT_BROKEN, why);
            schedule_reconnect(c);
        } else {
            fail_all(c, UA_STATUS_BADCONNECTIONCLOSED);
            set_state(c, UA_CLIENT_DISCONNECTED, why);
        }
        return;
    }
    connect_failed(c, why);
}

/* ---- reconnect ------------------------------------------------------------ */

static ua_status open_channel(ua_client *c)
{
    ua_channel_config cfg = c->cfg.channel;
    c->discovery = false;
    if (c->policy && !c->endpoint_cert.data) {
        /* Part 4 5.4.4: learn the server's certificate from GetEndpoints
         * on a None channel first. */
        cfg.policy = NULL;
        cfg.policy_ctx = NULL;
        cfg.security_mode = UA_MESSAGESECURITYMODE_NONE;
        c->discovery = true;
    } else if (c->policy) {
        cfg.local_cert = c->cfg.client_cert_der;
        cfg.local_key = c->cfg.client_key;
        cfg.remote_cert = c->endpoint_cert;
    }
    c->channel = ua_channel_new(c->loop, &cfg, &channel_cbs, c);
    if (!c->channel)
        return UA_STATUS_BADOUTOFMEMORY;
    if (c->cfg.socket_source.want) {
        /* Reverse Connect: never dial; wait for the server's connection. */
        c->wanting_socket = true;
        c->cfg.socket_source.want(c->cfg.socket_source.ud, c);
        return UA_STATUS_GOOD;
    }
    ua_status st = ua_channel_open(c->channel, c->url);
    if (st != UA_STATUS_GOOD) {
        ua_channel_delete(c->channel);
        c->channel = NULL;
    }
    return st;
}

void ua_client_take_socket(ua_client *c, ua_status st, const char *url, const ua_channel_socket *s)
{
    if (!c->wanting_socket || !c->channel || c->deleted) {
        if (s)
            close(s->fd);
        return;
    }
    c->wanting_socket = false;
    if (st == UA_STATUS_GOOD && s)
        st = ua_channel_open_socket(c->channel, url ? url : c->url, s);
    else if (s)
        close(s->fd);
    if (st == UA_STATUS_GOOD)
        return;
    if (c->reconnecting)
        log_debug("no connection from %s: %s", c->url, ua_status_name(st));
    connect_failed(c, UA_STATUS_IS_BAD(st) ? st : UA_STATUS_BADTIMEOUT);
}

static void on_reconnect_timer(uv_timer_t *t)
{
    ua_client *c = t->data;
    if (!c->reconnecting || c->channel)
        return;
    log_debug("reconnecting to %s", c->url);
    ua_status st = open_channel(c);
    if (st != UA_STATUS_GOOD)
        schedule_reconnect(c);
}

static void schedule_reconnect(ua_client *c)
{
    if (c->deleted || c->disconnecting)
        return;
    /* Exponential backoff with a cap. */
    uint32_t min = c->cfg.reconnect_min_ms ? c->cfg.reconnect_min_ms : 500;
    uint32_t max = c->cfg.reconnect_max_ms ? c->cfg.reconnect_max_ms : 30000;
    bool asked = c->reconnect_cb && c->backoff_ms == 0; /* ua_client_reconnect: at once */
    c->backoff_ms = c->backoff_ms ? c->backoff_ms * 2 : min;
    if (c->backoff_ms > max)
        c->backoff_ms = max;
    uv_timer_start(&c->reconnect_timer, on_reconnect_timer, asked ? 0 : c->backoff_ms, 0);
}

/* ---- keep-alive ------------------------------------------------------------ */

static void on_keepalive(ua_client *c, ua_status st, void *resp, void *ud)
{
    (void)ud;
    const ua_ReadResponse *r = resp;
    if (st == UA_STATUS_GOOD && r)
        st = r->responseHeader.serviceResult;
    if (st == UA_STATUS_GOOD || c->state != UA_CLIENT_CONNECTED)
        return;
    log_warning("keep-alive of %s failed: %s", c->url, ua_status_name(st));
    if (st == UA_STATUS_BADSESSIONIDINVALID || st == UA_STATUS_BADSESSIONCLOSED) {
        clear_session(c); /* the reconnect creates a new one */
    }
    if (c->channel)
        ua_channel_close(c->channel); /* -> channel_on_closed -> reconnect */
}

static void on_keepalive_timer(uv_timer_t *t)
{
    ua_client *c = t->data;
    if (c->state != UA_CLIENT_CONNECTED)
        return;
    /* Part 4 5.6.1: any request keeps the session; read ServerStatus.State. */
    ua_ReadValueId id;
    ua_init(&id, UA_TYPE_READVALUEID);
    id.nodeId = ua_nodeid_numeric(0, UA_NS0_SERVER_SERVERSTATUS_STATE);
    id.attributeId = UA_ATTRIBUTEID_VALUE;
    ua_ReadRequest req;
    ua_init(&req, UA_TYPE_READREQUEST);
    req.nodesToRead = &id;
    req.nodesToReadSize = 1;
    req.timestampsToReturn = UA_TIMESTAMPSTORETURN_NEITHER;
    ua_client_service(c, &req, UA_TYPE_READREQUEST, UA_TYPE_READRESPONSE, 0, on_keepalive, NULL);
}

/* ---- connect / disconnect / delete ------------------------------------- */

ua_status ua_client_connect(ua_client *c, const char *url, ua_client_done_cb cb, void *ud)
{
    if (c->state != UA_CLIENT_DISCONNECTED || c->disconnecting)
        return UA_STATUS_BADINVALIDSTATE;
    if (strlen(url) >= sizeof(c->url))
        return UA_STATUS_BADTCPENDPOINTURLINVALID;
    if (c->policy) {
        int32_t mode = c->cfg.channel.security_mode;
        if (mode != UA_MESSAGESECURITYMODE_SIGN && mode != UA_MESSAGESECURITYMODE_SIGNANDENCRYPT)
            return UA_STATUS_BADSECURITYMODEREJECTED;
        if (!c->cfg.client_cert_der.data || !c->cfg.client_key)
            return UA_STATUS_BADCONFIGURATIONERROR;
        if (c->policy->deprecated)
            log_warning("security policy %s is deprecated", c->policy->ops.uri);
    }
    if (c->cfg.user_cert_der.data && !c->cfg.user_key)
        return UA_STATUS_BADCONFIGURATIONERROR;
    snprintf(c->url, sizeof(c->url), "%s", url);
    /* A new connect learns the server certificate anew. */
    ua_clear(&c->endpoint_cert, UA_BUILTIN(UA_KIND_BYTESTRING));
    c->connect_cb = cb;
    c->connect_ud = ud;
    c->reconnecting = false;
    c->limits.known = false;
    clear_session(c);
    ua_status st = open_channel(c);
    if (st != UA_STATUS_GOOD) {
        c->connect_cb = NULL;
        return st;
    }
    set_state(c, UA_CLIENT_CONNECTING, UA_STATUS_GOOD);
    return UA_STATUS_GOOD;
}

ua_status ua_client_reconnect(ua_client *c, ua_client_done_cb cb, void *ud)
{
    if (c->deleted || c->disconnecting ||
        (c->state != UA_CLIENT_CONNECTED && c->state != UA_CLIENT_BROKEN))
        return UA_STATUS_BADNOTCONNECTED;
    if (c->reconnect_cb)
        return UA_STATUS_BADINVALIDSTATE;
    c->reconnect_cb = cb;
    c->reconnect_ud = ud;
    if (c->state == UA_CLIENT_CONNECTED && c->channel) {
        log_info("reconnecting to %s on request", c->url);
        c->backoff_ms = 0;
        ua_channel_close(c->channel); /* -> Broken -> reconnect at once */
    }
    return UA_STATUS_GOOD;
}

static void disconnect_done(ua_client *c)
{
    c->disconnecting = false;
    c->closing_channel = false;
    c->reconnecting = false;
    clear_session(c);
    set_state(c, UA_CLIENT_DISCONNECTED, UA_STATUS_GOOD);
    finish_reconnect_request(c, UA_STATUS_BADCONNECTIONCLOSED);
    ua_client_done_cb cb = c->disconnect_cb;
    c->disconnect_cb = NULL;
    if (cb)
        cb(c, UA_STATUS_GOOD, c->disconnect_ud);
}

static void on_close_deadline(uv_timer_t *t)
{
    ua_client *c = t->data;
    if (!c->disconnecting || !c->channel)
        return;
    forget_socket(c);
    /* The server did not let us close in time: drop the socket. */
    ua_channel *ch = c->channel;
    c->channel = NULL;
    ua_channel_delete(ch);
    disconnect_done(c);
}

static void on_session_closed(ua_client *c, ua_status st, void *resp, void *ud)
{
    (void)resp;
    (void)ud;
    if (st != UA_STATUS_GOOD)
        log_debug("CloseSession on %s: %s", c->url, ua_status_name(st));
    clear_session(c);
    fail_all(c, UA_STATUS_BADCONNECTIONCLOSED);
    if (c->channel && ua_channel_is_open(c->channel)) {
        /* CloseSecureChannel, then the socket; channel_on_closed finishes. */
        c->closing_channel = true;
        uv_timer_start(&c->reconnect_timer, on_close_deadline, c->cfg.timeout_ms, 0);
        ua_channel_close(c->channel);
        return;
    }
    forget_socket(c);
    if (c->channel) {
        ua_channel *ch = c->channel;
        c->channel = NULL;
        ua_channel_delete(ch);
    }
    disconnect_done(c);
}

ua_status ua_client_disconnect(ua_client *c, ua_client_done_cb cb, void *ud)
{
    if (c->disconnecting)
        return UA_STATUS_BADINVALIDSTATE;
    c->disconnect_cb = cb;
    c->disconnect_ud = ud;
    c->disconnecting = true;
    uv_timer_stop(&c->keepalive_timer);
    uv_timer_stop(&c->reconnect_timer);
    if (c->connect_cb) {
        ua_client_done_cb ccb = c->connect_cb;
        c->connect_cb = NULL;
        ccb(c, UA_STATUS_BADCONNECTIONCLOSED, c->connect_ud);
    }
    if (c->channel && ua_channel_is_open(c->channel) && c->session_active) {
        ua_CloseSessionRequest req;
        ua_init(&req, UA_TYPE_CLOSESESSIONREQUEST);
        req.deleteSubscriptions = c->cfg.delete_subscriptions;
        if (ua_client_submit_internal(c, &req, UA_TYPE_CLOSESESSIONREQUEST,
                                      UA_TYPE_CLOSESESSIONRESPONSE, on_session_closed,
                                      NULL) == UA_STATUS_GOOD)
            return UA_STATUS_GOOD;
    }
    on_session_closed(c, UA_STATUS_GOOD, NULL, NULL);
    return UA_STATUS_GOOD;
}

static void on_client_handle_closed(uv_handle_t *h)
{
    ua_client *c = h->data;
    if (--c->handles_open > 0)
        return;
    ua_clear(&c->token_policy, UA_TYPE_USERTOKENPOLICY);
    ua_clear(&c->server_certificate, UA_BUILTIN(UA_KIND_BYTESTRING));
    ua_clear(&c->endpoint_cert, UA_BUILTIN(UA_KIND_BYTESTRING));
    ua_array_delete(c->namespaces, c->namespaces_size, UA_BUILTIN(UA_KIND_STRING));
    c->namespaces = NULL;
    ua_clear(&c->cfg.client_cert_der, UA_BUILTIN(UA_KIND_BYTESTRING));
    ua_clear(&c->cfg.user_cert_der, UA_BUILTIN(UA_KIND_BYTESTRING));
    EVP_PKEY_free(c->cfg.client_key);
    EVP_PKEY_free(c->cfg.user_key);
    clear_session(c);
    free((char *)c->cfg.application_uri);
    free((char *)c->cfg.application_name);
    free((char *)c->cfg.session_name);
    free((char *)c->cfg.username);
    if (c->cfg.password) {
        /* Do not leave the password in freed memory. */
        volatile char *p = (volatile char *)c->cfg.password;
        while (*p)
            *p++ = 0;
        free((char *)c->cfg.password);
    }
    free(c);
}

void ua_client_delete(ua_client *c)
{
    if (!c || c->deleted)
        return;
    /* deleted first: callbacks of the failed requests can neither start new
     * requests (a retry-on-error caller would never let this loop end) nor
     * delete the client a second time. */
    c->deleted = true;
    fail_all(c, UA_STATUS_BADSHUTDOWN);
    finish_reconnect_request(c, UA_STATUS_BADSHUTDOWN);
    forget_socket(c);
    if (c->channel) {
        ua_channel_delete(c->channel);
        c->channel = NULL;
    }
    uv_close((uv_handle_t *)&c->deadline_timer, on_client_handle_closed);
    uv_close((uv_handle_t *)&c->keepalive_timer, on_client_handle_closed);
    uv_close((uv_handle_t *)&c->reconnect_timer, on_client_handle_closed);
}
