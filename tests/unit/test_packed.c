/*
 * test_packed.c - bit-packed postings blocks (src/index/packed.c): every
 * width round-trips, blocks at the very end of readable memory decode from
 * their copy, and damaged blocks are refused rather than misread.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "index/index_internal.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

/* Packs n docs whose gaps and tfs-1 have at most gap_bits and tf_bits bits,
 * decodes them with the block as the last bytes of an exactly sized heap
 * buffer (so the sanitizers see any read past it), and compares. */
static void round_trip(uint32_t n, unsigned gap_bits, unsigned tf_bits) {
    uint32_t gaps[IX_BLOCK_DOCS], tfs[IX_BLOCK_DOCS];
    uint64_t mask_g = gap_bits ? (1ull << gap_bits) - 1 : 0;
    uint64_t mask_t = tf_bits ? (1ull << tf_bits) - 1 : 0;
    int64_t doc = 41, want[IX_BLOCK_DOCS];
    for (uint32_t k = 0; k < n; k++) {
        gaps[k] = (uint32_t)(next_rand() & mask_g);
        if (k == 0) gaps[k] = (uint32_t)mask_g; /* the widest value is there */
        uint32_t t = (uint32_t)(next_rand() & mask_t);
        if (k == n - 1) t = (uint32_t)mask_t;
        tfs[k] = t == UINT32_MAX ? UINT32_MAX : t + 1;
        doc += (int64_t)gaps[k] + 1;
        want[k] = doc;
    }
    pl_buf b = {0};
    ix_pack_block(&b, gaps, tfs, n);
    CHECK(!b.oom);
    CHECK_INT(b.data[0], gap_bits);
    CHECK_INT(b.data[1], tf_bits);
    unsigned char *exact = malloc(b.len);
    memcpy(exact, b.data, b.len);
    uint32_t docs[IX_BLOCK_DOCS], got_tfs[IX_BLOCK_DOCS];
    uint64_t n_docs = (uint64_t)doc + 1;
    CHECK_INT(
        ix_unpack_block(exact, exact + b.len, exact + b.len, n, 41, n_docs, docs, got_tfs),
        PL_OK);
    for (uint32_t k = 0; k < n; k++) {
        CHECK(docs[k] == (uint32_t)want[k]);
        CHECK(got_tfs[k] == tfs[k]);
    }
    /* One doc too many for the segment: refused. */
    CHECK_INT(ix_unpack_block(exact, exact + b.len, exact + b.len, n, 41, n_docs - 1, docs,
                              got_tfs),
              PL_ERR_CORRUPT);
    /* A byte short or a byte over: refused. */
    CHECK_INT(ix_unpack_block(exact, exact + b.len - 1, exact + b.len, n, 41, n_docs, docs,
                              got_tfs),
              PL_ERR_CORRUPT);
    pl_buf_putc(&b, 0);
    CHECK_INT(ix_unpack_block(b.data, b.data + b.len, b.data + b.len, n, 41, n_docs, docs,
                              got_tfs),
              PL_ERR_CORRUPT);
    free(exact);
    pl_buf_free(&b);
}

static void test_widths(void) {
    for (unsigned g = 0; g <= 32; g++)
        for (unsigned t = 0; t <= 31; t += g % 3 ? 7 : 1)
            for (uint32_t n = IX_PACK_MIN; n <= IX_BLOCK_DOCS; n += 37)
                if (g < 32) /* 128 gaps of 2^32 would pass any doc number */
                    round_trip(n, g, t);
    round_trip(IX_BLOCK_DOCS, 20, 0);
    round_trip(IX_PACK_MIN, 31, 5);
    round_trip(IX_BLOCK_DOCS, 7, 31);
}

static void test_damage(void) {
    uint32_t gaps[IX_BLOCK_DOCS], tfs[IX_BLOCK_DOCS], docs[IX_BLOCK_DOCS],
        out_tfs[IX_BLOCK_DOCS];
    for (uint32_t k = 0; k < IX_BLOCK_DOCS; k++) {
        gaps[k] = k % 5;
        tfs[k] = 1 + k % 3;
    }
    pl_buf b = {0};
    ix_pack_block(&b, gaps, tfs, IX_BLOCK_DOCS);
    unsigned char *d = b.data;
    const unsigned char *e = d + b.len;
    CHECK_INT(ix_unpack_block(d, e, e, IX_BLOCK_DOCS, -1, 1000, docs, out_tfs), PL_OK);
    CHECK(docs[0] == 0 && docs[1] == 2 && out_tfs[2] == 3);
    /* Widths past 32 bits. */
    unsigned char save = d[0];
    d[0] = 33;
    CHECK_INT(ix_unpack_block(d, e, e, IX_BLOCK_DOCS, -1, 1000, docs, out_tfs),
              PL_ERR_CORRUPT);
    d[0] = 200;
    CHECK_INT(ix_unpack_block(d, e, e, IX_BLOCK_DOCS, -1, 1000, docs, out_tfs),
              PL_ERR_CORRUPT);
    d[0] = save;
    save = d[1];
    d[1] = 40;
    CHECK_INT(ix_unpack_block(d, e, e, IX_BLOCK_DOCS, -1, 1000, docs, out_tfs),
              PL_ERR_CORRUPT);
    d[1] = save;
    /* A different count than written, none, more than a block. */
    CHECK_INT(ix_unpack_block(d, e, e, IX_BLOCK_DOCS - 8, -1, 1000, docs, out_tfs),
              PL_ERR_CORRUPT);
    CHECK_INT(ix_unpack_block(d, e, e, 0, -1, 1000, docs, out_tfs), PL_ERR_CORRUPT);
    CHECK_INT(ix_unpack_block(d, e, e, IX_BLOCK_DOCS + 1, -1, 1000, docs, out_tfs),
              PL_ERR_CORRUPT);
    CHECK_INT(ix_unpack_block(d, d + 1, e, IX_BLOCK_DOCS, -1, 1000, docs, out_tfs),
              PL_ERR_CORRUPT);
    pl_buf_free(&b);

    /* A tf field of all ones would wrap to 0. */
    for (uint32_t k = 0; k < IX_PACK_MIN; k++)
        gaps[k] = 0, tfs[k] = k ? 1 : UINT32_MAX;
    ix_pack_block(&b, gaps, tfs, IX_PACK_MIN);
    CHECK_INT(b.data[1], 32);
    CHECK_INT(ix_unpack_block(b.data, b.data + b.len, b.data + b.len, IX_PACK_MIN, -1, 100,
                              docs, out_tfs),
              PL_OK);
    CHECK(out_tfs[0] == UINT32_MAX);
    memset(b.data + 2, 0xFF, 4); /* no gap bytes: the first tf field is 2 .. 5 */
    CHECK_INT(ix_unpack_block(b.data, b.data + b.len, b.data + b.len, IX_PACK_MIN, -1, 100,
                              docs, out_tfs),
              PL_ERR_CORRUPT);
    pl_buf_free(&b);
}

int main(void) {
    test_widths();
    test_damage();
    return CHECK_DONE();
}
