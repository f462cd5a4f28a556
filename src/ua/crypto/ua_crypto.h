/* Crypto primitives of the client stack on top of OpenSSL 3 (EVP only):
 * the security policy URIs we know, the encryption of a user-token secret
 * for the server (Part 4 (1.05) 7.36.2.2, legacy format), random bytes and
 * certificate thumbprints. No certificate validation and no secure-channel
 * signing or symmetric encryption here: the channel builds on these.
 * All functions are thread-safe and may be called from any thread. */
#ifndef UA_CRYPTO_H
#define UA_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "ua_types.h"

/* Security policy URIs we know (Part 7 (1.05) 6.6), and what they mean for
 * user-token secrets. */
#define UA_POLICY_NONE           "http://opcfoundation.org/UA/SecurityPolicy#None"
#define UA_POLICY_BASIC128RSA15  "http://opcfoundation.org/UA/SecurityPolicy#Basic128Rsa15"
#define UA_POLICY_BASIC256       "http://opcfoundation.org/UA/SecurityPolicy#Basic256"
#define UA_POLICY_BASIC256SHA256 "http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256"
#define UA_POLICY_AES128_SHA256_RSAOAEP                                                            \
    "http://opcfoundation.org/UA/SecurityPolicy#Aes128_Sha256_RsaOaep"
#define UA_POLICY_AES256_SHA256_RSAPSS                                                             \
    "http://opcfoundation.org/UA/SecurityPolicy#Aes256_Sha256_RsaPss"

/* EncryptionAlgorithm URIs of a UserNameIdentityToken (Part 4 7.36.4). */
#define UA_ALGORITHM_RSA_15          "http://www.w3.org/2001/04/xmlenc#rsa-1_5"
#define UA_ALGORITHM_RSA_OAEP        "http://www.w3.org/2001/04/xmlenc#rsa-oaep"
#define UA_ALGORITHM_RSA_OAEP_SHA256 "http://opcfoundation.org/UA/security/rsa-oaep-sha2-256"

/* Largest secret we encrypt, and largest server nonce we accept. */
#define UA_CRYPTO_MAX_SECRET 65536u
#define UA_CRYPTO_MAX_NONCE  65536u

/** Encrypts a user-token secret (a password) for the server, in the legacy
 *  format of Part 4 7.36.2.2: plaintext = UInt32 little-endian length of
 *  (secret + server_nonce), then secret, then server_nonce; encrypted with
 *  the server certificate's RSA public key using the padding the policy
 *  demands: Basic128Rsa15 -> PKCS#1 v1.5, Basic256 / Basic256Sha256 /
 *  Aes128_Sha256_RsaOaep -> RSA-OAEP with SHA-1, Aes256_Sha256_RsaPss ->
 *  RSA-OAEP with SHA-256 (hash and MGF1); in as many key-size blocks as
 *  needed (each block holds keysize - padding overhead bytes of plaintext,
 *  output blocks are keysize bytes each, concatenated).
 *
 *  Borrows all inputs. server_cert_der is one DER certificate or a chain
 *  of concatenated DER certificates, of which the first (the server's own)
 *  is used. A NULL or null secret is encrypted as an empty one.
 *  *out returns owned; caller clears (ua_clear with
 *  UA_BUILTIN(UA_KIND_BYTESTRING)); it is the null string on failure.
 *  *algorithm_uri is set to the static EncryptionAlgorithm URI to put in the
 *  UserNameIdentityToken (one of UA_ALGORITHM_*), NULL on failure.
 *  The plaintext copy of the secret is cleansed before it is freed.
 *
 *  Returns Good, BadSecurityPolicyRejected (unknown or None policy),
 *  BadCertificateInvalid (not a DER X.509 certificate with an RSA key, or a
 *  key too small for the padding), BadNonceInvalid (server nonce shorter
 *  than 32 bytes for policies other than Basic128Rsa15, which accepts 16,
 *  or longer than UA_CRYPTO_MAX_NONCE), BadEncodingLimitsExceeded (secret
 *  over UA_CRYPTO_MAX_SECRET), BadInternalError / BadOutOfMemory. */
ua_status ua_crypto_encrypt_secret(const char *policy_uri, const ua_ByteString *server_cert_der,
                                   const ua_ByteString *secret, const ua_ByteString *server_nonce,
                                   ua_ByteString *out, const char **algorithm_uri);

/** Fills buf with n cryptographically random bytes (RAND_bytes).
 *  Returns Good or BadInternalError. */
ua_status ua_crypto_random(uint8_t *buf, size_t n);

/** Writes the SHA-1 thumbprint (20 bytes) of a DER certificate into out.
 *  When cert_der holds a chain of concatenated DER certificates, only the
 *  first one is hashed (Part 6 (1.05) 6.7.2.3: the thumbprint is that of
 *  the leaf). Returns Good, BadCertificateInvalid (not a DER certificate)
 *  or BadInternalError. */
ua_status ua_crypto_thumbprint(const ua_ByteString *cert_der, uint8_t out[20]);

#endif
