/*
 * fuzz_ingest.c - libFuzzer target: any bytes as an import file, in each of
 * the three formats (plain text, TSV, JSON Lines). The parser must answer
 * every input with records or an error naming the line, and hand on only
 * valid UTF-8 without NUL bytes: the catalog stores what it is given.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest.h"
#include "text/text.h"

static int check_record(void *ctx, const pl_record *rec, uint64_t line_no) {
    (void)ctx;
    size_t bad;
    if (line_no == 0 || !rec->text || rec->text_len == 0 ||
        pl_utf8_check(rec->text, rec->text_len, &bad) != 0)
        abort();
    if (rec->lang && !pl_lang_tag_ok(rec->lang)) abort();
    const char *names[] = {rec->series, rec->title, rec->source};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (names[i] && pl_utf8_check(names[i], strlen(names[i]), &bad) != 0) abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const pl_format formats[] = {PL_FORMAT_TEXT, PL_FORMAT_TSV, PL_FORMAT_JSONL};
    for (size_t f = 0; f < sizeof formats / sizeof *formats; f++) {
        pl_line_reader r = {.mem = (const char *)data, .mem_len = size, .name = "fuzz"};
        pl_err err = PL_ERR_INIT;
        int rc = pl_ingest(&r, formats[f], NULL, check_record, NULL, &err);
        /* A failure says what and where. */
        if (rc < 0 && err.msg[0] == 0) abort();
        pl_line_reader_free(&r);
    }
    return 0;
}
