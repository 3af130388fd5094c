/*
 * test_sort.c - the radix sorts against qsort on random arrays of many
 * sizes and key ranges, and their stability.
 */
#include <stdlib.h>

#include "check.h"
#include "util/sort.h"

typedef struct rec {
    uint64_t key;
    uint64_t seq; /* the order it came in */
} rec;

static int cmp_rec(const void *a, const void *b) {
    const rec *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq); /* what stability gives */
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Keys drawn from ranges small (many ties, few varying bytes) to full. */
static uint64_t draw(int range) {
    switch (range) {
    case 0: return rnd_below(4);
    case 1: return rnd_below(70000);
    case 2: return (uint64_t)rnd_below(3000) << 32 | rnd_below(3000);
    default: return rnd();
    }
}

static void test_by_u64(void) {
    static const size_t sizes[] = {0, 1, 2, 31, 32, 33, 500, 20000};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
        for (int range = 0; range < 4; range++) {
            size_t n = sizes[s];
            rec *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b);
            for (size_t i = 0; i < n; i++)
                a[i] = b[i] = (rec){draw(range), i};
            CHECK_INT(pl_sort_by_u64(a, n, sizeof *a), 0);
            qsort(b, n, sizeof *b, cmp_rec);
            size_t wrong = 0;
            for (size_t i = 0; i < n; i++)
                wrong += a[i].key != b[i].key || a[i].seq != b[i].seq;
            CHECK_INT(wrong, 0);
            free(a);
            free(b);
        }
}

static void test_u32(void) {
    static const size_t sizes[] = {0, 1, 7, 31, 32, 300, 50000};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
        for (int range = 0; range < 4; range++) {
            size_t n = sizes[s];
            uint32_t *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b);
            for (size_t i = 0; i < n; i++)
                a[i] = b[i] = (uint32_t)draw(range == 2 ? 3 : range);
            CHECK_INT(pl_sort_u32(a, n), 0);
            qsort(b, n, sizeof *b, cmp_u32);
            size_t wrong = 0;
            for (size_t i = 0; i < n; i++)
                wrong += a[i] != b[i];
            CHECK_INT(wrong, 0);
            free(a);
            free(b);
        }
}

int main(void) {
    test_by_u64();
    test_u32();
    return CHECK_DONE();
}
