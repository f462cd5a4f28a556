/* A directory-based trust store for server certificates (the session
 * option trustStorePath) and the three trust policies of the session
 * option trustPolicy: "fingerprint", "fingerprint+expiry" and "full".
 * Layout below the root, created 0700 when missing:
 *   trusted/certs/   certificates trusted as they are (end entities or CAs)
 *   trusted/crl/     CRLs of trusted CAs
 *   issuers/certs/   CA certificates used only to build chains
 *   issuers/crl/     CRLs of those CAs
 *   rejected/certs/  certificates that failed as untrusted, for operators
 * Certificates are written as DER named <SHA-1 thumbprint, uppercase>.der;
 * files an operator drops in (any name, PEM or DER) are read as well.
 * A store is thread-safe: calls on one store are serialised by its mutex,
 * and every file is replaced atomically (temporary file + rename), so
 * several processes may share a directory. Nothing here touches libuv. */
#ifndef UA_TRUST_H
#define UA_TRUST_H

#include <stdbool.h>
#include <stddef.h>

#include "ua_cert.h"
#include "ua_types.h"

/* Most certificate or CRL files read from one directory. */
#define UA_TRUST_MAX_FILES 4096u

typedef enum ua_trust_policy {
    UA_TRUST_FINGERPRINT = 0,    /* the leaf's thumbprint is in trusted/ */
    UA_TRUST_FINGERPRINT_EXPIRY, /* that, and now within its validity */
    UA_TRUST_FULL                /* chain, CRLs, validity, key usage, host, URI */
} ua_trust_policy;

/** Parses the trustPolicy strings "fingerprint", "fingerprint+expiry" and
 *  "full" (exact, lowercase). Returns Good or BadInvalidArgument. */
ua_status ua_trust_policy_parse(const char *name, ua_trust_policy *out);

/** Returns the static trustPolicy string of p ("fingerprint", ...), or
 *  "unknown". */
const char *ua_trust_policy_name(ua_trust_policy p);

typedef struct ua_trust_store ua_trust_store;

/** Opens the store below root (borrowed; copied), creating the missing
 *  directories with mode 0700. *out returns owned; ua_trust_store_delete.
 *  Returns Good, BadInvalidArgument (empty or too long root),
 *  BadNotWritable (cannot create a directory) or BadOutOfMemory. */
ua_status ua_trust_store_open(const char *root, ua_trust_store **out);

/** Frees the store (not the directory). Accepts NULL. */
void ua_trust_store_delete(ua_trust_store *s);

/** Returns the root directory, borrowed from s. */
const char *ua_trust_store_root(const ua_trust_store *s);

/** What one validation is asked to check. All strings borrowed. */
typedef struct ua_trust_check {
    ua_trust_policy policy;
    /* The host the endpoint URL names, or the whole endpoint URL
     * ("opc.tcp://host:4840/path"); NULL or "" skips the host check.
     * Checked under UA_TRUST_FULL only. */
    const char *host;
    /* The server's ApplicationUri as the endpoint description gives it;
     * NULL skips the URI check. Checked under UA_TRUST_FULL only. */
    const char *application_uri;
    /* Trust on first use: an unknown certificate that passes every other
     * check is written to trusted/ and accepted. One found in rejected/
     * is not, unless auto_accept_force is set as well. */
    bool auto_accept;
    bool auto_accept_force;
} ua_trust_check;

/** The outcome of ua_trust_validate. */
typedef struct ua_trust_result {
    ua_status status; /* Good or the BadCertificate* code of the failed check */
    char thumbprint[UA_CERT_THUMBPRINT_HEX]; /* of the leaf; "" if unparsable */
    bool auto_accepted;                      /* written to trusted/ by this call */
    bool rejected_copy;                      /* written to rejected/ by this call */
    /* Which check failed and what to do about it, for the operator: fit
     * for logs and IPC error messages (no key material). */
    char message[1024];
} ua_trust_result;

/** Validates a server certificate cert (borrowed; DER of the leaf, or the
 *  leaf followed by its chain, as Part 6 (1.05) 6.2.3 sends it) under
 *  check->policy. Checks, in this order, stopping at the first failure:
 *    all policies: a parsable certificate          -> BadCertificateInvalid
 *    fingerprint+expiry: now within the validity   -> BadCertificateTimeInvalid
 *    fingerprint(+expiry): thumbprint in trusted/  -> BadCertificateUntrusted
 *    full: chain to a certificate of trusted/, using issuers/ and the chain
 *      sent (X509_verify_cert; CRL checked when one of the issuer exists)
 *        -> BadCertificateUntrusted, BadCertificateChainIncomplete,
 *           BadCertificateTimeInvalid, BadCertificateIssuerTimeInvalid,
 *           BadCertificateRevoked, BadCertificateIssuerRevoked,
 *           BadCertificateInvalid
 *      keyUsage allows digitalSignature and keyEncipherment (RSA) or
 *      keyAgreement (EC)                           -> BadCertificateUseNotAllowed
 *      a SAN dNSName / iPAddress matches the host  -> BadCertificateHostNameInvalid
 *      the first SAN URI equals application_uri    -> BadCertificateUriInvalid
 *  A certificate that fails only for being untrusted (or for an incomplete
 *  chain) is copied to rejected/certs so an operator can move it, unless
 *  auto_accept takes it (see ua_trust_check). One log line per accept,
 *  auto-accept or reject (log module; INFO / WARNING).
 *  *result is overwritten. Returns result->status; BadOutOfMemory or
 *  BadInternalError when the check itself could not run. */
ua_status ua_trust_validate(ua_trust_store *s, const ua_trust_check *check,
                            const ua_ByteString *cert, ua_trust_result *result);

/** Trusts a certificate: writes the leaf of cert (borrowed; DER or PEM,
 *  the first certificate is taken) to trusted/certs/<thumbprint>.der and
 *  removes it from rejected/certs. thumbprint (may be NULL) receives its
 *  thumbprint. Returns Good, BadCertificateInvalid, BadNotWritable or
 *  BadOutOfMemory. */
ua_status ua_trust_add(ua_trust_store *s, const ua_ByteString *cert,
                       char thumbprint[UA_CERT_THUMBPRINT_HEX]);

/** Stops trusting the certificate with the given SHA-1 thumbprint (hex,
 *  any case, with or without ':'): removes every file of trusted/certs
 *  holding it. Returns Good, BadInvalidArgument (not 40 hex digits),
 *  BadNotFound (not trusted) or BadNotWritable. */
ua_status ua_trust_remove(ua_trust_store *s, const char *thumbprint);

/** Reports whether the certificate with that thumbprint is in trusted/
 *  (*trusted) and in rejected/ (*rejected); either may be NULL. Returns
 *  Good or BadInvalidArgument. */
ua_status ua_trust_lookup(ua_trust_store *s, const char *thumbprint, bool *trusted, bool *rejected);

/** One certificate file of the store. */
typedef struct ua_trust_entry {
    ua_cert_info info; /* thumbprint, subject, issuer, validity, ApplicationUri */
    char *path;        /* owned; the file holding it */
} ua_trust_entry;

typedef struct ua_trust_list {
    ua_trust_entry *trusted;
    size_t trusted_count;
    ua_trust_entry *rejected;
    size_t rejected_count;
} ua_trust_list;

/** Lists the certificates of trusted/certs and rejected/certs, sorted by
 *  thumbprint; unreadable files are skipped. *out returns owned; caller
 *  clears with ua_trust_list_clear (also after a failure). Returns Good or
 *  BadOutOfMemory. */
ua_status ua_trust_list_get(ua_trust_store *s, ua_trust_list *out);

/** Releases what list owns and leaves it zeroed; accepts a zeroed struct. */
void ua_trust_list_clear(ua_trust_list *list);

/** Copies the host of an endpoint URL ("opc.tcp://host:port/path",
 *  "opc.tcp://[::1]:4840") or a bare host into out (size bytes), without
 *  brackets or port. Returns Good or BadInvalidArgument (empty or too
 *  long). */
ua_status ua_trust_host_of(const char *url_or_host, char *out, size_t size);

#endif
