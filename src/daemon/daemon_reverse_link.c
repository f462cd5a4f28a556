/* Reverse Connect, the session side: a session opened with
 * config.reverseConnect has a link (the ServerUri it waits for), its
 * client a socket_source whose every `want` becomes a wish, answered from
 * a timer with a held connection that matches, or when one arrives.
 * The first connect waits up to its timeout; a dropped session waits for
 * the server to dial back without end (it never dials out). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon_int.h"
#include "daemon_reverse_int.h"
#include "ua_statuscodes.h"
#include "util/log.h"

#define SECOND_DIAL_MS 15000

static bool link_matches(const drev_link *l, const rconn *c)
{
    if (l->server_uri[0])
        return strcmp(l->server_uri, c->rhe.server_uri) == 0;
    return strcmp(l->endpoint_url, c->rhe.endpoint_url) == 0;
}

static drev_link *link_of(drev *r, const ua_client *c)
{
    for (drev_link *l = r->links; l; l = l->next)
        if (l->client == c)
            return l;
    return NULL;
}

static void wish_end(wish *w);

static void hand_over(rconn *c, drev_link *l, wish *w)
{
    uv_os_fd_t fd;
    ua_channel_socket s;
    memset(&s, 0, sizeof(s));
    if (uv_fileno((uv_handle_t *)&c->tcp, &fd) != 0 || (s.fd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0) {
        log_warning("Reverse Connect: cannot take over the connection from %s", c->peer);
        drev_conn_end(c);
        return;
    }
    uv_read_stop((uv_stream_t *)&c->tcp);
    s.hello_done = true;
    s.hello = c->hello;
    s.ack = c->ack;
    char *url = strdup(c->rhe.endpoint_url);
    if (!l->server_uri[0]) {
        char *learned = strdup(c->rhe.server_uri);
        if (learned) {
            free(l->server_uri);
            l->server_uri = learned;
        }
    }
    char uri[160];
    log_info("Reverse Connect: the connection of %s from %s goes to a session",
             drev_printable(c->rhe.server_uri, uri, sizeof(uri)), c->peer);
    ua_client *client = w->client;
    wish_end(w);
    drev_conn_end(c); /* closes our descriptor; the duplicate lives on */
    ua_client_take_socket(client, url ? UA_STATUS_GOOD : UA_STATUS_BADOUTOFMEMORY, url, &s);
    free(url);
}

void drev_offer(drev *r, rconn *c)
{
    for (wish *w = r->wishes; w; w = w->next) {
        drev_link *l = link_of(r, w->client);
        if (l && link_matches(l, c)) {
            hand_over(c, l, w);
            return;
        }
    }
}

/* ---- wishes: clients waiting for a connection ----------------------------- */

static void on_wish_closed(uv_handle_t *h)
{
    free(h->data);
}

static void wish_end(wish *w)
{
    drev *r = w->r;
    if (w->prev)
        w->prev->next = w->next;
    else
        r->wishes = w->next;
    if (w->next)
        w->next->prev = w->prev;
    uv_close((uv_handle_t *)&w->timer, on_wish_closed);
}

static rconn *find_held(drev *r, const drev_link *l)
{
    for (rconn *c = r->conns; c; c = c->next)
        if (c->state == RC_HELD && link_matches(l, c))
            return c;
    return NULL;
}

static void on_wish_timer(uv_timer_t *t)
{
    wish *w = t->data;
    drev *r = w->r;
    drev_link *l = link_of(r, w->client);
    rconn *c = l ? find_held(r, l) : NULL;
    if (c) {
        hand_over(c, l, w);
        return;
    }
    ua_client *client = w->client;
    char uri[160];
    if (l)
        log_warning("Reverse Connect: no connection from %s in time",
                    l->server_uri[0] ? drev_printable(l->server_uri, uri, sizeof(uri))
                                     : drev_printable(l->endpoint_url, uri, sizeof(uri)));
    wish_end(w);
    ua_client_take_socket(client, l ? UA_STATUS_BADTIMEOUT : UA_STATUS_BADINTERNALERROR, NULL,
                          NULL);
}

/* ua_client_socket_source.want: answered from a timer, never from here. */
static void source_want(void *ud, ua_client *client)
{
    drev *r = ud;
    wish *w = calloc(1, sizeof(*w));
    if (!w) {
        log_error("Reverse Connect: out of memory");
        return;
    }
    w->r = r;
    w->client = client;
    uv_timer_init(r->loop, &w->timer);
    w->timer.data = w;
    w->next = NULL;
    w->prev = NULL;
    /* Oldest first: append. */
    wish **tail = &r->wishes;
    wish *prev = NULL;
    while (*tail) {
        prev = *tail;
        tail = &(*tail)->next;
    }
    *tail = w;
    w->prev = prev;
    drev_link *l = link_of(r, client);
    if (!l || r->stopping || find_held(r, l))
        uv_timer_start(&w->timer, on_wish_timer, 0, 0);
    else if (ua_client_get_state(client) == UA_CLIENT_DISCONNECTED)
        uv_timer_start(&w->timer, on_wish_timer, l->timeout_ms, 0);
    else if (ua_client_get_state(client) == UA_CLIENT_CONNECTING)
        /* The secured channel after GetEndpoints needs the server's next
         * dial, which comes after its re-dial delay: wait at least 15 s. */
        uv_timer_start(&w->timer, on_wish_timer,
                       l->timeout_ms > SECOND_DIAL_MS ? l->timeout_ms : SECOND_DIAL_MS, 0);
    /* else: a dropped session waits for its server to dial back. */
}

static void source_cancel(void *ud, ua_client *client)
{
    drev *r = ud;
    wish *w = r->wishes;
    while (w) {
        wish *next = w->next;
        if (w->client == client)
            wish_end(w);
        w = next;
    }
}

/* ---- links (sessions opened with reverseConnect) --------------------------- */

drev_link *drev_link_new(struct osmd *d, const char *server_uri, const char *endpoint_url,
                         char *msg, size_t msg_size)
{
    drev *r = d->rev;
    if (!r) {
        snprintf(msg, msg_size,
                 "Reverse Connect is not enabled: start the daemon with "
                 "--reverse-listen and --reverse-allow");
        return NULL;
    }
    bool allowed = !server_uri[0];
    for (size_t i = 0; i < r->nallow && !allowed; i++)
        allowed = strcmp(r->allow[i], server_uri) == 0;
    if (!allowed || r->nallow == 0) {
        snprintf(msg, msg_size, "ServerUri \"%.300s\" is not in the daemon's --reverse-allow list",
                 server_uri[0] ? server_uri : "(any)");
        return NULL;
    }
    drev_link *l = calloc(1, sizeof(*l));
    if (l) {
        l->server_uri = strdup(server_uri);
        l->endpoint_url = strdup(endpoint_url);
    }
    if (!l || !l->server_uri || !l->endpoint_url) {
        if (l) {
            free(l->server_uri);
            free(l->endpoint_url);
        }
        free(l);
        snprintf(msg, msg_size, "out of memory");
        return NULL;
    }
    l->r = r;
    l->next = r->links;
    if (r->links)
        r->links->prev = l;
    r->links = l;
    return l;
}

void drev_link_configure(drev_link *l, ua_client_config *cc)
{
    l->timeout_ms = cc->timeout_ms;
    cc->socket_source.want = source_want;
    cc->socket_source.cancel = source_cancel;
    cc->socket_source.ud = l->r;
}

void drev_link_attach(drev_link *l, ua_client *c)
{
    l->client = c;
}

void drev_link_delete(drev_link *l)
{
    if (!l)
        return;
    drev *r = l->r;
    if (l->client)
        source_cancel(r, l->client);
    if (l->prev)
        l->prev->next = l->next;
    else
        r->links = l->next;
    if (l->next)
        l->next->prev = l->prev;
    free(l->server_uri);
    free(l->endpoint_url);
    free(l);
}

static const char *link_state(const drev_link *l)
{
    switch (l->client ? ua_client_get_state(l->client) : UA_CLIENT_DISCONNECTED) {
    case UA_CLIENT_CONNECTED:
        return "connected";
    case UA_CLIENT_BROKEN:
        return "waiting";
    default:
        return "connecting";
    }
}

json_t *drev_link_describe(const drev_link *l)
{
    json_t *o = json_object();
    json_object_set_new(o, "serverUri",
                        l->server_uri[0] ? json_string(l->server_uri) : json_null());
    json_object_set_new(o, "endpointUrl", json_string(l->endpoint_url));
    json_object_set_new(o, "state", json_string(link_state(l)));
    return o;
}

bool drev_link_waiting(const drev_link *l, const char *session_id, char *msg, size_t msg_size)
{
    if (!l || !l->client || ua_client_get_state(l->client) == UA_CLIENT_CONNECTED)
        return false;
    snprintf(msg, msg_size,
             "Session %s is waiting for the server %.300s to dial back (Reverse Connect); try "
             "again later",
             session_id, l->server_uri[0] ? l->server_uri : l->endpoint_url);
    return true;
}

void drev_wishes_fail_all(drev *r)
{
    while (r->wishes) {
        wish *w = r->wishes;
        ua_client *client = w->client;
        wish_end(w);
        ua_client_take_socket(client, UA_STATUS_BADSHUTDOWN, NULL, NULL);
    }
}
