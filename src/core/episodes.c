/*
 * episodes.c - the public calls about episodes as a whole: search collapsed
 * by episode, series listings, and refreshing a long-lived handle.
 *
 * Collapsing is built on pl_search() rather than on the scorer: it reads the
 * ranked synopses in growing windows, keeps each episode's first (best) hit
 * and the others it meets, and stops once it has one episode more than the
 * page needs (which tells whether there is a next page). Most queries are
 * served by a single window.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "search/search.h"

#define MAX_EPISODE_LIMIT 100
#define MAX_EPISODE_WINDOW 10000 /* offset + limit: deeper pages are refused */
#define MAX_SYNOPSIS_WINDOW 1000 /* pl_search's own limit per call */

int pl_db_refresh(pl_db *db) {
    pl_err err = PL_ERR_INIT;
    /* The catch-up refreshes the index's view itself, before it reads the
     * index's seq. */
    int rc = db->flags & PL_OPEN_READONLY ? pl_index_refresh(db->ix, &err)
                                          : pl_db_sync_index(db, NULL, NULL, &err);
    return rc ? pl_db_fail(db, &err) : PL_OK;
}

int pl_list_series(pl_db *db, pl_series_list **out) {
    pl_err err = PL_ERR_INIT;
    int rc = pl_catalog_list_series(db->cat, out, &err);
    return rc ? pl_db_fail(db, &err) : PL_OK;
}

int pl_get_series(pl_db *db, int64_t id, pl_series **out) {
    pl_err err = PL_ERR_INIT;
    int rc = pl_catalog_get_series(db->cat, id, out, &err);
    return rc ? pl_db_fail(db, &err) : PL_OK;
}

/* ---- search collapsed by episode ---------------------------------------- */

static void clear_episode_hit(pl_episode_hit *e) {
    for (size_t i = 0; i < e->n_hits; i++)
        pl_hit_release(&e->hits[i]);
    free(e->hits);
    pl_episode_free(e->episode);
}

void pl_episode_results_free(pl_episode_results *r) {
    if (!r) return;
    for (size_t i = 0; i < r->n_episodes; i++)
        clear_episode_hit(&r->episodes[i]);
    free(r->episodes);
    free(r->query);
    free(r);
}

/* The episodes met so far, in rank order, with a hash from episode id to
 * their place (open addressing; a power-of-two table at most half full). */
typedef struct collector {
    pl_episode_hit *eps;
    size_t n, cap;
    size_t *slots; /* index + 1; 0 is empty */
    size_t n_slots;
} collector;

static size_t slot_of(const collector *c, int64_t id) {
    uint64_t x = (uint64_t)id * 0x9E3779B97F4A7C15ull;
    size_t h = (size_t)(x ^ (x >> 31)) & (c->n_slots - 1);
    while (c->slots[h] && c->eps[c->slots[h] - 1].episode_id != id)
        h = (h + 1) & (c->n_slots - 1);
    return h;
}

static pl_episode_hit *find_episode(const collector *c, int64_t id) {
    if (!c->n_slots) return NULL;
    size_t h = slot_of(c, id);
    return c->slots[h] ? &c->eps[c->slots[h] - 1] : NULL;
}

/* Appends a zeroed episode entry and indexes it; NULL when out of memory. */
static pl_episode_hit *add_episode(collector *c, int64_t id) {
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        pl_episode_hit *grown = realloc(c->eps, cap * sizeof *grown);
        if (!grown) return NULL;
        c->eps = grown;
        c->cap = cap;
    }
    if ((c->n + 1) * 2 > c->n_slots) {
        size_t n_slots = c->n_slots ? c->n_slots * 2 : 64;
        size_t *slots = calloc(n_slots, sizeof *slots);
        if (!slots) return NULL;
        free(c->slots);
        c->slots = slots;
        c->n_slots = n_slots;
        for (size_t i = 0; i < c->n; i++)
            c->slots[slot_of(c, c->eps[i].episode_id)] = i + 1;
    }
    pl_episode_hit *e = &c->eps[c->n];
    memset(e, 0, sizeof *e);
    e->episode_id = id;
    c->slots[slot_of(c, id)] = ++c->n;
    return e;
}

static const pl_synopsis *find_synopsis(const pl_episode *e, int64_t id) {
    for (size_t i = 0; i < e->n_synopses; i++)
        if (e->synopses[i].id == id) return &e->synopses[i];
    return NULL;
}

static int is_placeholder_hit(const pl_episode *e, int64_t synopsis_id) {
    const pl_synopsis *s = find_synopsis(e, synopsis_id);
    return !s || pl_is_placeholder(s->text, strlen(s->text), e->title);
}

/* Moves hit h into episode e's list (the strings change owner). */
static int take_hit(pl_episode_hit *e, pl_hit *h) {
    pl_hit *grown = realloc(e->hits, (e->n_hits + 1) * sizeof *grown);
    if (!grown) return PL_ERR_NOMEM;
    e->hits = grown;
    e->hits[e->n_hits++] = *h;
    if (e->n_hits == 1) e->score = h->score;
    h->source = h->snippet = NULL; /* now e's */
    h->matches = NULL;
    h->n_matches = 0;
    return PL_OK;
}

/* Files one window's hits under their episodes, until `need` episodes. */
static int collect(pl_db *db, collector *c, pl_results *r, size_t need, pl_err *err) {
    for (size_t i = 0; i < r->n_hits; i++) {
        pl_hit *h = &r->hits[i];
        pl_episode_hit *e = find_episode(c, h->episode_id);
        if (e) {
            if (!is_placeholder_hit(e->episode, h->synopsis_id) && take_hit(e, h))
                return pl_err_set(err, PL_ERR_NOMEM, "search: out of memory");
            continue;
        }
        if (c->n == need) return 1; /* one more episode exists: a next page */
        pl_episode *ep;
        int rc = pl_get_episode(db, h->episode_id, &ep);
        if (rc == PL_ERR_NOTFOUND) continue; /* deleted since the index was read */
        if (rc) return pl_err_set(err, rc, "%s", pl_db_errmsg(db));
        if (is_placeholder_hit(ep, h->synopsis_id)) {
            pl_episode_free(ep);
            continue;
        }
        if (!(e = add_episode(c, h->episode_id)) || take_hit(e, h)) {
            pl_episode_free(ep);
            if (e) c->n--; /* the entry is dropped; its slot no longer matters */
            return pl_err_set(err, PL_ERR_NOMEM, "search: out of memory");
        }
        e->episode = ep;
    }
    return 0;
}

static int search_episodes(pl_db *db, const char *query, const pl_search_opts *opts,
                           pl_episode_results *out, pl_err *err) {
    size_t limit = opts && opts->limit > 0 ? (size_t)opts->limit : 10;
    size_t offset = opts && opts->offset > 0 ? (size_t)opts->offset : 0;
    if (limit > MAX_EPISODE_LIMIT)
        return pl_err_set(err, PL_ERR_USAGE, "limit %zu is above the maximum of %d", limit,
                          MAX_EPISODE_LIMIT);
    if (offset + limit > MAX_EPISODE_WINDOW)
        return pl_err_set(err, PL_ERR_USAGE, "offset + limit is above %d episodes",
                          MAX_EPISODE_WINDOW);
    out->offset = offset;
    size_t need = offset + limit;
    /* A first window of a few synopses per wanted episode serves most
     * queries at once; later windows double. */
    size_t window = 3 * need + 8, pos = 0;
    collector c = {0};
    int rc = 0, full = 0;
    for (int first = 1;; first = 0) {
        if (window > MAX_SYNOPSIS_WINDOW) window = MAX_SYNOPSIS_WINDOW;
        pl_search_opts so = {opts ? opts->lang : NULL, (int)window, (int)pos,
                             opts ? opts->no_translation : 0};
        pl_results *r;
        if ((rc = pl_search(db, query, &so, &r))) {
            pl_err_set(err, rc, "%s", pl_db_errmsg(db));
            break;
        }
        if (first) out->total_synopses = r->total;
        /* Fewer hits than asked for: the ranking has run out. (The total
         * may be an estimate, so it does not decide this.) */
        int exhausted = r->n_hits < window;
        rc = collect(db, &c, r, need, err);
        pl_results_free(r);
        if (rc < 0) break;
        full = rc == 1;
        rc = 0;
        pos += window;
        if (full || exhausted || pos > (size_t)INT32_MAX - window) break;
        window *= 2;
    }
    if (!rc) {
        out->more = full;
        size_t keep = c.n > offset ? c.n - offset : 0;
        if (keep > limit) keep = limit;
        if (keep && !(out->episodes = calloc(keep, sizeof *out->episodes)))
            rc = pl_err_set(err, PL_ERR_NOMEM, "search: out of memory");
        for (size_t i = 0; !rc && i < keep; i++) {
            out->episodes[i] = c.eps[offset + i];
            memset(&c.eps[offset + i], 0, sizeof c.eps[offset + i]);
        }
        if (!rc) out->n_episodes = keep;
    }
    for (size_t i = 0; i < c.n; i++)
        clear_episode_hit(&c.eps[i]);
    free(c.eps);
    free(c.slots);
    return rc;
}

int pl_search_episodes(pl_db *db, const char *query, const pl_search_opts *opts,
                       pl_episode_results **out) {
    pl_err err = PL_ERR_INIT;
    *out = NULL;
    pl_episode_results *r = calloc(1, sizeof *r);
    if (!r || !(r->query = strdup(query))) {
        free(r);
        pl_err_set(&err, PL_ERR_NOMEM, "search: out of memory");
        return pl_db_fail(db, &err);
    }
    int rc = search_episodes(db, query, opts, r, &err);
    if (rc) {
        pl_episode_results_free(r);
        return pl_db_fail(db, &err);
    }
    *out = r;
    return PL_OK;
}
