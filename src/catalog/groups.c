/*
 * groups.c - what grouping stores: each synopsis's match keys (src/group),
 * one row per synopsis, and per key how many synopses have it and which
 * came first, so that candidates are a lookup by key; and moving a synopsis
 * between episodes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"
#include "util/buf.h"
#include "util/sort.h"
#include "util/u32map.h"

/* ---- a synopsis's keys: one row, keys as 32-bit little-endian words ---- */

int pl_catalog_put_keys(pl_catalog *c, int64_t id, const uint32_t *keys, size_t n,
                        pl_err *err) {
    pl_buf blob = PL_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        pl_buf_put_u32le(&blob, keys[i]);
    if (blob.oom) return pl_err_set(err, PL_ERR_NOMEM, "storing match keys: out of memory");
    sqlite3_stmt *s = pl_catalog_stmt(c, ST_PUT_KEYS, err);
    int rc = s ? PL_OK : err->status;
    if (!rc) {
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_blob(s, 2, blob.data ? (const void *)blob.data : "", (int)blob.len,
                          SQLITE_STATIC);
        rc = pl_catalog_step(c, s, NULL, "storing match keys", err);
        sqlite3_reset(s);
    }
    pl_buf_free(&blob);
    if (rc) return rc;
    /* The key table is written once per batch (flush_keys), not once per
     * synopsis: most of a batch's keys are shared by many of its synopses. */
    if (c->n_pend + n > c->cap_pend) {
        size_t cap = c->cap_pend ? c->cap_pend : 4096;
        while (cap < c->n_pend + n)
            cap *= 2;
        pl_key_posting *grown = realloc(c->pend, cap * sizeof *grown);
        if (!grown)
            return pl_err_set(err, PL_ERR_NOMEM, "storing match keys: out of memory");
        c->pend = grown;
        /* The sort's scratch grows with it and is kept: a batch sorts a
         * chunk's pending keys, megabytes, again and again. */
        pl_key_posting *room = realloc(c->sorted, cap * sizeof *room);
        if (!room)
            return pl_err_set(err, PL_ERR_NOMEM, "storing match keys: out of memory");
        c->sorted = room;
        c->cap_pend = cap;
    }
    for (size_t i = 0; i < n; i++)
        c->pend[c->n_pend++] = (pl_key_posting){keys[i], id};
    return c->n_pend >= PENDING_MAX ? pl_catalog_flush_keys(c, err) : PL_OK;
}

/* The row of one key: its document frequency and its first synopses. */
typedef struct key_row {
    int64_t df;
    int64_t first[PL_KEY_FIRST];
    size_t n_first;
} key_row;

/* Decodes a key's list of first synopses (ascending ids, each the varint of
 * its difference to the one before) in p[0..len): the first `max` ids into
 * ids, how many the list holds into *n. -1 when a varint is cut short or
 * an id repeats. */
static int decode_first(const unsigned char *p, size_t len, int64_t *ids, size_t max,
                        size_t *n) {
    uint64_t id = 0, delta;
    *n = 0;
    if (!p) return 0; /* SQLite gives an empty blob as NULL: p + 0 is undefined */
    const unsigned char *end = p + len;
    while (p < end) {
        if (pl_varint_get(&p, end, &delta) || delta == 0) return -1;
        id += delta;
        if (*n < max) ids[*n] = (int64_t)id;
        (*n)++;
    }
    return 0;
}

/* ---- the transaction's known key rows (catalog_internal.h) ---- */

/* A key's value in c->known: its count + 1, and above KNOWN_SHIFT how many
 * first synopses its row lists. At most KNOWN_MAX keys are held (the table
 * then takes 48 MiB; 200,000 real-corpus records have 180,000 keys); past
 * that it starts again empty. */
#define KNOWN_SHIFT 48
#define KNOWN_MAX (2u << 20)

void pl_catalog_forget_keys(pl_catalog *c) {
    pl_u32map_free(&c->known); /* not kept: a server's next write is small */
    c->writing = 0;
}

static void remember_row(pl_catalog *c, uint32_t key, int64_t df, size_t n_first) {
    if (!c->writing) return;
    if (c->known.used >= KNOWN_MAX) pl_u32map_clear(&c->known);
    uint64_t *v = pl_u32map_slot(&c->known, key);
    if (v) *v = ((uint64_t)n_first << KNOWN_SHIFT) | (uint64_t)(df > 0 ? df + 1 : 1);
}

/* Whether the transaction knows key's row: its count and list length. */
static int known_row(const pl_catalog *c, uint32_t key, int64_t *df, size_t *n_first) {
    uint64_t v = c->writing ? pl_u32map_get(&c->known, key) : 0;
    if (!v) return 0;
    *df = (int64_t)(v & ((1ull << KNOWN_SHIFT) - 1)) - 1;
    *n_first = (size_t)(v >> KNOWN_SHIFT);
    return 1;
}

static int read_key_row(pl_catalog *c, uint32_t key, key_row *r, int *found, pl_err *err) {
    sqlite3_stmt *s = pl_catalog_stmt(c, ST_GET_KEY, err);
    if (!s) return err->status;
    sqlite3_bind_int64(s, 1, key);
    int rc = pl_catalog_step(c, s, found, "reading a match key", err);
    r->df = 0;
    r->n_first = 0;
    if (!rc && *found) {
        r->df = sqlite3_column_int64(s, 0);
        const unsigned char *p = sqlite3_column_blob(s, 1);
        if (decode_first(p, (size_t)sqlite3_column_bytes(s, 1), r->first, PL_KEY_FIRST,
                         &r->n_first))
            rc = pl_err_set(err, PL_ERR_CORRUPT, "%s: match key %u: bad synopsis list",
                            c->path, (unsigned)key);
        if (r->n_first > PL_KEY_FIRST) r->n_first = PL_KEY_FIRST;
    }
    sqlite3_reset(s);
    if (!rc) remember_row(c, key, r->df, r->n_first);
    return rc;
}

/* Writes a key's row, or deletes it when no synopsis has the key. */
static int write_key_row(pl_catalog *c, uint32_t key, const key_row *r, pl_err *err) {
    sqlite3_stmt *s;
    int rc;
    if (r->df <= 0) {
        if (!(s = pl_catalog_stmt(c, ST_DEL_KEY, err))) return err->status;
        sqlite3_bind_int64(s, 1, key);
        rc = pl_catalog_step(c, s, NULL, "deleting a match key", err);
        sqlite3_reset(s);
        if (!rc) remember_row(c, key, 0, 0);
        return rc;
    }
    unsigned char blob[PL_KEY_FIRST * 10];
    size_t len = 0;
    int64_t prev = 0;
    for (size_t i = 0; i < r->n_first; i++) {
        len += pl_varint_put(blob + len, (uint64_t)(r->first[i] - prev));
        prev = r->first[i];
    }
    if (!(s = pl_catalog_stmt(c, ST_SET_KEY, err))) return err->status;
    sqlite3_bind_int64(s, 1, key);
    sqlite3_bind_int64(s, 2, r->df);
    sqlite3_bind_blob(s, 3, len ? (const void *)blob : "", (int)len, SQLITE_STATIC);
    rc = pl_catalog_step(c, s, NULL, "storing a match key", err);
    sqlite3_reset(s);
    if (!rc) remember_row(c, key, r->df, r->n_first);
    return rc;
}

/* A count raised on a key whose row lists PL_KEY_FIRST synopses already:
 * the list stays as it is, and is neither read nor written. */
static int count_key_up(pl_catalog *c, uint32_t key, int64_t df, pl_err *err) {
    sqlite3_stmt *s = pl_catalog_stmt(c, ST_SET_KEY_DF, err);
    if (!s) return err->status;
    sqlite3_bind_int64(s, 1, df);
    sqlite3_bind_int64(s, 2, key);
    int rc = pl_catalog_step(c, s, NULL, "storing a match key", err);
    sqlite3_reset(s);
    if (!rc) remember_row(c, key, df, PL_KEY_FIRST);
    return rc;
}

int pl_catalog_flush_keys_df(pl_catalog *c,
                             void (*fn)(void *ctx, uint32_t key, uint64_t df), void *ctx,
                             pl_err *err) {
    if (!c->n_pend) return PL_OK;
    pl_sort_by_u64_in(c->pend, c->n_pend, sizeof *c->pend, c->sorted);
    int rc = PL_OK;
    for (size_t i = 0; i < c->n_pend && !rc;) {
        uint32_t key = (uint32_t)c->pend[i].key;
        key_row r;
        int found;
        if (known_row(c, key, &r.df, &r.n_first) && r.n_first == PL_KEY_FIRST) {
            for (; i < c->n_pend && c->pend[i].key == key; i++)
                r.df++;
            rc = count_key_up(c, key, r.df, err);
            if (!rc && fn) fn(ctx, key, (uint64_t)r.df);
            continue;
        }
        if ((rc = read_key_row(c, key, &r, &found, err))) break;
        /* Ids are never reused and a batch adds the newest: they go after
         * the stored ones, and only while the list has room. */
        for (; i < c->n_pend && c->pend[i].key == key; i++) {
            r.df++;
            if (r.n_first < PL_KEY_FIRST) r.first[r.n_first++] = c->pend[i].id;
        }
        rc = write_key_row(c, key, &r, err);
        if (!rc && fn) fn(ctx, key, (uint64_t)r.df);
    }
    c->n_pend = 0;
    return rc;
}

int pl_catalog_flush_keys(pl_catalog *c, pl_err *err) {
    return pl_catalog_flush_keys_df(c, NULL, NULL, err);
}

void pl_catalog_drop_pending_keys(pl_catalog *c) {
    c->n_pend = 0;
}

int pl_catalog_key_df(pl_catalog *c, uint32_t key, uint64_t *df, pl_err *err) {
    key_row r;
    int found, rc = pl_catalog_flush_keys(c, err);
    if (!rc && !known_row(c, key, &r.df, &r.n_first))
        rc = read_key_row(c, key, &r, &found, err);
    *df = rc ? 0 : (uint64_t)r.df;
    return rc;
}

/* Forgets a deleted synopsis's keys. A key's list of first synopses loses
 * the id and is not refilled: candidates are a sample, and the next ids are
 * not stored anywhere. */
int pl_catalog_delete_keys(pl_catalog *c, int64_t id, pl_err *err) {
    uint32_t *keys;
    size_t n;
    int rc = pl_catalog_flush_keys(c, err);
    if (!rc) rc = pl_catalog_synopsis_keys(c, id, &keys, &n, err);
    if (rc) return rc;
    for (size_t i = 0; i < n && !rc; i++) {
        key_row r;
        int found;
        if ((rc = read_key_row(c, keys[i], &r, &found, err)) || !found) continue;
        r.df--;
        size_t k = 0;
        for (size_t j = 0; j < r.n_first; j++)
            if (r.first[j] != id) r.first[k++] = r.first[j];
        r.n_first = k;
        rc = write_key_row(c, keys[i], &r, err);
    }
    free(keys);
    sqlite3_stmt *s;
    if (rc || !(s = pl_catalog_stmt(c, ST_DEL_KEYS, err))) return rc ? rc : err->status;
    sqlite3_bind_int64(s, 1, id);
    rc = pl_catalog_step(c, s, NULL, "deleting a synopsis's match keys", err);
    sqlite3_reset(s);
    return rc;
}

/* ---- checking ---- */

int pl_catalog_check_keys(pl_catalog *c, pl_err *err) {
    pl_u32map kc = {0}; /* key -> synopses holding it */
    sqlite3_stmt *s = NULL;
    int rc = PL_OK, step;
    /* Every synopsis's keys: whole words, ascending, its synopsis stored. */
    if (sqlite3_prepare_v2(c->db,
                           "SELECT k.synopsis_id, k.keys, s.id FROM synopsis_keys k"
                           " LEFT JOIN synopses s ON s.id = k.synopsis_id",
                           -1, &s, NULL) != SQLITE_OK)
        return pl_catalog_fail(c, "checking match keys", err);
    while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(s, 0);
        const unsigned char *p = sqlite3_column_blob(s, 1);
        size_t len = (size_t)sqlite3_column_bytes(s, 1);
        if (sqlite3_column_type(s, 2) == SQLITE_NULL)
            rc = pl_err_set(err, PL_ERR_CORRUPT,
                            "%s: match keys of synopsis %lld, which is not stored", c->path,
                            id);
        else if (len % 4)
            rc = pl_err_set(err, PL_ERR_CORRUPT, "%s: synopsis %lld: bad match keys",
                            c->path, id);
        for (size_t i = 0; !rc && i < len / 4; i++) {
            uint32_t k = pl_get_u32le(p + 4 * i);
            if (i && k <= pl_get_u32le(p + 4 * (i - 1)))
                rc = pl_err_set(err, PL_ERR_CORRUPT,
                                "%s: synopsis %lld: match keys out of order", c->path, id);
            else {
                uint64_t *n = pl_u32map_slot(&kc, k);
                if (n)
                    (*n)++;
                else
                    rc =
                        pl_err_set(err, PL_ERR_NOMEM, "checking match keys: out of memory");
            }
        }
    }
    if (!rc && step != SQLITE_DONE) rc = pl_catalog_fail(c, "checking match keys", err);
    sqlite3_finalize(s);
    /* Every key's row: the count of synopses that have it, and a list of
     * first synopses that is ascending and no longer than it may be. */
    size_t rows = 0;
    if (!rc && sqlite3_prepare_v2(c->db, "SELECT key, df, first FROM key_index", -1, &s,
                                  NULL) != SQLITE_OK)
        rc = pl_catalog_fail(c, "checking match keys", err);
    else if (!rc) {
        while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
            uint32_t key = (uint32_t)sqlite3_column_int64(s, 0);
            uint64_t df = (uint64_t)sqlite3_column_int64(s, 1),
                     have = pl_u32map_get(&kc, key);
            const unsigned char *p = sqlite3_column_blob(s, 2);
            size_t n;
            int bad = decode_first(p, (size_t)sqlite3_column_bytes(s, 2), NULL, 0, &n);
            rows++;
            if (df != have)
                rc = pl_err_set(err, PL_ERR_CORRUPT,
                                "%s: match key %u: counted in %llu synopses, held by %llu",
                                c->path, (unsigned)key, (unsigned long long)df,
                                (unsigned long long)have);
            else if (bad || n > PL_KEY_FIRST || n > df)
                rc = pl_err_set(err, PL_ERR_CORRUPT, "%s: match key %u: bad synopsis list",
                                c->path, (unsigned)key);
        }
        if (!rc && step != SQLITE_DONE) rc = pl_catalog_fail(c, "checking match keys", err);
        sqlite3_finalize(s);
    }
    if (!rc && rows != kc.used)
        rc = pl_err_set(err, PL_ERR_CORRUPT,
                        "%s: %zu match keys are held by synopses, %zu have a row", c->path,
                        kc.used, rows);
    pl_u32map_free(&kc);
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

int pl_catalog_key_synopses(pl_catalog *c, uint32_t key, size_t max, int64_t **ids,
                            size_t *n, pl_err *err) {
    key_row r;
    int found, rc = pl_catalog_flush_keys(c, err);
    if (!rc) rc = read_key_row(c, key, &r, &found, err);
    *ids = NULL;
    *n = 0;
    if (rc) return rc;
    size_t k = r.n_first < max ? r.n_first : max;
    if (!(*ids = malloc((k ? k : 1) * sizeof **ids)))
        return pl_err_set(err, PL_ERR_NOMEM,
                          "finding synopses by match key: out of memory");
    memcpy(*ids, r.first, k * sizeof **ids);
    *n = k;
    return PL_OK;
}

int pl_catalog_synopsis_keys(pl_catalog *c, int64_t id, uint32_t **keys, size_t *n,
                             pl_err *err) {
    sqlite3_stmt *s = pl_catalog_stmt(c, ST_SYNOPSIS_KEYS, err);
    if (!s) return err->status;
    sqlite3_bind_int64(s, 1, id);
    int row = 0, rc = pl_catalog_step(c, s, &row, "reading match keys", err);
    *keys = NULL;
    *n = 0;
    if (!rc) {
        const unsigned char *p = row ? sqlite3_column_blob(s, 0) : NULL;
        size_t len = p ? (size_t)sqlite3_column_bytes(s, 0) : 0;
        if (len % 4)
            rc = pl_err_set(err, PL_ERR_CORRUPT, "%s: synopsis %lld: bad match keys",
                            c->path, (long long)id);
        else if (!(*keys = malloc(len ? len : 1)))
            rc = pl_err_set(err, PL_ERR_NOMEM, "reading match keys: out of memory");
        for (size_t i = 0; !rc && i < len / 4; i++)
            (*keys)[i] = pl_get_u32le(p + 4 * i);
        if (!rc) *n = len / 4;
    }
    sqlite3_reset(s);
    return rc;
}

int pl_catalog_episode_of(pl_catalog *c, int64_t id, int64_t *episode,
                          char lang[PL_LANG_MAX], pl_err *err) {
    return pl_catalog_get_hit(c, id, episode, lang, NULL, err);
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
    int64_t from = 0;
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
