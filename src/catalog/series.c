/*
 * series.c - reading series: the list with counts, and one series with its
 * episodes and their languages.
 *
 * Languages are gathered here rather than with SQL's group_concat so that
 * placeholder synopses ("Folge 4") can be left out by the same rule readers
 * use (pl_is_placeholder), and so that their order (oldest synopsis first)
 * does not depend on SQLite's aggregate order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"

void pl_series_list_free(pl_series_list *l) {
    if (!l) return;
    for (size_t i = 0; i < l->n; i++)
        free(l->series[i].name);
    free(l->series);
    free(l);
}

int pl_catalog_list_series(pl_catalog *c, pl_series_list **out, pl_err *err) {
    *out = NULL;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT s.id, s.name,"
                           " (SELECT count(DISTINCT coalesce(e.season, 0)) FROM episodes e"
                           "  WHERE e.series_id = s.id),"
                           " (SELECT count(*) FROM episodes e WHERE e.series_id = s.id),"
                           " (SELECT count(*) FROM synopses y JOIN episodes e"
                           "  ON e.id = y.episode_id WHERE e.series_id = s.id)"
                           " FROM series s ORDER BY s.name, s.id",
                           -1, &s, NULL) != SQLITE_OK)
        return pl_catalog_fail(c, "listing series", err);
    pl_series_list *l = calloc(1, sizeof *l);
    size_t cap = 0;
    int rc = SQLITE_NOMEM;
    while (l && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (l->n == cap) {
            cap = cap ? cap * 2 : 16;
            pl_series_summary *grown = realloc(l->series, cap * sizeof *grown);
            if (!grown) {
                rc = SQLITE_NOMEM;
                break;
            }
            l->series = grown;
        }
        pl_series_summary *ss = &l->series[l->n];
        ss->id = sqlite3_column_int64(s, 0);
        ss->name = pl_catalog_col_strdup(s, 1);
        ss->seasons = (uint64_t)sqlite3_column_int64(s, 2);
        ss->episodes = (uint64_t)sqlite3_column_int64(s, 3);
        ss->synopses = (uint64_t)sqlite3_column_int64(s, 4);
        if (!ss->name) {
            rc = SQLITE_NOMEM;
            break;
        }
        l->n++;
    }
    sqlite3_finalize(s);
    if (rc == SQLITE_DONE) {
        *out = l;
        return PL_OK;
    }
    pl_series_list_free(l);
    if (rc == SQLITE_NOMEM)
        return pl_err_set(err, PL_ERR_NOMEM, "listing series: out of memory");
    return pl_catalog_fail(c, "listing series", err);
}

void pl_series_free(pl_series *s) {
    if (!s) return;
    for (size_t i = 0; i < s->n_episodes; i++) {
        free(s->episodes[i].title);
        free(s->episodes[i].langs);
    }
    free(s->episodes);
    free(s->name);
    free(s);
}

/* Appends `lang` to the comma-separated list *langs unless it is there. */
static int add_lang(char **langs, const char *lang) {
    size_t have = strlen(*langs), n = strlen(lang);
    for (const char *p = *langs; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && memcmp(p, lang, n) == 0) return PL_OK;
        p += len + (comma != NULL);
    }
    char *grown = realloc(*langs, have + n + 2);
    if (!grown) return PL_ERR_NOMEM;
    if (have) grown[have++] = ',';
    memcpy(grown + have, lang, n + 1);
    *langs = grown;
    return PL_OK;
}

int pl_catalog_get_series(pl_catalog *c, int64_t id, pl_series **out, pl_err *err) {
    *out = NULL;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(c->db, "SELECT id, name FROM series WHERE id = ?", -1, &s,
                           NULL) != SQLITE_OK)
        return pl_catalog_fail(c, "reading a series", err);
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(s);
        if (rc == SQLITE_DONE)
            return pl_err_set(err, PL_ERR_NOTFOUND, "no series has id %lld", (long long)id);
        return pl_catalog_fail(c, "reading a series", err);
    }
    pl_series *se = calloc(1, sizeof *se);
    if (se) {
        se->id = sqlite3_column_int64(s, 0);
        se->name = pl_catalog_col_strdup(s, 1);
    }
    sqlite3_finalize(s);
    if (!se || !se->name) goto oom;
    /* One row per synopsis, episodes in reading order; only short texts are
     * fetched whole, since only they can be placeholders. */
    if (sqlite3_prepare_v2(
            c->db,
            "SELECT e.id, e.season, e.number, e.title, y.lang,"
            " CASE WHEN length(CAST(y.text AS BLOB)) <= 2048 THEN y.text"
            " ELSE NULL END, y.id IS NOT NULL"
            " FROM episodes e LEFT JOIN synopses y ON y.episode_id = e.id"
            " WHERE e.series_id = ?"
            " ORDER BY coalesce(e.season, 0), coalesce(e.number, 0), e.id, y.id",
            -1, &s, NULL) != SQLITE_OK) {
        pl_series_free(se);
        return pl_catalog_fail(c, "reading a series' episodes", err);
    }
    sqlite3_bind_int64(s, 1, id);
    size_t cap = 0;
    int nomem = 0;
    while (!nomem && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t eid = sqlite3_column_int64(s, 0);
        pl_episode_info *ep = se->n_episodes ? &se->episodes[se->n_episodes - 1] : NULL;
        if (!ep || ep->id != eid) {
            if (se->n_episodes == cap) {
                cap = cap ? cap * 2 : 32;
                pl_episode_info *grown = realloc(se->episodes, cap * sizeof *grown);
                if (!grown) {
                    nomem = 1;
                    break;
                }
                se->episodes = grown;
            }
            ep = &se->episodes[se->n_episodes++];
            memset(ep, 0, sizeof *ep);
            ep->id = eid;
            ep->season = sqlite3_column_int(s, 1);
            ep->number = sqlite3_column_int(s, 2);
            ep->title = pl_catalog_col_strdup(s, 3);
            ep->langs = strdup("");
            if (!ep->title || !ep->langs) {
                nomem = 1;
                break;
            }
        }
        if (!sqlite3_column_int(s, 6)) continue; /* an episode with no synopsis */
        ep->synopses++;
        const char *text = (const char *)sqlite3_column_text(s, 5);
        size_t len = (size_t)sqlite3_column_bytes(s, 5);
        if (text && pl_is_placeholder(text, len, ep->title)) continue;
        const char *lang = (const char *)sqlite3_column_text(s, 4);
        if (add_lang(&ep->langs, lang ? lang : "und")) nomem = 1;
    }
    sqlite3_finalize(s);
    if (nomem) goto oom;
    if (rc != SQLITE_DONE) {
        pl_series_free(se);
        return pl_catalog_fail(c, "reading a series' episodes", err);
    }
    *out = se;
    return PL_OK;
oom:
    pl_series_free(se);
    return pl_err_set(err, PL_ERR_NOMEM, "reading series %lld: out of memory",
                      (long long)id);
}
