/*
 * bench_plotline.c - indexes the benchmark corpus into a fresh plotline
 * database through the public API (pl_batch_*, languages identified by the
 * library, committed every BATCH records) and then times every query of the
 * query file with pl_search_ex (top 10 synopsis ids and scores, as the
 * peers answer; with --snippets the hits' catalog rows and snippets too).
 * --no-index queries the database WORKDIR already
 * holds; --no-translate searches the words only as given, as the peer
 * engines do.
 *
 * Usage: bench_plotline CORPUS QUERIES WORKDIR [LIMIT] [--snippets] [--no-index]
 *                       [--no-translate]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common.h"
#include "plotline.h"

#define BATCH 10000

typedef struct ictx {
    pl_db *db;
    pl_batch *b;
    long n;
    long long bytes;
    double t0;
} ictx;

static void die(pl_db *db, const char *what, int rc) {
    fprintf(stderr, "bench_plotline: %s: %s: %s\n", what, pl_strerror(rc),
            pl_db_errmsg(db));
    exit(1);
}

static int add_doc(void *vctx, const bs_doc *d) {
    ictx *c = vctx;
    if (!c->b) {
        int rc = pl_batch_begin(c->db, &c->b);
        if (rc) die(c->db, "batch", rc);
    }
    pl_record r = {0};
    r.text = d->text;
    r.text_len = d->len;
    int rc = pl_batch_add(c->b, &r, NULL, NULL);
    if (rc) die(c->db, "add", rc);
    c->n++;
    c->bytes += (long long)d->len;
    if (c->n % BATCH == 0) {
        rc = pl_batch_commit(c->b);
        c->b = NULL;
        if (rc) die(c->db, "commit", rc);
        if (c->n % (BATCH * 10) == 0)
            fprintf(stderr, "plotline: %ld docs, %.0f docs/s\n", c->n,
                    c->n / (bs_now() - c->t0));
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: bench_plotline CORPUS QUERIES WORKDIR [LIMIT] [--snippets]"
                        " [--no-index] [--no-translate]\n");
        return 2;
    }
    long limit = argc > 4 && argv[4][0] != '-' ? atol(argv[4]) : 0;
    int snippets = 0, no_index = 0, no_translate = 0;
    for (int i = 4; i < argc; i++) {
        if (!strcmp(argv[i], "--snippets")) snippets = 1;
        if (!strcmp(argv[i], "--no-index")) no_index = 1;
        if (!strcmp(argv[i], "--no-translate")) no_translate = 1;
    }
    char path[2048], idx[2100];
    snprintf(path, sizeof path, "%s/plotline.db", argv[3]);
    snprintf(idx, sizeof idx, "%s.idx", path);
    if (!no_index) {
        char cmd[9000];
        snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' '%s-wal' '%s-shm'", idx, path, path,
                 path);
        if (system(cmd) != 0) return 1;
    }
    pl_db *db;
    int rc = pl_db_open(path, PL_OPEN_CREATE, &db);
    if (rc) die(db, "open", rc);

    if (!no_index) {
        ictx c = {db, NULL, 0, 0, bs_now()};
        double c0 = bs_process_cpu_now();
        bs_each_doc(argv[1], limit, add_doc, &c);
        if (c.b && (rc = pl_batch_commit(c.b))) die(db, "commit", rc);
        double secs = bs_now() - c.t0, cpu = bs_process_cpu_now() - c0;
        printf("docs %ld\ntext_bytes %lld\nindex_secs %.3f\ndocs_per_sec %.1f\n"
               "mb_per_sec %.2f\ndocs_per_cpu_sec %.1f\n",
               c.n, c.bytes, secs, c.n / secs, c.bytes / secs / 1e6, c.n / cpu);
        long long ib = bs_path_bytes(idx);
        printf("index_bytes %lld\nsize_ratio %.3f\n", ib, (double)ib / (double)c.bytes);
        printf("catalog_bytes %lld\n", bs_path_bytes(path));
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("index_peak_rss_kb %ld\n", ru.ru_maxrss);
        fflush(stdout);
    }

    size_t nq;
    bs_query *q = bs_read_queries(argv[2], &nq);
    double *secs = malloc((nq ? nq : 1) * sizeof *secs);
    pl_search_opts so = {0};
    so.limit = 10;
    so.no_translation = no_translate;
    /* The peers answer with document numbers and scores (Xapian's MSet,
     * FTS5's rowid and bm25()), so plotline does too unless asked for
     * snippets; PL_SEARCH_NO_SNIPPETS alone would also read each hit's
     * episode, language and source from the catalog. */
    unsigned flags = snippets ? 0 : PL_SEARCH_IDS_ONLY;
    unsigned long long hits = 0;
    /* BENCH_DUMP=FILE writes each query's results (for comparing builds). */
    FILE *dump = getenv("BENCH_DUMP") ? fopen(getenv("BENCH_DUMP"), "w") : NULL;
    /* One query outside the set first: what a process does once (mapping
     * the lexicon and checking its checksum, loading the language model,
     * counting the catalog's languages) is not any one query's cost; the
     * peers' equivalents happen when they open their databases. */
    pl_results *once;
    if ((rc = pl_search_ex(db, "warmup", &so, flags, &once))) die(db, "warmup", rc);
    pl_results_free(once);
    double wall = 0, first_cpu = 0;
    for (int pass = 0; pass < 2; pass++) { /* the first pass warms caches */
        wall = bs_now();
        for (size_t i = 0; i < nq; i++) {
            pl_results *r;
            double t = bs_cpu_now();
            rc = pl_search_ex(db, q[i].plotline, &so, flags, &r);
            secs[i] = bs_cpu_now() - t;
            if (!pass) first_cpu += secs[i];
            if (rc) die(db, q[i].plotline, rc);
            if (pass) hits += r->n_hits;
            if (pass && dump) {
                fprintf(dump, "%zu\t%llu", i, (unsigned long long)r->total);
                for (size_t h = 0; h < r->n_hits; h++)
                    fprintf(dump, " %lld:%.6f", (long long)r->hits[h].synopsis_id,
                            r->hits[h].score);
                fputc('\n', dump);
            }
            pl_results_free(r);
        }
        wall = bs_now() - wall;
    }
    if (dump) fclose(dump);
    bs_report_latencies(q, secs, nq, wall, first_cpu);
    printf("mean_hits %.2f\n", nq ? (double)hits / nq : 0);
    pl_db_close(db);
    return 0;
}
