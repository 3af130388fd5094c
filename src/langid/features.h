/*
 * features.h - turns text into the hashed features the language model scores.
 *
 * The runtime (langid.c) and the trainer (tools/langid/langid_train.c) both
 * call this code, so a text yields exactly the features it was trained on.
 * Text is lower-cased; every run of letters is a word, padded with a boundary
 * mark on both sides; its features are the character n-grams of 1 to 5
 * codepoints and the whole word. Each feature is a 32-bit key whose low three
 * bits hold its order (1..5 for n-grams, 6 for words).
 */
#ifndef PL_LANGID_FEATURES_H
#define PL_LANGID_FEATURES_H

#include <stddef.h>
#include <stdint.h>

#define PL_LF_MAX_ORDER 6 /* orders 1..5 are n-grams, 6 is the whole word */
#define PL_LF_WORD_ORDER 6
#define PL_LF_MAX_WORD 24 /* longer letter runs (CJK, Thai) get no word key */
#define PL_LF_PER_CP 6    /* at most this many keys per codepoint read */

/* Scripts (ISO 15924) that letters are sorted into (laid out by hand, six a
 * line). */
/* clang-format off */
enum {
    PL_SC_NONE = 0, /* no letter, or a mark that inherits its base's script */
    PL_SC_LATN, PL_SC_GREK, PL_SC_CYRL, PL_SC_ARMN, PL_SC_HEBR, PL_SC_ARAB,
    PL_SC_SYRC, PL_SC_THAA, PL_SC_NKOO, PL_SC_DEVA, PL_SC_BENG, PL_SC_GURU,
    PL_SC_GUJR, PL_SC_ORYA, PL_SC_TAML, PL_SC_TELU, PL_SC_KNDA, PL_SC_MLYM,
    PL_SC_SINH, PL_SC_THAI, PL_SC_LAOO, PL_SC_TIBT, PL_SC_MYMR, PL_SC_GEOR,
    PL_SC_HANG, PL_SC_ETHI, PL_SC_CHER, PL_SC_CANS, PL_SC_OGAM, PL_SC_RUNR,
    PL_SC_KHMR, PL_SC_MONG, PL_SC_HIRA, PL_SC_KANA, PL_SC_BOPO, PL_SC_HANI,
    PL_SC_YIII, PL_SC_TFNG, PL_SC_JAVA, PL_SC_BALI, PL_SC_GLAG, PL_SC_COPT,
    PL_SC_VAII, PL_SC_OTHR, /* a letter of a script not listed here */
    PL_SC_COUNT
};
/* clang-format on */

/* ISO 15924 name of a script id ("Latn"); "Zyyy" for PL_SC_NONE. */
const char *pl_lf_script_name(int script);

/* Where an extraction stands between two calls: the current word. */
typedef struct pl_lf_state {
    uint32_t win[4]; /* the last codepoints of the padded word, newest first */
    int nwin;        /* how many of win are valid */
    int wlen;        /* letters in the current word */
    uint64_t wh;     /* running hash of the current word */
    int in_word;
    int skip;         /* the current word is outside `scripts` */
    uint64_t scripts; /* set by the caller: only words whose first letter
                         is of these scripts (bit = PL_SC_* id) give
                         keys; 0 means all words */
    int skip_quoted;  /* set by the caller: words in quotation marks
                         give no keys */
    int quoted;       /* inside quotation marks */
    int open_end;     /* set by the caller: the text may stop inside
                         a word, so a last word of up to two letters
                         not followed by a separator gives no
                         word-final keys */
    uint32_t orders;  /* set by the caller: bit o set = emit keys of
                         order o; 0 means all orders */
} pl_lf_state;

/* What an extraction saw besides features. */
typedef struct pl_lf_stats {
    uint32_t letters;             /* letters read */
    uint32_t quoted;              /* of which inside quotation marks */
    uint32_t script[PL_SC_COUNT]; /* letters per script */
} pl_lf_stats;

/*
 * Reads text[*pos..len) and appends feature keys to keys[0..cap) (cap must be
 * at least 2 * PL_LF_PER_CP), stopping when fewer than that are left or the
 * text ends (then the last word is closed). Advances *pos, adds to *st and returns the
 * number of keys written. `st` may be NULL. Invalid UTF-8 bytes count as non-letters. Start
 * with a zeroed state and *pos = 0; call until *pos == len.
 */
size_t pl_lf_extract(pl_lf_state *state, const char *text, size_t len, size_t *pos,
                     uint32_t *keys, size_t cap, pl_lf_stats *st);

/* Counts the letters of text per script, as pl_lf_extract would. Quotation
 * marks (" “ ” „ « ») toggle "quoted": in synopses they mostly enclose titles
 * and names, often in another language than the text. */
void pl_lf_scan(const char *text, size_t len, pl_lf_stats *st);

/* Finds the next word of text[*pos..len), a run of letters as
 * pl_lf_extract reads it (an apostrophe between letters included): sets
 * *start and *end to its bytes, *quoted to whether it stands inside
 * quotation marks, advances *pos past it and returns the script of its first
 * letter that has one (PL_SC_NONE for marks only), or -1 when no word is
 * left. Start with *pos = 0 and *quoted = 0, and pass them back unchanged. */
int pl_lf_next_word(const char *text, size_t len, size_t *pos, size_t *start, size_t *end,
                    int *quoted);

/* The order (1..6) of a feature key. */
static inline int pl_lf_order(uint32_t key) {
    return (int)(key & 7u);
}

#endif
