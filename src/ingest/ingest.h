/*
 * ingest.h - reading input files into records: plain text, TSV, JSON Lines.
 *
 * Input is read as a stream of lines with a hard cap on a line's length, so
 * that memory stays bounded whatever the input. Every problem is reported as
 * "name:line: reason" and stops the read: a batch is all or nothing, and a
 * silently skipped record would be a lost one.
 */
#ifndef PL_INGEST_H
#define PL_INGEST_H

#include <stdint.h>
#include <stdio.h>

#include "plotline.h"
#include "util/buf.h"
#include "util/err.h"

typedef struct pl_line_reader {
    FILE *fp;        /* stream to read, or NULL for memory */
    const char *mem; /* memory to read when fp is NULL */
    size_t mem_len;
    size_t mem_pos;
    pl_buf line;      /* the current line, without its end of line */
    uint64_t line_no; /* 1-based number of the current line */
    uint64_t offset;  /* input bytes consumed so far */
    const char *name; /* input name for messages */
} pl_line_reader;

/* Reads the next line into r->line (a UTF-8 BOM on line 1 and a trailing CR
 * are removed). Returns 1 with a line, 0 at the end, or a negative status
 * with err set (a line longer than PL_MAX_RECORD, a read error). */
int pl_line_next(pl_line_reader *r, pl_err *err);
void pl_line_reader_free(pl_line_reader *r);

/* Parses records from a reader in one format and hands each to `fn` (which
 * may keep nothing: the record's strings are valid during the call only).
 * Checks UTF-8 and NUL bytes per line and fails on an input with no record.
 * Returns PL_OK, a negative status with err set, or fn's non-zero value. */
typedef int (*pl_record_fn)(void *ctx, const pl_record *rec, uint64_t line_no);
int pl_ingest(pl_line_reader *r, pl_format format, const pl_import_opts *opts,
              pl_record_fn fn, void *ctx, pl_err *err);

/* The format a file's name suggests. */
pl_format pl_format_for_name(const char *name);

/* 1 when s is a plausible language tag: 2-3 lowercase letters, optionally
 * followed by -subtags, at most PL_LANG_MAX-1 bytes. */
int pl_lang_tag_ok(const char *s);

#endif
