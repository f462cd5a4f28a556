/* Wire-level check of the codec against the real node-opcua server: a
 * blocking, test-only exchange (HEL/ACK, OpenSecureChannel with policy
 * None, GetEndpoints, CreateSession, ActivateSession, Read of every Scalar
 * variable, CloseSession, CLO) whose requests are encoded and whose
 * responses are decoded by src/ua. The real asynchronous client stack has
 * its own tests; this one pins the bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ua_binary.h"
#include "ua_statuscodes.h"
#include "ua_text.h"

typedef struct conn {
    int fd;
    char url[256];
    uint32_t channel_id;
    uint32_t token_id;
    uint32_t seq;
    uint32_t request_id;
    ua_NodeId auth_token;
} conn;

static void read_endpoint(conn *c)
{
    const char *dir = getenv("OSM_FIXTURE_DIR");
    char path[1024];
    snprintf(path, sizeof(path), "%s/endpoint", dir ? dir : OSM_FIXTURE_DIR);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("no fixture endpoint file at %s (is the fixture_start test running?)", path);
    if (!fgets(c->url, sizeof(c->url), f))
        fail_msg("empty endpoint file");
    fclose(f);
    c->url[strcspn(c->url, "\r\n")] = 0;
}

static void connect_tcp(conn *c)
{
    /* opc.tcp://127.0.0.1:PORT/... */
    const char *host = strstr(c->url, "://");
    assert_non_null(host);
    host += 3;
    const char *colon = strchr(host, ':');
    assert_non_null(colon);
    char ip[64];
    size_t n = (size_t)(colon - host);
    assert_true(n < sizeof(ip));
    memcpy(ip, host, n);
    ip[n] = 0;
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)strtoul(colon + 1, NULL, 10));
    assert_int_equal(inet_pton(AF_INET, ip, &sa.sin_addr), 1);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(c->fd >= 0);
    assert_int_equal(connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
}

static void send_all(conn *c, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
        assert_true(w > 0);
        p += w;
        n -= (size_t)w;
    }
}

static void recv_exact(conn *c, uint8_t *p, size_t n)
{
    while (n > 0) {
        struct pollfd pfd = {c->fd, POLLIN, 0};
        if (poll(&pfd, 1, 10000) != 1)
            fail_msg("server did not answer within 10 s");
        ssize_t r = recv(c->fd, p, n, 0);
        assert_true(r > 0);
        p += r;
        n -= (size_t)r;
    }
}

/* Receives one complete message (single chunk expected here); returns the
 * owned bytes after the 8-byte header and sets *type to e.g. "MSG". */
static uint8_t *recv_message(conn *c, char type[4], size_t *len)
{
    uint8_t head[8];
    recv_exact(c, head, 8);
    memcpy(type, head, 3);
    type[3] = 0;
    if (head[3] != 'F')
        fail_msg("expected a final chunk, got '%c' for %s", head[3], type);
    uint32_t size = ua_read_u32(head + 4);
    assert_true(size >= 8 && size < (1u << 24));
    *len = size - 8;
    uint8_t *body = malloc(*len ? *len : 1);
    recv_exact(c, body, *len);
    return body;
}

static void frame(bbuf *b, const char *type, size_t at)
{
    memcpy(b->data + at, type, 4);
    ua_write_u32(b->data + at + 4, (uint32_t)(b->len - at));
}

static void put_u32(bbuf *b, uint32_t v)
{
    uint8_t x[4];
    ua_write_u32(x, v);
    assert_int_equal(bbuf_append(b, x, 4), 0);
}

static void hello(conn *c)
{
    bbuf b;
    bbuf_init(&b, 4096);
    put_u32(&b, 0);
    put_u32(&b, 0);
    put_u32(&b, 0);         /* protocol version */
    put_u32(&b, 1u << 16);  /* receive buffer */
    put_u32(&b, 1u << 16);  /* send buffer */
    put_u32(&b, 16u << 20); /* max message size */
    put_u32(&b, 0);         /* max chunk count */
    ua_String url = ua_string_borrow(c->url);
    assert_int_equal(ua_encode(&url, UA_BUILTIN(UA_KIND_STRING), &b), UA_STATUS_GOOD);
    frame(&b, "HELF", 0);
    send_all(c, b.data, b.len);
    bbuf_clear(&b);

    char type[4];
    size_t len;
    uint8_t *ack = recv_message(c, type, &len);
    assert_string_equal(type, "ACK");
    assert_int_equal(len, 20);
    assert_int_equal(ua_read_u32(ack), 0);     /* protocol version */
    assert_true(ua_read_u32(ack + 4) >= 8192); /* receive buffer */
    free(ack);
}

/* Sends a service request in one MSG (or OPN) chunk. */
static void send_request(conn *c, const char *msg_type, const void *req, const ua_type *type)
{
    bbuf b;
    bbuf_init(&b, 1u << 20);
    put_u32(&b, 0);
    put_u32(&b, 0);
    put_u32(&b, c->channel_id);
    if (strcmp(msg_type, "OPNF") == 0) {
        ua_String policy = ua_string_borrow("http://opcfoundation.org/UA/SecurityPolicy#None");
        ua_ByteString null_bytes = {0, NULL};
        assert_int_equal(ua_encode(&policy, UA_BUILTIN(UA_KIND_STRING), &b), UA_STATUS_GOOD);
        assert_int_equal(ua_encode(&null_bytes, UA_BUILTIN(UA_KIND_BYTESTRING), &b),
                         UA_STATUS_GOOD);
        assert_int_equal(ua_encode(&null_bytes, UA_BUILTIN(UA_KIND_BYTESTRING), &b),
                         UA_STATUS_GOOD);
    } else {
        put_u32(&b, c->token_id);
    }
    put_u32(&b, ++c->seq);
    put_u32(&b, ++c->request_id);
    ua_NodeId enc = type->binary_encoding_id;
    assert_int_equal(ua_encode(&enc, UA_BUILTIN(UA_KIND_NODEID), &b), UA_STATUS_GOOD);
    assert_int_equal(ua_encode(req, type, &b), UA_STATUS_GOOD);
    frame(&b, msg_type, 0);
    send_all(c, b.data, b.len);
    bbuf_clear(&b);
}

/* Receives the response, checks its type id and decodes it into *resp. */
static void recv_response(conn *c, void *resp, const ua_type *type)
{
    char mt[4];
    size_t len;
    uint8_t *body = recv_message(c, mt, &len);
    size_t pos = 4; /* secure channel id */
    if (strcmp(mt, "OPN") == 0) {
        ua_String s;
        for (int i = 0; i < 3; i++) { /* policy, certificate, thumbprint */
            assert_int_equal(ua_decode(body, len, &pos, &s, UA_BUILTIN(UA_KIND_STRING), NULL),
                             UA_STATUS_GOOD);
            ua_clear(&s, UA_BUILTIN(UA_KIND_STRING));
        }
    } else if (strcmp(mt, "MSG") == 0) {
        pos += 4; /* token id */
    } else {
        fail_msg("unexpected message type %s", mt);
    }
    pos += 8; /* sequence number, request id */
    assert_int_equal(ua_read_u32(body + pos - 4), c->request_id);
    ua_NodeId id;
    assert_int_equal(ua_decode(body, len, &pos, &id, UA_BUILTIN(UA_KIND_NODEID), NULL),
                     UA_STATUS_GOOD);
    if (!ua_nodeid_equal(&id, &type->binary_encoding_id))
        fail_msg("expected %s (i=%u), got i=%u", type->name,
                 (unsigned)type->binary_encoding_id.id.numeric, (unsigned)id.id.numeric);
    ua_status st = ua_decode(body, len, &pos, resp, type, NULL);
    if (st != UA_STATUS_GOOD)
        fail_msg("decoding %s failed: %s", type->name, ua_status_name(st));
    assert_int_equal(pos, len);
    /* Every response starts with a ResponseHeader. */
    const ua_ResponseHeader *h = resp;
    if (h->serviceResult != UA_STATUS_GOOD)
        fail_msg("%s: serviceResult %s", type->name, ua_status_name(h->serviceResult));
    free(body);
}

static void header(conn *c, ua_RequestHeader *h)
{
    ua_init(h, UA_TYPE_REQUESTHEADER);
    h->authenticationToken = c->auth_token; /* borrowed */
    h->timestamp = ua_datetime_now();
    h->requestHandle = c->request_id + 1;
    h->timeoutHint = 10000;
}

static void open_channel(conn *c)
{
    ua_OpenSecureChannelRequest req;
    ua_init(&req, UA_TYPE_OPENSECURECHANNELREQUEST);
    header(c, &req.requestHeader);
    req.requestType = UA_SECURITYTOKENREQUESTTYPE_ISSUE;
    req.securityMode = UA_MESSAGESECURITYMODE_NONE;
    req.requestedLifetime = 600000;
    send_request(c, "OPNF", &req, UA_TYPE_OPENSECURECHANNELREQUEST);
    ua_OpenSecureChannelResponse resp;
    recv_response(c, &resp, UA_TYPE_OPENSECURECHANNELRESPONSE);
    c->channel_id = resp.securityToken.channelId;
    c->token_id = resp.securityToken.tokenId;
    assert_true(c->channel_id != 0);
    assert_true(resp.securityToken.revisedLifetime > 0);
    ua_clear(&resp, UA_TYPE_OPENSECURECHANNELRESPONSE);
}

static void test_fixture_wire_get_endpoints(void **state)
{
    conn *c = *state;
    ua_GetEndpointsRequest req;
    ua_init(&req, UA_TYPE_GETENDPOINTSREQUEST);
    header(c, &req.requestHeader);
    req.endpointUrl = ua_string_borrow(c->url);
    send_request(c, "MSGF", &req, UA_TYPE_GETENDPOINTSREQUEST);
    ua_GetEndpointsResponse resp;
    recv_response(c, &resp, UA_TYPE_GETENDPOINTSRESPONSE);
    assert_int_equal(resp.endpointsSize, 7);
    const char *want[] = {"None", "Basic256Sha256", "Aes128_Sha256_RsaOaep",
                          "Aes256_Sha256_RsaPss"};
    for (size_t w = 0; w < 4; w++) {
        char uri[128];
        snprintf(uri, sizeof(uri), "http://opcfoundation.org/UA/SecurityPolicy#%s", want[w]);
        size_t found = 0;
        for (size_t i = 0; i < resp.endpointsSize; i++)
            if (ua_string_equal_cstr(&resp.endpoints[i].securityPolicyUri, uri))
                found++;
        assert_int_equal(found, w == 0 ? 1 : 2); /* Sign and SignAndEncrypt */
    }
    /* The server certificate is a DER sequence. */
    const ua_EndpointDescription *e = &resp.endpoints[0];
    assert_true(e->serverCertificate.length > 100);
    assert_int_equal(e->serverCertificate.data[0], 0x30);
    assert_true(e->userIdentityTokensSize >= 2);
    ua_clear(&resp, UA_TYPE_GETENDPOINTSRESPONSE);
}

static void create_and_activate(conn *c)
{
    ua_CreateSessionRequest cs;
    ua_init(&cs, UA_TYPE_CREATESESSIONREQUEST);
    header(c, &cs.requestHeader);
    cs.clientDescription.applicationUri = ua_string_borrow("urn:opcua-sm:test-client");
    cs.clientDescription.applicationType = UA_APPLICATIONTYPE_CLIENT;
    cs.endpointUrl = ua_string_borrow(c->url);
    cs.sessionName = ua_string_borrow("wire-test");
    cs.requestedSessionTimeout = 60000;
    cs.maxResponseMessageSize = 16u << 20;
    send_request(c, "MSGF", &cs, UA_TYPE_CREATESESSIONREQUEST);
    ua_CreateSessionResponse csr;
    recv_response(c, &csr, UA_TYPE_CREATESESSIONRESPONSE);
    assert_true(csr.revisedSessionTimeout > 0);
    assert_int_equal(ua_copy(&csr.authenticationToken, &c->auth_token, UA_BUILTIN(UA_KIND_NODEID)),
                     UA_STATUS_GOOD);
    /* Pick the anonymous token policy the server announced. */
    ua_String policy_id = {0, NULL};
    for (size_t i = 0; i < csr.serverEndpointsSize && !policy_id.data; i++)
        for (size_t k = 0; k < csr.serverEndpoints[i].userIdentityTokensSize; k++)
            if (csr.serverEndpoints[i].userIdentityTokens[k].tokenType ==
                UA_USERTOKENTYPE_ANONYMOUS) {
                ua_copy(&csr.serverEndpoints[i].userIdentityTokens[k].policyId, &policy_id,
                        UA_BUILTIN(UA_KIND_STRING));
                break;
            }
    assert_non_null(policy_id.data);
    ua_clear(&csr, UA_TYPE_CREATESESSIONRESPONSE);

    ua_ActivateSessionRequest as;
    ua_init(&as, UA_TYPE_ACTIVATESESSIONREQUEST);
    header(c, &as.requestHeader);
    ua_AnonymousIdentityToken anon = {policy_id};
    assert_int_equal(
        ua_extobj_set_copy(&as.userIdentityToken, &anon, UA_TYPE_ANONYMOUSIDENTITYTOKEN),
        UA_STATUS_GOOD);
    send_request(c, "MSGF", &as, UA_TYPE_ACTIVATESESSIONREQUEST);
    ua_clear(&as.userIdentityToken, UA_BUILTIN(UA_KIND_EXTENSIONOBJECT));
    ua_clear(&policy_id, UA_BUILTIN(UA_KIND_STRING));
    ua_ActivateSessionResponse asr;
    recv_response(c, &asr, UA_TYPE_ACTIVATESESSIONRESPONSE);
    ua_clear(&asr, UA_TYPE_ACTIVATESESSIONRESPONSE);
}

static const struct {
    const char *node;
    unsigned kind;
} scalars[] = {
    {"Scalar.Boolean", UA_KIND_BOOLEAN},
    {"Scalar.SByte", UA_KIND_SBYTE},
    {"Scalar.Byte", UA_KIND_BYTE},
    {"Scalar.Int16", UA_KIND_INT16},
    {"Scalar.UInt16", UA_KIND_UINT16},
    {"Scalar.Int32", UA_KIND_INT32},
    {"Scalar.UInt32", UA_KIND_UINT32},
    {"Scalar.Int64", UA_KIND_INT64},
    {"Scalar.UInt64", UA_KIND_UINT64},
    {"Scalar.Float", UA_KIND_FLOAT},
    {"Scalar.Double", UA_KIND_DOUBLE},
    {"Scalar.String", UA_KIND_STRING},
    {"Scalar.DateTime", UA_KIND_DATETIME},
    {"Scalar.Guid", UA_KIND_GUID},
    {"Scalar.ByteString", UA_KIND_BYTESTRING},
    {"Scalar.XmlElement", UA_KIND_XMLELEMENT},
    {"Scalar.NodeId", UA_KIND_NODEID},
    {"Scalar.ExpandedNodeId", UA_KIND_EXPANDEDNODEID},
    {"Scalar.StatusCode", UA_KIND_STATUSCODE},
    {"Scalar.QualifiedName", UA_KIND_QUALIFIEDNAME},
    {"Scalar.LocalizedText", UA_KIND_LOCALIZEDTEXT},
};

static void test_fixture_wire_read_every_scalar(void **state)
{
    conn *c = *state;
    size_t n = sizeof(scalars) / sizeof(scalars[0]);
    ua_ReadRequest req;
    ua_init(&req, UA_TYPE_READREQUEST);
    header(c, &req.requestHeader);
    req.timestampsToReturn = UA_TIMESTAMPSTORETURN_BOTH;
    req.nodesToRead = ua_array_new(n + 1, UA_TYPE_READVALUEID);
    req.nodesToReadSize = n + 1;
    for (size_t i = 0; i < n; i++) {
        req.nodesToRead[i].nodeId.ns = 1;
        req.nodesToRead[i].nodeId.id_type = UA_NODEID_STRING;
        ua_string_from(&req.nodesToRead[i].nodeId.id.string, scalars[i].node);
        req.nodesToRead[i].attributeId = 13;
    }
    /* And one that does not exist. */
    req.nodesToRead[n].nodeId.ns = 1;
    req.nodesToRead[n].nodeId.id_type = UA_NODEID_STRING;
    ua_string_from(&req.nodesToRead[n].nodeId.id.string, "Scalar.Nope");
    req.nodesToRead[n].attributeId = 13;
    send_request(c, "MSGF", &req, UA_TYPE_READREQUEST);
    ua_array_delete(req.nodesToRead, n + 1, UA_TYPE_READVALUEID);

    ua_ReadResponse resp;
    recv_response(c, &resp, UA_TYPE_READRESPONSE);
    assert_int_equal(resp.resultsSize, n + 1);
    for (size_t i = 0; i < n; i++) {
        const ua_DataValue *dv = &resp.results[i];
        if (dv->has_status && dv->status != UA_STATUS_GOOD)
            fail_msg("%s: %s", scalars[i].node, ua_status_name(dv->status));
        assert_true(dv->has_value);
        assert_non_null(dv->value.type);
        if (dv->value.type->kind != scalars[i].kind)
            fail_msg("%s: type %s", scalars[i].node, dv->value.type->name);
        assert_false(dv->value.is_array);
    }
    /* Spot-check values the fixture documents. */
    assert_true(*(bool *)resp.results[0].value.data);
    assert_int_equal(*(int8_t *)resp.results[1].value.data, -100);
    assert_int_equal(*(uint16_t *)resp.results[4].value.data, 60000);
    assert_int_equal(*(int32_t *)resp.results[5].value.data, -2000000000);
    assert_int_equal(*(uint32_t *)resp.results[6].value.data, 4000000000u);
    assert_true(*(int64_t *)resp.results[7].value.data == INT64_C(-9000000000000000000));
    assert_true(*(uint64_t *)resp.results[8].value.data == UINT64_C(12345678901234567890));
    assert_true(ua_string_equal_cstr(resp.results[11].value.data, "Hello OPC UA"));
    const ua_ByteString *bs = resp.results[14].value.data;
    assert_int_equal(bs->length, 4);
    assert_memory_equal(bs->data, "\xDE\xAD\xBE\xEF", 4);
    char iso[40];
    assert_true(ua_datetime_print_iso(*(ua_DateTime *)resp.results[12].value.data, 3, iso,
                                      sizeof(iso)) > 0);
    assert_string_equal(iso, "2024-01-02T03:04:05.678Z");
    char guid[37];
    ua_guid_print(resp.results[13].value.data, guid);
    assert_string_equal(guid, "72962b91-fa75-4ae6-8d28-b404dc7daf63");
    const ua_LocalizedText *lt = resp.results[20].value.data;
    assert_true(ua_string_equal_cstr(&lt->locale, "en"));
    assert_true(ua_string_equal_cstr(&lt->text, "Hello"));
    char *id = ua_nodeid_to_cstr(resp.results[16].value.data);
    assert_string_equal(id, "ns=1;s=Scalar");
    free(id);
    assert_int_equal(*(uint32_t *)resp.results[18].value.data, UA_STATUS_UNCERTAINLASTUSABLEVALUE);
    const ua_QualifiedName *qn = resp.results[19].value.data;
    assert_int_equal(qn->ns, 1);
    assert_true(ua_string_equal_cstr(&qn->name, "Fixture"));
    assert_int_equal(resp.results[n].status, UA_STATUS_BADNODEIDUNKNOWN);
    ua_clear(&resp, UA_TYPE_READRESPONSE);
}

static void test_fixture_wire_read_matrix(void **state)
{
    conn *c = *state;
    ua_ReadRequest req;
    ua_init(&req, UA_TYPE_READREQUEST);
    header(c, &req.requestHeader);
    ua_ReadValueId rv;
    ua_init(&rv, UA_TYPE_READVALUEID);
    rv.nodeId.ns = 1;
    rv.nodeId.id_type = UA_NODEID_STRING;
    rv.nodeId.id.string = ua_string_borrow("Array.MatrixInt32");
    rv.attributeId = 13;
    req.nodesToRead = &rv;
    req.nodesToReadSize = 1;
    send_request(c, "MSGF", &req, UA_TYPE_READREQUEST);
    ua_ReadResponse resp;
    recv_response(c, &resp, UA_TYPE_READRESPONSE);
    assert_int_equal(resp.resultsSize, 1);
    const ua_Variant *v = &resp.results[0].value;
    assert_true(v->is_array);
    assert_int_equal(v->array_length, 12);
    assert_int_equal(v->dims_length, 2);
    assert_int_equal(v->dims[0], 3);
    assert_int_equal(v->dims[1], 4);
    assert_int_equal(((int32_t *)v->data)[11], 11);
    ua_clear(&resp, UA_TYPE_READRESPONSE);
}

static int setup(void **state)
{
    conn *c = calloc(1, sizeof(*c));
    read_endpoint(c);
    connect_tcp(c);
    hello(c);
    open_channel(c);
    create_and_activate(c);
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    conn *c = *state;
    ua_CloseSessionRequest req;
    ua_init(&req, UA_TYPE_CLOSESESSIONREQUEST);
    header(c, &req.requestHeader);
    req.deleteSubscriptions = true;
    send_request(c, "MSGF", &req, UA_TYPE_CLOSESESSIONREQUEST);
    ua_CloseSessionResponse resp;
    recv_response(c, &resp, UA_TYPE_CLOSESESSIONRESPONSE);
    ua_clear(&resp, UA_TYPE_CLOSESESSIONRESPONSE);
    ua_NodeId none = {0};
    ua_clear(&c->auth_token, UA_BUILTIN(UA_KIND_NODEID));
    c->auth_token = none;
    ua_CloseSecureChannelRequest clo;
    ua_init(&clo, UA_TYPE_CLOSESECURECHANNELREQUEST);
    header(c, &clo.requestHeader);
    send_request(c, "CLOF", &clo, UA_TYPE_CLOSESECURECHANNELREQUEST);
    close(c->fd);
    free(c);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_wire_get_endpoints),
        cmocka_unit_test(test_fixture_wire_read_every_scalar),
        cmocka_unit_test(test_fixture_wire_read_matrix),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
