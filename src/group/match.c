/*
 * match.c - telling versions of one episode apart from different episodes:
 * a weighted cosine over match keys, and grouping a batch best pair first
 * under the rule that an episode has one synopsis per language.
 *
 * The rule does much of the work: a season imported in one language never
 * collapses, however alike its synopses are, and a group that already holds
 * a German version cannot take a second one.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "util/sort.h"

/* Keys more common than this within the items are left out of proposing
 * pairs (they still count in the similarity of the pairs proposed). */
#define RUN_MAX 64
#define MAX_LANGS 64 /* distinct languages told apart in one grouping */

double pl_group_weight(uint64_t df, uint64_t n_docs) {
    /* Smoothed so that a small catalog does not make every key look rare. */
    return log(1.0 + (double)(n_docs + 10) / (double)(df ? df : 1));
}

void pl_group_norm(pl_group_item *it) {
    double s = 0;
    for (size_t i = 0; i < it->n; i++)
        s += it->w[i] * it->w[i];
    it->norm = sqrt(s);
}

double pl_group_similarity(const pl_group_item *a, const pl_group_item *b) {
    if (a->norm <= 0 || b->norm <= 0) return 0;
    double s = 0;
    size_t i = 0, j = 0;
    while (i < a->n && j < b->n) {
        if (a->keys[i] == b->keys[j])
            s += a->w[i] * b->w[j], i++, j++;
        else if (a->keys[i] < b->keys[j])
            i++;
        else
            j++;
    }
    return s / (a->norm * b->norm);
}

/* Sorted by radix (util/sort.h) on their first field. */
typedef struct kref {
    uint64_t key; /* the match key; refs are made in item order, and the
                     sort is stable, so a key's items stay ascending */
    uint32_t item;
    double w; /* the key's weight in the item */
} kref;

typedef struct pair {
    uint64_t order; /* first the items, then the place best first */
    uint64_t ab;    /* item a << 32 | item b, a < b */
    double sim;     /* a proposing key's share of the dot product, then the cosine */
} pair;

/* A pair's place when pairs are taken best first: a non-negative double's
 * bits order as the double does, so this is descending by similarity, and
 * the stable sort keeps ties in item order (the same input, the same
 * groups). */
static uint64_t best_first(double sim) {
    uint64_t bits;
    memcpy(&bits, &sim, sizeof bits);
    return ~bits;
}

static size_t find(size_t *parent, size_t i) {
    while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
    return i;
}

int pl_group_cluster(const pl_group_item *items, size_t n, double threshold,
                     size_t *group) {
    size_t n_refs = 0, n_pairs = 0, cap_pairs = 0;
    for (size_t i = 0; i < n; i++)
        n_refs += items[i].n;
    kref *refs = malloc((n_refs ? n_refs : 1) * sizeof *refs);
    size_t *parent = malloc((n ? n : 1) * sizeof *parent);
    uint64_t *langs = calloc(n ? n : 1, sizeof *langs);
    /* Per item, the squared weights of its keys too common to propose
     * pairs: with what the proposing keys add up, they bound a pair's
     * similarity before it is computed. */
    double *common_sq = calloc(n ? n : 1, sizeof *common_sq);
    size_t *coff = calloc(n + 1, sizeof *coff);
    pl_group_key *ckey = NULL;
    double *cw = NULL;
    pair *pairs = NULL;
    char names[MAX_LANGS][16];
    size_t n_names = 0;
    int rc = PL_ERR_NOMEM;
    if (!refs || !parent || !langs || !common_sq || !coff) goto done;
    for (size_t i = 0, r = 0; i < n; i++) {
        parent[i] = i;
        for (size_t k = 0; k < items[i].n; k++)
            refs[r++] = (kref){items[i].keys[k], (uint32_t)i, items[i].w[k]};
        /* Languages as bits; past MAX_LANGS distinct ones, the rest share
         * the last bit (and are then kept apart from each other). */
        size_t l = 0;
        while (l < n_names && strcmp(names[l], items[i].lang) != 0)
            l++;
        if (l == n_names && n_names < MAX_LANGS)
            memcpy(names[n_names++], items[i].lang, 16);
        langs[i] = 1ull << (l < MAX_LANGS ? l : MAX_LANGS - 1);
    }
    if (pl_sort_by_u64(refs, n_refs, sizeof *refs)) goto done;
    /* Per item, its common keys with their weights, ascending (refs are in
     * key order): a pair's dot product is what its proposing keys add up
     * plus what these add, so only these lists need merging. */
    size_t n_common = 0;
    for (size_t s = 0, e; s < n_refs; s = e) {
        for (e = s + 1; e < n_refs && refs[e].key == refs[s].key;)
            e++;
        if (e - s <= RUN_MAX) continue;
        for (size_t i = s; i < e; i++)
            coff[refs[i].item + 1]++;
        n_common += e - s;
    }
    for (size_t i = 0; i < n; i++)
        coff[i + 1] += coff[i];
    ckey = malloc((n_common ? n_common : 1) * sizeof *ckey);
    cw = malloc((n_common ? n_common : 1) * sizeof *cw);
    if (!ckey || !cw) goto done;
    for (size_t s = 0, e; s < n_refs; s = e) {
        for (e = s + 1; e < n_refs && refs[e].key == refs[s].key;)
            e++;
        if (e - s > RUN_MAX) {
            for (size_t i = s; i < e; i++) {
                uint32_t it = refs[i].item;
                common_sq[it] += refs[i].w * refs[i].w;
                ckey[coff[it]] = (pl_group_key)refs[i].key;
                cw[coff[it]++] = refs[i].w;
            }
            continue;
        }
        for (size_t i = s; i < e; i++)
            for (size_t j = i + 1; j < e; j++) {
                if (langs[refs[i].item] == langs[refs[j].item]) continue;
                if (n_pairs == cap_pairs) {
                    size_t cap = cap_pairs ? cap_pairs * 2 : 256;
                    pair *grown = realloc(pairs, cap * sizeof *grown);
                    if (!grown) goto done;
                    pairs = grown;
                    cap_pairs = cap;
                }
                /* sim holds this key's share of the dot product for now. */
                uint64_t ab = (uint64_t)refs[i].item << 32 | refs[j].item;
                pairs[n_pairs++] = (pair){ab, ab, refs[i].w * refs[j].w};
            }
    }
    /* The fill moved each item's offset to its list's end: back one item. */
    memmove(coff + 1, coff, n * sizeof *coff);
    coff[0] = 0;
    if (pl_sort_by_u64(pairs, n_pairs, sizeof *pairs)) goto done;
    size_t u = 0;
    for (size_t i = 0, e; i < n_pairs; i = e) {
        /* The pair's entries, one per proposing key it shares: their
         * products add up to its dot product but for the common keys,
         * which add at most the product of the two common norms
         * (Cauchy-Schwarz). A pair that cannot reach the threshold even
         * so is not computed; for the others the common keys' products
         * are added. */
        double dot = 0;
        for (e = i; e < n_pairs && pairs[e].ab == pairs[i].ab; e++)
            dot += pairs[e].sim;
        size_t ia = pairs[i].ab >> 32, ib = pairs[i].ab & 0xffffffffu;
        const pl_group_item *a = &items[ia], *b = &items[ib];
        double bound =
            a->norm > 0 && b->norm > 0
                ? (dot + sqrt(common_sq[ia] * common_sq[ib])) / (a->norm * b->norm)
                : 0;
        if (bound * (1 + 1e-9) < threshold) continue;
        for (size_t x = coff[ia], y = coff[ib]; x < coff[ia + 1] && y < coff[ib + 1];) {
            if (ckey[x] == ckey[y])
                dot += cw[x++] * cw[y++];
            else if (ckey[x] < ckey[y])
                x++;
            else
                y++;
        }
        double sim = dot / (a->norm * b->norm);
        if (sim < threshold) continue;
        pairs[u++] = (pair){best_first(sim), pairs[i].ab, sim};
    }
    if (pl_sort_by_u64(pairs, u, sizeof *pairs)) goto done;
    for (size_t i = 0; i < u; i++) {
        size_t a = find(parent, pairs[i].ab >> 32),
               b = find(parent, pairs[i].ab & 0xffffffffu);
        if (a == b || (langs[a] & langs[b])) continue;
        if (b < a) {
            size_t t = a;
            a = b;
            b = t;
        }
        parent[b] = a;
        langs[a] |= langs[b];
    }
    for (size_t i = 0; i < n; i++)
        group[i] = find(parent, i);
    rc = PL_OK;
done:
    free(refs);
    free(parent);
    free(langs);
    free(common_sq);
    free(coff);
    free(ckey);
    free(cw);
    free(pairs);
    return rc;
}
