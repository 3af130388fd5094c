/*
 * test_catalog.c - the catalog's match-key storage over a real SQLite file:
 * counts and first synopses per key across transactions, what a rollback
 * and a delete leave, the upgrade from the one-row-per-pair schema, a read
 * scope for search hits, alone and inside a write, and the synopses counted
 * per language through adds, deletes and a rollback, and a statement
 * journal that stays in memory through a transaction.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "catalog/catalog_internal.h"
#include "check.h"

static char dir[] = "/tmp/plotline-test-catalog-XXXXXX";
static char path[256];

static int64_t add(pl_catalog *c, int i) {
    char text[64];
    snprintf(text, sizeof text, "synopsis number %d", i);
    pl_record r = {.text = text, .text_len = strlen(text), .lang = "en"};
    int64_t id = 0;
    int is_new;
    pl_err err = {0};
    CHECK_INT(pl_catalog_add(c, &r, "en", 1.0, 1, &id, &is_new, &err), PL_OK);
    return id;
}

static uint64_t df(pl_catalog *c, uint32_t key) {
    uint64_t n = UINT64_MAX;
    pl_err err = {0};
    CHECK_INT(pl_catalog_key_df(c, key, &n, &err), PL_OK);
    return n;
}

/* The key's first synopses, checked against want[0..n). */
static void check_first(pl_catalog *c, uint32_t key, const int64_t *want, size_t n) {
    int64_t *ids;
    size_t got;
    pl_err err = {0};
    CHECK_INT(pl_catalog_key_synopses(c, key, 1000, &ids, &got, &err), PL_OK);
    CHECK_INT(got, n);
    for (size_t i = 0; i < got && i < n; i++)
        CHECK_INT(ids[i], want[i]);
    free(ids);
}

static void test_keys(pl_catalog *c) {
    pl_err err = {0};
    int64_t ids[40];
    /* Synopsis i has key 1 (all of them), 100 + i % 3, and 1000 + i. */
    for (int t = 0; t < 2; t++) { /* two transactions of 20 */
        CHECK_INT(pl_catalog_begin(c, &err), PL_OK);
        for (int i = t * 20; i < t * 20 + 20; i++) {
            ids[i] = add(c, i);
            uint32_t k[3] = {1, 100 + (uint32_t)i % 3, 1000 + (uint32_t)i};
            CHECK_INT(pl_catalog_put_keys(c, ids[i], k, 3, &err), PL_OK);
        }
        if (t == 0) CHECK_INT(df(c, 1), 20); /* a read sees the pending keys */
        CHECK_INT(pl_catalog_commit(c, &err), PL_OK);
    }
    CHECK_INT(df(c, 1), 40);
    CHECK_INT(df(c, 100), 14);
    CHECK_INT(df(c, 102), 13);
    CHECK_INT(df(c, 1039), 1);
    CHECK_INT(df(c, 5), 0);
    check_first(c, 1, ids, PL_KEY_FIRST); /* the oldest, ascending */
    int64_t every3[14];
    for (int i = 0; i < 14; i++)
        every3[i] = ids[3 * i];
    check_first(c, 100, every3, 14);
    int64_t *few;
    size_t n;
    CHECK_INT(pl_catalog_key_synopses(c, 1, 3, &few, &n, &err), PL_OK);
    CHECK_INT(n, 3);
    CHECK_INT(few[2], ids[2]);
    free(few);

    uint32_t *keys;
    CHECK_INT(pl_catalog_synopsis_keys(c, ids[7], &keys, &n, &err), PL_OK);
    CHECK_INT(n, 3);
    CHECK_INT(keys[0], 1);
    CHECK_INT(keys[1], 101);
    CHECK_INT(keys[2], 1007);
    free(keys);

    /* A rolled-back transaction leaves no key behind, also not at the next
     * commit. */
    CHECK_INT(pl_catalog_begin(c, &err), PL_OK);
    int64_t gone = add(c, 99);
    uint32_t k[2] = {1, 7};
    CHECK_INT(pl_catalog_put_keys(c, gone, k, 2, &err), PL_OK);
    pl_catalog_rollback(c);
    CHECK_INT(pl_catalog_begin(c, &err), PL_OK);
    CHECK_INT(pl_catalog_commit(c, &err), PL_OK);
    CHECK_INT(df(c, 1), 40);
    CHECK_INT(df(c, 7), 0);

    /* A delete takes the synopsis out of its keys' counts and lists. */
    CHECK_INT(pl_catalog_begin(c, &err), PL_OK);
    CHECK_INT(pl_catalog_delete(c, ids[0], &err), PL_OK);
    CHECK_INT(pl_catalog_commit(c, &err), PL_OK);
    CHECK_INT(df(c, 1), 39);
    CHECK_INT(df(c, 1000), 0);
    CHECK_INT(df(c, 100), 13);
    check_first(c, 1, ids + 1, PL_KEY_FIRST - 1);
    CHECK_INT(pl_catalog_synopsis_keys(c, ids[0], &keys, &n, &err), PL_OK);
    CHECK_INT(n, 0);
    free(keys);
}

/* Inside one write the catalog remembers the key rows it read or wrote
 * (catalog_internal.h): a key's count read again, and a key whose list of
 * first synopses is full counted up without its row being read. The
 * counts and lists must be the table's, through a write's several
 * flushes, a delete, and a rollback (which forgets what it remembered). */
static void test_keys_known(pl_catalog *c) {
    pl_err err = {0};
    int64_t ids[60];
    CHECK_INT(pl_catalog_begin(c, &err), PL_OK);
    for (int round = 0; round < 3; round++) { /* key 2 in all, 200 + round */
        for (int i = round * 20; i < round * 20 + 20; i++) {
            ids[i] = add(c, 2000 + i);
            uint32_t k[2] = {2, 200 + (uint32_t)round};
            CHECK_INT(pl_catalog_put_keys(c, ids[i], k, 2, &err), PL_OK);
        }
        CHECK_INT(df(c, 2), 20 * (round + 1)); /* flushed, then remembered */
        CHECK_INT(df(c, 200 + (uint32_t)round), 20);
    }
    check_first(c, 2, ids, PL_KEY_FIRST);
    CHECK_INT(pl_catalog_delete(c, ids[59], &err), PL_OK); /* not among the first */
    CHECK_INT(df(c, 2), 59);
    CHECK_INT(df(c, 202), 19);
    CHECK_INT(pl_catalog_commit(c, &err), PL_OK);
    CHECK_INT(df(c, 2), 59);
    check_first(c, 2, ids, PL_KEY_FIRST);

    CHECK_INT(pl_catalog_begin(c, &err), PL_OK);
    CHECK_INT(df(c, 2), 59);
    int64_t more = add(c, 3000);
    uint32_t k2 = 2;
    CHECK_INT(pl_catalog_put_keys(c, more, &k2, 1, &err), PL_OK);
    CHECK_INT(df(c, 2), 60);
    pl_catalog_rollback(c);
    CHECK_INT(df(c, 2), 59); /* not the rolled-back 60, outside a write */
    CHECK_INT(pl_catalog_begin(c, &err), PL_OK);
    CHECK_INT(df(c, 2), 59);                              /* not the rolled-back 60 */
    CHECK_INT(pl_catalog_delete(c, ids[0], &err), PL_OK); /* one of the first */
    more = add(c, 3001);
    CHECK_INT(pl_catalog_put_keys(c, more, &k2, 1, &err), PL_OK);
    CHECK_INT(df(c, 2), 59);
    CHECK_INT(pl_catalog_commit(c, &err), PL_OK);
    /* The list lost ids[0] and, having room again, took the newest. */
    int64_t want[PL_KEY_FIRST];
    for (int i = 0; i < PL_KEY_FIRST - 1; i++)
        want[i] = ids[i + 1];
    want[PL_KEY_FIRST - 1] = more;
    check_first(c, 2, want, PL_KEY_FIRST);
    sqlite3_stmt *s;
    CHECK_INT(sqlite3_prepare_v2(pl_catalog_sqlite(c),
                                 "SELECT df FROM key_index WHERE key=2", -1, &s, NULL),
              SQLITE_OK);
    CHECK_INT(sqlite3_step(s), SQLITE_ROW);
    CHECK_INT(sqlite3_column_int64(s, 0), 59);
    sqlite3_finalize(s);
}

static int exec(pl_catalog *c, const char *sql) {
    return sqlite3_exec(pl_catalog_sqlite(c), sql, NULL, NULL, NULL);
}

/* The check finds what is wrong in the key tables, and says where. */
static void test_check(pl_catalog *c) {
    pl_err err = {0};
    CHECK_INT(pl_catalog_check_keys(c, &err), PL_OK);
    CHECK_INT(exec(c, "UPDATE key_index SET df = df + 1 WHERE key = 101"), SQLITE_OK);
    CHECK_INT(pl_catalog_check_keys(c, &err), PL_ERR_CORRUPT);
    CHECK(strstr(err.msg, "match key 101") != NULL);
    CHECK_INT(exec(c, "UPDATE key_index SET df = df - 1 WHERE key = 101"), SQLITE_OK);
    pl_err_clear(&err);
    CHECK_INT(pl_catalog_check_keys(c, &err), PL_OK);
    /* A key row nobody holds, a list out of order, a synopsis's keys
     * unsorted: each found. */
    static const char *const broken[][2] = {
        {"INSERT INTO key_index VALUES(424242, 1, x'05')",
         "DELETE FROM key_index WHERE key = 424242"},
        {"UPDATE key_index SET first = x'0500' WHERE key = 1002",
         "UPDATE key_index SET first = x'03' WHERE key = 1002"},
    };
    for (size_t i = 0; i < 2; i++) {
        CHECK_INT(exec(c, broken[i][0]), SQLITE_OK);
        pl_err_clear(&err);
        CHECK_INT(pl_catalog_check_keys(c, &err), PL_ERR_CORRUPT);
        CHECK_INT(exec(c, broken[i][1]), SQLITE_OK);
    }
    sqlite3_stmt *s;
    CHECK_INT(sqlite3_prepare_v2(pl_catalog_sqlite(c),
                                 "SELECT keys FROM synopsis_keys WHERE synopsis_id = 5", -1,
                                 &s, NULL),
              SQLITE_OK);
    CHECK_INT(sqlite3_step(s), SQLITE_ROW);
    unsigned char saved[64];
    int n = sqlite3_column_bytes(s, 0);
    CHECK(n == 12);
    memcpy(saved, sqlite3_column_blob(s, 0), (size_t)n);
    sqlite3_finalize(s);
    CHECK_INT(exec(c, "UPDATE synopsis_keys SET keys = x'0200000001000000'"
                      " WHERE synopsis_id = 5"),
              SQLITE_OK);
    pl_err_clear(&err);
    CHECK_INT(pl_catalog_check_keys(c, &err), PL_ERR_CORRUPT);
    CHECK(strstr(err.msg, "synopsis 5") != NULL);
    CHECK_INT(sqlite3_prepare_v2(pl_catalog_sqlite(c),
                                 "UPDATE synopsis_keys SET keys = ? WHERE synopsis_id = 5",
                                 -1, &s, NULL),
              SQLITE_OK);
    sqlite3_bind_blob(s, 1, saved, n, SQLITE_STATIC);
    CHECK_INT(sqlite3_step(s), SQLITE_DONE);
    sqlite3_finalize(s);
    pl_err_clear(&err);
    CHECK_INT(pl_catalog_check_keys(c, &err), PL_OK);
}

/* A version-2 file (a row per key and synopsis) is upgraded on open. */
static void test_upgrade(void) {
    sqlite3 *db;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    const char *v2 = "DROP TABLE synopsis_keys; DROP TABLE key_index;"
                     "DROP TABLE lang_counts; DROP TRIGGER lang_counts_add;"
                     "DROP TRIGGER lang_counts_drop; DROP TRIGGER lang_counts_move;"
                     "CREATE TABLE group_keys(key INTEGER NOT NULL,"
                     " synopsis_id INTEGER NOT NULL,"
                     " PRIMARY KEY(key, synopsis_id)) WITHOUT ROWID;"
                     "CREATE INDEX group_keys_synopsis ON group_keys(synopsis_id);"
                     "PRAGMA user_version=2;";
    CHECK_INT(sqlite3_exec(db, v2, NULL, NULL, NULL), SQLITE_OK);
    /* Synopses 1..50 (rows inserted newest first) share key 7; synopsis i
     * has key 5000 + i too. */
    for (int i = 50; i >= 1; i--) {
        char sql[160];
        snprintf(sql, sizeof sql, "INSERT INTO group_keys VALUES(7,%d),(%d,%d)", i,
                 5000 + i, i);
        CHECK_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    }
    sqlite3_close(db);

    pl_catalog *c;
    pl_err err = {0};
    /* Read-only, an old file cannot be upgraded, and the error says so. */
    CHECK_INT(pl_catalog_open(path, PL_OPEN_READONLY, &c, &err), PL_ERR_USAGE);
    CHECK(strstr(err.msg, "schema version 2 needs an upgrade") != NULL);
    CHECK(strstr(err.msg, "read-only") != NULL);
    pl_err_clear(&err);
    CHECK_INT(pl_catalog_open(path, 0, &c, &err), PL_OK);
    if (!c) return;
    CHECK_INT(df(c, 7), 50);
    CHECK_INT(df(c, 5033), 1);
    int64_t first[PL_KEY_FIRST];
    for (int i = 0; i < PL_KEY_FIRST; i++)
        first[i] = i + 1;
    check_first(c, 7, first, PL_KEY_FIRST);
    uint32_t *keys;
    size_t n;
    CHECK_INT(pl_catalog_synopsis_keys(c, 12, &keys, &n, &err), PL_OK);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_INT(keys[0], 7);
        CHECK_INT(keys[1], 5012);
    }
    free(keys);
    sqlite3_stmt *s;
    sqlite3 *raw = pl_catalog_sqlite(c);
    CHECK_INT(sqlite3_prepare_v2(
                  raw, "SELECT count(*) FROM sqlite_schema WHERE name='group_keys'", -1, &s,
                  NULL),
              SQLITE_OK);
    CHECK_INT(sqlite3_step(s), SQLITE_ROW);
    CHECK_INT(sqlite3_column_int(s, 0), 0); /* the old table is gone */
    sqlite3_finalize(s);
    /* Version 4 counted the synopses per language that were there. */
    pl_lang_count *langs;
    size_t nl;
    CHECK_INT(pl_catalog_langs(c, &langs, &nl, &err), PL_OK);
    CHECK(nl >= 1);
    uint64_t total = 0;
    for (size_t i = 0; i < nl; i++)
        total += langs[i].synopses;
    free(langs);
    CHECK_INT(sqlite3_prepare_v2(raw, "SELECT count(*) FROM synopses", -1, &s, NULL),
              SQLITE_OK);
    CHECK_INT(sqlite3_step(s), SQLITE_ROW);
    CHECK_INT(total, (uint64_t)sqlite3_column_int64(s, 0));
    sqlite3_finalize(s);
    pl_catalog_close(c);
}

/* The count of lang in pl_catalog_langs (0 when not listed); checks the
 * list is most synopses first. */
static uint64_t lang_count(pl_catalog *c, const char *lang) {
    pl_lang_count *langs;
    size_t n;
    pl_err err = {0};
    CHECK_INT(pl_catalog_langs(c, &langs, &n, &err), PL_OK);
    uint64_t got = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(langs[i].lang, lang) == 0) got = langs[i].synopses;
        if (i) CHECK(langs[i - 1].synopses >= langs[i].synopses);
    }
    free(langs);
    return got;
}

static int64_t add_in(pl_catalog *c, const char *lang, int i) {
    char text[64];
    snprintf(text, sizeof text, "%s synopsis %d", lang, i);
    pl_record r = {.text = text, .text_len = strlen(text), .lang = lang};
    int64_t id = 0;
    int is_new;
    pl_err err = {0};
    CHECK_INT(pl_catalog_add(c, &r, lang, 1.0, 1, &id, &is_new, &err), PL_OK);
    return id;
}

/* Synopses per language follow adds, deletes and rollbacks. */
static void test_langs(pl_catalog *c) {
    pl_err err = {0};
    uint64_t en = lang_count(c, "en");
    int64_t de1 = add_in(c, "de", 1), de2 = add_in(c, "de", 2);
    int64_t fr = add_in(c, "fr", 1);
    CHECK_INT(lang_count(c, "de"), 2);
    CHECK_INT(lang_count(c, "fr"), 1);
    CHECK_INT(lang_count(c, "en"), en);
    CHECK_INT(pl_catalog_delete(c, de1, &err), PL_OK);
    CHECK_INT(lang_count(c, "de"), 1);
    CHECK_INT(pl_catalog_delete(c, fr, &err), PL_OK);
    CHECK_INT(lang_count(c, "fr"), 0); /* no longer listed */
    CHECK_INT(pl_catalog_begin(c, &err), PL_OK);
    add_in(c, "it", 1);
    CHECK_INT(pl_catalog_delete(c, de2, &err), PL_OK);
    CHECK_INT(lang_count(c, "it"), 1);
    CHECK_INT(lang_count(c, "de"), 0);
    pl_catalog_rollback(c);
    CHECK_INT(lang_count(c, "it"), 0);
    CHECK_INT(lang_count(c, "de"), 1);
    CHECK_INT(pl_catalog_check_langs(c, &err), PL_OK);
    /* A count that the synopses do not bear out is found. */
    sqlite3 *raw = pl_catalog_sqlite(c);
    CHECK_INT(sqlite3_exec(raw, "UPDATE lang_counts SET n = n + 1 WHERE lang = 'de'", NULL,
                           NULL, NULL),
              SQLITE_OK);
    pl_err_clear(&err);
    CHECK_INT(pl_catalog_check_langs(c, &err), PL_ERR_CORRUPT);
    CHECK(strstr(err.msg, "\"de\"") != NULL);
    CHECK_INT(sqlite3_exec(raw,
                           "UPDATE lang_counts SET n = n - 1 WHERE lang = 'de';"
                           "INSERT INTO lang_counts VALUES('xx', 3)",
                           NULL, NULL, NULL),
              SQLITE_OK);
    pl_err_clear(&err);
    CHECK_INT(pl_catalog_check_langs(c, &err), PL_ERR_CORRUPT);
    CHECK(strstr(err.msg, "\"xx\"") != NULL);
    CHECK_INT(
        sqlite3_exec(raw, "DELETE FROM lang_counts WHERE lang = 'xx'", NULL, NULL, NULL),
        SQLITE_OK);
    pl_err_clear(&err);
    CHECK_INT(pl_catalog_check_langs(c, &err), PL_OK);
}

/* Whether the catalog has a synopsis with the id (its row read as a search
 * hit is). */
static int has_hit(pl_catalog *c, int64_t id) {
    int64_t ep = 0;
    char lang[PL_LANG_MAX];
    char *src = NULL;
    pl_err err = {0};
    int rc = pl_catalog_get_hit(c, id, &ep, lang, &src, &err);
    if (rc == PL_OK) {
        CHECK(ep > 0);
        CHECK_STR(lang, "en");
        CHECK(src != NULL);
    } else {
        CHECK_INT(rc, PL_ERR_NOTFOUND);
    }
    free(src);
    return rc == PL_OK;
}

static void test_read_scope(pl_catalog *c) {
    pl_err err = {0};
    int64_t a = add(c, 500), gone = add(c, 502);
    CHECK_INT(pl_catalog_delete(c, gone, &err), PL_OK);
    int began = 0;
    CHECK_INT(pl_catalog_read_begin(c, &began, &err), PL_OK);
    CHECK_INT(began, 1);
    CHECK(has_hit(c, a));
    CHECK(!has_hit(c, gone));
    CHECK(!has_hit(c, 987654321));
    pl_catalog_read_end(c, began);
    /* Ended: a write can start. */
    CHECK_INT(pl_catalog_begin(c, &err), PL_OK);
    /* Inside a write a read scope must neither open nor end the caller's
     * transaction: what is added there and rolled back must be gone. */
    int64_t pending = add(c, 503);
    CHECK_INT(pl_catalog_read_begin(c, &began, &err), PL_OK);
    CHECK_INT(began, 0);
    CHECK(has_hit(c, pending));
    pl_catalog_read_end(c, began);
    pl_catalog_rollback(c);
    CHECK(!has_hit(c, pending));
    CHECK(has_hit(c, a));
}

/* Whether the process holds an SQLite temporary file (deleted once opened,
 * so seen only among its open descriptors); -1 when that cannot be told. */
static int has_temp_file(void) {
    DIR *d = opendir("/proc/self/fd");
    if (!d) return -1;
    int found = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char link[300], target[4096];
        snprintf(link, sizeof link, "/proc/self/fd/%s", e->d_name);
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n > 0) {
            target[n] = 0;
            if (strstr(target, "etilqs_")) found = 1;
        }
    }
    closedir(d);
    return found;
}

/* An import is one transaction, whose statements each journal the pages
 * they change. A statement journal past SQLite's default 64 KiB became a
 * temporary file that every later statement wrote through; opening a
 * catalog keeps statement journals in memory (schema.c). A statement that
 * changes some 300 KB of pages inside a transaction must leave no such
 * file. */
static void test_statement_journal(pl_catalog *c) {
    if (has_temp_file() != 0) return; /* no /proc, or one open already */
    pl_err err = {0};
    CHECK_INT(pl_catalog_begin(c, &err), PL_OK);
    CHECK_INT(sqlite3_exec(c->db, "CREATE TABLE scratch(v TEXT UNIQUE)", NULL, NULL, NULL),
              SQLITE_OK);
    char sql[1200];
    for (int i = 0; i < 300; i++) {
        snprintf(sql, sizeof sql, "INSERT INTO scratch VALUES ('%04d%01000d')", i, 0);
        CHECK_INT(sqlite3_exec(c->db, sql, NULL, NULL, NULL), SQLITE_OK);
    }
    CHECK_INT(sqlite3_exec(c->db, "UPDATE scratch SET v = v || 'x'", NULL, NULL, NULL),
              SQLITE_OK);
    CHECK_INT(has_temp_file(), 0);
    pl_catalog_rollback(c);
}

int main(void) {
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/t.db", dir);
    pl_catalog *c;
    pl_err err = {0};
    CHECK_INT(pl_catalog_open(path, PL_OPEN_CREATE, &c, &err), PL_OK);
    if (c) {
        test_keys(c);
        test_keys_known(c);
        test_check(c);
        test_read_scope(c);
        test_langs(c);
        test_statement_journal(c);
        pl_catalog_close(c);
    }
    test_upgrade();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT(system(cmd), 0);
    return CHECK_DONE();
}
