/*
 * fuzz_db.h - the catalog a fuzz target works on: a SQLite file and its
 * index in a temporary folder that is removed when the target exits.
 * Included by one target each (its functions are static).
 */
#ifndef PL_FUZZ_DB_H
#define PL_FUZZ_DB_H

#include <stdio.h>
#include <stdlib.h>

#include "plotline.h"

static pl_db *fuzz_db;
static char fuzz_dir[] = "/tmp/plotline-fuzz-XXXXXX";
static char fuzz_path[4096];

/* Closes the catalog and opens an empty one in its place; aborts when it
 * cannot. */
static void fuzz_db_fresh(void) {
    char cmd[4200];
    pl_db_close(fuzz_db);
    fuzz_db = NULL;
    snprintf(cmd, sizeof cmd, "rm -rf %s/f.db %s/f.db-wal %s/f.db-shm %s/f.db.idx",
             fuzz_dir, fuzz_dir, fuzz_dir, fuzz_dir);
    if (system(cmd) != 0 || pl_db_open(fuzz_path, PL_OPEN_CREATE, &fuzz_db) != PL_OK)
        abort();
}

static void fuzz_db_remove(void) {
    pl_db_close(fuzz_db);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", fuzz_dir);
    if (system(cmd) != 0) fprintf(stderr, "fuzz: could not remove %s\n", fuzz_dir);
}

/* Makes the folder and an empty catalog in it, removed at exit; 0, or -1
 * when the folder cannot be made. */
static int fuzz_db_init(void) {
    if (!mkdtemp(fuzz_dir)) return -1;
    snprintf(fuzz_path, sizeof fuzz_path, "%s/f.db", fuzz_dir);
    fuzz_db_fresh();
    atexit(fuzz_db_remove);
    return 0;
}

#endif
