/* Command line of the daemon (spec daemon.md §1-2): the reference's options
 * with the same meaning and defaults, parsed strictly (an unknown option,
 * a malformed number or an unknown enumerated value is a usage error),
 * `--opt=value` accepted besides `--opt value`, and the auth token resolved
 * from OPCUA_AUTH_TOKEN > --auth-token-file > --auth-token. */
#ifndef DAEMON_CONFIG_H
#define DAEMON_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/log.h"

#define DAEMON_VERSION        "4.4.0"
#define DAEMON_DEFAULT_SOCKET "unix:///tmp/opcua-session-manager.sock"

enum daemon_cache_driver { DAEMON_CACHE_MEMORY, DAEMON_CACHE_FILE, DAEMON_CACHE_NONE };

typedef struct daemon_config {
    char *socket_uri;           /* owned */
    double timeout_s;           /* session inactivity timeout (600) */
    double cleanup_interval_s;  /* expiry sweep period (30) */
    char *auth_token;           /* owned, resolved; NULL = no authentication */
    bool auth_token_on_cmdline; /* --auth-token was given (warn: visible in ps) */
    char *auth_token_file;      /* owned; as given */
    long max_sessions;          /* 100; <= 0 = unlimited */
    unsigned socket_mode;       /* 0600 */
    char **allowed_cert_dirs;   /* owned, NULL-terminated; NULL = no restriction */
    char *log_file;             /* owned; NULL = stderr */
    enum log_level log_level;   /* info */
    enum daemon_cache_driver cache_driver;
    char *cache_path;     /* owned */
    double cache_ttl_s;   /* 300 */
    double ipc_timeout_s; /* ours: time to the first complete line (30) */
    char **reverse_listen; /* owned, NULL-terminated: tcp://HOST:PORT (Reverse Connect) */
    char **reverse_allow;  /* owned, NULL-terminated: ServerUris whose dials are accepted */
    char *pki_dir;        /* owned; NULL = the default (daemon_security.c) */
    bool allow_deprecated_policies; /* Basic128Rsa15, Basic256 */
    bool auto_publish;     /* ours: publish for every session with subscriptions */
    char *events_file;     /* owned; ours: NDJSON notification sink, "-" = stdout */
    char *config_file;     /* owned; ours: --config, named connections */
    long watch_queue;      /* ours: lines queued per watch client (1000) */
} daemon_config;

enum daemon_config_result {
    DAEMON_CONFIG_RUN = 0, /* start the daemon */
    DAEMON_CONFIG_EXIT_OK, /* --help / --version printed: exit 0 */
    DAEMON_CONFIG_USAGE,   /* usage error printed: exit 2 */
    DAEMON_CONFIG_FATAL    /* e.g. unreadable token file, printed: exit 1 */
};

/** Parses argv into *cfg (initialised with the defaults first). Help and
 *  version go to out, errors to err. env_token is OPCUA_AUTH_TOKEN (may be
 *  NULL). Returns one of enum daemon_config_result; cfg must be cleared
 *  with daemon_config_clear in every case. */
int daemon_config_parse(daemon_config *cfg, int argc, char **argv, const char *env_token, FILE *out,
                        FILE *err);
void daemon_config_clear(daemon_config *cfg);

/** Writes the --help text. */
void daemon_config_usage(FILE *out);

#endif
