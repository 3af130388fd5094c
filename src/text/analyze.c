/*
 * analyze.c - the analyzer: text in, index terms with positions and offsets out.
 *
 * Runs each span from the tokenizer through normalization, stemming, accent
 * folding and a length cap (see text.h for the order and why). The analyzer
 * owns everything the stages reuse: the stemmers, the scratch buffers and the
 * last language resolved, so that indexing many texts in one language costs
 * no allocation per token.
 */
#include <stdlib.h>
#include <string.h>

#include "text/text_internal.h"

/*
 * Only this many bytes of a token's surface form are analyzed. Real words are
 * far shorter; the bound keeps a 1 MiB run of letters (a base64 blob, say)
 * from costing megabytes of scratch memory and a long stem. Since the term is
 * cut to PL_TERM_MAX bytes anyway, and the same cut applies to queries, a long
 * token still finds itself.
 */
#define SURFACE_MAX (4 * PL_TERM_MAX)

struct pl_analyzer {
    pl_stemmers stemmers;
    pl_scratch sc;
    /* The language of the last call, resolved. */
    int have_lang;
    int lang_null;
    char lang[PL_LANG_MAX];
    pl_lang_info li;
    struct sb_stemmer *st;
};

int pl_analyzer_new(pl_analyzer **out) {
    *out = NULL;
    pl_analyzer *a = calloc(1, sizeof *a);
    if (!a) return PL_ERR_NOMEM;
    if (pl_scratch_reserve_out(&a->sc, 4 * SURFACE_MAX)) {
        free(a);
        return PL_ERR_NOMEM;
    }
    *out = a;
    return PL_OK;
}

void pl_analyzer_free(pl_analyzer *a) {
    if (!a) return;
    pl_stemmers_free(&a->stemmers);
    pl_scratch_free(&a->sc);
    free(a);
}

/* Resolves `lang` unless the last call used the same code. */
static int set_lang(pl_analyzer *a, const char *lang) {
    if (a->have_lang) {
        if (!lang && a->lang_null) return PL_OK;
        if (lang && !a->lang_null && !strcmp(lang, a->lang)) return PL_OK;
    }
    a->have_lang = 0;
    pl_lang_resolve(lang, &a->li);
    int rc = pl_stemmers_get(&a->stemmers, a->li.algo, &a->st);
    if (rc) return rc;
    /* Codes too long to remember are simply resolved again next time. */
    if (!lang) {
        a->lang_null = 1;
        a->have_lang = 1;
    } else if (strlen(lang) < sizeof a->lang) {
        strcpy(a->lang, lang);
        a->lang_null = 0;
        a->have_lang = 1;
    }
    return PL_OK;
}

static int has_non_ascii(const unsigned char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 0x80) return 1;
    return 0;
}

/* The span's surface form, cut to SURFACE_MAX bytes between characters. */
static size_t surface(const unsigned char *text, const pl_span *sp,
                      const unsigned char **w) {
    *w = text + sp->start;
    size_t n = sp->end - sp->start;
    if (n > SURFACE_MAX) {
        n = SURFACE_MAX;
        while (n > 0 && ((*w)[n] & 0xC0) == 0x80)
            n--; /* cut between characters */
    }
    return n;
}

/* The span normalized (NFKC, case folded as li says) into a->sc.out. */
static int normalize_span(pl_analyzer *a, const unsigned char *text, const pl_span *sp,
                          const pl_lang_info *li, size_t *tn) {
    const unsigned char *w;
    size_t n = surface(text, sp, &w);
    if (sp->ascii && !(li->turkic && memchr(w, 'I', n))) {
        /* ASCII letters and digits: NFKC changes nothing, folding is lowering. */
        unsigned char *o = a->sc.out; /* holds 4 * SURFACE_MAX bytes from the start */
        for (size_t i = 0; i < n; i++) {
            unsigned c = w[i];
            o[i] = (unsigned char)(c - 'A' < 26u ? c + 32 : c);
        }
        *tn = n;
        return PL_OK;
    }
    return pl_normalize(&a->sc, w, n, li, tn) ? PL_ERR_NOMEM : PL_OK;
}

/* The term of a normalized span (in a->sc.out, which it leaves as it is):
 * stemmed, accents folded, cut; *len is 0 when nothing is left of it. */
static int finish_term(pl_analyzer *a, const pl_lang_info *li, int stems, const pl_span *sp,
                       size_t tn, const unsigned char **term, size_t *len) {
    const unsigned char *t = a->sc.out;
    /* Bigrams of Han, kana, Hangul and Thai are not words of the language. */
    if (stems && !sp->cjk && tn > 0 && pl_stem(&a->stemmers, li->algo, t, tn, &t, &tn))
        return PL_ERR_NOMEM;

    if (li->folds && !sp->cjk && has_non_ascii(t, tn) &&
        pl_fold_accents(&a->sc, t, tn, li, &t, &tn))
        return PL_ERR_NOMEM;

    if (tn > PL_TERM_MAX) {
        tn = PL_TERM_MAX;
        while (tn > 0 && (t[tn] & 0xC0) == 0x80)
            tn--;
    }
    *term = t;
    *len = tn;
    return PL_OK;
}

int pl_analyze(pl_analyzer *a, const char *lang, const char *text, size_t len,
               pl_token_fn fn, void *ctx) {
    if (!a || !fn || (!text && len)) return PL_ERR_USAGE;
    if (len > UINT32_MAX) return PL_ERR_USAGE; /* offsets are 32-bit */
    int rc = set_lang(a, lang);
    if (rc) return rc;

    pl_tokenizer tk;
    pl_span sp;
    pl_token tok;
    uint32_t pos = 0;
    pl_tokenizer_init(&tk, text, len);
    while (pl_tokenizer_next(&tk, &sp)) {
        const unsigned char *term;
        size_t tn;
        if ((rc = normalize_span(a, (const unsigned char *)text, &sp, &a->li, &tn)) ||
            (rc = finish_term(a, &a->li, a->st != NULL, &sp, tn, &term, &tn)))
            return rc;
        if (tn == 0) continue; /* nothing but ignorable characters */
        tok.term = (const char *)term;
        tok.len = tn;
        tok.pos = pos++;
        tok.start = sp.start;
        tok.end = sp.end;
        rc = fn(ctx, &tok);
        if (rc) return rc;
    }
    return PL_OK;
}

int pl_analyze_langs(pl_analyzer *a, const char *const *langs, size_t n_langs,
                     const char *text, size_t len, pl_token_lang_fn fn, void *ctx) {
    if (!a || !fn || (!text && len) || (n_langs && !langs) ||
        n_langs > PL_ANALYZE_LANGS_MAX)
        return PL_ERR_USAGE;
    if (len > UINT32_MAX) return PL_ERR_USAGE;
    pl_lang_info li[PL_ANALYZE_LANGS_MAX];
    int stems[PL_ANALYZE_LANGS_MAX];
    for (size_t k = 0; k < n_langs; k++) {
        pl_lang_resolve(langs[k], &li[k]);
        struct sb_stemmer *st;
        int rc = pl_stemmers_get(&a->stemmers, li[k].algo, &st);
        if (rc) return rc;
        stems[k] = st != NULL;
    }
    pl_tokenizer tk;
    pl_span sp;
    uint32_t pos[PL_ANALYZE_LANGS_MAX] = {0};
    pl_tokenizer_init(&tk, text, len);
    while (pl_tokenizer_next(&tk, &sp)) {
        /* The normalized form serves every language that normalizes alike
         * (pl_norm_rules): it is redone only when that changes. */
        unsigned char rule = 0; /* none yet: pl_norm_rules is at least 1 */
        size_t norm = 0;
        for (size_t k = 0; k < n_langs; k++) {
            int rc;
            if (pl_norm_rules(&li[k]) != rule) {
                if ((rc = normalize_span(a, (const unsigned char *)text, &sp, &li[k],
                                         &norm)))
                    return rc;
                rule = pl_norm_rules(&li[k]);
            }
            const unsigned char *term;
            size_t tn;
            if ((rc = finish_term(a, &li[k], stems[k], &sp, norm, &term, &tn))) return rc;
            if (tn == 0) continue; /* nothing but ignorable characters */
            pl_token tok = {(const char *)term, tn, pos[k]++, sp.start, sp.end};
            if ((rc = fn(ctx, k, &tok))) return rc;
        }
    }
    return PL_OK;
}
