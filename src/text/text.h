/*
 * text.h - text analysis: UTF-8 checks, normalization, tokenization, stemming.
 *
 * The one path from raw text to index terms, used alike for synopses, queries
 * and snippets so that they always agree:
 *   tokenize (runs of letters, marks and digits in any script; Han, Hiragana,
 *   Katakana, Hangul and Thai runs as overlapping character bigrams)
 *   -> NFKC + case fold (utf8proc)
 *   -> Snowball stem in the text's language (libstemmer), when it has one
 *   -> fold accents where the language treats them as decoration
 *      (fr es pt it ca el en nl ...; not de fi hu sv da nb tr et ... where
 *      ä/ö/å are letters of their own)
 * Every token carries the byte offsets of its surface form in the original
 * text, so snippets and highlighting need no second tokenizer.
 */
#ifndef PL_TEXT_H
#define PL_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/*
 * Checks that s[0..n) is valid UTF-8 without NUL bytes. Returns 0, or -1 for
 * invalid UTF-8 or -2 for a NUL byte, with the byte offset of the first bad
 * byte in *bad_at (may be NULL).
 */
int pl_utf8_check(const char *s, size_t n, size_t *bad_at);

/* The bytes of the first n codepoints of s[0..len) (valid UTF-8): a cut that
 * never splits a character. */
size_t pl_utf8_prefix(const char *s, size_t len, int n);

typedef struct pl_token {
    const char *term; /* the index term; owned by the analyzer, valid only
                         during the callback; not NUL-terminated */
    size_t len;       /* its length in bytes */
    uint32_t pos;     /* token position in the text: 0, 1, 2, ... (bigrams of
                         one run take consecutive positions) */
    uint32_t start;   /* byte offset of the surface form in the input */
    uint32_t end;     /* byte offset just past it */
} pl_token;

/* A term is at most this many bytes: longer ones are cut at a character
 * boundary, alike in texts and queries, so a very long word still finds
 * itself. The cap keeps index keys short and bounds the work per token. */
#define PL_TERM_MAX 64

/* Receives each token in order; return non-zero to stop the analysis. */
typedef int (*pl_token_fn)(void *ctx, const pl_token *tok);

typedef struct pl_analyzer pl_analyzer;

/* An analyzer caches one stemmer per language; it is for one thread. */
int pl_analyzer_new(pl_analyzer **out);
void pl_analyzer_free(pl_analyzer *a);

/*
 * Analyzes text[0..len) (valid UTF-8) as language `lang` (an ISO code such as
 * "de"; NULL, "und" or a language without a stemmer: normalize and fold only)
 * and calls `fn` for each token. Returns 0, PL_ERR_NOMEM, or the callback's
 * non-zero value when it stopped the analysis. (PL_ERR_USAGE for a NULL
 * analyzer or callback, or a text over UINT32_MAX bytes.)
 */
int pl_analyze(pl_analyzer *a, const char *lang, const char *text, size_t len,
               pl_token_fn fn, void *ctx);

/* Receives each token under the language langs[lang] of pl_analyze_langs. */
typedef int (*pl_token_lang_fn)(void *ctx, size_t lang, const pl_token *tok);
#define PL_ANALYZE_LANGS_MAX 16

/*
 * pl_analyze under each of n_langs <= PL_ANALYZE_LANGS_MAX languages at
 * once, tokenizing and normalizing the text once rather than once per
 * language (a query word is read in up to eight): fn gets the tokens in text
 * order, each in the languages' order, with the same terms and positions as
 * pl_analyze gives for that language.
 */
int pl_analyze_langs(pl_analyzer *a, const char *const *langs, size_t n_langs,
                     const char *text, size_t len, pl_token_lang_fn fn, void *ctx);

/* 1 when Snowball has a stemmer for `lang` (an ISO 639-1 code). */
int pl_lang_has_stemmer(const char *lang);

/* 1 when accents are folded for `lang` (see above). */
int pl_lang_folds_accents(const char *lang);

#endif
