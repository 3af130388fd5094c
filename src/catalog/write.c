/*
 * write.c - storing and deleting synopses, always with a change-log entry in
 * the same transaction (see catalog.h).
 */
#include <string.h>
#include <xxhash.h>

#include "catalog_internal.h"

static int exec(pl_catalog *c, const char *sql, const char *what, pl_err *err) {
    if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return pl_catalog_fail(c, what, err);
    return PL_OK;
}

/* Reads go through a mapping of the file (schema.c) except while a write is
 * open: an import reads much of the catalog, and its mapped pages would count
 * as the process's memory, which an import keeps bounded. */
int pl_catalog_begin(pl_catalog *c, pl_err *err) {
    int rc = exec(c, "PRAGMA mmap_size=0", "starting a write", err);
    if (!rc && (rc = exec(c, "BEGIN IMMEDIATE", "starting a write", err)))
        sqlite3_exec(c->db, PL_CATALOG_MAP_PRAGMA, NULL, NULL, NULL);
    pl_catalog_forget_keys(c);
    c->writing = !rc;
    return rc;
}

int pl_catalog_commit(pl_catalog *c, pl_err *err) {
    int rc = pl_catalog_flush_keys(c, err);
    pl_catalog_forget_keys(c);
    if (!rc) rc = exec(c, "COMMIT", "committing", err);
    if (rc)
        pl_catalog_rollback(c);
    else
        sqlite3_exec(c->db, PL_CATALOG_MAP_PRAGMA, NULL, NULL, NULL); /* only speed */
    return rc;
}

void pl_catalog_rollback(pl_catalog *c) {
    pl_catalog_drop_pending_keys(c);
    pl_catalog_forget_keys(c);
    if (!sqlite3_get_autocommit(c->db)) sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_exec(c->db, PL_CATALOG_MAP_PRAGMA, NULL, NULL, NULL);
}

int pl_catalog_step(pl_catalog *c, sqlite3_stmt *s, int *row, const char *what,
                    pl_err *err) {
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        if (row) *row = rc == SQLITE_ROW;
        return PL_OK;
    }
    sqlite3_reset(s);
    return pl_catalog_fail(c, what, err);
}

#define step pl_catalog_step

static int add_change(pl_catalog *c, int op, int64_t id, pl_err *err) {
    sqlite3_stmt *s = pl_catalog_stmt(c, ST_ADD_CHANGE, err);
    if (!s) return err->status;
    sqlite3_bind_int(s, 1, op);
    sqlite3_bind_int64(s, 2, id);
    int rc = step(c, s, NULL, "logging a change", err);
    sqlite3_reset(s);
    return rc;
}

/* Finds or creates the series named `name`; *id 0 for none. */
static int series_id(pl_catalog *c, const char *name, int64_t *id, pl_err *err) {
    *id = 0;
    if (!name || !*name) return PL_OK;
    sqlite3_stmt *s = pl_catalog_stmt(c, ST_FIND_SERIES, err);
    if (!s) return err->status;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    int row = 0, rc = step(c, s, &row, "finding a series", err);
    if (!rc && row) *id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (rc || *id) return rc;
    if (!(s = pl_catalog_stmt(c, ST_ADD_SERIES, err))) return err->status;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    rc = step(c, s, NULL, "adding a series", err);
    sqlite3_reset(s);
    *id = sqlite3_last_insert_rowid(c->db);
    return rc;
}

static void bind_opt_int(sqlite3_stmt *s, int col, int64_t v) {
    if (v > 0)
        sqlite3_bind_int64(s, col, v);
    else
        sqlite3_bind_null(s, col);
}

/* The episode a record belongs to: an existing one when series, season and
 * number all name it; otherwise a new one (an unlabeled synopsis is an
 * episode of its own until grouping says otherwise). */
static int episode_id(pl_catalog *c, const pl_record *rec, int64_t *id, pl_err *err) {
    int64_t sid;
    int rc = series_id(c, rec->series, &sid, err);
    if (rc) return rc;
    int labeled = sid && rec->episode > 0;
    sqlite3_stmt *s;
    if (labeled) {
        if (!(s = pl_catalog_stmt(c, ST_FIND_EPISODE, err))) return err->status;
        bind_opt_int(s, 1, sid);
        bind_opt_int(s, 2, rec->season);
        bind_opt_int(s, 3, rec->episode);
        int row = 0;
        rc = step(c, s, &row, "finding an episode", err);
        int has_title = !rc && row && sqlite3_column_type(s, 1) != SQLITE_NULL;
        if (!rc && row) *id = sqlite3_column_int64(s, 0);
        sqlite3_reset(s);
        if (rc) return rc;
        if (row) {
            if (has_title || !rec->title || !*rec->title) return PL_OK;
            if (!(s = pl_catalog_stmt(c, ST_SET_TITLE, err))) return err->status;
            sqlite3_bind_text(s, 1, rec->title, -1, SQLITE_STATIC);
            sqlite3_bind_int64(s, 2, *id);
            rc = step(c, s, NULL, "setting a title", err);
            sqlite3_reset(s);
            return rc;
        }
    }
    if (!(s = pl_catalog_stmt(c, ST_ADD_EPISODE, err))) return err->status;
    bind_opt_int(s, 1, sid);
    bind_opt_int(s, 2, labeled ? rec->season : 0);
    bind_opt_int(s, 3, labeled ? rec->episode : 0);
    if (rec->title && *rec->title)
        sqlite3_bind_text(s, 4, rec->title, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 4);
    rc = step(c, s, NULL, "adding an episode", err);
    sqlite3_reset(s);
    *id = sqlite3_last_insert_rowid(c->db);
    return rc;
}

int pl_catalog_add(pl_catalog *c, const pl_record *rec, const char *lang, double conf,
                   int lang_given, int64_t *id, int *is_new, pl_err *err) {
    /* The content hash makes re-imports idempotent; 128 bits make an
     * accidental collision between two different synopses practically
     * impossible even at billions of texts. */
    XXH128_hash_t h = XXH3_128bits(rec->text, rec->text_len);
    unsigned char hash[16];
    XXH128_canonical_t canon;
    XXH128_canonicalFromHash(&canon, h);
    memcpy(hash, canon.digest, sizeof hash);

    sqlite3_stmt *s = pl_catalog_stmt(c, ST_FIND_HASH, err);
    if (!s) return err->status;
    sqlite3_bind_blob(s, 1, hash, sizeof hash, SQLITE_STATIC);
    int row = 0, rc = step(c, s, &row, "looking up a text", err);
    if (!rc && row) *id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (rc) return rc;
    if (row) {
        *is_new = 0;
        return PL_OK;
    }
    int64_t ep = 0;
    if ((rc = episode_id(c, rec, &ep, err))) return rc;
    if (!(s = pl_catalog_stmt(c, ST_ADD_SYNOPSIS, err))) return err->status;
    sqlite3_bind_int64(s, 1, ep);
    sqlite3_bind_text(s, 2, lang, -1, SQLITE_STATIC);
    sqlite3_bind_double(s, 3, conf);
    sqlite3_bind_int(s, 4, lang_given);
    sqlite3_bind_text(s, 5, rec->text, (int)rec->text_len, SQLITE_STATIC);
    if (rec->source)
        sqlite3_bind_text(s, 6, rec->source, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 6);
    sqlite3_bind_blob(s, 7, hash, sizeof hash, SQLITE_STATIC);
    rc = step(c, s, NULL, "adding a synopsis", err);
    sqlite3_reset(s);
    if (rc) return rc;
    *id = sqlite3_last_insert_rowid(c->db);
    *is_new = 1;
    return add_change(c, PL_CHANGE_ADD, *id, err);
}

int pl_catalog_delete(pl_catalog *c, int64_t id, pl_err *err) {
    sqlite3_stmt *s = pl_catalog_stmt(c, ST_DEL_SYNOPSIS, err);
    if (!s) return err->status;
    sqlite3_bind_int64(s, 1, id);
    int row = 0, rc = step(c, s, &row, "deleting a synopsis", err);
    int64_t ep = (!rc && row) ? sqlite3_column_int64(s, 0) : 0;
    /* RETURNING rows are produced before the delete completes: finish it. */
    if (!rc && row) rc = step(c, s, NULL, "deleting a synopsis", err);
    sqlite3_reset(s);
    if (rc) return rc;
    if (!row)
        return pl_err_set(err, PL_ERR_NOTFOUND, "no synopsis has id %lld", (long long)id);
    if ((rc = add_change(c, PL_CHANGE_DELETE, id, err)) ||
        (rc = pl_catalog_delete_keys(c, id, err)))
        return rc;
    return pl_catalog_drop_if_empty(c, ep, err);
}

int pl_catalog_drop_if_empty(pl_catalog *c, int64_t ep, pl_err *err) {
    sqlite3_stmt *s;
    int row = 0, rc;
    if (!(s = pl_catalog_stmt(c, ST_COUNT_EPISODE, err))) return err->status;
    sqlite3_bind_int64(s, 1, ep);
    rc = step(c, s, &row, "counting an episode's synopses", err);
    int64_t left = row ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    if (rc || left > 0) return rc;
    if (!(s = pl_catalog_stmt(c, ST_DEL_EPISODE, err))) return err->status;
    sqlite3_bind_int64(s, 1, ep);
    rc = step(c, s, NULL, "deleting an empty episode", err);
    sqlite3_reset(s);
    return rc;
}
