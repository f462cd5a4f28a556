/* The RSA security policies of Part 7 (1.05) 6.6 behind ua_sec_ops: RSA
 * signatures and encryption for OPN chunks, HMAC and AES-CBC with the keys
 * of Part 6 (1.05) 6.7.5 for MSG/CLO chunks, all on OpenSSL 3 EVP.
 * Lays out nothing: ua_secure.c decides what gets signed and encrypted.
 * Does not validate certificates; it only takes their public keys. */
#include "ua_policy.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "ua_statuscodes.h"

#define AES_BLOCK   16
#define MAX_SYM_KEY 32

typedef struct sym_keys {
    uint32_t token_id;
    bool valid;
    uint8_t sig[MAX_SYM_KEY];
    uint8_t enc[MAX_SYM_KEY];
    uint8_t iv[AES_BLOCK];
} sym_keys;

struct ua_policy_ctx {
    const ua_policy *p;
    EVP_PKEY *local_key;  /* ours, private */
    EVP_PKEY *remote_key; /* the peer's, public */
    size_t local_bytes;
    size_t remote_bytes;
    sym_keys send;
    sym_keys recv[2]; /* [0] the newest token, [1] the one before */
    int recv_sel;
};

static void pol_sizes(void *ctx, bool asym, ua_sec_sizes *out);
static ua_status pol_sign(void *ctx, bool asym, const uint8_t *data, size_t len, uint8_t *sig);
static ua_status pol_verify(void *ctx, bool asym, const uint8_t *data, size_t len,
                            const uint8_t *sig, size_t sig_len);
static ua_status pol_encrypt(void *ctx, bool asym, uint8_t *data, size_t len, size_t *out_len);
static ua_status pol_decrypt(void *ctx, bool asym, uint8_t *data, size_t len, size_t *out_len);
static ua_status pol_derive(void *ctx, uint32_t token_id, const ua_ByteString *local_nonce,
                            const ua_ByteString *remote_nonce);
static ua_status pol_use_token(void *ctx, uint32_t token_id);

#define OPS(uri, nonce)                                                                            \
    {                                                                                              \
        uri, nonce, pol_sizes, pol_sign, pol_verify, pol_encrypt, pol_decrypt, pol_derive,         \
            pol_use_token                                                                          \
    }

/* Part 7 (1.05) 6.6.x: one row per policy profile. */
static const ua_policy policies[] = {
    {OPS("http://opcfoundation.org/UA/SecurityPolicy#Basic128Rsa15", 16),
     UA_ASYM_SIG_RSA_PKCS1_SHA1, UA_SIG_RSA_SHA1, UA_ASYM_ENC_RSA_PKCS1, UA_HASH_SHA1, 16, 16,
     UA_HASH_SHA1, 1024, 2048, true},
    {OPS("http://opcfoundation.org/UA/SecurityPolicy#Basic256", 32), UA_ASYM_SIG_RSA_PKCS1_SHA1,
     UA_SIG_RSA_SHA1, UA_ASYM_ENC_RSA_OAEP_SHA1, UA_HASH_SHA1, 24, 32, UA_HASH_SHA1, 1024, 2048,
     true},
    {OPS("http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256", 32),
     UA_ASYM_SIG_RSA_PKCS1_SHA256, UA_SIG_RSA_SHA256, UA_ASYM_ENC_RSA_OAEP_SHA1, UA_HASH_SHA256, 32,
     32, UA_HASH_SHA256, 2048, 4096, false},
    {OPS("http://opcfoundation.org/UA/SecurityPolicy#Aes128_Sha256_RsaOaep", 32),
     UA_ASYM_SIG_RSA_PKCS1_SHA256, UA_SIG_RSA_SHA256, UA_ASYM_ENC_RSA_OAEP_SHA1, UA_HASH_SHA256, 32,
     16, UA_HASH_SHA256, 2048, 4096, false},
    {OPS("http://opcfoundation.org/UA/SecurityPolicy#Aes256_Sha256_RsaPss", 32),
     UA_ASYM_SIG_RSA_PSS_SHA256, UA_SIG_RSA_PSS_SHA2, UA_ASYM_ENC_RSA_OAEP_SHA256, UA_HASH_SHA256,
     32, 32, UA_HASH_SHA256, 2048, 4096, false},
};
#define POLICY_COUNT (sizeof(policies) / sizeof(policies[0]))

const ua_policy *ua_policy_find(const char *uri)
{
    for (size_t i = 0; uri && i < POLICY_COUNT; i++)
        if (strcmp(uri, policies[i].ops.uri) == 0)
            return &policies[i];
    return NULL;
}

const ua_policy *ua_policy_of_ops(const ua_sec_ops *ops)
{
    for (size_t i = 0; i < POLICY_COUNT; i++)
        if (ops == &policies[i].ops)
            return &policies[i];
    return NULL;
}

/* ---- small helpers -------------------------------------------------------- */

static const char *hash_name(ua_hash h)
{
    return h == UA_HASH_SHA1 ? "SHA1" : "SHA256";
}

static size_t hash_size(ua_hash h)
{
    return h == UA_HASH_SHA1 ? 20 : 32;
}

static const EVP_MD *asym_md(const ua_policy *p)
{
    return p->asym_sig == UA_ASYM_SIG_RSA_PKCS1_SHA1 ? EVP_sha1() : EVP_sha256();
}

/* RFC 8017 7.1.1 (OAEP: 2 hLen + 2) and 7.2.1 (PKCS#1 v1.5: 11). */
static size_t enc_overhead(const ua_policy *p)
{
    switch (p->asym_enc) {
    case UA_ASYM_ENC_RSA_PKCS1:
        return 11;
    case UA_ASYM_ENC_RSA_OAEP_SHA1:
        return 42;
    case UA_ASYM_ENC_RSA_OAEP_SHA256:
        return 66;
    }
    return 66;
}

static const EVP_CIPHER *sym_cipher(const ua_policy *p)
{
    return p->sym_enc_key == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc();
}

/* The public key of the first DER certificate in der. Returns owned. */
static EVP_PKEY *cert_public_key(const ua_ByteString *der)
{
    if (!der || !der->data || der->length == 0 || der->length > LONG_MAX)
        return NULL;
    const unsigned char *q = der->data;
    X509 *cert = d2i_X509(NULL, &q, (long)der->length);
    EVP_PKEY *key = cert ? X509_get_pubkey(cert) : NULL;
    X509_free(cert);
    if (key && EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        EVP_PKEY_free(key);
        key = NULL;
    }
    ERR_clear_error();
    return key;
}

static bool key_in_range(const ua_policy *p, EVP_PKEY *key)
{
    int bits = EVP_PKEY_get_bits(key);
    return bits >= (int)p->min_key_bits && bits <= (int)p->max_key_bits;
}

/* ---- ctx ------------------------------------------------------------------ */

ua_policy_ctx *ua_policy_ctx_new(const ua_policy *p, EVP_PKEY *local_key,
                                 const ua_ByteString *remote_cert, ua_status *status)
{
    *status = UA_STATUS_BADCERTIFICATEINVALID;
    if (!p || !local_key || EVP_PKEY_get_base_id(local_key) != EVP_PKEY_RSA)
        return NULL;
    EVP_PKEY *remote = cert_public_key(remote_cert);
    if (!remote)
        return NULL;
    if (!key_in_range(p, local_key) || !key_in_range(p, remote)) {
        EVP_PKEY_free(remote);
        *status = UA_STATUS_BADCERTIFICATEPOLICYCHECKFAILED;
        return NULL;
    }
    ua_policy_ctx *ctx = calloc(1, sizeof(*ctx));
    if (!ctx || EVP_PKEY_up_ref(local_key) != 1) {
        free(ctx);
        EVP_PKEY_free(remote);
        *status = UA_STATUS_BADOUTOFMEMORY;
        return NULL;
    }
    ctx->p = p;
    ctx->local_key = local_key;
    ctx->remote_key = remote;
    ctx->local_bytes = (size_t)EVP_PKEY_get_size(local_key);
    ctx->remote_bytes = (size_t)EVP_PKEY_get_size(remote);
    *status = UA_STATUS_GOOD;
    return ctx;
}

void ua_policy_ctx_delete(ua_policy_ctx *ctx)
{
    if (!ctx)
        return;
    EVP_PKEY_free(ctx->local_key);
    EVP_PKEY_free(ctx->remote_key);
    OPENSSL_cleanse(ctx, sizeof(*ctx));
    free(ctx);
}

/* ---- key derivation (Part 6 6.7.5) --------------------------------------- */

static bool hmac(ua_hash h, const uint8_t *key, size_t key_len, const uint8_t *data, size_t len,
                 uint8_t *out)
{
    size_t out_len = 0;
    bool ok = EVP_Q_mac(NULL, "HMAC", NULL, hash_name(h), NULL, key, key_len, data, len, out,
                        EVP_MAX_MD_SIZE, &out_len) != NULL &&
              out_len == hash_size(h);
    if (!ok)
        ERR_clear_error();
    return ok;
}

ua_status ua_policy_p_hash(ua_hash hash, const uint8_t *secret, size_t secret_len,
                           const uint8_t *seed, size_t seed_len, uint8_t *out, size_t out_len)
{
    /* A(0) = seed, A(i) = HMAC(secret, A(i-1)); output blocks are
     * HMAC(secret, A(i) | seed). */
    size_t hl = hash_size(hash);
    uint8_t *buf = malloc(hl + seed_len + 1);
    if (!buf)
        return UA_STATUS_BADOUTOFMEMORY;
    uint8_t a[EVP_MAX_MD_SIZE];
    uint8_t block[EVP_MAX_MD_SIZE];
    bool ok = hmac(hash, secret, secret_len, seed, seed_len, a);
    for (size_t done = 0; ok && done < out_len; done += hl) {
        memcpy(buf, a, hl);
        if (seed_len)
            memcpy(buf + hl, seed, seed_len);
        ok = hmac(hash, secret, secret_len, buf, hl + seed_len, block);
        if (ok) {
            size_t n = out_len - done < hl ? out_len - done : hl;
            memcpy(out + done, block, n);
            ok = hmac(hash, secret, secret_len, a, hl, a);
        }
    }
    OPENSSL_cleanse(block, sizeof(block));
    OPENSSL_cleanse(a, sizeof(a));
    OPENSSL_cleanse(buf, hl + seed_len);
    free(buf);
    return ok ? UA_STATUS_GOOD : UA_STATUS_BADINTERNALERROR;
}

static ua_status derive_keys(const ua_policy *p, const ua_ByteString *secret,
                             const ua_ByteString *seed, sym_keys *k)
{
    uint8_t m[MAX_SYM_KEY * 2 + AES_BLOCK];
    size_t n = p->sym_sig_key + p->sym_enc_key + AES_BLOCK;
    ua_status st =
        ua_policy_p_hash(p->kdf, secret->data, secret->length, seed->data, seed->length, m, n);
    if (st == UA_STATUS_GOOD) {
        memcpy(k->sig, m, p->sym_sig_key);
        memcpy(k->enc, m + p->sym_sig_key, p->sym_enc_key);
        memcpy(k->iv, m + p->sym_sig_key + p->sym_enc_key, AES_BLOCK);
    }
    OPENSSL_cleanse(m, sizeof(m));
    return st;
}

static ua_status pol_derive(void *vctx, uint32_t token_id, const ua_ByteString *local_nonce,
                            const ua_ByteString *remote_nonce)
{
    ua_policy_ctx *ctx = vctx;
    uint32_t want = ctx->p->ops.nonce_length;
    if (!local_nonce || !remote_nonce || local_nonce->length != want ||
        remote_nonce->length != want || !local_nonce->data || !remote_nonce->data)
        return UA_STATUS_BADNONCEINVALID;
    /* Sending keys = P(remote nonce, local nonce): for a client, the
     * client keys P(serverNonce, clientNonce); receiving the other way. */
    sym_keys send = {0}, recv = {0};
    ua_status st = derive_keys(ctx->p, remote_nonce, local_nonce, &send);
    if (st == UA_STATUS_GOOD)
        st = derive_keys(ctx->p, local_nonce, remote_nonce, &recv);
    if (st == UA_STATUS_GOOD) {
        send.token_id = recv.token_id = token_id;
        send.valid = recv.valid = true;
        ctx->send = send;
        ctx->recv[1] = ctx->recv[0];
        ctx->recv[0] = recv;
        ctx->recv_sel = 0;
    }
    OPENSSL_cleanse(&send, sizeof(send));
    OPENSSL_cleanse(&recv, sizeof(recv));
    return st;
}

static ua_status pol_use_token(void *vctx, uint32_t token_id)
{
    ua_policy_ctx *ctx = vctx;
    for (int i = 0; i < 2; i++) {
        if (ctx->recv[i].valid && ctx->recv[i].token_id == token_id) {
            ctx->recv_sel = i;
            return UA_STATUS_GOOD;
        }
    }
    return UA_STATUS_BADSECURECHANNELTOKENUNKNOWN;
}

/* ---- sizes ----------------------------------------------------------------- */

static void pol_sizes(void *vctx, bool asym, ua_sec_sizes *out)
{
    ua_policy_ctx *ctx = vctx;
    memset(out, 0, sizeof(*out));
    if (asym) {
        /* We sign with our key and encrypt with the peer's; the peer the
         * other way round. Part 6 6.7.2.5: a second padding byte when the
         * encrypting key is over 2048 bits. */
        size_t oh = enc_overhead(ctx->p);
        out->signature = ctx->local_bytes;
        out->remote_signature = ctx->remote_bytes;
        out->plain_block = ctx->remote_bytes > oh ? ctx->remote_bytes - oh : 0;
        out->cipher_block = ctx->remote_bytes;
        out->remote_plain_block = ctx->local_bytes > oh ? ctx->local_bytes - oh : 0;
        out->remote_cipher_block = ctx->local_bytes;
        out->extra_padding = ctx->remote_bytes > 256;
        out->remote_extra_padding = ctx->local_bytes > 256;
        return;
    }
    out->signature = out->remote_signature = hash_size(ctx->p->sym_sig);
    out->plain_block = out->cipher_block = AES_BLOCK;
    out->remote_plain_block = out->remote_cipher_block = AES_BLOCK;
}

/* ---- asymmetric signatures ------------------------------------------------- */

/* Signs (sig != NULL, *sig_len in: room, out: length) or verifies
 * (vsig != NULL) the concatenation d1 | d2 with key. */
static bool rsa_digest(const ua_policy *p, EVP_PKEY *key, const uint8_t *d1, size_t n1,
                       const uint8_t *d2, size_t n2, uint8_t *sig, size_t *sig_len,
                       const uint8_t *vsig, size_t vsig_len)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    bool ok = md != NULL;
    if (ok)
        ok = (sig ? EVP_DigestSignInit(md, &pctx, asym_md(p), NULL, key)
                  : EVP_DigestVerifyInit(md, &pctx, asym_md(p), NULL, key)) == 1;
    if (ok && p->asym_sig == UA_ASYM_SIG_RSA_PSS_SHA256)
        /* Part 7 RSA-PSS-SHA2-256: MGF1 with SHA-256, salt of hash length. */
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0;
    if (ok && n1)
        ok = (sig ? EVP_DigestSignUpdate(md, d1, n1) : EVP_DigestVerifyUpdate(md, d1, n1)) == 1;
    if (ok && n2)
        ok = (sig ? EVP_DigestSignUpdate(md, d2, n2) : EVP_DigestVerifyUpdate(md, d2, n2)) == 1;
    if (ok)
        ok = (sig ? EVP_DigestSignFinal(md, sig, sig_len)
                  : EVP_DigestVerifyFinal(md, vsig, vsig_len)) == 1;
    EVP_MD_CTX_free(md);
    ERR_clear_error();
    return ok;
}

static ua_status pol_sign(void *vctx, bool asym, const uint8_t *data, size_t len, uint8_t *sig)
{
    ua_policy_ctx *ctx = vctx;
    if (asym) {
        size_t n = ctx->local_bytes;
        bool ok = rsa_digest(ctx->p, ctx->local_key, data, len, NULL, 0, sig, &n, NULL, 0);
        return ok && n == ctx->local_bytes ? UA_STATUS_GOOD : UA_STATUS_BADINTERNALERROR;
    }
    if (!ctx->send.valid)
        return UA_STATUS_BADINTERNALERROR;
    return hmac(ctx->p->sym_sig, ctx->send.sig, ctx->p->sym_sig_key, data, len, sig)
               ? UA_STATUS_GOOD
               : UA_STATUS_BADINTERNALERROR;
}

static ua_status pol_verify(void *vctx, bool asym, const uint8_t *data, size_t len,
                            const uint8_t *sig, size_t sig_len)
{
    ua_policy_ctx *ctx = vctx;
    if (asym)
        return rsa_digest(ctx->p, ctx->remote_key, data, len, NULL, 0, NULL, NULL, sig, sig_len)
                   ? UA_STATUS_GOOD
                   : UA_STATUS_BADSECURITYCHECKSFAILED;
    const sym_keys *k = &ctx->recv[ctx->recv_sel];
    uint8_t mac[EVP_MAX_MD_SIZE];
    size_t hl = hash_size(ctx->p->sym_sig);
    if (!k->valid || sig_len != hl ||
        !hmac(ctx->p->sym_sig, k->sig, ctx->p->sym_sig_key, data, len, mac))
        return UA_STATUS_BADSECURITYCHECKSFAILED;
    return CRYPTO_memcmp(mac, sig, hl) == 0 ? UA_STATUS_GOOD : UA_STATUS_BADSECURITYCHECKSFAILED;
}

/* ---- encryption ------------------------------------------------------------- */

static EVP_PKEY_CTX *rsa_enc_ctx(const ua_policy *p, EVP_PKEY *key, bool encrypt)
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    if (!c)
        return NULL;
    bool ok = (encrypt ? EVP_PKEY_encrypt_init(c) : EVP_PKEY_decrypt_init(c)) > 0;
    if (ok && p->asym_enc == UA_ASYM_ENC_RSA_PKCS1) {
        ok = EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) > 0;
    } else if (ok) {
        const EVP_MD *md = p->asym_enc == UA_ASYM_ENC_RSA_OAEP_SHA1 ? EVP_sha1() : EVP_sha256();
        ok = EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_OAEP_PADDING) > 0 &&
             EVP_PKEY_CTX_set_rsa_oaep_md(c, md) > 0 && EVP_PKEY_CTX_set_rsa_mgf1_md(c, md) > 0;
    }
    if (!ok) {
        EVP_PKEY_CTX_free(c);
        return NULL;
    }
    return c;
}

/* AES-CBC without padding, in place; every chunk starts from the token's
 * IV (Part 6 6.7.5). */
static ua_status aes_cbc(const ua_policy *p, const sym_keys *k, bool encrypt, uint8_t *data,
                         size_t len)
{
    if (!k->valid || len % AES_BLOCK != 0 || len > INT_MAX)
        return UA_STATUS_BADSECURITYCHECKSFAILED;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0, fin = 0;
    bool ok = c && EVP_CipherInit_ex2(c, sym_cipher(p), k->enc, k->iv, encrypt ? 1 : 0, NULL) == 1;
    if (ok)
        ok = EVP_CIPHER_CTX_set_padding(c, 0) == 1 &&
             EVP_CipherUpdate(c, data, &n, data, (int)len) == 1 &&
             EVP_CipherFinal_ex(c, data + n, &fin) == 1 && (size_t)(n + fin) == len;
    EVP_CIPHER_CTX_free(c);
    ERR_clear_error();
    return ok ? UA_STATUS_GOOD : UA_STATUS_BADSECURITYCHECKSFAILED;
}

static ua_status pol_encrypt(void *vctx, bool asym, uint8_t *data, size_t len, size_t *out_len)
{
    ua_policy_ctx *ctx = vctx;
    if (!asym) {
        *out_len = len;
        return aes_cbc(ctx->p, &ctx->send, true, data, len) == UA_STATUS_GOOD
                   ? UA_STATUS_GOOD
                   : UA_STATUS_BADINTERNALERROR;
    }
    size_t kb = ctx->remote_bytes;
    size_t pb = kb - enc_overhead(ctx->p);
    if (len % pb != 0)
        return UA_STATUS_BADINTERNALERROR;
    size_t blocks = len / pb;
    uint8_t *tmp = malloc(blocks * kb);
    EVP_PKEY_CTX *c = rsa_enc_ctx(ctx->p, ctx->remote_key, true);
    bool ok = tmp && c;
    for (size_t i = 0; ok && i < blocks; i++) {
        size_t n = kb;
        ok = EVP_PKEY_encrypt(c, tmp + i * kb, &n, data + i * pb, pb) > 0 && n == kb;
    }
    if (ok) {
        /* ua_secure_encode sized the buffer for the expansion. */
        memcpy(data, tmp, blocks * kb);
        *out_len = blocks * kb;
    }
    EVP_PKEY_CTX_free(c);
    free(tmp);
    ERR_clear_error();
    return ok ? UA_STATUS_GOOD : UA_STATUS_BADINTERNALERROR;
}

static ua_status pol_decrypt(void *vctx, bool asym, uint8_t *data, size_t len, size_t *out_len)
{
    ua_policy_ctx *ctx = vctx;
    if (!asym) {
        *out_len = len;
        return aes_cbc(ctx->p, &ctx->recv[ctx->recv_sel], false, data, len);
    }
    size_t kb = ctx->local_bytes;
    size_t pb = kb - enc_overhead(ctx->p);
    if (len % kb != 0)
        return UA_STATUS_BADSECURITYCHECKSFAILED;
    uint8_t *block = malloc(kb);
    EVP_PKEY_CTX *c = rsa_enc_ctx(ctx->p, ctx->local_key, false);
    bool ok = block && c;
    size_t at = 0;
    for (size_t i = 0; ok && i < len / kb; i++) {
        size_t n = kb;
        /* The sender fills every block (Part 6 6.7.2.5 padding). */
        ok = EVP_PKEY_decrypt(c, block, &n, data + i * kb, kb) > 0 && n == pb;
        if (ok) {
            /* Output never overtakes input: at <= i * kb. */
            memcpy(data + at, block, n);
            at += n;
        }
    }
    if (block)
        OPENSSL_cleanse(block, kb);
    free(block);
    EVP_PKEY_CTX_free(c);
    ERR_clear_error();
    *out_len = at;
    return ok ? UA_STATUS_GOOD : UA_STATUS_BADSECURITYCHECKSFAILED;
}

/* ---- session signatures (Part 4 5.6.2, 5.6.3) ---------------------------- */

ua_status ua_policy_sign(const ua_policy *p, EVP_PKEY *key, const ua_ByteString *a,
                         const ua_ByteString *b, ua_ByteString *sig)
{
    sig->data = NULL;
    sig->length = 0;
    if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA)
        return UA_STATUS_BADCERTIFICATEINVALID;
    size_t n = (size_t)EVP_PKEY_get_size(key);
    uint8_t *buf = malloc(n + 1);
    if (!buf)
        return UA_STATUS_BADOUTOFMEMORY;
    if (!rsa_digest(p, key, a->data, a->data ? a->length : 0, b->data, b->data ? b->length : 0, buf,
                    &n, NULL, 0)) {
        free(buf);
        return UA_STATUS_BADINTERNALERROR;
    }
    buf[n] = 0;
    sig->data = buf;
    sig->length = n;
    return UA_STATUS_GOOD;
}

ua_status ua_policy_verify(const ua_policy *p, const ua_ByteString *cert_der,
                           const ua_ByteString *a, const ua_ByteString *b, const ua_ByteString *sig)
{
    EVP_PKEY *key = cert_public_key(cert_der);
    if (!key)
        return UA_STATUS_BADCERTIFICATEINVALID;
    bool ok = sig->data && sig->length > 0 &&
              rsa_digest(p, key, a->data, a->data ? a->length : 0, b->data, b->data ? b->length : 0,
                         NULL, NULL, sig->data, sig->length);
    EVP_PKEY_free(key);
    return ok ? UA_STATUS_GOOD : UA_STATUS_BADAPPLICATIONSIGNATUREINVALID;
}
