/* Throw-away RSA keys and self-signed application instance certificates
 * for tests (Part 6 (1.05) 6.2.2 profile: SAN URI = ApplicationUri, DNS
 * localhost, the key usages OPC UA servers check). Not for production. */
#ifndef TEST_CERTS_H
#define TEST_CERTS_H

#include <openssl/types.h>

#include "ua_types.h"

/** Generates an RSA key of bits bits and a self-signed SHA-256 certificate
 *  for application_uri (valid from an hour ago for a year). *key returns
 *  owned (EVP_PKEY_free); *der returns owned (ua_clear with
 *  UA_BUILTIN(UA_KIND_BYTESTRING)). Returns 0, or -1 on failure. */
int test_cert_make(const char *application_uri, int bits, EVP_PKEY **key, ua_ByteString *der);

/** As test_cert_make, valid from now + not_before_s to now + not_after_s
 *  seconds (both may be negative: an expired certificate). */
int test_cert_make_dated(const char *application_uri, int bits, long not_before_s, long not_after_s,
                         EVP_PKEY **key, ua_ByteString *der);

#endif
