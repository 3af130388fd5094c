/*
 * tokenize.c - segmentation of text into token spans with byte offsets.
 *
 * A word is a maximal run of letters (L*), digits (Nd) and combining marks
 * (M*) that starts with a letter or digit; everything else separates words,
 * so apostrophes and hyphens split ("Herz-OP" -> Herz, OP) and emoji and
 * punctuation vanish. Scripts written without spaces between words (Han,
 * Hiragana, Katakana, Hangul, Thai) cannot be split that way, so their runs
 * become overlapping bigrams of characters, each a span of its own; a run of
 * one character is that character. A "character" there is a code point with
 * the combining marks that follow it, so Thai vowel signs stay on their
 * consonant. ASCII is classified with arithmetic instead of table lookups.
 */
#include "text/text_internal.h"

enum {
    CC_NONE, /* separates tokens */
    CC_WORD, /* letter or digit of a space-delimited script */
    CC_MARK, /* combining mark: belongs to the character before it */
    CC_JOIN, /* soft hyphen, ZWJ, ZWNJ: inside a word when between letters */
    CC_CJK   /* letter of a script that is bigrammed */
};

static inline int ascii_word(unsigned c) {
    return (unsigned)((c | 0x20) - 'a') < 26 || (unsigned)(c - '0') < 10;
}

/* Code points of the scripts whose runs are bigrammed. */
static int bigram_script(int32_t cp) {
    if (cp < 0x0E00) return 0;
    if (cp <= 0x0E7F) return 1;                 /* Thai */
    if (cp >= 0x1100 && cp <= 0x11FF) return 1; /* Hangul Jamo */
    if (cp < 0x2E80) return 0;
    if (cp <= 0x2FDF) return 1;                 /* CJK and Kangxi radicals */
    if (cp >= 0x3005 && cp <= 0x3007) return 1; /* 々 〆 〇 */
    if (cp >= 0x3021 && cp <= 0x3029) return 1; /* Hangzhou numerals */
    if (cp >= 0x3031 && cp <= 0x3035) return 1; /* kana repeat marks */
    if (cp >= 0x3038 && cp <= 0x303C) return 1;
    if (cp >= 0x3040 && cp <= 0x31FF) return 1;   /* kana, bopomofo, Hangul compat */
    if (cp >= 0x3400 && cp <= 0x4DBF) return 1;   /* Han extension A */
    if (cp >= 0x4E00 && cp <= 0x9FFF) return 1;   /* Han */
    if (cp >= 0xA960 && cp <= 0xA97F) return 1;   /* Hangul Jamo extended A */
    if (cp >= 0xAC00 && cp <= 0xD7FF) return 1;   /* Hangul syllables, Jamo ext. B */
    if (cp >= 0xF900 && cp <= 0xFAFF) return 1;   /* Han compatibility */
    if (cp >= 0xFF66 && cp <= 0xFFDC) return 1;   /* halfwidth Katakana and Hangul */
    if (cp >= 0x1B000 && cp <= 0x1B16F) return 1; /* kana supplements */
    if (cp >= 0x20000 && cp <= 0x323AF) return 1; /* Han extensions B.. */
    return 0;
}

static int classify(int32_t cp) {
    if (cp < 0) return CC_NONE; /* ill-formed byte: the caller promised UTF-8 */
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: return bigram_script(cp) ? CC_CJK : CC_WORD;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME: return CC_MARK;
    /* Digits are never bigrammed, even Thai ones: "東京2020" -> 東京, 2020. */
    case UTF8PROC_CATEGORY_ND: return CC_WORD;
    /* 〇 and the Hangzhou numerals are written among Han characters. */
    case UTF8PROC_CATEGORY_NL: return bigram_script(cp) ? CC_CJK : CC_NONE;
    case UTF8PROC_CATEGORY_CF:
        return cp == 0xAD || cp == 0x200C || cp == 0x200D ? CC_JOIN : CC_NONE;
    default: return CC_NONE;
    }
}

/* The class of the character at s[at] (at < len), with its length in *k. */
static inline int class_at(const pl_tokenizer *t, size_t at, size_t *k) {
    unsigned c = t->s[at];
    if (c < 0x80) {
        *k = 1;
        return ascii_word(c) ? CC_WORD : CC_NONE;
    }
    int32_t cp;
    *k = pl_utf8_decode(t->s + at, t->len - at, &cp);
    return classify(cp);
}

/* Extends a bigram unit ending at `at` over the combining marks that follow. */
static size_t absorb_marks(const pl_tokenizer *t, size_t at) {
    size_t k;
    while (at < t->len && t->s[at] >= 0x80 && class_at(t, at, &k) == CC_MARK)
        at += k;
    return at;
}

/* When a bigrammed character starts at `at`, sets *end past it and its marks. */
static int cjk_unit(const pl_tokenizer *t, size_t at, size_t *end) {
    size_t k;
    if (at >= t->len || t->s[at] < 0x80 || class_at(t, at, &k) != CC_CJK) return 0;
    *end = absorb_marks(t, at + k);
    return 1;
}

void pl_tokenizer_init(pl_tokenizer *t, const char *s, size_t len) {
    t->s = (const unsigned char *)s;
    t->len = len;
    t->at = 0;
    t->in_run = 0;
    t->unit_start = t->unit_end = 0;
}

static void set_span(pl_span *out, size_t start, size_t end, int cjk, int ascii) {
    out->start = (uint32_t)start;
    out->end = (uint32_t)end;
    out->cjk = (unsigned char)cjk;
    out->ascii = (unsigned char)ascii;
}

int pl_tokenizer_next(pl_tokenizer *t, pl_span *out) {
    const unsigned char *s = t->s;
    size_t n = t->len, end, k = 0;

    if (t->in_run) {
        /* The next bigram pairs the run's last character with the one after. */
        if (cjk_unit(t, t->unit_end, &end)) {
            set_span(out, t->unit_start, end, 1, 0);
            t->unit_start = t->unit_end;
            t->unit_end = t->at = end;
            return 1;
        }
        t->in_run = 0;
    }

    /* Skip separators, and marks and joiners with no letter before them. */
    size_t at = t->at;
    int cls = CC_NONE;
    while (at < n) {
        if (s[at] < 0x80) {
            if (ascii_word(s[at])) {
                cls = CC_WORD;
                k = 1;
                break;
            }
            at++;
            continue;
        }
        cls = class_at(t, at, &k);
        if (cls == CC_WORD || cls == CC_CJK) break;
        at += k;
    }
    if (at >= n) {
        t->at = n;
        return 0;
    }

    if (cls == CC_CJK) {
        size_t first_end = absorb_marks(t, at + k);
        if (cjk_unit(t, first_end, &end)) {
            set_span(out, at, end, 1, 0);
            t->in_run = 1;
            t->unit_start = first_end;
            t->unit_end = t->at = end;
        } else {
            set_span(out, at, first_end, 1, 0);
            t->at = first_end;
        }
        return 1;
    }

    size_t start = at;
    int ascii = s[at] < 0x80;
    at += k;
    while (at < n) {
        if (s[at] < 0x80) {
            if (!ascii_word(s[at])) break;
            at++;
            continue;
        }
        int c = class_at(t, at, &k);
        if (c == CC_JOIN) {
            /* "Kredit<SHY>karte" is one word; a trailing joiner is not part of it. */
            size_t k2;
            if (at + k >= n) break;
            int next = class_at(t, at + k, &k2);
            if (next != CC_WORD && next != CC_MARK) break;
        } else if (c != CC_WORD && c != CC_MARK) {
            break;
        }
        at += k;
        ascii = 0;
    }
    set_span(out, start, at, 0, ascii);
    t->at = at;
    return 1;
}
