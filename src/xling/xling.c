/*
 * xling.c - opening the cross-lingual lexicon (one full validation pass) and
 * translating index terms with it (see xling.h; bytes in lexicon_format.h).
 *
 * Validation walks every entry, block and pool reference once at open, so
 * that lookups afterwards follow offsets without re-checking them: a lexicon
 * is opened once per process and then serves every query.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "util/buf.h"
#include "xling/xling_internal.h"

int xl_lang_find(const pl_xling *x, const char *code) {
    if (!code) return -1;
    /* A code is at most 4 bytes: compared as one number, zero-padded as
     * the table's codes are (a translated query asks hundreds of times). */
    char c[4] = {0};
    size_t n = 0;
    while (n < 4 && code[n])
        c[n] = code[n], n++;
    if (n == 0 || code[n]) return -1;
    uint32_t want;
    memcpy(&want, c, 4);
    for (uint32_t i = 0; i < x->n_langs; i++) {
        uint32_t have;
        memcpy(&have, x->langs[i].code, 4);
        if (have == want) return (int)i;
    }
    return -1;
}

const char *pl_xling_lang(const pl_xling *x, int i) {
    if (!x || i < 0 || (uint32_t)i >= x->n_langs) return NULL;
    return x->langs[i].code;
}

const char *pl_xling_lang_of(const pl_xling *x, const char *code) {
    return x ? pl_xling_lang(x, xl_lang_find(x, code)) : NULL;
}

/* ---- Validation ------------------------------------------------------ */

static int corrupt(pl_err *err, const char *what) {
    return pl_err_set(err, PL_ERR_CORRUPT, "cross-lingual lexicon: %s", what);
}

/* A pool reference: the item must lie inside the pool. */
static int pool_item(const pl_xling *x, uint32_t ref, const unsigned char **s,
                     uint32_t *n) {
    if (ref >= x->pool_len) return -1;
    const unsigned char *p = x->pool + ref, *end = x->pool + x->pool_len;
    if (xl_varint(&p, end, n) != 0 || *n > (size_t)(end - p)) return -1;
    *s = p;
    return 0;
}

/* An offset array of `count` u32 at `off`, each pointing inside the file. */
static int check_index(const pl_xling *x, uint32_t off, uint32_t count) {
    if (off > x->size || count > (x->size - off) / 4) return -1;
    for (uint32_t i = 0; i < count; i++)
        if (pl_get_u32le(x->d + off + 4 * (size_t)i) >= x->size) return -1;
    return 0;
}

static int check_translations(const pl_xling *x, const xl_lang *l) {
    const unsigned char *end = x->d + x->size, *prev = NULL;
    uint32_t prev_n = 0;
    for (uint32_t i = 0; i < l->tcount; i++) {
        const unsigned char *p = x->d + pl_get_u32le(l->tidx + 4 * (size_t)i);
        uint32_t klen, n;
        if (xl_varint(&p, end, &klen) != 0 || klen == 0 || klen > (size_t)(end - p))
            return -1;
        if (prev && pl_bytes_cmp(prev, prev_n, p, klen) >= 0) return -1; /* unsorted */
        prev = p;
        prev_n = klen;
        p += klen;
        if (xl_varint(&p, end, &n) != 0 || n == 0 || n > PL_XLEX_MAX_TRANS * x->n_langs)
            return -1;
        for (uint32_t j = 0; j < n; j++) {
            uint32_t ref = 0, slen = 0;
            const unsigned char *s;
            if (end - p < 2 || p[0] >= x->n_langs || p[1] == 0) return -1;
            p += 2;
            if (xl_varint(&p, end, &ref) != 0 || pool_item(x, ref, &s, &slen) != 0 ||
                slen == 0)
                return -1;
        }
    }
    return 0;
}

/* Decodes the next vocabulary word of a block into word[] (PL_TERM_MAX + 1
 * bytes, holding the previous word) and its index term into term[]. */
static int vocab_next(const unsigned char **pp, const unsigned char *end, int first,
                      char *word, size_t *wlen, unsigned *flags, char *term) {
    const unsigned char *p = *pp;
    uint32_t shared = 0, n;
    if (!first && xl_varint(&p, end, &shared) != 0) return -1;
    if (shared > *wlen || xl_varint(&p, end, &n) != 0 || n > (size_t)(end - p) ||
        shared + (size_t)n > PL_TERM_MAX || shared + n == 0)
        return -1;
    memcpy(word + shared, p, n);
    *wlen = shared + n;
    word[*wlen] = 0;
    p += n;
    if (p >= end) return -1;
    *flags = *p++;
    if (xl_varint(&p, end, &shared) != 0 || shared > *wlen || xl_varint(&p, end, &n) != 0 ||
        n > (size_t)(end - p) || shared + (size_t)n > PL_TERM_MAX)
        return -1;
    if (term) {
        memcpy(term, word, shared);
        memcpy(term + shared, p, n);
        term[shared + n] = 0;
    }
    p += n;
    *pp = p;
    return 0;
}

static int check_vocab(const pl_xling *x, const xl_lang *l) {
    const unsigned char *end = x->d + x->size;
    char word[PL_TERM_MAX + 1], prev[PL_TERM_MAX + 1] = "", term[PL_TERM_MAX + 1];
    size_t prev_n = 0;
    uint32_t left = l->vwords; /* xl_open checked that vblocks fits vwords */
    for (uint32_t b = 0; b < l->vblocks; b++) {
        const unsigned char *p = x->d + pl_get_u32le(l->vidx + 4 * (size_t)b);
        size_t wlen = 0;
        unsigned flags;
        uint32_t count = left < PL_XLEX_VBLOCK ? left : PL_XLEX_VBLOCK;
        for (uint32_t i = 0; i < count; i++) {
            if (vocab_next(&p, end, i == 0, word, &wlen, &flags, term) != 0 || flags == 0)
                return -1;
            if ((b || i) && pl_bytes_cmp((const unsigned char *)prev, prev_n,
                                         (const unsigned char *)word, wlen) >= 0)
                return -1;
            memcpy(prev, word, wlen + 1);
            prev_n = wlen;
        }
        left -= count;
    }
    return 0;
}

/* Sets l->vkey from the blocks' first words (see xling_internal.h); left
 * NULL when out of memory or when a first word cannot be read (a lexicon
 * not walked at open may be damaged: the search then reads as before). */
static void vocab_keys(const pl_xling *x, xl_lang *l) {
    if (l->vblocks == 0 || !(l->vkey = malloc((size_t)l->vblocks * sizeof *l->vkey)))
        return;
    const unsigned char *end = x->d + x->size;
    for (uint32_t b = 0; b < l->vblocks; b++) {
        const unsigned char *p = x->d + pl_get_u32le(l->vidx + 4 * (size_t)b);
        uint32_t len;
        if (xl_varint(&p, end, &len) != 0 || len > (size_t)(end - p)) {
            free(l->vkey);
            l->vkey = NULL;
            return;
        }
        l->vkey[b] = pl_prefix_key(p, len);
    }
}

static void xl_free(pl_xling *x) {
    for (uint32_t i = 0; x && i < x->n_langs; i++) {
        free(x->langs[i].vkey);
        free(atomic_load(&x->langs[i].tkey));
    }
    free(x);
}

/* Opens the lexicon; `walk` 0 skips walking every entry and word, which
 * costs a tenth of a second on the shipped 36 MB and is owed only to bytes
 * not already known to be sound. */
static int xl_open(const void *data, size_t size, int walk, pl_xling **out, pl_err *err) {
    if (!out) return pl_err_set(err, PL_ERR_USAGE, "pl_xling_open: no output");
    *out = NULL;
    if (!data && size) return pl_err_set(err, PL_ERR_USAGE, "pl_xling_open: no data");
    const unsigned char *d = data;
    if (size < PL_XLEX_HEADER || memcmp(d, PL_XLEX_MAGIC, 8) != 0)
        return corrupt(err, "not a lexicon (bad magic)");
    if (pl_get_u32le(d + 8) != PL_XLEX_VERSION) return corrupt(err, "unsupported version");
    if (pl_get_u32le(d + 12) != PL_XLEX_HEADER || pl_get_u64le(d + 16) != size)
        return corrupt(err, "size does not match the header (truncated?)");
    uint64_t sum = pl_get_u64le(d + 24);
    if (XXH3_64bits(d + PL_XLEX_HEADER, size - PL_XLEX_HEADER) != sum)
        return corrupt(err, "checksum mismatch");
#ifdef PL_XLING_TRUSTED_SUM
    /* The very bytes of the lexicon this library was built with, whose
     * structure test_xling walks in full: the checksum vouches for them. */
    if (walk < 0) walk = sum != PL_XLING_TRUSTED_SUM;
#else
    if (walk < 0) walk = 1;
#endif

    pl_xling *x = calloc(1, sizeof *x);
    if (!x) return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
    x->d = d;
    x->size = size;
    x->n_langs = pl_get_u32le(d + 32);
    uint32_t langs = pl_get_u32le(d + 36), pool = pl_get_u32le(d + 40);
    uint32_t pool_len = pl_get_u32le(d + 44);
    const char *bad = NULL;
    if (x->n_langs > PL_XLEX_MAX_LANGS || langs > size ||
        x->n_langs > (size - langs) / PL_XLEX_LANGREC)
        bad = "bad language table";
    else if (pool > size || pool_len > size - pool)
        bad = "bad string pool bounds";
    x->pool = d + pool;
    x->pool_len = pool_len;
    for (uint32_t i = 0; !bad && i < x->n_langs; i++) {
        const unsigned char *r = d + langs + (size_t)i * PL_XLEX_LANGREC;
        xl_lang *l = &x->langs[i];
        memcpy(l->code, r, 4);
        l->code[4] = 0;
        for (size_t k = strlen(l->code); k < 4; k++) /* zero-padded (xl_lang_find) */
            l->code[k] = 0;
        if (!l->code[0] || (i && strcmp(x->langs[i - 1].code, l->code) >= 0)) {
            bad = "bad language code";
            break;
        }
        uint32_t toff = pl_get_u32le(r + 4), voff = pl_get_u32le(r + 12);
        l->tcount = pl_get_u32le(r + 8);
        l->vblocks = pl_get_u32le(r + 16);
        l->vwords = pl_get_u32le(r + 20);
        uint32_t n;
        const unsigned char *s;
        if (check_index(x, toff, l->tcount) != 0 || check_index(x, voff, l->vblocks) != 0) {
            bad = "bad index offsets";
            break;
        }
        l->tidx = d + toff;
        l->vidx = d + voff;
        if (pool_item(x, pl_get_u32le(r + 24), &s, &n) != 0) {
            bad = "bad linking elements";
            break;
        }
        l->linkers = s;
        l->linkers_len = n;
        if (l->vblocks != (l->vwords + PL_XLEX_VBLOCK - 1) / PL_XLEX_VBLOCK)
            bad = "bad vocabulary block";
        else if (walk && check_translations(x, l) != 0)
            bad = "bad translation entry";
        else if (walk && check_vocab(x, l) != 0)
            bad = "bad vocabulary block";
    }
    if (bad) {
        free(x);
        return corrupt(err, bad);
    }
    for (uint32_t i = 0; i < x->n_langs; i++)
        vocab_keys(x, &x->langs[i]);
    *out = x;
    return PL_OK;
}

int pl_xling_open(const void *data, size_t size, pl_xling **out, pl_err *err) {
    return xl_open(data, size, -1, out, err);
}

int pl_xling_check(const void *data, size_t size, pl_err *err) {
    pl_xling *x = NULL;
    int rc = xl_open(data, size, 1, &x, err);
    xl_free(x);
    return rc;
}

void pl_xling_close(pl_xling *x) {
    if (x && x->map) munmap(x->map, x->size);
    xl_free(x);
}

/* ---- Translation ----------------------------------------------------- */

/* The language's entry keys as numbers (xl_lang.tkey), made on first use:
 * a translated query looks up hundreds of keys, each a binary search of
 * some 17 steps that would otherwise compare strings at every step. Two
 * threads may both make them; one keeps its array, the other frees its
 * own. NULL when out of memory (the search then compares strings). */
static const uint64_t *entry_keys(const pl_xling *x, const xl_lang *l) {
    xl_lang *ml = (xl_lang *)l; /* the cache is the only thing written */
    uint64_t *k = atomic_load_explicit(&ml->tkey, memory_order_acquire);
    if (k || l->tcount == 0) return k;
    if (!(k = malloc((size_t)l->tcount * sizeof *k))) return NULL;
    const unsigned char *end = x->d + x->size;
    for (uint32_t i = 0; i < l->tcount; i++) {
        const unsigned char *p = x->d + pl_get_u32le(l->tidx + 4 * (size_t)i);
        uint32_t n = 0;
        if (xl_varint(&p, end, &n) != 0 || n > (size_t)(end - p)) {
            free(k); /* a lexicon not walked at open, damaged */
            return NULL;
        }
        k[i] = pl_prefix_key(p, n);
    }
    uint64_t *none = NULL;
    if (!atomic_compare_exchange_strong(&ml->tkey, &none, k)) {
        free(k);
        return none;
    }
    return k;
}

/* The entry of a key in a language, or NULL. */
static const unsigned char *entry_find(const pl_xling *x, const xl_lang *l,
                                       const unsigned char *key, size_t klen) {
    const unsigned char *end = x->d + x->size;
    const uint64_t *keys = entry_keys(x, l);
    uint64_t want = pl_prefix_key(key, klen);
    size_t lo = 0, hi = l->tcount;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c;
        if (keys && keys[mid] != want) {
            c = keys[mid] < want ? -1 : 1;
        } else {
            const unsigned char *p = x->d + pl_get_u32le(l->tidx + 4 * mid);
            uint32_t n = 0;
            xl_varint(&p, end, &n); /* validated at open */
            c = pl_bytes_cmp(p, n, key, klen);
            if (c == 0) return p + n;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Splits a pool string into NUL-terminated terms in buf; returns their count. */
static int split_terms(const unsigned char *s, size_t n, char *buf, const char **terms,
                       int max) {
    int k = 0;
    memcpy(buf, s, n);
    buf[n] = 0;
    char *p = buf;
    while (*p && k < max) {
        terms[k++] = p;
        char *sp = strchr(p, ' ');
        if (!sp) break;
        *sp = 0;
        p = sp + 1;
    }
    return k;
}

/* A translation through English counts this much of the product of its two
 * steps' weights: two uncertain steps, and English words are ambiguous
 * ("card" is a map and a greeting card). */
#define PIVOT 0.5
#define MAX_CANDS (PL_XLEX_MAX_TRANS * (PL_XLEX_MAX_TRANS + 1))

typedef struct {
    uint32_t ref; /* pool offset: equal strings have equal refs */
    double w;
} cand;

/* Adds an entry's translations into language tl to c[0..*n), weights times
 * `scale`; a target already there combines as independent evidence. */
static void collect(const pl_xling *x, const unsigned char *p, int tl, double scale,
                    cand *c, int *n) {
    const unsigned char *end = x->d + x->size;
    uint32_t count = 0;
    xl_varint(&p, end, &count);
    for (uint32_t j = 0; j < count; j++) {
        int lang = p[0], q = p[1];
        uint32_t ref = 0;
        p += 2;
        xl_varint(&p, end, &ref);
        if (lang < tl) continue;
        if (lang > tl) break; /* records are ordered by language */
        double w = scale * q / 255.0;
        int k = 0;
        while (k < *n && c[k].ref != ref)
            k++;
        if (k < *n)
            c[k].w = 1 - (1 - c[k].w) * (1 - w);
        else if (*n < MAX_CANDS)
            c[(*n)++] = (cand){ref, w};
    }
}

/* Weight descending; equal weights (a byte each in the file, so ties are
 * common) by the target's bytes, not by where the pool put it: the pool
 * orders strings by how often any pair refers to them, so pairs added
 * anywhere would reorder a word's equal senses, and grouping keeps a
 * word's first two (src/group/keys.c). */
static int cand_cmp(const pl_xling *x, const cand *a, const cand *b) {
    if (a->w != b->w) return a->w > b->w ? -1 : 1;
    if (a->ref == b->ref) return 0;
    const unsigned char *sa = NULL, *sb = NULL;
    uint32_t na = 0, nb = 0;
    pool_item(x, a->ref, &sa, &na);
    pool_item(x, b->ref, &sb, &nb);
    return pl_bytes_cmp(sa, na, sb, nb);
}

/* The English entries of an entry's English translations (at most
 * PL_XLEX_MAX_TRANS) into via, their weights into via_w; returns how many. */
static int english_via(const pl_xling *x, const unsigned char *entry, int en,
                       const unsigned char **via, double *via_w) {
    const unsigned char *p = entry, *end = x->d + x->size;
    uint32_t count = 0;
    int n_via = 0;
    xl_varint(&p, end, &count);
    for (uint32_t j = 0; j < count && n_via < PL_XLEX_MAX_TRANS; j++) {
        int lang = p[0], q = p[1];
        uint32_t ref = 0, slen = 0;
        const unsigned char *s = NULL;
        p += 2;
        xl_varint(&p, end, &ref);
        if (lang != en) continue;
        pool_item(x, ref, &s, &slen);
        const unsigned char *e = entry_find(x, &x->langs[en], s, slen);
        if (e) {
            via[n_via] = e;
            via_w[n_via++] = q / 255.0;
        }
    }
    return n_via;
}

int pl_xling_translate(const pl_xling *x, const char *src_lang, const char *const *terms,
                       int n_terms, const char *const *target_langs, int n_targets,
                       pl_xling_fn fn, void *ctx) {
    if (!x || !terms || n_terms <= 0 || !fn || (target_langs && n_targets < 0))
        return PL_ERR_USAGE;
    int src = xl_lang_find(x, src_lang);
    if (src < 0) return 0;

    /* The key: the terms joined by spaces. */
    unsigned char key[4 * (PL_TERM_MAX + 1)];
    size_t klen = 0;
    for (int i = 0; i < n_terms; i++) {
        size_t n = terms[i] ? strlen(terms[i]) : 0;
        if (n == 0 || klen + n + (i > 0) > sizeof key) return 0; /* no key is that long */
        if (i) key[klen++] = ' ';
        memcpy(key + klen, terms[i], n);
        klen += n;
    }
    const unsigned char *entry = entry_find(x, &x->langs[src], key, klen);
    if (!entry) return 0;
    int en = xl_lang_find(x, "en");

    /* The source's English translations, for the way through English;
     * found when a target other than English first needs them. */
    const unsigned char *via[PL_XLEX_MAX_TRANS];
    double via_w[PL_XLEX_MAX_TRANS];
    int n_via = 0, via_found = en < 0 || en == src;

    int wanted = target_langs ? n_targets : (int)x->n_langs;
    int delivered = 0;
    for (int t = 0; t < wanted; t++) {
        int tl = target_langs ? xl_lang_find(x, target_langs[t]) : t;
        if (tl < 0 || tl == src) continue;
        if (tl != en && !via_found) {
            n_via = english_via(x, entry, en, via, via_w);
            via_found = 1;
        }
        cand c[MAX_CANDS];
        int n = 0;
        collect(x, entry, tl, 1.0, c, &n);
        if (tl != en)
            for (int v = 0; v < n_via; v++)
                collect(x, via[v], tl, PIVOT * via_w[v], c, &n);
        for (int i = 1; i < n; i++) /* a few: insertion sort */
            for (int j = i; j > 0 && cand_cmp(x, &c[j - 1], &c[j]) > 0; j--) {
                cand tmp = c[j];
                c[j] = c[j - 1];
                c[j - 1] = tmp;
            }
        for (int k = 0; k < n && k < PL_XLING_MAX_PER_LANG; k++) {
            uint32_t slen = 0;
            const unsigned char *s = NULL;
            pool_item(x, c[k].ref, &s, &slen);
            char buf[4 * (PL_TERM_MAX + 1) + 1];
            const char *tt[8];
            if (slen >= sizeof buf) continue; /* the builder writes no such term */
            int nt = split_terms(s, slen, buf, tt, 8);
            delivered++;
            if (fn(ctx, x->langs[tl].code, tt, nt, c[k].w)) return delivered;
        }
    }
    return delivered;
}

int pl_xling_translate_term(const pl_xling *x, const char *src_lang, const char *term,
                            size_t len, const char *const *target_langs, int n_targets,
                            pl_xling_fn fn, void *ctx) {
    char buf[PL_TERM_MAX + 1];
    if (!term || len == 0) return PL_ERR_USAGE;
    if (len > PL_TERM_MAX) return 0;
    memcpy(buf, term, len);
    buf[len] = 0;
    const char *terms[1] = {buf};
    return pl_xling_translate(x, src_lang, terms, 1, target_langs, n_targets, fn, ctx);
}

int pl_xling_variants(const pl_xling *x, const char *lang, const char *term, size_t len,
                      pl_xling_fn fn, void *ctx) {
    if (!x || !lang || !term || !fn) return PL_ERR_USAGE;
    int l = xl_lang_find(x, lang);
    if (l < 0 || len == 0) return 0;
    const unsigned char *entry =
        entry_find(x, &x->langs[l], (const unsigned char *)term, len);
    if (!entry) return 0;
    /* A word's variants are the records in its own language, which no
     * translation has. */
    cand c[MAX_CANDS];
    int n = 0, delivered = 0;
    collect(x, entry, l, 1.0, c, &n);
    for (int k = 0; k < n; k++) {
        uint32_t slen = 0;
        const unsigned char *s = NULL;
        char buf[PL_TERM_MAX + 1];
        pool_item(x, c[k].ref, &s, &slen);
        if (slen == 0 || slen > PL_TERM_MAX) continue;
        memcpy(buf, s, slen);
        buf[slen] = 0;
        const char *t[1] = {buf};
        delivered++;
        if (fn(ctx, x->langs[l].code, t, 1, 1.0)) break;
    }
    return delivered;
}

/* ---- Folding --------------------------------------------------------- */

int pl_xling_fold(const char *s, size_t n, char *out, size_t cap) {
    /* ASCII, most words: NFKC_Casefold is lowercasing (nothing in ASCII is
     * ignorable, nor changed by compatibility mapping). */
    size_t ascii = 0;
    while (ascii < n && !((unsigned char)s[ascii] & 0x80))
        ascii++;
    if (ascii == n) {
        if (n >= cap) return -1;
        for (size_t i = 0; i < n; i++)
            out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + ('a' - 'A') : s[i]);
        out[n] = 0;
        return (int)n;
    }
    utf8proc_uint8_t *folded = NULL;
    utf8proc_ssize_t r =
        utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &folded,
                     UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                         UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
    if (r < 0) return -1;
    int ok = (size_t)r < cap;
    if (ok) memcpy(out, folded, (size_t)r + 1);
    free(folded);
    return ok ? (int)r : -1;
}
