/*
 * buf.h - growable byte buffers, varints and sticky-error builders.
 *
 * Every part that writes bytes (segments, JSON, snippets) uses one buffer type
 * so that out-of-memory is handled in one place: a pl_buf whose allocation
 * failed sets `oom` and ignores later appends, and the caller checks once at
 * the end (the sticky-error style of SQLite's FTS5 buffers).
 */
#ifndef PL_UTIL_BUF_H
#define PL_UTIL_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct pl_buf {
    unsigned char *data; /* owned; NULL while empty */
    size_t len;          /* bytes in use */
    size_t cap;          /* bytes allocated */
    int oom;             /* set once an allocation failed; appends are no-ops */
} pl_buf;

#define PL_BUF_INIT                                                                        \
    { NULL, 0, 0, 0 }

/* pl_buf_reserve when the room is not there: grows the buffer (doubling). */
int pl_buf_grow(pl_buf *b, size_t extra);

/* The appends below are inline: analysis and the index writer call them a
 * few times per byte, and the call cost more than the append (a twentieth
 * of an import's instructions). */

/* Ensures room for `extra` more bytes. Returns 0, or -1 (and sets oom). */
static inline int pl_buf_reserve(pl_buf *b, size_t extra) {
    if (!b->oom && extra <= b->cap - b->len) return 0;
    return pl_buf_grow(b, extra);
}

static inline void pl_buf_append(pl_buf *b, const void *p, size_t n) {
    if (n == 0 || pl_buf_reserve(b, n)) return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static inline void pl_buf_putc(pl_buf *b, int c) {
    if (pl_buf_reserve(b, 1)) return;
    b->data[b->len++] = (unsigned char)c;
}

void pl_buf_puts(pl_buf *b, const char *s);
void pl_buf_printf(pl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends `s` as the inside of a JSON string (quotes not included). */
void pl_buf_json_str(pl_buf *b, const char *s, size_t n);
void pl_buf_put_u32le(pl_buf *b, uint32_t v);
void pl_buf_put_u64le(pl_buf *b, uint64_t v);
/* Copies the string src into dst[0..cap) (cap > 0), cut to cap - 1 bytes,
 * NUL-terminated; returns the bytes copied. snprintf("%s") does the same
 * but parses its format first, which the query planner's hot paths felt. */
size_t pl_str_copy(char *dst, size_t cap, const char *src);

/* LEB128 unsigned varint into out[0..10): 1 byte below 128, at most 10
 * bytes; returns the bytes written. */
static inline size_t pl_varint_put(unsigned char *out, uint64_t v) {
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (unsigned char)v;
    return n;
}

/* The same appended, in place: the index writer puts millions, mostly of
 * one byte. */
static inline void pl_buf_put_varint(pl_buf *b, uint64_t v) {
    if (pl_buf_reserve(b, 10)) return;
    b->len += pl_varint_put(b->data + b->len, v);
}
/* NUL-terminates without counting the NUL in len; returns data or NULL on oom. */
char *pl_buf_cstr(pl_buf *b);
/* Hands the bytes to the caller (free() them) and empties the buffer. */
unsigned char *pl_buf_detach(pl_buf *b, size_t *len);
void pl_buf_reset(pl_buf *b);
void pl_buf_free(pl_buf *b);

/*
 * Reads a varint at *p, not past end. Returns 0 and advances *p, or -1 when the
 * bytes run out or the value overflows 64 bits (corrupt input).
 */
int pl_varint_get_long(const unsigned char **p, const unsigned char *end, uint64_t *v);
static inline int pl_varint_get(const unsigned char **p, const unsigned char *end,
                                uint64_t *v) {
    /* Most varints in postings and the lexicon are one byte, and most of
     * the rest two (a common word's gaps, a rarer one's): no call. */
    const unsigned char *q = *p;
    if (q < end && q[0] < 0x80) {
        *v = q[0];
        *p = q + 1;
        return 0;
    }
    if (end - q >= 2 && q[1] < 0x80) {
        *v = (uint64_t)(q[0] & 0x7f) | (uint64_t)q[1] << 7;
        *p = q + 2;
        return 0;
    }
    return pl_varint_get_long(p, end, v);
}

/* A byte string's first 8 bytes as a number, big-endian and zero-padded:
 * numbers compare as pl_bytes_cmp orders their strings, but for ties (equal
 * numbers, which only the strings can settle). Sorted key lists are
 * searched on these, the strings read only on a tie. */
static inline uint64_t pl_prefix_key(const void *s, size_t n) {
    const unsigned char *b = s;
    uint64_t k = 0;
    for (size_t i = 0; i < 8; i++)
        k = k << 8 | (i < n ? b[i] : 0);
    return k;
}

/* Orders byte strings as memcmp does, a prefix first: the order of every
 * sorted key list in the index and the lexicon. */
static inline int pl_bytes_cmp(const void *a, size_t an, const void *b, size_t bn) {
    size_t n = an < bn ? an : bn;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return an < bn ? -1 : an > bn;
}

static inline uint32_t pl_get_u32le(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}
static inline uint64_t pl_get_u64le(const unsigned char *p) {
    return (uint64_t)pl_get_u32le(p) | (uint64_t)pl_get_u32le(p + 4) << 32;
}

#endif
