/* Per-session registry of the OPC UA subscriptions a daemon session has
 * created through `query`/`invoke` (daemon.md §5.1: "tracked
 * subscriptions"): id, revised parameters and monitored items. It mirrors
 * what the server confirmed; it sends nothing itself. Auto-publish and
 * recovery (re-create / transfer after a reconnect) build on it.
 *
 * Threading: loop thread only, like the session that owns it.
 * Ownership: a dsubs is embedded in its dsession (init with dsubs_init,
 * released with dsubs_clear when the session is freed). Pointers to a dsub
 * stay valid until that subscription is removed or the registry cleared;
 * pointers to a dsub_item only until the next change of its subscription's
 * items. Every function accepts a zeroed registry. */
#ifndef DAEMON_SUBS_H
#define DAEMON_SUBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ua_types.h"

/* Bounds of one Publish's deadline (see dsubs_publish_timeout_ms). */
#define DSUBS_PUBLISH_TIMEOUT_MIN_MS 5000u
#define DSUBS_PUBLISH_TIMEOUT_MAX_MS 120000u

typedef struct dsub_item {
    uint32_t monitored_item_id; /* the server's id */
    uint32_t client_handle;     /* as notifications carry it */
    ua_NodeId node_id;          /* owned */
    uint32_t attribute_id;      /* 13 Value (data change), 12 EventNotifier (events) */
    bool is_event;
    /* The request that created it (owned copy, NULL if unknown): what a
     * re-create after a server restart sends again. */
    ua_MonitoredItemCreateRequest *create;
} dsub_item;

typedef struct dsub {
    struct dsub *next;
    uint32_t id;
    double publishing_interval; /* revised, ms; 0 = unknown (transferred in) */
    uint32_t lifetime_count;    /* revised */
    uint32_t max_keepalive_count;
    uint32_t max_notifications; /* as requested; for a re-create */
    uint8_t priority;
    uint32_t last_seq; /* auto-publish: newest sequence number received, 0 = none */
    dsub_item *items;  /* owned, n_items used of cap */
    size_t n_items, cap;
} dsub;

typedef struct dsubs {
    dsub *head; /* creation order */
    size_t count;
} dsubs;

void dsubs_init(dsubs *r);
/** Frees every subscription and item; leaves r empty (and reusable). */
void dsubs_clear(dsubs *r);

/** Returns the tracked subscription with this id, or NULL. */
dsub *dsubs_find(dsubs *r, uint32_t id);
/** Tracks a subscription (or updates the revised values of a tracked one).
 *  Returns it, or NULL when out of memory. */
dsub *dsubs_add(dsubs *r, uint32_t id, double publishing_interval, uint32_t lifetime_count,
                uint32_t max_keepalive_count);
/** Untracks id with its items. Returns true when it was tracked. */
bool dsubs_remove(dsubs *r, uint32_t id);

/** Records a monitored item the server created (node_id is copied).
 *  Returns 0, or -1 when out of memory (the registry is unchanged). */
int dsub_add_item(dsub *s, uint32_t monitored_item_id, uint32_t client_handle,
                  const ua_NodeId *node_id, uint32_t attribute_id, bool is_event);
dsub_item *dsub_find_item(dsub *s, uint32_t monitored_item_id);
/** Returns the item with this client handle (the first one), or NULL. */
dsub_item *dsub_find_handle(dsub *s, uint32_t client_handle);
/** Keeps a copy of the request that created it. Returns 0 or -1 (ENOMEM). */
int dsub_item_keep_request(dsub_item *it, const ua_MonitoredItemCreateRequest *r);
/** Returns true when the item was tracked. */
bool dsub_remove_item(dsub *s, uint32_t monitored_item_id);

/** Smallest revised publishing interval of the tracked subscriptions in
 *  ms, or 0 when none is known. */
double dsubs_min_interval(const dsubs *r);
/** How long a Publish may legitimately wait on the server: the longest
 *  keep-alive period (publishingInterval x maxKeepAliveCount) of the tracked
 *  subscriptions plus a margin, never below base_ms, and within
 *  DSUBS_PUBLISH_TIMEOUT_MIN_MS..DSUBS_PUBLISH_TIMEOUT_MAX_MS. Part 4 (1.05)
 *  5.13.1.1: the server answers a Publish at the latest when the keep-alive
 *  counter of a subscription expires. */
uint32_t dsubs_publish_timeout_ms(const dsubs *r, uint32_t base_ms);

#endif
