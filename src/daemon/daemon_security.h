/* A session's security, prepared on `open` from its config (ipc-protocol.md
 * §3.3): the security policy and mode, our application certificate (from
 * clientCertPath/clientKeyPath, or the daemon's own one, made and kept in
 * the PKI directory on first use), the X.509 user identity
 * (userCertPath/userKeyPath), and the trust store that decides on the
 * server's certificate (trustStorePath, trustPolicy, autoAccept,
 * autoAcceptForce). Key paths and passwords are never logged: messages
 * name the file by its label ("Client key") only. */
#ifndef DAEMON_SECURITY_H
#define DAEMON_SECURITY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>

#include "daemon_config.h"
#include "session_config.h"
#include "ua_client.h"
#include "ua_trust.h"
#include "ua_types.h"

typedef struct dsecurity {
    const char *policy_uri; /* static; NULL = None */
    ua_ByteString client_cert;
    EVP_PKEY *client_key;
    char *application_uri; /* owned; from our certificate's SAN URI */
    ua_ByteString user_cert;
    EVP_PKEY *user_key;
    ua_trust_store *trust; /* NULL without trustStorePath */
    ua_trust_policy trust_policy;
    bool trust_policy_set; /* trustPolicy was given */
    bool auto_accept, auto_accept_force;
    char trust_message[1024]; /* why the server certificate was refused */
    ua_status trust_status;   /* Good until a refusal */
} dsecurity;

/** Prepares sec from the session config. dc gives the PKI directory and
 *  whether deprecated policies are allowed. On failure returns -1 and sets
 *  *type (static: "ValueError", "ConfigurationException",
 *  "InvalidArgumentException") and msg; sec is then cleared. */
int dsecurity_prepare(dsecurity *sec, const session_config *sc, const daemon_config *dc,
                      const char **type, char *msg, size_t msg_size);

/** Puts what sec holds into the client config (borrowed: sec must outlive
 *  the client): channel policy and mode, certificates, keys, application
 *  URI and the trust hook. */
void dsecurity_apply(dsecurity *sec, const session_config *sc, ua_client_config *cc);

void dsecurity_clear(dsecurity *sec);

/** The trust store query methods (query-methods.md 39-42) on sec:
 *  trustCertificate (DER as base64, as the reference client sends it, or
 *  PEM text), untrustCertificate (SHA-1 hex, colons allowed), getTrustStore
 *  (our extension: the store's content instead of PHP's serialisation
 *  error) and getTrustPolicy. Returns the reply data (new reference, json
 *  null for "nothing"), or NULL with *type and msg set. */
json_t *dsecurity_trust_method(dsecurity *sec, const char *method, const json_t *params,
                               const char **type, char *msg, size_t msg_size);

/** The default directory of the daemon's own certificate (see --pki-dir),
 *  written into buf. Returns 0, or -1 when no directory can be derived. */
int dsecurity_default_pki_dir(char *buf, size_t size);

#endif
