/*
 * plan.c - analyzing a query under its likely languages.
 *
 * Queries are short, and short texts are where language identification is
 * least sure, so a query is never given a single language: it is analyzed
 * under the identifier's best candidates and the catalog's own languages,
 * and each resulting term keeps the weight of the likeliest language that
 * produced it. A wrong language costs little: its stem is usually absent
 * from the index or identical to the right one.
 */
#include <stdlib.h>
#include <string.h>

#include "search.h"

#define MAX_LANGS 8
#define CATALOG_LANGS 6 /* the catalog's most common languages considered */

static void add_lang(pl_plan *p, const char *lang, double w) {
    char base[PL_LANG_MAX];
    pl_base_lang(lang, base);
    if (!base[0] || strncmp(base, "und", 3) == 0) return;
    for (size_t i = 0; i < p->n_langs; i++)
        if (strcmp(p->langs[i], base) == 0) {
            if (w > p->lang_weight[i]) p->lang_weight[i] = w;
            return;
        }
    if (p->n_langs == MAX_LANGS) return;
    memcpy(p->langs[p->n_langs], base, PL_LANG_MAX);
    p->lang_weight[p->n_langs++] = w;
}

/* The query text as one string, for the identifier. */
static char *query_text(const pl_query *q) {
    size_t n = 1;
    for (size_t i = 0; i < q->n_clauses; i++)
        for (size_t j = 0; j < q->clauses[i].n_alts; j++) n += strlen(q->clauses[i].alts[j].text) + 1;
    char *s = malloc(n), *p = s;
    if (!s) return NULL;
    for (size_t i = 0; i < q->n_clauses; i++)
        for (size_t j = 0; j < q->clauses[i].n_alts; j++) {
            size_t k = strlen(q->clauses[i].alts[j].text);
            memcpy(p, q->clauses[i].alts[j].text, k);
            p += k;
            *p++ = ' ';
        }
    *p = 0;
    return s;
}

static int choose_langs(pl_db *db, const pl_query *q, const char *hint, pl_plan *p, pl_err *err) {
    if (hint && *hint) {
        add_lang(p, hint, 1.0);
        if (p->n_langs) return PL_OK;
    }
    char *text = query_text(q);
    if (!text) return pl_err_set(err, PL_ERR_NOMEM, "planning the query: out of memory");
    pl_lang_guess g[3];
    int n = pl_langid(text, strlen(text), g, 3);
    free(text);
    /* The identifier's candidates rank first, by confidence; the catalog's
     * languages follow with a lower weight, so that a query word that is
     * really German still meets its German stem. */
    for (int i = 0; i < n; i++)
        if (g[i].confidence > 0.05) add_lang(p, g[i].lang, 0.7 + 0.3 * g[i].confidence);
    uint64_t seq = pl_index_seq(db->ix);
    if (!db->plan_langs_valid || db->plan_langs_seq != seq) {
        pl_lang_count *langs;
        size_t nl;
        int rc = pl_catalog_langs(db->cat, &langs, &nl, err);
        if (rc) return rc;
        free(db->plan_langs);
        db->plan_langs = langs;
        db->n_plan_langs = nl;
        db->plan_langs_seq = seq;
        db->plan_langs_valid = 1;
    }
    for (size_t i = 0; i < db->n_plan_langs && i < CATALOG_LANGS; i++)
        add_lang(p, db->plan_langs[i].lang, 0.6);
    return PL_OK;
}

typedef struct collect {
    pl_slot *slots;
    size_t n_slots, cap;
    size_t token;   /* index of the token within the alternative */
    double weight;
    int oom;
} collect;

static int add_variant(void *ctx, const pl_token *t) {
    collect *c = ctx;
    if (c->token >= c->n_slots) {
        if (c->n_slots == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 4;
            pl_slot *grown = realloc(c->slots, cap * sizeof *grown);
            if (!grown) return c->oom = 1;
            c->slots = grown;
            c->cap = cap;
        }
        c->slots[c->n_slots++] = (pl_slot){NULL, 0};
    }
    pl_slot *s = &c->slots[c->token++];
    for (size_t i = 0; i < s->n; i++)
        if (strlen(s->v[i].term) == t->len && memcmp(s->v[i].term, t->term, t->len) == 0) {
            if (c->weight > s->v[i].weight) s->v[i].weight = c->weight;
            return 0;
        }
    pl_variant *grown = realloc(s->v, (s->n + 1) * sizeof *grown);
    if (!grown) return c->oom = 1;
    s->v = grown;
    if (!(s->v[s->n].term = strndup(t->term, t->len))) return c->oom = 1;
    s->v[s->n++].weight = c->weight;
    return 0;
}

static void free_alt(pl_alt *a) {
    for (size_t i = 0; i < a->n_slots; i++) {
        for (size_t j = 0; j < a->slots[i].n; j++) free(a->slots[i].v[j].term);
        free(a->slots[i].v);
    }
    free(a->slots);
}

void pl_plan_free(pl_plan *p) {
    for (size_t i = 0; i < p->n_clauses; i++) {
        for (size_t j = 0; j < p->clauses[i].n_alts; j++) free_alt(&p->clauses[i].alts[j]);
        free(p->clauses[i].alts);
    }
    free(p->clauses);
    memset(p, 0, sizeof *p);
}

int pl_plan_make(pl_db *db, const pl_query *q, const char *lang, pl_plan *p, pl_err *err) {
    memset(p, 0, sizeof *p);
    int rc = choose_langs(db, q, lang, p, err);
    if (rc) return rc;
    if (!(p->clauses = calloc(q->n_clauses ? q->n_clauses : 1, sizeof *p->clauses)))
        return pl_err_set(err, PL_ERR_NOMEM, "planning the query: out of memory");
    for (size_t i = 0; i < q->n_clauses; i++) {
        const pl_qclause *qc = &q->clauses[i];
        pl_clause *c = &p->clauses[p->n_clauses++];
        c->excluded = qc->excluded;
        if (!(c->alts = calloc(qc->n_alts, sizeof *c->alts))) goto oom;
        for (size_t j = 0; j < qc->n_alts; j++) {
            collect col = {0};
            const char *text = qc->alts[j].text;
            /* No language known at all: analyze without stemming. */
            size_t nl = p->n_langs ? p->n_langs : 1;
            for (size_t k = 0; k < nl; k++) {
                col.token = 0;
                col.weight = p->n_langs ? p->lang_weight[k] : 1.0;
                pl_analyze(db->an, p->n_langs ? p->langs[k] : NULL, text, strlen(text),
                           add_variant, &col);
                if (col.oom) break;
            }
            c->alts[c->n_alts++] = (pl_alt){col.slots, col.n_slots};
            if (col.oom) goto oom;
        }
    }
    return PL_OK;
oom:
    pl_plan_free(p);
    return pl_err_set(err, PL_ERR_NOMEM, "planning the query: out of memory");
}
