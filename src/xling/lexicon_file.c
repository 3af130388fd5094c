/*
 * lexicon_file.c - finding and mapping the lexicon file.
 *
 * The lexicon is tens of megabytes of which a query touches a few pages, so
 * it is mapped rather than read or linked into every binary: the page cache
 * holds it once for all processes, and a process pays only for the pages its
 * lookups reach (plus one validation pass at open).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xling/xling_internal.h"

/* Where the build looks when $PLOTLINE_LEXICON is unset: the installed copy,
 * then the source tree (so that a build works without installing).
 * CMake defines both; the fallbacks keep other builds compiling. */
#ifndef PL_XLING_INSTALLED
#define PL_XLING_INSTALLED "/usr/local/share/plotline/lexicon.bin"
#endif
#ifndef PL_XLING_SOURCE
#define PL_XLING_SOURCE "data/xling/lexicon.bin"
#endif

int pl_xling_open_file(const char *path, pl_xling **out, pl_err *err) {
    if (!out || !path) return pl_err_set(err, PL_ERR_USAGE, "pl_xling_open_file: no path");
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return pl_err_set(err, errno == ENOENT ? PL_ERR_NOTFOUND : PL_ERR_IO, "%s: %s",
                          path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return pl_err_set(err, PL_ERR_IO, "%s: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode) || st.st_size == 0) {
        close(fd);
        return pl_err_set(err, PL_ERR_CORRUPT, "%s: not a lexicon (empty or not a file)",
                          path);
    }
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    int e = errno;
    close(fd); /* the mapping keeps the file */
    if (map == MAP_FAILED)
        return pl_err_set(err, PL_ERR_IO, "%s: mmap: %s", path, strerror(e));
    pl_err why = PL_ERR_INIT;
    int rc = pl_xling_open(map, (size_t)st.st_size, out, &why);
    if (rc) {
        munmap(map, (size_t)st.st_size);
        return pl_err_set(err, rc, "%s: %s", path, why.msg);
    }
    (*out)->map = map;
    return PL_OK;
}

static pl_xling *shared;
static pl_err shared_err = PL_ERR_INIT;
static pthread_once_t shared_once = PTHREAD_ONCE_INIT;

static void open_shared(void) {
    const char *env = getenv("PLOTLINE_LEXICON");
    if (env) {
        if (*env) /* empty: none asked for, and no error */
            pl_xling_open_file(env, &shared, &shared_err);
        return;
    }
    const char *paths[] = {PL_XLING_INSTALLED, PL_XLING_SOURCE};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        pl_err_clear(&shared_err);
        int rc = pl_xling_open_file(paths[i], &shared, &shared_err);
        if (rc != PL_ERR_NOTFOUND) return; /* opened, or present but unusable */
    }
    pl_err_set(&shared_err, PL_ERR_NOTFOUND, "no lexicon at %s nor %s", PL_XLING_INSTALLED,
               PL_XLING_SOURCE);
}

const pl_xling *pl_xling_default(pl_err *err) {
    pthread_once(&shared_once, open_shared);
    if (!shared && err) *err = shared_err;
    return shared;
}
