/* The seven IPC commands (ipc-protocol.md §3) and the session store
 * (daemon.md §5, §6). Commands that need the OPC UA server answer from the
 * client's completion callback; nothing here blocks the loop. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "daemon_int.h"
#include "daemon_publish.h"
#include "daemon_reverse.h"
#include "daemon_types.h"
#include "daemon_write.h"
#include "ipc_errors.h"
#include "ua_statuscodes.h"
#include "util/log.h"
#include "util/random.h"
#include "wire.h"

double daemon_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)(ts.tv_nsec / 1000) / 1e6;
}

/* ---- replies ------------------------------------------------------------ */

void reply_ok(ipc_request *req, json_t *data)
{
    ipc_reply(req, ipc_success_envelope(data));
}

void reply_error(ipc_request *req, const char *type, const char *message)
{
    enum ipc_error e = ipc_error_from_name(type);
    json_t *env =
        e != IPC_OK ? ipc_error_envelope(e, message) : ipc_error_envelope_type(type, message, true);
    ipc_reply(req, env);
}

void reply_data(ipc_request *req, json_t *data, bool tagged)
{
    if (!tagged) {
        reply_ok(req, data);
        return;
    }
    json_t *wrap = json_object();
    json_object_set_new(wrap, "data", data ? data : json_null());
    reply_ok(req, wrap);
}

void reply_named(ipc_request *req, int ipc_error_id, const char *message)
{
    ipc_reply(req, ipc_error_envelope((enum ipc_error)ipc_error_id, message));
}

static bool is_connection_status(ua_status st)
{
    return st == UA_STATUS_BADCONNECTIONCLOSED || st == UA_STATUS_BADNOTCONNECTED ||
           st == UA_STATUS_BADSERVERNOTCONNECTED || st == UA_STATUS_BADSECURECHANNELCLOSED ||
           st == UA_STATUS_BADCONNECTIONREJECTED || st == UA_STATUS_BADTIMEOUT ||
           st == UA_STATUS_BADSHUTDOWN || st == UA_STATUS_BADTCPENDPOINTURLINVALID ||
           st == UA_STATUS_BADSECURITYPOLICYREJECTED;
}

void reply_status(ipc_request *req, ua_status st, const char *what)
{
    char msg[512];
    snprintf(msg, sizeof(msg), "%s: %s (%s)", what, ua_status_name(st), ua_status_description(st));
    reply_error(req, is_connection_status(st) ? "ConnectionException" : "ServiceException", msg);
}

/* ---- store ------------------------------------------------------------------ */

dsession *store_find(osmd *d, const char *id)
{
    for (dsession *s = d->head; s; s = s->next)
        if (strcmp(s->id, id) == 0)
            return s;
    /* A --config connection is also addressable by its name. */
    for (dsession *s = d->head; s; s = s->next)
        if (s->name && strcmp(s->name, id) == 0)
            return s;
    return NULL;
}

dsession *store_find_key(osmd *d, const char *reuse_key)
{
    for (dsession *s = d->head; s; s = s->next)
        if (strcmp(s->reuse_key, reuse_key) == 0)
            return s;
    return NULL;
}

void store_add(osmd *d, dsession *s)
{
    s->prev = d->tail;
    s->next = NULL;
    if (d->tail)
        d->tail->next = s;
    else
        d->head = s;
    d->tail = s;
    d->count++;
}

void store_unlink(osmd *d, dsession *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        d->head = s->next;
    if (s->next)
        s->next->prev = s->prev;
    else
        d->tail = s->prev;
    s->next = s->prev = NULL;
    d->count--;
}

static void free_session(dsession *s)
{
    free(s->endpoint_url);
    json_decref(s->config);
    free(s->reuse_key);
    session_config_clear(&s->settings);
    dsubs_clear(&s->subs);
    dsecurity_clear(&s->sec);
    drev_link_delete(s->reverse);
    dtypes_free(s->types);
    dwrite_cache_free(s->writes);
    dtypes_free(s->old_types);
    free(s->name);
    free(s);
}

typedef struct retire_ctx {
    osmd *d;
    char id[33];
} retire_ctx;

static void on_retired(ua_client *c, ua_status st, void *ud)
{
    retire_ctx *r = ud;
    (void)st;
    if (r->d->shutting_down)
        log_info("Disconnected session %s", r->id);
    osmd *d = r->d;
    d->pending_disconnects--;
    free(r);
    ua_client_delete(c);
    daemon_retired(d);
}

void store_retire(osmd *d, dsession *s)
{
    dpub_session_gone(d, s);
    dnotify_session_gone(d, s, "closed");
    ua_client *c = s->client;
    s->client = NULL;
    retire_ctx *r = calloc(1, sizeof(*r));
    if (c && r) {
        r->d = d;
        memcpy(r->id, s->id, sizeof(r->id));
        d->pending_disconnects++;
        if (ua_client_disconnect(c, on_retired, r) != UA_STATUS_GOOD) {
            d->pending_disconnects--;
            free(r);
            ua_client_delete(c);
        }
    } else {
        free(r);
        ua_client_delete(c);
    }
    free_session(s);
}

/* ---- ping / list -------------------------------------------------------------- */

static void cmd_ping(osmd *d, ipc_request *req)
{
    json_t *data = json_object();
    json_object_set_new(data, "status", json_string("ok"));
    json_object_set_new(data, "sessions", json_integer((json_int_t)d->count));
    json_object_set_new(data, "time", json_real(daemon_now()));
    reply_ok(req, data);
}

static void cmd_list(osmd *d, ipc_request *req)
{
    json_t *list = json_array();
    for (dsession *s = d->head; s; s = s->next) {
        json_t *e = json_object();
        json_object_set_new(e, "id", json_string(s->id));
        json_object_set_new(e, "endpointUrl", json_string(s->endpoint_url));
        json_object_set_new(e, "lastUsed", json_real(s->last_used));
        json_t *cfg = session_config_sanitised(&s->settings, true);
        /* PHP writes an empty array as [] even where an object is meant. */
        if (json_object_size(cfg) == 0) {
            json_decref(cfg);
            cfg = json_array();
        }
        json_object_set_new(e, "config", cfg);
        if (s->reverse)
            json_object_set_new(e, "reverse", drev_link_describe(s->reverse));
        json_array_append_new(list, e);
    }
    json_t *data = json_object();
    json_object_set_new(data, "count", json_integer((json_int_t)d->count));
    json_object_set_new(data, "sessions", list);
    reply_ok(req, data);
}

/* ---- open --------------------------------------------------------------------- */

/* An open still connecting. Opens with the same reuse key that arrive
 * meanwhile wait for it and are answered with the same session
 * ("reused"), so a burst of identical opens makes one session. */
typedef struct open_ctx {
    struct open_ctx *next;
    osmd *d;
    ipc_request *req;
    dsession *s; /* not yet in the store */
    bool shared; /* not forceNew: later identical opens may wait for it */
    ipc_request **waiters;
    size_t nwait;
} open_ctx;

static void opening_unlink(osmd *d, open_ctx *o)
{
    for (open_ctx **p = &d->opening; *p; p = &(*p)->next) {
        if (*p == o) {
            *p = o->next;
            return;
        }
    }
}

static void open_ctx_free(open_ctx *o)
{
    free(o->waiters);
    free(o);
}

/* daemon.md §6: certificate and key files must exist and, with
 * --allowed-cert-dirs, lie inside one of the allowed directories. */
static int check_cert_path(osmd *d, const char *label, const char *path, char *msg, size_t size)
{
    struct stat st;
    if (!path)
        return 0;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(msg, size, "%s does not exist or is not a file: %s", label, path);
        return -1;
    }
    if (!d->cfg.allowed_cert_dirs)
        return 0;
    char real[PATH_MAX];
    if (!realpath(path, real)) {
        snprintf(msg, size, "%s does not exist or is not a file: %s", label, path);
        return -1;
    }
    for (char **dir = d->cfg.allowed_cert_dirs; *dir; dir++) {
        char real_dir[PATH_MAX];
        if (!realpath(*dir, real_dir))
            continue; /* allowed dirs that do not exist are skipped */
        size_t n = strlen(real_dir);
        if (strncmp(real, real_dir, n) == 0 && real[n] == '/')
            return 0;
    }
    snprintf(msg, size, "%s is not in an allowed directory: %s", label, path);
    return -1;
}

static void new_session_id(char id[33])
{
    unsigned char b[16];
    if (osm_random_bytes(b, sizeof(b)) != 0) {
        /* Without the CSPRNG, ids would be guessable: refuse to make one. */
        id[0] = 0;
        return;
    }
    for (int i = 0; i < 16; i++)
        snprintf(id + 2 * i, 3, "%02x", b[i]);
}

static void on_open_connected(ua_client *c, ua_status st, void *ud)
{
    open_ctx *o = ud;
    osmd *d = o->d;
    dsession *s = o->s;
    opening_unlink(d, o);
    if (st != UA_STATUS_GOOD || d->shutting_down) {
        char what[1200];
        snprintf(what, sizeof(what), "Failed to connect to %s", s->endpoint_url);
        st = st == UA_STATUS_GOOD ? UA_STATUS_BADSHUTDOWN : st;
        if (UA_STATUS_IS_BAD(s->sec.trust_status) && s->sec.trust_message[0]) {
            /* The trust store refused the server's certificate: say which
             * check failed and what to do (the store's message). */
            reply_error(o->req, "UntrustedCertificateException", s->sec.trust_message);
            for (size_t i = 0; i < o->nwait; i++)
                reply_error(o->waiters[i], "UntrustedCertificateException",
                            s->sec.trust_message);
        } else {
            reply_status(o->req, st, what);
            for (size_t i = 0; i < o->nwait; i++)
                reply_status(o->waiters[i], st, what);
        }
        s->client = NULL;
        free_session(s);
        open_ctx_free(o);
        ua_client_delete(c);
        return;
    }
    new_session_id(s->id);
    if (!s->id[0]) {
        reply_error(o->req, "Exception", "cannot generate a session id (no random source)");
        for (size_t i = 0; i < o->nwait; i++)
            reply_error(o->waiters[i], "Exception", "cannot generate a session id");
        s->client = c;
        store_retire(d, s);
        open_ctx_free(o);
        return;
    }
    s->last_used = daemon_now();
    store_add(d, s);
    log_info("Connected to %s (session %s)", s->endpoint_url, s->id);
    json_t *data = json_object();
    json_object_set_new(data, "sessionId", json_string(s->id));
    reply_ok(o->req, data);
    for (size_t i = 0; i < o->nwait; i++) {
        json_t *w = json_object();
        json_object_set_new(w, "sessionId", json_string(s->id));
        json_object_set_new(w, "reused", json_true());
        reply_ok(o->waiters[i], w);
    }
    open_ctx_free(o);
}

static void client_config_from(const session_config *sc, ua_client_config *cc)
{
    ua_client_config_default(cc);
    if (sc->has_opcua_timeout)
        cc->timeout_ms = (uint32_t)(sc->opcua_timeout * 1000 > 1 ? sc->opcua_timeout * 1000 : 1);
    if (sc->has_auto_retry && sc->auto_retry > 0)
        cc->auto_retry = (uint32_t)sc->auto_retry;
    if (sc->has_batch_size) {
        /* batchSize 0 disables batching and the limits read (§3.3). */
        cc->batch_size = sc->batch_size > 0 ? (uint32_t)sc->batch_size : 0;
        cc->read_server_limits = sc->batch_size != 0;
    }
    if (sc->username && sc->password) {
        cc->username = sc->username;
        cc->password = sc->password;
    }
    cc->session_name = "opcua-session-manager";
}

static void cmd_open(osmd *d, ipc_request *req, json_t *request)
{
    json_t *url_j = json_object_get(request, "endpointUrl");
    const char *url = json_is_string(url_j) ? json_string_value(url_j) : "";
    session_config sc;
    config_error cerr;
    if (session_config_parse(json_object_get(request, "config"), &sc, &cerr) != 0) {
        reply_error(req, cerr.type, cerr.message);
        return;
    }
    char *key = session_config_reuse_key(url, &sc);
    if (!key) {
        session_config_clear(&sc);
        reply_error(req, "Exception", "out of memory");
        return;
    }
    json_t *force = json_object_get(request, "forceNew");
    bool force_new = force && !json_is_false(force) && !json_is_null(force) &&
                     !(json_is_integer(force) && json_integer_value(force) == 0);
    dsession *existing = force_new ? NULL : store_find_key(d, key);
    if (existing) {
        existing->last_used = daemon_now();
        json_t *data = json_object();
        json_object_set_new(data, "sessionId", json_string(existing->id));
        json_object_set_new(data, "reused", json_true());
        reply_ok(req, data);
        free(key);
        session_config_clear(&sc);
        return;
    }
    for (open_ctx *o = force_new ? NULL : d->opening; o; o = o->next) {
        if (!o->shared || strcmp(o->s->reuse_key, key) != 0)
            continue;
        ipc_request **w = realloc(o->waiters, (o->nwait + 1) * sizeof(*w));
        if (!w)
            break; /* fall back to a session of its own */
        o->waiters = w;
        o->waiters[o->nwait++] = req;
        free(key);
        session_config_clear(&sc);
        return;
    }
    if (d->cfg.max_sessions > 0 && (long)d->count >= d->cfg.max_sessions) {
        char msg[96];
        snprintf(msg, sizeof(msg), "Maximum number of sessions (%ld) reached", d->cfg.max_sessions);
        reply_named(req, IPC_ERR_MAX_SESSIONS_REACHED, msg);
        free(key);
        session_config_clear(&sc);
        return;
    }
    char msg[1024];
    if (check_cert_path(d, "Client certificate", sc.client_cert_path, msg, sizeof(msg)) ||
        check_cert_path(d, "Client key", sc.client_key_path, msg, sizeof(msg)) ||
        check_cert_path(d, "CA certificate", sc.ca_cert_path, msg, sizeof(msg)) ||
        check_cert_path(d, "User certificate", sc.user_cert_path, msg, sizeof(msg)) ||
        check_cert_path(d, "User key", sc.user_key_path, msg, sizeof(msg))) {
        reply_error(req, "InvalidArgumentException", msg);
        free(key);
        session_config_clear(&sc);
        return;
    }
    dsecurity sec;
    const char *sec_type = "Exception";
    if (dsecurity_prepare(&sec, &sc, &d->cfg, &sec_type, msg, sizeof(msg)) != 0) {
        reply_error(req, sec_type, msg);
        free(key);
        session_config_clear(&sc);
        return;
    }
    dsession *s = calloc(1, sizeof(*s));
    open_ctx *o = calloc(1, sizeof(*o));
    if (!s || !o || !(s->endpoint_url = strdup(url))) {
        free(s);
        free(o);
        free(key);
        dsecurity_clear(&sec);
        session_config_clear(&sc);
        reply_error(req, "Exception", "out of memory");
        return;
    }
    s->reuse_key = key;
    s->settings = sc;
    s->sec = sec;
    s->config = session_config_sanitised(&sc, false);
    ua_client_config cc;
    client_config_from(&s->settings, &cc);
    dsecurity_apply(&s->sec, &s->settings, &cc);
    if (s->settings.reverse_connect) {
        /* Reverse Connect: the client waits for the server's dial. */
        s->reverse = drev_link_new(d, s->settings.reverse_connect, url, msg, sizeof(msg));
        if (!s->reverse) {
            reply_error(req, "ConnectionException", msg);
            free_session(s);
            free(o);
            return;
        }
        drev_link_configure(s->reverse, &cc);
    }
    s->client = ua_client_new(d->loop, &cc);
    dns_watch(d, s);
    if (s->reverse && s->client)
        drev_link_attach(s->reverse, s->client);
    o->d = d;
    o->req = req;
    o->s = s;
    o->shared = !force_new;
    ua_status st = s->client ? ua_client_connect(s->client, url, on_open_connected, o)
                             : UA_STATUS_BADOUTOFMEMORY;
    if (st == UA_STATUS_GOOD) {
        o->next = d->opening;
        d->opening = o;
    }
    if (st != UA_STATUS_GOOD) {
        char what[1200];
        snprintf(what, sizeof(what), "Failed to connect to %s", url);
        reply_status(req, st, what);
        ua_client_delete(s->client);
        s->client = NULL;
        free_session(s);
        free(o);
    }
}

/* ---- close / describe / invoke ---------------------------------------------- */

static const char *session_id_of(json_t *request)
{
    json_t *id = json_object_get(request, "sessionId");
    return json_is_string(id) ? json_string_value(id) : "";
}

static void reply_not_found(ipc_request *req, const char *id)
{
    char msg[600];
    snprintf(msg, sizeof(msg), "Session not found: %.500s", id);
    reply_named(req, IPC_ERR_SESSION_NOT_FOUND, msg);
}

static void cmd_close(osmd *d, ipc_request *req, json_t *request)
{
    const char *id = session_id_of(request);
    dsession *s = store_find(d, id);
    if (!s) {
        reply_not_found(req, id);
        return;
    }
    store_unlink(d, s);
    store_retire(d, s);
    reply_ok(req, NULL);
}

static void cmd_describe(osmd *d, ipc_request *req, json_t *request)
{
    const char *id = session_id_of(request);
    dsession *s = store_find(d, id);
    if (!s) {
        reply_not_found(req, id);
        return;
    }
    s->last_used = daemon_now();
    json_t *data = json_object();
    json_object_set_new(data, "methods", invoke_method_names());
    json_object_set_new(data, "modules", json_array());
    json_object_set_new(data, "wireClasses", json_array());
    json_object_set_new(data, "enumClasses", json_array());
    json_object_set_new(data, "wireTypeIds", wire_tagged_type_ids());
    reply_ok(req, data);
}

static void cmd_invoke(osmd *d, ipc_request *req, json_t *request)
{
    json_t *m = json_object_get(request, "method");
    if (!json_is_string(m) || json_string_length(m) == 0) {
        reply_named(req, IPC_ERR_INVALID_ARGUMENT,
                    "invoke: \"method\" must be a non-empty string.");
        return;
    }
    json_t *args = json_object_get(request, "args");
    if (args && !json_is_array(args)) {
        reply_named(req, IPC_ERR_INVALID_ARGUMENT,
                    "invoke: \"args\" must be an array of wire-encoded values.");
        return;
    }
    const char *id = session_id_of(request);
    dsession *s = store_find(d, id);
    if (!s) {
        reply_not_found(req, id);
        return;
    }
    s->last_used = daemon_now();
    char waiting[600];
    if (drev_link_waiting(s->reverse, s->id, waiting, sizeof(waiting))) {
        reply_error(req, "ConnectionException", waiting);
        return;
    }
    const char *method = json_string_value(m);
    if (!invoke_method_known(method)) {
        char msg[600];
        snprintf(msg, sizeof(msg),
                 "Method \"%.400s\" is not registered on the client for this session.", method);
        reply_named(req, IPC_ERR_UNKNOWN_METHOD, msg);
        return;
    }
    wire_error err;
    wire_error_init(&err, "args");
    json_t *empty = json_array();
    json_t *params = wire_tagged_to_query(args ? args : empty, &err, 0);
    json_decref(empty);
    if (!params) {
        reply_error(req, err.type ? err.type : "EncodingException", err.message);
        return;
    }
    invoke_run(d, s, req, method, params);
    json_decref(params);
}

static void cmd_query(osmd *d, ipc_request *req, json_t *request)
{
    json_t *m = json_object_get(request, "method");
    const char *method = json_is_string(m) ? json_string_value(m) : "";
    if (!query_method_allowed(method)) {
        char msg[600];
        snprintf(msg, sizeof(msg), "Method not allowed: %.500s", method);
        reply_named(req, IPC_ERR_FORBIDDEN_METHOD, msg);
        return;
    }
    const char *id = session_id_of(request);
    dsession *s = store_find(d, id);
    if (!s) {
        reply_not_found(req, id);
        return;
    }
    s->last_used = daemon_now();
    char waiting[600];
    if (drev_link_waiting(s->reverse, s->id, waiting, sizeof(waiting))) {
        reply_error(req, "ConnectionException", waiting); /* fail fast, no retry wait */
        return;
    }
    json_t *params = json_object_get(request, "params");
    if (params && !json_is_array(params) && !json_is_null(params)) {
        reply_error(req, "TypeError", "params must be an array");
        return;
    }
    query_run(d, s, req, method, params);
}

/* ---- dispatch ------------------------------------------------------------------ */

void daemon_dispatch(void *ud, ipc_request *req, json_t *request)
{
    osmd *d = ud;
    json_t *c = json_is_object(request) ? json_object_get(request, "command") : NULL;
    const char *cmd = json_is_string(c) ? json_string_value(c) : "";
    if (strcmp(cmd, "ping") == 0)
        cmd_ping(d, req);
    else if (strcmp(cmd, "list") == 0)
        cmd_list(d, req);
    else if (strcmp(cmd, "open") == 0)
        cmd_open(d, req, request);
    else if (strcmp(cmd, "close") == 0)
        cmd_close(d, req, request);
    else if (strcmp(cmd, "query") == 0)
        cmd_query(d, req, request);
    else if (strcmp(cmd, "describe") == 0)
        cmd_describe(d, req, request);
    else if (strcmp(cmd, "invoke") == 0)
        cmd_invoke(d, req, request);
    else if (strcmp(cmd, "watch") == 0)
        dnotify_cmd_watch(d, req, request); /* our extension, ipc-protocol.md §9 #8 */
    else {
        char msg[600];
        snprintf(msg, sizeof(msg), "Unknown command: %.500s", cmd);
        reply_named(req, IPC_ERR_UNKNOWN_COMMAND, msg);
    }
    json_decref(request);
}
