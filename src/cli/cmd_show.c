/*
 * cmd_show.c - plotline show and plotline rm: one synopsis or episode by id.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util/sort.h"

static const char SHOW_HELP[] =
    "Usage: plotline show [--episode] [--json] ID\n"
    "\n"
    "Prints synopsis ID with its language, source and episode; with --episode,\n"
    "episode ID with all its synopses.\n";

static const char RM_HELP[] =
    "Usage: plotline rm ID...\n"
    "\n"
    "Deletes the synopses with these ids from the catalog and the index, all\n"
    "at once: when an id has no synopsis, none is deleted. An episode left\n"
    "without synopses is deleted too.\n";

static void print_synopsis(const pl_synopsis *s, int json) {
    if (json) {
        printf("{\"id\":%lld,\"episode_id\":%lld,\"lang\":", (long long)s->id,
               (long long)s->episode_id);
        cli_json_str(s->lang);
        printf(",\"lang_confidence\":%.2f,\"lang_given\":%s,\"source\":",
               s->lang_confidence, s->lang_given ? "true" : "false");
        cli_json_str(s->source);
        fputs(",\"text\":", stdout);
        cli_json_str(s->text);
        putchar('}');
        return;
    }
    printf("synopsis %lld  episode %lld  [%s, %s %.2f]  %s\n%s\n", (long long)s->id,
           (long long)s->episode_id, s->lang, s->lang_given ? "given" : "identified",
           s->lang_confidence, *s->source ? s->source : "-", s->text);
}

static void print_episode(const pl_episode *e, int json) {
    if (json) {
        printf("{\"id\":%lld,\"series\":", (long long)e->id);
        cli_json_str(e->series);
        printf(",\"season\":%d,\"number\":%d,\"title\":", e->season, e->number);
        cli_json_str(e->title);
        fputs(",\"synopses\":[", stdout);
        for (size_t i = 0; i < e->n_synopses; i++) {
            if (i) putchar(',');
            print_synopsis(&e->synopses[i], 1);
        }
        puts("]}");
        return;
    }
    printf("episode %lld", (long long)e->id);
    if (*e->series) printf("  %s", e->series);
    if (e->season) printf("  season %d", e->season);
    if (e->number) printf("  episode %d", e->number);
    if (*e->title) printf("  \"%s\"", e->title);
    printf("  (%zu synopsis%s)\n", e->n_synopses, e->n_synopses == 1 ? "" : "es");
    for (size_t i = 0; i < e->n_synopses; i++) {
        putchar('\n');
        print_synopsis(&e->synopses[i], 0);
    }
}

int cmd_show(const cli *c, int argc, char **argv) {
    static const struct option opts[] = {{"episode", no_argument, 0, 'e'},
                                         {"json", no_argument, 0, 'j'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int episode = 0, json = 0, ch;
    optind = 0;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'e': episode = 1; break;
        case 'j': json = 1; break;
        case 'h': fputs(SHOW_HELP, stdout); return EXIT_OK;
        default: return cli_usage_error("show", "bad option");
        }
    }
    long long id;
    if (optind + 1 != argc || cli_parse_int(argv[optind], 1, INT64_MAX, &id))
        return cli_usage_error("show", "give one ID, a whole number");
    pl_db *db = cli_open(c, 0);
    if (!db) return EXIT_FAIL;
    int rc;
    if (episode) {
        pl_episode *e;
        if (!(rc = pl_get_episode(db, id, &e))) print_episode(e, json);
        pl_episode_free(e);
    } else {
        pl_synopsis *s;
        if (!(rc = pl_get_synopsis(db, id, &s))) {
            print_synopsis(s, json);
            if (json) putchar('\n');
        }
        pl_synopsis_free(s);
    }
    int status = rc ? cli_fail("show", db, rc) : EXIT_OK;
    pl_db_close(db);
    return status;
}

int cmd_rm(const cli *c, int argc, char **argv) {
    static const struct option opts[] = {{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int ch;
    optind = 0;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'h') {
            fputs(RM_HELP, stdout);
            return EXIT_OK;
        }
        return cli_usage_error("rm", "bad option");
    }
    if (optind == argc) return cli_usage_error("rm", "give at least one ID");
    size_t n = (size_t)(argc - optind);
    int64_t *ids = malloc(n * sizeof *ids);
    if (!ids) {
        fputs("plotline rm: out of memory\n", stderr);
        return EXIT_FAIL;
    }
    for (size_t i = 0; i < n; i++) {
        long long id;
        if (cli_parse_int(argv[optind + (int)i], 1, INT64_MAX, &id)) {
            free(ids);
            return cli_usage_error("rm", "\"%s\" is not an id", argv[optind + (int)i]);
        }
        ids[i] = id;
    }
    pl_db *db = cli_open(c, 0);
    if (!db) {
        free(ids);
        return EXIT_FAIL;
    }
    int rc = pl_delete_many(db, ids, n), status = EXIT_OK;
    if (rc) {
        status = cli_fail("rm", db, rc);
        if (n > 1) fprintf(stderr, "plotline rm: nothing deleted\n");
    } else {
        /* Each id once, as it was deleted once ("rm 5 5"), ascending. */
        qsort(ids, n, sizeof *ids, pl_cmp_i64);
        for (size_t i = 0; i < n; i++)
            if (i == 0 || ids[i] != ids[i - 1])
                printf("deleted synopsis %lld\n", (long long)ids[i]);
    }
    free(ids);
    pl_db_close(db);
    return status;
}
