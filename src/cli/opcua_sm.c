/* opcua-sm: command-line client of the opcua-session-manager daemon,
 * built on libosm. See docs/cli.md. */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "osm/osm.h"

#ifndef OSM_CLI_VERSION
#define OSM_CLI_VERSION OSM_VERSION
#endif

enum {
    EXIT_OKAY = 0,
    EXIT_DAEMON = 1,
    EXIT_USAGE = 2,
    EXIT_CONN = 3,
    EXIT_AUTH = 4,
    EXIT_NOSESSION = 5
};

static const char USAGE[] =
    "Usage: opcua-sm [--socket URI] [--token T] [--timeout S] [--json] COMMAND [ARGS...]\n"
    "\n"
    "Talks to the opcua-session-manager daemon.\n"
    "\n"
    "Options:\n"
    "  --socket URI   unix:///path, a bare path or tcp://127.0.0.1:PORT\n"
    "                 (default $OPCUA_SOCKET_PATH, else unix:///tmp/opcua-session-manager.sock)\n"
    "  --token T      auth token (default $OPCUA_AUTH_TOKEN)\n"
    "  --timeout S    seconds to wait for each answer (default 30)\n"
    "  --json         print the raw JSON \"data\" of the answer\n"
    "  --help, -h     print this help;  --version, -V  print the version\n"
    "\n"
    "Commands:\n"
    "  ping                                  check the daemon, show the session count\n"
    "  list                                  list sessions\n"
    "  open URL [--config JSON] [--force-new]  open or reuse a session, print its id\n"
    "       [--reverse [SERVER_URI]]         ... waiting for the server to dial in (Reverse\n"
    "                                        Connect; the daemon needs --reverse-listen)\n"
    "  close SID                             close a session\n"
    "  read SID NODE                         read a node's value\n"
    "  write SID NODE VALUE_JSON [--type N]  write a value (N = built-in type id, 0 = detect)\n"
    "  browse SID NODE                       list a node's forward references\n"
    "  call SID OBJECT METHOD [ARGS_JSON]    call a method; ARGS_JSON = "
    "[{\"type\":N,\"value\":V},...]\n"
    "  query SID METHOD [PARAMS_JSON]        call any allow-listed method with raw JSON params\n"
    "  watch [SID|NAME] [--count N] [--for S]  stream notifications of one session (or all;\n"
    "                                        the daemon auto-publishes while watched); --json\n"
    "                                        prints the raw NDJSON lines\n"
    "\n"
    "NODE is a node id in text form: i=85, ns=1;s=Scalar.Int32, ns=2;g=<guid>, ns=3;b=<base64>,\n"
    "or with a namespace URI instead of the index: nsu=urn:example;s=Scalar.Int32.\n"
    "\n"
    "Exit codes: 0 ok, 1 daemon error, 2 usage error, 3 daemon not running or connection\n"
    "failure, 4 authentication failed, 5 session not found.\n";

static const char *const TYPE_NAMES[] = {
    "Null",          "Boolean",       "SByte",           "Byte",           "Int16",
    "UInt16",        "Int32",         "UInt32",          "Int64",          "UInt64",
    "Float",         "Double",        "String",          "DateTime",       "Guid",
    "ByteString",    "XmlElement",    "NodeId",          "ExpandedNodeId", "StatusCode",
    "QualifiedName", "LocalizedText", "ExtensionObject", "DataValue",      "Variant",
    "DiagnosticInfo"};

static bool g_json;

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("opcua-sm: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'opcua-sm --help'.\n", stderr);
    return EXIT_USAGE;
}

/* Prints the error and returns the exit code for it. */
static int report(const osm_error *e)
{
    switch (e->code) {
    case OSM_EDAEMON:
    case OSM_EAUTH:
    case OSM_ENOSESSION:
        fprintf(stderr, "opcua-sm: [%s] %s\n", e->type, e->message);
        break;
    default:
        fprintf(stderr, "opcua-sm: %s\n", e->message);
        break;
    }
    switch (e->code) {
    case OSM_OK:
        return EXIT_OKAY;
    case OSM_ENOTRUNNING:
    case OSM_ETIMEOUT:
        return EXIT_CONN;
    case OSM_EAUTH:
        return EXIT_AUTH;
    case OSM_ENOSESSION:
        return EXIT_NOSESSION;
    case OSM_EINVAL:
        return EXIT_USAGE;
    default:
        return EXIT_DAEMON;
    }
}

static const char *type_name(json_t *t)
{
    json_int_t n = json_integer_value(t);
    if (!json_is_integer(t) || n < 0 || n > 25)
        return "?";
    return TYPE_NAMES[n];
}

static void status_text(uint32_t s, char *buf, size_t n)
{
    if (s == 0)
        snprintf(buf, n, "Good");
    else if (s & 0x80000000u)
        snprintf(buf, n, "Bad (0x%08X)", (unsigned)s);
    else if (s & 0x40000000u)
        snprintf(buf, n, "Uncertain (0x%08X)", (unsigned)s);
    else
        snprintf(buf, n, "Good (0x%08X)", (unsigned)s);
}

static void print_json_value(FILE *f, json_t *v)
{
    char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
    fputs(t ? t : "?", f);
    free(t);
}

/* Prints data text: raw with --json, else through fn. */
static int print_data(const char *text, void (*fn)(json_t *))
{
    if (g_json || !fn) {
        printf("%s\n", text ? text : "null");
        return EXIT_OKAY;
    }
    json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
    if (!v) {
        fprintf(stderr, "opcua-sm: cannot parse the daemon's answer\n");
        return EXIT_DAEMON;
    }
    fn(v);
    json_decref(v);
    return EXIT_OKAY;
}

static void show_read(json_t *dv)
{
    char st[48];
    status_text((uint32_t)json_integer_value(json_object_get(dv, "statusCode")), st, sizeof st);
    print_json_value(stdout, json_object_get(dv, "value"));
    printf(" (%s) status %s\n", type_name(json_object_get(dv, "type")), st);
}

static const char *node_class_name(json_int_t c)
{
    switch (c) {
    case 1:
        return "Object";
    case 2:
        return "Variable";
    case 4:
        return "Method";
    case 8:
        return "ObjectType";
    case 16:
        return "VariableType";
    case 32:
        return "ReferenceType";
    case 64:
        return "DataType";
    case 128:
        return "View";
    default:
        return "Unspecified";
    }
}

static void show_browse(json_t *refs)
{
    size_t i;
    json_t *r;
    json_array_foreach(refs, i, r)
    {
        json_t *bn = json_object_get(r, "browseName");
        json_int_t ns = json_integer_value(json_object_get(bn, "ns"));
        const char *name = json_string_value(json_object_get(bn, "name"));
        char *idj = json_dumps(json_object_get(r, "nodeId"), JSON_COMPACT | JSON_ENCODE_ANY);
        char *idt = NULL;
        if (idj)
            osm_nodeid_to_text(idj, &idt, NULL);
        if (ns != 0)
            printf("%lld:", (long long)ns);
        printf("%s  %s  %s\n", name ? name : "", idt ? idt : "?",
               node_class_name(json_integer_value(json_object_get(r, "nodeClass"))));
        free(idj);
        free(idt);
    }
}

static void show_list(json_t *d)
{
    size_t i;
    json_t *s;
    printf("%lld session(s)\n", (long long)json_integer_value(json_object_get(d, "count")));
    json_array_foreach(json_object_get(d, "sessions"), i, s)
    {
        json_t *rev = json_object_get(s, "reverse");
        const char *rs = rev ? json_string_value(json_object_get(rev, "state")) : NULL;
        printf("%s  %s%s%s\n", json_string_value(json_object_get(s, "id")),
               json_string_value(json_object_get(s, "endpointUrl")), rev ? "  reverse: " : "",
               rev ? (rs ? rs : "?") : "");
    }
}

static void show_call(json_t *d)
{
    size_t i;
    json_t *v;
    char st[48];
    status_text((uint32_t)json_integer_value(json_object_get(d, "statusCode")), st, sizeof st);
    printf("status %s\n", st);
    json_array_foreach(json_object_get(d, "outputArguments"), i, v)
    {
        print_json_value(stdout, json_object_get(v, "value"));
        printf(" (%s)\n", type_name(json_object_get(v, "type")));
    }
}

static void show_pretty(json_t *d)
{
    char *t = json_dumps(d, JSON_INDENT(2) | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
    printf("%s\n", t ? t : "null");
    free(t);
}

/* Strict decimal parse; -1 on error. */
static int parse_int(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v > 0))
        return -1;
    *out = v;
    return 0;
}

static int need(int argc, int min, int max, const char *cmd)
{
    if (argc < min || argc > max) {
        usage_error("wrong number of arguments for '%s'", cmd);
        return -1;
    }
    return 0;
}

/* ---- watch ---------------------------------------------------------------- */

typedef struct watch_state {
    long count;   /* lines still wanted; < 0 = no limit */
    double until; /* CLOCK_MONOTONIC seconds; 0 = no limit */
} watch_state;

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void show_value(json_t *dv)
{
    char st[48];
    status_text((uint32_t)json_integer_value(json_object_get(dv, "statusCode")), st, sizeof st);
    print_json_value(stdout, json_object_get(dv, "value"));
    printf(" (%s) %s", type_name(json_object_get(dv, "type")), st);
}

static void show_notification(json_t *n)
{
    const char *type = json_string_value(json_object_get(n, "type"));
    const char *who = json_string_value(json_object_get(n, "name"));
    const char *sid = json_string_value(json_object_get(n, "sessionId"));
    if (type && strcmp(type, "Overflow") == 0) {
        printf("!! %lld line(s) dropped: this reader is too slow (%lld in all)\n",
               (long long)json_integer_value(json_object_get(n, "dropped")),
               (long long)json_integer_value(json_object_get(n, "totalDropped")));
        return;
    }
    if (!who)
        who = sid ? sid : "?";
    printf("%.8s  sub %lld", who,
           (long long)json_integer_value(json_object_get(n, "subscriptionId")));
    json_t *seq = json_object_get(n, "sequenceNumber");
    if (seq)
        printf(" #%lld", (long long)json_integer_value(seq));
    json_t *h = json_object_get(n, "clientHandle");
    if (h)
        printf("  handle %lld", (long long)json_integer_value(h));
    printf("  %s", type ? type : "?");
    if (type && strcmp(type, "KeepAlive") != 0)
        fputs("  ", stdout);
    if (type && strcmp(type, "DataChange") == 0) {
        json_t *dv = json_object_get(n, "dataValue");
        show_value(dv);
        const char *ts = json_string_value(json_object_get(dv, "sourceTimestamp"));
        if (ts)
            printf("  %s", ts);
    } else if (type && strcmp(type, "Event") == 0) {
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(n, "eventFields"), i, v)
        {
            if (i)
                fputs(" | ", stdout);
            print_json_value(stdout, json_object_get(v, "value"));
        }
    } else if (type && strcmp(type, "KeepAlive") != 0) {
        json_t *rest = json_deep_copy(n);
        const char *drop[] = {"type",           "sessionId",      "name",        "endpointUrl",
                              "subscriptionId", "sequenceNumber", "clientHandle"};
        for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
            json_object_del(rest, drop[i]);
        print_json_value(stdout, rest);
        json_decref(rest);
    }
    putchar('\n');
}

static int on_watch_line(const char *line, void *ud)
{
    watch_state *w = ud;
    if (g_json) {
        printf("%s\n", line);
    } else {
        json_t *n = json_loads(line, 0, NULL);
        if (n)
            show_notification(n);
        else
            printf("? %s\n", line);
        json_decref(n);
    }
    fflush(stdout);
    if (w->count > 0 && --w->count == 0)
        return 1;
    return w->until > 0 && mono_s() >= w->until;
}

static int cmd_watch(osm_client *c, int argc, char **argv)
{
    watch_state w = {-1, 0};
    const char *sid = NULL;
    double for_s = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
            if (parse_int(argv[++i], 1, 1000000000L, &w.count) != 0)
                return usage_error("watch: --count needs a positive number");
        } else if (strcmp(argv[i], "--for") == 0 && i + 1 < argc) {
            if (parse_double(argv[++i], &for_s) != 0)
                return usage_error("watch: --for needs a positive number of seconds");
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error("watch: unknown option '%s'", argv[i]);
        } else if (!sid) {
            sid = argv[i];
        } else {
            return usage_error("watch: unexpected argument '%s'", argv[i]);
        }
    }
    if (for_s > 0)
        w.until = mono_s() + for_s;
    osm_error e = {0};
    int rc = osm_watch(c, sid, for_s, on_watch_line, &w, &e);
    if (rc == OSM_ETIMEOUT && for_s > 0)
        return EXIT_OKAY; /* --for elapsed without a line */
    return rc == OSM_OK ? EXIT_OKAY : report(&e);
}

static int run(osm_client *c, int argc, char **argv)
{
    const char *cmd = argv[0];
    osm_error e = {0};
    char *out = NULL;
    int rc;
    if (strcmp(cmd, "ping") == 0) {
        if (need(argc, 1, 1, cmd))
            return EXIT_USAGE;
        int n = 0;
        if (osm_ping(c, &n, &e) != OSM_OK)
            return report(&e);
        if (g_json)
            printf("{\"status\":\"ok\",\"sessions\":%d}\n", n);
        else
            printf("ok, %d session(s)\n", n);
        return EXIT_OKAY;
    }
    if (strcmp(cmd, "list") == 0) {
        if (need(argc, 1, 1, cmd))
            return EXIT_USAGE;
        if (osm_list(c, &out, &e) != OSM_OK)
            return report(&e);
        rc = print_data(out, show_list);
        free(out);
        return rc;
    }
    if (strcmp(cmd, "open") == 0) {
        const char *url = NULL, *config = NULL, *server_uri = NULL;
        bool force = false, reverse = false;
        for (int i = 1; i < argc; i++) {
            if (strcmp(argv[i], "--force-new") == 0) {
                force = true;
            } else if (strncmp(argv[i], "--reverse=", 10) == 0 && argv[i][10]) {
                reverse = true;
                server_uri = argv[i] + 10;
            } else if (strcmp(argv[i], "--reverse") == 0) {
                reverse = true;
                /* An optional ServerUri: the next word unless it is an
                 * option or the endpoint URL. */
                if (i + 1 < argc && argv[i + 1][0] != '-' &&
                    strncmp(argv[i + 1], "opc.tcp://", 10) != 0)
                    server_uri = argv[++i];
            } else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
                config = argv[++i];
            } else if (argv[i][0] == '-' && argv[i][1] == '-') {
                return usage_error("open: unknown option '%s'", argv[i]);
            } else if (!url) {
                url = argv[i];
            } else {
                return usage_error("open: unexpected argument '%s'", argv[i]);
            }
        }
        if (!url)
            return usage_error("open: missing URL");
        char sid[33];
        bool reused = false;
        int orc = reverse ? osm_open_reverse(c, url, server_uri, config, force, sid, &reused, &e)
                          : osm_open(c, url, config, force, sid, &reused, &e);
        if (orc != OSM_OK)
            return report(&e);
        if (g_json)
            printf(reused ? "{\"sessionId\":\"%s\",\"reused\":true}\n" : "{\"sessionId\":\"%s\"}\n",
                   sid);
        else
            printf("%s\n", sid);
        return EXIT_OKAY;
    }
    if (strcmp(cmd, "close") == 0) {
        if (need(argc, 2, 2, cmd))
            return EXIT_USAGE;
        if (osm_close(c, argv[1], &e) != OSM_OK)
            return report(&e);
        if (g_json)
            printf("null\n");
        return EXIT_OKAY;
    }
    if (strcmp(cmd, "read") == 0) {
        if (need(argc, 3, 3, cmd))
            return EXIT_USAGE;
        if (osm_read(c, argv[1], argv[2], &out, &e) != OSM_OK)
            return report(&e);
        rc = print_data(out, show_read);
        free(out);
        return rc;
    }
    if (strcmp(cmd, "write") == 0) {
        long type = 0;
        const char *pos[3];
        int np = 0;
        for (int i = 1; i < argc; i++) {
            if (strcmp(argv[i], "--type") == 0) {
                if (i + 1 >= argc || parse_int(argv[i + 1], 0, 25, &type) != 0)
                    return usage_error("write: --type needs a number 0..25");
                i++;
            } else if (np < 3) {
                pos[np++] = argv[i];
            } else {
                return usage_error("write: unexpected argument '%s'", argv[i]);
            }
        }
        if (np != 3)
            return usage_error("wrong number of arguments for '%s'", cmd);
        uint32_t status = 0;
        if (osm_write(c, pos[0], pos[1], pos[2], (int)type, &status, &e) != OSM_OK)
            return report(&e);
        char st[48];
        status_text(status, st, sizeof st);
        if (g_json)
            printf("%u\n", (unsigned)status);
        else
            printf("%s\n", st);
        if (status & 0x80000000u) {
            fprintf(stderr, "opcua-sm: write failed with status %s\n", st);
            return EXIT_DAEMON;
        }
        return EXIT_OKAY;
    }
    if (strcmp(cmd, "browse") == 0) {
        if (need(argc, 3, 3, cmd))
            return EXIT_USAGE;
        if (osm_browse(c, argv[1], argv[2], &out, &e) != OSM_OK)
            return report(&e);
        rc = print_data(out, show_browse);
        free(out);
        return rc;
    }
    if (strcmp(cmd, "call") == 0) {
        if (need(argc, 4, 5, cmd))
            return EXIT_USAGE;
        if (osm_call(c, argv[1], argv[2], argv[3], argc > 4 ? argv[4] : NULL, &out, &e) != OSM_OK)
            return report(&e);
        rc = print_data(out, show_call);
        free(out);
        return rc;
    }
    if (strcmp(cmd, "query") == 0) {
        if (need(argc, 3, 4, cmd))
            return EXIT_USAGE;
        if (osm_query(c, argv[1], argv[2], argc > 3 ? argv[3] : NULL, &out, &e) != OSM_OK)
            return report(&e);
        rc = print_data(out, show_pretty);
        free(out);
        return rc;
    }
    if (strcmp(cmd, "watch") == 0)
        return cmd_watch(c, argc, argv);
    return usage_error("unknown command '%s'", cmd);
}

int main(int argc, char **argv)
{
    const char *socket_uri = NULL, *token = NULL;
    double timeout = 30.0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(USAGE, stdout);
            return EXIT_OKAY;
        }
        if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
            printf("opcua-sm %s\n", OSM_CLI_VERSION);
            return EXIT_OKAY;
        }
        if (strcmp(a, "--json") == 0) {
            g_json = true;
            continue;
        }
        if (strcmp(a, "--socket") != 0 && strcmp(a, "--token") != 0 && strcmp(a, "--timeout") != 0)
            return usage_error("unknown option '%s'", a);
        if (i + 1 >= argc)
            return usage_error("option '%s' needs a value", a);
        const char *v = argv[++i];
        if (strcmp(a, "--socket") == 0)
            socket_uri = v;
        else if (strcmp(a, "--token") == 0)
            token = v;
        else if (parse_double(v, &timeout) != 0)
            return usage_error("--timeout needs a positive number of seconds, not '%s'", v);
    }
    if (i >= argc)
        return usage_error("missing command");
    osm_client *c = osm_client_new(socket_uri, token, timeout);
    if (!c)
        return usage_error("invalid socket URI '%s'", socket_uri ? socket_uri : "(default)");
    int rc = run(c, argc - i, argv + i);
    osm_client_free(c);
    return rc;
}
