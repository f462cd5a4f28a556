/* Application instance certificates on top of OpenSSL 3 (EVP/X509 only):
 * loading certificates and private keys from files (PEM or DER, keys
 * optionally encrypted), generating a self-signed certificate with the
 * extensions Part 6 (1.05) 6.2.2 asks of an application instance
 * certificate, keeping one on disk, and inspecting certificates (thumbprint,
 * ApplicationUri, names, validity). No trust decisions here: see ua_trust.h.
 * All functions are thread-safe and may be called from any thread; none of
 * them touches the event loop. */
#ifndef UA_CERT_H
#define UA_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>

#include "ua_types.h"

/* Largest certificate, key or CRL file we read. */
#define UA_CERT_MAX_FILE (1024u * 1024u)
/* A SHA-1 thumbprint as 40 uppercase hex digits plus the NUL. */
#define UA_CERT_THUMBPRINT_HEX 41

/* Files of an own certificate below the directory of ua_cert_load_or_create. */
#define UA_CERT_OWN_CERT "own/certs/client_cert.der"
#define UA_CERT_OWN_KEY  "own/private/client_key.pem"

/** Why a load or generation failed, in a form fit for logs: message never
 *  holds a password, key bytes or an absolute key path, only the label the
 *  caller passed (or a path relative to the directory of
 *  ua_cert_load_or_create) and the cause. The caller knows which path it
 *  passed and decides whether its log may show it. */
enum ua_cert_reason {
    UA_CERT_OK = 0,
    UA_CERT_ERR_ARGUMENT, /* bad parameter (NULL, name too long, ...) */
    UA_CERT_ERR_IO,       /* cannot open, read, write or create */
    UA_CERT_ERR_FORMAT,   /* not a certificate / key in PEM or DER */
    UA_CERT_ERR_PASSWORD, /* key is encrypted: password missing or wrong */
    UA_CERT_ERR_MISMATCH, /* private key does not belong to the certificate */
    UA_CERT_ERR_INTERNAL  /* OpenSSL or memory failure */
};

typedef struct ua_cert_error {
    enum ua_cert_reason reason;
    char message[512];
} ua_cert_error;

/** Parameters of ua_cert_generate. Zero / NULL fields take the default. */
typedef struct ua_cert_params {
    const char *application_name; /* subject CN; default "opcua-session-manager" */
    const char *application_uri;  /* SAN URI; default "urn:<hostname>:opcua-session-manager" */
    const char *hostname;         /* SAN DNS; default gethostname(); "localhost" is added too */
    unsigned key_bits;            /* RSA modulus; default 2048, accepted 1024..8192 */
    unsigned days;                /* validity after now; default 365 */
    time_t not_before;            /* overrides now - 1 h when non-zero (tests) */
    time_t not_after;             /* overrides now + days when non-zero (tests) */
    bool ca;                      /* CA:TRUE, keyCertSign + cRLSign (test CAs) */
    /* Signer: both NULL = self-signed. Borrowed. issuer_cert is one DER
     * certificate whose key is issuer_key. */
    const ua_ByteString *issuer_cert;
    EVP_PKEY *issuer_key;
} ua_cert_params;

/** What ua_cert_info_get reads out of a certificate. */
typedef struct ua_cert_info {
    char thumbprint[UA_CERT_THUMBPRINT_HEX]; /* SHA-1 of the DER, uppercase hex */
    char *subject;                           /* owned; one line, RFC 2253 */
    char *issuer;                            /* owned; one line, RFC 2253 */
    char *application_uri;                   /* owned; first SAN URI, NULL when none */
    ua_DateTime not_before;
    ua_DateTime not_after;
    int key_bits;         /* public key size in bits, 0 when unknown */
    const char *key_type; /* static: "RSA", "EC", ... or "unknown" */
} ua_cert_info;

/** Parses certificates from memory: PEM (one or more CERTIFICATE blocks)
 *  or DER (one certificate or a chain of concatenated ones), detected from
 *  the content. Borrows data. *leaf returns owned (DER of the first
 *  certificate); chain may be NULL, else *chain returns owned: the DER of
 *  all certificates concatenated, leaf first. Caller clears both with
 *  ua_clear(UA_BUILTIN(UA_KIND_BYTESTRING)); both are null on failure.
 *  err may be NULL. Returns Good, BadCertificateInvalid
 *  (UA_CERT_ERR_FORMAT) or BadOutOfMemory. */
ua_status ua_cert_parse(const uint8_t *data, size_t len, ua_ByteString *leaf, ua_ByteString *chain,
                        ua_cert_error *err);

/** Like ua_cert_parse on the contents of the file at path (at most
 *  UA_CERT_MAX_FILE bytes). label names the file in err->message
 *  ("client certificate"); NULL shows the path. Returns Good,
 *  BadNotReadable (UA_CERT_ERR_IO), BadCertificateInvalid or
 *  BadOutOfMemory. */
ua_status ua_cert_load_file(const char *path, const char *label, ua_ByteString *leaf,
                            ua_ByteString *chain, ua_cert_error *err);

/** Loads a private key from the file at path: PEM or DER, PKCS#8 or
 *  traditional, encrypted or not. password (borrowed, may be NULL) is used
 *  only when the key is encrypted; it is never copied into err or kept.
 *  label names the file in err->message ("client key"; NULL: "private
 *  key"), the path itself is never shown. *key returns owned (EVP_PKEY_free);
 *  NULL on failure. Returns Good, BadNotReadable (UA_CERT_ERR_IO),
 *  BadSecurityChecksFailed (UA_CERT_ERR_PASSWORD: encrypted and no or the
 *  wrong password), BadCertificateInvalid (UA_CERT_ERR_FORMAT) or
 *  BadOutOfMemory. */
ua_status ua_cert_load_key(const char *path, const char *label, const char *password,
                           EVP_PKEY **key, ua_cert_error *err);

/** Checks that key (borrowed) is the private key of the certificate
 *  cert_der (borrowed; the first of a chain). Returns Good or
 *  BadCertificateInvalid (not a certificate, or UA_CERT_ERR_MISMATCH). */
ua_status ua_cert_key_matches(const ua_ByteString *cert_der, EVP_PKEY *key, ua_cert_error *err);

/** Generates an RSA key pair and an X.509 v3 certificate for it: SHA-256
 *  signature, random 128-bit serial, validity now - 1 h .. now + days,
 *  subject CN=<application_name>, O=opcua-session-manager, SAN URI and DNS
 *  names, basicConstraints CA:FALSE (critical), keyUsage digitalSignature,
 *  nonRepudiation, keyEncipherment, dataEncipherment (critical),
 *  extendedKeyUsage serverAuth + clientAuth, subject and authority key
 *  identifiers (Part 6 (1.05) 6.2.2). Self-signed unless p names a signer.
 *  p may be NULL (all defaults). *cert_der returns owned (caller clears);
 *  *key returns owned (EVP_PKEY_free). Both are null on failure.
 *  Returns Good, BadInvalidArgument, BadInternalError or BadOutOfMemory. */
ua_status ua_cert_generate(const ua_cert_params *p, ua_ByteString *cert_der, EVP_PKEY **key,
                           ua_cert_error *err);

/** The persistent own certificate: when dir/UA_CERT_OWN_CERT and
 *  dir/UA_CERT_OWN_KEY both exist they are loaded (the key unencrypted)
 *  and checked to match; when neither exists a certificate is generated
 *  with p (may be NULL) and both files are written atomically (temporary
 *  file + rename; key mode 0600, missing directories created 0700). When
 *  only one of them exists nothing is written: that is an error, so an
 *  operator's file is never overwritten. *created (may be NULL) tells
 *  which happened. Outputs as for ua_cert_generate. Returns Good,
 *  BadConfigurationError (only one file present, UA_CERT_ERR_IO),
 *  BadNotWritable, or an error of the load / generate functions. */
ua_status ua_cert_load_or_create(const char *dir, const ua_cert_params *p, ua_ByteString *cert_der,
                                 EVP_PKEY **key, bool *created, ua_cert_error *err);

/** Reads thumbprint, names, ApplicationUri, validity and key size of the
 *  certificate cert_der (borrowed; the first of a chain). *info is
 *  overwritten and returns owned: caller clears with ua_cert_info_clear
 *  (also after a failure). Returns Good, BadCertificateInvalid or
 *  BadOutOfMemory. */
ua_status ua_cert_info_get(const ua_ByteString *cert_der, ua_cert_info *info);

/** Releases what info owns and leaves it zeroed; accepts a zeroed struct. */
void ua_cert_info_clear(ua_cert_info *info);

/** Copies the ApplicationUri (the first URI of subjectAltName) of cert_der
 *  into *uri (returns owned; caller clears). Returns Good, BadNotFound (no
 *  SAN URI), BadCertificateInvalid or BadOutOfMemory. */
ua_status ua_cert_application_uri(const ua_ByteString *cert_der, ua_String *uri);

/** Writes the SHA-1 thumbprint of cert_der (the first of a chain) as 40
 *  uppercase hex digits and a NUL. Returns Good or BadCertificateInvalid. */
ua_status ua_cert_thumbprint_hex(const ua_ByteString *cert_der, char out[UA_CERT_THUMBPRINT_HEX]);

/** Normalises a thumbprint typed by a person: 40 hex digits, any case,
 *  optionally separated by ':' (or spaces), into 40 uppercase digits and a
 *  NUL. Anything else (other characters, too short or too long, "../x")
 *  gives BadInvalidArgument, so the result is safe as a file name. */
ua_status ua_cert_thumbprint_normalize(const char *in, char out[UA_CERT_THUMBPRINT_HEX]);

/* ---- small file helpers shared with ua_trust ------------------------- */

/** Reads a whole regular file of at most max bytes into *out (returns
 *  owned; caller clears). Returns Good, BadNotFound (does not exist),
 *  BadEncodingLimitsExceeded (larger than max), BadNotReadable or
 *  BadOutOfMemory. */
ua_status ua_cert_file_read(const char *path, size_t max, ua_ByteString *out);

/** Writes len bytes to path atomically: a temporary file in the same
 *  directory with the given mode, fsync, then rename over path. Returns
 *  Good or BadNotWritable (nothing is left behind). */
ua_status ua_cert_file_write(const char *path, const uint8_t *data, size_t len, unsigned mode);

/** Creates directory path and its missing parents with mode (like
 *  mkdir -p); existing directories are left as they are. Returns Good or
 *  BadNotWritable. */
ua_status ua_cert_mkdirs(const char *path, unsigned mode);

#endif
