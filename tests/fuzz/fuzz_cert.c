/* libFuzzer target: a server certificate as a peer sends it (DER, a DER
 * chain, or PEM text) through parsing and every read-only inspection:
 * leaf and chain split, thumbprint, ApplicationUri, names, validity, key
 * size; plus the thumbprint and endpoint-host parsers on the same bytes as
 * text. Nothing may crash, overread or leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ua_cert.h"
#include "ua_statuscodes.h"
#include "ua_trust.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inspect(const ua_ByteString *der)
{
    ua_cert_info info;
    if (ua_cert_info_get(der, &info) == UA_STATUS_GOOD && strlen(info.thumbprint) != 40)
        abort();
    ua_cert_info_clear(&info);
    ua_String uri = {0, NULL};
    if (ua_cert_application_uri(der, &uri) == UA_STATUS_GOOD && !uri.data)
        abort();
    ua_clear(&uri, UA_BUILTIN(UA_KIND_STRING));
    char hex[UA_CERT_THUMBPRINT_HEX];
    ua_cert_thumbprint_hex(der, hex);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ua_ByteString raw = {size, (uint8_t *)(uintptr_t)data};
    inspect(&raw);

    ua_ByteString leaf = {0, NULL}, chain = {0, NULL};
    ua_cert_error err;
    if (ua_cert_parse(data, size, &leaf, &chain, &err) == UA_STATUS_GOOD) {
        if (chain.length < leaf.length || memcmp(chain.data, leaf.data, leaf.length) != 0)
            abort(); /* the chain starts with the leaf */
        inspect(&leaf);
        inspect(&chain);
    }
    ua_clear(&leaf, UA_BUILTIN(UA_KIND_BYTESTRING));
    ua_clear(&chain, UA_BUILTIN(UA_KIND_BYTESTRING));

    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    char thumb[UA_CERT_THUMBPRINT_HEX], host[256];
    if (ua_cert_thumbprint_normalize(text, thumb) == UA_STATUS_GOOD &&
        strspn(thumb, "0123456789ABCDEF") != 40)
        abort(); /* a normalised thumbprint is always safe as a file name */
    ua_trust_host_of(text, host, sizeof(host));
    free(text);
    return 0;
}
