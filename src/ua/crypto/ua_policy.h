/* The RSA security policies of Part 7 (1.05) 6.6 as ua_sec_ops for the
 * secure channel (Part 6 (1.05) 6.7), and the asymmetric signatures the
 * session services need (Part 4 (1.05) 5.6.2, 5.6.3, 7.37).
 *
 * A policy is a static table entry; its keys live in a ua_policy_ctx that
 * holds our private key, the peer's public key and the symmetric keys of
 * the current token (plus the previous token's receive keys, Part 6
 * 6.7.4). The same ctx serves a client or a server: "local" is whoever
 * owns the private key. No certificate validation here (trust, dates,
 * usage): callers check a certificate before they hand it in.
 *
 * Threading: the table is read-only; a ctx belongs to one channel and is
 * used from that channel's thread only. */
#ifndef UA_POLICY_H
#define UA_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "ua_secure.h"
#include "ua_types.h"

/* Asymmetric signature algorithm URIs (SignatureData.algorithm). */
#define UA_SIG_RSA_SHA1     "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
#define UA_SIG_RSA_SHA256   "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
#define UA_SIG_RSA_PSS_SHA2 "http://opcfoundation.org/UA/security/rsa-pss-sha2-256"

typedef enum ua_asym_sig {
    UA_ASYM_SIG_RSA_PKCS1_SHA1,
    UA_ASYM_SIG_RSA_PKCS1_SHA256,
    UA_ASYM_SIG_RSA_PSS_SHA256
} ua_asym_sig;

typedef enum ua_asym_enc {
    UA_ASYM_ENC_RSA_PKCS1, /* PKCS#1 v1.5, 11 bytes of overhead */
    UA_ASYM_ENC_RSA_OAEP_SHA1,
    UA_ASYM_ENC_RSA_OAEP_SHA256
} ua_asym_enc;

typedef enum ua_hash { UA_HASH_SHA1, UA_HASH_SHA256 } ua_hash;

typedef struct ua_policy {
    ua_sec_ops ops; /* uri and nonce length included; pass &p->ops to a channel */
    ua_asym_sig asym_sig;
    const char *asym_sig_uri;
    ua_asym_enc asym_enc;
    ua_hash sym_sig;       /* HMAC hash */
    uint32_t sym_sig_key;  /* bytes of the derived signing key */
    uint32_t sym_enc_key;  /* bytes of the AES-CBC key: 16 or 32 */
    ua_hash kdf;           /* P_SHA1 or P_SHA256 (Part 6 6.7.5) */
    uint32_t min_key_bits; /* asymmetric key length range */
    uint32_t max_key_bits;
    bool deprecated;
} ua_policy;

/** Returns the policy with that URI, or NULL (also for None). */
const ua_policy *ua_policy_find(const char *uri);
/** Returns the policy whose ops these are, or NULL (None, a test's ops). */
const ua_policy *ua_policy_of_ops(const ua_sec_ops *ops);

typedef struct ua_policy_ctx ua_policy_ctx;

/** Returns a new ctx for p, or NULL with *status set: BadCertificateInvalid
 *  (remote_cert is not DER X.509 with an RSA key, local_key not RSA),
 *  BadCertificatePolicyCheckFailed (a key length outside the policy's
 *  range), BadOutOfMemory. Takes a reference on local_key (the caller
 *  keeps its own); copies the public key out of remote_cert (one DER
 *  certificate or a chain whose first is used). */
ua_policy_ctx *ua_policy_ctx_new(const ua_policy *p, EVP_PKEY *local_key,
                                 const ua_ByteString *remote_cert, ua_status *status);
/** Frees ctx, cleansing the symmetric keys. NULL is fine. */
void ua_policy_ctx_delete(ua_policy_ctx *ctx);

/** P_SHA1 / P_SHA256 of TLS 1.0 (RFC 2246 5), as Part 6 6.7.5 uses it:
 *  fills out_len bytes of out. Returns Good or BadInternalError. */
ua_status ua_policy_p_hash(ua_hash hash, const uint8_t *secret, size_t secret_len,
                           const uint8_t *seed, size_t seed_len, uint8_t *out, size_t out_len);

/** Signs the concatenation a | b with key using the policy's asymmetric
 *  signature (Part 4 5.6.2/5.6.3: certificate + nonce). *sig returns
 *  owned; caller clears. Returns Good, BadCertificateInvalid (not an RSA
 *  key) or BadInternalError / BadOutOfMemory. */
ua_status ua_policy_sign(const ua_policy *p, EVP_PKEY *key, const ua_ByteString *a,
                         const ua_ByteString *b, ua_ByteString *sig);

/** Verifies a signature over a | b with the public key of cert_der (the
 *  first certificate of a chain). Returns Good, BadCertificateInvalid or
 *  BadApplicationSignatureInvalid. */
ua_status ua_policy_verify(const ua_policy *p, const ua_ByteString *cert_der,
                           const ua_ByteString *a, const ua_ByteString *b,
                           const ua_ByteString *sig);

#endif
