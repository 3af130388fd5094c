/*
 * groups.c - what grouping stores: each synopsis's match keys (src/group),
 * found by key for candidates and by synopsis for comparison; and moving a
 * synopsis between episodes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"

int pl_catalog_put_keys(pl_catalog *c, int64_t id, const uint32_t *keys, size_t n,
                        pl_err *err) {
    sqlite3_stmt *s = pl_catalog_stmt(c, ST_PUT_KEY, err);
    if (!s) return err->status;
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_int64(s, 1, keys[i]);
        sqlite3_bind_int64(s, 2, id);
        int rc = pl_catalog_step(c, s, NULL, "storing match keys", err);
        sqlite3_reset(s);
        if (rc) return rc;
    }
    return PL_OK;
}

int pl_catalog_key_df(pl_catalog *c, uint32_t key, uint64_t *df, pl_err *err) {
    sqlite3_stmt *s = pl_catalog_stmt(c, ST_KEY_DF, err);
    if (!s) return err->status;
    sqlite3_bind_int64(s, 1, key);
    int row = 0, rc = pl_catalog_step(c, s, &row, "counting a match key", err);
    *df = !rc && row ? (uint64_t)sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return rc;
}

int pl_catalog_count_synopses(pl_catalog *c, uint64_t *n, pl_err *err) {
    sqlite3_stmt *s = pl_catalog_stmt(c, ST_COUNT_ALL, err);
    if (!s) return err->status;
    int row = 0, rc = pl_catalog_step(c, s, &row, "counting synopses", err);
    *n = !rc && row ? (uint64_t)sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return rc;
}

/* Collects the rows of a statement's first column into a growing array. */
static int collect(pl_catalog *c, sqlite3_stmt *s, const char *what, int64_t **out,
                   size_t *n, pl_err *err) {
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    for (;;) {
        int rc = sqlite3_step(s);
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) {
            sqlite3_reset(s);
            free(*out);
            *out = NULL;
            *n = 0;
            return pl_catalog_fail(c, what, err);
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            int64_t *grown = realloc(*out, cap * sizeof *grown);
            if (!grown) {
                sqlite3_reset(s);
                free(*out);
                *out = NULL;
                *n = 0;
                return pl_err_set(err, PL_ERR_NOMEM, "%s: out of memory", what);
            }
            *out = grown;
        }
        (*out)[(*n)++] = sqlite3_column_int64(s, 0);
    }
    sqlite3_reset(s);
    return PL_OK;
}

int pl_catalog_key_synopses(pl_catalog *c, uint32_t key, size_t max, int64_t **ids,
                            size_t *n, pl_err *err) {
    sqlite3_stmt *s = pl_catalog_stmt(c, ST_KEY_SYNOPSES, err);
    if (!s) return err->status;
    sqlite3_bind_int64(s, 1, key);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
    return collect(c, s, "finding synopses by match key", ids, n, err);
}

int pl_catalog_synopsis_keys(pl_catalog *c, int64_t id, uint32_t **keys, size_t *n,
                             pl_err *err) {
    sqlite3_stmt *s = pl_catalog_stmt(c, ST_SYNOPSIS_KEYS, err);
    if (!s) return err->status;
    sqlite3_bind_int64(s, 1, id);
    int64_t *rows;
    int rc = collect(c, s, "reading match keys", &rows, n, err);
    if (rc) return rc;
    /* Keys are 32-bit: narrow in place (the array only shrinks). */
    *keys = (uint32_t *)rows;
    for (size_t i = 0; i < *n; i++)
        (*keys)[i] = (uint32_t)rows[i];
    if (!*keys) *keys = malloc(sizeof **keys);
    return *keys ? PL_OK
                 : pl_err_set(err, PL_ERR_NOMEM, "reading match keys: out of memory");
}

int pl_catalog_episode_of(pl_catalog *c, int64_t id, int64_t *episode,
                          char lang[PL_LANG_MAX], pl_err *err) {
    sqlite3_stmt *s = pl_catalog_stmt(c, ST_EPISODE_OF, err);
    if (!s) return err->status;
    sqlite3_bind_int64(s, 1, id);
    int row = 0, rc = pl_catalog_step(c, s, &row, "finding a synopsis's episode", err);
    if (!rc && !row)
        rc = pl_err_set(err, PL_ERR_NOTFOUND, "no synopsis has id %lld", (long long)id);
    if (!rc) {
        *episode = sqlite3_column_int64(s, 0);
        const unsigned char *l = sqlite3_column_text(s, 1);
        snprintf(lang, PL_LANG_MAX, "%s", l ? (const char *)l : "");
    }
    sqlite3_reset(s);
    return rc;
}

int pl_catalog_episode_has_lang(pl_catalog *c, int64_t episode, const char *lang, int *has,
                                pl_err *err) {
    sqlite3_stmt *s = pl_catalog_stmt(c, ST_EPISODE_LANGS, err);
    if (!s) return err->status;
    sqlite3_bind_int64(s, 1, episode);
    sqlite3_bind_text(s, 2, lang, -1, SQLITE_STATIC);
    int rc = pl_catalog_step(c, s, has, "reading an episode's languages", err);
    sqlite3_reset(s);
    return rc;
}

int pl_catalog_move(pl_catalog *c, int64_t id, int64_t episode, pl_err *err) {
    int64_t from;
    char lang[PL_LANG_MAX];
    int rc = pl_catalog_episode_of(c, id, &from, lang, err);
    if (rc || from == episode) return rc;
    sqlite3_stmt *s = pl_catalog_stmt(c, ST_MOVE_SYNOPSIS, err);
    if (!s) return err->status;
    sqlite3_bind_int64(s, 1, episode);
    sqlite3_bind_int64(s, 2, id);
    rc = pl_catalog_step(c, s, NULL, "moving a synopsis", err);
    sqlite3_reset(s);
    return rc ? rc : pl_catalog_drop_if_empty(c, from, err);
}

int pl_catalog_add_episode(pl_catalog *c, int64_t *episode, pl_err *err) {
    sqlite3_stmt *s = pl_catalog_stmt(c, ST_ADD_EPISODE, err);
    if (!s) return err->status;
    for (int i = 1; i <= 4; i++)
        sqlite3_bind_null(s, i);
    int rc = pl_catalog_step(c, s, NULL, "adding an episode", err);
    sqlite3_reset(s);
    if (!rc) *episode = sqlite3_last_insert_rowid(c->db);
    return rc;
}
