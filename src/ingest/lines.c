/*
 * lines.c - a bounded line reader over a stream or a memory block.
 *
 * getline() would grow without limit on a 10 GB line; this reader stops at
 * PL_MAX_RECORD bytes and reports the line, which is what a user fixing the
 * file needs.
 */
#include <errno.h>
#include <string.h>

#include "ingest.h"

static int getbyte(pl_line_reader *r) {
    if (r->fp) return getc_unlocked(r->fp);
    return r->mem_pos < r->mem_len ? (unsigned char)r->mem[r->mem_pos++] : EOF;
}

int pl_line_next(pl_line_reader *r, pl_err *err) {
    pl_buf_reset(&r->line);
    int c = EOF, any = 0;
    r->line_no++;
    while ((c = getbyte(r)) != EOF) {
        any = 1;
        r->offset++;
        if (c == '\n') break;
        if (r->line.len >= PL_MAX_RECORD) {
            /* Skip to the end of the line so the count of bytes stays right,
             * but fail: the record cannot be stored. */
            return pl_err_set(err, PL_ERR_INPUT,
                              "%s:%llu: line is longer than the limit of %u bytes", r->name,
                              (unsigned long long)r->line_no, (unsigned)PL_MAX_RECORD);
        }
        pl_buf_putc(&r->line, c);
    }
    if (r->fp && ferror(r->fp))
        return pl_err_set(err, PL_ERR_IO, "%s:%llu: read error: %s", r->name,
                          (unsigned long long)r->line_no, strerror(errno));
    if (r->line.oom)
        return pl_err_set(err, PL_ERR_NOMEM, "%s:%llu: out of memory", r->name,
                          (unsigned long long)r->line_no);
    if (!any) return 0;
    if (r->line.len && r->line.data[r->line.len - 1] == '\r') r->line.len--;
    if (r->line_no == 1 && r->line.len >= 3 &&
        memcmp(r->line.data, "\xEF\xBB\xBF", 3) == 0) {
        memmove(r->line.data, r->line.data + 3, r->line.len - 3);
        r->line.len -= 3;
    }
    pl_buf_cstr(&r->line);
    return 1;
}

void pl_line_reader_free(pl_line_reader *r) {
    pl_buf_free(&r->line);
}
