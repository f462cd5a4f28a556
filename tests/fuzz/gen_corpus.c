/* Writes the seed corpora: for fuzz_ua_decode, every type's default and a
 * filled instance, each prefixed with the 2-byte type selector; for
 * fuzz_ua_tcp, streams of connection messages and secure chunks.
 * Usage: gen_corpus DECODE_DIR TCP_DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua_binary.h"
#include "ua_fill.h"
#include "ua_statuscodes.h"
#include "ua_tcp.h"

static int write_seed(const char *dir, size_t index, int variant, const bbuf *b)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/seed-%04zu-%d", dir, index, variant);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    uint8_t sel[2] = {(uint8_t)index, (uint8_t)(index >> 8)};
    int ok = fwrite(sel, 1, 2, f) == 2 && fwrite(b->data, 1, b->len, f) == b->len;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* One stream: read-size byte, then HEL, ACK, ERR, RHE and MSG C/F/A. */
static int write_tcp_seeds(const char *dir)
{
    ua_tcp_limits l = {0, 65536, 65536, 1 << 20, 4};
    for (int variant = 0; variant < 4; variant++) {
        bbuf b;
        bbuf_init(&b, 1 << 16);
        uint8_t piece = (uint8_t)(variant * 60);
        bbuf_append(&b, &piece, 1);
        ua_tcp_hello_encode(&l, "opc.tcp://127.0.0.1:4840/seed", &b);
        ua_tcp_ack_encode(&l, &b);
        ua_tcp_error_encode(0x80820000u, "seed error", &b);
        ua_tcp_rhe_encode("urn:seed:server", "opc.tcp://127.0.0.1:4840", &b);
        static const char *types[3] = {"MSGC", "MSGF", "MSGA"};
        for (int k = 0; k < 3; k++) {
            uint8_t chunk[40] = {0};
            memcpy(chunk, types[(k + variant) % 3], 4);
            ua_write_u32(chunk + 4, sizeof(chunk));
            chunk[20] = 7; /* request id */
            bbuf_append(&b, chunk, sizeof(chunk));
        }
        char path[4096];
        snprintf(path, sizeof(path), "%s/tcp-seed-%d", dir, variant);
        FILE *f = fopen(path, "wb");
        int ok = f && fwrite(b.data, 1, b.len, f) == b.len;
        if (f)
            ok = fclose(f) == 0 && ok;
        bbuf_clear(&b);
        if (!ok)
            return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gen_corpus DECODE_DIR TCP_DIR\n");
        return 2;
    }
    if (write_tcp_seeds(argv[2]) != 0) {
        fprintf(stderr, "gen_corpus: cannot write the UA-TCP seeds\n");
        return 1;
    }
    for (size_t i = 0; i < ua_all_types_count(); i++) {
        const ua_type *t = ua_all_types_at(i);
        for (int variant = 0; variant < 2; variant++) {
            void *v = ua_new(t);
            if (!v || (variant && ua_fill(v, t, (uint32_t)i + 1) != UA_STATUS_GOOD))
                return 1;
            bbuf b;
            bbuf_init(&b, 1u << 24);
            if (ua_encode(v, t, &b) != UA_STATUS_GOOD || write_seed(argv[1], i, variant, &b) != 0) {
                fprintf(stderr, "gen_corpus: cannot write seed for %s\n", t->name);
                return 1;
            }
            bbuf_clear(&b);
            ua_delete(v, t);
        }
    }
    return 0;
}
