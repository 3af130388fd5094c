/*
 * db.h - the database handle that ties the catalog, the index and the
 * analyzer together, and the steps every write shares.
 */
#ifndef PL_CORE_DB_H
#define PL_CORE_DB_H

#include "catalog/catalog.h"
#include "group/group.h"
#include "index/index.h"
#include "plotline.h"
#include "text/text.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/memo.h"
#include "xling/xling.h"

/* What a thread needs to prepare records (write.c) and synopses for the
 * index (db.c) on its own: an analyzer and memos of words' keys and
 * splits. The handle's thread uses the handle's; a helper thread
 * (util/ahead.h) the handle's `helper`, made by pl_db_helper. */
typedef struct pl_worker {
    pl_analyzer *an;
    pl_memo *word_keys;
    pl_memo *splits;
} pl_worker;

struct pl_db {
    pl_catalog *cat;  /* the source of truth */
    pl_index *ix;     /* derived; caught up on open and after each write */
    pl_analyzer *an;  /* for indexing, queries and snippets */
    char *path;       /* the catalog file */
    char *index_path; /* "<path>.idx" */
    int flags;        /* PL_OPEN_* */
    pl_batch *batch;  /* the open batch, if any */
    pl_err err;       /* the last failure's message */
    /* The catalog's languages, most synopses first, for query planning:
     * counting them is a scan of the catalog, so they are kept while the
     * index's seq (which follows every write) stays the same. */
    pl_lang_count *plan_langs;
    size_t n_plan_langs;
    uint64_t plan_langs_seq;
    int plan_langs_valid;
    /* What query translation (search/translate.c) works out from the
     * lexicon alone: how much of a translation reads back as its source's
     * sense, and the last part of a translated compound. The lexicon does
     * not change while the handle is open, and queries ask the same again.
     * NULL until the first query translates. */
    pl_memo *lexicon_memo;
    /* What an import asks again document after document and batch after
     * batch: a word's compound split (db.c) and a word's match keys
     * (grouping.c), by language and word. Made by the first large sync or
     * the first batch; NULL until then. */
    pl_memo *splits;
    pl_memo *word_keys;
    /* The helper thread's analyzer and memos (pl_db_helper), kept from
     * batch to batch; helper.an is NULL until first made. */
    pl_worker helper;
    int helper_tried;
    /* The analyzer and memo of splits of the thread that writes the index
     * beside a batch (pl_db_feeder), kept like the helper's. */
    pl_worker feeder;
};

/* The parts pl_xling_split_unknown finds in a word of lang (its index term
 * `term`), as NUL-terminated index terms one after another in out[0..cap),
 * *used bytes; returns their number, or a negative status. Through the
 * handle's memo of splits when it has one: splitting tries every cut
 * against the vocabulary, and the same words come back in document after
 * document. Indexing (db.c) and snippets (search/snippet.c) split alike. */
int pl_db_split_word(pl_db *db, const pl_xling *x, const char *lang, const char *word,
                     size_t wlen, const char *term, size_t term_len, char *out, size_t cap,
                     size_t *used);

/* Makes the handle's memo of splits, if it has none (a memo that cannot be
 * had only costs time). */
void pl_db_keep_splits(pl_db *db);

/* Records a failure on the handle: clears the previous message first. */
int pl_db_fail(pl_db *db, const pl_err *e);

/* Feeds the index every catalog change it does not hold yet, committing in
 * chunks so that memory stays bounded on a large catch-up. */
int pl_db_sync_index(pl_db *db, pl_progress_fn progress, void *ctx, pl_err *err);

/* Checks a synopsis's text as every write does (valid UTF-8, no NUL, not
 * empty, at most PL_MAX_RECORD bytes); the message starts with `where`.
 * PL_OK or PL_ERR_INPUT. */
int pl_synopsis_text_check(const char *where, const char *text, size_t len, pl_err *err);

/* Grouping new synopses into episodes (grouping.c). A batch feeds every
 * synopsis it adds to pl_grouper_add (which stores its match keys; `place`
 * says it came without an episode label, so grouping decides its episode)
 * and calls pl_grouper_run before committing. *g is created on first use. */
typedef struct pl_grouper pl_grouper;
int pl_grouper_add(pl_db *db, pl_grouper **g, int64_t id, const char *lang,
                   const char *text, size_t len, int place, pl_err *err);
/* The same with the synopsis's match keys worked out already (taken: freed
 * by the grouper, also on failure). */
int pl_grouper_add_keyed(pl_db *db, pl_grouper **g, int64_t id, const char *lang,
                         const char *text, size_t len, int place, pl_group_key *keys,
                         size_t n_keys, pl_err *err);
int pl_grouper_run(pl_db *db, pl_grouper *g, pl_err *err);
void pl_grouper_free(pl_grouper *g);

/* The queues of work done ahead (write.c's records, db.c's changes): so
 * many items at most, so many bytes of their text at most, and a slot
 * keeps its item's room for the next one up to PL_AHEAD_KEEP_BYTES, the
 * queue's bytes shared out, so that what slots keep stays within the
 * queue's bound too (a slot each holding a record of PL_MAX_RECORD would be
 * gigabytes). */
#define PL_AHEAD_DEPTH 4096
#define PL_AHEAD_BYTES (32u << 20)
#define PL_AHEAD_KEEP_BYTES (PL_AHEAD_BYTES / PL_AHEAD_DEPTH)

/* The memos' sizes: some 150,000 words with their keys, 100,000 with
 * their parts. */
#define PL_WORD_MEMO_BYTES (8u << 20)
#define PL_SPLIT_MEMO_BYTES (4u << 20)

/* The handle's own worker (its memos made if missing: a memo that cannot
 * be had only costs time). */
pl_worker pl_db_worker(pl_db *db);

/* The worker of the thread that writes the index beside a batch (feed.c):
 * an analyzer and a memo of splits, made on first use and kept with the
 * handle, so that a batch after another does not learn the same splits
 * again; NULL when out of memory. */
pl_worker *pl_db_feeder(pl_db *db);

/* The helper thread's worker, made on first use and kept with the handle;
 * NULL when the machine has one processor, when PLOTLINE_THREADS is 1, or
 * when out of memory: then there is no helper, and the handle's thread
 * does everything. */
pl_worker *pl_db_helper(pl_db *db);

/* The match keys of a text in lang (its base language), as grouping
 * computes them, with the worker's analyzer and memo. */
int pl_worker_keys(pl_worker *w, const char *lang, const char *text, size_t len,
                   pl_group_key **keys, size_t *n);

/* The base language of a tag for analysis ("pt-br" -> "pt"), in out[PL_LANG_MAX]. */
void pl_base_lang(const char *tag, char *out);

/* ---- a synopsis's index terms (db.c) ---- */

/* Documents are committed to the index (or flushed) in chunks of this many
 * bytes of text, which bounds the writer's memory. */
#define PL_INDEX_CHUNK_BYTES (64u << 20)

typedef struct pl_term_ref {
    size_t off; /* into the arena */
    uint32_t len;
    uint32_t pos;
} pl_term_ref;

/* A synopsis's terms as analysis gives them: their bytes one after another
 * (which may move as they grow) and where each lies. Zeroed to start; reused
 * from one synopsis to the next. */
typedef struct pl_doc_terms {
    pl_buf arena;
    pl_term_ref *refs;
    size_t n_refs, cap_refs;
} pl_doc_terms;

/* A synopsis's terms for the index in its language, with the worker's
 * analyzer and memo of splits: PL_OK or PL_ERR_NOMEM. */
int pl_db_analyze_doc(const pl_worker *w, const char *lang, const char *text, size_t len,
                      pl_doc_terms *d);
/* Adds them to the writer as document id; *toks (*cap of them) is scratch
 * that grows as needed, the caller's to free. */
int pl_doc_terms_add(pl_index_writer *w, int64_t id, const pl_doc_terms *d,
                     pl_index_token **toks, size_t *cap, pl_err *err);
void pl_doc_terms_free(pl_doc_terms *d);

/* ---- the index written beside a batch (feed.c) ---- */

/* A batch that adds many synopses has them indexed while it goes on, by a
 * thread of its own, into an index writer that is committed right after the
 * catalog's transaction: the batch's catch-up is then mostly done by the
 * time it commits. Only when the index holds every change before the batch
 * (else the catch-up does it all, as for any batch). */
typedef struct pl_feed pl_feed;

/* The feed for a batch on db, or NULL when there is to be none: the index
 * is behind the catalog, its writer is busy, or no thread or memory can be
 * had. Called on the batch's thread before it stores anything. */
pl_feed *pl_feed_start(pl_db *db);
/* A synopsis the batch stored (the next change of the catalog's log):
 * copied and queued for indexing; waits while the queue is full. */
void pl_feed_add(pl_feed *f, int64_t id, const char *lang, const char *text, size_t len);
/* After the catalog committed up to change `seq`: waits for the queue to
 * empty, and commits the index with that seq when every change since the
 * start was fed and indexed. Frees f. Returns PL_OK, or the failure (the
 * index is then as before, and the ordinary catch-up does the work). */
int pl_feed_finish(pl_feed *f, uint64_t seq, pl_err *err);
/* Drops the feed and what it wrote (the batch was rolled back). */
void pl_feed_abort(pl_feed *f);

#endif
