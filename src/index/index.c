/*
 * index.c - the index handle: opening, views, refresh, locking, publishing,
 * and the whole-index reads (stats, df, doc walk, verification).
 *
 * A handle's state is one immutable view built from one manifest. Refresh
 * builds a new view when the manifest's generation changed, reusing the
 * segments and delete sets the old one already has open. Readers take no
 * lock: a writer only removes files after publishing a manifest that no
 * longer names them, and a reader that loses that race (a file vanished
 * between reading the manifest and opening it) simply reads the newer
 * manifest again.
 */
#include "index/index_internal.h"
#include "util/memo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- views ---- */

void ix_view_release(ix_view *v) {
    if (!v || --v->refs > 0) return;
    for (size_t i = 0; i < v->n; i++) {
        ix_segment_release(v->segs[i].seg);
        ix_deletes_release(v->segs[i].del);
    }
    free(v->segs);
    pl_memo_free(v->terms);
    pl_memo_free(v->dfs);
    for (size_t i = 0; i < v->n_bitmaps; i++) {
        free(v->bitmaps[i].term);
        free(v->bitmaps[i].bits);
    }
    free(v->bitmaps);
    free(v);
}

/* Some 80,000 terms of an index of eight segments: a translated query looks
 * up hundreds. Its pages are touched only as it fills. */
#define TERM_MEMO_BYTES (32u << 20)
#define DF_MEMO_BYTES (4u << 20) /* some 100,000 terms */

/* A term's entries in each of v's segments (zeroed where it is absent). */
static int ix_segments_lookup(ix_view *v, const char *term, size_t len, ix_term_info *ti,
                              pl_err *err) {
    for (size_t i = 0; i < v->n; i++) {
        int rc = ix_segment_lookup(v->segs[i].seg, term, len, &ti[i], err);
        if (rc < 0) return rc;
        if (rc == 0) memset(&ti[i], 0, sizeof ti[i]);
    }
    return PL_OK;
}

int ix_view_lookup(ix_view *v, const char *term, size_t len, ix_term_info *ti,
                   pl_err *err) {
    const void *hit;
    size_t hit_len;
    if (v->terms && pl_memo_get(v->terms, term, len, &hit, &hit_len) &&
        hit_len == v->n * sizeof *ti) {
        memcpy(ti, hit, hit_len);
        return PL_OK;
    }
    int rc = ix_segments_lookup(v, term, len, ti, err);
    if (rc) return rc;
    /* A memo that cannot be had only costs time. */
    if (!v->terms) v->terms = pl_memo_new(TERM_MEMO_BYTES);
    if (v->terms) pl_memo_put(v->terms, term, len, ti, v->n * sizeof *ti);
    return PL_OK;
}

static uint64_t deleted_length(const ix_segment *s, const ix_deletes *d) {
    uint64_t sum = 0;
    for (uint64_t byte = 0; byte < ix_bitmap_bytes(s->n_docs); byte++) {
        if (!d->bits[byte]) continue;
        for (int bit = 0; bit < 8; bit++)
            if (d->bits[byte] >> bit & 1)
                sum += ix_seg_doc_len(s, byte * 8 + (uint64_t)bit);
    }
    return sum;
}

/* The open segment with this id in view v, or NULL. */
static ix_view_seg *find_seg(ix_view *v, uint64_t id) {
    for (size_t i = 0; v && i < v->n; i++)
        if (v->segs[i].seg->id == id) return &v->segs[i];
    return NULL;
}

/* Builds the view a manifest describes. PL_ERR_NOTFOUND (with a message)
 * when a file it names is missing, which a concurrent commit can cause. */
static int build_view(pl_index *ix, const ix_manifest *m, ix_view **out, pl_err *err) {
    *out = NULL;
    ix_view *v = calloc(1, sizeof *v);
    if (v) v->segs = calloc(m->n ? m->n : 1, sizeof *v->segs);
    if (!v || !v->segs) {
        free(v);
        return pl_err_set(err, PL_ERR_NOMEM, "%s: out of memory", ix->dir);
    }
    v->refs = 1;
    v->gen = m->gen;
    v->seq = m->seq;
    v->next_seg_id = m->next_seg_id;
    v->man_sum = m->sum;
    v->stats.bytes = m->bytes;
    int rc = PL_OK;
    for (size_t i = 0; i < m->n && rc == PL_OK; i++) {
        const ix_manifest_entry *e = &m->e[i];
        ix_view_seg *vs = &v->segs[i];
        ix_view_seg *old = find_seg(ix->view, e->seg_id);
        struct stat st;
        if (old &&
            (stat(old->seg->path, &st) != 0 || (uint64_t)st.st_dev != old->seg->dev ||
             (uint64_t)st.st_ino != old->seg->ino))
            old = NULL; /* the folder was rebuilt: same name, another file */
        if (old) {
            if (old->seg->n_docs != e->n_docs || old->seg->size != e->seg_bytes) {
                rc = pl_err_set(err, PL_ERR_CORRUPT, "%s: disagrees with the manifest",
                                old->seg->path);
                break;
            }
            vs->seg = old->seg;
            vs->seg->refs++;
        } else {
            rc =
                ix_segment_open(ix->dir, e->seg_id, e->seg_bytes, e->n_docs, &vs->seg, err);
            if (rc == PL_ERR_NOTFOUND) {
                char name[IX_NAME_MAX];
                ix_seg_name(name, e->seg_id);
                pl_err_set(err, rc, "%s/%s: missing", ix->dir, name);
            }
            if (rc) break;
        }
        v->n = i + 1;
        if (e->del_gen) {
            if (old && old->del && old->del->gen == e->del_gen) {
                vs->del = old->del;
                vs->del->refs++;
                vs->deleted_len = old->deleted_len;
            } else {
                rc = ix_deletes_load(ix->dir, e->seg_id, e->del_gen, e->n_docs,
                                     e->n_deleted, &vs->del, err);
                if (rc == PL_ERR_NOTFOUND) {
                    char name[IX_NAME_MAX];
                    ix_del_name(name, e->seg_id, e->del_gen);
                    pl_err_set(err, rc, "%s/%s: missing", ix->dir, name);
                }
                if (rc) break;
                vs->deleted_len = deleted_length(vs->seg, vs->del);
            }
            v->stats.bytes += vs->del->bytes;
        }
        if (i > 0 && v->segs[i - 1].seg->last_id >= vs->seg->first_id) {
            rc = pl_err_set(err, PL_ERR_CORRUPT, "%s: segments out of id order at %s",
                            ix->dir, vs->seg->path);
            break;
        }
        v->stats.docs += e->n_docs - e->n_deleted;
        v->stats.total_len += vs->seg->total_len - vs->deleted_len;
        v->stats.bytes += vs->seg->size;
    }
    v->stats.segments = v->n;
    if (rc) {
        ix_view_release(v);
        return rc;
    }
    *out = v;
    return PL_OK;
}

int ix_reload(pl_index *ix, pl_err *err) {
    uint64_t missing_gen = UINT64_MAX;
    for (int attempt = 0; attempt < 16; attempt++) {
        pl_err local = PL_ERR_INIT;
        ix_manifest m;
        int rc = ix_manifest_read(ix->dir, &m, &local);
        if (rc == PL_ERR_NOTFOUND)
            memset(&m, 0, sizeof m); /* a new, empty index */
        else if (rc)
            return pl_err_set(err, rc, "%s", local.msg);
        if (ix->view && ix->view->gen == m.gen && ix->view->man_sum == m.sum) {
            ix_manifest_free(&m);
            return PL_OK;
        }
        ix_view *v;
        rc = build_view(ix, &m, &v, &local);
        uint64_t gen = m.gen;
        ix_manifest_free(&m);
        if (rc == PL_OK) {
            ix_view_release(ix->view);
            ix->view = v;
            return PL_OK;
        }
        /* A file missing twice under the same manifest is really gone. */
        if (rc != PL_ERR_NOTFOUND) return pl_err_set(err, rc, "%s", local.msg);
        if (gen == missing_gen) return pl_err_set(err, PL_ERR_CORRUPT, "%s", local.msg);
        missing_gen = gen;
    }
    return pl_err_set(err, PL_ERR_CORRUPT, "%s: the manifest keeps changing", ix->dir);
}

int ix_manifest_from_view(const ix_view *v, ix_manifest *m, pl_err *err) {
    memset(m, 0, sizeof *m);
    m->gen = v->gen;
    m->seq = v->seq;
    m->next_seg_id = v->next_seg_id;
    m->e = calloc(v->n + 1, sizeof *m->e); /* +1: room for a new segment */
    if (!m->e) return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
    m->n = v->n;
    for (size_t i = 0; i < v->n; i++) {
        const ix_view_seg *vs = &v->segs[i];
        m->e[i].seg_id = vs->seg->id;
        m->e[i].n_docs = vs->seg->n_docs;
        m->e[i].seg_bytes = vs->seg->size;
        m->e[i].del_gen = vs->del ? vs->del->gen : 0;
        m->e[i].n_deleted = vs->del ? vs->del->n_deleted : 0;
    }
    return PL_OK;
}

/* ---- locking, publishing, cleaning ---- */

int ix_lock(pl_index *ix, pl_err *err) {
    if (ix->lock_fd >= 0) return PL_OK;
    char path[IX_PATH_MAX];
    ix_join(path, ix->dir, "LOCK");
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return pl_err_set(err, PL_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        if (e == EINTR) continue;
        close(fd);
        if (e == EWOULDBLOCK)
            return pl_err_set(err, PL_ERR_BUSY, "%s: another writer holds the index", path);
        return pl_err_set(err, PL_ERR_IO, "%s: cannot lock: %s", path, strerror(e));
    }
    ix->lock_fd = fd;
    return PL_OK;
}

void ix_unlock(pl_index *ix) {
    if (ix->lock_fd < 0) return;
    close(ix->lock_fd); /* releases the flock */
    ix->lock_fd = -1;
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static int named_by_view(const ix_view *v, const char *name) {
    char want[IX_NAME_MAX];
    for (size_t i = 0; i < v->n; i++) {
        ix_seg_name(want, v->segs[i].seg->id);
        if (strcmp(want, name) == 0) return 1;
        if (v->segs[i].del) {
            ix_del_name(want, v->segs[i].seg->id, v->segs[i].del->gen);
            if (strcmp(want, name) == 0) return 1;
        }
    }
    return 0;
}

void ix_remove_orphans(pl_index *ix) {
    /* Only a lock holder may do this: an unnamed file may be a commit in
     * progress. Failures are harmless (the next cleaning retries). */
    if (ix->lock_fd < 0) return;
    DIR *d = opendir(ix->dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        int ours = ends_with(name, ".seg") || ends_with(name, ".del") ||
                   strcmp(name, "MANIFEST.tmp") == 0;
        if (ours && !named_by_view(ix->view, name)) unlinkat(dirfd(d), name, 0);
    }
    closedir(d);
}

int ix_publish(pl_index *ix, const ix_manifest *m, pl_err *err) {
    int rc = ix_manifest_write(ix->dir, m, err);
    if (rc) return rc;
    rc = ix_reload(ix, err);
    if (rc) return rc;
    ix_remove_orphans(ix);
    return PL_OK;
}

/* The highest segment id any file in dir is named by, plus one (0 if none). */
static uint64_t next_id_from_names(const char *dir) {
    uint64_t next = 0;
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        if (!ends_with(name, ".seg") && !ends_with(name, ".del")) continue;
        char *end;
        unsigned long long id = strtoull(name, &end, 10);
        if (end != name && id < UINT64_MAX && id + 1 > next) next = id + 1;
    }
    closedir(d);
    return next;
}

int pl_index_destroy(const char *dir, pl_err *err) {
    if (strlen(dir) + IX_NAME_MAX + 2 > IX_PATH_MAX)
        return pl_err_set(err, PL_ERR_USAGE, "%s: folder name too long", dir);
    struct stat st;
    if (stat(dir, &st) != 0 && errno == ENOENT) return PL_OK;
    ix_view empty;
    memset(&empty, 0, sizeof empty);
    pl_index tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.dir = (char *)dir;
    tmp.lock_fd = -1;
    tmp.view = &empty;
    int rc = ix_lock(&tmp, err);
    if (rc) return rc;
    /* Keep generations and segment ids moving forward even though the old
     * manifest may be unreadable: a name must never mean two files. */
    pl_err ignored = PL_ERR_INIT;
    ix_manifest old, m;
    memset(&m, 0, sizeof m);
    if (ix_manifest_read(dir, &old, &ignored) == PL_OK) {
        m.gen = old.gen;
        m.next_seg_id = old.next_seg_id;
        ix_manifest_free(&old);
    }
    m.gen++;
    uint64_t named = next_id_from_names(dir);
    if (named > m.next_seg_id) m.next_seg_id = named;
    rc = ix_manifest_write(dir, &m, err);
    if (rc == PL_OK) ix_remove_orphans(&tmp); /* with an empty view: every file */
    ix_unlock(&tmp);
    return rc;
}

/* ---- the handle ---- */

/* Whether the manifest names a segment written in an older format version:
 * the index is derived data, so such an index is rebuilt, not refused. */
static int has_old_segments(const char *dir) {
    ix_manifest m;
    pl_err ignored = PL_ERR_INIT;
    if (ix_manifest_read(dir, &m, &ignored) != PL_OK) return 0;
    int old = 0;
    for (size_t i = 0; i < m.n && !old; i++) {
        char name[IX_NAME_MAX], path[IX_PATH_MAX];
        ix_seg_name(name, m.e[i].seg_id);
        ix_join(path, dir, name);
        unsigned char h[8];
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        if (read(fd, h, sizeof h) == (ssize_t)sizeof h && pl_get_u32le(h) == IX_SEG_MAGIC &&
            pl_get_u32le(h + 4) < IX_SEG_VERSION)
            old = 1;
        close(fd);
    }
    ix_manifest_free(&m);
    return old;
}

int pl_index_open(const char *dir, int flags, pl_index **out, pl_err *err) {
    *out = NULL;
    if (strlen(dir) + IX_NAME_MAX + 2 > IX_PATH_MAX)
        return pl_err_set(err, PL_ERR_USAGE, "%s: folder name too long", dir);
    int readonly = (flags & PL_INDEX_READONLY) != 0;
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (errno != ENOENT)
            return pl_err_set(err, PL_ERR_IO, "%s: %s", dir, strerror(errno));
        if (readonly) return pl_err_set(err, PL_ERR_NOTFOUND, "%s: no index folder", dir);
        if (mkdir(dir, 0755) != 0 && errno != EEXIST)
            return pl_err_set(err, PL_ERR_IO, "%s: cannot create: %s", dir,
                              strerror(errno));
    } else if (!S_ISDIR(st.st_mode)) {
        return pl_err_set(err, PL_ERR_IO, "%s: not a folder", dir);
    }

    pl_index *ix = calloc(1, sizeof *ix);
    if (ix) ix->dir = strdup(dir);
    if (!ix || !ix->dir) {
        free(ix);
        return pl_err_set(err, PL_ERR_NOMEM, "%s: out of memory", dir);
    }
    ix->flags = flags;
    ix->lock_fd = -1;
    int rc = PL_OK;
    int locked = 0;
    if (!readonly) {
        /* Clean up after a crashed writer, unless a live one is at work. */
        pl_err local = PL_ERR_INIT;
        rc = ix_lock(ix, &local);
        if (rc == PL_OK)
            locked = 1;
        else if (rc != PL_ERR_BUSY)
            pl_err_set(err, rc, "%s", local.msg);
        else
            rc = PL_OK;
    }
    if (rc == PL_OK) {
        pl_err local = PL_ERR_INIT;
        rc = ix_reload(ix, &local);
        if (rc == PL_ERR_CORRUPT && locked && has_old_segments(dir)) {
            /* Start empty at seq 0: the owner replays the catalog into it. */
            ix_unlock(ix);
            locked = 0;
            rc = pl_index_destroy(dir, err);
            if (rc == PL_OK && (rc = ix_lock(ix, err)) == PL_OK) locked = 1;
            if (rc == PL_OK) rc = ix_reload(ix, err);
        } else if (rc) {
            pl_err_set(err, rc, "%s", local.msg);
        }
    }
    if (rc == PL_OK && locked) ix_remove_orphans(ix);
    ix_unlock(ix);
    if (rc) {
        pl_index_close(ix);
        return rc;
    }
    *out = ix;
    return PL_OK;
}

void pl_index_close(pl_index *ix) {
    if (!ix) return;
    if (ix->writer) pl_index_abort(ix->writer);
    ix_view_release(ix->view);
    ix_unlock(ix);
    free(ix->dir);
    free(ix);
}

int pl_index_refresh(pl_index *ix, pl_err *err) {
    return ix_reload(ix, err);
}

size_t pl_index_lang_term(const char *lang, char out[PL_INDEX_LANG_TERM_MAX]) {
    size_t p = sizeof PL_INDEX_LANG_PREFIX - 1;
    memcpy(out, PL_INDEX_LANG_PREFIX, p);
    return p + pl_str_copy(out + p, PL_INDEX_LANG_TERM_MAX - p, lang);
}

uint64_t pl_index_seq(const pl_index *ix) {
    return ix->view->seq;
}

void pl_index_get_stats(const pl_index *ix, pl_index_stats *st) {
    *st = ix->view->stats;
}

int pl_index_term_bits(pl_index *ix, const char *term, size_t len, const uint64_t **bits,
                       int64_t *n_ids, pl_err *err) {
    ix_view *v = ix->view;
    *bits = NULL;
    *n_ids = 0;
    for (size_t i = 0; i < v->n_bitmaps; i++)
        if (v->bitmaps[i].len == len && memcmp(v->bitmaps[i].term, term, len) == 0) {
            *bits = v->bitmaps[i].bits;
            *n_ids = v->bitmaps[i].n_ids;
            return PL_OK;
        }
    if (v->n_bitmaps == IX_MAX_BITMAPS) return PL_OK;
    if (!v->bitmaps && !(v->bitmaps = calloc(IX_MAX_BITMAPS, sizeof *v->bitmaps)))
        return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
    /* Ids run up to the last segment's last one (segments hold ascending
     * ranges in view order). */
    int64_t n = 1;
    for (size_t i = 0; i < v->n; i++)
        if (v->segs[i].seg->n_docs && v->segs[i].seg->last_id >= n)
            n = v->segs[i].seg->last_id + 1;
    ix_bitmap b = {malloc(len + 1), len, calloc(((size_t)n + 63) / 64, sizeof(uint64_t)),
                   n};
    pl_postings *p = NULL;
    int rc = b.term && b.bits ? pl_postings_open(ix, term, len, 0, &p, err)
                              : pl_err_set(err, PL_ERR_NOMEM, "out of memory");
    while (!rc && (rc = pl_postings_next(p)) == 1) {
        int64_t d = pl_postings_doc(p);
        if (d >= 0 && d < n) b.bits[d / 64] |= 1ull << (d % 64);
        rc = PL_OK;
    }
    pl_postings_close(p);
    if (rc < 0) rc = pl_err_set(err, rc, "%s: reading a term's documents", ix->dir);
    if (rc) {
        free(b.term);
        free(b.bits);
        return rc;
    }
    memcpy(b.term, term, len);
    b.term[len] = 0;
    v->bitmaps[v->n_bitmaps++] = b;
    *bits = b.bits;
    *n_ids = n;
    return PL_OK;
}

uint64_t pl_index_df(pl_index *ix, const char *term, size_t len) {
    ix_view *v = ix->view;
    const void *hit;
    size_t hit_len;
    uint64_t df = 0;
    if (v->dfs && pl_memo_get(v->dfs, term, len, &hit, &hit_len) && hit_len == sizeof df) {
        memcpy(&df, hit, sizeof df);
        return df;
    }
    /* Asked hundreds of times a query: no allocation for a view of the
     * segment counts merging keeps. */
    ix_term_info few[2 * IX_MAX_SEGMENTS],
        *ti = v->n <= 2 * IX_MAX_SEGMENTS ? few : malloc(v->n * sizeof *ti);
    /* Through the view's memo of entries: a term whose frequency is asked
     * for is mostly opened next. */
    int ok = ti && ix_view_lookup(v, term, len, ti, NULL) == PL_OK;
    if (ok)
        for (size_t i = 0; i < v->n; i++)
            df += ti[i].df;
    if (ti != few) free(ti);
    if (!ok) return 0;
    if (!v->dfs) v->dfs = pl_memo_new(DF_MEMO_BYTES);
    if (v->dfs) pl_memo_put(v->dfs, term, len, &df, sizeof df);
    return df;
}

int pl_index_each_doc(pl_index *ix, int (*fn)(void *ctx, int64_t doc), void *ctx) {
    ix_view *v = ix->view;
    v->refs++; /* fn may refresh the handle */
    int rc = 0;
    for (size_t i = 0; i < v->n && !rc; i++) {
        const ix_segment *s = v->segs[i].seg;
        for (uint64_t d = 0; d < s->n_docs && !rc; d++)
            if (!ix_is_deleted(v->segs[i].del, d)) rc = fn(ctx, ix_seg_doc_id(s, d));
    }
    ix_view_release(v);
    return rc;
}

int pl_index_verify(pl_index *ix, pl_err *err) {
    ix_manifest m;
    int rc = ix_manifest_read(ix->dir, &m, err);
    if (rc == PL_ERR_NOTFOUND) {
        if (ix->view->gen != 0)
            return pl_err_set(err, PL_ERR_CORRUPT, "%s/MANIFEST: missing", ix->dir);
        rc = PL_OK;
    } else if (rc == PL_OK) {
        ix_manifest_free(&m);
    }
    ix_view *v = ix->view;
    for (size_t i = 0; i < v->n && rc == PL_OK; i++) {
        const ix_view_seg *vs = &v->segs[i];
        rc = ix_segment_verify(vs->seg, err);
        if (rc == PL_OK && vs->del) {
            /* Re-read from disk: the copy in memory was checked when loaded. */
            ix_deletes *d;
            rc = ix_deletes_load(ix->dir, vs->seg->id, vs->del->gen, vs->seg->n_docs,
                                 vs->del->n_deleted, &d, err);
            if (rc == PL_ERR_NOTFOUND)
                rc = pl_err_set(err, PL_ERR_CORRUPT, "%s: delete file %llu missing",
                                ix->dir, (unsigned long long)vs->del->gen);
            if (rc == PL_OK) ix_deletes_release(d);
        }
    }
    return rc;
}
