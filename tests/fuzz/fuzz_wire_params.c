/* libFuzzer target: JSON from an IPC client through every decoder of
 * src/wire (NodeId, Variant, DataValue, typed coercion, the parameter
 * structures). The first byte picks a BuiltinType for the typed path; the
 * rest is JSON text. Nothing may crash, leak or overread; whatever decodes
 * must encode back to JSON. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void try_all(const json_t *j, unsigned type)
{
    wire_error err;
    ua_NodeId n;
    ua_Variant v;
    ua_DataValue dv;
    ua_QualifiedName q;
    ua_LocalizedText lt;
    ua_ExtensionObject eo;
    ua_BrowsePath bp;
    ua_ReadValueId rv;
    ua_ByteString cp;
    ua_DateTime t;
    wire_error_init(&err, "p");
    if (wire_to_nodeid(j, &n, &err) == 0) {
        json_decref(wire_from_nodeid(&n));
        ua_clear(&n, UA_BUILTIN(UA_KIND_NODEID));
    }
    if (wire_to_variant(j, &v, &err) == 0) {
        json_decref(wire_from_variant(&v));
        ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));
    }
    if (wire_to_variant_typed(j, type, WIRE_RANK_ANY, &v, &err) == 0) {
        json_decref(wire_from_variant(&v));
        ua_clear(&v, UA_BUILTIN(UA_KIND_VARIANT));
    }
    if (wire_to_data_value(j, &dv, &err) == 0) {
        json_decref(wire_from_data_value(&dv));
        ua_clear(&dv, UA_BUILTIN(UA_KIND_DATAVALUE));
    }
    if (wire_to_qualified_name(j, &q, &err) == 0)
        ua_clear(&q, UA_BUILTIN(UA_KIND_QUALIFIEDNAME));
    if (wire_to_localized_text(j, &lt, &err) == 0)
        ua_clear(&lt, UA_BUILTIN(UA_KIND_LOCALIZEDTEXT));
    if (wire_to_extension_object(j, &eo, &err) == 0) {
        json_decref(wire_from_extension_object(&eo));
        ua_clear(&eo, UA_BUILTIN(UA_KIND_EXTENSIONOBJECT));
    }
    if (wire_to_browse_path(j, &bp, &err) == 0)
        ua_clear(&bp, UA_TYPE_BROWSEPATH);
    if (wire_to_read_item(j, &rv, &err) == 0)
        ua_clear(&rv, UA_TYPE_READVALUEID);
    if (wire_to_continuation_point(j, &cp, &err) == 0) {
        json_decref(wire_from_continuation_point(&cp));
        ua_clear(&cp, UA_BUILTIN(UA_KIND_BYTESTRING));
    }
    wire_to_datetime(j, &t, &err);
    wire_write_item w;
    if (wire_to_write_item(j, &w, &err) == 0)
        wire_write_item_clear(&w);
    wire_monitored_item_spec ms;
    if (wire_to_monitored_item_spec(j, &ms, &err) == 0)
        wire_monitored_item_spec_clear(&ms);
    wire_modify_spec md;
    if (wire_to_modify_spec(j, &md, &err) == 0)
        wire_modify_spec_clear(&md);
    ua_Variant *vs;
    size_t nv;
    if (wire_to_variants(j, &vs, &nv, &err) == 0)
        ua_array_delete(vs, nv, UA_BUILTIN(UA_KIND_VARIANT));
    ua_BrowsePath *bps;
    size_t nb;
    if (wire_to_browse_paths(j, &bps, &nb, &err) == 0)
        ua_array_delete(bps, nb, UA_TYPE_BROWSEPATH);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned type = 1 + data[0] % 25;
    json_error_t e;
    json_t *j = json_loadb((const char *)data + 1, size - 1, JSON_DECODE_ANY, &e);
    if (!j)
        return 0;
    try_all(j, type);
    if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) try_all(v, type);
    }
    json_decref(j);
    return 0;
}
