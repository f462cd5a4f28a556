/* The RSA security policies (ua_policy) through ua_secure_encode/decode
 * between a "client" and a "server" ctx built from two generated keys:
 * key derivation against independently computed vectors, asymmetric and
 * symmetric round trips for every policy and mode, tampering, unknown and
 * previous tokens, truncation, key length limits, session signatures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "test_certs.h"
#include "ua_binary.h"
#include "ua_crypto.h"
#include "ua_policy.h"
#include "ua_secure.h"
#include "ua_statuscodes.h"

typedef struct party {
    EVP_PKEY *key;
    ua_ByteString cert;
} party;

static party client_p, server_p, big_p, small_p;

static const char *all_policies[] = {
    UA_POLICY_BASIC128RSA15,        UA_POLICY_BASIC256,
    UA_POLICY_BASIC256SHA256,       UA_POLICY_AES128_SHA256_RSAOAEP,
    UA_POLICY_AES256_SHA256_RSAPSS,
};
#define NPOL (sizeof(all_policies) / sizeof(all_policies[0]))

static const uint8_t sym_head[16] = {'M', 'S', 'G', 'F', 0, 0, 0, 0, 7, 0, 0, 0, 5, 0, 0, 0};
static const uint8_t asym_head[12] = {'O', 'P', 'N', 'F', 0, 0, 0, 0, 7, 0, 0, 0};

static void hex_to(const char *hex, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

static int group_setup(void **state)
{
    (void)state;
    if (test_cert_make("urn:test:client", 2048, &client_p.key, &client_p.cert) ||
        test_cert_make("urn:test:server", 2048, &server_p.key, &server_p.cert) ||
        test_cert_make("urn:test:big", 3072, &big_p.key, &big_p.cert) ||
        test_cert_make("urn:test:small", 1024, &small_p.key, &small_p.cert))
        return -1;
    return 0;
}

static void party_clear(party *p)
{
    EVP_PKEY_free(p->key);
    ua_clear(&p->cert, UA_BUILTIN(UA_KIND_BYTESTRING));
}

static int group_teardown(void **state)
{
    (void)state;
    party_clear(&client_p);
    party_clear(&server_p);
    party_clear(&big_p);
    party_clear(&small_p);
    return 0;
}

/* A ctx for `me` talking to `peer`. */
static ua_policy_ctx *ctx_for(const ua_policy *p, const party *me, const party *peer)
{
    ua_status st;
    ua_policy_ctx *ctx = ua_policy_ctx_new(p, me->key, &peer->cert, &st);
    if (!ctx)
        fail_msg("ua_policy_ctx_new(%s): %s", p->ops.uri, ua_status_name(st));
    return ctx;
}

/* Encodes body from a to b and decodes it again; returns the decode status
 * and checks the body when Good. tamper >= 0 flips that byte first. */
static ua_status send_one(const ua_policy *p, ua_policy_ctx *from, ua_policy_ctx *to,
                          ua_sec_apply ap, bool asym, size_t body_len, long tamper, size_t cut)
{
    const uint8_t *head = asym ? asym_head : sym_head;
    size_t head_len = asym ? sizeof(asym_head) : sizeof(sym_head);
    uint8_t body[1200];
    for (size_t i = 0; i < body_len; i++)
        body[i] = (uint8_t)(i * 13 + 1);
    bbuf b;
    bbuf_init(&b, 1 << 20);
    assert_int_equal(
        ua_secure_encode(&p->ops, from, ap, asym, head, head_len, 77, 9, body, body_len, &b),
        UA_STATUS_GOOD);
    assert_int_equal(ua_read_u32(b.data + 4), b.len);
    if (ap.encrypt) {
        /* The plaintext body must not show through. */
        for (size_t i = 0; body_len >= 16 && i + 16 <= b.len; i++)
            assert_true(memcmp(b.data + i, body, 16) != 0);
    }
    if (tamper >= 0)
        b.data[(size_t)tamper % b.len] ^= 0x01;
    uint32_t seq = 0, rid = 0;
    const uint8_t *out = NULL;
    size_t out_len = 0;
    ua_status st = ua_secure_decode(&p->ops, to, ap, asym, b.data, b.len - cut, head_len, &seq,
                                    &rid, &out, &out_len);
    if (st == UA_STATUS_GOOD) {
        assert_int_equal(seq, 77);
        assert_int_equal(rid, 9);
        assert_int_equal(out_len, body_len);
        if (body_len)
            assert_memory_equal(out, body, body_len);
    }
    bbuf_clear(&b);
    return st;
}

static void test_policy_p_hash_vectors(void **state)
{
    (void)state;
    /* Computed with Python's hmac module (RFC 2246 P_hash). */
    static const char p256[] =
        "5d667f3542df4c0d18c2edc05d8fecbf7beb6a0a0403e76e1e91719689d1ecd81cdf20ea137039545580dbad"
        "c02dc68572e6506f48406debe0a2f12bc59e7c015e6332cea56dc081cef88b3e8fc6629c";
    static const char p1[] = "2359e96c9c43b2420ed172e591c1119ed94441105448c6e7dc5bbbdaaddabd6e0ca25"
                             "72dc4c4c56c6f63f3d77324f424";
    uint8_t secret[32], seed[32], want[80], got[80];
    for (int i = 0; i < 32; i++) {
        secret[i] = (uint8_t)i;
        seed[i] = (uint8_t)(100 + i);
    }
    hex_to(p256, want, 80);
    assert_int_equal(ua_policy_p_hash(UA_HASH_SHA256, secret, 32, seed, 32, got, 80),
                     UA_STATUS_GOOD);
    assert_memory_equal(got, want, 80);
    for (int i = 0; i < 16; i++) {
        secret[i] = (uint8_t)i;
        seed[i] = (uint8_t)(200 + i);
    }
    hex_to(p1, want, 48);
    assert_int_equal(ua_policy_p_hash(UA_HASH_SHA1, secret, 16, seed, 16, got, 48), UA_STATUS_GOOD);
    assert_memory_equal(got, want, 48);
}

static void test_policy_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < NPOL; i++) {
        const ua_policy *p = ua_policy_find(all_policies[i]);
        assert_non_null(p);
        assert_ptr_equal(ua_policy_of_ops(&p->ops), p);
        assert_int_equal(p->ops.nonce_length, i == 0 ? 16 : 32);
        assert_int_equal(p->deprecated, i < 2);
    }
    assert_null(ua_policy_find(UA_POLICY_NONE));
    assert_null(ua_policy_find("urn:nope"));
    assert_null(ua_policy_of_ops(&ua_sec_ops_none));
}

static void test_policy_asym_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < NPOL; i++) {
        const ua_policy *p = ua_policy_find(all_policies[i]);
        ua_policy_ctx *c = ctx_for(p, &client_p, &server_p);
        ua_policy_ctx *s = ctx_for(p, &server_p, &client_p);
        ua_sec_apply ap = ua_sec_apply_for(&p->ops, UA_MESSAGESECURITYMODE_SIGN, true);
        assert_true(ap.sign && ap.encrypt);
        static const size_t lens[] = {0, 1, 100, 190, 191, 600, 1200};
        for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
            assert_int_equal(send_one(p, c, s, ap, true, lens[k], -1, 0), UA_STATUS_GOOD);
            assert_int_equal(send_one(p, s, c, ap, true, lens[k], -1, 0), UA_STATUS_GOOD);
        }
        /* Any flipped bit after the headers fails; a cut chunk too. */
        assert_int_equal(send_one(p, c, s, ap, true, 300, 12, 0),
                         UA_STATUS_BADSECURITYCHECKSFAILED);
        assert_int_equal(send_one(p, c, s, ap, true, 300, 400, 0),
                         UA_STATUS_BADSECURITYCHECKSFAILED);
        assert_int_not_equal(send_one(p, c, s, ap, true, 300, -1, 1), UA_STATUS_GOOD);
        assert_int_not_equal(send_one(p, c, s, ap, true, 300, -1, 256), UA_STATUS_GOOD);
        /* Meant for someone else: the server cannot read the client's own. */
        assert_int_equal(send_one(p, c, c, ap, true, 50, -1, 0), UA_STATUS_BADSECURITYCHECKSFAILED);
        ua_policy_ctx_delete(c);
        ua_policy_ctx_delete(s);
    }
}

static void test_policy_asym_big_key_extra_padding(void **state)
{
    (void)state;
    const ua_policy *p = ua_policy_find(UA_POLICY_BASIC256SHA256);
    ua_policy_ctx *c = ctx_for(p, &client_p, &big_p);
    ua_policy_ctx *s = ctx_for(p, &big_p, &client_p);
    ua_sec_sizes sz;
    p->ops.sizes(c, true, &sz);
    assert_true(sz.extra_padding);
    assert_false(sz.remote_extra_padding);
    assert_int_equal(sz.cipher_block, 384);
    assert_int_equal(sz.signature, 256);
    ua_sec_apply ap = {true, true};
    for (size_t n = 0; n < 1200; n += 97) {
        assert_int_equal(send_one(p, c, s, ap, true, n, -1, 0), UA_STATUS_GOOD);
        assert_int_equal(send_one(p, s, c, ap, true, n, -1, 0), UA_STATUS_GOOD);
    }
    ua_policy_ctx_delete(c);
    ua_policy_ctx_delete(s);
}

static void derive_both(const ua_policy *p, ua_policy_ctx *c, ua_policy_ctx *s, uint32_t token,
                        uint8_t salt)
{
    uint8_t cn[32], sn[32];
    for (int i = 0; i < 32; i++) {
        cn[i] = (uint8_t)(i + salt);
        sn[i] = (uint8_t)(255 - i - salt);
    }
    ua_ByteString cnb = {p->ops.nonce_length, cn}, snb = {p->ops.nonce_length, sn};
    assert_int_equal(p->ops.derive(c, token, &cnb, &snb), UA_STATUS_GOOD);
    assert_int_equal(p->ops.derive(s, token, &snb, &cnb), UA_STATUS_GOOD);
}

static void test_policy_sym_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < NPOL; i++) {
        const ua_policy *p = ua_policy_find(all_policies[i]);
        ua_policy_ctx *c = ctx_for(p, &client_p, &server_p);
        ua_policy_ctx *s = ctx_for(p, &server_p, &client_p);
        /* Nonces of the wrong length are refused. */
        uint8_t n8[8] = {0};
        ua_ByteString shortn = {8, n8};
        assert_int_equal(p->ops.derive(c, 1, &shortn, &shortn), UA_STATUS_BADNONCEINVALID);
        derive_both(p, c, s, 5, 1);
        for (int mode = UA_MESSAGESECURITYMODE_SIGN; mode <= UA_MESSAGESECURITYMODE_SIGNANDENCRYPT;
             mode++) {
            ua_sec_apply ap = ua_sec_apply_for(&p->ops, mode, false);
            for (size_t n = 0; n < 100; n += 7) {
                assert_int_equal(p->ops.use_token(s, 5), UA_STATUS_GOOD);
                assert_int_equal(send_one(p, c, s, ap, false, n, -1, 0), UA_STATUS_GOOD);
                assert_int_equal(p->ops.use_token(c, 5), UA_STATUS_GOOD);
                assert_int_equal(send_one(p, s, c, ap, false, n, -1, 0), UA_STATUS_GOOD);
            }
            /* Tampering anywhere after the headers (signature included). */
            for (long at = 16; at < 16 + 8 + 64 + 32; at += 5)
                assert_int_equal(send_one(p, c, s, ap, false, 64, at, 0),
                                 UA_STATUS_BADSECURITYCHECKSFAILED);
            assert_int_not_equal(send_one(p, c, s, ap, false, 64, -1, 16), UA_STATUS_GOOD);
            assert_int_not_equal(send_one(p, c, s, ap, false, 64, -1, 3), UA_STATUS_GOOD);
            /* A client that receives its own keys cannot verify them. */
            assert_int_equal(send_one(p, c, c, ap, false, 64, -1, 0),
                             UA_STATUS_BADSECURITYCHECKSFAILED);
        }
        assert_int_equal(p->ops.use_token(s, 6), UA_STATUS_BADSECURECHANNELTOKENUNKNOWN);
        ua_policy_ctx_delete(c);
        ua_policy_ctx_delete(s);
    }
}

/* After a renewal the sender uses the new keys at once; the receiver still
 * reads the old token's chunks (Part 6 6.7.4) and forgets the one before. */
static void test_policy_renewal_keeps_previous_token(void **state)
{
    (void)state;
    const ua_policy *p = ua_policy_find(UA_POLICY_AES256_SHA256_RSAPSS);
    ua_policy_ctx *c = ctx_for(p, &client_p, &server_p);
    ua_policy_ctx *s = ctx_for(p, &server_p, &client_p);
    ua_sec_apply ap = {true, true};
    derive_both(p, c, s, 1, 10);
    /* A chunk protected with token 1, received after the renewal. */
    bbuf old;
    bbuf_init(&old, 1 << 16);
    const uint8_t body[40] = {1, 2, 3};
    assert_int_equal(
        ua_secure_encode(&p->ops, s, ap, false, sym_head, 16, 1, 2, body, sizeof(body), &old),
        UA_STATUS_GOOD);
    derive_both(p, c, s, 2, 20);
    uint32_t seq, rid;
    const uint8_t *out;
    size_t out_len;
    assert_int_equal(p->ops.use_token(c, 1), UA_STATUS_GOOD);
    assert_int_equal(
        ua_secure_decode(&p->ops, c, ap, false, old.data, old.len, 16, &seq, &rid, &out, &out_len),
        UA_STATUS_GOOD);
    assert_int_equal(out_len, sizeof(body));
    /* New chunks use token 2; decoding them with token 1's keys fails. */
    assert_int_equal(p->ops.use_token(s, 2), UA_STATUS_GOOD);
    assert_int_equal(send_one(p, c, s, ap, false, 33, -1, 0), UA_STATUS_GOOD);
    assert_int_equal(p->ops.use_token(s, 1), UA_STATUS_GOOD);
    assert_int_equal(send_one(p, c, s, ap, false, 33, -1, 0), UA_STATUS_BADSECURITYCHECKSFAILED);
    derive_both(p, c, s, 3, 30);
    assert_int_equal(p->ops.use_token(c, 1), UA_STATUS_BADSECURECHANNELTOKENUNKNOWN);
    assert_int_equal(p->ops.use_token(c, 2), UA_STATUS_GOOD);
    assert_int_equal(p->ops.use_token(c, 3), UA_STATUS_GOOD);
    bbuf_clear(&old);
    ua_policy_ctx_delete(c);
    ua_policy_ctx_delete(s);
}

static void test_policy_key_length_limits(void **state)
{
    (void)state;
    ua_status st;
    const ua_policy *p = ua_policy_find(UA_POLICY_BASIC256SHA256);
    assert_null(ua_policy_ctx_new(p, client_p.key, &small_p.cert, &st));
    assert_int_equal(st, UA_STATUS_BADCERTIFICATEPOLICYCHECKFAILED);
    assert_null(ua_policy_ctx_new(p, small_p.key, &server_p.cert, &st));
    assert_int_equal(st, UA_STATUS_BADCERTIFICATEPOLICYCHECKFAILED);
    /* The deprecated policies take 1024-bit keys but not 3072. */
    p = ua_policy_find(UA_POLICY_BASIC128RSA15);
    ua_policy_ctx *c = ctx_for(p, &small_p, &server_p);
    ua_policy_ctx *s = ctx_for(p, &server_p, &small_p);
    ua_sec_apply ap = {true, true};
    assert_int_equal(send_one(p, c, s, ap, true, 500, -1, 0), UA_STATUS_GOOD);
    assert_int_equal(send_one(p, s, c, ap, true, 500, -1, 0), UA_STATUS_GOOD);
    ua_policy_ctx_delete(c);
    ua_policy_ctx_delete(s);
    assert_null(ua_policy_ctx_new(p, client_p.key, &big_p.cert, &st));
    assert_int_equal(st, UA_STATUS_BADCERTIFICATEPOLICYCHECKFAILED);
    /* Not a certificate. */
    uint8_t junk[40] = {0x30, 0x82, 0x10, 0x00};
    ua_ByteString bad = {sizeof(junk), junk};
    assert_null(ua_policy_ctx_new(p, client_p.key, &bad, &st));
    assert_int_equal(st, UA_STATUS_BADCERTIFICATEINVALID);
}

static void test_policy_session_signatures(void **state)
{
    (void)state;
    uint8_t nonce[32];
    assert_int_equal(ua_crypto_random(nonce, sizeof(nonce)), UA_STATUS_GOOD);
    ua_ByteString n = {sizeof(nonce), nonce};
    for (size_t i = 0; i < NPOL; i++) {
        const ua_policy *p = ua_policy_find(all_policies[i]);
        ua_ByteString sig;
        assert_int_equal(ua_policy_sign(p, client_p.key, &server_p.cert, &n, &sig), UA_STATUS_GOOD);
        assert_int_equal(sig.length, 256);
        assert_int_equal(ua_policy_verify(p, &client_p.cert, &server_p.cert, &n, &sig),
                         UA_STATUS_GOOD);
        /* Wrong key, wrong data, wrong bits. */
        assert_int_equal(ua_policy_verify(p, &server_p.cert, &server_p.cert, &n, &sig),
                         UA_STATUS_BADAPPLICATIONSIGNATUREINVALID);
        assert_int_equal(ua_policy_verify(p, &client_p.cert, &client_p.cert, &n, &sig),
                         UA_STATUS_BADAPPLICATIONSIGNATUREINVALID);
        sig.data[10] ^= 1;
        assert_int_equal(ua_policy_verify(p, &client_p.cert, &server_p.cert, &n, &sig),
                         UA_STATUS_BADAPPLICATIONSIGNATUREINVALID);
        ua_clear(&sig, UA_BUILTIN(UA_KIND_BYTESTRING));
    }
    /* The PSS and PKCS#1 signatures do not verify as each other. */
    ua_ByteString sig;
    const ua_policy *pss = ua_policy_find(UA_POLICY_AES256_SHA256_RSAPSS);
    const ua_policy *pkcs = ua_policy_find(UA_POLICY_BASIC256SHA256);
    assert_int_equal(ua_policy_sign(pss, client_p.key, &server_p.cert, &n, &sig), UA_STATUS_GOOD);
    assert_int_equal(ua_policy_verify(pkcs, &client_p.cert, &server_p.cert, &n, &sig),
                     UA_STATUS_BADAPPLICATIONSIGNATUREINVALID);
    ua_clear(&sig, UA_BUILTIN(UA_KIND_BYTESTRING));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_p_hash_vectors),
        cmocka_unit_test(test_policy_table),
        cmocka_unit_test(test_policy_asym_round_trip),
        cmocka_unit_test(test_policy_asym_big_key_extra_padding),
        cmocka_unit_test(test_policy_sym_round_trip),
        cmocka_unit_test(test_policy_renewal_keeps_previous_token),
        cmocka_unit_test(test_policy_key_length_limits),
        cmocka_unit_test(test_policy_session_signatures),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
