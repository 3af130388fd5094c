/*
 * schema.c - opening the catalog: durability settings, the schema and its
 * migrations.
 *
 * The schema version lives in SQLite's user_version. Each migration step
 * takes the file from version N-1 to N inside one transaction, so a crash in
 * the middle of an upgrade leaves the old version intact.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"

/* Version 1: the first schema. AUTOINCREMENT keeps synopsis ids and change
 * sequences from ever being reused, which the index relies on (its documents
 * are kept in ascending id order across segments). */
static const char SCHEMA_V1[] = "CREATE TABLE series("
                                "  id INTEGER PRIMARY KEY,"
                                "  name TEXT NOT NULL UNIQUE);"
                                "CREATE TABLE episodes("
                                "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
                                "  series_id INTEGER REFERENCES series(id),"
                                "  season INTEGER,"
                                "  number INTEGER,"
                                "  title TEXT,"
                                "  UNIQUE(series_id, season, number));"
                                "CREATE TABLE synopses("
                                "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
                                "  episode_id INTEGER NOT NULL REFERENCES episodes(id),"
                                "  lang TEXT NOT NULL,"
                                "  lang_conf REAL NOT NULL,"
                                "  lang_given INTEGER NOT NULL,"
                                "  text TEXT NOT NULL,"
                                "  source TEXT,"
                                "  hash BLOB NOT NULL UNIQUE,"
                                "  added INTEGER NOT NULL DEFAULT (unixepoch()));"
                                "CREATE INDEX synopses_episode ON synopses(episode_id);"
                                "CREATE INDEX synopses_lang ON synopses(lang);"
                                "CREATE TABLE changes("
                                "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                                "  op INTEGER NOT NULL,"
                                "  synopsis_id INTEGER NOT NULL);";

/* Version 2: match keys for grouping translations (src/group). The key is
 * the primary key's first column, so finding the synopses that share a key
 * is a lookup, not a scan. */
static const char SCHEMA_V2[] =
    "CREATE TABLE group_keys("
    "  key INTEGER NOT NULL,"
    "  synopsis_id INTEGER NOT NULL,"
    "  PRIMARY KEY(key, synopsis_id)) WITHOUT ROWID;"
    "CREATE INDEX group_keys_synopsis ON group_keys(synopsis_id);";

/* Version 3: the keys of a synopsis in one row, and per key its count and
 * its first synopses (groups.c). A row per (key, synopsis) cost grouping
 * most of an import's time: every insert landed elsewhere in the B-tree,
 * and counting a common key read all its rows. */
static const char SCHEMA_V3[] = "CREATE TABLE synopsis_keys("
                                "  synopsis_id INTEGER PRIMARY KEY,"
                                "  keys BLOB NOT NULL);"
                                "CREATE TABLE key_index("
                                "  key INTEGER PRIMARY KEY,"
                                "  df INTEGER NOT NULL,"
                                "  first BLOB NOT NULL);";

/* Version 4: synopses per language, kept by triggers in the statement that
 * changes them. A search reads them to choose the languages a query is read
 * in; counting them took a scan of every synopsis (200 ms at a million),
 * once per process: every search from the command line. */
static const char SCHEMA_V4[] =
    "CREATE TABLE lang_counts("
    "  lang TEXT PRIMARY KEY,"
    "  n INTEGER NOT NULL) WITHOUT ROWID;"
    "INSERT INTO lang_counts SELECT lang, count(*) FROM synopses GROUP BY lang;"
    "CREATE TRIGGER lang_counts_add AFTER INSERT ON synopses BEGIN"
    "  INSERT INTO lang_counts(lang, n) VALUES (new.lang, 1)"
    "    ON CONFLICT(lang) DO UPDATE SET n = n + 1;"
    "END;"
    "CREATE TRIGGER lang_counts_drop AFTER DELETE ON synopses BEGIN"
    "  UPDATE lang_counts SET n = n - 1 WHERE lang = old.lang;"
    "  DELETE FROM lang_counts WHERE lang = old.lang AND n <= 0;"
    "END;"
    "CREATE TRIGGER lang_counts_move AFTER UPDATE OF lang ON synopses"
    "  WHEN new.lang IS NOT old.lang BEGIN"
    "  UPDATE lang_counts SET n = n - 1 WHERE lang = old.lang;"
    "  DELETE FROM lang_counts WHERE lang = old.lang AND n <= 0;"
    "  INSERT INTO lang_counts(lang, n) VALUES (new.lang, 1)"
    "    ON CONFLICT(lang) DO UPDATE SET n = n + 1;"
    "END;";

static int keys_from_v2(pl_catalog *c, pl_err *err);

/* Each step's SQL, then what SQL alone cannot do (NULL when nothing). */
static const struct migration {
    const char *sql;
    int (*then)(pl_catalog *c, pl_err *err);
} MIGRATIONS[] = {
    {SCHEMA_V1, NULL}, {SCHEMA_V2, NULL}, {SCHEMA_V3, keys_from_v2}, {SCHEMA_V4, NULL}};
#define N_MIGRATIONS (sizeof MIGRATIONS / sizeof MIGRATIONS[0])

int pl_catalog_fail(pl_catalog *c, const char *what, pl_err *err) {
    int code = sqlite3_errcode(c->db);
    int status = (code == SQLITE_BUSY || code == SQLITE_LOCKED)      ? PL_ERR_BUSY
                 : (code == SQLITE_NOMEM)                            ? PL_ERR_NOMEM
                 : (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) ? PL_ERR_CORRUPT
                 : (code == SQLITE_IOERR || code == SQLITE_CANTOPEN || code == SQLITE_FULL)
                     ? PL_ERR_IO
                     : PL_ERR_DB;
    return pl_err_set(err, status, "%s: %s: %s", c->path, what, sqlite3_errmsg(c->db));
}

static int exec(pl_catalog *c, const char *sql, pl_err *err) {
    if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return pl_catalog_fail(c, "setting up the catalog", err);
    return PL_OK;
}

/* Moves version 2's (key, synopsis) rows into version 3's tables, synopsis
 * by synopsis in id order, so that each key's first synopses stay the
 * oldest, as before. */
static int keys_from_v2(pl_catalog *c, pl_err *err) {
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(
            c->db, "SELECT synopsis_id, key FROM group_keys ORDER BY synopsis_id, key", -1,
            &s, NULL) != SQLITE_OK)
        return pl_catalog_fail(c, "upgrading match keys", err);
    uint32_t *keys = NULL;
    size_t n = 0, cap = 0;
    int64_t id = 0;
    int rc = PL_OK, step = SQLITE_DONE;
    while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t sid = sqlite3_column_int64(s, 0);
        if (sid != id && n) {
            rc = pl_catalog_put_keys(c, id, keys, n, err);
            n = 0;
        }
        id = sid;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            uint32_t *grown = realloc(keys, cap * sizeof *grown);
            if (!grown) {
                rc = pl_err_set(err, PL_ERR_NOMEM, "upgrading match keys: out of memory");
                break;
            }
            keys = grown;
        }
        keys[n++] = (uint32_t)sqlite3_column_int64(s, 1);
    }
    if (!rc && step != SQLITE_DONE) rc = pl_catalog_fail(c, "upgrading match keys", err);
    if (!rc && n) rc = pl_catalog_put_keys(c, id, keys, n, err);
    sqlite3_finalize(s);
    free(keys);
    if (!rc) rc = pl_catalog_flush_keys(c, err);
    if (!rc) rc = exec(c, "DROP TABLE group_keys", err);
    pl_catalog_drop_pending_keys(c);
    return rc;
}

static int user_version(pl_catalog *c, int *v, pl_err *err) {
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
        return pl_catalog_fail(c, "reading the schema version", err);
    int rc = sqlite3_step(s);
    *v = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW) return pl_catalog_fail(c, "reading the schema version", err);
    return PL_OK;
}

static int migrate(pl_catalog *c, int readonly, pl_err *err) {
    int v;
    int rc = user_version(c, &v, err);
    if (rc) return rc;
    if (v > (int)N_MIGRATIONS)
        return pl_err_set(err, PL_ERR_USAGE,
                          "%s: schema version %d is newer than this plotline knows (%d)",
                          c->path, v, (int)N_MIGRATIONS);
    if (v == (int)N_MIGRATIONS) return PL_OK;
    if (readonly)
        return pl_err_set(err, PL_ERR_USAGE,
                          "%s: schema version %d needs an upgrade to %d, which opening it "
                          "read-only cannot make: open it once for writing first",
                          c->path, v, (int)N_MIGRATIONS);
    for (; v < (int)N_MIGRATIONS; v++) {
        char setv[64];
        snprintf(setv, sizeof setv, "PRAGMA user_version=%d", v + 1);
        if ((rc = exec(c, "BEGIN IMMEDIATE", err))) return rc;
        if ((rc = exec(c, MIGRATIONS[v].sql, err)) ||
            (MIGRATIONS[v].then && (rc = MIGRATIONS[v].then(c, err))) ||
            (rc = exec(c, setv, err)) || (rc = exec(c, "COMMIT", err))) {
            sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
            return rc;
        }
    }
    return PL_OK;
}

/* A statement inside a transaction keeps the pages it changes in a
 * statement journal, so that it alone can be undone. SQLite keeps that
 * journal in memory up to 64 KiB and otherwise in a temporary file, which
 * then stays a file until the transaction ends. An import is one
 * transaction: once one insert's rebalancing passed 64 KiB, every later
 * statement wrote its pages through that file (382,000 writes for 50,000
 * records). Here the journal is never spilled: each statement of the
 * catalog changes a bounded set of pages (one synopsis, its keys, one
 * episode's rows). A positive bound would not do: SQLite allocates the
 * in-memory journal in chunks of the bound's size, 16 MiB for each
 * statement that journals anything with a bound of 16 MiB. Set before
 * SQLite is first used; if the host program used it already, its setting
 * stands. */
#define STMT_JOURNAL_NEVER_SPILLED (-1)

static void configure_sqlite(void) {
    sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, STMT_JOURNAL_NEVER_SPILLED);
}

int pl_catalog_open(const char *path, int flags, pl_catalog **out, pl_err *err) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_sqlite);
    *out = NULL;
    pl_catalog *c = calloc(1, sizeof *c);
    if (!c || !(c->path = strdup(path))) {
        free(c);
        return pl_err_set(err, PL_ERR_NOMEM, "opening %s: out of memory", path);
    }
    int readonly = flags & PL_OPEN_READONLY;
    int oflags = readonly ? SQLITE_OPEN_READONLY
                          : SQLITE_OPEN_READWRITE |
                                ((flags & PL_OPEN_CREATE) ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &c->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        int rc = c->db ? pl_catalog_fail(c, "cannot open", err)
                       : pl_err_set(err, PL_ERR_NOMEM, "%s: out of memory", path);
        if (sqlite3_errcode(c->db) == SQLITE_CANTOPEN && !(flags & PL_OPEN_CREATE)) {
            pl_err_clear(err);
            rc = pl_err_set(err, PL_ERR_NOTFOUND, "%s: no such database", path);
        }
        pl_catalog_close(c);
        return rc;
    }
    sqlite3_busy_timeout(c->db, 5000);
    sqlite3_extended_result_codes(c->db, 0);
    int rc;
    if (!readonly && (rc = exec(c, "PRAGMA journal_mode=WAL", err))) goto fail;
    /* 64 MiB of page cache: an import writes match keys for every synopsis,
     * and with the default 2 MiB their B-trees are re-read from the file.
     * Reads through a mapping of the file (up to 1 GiB of it): a page a
     * search's hits need for the first time is then a memory access, not a
     * read call and a copy; it made a new query's rate 1.6x (bench/search
     * on 30,000 records). Writes still go through the journal as before, and
     * a write transaction reads without the mapping (write.c). */
    if ((rc = exec(c,
                   "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                   " PRAGMA cache_size=-65536; " PL_CATALOG_MAP_PRAGMA,
                   err)))
        goto fail;
    /* A file that is not a database fails here, on its first read. */
    if ((rc = migrate(c, readonly, err))) goto fail;
    *out = c;
    return PL_OK;
fail:
    pl_catalog_close(c);
    return rc;
}

void pl_catalog_close(pl_catalog *c) {
    if (!c) return;
    for (int i = 0; i < ST__COUNT; i++)
        sqlite3_finalize(c->st[i]);
    free(c->pend);
    free(c->sorted);
    pl_u32map_free(&c->known);
    sqlite3_close(c->db);
    free(c->path);
    free(c);
}

sqlite3 *pl_catalog_sqlite(pl_catalog *c) {
    return c->db;
}

static const char *const STATEMENTS[ST__COUNT] = {
    [ST_FIND_HASH] = "SELECT id FROM synopses WHERE hash=?",
    [ST_FIND_SERIES] = "SELECT id FROM series WHERE name=?",
    [ST_ADD_SERIES] = "INSERT INTO series(name) VALUES(?)",
    [ST_FIND_EPISODE] =
        "SELECT id, title FROM episodes WHERE series_id IS ? AND season IS ?"
        " AND number IS ?",
    [ST_ADD_EPISODE] = "INSERT INTO episodes(series_id, season, number, title)"
                       " VALUES(?,?,?,?)",
    [ST_SET_TITLE] = "UPDATE episodes SET title=? WHERE id=?",
    [ST_ADD_SYNOPSIS] =
        "INSERT INTO synopses(episode_id, lang, lang_conf, lang_given, text,"
        " source, hash) VALUES(?,?,?,?,?,?,?)",
    [ST_ADD_CHANGE] = "INSERT INTO changes(op, synopsis_id) VALUES(?,?)",
    [ST_GET_SYNOPSIS] = "SELECT id, episode_id, lang, lang_conf, lang_given, text, source"
                        " FROM synopses WHERE id=?",
    [ST_DEL_SYNOPSIS] = "DELETE FROM synopses WHERE id=? RETURNING episode_id",
    [ST_PUT_KEYS] = "INSERT OR REPLACE INTO synopsis_keys(synopsis_id, keys) VALUES(?,?)",
    [ST_GET_KEY] = "SELECT df, first FROM key_index WHERE key=?",
    [ST_SET_KEY] = "INSERT OR REPLACE INTO key_index(key, df, first) VALUES(?,?,?)",
    [ST_SET_KEY_DF] = "UPDATE key_index SET df=? WHERE key=?",
    [ST_DEL_KEY] = "DELETE FROM key_index WHERE key=?",
    [ST_SYNOPSIS_KEYS] = "SELECT keys FROM synopsis_keys WHERE synopsis_id=?",
    [ST_DEL_KEYS] = "DELETE FROM synopsis_keys WHERE synopsis_id=?",
    [ST_MOVE_SYNOPSIS] = "UPDATE synopses SET episode_id=? WHERE id=?",
    [ST_GET_HIT] = "SELECT episode_id, lang, source FROM synopses WHERE id=?",
    [ST_READ_BEGIN] = "BEGIN",
    [ST_READ_END] = "COMMIT",
    [ST_EPISODE_LANGS] = "SELECT 1 FROM synopses WHERE episode_id=? AND lang=? LIMIT 1",
    [ST_COUNT_ALL] = "SELECT count(*) FROM synopses",
    [ST_COUNT_EPISODE] = "SELECT count(*) FROM synopses WHERE episode_id=?",
    [ST_DEL_EPISODE] = "DELETE FROM episodes WHERE id=?",
};

sqlite3_stmt *pl_catalog_stmt(pl_catalog *c, int which, pl_err *err) {
    if (!c->st[which] &&
        sqlite3_prepare_v3(c->db, STATEMENTS[which], -1, SQLITE_PREPARE_PERSISTENT,
                           &c->st[which], NULL) != SQLITE_OK) {
        pl_catalog_fail(c, "preparing a statement", err);
        return NULL;
    }
    return c->st[which];
}

char *pl_catalog_col_strdup(sqlite3_stmt *s, int col) {
    const unsigned char *t = sqlite3_column_text(s, col);
    return strdup(t ? (const char *)t : "");
}
