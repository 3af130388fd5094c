/*
 * cmd_search.c - plotline search: ranked synopses, as text or JSON; with
 * --batch, many queries from a file through one open database, one JSON
 * line each (so that a program or a benchmark pays the start-up once).
 */
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
    "  +word            only synopses with this word (also +\"a phrase\")\n"
    "  a AND b          both a and b (the same as +a +b)\n"
    "  a OR b           either a or b\n"
    "\n"
    "Options:\n"
    "  --lang CODE      the query's language, when known (default: guessed)\n"
    "  --no-translate   match the words only in the languages they are written\n"
    "                   in (by default they are also looked for, translated,\n"
    "                   in the catalog's other languages)\n"
    "  --limit N        results to show (default 10, at most 1000)\n"
    "  --offset N       results to skip (for paging)\n"
    "  --json           print one JSON object (see docs/API.md)\n"
    "  --batch FILE     run every line of FILE (- for standard input) as a query\n"
    "                   and print one JSON object per line, as --json would;\n"
    "                   blank lines are skipped, a failing query prints\n"
    "                   {\"query\":...,\"error\":...} and the exit status is 1\n"
    "Options may stand before or after the query; after -- all is query.\n";

/* The value of option `name` at argv[*i] ("--name V" or "--name=V"), or NULL
 * when argv[*i] is not that option. Advances *i past a separate value. */
static const char *option_value(int argc, char **argv, int *i, const char *name) {
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) return NULL;
    if (argv[*i][n] == '=') return argv[*i] + n + 1;
    if (argv[*i][n] || *i + 1 >= argc) return NULL;
    return argv[++*i];
}

/* --batch: one query per line of `path`, one JSON object per line out. */
static int run_batch(const cli *c, const char *path, const pl_search_opts *so) {
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!in) {
        fprintf(stderr, "plotline search: %s: cannot open\n", path);
        return EXIT_FAIL;
    }
    pl_db *db = cli_open(c, 0);
    if (!db) {
        if (in != stdin) fclose(in);
        return EXIT_FAIL;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int status = EXIT_OK;
    while ((n = getline(&line, &cap, in)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        if (strspn(line, " \t") == (size_t)n) continue;
        pl_results *r;
        char *json = NULL;
        int rc = pl_search(db, line, so, &r);
        if (rc == PL_OK) {
            rc = pl_results_json(r, &json);
            pl_results_free(r);
        }
        if (rc == PL_OK) {
            puts(json);
        } else {
            /* The line's text may be invalid UTF-8: the message says so, and
             * the query is then left out rather than echoed broken. */
            fputs("{\"query\":", stdout);
            cli_json_str(rc != PL_ERR_INPUT ? line : "");
            fputs(",\"error\":", stdout);
            cli_json_str(rc == PL_ERR_NOMEM ? "out of memory" : pl_db_errmsg(db));
            fputs("}\n", stdout);
            status = EXIT_FAIL;
        }
        free(json);
    }
    free(line);
    if (in != stdin) fclose(in);
    pl_db_close(db);
    return fflush(stdout) == 0 ? status : EXIT_FAIL;
}

int cmd_search(const cli *c, int argc, char **argv) {
    /* Options may stand anywhere; every other argument is part of the query,
     * so "-word" excludes a word instead of being taken for an option. After
     * "--" everything is query. */
    pl_search_opts so = {0};
    int json = 0;
    const char *batch = NULL;
    long long v;
    size_t len = 1;
    for (int i = 1; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *query = malloc(len);
    if (!query) return EXIT_FAIL;
    query[0] = 0;
    int only_query = 0;
    for (int i = 1; i < argc; i++) {
        const char *val;
        if (only_query || argv[i][0] != '-' || argv[i][1] != '-') {
            if (query[0]) strcat(query, " ");
            strcat(query, argv[i]);
        } else if (strcmp(argv[i], "--") == 0) {
            only_query = 1;
        } else if (strcmp(argv[i], "--help") == 0) {
            free(query);
            fputs(HELP, stdout);
            return EXIT_OK;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--no-translate") == 0) {
            so.no_translation = 1;
        } else if ((val = option_value(argc, argv, &i, "--batch"))) {
            batch = val;
        } else if ((val = option_value(argc, argv, &i, "--lang"))) {
            so.lang = val;
        } else if ((val = option_value(argc, argv, &i, "--limit"))) {
            if (cli_parse_int(val, 1, 1000, &v)) {
                free(query);
                return cli_usage_error("search", "--limit takes a number from 1 to 1000");
            }
            so.limit = (int)v;
        } else if ((val = option_value(argc, argv, &i, "--offset"))) {
            if (cli_parse_int(val, 0, 1000000, &v)) {
                free(query);
                return cli_usage_error("search",
                                       "--offset takes a number from 0 to 1000000");
            }
            so.offset = (int)v;
        } else {
            free(query);
            return cli_usage_error("search", "unknown option %s", argv[i]);
        }
    }
    if (batch) {
        int given = query[0] != 0;
        free(query);
        if (given)
            return cli_usage_error("search", "--batch takes its queries from FILE only");
        return run_batch(c, batch, &so);
    }
    if (!query[0]) {
        free(query);
        return cli_usage_error("search", "give a QUERY");
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
            /* Matches through a translation are not evident from the
             * snippet: say which word they stand for. */
            size_t shown = 0;
            for (size_t k = 0; k < h->n_matches; k++) {
                const pl_match *m = &h->matches[k];
                if (m->translated)
                    printf("%s%s -> %s (%s)", shown++ ? ", " : "   translated: ", m->word,
                           m->term, m->lang);
            }
            if (shown) putchar('\n');
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
