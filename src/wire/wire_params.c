/* JSON -> the parameter structures of the query methods (query-methods.md
 * "Parameter structures"): BrowsePath, RelativePathElement, ReadItem,
 * WriteItem, MonitoredItemSpec, ModifySpec, Ack, and their array forms,
 * with the defaults the reference daemon and client fill in. Which method
 * takes what, and positional parameters, are the daemon's business. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua_nodeids.h"
#include "ua_statuscodes.h"
#include "wire_int.h"

#define ATTRIBUTE_VALUE 13u

/* A member of a JSON object; NULL when absent or JSON null. */
static const json_t *member(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_null(v) ? NULL : v;
}

static int not_object(const json_t *j, const char *shape, wire_error *err)
{
    char what[96];
    snprintf(what, sizeof(what), "a %s object", shape);
    return wire_fail_expected(err, j, what);
}

static int field_nodeid(const json_t *j, const char *key, ua_NodeId *out, wire_error *err)
{
    char path[WIRE_PATH_MAX];
    const char *old = wire_scope_field(err, path, key);
    int rc = wire_to_nodeid(json_object_get(j, key), out, err);
    wire_scope_pop(err, old);
    return rc;
}

static int field_u32(const json_t *j, const char *key, uint32_t def, uint32_t *out, bool *has,
                     wire_error *err)
{
    const json_t *v = member(j, key);
    *out = def;
    if (has)
        *has = v != NULL;
    if (!v)
        return 0;
    char path[WIRE_PATH_MAX];
    const char *old = wire_scope_field(err, path, key);
    int rc = wire_to_uint32(v, out, err);
    wire_scope_pop(err, old);
    return rc;
}

/* A required unsigned 32-bit member (missing is a TypeError). */
static int field_u32_required(const json_t *j, const char *key, uint32_t *out, wire_error *err)
{
    char path[WIRE_PATH_MAX];
    const char *old = wire_scope_field(err, path, key);
    int rc = wire_to_uint32(json_object_get(j, key), out, err);
    wire_scope_pop(err, old);
    return rc;
}

static int field_bool(const json_t *j, const char *key, bool def, bool *out, bool *has,
                      wire_error *err)
{
    const json_t *v = member(j, key);
    *out = def;
    if (has)
        *has = v != NULL;
    if (!v)
        return 0;
    if (!json_is_boolean(v)) {
        char path[WIRE_PATH_MAX];
        const char *old = wire_scope_field(err, path, key);
        wire_fail_expected(err, v, "true or false");
        wire_scope_pop(err, old);
        return -1;
    }
    *out = json_is_true(v);
    return 0;
}

static int field_double(const json_t *j, const char *key, double def, double *out, bool *has,
                        wire_error *err)
{
    const json_t *v = member(j, key);
    *out = def;
    if (has)
        *has = v != NULL;
    if (!v)
        return 0;
    if (!json_is_number(v)) {
        char path[WIRE_PATH_MAX];
        const char *old = wire_scope_field(err, path, key);
        wire_fail_expected(err, v, "a number");
        wire_scope_pop(err, old);
        return -1;
    }
    *out = json_number_value(v);
    return 0;
}

/* ---- translate -------------------------------------------------------------- */

static int rpe_fields(const json_t *j, ua_RelativePathElement *out, wire_error *err)
{
    if (member(j, "referenceTypeId")) {
        if (field_nodeid(j, "referenceTypeId", &out->referenceTypeId, err) != 0)
            return -1;
    } else {
        /* What the PHP client sends when none is given. */
        out->referenceTypeId = ua_nodeid_numeric(0, UA_NS0_HIERARCHICALREFERENCES);
    }
    bool inverse, subtypes;
    if (field_bool(j, "isInverse", false, &inverse, NULL, err) != 0 ||
        field_bool(j, "includeSubtypes", true, &subtypes, NULL, err) != 0)
        return -1;
    out->isInverse = inverse;
    out->includeSubtypes = subtypes;
    char path[WIRE_PATH_MAX];
    const char *old = wire_scope_field(err, path, "targetName");
    int rc = wire_to_qualified_name(json_object_get(j, "targetName"), &out->targetName, err);
    wire_scope_pop(err, old);
    return rc;
}

int wire_to_relative_path_element(const json_t *j, ua_RelativePathElement *out, wire_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!json_is_object(j))
        return not_object(j, "RelativePathElement", err);
    if (rpe_fields(j, out, err) != 0) {
        ua_clear(out, UA_TYPE_RELATIVEPATHELEMENT);
        return -1;
    }
    return 0;
}

/* ---- arrays (generic) -------------------------------------------------- */

typedef int (*elem_fn)(const json_t *j, void *out, wire_error *err);
typedef void (*elem_clear_fn)(void *p);

static int array_of(const json_t *j, size_t size, elem_fn fn, elem_clear_fn clear, void **out,
                    size_t *n, wire_error *err)
{
    *out = NULL;
    *n = 0;
    if (!json_is_array(j))
        return wire_fail_expected(err, j, "an array");
    size_t len = json_array_size(j);
    uint8_t *arr = len ? calloc(len, size) : UA_EMPTY_ARRAY;
    if (!arr)
        return wire_fail_oom(err);
    for (size_t i = 0; i < len; i++) {
        char path[WIRE_PATH_MAX];
        const char *old = wire_scope_index(err, path, i);
        int rc = fn(json_array_get(j, i), arr + i * size, err);
        wire_scope_pop(err, old);
        if (rc != 0) {
            for (size_t k = 0; k < i; k++)
                clear(arr + k * size);
            ua_free(arr);
            return -1;
        }
    }
    *out = arr;
    *n = len;
    return 0;
}

static int rpe_fn(const json_t *j, void *out, wire_error *err)
{
    return wire_to_relative_path_element(j, out, err);
}

static void rpe_clear(void *p)
{
    ua_clear(p, UA_TYPE_RELATIVEPATHELEMENT);
}

static int browse_path_fields(const json_t *j, ua_BrowsePath *out, wire_error *err)
{
    if (field_nodeid(j, "startingNodeId", &out->startingNode, err) != 0)
        return -1;
    const json_t *rp = member(j, "relativePath");
    if (!rp) {
        out->relativePath.elements = UA_EMPTY_ARRAY;
        return 0;
    }
    void *arr;
    size_t n;
    char path[WIRE_PATH_MAX];
    const char *old = wire_scope_field(err, path, "relativePath");
    int rc = array_of(rp, sizeof(ua_RelativePathElement), rpe_fn, rpe_clear, &arr, &n, err);
    wire_scope_pop(err, old);
    if (rc != 0)
        return -1;
    out->relativePath.elements = arr;
    out->relativePath.elementsSize = n;
    return 0;
}

int wire_to_browse_path(const json_t *j, ua_BrowsePath *out, wire_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!json_is_object(j))
        return not_object(j, "BrowsePath", err);
    if (browse_path_fields(j, out, err) != 0) {
        ua_clear(out, UA_TYPE_BROWSEPATH);
        return -1;
    }
    return 0;
}

/* ---- read / write ----------------------------------------------------------- */

int wire_to_read_item(const json_t *j, ua_ReadValueId *out, wire_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!json_is_object(j))
        return not_object(j, "ReadItem", err);
    if (field_nodeid(j, "nodeId", &out->nodeId, err) != 0 ||
        field_u32(j, "attributeId", ATTRIBUTE_VALUE, &out->attributeId, NULL, err) != 0) {
        ua_clear(out, UA_TYPE_READVALUEID);
        return -1;
    }
    return 0;
}

static int write_item_fields(const json_t *j, wire_write_item *out, wire_error *err)
{
    if (field_nodeid(j, "nodeId", &out->node_id, err) != 0 ||
        field_u32(j, "attributeId", ATTRIBUTE_VALUE, &out->attribute_id, NULL, err) != 0)
        return -1;
    json_t *value = json_object_get(j, "value");
    if (!value)
        return wire_fail(err, WIRE_TYPE_ERROR, "a WriteItem needs \"value\"");
    const json_t *type = member(j, "type");
    if (type) {
        int64_t t;
        char got[80];
        if (!wire_json_int64(type, &t) || t < 1 || t > 25)
            return wire_fail(err, WIRE_VALUE_ERROR,
                             "\"type\" must be null or a BuiltinType 1..25, got %s",
                             wire_describe(type, got, sizeof(got)));
        out->type = (unsigned)t;
    }
    out->value = json_incref(value);
    return 0;
}

int wire_to_write_item(const json_t *j, wire_write_item *out, wire_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!json_is_object(j))
        return not_object(j, "WriteItem", err);
    if (write_item_fields(j, out, err) != 0) {
        wire_write_item_clear(out);
        return -1;
    }
    return 0;
}

void wire_write_item_clear(wire_write_item *w)
{
    ua_clear(&w->node_id, UA_BUILTIN(UA_KIND_NODEID));
    json_decref(w->value);
    memset(w, 0, sizeof(*w));
}

/* ---- monitored items -------------------------------------------------------- */

static int filter_fields(const json_t *f, ua_ExtensionObject *out, wire_error *err)
{
    ua_DataChangeFilter dcf = {0};
    uint32_t trigger;
    if (!json_is_object(f))
        return not_object(f, "DataChangeFilter", err);
    if (field_u32(f, "trigger", 1, &trigger, NULL, err) != 0 ||
        field_u32(f, "deadbandType", 0, &dcf.deadbandType, NULL, err) != 0 ||
        field_double(f, "deadbandValue", 0.0, &dcf.deadbandValue, NULL, err) != 0)
        return -1;
    if (trigger > 2)
        return wire_fail(err, WIRE_VALUE_ERROR, "trigger must be 0, 1 or 2");
    dcf.trigger = (ua_DataChangeTrigger)trigger;
    if (ua_extobj_set_copy(out, &dcf, UA_TYPE_DATACHANGEFILTER) != UA_STATUS_GOOD)
        return wire_fail_oom(err);
    return 0;
}

/* "filter": {"trigger" = 1, "deadbandType" = 0, "deadbandValue" = 0.0},
 * the DataChangeFilter the PHP client builds from it; absent = no filter. */
static int filter_of(const json_t *j, ua_ExtensionObject *out, wire_error *err)
{
    const json_t *f = member(j, "filter");
    if (!f)
        return 0;
    char path[WIRE_PATH_MAX];
    const char *old = wire_scope_field(err, path, "filter");
    int rc = filter_fields(f, out, err);
    wire_scope_pop(err, old);
    return rc;
}

static int mi_spec_fields(const json_t *j, wire_monitored_item_spec *out, wire_error *err)
{
    ua_MonitoredItemCreateRequest *r = &out->request;
    ua_MonitoringParameters *p = &r->requestedParameters;
    uint32_t mode;
    bool discard;
    if (field_nodeid(j, "nodeId", &r->itemToMonitor.nodeId, err) != 0 ||
        field_u32(j, "attributeId", ATTRIBUTE_VALUE, &r->itemToMonitor.attributeId, NULL, err) !=
            0 ||
        field_double(j, "samplingInterval", 250.0, &p->samplingInterval, NULL, err) != 0 ||
        field_u32(j, "queueSize", 1, &p->queueSize, NULL, err) != 0 ||
        field_u32(j, "clientHandle", 0, &p->clientHandle, &out->has_client_handle, err) != 0 ||
        field_u32(j, "monitoringMode", UA_MONITORINGMODE_REPORTING, &mode,
                  &out->has_monitoring_mode, err) != 0 ||
        field_bool(j, "discardOldest", true, &discard, NULL, err) != 0)
        return -1;
    if (mode > UA_MONITORINGMODE_REPORTING) {
        char path[WIRE_PATH_MAX];
        const char *old = wire_scope_field(err, path, "monitoringMode");
        wire_fail(err, WIRE_VALUE_ERROR,
                  "expected a MonitoringMode (0 Disabled, 1 Sampling, 2 Reporting), got %u", mode);
        wire_scope_pop(err, old);
        return -1;
    }
    r->monitoringMode = (ua_MonitoringMode)mode;
    p->discardOldest = discard;
    return filter_of(j, &p->filter, err);
}

int wire_to_monitored_item_spec(const json_t *j, wire_monitored_item_spec *out, wire_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!json_is_object(j))
        return not_object(j, "MonitoredItemSpec", err);
    if (mi_spec_fields(j, out, err) != 0) {
        wire_monitored_item_spec_clear(out);
        return -1;
    }
    return 0;
}

void wire_monitored_item_spec_clear(wire_monitored_item_spec *s)
{
    ua_clear(&s->request, UA_TYPE_MONITOREDITEMCREATEREQUEST);
    memset(s, 0, sizeof(*s));
}

static int modify_fields(const json_t *j, wire_modify_spec *out, wire_error *err)
{
    ua_MonitoredItemModifyRequest *r = &out->request;
    ua_MonitoringParameters *p = &r->requestedParameters;
    bool discard;
    if (field_u32_required(j, "monitoredItemId", &r->monitoredItemId, err) != 0 ||
        field_double(j, "samplingInterval", -1.0, &p->samplingInterval, &out->has_sampling_interval,
                     err) != 0 ||
        field_u32(j, "queueSize", 0, &p->queueSize, &out->has_queue_size, err) != 0 ||
        field_u32(j, "clientHandle", 0, &p->clientHandle, &out->has_client_handle, err) != 0 ||
        field_bool(j, "discardOldest", true, &discard, &out->has_discard_oldest, err) != 0)
        return -1;
    p->discardOldest = discard;
    return filter_of(j, &p->filter, err);
}

int wire_to_modify_spec(const json_t *j, wire_modify_spec *out, wire_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!json_is_object(j))
        return not_object(j, "ModifySpec", err);
    if (modify_fields(j, out, err) != 0) {
        wire_modify_spec_clear(out);
        return -1;
    }
    return 0;
}

void wire_modify_spec_clear(wire_modify_spec *s)
{
    ua_clear(&s->request, UA_TYPE_MONITOREDITEMMODIFYREQUEST);
    memset(s, 0, sizeof(*s));
}

int wire_to_ack(const json_t *j, ua_SubscriptionAcknowledgement *out, wire_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!json_is_object(j))
        return not_object(j, "Ack", err);
    if (field_u32_required(j, "subscriptionId", &out->subscriptionId, err) != 0 ||
        field_u32_required(j, "sequenceNumber", &out->sequenceNumber, err) != 0)
        return -1;
    return 0;
}

/* ---- array forms -------------------------------------------------------------- */

#define ARRAY_FORM(name, T, decode, clear_call)                                                    \
    static int name##_fn(const json_t *j, void *out, wire_error *err)                              \
    {                                                                                              \
        return decode(j, (T *)out, err);                                                           \
    }                                                                                              \
    static void name##_clear(void *p)                                                              \
    {                                                                                              \
        clear_call;                                                                                \
    }                                                                                              \
    int wire_to_##name(const json_t *j, T **out, size_t *n, wire_error *err)                       \
    {                                                                                              \
        void *arr;                                                                                 \
        int rc = array_of(j, sizeof(T), name##_fn, name##_clear, &arr, n, err);                    \
        *out = rc == 0 ? arr : NULL;                                                               \
        return rc;                                                                                 \
    }

static int datetime_elem(const json_t *j, ua_DateTime *out, wire_error *err)
{
    return wire_to_datetime(j, out, err);
}

ARRAY_FORM(uint32_array, uint32_t, wire_to_uint32, (void)p)
ARRAY_FORM(nodeids, ua_NodeId, wire_to_nodeid, ua_clear(p, UA_BUILTIN(UA_KIND_NODEID)))
ARRAY_FORM(variants, ua_Variant, wire_to_variant, ua_clear(p, UA_BUILTIN(UA_KIND_VARIANT)))
ARRAY_FORM(read_items, ua_ReadValueId, wire_to_read_item, ua_clear(p, UA_TYPE_READVALUEID))
ARRAY_FORM(browse_paths, ua_BrowsePath, wire_to_browse_path, ua_clear(p, UA_TYPE_BROWSEPATH))
ARRAY_FORM(acks, ua_SubscriptionAcknowledgement, wire_to_ack, (void)p)
ARRAY_FORM(datetimes, ua_DateTime, datetime_elem, (void)p)
ARRAY_FORM(write_items, wire_write_item, wire_to_write_item, wire_write_item_clear(p))
ARRAY_FORM(monitored_item_specs, wire_monitored_item_spec, wire_to_monitored_item_spec,
           wire_monitored_item_spec_clear(p))
ARRAY_FORM(modify_specs, wire_modify_spec, wire_to_modify_spec, wire_modify_spec_clear(p))

void wire_write_items_delete(wire_write_item *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++)
        wire_write_item_clear(&items[i]);
    ua_free(items);
}

void wire_monitored_item_specs_delete(wire_monitored_item_spec *specs, size_t n)
{
    for (size_t i = 0; specs && i < n; i++)
        wire_monitored_item_spec_clear(&specs[i]);
    ua_free(specs);
}

void wire_modify_specs_delete(wire_modify_spec *specs, size_t n)
{
    for (size_t i = 0; specs && i < n; i++)
        wire_modify_spec_clear(&specs[i]);
    ua_free(specs);
}
