/* Typed conversion of JSON values to Variants for writes, typed method
 * arguments and the "value" of Variant objects: exact integer widths with
 * range checks, text forms of DateTime/Guid/NodeId/QualifiedName/
 * LocalizedText, ByteStrings, and arrays (nested JSON arrays become
 * multi-dimensional). Improves on PHP, which converts only scalars
 * (type-serialization.md §1.7 "Decoding"). The object shapes themselves are
 * decoded in wire_decode.c. */
#include <float.h>
#include <math.h> /* isfinite (a macro: no libm needed) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua_statuscodes.h"
#include "ua_text.h"
#include "wire_int.h"

/* At most this many dimensions (Part 6 gives no limit; the binary encoder
 * refuses more than 64). */
#define MAX_DIMS 32

/* "expected <what>" per built-in type, indexed by kind - 1. */
static const char *const expected[25] = {
    "Boolean (true or false)",
    "SByte (-128..127)",
    "Byte (0..255)",
    "Int16 (-32768..32767)",
    "UInt16 (0..65535)",
    "Int32 (-2147483648..2147483647)",
    "UInt32 (0..4294967295)",
    "Int64 (-9223372036854775808..9223372036854775807)",
    "UInt64 (0..18446744073709551615)",
    "Float (a number within +-3.4028234663852886e+38)",
    "Double (a finite number)",
    "String (a string or null)",
    "DateTime (an ISO-8601 string)",
    "Guid (\"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx\")",
    "ByteString (a string or {\"base64\": \"...\"})",
    "XmlElement (a string or null)",
    "NodeId (an object {\"ns\", \"id\", \"type\"} or \"ns=<n>;<i|s|g|b>=<id>\")",
    "ExpandedNodeId (an object {\"ns\", \"id\", \"type\"} or its text form)",
    "StatusCode (0..4294967295)",
    "QualifiedName (an object {\"ns\", \"name\"} or \"<ns>:<name>\")",
    "LocalizedText (an object {\"locale\", \"text\"} or a string)",
    "ExtensionObject (an object {\"typeId\", \"encoding\", \"body\"})",
    "DataValue (an object)",
    "Variant (an object {\"type\", \"value\"} or a plain JSON value)",
    "DiagnosticInfo (an object)",
};

static int fail_type(wire_error *err, const json_t *j, unsigned kind)
{
    return wire_fail_expected(err, j, expected[kind - 1]);
}

/* ---- numbers -------------------------------------------------------------- */

static const struct {
    int64_t min, max;
} int_range[] = {
    [UA_KIND_SBYTE] = {INT8_MIN, INT8_MAX},   [UA_KIND_BYTE] = {0, UINT8_MAX},
    [UA_KIND_INT16] = {INT16_MIN, INT16_MAX}, [UA_KIND_UINT16] = {0, UINT16_MAX},
    [UA_KIND_INT32] = {INT32_MIN, INT32_MAX}, [UA_KIND_UINT32] = {0, UINT32_MAX},
    [UA_KIND_INT64] = {INT64_MIN, INT64_MAX}, [UA_KIND_STATUSCODE] = {0, UINT32_MAX},
};

/* Decimal digits with an optional '-' into *neg and *mag; false if not. */
static bool decimal(const json_t *j, bool *neg, uint64_t *mag)
{
    if (!json_is_string(j))
        return false;
    const char *s = json_string_value(j);
    size_t n = json_string_length(j), i = 0;
    *neg = n > 0 && s[0] == '-';
    if (*neg)
        i++;
    if (i == n)
        return false;
    uint64_t v = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *mag = v;
    return true;
}

static bool to_int64(const json_t *j, int64_t *out)
{
    if (wire_json_int64(j, out))
        return true;
    bool neg;
    uint64_t mag;
    if (!decimal(j, &neg, &mag))
        return false;
    if (neg ? mag > (uint64_t)INT64_MAX + 1 : mag > (uint64_t)INT64_MAX)
        return false;
    *out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
    return true;
}

static bool to_uint64(const json_t *j, uint64_t *out)
{
    int64_t n;
    if (wire_json_int64(j, &n)) {
        *out = (uint64_t)n;
        return n >= 0;
    }
    if (json_is_real(j)) {
        double d = json_real_value(j); /* 2^63 <= d < 2^64 is left */
        if (!(d >= 0 && d < 18446744073709551616.0) || (double)(uint64_t)d != d)
            return false;
        *out = (uint64_t)d;
        return true;
    }
    if (wire_is_big_u64(j)) {
        *out = wire_big_u64_value(j);
        return true;
    }
    bool neg;
    return decimal(j, &neg, out) && !neg;
}

static int coerce_int(const json_t *j, unsigned kind, void *dst, wire_error *err)
{
    int64_t n;
    bool ok = kind == UA_KIND_INT64 ? to_int64(j, &n) : wire_json_int64(j, &n);
    if (!ok || n < int_range[kind].min || n > int_range[kind].max)
        return fail_type(err, j, kind);
    switch (kind) {
    case UA_KIND_SBYTE:
        *(ua_SByte *)dst = (ua_SByte)n;
        break;
    case UA_KIND_BYTE:
        *(ua_Byte *)dst = (ua_Byte)n;
        break;
    case UA_KIND_INT16:
        *(ua_Int16 *)dst = (ua_Int16)n;
        break;
    case UA_KIND_UINT16:
        *(ua_UInt16 *)dst = (ua_UInt16)n;
        break;
    case UA_KIND_INT32:
        *(ua_Int32 *)dst = (ua_Int32)n;
        break;
    case UA_KIND_INT64:
        *(ua_Int64 *)dst = n;
        break;
    default: /* UInt32, StatusCode */
        *(ua_UInt32 *)dst = (ua_UInt32)n;
        break;
    }
    return 0;
}

static int coerce_real(const json_t *j, unsigned kind, void *dst, wire_error *err)
{
    if (!json_is_number(j))
        return fail_type(err, j, kind);
    double d = json_number_value(j);
    if (!isfinite(d) || (kind == UA_KIND_FLOAT && (d > FLT_MAX || d < -FLT_MAX)))
        return fail_type(err, j, kind);
    if (kind == UA_KIND_FLOAT)
        *(ua_Float *)dst = (ua_Float)d;
    else
        *(ua_Double *)dst = d;
    return 0;
}

/* ---- text forms ----------------------------------------------------------- */

static int coerce_string(const json_t *j, unsigned kind, ua_String *dst, wire_error *err)
{
    if (json_is_null(j))
        return 0;
    if (kind == UA_KIND_BYTESTRING && json_is_object(j) && json_object_size(j) == 1) {
        const json_t *b = json_object_get(j, "base64");
        if (json_is_string(b)) {
            int rc = wire_base64_to_bytes(json_string_value(b), json_string_length(b), dst);
            if (rc == -2)
                return wire_fail_oom(err);
            return rc == 0 ? 0 : fail_type(err, j, kind);
        }
    }
    if (!json_is_string(j))
        return fail_type(err, j, kind);
    return wire_string_from_json(j, dst) == 0 ? 0 : wire_fail_oom(err);
}

static int coerce_nodeid(const json_t *j, unsigned kind, void *dst, wire_error *err)
{
    if (json_is_object(j))
        return kind == UA_KIND_NODEID ? wire_to_nodeid(j, dst, err)
                                      : wire_to_expanded_nodeid(j, dst, err);
    if (!json_is_string(j))
        return fail_type(err, j, kind);
    const char *s = json_string_value(j);
    size_t n = json_string_length(j);
    int rc;
    if (kind == UA_KIND_NODEID) {
        rc = wire_nodeid_parse(s, n, dst, err);
    } else if (n >= 4 && memcmp(s, "svr=", 4) == 0) {
        /* Another server's namespace URI means nothing to our session. */
        rc = ua_expnodeid_parse(dst, s, n) == UA_STATUS_GOOD ? 0 : -1;
    } else {
        ua_ExpandedNodeId *x = dst;
        memset(x, 0, sizeof(*x));
        rc = wire_nodeid_parse(s, n, &x->node_id, err);
    }
    if (rc == 0)
        return 0;
    if (rc == -2)
        return -1;
    char got[80];
    return wire_fail(err, WIRE_INVALID_NODEID, "invalid NodeId text, got %s",
                     wire_describe(j, got, sizeof(got)));
}

/* "<ns>:<name>" with a decimal ns, else the whole string with ns 0. */
static int qualified_name_text(const json_t *j, ua_QualifiedName *qn, wire_error *err)
{
    const char *s = json_string_value(j);
    size_t n = json_string_length(j), i = 0;
    uint32_t ns = 0;
    while (i < n && i < 6 && s[i] >= '0' && s[i] <= '9')
        ns = ns * 10 + (uint32_t)(s[i++] - '0');
    if (i == 0 || i >= n || s[i] != ':' || ns > UINT16_MAX)
        i = 0, ns = 0;
    else
        i++;
    qn->ns = (uint16_t)ns;
    if (ua_string_from_bytes(&qn->name, s + i, n - i) != UA_STATUS_GOOD)
        return wire_fail_oom(err);
    return 0;
}

/* A plain JSON value as a Variant: its type follows the JSON kind. */
static int infer_variant(const json_t *j, ua_Variant *v, wire_error *err, int depth)
{
    unsigned kind;
    int64_t n;
    if (json_is_null(j))
        return 0; /* the empty Variant */
    if (json_is_object(j) && json_object_get(j, "type"))
        return wire_to_variant_depth(j, v, err, depth + 1);
    if (json_is_boolean(j))
        kind = UA_KIND_BOOLEAN;
    else if (json_is_integer(j))
        kind = wire_json_int64(j, &n) && n >= INT32_MIN && n <= INT32_MAX ? UA_KIND_INT32
                                                                          : UA_KIND_INT64;
    else if (json_is_real(j))
        kind = UA_KIND_DOUBLE;
    else if (json_is_string(j))
        kind = UA_KIND_STRING;
    else
        return fail_type(err, j, UA_KIND_VARIANT);
    return wire_coerce_variant(j, kind, WIRE_RANK_SCALAR, NULL, v, err, depth + 1);
}

/* ---- one element -------------------------------------------------------- */

static int coerce_element(const json_t *j, const ua_type *t, void *dst, wire_error *err, int depth)
{
    unsigned kind = t->kind;
    switch (kind) {
    case UA_KIND_BOOLEAN:
        if (!json_is_boolean(j))
            return fail_type(err, j, kind);
        *(ua_Boolean *)dst = json_is_true(j);
        return 0;
    case UA_KIND_UINT64:
        if (!to_uint64(j, dst))
            return fail_type(err, j, kind);
        return 0;
    case UA_KIND_FLOAT:
    case UA_KIND_DOUBLE:
        return coerce_real(j, kind, dst, err);
    case UA_KIND_STRING:
    case UA_KIND_BYTESTRING:
    case UA_KIND_XMLELEMENT:
        return coerce_string(j, kind, dst, err);
    case UA_KIND_DATETIME:
        if (json_is_null(j))
            return 0;
        if (!json_is_string(j) ||
            wire_parse_datetime(json_string_value(j), json_string_length(j), dst) != 0)
            return fail_type(err, j, kind);
        return 0;
    case UA_KIND_GUID:
        if (!json_is_string(j) ||
            ua_guid_parse(dst, json_string_value(j), json_string_length(j)) != 0)
            return fail_type(err, j, kind);
        return 0;
    case UA_KIND_NODEID:
    case UA_KIND_EXPANDEDNODEID:
        return coerce_nodeid(j, kind, dst, err);
    case UA_KIND_QUALIFIEDNAME:
        if (json_is_string(j))
            return qualified_name_text(j, dst, err);
        return json_is_object(j) ? wire_to_qualified_name(j, dst, err) : fail_type(err, j, kind);
    case UA_KIND_LOCALIZEDTEXT:
        if (json_is_null(j))
            return 0;
        if (json_is_string(j))
            return wire_string_from_json(j, &((ua_LocalizedText *)dst)->text) == 0
                       ? 0
                       : wire_fail_oom(err);
        return json_is_object(j) ? wire_to_localized_text(j, dst, err) : fail_type(err, j, kind);
    case UA_KIND_EXTENSIONOBJECT:
        return json_is_object(j) ? wire_to_extension_object(j, dst, err) : fail_type(err, j, kind);
    case UA_KIND_DATAVALUE:
        return json_is_object(j) ? wire_to_data_value_depth(j, dst, err, depth + 1)
                                 : fail_type(err, j, kind);
    case UA_KIND_VARIANT:
        return infer_variant(j, dst, err, depth);
    case UA_KIND_DIAGNOSTICINFO:
        return wire_to_diagnostic_info_depth(j, dst, err, depth + 1);
    default: /* the integers and StatusCode */
        return coerce_int(j, kind, dst, err);
    }
}

/* ---- arrays --------------------------------------------------------------- */

typedef struct shape {
    size_t n;           /* elements in all */
    size_t nd;          /* dimensions */
    size_t d[MAX_DIMS]; /* their lengths */
} shape;

/* Dimensions follow the first element at each level; fill() checks that
 * the array is rectangular. */
static int shape_of(const json_t *a, shape *s, wire_error *err)
{
    s->nd = 0;
    s->n = 1;
    for (const json_t *x = a; json_is_array(x); x = json_array_get(x, 0)) {
        if (s->nd == MAX_DIMS)
            return wire_fail(err, WIRE_INVALID_ARGUMENT, "more than %d array dimensions", MAX_DIMS);
        size_t len = json_array_size(x);
        if (len > UINT32_MAX || (len && s->n > SIZE_MAX / len))
            return wire_fail(err, WIRE_INVALID_ARGUMENT, "array too large");
        s->d[s->nd++] = len;
        s->n *= len;
        if (len == 0)
            break;
    }
    return 0;
}

/* Converts the elements of a (level lvl of s) into arr from *at on. */
static int fill(const json_t *a, const shape *s, size_t lvl, const ua_type *t, uint8_t *arr,
                size_t *at, wire_error *err, int depth)
{
    char path[WIRE_PATH_MAX];
    if (!json_is_array(a) || json_array_size(a) != s->d[lvl])
        return wire_fail(err, WIRE_TYPE_ERROR,
                         "expected a rectangular array (%zu elements at this level)", s->d[lvl]);
    for (size_t i = 0; i < s->d[lvl]; i++) {
        const json_t *x = json_array_get(a, i);
        const char *old = wire_scope_index(err, path, i);
        int rc;
        if (lvl + 1 < s->nd) {
            rc = fill(x, s, lvl + 1, t, arr, at, err, depth);
        } else if (json_is_array(x)) {
            rc = wire_fail(err, WIRE_TYPE_ERROR, "expected a rectangular array, got a deeper one");
        } else {
            rc = coerce_element(x, t, arr + *at * t->mem_size, err, depth);
            (*at)++;
        }
        wire_scope_pop(err, old);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* Applies explicit "dimensions" of a Variant object to a flat array. */
static int explicit_dims(const json_t *dims, shape *s, wire_error *err)
{
    if (!json_is_array(dims))
        return wire_fail_expected(err, dims, "an array of dimension lengths in \"dimensions\"");
    if (s->nd != 1)
        return wire_fail(err, WIRE_INVALID_ARGUMENT,
                         "\"dimensions\" needs a flat array in \"value\"");
    size_t nd = json_array_size(dims), product = 1;
    if (nd > MAX_DIMS)
        return wire_fail(err, WIRE_INVALID_ARGUMENT, "more than %d array dimensions", MAX_DIMS);
    size_t d[MAX_DIMS];
    for (size_t i = 0; i < nd; i++) {
        int64_t v;
        if (!wire_json_int64(json_array_get(dims, i), &v) || v < 0 || v > UINT32_MAX)
            return wire_fail_expected(err, json_array_get(dims, i), "a dimension length");
        d[i] = (size_t)v;
        product = d[i] && product > SIZE_MAX / d[i] ? SIZE_MAX : product * d[i];
    }
    if (nd == 0 || product != s->n)
        return wire_fail(err, WIRE_VALUE_ERROR,
                         "\"dimensions\" do not match the %zu elements of \"value\"", s->n);
    if (nd >= 2) { /* a single dimension is the plain array */
        s->nd = nd;
        memcpy(s->d, d, nd * sizeof(d[0]));
    }
    return 0;
}

static int rank_check(const shape *s, const json_t *value, int32_t rank, unsigned kind,
                      wire_error *err)
{
    char got[80];
    if (rank == WIRE_RANK_SCALAR)
        return wire_fail(err, WIRE_TYPE_ERROR, "expected a scalar %s, got an array",
                         expected[kind - 1]);
    if (rank == WIRE_RANK_SCALAR_OR_ONE_DIM && s->nd > 1)
        return wire_fail(err, WIRE_TYPE_ERROR,
                         "expected a scalar or a one-dimensional array, got %zu dimensions", s->nd);
    if (rank >= 1 && (size_t)rank != s->nd)
        return wire_fail(err, WIRE_TYPE_ERROR, "expected %d array dimension(s), got %zu (%s)",
                         (int)rank, s->nd, wire_describe(value, got, sizeof(got)));
    return 0;
}

static int coerce_array(const json_t *value, const ua_type *t, int32_t rank, const json_t *dims,
                        ua_Variant *out, wire_error *err, int depth)
{
    shape s;
    if (shape_of(value, &s, err) != 0)
        return -1;
    if (dims && s.nd >= 2)
        return wire_fail(err, WIRE_INVALID_ARGUMENT,
                         "give either nested arrays or \"dimensions\", not both");
    if ((dims && explicit_dims(dims, &s, err) != 0) ||
        rank_check(&s, value, rank, t->kind, err) != 0)
        return -1;
    uint8_t *arr = ua_array_new(s.n, t);
    if (!arr)
        return wire_fail_oom(err);
    out->type = t;
    out->is_array = true;
    out->data = arr;
    out->array_length = s.n;
    size_t at = 0;
    shape flat = s;
    if (dims) { /* explicit dimensions: the JSON itself is one flat array */
        flat.nd = 1;
        flat.d[0] = s.n;
    }
    if (fill(value, &flat, 0, t, arr, &at, err, depth) != 0)
        return -1;
    if (s.nd < 2)
        return 0;
    out->dims = calloc(s.nd, sizeof(uint32_t));
    if (!out->dims)
        return wire_fail_oom(err);
    out->dims_length = s.nd;
    for (size_t i = 0; i < s.nd; i++)
        out->dims[i] = (uint32_t)s.d[i];
    return 0;
}

/* ---- entry points --------------------------------------------------------- */

int wire_coerce_variant(const json_t *value, unsigned builtin_type, int32_t value_rank,
                        const json_t *dims, ua_Variant *out, wire_error *err, int depth)
{
    memset(out, 0, sizeof(*out));
    const ua_type *t = ua_builtin_type(builtin_type);
    if (!t)
        return wire_fail(err, WIRE_VALUE_ERROR, "expected a BuiltinType (1..25), got %u",
                         builtin_type);
    if (value_rank < WIRE_RANK_SCALAR_OR_ONE_DIM)
        return wire_fail(err, WIRE_VALUE_ERROR, "invalid value rank %d", (int)value_rank);
    if (depth > WIRE_MAX_DEPTH)
        return wire_fail(err, WIRE_INVALID_ARGUMENT, "nesting deeper than %d", WIRE_MAX_DEPTH);
    if (json_is_array(value)) {
        if (coerce_array(value, t, value_rank, dims, out, err, depth) != 0) {
            ua_clear(out, UA_BUILTIN(UA_KIND_VARIANT));
            return -1;
        }
        return 0;
    }
    if (value_rank >= WIRE_RANK_ONE_OR_MORE_DIMS) {
        char what[160];
        snprintf(what, sizeof(what), "an array of %s", expected[builtin_type - 1]);
        return wire_fail_expected(err, value, what);
    }
    if (dims)
        return wire_fail(err, WIRE_INVALID_ARGUMENT, "\"dimensions\" given for a scalar value");
    void *p = ua_new(t);
    if (!p)
        return wire_fail_oom(err);
    if (coerce_element(value, t, p, err, depth) != 0) {
        ua_delete(p, t);
        return -1;
    }
    ua_variant_set_scalar(out, p, t);
    return 0;
}

int wire_coerce_element(const json_t *j, const ua_type *t, void *dst, wire_error *err, int depth)
{
    return coerce_element(j, t, dst, err, depth);
}

int wire_to_variant_typed(const json_t *value, unsigned builtin_type, int32_t value_rank,
                          ua_Variant *out, wire_error *err)
{
    return wire_coerce_variant(value, builtin_type, value_rank, NULL, out, err, 0);
}
