/*
 * score.c - matching and ranking: BM25 per term, the best alternative per
 * clause, and a coordination factor; evaluated document at a time, keeping
 * only the best k.
 *
 * A description of an episode ("Kreditkarte zerschnitten") seldom has every
 * word in the synopsis, so no word is required; instead the sum of BM25
 * scores is scaled by the share of the query's IDF weight that a document
 * matches. A document with every rare word of the query then ranks above
 * one that repeats a single word, while a query's stopwords (low IDF) barely
 * count either way:
 *
 *     score(d) = (sum over clauses c of s_c(d)) * W(d) / W
 *
 * s_c(d) is the best of clause c's alternatives (a word: its best variant,
 * weight x BM25; a phrase: the sum over its words), W(d) the IDF weight of
 * the clauses d matches and W that of all positive clauses. A query of one
 * positive clause (a word, or words joined by OR) takes the alternative
 * with the best s x w instead, w the weight it brings: that is then the
 * document's score, so each alternative is bounded by its own weight and a
 * common word ORed with a rare one passes over most of its blocks.
 *
 * The score only grows as a document matches more clauses, so it is bounded
 * by the same formula over bounds of s_c. Two prunings follow (MaxScore):
 * clauses whose bounds together cannot lift a document above the current
 * k-th score are "non-essential": they never propose candidates, and are
 * only looked up (by seeking) for documents the others propose, and not even
 * that once the rest of a document's bound falls short (but for required
 * ones, which are sought first: a document must have them). And a word whose
 * postings block (128 documents) cannot reach the k-th score even with every
 * other clause at its bound is passed over without being decoded, using the
 * block's bounds stored in the index (max tf, min length / tf). Positions are
 * decoded only for documents that have every word of a phrase.
 *
 * Totals are exact while nothing was pruned; otherwise the count of the
 * documents seen, raised to an estimate from the document frequencies.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"

#define BM25_K1 1.2
#define BM25_B 0.75
#define DOC_END INT64_MAX
#define DOC_START INT64_MIN /* before every document */
/* Bounds are compared with this much slack so that rounding never prunes a
 * document whose exact score would have been kept. */
#define SLACK (1.0 + 1e-9)

typedef struct stats {
    double n_docs, avgdl;
} stats;

/* One term variant of a word. */
typedef struct term {
    pl_postings *p;
    pl_postings *scope;         /* a translation's: the documents of its language */
    const uint64_t *scope_bits; /* the same as a bitmap by id (the index's), or NULL */
    int64_t scope_n;
    int64_t doc; /* current document; DOC_END when exhausted */
    double weight, idf;
    double ub; /* bound of weight x BM25 over all its postings */
    uint64_t df;
    /* The bound of the block the term was last checked in, good while its
     * document is at most that block's last. */
    int64_t blk_last;
    double blk_ub;
} term;

/* A word: its variants (only those present in the index). */
typedef struct slot {
    term *t;
    size_t n;
    double ub; /* the best variant's bound */
} slot;

/* An alternative of a clause: a word (one slot) or a phrase. A word's
 * variants are units of their own (`t` set), so that each can skip blocks
 * by its own bound; a phrase is one unit over all its slots. */
typedef struct unit {
    term *t;     /* a word's variant, or NULL for a phrase */
    slot *slots; /* a phrase's words */
    size_t n_slots;
    int64_t doc; /* current (for a phrase: verified) match; DOC_END at the end */
    double ub;
    double w;         /* IDF weight a match through this unit brings the clause */
    uint32_t *pos[2]; /* phrase scratch: a word's positions and a merge buffer */
    size_t pos_cap[2];
} unit;

typedef struct clause {
    unit *u;
    size_t n, cap; /* units, and room for them (grown by doubling) */
    double ub;     /* bound of s_c */
    double cw;     /* IDF weight: its best alternative's, a bound of what a
                      match brings (a match brings its own unit's w) */
    uint64_t df_sum;
    int req;      /* a document without it is no result */
    size_t *heap; /* u's indexes as a min-heap by doc, then n more for a stack */
    int64_t top;  /* the heap's least document (DOC_END when none), kept
                     as the heap changes: asked for several times a candidate */
} clause;

/* A translated word has dozens of units, one per variant, of which one or
 * two are at a given document: the evaluation keeps a clause's units in a
 * heap by document and visits only those at the candidate, instead of all
 * of them for every candidate. */
static int64_t clause_top(const clause *c) {
    return c->top;
}

static void clause_retop(clause *c) {
    c->top = c->n ? c->u[c->heap[0]].doc : DOC_END;
}

/* Moves heap entry i down to its place (its unit's document grew). */
static inline __attribute__((always_inline)) void clause_sift(clause *c, size_t i) {
    size_t x = c->heap[i];
    int64_t dx = c->u[x].doc;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1;
        if (l >= c->n) break;
        size_t m = r < c->n && c->u[c->heap[r]].doc < c->u[c->heap[l]].doc ? r : l;
        if (c->u[c->heap[m]].doc >= dx) break;
        c->heap[i] = c->heap[m];
        i = m;
    }
    c->heap[i] = x;
}

/* Orders the heap anew (after any number of its units moved). */
static void clause_heapify(clause *c) {
    for (size_t i = c->n / 2; i-- > 0;)
        clause_sift(c, i);
    clause_retop(c);
}

typedef struct ctx {
    pl_index *ix;
    stats st;
    pl_err *err;
    int status; /* first failure while moving iterators */
    term *terms;
    size_t n_terms, cap_terms;
} ctx;

static double bm25(double idf_w, uint32_t tf, uint32_t dl, const stats *st) {
    double norm = BM25_K1 * (1.0 - BM25_B + BM25_B * (double)dl / st->avgdl);
    return idf_w * (double)tf * (BM25_K1 + 1.0) / ((double)tf + norm);
}

/* weight x BM25 is at most this for postings with tf <= max_tf and
 * dl / tf >= min_ratio (BM25 grows with tf and falls with dl / tf). */
static double bm25_bound(const term *t, uint32_t max_tf, uint32_t min_ratio,
                         const stats *st) {
    double w = t->weight * t->idf;
    if (w <= 0) return 0;
    double d = 1.0 + BM25_K1 * (1.0 - BM25_B) / max_tf +
               BM25_K1 * BM25_B * (double)min_ratio / st->avgdl;
    return w * (BM25_K1 + 1.0) / d;
}

static double term_score(const term *t, const stats *st) {
    return t->weight * bm25(t->idf, pl_postings_tf(t->p), pl_postings_doclen(t->p), st);
}

/* ---- moving iterators ---- */

/* Words of the language bitmap scanned for the next document in a
 * translation's language before its postings list is sought instead. */
#define SCOPE_SCAN_WORDS 16

/* The first id >= from in t's language by its bitmap (DOC_END when none),
 * or -1 when none is within SCOPE_SCAN_WORDS words (then the list, whose
 * skips pass a long gap, is the cheaper way). */
static int64_t next_in_scope(const term *t, int64_t from) {
    if (from >= t->scope_n) return DOC_END;
    size_t w = (size_t)(from / 64), n_words = (size_t)((t->scope_n + 63) / 64);
    uint64_t word = t->scope_bits[w] & (~0ull << (from % 64));
    for (size_t scanned = 0; !word; scanned++) {
        if (++w >= n_words) return DOC_END;
        if (scanned == SCOPE_SCAN_WORDS) return -1;
        word = t->scope_bits[w];
    }
    int64_t id = (int64_t)(w * 64) + __builtin_ctzll(word);
    return id < t->scope_n ? id : DOC_END;
}

static void term_seek(ctx *x, term *t, int64_t target) {
    if (t->doc >= target) return;
    for (;;) {
        /* Moving one past the current document, the usual move, is a step. */
        int rc =
            target == t->doc + 1 ? pl_postings_next(t->p) : pl_postings_seek(t->p, target);
        if (rc < 0 && !x->status) x->status = rc;
        t->doc = rc == 1 ? pl_postings_doc(t->p) : DOC_END;
        if (!t->scope || t->doc == DOC_END) return;
        /* Most documents of a translation are in its language: a bit says
         * so without seeking the language's long list. */
        if (t->scope_bits && t->doc < t->scope_n &&
            (t->scope_bits[t->doc / 64] >> (t->doc % 64) & 1))
            return;
        /* Leapfrog with the language's documents until both agree: its next
         * one from the bitmap when it is near, else from its list. */
        int64_t in = t->scope_bits ? next_in_scope(t, t->doc + 1) : -1;
        if (in < 0) {
            rc = pl_postings_seek(t->scope, t->doc);
            if (rc < 0 && !x->status) x->status = rc;
            in = rc == 1 ? pl_postings_doc(t->scope) : DOC_END;
        }
        if (in == t->doc) return;
        if (in == DOC_END) {
            t->doc = DOC_END;
            return;
        }
        target = in;
    }
}

static void term_close(term *t) {
    pl_postings_close(t->p);
    pl_postings_close(t->scope);
}

/* Seeks to target, then past every block whose bound is <= floor: they hold
 * no document that can enter the results. Sets *skipped when it passed any. */
static void term_seek_competitive(ctx *x, term *t, int64_t target, double floor,
                                  int *skipped) {
    term_seek(x, t, target);
    if (floor == INFINITY && t->doc != DOC_END) { /* nothing of it can count */
        *skipped = 1;
        t->doc = DOC_END;
        return;
    }
    while (t->doc != DOC_END) {
        if (t->doc > t->blk_last) {
            uint32_t mtf, mratio;
            t->blk_last = pl_postings_block(t->p, &mtf, &mratio);
            t->blk_ub = bm25_bound(t, mtf, mratio, &x->st) * SLACK;
        }
        int64_t last = t->blk_last;
        if (t->blk_ub >= floor) return;
        *skipped = 1;
        if (last == DOC_END) {
            t->doc = DOC_END;
            return;
        }
        term_seek(x, t, last + 1);
    }
}

static int has_pos(const uint32_t *p, size_t n, uint32_t want) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (p[mid] < want)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && p[lo] == want;
}

/* Grows one of a unit's position buffers to hold n. */
static int pos_reserve(unit *u, int which, size_t n) {
    if (n <= u->pos_cap[which]) return PL_OK;
    size_t cap = u->pos_cap[which] ? u->pos_cap[which] : 64;
    while (cap < n)
        cap *= 2;
    uint32_t *p = realloc(u->pos[which], cap * sizeof *p);
    if (!p) return PL_ERR_NOMEM;
    u->pos[which] = p;
    u->pos_cap[which] = cap;
    return PL_OK;
}

/* The positions of slot s's variants at doc (a union: distinct terms never
 * share a position) into u->pos[0]; returns how many, or -1 on failure. */
static long slot_positions(ctx *x, unit *u, const slot *s, int64_t doc) {
    size_t n = 0;
    for (size_t v = 0; v < s->n; v++) {
        term *t = &s->t[v];
        if (t->doc != doc) continue;
        uint32_t k;
        const uint32_t *p = pl_postings_positions(t->p, &k);
        if (!p && k == 0 && pl_postings_status(t->p)) {
            if (!x->status) x->status = pl_postings_status(t->p);
            return -1;
        }
        if (pos_reserve(u, 0, n + k) || pos_reserve(u, 1, n + k)) {
            if (!x->status) x->status = PL_ERR_NOMEM;
            return -1;
        }
        if (n == 0) {
            memcpy(u->pos[0], p, k * sizeof *p);
        } else { /* merge two sorted runs */
            size_t i = 0, j = 0, o = 0;
            while (i < n || j < k)
                u->pos[1][o++] =
                    (j >= k || (i < n && u->pos[0][i] < p[j])) ? u->pos[0][i++] : p[j++];
            uint32_t *tmp = u->pos[0];
            u->pos[0] = u->pos[1];
            u->pos[1] = tmp;
            size_t c = u->pos_cap[0];
            u->pos_cap[0] = u->pos_cap[1];
            u->pos_cap[1] = c;
        }
        n += k;
    }
    return (long)n;
}

/* Whether the phrase's words stand at consecutive positions in doc (every
 * slot has a variant there). Slot 0's positions are kept aside while the
 * others are looked up. */
static int phrase_at(ctx *x, unit *u, int64_t doc) {
    long n0 = slot_positions(x, u, &u->slots[0], doc);
    if (n0 <= 0) return 0;
    uint32_t *first = malloc((size_t)n0 * sizeof *first);
    if (!first) {
        if (!x->status) x->status = PL_ERR_NOMEM;
        return 0;
    }
    memcpy(first, u->pos[0], (size_t)n0 * sizeof *first);
    /* live[i]: first[i] still starts a possible match */
    size_t live = (size_t)n0;
    for (size_t j = 1; j < u->n_slots && live; j++) {
        long nj = slot_positions(x, u, &u->slots[j], doc);
        if (nj <= 0) {
            live = 0;
            break;
        }
        size_t keep = 0;
        for (size_t i = 0; i < live; i++)
            if (has_pos(u->pos[0], (size_t)nj, first[i] + (uint32_t)j))
                first[keep++] = first[i];
        live = keep;
    }
    free(first);
    return live > 0;
}

static double unit_score(const ctx *x, const unit *u);

/* Moves a phrase to its first verified match at or after target. With a
 * floor > 0, documents where the phrase's words score no more than it are
 * passed over before their positions are read (*skipped set): they cannot
 * enter the results through this phrase. */
static void phrase_seek_floor(ctx *x, unit *u, int64_t target, double floor, int *skipped) {
    if (u->doc >= target) return;
    int64_t d = target;
    for (;;) {
        size_t agreed = 0;
        for (size_t i = 0; agreed < u->n_slots; i = (i + 1) % u->n_slots) {
            slot *s = &u->slots[i];
            int64_t sd = DOC_END;
            for (size_t v = 0; v < s->n; v++) {
                term_seek(x, &s->t[v], d);
                if (s->t[v].doc < sd) sd = s->t[v].doc;
            }
            if (sd == DOC_END || x->status) {
                u->doc = DOC_END;
                return;
            }
            if (sd == d) {
                agreed++;
            } else {
                d = sd;
                agreed = 1;
            }
        }
        if (floor > 0) {
            u->doc = d;
            if (unit_score(x, u) * SLACK < floor) {
                *skipped = 1;
                d++;
                continue;
            }
        }
        if (phrase_at(x, u, d)) {
            u->doc = d;
            return;
        }
        if (x->status) {
            u->doc = DOC_END;
            return;
        }
        d++;
    }
}

static void phrase_seek(ctx *x, unit *u, int64_t target) {
    phrase_seek_floor(x, u, target, 0, NULL);
}

static void unit_seek(ctx *x, unit *u, int64_t target) {
    if (u->t) {
        term_seek(x, u->t, target);
        u->doc = u->t->doc;
    } else {
        phrase_seek(x, u, target);
    }
}

/* The unit's score at its current document. */
static double unit_score(const ctx *x, const unit *u) {
    if (u->t) return term_score(u->t, &x->st);
    double sum = 0;
    for (size_t i = 0; i < u->n_slots; i++) {
        double best = 0;
        for (size_t v = 0; v < u->slots[i].n; v++) {
            const term *t = &u->slots[i].t[v];
            if (t->doc != u->doc) continue;
            double sc = term_score(t, &x->st);
            if (sc > best) best = sc;
        }
        sum += best;
    }
    return sum;
}

/* ---- building the evaluation from the plan ---- */

/* Moves every unit of c that is before d to d or past it, through the
 * heap: only those are touched (a translated word has dozens of units, of
 * which a few move per candidate), each sinking to its place. */
static void clause_seek(ctx *x, clause *c, int64_t d) {
    while (clause_top(c) < d) {
        unit_seek(x, &c->u[c->heap[0]], d);
        if (c->n > 1) clause_sift(c, 0);
        clause_retop(c);
    }
}

static void unit_free(unit *u) {
    for (size_t s = 0; s < u->n_slots; s++) {
        for (size_t v = 0; v < u->slots[s].n; v++)
            term_close(&u->slots[s].t[v]);
        free(u->slots[s].t);
    }
    free(u->slots);
    if (u->t) {
        term_close(u->t);
        free(u->t);
    }
    free(u->pos[0]);
    free(u->pos[1]);
}

static void clauses_free(clause *cl, size_t n) {
    for (size_t c = 0; cl && c < n; c++) {
        for (size_t i = 0; i < cl[c].n; i++)
            unit_free(&cl[c].u[i]);
        free(cl[c].u);
        free(cl[c].heap);
    }
    free(cl);
}

/* Opens a variant's postings. *present is 0 when the term is not indexed
 * (a word as written still counts in the clause's weight, as an unmatched
 * word; a translation that is absent is no evidence of anything). */
static int open_term(ctx *x, const pl_variant *v, int positions, term *t, double *w_idf,
                     int *present) {
    memset(t, 0, sizeof *t);
    size_t len = strlen(v->term);
    t->df = pl_index_df(x->ix, v->term, len);
    t->idf = log(1.0 + (x->st.n_docs - (double)t->df + 0.5) / ((double)t->df + 0.5));
    t->weight = v->weight;
    *w_idf = t->idf * t->weight;
    *present = t->df > 0;
    if (!*present) {
        if (v->translated) *w_idf = 0;
        return PL_OK;
    }
    int rc;
    if (v->scoped && v->lang[0]) {
        char mark[PL_INDEX_LANG_TERM_MAX];
        size_t n = pl_index_lang_term(v->lang, mark);
        if ((rc = pl_postings_open(x->ix, mark, n, 0, &t->scope, x->err)) ||
            (rc =
                 pl_index_term_bits(x->ix, mark, n, &t->scope_bits, &t->scope_n, x->err))) {
            pl_postings_close(t->scope);
            t->scope = NULL;
            return rc;
        }
    }
    if ((rc = pl_postings_open(x->ix, v->term, len, positions, &t->p, x->err))) {
        pl_postings_close(t->scope);
        return rc;
    }
    uint32_t mtf, mratio;
    pl_postings_term_bound(t->p, &mtf, &mratio);
    t->ub = bm25_bound(t, mtf, mratio, &x->st);
    t->doc = DOC_START;
    t->blk_last = DOC_START;
    term_seek(x, t, DOC_START + 1);
    return x->status;
}

static int add_unit(clause *c, unit *u) {
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 8;
        unit *grown = realloc(c->u, cap * sizeof *grown);
        if (!grown) return PL_ERR_NOMEM;
        c->u = grown;
        c->cap = cap;
    }
    c->u[c->n++] = *u;
    return PL_OK;
}

/* A variant scores with no more IDF than its word has: a word is as
 * rare as its variants are together, their document frequencies summed,
 * each at its weight. A rare variant (the English word met as stray English
 * in a few Spanish pages, a rare translation) scores at most that IDF, a
 * common one its own (a phrase's words keep theirs). bench/xling:
 * recall@10 0.781 -> 0.787, MRR 0.576 -> 0.588, the English ceiling
 * unchanged (0.849); every variant at the word's IDF, the common ones raised
 * too: 0.786; at the rarest variant's: 0.765. */
static void cap_idf(ctx *x, clause *c, size_t first) {
    double df = 0, n = (double)x->st.n_docs;
    for (size_t k = first; k < c->n; k++)
        df += c->u[k].t->weight * (double)c->u[k].t->df;
    /* Variants share documents: their sum can pass the count of documents,
     * where the IDF would turn negative. */
    if (df > n) df = n;
    double idf = log(1.0 + (n - df + 0.5) / (df + 0.5));
    for (size_t k = first; k < c->n; k++) {
        term *t = c->u[k].t;
        if (t->idf <= idf) continue;
        t->idf = idf;
        uint32_t mtf, mratio;
        pl_postings_term_bound(t->p, &mtf, &mratio);
        c->u[k].ub = t->ub = bm25_bound(t, mtf, mratio, &x->st);
    }
}

/* A word alternative: one unit per indexed variant. *w: its IDF weight. */
static int build_word(ctx *x, const pl_slot *s, clause *c, double *w) {
    *w = 0;
    size_t first = c->n;
    for (size_t v = 0; v < s->n; v++) {
        term t;
        double wi;
        int present;
        int rc = open_term(x, &s->v[v], 0, &t, &wi, &present);
        if (rc) return rc;
        if (wi > *w) *w = wi;
        if (!present) continue;
        unit u = {0};
        if (!(u.t = malloc(sizeof *u.t))) {
            term_close(&t);
            return PL_ERR_NOMEM;
        }
        *u.t = t;
        u.doc = t.doc;
        u.ub = t.ub;
        u.w = wi;
        if (add_unit(c, &u)) {
            term_close(&t);
            free(u.t);
            return PL_ERR_NOMEM;
        }
    }
    /* A variant's match weighs toward coordination as the word's concept
     * does, the IDF of its strongest indexed variant, times the variant's
     * own weight; not with its own IDF. Else a rare variant, mostly the
     * word as written meeting a foreign text's stray English ("descriptor"
     * in an option name of a German page), makes the clause weigh far more
     * than its common translation (Deskriptor) can ever earn. */
    if (c->n > first) {
        double best = -1, idf = 0;
        for (size_t k = first; k < c->n; k++)
            if (c->u[k].w > best) best = c->u[k].w, idf = c->u[k].t->idf;
        for (size_t k = first; k < c->n; k++) {
            c->u[k].w = idf * c->u[k].t->weight;
            if (c->u[k].w > *w) *w = c->u[k].w;
        }
        cap_idf(x, c, first);
    }
    return PL_OK;
}

/* A phrase alternative: one unit, unless some word is not indexed at all. */
static int build_phrase(ctx *x, const pl_alt *a, clause *c, double *w) {
    *w = 0;
    unit u = {0};
    int rc = PL_OK, complete = 1;
    if (!(u.slots = calloc(a->n_slots, sizeof *u.slots))) return PL_ERR_NOMEM;
    u.n_slots = a->n_slots;
    for (size_t i = 0; i < a->n_slots && !rc; i++) {
        const pl_slot *ps = &a->slots[i];
        slot *s = &u.slots[i];
        double best = 0;
        if (ps->n && !(s->t = calloc(ps->n, sizeof *s->t))) {
            rc = PL_ERR_NOMEM;
            break;
        }
        for (size_t v = 0; v < ps->n && !rc; v++) {
            double wi;
            int present;
            rc = open_term(x, &ps->v[v], 1, &s->t[s->n], &wi, &present);
            if (wi > best) best = wi;
            if (!rc && present) {
                if (s->t[s->n].ub > s->ub) s->ub = s->t[s->n].ub;
                s->n++;
            }
        }
        *w += best;
        u.ub += s->ub;
        if (s->n == 0) complete = 0;
    }
    if (!rc && complete) {
        u.w = *w;
        u.doc = DOC_START;
        phrase_seek(x, &u, DOC_START + 1);
        rc = x->status;
        if (!rc && !(rc = add_unit(c, &u))) return PL_OK;
    }
    unit_free(&u); /* not added: no match is possible, or a failure */
    return rc;
}

static int build_clause(ctx *x, const pl_clause *pc, clause *c) {
    memset(c, 0, sizeof *c);
    for (size_t a = 0; a < pc->n_alts; a++) {
        const pl_alt *alt = &pc->alts[a];
        double w = 0;
        int rc = PL_OK;
        if (alt->n_slots == 1)
            rc = build_word(x, &alt->slots[0], c, &w);
        else if (alt->n_slots > 1)
            rc = build_phrase(x, alt, c, &w);
        if (rc) return rc;
        if (w > c->cw) c->cw = w;
    }
    for (size_t i = 0; i < c->n; i++) {
        if (c->u[i].ub > c->ub) c->ub = c->u[i].ub;
        if (c->u[i].t)
            c->df_sum += c->u[i].t->df;
        else
            c->df_sum += c->u[i].slots[0].n ? c->u[i].slots[0].t[0].df : 0;
    }
    if (!(c->heap = malloc((2 * c->n + 1) * sizeof *c->heap))) return PL_ERR_NOMEM;
    for (size_t i = 0; i < c->n; i++)
        c->heap[i] = i;
    return PL_OK;
}

/* ---- the k best ---- */

/* a ranks below b: lower score, or the same score and a higher id. */
static int worse(const pl_scored *a, const pl_scored *b) {
    return a->score < b->score || (a->score == b->score && a->doc > b->doc);
}

static void heap_down(pl_scored *h, size_t n, size_t i) {
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && worse(&h[l], &h[m])) m = l;
        if (r < n && worse(&h[r], &h[m])) m = r;
        if (m == i) return;
        pl_scored t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static void heap_up(pl_scored *h, size_t i) {
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!worse(&h[i], &h[p])) return;
        pl_scored t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

static int by_score(const void *a, const void *b) {
    const pl_scored *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return x->doc < y->doc ? -1 : x->doc > y->doc;
}

/* (sum of bounds) x weight share: the most a document can score. */
static double coord_bound(double s, double w, double total_w) {
    double coord = total_w > 0 ? w / total_w : 1.0;
    return s * coord;
}

/* ---- evaluation ---- */

typedef struct eval {
    ctx *x;
    clause *pos, *neg;
    size_t n_pos, n_neg;
    size_t *ord;    /* positive clauses by ascending bound */
    double *pre_ub; /* pre_ub[i]: sum of the bounds of ord[0..i) */
    double *pre_cw; /* the same for their weights */
    double total_w;
    size_t n_ne;     /* ord[0..n_ne) are non-essential */
    int single;      /* one positive clause: see clause_at */
    int done;        /* no document can enter the results any more */
    double other_ub; /* sum of all positive clauses' bounds */
} eval;

static int excluded(eval *e, int64_t d) {
    for (size_t c = 0; c < e->n_neg; c++)
        for (size_t i = 0; i < e->neg[c].n; i++) {
            unit_seek(e->x, &e->neg[c].u[i], d);
            if (e->neg[c].u[i].doc == d) return 1;
        }
    return 0;
}

/* The best score of clause c's units that are at d (0 when none matched,
 * *hit then 0): the same max-then-sum as a full evaluation; *w gets the
 * coordination weight of the unit that scores it (the greater on a tie).
 * Not the greatest among them: a unit passes over blocks where its own score
 * cannot reach the results, and its weight must not be missed there. */
static double clause_at(eval *e, clause *c, int64_t d, int *hit, double *w) {
    double best = 0, best_key = 0;
    *hit = 0;
    *w = 0;
    if (clause_top(c) != d) return 0;
    if (c->n == 1) { /* the common case: a word with one indexed form */
        *hit = 1;
        *w = c->u[0].w;
        return unit_score(e->x, &c->u[0]);
    }
    /* The units at d are the heap's top region: walk it, and no further. */
    size_t *stack = c->heap + c->n, top = 0;
    stack[top++] = 0;
    while (top) {
        size_t i = stack[--top];
        const unit *u = &c->u[c->heap[i]];
        if (u->doc != d) continue;
        *hit = 1;
        double sc = unit_score(e->x, u);
        /* Alone in the query, a clause is the document's score: its unit
         * with the best score x weight decides, so that each unit's
         * blocks are bounded by its own weight (see the moving loop). */
        double key = e->single ? sc * u->w : sc;
        if (key > best_key || (key == best_key && u->w > *w))
            best = sc, best_key = key, *w = u->w;
        if (2 * i + 1 < c->n) stack[top++] = 2 * i + 1;
        if (2 * i + 2 < c->n) stack[top++] = 2 * i + 2;
    }
    return best;
}

/* After the k-th score rose to theta: the longest prefix of ord whose
 * clauses together cannot reach it. */
static void update_essential(eval *e, double theta) {
    size_t n = 0;
    while (n < e->n_pos &&
           coord_bound(e->pre_ub[n + 1], e->pre_cw[n + 1], e->total_w) * SLACK < theta)
        n++;
    e->n_ne = n < e->n_pos ? n : e->n_pos - 1;
    e->done = n == e->n_pos;
}

int pl_score(pl_index *ix, const pl_plan *plan, size_t k, pl_scored **out, size_t *n,
             uint64_t *total, int *exact, pl_err *err) {
    *out = NULL;
    *n = 0;
    *total = 0;
    *exact = 1;
    pl_index_stats is;
    pl_index_get_stats(ix, &is);
    if (is.docs == 0 || k == 0) return PL_OK;
    ctx x = {ix,
             {(double)is.docs, is.total_len ? (double)is.total_len / (double)is.docs : 1.0},
             err,
             PL_OK,
             NULL,
             0,
             0};
    eval e = {&x, NULL, NULL, 0, 0, NULL, NULL, NULL, 0, 0, 0, 0, 0};
    size_t n_pos = 0, n_neg = 0;
    for (size_t c = 0; c < plan->n_clauses; c++)
        plan->clauses[c].excluded ? n_neg++ : n_pos++;
    e.pos = calloc(n_pos ? n_pos : 1, sizeof *e.pos);
    e.neg = calloc(n_neg ? n_neg : 1, sizeof *e.neg);
    e.ord = calloc(n_pos + 1, sizeof *e.ord);
    e.pre_ub = calloc(n_pos + 1, sizeof *e.pre_ub);
    e.pre_cw = calloc(n_pos + 1, sizeof *e.pre_cw);
    double *cs = calloc(n_pos + 1, sizeof *cs);
    double *cm = calloc(n_pos + 1, sizeof *cm); /* the weight each clause's match brings */
    int *hit = calloc(n_pos + 1, sizeof *hit);
    pl_scored *heap = NULL;
    size_t nh = 0;
    int rc = (!e.pos || !e.neg || !e.ord || !e.pre_ub || !e.pre_cw || !cs || !cm || !hit)
                 ? PL_ERR_NOMEM
                 : PL_OK;
    for (size_t c = 0; c < plan->n_clauses && !rc; c++) {
        const pl_clause *pc = &plan->clauses[c];
        clause *into = pc->excluded ? &e.neg[e.n_neg++] : &e.pos[e.n_pos++];
        rc = build_clause(&x, pc, into);
        into->req = pc->required;
        if (!pc->excluded) e.total_w += into->cw;
    }
    e.single = e.n_pos == 1;
    if (rc) goto done;

    /* Clauses by ascending bound: the cheapest to leave out come first.
     * When some clauses are required, those come last, by descending
     * frequency: the rarest alone proposes candidates (every result has
     * it), the others are sought to them (a leapfrog intersection by
     * skips), required ones before optional ones, so that a document
     * lacking one is dropped before the optional ones are read. */
    int any_req = 0;
    for (size_t i = 0; i < e.n_pos; i++)
        any_req |= e.pos[i].req;
    for (size_t i = 0; i < e.n_pos; i++) {
        size_t j = i;
        while (j > 0) {
            const clause *a = &e.pos[e.ord[j - 1]], *b = &e.pos[i];
            int after = a->req != b->req ? a->req
                        : a->req         ? a->df_sum < b->df_sum
                                         : a->ub > b->ub;
            if (!after) break;
            e.ord[j] = e.ord[j - 1];
            j--;
        }
        e.ord[j] = i;
    }
    for (size_t i = 0; i < e.n_pos; i++) {
        e.pre_ub[i + 1] = e.pre_ub[i] + e.pos[e.ord[i]].ub;
        e.pre_cw[i + 1] = e.pre_cw[i] + e.pos[e.ord[i]].cw;
        e.other_ub += e.pos[i].ub;
    }
    uint64_t est = 0; /* documents matching some (the required) clauses, if independent */
    {
        double miss = 1.0, both = 1.0;
        for (size_t i = 0; i < e.n_pos; i++) {
            double p = (double)e.pos[i].df_sum / x.st.n_docs;
            if (p > 1) p = 1;
            miss *= 1 - p;
            if (e.pos[i].req) both *= p;
        }
        est = (uint64_t)(x.st.n_docs * (any_req ? both : 1 - miss) + 0.5);
    }
    if (!(heap = malloc(k * sizeof *heap))) {
        rc = PL_ERR_NOMEM;
        goto done;
    }
    uint64_t seen = 0;
    int pruned = 0;
    double theta = -INFINITY;
    size_t min_ne = any_req && e.n_pos ? e.n_pos - 1 : 0;
    e.n_ne = min_ne;
    for (size_t i = 0; i < e.n_pos; i++)
        clause_heapify(&e.pos[i]);
    for (;;) {
        int64_t d = DOC_END;
        for (size_t i = e.n_ne; i < e.n_pos; i++)
            if (clause_top(&e.pos[e.ord[i]]) < d) d = clause_top(&e.pos[e.ord[i]]);
        if (d == DOC_END || x.status) break;
        if (e.done) {
            pruned = 1;
            break;
        }

        int64_t next = d + 1; /* where the next candidate can be, at the earliest */
        /* The required clauses that propose no candidates are sought to
         * this one first, before any score or bound is computed: two common
         * words ANDed meet at few of their documents, and a candidate one
         * of them lacks then costs nothing more (the scoring below finds
         * them already there). */
        int absent = 0;
        for (size_t i = e.n_ne; any_req && i-- > 0 && !absent;) {
            clause *req = &e.pos[e.ord[i]];
            if (!req->req) break; /* required clauses come last in ord */
            clause_seek(&x, req, d);
            if (clause_top(req) != d) {
                absent = 1;
                if (clause_top(req) > next) next = clause_top(req);
            }
        }
        if (!absent && (!e.n_neg || !excluded(&e, d))) {
            seen++;
            double s = 0, w = 0;
            for (size_t i = e.n_ne; i < e.n_pos; i++) {
                size_t c = e.ord[i];
                cs[c] = clause_at(&e, &e.pos[c], d, &hit[c], &cm[c]);
                if (hit[c]) s += cs[c], w += cm[c];
            }
            int hopeless = 0, missing = 0;
            for (size_t i = e.n_ne; i-- > 0;) {
                if (nh == k &&
                    coord_bound(s + e.pre_ub[i + 1], w + e.pre_cw[i + 1], e.total_w) *
                            SLACK <
                        theta) {
                    hopeless = 1;
                    break;
                }
                size_t c = e.ord[i];
                clause_seek(&x, &e.pos[c], d);
                cs[c] = clause_at(&e, &e.pos[c], d, &hit[c], &cm[c]);
                if (hit[c]) s += cs[c], w += cm[c];
                if (e.pos[c].req && !hit[c]) {
                    /* No document before its next one has it either: the
                     * next candidate is there at the earliest (leapfrog). */
                    if (clause_top(&e.pos[c]) > next) next = clause_top(&e.pos[c]);
                    missing = 1;
                    break;
                }
            }
            if (any_req && !missing && !hopeless)
                for (size_t i = e.n_ne; i < e.n_pos; i++)
                    missing |= e.pos[e.ord[i]].req && !hit[e.ord[i]];
            if (hopeless) pruned = 1;
            if (missing) seen--;
            if (!hopeless && !missing) {
                /* Summed in clause order, as a full evaluation would. */
                double sum = 0, mw = 0;
                for (size_t c = 0; c < e.n_pos; c++)
                    if (hit[c]) sum += cs[c], mw += cm[c];
                double coord = e.total_w > 0 ? mw / e.total_w : 1.0;
                pl_scored cand = {d, sum * coord};
                if (nh < k) {
                    heap[nh] = cand;
                    heap_up(heap, nh++);
                } else if (worse(&heap[0], &cand)) {
                    heap[0] = cand;
                    heap_down(heap, nh, 0);
                }
                if (nh == k && heap[0].score > theta) {
                    theta = heap[0].score;
                    update_essential(&e, theta);
                    if (e.n_ne < min_ne) e.n_ne = min_ne;
                    if (e.n_ne > min_ne || e.done) pruned = 1;
                }
            }
            for (size_t i = 0; i < e.n_ne; i++)
                hit[e.ord[i]] = 0;
        }
        /* Move the essential units to the next candidate; once the results
         * are full, a word passes over blocks that cannot reach them. */
        for (size_t i = e.n_ne; i < e.n_pos; i++) {
            clause *c = &e.pos[e.ord[i]];
            hit[e.ord[i]] = 0;
            if (clause_top(c) >= next) continue;
            double floor = theta - (e.other_ub - c->ub);
            /* Each unit before it moves there and sinks to its place. */
            while (clause_top(c) < next) {
                unit *u = &c->u[c->heap[0]];
                /* A lone clause's document scores at most a unit's block
                 * bound x its weight / the query's: the unit passes
                 * over blocks whose bound falls short of theta scaled back.
                 * (A word OR a common word: the common word's blocks.) */
                double fl = floor;
                if (e.single && e.total_w > 0 && nh == k && floor > 0)
                    fl = u->w > 0 ? theta * e.total_w / u->w : INFINITY;
                if (u->t && nh == k && floor > 0) {
                    term_seek_competitive(&x, u->t, next, fl, &pruned);
                    u->doc = u->t->doc;
                } else if (!u->t && nh == k && floor > 0) {
                    phrase_seek_floor(&x, u, next, fl, &pruned);
                } else {
                    unit_seek(&x, u, next);
                }
                if (c->n > 1) clause_sift(c, 0);
                clause_retop(c);
            }
        }
    }
    rc = x.status;
    if (!rc) {
        qsort(heap, nh, sizeof *heap, by_score);
        *out = heap;
        *n = nh;
        heap = NULL;
        *exact = !pruned;
        *total = pruned && est > seen ? est : seen;
    }
done:
    if (rc == PL_ERR_NOMEM)
        rc = pl_err_set(err, rc, "scoring: out of memory");
    else if (rc)
        rc = pl_err_set(err, rc, "reading the index: %s", pl_strerror(rc));
    free(heap);
    clauses_free(e.pos, e.n_pos);
    clauses_free(e.neg, e.n_neg);
    free(e.ord);
    free(e.pre_ub);
    free(e.pre_cw);
    free(cs);
    free(cm);
    free(hit);
    return rc;
}
