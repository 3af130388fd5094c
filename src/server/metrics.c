/*
 * metrics.c - what /metrics reports, in Prometheus' text format: requests by
 * route and status, a latency histogram by route, open connections, and the
 * size of the database.
 *
 * Counters are process-wide atomics updated when a request completes; the
 * route label is the route's pattern ("/v1/episodes/{id}"), never the raw
 * URL, so that the number of series stays fixed whatever clients ask for.
 */
#include <stdatomic.h>
#include <stdio.h>

#include "server/server_internal.h"

/* The statuses the server answers with; anything else is counted as "other". */
static const int STATUSES[] = {0,   200, 201, 204, 304, 400, 401, 403, 404,
                               405, 413, 414, 415, 429, 431, 500, 503};
#define N_STATUSES (sizeof STATUSES / sizeof STATUSES[0])

static const double BUCKETS[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                 0.1,    0.25,  0.5,    1,     2.5,  5};
#define N_BUCKETS (sizeof BUCKETS / sizeof BUCKETS[0])

static atomic_ullong requests[R__COUNT][N_STATUSES + 1];
static atomic_ullong bucket_count[R__COUNT][N_BUCKETS + 1]; /* last: +Inf */
static atomic_ullong micros_sum[R__COUNT];

void metrics_record(route_id route, int status, double seconds) {
    size_t si = N_STATUSES;
    for (size_t i = 0; i < N_STATUSES; i++)
        if (STATUSES[i] == status) si = i;
    atomic_fetch_add(&requests[route][si], 1);
    size_t b = 0;
    while (b < N_BUCKETS && seconds > BUCKETS[b])
        b++;
    atomic_fetch_add(&bucket_count[route][b], 1);
    atomic_fetch_add(&micros_sum[route], (unsigned long long)(seconds * 1e6));
}

void metrics_render(pl_buf *out, pl_server *s, pl_db *db) {
    pl_buf_puts(out,
                "# HELP plotline_http_requests_total HTTP requests answered, by route and "
                "status (0: the client went away first).\n"
                "# TYPE plotline_http_requests_total counter\n");
    for (int r = 0; r < R__COUNT; r++)
        for (size_t i = 0; i <= N_STATUSES; i++) {
            unsigned long long n = atomic_load(&requests[r][i]);
            if (!n) continue;
            char status[16];
            if (i < N_STATUSES)
                snprintf(status, sizeof status, "%d", STATUSES[i]);
            else
                snprintf(status, sizeof status, "other");
            pl_buf_printf(out,
                          "plotline_http_requests_total{route=\"%s\",status=\"%s\"} %llu\n",
                          route_label((route_id)r), status, n);
        }
    pl_buf_puts(out, "# HELP plotline_http_request_duration_seconds Time from a request's "
                     "first byte to its answer.\n"
                     "# TYPE plotline_http_request_duration_seconds histogram\n");
    for (int r = 0; r < R__COUNT; r++) {
        unsigned long long cum = 0, total = 0;
        for (size_t b = 0; b <= N_BUCKETS; b++)
            total += atomic_load(&bucket_count[r][b]);
        if (!total) continue;
        const char *label = route_label((route_id)r);
        for (size_t b = 0; b <= N_BUCKETS; b++) {
            cum += atomic_load(&bucket_count[r][b]);
            if (b < N_BUCKETS)
                pl_buf_printf(out,
                              "plotline_http_request_duration_seconds_bucket{route=\"%s\","
                              "le=\"%g\"} %llu\n",
                              label, BUCKETS[b], cum);
            else
                pl_buf_printf(out,
                              "plotline_http_request_duration_seconds_bucket{route=\"%s\","
                              "le=\"+Inf\"} %llu\n",
                              label, cum);
        }
        pl_buf_printf(out,
                      "plotline_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n",
                      label, atomic_load(&micros_sum[r]) / 1e6);
        pl_buf_printf(out,
                      "plotline_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
                      label, cum);
    }
    pl_buf_printf(out,
                  "# HELP plotline_http_connections Connections open now.\n"
                  "# TYPE plotline_http_connections gauge\n"
                  "plotline_http_connections %u\n"
                  "# HELP plotline_uptime_seconds Seconds since the server started.\n"
                  "# TYPE plotline_uptime_seconds gauge\n"
                  "plotline_uptime_seconds %.3f\n",
                  atomic_load(&s->connections), now_seconds() - s->started);
    pl_stats *st;
    if (!db || pl_get_stats(db, &st) != PL_OK) return;
    pl_buf_printf(out,
                  "# HELP plotline_synopses Synopses in the catalog.\n"
                  "# TYPE plotline_synopses gauge\n"
                  "plotline_synopses %llu\n"
                  "# HELP plotline_episodes Episodes in the catalog.\n"
                  "# TYPE plotline_episodes gauge\n"
                  "plotline_episodes %llu\n"
                  "# HELP plotline_series Series in the catalog.\n"
                  "# TYPE plotline_series gauge\n"
                  "plotline_series %llu\n"
                  "# HELP plotline_catalog_bytes Size of the catalog file with its log.\n"
                  "# TYPE plotline_catalog_bytes gauge\n"
                  "plotline_catalog_bytes %llu\n"
                  "# HELP plotline_index_bytes Size of the index folder.\n"
                  "# TYPE plotline_index_bytes gauge\n"
                  "plotline_index_bytes %llu\n"
                  "# HELP plotline_index_segments Segments in the index.\n"
                  "# TYPE plotline_index_segments gauge\n"
                  "plotline_index_segments %llu\n"
                  "# HELP plotline_index_documents Live documents in the index.\n"
                  "# TYPE plotline_index_documents gauge\n"
                  "plotline_index_documents %llu\n",
                  (unsigned long long)st->synopses, (unsigned long long)st->episodes,
                  (unsigned long long)st->series, (unsigned long long)st->catalog_bytes,
                  (unsigned long long)st->index_bytes,
                  (unsigned long long)st->index_segments,
                  (unsigned long long)st->index_docs);
    pl_buf_puts(out, "# HELP plotline_synopses_by_language Synopses by language.\n"
                     "# TYPE plotline_synopses_by_language gauge\n");
    for (size_t i = 0; i < st->n_langs; i++)
        pl_buf_printf(out, "plotline_synopses_by_language{lang=\"%s\"} %llu\n",
                      st->langs[i].lang, (unsigned long long)st->langs[i].synopses);
    pl_stats_free(st);
}
