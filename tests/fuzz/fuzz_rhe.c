/* libFuzzer target: the first bytes a dialling server sends (a
 * ReverseHello), fed to the parser in pieces as the listener receives
 * them, then the allow-list checks. The first byte picks the piece size. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ua_rhe.h"
#include "ua_statuscodes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t piece = (size_t)data[0] + 1;
    data++;
    size--;
    /* The listener's buffer: never more than the cap. */
    if (size > UA_RHE_MAX_SIZE)
        size = UA_RHE_MAX_SIZE;
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    size_t have = 0;
    static const char *const allow[] = {"urn:x", "urn:fuzz:server"};
    while (have < size) {
        size_t n = size - have < piece ? size - have : piece;
        memcpy(buf + have, data + have, n);
        have += n;
        ua_rhe m;
        size_t used;
        ua_status st = ua_rhe_parse(buf, have, 0, &m, &used);
        if (st != UA_STATUS_GOOD)
            break;
        if (used) {
            if (used > have || !m.server_uri || !m.endpoint_url)
                abort();
            enum ua_rhe_verdict v = ua_rhe_validate(&m, allow, 2);
            if (v == UA_RHE_ACCEPTED && strncmp(m.endpoint_url, "opc.tcp://", 10) != 0)
                abort();
            (void)ua_rhe_verdict_text(v);
            ua_rhe_clear(&m);
            break;
        }
    }
    free(buf);
    return 0;
}
