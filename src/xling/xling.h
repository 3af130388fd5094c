/*
 * xling.h - the cross-lingual lexicon: translations of index terms between
 * the catalog's languages, and splitting of compounds into known words.
 *
 * A query planner uses it to carry a query into languages it was not written
 * in: the query's words are analyzed (pl_analyze) as usual, and their index
 * terms are looked up here, giving index terms of other languages with a
 * weight. Keys and results are analyzer output, so they go straight to the
 * index. The data (data/xling/lexicon.bin, built by tools/xling from FreeDict
 * and hunspell word lists, format in lexicon_format.h) is read in place;
 * opening validates it once, lookups then allocate nothing.
 *
 * A pl_xling is immutable once open and may be shared by threads.
 */
#ifndef PL_XLING_H
#define PL_XLING_H

#include <stddef.h>

#include "text/text.h"
#include "util/err.h"

typedef struct pl_xling pl_xling;

/*
 * Opens a lexicon over data[0..size), which must stay valid and unchanged
 * until pl_xling_close. Checks the header, the checksum and every offset,
 * and walks every entry and vocabulary word, unless the checksum is that of
 * the lexicon the library was built with (its structure is checked by the
 * tests, with pl_xling_check). Returns PL_OK, PL_ERR_CORRUPT (with a message
 * saying what), PL_ERR_NOMEM or PL_ERR_USAGE.
 */
int pl_xling_open(const void *data, size_t size, pl_xling **out, pl_err *err);

/* Checks a lexicon as pl_xling_open does, walking it whatever its checksum. */
int pl_xling_check(const void *data, size_t size, pl_err *err);

/*
 * Opens the lexicon file at `path`, mapped read-only (pages are read as
 * lookups touch them); pl_xling_close unmaps it. PL_ERR_NOTFOUND when the
 * file does not exist, PL_ERR_IO when it cannot be read, else as
 * pl_xling_open.
 */
int pl_xling_open_file(const char *path, pl_xling **out, pl_err *err);

/*
 * The process's lexicon, opened on first use and kept until exit, shared by
 * every database handle and thread: the file named by $PLOTLINE_LEXICON when
 * set (empty: none), else the first that exists of the installed copy and
 * the source tree's data/xling/lexicon.bin. NULL when there is none or it
 * fails to open; *err (may be NULL) then says why, on every call, with the
 * status PL_OK when none was asked for ($PLOTLINE_LEXICON set empty).
 */
const pl_xling *pl_xling_default(pl_err *err);

void pl_xling_close(pl_xling *x);

/* The languages the lexicon knows, in code order: i = 0 .. n-1, NULL past. */
const char *pl_xling_lang(const pl_xling *x, int i);

/* The lexicon's own copy of language `code` (the string pl_xling_lang
 * gives), or NULL when it lacks the language. Codes are compared as
 * numbers: a query asks for each of the catalog's languages. */
const char *pl_xling_lang_of(const pl_xling *x, const char *code);

/* At most this many translations per source and target language. */
#define PL_XLING_MAX_PER_LANG 8

/*
 * Receives one translation: `terms` are the target's n_terms index terms
 * (NUL-terminated, valid only during the call; more than one for a phrase),
 * `weight` in (0, 1], higher for surer translations. Return non-zero to stop.
 */
typedef int (*pl_xling_fn)(void *ctx, const char *tgt_lang, const char *const *terms,
                           int n_terms, double weight);

/*
 * Translates a source given as its index terms in `src_lang` (one term, or a
 * phrase's terms in order: {"credit", "card"}) into each language of
 * target_langs (n_targets codes; NULL for all the lexicon's languages but the
 * source's), in the order given, best first, at most PL_XLING_MAX_PER_LANG
 * each. Between two languages other than English, the direct translations
 * are joined by those through English (source -> English -> target, at half
 * the product of the two weights; a target found both ways gains). Returns
 * how many translations were passed to `fn` (0 when the source is unknown),
 * or PL_ERR_USAGE.
 */
int pl_xling_translate(const pl_xling *x, const char *src_lang, const char *const *terms,
                       int n_terms, const char *const *target_langs, int n_targets,
                       pl_xling_fn fn, void *ctx);

/* The same for one term given as pointer and length. */
int pl_xling_translate_term(const pl_xling *x, const char *src_lang, const char *term,
                            size_t len, const char *const *target_langs, int n_targets,
                            pl_xling_fn fn, void *ctx);

/*
 * The other index terms of one word in `lang`: the stems of its forms that
 * Snowball stems apart from its lemma (Spanish "convert" of convertir:
 * "conviert", "convirt"), so that a translation naming the lemma also finds
 * the text that inflects it. Each goes to `fn` as a one-term target in
 * `lang` with weight 1. Returns how many were passed, or PL_ERR_USAGE.
 */
int pl_xling_variants(const pl_xling *x, const char *lang, const char *term, size_t len,
                      pl_xling_fn fn, void *ctx);

/*
 * The index terms of a word's regular inflected forms that `lang`'s stemmer
 * stems apart from its term `term` (German "erzeug" of erzeugen: erzeugt,
 * the participle "erzeugt"; "speich" of speichern: speichert, gespeichert;
 * "anzeig": angezeigt), analyzed with `an`. Candidates follow the rules and
 * are no words at all as often as not: the caller keeps those its index
 * has. Each goes to `fn` as a one-term target in `lang` with weight 1.
 * German and Hungarian have rules so far. Returns how many were passed, or
 * PL_ERR_USAGE.
 */
int pl_xling_inflect(pl_analyzer *an, const char *lang, const char *term, pl_xling_fn fn,
                     void *ctx);

/* 1 when w[0..n), case-folded (pl_xling_fold), is a function word of `lang`
 * ("de" in French, "the" in English): compiled in from
 * data/xling/stopwords.txt, so it needs no open lexicon. */
int pl_xling_stopword(const char *lang, const char *w, size_t n);

/* 1 when the index term t[0..n) is what `an` makes of one of lang's
 * function words ("wurd" in German, from "würde"): a translation that
 * becomes such a term would match the function word everywhere (German
 * "Würde", dignity, for "credit" meets every "wurde"). A language's terms
 * are made on its first call, with `an`, and kept for the process; 0 when
 * that fails. Safe from any thread, each with its own analyzer. */
int pl_xling_stop_term(pl_analyzer *an, const char *lang, const char *t, size_t n);

/* ---- Compounds ------------------------------------------------------- */

#define PL_XLING_MAX_PARTS 6

typedef struct pl_xling_part {
    char surface[PL_TERM_MAX + 1]; /* the part as written, case-folded, without
                                      its linking element ("kreditkarte") */
    char term[PL_TERM_MAX + 1];    /* its index term ("kreditkart") */
    char link[8];                  /* the linking element that followed it ("n"),
                                      or "" */
} pl_xling_part;

/*
 * Splits a compound of `lang` (de nl sv da nb fi hu: the languages with a
 * vocabulary in the lexicon) into known words: a word as written
 * ("Kreditkartenbezahlung") or its index term ("kreditkartenbezahl"; then the
 * last part may be a stem). Linking elements between parts ("-s-", "-en-",
 * German "-e" dropped: "Schulhof") are recognised and left out of the parts.
 * Prefers the fewest parts, then dictionary forms, then longer parts; a word
 * that is known as a whole is still split when it can be. Fills up to
 * max_parts parts and returns their number (at least 2), or 0 when the word
 * does not split (unknown language, too short, no split found), or
 * PL_ERR_USAGE.
 */
int pl_xling_decompound(const pl_xling *x, const char *lang, const char *word, size_t len,
                        pl_xling_part *parts, int max_parts);

/* 1 when `lang` has a vocabulary to split compounds with (see above). */
int pl_xling_can_split(const pl_xling *x, const char *lang);

/* The linking elements of `lang`'s compounds (German s, es, n, en, e, er,
 * ens; not the dropped final e its compounds also allow): at most max of
 * them into links (not NUL-terminated; owned by the lexicon) and their
 * lengths into lens. Returns how many, 0 when the language joins its parts
 * as they are or has no vocabulary. */
int pl_xling_linkers(const pl_xling *x, const char *lang, const char **links, size_t *lens,
                     int max);

/*
 * Splits a word of a synopsis for indexing, so that a query for one part
 * ("test") meets a compound that has it (Schwangerschaftstest). More
 * cautious than pl_xling_decompound: a word the vocabulary knows, as written
 * or by its index term `term` (an inflection of a known word: "ehemaligen"
 * by "ehemalig"), is left whole, since splitting known words ("Charlotte"
 * into "char" + "lotte") only adds false matches. Same returns as
 * pl_xling_decompound.
 */
int pl_xling_split_unknown(const pl_xling *x, const char *lang, const char *word,
                           size_t len, const char *term, size_t term_len,
                           pl_xling_part *parts, int max_parts);

/*
 * Case-folds s[0..n) the way the analyzer does before stemming (NFKC +
 * case fold), into out[0..cap) NUL-terminated. Returns the folded length, or
 * -1 when it does not fit or s is not valid UTF-8. Shared with the builder so
 * that vocabulary keys and lookups agree.
 */
int pl_xling_fold(const char *s, size_t n, char *out, size_t cap);

#endif
