/* ReverseHello parsing and validation (Part 6 (1.05) 7.1.2.6; the checks in
 * the order of shared/spec/reverse-connect.md §4). Pure byte handling: the
 * listener that reads the socket lives in the daemon. Stricter than the
 * reference: the per-field limit of the spec is enforced, and embedded NUL
 * or invalid UTF-8 is refused (the fields become C strings and log lines). */
#include "ua_rhe.h"

#include <stdlib.h>
#include <string.h>

#include "ua_binary.h"
#include "ua_statuscodes.h"
#include "util/utf8.h"

void ua_rhe_clear(ua_rhe *m)
{
    free(m->server_uri);
    free(m->endpoint_url);
    m->server_uri = NULL;
    m->endpoint_url = NULL;
}

static bool valid_text(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = utf8_decode(s + i, n - i, &cp);
        if (k == 0 || cp == 0)
            return false;
        i += k;
    }
    return true;
}

/* Reads one String at *pos of the message (end = its size). */
static ua_status get_field(const uint8_t *p, size_t end, size_t *pos, char **out)
{
    if (end - *pos < 4)
        return UA_STATUS_BADDECODINGERROR;
    int32_t n = (int32_t)ua_read_u32(p + *pos);
    *pos += 4;
    if (n < -1)
        return UA_STATUS_BADDECODINGERROR;
    size_t len = n < 0 ? 0 : (size_t)n;
    if (len > UA_RHE_MAX_FIELD)
        return UA_STATUS_BADTCPENDPOINTURLINVALID;
    if (end - *pos < len)
        return UA_STATUS_BADDECODINGERROR;
    if (!valid_text(p + *pos, len))
        return UA_STATUS_BADDECODINGERROR;
    *out = malloc(len + 1);
    if (!*out)
        return UA_STATUS_BADOUTOFMEMORY;
    memcpy(*out, p + *pos, len);
    (*out)[len] = 0;
    *pos += len;
    return UA_STATUS_GOOD;
}

ua_status ua_rhe_parse(const uint8_t *p, size_t len, size_t max_size, ua_rhe *out, size_t *used)
{
    out->server_uri = NULL;
    out->endpoint_url = NULL;
    *used = 0;
    if (max_size == 0 || max_size > UA_RHE_MAX_SIZE)
        max_size = UA_RHE_MAX_SIZE;
    if (len == 0)
        return UA_STATUS_GOOD;
    /* Refuse a wrong type as soon as its bytes are in. */
    size_t have = len < 4 ? len : 4;
    if (memcmp(p, "RHEF", have) != 0)
        return UA_STATUS_BADTCPMESSAGETYPEINVALID;
    if (len < 8)
        return UA_STATUS_GOOD;
    uint32_t size = ua_read_u32(p + 4);
    if (size < UA_RHE_MIN_SIZE || size > max_size)
        return UA_STATUS_BADTCPMESSAGETOOLARGE;
    if (len < size)
        return UA_STATUS_GOOD;
    size_t pos = 8;
    ua_status st = get_field(p, size, &pos, &out->server_uri);
    if (st == UA_STATUS_GOOD)
        st = get_field(p, size, &pos, &out->endpoint_url);
    if (st == UA_STATUS_GOOD && pos != size)
        st = UA_STATUS_BADDECODINGERROR; /* bytes left over inside the message */
    if (st != UA_STATUS_GOOD) {
        ua_rhe_clear(out);
        return st;
    }
    *used = size;
    return UA_STATUS_GOOD;
}

enum ua_rhe_verdict ua_rhe_validate(const ua_rhe *m, const char *const *allowed, size_t n)
{
    if (!m->server_uri || !m->server_uri[0])
        return UA_RHE_SERVER_URI_EMPTY;
    bool listed = false;
    for (size_t i = 0; i < n && !listed; i++)
        listed = allowed[i] && strcmp(allowed[i], m->server_uri) == 0;
    if (!listed)
        return UA_RHE_SERVER_URI_NOT_ALLOWED;
    if (!m->endpoint_url || !m->endpoint_url[0])
        return UA_RHE_ENDPOINT_URL_EMPTY;
    if (strncmp(m->endpoint_url, "opc.tcp://", 10) != 0)
        return UA_RHE_ENDPOINT_URL_SCHEME;
    return UA_RHE_ACCEPTED;
}

const char *ua_rhe_verdict_text(enum ua_rhe_verdict v)
{
    switch (v) {
    case UA_RHE_ACCEPTED:
        return "accepted";
    case UA_RHE_SERVER_URI_EMPTY:
        return "ServerUri is empty";
    case UA_RHE_SERVER_URI_NOT_ALLOWED:
        return "ServerUri is not in the allow-list (--reverse-allow)";
    case UA_RHE_ENDPOINT_URL_EMPTY:
        return "EndpointUrl is empty";
    case UA_RHE_ENDPOINT_URL_SCHEME:
        return "EndpointUrl does not use the opc.tcp scheme";
    }
    return "?";
}
