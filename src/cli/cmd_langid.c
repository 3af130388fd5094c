/*
 * cmd_langid.c - plotline langid: one language per input line.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "text/text.h"

static const char HELP[] =
    "Usage: plotline langid [options] [FILE...]\n"
    "\n"
    "Prints the language of each line of the FILEs (default: standard input),\n"
    "one output line per input line: the language code (ISO 639-1 where there\n"
    "is one, \"und\" when unknown), a tab, and the confidence from 0 to 1.\n"
    "Needs no database.\n"
    "\n"
    "Options:\n"
    "  --top N          print the N best candidates per line, tab-separated\n"
    "                   as CODE<TAB>CONFIDENCE pairs (default 1)\n";

/* Lines longer than this are identified by their first MAX_LINE bytes: a
 * language does not change its mind after a megabyte. */
#define MAX_LINE (1u << 20)

static int run(FILE *fp, const char *name, int top) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long long line_no = 0;
    pl_lang_guess g[16];
    int status = EXIT_OK;
    while ((n = getline(&line, &cap, fp)) != -1) {
        line_no++;
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
        size_t bad;
        int u = pl_utf8_check(line, len, &bad);
        if (u) {
            fprintf(stderr, "plotline langid: %s:%llu: %s at byte %zu\n", name, line_no,
                    u == -1 ? "invalid UTF-8" : "NUL byte", bad + 1);
            status = EXIT_FAIL;
            break;
        }
        int k = pl_langid(line, len > MAX_LINE ? MAX_LINE : len, g, top);
        if (k < 0) {
            fprintf(stderr, "plotline langid: %s:%llu: %s\n", name, line_no, pl_strerror(k));
            status = EXIT_FAIL;
            break;
        }
        for (int i = 0; i < k; i++) printf("%s%s\t%.2f", i ? "\t" : "", g[i].lang, g[i].confidence);
        putchar('\n');
    }
    free(line);
    if (ferror(fp)) {
        fprintf(stderr, "plotline langid: %s: read error\n", name);
        status = EXIT_FAIL;
    }
    return status;
}

int cmd_langid(const cli *c, int argc, char **argv) {
    (void)c;
    static const struct option opts[] = {
        {"top", required_argument, 0, 't'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int top = 1, ch;
    long long v;
    optind = 0;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 't':
            if (cli_parse_int(optarg, 1, 16, &v))
                return cli_usage_error("langid", "--top takes a number from 1 to 16");
            top = (int)v;
            break;
        case 'h': fputs(HELP, stdout); return EXIT_OK;
        default: return cli_usage_error("langid", "bad option");
        }
    }
    if (optind == argc) return run(stdin, "-", top);
    int status = EXIT_OK;
    for (int i = optind; i < argc && status == EXIT_OK; i++) {
        FILE *fp = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "rb");
        if (!fp) {
            perror(argv[i]);
            return EXIT_FAIL;
        }
        status = run(fp, argv[i], top);
        if (fp != stdin) fclose(fp);
    }
    return status;
}
