/*
 * memo.c - the bounded cache of memo.h: open addressing over an arena.
 *
 * Written here because what is needed is a few dozen lines (a fixed arena,
 * emptied whole when full), and the hash tables Debian packages (GLib's,
 * uthash) allocate per entry and grow without bound.
 */
#include "util/memo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

struct pl_memo {
    unsigned char *arena;
    size_t used, cap, max; /* cap grows by doubling up to max */
    uint32_t *slot;        /* arena offset + 1 of an entry, 0 when empty */
    uint32_t *hash;        /* the entry's hash, compared before its bytes */
    size_t n_slots, n_used;
};

/* An entry in the arena: u32 key length, u32 value length, key, value. */
#define HEAD 8
/* A memo starts this small and doubles as it fills: a handle makes memos
 * of tens of megabytes that a short-lived view or a small catalog never
 * fills, and zeroing their tables up front would cost more than the
 * lookups they save. */
#define FIRST_BYTES (64u << 10)

/* One slot per 16 arena bytes, at most half of them filled: entries are
 * short words with a few bytes of answer. */
static size_t slots_for(size_t bytes) {
    size_t n = 1024;
    while (n < bytes / 16)
        n *= 2;
    return n;
}

pl_memo *pl_memo_new(size_t max_bytes) {
    if (max_bytes < 4096) max_bytes = 4096;
    if (max_bytes > UINT32_MAX / 2) max_bytes = UINT32_MAX / 2;
    pl_memo *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    size_t cap = max_bytes < FIRST_BYTES ? max_bytes : FIRST_BYTES, n = slots_for(cap);
    m->arena = malloc(cap);
    m->slot = calloc(n, sizeof *m->slot);
    m->hash = malloc(n * sizeof *m->hash);
    if (!m->arena || !m->slot || !m->hash) {
        pl_memo_free(m);
        return NULL;
    }
    m->cap = cap;
    m->max = max_bytes;
    m->n_slots = n;
    return m;
}

void pl_memo_free(pl_memo *m) {
    if (!m) return;
    free(m->arena);
    free(m->slot);
    free(m->hash);
    free(m);
}

static uint32_t rd32(const unsigned char *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* The slot of key: where it is, or the empty slot where it would go. */
static size_t find(const pl_memo *m, const void *key, size_t klen, uint32_t h) {
    size_t mask = m->n_slots - 1, i = h & mask;
    for (;; i = (i + 1) & mask) {
        uint32_t at = m->slot[i];
        if (!at) return i;
        if (m->hash[i] != h) continue;
        const unsigned char *e = m->arena + at - 1;
        if (rd32(e) == klen && memcmp(e + HEAD, key, klen) == 0) return i;
    }
}

int pl_memo_get(const pl_memo *m, const void *key, size_t klen, const void **val,
                size_t *vlen) {
    uint32_t h = (uint32_t)XXH3_64bits(key, klen);
    size_t i = find(m, key, klen, h);
    if (!m->slot[i]) return 0;
    const unsigned char *e = m->arena + m->slot[i] - 1;
    *vlen = rd32(e + 4);
    *val = e + HEAD + klen;
    return 1;
}

void pl_memo_clear(pl_memo *m) {
    if (!m || !m->n_used) return;
    memset(m->slot, 0, m->n_slots * sizeof *m->slot);
    m->used = m->n_used = 0;
}

/* Doubles the arena, and the slots with it (entries keep their offsets;
 * each slot is placed again by its stored hash). 0, or -1 when the memory
 * cannot be had (the memo is then as it was). */
static int grow(pl_memo *m) {
    size_t cap = m->cap * 2 < m->max ? m->cap * 2 : m->max, n = slots_for(cap);
    unsigned char *arena = realloc(m->arena, cap);
    if (!arena) return -1;
    m->arena = arena;
    m->cap = cap;
    if (n == m->n_slots) return 0;
    uint32_t *slot = calloc(n, sizeof *slot), *hash = malloc(n * sizeof *hash);
    if (!slot || !hash) {
        free(slot);
        free(hash);
        return 0; /* the arena grew; the slots fill up and the memo empties sooner */
    }
    for (size_t i = 0; i < m->n_slots; i++) {
        if (!m->slot[i]) continue;
        size_t j = m->hash[i] & (n - 1);
        while (slot[j])
            j = (j + 1) & (n - 1);
        slot[j] = m->slot[i];
        hash[j] = m->hash[i];
    }
    free(m->slot);
    free(m->hash);
    m->slot = slot;
    m->hash = hash;
    m->n_slots = n;
    return 0;
}

void pl_memo_put(pl_memo *m, const void *key, size_t klen, const void *val, size_t vlen) {
    size_t need = HEAD + klen + vlen;
    if (need > m->max / 16) return;
    /* Full: grow while it may, then start again. What is asked for often
     * comes back first. */
    while ((m->used + need > m->cap || 2 * (m->n_used + 1) > m->n_slots) &&
           m->cap < m->max && grow(m) == 0) {
    }
    if (m->used + need > m->cap || 2 * (m->n_used + 1) > m->n_slots) pl_memo_clear(m);
    uint32_t h = (uint32_t)XXH3_64bits(key, klen);
    size_t i = find(m, key, klen, h);
    if (m->slot[i]) return;
    unsigned char *e = m->arena + m->used;
    uint32_t kl = (uint32_t)klen, vl = (uint32_t)vlen;
    memcpy(e, &kl, 4);
    memcpy(e + 4, &vl, 4);
    memcpy(e + HEAD, key, klen);
    if (vlen) memcpy(e + HEAD + klen, val, vlen);
    m->slot[i] = (uint32_t)m->used + 1;
    m->hash[i] = h;
    m->used += need;
    m->n_used++;
}
