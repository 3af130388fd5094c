/*
 * test_search.c - the ranked evaluator against references.
 *
 * A random corpus (fixed seed, skewed term frequencies so that common terms
 * span many postings blocks; each document in one of three languages, named
 * by its language term) is indexed in several commits with deletes and
 * merges. Then random plans - words with weighted variants, some scoped to a
 * language as translations are, phrases, OR, exclusions, AND - are ranked
 * by pl_score at several depths and compared
 * with a brute-force evaluation of the same formula over every document: the
 * same documents in the same order with the same scores, and the same total
 * whenever pl_score says its total is exact. AND and phrase queries are also
 * compared with SQLite FTS5 fed the same tokens as text. The index passes
 * pl_index_verify after every commit.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "index/index.h"
#include "search/search.h"
#include "util/sort.h"

#define N_DOCS 3000
#define VOCAB 400
#define MAX_LEN 80

typedef struct mdoc {
    int64_t id;
    int live;
    uint32_t n;
    uint16_t tok[MAX_LEN]; /* term numbers by position */
    const char *lang;      /* one of LANGS, named by the document's language term */
} mdoc;

/* Documents' languages; a scoped variant may also name "es", which none is. */
static const char *const LANGS[] = {"de", "fr", "it"};

static mdoc docs[N_DOCS];
static size_t n_docs;

static void term_name(unsigned t, char *out) {
    snprintf(out, 16, "t%u", t);
}

/* Skewed: low term numbers are common (some in most documents). */
static unsigned pick_term(void) {
    double u = (double)rnd_below(1u << 20) / (1u << 20);
    return (unsigned)(VOCAB * u * u * u);
}

static void build_index(pl_index *ix) {
    pl_err err = PL_ERR_INIT;
    int64_t id = 0;
    for (int commit = 0; commit < 7; commit++) {
        pl_index_writer *w;
        CHECK_INT(pl_index_begin(ix, &w, &err), PL_OK);
        size_t add = commit == 6 ? N_DOCS - n_docs : N_DOCS / 8 + rnd_below(100);
        for (size_t i = 0; i < add && n_docs < N_DOCS; i++) {
            mdoc *d = &docs[n_docs++];
            id += 1 + rnd_below(3);
            d->id = id;
            d->live = 1;
            d->n = rnd_below(4) == 0 ? rnd_below(6) : 5 + rnd_below(MAX_LEN - 5);
            /* Most documents in one language, as a catalog's often are. */
            d->lang = LANGS[rnd_below(4) ? 0 : 1 + rnd_below(2)];
            pl_index_token toks[MAX_LEN + 1];
            char names[MAX_LEN][16], mark[PL_INDEX_LANG_TERM_MAX];
            for (uint32_t p = 0; p < d->n; p++) {
                d->tok[p] = (uint16_t)pick_term();
                /* Repeats make tf > 1 common, like a text's key words. */
                if (p > 2 && rnd_below(5) == 0) d->tok[p] = d->tok[p - 2];
                term_name(d->tok[p], names[p]);
                toks[p] = (pl_index_token){names[p], (uint32_t)strlen(names[p]), p};
            }
            /* The language term, as the indexer adds it (core/db.c). */
            toks[d->n] =
                (pl_index_token){mark, (uint32_t)pl_index_lang_term(d->lang, mark), 0};
            CHECK_INT(pl_index_add(w, d->id, toks, d->n + 1, &err), PL_OK);
        }
        /* Delete a few earlier documents (some of this writer's too). */
        for (int k = 0; k < 40 && n_docs; k++) {
            mdoc *d = &docs[rnd_below((uint32_t)n_docs)];
            if (!d->live) continue;
            d->live = 0;
            CHECK_INT(pl_index_delete(w, d->id, &err), PL_OK);
        }
        CHECK_INT(pl_index_commit(w, (uint64_t)commit + 1, &err), PL_OK);
        CHECK_INT(pl_index_verify(ix, &err), PL_OK);
    }
}

/* ---- the reference: every document, the formula as documented ---- */

/* The term number of "t<n>"; -1 for the absent terms. */
static long term_num(const char *term) {
    return term[0] == 't' ? strtol(term + 1, NULL, 10) : -1;
}

/* A document's length as the index counts it: its words and its language
 * term. */
static uint32_t doc_len(const mdoc *d) {
    return d->n + 1;
}

static uint32_t tf_of(const mdoc *d, const char *term) {
    uint32_t tf = 0;
    long t = term_num(term);
    for (uint32_t p = 0; p < d->n; p++)
        tf += d->tok[p] == t;
    return tf;
}

static int term_at(const mdoc *d, uint32_t pos, const pl_slot *s) {
    if (pos >= d->n) return 0;
    for (size_t v = 0; v < s->n; v++)
        if (d->tok[pos] == term_num(s->v[v].term)) return 1;
    return 0;
}

typedef struct ref_stats {
    double n, avgdl;
} ref_stats;

/* IDFs of one plan's terms, looked up once (a plan has a few dozen). */
static struct {
    const char *term;
    double idf;
} idf_cache[64];
static size_t n_idf_cache;

static double ref_idf(pl_index *ix, const ref_stats *st, const char *term) {
    for (size_t i = 0; i < n_idf_cache; i++)
        if (idf_cache[i].term == term) return idf_cache[i].idf;
    double df = (double)pl_index_df(ix, term, strlen(term));
    double idf = log(1.0 + (st->n - df + 0.5) / (df + 0.5));
    if (n_idf_cache < 64) idf_cache[n_idf_cache++] = (typeof(idf_cache[0])){term, idf};
    return idf;
}

static double ref_bm25(double idf, uint32_t tf, uint32_t dl, const ref_stats *st) {
    double norm = 1.2 * (1.0 - 0.75 + 0.75 * (double)dl / st->avgdl);
    return idf * (double)tf * (1.2 + 1.0) / ((double)tf + norm);
}

/* A word's concept IDF: that of its indexed variant of the greatest IDF
 * weight (0 when none is indexed). */
static double ref_concept_idf(pl_index *ix, const ref_stats *st, const pl_slot *s) {
    double best = -1, idf = 0;
    for (size_t v = 0; v < s->n; v++) {
        if (pl_index_df(ix, s->v[v].term, strlen(s->v[v].term)) == 0) continue;
        double x = ref_idf(ix, st, s->v[v].term) * s->v[v].weight;
        if (x > best) best = x, idf = ref_idf(ix, st, s->v[v].term);
    }
    return idf;
}

/* The most IDF a variant of the word scores with: the word's own, from its
 * indexed variants' document frequencies summed at their weights. */
static double ref_word_idf(pl_index *ix, const ref_stats *st, const pl_slot *s) {
    double df = 0;
    for (size_t v = 0; v < s->n; v++)
        df += s->v[v].weight * (double)pl_index_df(ix, s->v[v].term, strlen(s->v[v].term));
    df = fmin(df, st->n);
    return log(1.0 + (st->n - df + 0.5) / (df + 0.5));
}

/* The best variant of a word in d (0 and *hit 0 when none is there); *w
 * gets that variant's weight toward coordination (the greater on a tie):
 * the word's concept IDF times the variant's weight. Best: by score, or
 * when the query has one positive clause (`single`), by score x weight,
 * which is then the document's score up to a constant. A word alone scores
 * at most its word's IDF (ref_word_idf); a phrase's words, their own. */
static double ref_slot(pl_index *ix, const ref_stats *st, const mdoc *d, const pl_slot *s,
                       int single, int in_phrase, int *hit, double *w) {
    double best = 0, best_key = 0;
    *hit = 0;
    *w = 0;
    for (size_t v = 0; v < s->n; v++) {
        uint32_t tf = tf_of(d, s->v[v].term);
        /* A scoped variant matches only documents in its language. */
        if (!tf || (s->v[v].scoped && strcmp(s->v[v].lang, d->lang) != 0)) continue;
        *hit = 1;
        double idf = ref_idf(ix, st, s->v[v].term);
        if (!in_phrase) idf = fmin(idf, ref_word_idf(ix, st, s));
        double sc = s->v[v].weight * ref_bm25(idf, tf, doc_len(d), st);
        double x = ref_concept_idf(ix, st, s) * s->v[v].weight;
        double key = single ? sc * x : sc;
        if (key > best_key || (key == best_key && x > *w))
            best = sc, best_key = key, *w = x;
    }
    return best;
}

static double ref_alt_weight(pl_index *ix, const ref_stats *st, const pl_alt *a);

/* An alternative's score in d; *w: the IDF weight its match brings (a
 * word: its best variant there; a phrase: its full weight). */
static double ref_alt(pl_index *ix, const ref_stats *st, const mdoc *d, const pl_alt *a,
                      int single, int *hit, double *w) {
    *hit = 0;
    *w = 0;
    if (a->n_slots == 0) return 0;
    if (a->n_slots == 1) return ref_slot(ix, st, d, &a->slots[0], single, 0, hit, w);
    double unused;
    double sum = 0;
    for (size_t i = 0; i < a->n_slots; i++) {
        int h;
        sum += ref_slot(ix, st, d, &a->slots[i], 0, 1, &h, &unused);
        if (!h) return 0;
    }
    for (uint32_t p = 0; p < d->n; p++) {
        size_t j = 0;
        while (j < a->n_slots && term_at(d, p + (uint32_t)j, &a->slots[j]))
            j++;
        if (j == a->n_slots) {
            *hit = 1;
            *w = ref_alt_weight(ix, st, a);
            return sum;
        }
    }
    return 0;
}

static double ref_alt_weight(pl_index *ix, const ref_stats *st, const pl_alt *a) {
    double w = 0;
    for (size_t i = 0; i < a->n_slots; i++) {
        double best = 0;
        const pl_slot *s = &a->slots[i];
        for (size_t v = 0; v < s->n; v++) {
            double x = ref_idf(ix, st, s->v[v].term) * s->v[v].weight;
            if (x > best) best = x;
            /* A word's indexed variants at its concept IDF. */
            if (a->n_slots == 1 && pl_index_df(ix, s->v[v].term, strlen(s->v[v].term)) &&
                (x = ref_concept_idf(ix, st, s) * s->v[v].weight) > best)
                best = x;
        }
        w += best;
    }
    return w;
}

static double ref_weight(pl_index *ix, const ref_stats *st, const pl_clause *c) {
    double cw = 0;
    for (size_t a = 0; a < c->n_alts; a++) {
        double w = ref_alt_weight(ix, st, &c->alts[a]);
        if (w > cw) cw = w;
    }
    return cw;
}

static int by_score(const void *a, const void *b) {
    const pl_scored *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return x->doc < y->doc ? -1 : x->doc > y->doc;
}

static size_t reference(pl_index *ix, const pl_plan *plan, pl_scored *out) {
    pl_index_stats is;
    pl_index_get_stats(ix, &is);
    ref_stats st = {(double)is.docs, (double)is.total_len / (double)is.docs};
    n_idf_cache = 0;
    double total_w = 0;
    int n_pos = 0;
    for (size_t c = 0; c < plan->n_clauses; c++)
        if (!plan->clauses[c].excluded) {
            total_w += ref_weight(ix, &st, &plan->clauses[c]);
            n_pos++;
        }
    int single = n_pos == 1;
    size_t n = 0;
    for (size_t i = 0; i < n_docs; i++) {
        const mdoc *d = &docs[i];
        if (!d->live) continue;
        double a = 0, b = 0;
        int any = 0, all = 1, out_ = 0;
        for (size_t c = 0; c < plan->n_clauses; c++) {
            const pl_clause *cl = &plan->clauses[c];
            double best = 0, bw = 0, best_key = 0;
            int hit = 0;
            int one = single && !cl->excluded;
            for (size_t k = 0; k < cl->n_alts; k++) {
                int h;
                double w;
                double s = ref_alt(ix, &st, d, &cl->alts[k], one, &h, &w);
                /* The clause's score and coordination weight come from its
                 * best-scoring alternative (the greater weight on a tie);
                 * alone, from the best by score x weight. */
                double key = one ? s * w : s;
                if (h && (!hit || key > best_key || (key == best_key && w > bw)))
                    best = s, bw = w, best_key = key;
                if (h) hit = 1;
            }
            if (cl->excluded) {
                out_ |= hit;
            } else if (hit) {
                any = 1;
                a += best;
                b += bw;
            } else if (cl->required) {
                all = 0;
            }
        }
        if (!any || out_ || !all) continue;
        double coord = total_w > 0 ? b / total_w : 1.0;
        out[n++] = (pl_scored){d->id, a * coord};
    }
    qsort(out, n, sizeof *out, by_score);
    return n;
}

/* ---- random plans ---- */

static char *random_term(void) {
    char name[16];
    if (rnd_below(12) == 0)
        snprintf(name, sizeof name, "absent%u", rnd_below(5));
    else
        term_name(rnd_below(3) == 0 ? rnd_below(8) : pick_term(), name);
    return strdup(name);
}

static void random_slot(pl_slot *s) {
    static const double weights[] = {1.0, 0.7, 0.6, 0.85};
    s->n = 1 + rnd_below(3);
    s->v = calloc(s->n, sizeof *s->v);
    for (size_t v = 0; v < s->n; v++) {
        s->v[v].term = random_term();
        s->v[v].weight = weights[rnd_below(4)];
        /* Some are translations, found only in their language's documents;
         * "es" is no document's. */
        if (rnd_below(3) == 0) {
            static const char *const scopes[] = {"de", "fr", "it", "es"};
            s->v[v].scoped = 1;
            snprintf(s->v[v].lang, sizeof s->v[v].lang, "%s", scopes[rnd_below(4)]);
        }
    }
}

/* A phrase made of a real document's consecutive terms, so that it matches. */
static void phrase_from_doc(pl_alt *a) {
    const mdoc *d;
    do
        d = &docs[rnd_below((uint32_t)n_docs)];
    while (d->n < 4);
    a->n_slots = 2 + rnd_below(2);
    a->slots = calloc(a->n_slots, sizeof *a->slots);
    uint32_t at = rnd_below(d->n - (uint32_t)a->n_slots + 1);
    for (size_t i = 0; i < a->n_slots; i++) {
        pl_slot *s = &a->slots[i];
        s->n = 1 + (rnd_below(3) == 0);
        s->v = calloc(s->n, sizeof *s->v);
        char name[16];
        term_name(d->tok[at + i], name);
        s->v[0].term = strdup(name);
        s->v[0].weight = 1.0;
        if (s->n == 2) {
            s->v[1].term = random_term();
            s->v[1].weight = 0.6;
        }
    }
}

/* required: 0 no clause required, 1 every positive one (AND), 2 some. */
static void random_plan(pl_plan *p, int required) {
    memset(p, 0, sizeof *p);
    p->n_clauses = 1 + rnd_below(4);
    p->clauses = calloc(p->n_clauses, sizeof *p->clauses);
    for (size_t c = 0; c < p->n_clauses; c++) {
        pl_clause *cl = &p->clauses[c];
        cl->excluded = c > 0 && required != 1 && rnd_below(6) == 0;
        cl->required = !cl->excluded && (required == 1 || (required == 2 && rnd_below(2)));
        cl->n_alts = 1 + (rnd_below(4) == 0);
        cl->alts = calloc(cl->n_alts, sizeof *cl->alts);
        for (size_t a = 0; a < cl->n_alts; a++) {
            if (rnd_below(5) == 0) {
                phrase_from_doc(&cl->alts[a]);
            } else {
                cl->alts[a].n_slots = 1;
                cl->alts[a].slots = calloc(1, sizeof *cl->alts[a].slots);
                random_slot(&cl->alts[a].slots[0]);
            }
        }
    }
}

static int compare_plan(pl_index *ix, const pl_plan *plan, pl_scored *want, size_t n_want,
                        size_t k, int label) {
    pl_err err = PL_ERR_INIT;
    pl_scored *got;
    size_t n;
    uint64_t total;
    int exact;
    if (pl_score(ix, plan, k, &got, &n, &total, &exact, &err) != PL_OK) {
        fprintf(stderr, "plan %d: pl_score failed: %s\n", label, err.msg);
        return 1;
    }
    size_t expect = n_want < k ? n_want : k;
    int bad = n != expect;
    /* Scores are positive: a word's IDF from its variants' summed document
     * frequencies must not turn negative where they pass the count. */
    for (size_t i = 0; !bad && i < n; i++)
        bad = got[i].doc != want[i].doc || !(got[i].score > 0) ||
              fabs(got[i].score - want[i].score) > 1e-9 * (1 + fabs(want[i].score));
    if (exact ? total != n_want : total < n) bad = 1;
    if (bad) {
        fprintf(stderr,
                "plan %d, k %zu: got %zu results (total %llu, exact %d), want %zu"
                " (total %zu)\n",
                label, k, n, (unsigned long long)total, exact, expect, n_want);
        for (size_t i = 0; i < 5 && (i < n || i < expect); i++)
            fprintf(stderr, "  %zu: got %lld %.9f want %lld %.9f\n", i,
                    i < n ? (long long)got[i].doc : -1LL, i < n ? got[i].score : 0,
                    i < expect ? (long long)want[i].doc : -1LL,
                    i < expect ? want[i].score : 0);
    }
    free(got);
    return bad;
}

static void test_against_reference(pl_index *ix) {
    pl_scored *want = malloc(N_DOCS * sizeof *want);
    int failed = 0, pruned_some = 0;
    for (int i = 0; i < 400 && failed < 5; i++) {
        pl_plan plan;
        random_plan(&plan, i % 4 == 3 ? 1 : i % 4 == 2 ? 2 : 0);
        size_t n = reference(ix, &plan, want);
        static const size_t ks[] = {1, 3, 10, 50, N_DOCS};
        for (size_t j = 0; j < sizeof ks / sizeof ks[0]; j++) {
            int bad = compare_plan(ix, &plan, want, n, ks[j], i);
            CHECK(!bad);
            failed += bad;
        }
        pl_scored *got;
        size_t m;
        uint64_t total;
        int exact;
        pl_err err = PL_ERR_INIT;
        if (pl_score(ix, &plan, 3, &got, &m, &total, &exact, &err) == PL_OK) {
            pruned_some += !exact;
            free(got);
        }
        pl_plan_free(&plan);
    }
    /* The pruning paths must really have been taken. */
    CHECK(pruned_some > 20);
    free(want);
}

/* ---- FTS5 on the same tokens ---- */

static void add_word_clause(pl_plan *p, const char *term) {
    pl_clause *cl = &p->clauses[p->n_clauses++];
    cl->n_alts = 1;
    cl->alts = calloc(1, sizeof *cl->alts);
    cl->alts[0].n_slots = 1;
    cl->alts[0].slots = calloc(1, sizeof *cl->alts[0].slots);
    cl->alts[0].slots[0].n = 1;
    cl->alts[0].slots[0].v = calloc(1, sizeof *cl->alts[0].slots[0].v);
    cl->alts[0].slots[0].v[0].term = strdup(term);
    cl->alts[0].slots[0].v[0].weight = 1.0;
}

/* Compares the documents of plan with those of an FTS5 MATCH expression. */
static void compare_fts(pl_index *ix, sqlite3 *db, const pl_plan *plan, const char *match) {
    pl_err err = PL_ERR_INIT;
    pl_scored *got;
    size_t n;
    uint64_t total;
    int exact;
    CHECK_INT(pl_score(ix, plan, N_DOCS, &got, &n, &total, &exact, &err), PL_OK);
    int64_t *ids = malloc((n + 1) * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = got[i].doc;
    qsort(ids, n, sizeof *ids, pl_cmp_i64);
    sqlite3_stmt *st;
    CHECK_INT(sqlite3_prepare_v2(db, "SELECT rowid FROM f WHERE f MATCH ? ORDER BY rowid",
                                 -1, &st, NULL),
              SQLITE_OK);
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    size_t k = 0;
    int same = 1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        if (k >= n || ids[k] != id) same = 0;
        k++;
    }
    sqlite3_finalize(st);
    if (!same || k != n || total != n || !exact)
        fprintf(stderr, "%s: plotline %zu documents (total %llu), FTS5 %zu\n", match, n,
                (unsigned long long)total, k);
    CHECK(same && k == n && total == n && exact);
    free(ids);
    free(got);
}

static void test_against_fts5(pl_index *ix) {
    sqlite3 *db;
    CHECK_INT(sqlite3_open(":memory:", &db), SQLITE_OK);
    CHECK_INT(sqlite3_exec(db,
                           "CREATE VIRTUAL TABLE f USING fts5(body, tokenize='unicode61')",
                           NULL, NULL, NULL),
              SQLITE_OK);
    sqlite3_stmt *ins;
    CHECK_INT(
        sqlite3_prepare_v2(db, "INSERT INTO f(rowid, body) VALUES (?, ?)", -1, &ins, NULL),
        SQLITE_OK);
    char text[MAX_LEN * 16];
    for (size_t i = 0; i < n_docs; i++) {
        if (!docs[i].live) continue;
        size_t len = 0;
        for (uint32_t p = 0; p < docs[i].n; p++) {
            char name[16];
            term_name(docs[i].tok[p], name);
            len += (size_t)sprintf(text + len, "%s%s", p ? " " : "", name);
        }
        text[len] = 0;
        sqlite3_bind_int64(ins, 1, docs[i].id);
        sqlite3_bind_text(ins, 2, text, (int)len, SQLITE_STATIC);
        CHECK_INT(sqlite3_step(ins), SQLITE_DONE);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    for (int i = 0; i < 60; i++) {
        /* AND of two or three words, common and rare alike. */
        pl_plan plan;
        memset(&plan, 0, sizeof plan);
        size_t words = 2 + (i % 3 == 0);
        plan.clauses = calloc(words, sizeof *plan.clauses);
        char match[128] = "";
        for (size_t w = 0; w < words; w++) {
            char name[16];
            term_name(i % 2 ? rnd_below(10) : pick_term(), name);
            add_word_clause(&plan, name);
            plan.clauses[plan.n_clauses - 1].required = 1;
            snprintf(match + strlen(match), sizeof match - strlen(match), "%s%s",
                     w ? " AND " : "", name);
        }
        compare_fts(ix, db, &plan, match);
        pl_plan_free(&plan);

        /* A phrase of two words. */
        memset(&plan, 0, sizeof plan);
        plan.n_clauses = 1;
        plan.clauses = calloc(1, sizeof *plan.clauses);
        plan.clauses[0].n_alts = 1;
        plan.clauses[0].alts = calloc(1, sizeof *plan.clauses[0].alts);
        pl_alt *a = &plan.clauses[0].alts[0];
        a->n_slots = 2;
        a->slots = calloc(2, sizeof *a->slots);
        char t1[16], t2[16];
        term_name(rnd_below(30), t1);
        term_name(rnd_below(30), t2);
        const char *ts[2] = {t1, t2};
        for (int s = 0; s < 2; s++) {
            a->slots[s].n = 1;
            a->slots[s].v = calloc(1, sizeof *a->slots[s].v);
            a->slots[s].v[0].term = strdup(ts[s]);
            a->slots[s].v[0].weight = 1.0;
        }
        snprintf(match, sizeof match, "\"%s %s\"", t1, t2);
        compare_fts(ix, db, &plan, match);
        pl_plan_free(&plan);
    }
    sqlite3_close(db);
}

int main(void) {
    check_rng_state = 0x2545f4914f6cdd1dull; /* the seed its expectations were drawn with */
    char dir[] = "/tmp/plotline-test-search-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char ixdir[300];
    snprintf(ixdir, sizeof ixdir, "%s/idx", dir);
    pl_index *ix;
    pl_err err = PL_ERR_INIT;
    CHECK_INT(pl_index_open(ixdir, 0, &ix, &err), PL_OK);
    build_index(ix);
    pl_index_stats st;
    pl_index_get_stats(ix, &st);
    CHECK(st.segments > 1);
    test_against_reference(ix);
    test_against_fts5(ix);
    pl_index_close(ix);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    printf("%d checks, %d failed\n", check_count, check_failures);
    return check_failures != 0;
}
