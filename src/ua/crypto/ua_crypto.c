/* OpenSSL 3 (EVP) crypto of the client stack: user-token secret encryption
 * in the legacy format of Part 4 (1.05) 7.36.2.2 with the asymmetric
 * padding of each Part 7 security policy, random bytes and thumbprints.
 * Does not validate certificates (trust, dates, key length ranges): the
 * caller checks the server certificate before it trusts the key in it. */
#include "ua_crypto.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "ua_statuscodes.h"

/* What a policy means for user-token secrets (Part 7 (1.05) 6.6: the
 * AsymmetricEncryptionAlgorithm of each policy; Part 4 7.36.2.2: the
 * server nonce is at least 32 bytes, Basic128Rsa15 used 16). */
typedef struct policy {
    const char *uri;
    int padding;                    /* RSA_PKCS1_PADDING or RSA_PKCS1_OAEP_PADDING */
    const EVP_MD *(*oaep_md)(void); /* OAEP and MGF1 digest; NULL for PKCS#1 v1.5 */
    size_t min_nonce;
    const char *algorithm; /* EncryptionAlgorithm URI of the token */
} policy;

static const policy policies[] = {
    {UA_POLICY_BASIC128RSA15, RSA_PKCS1_PADDING, NULL, 16, UA_ALGORITHM_RSA_15},
    {UA_POLICY_BASIC256, RSA_PKCS1_OAEP_PADDING, EVP_sha1, 32, UA_ALGORITHM_RSA_OAEP},
    {UA_POLICY_BASIC256SHA256, RSA_PKCS1_OAEP_PADDING, EVP_sha1, 32, UA_ALGORITHM_RSA_OAEP},
    {UA_POLICY_AES128_SHA256_RSAOAEP, RSA_PKCS1_OAEP_PADDING, EVP_sha1, 32, UA_ALGORITHM_RSA_OAEP},
    {UA_POLICY_AES256_SHA256_RSAPSS, RSA_PKCS1_OAEP_PADDING, EVP_sha256, 32,
     UA_ALGORITHM_RSA_OAEP_SHA256},
};

static const policy *find_policy(const char *uri)
{
    if (!uri)
        return NULL;
    for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++)
        if (strcmp(uri, policies[i].uri) == 0)
            return &policies[i];
    return NULL;
}

/* Bytes of padding per block: RFC 8017 7.2.1 (PKCS#1 v1.5: 11) and
 * 7.1.1 (OAEP: 2 * hash length + 2). */
static size_t padding_overhead(const policy *p)
{
    if (p->padding == RSA_PKCS1_PADDING)
        return 11;
    return 2 * (size_t)EVP_MD_get_size(p->oaep_md()) + 2;
}

/* Parses the first DER certificate of der (a certificate or a chain of
 * them) and sets *used (may be NULL) to its length. Returns owned;
 * X509_free. */
static X509 *parse_first_cert(const ua_ByteString *der, size_t *used)
{
    if (!der || !der->data || der->length == 0 || der->length > LONG_MAX)
        return NULL;
    const unsigned char *p = der->data;
    X509 *cert = d2i_X509(NULL, &p, (long)der->length);
    if (!cert) {
        ERR_clear_error();
        return NULL;
    }
    if (used)
        *used = (size_t)(p - der->data);
    return cert;
}

/* plaintext = UInt32 LE length of (secret + nonce) | secret | nonce
 * (Part 4 7.36.2.2, legacy encrypted secret format). Returns owned
 * buffer of *len bytes; the caller cleanses it before freeing. */
static uint8_t *build_plaintext(const ua_ByteString *secret, const ua_ByteString *nonce,
                                size_t *len)
{
    size_t secret_len = (secret && secret->data) ? secret->length : 0;
    size_t body = secret_len + nonce->length;
    uint8_t *buf = malloc(4 + body);
    if (!buf)
        return NULL;
    buf[0] = (uint8_t)(body & 0xff);
    buf[1] = (uint8_t)((body >> 8) & 0xff);
    buf[2] = (uint8_t)((body >> 16) & 0xff);
    buf[3] = (uint8_t)((body >> 24) & 0xff);
    if (secret_len > 0)
        memcpy(buf + 4, secret->data, secret_len);
    memcpy(buf + 4 + secret_len, nonce->data, nonce->length);
    *len = 4 + body;
    return buf;
}

/* An encryption context for the policy's padding on the public key. */
static EVP_PKEY_CTX *new_encrypt_ctx(EVP_PKEY *key, const policy *p)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    if (!ctx)
        return NULL;
    if (EVP_PKEY_encrypt_init(ctx) <= 0 || EVP_PKEY_CTX_set_rsa_padding(ctx, p->padding) <= 0)
        goto fail;
    if (p->oaep_md && (EVP_PKEY_CTX_set_rsa_oaep_md(ctx, p->oaep_md()) <= 0 ||
                       EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, p->oaep_md()) <= 0))
        goto fail;
    return ctx;
fail:
    EVP_PKEY_CTX_free(ctx);
    return NULL;
}

/* Encrypts plain block by block into out (blocks * keysize bytes). */
static ua_status encrypt_blocks(EVP_PKEY_CTX *ctx, const uint8_t *plain, size_t plain_len,
                                size_t block_plain, size_t keysize, ua_ByteString *out)
{
    size_t blocks = (plain_len + block_plain - 1) / block_plain;
    if (blocks > (SIZE_MAX - 1) / keysize)
        return UA_STATUS_BADENCODINGLIMITSEXCEEDED;
    uint8_t *buf = malloc(blocks * keysize + 1);
    if (!buf)
        return UA_STATUS_BADOUTOFMEMORY;
    for (size_t i = 0; i < blocks; i++) {
        size_t off = i * block_plain;
        size_t n = plain_len - off < block_plain ? plain_len - off : block_plain;
        size_t outlen = keysize;
        if (EVP_PKEY_encrypt(ctx, buf + i * keysize, &outlen, plain + off, n) <= 0 ||
            outlen != keysize) {
            ERR_clear_error();
            free(buf);
            return UA_STATUS_BADINTERNALERROR;
        }
    }
    buf[blocks * keysize] = 0; /* like every string the library makes */
    out->data = buf;
    out->length = blocks * keysize;
    return UA_STATUS_GOOD;
}

ua_status ua_crypto_encrypt_secret(const char *policy_uri, const ua_ByteString *server_cert_der,
                                   const ua_ByteString *secret, const ua_ByteString *server_nonce,
                                   ua_ByteString *out, const char **algorithm_uri)
{
    out->data = NULL;
    out->length = 0;
    *algorithm_uri = NULL;

    const policy *p = find_policy(policy_uri);
    if (!p)
        return UA_STATUS_BADSECURITYPOLICYREJECTED;
    if (secret && secret->data && secret->length > UA_CRYPTO_MAX_SECRET)
        return UA_STATUS_BADENCODINGLIMITSEXCEEDED;
    /* The nonce comes from the server: check it before trusting its size. */
    if (!server_nonce || !server_nonce->data || server_nonce->length < p->min_nonce ||
        server_nonce->length > UA_CRYPTO_MAX_NONCE)
        return UA_STATUS_BADNONCEINVALID;

    X509 *cert = parse_first_cert(server_cert_der, NULL);
    if (!cert)
        return UA_STATUS_BADCERTIFICATEINVALID;
    ua_status rc = UA_STATUS_BADCERTIFICATEINVALID;
    EVP_PKEY_CTX *ctx = NULL;
    uint8_t *plain = NULL;
    size_t plain_len = 0;

    EVP_PKEY *key = X509_get0_pubkey(cert); /* borrowed from cert */
    if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        ERR_clear_error();
        goto out;
    }
    int size = EVP_PKEY_get_size(key);
    size_t overhead = padding_overhead(p);
    if (size <= 0 || (size_t)size <= overhead)
        goto out;

    rc = UA_STATUS_BADINTERNALERROR;
    ctx = new_encrypt_ctx(key, p);
    if (!ctx) {
        ERR_clear_error();
        goto out;
    }
    rc = UA_STATUS_BADOUTOFMEMORY;
    plain = build_plaintext(secret, server_nonce, &plain_len);
    if (!plain)
        goto out;
    rc = encrypt_blocks(ctx, plain, plain_len, (size_t)size - overhead, (size_t)size, out);
    if (rc == UA_STATUS_GOOD)
        *algorithm_uri = p->algorithm;
out:
    if (plain) {
        OPENSSL_cleanse(plain, plain_len);
        free(plain);
    }
    EVP_PKEY_CTX_free(ctx);
    X509_free(cert);
    return rc;
}

ua_status ua_crypto_random(uint8_t *buf, size_t n)
{
    /* RAND_bytes takes an int count: feed it in slices. */
    while (n > 0) {
        int chunk = n > INT_MAX ? INT_MAX : (int)n;
        if (RAND_bytes(buf, chunk) != 1) {
            ERR_clear_error();
            return UA_STATUS_BADINTERNALERROR;
        }
        buf += chunk;
        n -= (size_t)chunk;
    }
    return UA_STATUS_GOOD;
}

ua_status ua_crypto_thumbprint(const ua_ByteString *cert_der, uint8_t out[20])
{
    /* Parse to learn where the first certificate ends: a chain's
     * thumbprint is the leaf's, over its exact DER bytes. */
    size_t leaf_len = 0;
    X509 *cert = parse_first_cert(cert_der, &leaf_len);
    if (!cert)
        return UA_STATUS_BADCERTIFICATEINVALID;
    X509_free(cert);

    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (EVP_Digest(cert_der->data, leaf_len, md, &md_len, EVP_sha1(), NULL) != 1 || md_len != 20) {
        ERR_clear_error();
        return UA_STATUS_BADINTERNALERROR;
    }
    memcpy(out, md, 20);
    return UA_STATUS_GOOD;
}
