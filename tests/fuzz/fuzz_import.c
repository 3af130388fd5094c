/*
 * fuzz_import.c - libFuzzer target: any bytes imported as a text file into
 * a real catalog (SQLite file and index). An import succeeds or fails with
 * a message and changes nothing; a quarter of the imports that add lose
 * their first synopsis again, and every 50 inputs the index is optimized,
 * so that deletes and merges meet what fuzzing stores; every 200 inputs
 * the index is checked against the catalog, and the catalog starts afresh
 * so that it stays small and the runs fast.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_db.h"

static unsigned runs;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    return fuzz_db_init() ? 1 : 0;
}

static uint64_t count(void) {
    pl_stats *st;
    if (pl_get_stats(fuzz_db, &st) != PL_OK) abort();
    uint64_t n = st->synopses;
    pl_stats_free(st);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint64_t before = count();
    pl_import_report rep;
    int rc = pl_import(fuzz_db, "fuzz.txt", (const char *)data, size, NULL, &rep);
    if (rc == PL_OK) {
        if (count() != before + rep.added) abort();
        if (rep.added && (data[size - 1] & 3) == 0) {
            if (pl_delete(fuzz_db, rep.first_id) != PL_OK ||
                count() != before + rep.added - 1) {
                fprintf(stderr, "delete: %s\n", pl_db_errmsg(fuzz_db));
                abort();
            }
        }
    } else if (rc == PL_ERR_INPUT) {
        if (count() != before || pl_db_errmsg(fuzz_db)[0] == 0) abort();
    } else {
        fprintf(stderr, "import failed: %s\n", pl_db_errmsg(fuzz_db));
        abort();
    }
    if (++runs % 50 == 0 && pl_optimize(fuzz_db, NULL, NULL) != PL_OK) {
        fprintf(stderr, "optimize: %s\n", pl_db_errmsg(fuzz_db));
        abort();
    }
    if (runs % 200 == 0) {
        if (pl_integrity_check(fuzz_db) != PL_OK) {
            fprintf(stderr, "integrity: %s\n", pl_db_errmsg(fuzz_db));
            abort();
        }
        fuzz_db_fresh();
    }
    return 0;
}
