/* libFuzzer target: arbitrary bytes decoded as any built-in or generated
 * type. Input: 2-byte little-endian type selector, then the payload.
 * Whatever decodes must re-encode, decode again and re-encode to the same
 * bytes; nothing may crash, overread, leak or allocate without bound. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ua_binary.h"
#include "ua_fill.h"
#include "ua_statuscodes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t index = (size_t)(data[0] | data[1] << 8) % ua_all_types_count();
    const ua_type *type = ua_all_types_at(index);
    ua_limits limits = ua_default_limits;
    limits.max_alloc = 64u << 20;
    ua_decode_opts opts = {&limits, NULL, NULL};

    void *v = ua_new(type);
    if (!v)
        return 0;
    size_t pos = 2;
    if (ua_decode(data, size, &pos, v, type, &opts) == UA_STATUS_GOOD) {
        bbuf a, b;
        bbuf_init(&a, 1u << 26);
        bbuf_init(&b, 1u << 26);
        if (ua_encode(v, type, &a) != UA_STATUS_GOOD)
            abort();
        void *w = ua_new(type);
        size_t p2 = 0;
        if (!w || ua_decode(a.data, a.len, &p2, w, type, &opts) != UA_STATUS_GOOD || p2 != a.len)
            abort();
        if (ua_encode(w, type, &b) != UA_STATUS_GOOD || a.len != b.len ||
            (a.len && memcmp(a.data, b.data, a.len) != 0))
            abort();
        ua_delete(w, type);
        bbuf_clear(&a);
        bbuf_clear(&b);
    }
    ua_delete(v, type);
    return 0;
}
