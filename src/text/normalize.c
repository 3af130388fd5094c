/*
 * normalize.c - NFKC with case folding, and accent folding, of one token.
 *
 * Both run on utf8proc's code point arrays, kept in the analyzer's scratch
 * memory so that a token costs no allocation once the buffers have grown to
 * the longest word seen. The caller takes the all-ASCII case elsewhere; this
 * file sees only tokens with other characters.
 *
 * Normalizing such a token through utf8proc costs some 2,000 instructions,
 * and the same words come back all through a text (and a catalog): a
 * direct-mapped cache of recent (casing rules, word) -> normalized pairs
 * answers most of them, as the stem cache does for stems (stem.c).
 */
#include <stdlib.h>
#include <string.h>

#include "text/text_internal.h"

/* NFKC_Casefold as utf8proc spells it; IGNORE drops the soft hyphens and
 * zero-width joiners the tokenizer lets inside words. */
#define NORM_OPTS                                                                          \
    (UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |            \
     UTF8PROC_IGNORE)
#define NFD_OPTS (UTF8PROC_STABLE | UTF8PROC_DECOMPOSE)
#define NFC_OPTS (UTF8PROC_STABLE | UTF8PROC_COMPOSE)

#define NORM_SLOTS 16384 /* a power of two; 1.5 MiB, touched as used */
#define NORM_KEY 30      /* longer words are not cached */
#define NORM_VAL 62

struct pl_norm_slot {
    unsigned char rules; /* 1 + the language's rules that change the result */
    unsigned char klen, vlen;
    unsigned char key[NORM_KEY];
    unsigned char val[NORM_VAL];
};

void pl_scratch_free(pl_scratch *sc) {
    free(sc->cps);
    free(sc->out);
    free(sc->cache);
    sc->cps = NULL;
    sc->out = NULL;
    sc->cache = NULL;
    sc->cps_cap = sc->out_cap = 0;
    sc->cache_failed = 0;
}

unsigned char pl_norm_rules(const pl_lang_info *li) {
    return (unsigned char)(1 + (li->turkic ? 1 : 0) + (li->folds ? 2 : 0));
}

/* The cache slot for s[0..n) under those rules, or NULL when uncached. */
static pl_norm_slot *norm_slot(pl_scratch *sc, unsigned char rules, const unsigned char *s,
                               size_t n) {
    if (n > NORM_KEY) return NULL;
    if (!sc->cache && !sc->cache_failed) {
        sc->cache = calloc(NORM_SLOTS, sizeof *sc->cache);
        sc->cache_failed = !sc->cache;
    }
    if (!sc->cache) return NULL;
    uint32_t h = 2166136261u ^ rules; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 16777619u;
    return &sc->cache[(h ^ h >> 15) & (NORM_SLOTS - 1)];
}

static size_t grown(size_t cap, size_t need) {
    if (cap < 64) cap = 64;
    while (cap < need)
        cap *= 2;
    return cap;
}

static int reserve_cps(pl_scratch *sc, size_t need) {
    if (need <= sc->cps_cap) return PL_OK;
    if (need > SIZE_MAX / 2 / sizeof *sc->cps) return PL_ERR_NOMEM;
    size_t cap = grown(sc->cps_cap, need);
    utf8proc_int32_t *p = realloc(sc->cps, cap * sizeof *p);
    if (!p) return PL_ERR_NOMEM;
    sc->cps = p;
    sc->cps_cap = cap;
    return PL_OK;
}

int pl_scratch_reserve_out(pl_scratch *sc, size_t need) {
    if (need <= sc->out_cap) return PL_OK;
    if (need > SIZE_MAX / 2) return PL_ERR_NOMEM;
    size_t cap = grown(sc->out_cap, need);
    unsigned char *p = realloc(sc->out, cap);
    if (!p) return PL_ERR_NOMEM;
    sc->out = p;
    sc->out_cap = cap;
    return PL_OK;
}

/*
 * Decomposes s[0..n) into sc->cps, growing it until the result fits with one
 * code point to spare (utf8proc_reencode writes a NUL after its output).
 * *count is 0 when utf8proc refuses the input, which well-formed UTF-8 of
 * bounded length never makes it do.
 */
static int decompose(pl_scratch *sc, const unsigned char *s, size_t n,
                     utf8proc_option_t opts, utf8proc_custom_func fn, void *data,
                     size_t *count) {
    if (reserve_cps(sc, n + 1)) return PL_ERR_NOMEM;
    for (;;) {
        utf8proc_ssize_t m =
            utf8proc_decompose_custom(s, (utf8proc_ssize_t)n, sc->cps,
                                      (utf8proc_ssize_t)sc->cps_cap - 1, opts, fn, data);
        if (m < 0) {
            *count = 0;
            return PL_OK;
        }
        if ((size_t)m < sc->cps_cap) {
            *count = (size_t)m;
            return PL_OK;
        }
        if (reserve_cps(sc, (size_t)m + 1)) return PL_ERR_NOMEM;
    }
}

/* Casing that plain Unicode case folding gets wrong for some languages. */
static utf8proc_int32_t case_map(utf8proc_int32_t cp, void *data) {
    const pl_lang_info *li = data;
    /* İ folds to "i" plus a combining dot, which no one types: make it i. */
    if (cp == 0x130) return 'i';
    /* In Turkish and Azerbaijani the capital of ı is I. */
    if (cp == 'I' && li->turkic) return 0x131;
    return cp;
}

static int normalize(pl_scratch *sc, const unsigned char *s, size_t n,
                     const pl_lang_info *li, size_t *out_len);

int pl_normalize(pl_scratch *sc, const unsigned char *s, size_t n, const pl_lang_info *li,
                 size_t *out_len) {
    unsigned char rules = pl_norm_rules(li);
    pl_norm_slot *slot = norm_slot(sc, rules, s, n);
    if (slot && slot->rules == rules && slot->klen == n && !memcmp(slot->key, s, n)) {
        if (pl_scratch_reserve_out(sc, slot->vlen)) return PL_ERR_NOMEM;
        memcpy(sc->out, slot->val, slot->vlen);
        *out_len = slot->vlen;
        return PL_OK;
    }
    int rc = normalize(sc, s, n, li, out_len);
    if (!rc && slot && *out_len <= NORM_VAL) {
        slot->rules = rules;
        slot->klen = (unsigned char)n;
        slot->vlen = (unsigned char)*out_len;
        memcpy(slot->key, s, n);
        memcpy(slot->val, sc->out, *out_len);
    }
    return rc;
}

static int normalize(pl_scratch *sc, const unsigned char *s, size_t n,
                     const pl_lang_info *li, size_t *out_len) {
    size_t m;
    *out_len = 0;
    if (decompose(sc, s, n, NORM_OPTS, case_map, (void *)li, &m)) return PL_ERR_NOMEM;
    if (m == 0) return PL_OK;
    utf8proc_ssize_t r = utf8proc_normalize_utf32(sc->cps, (utf8proc_ssize_t)m, NORM_OPTS);
    if (r <= 0) return PL_OK;
    m = (size_t)r;

    if (pl_scratch_reserve_out(sc, 4 * m)) return PL_ERR_NOMEM;
    unsigned char *o = sc->out;
    for (size_t i = 0; i < m; i++) {
        utf8proc_int32_t cp = sc->cps[i];
        if (cp < 0x80) {
            *o++ = (unsigned char)cp;
            continue;
        }
        if (li->folds) {
            /*
             * Where accents fold, ligatures and barred letters are spelling
             * variants too. They are spelled out before stemming, because
             * the stemmers' alphabets lack them (French treats œ as a
             * consonant, so "sœurs" and "soeurs" would stem apart).
             * No expansion is longer than the UTF-8 it replaces.
             */
            const char *sub = NULL;
            switch (cp) {
            case 0x153: sub = "oe"; break; /* œ */
            case 0xE6: sub = "ae"; break;  /* æ */
            case 0xF8: sub = "o"; break;   /* ø */
            case 0x142: sub = "l"; break;  /* ł */
            case 0x111: sub = "d"; break;  /* đ */
            default: break;
            }
            if (sub) {
                while (*sub)
                    *o++ = (unsigned char)*sub++;
                continue;
            }
        }
        o += utf8proc_encode_char(cp, o);
    }
    *out_len = (size_t)(o - sc->out);
    return PL_OK;
}

/*
 * The combining diacritics of Latin, Greek and Cyrillic. Marks of other
 * scripts (Indic vowel signs, Thai, Hebrew and Arabic points) carry vowels
 * rather than decoration and are kept even where accents fold.
 */
static int is_accent(utf8proc_int32_t cp) {
    return (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
           (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
           (cp >= 0xFE20 && cp <= 0xFE2F);
}

int pl_fold_accents(pl_scratch *sc, const unsigned char *s, size_t n,
                    const pl_lang_info *li, const unsigned char **res, size_t *res_len) {
    size_t m, k = 0;
    if (decompose(sc, s, n, NFD_OPTS, NULL, NULL, &m)) return PL_ERR_NOMEM;
    for (size_t i = 0; i < m; i++) {
        utf8proc_int32_t cp = sc->cps[i];
        if (is_accent(cp) &&
            !(cp == 0x303 && li->keep_n_tilde && k > 0 && sc->cps[k - 1] == 'n'))
            continue;
        sc->cps[k++] = cp;
    }
    /* Recompose what is left (marks of other scripts), encoding in place. */
    utf8proc_ssize_t r = utf8proc_reencode(sc->cps, (utf8proc_ssize_t)k, NFC_OPTS);
    *res = (const unsigned char *)sc->cps;
    *res_len = r > 0 ? (size_t)r : 0;
    return PL_OK;
}
