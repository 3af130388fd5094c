/*
 * index.h - plotline's inverted index: immutable segments on disk.
 *
 * The index lives in a folder beside the catalog ("<db>.idx/"). It is derived
 * data: it records the catalog change-log sequence it holds (`seq`) and the
 * database layer feeds it the changes after that on open. A writer collects
 * added documents in memory and, on commit, writes them as a new immutable
 * segment plus new delete lists, then publishes everything at once by
 * writing a new manifest (write temp, fsync, rename, fsync folder). A crash
 * at any moment leaves either the old or the new manifest, and every file the
 * manifest names is complete and checksummed.
 *
 * Documents are keyed by the catalog's synopsis id (int64). Ids given to a
 * writer must be greater than every id already in the index: the catalog
 * never reuses ids, so the segments, in manifest order, hold increasing ids
 * and a postings iterator walks all segments in one ascending sweep.
 */
#ifndef PL_INDEX_H
#define PL_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

typedef struct pl_index pl_index;
typedef struct pl_index_writer pl_index_writer;
typedef struct pl_postings pl_postings;

enum { PL_INDEX_READONLY = 1 };

/* Opens (creating when absent, unless read-only) the index folder `dir`.
 * Fails with PL_ERR_CORRUPT when the manifest or a segment fails its checks. */
int pl_index_open(const char *dir, int flags, pl_index **out, pl_err *err);
void pl_index_close(pl_index *ix);

/* Empties the index folder `dir` for a rebuild: first publishes an empty
 * manifest (so a crash half-way leaves a valid, empty index), then removes
 * every segment and delete file. Works when the files are corrupt; a missing
 * folder is fine. PL_ERR_BUSY while a writer holds the folder. Handles open
 * on the folder see an empty index at their next refresh. */
int pl_index_destroy(const char *dir, pl_err *err);

/* Re-reads the manifest when another handle committed since; cheap otherwise. */
int pl_index_refresh(pl_index *ix, pl_err *err);

/* The catalog change-log sequence the index holds (0 for a new index). */
uint64_t pl_index_seq(const pl_index *ix);

typedef struct pl_index_stats {
    uint64_t docs;      /* live documents */
    uint64_t total_len; /* sum of live documents' lengths in tokens */
    uint64_t segments;
    uint64_t bytes; /* size of the folder's files */
} pl_index_stats;
void pl_index_get_stats(const pl_index *ix, pl_index_stats *st);

/* ---- writing ---- */

/* Every document is indexed with one more term naming its language: this
 * prefix (which no analyzed term starts with) and the base code, "\x01de".
 * A query's translation into German is looked for only where that term is
 * too, so "hat" meant as French never matches German "hat". */
#define PL_INDEX_LANG_PREFIX "\x01"
#define PL_INDEX_LANG_TERM_MAX 18 /* prefix, a base code of up to 15 bytes, NUL */

/* Writes the language term of base code `lang` into out (NUL-terminated);
 * returns its length. */
size_t pl_index_lang_term(const char *lang, char out[PL_INDEX_LANG_TERM_MAX]);

/* Terms longer than this many bytes, and empty ones, are not indexed; their
 * tokens still count in the document's length. */
#define PL_INDEX_MAX_TERM 512

typedef struct pl_index_token {
    const char *term; /* not NUL-terminated */
    uint32_t len;
    uint32_t pos; /* token position within the document */
} pl_index_token;

/* Starts a write; only one writer at a time (an exclusive lock on the folder:
 * PL_ERR_BUSY when another process holds it). */
int pl_index_begin(pl_index *ix, pl_index_writer **out, pl_err *err);
/* Adds a document with its tokens (copied). `doc` must exceed every id in the
 * index and in this writer. A document with no tokens is still counted. */
int pl_index_add(pl_index_writer *w, int64_t doc, const pl_index_token *toks, size_t n,
                 pl_err *err);
/* Marks a document deleted (it may be in this writer or a segment); a missing
 * id is ignored. */
int pl_index_delete(pl_index_writer *w, int64_t doc, pl_err *err);
/* Marks every document already in the index deleted (the writer's own
 * additions stay): for rebuilding the index from scratch. */
int pl_index_delete_all(pl_index_writer *w, pl_err *err);
/* Writes the documents added so far into a segment file, not yet published,
 * and frees their memory: a long write stays bounded. The commit publishes
 * the flushed segments with the rest; an abort (or a crash) leaves their
 * files to be removed as orphans. A flushed document cannot be deleted by
 * the same writer (PL_ERR_USAGE). A failure leaves the writer unusable:
 * abort it. */
int pl_index_flush(pl_index_writer *w, pl_err *err);
/* Publishes the writer's changes atomically together with `seq`, then frees
 * the writer (also on failure, when nothing is published). May merge
 * segments to keep their number low. */
int pl_index_commit(pl_index_writer *w, uint64_t seq, pl_err *err);
void pl_index_abort(pl_index_writer *w);

/* Merges the segments into as few as a merge's memory bound allows (one up
 * to some 256 MB of index) and rewrites a segment left alone without its
 * deleted documents: a search then looks each term up once. Each merge is
 * published on its own, so a failure or a crash leaves a valid index.
 * `progress` (may be NULL) gets the live bytes merged so far of those to
 * merge, before the first merge, during each (by the share of its input
 * terms merged) and after it; non-zero from it stops the merge under way,
 * which leaves nothing, or the next one (PL_ERR_USAGE): the merges made
 * stay. Takes the write lock (PL_ERR_BUSY when another handle holds it,
 * PL_ERR_USAGE while this one writes). */
int pl_index_optimize(pl_index *ix,
                      int (*progress)(void *ctx, uint64_t done, uint64_t total), void *ctx,
                      pl_err *err);

/* ---- reading ---- */

/* Documents containing `term` (deleted ones included, as BM25's statistics
 * customarily do): the document frequency for IDF. */
uint64_t pl_index_df(pl_index *ix, const char *term, size_t len);

/* Opens an iterator over the live documents containing `term`, ascending by
 * id. A term that is absent gives an iterator that is at its end at once.
 * With `positions` 0 the positions are never read. */
int pl_postings_open(pl_index *ix, const char *term, size_t len, int positions,
                     pl_postings **out, pl_err *err);
/* Moves to the next document: 1 when there is one, 0 at the end, <0 on a
 * corrupt segment (a status). */
int pl_postings_next(pl_postings *p);
/* Moves to the first document with id >= target: 1, 0 or <0 as above. */
int pl_postings_seek(pl_postings *p, int64_t target);
int64_t pl_postings_doc(const pl_postings *p);
/* The current document's tf; a damaged block gives 1 and sets the status. */
uint32_t pl_postings_tf(pl_postings *p);
uint32_t pl_postings_doclen(const pl_postings *p); /* the document's length in tokens */
/* The current document's positions, ascending; valid until the next move.
 * Only when opened with positions; they are decoded on this call, so that
 * documents whose positions are never asked for cost nothing. NULL with *n 0
 * when the data is corrupt (pl_postings_status then tells). */
const uint32_t *pl_postings_positions(pl_postings *p, uint32_t *n);
/* PL_OK, or the status that stopped the iterator. */
int pl_postings_status(const pl_postings *p);

/* The live documents containing `term`, as a bitmap by id (bit d of
 * bits[d / 64]; ids from *n_ids on are not in it): for testing many
 * documents against a long list, such as a language term, without walking
 * it. Made on first use and kept with the index's current view (at most 64
 * terms); valid until the handle next moves to a new view (a refresh, a
 * commit or an optimize). *bits is NULL when the cache is full; PL_ERR_NOMEM or a corrupt
 * segment's status fail. */
int pl_index_term_bits(pl_index *ix, const char *term, size_t len, const uint64_t **bits,
                       int64_t *n_ids, pl_err *err);

/* ---- bounds for ranked retrieval ----
 * Every posting a bound covers has tf <= max_tf and doc length / tf >=
 * min_ratio (integer division, at least 1), which bounds BM25 whatever the
 * collection's average length is. */

/* Over all of the term's postings in the index. */
void pl_postings_term_bound(const pl_postings *p, uint32_t *max_tf, uint32_t *min_ratio);
/* Over the postings block holding the current document (only while on one):
 * returns the highest id the block can hold, so that a ranked query that
 * finds the block hopeless seeks past it without decoding it. */
int64_t pl_postings_block(const pl_postings *p, uint32_t *max_tf, uint32_t *min_ratio);
void pl_postings_close(pl_postings *p);

/* ---- checking ---- */

/* Verifies every file's checksum and structure. */
int pl_index_verify(pl_index *ix, pl_err *err);
/* Calls fn for every live document id, ascending; stops when fn returns
 * non-zero and returns that value. */
int pl_index_each_doc(pl_index *ix, int (*fn)(void *ctx, int64_t doc), void *ctx);

#endif
