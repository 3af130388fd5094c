/*
 * ahead.c - items prepared ahead of their consumer on a helper thread (see
 * ahead.h).
 *
 * The slots form a ring. Who may touch a slot follows its state, changed
 * only under the mutex: the consumer fills a free slot and publishes it by
 * moving `tail`; a queued slot is claimed (busy) by whichever thread
 * prepares it, then marked done; the consumer reads a done slot and frees it
 * by moving `head`.
 */
#include "util/ahead.h"

#include <pthread.h>
#include <stdlib.h>

/* A slot's state: queued, being prepared (by either thread), prepared. */
enum { QUEUED, BUSY, DONE };

struct pl_ahead {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work; /* the helper waits for a queued slot */
    pthread_cond_t done; /* the consumer waits for the oldest to be prepared */
    pl_ahead_fn prepare;
    void *helper_worker;
    unsigned char *items;
    int *state;
    size_t item_size, depth, max_bytes;
    size_t *bytes_of; /* each slot's size as pushed */
    /* The oldest slot and one past the newest (the consumer's, moved under
     * the mutex, as the helper reads them), and the helper's next (the
     * helper's, under the mutex). Counters; the slot is % depth. */
    size_t head, tail, next;
    size_t bytes;  /* of the queued items, the consumer's */
    size_t filled; /* slots ever filled, for pl_ahead_stop */
    int stop;
    int threaded; /* the mutex and conditions are made (destroyed with the queue) */
};

static void *item(const pl_ahead *a, size_t counter) {
    return a->items + counter % a->depth * a->item_size;
}

/* Frees the queue, and its mutex and conditions once made. */
static void queue_free(pl_ahead *a) {
    if (a->threaded) {
        pthread_cond_destroy(&a->done);
        pthread_cond_destroy(&a->work);
        pthread_mutex_destroy(&a->mu);
    }
    free(a->items);
    free(a->state);
    free(a->bytes_of);
    free(a);
}

static void *helper(void *arg) {
    pl_ahead *a = arg;
    pthread_mutex_lock(&a->mu);
    for (;;) {
        /* Counters below head are taken and gone (their slots may hold
         * newer items, which have counters of their own); next never
         * passes tail. */
        if (a->next < a->head) a->next = a->head;
        if (a->stop) break;
        if (a->next == a->tail) {
            pthread_cond_wait(&a->work, &a->mu);
            continue;
        }
        size_t c = a->next++;
        if (a->state[c % a->depth] != QUEUED) continue; /* the consumer took it */
        a->state[c % a->depth] = BUSY;
        pthread_mutex_unlock(&a->mu);
        a->prepare(item(a, c), a->helper_worker);
        pthread_mutex_lock(&a->mu);
        a->state[c % a->depth] = DONE;
        pthread_cond_signal(&a->done);
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

pl_ahead *pl_ahead_start(size_t item_size, size_t depth, size_t max_bytes,
                         pl_ahead_fn prepare, void *helper_worker) {
    if (!item_size || !depth) return NULL;
    pl_ahead *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    a->items = calloc(depth, item_size);
    a->state = calloc(depth, sizeof *a->state);
    a->bytes_of = calloc(depth, sizeof *a->bytes_of);
    a->item_size = item_size;
    a->depth = depth;
    a->max_bytes = max_bytes;
    a->prepare = prepare;
    a->helper_worker = helper_worker;
    if (a->items && a->state && a->bytes_of) {
        a->threaded = 1;
        pthread_mutex_init(&a->mu, NULL);
        pthread_cond_init(&a->work, NULL);
        pthread_cond_init(&a->done, NULL);
        if (pthread_create(&a->thread, NULL, helper, a) == 0) return a;
    }
    queue_free(a);
    return NULL;
}

void *pl_ahead_slot(pl_ahead *a) {
    return item(a, a->tail);
}

void pl_ahead_push(pl_ahead *a, size_t bytes) {
    a->bytes_of[a->tail % a->depth] = bytes;
    a->bytes += bytes;
    if (a->filled < a->depth) a->filled++;
    pthread_mutex_lock(&a->mu);
    a->state[a->tail % a->depth] = QUEUED;
    a->tail++;
    pthread_cond_signal(&a->work);
    pthread_mutex_unlock(&a->mu);
}

int pl_ahead_full(const pl_ahead *a) {
    size_t n = a->tail - a->head;
    return n == a->depth || (n > 0 && a->bytes >= a->max_bytes);
}

int pl_ahead_empty(const pl_ahead *a) {
    return a->tail == a->head;
}

/* Prepares slot c on the consumer's thread: called and returning with the
 * mutex held. */
static void prepare_here(pl_ahead *a, size_t c, void *worker) {
    a->state[c % a->depth] = BUSY;
    pthread_mutex_unlock(&a->mu);
    a->prepare(item(a, c), worker);
    pthread_mutex_lock(&a->mu);
    a->state[c % a->depth] = DONE;
}

void *pl_ahead_oldest(pl_ahead *a, void *worker) {
    if (a->tail == a->head) return NULL;
    size_t i = a->head % a->depth;
    pthread_mutex_lock(&a->mu);
    while (a->state[i] != DONE) {
        if (a->state[i] == QUEUED) {
            prepare_here(a, a->head, worker);
            break;
        }
        /* The helper is at it: prepare a later one it has not reached, or
         * wait when there is none. */
        size_t c = a->next > a->head ? a->next : a->head;
        while (c != a->tail && a->state[c % a->depth] != QUEUED)
            c++;
        if (c != a->tail)
            prepare_here(a, c, worker);
        else
            pthread_cond_wait(&a->done, &a->mu);
    }
    pthread_mutex_unlock(&a->mu);
    return item(a, a->head);
}

void pl_ahead_pop(pl_ahead *a) {
    if (a->tail == a->head) return;
    a->bytes -= a->bytes_of[a->head % a->depth];
    pthread_mutex_lock(&a->mu); /* the helper reads head */
    a->head++;
    pthread_mutex_unlock(&a->mu);
}

void pl_ahead_stop(pl_ahead *a, void (*release)(void *item)) {
    if (!a) return;
    pthread_mutex_lock(&a->mu);
    a->stop = 1;
    pthread_cond_signal(&a->work);
    pthread_mutex_unlock(&a->mu);
    pthread_join(a->thread, NULL);
    for (size_t c = 0; release && c < a->filled; c++)
        release(item(a, c));
    queue_free(a);
}
