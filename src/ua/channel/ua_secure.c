/* Sequence header, padding and signature of secure conversation chunks
 * (Part 6 (1.05) 6.7.2.2-6.7.2.5), for any policy behind ua_sec_ops. */
#include "ua_secure.h"

#include <string.h>

#include "ua_binary.h"
#include "ua_statuscodes.h"

static void none_sizes(void *ctx, bool asym, ua_sec_sizes *out)
{
    (void)ctx;
    (void)asym;
    memset(out, 0, sizeof(*out));
}

const ua_sec_ops ua_sec_ops_none = {
    "http://opcfoundation.org/UA/SecurityPolicy#None",
    0,
    none_sizes,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
};

ua_sec_apply ua_sec_apply_for(const ua_sec_ops *ops, int32_t mode, bool asym)
{
    ua_sec_apply ap = {false, false};
    if (ops == &ua_sec_ops_none || !ops->sign)
        return ap;
    if (asym) {
        /* Part 6 6.7.4: OPN is signed and encrypted with any real policy. */
        ap.sign = ap.encrypt = true;
        return ap;
    }
    ap.sign = mode >= UA_MESSAGESECURITYMODE_SIGN;
    ap.encrypt = mode == UA_MESSAGESECURITYMODE_SIGNANDENCRYPT;
    return ap;
}

size_t ua_secure_max_body(const ua_sec_ops *ops, void *ctx, ua_sec_apply ap, bool asym,
                          size_t chunk_size, size_t header_len)
{
    ua_sec_sizes sz;
    ops->sizes(ctx, asym, &sz);
    size_t sig = ap.sign ? sz.signature : 0;
    if (chunk_size <= header_len)
        return 0;
    size_t room = chunk_size - header_len;
    if (ap.encrypt && sz.plain_block && sz.cipher_block) {
        /* The encrypted part must fit: whole blocks of plaintext. */
        size_t plain = room / sz.cipher_block * sz.plain_block;
        size_t overhead = 8 + sig + 1 + (sz.extra_padding ? 1 : 0);
        return plain > overhead ? plain - overhead : 0;
    }
    return room > 8 + sig ? room - 8 - sig : 0;
}

ua_status ua_secure_encode(const ua_sec_ops *ops, void *ctx, ua_sec_apply ap, bool asym,
                           const uint8_t *headers, size_t header_len, uint32_t seq,
                           uint32_t request_id, const uint8_t *body, size_t body_len, bbuf *out)
{
    ua_sec_sizes sz;
    ops->sizes(ctx, asym, &sz);
    size_t sig = ap.sign ? sz.signature : 0;
    bool enc = ap.encrypt && sz.plain_block && sz.cipher_block;
    size_t plain = 8 + body_len + sig;
    size_t pad = 0; /* padding bytes after the PaddingSize byte */
    if (enc) {
        size_t fixed = plain + 1 + (sz.extra_padding ? 1 : 0);
        pad = (sz.plain_block - fixed % sz.plain_block) % sz.plain_block;
        plain = fixed + pad;
    }
    size_t wire = enc ? plain / sz.plain_block * sz.cipher_block : plain;
    size_t total = header_len + wire;
    if (total > UINT32_MAX)
        return UA_STATUS_BADREQUESTTOOLARGE;
    size_t at = out->len;
    int rc = bbuf_reserve(out, total);
    if (rc != BBUF_OK)
        return rc == BBUF_ETOOBIG ? UA_STATUS_BADREQUESTTOOLARGE : UA_STATUS_BADOUTOFMEMORY;
    uint8_t *p = out->data + at;
    memcpy(p, headers, header_len);
    ua_write_u32(p + 4, (uint32_t)total);
    size_t o = header_len;
    ua_write_u32(p + o, seq);
    ua_write_u32(p + o + 4, request_id);
    o += 8;
    if (body_len)
        memcpy(p + o, body, body_len);
    o += body_len;
    if (enc) {
        /* Part 6 6.7.2.5: PaddingSize, padding bytes equal to it, then the
         * high byte for keys over 2048 bits. */
        memset(p + o, (int)(pad & 0xFF), pad + 1);
        o += pad + 1;
        if (sz.extra_padding)
            p[o++] = (uint8_t)(pad >> 8);
    }
    if (sig) {
        ua_status st = ops->sign(ctx, asym, p, o, p + o);
        if (st != UA_STATUS_GOOD)
            return st;
        o += sig;
    }
    if (enc) {
        size_t out_len = 0;
        ua_status st = ops->encrypt(ctx, asym, p + header_len, o - header_len, &out_len);
        if (st != UA_STATUS_GOOD)
            return st;
        if (out_len != wire)
            return UA_STATUS_BADINTERNALERROR;
        o = header_len + out_len;
    }
    out->len = at + o;
    return UA_STATUS_GOOD;
}

ua_status ua_secure_decode(const ua_sec_ops *ops, void *ctx, ua_sec_apply ap, bool asym,
                           uint8_t *chunk, size_t len, size_t header_len, uint32_t *seq,
                           uint32_t *request_id, const uint8_t **body, size_t *body_len)
{
    ua_sec_sizes sz;
    ops->sizes(ctx, asym, &sz);
    if (len < header_len)
        return UA_STATUS_BADDECODINGERROR;
    size_t plain = len - header_len;
    bool enc = ap.encrypt && sz.remote_plain_block && sz.remote_cipher_block;
    if (enc) {
        if (plain % sz.remote_cipher_block != 0)
            return UA_STATUS_BADSECURITYCHECKSFAILED;
        size_t out_len = 0;
        ua_status st = ops->decrypt(ctx, asym, chunk + header_len, plain, &out_len);
        if (st != UA_STATUS_GOOD)
            return UA_STATUS_BADSECURITYCHECKSFAILED;
        if (out_len > plain)
            return UA_STATUS_BADINTERNALERROR;
        plain = out_len;
    }
    size_t sig = ap.sign ? sz.remote_signature : 0;
    if (plain < 8 + sig)
        return UA_STATUS_BADDECODINGERROR;
    size_t end = header_len + plain - sig; /* end of the signed data */
    if (sig) {
        ua_status st = ops->verify(ctx, asym, chunk, end, chunk + end, sig);
        if (st != UA_STATUS_GOOD)
            return UA_STATUS_BADSECURITYCHECKSFAILED;
    }
    size_t pad_total = 0;
    if (enc) {
        size_t avail = end - header_len - 8;
        size_t n = 0;
        if (sz.remote_extra_padding) {
            if (avail < 2)
                return UA_STATUS_BADSECURITYCHECKSFAILED;
            n = (size_t)chunk[end - 1] << 8 | chunk[end - 2];
            pad_total = n + 2;
        } else {
            if (avail < 1)
                return UA_STATUS_BADSECURITYCHECKSFAILED;
            n = chunk[end - 1];
            pad_total = n + 1;
        }
        if (pad_total > avail)
            return UA_STATUS_BADSECURITYCHECKSFAILED;
        const uint8_t *pad = chunk + end - pad_total;
        for (size_t i = 0; i < n + 1; i++)
            if (pad[i] != (uint8_t)(n & 0xFF))
                return UA_STATUS_BADSECURITYCHECKSFAILED;
    }
    *seq = ua_read_u32(chunk + header_len);
    *request_id = ua_read_u32(chunk + header_len + 4);
    *body = chunk + header_len + 8;
    *body_len = end - header_len - 8 - pad_total;
    return UA_STATUS_GOOD;
}
