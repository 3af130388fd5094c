/*
 * grouping.c - placing new synopses in episodes: translations of one episode
 * together, different episodes apart (the signals are src/group's).
 *
 * Each synopsis a batch adds gets its match keys stored. Those that came
 * without an episode label are then grouped, inside the batch's transaction
 * so that a crash keeps or loses the batch whole: first among themselves
 * (one file is often one episode in many languages), then each group is
 * matched against the episodes already stored, through the keys' table, so
 * that matching is a lookup whatever the catalog's size. A group joins the
 * best episode when it is alike enough and has none of its languages;
 * otherwise it is an episode of its own.
 *
 * A synopsis is placed once, when it arrives: grouping never moves a stored
 * one, so what `plotline group` decides by hand stands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "group/group.h"
#include "util/memo.h"
#include "util/sort.h"
#include "util/u32map.h"
#include "xling/xling.h"

#define CHUNK 2048    /* synopses grouped at a time: bounds memory */
#define PROBE_KEYS 12 /* a synopsis's rarest keys looked up */
#define PROBE_HITS 32 /* synopses read per key looked up */
#define CANDIDATES 6  /* synopses compared in full per synopsis */
/* A synopsis finds at most PROBE_KEYS x PROBE_HITS: the table that sums
 * them is at most half full. */
#define FOUND_BITS 10
#define FOUND_SLOTS (1u << FOUND_BITS)
_Static_assert(2 * PROBE_KEYS * PROBE_HITS <= FOUND_SLOTS, "the found table fills up");

typedef struct pending {
    int64_t id;
    char lang[PL_LANG_MAX];
    pl_group_key *keys;
    size_t n;
} pending;

struct pl_grouper {
    pending *p;
    size_t n, cap;
    /* key -> its weight among n_docs synopses (the double's bits; a weight
     * is never 0, which marks an empty slot), for the chunk being grouped */
    pl_u32map weights;
    uint64_t n_docs;
    /* for the chunk being grouped, NULL until first used: stored synopses
     * weighed as candidates (weighed_candidate), and the synopses each
     * probed key finds (key_synopses) */
    pl_memo *cands, *key_ids;
    pl_group_room room; /* the clustering's, kept from chunk to chunk */
    /* candidates' table from a found synopsis to its place in the list of
     * those found (0: empty; ids are positive), emptied after each use */
    int64_t found_id[FOUND_SLOTS];
    uint32_t found_at[FOUND_SLOTS];
};

/* Bounds of those memos: a weighed candidate takes some 12 bytes a key, a
 * key's synopses 8 bytes each. */
#define CAND_MEMO_BYTES (8u << 20)
#define KEY_IDS_MEMO_BYTES (8u << 20)

void pl_grouper_free(pl_grouper *g) {
    if (!g) return;
    for (size_t i = 0; i < g->n; i++)
        free(g->p[i].keys);
    free(g->p);
    pl_u32map_free(&g->weights);
    pl_memo_free(g->cands);
    pl_memo_free(g->key_ids);
    pl_group_room_free(&g->room);
    free(g);
}

/* ---- key weights, cached per chunk ---- */

/* A key's weight is read thousands of times a chunk (every candidate's keys
 * are weighed): its frequency is looked up and its logarithm taken once. */
static void remember_weight(pl_grouper *g, uint64_t *slot, uint64_t df) {
    double w = pl_group_weight(df, g->n_docs);
    memcpy(slot, &w, sizeof w);
}

/* Keys the chunk itself stored: their counts come with the write. */
static void note_df(void *ctx, uint32_t key, uint64_t df) {
    pl_grouper *g = ctx;
    uint64_t *v = pl_u32map_slot(&g->weights, key);
    if (v) remember_weight(g, v, df); /* without room the key is read when needed */
}

static int weight_of(pl_db *db, pl_grouper *g, uint32_t key, double *w, pl_err *err) {
    uint64_t *v = pl_u32map_slot(&g->weights, key);
    if (!v) return pl_err_set(err, PL_ERR_NOMEM, "grouping: out of memory");
    if (!*v) {
        uint64_t df;
        int rc = pl_catalog_key_df(db->cat, key, &df, err);
        if (rc) return rc;
        remember_weight(g, v, df);
    }
    memcpy(w, v, sizeof *w);
    return PL_OK;
}

/* An item with weights from the catalog's key frequencies (g->n_docs). */
static int weigh(pl_db *db, pl_grouper *g, const pl_group_key *keys, size_t n,
                 const char *lang, pl_group_item *it, double **w, pl_err *err) {
    *w = malloc((n ? n : 1) * sizeof **w);
    if (!*w) return pl_err_set(err, PL_ERR_NOMEM, "grouping: out of memory");
    for (size_t i = 0; i < n; i++) {
        int rc = weight_of(db, g, keys[i], &(*w)[i], err);
        if (rc) return rc;
    }
    *it = (pl_group_item){.keys = keys, .w = *w, .n = n};
    snprintf(it->lang, sizeof it->lang, "%s", lang);
    pl_group_norm(it);
    return PL_OK;
}

/* ---- matching against stored synopses ---- */

typedef struct cand {
    int64_t id;
    double hits;
} cand;

/* A stored synopsis one of the probed keys found, and the key's weight. */
typedef struct finding {
    int64_t id;
    double w;
} finding;

static int by_hits(const void *a, const void *b) {
    const cand *x = a, *y = b;
    if (x->hits != y->hits) return x->hits > y->hits ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* Moves the k first of c[0..nc) in by_hits's order, in that order, to
 * c[0..k) and returns how many there are: a synopsis compares CANDIDATES
 * of the hundreds its keys find, and sorting them all was a tenth of
 * finding them. */
static size_t best_first(cand *c, size_t nc, size_t k) {
    size_t n = 0;
    for (size_t i = 0; i < nc && k; i++) {
        if (n == k && by_hits(&c[i], &c[k - 1]) >= 0) continue;
        cand x = c[i]; /* c[0..n) is kept, n <= i: no later one is written */
        size_t j = n < k ? n++ : k - 1;
        for (; j > 0 && by_hits(&x, &c[j - 1]) < 0; j--)
            c[j] = c[j - 1];
        c[j] = x;
    }
    return n;
}

/* The similarity of `it` to the stored synopsis `id`, weighed as weigh()
 * does. The same older synopses are candidates for many new ones (a
 * series' names are in all its episodes), and their keys and weights do
 * not change while a chunk is grouped (the chunk's counts are in before the
 * first is weighed): they are kept, as the key count, the keys and the
 * weights, for the rest of the chunk. */
static int weighed_candidate(pl_db *db, pl_grouper *g, int64_t id, const pl_group_item *it,
                             double *sim, pl_err *err) {
    if (!g->cands) g->cands = pl_memo_new(CAND_MEMO_BYTES); /* none: only slower */
    const void *val;
    size_t vlen;
    uint32_t *keys = NULL;
    double *w = NULL;
    size_t n;
    int rc = PL_OK;
    pl_group_item other;
    if (g->cands && pl_memo_get(g->cands, &id, sizeof id, &val, &vlen) &&
        vlen >= sizeof(uint64_t)) {
        uint64_t n64;
        memcpy(&n64, val, sizeof n64);
        n = (size_t)n64;
        keys = malloc((n ? n : 1) * sizeof *keys);
        w = malloc((n ? n : 1) * sizeof *w);
        if (!keys || !w) {
            rc = pl_err_set(err, PL_ERR_NOMEM, "grouping: out of memory");
        } else {
            const unsigned char *v = val;
            memcpy(keys, v + sizeof n64, n * sizeof *keys);
            memcpy(w, v + sizeof n64 + n * sizeof *keys, n * sizeof *w);
            other = (pl_group_item){.keys = keys, .w = w, .n = n};
            pl_group_norm(&other);
        }
    } else {
        rc = pl_catalog_synopsis_keys(db->cat, id, &keys, &n, err);
        if (!rc) rc = weigh(db, g, keys, n, "", &other, &w, err);
        size_t bytes = sizeof(uint64_t) + n * (sizeof *keys + sizeof *w);
        unsigned char *v = !rc && g->cands ? malloc(bytes) : NULL;
        if (v) {
            uint64_t n64 = n;
            memcpy(v, &n64, sizeof n64);
            memcpy(v + sizeof n64, keys, n * sizeof *keys);
            memcpy(v + sizeof n64 + n * sizeof *keys, w, n * sizeof *w);
            pl_memo_put(g->cands, &id, sizeof id, v, bytes);
            free(v);
        }
    }
    if (!rc) *sim = pl_group_similarity(it, &other);
    free(w);
    free(keys);
    return rc;
}

/* pl_catalog_key_synopses for PROBE_HITS, through the chunk's memo: the
 * key index does not change while a chunk is grouped (its keys are written
 * before), and common keys are probed for many of its synopses. */
static int key_synopses(pl_db *db, pl_grouper *g, uint32_t key, int64_t **ids, size_t *n,
                        pl_err *err) {
    if (!g->key_ids) g->key_ids = pl_memo_new(KEY_IDS_MEMO_BYTES); /* none: only slower */
    const void *val;
    size_t vlen;
    if (g->key_ids && pl_memo_get(g->key_ids, &key, sizeof key, &val, &vlen)) {
        *n = vlen / sizeof **ids;
        if (!(*ids = malloc(vlen ? vlen : 1)))
            return pl_err_set(err, PL_ERR_NOMEM, "grouping: out of memory");
        memcpy(*ids, val, vlen);
        return PL_OK;
    }
    int rc = pl_catalog_key_synopses(db->cat, key, PROBE_HITS, ids, n, err);
    if (!rc && g->key_ids)
        pl_memo_put(g->key_ids, &key, sizeof key, *ids, *n * sizeof **ids);
    return rc;
}

/* The stored synopses most like `it` (ids outside `skip`, a sorted list),
 * with their similarities: its rarest keys are looked up, the synopses met
 * most often are compared in full. Weights are among g->n_docs synopses. */
static int candidates(pl_db *db, pl_grouper *g, const pl_group_item *it,
                      const int64_t *skip, size_t n_skip, cand *out, size_t max_out,
                      size_t *n_out, pl_err *err) {
    *n_out = 0;
    size_t *ord = malloc((it->n ? it->n : 1) * sizeof *ord);
    cand *c = NULL;
    finding *f = NULL;
    size_t nc = 0, cap = 0;
    int rc = PL_OK;
    if (!ord) return pl_err_set(err, PL_ERR_NOMEM, "grouping: out of memory");
    /* The rarest keys that some other synopsis has too (a key only this one
     * has, df 1, finds nothing), heaviest first. */
    double solo = pl_group_weight(1, g->n_docs) - 1e-9;
    size_t shared = 0;
    for (size_t i = 0; i < it->n; i++)
        if (it->w[i] < solo) ord[shared++] = i;
    size_t probe = shared < PROBE_KEYS ? shared : PROBE_KEYS;
    for (size_t i = 0; i < probe; i++)
        for (size_t j = i + 1; j < shared; j++)
            if (it->w[ord[j]] > it->w[ord[i]]) {
                size_t t = ord[i];
                ord[i] = ord[j];
                ord[j] = t;
            }
    /* Every synopsis each key finds, then summed per synopsis in the order
     * the keys were looked up (sorted by id, then by that order). */
    for (size_t i = 0; i < probe && !rc; i++) {
        int64_t *ids;
        size_t n;
        if ((rc = key_synopses(db, g, it->keys[ord[i]], &ids, &n, err))) break;
        if (nc + n > cap) {
            cap = cap ? cap * 2 : PROBE_KEYS * PROBE_HITS;
            while (cap < nc + n)
                cap *= 2;
            finding *grown = realloc(f, cap * sizeof *grown);
            if (!grown) {
                free(ids);
                rc = pl_err_set(err, PL_ERR_NOMEM, "grouping: out of memory");
                break;
            }
            f = grown;
        }
        for (size_t k = 0; k < n; k++)
            /* The chunk's own ids (skip) are the newest: most found are older. */
            if (!n_skip || ids[k] < skip[0] || ids[k] > skip[n_skip - 1] ||
                !bsearch(&ids[k], skip, n_skip, sizeof *skip, pl_cmp_i64)) {
                f[nc] = (finding){ids[k], it->w[ord[i]]};
                nc++;
            }
        free(ids);
    }
    if (!rc && nc && !(c = malloc(nc * sizeof *c)))
        rc = pl_err_set(err, PL_ERR_NOMEM, "grouping: out of memory");
    /* Each synopsis found once, with its keys' weights summed in the order
     * they were found (the order decides the sum's last bits). */
    uint16_t used[2 * PROBE_KEYS * PROBE_HITS];
    size_t n_cand = 0;
    for (size_t i = 0; i < nc && !rc; i++) {
        size_t s =
            (size_t)(((uint64_t)f[i].id * 0x9E3779B97F4A7C15ull) >> (64 - FOUND_BITS));
        while (g->found_id[s] && g->found_id[s] != f[i].id)
            s = (s + 1) % FOUND_SLOTS;
        if (!g->found_id[s]) {
            g->found_id[s] = f[i].id;
            g->found_at[s] = (uint32_t)n_cand;
            used[n_cand] = (uint16_t)s;
            c[n_cand++] = (cand){f[i].id, 0};
        }
        c[g->found_at[s]].hits += f[i].w;
    }
    for (size_t i = 0; i < n_cand; i++)
        g->found_id[used[i]] = 0;
    nc = n_cand;
    if (!rc && nc) {
        nc = best_first(c, nc, max_out);
        for (size_t i = 0; i < nc && !rc; i++) {
            double sim;
            rc = weighed_candidate(db, g, c[i].id, it, &sim, err);
            if (!rc) out[(*n_out)++] = (cand){c[i].id, sim};
        }
    }
    free(c);
    free(f);
    free(ord);
    return rc;
}

/* ---- the batch's side ---- */

int pl_grouper_add(pl_db *db, pl_grouper **gp, int64_t id, const char *lang,
                   const char *text, size_t len, int place, pl_err *err) {
    pl_group_key *keys;
    size_t n;
    /* Words come back synopsis after synopsis and batch after batch: their
     * keys are remembered by the handle (a memo that cannot be had only
     * costs time). */
    pl_worker w = pl_db_worker(db);
    if (pl_worker_keys(&w, lang, text, len, &keys, &n))
        return pl_err_set(err, PL_ERR_NOMEM, "grouping: out of memory");
    return pl_grouper_add_keyed(db, gp, id, lang, text, len, place, keys, n, err);
}

int pl_worker_keys(pl_worker *w, const char *lang, const char *text, size_t len,
                   pl_group_key **keys, size_t *n) {
    char base[PL_LANG_MAX];
    pl_base_lang(lang, base);
    return pl_group_keys(w->an, pl_xling_default(NULL), w->word_keys, base, text, len, keys,
                         n);
}

int pl_grouper_add_keyed(pl_db *db, pl_grouper **gp, int64_t id, const char *lang,
                         const char *text, size_t len, int place, pl_group_key *keys,
                         size_t n, pl_err *err) {
    if (!*gp && !(*gp = calloc(1, sizeof **gp))) {
        free(keys);
        return pl_err_set(err, PL_ERR_NOMEM, "grouping: out of memory");
    }
    pl_grouper *g = *gp;
    int rc = pl_catalog_put_keys(db->cat, id, keys, n, err);
    if (rc || !place || pl_is_placeholder(text, len, NULL)) {
        free(keys);
        return rc;
    }

    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 64;
        pending *grown = realloc(g->p, cap * sizeof *grown);
        if (!grown) {
            free(keys);
            return pl_err_set(err, PL_ERR_NOMEM, "grouping: out of memory");
        }
        g->p = grown;
        g->cap = cap;
    }
    pending *p = &g->p[g->n++];
    p->id = id;
    snprintf(p->lang, sizeof p->lang, "%s", lang);
    p->keys = keys;
    p->n = n;
    return g->n >= CHUNK ? pl_grouper_run(db, g, err) : PL_OK;
}

/* Places group members[0..n) (indexes into g->p): into the best stored
 * episode that takes them, else together in the first one's episode. */
static int place(pl_db *db, pl_grouper *g, const pl_group_item *items,
                 const size_t *members, size_t n, const int64_t *skip, size_t n_skip,
                 pl_err *err) {
    cand best = {0, 0};
    int64_t best_ep = 0;
    int rc = PL_OK;
    for (size_t m = 0; m < n && !rc; m++) {
        cand found[CANDIDATES];
        size_t nf;
        if ((rc = candidates(db, g, &items[members[m]], skip, n_skip, found, CANDIDATES,
                             &nf, err)))
            break;
        for (size_t i = 0; i < nf && !rc; i++) {
            if (found[i].hits < PL_GROUP_THRESHOLD || found[i].hits <= best.hits) continue;
            int64_t ep;
            char lang[PL_LANG_MAX];
            if ((rc = pl_catalog_episode_of(db->cat, found[i].id, &ep, lang, err))) break;
            /* One synopsis per language: the episode must lack all of ours. */
            int clash = 0;
            for (size_t k = 0; k < n && !clash && !rc; k++)
                rc = pl_catalog_episode_has_lang(db->cat, ep, g->p[members[k]].lang, &clash,
                                                 err);
            if (!rc && !clash) {
                best = found[i];
                best_ep = ep;
            }
        }
    }
    if (rc) return rc;
    int64_t into = best_ep;
    if (!into) {
        char lang[PL_LANG_MAX];
        if ((rc = pl_catalog_episode_of(db->cat, g->p[members[0]].id, &into, lang, err)))
            return rc;
    }
    for (size_t m = 0; m < n && !rc; m++)
        rc = pl_catalog_move(db->cat, g->p[members[m]].id, into, err);
    return rc;
}

int pl_grouper_run(pl_db *db, pl_grouper *g, pl_err *err) {
    if (!g || g->n == 0) return PL_OK;
    uint64_t n_docs;
    /* The chunk's keys reach the catalog first: they count in the weights,
     * as every stored synopsis's do (the chunk's synopses are stored). */
    int rc = pl_catalog_count_synopses(db->cat, &n_docs, err);
    if (!rc) {
        g->n_docs = n_docs;
        rc = pl_catalog_flush_keys_df(db->cat, note_df, g, err);
    }
    pl_group_item *items = calloc(g->n, sizeof *items);
    double **w = calloc(g->n, sizeof *w);
    size_t *group = malloc(g->n * sizeof *group), *members = malloc(g->n * sizeof *members);
    int64_t *ids = malloc(g->n * sizeof *ids);
    if (!rc && (!items || !w || !group || !members || !ids))
        rc = pl_err_set(err, PL_ERR_NOMEM, "grouping: out of memory");
    for (size_t i = 0; i < g->n && !rc; i++) {
        rc = weigh(db, g, g->p[i].keys, g->p[i].n, g->p[i].lang, &items[i], &w[i], err);
        ids[i] = g->p[i].id;
    }
    if (!rc)
        rc = pl_group_cluster_in(items, g->n, PL_GROUP_THRESHOLD, group, &g->room)
                 ? pl_err_set(err, PL_ERR_NOMEM, "grouping: out of memory")
                 : PL_OK;
    if (!rc) qsort(ids, g->n, sizeof *ids, pl_cmp_i64);
    /* Each group in turn, in the order its first member came. */
    for (size_t i = 0; i < g->n && !rc; i++) {
        if (group[i] != i) continue;
        size_t n = 0;
        for (size_t j = i; j < g->n; j++)
            if (group[j] == i) members[n++] = j;
        rc = place(db, g, items, members, n, ids, g->n, err);
    }
    for (size_t i = 0; i < g->n; i++) {
        if (w) free(w[i]);
        free(g->p[i].keys);
    }
    g->n = 0;
    pl_u32map_clear(&g->weights);
    /* The next chunk's weights and keys' synopses differ. */
    pl_memo_clear(g->cands);
    pl_memo_clear(g->key_ids);
    free(items);
    free(w);
    free(group);
    free(members);
    free(ids);
    return rc;
}

/* ---- what grouping would do with one text ---- */

static int by_score(const void *a, const void *b) {
    const pl_group_candidate *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return (x->episode_id > y->episode_id) - (x->episode_id < y->episode_id);
}

/* The candidates' episodes, each once with its best synopsis, best first;
 * and the one an import would join: the best at or above the threshold
 * that lacks the text's language. */
static int to_episodes(pl_db *db, const cand *found, size_t nf, const char *lang,
                       pl_group_matches *r, pl_err *err) {
    for (size_t i = 0; i < nf; i++) {
        int64_t ep;
        char slang[PL_LANG_MAX];
        int rc = pl_catalog_episode_of(db->cat, found[i].id, &ep, slang, err);
        if (rc) return rc;
        size_t k = 0;
        while (k < r->n && r->candidates[k].episode_id != ep)
            k++;
        if (k < r->n && r->candidates[k].score >= found[i].hits) continue;
        pl_group_candidate *c = &r->candidates[k];
        if (k == r->n) r->n++;
        *c = (pl_group_candidate){
            .episode_id = ep, .synopsis_id = found[i].id, .score = found[i].hits};
        snprintf(c->lang, sizeof c->lang, "%s", slang);
    }
    qsort(r->candidates, r->n, sizeof *r->candidates, by_score);
    for (size_t i = 0; i < r->n && !r->would_join; i++) {
        if (r->candidates[i].score < PL_GROUP_THRESHOLD) break;
        int clash = 0;
        int rc = pl_catalog_episode_has_lang(db->cat, r->candidates[i].episode_id, lang,
                                             &clash, err);
        if (rc) return rc;
        if (!clash) r->would_join = r->candidates[i].episode_id;
    }
    return PL_OK;
}

int pl_group_match(pl_db *db, const char *text, size_t len, const char *lang, size_t max,
                   pl_group_matches **out) {
    *out = NULL;
    pl_err err = PL_ERR_INIT;
    if (pl_synopsis_text_check("the text", text, len, &err)) return pl_db_fail(db, &err);
    if (max == 0) max = 10;
    if (max > 100) max = 100;
    pl_group_matches *r = calloc(1, sizeof *r);
    cand *found = calloc(max, sizeof *found);
    pl_grouper *g = calloc(1, sizeof *g);
    int rc = r && found && g ? PL_OK : pl_err_set(&err, PL_ERR_NOMEM, "out of memory");
    if (!rc && !(r->candidates = calloc(max, sizeof *r->candidates)))
        rc = pl_err_set(&err, PL_ERR_NOMEM, "out of memory");
    if (!rc) {
        pl_lang_guess guess = {.lang = "und"};
        if (lang && *lang)
            snprintf(r->lang, sizeof r->lang, "%s", lang);
        else if (pl_langid(text, len, &guess, 1) > 0)
            snprintf(r->lang, sizeof r->lang, "%s", guess.lang);
        else
            snprintf(r->lang, sizeof r->lang, "und");
        r->threshold = PL_GROUP_THRESHOLD;
    }
    pl_group_key *keys = NULL;
    size_t n_keys = 0, nf = 0;
    uint64_t n_docs = 0;
    double *w = NULL;
    pl_group_item it;
    char base[PL_LANG_MAX];
    if (!rc) {
        pl_base_lang(r->lang, base);
        if (pl_group_keys(db->an, pl_xling_default(NULL), NULL, base, text, len, &keys,
                          &n_keys))
            rc = pl_err_set(&err, PL_ERR_NOMEM, "out of memory");
    }
    /* The text counts as one more synopsis, as it would once imported. */
    if (!rc) rc = pl_catalog_count_synopses(db->cat, &n_docs, &err);
    if (!rc) g->n_docs = n_docs + 1;
    if (!rc && !(rc = weigh(db, g, keys, n_keys, r->lang, &it, &w, &err)) &&
        !(rc = candidates(db, g, &it, NULL, 0, found, max, &nf, &err)))
        rc = to_episodes(db, found, nf, r->lang, r, &err);
    free(w);
    free(keys);
    free(found);
    pl_grouper_free(g);
    if (rc) {
        pl_group_matches_free(r);
        return pl_db_fail(db, &err);
    }
    *out = r;
    return PL_OK;
}

void pl_group_matches_free(pl_group_matches *r) {
    if (!r) return;
    free(r->candidates);
    free(r);
}
