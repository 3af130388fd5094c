/*
 * index_internal.h - the index's private types, shared by its files.
 *
 * An open index holds a refcounted "view": the segments and delete sets one
 * manifest names. Postings iterators and writers keep the view they started
 * with, so a refresh (which swaps in a new view) never pulls a mapping out
 * from under them. Segments and delete sets are refcounted too, so that a new
 * view reuses the unchanged ones of the old view without reopening them.
 *
 * The byte formats are documented in docs/FORMATS.md ("Index folder").
 */
#ifndef PL_INDEX_INTERNAL_H
#define PL_INDEX_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "index/index.h"
#include "util/buf.h"

/* ---- format constants ---- */

#define IX_SEG_MAGIC 0x47534c50u /* "PLSG" little-endian */
#define IX_MAN_MAGIC 0x464d4c50u /* "PLMF" */
#define IX_DEL_MAGIC 0x4c444c50u /* "PLDL" */
#define IX_VERSION 1u            /* of the manifest and delete files */
/* of segment files: 2 added pruning bounds, 3 bit-packed blocks */
#define IX_SEG_VERSION 3u

#define IX_SEG_HEADER 128  /* bytes of a segment header */
#define IX_MAN_HEADER 40   /* bytes of the manifest before its entries */
#define IX_MAN_ENTRY 40    /* bytes per manifest entry */
#define IX_DEL_HEADER 40   /* bytes of a delete file before its bitmap */
#define IX_DINDEX_ENTRY 24 /* bytes per dictionary block index entry */

#define IX_BLOCK_DOCS 128 /* documents per postings block (one skip entry) */
#define IX_PACK_MIN 16    /* blocks of this many docs or more are bit-packed */
#define IX_DICT_BLOCK 16  /* terms per front-coded dictionary block */

#define IX_MAX_SEGMENTS 8 /* more than this after a commit triggers a merge */
#define IX_MERGE_WIDTH 4  /* adjacent segments merged at once */
/* A merge whose inputs hold more live bytes than this is not made: a merge
 * is built in memory, and rewriting ever larger segments would make each
 * commit's cost grow with the index. Past it, segments accumulate slowly
 * (one per this many bytes of index) instead. */
#define IX_MERGE_MAX_BYTES (160ull << 20)
/* pl_index_optimize merges runs of up to this many live bytes: asked for
 * once, after a large import, it may cost more than a commit's merges, but
 * a merge is still built in memory. */
#define IX_OPTIMIZE_MAX_BYTES (256ull << 20)

/* Longest path the folder may have so that every file name fits. */
#define IX_PATH_MAX 4096

/* ---- files.c: whole-file I/O with durability ---- */

typedef struct ix_part {
    const void *data;
    size_t len;
} ix_part;

/* Writes the parts to `path` (truncating), fsyncs and closes it. */
int ix_write_file(const char *path, const ix_part *parts, size_t n, pl_err *err);
/* Reads a whole file into malloc'd memory. PL_ERR_NOTFOUND when it is absent. */
/* Opens path read-only and stats it: PL_ERR_NOTFOUND when absent (no message),
 * else PL_ERR_IO with one. On success *fd is the caller's to close. */
struct stat;
int ix_open_read(const char *path, int *fd, struct stat *st, pl_err *err);
int ix_read_file(const char *path, unsigned char **data, size_t *len, pl_err *err);
int ix_fsync_dir(const char *dir, pl_err *err);
/* Joins dir and name into out (IX_PATH_MAX bytes). */
void ix_join(char *out, const char *dir, const char *name);
void ix_seg_name(char *out, uint64_t seg_id);
void ix_del_name(char *out, uint64_t seg_id, uint64_t gen);
#define IX_NAME_MAX 64

/* ---- manifest.c ---- */

typedef struct ix_manifest_entry {
    uint64_t seg_id;
    uint64_t n_docs;
    uint64_t seg_bytes; /* the segment file's size */
    uint64_t del_gen;   /* generation of its delete file; 0 when none */
    uint64_t n_deleted;
} ix_manifest_entry;

typedef struct ix_manifest {
    uint64_t gen;
    uint64_t seq;
    uint64_t next_seg_id;
    size_t n;
    ix_manifest_entry *e;
    uint64_t bytes; /* size of the manifest file */
    uint64_t sum;   /* its checksum: tells a recreated folder's manifest apart */
} ix_manifest;

/* PL_ERR_NOTFOUND (no message) when the folder has no manifest yet. */
int ix_manifest_read(const char *dir, ix_manifest *m, pl_err *err);
/* Publishes m: MANIFEST.tmp, fsync, rename, fsync the folder. */
int ix_manifest_write(const char *dir, const ix_manifest *m, pl_err *err);
void ix_manifest_free(ix_manifest *m);

/* ---- segment_read.c ---- */

typedef struct ix_segment {
    int refs;
    uint64_t id;
    char *path;
    const unsigned char *map;
    size_t size;
    uint64_t dev, ino; /* identify the file: a rebuilt folder reuses names */
    uint64_t n_docs, n_terms, total_len;
    const unsigned char *ids;  /* n_docs int64 LE, ascending */
    const unsigned char *lens; /* n_docs uint32 LE */
    const unsigned char *dict;
    uint64_t dict_len;
    const unsigned char *dindex;
    uint64_t n_dblocks;
    /* Each dictionary block's first term as a number (pl_prefix_key), made
     * on the first look-up (ix_segment_lookup); NULL until then, or when it
     * could not be made (the look-up then reads the terms). */
    _Atomic(uint64_t *) dkey;
    const unsigned char *post;
    uint64_t post_len;
    const unsigned char *pos;
    uint64_t pos_len;
    int64_t first_id, last_id;
} ix_segment;

/* Where one term's data lies within a segment (offsets within sections). */
typedef struct ix_term_info {
    uint64_t df;
    uint64_t post_off, post_len;
    uint64_t pos_off, pos_len;
    uint32_t max_tf, min_ratio; /* pruning bounds over all its postings */
} ix_term_info;

/* Opens and maps a segment, checking its header and section bounds against
 * the sizes the manifest records. PL_ERR_NOTFOUND when the file is absent. */
int ix_segment_open(const char *dir, uint64_t id, uint64_t size, uint64_t n_docs,
                    ix_segment **out, pl_err *err);
void ix_segment_release(ix_segment *s);
/* Finds a term: 1 found (info filled), 0 absent, <0 corrupt. */
int ix_segment_lookup(const ix_segment *s, const char *term, size_t len, ix_term_info *info,
                      pl_err *err);
/* Checks the body checksum and walks every structure. */
int ix_segment_verify(const ix_segment *s, pl_err *err);

static inline int64_t ix_seg_doc_id(const ix_segment *s, uint64_t local) {
    return (int64_t)pl_get_u64le(s->ids + local * 8);
}
static inline uint32_t ix_seg_doc_len(const ix_segment *s, uint64_t local) {
    return pl_get_u32le(s->lens + local * 4);
}
/* First local doc whose id is >= id (n_docs when none). */
uint64_t ix_seg_lower_bound(const ix_segment *s, int64_t id);
/* The same, knowing that every local doc before `from` has a smaller id. */
uint64_t ix_seg_lower_bound_from(const ix_segment *s, uint64_t from, int64_t id);

/* Walks a segment's dictionary in term order. */
typedef struct ix_term_cursor {
    const ix_segment *seg;
    uint64_t index; /* ordinal of the next term to decode */
    const unsigned char *p;
    uint64_t post_next, pos_next; /* where the next term's data starts */
    int fresh;                    /* positioned by a seek: no continuity check */
    unsigned char term[PL_INDEX_MAX_TERM];
    uint32_t len;
    ix_term_info info;
} ix_term_cursor;

void ix_terms_init(ix_term_cursor *c, const ix_segment *s);
/* Positions the cursor at the start of dictionary block `b`. */
int ix_terms_seek_block(ix_term_cursor *c, uint64_t b);
/* Decodes the next term: 1, 0 at the end, <0 (PL_ERR_CORRUPT). */
int ix_terms_next(ix_term_cursor *c);

int ix_term_cmp(const void *a, size_t alen, const void *b, size_t blen);

/* ---- deletes.c ---- */

typedef struct ix_deletes {
    int refs;
    uint64_t seg_id, gen, n_docs, n_deleted;
    unsigned char *bits; /* bit i set: local doc i is deleted */
    uint64_t bytes;      /* size of the file */
} ix_deletes;

int ix_deletes_load(const char *dir, uint64_t seg_id, uint64_t gen, uint64_t n_docs,
                    uint64_t n_deleted, ix_deletes **out, pl_err *err);
/* Writes a delete file; *bytes receives its size. */
int ix_deletes_write(const char *dir, uint64_t seg_id, uint64_t gen, uint64_t n_docs,
                     const unsigned char *bits, uint64_t n_deleted, uint64_t *bytes,
                     pl_err *err);
void ix_deletes_release(ix_deletes *d);
uint64_t ix_bitmap_bytes(uint64_t n_docs);

static inline int ix_bit(const unsigned char *bits, uint64_t i) {
    return bits && (bits[i >> 3] >> (i & 7) & 1);
}
static inline int ix_is_deleted(const ix_deletes *d, uint64_t local) {
    return d && ix_bit(d->bits, local);
}

/* ---- index.c: views and publishing ---- */

typedef struct ix_view_seg {
    ix_segment *seg;
    ix_deletes *del;      /* NULL when none of its docs is deleted */
    uint64_t deleted_len; /* sum of the deleted docs' lengths */
} ix_view_seg;

typedef struct ix_view {
    int refs;
    uint64_t gen, seq, next_seg_id;
    uint64_t man_sum; /* checksum of the manifest this view was built from */
    size_t n;
    ix_view_seg *segs;
    pl_index_stats stats;
    /* term -> its ix_term_info in each segment: a query asks the same terms
     * again (its words, their translations read back), and so do the next
     * queries. Made on first use; the view never changes, so it never goes
     * stale. */
    struct pl_memo *terms;
    /* The same for document frequencies alone (pl_index_df): a query's
     * translations are looked up by the hundred, mostly only to learn
     * whether the index has them, and a frequency takes a twentieth of the
     * room of a term's entries in every segment. */
    struct pl_memo *dfs;
    /* Bitmaps of long lists by document id (pl_index_term_bits). */
    struct ix_bitmap *bitmaps;
    size_t n_bitmaps;
} ix_view;

#define IX_MAX_BITMAPS 64

typedef struct ix_bitmap {
    char *term;
    size_t len;
    uint64_t *bits;
    int64_t n_ids;
} ix_bitmap;

struct pl_index {
    char *dir;
    int flags;
    int lock_fd; /* >= 0 while this handle holds the LOCK file */
    ix_view *view;
    pl_index_writer *writer; /* the open writer, if any */
};

void ix_view_release(ix_view *v);
/* The term's entry in each segment of v, into ti[0..v->n) (df 0 where it is
 * absent). Returns PL_OK or PL_ERR_CORRUPT (err set; may be NULL). */
int ix_view_lookup(ix_view *v, const char *term, size_t len, ix_term_info *ti, pl_err *err);
/* Takes / drops the folder's exclusive lock. */
int ix_lock(pl_index *ix, pl_err *err);
void ix_unlock(pl_index *ix);
/* Re-reads the manifest into ix->view when its generation changed. */
int ix_reload(pl_index *ix, pl_err *err);
/* Writes `m` as the new manifest (the lock must be held), loads it as the
 * current view and removes the files it no longer names. */
int ix_publish(pl_index *ix, const ix_manifest *m, pl_err *err);
/* Removes segment and delete files the current view does not name. */
void ix_remove_orphans(pl_index *ix);
/* Fills a manifest describing view v (entries allocated). */
int ix_manifest_from_view(const ix_view *v, ix_manifest *m, pl_err *err);

/* ---- segment_write.c ---- */

typedef struct ix_seg_builder {
    pl_buf ids, lens, dict, dindex, post, pos;
    uint64_t n_docs, n_terms, total_len;
    /* the term being built */
    unsigned char prev[PL_INDEX_MAX_TERM];
    uint32_t prev_len;
    int have_prev;
    unsigned char cur[PL_INDEX_MAX_TERM];
    uint32_t cur_len;
    uint64_t df;
    int64_t last_doc, skip_last;
    uint32_t blk_docs;
    uint32_t blk_gap[IX_BLOCK_DOCS], blk_tf[IX_BLOCK_DOCS]; /* the block's docs */
    uint32_t blk_max_tf, blk_min_ratio, term_max_tf, term_min_ratio;
    uint64_t n_blocks;
    uint64_t term_pos_start;
    pl_buf skip, blocks, blk, blk_pos;
} ix_seg_builder;

void ix_builder_init(ix_seg_builder *b);
void ix_builder_free(ix_seg_builder *b);
/* Docs are added first, ids ascending; their local numbers are 0, 1, ... */
int ix_builder_add_doc(ix_seg_builder *b, int64_t id, uint32_t len);
/* Then terms, strictly ascending; a term that receives no doc is dropped. */
int ix_builder_term_begin(ix_seg_builder *b, const void *term, uint32_t len);
int ix_builder_term_doc(ix_seg_builder *b, uint32_t local, const uint32_t *pos,
                        uint32_t tf);
int ix_builder_term_end(ix_seg_builder *b);
/* Writes the segment file "<id>.seg" in dir and fsyncs it; *bytes gets its size. */
int ix_builder_finish(ix_seg_builder *b, const char *dir, uint64_t id, uint64_t *bytes,
                      pl_err *err);

/* ---- packed.c: blocks of IX_PACK_MIN docs or more ---- */

/* Appends a block of n docs: gaps[k] is doc k's distance to the doc before
 * minus one, tfs[k] its term frequency (>= 1). */
void ix_pack_block(pl_buf *out, const uint32_t *gaps, const uint32_t *tfs, uint32_t n);
/* Decodes the block [p, end) of n docs following doc `base` (-1 for none)
 * into docs and tfs; the bytes up to readable_end may be read. Every byte
 * must be used and every doc lie below n_docs: else PL_ERR_CORRUPT. */
int ix_unpack_block(const unsigned char *p, const unsigned char *end,
                    const unsigned char *readable_end, uint32_t n, int64_t base,
                    uint64_t n_docs, uint32_t *docs, uint32_t *tfs);
/* The same in two halves, so that a query that needs few tfs decodes few:
 * the docs (the bytes of the tfs unchecked), then the tfs. */
int ix_unpack_docs(const unsigned char *p, const unsigned char *end,
                   const unsigned char *readable_end, uint32_t n, int64_t base,
                   uint64_t n_docs, uint32_t *docs);
int ix_unpack_tfs(const unsigned char *p, const unsigned char *end,
                  const unsigned char *readable_end, uint32_t n, uint32_t *tfs);

/* ---- postings.c: one segment's postings for one term ---- */

typedef struct ix_seg_cursor {
    const ix_segment *seg;
    const unsigned char *skip, *skip_end; /* skip table; NULL for one block */
    const unsigned char *blk, *blk_end;   /* the current block's doc bytes */
    const unsigned char *pos, *pos_end;   /* its positions */
    const unsigned char *next_blk, *post_end;
    const unsigned char *next_pos, *pos_all_end;
    uint64_t left;    /* docs of the term in blocks not yet reached */
    int64_t blk_last; /* last doc of the current block; -1 when unknown */
    int64_t skip_prev;
    uint32_t blk_max_tf, blk_min_ratio; /* the current block's pruning bounds */
    uint32_t term_max_tf, term_min_ratio;
    int64_t doc; /* current local doc; -1 before the first */
    uint32_t tf;
    int want_pos; /* 0 none, IX_POS_EAGER or IX_POS_LAZY */
    int bad;      /* the term's postings header was unreadable */
    /* The current block, decoded whole when reached: docs[i] is the next
     * doc to hand out, i == n_blk when none is left (a block passed over
     * by a seek is never decoded). */
    uint32_t n_blk, i;
    /* A packed block's tfs are decoded when first asked for, when the
     * cursor reads no positions (ix_cursor_tf): the block's bytes, or NULL
     * when tfs[] holds them. */
    const unsigned char *tfs_from;
    /* Lazy positions: pos is at the first position of docs[pos_doc]; a
     * doc's are decoded only when asked for. */
    uint32_t pos_doc;
    int pos_ready;
    uint32_t *positions;
    uint32_t npos, cap;
    /* Last, so that a cursor's fields can be zeroed without them (they are
     * written before they are read). */
    uint32_t docs[IX_BLOCK_DOCS], tfs[IX_BLOCK_DOCS];
} ix_seg_cursor;

/* Eager: every doc's positions are decoded as it is reached, and each
 * block's position bytes are checked to be used exactly (verification,
 * merges). Lazy: only when asked for with ix_cursor_positions (queries). */
enum { IX_POS_EAGER = 1, IX_POS_LAZY = 2 };

/* The cursor must be zeroed before its first init; later inits reuse its
 * positions buffer. */
void ix_cursor_init(ix_seg_cursor *c, const ix_segment *s, const ix_term_info *ti,
                    int want_pos);
void ix_cursor_free(ix_seg_cursor *c);
/* 1 on a doc, 0 at the end, <0 a status (corrupt data, out of memory). */
int ix_cursor_next(ix_seg_cursor *c);
/* The current doc's tf, decoding the block's tfs when they were left for
 * later; 0 when they are damaged (the cursor is then bad). */
uint32_t ix_cursor_tf(ix_seg_cursor *c);
/* Decodes the current block's tfs into tfs[] if they were left for later:
 * PL_OK or PL_ERR_CORRUPT (the cursor is then bad). */
int ix_cursor_tfs(ix_seg_cursor *c);
/* Moves to the first doc >= target (staying when already there). */
int ix_cursor_seek(ix_seg_cursor *c, int64_t target);
/* Decodes the current doc's positions in lazy mode (a no-op when eager). */
int ix_cursor_positions(ix_seg_cursor *c);

/* Pruning bounds (docs/FORMATS.md): with tf <= max_tf and dl / tf >=
 * min_ratio for every posting they cover, BM25 is bounded without knowing
 * the collection's average length. min_ratio is floor(dl / tf) >= 1. */
static inline uint32_t ix_ratio(uint32_t dl, uint32_t tf) {
    uint32_t r = tf ? dl / tf : dl;
    return r ? r : 1;
}

/* ---- merge.c ---- */

/* Merges adjacent segments while there are more than IX_MAX_SEGMENTS.
 * The lock must be held. */
int ix_maybe_merge(pl_index *ix, pl_err *err);
/* Told now and then during a merge what share of its input terms is
 * merged (0 to 1); non-zero from it stops the merge, which then publishes
 * and leaves nothing (PL_ERR_USAGE). */
typedef struct ix_merge_watch {
    int (*fn)(void *ctx, double share);
    void *ctx;
} ix_merge_watch;

/* Merges view segments [first, first+count) into one new segment; `watch`
 * may be NULL. */
int ix_merge_range(pl_index *ix, size_t first, size_t count, const ix_merge_watch *watch,
                   pl_err *err);

#endif
