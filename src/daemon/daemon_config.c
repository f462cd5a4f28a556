/* Daemon command line (daemon.md §1-2), strict where the reference guesses
 * (see "Where our daemon deliberately differs on the command line"). */
#include "daemon_config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* OPT_FLAG: a bool option without a value (--flag), or --flag=true|false. */
enum opt_kind {
    OPT_STRING,
    OPT_NUMBER,
    OPT_INT,
    OPT_OCTAL,
    OPT_LIST,
    OPT_LEVEL,
    OPT_CACHE,
    OPT_FLAG,
    OPT_MULTI /* repeatable: each value is appended */
};

typedef struct option_def {
    const char *name;
    enum opt_kind kind;
    size_t offset;
    const char *help;
} option_def;

#define OFF(f) offsetof(daemon_config, f)

static const option_def options[] = {
    {"--socket", OPT_STRING, OFF(socket_uri),
     "URI  unix:///path, a bare path, tcp://127.0.0.1:PORT or tcp://[::1]:PORT\n"
     "                             (default " DAEMON_DEFAULT_SOCKET ")"},
    {"--timeout", OPT_NUMBER, OFF(timeout_s), "S    close sessions unused for S seconds (600)"},
    {"--cleanup-interval", OPT_NUMBER, OFF(cleanup_interval_s),
     "S    look for expired sessions every S seconds (30)"},
    {"--auth-token", OPT_STRING, OFF(auth_token),
     "T    require this token (visible in ps: prefer the\n"
     "                             OPCUA_AUTH_TOKEN variable or --auth-token-file)"},
    {"--auth-token-file", OPT_STRING, OFF(auth_token_file), "F    read the token from file F"},
    {"--max-sessions", OPT_INT, OFF(max_sessions), "N    at most N sessions, 0 = unlimited (100)"},
    {"--socket-mode", OPT_OCTAL, OFF(socket_mode), "M    permissions of the Unix socket (0600)"},
    {"--allowed-cert-dirs", OPT_LIST, OFF(allowed_cert_dirs),
     "D1,D2  certificate and key files must lie in these directories"},
    {"--log-file", OPT_STRING, OFF(log_file), "F    append the log to F (- = stderr, the default)"},
    {"--log-level", OPT_LEVEL, OFF(log_level),
     "L    debug, info, notice, warning, error, critical, alert,\n"
     "                             emergency (info)"},
    {"--cache-driver", OPT_CACHE, OFF(cache_driver), "D    memory, file or none (memory)"},
    {"--cache-path", OPT_STRING, OFF(cache_path), "DIR  directory of the file cache"},
    {"--cache-ttl", OPT_NUMBER, OFF(cache_ttl_s), "S    cache entries live S seconds (300)"},
    {"--ipc-timeout", OPT_NUMBER, OFF(ipc_timeout_s),
     "S    an IPC client must send a complete line within S seconds (30)"},
    {"--pki-dir", OPT_STRING, OFF(pki_dir),
     "DIR  where the daemon keeps its own application certificate,\n"
     "                             made on first use of a secured policy (default\n"
     "                             $STATE_DIRECTORY/pki, else ~/.local/state/\n"
     "                             opcua-session-manager/pki)"},
    {"--allow-deprecated-policies", OPT_FLAG, OFF(allow_deprecated_policies),
     "     allow SecurityPolicy Basic128Rsa15 and Basic256 (weak;\n"
     "                             for old devices only)"},
    {"--reverse-listen", OPT_MULTI, OFF(reverse_listen),
     "tcp://HOST:PORT  take Reverse Connect dials from OPC UA servers\n"
     "                             here (repeatable; any address: firewall it)"},
    {"--reverse-allow", OPT_MULTI, OFF(reverse_allow),
     "URI  a server ApplicationUri whose ReverseHello is accepted\n"
     "                             (repeatable; none = every dial is refused)"},
    {"--auto-publish", OPT_FLAG, OFF(auto_publish),
     "     publish for every session with subscriptions; the\n"
     "                             notifications go to --events-file and watch"},
    {"--events-file", OPT_STRING, OFF(events_file),
     "F    append every notification to F as NDJSON (- = stdout;\n"
     "                             reopened on SIGHUP); implies --auto-publish"},
    {"--config", OPT_STRING, OFF(config_file),
     "F    JSON file of named connections opened at start-up\n"
     "                             (endpoint, config, subscriptions)"},
    {"--watch-queue", OPT_INT, OFF(watch_queue),
     "N    lines queued per watch client before the oldest are\n"
     "                             dropped (1000)"},
};
#define OPTION_COUNT (sizeof(options) / sizeof(options[0]))

void daemon_config_usage(FILE *out)
{
    fprintf(out, "Usage: opcua-session-manager [options]\n\n"
                 "Keeps OPC UA client sessions open and lends them to short-lived programs\n"
                 "over a local socket (NDJSON protocol, compatible with the PHP\n"
                 "php-opcua/opcua-session-manager daemon).\n\nOptions:\n");
    for (size_t i = 0; i < OPTION_COUNT; i++)
        fprintf(out, "  %-24s %s\n", options[i].name, options[i].help);
    fprintf(out, "  %-24s %s\n", "--help, -h", "     print this help and exit");
    fprintf(out, "  %-24s %s\n", "--version, -v", "     print the version and exit");
    fprintf(out, "\nOptions take their value as the next argument or after '=' "
                 "(--timeout=60).\nEnvironment: OPCUA_AUTH_TOKEN overrides both token options.\n");
}

static void set_defaults(daemon_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->socket_uri = strdup(DAEMON_DEFAULT_SOCKET);
    cfg->timeout_s = 600;
    cfg->cleanup_interval_s = 30;
    cfg->max_sessions = 100;
    cfg->socket_mode = 0600;
    cfg->log_level = LOG_INFO;
    cfg->cache_driver = DAEMON_CACHE_MEMORY;
    cfg->cache_ttl_s = 300;
    cfg->ipc_timeout_s = 30;
    cfg->watch_queue = 1000;
}

static void free_list(char **list)
{
    if (!list)
        return;
    for (char **p = list; *p; p++)
        free(*p);
    free(list);
}

void daemon_config_clear(daemon_config *cfg)
{
    free(cfg->socket_uri);
    if (cfg->auth_token) {
        memset(cfg->auth_token, 0, strlen(cfg->auth_token));
        free(cfg->auth_token);
    }
    free_list(cfg->allowed_cert_dirs);
    free_list(cfg->reverse_listen);
    free_list(cfg->reverse_allow);
    free(cfg->auth_token_file);
    free(cfg->log_file);
    free(cfg->cache_path);
    free(cfg->pki_dir);
    free(cfg->events_file);
    free(cfg->config_file);
    memset(cfg, 0, sizeof(*cfg));
}

static int parse_number(const char *v, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (!*v || *end || errno || d < 0 || d != d || d > 1e9)
        return -1;
    *out = d;
    return 0;
}

static char **split_list(const char *v)
{
    size_t n = 1;
    for (const char *p = v; *p; p++)
        n += *p == ',';
    char **list = calloc(n + 1, sizeof(char *));
    if (!list)
        return NULL;
    const char *start = v;
    for (size_t i = 0; i < n; i++) {
        const char *comma = strchr(start, ',');
        size_t len = comma ? (size_t)(comma - start) : strlen(start);
        list[i] = strndup(start, len);
        if (!list[i]) {
            free_list(list);
            return NULL;
        }
        start = comma ? comma + 1 : start + len;
    }
    return list;
}

/* Applies one option value; prints the reason and returns -1 when bad. */
static int apply(daemon_config *cfg, const option_def *o, const char *v, FILE *err)
{
    void *slot = (char *)cfg + o->offset;
    double d;
    char *end;
    switch (o->kind) {
    case OPT_STRING: {
        char **s = slot;
        if (strcmp(o->name, "--auth-token") == 0)
            cfg->auth_token_on_cmdline = true;
        free(*s);
        *s = strdup(v);
        return *s ? 0 : -1;
    }
    case OPT_NUMBER:
        if (parse_number(v, &d) != 0) {
            fprintf(err, "opcua-session-manager: %s expects a number of seconds >= 0, got '%s'\n",
                    o->name, v);
            return -1;
        }
        if (strcmp(o->name, "--cleanup-interval") == 0 || strcmp(o->name, "--ipc-timeout") == 0) {
            if (d <= 0) {
                fprintf(err, "opcua-session-manager: %s must be greater than 0\n", o->name);
                return -1;
            }
        }
        *(double *)slot = d;
        return 0;
    case OPT_INT: {
        errno = 0;
        long l = strtol(v, &end, 10);
        if (!*v || *end || errno) {
            fprintf(err, "opcua-session-manager: %s expects an integer, got '%s'\n", o->name, v);
            return -1;
        }
        if (strcmp(o->name, "--watch-queue") == 0 && (l < 1 || l > 1000000)) {
            fprintf(err, "opcua-session-manager: --watch-queue must be in 1..1000000\n");
            return -1;
        }
        *(long *)slot = l;
        return 0;
    }
    case OPT_OCTAL: {
        errno = 0;
        unsigned long m = strtoul(v, &end, 8);
        if (!*v || *end || errno || m > 0777) {
            fprintf(err,
                    "opcua-session-manager: %s expects octal permissions like 0600 or 660, "
                    "got '%s'\n",
                    o->name, v);
            return -1;
        }
        *(unsigned *)slot = (unsigned)m;
        return 0;
    }
    case OPT_LIST: {
        char **list = split_list(v);
        if (!list)
            return -1;
        free_list(*(char ***)slot);
        *(char ***)slot = list;
        return 0;
    }
    case OPT_MULTI: {
        char ***list = slot;
        size_t n = 0;
        while (*list && (*list)[n])
            n++;
        char **grown = realloc(*list, (n + 2) * sizeof(char *));
        if (!grown)
            return -1;
        *list = grown;
        grown[n] = strdup(v);
        grown[n + 1] = NULL;
        return grown[n] ? 0 : -1;
    }
    case OPT_LEVEL: {
        static const char *const extra[] = {"critical", "alert", "emergency"};
        enum log_level lvl;
        if (log_level_parse(v, &lvl) == 0) {
            *(enum log_level *)slot = lvl;
            return 0;
        }
        for (int i = 0; i < 3; i++) {
            if (strcmp(v, extra[i]) == 0) {
                *(enum log_level *)slot = LOG_ERROR; /* our highest level */
                return 0;
            }
        }
        fprintf(err,
                "opcua-session-manager: --log-level expects debug, info, notice, warning, error, "
                "critical, alert or emergency, got '%s'\n",
                v);
        return -1;
    }
    case OPT_FLAG:
        if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
            *(bool *)slot = true;
        else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
            *(bool *)slot = false;
        else {
            fprintf(err, "opcua-session-manager: %s takes no value (or true/false), got '%s'\n",
                    o->name, v);
            return -1;
        }
        return 0;
    case OPT_CACHE:
        if (strcmp(v, "memory") == 0)
            *(enum daemon_cache_driver *)slot = DAEMON_CACHE_MEMORY;
        else if (strcmp(v, "file") == 0)
            *(enum daemon_cache_driver *)slot = DAEMON_CACHE_FILE;
        else if (strcmp(v, "none") == 0)
            *(enum daemon_cache_driver *)slot = DAEMON_CACHE_NONE;
        else {
            fprintf(
                err,
                "opcua-session-manager: --cache-driver expects memory, file or none, got '%s'\n",
                v);
            return -1;
        }
        return 0;
    }
    return -1;
}

/* Reads, trims and returns the token file's content (owned), or NULL with
 * the reference's messages. */
static char *read_token_file(const char *path, FILE *err)
{
    struct stat st;
    FILE *f = NULL;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || !(f = fopen(path, "r"))) {
        fprintf(err, "Auth token file not found or not readable: %s\n", path);
        return NULL;
    }
    char buf[4096];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    bool more = fgetc(f) != EOF;
    fclose(f);
    if (more) {
        fprintf(err, "Auth token file is larger than %zu bytes: %s\n", sizeof(buf) - 1, path);
        return NULL;
    }
    buf[n] = 0;
    char *s = buf;
    while (*s && isspace((unsigned char)*s))
        s++;
    size_t len = strlen(s);
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        s[--len] = 0;
    if (len == 0) {
        fprintf(err, "Auth token file is empty: %s\n", path);
        return NULL;
    }
    char *out = strdup(s);
    memset(buf, 0, sizeof(buf));
    return out;
}

static const option_def *find_option(const char *name, size_t len)
{
    for (size_t i = 0; i < OPTION_COUNT; i++)
        if (strlen(options[i].name) == len && strncmp(options[i].name, name, len) == 0)
            return &options[i];
    return NULL;
}

int daemon_config_parse(daemon_config *cfg, int argc, char **argv, const char *env_token, FILE *out,
                        FILE *err)
{
    set_defaults(cfg);
    int result = DAEMON_CONFIG_RUN;
    for (int i = 1; i < argc && result == DAEMON_CONFIG_RUN; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            daemon_config_usage(out);
            result = DAEMON_CONFIG_EXIT_OK;
            break;
        }
        if (strcmp(arg, "--version") == 0 || strcmp(arg, "-v") == 0) {
            fprintf(out, "opcua-session-manager %s\n", DAEMON_VERSION);
            result = DAEMON_CONFIG_EXIT_OK;
            break;
        }
        const char *eq = strchr(arg, '=');
        size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
        const option_def *o = strncmp(arg, "--", 2) == 0 ? find_option(arg, name_len) : NULL;
        if (!o) {
            fprintf(err, "opcua-session-manager: unknown option '%s'\nRun with --help for usage.\n",
                    arg);
            result = DAEMON_CONFIG_USAGE;
            break;
        }
        const char *value = eq ? eq + 1 : NULL;
        if (!value && o->kind == OPT_FLAG)
            value = "true";
        if (!value) {
            if (i + 1 >= argc) {
                fprintf(err, "Missing value for option %s.\nRun with --help for usage.\n", o->name);
                result = DAEMON_CONFIG_USAGE;
                break;
            }
            value = argv[++i];
        }
        if (apply(cfg, o, value, err) != 0)
            result = DAEMON_CONFIG_USAGE;
    }
    if (result == DAEMON_CONFIG_RUN && cfg->cache_driver == DAEMON_CACHE_FILE && !cfg->cache_path) {
        fprintf(err, "--cache-path is required when --cache-driver=file\n");
        result = DAEMON_CONFIG_FATAL;
    }
    if (result == DAEMON_CONFIG_RUN && cfg->log_file && strcmp(cfg->log_file, "-") == 0) {
        free(cfg->log_file);
        cfg->log_file = NULL;
    }
    if (result == DAEMON_CONFIG_RUN) {
        /* daemon.md §2: environment > file > flag. */
        char *token = NULL;
        if (env_token && *env_token) {
            token = strdup(env_token);
        } else if (cfg->auth_token_file) {
            token = read_token_file(cfg->auth_token_file, err);
            if (!token)
                result = DAEMON_CONFIG_FATAL;
        }
        if (token) {
            if (cfg->auth_token) {
                memset(cfg->auth_token, 0, strlen(cfg->auth_token));
                free(cfg->auth_token);
            }
            cfg->auth_token = token;
        }
        if (cfg->auth_token && !*cfg->auth_token) {
            free(cfg->auth_token);
            cfg->auth_token = NULL;
        }
    }
    if (cfg->auth_token_on_cmdline && result == DAEMON_CONFIG_RUN) {
        fprintf(err, "WARNING: --auth-token is visible to every user in the process list.\n"
                     "WARNING: use the OPCUA_AUTH_TOKEN environment variable or "
                     "--auth-token-file instead.\n");
    }
    return result;
}
