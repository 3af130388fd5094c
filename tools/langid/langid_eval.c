/*
 * langid_eval.c - measures the language identifier on labelled text.
 *
 * Usage: langid_eval [-c N] [-v] FILE...
 * Each line of a FILE is "code<TAB>text". Prints accuracy per language and
 * overall, on whole lines and (with -c N) on each line cut to its first N
 * codepoints; -v lists the misses. Used to tune the model (README.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "langid/langid.h"
#include "text/text.h"

typedef struct {
    char code[PL_LANG_MAX];
    long n, ok, ok_cut;
} tally;

static tally tallies[512];
static int n_tallies;

static tally *tally_for(const char *code) {
    for (int i = 0; i < n_tallies; i++)
        if (strcmp(tallies[i].code, code) == 0) return &tallies[i];
    if (n_tallies == 512) return &tallies[511];
    tally *t = &tallies[n_tallies++];
    snprintf(t->code, sizeof t->code, "%s", code);
    return t;
}

int main(int argc, char **argv) {
    int cut = 0, verbose = 0, argi = 1;
    for (; argi < argc && argv[argi][0] == '-'; argi++) {
        if (strcmp(argv[argi], "-c") == 0 && argi + 1 < argc)
            cut = atoi(argv[++argi]);
        else if (strcmp(argv[argi], "-v") == 0)
            verbose = 1;
    }
    char *line = NULL;
    size_t cap = 0, bytes = 0;
    double secs = 0;
    for (; argi < argc; argi++) {
        FILE *f = fopen(argv[argi], "r");
        if (!f) {
            perror(argv[argi]);
            return 1;
        }
        ssize_t n;
        while ((n = getline(&line, &cap, f)) > 0) {
            if (line[n - 1] == '\n') line[--n] = '\0';
            char *tab = strchr(line, '\t');
            if (!tab) continue;
            *tab = '\0';
            const char *text = tab + 1;
            size_t len = strlen(text);
            tally *t = tally_for(line);
            pl_lang_guess g[3];
            struct timespec a, b;
            clock_gettime(CLOCK_MONOTONIC, &a);
            int k = pl_langid(text, len, g, 3);
            clock_gettime(CLOCK_MONOTONIC, &b);
            secs += (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9;
            bytes += len;
            t->n++;
            if (k > 0 && strcmp(g[0].lang, line) == 0)
                t->ok++;
            else if (verbose)
                printf("MISS %s -> %s %.2f | %.100s\n", line, k > 0 ? g[0].lang : "?",
                       k > 0 ? g[0].confidence : 0, text);
            if (cut) {
                size_t cl = pl_utf8_prefix(text, len, cut);
                k = pl_langid(text, cl, g, 3);
                if (k > 0 && strcmp(g[0].lang, line) == 0)
                    t->ok_cut++;
                else if (verbose)
                    printf("MISS%d %s -> %s %.2f | %.*s\n", cut, line,
                           k > 0 ? g[0].lang : "?", k > 0 ? g[0].confidence : 0, (int)cl,
                           text);
            }
        }
        fclose(f);
    }
    free(line);
    long n = 0, ok = 0, okc = 0;
    for (int i = 0; i < n_tallies; i++) {
        tally *t = &tallies[i];
        printf("%-8s %6ld  %6.2f%%", t->code, t->n, 100.0 * t->ok / t->n);
        if (cut) printf("  cut %6.2f%%", 100.0 * t->ok_cut / t->n);
        printf("\n");
        n += t->n, ok += t->ok, okc += t->ok_cut;
    }
    printf("ALL      %6ld  %6.2f%%", n, n ? 100.0 * ok / n : 0);
    if (cut) printf("  cut %6.2f%%", n ? 100.0 * okc / n : 0);
    printf("  %.1f MB/s\n", secs > 0 ? bytes / secs / 1e6 : 0);
    return 0;
}
