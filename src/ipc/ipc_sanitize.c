/* Error-message sanitisation, ipc-protocol.md §7: three regex-equivalent
 * passes (URL, Windows path, Unix path), then the 500-byte cut. Written as
 * linear scanners, not a regex engine; each pass matches what the PCRE
 * pattern in the comment above it matches, leftmost first. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc_errors.h"
#include "util/bbuf.h"

/* PCRE's \s without UCP: space, \t, \n, \v, \f, \r. */
static bool is_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_scheme_char(unsigned char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '-';
}

static size_t skip_nonspace(const unsigned char *s, size_t i, size_t n)
{
    while (i < n && !is_space(s[i]))
        i++;
    return i;
}

/* A pass finds the leftmost match starting at or after from: returns true
 * and sets [*start, *end), or returns false. */
typedef bool (*match_fn)(const unsigned char *s, size_t n, size_t from, size_t *start, size_t *end);

/* `[a-z][a-z0-9+.\-]*://\S+` case-insensitive. A scheme run that is not
 * followed by "://" cannot match from any later start inside it either. */
static bool match_url(const unsigned char *s, size_t n, size_t from, size_t *start, size_t *end)
{
    size_t i = from;
    while (i < n) {
        if (!is_alpha(s[i])) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n && is_scheme_char(s[j]))
            j++;
        if (n - j >= 4 && s[j] == ':' && s[j + 1] == '/' && s[j + 2] == '/' &&
            !is_space(s[j + 3])) {
            *start = i;
            *end = skip_nonspace(s, j + 3, n);
            return true;
        }
        i = j;
    }
    return false;
}

/* `[A-Za-z]:\\\S+` */
static bool match_windows(const unsigned char *s, size_t n, size_t from, size_t *start, size_t *end)
{
    for (size_t i = from; i + 3 < n; i++) {
        if (is_alpha(s[i]) && s[i + 1] == ':' && s[i + 2] == '\\' && !is_space(s[i + 3])) {
            *start = i;
            *end = skip_nonspace(s, i + 3, n);
            return true;
        }
    }
    return false;
}

static bool is_seg_char(unsigned char c)
{
    return !is_space(c) && c != ':';
}

/* `/[^\s:]+/[^\s:]+`: from a '/', the run of [^\s:] after it must hold
 * another '/' with at least one character on each side; the match then
 * extends to the end of the run (greedy). If the first '/' of a run fails,
 * no later '/' of the same run can succeed, so the scan resumes after it. */
static bool match_unix(const unsigned char *s, size_t n, size_t from, size_t *start, size_t *end)
{
    size_t i = from;
    while (i < n) {
        if (s[i] != '/') {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n && is_seg_char(s[j]))
            j++;
        /* run is s[i+1 .. j); look for '/' at k with i+1 < k < j-1 */
        for (size_t k = i + 2; k + 1 < j; k++) {
            if (s[k] == '/') {
                *start = i;
                *end = j;
                return true;
            }
        }
        i = j > i + 1 ? j : i + 1;
    }
    return false;
}

/* Applies one pass to in, writing into out. Returns BBUF_OK or an error. */
static int replace_all(const bbuf *in, bbuf *out, match_fn match, const char *with)
{
    const unsigned char *s = in->data;
    size_t n = in->len, pos = 0, start, end;
    out->len = 0;
    while (pos < n && match(s, n, pos, &start, &end)) {
        int rc = bbuf_append(out, s + pos, start - pos);
        if (rc == BBUF_OK)
            rc = bbuf_append(out, with, strlen(with));
        if (rc != BBUF_OK)
            return rc;
        pos = end;
    }
    if (pos < n)
        return bbuf_append(out, s + pos, n - pos);
    return BBUF_OK;
}

char *ipc_sanitize_message(const char *msg, size_t len, size_t *out_len)
{
    /* Replacements never lengthen by more than their own text per match;
     * a bound of 8x keeps hostile inputs finite. */
    if (len > SIZE_MAX / 16)
        return NULL;
    size_t max = len * 8 + 64;
    bbuf a, b;
    bbuf_init(&a, max);
    bbuf_init(&b, max);
    char *result = NULL;
    if (bbuf_append(&a, msg, len) != BBUF_OK || replace_all(&a, &b, match_url, "[url]") != 0 ||
        replace_all(&b, &a, match_windows, "[path]") != 0 ||
        replace_all(&a, &b, match_unix, "[path]") != 0)
        goto out;
    size_t keep = b.len;
    bool cut = keep > IPC_SANITIZE_MAX;
    if (cut) {
        /* PHP cuts at byte 500 even inside a UTF-8 sequence, which then makes
         * its JSON encoder fail; we back off to the start of that sequence. */
        keep = IPC_SANITIZE_MAX;
        while (keep > 0 && (b.data[keep] & 0xC0) == 0x80)
            keep--;
    }
    result = malloc(keep + 4);
    if (!result)
        goto out;
    if (keep)
        memcpy(result, b.data, keep);
    if (cut) {
        memcpy(result + keep, "...", 3);
        keep += 3;
    }
    result[keep] = '\0';
    if (out_len)
        *out_len = keep;
out:
    bbuf_clear(&a);
    bbuf_clear(&b);
    return result;
}
