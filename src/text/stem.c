/*
 * stem.c - the Snowball stemmers an analyzer keeps, and a cache of stems.
 *
 * Creating a stemmer allocates its tables, so each is made on first use and
 * kept until the analyzer is freed; "nb", "nn" and "no" share Norwegian's.
 * libstemmer answers NULL both for an unknown algorithm and for a failed
 * allocation; the two are told apart by the library's list of algorithms.
 *
 * Stemming is most of the cost of analysis, and word frequencies are so
 * skewed that a few thousand words make up most of any text. A direct-mapped
 * cache of recent (algorithm, word) -> stem pairs therefore saves most calls
 * into Snowball. A catalog in many languages has many such few thousands:
 * importing 3,000 records of 32 languages misses 115,163 of 4,096 slots,
 * 75,987 of 16,384 and 50,335 of 65,536 (a miss costs about 3,500
 * instructions, a hit some 60). The cache is only an optimization: when it
 * cannot be allocated, words are simply stemmed every time.
 */
#include <libstemmer.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "text/text_internal.h"

#define CACHE_SLOTS 65536 /* a power of two; 4 MiB, touched as used */
#define SLOT_KEY 30       /* longer words are not cached */
#define SLOT_VAL 31

struct pl_stem_slot {
    unsigned char algo; /* algorithm + 1; 0 while empty */
    unsigned char klen, vlen;
    unsigned char key[SLOT_KEY];
    unsigned char val[SLOT_VAL];
};

int pl_stemmers_get(pl_stemmers *c, int algo, struct sb_stemmer **out) {
    *out = NULL;
    if (algo < 0 || algo >= PL_SNOWBALL_N) return PL_OK;
    if (!c->tried[algo]) {
        c->st[algo] = sb_stemmer_new(pl_snowball_algos[algo], "UTF_8");
        if (!c->st[algo] && pl_snowball_available(algo)) return PL_ERR_NOMEM;
        c->tried[algo] = 1;
    }
    *out = c->st[algo];
    return PL_OK;
}

void pl_stemmers_free(pl_stemmers *c) {
    for (int i = 0; i < PL_SNOWBALL_N; i++) {
        sb_stemmer_delete(c->st[i]);
        c->st[i] = NULL;
        c->tried[i] = 0;
    }
    free(c->cache);
    c->cache = NULL;
    c->cache_failed = 0;
}

static size_t slot_of(int algo, const unsigned char *w, size_t n) {
    uint32_t h = 2166136261u ^ (uint32_t)algo; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ w[i]) * 16777619u;
    return (h ^ h >> 15) & (CACHE_SLOTS - 1);
}

int pl_stem(pl_stemmers *c, int algo, const unsigned char *w, size_t n,
            const unsigned char **res, size_t *res_len) {
    pl_stem_slot *slot = NULL;
    if (n <= SLOT_KEY) {
        if (!c->cache && !c->cache_failed) {
            c->cache = calloc(CACHE_SLOTS, sizeof *c->cache);
            c->cache_failed = !c->cache;
        }
        if (c->cache) {
            slot = &c->cache[slot_of(algo, w, n)];
            if (slot->algo == algo + 1 && slot->klen == n && !memcmp(slot->key, w, n)) {
                *res = slot->val;
                *res_len = slot->vlen;
                return PL_OK;
            }
        }
    }

    if (n > INT_MAX) n = INT_MAX; /* never: the analyzer bounds word length */
    const sb_symbol *r = sb_stemmer_stem(c->st[algo], w, (int)n);
    if (!r) return PL_ERR_NOMEM;
    int len = sb_stemmer_length(c->st[algo]);
    if (len <= 0) {
        /* A word stemmed to nothing keeps its own form, so it stays findable. */
        r = w;
        len = (int)n;
    }
    *res = r;
    *res_len = (size_t)len;

    if (slot && len <= SLOT_VAL) {
        slot->algo = (unsigned char)(algo + 1);
        slot->klen = (unsigned char)n;
        slot->vlen = (unsigned char)len;
        memcpy(slot->key, w, n);
        memcpy(slot->val, r, (size_t)len);
        *res = slot->val;
    }
    return PL_OK;
}
