/*
 * keys.c - match keys for grouping translations (see group.h).
 *
 * Transliteration is written here rather than taken from a library because
 * what is wanted is not a standard romanization but a deliberately lossy
 * phonetic key in which the Greek, Cyrillic and Latin spellings of one name
 * coincide; no Debian-packaged library offers that (ICU's transliterators
 * give standard romanizations, which keep Charlotte and Σάρλοτ apart).
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "group.h"
#include "util/sort.h"
#include "xling/xling.h"

/* Greek letters after case and accent folding, and their Latin sounds. */
static const char *greek(int32_t c) {
    static const char *const t[] = {"a", "v", "g", "d", "e",  "z",  "i", "th", "i",
                                    "k", "l", "m", "n", "x",  "o",  "p", "r",  "s",
                                    "s", "t", "i", "f", "ch", "ps", "o"}; /* α..ω, ς at its
                                                                             place */
    if (c >= 0x3B1 && c <= 0x3C9) return t[c - 0x3B1];
    return NULL;
}

/* Cyrillic letters (Russian, Ukrainian, Bulgarian, Serbian, Macedonian). */
static const char *cyrillic(int32_t c) {
    static const char *const t[] = {"a",  "b",    "v", "g", "d", "e",  "zh", "z",
                                    "i",  "i",    "k", "l", "m", "n",  "o",  "p",
                                    "r",  "s",    "t", "u", "f", "kh", "ts", "ch",
                                    "sh", "shch", "",  "y", "",  "e",  "yu", "ya"};
    if (c >= 0x430 && c <= 0x44F) return t[c - 0x430];
    switch (c) {
    case 0x451: return "e";  /* ё */
    case 0x454: return "e";  /* є */
    case 0x456: return "i";  /* і */
    case 0x457: return "i";  /* ї */
    case 0x491: return "g";  /* ґ */
    case 0x452: return "dj"; /* ђ */
    case 0x458: return "j";  /* ј */
    case 0x459: return "lj"; /* љ */
    case 0x45A: return "nj"; /* њ */
    case 0x45B: return "c";  /* ћ */
    case 0x45F: return "dz"; /* џ */
    default: return NULL;
    }
}

/* Greek digraphs that are one sound: μπ b and ντ d at the start of a word,
 * mb and nd inside it (Λάμπρος, Μιράντα); γκ g (Μπιγκ), γγ ng, ου u, and the
 * vowel pairs read as one vowel. */
static const char *greek_pair(int32_t a, int32_t b, int initial) {
    if (a == 0x3BC && b == 0x3C0) return initial ? "b" : "mb";
    if (a == 0x3BD && b == 0x3C4) return initial ? "d" : "nd";
    if (a == 0x3B3 && b == 0x3BA) return "g";
    if (a == 0x3B3 && b == 0x3B3) return "ng";
    if (a == 0x3BF && b == 0x3C5) return "u";
    if (a == 0x3B1 && b == 0x3B9) return "e";
    if ((a == 0x3B5 || a == 0x3BF || a == 0x3C5) && b == 0x3B9) return "i";
    return NULL;
}

/* Latin spelling rules folded into one key: each rule maps a letter group
 * to the sound it most often stands for across the catalog's languages. */
static const struct {
    const char *from, *to;
} SOUNDS[] = {{"sch", "s"}, {"ch", "s"}, {"sh", "s"}, {"ph", "f"}, {"th", "t"},
              {"kh", "k"},  {"ck", "k"}, {"qu", "k"}, {"c", "k"},  {"q", "k"},
              {"y", "i"},   {"w", "v"},  {"z", "s"},  {"x", "ks"}, {"h", ""}};

size_t pl_group_phonetic(const char *word, size_t len, char *out, size_t cap) {
    char latin[256];
    size_t n = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)word;
    utf8proc_ssize_t left = (utf8proc_ssize_t)len;
    while (left > 0) {
        if (*p < 0x80) { /* most letters: no pair begins with one */
            if (n + 1 >= sizeof latin) break;
            latin[n++] = (char)*p++;
            left--;
            continue;
        }
        int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate(p, left, &c);
        if (k <= 0) return 0;
        p += k;
        left -= k;
        const char *s = NULL;
        int32_t next = -1;
        if (left > 0) utf8proc_iterate(p, left, &next);
        const char *pair = (next >= 0) ? greek_pair(c, next, n == 0) : NULL;
        if (pair) {
            utf8proc_ssize_t k2 = utf8proc_iterate(p, left, &next);
            p += k2;
            left -= k2;
            s = pair;
        } else if (c < 0x80) {
            if (n + 1 >= sizeof latin) break;
            latin[n++] = (char)c;
            continue;
        } else if (!(s = greek(c)) && !(s = cyrillic(c))) {
            return 0; /* another script: no key */
        }
        size_t sl = strlen(s);
        if (n + sl >= sizeof latin) break;
        memcpy(latin + n, s, sl);
        n += sl;
    }
    latin[n] = 0;
    /* Sound rules, longest first at each position; then doubled letters
     * collapse (Carrie, Κάρι). */
    size_t o = 0;
    char last = 0;
    for (size_t i = 0; i < n && o + 2 < cap;) {
        const char *to = NULL;
        size_t used = 1;
        for (size_t r = 0; r < sizeof SOUNDS / sizeof SOUNDS[0]; r++) {
            if (SOUNDS[r].from[0] != latin[i]) continue; /* most letters have no rule */
            size_t fl = strlen(SOUNDS[r].from);
            if (strncmp(latin + i, SOUNDS[r].from, fl) == 0) {
                to = SOUNDS[r].to;
                used = fl;
                break;
            }
        }
        char buf[3] = {latin[i], 0, 0};
        if (!to) to = buf;
        for (const char *t = to; *t && o + 1 < cap; t++) {
            if (*t == last) continue;
            out[o++] = *t;
            last = *t;
        }
        i += used;
    }
    out[o] = 0;
    return o;
}

static uint32_t fnv1a(const char *s, size_t n, uint32_t h) {
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

typedef struct key_ctx {
    pl_group_key *keys;
    size_t n, cap;
    int oom;
} key_ctx;

static void add_key(key_ctx *c, pl_group_key k) {
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        pl_group_key *grown = realloc(c->keys, cap * sizeof *grown);
        if (!grown) {
            c->oom = 1;
            return;
        }
        c->keys = grown;
        c->cap = cap;
    }
    c->keys[c->n++] = k;
}

/* The spelling keys of one word's folded, unstemmed term. */
static void spelling_keys(key_ctx *c, const char *term, size_t len) {
    char ph[128];
    size_t n = pl_group_phonetic(term, len, ph, sizeof ph);
    if (n < 3) return;
    add_key(c, fnv1a(ph, n < 4 ? n : 4, 2166136261u));
    if (n >= 5) add_key(c, fnv1a(ph, 5, 2166136261u));
}

static int is_number(const char *term, size_t len) {
    int digits = 1;
    for (size_t i = 0; i < len; i++)
        digits &= term[i] >= '0' && term[i] <= '9';
    return digits;
}

/* Concept keys: a word's meaning, as its English translation's index term
 * (an English word is its own), so that Herz, coeur and καρδιά meet at
 * "heart". A different seed keeps them apart from the spelling keys. */
#define CONCEPT_SEED 0x9e3779b9u
#define CONCEPT_PER_WORD 2 /* translations kept: the first senses */
/* A weaker translation is a sense the lexicon keeps for search (down to
 * 0.15), where a false match costs a place in a list; here it would join two
 * stories that share only such guesses (tests/e2e/across.sh: a French
 * synopsis to another episode's German one). 0.3 is the lexicon's floor
 * before; on bench/xling grouping 0.991 at 0.25 and 0.3, 0.996 at 0.2,
 * which fails that test, 0.987 at 0.4. */
#define CONCEPT_MIN_WEIGHT 0.3

typedef struct concept_ctx {
    key_ctx *keys;
    const pl_xling *x;
    const char *lang;
    int left;
} concept_ctx;

static int on_translation(void *vctx, const char *lang, const char *const *t, int n,
                          double w) {
    concept_ctx *c = vctx;
    if (n == 1 && w >= CONCEPT_MIN_WEIGHT)
        add_key(c->keys, fnv1a(t[0], strlen(t[0]), CONCEPT_SEED));
    return --c->left <= 0 || c->keys->oom;
}

static int on_concept(void *vctx, const pl_token *t) {
    concept_ctx *c = vctx;
    if (t->len < 3) return c->keys->oom; /* mostly function words */
    if (strcmp(c->lang, "en") == 0) {
        add_key(c->keys, fnv1a(t->term, t->len, CONCEPT_SEED));
        return c->keys->oom;
    }
    static const char *const english[1] = {"en"};
    c->left = CONCEPT_PER_WORD;
    pl_xling_translate_term(c->x, c->lang, t->term, t->len, english, 1, on_translation, c);
    return c->keys->oom;
}

/* The words of a text: their folded terms one after another in `terms`,
 * with where each stands in the text. Words are gathered first and keyed
 * after, since the analyzer serves one analysis at a time and a word's
 * concepts need its own (stemmed) one. */
typedef struct word_list {
    struct word {
        uint32_t start, end, term_off, term_len;
    } * w;
    size_t n, cap;
    char *terms;
    size_t used, terms_cap;
    int oom;
} word_list;

static int on_word(void *vctx, const pl_token *t) {
    word_list *l = vctx;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        struct word *grown = realloc(l->w, cap * sizeof *grown);
        if (!grown) return l->oom = 1;
        l->w = grown;
        l->cap = cap;
    }
    if (l->used + t->len > l->terms_cap) {
        size_t cap = l->terms_cap ? l->terms_cap * 2 : 4096;
        while (cap < l->used + t->len)
            cap *= 2;
        char *grown = realloc(l->terms, cap);
        if (!grown) return l->oom = 1;
        l->terms = grown;
        l->terms_cap = cap;
    }
    memcpy(l->terms + l->used, t->term, t->len);
    l->w[l->n++] = (struct word){t->start, t->end, (uint32_t)l->used, (uint32_t)t->len};
    l->used += t->len;
    return 0;
}

/* Adds the keys of one word (not a number): from the memo when it has
 * them, else computed and remembered. */
static void word_keys(key_ctx *c, pl_analyzer *an, const pl_xling *x, pl_memo *memo,
                      const char *lang, const char *text, const struct word *w,
                      const char *term) {
    /* Keyed by the word as written, not its folded form: the concepts come
     * from the written word's analysis in its language, and two spellings
     * that fold alike may stem apart. */
    char mk[PL_LANG_MAX + 4 * PL_TERM_MAX + 1];
    size_t wlen = w->end - w->start;
    size_t ll = strlen(lang), klen = ll + 1 + wlen;
    int use_memo = memo && klen <= sizeof mk;
    if (use_memo) {
        memcpy(mk, lang, ll + 1);
        memcpy(mk + ll + 1, text + w->start, wlen);
        const void *val;
        size_t vlen;
        if (pl_memo_get(memo, mk, klen, &val, &vlen)) {
            for (size_t i = 0; i + sizeof(pl_group_key) <= vlen;
                 i += sizeof(pl_group_key)) {
                pl_group_key k;
                memcpy(&k, (const char *)val + i, sizeof k);
                add_key(c, k);
            }
            return;
        }
    }
    size_t first = c->n;
    spelling_keys(c, term, w->term_len);
    if (x && *lang) {
        /* The word's concepts, through its stem in its language. */
        concept_ctx cc = {c, x, lang, 0};
        pl_analyze(an, lang, text + w->start, w->end - w->start, on_concept, &cc);
    }
    if (use_memo && !c->oom) /* a word without keys is remembered too */
        pl_memo_put(memo, mk, klen, c->n > first ? c->keys + first : NULL,
                    (c->n - first) * sizeof *c->keys);
}

/* Whether word i is written as an earlier word of the text was: its keys
 * are in already (a text repeats its names and words many times over).
 * `seen` is an open-addressing set of word indexes + 1, `mask` + 1 slots. */
static int repeated(const word_list *l, size_t i, const char *text, uint32_t *seen,
                    size_t mask) {
    const struct word *w = &l->w[i];
    size_t wlen = w->end - w->start;
    uint32_t h = fnv1a(text + w->start, wlen, 2166136261u);
    for (size_t s = h & mask;; s = (s + 1) & mask) {
        if (!seen[s]) {
            seen[s] = (uint32_t)i + 1;
            return 0;
        }
        const struct word *o = &l->w[seen[s] - 1];
        if (o->end - o->start == wlen &&
            memcmp(text + o->start, text + w->start, wlen) == 0)
            return 1;
    }
}

int pl_group_keys(pl_analyzer *an, const pl_xling *x, pl_memo *memo, const char *lang,
                  const char *text, size_t len, pl_group_key **keys, size_t *n) {
    key_ctx c = {0};
    word_list words = {0};
    /* No language: words are case- and accent-folded but not stemmed, so
     * names keep their letters. */
    int rc = pl_analyze(an, NULL, text, len, on_word, &words);
    if (!lang) lang = "";
    size_t slots = 64;
    while (slots < 2 * words.n)
        slots *= 2;
    uint32_t *seen = calloc(slots, sizeof *seen);
    if (!seen) words.oom = 1;
    for (size_t i = 0; i < words.n && !rc && !words.oom && !c.oom; i++) {
        if (repeated(&words, i, text, seen, slots - 1)) continue;
        const struct word *w = &words.w[i];
        const char *term = words.terms + w->term_off;
        if (is_number(term, w->term_len)) {
            /* Numbers (years, sums, ages) are strong evidence from two
             * digits on. */
            if (w->term_len >= 2)
                add_key(&c, fnv1a(term, w->term_len, 2166136261u ^ 0x23u));
            if (x && *lang) {
                concept_ctx cc = {&c, x, lang, 0};
                pl_analyze(an, lang, text + w->start, w->end - w->start, on_concept, &cc);
            }
            continue;
        }
        word_keys(&c, an, x, memo, lang, text, w, term);
    }
    int failed = rc || words.oom || c.oom;
    free(seen);
    free(words.w);
    free(words.terms);
    if (failed) {
        free(c.keys);
        *keys = NULL;
        *n = 0;
        return PL_ERR_NOMEM;
    }
    if (pl_sort_u32(c.keys, c.n)) {
        free(c.keys);
        *keys = NULL;
        *n = 0;
        return PL_ERR_NOMEM;
    }
    size_t u = 0;
    for (size_t i = 0; i < c.n; i++)
        if (u == 0 || c.keys[u - 1] != c.keys[i]) c.keys[u++] = c.keys[i];
    *keys = c.keys;
    *n = u;
    return PL_OK;
}
