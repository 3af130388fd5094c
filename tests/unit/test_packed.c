/*
 * test_packed.c - bit-packed postings blocks (src/index/packed.c): every
 * width round-trips, blocks at the very end of readable memory decode from
 * their copy, values too wide for a block's fields come back from its
 * exceptions, and damaged blocks are refused rather than misread.
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
    /* Never larger than both arrays at their widest. */
    CHECK(b.len <= 4 + ((size_t)n * gap_bits + 7) / 8 + ((size_t)n * tf_bits + 7) / 8);
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
        gaps[k] = 0, tfs[k] = UINT32_MAX;
    ix_pack_block(&b, gaps, tfs, IX_PACK_MIN);
    CHECK(b.data[0] == 0 && b.data[1] == 32 && b.data[2] == 0 && b.data[3] == 0);
    CHECK_INT(ix_unpack_block(b.data, b.data + b.len, b.data + b.len, IX_PACK_MIN, -1, 100,
                              docs, out_tfs),
              PL_OK);
    CHECK(out_tfs[0] == UINT32_MAX && docs[IX_PACK_MIN - 1] == IX_PACK_MIN - 1);
    memset(b.data + 4, 0xFF, 4); /* no gap bytes: the first tf field is 4 .. 7 */
    CHECK_INT(ix_unpack_block(b.data, b.data + b.len, b.data + b.len, IX_PACK_MIN, -1, 100,
                              docs, out_tfs),
              PL_ERR_CORRUPT);
    pl_buf_free(&b);
}

/* One long gap and one frequent word among many small values: narrow
 * fields and an exception each, decoded back exactly; damaged exceptions
 * are refused. */
static void test_exceptions(void) {
    uint32_t gaps[IX_BLOCK_DOCS], tfs[IX_BLOCK_DOCS], docs[IX_BLOCK_DOCS],
        out_tfs[IX_BLOCK_DOCS];
    for (uint32_t k = 0; k < IX_BLOCK_DOCS; k++) {
        gaps[k] = k % 3;
        tfs[k] = 1;
    }
    gaps[77] = 1000000;
    tfs[5] = 300;
    pl_buf b = {0};
    ix_pack_block(&b, gaps, tfs, IX_BLOCK_DOCS);
    CHECK(b.data[0] == 2 && b.data[1] == 0 && b.data[2] == 1 && b.data[3] == 1);
    CHECK(b.len < 4 + 32 + 32); /* narrower than 20 and 9 bits a field */
    uint64_t n_docs = 2000000;
    const unsigned char *e = b.data + b.len;
    CHECK_INT(ix_unpack_block(b.data, e, e, IX_BLOCK_DOCS, 9, n_docs, docs, out_tfs),
              PL_OK);
    int64_t doc = 9;
    int same = 1;
    for (uint32_t k = 0; k < IX_BLOCK_DOCS; k++) {
        doc += gaps[k] + 1;
        same &= docs[k] == (uint32_t)doc && out_tfs[k] == tfs[k];
    }
    CHECK(same);
    /* The exceptions: gap (index 77, high bits), then tf (index 5, ...). */
    size_t at = 4 + IX_BLOCK_DOCS * 2 / 8;
    CHECK_INT(b.data[at], 77);
    b.data[at] = IX_BLOCK_DOCS; /* an index past the block */
    CHECK_INT(ix_unpack_block(b.data, e, e, IX_BLOCK_DOCS, 9, n_docs, docs, out_tfs),
              PL_ERR_CORRUPT);
    b.data[at] = 77;
    b.data[2] = 2; /* one exception more than written */
    CHECK_INT(ix_unpack_block(b.data, e, e, IX_BLOCK_DOCS, 9, n_docs, docs, out_tfs),
              PL_ERR_CORRUPT);
    b.data[2] = 0; /* one fewer: bytes left over */
    CHECK_INT(ix_unpack_block(b.data, e, e, IX_BLOCK_DOCS, 9, n_docs, docs, out_tfs),
              PL_ERR_CORRUPT);
    b.data[2] = 1;
    CHECK_INT(ix_unpack_block(b.data, e - 1, e, IX_BLOCK_DOCS, 9, n_docs, docs, out_tfs),
              PL_ERR_CORRUPT);
    CHECK_INT(ix_unpack_block(b.data, e, e, IX_BLOCK_DOCS, 9, 1000, docs, out_tfs),
              PL_ERR_CORRUPT);
    pl_buf_free(&b);
}

int main(void) {
    test_widths();
    test_damage();
    test_exceptions();
    return CHECK_DONE();
}
