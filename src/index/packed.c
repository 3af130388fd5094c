/*
 * packed.c - a postings block of many docs as two arrays of fixed-width
 * bit fields: the gaps between docs, then the term frequencies.
 *
 * A varint per doc costs a branch or two per byte to decode, and decoding
 * is most of an AND query over long lists. With one width per block (the
 * widest value's), every field is one unaligned load, a shift and a mask,
 * and each width gets a loop of its own with those as constants, which the
 * compiler unrolls and vectorizes. Debian's libstreamvbyte (0.4.1), the
 * packaged integer codec, is built without its SIMD paths and without
 * optimization, and decodes slower than the varints it would replace, so
 * this is written here. Blocks of few docs stay varints (segment_write.c):
 * two width bytes would cost more than they save. Format: docs/FORMATS.md.
 */
#include "index/index_internal.h"

#include <string.h>

/* How far past a block the reads of its last group of fields may go: the
 * group's last field starts up to 7 fields (7 x 32 bits) past the block's
 * last field, and is read with an 8-byte load. */
#define IX_PACK_SLACK (7 * 4 + 8)

/* Bits needed to write v (0 for 0). */
static unsigned width_of(uint32_t v) {
    return v ? 32u - (unsigned)__builtin_clz(v) : 0;
}

/* Appends n fields of `width` bits, LSB first: values[k] - minus. */
static void put_fields(pl_buf *out, const uint32_t *values, uint32_t n, unsigned width,
                       uint32_t minus) {
    uint64_t acc = 0;
    unsigned have = 0;
    for (uint32_t k = 0; k < n && width; k++) {
        acc |= (uint64_t)(values[k] - minus) << have;
        have += width;
        while (have >= 8) {
            pl_buf_putc(out, (int)(acc & 0xFF));
            acc >>= 8;
            have -= 8;
        }
    }
    if (have) pl_buf_putc(out, (int)(acc & 0xFF));
}

void ix_pack_block(pl_buf *out, const uint32_t *gaps, const uint32_t *tfs, uint32_t n) {
    uint32_t any_gap = 0, any_tf = 0;
    for (uint32_t k = 0; k < n; k++) {
        any_gap |= gaps[k];
        any_tf |= tfs[k] - 1;
    }
    unsigned wg = width_of(any_gap), wt = width_of(any_tf);
    pl_buf_putc(out, (int)wg);
    pl_buf_putc(out, (int)wt);
    put_fields(out, gaps, n, wg, 0);
    put_fields(out, tfs, n, wt, 1);
}

/* Bytes that n fields of `width` bits take. */
static inline size_t field_bytes(uint32_t n, unsigned width) {
    return ((size_t)n * width + 7) / 8;
}

/* Reads n fields of a constant width, eight at a time: eight fields take
 * `width` bytes, so within a group every field's byte and shift are
 * constants and each costs a load, a shift and a mask. The last group may
 * run past n (into out's spare room) and read up to IX_PACK_SLACK bytes
 * past the fields: the caller sees that they are readable. */
static inline __attribute__((always_inline)) void
get_fields_w(const unsigned char *p, uint32_t n, unsigned width, uint32_t *out) {
    const uint64_t mask = (1ull << width) - 1;
    for (uint32_t g = 0; g < n; g += 8, p += width, out += 8)
        for (unsigned j = 0; j < 8; j++)
            out[j] =
                (uint32_t)((pl_get_u64le(p + j * width / 8) >> (j * width % 8)) & mask);
}

static void get_fields(const unsigned char *p, uint32_t n, unsigned width, uint32_t *out) {
    if (width == 0 || width > 32) {
        memset(out, 0, (size_t)n * sizeof *out);
        return;
    }
    /* One case per width, each with its own constant-width loop. */
#define W(x)                                                                               \
    case x: get_fields_w(p, n, x, out); return;
    switch (width) {
        // clang-format off
    W(1) W(2) W(3) W(4) W(5) W(6) W(7) W(8)
    W(9) W(10) W(11) W(12) W(13) W(14) W(15) W(16)
    W(17) W(18) W(19) W(20) W(21) W(22) W(23) W(24)
    W(25) W(26) W(27) W(28) W(29) W(30) W(31) W(32)
        // clang-format on
    }
#undef W
}

int ix_unpack_block(const unsigned char *p, const unsigned char *end,
                    const unsigned char *readable_end, uint32_t n, int64_t base,
                    uint64_t n_docs, uint32_t *docs, uint32_t *tfs) {
    if (n == 0 || n > IX_BLOCK_DOCS || end - p < 2) return PL_ERR_CORRUPT;
    unsigned wg = p[0], wt = p[1];
    if (wg > 32 || wt > 32) return PL_ERR_CORRUPT;
    size_t gap_bytes = field_bytes(n, wg), tf_bytes = field_bytes(n, wt);
    if ((size_t)(end - p) != 2 + gap_bytes + tf_bytes) return PL_ERR_CORRUPT;
    /* A block near the end of the mapping is read from a padded copy, so
     * that the 8-byte loads never leave the file. */
    unsigned char copy[2 + 2 * 4 * IX_BLOCK_DOCS + IX_PACK_SLACK];
    if (readable_end - end < IX_PACK_SLACK) {
        memset(copy, 0, sizeof copy);
        memcpy(copy, p, (size_t)(end - p));
        p = copy;
    }
    get_fields(p + 2, n, wg, docs);
    int64_t doc = base;
    for (uint32_t k = 0; k < n; k++) {
        doc += (int64_t)docs[k] + 1; /* gaps < 2^32: no overflow in 128 of them */
        docs[k] = (uint32_t)doc;
    }
    /* Every doc lies above the last, so the last alone needs checking. */
    if (doc < 0 || (uint64_t)doc >= n_docs) return PL_ERR_CORRUPT;
    if (wt == 0) {
        for (uint32_t k = 0; k < n; k++)
            tfs[k] = 1;
        return PL_OK;
    }
    get_fields(p + 2 + gap_bytes, n, wt, tfs);
    uint32_t wrapped = 0;
    for (uint32_t k = 0; k < n; k++) {
        tfs[k] += 1;
        wrapped |= tfs[k] == 0;
    }
    return wrapped ? PL_ERR_CORRUPT : PL_OK;
}
