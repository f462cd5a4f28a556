/* Private to the auto-publish engine: daemon_publish.c (publish loop,
 * gaps), daemon_publish_lines.c (the lines) and daemon_recover.c (after a reconnect: transfer or
 * re-create the subscriptions). */
#ifndef DAEMON_PUBLISH_INT_H
#define DAEMON_PUBLISH_INT_H

#include <stdint.h>

#include "daemon_int.h"
#include "daemon_publish.h"

typedef struct dpub {
    osmd *d;
    dsession *s;  /* the owner; the engine dies with it */
    uint64_t gen; /* tells a request's answer whether its engine still lives */
    bool active;
    bool waiting;        /* the timer runs: error pause or deferred recovery */
    bool broken;         /* connection lost: the client is reconnecting */
    bool recreated;      /* that reconnect made a new OPC UA session */
    bool need_recover;   /* reconnected: recover on the next timer tick */
    bool conn_warned;    /* one connection warning per loss */
    unsigned recovering; /* transfer / re-create requests in flight */
    unsigned outstanding;
    unsigned target;
    unsigned errors;                      /* consecutive */
    ua_SubscriptionAcknowledgement *acks; /* for the next Publish */
    size_t n_acks, cap_acks;
    /* daemon_publish_lines.c: the start of every DataChange line (type,
     * sessionId, name, endpointUrl) as text, and the name and URL it was
     * made from (owned); see dpub_lines_clear. */
    bbuf head;
    char *head_name, *head_url;
    uv_timer_t *timer; /* heap: freed in its close callback */
} dpub;

/* One request of the engine in flight. The session is looked up again by
 * id when the answer comes. */
typedef struct pctx {
    osmd *d;
    char sid[33];
    uint64_t gen;
    uint32_t sub_id;
    uint32_t seq;
    ua_SubscriptionAcknowledgement *acks; /* Publish: what it acknowledged */
    size_t n_acks;
    uint32_t *ids; /* transfer: subscription ids; re-create: item ids */
    size_t n_ids;
    struct pgap *gap;
} pctx;

pctx *dpub_ctx_new(dpub *p);
void dpub_ctx_free(pctx *x);
/** The live engine a request belongs to, or NULL. */
dpub *dpub_of(pctx *x);
/** In a response callback: the live engine, or NULL after freeing x when
 *  the session or its engine is gone (the callback then returns). */
dpub *dpub_live(pctx *x);
/** Sends Publish requests up to the target. */
void dpub_fill(dpub *p);
/** Republishes sequence numbers from..to of sub_id (a gap); logs what
 *  came back and what was missed. */
void dpub_republish_range(dpub *p, uint32_t sub_id, uint32_t from, uint32_t to);
/** A line with the common fields: type, sessionId, name, endpointUrl,
 *  subscriptionId (returns owned). */
json_t *dpub_line(dpub *p, const char *type, uint32_t sub_id);
/** Emits every notification of m as lines. */
void dpub_emit_message(dpub *p, uint32_t sub_id, const ua_NotificationMessage *m, bool republished);
/** Releases what the lines keep in p (the cached start of a line). */
void dpub_lines_clear(dpub *p);
/** Emits the keep-alive line of an empty publish response. */
void dpub_emit_keepalive(dpub *p, const ua_PublishResponse *r);

/** daemon_recover.c: the client reconnected (p->recreated says how). */
void dpub_recover(dpub *p);

#endif
