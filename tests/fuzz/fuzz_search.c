/*
 * fuzz_search.c - libFuzzer target: any bytes as a search query (and as a
 * text to identify), against a catalog of the samples and the web test's
 * fixture: the parser, the planner in several languages, translation,
 * scoring, snippets and the JSON writer must answer every query with
 * results or a usage or input error, and leak nothing; and the same bytes
 * as a synopsis to group (pl_group_match) give candidates or an input
 * error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plotline.h"

static pl_db *db;
static char dir[] = "/tmp/plotline-fuzz-XXXXXX";

static void import_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "fuzz_search: cannot read %s\n", path);
        exit(1);
    }
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    if (pl_import(db, path, buf, n, NULL, NULL) != PL_OK) {
        fprintf(stderr, "fuzz_search: %s: %s\n", path, pl_db_errmsg(db));
        exit(1);
    }
}

static void cleanup(void) {
    pl_db_close(db);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "fuzz_search: could not remove %s\n", dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    char path[4096];
    if (!mkdtemp(dir)) return 1;
    snprintf(path, sizeof path, "%s/f.db", dir);
    if (pl_db_open(path, PL_OPEN_CREATE, &db) != PL_OK) return 1;
    atexit(cleanup);
    static const char *const files[] = {"data/samples/000_a745887c23e04ec9.txt",
                                        "data/samples/003_c8ee2d876f44739e.txt",
                                        "tests/web/fixture.jsonl"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/%s", PLOTLINE_SOURCE_DIR, files[i]);
        import_file(path);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *q = malloc(size + 1);
    if (!q) return 0;
    memcpy(q, data, size);
    q[size] = 0;
    static const char *const langs[] = {NULL, "en", "de", "el"};
    for (int t = 0; t < 2; t++) {
        pl_search_opts o = {
            .lang = langs[(size + (size_t)t) % 4], .limit = 5, .no_translation = t};
        pl_results *r = NULL;
        int rc = pl_search(db, q, &o, &r);
        if (rc == PL_OK) {
            char *json = NULL;
            if (pl_results_json(r, &json) != PL_OK || !json) abort();
            free(json);
            pl_results_free(r);
        } else if (rc != PL_ERR_USAGE && rc != PL_ERR_INPUT) {
            fprintf(stderr, "search failed: %s\n", pl_db_errmsg(db));
            abort();
        }
    }
    pl_lang_guess g[3];
    pl_langid(q, size, g, 3);
    /* The same bytes as a synopsis to group: the keys of any text. */
    pl_group_matches *m = NULL;
    int rc = pl_group_match(db, (const char *)data, size, NULL, 3, &m);
    if (rc == PL_OK)
        pl_group_matches_free(m);
    else if (rc != PL_ERR_INPUT)
        abort();
    free(q);
    return 0;
}
