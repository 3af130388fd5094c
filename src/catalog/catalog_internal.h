/*
 * catalog_internal.h - what the catalog's files share: the handle and its
 * prepared statements.
 */
#ifndef PL_CATALOG_INTERNAL_H
#define PL_CATALOG_INTERNAL_H

#include "catalog.h"

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
    ST__COUNT
};

struct pl_catalog {
    sqlite3 *db;
    sqlite3_stmt *st[ST__COUNT];
    char *path; /* the file's name, for sizes in stats */
};

/* Prepares (once) and returns statement `which`, or NULL with err set. */
sqlite3_stmt *pl_catalog_stmt(pl_catalog *c, int which, pl_err *err);
/* Sets err from SQLite's last error on c, prefixed with `what`. */
int pl_catalog_fail(pl_catalog *c, const char *what, pl_err *err);
/* Copies a column as a malloc'ed NUL-terminated string ("" for NULL). */
char *pl_catalog_col_strdup(sqlite3_stmt *s, int col);

#endif
