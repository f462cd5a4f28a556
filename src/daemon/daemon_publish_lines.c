/* Notification lines of the auto-publish engine (daemon_publish_int.h):
 * the wire shape of each notification plus where it came from, status
 * changes, keep-alives, and the alarm mark for events of conditions. */
#include <stdlib.h>
#include <string.h>

#include "daemon_notify.h"
#include "daemon_notify_text.h"
#include "daemon_publish_int.h"
#include "daemon_types.h"
#include "ipc_json.h"
#include "ua_statuscodes.h"
#include "util/log.h"
#include "wire.h"

/* DataChange lines go to the sinks in batches of about BATCH_FLUSH bytes;
 * a batch holds that plus one line of at most 16 MiB (as dnotify_emit). */
#define BATCH_FLUSH ((size_t)1 << 20)
#define BATCH_MAX   (BATCH_FLUSH + ((size_t)16 << 20))
/* The common fields of a line: ids, name and URL. */
#define PREFIX_MAX ((size_t)64 << 10)

json_t *dpub_line(dpub *p, const char *type, uint32_t sub_id)
{
    dsession *s = p->s;
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(type));
    json_object_set_new(o, "sessionId", json_string(s->id));
    if (s->name)
        json_object_set_new(o, "name", json_string(s->name));
    json_object_set_new(o, "endpointUrl", json_string(s->endpoint_url));
    json_object_set_new(o, "subscriptionId", json_integer(sub_id));
    return o;
}

static void emit_status_changes(dpub *p, uint32_t sub_id, const ua_NotificationMessage *m)
{
    for (size_t i = 0; m->notificationData && i < m->notificationDataSize; i++) {
        const ua_ExtensionObject *eo = &m->notificationData[i];
        if (eo->encoding != UA_EXTOBJ_DECODED || eo->type != UA_TYPE_STATUSCHANGENOTIFICATION ||
            !eo->data)
            continue;
        const ua_StatusChangeNotification *sc = eo->data;
        log_warning("Subscription %u of session %s: status changed to %s", (unsigned)sub_id,
                    p->s->id, ua_status_name(sc->status));
        json_t *o = dpub_line(p, "StatusChange", sub_id);
        json_object_set_new(o, "sequenceNumber", json_integer(m->sequenceNumber));
        json_object_set_new(o, "publishTime", wire_from_datetime(m->publishTime));
        json_object_set_new(o, "status", json_integer(sc->status));
        json_object_set_new(o, "statusName", json_string(ua_status_name(sc->status)));
        dnotify_emit(p->d, p->s->id, o);
        json_decref(o);
    }
}

/* Fields only a condition carries (Part 9 (1.05) 5.5.2, 5.7.2, 5.8.2). */
static bool condition_field(const ua_String *name)
{
    static const char *const names[] = {"ConditionName", "ActiveState", "AckedState", "Retain"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (name->length == strlen(names[i]) && memcmp(name->data, names[i], name->length) == 0)
            return true;
    return false;
}

/* An event is an alarm when its item selects a condition field and the
 * event has a value there: the event comes from a condition. */
static bool is_alarm(dpub *p, uint32_t sub_id, json_t *n)
{
    dsub *sub = dsubs_find(&p->s->subs, sub_id);
    json_t *h = json_object_get(n, "clientHandle");
    dsub_item *it = sub ? dsub_find_handle(sub, (uint32_t)json_integer_value(h)) : NULL;
    if (!it || !it->create)
        return false;
    const ua_ExtensionObject *eo = &it->create->requestedParameters.filter;
    if (eo->encoding != UA_EXTOBJ_DECODED || eo->type != UA_TYPE_EVENTFILTER || !eo->data)
        return false;
    const ua_EventFilter *f = eo->data;
    json_t *fields = json_object_get(n, "eventFields");
    for (size_t i = 0; f->selectClauses && i < f->selectClausesSize; i++) {
        const ua_SimpleAttributeOperand *op = &f->selectClauses[i];
        if (!op->browsePath || !op->browsePathSize || !condition_field(&op->browsePath[0].name))
            continue;
        json_t *v = json_object_get(json_array_get(fields, i), "value");
        if (v && !json_is_null(v))
            return true;
    }
    return false;
}

/* Notifications of kinds other than DataChange (events), one line each
 * through jansson: the fields of the line, then those of the notification. */
static void emit_json(dpub *p, uint32_t sub_id, const ua_NotificationMessage *m, json_t *list,
                      bool republished)
{
    size_t i;
    json_t *n;
    json_array_foreach(list, i, n)
    {
        json_t *type = json_object_get(n, "type");
        json_t *o =
            dpub_line(p, json_is_string(type) ? json_string_value(type) : "Notification", sub_id);
        json_object_set_new(o, "sequenceNumber", json_integer(m->sequenceNumber));
        json_object_set_new(o, "publishTime", wire_from_datetime(m->publishTime));
        const char *key;
        json_t *v;
        json_object_foreach(n, key, v)
        {
            if (strcmp(key, "type") != 0)
                json_object_set(o, key, v);
        }
        if (json_is_string(type) && strcmp(json_string_value(type), "Event") == 0 &&
            is_alarm(p, sub_id, n))
            json_object_set_new(o, "alarm", json_true());
        if (republished)
            json_object_set_new(o, "republished", json_true());
        dnotify_emit(p->d, p->s->id, o);
        json_decref(o);
    }
}

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

void dpub_lines_clear(dpub *p)
{
    bbuf_clear(&p->head);
    free(p->head_name);
    free(p->head_url);
    p->head_name = p->head_url = NULL;
}

/* p->head: dpub_line's object without its subscriptionId (the last key)
 * and closing brace; made again when the session's name or URL changed. */
static int make_head(dpub *p)
{
    dsession *s = p->s;
    if (p->head.len && same_text(p->head_name, s->name) && same_text(p->head_url, s->endpoint_url))
        return 0;
    dpub_lines_clear(p);
    bbuf_init(&p->head, PREFIX_MAX);
    p->head_name = s->name ? strdup(s->name) : NULL;
    p->head_url = s->endpoint_url ? strdup(s->endpoint_url) : NULL;
    if ((s->name && !p->head_name) || (s->endpoint_url && !p->head_url))
        return BBUF_ENOMEM;
    json_t *o = dpub_line(p, "DataChange", 0);
    json_object_del(o, "subscriptionId");
    int rc = ipc_json_dump(o, &p->head);
    json_decref(o);
    if (rc == 0)
        p->head.len--; /* "}" */
    else
        p->head.len = 0;
    return rc;
}

/* The text of a DataChange line up to its own fields: what emit_json
 * writes before them, without the closing brace. */
static int data_change_prefix(dpub *p, uint32_t sub_id, const ua_NotificationMessage *m,
                              dntext_cache *c, bbuf *out)
{
    int rc = make_head(p);
    out->len = 0;
    if (rc == 0)
        rc = bbuf_append(out, p->head.data, p->head.len);
    if (rc == 0)
        rc = dntext_message_fields(sub_id, m->sequenceNumber, m->publishTime, c, out);
    return rc;
}

static void flush_batch(dpub *p, bbuf *batch)
{
    dnotify_emit_lines(p->d, p->s->id, (const char *)batch->data, batch->len);
    batch->len = 0;
}

/* DataChange items are the bulk of what a subscription delivers: their
 * lines are rendered straight to text (daemon_notify_text.h) and reach
 * the sinks in batches, one write per BATCH_FLUSH bytes. */
static void emit_data_changes(dpub *p, const bbuf *prefix, const ua_DataChangeNotification *dc,
                              bool republished, dntext_cache *cache, bbuf *batch)
{
    for (size_t i = 0; dc->monitoredItems && i < dc->monitoredItemsSize; i++) {
        if (dntext_data_change_line((const char *)prefix->data, prefix->len, &dc->monitoredItems[i],
                                    republished, cache, batch) != 0)
            log_warning("A notification of session %s could not be serialised; skipped", p->s->id);
        if (batch->len >= BATCH_FLUSH)
            flush_batch(p, batch);
    }
}

void dpub_emit_message(dpub *p, uint32_t sub_id, const ua_NotificationMessage *m, bool republished)
{
    /* The response is the client's, borrowed for this callback: decoding
     * its bodies of discovered types in place is safe until it returns. */
    dtypes_resolve_notifications(p->s, (ua_NotificationMessage *)(uintptr_t)m);
    bbuf batch, prefix;
    bbuf_init(&batch, BATCH_MAX);
    bbuf_init(&prefix, PREFIX_MAX);
    dntext_cache cache = {0};
    bool have_prefix = false;
    for (size_t i = 0; m->notificationData && i < m->notificationDataSize; i++) {
        const ua_ExtensionObject *eo = &m->notificationData[i];
        if (eo->encoding != UA_EXTOBJ_DECODED || !eo->data)
            continue; /* as wire_from_notifications */
        if (eo->type == UA_TYPE_DATACHANGENOTIFICATION &&
            (have_prefix ||
             (have_prefix = data_change_prefix(p, sub_id, m, &cache, &prefix) == 0))) {
            emit_data_changes(p, &prefix, eo->data, republished, &cache, &batch);
            continue;
        }
        /* Anything else keeps its place in the order of the lines. */
        flush_batch(p, &batch);
        ua_NotificationMessage one = *m;
        one.notificationData = (ua_ExtensionObject *)(uintptr_t)eo;
        one.notificationDataSize = 1;
        json_t *list = wire_from_notifications(&one);
        emit_json(p, sub_id, m, list, republished);
        json_decref(list);
    }
    flush_batch(p, &batch);
    bbuf_clear(&batch);
    bbuf_clear(&prefix);
    emit_status_changes(p, sub_id, m);
}

void dpub_emit_keepalive(dpub *p, const ua_PublishResponse *r)
{
    json_t *o = dpub_line(p, "KeepAlive", r->subscriptionId);
    json_object_set_new(o, "sequenceNumber", json_integer(r->notificationMessage.sequenceNumber));
    json_object_set_new(o, "publishTime", wire_from_datetime(r->notificationMessage.publishTime));
    dnotify_emit(p->d, p->s->id, o);
    json_decref(o);
}
