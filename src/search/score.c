/*
 * score.c - matching and ranking: BM25 per term, the best alternative per
 * clause, and a coordination factor.
 *
 * A description of an episode ("Kreditkarte zerschnitten") seldom has every
 * word in the synopsis, so no word is required; instead the sum of BM25
 * scores is scaled by the share of the query's IDF weight that a document
 * matches. A document with every rare word of the query then ranks above
 * one that repeats a single word, while a query's stopwords (low IDF) barely
 * count either way.
 *
 * This evaluator visits every posting of the query's terms. That is linear
 * in the matches, fine for catalogs of thousands of episodes; top-k pruning
 * (block-max WAND) is the next step for millions.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"

#define BM25_K1 1.2
#define BM25_B 0.75
#define EMPTY INT64_MIN

/* ---- a map from document id to two numbers, open addressing ---- */

typedef struct dentry {
    int64_t doc;
    double a, b;
    size_t pos_off, pos_n; /* positions (phrases only), in the map's arena */
} dentry;

typedef struct docmap {
    dentry *e;
    size_t cap, n; /* cap is a power of two */
    uint32_t *pos; /* positions arena */
    size_t pos_len, pos_cap;
} docmap;

static void docmap_free(docmap *m) {
    free(m->e);
    free(m->pos);
    memset(m, 0, sizeof *m);
}

static size_t hash_doc(int64_t doc) {
    uint64_t x = (uint64_t)doc * 0x9E3779B97F4A7C15ull;
    return (size_t)(x ^ (x >> 29));
}

static int docmap_grow(docmap *m) {
    size_t cap = m->cap ? m->cap * 2 : 64;
    dentry *e = malloc(cap * sizeof *e);
    if (!e) return PL_ERR_NOMEM;
    for (size_t i = 0; i < cap; i++) e[i].doc = EMPTY;
    for (size_t i = 0; i < m->cap; i++) {
        if (m->e[i].doc == EMPTY) continue;
        size_t h = hash_doc(m->e[i].doc) & (cap - 1);
        while (e[h].doc != EMPTY) h = (h + 1) & (cap - 1);
        e[h] = m->e[i];
    }
    free(m->e);
    m->e = e;
    m->cap = cap;
    return PL_OK;
}

/* The entry for doc; created zeroed when absent and `create` is set. NULL
 * when absent (or out of memory while creating). */
static dentry *docmap_get(docmap *m, int64_t doc, int create) {
    if (m->cap) {
        size_t h = hash_doc(doc) & (m->cap - 1);
        while (m->e[h].doc != EMPTY) {
            if (m->e[h].doc == doc) return &m->e[h];
            h = (h + 1) & (m->cap - 1);
        }
        if (!create) return NULL;
    }
    if (!create) return NULL;
    if ((m->n + 1) * 4 > m->cap * 3 && docmap_grow(m)) return NULL;
    size_t h = hash_doc(doc) & (m->cap - 1);
    while (m->e[h].doc != EMPTY) h = (h + 1) & (m->cap - 1);
    m->e[h] = (dentry){doc, 0, 0, 0, 0};
    m->n++;
    return &m->e[h];
}

/* Makes room for n more positions in the arena. */
static int docmap_reserve_pos(docmap *m, size_t n) {
    if (m->pos_len + n <= m->pos_cap) return PL_OK;
    size_t cap = m->pos_cap ? m->pos_cap : 256;
    while (cap < m->pos_len + n) cap *= 2;
    uint32_t *grown = realloc(m->pos, cap * sizeof *grown);
    if (!grown) return PL_ERR_NOMEM;
    m->pos = grown;
    m->pos_cap = cap;
    return PL_OK;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Sets e's positions to the union of what it has and p[0..n), sorted. The
 * old run stays in the arena unused: the map lives for one query. */
static int docmap_add_pos(docmap *m, dentry *e, const uint32_t *p, size_t n) {
    if (docmap_reserve_pos(m, e->pos_n + n)) return PL_ERR_NOMEM;
    size_t off = m->pos_len;
    memmove(m->pos + off, m->pos + e->pos_off, e->pos_n * sizeof *p);
    memcpy(m->pos + off + e->pos_n, p, n * sizeof *p);
    int merge = e->pos_n > 0;
    e->pos_off = off;
    e->pos_n += n;
    m->pos_len += e->pos_n;
    if (merge) qsort(m->pos + off, e->pos_n, sizeof *p, cmp_u32);
    return PL_OK;
}

/* ---- BM25 ---- */

typedef struct stats {
    double n_docs, avgdl;
} stats;

static double idf(pl_index *ix, const stats *st, const char *term) {
    double df = (double)pl_index_df(ix, term, strlen(term));
    return log(1.0 + (st->n_docs - df + 0.5) / (df + 0.5));
}

static double bm25(double idf_w, uint32_t tf, uint32_t dl, const stats *st) {
    double norm = BM25_K1 * (1.0 - BM25_B + BM25_B * (double)dl / st->avgdl);
    return idf_w * (double)tf * (BM25_K1 + 1.0) / ((double)tf + norm);
}

/* Scores one slot (a word, with its variants) into m: a = the best variant's
 * score per document; with positions, their union. */
static int score_slot(pl_index *ix, const stats *st, const pl_slot *s, int positions,
                      docmap *m, double *max_idf, pl_err *err) {
    *max_idf = 0;
    for (size_t v = 0; v < s->n; v++) {
        double w_idf = idf(ix, st, s->v[v].term);
        if (w_idf * s->v[v].weight > *max_idf) *max_idf = w_idf * s->v[v].weight;
        pl_postings *p;
        int rc = pl_postings_open(ix, s->v[v].term, strlen(s->v[v].term), positions, &p, err);
        if (rc) return rc;
        while ((rc = pl_postings_next(p)) == 1) {
            double sc = s->v[v].weight * bm25(w_idf, pl_postings_tf(p), pl_postings_doclen(p), st);
            dentry *e = docmap_get(m, pl_postings_doc(p), 1);
            if (!e) break;
            if (sc > e->a) e->a = sc;
            if (!positions) continue;
            uint32_t n;
            const uint32_t *pos = pl_postings_positions(p, &n);
            if (docmap_add_pos(m, e, pos, n)) break;
        }
        pl_postings_close(p);
        if (rc < 0) return pl_err_set(err, rc, "reading the index: %s", pl_strerror(rc));
        if (rc == 1) return pl_err_set(err, PL_ERR_NOMEM, "scoring: out of memory");
    }
    return PL_OK;
}

static int has_pos(const uint32_t *p, size_t n, uint32_t want) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (p[mid] < want) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && p[lo] == want;
}

/* Scores one alternative into out (a = its score per document). */
static int score_alt(pl_index *ix, const stats *st, const pl_alt *alt, docmap *out,
                     double *weight, pl_err *err) {
    *weight = 0;
    if (alt->n_slots == 0) return PL_OK;
    if (alt->n_slots == 1) return score_slot(ix, st, &alt->slots[0], 0, out, weight, err);
    docmap *slots = calloc(alt->n_slots, sizeof *slots);
    if (!slots) return pl_err_set(err, PL_ERR_NOMEM, "scoring: out of memory");
    int rc = PL_OK;
    for (size_t i = 0; i < alt->n_slots && !rc; i++) {
        double w;
        rc = score_slot(ix, st, &alt->slots[i], 1, &slots[i], &w, err);
        *weight += w;
    }
    /* A phrase matches where slot i's word stands at position p + i. */
    for (size_t h = 0; !rc && h < slots[0].cap; h++) {
        dentry *e0 = &slots[0].e[h];
        if (e0->doc == EMPTY) continue;
        double sum = e0->a;
        dentry *es[64];
        size_t k = 1;
        for (; k < alt->n_slots && k < 64; k++) {
            if (!(es[k] = docmap_get(&slots[k], e0->doc, 0))) break;
            sum += es[k]->a;
        }
        if (k < alt->n_slots) continue;
        int found = 0;
        for (size_t i = 0; i < e0->pos_n && !found; i++) {
            uint32_t p0 = slots[0].pos[e0->pos_off + i];
            found = 1;
            for (size_t j = 1; j < k && found; j++)
                found = has_pos(slots[j].pos + es[j]->pos_off, es[j]->pos_n, p0 + (uint32_t)j);
        }
        if (!found) continue;
        dentry *o = docmap_get(out, e0->doc, 1);
        if (!o) rc = pl_err_set(err, PL_ERR_NOMEM, "scoring: out of memory");
        else if (sum > o->a) o->a = sum;
    }
    for (size_t i = 0; i < alt->n_slots; i++) docmap_free(&slots[i]);
    free(slots);
    return rc;
}

static int by_score(const void *a, const void *b) {
    const pl_scored *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return x->doc < y->doc ? -1 : x->doc > y->doc;
}

int pl_score(pl_index *ix, const pl_plan *plan, pl_scored **out, size_t *n, pl_err *err) {
    *out = NULL;
    *n = 0;
    pl_index_stats is;
    pl_index_get_stats(ix, &is);
    if (is.docs == 0) return PL_OK;
    stats st = {(double)is.docs, is.total_len ? (double)is.total_len / (double)is.docs : 1.0};

    docmap acc = {0};     /* a = summed score, b = matched weight */
    docmap excluded = {0};
    double total_weight = 0;
    int rc = PL_OK;
    for (size_t c = 0; c < plan->n_clauses && !rc; c++) {
        const pl_clause *cl = &plan->clauses[c];
        docmap clause = {0}; /* a = the clause's best alternative per document */
        double cw = 0;
        for (size_t a = 0; a < cl->n_alts && !rc; a++) {
            docmap alt = {0};
            double w;
            rc = score_alt(ix, &st, &cl->alts[a], &alt, &w, err);
            if (w > cw) cw = w;
            for (size_t h = 0; !rc && h < alt.cap; h++) {
                if (alt.e[h].doc == EMPTY) continue;
                dentry *e = docmap_get(&clause, alt.e[h].doc, 1);
                if (!e) rc = pl_err_set(err, PL_ERR_NOMEM, "scoring: out of memory");
                else if (alt.e[h].a > e->a) e->a = alt.e[h].a;
            }
            docmap_free(&alt);
        }
        docmap *into = cl->excluded ? &excluded : &acc;
        if (!cl->excluded) total_weight += cw;
        for (size_t h = 0; !rc && h < clause.cap; h++) {
            if (clause.e[h].doc == EMPTY) continue;
            dentry *e = docmap_get(into, clause.e[h].doc, 1);
            if (!e) {
                rc = pl_err_set(err, PL_ERR_NOMEM, "scoring: out of memory");
                break;
            }
            e->a += clause.e[h].a;
            e->b += cw;
        }
        docmap_free(&clause);
    }
    pl_scored *res = NULL;
    size_t k = 0;
    if (!rc && acc.n && !(res = malloc(acc.n * sizeof *res)))
        rc = pl_err_set(err, PL_ERR_NOMEM, "scoring: out of memory");
    for (size_t h = 0; !rc && h < acc.cap; h++) {
        dentry *e = &acc.e[h];
        if (e->doc == EMPTY || docmap_get(&excluded, e->doc, 0)) continue;
        double coord = total_weight > 0 ? e->b / total_weight : 1.0;
        res[k++] = (pl_scored){e->doc, e->a * coord * coord};
    }
    docmap_free(&acc);
    docmap_free(&excluded);
    if (rc) {
        free(res);
        return rc;
    }
    if (k > 1) qsort(res, k, sizeof *res, by_score);
    *out = res;
    *n = k;
    return PL_OK;
}
