/*
 * test_ingest.c - the input formats: what each yields, and every refusal
 * with its place and reason.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ingest/ingest.h"

typedef struct got {
    int n;
    char text[8][64];
    char lang[8][16];
    char source[8][32];
    int season[8], episode[8];
    char series[8][32], title[8][32];
} got;

static int keep(void *ctx, const pl_record *r, uint64_t line) {
    got *g = ctx;
    (void)line;
    if (g->n == 8) return 1;
    snprintf(g->text[g->n], 64, "%.*s", (int)r->text_len, r->text);
    snprintf(g->lang[g->n], 16, "%s", r->lang ? r->lang : "");
    snprintf(g->source[g->n], 32, "%s", r->source ? r->source : "");
    snprintf(g->series[g->n], 32, "%s", r->series ? r->series : "");
    snprintf(g->title[g->n], 32, "%s", r->title ? r->title : "");
    g->season[g->n] = r->season;
    g->episode[g->n] = r->episode;
    g->n++;
    return 0;
}

/* Parses `data` as `name`; returns the status, the records in g, the
 * message in err. */
static int run(const char *name, const char *data, size_t n, const pl_import_opts *o,
               got *g, pl_err *err) {
    memset(g, 0, sizeof *g);
    pl_err_clear(err);
    pl_line_reader r = {.mem = data, .mem_len = n, .name = name};
    int rc = pl_ingest(&r, PL_FORMAT_AUTO, o, keep, g, err);
    pl_line_reader_free(&r);
    return rc;
}
#define RUN(name, lit, o, g, err) run(name, lit, sizeof lit - 1, o, g, err)

static void test_text(void) {
    got g;
    pl_err err;
    pl_import_opts o = {.series = "Serie", .season = 2};
    CHECK_INT(RUN("s.txt",
                  "\xEF\xBB\xBF"
                  "Erste Folge.\r\n\n  Dritte Folge.  \n",
                  &o, &g, &err),
              0);
    CHECK_INT(g.n, 2);
    CHECK_STR(g.text[0], "Erste Folge.");
    CHECK_STR(g.source[0], "s.txt:1");
    CHECK_INT(g.episode[0], 1);
    CHECK_STR(g.text[1], "Dritte Folge.");
    CHECK_STR(g.source[1], "s.txt:3");
    CHECK_INT(g.episode[1], 3); /* line N is episode N, blank lines included */
    CHECK_INT(g.season[1], 2);
    CHECK_STR(g.series[1], "Serie");
    /* Without a series, lines are unlabeled. */
    CHECK_INT(RUN("u.txt", "Eins.\nZwei.", NULL, &g, &err), 0);
    CHECK_INT(g.n, 2);
    CHECK_INT(g.episode[1], 0);
}

static void test_tsv(void) {
    got g;
    pl_err err;
    CHECK_INT(RUN("t.tsv",
                  "Series\tseason\tepisode\tlang\ttitle\tsynopsis\n"
                  "SATC\t1\t5\tde\tDie Kreditkarte\tCarrie kauft Schuhe.\n"
                  "\n"
                  "SATC\t\t\t\t\tOhne Nummer.\n",
                  NULL, &g, &err),
              0);
    CHECK_INT(g.n, 2);
    CHECK_STR(g.series[0], "SATC");
    CHECK_INT(g.season[0], 1);
    CHECK_INT(g.episode[0], 5);
    CHECK_STR(g.lang[0], "de");
    CHECK_STR(g.title[0], "Die Kreditkarte");
    CHECK_STR(g.text[0], "Carrie kauft Schuhe.");
    CHECK_STR(g.source[1], "t.tsv:4");
    CHECK_INT(g.season[1], 0);
    CHECK_STR(g.lang[1], "");
    CHECK(RUN("t.tsv", "synopsis\tlang\nText\n", NULL, &g, &err) == PL_ERR_INPUT);
    CHECK_STR(err.msg, "t.tsv:2: the row has 1 field, the header names 2");
    CHECK(RUN("t.tsv", "synopsis\tlang\nA\tb\tc\n", NULL, &g, &err) == PL_ERR_INPUT);
    CHECK_STR(err.msg, "t.tsv:2: the row has 3 fields, the header names 2");
    CHECK(RUN("t.tsv", "lang\ttitle\n", NULL, &g, &err) == PL_ERR_INPUT);
    CHECK_STR(err.msg, "t.tsv:1: the header names no synopsis column");
    CHECK(RUN("t.tsv", "synopsis\tsynopsis\n", NULL, &g, &err) == PL_ERR_INPUT);
    CHECK(RUN("t.tsv", "synopsis\tlang\nText\tGerman\n", NULL, &g, &err) == PL_ERR_INPUT);
    CHECK_STR(err.msg, "t.tsv:2: \"German\" is not a language code (like de or pt-br)");
    CHECK(RUN("t.tsv", "episode\tsynopsis\n-3\tText\n", NULL, &g, &err) == PL_ERR_INPUT);
}

static void test_jsonl(void) {
    got g;
    pl_err err;
    CHECK_INT(
        RUN("j.jsonl",
            "{\"synopsis\":\" Ein Text. \",\"lang\":\"pt-br\",\"season\":1,\"episode\":2}\n"
            "{\"text\":\"Zweiter\",\"series\":null}\n",
            NULL, &g, &err),
        0);
    CHECK_INT(g.n, 2);
    CHECK_STR(g.text[0], "Ein Text.");
    CHECK_STR(g.lang[0], "pt-br");
    CHECK_INT(g.episode[0], 2);
    CHECK_STR(g.text[1], "Zweiter");
    CHECK(RUN("j.jsonl", "{\"synopsis\":\"a\",\"synopsis\":\"b\"}\n", NULL, &g, &err) ==
          PL_ERR_INPUT);
    CHECK(strstr(err.msg, "j.jsonl:1: malformed JSON") != NULL);
    CHECK(RUN("j.jsonl", "{\"synopsis\":\"a\",\"extra\":1}\n", NULL, &g, &err) ==
          PL_ERR_INPUT);
    CHECK_STR(err.msg, "j.jsonl:1: unknown key \"extra\"");
    CHECK(RUN("j.jsonl", "{\"synopsis\":\"\"}\n", NULL, &g, &err) == PL_ERR_INPUT);
    CHECK_STR(err.msg, "j.jsonl:1: the synopsis is empty");
    CHECK(RUN("j.jsonl", "{\"synopsis\":\"a\\u0000b\"}\n", NULL, &g, &err) == PL_ERR_INPUT);
}

static void test_refusals(void) {
    got g;
    pl_err err;
    CHECK(run("e.txt", "", 0, NULL, &g, &err) == PL_ERR_INPUT);
    CHECK_STR(err.msg, "e.txt: the input is empty");
    CHECK(RUN("b.txt", "gut\nschlecht \xC3\x28 hier\n", NULL, &g, &err) == PL_ERR_INPUT);
    CHECK_STR(err.msg, "b.txt:2: invalid UTF-8 at byte 10 of the line");
    CHECK(RUN("z.txt", "gut\nnull\0byte\n", NULL, &g, &err) == PL_ERR_INPUT);
    CHECK_STR(err.msg, "z.txt:2: NUL byte at byte 5 of the line");
    /* A line over the limit is refused, not cut. */
    size_t n = PL_MAX_RECORD + 10;
    char *big = malloc(n);
    memset(big, 'a', n);
    big[n - 1] = '\n';
    CHECK(run("h.txt", big, n, NULL, &g, &err) == PL_ERR_INPUT);
    CHECK_STR(err.msg, "h.txt:1: line is longer than the limit of 1048576 bytes");
    free(big);
}

static void test_lang_tags(void) {
    CHECK(pl_lang_tag_ok("de"));
    CHECK(pl_lang_tag_ok("pt-br"));
    CHECK(pl_lang_tag_ok("gsw"));
    CHECK(pl_lang_tag_ok("zh-hant-tw"));
    CHECK(!pl_lang_tag_ok("D"));
    CHECK(!pl_lang_tag_ok("deutsch"));
    CHECK(!pl_lang_tag_ok("de-"));
    CHECK(!pl_lang_tag_ok("de--x"));
    CHECK(!pl_lang_tag_ok(""));
    CHECK(!pl_lang_tag_ok("de-aaaaaaaaaaaaaaaaaaaa"));
}

int main(void) {
    test_text();
    test_tsv();
    test_jsonl();
    test_refusals();
    test_lang_tags();
    return CHECK_DONE();
}
