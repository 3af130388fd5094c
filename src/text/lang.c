/*
 * lang.c - what each language code asks of the analysis: which Snowball
 * stemmer, whether accents are folded, and special casing.
 *
 * Accent folding. After stemming, accents are stripped for languages where
 * they are decoration that writers drop or vary: en fr es pt it ca el nl ro
 * ga gl cy ... (a French query "operation" must find "opération", a Greek
 * "εγχειρηση" must find "εγχείρηση"). They are kept where the marked letter is
 * a letter of its own and folding would merge different words: de fi hu sv
 * da nb nn no is fo et tr az lt lv pl cs sk sl hr bs sr ru uk be bg mk vi eo
 * sq (Finnish "tähti" is not "tahti", Turkish "kız" not "kiz"; German needs no
 * folding since its Snowball stemmer writes umlauts out itself). Spanish folds
 * but keeps ñ, so that "año" does not become "ano".
 *
 * A code with no entry here (NULL, "und", "und-Hani", a rare ISO 639-3 code)
 * is treated as unknown: nothing to stem, and accents folded, since without
 * knowing the language a reader most likely expects "cafe" to find "café".
 */
#include <libstemmer.h>
#include <string.h>

#include "text/text_internal.h"

/* Snowball's algorithm names; pl_lang_info.algo indexes this table. */
const char *const pl_snowball_algos[PL_SNOWBALL_N] = {
    "arabic",  "armenian", "basque",     "catalan", "danish",    "dutch",      "english",
    "finnish", "french",   "german",     "greek",   "hindi",     "hungarian",  "indonesian",
    "irish",   "italian",  "lithuanian", "nepali",  "norwegian", "portuguese", "romanian",
    "russian", "serbian",  "spanish",    "swedish", "tamil",     "turkish",    "yiddish",
};

/* clang-format off */
enum {
    AR, HY, EU, CA, DA, NL, EN, FI, FR, DE, EL, HI, HU, ID, GA, IT, LT, NE,
    NO, PT, RO, RU, SR, ES, SV, TA, TR, YI, NONE = -1
};
/* clang-format on */

enum { KEEP = 0, FOLD = 1 };

typedef struct lang_entry {
    char code[4];
    signed char algo;
    unsigned char folds;
} lang_entry;

/* Sorted by code for binary search. */
static const lang_entry langs[] = {
    {"af", NONE, FOLD}, {"ar", AR, FOLD},   {"az", NONE, KEEP}, {"be", NONE, KEEP},
    {"bg", NONE, KEEP}, {"bs", NONE, KEEP}, {"ca", CA, FOLD},   {"cs", NONE, KEEP},
    {"cy", NONE, FOLD}, {"da", DA, KEEP},   {"de", DE, KEEP},   {"el", EL, FOLD},
    {"en", EN, FOLD},   {"eo", NONE, KEEP}, {"es", ES, FOLD},   {"et", NONE, KEEP},
    {"eu", EU, FOLD},   {"fi", FI, KEEP},   {"fo", NONE, KEEP}, {"fr", FR, FOLD},
    {"ga", GA, FOLD},   {"gl", NONE, FOLD}, {"hi", HI, FOLD},   {"hr", NONE, KEEP},
    {"hu", HU, KEEP},   {"hy", HY, FOLD},   {"id", ID, FOLD},   {"is", NONE, KEEP},
    {"it", IT, FOLD},   {"lb", NONE, KEEP}, {"lt", LT, KEEP},   {"lv", NONE, KEEP},
    {"mk", NONE, KEEP}, {"ms", NONE, FOLD}, {"nb", NO, KEEP},   {"ne", NE, FOLD},
    {"nl", NL, FOLD},   {"nn", NO, KEEP},   {"no", NO, KEEP},   {"pl", NONE, KEEP},
    {"pt", PT, FOLD},   {"ro", RO, FOLD},   {"ru", RU, KEEP},   {"sk", NONE, KEEP},
    {"sl", NONE, KEEP}, {"sq", NONE, KEEP}, {"sr", SR, KEEP},   {"sv", SV, KEEP},
    {"ta", TA, FOLD},   {"tr", TR, KEEP},   {"uk", NONE, KEEP}, {"vi", NONE, KEEP},
    {"yi", YI, FOLD},
};

void pl_lang_resolve(const char *lang, pl_lang_info *out) {
    out->algo = -1;
    out->folds = 1;
    out->turkic = 0;
    out->keep_n_tilde = 0;
    if (!lang) return;

    /* The primary subtag, lower-cased: "pt-BR" -> "pt". */
    char code[4];
    size_t n = 0;
    while (lang[n] && lang[n] != '-' && lang[n] != '_') {
        if (n == 3) return; /* no entry is longer */
        char c = lang[n];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        code[n++] = c;
    }
    code[n] = 0;

    size_t lo = 0, hi = sizeof langs / sizeof langs[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int cmp = strcmp(code, langs[mid].code);
        if (cmp == 0) {
            out->algo = langs[mid].algo;
            out->folds = langs[mid].folds;
            out->turkic = !strcmp(code, "tr") || !strcmp(code, "az");
            out->keep_n_tilde = !strcmp(code, "es");
            return;
        }
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
}

int pl_snowball_available(int algo) {
    if (algo < 0) return 0;
    for (const char **l = sb_stemmer_list(); *l; l++)
        if (!strcmp(*l, pl_snowball_algos[algo])) return 1;
    return 0;
}

int pl_lang_has_stemmer(const char *lang) {
    pl_lang_info li;
    pl_lang_resolve(lang, &li);
    return pl_snowball_available(li.algo);
}

int pl_lang_folds_accents(const char *lang) {
    pl_lang_info li;
    pl_lang_resolve(lang, &li);
    return li.folds;
}
