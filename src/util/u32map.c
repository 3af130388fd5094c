/*
 * u32map.c - the key table of u32map.h. A multiplicative hash spreads the
 * keys, which are themselves hashes but may share low bits.
 */
#include "u32map.h"

#include <stdlib.h>
#include <string.h>

static size_t home(uint32_t key, size_t cap) {
    return (size_t)(key * 2654435761u) & (cap - 1);
}

static int grow(pl_u32map *m) {
    size_t cap = m->cap ? m->cap * 2 : 4096;
    uint32_t *k = calloc(cap, sizeof *k);
    uint64_t *v = calloc(cap, sizeof *v);
    if (!k || !v) {
        free(k);
        free(v);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++)
        if (m->val[i]) {
            size_t j = home(m->key[i], cap);
            while (v[j])
                j = (j + 1) & (cap - 1);
            k[j] = m->key[i];
            v[j] = m->val[i];
        }
    free(m->key);
    free(m->val);
    m->key = k;
    m->val = v;
    m->cap = cap;
    return 0;
}

uint64_t *pl_u32map_slot(pl_u32map *m, uint32_t key) {
    if (m->used * 2 >= m->cap && grow(m)) return NULL;
    size_t j = home(key, m->cap);
    while (m->val[j] && m->key[j] != key)
        j = (j + 1) & (m->cap - 1);
    if (!m->val[j]) {
        m->key[j] = key;
        m->used++;
    }
    return &m->val[j];
}

uint64_t pl_u32map_get(const pl_u32map *m, uint32_t key) {
    if (!m->cap) return 0;
    size_t j = home(key, m->cap);
    while (m->val[j] && m->key[j] != key)
        j = (j + 1) & (m->cap - 1);
    return m->val[j];
}

void pl_u32map_clear(pl_u32map *m) {
    if (m->val) memset(m->val, 0, m->cap * sizeof *m->val);
    m->used = 0;
}

void pl_u32map_free(pl_u32map *m) {
    free(m->key);
    free(m->val);
    memset(m, 0, sizeof *m);
}
