/*
 * features.c - text to feature keys for language identification.
 *
 * See features.h. Everything here must stay deterministic and identical for
 * training and identification: changing a rule (what a letter is, how keys
 * are hashed) means rebuilding data/langid/model.bin.
 */
#include "langid/features.h"

#include <pthread.h>
#include <utf8proc.h>

/* Codepoint ranges of scripts, sorted by start. Letters outside every range
 * count as PL_SC_OTHR; combining marks count for no script. */
typedef struct {
    uint32_t lo, hi;
    uint8_t script;
} sc_range;

/* Laid out by hand, two ranges a line. */
/* clang-format off */
static const sc_range SCRIPT_RANGES[] = {
    {0x0041, 0x024F, PL_SC_LATN}, {0x0250, 0x02AF, PL_SC_LATN},
    {0x0300, 0x036F, PL_SC_NONE}, {0x0370, 0x03FF, PL_SC_GREK},
    {0x0400, 0x052F, PL_SC_CYRL}, {0x0530, 0x058F, PL_SC_ARMN},
    {0x0590, 0x05FF, PL_SC_HEBR}, {0x0600, 0x06FF, PL_SC_ARAB},
    {0x0700, 0x074F, PL_SC_SYRC}, {0x0750, 0x077F, PL_SC_ARAB},
    {0x0780, 0x07BF, PL_SC_THAA}, {0x07C0, 0x07FF, PL_SC_NKOO},
    {0x08A0, 0x08FF, PL_SC_ARAB}, {0x0900, 0x097F, PL_SC_DEVA},
    {0x0980, 0x09FF, PL_SC_BENG}, {0x0A00, 0x0A7F, PL_SC_GURU},
    {0x0A80, 0x0AFF, PL_SC_GUJR}, {0x0B00, 0x0B7F, PL_SC_ORYA},
    {0x0B80, 0x0BFF, PL_SC_TAML}, {0x0C00, 0x0C7F, PL_SC_TELU},
    {0x0C80, 0x0CFF, PL_SC_KNDA}, {0x0D00, 0x0D7F, PL_SC_MLYM},
    {0x0D80, 0x0DFF, PL_SC_SINH}, {0x0E00, 0x0E7F, PL_SC_THAI},
    {0x0E80, 0x0EFF, PL_SC_LAOO}, {0x0F00, 0x0FFF, PL_SC_TIBT},
    {0x1000, 0x109F, PL_SC_MYMR}, {0x10A0, 0x10FF, PL_SC_GEOR},
    {0x1100, 0x11FF, PL_SC_HANG}, {0x1200, 0x139F, PL_SC_ETHI},
    {0x13A0, 0x13FF, PL_SC_CHER}, {0x1400, 0x167F, PL_SC_CANS},
    {0x1680, 0x169F, PL_SC_OGAM}, {0x16A0, 0x16FF, PL_SC_RUNR},
    {0x1780, 0x17FF, PL_SC_KHMR}, {0x1800, 0x18AF, PL_SC_MONG},
    {0x19E0, 0x19FF, PL_SC_KHMR}, {0x1AB0, 0x1AFF, PL_SC_NONE},
    {0x1B00, 0x1B7F, PL_SC_BALI}, {0x1C80, 0x1C8F, PL_SC_CYRL},
    {0x1C90, 0x1CBF, PL_SC_GEOR}, {0x1DC0, 0x1DFF, PL_SC_NONE},
    {0x1E00, 0x1EFF, PL_SC_LATN}, {0x1F00, 0x1FFF, PL_SC_GREK},
    {0x20D0, 0x20FF, PL_SC_NONE}, {0x2C00, 0x2C5F, PL_SC_GLAG},
    {0x2C60, 0x2C7F, PL_SC_LATN}, {0x2C80, 0x2CFF, PL_SC_COPT},
    {0x2D00, 0x2D2F, PL_SC_GEOR}, {0x2D30, 0x2D7F, PL_SC_TFNG},
    {0x2D80, 0x2DDF, PL_SC_ETHI}, {0x2DE0, 0x2DFF, PL_SC_CYRL},
    {0x3005, 0x3007, PL_SC_HANI}, {0x3021, 0x3029, PL_SC_HANI},
    {0x3031, 0x3035, PL_SC_KANA}, {0x3038, 0x303B, PL_SC_HANI},
    {0x3040, 0x309F, PL_SC_HIRA}, {0x30A0, 0x30FF, PL_SC_KANA},
    {0x3100, 0x312F, PL_SC_BOPO}, {0x3130, 0x318F, PL_SC_HANG},
    {0x31A0, 0x31BF, PL_SC_BOPO}, {0x31F0, 0x31FF, PL_SC_KANA},
    {0x3400, 0x4DBF, PL_SC_HANI}, {0x4E00, 0x9FFF, PL_SC_HANI},
    {0xA000, 0xA4CF, PL_SC_YIII}, {0xA500, 0xA63F, PL_SC_VAII},
    {0xA640, 0xA69F, PL_SC_CYRL}, {0xA720, 0xA7FF, PL_SC_LATN},
    {0xA8E0, 0xA8FF, PL_SC_DEVA}, {0xA960, 0xA97F, PL_SC_HANG},
    {0xA980, 0xA9DF, PL_SC_JAVA}, {0xAB30, 0xAB6F, PL_SC_LATN},
    {0xAC00, 0xD7FF, PL_SC_HANG}, {0xF900, 0xFAFF, PL_SC_HANI},
    {0xFB00, 0xFB06, PL_SC_LATN}, {0xFB1D, 0xFB4F, PL_SC_HEBR},
    {0xFB50, 0xFDFF, PL_SC_ARAB}, {0xFE20, 0xFE2F, PL_SC_NONE},
    {0xFE70, 0xFEFF, PL_SC_ARAB}, {0xFF21, 0xFF5A, PL_SC_LATN},
    {0xFF66, 0xFF9F, PL_SC_KANA}, {0xFFA0, 0xFFDC, PL_SC_HANG},
    {0x20000, 0x3FFFF, PL_SC_HANI},
};
/* clang-format on */

/* Laid out by hand, ten names a line. */
/* clang-format off */
static const char SCRIPT_NAMES[PL_SC_COUNT][5] = {
    "Zyyy", "Latn", "Grek", "Cyrl", "Armn", "Hebr", "Arab", "Syrc", "Thaa", "Nkoo",
    "Deva", "Beng", "Guru", "Gujr", "Orya", "Taml", "Telu", "Knda", "Mlym", "Sinh",
    "Thai", "Laoo", "Tibt", "Mymr", "Geor", "Hang", "Ethi", "Cher", "Cans", "Ogam",
    "Runr", "Khmr", "Mong", "Hira", "Kana", "Bopo", "Hani", "Yiii", "Tfng", "Java",
    "Bali", "Glag", "Copt", "Vaii", "Zzzz",
};
/* clang-format on */

const char *pl_lf_script_name(int script) {
    if (script < 0 || script >= PL_SC_COUNT) return "Zzzz";
    return SCRIPT_NAMES[script];
}

/* Script of a non-ASCII letter or mark: binary search over the ranges. */
static int script_of(uint32_t cp, int is_mark) {
    size_t lo = 0, hi = sizeof SCRIPT_RANGES / sizeof SCRIPT_RANGES[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < SCRIPT_RANGES[mid].lo)
            hi = mid;
        else if (cp > SCRIPT_RANGES[mid].hi)
            lo = mid + 1;
        else
            return SCRIPT_RANGES[mid].script;
    }
    /* Marks outside known blocks (rare) inherit their base's script. */
    return is_mark ? PL_SC_NONE : PL_SC_OTHR;
}

/* Decodes the multi-byte UTF-8 sequence at s[*i] (i < n); returns U+FFFD
 * for a bad one, consuming one byte, so that garbage never stalls the
 * reader. */
static uint32_t decode_multi(const unsigned char *s, size_t n, size_t *i) {
    size_t p = *i;
    uint32_t c = s[p];
    int need;
    uint32_t min;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1, c &= 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2, c &= 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3, c &= 0x07, min = 0x10000;
    } else {
        *i = p + 1;
        return 0xFFFD;
    }
    if (p + (size_t)need >= n) {
        *i = p + 1;
        return 0xFFFD;
    }
    for (int k = 1; k <= need; k++) {
        unsigned b = s[p + (size_t)k];
        if ((b & 0xC0) != 0x80) {
            *i = p + 1;
            return 0xFFFD;
        }
        c = (c << 6) | (b & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        *i = p + 1;
        return 0xFFFD;
    }
    *i = p + 1 + (size_t)need;
    return c;
}

/* Decodes one UTF-8 sequence at s[*i] (i < n): ASCII, most of the text,
 * inline. */
static inline uint32_t decode(const unsigned char *s, size_t n, size_t *i) {
    uint32_t c = s[*i];
    if (c < 0x80) {
        ++*i;
        return c;
    }
    return decode_multi(s, n, i);
}

/* Classifies a codepoint the slow way: returns its lower-case form when it
 * is a letter or a combining mark (and its script in *script), or 0 when it
 * separates words. */
static uint32_t letter_of_slow(uint32_t cp, int *script) {
    if (cp < 0x80) {
        *script = PL_SC_LATN;
        if (cp >= 'a' && cp <= 'z') return cp;
        if (cp >= 'A' && cp <= 'Z') return cp + 32;
        return 0;
    }
    const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)cp);
    switch (p->category) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT:
        *script = script_of(cp, 0);
        return (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: *script = script_of(cp, 0); return cp;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: *script = script_of(cp, 1); return cp;
    default: return 0;
    }
}

/* The answers of letter_of_slow for the first codepoints (every alphabet
 * but the CJK ones), packed as lower-case << 8 | script: one load per
 * character instead of two table walks and a search. Lower-case forms of
 * these codepoints stay below 2^21. */
#define FAST_CP 0x3000
static uint32_t fast_tab[FAST_CP];
static pthread_once_t fast_once = PTHREAD_ONCE_INIT;

static void fast_init(void) {
    for (uint32_t cp = 0; cp < FAST_CP; cp++) {
        int script = PL_SC_NONE;
        uint32_t lc = letter_of_slow(cp, &script);
        fast_tab[cp] = lc << 8 | (uint32_t)script;
    }
}

static inline uint32_t letter_of(uint32_t cp, int *script) {
    if (cp < FAST_CP) {
        uint32_t e = fast_tab[cp];
        *script = (int)(e & 0xFF);
        return e >> 8;
    }
    return letter_of_slow(cp, script);
}

static inline int is_quote(uint32_t cp) {
    return cp == 0x22 || cp == 0x201C || cp == 0x201D || cp == 0x201E || cp == 0xAB ||
           cp == 0xBB;
}

static inline int is_apostrophe(uint32_t cp) {
    return cp == 0x27 || cp == 0x2019 || cp == 0x02BC;
}

/* One codepoint into a running hash: a multiply per step, whose high
 * bits depend on every input bit, is all that keys need (the model looks
 * them up by their high bits) and costs a few instructions, where a
 * Murmur-style mix per codepoint and avalanche per key made hashing most
 * of the cost of extraction. */
static inline uint64_t mix(uint64_t h, uint32_t cp) {
    return (h ^ cp) * 0x9E3779B97F4A7C15ull;
}

/* The key of a hash: its high half, with the order in the low three bits. */
static inline uint32_t finish(uint64_t h, uint32_t order) {
    return ((uint32_t)(h >> 32) & ~7u) | order;
}

#define BOUNDARY 0x20u
#define NGRAM_SEED 0x2545F4914F6CDD1Dull
#define WORD_SEED 0xC2B2AE3D27D4EB4Full

/* Keys of the n-grams (2..nwin+1) that end with `cp` (and of `cp` alone when
 * `with_unigram`). Hashes run backwards from the newest codepoint. All four
 * are computed and written, and kept only when the window holds them and
 * their order is wanted: where a word's first n-grams stop is different
 * for every word, and a branch on it is often mispredicted. */
static inline size_t emit_grams(const pl_lf_state *restrict s, uint32_t cp,
                                int with_unigram, uint32_t *restrict out) {
    size_t n = 0;
    uint32_t want = s->orders ? s->orders : ~0u;
    uint64_t h = mix(NGRAM_SEED, cp);
    if (with_unigram && (want & 2u)) out[n++] = finish(h, 1);
#pragma GCC unroll 4
    for (int k = 0; k < 4; k++) {
        h = mix(h, s->win[k]);
        uint32_t order = (uint32_t)k + 2;
        out[n] = finish(h, order);
        n += (want >> order) & (k < s->nwin);
    }
    return n;
}

/* Shifts `cp` into the window; the oldest falls out. */
static inline void push_win(pl_lf_state *s, uint32_t cp) {
    s->win[3] = s->win[2];
    s->win[2] = s->win[1];
    s->win[1] = s->win[0];
    s->win[0] = cp;
    s->nwin += s->nwin < 4;
}

/* Emits the keys that end a word and readies the state for the next. */
static inline size_t close_word(pl_lf_state *restrict s, uint32_t *restrict out) {
    size_t n = emit_grams(s, BOUNDARY, 0, out);
    if (s->wlen <= PL_LF_MAX_WORD && (!s->orders || (s->orders & (1u << PL_LF_WORD_ORDER))))
        out[n++] = finish(mix(s->wh, (uint32_t)s->wlen), PL_LF_WORD_ORDER);
    s->in_word = 0;
    return n;
}

size_t pl_lf_extract(pl_lf_state *restrict state, const char *text, size_t len, size_t *pos,
                     uint32_t *restrict keys, size_t cap, pl_lf_stats *restrict st) {
    pthread_once(&fast_once, fast_init);
    const unsigned char *s = (const unsigned char *)text;
    size_t i = *pos, n = 0;
    /* Room for two codepoints' keys: the last one and the closing of the
     * final word, which always fits when the text ends. */
    while (i < len && n + 2 * PL_LF_PER_CP <= cap) {
        uint32_t cp = decode(s, len, &i);
        int script = PL_SC_NONE;
        uint32_t lc = letter_of(cp, &script);
        if (!lc && state->in_word && is_apostrophe(cp) && i < len) {
            /* An apostrophe between letters belongs to the word (l'homme,
             * dell'uomo, м'ясо): peek at the next codepoint. */
            size_t j = i;
            int sc2;
            if (letter_of(decode(s, len, &j), &sc2)) {
                lc = 0x27;
                script = PL_SC_NONE;
            }
        }
        if (!lc) {
            if (state->in_word && !state->skip) n += close_word(state, keys + n);
            state->in_word = 0;
            if (is_quote(cp)) state->quoted = !state->quoted;
            continue;
        }
        if (st) {
            st->letters++;
            st->script[script]++;
        }
        if (!state->in_word) {
            /* A word starts: its first letter's script decides whether the
             * caller wants it. */
            state->in_word = 1;
            state->skip = (state->scripts && script != PL_SC_NONE &&
                           !(state->scripts & (1ull << script))) ||
                          (state->skip_quoted && state->quoted);
            state->nwin = 0;
            state->wlen = 0;
            state->wh = WORD_SEED;
            push_win(state, BOUNDARY);
        }
        if (state->skip) continue;
        n += emit_grams(state, lc, 1, keys + n);
        push_win(state, lc);
        state->wh = mix(state->wh, lc);
        state->wlen++;
    }
    if (i >= len && state->in_word) {
        /* A text that stops on a letter may have been cut inside a word:
         * with open_end, a last word of one or two letters (most likely
         * the stub of a longer one, and then a misleading function word)
         * gives no end-of-word keys. */
        if (!state->skip && !(state->open_end && state->wlen <= 2))
            n += close_word(state, keys + n);
        state->in_word = 0;
    }
    *pos = i;
    return n;
}

int pl_lf_next_word(const char *text, size_t len, size_t *pos, size_t *start, size_t *end,
                    int *quoted) {
    pthread_once(&fast_once, fast_init);
    const unsigned char *s = (const unsigned char *)text;
    size_t i = *pos;
    int script = -1;
    while (i < len) {
        size_t at = i;
        uint32_t cp = decode(s, len, &i);
        int sc = PL_SC_NONE;
        uint32_t lc = letter_of(cp, &sc);
        if (script < 0) {
            if (!lc) {
                if (is_quote(cp)) *quoted = !*quoted;
                continue;
            }
            *start = at;
            script = sc;
        } else if (!lc) {
            /* The same apostrophe rule as pl_lf_extract's. */
            size_t j = i;
            int sc2;
            if (!(is_apostrophe(cp) && i < len && letter_of(decode(s, len, &j), &sc2))) {
                /* The separator is left for the next call: it may be a quote. */
                i = at;
                break;
            }
        } else if (script == PL_SC_NONE) {
            script = sc;
        }
        *end = i;
    }
    *pos = i;
    return script;
}

void pl_lf_scan(const char *text, size_t len, pl_lf_stats *st) {
    pthread_once(&fast_once, fast_init);
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    int quoted = 0;
    /* Counted in locals, ASCII letters (Latin) apart: most of a text. */
    uint32_t letters = 0, in_quotes = 0, ascii = 0;
    while (i < len) {
        uint32_t cp = s[i];
        if (cp < 0x80) {
            /* Without branches: letters and spaces alternate unpredictably. */
            i++;
            uint32_t letter = ((cp | 0x20) - 'a') < 26;
            ascii += letter;
            in_quotes += letter & (uint32_t)quoted;
            quoted ^= cp == '"';
            continue;
        }
        cp = decode_multi(s, len, &i);
        int script = PL_SC_NONE;
        if (letter_of(cp, &script)) {
            letters++;
            in_quotes += (uint32_t)quoted;
            st->script[script]++;
        } else if (is_quote(cp)) {
            quoted = !quoted;
        }
    }
    st->letters += letters + ascii;
    st->quoted += in_quotes;
    st->script[PL_SC_LATN] += ascii;
}
