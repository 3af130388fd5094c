/*
 * placeholder.c - telling a placeholder ("Episode 4", "4. rész", the title
 * again) from a synopsis.
 *
 * Episode guides fill the cells they have no text for with a label, and an
 * import takes those in like any line. Shown to a reader in place of a real
 * synopsis in another language, or ranked as a match for "episode 4", they
 * would hide the story, so readers and search treat them as missing.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "plotline.h"

/* Longer texts are never labels: the longest label we accept is about
 * "Staffel 12, Folge 104 (Teil 2)". */
#define LABEL_MAX_BYTES 64
#define LABEL_MAX_WORDS 6

/* Words that name an episode, a season or a part, case-folded and without
 * accents, in the languages the samples and common episode guides use. */
static const char *const LABEL_WORDS[] = {
    "episode",   "episodes", "ep",      "eps",       "folge",  "episodio",   "episodi",
    "epizoda",   "epizod",   "epizody", "jakso",     "resz",   "aflevering", "afl",
    "avsnitt",   "afsnit",   "odcinek", "cast",      "dil",    "bolum",      "серия",
    "эпизод",    "епізод",   "серія",   "επεισοδιο", "season", "staffel",    "saison",
    "temporada", "stagione", "sezona",  "kausi",     "evad",   "seizoen",    "sasong",
    "sezon",     "part",     "teil",    "partie",    "parte",  "osa",        "no",
    "nr",        "tba",      "tbd",     "tbc",       "n",      "a",          "untitled",
    "unknown",   "x",        "第",      "话",        "話",     "集",         "회",
    "화",        "본"};

/* Case-folded, accents stripped, NFC; NULL when out of memory or invalid. */
static char *fold(const char *text, size_t len) {
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n = utf8proc_map(
        (const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len, &out,
        UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
    if (n < 0) return NULL;
    return (char *)out;
}

static int is_label_word(const char *w, size_t len) {
    for (size_t i = 0; i < sizeof LABEL_WORDS / sizeof LABEL_WORDS[0]; i++)
        if (strlen(LABEL_WORDS[i]) == len && memcmp(LABEL_WORDS[i], w, len) == 0) return 1;
    /* Roman numerals up to xx, as in "Teil II". */
    if (len <= 5 && strspn(w, "ivx") >= len) return 1;
    return 0;
}

/* 0 separator, 1 letter, 2 digit. */
static int char_class(utf8proc_int32_t cp) {
    utf8proc_category_t cat = utf8proc_category(cp);
    if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) return 1;
    if (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO) return 2;
    return 0;
}

/* The folded words of a text joined by single spaces, for comparing a text
 * with a title whatever their punctuation. NULL when out of memory. */
static char *words_joined(const char *text, size_t len) {
    char *f = fold(text, len);
    if (!f) return NULL;
    char *out = malloc(strlen(f) + 1);
    if (!out) {
        free(f);
        return NULL;
    }
    size_t o = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)f;
    int in_word = 0;
    while (*p) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
        if (k <= 0) break;
        int alnum = char_class(cp) != 0;
        if (alnum) {
            if (!in_word && o) out[o++] = ' ';
            memcpy(out + o, p, (size_t)k);
            o += (size_t)k;
        }
        in_word = alnum;
        p += k;
    }
    out[o] = 0;
    free(f);
    return out;
}

/* Whether folded, space-joined words are a label: a few runs of letters or
 * digits (letters and digits split from each other, so "s01e04" is s 01 e 04),
 * each a number or a label word. */
static int is_label(const char *joined) {
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)joined;
    size_t runs = 0, start = 0, i = 0;
    int prev = 0;
    for (;;) {
        utf8proc_int32_t cp = 0;
        utf8proc_ssize_t k = p[i] ? utf8proc_iterate(p + i, -1, &cp) : 0;
        int cls = k > 0 ? char_class(cp) : 0;
        if (cls != prev && prev) {
            const char *w = joined + start;
            size_t wl = i - start;
            if (++runs > LABEL_MAX_WORDS) return 0;
            int single_se = wl == 1 && (w[0] == 's' || w[0] == 'e');
            if (prev == 1 && !single_se && !is_label_word(w, wl)) return 0;
        }
        if (k <= 0) break;
        if (cls && cls != prev) start = i;
        prev = cls;
        i += (size_t)k;
    }
    return runs > 0;
}

int pl_is_placeholder(const char *text, size_t len, const char *title) {
    if (!text || len == 0) return 1;
    /* Only short texts can be labels or titles; a long one is a story even
     * when it happens to start with "Episode 4". */
    size_t title_len = title ? strlen(title) : 0;
    size_t limit = title_len + 8 > LABEL_MAX_BYTES ? title_len + 8 : LABEL_MAX_BYTES;
    if (len > limit * 4) return 0;
    char *joined = words_joined(text, len);
    /* Invalid or out of memory: not ours to hide. */
    if (!joined) return 0;
    int verdict = joined[0] == 0; /* only spaces and punctuation */
    if (!verdict && title_len) {
        char *t = words_joined(title, title_len);
        verdict = t && t[0] && strcmp(t, joined) == 0;
        free(t);
    }
    if (!verdict && len <= LABEL_MAX_BYTES) verdict = is_label(joined);
    free(joined);
    return verdict;
}
