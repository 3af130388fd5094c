/*
 * merge.c - keeping the number of segments low by merging neighbours.
 *
 * Each commit adds a segment; searches pay per segment, so once there are
 * more than IX_MAX_SEGMENTS the run of IX_MERGE_WIDTH adjacent segments with
 * the fewest live bytes is merged into one. Choosing the cheapest run lets
 * small recent segments merge often and large old ones rarely (the usual
 * tiered behaviour), and merging only neighbours keeps the segment list in
 * ascending id order, which the one-sweep postings iterator relies on.
 * A merge drops deleted documents and is published by its own manifest.
 * Runs over IX_MERGE_MAX_BYTES are never merged, which bounds a merge's
 * memory and keeps indexing throughput flat as the index grows.
 */
#include "index/index_internal.h"

#include <stdlib.h>
#include <string.h>

/* Live bytes: the segment's size scaled by its share of live documents. */
static double live_weight(const ix_view_seg *vs) {
    double live = (double)(vs->seg->n_docs - (vs->del ? vs->del->n_deleted : 0));
    return (double)vs->seg->size * live / (double)vs->seg->n_docs;
}

int ix_maybe_merge(pl_index *ix, pl_err *err) {
    while (ix->view->n > IX_MAX_SEGMENTS) {
        const ix_view *v = ix->view;
        size_t width = IX_MERGE_WIDTH < v->n ? IX_MERGE_WIDTH : v->n;
        size_t best = v->n;
        double best_w = 0;
        for (size_t first = 0; first + width <= v->n; first++) {
            double sum = 0;
            for (size_t i = first; i < first + width; i++)
                sum += live_weight(&v->segs[i]);
            /* On a tie the later run wins: newer segments are the small ones. */
            if (sum <= (double)IX_MERGE_MAX_BYTES && (best == v->n || sum <= best_w)) {
                best = first;
                best_w = sum;
            }
        }
        if (best == v->n) return PL_OK; /* every run is too large to merge */
        int rc = ix_merge_range(ix, best, width, NULL, err);
        if (rc) return rc;
    }
    return PL_OK;
}

/* The end of the run from segment i on that an optimize merges: as many
 * segments as fit IX_OPTIMIZE_MAX_BYTES (at least segment i). */
static size_t optimize_run(const ix_view *v, size_t i, double *bytes) {
    double sum = live_weight(&v->segs[i]);
    size_t j = i + 1;
    while (j < v->n && sum + live_weight(&v->segs[j]) <= (double)IX_OPTIMIZE_MAX_BYTES)
        sum += live_weight(&v->segs[j++]);
    *bytes = sum;
    return j;
}

/* Whether the run [i, j) is worth rewriting: several segments, or one that
 * holds deleted documents. */
static int worth_rewriting(const ix_view *v, size_t i, size_t j) {
    const ix_view_seg *vs = &v->segs[i];
    return j - i > 1 || (vs->del && vs->del->n_deleted > 0);
}

/* What an optimize tells its caller: the bytes merged so far, counting the
 * merge under way by the share of its input terms merged. */
typedef struct optimize_watch {
    int (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *ctx;
    double done, bytes, total; /* before this merge; this merge's; all */
    int stopped;               /* the caller asked to stop */
} optimize_watch;

/* Reports `at` of the total, short of it until all is merged: a caller
 * may take "done == total" for the end. */
static int report(optimize_watch *o, double at) {
    if (at > o->total - 1) at = o->total - 1;
    return o->progress(o->ctx, (uint64_t)(at > 0 ? at : 0), (uint64_t)o->total) != 0;
}

static int on_merge_share(void *ctx, double share) {
    optimize_watch *o = ctx;
    return o->stopped = share < 1 && report(o, o->done + share * o->bytes);
}

int pl_index_optimize(pl_index *ix,
                      int (*progress)(void *ctx, uint64_t done, uint64_t total), void *ctx,
                      pl_err *err) {
    /* A writer, though nothing is added: it holds the folder's lock, and
     * keeps this handle from starting another write while the merges
     * publish their views. */
    pl_index_writer *w;
    int rc = pl_index_begin(ix, &w, err); /* the lock, on the latest commit */
    if (rc) return rc;
    optimize_watch o = {progress, ctx, 0, 0, 0, 0};
    double bytes;
    for (size_t i = 0, j; i < ix->view->n; i = j) {
        j = optimize_run(ix->view, i, &bytes);
        if (worth_rewriting(ix->view, i, j)) o.total += bytes;
    }
    /* A stop asked for is heeded in the merge under way (which then leaves
     * nothing) or before the next, if there is one. */
    int stop = progress && o.total > 0 && report(&o, 0), cancelled = 0, merged = 0;
    size_t i = 0;
    while (i < ix->view->n && rc == PL_OK) {
        size_t j = optimize_run(ix->view, i, &bytes);
        if (!worth_rewriting(ix->view, i, j)) {
            i++;
            continue;
        }
        if (stop) {
            cancelled = 1;
            break;
        }
        o.bytes = bytes;
        ix_merge_watch mw = {on_merge_share, &o};
        rc = ix_merge_range(ix, i, j - i, progress ? &mw : NULL, err);
        if (rc == PL_ERR_USAGE && o.stopped) { /* asked to stop mid-merge */
            cancelled = 1;
            break;
        }
        merged = 1;
        /* A later run may take in this merge's segment again: the bytes
         * count once, and the report stays short of the total. */
        o.done += bytes;
        if (rc == PL_OK && progress) stop = report(&o, o.done);
        /* The next run begins at the merged segment, now at its own size,
         * which is less than its inputs' (what deleted documents and
         * repeated dictionary entries took): it may take in neighbours
         * that did not fit before. (A run with nothing live left none.) */
    }
    if (cancelled) {
        pl_err_clear(err); /* the merge's own "failed" is no failure */
        rc = pl_err_set(err, PL_ERR_USAGE, "%s: optimize cancelled", ix->dir);
    } else if (rc == PL_OK && merged && progress) {
        progress(ctx, (uint64_t)o.total, (uint64_t)o.total); /* all merged */
    }
    /* A merge that failed half-way may have left its segment file behind;
     * the lock is still held, so it can go now. */
    if (rc && !cancelled) {
        pl_err ignored = PL_ERR_INIT;
        if (ix_reload(ix, &ignored) == PL_OK) ix_remove_orphans(ix);
    }
    pl_index_abort(w);
    return rc;
}

/* Feeds the merged documents: the live ones of each segment, in order, with
 * remap[i][local] their new local number (UINT32_MAX when deleted). */
static int merge_docs(const ix_view *v, size_t first, size_t count, ix_seg_builder *b,
                      uint32_t **remap) {
    uint32_t next = 0;
    for (size_t i = 0; i < count; i++) {
        const ix_view_seg *vs = &v->segs[first + i];
        const ix_segment *s = vs->seg;
        remap[i] = malloc(s->n_docs * sizeof **remap);
        if (!remap[i]) return PL_ERR_NOMEM;
        for (uint64_t d = 0; d < s->n_docs; d++) {
            if (ix_is_deleted(vs->del, d)) {
                remap[i][d] = UINT32_MAX;
                continue;
            }
            if (next == UINT32_MAX - 1) return PL_ERR_USAGE;
            remap[i][d] = next++;
            int rc = ix_builder_add_doc(b, ix_seg_doc_id(s, d), ix_seg_doc_len(s, d));
            if (rc) return rc;
        }
    }
    return PL_OK;
}

/* Merges the dictionaries term by term; for each term, the postings of the
 * segments holding it are appended in segment order with remapped docs. */
#define WATCH_EVERY 4096 /* input terms between two reports to a watch */

static int merge_terms(const ix_view *v, size_t first, size_t count, ix_seg_builder *b,
                       uint32_t **remap, const ix_merge_watch *watch, pl_err *err) {
    uint64_t in_terms = 0, seen = 0;
    for (size_t i = 0; i < count; i++)
        in_terms += v->segs[first + i].seg->n_terms;
    ix_term_cursor *tc = malloc(count * sizeof *tc);
    int *live = calloc(count, sizeof *live);
    ix_seg_cursor cur;
    memset(&cur, 0, sizeof cur);
    int rc = (!tc || !live) ? PL_ERR_NOMEM : PL_OK;
    size_t bad = 0;
    for (size_t i = 0; i < count && rc == PL_OK; i++) {
        ix_terms_init(&tc[i], v->segs[first + i].seg);
        live[i] = ix_terms_next(&tc[i]);
        if (live[i] < 0) rc = live[i], bad = i;
    }
    while (rc == PL_OK) {
        size_t min = count;
        for (size_t i = 0; i < count; i++) {
            if (live[i] != 1) continue;
            if (min == count ||
                ix_term_cmp(tc[i].term, tc[i].len, tc[min].term, tc[min].len) < 0)
                min = i;
        }
        if (min == count) break;
        unsigned char term[PL_INDEX_MAX_TERM];
        uint32_t len = tc[min].len;
        memcpy(term, tc[min].term, len);
        rc = ix_builder_term_begin(b, term, len);
        for (size_t i = min; i < count && rc == PL_OK; i++) {
            if (live[i] != 1 || ix_term_cmp(tc[i].term, tc[i].len, term, len) != 0)
                continue;
            const ix_view_seg *vs = &v->segs[first + i];
            ix_cursor_init(&cur, vs->seg, &tc[i].info, IX_POS_EAGER);
            int got;
            while ((got = ix_cursor_next(&cur)) == 1) {
                uint32_t to = remap[i][cur.doc];
                if (to == UINT32_MAX) continue;
                if ((rc = ix_builder_term_doc(b, to, cur.positions, cur.tf)) != PL_OK)
                    break;
            }
            if (rc == PL_OK && got < 0) rc = got, bad = i;
            if (rc == PL_OK) {
                live[i] = ix_terms_next(&tc[i]);
                if (live[i] < 0) rc = live[i], bad = i;
            }
            if (rc == PL_OK && watch && ++seen % WATCH_EVERY == 0 &&
                watch->fn(watch->ctx, (double)seen / (double)(in_terms ? in_terms : 1)))
                rc = PL_ERR_USAGE;
        }
        if (rc == PL_OK) rc = ix_builder_term_end(b);
    }
    if (rc == PL_ERR_CORRUPT)
        pl_err_set(err, rc, "%s: corrupt data found while merging",
                   v->segs[first + bad].seg->path);
    ix_cursor_free(&cur);
    free(tc);
    free(live);
    return rc;
}

int ix_merge_range(pl_index *ix, size_t first, size_t count, const ix_merge_watch *watch,
                   pl_err *err) {
    ix_view *v = ix->view;
    v->refs++; /* publishing replaces ix->view */
    ix_manifest m;
    memset(&m, 0, sizeof m);
    ix_seg_builder *b = malloc(sizeof *b);
    uint32_t **remap = calloc(count, sizeof *remap);
    int rc = (!b || !remap) ? PL_ERR_NOMEM : PL_OK;
    if (b) ix_builder_init(b);
    if (rc == PL_OK) rc = merge_docs(v, first, count, b, remap);
    if (rc == PL_OK && b->n_docs > 0)
        rc = merge_terms(v, first, count, b, remap, watch, err);
    if (rc == PL_OK) rc = ix_manifest_from_view(v, &m, err);
    if (rc == PL_OK) {
        m.gen = v->gen + 1;
        /* The merged segment replaces the run; none at all if nothing lives. */
        ix_manifest_entry merged = {0};
        size_t add = 0;
        if (b->n_docs > 0) {
            merged.seg_id = m.next_seg_id++;
            merged.n_docs = b->n_docs;
            rc = ix_builder_finish(b, ix->dir, merged.seg_id, &merged.seg_bytes, err);
            add = 1;
        }
        if (rc == PL_OK) {
            if (add) m.e[first] = merged;
            memmove(&m.e[first + add], &m.e[first + count],
                    (m.n - first - count) * sizeof *m.e);
            m.n = m.n - count + add;
            rc = ix_publish(ix, &m, err);
        }
    }
    if (rc) pl_err_set(err, rc, "%s: merge failed: %s", ix->dir, pl_strerror(rc));
    ix_manifest_free(&m);
    if (remap)
        for (size_t i = 0; i < count; i++)
            free(remap[i]);
    free(remap);
    if (b) ix_builder_free(b);
    free(b);
    ix_view_release(v);
    return rc;
}
