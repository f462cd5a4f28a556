/* Unit tests of the parameter structures of the query methods
 * (src/wire/wire_params.c): BrowsePath, RelativePathElement, ReadItem,
 * WriteItem, MonitoredItemSpec, ModifySpec, Ack and the array forms, with
 * the reference's defaults (query-methods.md "Parameter structures") and
 * the golden requests of shared/spec/golden 04-08. */
#include "wire_test.h"

#include "ua_nodeids.h"
#include "ua_statuscodes.h"

static wire_error E(const char *param)
{
    wire_error err;
    wire_error_init(&err, param);
    return err;
}

static bool is_string_id(const ua_NodeId *n, uint16_t ns, const char *s)
{
    return n->ns == ns && n->id_type == UA_NODEID_STRING && ua_string_equal_cstr(&n->id.string, s);
}

/* ---- BrowsePath ------------------------------------------------------------- */

static void test_browse_path_golden(void **state)
{
    (void)state;
    /* golden 06: translateBrowsePaths */
    json_t *j = J("{\"startingNodeId\":{\"ns\":0,\"id\":85,\"type\":\"numeric\"},\"relativePath\":"
                  "[{\"targetName\":{\"ns\":1,\"name\":\"Anchor\"}},{\"targetName\":{\"ns\":1,"
                  "\"name\":\"Counter\"}}]}");
    ua_BrowsePath bp;
    wire_error err = E("browsePaths[0]");
    assert_int_equal(wire_to_browse_path(j, &bp, &err), 0);
    assert_int_equal(bp.startingNode.id.numeric, 85);
    assert_int_equal(bp.relativePath.elementsSize, 2);
    ua_RelativePathElement *e = &bp.relativePath.elements[1];
    /* defaults: HierarchicalReferences (as the PHP client sends), forward, subtypes */
    assert_int_equal(e->referenceTypeId.id.numeric, UA_NS0_HIERARCHICALREFERENCES);
    assert_int_equal(e->referenceTypeId.ns, 0);
    assert_false(e->isInverse);
    assert_true(e->includeSubtypes);
    assert_int_equal(e->targetName.ns, 1);
    assert_true(ua_string_equal_cstr(&e->targetName.name, "Counter"));
    ua_clear(&bp, UA_TYPE_BROWSEPATH);
    json_decref(j);

    j = J("{\"startingNodeId\":{\"id\":85}}");
    assert_int_equal(wire_to_browse_path(j, &bp, &err), 0);
    assert_int_equal(bp.relativePath.elementsSize, 0);
    assert_non_null(bp.relativePath.elements); /* empty, not null */
    ua_clear(&bp, UA_TYPE_BROWSEPATH);
    json_decref(j);
}

static void test_relative_path_element(void **state)
{
    (void)state;
    json_t *j = J("{\"referenceTypeId\":{\"id\":35},\"isInverse\":true,\"includeSubtypes\":false,"
                  "\"targetName\":{\"name\":\"Objects\"}}");
    ua_RelativePathElement e;
    wire_error err = E("rpe");
    assert_int_equal(wire_to_relative_path_element(j, &e, &err), 0);
    assert_int_equal(e.referenceTypeId.id.numeric, 35);
    assert_true(e.isInverse);
    assert_false(e.includeSubtypes);
    assert_int_equal(e.targetName.ns, 0);
    ua_clear(&e, UA_TYPE_RELATIVEPATHELEMENT);
    json_decref(j);
    j = J("{\"referenceTypeId\":null,\"targetName\":{}}");
    assert_int_equal(wire_to_relative_path_element(j, &e, &err), 0);
    assert_int_equal(e.referenceTypeId.id.numeric, UA_NS0_HIERARCHICALREFERENCES);
    ua_clear(&e, UA_TYPE_RELATIVEPATHELEMENT);
    json_decref(j);
}

static void expect_fail_bp(const char *text, const char *exc, const char *message)
{
    json_t *j = J(text);
    ua_BrowsePath bp;
    wire_error err = E("browsePaths[0]");
    assert_int_equal(wire_to_browse_path(j, &bp, &err), -1);
    assert_string_equal(err.type, exc);
    if (strcmp(err.message, message) != 0)
        print_error("got %s\n", err.message);
    assert_string_equal(err.message, message);
    assert_null(bp.relativePath.elements);
    json_decref(j);
}

static void test_browse_path_errors(void **state)
{
    (void)state;
    expect_fail_bp("[]", WIRE_TYPE_ERROR,
                   "browsePaths[0]: expected a BrowsePath object, got an array");
    expect_fail_bp(
        "{\"relativePath\":[]}", WIRE_TYPE_ERROR,
        "browsePaths[0].startingNodeId: expected a NodeId object {\"ns\", \"id\", \"type\"}, "
        "got nothing");
    expect_fail_bp("{\"startingNodeId\":{},\"relativePath\":{}}", WIRE_TYPE_ERROR,
                   "browsePaths[0].relativePath: expected an array, got an object");
    expect_fail_bp("{\"startingNodeId\":{},\"relativePath\":[{\"targetName\":{}},{}]}",
                   WIRE_TYPE_ERROR,
                   "browsePaths[0].relativePath[1].targetName: expected a QualifiedName object "
                   "{\"ns\", \"name\"}, got nothing");
    expect_fail_bp("{\"startingNodeId\":{},\"relativePath\":[{\"isInverse\":1,\"targetName\":{}}]}",
                   WIRE_TYPE_ERROR,
                   "browsePaths[0].relativePath[0].isInverse: expected true or false, got 1");
    expect_fail_bp("{\"startingNodeId\":{},\"relativePath\":[{\"referenceTypeId\":\"i=33\","
                   "\"targetName\":{}}]}",
                   WIRE_TYPE_ERROR,
                   "browsePaths[0].relativePath[0].referenceTypeId: expected a NodeId object "
                   "{\"ns\", \"id\", \"type\"}, got string \"i=33\"");
}

/* ---- ReadItem, WriteItem ------------------------------------------------ */

static void test_read_items(void **state)
{
    (void)state;
    /* golden 04: readMulti */
    json_t *j =
        J("[{\"nodeId\":{\"ns\":0,\"id\":2259,\"type\":\"numeric\"}},{\"nodeId\":{\"ns\":1,"
          "\"id\":\"Counter\",\"type\":\"string\"},\"attributeId\":13},{\"nodeId\":{\"ns\":1,"
          "\"id\":\"Message\",\"type\":\"string\"}},{\"nodeId\":{\"ns\":1,\"id\":\"Nope\","
          "\"type\":\"string\"},\"attributeId\":3}]");
    ua_ReadValueId *items;
    size_t n;
    wire_error err = E("readItems");
    assert_int_equal(wire_to_read_items(j, &items, &n, &err), 0);
    assert_int_equal(n, 4);
    assert_int_equal(items[0].nodeId.id.numeric, 2259);
    assert_int_equal(items[0].attributeId, 13);
    assert_true(is_string_id(&items[1].nodeId, 1, "Counter"));
    assert_int_equal(items[3].attributeId, 3);
    ua_array_delete(items, n, UA_TYPE_READVALUEID);
    json_decref(j);

    j = J("[{\"nodeId\":{\"id\":1}},{\"nodeId\":{\"id\":2}},{\"nodeId\":\"ns=1;s=X\"}]");
    assert_int_equal(wire_to_read_items(j, &items, &n, &err), -1);
    assert_string_equal(err.type, WIRE_TYPE_ERROR);
    assert_string_equal(err.message,
                        "readItems[2].nodeId: expected a NodeId object {\"ns\", \"id\", "
                        "\"type\"}, got string \"ns=1;s=X\"");
    assert_null(items);
    assert_int_equal(n, 0);
    json_decref(j);

    j = J("[{\"nodeId\":{\"id\":1},\"attributeId\":-1}]");
    assert_int_equal(wire_to_read_items(j, &items, &n, &err), -1);
    assert_wire_error(err, WIRE_TYPE_ERROR, "readItems[0].attributeId: expected an unsigned");
    json_decref(j);
    j = J("{}");
    assert_int_equal(wire_to_read_items(j, &items, &n, &err), -1);
    assert_wire_error(err, WIRE_TYPE_ERROR, "readItems: expected an array, got an object");
    json_decref(j);
    j = J("[]");
    assert_int_equal(wire_to_read_items(j, &items, &n, &err), 0);
    assert_int_equal(n, 0);
    ua_array_delete(items, n, UA_TYPE_READVALUEID);
    json_decref(j);
}

static void test_write_items(void **state)
{
    (void)state;
    /* golden 05: writeMulti */
    json_t *j = J("[{\"nodeId\":{\"ns\":1,\"id\":\"Flag\",\"type\":\"string\"},\"value\":false,"
                  "\"type\":1},{\"nodeId\":{\"ns\":1,\"id\":\"Int32Array\",\"type\":\"string\"},"
                  "\"value\":[7,8,9],\"type\":6},{\"nodeId\":{\"id\":5},\"value\":null,"
                  "\"type\":null,\"attributeId\":4}]");
    wire_write_item *w;
    size_t n;
    wire_error err = E("writeItems");
    assert_int_equal(wire_to_write_items(j, &w, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(w[0].type, 1);
    assert_true(json_is_false(w[0].value));
    assert_int_equal(w[0].attribute_id, 13);
    assert_int_equal(w[2].type, 0); /* auto-detect */
    assert_true(json_is_null(w[2].value));
    assert_int_equal(w[2].attribute_id, 4);
    ua_Variant v;
    wire_error_init(&err, "writeItems[1].value");
    assert_int_equal(wire_to_variant_typed(w[1].value, w[1].type, WIRE_RANK_ANY, &v, &err), 0);
    assert_json(wire_from_variant(&v), "{\"type\":6,\"value\":[7,8,9],\"dimensions\":null}");
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));
    json_decref(j); /* the items hold their own references */
    assert_true(json_is_array(w[1].value));
    wire_write_items_delete(w, n);

    static const struct {
        const char *text, *exc, *message;
    } bad[] = {
        {"[{\"nodeId\":{\"id\":1}}]", WIRE_TYPE_ERROR, "w[0]: a WriteItem needs \"value\""},
        {"[{\"value\":1}]", WIRE_TYPE_ERROR,
         "w[0].nodeId: expected a NodeId object {\"ns\", \"id\", \"type\"}, got nothing"},
        {"[{\"nodeId\":{},\"value\":1,\"type\":0}]", WIRE_VALUE_ERROR,
         "w[0]: \"type\" must be null or a BuiltinType 1..25, got 0"},
        {"[{\"nodeId\":{},\"value\":1,\"type\":\"Double\"}]", WIRE_VALUE_ERROR,
         "w[0]: \"type\" must be null or a BuiltinType 1..25, got string \"Double\""},
        {"[{\"nodeId\":{},\"value\":1},5]", WIRE_TYPE_ERROR,
         "w[1]: expected a WriteItem object, got 5"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        j = J(bad[i].text);
        err = E("w");
        assert_int_equal(wire_to_write_items(j, &w, &n, &err), -1);
        assert_string_equal(err.type, bad[i].exc);
        assert_string_equal(err.message, bad[i].message);
        assert_null(w);
        json_decref(j);
    }
}

/* ---- monitored items -------------------------------------------------------- */

static void test_monitored_item_specs(void **state)
{
    (void)state;
    /* golden 08: createMonitoredItems, first without monitoringMode */
    json_t *j =
        J("[{\"nodeId\":{\"ns\":1,\"id\":\"Counter\",\"type\":\"string\"},\"samplingInterval\""
          ":100,\"queueSize\":10,\"clientHandle\":1},{\"nodeId\":{\"ns\":1,\"id\":"
          "\"Temperature\",\"type\":\"string\"},\"samplingInterval\":100,\"queueSize\":1,"
          "\"clientHandle\":3,\"monitoringMode\":0},{\"nodeId\":{\"id\":2258}}]");
    wire_monitored_item_spec *s;
    size_t n;
    wire_error err = E("items");
    assert_int_equal(wire_to_monitored_item_specs(j, &s, &n, &err), 0);
    assert_int_equal(n, 3);
    const ua_MonitoredItemCreateRequest *r = &s[0].request;
    assert_true(is_string_id(&r->itemToMonitor.nodeId, 1, "Counter"));
    assert_int_equal(r->itemToMonitor.attributeId, 13);
    /* ipc-protocol.md §9 #7: without monitoringMode an item reports */
    assert_int_equal(r->monitoringMode, UA_MONITORINGMODE_REPORTING);
    assert_false(s[0].has_monitoring_mode);
    assert_true(s[0].has_client_handle);
    assert_int_equal(r->requestedParameters.clientHandle, 1);
    assert_true(r->requestedParameters.samplingInterval == 100.0);
    assert_int_equal(r->requestedParameters.queueSize, 10);
    assert_true(r->requestedParameters.discardOldest);
    assert_int_equal(r->requestedParameters.filter.encoding, UA_EXTOBJ_EMPTY);
    assert_int_equal(s[1].request.monitoringMode, UA_MONITORINGMODE_DISABLED);
    assert_true(s[1].has_monitoring_mode);
    /* all defaults: 13, 250.0, 1, clientHandle 0 */
    r = &s[2].request;
    assert_int_equal(r->itemToMonitor.attributeId, 13);
    assert_true(r->requestedParameters.samplingInterval == 250.0);
    assert_int_equal(r->requestedParameters.queueSize, 1);
    assert_int_equal(r->requestedParameters.clientHandle, 0);
    assert_false(s[2].has_client_handle);
    wire_monitored_item_specs_delete(s, n);
    json_decref(j);

    /* the PHP client's optional filter and discardOldest */
    j = J("{\"nodeId\":{\"id\":1},\"discardOldest\":false,\"filter\":{\"deadbandType\":1,"
          "\"deadbandValue\":0.5}}");
    wire_monitored_item_spec one;
    assert_int_equal(wire_to_monitored_item_spec(j, &one, &err), 0);
    const ua_MonitoringParameters *p = &one.request.requestedParameters;
    assert_false(p->discardOldest);
    assert_int_equal(p->filter.encoding, UA_EXTOBJ_DECODED);
    assert_ptr_equal(p->filter.type, UA_TYPE_DATACHANGEFILTER);
    const ua_DataChangeFilter *f = p->filter.data;
    assert_int_equal(f->trigger, 1);
    assert_int_equal(f->deadbandType, 1);
    assert_true(f->deadbandValue == 0.5);
    wire_monitored_item_spec_clear(&one);
    json_decref(j);
}

static void expect_fail_spec(const char *text, const char *exc, const char *message)
{
    json_t *j = J(text);
    wire_monitored_item_spec s;
    wire_error err = E("items[0]");
    assert_int_equal(wire_to_monitored_item_spec(j, &s, &err), -1);
    assert_string_equal(err.type, exc);
    if (strcmp(err.message, message) != 0)
        print_error("got %s\n", err.message);
    assert_string_equal(err.message, message);
    json_decref(j);
}

static void test_monitored_item_spec_errors(void **state)
{
    (void)state;
    expect_fail_spec(
        "{}", WIRE_TYPE_ERROR,
        "items[0].nodeId: expected a NodeId object {\"ns\", \"id\", \"type\"}, got nothing");
    expect_fail_spec("{\"nodeId\":{},\"monitoringMode\":3}", WIRE_VALUE_ERROR,
                     "items[0].monitoringMode: expected a MonitoringMode (0 Disabled, 1 Sampling, "
                     "2 Reporting), got 3");
    expect_fail_spec("{\"nodeId\":{},\"samplingInterval\":\"fast\"}", WIRE_TYPE_ERROR,
                     "items[0].samplingInterval: expected a number, got string \"fast\"");
    expect_fail_spec(
        "{\"nodeId\":{},\"queueSize\":-1}", WIRE_TYPE_ERROR,
        "items[0].queueSize: expected an unsigned 32-bit integer (0..4294967295), got -1");
    expect_fail_spec("{\"nodeId\":{},\"discardOldest\":0}", WIRE_TYPE_ERROR,
                     "items[0].discardOldest: expected true or false, got 0");
    expect_fail_spec("{\"nodeId\":{},\"filter\":[]}", WIRE_TYPE_ERROR,
                     "items[0].filter: expected a DataChangeFilter object, got an array");
    expect_fail_spec("{\"nodeId\":{},\"filter\":{\"trigger\":5}}", WIRE_VALUE_ERROR,
                     "items[0].filter: trigger must be 0, 1 or 2");
    expect_fail_spec("{\"nodeId\":{},\"filter\":{\"deadbandValue\":\"x\"}}", WIRE_TYPE_ERROR,
                     "items[0].filter.deadbandValue: expected a number, got string \"x\"");
    expect_fail_spec("5", WIRE_TYPE_ERROR, "items[0]: expected a MonitoredItemSpec object, got 5");
}

static void test_modify_specs(void **state)
{
    (void)state;
    /* golden 08: modifyMonitoredItems */
    json_t *j = J("[{\"monitoredItemId\":87225,\"samplingInterval\":500},{\"monitoredItemId\":1,"
                  "\"queueSize\":5,\"clientHandle\":9,\"discardOldest\":false}]");
    wire_modify_spec *m;
    size_t n;
    wire_error err = E("itemsToModify");
    assert_int_equal(wire_to_modify_specs(j, &m, &n, &err), 0);
    assert_int_equal(n, 2);
    const ua_MonitoringParameters *p = &m[0].request.requestedParameters;
    assert_int_equal(m[0].request.monitoredItemId, 87225);
    assert_true(m[0].has_sampling_interval);
    assert_true(p->samplingInterval == 500.0);
    assert_false(m[0].has_queue_size || m[0].has_client_handle || m[0].has_discard_oldest);
    /* what the PHP client sends for absent members */
    assert_int_equal(p->queueSize, 0);
    assert_int_equal(p->clientHandle, 0);
    assert_true(p->discardOldest);
    p = &m[1].request.requestedParameters;
    assert_true(p->samplingInterval == -1.0);
    assert_false(m[1].has_sampling_interval);
    assert_true(m[1].has_queue_size && m[1].has_client_handle && m[1].has_discard_oldest);
    assert_int_equal(p->clientHandle, 9);
    assert_false(p->discardOldest);
    wire_modify_specs_delete(m, n);
    json_decref(j);

    j = J("[{\"samplingInterval\":500}]");
    assert_int_equal(wire_to_modify_specs(j, &m, &n, &err), -1);
    assert_string_equal(err.type, WIRE_TYPE_ERROR);
    assert_string_equal(err.message, "itemsToModify[0].monitoredItemId: expected an unsigned "
                                     "32-bit integer (0..4294967295), got nothing");
    json_decref(j);
    j = J("[{\"monitoredItemId\":1,\"filter\":{\"trigger\":2}},{\"monitoredItemId\":\"x\"}]");
    assert_int_equal(wire_to_modify_specs(j, &m, &n, &err), -1);
    assert_wire_error(err, WIRE_TYPE_ERROR, "itemsToModify[1].monitoredItemId: ");
    json_decref(j);
}

/* ---- acks and the other arrays ----------------------------------------- */

static void test_acks(void **state)
{
    (void)state;
    json_t *j = J("[{\"subscriptionId\":132456,\"sequenceNumber\":1}]");
    ua_SubscriptionAcknowledgement *a;
    size_t n;
    wire_error err = E("acknowledgements");
    assert_int_equal(wire_to_acks(j, &a, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(a[0].subscriptionId, 132456);
    assert_int_equal(a[0].sequenceNumber, 1);
    ua_free(a);
    json_decref(j);
    j = J("[{\"subscriptionId\":1}]");
    assert_int_equal(wire_to_acks(j, &a, &n, &err), -1);
    assert_string_equal(err.message, "acknowledgements[0].sequenceNumber: expected an unsigned "
                                     "32-bit integer (0..4294967295), got nothing");
    json_decref(j);
    j = J("[]");
    assert_int_equal(wire_to_acks(j, &a, &n, &err), 0);
    assert_int_equal(n, 0);
    ua_free(a);
    json_decref(j);
}

static void test_other_arrays(void **state)
{
    (void)state;
    wire_error err = E("ids");
    size_t n;
    uint32_t *ids;
    json_t *j = J("[87226,0,4294967295]");
    assert_int_equal(wire_to_uint32_array(j, &ids, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_true(ids[2] == UINT32_MAX);
    ua_free(ids);
    json_decref(j);
    j = J("[1,\"2\"]");
    assert_int_equal(wire_to_uint32_array(j, &ids, &n, &err), -1);
    assert_wire_error(err, WIRE_TYPE_ERROR, "ids[1]: expected an unsigned 32-bit integer");
    json_decref(j);

    /* golden 07: call input arguments */
    ua_Variant *args;
    j = J("[{\"type\":11,\"value\":2.5},{\"type\":11,\"value\":4}]");
    err = E("inputArguments");
    assert_int_equal(wire_to_variants(j, &args, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_true(*(ua_Double *)args[1].data == 4.0);
    ua_array_delete(args, n, UA_BUILTIN(UA_KIND_VARIANT));
    json_decref(j);
    j = J("[{\"type\":11,\"value\":2.5},{\"type\":30,\"value\":4}]");
    assert_int_equal(wire_to_variants(j, &args, &n, &err), -1);
    assert_wire_error(err, WIRE_VALUE_ERROR, "inputArguments[1]: \"type\" must be a BuiltinType");
    json_decref(j);

    ua_NodeId *ids2;
    j = J("[{\"id\":1},{\"ns\":1,\"id\":\"x\",\"type\":\"string\"}]");
    err = E("nodeIds");
    assert_int_equal(wire_to_nodeids(j, &ids2, &n, &err), 0);
    assert_true(is_string_id(&ids2[1], 1, "x"));
    ua_array_delete(ids2, n, UA_BUILTIN(UA_KIND_NODEID));
    json_decref(j);
    j = J("[{\"ns\":1,\"id\":\"x\",\"type\":\"string\"},{\"type\":\"bogus\"}]");
    assert_int_equal(wire_to_nodeids(j, &ids2, &n, &err), -1); /* first element released */
    assert_wire_error(err, WIRE_UNHANDLED_MATCH, "nodeIds[1]: unknown NodeId type");
    json_decref(j);

    ua_DateTime *times;
    j = J("[\"2026-03-02T08:15:30Z\",\"2026-03-02T08:15:31+00:00\"]");
    err = E("timestamps");
    assert_int_equal(wire_to_datetimes(j, &times, &n, &err), 0);
    assert_int_equal(times[1] - times[0], 10000000);
    ua_free(times);
    json_decref(j);
    j = J("[\"2026-03-02T08:15:30Z\",\"later\"]");
    assert_int_equal(wire_to_datetimes(j, &times, &n, &err), -1);
    assert_wire_error(err, WIRE_INVALID_ARGUMENT, "timestamps[1]: expected an ISO-8601 date/time");
    json_decref(j);

    ua_BrowsePath *paths;
    j = J("[{\"startingNodeId\":{\"id\":85},\"relativePath\":[{\"targetName\":{\"name\":\"A\"}}]},"
          "{\"startingNodeId\":{\"id\":85},\"relativePath\":[{\"targetName\":5}]}]");
    err = E("browsePaths");
    assert_int_equal(wire_to_browse_paths(j, &paths, &n, &err), -1);
    assert_wire_error(err, WIRE_TYPE_ERROR, "browsePaths[1].relativePath[0].targetName: ");
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_browse_path_golden),
        cmocka_unit_test(test_relative_path_element),
        cmocka_unit_test(test_browse_path_errors),
        cmocka_unit_test(test_read_items),
        cmocka_unit_test(test_write_items),
        cmocka_unit_test(test_monitored_item_specs),
        cmocka_unit_test(test_monitored_item_spec_errors),
        cmocka_unit_test(test_modify_specs),
        cmocka_unit_test(test_acks),
        cmocka_unit_test(test_other_arrays),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
