/* libFuzzer target: the asymmetric (OPN) path of a Basic256Sha256 channel
 * against a hostile server. The harness plays the server with its own key,
 * so inputs get past the RSA signature and decryption to the response
 * parsing behind them. Byte 0 selects what the input is (byte 1: flags):
 *   0  the plaintext of an OPN response (sequence header from the harness
 *      unless flag 8), signed and encrypted by the server (flag 4: signed
 *      with the wrong key); flag 2: the asymmetric security header (policy
 *      URI, SenderCertificate, receiver thumbprint) comes from the input
 *      (2-byte length first) instead of the correct one;
 *   1  the correct security header followed by the input as ciphertext;
 *   2  the whole stream after the ACK;
 *   3  a server certificate as an endpoint hands it over (thumbprint,
 *      policy keys: what ua_channel_open checks before connecting).
 * Flag 1 picks SignAndEncrypt instead of Sign. Keys and certificates are
 * generated once. Nothing may crash, hang or leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <uv.h>

#include "test_certs.h"
#include "ua_binary.h"
#include "fuzz_peer.h"
#include "ua_channel.h"
#include "ua_crypto.h"
#include "ua_policy.h"
#include "ua_statuscodes.h"
#include "ua_tcp.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MODE_WRAPPED, MODE_CIPHERTEXT, MODE_RAW, MODE_CERT };
#define FLAG_ENCRYPT    1u
#define FLAG_OWN_HEADER 2u
#define FLAG_WRONG_KEY  4u
#define FLAG_SEQ        8u

static uv_loop_t loop;
static int port;
static const ua_policy *policy;
static EVP_PKEY *client_key, *server_key;
static ua_ByteString client_cert, server_cert;
static ua_policy_ctx *server_ctx; /* server key, client certificate */
static ua_policy_ctx *wrong_ctx;  /* client key: a signature that cannot verify */

typedef struct run {
    ua_channel *ch;
    fuzz_peer peer; /* the server's side */
    bbuf stream; /* what the server sends */
    bool closed;
} run;

static void on_open(void *ud, ua_status st)
{
    run *r = ud;
    if (st != UA_STATUS_GOOD)
        return;
    ua_ReadValueId id;
    ua_init(&id, UA_TYPE_READVALUEID);
    id.nodeId = ua_nodeid_numeric(0, 2258);
    id.attributeId = 13;
    ua_ReadRequest req;
    ua_init(&req, UA_TYPE_READREQUEST);
    req.nodesToRead = &id;
    req.nodesToReadSize = 1;
    uint32_t request_id;
    ua_channel_send(r->ch, &req, UA_TYPE_READREQUEST, &request_id);
}

static void on_message(void *ud, uint32_t request_id, ua_status st, const uint8_t *body, size_t len)
{
    (void)ud;
    (void)request_id;
    (void)st;
    volatile uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + body[i]);
}

static void on_closed(void *ud, ua_status reason)
{
    run *r = ud;
    if (getenv("FUZZ_DEBUG"))
        fprintf(stderr, "channel closed: %s\n", ua_status_name(reason));
    r->closed = true;
}

static void setup_once(void)
{
    if (port)
        return;
    log_set_level(getenv("FUZZ_DEBUG") ? LOG_DEBUG : (enum log_level)(LOG_ERROR + 1));
    policy = ua_policy_find(UA_POLICY_BASIC256SHA256);
    ua_status st;
    if (!policy || test_cert_make("urn:osm:fuzz:client", 2048, &client_key, &client_cert) != 0 ||
        test_cert_make("urn:osm:fuzz:server", 2048, &server_key, &server_cert) != 0 ||
        !(server_ctx = ua_policy_ctx_new(policy, server_key, &client_cert, &st)) ||
        !(wrong_ctx = ua_policy_ctx_new(policy, client_key, &client_cert, &st)))
        abort();
    uv_loop_init(&loop);
    port = fuzz_peer_listen(&loop);
}

/* The asymmetric security header the server should send (Part 6 6.7.2.3):
 * policy URI, its certificate, the thumbprint of ours. */
static void correct_header(bbuf *h)
{
    uint8_t thumb[20];
    if (ua_crypto_thumbprint(&client_cert, thumb) != UA_STATUS_GOOD)
        abort();
    ua_String uri = ua_string_borrow(policy->ops.uri);
    ua_ByteString t = {sizeof(thumb), thumb};
    ua_encode(&uri, UA_BUILTIN(UA_KIND_STRING), h);
    ua_encode(&server_cert, UA_BUILTIN(UA_KIND_BYTESTRING), h);
    ua_encode(&t, UA_BUILTIN(UA_KIND_BYTESTRING), h);
}

/* Builds the server's stream for modes 0-2 into r->stream. */
static void build_stream(run *r, unsigned mode, unsigned flags, const uint8_t *in, size_t n)
{
    ua_tcp_limits l = {0, 65536, 65536, 1 << 20, 0};
    ua_tcp_ack_encode(&l, &r->stream);
    if (mode == MODE_RAW) {
        bbuf_append(&r->stream, in, n);
        return;
    }
    bbuf h;
    bbuf_init(&h, 1 << 16);
    static const uint8_t head[8] = {'O', 'P', 'N', 'F'};
    bbuf_append(&h, head, sizeof(head));
    uint8_t chan[4];
    ua_write_u32(chan, 1);
    bbuf_append(&h, chan, 4);
    if (mode == MODE_WRAPPED && (flags & FLAG_OWN_HEADER) && n >= 2) {
        size_t hl = (size_t)in[0] | (size_t)in[1] << 8;
        in += 2;
        n -= 2;
        if (hl > n)
            hl = n;
        bbuf_append(&h, in, hl);
        in += hl;
        n -= hl;
    } else {
        correct_header(&h);
    }
    if (mode == MODE_CIPHERTEXT) {
        bbuf_append(&h, in, n);
        ua_write_u32(h.data + 4, (uint32_t)h.len);
        bbuf_append(&r->stream, h.data, h.len);
        bbuf_clear(&h);
        return;
    }
    uint32_t seq = 1, request_id = 1; /* the channel's first request is its OPN */
    if ((flags & FLAG_SEQ) && n >= 8) {
        seq = ua_read_u32(in);
        request_id = ua_read_u32(in + 4);
        in += 8;
        n -= 8;
    }
    ua_policy_ctx *ctx = (flags & FLAG_WRONG_KEY) ? wrong_ctx : server_ctx;
    ua_sec_apply ap = ua_sec_apply_for(&policy->ops, UA_MESSAGESECURITYMODE_SIGN, true);
    size_t max = ua_secure_max_body(&policy->ops, ctx, ap, true, 65536, h.len);
    if (n > max)
        n = max;
    if (ua_secure_encode(&policy->ops, ctx, ap, true, h.data, h.len, seq, request_id, in, n,
                         &r->stream) != UA_STATUS_GOOD)
        r->stream.len = 0; /* e.g. a header too long for one chunk: send nothing */
    bbuf_clear(&h);
}

/* Mode 3: what ua_channel_open does with an endpoint's certificate. */
static void check_cert(const uint8_t *in, size_t n)
{
    ua_ByteString der = {n, (uint8_t *)(uintptr_t)in};
    uint8_t thumb[20];
    ua_crypto_thumbprint(&der, thumb);
    ua_status st;
    ua_policy_ctx_delete(ua_policy_ctx_new(policy, client_key, &der, &st));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup_once();
    if (size < 2)
        return 0;
    unsigned mode = data[0] % 4;
    unsigned flags = data[1];
    data += 2;
    size -= 2;
    if (mode == MODE_CERT) {
        check_cert(data, size);
        return 0;
    }
    run r = {0};
    bbuf_init(&r.stream, 1 << 20);
    build_stream(&r, mode, flags, data, size);
    r.peer.data = r.stream.data;
    r.peer.size = r.stream.len;
    fuzz_peer_arm(&r.peer);
    ua_channel_config cfg;
    ua_channel_config_default(&cfg);
    cfg.connect_timeout_ms = 2000;
    cfg.max_message_size = 1 << 20;
    cfg.policy = &policy->ops;
    cfg.security_mode = (flags & FLAG_ENCRYPT) ? UA_MESSAGESECURITYMODE_SIGNANDENCRYPT
                                               : UA_MESSAGESECURITYMODE_SIGN;
    cfg.local_cert = client_cert;
    cfg.local_key = client_key;
    cfg.remote_cert = server_cert;
    ua_channel_callbacks cb = {on_open, on_message, on_closed};
    r.ch = ua_channel_new(&loop, &cfg, &cb, &r);
    char url[64];
    snprintf(url, sizeof(url), "opc.tcp://127.0.0.1:%d/fuzz", port);
    if (!r.ch || ua_channel_open(r.ch, url) != UA_STATUS_GOOD)
        abort();
    /* Bounded: the server side closes after writing, so the channel sees
     * EOF; the connect timeout bounds everything else. */
    while (!r.closed || fuzz_peer_busy(&r.peer))
        uv_run(&loop, UV_RUN_ONCE);
    ua_channel_delete(r.ch);
    for (int i = 0; i < 4; i++)
        uv_run(&loop, UV_RUN_NOWAIT);
    fuzz_peer_arm(NULL);
    bbuf_clear(&r.stream);
    return 0;
}
