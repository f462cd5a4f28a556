/* Writes the seed corpora: for fuzz_ua_decode, every type's default and a
 * filled instance, each prefixed with the 2-byte type selector; for
 * fuzz_ua_tcp, streams of connection messages and secure chunks; for
 * fuzz_ua_channel, a server's answer: ACK, OPN response, Read response;
 * for fuzz_ua_opn, the plaintext of secured OPN responses (the harness
 * signs and encrypts them) in its input format.
 * Usage: gen_corpus DECODE_DIR TCP_DIR CHANNEL_DIR [OPN_DIR] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua_binary.h"
#include "ua_fill.h"
#include "ua_statuscodes.h"
#include "ua_tcp.h"

static int write_seed(const char *dir, size_t index, int variant, const bbuf *b)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/seed-%04zu-%d", dir, index, variant);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    uint8_t sel[2] = {(uint8_t)index, (uint8_t)(index >> 8)};
    int ok = fwrite(sel, 1, 2, f) == 2 && fwrite(b->data, 1, b->len, f) == b->len;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* One stream: read-size byte, then HEL, ACK, ERR, RHE and MSG C/F/A. */
static int write_tcp_seeds(const char *dir)
{
    ua_tcp_limits l = {0, 65536, 65536, 1 << 20, 4};
    for (int variant = 0; variant < 4; variant++) {
        bbuf b;
        bbuf_init(&b, 1 << 16);
        uint8_t piece = (uint8_t)(variant * 60);
        bbuf_append(&b, &piece, 1);
        ua_tcp_hello_encode(&l, "opc.tcp://127.0.0.1:4840/seed", &b);
        ua_tcp_ack_encode(&l, &b);
        ua_tcp_error_encode(0x80820000u, "seed error", &b);
        ua_tcp_rhe_encode("urn:seed:server", "opc.tcp://127.0.0.1:4840", &b);
        static const char *types[3] = {"MSGC", "MSGF", "MSGA"};
        for (int k = 0; k < 3; k++) {
            uint8_t chunk[40] = {0};
            memcpy(chunk, types[(k + variant) % 3], 4);
            ua_write_u32(chunk + 4, sizeof(chunk));
            chunk[20] = 7; /* request id */
            bbuf_append(&b, chunk, sizeof(chunk));
        }
        char path[4096];
        snprintf(path, sizeof(path), "%s/tcp-seed-%d", dir, variant);
        FILE *f = fopen(path, "wb");
        int ok = f && fwrite(b.data, 1, b.len, f) == b.len;
        if (f)
            ok = fclose(f) == 0 && ok;
        bbuf_clear(&b);
        if (!ok)
            return -1;
    }
    return 0;
}

/* Appends a secure chunk: header, then the given security header bytes,
 * sequence number, request id, type id and body. */
static void put_secure(bbuf *b, const char *type, const bbuf *sec, uint32_t seq, uint32_t req_id,
                       const void *msg, const ua_type *t)
{
    size_t at = b->len;
    uint8_t head[8] = {0};
    memcpy(head, type, 4);
    bbuf_append(b, head, 8);
    bbuf_append(b, sec->data, sec->len);
    uint8_t x[8];
    ua_write_u32(x, seq);
    ua_write_u32(x + 4, req_id);
    bbuf_append(b, x, 8);
    ua_NodeId id = t->binary_encoding_id;
    ua_encode(&id, UA_BUILTIN(UA_KIND_NODEID), b);
    ua_encode(msg, t, b);
    ua_write_u32(b->data + at + 4, (uint32_t)(b->len - at));
}

static int write_channel_seeds(const char *dir)
{
    for (int variant = 0; variant < 3; variant++) {
        bbuf b;
        bbuf_init(&b, 1 << 20);
        ua_tcp_limits l = {0, 65536, 65536, 1 << 20, 0};
        ua_tcp_ack_encode(&l, &b);
        /* OPN response: channel 1, token 1, policy None. */
        bbuf sec;
        bbuf_init(&sec, 1024);
        uint8_t chan[4];
        ua_write_u32(chan, 1);
        bbuf_append(&sec, chan, 4);
        ua_String policy = ua_string_borrow("http://opcfoundation.org/UA/SecurityPolicy#None");
        ua_ByteString none = {0, NULL};
        ua_encode(&policy, UA_BUILTIN(UA_KIND_STRING), &sec);
        ua_encode(&none, UA_BUILTIN(UA_KIND_BYTESTRING), &sec);
        ua_encode(&none, UA_BUILTIN(UA_KIND_BYTESTRING), &sec);
        ua_OpenSecureChannelResponse opn;
        ua_init(&opn, UA_TYPE_OPENSECURECHANNELRESPONSE);
        opn.securityToken.channelId = 1;
        opn.securityToken.tokenId = 1;
        opn.securityToken.revisedLifetime = 600000;
        put_secure(&b, "OPNF", &sec, 1, 1, &opn, UA_TYPE_OPENSECURECHANNELRESPONSE);
        /* MSG: the Read response (request id 2), whole or in two chunks. */
        bbuf msec;
        bbuf_init(&msec, 64);
        uint8_t ids[8];
        ua_write_u32(ids, 1);
        ua_write_u32(ids + 4, 1);
        bbuf_append(&msec, ids, 8);
        ua_ReadResponse rr;
        ua_init(&rr, UA_TYPE_READRESPONSE);
        ua_DataValue dv;
        ua_init(&dv, UA_BUILTIN(UA_KIND_DATAVALUE));
        dv.has_value = true;
        double v = 42.5 * variant;
        ua_variant_set_scalar_copy(&dv.value, &v, UA_BUILTIN(UA_KIND_DOUBLE));
        rr.results = &dv;
        rr.resultsSize = 1;
        if (variant == 2) {
            ua_ServiceFault fault;
            ua_init(&fault, UA_TYPE_SERVICEFAULT);
            fault.responseHeader.serviceResult = 0x80340000u;
            put_secure(&b, "MSGF", &msec, 2, 2, &fault, UA_TYPE_SERVICEFAULT);
        } else {
            put_secure(&b, variant ? "MSGC" : "MSGF", &msec, 2, 2, &rr, UA_TYPE_READRESPONSE);
            if (variant)
                put_secure(&b, "MSGF", &msec, 3, 2, &rr, UA_TYPE_READRESPONSE);
        }
        ua_clear(&dv, UA_BUILTIN(UA_KIND_DATAVALUE));
        char path[4096];
        snprintf(path, sizeof(path), "%s/channel-seed-%d", dir, variant);
        FILE *f = fopen(path, "wb");
        int ok = f && fwrite(b.data, 1, b.len, f) == b.len;
        if (f)
            ok = fclose(f) == 0 && ok;
        bbuf_clear(&b);
        bbuf_clear(&sec);
        bbuf_clear(&msec);
        if (!ok)
            return -1;
    }
    return 0;
}

/* fuzz_ua_opn inputs: mode byte, flags byte, then (mode 0) an optional
 * security header, the type id and an OpenSecureChannelResponse with a
 * 32-byte nonce (Basic256Sha256), or (mode 0, ServiceFault) a refusal. */
static int write_opn_seeds(const char *dir)
{
    static const uint8_t heads[][2] = {{0, 0}, {0, 1}, {0, 2}, {0, 4},
                                       {0, 8}, {0, 1}, {1, 0}, {2, 0}};
    for (size_t v = 0; v < sizeof(heads) / sizeof(heads[0]); v++) {
        bbuf b;
        bbuf_init(&b, 1 << 16);
        bbuf_append(&b, heads[v], 2);
        if (heads[v][1] & 2) {
            /* A header of our own: the policy URI and two null strings. */
            bbuf h;
            bbuf_init(&h, 1024);
            ua_String uri =
                ua_string_borrow("http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256");
            ua_ByteString none = {0, NULL};
            ua_encode(&uri, UA_BUILTIN(UA_KIND_STRING), &h);
            ua_encode(&none, UA_BUILTIN(UA_KIND_BYTESTRING), &h);
            ua_encode(&none, UA_BUILTIN(UA_KIND_BYTESTRING), &h);
            uint8_t len[2] = {(uint8_t)h.len, (uint8_t)(h.len >> 8)};
            bbuf_append(&b, len, 2);
            bbuf_append(&b, h.data, h.len);
            bbuf_clear(&h);
        }
        if (heads[v][1] & 8) {
            uint8_t ids[8];
            ua_write_u32(ids, 1);
            ua_write_u32(ids + 4, 1);
            bbuf_append(&b, ids, 8);
        }
        if (heads[v][0] == 1) {
            uint8_t junk[512];
            for (size_t i = 0; i < sizeof(junk); i++)
                junk[i] = (uint8_t)(i * 7);
            bbuf_append(&b, junk, sizeof(junk));
        } else if (v == 5) {
            ua_NodeId id = UA_TYPE_SERVICEFAULT->binary_encoding_id;
            ua_ServiceFault fault;
            ua_init(&fault, UA_TYPE_SERVICEFAULT);
            fault.responseHeader.serviceResult = UA_STATUS_BADCERTIFICATETIMEINVALID;
            ua_encode(&id, UA_BUILTIN(UA_KIND_NODEID), &b);
            ua_encode(&fault, UA_TYPE_SERVICEFAULT, &b);
        } else {
            uint8_t nonce[32];
            for (size_t i = 0; i < sizeof(nonce); i++)
                nonce[i] = (uint8_t)(0xA0 + i);
            ua_OpenSecureChannelResponse opn;
            ua_init(&opn, UA_TYPE_OPENSECURECHANNELRESPONSE);
            opn.securityToken.channelId = 1;
            opn.securityToken.tokenId = 1;
            opn.securityToken.revisedLifetime = 600000;
            opn.serverNonce.data = nonce;
            opn.serverNonce.length = sizeof(nonce);
            size_t at = b.len;
            if (heads[v][0] == 2) {
                /* Mode 2 is the raw stream: an unsecured-looking OPN chunk. */
                uint8_t head[12] = {'O', 'P', 'N', 'F'};
                ua_write_u32(head + 8, 1);
                bbuf_append(&b, head, sizeof(head));
            }
            ua_NodeId id = UA_TYPE_OPENSECURECHANNELRESPONSE->binary_encoding_id;
            ua_encode(&id, UA_BUILTIN(UA_KIND_NODEID), &b);
            ua_encode(&opn, UA_TYPE_OPENSECURECHANNELRESPONSE, &b);
            if (heads[v][0] == 2)
                ua_write_u32(b.data + at + 4, (uint32_t)(b.len - at));
        }
        char path[4096];
        snprintf(path, sizeof(path), "%s/opn-seed-%zu", dir, v);
        FILE *f = fopen(path, "wb");
        int ok = f && fwrite(b.data, 1, b.len, f) == b.len;
        if (f)
            ok = fclose(f) == 0 && ok;
        bbuf_clear(&b);
        if (!ok)
            return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: gen_corpus DECODE_DIR TCP_DIR CHANNEL_DIR [OPN_DIR]\n");
        return 2;
    }
    if (argc == 5 && write_opn_seeds(argv[4]) != 0) {
        fprintf(stderr, "gen_corpus: cannot write the OPN seeds\n");
        return 1;
    }
    if (write_channel_seeds(argv[3]) != 0) {
        fprintf(stderr, "gen_corpus: cannot write the channel seeds\n");
        return 1;
    }
    if (write_tcp_seeds(argv[2]) != 0) {
        fprintf(stderr, "gen_corpus: cannot write the UA-TCP seeds\n");
        return 1;
    }
    for (size_t i = 0; i < ua_all_types_count(); i++) {
        const ua_type *t = ua_all_types_at(i);
        for (int variant = 0; variant < 2; variant++) {
            void *v = ua_new(t);
            if (!v || (variant && ua_fill(v, t, (uint32_t)i + 1) != UA_STATUS_GOOD))
                return 1;
            bbuf b;
            bbuf_init(&b, 1u << 24);
            if (ua_encode(v, t, &b) != UA_STATUS_GOOD || write_seed(argv[1], i, variant, &b) != 0) {
                fprintf(stderr, "gen_corpus: cannot write seed for %s\n", t->name);
                return 1;
            }
            bbuf_clear(&b);
            ua_delete(v, t);
        }
    }
    return 0;
}
