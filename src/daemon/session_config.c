/* `open` config: coercion, sanitised copy and reuse key (see the header). */
#include "session_config.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/random.h"

static unsigned char hash_key[32];
static bool hash_key_set;

int session_config_init_key(void)
{
    if (osm_random_bytes(hash_key, sizeof(hash_key)) != 0)
        return -1;
    hash_key_set = true;
    return 0;
}

static const char *const policies[] = {
    "http://opcfoundation.org/UA/SecurityPolicy#None",
    "http://opcfoundation.org/UA/SecurityPolicy#Basic128Rsa15",
    "http://opcfoundation.org/UA/SecurityPolicy#Basic256",
    "http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256",
    "http://opcfoundation.org/UA/SecurityPolicy#Aes128_Sha256_RsaOaep",
    "http://opcfoundation.org/UA/SecurityPolicy#Aes256_Sha256_RsaPss",
    "http://opcfoundation.org/UA/SecurityPolicy#ECC_nistP256",
    "http://opcfoundation.org/UA/SecurityPolicy#ECC_nistP384",
    "http://opcfoundation.org/UA/SecurityPolicy#ECC_brainpoolP256r1",
    "http://opcfoundation.org/UA/SecurityPolicy#ECC_brainpoolP384r1",
    NULL,
};

static const char *const trust_policies[] = {"fingerprint", "fingerprint+expiry", "full", NULL};

static void set_err(config_error *err, const char *type, const char *key, const char *what)
{
    err->type = type;
    snprintf(err->message, sizeof(err->message), "config.%s %s", key, what);
}

static int to_double(const json_t *v, const char *key, double *out, config_error *err)
{
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return 0;
    }
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return 0;
    }
    if (json_is_string(v)) {
        char *end;
        const char *s = json_string_value(v);
        double d = strtod(s, &end);
        if (*s && !*end) {
            *out = d;
            return 0;
        }
    }
    set_err(err, "TypeError", key, "must be a number");
    return -1;
}

static int to_long(const json_t *v, const char *key, long *out, config_error *err)
{
    double d;
    if (to_double(v, key, &d, err) != 0) {
        set_err(err, "TypeError", key, "must be an integer");
        return -1;
    }
    if (d > 2147483647.0 || d < -2147483648.0) {
        set_err(err, "ValueError", key, "is out of range");
        return -1;
    }
    *out = (long)d;
    return 0;
}

static int to_bool(const json_t *v, const char *key, bool *out, config_error *err)
{
    if (json_is_boolean(v))
        *out = json_is_true(v);
    else if (json_is_number(v))
        *out = json_number_value(v) != 0;
    else if (json_is_string(v))
        *out = json_string_length(v) > 0 && strcmp(json_string_value(v), "0") != 0;
    else {
        set_err(err, "TypeError", key, "must be a boolean");
        return -1;
    }
    return 0;
}

static int to_string(const json_t *v, const char *key, char **out, config_error *err)
{
    char buf[64];
    const char *s;
    if (json_is_string(v)) {
        s = json_string_value(v);
        if (strlen(s) != json_string_length(v)) {
            set_err(err, "ValueError", key, "must not contain NUL bytes");
            return -1;
        }
    } else if (json_is_integer(v)) {
        snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
        s = buf;
    } else if (json_is_real(v)) {
        snprintf(buf, sizeof(buf), "%.17g", json_real_value(v));
        s = buf;
    } else {
        set_err(err, "TypeError", key, "must be a string");
        return -1;
    }
    *out = strdup(s);
    return *out ? 0 : -1;
}

static bool one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

void session_config_clear(session_config *cfg)
{
    char **strings[] = {&cfg->security_policy,  &cfg->username,        &cfg->password,
                        &cfg->client_cert_path, &cfg->client_key_path, &cfg->ca_cert_path,
                        &cfg->user_cert_path,   &cfg->user_key_path,   &cfg->trust_store_path,
                        &cfg->trust_policy,     &cfg->client_key_password,
                        &cfg->user_key_password, &cfg->reverse_connect};
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
        if (*strings[i]) {
            OPENSSL_cleanse(*strings[i], strlen(*strings[i]));
            free(*strings[i]);
        }
    }
    memset(cfg, 0, sizeof(*cfg));
}

int session_config_parse(const json_t *config, session_config *out, config_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!config || json_is_null(config))
        return 0;
    /* PHP decodes {} as an empty array, so [] is an empty config too. */
    if (json_is_array(config) && json_array_size(config) == 0)
        return 0;
    if (!json_is_object(config)) {
        err->type = "TypeError";
        snprintf(err->message, sizeof(err->message), "config must be an object");
        return -1;
    }
    const char *key;
    json_t *v;
    int rc = 0;
    json_object_foreach((json_t *)config, key, v)
    {
        if (json_is_null(v))
            continue;
        if (strcmp(key, "opcuaTimeout") == 0) {
            rc = to_double(v, key, &out->opcua_timeout, err);
            out->has_opcua_timeout = true;
            if (rc == 0 && out->opcua_timeout <= 0) {
                set_err(err, "ValueError", key, "must be greater than 0");
                rc = -1;
            }
        } else if (strcmp(key, "autoRetry") == 0) {
            rc = to_long(v, key, &out->auto_retry, err);
            out->has_auto_retry = true;
        } else if (strcmp(key, "batchSize") == 0) {
            rc = to_long(v, key, &out->batch_size, err);
            out->has_batch_size = true;
        } else if (strcmp(key, "defaultBrowseMaxDepth") == 0) {
            rc = to_long(v, key, &out->default_browse_max_depth, err);
            out->has_browse_depth = true;
        } else if (strcmp(key, "securityPolicy") == 0) {
            rc = to_string(v, key, &out->security_policy, err);
            if (rc == 0 && !one_of(out->security_policy, policies)) {
                err->type = "ValueError";
                snprintf(err->message, sizeof(err->message),
                         "\"%.160s\" is not a valid security policy URI", out->security_policy);
                rc = -1;
            }
        } else if (strcmp(key, "securityMode") == 0) {
            long m = 0;
            rc = to_long(v, key, &m, err);
            out->security_mode = (int)m;
            out->has_security_mode = true;
            if (rc == 0 && (m < 1 || m > 3)) {
                err->type = "ValueError";
                snprintf(err->message, sizeof(err->message),
                         "%ld is not a valid security mode (1 None, 2 Sign, 3 SignAndEncrypt)", m);
                rc = -1;
            }
        } else if (strcmp(key, "username") == 0) {
            rc = to_string(v, key, &out->username, err);
        } else if (strcmp(key, "password") == 0) {
            rc = to_string(v, key, &out->password, err);
        } else if (strcmp(key, "clientCertPath") == 0) {
            rc = to_string(v, key, &out->client_cert_path, err);
        } else if (strcmp(key, "clientKeyPath") == 0) {
            rc = to_string(v, key, &out->client_key_path, err);
        } else if (strcmp(key, "caCertPath") == 0) {
            rc = to_string(v, key, &out->ca_cert_path, err);
        } else if (strcmp(key, "userCertPath") == 0) {
            rc = to_string(v, key, &out->user_cert_path, err);
        } else if (strcmp(key, "userKeyPath") == 0) {
            rc = to_string(v, key, &out->user_key_path, err);
        } else if (strcmp(key, "clientKeyPassword") == 0) {
            rc = to_string(v, key, &out->client_key_password, err);
        } else if (strcmp(key, "userKeyPassword") == 0) {
            rc = to_string(v, key, &out->user_key_password, err);
        } else if (strcmp(key, "trustStorePath") == 0) {
            rc = to_string(v, key, &out->trust_store_path, err);
        } else if (strcmp(key, "trustPolicy") == 0) {
            rc = to_string(v, key, &out->trust_policy, err);
            if (rc == 0 && !one_of(out->trust_policy, trust_policies)) {
                err->type = "ValueError";
                snprintf(err->message, sizeof(err->message),
                         "\"%.64s\" is not a valid trust policy (fingerprint, fingerprint+expiry, "
                         "full)",
                         out->trust_policy);
                rc = -1;
            }
        } else if (strcmp(key, "reverseConnect") == 0) {
            if (json_is_boolean(v)) {
                out->reverse_connect = json_is_true(v) ? strdup("") : NULL;
                rc = json_is_true(v) && !out->reverse_connect ? -1 : 0;
            } else {
                rc = to_string(v, key, &out->reverse_connect, err);
                if (rc == 0 && !out->reverse_connect[0]) {
                    set_err(err, "ValueError", key, "must be a ServerUri or true");
                    rc = -1;
                }
            }
        } else if (strcmp(key, "autoAccept") == 0) {
            rc = to_bool(v, key, &out->auto_accept, err);
            out->has_auto_accept = true;
        } else if (strcmp(key, "autoAcceptForce") == 0) {
            rc = to_bool(v, key, &out->auto_accept_force, err);
            out->has_auto_accept_force = true;
        } else if (strcmp(key, "autoDetectWriteType") == 0) {
            rc = to_bool(v, key, &out->auto_detect_write_type, err);
            out->has_auto_detect_write_type = true;
        } else if (strcmp(key, "readMetadataCache") == 0) {
            rc = to_bool(v, key, &out->read_metadata_cache, err);
            out->has_read_metadata_cache = true;
        }
        if (rc != 0)
            break;
    }
    if (rc != 0)
        session_config_clear(out);
    return rc;
}

json_t *session_config_sanitised(const session_config *c, bool for_list)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    if (c->has_opcua_timeout)
        json_object_set_new(o, "opcuaTimeout", json_real(c->opcua_timeout));
    if (c->has_auto_retry)
        json_object_set_new(o, "autoRetry", json_integer(c->auto_retry));
    if (c->has_batch_size)
        json_object_set_new(o, "batchSize", json_integer(c->batch_size));
    if (c->has_browse_depth)
        json_object_set_new(o, "defaultBrowseMaxDepth", json_integer(c->default_browse_max_depth));
    if (c->security_policy)
        json_object_set_new(o, "securityPolicy", json_string(c->security_policy));
    if (c->has_security_mode)
        json_object_set_new(o, "securityMode", json_integer(c->security_mode));
    if (!for_list && c->username)
        json_object_set_new(o, "username", json_string(c->username));
    if (c->client_cert_path)
        json_object_set_new(o, "clientCertPath", json_string(c->client_cert_path));
    if (c->user_cert_path)
        json_object_set_new(o, "userCertPath", json_string(c->user_cert_path));
    if (c->trust_store_path)
        json_object_set_new(o, "trustStorePath", json_string(c->trust_store_path));
    if (c->trust_policy)
        json_object_set_new(o, "trustPolicy", json_string(c->trust_policy));
    if (c->has_auto_accept)
        json_object_set_new(o, "autoAccept", json_boolean(c->auto_accept));
    if (c->has_auto_accept_force)
        json_object_set_new(o, "autoAcceptForce", json_boolean(c->auto_accept_force));
    if (c->has_auto_detect_write_type)
        json_object_set_new(o, "autoDetectWriteType", json_boolean(c->auto_detect_write_type));
    if (c->has_read_metadata_cache)
        json_object_set_new(o, "readMetadataCache", json_boolean(c->read_metadata_cache));
    if (c->reverse_connect)
        json_object_set_new(o, "reverseConnect", c->reverse_connect[0]
                                                     ? json_string(c->reverse_connect)
                                                     : json_true());
    return o;
}

/* HMAC-SHA256 over every credential, each prefixed by its presence. */
static int credential_hash(const session_config *c, char hex[65])
{
    const char *fields[] = {c->username,        c->password,        c->client_cert_path,
                            c->client_key_path, c->ca_cert_path,    c->user_cert_path,
                            c->user_key_path,   c->trust_store_path, c->client_key_password,
                            c->user_key_password};
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0),
                           OSSL_PARAM_construct_end()};
    int ok = ctx && hash_key_set && EVP_MAC_init(ctx, hash_key, sizeof(hash_key), params);
    for (size_t i = 0; ok && i < sizeof(fields) / sizeof(fields[0]); i++) {
        unsigned char tag = fields[i] ? 1 : 0;
        uint32_t len = fields[i] ? (uint32_t)strlen(fields[i]) : 0;
        unsigned char len_be[4] = {(unsigned char)(len >> 24), (unsigned char)(len >> 16),
                                   (unsigned char)(len >> 8), (unsigned char)len};
        ok = EVP_MAC_update(ctx, &tag, 1) && EVP_MAC_update(ctx, len_be, 4) &&
             (len == 0 || EVP_MAC_update(ctx, (const unsigned char *)fields[i], len));
    }
    unsigned char out[32];
    size_t out_len = 0;
    ok = ok && EVP_MAC_final(ctx, out, &out_len, sizeof(out)) && out_len == 32;
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    if (!ok)
        return -1;
    for (size_t i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", out[i]);
    return 0;
}

char *session_config_reuse_key(const char *endpoint_url, const session_config *cfg)
{
    json_t *san = session_config_sanitised(cfg, false);
    char *text = san ? json_dumps(san, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(san);
    char hex[65];
    if (!text || credential_hash(cfg, hex) != 0) {
        free(text);
        return NULL;
    }
    size_t n = strlen(endpoint_url) + strlen(text) + 70;
    char *key = malloc(n);
    if (key)
        snprintf(key, n, "%s\n%s\n%s", endpoint_url, text, hex);
    free(text);
    return key;
}
