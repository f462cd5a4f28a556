/* The auto-publish engine (daemon_publish.h): Publish requests kept
 * outstanding so the server always has one to answer with (Part 4 (1.05)
 * 5.13.5: a client queues several to cover the network round trip),
 * acknowledgements carried by the next request, gaps in the sequence
 * numbers republished (5.13.6), errors paced and counted as in daemon.md §7.
 * Recovery after a reconnect lives in daemon_recover.c. */
#include <stdlib.h>
#include <string.h>

#include "daemon_notify.h"
#include "daemon_publish_int.h"
#include "ua_statuscodes.h"
#include "util/log.h"
#include "wire.h"

/* Hard ceiling of one Publish's deadline. */
#define PUBLISH_TIMEOUT_CAP_MS 600000u

static uint64_t next_gen = 1;

/* ---- request contexts --------------------------------------------------- */

pctx *dpub_ctx_new(dpub *p)
{
    pctx *x = calloc(1, sizeof(*x));
    if (!x)
        return NULL;
    x->d = p->d;
    memcpy(x->sid, p->s->id, sizeof(x->sid));
    x->gen = p->gen;
    return x;
}

void dpub_ctx_free(pctx *x)
{
    free(x->acks);
    free(x->ids);
    free(x);
}

dpub *dpub_of(pctx *x)
{
    dsession *s = store_find(x->d, x->sid);
    if (!s || strcmp(s->id, x->sid) != 0 || !s->pub || s->pub->gen != x->gen)
        return NULL;
    return s->pub;
}

dpub *dpub_live(pctx *x)
{
    dpub *p = dpub_of(x);
    if (!p)
        dpub_ctx_free(x);
    return p;
}

/* ---- acknowledgements -------------------------------------------------------- */

static int add_ack(dpub *p, uint32_t sub_id, uint32_t seq)
{
    if (p->n_acks == p->cap_acks) {
        size_t cap = p->cap_acks ? p->cap_acks * 2 : 16;
        void *a = realloc(p->acks, cap * sizeof(*p->acks));
        if (!a)
            return -1;
        p->acks = a;
        p->cap_acks = cap;
    }
    p->acks[p->n_acks].subscriptionId = sub_id;
    p->acks[p->n_acks].sequenceNumber = seq;
    p->n_acks++;
    return 0;
}

/* ---- gaps ---------------------------------------------------------------------- */

typedef struct pgap {
    osmd *d;
    char sid[33];
    uint32_t sub_id, from, to;
    unsigned pending;
    unsigned recovered, missed;
} pgap;

static void gap_done(pgap *g, dpub *p)
{
    if (p && g->missed == 0) {
        log_info("Subscription %u of session %s: sequence numbers %u..%u recovered by "
                 "republish, nothing missed",
                 (unsigned)g->sub_id, g->sid, (unsigned)g->from, (unsigned)g->to);
    } else if (p) {
        log_warning("Subscription %u of session %s: %u notification message(s) missed "
                    "(sequence numbers %u..%u; %u recovered by republish)",
                    (unsigned)g->sub_id, g->sid, g->missed, (unsigned)g->from, (unsigned)g->to,
                    g->recovered);
        json_t *o = dpub_line(p, "Missed", g->sub_id);
        json_object_set_new(o, "fromSequenceNumber", json_integer(g->from));
        json_object_set_new(o, "toSequenceNumber", json_integer(g->to));
        json_object_set_new(o, "missed", json_integer(g->missed));
        dnotify_emit(p->d, p->s->id, o);
        json_decref(o);
    }
    free(g);
}

static void on_republished(ua_client *c, ua_status st, void *resp, void *ud)
{
    pctx *x = ud;
    (void)c;
    pgap *g = x->gap;
    dpub *p = dpub_of(x);
    ua_RepublishResponse *r = resp;
    if (st == UA_STATUS_GOOD && r && UA_STATUS_IS_BAD(r->responseHeader.serviceResult))
        st = r->responseHeader.serviceResult;
    if (st == UA_STATUS_GOOD && r) {
        g->recovered++;
        log_debug("Republished sequence %u for subscription %u", (unsigned)x->seq,
                  (unsigned)x->sub_id);
        if (p) {
            dpub_emit_message(p, x->sub_id, &r->notificationMessage, true);
            add_ack(p, x->sub_id, x->seq);
        }
    } else {
        g->missed++;
    }
    if (--g->pending == 0)
        gap_done(g, p);
    dpub_ctx_free(x);
}

void dpub_republish_range(dpub *p, uint32_t sub_id, uint32_t from, uint32_t to)
{
    pgap *g = calloc(1, sizeof(*g));
    if (!g || to < from) {
        free(g);
        return;
    }
    g->d = p->d;
    memcpy(g->sid, p->s->id, sizeof(g->sid));
    g->sub_id = sub_id;
    g->from = from;
    g->to = to;
    log_warning("Subscription %u of session %s: sequence numbers %u..%u not received, "
                "republishing",
                (unsigned)sub_id, p->s->id, (unsigned)from, (unsigned)to);
    uint32_t first = to - from >= DPUB_MAX_REPUBLISH ? to - DPUB_MAX_REPUBLISH + 1 : from;
    g->missed = first - from;
    g->pending = 1; /* held while sending */
    for (uint32_t seq = first; seq <= to && seq != 0; seq++) {
        pctx *x = dpub_ctx_new(p);
        ua_RepublishRequest r;
        ua_init(&r, UA_TYPE_REPUBLISHREQUEST);
        r.subscriptionId = sub_id;
        r.retransmitSequenceNumber = seq;
        if (x) {
            x->sub_id = sub_id;
            x->seq = seq;
            x->gap = g;
        }
        if (!x ||
            ua_client_service(p->s->client, &r, UA_TYPE_REPUBLISHREQUEST, UA_TYPE_REPUBLISHRESPONSE,
                              0, on_republished, x) != UA_STATUS_GOOD) {
            g->missed++;
            if (x)
                dpub_ctx_free(x);
            continue;
        }
        g->pending++;
        if (seq == to)
            break;
    }
    if (--g->pending == 0)
        gap_done(g, p);
}

/* ---- the publish loop ---------------------------------------------------------- */

static void give_back_acks(dpub *p, pctx *x)
{
    for (size_t i = 0; i < x->n_acks; i++)
        add_ack(p, x->acks[i].subscriptionId, x->acks[i].sequenceNumber);
}

static void handle_response(dpub *p, const ua_PublishResponse *r)
{
    dsession *s = p->s;
    const ua_NotificationMessage *m = &r->notificationMessage;
    dsub *sub = dsubs_find(&s->subs, r->subscriptionId);
    s->last_used = daemon_now(); /* daemon.md §5.2: every good cycle touches */
    if (m->notificationDataSize == 0) {
        /* Part 4 (1.05) 7.21: a keep-alive carries the next sequence number. */
        if (sub && sub->last_seq && m->sequenceNumber > sub->last_seq + 1) {
            uint32_t last = sub->last_seq;
            sub->last_seq = m->sequenceNumber - 1;
            dpub_republish_range(p, sub->id, last + 1, m->sequenceNumber - 1);
        }
        dpub_emit_keepalive(p, r);
        return;
    }
    add_ack(p, r->subscriptionId, m->sequenceNumber);
    if (sub) {
        if (sub->last_seq && m->sequenceNumber <= sub->last_seq) {
            log_debug("Subscription %u: sequence %u already delivered", (unsigned)sub->id,
                      (unsigned)m->sequenceNumber);
            return;
        }
        uint32_t last = sub->last_seq;
        sub->last_seq = m->sequenceNumber;
        if (last && m->sequenceNumber > last + 1)
            dpub_republish_range(p, sub->id, last + 1, m->sequenceNumber - 1);
    }
    dpub_emit_message(p, r->subscriptionId, m, false);
}

static void stop(dpub *p)
{
    if (!p->active)
        return;
    p->active = false;
    p->waiting = false;
    uv_timer_stop(p->timer);
    log_info("Auto-publish stopped for session %s", p->s->id);
}

static void on_timer(uv_timer_t *t);

static void pause_for(dpub *p, uint64_t ms)
{
    p->waiting = true;
    uv_timer_start(p->timer, on_timer, ms, 0);
}

static bool is_connection_error(ua_status st)
{
    return st == UA_STATUS_BADCONNECTIONCLOSED || st == UA_STATUS_BADNOTCONNECTED ||
           st == UA_STATUS_BADSECURECHANNELCLOSED || st == UA_STATUS_BADSERVERNOTCONNECTED ||
           st == UA_STATUS_BADSHUTDOWN || st == UA_STATUS_BADCOMMUNICATIONERROR;
}

static void on_error(dpub *p, pctx *x, ua_status st)
{
    give_back_acks(p, x);
    if (st == UA_STATUS_BADTOOMANYPUBLISHREQUESTS) {
        /* The server's limit: keep only as many as it takes. */
        p->target = p->outstanding > 0 ? p->outstanding : 1;
        log_debug("Session %s: the server takes at most %u Publish request(s)", p->s->id,
                  p->target);
        if (p->outstanding == 0 && !p->waiting)
            pause_for(p, 1000);
        return;
    }
    if (st == UA_STATUS_BADNOSUBSCRIPTION && p->s->subs.count == 0) {
        stop(p);
        return;
    }
    if (is_connection_error(st) || p->broken ||
        ua_client_get_state(p->s->client) != UA_CLIENT_CONNECTED) {
        if (!p->conn_warned)
            log_warning("Auto-publish connection error for session %s: %s", p->s->id,
                        ua_status_name(st));
        p->conn_warned = true;
        return; /* the client reconnects; on_state resumes */
    }
    if (p->waiting)
        return; /* one burst of failed requests counts once */
    p->errors++;
    if (p->errors >= DPUB_MAX_ERRORS) {
        log_error("Auto-publish stopped for session %s after %d consecutive errors", p->s->id,
                  DPUB_MAX_ERRORS);
        stop(p);
        return;
    }
    log_warning("Auto-publish error for session %s (%u/%d): %s", p->s->id, p->errors,
                DPUB_MAX_ERRORS, ua_status_name(st));
    pause_for(p, DPUB_ERROR_DELAY_MS);
}

static void on_publish(ua_client *c, ua_status st, void *resp, void *ud)
{
    pctx *x = ud;
    (void)c;
    dpub *p = dpub_live(x);
    if (!p)
        return;
    p->outstanding--;
    ua_PublishResponse *r = resp;
    if (st == UA_STATUS_GOOD && !r)
        st = UA_STATUS_BADUNEXPECTEDERROR;
    if (st == UA_STATUS_GOOD && UA_STATUS_IS_BAD(r->responseHeader.serviceResult))
        st = r->responseHeader.serviceResult;
    if (!p->active) {
        dpub_ctx_free(x); /* stopped meanwhile: nobody wants it */
        return;
    }
    if (st == UA_STATUS_GOOD) {
        p->errors = 0;
        p->conn_warned = false;
        handle_response(p, r);
    } else {
        on_error(p, x, st);
    }
    dpub_ctx_free(x);
    dpub_fill(p);
}

static uint32_t publish_timeout(const dpub *p)
{
    const dsession *s = p->s;
    uint32_t base =
        s->settings.has_opcua_timeout ? (uint32_t)(s->settings.opcua_timeout * 1000.0) : 5000u;
    /* With n requests queued, the last may wait n keep-alive periods. */
    uint64_t t = (uint64_t)dsubs_publish_timeout_ms(&s->subs, base) * (p->target ? p->target : 1);
    return t > PUBLISH_TIMEOUT_CAP_MS ? PUBLISH_TIMEOUT_CAP_MS : (uint32_t)t;
}

static int send_publish(dpub *p)
{
    pctx *x = dpub_ctx_new(p);
    if (!x)
        return -1;
    ua_PublishRequest r;
    ua_init(&r, UA_TYPE_PUBLISHREQUEST);
    r.subscriptionAcknowledgements = p->n_acks ? p->acks : NULL;
    r.subscriptionAcknowledgementsSize = p->n_acks;
    ua_status st =
        ua_client_service_timeout(p->s->client, &r, UA_TYPE_PUBLISHREQUEST, UA_TYPE_PUBLISHRESPONSE,
                                  0, publish_timeout(p), on_publish, x);
    if (st != UA_STATUS_GOOD) {
        dpub_ctx_free(x);
        return -1;
    }
    /* Sent: the acks travel with this request (given back if it fails). */
    x->acks = p->acks;
    x->n_acks = p->n_acks;
    p->acks = NULL;
    p->n_acks = p->cap_acks = 0;
    p->outstanding++;
    return 0;
}

void dpub_fill(dpub *p)
{
    while (p->active && !p->waiting && !p->broken && !p->recovering && p->outstanding < p->target &&
           p->s->client && ua_client_get_state(p->s->client) == UA_CLIENT_CONNECTED) {
        if (send_publish(p) != 0)
            break;
    }
}

/* ---- the client's observers ------------------------------------------------------ */

static void on_timer(uv_timer_t *t)
{
    dpub *p = t->data;
    p->waiting = false;
    if (p->need_recover) {
        p->need_recover = false;
        dpub_recover(p);
    }
    dpub_fill(p);
}

static void on_state(ua_client *c, ua_client_state state, ua_status reason, void *ud)
{
    dpub *p = ud;
    (void)c;
    if (state == UA_CLIENT_BROKEN && !p->broken) {
        p->broken = true;
        log_warning("Connection lost for session %s (%s): notifications resume after the "
                    "reconnect",
                    p->s->id, ua_status_name(reason));
    } else if (state == UA_CLIENT_CONNECTED && p->broken) {
        p->broken = false;
        p->conn_warned = false;
        p->need_recover = true;
        pause_for(p, 0); /* recover outside the client's callback */
    } else if (state == UA_CLIENT_DISCONNECTED && p->active) {
        log_error("Auto-publish recovery failed for session %s, stopping", p->s->id);
        stop(p);
    }
}

static void on_session(ua_client *c, bool recreated, void *ud)
{
    dpub *p = ud;
    (void)c;
    p->recreated = recreated;
}

/* ---- start / stop ------------------------------------------------------------------ */

static dpub *pub_new(osmd *d, dsession *s)
{
    dpub *p = calloc(1, sizeof(*p));
    uv_timer_t *t = malloc(sizeof(*t));
    if (!p || !t) {
        free(p);
        free(t);
        return NULL;
    }
    p->d = d;
    p->s = s;
    p->gen = next_gen++;
    p->timer = t;
    uv_timer_init(d->loop, t);
    t->data = p;
    ua_client_set_state_cb(s->client, on_state, p);
    ua_client_set_session_cb(s->client, on_session, p);
    return p;
}

static unsigned target_for(const dsession *s)
{
    size_t n = s->subs.count + 1;
    if (n < DPUB_MIN_OUTSTANDING)
        n = DPUB_MIN_OUTSTANDING;
    if (n > DPUB_MAX_OUTSTANDING)
        n = DPUB_MAX_OUTSTANDING;
    return (unsigned)n;
}

void dpub_sync(osmd *d, dsession *s)
{
    bool want = s->client && s->subs.count > 0 && !d->shutting_down &&
                (d->cfg.auto_publish || dnotify_has_global_sink(d) || dnotify_watched(d, s->id));
    if (!s->pub && !want)
        return;
    if (!s->pub && !(s->pub = pub_new(d, s))) {
        log_error("Auto-publish cannot start for session %s: out of memory", s->id);
        return;
    }
    dpub *p = s->pub;
    p->target = target_for(s);
    if (want && !p->active) {
        p->active = true;
        p->errors = 0;
        log_info("Auto-publish started for session %s", s->id);
    } else if (!want) {
        stop(p);
    }
    dpub_fill(p);
}

bool dpub_active(const dsession *s)
{
    return s->pub && s->pub->active;
}

static void on_timer_closed(uv_handle_t *h)
{
    free(h);
}

void dpub_session_gone(osmd *d, dsession *s)
{
    (void)d;
    dpub *p = s->pub;
    if (!p)
        return;
    stop(p);
    if (s->client) {
        ua_client_set_state_cb(s->client, NULL, NULL);
        ua_client_set_session_cb(s->client, NULL, NULL);
    }
    uv_close((uv_handle_t *)p->timer, on_timer_closed);
    dpub_lines_clear(p);
    free(p->acks);
    free(p);
    s->pub = NULL;
}
