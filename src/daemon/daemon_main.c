/* opcua-session-manager: the process (daemon.md §3, §4, §5.3, §10):
 * command line, log, PID file, the IPC listener, session expiry, and an
 * orderly shutdown on SIGTERM/SIGINT. One libuv loop; nothing blocks it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon_autoconnect.h"
#include "daemon_int.h"
#include "daemon_reverse.h"
#include "ipc_endpoint.h"
#include "util/log.h"

/* daemon.md §4: <socket>.pid, or <tmp>/opcua-session-manager-<slug>.pid. */
static void pid_path_for(osmd *d, const ipc_endpoint *ep)
{
    if (ep->transport == IPC_TRANSPORT_UNIX) {
        snprintf(d->pid_path, sizeof(d->pid_path), "%s.pid", ep->path);
        return;
    }
    char slug[512];
    size_t o = 0;
    bool in_run = false;
    for (const char *p = d->cfg.socket_uri; *p && o < sizeof(slug) - 1; p++) {
        bool ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                  (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-';
        if (ok) {
            slug[o++] = *p;
            in_run = false;
        } else if (!in_run) {
            slug[o++] = '_';
            in_run = true;
        }
    }
    slug[o] = 0;
    const char *tmp = getenv("TMPDIR");
    snprintf(d->pid_path, sizeof(d->pid_path), "%s/opcua-session-manager-%s.pid",
             tmp && *tmp ? tmp : "/tmp", slug);
}

static int acquire_pid_file(osmd *d)
{
    FILE *f = fopen(d->pid_path, "r");
    if (f) {
        long pid = 0;
        if (fscanf(f, "%ld", &pid) == 1 && pid > 0 &&
            (kill((pid_t)pid, 0) == 0 || errno == EPERM)) {
            fclose(f);
            fprintf(stderr,
                    "opcua-session-manager: Another daemon instance is already running (PID: %ld). "
                    "If this is stale, remove %s\n",
                    pid, d->pid_path);
            return -1;
        }
        fclose(f);
        unlink(d->pid_path); /* stale */
    }
    int fd = open(d->pid_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        fprintf(stderr, "opcua-session-manager: cannot write the PID file %s: %s\n", d->pid_path,
                strerror(errno));
        return -1;
    }
    char buf[24];
    int n = snprintf(buf, sizeof(buf), "%ld", (long)getpid());
    ssize_t w = write(fd, buf, (size_t)n);
    close(fd);
    return w == n ? 0 : -1;
}

/* ---- expiry ------------------------------------------------------------ */

static void on_cleanup(uv_timer_t *t)
{
    osmd *d = t->data;
    double now = daemon_now();
    dsession *s = d->head;
    while (s) {
        dsession *next = s->next;
        /* --config connections are meant to stay: they never expire. */
        if (!s->name && now - s->last_used > d->cfg.timeout_s) {
            log_info("Session %s expired (endpoint: %s)", s->id, s->endpoint_url);
            store_unlink(d, s);
            store_retire(d, s);
        }
        s = next;
    }
}

/* ---- shutdown ------------------------------------------------------------ */

static void finish_shutdown(osmd *d)
{
    unlink(d->pid_path);
    uv_stop(d->loop);
}

static void on_ipc_closed(void *ud)
{
    osmd *d = ud;
    d->ipc = NULL;
    if (d->pending_disconnects == 0)
        finish_shutdown(d);
}

void daemon_retired(osmd *d)
{
    if (d->shutting_down && d->pending_disconnects == 0 && !d->ipc)
        finish_shutdown(d);
}

static void on_shutdown_deadline(uv_timer_t *t)
{
    osmd *d = t->data;
    if (d->pending_disconnects > 0)
        log_warning("%d session(s) did not close in time", d->pending_disconnects);
    if (!d->ipc)
        finish_shutdown(d);
    else
        d->pending_disconnects = 0; /* on_ipc_closed finishes */
}

static void shutdown_daemon(osmd *d)
{
    if (d->shutting_down)
        return;
    d->shutting_down = true;
    log_info("Shutting down...");
    dautoconn_stop(d);
    uv_timer_stop(&d->cleanup_timer);
    while (d->head) {
        dsession *s = d->head;
        store_unlink(d, s);
        store_retire(d, s);
    }
    drev_stop(d);
    uv_timer_start(&d->shutdown_timer, on_shutdown_deadline, 5000, 0);
    if (d->ipc)
        ipc_server_close(d->ipc, on_ipc_closed);
}

static void on_signal(uv_signal_t *sig, int signum)
{
    (void)signum;
    shutdown_daemon(sig->data);
}

static void on_sighup(uv_signal_t *sig, int signum)
{
    osmd *d = sig->data;
    (void)signum;
    dnotify_reopen(&d->notify); /* log rotation of --events-file */
}

/* ---- startup --------------------------------------------------------------- */

static FILE *open_log(const char *path)
{
    /* Create missing parent directories (0755), as the reference does. */
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s", path);
    for (char *p = dir + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            mkdir(dir, 0755);
            *p = '/';
        }
    }
    return fopen(path, "a");
}

static void walk_close(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}


/* Start-up failed: release what was set up so far (every part accepts its
 * zeroed state) and return code. */
static int startup_failed(osmd *d, int code)
{
    dautoconn_free(d);
    dnotify_clear(&d->notify);
    dcache_free(d->cache);
    d->cache = NULL;
    if (d->pid_path[0])
        unlink(d->pid_path);
    daemon_config_clear(&d->cfg);
    return code;
}

int main(int argc, char **argv)
{
    osmd d;
    memset(&d, 0, sizeof(d));
    int rc = daemon_config_parse(&d.cfg, argc, argv, getenv("OPCUA_AUTH_TOKEN"), stdout, stderr);
    if (rc != DAEMON_CONFIG_RUN) {
        daemon_config_clear(&d.cfg);
        return rc == DAEMON_CONFIG_EXIT_OK ? 0 : rc == DAEMON_CONFIG_USAGE ? 2 : 1;
    }
    FILE *logf = NULL;
    if (d.cfg.log_file) {
        logf = open_log(d.cfg.log_file);
        if (!logf) {
            fprintf(stderr, "opcua-session-manager: Cannot open log file: %s\n", d.cfg.log_file);
            daemon_config_clear(&d.cfg);
            return 1;
        }
        log_set_stream(logf);
    }
    log_set_level(d.cfg.log_level);
    signal(SIGPIPE, SIG_IGN); /* a client gone mid-reply must not kill us */
    char cerr[1024];
    if (dautoconn_load(&d, cerr, sizeof(cerr)) != 0) {
        fprintf(stderr, "opcua-session-manager: --config %s\n", cerr);
        return startup_failed(&d, 2);
    }
    if (dnotify_init(&d.notify, d.cfg.events_file, (size_t)d.cfg.watch_queue) != 0) {
        fprintf(stderr, "opcua-session-manager: Cannot open events file: %s\n",
                d.cfg.events_file);
        return startup_failed(&d, 1);
    }

    ipc_server_config ic;
    ipc_server_config_init(&ic);
    char err[512];
    if (ipc_endpoint_parse(d.cfg.socket_uri, &ic.endpoint, err, sizeof(err)) != 0) {
        fprintf(stderr, "opcua-session-manager: %s\n", err);
        return startup_failed(&d, 1);
    }
    pid_path_for(&d, &ic.endpoint);
    if (session_config_init_key() != 0 || acquire_pid_file(&d) != 0) {
        d.pid_path[0] = 0; /* not ours to remove */
        return startup_failed(&d, 1);
    }
    int cache_failed = 0;
    d.cache = dcache_new(d.cfg.cache_driver, d.cfg.cache_path, d.cfg.cache_ttl_s, err, sizeof(err),
                         &cache_failed);
    if (cache_failed) {
        fprintf(stderr, "opcua-session-manager: %s\n", err);
        return startup_failed(&d, 1);
    }
    uv_loop_t loop;
    uv_loop_init(&loop);
    d.loop = &loop;
    ic.socket_mode = d.cfg.socket_mode;
    ic.replace_non_socket = true; /* daemon.md §3: whatever is at the path goes */
    ic.auth_token = d.cfg.auth_token;
    ic.limits.first_line_timeout_ms = (uint64_t)(d.cfg.ipc_timeout_s * 1000);
    ic.dispatch = daemon_dispatch;
    ic.ud = &d;
    if (ipc_server_new(&loop, &ic, &d.ipc, err, sizeof(err)) != 0) {
        fprintf(stderr, "opcua-session-manager: %s\n", err);
        uv_loop_close(&loop);
        return startup_failed(&d, 1);
    }
    if (drev_start(&d, err, sizeof(err)) != 0) {
        fprintf(stderr, "opcua-session-manager: %s\n", err);
        log_error("%s", err);
        drev_stop(&d);
        ipc_server_close(d.ipc, NULL);
        uv_run(&loop, UV_RUN_DEFAULT);
        drev_free(&d);
        uv_loop_close(&loop);
        return startup_failed(&d, 1);
    }
    if (!d.cfg.auth_token)
        log_warning("No auth token configured. Any local process can control the daemon.");
    log_info("OPC UA Session Manager started on %s", ipc_server_uri(d.ipc));
    log_info("Timeout: %gs, Cleanup interval: %gs, Max sessions: %ld", d.cfg.timeout_s,
             d.cfg.cleanup_interval_s, d.cfg.max_sessions);
    if (ic.endpoint.transport == IPC_TRANSPORT_UNIX)
        log_info("Socket permissions: %o", d.cfg.socket_mode);
    if (d.cfg.auto_publish || d.cfg.events_file)
        log_info("Auto-publish enabled");
    if (d.cfg.events_file)
        log_info("Notifications go to %s", strcmp(d.cfg.events_file, "-") == 0
                                               ? "stdout"
                                               : d.cfg.events_file);

    uv_timer_init(&loop, &d.cleanup_timer);
    d.cleanup_timer.data = &d;
    uint64_t every = (uint64_t)(d.cfg.cleanup_interval_s * 1000);
    uv_timer_start(&d.cleanup_timer, on_cleanup, every, every);
    uv_timer_init(&loop, &d.shutdown_timer);
    d.shutdown_timer.data = &d;
    uv_signal_init(&loop, &d.sigterm);
    uv_signal_init(&loop, &d.sigint);
    d.sigterm.data = d.sigint.data = &d;
    uv_signal_start(&d.sigterm, on_signal, SIGTERM);
    uv_signal_start(&d.sigint, on_signal, SIGINT);
    if (d.cfg.events_file) {
        uv_signal_init(&loop, &d.sighup);
        d.sighup.data = &d;
        uv_signal_start(&d.sighup, on_sighup, SIGHUP);
    }
    if (dautoconn_start(&d) != 0)
        log_error("Auto-connect cannot start: out of memory");

    uv_run(&loop, UV_RUN_DEFAULT);

    /* Release what is left: handles, then their memory. */
    uv_walk(&loop, walk_close, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    drev_free(&d);
    dautoconn_free(&d);
    dnotify_clear(&d.notify);
    uv_loop_close(&loop);
    dcache_free(d.cache);
    daemon_config_clear(&d.cfg);
    if (logf)
        fclose(logf);
    return 0;
}
