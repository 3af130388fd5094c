/*
 * buf.c - growable byte buffers and varints (see buf.h).
 */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pl_buf_grow(pl_buf *b, size_t extra) {
    if (b->oom) return -1;
    if (extra <= b->cap - b->len) return 0;
    size_t need = b->len + extra;
    if (need < b->len) {
        b->oom = 1;
        return -1;
    }
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    unsigned char *p = realloc(b->data, cap + 1); /* +1 keeps room for cstr */
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

size_t pl_str_copy(char *dst, size_t cap, const char *src) {
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = 0;
    return n;
}

void pl_buf_puts(pl_buf *b, const char *s) {
    pl_buf_append(b, s, strlen(s));
}

void pl_buf_printf(pl_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        pl_buf_append(b, small, (size_t)n);
        return;
    }
    if (pl_buf_reserve(b, (size_t)n + 1)) return;
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void pl_buf_json_str(pl_buf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    size_t run = 0; /* start of the pending run of bytes that need no escape */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        pl_buf_append(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': pl_buf_puts(b, "\\\""); break;
        case '\\': pl_buf_puts(b, "\\\\"); break;
        case '\n': pl_buf_puts(b, "\\n"); break;
        case '\r': pl_buf_puts(b, "\\r"); break;
        case '\t': pl_buf_puts(b, "\\t"); break;
        default: {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            pl_buf_append(b, esc, 6);
        }
        }
    }
    pl_buf_append(b, s + run, n - run);
}

void pl_buf_put_u32le(pl_buf *b, uint32_t v) {
    unsigned char p[4] = {(unsigned char)v, (unsigned char)(v >> 8),
                          (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
    pl_buf_append(b, p, 4);
}

void pl_buf_put_u64le(pl_buf *b, uint64_t v) {
    pl_buf_put_u32le(b, (uint32_t)v);
    pl_buf_put_u32le(b, (uint32_t)(v >> 32));
}

char *pl_buf_cstr(pl_buf *b) {
    if (pl_buf_reserve(b, 1)) return NULL;
    b->data[b->len] = 0;
    return (char *)b->data;
}

unsigned char *pl_buf_detach(pl_buf *b, size_t *len) {
    unsigned char *p = b->data;
    if (len) *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
    return p;
}

void pl_buf_reset(pl_buf *b) {
    b->len = 0;
    b->oom = 0;
}

void pl_buf_free(pl_buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}

int pl_varint_get_long(const unsigned char **pp, const unsigned char *end, uint64_t *v) {
    const unsigned char *p = *pp;
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (p >= end) return -1;
        unsigned char c = *p++;
        if (shift == 63 && c > 1) return -1;
        x |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *v = x;
            *pp = p;
            return 0;
        }
    }
    return -1;
}
