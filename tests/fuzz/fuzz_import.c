/*
 * fuzz_import.c - libFuzzer target: any bytes imported as a text file into
 * a real catalog (SQLite file and index), then searched for and grouped
 * against. An import succeeds or fails with a message and changes nothing;
 * every 200 inputs the index is checked against the catalog, and the
 * catalog starts afresh so that it stays small and the runs fast.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plotline.h"

static pl_db *db;
static char dir[] = "/tmp/plotline-fuzz-XXXXXX";
static char path[4096];
static unsigned runs;

static void fresh(void) {
    char cmd[4200];
    pl_db_close(db);
    db = NULL;
    snprintf(cmd, sizeof cmd, "rm -rf %s/f.db %s/f.db-wal %s/f.db-shm %s/f.db.idx", dir,
             dir, dir, dir);
    if (system(cmd) != 0 || pl_db_open(path, PL_OPEN_CREATE, &db) != PL_OK) abort();
}

static void cleanup(void) {
    pl_db_close(db);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "fuzz_import: could not remove %s\n", dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    if (!mkdtemp(dir)) return 1;
    snprintf(path, sizeof path, "%s/f.db", dir);
    fresh();
    atexit(cleanup);
    return 0;
}

static uint64_t count(void) {
    pl_stats *st;
    if (pl_get_stats(db, &st) != PL_OK) abort();
    uint64_t n = st->synopses;
    pl_stats_free(st);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint64_t before = count();
    pl_import_report rep;
    int rc = pl_import(db, "fuzz.txt", (const char *)data, size, NULL, &rep);
    if (rc == PL_OK) {
        if (count() != before + rep.added) abort();
    } else if (rc == PL_ERR_INPUT) {
        if (count() != before || pl_db_errmsg(db)[0] == 0) abort();
    } else {
        fprintf(stderr, "import failed: %s\n", pl_db_errmsg(db));
        abort();
    }
    if (++runs % 200 == 0) {
        if (pl_integrity_check(db) != PL_OK) {
            fprintf(stderr, "integrity: %s\n", pl_db_errmsg(db));
            abort();
        }
        fresh();
    }
    return 0;
}
