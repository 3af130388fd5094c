/*
 * main.c - the plotline command: global options, then one subcommand.
 *
 *   plotline [--db PATH] COMMAND [options] ARGS
 *
 * Every subcommand is a thin layer over include/plotline.h and answers
 * --help itself.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "util/buf.h"

static const char USAGE[] =
    "Usage: plotline [--db PATH] COMMAND [options] ARGS\n"
    "\n"
    "A multilingual episode guide: stores TV episode synopses in any language,\n"
    "tells their languages, and finds episodes by what happens in them.\n"
    "\n"
    "Commands:\n"
    "  import FILE...     add synopses (text, one per line; .tsv; .jsonl)\n"
    "  search QUERY       find synopses by what happens in them\n"
    "  langid             print the language of each line of standard input\n"
    "  show ID            print a synopsis (or --episode ID, an episode)\n"
    "  rm ID...           delete synopses\n"
    "  match TEXT         the episodes a synopsis would be grouped with\n"
    "  group merge|split  correct the grouping of translations by hand\n"
    "  stats              counts by language, sizes\n"
    "  integrity-check    verify the index against the catalog\n"
    "  reindex            rebuild the index from the catalog\n"
    "  optimize           merge the index's segments after a large import\n"
    "  serve              the HTTP API and search page (--listen ADDR:PORT)\n"
    "\n"
    "Options:\n"
    "  --db PATH          the database file (default: $PLOTLINE_DB, else plotline.db);\n"
    "                     the index lives beside it in PATH.idx/\n"
    "  --help             this help; COMMAND --help for a command's\n"
    "  --version          print the version\n";

static const struct {
    const char *name;
    int (*fn)(const cli *, int, char **);
} COMMANDS[] = {
    {"import", cmd_import},
    {"search", cmd_search},
    {"langid", cmd_langid},
    {"show", cmd_show},
    {"rm", cmd_rm},
    {"stats", cmd_stats},
    {"integrity-check", cmd_check},
    {"reindex", cmd_reindex},
    {"optimize", cmd_optimize},
    {"serve", cmd_serve},
    {"match", cmd_match},
    {"group", cmd_group},
};

pl_db *cli_open(const cli *c, int flags) {
    pl_db *db;
    /* Opening brings the index up to date: after an upgrade of its format
     * that is a rebuild, minutes for a large catalog, so it shows. */
    int rc = pl_db_open_progress(c->db_path, flags, c->progress ? cli_progress_count : NULL,
                                 (void *)"bringing the index up to date", &db);
    cli_progress_end(c);
    /* Without the lexicon an index is built differently and searches stay
     * within a language: said (unless none was asked for). */
    char why[512];
    if (rc == PL_OK && pl_lexicon_check(why, sizeof why) != PL_OK)
        fprintf(stderr,
                "plotline: warning: %s: no translation across languages, no compounds "
                "split (set PLOTLINE_LEXICON to the lexicon's file)\n",
                why);
    if (rc == PL_OK) return db;
    const char *msg = pl_db_errmsg(db);
    fprintf(stderr, "plotline: %s\n", msg && *msg ? msg : pl_strerror(rc));
    if (rc == PL_ERR_NOTFOUND)
        fprintf(stderr, "plotline: import synopses first, or name a database with --db\n");
    pl_db_close(db);
    return NULL;
}

int cli_fail(const char *cmd, pl_db *db, int status) {
    const char *msg = pl_db_errmsg(db);
    fprintf(stderr, "plotline %s: %s\n", cmd, msg && *msg ? msg : pl_strerror(status));
    return EXIT_FAIL;
}

int cli_usage_error(const char *cmd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "plotline %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'plotline %s --help'.\n", cmd);
    return EXIT_USAGE;
}

int cli_parse_int(const char *s, long long min, long long max, long long *out) {
    char *end;
    if (!s || !*s) return -1;
    long long v = strtoll(s, &end, 10);
    if (*end || v < min || v > max) return -1;
    *out = v;
    return 0;
}

int cli_progress(void *label, uint64_t done, uint64_t total) {
    if (total)
        fprintf(stderr, "\r%s: %3d%% (%.1f of %.1f MB)", (const char *)label,
                (int)(done * 100 / total), done / 1e6, total / 1e6);
    else
        fprintf(stderr, "\r%s: %.1f MB", (const char *)label, done / 1e6);
    return 0;
}

int cli_progress_count(void *label, uint64_t done, uint64_t total) {
    if (total)
        fprintf(stderr, "\r%s: %3d%% (%llu of %llu)", (const char *)label,
                (int)(done * 100 / total), (unsigned long long)done,
                (unsigned long long)total);
    return 0;
}

void cli_json_str(const char *s) {
    /* The library's escaper, so that the command's JSON and the server's
     * spell strings alike. */
    pl_buf b = PL_BUF_INIT;
    pl_buf_putc(&b, '"');
    pl_buf_json_str(&b, s, strlen(s));
    pl_buf_putc(&b, '"');
    if (b.oom)
        fputs("\"\"", stdout); /* out of memory: an empty string keeps the JSON whole */
    else
        fwrite(b.data, 1, b.len, stdout);
    pl_buf_free(&b);
}

void cli_progress_end(const cli *c) {
    if (c->progress) fprintf(stderr, "\r\033[K");
}

int main(int argc, char **argv) {
    cli c = {getenv("PLOTLINE_DB"), isatty(2)};
    if (!c.db_path || !*c.db_path) c.db_path = "plotline.db";
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(USAGE, stdout);
            return EXIT_OK;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("plotline %s\n", PL_VERSION);
            return EXIT_OK;
        } else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            c.db_path = argv[++i];
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            c.db_path = argv[i] + 5;
        } else {
            fprintf(stderr, "plotline: unknown option %s\n%s", argv[i], USAGE);
            return EXIT_USAGE;
        }
    }
    if (i == argc) {
        fputs(USAGE, stderr);
        return EXIT_USAGE;
    }
    for (size_t k = 0; k < sizeof COMMANDS / sizeof COMMANDS[0]; k++)
        if (strcmp(argv[i], COMMANDS[k].name) == 0)
            return COMMANDS[k].fn(&c, argc - i, argv + i);
    fprintf(stderr, "plotline: unknown command \"%s\"\nTry 'plotline --help'.\n", argv[i]);
    return EXIT_USAGE;
}
