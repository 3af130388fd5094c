/*
 * scoring.h - the model's word scores, shared by whole-text identification
 * (langid.c, which owns the model) and the split of mixed text into
 * one-language spans (spans.c).
 *
 * Scores are log-likelihoods: bonuses added up in the model's integer units
 * (pl_lm_add), turned into nats with the floors of the features' orders
 * (pl_lm_nats). Language indexes are the model's, 0..pl_lm_n_langs()-1.
 */
#ifndef PL_LANGID_SCORING_H
#define PL_LANGID_SCORING_H

#include <stddef.h>
#include <stdint.h>

/* Loads and checks the embedded model once; 1 when it is usable. */
int pl_lm_ready(void);

uint32_t pl_lm_n_langs(void);
const char *pl_lm_code(int l);     /* "de" */
uint64_t pl_lm_scripts(int l);     /* bit = PL_SC_* id of each script it writes */
uint32_t pl_lm_orders(void);       /* the feature orders the model has (bit o) */
int pl_lm_index(const char *code); /* a code's language index, or -1 */

/* Adds the bonuses of keys[0..n) (n <= 1024) into score[0..n_langs) and
 * counts the keys per order into per_order[0..8). */
void pl_lm_add(const uint32_t *keys, size_t n, int32_t *score, uint32_t *per_order);

/* Language l's log-likelihood in nats of features whose bonuses are
 * score[l] and whose orders counted per_order. */
double pl_lm_nats(int l, const int32_t *score, const uint32_t *per_order);

/* Language l's log prior in nats (0 or negative: see tools/langid/priors.txt). */
double pl_lm_prior(int l);

/* What pl_langid_spans computes, with what the second look of
 * pl_langid_ex needs besides (see spans.c). */
typedef struct pl_lm_span {
    size_t start, len; /* bytes */
    int lang;          /* language index, -1 for none ("und") */
    double confidence;
    uint32_t letters; /* letters of the span's words */
    uint32_t words;
} pl_lm_span;

/* Splits text into spans among the languages `allowed` (a byte per language
 * index, 1 = may be chosen; NULL for all): fills out[0..max) and returns the
 * number of spans there are (possibly more than max), or a negative
 * pl_status. */
int pl_lm_spans(const char *text, size_t len, const uint8_t *allowed, pl_lm_span *out,
                int max);

/* The second look of pl_langid_ex at a text it read as language `first`
 * (English), among the candidates cand[0..n_cand) (1 to 8, cand[0] ==
 * first): the language of the text's other spans when they hold enough of
 * its letters (their share in *share), or of the text without its names,
 * else -1. */
int pl_lm_second_look(const char *text, size_t len, const uint8_t *allowed, int first,
                      const int *cand, int n_cand, double *share);

#endif
