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
    word *w; /* sorted bytewise, as the file is */
    size_t n;
} stoplist;

static stoplist lists[MAX_LANGS];
static size_t n_lists;
static pthread_once_t once = PTHREAD_ONCE_INIT;

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

int pl_xling_stopword(const char *lang, const char *w, size_t n) {
    pthread_once(&once, load);
    if (!lang) return 0;
    for (size_t i = 0; i < n_lists; i++) {
        if (strcmp(lists[i].lang, lang) != 0) continue;
        size_t lo = 0, hi = lists[i].n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = pl_bytes_cmp(lists[i].w[mid].s, lists[i].w[mid].n, w, n);
            if (c == 0) return 1;
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        return 0;
    }
    return 0;
}
