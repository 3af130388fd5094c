/*
 * deletes.c - per-segment delete bitmaps.
 *
 * Segments never change once written, so deleting a document writes a new
 * delete file for its segment, named by segment id and manifest generation;
 * the manifest names which one is current. A bitmap (one bit per local doc)
 * answers "is it deleted?" in O(1) inside postings loops, and at 1/8 byte per
 * doc it is small beside the segment itself. Files are read and checked whole.
 */
#include "index/index_internal.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

uint64_t ix_bitmap_bytes(uint64_t n_docs) {
    return (n_docs + 7) / 8;
}

void ix_deletes_release(ix_deletes *d) {
    if (!d || --d->refs > 0) return;
    free(d->bits);
    free(d);
}

static uint64_t popcount_bytes(const unsigned char *p, uint64_t n) {
    uint64_t c = 0;
    for (uint64_t i = 0; i < n; i++)
        c += (uint64_t)__builtin_popcount(p[i]);
    return c;
}

int ix_deletes_load(const char *dir, uint64_t seg_id, uint64_t gen, uint64_t n_docs,
                    uint64_t n_deleted, ix_deletes **out, pl_err *err) {
    *out = NULL;
    char name[IX_NAME_MAX], path[IX_PATH_MAX];
    ix_del_name(name, seg_id, gen);
    ix_join(path, dir, name);
    unsigned char *d;
    size_t len;
    int rc = ix_read_file(path, &d, &len, err);
    if (rc == PL_ERR_NOTFOUND) return rc; /* the caller decides: race or corruption */
    if (rc != PL_OK) return rc;

    uint64_t nbytes = ix_bitmap_bytes(n_docs);
    const char *why = NULL;
    if ((uint64_t)len != IX_DEL_HEADER + nbytes + 8)
        why = "wrong size";
    else if (pl_get_u32le(d) != IX_DEL_MAGIC)
        why = "bad magic";
    else if (pl_get_u32le(d + 4) != IX_VERSION)
        why = "unsupported version";
    else if (XXH3_64bits(d, len - 8) != pl_get_u64le(d + len - 8))
        why = "checksum mismatch";
    else if (pl_get_u64le(d + 8) != seg_id || pl_get_u64le(d + 16) != gen)
        why = "names another segment or generation";
    else if (pl_get_u64le(d + 24) != n_docs)
        why = "document count disagrees with the manifest";
    else if (pl_get_u64le(d + 32) != n_deleted ||
             popcount_bytes(d + IX_DEL_HEADER, nbytes) != n_deleted)
        why = "deleted count disagrees with its bitmap or the manifest";
    else if ((n_docs & 7) && (d[IX_DEL_HEADER + nbytes - 1] >> (n_docs & 7)))
        why = "bits set past the last document";
    if (why) {
        free(d);
        return pl_err_set(err, PL_ERR_CORRUPT, "%s: %s", path, why);
    }

    ix_deletes *x = calloc(1, sizeof *x);
    unsigned char *bits = malloc(nbytes ? nbytes : 1);
    if (!x || !bits) {
        free(x);
        free(bits);
        free(d);
        return pl_err_set(err, PL_ERR_NOMEM, "%s: out of memory", path);
    }
    memcpy(bits, d + IX_DEL_HEADER, nbytes);
    free(d);
    x->refs = 1;
    x->seg_id = seg_id;
    x->gen = gen;
    x->n_docs = n_docs;
    x->n_deleted = n_deleted;
    x->bits = bits;
    x->bytes = len;
    *out = x;
    return PL_OK;
}

int ix_deletes_write(const char *dir, uint64_t seg_id, uint64_t gen, uint64_t n_docs,
                     const unsigned char *bits, uint64_t n_deleted, uint64_t *bytes,
                     pl_err *err) {
    unsigned char head[IX_DEL_HEADER];
    uint64_t nbytes = ix_bitmap_bytes(n_docs);
    pl_buf b = PL_BUF_INIT;
    pl_buf_put_u32le(&b, IX_DEL_MAGIC);
    pl_buf_put_u32le(&b, IX_VERSION);
    pl_buf_put_u64le(&b, seg_id);
    pl_buf_put_u64le(&b, gen);
    pl_buf_put_u64le(&b, n_docs);
    pl_buf_put_u64le(&b, n_deleted);
    if (b.oom) {
        pl_buf_free(&b);
        return pl_err_set(err, PL_ERR_NOMEM, "out of memory writing a delete file");
    }
    memcpy(head, b.data, IX_DEL_HEADER);
    pl_buf_free(&b);

    XXH3_state_t *st = XXH3_createState();
    if (!st) return pl_err_set(err, PL_ERR_NOMEM, "out of memory writing a delete file");
    XXH3_64bits_reset(st);
    XXH3_64bits_update(st, head, sizeof head);
    XXH3_64bits_update(st, bits, nbytes);
    uint64_t sum = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    unsigned char tail[8];
    for (int i = 0; i < 8; i++)
        tail[i] = (unsigned char)(sum >> (8 * i));

    char name[IX_NAME_MAX], path[IX_PATH_MAX];
    ix_del_name(name, seg_id, gen);
    ix_join(path, dir, name);
    ix_part parts[3] = {{head, sizeof head}, {bits, nbytes}, {tail, 8}};
    int rc = ix_write_file(path, parts, 3, err);
    if (rc == PL_OK) *bytes = IX_DEL_HEADER + nbytes + 8;
    return rc;
}
