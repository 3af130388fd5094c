/*
 * write.c - batches, imports and deletes: validation, language
 * identification, the catalog transaction, then the index.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db.h"
#include "ingest/ingest.h"

/* Languages identified so far in a batch (the first BATCH_LANGS distinct
 * ones): one file is usually in one language, so its majority is the prior
 * of the next records' identification. */
#define BATCH_LANGS 8

struct pl_batch {
    pl_db *db;
    pl_err err;
    struct {
        char lang[PL_LANG_MAX];
        uint32_t n;
    } seen[BATCH_LANGS];
    uint32_t n_seen; /* records identified with some confidence */
    pl_grouper *grouper;
    /* Records added without asking for their ids wait here while a helper
     * identifies and keys them (ahead.c); NULL when there is no helper. */
    pl_ahead *ahead;
    int ahead_tried;
    int failed; /* a queued record could not be stored: the batch only aborts */
};

/* The batch's language once at least 3 confident identifications agree on
 * it two to one, else NULL. */
static const char *batch_prior(const pl_batch *b) {
    if (b->n_seen < 3) return NULL;
    int best = 0;
    for (int i = 1; i < BATCH_LANGS; i++)
        if (b->seen[i].n > b->seen[best].n) best = i;
    return b->seen[best].n * 3 >= b->n_seen * 2 ? b->seen[best].lang : NULL;
}

static void batch_note(pl_batch *b, const pl_lang_guess *g) {
    if (g->confidence < 0.5 || strncmp(g->lang, "und", 3) == 0) return;
    int free_slot = -1;
    for (int i = 0; i < BATCH_LANGS; i++) {
        if (b->seen[i].n && strcmp(b->seen[i].lang, g->lang) == 0) {
            b->seen[i].n++;
            b->n_seen++;
            return;
        }
        if (!b->seen[i].n && free_slot < 0) free_slot = i;
    }
    if (free_slot < 0) return;
    snprintf(b->seen[free_slot].lang, PL_LANG_MAX, "%s", g->lang);
    b->seen[free_slot].n = 1;
    b->n_seen++;
}

int pl_batch_begin(pl_db *db, pl_batch **out) {
    *out = NULL;
    pl_err err = PL_ERR_INIT;
    if (db->flags & PL_OPEN_READONLY) {
        pl_err_set(&err, PL_ERR_USAGE, "%s: opened read-only", db->path);
        return pl_db_fail(db, &err);
    }
    if (db->batch) {
        pl_err_set(&err, PL_ERR_USAGE, "a batch is open already on this handle");
        return pl_db_fail(db, &err);
    }
    pl_batch *b = calloc(1, sizeof *b);
    if (!b) {
        pl_err_set(&err, PL_ERR_NOMEM, "out of memory");
        return pl_db_fail(db, &err);
    }
    int rc = pl_catalog_begin(db->cat, &err);
    if (rc) {
        free(b);
        return pl_db_fail(db, &err);
    }
    b->db = db;
    db->batch = b;
    *out = b;
    return PL_OK;
}

int pl_synopsis_text_check(const char *where, const char *text, size_t len, pl_err *err) {
    size_t bad;
    int u = pl_utf8_check(text, len, &bad);
    if (u == -1)
        return pl_err_set(err, PL_ERR_INPUT, "%s: invalid UTF-8 at byte %zu", where,
                          bad + 1);
    if (u == -2)
        return pl_err_set(err, PL_ERR_INPUT, "%s: NUL byte at byte %zu", where, bad + 1);
    if (len == 0) return pl_err_set(err, PL_ERR_INPUT, "%s: the synopsis is empty", where);
    if (len > PL_MAX_RECORD)
        return pl_err_set(err, PL_ERR_INPUT, "%s: the synopsis is longer than %u bytes",
                          where, (unsigned)PL_MAX_RECORD);
    return PL_OK;
}

/* What every record must be before it is queued or stored. */
static int batch_check(pl_batch *b, const pl_record *rec) {
    pl_err *err = &b->err;
    const char *where = rec->source ? rec->source : "synopsis";
    if (!rec->text) return pl_err_set(err, PL_ERR_USAGE, "%s: no text", where);
    int rc = pl_synopsis_text_check(where, rec->text, rec->text_len, err);
    if (rc) return rc;
    if (rec->lang && !pl_lang_tag_ok(rec->lang))
        return pl_err_set(err, PL_ERR_INPUT, "%s: \"%s\" is not a language code", where,
                          rec->lang);
    return PL_OK;
}

/* Stores a checked record, leaving any error in b->err. `ready`, when not
 * NULL, is the helper's work on it: its language (identified with the
 * batch's current prior) and its match keys, taken from it. */
static int batch_store(pl_batch *b, const pl_record *rec, pl_ahead_item *ready, int64_t *id,
                       int *is_new) {
    pl_err *err = &b->err;
    const char *where = rec->source ? rec->source : "synopsis";
    pl_lang_guess g = {"und", 0};
    int given = rec->lang != NULL;
    if (given) {
        snprintf(g.lang, sizeof g.lang, "%s", rec->lang);
        g.confidence = 1;
    } else {
        if (ready)
            g = ready->guess;
        else {
            pl_langid_opts lo = {NULL, 0, batch_prior(b), 0};
            if (pl_langid_ex(rec->text, rec->text_len, &lo, &g, 1) < 0)
                return pl_err_set(err, PL_ERR_NOMEM,
                                  "%s: identifying the language: out of memory", where);
        }
        batch_note(b, &g);
    }
    int64_t sid;
    int fresh;
    int rc =
        pl_catalog_add(b->db->cat, rec, g.lang, g.confidence, given, &sid, &fresh, err);
    if (!rc && fresh) {
        int labeled = rec->series && *rec->series && rec->episode > 0;
        if (ready) {
            rc = pl_grouper_add_keyed(b->db, &b->grouper, sid, g.lang, rec->text,
                                      rec->text_len, !labeled, ready->keys, ready->n_keys,
                                      err);
            ready->keys = NULL;
        } else {
            rc = pl_grouper_add(b->db, &b->grouper, sid, g.lang, rec->text, rec->text_len,
                                !labeled, err);
        }
    }
    if (rc) return rc;
    if (id) *id = sid;
    if (is_new) *is_new = fresh;
    return PL_OK;
}

/* Stores the oldest queued record with the helper's work on it, unless the
 * prior it was identified with is no longer the batch's (a batch's first
 * few records settle its language), or the helper failed: then it is done
 * again here, so the outcome is the same as without a helper. */
static int take_oldest(pl_batch *b) {
    pl_ahead_item *it = pl_ahead_oldest(b->ahead);
    const char *prior = batch_prior(b);
    int same = it->has_prior ? prior && strcmp(prior, it->prior) == 0 : !prior;
    int64_t id = 0;
    int fresh = 0;
    int rc =
        batch_store(b, &it->rec, it->ok && (same || it->rec.lang) ? it : NULL, &id, &fresh);
    if (!rc && it->fn) it->fn(it->ctx, id, fresh);
    pl_ahead_pop(b->ahead);
    if (rc) b->failed = rc;
    return rc;
}

/* Stores every queued record. */
static int drain(pl_batch *b) {
    if (b->failed) return b->failed;
    while (b->ahead && !pl_ahead_empty(b->ahead)) {
        int rc = take_oldest(b);
        if (rc) return rc;
    }
    return PL_OK;
}

/* Adds a checked record now, or queues it for the helper when there is
 * one; `fn` is told its id once it is stored. */
static int batch_add_later(pl_batch *b, const pl_record *rec, pl_ahead_done_fn fn,
                           void *ctx) {
    if (b->failed) return b->failed;
    if (!b->ahead && !b->ahead_tried) {
        b->ahead_tried = 1;
        b->ahead = pl_ahead_start(b->db);
    }
    if (!b->ahead) {
        int64_t id = 0;
        int fresh = 0;
        int rc = batch_store(b, rec, NULL, &id, &fresh);
        if (!rc && fn) fn(ctx, id, fresh);
        return rc;
    }
    while (pl_ahead_full(b->ahead)) {
        int rc = take_oldest(b);
        if (rc) return rc;
    }
    if (pl_ahead_push(b->ahead, rec, batch_prior(b), fn, ctx))
        return pl_err_set(&b->err, PL_ERR_NOMEM, "%s: out of memory",
                          rec->source ? rec->source : "synopsis");
    return PL_OK;
}

int pl_batch_add(pl_batch *b, const pl_record *rec, int64_t *id, int *is_new) {
    int rc = batch_check(b, rec);
    /* Asked for its id, the record is stored now, after those queued. */
    if (!rc) rc = id || is_new ? drain(b) : PL_OK;
    if (!rc)
        rc = id || is_new ? batch_store(b, rec, NULL, id, is_new)
                          : batch_add_later(b, rec, NULL, NULL);
    if (rc) pl_db_fail(b->db, &b->err);
    return rc;
}

static void batch_free(pl_batch *b) {
    pl_ahead_stop(b->ahead);
    b->db->batch = NULL;
    pl_grouper_free(b->grouper);
    free(b);
}

void pl_batch_abort(pl_batch *b) {
    if (!b) return;
    pl_catalog_rollback(b->db->cat);
    batch_free(b);
}

int pl_batch_commit(pl_batch *b) {
    pl_db *db = b->db;
    pl_err err = PL_ERR_INIT;
    int rc = drain(b);
    if (rc) err = b->err;
    if (!rc) rc = pl_grouper_run(db, b->grouper, &err);
    if (rc)
        pl_catalog_rollback(db->cat);
    else
        rc = pl_catalog_commit(db->cat, &err);
    batch_free(b);
    if (rc) return pl_db_fail(db, &err);
    /* The batch is durable now. An index failure does not undo it: the index
     * catches up on the next open, so it is reported but not an error. */
    if (pl_db_sync_index(db, NULL, NULL, &err)) pl_db_fail(db, &err);
    return PL_OK;
}

/* ---- importing ---------------------------------------------------------- */

typedef struct import_ctx {
    pl_batch *b;
    pl_import_report *rep;
    const pl_import_opts *opts;
    pl_line_reader *r;
    uint64_t total;
    uint64_t seen; /* records read, for progress (the report counts those stored) */
} import_ctx;

/* A record of the import stored: counted in the report. */
static void import_counted(void *vctx, int64_t id, int fresh) {
    import_ctx *c = vctx;
    c->rep->records++;
    if (fresh) {
        c->rep->added++;
        if (!c->rep->first_id) c->rep->first_id = id;
        c->rep->last_id = id;
    } else {
        c->rep->duplicates++;
    }
}

static int import_record(void *vctx, const pl_record *rec, uint64_t line_no) {
    import_ctx *c = vctx;
    int rc = batch_check(c->b, rec);
    if (!rc) rc = batch_add_later(c->b, rec, import_counted, c);
    if (rc) return rc;
    if (c->opts && c->opts->progress && (++c->seen & 63) == 0 &&
        c->opts->progress(c->opts->progress_ctx, c->r->offset, c->total))
        return pl_err_set(&c->b->err, PL_ERR_USAGE, "%s:%llu: import cancelled", c->r->name,
                          (unsigned long long)line_no);
    return 0;
}

static int import_reader(pl_db *db, pl_line_reader *r, uint64_t total,
                         const pl_import_opts *opts, pl_import_report *report) {
    pl_import_report local;
    if (!report) report = &local;
    memset(report, 0, sizeof *report);
    if (opts && opts->lang && !pl_lang_tag_ok(opts->lang)) {
        pl_err err = PL_ERR_INIT;
        pl_err_set(&err, PL_ERR_USAGE, "\"%s\" is not a language code (like de or pt-br)",
                   opts->lang);
        return pl_db_fail(db, &err);
    }
    pl_batch *b;
    int rc = pl_batch_begin(db, &b);
    if (rc) return rc;
    import_ctx c = {b, report, opts, r, total, 0};
    rc = pl_ingest(r, opts ? opts->format : PL_FORMAT_AUTO, opts, import_record, &c,
                   &b->err);
    if (rc) {
        pl_db_fail(db, &b->err);
        pl_batch_abort(b);
        memset(report, 0, sizeof *report);
        return rc;
    }
    if (opts && opts->progress) opts->progress(opts->progress_ctx, total, total);
    rc = pl_batch_commit(b);
    if (rc) memset(report, 0, sizeof *report); /* rolled back: nothing stored */
    return rc;
}

int pl_import(pl_db *db, const char *name, const char *data, size_t nbytes,
              const pl_import_opts *opts, pl_import_report *report) {
    pl_line_reader r = {.mem = data, .mem_len = nbytes, .name = name ? name : "-"};
    int rc = import_reader(db, &r, nbytes, opts, report);
    pl_line_reader_free(&r);
    return rc;
}

int pl_import_file(pl_db *db, const char *path, const pl_import_opts *opts,
                   pl_import_report *report) {
    int use_stdin = strcmp(path, "-") == 0;
    FILE *fp = use_stdin ? stdin : fopen(path, "rb");
    if (!fp) {
        pl_err err = PL_ERR_INIT;
        pl_err_set(&err, errno == ENOENT ? PL_ERR_NOTFOUND : PL_ERR_IO, "%s: %s", path,
                   strerror(errno));
        return pl_db_fail(db, &err);
    }
    struct stat st;
    uint64_t total =
        fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    if (!use_stdin && S_ISDIR(st.st_mode)) {
        fclose(fp);
        pl_err err = PL_ERR_INIT;
        pl_err_set(&err, PL_ERR_INPUT, "%s: is a folder, not a file", path);
        return pl_db_fail(db, &err);
    }
    /* Sources name the file, not the folder it was in. */
    const char *slash = strrchr(path, '/');
    pl_line_reader r = {.fp = fp, .name = use_stdin ? "-" : slash ? slash + 1 : path};
    pl_import_opts o = opts ? *opts : (pl_import_opts){0};
    if (o.format == PL_FORMAT_AUTO) o.format = pl_format_for_name(path);
    int rc = import_reader(db, &r, total, &o, report);
    pl_line_reader_free(&r);
    if (!use_stdin) fclose(fp);
    return rc;
}

int pl_delete(pl_db *db, int64_t id) {
    pl_batch *b;
    int rc = pl_batch_begin(db, &b);
    if (rc) return rc;
    if ((rc = pl_catalog_delete(db->cat, id, &b->err))) {
        pl_db_fail(db, &b->err);
        pl_batch_abort(b);
        return rc;
    }
    return pl_batch_commit(b);
}
