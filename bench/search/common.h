/*
 * common.h - what the three search benchmark harnesses share: reading the
 * corpus and query files, a monotonic clock, latency statistics, and the
 * "key value" lines the driver (run.sh, report.py) reads back.
 *
 * Header-only so that the C and C++ harnesses each compile it alone.
 */
#ifndef BENCH_SEARCH_COMMON_H
#define BENCH_SEARCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct bs_doc {
    long long id;
    char lang[16];
    char *text;
    size_t len;
} bs_doc;

/* A query: its class and language, then the text each engine is given. */
typedef struct bs_query {
    char cls[24], lang[16];
    char *plotline, *fts5, *xapian;
} bs_query;

/* Seconds on clock `id`. */
static inline double bs_clock(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline double bs_now(void) {
    return bs_clock(CLOCK_MONOTONIC);
}

/* CPU time of the calling thread. Query latencies are taken with it: the
 * machine may be shared, and a query descheduled for a time slice would
 * otherwise show the neighbours' load as its own p99. Everything a query
 * reads is in the page cache after the warm-up pass, so no I/O is hidden. */
static inline double bs_cpu_now(void) {
    return bs_clock(CLOCK_THREAD_CPUTIME_ID);
}

/* CPU time of the whole process, all its threads: indexing is rated by it
 * too, since plotline's import has a helper thread where the machine has a
 * second processor (the peers index on one thread). */
static inline double bs_process_cpu_now(void) {
    return bs_clock(CLOCK_PROCESS_CPUTIME_ID);
}

/* Splits line at tabs into at most max fields (in place); returns how many. */
static inline int bs_split(char *line, char **f, int max) {
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == '\t') {
            *p = 0;
            f[n++] = p + 1;
        }
    return n;
}

/* Calls fn for each corpus record (up to limit; 0 means all). Streams: the
 * text is valid only during the call, so memory stays flat at any size. */
static inline long bs_each_doc(const char *path, long limit,
                               int (*fn)(void *ctx, const bs_doc *d), void *ctx) {
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(2);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long count = 0;
    while ((limit <= 0 || count < limit) && (n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] == '\n') line[--n] = 0;
        char *fl[3];
        if (bs_split(line, fl, 3) != 3) continue;
        bs_doc d;
        d.id = atoll(fl[0]);
        snprintf(d.lang, sizeof d.lang, "%s", fl[1]);
        d.text = fl[2];
        d.len = strlen(fl[2]);
        if (fn(ctx, &d)) break;
        count++;
    }
    free(line);
    fclose(f);
    return count;
}

static inline bs_query *bs_read_queries(const char *path, size_t *n_out) {
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(2);
    }
    bs_query *q = NULL;
    size_t n = 0, cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    while ((len = getline(&line, &lcap, f)) > 0) {
        if (line[len - 1] == '\n') line[--len] = 0;
        char *fl[5];
        if (bs_split(line, fl, 5) != 5) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            q = (bs_query *)realloc(q, cap * sizeof *q);
        }
        snprintf(q[n].cls, sizeof q[n].cls, "%s", fl[0]);
        snprintf(q[n].lang, sizeof q[n].lang, "%s", fl[1]);
        q[n].plotline = strdup(fl[2]);
        q[n].fts5 = strdup(fl[3]);
        q[n].xapian = strdup(fl[4]);
        n++;
    }
    free(line);
    fclose(f);
    *n_out = n;
    return q;
}

static inline int bs_cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Prints p50/p99 (microseconds) of each query class, and the overall rate
 * (by CPU time; by wall-clock time too when `wall` is given), and the rate of
 * the first pass, whose every query is new to the engine's caches
 * (`first_cpu`: its CPU seconds; plotline's handle memos are filled by the
 * timed pass's twin). */
static inline void bs_report_latencies(const bs_query *q, const double *secs, size_t n,
                                       double wall, double first_cpu) {
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += secs[i];
    printf("queries %zu\nquery_secs %.6f\nqps %.1f\n", n, total, total > 0 ? n / total : 0);
    if (wall > 0) printf("qps_wall %.1f\n", n / wall);
    printf("qps_first %.1f\n", first_cpu > 0 ? n / first_cpu : 0);
    const char *seen[32];
    size_t n_seen = 0;
    double *buf = (double *)malloc((n ? n : 1) * sizeof *buf);
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < n_seen && strcmp(seen[k], q[i].cls))
            k++;
        if (k < n_seen || n_seen == 32) continue;
        seen[n_seen++] = q[i].cls;
        size_t m = 0;
        for (size_t j = 0; j < n; j++)
            if (!strcmp(q[j].cls, q[i].cls)) buf[m++] = secs[j];
        qsort(buf, m, sizeof *buf, bs_cmp_double);
        double p50 = buf[(m - 1) / 2], p99 = buf[(size_t)((m - 1) * 0.99 + 0.5)];
        printf("p50_%s %.1f\np99_%s %.1f\n", q[i].cls, p50 * 1e6, q[i].cls, p99 * 1e6);
    }
    free(buf);
}

/* Total size of the regular files under a folder or of one file. */
static inline long long bs_path_bytes(const char *path) {
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "du -sb --apparent-size '%s' 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    long long n = 0;
    if (p) {
        if (fscanf(p, "%lld", &n) != 1) n = 0;
        pclose(p);
    }
    return n;
}

#endif
