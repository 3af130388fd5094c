/*
 * search.h - queries: parsing, planning under the query's likely languages,
 * scoring with BM25, and snippets.
 *
 * A query is a list of clauses. A clause is satisfied by any of its
 * alternatives (a OR b); an alternative is a word or a "phrase". Planning
 * turns every word into weighted term variants, one per likely language
 * (the same word stemmed as German and as English may give two terms), so
 * that a query needs no hard guess of its language.
 */
#ifndef PL_SEARCH_H
#define PL_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/db.h"
#include "util/buf.h"

/* ---- Interface to code in query.c: the parser ---- */

typedef struct pl_qalt {
    char *text; /* the surface text of the word or phrase (owned) */
    int phrase; /* 1 for a "quoted phrase" or a word the tokenizer splits */
} pl_qalt;

typedef struct pl_qclause {
    pl_qalt *alts; /* owned */
    size_t n_alts;
    int excluded; /* -word: results must not match it */
    int required; /* +word, or a AND b: results must match it */
} pl_qclause;

typedef struct pl_query {
    pl_qclause *clauses; /* owned */
    size_t n_clauses;
    char *text; /* its words as written, without operators and quotes, for
                   identifying its language ("Herz-OP" stays one word); owned */
} pl_query;

/* Parses a query. Lenient like a search box should be: an unclosed quote
 * ends at the end of the query; a stray OR, AND, '-' or '+' is taken as a
 * word.
 * Words the tokenizer splits ("Herz-OP") become clauses of their own. */
int pl_query_parse(pl_analyzer *an, const char *q, pl_query *out, pl_err *err);
void pl_query_free(pl_query *q);

/* ---- Interface to code in plan.c: analysis under likely languages ---- */

typedef struct pl_variant {
    char *term;             /* NUL-terminated index term (owned) */
    size_t len;             /* its length */
    double weight;          /* how likely it is what the query means: (0, 1]; the
                               likelihood of the language that produced it, and for a
                               translation also the lexicon's weight, times a discount */
    char *word;             /* the query word(s) it stands for, as written (owned) */
    char lang[PL_LANG_MAX]; /* the language of the term */
    int translated;         /* 1: a translation of `word` into `lang` (src/xling) */
    int scoped;             /* 1: matches only documents in `lang` (a translation, or a
                               reading under a language other than the likeliest) */
} pl_variant;

/* How a variant came about (pl_slot_add's `origin`). */
#define PL_VARIANT_SCOPED 1u     /* see pl_variant.scoped */
#define PL_VARIANT_TRANSLATED 3u /* a translation, which is always scoped */

typedef struct pl_slot {
    pl_variant *v; /* the term variants for one token position (owned) */
    size_t n, cap; /* a translated word has dozens: room grows by doubling */
} pl_slot;

typedef struct pl_alt {
    pl_slot *slots; /* one per token; several for a phrase (owned) */
    size_t n_slots;
} pl_alt;

typedef struct pl_clause {
    pl_alt *alts; /* owned */
    size_t n_alts;
    int excluded;
    int required; /* only documents that match it (through any variant) */
} pl_clause;

#define PL_PLAN_LANGS 8 /* languages a query is read in, at most */

typedef struct pl_plan {
    pl_clause *clauses; /* owned */
    size_t n_clauses;
    char langs[PL_PLAN_LANGS][PL_LANG_MAX]; /* the languages the query was analyzed in */
    double lang_weight[PL_PLAN_LANGS];
    size_t n_langs;
} pl_plan;

/* Chooses the query's likely languages (the `lang` hint alone when given;
 * otherwise the identifier's candidates and the catalog's languages) and
 * analyzes every alternative under each; then, unless `no_translation`,
 * adds the words' translations into the catalog's other languages
 * (translate.c). */
int pl_plan_make(pl_db *db, const pl_query *q, const char *lang, int no_translation,
                 pl_plan *out, pl_err *err);
void pl_plan_free(pl_plan *p);

/* A plan language's weight from this on: the identifier's candidates and the
 * caller's hint, which the query is surely in (catalog languages weigh less). */
#define PL_PLAN_SURE_LANG 0.7

/* 1 when `word` (one word as written) is a function word of `lang`. */
int pl_plan_stopword(const char *lang, const char *word);

/* A word case-folded once, for asking whether it is a function word of
 * several languages (folding costs more than each look-up). */
typedef struct pl_folded {
    char s[PL_TERM_MAX + 1];
    int n; /* its length, or 0 when it could not be folded */
} pl_folded;

void pl_plan_fold(const char *word, pl_folded *out);
int pl_plan_stopword_folded(const char *lang, const pl_folded *f);

/* Adds a variant to a slot, or raises the weight of the same term already
 * there (keeping the stronger variant's origin). PL_OK or PL_ERR_NOMEM. */
int pl_slot_add(pl_slot *s, const char *term, size_t len, double weight, const char *word,
                const char *lang, unsigned origin);

/* Appends an alternative of n_slots empty slots to a clause; NULL when out
 * of memory. */
pl_alt *pl_clause_add_alt(pl_clause *c, size_t n_slots);

/* ---- Interface to code in translate.c: queries across languages ---- */

/* Adds to every positive clause of p (made from q) the translations of its
 * words, and of pairs of neighbouring words ("credit card"), from the
 * query's likely languages into the catalog's others, weighted below the
 * words themselves. Does nothing when there is no lexicon. */
int pl_plan_translate(pl_db *db, const pl_query *q, pl_plan *p, pl_err *err);

/* ---- Interface to code in score.c: matching and ranking ---- */

typedef struct pl_scored {
    int64_t doc;
    double score;
} pl_scored;

/* The k best live documents that satisfy at least one positive clause and
 * no excluded one, best first (ties by id) in *out (caller frees). *total
 * gets how many documents match: exact when *exact is 1, else an estimate
 * (documents that could not reach the k best were skipped uncounted). */
int pl_score(pl_index *ix, const pl_plan *plan, size_t k, pl_scored **out, size_t *n,
             uint64_t *total, int *exact, pl_err *err);

/* ---- Interface to code in snippet.c ---- */

/* An excerpt of text (analyzed as `lang` with db's analyzer) around the
 * densest cluster of terms from the plan, with each matching word (or
 * compound with a matching part) in [brackets], into h->snippet;
 * and the plan's variants found in the text into h->matches. PL_OK or
 * PL_ERR_NOMEM. */
int pl_snippet(pl_db *db, const char *lang, const char *text, size_t len,
               const pl_plan *plan, pl_hit *h);

/* Frees what a hit owns (not the hit itself). */
void pl_hit_release(pl_hit *h);

/* A hit's matches as the JSON array docs/API.md calls "why". */
void pl_matches_json(pl_buf *b, const pl_hit *h);

#endif
