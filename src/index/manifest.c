/*
 * manifest.c - reading and atomically replacing the index MANIFEST.
 *
 * The manifest is the single commit point of the index: it names the
 * generation, the catalog sequence the index holds and, in ascending
 * document-id order, every live segment with its current delete file. It is
 * small and fully checksummed, so it is always read and verified whole.
 * Format: docs/FORMATS.md.
 */
#include "index/index_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

void ix_manifest_free(ix_manifest *m) {
    free(m->e);
    m->e = NULL;
    m->n = 0;
}

int ix_manifest_read(const char *dir, ix_manifest *m, pl_err *err) {
    memset(m, 0, sizeof *m);
    char path[IX_PATH_MAX];
    ix_join(path, dir, "MANIFEST");
    unsigned char *d;
    size_t len;
    int rc = ix_read_file(path, &d, &len, err);
    if (rc != PL_OK) return rc;

    const char *why = NULL;
    if (len < IX_MAN_HEADER + 8)
        why = "truncated";
    else if (pl_get_u32le(d) != IX_MAN_MAGIC)
        why = "bad magic";
    else if (pl_get_u32le(d + 4) != IX_VERSION)
        why = "unsupported version";
    else if (XXH3_64bits(d, len - 8) != pl_get_u64le(d + len - 8))
        why = "checksum mismatch";
    if (!why) {
        uint32_t n = pl_get_u32le(d + 32);
        if ((uint64_t)len != IX_MAN_HEADER + (uint64_t)n * IX_MAN_ENTRY + 8)
            why = "size does not match its segment count";
        else {
            m->gen = pl_get_u64le(d + 8);
            m->seq = pl_get_u64le(d + 16);
            m->next_seg_id = pl_get_u64le(d + 24);
            m->n = n;
            m->bytes = len;
            m->sum = pl_get_u64le(d + len - 8);
            m->e = calloc(n ? n : 1, sizeof *m->e);
            if (!m->e) {
                free(d);
                return pl_err_set(err, PL_ERR_NOMEM, "%s: out of memory", path);
            }
            for (uint32_t i = 0; i < n && !why; i++) {
                const unsigned char *p = d + IX_MAN_HEADER + (size_t)i * IX_MAN_ENTRY;
                ix_manifest_entry *e = &m->e[i];
                e->seg_id = pl_get_u64le(p);
                e->n_docs = pl_get_u64le(p + 8);
                e->seg_bytes = pl_get_u64le(p + 16);
                e->del_gen = pl_get_u64le(p + 24);
                e->n_deleted = pl_get_u64le(p + 32);
                if (e->seg_id >= m->next_seg_id)
                    why = "segment id beyond the next id";
                else if (e->n_docs == 0 || e->n_docs > UINT32_MAX)
                    why = "segment document count out of range";
                else if (e->n_deleted >= e->n_docs)
                    why = "deleted count out of range";
                else if ((e->del_gen == 0) != (e->n_deleted == 0))
                    why = "delete generation and count disagree";
                else if (e->del_gen > m->gen)
                    why = "delete generation beyond the manifest's";
                for (uint32_t j = 0; j < i && !why; j++)
                    if (m->e[j].seg_id == e->seg_id) why = "segment named twice";
            }
        }
    }
    free(d);
    if (why) {
        ix_manifest_free(m);
        return pl_err_set(err, PL_ERR_CORRUPT, "%s: %s", path, why);
    }
    return PL_OK;
}

int ix_manifest_write(const char *dir, const ix_manifest *m, pl_err *err) {
    pl_buf b = PL_BUF_INIT;
    pl_buf_put_u32le(&b, IX_MAN_MAGIC);
    pl_buf_put_u32le(&b, IX_VERSION);
    pl_buf_put_u64le(&b, m->gen);
    pl_buf_put_u64le(&b, m->seq);
    pl_buf_put_u64le(&b, m->next_seg_id);
    pl_buf_put_u32le(&b, (uint32_t)m->n);
    pl_buf_put_u32le(&b, 0);
    for (size_t i = 0; i < m->n; i++) {
        const ix_manifest_entry *e = &m->e[i];
        pl_buf_put_u64le(&b, e->seg_id);
        pl_buf_put_u64le(&b, e->n_docs);
        pl_buf_put_u64le(&b, e->seg_bytes);
        pl_buf_put_u64le(&b, e->del_gen);
        pl_buf_put_u64le(&b, e->n_deleted);
    }
    if (b.oom) {
        pl_buf_free(&b);
        return pl_err_set(err, PL_ERR_NOMEM, "%s: out of memory writing the manifest", dir);
    }
    pl_buf_put_u64le(&b, XXH3_64bits(b.data, b.len));
    if (b.oom) {
        pl_buf_free(&b);
        return pl_err_set(err, PL_ERR_NOMEM, "%s: out of memory writing the manifest", dir);
    }

    char tmp[IX_PATH_MAX], path[IX_PATH_MAX];
    ix_join(tmp, dir, "MANIFEST.tmp");
    ix_join(path, dir, "MANIFEST");
    ix_part part = {b.data, b.len};
    int rc = ix_write_file(tmp, &part, 1, err);
    pl_buf_free(&b);
    if (rc != PL_OK) return rc;
    /* The new files' directory entries must be durable before the manifest
     * that names them can be. */
    rc = ix_fsync_dir(dir, err);
    if (rc != PL_OK) {
        unlink(tmp);
        return rc;
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return pl_err_set(err, PL_ERR_IO, "%s: cannot rename to MANIFEST: %s", tmp,
                          strerror(e));
    }
    return ix_fsync_dir(dir, err);
}
