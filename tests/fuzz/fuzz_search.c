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

#include "fuzz_db.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    if (fuzz_db_init()) return 1;
    static const char *const files[] = {"data/samples/000_a745887c23e04ec9.txt",
                                        "data/samples/003_c8ee2d876f44739e.txt",
                                        "tests/web/fixture.jsonl"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", PLOTLINE_SOURCE_DIR, files[i]);
        if (pl_import_file(fuzz_db, path, NULL, NULL) != PL_OK) {
            fprintf(stderr, "fuzz_search: %s: %s\n", path, pl_db_errmsg(fuzz_db));
            exit(1);
        }
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
        int rc = pl_search(fuzz_db, q, &o, &r);
        if (rc == PL_OK) {
            char *json = NULL;
            if (pl_results_json(r, &json) != PL_OK || !json) abort();
            free(json);
            pl_results_free(r);
        } else if (rc != PL_ERR_USAGE && rc != PL_ERR_INPUT) {
            fprintf(stderr, "search failed: %s\n", pl_db_errmsg(fuzz_db));
            abort();
        }
    }
    pl_lang_guess g[3];
    pl_langid(q, size, g, 3);
    /* The same bytes as a synopsis to group: the keys of any text. */
    pl_group_matches *m = NULL;
    int rc = pl_group_match(fuzz_db, (const char *)data, size, NULL, 3, &m);
    if (rc == PL_OK)
        pl_group_matches_free(m);
    else if (rc != PL_ERR_INPUT)
        abort();
    free(q);
    return 0;
}
