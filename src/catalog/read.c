/*
 * read.c - reading the catalog: synopses, episodes, statistics and the change
 * log that the index replays.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catalog_internal.h"
#include "util/buf.h"

static int prepare(pl_catalog *c, const char *sql, sqlite3_stmt **s, pl_err *err) {
    if (sqlite3_prepare_v2(c->db, sql, -1, s, NULL) != SQLITE_OK)
        return pl_catalog_fail(c, "reading the catalog", err);
    return PL_OK;
}

static int one_int(pl_catalog *c, const char *sql, uint64_t *v, pl_err *err) {
    sqlite3_stmt *s;
    int rc = prepare(c, sql, &s, err);
    if (rc) return rc;
    rc = sqlite3_step(s);
    *v = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return pl_catalog_fail(c, "reading the catalog", err);
    return PL_OK;
}

int pl_catalog_last_seq(pl_catalog *c, uint64_t *seq, pl_err *err) {
    return one_int(c, "SELECT coalesce(max(seq), 0) FROM changes", seq, err);
}

int pl_catalog_changes(pl_catalog *c, uint64_t after,
                       int (*fn)(void *ctx, const pl_change *ch), void *ctx, pl_err *err) {
    sqlite3_stmt *s;
    int rc = prepare(c,
                     "SELECT c.seq, c.op, c.synopsis_id, s.lang, s.text FROM changes c"
                     " LEFT JOIN synopses s ON s.id = c.synopsis_id AND c.op = 1"
                     " WHERE c.seq > ? ORDER BY c.seq",
                     &s, err);
    if (rc) return rc;
    sqlite3_bind_int64(s, 1, (sqlite3_int64)after);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        pl_change ch = {
            .seq = (uint64_t)sqlite3_column_int64(s, 0),
            .op = sqlite3_column_int(s, 1),
            .synopsis_id = sqlite3_column_int64(s, 2),
            .lang = (const char *)sqlite3_column_text(s, 3),
            .text = (const char *)sqlite3_column_text(s, 4),
        };
        ch.text_len = (size_t)sqlite3_column_bytes(s, 4);
        int stop = fn(ctx, &ch);
        if (stop) {
            sqlite3_finalize(s);
            return stop;
        }
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? PL_OK : pl_catalog_fail(c, "reading the change log", err);
}

static int fill_synopsis(sqlite3_stmt *s, pl_synopsis *out) {
    out->id = sqlite3_column_int64(s, 0);
    out->episode_id = sqlite3_column_int64(s, 1);
    const unsigned char *lang = sqlite3_column_text(s, 2);
    snprintf(out->lang, sizeof out->lang, "%s", lang ? (const char *)lang : "und");
    out->lang_confidence = sqlite3_column_double(s, 3);
    out->lang_given = sqlite3_column_int(s, 4);
    out->text = pl_catalog_col_strdup(s, 5);
    out->source = pl_catalog_col_strdup(s, 6);
    return out->text && out->source ? PL_OK : PL_ERR_NOMEM;
}

static void clear_synopsis(pl_synopsis *s) {
    free(s->text);
    free(s->source);
}

void pl_synopsis_free(pl_synopsis *s) {
    if (!s) return;
    clear_synopsis(s);
    free(s);
}

int pl_catalog_get_synopsis(pl_catalog *c, int64_t id, pl_synopsis **out, pl_err *err) {
    *out = NULL;
    sqlite3_stmt *s = pl_catalog_stmt(c, ST_GET_SYNOPSIS, err);
    if (!s) return err->status;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(s);
        return pl_err_set(err, PL_ERR_NOTFOUND, "no synopsis has id %lld", (long long)id);
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(s);
        return pl_catalog_fail(c, "reading a synopsis", err);
    }
    pl_synopsis *syn = calloc(1, sizeof *syn);
    rc = syn ? fill_synopsis(s, syn) : PL_ERR_NOMEM;
    sqlite3_reset(s);
    if (rc) {
        pl_synopsis_free(syn);
        return pl_err_set(err, PL_ERR_NOMEM, "reading synopsis %lld: out of memory",
                          (long long)id);
    }
    *out = syn;
    return PL_OK;
}

int pl_catalog_get_hit(pl_catalog *c, int64_t id, int64_t *episode, char lang[PL_LANG_MAX],
                       char **source, pl_err *err) {
    if (source) *source = NULL;
    sqlite3_stmt *s = pl_catalog_stmt(c, ST_GET_HIT, err);
    if (!s) return err->status;
    sqlite3_bind_int64(s, 1, id);
    int row = 0, rc = pl_catalog_step(c, s, &row, "reading a synopsis", err);
    if (!rc && !row)
        rc = pl_err_set(err, PL_ERR_NOTFOUND, "no synopsis has id %lld", (long long)id);
    if (!rc) {
        *episode = sqlite3_column_int64(s, 0);
        const unsigned char *l = sqlite3_column_text(s, 1);
        pl_str_copy(lang, PL_LANG_MAX, l ? (const char *)l : "");
        if (source && !(*source = pl_catalog_col_strdup(s, 2)))
            rc = pl_err_set(err, PL_ERR_NOMEM, "reading synopsis %lld: out of memory",
                            (long long)id);
    }
    sqlite3_reset(s);
    return rc;
}

int pl_catalog_read_begin(pl_catalog *c, int *began, pl_err *err) {
    *began = 0;
    if (!sqlite3_get_autocommit(c->db)) return PL_OK;
    sqlite3_stmt *s = pl_catalog_stmt(c, ST_READ_BEGIN, err);
    if (!s) return err->status;
    int rc = pl_catalog_step(c, s, NULL, "starting a read", err);
    sqlite3_reset(s);
    *began = rc == PL_OK;
    return rc;
}

void pl_catalog_read_end(pl_catalog *c, int began) {
    if (!began) return;
    /* Ending a read changes nothing stored: a failure is no reader's. */
    sqlite3_stmt *s = pl_catalog_stmt(c, ST_READ_END, NULL);
    int rc = s ? sqlite3_step(s) : SQLITE_ERROR;
    if (s) sqlite3_reset(s);
    if (rc != SQLITE_DONE) sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

void pl_episode_free(pl_episode *e) {
    if (!e) return;
    for (size_t i = 0; i < e->n_synopses; i++)
        clear_synopsis(&e->synopses[i]);
    free(e->synopses);
    free(e->series);
    free(e->title);
    free(e);
}

int pl_catalog_get_episode(pl_catalog *c, int64_t id, pl_episode **out, pl_err *err) {
    *out = NULL;
    sqlite3_stmt *s;
    int rc = prepare(c,
                     "SELECT e.id, s.name, e.season, e.number, e.title FROM episodes e"
                     " LEFT JOIN series s ON s.id = e.series_id WHERE e.id = ?",
                     &s, err);
    if (rc) return rc;
    sqlite3_bind_int64(s, 1, id);
    rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(s);
        if (rc == SQLITE_DONE)
            return pl_err_set(err, PL_ERR_NOTFOUND, "no episode has id %lld",
                              (long long)id);
        return pl_catalog_fail(c, "reading an episode", err);
    }
    pl_episode *e = calloc(1, sizeof *e);
    if (e) {
        e->id = sqlite3_column_int64(s, 0);
        e->series = pl_catalog_col_strdup(s, 1);
        e->season = sqlite3_column_int(s, 2);
        e->number = sqlite3_column_int(s, 3);
        e->title = pl_catalog_col_strdup(s, 4);
    }
    sqlite3_finalize(s);
    if (!e || !e->series || !e->title) goto oom;
    if ((rc = prepare(c,
                      "SELECT id, episode_id, lang, lang_conf, lang_given, text, source"
                      " FROM synopses WHERE episode_id = ? ORDER BY id",
                      &s, err))) {
        pl_episode_free(e);
        return rc;
    }
    sqlite3_bind_int64(s, 1, id);
    size_t cap = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (e->n_synopses == cap) {
            cap = cap ? cap * 2 : 8;
            pl_synopsis *grown = realloc(e->synopses, cap * sizeof *grown);
            if (!grown) break;
            e->synopses = grown;
        }
        pl_synopsis *syn = &e->synopses[e->n_synopses];
        memset(syn, 0, sizeof *syn);
        e->n_synopses++;
        if (fill_synopsis(s, syn)) break;
    }
    sqlite3_finalize(s);
    if (rc == SQLITE_ROW) goto oom;
    if (rc != SQLITE_DONE) {
        pl_episode_free(e);
        return pl_catalog_fail(c, "reading an episode's synopses", err);
    }
    *out = e;
    return PL_OK;
oom:
    pl_episode_free(e);
    return pl_err_set(err, PL_ERR_NOMEM, "reading episode %lld: out of memory",
                      (long long)id);
}

int pl_catalog_langs(pl_catalog *c, pl_lang_count **langs, size_t *n, pl_err *err) {
    *langs = NULL;
    *n = 0;
    sqlite3_stmt *s;
    int rc = prepare(c, "SELECT lang, n FROM lang_counts WHERE n > 0 ORDER BY n DESC, lang",
                     &s, err);
    if (rc) return rc;
    size_t cap = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            pl_lang_count *grown = realloc(*langs, cap * sizeof *grown);
            if (!grown) {
                sqlite3_finalize(s);
                free(*langs);
                *langs = NULL;
                *n = 0;
                return pl_err_set(err, PL_ERR_NOMEM, "listing languages: out of memory");
            }
            *langs = grown;
        }
        const unsigned char *l = sqlite3_column_text(s, 0);
        snprintf((*langs)[*n].lang, PL_LANG_MAX, "%s", l ? (const char *)l : "und");
        (*langs)[*n].synopses = (uint64_t)sqlite3_column_int64(s, 1);
        (*n)++;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? PL_OK : pl_catalog_fail(c, "listing languages", err);
}

int pl_catalog_check_langs(pl_catalog *c, pl_err *err) {
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(
            c->db,
            "SELECT g.lang, g.k, l.n FROM"
            " (SELECT lang, count(*) AS k FROM synopses GROUP BY lang) g"
            " LEFT JOIN lang_counts l USING (lang) WHERE l.n IS NOT g.k"
            " UNION ALL SELECT lang, 0, n FROM lang_counts l WHERE n != 0"
            " AND NOT EXISTS (SELECT 1 FROM synopses s WHERE s.lang = l.lang)"
            " LIMIT 1",
            -1, &s, NULL) != SQLITE_OK)
        return pl_catalog_fail(c, "checking the counts per language", err);
    int step = sqlite3_step(s), rc = PL_OK;
    if (step == SQLITE_ROW) {
        const unsigned char *lang = sqlite3_column_text(s, 0);
        rc = pl_err_set(
            err, PL_ERR_CORRUPT, "%s: %lld synopses in \"%s\", but %lld counted for it",
            c->path, (long long)sqlite3_column_int64(s, 1), lang ? (const char *)lang : "",
            (long long)sqlite3_column_int64(s, 2));
    } else if (step != SQLITE_DONE) {
        rc = pl_catalog_fail(c, "checking the counts per language", err);
    }
    sqlite3_finalize(s);
    return rc;
}

static uint64_t file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

int pl_catalog_stats(pl_catalog *c, pl_stats *st, pl_err *err) {
    int rc;
    if ((rc = one_int(c, "SELECT count(*) FROM series", &st->series, err)) ||
        (rc = one_int(c, "SELECT count(*) FROM episodes", &st->episodes, err)) ||
        (rc = one_int(c, "SELECT count(*) FROM synopses", &st->synopses, err)) ||
        (rc =
             one_int(c, "SELECT coalesce(sum(length(CAST(text AS BLOB))), 0) FROM synopses",
                     &st->text_bytes, err)))
        return rc;
    size_t n = strlen(c->path);
    char *wal = malloc(n + 5);
    st->catalog_bytes = file_size(c->path);
    if (wal) {
        memcpy(wal, c->path, n);
        memcpy(wal + n, "-wal", 5);
        st->catalog_bytes += file_size(wal);
        free(wal);
    }
    return pl_catalog_langs(c, &st->langs, &st->n_langs, err);
}

int pl_catalog_each_id(pl_catalog *c, int (*fn)(void *ctx, int64_t id), void *ctx,
                       pl_err *err) {
    sqlite3_stmt *s;
    int rc = prepare(c, "SELECT id FROM synopses ORDER BY id", &s, err);
    if (rc) return rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int stop = fn(ctx, sqlite3_column_int64(s, 0));
        if (stop) {
            sqlite3_finalize(s);
            return stop;
        }
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? PL_OK : pl_catalog_fail(c, "listing synopses", err);
}
