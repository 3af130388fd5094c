/*
 * inflect.c - the regular inflected forms of a word that its language's
 * stemmer leaves apart from the word's own index term.
 *
 * Snowball's German stemmer takes endings off, but not the "-t" of a verb's
 * third person or its participle, nor the participle's "ge-": "erzeugen"
 * is `erzeug`, "erzeugt" `erzeugt`, "gespeichert" `gespeichert`. A
 * dictionary gives the infinitive, a manual page says "erzeugt"; the
 * lexicon's inflected stems (pl_xling_variants) come from Apertium's
 * generators, and Debian has none for German. These forms follow from the
 * rules of the weak conjugation, so they are made here from the index term
 * and analyzed like any word; the caller keeps those its index has (most
 * candidates are no word at all, and cost one look-up). Hungarian's stemmer
 * keeps a verb apart from the noun of its action (átnevezi, átnevezés),
 * which a lexicon gives for an English verb as often as the verb.
 */
#include <string.h>

#include "xling/xling.h"

/* Prefixes that a participle's "ge-" follows: aus-ge-geben, an-ge-zeigt.
 * Folded as the analyzer folds (zurück: zuruck). */
static const char *const separable[] = {
    "ab",  "an",  "auf", "aus",  "bei", "dar", "ein", "fest",   "fort",     "her",
    "hin", "los", "mit", "nach", "vor", "weg", "zu",  "zuruck", "zusammen",
};

/* Prefixes that take no "ge-": erzeugt, verbunden, besteht, entfernt. */
static const char *const inseparable[] = {"be", "emp",  "ent", "er",
                                          "ge", "miss", "ver", "zer"};

static int starts(const char *s, const char *p) {
    return strncmp(s, p, strlen(p)) == 0;
}

static int ends(const char *s, size_t n, const char *suf) {
    size_t k = strlen(suf);
    return n >= k && memcmp(s + n - k, suf, k) == 0;
}

typedef struct form_ctx {
    char term[PL_TERM_MAX + 1];
    int n;
} form_ctx;

static int keep_one(void *ctx, const pl_token *tok) {
    form_ctx *f = ctx;
    if (++f->n > 1 || tok->len > PL_TERM_MAX) return 1;
    memcpy(f->term, tok->term, tok->len);
    f->term[tok->len] = 0;
    return 0;
}

typedef struct sent {
    char t[16][PL_TERM_MAX + 1];
    int n;
} sent;

/* Analyzes one candidate and passes its term on unless it is the word's own
 * or one already passed. Returns fn's answer (non-zero: stop). */
static int emit(pl_analyzer *an, const char *lang, const char *a, const char *b,
                const char *c, const char *self, sent *done, pl_xling_fn fn, void *ctx,
                int *count) {
    char w[4 * PL_TERM_MAX];
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    if (la + lb + lc >= sizeof w) return 0;
    memcpy(w, a, la);
    memcpy(w + la, b, lb);
    memcpy(w + la + lb, c, lc + 1);
    form_ctx f = {.n = 0};
    pl_analyze(an, lang, w, la + lb + lc, keep_one, &f);
    /* Not a stem the stemmer cut short ("működés" to "mű"): it would be
     * another word's. */
    if (f.n != 1 || strcmp(f.term, self) == 0 || strlen(f.term) < 4) return 0;
    for (int i = 0; i < done->n; i++)
        if (strcmp(done->t[i], f.term) == 0) return 0;
    if (done->n < (int)(sizeof done->t / sizeof done->t[0]))
        memcpy(done->t[done->n++], f.term, sizeof f.term);
    const char *t[1] = {f.term};
    ++*count;
    return fn(ctx, lang, t, 1, 1.0);
}

/* Whether a stem takes "-et" rather than "-t": after d or t (bildet,
 * arbeitet), and after m or n that follow another consonant but l, r, h
 * (rechnet, öffnet; not lernt, warnt, wohnt, nor a noun's "intern":
 * internet). */
static int takes_et(const char *x, size_t n) {
    char c = x[n - 1], b = n > 1 ? x[n - 2] : 0;
    if (c == 'd' || c == 't') return 1;
    if (c != 'm' && c != 'n') return 0;
    if (b == 'h') return n > 2 && x[n - 3] == 'c'; /* rechnet, zeichnet */
    return b && !strchr("aeiouylrmn", b);
}

/* German: the present's third person and the participle of a weak verb
 * whose infinitive stems to `x` (erzeug: erzeugt, verbindet, speichert,
 * wechselt; gespeichert, angezeigt, konvertiert). */
static int german(pl_analyzer *an, const char *x, pl_xling_fn fn, void *ctx) {
    size_t n = strlen(x);
    if (n < 3) return 0;
    sent done = {.n = 0};
    int count = 0;
    /* -eln verbs keep their n in the stem (wechseln), -ern ones lose "ern"
     * (speichern: speich), -ieren ones "eren" (konvertieren: konverti). */
    char base[PL_TERM_MAX + 1];
    memcpy(base, x, n + 1);
    if (ends(x, n, "eln")) base[n - 1] = 0;
    const char *const endings[] = {takes_et(base, strlen(base)) ? "et" : "t", "ert"};
    for (size_t e = 0; e < sizeof endings / sizeof endings[0]; e++)
        if (emit(an, "de", base, endings[e], "", x, &done, fn, ctx, &count)) return count;
    /* The participle: ge- after a separable prefix, none after an
     * inseparable one or on -ieren verbs (those are among the above). */
    if (ends(x, n, "i")) return count;
    for (size_t i = 0; i < sizeof inseparable / sizeof inseparable[0]; i++)
        if (starts(x, inseparable[i]) && n > strlen(inseparable[i]) + 2) return count;
    const char *pre = "", *rest = base;
    char head[16] = "";
    size_t best = 0; /* the longest prefix: zuruck, not zu */
    for (size_t i = 0; i < sizeof separable / sizeof separable[0]; i++) {
        size_t k = strlen(separable[i]);
        if (starts(x, separable[i]) && n > k + 2 && k > best && k + 3 <= sizeof head) {
            memcpy(head, separable[i], k);
            memcpy(head + k, "ge", 3);
            pre = head;
            rest = base + k;
            best = k;
        }
    }
    if (!*pre) pre = "ge";
    for (size_t e = 0; e < sizeof endings / sizeof endings[0]; e++)
        if (emit(an, "de", pre, rest, endings[e], x, &done, fn, ctx, &count)) return count;
    return count;
}

/* Hungarian: a verb and the noun of its action, which the stemmer keeps
 * apart: a lexicon gives "átnevezés" (renaming) for "rename", a manual page
 * says "átnevezi" (renames it); "módosítás", "módosítja". From the noun's
 * -ás/-és, the verb's forms that texts have most: itself, its definite and
 * indefinite present, past and infinitive, of either vowel harmony (the
 * wrong one is no word, and no index has it). The stemmer cuts the bare
 * forms unevenly ("módosít" to "módosí"), so each is analyzed. From a
 * verb, its noun. */
static int hungarian(pl_analyzer *an, const char *x, pl_xling_fn fn, void *ctx) {
    size_t n = strlen(x);
    sent done = {.n = 0};
    int count = 0;
    static const char as[] = "\xc3\xa1s", es[] = "\xc3\xa9s"; /* ás, és */
    if (n >= 3 + 4 && (ends(x, n, as) || ends(x, n, es))) {
        char verb[PL_TERM_MAX + 1];
        memcpy(verb, x, n - 3);
        verb[n - 3] = 0;
        static const char *const forms[] = {"",    "ja",  "i",   "j\xc3\xa1k", "ik",
                                            "ott", "ett", "ani", "eni",        "ni"};
        for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++)
            if (emit(an, "hu", verb, forms[f], "", x, &done, fn, ctx, &count)) return count;
        return count;
    }
    if (n < 4) return 0;
    if (emit(an, "hu", x, as, "", x, &done, fn, ctx, &count)) return count;
    emit(an, "hu", x, es, "", x, &done, fn, ctx, &count);
    return count;
}

int pl_xling_inflect(pl_analyzer *an, const char *lang, const char *term, pl_xling_fn fn,
                     void *ctx) {
    if (!an || !lang || !term || !fn) return PL_ERR_USAGE;
    if (strcmp(lang, "de") == 0) return german(an, term, fn, ctx);
    if (strcmp(lang, "hu") == 0) return hungarian(an, term, fn, ctx);
    return 0;
}
