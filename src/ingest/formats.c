/*
 * formats.c - the three input formats, turned into pl_records.
 *
 *   text   one synopsis per line; blank lines are skipped
 *   TSV    a header naming columns (series season episode lang title synopsis)
 *   JSONL  one object per line with the same keys
 * Every record's source is "name:line". Checks that no later layer repeats:
 * UTF-8 validity, NUL bytes, field counts, types and ranges.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "text/text.h"

#define MAX_NUMBER 1000000 /* seasons and episodes above this are typos */

pl_format pl_format_for_name(const char *name) {
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (!dot) return PL_FORMAT_TEXT;
    if (strcasecmp(dot, ".tsv") == 0) return PL_FORMAT_TSV;
    if (strcasecmp(dot, ".jsonl") == 0 || strcasecmp(dot, ".ndjson") == 0)
        return PL_FORMAT_JSONL;
    return PL_FORMAT_TEXT;
}

int pl_lang_tag_ok(const char *s) {
    size_t n = strlen(s), i = 0;
    if (n >= PL_LANG_MAX) return 0;
    while (i < n && islower((unsigned char)s[i]))
        i++;
    if (i < 2 || i > 3) return 0;
    while (i < n) {
        if (s[i++] != '-') return 0;
        size_t start = i;
        while (i < n && isalnum((unsigned char)s[i]))
            i++;
        if (i == start) return 0;
    }
    return 1;
}

typedef struct ctx {
    pl_line_reader *r;
    const pl_import_opts *opts;
    pl_record_fn fn;
    void *fn_ctx;
    pl_err *err;
    pl_buf source;
    uint64_t records;
} ctx;

#define FAIL(c, ...) pl_err_set((c)->err, PL_ERR_INPUT, __VA_ARGS__)
#define WHERE(c) (c)->r->name, (unsigned long long)(c)->r->line_no

/* Trims ASCII white space in place; returns the new length. */
static size_t trim(char **s, size_t n) {
    while (n && isspace((unsigned char)**s))
        (*s)++, n--;
    while (n && isspace((unsigned char)(*s)[n - 1]))
        n--;
    return n;
}

static int check_line(ctx *c) {
    size_t bad;
    int rc = pl_utf8_check((const char *)c->r->line.data, c->r->line.len, &bad);
    if (rc == -1)
        return FAIL(c, "%s:%llu: invalid UTF-8 at byte %zu of the line", WHERE(c), bad + 1);
    if (rc == -2)
        return FAIL(c, "%s:%llu: NUL byte at byte %zu of the line", WHERE(c), bad + 1);
    return PL_OK;
}

/* Applies the import options and hands the record on. */
static int emit(ctx *c, pl_record *rec) {
    if (c->opts && c->opts->lang) rec->lang = c->opts->lang;
    if (rec->lang && !pl_lang_tag_ok(rec->lang))
        return FAIL(c, "%s:%llu: \"%s\" is not a language code (like de or pt-br)",
                    WHERE(c), rec->lang);
    if (!rec->series && c->opts) rec->series = c->opts->series;
    if (!rec->season && c->opts) rec->season = c->opts->season;
    if (rec->text_len == 0) return FAIL(c, "%s:%llu: the synopsis is empty", WHERE(c));
    pl_buf_reset(&c->source);
    pl_buf_printf(&c->source, "%s:%llu", WHERE(c));
    rec->source = pl_buf_cstr(&c->source);
    if (!rec->source) return pl_err_set(c->err, PL_ERR_NOMEM, "out of memory");
    c->records++;
    return c->fn(c->fn_ctx, rec, c->r->line_no);
}

static int text_line(ctx *c) {
    char *s = (char *)c->r->line.data;
    size_t n = trim(&s, c->r->line.len);
    if (n == 0) return PL_OK;
    s[n] = 0;
    pl_record rec = {.text = s, .text_len = n};
    /* With a series and season, a season file's line N is episode N. */
    if (c->opts && c->opts->series && c->opts->season > 0)
        rec.episode = (int)(c->r->line_no > MAX_NUMBER ? 0 : c->r->line_no);
    return emit(c, &rec);
}

enum { COL_SERIES, COL_SEASON, COL_EPISODE, COL_LANG, COL_TITLE, COL_SYNOPSIS, N_COLS };
static const char *const COLUMN_NAMES[N_COLS] = {"series", "season", "episode",
                                                 "lang",   "title",  "synopsis"};

static int column_of(const char *name) {
    for (int i = 0; i < N_COLS; i++)
        if (strcmp(name, COLUMN_NAMES[i]) == 0) return i;
    if (strcmp(name, "text") == 0) return COL_SYNOPSIS;
    return -1;
}

static int parse_number(ctx *c, const char *what, const char *s, int *out) {
    if (!*s) return PL_OK;
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v < 0 || v > MAX_NUMBER)
        return FAIL(c, "%s:%llu: %s \"%s\" is not a whole number from 0 to %d", WHERE(c),
                    what, s, MAX_NUMBER);
    *out = (int)v;
    return PL_OK;
}

typedef struct tsv_state {
    int cols[N_COLS * 4]; /* column index -> field kind, for the header's columns */
    int n_cols;
} tsv_state;

static int tsv_header(ctx *c, tsv_state *t) {
    char *p = (char *)c->r->line.data;
    int have[N_COLS] = {0};
    t->n_cols = 0;
    for (;;) {
        char *tab = strchr(p, '\t');
        if (tab) *tab = 0;
        char *name = p;
        size_t n = trim(&name, strlen(name));
        name[n] = 0;
        for (char *q = name; *q; q++)
            *q = (char)tolower((unsigned char)*q);
        int k = column_of(name);
        if (k < 0)
            return FAIL(
                c,
                "%s:%llu: unknown column \"%s\" in the header (known: series season "
                "episode lang title synopsis)",
                WHERE(c), name);
        if (have[k]) return FAIL(c, "%s:%llu: column \"%s\" named twice", WHERE(c), name);
        have[k] = 1;
        t->cols[t->n_cols++] = k;
        if (!tab) break;
        p = tab + 1;
    }
    if (!have[COL_SYNOPSIS])
        return FAIL(c, "%s:%llu: the header names no synopsis column", WHERE(c));
    return PL_OK;
}

static int tsv_row(ctx *c, tsv_state *t) {
    char *p = (char *)c->r->line.data;
    char *field[N_COLS] = {0};
    int n = 0;
    for (;;) {
        char *tab = strchr(p, '\t');
        if (tab) *tab = 0;
        if (n < t->n_cols) field[t->cols[n]] = p;
        n++;
        if (!tab) break;
        p = tab + 1;
    }
    if (n != t->n_cols)
        return FAIL(c, "%s:%llu: the row has %d field%s, the header names %d", WHERE(c), n,
                    n == 1 ? "" : "s", t->n_cols);
    pl_record rec = {0};
    for (int k = 0; k < N_COLS; k++) {
        if (!field[k]) continue;
        size_t len = trim(&field[k], strlen(field[k]));
        field[k][len] = 0;
        if (k == COL_SYNOPSIS) rec.text_len = len;
    }
    int rc;
    if (field[COL_SEASON] &&
        (rc = parse_number(c, "season", field[COL_SEASON], &rec.season)))
        return rc;
    if (field[COL_EPISODE] &&
        (rc = parse_number(c, "episode", field[COL_EPISODE], &rec.episode)))
        return rc;
    rec.text = field[COL_SYNOPSIS];
    rec.series = field[COL_SERIES] && *field[COL_SERIES] ? field[COL_SERIES] : NULL;
    rec.lang = field[COL_LANG] && *field[COL_LANG] ? field[COL_LANG] : NULL;
    rec.title = field[COL_TITLE] && *field[COL_TITLE] ? field[COL_TITLE] : NULL;
    return emit(c, &rec);
}

static int get_string(ctx *c, json_t *v, const char *key, const char **out) {
    if (json_is_null(v)) return PL_OK;
    if (!json_is_string(v))
        return FAIL(c, "%s:%llu: \"%s\" must be a string", WHERE(c), key);
    *out = json_string_value(v);
    return PL_OK;
}

static int get_number(ctx *c, json_t *v, const char *key, int *out) {
    if (json_is_null(v)) return PL_OK;
    if (!json_is_integer(v) || json_integer_value(v) < 0 ||
        json_integer_value(v) > MAX_NUMBER)
        return FAIL(c, "%s:%llu: \"%s\" must be a whole number from 0 to %d", WHERE(c), key,
                    MAX_NUMBER);
    *out = (int)json_integer_value(v);
    return PL_OK;
}

static int jsonl_line(ctx *c) {
    const char *line = (const char *)c->r->line.data;
    size_t n = c->r->line.len;
    while (n && isspace((unsigned char)*line))
        line++, n--;
    if (n == 0) return PL_OK;
    json_error_t jerr;
    json_t *obj = json_loadb(line, n, JSON_REJECT_DUPLICATES, &jerr);
    if (!obj)
        return FAIL(c, "%s:%llu: malformed JSON at column %d: %s", WHERE(c), jerr.column,
                    jerr.text);
    int rc = PL_OK;
    pl_record rec = {0};
    if (!json_is_object(obj)) {
        rc = FAIL(c, "%s:%llu: expected a JSON object", WHERE(c));
        goto done;
    }
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        int k = column_of(key);
        if (k == COL_SERIES)
            rc = get_string(c, v, key, &rec.series);
        else if (k == COL_LANG)
            rc = get_string(c, v, key, &rec.lang);
        else if (k == COL_TITLE)
            rc = get_string(c, v, key, &rec.title);
        else if (k == COL_SYNOPSIS)
            rc = get_string(c, v, key, &rec.text);
        else if (k == COL_SEASON)
            rc = get_number(c, v, key, &rec.season);
        else if (k == COL_EPISODE)
            rc = get_number(c, v, key, &rec.episode);
        else
            rc = FAIL(c, "%s:%llu: unknown key \"%s\"", WHERE(c), key);
        if (rc) goto done;
    }
    if (!rec.text) {
        rc = FAIL(c, "%s:%llu: the object has no \"synopsis\"", WHERE(c));
        goto done;
    }
    char *text = (char *)rec.text;
    rec.text_len = trim(&text, strlen(text));
    rec.text = text;
    /* jansson strings are NUL-terminated; trimming the end needs a copy. */
    char *copy = strndup(text, rec.text_len);
    if (!copy) {
        rc = pl_err_set(c->err, PL_ERR_NOMEM, "out of memory");
        goto done;
    }
    rec.text = copy;
    rc = emit(c, &rec);
    free(copy);
done:
    json_decref(obj);
    return rc;
}

int pl_ingest(pl_line_reader *r, pl_format format, const pl_import_opts *opts,
              pl_record_fn fn, void *fn_ctx, pl_err *err) {
    ctx c = {.r = r, .opts = opts, .fn = fn, .fn_ctx = fn_ctx, .err = err};
    tsv_state tsv = {0};
    int have_header = 0, rc, stop = 0;
    if (format == PL_FORMAT_AUTO) format = pl_format_for_name(r->name);
    while ((rc = pl_line_next(r, err)) == 1) {
        if ((stop = check_line(&c))) break;
        if (format == PL_FORMAT_TSV) {
            char *s = (char *)r->line.data;
            if (trim(&s, r->line.len) == 0) continue;
            stop = have_header ? tsv_row(&c, &tsv) : tsv_header(&c, &tsv);
            have_header = 1;
        } else if (format == PL_FORMAT_JSONL) {
            stop = jsonl_line(&c);
        } else {
            stop = text_line(&c);
        }
        if (stop) break;
    }
    pl_buf_free(&c.source);
    if (stop) return stop;
    if (rc < 0) return rc;
    if (c.records == 0)
        return pl_err_set(err, PL_ERR_INPUT, "%s: %s", r->name,
                          r->offset == 0 ? "the input is empty"
                                         : "the input holds no synopsis");
    return PL_OK;
}
