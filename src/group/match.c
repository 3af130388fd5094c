/*
 * match.c - telling versions of one episode apart from different episodes:
 * a weighted cosine over match keys, and grouping a batch best pair first
 * under the rule that an episode has one synopsis per language.
 *
 * The rule does much of the work: a season imported in one language never
 * collapses, however alike its synopses are, and a group that already holds
 * a German version cannot take a second one.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "util/sort.h"

/* Keys more common than this within the items are left out of proposing
 * pairs (they still count in the similarity of the pairs proposed). */
#define RUN_MAX 64
#define MAX_LANGS 64 /* distinct languages told apart in one grouping */

double pl_group_weight(uint64_t df, uint64_t n_docs) {
    /* Smoothed so that a small catalog does not make every key look rare. */
    return log(1.0 + (double)(n_docs + 10) / (double)(df ? df : 1));
}

void pl_group_norm(pl_group_item *it) {
    double s = 0;
    for (size_t i = 0; i < it->n; i++)
        s += it->w[i] * it->w[i];
    it->norm = sqrt(s);
}

double pl_group_similarity(const pl_group_item *a, const pl_group_item *b) {
    if (a->norm <= 0 || b->norm <= 0) return 0;
    double s = 0;
    size_t i = 0, j = 0;
    while (i < a->n && j < b->n) {
        if (a->keys[i] == b->keys[j])
            s += a->w[i] * b->w[j], i++, j++;
        else if (a->keys[i] < b->keys[j])
            i++;
        else
            j++;
    }
    return s / (a->norm * b->norm);
}

/* Sorted by radix (util/sort.h) on their first field. */
typedef struct kref {
    uint64_t key; /* the match key; refs are made in item order, and the
                     sort is stable, so a key's items stay ascending */
    uint32_t item;
    double w; /* the key's weight in the item */
} kref;

/* A proposing key of an item: where the item is in the key's run of refs,
 * and where the run ends (the items after it are its partners). */
typedef struct kpos {
    uint32_t at, end;
} kpos;

typedef struct pair {
    uint64_t order; /* first the items, then the place best first */
    uint64_t ab;    /* item a << 32 | item b, a < b */
    double sim;
} pair;

/* A pair's place when pairs are taken best first: a non-negative double's
 * bits order as the double does, so this is descending by similarity, and
 * the stable sort keeps ties in item order (the same input, the same
 * groups). */
static uint64_t best_first(double sim) {
    uint64_t bits;
    memcpy(&bits, &sim, sizeof bits);
    return ~bits;
}

static size_t find(size_t *parent, size_t i) {
    while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
    return i;
}

/* The scratch of one grouping. */
typedef struct cluster {
    kref *refs;
    uint64_t *langs; /* per item, its language as a bit, then its group's */
    double *common_sq;
    size_t *coff;   /* item i's common keys are ckey/cw[coff[i]..coff[i+1]) */
    uint32_t *ckey; /* a common key as its number among them */
    double *cw;
    double *cvec; /* per common key, its weight in the item being paired */
    size_t *poff; /* item i's proposing keys are pos[poff[i]..poff[i+1]) */
    kpos *pos;
    double *acc;     /* per partner, the proposing keys' dot product so far */
    uint32_t *touch; /* the partners acc holds */
    uint32_t *mark;  /* per partner, 1 + the item whose pairs acc holds */
    pair *pairs;     /* the pairs that reach the threshold */
    size_t n_pairs, cap_pairs;
} cluster;

static int keep_pair(cluster *c, uint64_t ab, double sim) {
    if (c->n_pairs == c->cap_pairs) {
        size_t cap = c->cap_pairs ? c->cap_pairs * 2 : 256;
        pair *grown = realloc(c->pairs, cap * sizeof *grown);
        if (!grown) return PL_ERR_NOMEM;
        c->pairs = grown;
        c->cap_pairs = cap;
    }
    c->pairs[c->n_pairs++] = (pair){ab, ab, sim};
    return PL_OK;
}

/* Item a's pairs with the items after it that share a proposing key, kept
 * when they reach the threshold. The proposing keys' products add up per
 * partner in a dense array (item at a time, rather than listing every
 * product and sorting the list by pair); each
 * partner is then bounded with the common keys (Cauchy-Schwarz) and, unless
 * hopeless, completed with their products. Products add up in key order
 * throughout, so a pair's similarity is the same to the last bit however
 * it is computed. */
static int pairs_of(cluster *c, const pl_group_item *items, uint32_t a, double threshold) {
    size_t n_touch = 0;
    for (size_t p = c->poff[a]; p < c->poff[a + 1]; p++) {
        const kpos *kp = &c->pos[p];
        double wa = c->refs[kp->at].w;
        for (uint32_t r = kp->at + 1; r < kp->end; r++) {
            uint32_t b = c->refs[r].item;
            if (c->langs[b] == c->langs[a]) continue;
            if (c->mark[b] != a + 1) {
                c->mark[b] = a + 1;
                c->touch[n_touch++] = b;
            }
            c->acc[b] += wa * c->refs[r].w;
        }
    }
    int rc = PL_OK, spread = 0;
    const pl_group_item *ia = &items[a];
    for (size_t t = 0; t < n_touch; t++) {
        uint32_t b = c->touch[t];
        double dot = c->acc[b];
        c->acc[b] = 0;
        if (rc) continue;
        const pl_group_item *ib = &items[b];
        if (ia->norm <= 0 || ib->norm <= 0) continue;
        double bound =
            (dot + sqrt(c->common_sq[a] * c->common_sq[b])) / (ia->norm * ib->norm);
        if (bound * (1 + 1e-9) < threshold) continue;
        /* a's common weights spread out by key once, b's then looked up
         * in key order: the products add up in the order a merge of the
         * two lists would add them, without its unpredictable branches. */
        if (!spread) {
            for (size_t x = c->coff[a]; x < c->coff[a + 1]; x++)
                c->cvec[c->ckey[x]] = c->cw[x];
            spread = 1;
        }
        for (size_t y = c->coff[b]; y < c->coff[b + 1]; y++)
            dot += c->cvec[c->ckey[y]] * c->cw[y]; /* + 0 where a lacks the key */
        double sim = dot / (ia->norm * ib->norm);
        if (sim >= threshold) rc = keep_pair(c, (uint64_t)a << 32 | b, sim);
    }
    if (spread)
        for (size_t x = c->coff[a]; x < c->coff[a + 1]; x++)
            c->cvec[c->ckey[x]] = 0;
    return rc;
}

/* The room's arrays, each by its number. */
enum {
    R_REFS,
    R_SORT,
    R_PARENT,
    R_LANGS,
    R_COMMON_SQ,
    R_COFF,
    R_POFF,
    R_ACC,
    R_TOUCH,
    R_MARK,
    R_CKEY,
    R_CW,
    R_POS,
    R_CVEC,
    R_PAIRS,
    R__COUNT
};

/* Array `which` of the room with at least `bytes` (zeroed when `zero`), or
 * NULL when out of memory. */
static void *room_for(pl_group_room *room, int which, size_t bytes, int zero) {
    if (!bytes) bytes = 1;
    if (room->cap[which] < bytes) {
        /* A quarter more: the next chunk is about as large, maybe larger. */
        size_t want = bytes + bytes / 4;
        free(room->p[which]);
        room->p[which] = malloc(want);
        room->cap[which] = room->p[which] ? want : 0;
        if (!room->p[which]) return NULL;
    }
    if (zero) memset(room->p[which], 0, bytes);
    return room->p[which];
}

void pl_group_room_free(pl_group_room *room) {
    for (int i = 0; i < R__COUNT; i++) {
        free(room->p[i]);
        room->p[i] = NULL;
        room->cap[i] = 0;
    }
}

int pl_group_cluster(const pl_group_item *items, size_t n, double threshold,
                     size_t *group) {
    pl_group_room room = {0};
    int rc = pl_group_cluster_in(items, n, threshold, group, &room);
    pl_group_room_free(&room);
    return rc;
}

int pl_group_cluster_in(const pl_group_item *items, size_t n, double threshold,
                        size_t *group, pl_group_room *room) {
    if (n > UINT32_MAX - 1) return PL_ERR_NOMEM;
    size_t n_refs = 0;
    for (size_t i = 0; i < n; i++)
        n_refs += items[i].n;
    if (n_refs > UINT32_MAX) return PL_ERR_NOMEM;
    cluster c = {0};
    c.pairs = room->p[R_PAIRS];
    c.cap_pairs = room->cap[R_PAIRS] / sizeof *c.pairs;
    c.refs = room_for(room, R_REFS, n_refs * sizeof *c.refs, 0);
    void *sort_room = room_for(room, R_SORT, n_refs * sizeof *c.refs, 0);
    size_t *parent = room_for(room, R_PARENT, n * sizeof *parent, 0);
    c.langs = room_for(room, R_LANGS, n * sizeof *c.langs, 1);
    /* Per item, the squared weights of its keys too common to propose
     * pairs: with what the proposing keys add up, they bound a pair's
     * similarity before it is computed. */
    c.common_sq = room_for(room, R_COMMON_SQ, n * sizeof *c.common_sq, 1);
    c.coff = room_for(room, R_COFF, (n + 1) * sizeof *c.coff, 1);
    c.poff = room_for(room, R_POFF, (n + 1) * sizeof *c.poff, 1);
    c.acc = room_for(room, R_ACC, n * sizeof *c.acc, 1);
    c.touch = room_for(room, R_TOUCH, n * sizeof *c.touch, 0);
    c.mark = room_for(room, R_MARK, n * sizeof *c.mark, 1);
    char names[MAX_LANGS][16];
    size_t n_names = 0;
    int rc = PL_ERR_NOMEM;
    if (!c.refs || !sort_room || !parent || !c.langs || !c.common_sq || !c.coff ||
        !c.poff || !c.acc || !c.touch || !c.mark)
        goto done;
    for (size_t i = 0, r = 0; i < n; i++) {
        parent[i] = i;
        for (size_t k = 0; k < items[i].n; k++)
            c.refs[r++] = (kref){items[i].keys[k], (uint32_t)i, items[i].w[k]};
        /* Languages as bits; past MAX_LANGS distinct ones, the rest share
         * the last bit (and are then kept apart from each other). */
        size_t l = 0;
        while (l < n_names && strcmp(names[l], items[i].lang) != 0)
            l++;
        if (l == n_names && n_names < MAX_LANGS)
            memcpy(names[n_names++], items[i].lang, 16);
        c.langs[i] = 1ull << (l < MAX_LANGS ? l : MAX_LANGS - 1);
    }
    pl_sort_by_u64_in(c.refs, n_refs, sizeof *c.refs, sort_room);
    /* Per item, its common keys with their weights and its proposing keys'
     * places, both in key order (refs are): counted, then filled. */
    size_t n_common = 0, n_prop = 0, n_ckeys = 0;
    for (size_t s = 0, e; s < n_refs; s = e) {
        for (e = s + 1; e < n_refs && c.refs[e].key == c.refs[s].key;)
            e++;
        size_t *cnt = e - s > RUN_MAX ? c.coff : c.poff;
        for (size_t i = s; i < e; i++)
            cnt[c.refs[i].item + 1]++;
        if (e - s > RUN_MAX)
            n_common += e - s, n_ckeys++;
        else
            n_prop += e - s;
    }
    for (size_t i = 0; i < n; i++) {
        c.coff[i + 1] += c.coff[i];
        c.poff[i + 1] += c.poff[i];
    }
    c.ckey = room_for(room, R_CKEY, n_common * sizeof *c.ckey, 0);
    c.cw = room_for(room, R_CW, n_common * sizeof *c.cw, 0);
    c.pos = room_for(room, R_POS, n_prop * sizeof *c.pos, 0);
    c.cvec = room_for(room, R_CVEC, n_ckeys * sizeof *c.cvec, 1);
    if (!c.ckey || !c.cw || !c.pos || !c.cvec) goto done;
    uint32_t kid = 0;
    for (size_t s = 0, e; s < n_refs; s = e) {
        for (e = s + 1; e < n_refs && c.refs[e].key == c.refs[s].key;)
            e++;
        for (size_t i = s; i < e; i++) {
            uint32_t it = c.refs[i].item;
            if (e - s > RUN_MAX) {
                c.common_sq[it] += c.refs[i].w * c.refs[i].w;
                c.ckey[c.coff[it]] = kid;
                c.cw[c.coff[it]++] = c.refs[i].w;
            } else {
                c.pos[c.poff[it]++] = (kpos){(uint32_t)i, (uint32_t)e};
            }
        }
        kid += e - s > RUN_MAX;
    }
    /* The fill moved each item's offsets to its lists' ends: back one item. */
    memmove(c.coff + 1, c.coff, n * sizeof *c.coff);
    memmove(c.poff + 1, c.poff, n * sizeof *c.poff);
    c.coff[0] = c.poff[0] = 0;
    for (size_t a = 0; a < n; a++)
        if ((rc = pairs_of(&c, items, (uint32_t)a, threshold))) goto done;
    /* In item order, then best first (both sorts stable): ties are joined
     * in item order whatever order the partners were met in. */
    rc = PL_ERR_NOMEM;
    /* The refs' room is free now: the pairs' sorts use it when it is large
     * enough (it is, but for few keys and many pairs). */
    void *pair_room = c.n_pairs * sizeof *c.pairs <= room->cap[R_SORT]
                          ? sort_room
                          : room_for(room, R_SORT, c.n_pairs * sizeof *c.pairs, 0);
    if (!pair_room) goto done;
    pl_sort_by_u64_in(c.pairs, c.n_pairs, sizeof *c.pairs, pair_room);
    for (size_t i = 0; i < c.n_pairs; i++)
        c.pairs[i].order = best_first(c.pairs[i].sim);
    pl_sort_by_u64_in(c.pairs, c.n_pairs, sizeof *c.pairs, pair_room);
    for (size_t i = 0; i < c.n_pairs; i++) {
        size_t a = find(parent, c.pairs[i].ab >> 32),
               b = find(parent, c.pairs[i].ab & 0xffffffffu);
        if (a == b || (c.langs[a] & c.langs[b])) continue;
        if (b < a) {
            size_t t = a;
            a = b;
            b = t;
        }
        parent[b] = a;
        c.langs[a] |= c.langs[b];
    }
    for (size_t i = 0; i < n; i++)
        group[i] = find(parent, i);
    rc = PL_OK;
done:
    /* The pairs grow by realloc (keep_pair): kept in the room as well. */
    room->p[R_PAIRS] = c.pairs;
    room->cap[R_PAIRS] = c.cap_pairs * sizeof *c.pairs;
    return rc;
}
