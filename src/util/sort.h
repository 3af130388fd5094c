/*
 * sort.h - radix sorts for the large arrays of integers that grouping sorts
 * per batch (a batch's match keys, its candidate pairs).
 *
 * qsort spends a call and a branch per comparison, n log n of them; a
 * least-significant-digit radix sort reads each element once per varying
 * byte, and being stable it keeps the order of equal keys, which callers
 * rely on instead of comparing a second field.
 */
#ifndef PL_UTIL_SORT_H
#define PL_UTIL_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Sorts n elements of `size` bytes (a multiple of 8) whose first 8 bytes
 * are a uint64_t key, ascending by that key, stably. Returns 0, or -1 when
 * the scratch space cannot be had (the array is then unchanged). */
int pl_sort_by_u64(void *base, size_t n, size_t size);
/* The same in the caller's scratch of at least n * size bytes (returns 0):
 * for arrays of megabytes sorted again and again, whose fresh scratch would
 * be pages the system hands over anew each time. */
int pl_sort_by_u64_in(void *base, size_t n, size_t size, void *scratch);

/* Sorts n 32-bit integers ascending. Returns 0, or -1 as above. */
int pl_sort_u32(uint32_t *a, size_t n);

/* qsort's and bsearch's comparison of two int64_t (ids), ascending: for the
 * small arrays not worth a radix sort's scratch. */
int pl_cmp_i64(const void *a, const void *b);

#endif
