/* The --config file: named connections opened at start-up, each with an
 * endpoint, an `open` config and subscriptions with monitored items and
 * event monitored items, in the schema of daemon.md §8 (snake_case keys,
 * the same defaults). Unlike the reference, which falls back to defaults
 * on a misspelt key, an unknown key or a wrong type is an error that names
 * its place in the file. Pure parsing; the connecting is
 * daemon_autoconnect.c's. */
#ifndef DAEMON_AUTOCONFIG_H
#define DAEMON_AUTOCONFIG_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct dac_item {
    json_t *node_id;          /* owned: {"ns","id","type"}, as the query methods take it */
    uint32_t attribute_id;    /* 13 */
    double sampling_interval; /* 250.0 */
    uint32_t queue_size;      /* 1 */
    uint32_t client_handle;   /* 0 */
} dac_item;

typedef struct dac_event_item {
    json_t *node_id;        /* owned, as above */
    json_t *select_fields;  /* owned array of strings, NULL = the default six */
    uint32_t client_handle; /* 1 */
} dac_event_item;

typedef struct dac_sub {
    double publishing_interval;             /* 500.0 */
    uint32_t lifetime_count;                /* 2400 */
    uint32_t max_keep_alive_count;          /* 10 */
    uint32_t max_notifications_per_publish; /* 0 */
    uint32_t priority;                      /* 0 (0..255) */
    dac_item *items;
    size_t n_items;
    dac_event_item *events;
    size_t n_events;
} dac_sub;

typedef struct dac_conn {
    char *name;     /* owned; also addresses the session in query/close/watch */
    char *endpoint; /* owned */
    json_t *config; /* owned object (the `open` config), never NULL */
    dac_sub *subs;
    size_t n_subs;
} dac_conn;

typedef struct dac_list {
    dac_conn *conns; /* in file order */
    size_t n;
} dac_list;

/** Parses the top-level object {"<name>": {...}, ...} (borrowed) into *out.
 *  Returns 0, or -1 with a one-line reason in err (errlen bytes); *out is
 *  then empty. Clear *out with dac_list_clear in every case. */
int dac_parse(const json_t *root, dac_list *out, char *err, size_t errlen);
/** Reads and parses the file at path (same returns). */
int dac_load(const char *path, dac_list *out, char *err, size_t errlen);
void dac_list_clear(dac_list *l);

#endif
