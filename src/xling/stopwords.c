/*
 * stopwords.c - the function words of each language (data/xling/stopwords.txt,
 * compiled in): a query's "de" or "the" says nothing about an episode, and
 * translated it says even less, so the planner neither translates them nor
 * lets them weigh like the words that do.
 *
 * The file is small (16 KB), so it is parsed once per process into sorted
 * word lists that are searched in place.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "xling/xling.h"

extern const char pl_stopwords_start[];
extern const char pl_stopwords_end[];

#define MAX_LANGS 32

typedef struct word {
    const char *s;
    size_t n;
} word;

typedef struct stoplist {
    char lang[8];
    uint64_t code; /* lang's bytes as a number (pl_prefix_key), compared first */
    word *w;       /* sorted bytewise, as the file is */
    size_t n;
    /* The words' index terms (pl_xling_stop_term), sorted bytewise, in one
     * allocation; made on the first call for the language. */
    word *terms;
    size_t n_terms;
    unsigned char *bytes; /* what terms point into */
    _Atomic int made;     /* 1 once terms are made (or could not be) */
} stoplist;

static stoplist lists[MAX_LANGS];
static size_t n_lists;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t making = PTHREAD_MUTEX_INITIALIZER;

/* One line: "code word word ...". Words point into the embedded bytes. */
static void parse_line(const char *p, const char *end) {
    if (n_lists == MAX_LANGS || p == end || *p == '#') return;
    const char *sp = memchr(p, ' ', (size_t)(end - p));
    if (!sp || sp - p >= (long)sizeof lists[0].lang) return;
    size_t count = 0;
    for (const char *q = sp; q < end; q++)
        count += *q == ' ';
    stoplist *l = &lists[n_lists];
    if (!(l->w = calloc(count, sizeof *l->w))) return;
    memcpy(l->lang, p, (size_t)(sp - p));
    l->code = pl_prefix_key(l->lang, (size_t)(sp - p));
    for (const char *q = sp + 1; q < end;) {
        const char *e = memchr(q, ' ', (size_t)(end - q));
        if (!e) e = end;
        if (e > q) l->w[l->n++] = (word){q, (size_t)(e - q)};
        q = e + 1;
    }
    n_lists++;
}

static void load(void) {
    const char *p = pl_stopwords_start, *end = pl_stopwords_end;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) nl = end;
        parse_line(p, nl);
        p = nl + 1;
    }
}

/* Asked for every word of a query in each of its languages, and for each
 * translation: the code is compared as a number (codes fit in 8 bytes). */
static stoplist *list_of(const char *lang) {
    pthread_once(&once, load);
    if (!lang) return NULL;
    size_t n = strnlen(lang, sizeof lists[0].lang);
    if (n == sizeof lists[0].lang) return NULL;
    uint64_t code = pl_prefix_key(lang, n);
    for (size_t i = 0; i < n_lists; i++)
        if (lists[i].code == code) return &lists[i];
    return NULL;
}

static int in_words(const word *ws, size_t count, const char *w, size_t n) {
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = pl_bytes_cmp(ws[mid].s, ws[mid].n, w, n);
        if (c == 0) return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

int pl_xling_stopword(const char *lang, const char *w, size_t n) {
    const stoplist *l = list_of(lang);
    return l && in_words(l->w, l->n, w, n);
}

/* ---- their index terms ---- */

/* The terms as they come: their bytes one after another (which may move
 * as they grow), and where each lies in them. */
typedef struct term_buf {
    pl_buf bytes;
    struct span {
        size_t off, len;
    } * at;
    size_t n, cap;
    int oom;
} term_buf;

static int keep_term(void *ctx, const pl_token *t) {
    term_buf *b = ctx;
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 256;
        struct span *grown = realloc(b->at, cap * sizeof *grown);
        if (!grown) return b->oom = 1;
        b->at = grown;
        b->cap = cap;
    }
    b->at[b->n++] = (struct span){b->bytes.len, t->len};
    pl_buf_append(&b->bytes, t->term, t->len);
    return b->bytes.oom ? (b->oom = 1) : 0;
}

static int by_bytes(const void *a, const void *b) {
    const word *x = a, *y = b;
    return pl_bytes_cmp(x->s, x->n, y->s, y->n);
}

/* Analyzes every function word of l in its language; the terms, sorted and
 * without repeats, become l->terms (left empty when out of memory). */
static void make_terms(stoplist *l, pl_analyzer *an) {
    term_buf b = {PL_BUF_INIT, NULL, 0, 0, 0};
    for (size_t i = 0; i < l->n && !b.oom; i++)
        if (pl_analyze(an, l->lang, l->w[i].s, l->w[i].n, keep_term, &b)) b.oom = 1;
    word *ts = b.oom ? NULL : malloc((b.n ? b.n : 1) * sizeof *ts);
    if (ts) {
        /* The bytes stay for the process: the terms point into them. */
        const char *base = (const char *)b.bytes.data;
        for (size_t i = 0; i < b.n; i++)
            ts[i] = (word){base + b.at[i].off, b.at[i].len};
        qsort(ts, b.n, sizeof *ts, by_bytes);
        size_t u = 0;
        for (size_t i = 0; i < b.n; i++)
            if (!u || by_bytes(&ts[u - 1], &ts[i]) != 0) ts[u++] = ts[i];
        l->terms = ts;
        l->n_terms = u;
        l->bytes = b.bytes.data;
    } else {
        pl_buf_free(&b.bytes);
    }
    free(b.at);
}

int pl_xling_stop_term(pl_analyzer *an, const char *lang, const char *t, size_t n) {
    stoplist *l = list_of(lang);
    if (!l || !an) return 0;
    if (!atomic_load_explicit(&l->made, memory_order_acquire)) {
        pthread_mutex_lock(&making);
        if (!atomic_load_explicit(&l->made, memory_order_relaxed)) {
            make_terms(l, an);
            atomic_store_explicit(&l->made, 1, memory_order_release);
        }
        pthread_mutex_unlock(&making);
    }
    return in_words(l->terms, l->n_terms, t, n);
}
