/*
 * memo.h - a bounded cache from byte strings to byte strings.
 *
 * For results that are costly to compute and asked for again and again
 * while a batch is indexed: a word's compound split, a word's match keys.
 * Words follow Zipf's law, so a few tens of thousands of entries answer
 * most of the asking. A memo starts small and doubles as it fills, up to
 * its bound; full there, it is emptied whole, which keeps it simple and
 * its memory bounded. One thread at a time.
 */
#ifndef PL_UTIL_MEMO_H
#define PL_UTIL_MEMO_H

#include <stddef.h>

typedef struct pl_memo pl_memo;

/* A memo holding at most `max_bytes` of keys and values (and about 8 bytes
 * a slot for its table; it starts at 64 KB and grows as it fills), or NULL
 * when out of memory. */
pl_memo *pl_memo_new(size_t max_bytes);
void pl_memo_free(pl_memo *m);

/* 1 and *val, *vlen set (valid until the next pl_memo_put) when `key` is
 * there, else 0. */
int pl_memo_get(const pl_memo *m, const void *key, size_t klen, const void **val,
                size_t *vlen);

/* Forgets every entry, keeping the memory: for results valid only for a
 * while (a chunk of records), asked for again the next. */
void pl_memo_clear(pl_memo *m);

/* Stores a copy of key and val (replacing nothing: put a key once). A pair
 * larger than a sixteenth of the memo is not kept. Never fails. */
void pl_memo_put(pl_memo *m, const void *key, size_t klen, const void *val, size_t vlen);

#endif
