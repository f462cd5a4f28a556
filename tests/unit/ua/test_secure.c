/* Chunk security layout (Part 6 (1.05) 6.7.2): padding, signature and
 * encryption placed by ua_secure for any policy. A toy policy stands in for
 * the cryptography (a keyed checksum and an expanding XOR block cipher with
 * 15-byte plain and 16-byte cipher blocks, like RSA's expansion) so the
 * layout is exercised with non-zero sizes; the real policies are tested
 * against a real server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ua_binary.h"
#include "ua_secure.h"
#include "ua_statuscodes.h"

typedef struct toy {
    bool extra;
} toy;

static void toy_sizes(void *ctx, bool asym, ua_sec_sizes *out)
{
    toy *t = ctx;
    (void)asym;
    out->signature = out->remote_signature = 8;
    out->plain_block = out->remote_plain_block = 15;
    out->cipher_block = out->remote_cipher_block = 16;
    out->extra_padding = out->remote_extra_padding = t->extra;
}

static uint64_t checksum(const uint8_t *d, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ d[i]) * 1099511628211ull;
    return h ^ 0x5a5a5a5a5a5a5a5aull;
}

static ua_status toy_sign(void *ctx, bool asym, const uint8_t *d, size_t n, uint8_t *sig)
{
    (void)ctx;
    (void)asym;
    uint64_t h = checksum(d, n);
    memcpy(sig, &h, 8);
    return UA_STATUS_GOOD;
}

static ua_status toy_verify(void *ctx, bool asym, const uint8_t *d, size_t n, const uint8_t *sig,
                            size_t sig_len)
{
    (void)ctx;
    (void)asym;
    uint64_t h = checksum(d, n);
    return sig_len == 8 && memcmp(&h, sig, 8) == 0 ? UA_STATUS_GOOD
                                                   : UA_STATUS_BADSECURITYCHECKSFAILED;
}

static ua_status toy_encrypt(void *ctx, bool asym, uint8_t *d, size_t n, size_t *out)
{
    (void)ctx;
    (void)asym;
    if (n % 15)
        return UA_STATUS_BADINTERNALERROR;
    size_t blocks = n / 15;
    for (size_t i = blocks; i-- > 0;) { /* backwards: output grows */
        uint8_t tmp[15];
        memcpy(tmp, d + i * 15, 15);
        for (int k = 0; k < 15; k++)
            d[i * 16 + (size_t)k] = tmp[k] ^ 0xA5;
        d[i * 16 + 15] = (uint8_t)i;
    }
    *out = blocks * 16;
    return UA_STATUS_GOOD;
}

static ua_status toy_decrypt(void *ctx, bool asym, uint8_t *d, size_t n, size_t *out)
{
    (void)ctx;
    (void)asym;
    size_t blocks = n / 16;
    for (size_t i = 0; i < blocks; i++) {
        if (d[i * 16 + 15] != (uint8_t)i)
            return UA_STATUS_BADSECURITYCHECKSFAILED;
        for (int k = 0; k < 15; k++)
            d[i * 15 + (size_t)k] = d[i * 16 + (size_t)k] ^ 0xA5;
    }
    *out = blocks * 15;
    return UA_STATUS_GOOD;
}

static const ua_sec_ops toy_ops = {"urn:test:toy", 32,          toy_sizes, toy_sign, toy_verify,
                                   toy_encrypt,    toy_decrypt, NULL,      NULL};

static const uint8_t headers[16] = {'M', 'S', 'G', 'F', 0, 0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0};

static void round_trip(const ua_sec_ops *ops, toy *t, ua_sec_apply ap, size_t body_len)
{
    uint8_t body[512];
    for (size_t i = 0; i < body_len; i++)
        body[i] = (uint8_t)(i * 7 + 3);
    bbuf b;
    bbuf_init(&b, 1 << 16);
    assert_int_equal(ua_secure_encode(ops, t, ap, false, headers, 16, 42, 9, body, body_len, &b),
                     UA_STATUS_GOOD);
    assert_int_equal(ua_read_u32(b.data + 4), b.len); /* message size patched */
    if (ap.encrypt)
        assert_int_equal((b.len - 16) % 16, 0);
    uint32_t seq, rid;
    const uint8_t *out;
    size_t out_len;
    assert_int_equal(
        ua_secure_decode(ops, t, ap, false, b.data, b.len, 16, &seq, &rid, &out, &out_len),
        UA_STATUS_GOOD);
    assert_int_equal(seq, 42);
    assert_int_equal(rid, 9);
    assert_int_equal(out_len, body_len);
    if (body_len)
        assert_memory_equal(out, body, body_len);
    bbuf_clear(&b);
}

static void test_secure_none_is_plain(void **state)
{
    (void)state;
    ua_sec_apply ap = ua_sec_apply_for(&ua_sec_ops_none, UA_MESSAGESECURITYMODE_NONE, false);
    assert_false(ap.sign || ap.encrypt);
    bbuf b;
    bbuf_init(&b, 1024);
    const uint8_t body[3] = {1, 2, 3};
    assert_int_equal(
        ua_secure_encode(&ua_sec_ops_none, NULL, ap, false, headers, 16, 5, 6, body, 3, &b),
        UA_STATUS_GOOD);
    assert_int_equal(b.len, 16 + 8 + 3);
    assert_int_equal(ua_secure_max_body(&ua_sec_ops_none, NULL, ap, false, 8192, 16), 8192 - 24);
    bbuf_clear(&b);
    for (size_t n = 0; n < 40; n++)
        round_trip(&ua_sec_ops_none, NULL, ap, n);
}

static void test_secure_sign_and_encrypt_round_trips(void **state)
{
    (void)state;
    for (int extra = 0; extra < 2; extra++) {
        toy t = {extra != 0};
        ua_sec_apply ap = ua_sec_apply_for(&toy_ops, UA_MESSAGESECURITYMODE_SIGNANDENCRYPT, false);
        assert_true(ap.sign && ap.encrypt);
        for (size_t n = 0; n < 300; n++)
            round_trip(&toy_ops, &t, ap, n);
        ap = ua_sec_apply_for(&toy_ops, UA_MESSAGESECURITYMODE_SIGN, false);
        assert_true(ap.sign && !ap.encrypt);
        for (size_t n = 0; n < 100; n++)
            round_trip(&toy_ops, &t, ap, n);
        /* Asymmetric messages are always signed and encrypted. */
        ap = ua_sec_apply_for(&toy_ops, UA_MESSAGESECURITYMODE_SIGN, true);
        assert_true(ap.sign && ap.encrypt);
    }
}

static void test_secure_max_body_fills_the_chunk(void **state)
{
    (void)state;
    toy t = {false};
    ua_sec_apply ap = {true, true};
    uint8_t body[2048] = {0};
    for (size_t chunk = 64; chunk < 1024; chunk += 13) {
        size_t max = ua_secure_max_body(&toy_ops, &t, ap, false, chunk, 16);
        bbuf b;
        bbuf_init(&b, 1 << 16);
        assert_int_equal(
            ua_secure_encode(&toy_ops, &t, ap, false, headers, 16, 1, 1, body, max, &b),
            UA_STATUS_GOOD);
        assert_true(b.len <= chunk);
        b.len = 0;
        assert_int_equal(
            ua_secure_encode(&toy_ops, &t, ap, false, headers, 16, 1, 1, body, max + 15, &b),
            UA_STATUS_GOOD);
        assert_true(b.len > chunk); /* the bound is tight within a block */
        bbuf_clear(&b);
    }
}

static void test_secure_tampering_is_detected(void **state)
{
    (void)state;
    toy t = {false};
    uint8_t body[40];
    memset(body, 0x11, sizeof(body));
    ua_sec_apply modes[2] = {{true, true}, {true, false}};
    for (int m = 0; m < 2; m++) {
        bbuf b;
        bbuf_init(&b, 4096);
        assert_int_equal(ua_secure_encode(&toy_ops, &t, modes[m], false, headers, 16, 3, 4, body,
                                          sizeof(body), &b),
                         UA_STATUS_GOOD);
        for (size_t i = 0; i < b.len; i++) {
            if (i >= 4 && i < 8)
                continue; /* the size field is checked by the framer */
            uint8_t copy[4096];
            memcpy(copy, b.data, b.len);
            copy[i] ^= 0x40;
            uint32_t seq, rid;
            const uint8_t *out;
            size_t out_len;
            assert_int_equal(ua_secure_decode(&toy_ops, &t, modes[m], false, copy, b.len, 16, &seq,
                                              &rid, &out, &out_len),
                             UA_STATUS_BADSECURITYCHECKSFAILED);
        }
        /* A truncated chunk is refused, not overread. */
        uint32_t seq, rid;
        const uint8_t *out;
        size_t out_len;
        assert_int_not_equal(ua_secure_decode(&toy_ops, &t, modes[m], false, b.data, 20, 16, &seq,
                                              &rid, &out, &out_len),
                             UA_STATUS_GOOD);
        bbuf_clear(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_secure_none_is_plain),
        cmocka_unit_test(test_secure_sign_and_encrypt_round_trips),
        cmocka_unit_test(test_secure_max_body_fills_the_chunk),
        cmocka_unit_test(test_secure_tampering_is_detected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
