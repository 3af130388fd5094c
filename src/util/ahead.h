/*
 * ahead.h - work on a stream of items done ahead of its consumer, on a
 * helper thread, and taken in the stream's order.
 *
 * For the parts of a pipeline that depend on one item alone (a record's
 * language, a synopsis's analysis) beside parts that must see the items one
 * after another (storing, indexing). The consumer fills a slot and pushes
 * it; the helper prepares slots in order; the consumer takes the oldest,
 * prepared: by the helper, or by itself when the helper has not reached it,
 * and while the helper is at the oldest the consumer prepares a later one
 * rather than wait, so neither thread idles while the other has work.
 * Preparation must give the same result on either thread; each thread
 * passes its own `worker` (its analyzer, its memo).
 *
 * One consumer thread; the slots are the queue's, fixed in number, and an
 * item's buffers may be kept in its slot from one use to the next.
 */
#ifndef PL_UTIL_AHEAD_H
#define PL_UTIL_AHEAD_H

#include <stddef.h>

typedef struct pl_ahead pl_ahead;

/* Prepares one item with the calling thread's worker. */
typedef void (*pl_ahead_fn)(void *item, void *worker);

/* A queue of `depth` slots of `item_size` bytes (zeroed), holding at most
 * `max_bytes` of the items' own size as pushed (at least one item), with a
 * helper thread preparing items with `helper_worker`. NULL when out of
 * memory or when no thread can be had. */
pl_ahead *pl_ahead_start(size_t item_size, size_t depth, size_t max_bytes,
                         pl_ahead_fn prepare, void *helper_worker);

/* The slot to fill next; only when not pl_ahead_full. */
void *pl_ahead_slot(pl_ahead *a);
/* Hands the filled slot on; `bytes`: the item's size toward max_bytes. */
void pl_ahead_push(pl_ahead *a, size_t bytes);
int pl_ahead_full(const pl_ahead *a);
int pl_ahead_empty(const pl_ahead *a);

/* The oldest item, prepared (NULL when none); `worker` is the calling
 * thread's, for preparing it or a later one itself. */
void *pl_ahead_oldest(pl_ahead *a, void *worker);
/* Drops the oldest item; its slot is filled again later. */
void pl_ahead_pop(pl_ahead *a);

/* Stops the helper and frees the queue; `release`, when not NULL, is called
 * on every slot ever filled (queued or not) to free what it holds. */
void pl_ahead_stop(pl_ahead *a, void (*release)(void *item));

#endif
