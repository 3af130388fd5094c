/*
 * packed.c - a postings block of many docs as two arrays of fixed-width
 * bit fields: the gaps between docs, then the term frequencies.
 *
 * A varint per doc costs a branch or two per byte to decode, and decoding
 * is most of an AND query over long lists. With one width per array, every
 * field is one unaligned load, a shift and a mask, and each width gets a
 * loop of its own with those as constants, unrolled by eight. The width is
 * chosen for the fewest bytes: values that do not fit are exceptions whose
 * high bits follow the fields (patched frame of reference), so that one
 * long gap or one frequent word does not widen all 128 fields. Debian's
 * libstreamvbyte (0.4.1), the packaged integer codec, is built without its
 * SIMD paths and without optimization and decodes slower than the varints
 * it would replace, so this is written here. Blocks of few docs stay
 * varints (segment_write.c). Format: docs/FORMATS.md.
 */
#include "index/index_internal.h"

#include <string.h>

/* How far past a block the reads of its last group of fields may go: the
 * group's last field starts up to 7 fields (7 x 32 bits) past the block's
 * last field, and is read with an 8-byte load. */
#define IX_PACK_SLACK (7 * 4 + 8)

/* The most bytes a block can take: four header bytes and both arrays at
 * 32 bits a field (exceptions are chosen only when they save bytes). */
#define IX_PACK_MAX_BYTES (4 + 2 * 4 * IX_BLOCK_DOCS)

/* Bits needed to write v (0 for 0). */
static unsigned width_of(uint32_t v) {
    return v ? 32u - (unsigned)__builtin_clz(v) : 0;
}

/* Appends n fields of `width` bits, LSB first: the low bits of
 * values[k] - minus. */
static void put_fields(pl_buf *out, const uint32_t *values, uint32_t n, unsigned width,
                       uint32_t minus) {
    uint64_t acc = 0;
    unsigned have = 0;
    uint64_t mask = (1ull << width) - 1;
    for (uint32_t k = 0; k < n && width; k++) {
        acc |= ((uint64_t)(values[k] - minus) & mask) << have;
        have += width;
        while (have >= 8) {
            pl_buf_putc(out, (int)(acc & 0xFF));
            acc >>= 8;
            have -= 8;
        }
    }
    if (have) pl_buf_putc(out, (int)(acc & 0xFF));
}

/* Bytes that n fields of `width` bits take. */
static inline size_t field_bytes(uint32_t n, unsigned width) {
    return ((size_t)n * width + 7) / 8;
}

/* An exception is charged this many bytes beyond its own, since patching
 * it in costs decoding. 30,000 records of the benchmark's real corpus, its
 * 1,824 queries: a toll of 0 gave a 16.44 MB index whose blocks decoded in
 * 54.5 M instructions, 2 16.62 MB and 49.8 M, 6 16.95 MB and 47.8 M; no
 * exceptions, 17.99 MB and 45.7 M (varints: 17.74 MB and 85.8 M). */
#define EXCEPTION_TOLL 6

/* The width that writes values[k] - minus in the fewest bytes, fields and
 * exceptions (an index byte and a varint of the high bits) together, each
 * exception with its toll; the widest when no narrower one is smaller. */
static unsigned best_width(const uint32_t *values, uint32_t n, uint32_t minus,
                           uint32_t *n_exceptions) {
    uint32_t of_len[33] = {0};
    unsigned widest = 0;
    for (uint32_t k = 0; k < n; k++) {
        unsigned w = width_of(values[k] - minus);
        of_len[w]++;
        if (w > widest) widest = w;
    }
    unsigned best = widest;
    size_t best_cost = field_bytes(n, widest);
    *n_exceptions = 0;
    for (unsigned w = widest; w-- > 0;) {
        size_t cost = field_bytes(n, w);
        uint32_t exc = 0;
        for (unsigned len = w + 1; len <= widest; len++) {
            exc += of_len[len];
            cost += of_len[len] * (EXCEPTION_TOLL + 1 + (len - w + 6) / 7);
        }
        if (cost < best_cost) {
            best = w;
            best_cost = cost;
            *n_exceptions = exc;
        }
    }
    return best;
}

static void put_exceptions(pl_buf *out, const uint32_t *values, uint32_t n, unsigned width,
                           uint32_t minus) {
    for (uint32_t k = 0; k < n; k++) {
        uint32_t v = values[k] - minus;
        if (width < 32 && v >> width) {
            pl_buf_putc(out, (int)k);
            pl_buf_put_varint(out, v >> width);
        }
    }
}

void ix_pack_block(pl_buf *out, const uint32_t *gaps, const uint32_t *tfs, uint32_t n) {
    uint32_t eg, et;
    unsigned wg = best_width(gaps, n, 0, &eg), wt = best_width(tfs, n, 1, &et);
    pl_buf_putc(out, (int)wg);
    pl_buf_putc(out, (int)wt);
    pl_buf_putc(out, (int)eg);
    pl_buf_putc(out, (int)et);
    put_fields(out, gaps, n, wg, 0);
    put_fields(out, tfs, n, wt, 1);
    put_exceptions(out, gaps, n, wg, 0);
    put_exceptions(out, tfs, n, wt, 1);
}

/* Field j of a group of eight fields of `width` bits starting at p. */
static inline __attribute__((always_inline)) uint32_t field(const unsigned char *p,
                                                            unsigned j, unsigned width) {
    return (uint32_t)((pl_get_u64le(p + j * width / 8) >> (j * width % 8)) &
                      ((1ull << width) - 1));
}

/* Reads n fields of a constant width, eight at a time: eight fields take
 * `width` bytes, so within a group every field's byte and shift are
 * constants and each costs a load, a shift and a mask. The last group may
 * run past n (into out's spare room) and read up to IX_PACK_SLACK bytes
 * past the fields: the caller sees that they are readable. */
static inline __attribute__((always_inline)) void
get_fields_w(const unsigned char *p, uint32_t n, unsigned width, uint32_t *out) {
    for (uint32_t g = 0; g < n; g += 8, p += width, out += 8)
        for (unsigned j = 0; j < 8; j++)
            out[j] = field(p, j, width);
}

/* The same for gaps, turned into docs on the way: each doc is the one
 * before plus its gap plus one, from *doc, which ends at the last. */
static inline __attribute__((always_inline)) void gaps_to_docs_w(const unsigned char *p,
                                                                 uint32_t n, unsigned width,
                                                                 int64_t *doc,
                                                                 uint32_t *out) {
    int64_t d = *doc;
    uint32_t g = 0;
    for (; g + 8 <= n; g += 8, p += width, out += 8)
        for (unsigned j = 0; j < 8; j++) {
            d += (int64_t)field(p, j, width) + 1;
            out[j] = (uint32_t)d;
        }
    for (unsigned j = 0; j < n - g; j++) { /* a last group of fewer than 8 */
        d += (int64_t)field(p, j, width) + 1;
        out[j] = (uint32_t)d;
    }
    *doc = d;
}

/* Each width, 1 to 32, as a case of a switch: one loop per width, with the
 * width a constant in it. */
// clang-format off
#define EVERY_WIDTH(CASE)                                                                  \
    CASE(1) CASE(2) CASE(3) CASE(4) CASE(5) CASE(6) CASE(7) CASE(8)                        \
    CASE(9) CASE(10) CASE(11) CASE(12) CASE(13) CASE(14) CASE(15) CASE(16)                 \
    CASE(17) CASE(18) CASE(19) CASE(20) CASE(21) CASE(22) CASE(23) CASE(24)                \
    CASE(25) CASE(26) CASE(27) CASE(28) CASE(29) CASE(30) CASE(31) CASE(32)
// clang-format on

static void get_fields(const unsigned char *p, uint32_t n, unsigned width, uint32_t *out) {
#define GET(x)                                                                             \
    case x: get_fields_w(p, n, x, out); return;
    switch (width) { EVERY_WIDTH(GET) }
#undef GET
    memset(out, 0, (size_t)n * sizeof *out); /* width 0: every field 0 */
}

static void gaps_to_docs(const unsigned char *p, uint32_t n, unsigned width, int64_t *doc,
                         uint32_t *out) {
#define GAPS(x)                                                                            \
    case x: gaps_to_docs_w(p, n, x, doc, out); return;
    switch (width) { EVERY_WIDTH(GAPS) }
#undef GAPS
    for (uint32_t k = 0; k < n; k++) { /* width 0: consecutive docs */
        *doc += 1;
        out[k] = (uint32_t)*doc;
    }
}

/* Adds the high bits of n_exc exceptions at *p to fields of `width` bits. */
static int patch(const unsigned char **p, const unsigned char *end, uint32_t n_exc,
                 unsigned width, uint32_t n, uint32_t *out) {
    for (uint32_t e = 0; e < n_exc; e++) {
        uint64_t high;
        if (*p == end) return PL_ERR_CORRUPT;
        uint32_t k = *(*p)++;
        if (k >= n || width >= 32 || pl_varint_get(p, end, &high) || high == 0 ||
            high >> (32 - width))
            return PL_ERR_CORRUPT;
        out[k] |= (uint32_t)high << width;
    }
    return PL_OK;
}

/* A packed block's header, checked against its length: the widths, the
 * exception counts and where the arrays start. */
typedef struct packed_head {
    unsigned wg, wt;
    uint32_t eg, et;
    size_t gap_bytes, tf_bytes;
} packed_head;

static int read_head(const unsigned char *p, const unsigned char *end, uint32_t n,
                     packed_head *h) {
    if (n == 0 || n > IX_BLOCK_DOCS || end - p < 4 || end - p > IX_PACK_MAX_BYTES)
        return PL_ERR_CORRUPT;
    h->wg = p[0], h->wt = p[1], h->eg = p[2], h->et = p[3];
    if (h->wg > 32 || h->wt > 32 || h->eg > n || h->et > n) return PL_ERR_CORRUPT;
    h->gap_bytes = field_bytes(n, h->wg);
    h->tf_bytes = field_bytes(n, h->wt);
    return (size_t)(end - p) < 4 + h->gap_bytes + h->tf_bytes ? PL_ERR_CORRUPT : PL_OK;
}

/* A block near the end of the mapping is read from a padded copy, so that
 * the 8-byte loads never leave the file. */
static void pad_if_near_end(const unsigned char **p, const unsigned char **end,
                            const unsigned char *readable_end, unsigned char *copy) {
    if (readable_end - *end >= IX_PACK_SLACK) return;
    memset(copy, 0, IX_PACK_MAX_BYTES + IX_PACK_SLACK);
    memcpy(copy, *p, (size_t)(*end - *p));
    *end = copy + (*end - *p);
    *p = copy;
}

int ix_unpack_docs(const unsigned char *p, const unsigned char *end,
                   const unsigned char *readable_end, uint32_t n, int64_t base,
                   uint64_t n_docs, uint32_t *docs) {
    packed_head h;
    if (read_head(p, end, n, &h)) return PL_ERR_CORRUPT;
    unsigned char copy[IX_PACK_MAX_BYTES + IX_PACK_SLACK];
    pad_if_near_end(&p, &end, readable_end, copy);
    const unsigned char *exc = p + 4 + h.gap_bytes + h.tf_bytes;
    int64_t doc = base; /* gaps < 2^32: no overflow in 128 of them */
    if (h.eg == 0) {
        gaps_to_docs(p + 4, n, h.wg, &doc, docs);
    } else { /* the gaps whole first, so that the exceptions are patched in */
        get_fields(p + 4, n, h.wg, docs);
        if (patch(&exc, end, h.eg, h.wg, n, docs)) return PL_ERR_CORRUPT;
#pragma GCC unroll 8
        for (uint32_t k = 0; k < n; k++) {
            doc += (int64_t)docs[k] + 1;
            docs[k] = (uint32_t)doc;
        }
    }
    /* Every doc lies above the last, so the last alone needs checking. */
    return doc < 0 || (uint64_t)doc >= n_docs ? PL_ERR_CORRUPT : PL_OK;
}

int ix_unpack_tfs(const unsigned char *p, const unsigned char *end,
                  const unsigned char *readable_end, uint32_t n, uint32_t *tfs) {
    packed_head h;
    if (read_head(p, end, n, &h)) return PL_ERR_CORRUPT;
    unsigned char copy[IX_PACK_MAX_BYTES + IX_PACK_SLACK];
    pad_if_near_end(&p, &end, readable_end, copy);
    /* The tf exceptions follow the gaps': stepped over. */
    const unsigned char *exc = p + 4 + h.gap_bytes + h.tf_bytes;
    for (uint32_t e = 0; e < h.eg; e++) {
        uint64_t high;
        if (exc == end) return PL_ERR_CORRUPT;
        exc++;
        if (pl_varint_get(&exc, end, &high)) return PL_ERR_CORRUPT;
    }
    if (h.wt == 0 && h.et == 0) {
        for (uint32_t k = 0; k < n; k++)
            tfs[k] = 1;
        return exc == end ? PL_OK : PL_ERR_CORRUPT;
    }
    get_fields(p + 4 + h.gap_bytes, n, h.wt, tfs);
    if (h.et && patch(&exc, end, h.et, h.wt, n, tfs)) return PL_ERR_CORRUPT;
    uint32_t wrapped = 0;
    for (uint32_t k = 0; k < n; k++) {
        tfs[k] += 1;
        wrapped |= tfs[k] == 0;
    }
    return wrapped || exc != end ? PL_ERR_CORRUPT : PL_OK;
}

int ix_unpack_block(const unsigned char *p, const unsigned char *end,
                    const unsigned char *readable_end, uint32_t n, int64_t base,
                    uint64_t n_docs, uint32_t *docs, uint32_t *tfs) {
    int rc = ix_unpack_docs(p, end, readable_end, n, base, n_docs, docs);
    return rc ? rc : ix_unpack_tfs(p, end, readable_end, n, tfs);
}
