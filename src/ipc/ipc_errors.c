/* IPC error catalogue and envelopes (ipc-protocol.md §2, §6). The table is
 * generated from IPC_ERROR_LIST; sanitisation itself lives in
 * ipc_sanitize.c. Nothing here knows which command raised an error. */
#include "ipc_errors.h"

#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

typedef struct error_row {
    const char *name;
    bool sanitise;
    const char *message;
} error_row;

static const error_row rows[IPC_ERR__COUNT] = {[IPC_OK] = {NULL, false, NULL},
#define IPC_ERROR_ROW(id, wire, sanitise, msg) [IPC_ERR_##id] = {wire, sanitise, msg},
                                               IPC_ERROR_LIST(IPC_ERROR_ROW)
#undef IPC_ERROR_ROW
};

static bool in_range(enum ipc_error e)
{
    return (int)e > (int)IPC_OK && (int)e < (int)IPC_ERR__COUNT;
}

const char *ipc_error_name(enum ipc_error e)
{
    return in_range(e) ? rows[e].name : NULL;
}

const char *ipc_error_message(enum ipc_error e)
{
    return in_range(e) ? rows[e].message : NULL;
}

bool ipc_error_is_sanitised(enum ipc_error e)
{
    return in_range(e) && rows[e].sanitise;
}

enum ipc_error ipc_error_from_name(const char *name)
{
    if (!name)
        return IPC_OK;
    for (int i = IPC_OK + 1; i < IPC_ERR__COUNT; i++) {
        if (strcmp(rows[i].name, name) == 0)
            return (enum ipc_error)i;
    }
    return IPC_OK;
}

/* A JSON string from arbitrary bytes: invalid UTF-8 bytes become '?', so an
 * error message can always be reported. Returns owned or NULL (ENOMEM). */
static json_t *string_lossy(const char *s, size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy)
        return NULL;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (n == 0 || cp == 0) {
            copy[i++] = '?';
            continue;
        }
        memcpy(copy + i, s + i, n);
        i += n;
    }
    json_t *j = json_stringn(copy, len);
    free(copy);
    return j;
}

json_t *ipc_error_envelope_type(const char *type, const char *message, bool sanitise)
{
    if (!message)
        message = "";
    json_t *msg;
    if (sanitise) {
        size_t n;
        char *clean = ipc_sanitize_message(message, strlen(message), &n);
        if (!clean)
            return NULL;
        msg = string_lossy(clean, n);
        free(clean);
    } else {
        msg = string_lossy(message, strlen(message));
    }
    json_t *err = json_object();
    json_t *env = json_object();
    if (!msg || !err || !env ||
        json_object_set_new(err, "type", string_lossy(type, strlen(type))) != 0 ||
        json_object_set(err, "message", msg) != 0 ||
        json_object_set_new(env, "success", json_false()) != 0 ||
        json_object_set(env, "error", err) != 0) {
        json_decref(env);
        env = NULL;
    }
    json_decref(msg);
    json_decref(err);
    return env;
}

json_t *ipc_error_envelope(enum ipc_error e, const char *message)
{
    if (!in_range(e))
        e = IPC_ERR_EXCEPTION;
    if (!message)
        message = rows[e].message;
    return ipc_error_envelope_type(rows[e].name, message, rows[e].sanitise);
}

json_t *ipc_success_envelope(json_t *data)
{
    json_t *env = json_object();
    if (!env || json_object_set_new(env, "success", json_true()) != 0 ||
        json_object_set_new(env, "data", data ? data : json_null()) != 0) {
        json_decref(env);
        return NULL;
    }
    return env;
}
