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

/* Keys are 32-bit hashes of short phonetic prefixes: compact to store and
 * index. A word gives a 4-letter key and, when long enough, a 5-letter one,
 * so that a match of five letters weighs more than one of four. */
typedef uint32_t pl_group_key;

/*
 * Computes the distinct match keys of text[0..len) (valid UTF-8), sorted
 * ascending, into *keys (malloc'ed; the caller frees) and their number into
 * *n. Returns PL_OK or PL_ERR_NOMEM.
 */
int pl_group_keys(pl_analyzer *an, const char *text, size_t len, pl_group_key **keys,
                  size_t *n);

/*
 * The phonetic Latin spelling of one word (already case-folded, as the
 * analyzer gives it) into out[0..cap), NUL-terminated; returns its length.
 * Exposed for tests: "μπιγκ" -> "big", "σάρλοτ" -> "sarlot", "charlotte" ->
 * "sarlote".
 */
size_t pl_group_phonetic(const char *word, size_t len, char *out, size_t cap);

#endif
