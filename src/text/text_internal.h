/*
 * text_internal.h - the pieces of the analysis pipeline shared by src/text/.
 *
 * text.h is the contract for the rest of plotline; this header wires the
 * stages together: UTF-8 decoding (utf8.c), segmentation into spans
 * (tokenize.c), language policy (lang.c), normalization and accent folding
 * (normalize.c) and the stemmer cache (stem.c). analyze.c runs them in order.
 */
#ifndef PL_TEXT_INTERNAL_H
#define PL_TEXT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <utf8proc.h>

#include "text/text.h"

/* ---- utf8.c ------------------------------------------------------------ */

/*
 * Decodes the code point at s[0..n), n >= 1, accepting only well-formed
 * UTF-8 (no overlongs, surrogates or values above U+10FFFF). Returns the
 * number of bytes used and sets *cp; for an ill-formed or truncated sequence
 * sets *cp to -1 and returns 1, so that a scan always moves forward.
 */
static inline size_t pl_utf8_decode(const unsigned char *s, size_t n, int32_t *cp) {
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = (int32_t)c;
        return 1;
    }
    if (c < 0xC2) goto bad; /* a continuation byte, or an overlong C0/C1 lead */
    if (c < 0xE0) {
        if (n < 2 || (s[1] & 0xC0) != 0x80) goto bad;
        *cp = (int32_t)((c & 0x1F) << 6 | (s[1] & 0x3Fu));
        return 2;
    }
    if (c < 0xF0) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) goto bad;
        if (c == 0xE0 && s[1] < 0xA0) goto bad;  /* overlong */
        if (c == 0xED && s[1] >= 0xA0) goto bad; /* UTF-16 surrogate */
        *cp = (int32_t)((c & 0x0F) << 12 | (s[1] & 0x3Fu) << 6 | (s[2] & 0x3Fu));
        return 3;
    }
    if (c < 0xF5) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            (s[3] & 0xC0) != 0x80)
            goto bad;
        if (c == 0xF0 && s[1] < 0x90) goto bad;  /* overlong */
        if (c == 0xF4 && s[1] >= 0x90) goto bad; /* above U+10FFFF */
        *cp = (int32_t)((c & 0x07) << 18 | (s[1] & 0x3Fu) << 12 | (s[2] & 0x3Fu) << 6 |
                        (s[3] & 0x3Fu));
        return 4;
    }
bad:
    *cp = -1;
    return 1;
}

/* ---- tokenize.c -------------------------------------------------------- */

/* One token's surface form, before normalization. */
typedef struct pl_span {
    uint32_t start, end; /* byte offsets in the input */
    unsigned char cjk;   /* a character bigram (or a lone character) */
    unsigned char ascii; /* every byte is ASCII (letters and digits only) */
} pl_span;

typedef struct pl_tokenizer {
    const unsigned char *s;
    size_t len;
    size_t at;                   /* where scanning resumes */
    int in_run;                  /* inside a bigrammed run */
    size_t unit_start, unit_end; /* that run's last character */
} pl_tokenizer;

void pl_tokenizer_init(pl_tokenizer *t, const char *s, size_t len);
/* Finds the next span; returns 1, or 0 at the end of the text. */
int pl_tokenizer_next(pl_tokenizer *t, pl_span *out);

/* ---- lang.c ------------------------------------------------------------ */

/* What analysis a language code asks for. */
typedef struct pl_lang_info {
    int algo;                   /* index in pl_snowball_algos, or -1: no stemming */
    unsigned char folds;        /* strip accents after stemming */
    unsigned char turkic;       /* I/ı and İ/i pair as in Turkish */
    unsigned char keep_n_tilde; /* ñ stays a letter of its own while folding */
} pl_lang_info;

#define PL_SNOWBALL_N 28
extern const char *const pl_snowball_algos[PL_SNOWBALL_N];

/* 1 when the linked libstemmer provides the algorithm (builds differ). */
int pl_snowball_available(int algo);

/* Resolves an ISO code ("de", "pt-BR", "und", NULL) to its policy. */
void pl_lang_resolve(const char *lang, pl_lang_info *out);

/* ---- normalize.c ------------------------------------------------------- */

typedef struct pl_norm_slot pl_norm_slot;

/* Scratch memory reused from token to token, and a cache of recent
 * normalizations (NULL until first used, or if out of memory). */
typedef struct pl_scratch {
    utf8proc_int32_t *cps; /* code points; also holds folded UTF-8 in place */
    size_t cps_cap;        /* in code points */
    unsigned char *out;    /* normalized UTF-8 */
    size_t out_cap;
    pl_norm_slot *cache;
    int cache_failed;
} pl_scratch;

void pl_scratch_free(pl_scratch *sc);
/* Makes sc->out hold at least `need` bytes. PL_OK or PL_ERR_NOMEM. */
int pl_scratch_reserve_out(pl_scratch *sc, size_t need);

/* What of a language's policy normalization depends on, as a number from 1:
 * its casing (the Turkic I) and the spelling out of ligatures where accents
 * fold. Languages with the same number normalize a word alike. */
unsigned char pl_norm_rules(const pl_lang_info *li);

/*
 * NFKC + case folds s[0..n) (well-formed UTF-8) into sc->out, following the
 * language's casing rules, and spells out ligatures (œ -> oe) when it folds
 * accents. Sets *out_len. PL_OK or PL_ERR_NOMEM.
 */
int pl_normalize(pl_scratch *sc, const unsigned char *s, size_t n, const pl_lang_info *li,
                 size_t *out_len);

/*
 * Strips accents (the combining diacritics of Latin, Greek and Cyrillic) from
 * s[0..n), which must not point into sc->cps. The result is in sc->cps, seen
 * as bytes: *res and *res_len. PL_OK or PL_ERR_NOMEM.
 */
int pl_fold_accents(pl_scratch *sc, const unsigned char *s, size_t n,
                    const pl_lang_info *li, const unsigned char **res, size_t *res_len);

/* ---- stem.c ------------------------------------------------------------ */

struct sb_stemmer;

typedef struct pl_stem_slot pl_stem_slot;

/* One stemmer per Snowball algorithm, created when first needed, and a cache
 * of recent stems shared by all of them. */
typedef struct pl_stemmers {
    struct sb_stemmer *st[PL_SNOWBALL_N];
    unsigned char tried[PL_SNOWBALL_N]; /* created, or known to be missing */
    pl_stem_slot *cache;                /* NULL until first used, or if out of memory */
    int cache_failed;                   /* the cache could not be allocated */
} pl_stemmers;

/* Sets *out to the stemmer of algorithm `algo` (NULL when libstemmer lacks
 * it, or algo < 0). PL_OK or PL_ERR_NOMEM. */
int pl_stemmers_get(pl_stemmers *c, int algo, struct sb_stemmer **out);
void pl_stemmers_free(pl_stemmers *c);

/* Stems w[0..n) with algorithm `algo`, whose stemmer pl_stemmers_get gave.
 * The result stays valid until the next call. PL_OK or PL_ERR_NOMEM. */
int pl_stem(pl_stemmers *c, int algo, const unsigned char *w, size_t n,
            const unsigned char **res, size_t *res_len);

#endif
