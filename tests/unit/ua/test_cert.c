/* Unit tests of ua_cert: generation with the Part 6 6.2.2 extensions, the
 * own certificate kept on disk and reloaded, PEM / DER loading of
 * certificates and keys (encrypted keys with right, wrong and missing
 * passwords), inspection, and key / certificate mismatch. Every file lives
 * in a mkdtemp directory removed afterwards. */
#define _XOPEN_SOURCE 700 /* nftw */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ua_cert.h"
#include "ua_crypto.h"
#include "ua_statuscodes.h"
#include "ua_text.h"
#include "ua_types.h"

#define BYTESTRING UA_BUILTIN(UA_KIND_BYTESTRING)

/* A small key keeps the tests quick under valgrind; one test uses 2048. */
#define TEST_BITS 1024

typedef struct fixture {
    char dir[64];
    ua_ByteString cert; /* self-signed, TEST_BITS */
    EVP_PKEY *key;
} fixture;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static void rm_tree(const char *dir)
{
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void path_in(const fixture *f, const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", f->dir, name);
}

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* Writes what a BIO writer produced to path. */
static void write_bio(const char *path, BIO *bio)
{
    char *mem = NULL;
    long n = BIO_get_mem_data(bio, &mem);
    assert_true(n > 0);
    write_bytes(path, mem, (size_t)n);
}

static X509 *to_x509(const ua_ByteString *der)
{
    const unsigned char *p = der->data;
    X509 *x = d2i_X509(NULL, &p, (long)der->length);
    assert_non_null(x);
    return x;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/osm-test-cert-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    ua_cert_params p = {.application_name = "test app",
                        .application_uri = "urn:test:app",
                        .hostname = "host.test",
                        .key_bits = TEST_BITS};
    if (ua_cert_generate(&p, &f->cert, &f->key, NULL) != UA_STATUS_GOOD)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    rm_tree(f->dir);
    ua_clear(&f->cert, BYTESTRING);
    EVP_PKEY_free(f->key);
    free(f);
    return 0;
}

static void test_cert_generate_defaults(void **state)
{
    (void)state;
    ua_cert_params p = {.application_name = "osm",
                        .application_uri = "urn:example:osm",
                        .hostname = "plant.example",
                        .days = 30};
    ua_ByteString der = {0, NULL};
    EVP_PKEY *key = NULL;
    ua_cert_error err;
    assert_int_equal(ua_cert_generate(&p, &der, &key, &err), UA_STATUS_GOOD);
    assert_int_equal(err.reason, UA_CERT_OK);
    assert_int_equal(ua_cert_key_matches(&der, key, NULL), UA_STATUS_GOOD);

    ua_cert_info info;
    assert_int_equal(ua_cert_info_get(&der, &info), UA_STATUS_GOOD);
    assert_int_equal(info.key_bits, 2048);
    assert_string_equal(info.key_type, "RSA");
    assert_non_null(strstr(info.subject, "CN=osm"));
    assert_non_null(strstr(info.subject, "O=opcua-session-manager"));
    assert_string_equal(info.subject, info.issuer); /* self-signed */
    assert_string_equal(info.application_uri, "urn:example:osm");
    assert_int_equal(strlen(info.thumbprint), 40);
    ua_DateTime now = ua_datetime_now();
    int64_t hour = 3600LL * 10000000LL;
    assert_true(info.not_before <= now - hour + 60 * 10000000LL);
    assert_true(info.not_before >= now - hour - 60 * 10000000LL);
    assert_true(info.not_after > now + 29 * 24 * hour && info.not_after < now + 31 * 24 * hour);

    X509 *x = to_x509(&der);
    assert_int_equal(X509_get_version(x), 2);
    assert_int_equal(X509_get_signature_nid(x), NID_sha256WithRSAEncryption);
    uint32_t ku = X509_get_key_usage(x);
    assert_int_equal(ku, KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION | KU_KEY_ENCIPHERMENT |
                             KU_DATA_ENCIPHERMENT);
    assert_int_equal(X509_get_extended_key_usage(x), XKU_SSL_SERVER | XKU_SSL_CLIENT);
    assert_int_equal(X509_check_ca(x), 0);
    int crit = -1;
    BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit, NULL);
    assert_non_null(bc);
    assert_int_equal(crit, 1);
    assert_false(bc->ca);
    BASIC_CONSTRAINTS_free(bc);
    ASN1_BIT_STRING *kus = X509_get_ext_d2i(x, NID_key_usage, &crit, NULL);
    assert_int_equal(crit, 1);
    ASN1_BIT_STRING_free(kus);
    assert_non_null(X509_get0_subject_key_id(x));
    assert_non_null(X509_get0_authority_key_id(x));
    assert_int_equal(ASN1_STRING_length(X509_get0_subject_key_id(x)),
                     ASN1_STRING_length(X509_get0_authority_key_id(x)));
    assert_int_equal(
        X509_check_host(x, "plant.example", 0, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT, NULL), 1);
    assert_int_equal(X509_check_host(x, "localhost", 0, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT, NULL),
                     1);
    assert_int_equal(X509_verify(x, key), 1);
    X509_free(x);

    ua_cert_info_clear(&info);
    ua_clear(&der, BYTESTRING);
    EVP_PKEY_free(key);
}

static void test_cert_generate_rejects_bad_params(void **state)
{
    (void)state;
    ua_ByteString der = {0, NULL};
    EVP_PKEY *key = NULL;
    ua_cert_error err;
    ua_cert_params small = {.key_bits = 512};
    assert_int_equal(ua_cert_generate(&small, &der, &key, &err), UA_STATUS_BADINVALIDARGUMENT);
    assert_int_equal(err.reason, UA_CERT_ERR_ARGUMENT);
    ua_cert_params space = {.application_uri = "urn:a b", .key_bits = TEST_BITS};
    assert_int_equal(ua_cert_generate(&space, &der, &key, &err), UA_STATUS_BADINVALIDARGUMENT);
    assert_null(der.data);
    assert_null(key);
}

/* A comma in the URI must not smuggle a second name into subjectAltName. */
static void test_cert_uri_with_comma_stays_one_name(void **state)
{
    (void)state;
    ua_cert_params p = {
        .application_uri = "urn:x,DNS:evil.example", .hostname = "h.test", .key_bits = TEST_BITS};
    ua_ByteString der = {0, NULL};
    EVP_PKEY *key = NULL;
    assert_int_equal(ua_cert_generate(&p, &der, &key, NULL), UA_STATUS_GOOD);
    ua_String uri = {0, NULL};
    assert_int_equal(ua_cert_application_uri(&der, &uri), UA_STATUS_GOOD);
    assert_true(ua_string_equal_cstr(&uri, "urn:x,DNS:evil.example"));
    X509 *x = to_x509(&der);
    assert_int_not_equal(X509_check_host(x, "evil.example", 0, 0, NULL), 1);
    X509_free(x);
    ua_clear(&uri, UA_BUILTIN(UA_KIND_STRING));
    ua_clear(&der, BYTESTRING);
    EVP_PKEY_free(key);
}

static void test_cert_persist_and_reload(void **state)
{
    fixture *f = *state;
    char dir[128];
    path_in(f, "pki", dir, sizeof(dir));
    ua_cert_params p = {.application_name = "persist", .key_bits = TEST_BITS};
    ua_ByteString c1 = {0, NULL}, c2 = {0, NULL};
    EVP_PKEY *k1 = NULL, *k2 = NULL;
    bool created = false;
    ua_cert_error err;
    assert_int_equal(ua_cert_load_or_create(dir, &p, &c1, &k1, &created, &err), UA_STATUS_GOOD);
    assert_true(created);
    assert_int_equal(ua_cert_load_or_create(dir, &p, &c2, &k2, &created, &err), UA_STATUS_GOOD);
    assert_false(created);
    assert_true(ua_string_equal(&c1, &c2));
    assert_int_equal(EVP_PKEY_eq(k1, k2), 1);

    char path[256];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", dir, UA_CERT_OWN_KEY);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    snprintf(path, sizeof(path), "%s/own/private", dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    snprintf(path, sizeof(path), "%s/own/certs", dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);

    /* The certificate file is plain DER, loadable on its own. */
    ua_ByteString leaf = {0, NULL};
    snprintf(path, sizeof(path), "%s/%s", dir, UA_CERT_OWN_CERT);
    assert_int_equal(ua_cert_load_file(path, NULL, &leaf, NULL, NULL), UA_STATUS_GOOD);
    assert_true(ua_string_equal(&leaf, &c1));

    /* Without the key nothing is regenerated over the certificate. */
    snprintf(path, sizeof(path), "%s/%s", dir, UA_CERT_OWN_KEY);
    assert_int_equal(unlink(path), 0);
    ua_ByteString c3 = {0, NULL};
    EVP_PKEY *k3 = NULL;
    assert_int_equal(ua_cert_load_or_create(dir, &p, &c3, &k3, &created, &err),
                     UA_STATUS_BADCONFIGURATIONERROR);
    assert_non_null(strstr(err.message, "client_key.pem"));
    assert_null(strstr(err.message, dir)); /* no absolute key path */
    assert_null(c3.data);
    assert_null(k3);

    ua_clear(&leaf, BYTESTRING);
    ua_clear(&c1, BYTESTRING);
    ua_clear(&c2, BYTESTRING);
    EVP_PKEY_free(k1);
    EVP_PKEY_free(k2);
}

static void test_cert_load_der_and_pem(void **state)
{
    fixture *f = *state;
    char der_path[128], pem_path[128], chain_path[128], derchain_path[128];
    path_in(f, "c.der", der_path, sizeof(der_path));
    path_in(f, "c.pem", pem_path, sizeof(pem_path));
    path_in(f, "chain.pem", chain_path, sizeof(chain_path));
    path_in(f, "chain.der", derchain_path, sizeof(derchain_path));
    write_bytes(der_path, f->cert.data, f->cert.length);

    /* A second certificate for the chains. */
    ua_cert_params p = {.application_name = "second", .key_bits = TEST_BITS};
    ua_ByteString second = {0, NULL};
    EVP_PKEY *k2 = NULL;
    assert_int_equal(ua_cert_generate(&p, &second, &k2, NULL), UA_STATUS_GOOD);

    X509 *x1 = to_x509(&f->cert), *x2 = to_x509(&second);
    BIO *one = BIO_new(BIO_s_mem()), *two = BIO_new(BIO_s_mem());
    assert_int_equal(BIO_puts(one, "text before the block\n") > 0, 1);
    assert_int_equal(PEM_write_bio_X509(one, x1), 1);
    assert_int_equal(PEM_write_bio_X509(two, x1), 1);
    assert_int_equal(PEM_write_bio_X509(two, x2), 1);
    write_bio(pem_path, one);
    write_bio(chain_path, two);
    BIO_free(one);
    BIO_free(two);
    X509_free(x1);
    X509_free(x2);
    FILE *fp = fopen(derchain_path, "wb");
    assert_non_null(fp);
    fwrite(f->cert.data, 1, f->cert.length, fp);
    fwrite(second.data, 1, second.length, fp);
    fclose(fp);

    ua_ByteString leaf = {0, NULL}, chain = {0, NULL};
    assert_int_equal(ua_cert_load_file(der_path, "c", &leaf, &chain, NULL), UA_STATUS_GOOD);
    assert_true(ua_string_equal(&leaf, &f->cert));
    assert_true(ua_string_equal(&chain, &f->cert));
    ua_clear(&leaf, BYTESTRING);
    ua_clear(&chain, BYTESTRING);

    assert_int_equal(ua_cert_load_file(pem_path, "c", &leaf, NULL, NULL), UA_STATUS_GOOD);
    assert_true(ua_string_equal(&leaf, &f->cert));
    ua_clear(&leaf, BYTESTRING);

    const char *chains[] = {chain_path, derchain_path};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(ua_cert_load_file(chains[i], "chain", &leaf, &chain, NULL),
                         UA_STATUS_GOOD);
        assert_true(ua_string_equal(&leaf, &f->cert));
        assert_int_equal(chain.length, f->cert.length + second.length);
        assert_memory_equal(chain.data + f->cert.length, second.data, second.length);
        ua_clear(&leaf, BYTESTRING);
        ua_clear(&chain, BYTESTRING);
    }
    ua_clear(&second, BYTESTRING);
    EVP_PKEY_free(k2);
}

static void test_cert_load_rejects_garbage_and_missing(void **state)
{
    fixture *f = *state;
    char path[128];
    path_in(f, "garbage", path, sizeof(path));
    write_bytes(path, "\x30\x82\x01\x00not a cert", 14);
    ua_ByteString leaf = {0, NULL};
    ua_cert_error err;
    assert_int_equal(ua_cert_load_file(path, "server cert", &leaf, NULL, &err),
                     UA_STATUS_BADCERTIFICATEINVALID);
    assert_int_equal(err.reason, UA_CERT_ERR_FORMAT);
    assert_non_null(strstr(err.message, "server cert"));
    assert_null(leaf.data);

    /* A DER certificate with trailing bytes is not a chain. */
    uint8_t *tail = malloc(f->cert.length + 3);
    assert_non_null(tail);
    memcpy(tail, f->cert.data, f->cert.length);
    memcpy(tail + f->cert.length, "xyz", 3);
    assert_int_equal(ua_cert_parse(tail, f->cert.length + 3, &leaf, NULL, NULL),
                     UA_STATUS_BADCERTIFICATEINVALID);
    free(tail);

    path_in(f, "missing.der", path, sizeof(path));
    assert_int_equal(ua_cert_load_file(path, NULL, &leaf, NULL, &err), UA_STATUS_BADNOTREADABLE);
    assert_int_equal(err.reason, UA_CERT_ERR_IO);
    EVP_PKEY *key = NULL;
    assert_int_equal(ua_cert_load_key(path, "client key", NULL, &key, &err),
                     UA_STATUS_BADNOTREADABLE);
    assert_null(strstr(err.message, path));
    assert_null(key);
}

static void test_cert_load_keys_plain(void **state)
{
    fixture *f = *state;
    char pem[128], der[128], trad[128];
    path_in(f, "k.pem", pem, sizeof(pem));
    path_in(f, "k.der", der, sizeof(der));
    path_in(f, "k-trad.pem", trad, sizeof(trad));
    BIO *b1 = BIO_new(BIO_s_mem()), *b2 = BIO_new(BIO_s_mem()), *b3 = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PrivateKey(b1, f->key, NULL, NULL, 0, NULL, NULL), 1);
    assert_int_equal(i2d_PKCS8PrivateKey_bio(b2, f->key, NULL, NULL, 0, NULL, NULL), 1);
    assert_int_equal(PEM_write_bio_PrivateKey_traditional(b3, f->key, NULL, NULL, 0, NULL, NULL),
                     1);
    write_bio(pem, b1);
    write_bio(der, b2);
    write_bio(trad, b3);
    BIO_free(b1);
    BIO_free(b2);
    BIO_free(b3);

    const char *paths[] = {pem, der, trad};
    for (int i = 0; i < 3; i++) {
        EVP_PKEY *key = NULL;
        assert_int_equal(ua_cert_load_key(paths[i], NULL, "ignored", &key, NULL), UA_STATUS_GOOD);
        assert_int_equal(EVP_PKEY_eq(key, f->key), 1);
        assert_int_equal(ua_cert_key_matches(&f->cert, key, NULL), UA_STATUS_GOOD);
        EVP_PKEY_free(key);
    }
}

static void check_encrypted(const char *path, const char *label)
{
    EVP_PKEY *key = NULL;
    ua_cert_error err;
    assert_int_equal(ua_cert_load_key(path, label, "s3cret-pass", &key, &err), UA_STATUS_GOOD);
    assert_non_null(key);
    EVP_PKEY_free(key);
    key = NULL;

    assert_int_equal(ua_cert_load_key(path, label, "wrong-pass", &key, &err),
                     UA_STATUS_BADSECURITYCHECKSFAILED);
    assert_int_equal(err.reason, UA_CERT_ERR_PASSWORD);
    assert_non_null(strstr(err.message, "wrong password"));
    assert_non_null(strstr(err.message, label));
    assert_null(strstr(err.message, "wrong-pass"));
    assert_null(strstr(err.message, path));
    assert_null(key);

    assert_int_equal(ua_cert_load_key(path, label, NULL, &key, &err),
                     UA_STATUS_BADSECURITYCHECKSFAILED);
    assert_int_equal(err.reason, UA_CERT_ERR_PASSWORD);
    assert_non_null(strstr(err.message, "no password"));
    assert_null(key);
}

static void test_cert_load_keys_encrypted(void **state)
{
    fixture *f = *state;
    char pk8[128], trad[128], der[128];
    path_in(f, "enc.pem", pk8, sizeof(pk8));
    path_in(f, "enc-trad.pem", trad, sizeof(trad));
    path_in(f, "enc.der", der, sizeof(der));
    const char *pw = "s3cret-pass";
    BIO *b1 = BIO_new(BIO_s_mem()), *b2 = BIO_new(BIO_s_mem()), *b3 = BIO_new(BIO_s_mem());
    assert_int_equal(
        PEM_write_bio_PrivateKey(b1, f->key, EVP_aes_256_cbc(), NULL, 0, NULL, (void *)pw), 1);
    assert_int_equal(PEM_write_bio_PrivateKey_traditional(b2, f->key, EVP_aes_256_cbc(),
                                                          (const unsigned char *)pw,
                                                          (int)strlen(pw), NULL, NULL),
                     1);
    assert_int_equal(i2d_PKCS8PrivateKey_bio(b3, f->key, EVP_aes_256_cbc(), (const char *)pw,
                                             (int)strlen(pw), NULL, NULL),
                     1);
    write_bio(pk8, b1);
    write_bio(trad, b2);
    write_bio(der, b3);
    BIO_free(b1);
    BIO_free(b2);
    BIO_free(b3);
    check_encrypted(pk8, "client key");
    check_encrypted(trad, "user key");
    check_encrypted(der, "client key");
}

static void test_cert_key_mismatch(void **state)
{
    fixture *f = *state;
    EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)TEST_BITS);
    assert_non_null(other);
    ua_cert_error err;
    assert_int_equal(ua_cert_key_matches(&f->cert, other, &err), UA_STATUS_BADCERTIFICATEINVALID);
    assert_int_equal(err.reason, UA_CERT_ERR_MISMATCH);
    ua_ByteString junk = ua_string_borrow("junk");
    assert_int_equal(ua_cert_key_matches(&junk, f->key, &err), UA_STATUS_BADCERTIFICATEINVALID);
    assert_int_equal(err.reason, UA_CERT_ERR_FORMAT);
    EVP_PKEY_free(other);
}

static void test_cert_san_uri_and_thumbprint(void **state)
{
    fixture *f = *state;
    ua_String uri = {0, NULL};
    assert_int_equal(ua_cert_application_uri(&f->cert, &uri), UA_STATUS_GOOD);
    assert_true(ua_string_equal_cstr(&uri, "urn:test:app"));
    ua_clear(&uri, UA_BUILTIN(UA_KIND_STRING));

    /* A certificate without subjectAltName has no ApplicationUri. */
    X509 *x = X509_new();
    assert_non_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, f->key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char *)"bare", -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    assert_true(X509_sign(x, f->key, EVP_sha256()) > 0);
    unsigned char *buf = NULL;
    int len = i2d_X509(x, &buf);
    assert_true(len > 0);
    ua_ByteString bare = {(size_t)len, buf};
    assert_int_equal(ua_cert_application_uri(&bare, &uri), UA_STATUS_BADNOTFOUND);
    ua_cert_info info;
    assert_int_equal(ua_cert_info_get(&bare, &info), UA_STATUS_GOOD);
    assert_null(info.application_uri);
    assert_string_equal(info.subject, "CN=bare");
    ua_cert_info_clear(&info);
    OPENSSL_free(buf);
    X509_free(x);

    uint8_t raw[20];
    char hex[UA_CERT_THUMBPRINT_HEX], expect[UA_CERT_THUMBPRINT_HEX];
    assert_int_equal(ua_crypto_thumbprint(&f->cert, raw), UA_STATUS_GOOD);
    for (int i = 0; i < 20; i++)
        snprintf(expect + 2 * i, 3, "%02X", raw[i]);
    assert_int_equal(ua_cert_thumbprint_hex(&f->cert, hex), UA_STATUS_GOOD);
    assert_string_equal(hex, expect);
}

static void test_cert_thumbprint_normalize(void **state)
{
    (void)state;
    char out[UA_CERT_THUMBPRINT_HEX];
    const char *upper = "0123456789ABCDEF0123456789ABCDEF01234567";
    assert_int_equal(ua_cert_thumbprint_normalize("0123456789abcdef0123456789abcdef01234567", out),
                     UA_STATUS_GOOD);
    assert_string_equal(out, upper);
    assert_int_equal(ua_cert_thumbprint_normalize("01:23:45:67:89:ab:CD:ef:01:23:45:67:89:AB:cd:"
                                                  "EF:01:23:45:67",
                                                  out),
                     UA_STATUS_GOOD);
    assert_string_equal(out, upper);
    const char *bad[] = {"",
                         "../x",
                         "0123",
                         "0123456789ABCDEF0123456789ABCDEF012345678",
                         "0123456789ABCDEF0123456789ABCDEF0123456G",
                         "../../../../etc/passwd/0123456789ABCDEF0123",
                         NULL};
    for (int i = 0; bad[i]; i++)
        assert_int_equal(ua_cert_thumbprint_normalize(bad[i], out), UA_STATUS_BADINVALIDARGUMENT);
    assert_int_equal(ua_cert_thumbprint_normalize(NULL, out), UA_STATUS_BADINVALIDARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cert_generate_defaults),
        cmocka_unit_test(test_cert_generate_rejects_bad_params),
        cmocka_unit_test(test_cert_uri_with_comma_stays_one_name),
        cmocka_unit_test_setup_teardown(test_cert_persist_and_reload, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cert_load_der_and_pem, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cert_load_rejects_garbage_and_missing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cert_load_keys_plain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cert_load_keys_encrypted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cert_key_mismatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cert_san_uri_and_thumbprint, setup, teardown),
        cmocka_unit_test(test_cert_thumbprint_normalize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
