/*
 * postings.c - iterating postings: per segment, then across the index.
 *
 * ix_seg_cursor decodes one term's postings in one segment: blocks of up to
 * IX_BLOCK_DOCS docs, bit-packed (packed.c) or, in blocks of few docs, each
 * doc a delta varint (low bit: tf == 1) and maybe a tf, with the positions
 * in a separate section read only when asked for. A
 * block the cursor lands in is decoded whole into arrays (docs, tfs), so
 * that stepping and short seeks are array reads rather than a varint
 * decoder's call and checks per doc. The
 * skip table before the blocks gives each block's last doc, byte lengths and
 * pruning bounds, so a seek jumps over whole blocks without decoding them and
 * a ranked query can pass over blocks that cannot reach its top results.
 * In lazy mode a doc's positions are decoded only when asked for: the
 * cursor counts the position varints it passes and steps over them then.
 *
 * pl_postings chains the segments of one view in manifest order (ascending
 * ids), hides deleted docs and maps local doc numbers to synopsis ids. It
 * keeps a reference on its view, so a concurrent refresh is harmless.
 */
#include "index/index_internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- one segment ---- */

void ix_cursor_init(ix_seg_cursor *c, const ix_segment *s, const ix_term_info *ti,
                    int want_pos) {
    /* Field by field: the block arrays need no clearing, and a cursor is
     * set up for every term of a query in every segment. */
    c->seg = s;
    c->want_pos = want_pos;
    c->bad = 0;
    c->left = ti->df;
    c->term_max_tf = c->blk_max_tf = ti->max_tf;
    c->term_min_ratio = c->blk_min_ratio = ti->min_ratio;
    c->doc = -1;
    c->tf = 0;
    c->blk_last = -1;
    c->skip_prev = -1;
    c->n_blk = c->i = c->pos_doc = 0;
    c->tfs_from = NULL;
    c->pos_ready = 0;
    c->npos = 0;
    c->blk = c->blk_end = c->pos = c->pos_end = NULL;
    c->skip = c->skip_end = NULL;
    const unsigned char *p = s->post + ti->post_off;
    c->post_end = p + ti->post_len;
    c->next_pos = s->pos + ti->pos_off;
    c->pos_all_end = c->next_pos + ti->pos_len;
    if (ti->df > IX_BLOCK_DOCS) {
        uint64_t skip_len;
        if (pl_varint_get(&p, c->post_end, &skip_len) ||
            skip_len > (uint64_t)(c->post_end - p)) {
            c->bad = 1;
            return;
        }
        c->skip = p;
        c->skip_end = p + skip_len;
        p = c->skip_end;
    }
    c->next_blk = p;
}

void ix_cursor_free(ix_seg_cursor *c) {
    free(c->positions);
    c->positions = NULL;
    c->cap = 0;
}

/* Reaches the next block: its skip entry (bounds, last doc, byte lengths),
 * not yet its docs. The term's last block must end its byte ranges. */
static int load_header(ix_seg_cursor *c) {
    c->pos_doc = 0;
    c->pos_ready = 0;
    c->tfs_from = NULL; /* the lazy tfs were the block left behind's */
    if (c->skip) {
        uint64_t d, nb, np, mtf, mratio;
        if (pl_varint_get(&c->skip, c->skip_end, &d) ||
            pl_varint_get(&c->skip, c->skip_end, &nb) ||
            pl_varint_get(&c->skip, c->skip_end, &np) ||
            pl_varint_get(&c->skip, c->skip_end, &mtf) ||
            pl_varint_get(&c->skip, c->skip_end, &mratio))
            return PL_ERR_CORRUPT;
        if (mtf == 0 || mtf > UINT32_MAX || mratio == 0 || mratio > UINT32_MAX)
            return PL_ERR_CORRUPT;
        c->blk_max_tf = (uint32_t)mtf;
        c->blk_min_ratio = (uint32_t)mratio;
        if (d == 0 || d > c->seg->n_docs ||
            (uint64_t)(c->skip_prev + (int64_t)d) >= c->seg->n_docs)
            return PL_ERR_CORRUPT;
        if (nb > (uint64_t)(c->post_end - c->next_blk) ||
            np > (uint64_t)(c->pos_all_end - c->next_pos))
            return PL_ERR_CORRUPT;
        c->blk_last = c->skip_prev + (int64_t)d;
        c->skip_prev = c->blk_last;
        c->blk = c->next_blk;
        c->blk_end = c->blk + nb;
        c->pos = c->next_pos;
        c->pos_end = c->pos + np;
        c->n_blk = c->left < IX_BLOCK_DOCS ? (uint32_t)c->left : IX_BLOCK_DOCS;
    } else {
        if (c->left > IX_BLOCK_DOCS) return PL_ERR_CORRUPT;
        c->blk_last = -1;
        c->blk = c->next_blk;
        c->blk_end = c->post_end;
        c->pos = c->next_pos;
        c->pos_end = c->pos_all_end;
        c->n_blk = (uint32_t)c->left;
    }
    c->i = c->n_blk; /* nothing decoded yet */
    c->next_blk = c->blk_end;
    c->next_pos = c->pos_end;
    c->left -= c->n_blk;
    if (c->left == 0 &&
        (c->next_blk != c->post_end || (c->skip && c->skip != c->skip_end) ||
         c->next_pos != c->pos_all_end))
        return PL_ERR_CORRUPT;
    return PL_OK;
}

int ix_cursor_tfs(ix_seg_cursor *c) {
    if (!c->tfs_from) return PL_OK;
    const ix_segment *s = c->seg;
    if (ix_unpack_tfs(c->tfs_from, c->blk_end, s->map + s->size, c->n_blk, c->tfs))
        return c->bad = 1, PL_ERR_CORRUPT;
    c->tfs_from = NULL;
    return PL_OK;
}

uint32_t ix_cursor_tf(ix_seg_cursor *c) {
    if (c->tf) return c->tf;
    if (c->bad || c->i == 0 || ix_cursor_tfs(c)) return 0;
    return c->tf = c->tfs[c->i - 1];
}

/* Decodes the reached block's docs and tfs at once: a tight loop over its
 * bytes instead of a call per doc, and a seek inside the block is then a
 * scan of an array. Every byte must be used, and the last doc must be the
 * one the skip entry names. */
static int decode_block(ix_seg_cursor *c) {
    if (c->n_blk >= IX_PACK_MIN) {
        const ix_segment *s = c->seg;
        if (ix_unpack_docs(c->blk, c->blk_end, s->map + s->size, c->n_blk, c->doc,
                           s->n_docs, c->docs) ||
            (c->blk_last >= 0 && c->docs[c->n_blk - 1] != (uint64_t)c->blk_last))
            return PL_ERR_CORRUPT;
        /* Without positions, most docs a seek lands on are never scored:
         * their tfs wait (ix_cursor_tf). */
        c->tfs_from = c->blk;
        if (c->want_pos && ix_cursor_tfs(c)) return PL_ERR_CORRUPT;
        c->blk = c->blk_end;
        c->i = 0;
        return PL_OK;
    }
    c->tfs_from = NULL;
    const unsigned char *p = c->blk, *end = c->blk_end;
    /* room: how far the next doc may lie past the previous one */
    uint64_t room = c->seg->n_docs - (uint64_t)(c->doc + 1) + 1;
    int64_t doc = c->doc;
    for (uint32_t k = 0; k < c->n_blk; k++) {
        uint64_t v, tf = 1;
        if (pl_varint_get(&p, end, &v)) return PL_ERR_CORRUPT;
        uint64_t delta = v >> 1;
        if (delta == 0 || delta >= room) return PL_ERR_CORRUPT;
        if (!(v & 1) && (pl_varint_get(&p, end, &tf) || tf < 2 || tf > UINT32_MAX))
            return PL_ERR_CORRUPT;
        doc += (int64_t)delta;
        room -= delta;
        c->docs[k] = (uint32_t)doc;
        c->tfs[k] = (uint32_t)tf;
    }
    if (p != end) return PL_ERR_CORRUPT;
    if (c->n_blk && c->blk_last >= 0 && c->docs[c->n_blk - 1] != (uint64_t)c->blk_last)
        return PL_ERR_CORRUPT;
    c->blk = p;
    c->i = 0;
    return PL_OK;
}

static int read_positions(ix_seg_cursor *c) {
    uint32_t tf = c->tf;
    if (tf > (uint64_t)(c->pos_end - c->pos)) return PL_ERR_CORRUPT; /* >= 1 byte each */
    if (tf > c->cap) {
        uint32_t cap = c->cap ? c->cap : 16;
        while (cap < tf)
            cap = cap > UINT32_MAX / 2 ? tf : cap * 2;
        uint32_t *p = realloc(c->positions, (size_t)cap * sizeof *p);
        if (!p) return PL_ERR_NOMEM;
        c->positions = p;
        c->cap = cap;
    }
    uint64_t at = 0;
    for (uint32_t i = 0; i < tf; i++) {
        uint64_t d;
        if (pl_varint_get(&c->pos, c->pos_end, &d) || d > UINT32_MAX - at)
            return PL_ERR_CORRUPT;
        at += d;
        c->positions[i] = (uint32_t)at;
    }
    c->npos = tf;
    return PL_OK;
}

/* Steps over n position varints (lazy mode). */
static int skip_positions(ix_seg_cursor *c, uint64_t n) {
    const unsigned char *p = c->pos, *end = c->pos_end;
    while (n) {
        if (p == end) return PL_ERR_CORRUPT;
        if (!(*p++ & 0x80)) n--;
    }
    c->pos = p;
    return PL_OK;
}

int ix_cursor_positions(ix_seg_cursor *c) {
    if (c->want_pos != IX_POS_LAZY || c->pos_ready) return c->bad ? PL_ERR_CORRUPT : PL_OK;
    if (c->bad || c->doc < 0 || c->i == 0) return PL_ERR_CORRUPT;
    uint32_t cur = c->i - 1; /* the current doc's index in the block */
    uint64_t pass = 0;
    for (uint32_t k = c->pos_doc; k < cur; k++)
        pass += c->tfs[k];
    int rc = skip_positions(c, pass);
    if (!rc) rc = read_positions(c);
    if (rc) return c->bad = 1, rc;
    c->pos_doc = cur + 1;
    c->pos_ready = 1;
    return PL_OK;
}

/* Hands out docs[i]; in eager mode with its positions, and the block's
 * position bytes must be used exactly by its last doc. */
static inline int take_doc(ix_seg_cursor *c) {
    c->doc = c->docs[c->i];
    c->tf = c->tfs_from ? 0 : c->tfs[c->i]; /* 0: not decoded yet */
    c->i++;
    c->npos = 0;
    c->pos_ready = 0;
    if (c->want_pos == IX_POS_EAGER) {
        int rc = read_positions(c);
        if (!rc && c->i == c->n_blk && c->pos != c->pos_end) rc = PL_ERR_CORRUPT;
        if (rc) return c->bad = 1, rc;
        c->pos_doc = c->i;
    }
    return 1;
}

int ix_cursor_next(ix_seg_cursor *c) {
    if (c->bad) return PL_ERR_CORRUPT;
    if (c->i == c->n_blk) {
        if (c->left == 0) return 0;
        int rc = load_header(c);
        if (!rc) rc = decode_block(c);
        if (rc) return c->bad = 1, rc;
    }
    return take_doc(c);
}

int ix_cursor_seek(ix_seg_cursor *c, int64_t target) {
    if (c->bad) return PL_ERR_CORRUPT;
    if (c->doc >= target && c->doc >= 0) return 1;
    if (c->want_pos == IX_POS_EAGER) { /* every doc's positions are read */
        int rc;
        while ((rc = ix_cursor_next(c)) == 1 && c->doc < target) {
        }
        return rc;
    }
    for (;;) {
        if (c->i < c->n_blk) {
            uint32_t last = c->docs[c->n_blk - 1];
            if ((int64_t)last >= target) {
                while ((int64_t)c->docs[c->i] < target)
                    c->i++;
                return take_doc(c);
            }
            /* The rest of this block lies below the target. */
            c->i = c->n_blk;
            c->doc = last;
        }
        if (c->left == 0) return 0;
        int rc = load_header(c);
        if (rc) return c->bad = 1, rc;
        if (c->blk_last >= 0 && c->blk_last < target) {
            /* The whole block lies below the target: passed over undecoded.
             * Its last doc becomes the base the next block's first delta
             * uses. */
            c->doc = c->blk_last;
            continue;
        }
        if ((rc = decode_block(c))) return c->bad = 1, rc;
    }
}

/* ---- across the index ---- */

struct pl_postings {
    ix_view *view;
    int want_pos;
    size_t cur; /* view segment being read; view->n at the end */
    int active; /* the cursor is set up for segment cur */
    int started;
    int status;       /* sticky: a corrupt segment stops the iterator */
    ix_term_info *ti; /* the term in each view segment; df 0 when absent */
    int64_t doc;
    ix_seg_cursor c; /* last: its block arrays end the struct */
};

int pl_postings_open(pl_index *ix, const char *term, size_t len, int positions,
                     pl_postings **out, pl_err *err) {
    *out = NULL;
    ix_view *v = ix->view;
    /* One allocation with the per-segment entries after the struct; a
     * translated query opens hundreds, so the cursor's block arrays (a
     * kilobyte) are left unzeroed: a block is decoded before it is read. */
    size_t n = v->n ? v->n : 1;
    pl_postings *p = malloc(sizeof *p + n * sizeof *p->ti);
    if (!p) return pl_err_set(err, PL_ERR_NOMEM, "out of memory opening postings");
    memset(p, 0, offsetof(pl_postings, c) + offsetof(ix_seg_cursor, docs));
    ix_term_info *ti = (ix_term_info *)(p + 1);
    memset(ti, 0, n * sizeof *ti);
    int rc = ix_view_lookup(v, term, len, ti, err);
    if (rc) {
        free(p);
        return rc;
    }
    p->view = v;
    v->refs++;
    p->want_pos = positions != 0;
    p->ti = ti;
    *out = p;
    return PL_OK;
}

void pl_postings_close(pl_postings *p) {
    if (!p) return;
    ix_cursor_free(&p->c);
    ix_view_release(p->view);
    free(p);
}

static void start_segment(pl_postings *p) {
    ix_cursor_init(&p->c, p->view->segs[p->cur].seg, &p->ti[p->cur],
                   p->want_pos ? IX_POS_LAZY : 0);
    p->active = 1;
}

static void next_segment(pl_postings *p) {
    p->active = 0;
    p->cur++;
}

/* The cursor is on a doc: take it unless deleted. 1 taken, 0 deleted. */
static int take(pl_postings *p) {
    const ix_view_seg *vs = &p->view->segs[p->cur];
    if (ix_is_deleted(vs->del, (uint64_t)p->c.doc)) return 0;
    p->doc = ix_seg_doc_id(vs->seg, (uint64_t)p->c.doc);
    return 1;
}

int pl_postings_next(pl_postings *p) {
    if (p->status) return p->status;
    /* The usual step: the next doc of the decoded block. */
    if (p->active && p->c.i < p->c.n_blk) {
        int rc = take_doc(&p->c);
        if (rc < 0) return p->status = rc;
        if (take(p)) return 1;
    }
    p->started = 1;
    for (;;) {
        if (!p->active) {
            while (p->cur < p->view->n && p->ti[p->cur].df == 0)
                p->cur++;
            if (p->cur >= p->view->n) return 0;
            start_segment(p);
        }
        int rc = ix_cursor_next(&p->c);
        if (rc < 0) return p->status = rc;
        if (rc == 0) {
            next_segment(p);
            continue;
        }
        if (take(p)) return 1;
    }
}

/* The last doc of the cursor's block when it is decoded and has docs left
 * after the current one (the cheap reach of a short forward move), else -1. */
static int64_t block_reach(const ix_seg_cursor *c) {
    return c->i < c->n_blk ? (int64_t)c->docs[c->n_blk - 1] : -1;
}

int pl_postings_seek(pl_postings *p, int64_t target) {
    if (p->status) return p->status;
    if (p->started && p->cur >= p->view->n) return 0;
    if (p->started && p->active && p->doc >= target) return 1;
    p->started = 1;
    for (;;) {
        /* Segments hold ascending, disjoint id ranges: skip whole ones. */
        while (p->cur < p->view->n &&
               (p->ti[p->cur].df == 0 || p->view->segs[p->cur].seg->last_id < target)) {
            next_segment(p);
        }
        if (p->cur >= p->view->n) return 0;
        if (!p->active) start_segment(p);
        const ix_segment *s = p->view->segs[p->cur].seg;
        /* A short move, the common one: the target is within the decoded
         * block, found by scanning it, not by searching the id table. */
        int64_t reach = block_reach(&p->c);
        if (reach >= 0 && ix_seg_doc_id(s, (uint64_t)reach) >= target) {
            /* The docs below the target are passed by their ids alone, not
             * taken one by one; the reach's id ends the scan. */
            uint32_t i = p->c.i;
            while (ix_seg_doc_id(s, p->c.docs[i]) < target)
                i++;
            p->c.i = i;
            int rc;
            while ((rc = ix_cursor_next(&p->c)) == 1 && !take(p)) {
            }
            if (rc < 0) return p->status = rc;
            if (rc == 1) return 1;
            next_segment(p);
            continue;
        }
        /* Every local doc up to the cursor's has an id below the target. */
        uint64_t from = p->c.doc >= 0 ? (uint64_t)p->c.doc + 1 : 0;
        if (from > s->n_docs) from = s->n_docs;
        int rc = ix_cursor_seek(&p->c, (int64_t)ix_seg_lower_bound_from(s, from, target));
        /* The id check is redundant with a sound doc table; it guarantees
         * progress even when a damaged one is out of order. */
        while (rc == 1 && (!take(p) || p->doc < target))
            rc = ix_cursor_next(&p->c);
        if (rc < 0) return p->status = rc;
        if (rc == 1) return 1;
        next_segment(p);
    }
}

int64_t pl_postings_doc(const pl_postings *p) {
    return p->doc;
}

/* The tf and the length are read for the docs that are scored, which
 * are few of those a seek lands on. */
uint32_t pl_postings_tf(pl_postings *p) {
    if (!p->active || p->status) return 1;
    uint32_t tf = ix_cursor_tf(&p->c);
    if (tf) return tf;
    p->status = PL_ERR_CORRUPT;
    return 1;
}

uint32_t pl_postings_doclen(const pl_postings *p) {
    if (!p->active) return 0;
    return ix_seg_doc_len(p->view->segs[p->cur].seg, (uint64_t)p->c.doc);
}

const uint32_t *pl_postings_positions(pl_postings *p, uint32_t *n) {
    *n = 0;
    if (!p->want_pos || !p->active || p->status) return NULL;
    int rc = ix_cursor_positions(&p->c);
    if (rc) {
        p->status = rc;
        return NULL;
    }
    *n = p->c.npos;
    return p->c.positions;
}

int pl_postings_status(const pl_postings *p) {
    return p->status;
}

void pl_postings_term_bound(const pl_postings *p, uint32_t *max_tf, uint32_t *min_ratio) {
    uint32_t tf = 0, ratio = UINT32_MAX;
    for (size_t i = 0; i < p->view->n; i++) {
        if (p->ti[i].df == 0) continue;
        if (p->ti[i].max_tf > tf) tf = p->ti[i].max_tf;
        if (p->ti[i].min_ratio < ratio) ratio = p->ti[i].min_ratio;
    }
    *max_tf = tf ? tf : 1;
    *min_ratio = ratio == UINT32_MAX ? 1 : ratio;
}

int64_t pl_postings_block(const pl_postings *p, uint32_t *max_tf, uint32_t *min_ratio) {
    const ix_seg_cursor *c = &p->c;
    const ix_segment *s = p->view->segs[p->cur].seg;
    *max_tf = c->blk_max_tf;
    *min_ratio = c->blk_min_ratio;
    /* A term with one block in the segment: the segment's end bounds it. */
    return c->blk_last >= 0 ? ix_seg_doc_id(s, (uint64_t)c->blk_last) : s->last_id;
}
