/*
 * catalog.h - the catalog: series, episodes and synopses in SQLite.
 *
 * The catalog is the source of truth; the index and every cache are derived
 * from it. Each write also appends to a change log (`changes`, with an
 * increasing sequence) in the same transaction, so that the index can tell
 * exactly which writes it holds and catch up on the rest after a crash.
 * SQLite runs in WAL mode with synchronous=FULL: a committed batch survives a
 * crash or power loss.
 */
#ifndef PL_CATALOG_H
#define PL_CATALOG_H

#include <sqlite3.h>
#include <stdint.h>

#include "plotline.h"
#include "util/err.h"

enum { PL_CHANGE_ADD = 1, PL_CHANGE_DELETE = 2 };

typedef struct pl_catalog pl_catalog;

/* Opens the SQLite file at `path` (creating it with PL_OPEN_CREATE), sets it
 * up for durability, and creates or migrates the schema. */
int pl_catalog_open(const char *path, int flags, pl_catalog **out, pl_err *err);
void pl_catalog_close(pl_catalog *c);
sqlite3 *pl_catalog_sqlite(pl_catalog *c);

/* Transactions: begin takes the write lock at once (BEGIN IMMEDIATE) so that
 * a batch never fails half-way for want of it. */
int pl_catalog_begin(pl_catalog *c, pl_err *err);
int pl_catalog_commit(pl_catalog *c, pl_err *err);
void pl_catalog_rollback(pl_catalog *c);

/* Stores one validated record with its language inside the open transaction.
 * A text already stored (same bytes) is not stored again: *id is the stored
 * one and *is_new 0. */
int pl_catalog_add(pl_catalog *c, const pl_record *rec, const char *lang, double conf,
                   int lang_given, int64_t *id, int *is_new, pl_err *err);

/* Deletes a synopsis (and its episode when that is left empty) inside the
 * open transaction. PL_ERR_NOTFOUND when absent. */
int pl_catalog_delete(pl_catalog *c, int64_t id, pl_err *err);

/* The highest change sequence, 0 when there is none. */
int pl_catalog_last_seq(pl_catalog *c, uint64_t *seq, pl_err *err);

/* One change after a given sequence; `text` is NULL when the synopsis is gone
 * (added and deleted since). Pointers are valid during the callback only. */
typedef struct pl_change {
    uint64_t seq;
    int op;
    int64_t synopsis_id;
    const char *lang;
    const char *text;
    size_t text_len;
} pl_change;

/* Calls fn for each change with seq > after, in order; stops at fn's non-zero
 * return and returns it. */
int pl_catalog_changes(pl_catalog *c, uint64_t after,
                       int (*fn)(void *ctx, const pl_change *ch), void *ctx, pl_err *err);

int pl_catalog_get_synopsis(pl_catalog *c, int64_t id, pl_synopsis **out, pl_err *err);
/* What a search hit shows without its text: the episode, the language and
 * the source (*source malloc'ed, "" when unknown; not read when source is
 * NULL). PL_ERR_NOTFOUND when absent. */
int pl_catalog_get_hit(pl_catalog *c, int64_t id, int64_t *episode, char lang[PL_LANG_MAX],
                       char **source, pl_err *err);
/* Several reads in one read transaction (one snapshot, and one transaction
 * to open and close instead of one per read, which costs more than a
 * synopsis's row): opens one unless a transaction (a write) is open
 * already; *began tells pl_catalog_read_end whether to close it. */
int pl_catalog_read_begin(pl_catalog *c, int *began, pl_err *err);
void pl_catalog_read_end(pl_catalog *c, int began);
int pl_catalog_get_episode(pl_catalog *c, int64_t id, pl_episode **out, pl_err *err);
int pl_catalog_stats(pl_catalog *c, pl_stats *st, pl_err *err);

/* Series (series.c): the list with counts, and one series with its episodes;
 * PL_ERR_NOTFOUND when no series has the id. */
int pl_catalog_list_series(pl_catalog *c, pl_series_list **out, pl_err *err);
int pl_catalog_get_series(pl_catalog *c, int64_t id, pl_series **out, pl_err *err);

/* The languages of the catalog's synopses with their counts, most first;
 * *langs is the caller's to free(). */
int pl_catalog_langs(pl_catalog *c, pl_lang_count **langs, size_t *n, pl_err *err);
/* Checks the synopses counted per language (kept by triggers) against the
 * synopses: PL_OK or PL_ERR_CORRUPT naming the language. A scan. */
int pl_catalog_check_langs(pl_catalog *c, pl_err *err);

/* Calls fn for every synopsis id, ascending (for integrity checks). */
int pl_catalog_each_id(pl_catalog *c, int (*fn)(void *ctx, int64_t id), void *ctx,
                       pl_err *err);

/* ---- Grouping (groups.c) ----
 * Match keys of a synopsis (ascending, distinct) are stored with it and
 * deleted with it. Per key the catalog keeps how many synopses have it and
 * the first PL_KEY_FIRST of them, which is what grouping looks up. A
 * transaction's keys reach the key table in one pass, before the next read
 * of it or at pl_catalog_commit. */
#define PL_KEY_FIRST 32
int pl_catalog_put_keys(pl_catalog *c, int64_t id, const uint32_t *keys, size_t n,
                        pl_err *err);
/* Writes the pending keys to the key table (done by the reads and by
 * commit; callers need it only to bound a long transaction's memory). */
int pl_catalog_flush_keys(pl_catalog *c, pl_err *err);
/* The same, telling fn each written key's count as it now stands (which
 * saves a caller about to weigh those keys reading them back). */
int pl_catalog_flush_keys_df(pl_catalog *c,
                             void (*fn)(void *ctx, uint32_t key, uint64_t df), void *ctx,
                             pl_err *err);
/* Checks the key tables against each other: every synopsis's keys well
 * formed and its synopsis stored, every key's count right and its list of
 * first synopses well formed. PL_OK or PL_ERR_CORRUPT saying where. */
int pl_catalog_check_keys(pl_catalog *c, pl_err *err);
/* How many synopses have the key. */
int pl_catalog_key_df(pl_catalog *c, uint32_t key, uint64_t *df, pl_err *err);
int pl_catalog_count_synopses(pl_catalog *c, uint64_t *n, pl_err *err);
/* The first (oldest) synopses with the key, at most min(max, PL_KEY_FIRST),
 * ascending, into *ids (malloc'ed). */
int pl_catalog_key_synopses(pl_catalog *c, uint32_t key, size_t max, int64_t **ids,
                            size_t *n, pl_err *err);
/* A synopsis's keys, ascending, into *keys (malloc'ed, also when n is 0). */
int pl_catalog_synopsis_keys(pl_catalog *c, int64_t id, uint32_t **keys, size_t *n,
                             pl_err *err);
/* A synopsis's episode and language (PL_ERR_NOTFOUND when none): pl_catalog_get_hit
 * without the source. */
int pl_catalog_episode_of(pl_catalog *c, int64_t id, int64_t *episode,
                          char lang[PL_LANG_MAX], pl_err *err);
/* Whether the episode has a synopsis in `lang` already. */
int pl_catalog_episode_has_lang(pl_catalog *c, int64_t episode, const char *lang, int *has,
                                pl_err *err);
/* Moves a synopsis into another episode; its old one goes when left empty. */
int pl_catalog_move(pl_catalog *c, int64_t id, int64_t episode, pl_err *err);
/* A new episode without series, number or title. */
int pl_catalog_add_episode(pl_catalog *c, int64_t *episode, pl_err *err);

#endif
