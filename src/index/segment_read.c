/*
 * segment_read.c - opening, searching and verifying a segment file.
 *
 * A segment is mapped read-only and used in place. Opening checks only what
 * is cheap and protects every later access: the header's own checksum and
 * that the sections tile the file exactly. The body checksum costs a pass
 * over the whole file, so it is left to ix_segment_verify; in the meantime
 * every decoder bounds-checks what it reads, so a damaged body yields
 * PL_ERR_CORRUPT, never a crash.
 */
#include "index/index_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

int ix_term_cmp(const void *a, size_t alen, const void *b, size_t blen) {
    return pl_bytes_cmp(a, alen, b, blen);
}

void ix_segment_release(ix_segment *s) {
    if (!s || --s->refs > 0) return;
    if (s->map) munmap((void *)s->map, s->size);
    free(atomic_load(&s->dkey));
    free(s->path);
    free(s);
}

/* Checks that the header's sections tile the file; returns NULL or why not. */
static const char *check_layout(ix_segment *s, const unsigned char *h, uint64_t id,
                                uint64_t n_docs) {
    uint64_t size = s->size;
    if (pl_get_u32le(h) != IX_SEG_MAGIC) return "bad magic";
    if (pl_get_u32le(h + 4) != IX_SEG_VERSION)
        return pl_get_u32le(h + 4) < IX_SEG_VERSION ? "older format version"
                                                    : "unsupported version";
    if (XXH3_64bits(h, IX_SEG_HEADER - 8) != pl_get_u64le(h + IX_SEG_HEADER - 8))
        return "header checksum mismatch";
    if (pl_get_u64le(h + 8) != id) return "header names another segment id";
    s->n_docs = pl_get_u64le(h + 16);
    s->n_terms = pl_get_u64le(h + 24);
    s->total_len = pl_get_u64le(h + 32);
    uint64_t docs_off = pl_get_u64le(h + 40), dict_off = pl_get_u64le(h + 48);
    uint64_t dict_len = pl_get_u64le(h + 56), dindex_off = pl_get_u64le(h + 64);
    uint64_t n_dblocks = pl_get_u64le(h + 72), post_off = pl_get_u64le(h + 80);
    uint64_t post_len = pl_get_u64le(h + 88), pos_off = pl_get_u64le(h + 96);
    uint64_t pos_len = pl_get_u64le(h + 104);

    if (s->n_docs != n_docs) return "document count disagrees with the manifest";
    if (s->n_docs == 0 || s->n_docs > UINT32_MAX) return "document count out of range";
    if (s->n_terms > size) return "term count out of range";
    if (docs_off != IX_SEG_HEADER) return "doc table misplaced";
    if (dict_off != docs_off + 12 * s->n_docs || dict_off > size)
        return "dictionary misplaced";
    if (dict_len > size - dict_off || dindex_off != dict_off + dict_len)
        return "dictionary length out of range";
    if (n_dblocks != (s->n_terms + IX_DICT_BLOCK - 1) / IX_DICT_BLOCK)
        return "dictionary block count disagrees with the term count";
    if (n_dblocks * IX_DINDEX_ENTRY > size - dindex_off ||
        post_off != dindex_off + n_dblocks * IX_DINDEX_ENTRY)
        return "dictionary index out of range";
    if (post_len > size - post_off || pos_off != post_off + post_len)
        return "postings out of range";
    if (pos_len != size - pos_off) return "positions do not end the file";

    const unsigned char *m = s->map;
    s->ids = m + docs_off;
    s->lens = s->ids + 8 * s->n_docs;
    s->dict = m + dict_off;
    s->dict_len = dict_len;
    s->dindex = m + dindex_off;
    s->n_dblocks = n_dblocks;
    s->post = m + post_off;
    s->post_len = post_len;
    s->pos = m + pos_off;
    s->pos_len = pos_len;
    s->first_id = ix_seg_doc_id(s, 0);
    s->last_id = ix_seg_doc_id(s, s->n_docs - 1);
    if (s->first_id > s->last_id) return "doc table out of order";
    return NULL;
}

int ix_segment_open(const char *dir, uint64_t id, uint64_t size, uint64_t n_docs,
                    ix_segment **out, pl_err *err) {
    *out = NULL;
    char name[IX_NAME_MAX], path[IX_PATH_MAX];
    ix_seg_name(name, id);
    ix_join(path, dir, name);
    int fd;
    struct stat st;
    int rc = ix_open_read(path, &fd, &st, err);
    if (rc) return rc;
    if ((uint64_t)st.st_size != size) {
        close(fd);
        return pl_err_set(err, PL_ERR_CORRUPT, "%s: %llu bytes, the manifest says %llu",
                          path, (unsigned long long)st.st_size, (unsigned long long)size);
    }
    if (size < IX_SEG_HEADER) {
        close(fd);
        return pl_err_set(err, PL_ERR_CORRUPT, "%s: truncated header", path);
    }
    ix_segment *s = calloc(1, sizeof *s);
    char *pcopy = strdup(path);
    if (!s || !pcopy) {
        free(s);
        free(pcopy);
        close(fd);
        return pl_err_set(err, PL_ERR_NOMEM, "%s: out of memory", path);
    }
    void *map = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
    int e = errno;
    close(fd);
    if (map == MAP_FAILED) {
        free(s);
        free(pcopy);
        return pl_err_set(err, e == ENOMEM ? PL_ERR_NOMEM : PL_ERR_IO, "%s: cannot map: %s",
                          path, strerror(e));
    }
    s->refs = 1;
    s->id = id;
    s->dev = (uint64_t)st.st_dev;
    s->ino = (uint64_t)st.st_ino;
    s->path = pcopy;
    s->map = map;
    s->size = (size_t)size;
    const char *why = check_layout(s, s->map, id, n_docs);
    if (why) {
        ix_segment_release(s);
        return pl_err_set(err, PL_ERR_CORRUPT, "%s: %s", path, why);
    }
    *out = s;
    return PL_OK;
}

uint64_t ix_seg_lower_bound_from(const ix_segment *s, uint64_t from, int64_t id) {
    /* Gallop from `from` (seeks move forward, mostly not far), then bisect. */
    uint64_t lo = from, step = 1, hi;
    for (;;) {
        hi = lo + step;
        if (hi >= s->n_docs) {
            hi = s->n_docs;
            break;
        }
        if (ix_seg_doc_id(s, hi) >= id) break;
        lo = hi + 1;
        step *= 2;
    }
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (ix_seg_doc_id(s, mid) < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint64_t ix_seg_lower_bound(const ix_segment *s, int64_t id) {
    uint64_t lo = 0, hi = s->n_docs;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (ix_seg_doc_id(s, mid) < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- dictionary ---- */

void ix_terms_init(ix_term_cursor *c, const ix_segment *s) {
    c->seg = s;
    c->index = 0;
    c->p = NULL;
    c->post_next = c->pos_next = 0;
    c->fresh = 1;
    c->len = 0;
    memset(&c->info, 0, sizeof c->info);
}

int ix_terms_seek_block(ix_term_cursor *c, uint64_t b) {
    const ix_segment *s = c->seg;
    if (b >= s->n_dblocks) return PL_ERR_CORRUPT;
    const unsigned char *e = s->dindex + b * IX_DINDEX_ENTRY;
    uint64_t doff = pl_get_u64le(e), poff = pl_get_u64le(e + 8),
             qoff = pl_get_u64le(e + 16);
    if (doff >= s->dict_len || poff > s->post_len || qoff > s->pos_len)
        return PL_ERR_CORRUPT;
    c->p = s->dict + doff;
    c->post_next = poff;
    c->pos_next = qoff;
    c->index = b * IX_DICT_BLOCK;
    c->fresh = 1;
    c->len = 0;
    return PL_OK;
}

int ix_terms_next(ix_term_cursor *c) {
    const ix_segment *s = c->seg;
    if (c->index >= s->n_terms) return 0;
    int first_in_block = c->index % IX_DICT_BLOCK == 0;
    if (!c->p) {
        int rc = ix_terms_seek_block(c, 0);
        if (rc) return rc;
    } else if (first_in_block && !c->fresh) {
        /* Sequential walk: the block index must agree with where we are. */
        const unsigned char *e = s->dindex + c->index / IX_DICT_BLOCK * IX_DINDEX_ENTRY;
        if (pl_get_u64le(e) != (uint64_t)(c->p - s->dict) ||
            pl_get_u64le(e + 8) != c->post_next || pl_get_u64le(e + 16) != c->pos_next)
            return PL_ERR_CORRUPT;
    }
    c->fresh = 0;
    const unsigned char *end = s->dict + s->dict_len;
    uint64_t prefix, slen, df, plen, qlen, mtf, mratio;
    if (pl_varint_get(&c->p, end, &prefix) || pl_varint_get(&c->p, end, &slen))
        return PL_ERR_CORRUPT;
    if ((first_in_block && prefix != 0) || prefix > c->len ||
        slen > PL_INDEX_MAX_TERM - prefix || slen > (uint64_t)(end - c->p))
        return PL_ERR_CORRUPT;
    memcpy(c->term + prefix, c->p, slen);
    c->p += slen;
    c->len = (uint32_t)(prefix + slen);
    if (pl_varint_get(&c->p, end, &df) || pl_varint_get(&c->p, end, &plen) ||
        pl_varint_get(&c->p, end, &qlen) || pl_varint_get(&c->p, end, &mtf) ||
        pl_varint_get(&c->p, end, &mratio))
        return PL_ERR_CORRUPT;
    if (df == 0 || df > s->n_docs || plen > s->post_len - c->post_next ||
        qlen > s->pos_len - c->pos_next || mtf == 0 || mtf > UINT32_MAX || mratio == 0 ||
        mratio > UINT32_MAX)
        return PL_ERR_CORRUPT;
    c->info.max_tf = (uint32_t)mtf;
    c->info.min_ratio = (uint32_t)mratio;
    c->info.df = df;
    c->info.post_off = c->post_next;
    c->info.post_len = plen;
    c->info.pos_off = c->pos_next;
    c->info.pos_len = qlen;
    c->post_next += plen;
    c->pos_next += qlen;
    c->index++;
    return 1;
}

/* Reads the full first term of dictionary block b. */
static int block_first(const ix_segment *s, uint64_t b, const unsigned char **term,
                       uint64_t *len) {
    uint64_t doff = pl_get_u64le(s->dindex + b * IX_DINDEX_ENTRY);
    if (doff >= s->dict_len) return PL_ERR_CORRUPT;
    const unsigned char *p = s->dict + doff, *end = s->dict + s->dict_len;
    uint64_t prefix, slen;
    if (pl_varint_get(&p, end, &prefix) || pl_varint_get(&p, end, &slen) || prefix != 0 ||
        slen > PL_INDEX_MAX_TERM || slen > (uint64_t)(end - p))
        return PL_ERR_CORRUPT;
    *term = p;
    *len = slen;
    return PL_OK;
}

/* The blocks' first terms as numbers (ix_segment.dkey), made on first use:
 * a query looks up each of its terms, a translated one hundreds, and the
 * binary search then compares numbers rather than reading a term at every
 * step. NULL when out of memory or when a block is unreadable (the search
 * reads the terms, and reports the damage). */
static const uint64_t *block_keys(const ix_segment *s) {
    ix_segment *ms = (ix_segment *)s; /* the cache is the only thing written */
    uint64_t *k = atomic_load_explicit(&ms->dkey, memory_order_acquire);
    if (k || s->n_dblocks == 0 || s->n_dblocks > SIZE_MAX / sizeof *k) return k;
    if (!(k = malloc((size_t)s->n_dblocks * sizeof *k))) return NULL;
    for (uint64_t b = 0; b < s->n_dblocks; b++) {
        const unsigned char *t;
        uint64_t tlen;
        if (block_first(s, b, &t, &tlen)) {
            free(k);
            return NULL;
        }
        k[b] = pl_prefix_key(t, (size_t)tlen);
    }
    uint64_t *none = NULL;
    if (!atomic_compare_exchange_strong(&ms->dkey, &none, k)) {
        free(k);
        return none;
    }
    return k;
}

int ix_segment_lookup(const ix_segment *s, const char *term, size_t len, ix_term_info *info,
                      pl_err *err) {
    if (len > PL_INDEX_MAX_TERM || s->n_dblocks == 0) return 0;
    /* The last block whose first term is <= term holds it, if anything does. */
    const uint64_t *keys = block_keys(s);
    uint64_t want = pl_prefix_key(term, len);
    uint64_t lo = 0, hi = s->n_dblocks;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        int le;
        if (keys && keys[mid] != want) {
            le = keys[mid] < want;
        } else {
            const unsigned char *t;
            uint64_t tlen;
            if (block_first(s, mid, &t, &tlen))
                return pl_err_set(err, PL_ERR_CORRUPT,
                                  "%s: dictionary block %llu is corrupt", s->path,
                                  (unsigned long long)mid);
            le = ix_term_cmp(t, tlen, term, len) <= 0;
        }
        if (le)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0) return 0;
    ix_term_cursor c;
    ix_terms_init(&c, s);
    int rc = ix_terms_seek_block(&c, lo - 1);
    for (int i = 0; rc == PL_OK && i < IX_DICT_BLOCK; i++) {
        rc = ix_terms_next(&c);
        if (rc <= 0) break;
        int cmp = ix_term_cmp(c.term, c.len, term, len);
        if (cmp == 0) {
            *info = c.info;
            return 1;
        }
        if (cmp > 0) return 0;
        rc = PL_OK;
    }
    if (rc < 0)
        return pl_err_set(err, PL_ERR_CORRUPT, "%s: dictionary block %llu is corrupt",
                          s->path, (unsigned long long)(lo - 1));
    return 0;
}

/* ---- full verification ---- */

static int verify_term(const ix_segment *s, const ix_term_cursor *t, pl_err *err) {
    ix_seg_cursor c;
    memset(&c, 0, sizeof c);
    ix_cursor_init(&c, s, &t->info, IX_POS_EAGER);
    uint64_t n = 0;
    int rc;
    while ((rc = ix_cursor_next(&c)) == 1) {
        n++;
        uint32_t dl = ix_seg_doc_len(s, (uint64_t)c.doc), ratio = ix_ratio(dl, c.tf);
        /* The pruning bounds must really bound, or queries lose results. */
        if (c.tf > dl || c.tf > c.blk_max_tf || ratio < c.blk_min_ratio ||
            c.tf > t->info.max_tf || ratio < t->info.min_ratio) {
            rc = PL_ERR_CORRUPT;
            break;
        }
    }
    ix_cursor_free(&c);
    if (rc == 0 && n == t->info.df) return PL_OK;
    if (rc == PL_ERR_NOMEM) return pl_err_set(err, rc, "%s: out of memory", s->path);
    return pl_err_set(
        err, PL_ERR_CORRUPT, "%s: postings of term %llu (\"%.*s\") are corrupt", s->path,
        (unsigned long long)(t->index - 1), (int)t->len, (const char *)t->term);
}

int ix_segment_verify(const ix_segment *s, pl_err *err) {
    uint64_t want = pl_get_u64le(s->map + IX_SEG_HEADER - 16);
    if (XXH3_64bits(s->map + IX_SEG_HEADER, s->size - IX_SEG_HEADER) != want)
        return pl_err_set(err, PL_ERR_CORRUPT, "%s: body checksum mismatch", s->path);

    uint64_t total = 0;
    for (uint64_t i = 0; i < s->n_docs; i++) {
        if (i > 0 && ix_seg_doc_id(s, i) <= ix_seg_doc_id(s, i - 1))
            return pl_err_set(err, PL_ERR_CORRUPT, "%s: doc table out of order at %llu",
                              s->path, (unsigned long long)i);
        total += ix_seg_doc_len(s, i);
    }
    if (total != s->total_len)
        return pl_err_set(err, PL_ERR_CORRUPT,
                          "%s: total length disagrees with the doc table", s->path);

    ix_term_cursor *t = malloc(2 * sizeof *t); /* current and previous term */
    if (!t) return pl_err_set(err, PL_ERR_NOMEM, "%s: out of memory", s->path);
    ix_terms_init(&t[0], s);
    int rc;
    uint64_t n = 0;
    while ((rc = ix_terms_next(&t[0])) == 1) {
        if (n > 0 && ix_term_cmp(t[1].term, t[1].len, t[0].term, t[0].len) >= 0) {
            rc = pl_err_set(err, PL_ERR_CORRUPT, "%s: dictionary out of order at term %llu",
                            s->path, (unsigned long long)n);
            break;
        }
        if ((rc = verify_term(s, &t[0], err)) != PL_OK) break;
        memcpy(t[1].term, t[0].term, t[0].len);
        t[1].len = t[0].len;
        n++;
    }
    if (rc == 0 &&
        (n != s->n_terms || (n > 0 ? t[0].p != s->dict + s->dict_len : s->dict_len != 0) ||
         t[0].post_next != s->post_len || t[0].pos_next != s->pos_len))
        rc =
            pl_err_set(err, PL_ERR_CORRUPT, "%s: sections hold unaccounted bytes", s->path);
    else if (rc < 0) /* keeps a message set above (first wins); else the dictionary's */
        rc = pl_err_set(err, rc, "%s: dictionary is corrupt near term %llu", s->path,
                        (unsigned long long)n);
    free(t);
    return rc;
}
