/* The `config` object of the `open` command (ipc-protocol.md §3.3, §5):
 * typed and coerced like the reference, the sanitised copy that `list`
 * shows and the store keeps (no secrets), and the session reuse key.
 * Unlike the reference, the reuse key carries a keyed hash (HMAC-SHA256
 * with a per-daemon random key) of every credential, so a caller who knows
 * only a username never gets another caller's authenticated session
 * (ipc-protocol.md §9 #4). */
#ifndef DAEMON_SESSION_CONFIG_H
#define DAEMON_SESSION_CONFIG_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct session_config {
    /* present flags: a key that was absent or null stays unset */
    bool has_opcua_timeout, has_auto_retry, has_batch_size, has_browse_depth;
    bool has_security_mode, has_auto_accept, has_auto_accept_force;
    bool has_auto_detect_write_type, has_read_metadata_cache;
    double opcua_timeout; /* seconds */
    long auto_retry;
    long batch_size;
    long default_browse_max_depth;
    int security_mode; /* 1 None, 2 Sign, 3 SignAndEncrypt */
    bool auto_accept, auto_accept_force, auto_detect_write_type, read_metadata_cache;
    char *security_policy; /* full URI */
    char *username, *password;
    char *client_cert_path, *client_key_path, *ca_cert_path;
    char *user_cert_path, *user_key_path;
    char *trust_store_path, *trust_policy;
    char *reverse_connect; /* reverseConnect: a ServerUri, "" = true (whichever allowed
                              server announces the endpointUrl), NULL = dial out */
    /* ours: passwords of encrypted key files (secrets, like password) */
    char *client_key_password, *user_key_password;
} session_config;

/* Why a config was refused: the exception type name and a message. */
typedef struct config_error {
    const char *type; /* "TypeError", "ValueError" */
    char message[256];
} config_error;

/** Parses the JSON config (NULL or an object) into *out. Unknown keys are
 *  ignored, null counts as absent. Returns 0, or -1 with *err filled and
 *  *out cleared. */
int session_config_parse(const json_t *config, session_config *out, config_error *err);
void session_config_clear(session_config *cfg);

/** Returns the sanitised config as the store keeps it (fixed key order of
 *  §5, without password, clientKeyPath, caCertPath, userKeyPath). With
 *  for_list, username is removed too (what `list` shows). New reference. */
json_t *session_config_sanitised(const session_config *cfg, bool for_list);

/** Sets the per-daemon secret key of the credential hash (32 random bytes). */
int session_config_init_key(void);

/** Returns the reuse key (owned string): endpoint, sanitised config and the
 *  keyed hash of the credentials. NULL when out of memory. */
char *session_config_reuse_key(const char *endpoint_url, const session_config *cfg);

#endif
