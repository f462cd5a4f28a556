/* After the client reconnected a session that auto-publishes: a
 * re-activated session kept its subscriptions (gaps are then found from
 * the sequence numbers); a new session gets them by TransferSubscriptions
 * with sendInitialValues (Part 4 (1.05) 5.13.7) and a Republish of what
 * the server still holds, or, when the server lost them (a restart), they
 * are re-created from the registry with the same client handles. Each
 * outcome is logged, saying whether notifications were missed. */
#include <stdlib.h>
#include <string.h>

#include "daemon_publish_int.h"
#include "daemon_notify.h"
#include "ua_statuscodes.h"
#include "util/log.h"

static void step_done(dpub *p)
{
    if (--p->recovering == 0) {
        dpub_sync(p->d, p->s); /* subscriptions may be gone: stop then */
        dpub_fill(p);
    }
}

static ua_status result_of(ua_status st, void *resp)
{
    if (st == UA_STATUS_GOOD && !resp)
        return UA_STATUS_BADUNEXPECTEDERROR;
    if (st == UA_STATUS_GOOD && UA_STATUS_IS_BAD(((ua_ResponseHeader *)resp)->serviceResult))
        return ((ua_ResponseHeader *)resp)->serviceResult;
    return st;
}

/* ---- monitored items ------------------------------------------------------ */

static void on_items_recreated(ua_client *c, ua_status st, void *resp, void *ud)
{
    pctx *x = ud;
    (void)c;
    dpub *p = dpub_live(x);
    if (!p)
        return;
    st = result_of(st, resp);
    dsub *sub = dsubs_find(&p->s->subs, x->sub_id);
    ua_CreateMonitoredItemsResponse *r = resp;
    size_t ok = 0;
    if (st != UA_STATUS_GOOD) {
        log_error("Subscription %u of session %s: its monitored items could not be re-created: "
                  "%s",
                  (unsigned)x->sub_id, x->sid, ua_status_name(st));
    } else if (sub) {
        /* Look every item up by its old id before any id changes. */
        dsub_item **items = calloc(x->n_ids ? x->n_ids : 1, sizeof(*items));
        for (size_t i = 0; items && i < x->n_ids; i++)
            items[i] = dsub_find_item(sub, x->ids[i]);
        for (size_t i = 0; items && i < x->n_ids && i < r->resultsSize; i++) {
            if (!items[i])
                continue;
            if (UA_STATUS_IS_BAD(r->results[i].statusCode)) {
                log_warning("Subscription %u of session %s: monitored item with client handle %u "
                            "could not be re-created: %s",
                            (unsigned)sub->id, x->sid, (unsigned)items[i]->client_handle,
                            ua_status_name(r->results[i].statusCode));
                continue;
            }
            items[i]->monitored_item_id = r->results[i].monitoredItemId;
            ok++;
        }
        free(items);
        log_info("Subscription %u of session %s: %zu of %zu monitored item(s) re-created",
                 (unsigned)sub->id, x->sid, ok, x->n_ids);
    }
    dpub_ctx_free(x);
    step_done(p);
}

static void recreate_items(dpub *p, dsub *sub)
{
    size_t n = 0;
    for (size_t i = 0; i < sub->n_items; i++)
        n += sub->items[i].create != NULL;
    if (n == 0)
        return;
    pctx *x = dpub_ctx_new(p);
    ua_MonitoredItemCreateRequest *reqs = calloc(n, sizeof(*reqs));
    if (x)
        x->ids = calloc(n, sizeof(uint32_t));
    if (!x || !reqs || !x->ids) {
        free(reqs);
        if (x)
            dpub_ctx_free(x);
        log_error("Subscription %u of session %s: out of memory re-creating its items",
                  (unsigned)sub->id, p->s->id);
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < sub->n_items; i++) {
        if (!sub->items[i].create)
            continue;
        reqs[k] = *sub->items[i].create; /* shallow: borrowed for the send */
        x->ids[k++] = sub->items[i].monitored_item_id;
    }
    x->n_ids = n;
    x->sub_id = sub->id;
    ua_CreateMonitoredItemsRequest r;
    ua_init(&r, UA_TYPE_CREATEMONITOREDITEMSREQUEST);
    r.subscriptionId = sub->id;
    r.timestampsToReturn = UA_TIMESTAMPSTORETURN_BOTH;
    r.itemsToCreate = reqs;
    r.itemsToCreateSize = n;
    ua_status st = ua_client_create_monitored_items(p->s->client, &r, on_items_recreated, x);
    free(reqs);
    if (st != UA_STATUS_GOOD) {
        log_error("Subscription %u of session %s: cannot re-create its items: %s",
                  (unsigned)sub->id, p->s->id, ua_status_name(st));
        dpub_ctx_free(x);
        return;
    }
    p->recovering++;
}

/* ---- subscriptions ----------------------------------------------------------- */

static void on_sub_recreated(ua_client *c, ua_status st, void *resp, void *ud)
{
    pctx *x = ud;
    (void)c;
    dpub *p = dpub_live(x);
    if (!p)
        return;
    st = result_of(st, resp);
    dsub *sub = dsubs_find(&p->s->subs, x->sub_id);
    if (sub && st != UA_STATUS_GOOD) {
        log_error("Subscription %u of session %s could not be re-created (%s): no longer "
                  "tracked",
                  (unsigned)x->sub_id, x->sid, ua_status_name(st));
        dsubs_remove(&p->s->subs, x->sub_id);
    } else if (sub) {
        ua_CreateSubscriptionResponse *r = resp;
        sub->id = r->subscriptionId;
        sub->publishing_interval = r->revisedPublishingInterval;
        sub->lifetime_count = r->revisedLifetimeCount;
        sub->max_keepalive_count = r->revisedMaxKeepAliveCount;
        sub->last_seq = 0;
        log_warning("Subscription %u of session %s re-created as %u (the server no longer had "
                    "it): notifications between the connection loss and now were missed",
                    (unsigned)x->sub_id, x->sid, (unsigned)sub->id);
        json_t *o = dpub_line(p, "SubscriptionRecreated", sub->id);
        json_object_set_new(o, "previousSubscriptionId", json_integer(x->sub_id));
        dnotify_emit(p->d, p->s->id, o);
        json_decref(o);
        recreate_items(p, sub);
    }
    dpub_ctx_free(x);
    step_done(p);
}

static void recreate(dpub *p, dsub *sub)
{
    pctx *x = dpub_ctx_new(p);
    if (!x)
        return;
    x->sub_id = sub->id;
    ua_CreateSubscriptionRequest r;
    ua_init(&r, UA_TYPE_CREATESUBSCRIPTIONREQUEST);
    r.requestedPublishingInterval = sub->publishing_interval > 0 ? sub->publishing_interval : 500;
    r.requestedLifetimeCount = sub->lifetime_count ? sub->lifetime_count : 2400;
    r.requestedMaxKeepAliveCount = sub->max_keepalive_count ? sub->max_keepalive_count : 10;
    r.maxNotificationsPerPublish = sub->max_notifications;
    r.publishingEnabled = true;
    r.priority = sub->priority;
    ua_status st = ua_client_service(p->s->client, &r, UA_TYPE_CREATESUBSCRIPTIONREQUEST,
                                     UA_TYPE_CREATESUBSCRIPTIONRESPONSE, 0, on_sub_recreated, x);
    if (st != UA_STATUS_GOOD) {
        log_error("Subscription %u of session %s: cannot re-create it: %s", (unsigned)sub->id,
                  p->s->id, ua_status_name(st));
        dpub_ctx_free(x);
        return;
    }
    p->recovering++;
}

/* ---- transfer ----------------------------------------------------------------- */

static void transferred(dpub *p, dsub *sub, const ua_TransferResult *tr)
{
    log_info("Subscription %u transferred successfully (%zu available sequence numbers)",
             (unsigned)sub->id, tr->availableSequenceNumbersSize);
    uint32_t newest = 0;
    for (size_t k = 0; k < tr->availableSequenceNumbersSize; k++)
        if (tr->availableSequenceNumbers[k] > newest)
            newest = tr->availableSequenceNumbers[k];
    if (sub->last_seq && newest > sub->last_seq) {
        uint32_t from = sub->last_seq + 1;
        sub->last_seq = newest;
        dpub_republish_range(p, sub->id, from, newest);
    } else {
        log_info("Subscription %u of session %s: no notifications missed", (unsigned)sub->id,
                 p->s->id);
    }
}

static void on_transferred(ua_client *c, ua_status st, void *resp, void *ud)
{
    pctx *x = ud;
    (void)c;
    dpub *p = dpub_live(x);
    if (!p)
        return;
    st = result_of(st, resp);
    ua_TransferSubscriptionsResponse *r = resp;
    if (st != UA_STATUS_GOOD)
        log_warning("Subscription transfer failed for session %s: %s", x->sid, ua_status_name(st));
    for (size_t i = 0; i < x->n_ids; i++) {
        dsub *sub = dsubs_find(&p->s->subs, x->ids[i]);
        if (!sub)
            continue;
        if (st == UA_STATUS_GOOD && i < r->resultsSize &&
            !UA_STATUS_IS_BAD(r->results[i].statusCode)) {
            transferred(p, sub, &r->results[i]);
            continue;
        }
        if (st == UA_STATUS_GOOD && i < r->resultsSize)
            log_warning("Subscription %u transfer failed (status: 0x%08X %s), re-creating it",
                        (unsigned)sub->id, (unsigned)r->results[i].statusCode,
                        ua_status_name(r->results[i].statusCode));
        recreate(p, sub);
    }
    dpub_ctx_free(x);
    step_done(p);
}

void dpub_recover(dpub *p)
{
    dsession *s = p->s;
    bool recreated = p->recreated;
    p->recreated = false;
    if (!p->active || s->subs.count == 0)
        return;
    if (!recreated) {
        log_info("Reconnected session %s (OPC UA session re-activated): %zu subscription(s) "
                 "kept; gaps are republished",
                 s->id, s->subs.count);
        return;
    }
    log_info("Reconnected session %s with a new OPC UA session", s->id);
    log_info("Transferring %zu subscription(s) for session %s", s->subs.count, s->id);
    pctx *x = dpub_ctx_new(p);
    if (x)
        x->ids = calloc(s->subs.count, sizeof(uint32_t));
    if (!x || !x->ids) {
        if (x)
            dpub_ctx_free(x);
        log_error("Session %s: out of memory transferring subscriptions", s->id);
        return;
    }
    for (dsub *sub = s->subs.head; sub; sub = sub->next)
        x->ids[x->n_ids++] = sub->id;
    ua_TransferSubscriptionsRequest r;
    ua_init(&r, UA_TYPE_TRANSFERSUBSCRIPTIONSREQUEST);
    r.subscriptionIds = x->ids;
    r.subscriptionIdsSize = x->n_ids;
    r.sendInitialValues = true;
    p->recovering++;
    ua_status st = ua_client_service(s->client, &r, UA_TYPE_TRANSFERSUBSCRIPTIONSREQUEST,
                                     UA_TYPE_TRANSFERSUBSCRIPTIONSRESPONSE, 0, on_transferred, x);
    if (st != UA_STATUS_GOOD) {
        log_warning("Subscription transfer failed for session %s: %s", s->id, ua_status_name(st));
        dpub_ctx_free(x);
        p->recovering--;
    }
}
