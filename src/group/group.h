/*
 * group.h - grouping translations: the signals that tell that two synopses
 * in different languages tell the same episode.
 *
 * Versions of one episode written separately share names (Carrie, Big,
 * Miranda, Robert Leeds), places and numbers far more than words. So each
 * synopsis is reduced to "match keys": its words transliterated to Latin
 * (Μιράντα -> miranta, Роберт -> robert), spelled phonetically enough that
 * the same name meets itself across orthographies (Charlotte/Σάρλοτ,
 * Carrie/Κάρι, Big/Μπιγκ), cut to their first letters so that inflected
 * names still meet (Carrien, Carriehez, Robertin). Common words also give
 * keys; weighting by rarity leaves the names to decide.
 */
#ifndef PL_GROUP_H
#define PL_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include "text/text.h"
#include "util/memo.h"
#include "xling/xling.h"

/* Keys are 32-bit hashes of short phonetic prefixes: compact to store and
 * index. A word gives a 4-letter key and, when long enough, a 5-letter one,
 * so that a match of five letters weighs more than one of four. */
typedef uint32_t pl_group_key;

/*
 * Computes the distinct match keys of text[0..len) (valid UTF-8, in the language
 * whose base code is `lang`: "pt", not "pt-br"), sorted ascending, into *keys (malloc'ed;
 * the caller frees) and their number into *n: the spelling keys of its words, and, with a
 * lexicon x (may be NULL), concept keys: each word's English translations, so that versions
 * sharing few names still share what happens. `memo` (may be NULL) remembers each word's
 * keys for the texts that follow: a word's keys depend only on the word as written and the
 * language. Returns PL_OK or PL_ERR_NOMEM.
 */
int pl_group_keys(pl_analyzer *an, const pl_xling *x, pl_memo *memo, const char *lang,
                  const char *text, size_t len, pl_group_key **keys, size_t *n);

/* ---- Matching (match.c) ---- */

/* A synopsis as grouping sees it: its keys with their weights (the keys'
 * rarity: rare names decide, common words barely count). */
typedef struct pl_group_item {
    const pl_group_key *keys; /* sorted ascending */
    const double *w;          /* weight of each key */
    size_t n;
    double norm; /* sqrt of the sum of squared weights */
    char lang[16];
} pl_group_item;

/* A key's weight when df of n_docs synopses have it. */
double pl_group_weight(uint64_t df, uint64_t n_docs);

/* Sets item->norm from its weights. */
void pl_group_norm(pl_group_item *item);

/* The weighted cosine of two items' keys: 0 (nothing shared) to 1. */
double pl_group_similarity(const pl_group_item *a, const pl_group_item *b);

/* Below this similarity two synopses are not taken for versions of one
 * episode (calibrated on the seeds and bench/xling; see docs/ARCHITECTURE.md). */
#define PL_GROUP_THRESHOLD 0.038

/*
 * Groups n items into episodes: pairs are joined best first while their
 * similarity reaches `threshold` and the two groups have no language in
 * common (an episode has one synopsis per language). group[i] receives the
 * group of item i (the smallest index in it). Returns PL_OK or PL_ERR_NOMEM.
 */
int pl_group_cluster(const pl_group_item *items, size_t n, double threshold, size_t *group);

/* Room that pl_group_cluster_in keeps from one grouping to the next (tens of
 * megabytes for a chunk of a few thousand synopses, which fresh would be
 * pages handed over anew each time); zeroed to start, pl_group_room_free to
 * end. */
typedef struct pl_group_room {
    void *p[16];
    size_t cap[16];
} pl_group_room;
void pl_group_room_free(pl_group_room *room);
/* pl_group_cluster in that room. */
int pl_group_cluster_in(const pl_group_item *items, size_t n, double threshold,
                        size_t *group, pl_group_room *room);

/*
 * The phonetic Latin spelling of one word (already case-folded, as the
 * analyzer gives it) into out[0..cap), NUL-terminated; returns its length.
 * Exposed for tests: "μπιγκ" -> "big", "σάρλοτ" -> "sarlot", "charlotte" ->
 * "sarlote".
 */
size_t pl_group_phonetic(const char *word, size_t len, char *out, size_t cap);

#endif
