/*
 * stem.c - the Snowball stemmers an analyzer keeps, one per algorithm.
 *
 * Creating a stemmer allocates its tables, so each is made on first use and
 * kept until the analyzer is freed; "nb", "nn" and "no" share Norwegian's.
 * libstemmer answers NULL both for an unknown algorithm and for a failed
 * allocation; the two are told apart by the library's list of algorithms.
 */
#include <libstemmer.h>
#include <limits.h>

#include "text/text_internal.h"

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
}

int pl_stem(struct sb_stemmer *st, const unsigned char *w, size_t n,
            const unsigned char **res, size_t *res_len) {
    if (n > INT_MAX) n = INT_MAX; /* never: the analyzer bounds word length */
    const sb_symbol *r = sb_stemmer_stem(st, w, (int)n);
    if (!r) return PL_ERR_NOMEM;
    int len = sb_stemmer_length(st);
    if (len <= 0) {
        /* A word stemmed to nothing keeps its own form, so it stays findable. */
        *res = w;
        *res_len = n;
    } else {
        *res = r;
        *res_len = (size_t)len;
    }
    return PL_OK;
}
