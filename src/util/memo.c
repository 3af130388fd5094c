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
    size_t used, cap;
    uint32_t *slot; /* arena offset + 1 of an entry, 0 when empty */
    uint32_t *hash; /* the entry's hash, compared before its bytes */
    size_t n_slots, n_used;
};

/* An entry in the arena: u32 key length, u32 value length, key, value. */
#define HEAD 8

pl_memo *pl_memo_new(size_t max_bytes) {
    if (max_bytes < 4096) max_bytes = 4096;
    if (max_bytes > UINT32_MAX / 2) max_bytes = UINT32_MAX / 2;
    pl_memo *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    /* One slot per 32 arena bytes, at most half of them filled: entries
     * are short words with a few bytes of answer. */
    size_t n = 1024;
    while (n < max_bytes / 16)
        n *= 2;
    m->arena = malloc(max_bytes);
    m->slot = calloc(n, sizeof *m->slot);
    m->hash = malloc(n * sizeof *m->hash);
    if (!m->arena || !m->slot || !m->hash) {
        pl_memo_free(m);
        return NULL;
    }
    m->cap = max_bytes;
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

void pl_memo_put(pl_memo *m, const void *key, size_t klen, const void *val, size_t vlen) {
    size_t need = HEAD + klen + vlen;
    if (need > m->cap / 16) return;
    /* Full: start again. What is asked for often comes back first. */
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
