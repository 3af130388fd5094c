/*
 * test_ahead.c - the queue of work done ahead (util/ahead.h): every item is
 * prepared exactly once, by one thread or the other, and taken in the order
 * pushed; the queue holds no more than it may; stopping releases every
 * slot ever filled, also with items still queued.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "util/ahead.h"

typedef struct item {
    int value;   /* pushed */
    int square;  /* prepared */
    int times;   /* how often it was prepared */
    int by;      /* 1 helper, 2 the consumer */
    int *buffer; /* held by the slot from use to use */
} item;

typedef struct worker {
    int id;
    _Atomic long prepared; /* read by the other thread while it waits */
} worker;

static void prepare(void *p, void *w) {
    item *it = p;
    worker *wk = w;
    /* Some work, unequal from item to item, so that either thread may be
     * ahead of the other. */
    volatile long sink = 0;
    for (int i = 0; i < (it->value % 7) * 2000; i++)
        sink = sink + i;
    it->square = it->value * it->value;
    it->times++;
    it->by = wk->id;
    wk->prepared++; /* each worker is its own thread's */
}

static int released;

static void release(void *p) {
    item *it = p;
    free(it->buffer);
    released++;
}

/* Pushes n items through a queue of `depth` slots, taking each as soon as
 * the queue is full; returns the items taken out of order or wrongly
 * prepared. */
static int run(int n, size_t depth, size_t max_bytes, worker *helper, worker *self) {
    pl_ahead *a = pl_ahead_start(sizeof(item), depth, max_bytes, prepare, helper);
    CHECK(a != NULL);
    if (!a) return n;
    int next = 0, wrong = 0, most = 0;
    for (int i = 0; i < n; i++) {
        while (pl_ahead_full(a)) {
            item *it = pl_ahead_oldest(a, self);
            wrong += it->value != next || it->square != next * next || it->times != 1;
            next++;
            pl_ahead_pop(a);
        }
        item *it = pl_ahead_slot(a);
        it->value = i;
        it->times = 0;
        if (!it->buffer) it->buffer = malloc(64);
        pl_ahead_push(a, 10);
        int queued = i + 1 - next;
        if (queued > most) most = queued;
    }
    CHECK(most <= (int)depth);
    CHECK(most == 1 || most * 10 <= (int)max_bytes); /* 10 bytes an item */
    while (!pl_ahead_empty(a)) {
        item *it = pl_ahead_oldest(a, self);
        wrong += it->value != next || it->square != next * next || it->times != 1;
        next++;
        pl_ahead_pop(a);
    }
    CHECK_INT(next, n);
    CHECK(pl_ahead_oldest(a, self) == NULL);
    released = 0;
    pl_ahead_stop(a, release);
    CHECK_INT(released, n < (int)depth ? n : (int)depth);
    return wrong;
}

/* Waits up to ten seconds for the helper to have prepared `want` items. */
static int helper_reaches(worker *helper, long want) {
    for (int i = 0; i < 10000 && atomic_load(&helper->prepared) < want; i++)
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    return atomic_load(&helper->prepared) >= want;
}

/* The helper slow on item 0 (it says when it has begun): meanwhile the
 * consumer prepares 1-3. */
static atomic_int helper_began;

static void prepare_slow_first(void *p, void *w) {
    item *it = p;
    if (it->value == 0 && ((worker *)w)->id == 1) {
        atomic_store(&helper_began, 1);
        nanosleep(&(struct timespec){0, 100000000}, NULL);
    }
    prepare(p, w);
}

/* Items the consumer prepared and took while the helper was busy are gone
 * for the helper too: it goes on with the next ones pushed (neither skipping
 * them nor running ahead of the newest). */
static void test_helper_behind(void) {
    worker helper = {1, 0}, self = {2, 0};
    pl_ahead *a = pl_ahead_start(sizeof(item), 8, 1 << 20, prepare_slow_first, &helper);
    CHECK(a != NULL);
    if (!a) return;
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 4; i++) {
            item *it = pl_ahead_slot(a);
            it->value = round * 4 + i;
            it->times = 0;
            pl_ahead_push(a, 1);
        }
        /* Round 0 is taken once the helper is at item 0; later ones once
         * the helper has them all. */
        if (!round)
            for (int i = 0; i < 10000 && !atomic_load(&helper_began); i++)
                nanosleep(&(struct timespec){0, 1000000}, NULL);
        else
            CHECK(helper_reaches(&helper, 1 + round * 4));
        for (int i = 0; i < 4; i++) {
            item *it = pl_ahead_oldest(a, &self);
            CHECK_INT(it->value, round * 4 + i);
            CHECK_INT(it->times, 1);
            pl_ahead_pop(a);
        }
        if (!round) CHECK_INT(atomic_load(&self.prepared), 3);
    }
    CHECK_INT(atomic_load(&helper.prepared), 9);
    pl_ahead_stop(a, NULL);
}

int main(void) {
    test_helper_behind();
    worker helper = {1, 0}, self = {2, 0};
    CHECK_INT(run(5000, 64, 1 << 20, &helper, &self), 0);
    /* Both threads prepared some: the consumer does not only wait. */
    CHECK(helper.prepared > 0);
    CHECK(self.prepared > 0);
    CHECK_INT(helper.prepared + self.prepared, 5000);
    /* A byte limit below the depth: at most 4 items of 10 bytes queued. */
    CHECK_INT(run(300, 64, 40, &helper, &self), 0);
    /* One slot: every item alone. */
    CHECK_INT(run(100, 1, 1 << 20, &helper, &self), 0);
    /* Stopped with items queued: they are released, none is lost twice. */
    pl_ahead *a = pl_ahead_start(sizeof(item), 8, 1 << 20, prepare, &helper);
    CHECK(a != NULL);
    for (int i = 0; a && i < 5; i++) {
        item *it = pl_ahead_slot(a);
        it->value = i;
        it->buffer = malloc(16);
        pl_ahead_push(a, 1);
    }
    released = 0;
    pl_ahead_stop(a, release);
    CHECK_INT(released, 5);
    return CHECK_DONE();
}
