/* Unit tests of the strict base64 codec (src/util/base64.c): the RFC 4648
 * section 10 vectors in both directions, strict rejection of malformed
 * text, and a round trip of every byte value. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "util/base64.h"

static const struct {
    const char *plain;
    const char *encoded;
} rfc_vectors[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

#define N_VECTORS (sizeof(rfc_vectors) / sizeof(rfc_vectors[0]))

static void test_base64_encodes_rfc4648_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        const char *plain = rfc_vectors[i].plain;
        size_t n = strlen(plain);
        char out[16];
        memset(out, 'X', sizeof(out));
        assert_int_equal(base64_encoded_size(n), strlen(rfc_vectors[i].encoded));
        size_t len = base64_encode((const uint8_t *)plain, n, out);
        assert_int_equal(len, strlen(rfc_vectors[i].encoded));
        assert_string_equal(out, rfc_vectors[i].encoded);
    }
}

static void test_base64_decodes_rfc4648_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        const char *text = rfc_vectors[i].encoded;
        uint8_t out[16];
        size_t out_len = 99;
        assert_int_equal(base64_decode(text, strlen(text), out, &out_len), 0);
        assert_int_equal(out_len, strlen(rfc_vectors[i].plain));
        if (out_len > 0)
            assert_memory_equal(out, rfc_vectors[i].plain, out_len);
    }
}

static int decode_str(const char *text)
{
    uint8_t out[64];
    size_t out_len = 0;
    return base64_decode(text, strlen(text), out, &out_len);
}

static void test_base64_rejects_bad_characters(void **state)
{
    (void)state;
    assert_int_equal(decode_str("Zm9*"), -1);
    assert_int_equal(decode_str("Zm 9"), -1);
    assert_int_equal(decode_str("Zm9v\n"), -1);
    assert_int_equal(decode_str("Zm9-"), -1); /* base64url alphabet */
    assert_int_equal(decode_str("Zm9_"), -1);
    assert_int_equal(decode_str("****"), -1);
    /* An embedded NUL is not part of the alphabet. */
    uint8_t out[8];
    size_t out_len = 0;
    assert_int_equal(base64_decode("Zm\0v", 4, out, &out_len), -1);
}

static void test_base64_rejects_bad_length(void **state)
{
    (void)state;
    assert_int_equal(decode_str("Z"), -1);
    assert_int_equal(decode_str("Zg"), -1); /* padding is required */
    assert_int_equal(decode_str("Zm8"), -1);
    assert_int_equal(decode_str("Zm9vY"), -1);
    assert_int_equal(decode_str("Zm9vYg="), -1);
}

static void test_base64_rejects_bad_padding(void **state)
{
    (void)state;
    assert_int_equal(decode_str("===="), -1);
    assert_int_equal(decode_str("Z==="), -1);
    assert_int_equal(decode_str("Zg=a"), -1);     /* data after padding */
    assert_int_equal(decode_str("Zg==Zg=="), -1); /* padding not at the end */
    assert_int_equal(decode_str("Zm8=Zm9v"), -1);
    assert_int_equal(decode_str("=Zm9"), -1);
}

static void test_base64_rejects_noncanonical_trailing_bits(void **state)
{
    (void)state;
    /* "f" is Zg==; Zh== carries a 1 in the bits the padding discards. */
    assert_int_equal(decode_str("Zh=="), -1);
    assert_int_equal(decode_str("Zv=="), -1);
    /* "fo" is Zm8=; Zm9= sets the lowest discarded bit. */
    assert_int_equal(decode_str("Zm9="), -1);
    assert_int_equal(decode_str("Zm8="), 0);
    assert_int_equal(decode_str("Zg=="), 0);
}

static void test_base64_round_trips_all_byte_values(void **state)
{
    (void)state;
    uint8_t in[256];
    for (int i = 0; i < 256; i++)
        in[i] = (uint8_t)i;
    char text[400];
    uint8_t back[300];
    /* Every length 0..256 exercises all three tail shapes. */
    for (size_t n = 0; n <= 256; n++) {
        size_t len = base64_encode(in + (256 - n), n, text);
        assert_int_equal(len, base64_encoded_size(n));
        assert_int_equal(strlen(text), len);
        size_t out_len = 0;
        assert_int_equal(base64_decode(text, len, back, &out_len), 0);
        assert_int_equal(out_len, n);
        if (n > 0)
            assert_memory_equal(back, in + (256 - n), n);
    }
}

static void test_base64_encodes_high_bytes(void **state)
{
    (void)state;
    static const uint8_t deadbeef[] = {0xDE, 0xAD, 0xBE, 0xEF};
    static const uint8_t ff3[] = {0xFF, 0xFF, 0xFF};
    char out[16];
    base64_encode(deadbeef, sizeof(deadbeef), out);
    assert_string_equal(out, "3q2+7w==");
    base64_encode(ff3, sizeof(ff3), out);
    assert_string_equal(out, "////");
    uint8_t back[8];
    size_t n = 0;
    assert_int_equal(base64_decode("3q2+7w==", 8, back, &n), 0);
    assert_int_equal(n, 4);
    assert_memory_equal(back, deadbeef, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base64_encodes_rfc4648_vectors),
        cmocka_unit_test(test_base64_decodes_rfc4648_vectors),
        cmocka_unit_test(test_base64_rejects_bad_characters),
        cmocka_unit_test(test_base64_rejects_bad_length),
        cmocka_unit_test(test_base64_rejects_bad_padding),
        cmocka_unit_test(test_base64_rejects_noncanonical_trailing_bits),
        cmocka_unit_test(test_base64_round_trips_all_byte_values),
        cmocka_unit_test(test_base64_encodes_high_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
