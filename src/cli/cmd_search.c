/*
 * cmd_search.c - plotline search: ranked synopses, as text or JSON.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char HELP[] =
    "Usage: plotline search [options] QUERY...\n"
    "\n"
    "Finds synopses by what happens in them, best first. The words of QUERY are\n"
    "matched in any inflected form (Kreditkarten finds Kreditkarte), in the\n"
    "query's likely languages; a result need not contain every word, but those\n"
    "that contain more of them rank higher.\n"
    "\n"
    "Query syntax:\n"
    "  word             a word, in any of its forms\n"
    "  \"two words\"      an exact phrase\n"
    "  -word            exclude synopses with this word (or -\"a phrase\")\n"
    "  a OR b           either a or b\n"
    "\n"
    "Options:\n"
    "  --lang CODE      the query's language, when known (default: guessed)\n"
    "  --limit N        results to show (default 10, at most 1000)\n"
    "  --offset N       results to skip (for paging)\n"
    "  --json           print one JSON object (see docs/API.md)\n";

int cmd_search(const cli *c, int argc, char **argv) {
    static const struct option opts[] = {
        {"lang", required_argument, 0, 'l'},  {"limit", required_argument, 0, 'n'},
        {"offset", required_argument, 0, 'o'}, {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    pl_search_opts so = {0};
    int json = 0, ch;
    long long v;
    optind = 0;
    while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        switch (ch) {
        case 'l': so.lang = optarg; break;
        case 'n':
            if (cli_parse_int(optarg, 1, 1000, &v))
                return cli_usage_error("search", "--limit takes a number from 1 to 1000");
            so.limit = (int)v;
            break;
        case 'o':
            if (cli_parse_int(optarg, 0, 1000000, &v))
                return cli_usage_error("search", "--offset takes a number from 0 to 1000000");
            so.offset = (int)v;
            break;
        case 'j': json = 1; break;
        case 'h': fputs(HELP, stdout); return EXIT_OK;
        default: return cli_usage_error("search", "bad option");
        }
    }
    if (optind == argc) return cli_usage_error("search", "give a QUERY");
    size_t len = 0;
    for (int i = optind; i < argc; i++) len += strlen(argv[i]) + 1;
    char *query = malloc(len + 1);
    if (!query) return EXIT_FAIL;
    query[0] = 0;
    for (int i = optind; i < argc; i++) {
        if (i > optind) strcat(query, " ");
        strcat(query, argv[i]);
    }
    pl_db *db = cli_open(c, 0);
    if (!db) {
        free(query);
        return EXIT_FAIL;
    }
    pl_results *r;
    int rc = pl_search(db, query, &so, &r);
    free(query);
    if (rc) {
        int st = cli_fail("search", db, rc);
        pl_db_close(db);
        return st;
    }
    if (json) {
        char *s;
        if (pl_results_json(r, &s) == PL_OK) {
            puts(s);
            free(s);
        }
    } else if (r->n_hits == 0) {
        printf("no synopsis matches\n");
    } else {
        for (size_t i = 0; i < r->n_hits; i++) {
            const pl_hit *h = &r->hits[i];
            printf("%llu. %s  [%s]  synopsis %lld, episode %lld, score %.2f\n   %s\n",
                   (unsigned long long)(r->offset + i + 1), *h->source ? h->source : "-",
                   h->lang, (long long)h->synopsis_id, (long long)h->episode_id, h->score,
                   h->snippet);
        }
        if (r->total > r->offset + r->n_hits)
            printf("(%llu more; --offset %llu for the next)\n",
                   (unsigned long long)(r->total - r->offset - r->n_hits),
                   (unsigned long long)(r->offset + r->n_hits));
    }
    pl_results_free(r);
    pl_db_close(db);
    return EXIT_OK;
}
