/* Golden shapes: rebuilds the UA values behind the reference daemon's
 * recorded replies (shared/spec/golden 03-08), encodes them with the wire
 * layer and compares the JSON text byte for byte (wire_golden_data.h).
 * Timestamps carry sub-second ticks that must disappear (§1.5). */
#include "wire_test.h"

#include "ua_binary.h"
#include "ua_statuscodes.h"
#include "ua_text.h"
#include "wire_golden_data.h"

#define DAY "2026-11-22T"

/* A DateTime with 0.1234567 s on top, which the text must drop. */
static ua_DateTime ts(const char *hms)
{
    char buf[40];
    snprintf(buf, sizeof(buf), DAY "%s.1234567Z", hms);
    ua_DateTime t;
    assert_int_equal(ua_datetime_parse_iso(buf, strlen(buf), &t), 0);
    return t;
}

static ua_NodeId sid(uint16_t ns, const char *s)
{
    ua_NodeId n = {.ns = ns, .id_type = UA_NODEID_STRING};
    assert_int_equal(ua_string_from(&n.id.string, s), UA_STATUS_GOOD);
    return n;
}

/* A DataValue; src/srv NULL = absent. Takes the variant. */
static ua_DataValue dv_of(ua_Variant v, ua_StatusCode status, const char *src, const char *srv)
{
    ua_DataValue dv = {0};
    dv.value = v;
    dv.has_value = v.type != NULL;
    dv.status = status;
    dv.has_status = status != 0;
    if (src) {
        dv.source_timestamp = ts(src);
        dv.has_source_timestamp = true;
    }
    if (srv) {
        dv.server_timestamp = ts(srv);
        dv.has_server_timestamp = true;
    }
    return dv;
}

static ua_Variant scalar(const void *value, unsigned kind)
{
    ua_Variant v;
    assert_int_equal(ua_variant_set_scalar_copy(&v, value, UA_BUILTIN(kind)), UA_STATUS_GOOD);
    return v;
}

static void check_dv(ua_DataValue dv, const char *expected)
{
    assert_json(wire_from_data_value(&dv), expected);
    ua_clear(&dv, UA_BUILTIN(UA_KIND_DATAVALUE));
}

/* ---- 03 read, 04 readMulti, 05 write ------------------------------------ */

static void test_read_scalars(void **state)
{
    (void)state;
    ua_Int32 zero = 0;
    check_dv(dv_of(scalar(&zero, UA_KIND_INT32), 0, "23:55:49", "23:58:05"), G03_0);
    ua_DateTime now = ts("23:58:05");
    check_dv(dv_of(scalar(&now, UA_KIND_DATETIME), 0, "23:58:05", "23:58:05"), G03_2);
    ua_String peer = ua_string_borrow("php-anchor-peer");
    check_dv(dv_of(scalar(&peer, UA_KIND_STRING), 0, "23:55:49", "23:58:05"), G03_3);
    ua_UInt32 counter = 1343;
    check_dv(dv_of(scalar(&counter, UA_KIND_UINT32), 0, "23:58:05", "23:58:05"), G03_5);
    ua_Double temp = 42.25;
    check_dv(dv_of(scalar(&temp, UA_KIND_DOUBLE), 0, "23:57:18", "23:58:05"), G03_7);
    ua_String msg = ua_string_borrow("auto-detected type");
    check_dv(dv_of(scalar(&msg, UA_KIND_STRING), 0, "23:57:18", "23:58:05"), G03_8);
    ua_Boolean flag = false;
    check_dv(dv_of(scalar(&flag, UA_KIND_BOOLEAN), 0, "23:57:18", "23:58:05"), G03_9);
    ua_Variant arr;
    const ua_Int32 seven[] = {7, 8, 9};
    ua_variant_set_array_copy(&arr, seven, 3, UA_BUILTIN(UA_KIND_INT32));
    check_dv(dv_of(arr, 0, "23:57:18", "23:58:05"), G03_10);
}

static void test_read_attributes_and_errors(void **state)
{
    (void)state;
    ua_LocalizedText lt = {{0, NULL}, ua_string_borrow("Counter")};
    check_dv(dv_of(scalar(&lt, UA_KIND_LOCALIZEDTEXT), 0, NULL, "23:58:05"), G03_11);
    ua_QualifiedName qn = {1, ua_string_borrow("Counter")};
    check_dv(dv_of(scalar(&qn, UA_KIND_QUALIFIEDNAME), 0, NULL, "23:58:05"), G03_12);
    ua_NodeId id = sid(1, "Counter");
    check_dv(dv_of(scalar(&id, UA_KIND_NODEID), 0, NULL, "23:58:05"), G03_13);
    ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
    ua_NodeId dt = ua_nodeid_numeric(0, 7);
    check_dv(dv_of(scalar(&dt, UA_KIND_NODEID), 0, NULL, "23:58:05"), G03_14);
    ua_Variant none = {0};
    check_dv(dv_of(none, UA_STATUS_BADNODEIDUNKNOWN, NULL, NULL), G03_15);
    check_dv(dv_of(none, UA_STATUS_BADATTRIBUTEIDINVALID, NULL, "23:58:05"), G03_16);
}

/* i=2256 ServerStatus: our stack decodes the body, the reference shows it
 * as base64; re-encoding gives the same bytes. */
static void test_read_extension_object(void **state)
{
    (void)state;
    static const char body64[] =
        "AI2w/tx63QFQrehQ3XrdAQAAAAAQAAAATm9kZU9QQ1VBLVNlcnZlcgYAAABhbm"
        "Nob3IPAAAAcGhwLWFuY2hvci1wZWVyBQAAADEuMC4wAQAAADAAQNOLktjVAQAAAAAA";
    json_t *b = json_string(body64);
    ua_ByteString raw;
    wire_error err;
    wire_error_init(&err, "body");
    assert_int_equal(wire_to_continuation_point(b, &raw, &err), 0); /* base64 -> bytes */
    json_decref(b);
    ua_ServerStatusDataType status;
    size_t pos = 0;
    assert_int_equal(
        ua_decode(raw.data, raw.length, &pos, &status, UA_TYPE_SERVERSTATUSDATATYPE, NULL),
        UA_STATUS_GOOD);
    assert_int_equal(pos, raw.length);
    ua_ExtensionObject eo;
    assert_int_equal(ua_extobj_set_copy(&eo, &status, UA_TYPE_SERVERSTATUSDATATYPE),
                     UA_STATUS_GOOD);
    ua_Variant v = {0};
    ua_variant_set_scalar(&v, ua_new(UA_BUILTIN(UA_KIND_EXTENSIONOBJECT)),
                          UA_BUILTIN(UA_KIND_EXTENSIONOBJECT));
    *(ua_ExtensionObject *)v.data = eo;
    check_dv(dv_of(v, 0, "23:58:05", "23:58:05"), G03_4);
    ua_clear(&status, UA_TYPE_SERVERSTATUSDATATYPE);
    ua_clear(&raw, UA_BUILTIN(UA_KIND_BYTESTRING));
}

static void test_read_multi_and_write_multi(void **state)
{
    (void)state;
    ua_DataValue dvs[4];
    ua_Int32 zero = 0;
    ua_UInt32 counter = 1343;
    ua_String msg = ua_string_borrow("auto-detected type");
    ua_Variant none = {0};
    dvs[0] = dv_of(scalar(&zero, UA_KIND_INT32), 0, "23:55:49", "23:58:05");
    dvs[1] = dv_of(scalar(&counter, UA_KIND_UINT32), 0, "23:58:05", "23:58:05");
    dvs[2] = dv_of(scalar(&msg, UA_KIND_STRING), 0, "23:57:18", "23:58:05");
    dvs[3] = dv_of(none, UA_STATUS_BADNODEIDUNKNOWN, NULL, NULL);
    assert_json(wire_from_data_values(dvs, 4), G04_0);
    for (int i = 0; i < 4; i++)
        ua_clear(&dvs[i], UA_BUILTIN(UA_KIND_DATAVALUE));
    const ua_StatusCode ok[] = {0, 0};
    assert_json(wire_from_status_codes(ok, 2), G05_6);
}

/* ---- 06 browse ------------------------------------------------------------ */

static ua_ReferenceDescription ref(uint32_t reftype, bool fwd, ua_NodeId target, uint16_t bns,
                                   const char *name, ua_NodeClass nc, uint32_t typedef_id)
{
    ua_ReferenceDescription r = {0};
    r.referenceTypeId = ua_nodeid_numeric(0, reftype);
    r.isForward = fwd;
    r.nodeId.node_id = target;
    r.browseName.ns = bns;
    ua_string_from(&r.browseName.name, name);
    ua_string_from(&r.displayName.text, name);
    r.nodeClass = nc;
    r.typeDefinition.node_id = ua_nodeid_numeric(0, typedef_id);
    return r;
}

static const char *const anchor_children[] = {"Counter",    "Temperature", "Message", "Flag",
                                              "Int32Array", "Add",         "Echo"};

static void anchor_refs(ua_ReferenceDescription out[7])
{
    for (int i = 0; i < 7; i++) {
        bool method = i >= 5;
        out[i] = ref(47, true, sid(1, anchor_children[i]), 1, anchor_children[i], method ? 4 : 2,
                     method ? 0 : 63);
    }
}

static void clear_refs(ua_ReferenceDescription *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ua_clear(&r[i], UA_TYPE_REFERENCEDESCRIPTION);
}

static void test_browse(void **state)
{
    (void)state;
    ua_ReferenceDescription r[7];
    anchor_refs(r);
    assert_json(wire_from_references(r, 7), G06_0);

    ua_BrowseResult br = {0};
    br.references = r;
    br.referencesSize = 7;
    assert_json(wire_from_browse_result(&br), G06_4);
    clear_refs(r, 7);

    ua_ReferenceDescription o[4] = {
        ref(35, true, ua_nodeid_numeric(0, 31915), 0, "Locations", 1, 61),
        ref(35, true, ua_nodeid_numeric(0, 2253), 0, "Server", 1, 2004),
        ref(35, true, ua_nodeid_numeric(0, 23470), 0, "Aliases", 1, 23456),
        ref(35, true, sid(1, "Anchor"), 1, "Anchor", 1, 58),
    };
    assert_json(wire_from_references(o, 4), G06_1);
    clear_refs(o, 4);

    ua_ReferenceDescription inv = ref(35, false, ua_nodeid_numeric(0, 85), 0, "Objects", 1, 61);
    assert_json(wire_from_references(&inv, 1), G06_2);
    clear_refs(&inv, 1);
}

static json_t *argument_children(const char *method)
{
    json_t *kids = json_array();
    const char *which[] = {"InputArguments", "OutputArguments"};
    for (int i = 0; i < 2; i++) {
        char id[64];
        snprintf(id, sizeof(id), "%s-%s", method, which[i]);
        ua_ReferenceDescription r = ref(46, true, sid(1, id), 0, which[i], 2, 68);
        json_array_append_new(kids, wire_from_browse_node(&r, NULL));
        clear_refs(&r, 1);
    }
    return kids;
}

static void test_browse_recursive(void **state)
{
    (void)state;
    ua_ReferenceDescription r[7];
    anchor_refs(r);
    json_t *tree = json_array();
    for (int i = 0; i < 7; i++)
        json_array_append_new(
            tree, wire_from_browse_node(&r[i], i >= 5 ? argument_children(anchor_children[i])
                                                      : json_array()));
    assert_json(tree, G06_5);
    clear_refs(r, 7);
}

static void test_translate_and_resolve(void **state)
{
    (void)state;
    ua_BrowsePathTarget t = {0};
    t.targetId.node_id = sid(1, "Counter");
    t.remainingPathIndex = UINT32_MAX;
    ua_BrowsePathResult res = {0, 1, &t};
    json_t *a = json_array();
    json_array_append_new(a, wire_from_browse_path_result(&res));
    assert_json(a, G06_6);
    assert_json(wire_from_nodeid(&t.targetId.node_id), G06_8);
    ua_clear(&t, UA_TYPE_BROWSEPATHTARGET);
}

/* ---- 07 call ----------------------------------------------------------------- */

static void test_call_results(void **state)
{
    (void)state;
    ua_CallMethodResult r = {0};
    ua_StatusCode in[2] = {0, 0};
    ua_Double product = 6.5;
    ua_Variant out = scalar(&product, UA_KIND_DOUBLE);
    r.inputArgumentResults = in;
    r.inputArgumentResultsSize = 2;
    r.outputArguments = &out;
    r.outputArgumentsSize = 1;
    assert_json(wire_from_call_result(&r), G07_0);
    ua_clear(&out, UA_BUILTIN(UA_KIND_VARIANT));

    ua_String hi = ua_string_borrow("hi");
    out = scalar(&hi, UA_KIND_STRING);
    r.inputArgumentResultsSize = 1;
    assert_json(wire_from_call_result(&r), G07_1);
    ua_clear(&out, UA_BUILTIN(UA_KIND_VARIANT));

    in[0] = r.statusCode = UA_STATUS_BADTYPEMISMATCH;
    r.inputArgumentResultsSize = 2;
    r.outputArguments = NULL;
    r.outputArgumentsSize = 0;
    assert_json(wire_from_call_result(&r), G07_2);

    r.statusCode = UA_STATUS_BADMETHODINVALID;
    r.inputArgumentResults = NULL;
    r.inputArgumentResultsSize = 0;
    assert_json(wire_from_call_result(&r), G07_3);
}

/* ---- 08 subscriptions ------------------------------------------------------- */

static void test_subscription_results(void **state)
{
    (void)state;
    ua_CreateSubscriptionResponse cs = {0};
    cs.subscriptionId = 132456;
    cs.revisedPublishingInterval = 100.0;
    cs.revisedLifetimeCount = 2400;
    cs.revisedMaxKeepAliveCount = 10;
    assert_json(wire_from_subscription_result(&cs), G08_0);

    ua_MonitoredItemCreateResult mi = {0, 87224, 100.0, 10, {0}};
    json_t *a = json_array();
    json_array_append_new(a, wire_from_monitored_item_result(&mi));
    assert_json(a, G08_1);
    a = json_array();
    mi.monitoredItemId = 87225;
    json_array_append_new(a, wire_from_monitored_item_result(&mi));
    mi.monitoredItemId = 87226;
    mi.revisedQueueSize = 1;
    json_array_append_new(a, wire_from_monitored_item_result(&mi));
    assert_json(a, G08_2);

    ua_MonitoredItemModifyResult mod = {0, 500.0, 1, {0}};
    a = json_array();
    json_array_append_new(a, wire_from_monitored_item_modify_result(&mod));
    assert_json(a, G08_5);
    const ua_StatusCode deleted[] = {0};
    assert_json(wire_from_status_codes(deleted, 1), G08_6);
}

static void test_publish(void **state)
{
    (void)state;
    ua_MonitoredItemNotification items[8];
    for (int i = 0; i < 7; i++) {
        ua_UInt32 v = 1344 + (ua_UInt32)i;
        const char *t = i < 5 ? "23:58:05" : "23:58:06";
        items[i].clientHandle = 2;
        items[i].value = dv_of(scalar(&v, UA_KIND_UINT32), 0, t, t);
    }
    ua_Double temp = 42.25;
    items[7].clientHandle = 3;
    items[7].value = dv_of(scalar(&temp, UA_KIND_DOUBLE), 0, "23:58:05", "23:58:05");
    ua_DataChangeNotification dc = {0};
    dc.monitoredItems = items;
    dc.monitoredItemsSize = 8;

    ua_ExtensionObject data[2] = {{0}, {0}};
    data[0].encoding = UA_EXTOBJ_DECODED;
    data[0].type = UA_TYPE_DATACHANGENOTIFICATION;
    data[0].data = &dc;
    /* a StatusChangeNotification is skipped, as by the PHP client */
    ua_StatusChangeNotification sc = {0};
    data[1].encoding = UA_EXTOBJ_DECODED;
    data[1].type = UA_TYPE_STATUSCHANGENOTIFICATION;
    data[1].data = &sc;

    ua_UInt32 avail = 1;
    ua_PublishResponse p = {0};
    p.subscriptionId = 132456;
    p.availableSequenceNumbers = &avail;
    p.availableSequenceNumbersSize = 1;
    p.notificationMessage.sequenceNumber = 1;
    p.notificationMessage.publishTime = ts("23:58:06");
    p.notificationMessage.notificationData = data;
    p.notificationMessage.notificationDataSize = 2;
    assert_json(wire_from_publish_result(&p), G08_3);
    for (int i = 0; i < 8; i++)
        ua_clear(&items[i].value, UA_BUILTIN(UA_KIND_DATAVALUE));
}

/* ---- shapes without a golden recording (§1.11, §1.12) ------------------ */

static void test_endpoint_description(void **state)
{
    (void)state;
    static const uint8_t der[] = {0x30, 0x82, 0x01, 0x0a}; /* DER: never UTF-8 */
    ua_UserTokenPolicy tokens[2];
    memset(tokens, 0, sizeof(tokens));
    tokens[0].policyId = ua_string_borrow("anonymous");
    tokens[1].policyId = ua_string_borrow("username");
    tokens[1].tokenType = 1;
    tokens[1].securityPolicyUri =
        ua_string_borrow("http://opcfoundation.org/UA/SecurityPolicy#None");
    ua_EndpointDescription ep = {0};
    ep.endpointUrl = ua_string_borrow("opc.tcp://127.0.0.1:4855/UA/anchor");
    ep.serverCertificate.data = (uint8_t *)(uintptr_t)der;
    ep.serverCertificate.length = sizeof(der);
    ep.securityMode = 3;
    ep.securityPolicyUri =
        ua_string_borrow("http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256");
    ep.securityLevel = 3;
    ep.transportProfileUri =
        ua_string_borrow("http://opcfoundation.org/UA-Profile/Transport/uatcp-uasc-uabinary");
    ep.userIdentityTokens = tokens;
    ep.userIdentityTokensSize = 2;
    assert_json(wire_from_endpoint_description(&ep),
                "{\"endpointUrl\":\"opc.tcp://127.0.0.1:4855/UA/anchor\",\"serverCertificate\":"
                "\"MIIBCg==\",\"securityMode\":3,\"securityPolicyUri\":"
                "\"http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256\",\"securityLevel\":3,"
                "\"transportProfileUri\":"
                "\"http://opcfoundation.org/UA-Profile/Transport/uatcp-uasc-uabinary\","
                "\"userIdentityTokens\":[{\"policyId\":\"anonymous\",\"tokenType\":0,"
                "\"issuedTokenType\":null,\"issuerEndpointUrl\":null,\"securityPolicyUri\":null},"
                "{\"policyId\":\"username\",\"tokenType\":1,\"issuedTokenType\":null,"
                "\"issuerEndpointUrl\":null,\"securityPolicyUri\":"
                "\"http://opcfoundation.org/UA/SecurityPolicy#None\"}]}");
    ep.serverCertificate.data = NULL;
    ep.serverCertificate.length = 0;
    ep.userIdentityTokens = NULL;
    ep.userIdentityTokensSize = 0;
    json_t *j = wire_from_endpoint_description(&ep);
    assert_true(json_is_null(json_object_get(j, "serverCertificate")));
    assert_int_equal(json_array_size(json_object_get(j, "userIdentityTokens")), 0);
    json_decref(j);
}

static void test_browse_result_binary_continuation(void **state)
{
    (void)state;
    static const uint8_t cp[] = {0x00, 0x00, 0x00, 0x2a};
    ua_BrowseResult br = {0};
    br.statusCode = UA_STATUS_GOOD;
    br.continuationPoint.data = (uint8_t *)(uintptr_t)cp;
    br.continuationPoint.length = 4;
    assert_json(wire_from_browse_result(&br),
                "{\"references\":[],\"continuationPoint\":\"AAAAKg==\"}");
}

static void test_other_subscription_results(void **state)
{
    (void)state;
    ua_StatusCode add[2] = {0, UA_STATUS_BADMONITOREDITEMIDINVALID};
    ua_SetTriggeringResponse st = {0};
    st.addResults = add;
    st.addResultsSize = 2;
    assert_json(wire_from_set_triggering_result(&st),
                "{\"addResults\":[0,2151809024],\"removeResults\":[]}");

    ua_UInt32 avail[2] = {3, 4};
    ua_TransferResult tr = {UA_STATUS_BADSUBSCRIPTIONIDINVALID, 2, avail};
    assert_json(wire_from_transfer_result(&tr),
                "{\"statusCode\":2150105088,\"availableSequenceNumbers\":[3,4]}");

    /* events, in select-clause order; and a keep-alive republish */
    ua_String src = ua_string_borrow("Events");
    ua_UInt16 sev = 500;
    ua_Variant fields[2];
    fields[0] = scalar(&src, UA_KIND_STRING);
    fields[1] = scalar(&sev, UA_KIND_UINT16);
    ua_EventFieldList ev = {42, 2, fields};
    ua_EventNotificationList list = {1, &ev};
    ua_ExtensionObject data = {0};
    data.encoding = UA_EXTOBJ_DECODED;
    data.type = UA_TYPE_EVENTNOTIFICATIONLIST;
    data.data = &list;
    ua_RepublishResponse rp = {0};
    rp.notificationMessage.sequenceNumber = 7;
    rp.notificationMessage.publishTime = ts("23:58:06");
    rp.notificationMessage.notificationData = &data;
    rp.notificationMessage.notificationDataSize = 1;
    assert_json(wire_from_republish_result(&rp),
                "{\"sequenceNumber\":7,\"publishTime\":\"2026-11-22T23:58:06+00:00\","
                "\"notifications\":[{\"type\":\"Event\",\"clientHandle\":42,\"eventFields\":["
                "{\"type\":12,\"value\":\"Events\",\"dimensions\":null},"
                "{\"type\":5,\"value\":500,\"dimensions\":null}]}]}");
    ua_clear(&fields[0], UA_BUILTIN(UA_KIND_VARIANT));
    ua_clear(&fields[1], UA_BUILTIN(UA_KIND_VARIANT));

    /* keep-alive: no notification data; undecoded bodies are skipped */
    ua_ExtensionObject raw = {0};
    raw.encoding = UA_EXTOBJ_BINARY;
    ua_PublishResponse p = {0};
    p.subscriptionId = 5;
    p.notificationMessage.sequenceNumber = 9;
    p.notificationMessage.notificationData = &raw;
    p.notificationMessage.notificationDataSize = 1;
    p.moreNotifications = true;
    assert_json(wire_from_publish_result(&p),
                "{\"subscriptionId\":5,\"sequenceNumber\":9,\"moreNotifications\":true,"
                "\"notifications\":[],\"availableSequenceNumbers\":[]}");
    rp.notificationMessage.notificationDataSize = 0;
    rp.notificationMessage.publishTime = 0;
    assert_json(wire_from_republish_result(&rp),
                "{\"sequenceNumber\":7,\"publishTime\":null,\"notifications\":[]}");
}

static void test_reference_description_edge_cases(void **state)
{
    (void)state;
    ua_ReferenceDescription r = ref(33, true, ua_nodeid_numeric(0, 1), 0, "X", 3, 0);
    r.nodeId.namespace_uri = ua_string_borrow("urn:other");
    r.nodeId.server_index = 2;
    /* an unknown NodeClass reads as Unspecified (0), as in the PHP client */
    assert_json(wire_from_reference_description(&r),
                "{\"referenceTypeId\":{\"ns\":0,\"id\":33,\"type\":\"numeric\"},\"isForward\":true,"
                "\"nodeId\":{\"ns\":0,\"id\":1,\"type\":\"numeric\"},\"browseName\":{\"ns\":0,"
                "\"name\":\"X\"},\"displayName\":{\"locale\":null,\"text\":\"X\"},\"nodeClass\":0,"
                "\"typeDefinition\":{\"ns\":0,\"id\":0,\"type\":\"numeric\"}}");
    r.nodeId.namespace_uri.data = NULL;
    ua_clear(&r, UA_TYPE_REFERENCEDESCRIPTION);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_scalars),
        cmocka_unit_test(test_read_attributes_and_errors),
        cmocka_unit_test(test_read_extension_object),
        cmocka_unit_test(test_read_multi_and_write_multi),
        cmocka_unit_test(test_browse),
        cmocka_unit_test(test_browse_recursive),
        cmocka_unit_test(test_translate_and_resolve),
        cmocka_unit_test(test_call_results),
        cmocka_unit_test(test_subscription_results),
        cmocka_unit_test(test_publish),
        cmocka_unit_test(test_endpoint_description),
        cmocka_unit_test(test_browse_result_binary_continuation),
        cmocka_unit_test(test_other_subscription_results),
        cmocka_unit_test(test_reference_description_edge_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
