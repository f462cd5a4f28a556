/* The history reads of `query` and `invoke` (query-methods.md rows 22-24):
 * HistoryRead with ReadRawModifiedDetails / ReadProcessedDetails /
 * ReadAtTimeDetails for one node, following continuation points within
 * the limits below and releasing the server's continuation point whenever
 * we stop before the end. Part 11 (1.05) 6.4; no HistoryUpdate here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_int.h"
#include "ua_nodeids.h"
#include "ua_statuscodes.h"
#include "util/log.h"
#include "wire.h"

/* Limits of one call (docs/internals/daemon.md): at most this many values
 * in the answer and this many HistoryRead round trips; values are asked
 * for in pages of HISTORY_PAGE. */
#define HISTORY_MAX_VALUES 10000u
#define HISTORY_MAX_ROUNDS 100u
#define HISTORY_PAGE       1000u

typedef struct hctx {
    osmd *d;
    ipc_request *req;
    char method[32];
    bool tagged;
    ua_HistoryReadRequest request; /* owned; resent with each continuation point */
    uint32_t cap;                  /* values to return at most */
    uint32_t rounds;
    json_t *acc; /* the values so far */
} hctx;

static void hctx_free(hctx *h)
{
    ua_clear(&h->request, UA_TYPE_HISTORYREADREQUEST);
    json_decref(h->acc);
    free(h);
}

static json_t *param(json_t *params, size_t i)
{
    json_t *p = params ? json_array_get(params, i) : NULL;
    return p && !json_is_null(p) ? p : NULL;
}

static void reply_wire_error(ipc_request *req, const wire_error *err)
{
    reply_error(req, err->type ? err->type : "TypeError", err->message);
}

/* A time parameter; PHP's DateTimeImmutable constructor reports a string
 * it cannot parse with a plain Exception. */
static int time_param(hctx *h, json_t *params, size_t i, const char *name, bool required,
                      ua_DateTime *out)
{
    json_t *p = param(params, i);
    *out = 0;
    if (!p && !required)
        return 0;
    wire_error err;
    wire_error_init(&err, name);
    if (!p) {
        char msg[120];
        snprintf(msg, sizeof(msg), "%s must be a date/time string", name);
        reply_error(h->req, "TypeError", msg);
        return -1;
    }
    if (wire_to_datetime(p, out, &err) != 0) {
        if (json_is_string(p))
            err.type = "Exception";
        reply_wire_error(h->req, &err);
        return -1;
    }
    return 0;
}

/* Fire and forget: Part 11 6.4.1, a continuation point we will not use is
 * released so the server can free it. */
static void release_cp(ua_client *c, hctx *h, const ua_ByteString *cp)
{
    ua_HistoryReadRequest r = h->request; /* shallow: borrowed members */
    ua_HistoryReadValueId id = h->request.nodesToRead[0];
    id.continuationPoint = *cp;
    r.nodesToRead = &id;
    r.releaseContinuationPoints = true;
    ua_client_service(c, &r, UA_TYPE_HISTORYREADREQUEST, UA_TYPE_HISTORYREADRESPONSE, 0, NULL,
                      NULL);
}

static void send_round(hctx *h, ua_client *c);

static void on_history(ua_client *c, ua_status st, void *resp, void *ud)
{
    hctx *h = ud;
    ua_ByteString *sent_cp = &h->request.nodesToRead[0].continuationPoint;
    if (st == UA_STATUS_GOOD && resp &&
        UA_STATUS_IS_BAD(((ua_ResponseHeader *)resp)->serviceResult))
        st = ((ua_ResponseHeader *)resp)->serviceResult;
    if (st != UA_STATUS_GOOD || !resp) {
        char what[64];
        snprintf(what, sizeof(what), "%s failed", h->method);
        reply_status(h->req, st != UA_STATUS_GOOD ? st : UA_STATUS_BADUNEXPECTEDERROR, what);
        if (sent_cp->length && st != UA_STATUS_BADSHUTDOWN)
            release_cp(c, h, sent_cp);
        hctx_free(h);
        return;
    }
    ua_HistoryReadResponse *r = resp;
    if (r->resultsSize != 1) {
        reply_error(h->req, "ServiceException",
                    "HistoryRead failed: the server returned no result");
        hctx_free(h);
        return;
    }
    ua_HistoryReadResult *res = &r->results[0];
    if (UA_STATUS_IS_BAD(res->statusCode)) {
        /* The PHP client's message for a Bad result. */
        char msg[160];
        snprintf(msg, sizeof(msg), "HistoryRead failed: %s", ua_status_name(res->statusCode));
        reply_error(h->req, "ServiceException", msg);
        if (res->continuationPoint.length)
            release_cp(c, h, &res->continuationPoint);
        hctx_free(h);
        return;
    }
    const ua_ExtensionObject *eo = &res->historyData;
    if (eo->encoding == UA_EXTOBJ_DECODED && eo->type == UA_TYPE_HISTORYDATA) {
        const ua_HistoryData *hd = eo->data;
        for (size_t i = 0; i < hd->dataValuesSize && json_array_size(h->acc) < h->cap; i++)
            json_array_append_new(h->acc, h->tagged ? wire_tagged_data_value(&hd->dataValues[i])
                                                    : wire_from_data_value(&hd->dataValues[i]));
    }
    if (res->continuationPoint.length) {
        if (json_array_size(h->acc) < h->cap && h->rounds < HISTORY_MAX_ROUNDS) {
            ua_clear(sent_cp, UA_BUILTIN(UA_KIND_BYTESTRING));
            if (ua_copy(&res->continuationPoint, sent_cp, UA_BUILTIN(UA_KIND_BYTESTRING)) ==
                UA_STATUS_GOOD) {
                send_round(h, c);
                return;
            }
        }
        if (json_array_size(h->acc) >= HISTORY_MAX_VALUES || h->rounds >= HISTORY_MAX_ROUNDS)
            log_debug("%s: stopped at %zu values after %u requests (daemon limit)", h->method,
                      json_array_size(h->acc), (unsigned)h->rounds);
        release_cp(c, h, &res->continuationPoint);
    }
    reply_data(h->req, json_incref(h->acc), h->tagged);
    hctx_free(h);
}

static void send_round(hctx *h, ua_client *c)
{
    h->rounds++;
    ua_status st = ua_client_service(c, &h->request, UA_TYPE_HISTORYREADREQUEST,
                                     UA_TYPE_HISTORYREADRESPONSE, 0, on_history, h);
    if (st != UA_STATUS_GOOD) {
        char what[64];
        snprintf(what, sizeof(what), "%s failed", h->method);
        reply_status(h->req, st, what);
        if (h->request.nodesToRead[0].continuationPoint.length)
            release_cp(c, h, &h->request.nodesToRead[0].continuationPoint);
        hctx_free(h);
    }
}

/* ---- the three kinds of details --------------------------------------------- */

static int raw_details(hctx *h, json_t *params, ua_ExtensionObject *out)
{
    ua_ReadRawModifiedDetails d;
    memset(&d, 0, sizeof(d));
    if (time_param(h, params, 1, "startTime", false, &d.startTime) != 0 ||
        time_param(h, params, 2, "endTime", false, &d.endTime) != 0)
        return -1;
    json_t *n = param(params, 3);
    if (n && (!json_is_integer(n) || json_integer_value(n) < 0 ||
              json_integer_value(n) > 4294967295LL)) {
        reply_error(h->req, "TypeError", "numValuesPerNode must be an integer in 0..4294967295");
        return -1;
    }
    uint32_t wanted = n ? (uint32_t)json_integer_value(n) : 0;
    /* numValuesPerNode caps the answer, as the reference's single request
     * does; 0 (no cap) gets the daemon's limit. Pages of HISTORY_PAGE keep
     * each response small; the server's continuation points link them. */
    h->cap = wanted && wanted < HISTORY_MAX_VALUES ? wanted : HISTORY_MAX_VALUES;
    d.numValuesPerNode = h->cap < HISTORY_PAGE ? h->cap : HISTORY_PAGE;
    json_t *bounds = param(params, 4);
    d.returnBounds = bounds && json_is_true(bounds);
    d.isReadModified = false;
    return ua_extobj_set_copy(out, &d, UA_TYPE_READRAWMODIFIEDDETAILS) == UA_STATUS_GOOD ? 0 : -2;
}

static int processed_details(hctx *h, json_t *params, ua_ExtensionObject *out)
{
    ua_ReadProcessedDetails d;
    ua_init(&d, UA_TYPE_READPROCESSEDDETAILS);
    if (time_param(h, params, 1, "startTime", true, &d.startTime) != 0 ||
        time_param(h, params, 2, "endTime", true, &d.endTime) != 0)
        return -1;
    json_t *interval = param(params, 3);
    if (!json_is_number(interval)) {
        reply_error(h->req, "TypeError", "processingInterval must be a number");
        return -1;
    }
    d.processingInterval = json_number_value(interval);
    ua_NodeId agg;
    wire_error err;
    wire_error_init(&err, "aggregateType");
    if (wire_to_nodeid(param(params, 4), &agg, &err) != 0) {
        reply_wire_error(h->req, &err);
        return -1;
    }
    d.aggregateType = &agg;
    d.aggregateTypeSize = 1;
    /* As the PHP client sends it: the server's defaults. */
    d.aggregateConfiguration.useServerCapabilitiesDefaults = true;
    d.aggregateConfiguration.treatUncertainAsBad = true;
    d.aggregateConfiguration.percentDataBad = 100;
    d.aggregateConfiguration.percentDataGood = 100;
    d.aggregateConfiguration.useSlopedExtrapolation = false;
    h->cap = HISTORY_MAX_VALUES;
    int rc = ua_extobj_set_copy(out, &d, UA_TYPE_READPROCESSEDDETAILS) == UA_STATUS_GOOD ? 0 : -2;
    ua_clear(&agg, UA_BUILTIN(UA_KIND_NODEID));
    return rc;
}

static int at_time_details(hctx *h, json_t *params, ua_ExtensionObject *out)
{
    json_t *times = param(params, 1);
    if (!json_is_array(times)) {
        reply_error(h->req, "TypeError", "timestamps must be an array of date/time strings");
        return -1;
    }
    ua_ReadAtTimeDetails d;
    ua_init(&d, UA_TYPE_READATTIMEDETAILS);
    wire_error err;
    wire_error_init(&err, "timestamps");
    if (wire_to_datetimes(times, &d.reqTimes, &d.reqTimesSize, &err) != 0) {
        if (err.type && strcmp(err.type, WIRE_INVALID_ARGUMENT) == 0)
            err.type = "Exception";
        reply_wire_error(h->req, &err);
        return -1;
    }
    d.useSimpleBounds = true;
    h->cap = HISTORY_MAX_VALUES;
    int rc = ua_extobj_set_copy(out, &d, UA_TYPE_READATTIMEDETAILS) == UA_STATUS_GOOD ? 0 : -2;
    ua_free(d.reqTimes);
    return rc;
}

bool query_history_run(osmd *d, dsession *s, ipc_request *req, const char *method, json_t *params,
                       bool tagged)
{
    int (*details)(hctx *, json_t *, ua_ExtensionObject *);
    if (strcmp(method, "historyReadRaw") == 0)
        details = raw_details;
    else if (strcmp(method, "historyReadProcessed") == 0)
        details = processed_details;
    else if (strcmp(method, "historyReadAtTime") == 0)
        details = at_time_details;
    else
        return false;
    hctx *h = calloc(1, sizeof(*h));
    ua_HistoryReadValueId *id = ua_array_new(1, UA_TYPE_HISTORYREADVALUEID);
    if (!h || !id || !(h->acc = json_array())) {
        free(h);
        ua_array_delete(id, id ? 1 : 0, UA_TYPE_HISTORYREADVALUEID);
        reply_error(req, "Exception", "out of memory");
        return true;
    }
    h->d = d;
    h->req = req;
    h->tagged = tagged;
    snprintf(h->method, sizeof(h->method), "%s", method);
    ua_init(&h->request, UA_TYPE_HISTORYREADREQUEST);
    h->request.nodesToRead = id;
    h->request.nodesToReadSize = 1;
    h->request.timestampsToReturn = UA_TIMESTAMPSTORETURN_BOTH;
    wire_error err;
    wire_error_init(&err, "nodeId");
    if (wire_to_nodeid(param(params, 0), &id->nodeId, &err) != 0) {
        reply_wire_error(req, &err);
        hctx_free(h);
        return true;
    }
    int rc = details(h, params, &h->request.historyReadDetails);
    if (rc != 0) {
        if (rc == -2)
            reply_error(req, "Exception", "out of memory");
        hctx_free(h);
        return true;
    }
    send_round(h, s->client);
    return true;
}
