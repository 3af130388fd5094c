/*
 * cmd_group.c - plotline match (what grouping would do with a text) and
 * plotline group (merging and splitting episodes by hand).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char MATCH_HELP[] =
    "Usage: plotline match [--lang CODE] [--limit N] [--json] TEXT\n"
    "\n"
    "Shows the episodes a synopsis TEXT would be grouped with if it were imported\n"
    "now, without storing it: each candidate episode with its synopsis most like\n"
    "the text and their similarity (0 to 1), and the episode an import would put\n"
    "it in (one at or above the threshold that has no synopsis in the text's\n"
    "language), or that it would start a new one. TEXT \"-\" reads standard input.\n"
    "\n"
    "  --lang CODE   the text's language (default: identified)\n"
    "  --limit N     at most N episodes (default 10, at most 100)\n"
    "  --json        one JSON object\n";

static const char GROUP_HELP[] =
    "Usage: plotline group merge INTO FROM\n"
    "       plotline group split SYNOPSIS\n"
    "\n"
    "Corrects the grouping of translations into episodes by hand.\n"
    "  merge INTO FROM   moves every synopsis of episode FROM into episode INTO\n"
    "                    and deletes FROM; refused when both have a synopsis in\n"
    "                    one language, or when FROM has labels INTO lacks\n"
    "  split SYNOPSIS    moves synopsis SYNOPSIS out of its episode into a new one\n"
    "\n"
    "Automatic grouping places each synopsis once, when it is imported, and never\n"
    "moves a stored one: these decisions stand. `plotline show --episode ID`\n"
    "shows an episode's synopses; `plotline match TEXT` what grouping would do.\n";

/* Standard input, NUL-terminated, up to one byte more than a synopsis may
 * have (pl_group_match then says it is too long); NULL when out of memory. */
static char *read_stdin(size_t *len) {
    char *s = malloc(PL_MAX_RECORD + 2);
    if (!s) return NULL;
    *len = fread(s, 1, PL_MAX_RECORD + 1, stdin);
    s[*len] = 0;
    return s;
}

static void print_matches(const pl_group_matches *m, int json) {
    if (json) {
        fputs("{\"lang\":", stdout);
        cli_json_str(m->lang);
        printf(",\"threshold\":%.4f,\"would_join\":", m->threshold);
        if (m->would_join)
            printf("%lld", (long long)m->would_join);
        else
            fputs("null", stdout);
        fputs(",\"candidates\":[", stdout);
        for (size_t i = 0; i < m->n; i++) {
            const pl_group_candidate *c = &m->candidates[i];
            printf("%s{\"episode_id\":%lld,\"synopsis_id\":%lld,\"lang\":", i ? "," : "",
                   (long long)c->episode_id, (long long)c->synopsis_id);
            cli_json_str(c->lang);
            printf(",\"score\":%.4f}", c->score);
        }
        puts("]}");
        return;
    }
    printf("text in %s; threshold %.3f\n", m->lang, m->threshold);
    if (m->n == 0) puts("no episode shares anything with it");
    for (size_t i = 0; i < m->n; i++) {
        const pl_group_candidate *c = &m->candidates[i];
        printf("%2zu. episode %lld  score %.3f  (synopsis %lld, %s)%s\n", i + 1,
               (long long)c->episode_id, c->score, (long long)c->synopsis_id, c->lang,
               c->episode_id == m->would_join ? "  <- an import would join it" : "");
    }
    if (!m->would_join) puts("an import would start a new episode");
}

int cmd_match(const cli *c, int argc, char **argv) {
    static const struct option opts[] = {{"lang", required_argument, 0, 'l'},
                                         {"limit", required_argument, 0, 'n'},
                                         {"json", no_argument, 0, 'j'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *lang = NULL;
    long long limit = 10;
    int json = 0, ch;
    optind = 0;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'l': lang = optarg; break;
        case 'n':
            if (cli_parse_int(optarg, 1, 100, &limit))
                return cli_usage_error("match", "--limit takes a number from 1 to 100");
            break;
        case 'j': json = 1; break;
        case 'h': fputs(MATCH_HELP, stdout); return EXIT_OK;
        default: return cli_usage_error("match", "bad option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error("match", "give one TEXT (or - for stdin)");
    char *owned = NULL;
    const char *text = argv[optind];
    size_t len = strlen(text);
    if (strcmp(text, "-") == 0) {
        if (!(owned = read_stdin(&len))) {
            fprintf(stderr, "plotline match: standard input: out of memory\n");
            return EXIT_FAIL;
        }
        text = owned;
    }
    pl_db *db = cli_open(c, PL_OPEN_READONLY);
    if (!db) {
        free(owned);
        return EXIT_FAIL;
    }
    pl_group_matches *m;
    int rc = pl_group_match(db, text, len, lang, (size_t)limit, &m);
    int status = rc ? cli_fail("match", db, rc) : EXIT_OK;
    if (!rc) print_matches(m, json);
    pl_group_matches_free(m);
    pl_db_close(db);
    free(owned);
    return status;
}

int cmd_group(const cli *c, int argc, char **argv) {
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(GROUP_HELP, stdout);
        return EXIT_OK;
    }
    int merge = argc >= 2 && strcmp(argv[1], "merge") == 0;
    int split = argc >= 2 && strcmp(argv[1], "split") == 0;
    if (!merge && !split) return cli_usage_error("group", "say merge or split");
    long long a, b = 0;
    if (argc != (merge ? 4 : 3) || cli_parse_int(argv[2], 1, INT64_MAX, &a) ||
        (merge && cli_parse_int(argv[3], 1, INT64_MAX, &b)))
        return cli_usage_error("group", merge ? "merge takes two episode ids: INTO FROM"
                                              : "split takes one synopsis id");
    pl_db *db = cli_open(c, 0);
    if (!db) return EXIT_FAIL;
    int64_t ep = 0;
    int rc = merge ? pl_group_merge(db, a, b) : pl_group_split(db, a, &ep);
    int status = rc ? cli_fail("group", db, rc) : EXIT_OK;
    if (!rc && merge) printf("merged episode %lld into episode %lld\n", b, a);
    if (!rc && split) printf("synopsis %lld is now episode %lld\n", a, (long long)ep);
    pl_db_close(db);
    return status;
}
