/* DataChange lines straight to text (daemon_notify_text.h). The shape is
 * wire_from_data_value's as ipc_json_dump writes it: keys in insertion
 * order, integers in decimal, reals as ipc_json_format_real, timestamps as
 * wire_datetime_format. It does not know strings, arrays or structures:
 * those take the jansson path, whose escaping rules live in ipc_json.c. */
#include "daemon_notify_text.h"

#include <math.h>
#include <string.h>

#include "ipc_json.h"
#include "ua_text.h"
#include "wire.h"

/* Longest fast-path DataValue text: the fixed keys (~110 bytes), a value
 * of at most 32, a type and status code of 10 each, two timestamps of at
 * most 48 each. */
#define DV_TEXT_MAX 320

static char *put(char *o, const char *s, size_t n)
{
    memcpy(o, s, n);
    return o + n;
}

#define PUT_LIT(o, lit) put((o), (lit), sizeof(lit) - 1)

/* wire_from_datetime: a string of the second, or null. */
static char *put_time(char *o, ua_DateTime t, dntext_cache *c)
{
    if (t <= 0)
        return PUT_LIT(o, "null");
    int64_t secs = t / UA_DATETIME_SEC;
    if (!c->valid || c->secs != secs) {
        char buf[40];
        size_t n = wire_datetime_format(t, buf, sizeof(buf));
        if (n == 0 || n + 2 > sizeof(c->text))
            return PUT_LIT(o, "null");
        c->text[0] = '"';
        memcpy(c->text + 1, buf, n);
        c->text[n + 1] = '"';
        c->len = n + 2;
        c->secs = secs;
        c->valid = true;
    }
    return put(o, c->text, c->len);
}

/* wire_value.c's variant_type_id: enumerations are Int32, structures
 * ExtensionObjects. */
static unsigned type_id(const ua_type *t)
{
    if (t->kind == UA_KIND_ENUM)
        return UA_KIND_INT32;
    if (t->kind > UA_KIND_DIAGNOSTICINFO)
        return UA_KIND_EXTENSIONOBJECT;
    return t->kind;
}

static char *put_real(char *o, double d)
{
    char num[40];
    size_t n = isfinite(d) ? ipc_json_format_real(d, num, sizeof(num)) : 0;
    return n ? put(o, num, n) : PUT_LIT(o, "null");
}

/* The scalar value at p of a simple built-in type; NULL for every other
 * type, which then takes the jansson path. */
static char *put_scalar(char *o, const void *p, const ua_type *t, dntext_cache *c)
{
    switch (t->kind) {
    case UA_KIND_BOOLEAN:
        return *(const ua_Boolean *)p ? PUT_LIT(o, "true") : PUT_LIT(o, "false");
    case UA_KIND_SBYTE:
        return ipc_json_put_i64(o, *(const ua_SByte *)p);
    case UA_KIND_BYTE:
        return ipc_json_put_u64(o, *(const ua_Byte *)p);
    case UA_KIND_INT16:
        return ipc_json_put_i64(o, *(const ua_Int16 *)p);
    case UA_KIND_UINT16:
        return ipc_json_put_u64(o, *(const ua_UInt16 *)p);
    case UA_KIND_INT32:
    case UA_KIND_ENUM:
        return ipc_json_put_i64(o, *(const ua_Int32 *)p);
    case UA_KIND_UINT32:
    case UA_KIND_STATUSCODE:
        return ipc_json_put_u64(o, *(const ua_UInt32 *)p);
    case UA_KIND_INT64:
        return ipc_json_put_i64(o, *(const ua_Int64 *)p);
    case UA_KIND_UINT64: /* above 2^63-1 the big-integer marker: bare digits too */
        return ipc_json_put_u64(o, *(const ua_UInt64 *)p);
    case UA_KIND_FLOAT:
        return put_real(o, *(const ua_Float *)p);
    case UA_KIND_DOUBLE:
        return put_real(o, *(const ua_Double *)p);
    case UA_KIND_DATETIME:
        return put_time(o, *(const ua_DateTime *)p, c);
    default:
        return NULL;
    }
}

static int through_jansson(const ua_DataValue *dv, bbuf *out)
{
    json_t *j = wire_from_data_value(dv);
    int rc = j ? ipc_json_dump(j, out) : BBUF_ENOMEM;
    json_decref(j);
    return rc;
}

int dntext_data_value(const ua_DataValue *dv, dntext_cache *c, bbuf *out)
{
    const ua_Variant *v = &dv->value;
    char tmp[DV_TEXT_MAX];
    char *o = PUT_LIT(tmp, "{\"value\":");
    if (!v->type) {
        o = PUT_LIT(o, "null,\"type\":null,\"dimensions\":null");
    } else {
        if (v->is_array)
            return through_jansson(dv, out);
        if (!v->data) {
            o = PUT_LIT(o, "null");
        } else if (!(o = put_scalar(o, v->data, v->type, c))) {
            return through_jansson(dv, out);
        }
        o = PUT_LIT(o, ",\"type\":");
        o = ipc_json_put_u64(o, type_id(v->type));
        o = PUT_LIT(o, ",\"dimensions\":null");
    }
    o = PUT_LIT(o, ",\"statusCode\":");
    o = ipc_json_put_u64(o, dv->status);
    o = PUT_LIT(o, ",\"sourceTimestamp\":");
    o = put_time(o, dv->source_timestamp, c);
    o = PUT_LIT(o, ",\"serverTimestamp\":");
    o = put_time(o, dv->server_timestamp, c);
    *o++ = '}';
    return bbuf_append(out, tmp, (size_t)(o - tmp));
}

int dntext_message_fields(uint32_t sub_id, uint32_t seq, ua_DateTime publish_time, dntext_cache *c,
                          bbuf *out)
{
    char tmp[160];
    char *o = PUT_LIT(tmp, ",\"subscriptionId\":");
    o = ipc_json_put_u64(o, sub_id);
    o = PUT_LIT(o, ",\"sequenceNumber\":");
    o = ipc_json_put_u64(o, seq);
    o = PUT_LIT(o, ",\"publishTime\":");
    o = put_time(o, publish_time, c);
    return bbuf_append(out, tmp, (size_t)(o - tmp));
}

int dntext_data_change_line(const char *prefix, size_t plen, const ua_MonitoredItemNotification *n,
                            bool republished, dntext_cache *c, bbuf *out)
{
    static const char tail[] = ",\"republished\":true}\n";
    size_t mark = out->len;
    char head[48];
    char *o = PUT_LIT(head, ",\"clientHandle\":");
    o = ipc_json_put_u64(o, n->clientHandle);
    o = PUT_LIT(o, ",\"dataValue\":");
    int rc = bbuf_append(out, prefix, plen);
    if (rc == 0)
        rc = bbuf_append(out, head, (size_t)(o - head));
    if (rc == 0)
        rc = dntext_data_value(&n->value, c, out);
    if (rc == 0)
        rc = republished ? bbuf_append(out, tail, sizeof(tail) - 1)
                         : bbuf_append(out, tail + sizeof(tail) - 3, 2);
    if (rc != 0)
        out->len = mark;
    return rc;
}
