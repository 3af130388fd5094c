/*
 * handles.c - the server's database handles.
 *
 * A pl_db is for one thread at a time, so every worker thread opens its own
 * read-only handle on first use (kept in thread-local storage, and listed
 * here so that the server can close them all after its threads have ended).
 * Writes go through one read-write handle behind a mutex: SQLite and the
 * index take one writer at a time anyway, and queuing in memory is cheaper
 * than spinning on their locks. Readers catch up with the writer's commits
 * through a write generation, and with other processes' (a `plotline
 * import` beside the server) at least once a second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_internal.h"

/* Writers allowed to wait for the lock before the next is told 429. */
#define MAX_WAITING_WRITERS 16
#define REFRESH_SECONDS 1.0

typedef struct reader {
    pl_db *db;
    unsigned gen;   /* the write generation last caught up with */
    double checked; /* when it last refreshed */
} reader;

struct handles {
    char *path;
    pl_db *writer;
    pthread_mutex_t write_lock;
    atomic_uint waiting;
    atomic_uint gen; /* bumped after every write through the writer */
    pthread_mutex_t list_lock;
    reader **readers; /* every thread's, for closing */
    size_t n_readers, cap_readers;
};

/* MHD's worker threads belong to one daemon and end with it, so a thread's
 * handle is its server's; the owner check only guards against a thread that
 * is someone else's calling in. */
static _Thread_local reader *tls_reader;
static _Thread_local const handles *tls_owner;

int handles_open(pl_server *s, char *err, size_t errlen) {
    handles *h = calloc(1, sizeof *h);
    if (!h || !(h->path = strdup(s->o.db_path))) {
        free(h);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    pthread_mutex_init(&h->write_lock, NULL);
    pthread_mutex_init(&h->list_lock, NULL);
    s->h = h;
    int rc = pl_db_open(h->path, PL_OPEN_CREATE, &h->writer);
    if (rc) {
        const char *msg = pl_db_errmsg(h->writer);
        snprintf(err, errlen, "%s", msg && *msg ? msg : pl_strerror(rc));
        pl_db_close(h->writer);
        h->writer = NULL;
        return -1;
    }
    return 0;
}

void handles_close(pl_server *s) {
    handles *h = s->h;
    if (!h) return;
    for (size_t i = 0; i < h->n_readers; i++) {
        pl_db_close(h->readers[i]->db);
        free(h->readers[i]);
    }
    free(h->readers);
    pl_db_close(h->writer);
    pthread_mutex_destroy(&h->write_lock);
    pthread_mutex_destroy(&h->list_lock);
    free(h->path);
    free(h);
    s->h = NULL;
}

static reader *open_reader(handles *h, int *status) {
    reader *rd = calloc(1, sizeof *rd);
    if (!rd) {
        *status = PL_ERR_NOMEM;
        return NULL;
    }
    int rc = pl_db_open(h->path, PL_OPEN_READONLY, &rd->db);
    if (rc) {
        fprintf(stderr, "plotline serve: %s\n", pl_db_errmsg(rd->db));
        pl_db_close(rd->db);
        free(rd);
        *status = rc;
        return NULL;
    }
    rd->gen = atomic_load(&h->gen);
    rd->checked = now_seconds();
    pthread_mutex_lock(&h->list_lock);
    if (h->n_readers == h->cap_readers) {
        size_t cap = h->cap_readers ? h->cap_readers * 2 : 8;
        reader **grown = realloc(h->readers, cap * sizeof *grown);
        if (!grown) {
            pthread_mutex_unlock(&h->list_lock);
            pl_db_close(rd->db);
            free(rd);
            *status = PL_ERR_NOMEM;
            return NULL;
        }
        h->readers = grown;
        h->cap_readers = cap;
    }
    h->readers[h->n_readers++] = rd;
    pthread_mutex_unlock(&h->list_lock);
    return rd;
}

pl_db *handles_reader(pl_server *s, int *status) {
    handles *h = s->h;
    if (tls_owner != h || !tls_reader) {
        tls_reader = open_reader(h, status);
        tls_owner = tls_reader ? h : NULL;
        if (!tls_reader) return NULL;
    }
    reader *rd = tls_reader;
    unsigned gen = atomic_load(&h->gen);
    double t = now_seconds();
    if (gen != rd->gen || t - rd->checked >= REFRESH_SECONDS) {
        int rc = pl_db_refresh(rd->db);
        if (rc) {
            /* Serving slightly old results beats failing: say so, go on. */
            fprintf(stderr, "plotline serve: %s\n", pl_db_errmsg(rd->db));
        } else {
            rd->gen = gen;
            rd->checked = t;
        }
    }
    return rd->db;
}

pl_db *handles_writer(pl_server *s) {
    handles *h = s->h;
    if (atomic_fetch_add(&h->waiting, 1) >= MAX_WAITING_WRITERS) {
        atomic_fetch_sub(&h->waiting, 1);
        return NULL;
    }
    pthread_mutex_lock(&h->write_lock);
    atomic_fetch_sub(&h->waiting, 1);
    /* Another process may have written since: the writer's index must hold
     * every change before it adds to it. */
    pl_db_refresh(h->writer);
    return h->writer;
}

void handles_writer_done(pl_server *s, int wrote) {
    handles *h = s->h;
    if (wrote) atomic_fetch_add(&h->gen, 1);
    pthread_mutex_unlock(&h->write_lock);
}
