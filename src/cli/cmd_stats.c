/*
 * cmd_stats.c - plotline stats, integrity-check, reindex and optimize: the state
 * of a database, and its upkeep.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char STATS_HELP[] =
    "Usage: plotline stats [--json]\n"
    "\n"
    "Prints the numbers of series, episodes and synopses, the synopses per\n"
    "language, and the sizes of the catalog and the index.\n";

/* Parses only --help (and --json when json is not NULL). Returns -1 to go on,
 * or the exit status when done (after --help, or on a usage error). */
static int simple_opts(const char *cmd, const char *help, int argc, char **argv,
                       int *json) {
    static const struct option opts[] = {
        {"json", no_argument, 0, 'j'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int ch;
    optind = 0;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'h') {
            fputs(help, stdout);
            return EXIT_OK;
        }
        if (ch == 'j' && json) {
            *json = 1;
            continue;
        }
        return cli_usage_error(cmd, "bad option");
    }
    if (optind != argc) return cli_usage_error(cmd, "takes no arguments");
    return -1;
}

int cmd_stats(const cli *c, int argc, char **argv) {
    int json = 0;
    int r = simple_opts("stats", STATS_HELP, argc, argv, &json);
    if (r >= 0) return r; /* --help or a usage error */
    pl_db *db = cli_open(c, 0);
    if (!db) return EXIT_FAIL;
    pl_stats *st;
    int rc = pl_get_stats(db, &st);
    if (rc) {
        int status = cli_fail("stats", db, rc);
        pl_db_close(db);
        return status;
    }
    if (json) {
        printf("{\"series\":%llu,\"episodes\":%llu,\"synopses\":%llu,\"text_bytes\":%llu,"
               "\"catalog_bytes\":%llu,\"index_bytes\":%llu,\"index_segments\":%llu,"
               "\"index_docs\":%llu,\"languages\":{",
               (unsigned long long)st->series, (unsigned long long)st->episodes,
               (unsigned long long)st->synopses, (unsigned long long)st->text_bytes,
               (unsigned long long)st->catalog_bytes, (unsigned long long)st->index_bytes,
               (unsigned long long)st->index_segments, (unsigned long long)st->index_docs);
        for (size_t i = 0; i < st->n_langs; i++)
            printf("%s\"%s\":%llu", i ? "," : "", st->langs[i].lang,
                   (unsigned long long)st->langs[i].synopses);
        puts("}}");
    } else {
        printf("series     %llu\nepisodes   %llu\nsynopses   %llu (%.1f KB of text)\n",
               (unsigned long long)st->series, (unsigned long long)st->episodes,
               (unsigned long long)st->synopses, st->text_bytes / 1e3);
        printf("catalog    %.1f KB\nindex      %.1f KB in %llu segment%s, %llu documents\n",
               st->catalog_bytes / 1e3, st->index_bytes / 1e3,
               (unsigned long long)st->index_segments, st->index_segments == 1 ? "" : "s",
               (unsigned long long)st->index_docs);
        printf("languages ");
        for (size_t i = 0; i < st->n_langs; i++)
            printf(" %s %llu", st->langs[i].lang,
                   (unsigned long long)st->langs[i].synopses);
        putchar('\n');
    }
    pl_stats_free(st);
    pl_db_close(db);
    return EXIT_OK;
}

static const char CHECK_HELP[] =
    "Usage: plotline integrity-check\n"
    "\n"
    "Verifies every index file's checksum, that the index holds exactly the\n"
    "catalog's synopses, and the catalog's grouping keys (each key's count of\n"
    "synopses, each synopsis's keys). Exits 0 when all is well, 1 with the\n"
    "problem otherwise.\n";

int cmd_check(const cli *c, int argc, char **argv) {
    int r = simple_opts("integrity-check", CHECK_HELP, argc, argv, NULL);
    if (r >= 0) return r; /* --help or a usage error */
    pl_db *db = cli_open(c, 0);
    if (!db) return EXIT_FAIL;
    int rc = pl_integrity_check(db);
    int status = rc ? cli_fail("integrity-check", db, rc) : EXIT_OK;
    if (!rc) printf("ok\n");
    pl_db_close(db);
    return status;
}

static const char REINDEX_HELP[] =
    "Usage: plotline reindex\n"
    "\n"
    "Throws the index away and builds it again from the catalog.\n";

int cmd_reindex(const cli *c, int argc, char **argv) {
    int r = simple_opts("reindex", REINDEX_HELP, argc, argv, NULL);
    if (r >= 0) return r; /* --help or a usage error */
    pl_db *db = cli_open(c, 0);
    if (!db) return EXIT_FAIL;
    int rc = pl_reindex(db, c->progress ? cli_progress_count : NULL, (void *)"reindex");
    cli_progress_end(c);
    int status = rc ? cli_fail("reindex", db, rc) : EXIT_OK;
    if (!rc) printf("reindexed\n");
    pl_db_close(db);
    return status;
}

static const char OPTIMIZE_HELP[] =
    "Usage: plotline optimize\n"
    "\n"
    "Merges the index's segments into as few as a merge's memory bound allows\n"
    "(one for an index of up to some 256 MB) and drops what deleted synopses\n"
    "left in them, so that searches look each word up once. Worth running after\n"
    "a large import; later imports add segments again as usual. Interrupting it\n"
    "keeps the merges already made.\n";

int cmd_optimize(const cli *c, int argc, char **argv) {
    int r = simple_opts("optimize", OPTIMIZE_HELP, argc, argv, NULL);
    if (r >= 0) return r; /* --help or a usage error */
    pl_db *db = cli_open(c, 0);
    if (!db) return EXIT_FAIL;
    pl_stats *before = NULL, *after = NULL;
    int rc = pl_get_stats(db, &before);
    if (!rc) rc = pl_optimize(db, c->progress ? cli_progress : NULL, (void *)"optimize");
    cli_progress_end(c);
    if (!rc) rc = pl_get_stats(db, &after);
    int status = rc ? cli_fail("optimize", db, rc) : EXIT_OK;
    if (!rc)
        printf("optimized: %llu segment%s, %.1f KB -> %llu segment%s, %.1f KB\n",
               (unsigned long long)before->index_segments,
               before->index_segments == 1 ? "" : "s", before->index_bytes / 1e3,
               (unsigned long long)after->index_segments,
               after->index_segments == 1 ? "" : "s", after->index_bytes / 1e3);
    pl_stats_free(before);
    pl_stats_free(after);
    pl_db_close(db);
    return status;
}
