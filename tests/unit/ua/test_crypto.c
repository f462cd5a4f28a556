/* Unit tests of the crypto module: user-token secret encryption in the
 * legacy format of Part 4 (1.05) 7.36.2.2 for every RSA policy of Part 7,
 * checked by decrypting with the private key; rejections; random bytes and
 * thumbprints. Keys and certificates are generated in memory. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "ua_crypto.h"
#include "ua_statuscodes.h"
#include "ua_types.h"

#define BYTESTRING UA_BUILTIN(UA_KIND_BYTESTRING)

/* A key pair and a self-signed certificate holding its public key. */
typedef struct keycert {
    EVP_PKEY *key;
    ua_ByteString der;
} keycert;

typedef struct fixture {
    keycert rsa2048;
    keycert rsa4096;
    keycert ec;
} fixture;

/* How each policy pads, as the test expects it independently. */
typedef struct expect {
    const char *policy;
    const char *algorithm;
    int padding;
    const EVP_MD *(*md)(void);
    size_t overhead;
} expect;

static const expect expects[] = {
    {UA_POLICY_BASIC128RSA15, "http://www.w3.org/2001/04/xmlenc#rsa-1_5", RSA_PKCS1_PADDING, NULL,
     11},
    {UA_POLICY_BASIC256, "http://www.w3.org/2001/04/xmlenc#rsa-oaep", RSA_PKCS1_OAEP_PADDING,
     EVP_sha1, 42},
    {UA_POLICY_BASIC256SHA256, "http://www.w3.org/2001/04/xmlenc#rsa-oaep", RSA_PKCS1_OAEP_PADDING,
     EVP_sha1, 42},
    {UA_POLICY_AES128_SHA256_RSAOAEP, "http://www.w3.org/2001/04/xmlenc#rsa-oaep",
     RSA_PKCS1_OAEP_PADDING, EVP_sha1, 42},
    {UA_POLICY_AES256_SHA256_RSAPSS, "http://opcfoundation.org/UA/security/rsa-oaep-sha2-256",
     RSA_PKCS1_OAEP_PADDING, EVP_sha256, 66},
};

static int make_cert(EVP_PKEY *key, ua_ByteString *der)
{
    int ok = 0;
    unsigned char *buf = NULL;
    X509 *x = X509_new();
    if (!x)
        return -1;
    X509_NAME *name = X509_get_subject_name(x);
    if (X509_set_version(x, 2) == 1 && ASN1_INTEGER_set(X509_get_serialNumber(x), 1) == 1 &&
        X509_gmtime_adj(X509_getm_notBefore(x), 0) &&
        X509_gmtime_adj(X509_getm_notAfter(x), 3600) && X509_set_pubkey(x, key) == 1 &&
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"osm-test", -1,
                                   -1, 0) == 1 &&
        X509_set_issuer_name(x, name) == 1 && X509_sign(x, key, EVP_sha256()) > 0) {
        int len = i2d_X509(x, &buf);
        if (len > 0 && ua_string_from_bytes(der, buf, (size_t)len) == UA_STATUS_GOOD)
            ok = 1;
    }
    OPENSSL_free(buf);
    X509_free(x);
    return ok ? 0 : -1;
}

static int make_keycert(keycert *kc, EVP_PKEY *key)
{
    kc->key = key;
    if (!key)
        return -1;
    return make_cert(key, &kc->der);
}

static void keycert_clear(keycert *kc)
{
    EVP_PKEY_free(kc->key);
    ua_clear(&kc->der, BYTESTRING);
}

static int group_setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    *state = f;
    if (make_keycert(&f->rsa2048, EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048)) != 0 ||
        make_keycert(&f->rsa4096, EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)4096)) != 0 ||
        make_keycert(&f->ec, EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) != 0)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    fixture *f = *state;
    if (f) {
        keycert_clear(&f->rsa2048);
        keycert_clear(&f->rsa4096);
        keycert_clear(&f->ec);
        free(f);
    }
    return 0;
}

static void fill_pattern(ua_ByteString *s, size_t n, uint8_t seed)
{
    if (n == 0) {
        s->data = UA_EMPTY_ARRAY;
        s->length = 0;
        return;
    }
    s->data = malloc(n);
    assert_non_null(s->data);
    s->length = n;
    for (size_t i = 0; i < n; i++)
        s->data[i] = (uint8_t)(seed + i * 7);
}

/* Decrypts every keysize block of ct with the private key and the given
 * padding. Returns the concatenated plaintext (malloc'd) or NULL when any
 * block fails to decrypt. */
static uint8_t *decrypt_all(EVP_PKEY *key, int padding, const EVP_MD *md, const ua_ByteString *ct,
                            size_t *plain_len)
{
    size_t keysize = (size_t)EVP_PKEY_get_size(key);
    assert_int_equal(ct->length % keysize, 0);
    uint8_t *plain = malloc(ct->length + 1);
    assert_non_null(plain);
    size_t total = 0;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    assert_non_null(ctx);
    assert_true(EVP_PKEY_decrypt_init(ctx) > 0);
    assert_true(EVP_PKEY_CTX_set_rsa_padding(ctx, padding) > 0);
    if (md) {
        assert_true(EVP_PKEY_CTX_set_rsa_oaep_md(ctx, md) > 0);
        assert_true(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) > 0);
    }
    for (size_t off = 0; off < ct->length; off += keysize) {
        size_t n = ct->length - total;
        if (EVP_PKEY_decrypt(ctx, plain + total, &n, ct->data + off, keysize) <= 0) {
            EVP_PKEY_CTX_free(ctx);
            free(plain);
            return NULL;
        }
        total += n;
    }
    EVP_PKEY_CTX_free(ctx);
    *plain_len = total;
    return plain;
}

/* Encrypts secret for the policy, decrypts it back and checks the layout
 * of Part 4 7.36.2.2 and the number of blocks. */
static void roundtrip(const keycert *kc, const expect *e, size_t secret_len, size_t nonce_len)
{
    ua_ByteString secret = {0}, nonce = {0}, out = {0};
    fill_pattern(&secret, secret_len, 0x11);
    fill_pattern(&nonce, nonce_len, 0x80);
    const char *alg = NULL;

    assert_int_equal(ua_crypto_encrypt_secret(e->policy, &kc->der, &secret, &nonce, &out, &alg),
                     UA_STATUS_GOOD);
    assert_non_null(alg);
    assert_string_equal(alg, e->algorithm);

    size_t keysize = (size_t)EVP_PKEY_get_size(kc->key);
    size_t body = secret_len + nonce_len;
    size_t per_block = keysize - e->overhead;
    size_t blocks = (4 + body + per_block - 1) / per_block;
    assert_int_equal(out.length, blocks * keysize);

    size_t plain_len = 0;
    uint8_t *plain = decrypt_all(kc->key, e->padding, e->md ? e->md() : NULL, &out, &plain_len);
    assert_non_null(plain);
    assert_int_equal(plain_len, 4 + body);
    uint32_t prefix = (uint32_t)plain[0] | (uint32_t)plain[1] << 8 | (uint32_t)plain[2] << 16 |
                      (uint32_t)plain[3] << 24;
    assert_int_equal(prefix, body);
    if (secret_len > 0)
        assert_memory_equal(plain + 4, secret.data, secret_len);
    assert_memory_equal(plain + 4 + secret_len, nonce.data, nonce_len);

    free(plain);
    ua_clear(&out, BYTESTRING);
    ua_clear(&nonce, BYTESTRING);
    ua_clear(&secret, BYTESTRING);
}

static void test_crypto_each_policy_roundtrips_2048(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < sizeof(expects) / sizeof(expects[0]); i++)
        roundtrip(&f->rsa2048, &expects[i], 8, 32);
}

static void test_crypto_each_policy_roundtrips_4096(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < sizeof(expects) / sizeof(expects[0]); i++)
        roundtrip(&f->rsa4096, &expects[i], 20, 32);
}

static void test_crypto_basic128rsa15_accepts_16_byte_nonce(void **state)
{
    fixture *f = *state;
    roundtrip(&f->rsa2048, &expects[0], 12, 16);
}

static void test_crypto_empty_secret(void **state)
{
    fixture *f = *state;
    roundtrip(&f->rsa2048, &expects[2], 0, 32);
}

static void test_crypto_long_secret_needs_several_blocks(void **state)
{
    fixture *f = *state;
    /* 2048-bit key: 245 (PKCS#1), 214 (OAEP SHA-1), 190 (OAEP SHA-256)
     * plaintext bytes per block. */
    for (size_t i = 0; i < sizeof(expects) / sizeof(expects[0]); i++)
        roundtrip(&f->rsa2048, &expects[i], 1000, 32);
    roundtrip(&f->rsa4096, &expects[4], 3000, 32);
}

static void test_crypto_exact_block_boundary(void **state)
{
    fixture *f = *state;
    /* 4 + 392 + 32 = 428 = 2 * 214: exactly two OAEP SHA-1 blocks, and
     * one more byte of secret needs a third. */
    roundtrip(&f->rsa2048, &expects[2], 392, 32);
    roundtrip(&f->rsa2048, &expects[2], 393, 32);
    /* 4 + 214 + 32 = 250 = 245 + 5 for PKCS#1 v1.5; 4 + 209 + 32 = 245. */
    roundtrip(&f->rsa2048, &expects[0], 209, 32);
    roundtrip(&f->rsa2048, &expects[0], 210, 32);
}

static void test_crypto_sha256_policy_is_not_sha1(void **state)
{
    fixture *f = *state;
    ua_ByteString secret = {0}, nonce = {0}, out = {0};
    fill_pattern(&secret, 10, 1);
    fill_pattern(&nonce, 32, 2);
    const char *alg = NULL;
    assert_int_equal(ua_crypto_encrypt_secret(UA_POLICY_AES256_SHA256_RSAPSS, &f->rsa2048.der,
                                              &secret, &nonce, &out, &alg),
                     UA_STATUS_GOOD);
    size_t n = 0;
    assert_null(decrypt_all(f->rsa2048.key, RSA_PKCS1_OAEP_PADDING, EVP_sha1(), &out, &n));
    ua_clear(&out, BYTESTRING);

    /* And the SHA-1 policies are not SHA-256. */
    assert_int_equal(ua_crypto_encrypt_secret(UA_POLICY_BASIC256SHA256, &f->rsa2048.der, &secret,
                                              &nonce, &out, &alg),
                     UA_STATUS_GOOD);
    assert_null(decrypt_all(f->rsa2048.key, RSA_PKCS1_OAEP_PADDING, EVP_sha256(), &out, &n));
    ua_clear(&out, BYTESTRING);
    ua_clear(&nonce, BYTESTRING);
    ua_clear(&secret, BYTESTRING);
}

static void test_crypto_encryption_is_randomised(void **state)
{
    fixture *f = *state;
    ua_ByteString secret = ua_string_borrow("password");
    ua_ByteString nonce = {0}, a = {0}, b = {0};
    fill_pattern(&nonce, 32, 3);
    const char *alg = NULL;
    for (size_t i = 0; i < sizeof(expects) / sizeof(expects[0]); i++) {
        assert_int_equal(
            ua_crypto_encrypt_secret(expects[i].policy, &f->rsa2048.der, &secret, &nonce, &a, &alg),
            UA_STATUS_GOOD);
        assert_int_equal(
            ua_crypto_encrypt_secret(expects[i].policy, &f->rsa2048.der, &secret, &nonce, &b, &alg),
            UA_STATUS_GOOD);
        assert_int_equal(a.length, b.length);
        assert_memory_not_equal(a.data, b.data, a.length);
        ua_clear(&a, BYTESTRING);
        ua_clear(&b, BYTESTRING);
    }
    ua_clear(&nonce, BYTESTRING);
}

static void test_crypto_uses_first_certificate_of_chain(void **state)
{
    fixture *f = *state;
    ua_ByteString chain = {0}, nonce = {0}, out = {0};
    size_t n1 = f->rsa2048.der.length, n2 = f->rsa4096.der.length;
    chain.data = malloc(n1 + n2);
    assert_non_null(chain.data);
    chain.length = n1 + n2;
    memcpy(chain.data, f->rsa2048.der.data, n1);
    memcpy(chain.data + n1, f->rsa4096.der.data, n2);
    fill_pattern(&nonce, 32, 4);
    ua_ByteString secret = ua_string_borrow("pw");
    const char *alg = NULL;

    assert_int_equal(
        ua_crypto_encrypt_secret(UA_POLICY_BASIC256SHA256, &chain, &secret, &nonce, &out, &alg),
        UA_STATUS_GOOD);
    assert_int_equal(out.length, 256);
    size_t len = 0;
    uint8_t *plain = decrypt_all(f->rsa2048.key, RSA_PKCS1_OAEP_PADDING, EVP_sha1(), &out, &len);
    assert_non_null(plain);
    assert_int_equal(len, 4 + 2 + 32);
    free(plain);

    uint8_t leaf[20], whole[20];
    assert_int_equal(ua_crypto_thumbprint(&chain, whole), UA_STATUS_GOOD);
    assert_int_equal(ua_crypto_thumbprint(&f->rsa2048.der, leaf), UA_STATUS_GOOD);
    assert_memory_equal(leaf, whole, 20);

    ua_clear(&out, BYTESTRING);
    ua_clear(&nonce, BYTESTRING);
    ua_clear(&chain, BYTESTRING);
}

/* Expects a rejection and that nothing is returned. */
static void expect_reject(const char *policy, const ua_ByteString *cert,
                          const ua_ByteString *secret, const ua_ByteString *nonce, ua_status want)
{
    ua_ByteString out = {7, (uint8_t *)"garbage"};
    const char *alg = "garbage";
    assert_int_equal(ua_crypto_encrypt_secret(policy, cert, secret, nonce, &out, &alg), want);
    assert_null(out.data);
    assert_int_equal(out.length, 0);
    assert_null(alg);
}

static void test_crypto_rejects_none_and_unknown_policy(void **state)
{
    fixture *f = *state;
    ua_ByteString secret = ua_string_borrow("pw");
    ua_ByteString nonce = {0};
    fill_pattern(&nonce, 32, 5);
    expect_reject(UA_POLICY_NONE, &f->rsa2048.der, &secret, &nonce,
                  UA_STATUS_BADSECURITYPOLICYREJECTED);
    expect_reject("http://opcfoundation.org/UA/SecurityPolicy#Basic512", &f->rsa2048.der, &secret,
                  &nonce, UA_STATUS_BADSECURITYPOLICYREJECTED);
    expect_reject("", &f->rsa2048.der, &secret, &nonce, UA_STATUS_BADSECURITYPOLICYREJECTED);
    expect_reject(NULL, &f->rsa2048.der, &secret, &nonce, UA_STATUS_BADSECURITYPOLICYREJECTED);
    ua_clear(&nonce, BYTESTRING);
}

static void test_crypto_rejects_bad_certificate(void **state)
{
    fixture *f = *state;
    ua_ByteString secret = ua_string_borrow("pw");
    ua_ByteString nonce = {0}, garbage = {0}, truncated = {0}, null_cert = {0};
    fill_pattern(&nonce, 32, 6);
    fill_pattern(&garbage, 300, 7);
    assert_int_equal(
        ua_string_from_bytes(&truncated, f->rsa2048.der.data, f->rsa2048.der.length - 10),
        UA_STATUS_GOOD);
    ua_ByteString empty = {0, UA_EMPTY_ARRAY};

    expect_reject(UA_POLICY_BASIC256SHA256, &garbage, &secret, &nonce,
                  UA_STATUS_BADCERTIFICATEINVALID);
    expect_reject(UA_POLICY_BASIC256SHA256, &truncated, &secret, &nonce,
                  UA_STATUS_BADCERTIFICATEINVALID);
    expect_reject(UA_POLICY_BASIC256SHA256, &null_cert, &secret, &nonce,
                  UA_STATUS_BADCERTIFICATEINVALID);
    expect_reject(UA_POLICY_BASIC256SHA256, &empty, &secret, &nonce,
                  UA_STATUS_BADCERTIFICATEINVALID);
    expect_reject(UA_POLICY_BASIC256SHA256, NULL, &secret, &nonce, UA_STATUS_BADCERTIFICATEINVALID);
    /* A valid certificate, but with an EC key. */
    expect_reject(UA_POLICY_BASIC256SHA256, &f->ec.der, &secret, &nonce,
                  UA_STATUS_BADCERTIFICATEINVALID);

    ua_clear(&truncated, BYTESTRING);
    ua_clear(&garbage, BYTESTRING);
    ua_clear(&nonce, BYTESTRING);
}

static void test_crypto_rejects_short_nonce(void **state)
{
    fixture *f = *state;
    ua_ByteString secret = ua_string_borrow("pw");
    ua_ByteString n15 = {0}, n16 = {0}, n31 = {0}, null_nonce = {0};
    fill_pattern(&n15, 15, 8);
    fill_pattern(&n16, 16, 8);
    fill_pattern(&n31, 31, 8);

    expect_reject(UA_POLICY_BASIC128RSA15, &f->rsa2048.der, &secret, &n15,
                  UA_STATUS_BADNONCEINVALID);
    for (size_t i = 1; i < sizeof(expects) / sizeof(expects[0]); i++) {
        expect_reject(expects[i].policy, &f->rsa2048.der, &secret, &n16, UA_STATUS_BADNONCEINVALID);
        expect_reject(expects[i].policy, &f->rsa2048.der, &secret, &n31, UA_STATUS_BADNONCEINVALID);
    }
    expect_reject(UA_POLICY_BASIC128RSA15, &f->rsa2048.der, &secret, &null_nonce,
                  UA_STATUS_BADNONCEINVALID);
    expect_reject(UA_POLICY_BASIC256SHA256, &f->rsa2048.der, &secret, NULL,
                  UA_STATUS_BADNONCEINVALID);

    ua_clear(&n31, BYTESTRING);
    ua_clear(&n16, BYTESTRING);
    ua_clear(&n15, BYTESTRING);
}

static void test_crypto_secret_size_limit(void **state)
{
    fixture *f = *state;
    ua_ByteString secret = {0}, nonce = {0}, out = {0};
    fill_pattern(&nonce, 32, 9);
    const char *alg = NULL;

    fill_pattern(&secret, UA_CRYPTO_MAX_SECRET, 10);
    assert_int_equal(ua_crypto_encrypt_secret(UA_POLICY_BASIC256SHA256, &f->rsa2048.der, &secret,
                                              &nonce, &out, &alg),
                     UA_STATUS_GOOD);
    assert_int_equal(out.length, ((4 + UA_CRYPTO_MAX_SECRET + 32 + 213) / 214) * 256);
    ua_clear(&out, BYTESTRING);
    ua_clear(&secret, BYTESTRING);

    fill_pattern(&secret, UA_CRYPTO_MAX_SECRET + 1, 10);
    expect_reject(UA_POLICY_BASIC256SHA256, &f->rsa2048.der, &secret, &nonce,
                  UA_STATUS_BADENCODINGLIMITSEXCEEDED);
    ua_clear(&secret, BYTESTRING);
    ua_clear(&nonce, BYTESTRING);
}

static void test_crypto_random_fills(void **state)
{
    (void)state;
    uint8_t a[64], b[64], zero[64];
    memset(a, 0, sizeof(a));
    memset(b, 0, sizeof(b));
    memset(zero, 0, sizeof(zero));
    assert_int_equal(ua_crypto_random(a, sizeof(a)), UA_STATUS_GOOD);
    assert_int_equal(ua_crypto_random(b, sizeof(b)), UA_STATUS_GOOD);
    assert_memory_not_equal(a, zero, sizeof(a));
    assert_memory_not_equal(a, b, sizeof(a));
    assert_int_equal(ua_crypto_random(a, 0), UA_STATUS_GOOD);
}

static void test_crypto_thumbprint_is_sha1_of_der(void **state)
{
    fixture *f = *state;
    const keycert *certs[] = {&f->rsa2048, &f->rsa4096, &f->ec};
    for (size_t i = 0; i < 3; i++) {
        uint8_t got[20];
        unsigned char want[EVP_MAX_MD_SIZE];
        unsigned int want_len = 0;
        assert_int_equal(
            EVP_Digest(certs[i]->der.data, certs[i]->der.length, want, &want_len, EVP_sha1(), NULL),
            1);
        assert_int_equal(want_len, 20);
        assert_int_equal(ua_crypto_thumbprint(&certs[i]->der, got), UA_STATUS_GOOD);
        assert_memory_equal(got, want, 20);

        /* Same as OpenSSL's own certificate digest. */
        const unsigned char *p = certs[i]->der.data;
        X509 *x = d2i_X509(NULL, &p, (long)certs[i]->der.length);
        assert_non_null(x);
        assert_int_equal(X509_digest(x, EVP_sha1(), want, &want_len), 1);
        assert_memory_equal(got, want, 20);
        X509_free(x);
    }
}

static void test_crypto_thumbprint_rejects_garbage(void **state)
{
    (void)state;
    uint8_t out[20];
    ua_ByteString garbage = ua_string_borrow("not a certificate at all");
    ua_ByteString null_cert = {0};
    assert_int_equal(ua_crypto_thumbprint(&garbage, out), UA_STATUS_BADCERTIFICATEINVALID);
    assert_int_equal(ua_crypto_thumbprint(&null_cert, out), UA_STATUS_BADCERTIFICATEINVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crypto_each_policy_roundtrips_2048),
        cmocka_unit_test(test_crypto_each_policy_roundtrips_4096),
        cmocka_unit_test(test_crypto_basic128rsa15_accepts_16_byte_nonce),
        cmocka_unit_test(test_crypto_empty_secret),
        cmocka_unit_test(test_crypto_long_secret_needs_several_blocks),
        cmocka_unit_test(test_crypto_exact_block_boundary),
        cmocka_unit_test(test_crypto_sha256_policy_is_not_sha1),
        cmocka_unit_test(test_crypto_encryption_is_randomised),
        cmocka_unit_test(test_crypto_uses_first_certificate_of_chain),
        cmocka_unit_test(test_crypto_rejects_none_and_unknown_policy),
        cmocka_unit_test(test_crypto_rejects_bad_certificate),
        cmocka_unit_test(test_crypto_rejects_short_nonce),
        cmocka_unit_test(test_crypto_secret_size_limit),
        cmocka_unit_test(test_crypto_random_fills),
        cmocka_unit_test(test_crypto_thumbprint_is_sha1_of_der),
        cmocka_unit_test(test_crypto_thumbprint_rejects_garbage),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
