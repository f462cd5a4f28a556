/* The tagged "wire" JSON (type-serialization.md §3.3) of the subscription
 * results the invoke command returns: SubscriptionResult,
 * MonitoredItemResult, MonitoredItemModifyResult, SetTriggeringResult,
 * TransferResult, PublishResult, and republish's plain map. Notifications
 * are plain maps whose DataValue / Variant members are tagged. */
#include "wire_int.h"

static json_t *tag(const char *type)
{
    return wire_put(json_object(), "__t", json_string(type));
}

static json_t *u32s(const uint32_t *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && v && i < n; i++)
        a = wire_push(a, json_integer(v[i]));
    return a;
}

json_t *wire_tagged_subscription_result(const ua_CreateSubscriptionResponse *r)
{
    json_t *o = tag("SubscriptionResult");
    o = wire_put(o, "subId", json_integer(r->subscriptionId));
    o = wire_put(o, "interval", wire_json_real(r->revisedPublishingInterval));
    o = wire_put(o, "lifetime", json_integer(r->revisedLifetimeCount));
    return wire_put(o, "keepAlive", json_integer(r->revisedMaxKeepAliveCount));
}

json_t *wire_tagged_monitored_item_result(const ua_MonitoredItemCreateResult *r)
{
    json_t *o = tag("MonitoredItemResult");
    o = wire_put(o, "status", json_integer(r->statusCode));
    o = wire_put(o, "id", json_integer(r->monitoredItemId));
    o = wire_put(o, "interval", wire_json_real(r->revisedSamplingInterval));
    return wire_put(o, "queue", json_integer(r->revisedQueueSize));
}

json_t *wire_tagged_monitored_item_modify_result(const ua_MonitoredItemModifyResult *r)
{
    json_t *o = tag("MonitoredItemModifyResult");
    o = wire_put(o, "status", json_integer(r->statusCode));
    o = wire_put(o, "interval", wire_json_real(r->revisedSamplingInterval));
    return wire_put(o, "queue", json_integer(r->revisedQueueSize));
}

json_t *wire_tagged_set_triggering_result(const ua_SetTriggeringResponse *r)
{
    json_t *o = tag("SetTriggeringResult");
    o = wire_put(o, "add", u32s(r->addResults, r->addResultsSize));
    return wire_put(o, "remove", u32s(r->removeResults, r->removeResultsSize));
}

json_t *wire_tagged_transfer_result(const ua_TransferResult *r)
{
    json_t *o = tag("TransferResult");
    o = wire_put(o, "status", json_integer(r->statusCode));
    return wire_put(o, "avail", u32s(r->availableSequenceNumbers, r->availableSequenceNumbersSize));
}

static json_t *data_changes(json_t *a, const ua_DataChangeNotification *dc)
{
    for (size_t i = 0; a && dc->monitoredItems && i < dc->monitoredItemsSize; i++) {
        const ua_MonitoredItemNotification *n = &dc->monitoredItems[i];
        json_t *o = wire_put(json_object(), "type", json_string("DataChange"));
        o = wire_put(o, "clientHandle", json_integer(n->clientHandle));
        o = wire_put(o, "dataValue", wire_tagged_data_value(&n->value));
        a = wire_push(a, o);
    }
    return a;
}

static json_t *events(json_t *a, const ua_EventNotificationList *ev)
{
    for (size_t i = 0; a && ev->events && i < ev->eventsSize; i++) {
        const ua_EventFieldList *e = &ev->events[i];
        json_t *fields = json_array();
        for (size_t k = 0; fields && e->eventFields && k < e->eventFieldsSize; k++)
            fields = wire_push(fields, wire_tagged_variant(&e->eventFields[k]));
        json_t *o = wire_put(json_object(), "type", json_string("Event"));
        o = wire_put(o, "clientHandle", json_integer(e->clientHandle));
        o = wire_put(o, "eventFields", fields);
        a = wire_push(a, o);
    }
    return a;
}

json_t *wire_tagged_notifications(const ua_NotificationMessage *m)
{
    json_t *a = json_array();
    for (size_t i = 0; a && m->notificationData && i < m->notificationDataSize; i++) {
        const ua_ExtensionObject *eo = &m->notificationData[i];
        if (eo->encoding != UA_EXTOBJ_DECODED || !eo->data)
            continue;
        if (eo->type == UA_TYPE_DATACHANGENOTIFICATION)
            a = data_changes(a, eo->data);
        else if (eo->type == UA_TYPE_EVENTNOTIFICATIONLIST)
            a = events(a, eo->data);
    }
    return a;
}

json_t *wire_tagged_publish_result(const ua_PublishResponse *r)
{
    json_t *o = tag("PublishResult");
    o = wire_put(o, "subId", json_integer(r->subscriptionId));
    o = wire_put(o, "seq", json_integer(r->notificationMessage.sequenceNumber));
    o = wire_put(o, "more", json_boolean(r->moreNotifications));
    o = wire_put(o, "notif", wire_tagged_notifications(&r->notificationMessage));
    return wire_put(o, "avail", u32s(r->availableSequenceNumbers, r->availableSequenceNumbersSize));
}

json_t *wire_tagged_republish_result(const ua_RepublishResponse *r)
{
    const ua_NotificationMessage *m = &r->notificationMessage;
    json_t *o = wire_put(json_object(), "sequenceNumber", json_integer(m->sequenceNumber));
    o = wire_put(o, "publishTime",
                 m->publishTime > 0 ? wire_tagged_datetime(m->publishTime) : json_null());
    return wire_put(o, "notifications", wire_tagged_notifications(m));
}
