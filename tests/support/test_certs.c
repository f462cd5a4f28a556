/* Self-signed test certificates built with the OpenSSL 3 X509 API. */
#include "test_certs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

static int add_ext(X509 *x, int nid, const char *value)
{
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
    if (!ext)
        return -1;
    int ok = X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    return ok == 1 ? 0 : -1;
}

int test_cert_make(const char *application_uri, int bits, EVP_PKEY **key, ua_ByteString *der)
{
    return test_cert_make_dated(application_uri, bits, -3600, 365L * 24 * 3600, key, der);
}

int test_cert_make_dated(const char *application_uri, int bits, long not_before_s, long not_after_s,
                         EVP_PKEY **key, ua_ByteString *der)
{
    *key = NULL;
    der->data = NULL;
    der->length = 0;
    EVP_PKEY *k = EVP_RSA_gen((unsigned)bits);
    X509 *x = X509_new();
    int rc = -1;
    if (!k || !x)
        goto out;
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof(serial)) != 1)
        goto out;
    serial[0] &= 0x7f; /* positive */
    BIGNUM *bn = BN_bin2bn(serial, sizeof(serial), NULL);
    ASN1_INTEGER *sn = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
    BN_free(bn);
    int ok = sn && X509_set_serialNumber(x, sn) == 1;
    ASN1_INTEGER_free(sn);
    if (!ok || X509_set_version(x, 2) != 1 ||
        !X509_gmtime_adj(X509_getm_notBefore(x), not_before_s) ||
        !X509_gmtime_adj(X509_getm_notAfter(x), not_after_s) || X509_set_pubkey(x, k) != 1)
        goto out;
    X509_NAME *name = X509_get_subject_name(x);
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"osm test", -1,
                                   -1, 0) != 1 ||
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                   (const unsigned char *)"opcua-session-manager", -1, -1,
                                   0) != 1 ||
        X509_set_issuer_name(x, name) != 1)
        goto out;
    char san[1024];
    snprintf(san, sizeof(san), "URI:%s,DNS:localhost", application_uri);
    if (add_ext(x, NID_basic_constraints, "critical,CA:FALSE") ||
        add_ext(x, NID_subject_key_identifier, "hash") ||
        add_ext(x, NID_authority_key_identifier, "keyid,issuer") ||
        add_ext(x, NID_key_usage,
                "critical,digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment") ||
        add_ext(x, NID_ext_key_usage, "clientAuth,serverAuth") ||
        add_ext(x, NID_subject_alt_name, san))
        goto out;
    if (X509_sign(x, k, EVP_sha256()) <= 0)
        goto out;
    int n = i2d_X509(x, NULL);
    if (n <= 0)
        goto out;
    der->data = malloc((size_t)n + 1);
    if (!der->data)
        goto out;
    unsigned char *p = der->data;
    i2d_X509(x, &p);
    der->data[n] = 0;
    der->length = (size_t)n;
    *key = k;
    k = NULL;
    rc = 0;
out:
    if (rc != 0)
        ERR_print_errors_fp(stderr);
    X509_free(x);
    EVP_PKEY_free(k);
    return rc;
}
