/*
 * cmd_import.c - plotline import: each file is one batch, stored whole or
 * not at all.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char HELP[] =
    "Usage: plotline import [options] FILE...\n"
    "\n"
    "Adds the synopses in each FILE (\"-\" for standard input) to the database,\n"
    "creating it when needed. Each file is one transaction: when any line is bad,\n"
    "nothing of that file is stored and the error names the file, line and reason.\n"
    "Texts already stored are not stored twice.\n"
    "\n"
    "Formats (by file name, or --format):\n"
    "  text    one synopsis per line (blank lines are skipped)\n"
    "  tsv     a header line naming any of: series season episode lang title synopsis\n"
    "  jsonl   one JSON object per line, with the same keys\n"
    "\n"
    "Options:\n"
    "  --series NAME    the series of every synopsis without one\n"
    "  --season N       its season; with --series, line N of a text file is episode N\n"
    "  --lang CODE      the language of every synopsis (default: identified per text)\n"
    "  --format F       text, tsv or jsonl (default: by the file's extension)\n"
    "  --quiet          print nothing on success\n"
    "\n"
    "With more than one processor, languages are identified and texts analyzed\n"
    "on a second thread as well (PLOTLINE_THREADS=1: one thread); the result is\n"
    "the same.\n";

static int parse_format(const char *s, pl_format *f) {
    if (strcmp(s, "text") == 0 || strcmp(s, "txt") == 0)
        *f = PL_FORMAT_TEXT;
    else if (strcmp(s, "tsv") == 0)
        *f = PL_FORMAT_TSV;
    else if (strcmp(s, "jsonl") == 0 || strcmp(s, "ndjson") == 0)
        *f = PL_FORMAT_JSONL;
    else
        return -1;
    return 0;
}

int cmd_import(const cli *c, int argc, char **argv) {
    static const struct option opts[] = {{"series", required_argument, 0, 's'},
                                         {"season", required_argument, 0, 'n'},
                                         {"lang", required_argument, 0, 'l'},
                                         {"format", required_argument, 0, 'f'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    pl_import_opts io = {0};
    int quiet = 0, ch;
    long long n;
    optind = 0;
    while ((ch = getopt_long(argc, argv, "q", opts, NULL)) != -1) {
        switch (ch) {
        case 's': io.series = optarg; break;
        case 'n':
            if (cli_parse_int(optarg, 0, 1000000, &n))
                return cli_usage_error("import",
                                       "--season takes a whole number, not \"%s\"", optarg);
            io.season = (int)n;
            break;
        case 'l': io.lang = optarg; break;
        case 'f':
            if (parse_format(optarg, &io.format))
                return cli_usage_error("import", "unknown format \"%s\" (text, tsv, jsonl)",
                                       optarg);
            break;
        case 'q': quiet = 1; break;
        case 'h': fputs(HELP, stdout); return EXIT_OK;
        default: return cli_usage_error("import", "bad option");
        }
    }
    if (optind == argc) return cli_usage_error("import", "name at least one FILE");
    pl_db *db = cli_open(c, PL_OPEN_CREATE);
    if (!db) return EXIT_FAIL;
    int status = EXIT_OK;
    for (int i = optind; i < argc; i++) {
        const char *slash = strrchr(argv[i], '/');
        io.progress = c->progress ? cli_progress : NULL;
        io.progress_ctx = (void *)(slash ? slash + 1 : argv[i]);
        pl_import_report rep;
        int rc = pl_import_file(db, argv[i], &io, &rep);
        cli_progress_end(c);
        if (rc) {
            status = cli_fail("import", db, rc);
            continue;
        }
        if (quiet) continue;
        printf("%s: %llu synopses added", argv[i], (unsigned long long)rep.added);
        if (rep.added)
            printf(" (ids %lld-%lld)", (long long)rep.first_id, (long long)rep.last_id);
        if (rep.duplicates)
            printf(", %llu already stored", (unsigned long long)rep.duplicates);
        putchar('\n');
        const char *warn = pl_db_errmsg(db);
        if (warn && *warn) fprintf(stderr, "plotline import: warning: %s\n", warn);
    }
    pl_db_close(db);
    return status;
}
