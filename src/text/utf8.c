/*
 * utf8.c - validation of UTF-8 input.
 *
 * Every synopsis passes through pl_utf8_check before it is stored, so the
 * check skips runs of plain ASCII eight bytes at a time and decodes only the
 * rest with the same strict decoder the tokenizer uses (text_internal.h).
 */
#include <string.h>

#include "text/text_internal.h"

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

int pl_utf8_check(const char *str, size_t n, size_t *bad_at) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        /* Eight ASCII bytes none of which is NUL: the usual case for Latin text. */
        while (n - i >= 8) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            if ((v & HIGHS) || ((v - ONES) & ~v & HIGHS)) break;
            i += 8;
        }
        if (i >= n) break;
        unsigned c = s[i];
        if (c == 0) {
            if (bad_at) *bad_at = i;
            return -2;
        }
        if (c < 0x80) {
            i++;
            continue;
        }
        int32_t cp;
        size_t k = pl_utf8_decode(s + i, n - i, &cp);
        if (cp < 0) {
            /* The offset names the first byte of the ill-formed sequence. */
            if (bad_at) *bad_at = i;
            return -1;
        }
        i += k;
    }
    return 0;
}

size_t pl_utf8_prefix(const char *s, size_t len, int n) {
    size_t i = 0;
    while (i < len && n > 0) {
        i++;
        while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        n--;
    }
    return i;
}
