/*
 * xling_internal.h - the open lexicon as the parts of src/xling see it:
 * pointers into the file's bytes, resolved and bounds-checked once by
 * pl_xling_open so that lookups can trust them.
 */
#ifndef PL_XLING_INTERNAL_H
#define PL_XLING_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "xling/lexicon_format.h"
#include "xling/xling.h"

typedef struct xl_lang {
    char code[5];
    const unsigned char *tidx; /* tcount u32 entry offsets */
    /* Each entry's key as a number (pl_prefix_key), made on the language's
     * first look-up (entry_find in xling.c) and shared by every thread;
     * NULL until then. */
    _Atomic(uint64_t *) tkey;
    uint32_t tcount;
    const unsigned char *vidx; /* vblocks u32 block offsets */
    /* Each block's first word as a number (pl_prefix_key): a block is
     * found by comparing numbers, the words read only on a tie. NULL when
     * it could not be had (the search then reads the words). */
    uint64_t *vkey;
    uint32_t vblocks;
    uint32_t vwords;
    const unsigned char *linkers; /* space-separated linking elements */
    size_t linkers_len;
} xl_lang;

struct pl_xling {
    const unsigned char *d;
    size_t size;
    void *map; /* the file mapping d lies in (pl_xling_open_file), or NULL */
    const unsigned char *pool;
    size_t pool_len;
    uint32_t n_langs;
    xl_lang langs[PL_XLEX_MAX_LANGS];
};

/* The table index of a language code, or -1. */
int xl_lang_find(const pl_xling *x, const char *code);

/* Reads a varint at *p (not past end); 0, or -1 when malformed. Offsets and
 * lengths in the lexicon fit in 32 bits. */
static inline int xl_varint(const unsigned char **p, const unsigned char *end,
                            uint32_t *v) {
    /* Up to four bytes decoded here: the string pool's offsets, which
     * translation records hold, take three or four. */
    const unsigned char *q = *p;
    if (end - q >= 4) {
        uint32_t r = q[0] & 0x7fu;
        for (int i = 0; i < 4; i++) {
            if (i) r |= (uint32_t)(q[i] & 0x7fu) << (7 * i);
            if (q[i] < 0x80) {
                *v = r;
                *p = q + i + 1;
                return 0;
            }
        }
    }
    uint64_t x;
    if (pl_varint_get(p, end, &x) != 0 || x > UINT32_MAX) return -1;
    *v = (uint32_t)x;
    return 0;
}

/*
 * Looks up a case-folded word in a language's vocabulary. Returns its flags
 * (PL_XLEX_V_*) and copies its index term to term[0..PL_TERM_MAX] when found,
 * 0 when not.
 */
unsigned xl_vocab_find(const pl_xling *x, int lang, const char *w, size_t n, char *term);

/* 1 when some vocabulary word of the language has the index term s[0..n)
 * (it then starts with it, or nearly: only words starting with its first
 * n - 1 bytes are looked at). */
int xl_vocab_has_stem(const pl_xling *x, int lang, const char *s, size_t n);

#endif
