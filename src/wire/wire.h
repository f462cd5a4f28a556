/* UA values <-> JSON (jansson) in the query-path shapes of the PHP reference
 * daemon (shared/spec/type-serialization.md §1, query-methods.md "Parameter
 * structures"). Pure functions on values: no I/O, no session state, no IPC.
 * Shared by the daemon and the C client library. docs/internals/wire.md has
 * the mapping table and every place where we differ from PHP.
 *
 * Encoders (UA -> JSON): json_t *wire_from_<thing>(const ua_<thing> *)
 * borrow their input and return a new reference, or NULL when out of memory.
 *
 * Decoders (JSON -> UA): int wire_to_<thing>(const json_t *, out, wire_error *)
 * borrow the JSON, return 0 or -1, write an uninitialised *out that the
 * caller owns afterwards (ua_clear / the matching wire_*_clear) and leave
 * *out cleared on failure. On failure *err names the PHP exception type and
 * says which parameter was wrong and what was expected. */
#ifndef WIRE_H
#define WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ua_types.h"

/* ---- errors ---------------------------------------------------------- */

/* Exception type names (`error.type` of the IPC reply), as PHP names them. */
#define WIRE_TYPE_ERROR       "TypeError"                /* wrong JSON kind, value out of range */
#define WIRE_VALUE_ERROR      "ValueError"               /* bad enum value (BuiltinType 1..25) */
#define WIRE_INVALID_ARGUMENT "InvalidArgumentException" /* well-typed but unusable */
#define WIRE_INVALID_NODEID   "InvalidNodeIdException"   /* a NodeId that cannot be built */
#define WIRE_OUT_OF_MEMORY    "Exception"                /* allocation failed */
#define WIRE_UNHANDLED_MATCH  "UnhandledMatchError"      /* a NodeId "type" PHP has no case for */

#define WIRE_ERROR_MESSAGE_MAX 256

/* A namespace table for NodeIds given by namespace URI ("nsu", our
 * extension of the wire format): uris[i] is the URI of namespace index i,
 * as in a server's NamespaceArray (Part 5 (1.05) 6.3.1, ns=0;i=2255). */
typedef struct wire_namespaces {
    const ua_String *uris; /* borrowed */
    size_t n;
} wire_namespaces;

typedef struct wire_error {
    /* In: the parameter being decoded ("nodeId", "params[1]"), borrowed;
     * NULL for none. Messages start with it; nested fields and array
     * elements extend it ("readItems[2].nodeId"). */
    const char *param;
    /* Out: one of the WIRE_* type names above (static string). */
    const char *type;
    /* Out: "readItems[2].nodeId: expected ..., got ..." */
    char message[WIRE_ERROR_MESSAGE_MAX];
    /* In, optional: run-time structure types (a session's discovered
     * types) for ExtensionObjects given as {"typeId", "value": {fields}}:
     * lookup(ctx, id) returns the type whose binary encoding id or DataType
     * id is id, or NULL. wire_error_init sets both to NULL. */
    const ua_type *(*lookup)(void *ctx, const ua_NodeId *id);
    void *lookup_ctx;
    /* In, optional: resolves namespace URIs of NodeIds ({"nsu": ...} and
     * "nsu=<uri>;..." text) to indexes; NULL = such NodeIds are an
     * InvalidNodeIdException. wire_error_init takes the calling thread's
     * current table (wire_namespaces_use). Borrowed. */
    const wire_namespaces *namespaces;
} wire_error;

/** Sets param (borrowed), empties the outputs, clears the lookup and sets
 *  namespaces to the calling thread's current table. */
void wire_error_init(wire_error *err, const char *param);

/** Makes t (borrowed; NULL = none) the namespace table that wire_error_init
 *  gives to the decoders of the calling thread, and returns the previous
 *  one, which the caller restores when done. The daemon sets the session's
 *  NamespaceArray around the decoding of one request, so that "nsu" NodeIds
 *  are resolved wherever a NodeId is decoded. */
const wire_namespaces *wire_namespaces_use(const wire_namespaces *t);

/** Parses NodeId text: "ns=<n>;<i|s|g|b>=<id>", "<i|s|g|b>=<id>" or
 *  "nsu=<uri>;<i|s|g|b>=<id>" (';' and '%' in the URI %-escaped), the URI
 *  resolved through err->namespaces. *out is uninitialised; owned by the
 *  caller on success. Returns 0; -1 when the text is not a NodeId (err not
 *  set: callers word that error themselves); -2 with err set when the URI
 *  is unknown or cannot be resolved (InvalidNodeIdException) or out of
 *  memory. */
int wire_nodeid_parse(const char *s, size_t len, ua_NodeId *out, wire_error *err);

/* ---- UInt64 above INT64_MAX ------------------------------------------
 * jansson integers are int64_t, so a UInt64 above 2^63-1 cannot be a JSON
 * integer in jansson. The encoders give such a value as a one-member object
 * {WIRE_BIG_U64_KEY: "<decimal digits>"}; the IPC writer must print it as
 * the bare integer (ipc-protocol.md §9 #5: 12345678901234567890 stays
 * exact). Decoders of UInt64 accept the marker too. */
#define WIRE_BIG_U64_KEY "__osm_uint64"

/** Returns a JSON integer for v <= INT64_MAX, else the marker object.
 *  Returns owned, NULL when out of memory. */
json_t *wire_json_u64(uint64_t v);
/** True when j (borrowed) is a marker object made by wire_json_u64. */
bool wire_is_big_u64(const json_t *j);
/** The value of a marker object (0 when j is not one). */
uint64_t wire_big_u64_value(const json_t *j);

/* ---- text helpers -------------------------------------------------------- */

/** Formats t like PHP's date('c') in UTC: "2026-03-02T08:15:30+00:00",
 *  whole seconds (sub-second ticks dropped, rounding down), at least four
 *  year digits. Writes a NUL-terminated string into buf (at least 32 bytes).
 *  Returns the length, or 0 when t <= 0 (PHP decodes those as null). */
size_t wire_datetime_format(ua_DateTime t, char *buf, size_t size);

/* ---- encoders: built-in values -------------------------------------- */

/** String: null string -> null; invalid UTF-8 bytes become U+FFFD (PHP
 *  would fail the whole reply). May contain U+0000 (json_string_length). */
json_t *wire_from_string(const ua_String *s);
/** ByteString / XmlElement values and certificates: null -> null; the raw
 *  text when the bytes are valid UTF-8 without NUL (identical to PHP),
 *  otherwise standard base64 (DE AD BE EF -> "3q2+7w=="). */
json_t *wire_from_bytestring(const ua_ByteString *b);
/** Continuation points: null or empty -> null; the raw text when it is
 *  valid UTF-8 without NUL and is not itself valid base64, otherwise base64.
 *  wire_to_continuation_point inverts it exactly. */
json_t *wire_from_continuation_point(const ua_ByteString *cp);
/** DateTime per wire_datetime_format; t <= 0 -> null. */
json_t *wire_from_datetime(ua_DateTime t);
/** Guid: lowercase "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
json_t *wire_from_guid(const ua_Guid *g);
/** {"ns","id","type"}: numeric id integer, string id string, guid
 *  lowercase, opaque lowercase hex. */
json_t *wire_from_nodeid(const ua_NodeId *id);
/** NamespaceUri and ServerIndex are dropped, as by the PHP client. */
json_t *wire_from_expanded_nodeid(const ua_ExpandedNodeId *id);
/** {"ns","name"}; a null name is "". */
json_t *wire_from_qualified_name(const ua_QualifiedName *qn);
/** {"locale","text"}, each string or null. */
json_t *wire_from_localized_text(const ua_LocalizedText *lt);
/** {"typeId","encoding","body","value"}. Binary/XML bodies as base64 with
 *  value null. A body decoded into a namespace-0 type is re-encoded to
 *  base64 (the PHP client has no codec for them: golden 03, ServerStatus);
 *  a body of a run-time type (from a resolver, i.e. discovered types) gives
 *  body null and value = the structure as an object keyed by field name. */
json_t *wire_from_extension_object(const ua_ExtensionObject *eo);
/** Object with the present fields among symbolicId, namespaceUri,
 *  localizedText, locale, additionalInfo, innerStatusCode,
 *  innerDiagnosticInfo; [] when none is present. */
json_t *wire_from_diagnostic_info(const ua_DiagnosticInfo *di);
/** {"type","value","dimensions"}: arrays flat, dimensions only for
 *  multi-dimensional arrays. Empty variant: type and value null.
 *  Enumerations are Int32 (6), structures ExtensionObjects (22). */
json_t *wire_from_variant(const ua_Variant *v);
/** Flat {"value","type","dimensions","statusCode","sourceTimestamp",
 *  "serverTimestamp"}; picoseconds are not represented. */
json_t *wire_from_data_value(const ua_DataValue *dv);
/** Any described value: built-ins as above, enumerations as integers,
 *  structures as objects keyed by member name (optional members absent ->
 *  null, unions {"_switchField": n, <arm>: value}). */
json_t *wire_from_value(const void *p, const ua_type *type);

/* ---- encoders: service results (§1.10 - §1.12) ------------------------- */

json_t *wire_from_reference_description(const ua_ReferenceDescription *r);
/** JSON array of ReferenceDescription objects (browse, browseAll). */
json_t *wire_from_references(const ua_ReferenceDescription *refs, size_t n);
/** {"reference","children"}; takes children (a JSON array; NULL -> []),
 *  also on failure. */
json_t *wire_from_browse_node(const ua_ReferenceDescription *r, json_t *children);
/** BrowseResultSet {"references","continuationPoint"}; statusCode dropped. */
json_t *wire_from_browse_result(const ua_BrowseResult *br);
json_t *wire_from_endpoint_description(const ua_EndpointDescription *ep);
json_t *wire_from_user_token_policy(const ua_UserTokenPolicy *p);
/** CallResult {"statusCode","inputArgumentResults","outputArguments"}. */
json_t *wire_from_call_result(const ua_CallMethodResult *r);
/** {"statusCode","targets":[{"targetId","remainingPathIndex"}]}. */
json_t *wire_from_browse_path_result(const ua_BrowsePathResult *r);
/** SubscriptionResult {"subscriptionId","revisedPublishingInterval",
 *  "revisedLifetimeCount","revisedMaxKeepAliveCount"}. */
json_t *wire_from_subscription_result(const ua_CreateSubscriptionResponse *r);
/** MonitoredItemResult {"statusCode","monitoredItemId",
 *  "revisedSamplingInterval","revisedQueueSize"}. */
json_t *wire_from_monitored_item_result(const ua_MonitoredItemCreateResult *r);
json_t *wire_from_monitored_item_modify_result(const ua_MonitoredItemModifyResult *r);
/** SetTriggeringResult {"addResults","removeResults"}. */
json_t *wire_from_set_triggering_result(const ua_SetTriggeringResponse *r);
json_t *wire_from_transfer_result(const ua_TransferResult *r);
/** The notifications of a message as a flat array: DataChange items
 *  {"type":"DataChange","clientHandle","dataValue"} and events
 *  {"type":"Event","clientHandle","eventFields":[Variant...]}, in order;
 *  other notification kinds (StatusChange, undecoded bodies) are skipped. */
json_t *wire_from_notifications(const ua_NotificationMessage *m);
/** PublishResult {"subscriptionId","sequenceNumber","moreNotifications",
 *  "notifications","availableSequenceNumbers"}; publishTime not included. */
json_t *wire_from_publish_result(const ua_PublishResponse *r);
/** RepublishResult {"sequenceNumber","publishTime","notifications"}. PHP
 *  always sends [] here; we send the notifications (same shape as publish). */
json_t *wire_from_republish_result(const ua_RepublishResponse *r);
/** Array of DataValue objects (readMulti, history reads). */
json_t *wire_from_data_values(const ua_DataValue *dvs, size_t n);
/** Array of unsigned integers (writeMulti, deleteMonitoredItems). */
json_t *wire_from_status_codes(const ua_StatusCode *codes, size_t n);

/* ---- decoders: values ------------------------------------------------ */

/** A JSON object {"ns","id","type"}: missing type -> "numeric", missing ns
 *  -> 0, missing id -> 0. A string ("ns=1;s=X") is a TypeError, as in PHP.
 *  Our extension: {"nsu": "<namespace URI>", "id", "type"} instead of "ns",
 *  resolved through err->namespaces (both "ns" and "nsu", an unknown URI or
 *  no table are InvalidNodeIdException).
 *  Wrong JSON kinds are TypeError; an unknown type name, ns outside
 *  0..65535, a numeric id outside 0..4294967295, a bad guid or opaque hex
 *  are InvalidNodeIdException. */
int wire_to_nodeid(const json_t *j, ua_NodeId *out, wire_error *err);
/** {"ns","name"}: ns default 0, name default "". */
int wire_to_qualified_name(const json_t *j, ua_QualifiedName *out, wire_error *err);
/** {"locale","text"}: each string or null, missing -> null. */
int wire_to_localized_text(const json_t *j, ua_LocalizedText *out, wire_error *err);
/** {"typeId","encoding","body"}: body base64 or null; encoding defaults to
 *  1 with a body, 0 without. A "value" object without a body is encoded
 *  with the type err->lookup finds for typeId (its binary encoding id or
 *  DataType id), by field name (wire_to_value); without such a type it is
 *  an InvalidArgumentException. */
int wire_to_extension_object(const json_t *j, ua_ExtensionObject *out, wire_error *err);
/** The inverse of wire_from_value for a described structure (and any type
 *  wire_to_variant_typed takes): an object keyed by member name; missing
 *  members are zero/null; optional members null or absent = not present;
 *  unions {"_switchField": n, "<arm>": v} or just {"<arm>": v} (0 = no
 *  arm); arrays as JSON arrays; nested structures as objects (or their
 *  ExtensionObject form); unknown member names are a TypeError. *dst is
 *  uninitialised (mem_size bytes), owned by the caller afterwards and
 *  cleared on failure. */
int wire_to_value(const json_t *j, const ua_type *type, void *dst, wire_error *err);
/** The object form of wire_from_diagnostic_info ([] or {} = empty). */
int wire_to_diagnostic_info(const json_t *j, ua_DiagnosticInfo *out, wire_error *err);
/** {"type","value","dimensions"}: type required, 1..25 (ValueError
 *  otherwise). value is converted as by wire_to_variant_typed with the
 *  rank taken from the JSON (scalar, flat array, nested arrays); a flat
 *  array with "dimensions" [d1, d2, ...] is multi-dimensional (the
 *  product must match). Unlike PHP, arrays of DateTime/NodeId/... are
 *  converted element-wise. */
int wire_to_variant(const json_t *j, ua_Variant *out, wire_error *err);
/** Flat DataValue object: a Variant when "type" is set and "value" is
 *  present; statusCode default 0; timestamps ISO-8601 strings or null. */
int wire_to_data_value(const json_t *j, ua_DataValue *out, wire_error *err);
/** An ISO-8601 string (see wire_parse_datetime). */
int wire_to_datetime(const json_t *j, ua_DateTime *out, wire_error *err);
/** Parses s[0..len): ISO 8601 "YYYY-MM-DD[T| ]HH:MM[:SS[.f]][Z|±HH:MM]"
 *  (no zone = UTC, bare date = midnight UTC), "@<unix seconds>", or "now".
 *  0 or -1. A subset of what PHP's date parser takes. */
int wire_parse_datetime(const char *s, size_t len, ua_DateTime *out);
/** Inverse of wire_from_continuation_point: a valid base64 string is
 *  decoded, any other string is taken as its bytes; null -> null string. */
int wire_to_continuation_point(const json_t *j, ua_ByteString *out, wire_error *err);
/** A JSON integer (or integral real) in 0..4294967295; TypeError otherwise. */
int wire_to_uint32(const json_t *j, uint32_t *out, wire_error *err);

/* OPC UA ValueRank values accepted by wire_to_variant_typed. */
#define WIRE_RANK_SCALAR_OR_ONE_DIM (-3)
#define WIRE_RANK_ANY               (-2)
#define WIRE_RANK_SCALAR            (-1)
#define WIRE_RANK_ONE_OR_MORE_DIMS  0

/** Converts value (borrowed) to a Variant of built-in type builtin_type
 *  (1..25, else ValueError) for writes and typed method arguments.
 *  value_rank is an OPC UA ValueRank: -1 scalar, -2 any, -3 scalar or one
 *  dimension, 0 one or more dimensions, n >= 1 exactly n dimensions.
 *  Arrays may be nested JSON arrays (rectangular; flattened, with
 *  dimensions when there are two or more).
 *  Per element (TypeError unless noted, message
 *  "expected UInt16 (0..65535), got 70000"):
 *  - Boolean: true/false only.
 *  - integers: a JSON integer in the type's range; a real only when it has
 *    no fraction; Int64/UInt64 also a decimal string and UInt64 the
 *    WIRE_BIG_U64_KEY marker (exact values beyond 2^53).
 *  - Float/Double: any JSON number (Float range checked); not NaN/Inf.
 *  - String/XmlElement: a string or null.
 *  - DateTime: ISO-8601 string (wire_parse_datetime) or null (= 0).
 *  - Guid: its text form (either case).
 *  - ByteString: a string is taken as its UTF-8 bytes; {"base64": "..."}
 *    marks base64; null is the null ByteString.
 *  - NodeId/ExpandedNodeId: the object form or the text form "ns=1;s=X"
 *    or "nsu=<uri>;s=X" (a bad text form is InvalidNodeIdException; URIs
 *    are resolved to indexes as by wire_nodeid_parse, except those of an
 *    ExpandedNodeId with a server index, which stay URIs).
 *  - StatusCode: integer 0..4294967295.
 *  - QualifiedName: object, or "name" / "<ns>:name".
 *  - LocalizedText: object, or a string (the text, locale null).
 *  - ExtensionObject/DataValue/DiagnosticInfo: their object forms.
 *  - Variant: a Variant object {"type",...}; any other JSON value gets a
 *    type from its kind (bool Boolean, integer Int32 or Int64, real
 *    Double, string String).
 *  out is uninitialised; owned by the caller afterwards, cleared on error. */
int wire_to_variant_typed(const json_t *value, unsigned builtin_type, int32_t value_rank,
                          ua_Variant *out, wire_error *err);

/* ---- decoders: parameter structures (query-methods.md) ----------------- */

/** BrowsePath {"startingNodeId" (required), "relativePath" = []}. */
int wire_to_browse_path(const json_t *j, ua_BrowsePath *out, wire_error *err);
/** RelativePathElement {"referenceTypeId" = null -> HierarchicalReferences
 *  (i=33, as the PHP client sends), "isInverse" = false, "includeSubtypes"
 *  = true, "targetName" (required)}. */
int wire_to_relative_path_element(const json_t *j, ua_RelativePathElement *out, wire_error *err);
/** ReadItem {"nodeId" (required), "attributeId" = 13}. */
int wire_to_read_item(const json_t *j, ua_ReadValueId *out, wire_error *err);

/* WriteItem: the value stays JSON because its type may only be known after
 * reading the node (auto-detection); convert it with wire_to_variant_typed. */
typedef struct wire_write_item {
    ua_NodeId node_id;
    uint32_t attribute_id; /* default 13 */
    json_t *value;         /* owned reference; JSON null when null was sent */
    unsigned type;         /* 0 = auto-detect (type null/absent), else 1..25 */
} wire_write_item;

/** WriteItem {"nodeId" (required), "value" (required), "type" = null,
 *  "attributeId" = 13}; type outside 1..25 is a ValueError. */
int wire_to_write_item(const json_t *j, wire_write_item *out, wire_error *err);
void wire_write_item_clear(wire_write_item *w);

/* MonitoredItemSpec, with which optional members were sent so the caller
 * can apply its own defaults. */
typedef struct wire_monitored_item_spec {
    ua_MonitoredItemCreateRequest request;
    bool has_client_handle;
    bool has_monitoring_mode;
} wire_monitored_item_spec;

/** MonitoredItemSpec {"nodeId" (required), "attributeId" = 13,
 *  "samplingInterval" = 250.0, "queueSize" = 1, "clientHandle" = 0,
 *  "monitoringMode" = 2 (Reporting: ipc-protocol.md §9 #7; PHP uses 0)}
 *  plus the PHP client's optional "discardOldest" = true and "filter"
 *  {"trigger" = 1, "deadbandType" = 0, "deadbandValue" = 0.0} (a
 *  DataChangeFilter; absent = no filter). */
int wire_to_monitored_item_spec(const json_t *j, wire_monitored_item_spec *out, wire_error *err);
void wire_monitored_item_spec_clear(wire_monitored_item_spec *s);

typedef struct wire_modify_spec {
    ua_MonitoredItemModifyRequest request;
    bool has_sampling_interval;
    bool has_queue_size;
    bool has_client_handle;
    bool has_discard_oldest;
} wire_modify_spec;

/** ModifySpec {"monitoredItemId" (required), "samplingInterval",
 *  "queueSize", "clientHandle", "discardOldest", "filter"}; absent members
 *  get what the PHP client sends for them (-1.0, 0, 0, true, no filter) and
 *  their has_* flag stays false. */
int wire_to_modify_spec(const json_t *j, wire_modify_spec *out, wire_error *err);
void wire_modify_spec_clear(wire_modify_spec *s);

/** Ack {"subscriptionId", "sequenceNumber"}, both required. */
int wire_to_ack(const json_t *j, ua_SubscriptionAcknowledgement *out, wire_error *err);

/* Array forms: j must be a JSON array (TypeError otherwise); elements are
 * named "<param>[i]" in messages. *out is owned by the caller: release UA
 * element arrays with ua_array_delete(*out, *n, type), plain ones (uint32,
 * acks, datetimes) with ua_free, wire structs with the *_delete functions
 * below (never plain free: an empty array is UA_EMPTY_ARRAY).
 * *out = NULL, *n = 0 on failure. */
int wire_to_uint32_array(const json_t *j, uint32_t **out, size_t *n, wire_error *err);
int wire_to_nodeids(const json_t *j, ua_NodeId **out, size_t *n, wire_error *err);
int wire_to_variants(const json_t *j, ua_Variant **out, size_t *n, wire_error *err);
int wire_to_read_items(const json_t *j, ua_ReadValueId **out, size_t *n, wire_error *err);
int wire_to_browse_paths(const json_t *j, ua_BrowsePath **out, size_t *n, wire_error *err);
int wire_to_acks(const json_t *j, ua_SubscriptionAcknowledgement **out, size_t *n, wire_error *err);
int wire_to_datetimes(const json_t *j, ua_DateTime **out, size_t *n, wire_error *err);
int wire_to_write_items(const json_t *j, wire_write_item **out, size_t *n, wire_error *err);
int wire_to_monitored_item_specs(const json_t *j, wire_monitored_item_spec **out, size_t *n,
                                 wire_error *err);
int wire_to_modify_specs(const json_t *j, wire_modify_spec **out, size_t *n, wire_error *err);

/** Frees an array from the wire_to_* array forms above whose elements are
 *  wire structs (write items, item specs, modify specs). */
void wire_write_items_delete(wire_write_item *items, size_t n);
void wire_monitored_item_specs_delete(wire_monitored_item_spec *specs, size_t n);
void wire_modify_specs_delete(wire_modify_spec *specs, size_t n);

/* ---- tagged "wire" JSON of the invoke command (type-serialization.md §3) ---- */

/** UA values as {"__t": "<TypeId>", ...} objects. All return owned. */
json_t *wire_tagged_datetime(ua_DateTime t);
json_t *wire_tagged_nodeid(const ua_NodeId *id);
json_t *wire_tagged_variant(const ua_Variant *v);
json_t *wire_tagged_data_value(const ua_DataValue *dv);
json_t *wire_tagged_reference(const ua_ReferenceDescription *r);
json_t *wire_tagged_references(const ua_ReferenceDescription *refs, size_t n);
json_t *wire_tagged_browse_result(const ua_BrowseResult *br);
json_t *wire_tagged_call_result(const ua_CallMethodResult *r);
json_t *wire_tagged_endpoint(const ua_EndpointDescription *e);
json_t *wire_tagged_browse_path_result(const ua_BrowsePathResult *r);
json_t *wire_tagged_build_info(const ua_BuildInfo *b);
/* Subscription results (wire_tagged_subs.c), payloads of §3.3. */
json_t *wire_tagged_subscription_result(const ua_CreateSubscriptionResponse *r);
json_t *wire_tagged_monitored_item_result(const ua_MonitoredItemCreateResult *r);
json_t *wire_tagged_monitored_item_modify_result(const ua_MonitoredItemModifyResult *r);
json_t *wire_tagged_set_triggering_result(const ua_SetTriggeringResponse *r);
json_t *wire_tagged_transfer_result(const ua_TransferResult *r);
/** Notifications as plain maps (as wire_from_notifications) whose
 *  "dataValue" / "eventFields" members are tagged DataValue / Variants. */
json_t *wire_tagged_notifications(const ua_NotificationMessage *m);
/** PublishResult {"subId","seq","more","notif","avail"}. */
json_t *wire_tagged_publish_result(const ua_PublishResponse *r);
/** republish's plain map {"sequenceNumber","publishTime" (tagged DateTime
 *  or null),"notifications"}: the PHP client returns an array here. */
json_t *wire_tagged_republish_result(const ua_RepublishResponse *r);
/** The type ids describe lists in wireTypeIds (DateTime is reserved). */
json_t *wire_tagged_type_ids(void);
/** Converts tagged arguments (borrowed) into the query-path JSON the
 *  parameter decoders take (NodeId "v" text -> NodeId object, Variant ->
 *  {"type","value","dimensions"}, enums -> their value, ...; an "nsu=" text
 *  becomes {"nsu","id","type"}, resolved when decoded). Returns owned,
 *  or NULL with err set: EncodingException for an unknown or malformed
 *  "__t", InvalidNodeIdException for a bad NodeId text. depth: pass 0. */
json_t *wire_tagged_to_query(const json_t *j, wire_error *err, int depth);

#endif
