/*
 * feed.c - the index written beside a batch, on a thread of its own.
 *
 * Without it a large import stores and groups its records, commits the
 * catalog, and only then catches the index up from the change log: the
 * index's work (analysis, compound splits, postings: a fifth of an import)
 * waits for the catalog's. Here the batch hands each synopsis it stores to
 * a queue, and a thread analyzes it and adds it to an index writer while
 * the batch goes on; the writer flushes full chunks into segment files that
 * nothing names yet (pl_index_flush). The catalog commits first; then the
 * writer commits with the catalog's last change, so the index never holds
 * what the catalog may still roll back, and a crash in between leaves an
 * index that the next open catches up (and orphan files it removes).
 *
 * The feed gives up rather than risk a wrong index: when anything fails, or
 * the synopses fed are not exactly the catalog's changes since the start,
 * the writer is dropped and the ordinary catch-up indexes the batch.
 *
 * Its queue is not util/ahead.h's: there the batch's thread takes every item
 * back, and prepares one itself when the helper lags; here every synopsis
 * must pass, in order, through the one thread that owns the writer, and the
 * batch never takes anything back.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "db.h"

/* Synopses queued at most, and bytes of their text: the batch waits for the
 * thread beyond these. A slot keeps its room for the next synopsis up to
 * FEED_BYTES / FEED_DEPTH, so that what the slots keep is bounded too. */
#define FEED_DEPTH 8192
#define FEED_BYTES (64u << 20)

/* The thread's nice value: the lowest priority. */
#define FEED_NICE 19

typedef struct feed_item {
    int64_t id;
    char lang[PL_LANG_MAX];
    char *text;
    size_t len, cap;
} feed_item;

struct pl_feed {
    pl_index_writer *w;
    pl_worker *worker; /* the handle's feeder: the thread's alone while it runs */
    uint64_t start_seq, n_fed;

    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work, room;
    feed_item items[FEED_DEPTH];
    size_t head, tail, bytes; /* counters; a slot is % FEED_DEPTH */
    int closing;              /* no more items: finish the queue and stop */
    int dropping;             /* stop without indexing what is queued */

    /* The thread's (read by the batch once it has stopped): */
    int status;
    pl_err err;
    uint64_t chunk_bytes;
    pl_doc_terms terms;
    pl_index_token *toks;
    size_t cap_toks;
};

/* Indexes one synopsis; a failure stops the indexing, not the queue. */
static void index_item(pl_feed *f, const feed_item *it) {
    if (f->status) return;
    int rc = pl_db_analyze_doc(f->worker, it->lang, it->text, it->len, &f->terms);
    if (rc) {
        f->status = pl_err_set(&f->err, rc, "indexing synopsis %lld: out of memory",
                               (long long)it->id);
        return;
    }
    rc = pl_doc_terms_add(f->w, it->id, &f->terms, &f->toks, &f->cap_toks, &f->err);
    f->chunk_bytes += it->len;
    if (!rc && f->chunk_bytes >= PL_INDEX_CHUNK_BYTES) {
        rc = pl_index_flush(f->w, &f->err);
        f->chunk_bytes = 0;
    }
    if (rc) f->status = rc;
}

static void *feed_thread(void *arg) {
    pl_feed *f = arg;
#if defined(__linux__)
    /* The batch's own thread is an import's bottleneck (storing, grouping):
     * this one takes what it leaves of the processors. On Linux a thread
     * has a nice value of its own; elsewhere it competes as an equal. */
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), FEED_NICE);
#endif
    pthread_mutex_lock(&f->mu);
    for (;;) {
        if (f->head == f->tail) {
            if (f->closing) break;
            pthread_cond_wait(&f->work, &f->mu);
            continue;
        }
        if (f->dropping) break;
        /* The slot is the thread's until head moves past it. */
        feed_item *it = &f->items[f->head % FEED_DEPTH];
        pthread_mutex_unlock(&f->mu);
        index_item(f, it);
        if (it->cap > FEED_BYTES / FEED_DEPTH) { /* a long synopsis's room is not kept */
            free(it->text);
            it->text = NULL;
            it->cap = 0;
        }
        pthread_mutex_lock(&f->mu);
        f->bytes -= it->len;
        f->head++;
        pthread_cond_signal(&f->room);
    }
    pthread_mutex_unlock(&f->mu);
    return NULL;
}

static void feed_free(pl_feed *f) {
    for (size_t i = 0; i < FEED_DEPTH; i++)
        free(f->items[i].text);
    pl_doc_terms_free(&f->terms);
    free(f->toks);
    free(f);
}

pl_feed *pl_feed_start(pl_db *db) {
    pl_err err = PL_ERR_INIT;
    uint64_t seq;
    if (pl_catalog_last_seq(db->cat, &seq, &err)) return NULL;
    pl_worker *fw = pl_db_feeder(db);
    if (!fw) return NULL;
    pl_feed *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->start_seq = seq;
    f->worker = fw;
    /* The writer is begun here, on the batch's thread: beginning reloads
     * the handle's view of the index, which only this thread may touch;
     * the view's seq is then the index's (another handle may have written). */
    if (pl_index_begin(db->ix, &f->w, &err)) {
        feed_free(f);
        return NULL;
    }
    if (pl_index_seq(db->ix) != seq) { /* behind: the catch-up does it all */
        pl_index_abort(f->w);
        feed_free(f);
        return NULL;
    }
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->work, NULL);
    pthread_cond_init(&f->room, NULL);
    if (pthread_create(&f->thread, NULL, feed_thread, f)) {
        pthread_cond_destroy(&f->room);
        pthread_cond_destroy(&f->work);
        pthread_mutex_destroy(&f->mu);
        pl_index_abort(f->w);
        feed_free(f);
        return NULL;
    }
    return f;
}

void pl_feed_add(pl_feed *f, int64_t id, const char *lang, const char *text, size_t len) {
    pthread_mutex_lock(&f->mu);
    while (f->tail - f->head == FEED_DEPTH ||
           (f->tail != f->head && f->bytes + len > FEED_BYTES))
        pthread_cond_wait(&f->room, &f->mu);
    feed_item *it = &f->items[f->tail % FEED_DEPTH];
    pthread_mutex_unlock(&f->mu);
    /* The slot is the batch's until tail moves past it. */
    if (len + 1 > it->cap) {
        char *grown = realloc(it->text, len + 1);
        if (!grown) {
            f->n_fed = UINT64_MAX; /* one missing: the feed cannot be committed */
            return;
        }
        it->text = grown;
        it->cap = len + 1;
    }
    memcpy(it->text, text, len);
    it->text[len] = 0;
    it->len = len;
    it->id = id;
    pl_str_copy(it->lang, sizeof it->lang, lang);
    if (f->n_fed != UINT64_MAX) f->n_fed++;
    pthread_mutex_lock(&f->mu);
    f->bytes += len;
    f->tail++;
    pthread_cond_signal(&f->work);
    pthread_mutex_unlock(&f->mu);
}

/* Stops the thread: after the queue when `drop` is 0, at once otherwise. */
static void stop(pl_feed *f, int drop) {
    pthread_mutex_lock(&f->mu);
    f->closing = 1;
    f->dropping = drop;
    pthread_cond_signal(&f->work);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL);
    pthread_cond_destroy(&f->room);
    pthread_cond_destroy(&f->work);
    pthread_mutex_destroy(&f->mu);
}

int pl_feed_finish(pl_feed *f, uint64_t seq, pl_err *err) {
    stop(f, 0);
    int rc = f->status;
    if (rc)
        *err = f->err;
    else if (f->n_fed != seq - f->start_seq)
        rc = pl_err_set(err, PL_ERR_INTERNAL,
                        "indexing beside the batch: %llu synopses fed for %llu changes",
                        (unsigned long long)f->n_fed,
                        (unsigned long long)(seq - f->start_seq));
    if (rc)
        pl_index_abort(f->w);
    else
        rc = pl_index_commit(f->w, seq, err);
    feed_free(f);
    return rc;
}

void pl_feed_abort(pl_feed *f) {
    if (!f) return;
    stop(f, 1);
    pl_index_abort(f->w);
    feed_free(f);
}
