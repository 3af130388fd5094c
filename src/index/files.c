/*
 * files.c - whole-file reads and durable writes for the index folder.
 *
 * Every index file is written once, in full, and fsynced before a manifest
 * names it; these helpers keep that discipline (and EINTR/short-write
 * handling) in one place. File names are fixed-width decimal so that a
 * directory listing sorts them by number.
 */
#include "index/index_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ix_join(char *out, const char *dir, const char *name) {
    snprintf(out, IX_PATH_MAX, "%s/%s", dir, name);
}

void ix_seg_name(char *out, uint64_t seg_id) {
    snprintf(out, IX_NAME_MAX, "%010llu.seg", (unsigned long long)seg_id);
}

void ix_del_name(char *out, uint64_t seg_id, uint64_t gen) {
    snprintf(out, IX_NAME_MAX, "%010llu_%010llu.del", (unsigned long long)seg_id,
             (unsigned long long)gen);
}

static int write_all(int fd, const void *data, size_t len) {
    const unsigned char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int ix_write_file(const char *path, const ix_part *parts, size_t n, pl_err *err) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return pl_err_set(err, PL_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    for (size_t i = 0; i < n; i++) {
        if (write_all(fd, parts[i].data, parts[i].len) != 0) {
            int e = errno;
            close(fd);
            unlink(path);
            return pl_err_set(err, PL_ERR_IO, "%s: write failed: %s", path, strerror(e));
        }
    }
    if (fsync(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(path);
        return pl_err_set(err, PL_ERR_IO, "%s: fsync failed: %s", path, strerror(e));
    }
    if (close(fd) != 0) {
        int e = errno;
        unlink(path);
        return pl_err_set(err, PL_ERR_IO, "%s: close failed: %s", path, strerror(e));
    }
    return PL_OK;
}

int ix_open_read(const char *path, int *fd_out, struct stat *st, pl_err *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return PL_ERR_NOTFOUND;
        return pl_err_set(err, PL_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    }
    if (fstat(fd, st) != 0) {
        int e = errno;
        close(fd);
        return pl_err_set(err, PL_ERR_IO, "%s: cannot stat: %s", path, strerror(e));
    }
    *fd_out = fd;
    return PL_OK;
}

int ix_read_file(const char *path, unsigned char **data, size_t *len, pl_err *err) {
    *data = NULL;
    *len = 0;
    int fd;
    struct stat st;
    int rc = ix_open_read(path, &fd, &st, err);
    if (rc) return rc;
    size_t size = (size_t)st.st_size;
    unsigned char *buf = malloc(size ? size : 1);
    if (!buf) {
        close(fd);
        return pl_err_set(err, PL_ERR_NOMEM, "%s: out of memory", path);
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            free(buf);
            close(fd);
            return pl_err_set(err, PL_ERR_IO, "%s: read failed: %s", path, strerror(e));
        }
        if (n == 0) break; /* shrank meanwhile: the checks will reject it */
        got += (size_t)n;
    }
    close(fd);
    *data = buf;
    *len = got;
    return PL_OK;
}

int ix_fsync_dir(const char *dir, pl_err *err) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return pl_err_set(err, PL_ERR_IO, "%s: cannot open folder: %s", dir,
                          strerror(errno));
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    /* Some file systems refuse fsync on directories; nothing more can be done
     * there, and the data files themselves are synced. */
    if (rc != 0 && e != EINVAL && e != EROFS)
        return pl_err_set(err, PL_ERR_IO, "%s: fsync failed: %s", dir, strerror(e));
    return PL_OK;
}
