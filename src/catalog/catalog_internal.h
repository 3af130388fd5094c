/*
 * catalog_internal.h - what the catalog's files share: the handle and its
 * prepared statements.
 */
#ifndef PL_CATALOG_INTERNAL_H
#define PL_CATALOG_INTERNAL_H

#include "catalog.h"
#include "util/u32map.h"

/* Statements are prepared once per handle; each is reset after use. */
enum {
    ST_FIND_HASH,
    ST_FIND_SERIES,
    ST_ADD_SERIES,
    ST_FIND_EPISODE,
    ST_ADD_EPISODE,
    ST_SET_TITLE,
    ST_ADD_SYNOPSIS,
    ST_ADD_CHANGE,
    ST_GET_SYNOPSIS,
    ST_DEL_SYNOPSIS,
    ST_COUNT_EPISODE,
    ST_DEL_EPISODE,
    ST_PUT_KEYS,
    ST_GET_KEY,
    ST_SET_KEY,
    ST_SET_KEY_DF,
    ST_DEL_KEY,
    ST_SYNOPSIS_KEYS,
    ST_DEL_KEYS,
    ST_MOVE_SYNOPSIS,
    ST_GET_HIT,
    ST_READ_BEGIN,
    ST_READ_END,
    ST_EPISODE_LANGS,
    ST_COUNT_ALL,
    ST__COUNT
};

/* Reads through a mapping of up to 1 GiB of the file (schema.c, write.c). */
#define PL_CATALOG_MAP_PRAGMA "PRAGMA mmap_size=1073741824"

/* A (key, synopsis) pair waiting for the key table; the key is widened for
 * the radix sort (util/sort.h), which keeps a key's ids in the ascending
 * order they were added in. */
typedef struct pl_key_posting {
    uint64_t key;
    int64_t id;
} pl_key_posting;

/* Pairs held before the key table is written regardless (about 50 MiB). */
#define PENDING_MAX (4u << 20)

struct pl_catalog {
    sqlite3 *db;
    sqlite3_stmt *st[ST__COUNT];
    char *path; /* the file's name, for sizes in stats */
    /* This transaction's new (key, synopsis) pairs, written to the key
     * table by pl_catalog_flush_keys (before every read of it and before
     * COMMIT), dropped on ROLLBACK. */
    pl_key_posting *pend;
    size_t n_pend, cap_pend;
    pl_key_posting *sorted; /* the sort's scratch, as large as pend */
    /* While a write is open (`writing`): the key rows this transaction
     * read or wrote, as a key's count and how many first synopses its row
     * lists (groups.c). Nobody else writes the table meanwhile, so a count
     * is looked up once a transaction, and a key whose list is full is
     * counted up without reading its row. Emptied when the write ends. */
    pl_u32map known;
    int writing;
};

/* Prepares (once) and returns statement `which`, or NULL with err set. */
sqlite3_stmt *pl_catalog_stmt(pl_catalog *c, int which, pl_err *err);
/* Runs a statement that returns at most one row; *row (may be NULL) tells
 * whether it did. The statement is not reset. */
int pl_catalog_step(pl_catalog *c, sqlite3_stmt *s, int *row, const char *what,
                    pl_err *err);
/* Deletes episode ep when no synopsis is left in it. */
int pl_catalog_drop_if_empty(pl_catalog *c, int64_t ep, pl_err *err);

/* Drops the pending pairs (the transaction is rolled back). */
void pl_catalog_drop_pending_keys(pl_catalog *c);
/* Forgets the key rows known to the transaction (it ended, or is ending). */
void pl_catalog_forget_keys(pl_catalog *c);
/* Forgets a synopsis's keys, in the key table too. */
int pl_catalog_delete_keys(pl_catalog *c, int64_t id, pl_err *err);

/* Sets err from SQLite's last error on c, prefixed with `what`. */
int pl_catalog_fail(pl_catalog *c, const char *what, pl_err *err);
/* Copies a column as a malloc'ed NUL-terminated string ("" for NULL). */
char *pl_catalog_col_strdup(sqlite3_stmt *s, int col);

#endif
