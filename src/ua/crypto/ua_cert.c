/* Application instance certificates (Part 6 (1.05) 6.2.2): PEM/DER loading
 * of certificates and keys, generation of a self-signed certificate, the
 * own certificate kept on disk, and read-only inspection. Does not decide
 * trust (ua_trust does) and never logs: errors go back in ua_cert_error,
 * without passwords, key bytes or key paths. */
#include "ua_cert.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ua_crypto.h"
#include "ua_statuscodes.h"
#include "ua_text.h"

#define BYTESTRING UA_BUILTIN(UA_KIND_BYTESTRING)

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static ua_status
fail(ua_cert_error *err, enum ua_cert_reason reason, ua_status rc, const char *fmt, ...)
{
    ERR_clear_error();
    if (!err)
        return rc;
    err->reason = reason;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return rc;
}

static void ok(ua_cert_error *err)
{
    if (err) {
        err->reason = UA_CERT_OK;
        err->message[0] = 0;
    }
}

static ua_status set_bytes(ua_ByteString *dst, const uint8_t *data, size_t len)
{
    return ua_string_from_bytes(dst, data, len);
}

static ua_status set_x509(ua_ByteString *dst, X509 *x)
{
    unsigned char *buf = NULL;
    int len = i2d_X509(x, &buf);
    if (len <= 0) {
        ERR_clear_error();
        return UA_STATUS_BADCERTIFICATEINVALID;
    }
    ua_status rc = set_bytes(dst, buf, (size_t)len);
    OPENSSL_free(buf);
    return rc;
}

/* Parses the first DER certificate of der; *used (may be NULL) gets its
 * length. Returns owned (X509_free) or NULL. */
static X509 *first_cert(const ua_ByteString *der, size_t *used)
{
    if (!der || !der->data || der->length == 0 || der->length > LONG_MAX)
        return NULL;
    const unsigned char *p = der->data;
    X509 *x = d2i_X509(NULL, &p, (long)der->length);
    if (!x) {
        ERR_clear_error();
        return NULL;
    }
    if (used)
        *used = (size_t)(p - der->data);
    return x;
}

/* A pem_password_cb that refuses: certificates are never encrypted, and
 * OpenSSL must not prompt on a terminal. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
    return -1;
}

static bool looks_like_pem(const uint8_t *data, size_t len)
{
    static const char tag[] = "-----BEGIN ";
    const size_t n = sizeof(tag) - 1;
    for (size_t i = 0; i + n <= len; i++)
        if (data[i] == '-' && memcmp(data + i, tag, n) == 0)
            return true;
    return false;
}

static ua_status append(ua_ByteString *chain, const uint8_t *data, size_t len)
{
    uint8_t *grown = realloc(chain->data, chain->length + len + 1);
    if (!grown)
        return UA_STATUS_BADOUTOFMEMORY;
    memcpy(grown + chain->length, data, len);
    chain->data = grown;
    chain->length += len;
    grown[chain->length] = 0;
    return UA_STATUS_GOOD;
}

/* PEM: every CERTIFICATE block in order; other blocks are skipped. */
static ua_status parse_pem(const uint8_t *data, size_t len, ua_ByteString *leaf,
                           ua_ByteString *chain)
{
    if (len > INT_MAX)
        return UA_STATUS_BADCERTIFICATEINVALID;
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    if (!bio)
        return UA_STATUS_BADOUTOFMEMORY;
    ua_status rc = UA_STATUS_GOOD;
    X509 *x;
    size_t n = 0;
    while (rc == UA_STATUS_GOOD && (x = PEM_read_bio_X509(bio, NULL, no_password, NULL))) {
        ua_ByteString one = {0, NULL};
        rc = set_x509(&one, x);
        if (rc == UA_STATUS_GOOD && n == 0)
            rc = ua_copy(&one, leaf, BYTESTRING);
        if (rc == UA_STATUS_GOOD && chain)
            rc = append(chain, one.data, one.length);
        ua_clear(&one, BYTESTRING);
        X509_free(x);
        n++;
    }
    ERR_clear_error();
    BIO_free(bio);
    if (rc == UA_STATUS_GOOD && n == 0)
        rc = UA_STATUS_BADCERTIFICATEINVALID;
    return rc;
}

/* DER: one certificate or several concatenated, nothing else after them. */
static ua_status parse_der(const uint8_t *data, size_t len, ua_ByteString *leaf,
                           ua_ByteString *chain)
{
    size_t off = 0;
    while (off < len) {
        ua_ByteString rest = {len - off, (uint8_t *)(uintptr_t)(data + off)};
        size_t used = 0;
        X509 *x = first_cert(&rest, &used);
        if (!x)
            return UA_STATUS_BADCERTIFICATEINVALID;
        X509_free(x);
        ua_status rc = UA_STATUS_GOOD;
        if (off == 0)
            rc = set_bytes(leaf, data, used);
        if (rc == UA_STATUS_GOOD && chain)
            rc = append(chain, data + off, used);
        if (rc != UA_STATUS_GOOD)
            return rc;
        off += used;
    }
    return off > 0 ? UA_STATUS_GOOD : UA_STATUS_BADCERTIFICATEINVALID;
}

ua_status ua_cert_parse(const uint8_t *data, size_t len, ua_ByteString *leaf, ua_ByteString *chain,
                        ua_cert_error *err)
{
    *leaf = (ua_ByteString){0, NULL};
    if (chain)
        *chain = (ua_ByteString){0, NULL};
    if (!data || len == 0)
        return fail(err, UA_CERT_ERR_FORMAT, UA_STATUS_BADCERTIFICATEINVALID, "empty input");
    ua_status rc = looks_like_pem(data, len) ? parse_pem(data, len, leaf, chain)
                                             : parse_der(data, len, leaf, chain);
    if (rc != UA_STATUS_GOOD) {
        ua_clear(leaf, BYTESTRING);
        if (chain)
            ua_clear(chain, BYTESTRING);
        if (rc == UA_STATUS_BADOUTOFMEMORY)
            return fail(err, UA_CERT_ERR_INTERNAL, rc, "out of memory");
        return fail(err, UA_CERT_ERR_FORMAT, rc, "not an X.509 certificate in PEM or DER");
    }
    ok(err);
    return UA_STATUS_GOOD;
}

ua_status ua_cert_load_file(const char *path, const char *label, ua_ByteString *leaf,
                            ua_ByteString *chain, ua_cert_error *err)
{
    *leaf = (ua_ByteString){0, NULL};
    if (chain)
        *chain = (ua_ByteString){0, NULL};
    if (!path)
        return fail(err, UA_CERT_ERR_ARGUMENT, UA_STATUS_BADINVALIDARGUMENT, "no path given");
    const char *name = label ? label : path;
    ua_ByteString file = {0, NULL};
    ua_status rc = ua_cert_file_read(path, UA_CERT_MAX_FILE, &file);
    if (rc != UA_STATUS_GOOD)
        return fail(err, UA_CERT_ERR_IO, UA_STATUS_BADNOTREADABLE, "%s: cannot read (%s)", name,
                    ua_status_name(rc));
    rc = ua_cert_parse(file.data, file.length, leaf, chain, err);
    ua_clear(&file, BYTESTRING);
    if (rc != UA_STATUS_GOOD && err) {
        char why[sizeof(err->message)];
        memcpy(why, err->message, sizeof(why));
        snprintf(err->message, sizeof(err->message), "%.200s: %.300s", name, why);
    }
    return rc;
}

/* ---- private keys ---------------------------------------------------- */

typedef struct pw_state {
    const char *password;
    bool asked;
} pw_state;

static int pem_password(char *buf, int size, int rwflag, void *u)
{
    pw_state *st = u;
    st->asked = true;
    if (!st->password || size <= 0)
        return -1;
    size_t n = strlen(st->password);
    if (n > (size_t)size)
        return -1;
    memcpy(buf, st->password, n);
    return (int)n;
}

static int decoder_password(char *buf, size_t size, size_t *len, const OSSL_PARAM params[], void *u)
{
    pw_state *st = u;
    st->asked = true;
    if (!st->password)
        return 0;
    size_t n = strlen(st->password);
    if (n > size)
        return 0;
    memcpy(buf, st->password, n);
    *len = n;
    return 1;
}

/* DER: PKCS#8 (plain or encrypted) or a traditional key, found by the
 * OpenSSL 3 decoder chain. */
static EVP_PKEY *decode_der_key(const uint8_t *data, size_t len, pw_state *st)
{
    EVP_PKEY *key = NULL;
    OSSL_DECODER_CTX *ctx =
        OSSL_DECODER_CTX_new_for_pkey(&key, "DER", NULL, NULL, EVP_PKEY_KEYPAIR, NULL, NULL);
    if (!ctx)
        return NULL;
    const unsigned char *p = data;
    size_t left = len;
    if (OSSL_DECODER_CTX_set_passphrase_cb(ctx, decoder_password, st) != 1 ||
        OSSL_DECODER_from_data(ctx, &p, &left) != 1) {
        EVP_PKEY_free(key);
        key = NULL;
    }
    OSSL_DECODER_CTX_free(ctx);
    return key;
}

ua_status ua_cert_load_key(const char *path, const char *label, const char *password,
                           EVP_PKEY **key, ua_cert_error *err)
{
    *key = NULL;
    const char *name = label ? label : "private key";
    if (!path)
        return fail(err, UA_CERT_ERR_ARGUMENT, UA_STATUS_BADINVALIDARGUMENT, "%s: no path given",
                    name);
    ua_ByteString file = {0, NULL};
    ua_status rc = ua_cert_file_read(path, UA_CERT_MAX_FILE, &file);
    if (rc != UA_STATUS_GOOD)
        return fail(err, UA_CERT_ERR_IO, UA_STATUS_BADNOTREADABLE, "%s: cannot read (%s)", name,
                    ua_status_name(rc));

    pw_state st = {password, false};
    if (looks_like_pem(file.data, file.length) && file.length <= INT_MAX) {
        BIO *bio = BIO_new_mem_buf(file.data, (int)file.length);
        if (bio)
            *key = PEM_read_bio_PrivateKey_ex(bio, NULL, pem_password, &st, NULL, NULL);
        BIO_free(bio);
    } else {
        *key = decode_der_key(file.data, file.length, &st);
    }
    OPENSSL_cleanse(file.data, file.length);
    ua_clear(&file, BYTESTRING);

    if (*key) {
        ok(err);
        return UA_STATUS_GOOD;
    }
    if (st.asked && !password)
        return fail(err, UA_CERT_ERR_PASSWORD, UA_STATUS_BADSECURITYCHECKSFAILED,
                    "%s: the key is encrypted and no password was given", name);
    if (st.asked)
        return fail(err, UA_CERT_ERR_PASSWORD, UA_STATUS_BADSECURITYCHECKSFAILED,
                    "%s: wrong password (the encrypted key cannot be decrypted with it)", name);
    return fail(err, UA_CERT_ERR_FORMAT, UA_STATUS_BADCERTIFICATEINVALID,
                "%s: not a private key in PEM or DER", name);
}

ua_status ua_cert_key_matches(const ua_ByteString *cert_der, EVP_PKEY *key, ua_cert_error *err)
{
    X509 *x = first_cert(cert_der, NULL);
    if (!x)
        return fail(err, UA_CERT_ERR_FORMAT, UA_STATUS_BADCERTIFICATEINVALID,
                    "not a DER certificate");
    EVP_PKEY *pub = X509_get0_pubkey(x); /* borrowed from x */
    int eq = (pub && key) ? EVP_PKEY_eq(pub, key) : 0;
    X509_free(x);
    if (eq != 1)
        return fail(err, UA_CERT_ERR_MISMATCH, UA_STATUS_BADCERTIFICATEINVALID,
                    "the private key does not belong to the certificate");
    ok(err);
    return UA_STATUS_GOOD;
}

/* ---- inspection -------------------------------------------------------- */

static char *name_string(const X509_NAME *name)
{
    BIO *bio = BIO_new(BIO_s_mem());
    if (!bio)
        return NULL;
    char *out = NULL;
    if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
        char *mem = NULL;
        long n = BIO_get_mem_data(bio, &mem);
        out = malloc(n > 0 ? (size_t)n + 1 : 1);
        if (out) {
            if (n > 0)
                memcpy(out, mem, (size_t)n);
            out[n > 0 ? n : 0] = 0;
        }
    }
    BIO_free(bio);
    ERR_clear_error();
    return out;
}

static ua_DateTime asn1_to_datetime(const ASN1_TIME *t)
{
    struct tm tm;
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) {
        ERR_clear_error();
        return 0;
    }
    return ua_datetime_from_unix_us((int64_t)timegm(&tm) * 1000000);
}

/* Returns the first SAN URI of x as a borrowed IA5String, or NULL. *names
 * returns owned (GENERAL_NAMES_free) and keeps the string alive. */
static const ASN1_IA5STRING *san_uri(X509 *x, GENERAL_NAMES **names)
{
    *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    ERR_clear_error();
    for (int i = 0; *names && i < sk_GENERAL_NAME_num(*names); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(*names, i);
        if (g->type == GEN_URI)
            return g->d.uniformResourceIdentifier;
    }
    return NULL;
}

ua_status ua_cert_application_uri(const ua_ByteString *cert_der, ua_String *uri)
{
    *uri = (ua_String){0, NULL};
    X509 *x = first_cert(cert_der, NULL);
    if (!x)
        return UA_STATUS_BADCERTIFICATEINVALID;
    GENERAL_NAMES *names = NULL;
    const ASN1_IA5STRING *s = san_uri(x, &names);
    ua_status rc = UA_STATUS_BADNOTFOUND;
    if (s && ASN1_STRING_length(s) > 0)
        rc = ua_string_from_bytes(uri, ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));
    GENERAL_NAMES_free(names);
    X509_free(x);
    return rc;
}

static void hex_upper(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = 0;
}

ua_status ua_cert_thumbprint_hex(const ua_ByteString *cert_der, char out[UA_CERT_THUMBPRINT_HEX])
{
    uint8_t md[20];
    out[0] = 0;
    ua_status rc = ua_crypto_thumbprint(cert_der, md);
    if (rc == UA_STATUS_GOOD)
        hex_upper(md, sizeof(md), out);
    return rc;
}

ua_status ua_cert_thumbprint_normalize(const char *in, char out[UA_CERT_THUMBPRINT_HEX])
{
    size_t n = 0;
    out[0] = 0;
    if (!in)
        return UA_STATUS_BADINVALIDARGUMENT;
    for (const char *p = in; *p; p++) {
        char c = *p;
        if (c == ':' || c == ' ')
            continue;
        if (c >= 'a' && c <= 'f')
            c = (char)(c - 'a' + 'A');
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')) || n == 40) {
            out[0] = 0;
            return UA_STATUS_BADINVALIDARGUMENT;
        }
        out[n++] = c;
    }
    out[n] = 0;
    if (n != 40) {
        out[0] = 0;
        return UA_STATUS_BADINVALIDARGUMENT;
    }
    return UA_STATUS_GOOD;
}

static const char *key_type_name(const EVP_PKEY *k)
{
    switch (EVP_PKEY_get_base_id(k)) {
    case EVP_PKEY_RSA:
        return "RSA";
    case EVP_PKEY_RSA_PSS:
        return "RSA-PSS";
    case EVP_PKEY_EC:
        return "EC";
    case EVP_PKEY_ED25519:
        return "Ed25519";
    case EVP_PKEY_ED448:
        return "Ed448";
    default:
        return "unknown";
    }
}

ua_status ua_cert_info_get(const ua_ByteString *cert_der, ua_cert_info *info)
{
    memset(info, 0, sizeof(*info));
    info->key_type = "unknown";
    X509 *x = first_cert(cert_der, NULL);
    if (!x)
        return UA_STATUS_BADCERTIFICATEINVALID;
    ua_status rc = ua_cert_thumbprint_hex(cert_der, info->thumbprint);
    if (rc != UA_STATUS_GOOD)
        goto out;
    rc = UA_STATUS_BADOUTOFMEMORY;
    info->subject = name_string(X509_get_subject_name(x));
    info->issuer = name_string(X509_get_issuer_name(x));
    if (!info->subject || !info->issuer)
        goto out;
    GENERAL_NAMES *names = NULL;
    const ASN1_IA5STRING *uri = san_uri(x, &names);
    if (uri) {
        int n = ASN1_STRING_length(uri);
        info->application_uri = malloc((size_t)(n > 0 ? n : 0) + 1);
        if (info->application_uri) {
            if (n > 0)
                memcpy(info->application_uri, ASN1_STRING_get0_data(uri), (size_t)n);
            info->application_uri[n > 0 ? n : 0] = 0;
        }
    }
    GENERAL_NAMES_free(names);
    if (uri && !info->application_uri)
        goto out;
    info->not_before = asn1_to_datetime(X509_get0_notBefore(x));
    info->not_after = asn1_to_datetime(X509_get0_notAfter(x));
    EVP_PKEY *pub = X509_get0_pubkey(x);
    if (pub) {
        info->key_bits = EVP_PKEY_get_bits(pub);
        info->key_type = key_type_name(pub);
    }
    ERR_clear_error();
    rc = UA_STATUS_GOOD;
out:
    X509_free(x);
    return rc;
}

void ua_cert_info_clear(ua_cert_info *info)
{
    free(info->subject);
    free(info->issuer);
    free(info->application_uri);
    memset(info, 0, sizeof(*info));
}

/* ---- generation ---------------------------------------------------------- */

typedef struct gen_names {
    char host[256];
    char uri[512];
    const char *app_name;
} gen_names;

static bool is_ia5(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
            return false;
    return true;
}

static ua_status fill_names(const ua_cert_params *p, gen_names *n, ua_cert_error *err)
{
    n->app_name = (p && p->application_name) ? p->application_name : "opcua-session-manager";
    if (p && p->hostname) {
        if (strlen(p->hostname) >= sizeof(n->host))
            return fail(err, UA_CERT_ERR_ARGUMENT, UA_STATUS_BADINVALIDARGUMENT,
                        "host name too long");
        memcpy(n->host, p->hostname, strlen(p->hostname) + 1);
    } else if (gethostname(n->host, sizeof(n->host)) != 0 || n->host[0] == 0) {
        memcpy(n->host, "localhost", sizeof("localhost"));
    }
    n->host[sizeof(n->host) - 1] = 0;
    int len = (p && p->application_uri)
                  ? snprintf(n->uri, sizeof(n->uri), "%s", p->application_uri)
                  : snprintf(n->uri, sizeof(n->uri), "urn:%s:opcua-session-manager", n->host);
    if (len < 0 || (size_t)len >= sizeof(n->uri))
        return fail(err, UA_CERT_ERR_ARGUMENT, UA_STATUS_BADINVALIDARGUMENT,
                    "application URI too long");
    if (!is_ia5(n->host) || !is_ia5(n->uri) || n->uri[0] == 0)
        return fail(err, UA_CERT_ERR_ARGUMENT, UA_STATUS_BADINVALIDARGUMENT,
                    "host name and application URI must be printable ASCII without spaces");
    return UA_STATUS_GOOD;
}

static int push_name(GENERAL_NAMES *names, int type, const char *value)
{
    GENERAL_NAME *g = NULL;
    if (type == GEN_DNS) {
        /* An IP literal goes in as iPAddress, a name as dNSName. */
        ASN1_OCTET_STRING *ip = a2i_IPADDRESS(value);
        ERR_clear_error();
        if (ip) {
            g = GENERAL_NAME_new();
            if (!g) {
                ASN1_OCTET_STRING_free(ip);
                return 0;
            }
            GENERAL_NAME_set0_value(g, GEN_IPADD, ip);
        }
    }
    if (!g) {
        ASN1_IA5STRING *s = ASN1_IA5STRING_new();
        g = GENERAL_NAME_new();
        if (!s || !g || ASN1_STRING_set(s, value, -1) != 1) {
            ASN1_IA5STRING_free(s);
            GENERAL_NAME_free(g);
            return 0;
        }
        GENERAL_NAME_set0_value(g, type, s);
    }
    if (sk_GENERAL_NAME_push(names, g) <= 0) {
        GENERAL_NAME_free(g);
        return 0;
    }
    return 1;
}

/* subjectAltName built from GENERAL_NAMEs, not from a config string, so a
 * comma in the URI cannot inject another name. */
static int add_san(X509 *x, const gen_names *n)
{
    GENERAL_NAMES *names = sk_GENERAL_NAME_new_null();
    int good = names && push_name(names, GEN_URI, n->uri) && push_name(names, GEN_DNS, n->host) &&
               (strcmp(n->host, "localhost") == 0 || push_name(names, GEN_DNS, "localhost")) &&
               X509_add1_ext_i2d(x, NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT) == 1;
    GENERAL_NAMES_free(names);
    return good;
}

static int add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *ext = X509V3_EXT_nconf_nid(NULL, ctx, nid, value);
    if (!ext)
        return 0;
    int good = X509_add_ext(x, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return good;
}

static int set_serial(X509 *x)
{
    uint8_t buf[16];
    if (ua_crypto_random(buf, sizeof(buf)) != UA_STATUS_GOOD)
        return 0;
    buf[0] = (uint8_t)((buf[0] & 0x7f) | 0x40); /* positive, full 16 bytes */
    BIGNUM *bn = BN_bin2bn(buf, sizeof(buf), NULL);
    int good = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
    BN_free(bn);
    return good;
}

static int set_validity(X509 *x, const ua_cert_params *p)
{
    time_t now = time(NULL);
    unsigned days = (p && p->days) ? p->days : 365;
    time_t from = (p && p->not_before) ? p->not_before : now - 3600;
    time_t to = (p && p->not_after) ? p->not_after : now + (time_t)days * 86400;
    return ASN1_TIME_set(X509_getm_notBefore(x), from) && ASN1_TIME_set(X509_getm_notAfter(x), to);
}

static int set_subject(X509 *x, const char *cn)
{
    X509_NAME *name = X509_get_subject_name(x);
    return X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1,
                                      0) == 1 &&
           X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                      (const unsigned char *)"opcua-session-manager", -1, -1,
                                      0) == 1;
}

/* Extensions of Part 6 (1.05) 6.2.2 (application instance certificate);
 * a CA gets CA:TRUE and certificate / CRL signing instead. The SKI must
 * exist before the AKI, which copies the issuer's. */
static int add_extensions(X509 *x, X509 *issuer, const gen_names *n, bool ca)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    if (ca)
        return add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE") &&
               add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature,keyCertSign,cRLSign") &&
               add_ext(x, &ctx, NID_subject_key_identifier, "hash") &&
               add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
    return add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE") &&
           add_ext(x, &ctx, NID_key_usage,
                   "critical,digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment") &&
           add_ext(x, &ctx, NID_ext_key_usage, "serverAuth,clientAuth") &&
           add_ext(x, &ctx, NID_subject_key_identifier, "hash") &&
           add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always") && add_san(x, n);
}

static X509 *build_cert(const ua_cert_params *p, const gen_names *n, EVP_PKEY *key, X509 *issuer)
{
    X509 *x = X509_new();
    if (!x)
        return NULL;
    EVP_PKEY *signer = issuer ? p->issuer_key : key;
    bool ca = p && p->ca;
    if (X509_set_version(x, 2) == 1 && set_serial(x) && set_validity(x, p) &&
        X509_set_pubkey(x, key) == 1 && set_subject(x, n->app_name) &&
        X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer)
                                       : X509_get_subject_name(x)) == 1 &&
        add_extensions(x, issuer, n, ca) && X509_sign(x, signer, EVP_sha256()) > 0)
        return x;
    X509_free(x);
    return NULL;
}

ua_status ua_cert_generate(const ua_cert_params *p, ua_ByteString *cert_der, EVP_PKEY **key,
                           ua_cert_error *err)
{
    *cert_der = (ua_ByteString){0, NULL};
    *key = NULL;
    unsigned bits = (p && p->key_bits) ? p->key_bits : 2048;
    if (bits < 1024 || bits > 8192)
        return fail(err, UA_CERT_ERR_ARGUMENT, UA_STATUS_BADINVALIDARGUMENT,
                    "RSA key size %u outside 1024..8192", bits);
    if (p && (!p->issuer_cert) != (!p->issuer_key))
        return fail(err, UA_CERT_ERR_ARGUMENT, UA_STATUS_BADINVALIDARGUMENT,
                    "issuer certificate and issuer key go together");
    gen_names n;
    ua_status rc = fill_names(p, &n, err);
    if (rc != UA_STATUS_GOOD)
        return rc;
    X509 *issuer = NULL;
    if (p && p->issuer_cert && !(issuer = first_cert(p->issuer_cert, NULL)))
        return fail(err, UA_CERT_ERR_FORMAT, UA_STATUS_BADINVALIDARGUMENT,
                    "issuer certificate is not a DER certificate");

    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
    X509 *x = k ? build_cert(p, &n, k, issuer) : NULL;
    X509_free(issuer);
    if (!x) {
        EVP_PKEY_free(k);
        return fail(err, UA_CERT_ERR_INTERNAL, UA_STATUS_BADINTERNALERROR,
                    "cannot build the certificate (application name over 64 characters?)");
    }
    rc = set_x509(cert_der, x);
    X509_free(x);
    if (rc != UA_STATUS_GOOD) {
        EVP_PKEY_free(k);
        return fail(err, UA_CERT_ERR_INTERNAL, rc, "cannot encode the certificate");
    }
    *key = k;
    ok(err);
    return UA_STATUS_GOOD;
}

/* ---- the own certificate on disk --------------------------------------- */

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Unencrypted PKCS#8 PEM, built in secure memory and cleansed. */
static ua_status write_key(const char *path, EVP_PKEY *key)
{
    BIO *bio = BIO_new(BIO_s_secmem());
    if (!bio)
        return UA_STATUS_BADOUTOFMEMORY;
    ua_status rc = UA_STATUS_BADINTERNALERROR;
    if (PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL) == 1) {
        char *mem = NULL;
        long n = BIO_get_mem_data(bio, &mem);
        if (n > 0)
            rc = ua_cert_file_write(path, (const uint8_t *)mem, (size_t)n, 0600);
    }
    ERR_clear_error();
    BIO_free(bio);
    return rc;
}

static ua_status load_own(const char *cert_path, const char *key_path, ua_ByteString *cert_der,
                          EVP_PKEY **key, ua_cert_error *err)
{
    ua_status rc = ua_cert_load_file(cert_path, UA_CERT_OWN_CERT, cert_der, NULL, err);
    if (rc == UA_STATUS_GOOD)
        rc = ua_cert_load_key(key_path, UA_CERT_OWN_KEY, NULL, key, err);
    if (rc == UA_STATUS_GOOD)
        rc = ua_cert_key_matches(cert_der, *key, err);
    if (rc != UA_STATUS_GOOD) {
        ua_clear(cert_der, BYTESTRING);
        EVP_PKEY_free(*key);
        *key = NULL;
    }
    return rc;
}

static ua_status create_own(const char *dir, const char *cert_path, const char *key_path,
                            const ua_cert_params *p, ua_ByteString *cert_der, EVP_PKEY **key,
                            ua_cert_error *err)
{
    char sub[PATH_MAX];
    static const char *const dirs[] = {"own/certs", "own/private"};
    for (size_t i = 0; i < 2; i++) {
        int len = snprintf(sub, sizeof(sub), "%s/%s", dir, dirs[i]);
        if (len < 0 || (size_t)len >= sizeof(sub) || ua_cert_mkdirs(sub, 0700) != UA_STATUS_GOOD)
            return fail(err, UA_CERT_ERR_IO, UA_STATUS_BADNOTWRITABLE, "cannot create %s", dirs[i]);
    }
    ua_status rc = ua_cert_generate(p, cert_der, key, err);
    if (rc != UA_STATUS_GOOD)
        return rc;
    /* Key first: a certificate without its key would be useless. */
    rc = write_key(key_path, *key);
    if (rc == UA_STATUS_GOOD) {
        rc = ua_cert_file_write(cert_path, cert_der->data, cert_der->length, 0644);
        if (rc != UA_STATUS_GOOD)
            unlink(key_path);
    }
    if (rc != UA_STATUS_GOOD) {
        ua_clear(cert_der, BYTESTRING);
        EVP_PKEY_free(*key);
        *key = NULL;
        return fail(err, UA_CERT_ERR_IO, UA_STATUS_BADNOTWRITABLE, "cannot write %s and %s",
                    UA_CERT_OWN_KEY, UA_CERT_OWN_CERT);
    }
    return UA_STATUS_GOOD;
}

ua_status ua_cert_load_or_create(const char *dir, const ua_cert_params *p, ua_ByteString *cert_der,
                                 EVP_PKEY **key, bool *created, ua_cert_error *err)
{
    *cert_der = (ua_ByteString){0, NULL};
    *key = NULL;
    if (created)
        *created = false;
    if (!dir || !dir[0])
        return fail(err, UA_CERT_ERR_ARGUMENT, UA_STATUS_BADINVALIDARGUMENT, "no directory given");
    char cert_path[PATH_MAX], key_path[PATH_MAX];
    int a = snprintf(cert_path, sizeof(cert_path), "%s/%s", dir, UA_CERT_OWN_CERT);
    int b = snprintf(key_path, sizeof(key_path), "%s/%s", dir, UA_CERT_OWN_KEY);
    if (a < 0 || b < 0 || (size_t)a >= sizeof(cert_path) || (size_t)b >= sizeof(key_path))
        return fail(err, UA_CERT_ERR_ARGUMENT, UA_STATUS_BADINVALIDARGUMENT,
                    "directory path too long");
    bool have_cert = exists(cert_path), have_key = exists(key_path);
    if (have_cert && have_key)
        return load_own(cert_path, key_path, cert_der, key, err);
    if (have_cert || have_key)
        return fail(err, UA_CERT_ERR_IO, UA_STATUS_BADCONFIGURATIONERROR,
                    "%s exists but %s does not: restore it or remove both to generate a new pair",
                    have_cert ? UA_CERT_OWN_CERT : UA_CERT_OWN_KEY,
                    have_cert ? UA_CERT_OWN_KEY : UA_CERT_OWN_CERT);
    ua_status rc = create_own(dir, cert_path, key_path, p, cert_der, key, err);
    if (rc == UA_STATUS_GOOD) {
        if (created)
            *created = true;
        ok(err);
    }
    return rc;
}

/* ---- files ---------------------------------------------------------------- */

ua_status ua_cert_file_read(const char *path, size_t max, ua_ByteString *out)
{
    *out = (ua_ByteString){0, NULL};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? UA_STATUS_BADNOTFOUND : UA_STATUS_BADNOTREADABLE;
    struct stat st;
    ua_status rc = UA_STATUS_BADNOTREADABLE;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        goto out;
    rc = UA_STATUS_BADENCODINGLIMITSEXCEEDED;
    if (st.st_size < 0 || (uint64_t)st.st_size > max)
        goto out;
    rc = UA_STATUS_BADOUTOFMEMORY;
    size_t size = (size_t)st.st_size;
    uint8_t *buf = malloc(size + 1);
    if (!buf)
        goto out;
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (got != size) {
        free(buf);
        rc = UA_STATUS_BADNOTREADABLE;
        goto out;
    }
    buf[size] = 0;
    out->data = buf;
    out->length = size;
    rc = UA_STATUS_GOOD;
out:
    close(fd);
    return rc;
}

static int write_all(int fd, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

ua_status ua_cert_file_write(const char *path, const uint8_t *data, size_t len, unsigned mode)
{
    char tmp[PATH_MAX];
    int n = snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path);
    if (n < 0 || (size_t)n >= sizeof(tmp))
        return UA_STATUS_BADNOTWRITABLE;
    int fd = mkstemp(tmp); /* created 0600: never readable by others, even briefly */
    if (fd < 0)
        return UA_STATUS_BADNOTWRITABLE;
    int bad = fchmod(fd, (mode_t)mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0;
    if (close(fd) != 0)
        bad = 1;
    if (bad || rename(tmp, path) != 0) {
        unlink(tmp);
        return UA_STATUS_BADNOTWRITABLE;
    }
    return UA_STATUS_GOOD;
}

ua_status ua_cert_mkdirs(const char *path, unsigned mode)
{
    char buf[PATH_MAX];
    size_t len = path ? strlen(path) : 0;
    if (len == 0 || len >= sizeof(buf))
        return UA_STATUS_BADNOTWRITABLE;
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != 0)
            continue;
        char saved = buf[i];
        buf[i] = 0;
        if (mkdir(buf, (mode_t)mode) != 0 && errno != EEXIST)
            return UA_STATUS_BADNOTWRITABLE;
        buf[i] = saved;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return UA_STATUS_BADNOTWRITABLE;
    return UA_STATUS_GOOD;
}
