/*
 * snippet.c - excerpts with the matched words marked.
 *
 * The synopsis is analyzed again with the same analyzer as at indexing, so a
 * word is marked exactly when one of its terms is a term of the query; the
 * tokens' byte offsets cut the excerpt out of the original text, with its
 * case, accents and punctuation intact. A compound that the index holds by
 * its parts too (core/db.c) is marked when a part is a term of the query:
 * the French "test" meets Schwangerschaftstest, and says so.
 */
#include <stdlib.h>
#include <string.h>

#include "search.h"
#include "util/buf.h"
#include "xling/xling.h"

#define WINDOW 28 /* words in an excerpt */

typedef struct tok {
    uint32_t start, end;
    int match; /* index+1 of the query term it matches, or 0 */
} tok;

typedef struct snip_ctx {
    const pl_plan *plan;
    const char *lang; /* the text's base language */
    const char *text;
    pl_db *db;
    const pl_xling *split; /* the lexicon, when the language's words split */
    tok *toks;
    size_t n, cap;
    const pl_variant **found; /* the variants met, each once */
    size_t n_found, cap_found;
    int oom;
} snip_ctx;

static void note_found(snip_ctx *c, const pl_variant *v) {
    for (size_t i = 0; i < c->n_found; i++)
        if (c->found[i] == v) return;
    if (c->n_found == c->cap_found) {
        size_t cap = c->cap_found ? c->cap_found * 2 : 8;
        const pl_variant **grown = realloc(c->found, cap * sizeof *grown);
        if (!grown) {
            c->oom = 1;
            return;
        }
        c->found = grown;
        c->cap_found = cap;
    }
    c->found[c->n_found++] = v;
}

/* The number (from 1) of the first query slot the term matches, or 0; every
 * variant with that term is noted as found. */
static int term_index(snip_ctx *x, const char *t, size_t len) {
    const pl_plan *p = x->plan;
    int k = 0, first = 0;
    for (size_t c = 0; c < p->n_clauses; c++) {
        if (p->clauses[c].excluded) continue;
        for (size_t a = 0; a < p->clauses[c].n_alts; a++)
            for (size_t s = 0; s < p->clauses[c].alts[a].n_slots; s++) {
                const pl_slot *sl = &p->clauses[c].alts[a].slots[s];
                k++;
                for (size_t v = 0; v < sl->n; v++)
                    /* A translation counts only in its own language, as
                     * in scoring (PL_INDEX_LANG_PREFIX). */
                    if (strlen(sl->v[v].term) == len &&
                        memcmp(sl->v[v].term, t, len) == 0 &&
                        (!sl->v[v].scoped || strcmp(sl->v[v].lang, x->lang) == 0)) {
                        if (!first) first = k;
                        note_found(x, &sl->v[v]);
                    }
            }
    }
    return first;
}

static int note_token(void *ctx, const pl_token *t) {
    snip_ctx *c = ctx;
    /* Bigrams overlap: the second of two CJK bigrams continues the first. */
    if (c->n && t->start < c->toks[c->n - 1].end) {
        int m = term_index(c, t->term, t->len);
        if (m) c->toks[c->n - 1].match = m, c->toks[c->n - 1].end = t->end;
        return 0;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        tok *grown = realloc(c->toks, cap * sizeof *grown);
        if (!grown) return c->oom = 1;
        c->toks = grown;
        c->cap = cap;
    }
    int m = term_index(c, t->term, t->len);
    if (!m && c->split) {
        char parts[PL_XLING_MAX_PARTS * (PL_TERM_MAX + 1)];
        size_t used;
        int np = pl_db_split_word(c->db, c->split, c->lang, c->text + t->start,
                                  t->end - t->start, t->term, t->len, parts, sizeof parts,
                                  &used);
        for (const char *p = parts; np > 0; np--, p += strlen(p) + 1) {
            int pm = term_index(c, p, strlen(p));
            if (pm && (!m || pm < m)) m = pm;
        }
    }
    c->toks[c->n++] = (tok){t->start, t->end, m};
    return 0;
}

/* The window start with the most distinct matched terms, then the most
 * matches; ties go to the earliest. */
static size_t best_window(const tok *t, size_t n) {
    size_t best = 0;
    int best_distinct = -1, best_count = -1;
    for (size_t s = 0; s < n; s++) {
        if (!t[s].match && s != 0) continue; /* windows start on a match */
        int seen[64] = {0}, distinct = 0, count = 0;
        for (size_t i = s; i < n && i < s + WINDOW; i++) {
            if (!t[i].match) continue;
            count++;
            int m = t[i].match < 64 ? t[i].match : 63;
            if (!seen[m]) seen[m] = 1, distinct++;
        }
        if (distinct > best_distinct || (distinct == best_distinct && count > best_count)) {
            best = s;
            best_distinct = distinct;
            best_count = count;
        }
    }
    /* Start a few words before the first match, for context. */
    if (best > 0 && t[best].match) best = best >= 4 ? best - 4 : 0;
    return best;
}

/* The found variants as matches, in query order, each word and term once. */
static int explain(snip_ctx *c, pl_hit *h) {
    if (!c->n_found) return PL_OK;
    if (!(h->matches = calloc(c->n_found, sizeof *h->matches))) return PL_ERR_NOMEM;
    const pl_plan *p = c->plan;
    for (size_t cl = 0; cl < p->n_clauses; cl++)
        for (size_t a = 0; a < p->clauses[cl].n_alts; a++)
            for (size_t s = 0; s < p->clauses[cl].alts[a].n_slots; s++) {
                const pl_slot *sl = &p->clauses[cl].alts[a].slots[s];
                for (size_t v = 0; v < sl->n; v++) {
                    const pl_variant *pv = &sl->v[v];
                    int met = 0;
                    for (size_t i = 0; i < c->n_found && !met; i++)
                        met = c->found[i] == pv;
                    for (size_t i = 0; i < h->n_matches && met; i++)
                        if (strcmp(h->matches[i].word, pv->word) == 0 &&
                            strcmp(h->matches[i].term, pv->term) == 0)
                            met = 0;
                    if (!met) continue;
                    pl_match *m = &h->matches[h->n_matches];
                    m->word = strdup(pv->word);
                    m->term = strdup(pv->term);
                    if (!m->word || !m->term) {
                        free(m->word);
                        free(m->term);
                        return PL_ERR_NOMEM;
                    }
                    memcpy(m->lang, pv->lang, PL_LANG_MAX);
                    m->translated = pv->translated;
                    h->n_matches++;
                }
            }
    return PL_OK;
}

int pl_snippet(pl_db *db, const char *lang, const char *text, size_t len,
               const pl_plan *plan, pl_hit *h) {
    char base[PL_LANG_MAX];
    pl_base_lang(lang, base);
    const pl_xling *x = pl_xling_default(NULL);
    snip_ctx c = {.plan = plan,
                  .lang = base,
                  .text = text,
                  .db = db,
                  .split = pl_xling_can_split(x, base) ? x : NULL};
    if (c.split) pl_db_keep_splits(db);
    pl_analyze(db->an, base, text, len, note_token, &c);
    pl_buf out = PL_BUF_INIT;
    if (c.oom) goto done;
    if (c.n == 0) {
        pl_buf_append(&out, text, len < 200 ? len : 0);
        goto done;
    }
    size_t s = best_window(c.toks, c.n);
    size_t e = s + WINDOW < c.n ? s + WINDOW : c.n;
    size_t from = s == 0 ? 0 : c.toks[s].start;
    size_t to = e == c.n ? len : c.toks[e - 1].end;
    if (from > 0) pl_buf_puts(&out, "... ");
    size_t at = from;
    for (size_t i = s; i < e; i++) {
        if (!c.toks[i].match) continue;
        pl_buf_append(&out, text + at, c.toks[i].start - at);
        pl_buf_putc(&out, '[');
        pl_buf_append(&out, text + c.toks[i].start, c.toks[i].end - c.toks[i].start);
        pl_buf_putc(&out, ']');
        at = c.toks[i].end;
    }
    pl_buf_append(&out, text + at, to - at);
    if (to < len) pl_buf_puts(&out, " ...");
done:
    free(c.toks);
    int rc = c.oom || out.oom || !pl_buf_cstr(&out) ? PL_ERR_NOMEM : explain(&c, h);
    free(c.found);
    if (rc) {
        pl_buf_free(&out);
        return rc;
    }
    h->snippet = (char *)pl_buf_detach(&out, NULL);
    return PL_OK;
}
