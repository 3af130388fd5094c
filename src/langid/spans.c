/*
 * spans.c - mixed-language text split into runs of one language.
 *
 * Synopses quote titles, names and lines in other languages: an English
 * title inside a Russian synopsis, a German one that keeps a show's English
 * catchphrase. Every word is scored by the same model as the whole text
 * (pl_lf_extract's features, pl_lm_add's bonuses), and a Viterbi pass over
 * the words chooses each word's language so as to maximise the sum of the
 * words' log-likelihoods less a penalty for every change of language: one
 * ambiguous word never starts a run of its own, while a few plainly foreign
 * words do. A change at a quotation mark costs less, since that is where
 * quotations start and end.
 *
 * The languages considered are few: the best PER_SCRIPT of each script's
 * words taken alone (most texts have one script, so that is their best
 * three), which keeps the pass at MAX_STATES states a word whatever the
 * model's size. Memory is a few dozen bytes per word, freed on return.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "langid/features.h"
#include "langid/langid.h"
#include "langid/scoring.h"

#define MAX_STATES 8
#define PER_SCRIPT 3

/* The penalty of a change of language, in nats of word log-likelihood: a
 * run of foreign words must gain twice this (into the run and out of it)
 * over reading them as the text's language. Measured on mixed lines (see
 * tests/unit/test_langid.c): names and loanwords, which score a few nats
 * apart, stay in their sentence at 12; a three-word English title inside a
 * German or French sentence gains 40 or more. */
#define SWITCH_NATS 40.0
/* ... and at a quotation mark, a bracket or the end of a sentence, which is
 * where quotations and phrases in another language begin and end. */
#define SWITCH_AT_EDGE_NATS 10.0

/* How confidences are scaled, as in langid.c: the logit is the score
 * difference in nats divided by the square root of the features. */
#define CONF_K 1.0

/* A word too unlikely to be in a language (one that does not write its
 * script): finite, so that sums never meet inf - inf. */
#define IMPOSSIBLE (-1e9)

typedef struct {
    size_t start, end;
    uint32_t letters, feats;
    int script;
    int edge; /* a quotation, bracket or sentence opens or closes before it */
    float e[MAX_STATES];
} word;

/* Scripts that one group of candidates shares: Japanese and Chinese write
 * Han, and Japanese kana beside it. */
static int group_of(int script) {
    return script == PL_SC_HIRA || script == PL_SC_KANA ? PL_SC_HANI : script;
}

static uint64_t group_mask(int g) {
    if (g == PL_SC_HANI)
        return 1ull << PL_SC_HANI | 1ull << PL_SC_HIRA | 1ull << PL_SC_KANA;
    return 1ull << g;
}

static uint32_t count_letters(const char *s, size_t n) {
    uint32_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* Keys waiting to be scored together: a lookup misses the cache, and a
 * batch of them keeps many misses in flight (see score_keys in langid.c),
 * where word by word they would come one after another. */
typedef struct {
    uint32_t keys[1024];
    size_t n;
} key_batch;

static void batch_flush(key_batch *b, int32_t *score, uint32_t *per_order) {
    pl_lm_add(b->keys, b->n, score, per_order);
    b->n = 0;
}

/* Adds the keys of the word text[start..end) to the batch, scoring it into
 * score and per_order whenever it fills. */
static void batch_word(key_batch *b, const char *text, size_t start, size_t end,
                       int32_t *score, uint32_t *per_order) {
    pl_lf_state st;
    memset(&st, 0, sizeof st);
    st.orders = pl_lm_orders();
    size_t pos = 0, len = end - start;
    while (pos < len) {
        if (1024 - b->n < 2 * PL_LF_PER_CP) batch_flush(b, score, per_order);
        b->n +=
            pl_lf_extract(&st, text + start, len, &pos, b->keys + b->n, 1024 - b->n, NULL);
    }
}

/* Adds the bonuses of the word text[start..end) alone into score and
 * counts its features per order (both zeroed first); returns their number. */
static uint32_t score_word(const char *text, size_t start, size_t end, int32_t *score,
                           uint32_t *per_order) {
    memset(score, 0, sizeof score[0] * pl_lm_n_langs());
    memset(per_order, 0, 8 * sizeof per_order[0]);
    key_batch b = {.n = 0};
    batch_word(&b, text, start, end, score, per_order);
    batch_flush(&b, score, per_order);
    uint32_t f = 0;
    for (int o = 1; o <= PL_LF_MAX_ORDER; o++)
        f += per_order[o];
    return f;
}

/* Whether the bytes between the word `prev` and the next word, which
 * starts at `next`, end a sentence or clause or open or close brackets:
 * places where a quotation or a phrase in another language begins or
 * ends. A full stop counts after a word of three letters or more, so that
 * "Mr. Big" or "z. B." is no sentence end. */
static int punct_edge(const char *text, const word *prev, size_t next) {
    for (size_t i = prev->end; i < next; i++) {
        switch (text[i]) {
        case '!':
        case '?':
        case ';':
        case ':':
        case '(':
        case ')':
        case '[':
        case ']': return 1;
        case '.':
            if (prev->letters >= 3) return 1;
            break;
        default: break;
        }
    }
    return 0;
}

/* Where a span that starts with the word at `start` begins: before the
 * opening quotation marks and brackets right in front of it, never before
 * `floor` (the end of the previous word). */
static size_t span_begin(const char *text, size_t floor, size_t start) {
    size_t b = start;
    while (b > floor) {
        unsigned char c = (unsigned char)text[b - 1];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') break;
        b--;
    }
    return b;
}

/* Pass 2 and the Viterbi pass: the spans of text among the candidates
 * cand[0..n_cand) (cand[0] the text's main language). */
static int spans_among(const char *text, size_t len, const int *cand, int n_cand,
                       pl_lm_span *out, int max) {
    int32_t score[256];
    uint32_t per_order[8];
    size_t pos = 0, start, end, n_words = 0;
    int quoted = 0, sc;
    while (pl_lf_next_word(text, len, &pos, &start, &end, &quoted) >= 0)
        n_words++;
    if (n_words == 0) {
        if (len == 0) return 0;
        if (max > 0) out[0] = (pl_lm_span){0, len, -1, 0.0, 0, 0};
        return 1;
    }
    /* Pass 2: the candidates' score of every word. */
    word *w = malloc(n_words * sizeof *w);
    uint8_t *back = malloc(n_words * MAX_STATES);
    if (!w || !back) {
        free(w);
        free(back);
        return PL_ERR_NOMEM;
    }
    pos = 0;
    quoted = 0;
    for (size_t i = 0; i < n_words; i++) {
        int was_quoted = quoted;
        sc = pl_lf_next_word(text, len, &pos, &w[i].start, &w[i].end, &quoted);
        w[i].script = sc;
        w[i].edge =
            quoted != was_quoted || (i > 0 && punct_edge(text, &w[i - 1], w[i].start));
        w[i].letters = count_letters(text + w[i].start, w[i].end - w[i].start);
        w[i].feats = score_word(text, w[i].start, w[i].end, score, per_order);
        double top = IMPOSSIBLE;
        double e[MAX_STATES];
        for (int k = 0; k < n_cand; k++) {
            int writes = sc == PL_SC_NONE || (pl_lm_scripts(cand[k]) & (1ull << sc));
            e[k] = writes ? pl_lm_nats(cand[k], score, per_order) : IMPOSSIBLE;
            if (e[k] > top) top = e[k];
        }
        /* Relative to the word's best: the same for every path, so the
         * choice is unchanged, and the numbers stay small. A word no
         * candidate writes is neutral. */
        for (int k = 0; k < n_cand; k++)
            w[i].e[k] = top == IMPOSSIBLE ? 0.0f : (float)(e[k] - top);
    }

    /* Viterbi: dp[k] is the best total of a reading of the words so far
     * that ends in candidate k. */
    double dp[MAX_STATES], next[MAX_STATES];
    /* A text begins and ends in its main language (candidate 0, the best
     * of the script with most letters): a run of another language pays
     * for two changes also where it begins or ends the text, unless a
     * quotation mark is there. */
    for (int k = 0; k < n_cand; k++)
        dp[k] = pl_lm_prior(cand[k]) + w[0].e[k] -
                (k == 0      ? 0
                 : w[0].edge ? SWITCH_AT_EDGE_NATS
                             : SWITCH_NATS);
    for (size_t i = 1; i < n_words; i++) {
        int lead = 0;
        for (int k = 1; k < n_cand; k++)
            if (dp[k] > dp[lead]) lead = k;
        double cost = w[i].edge ? SWITCH_AT_EDGE_NATS : SWITCH_NATS;
        for (int k = 0; k < n_cand; k++) {
            int from = dp[k] >= dp[lead] - cost ? k : lead;
            back[i * MAX_STATES + (size_t)k] = (uint8_t)from;
            next[k] = (from == k ? dp[k] : dp[lead] - cost) + w[i].e[k];
        }
        memcpy(dp, next, sizeof dp);
    }
    /* A quotation mark after the last word ends a quotation there. */
    int before = quoted;
    size_t a_, b_;
    pl_lf_next_word(text, len, &pos, &a_, &b_, &quoted);
    int close_quote = quoted != before;
    int state = 0;
    for (int k = 1; k < n_cand; k++)
        dp[k] -= close_quote ? SWITCH_AT_EDGE_NATS : SWITCH_NATS;
    for (int k = 1; k < n_cand; k++)
        if (dp[k] > dp[state]) state = k;
    /* The path, backwards: each word's state kept in its back row's
     * first byte, which the walk no longer needs. */
    for (size_t i = n_words; i-- > 0;) {
        int prev = i > 0 ? back[i * MAX_STATES + (size_t)state] : state;
        back[i * MAX_STATES] = (uint8_t)state;
        state = prev;
    }

    /* Runs of one state become spans. */
    int n_spans = 0;
    size_t i = 0;
    while (i < n_words) {
        int s = back[i * MAX_STATES];
        size_t j = i;
        double tot[MAX_STATES] = {0};
        uint32_t feats = 0, letters = 0;
        for (; j < n_words && back[j * MAX_STATES] == s; j++) {
            for (int k = 0; k < n_cand; k++)
                tot[k] += w[j].e[k];
            feats += w[j].feats;
            letters += w[j].letters;
        }
        size_t begin = n_spans == 0 ? 0 : span_begin(text, w[i - 1].end, w[i].start);
        if (n_spans > 0 && n_spans <= max)
            out[n_spans - 1].len = begin - out[n_spans - 1].start;
        if (n_spans < max) {
            pl_lm_span *o = &out[n_spans];
            o->start = begin;
            o->lang = cand[s];
            o->letters = letters;
            o->words = (uint32_t)(j - i);
            double norm = CONF_K / sqrt(feats ? (double)feats : 1.0), z = 0;
            for (int k = 0; k < n_cand; k++) {
                double logit = (tot[k] - tot[s]) * norm;
                z += logit < -40 ? 0 : exp(logit);
            }
            o->confidence = 1.0 / z;
        }
        n_spans++;
        i = j;
    }
    if (n_spans <= max) out[n_spans - 1].len = len - out[n_spans - 1].start;
    free(w);
    free(back);
    return n_spans;
}

int pl_lm_spans(const char *text, size_t len, const uint8_t *allowed, pl_lm_span *out,
                int max) {
    if (!pl_lm_ready()) return PL_ERR_CORRUPT;
    uint32_t n_langs = pl_lm_n_langs();

    /* Pass 1: each script's words scored alone, to choose the candidates;
     * a text has few scripts, and words of a fifth one are left out of the
     * choice (they are still read in pass 2). */
    enum { MAX_GROUPS = 4 };
    int32_t gscore[MAX_GROUPS][256];
    uint32_t gorder[MAX_GROUPS][8];
    int gid[MAX_GROUPS], n_groups = 0;
    uint32_t group_letters[PL_SC_COUNT] = {0};
    key_batch batch[MAX_GROUPS];
    memset(gscore, 0, sizeof gscore);
    memset(gorder, 0, sizeof gorder);
    int kana = 0;
    size_t pos = 0, start = 0, end = 0, n_words = 0;
    int quoted = 0, sc;
    while ((sc = pl_lf_next_word(text, len, &pos, &start, &end, &quoted)) >= 0) {
        n_words++;
        kana |= sc == PL_SC_HIRA || sc == PL_SC_KANA;
        int g = group_of(sc), slot = 0;
        while (slot < n_groups && gid[slot] != g)
            slot++;
        if (slot == n_groups) {
            if (n_groups == MAX_GROUPS) continue;
            gid[n_groups] = g;
            batch[n_groups++].n = 0;
        }
        group_letters[g] += count_letters(text + start, end - start);
        batch_word(&batch[slot], text, start, end, gscore[slot], gorder[slot]);
    }
    for (int i = 0; i < n_groups; i++)
        batch_flush(&batch[i], gscore[i], gorder[i]);
    if (n_words == 0) {
        if (len == 0) return 0;
        if (max > 0) out[0] = (pl_lm_span){0, len, -1, 0.0, 0, 0};
        return 1;
    }

    /* Candidates: the best few of every script, scripts with the most
     * letters first. */
    int cand[MAX_STATES], n_cand = 0;
    uint8_t used_group[MAX_GROUPS] = {0};
    for (;;) {
        int slot = -1;
        for (int i = 0; i < n_groups; i++)
            if (!used_group[i] &&
                (slot < 0 || group_letters[gid[i]] > group_letters[gid[slot]]))
                slot = i;
        if (slot < 0 || n_cand == MAX_STATES) break;
        used_group[slot] = 1;
        int g = gid[slot];
        uint64_t mask = group_mask(g);
        for (int k = 0; k < PER_SCRIPT && n_cand < MAX_STATES; k++) {
            int pick = -1;
            double best = 0;
            for (int pass = 0; pass < 2 && pick < 0; pass++)
                for (uint32_t l = 0; l < n_langs; l++) {
                    uint64_t w = pl_lm_scripts((int)l);
                    if (!(w & mask) || (allowed && !allowed[l])) continue;
                    /* Han without kana is Chinese, as for whole texts,
                     * unless nothing else may be (pass 1). */
                    if (g == PL_SC_HANI && !kana && pass == 0 &&
                        (w & (1ull << PL_SC_HIRA | 1ull << PL_SC_KANA)))
                        continue;
                    int dup = 0;
                    for (int c = 0; c < n_cand; c++)
                        dup |= cand[c] == (int)l;
                    double v = pl_lm_nats((int)l, gscore[slot], gorder[slot]) +
                               pl_lm_prior((int)l);
                    if (!dup && (pick < 0 || v > best)) {
                        pick = (int)l;
                        best = v;
                    }
                }
            if (pick < 0) break;
            cand[n_cand++] = pick;
        }
    }
    if (n_cand == 0) {
        /* `allowed` excludes every language that writes this text. */
        if (max > 0)
            out[0] =
                (pl_lm_span){0, len, -1, 0.0, count_letters(text, len), (uint32_t)n_words};
        return 1;
    }

    return spans_among(text, len, cand, n_cand, out, max);
}

/* Share of the letters that other spans must hold for a second look to
 * overturn the whole text's reading. */
#define SECOND_LOOK_SHARE (1.0 / 3)

/* Whether the word at text[start] begins with a capital letter. */
static int capitalized(const char *text, size_t start, size_t end) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)text + start,
                                          (utf8proc_ssize_t)(end - start), &cp);
    return n > 0 && utf8proc_get_property(cp)->category == UTF8PROC_CATEGORY_LU;
}

/* Whether a sentence starts at the word at `start`: nothing but spaces,
 * quotation marks and brackets since the text's start or a full stop, a
 * question or exclamation mark. */
static int sentence_start(const char *text, size_t start) {
    while (start > 0) {
        char c = text[--start];
        if (c == '.' || c == '!' || c == '?') return 1;
        if (c != ' ' && c != '\t' && c != '"' && c != '(' && c != '\'' &&
            (unsigned char)c < 0x80)
            return 0;
    }
    return 1;
}

/* The text read without its names: words that begin with a capital inside
 * a sentence are left out (Carrie, Big, New York read as English in any
 * language's synopsis). Returns the best Latin-script language of the rest
 * when it is not `first` and leads it by NAMES_LEAD_NATS, else -1. */
#define NAMES_LEAD_NATS 8.0
#define NAMES_MIN_WORDS 2
static int without_names(const char *text, size_t len, const uint8_t *allowed, int first) {
    uint32_t n_langs = pl_lm_n_langs();
    int32_t score[256];
    uint32_t per_order[8] = {0};
    memset(score, 0, sizeof score[0] * n_langs);
    key_batch b = {.n = 0};
    size_t pos = 0, start, end;
    int quoted = 0, sc, words = 0;
    while ((sc = pl_lf_next_word(text, len, &pos, &start, &end, &quoted)) >= 0) {
        if (sc != PL_SC_LATN) continue;
        if (capitalized(text, start, end) && !sentence_start(text, start)) continue;
        batch_word(&b, text, start, end, score, per_order);
        words++;
    }
    batch_flush(&b, score, per_order);
    if (words < NAMES_MIN_WORDS) return -1;
    int best = -1;
    double best_v = 0, first_v = 0;
    for (uint32_t l = 0; l < n_langs; l++) {
        if (!(pl_lm_scripts((int)l) & (1ull << PL_SC_LATN)) || (allowed && !allowed[l]))
            continue;
        double v = pl_lm_nats((int)l, score, per_order) + pl_lm_prior((int)l);
        if ((int)l == first) first_v = v;
        if (best < 0 || v > best_v) best = (int)l, best_v = v;
    }
    return best >= 0 && best != first && best_v - first_v >= NAMES_LEAD_NATS ? best : -1;
}

int pl_lm_second_look(const char *text, size_t len, const uint8_t *allowed, int first,
                      const int *cand, int n_cand, double *share) {
    pl_lm_span sp[64];
    /* The whole text's best candidates, `first` among them, stand for the
     * choice of pass 1, which would cost as much as the split itself. */
    int n = spans_among(text, len, cand, n_cand, sp, 64);
    if (n < 1 || n > 64) return -1;
    uint32_t per_lang[256] = {0}, total = 0;
    for (int i = 0; i < n; i++) {
        total += sp[i].letters;
        if (sp[i].lang >= 0) per_lang[sp[i].lang] += sp[i].letters;
    }
    int best = -1;
    for (int l = 0; l < (int)pl_lm_n_langs(); l++)
        if (l != first && per_lang[l] && (best < 0 || per_lang[l] > per_lang[best]))
            best = l;
    if (best >= 0 && total > 0 && per_lang[best] >= SECOND_LOOK_SHARE * total) {
        *share = (double)per_lang[best] / total;
        return best;
    }
    best = without_names(text, len, allowed, first);
    if (best >= 0) *share = 0.5;
    return best;
}

int pl_langid_spans(const char *text, size_t len, const pl_langid_opts *opts,
                    pl_lang_span **out) {
    if (!out) return PL_ERR_USAGE;
    *out = NULL;
    if (!text && len > 0) return PL_ERR_USAGE;
    if (!pl_lm_ready()) return PL_ERR_CORRUPT;
    uint8_t allowed[256];
    int restrict_to = opts && opts->only && opts->n_only > 0;
    if (restrict_to) {
        memset(allowed, 0, sizeof allowed);
        for (int i = 0; i < opts->n_only && opts->only[i]; i++) {
            int l = pl_lm_index(opts->only[i]);
            if (l >= 0) allowed[l] = 1;
        }
    }
    /* Most texts have a few spans: a second pass only for the others. */
    pl_lm_span small[16], *sp = small;
    int n = pl_lm_spans(text, len, restrict_to ? allowed : NULL, sp, 16);
    if (n > 16) {
        sp = malloc((size_t)n * sizeof *sp);
        if (!sp) return PL_ERR_NOMEM;
        n = pl_lm_spans(text, len, restrict_to ? allowed : NULL, sp, n);
    }
    pl_lang_span *res = n > 0 ? malloc((size_t)n * sizeof *res) : NULL;
    if (n > 0 && !res) n = PL_ERR_NOMEM;
    for (int i = 0; i < n; i++) {
        const char *code = sp[i].lang >= 0 ? pl_lm_code(sp[i].lang) : "und";
        if (opts && opts->min_confidence > 0 && sp[i].confidence < opts->min_confidence)
            code = "und";
        snprintf(res[i].lang, sizeof res[i].lang, "%s", code);
        res[i].start = sp[i].start;
        res[i].len = sp[i].len;
        res[i].confidence = sp[i].confidence;
    }
    if (sp != small) free(sp);
    if (n > 0) *out = res;
    return n;
}

void pl_lang_spans_free(pl_lang_span *spans) {
    free(spans);
}
