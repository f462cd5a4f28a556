/* Unit tests of ua_trust: each policy accepting and rejecting, expiry,
 * the full check against a small CA made here (issuers vs trusted, CRL
 * revocation, host name, ApplicationUri, key usage, incomplete chains),
 * trust on first use with and without force, the rejected/ copy, trust /
 * untrust / list, and hostile thumbprints. Each test gets a fresh store in
 * a mkdtemp directory. */
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

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ua_cert.h"
#include "ua_statuscodes.h"
#include "ua_trust.h"
#include "ua_types.h"
#include "util/log.h"

#define BYTESTRING UA_BUILTIN(UA_KIND_BYTESTRING)
#define TEST_BITS  1024

typedef struct keycert {
    ua_ByteString der;
    EVP_PKEY *key;
} keycert;

/* Made once: generating keys dominates the run time under valgrind. */
typedef struct certs {
    keycert server;  /* self-signed, srv.test, urn:srv */
    keycert other;   /* self-signed, another server */
    keycert expired; /* self-signed, validity in the past */
    keycert ca;      /* test CA */
    keycert leaf;    /* signed by ca, srv.test, urn:leaf */
    keycert leaf2;   /* signed by ca, not revoked */
    keycert inter;   /* intermediate CA signed by ca */
    keycert leaf3;   /* signed by inter */
} certs;

static certs g;

typedef struct fixture {
    char dir[64];
    ua_trust_store *store;
} fixture;

static void make(keycert *kc, const char *name, const char *uri, const keycert *issuer, bool ca,
                 time_t from, time_t to)
{
    ua_cert_params p = {.application_name = name,
                        .application_uri = uri,
                        .hostname = "srv.test",
                        .key_bits = TEST_BITS,
                        .not_before = from,
                        .not_after = to,
                        .ca = ca,
                        .issuer_cert = issuer ? &issuer->der : NULL,
                        .issuer_key = issuer ? issuer->key : NULL};
    ua_cert_error err;
    assert_int_equal(ua_cert_generate(&p, &kc->der, &kc->key, &err), UA_STATUS_GOOD);
}

static int group_setup(void **state)
{
    time_t now = time(NULL);
    make(&g.server, "server", "urn:srv", NULL, false, 0, 0);
    make(&g.other, "other", "urn:other", NULL, false, 0, 0);
    make(&g.expired, "expired", "urn:old", NULL, false, now - 10 * 86400, now - 86400);
    make(&g.ca, "test ca", "urn:ca", NULL, true, 0, 0);
    make(&g.leaf, "leaf", "urn:leaf", &g.ca, false, 0, 0);
    make(&g.leaf2, "leaf2", "urn:leaf2", &g.ca, false, 0, 0);
    make(&g.inter, "intermediate", "urn:inter", &g.ca, true, 0, 0);
    make(&g.leaf3, "leaf3", "urn:leaf3", &g.inter, false, 0, 0);
    log_set_level(LOG_ERROR); /* accept / reject lines are expected here */
    return 0;
}

static int group_teardown(void **state)
{
    keycert *all[] = {&g.server, &g.other, &g.expired, &g.ca,
                      &g.leaf,   &g.leaf2, &g.inter,   &g.leaf3};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        ua_clear(&all[i]->der, BYTESTRING);
        EVP_PKEY_free(all[i]->key);
    }
    return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/osm-test-trust-XXXXXX");
    if (!mkdtemp(f->dir) || ua_trust_store_open(f->dir, &f->store) != UA_STATUS_GOOD)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ua_trust_store_delete(f->store);
    nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

static void file_in(const fixture *f, const char *sub, const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/%s/%s", f->dir, sub, name);
}

static bool has_file(const fixture *f, const char *sub, const ua_ByteString *cert)
{
    char thumb[UA_CERT_THUMBPRINT_HEX], name[64], path[256];
    assert_int_equal(ua_cert_thumbprint_hex(cert, thumb), UA_STATUS_GOOD);
    snprintf(name, sizeof(name), "%s.der", thumb);
    file_in(f, sub, name, path, sizeof(path));
    return access(path, F_OK) == 0;
}

static void put(const fixture *f, const char *sub, const char *name, const void *data, size_t len)
{
    char path[256];
    file_in(f, sub, name, path, sizeof(path));
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static ua_status check(fixture *f, ua_trust_policy policy, const keycert *kc, const char *host,
                       const char *uri, ua_trust_result *r)
{
    ua_trust_check c = {.policy = policy, .host = host, .application_uri = uri};
    return ua_trust_validate(f->store, &c, &kc->der, r);
}

static void test_trust_open_creates_layout(void **state)
{
    fixture *f = *state;
    const char *dirs[] = {"trusted/certs", "trusted/crl", "issuers/certs", "issuers/crl",
                          "rejected/certs"};
    for (size_t i = 0; i < 5; i++) {
        char path[256];
        struct stat st;
        snprintf(path, sizeof(path), "%s/%s", f->dir, dirs[i]);
        assert_int_equal(stat(path, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        assert_int_equal(st.st_mode & 0777, 0700);
    }
    assert_string_equal(ua_trust_store_root(f->store), f->dir);
    ua_trust_store *s = NULL;
    assert_int_equal(ua_trust_store_open("", &s), UA_STATUS_BADINVALIDARGUMENT);
    assert_null(s);
}

static void test_trust_policy_names(void **state)
{
    (void)state;
    ua_trust_policy p;
    assert_int_equal(ua_trust_policy_parse("fingerprint", &p), UA_STATUS_GOOD);
    assert_int_equal(p, UA_TRUST_FINGERPRINT);
    assert_int_equal(ua_trust_policy_parse("fingerprint+expiry", &p), UA_STATUS_GOOD);
    assert_int_equal(p, UA_TRUST_FINGERPRINT_EXPIRY);
    assert_int_equal(ua_trust_policy_parse("full", &p), UA_STATUS_GOOD);
    assert_int_equal(p, UA_TRUST_FULL);
    assert_int_equal(ua_trust_policy_parse("Full", &p), UA_STATUS_BADINVALIDARGUMENT);
    assert_int_equal(ua_trust_policy_parse("", &p), UA_STATUS_BADINVALIDARGUMENT);
    assert_int_equal(ua_trust_policy_parse(NULL, &p), UA_STATUS_BADINVALIDARGUMENT);
    assert_string_equal(ua_trust_policy_name(UA_TRUST_FINGERPRINT_EXPIRY), "fingerprint+expiry");
}

static void test_trust_fingerprint_untrusted_then_trusted(void **state)
{
    fixture *f = *state;
    ua_trust_result r;
    assert_int_equal(check(f, UA_TRUST_FINGERPRINT, &g.server, NULL, NULL, &r),
                     UA_STATUS_BADCERTIFICATEUNTRUSTED);
    assert_true(r.rejected_copy);
    assert_true(has_file(f, "rejected/certs", &g.server.der));
    assert_non_null(strstr(r.message, "trustCertificate"));
    assert_non_null(strstr(r.message, "trusted/certs"));
    char colon[3] = {r.thumbprint[0], r.thumbprint[1], 0};
    assert_non_null(strstr(r.message, colon));
    assert_int_equal(strlen(r.thumbprint), 40);

    /* A second rejection does not write again. */
    assert_int_equal(check(f, UA_TRUST_FINGERPRINT, &g.server, NULL, NULL, &r),
                     UA_STATUS_BADCERTIFICATEUNTRUSTED);
    assert_false(r.rejected_copy);

    char thumb[UA_CERT_THUMBPRINT_HEX];
    assert_int_equal(ua_trust_add(f->store, &g.server.der, thumb), UA_STATUS_GOOD);
    assert_string_equal(thumb, r.thumbprint);
    assert_false(has_file(f, "rejected/certs", &g.server.der));
    assert_true(has_file(f, "trusted/certs", &g.server.der));
    for (int p = UA_TRUST_FINGERPRINT; p <= UA_TRUST_FINGERPRINT_EXPIRY; p++)
        assert_int_equal(check(f, (ua_trust_policy)p, &g.server, NULL, NULL, &r), UA_STATUS_GOOD);
    /* Fingerprint policies ignore host and URI. */
    assert_int_equal(check(f, UA_TRUST_FINGERPRINT, &g.server, "elsewhere", "urn:x", &r),
                     UA_STATUS_GOOD);
    /* Another certificate is still unknown. */
    assert_int_equal(check(f, UA_TRUST_FINGERPRINT, &g.other, NULL, NULL, &r),
                     UA_STATUS_BADCERTIFICATEUNTRUSTED);
}

static void test_trust_expired(void **state)
{
    fixture *f = *state;
    ua_trust_result r;
    assert_int_equal(ua_trust_add(f->store, &g.expired.der, NULL), UA_STATUS_GOOD);
    assert_int_equal(check(f, UA_TRUST_FINGERPRINT, &g.expired, NULL, NULL, &r), UA_STATUS_GOOD);
    assert_int_equal(check(f, UA_TRUST_FINGERPRINT_EXPIRY, &g.expired, NULL, NULL, &r),
                     UA_STATUS_BADCERTIFICATETIMEINVALID);
    assert_non_null(strstr(r.message, "expired"));
    assert_false(r.rejected_copy);
    assert_int_equal(check(f, UA_TRUST_FULL, &g.expired, "srv.test", NULL, &r),
                     UA_STATUS_BADCERTIFICATETIMEINVALID);
}

static void test_trust_operator_pem_file_counts(void **state)
{
    fixture *f = *state;
    const unsigned char *p = g.server.der.data;
    X509 *x = d2i_X509(NULL, &p, (long)g.server.der.length);
    assert_non_null(x);
    BIO *bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_X509(bio, x), 1);
    char *mem = NULL;
    long n = BIO_get_mem_data(bio, &mem);
    put(f, "trusted/certs", "my-server.pem", mem, (size_t)n);
    BIO_free(bio);
    X509_free(x);
    ua_trust_result r;
    assert_int_equal(check(f, UA_TRUST_FINGERPRINT, &g.server, NULL, NULL, &r), UA_STATUS_GOOD);
    assert_int_equal(check(f, UA_TRUST_FULL, &g.server, "srv.test", "urn:srv", &r), UA_STATUS_GOOD);
    /* untrust removes it whatever its name. */
    assert_int_equal(ua_trust_remove(f->store, r.thumbprint), UA_STATUS_GOOD);
    assert_int_equal(check(f, UA_TRUST_FINGERPRINT, &g.server, NULL, NULL, &r),
                     UA_STATUS_BADCERTIFICATEUNTRUSTED);
}

static void test_trust_full_self_signed(void **state)
{
    fixture *f = *state;
    ua_trust_result r;
    assert_int_equal(check(f, UA_TRUST_FULL, &g.server, "srv.test", NULL, &r),
                     UA_STATUS_BADCERTIFICATEUNTRUSTED);
    assert_true(r.rejected_copy);
    assert_int_equal(ua_trust_add(f->store, &g.server.der, NULL), UA_STATUS_GOOD);
    assert_int_equal(
        check(f, UA_TRUST_FULL, &g.server, "opc.tcp://srv.test:4840/ua", "urn:srv", &r),
        UA_STATUS_GOOD);
    assert_int_equal(check(f, UA_TRUST_FULL, &g.server, "opc.tcp://localhost:4840", NULL, &r),
                     UA_STATUS_GOOD);
    assert_int_equal(check(f, UA_TRUST_FULL, &g.server, "opc.tcp://evil.test:4840", NULL, &r),
                     UA_STATUS_BADCERTIFICATEHOSTNAMEINVALID);
    assert_non_null(strstr(r.message, "evil.test"));
    assert_false(r.rejected_copy);
    assert_int_equal(check(f, UA_TRUST_FULL, &g.server, "opc.tcp://127.0.0.1:4840", NULL, &r),
                     UA_STATUS_BADCERTIFICATEHOSTNAMEINVALID);
    assert_int_equal(check(f, UA_TRUST_FULL, &g.server, "srv.test", "urn:someone-else", &r),
                     UA_STATUS_BADCERTIFICATEURIINVALID);
    assert_non_null(strstr(r.message, "urn:srv"));
}

/* A CA certificate used as a server certificate lacks keyEncipherment. */
static void test_trust_full_key_usage(void **state)
{
    fixture *f = *state;
    ua_trust_result r;
    assert_int_equal(ua_trust_add(f->store, &g.ca.der, NULL), UA_STATUS_GOOD);
    assert_int_equal(check(f, UA_TRUST_FULL, &g.ca, NULL, NULL, &r),
                     UA_STATUS_BADCERTIFICATEUSENOTALLOWED);
    assert_non_null(strstr(r.message, "keyEncipherment"));
}

static void test_trust_full_ca_chain(void **state)
{
    fixture *f = *state;
    ua_trust_result r;
    /* No CA anywhere: the chain cannot be built. */
    assert_int_equal(check(f, UA_TRUST_FULL, &g.leaf, "srv.test", "urn:leaf", &r),
                     UA_STATUS_BADCERTIFICATECHAININCOMPLETE);
    assert_non_null(strstr(r.message, "issuers/certs"));
    assert_true(r.rejected_copy);

    /* CA in issuers/ only: the chain builds but nothing in it is trusted. */
    put(f, "issuers/certs", "ca.der", g.ca.der.data, g.ca.der.length);
    assert_int_equal(check(f, UA_TRUST_FULL, &g.leaf, "srv.test", "urn:leaf", &r),
                     UA_STATUS_BADCERTIFICATEUNTRUSTED);

    /* The leaf itself trusted, its CA in issuers/: accepted. */
    assert_int_equal(ua_trust_add(f->store, &g.leaf.der, NULL), UA_STATUS_GOOD);
    assert_int_equal(check(f, UA_TRUST_FULL, &g.leaf, "srv.test", "urn:leaf", &r), UA_STATUS_GOOD);
    assert_false(has_file(f, "rejected/certs", &g.leaf.der));
    assert_int_equal(ua_trust_remove(f->store, r.thumbprint), UA_STATUS_GOOD);

    /* The CA trusted: every leaf it signed is. */
    assert_int_equal(ua_trust_add(f->store, &g.ca.der, NULL), UA_STATUS_GOOD);
    assert_int_equal(check(f, UA_TRUST_FULL, &g.leaf, "srv.test", "urn:leaf", &r), UA_STATUS_GOOD);
    assert_int_equal(check(f, UA_TRUST_FULL, &g.leaf2, "srv.test", NULL, &r), UA_STATUS_GOOD);
    assert_int_equal(check(f, UA_TRUST_FULL, &g.leaf, "wrong.test", NULL, &r),
                     UA_STATUS_BADCERTIFICATEHOSTNAMEINVALID);
    /* ... but the fingerprint policies want the leaf itself. */
    assert_int_equal(check(f, UA_TRUST_FINGERPRINT, &g.leaf, NULL, NULL, &r),
                     UA_STATUS_BADCERTIFICATEUNTRUSTED);
}

/* root CA -> intermediate -> leaf3: trust may sit at either CA. */
static void test_trust_full_intermediate(void **state)
{
    fixture *f = *state;
    ua_trust_result r;
    /* Root trusted, intermediate only in issuers/: the chain reaches the root. */
    assert_int_equal(ua_trust_add(f->store, &g.ca.der, NULL), UA_STATUS_GOOD);
    put(f, "issuers/certs", "inter.der", g.inter.der.data, g.inter.der.length);
    assert_int_equal(check(f, UA_TRUST_FULL, &g.leaf3, "srv.test", "urn:leaf3", &r),
                     UA_STATUS_GOOD);
    /* Root only in issuers/, intermediate trusted: accepted as well. */
    assert_int_equal(ua_trust_remove(f->store, r.thumbprint), UA_STATUS_BADNOTFOUND);
    char thumb[UA_CERT_THUMBPRINT_HEX];
    assert_int_equal(ua_cert_thumbprint_hex(&g.ca.der, thumb), UA_STATUS_GOOD);
    assert_int_equal(ua_trust_remove(f->store, thumb), UA_STATUS_GOOD);
    assert_int_equal(check(f, UA_TRUST_FULL, &g.leaf3, "srv.test", NULL, &r),
                     UA_STATUS_BADCERTIFICATECHAININCOMPLETE);
    put(f, "issuers/certs", "root.der", g.ca.der.data, g.ca.der.length);
    assert_int_equal(check(f, UA_TRUST_FULL, &g.leaf3, "srv.test", NULL, &r),
                     UA_STATUS_BADCERTIFICATEUNTRUSTED);
    assert_int_equal(ua_trust_add(f->store, &g.inter.der, NULL), UA_STATUS_GOOD);
    assert_int_equal(check(f, UA_TRUST_FULL, &g.leaf3, "srv.test", NULL, &r), UA_STATUS_GOOD);
    /* Neither CA known, the server sends the intermediate: incomplete. */
    char path[256];
    file_in(f, "issuers/certs", "root.der", path, sizeof(path));
    assert_int_equal(unlink(path), 0);
    file_in(f, "issuers/certs", "inter.der", path, sizeof(path));
    assert_int_equal(unlink(path), 0);
    assert_int_equal(ua_cert_thumbprint_hex(&g.inter.der, thumb), UA_STATUS_GOOD);
    assert_int_equal(ua_trust_remove(f->store, thumb), UA_STATUS_GOOD);
    assert_int_equal(check(f, UA_TRUST_FULL, &g.leaf3, "srv.test", NULL, &r),
                     UA_STATUS_BADCERTIFICATECHAININCOMPLETE);
}

/* The server sends leaf + CA; the CA is not in the store. */
static void test_trust_full_sent_chain_untrusted_root(void **state)
{
    fixture *f = *state;
    ua_ByteString chain = {0, NULL};
    assert_int_equal(ua_string_from_bytes(&chain, g.leaf.der.data, g.leaf.der.length),
                     UA_STATUS_GOOD);
    uint8_t *grown = realloc(chain.data, chain.length + g.ca.der.length);
    assert_non_null(grown);
    memcpy(grown + chain.length, g.ca.der.data, g.ca.der.length);
    chain.data = grown;
    chain.length += g.ca.der.length;
    ua_trust_check c = {.policy = UA_TRUST_FULL, .host = "srv.test"};
    ua_trust_result r;
    assert_int_equal(ua_trust_validate(f->store, &c, &chain, &r),
                     UA_STATUS_BADCERTIFICATEUNTRUSTED);
    /* Only the leaf goes to rejected/. */
    assert_true(has_file(f, "rejected/certs", &g.leaf.der));
    assert_false(has_file(f, "rejected/certs", &g.ca.der));
    /* With the CA trusted, the sent chain validates. */
    assert_int_equal(ua_trust_add(f->store, &g.ca.der, NULL), UA_STATUS_GOOD);
    assert_int_equal(ua_trust_validate(f->store, &c, &chain, &r), UA_STATUS_GOOD);
    ua_clear(&chain, BYTESTRING);
}

static void write_crl(const fixture *f, const char *sub, const keycert *revoked)
{
    const unsigned char *p = g.ca.der.data;
    X509 *ca = d2i_X509(NULL, &p, (long)g.ca.der.length);
    p = revoked->der.data;
    X509 *leaf = d2i_X509(NULL, &p, (long)revoked->der.length);
    assert_non_null(ca);
    assert_non_null(leaf);
    X509_CRL *crl = X509_CRL_new();
    ASN1_TIME *last = ASN1_TIME_set(NULL, time(NULL) - 3600);
    ASN1_TIME *next = ASN1_TIME_set(NULL, time(NULL) + 86400);
    X509_REVOKED *rev = X509_REVOKED_new();
    assert_non_null(crl);
    assert_int_equal(X509_CRL_set_version(crl, 1), 1);
    assert_int_equal(X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca)), 1);
    assert_int_equal(X509_CRL_set1_lastUpdate(crl, last), 1);
    assert_int_equal(X509_CRL_set1_nextUpdate(crl, next), 1);
    assert_int_equal(X509_REVOKED_set_serialNumber(rev, X509_get_serialNumber(leaf)), 1);
    assert_int_equal(X509_REVOKED_set_revocationDate(rev, last), 1);
    assert_int_equal(X509_CRL_add0_revoked(crl, rev), 1);
    assert_int_equal(X509_CRL_sort(crl), 1);
    assert_true(X509_CRL_sign(crl, g.ca.key, EVP_sha256()) > 0);
    unsigned char *der = NULL;
    int len = i2d_X509_CRL(crl, &der);
    assert_true(len > 0);
    put(f, sub, "ca.crl", der, (size_t)len);
    OPENSSL_free(der);
    ASN1_TIME_free(last);
    ASN1_TIME_free(next);
    X509_CRL_free(crl);
    X509_free(leaf);
    X509_free(ca);
}

static void test_trust_full_revoked(void **state)
{
    fixture *f = *state;
    ua_trust_result r;
    assert_int_equal(ua_trust_add(f->store, &g.ca.der, NULL), UA_STATUS_GOOD);
    write_crl(f, "trusted/crl", &g.leaf);
    assert_int_equal(check(f, UA_TRUST_FULL, &g.leaf, "srv.test", NULL, &r),
                     UA_STATUS_BADCERTIFICATEREVOKED);
    assert_non_null(strstr(r.message, "crl"));
    assert_false(r.rejected_copy);
    /* The CRL is checked and does not list leaf2. */
    assert_int_equal(check(f, UA_TRUST_FULL, &g.leaf2, "srv.test", NULL, &r), UA_STATUS_GOOD);
    /* Even a directly trusted leaf is revoked. */
    assert_int_equal(ua_trust_add(f->store, &g.leaf.der, NULL), UA_STATUS_GOOD);
    assert_int_equal(check(f, UA_TRUST_FULL, &g.leaf, "srv.test", NULL, &r),
                     UA_STATUS_BADCERTIFICATEREVOKED);
}

static void test_trust_full_revoked_issuers_crl(void **state)
{
    fixture *f = *state;
    ua_trust_result r;
    put(f, "issuers/certs", "ca.der", g.ca.der.data, g.ca.der.length);
    write_crl(f, "issuers/crl", &g.leaf);
    assert_int_equal(ua_trust_add(f->store, &g.leaf.der, NULL), UA_STATUS_GOOD);
    assert_int_equal(check(f, UA_TRUST_FULL, &g.leaf, "srv.test", NULL, &r),
                     UA_STATUS_BADCERTIFICATEREVOKED);
}

static void test_trust_auto_accept(void **state)
{
    fixture *f = *state;
    ua_trust_check c = {.policy = UA_TRUST_FINGERPRINT, .auto_accept = true};
    ua_trust_result r;
    assert_int_equal(ua_trust_validate(f->store, &c, &g.server.der, &r), UA_STATUS_GOOD);
    assert_true(r.auto_accepted);
    assert_true(has_file(f, "trusted/certs", &g.server.der));
    assert_false(has_file(f, "rejected/certs", &g.server.der));
    /* Now known: accepted without auto-accept. */
    assert_int_equal(check(f, UA_TRUST_FINGERPRINT, &g.server, NULL, NULL, &r), UA_STATUS_GOOD);
    assert_false(r.auto_accepted);

    /* Rejected once, then not auto-accepted ... */
    assert_int_equal(check(f, UA_TRUST_FINGERPRINT, &g.other, NULL, NULL, &r),
                     UA_STATUS_BADCERTIFICATEUNTRUSTED);
    assert_int_equal(ua_trust_validate(f->store, &c, &g.other.der, &r),
                     UA_STATUS_BADCERTIFICATEUNTRUSTED);
    assert_false(r.auto_accepted);
    assert_non_null(strstr(r.message, "autoAcceptForce"));
    assert_false(has_file(f, "trusted/certs", &g.other.der));
    /* ... unless forced. */
    c.auto_accept_force = true;
    assert_int_equal(ua_trust_validate(f->store, &c, &g.other.der, &r), UA_STATUS_GOOD);
    assert_true(r.auto_accepted);
    assert_true(has_file(f, "trusted/certs", &g.other.der));
    assert_false(has_file(f, "rejected/certs", &g.other.der));

    /* An expired certificate is not auto-accepted under +expiry. */
    c.policy = UA_TRUST_FINGERPRINT_EXPIRY;
    assert_int_equal(ua_trust_validate(f->store, &c, &g.expired.der, &r),
                     UA_STATUS_BADCERTIFICATETIMEINVALID);
    assert_false(has_file(f, "trusted/certs", &g.expired.der));
}

static void test_trust_auto_accept_full(void **state)
{
    fixture *f = *state;
    ua_trust_check c = {.policy = UA_TRUST_FULL, .host = "evil.test", .auto_accept = true};
    ua_trust_result r;
    /* Wrong host: the other checks still apply, nothing is trusted. */
    assert_int_equal(ua_trust_validate(f->store, &c, &g.server.der, &r),
                     UA_STATUS_BADCERTIFICATEHOSTNAMEINVALID);
    assert_false(r.auto_accepted);
    assert_false(has_file(f, "trusted/certs", &g.server.der));
    c.host = "srv.test";
    assert_int_equal(ua_trust_validate(f->store, &c, &g.server.der, &r), UA_STATUS_GOOD);
    assert_true(r.auto_accepted);
    assert_true(has_file(f, "trusted/certs", &g.server.der));
    /* A CA-signed leaf whose CA is unknown is taken as it stands. */
    assert_int_equal(ua_trust_validate(f->store, &c, &g.leaf.der, &r), UA_STATUS_GOOD);
    assert_true(r.auto_accepted);
}

static void test_trust_list_round_trip(void **state)
{
    fixture *f = *state;
    ua_trust_list l;
    assert_int_equal(ua_trust_list_get(f->store, &l), UA_STATUS_GOOD);
    assert_int_equal(l.trusted_count, 0);
    assert_int_equal(l.rejected_count, 0);
    ua_trust_list_clear(&l);

    char t1[UA_CERT_THUMBPRINT_HEX], t2[UA_CERT_THUMBPRINT_HEX];
    assert_int_equal(ua_trust_add(f->store, &g.server.der, t1), UA_STATUS_GOOD);
    assert_int_equal(ua_trust_add(f->store, &g.leaf.der, t2), UA_STATUS_GOOD);
    assert_int_equal(ua_trust_add(f->store, &g.leaf.der, NULL), UA_STATUS_GOOD); /* again */
    ua_trust_result r;
    check(f, UA_TRUST_FINGERPRINT, &g.other, NULL, NULL, &r);
    put(f, "trusted/certs", "notes.txt", "not a certificate", 17);

    assert_int_equal(ua_trust_list_get(f->store, &l), UA_STATUS_GOOD);
    assert_int_equal(l.trusted_count, 2);
    assert_int_equal(l.rejected_count, 1);
    assert_true(strcmp(l.trusted[0].info.thumbprint, l.trusted[1].info.thumbprint) < 0);
    for (size_t i = 0; i < 2; i++) {
        const ua_trust_entry *e = &l.trusted[i];
        bool is_server = strcmp(e->info.thumbprint, t1) == 0;
        assert_true(is_server || strcmp(e->info.thumbprint, t2) == 0);
        assert_string_equal(e->info.application_uri, is_server ? "urn:srv" : "urn:leaf");
        assert_non_null(strstr(e->info.subject, is_server ? "CN=server" : "CN=leaf"));
        assert_non_null(strstr(e->path, e->info.thumbprint));
        assert_true(e->info.not_before < e->info.not_after);
    }
    assert_non_null(strstr(l.rejected[0].info.subject, "CN=other"));
    assert_non_null(strstr(l.rejected[0].path, "rejected/certs"));
    ua_trust_list_clear(&l);

    /* Untrust with lowercase and colons. */
    char human[64];
    char *o = human;
    for (int i = 0; i < 20; i++) {
        if (i)
            *o++ = ':';
        *o++ = (char)(t1[2 * i] | 0x20);
        *o++ = (char)(t1[2 * i + 1] | 0x20);
    }
    *o = 0;
    bool trusted = false, rejected = true;
    assert_int_equal(ua_trust_lookup(f->store, human, &trusted, &rejected), UA_STATUS_GOOD);
    assert_true(trusted);
    assert_false(rejected);
    assert_int_equal(ua_trust_remove(f->store, human), UA_STATUS_GOOD);
    assert_int_equal(ua_trust_remove(f->store, human), UA_STATUS_BADNOTFOUND);
    assert_int_equal(ua_trust_lookup(f->store, t1, &trusted, NULL), UA_STATUS_GOOD);
    assert_false(trusted);
    assert_int_equal(ua_trust_list_get(f->store, &l), UA_STATUS_GOOD);
    assert_int_equal(l.trusted_count, 1);
    assert_string_equal(l.trusted[0].info.thumbprint, t2);
    ua_trust_list_clear(&l);
}

static void test_trust_hostile_input(void **state)
{
    fixture *f = *state;
    const char *bad[] = {"../x",
                         "..",
                         "",
                         "ABCDEF",
                         "../../../../../../../../etc/passwd",
                         "0123456789ABCDEF0123456789ABCDEF01234567/",
                         "0123456789ABCDEF0123456789ABCDEF0123456Z",
                         NULL};
    for (int i = 0; bad[i]; i++) {
        bool t;
        assert_int_equal(ua_trust_remove(f->store, bad[i]), UA_STATUS_BADINVALIDARGUMENT);
        assert_int_equal(ua_trust_lookup(f->store, bad[i], &t, NULL), UA_STATUS_BADINVALIDARGUMENT);
    }
    assert_int_equal(ua_trust_remove(f->store, NULL), UA_STATUS_BADINVALIDARGUMENT);

    ua_ByteString junk = ua_string_borrow("-----BEGIN CERTIFICATE-----\nAAAA\n");
    ua_trust_result r;
    ua_trust_check c = {.policy = UA_TRUST_FULL, .auto_accept = true, .auto_accept_force = true};
    assert_int_equal(ua_trust_validate(f->store, &c, &junk, &r), UA_STATUS_BADCERTIFICATEINVALID);
    assert_string_equal(r.thumbprint, "");
    ua_ByteString null = {0, NULL};
    assert_int_equal(ua_trust_validate(f->store, &c, &null, &r), UA_STATUS_BADCERTIFICATEINVALID);
    assert_int_equal(ua_trust_add(f->store, &junk, NULL), UA_STATUS_BADCERTIFICATEINVALID);
    /* Base64 text of a DER (the reference client's defect) is not a certificate. */
    ua_ByteString b64 = ua_string_borrow("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA");
    assert_int_equal(ua_trust_add(f->store, &b64, NULL), UA_STATUS_BADCERTIFICATEINVALID);
}

static void test_trust_host_of(void **state)
{
    (void)state;
    char h[64];
    assert_int_equal(ua_trust_host_of("opc.tcp://plc.example:4840/path", h, sizeof(h)),
                     UA_STATUS_GOOD);
    assert_string_equal(h, "plc.example");
    assert_int_equal(ua_trust_host_of("opc.tcp://[::1]:4840", h, sizeof(h)), UA_STATUS_GOOD);
    assert_string_equal(h, "::1");
    assert_int_equal(ua_trust_host_of("opc.tcp://10.0.0.1", h, sizeof(h)), UA_STATUS_GOOD);
    assert_string_equal(h, "10.0.0.1");
    assert_int_equal(ua_trust_host_of("plc.example", h, sizeof(h)), UA_STATUS_GOOD);
    assert_string_equal(h, "plc.example");
    assert_int_equal(ua_trust_host_of("plc:4840", h, sizeof(h)), UA_STATUS_GOOD);
    assert_string_equal(h, "plc");
    assert_int_equal(ua_trust_host_of("fe80::1", h, sizeof(h)), UA_STATUS_GOOD);
    assert_string_equal(h, "fe80::1");
    assert_int_equal(ua_trust_host_of("opc.tcp://:4840", h, sizeof(h)),
                     UA_STATUS_BADINVALIDARGUMENT);
    assert_int_equal(ua_trust_host_of("opc.tcp://[::1", h, sizeof(h)),
                     UA_STATUS_BADINVALIDARGUMENT);
    assert_int_equal(ua_trust_host_of("opc.tcp://abcdefgh", h, 4), UA_STATUS_BADINVALIDARGUMENT);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_trust_open_creates_layout),
        cmocka_unit_test(test_trust_policy_names),
        T(test_trust_fingerprint_untrusted_then_trusted),
        T(test_trust_expired),
        T(test_trust_operator_pem_file_counts),
        T(test_trust_full_self_signed),
        T(test_trust_full_key_usage),
        T(test_trust_full_ca_chain),
        T(test_trust_full_intermediate),
        T(test_trust_full_sent_chain_untrusted_root),
        T(test_trust_full_revoked),
        T(test_trust_full_revoked_issuers_crl),
        T(test_trust_auto_accept),
        T(test_trust_auto_accept_full),
        T(test_trust_list_round_trip),
        T(test_trust_hostile_input),
        cmocka_unit_test(test_trust_host_of),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
