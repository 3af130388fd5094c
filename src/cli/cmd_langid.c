/*
 * cmd_langid.c - plotline langid: one language per input line, optionally
 * restricted to some languages (--only), leaning to one the context gives
 * (--prior), and answering "und" below a confidence (--min-confidence); or
 * each line's runs of one language (--spans).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ingest/ingest.h"
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
    "                   as CODE<TAB>CONFIDENCE pairs (default 1)\n"
    "  --only LIST      consider only these languages (comma-separated codes,\n"
    "                   e.g. de,en,fr)\n"
    "  --prior CODE     the language the lines are most likely in (e.g. the\n"
    "                   file's): it wins close calls, never clear ones\n"
    "  --min-confidence X\n"
    "                   answer \"und\" when the best guess is less sure than X\n"
    "                   (0 to 1; default 0, always guess)\n"
    "  --spans          split each line into runs of one language instead: one\n"
    "                   output line per run, CODE<TAB>CONFIDENCE<TAB>START<TAB>\n"
    "                   LENGTH (bytes of the input line)<TAB>the run's text, and\n"
    "                   an empty line after each input line\n";

/* Lines longer than this are identified by their first MAX_LINE bytes: a
 * language does not change its mind after a megabyte. */
#define MAX_LINE (1u << 20)

/* Prints the spans of one line; returns 0 or a negative status. */
static int print_spans(const char *line, size_t len, const pl_langid_opts *o) {
    pl_lang_span *sp;
    int n = pl_langid_spans(line, len, o, &sp);
    for (int i = 0; i < n; i++) {
        /* The run's text on one line: its trailing spaces dropped. */
        size_t l = sp[i].len;
        while (l && (line[sp[i].start + l - 1] == ' ' || line[sp[i].start + l - 1] == '\t'))
            l--;
        printf("%s\t%.2f\t%zu\t%zu\t%.*s\n", sp[i].lang, sp[i].confidence, sp[i].start,
               sp[i].len, (int)l, line + sp[i].start);
    }
    putchar('\n');
    pl_lang_spans_free(sp);
    return n < 0 ? n : 0;
}

static int run(FILE *fp, const char *name, int top, int spans, const pl_langid_opts *o) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long long line_no = 0;
    pl_lang_guess g[16];
    int status = EXIT_OK;
    while ((n = getline(&line, &cap, fp)) != -1) {
        line_no++;
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        size_t bad;
        int u = pl_utf8_check(line, len, &bad);
        if (u) {
            fprintf(stderr, "plotline langid: %s:%llu: %s at byte %zu\n", name, line_no,
                    u == -1 ? "invalid UTF-8" : "NUL byte", bad + 1);
            status = EXIT_FAIL;
            break;
        }
        if (len > MAX_LINE) len = MAX_LINE;
        int k = spans ? print_spans(line, len, o) : pl_langid_ex(line, len, o, g, top);
        if (k < 0) {
            fprintf(stderr, "plotline langid: %s:%llu: %s\n", name, line_no,
                    pl_strerror(k));
            status = EXIT_FAIL;
            break;
        }
        if (spans) continue;
        for (int i = 0; i < k; i++)
            printf("%s%s\t%.2f", i ? "\t" : "", g[i].lang, g[i].confidence);
        putchar('\n');
    }
    free(line);
    if (ferror(fp)) {
        fprintf(stderr, "plotline langid: %s: read error\n", name);
        status = EXIT_FAIL;
    }
    return status;
}

/* Most languages --only may list: more than the model has. */
#define MAX_ONLY 256

int cmd_langid(const cli *c, int argc, char **argv) {
    (void)c;
    static const struct option opts[] = {{"top", required_argument, 0, 't'},
                                         {"only", required_argument, 0, 'o'},
                                         {"prior", required_argument, 0, 'p'},
                                         {"min-confidence", required_argument, 0, 'm'},
                                         {"spans", no_argument, 0, 's'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int top = 1, spans = 0, ch;
    long long v;
    static const char *only[MAX_ONLY];
    static char only_buf[4096];
    pl_langid_opts o = {only, 0, NULL, 0};
    char *end;
    optind = 0;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 't':
            if (cli_parse_int(optarg, 1, 16, &v))
                return cli_usage_error("langid", "--top takes a number from 1 to 16");
            top = (int)v;
            break;
        case 'o':
            /* Copied, since strtok writes into it; codes are checked like
             * the language of an import. */
            if (strlen(optarg) >= sizeof only_buf)
                return cli_usage_error("langid", "--only: the list is too long");
            strcpy(only_buf, optarg);
            o.n_only = 0;
            for (char *tok = strtok(only_buf, ","); tok; tok = strtok(NULL, ",")) {
                if (!pl_lang_tag_ok(tok) || o.n_only == MAX_ONLY)
                    return cli_usage_error("langid",
                                           "--only takes language codes like de,en,fr");
                only[o.n_only++] = tok;
            }
            if (o.n_only == 0)
                return cli_usage_error("langid",
                                       "--only takes language codes like de,en,fr");
            break;
        case 'p':
            if (!pl_lang_tag_ok(optarg))
                return cli_usage_error("langid", "--prior takes a language code like de");
            o.prior = optarg;
            break;
        case 'm':
            o.min_confidence = strtod(optarg, &end);
            if (end == optarg || *end || !(o.min_confidence >= 0 && o.min_confidence <= 1))
                return cli_usage_error("langid",
                                       "--min-confidence takes a number from 0 to 1");
            break;
        case 's': spans = 1; break;
        case 'h': fputs(HELP, stdout); return EXIT_OK;
        default: return cli_usage_error("langid", "bad option");
        }
    }
    if (optind == argc) return run(stdin, "-", top, spans, &o);
    int status = EXIT_OK;
    for (int i = optind; i < argc && status == EXIT_OK; i++) {
        FILE *fp = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "rb");
        if (!fp) {
            perror(argv[i]);
            return EXIT_FAIL;
        }
        status = run(fp, argv[i], top, spans, &o);
        if (fp != stdin) fclose(fp);
    }
    return status;
}
