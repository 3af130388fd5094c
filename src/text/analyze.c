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

/* Computes the term of one span; *len is 0 when nothing is left of it. */
static int make_term(pl_analyzer *a, const unsigned char *text, const pl_span *sp,
                     const unsigned char **term, size_t *len) {
    const pl_lang_info *li = &a->li;
    const unsigned char *w = text + sp->start;
    size_t n = sp->end - sp->start;
    if (n > SURFACE_MAX) {
        n = SURFACE_MAX;
        while (n > 0 && (w[n] & 0xC0) == 0x80)
            n--; /* cut between characters */
    }

    const unsigned char *t;
    size_t tn;
    if (sp->ascii && !(li->turkic && memchr(w, 'I', n))) {
        /* ASCII letters and digits: NFKC changes nothing, folding is lowering. */
        unsigned char *o = a->sc.out; /* holds 4 * SURFACE_MAX bytes from the start */
        for (size_t i = 0; i < n; i++) {
            unsigned c = w[i];
            o[i] = (unsigned char)(c - 'A' < 26u ? c + 32 : c);
        }
        tn = n;
    } else if (pl_normalize(&a->sc, w, n, li, &tn)) {
        return PL_ERR_NOMEM;
    }
    t = a->sc.out;

    /* Bigrams of Han, kana, Hangul and Thai are not words of the language. */
    if (a->st && !sp->cjk && tn > 0 && pl_stem(&a->stemmers, a->li.algo, t, tn, &t, &tn))
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
        rc = make_term(a, (const unsigned char *)text, &sp, &term, &tn);
        if (rc) return rc;
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
