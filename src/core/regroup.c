/*
 * regroup.c - grouping by hand: merging two episodes into one, splitting a
 * synopsis off into an episode of its own.
 *
 * Automatic grouping places a synopsis once, when it arrives, and never
 * moves a stored one (grouping.c), so a decision made here stands: no later
 * import undoes it. Each change is one batch (pl_batch_begin), so one
 * catalog transaction with the same checks as an import. The index holds
 * synopses, not episodes, so nothing in it changes.
 */
#include <string.h>

#include "db.h"

/* Ends a change begun with pl_batch_begin: commits it, or on failure puts
 * the reason on the handle and rolls it back. */
static int finish(pl_db *db, pl_batch *b, int rc, const pl_err *err) {
    if (!rc) return pl_batch_commit(b);
    pl_db_fail(db, err);
    pl_batch_abort(b);
    return rc;
}

/* A label of `from` that `into` lacks or contradicts would be lost with the
 * emptied episode. */
static int lost(const char *from, const char *into) {
    return *from && strcmp(from, into) != 0;
}
static int lost_n(int from, int into) {
    return from && from != into;
}

/* Why `from` cannot join `into`, in err, or PL_OK. */
static int check_merge(const pl_episode *into, const pl_episode *from, pl_err *err) {
    if (lost(from->series, into->series) || lost_n(from->season, into->season) ||
        lost_n(from->number, into->number) || lost(from->title, into->title))
        return pl_err_set(err, PL_ERR_USAGE,
                          "episode %lld has labels (series, season, number or title) that "
                          "episode %lld lacks or contradicts; merging would lose them "
                          "(merge %lld into %lld if %lld has none)",
                          (long long)from->id, (long long)into->id, (long long)into->id,
                          (long long)from->id, (long long)into->id);
    for (size_t i = 0; i < from->n_synopses; i++)
        for (size_t j = 0; j < into->n_synopses; j++)
            if (strcmp(from->synopses[i].lang, into->synopses[j].lang) == 0)
                return pl_err_set(err, PL_ERR_USAGE,
                                  "episodes %lld and %lld both have a synopsis in %s "
                                  "(%lld and %lld): an episode has one per language; "
                                  "remove or split off one of them first",
                                  (long long)into->id, (long long)from->id,
                                  into->synopses[j].lang, (long long)into->synopses[j].id,
                                  (long long)from->synopses[i].id);
    return PL_OK;
}

int pl_group_merge(pl_db *db, int64_t into, int64_t from) {
    pl_err err = PL_ERR_INIT;
    if (into == from) {
        pl_err_set(&err, PL_ERR_USAGE, "merging episode %lld with itself", (long long)into);
        return pl_db_fail(db, &err);
    }
    pl_batch *batch;
    int rc = pl_batch_begin(db, &batch);
    if (rc) return rc;
    pl_episode *a = NULL, *b = NULL;
    if (!(rc = pl_catalog_get_episode(db->cat, into, &a, &err)) &&
        !(rc = pl_catalog_get_episode(db->cat, from, &b, &err)) &&
        !(rc = check_merge(a, b, &err)))
        for (size_t i = 0; i < b->n_synopses && !rc; i++)
            rc = pl_catalog_move(db->cat, b->synopses[i].id, into, &err);
    /* The emptied episode is dropped by the last move; its labels, if any,
     * are into's too (check_merge). */
    pl_episode_free(a);
    pl_episode_free(b);
    return finish(db, batch, rc, &err);
}

int pl_group_split(pl_db *db, int64_t synopsis_id, int64_t *episode) {
    pl_err err = PL_ERR_INIT;
    pl_batch *batch;
    int rc = pl_batch_begin(db, &batch);
    if (rc) return rc;
    int64_t from = 0, ep = 0;
    char lang[PL_LANG_MAX];
    pl_episode *e = NULL;
    if (!(rc = pl_catalog_episode_of(db->cat, synopsis_id, &from, lang, &err)) &&
        !(rc = pl_catalog_get_episode(db->cat, from, &e, &err))) {
        if (e->n_synopses < 2)
            rc = pl_err_set(
                &err, PL_ERR_USAGE,
                "synopsis %lld is the only one of episode %lld: nothing to split",
                (long long)synopsis_id, (long long)from);
        else if (!(rc = pl_catalog_add_episode(db->cat, &ep, &err)))
            rc = pl_catalog_move(db->cat, synopsis_id, ep, &err);
    }
    pl_episode_free(e);
    rc = finish(db, batch, rc, &err);
    if (!rc && episode) *episode = ep;
    return rc;
}
