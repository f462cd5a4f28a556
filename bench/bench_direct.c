/* bench_direct: the same reads done in-process by the project's own OPC UA
 * stack, without the daemon: the yardstick for the daemon's overhead and
 * for short-lived callers.
 *
 *   bench_direct read    URL NODE N   connect once, N sequential reads, latency
 *   bench_direct oneshot URL NODE [PKI_DIR]
 *                                     connect, read once, disconnect (what a
 *                                     short-lived program without the daemon does);
 *                                     with PKI_DIR over Basic256Sha256
 *                                     SignAndEncrypt, with the certificate kept
 *                                     there (made on first use)
 * Prints one JSON line (read) or nothing (oneshot); exit status 1 on failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "bench_util.h"
#include "ua_cert.h"
#include "ua_client.h"
#include "ua_nodeids.h"
#include "ua_policy.h"
#include "ua_statuscodes.h"
#include "ua_text.h"

typedef struct run {
    ua_ReadValueId id;
    ua_ReadRequest req;
    size_t left;
    uint64_t started, t0;
    bench_samples s;
    int failed;
    int oneshot;
} run;

static void on_disconnected(ua_client *c, ua_status st, void *ud)
{
    (void)st;
    (void)ud;
    ua_client_delete(c);
}

static void finish(ua_client *c, run *r)
{
    if (!r->oneshot && !r->failed)
        bench_samples_print(&r->s, "direct-read", bench_now_ns() - r->t0);
    ua_client_disconnect(c, on_disconnected, NULL);
}

static void next_read(ua_client *c, run *r);

static void on_read(ua_client *c, ua_status st, void *resp, void *ud)
{
    run *r = ud;
    const ua_ReadResponse *rr = resp;
    if (st != UA_STATUS_GOOD || !rr || rr->resultsSize != 1 ||
        rr->results[0].status != UA_STATUS_GOOD) {
        fprintf(stderr, "bench_direct: read failed: %s\n", ua_status_name(st));
        r->failed = 1;
        finish(c, r);
        return;
    }
    bench_samples_add(&r->s, bench_now_ns() - r->started);
    if (--r->left == 0)
        finish(c, r);
    else
        next_read(c, r);
}

static void next_read(ua_client *c, run *r)
{
    r->started = bench_now_ns();
    ua_status st = ua_client_read(c, &r->req, on_read, r);
    if (st != UA_STATUS_GOOD) {
        fprintf(stderr, "bench_direct: read: %s\n", ua_status_name(st));
        r->failed = 1;
        finish(c, r);
    }
}

static void on_connected(ua_client *c, ua_status st, void *ud)
{
    run *r = ud;
    if (st != UA_STATUS_GOOD) {
        fprintf(stderr, "bench_direct: cannot connect: %s\n", ua_status_name(st));
        r->failed = 1;
        ua_client_delete(c);
        return;
    }
    r->t0 = bench_now_ns();
    next_read(c, r);
}

/* Basic256Sha256 SignAndEncrypt with the certificate kept in dir, as the
 * daemon does with its --pki-dir. */
static int secure_config(ua_client_config *cfg, const char *dir, char **app_uri)
{
    ua_cert_error err;
    ua_String uri = {0};
    const ua_policy *p = ua_policy_find("http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256");
    if (!p ||
        ua_cert_load_or_create(dir, NULL, &cfg->client_cert_der, &cfg->client_key, NULL, &err) !=
            UA_STATUS_GOOD ||
        ua_cert_application_uri(&cfg->client_cert_der, &uri) != UA_STATUS_GOOD ||
        !(*app_uri = strndup((const char *)uri.data, uri.length))) {
        ua_clear(&uri, UA_BUILTIN(UA_KIND_STRING));
        fprintf(stderr, "bench_direct: no client certificate in %s\n", dir);
        return -1;
    }
    cfg->channel.policy = &p->ops;
    cfg->channel.security_mode = UA_MESSAGESECURITYMODE_SIGNANDENCRYPT;
    ua_clear(&uri, UA_BUILTIN(UA_KIND_STRING));
    cfg->application_uri = *app_uri;
    return 0;
}

int main(int argc, char **argv)
{
    run r;
    memset(&r, 0, sizeof(r));
    if (argc == 5 && strcmp(argv[1], "read") == 0) {
        r.left = strtoul(argv[4], NULL, 10);
    } else if ((argc == 4 || argc == 5) && strcmp(argv[1], "oneshot") == 0) {
        r.left = 1;
        r.oneshot = 1;
    } else {
        fprintf(stderr, "usage: bench_direct read URL NODE N | oneshot URL NODE [PKI_DIR]\n");
        return 2;
    }
    bench_require(r.left > 0 && bench_samples_init(&r.s, r.left) == 0, "a positive count");
    ua_init(&r.id, UA_TYPE_READVALUEID);
    if (ua_nodeid_parse(&r.id.nodeId, argv[3], strlen(argv[3])) != 0) {
        fprintf(stderr, "bench_direct: bad node id %s\n", argv[3]);
        return 2;
    }
    r.id.attributeId = UA_ATTRIBUTEID_VALUE;
    ua_init(&r.req, UA_TYPE_READREQUEST);
    r.req.nodesToRead = &r.id;
    r.req.nodesToReadSize = 1;
    r.req.timestampsToReturn = UA_TIMESTAMPSTORETURN_BOTH;

    uv_loop_t loop;
    uv_loop_init(&loop);
    ua_client_config cfg;
    ua_client_config_default(&cfg);
    /* what the daemon does by default for a fresh session, minus the
     * OperationLimits and NamespaceArray read that a one-node read does
     * not need */
    cfg.read_server_limits = false;
    cfg.read_namespaces = false;
    char *app_uri = NULL;
    if (r.oneshot && argc == 5 && secure_config(&cfg, argv[4], &app_uri) != 0)
        return 1;
    ua_client *c = ua_client_new(&loop, &cfg);
    bench_require(c != NULL, "ua_client_new");
    if (ua_client_connect(c, argv[2], on_connected, &r) != UA_STATUS_GOOD) {
        fprintf(stderr, "bench_direct: cannot connect to %s\n", argv[2]);
        return 1;
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    ua_clear(&r.id.nodeId, UA_BUILTIN(UA_KIND_NODEID));
    bench_samples_free(&r.s);
    ua_clear(&cfg.client_cert_der, UA_BUILTIN(UA_KIND_BYTESTRING));
    EVP_PKEY_free(cfg.client_key);
    free(app_uri);
    return r.failed;
}
