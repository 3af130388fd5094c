/*
 * search.c - pl_search: parse, plan, score, then read the hits from the
 * catalog and cut their snippets; and the results' JSON form.
 */
#include <stdlib.h>
#include <string.h>

#include "search.h"
#include "util/buf.h"

#define MAX_LIMIT 1000
#define MAX_QUERY 4096 /* bytes: longer is not a description of an episode */

void pl_hit_release(pl_hit *h) {
    free(h->source);
    free(h->snippet);
    for (size_t i = 0; i < h->n_matches; i++) {
        free(h->matches[i].word);
        free(h->matches[i].term);
    }
    free(h->matches);
    memset(h, 0, sizeof *h);
}

void pl_results_free(pl_results *r) {
    if (!r) return;
    for (size_t i = 0; i < r->n_hits; i++)
        pl_hit_release(&r->hits[i]);
    free(r->hits);
    free(r->query);
    free(r);
}

/* Reads the hits sc[offset, ...) from the catalog, skipping any it no
 * longer has, until `want` are read. */
static int read_hits(pl_db *db, const pl_plan *plan, const pl_scored *sc, size_t n,
                     size_t offset, size_t want, int snippets, pl_results *r, pl_err *err) {
    for (size_t i = offset; i < n && r->n_hits < want; i++) {
        pl_hit *h = &r->hits[r->n_hits];
        pl_synopsis *s = NULL;
        pl_err miss = PL_ERR_INIT;
        /* Without an excerpt the row is read without its text, which is
         * most of it. */
        int rc = snippets ? pl_catalog_get_synopsis(db->cat, sc[i].doc, &s, &miss)
                          : pl_catalog_get_hit(db->cat, sc[i].doc, &h->episode_id, h->lang,
                                               &h->source, &miss);
        if (rc == PL_ERR_NOTFOUND) {
            /* The index of a read-only handle can lag behind a delete. */
            if (r->total) r->total--;
            continue;
        }
        if (rc) return pl_err_set(err, rc, "%s", miss.msg);
        r->n_hits++;
        h->synopsis_id = sc[i].doc;
        h->score = sc[i].score;
        if (s) {
            h->episode_id = s->episode_id;
            memcpy(h->lang, s->lang, PL_LANG_MAX);
            h->source = s->source;
            s->source = NULL;
            rc = pl_snippet(db, s->lang, s->text, strlen(s->text), plan, h);
            pl_synopsis_free(s);
        } else if (!(h->snippet = strdup(""))) {
            rc = PL_ERR_NOMEM;
        }
        if (rc) return pl_err_set(err, PL_ERR_NOMEM, "search: out of memory");
    }
    return PL_OK;
}

static int fill_hits(pl_db *db, const pl_plan *plan, const pl_scored *sc, size_t n,
                     size_t offset, size_t limit, int snippets, int ids_only, pl_results *r,
                     pl_err *err) {
    if (offset >= n) return PL_OK;
    size_t want = n - offset < limit ? n - offset : limit;
    if (!(r->hits = calloc(want, sizeof *r->hits)))
        return pl_err_set(err, PL_ERR_NOMEM, "search: out of memory");
    if (ids_only) {
        for (size_t i = 0; i < want; i++) {
            pl_hit *h = &r->hits[r->n_hits++];
            h->synopsis_id = sc[offset + i].doc;
            h->score = sc[offset + i].score;
            if (!(h->source = strdup("")) || !(h->snippet = strdup("")))
                return pl_err_set(err, PL_ERR_NOMEM, "search: out of memory");
        }
        return PL_OK;
    }
    /* The page's rows in one read transaction, not one each. */
    int began;
    int rc = pl_catalog_read_begin(db->cat, &began, err);
    if (!rc) rc = read_hits(db, plan, sc, n, offset, want, snippets, r, err);
    pl_catalog_read_end(db->cat, began);
    return rc;
}

static int search(pl_db *db, const char *query, const pl_search_opts *opts, unsigned flags,
                  pl_results *r, pl_err *err) {
    size_t qlen = strlen(query);
    size_t bad;
    if (qlen > MAX_QUERY)
        return pl_err_set(err, PL_ERR_USAGE, "the query is longer than %d bytes",
                          MAX_QUERY);
    int u = pl_utf8_check(query, qlen, &bad);
    if (u)
        return pl_err_set(err, PL_ERR_INPUT, "the query has %s at byte %zu",
                          u == -1 ? "invalid UTF-8" : "a NUL byte", bad + 1);
    size_t limit = opts && opts->limit > 0 ? (size_t)opts->limit : 10;
    size_t offset = opts && opts->offset > 0 ? (size_t)opts->offset : 0;
    if (limit > MAX_LIMIT)
        return pl_err_set(err, PL_ERR_USAGE, "limit %zu is above the maximum of %d", limit,
                          MAX_LIMIT);
    pl_query q;
    int rc = pl_query_parse(db->an, query, &q, err);
    if (rc) return rc;
    int positive = 0;
    for (size_t i = 0; i < q.n_clauses; i++)
        positive |= !q.clauses[i].excluded;
    if (!positive) {
        pl_query_free(&q);
        return pl_err_set(err, PL_ERR_USAGE, "the query has no word to search for");
    }
    pl_plan plan;
    rc = pl_plan_make(db, &q, opts ? opts->lang : NULL, opts ? opts->no_translation : 0,
                      &plan, err);
    pl_query_free(&q);
    if (rc) return rc;
    pl_scored *sc;
    size_t n;
    uint64_t total;
    int exact;
    /* Only the first offset + limit documents are ranked in full. */
    if (!(rc = pl_score(db->ix, &plan, offset + limit, &sc, &n, &total, &exact, err))) {
        r->total = total;
        r->total_exact = exact;
        r->offset = offset;
        int snippets = !(flags & PL_SEARCH_NO_SNIPPETS);
        rc = fill_hits(db, &plan, sc, n, offset, limit, snippets,
                       (flags & PL_SEARCH_IDS_ONLY) != 0, r, err);
        /* An estimate is never below what was found. */
        if (!exact && r->total < offset + r->n_hits) r->total = offset + r->n_hits;
        free(sc);
    }
    pl_plan_free(&plan);
    return rc;
}

int pl_search(pl_db *db, const char *query, const pl_search_opts *opts, pl_results **out) {
    return pl_search_ex(db, query, opts, 0, out);
}

int pl_search_ex(pl_db *db, const char *query, const pl_search_opts *opts, unsigned flags,
                 pl_results **out) {
    pl_err err = PL_ERR_INIT;
    *out = NULL;
    pl_results *r = calloc(1, sizeof *r);
    if (!r || !(r->query = strdup(query))) {
        free(r);
        pl_err_set(&err, PL_ERR_NOMEM, "search: out of memory");
        return pl_db_fail(db, &err);
    }
    int rc = search(db, query, opts, flags, r, &err);
    if (rc) {
        pl_results_free(r);
        return pl_db_fail(db, &err);
    }
    *out = r;
    return PL_OK;
}

void pl_matches_json(pl_buf *b, const pl_hit *h) {
    pl_buf_putc(b, '[');
    for (size_t i = 0; i < h->n_matches; i++) {
        const pl_match *m = &h->matches[i];
        pl_buf_puts(b, i ? ",{\"word\":\"" : "{\"word\":\"");
        pl_buf_json_str(b, m->word, strlen(m->word));
        pl_buf_puts(b, "\",\"term\":\"");
        pl_buf_json_str(b, m->term, strlen(m->term));
        pl_buf_puts(b, "\",\"lang\":\"");
        pl_buf_json_str(b, m->lang, strlen(m->lang));
        pl_buf_printf(b, "\",\"translated\":%s}", m->translated ? "true" : "false");
    }
    pl_buf_putc(b, ']');
}

int pl_results_json(const pl_results *r, char **json) {
    pl_buf b = PL_BUF_INIT;
    pl_buf_puts(&b, "{\"query\":\"");
    pl_buf_json_str(&b, r->query, strlen(r->query));
    pl_buf_printf(&b, "\",\"total\":%llu,\"results\":[", (unsigned long long)r->total);
    for (size_t i = 0; i < r->n_hits; i++) {
        const pl_hit *h = &r->hits[i];
        pl_buf_printf(&b,
                      "%s{\"rank\":%zu,\"score\":%.4f,\"synopsis_id\":%lld,"
                      "\"episode_id\":%lld,\"lang\":\"",
                      i ? "," : "", (size_t)r->offset + i + 1, h->score,
                      (long long)h->synopsis_id, (long long)h->episode_id);
        pl_buf_json_str(&b, h->lang, strlen(h->lang));
        pl_buf_puts(&b, "\",\"source\":\"");
        pl_buf_json_str(&b, h->source, strlen(h->source));
        pl_buf_puts(&b, "\",\"snippet\":\"");
        pl_buf_json_str(&b, h->snippet, strlen(h->snippet));
        pl_buf_puts(&b, "\",\"why\":");
        pl_matches_json(&b, h);
        pl_buf_puts(&b, "}");
    }
    /* Added last so that readers of the older form see it unchanged. */
    pl_buf_printf(&b, "],\"total_exact\":%s}", r->total_exact ? "true" : "false");
    if (b.oom || !pl_buf_cstr(&b)) {
        pl_buf_free(&b);
        *json = NULL;
        return PL_ERR_NOMEM;
    }
    *json = (char *)pl_buf_detach(&b, NULL);
    return PL_OK;
}
