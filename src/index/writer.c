/*
 * writer.c - collecting changes in memory and committing them.
 *
 * Added documents go into an in-memory inverted index: a hash table from
 * term to a growing buffer of postings (doc ordinal delta, tf, position
 * deltas, all varints). Deletes of documents in existing segments become
 * copy-on-write delete bitmaps; deletes of documents added in this writer
 * just mark them, and they are left out when the segment is written.
 *
 * Commit writes the new segment and delete files, fsyncs them, then
 * publishes one manifest naming them: until that rename nothing is visible,
 * and a failure leaves the old manifest in charge (the files written for
 * the failed commit are removed as orphans). A long write may flush its
 * documents into segment files before that (pl_index_flush), which bounds
 * its memory; they too are named only by the commit's manifest.
 */
#include "index/index_internal.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

typedef struct wterm {
    uint32_t off, len; /* the term's bytes in the arena */
    uint32_t hash;
    uint32_t df;
    int64_t last; /* ordinal of the last doc posted; -1 before any */
    /* While a document is being added: whether it has the term yet (its
     * ordinal), its tf, and where its positions go in the scratch. */
    int64_t seen;
    uint32_t doc_tf, doc_fill;
    pl_buf post;
} wterm;

typedef struct tokpair {
    uint32_t term, pos;
} tokpair;

struct pl_index_writer {
    pl_index *ix;
    ix_view *base; /* the view the writer's deletes refer to */
    int status;    /* set when a failure left the writer unusable */
    int delete_all;
    int64_t max_id; /* added ids must exceed this */

    int64_t *ids; /* added documents, by ordinal (ascending ids) */
    uint32_t *lens;
    unsigned char *gone; /* deleted again before the commit */
    size_t n_docs, cap_docs, n_gone;

    pl_buf arena; /* term bytes */
    wterm *terms;
    size_t n_terms, cap_terms;
    uint32_t *table; /* open addressing: term index + 1, 0 when free */
    size_t table_cap;

    tokpair *pairs; /* scratch for one document */
    uint32_t *distinct, *sortbuf;
    size_t cap_pairs;

    unsigned char **newbits; /* per base segment: its updated delete bitmap */
    uint64_t *new_deleted;   /* per base segment: its updated delete count */

    /* Segments flushed by this writer, to be published by its commit, and
     * the id the next one takes; their documents are first_flushed and up. */
    ix_manifest_entry *flushed;
    size_t n_flushed, cap_flushed;
    uint64_t next_seg_id;
    int64_t first_flushed, last_flushed;
};

/* ---- in-memory inverted index ---- */

static int grow_table(pl_index_writer *w) {
    size_t cap = w->table_cap ? w->table_cap * 2 : 1024;
    uint32_t *t = calloc(cap, sizeof *t);
    if (!t) return PL_ERR_NOMEM;
    for (size_t i = 0; i < w->n_terms; i++) {
        size_t slot = w->terms[i].hash & (cap - 1);
        while (t[slot])
            slot = (slot + 1) & (cap - 1);
        t[slot] = (uint32_t)i + 1;
    }
    free(w->table);
    w->table = t;
    w->table_cap = cap;
    return PL_OK;
}

/* Finds or adds a term; returns its index, or -1 when out of memory. */
static int64_t intern(pl_index_writer *w, const char *term, uint32_t len) {
    if ((w->n_terms + 1) * 2 > w->table_cap && grow_table(w)) return -1;
    uint32_t h = (uint32_t)XXH3_64bits(term, len);
    size_t mask = w->table_cap - 1, slot = h & mask;
    while (w->table[slot]) {
        const wterm *t = &w->terms[w->table[slot] - 1];
        if (t->hash == h && t->len == len && memcmp(w->arena.data + t->off, term, len) == 0)
            return w->table[slot] - 1;
        slot = (slot + 1) & mask;
    }
    if (w->n_terms >= UINT32_MAX - 1 || w->arena.len > UINT32_MAX - len) return -1;
    if (w->n_terms == w->cap_terms) {
        size_t cap = w->cap_terms ? w->cap_terms * 2 : 256;
        wterm *t = realloc(w->terms, cap * sizeof *t);
        if (!t) return -1;
        w->terms = t;
        w->cap_terms = cap;
    }
    uint32_t off = (uint32_t)w->arena.len;
    pl_buf_append(&w->arena, term, len);
    if (w->arena.oom) return -1;
    wterm *t = &w->terms[w->n_terms];
    t->off = off;
    t->len = len;
    t->hash = h;
    t->df = 0;
    t->last = -1;
    t->seen = -1;
    memset(&t->post, 0, sizeof t->post);
    w->table[slot] = (uint32_t)++w->n_terms;
    return (int64_t)w->n_terms - 1;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int grow_docs(pl_index_writer *w) {
    if (w->n_docs < w->cap_docs) return PL_OK;
    size_t cap = w->cap_docs ? w->cap_docs * 2 : 256;
    int64_t *ids = realloc(w->ids, cap * sizeof *ids);
    if (!ids) return PL_ERR_NOMEM;
    w->ids = ids;
    uint32_t *lens = realloc(w->lens, cap * sizeof *lens);
    if (!lens) return PL_ERR_NOMEM;
    w->lens = lens;
    unsigned char *gone = realloc(w->gone, cap);
    if (!gone) return PL_ERR_NOMEM;
    w->gone = gone;
    w->cap_docs = cap;
    return PL_OK;
}

int pl_index_add(pl_index_writer *w, int64_t doc, const pl_index_token *toks, size_t n,
                 pl_err *err) {
    if (w->status) return pl_err_set(err, w->status, "the index writer failed earlier");
    if (doc <= w->max_id)
        return pl_err_set(err, PL_ERR_USAGE, "index: document %lld does not exceed %lld",
                          (long long)doc, (long long)w->max_id);
    if (n > UINT32_MAX || w->n_docs >= UINT32_MAX - 1)
        return pl_err_set(err, PL_ERR_USAGE, "index: document %lld is too large",
                          (long long)doc);
    if (grow_docs(w)) return pl_err_set(err, PL_ERR_NOMEM, "index: out of memory");
    if (n > w->cap_pairs) {
        tokpair *p = realloc(w->pairs, n * sizeof *p);
        if (p) w->pairs = p;
        uint32_t *d = p ? realloc(w->distinct, n * sizeof *d) : NULL;
        if (d) w->distinct = d;
        uint32_t *sb = d ? realloc(w->sortbuf, n * sizeof *sb) : NULL;
        if (sb) w->sortbuf = sb;
        if (!sb) return pl_err_set(err, PL_ERR_NOMEM, "index: out of memory");
        w->cap_pairs = n;
    }

    /* Group the tokens by term without sorting: count each term's tokens,
     * give each term a run of the scratch, then drop the positions into
     * their runs. pairs[i].term is token i's term, pairs[i].pos the scratch. */
    int64_t ord = (int64_t)w->n_docs;
    size_t m = 0, n_distinct = 0;
    for (size_t i = 0; i < n; i++) {
        if (toks[i].len == 0 || toks[i].len > PL_INDEX_MAX_TERM) continue;
        int64_t t = intern(w, toks[i].term, toks[i].len);
        if (t < 0) {
            w->status = PL_ERR_NOMEM;
            return pl_err_set(err, PL_ERR_NOMEM, "index: out of memory");
        }
        wterm *wt = &w->terms[t];
        if (wt->seen != ord) {
            wt->seen = ord;
            wt->doc_tf = 0;
            w->distinct[n_distinct++] = (uint32_t)t;
        }
        wt->doc_tf++;
        w->pairs[m++].term = (uint32_t)t;
    }
    uint32_t at = 0;
    for (size_t k = 0; k < n_distinct; k++) {
        wterm *wt = &w->terms[w->distinct[k]];
        wt->doc_fill = at;
        at += wt->doc_tf;
    }
    for (size_t i = 0, j = 0; i < n; i++) {
        if (toks[i].len == 0 || toks[i].len > PL_INDEX_MAX_TERM) continue;
        w->pairs[w->terms[w->pairs[j].term].doc_fill++].pos = toks[i].pos;
        j++;
    }
    for (size_t k = 0; k < n_distinct; k++) {
        wterm *t = &w->terms[w->distinct[k]];
        uint32_t tf = t->doc_tf, end = t->doc_fill, first = end - tf;
        int sorted = 1;
        for (uint32_t i = first + 1; i < end; i++)
            if (w->pairs[i].pos < w->pairs[i - 1].pos) sorted = 0;
        if (!sorted) { /* callers give positions in order; be safe anyway */
            for (uint32_t i = first; i < end; i++)
                w->sortbuf[i - first] = w->pairs[i].pos;
            qsort(w->sortbuf, tf, sizeof *w->sortbuf, cmp_u32);
            for (uint32_t i = first; i < end; i++)
                w->pairs[i].pos = w->sortbuf[i - first];
        }
        pl_buf_put_varint(&t->post, (uint64_t)(ord - t->last));
        pl_buf_put_varint(&t->post, tf);
        uint32_t prev = 0;
        for (uint32_t i = first; i < end; i++) {
            pl_buf_put_varint(&t->post, w->pairs[i].pos - prev);
            prev = w->pairs[i].pos;
        }
        if (t->post.oom) {
            /* Part of the document is posted: the writer cannot go on. */
            w->status = PL_ERR_NOMEM;
            return pl_err_set(err, PL_ERR_NOMEM, "index: out of memory");
        }
        t->last = ord;
        t->df++;
    }
    w->ids[w->n_docs] = doc;
    w->lens[w->n_docs] = (uint32_t)n;
    w->gone[w->n_docs] = 0;
    w->n_docs++;
    w->max_id = doc;
    return PL_OK;
}

/* ---- deletes ---- */

static int delete_in_segment(pl_index_writer *w, int64_t doc) {
    ix_view *v = w->base;
    size_t lo = 0, hi = v->n; /* first segment whose last id >= doc */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->segs[mid].seg->last_id < doc)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == v->n || v->segs[lo].seg->first_id > doc) return PL_OK;
    const ix_segment *s = v->segs[lo].seg;
    uint64_t local = ix_seg_lower_bound(s, doc);
    if (local >= s->n_docs || ix_seg_doc_id(s, local) != doc) return PL_OK;
    if (!w->newbits[lo]) {
        uint64_t nb = ix_bitmap_bytes(s->n_docs);
        unsigned char *bits = calloc(nb, 1);
        if (!bits) return PL_ERR_NOMEM;
        const ix_deletes *d = v->segs[lo].del;
        if (d) memcpy(bits, d->bits, nb);
        w->newbits[lo] = bits;
        w->new_deleted[lo] = d ? d->n_deleted : 0;
    }
    if (ix_bit(w->newbits[lo], local)) return PL_OK; /* deleted already */
    w->newbits[lo][local >> 3] |= (unsigned char)(1u << (local & 7));
    w->new_deleted[lo]++;
    return PL_OK;
}

int pl_index_delete(pl_index_writer *w, int64_t doc, pl_err *err) {
    if (w->status) return pl_err_set(err, w->status, "the index writer failed earlier");
    if (w->n_flushed && doc >= w->first_flushed && doc <= w->last_flushed)
        return pl_err_set(err, PL_ERR_USAGE,
                          "index: document %lld was flushed by this write: it cannot be "
                          "deleted before the commit",
                          (long long)doc);
    if (w->n_docs > 0 && doc >= w->ids[0]) {
        size_t lo = 0, hi = w->n_docs;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (w->ids[mid] < doc)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < w->n_docs && w->ids[lo] == doc && !w->gone[lo]) {
            w->gone[lo] = 1;
            w->n_gone++;
        }
        return PL_OK;
    }
    if (w->delete_all) return PL_OK;
    if (delete_in_segment(w, doc))
        return pl_err_set(err, PL_ERR_NOMEM, "index: out of memory deleting %lld",
                          (long long)doc);
    return PL_OK;
}

int pl_index_delete_all(pl_index_writer *w, pl_err *err) {
    if (w->status) return pl_err_set(err, w->status, "the index writer failed earlier");
    w->delete_all = 1;
    /* Ids restart: only the writer's own additions still constrain them. */
    w->max_id = w->n_docs ? w->ids[w->n_docs - 1] : INT64_MIN;
    return PL_OK;
}

/* ---- begin, abort ---- */

int pl_index_begin(pl_index *ix, pl_index_writer **out, pl_err *err) {
    *out = NULL;
    if (ix->flags & PL_INDEX_READONLY)
        return pl_err_set(err, PL_ERR_USAGE, "%s: opened read-only", ix->dir);
    if (ix->writer)
        return pl_err_set(err, PL_ERR_USAGE, "%s: a write is already in progress", ix->dir);
    int rc = ix_lock(ix, err);
    if (rc) return rc;
    rc = ix_reload(ix, err); /* write on top of the latest commit */
    if (rc) {
        ix_unlock(ix);
        return rc;
    }
    pl_index_writer *w = calloc(1, sizeof *w);
    size_t n = ix->view->n ? ix->view->n : 1;
    if (w) {
        w->newbits = calloc(n, sizeof *w->newbits);
        w->new_deleted = calloc(n, sizeof *w->new_deleted);
    }
    if (!w || !w->newbits || !w->new_deleted) {
        if (w) {
            free(w->newbits);
            free(w->new_deleted);
        }
        free(w);
        ix_unlock(ix);
        return pl_err_set(err, PL_ERR_NOMEM, "%s: out of memory", ix->dir);
    }
    w->ix = ix;
    w->base = ix->view;
    w->base->refs++;
    const ix_view *v = w->base;
    w->max_id = v->n ? v->segs[v->n - 1].seg->last_id : INT64_MIN;
    w->next_seg_id = v->next_seg_id;
    ix->writer = w;
    *out = w;
    return PL_OK;
}

/* Forgets the added documents (written out, or the writer ends): it holds
 * none. */
static void clear_added(pl_index_writer *w) {
    for (size_t i = 0; i < w->n_terms; i++)
        pl_buf_free(&w->terms[i].post);
    free(w->terms);
    free(w->table);
    pl_buf_free(&w->arena);
    w->terms = NULL;
    w->table = NULL;
    w->n_terms = w->cap_terms = w->table_cap = 0;
    w->n_docs = w->n_gone = 0;
}

static void writer_free(pl_index_writer *w) {
    clear_added(w);
    free(w->ids);
    free(w->lens);
    free(w->gone);
    free(w->pairs);
    free(w->distinct);
    free(w->sortbuf);
    for (size_t i = 0; i < w->base->n; i++)
        free(w->newbits[i]);
    free(w->newbits);
    free(w->new_deleted);
    free(w->flushed);
    ix_view_release(w->base);
    w->ix->writer = NULL;
    ix_unlock(w->ix);
    free(w);
}

void pl_index_abort(pl_index_writer *w) {
    if (!w) return;
    /* Flushed segments are named by no manifest: remove them now (the lock
     * is still held) rather than at the next open. */
    if (w->n_flushed) ix_remove_orphans(w->ix);
    writer_free(w);
}

/* ---- commit ---- */

typedef struct term_ref {
    const unsigned char *bytes;
    uint32_t len, index;
} term_ref;

static int cmp_term_ref(const void *a, const void *b) {
    const term_ref *x = a, *y = b;
    return ix_term_cmp(x->bytes, x->len, y->bytes, y->len);
}

/* Feeds the live added documents and their postings, sorted by term. */
static int fill_builder(pl_index_writer *w, ix_seg_builder *b) {
    uint32_t *newno = malloc((w->n_docs ? w->n_docs : 1) * sizeof *newno);
    term_ref *order = malloc((w->n_terms ? w->n_terms : 1) * sizeof *order);
    uint32_t *pos = NULL;
    uint64_t cap = 0;
    int rc = (!newno || !order) ? PL_ERR_NOMEM : PL_OK;
    uint32_t k = 0;
    for (size_t i = 0; i < w->n_docs && rc == PL_OK; i++) {
        if (w->gone[i]) continue;
        newno[i] = k++;
        rc = ix_builder_add_doc(b, w->ids[i], w->lens[i]);
    }
    if (rc == PL_OK) {
        for (size_t i = 0; i < w->n_terms; i++)
            order[i] =
                (term_ref){w->arena.data + w->terms[i].off, w->terms[i].len, (uint32_t)i};
        if (w->n_terms > 1) qsort(order, w->n_terms, sizeof *order, cmp_term_ref);
    }
    for (size_t i = 0; i < w->n_terms && rc == PL_OK; i++) {
        const wterm *t = &w->terms[order[i].index];
        rc = ix_builder_term_begin(b, order[i].bytes, order[i].len);
        const unsigned char *p = t->post.data, *end = p + t->post.len;
        int64_t ord = -1;
        while (rc == PL_OK && p < end) {
            uint64_t d, tf;
            if (pl_varint_get(&p, end, &d) || pl_varint_get(&p, end, &tf) || tf == 0 ||
                tf > UINT32_MAX) {
                rc = PL_ERR_INTERNAL;
                break;
            }
            ord += (int64_t)d;
            if (tf > cap) {
                uint32_t *np = realloc(pos, tf * sizeof *np);
                if (!np) {
                    rc = PL_ERR_NOMEM;
                    break;
                }
                pos = np;
                cap = tf;
            }
            uint64_t at = 0;
            for (uint64_t j = 0; j < tf; j++) {
                uint64_t pd;
                if (pl_varint_get(&p, end, &pd)) {
                    rc = PL_ERR_INTERNAL;
                    break;
                }
                at += pd;
                pos[j] = (uint32_t)at;
            }
            if (rc == PL_OK && !w->gone[ord])
                rc = ix_builder_term_doc(b, newno[ord], pos, (uint32_t)tf);
        }
        if (rc == PL_OK) rc = ix_builder_term_end(b);
    }
    free(newno);
    free(order);
    free(pos);
    return rc;
}

/* After a failed commit: whatever the manifest on disk names is the truth;
 * the files this commit wrote are orphans unless it got published. */
static void clean_after_failure(pl_index *ix) {
    pl_err ignored = PL_ERR_INIT;
    if (ix_reload(ix, &ignored) == PL_OK) ix_remove_orphans(ix);
}

/* Writes the writer's live documents as segment `id` (fsynced); its entry
 * for a manifest in *e. */
static int write_segment(pl_index_writer *w, uint64_t id, ix_manifest_entry *e,
                         pl_err *err) {
    pl_index *ix = w->ix;
    ix_seg_builder *b = malloc(sizeof *b);
    if (!b) return pl_err_set(err, PL_ERR_NOMEM, "%s: out of memory", ix->dir);
    ix_builder_init(b);
    uint64_t bytes = 0;
    int rc = fill_builder(w, b);
    if (rc)
        pl_err_set(err, rc, "%s: cannot build a segment: %s", ix->dir, pl_strerror(rc));
    else
        rc = ix_builder_finish(b, ix->dir, id, &bytes, err);
    ix_builder_free(b);
    free(b);
    *e = (ix_manifest_entry){id, w->n_docs - w->n_gone, bytes, 0, 0};
    return rc;
}

int pl_index_flush(pl_index_writer *w, pl_err *err) {
    pl_index *ix = w->ix;
    if (w->status) return pl_err_set(err, w->status, "the index writer failed earlier");
    if (w->n_docs == w->n_gone) return PL_OK;
    if (w->n_flushed == w->cap_flushed) {
        size_t cap = w->cap_flushed ? w->cap_flushed * 2 : 8;
        ix_manifest_entry *grown = realloc(w->flushed, cap * sizeof *grown);
        if (!grown) return pl_err_set(err, PL_ERR_NOMEM, "%s: out of memory", ix->dir);
        w->flushed = grown;
        w->cap_flushed = cap;
    }
    int64_t first = w->ids[0];
    int rc = write_segment(w, w->next_seg_id, &w->flushed[w->n_flushed], err);
    if (rc) {
        /* The file, if any, is an orphan; the documents are lost to this
         * write, which can only be aborted now. */
        w->status = rc;
        return rc;
    }
    if (!w->n_flushed) w->first_flushed = first;
    w->last_flushed = w->max_id;
    w->n_flushed++;
    w->next_seg_id++;
    clear_added(w);
    return PL_OK;
}

int pl_index_commit(pl_index_writer *w, uint64_t seq, pl_err *err) {
    pl_index *ix = w->ix;
    const ix_view *v = w->base;
    if (w->status) {
        int st = w->status;
        writer_free(w);
        return pl_err_set(err, st, "%s: the index writer failed earlier", ix->dir);
    }
    ix_manifest m;
    int rc = ix_manifest_from_view(v, &m, err);
    if (rc) {
        writer_free(w);
        return rc;
    }
    m.gen = v->gen + 1;
    m.seq = seq;
    if (w->next_seg_id > m.next_seg_id) m.next_seg_id = w->next_seg_id;
    if (w->n_flushed) { /* room for them and the last one */
        ix_manifest_entry *grown = realloc(m.e, (v->n + w->n_flushed + 1) * sizeof *m.e);
        if (!grown) {
            ix_manifest_free(&m);
            writer_free(w);
            return pl_err_set(err, PL_ERR_NOMEM, "%s: out of memory", ix->dir);
        }
        m.e = grown;
    }

    /* Deletes in existing segments: a new delete file per touched segment,
     * or no entry at all for a segment left without a live document. */
    size_t kept = 0;
    for (size_t i = 0; i < v->n && rc == PL_OK; i++) {
        ix_manifest_entry e = m.e[i];
        if (w->delete_all) continue;
        if (w->newbits[i]) {
            if (w->new_deleted[i] == e.n_docs) continue;
            rc = ix_deletes_write(ix->dir, e.seg_id, m.gen, e.n_docs, w->newbits[i],
                                  w->new_deleted[i], &(uint64_t){0}, err);
            e.del_gen = m.gen;
            e.n_deleted = w->new_deleted[i];
        }
        m.e[kept++] = e;
    }
    m.n = kept;
    for (size_t i = 0; i < w->n_flushed; i++)
        m.e[m.n++] = w->flushed[i];

    if (rc == PL_OK && w->n_docs > w->n_gone) {
        rc = write_segment(w, m.next_seg_id++, &m.e[m.n], err);
        m.n++;
    }
    if (rc == PL_OK) rc = ix_publish(ix, &m, err);
    ix_manifest_free(&m);
    if (rc) {
        clean_after_failure(ix);
        writer_free(w);
        return rc;
    }
    /* The commit is published; merging only tidies. A failed merge leaves
     * the index valid (with more segments), and the next commit retries. */
    pl_err merge_err = PL_ERR_INIT;
    if (ix_maybe_merge(ix, &merge_err) != PL_OK) clean_after_failure(ix);
    writer_free(w);
    return PL_OK;
}
