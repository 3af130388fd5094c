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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"
#include "util/buf.h"
#include "xling/xling.h"

#define CATALOG_LANGS 6 /* the catalog's most common languages considered */
/* A function word of the language a reading is in ("de" read as French)
 * weighs this much of a word that tells something: in a small catalog its
 * IDF alone would make it count like a name. */
#define STOPWORD_WEIGHT 0.2

static void add_lang(pl_plan *p, const char *lang, double w) {
    char base[PL_LANG_MAX];
    pl_base_lang(lang, base);
    if (!base[0] || strncmp(base, "und", 3) == 0) return;
    for (size_t i = 0; i < p->n_langs; i++)
        if (strcmp(p->langs[i], base) == 0) {
            if (w > p->lang_weight[i]) p->lang_weight[i] = w;
            return;
        }
    if (p->n_langs == PL_PLAN_LANGS) return;
    memcpy(p->langs[p->n_langs], base, PL_LANG_MAX);
    p->lang_weight[p->n_langs++] = w;
}

/* The catalog's languages, most synopses first: counting them is a scan,
 * so they are kept while the index's seq (which follows every write) holds. */
static int catalog_langs(pl_db *db, pl_err *err) {
    uint64_t seq = pl_index_seq(db->ix);
    if (db->plan_langs_valid && db->plan_langs_seq == seq) return PL_OK;
    pl_lang_count *langs;
    size_t nl;
    int rc = pl_catalog_langs(db->cat, &langs, &nl, err);
    if (rc) return rc;
    free(db->plan_langs);
    db->plan_langs = langs;
    db->n_plan_langs = nl;
    db->plan_langs_seq = seq;
    db->plan_langs_valid = 1;
    return PL_OK;
}

static int choose_langs(pl_db *db, const pl_query *q, const char *hint, pl_plan *p,
                        pl_err *err) {
    int rc = catalog_langs(db, err);
    if (rc) return rc;
    if (hint && *hint) {
        add_lang(p, hint, 1.0);
        if (p->n_langs) return PL_OK;
    }
    /* The words as written (pl_query.text): "Herz-OP" is German, its
     * clauses "Herz OP" read as Dutch. */
    pl_lang_guess g[3];
    int n = q->text ? pl_langid(q->text, strlen(q->text), g, 3) : 0;
    /* The identifier's candidates rank first, by confidence; the catalog's
     * languages follow with a lower weight, so that a query word that is
     * really German still meets its German stem. */
    for (int i = 0; i < n; i++)
        if (g[i].confidence > 0.05) add_lang(p, g[i].lang, 0.7 + 0.3 * g[i].confidence);
    for (size_t i = 0; i < db->n_plan_langs && i < CATALOG_LANGS; i++)
        add_lang(p, db->plan_langs[i].lang, 0.6);
    return PL_OK;
}

void pl_plan_fold(const char *word, pl_folded *out) {
    out->n = pl_xling_fold(word, strlen(word), out->s, sizeof out->s);
    if (out->n < 0) out->n = 0;
}

int pl_plan_stopword_folded(const char *lang, const pl_folded *f) {
    return f->n > 0 && pl_xling_stopword(lang, f->s, (size_t)f->n);
}

int pl_plan_stopword(const char *lang, const char *word) {
    pl_folded f;
    pl_plan_fold(word, &f);
    return pl_plan_stopword_folded(lang, &f);
}

/* Gives v the reading it comes from; v->word is replaced. */
static int set_origin(pl_variant *v, double weight, const char *word, const char *lang,
                      unsigned origin) {
    char *w = strdup(word);
    if (!w) return PL_ERR_NOMEM;
    free(v->word);
    v->word = w;
    v->weight = weight;
    pl_str_copy(v->lang, sizeof v->lang, lang ? lang : "");
    v->translated = (origin & PL_VARIANT_TRANSLATED) == PL_VARIANT_TRANSLATED;
    v->scoped = (origin & PL_VARIANT_SCOPED) != 0;
    return PL_OK;
}

int pl_slot_add(pl_slot *s, const char *term, size_t len, double weight, const char *word,
                const char *lang, unsigned origin) {
    for (size_t i = 0; i < s->n; i++) {
        pl_variant *v = &s->v[i];
        if (v->len != len || memcmp(v->term, term, len) != 0) continue;
        /* The same term twice (stemmed alike in two languages, or a
         * translation that is the word itself): the stronger reading names
         * it, and it matches wherever either does: scoped only when both
         * are, to one language ("kreditkart" read as Bokmål and as German
         * must still meet German synopses). */
        int scoped =
            v->scoped && (origin & PL_VARIANT_SCOPED) && lang && strcmp(v->lang, lang) == 0;
        int rc = weight > v->weight ? set_origin(v, weight, word, lang, origin) : PL_OK;
        v->scoped = scoped;
        return rc;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 4;
        pl_variant *grown = realloc(s->v, cap * sizeof *grown);
        if (!grown) return PL_ERR_NOMEM;
        s->v = grown;
        s->cap = cap;
    }
    pl_variant *v = &s->v[s->n];
    memset(v, 0, sizeof *v);
    if (!(v->term = strndup(term, len))) return PL_ERR_NOMEM;
    v->len = len;
    if (set_origin(v, weight, word, lang, origin)) {
        free(v->term);
        return PL_ERR_NOMEM;
    }
    s->n++;
    return PL_OK;
}

pl_alt *pl_clause_add_alt(pl_clause *c, size_t n_slots) {
    pl_alt *grown = realloc(c->alts, (c->n_alts + 1) * sizeof *grown);
    if (!grown) return NULL;
    c->alts = grown;
    pl_slot *slots = calloc(n_slots ? n_slots : 1, sizeof *slots);
    if (!slots) return NULL;
    c->alts[c->n_alts] = (pl_alt){slots, n_slots};
    return &c->alts[c->n_alts++];
}

/* An alternative's slots, filled with its words' readings in each language. */
typedef struct collect {
    pl_slot *slots;
    size_t n_slots, cap;
    const char *word;
    /* per language of the plan */
    double weight[PL_PLAN_LANGS];
    const char *lang[PL_PLAN_LANGS];
    unsigned origin[PL_PLAN_LANGS];
    int oom;
} collect;

static int add_variant(void *ctx, size_t k, const pl_token *t) {
    collect *c = ctx;
    /* A token's position is its word's index within the alternative. */
    while (t->pos >= c->n_slots) {
        if (c->n_slots == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 4;
            pl_slot *grown = realloc(c->slots, cap * sizeof *grown);
            if (!grown) return c->oom = 1;
            c->slots = grown;
            c->cap = cap;
        }
        c->slots[c->n_slots++] = (pl_slot){NULL, 0, 0};
    }
    pl_slot *s = &c->slots[t->pos];
    if (pl_slot_add(s, t->term, t->len, c->weight[k], c->word, c->lang[k], c->origin[k]))
        return c->oom = 1;
    return 0;
}

static void free_alt(pl_alt *a) {
    for (size_t i = 0; i < a->n_slots; i++) {
        for (size_t j = 0; j < a->slots[i].n; j++) {
            free(a->slots[i].v[j].term);
            free(a->slots[i].v[j].word);
        }
        free(a->slots[i].v);
    }
    free(a->slots);
}

void pl_plan_free(pl_plan *p) {
    for (size_t i = 0; i < p->n_clauses; i++) {
        for (size_t j = 0; j < p->clauses[i].n_alts; j++)
            free_alt(&p->clauses[i].alts[j]);
        free(p->clauses[i].alts);
    }
    free(p->clauses);
    memset(p, 0, sizeof *p);
}

int pl_plan_make(pl_db *db, const pl_query *q, const char *lang, int no_translation,
                 pl_plan *p, pl_err *err) {
    memset(p, 0, sizeof *p);
    int rc = choose_langs(db, q, lang, p, err);
    if (rc) return rc;
    if (!(p->clauses = calloc(q->n_clauses ? q->n_clauses : 1, sizeof *p->clauses)))
        return pl_err_set(err, PL_ERR_NOMEM, "planning the query: out of memory");
    for (size_t i = 0; i < q->n_clauses; i++) {
        const pl_qclause *qc = &q->clauses[i];
        pl_clause *c = &p->clauses[p->n_clauses++];
        c->excluded = qc->excluded;
        c->required = qc->required;
        if (!(c->alts = calloc(qc->n_alts, sizeof *c->alts))) goto oom;
        for (size_t j = 0; j < qc->n_alts; j++) {
            collect col = {0};
            const char *text = qc->alts[j].text;
            /* A function word of a language the query is likely in ("de"
             * in a French query) is one in every reading of it. */
            int stop = 0;
            pl_folded folded;
            pl_plan_fold(text, &folded);
            for (size_t k = 0; k < p->n_langs && !stop; k++)
                stop = p->lang_weight[k] >= PL_PLAN_SURE_LANG &&
                       pl_plan_stopword_folded(p->langs[k], &folded);
            /* Nor is a function word a name, spelled alike in every
             * language: even when the query's language is not sure, its
             * likeliest reading's function words match only synopses in
             * that language (English "a" is not French "à"). */
            int own = stop || (p->n_langs && pl_plan_stopword_folded(p->langs[0], &folded));
            /* No language known at all: analyze without stemming. */
            size_t nl = p->n_langs ? p->n_langs : 1;
            const char *codes[PL_PLAN_LANGS];
            col.word = text;
            for (size_t k = 0; k < nl; k++) {
                codes[k] = p->n_langs ? p->langs[k] : NULL;
                col.weight[k] = p->n_langs ? p->lang_weight[k] : 1.0;
                if (p->n_langs && stop) col.weight[k] *= STOPWORD_WEIGHT;
                col.lang[k] = p->n_langs ? p->langs[k] : "";
                /* Only the likeliest language's reading matches everywhere
                 * (names are spelled alike in every language); another
                 * reading matches its own language's synopses, so that
                 * French "grossesse" read as Portuguese ("gross") does not
                 * meet German "groß". */
                col.origin[k] = k > 0 || own ? PL_VARIANT_SCOPED : 0;
            }
            int arc =
                pl_analyze_langs(db->an, codes, nl, text, strlen(text), add_variant, &col);
            if (arc == PL_ERR_NOMEM) col.oom = 1;
            c->alts[c->n_alts++] = (pl_alt){col.slots, col.n_slots};
            if (col.oom) goto oom;
        }
    }
    if (!no_translation && (rc = pl_plan_translate(db, q, p, err))) {
        pl_plan_free(p);
        return rc;
    }
    return PL_OK;
oom:
    pl_plan_free(p);
    return pl_err_set(err, PL_ERR_NOMEM, "planning the query: out of memory");
}
