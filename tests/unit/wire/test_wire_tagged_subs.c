/* Unit tests of the tagged subscription results of the invoke command
 * (src/wire/wire_tagged_subs.c, type-serialization.md §3.3) and, next to
 * them, the query-path notifications they mirror (§1.12). */
#include "wire_test.h"

#include "ua_statuscodes.h"

static void test_subscription_and_item_results(void **state)
{
    (void)state;
    ua_CreateSubscriptionResponse s;
    ua_init(&s, UA_TYPE_CREATESUBSCRIPTIONRESPONSE);
    s.subscriptionId = 17;
    s.revisedPublishingInterval = 250.0;
    s.revisedLifetimeCount = 1200;
    s.revisedMaxKeepAliveCount = 5;
    assert_json(wire_tagged_subscription_result(&s),
                "{\"__t\":\"SubscriptionResult\",\"subId\":17,\"interval\":250,\"lifetime\":1200,"
                "\"keepAlive\":5}");
    ua_MonitoredItemCreateResult m = {0};
    m.statusCode = UA_STATUS_BADNODEIDUNKNOWN;
    m.monitoredItemId = 3;
    m.revisedSamplingInterval = 100.5;
    m.revisedQueueSize = 10;
    assert_json(wire_tagged_monitored_item_result(&m),
                "{\"__t\":\"MonitoredItemResult\",\"status\":2150891520,\"id\":3,"
                "\"interval\":100.5,\"queue\":10}");
    ua_MonitoredItemModifyResult mm = {0};
    mm.revisedSamplingInterval = 500;
    mm.revisedQueueSize = 1;
    assert_json(
        wire_tagged_monitored_item_modify_result(&mm),
        "{\"__t\":\"MonitoredItemModifyResult\",\"status\":0,\"interval\":500,\"queue\":1}");
}

static void test_triggering_and_transfer(void **state)
{
    (void)state;
    uint32_t add[] = {0, UA_STATUS_BADMONITOREDITEMIDINVALID};
    ua_SetTriggeringResponse t;
    ua_init(&t, UA_TYPE_SETTRIGGERINGRESPONSE);
    t.addResults = add;
    t.addResultsSize = 2;
    assert_json(wire_tagged_set_triggering_result(&t),
                "{\"__t\":\"SetTriggeringResult\",\"add\":[0,2151809024],\"remove\":[]}");
    uint32_t seqs[] = {4, 5};
    ua_TransferResult r = {0, 2, seqs};
    assert_json(wire_tagged_transfer_result(&r),
                "{\"__t\":\"TransferResult\",\"status\":0,\"avail\":[4,5]}");
    assert_json(wire_from_transfer_result(&r),
                "{\"statusCode\":0,\"availableSequenceNumbers\":[4,5]}");
}

/* A message with one data change, one StatusChange (skipped) and one event. */
static void fill_message(ua_NotificationMessage *m)
{
    ua_init(m, UA_TYPE_NOTIFICATIONMESSAGE);
    m->sequenceNumber = 9;
    m->notificationData = ua_array_new(3, UA_BUILTIN(UA_KIND_EXTENSIONOBJECT));
    m->notificationDataSize = 3;
    ua_DataChangeNotification dc;
    ua_init(&dc, UA_TYPE_DATACHANGENOTIFICATION);
    ua_MonitoredItemNotification item;
    ua_init(&item, UA_TYPE_MONITOREDITEMNOTIFICATION);
    uint32_t v = 42;
    item.clientHandle = 7;
    assert_int_equal(ua_variant_set_scalar_copy(&item.value.value, &v, UA_BUILTIN(UA_KIND_UINT32)),
                     UA_STATUS_GOOD);
    item.value.has_value = true;
    dc.monitoredItems = &item;
    dc.monitoredItemsSize = 1;
    assert_int_equal(
        ua_extobj_set_copy(&m->notificationData[0], &dc, UA_TYPE_DATACHANGENOTIFICATION),
        UA_STATUS_GOOD);
    ua_clear(&item, UA_TYPE_MONITOREDITEMNOTIFICATION);
    ua_StatusChangeNotification sc;
    ua_init(&sc, UA_TYPE_STATUSCHANGENOTIFICATION);
    assert_int_equal(
        ua_extobj_set_copy(&m->notificationData[1], &sc, UA_TYPE_STATUSCHANGENOTIFICATION),
        UA_STATUS_GOOD);
    ua_EventNotificationList ev;
    ua_init(&ev, UA_TYPE_EVENTNOTIFICATIONLIST);
    ua_EventFieldList fl;
    ua_init(&fl, UA_TYPE_EVENTFIELDLIST);
    fl.clientHandle = 1;
    fl.eventFields = ua_array_new(1, UA_BUILTIN(UA_KIND_VARIANT));
    fl.eventFieldsSize = 1;
    ua_String s = ua_string_borrow("Events");
    assert_int_equal(ua_variant_set_scalar_copy(&fl.eventFields[0], &s, UA_BUILTIN(UA_KIND_STRING)),
                     UA_STATUS_GOOD);
    ev.events = &fl;
    ev.eventsSize = 1;
    assert_int_equal(
        ua_extobj_set_copy(&m->notificationData[2], &ev, UA_TYPE_EVENTNOTIFICATIONLIST),
        UA_STATUS_GOOD);
    ua_clear(&fl, UA_TYPE_EVENTFIELDLIST);
}

static void test_publish_result(void **state)
{
    (void)state;
    ua_PublishResponse r;
    ua_init(&r, UA_TYPE_PUBLISHRESPONSE);
    r.subscriptionId = 17;
    uint32_t avail[] = {8, 9};
    fill_message(&r.notificationMessage);
    r.availableSequenceNumbers = avail;
    r.availableSequenceNumbersSize = 2;
    assert_json(wire_from_publish_result(&r),
                "{\"subscriptionId\":17,\"sequenceNumber\":9,\"moreNotifications\":false,"
                "\"notifications\":[{\"type\":\"DataChange\",\"clientHandle\":7,\"dataValue\":"
                "{\"value\":42,\"type\":7,\"dimensions\":null,\"statusCode\":0,"
                "\"sourceTimestamp\":null,\"serverTimestamp\":null}},"
                "{\"type\":\"Event\",\"clientHandle\":1,\"eventFields\":"
                "[{\"type\":12,\"value\":\"Events\",\"dimensions\":null}]}],"
                "\"availableSequenceNumbers\":[8,9]}");
    assert_json(wire_tagged_publish_result(&r),
                "{\"__t\":\"PublishResult\",\"subId\":17,\"seq\":9,\"more\":false,\"notif\":["
                "{\"type\":\"DataChange\",\"clientHandle\":7,\"dataValue\":{\"__t\":\"DataValue\","
                "\"variant\":{\"__t\":\"Variant\",\"type\":{\"__t\":\"BuiltinType\",\"v\":7},"
                "\"value\":42,\"dims\":null,\"bytesB64\":null},\"status\":0,\"sourceTs\":null,"
                "\"serverTs\":null}},{\"type\":\"Event\",\"clientHandle\":1,\"eventFields\":["
                "{\"__t\":\"Variant\",\"type\":{\"__t\":\"BuiltinType\",\"v\":12},"
                "\"value\":\"Events\",\"dims\":null,\"bytesB64\":null}]}],\"avail\":[8,9]}");
    r.availableSequenceNumbers = NULL;
    r.availableSequenceNumbersSize = 0;
    ua_clear(&r, UA_TYPE_PUBLISHRESPONSE);
}

static void test_republish_result(void **state)
{
    (void)state;
    ua_RepublishResponse r;
    ua_init(&r, UA_TYPE_REPUBLISHRESPONSE);
    r.notificationMessage.sequenceNumber = 3;
    assert_json(wire_tagged_republish_result(&r),
                "{\"sequenceNumber\":3,\"publishTime\":null,\"notifications\":[]}");
    assert_json(wire_from_republish_result(&r),
                "{\"sequenceNumber\":3,\"publishTime\":null,\"notifications\":[]}");
    /* 2026-03-02T08:15:30Z in ticks since 1601. */
    r.notificationMessage.publishTime = 134169129300000000LL;
    json_t *j = wire_tagged_republish_result(&r);
    json_t *pt = json_object_get(j, "publishTime");
    assert_string_equal(json_string_value(json_object_get(pt, "__t")), "DateTime");
    assert_string_equal(json_string_value(json_object_get(pt, "v")),
                        "2026-03-02T08:15:30.000000+00:00");
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subscription_and_item_results),
        cmocka_unit_test(test_triggering_and_transfer),
        cmocka_unit_test(test_publish_result),
        cmocka_unit_test(test_republish_result),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
