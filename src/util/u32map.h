/*
 * u32map.h - a hash table from 32-bit keys to 64-bit values, for counting
 * match keys (a batch's key frequencies, the integrity check's tallies).
 *
 * Open addressing with linear probing, doubled when half full; a value of 0
 * marks an empty slot, so callers store counts (>= 1) or value + 1. The
 * struct is the caller's (zero-initialized is empty); it owns its arrays.
 */
#ifndef PL_UTIL_U32MAP_H
#define PL_UTIL_U32MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct pl_u32map {
    uint32_t *key;
    uint64_t *val;
    size_t cap;  /* slots, a power of two (0 before the first use) */
    size_t used; /* slots handed out by pl_u32map_slot */
} pl_u32map;

/* The value slot of key: 0 when the key is new (the slot then counts as
 * used, and the caller sets it non-zero). NULL when the table cannot grow. */
uint64_t *pl_u32map_slot(pl_u32map *m, uint32_t key);

/* The value of key, 0 when absent. */
uint64_t pl_u32map_get(const pl_u32map *m, uint32_t key);

/* Empties the table, keeping its room. */
void pl_u32map_clear(pl_u32map *m);

void pl_u32map_free(pl_u32map *m);

#endif
