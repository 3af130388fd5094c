/*
 * bench_fts5.c - the SQLite FTS5 side of the search benchmark: indexes the
 * corpus into an FTS5 table (unicode61 tokenizer, diacritics removed, the
 * text stored in the table as FTS5 does by default), committing every BATCH
 * rows, then times each query as MATCH ... ORDER BY rank LIMIT 10 (BM25).
 *
 * Usage: bench_fts5 CORPUS QUERIES WORKDIR [LIMIT]
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common.h"

#define BATCH 10000

typedef struct ictx {
    sqlite3 *db;
    sqlite3_stmt *ins;
    long n;
    long long bytes;
} ictx;

static void check(sqlite3 *db, int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "bench_fts5: %s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static int add_doc(void *vctx, const bs_doc *d) {
    ictx *c = vctx;
    sqlite3_bind_int64(c->ins, 1, d->id);
    sqlite3_bind_text(c->ins, 2, d->text, (int)d->len, SQLITE_STATIC);
    check(c->db, sqlite3_step(c->ins), "insert");
    sqlite3_reset(c->ins);
    c->n++;
    c->bytes += (long long)d->len;
    if (c->n % BATCH == 0) {
        check(c->db, sqlite3_exec(c->db, "COMMIT; BEGIN", 0, 0, 0), "commit");
        if (c->n % (BATCH * 10) == 0) fprintf(stderr, "fts5: %ld docs\n", c->n);
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: bench_fts5 CORPUS QUERIES WORKDIR [LIMIT]\n");
        return 2;
    }
    long limit = argc > 4 ? atol(argv[4]) : 0;
    char path[4096];
    snprintf(path, sizeof path, "%s/fts5.db", argv[3]);
    unlink(path);
    sqlite3 *db;
    check(db, sqlite3_open(path, &db), "open");
    check(db,
          sqlite3_exec(db,
                       "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                       "CREATE VIRTUAL TABLE t USING fts5(body,"
                       " tokenize='unicode61 remove_diacritics 2');",
                       0, 0, 0),
          "create");
    ictx c = {db, NULL, 0, 0};
    check(db,
          sqlite3_prepare_v2(db, "INSERT INTO t(rowid, body) VALUES (?, ?)", -1, &c.ins, 0),
          "prepare");
    double t0 = bs_now(), c0 = bs_process_cpu_now();
    check(db, sqlite3_exec(db, "BEGIN", 0, 0, 0), "begin");
    bs_each_doc(argv[1], limit, add_doc, &c);
    check(db, sqlite3_exec(db, "COMMIT", 0, 0, 0), "commit");
    check(db, sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, 0, 0),
          "ckpt");
    double secs = bs_now() - t0, cpu = bs_process_cpu_now() - c0;
    sqlite3_finalize(c.ins);
    printf(
        "docs %ld\ntext_bytes %lld\nindex_secs %.3f\ndocs_per_sec %.1f\nmb_per_sec %.2f\n"
        "docs_per_cpu_sec %.1f\n",
        c.n, c.bytes, secs, c.n / secs, c.bytes / secs / 1e6, c.n / cpu);
    long long ib = bs_path_bytes(path);
    printf("index_bytes %lld\nsize_ratio %.3f\n", ib, (double)ib / (double)c.bytes);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("index_peak_rss_kb %ld\n", ru.ru_maxrss);
    fflush(stdout);

    size_t nq;
    bs_query *q = bs_read_queries(argv[2], &nq);
    double *lat = malloc((nq ? nq : 1) * sizeof *lat);
    sqlite3_stmt *st;
    check(db,
          sqlite3_prepare_v2(db,
                             "SELECT rowid, bm25(t) FROM t WHERE t MATCH ?"
                             " ORDER BY rank LIMIT 10",
                             -1, &st, 0),
          "prepare query");
    unsigned long long hits = 0;
    double wall = 0, first_cpu = 0;
    for (int pass = 0; pass < 2; pass++) {
        wall = bs_now();
        for (size_t i = 0; i < nq; i++) {
            double t = bs_cpu_now();
            sqlite3_bind_text(st, 1, q[i].fts5, -1, SQLITE_STATIC);
            int rc;
            double sum = 0;
            while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                sum += sqlite3_column_double(st, 1);
                if (pass) hits++;
            }
            sqlite3_reset(st);
            lat[i] = bs_cpu_now() - t;
            if (!pass) first_cpu += lat[i];
            (void)sum;
        }
        wall = bs_now() - wall;
    }
    sqlite3_finalize(st);
    bs_report_latencies(q, lat, nq, wall, first_cpu);
    printf("mean_hits %.2f\n", nq ? (double)hits / nq : 0);
    sqlite3_close(db);
    return 0;
}
