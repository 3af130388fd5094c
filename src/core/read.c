/*
 * read.c - the public read calls: synopses, episodes, statistics, and the
 * integrity check and rebuild of the index.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"

int pl_get_synopsis(pl_db *db, int64_t id, pl_synopsis **out) {
    pl_err err = PL_ERR_INIT;
    int rc = pl_catalog_get_synopsis(db->cat, id, out, &err);
    return rc ? pl_db_fail(db, &err) : PL_OK;
}

int pl_get_episode(pl_db *db, int64_t id, pl_episode **out) {
    pl_err err = PL_ERR_INIT;
    int rc = pl_catalog_get_episode(db->cat, id, out, &err);
    return rc ? pl_db_fail(db, &err) : PL_OK;
}

void pl_stats_free(pl_stats *s) {
    if (!s) return;
    free(s->langs);
    free(s);
}

int pl_get_stats(pl_db *db, pl_stats **out) {
    pl_err err = PL_ERR_INIT;
    *out = NULL;
    pl_stats *st = calloc(1, sizeof *st);
    if (!st) {
        pl_err_set(&err, PL_ERR_NOMEM, "out of memory");
        return pl_db_fail(db, &err);
    }
    int rc = pl_catalog_stats(db->cat, st, &err);
    if (rc) {
        pl_stats_free(st);
        return pl_db_fail(db, &err);
    }
    pl_index_stats is;
    pl_index_get_stats(db->ix, &is);
    st->index_bytes = is.bytes;
    st->index_segments = is.segments;
    st->index_docs = is.docs;
    *out = st;
    return PL_OK;
}

/* Walks the catalog's ids and the index's in step (both ascending). */
typedef struct cmp_ctx {
    int64_t *ids;
    size_t n, cap;
} cmp_ctx;

static int collect_id(void *vctx, int64_t id) {
    cmp_ctx *c = vctx;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 1024;
        int64_t *grown = realloc(c->ids, cap * sizeof *grown);
        if (!grown) return PL_ERR_NOMEM;
        c->ids = grown;
        c->cap = cap;
    }
    c->ids[c->n++] = id;
    return 0;
}

typedef struct walk_ctx {
    cmp_ctx *cat;
    size_t i;
    pl_err *err;
} walk_ctx;

static int check_index_id(void *vctx, int64_t id) {
    walk_ctx *w = vctx;
    if (w->i < w->cat->n && w->cat->ids[w->i] == id) {
        w->i++;
        return 0;
    }
    if (w->i < w->cat->n && w->cat->ids[w->i] < id)
        return pl_err_set(w->err, PL_ERR_CORRUPT,
                          "integrity: synopsis %lld is in the catalog but not in the index",
                          (long long)w->cat->ids[w->i]);
    return pl_err_set(w->err, PL_ERR_CORRUPT,
                      "integrity: document %lld is in the index but not in the catalog",
                      (long long)id);
}

int pl_integrity_check(pl_db *db) {
    pl_err err = PL_ERR_INIT;
    uint64_t seq;
    int rc;
    /* The index as published, not this handle's view of it, which another
     * handle's writes may have left behind (that is no damage). */
    if ((rc = pl_index_refresh(db->ix, &err)) || (rc = pl_index_verify(db->ix, &err)) ||
        (rc = pl_catalog_check_keys(db->cat, &err)) ||
        (rc = pl_catalog_check_langs(db->cat, &err)) ||
        (rc = pl_catalog_last_seq(db->cat, &seq, &err)))
        return pl_db_fail(db, &err);
    if (pl_index_seq(db->ix) != seq) {
        pl_err_set(&err, PL_ERR_CORRUPT, "integrity: the index holds change %llu of %llu",
                   (unsigned long long)pl_index_seq(db->ix), (unsigned long long)seq);
        return pl_db_fail(db, &err);
    }
    cmp_ctx ids = {0};
    rc = pl_catalog_each_id(db->cat, collect_id, &ids, &err);
    if (rc == PL_ERR_NOMEM) pl_err_set(&err, rc, "integrity: out of memory");
    if (!rc) {
        walk_ctx w = {&ids, 0, &err};
        rc = pl_index_each_doc(db->ix, check_index_id, &w);
        if (!rc && w.i < ids.n)
            rc = pl_err_set(
                &err, PL_ERR_CORRUPT,
                "integrity: synopsis %lld is in the catalog but not in the index",
                (long long)ids.ids[w.i]);
    }
    free(ids.ids);
    return rc ? pl_db_fail(db, &err) : PL_OK;
}

int pl_optimize(pl_db *db, pl_progress_fn progress, void *ctx) {
    pl_err err = PL_ERR_INIT;
    if (db->flags & PL_OPEN_READONLY) {
        pl_err_set(&err, PL_ERR_USAGE, "%s: opened read-only", db->path);
        return pl_db_fail(db, &err);
    }
    if (!db->ix) {
        pl_err_set(&err, PL_ERR_USAGE, "%s: the index is not open (a reindex failed)",
                   db->path);
        return pl_db_fail(db, &err);
    }
    int rc = pl_index_optimize(db->ix, progress, ctx, &err);
    return rc ? pl_db_fail(db, &err) : PL_OK;
}

int pl_reindex(pl_db *db, pl_progress_fn progress, void *ctx) {
    pl_err err = PL_ERR_INIT;
    if (db->flags & PL_OPEN_READONLY) {
        pl_err_set(&err, PL_ERR_USAGE, "%s: opened read-only", db->path);
        return pl_db_fail(db, &err);
    }
    /* Removing the manifest first means a crash half-way leaves an empty index,
     * which the next open rebuilds from the change log. */
    pl_index_close(db->ix);
    db->ix = NULL;
    int rc = pl_index_destroy(db->index_path, &err);
    if (!rc) rc = pl_index_open(db->index_path, 0, &db->ix, &err);
    if (!rc) rc = pl_db_sync_index(db, progress, ctx, &err);
    if (rc && !db->ix) {
        /* Not destroyed (another writer holds the folder): the handle goes
         * on with the index as it is, which every other call expects open. */
        pl_err again = PL_ERR_INIT;
        if (pl_index_open(db->index_path, 0, &db->ix, &again) != PL_OK) db->ix = NULL;
    }
    return rc ? pl_db_fail(db, &err) : PL_OK;
}
