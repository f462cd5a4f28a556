/* Notification lines of the auto-publish engine (daemon_publish_int.h):
 * the wire shape of each notification plus where it came from, status
 * changes, keep-alives, and the alarm mark for events of conditions. */
#include <string.h>

#include "daemon_notify.h"
#include "daemon_publish_int.h"
#include "daemon_types.h"
#include "ua_statuscodes.h"
#include "util/log.h"
#include "wire.h"

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

void dpub_emit_message(dpub *p, uint32_t sub_id, const ua_NotificationMessage *m, bool republished)
{
    /* The response is the client's, borrowed for this callback: decoding
     * its bodies of discovered types in place is safe until it returns. */
    dtypes_resolve_notifications(p->s, (ua_NotificationMessage *)(uintptr_t)m);
    json_t *list = wire_from_notifications(m);
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
    json_decref(list);
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
