/*
 * langid_train.c - builds the language model (data/langid/model.bin) from a
 * folder of plain-text training files.
 *
 * Usage: langid_train [-a alpha] [-d dense_min] [-m min_count] [-o orders]
 *                     [-p priors] [-w word_weight] CORPUS_DIR OUT_FILE
 * CORPUS_DIR holds one folder per language, named by the code plotline
 * reports ("de", "zh"), with *.txt files of UTF-8 text. A file named
 * "*.xN.txt" counts N times (N = 1..9), to give a scarce but clean source
 * more say. The features are the ones src/langid/features.c extracts at run
 * time; the model is a naive-Bayes table laid out as src/langid/model.h
 * describes. Output depends only on the input files, so the same corpus
 * always gives the same bytes. `priors` is a file of "code nats" lines: a
 * log prior (0 or negative) for languages that are rare in synopses but
 * close to a common one (Galician beside Spanish and Portuguese), which
 * decides only the near ties of very short texts. `word_weight` scales the
 * log-probabilities of whole words against the n-grams' (1.0): a known word
 * says more than the n-grams it is made of, which overlap and repeat it. `dense_min`:
 * features that at least this many languages share get a dense row of bonuses (one per
 * language) instead of postings, which the runtime adds up a vector at a time.
 * tools/langid/build-model.sh runs it all.
 */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "langid/features.h"
#include "langid/model.h"

#define SCALE 16.0        /* score units per nat: bonuses of common n-grams fit a byte */
#define LOAD_PERCENT 75   /* keys per 100 home slots */
#define SCRIPT_SHARE 0.02 /* a language "uses" a script holding 2% of its letters */

static void die(const char *msg, const char *arg) {
    fprintf(stderr, "langid_train: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    exit(1);
}

static void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size);
    if (!p) die("out of memory", NULL);
    return p;
}

/* ---- Counting the features of one language: key -> count -------------- */

typedef struct {
    uint32_t *keys; /* 0 = empty */
    uint32_t *counts;
    size_t cap, used; /* cap is a power of two */
} counter;

static void counter_init(counter *c, size_t cap) {
    c->cap = cap;
    c->used = 0;
    c->keys = xcalloc(cap, sizeof *c->keys);
    c->counts = xcalloc(cap, sizeof *c->counts);
}

static void counter_free(counter *c) {
    free(c->keys);
    free(c->counts);
}

static void counter_put(counter *c, uint32_t key, uint32_t add) {
    size_t mask = c->cap - 1, i = (key * 0x9E3779B1u) & mask;
    while (c->keys[i] && c->keys[i] != key)
        i = (i + 1) & mask;
    if (!c->keys[i]) {
        c->keys[i] = key;
        c->used++;
    }
    c->counts[i] += add;
    if (c->used * 10 > c->cap * 7) {
        counter big;
        counter_init(&big, c->cap * 2);
        for (size_t j = 0; j < c->cap; j++)
            if (c->keys[j]) counter_put(&big, c->keys[j], c->counts[j]);
        counter_free(c);
        *c = big;
    }
}

/* ---- Languages ------------------------------------------------------- */

typedef struct {
    char code[16];
    counter feats;
    double total[PL_LF_MAX_ORDER + 1]; /* feature occurrences per order */
    double letters, script[PL_SC_COUNT];
    uint64_t script_mask;
    int16_t floor[8];
    int16_t prior;
} lang;

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the entries of a folder (no dot files). */
static char **list_dir(const char *path, size_t *n) {
    DIR *d = opendir(path);
    if (!d) die("cannot open folder", path);
    size_t cap = 64, k = 0;
    char **names = xcalloc(cap, sizeof *names);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (k == cap) {
            cap *= 2;
            names = realloc(names, cap * sizeof *names);
            if (!names) die("out of memory", NULL);
        }
        names[k++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, k, sizeof *names, cmp_str);
    *n = k;
    return names;
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot read", path);
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = xcalloc((size_t)sz + 1, 1);
    if (sz > 0 && fread(buf, 1, (size_t)sz, f) != (size_t)sz) die("short read", path);
    fclose(f);
    *len = (size_t)sz;
    return buf;
}

/* The repeat count of a file: "name.x3.txt" -> 3, else 1. */
static unsigned file_weight(const char *name) {
    size_t n = strlen(name);
    if (n > 7 && strcmp(name + n - 4, ".txt") == 0 && name[n - 7] == '.' &&
        name[n - 6] == 'x' && name[n - 5] >= '1' && name[n - 5] <= '9')
        return (unsigned)(name[n - 5] - '0');
    return 1;
}

static void count_text(lang *L, const char *text, size_t len, unsigned weight) {
    pl_lf_state st;
    memset(&st, 0, sizeof st);
    pl_lf_stats stats;
    memset(&stats, 0, sizeof stats);
    uint32_t keys[4096];
    size_t pos = 0;
    while (pos < len) {
        size_t n = pl_lf_extract(&st, text, len, &pos, keys, 4096, &stats);
        for (size_t i = 0; i < n; i++) {
            counter_put(&L->feats, keys[i], weight);
            L->total[pl_lf_order(keys[i])] += weight;
        }
    }
    L->letters += (double)stats.letters * weight;
    for (int s = 0; s < PL_SC_COUNT; s++)
        L->script[s] += (double)stats.script[s] * weight;
}

/* ---- Merging into the model ------------------------------------------ */

typedef struct {
    uint32_t key;
    uint8_t lang, bonus;
} posting;

static int cmp_posting(const void *a, const void *b) {
    const posting *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return (int)x->lang - (int)y->lang;
}

static void put_u32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static void put_u16(unsigned char *p, uint16_t v) {
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    double alpha = 0.5;
    unsigned min_count = 1;
    unsigned orders = 0x7E; /* bit o: keep features of order o (1..6) */
    const char *priors = NULL;
    double word_weight = 1.0;
    unsigned dense_min = 12;
    int argi = 1;
    while (argi + 1 < argc && argv[argi][0] == '-') {
        if (strcmp(argv[argi], "-a") == 0)
            alpha = atof(argv[argi + 1]);
        else if (strcmp(argv[argi], "-d") == 0)
            dense_min = (unsigned)atoi(argv[argi + 1]);
        else if (strcmp(argv[argi], "-m") == 0)
            min_count = (unsigned)atoi(argv[argi + 1]);
        else if (strcmp(argv[argi], "-w") == 0)
            word_weight = atof(argv[argi + 1]);
        else if (strcmp(argv[argi], "-p") == 0)
            priors = argv[argi + 1];
        else if (strcmp(argv[argi], "-o") == 0)
            orders = (unsigned)strtoul(argv[argi + 1], NULL, 0) & 0x7E;
        else
            die("unknown option", argv[argi]);
        argi += 2;
    }
    if (argc - argi != 2 || alpha <= 0 || word_weight <= 0 || word_weight > 4 ||
        dense_min < 2) {
        fprintf(stderr,
                "usage: langid_train [-a alpha] [-d dense_min] [-m min_count] [-o orders] "
                "[-p priors] [-w word_weight] CORPUS_DIR OUT_FILE\n");
        return 2;
    }
    const char *corpus = argv[argi], *out_path = argv[argi + 1];

    size_t n_langs;
    char **names = list_dir(corpus, &n_langs);
    if (n_langs == 0 || n_langs > PL_LM_MAX_LANGS)
        die("need 1..255 language folders in", corpus);
    lang *langs = xcalloc(n_langs, sizeof *langs);
    char path[4096];
    for (size_t l = 0; l < n_langs; l++) {
        lang *L = &langs[l];
        if (strlen(names[l]) >= sizeof L->code) die("language code too long", names[l]);
        strcpy(L->code, names[l]);
        counter_init(&L->feats, 1 << 16);
        snprintf(path, sizeof path, "%s/%s", corpus, names[l]);
        size_t n_files;
        char **files = list_dir(path, &n_files);
        for (size_t f = 0; f < n_files; f++) {
            size_t nl = strlen(files[f]);
            if (nl > 4 && strcmp(files[f] + nl - 4, ".txt") == 0) {
                snprintf(path, sizeof path, "%s/%s/%s", corpus, names[l], files[f]);
                size_t len;
                char *text = read_file(path, &len);
                count_text(L, text, len, file_weight(files[f]));
                free(text);
            }
            free(files[f]);
        }
        free(files);
        for (int s = 1; s < PL_SC_COUNT; s++)
            if (L->letters > 0 && L->script[s] >= SCRIPT_SHARE * L->letters)
                L->script_mask |= 1ull << s;
    }

    if (priors) {
        FILE *pf = fopen(priors, "r");
        if (!pf) die("cannot read", priors);
        char line[256], code[64];
        double nats;
        while (fgets(line, sizeof line, pf)) {
            if (line[0] == '#' || sscanf(line, "%63s %lf", code, &nats) != 2)
                continue; /* comments and blank lines */
            size_t l = 0;
            while (l < n_langs && strcmp(langs[l].code, code) != 0)
                l++;
            if (l == n_langs || nats > 0 || nats < -20) die("bad prior for", code);
            langs[l].prior = (int16_t)lrint(nats * SCALE);
        }
        fclose(pf);
    }

    /* Distinct features per order over all languages: the smoothing's
     * vocabulary size. */
    size_t n_all = 0;
    for (size_t l = 0; l < n_langs; l++)
        n_all += langs[l].feats.used;
    uint32_t *all = xcalloc(n_all, sizeof *all);
    size_t k = 0;
    for (size_t l = 0; l < n_langs; l++)
        for (size_t i = 0; i < langs[l].feats.cap; i++)
            if (langs[l].feats.keys[i]) all[k++] = langs[l].feats.keys[i];
    qsort(all, n_all, sizeof *all, cmp_u32);
    double distinct[PL_LF_MAX_ORDER + 1] = {0};
    for (size_t i = 0; i < n_all; i++)
        if (i == 0 || all[i] != all[i - 1]) distinct[pl_lf_order(all[i])] += 1;
    free(all);

    for (size_t l = 0; l < n_langs; l++) {
        lang *L = &langs[l];
        for (int o = 1; o <= PL_LF_MAX_ORDER; o++) {
            if (!(orders & (1u << o))) continue;
            double w = o == PL_LF_WORD_ORDER ? word_weight : 1.0;
            double fl = w * SCALE * log(alpha / (L->total[o] + alpha * distinct[o]));
            L->floor[o] = (int16_t)lrint(fl < -32000 ? -32000 : fl);
        }
    }

    /* Postings that survive pruning, sorted by key then language. */
    posting *posts = xcalloc(n_all, sizeof *posts);
    size_t n_posts = 0;
    for (size_t l = 0; l < n_langs; l++) {
        counter *c = &langs[l].feats;
        for (size_t i = 0; i < c->cap; i++) {
            if (!c->keys[i] || c->counts[i] < min_count ||
                !(orders & (1u << pl_lf_order(c->keys[i]))))
                continue;
            double w = pl_lf_order(c->keys[i]) == PL_LF_WORD_ORDER ? word_weight : 1.0;
            double b = w * SCALE * log((c->counts[i] + alpha) / alpha);
            long q = lrint(b);
            if (q < 1) continue;
            posts[n_posts].key = c->keys[i];
            posts[n_posts].lang = (uint8_t)l;
            posts[n_posts].bonus = (uint8_t)(q > 255 ? 255 : q);
            n_posts++;
        }
    }
    qsort(posts, n_posts, sizeof *posts, cmp_posting);
    /* Keys, and how their bonuses are stored (model.h): in a dense row when
     * many languages share them, inline when one has them, else as
     * postings. */
    size_t n_keys = 0, n_dense = 0, n_sparse = 0;
    for (size_t i = 0, first = 0; i < n_posts; i = first) {
        while (first < n_posts && posts[first].key == posts[i].key)
            first++;
        n_keys++;
        if (first - i >= dense_min || first - i > PL_LM_MAX_SPARSE)
            n_dense++;
        else if (first - i > 1)
            n_sparse += first - i;
    }
    size_t stride = (n_langs + 15) & ~(size_t)15;

    /* Load factor LOAD_PERCENT: a probe sequence stays within a cache
     * line or two, and the table is sized to the keys rather than to a
     * power of two (which would have nearly doubled the model). Inserted in
     * ascending order, a key lands in the slot after the previous key's or
     * at its home, whichever is further: runs never wrap, they spill into
     * the tail after the home slots, which ends with PL_LM_PROBE empty
     * slots. */
    size_t n_home = n_keys * 100 / LOAD_PERCENT + 16;
    if (n_home > 0xFFFFFFFFu) die("too many features", NULL);
    size_t n_slots = 0;
    for (size_t i = 0; i < n_posts; i++)
        if (i == 0 || posts[i].key != posts[i - 1].key) {
            size_t home = (size_t)(((uint64_t)posts[i].key * n_home) >> 32);
            n_slots = (home > n_slots ? home : n_slots) + 1;
        }
    n_slots = (n_slots > n_home ? n_slots : n_home) + PL_LM_PROBE;
    if (n_dense >= (1u << 24) || n_sparse >= (1u << 24))
        die("too many postings for 24-bit offsets", NULL);
    size_t off_langs = PL_LM_HEADER;
    size_t off_slots = off_langs + n_langs * PL_LM_LANG_REC;
    size_t off_dense = (off_slots + n_slots * 8 + 63) & ~(size_t)63;
    size_t off_posts = off_dense + n_dense * stride;
    size_t size = off_posts + (n_sparse + PL_LM_MAX_SPARSE) * 2;
    size = (size + 3) & ~(size_t)3;
    unsigned char *m = xcalloc(size, 1);

    for (size_t l = 0; l < n_langs; l++) {
        unsigned char *r = m + off_langs + l * PL_LM_LANG_REC;
        memcpy(r + PL_LM_LANG_CODE, langs[l].code, strlen(langs[l].code));
        put_u32(r + PL_LM_LANG_SCRIPTS, (uint32_t)langs[l].script_mask);
        put_u32(r + PL_LM_LANG_SCRIPTS + 4, (uint32_t)(langs[l].script_mask >> 32));
        for (int o = 0; o < 8; o++)
            put_u16(r + PL_LM_LANG_FLOOR + 2 * o, (uint16_t)langs[l].floor[o]);
        put_u16(r + PL_LM_LANG_PRIOR, (uint16_t)langs[l].prior);
    }
    /* In ascending key order, which the runtime's early stop relies on. */
    size_t dense = 0, sparse = 0, slot = 0;
    for (size_t i = 0, first = 0; i < n_posts; i = first) {
        uint32_t key = posts[i].key;
        while (first < n_posts && posts[first].key == key)
            first++;
        size_t cnt = first - i;
        uint32_t val;
        if (cnt >= dense_min || cnt > PL_LM_MAX_SPARSE) {
            for (size_t j = i; j < first; j++)
                m[off_dense + dense * stride + posts[j].lang] = posts[j].bonus;
            val = (uint32_t)(dense++ << 8);
        } else if (cnt == 1) {
            val = (uint32_t)(posts[i].bonus << 8 | posts[i].lang) << 8 | 1;
        } else {
            for (size_t j = i; j < first; j++)
                put_u16(m + off_posts + (sparse + j - i) * 2,
                        (uint16_t)(posts[j].bonus << 8 | posts[j].lang));
            val = (uint32_t)(sparse << 8 | cnt);
            sparse += cnt;
        }
        size_t home = (size_t)(((uint64_t)key * n_home) >> 32);
        slot = i == 0 || home > slot ? home : slot + 1;
        put_u32(m + off_slots + slot * 8, key);
        put_u32(m + off_slots + slot * 8 + 4, val);
    }

    memcpy(m, PL_LM_MAGIC, 8);
    put_u32(m + PL_LM_OFF_VERSION, PL_LM_VERSION);
    put_u32(m + PL_LM_OFF_SIZE, (uint32_t)size);
    put_u32(m + PL_LM_OFF_NLANGS, (uint32_t)n_langs);
    put_u32(m + PL_LM_OFF_SLOTS, (uint32_t)n_home);
    put_u32(m + PL_LM_OFF_TAIL, (uint32_t)(n_slots - n_home));
    put_u32(m + PL_LM_OFF_NPOST, (uint32_t)n_sparse);
    put_u32(m + PL_LM_OFF_SCALE, (uint32_t)SCALE);
    put_u32(m + PL_LM_OFF_ORDERS, orders);
    put_u32(m + PL_LM_OFF_NDENSE, (uint32_t)n_dense);
    put_u32(m + PL_LM_OFF_STRIDE, (uint32_t)stride);
    uint32_t sum = 2166136261u;
    for (size_t i = PL_LM_HEADER; i < size; i += 4)
        sum = (sum ^ ((uint32_t)m[i] | (uint32_t)m[i + 1] << 8 | (uint32_t)m[i + 2] << 16 |
                      (uint32_t)m[i + 3] << 24)) *
              16777619u;
    put_u32(m + PL_LM_OFF_CHECKSUM, sum);

    FILE *f = fopen(out_path, "wb");
    if (!f || fwrite(m, 1, size, f) != size || fclose(f) != 0)
        die("cannot write", out_path);
    fprintf(
        stderr,
        "langid_train: %zu languages, %zu features (%zu dense), %zu postings, %zu bytes\n",
        n_langs, n_keys, n_dense, n_posts, size);
    for (size_t l = 0; l < n_langs; l++) {
        free(names[l]);
        counter_free(&langs[l].feats);
    }
    free(names);
    free(langs);
    free(posts);
    free(m);
    return 0;
}
