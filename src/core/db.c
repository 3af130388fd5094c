/*
 * db.c - opening and closing a database; keeping the index caught up with
 * the catalog.
 *
 * Writes go to the catalog first (one SQLite transaction, durable when it
 * returns) and to the index second. If the process dies in between, the
 * index is simply behind: the next open replays the catalog's change log
 * from the sequence the index holds. So a write is acknowledged once the
 * catalog has it, and search never disagrees with the catalog after an open.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "util/ahead.h"
#include "util/memo.h"
#include "xling/xling.h"

int pl_db_fail(pl_db *db, const pl_err *e) {
    db->err = *e;
    return e->status;
}

const char *pl_db_errmsg(const pl_db *db) {
    return db ? db->err.msg : "";
}

void pl_base_lang(const char *tag, char *out) {
    size_t n = 0;
    while (tag && tag[n] && tag[n] != '-' && tag[n] != '_' && n < PL_LANG_MAX - 1) {
        out[n] = tag[n];
        n++;
    }
    out[n] = 0;
}

int pl_lexicon_check(char *why, size_t n) {
    pl_err err = PL_ERR_INIT;
    if (pl_xling_default(&err) || err.status == PL_OK) return PL_OK; /* or none asked for */
    if (why && n) pl_str_copy(why, n, err.msg[0] ? err.msg : pl_strerror(err.status));
    return err.status;
}

int pl_db_open(const char *path, int flags, pl_db **out) {
    return pl_db_open_progress(path, flags, NULL, NULL, out);
}

int pl_db_open_progress(const char *path, int flags, pl_progress_fn progress, void *ctx,
                        pl_db **out) {
    *out = NULL;
    pl_db *db = calloc(1, sizeof *db);
    if (!db) return PL_ERR_NOMEM;
    *out = db;
    pl_err err = PL_ERR_INIT;
    size_t n = strlen(path);
    db->flags = flags;
    db->path = strdup(path);
    db->index_path = malloc(n + 5);
    if (!db->path || !db->index_path) {
        pl_err_set(&err, PL_ERR_NOMEM, "opening %s: out of memory", path);
        return pl_db_fail(db, &err);
    }
    memcpy(db->index_path, path, n);
    memcpy(db->index_path + n, ".idx", 5);
    int rc;
    if ((rc = pl_catalog_open(path, flags, &db->cat, &err)) ||
        (rc = pl_analyzer_new(&db->an) ? pl_err_set(&err, PL_ERR_NOMEM, "out of memory")
                                       : 0) ||
        (rc = pl_index_open(db->index_path,
                            (flags & PL_OPEN_READONLY) ? PL_INDEX_READONLY : 0, &db->ix,
                            &err)))
        return pl_db_fail(db, &err);
    if (!(flags & PL_OPEN_READONLY) && (rc = pl_db_sync_index(db, progress, ctx, &err)))
        return pl_db_fail(db, &err);
    return PL_OK;
}

/* A helper's or the feeder's worker: the handle's own parts are freed
 * one by one (its analyzer is also used outside any worker). */
static void worker_free(pl_worker *w) {
    pl_memo_free(w->word_keys);
    pl_memo_free(w->splits);
    pl_analyzer_free(w->an);
}

void pl_db_close(pl_db *db) {
    if (!db) return;
    if (db->batch) pl_batch_abort(db->batch);
    pl_index_close(db->ix);
    free(db->plan_langs);
    pl_memo_free(db->lexicon_memo);
    pl_memo_free(db->splits);
    pl_memo_free(db->word_keys);
    worker_free(&db->helper);
    worker_free(&db->feeder);
    pl_analyzer_free(db->an);
    pl_catalog_close(db->cat);
    free(db->path);
    free(db->index_path);
    free(db);
}

/* ---- catching the index up -------------------------------------------- */

/* A catch-up of this many changes or more (an import's) makes the handle's
 * memo of compound splits, if it has none, and has the helper thread
 * analyze ahead (below); a smaller one is a few writes, for which neither
 * pays. */
#define LARGE_SYNC 64

void pl_doc_terms_free(pl_doc_terms *d) {
    pl_buf_free(&d->arena);
    free(d->refs);
}

static int collect_token(void *vctx, const pl_token *t) {
    pl_doc_terms *d = vctx;
    if (d->n_refs == d->cap_refs) {
        size_t cap = d->cap_refs ? d->cap_refs * 2 : 256;
        pl_term_ref *grown = realloc(d->refs, cap * sizeof *grown);
        if (!grown) return PL_ERR_NOMEM;
        d->refs = grown;
        d->cap_refs = cap;
    }
    d->refs[d->n_refs++] = (pl_term_ref){d->arena.len, (uint32_t)t->len, t->pos};
    pl_buf_append(&d->arena, t->term, t->len);
    return d->arena.oom ? PL_ERR_NOMEM : 0;
}

/* A word of a compounding language (German, Dutch, the Scandinavian
 * languages, Finnish, Hungarian) is indexed whole and, when the lexicon
 * does not know it, by its parts too, at the word's position: a reader's
 * "test" or a translated "Test" then meets "Schwangerschaftstest". The query
 * side splits the same way (src/search/translate.c). */
typedef struct split_ctx {
    pl_doc_terms *d;
    pl_memo *splits;
    const pl_xling *x;
    const char *lang, *text;
} split_ctx;

void pl_db_keep_splits(pl_db *db) {
    if (!db->splits) db->splits = pl_memo_new(PL_SPLIT_MEMO_BYTES);
}

pl_worker pl_db_worker(pl_db *db) {
    if (!db->word_keys) db->word_keys = pl_memo_new(PL_WORD_MEMO_BYTES);
    return (pl_worker){db->an, db->word_keys, db->splits};
}

pl_worker *pl_db_feeder(pl_db *db) {
    pl_worker *f = &db->feeder;
    if (!f->an && pl_analyzer_new(&f->an)) {
        f->an = NULL;
        return NULL;
    }
    if (!f->splits) f->splits = pl_memo_new(PL_SPLIT_MEMO_BYTES); /* none: only slower */
    return f;
}

pl_worker *pl_db_helper(pl_db *db) {
    if (db->helper.an) return &db->helper;
    if (db->helper_tried) return NULL;
    db->helper_tried = 1;
    /* One processor: a helper would only take turns with the handle's
     * thread. */
    const char *threads = getenv("PLOTLINE_THREADS");
    if ((threads && atoi(threads) == 1) || sysconf(_SC_NPROCESSORS_ONLN) < 2) return NULL;
    pl_worker *h = &db->helper;
    h->word_keys = pl_memo_new(PL_WORD_MEMO_BYTES);
    h->splits = pl_memo_new(PL_SPLIT_MEMO_BYTES);
    if (pl_analyzer_new(&h->an)) h->an = NULL;
    return h->an ? h : NULL;
}

/* pl_db_split_word through the memo `splits` (NULL: none). */
static int split_word(pl_memo *splits, const pl_xling *x, const char *lang,
                      const char *word, size_t wlen, const char *term, size_t term_len,
                      char *out, size_t cap, size_t *used) {
    char key[PL_LANG_MAX + 4 * PL_TERM_MAX + 2];
    size_t lang_len = strlen(lang), klen = lang_len + 1 + wlen;
    int memo = splits && klen <= sizeof key;
    if (memo) {
        memcpy(key, lang, lang_len + 1);
        memcpy(key + lang_len + 1, word, wlen);
        const void *val;
        size_t vlen;
        if (pl_memo_get(splits, key, klen, &val, &vlen) && vlen <= cap) {
            memcpy(out, val, vlen);
            *used = vlen;
            int n = 0;
            for (size_t i = 0; i < vlen; i++)
                n += out[i] == 0;
            return n;
        }
    }
    pl_xling_part parts[PL_XLING_MAX_PARTS];
    int n = pl_xling_split_unknown(x, lang, word, wlen, term, term_len, parts,
                                   PL_XLING_MAX_PARTS);
    *used = 0;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(parts[i].term) + 1;
        if (*used + l > cap) return PL_ERR_INTERNAL;
        memcpy(out + *used, parts[i].term, l);
        *used += l;
    }
    if (memo && n >= 0) pl_memo_put(splits, key, klen, out, *used);
    return n;
}

int pl_db_split_word(pl_db *db, const pl_xling *x, const char *lang, const char *word,
                     size_t wlen, const char *term, size_t term_len, char *out, size_t cap,
                     size_t *used) {
    return split_word(db->splits, x, lang, word, wlen, term, term_len, out, cap, used);
}

static int collect_with_parts(void *vctx, const pl_token *t) {
    split_ctx *c = vctx;
    int rc = collect_token(c->d, t);
    if (rc) return rc;
    char parts[PL_XLING_MAX_PARTS * (PL_TERM_MAX + 1)];
    size_t used;
    int n = split_word(c->splits, c->x, c->lang, c->text + t->start, t->end - t->start,
                       t->term, t->len, parts, sizeof parts, &used);
    const char *p = parts;
    for (int i = 0; i < n && !rc; i++) {
        size_t l = strlen(p);
        rc = collect_token(c->d, &(pl_token){.term = p, .len = l, .pos = t->pos});
        p += l + 1;
    }
    return rc;
}

int pl_db_analyze_doc(const pl_worker *w, const char *lang, const char *text, size_t len,
                      pl_doc_terms *d) {
    char base[PL_LANG_MAX];
    pl_base_lang(lang, base);
    pl_buf_reset(&d->arena);
    d->n_refs = 0;
    const pl_xling *x = pl_xling_default(NULL);
    split_ctx split = {d, w->splits, x, base, text};
    int rc = pl_xling_can_split(x, base)
                 ? pl_analyze(w->an, base, text, len, collect_with_parts, &split)
                 : pl_analyze(w->an, base, text, len, collect_token, d);
    if (!rc && base[0]) { /* the language term (see PL_INDEX_LANG_PREFIX) */
        char mark[PL_INDEX_LANG_TERM_MAX];
        size_t n = pl_index_lang_term(base, mark);
        rc = collect_token(d, &(pl_token){.term = mark, .len = n, .pos = 0});
    }
    return rc ? PL_ERR_NOMEM : PL_OK;
}

/* Of a catch-up, analyzing the synopses (three quarters of it) depends on
 * each alone; adding them to the writer must follow the change log. A
 * large catch-up (LARGE_SYNC) has a helper thread (util/ahead.h) analyze
 * the changes queued behind the one being added. */

/* A change, copied, and its synopsis's terms once prepared. */
typedef struct queued_change {
    uint64_t seq;
    int op;
    int64_t id;
    char lang[PL_LANG_MAX];
    char *text; /* NULL when the change has none */
    size_t text_len, text_cap;
    pl_doc_terms terms;
    int rc; /* of the analysis */
} queued_change;

static void prepare_change(void *item, void *worker) {
    queued_change *q = item;
    q->rc = q->op == PL_CHANGE_ADD && q->text
                ? pl_db_analyze_doc(worker, q->lang, q->text, q->text_len, &q->terms)
                : PL_OK;
}

static void release_change(void *item) {
    queued_change *q = item;
    free(q->text);
    pl_doc_terms_free(&q->terms);
}

typedef struct sync_ctx {
    pl_db *db;
    pl_index_writer *w;
    pl_err *err;
    pl_doc_terms terms; /* of the current synopsis, when analyzed here */
    pl_index_token *toks;
    size_t cap_toks;
    uint64_t chunk_bytes, last_seq, done, total;
    pl_progress_fn progress;
    void *progress_ctx;
    pl_ahead *ahead; /* NULL: each change analyzed as it comes */
} sync_ctx;

int pl_doc_terms_add(pl_index_writer *w, int64_t id, const pl_doc_terms *d,
                     pl_index_token **toks, size_t *cap, pl_err *err) {
    if (d->n_refs > *cap) {
        pl_index_token *grown = realloc(*toks, d->n_refs * sizeof *grown);
        if (!grown) return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
        *toks = grown;
        *cap = d->n_refs;
    }
    for (size_t i = 0; i < d->n_refs; i++)
        (*toks)[i] = (pl_index_token){(const char *)d->arena.data + d->refs[i].off,
                                      d->refs[i].len, d->refs[i].pos};
    return pl_index_add(w, id, *toks, d->n_refs, err);
}

/* Applies one change in log order; `d`: its synopsis's terms (for an add
 * with text), `rc` the analysis's status. */
static int apply_change(sync_ctx *s, uint64_t seq, int op, int64_t id, int has_text,
                        size_t text_len, const pl_doc_terms *d, int rc) {
    if (rc)
        return pl_err_set(s->err, PL_ERR_NOMEM, "indexing synopsis %lld: out of memory",
                          (long long)id);
    if (!s->w && (rc = pl_index_begin(s->db->ix, &s->w, s->err))) return rc;
    if (op == PL_CHANGE_ADD && has_text) {
        rc = pl_doc_terms_add(s->w, id, d, &s->toks, &s->cap_toks, s->err);
        s->chunk_bytes += text_len;
    } else if (op == PL_CHANGE_DELETE) {
        rc = pl_index_delete(s->w, id, s->err);
    } else {
        rc = PL_OK; /* added, then deleted later in the log: nothing to index */
    }
    if (rc) return rc;
    s->last_seq = seq;
    s->done++;
    if (s->chunk_bytes >= PL_INDEX_CHUNK_BYTES) {
        rc = pl_index_commit(s->w, s->last_seq, s->err);
        s->w = NULL;
        s->chunk_bytes = 0;
        if (rc) return rc;
    }
    if (s->progress && (s->done & 255) == 0 &&
        s->progress(s->progress_ctx, s->done, s->total))
        return pl_err_set(s->err, PL_ERR_USAGE, "indexing cancelled");
    return 0;
}

/* Applies the oldest queued change. */
static int apply_oldest(sync_ctx *s) {
    pl_worker own = pl_db_worker(s->db);
    queued_change *q = pl_ahead_oldest(s->ahead, &own);
    int rc = apply_change(s, q->seq, q->op, q->id, q->text != NULL, q->text_len, &q->terms,
                          q->rc);
    /* A long synopsis's room is not kept in its slot (as write.c). */
    if (q->text_cap > PL_AHEAD_KEEP_BYTES || q->terms.arena.cap > PL_AHEAD_KEEP_BYTES) {
        free(q->text);
        q->text = NULL;
        q->text_cap = 0;
        pl_doc_terms_free(&q->terms);
        memset(&q->terms, 0, sizeof q->terms);
    }
    pl_ahead_pop(s->ahead);
    return rc;
}

/* Fills a queue slot with a copy of ch: PL_OK or PL_ERR_NOMEM. */
static int queue_change(queued_change *q, const pl_change *ch) {
    q->seq = ch->seq;
    q->op = ch->op;
    q->id = ch->synopsis_id;
    pl_str_copy(q->lang, sizeof q->lang, ch->lang ? ch->lang : "");
    if (!ch->text) {
        free(q->text);
        q->text = NULL;
        q->text_cap = 0;
        return PL_OK;
    }
    if (ch->text_len + 1 > q->text_cap) {
        char *grown = realloc(q->text, ch->text_len + 1);
        if (!grown) return PL_ERR_NOMEM;
        q->text = grown;
        q->text_cap = ch->text_len + 1;
    }
    memcpy(q->text, ch->text, ch->text_len);
    q->text[ch->text_len] = 0;
    q->text_len = ch->text_len;
    return PL_OK;
}

static int sync_change(void *vctx, const pl_change *ch) {
    sync_ctx *s = vctx;
    if (s->ahead) {
        while (pl_ahead_full(s->ahead)) {
            int rc = apply_oldest(s);
            if (rc) return rc;
        }
        if (queue_change(pl_ahead_slot(s->ahead), ch))
            return pl_err_set(s->err, PL_ERR_NOMEM, "indexing: out of memory");
        pl_ahead_push(s->ahead, ch->text ? ch->text_len : 0);
        return 0;
    }
    int has_text = ch->op == PL_CHANGE_ADD && ch->text;
    int rc = PL_OK;
    if (has_text) {
        pl_worker own = pl_db_worker(s->db);
        rc = pl_db_analyze_doc(&own, ch->lang, ch->text, ch->text_len, &s->terms);
    }
    return apply_change(s, ch->seq, ch->op, ch->synopsis_id, ch->text != NULL, ch->text_len,
                        &s->terms, rc);
}

int pl_db_sync_index(pl_db *db, pl_progress_fn progress, void *pctx, pl_err *err) {
    /* Another handle may have indexed changes since this one last looked:
     * the index's own seq, not the handle's view of it, says where to start
     * (replaying what is indexed would fail on its first id). */
    int rc = pl_index_refresh(db->ix, err);
    if (rc) return rc;
    uint64_t have = pl_index_seq(db->ix), want;
    rc = pl_catalog_last_seq(db->cat, &want, err);
    if (rc || have >= want) return rc;
    sync_ctx s = {.db = db,
                  .err = err,
                  .last_seq = have,
                  .total = want - have,
                  .progress = progress,
                  .progress_ctx = pctx};
    /* Splits are remembered from the first sync of many synopses (an
     * import) on; a memo that cannot be had only costs time. */
    if (s.total >= LARGE_SYNC) pl_db_keep_splits(db);
    pl_worker *helper = s.total >= LARGE_SYNC ? pl_db_helper(db) : NULL;
    if (helper)
        s.ahead = pl_ahead_start(sizeof(queued_change), PL_AHEAD_DEPTH, PL_AHEAD_BYTES,
                                 prepare_change, helper);
    rc = pl_catalog_changes(db->cat, have, sync_change, &s, err);
    while (!rc && s.ahead && !pl_ahead_empty(s.ahead))
        rc = apply_oldest(&s);
    pl_ahead_stop(s.ahead, release_change);
    if (!rc && s.w) {
        rc = pl_index_commit(s.w, s.last_seq, err);
        s.w = NULL;
    }
    if (s.w) pl_index_abort(s.w);
    if (!rc && progress) progress(pctx, s.total, s.total);
    pl_doc_terms_free(&s.terms);
    free(s.toks);
    return rc;
}
