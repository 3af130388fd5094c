/*
 * segment_write.c - builds one immutable segment file.
 *
 * Used both by a writer's commit and by merges: the caller feeds documents
 * (ascending ids) and then terms in ascending byte order with their postings;
 * the builder lays out the doc table, a front-coded dictionary with a block
 * index for binary search, postings in blocks of IX_BLOCK_DOCS docs behind a
 * skip table, and positions in a separate section, then writes the file with
 * its checksums. Format: docs/FORMATS.md.
 *
 * Everything is staged in memory before the single write: simple, and a
 * segment is at most the size of one commit or one merge.
 */
#include "index/index_internal.h"

#include <string.h>
#include <xxhash.h>

void ix_builder_init(ix_seg_builder *b) {
    memset(b, 0, sizeof *b);
}

void ix_builder_free(ix_seg_builder *b) {
    pl_buf *bufs[] = {&b->ids, &b->lens, &b->dict,   &b->dindex, &b->post,
                      &b->pos, &b->skip, &b->blocks, &b->blk,    &b->blk_pos};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        pl_buf_free(bufs[i]);
}

static int builder_oom(const ix_seg_builder *b) {
    return b->ids.oom || b->lens.oom || b->dict.oom || b->dindex.oom || b->post.oom ||
           b->pos.oom || b->skip.oom || b->blocks.oom || b->blk.oom || b->blk_pos.oom;
}

int ix_builder_add_doc(ix_seg_builder *b, int64_t id, uint32_t len) {
    if (b->n_docs > 0 && id <= (int64_t)pl_get_u64le(b->ids.data + b->ids.len - 8))
        return PL_ERR_INTERNAL;
    if (b->n_docs >= UINT32_MAX) return PL_ERR_USAGE;
    pl_buf_put_u64le(&b->ids, (uint64_t)id);
    pl_buf_put_u32le(&b->lens, len);
    if (b->ids.oom || b->lens.oom) return PL_ERR_NOMEM;
    b->n_docs++;
    b->total_len += len;
    return PL_OK;
}

int ix_builder_term_begin(ix_seg_builder *b, const void *term, uint32_t len) {
    if (len > PL_INDEX_MAX_TERM) return PL_ERR_INTERNAL;
    if (b->have_prev && ix_term_cmp(b->prev, b->prev_len, term, len) >= 0)
        return PL_ERR_INTERNAL;
    memcpy(b->cur, term, len);
    b->cur_len = len;
    b->df = 0;
    b->last_doc = -1;
    b->skip_last = -1;
    b->blk_docs = 0;
    b->n_blocks = 0;
    b->blk_max_tf = b->term_max_tf = 0;
    b->blk_min_ratio = b->term_min_ratio = UINT32_MAX;
    b->term_pos_start = b->pos.len;
    pl_buf_reset(&b->skip);
    pl_buf_reset(&b->blocks);
    pl_buf_reset(&b->blk);
    pl_buf_reset(&b->blk_pos);
    return PL_OK;
}

/* Closes the current block: its docs are written (bit-packed, or a varint
 * each when few), and its skip entry says where it ends (last doc) and how
 * long its doc and position bytes are, so readers can jump over it. */
static void flush_block(ix_seg_builder *b) {
    if (b->blk_docs >= IX_PACK_MIN) {
        ix_pack_block(&b->blk, b->blk_gap, b->blk_tf, b->blk_docs);
    } else {
        for (uint32_t k = 0; k < b->blk_docs; k++) {
            /* The low bit flags tf == 1, the common case, so it costs no
             * byte. */
            uint32_t tf = b->blk_tf[k];
            pl_buf_put_varint(&b->blk, ((uint64_t)b->blk_gap[k] + 1) << 1 | (tf == 1));
            if (tf != 1) pl_buf_put_varint(&b->blk, tf);
        }
    }
    pl_buf_put_varint(&b->skip, (uint64_t)(b->last_doc - b->skip_last));
    pl_buf_put_varint(&b->skip, b->blk.len);
    pl_buf_put_varint(&b->skip, b->blk_pos.len);
    pl_buf_put_varint(&b->skip, b->blk_max_tf);
    pl_buf_put_varint(&b->skip, b->blk_min_ratio);
    b->blk_max_tf = 0;
    b->blk_min_ratio = UINT32_MAX;
    b->skip_last = b->last_doc;
    pl_buf_append(&b->blocks, b->blk.data, b->blk.len);
    pl_buf_append(&b->pos, b->blk_pos.data, b->blk_pos.len);
    pl_buf_reset(&b->blk);
    pl_buf_reset(&b->blk_pos);
    b->blk_docs = 0;
    b->n_blocks++;
}

int ix_builder_term_doc(ix_seg_builder *b, uint32_t local, const uint32_t *pos,
                        uint32_t tf) {
    if ((int64_t)local <= b->last_doc || local >= b->n_docs || tf == 0)
        return PL_ERR_INTERNAL;
    b->blk_gap[b->blk_docs] = (uint32_t)((int64_t)local - b->last_doc - 1);
    b->blk_tf[b->blk_docs] = tf;
    uint32_t prev = 0;
    for (uint32_t i = 0; i < tf; i++) {
        if (pos[i] < prev) return PL_ERR_INTERNAL;
        pl_buf_put_varint(&b->blk_pos, pos[i] - prev);
        prev = pos[i];
    }
    uint32_t ratio = ix_ratio(pl_get_u32le(b->lens.data + (size_t)local * 4), tf);
    if (tf > b->blk_max_tf) b->blk_max_tf = tf;
    if (ratio < b->blk_min_ratio) b->blk_min_ratio = ratio;
    if (tf > b->term_max_tf) b->term_max_tf = tf;
    if (ratio < b->term_min_ratio) b->term_min_ratio = ratio;
    b->last_doc = local;
    b->df++;
    if (++b->blk_docs == IX_BLOCK_DOCS) flush_block(b);
    return builder_oom(b) ? PL_ERR_NOMEM : PL_OK;
}

int ix_builder_term_end(ix_seg_builder *b) {
    if (b->blk_docs > 0) flush_block(b);
    if (b->df == 0) return builder_oom(b) ? PL_ERR_NOMEM : PL_OK;

    uint64_t post_start = b->post.len;
    if (b->n_blocks > 1) {
        pl_buf_put_varint(&b->post, b->skip.len);
        pl_buf_append(&b->post, b->skip.data, b->skip.len);
    }
    pl_buf_append(&b->post, b->blocks.data, b->blocks.len);

    uint32_t prefix = 0;
    if (b->n_terms % IX_DICT_BLOCK == 0) {
        /* A block starts with a full term so a binary search can read it. */
        pl_buf_put_u64le(&b->dindex, b->dict.len);
        pl_buf_put_u64le(&b->dindex, post_start);
        pl_buf_put_u64le(&b->dindex, b->term_pos_start);
    } else {
        uint32_t max = b->prev_len < b->cur_len ? b->prev_len : b->cur_len;
        while (prefix < max && b->prev[prefix] == b->cur[prefix])
            prefix++;
    }
    pl_buf_put_varint(&b->dict, prefix);
    pl_buf_put_varint(&b->dict, b->cur_len - prefix);
    pl_buf_append(&b->dict, b->cur + prefix, b->cur_len - prefix);
    pl_buf_put_varint(&b->dict, b->df);
    pl_buf_put_varint(&b->dict, b->post.len - post_start);
    pl_buf_put_varint(&b->dict, b->pos.len - b->term_pos_start);
    pl_buf_put_varint(&b->dict, b->term_max_tf);
    pl_buf_put_varint(&b->dict, b->term_min_ratio);
    b->n_terms++;
    memcpy(b->prev, b->cur, b->cur_len);
    b->prev_len = b->cur_len;
    b->have_prev = 1;
    return builder_oom(b) ? PL_ERR_NOMEM : PL_OK;
}

int ix_builder_finish(ix_seg_builder *b, const char *dir, uint64_t id, uint64_t *bytes,
                      pl_err *err) {
    if (builder_oom(b))
        return pl_err_set(err, PL_ERR_NOMEM, "out of memory building a segment");
    const pl_buf *sec[6] = {&b->ids, &b->lens, &b->dict, &b->dindex, &b->post, &b->pos};

    uint64_t docs_off = IX_SEG_HEADER;
    uint64_t dict_off = docs_off + b->ids.len + b->lens.len;
    uint64_t dindex_off = dict_off + b->dict.len;
    uint64_t post_off = dindex_off + b->dindex.len;
    uint64_t pos_off = post_off + b->post.len;

    XXH3_state_t *st = XXH3_createState();
    if (!st) return pl_err_set(err, PL_ERR_NOMEM, "out of memory building a segment");
    XXH3_64bits_reset(st);
    for (int i = 0; i < 6; i++)
        XXH3_64bits_update(st, sec[i]->data, sec[i]->len);
    uint64_t body_sum = XXH3_64bits_digest(st);
    XXH3_freeState(st);

    pl_buf h = PL_BUF_INIT;
    pl_buf_put_u32le(&h, IX_SEG_MAGIC);
    pl_buf_put_u32le(&h, IX_SEG_VERSION);
    pl_buf_put_u64le(&h, id);
    pl_buf_put_u64le(&h, b->n_docs);
    pl_buf_put_u64le(&h, b->n_terms);
    pl_buf_put_u64le(&h, b->total_len);
    pl_buf_put_u64le(&h, docs_off);
    pl_buf_put_u64le(&h, dict_off);
    pl_buf_put_u64le(&h, b->dict.len);
    pl_buf_put_u64le(&h, dindex_off);
    pl_buf_put_u64le(&h, b->dindex.len / IX_DINDEX_ENTRY);
    pl_buf_put_u64le(&h, post_off);
    pl_buf_put_u64le(&h, b->post.len);
    pl_buf_put_u64le(&h, pos_off);
    pl_buf_put_u64le(&h, b->pos.len);
    pl_buf_put_u64le(&h, body_sum);
    if (h.oom) {
        pl_buf_free(&h);
        return pl_err_set(err, PL_ERR_NOMEM, "out of memory building a segment");
    }
    pl_buf_put_u64le(&h, XXH3_64bits(h.data, h.len));
    if (h.oom || h.len != IX_SEG_HEADER) {
        pl_buf_free(&h);
        return pl_err_set(err, PL_ERR_NOMEM, "out of memory building a segment");
    }

    char name[IX_NAME_MAX], path[IX_PATH_MAX];
    ix_seg_name(name, id);
    ix_join(path, dir, name);
    ix_part parts[7] = {{h.data, h.len}};
    for (int i = 0; i < 6; i++)
        parts[i + 1] = (ix_part){sec[i]->data, sec[i]->len};
    int rc = ix_write_file(path, parts, 7, err);
    pl_buf_free(&h);
    if (rc == PL_OK) *bytes = pos_off + b->pos.len;
    return rc;
}
