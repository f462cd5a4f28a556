/**
 * @file osm.h
 * @brief libosm: C client of the opcua-session-manager daemon.
 *
 * The daemon keeps OPC UA sessions open and lends them over a local socket
 * (NDJSON: one JSON request line, one JSON response line). This library
 * speaks that protocol with blocking calls over one persistent connection
 * per handle (requests carry "keepAlive": true). If the daemon has closed
 * the connection, the library reconnects and sends the request once more.
 *
 * Conventions shared by every function:
 *  - The return value is an OSM_* code (OSM_OK = 0 on success).
 *  - The last argument `err` may be NULL; when given it is always filled:
 *    code, a short type token and a human readable message. For daemon
 *    error envelopes, type and message are the daemon's (truncated to fit).
 *  - Strings returned through `char **..._out` are allocated with malloc()
 *    and owned by the caller, who releases them with free(). On failure
 *    *out is set to NULL.
 *  - JSON texts passed in and out use the daemon's query-path shapes
 *    (NodeId objects {"ns","id","type"}, DataValue, Variant...).
 *  - A handle may be shared between threads: calls on one handle are
 *    serialised by a mutex inside it. Different handles are independent.
 */
#ifndef OSM_OSM_H
#define OSM_OSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Library version as text. */
#define OSM_VERSION "0.1.0"

/** Result codes of every osm_* call. */
enum osm_code {
    OSM_OK = 0,          /**< success */
    OSM_ENOTRUNNING = 1, /**< socket missing or connection refused */
    OSM_ETIMEOUT = 2,    /**< no complete answer within the handle's timeout */
    OSM_EPROTO = 3,      /**< the daemon's reply is not a valid envelope, or I/O failed */
    OSM_EAUTH = 4,       /**< the daemon answered auth_failed */
    OSM_ENOSESSION = 5,  /**< the daemon answered session_not_found */
    OSM_EDAEMON = 6,     /**< any other error envelope (type/message copied) */
    OSM_ENOMEM = 7,      /**< out of memory */
    OSM_EINVAL = 8       /**< invalid argument (bad node id text, bad JSON text...) */
};

/** Details of a failed call. Plain data, no ownership. */
typedef struct osm_error {
    int code;          /**< an enum osm_code value */
    char type[64];     /**< daemon error type, or a local token such as "not_running" */
    char message[512]; /**< human readable message, NUL terminated */
} osm_error;

/** Opaque client handle. */
typedef struct osm_client osm_client;

/** Short constant description of a code ("daemon not running"...). Never NULL. */
const char *osm_strerror(int code);

/**
 * Creates a client handle. Does not connect yet (the first call does).
 * @param socket_uri  "unix:///path", a bare path, "tcp://127.0.0.1:PORT" or
 *                    "tcp://[::1]:PORT"; NULL = $OPCUA_SOCKET_PATH if set, else
 *                    unix:///tmp/opcua-session-manager.sock. Copied.
 * @param auth_token  sent as "authToken" with every request; NULL =
 *                    $OPCUA_AUTH_TOKEN if set, else no token. Copied.
 * @param timeout_s   bound for each call (connect + send + receive); <= 0 = 30 s.
 * @return a handle to release with osm_client_free(), or NULL when out of memory
 *         or when socket_uri cannot be parsed.
 */
osm_client *osm_client_new(const char *socket_uri, const char *auth_token, double timeout_s);

/** Closes the connection and frees the handle. NULL is accepted. */
void osm_client_free(osm_client *c);

/**
 * ping: checks that the daemon answers.
 * @param sessions  if not NULL, receives the number of sessions held by the daemon.
 */
int osm_ping(osm_client *c, int *sessions, osm_error *err);

/**
 * open: opens (or reuses) a session on an OPC UA server.
 * @param endpoint_url  e.g. "opc.tcp://host:4840"; required.
 * @param config_json   JSON object text of session options, NULL = {} (OSM_EINVAL if not an
 * object).
 * @param force_new     true = never reuse an existing session.
 * @param session_id    receives the 32-hex-character session id (NUL terminated).
 * @param reused        if not NULL, receives whether an existing session was returned.
 */
int osm_open(osm_client *c, const char *endpoint_url, const char *config_json, bool force_new,
             char session_id[33], bool *reused, osm_error *err);

/**
 * open with Reverse Connect: the daemon does not dial endpoint_url; it waits
 * (up to config.opcuaTimeout) for the server to dial its --reverse-listen
 * port, and after a drop waits for the server to dial back. Sets
 * config.reverseConnect, otherwise as osm_open.
 * @param server_uri  the server's ApplicationUri to wait for (it must be in the
 *                    daemon's --reverse-allow list), or NULL for whichever
 *                    allowed server announces endpoint_url.
 */
int osm_open_reverse(osm_client *c, const char *endpoint_url, const char *server_uri,
                     const char *config_json, bool force_new, char session_id[33], bool *reused,
                     osm_error *err);

/** close: closes a session. OSM_ENOSESSION if the daemon does not know it. */
int osm_close(osm_client *c, const char *session_id, osm_error *err);

/** list: the daemon's session list; *json_out = the "data" object as JSON text (caller frees). */
int osm_list(osm_client *c, char **json_out, osm_error *err);

/**
 * query: calls one allow-listed client method on a session (raw form).
 * @param method       e.g. "read", "browse", "getEndpoints".
 * @param params_json  JSON array text of positional parameters; NULL = [].
 * @param data_json_out receives the response "data" as JSON text (caller frees); may be NULL
 *                      when the caller does not need it.
 */
int osm_query(osm_client *c, const char *session_id, const char *method, const char *params_json,
              char **data_json_out, osm_error *err);

/**
 * Converts a node id in text form ("i=2258", "ns=1;s=Scalar.Int32",
 * "ns=2;g=<guid>", "ns=3;b=<base64>") to the protocol's object form
 * {"ns":N,"id":...,"type":"numeric|string|guid|opaque"}. A namespace URI
 * instead of the index ("nsu=urn:example;s=X", ';' and '%' in the URI
 * %-escaped) gives {"id":...,"type":...,"nsu":"urn:example"}, which the
 * daemon resolves with the server's current NamespaceArray.
 * @param json_out receives the JSON text (caller frees).
 * @return OSM_OK, OSM_EINVAL for an unsupported or malformed text, OSM_ENOMEM.
 */
int osm_nodeid_to_json(const char *text, char **json_out, osm_error *err);

/**
 * Converts a node id object (JSON text, as found in browse results) back to
 * the text form ("ns=1;s=X", "i=85"; opaque ids are written as base64 "b=";
 * an object with "nsu" gives "nsu=<uri>;s=X").
 * @param text_out receives the text (caller frees).
 * @return OSM_OK, OSM_EINVAL if the JSON is not a node id object, OSM_ENOMEM.
 */
int osm_nodeid_to_text(const char *json, char **text_out, osm_error *err);

/**
 * read: reads the Value attribute of a node.
 * @param node_id        text form, see osm_nodeid_to_json().
 * @param value_json_out receives the DataValue object
 *                       {"value","type","dimensions","statusCode","sourceTimestamp","serverTimestamp"}
 *                       as JSON text (caller frees).
 */
int osm_read(osm_client *c, const char *session_id, const char *node_id, char **value_json_out,
             osm_error *err);

/**
 * write: writes the Value attribute of a node.
 * @param value_json    the value as JSON text (e.g. "42", "\"text\"", "[1,2]").
 * @param builtin_type  OPC UA built-in type id (1..25), 0 = let the daemon detect it.
 * @param status_out    if not NULL, receives the OPC UA status code of the write
 *                      (0 = Good). A Bad status is not an error of this call.
 */
int osm_write(osm_client *c, const char *session_id, const char *node_id, const char *value_json,
              int builtin_type, uint32_t *status_out, osm_error *err);

/**
 * browse: forward hierarchical references of a node (first page).
 * @param refs_json_out receives the array of ReferenceDescription objects (caller frees).
 */
int osm_browse(osm_client *c, const char *session_id, const char *node_id, char **refs_json_out,
               osm_error *err);

/**
 * call: calls a method.
 * @param object_id, method_id  node ids in text form.
 * @param args_json   JSON array text of Variants [{"type":11,"value":6},...]; NULL = [].
 * @param result_json_out receives the CallResult
 *                    {"statusCode","inputArgumentResults","outputArguments"} (caller frees).
 */
int osm_call(osm_client *c, const char *session_id, const char *object_id, const char *method_id,
             const char *args_json, char **result_json_out, osm_error *err);

/**
 * Receives one notification line of osm_watch().
 * @param line_json  one JSON object (NUL terminated, borrowed for the call):
 *                   {"type","sessionId","name"?,"endpointUrl","subscriptionId",
 *                   "sequenceNumber","publishTime","clientHandle","dataValue"|"eventFields"...};
 *                   see the `watch` command in the README for every type.
 * @return 0 to go on, non-zero to stop watching.
 */
typedef int (*osm_watch_cb)(const char *line_json, void *ud);

/**
 * Streams notifications with the daemon's `watch` command (an extension of
 * ours): while it runs, the daemon auto-publishes the watched session(s).
 * Blocks, calling cb for every line, until cb returns non-zero, the daemon
 * ends the stream (the session closed, the daemon stopped: OSM_OK) or an
 * error occurs. The handle's connection carries the stream and is closed
 * afterwards; other calls on the same handle wait until this one returns.
 * @param session_id      a session id or a --config connection name; NULL or
 *                        "*" = every session.
 * @param idle_timeout_s  give up with OSM_ETIMEOUT after this long without a
 *                        line; 0 = no limit.
 */
int osm_watch(osm_client *c, const char *session_id, double idle_timeout_s, osm_watch_cb cb,
              void *ud, osm_error *err);

#ifdef __cplusplus
}
#endif

#endif /* OSM_OSM_H */
