/*
 * sort.c - least-significant-digit radix sorts, a byte per pass. All eight
 * (or four) histograms are counted in one read of the input, and a pass
 * whose byte is the same in every element is skipped, so small keys cost
 * few passes.
 */
#include "sort.h"

#include <stdlib.h>
#include <string.h>

/* Below this, insertion sort: the histograms would cost more than the data. */
#define SMALL 32

static uint64_t key_at(const unsigned char *p) {
    uint64_t k;
    memcpy(&k, p, sizeof k);
    return k;
}

/* One pass: each element to its place by byte d of its key. */
static inline __attribute__((always_inline)) void scatter(const unsigned char *from,
                                                          unsigned char *to, size_t n,
                                                          size_t size, size_t *c, int d) {
    for (size_t i = 0; i < n; i++) {
        const unsigned char *e = from + i * size;
        memcpy(to + c[(key_at(e) >> (8 * d)) & 0xff]++ * size, e, size);
    }
}

/* Insertion sort of a few elements (n < SMALL); t: room for one. */
static void sort_small(unsigned char *a, size_t n, size_t size, unsigned char *t) {
    for (size_t i = 1; i < n; i++) {
        uint64_t k = key_at(a + i * size);
        size_t j = i;
        while (j > 0 && key_at(a + (j - 1) * size) > k)
            j--;
        if (j == i) continue;
        memcpy(t, a + i * size, size);
        memmove(a + (j + 1) * size, a + j * size, (i - j) * size);
        memcpy(a + j * size, t, size);
    }
}

int pl_sort_by_u64_in(void *base, size_t n, size_t size, void *scratch) {
    unsigned char *a = base, *buf = scratch;
    if (n < 2) return 0;
    if (n < SMALL) {
        sort_small(a, n, size, buf);
        return 0;
    }
    size_t count[8][256] = {{0}};
    for (size_t i = 0; i < n; i++) {
        uint64_t k = key_at(a + i * size);
        for (int d = 0; d < 8; d++)
            count[d][(k >> (8 * d)) & 0xff]++;
    }
    unsigned char *from = a, *to = buf;
    for (int d = 0; d < 8; d++) {
        size_t *c = count[d];
        if (c[(key_at(from) >> (8 * d)) & 0xff] == n) continue; /* one value */
        size_t sum = 0;
        for (int b = 0; b < 256; b++) {
            size_t m = c[b];
            c[b] = sum;
            sum += m;
        }
        /* The sizes callers use, spelled out: each copy is then of a
         * constant size, moves rather than a call per element. */
        if (size == 16)
            scatter(from, to, n, 16, c, d);
        else if (size == 24)
            scatter(from, to, n, 24, c, d);
        else
            scatter(from, to, n, size, c, d);
        unsigned char *t = from;
        from = to;
        to = t;
    }
    if (from != a) memcpy(a, from, n * size);
    return 0;
}

int pl_sort_by_u64(void *base, size_t n, size_t size) {
    if (n < 2) return 0;
    unsigned char small[SMALL * 32];
    if (n < SMALL && size <= 32) return pl_sort_by_u64_in(base, n, size, small);
    void *scratch = malloc(n * size);
    if (!scratch) return -1;
    pl_sort_by_u64_in(base, n, size, scratch);
    free(scratch);
    return 0;
}

int pl_sort_u32(uint32_t *a, size_t n) {
    if (n < 2) return 0;
    if (n < SMALL) {
        for (size_t i = 1; i < n; i++) {
            uint32_t k = a[i];
            size_t j = i;
            for (; j > 0 && a[j - 1] > k; j--)
                a[j] = a[j - 1];
            a[j] = k;
        }
        return 0;
    }
    size_t count[4][256] = {{0}};
    uint32_t *buf = malloc(n * sizeof *buf);
    if (!buf) return -1;
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < 4; d++)
            count[d][(a[i] >> (8 * d)) & 0xff]++;
    uint32_t *from = a, *to = buf;
    for (int d = 0; d < 4; d++) {
        size_t *c = count[d];
        if (c[(from[0] >> (8 * d)) & 0xff] == n) continue;
        size_t sum = 0;
        for (int b = 0; b < 256; b++) {
            size_t m = c[b];
            c[b] = sum;
            sum += m;
        }
        for (size_t i = 0; i < n; i++)
            to[c[(from[i] >> (8 * d)) & 0xff]++] = from[i];
        uint32_t *t = from;
        from = to;
        to = t;
    }
    if (from != a) memcpy(a, from, n * sizeof *a);
    free(buf);
    return 0;
}

int pl_cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}
