/*
 * langid.c - language identification with the embedded naive-Bayes model.
 *
 * The model (see model.h) is read in place from the bytes model_blob.S
 * embeds; it is validated once, on first use. A call extracts the text's
 * features (features.c) into a stack buffer, looks each up in the model's
 * hash table and adds its per-language bonuses into a fixed array of scores:
 * no locks after initialisation, and no allocation but for the second look
 * at a text read as English (spans.c), which holds a few dozen bytes a word.
 *
 * Scripts decide first: the text's main script selects the languages that
 * write it (Greek letters can only be Greek), kana marks Japanese and Han
 * without kana Chinese, and a script no language of the model writes is
 * reported as "und-Xxxx". Among the remaining candidates the n-gram scores
 * decide, and a softmax over the per-feature score differences gives the
 * confidences. A text read as English gets a second look, word by word: it
 * may be another language's text quoting English, or names.
 */
#include "langid/langid.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "langid/features.h"
#include "langid/model.h"
#include "langid/scoring.h"

extern const unsigned char pl_langid_model_start[];
extern const unsigned char pl_langid_model_end[];

/* How sharply score differences turn into confidence: the logit of a
 * language is K * (its score - the best) in nats / sqrt(features), so that
 * confidence grows with the evidence but not as fast as naive Bayes claims
 * (its features overlap and are far from independent). */
#define CONF_K 1.0

/* Scoring stops early when this many features have been scored and the
 * best language's logit leads the next by this much (confidence > 0.9999). */
#define SETTLE_FEATURES 1500
#define SETTLE_LOGIT 10.0

/* What a prior from the context (pl_langid_opts.prior) is worth, as a
 * logit (see CONF_K): it multiplies its language's odds by e^2, so it
 * overturns a rival's lead only while that rival is less than ~88% sure. */
#define PRIOR_LOGIT 2.0

/* Weight (letters; kana and Hangul 2, Han 3) another script needs to
 * outweigh Latin letters three times its own. */
#define OTHER_SCRIPT_MIN 4

/* Languages the second look weighs against English: the whole text's next
 * best. */
#define SECOND_LOOK_CANDIDATES 4

/* Letters outside quotation marks needed to ignore the quoted ones. */
#define QUOTE_MIN_REST 16

static struct {
    int ok;
    uint32_t n_langs, n_home, n_post, n_dense;
    uint32_t vecs;   /* 16-byte vectors in a dense row */
    uint32_t orders; /* bit o: order o is in the model */
    double scale;
    const uint32_t *slots; /* key, value pairs */
    const unsigned char *dense;
    const uint16_t *posts;
    char code[PL_LM_MAX_LANGS][PL_LANG_MAX];
    uint64_t scripts[PL_LM_MAX_LANGS];
    int16_t floor[PL_LM_MAX_LANGS][8];
    int16_t prior[PL_LM_MAX_LANGS];
    /* The languages that write each script, in model order: the
     * candidates of most texts, which have one script. */
    uint8_t by_script[PL_SC_COUNT][PL_LM_MAX_LANGS];
    uint8_t n_by_script[PL_SC_COUNT];
    uint8_t by_code[PL_LM_MAX_LANGS]; /* language indexes in code order */
    int en;                           /* English's index, or -1 */
} M;

static pthread_once_t model_once = PTHREAD_ONCE_INIT;

static uint32_t rd32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void model_load(void) {
    const unsigned char *b = pl_langid_model_start;
    size_t have = (size_t)(pl_langid_model_end - pl_langid_model_start);
    /* The tables are used as native arrays: that needs a little-endian host
     * and at least the 4-byte alignment model_blob.S gives (64). */
    const uint16_t probe = 1;
    if (*(const unsigned char *)&probe != 1 || ((uintptr_t)b & 3) != 0) return;
    if (have < PL_LM_HEADER || memcmp(b, PL_LM_MAGIC, 8) != 0 ||
        rd32(b + PL_LM_OFF_VERSION) != PL_LM_VERSION || rd32(b + PL_LM_OFF_SIZE) != have)
        return;
    uint32_t n_langs = rd32(b + PL_LM_OFF_NLANGS), n_home = rd32(b + PL_LM_OFF_SLOTS);
    uint32_t n_post = rd32(b + PL_LM_OFF_NPOST), n_dense = rd32(b + PL_LM_OFF_NDENSE);
    uint32_t stride = rd32(b + PL_LM_OFF_STRIDE), tail = rd32(b + PL_LM_OFF_TAIL);
    if (n_langs == 0 || n_langs > PL_LM_MAX_LANGS || n_home < 1 || n_home > (1u << 28) ||
        tail < 1 || tail > (1u << 28) || stride != ((n_langs + 15) & ~15u) ||
        n_dense >= (1u << 24))
        return;
    uint64_t n_slots = (uint64_t)n_home + tail;
    uint64_t off_slots = PL_LM_HEADER + (uint64_t)n_langs * PL_LM_LANG_REC;
    uint64_t off_dense = (off_slots + 8 * n_slots + 63) & ~(uint64_t)63;
    uint64_t off_posts = off_dense + (uint64_t)n_dense * stride;
    if (off_posts + ((uint64_t)n_post + PL_LM_MAX_SPARSE) * 2 > have) return;
    /* Every value in range, and the keys of each probe run in the order the
     * early stop of lookups assumes, with empty slots at the end: lookups
     * need no checks later. */
    const unsigned char *slots = b + off_slots;
    if (tail < PL_LM_PROBE) return;
    for (uint32_t j = 1; j <= PL_LM_PROBE; j++)
        if (rd32(slots + 8 * (n_slots - j)) != 0) return;
    uint32_t prev = 0;
    for (uint64_t i = 0; i < n_slots; i++) {
        uint32_t key = rd32(slots + 8 * i), v = rd32(slots + 8 * i + 4), n = v & 0xFF;
        if (!key) {
            prev = 0;
            continue;
        }
        /* In a run keys ascend, none is before its home and the first is at
         * its home: then every slot from a key's home to its own is taken
         * by a smaller key. */
        uint64_t home = ((uint64_t)key * n_home) >> 32;
        if (key <= prev || home > i || (prev == 0 && home != i)) return;
        prev = key;
        if (n == 0   ? (v >> 8) >= n_dense
            : n == 1 ? ((v >> 8) & 0xFF) >= n_langs
                     : n > PL_LM_MAX_SPARSE || (uint64_t)(v >> 8) + n > n_post)
            return;
    }
    for (uint32_t i = 0; i < n_post; i++)
        if (b[off_posts + 2 * i] >= n_langs) return;
    uint32_t sum = 2166136261u;
    for (size_t i = PL_LM_HEADER; i + 4 <= have; i += 4)
        sum = (sum ^ rd32(b + i)) * 16777619u;
    if (sum != rd32(b + PL_LM_OFF_CHECKSUM)) return;
    for (uint32_t l = 0; l < n_langs; l++) {
        const unsigned char *r = b + PL_LM_HEADER + l * PL_LM_LANG_REC;
        memcpy(M.code[l], r + PL_LM_LANG_CODE, PL_LANG_MAX - 1);
        M.code[l][PL_LANG_MAX - 1] = '\0';
        M.scripts[l] =
            rd32(r + PL_LM_LANG_SCRIPTS) | (uint64_t)rd32(r + PL_LM_LANG_SCRIPTS + 4) << 32;
        for (int o = 0; o < 8; o++)
            M.floor[l][o] = (int16_t)(r[PL_LM_LANG_FLOOR + 2 * o] |
                                      r[PL_LM_LANG_FLOOR + 2 * o + 1] << 8);
        M.prior[l] = (int16_t)(r[PL_LM_LANG_PRIOR] | r[PL_LM_LANG_PRIOR + 1] << 8);
        for (int s = 1; s < PL_SC_COUNT; s++)
            if (M.scripts[l] & (1ull << s)) M.by_script[s][M.n_by_script[s]++] = (uint8_t)l;
    }
    M.slots = (const uint32_t *)(const void *)(b + off_slots);
    /* Codes in order for lang_index (the trainer writes them sorted, but
     * nothing needs it to). */
    for (uint32_t l = 0; l < n_langs; l++) {
        uint32_t j = l;
        for (; j > 0 && strcmp(M.code[M.by_code[j - 1]], M.code[l]) > 0; j--)
            M.by_code[j] = M.by_code[j - 1];
        M.by_code[j] = (uint8_t)l;
    }
    M.en = -1;
    for (uint32_t l = 0; l < n_langs; l++)
        if (strcmp(M.code[l], "en") == 0) M.en = (int)l;
    M.dense = b + off_dense;
    M.posts = (const uint16_t *)(const void *)(b + off_posts);
    M.n_dense = n_dense;
    M.vecs = stride / 16;
    M.n_langs = n_langs;
    M.n_home = n_home;
    M.n_post = n_post;
    M.scale = (double)rd32(b + PL_LM_OFF_SCALE);
    M.orders = rd32(b + PL_LM_OFF_ORDERS);
    if (M.scale <= 0) return;
    M.ok = 1;
}

#define BIT(s) (1ull << (s))
#define CJK_BITS (BIT(PL_SC_HANI) | BIT(PL_SC_HIRA) | BIT(PL_SC_KANA))
#define KANA_BITS (BIT(PL_SC_HIRA) | BIT(PL_SC_KANA))

static void set_guess(pl_lang_guess *g, const char *code, double conf) {
    size_t n = strlen(code);
    if (n >= PL_LANG_MAX) n = PL_LANG_MAX - 1;
    memcpy(g->lang, code, n);
    g->lang[n] = '\0';
    g->confidence = conf;
}

/* A key's home slot (see model.h). */
static inline uint32_t home_slot(uint32_t key) {
    return (uint32_t)(((uint64_t)key * M.n_home) >> 32);
}

/* How many keys ahead the home slot is fetched: the table is megabytes, so
 * nearly every lookup misses the cache, and a dozen misses in flight cost
 * little more than one. */
#define PREFETCH_AHEAD 12

/* The dense rows are added up 16 bytes at a time, as 8 lanes of 16 bits:
 * a lane's low byte is an even language's bonus, its high byte the next
 * one's. GCC's vector extension gives SSE2 or NEON code, or plain code
 * where neither is. */
typedef uint16_t u16x8 __attribute__((vector_size(16)));
#define MAX_VECS ((PL_LM_MAX_LANGS + 15) / 16)
/* Rows added into 16-bit lanes before they are moved to the 32-bit scores:
 * 257 bonuses of at most 255 still fit. */
#define DENSE_FLUSH 256

/* Adds the dense rows `rows` into the scores. Inlined into add_rows with
 * `vecs` a constant for the usual row widths, the loops unroll and the
 * lanes stay in registers. */
static inline __attribute__((always_inline)) void
add_rows_n(const uint32_t *rows, size_t n, int32_t *score, uint32_t vecs) {
    u16x8 even[MAX_VECS], odd[MAX_VECS];
    const u16x8 low = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    while (n > 0) {
        size_t chunk = n < DENSE_FLUSH ? n : DENSE_FLUSH;
#pragma GCC unroll 8
        for (uint32_t v = 0; v < vecs; v++)
            even[v] = odd[v] = (u16x8){0};
        for (size_t i = 0; i < chunk; i++) {
            const unsigned char *row = M.dense + (size_t)rows[i] * vecs * 16;
#pragma GCC unroll 8
            for (uint32_t v = 0; v < vecs; v++) {
                u16x8 x;
                memcpy(&x, row + 16 * v, 16);
                even[v] += x & low;
                odd[v] += x >> 8;
            }
        }
        for (uint32_t v = 0; v < vecs; v++)
            for (uint32_t j = 0; j < 8; j++) {
                uint32_t l = 16 * v + 2 * j;
                if (l < M.n_langs) score[l] += even[v][j];
                if (l + 1 < M.n_langs) score[l + 1] += odd[v][j];
            }
        rows += chunk;
        n -= chunk;
    }
}

static void add_rows(const uint32_t *rows, size_t n, int32_t *score) {
    switch (M.vecs) {
    case 4: add_rows_n(rows, n, score, 4); break; /* up to 64 languages */
    case 6: add_rows_n(rows, n, score, 6); break; /* up to 96: the model's 90 */
    case 8: add_rows_n(rows, n, score, 8); break; /* up to 128 */
    default: add_rows_n(rows, n, score, M.vecs);
    }
}

/* Which of the PL_LM_PROBE slots from p end a search for key: bit j is set
 * when slot j is empty (0, which k - 1 turns into the largest value) or
 * holds a key not below this one (model.h). */
static inline uint32_t probe_stops(const uint32_t *p, uint32_t key) {
#if defined(__SSE2__) && PL_LM_PROBE == 8
    /* The keys of four (key, value) pairs, twice; SSE2 compares signed, so
     * both sides are biased by 2^31 to compare unsigned. */
    __m128 a = _mm_loadu_ps((const float *)p), b = _mm_loadu_ps((const float *)(p + 4));
    __m128 c = _mm_loadu_ps((const float *)(p + 8)),
           d = _mm_loadu_ps((const float *)(p + 12));
    __m128i k03 = _mm_castps_si128(_mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)));
    __m128i k47 = _mm_castps_si128(_mm_shuffle_ps(c, d, _MM_SHUFFLE(2, 0, 2, 0)));
    const __m128i bias = _mm_set1_epi32((int)0x7FFFFFFF); /* - 1 + 2^31 */
    __m128i want = _mm_set1_epi32((int)(key + 0x7FFFFFFFu));
    __m128i lo = _mm_cmpgt_epi32(want, _mm_add_epi32(k03, bias));
    __m128i hi = _mm_cmpgt_epi32(want, _mm_add_epi32(k47, bias));
    uint32_t below = (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(lo)) |
                     (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(hi)) << 4;
    return ~below & 0xFFu;
#else
    uint32_t stop = 0;
#pragma GCC unroll 8
    for (int j = 0; j < PL_LM_PROBE; j++)
        stop |= (uint32_t)(p[2 * j] - 1 >= key - 1) << j;
    return stop;
#endif
}

/* Adds the scores of a batch of keys (at most 1024); counts keys per order.
 * Two passes: the first finds each key's bonuses, fetching home slots a
 * few keys ahead and the bonuses it finds; by the second, which adds them
 * up, they are in the cache. The first pass has no branch that depends on
 * the key: where a run ends and what kind of value a key has are random,
 * and mispredicted branches, not cache misses, were most of its time. */
static void score_keys(const uint32_t *keys, size_t n, int32_t *score,
                       uint32_t *per_order) {
    uint32_t rows[1024], singles[1024], vals[1024];
    size_t n_rows = 0, n_singles = 0, n_vals = 0;
    size_t stride = (size_t)M.vecs * 16;
    if (n > 1024) n = 1024;
    for (size_t i = 0; i < n && i < PREFETCH_AHEAD; i++)
        __builtin_prefetch(&M.slots[2 * home_slot(keys[i])]);
    for (size_t i = 0; i < n; i++) {
        if (i + PREFETCH_AHEAD < n)
            __builtin_prefetch(&M.slots[2 * home_slot(keys[i + PREFETCH_AHEAD])]);
        uint32_t key = keys[i];
        per_order[key & 7u]++;
        /* Keys sit in ascending order along a probe run (model.h), so the
         * search stops at the first key not below this one. The first
         * PL_LM_PROBE slots are tested at once (the table ends with that
         * many empty ones); a longer run is rare (1% at the model's 75%
         * fill; 12% for 4 slots, and then a mispredicted branch). */
        const uint32_t *p = M.slots + 2 * (size_t)home_slot(key);
        uint32_t stop = probe_stops(p, key);
        if (__builtin_expect(stop == 0, 0)) {
            p += 2 * PL_LM_PROBE;
            while (p[0] - 1 < key - 1)
                p += 2;
        } else {
            p += 2 * __builtin_ctz(stop);
        }
        uint32_t v = p[1], hit = p[0] == key, kind = v & 0xFF;
        /* Each list takes the value, and keeps it when it is its kind. */
        uint32_t dense = hit & (kind == 0), single = hit & (kind == 1);
        rows[n_rows] = v >> 8;
        n_rows += dense;
        singles[n_singles] = v >> 8;
        n_singles += single;
        vals[n_vals] = v;
        n_vals += hit & (kind > 1);
        /* A row spans two cache lines; postings seldom do. The address is
         * only a hint, whatever the kind; chosen with a mask, as the
         * compiler would branch on a conditional. */
        uintptr_t dense_mask = -(uintptr_t)dense;
        uintptr_t at = (((uintptr_t)M.dense + (v >> 8) * stride) & dense_mask) |
                       (((uintptr_t)M.posts + 2 * (uintptr_t)(v >> 8)) & ~dense_mask);
        __builtin_prefetch((const void *)at);
        __builtin_prefetch((const void *)(at + stride - 1));
    }
    for (size_t i = 0; i < n_singles; i++)
        score[singles[i] & 0xFF] += singles[i] >> 8;
    /* Postings are copied PL_LM_MAX_SPARSE at a time into one run, of which
     * each feature keeps its own: then one loop adds them all, instead of a
     * loop per feature whose end is mispredicted. */
    uint16_t run[1024 + PL_LM_MAX_SPARSE];
    size_t n_run = 0;
    for (size_t i = 0; i < n_vals; i++) {
        memcpy(run + n_run, M.posts + (vals[i] >> 8), PL_LM_MAX_SPARSE * 2);
        n_run += vals[i] & 0xFF;
        if (n_run > 1024 || i + 1 == n_vals) {
            for (size_t j = 0; j < n_run; j++)
                score[run[j] & 0xFF] += run[j] >> 8;
            n_run = 0;
        }
    }
    add_rows(rows, n_rows, score);
}

/* Total log-likelihoods of the candidates in nats (bonuses plus the floor
 * for every feature), their maximum, and the confidence scale for this
 * many features. Returns the number of features scored. */
static uint32_t totals(const uint8_t *cand, int n_cand, const int32_t *score,
                       const uint32_t *per_order, double *total, double *best,
                       double *norm) {
    uint32_t n_feat = 0;
    for (int o = 1; o <= PL_LF_MAX_ORDER; o++)
        n_feat += per_order[o];
    *best = -INFINITY;
    for (int c = 0; c < n_cand; c++) {
        int l = cand[c];
        int64_t t = score[l] + M.prior[l];
#pragma GCC unroll 8
        for (int o = 1; o <= PL_LF_MAX_ORDER; o++)
            t += (int64_t)per_order[o] * M.floor[l][o];
        total[c] = (double)t / M.scale;
        if (total[c] > *best) *best = total[c];
    }
    *norm = CONF_K / sqrt(n_feat ? (double)n_feat : 1.0);
    return n_feat;
}

/* Whether enough features were seen and the best leads every other
 * candidate by a margin more text would not overturn. */
static int settled(const double *total, int n_cand, double best, double norm) {
    double second = -INFINITY;
    int seen_best = 0;
    for (int c = 0; c < n_cand; c++) {
        if (total[c] == best && !seen_best)
            seen_best = 1;
        else if (total[c] > second)
            second = total[c];
    }
    /* norm = K / sqrt(features): at least SETTLE_FEATURES features and a
     * confidence gap of e^-SETTLE_LOGIT. */
    return norm <= CONF_K / sqrt((double)SETTLE_FEATURES) &&
           (best - second) * norm >= SETTLE_LOGIT;
}

/* The model's index of a language code, or -1: a binary search over the
 * languages in code order. */
static int lang_index(const char *code) {
    int lo = 0, hi = (int)M.n_langs;
    while (lo < hi) {
        int mid = (lo + hi) / 2, c = strcmp(code, M.code[M.by_code[mid]]);
        if (c == 0) return M.by_code[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

int pl_lm_ready(void) {
    pthread_once(&model_once, model_load);
    return M.ok;
}

uint32_t pl_lm_n_langs(void) {
    return M.n_langs;
}
const char *pl_lm_code(int l) {
    return M.code[l];
}
uint64_t pl_lm_scripts(int l) {
    return M.scripts[l];
}
uint32_t pl_lm_orders(void) {
    return M.orders;
}
int pl_lm_index(const char *code) {
    return lang_index(code);
}

void pl_lm_add(const uint32_t *keys, size_t n, int32_t *score, uint32_t *per_order) {
    score_keys(keys, n, score, per_order);
}

double pl_lm_nats(int l, const int32_t *score, const uint32_t *per_order) {
    int64_t t = score[l];
    for (int o = 1; o <= PL_LF_MAX_ORDER; o++)
        t += (int64_t)per_order[o] * M.floor[l][o];
    return (double)t / M.scale;
}

double pl_lm_prior(int l) {
    return M.prior[l] / M.scale;
}

/* Marks in `allowed` the languages that opts->only lists. */
static void only_mask(const pl_langid_opts *opts, uint8_t *allowed) {
    memset(allowed, 0, PL_LM_MAX_LANGS);
    for (int i = 0; i < opts->n_only && opts->only[i]; i++) {
        int l = lang_index(opts->only[i]);
        if (l >= 0) allowed[l] = 1;
    }
}

int pl_langid_ex(const char *text, size_t len, const pl_langid_opts *opts,
                 pl_lang_guess *out, int max) {
    if (!out || max < 1 || (!text && len > 0)) return PL_ERR_USAGE;
    pthread_once(&model_once, model_load);
    if (!M.ok) return PL_ERR_CORRUPT;
    /* `only` applies when it lists something; the other options stand alone. */
    const pl_langid_opts *restrict_to =
        opts && opts->only && opts->n_only > 0 ? opts : NULL;
    const char *prior = opts && opts->prior && *opts->prior ? opts->prior : NULL;
    double min_conf = opts ? opts->min_confidence : 0;

    pl_lf_stats stats;
    memset(&stats, 0, sizeof stats);
    pl_lf_scan(text, len, &stats);

    /* Script weights: a Han character carries about a word, a kana or
     * Hangul syllable about two letters. Han and kana count together, since
     * Japanese mixes them and kanji-heavy Japanese is still Japanese. */
    /* The loops below visit only the scripts seen, in ascending order as a
     * loop over all would: most texts have one or two. Kana count as Han
     * (below), which is then seen too. */
    uint32_t kana = stats.script[PL_SC_HIRA] + stats.script[PL_SC_KANA];
    uint8_t seen[PL_SC_COUNT];
    int n_seen = 0;
    for (int s = 1; s < PL_SC_COUNT; s++)
        if (stats.script[s] || (s == PL_SC_HANI && kana)) seen[n_seen++] = (uint8_t)s;
    uint32_t w[PL_SC_COUNT] = {0}, wsum = 0;
    for (int i = 0; i < n_seen; i++) {
        int s = seen[i];
        uint32_t f = s == PL_SC_HANI                                           ? 3
                     : (s == PL_SC_HIRA || s == PL_SC_KANA || s == PL_SC_HANG) ? 2
                                                                               : 1;
        w[s] = stats.script[s] * f;
        wsum += w[s];
    }
    uint32_t cjk = w[PL_SC_HANI] + w[PL_SC_HIRA] + w[PL_SC_KANA];
    w[PL_SC_HANI] = cjk;
    w[PL_SC_HIRA] = w[PL_SC_KANA] = 0;
    int main_sc = PL_SC_NONE;
    for (int i = 0; i < n_seen; i++)
        if (w[seen[i]] > (main_sc ? w[main_sc] : 0)) main_sc = seen[i];
    if (main_sc == PL_SC_NONE) {
        set_guess(&out[0], "und", 0.0);
        return 1;
    }
    /* Latin letters beside a good share (a third) of another script are
     * names, titles and commands embedded in that script's text ("Walter
     * White" in Greek, "--verbose" in Japanese): the other script decides.
     * The reverse, a few words of another script in Latin text, is rare. */
    if (main_sc == PL_SC_LATN || w[PL_SC_LATN] * 3 >= w[main_sc] * 2) {
        int other = PL_SC_NONE;
        for (int i = 0; i < n_seen; i++) {
            int s = seen[i];
            if (s != PL_SC_LATN && s != PL_SC_OTHR && w[s] > (other ? w[other] : 0))
                other = s;
        }
        if (other && w[other] >= OTHER_SCRIPT_MIN && w[other] * 3 >= w[PL_SC_LATN]) {
            main_sc = other;
            w[PL_SC_LATN] = 0;
        }
    }
    /* Candidates write the main script or one nearly as present (two thirds
     * of its weight); a few Latin names in a Russian text don't make Latin
     * languages candidates. Kana marks Japanese; Han alone is Chinese. */
    uint64_t want = 0;
    uint32_t covered = 0;
    for (int i = 0; i < n_seen; i++) {
        int s = seen[i];
        if (w[s] && w[s] * 3 >= w[main_sc] * 2) {
            want |= BIT(s);
            covered += w[s];
        }
    }
    int han_only = 0;
    if (want & BIT(PL_SC_HANI)) {
        if (kana)
            want = (want & ~BIT(PL_SC_HANI)) | KANA_BITS;
        else
            han_only = 1;
    }

    uint8_t cand[PL_LM_MAX_LANGS], allowed[PL_LM_MAX_LANGS];
    if (restrict_to) only_mask(restrict_to, allowed);
    int n_cand = 0, any_model = 0;
    int one_script = !restrict_to && !han_only && (want & (want - 1)) == 0;
    if (one_script) {
        /* No restriction: the languages that write the script. */
        int s = __builtin_ctzll(want);
        n_cand = M.n_by_script[s];
        any_model = n_cand > 0;
        memcpy(cand, M.by_script[s], (size_t)n_cand);
    }
    for (int pass = 0; pass < 2 && n_cand == 0 && !one_script; pass++) {
        for (uint32_t l = 0; l < M.n_langs; l++) {
            uint64_t sm = M.scripts[l];
            if (!(sm & want)) continue;
            /* Japanese is no candidate for Han without kana, unless nothing
             * else may be (pass 1: Chinese excluded by `only`). */
            if (han_only && pass == 0 && (sm & KANA_BITS) &&
                !(sm & want & ~BIT(PL_SC_HANI)))
                continue;
            any_model = 1;
            if (restrict_to && !allowed[l]) continue;
            cand[n_cand++] = (uint8_t)l;
        }
        if (!han_only) break;
    }
    if (n_cand == 0) {
        if (any_model) {
            set_guess(&out[0], "und", 0.0);
        } else {
            char und[PL_LANG_MAX];
            memcpy(und, "und-", 4);
            memcpy(und + 4, pl_lf_script_name(main_sc), 5);
            set_guess(&out[0], und, 0.0);
        }
        return 1;
    }

    /* Only words of the candidates' scripts are scored: foreign names in
     * another script say nothing about which of them this is. */
    int32_t score[PL_LM_MAX_LANGS];
    memset(score, 0, sizeof score[0] * M.n_langs);
    uint32_t per_order[8] = {0};
    pl_lf_state st;
    memset(&st, 0, sizeof st);
    st.orders = M.orders; /* keys of orders the model lacks are not made */
    st.open_end = 1;
    st.scripts = want | (want & KANA_BITS ? BIT(PL_SC_HANI) : 0);
    /* Quoted titles and names ("Sex and the City" in a German synopsis) are
     * left out when the rest of the text says enough on its own and is the
     * larger part: a quotation longer than its frame is no title. */
    st.skip_quoted = stats.quoted > 0 && stats.letters - stats.quoted >= QUOTE_MIN_REST &&
                     stats.letters - stats.quoted >= stats.quoted;
    uint32_t keys[1024];
    /* A script only one candidate writes (Greek, Hangul, Thai...) decides
     * alone: its confidence is the same unscored. */
    size_t pos = n_cand > 1 ? 0 : len;
    double total[PL_LM_MAX_LANGS], best = 0, norm = 1;
    while (pos < len) {
        size_t n = pl_lf_extract(&st, text, len, &pos, keys, 1024, NULL);
        score_keys(keys, n, score, per_order);
        /* A long text is settled long before its end: stop once the runner-up
         * is hopelessly behind. */
        if (pos < len && n_cand > 1 &&
            totals(cand, n_cand, score, per_order, total, &best, &norm) &&
            settled(total, n_cand, best, norm))
            break;
    }
    totals(cand, n_cand, score, per_order, total, &best, &norm);
    if (prior) {
        /* The context's language gets PRIOR_LOGIT more: that decides near
         * ties, which short texts between close languages often are, and
         * nothing that the text itself settles. */
        int prior_l = lang_index(prior);
        for (int c = 0; c < n_cand; c++)
            if (cand[c] == prior_l) {
                total[c] += PRIOR_LOGIT / norm;
                if (total[c] > best) best = total[c];
            }
    }
    double prob[PL_LM_MAX_LANGS], sum = 0;
    for (int c = 0; c < n_cand; c++) {
        /* Below e^-40 a term is under half an ulp of the best's 1: it would
         * not change the sum, and exp is most of this loop's cost. */
        double logit = (total[c] - best) * norm;
        prob[c] = logit < -40 ? 0 : exp(logit);
        sum += prob[c];
    }
    /* Letters of other scripts are evidence of mixed or unknown text. */
    double share = wsum ? (double)covered / (double)wsum : 0;

    /* Text read as English gets a second look, word by word: English is
     * what other languages borrow (titles, names, commands, catchphrases),
     * so a text that is partly in another language and partly in English is
     * mostly that other language's text quoting English. */
    int top_c = 0;
    for (int c = 1; c < n_cand; c++)
        if (total[c] > total[top_c]) top_c = c;
    if (n_cand > 1 && M.en >= 0 && cand[top_c] == M.en) {
        /* English first, then the next best (at most 8, as spans take). */
        int sl[8], n_sl = 0;
        uint8_t taken[PL_LM_MAX_LANGS] = {0};
        sl[n_sl++] = M.en;
        taken[top_c] = 1;
        while (n_sl < SECOND_LOOK_CANDIDATES && n_sl < n_cand) {
            int pick = -1;
            for (int c = 0; c < n_cand; c++)
                if (!taken[c] && (pick < 0 || total[c] > total[pick])) pick = c;
            taken[pick] = 1;
            sl[n_sl++] = cand[pick];
        }
        double other_share = 0;
        int other = pl_lm_second_look(text, len, restrict_to ? allowed : NULL, M.en, sl,
                                      n_sl, &other_share);
        for (int c = 0; other >= 0 && c < n_cand; c++)
            if (cand[c] == other) {
                /* It leads, as sure as its share of the letters; English
                 * keeps the rest. */
                double p_other = fmax(prob[c] / sum, other_share);
                prob[c] = p_other * sum;
                prob[top_c] = fmin(prob[top_c] / sum, 1.0 - p_other) * sum;
                total[c] = total[top_c] + 1;
            }
    }

    /* Top `max` by score (confidence rises with it, and the runners-up
     * stay ordered where it is 0); ties keep model order, so output is
     * stable. */
    /* One pass, inserting into the few kept (a query asks for three of
     * some seventy Latin-script candidates). */
    int top[PL_LM_MAX_LANGS], n_out = 0, lim = max < n_cand ? max : n_cand;
    for (int c = 0; c < n_cand; c++) {
        if (n_out == lim && !(total[c] > total[top[n_out - 1]])) continue;
        int j = n_out < lim ? n_out++ : n_out - 1;
        while (j > 0 && total[c] > total[top[j - 1]]) {
            top[j] = top[j - 1];
            j--;
        }
        top[j] = c;
    }
    for (int i = 0; i < n_out; i++)
        set_guess(&out[i], M.code[cand[top[i]]], prob[top[i]] / sum * share);
    if (min_conf > 0 && out[0].confidence < min_conf) {
        set_guess(&out[0], "und", out[0].confidence);
        return 1;
    }
    return n_out;
}

int pl_langid(const char *text, size_t len, pl_lang_guess *out, int max) {
    return pl_langid_ex(text, len, NULL, out, max);
}
