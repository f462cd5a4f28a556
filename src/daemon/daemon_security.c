/* A session's certificates, keys and trust store (see daemon_security.h). */
#include "daemon_security.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ua_cert.h"
#include "ua_crypto.h"
#include "ua_policy.h"
#include "ua_statuscodes.h"
#include "ua_text.h"
#include "util/base64.h"
#include "util/log.h"

#define OWN_APP_NAME "opcua-session-manager"

/* The daemon's own certificate, made or loaded once per PKI directory. */
static struct {
    char dir[PATH_MAX];
    ua_ByteString cert;
    EVP_PKEY *key;
} own;

int dsecurity_default_pki_dir(char *buf, size_t size)
{
    const char *state = getenv("STATE_DIRECTORY"); /* systemd StateDirectory= */
    const char *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    int n;
    if (state && *state) {
        /* systemd may list several directories separated by ':' */
        size_t len = strcspn(state, ":");
        n = snprintf(buf, size, "%.*s/pki", (int)len, state);
    } else if (xdg && *xdg) {
        n = snprintf(buf, size, "%s/opcua-session-manager/pki", xdg);
    } else if (home && *home) {
        n = snprintf(buf, size, "%s/.local/state/opcua-session-manager/pki", home);
    } else {
        return -1;
    }
    return n > 0 && (size_t)n < size ? 0 : -1;
}

/* Loads (or makes, the first time) the daemon's own certificate. */
static int own_certificate(const daemon_config *dc, const char **type, char *msg, size_t msg_size)
{
    char dir[PATH_MAX];
    if (dc->pki_dir) {
        if (snprintf(dir, sizeof(dir), "%s", dc->pki_dir) >= (int)sizeof(dir))
            goto too_long;
    } else if (dsecurity_default_pki_dir(dir, sizeof(dir)) != 0) {
        *type = "ConfigurationException";
        snprintf(msg, msg_size,
                 "no directory for the daemon's own certificate: give --pki-dir, or "
                 "clientCertPath and clientKeyPath in the session config");
        return -1;
    }
    if (own.key && strcmp(own.dir, dir) == 0)
        return 0;
    char host[256] = "localhost";
    if (gethostname(host, sizeof(host) - 1) != 0 || !host[0])
        snprintf(host, sizeof(host), "localhost");
    host[sizeof(host) - 1] = 0;
    char uri[320];
    snprintf(uri, sizeof(uri), "urn:%s:%s", host, OWN_APP_NAME);
    ua_cert_params p = {.application_name = OWN_APP_NAME, .application_uri = uri,
                        .hostname = host, .key_bits = 2048, .days = 3650};
    ua_ByteString cert = {0, NULL};
    EVP_PKEY *key = NULL;
    bool created = false;
    ua_cert_error err;
    ua_status st = ua_cert_load_or_create(dir, &p, &cert, &key, &created, &err);
    if (st != UA_STATUS_GOOD) {
        *type = "ConfigurationException";
        snprintf(msg, msg_size, "the daemon's own certificate in %s: %s", dir, err.message);
        return -1;
    }
    ua_clear(&own.cert, UA_BUILTIN(UA_KIND_BYTESTRING));
    EVP_PKEY_free(own.key);
    own.cert = cert;
    own.key = key;
    snprintf(own.dir, sizeof(own.dir), "%s", dir);
    char thumb[UA_CERT_THUMBPRINT_HEX] = "";
    ua_cert_thumbprint_hex(&own.cert, thumb);
    log_info("%s the application certificate %s (SHA-1 %s) in %s",
             created ? "Created" : "Using", uri, thumb, dir);
    return 0;
too_long:
    *type = "ConfigurationException";
    snprintf(msg, msg_size, "--pki-dir is too long");
    return -1;
}

/* Loads a certificate and its key (label "Client" / "User"). */
static int load_pair(const char *label, const char *cert_path, const char *key_path,
                     const char *password, ua_ByteString *cert, EVP_PKEY **key, const char **type,
                     char *msg, size_t msg_size)
{
    char cert_label[64], key_label[64];
    snprintf(cert_label, sizeof(cert_label), "%s certificate", label);
    snprintf(key_label, sizeof(key_label), "%s key", label);
    ua_cert_error err;
    ua_status st = ua_cert_load_file(cert_path, cert_label, cert, NULL, &err);
    if (st == UA_STATUS_GOOD)
        st = ua_cert_load_key(key_path, key_label, password, key, &err);
    if (st == UA_STATUS_GOOD)
        st = ua_cert_key_matches(cert, *key, &err);
    if (st != UA_STATUS_GOOD) {
        *type = "InvalidArgumentException";
        if (err.reason == UA_CERT_ERR_MISMATCH)
            snprintf(msg, msg_size, "%s: %s", key_label, err.message);
        else
            snprintf(msg, msg_size, "%s", err.message);
        return -1;
    }
    return 0;
}

int dsecurity_prepare(dsecurity *sec, const session_config *sc, const daemon_config *dc,
                      const char **type, char *msg, size_t msg_size)
{
    memset(sec, 0, sizeof(*sec));
    sec->trust_status = UA_STATUS_GOOD;
    const ua_policy *policy = NULL;
    if (sc->security_policy && strcmp(sc->security_policy, UA_POLICY_NONE) != 0) {
        policy = ua_policy_find(sc->security_policy);
        if (!policy) {
            *type = "ValueError";
            snprintf(msg, msg_size, "security policy %s is not supported", sc->security_policy);
            return -1;
        }
        if (policy->deprecated && !dc->allow_deprecated_policies) {
            *type = "ConfigurationException";
            snprintf(msg, msg_size,
                     "security policy %s is deprecated (weak cryptography); start the daemon "
                     "with --allow-deprecated-policies to use it for old devices",
                     sc->security_policy);
            return -1;
        }
        sec->policy_uri = policy->ops.uri;
    }
    int mode = sc->has_security_mode ? sc->security_mode : policy ? 3 : 1;
    if (policy && mode == 1) {
        *type = "ConfigurationException";
        snprintf(msg, msg_size,
                 "security mode None does not go with security policy %s: use 2 (Sign) or 3 "
                 "(SignAndEncrypt)",
                 sc->security_policy);
        return -1;
    }
    if (!policy && mode != 1) {
        *type = "ConfigurationException";
        snprintf(msg, msg_size,
                 "security mode %d needs a security policy other than None (securityPolicy)",
                 mode);
        return -1;
    }
    if (sc->client_cert_path && sc->client_key_path) {
        if (load_pair("Client", sc->client_cert_path, sc->client_key_path,
                      sc->client_key_password, &sec->client_cert, &sec->client_key, type, msg,
                      msg_size) != 0)
            goto fail;
        ua_String uri = {0, NULL};
        if (ua_cert_application_uri(&sec->client_cert, &uri) == UA_STATUS_GOOD) {
            sec->application_uri = strndup((const char *)uri.data, uri.length);
            ua_clear(&uri, UA_BUILTIN(UA_KIND_STRING));
        } else {
            log_warning("the client certificate has no SubjectAltName URI; servers may refuse "
                        "it (the ApplicationUri must be there)");
        }
        if (sc->ca_cert_path) {
            /* Sent after our certificate, as the chain of SenderCertificate. */
            ua_ByteString ca = {0, NULL};
            ua_cert_error err;
            if (ua_cert_load_file(sc->ca_cert_path, "CA certificate", &ca, NULL, &err) !=
                UA_STATUS_GOOD) {
                *type = "InvalidArgumentException";
                snprintf(msg, msg_size, "%s", err.message);
                goto fail;
            }
            uint8_t *both = malloc(sec->client_cert.length + ca.length);
            if (!both) {
                ua_clear(&ca, UA_BUILTIN(UA_KIND_BYTESTRING));
                goto oom;
            }
            memcpy(both, sec->client_cert.data, sec->client_cert.length);
            memcpy(both + sec->client_cert.length, ca.data, ca.length);
            free(sec->client_cert.data);
            sec->client_cert.data = both;
            sec->client_cert.length += ca.length;
            ua_clear(&ca, UA_BUILTIN(UA_KIND_BYTESTRING));
        }
    } else if (policy) {
        if (own_certificate(dc, type, msg, msg_size) != 0)
            goto fail;
        if (ua_copy(&own.cert, &sec->client_cert, UA_BUILTIN(UA_KIND_BYTESTRING)) !=
            UA_STATUS_GOOD)
            goto oom;
        EVP_PKEY_up_ref(own.key);
        sec->client_key = own.key;
        ua_String uri = {0, NULL};
        if (ua_cert_application_uri(&own.cert, &uri) == UA_STATUS_GOOD) {
            sec->application_uri = strndup((const char *)uri.data, uri.length);
            ua_clear(&uri, UA_BUILTIN(UA_KIND_STRING));
        }
    }
    if (sc->user_cert_path && sc->user_key_path &&
        load_pair("User", sc->user_cert_path, sc->user_key_path, sc->user_key_password,
                  &sec->user_cert, &sec->user_key, type, msg, msg_size) != 0)
        goto fail;
    sec->trust_policy = UA_TRUST_FINGERPRINT;
    sec->trust_policy_set = sc->trust_policy != NULL;
    if (sc->trust_policy && ua_trust_policy_parse(sc->trust_policy, &sec->trust_policy) !=
                                UA_STATUS_GOOD) {
        *type = "ValueError";
        snprintf(msg, msg_size, "unknown trust policy %s", sc->trust_policy);
        goto fail;
    }
    sec->auto_accept = sc->has_auto_accept && sc->auto_accept;
    sec->auto_accept_force = sec->auto_accept && sc->has_auto_accept_force && sc->auto_accept_force;
    if (sc->trust_store_path) {
        ua_status st = ua_trust_store_open(sc->trust_store_path, &sec->trust);
        if (st != UA_STATUS_GOOD) {
            *type = "ConfigurationException";
            snprintf(msg, msg_size, "cannot open the trust store %s: %s", sc->trust_store_path,
                     ua_status_name(st));
            goto fail;
        }
    }
    return 0;
oom:
    *type = "Exception";
    snprintf(msg, msg_size, "out of memory");
fail:
    dsecurity_clear(sec);
    return -1;
}

/* ua_client_verify_cert_cb: the trust store decides; without one any
 * certificate is accepted, as by the reference. */
static ua_status verify_server_cert(void *ud, const ua_ByteString *cert, const char *url, char *msg,
                                    size_t msg_size)
{
    dsecurity *sec = ud;
    if (!sec->trust)
        return UA_STATUS_GOOD;
    ua_trust_check check = {.policy = sec->trust_policy, .host = url,
                            .auto_accept = sec->auto_accept,
                            .auto_accept_force = sec->auto_accept_force};
    ua_trust_result r;
    ua_status st = ua_trust_validate(sec->trust, &check, cert, &r);
    if (st == UA_STATUS_GOOD) {
        sec->trust_status = UA_STATUS_GOOD;
        sec->trust_message[0] = 0;
        return st;
    }
    sec->trust_status = st;
    snprintf(sec->trust_message, sizeof(sec->trust_message), "%s", r.message);
    snprintf(msg, msg_size, "%s", r.message);
    return st;
}

void dsecurity_apply(dsecurity *sec, const session_config *sc, ua_client_config *cc)
{
    cc->channel.policy = sec->policy_uri ? &ua_policy_find(sec->policy_uri)->ops : NULL;
    cc->channel.security_mode =
        sc->has_security_mode ? sc->security_mode : sec->policy_uri ? 3 : 1;
    if (sec->client_key) {
        cc->client_cert_der = sec->client_cert;
        cc->client_key = sec->client_key;
    }
    if (sec->application_uri)
        cc->application_uri = sec->application_uri;
    if (sec->user_key) {
        cc->user_cert_der = sec->user_cert;
        cc->user_key = sec->user_key;
    }
    cc->verify_server_cert = verify_server_cert;
    cc->verify_ud = sec;
}

void dsecurity_clear(dsecurity *sec)
{
    ua_clear(&sec->client_cert, UA_BUILTIN(UA_KIND_BYTESTRING));
    ua_clear(&sec->user_cert, UA_BUILTIN(UA_KIND_BYTESTRING));
    EVP_PKEY_free(sec->client_key);
    EVP_PKEY_free(sec->user_key);
    free(sec->application_uri);
    ua_trust_store_delete(sec->trust);
    memset(sec, 0, sizeof(*sec));
}

/* ---- trust store methods --------------------------------------------------- */

static json_t *entries_json(const ua_trust_entry *e, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        char nb[40] = "", na[40] = "";
        ua_datetime_print_iso(e[i].info.not_before, 0, nb, sizeof(nb));
        ua_datetime_print_iso(e[i].info.not_after, 0, na, sizeof(na));
        json_t *o = json_pack("{s:s,s:s?,s:s?,s:s?,s:s,s:s}", "thumbprint", e[i].info.thumbprint,
                              "subject", e[i].info.subject, "issuer", e[i].info.issuer,
                              "applicationUri", e[i].info.application_uri, "notBefore", nb,
                              "notAfter", na);
        if (o)
            json_array_append_new(a, o);
    }
    return a;
}

/* The certificate text a caller sent: base64 of DER (the reference client
 * base64-encodes before sending), or PEM text. */
static ua_status cert_from_param(const char *text, size_t len, ua_ByteString *out)
{
    if (len > UA_CERT_MAX_FILE)
        return UA_STATUS_BADENCODINGLIMITSEXCEEDED;
    if (strstr(text, "-----BEGIN")) {
        ua_ByteString pem = {len, (uint8_t *)(uintptr_t)text};
        return ua_cert_parse(pem.data, pem.length, out, NULL, NULL);
    }
    uint8_t *der = malloc(len / 4 * 3 + 3);
    size_t der_len = 0;
    if (!der)
        return UA_STATUS_BADOUTOFMEMORY;
    if (base64_decode(text, len, der, &der_len) != 0) {
        free(der);
        return UA_STATUS_BADCERTIFICATEINVALID;
    }
    ua_status st = ua_cert_parse(der, der_len, out, NULL, NULL);
    free(der);
    return st;
}

json_t *dsecurity_trust_method(dsecurity *sec, const char *method, const json_t *params,
                               const char **type, char *msg, size_t msg_size)
{
    const json_t *p0 = json_is_array(params) ? json_array_get(params, 0) : NULL;
    if (strcmp(method, "getTrustPolicy") == 0) {
        if (!sec->trust && !sec->trust_policy_set)
            return json_null();
        return json_string(ua_trust_policy_name(sec->trust_policy));
    }
    if (strcmp(method, "getTrustStore") == 0) {
        if (!sec->trust)
            return json_null();
        ua_trust_list list;
        if (ua_trust_list_get(sec->trust, &list) != UA_STATUS_GOOD) {
            ua_trust_list_clear(&list);
            *type = "Exception";
            snprintf(msg, msg_size, "cannot list the trust store");
            return NULL;
        }
        json_t *o = json_pack("{s:s,s:s,s:o,s:o}", "path", ua_trust_store_root(sec->trust),
                              "policy", ua_trust_policy_name(sec->trust_policy), "trusted",
                              entries_json(list.trusted, list.trusted_count), "rejected",
                              entries_json(list.rejected, list.rejected_count));
        ua_trust_list_clear(&list);
        return o;
    }
    if (!json_is_string(p0)) {
        *type = "TypeError";
        snprintf(msg, msg_size, "%s: the first parameter must be a string", method);
        return NULL;
    }
    if (!sec->trust)
        return json_null(); /* the reference: a no-op without a trust store */
    ua_status st;
    if (strcmp(method, "trustCertificate") == 0) {
        ua_ByteString der = {0, NULL};
        st = cert_from_param(json_string_value(p0), json_string_length(p0), &der);
        char thumb[UA_CERT_THUMBPRINT_HEX] = "";
        if (st == UA_STATUS_GOOD)
            st = ua_trust_add(sec->trust, &der, thumb);
        ua_clear(&der, UA_BUILTIN(UA_KIND_BYTESTRING));
        if (st == UA_STATUS_GOOD) {
            log_info("Trusted certificate %s in %s", thumb, ua_trust_store_root(sec->trust));
            return json_null();
        }
        *type = st == UA_STATUS_BADCERTIFICATEINVALID ? "InvalidArgumentException" : "Exception";
        snprintf(msg, msg_size,
                 "trustCertificate: %s (expected the DER certificate as base64, or PEM text)",
                 ua_status_name(st));
        return NULL;
    }
    st = ua_trust_remove(sec->trust, json_string_value(p0));
    if (st == UA_STATUS_GOOD) {
        log_info("Untrusted certificate %s in %s", json_string_value(p0),
                 ua_trust_store_root(sec->trust));
        return json_null();
    }
    *type = st == UA_STATUS_BADINVALIDARGUMENT ? "InvalidArgumentException" : "Exception";
    snprintf(msg, msg_size, "untrustCertificate: %s%s", ua_status_name(st),
             st == UA_STATUS_BADINVALIDARGUMENT ? " (expected a SHA-1 thumbprint: 40 hex digits)"
             : st == UA_STATUS_BADNOTFOUND      ? " (no trusted certificate has it)"
                                                : "");
    return NULL;
}
