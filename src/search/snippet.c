/*
 * snippet.c - excerpts with the matched words marked.
 *
 * The synopsis is analyzed again with the same analyzer as at indexing, so a
 * word is marked exactly when one of its terms is a term of the query; the
 * tokens' byte offsets cut the excerpt out of the original text, with its
 * case, accents and punctuation intact. A compound that the index holds by
 * its parts too (core/db.c) is marked when a part is a term of the query:
 * the French "test" meets Schwangerschaftstest, and says so. A phrase
 * (a quoted one, or a translation of several words: "interprete de
 * órdenes" for "shell") marks its words only where they stand together, as
 * scoring matches it: its "de" alone is no match.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"
#include "util/buf.h"
#include "xling/xling.h"

#define WINDOW 28 /* words in an excerpt */

typedef struct tok {
    uint32_t start, end;
    uint32_t pos;          /* the token's position (phrases need consecutive ones) */
    size_t term, term_len; /* its term, in the context's `terms` */
    int match;             /* index+1 of the query term it matches, or 0 */
} tok;

typedef struct snip_ctx {
    const pl_plan *plan;
    const char *lang; /* the text's base language */
    const char *text;
    pl_db *db;
    const pl_xling *split; /* the lexicon, when the language's words split */
    tok *toks;
    size_t n, cap;
    pl_buf terms;             /* the tokens' terms, one after another */
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

/* Whether variant v is term t in this text's language: a translation
 * counts only in its own language, as in scoring (PL_INDEX_LANG_PREFIX). */
static int variant_is(const snip_ctx *x, const pl_variant *v, const char *t, size_t len) {
    return v->len == len && memcmp(v->term, t, len) == 0 &&
           (!v->scoped || strcmp(v->lang, x->lang) == 0);
}

/* The variant of slot sl that is term t here, or NULL. */
static const pl_variant *slot_variant(const snip_ctx *x, const pl_slot *sl, const char *t,
                                      size_t len) {
    for (size_t v = 0; v < sl->n; v++)
        if (variant_is(x, &sl->v[v], t, len)) return &sl->v[v];
    return NULL;
}

/* The number (from 1) of the first query slot of a word (not a phrase) the
 * term matches, or 0; every variant with that term is noted as found.
 * Slots are numbered over all alternatives, phrases' included. */
static int term_index(snip_ctx *x, const char *t, size_t len) {
    const pl_plan *p = x->plan;
    int k = 0, first = 0;
    for (size_t c = 0; c < p->n_clauses; c++) {
        if (p->clauses[c].excluded) continue;
        for (size_t a = 0; a < p->clauses[c].n_alts; a++) {
            const pl_alt *alt = &p->clauses[c].alts[a];
            if (alt->n_slots != 1) {
                k += (int)alt->n_slots;
                continue;
            }
            k++;
            /* Every variant with the term, not only the first: the same
             * term can stand for two words of the query. */
            const pl_slot *sl = &alt->slots[0];
            for (size_t v = 0; v < sl->n; v++)
                if (variant_is(x, &sl->v[v], t, len)) {
                    if (!first) first = k;
                    note_found(x, &sl->v[v]);
                }
        }
    }
    return first;
}

/* A phrase's slots at the tokens from `at` on, each at the next position:
 * 1 when all are there (their variants then noted as found). */
static int phrase_here(snip_ctx *x, const pl_alt *alt, size_t at) {
    if (at + alt->n_slots > x->n) return 0;
    const char *terms = (const char *)x->terms.data;
    for (size_t s = 0; s < alt->n_slots; s++) {
        const tok *t = &x->toks[at + s];
        if (t->pos != x->toks[at].pos + s ||
            !slot_variant(x, &alt->slots[s], terms + t->term, t->term_len))
            return 0;
    }
    for (size_t s = 0; s < alt->n_slots; s++) {
        const tok *t = &x->toks[at + s];
        note_found(x, slot_variant(x, &alt->slots[s], terms + t->term, t->term_len));
    }
    return 1;
}

/* Marks the words of every phrase of the query where the whole phrase
 * stands, with its slots' numbers (the lower kept where a word already
 * matches). */
static void mark_phrases(snip_ctx *x) {
    const pl_plan *p = x->plan;
    int k = 0;
    for (size_t c = 0; c < p->n_clauses; c++) {
        if (p->clauses[c].excluded) continue;
        for (size_t a = 0; a < p->clauses[c].n_alts; a++) {
            const pl_alt *alt = &p->clauses[c].alts[a];
            if (alt->n_slots > 1)
                for (size_t i = 0; i < x->n; i++) {
                    if (!phrase_here(x, alt, i)) continue;
                    for (size_t s = 0; s < alt->n_slots; s++) {
                        int m = k + (int)s + 1;
                        if (!x->toks[i + s].match || m < x->toks[i + s].match)
                            x->toks[i + s].match = m;
                    }
                }
            k += (int)alt->n_slots;
        }
    }
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
    c->toks[c->n++] = (tok){t->start, t->end, t->pos, c->terms.len, t->len, m};
    pl_buf_append(&c->terms, t->term, t->len);
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

/* A query word as the reader meant it, without the ASCII punctuation around
 * it ("shoes," in "shoes, credit card"); the word as written when it is all
 * punctuation. Only for naming it: the search itself reads the word whole
 * (".so" is a roff request, "so" a function word). */
static char *bare_word(const char *w) {
    size_t from = 0, to = strlen(w);
    while (from < to && (unsigned char)w[from] < 0x80 && ispunct((unsigned char)w[from]))
        from++;
    while (to > from && (unsigned char)w[to - 1] < 0x80 &&
           ispunct((unsigned char)w[to - 1]))
        to--;
    return from < to ? strndup(w + from, to - from) : strdup(w);
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
                    if (!met) continue;
                    char *word = bare_word(pv->word);
                    if (!word) return PL_ERR_NOMEM;
                    for (size_t i = 0; i < h->n_matches && met; i++)
                        if (strcmp(h->matches[i].word, word) == 0 &&
                            strcmp(h->matches[i].term, pv->term) == 0)
                            met = 0;
                    if (!met) {
                        free(word);
                        continue;
                    }
                    pl_match *m = &h->matches[h->n_matches];
                    m->word = word;
                    m->term = strdup(pv->term);
                    if (!m->term) {
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
    if (c.oom || c.terms.oom) {
        c.oom = 1;
        goto done;
    }
    mark_phrases(&c);
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
    pl_buf_free(&c.terms);
    int rc = c.oom || out.oom || !pl_buf_cstr(&out) ? PL_ERR_NOMEM : explain(&c, h);
    free(c.found);
    if (rc) {
        pl_buf_free(&out);
        return rc;
    }
    h->snippet = (char *)pl_buf_detach(&out, NULL);
    return PL_OK;
}
