/* IPC error catalogue (ipc-protocol.md §6) and message sanitisation (§7).
 * One X-macro list yields the enum, the wire string of `error.type`, the
 * fixed message where the spec fixes one, and whether the message is
 * sanitised, so the four cannot drift. Knows nothing about OPC UA. */
#ifndef IPC_ERRORS_H
#define IPC_ERRORS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* X(ID, "wire type", sanitise message?, "fixed message" or NULL)
 * The first block are the protocol's named tokens: their messages are never
 * sanitised. The second block are the short exception class names of the
 * generic branch (the `<ShortClassName>` row): their messages always are. */
#define IPC_ERROR_LIST(X)                                                                          \
    X(TOO_MANY_CONNECTIONS, "too_many_connections", false, "Too many concurrent connections")      \
    X(CONNECTION_TIMEOUT, "connection_timeout", false, "IPC connection timed out")                 \
    X(PAYLOAD_TOO_LARGE, "payload_too_large", false, NULL)                                         \
    X(INVALID_JSON, "invalid_json", false, "Invalid JSON")                                         \
    X(AUTH_FAILED, "auth_failed", false, "Invalid or missing auth token")                          \
    X(UNKNOWN_COMMAND, "unknown_command", false, NULL)                                             \
    X(FORBIDDEN_METHOD, "forbidden_method", false, NULL)                                           \
    X(AUTO_PUBLISH_ACTIVE, "auto_publish_active", false, NULL)                                     \
    X(SESSION_NOT_FOUND, "session_not_found", false, NULL)                                         \
    X(MAX_SESSIONS_REACHED, "max_sessions_reached", false, NULL)                                   \
    X(INVALID_ARGUMENT, "invalid_argument", false, NULL)                                           \
    X(UNKNOWN_METHOD, "unknown_method", false, NULL)                                               \
    X(CONNECTION_EXCEPTION, "ConnectionException", true, NULL)                                     \
    X(SERVICE_EXCEPTION, "ServiceException", true, NULL)                                           \
    X(SERVICE_UNSUPPORTED_EXCEPTION, "ServiceUnsupportedException", true, NULL)                    \
    X(INVALID_ARGUMENT_EXCEPTION, "InvalidArgumentException", true, NULL)                          \
    X(TYPE_ERROR, "TypeError", true, NULL)                                                         \
    X(VALUE_ERROR, "ValueError", true, NULL)                                                       \
    X(SERIALIZATION_EXCEPTION, "SerializationException", true, NULL)                               \
    X(ENCODING_EXCEPTION, "EncodingException", true, NULL)                                         \
    X(INVALID_NODE_ID_EXCEPTION, "InvalidNodeIdException", true, NULL)                             \
    X(WRITE_TYPE_DETECTION_EXCEPTION, "WriteTypeDetectionException", true, NULL)                   \
    X(UNTRUSTED_CERTIFICATE_EXCEPTION, "UntrustedCertificateException", true, NULL)                \
    X(CONFIGURATION_EXCEPTION, "ConfigurationException", true, NULL)                               \
    X(BAD_METHOD_CALL_EXCEPTION, "BadMethodCallException", true, NULL)                             \
    X(EXCEPTION, "Exception", true, NULL)

enum ipc_error {
    IPC_OK = 0, /* not an error; has no wire name */
#define IPC_ERROR_ENUM(id, wire, sanitise, msg) IPC_ERR_##id,
    IPC_ERROR_LIST(IPC_ERROR_ENUM)
#undef IPC_ERROR_ENUM
        IPC_ERR__COUNT
};

/* The two fixed messages of payload_too_large with the default limits. */
#define IPC_MSG_BUFFER_TOO_LARGE "Request exceeds maximum size of 1MB"
#define IPC_MSG_FRAME_TOO_LARGE  "Request frame exceeds maximum size of 65536 bytes"

/* §7: cut after this many bytes, then "..." is appended. */
#define IPC_SANITIZE_MAX 500

/** Wire string of `error.type` ("invalid_json", "TypeError"); NULL for IPC_OK
 * or an out-of-range value. Returns a static string. */
const char *ipc_error_name(enum ipc_error e);
/** The message the spec fixes for e ("Invalid JSON"), or NULL when the
 * message depends on the request. Returns a static string. */
const char *ipc_error_message(enum ipc_error e);
/** True for the exception class names, whose messages are sanitised. */
bool ipc_error_is_sanitised(enum ipc_error e);
/** Looks a wire string up; IPC_OK when it is not in the catalogue. */
enum ipc_error ipc_error_from_name(const char *name);

/** Builds `{"success":false,"error":{"type":..,"message":..}}`, keys in that
 * order. message may be NULL (then the fixed message, else ""); it is
 * sanitised (§7) when ipc_error_is_sanitised(e). Bytes that are not valid
 * UTF-8 become '?'. Returns owned (json_decref); NULL only on ENOMEM. */
json_t *ipc_error_envelope(enum ipc_error e, const char *message);
/** Same with a type name outside the catalogue (another exception class);
 * the message is sanitised when sanitise is true. Returns owned. */
json_t *ipc_error_envelope_type(const char *type, const char *message, bool sanitise);
/** Builds `{"success":true,"data":data}`; takes data (NULL = JSON null).
 * Returns owned; NULL only on ENOMEM. */
json_t *ipc_success_envelope(json_t *data);

/** §7: replaces URL-like tokens by "[url]", Windows paths and Unix paths of
 * at least two segments by "[path]", then cuts to IPC_SANITIZE_MAX bytes and
 * appends "..." (never inside a UTF-8 sequence, see docs/internals/ipc.md).
 * Borrows msg (len bytes, need not be NUL-terminated). Returns an owned,
 * NUL-terminated string (free()) and its length in *out_len (may be NULL);
 * NULL on ENOMEM. */
char *ipc_sanitize_message(const char *msg, size_t len, size_t *out_len);

#endif
