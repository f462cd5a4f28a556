/* Unit tests of NodeIds given by namespace URI (our "nsu" extension):
 * the object form {"nsu", "id", "type"}, the text form "nsu=<uri>;s=X" in
 * typed values, parameter structures and the tagged invoke form, the
 * current table of wire_namespaces_use, and the errors. */
#include "wire_test.h"

static ua_String uris[4];
static wire_namespaces table = {uris, 4};

static int setup(void **state)
{
    (void)state;
    uris[0] = ua_string_borrow("http://opcfoundation.org/UA/");
    uris[1] = ua_string_borrow("urn:server");
    uris[2] = ua_string_borrow("urn:opcua-sm:test:types");
    uris[3] = ua_string_borrow("urn:opcua-sm:test");
    return 0;
}

/* Decodes a NodeId object with the table and expects its canonical JSON. */
static void nodeid_ok(const char *text, const char *want)
{
    json_t *j = J(text);
    ua_NodeId id;
    wire_error err;
    wire_error_init(&err, "nodeId");
    err.namespaces = &table;
    if (wire_to_nodeid(j, &id, &err) != 0)
        print_error("%s: %s %s\n", text, err.type, err.message);
    assert_null(err.type);
    assert_json(wire_from_nodeid(&id), want);
    ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
    json_decref(j);
}

static void nodeid_bad(const char *text, const wire_namespaces *t, const char *exc,
                       const char *message)
{
    json_t *j = J(text);
    ua_NodeId id;
    wire_error err;
    wire_error_init(&err, "nodeId");
    err.namespaces = t;
    assert_int_equal(wire_to_nodeid(j, &id, &err), -1);
    assert_string_equal(err.type, exc);
    assert_string_equal(err.message, message);
    assert_int_equal(id.id_type, UA_NODEID_NUMERIC);
    json_decref(j);
}

static void test_object_form(void **state)
{
    (void)state;
    nodeid_ok("{\"nsu\":\"urn:opcua-sm:test\",\"id\":\"Scalar.Int32\",\"type\":\"string\"}",
              "{\"ns\":3,\"id\":\"Scalar.Int32\",\"type\":\"string\"}");
    nodeid_ok("{\"nsu\":\"urn:server\",\"id\":7}", "{\"ns\":1,\"id\":7,\"type\":\"numeric\"}");
    nodeid_ok("{\"nsu\":\"http://opcfoundation.org/UA/\",\"id\":85}",
              "{\"ns\":0,\"id\":85,\"type\":\"numeric\"}");
    /* "ns": null counts as absent, as everywhere in the decoders. */
    nodeid_ok("{\"ns\":null,\"nsu\":\"urn:opcua-sm:test:types\",\"id\":\"T\",\"type\":\"string\"}",
              "{\"ns\":2,\"id\":\"T\",\"type\":\"string\"}");
    /* Index objects are untouched by the table. */
    nodeid_ok("{\"ns\":9,\"id\":\"X\",\"type\":\"string\"}",
              "{\"ns\":9,\"id\":\"X\",\"type\":\"string\"}");
}

static void test_object_errors(void **state)
{
    (void)state;
    nodeid_bad("{\"ns\":1,\"nsu\":\"urn:server\",\"id\":1}", &table, WIRE_INVALID_NODEID,
               "nodeId: a NodeId takes either \"ns\" or \"nsu\", not both");
    nodeid_bad("{\"nsu\":5,\"id\":1}", &table, WIRE_TYPE_ERROR,
               "nodeId: expected a namespace URI string in \"nsu\", got 5");
    nodeid_bad("{\"nsu\":\"urn:nope\",\"id\":1}", &table, WIRE_INVALID_NODEID,
               "nodeId: unknown namespace URI \"urn:nope\" (the server's NamespaceArray has 4 "
               "entries)");
    nodeid_bad("{\"nsu\":\"urn:server\",\"id\":1}", NULL, WIRE_INVALID_NODEID,
               "nodeId: namespace URI \"urn:server\" cannot be resolved: the session has not "
               "read the server's NamespaceArray");
    /* The id is still checked after the namespace. */
    nodeid_bad("{\"nsu\":\"urn:server\",\"id\":\"x\"}", &table, WIRE_TYPE_ERROR,
               "nodeId: expected an integer id for a numeric NodeId, got string \"x\"");
}

static void test_text_form(void **state)
{
    (void)state;
    wire_error err;
    ua_NodeId id;
    wire_error_init(&err, "path");
    err.namespaces = &table;
    const char *t = "nsu=urn:opcua-sm:test;s=Scalar.Int32";
    assert_int_equal(wire_nodeid_parse(t, strlen(t), &id, &err), 0);
    assert_json(wire_from_nodeid(&id), "{\"ns\":3,\"id\":\"Scalar.Int32\",\"type\":\"string\"}");
    ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
    /* %-escaped ';' in the URI, numeric id. */
    uris[1] = ua_string_borrow("urn:a;b");
    t = "nsu=urn:a%3Bb;i=42";
    assert_int_equal(wire_nodeid_parse(t, strlen(t), &id, &err), 0);
    assert_json(wire_from_nodeid(&id), "{\"ns\":1,\"id\":42,\"type\":\"numeric\"}");
    uris[1] = ua_string_borrow("urn:server");
    /* Plain text needs no table. */
    err.namespaces = NULL;
    t = "ns=4;i=1";
    assert_int_equal(wire_nodeid_parse(t, strlen(t), &id, &err), 0);
    assert_json(wire_from_nodeid(&id), "{\"ns\":4,\"id\":1,\"type\":\"numeric\"}");
    /* Malformed text: -1 and err untouched; unknown URI: -2 with err. */
    const char *malformed[] = {"nsu=",          "nsu=urn:x",       "nsu=urn:x;",
                               "nsu=urn:x;q=1", "nsu=urn:%zz;i=1", "svr=1;nsu=urn:x;i=1",
                               "Objects"};
    for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
        wire_error_init(&err, "path");
        err.namespaces = &table;
        assert_int_equal(wire_nodeid_parse(malformed[i], strlen(malformed[i]), &id, &err), -1);
        assert_null(err.type);
    }
    t = "nsu=urn:nope;s=A";
    assert_int_equal(wire_nodeid_parse(t, strlen(t), &id, &err), -2);
    assert_wire_error(err, WIRE_INVALID_NODEID, "path: unknown namespace URI \"urn:nope\"");
}

/* Typed values (writes, method arguments) with the thread's table. */
static void test_typed_values(void **state)
{
    (void)state;
    const wire_namespaces *prev = wire_namespaces_use(&table);
    static const struct {
        const char *json;
        unsigned type;
        const char *want;
    } cases[] = {
        {"\"nsu=urn:opcua-sm:test;s=Scalar\"", 17,
         "{\"type\":17,\"value\":{\"ns\":3,\"id\":\"Scalar\",\"type\":\"string\"},\"dimensions\":"
         "null}"},
        {"\"nsu=urn:server;i=5\"", 18,
         "{\"type\":18,\"value\":{\"ns\":1,\"id\":5,\"type\":\"numeric\"},\"dimensions\":null}"},
        {"{\"nsu\":\"urn:opcua-sm:test\",\"id\":\"A\",\"type\":\"string\"}", 17,
         "{\"type\":17,\"value\":{\"ns\":3,\"id\":\"A\",\"type\":\"string\"},\"dimensions\":null}"},
        {"[\"nsu=urn:server;i=1\",\"i=85\"]", 17,
         "{\"type\":17,\"value\":[{\"ns\":1,\"id\":1,\"type\":\"numeric\"},{\"ns\":0,\"id\":85,"
         "\"type\":\"numeric\"}],\"dimensions\":null}"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *j = J(cases[i].json);
        ua_Variant v;
        wire_error err;
        wire_error_init(&err, "value");
        if (wire_to_variant_typed(j, cases[i].type, WIRE_RANK_ANY, &v, &err) != 0)
            print_error("%s: %s %s\n", cases[i].json, err.type, err.message);
        assert_null(err.type);
        json_t *got = wire_from_variant(&v);
        json_t *want = J(cases[i].want);
        /* The Variant JSON may omit dimensions; compare the values. */
        assert_true(json_equal(json_object_get(got, "value"), json_object_get(want, "value")));
        json_decref(got);
        json_decref(want);
        ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));
        json_decref(j);
    }
    json_t *j = J("\"nsu=urn:gone;s=A\"");
    ua_Variant v;
    wire_error err;
    wire_error_init(&err, "value");
    assert_int_equal(wire_to_variant_typed(j, 17, WIRE_RANK_SCALAR, &v, &err), -1);
    assert_wire_error(err, WIRE_INVALID_NODEID, "value: unknown namespace URI \"urn:gone\"");
    assert_null(v.data);
    json_decref(j);
    /* An ExpandedNodeId of another server keeps its URI. */
    j = J("\"svr=2;nsu=urn:remote;i=7\"");
    wire_error_init(&err, "value");
    assert_int_equal(wire_to_variant_typed(j, 18, WIRE_RANK_SCALAR, &v, &err), 0);
    const ua_ExpandedNodeId *x = v.data;
    assert_int_equal(x->server_index, 2);
    assert_true(ua_string_equal_cstr(&x->namespace_uri, "urn:remote"));
    ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));
    json_decref(j);
    wire_namespaces_use(prev);
}

/* Parameter structures reach the same decoder. */
static void test_parameter_structures(void **state)
{
    (void)state;
    const wire_namespaces *prev = wire_namespaces_use(&table);
    json_t *j = J("[{\"nodeId\":{\"ns\":1,\"id\":3}},"
                  "{\"nodeId\":{\"nsu\":\"urn:opcua-sm:test\",\"id\":\"B\",\"type\":\"string\"}}]");
    ua_ReadValueId *items;
    size_t n;
    wire_error err;
    wire_error_init(&err, "readItems");
    assert_int_equal(wire_to_read_items(j, &items, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(items[0].nodeId.ns, 1);
    assert_int_equal(items[1].nodeId.ns, 3);
    ua_array_delete(items, n, UA_TYPE_READVALUEID);
    json_decref(j);
    j = J("[{\"nodeId\":{\"nsu\":\"urn:x\",\"id\":1}}]");
    wire_error_init(&err, "readItems");
    assert_int_equal(wire_to_read_items(j, &items, &n, &err), -1);
    assert_string_equal(err.message, "readItems[0].nodeId: unknown namespace URI \"urn:x\" (the "
                                     "server's NamespaceArray has 4 entries)");
    json_decref(j);
    wire_namespaces_use(prev);
}

static void test_tagged_form(void **state)
{
    (void)state;
    wire_error err;
    wire_error_init(&err, "args");
    json_t *j = J("[{\"__t\":\"NodeId\",\"v\":\"nsu=urn:opcua-sm:test;s=Scalar.Int32\"}]");
    json_t *q = wire_tagged_to_query(j, &err, 0);
    assert_non_null(q);
    assert_json(q, "[{\"id\":\"Scalar.Int32\",\"type\":\"string\",\"nsu\":\"urn:opcua-sm:test\"}]");
    json_decref(j);
    const char *bad[] = {"[{\"__t\":\"NodeId\",\"v\":\"nsu=urn:x\"}]",
                         "[{\"__t\":\"NodeId\",\"v\":\"nsu=%ff;i=1\"}]"};
    for (size_t i = 0; i < 2; i++) {
        j = J(bad[i]);
        wire_error_init(&err, "args");
        assert_null(wire_tagged_to_query(j, &err, 0));
        assert_string_equal(err.type, "InvalidNodeIdException");
        assert_non_null(strstr(err.message, "Invalid NodeId format: nsu="));
        json_decref(j);
    }
}

/* wire_error_init takes the current table; wire_namespaces_use returns
 * the previous one. */
static void test_table_per_thread(void **state)
{
    (void)state;
    wire_error err;
    wire_error_init(&err, "x");
    assert_null(err.namespaces);
    assert_null(wire_namespaces_use(&table));
    wire_error_init(&err, "x");
    assert_ptr_equal(err.namespaces, &table);
    assert_ptr_equal(wire_namespaces_use(NULL), &table);
    wire_error_init(&err, "x");
    assert_null(err.namespaces);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_object_form),
        cmocka_unit_test(test_object_errors),
        cmocka_unit_test(test_text_form),
        cmocka_unit_test(test_typed_values),
        cmocka_unit_test(test_parameter_structures),
        cmocka_unit_test(test_tagged_form),
        cmocka_unit_test(test_table_per_thread),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
