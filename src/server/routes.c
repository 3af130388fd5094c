/*
 * routes.c - the API: which URL does what, the checks every request passes
 * before its body is read, and the handlers.
 *
 * A request is judged on its headers first (route, method, authorization,
 * content type, declared length), so that a write without a token or an
 * oversized upload is refused before a byte of its body is read. Handlers
 * then run with the whole body in memory (bounded by max_body).
 */
#define _GNU_SOURCE /* strcasestr */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "search/search.h"
#include "server/server_internal.h"

#define MAX_QUERY_BYTES 1024 /* a description of an episode, not a document */
#define MAX_SEARCH_LIMIT 100
#define MAX_SEARCH_OFFSET 9900
#define MAX_LANGID_TOP 20

enum { M_GET = 1, M_POST = 2, M_DELETE = 4 };

typedef struct route {
    route_id id;
    const char *pattern; /* a "{id}" segment takes a positive whole number */
    int methods;
    int write;    /* needs the bearer token */
    int has_body; /* reads a body (content type and length are checked) */
} route;

static const route ROUTES[] = {
    {R_SEARCH, "/v1/search", M_GET, 0, 0},
    {R_EPISODE, "/v1/episodes/{id}", M_GET, 0, 0},
    {R_EPISODE_SYNOPSES, "/v1/episodes/{id}/synopses", M_GET, 0, 0},
    {R_SYNOPSES, "/v1/synopses", M_POST, 1, 1},
    {R_SYNOPSIS, "/v1/synopses/{id}", M_GET | M_DELETE, 0, 0},
    {R_SERIES_LIST, "/v1/series", M_GET, 0, 0},
    {R_SERIES, "/v1/series/{id}", M_GET, 0, 0},
    {R_LANGID, "/v1/langid", M_POST, 0, 1},
    {R_HEALTHZ, "/healthz", M_GET, 0, 0},
    {R_METRICS, "/metrics", M_GET, 0, 0},
};
#define N_ROUTES (sizeof ROUTES / sizeof ROUTES[0])

const char *route_label(route_id id) {
    if (id == R_PAGE) return "/";
    for (size_t i = 0; i < N_ROUTES; i++)
        if (ROUTES[i].id == id) return ROUTES[i].pattern;
    return "other";
}

/* Matches path against pattern; *id gets the {id} segment (-1 when it is
 * not a positive whole number, which the caller answers 400). */
static int match(const char *pattern, const char *path, int64_t *id) {
    while (*pattern) {
        if (strncmp(pattern, "{id}", 4) == 0) {
            const char *end = path;
            while (*end && *end != '/')
                end++;
            if (end == path) return 0;
            int64_t v = 0;
            int ok = 1;
            for (const char *p = path; p < end; p++) {
                if (!isdigit((unsigned char)*p) || v > (INT64_MAX - 9) / 10)
                    ok = 0;
                else
                    v = v * 10 + (*p - '0');
            }
            *id = ok && v > 0 ? v : -1;
            path = end;
            pattern += 4;
        } else if (*pattern++ != *path++) {
            return 0;
        }
    }
    return *path == 0;
}

static int method_bit(const char *m) {
    if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0) return M_GET;
    if (strcmp(m, "POST") == 0) return M_POST;
    if (strcmp(m, "DELETE") == 0) return M_DELETE;
    return 0;
}

static void allow_header(req *r, int methods) {
    char allow[64] = "";
    if (methods & M_GET) strcat(allow, "GET, HEAD, ");
    if (methods & M_POST) strcat(allow, "POST, ");
    if (methods & M_DELETE) strcat(allow, "DELETE, ");
    strcat(allow, "OPTIONS");
    req_add_header(r, "Allow", allow);
}

/* Every query-string value must be UTF-8 without NUL bytes. */
static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 size_t key_size, const char *value, size_t value_size) {
    int *bad = cls;
    if (!utf8_valid(key, key_size) || (value && !utf8_valid(value, value_size))) {
        *bad = 1;
        return MHD_NO;
    }
    return MHD_YES;
}

/* The media type of Content-Type, lower-cased, without parameters; -1 when
 * a charset other than UTF-8 is named. */
static int media_type(const char *ct, char *out, size_t outlen) {
    out[0] = 0;
    if (!ct) return 0;
    size_t n = 0;
    while (*ct == ' ')
        ct++;
    while (ct[n] && ct[n] != ';' && ct[n] != ' ' && n + 1 < outlen) {
        out[n] = (char)tolower((unsigned char)ct[n]);
        n++;
    }
    out[n] = 0;
    const char *cs = strcasestr(ct, "charset=");
    if (cs) {
        cs += 8;
        if (*cs == '"') cs++;
        if (strncasecmp(cs, "utf-8", 5) != 0 && strncasecmp(cs, "utf8", 4) != 0 &&
            strncasecmp(cs, "us-ascii", 8) != 0)
            return -1;
    }
    return 0;
}

typedef enum body_kind { B_NONE, B_JSON, B_JSONL, B_TEXT, B_TSV } body_kind;

static body_kind body_kind_of(const char *type) {
    if (strcmp(type, "application/json") == 0) return B_JSON;
    if (strcmp(type, "application/x-ndjson") == 0 ||
        strcmp(type, "application/jsonl") == 0 ||
        strcmp(type, "application/x-jsonlines") == 0 ||
        strcmp(type, "application/jsonlines") == 0 ||
        strcmp(type, "application/ndjson") == 0)
        return B_JSONL;
    if (strcmp(type, "text/plain") == 0) return B_TEXT;
    if (strcmp(type, "text/tab-separated-values") == 0) return B_TSV;
    return B_NONE;
}

int route_begin(req *r) {
    const char *path = r->url;
    int mbit = method_bit(r->method);
    int is_options = strcmp(r->method, "OPTIONS") == 0;
    enum MHD_Result res;
    const route *rt = NULL;
    for (size_t i = 0; i < N_ROUTES && !rt; i++)
        if (match(ROUTES[i].pattern, path, &r->id)) rt = &ROUTES[i];
    if (rt) {
        r->route = rt->id;
        r->pattern = rt->pattern;
    }
    int bad = 0;
    MHD_get_connection_values_n(r->conn, MHD_GET_ARGUMENT_KIND, check_arg, &bad);
    if (bad) {
        reply_error(r, 400, "bad_request", "the query string is not valid UTF-8");
        return 1;
    }
    if (!rt) {
        /* Not the API: maybe a file of the page. */
        if (strncmp(path, "/v1/", 4) != 0 && (mbit == M_GET || is_options)) {
            r->route = R_PAGE;
            r->pattern = "/";
            if (is_options) {
                allow_header(r, M_GET);
                pl_buf empty = PL_BUF_INIT;
                reply(r, 204, "text/plain", &empty);
                return 1;
            }
            if (web_serve(r, path, &res)) return 1;
        }
        r->route = R_NONE;
        reply_error(r, 404, "not_found", "no such resource: %.200s", path);
        return 1;
    }
    if (is_options) {
        allow_header(r, rt->methods);
        pl_buf empty = PL_BUF_INIT;
        reply(r, 204, "text/plain", &empty);
        return 1;
    }
    if (!(mbit & rt->methods)) {
        allow_header(r, rt->methods);
        reply_error(r, 405, "method_not_allowed", "%s is not allowed on %s", r->method,
                    rt->pattern);
        return 1;
    }
    if (r->id < 0) {
        reply_error(r, 400, "bad_request",
                    "the id in %.200s must be a positive whole number", path);
        return 1;
    }
    if (rt->write || mbit == M_DELETE) {
        switch (auth_check(r->s->token, req_header(r, MHD_HTTP_HEADER_AUTHORIZATION))) {
        case AUTH_OK: break;
        case AUTH_MISSING:
            req_add_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                           "Bearer realm=\"plotline\"");
            reply_error(r, 401, "unauthorized",
                        "writes need an Authorization: Bearer token header");
            return 1;
        case AUTH_WRONG:
            req_add_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                           "Bearer realm=\"plotline\", error=\"invalid_token\"");
            reply_error(r, 401, "unauthorized", "the bearer token is not the server's");
            return 1;
        case AUTH_DISABLED:
            reply_error(r, 403, "forbidden",
                        "this server takes no writes: start it with --token-file or "
                        "PLOTLINE_TOKEN");
            return 1;
        }
    }
    if (rt->has_body) {
        char type[96];
        const char *ct = req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
        if (media_type(ct, type, sizeof type)) {
            reply_error(r, 415, "unsupported_media_type", "send the body as UTF-8");
            return 1;
        }
        body_kind k = body_kind_of(type);
        if (k == B_NONE || (rt->id == R_LANGID && k != B_TEXT && k != B_JSON)) {
            reply_error(r, 415, "unsupported_media_type",
                        "Content-Type %.80s is not taken here; send %s", ct ? ct : "(none)",
                        rt->id == R_LANGID ? "text/plain or application/json"
                                           : "application/json (an array of objects), "
                                             "application/x-ndjson, text/plain or "
                                             "text/tab-separated-values");
            return 1;
        }
        const char *cl = req_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > r->s->o.max_body) {
            reply_error(r, 413, "payload_too_large", "the body is larger than %zu bytes",
                        r->s->o.max_body);
            return 1;
        }
    }
    return 0;
}

/* ---- helpers for handlers ---- */

/* A whole number argument in [lo, hi], or dflt when absent; -1 (answered
 * 400) when malformed. */
static int int_arg(req *r, const char *name, long lo, long hi, long dflt, long *out) {
    const char *v = req_arg(r, name);
    if (!v || !*v) {
        *out = dflt;
        return 0;
    }
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || n < lo || n > hi || !isdigit((unsigned char)*v)) {
        reply_error(r, 400, "bad_request", "%s must be a whole number from %ld to %ld",
                    name, lo, hi);
        return -1;
    }
    *out = n;
    return 0;
}

static int prefs_arg(req *r, lang_prefs *p) {
    char why[200];
    if (lang_prefs_parse(p, req_arg(r, "lang"), req_arg(r, "fallback"),
                         req_header(r, MHD_HTTP_HEADER_ACCEPT_LANGUAGE), why, sizeof why)) {
        reply_error(r, 400, "bad_request", "%s", why);
        return -1;
    }
    return 0;
}

static pl_db *reader(req *r, enum MHD_Result *res) {
    int st = PL_OK;
    pl_db *db = handles_reader(r->s, &st);
    if (!db) *res = reply_pl_error(r, st == PL_ERR_NOMEM ? st : PL_ERR_BUSY, NULL);
    return db;
}

static void json_prefs(pl_buf *b, const lang_prefs *p) {
    pl_buf_puts(b, "\"lang\":");
    json_str(b, p->lang[0] ? p->lang : NULL);
    pl_buf_puts(b, ",\"preferences\":[");
    for (size_t i = 0; i < p->n; i++) {
        if (i) pl_buf_putc(b, ',');
        json_str(b, p->tag[i]);
    }
    pl_buf_putc(b, ']');
}

static int synopsis_index(const pl_episode *e, int64_t id) {
    for (size_t i = 0; i < e->n_synopses; i++)
        if (e->synopses[i].id == id) return (int)i;
    return -1;
}

/* ---- GET /v1/search ---- */

static enum MHD_Result h_search(req *r) {
    const char *q = req_arg(r, "q");
    if (!q || !*q) return reply_error(r, 400, "bad_request", "give a query: ?q=words");
    if (strlen(q) > MAX_QUERY_BYTES)
        return reply_error(r, 400, "bad_request", "the query is longer than %d bytes",
                           MAX_QUERY_BYTES);
    lang_prefs p;
    long limit, offset;
    if (prefs_arg(r, &p) || int_arg(r, "limit", 1, MAX_SEARCH_LIMIT, 10, &limit) ||
        int_arg(r, "offset", 0, MAX_SEARCH_OFFSET, 0, &offset))
        return MHD_YES;
    const char *qlang = req_arg(r, "qlang");
    if (qlang && *qlang && !lang_tag_valid(qlang))
        return reply_error(r, 400, "bad_request", "qlang: \"%.40s\" is not a language tag",
                           qlang);
    const char *tr = req_arg(r, "translate");
    if (tr && strcmp(tr, "0") != 0 && strcmp(tr, "1") != 0)
        return reply_error(r, 400, "bad_request", "translate: give 0 or 1, not \"%.40s\"",
                           tr);
    enum MHD_Result res;
    pl_db *db = reader(r, &res);
    if (!db) return res;
    pl_search_opts so = {qlang && *qlang ? qlang : NULL, (int)limit, (int)offset,
                         tr && strcmp(tr, "0") == 0};
    pl_episode_results *er;
    int rc = pl_search_episodes(db, q, &so, &er);
    if (rc) return reply_pl_error(r, rc, db);
    pl_buf b = PL_BUF_INIT;
    pl_buf_puts(&b, "{\"query\":");
    json_str(&b, q);
    pl_buf_putc(&b, ',');
    json_prefs(&b, &p);
    pl_buf_printf(&b,
                  ",\"total_synopses\":%llu,\"offset\":%ld,\"limit\":%ld,\"more\":%s,"
                  "\"results\":[",
                  (unsigned long long)er->total_synopses, offset, limit,
                  er->more ? "true" : "false");
    for (size_t i = 0; i < er->n_episodes; i++) {
        const pl_episode_hit *eh = &er->episodes[i];
        const pl_episode *e = eh->episode;
        int best = synopsis_index(e, eh->hits[0].synopsis_id);
        int shown = lang_choose(e, &p, best);
        /* The snippet comes from the shown synopsis when it matched too. */
        const pl_hit *snip = &eh->hits[0];
        for (size_t k = 0; shown >= 0 && k < eh->n_hits; k++)
            if (eh->hits[k].synopsis_id == e->synopses[shown].id) snip = &eh->hits[k];
        pl_buf_printf(&b, "%s{\"rank\":%zu,\"score\":%.4f,\"episode\":{", i ? "," : "",
                      (size_t)offset + i + 1, eh->score);
        json_episode_fields(&b, e);
        pl_buf_puts(&b, ",\"languages\":");
        json_langs(&b, e);
        pl_buf_puts(&b, "},\"lang\":");
        if (shown >= 0) {
            const pl_synopsis *s = &e->synopses[shown];
            json_str(&b, s->lang);
            pl_buf_printf(&b, ",\"synopsis\":{\"id\":%lld,\"lang\":", (long long)s->id);
            json_str(&b, s->lang);
            pl_buf_puts(&b, ",\"text\":");
            json_str(&b, s->text);
            pl_buf_putc(&b, '}');
        } else {
            pl_buf_puts(&b, "null,\"synopsis\":null");
        }
        pl_buf_printf(&b, ",\"snippet\":{\"synopsis_id\":%lld,\"lang\":",
                      (long long)snip->synopsis_id);
        json_str(&b, snip->lang);
        pl_buf_puts(&b, ",\"text\":");
        json_str(&b, snip->snippet);
        pl_buf_puts(&b, "},\"matched\":[");
        for (size_t k = 0; k < eh->n_hits; k++) {
            const pl_hit *h = &eh->hits[k];
            pl_buf_printf(&b, "%s{\"synopsis_id\":%lld,\"lang\":", k ? "," : "",
                          (long long)h->synopsis_id);
            json_str(&b, h->lang);
            pl_buf_printf(&b, ",\"score\":%.4f,\"source\":", h->score);
            json_str(&b, h->source);
            pl_buf_puts(&b, ",\"why\":");
            pl_matches_json(&b, h);
            pl_buf_putc(&b, '}');
        }
        pl_buf_puts(&b, "]}");
    }
    pl_buf_puts(&b, "]}");
    pl_episode_results_free(er);
    req_add_header(r, "Vary", "Accept-Language");
    return reply_json(r, 200, &b);
}

/* ---- GET /v1/episodes/{id} and /v1/episodes/{id}/synopses ---- */

static enum MHD_Result h_episode(req *r) {
    lang_prefs p;
    if (prefs_arg(r, &p)) return MHD_YES;
    enum MHD_Result res;
    pl_db *db = reader(r, &res);
    if (!db) return res;
    pl_episode *e;
    int rc = pl_get_episode(db, r->id, &e);
    if (rc) return reply_pl_error(r, rc, db);
    int shown = lang_choose(e, &p, -1);
    pl_buf b = PL_BUF_INIT;
    pl_buf_putc(&b, '{');
    json_episode_fields(&b, e);
    pl_buf_puts(&b, ",\"requested\":{");
    json_prefs(&b, &p);
    pl_buf_puts(&b, "},\"lang\":");
    json_str(&b, shown >= 0 ? e->synopses[shown].lang : NULL);
    pl_buf_puts(&b, ",\"synopsis\":");
    if (shown >= 0)
        json_synopsis(&b, &e->synopses[shown], 0);
    else
        pl_buf_puts(&b, "null");
    pl_buf_puts(&b, ",\"languages\":");
    json_langs(&b, e);
    pl_buf_printf(&b, ",\"synopses\":%zu}", e->n_synopses);
    if (shown >= 0) req_add_header(r, "Content-Language", e->synopses[shown].lang);
    req_add_header(r, "Vary", "Accept-Language");
    pl_episode_free(e);
    return reply_json(r, 200, &b);
}

static enum MHD_Result h_episode_synopses(req *r) {
    enum MHD_Result res;
    pl_db *db = reader(r, &res);
    if (!db) return res;
    pl_episode *e;
    int rc = pl_get_episode(db, r->id, &e);
    if (rc) return reply_pl_error(r, rc, db);
    pl_buf b = PL_BUF_INIT;
    pl_buf_puts(&b, "{\"episode\":{");
    json_episode_fields(&b, e);
    pl_buf_puts(&b, ",\"languages\":");
    json_langs(&b, e);
    pl_buf_puts(&b, "},\"synopses\":[");
    for (size_t i = 0; i < e->n_synopses; i++) {
        if (i) pl_buf_putc(&b, ',');
        json_synopsis(&b, &e->synopses[i], !lang_is_real(e, i));
    }
    pl_buf_puts(&b, "]}");
    pl_episode_free(e);
    return reply_json(r, 200, &b);
}

/* ---- GET and DELETE /v1/synopses/{id} ---- */

static enum MHD_Result h_synopsis_get(req *r) {
    enum MHD_Result res;
    pl_db *db = reader(r, &res);
    if (!db) return res;
    pl_synopsis *s;
    pl_episode *e;
    int rc = pl_get_synopsis(db, r->id, &s);
    if (rc) return reply_pl_error(r, rc, db);
    rc = pl_get_episode(db, s->episode_id, &e);
    if (rc) {
        pl_synopsis_free(s);
        return reply_pl_error(r, rc, db);
    }
    pl_buf b = PL_BUF_INIT;
    json_synopsis(&b, s, pl_is_placeholder(s->text, strlen(s->text), e->title));
    pl_synopsis_free(s);
    pl_episode_free(e);
    return reply_json(r, 200, &b);
}

static enum MHD_Result h_synopsis_delete(req *r) {
    pl_db *db = handles_writer(r->s);
    if (!db) {
        req_add_header(r, "Retry-After", "1");
        return reply_error(r, 429, "too_many_requests", "too many writes are waiting");
    }
    pl_synopsis *s;
    int rc = pl_get_synopsis(db, r->id, &s);
    int64_t episode = rc ? 0 : s->episode_id;
    pl_synopsis_free(rc ? NULL : s);
    if (!rc) rc = pl_delete(db, r->id);
    enum MHD_Result res;
    if (rc) {
        res = reply_pl_error(r, rc, db);
    } else {
        pl_buf b = PL_BUF_INIT;
        pl_buf_printf(&b, "{\"deleted\":{\"id\":%lld,\"episode_id\":%lld}}",
                      (long long)r->id, (long long)episode);
        res = reply_json(r, 200, &b);
    }
    handles_writer_done(r->s, rc == 0);
    return res;
}

/* ---- POST /v1/synopses ---- */

static const char *const RECORD_KEYS[] = {"series", "season",   "episode", "lang",
                                          "title",  "synopsis", "text"};

/* Reads one object of a JSON array into rec; -1 with a message. */
static int json_record(json_t *o, pl_record *rec, char *why, size_t whylen) {
    if (!json_is_object(o)) {
        snprintf(why, whylen, "expected a JSON object");
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        size_t k = 0;
        while (k < sizeof RECORD_KEYS / sizeof RECORD_KEYS[0] &&
               strcmp(key, RECORD_KEYS[k]))
            k++;
        if (k == sizeof RECORD_KEYS / sizeof RECORD_KEYS[0]) {
            snprintf(why, whylen, "unknown key \"%.40s\"", key);
            return -1;
        }
        if (json_is_null(v)) continue;
        if (k == 1 || k == 2) {
            json_int_t n = json_is_integer(v) ? json_integer_value(v) : -1;
            if (n < 0 || n > 1000000) {
                snprintf(why, whylen, "\"%s\" must be a whole number", key);
                return -1;
            }
            if (k == 1)
                rec->season = (int)n;
            else
                rec->episode = (int)n;
            continue;
        }
        if (!json_is_string(v)) {
            snprintf(why, whylen, "\"%s\" must be a string", key);
            return -1;
        }
        const char *s = json_string_value(v);
        if (k == 0)
            rec->series = s;
        else if (k == 3)
            rec->lang = s;
        else if (k == 4)
            rec->title = s;
        else {
            rec->text = s;
            rec->text_len = json_string_length(v);
        }
    }
    if (!rec->text) {
        snprintf(why, whylen, "the object has no \"synopsis\"");
        return -1;
    }
    return 0;
}

typedef struct added {
    int64_t *ids;
    size_t n;
    uint64_t added, duplicates;
} added;

static int add_json_array(req *r, pl_db *db, const char *name, const pl_import_opts *io,
                          added *out, enum MHD_Result *res) {
    json_error_t jerr;
    json_t *root =
        json_loadb((const char *)r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        *res = reply_error(r, 400, "bad_request", "%s:%d:%d: malformed JSON: %s", name,
                           jerr.line, jerr.column, jerr.text);
        return -1;
    }
    if (json_is_object(root)) {
        json_t *arr = json_array();
        if (!arr || json_array_append_new(arr, root)) {
            json_decref(arr);
            json_decref(root);
            *res = reply_error(r, 503, "unavailable", "out of memory");
            return -1;
        }
        root = arr;
    }
    if (!json_is_array(root) || json_array_size(root) == 0) {
        json_decref(root);
        *res = reply_error(r, 400, "bad_request",
                           "%s: expected a non-empty JSON array of objects", name);
        return -1;
    }
    size_t n = json_array_size(root);
    out->ids = calloc(n, sizeof *out->ids);
    pl_batch *b = NULL;
    int rc = out->ids ? pl_batch_begin(db, &b) : PL_ERR_NOMEM;
    if (rc) {
        json_decref(root);
        *res = reply_pl_error(r, rc, db);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        pl_record rec = {0};
        char why[200], source[300];
        if (json_record(json_array_get(root, i), &rec, why, sizeof why)) {
            pl_batch_abort(b);
            json_decref(root);
            *res = reply_error(r, 400, "bad_request", "%s:%zu: %s", name, i + 1, why);
            return -1;
        }
        snprintf(source, sizeof source, "%s:%zu", name, i + 1);
        rec.source = source;
        if (io->lang) rec.lang = io->lang;
        if (!rec.series) {
            rec.series = io->series;
            if (!rec.season) rec.season = io->season;
        }
        int is_new = 0;
        if ((rc = pl_batch_add(b, &rec, &out->ids[out->n], &is_new))) {
            pl_batch_abort(b);
            json_decref(root);
            *res = reply_pl_error(r, rc, db);
            return -1;
        }
        if (is_new)
            out->n++, out->added++;
        else
            out->duplicates++;
    }
    json_decref(root);
    if ((rc = pl_batch_commit(b))) {
        *res = reply_pl_error(r, rc, db);
        return -1;
    }
    return 0;
}

static enum MHD_Result h_synopses_post(req *r) {
    char type[96];
    media_type(req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE), type, sizeof type);
    body_kind kind = body_kind_of(type);
    pl_import_opts io = {0};
    long season;
    if (int_arg(r, "season", 0, 1000000, 0, &season)) return MHD_YES;
    io.season = (int)season;
    io.series = req_arg(r, "series");
    io.lang = req_arg(r, "lang");
    if (io.series && !*io.series) io.series = NULL;
    if (io.lang && !*io.lang) io.lang = NULL;
    const char *name = req_arg(r, "source");
    if (!name || !*name) name = "upload";
    if (strlen(name) > 200) return reply_error(r, 400, "bad_request", "source is too long");
    if (r->body.len == 0)
        return reply_error(r, 400, "bad_request", "%s: the body is empty", name);
    pl_db *db = handles_writer(r->s);
    if (!db) {
        req_add_header(r, "Retry-After", "1");
        return reply_error(r, 429, "too_many_requests", "too many writes are waiting");
    }
    added a = {0};
    enum MHD_Result res = MHD_YES;
    int failed;
    if (kind == B_JSON) {
        failed = add_json_array(r, db, name, &io, &a, &res);
    } else {
        io.format = kind == B_JSONL ? PL_FORMAT_JSONL
                    : kind == B_TSV ? PL_FORMAT_TSV
                                    : PL_FORMAT_TEXT;
        pl_import_report rep;
        int rc = pl_import(db, name, (const char *)r->body.data, r->body.len, &io, &rep);
        failed = rc != 0;
        if (rc) {
            res = reply_pl_error(r, rc, db);
        } else {
            /* One writer at a time: the batch's new ids are consecutive. */
            a.added = rep.added;
            a.duplicates = rep.duplicates;
            if (rep.added && (a.ids = calloc(rep.added, sizeof *a.ids)))
                for (int64_t id = rep.first_id; id <= rep.last_id; id++)
                    a.ids[a.n++] = id;
        }
    }
    if (!failed) {
        pl_buf b = PL_BUF_INIT;
        pl_buf_printf(&b, "{\"added\":%llu,\"duplicates\":%llu,\"synopses\":[",
                      (unsigned long long)a.added, (unsigned long long)a.duplicates);
        for (size_t i = 0; i < a.n; i++) {
            pl_synopsis *s;
            if (pl_get_synopsis(db, a.ids[i], &s)) continue;
            pl_buf_printf(&b, "%s{\"id\":%lld,\"episode_id\":%lld,\"lang\":", i ? "," : "",
                          (long long)s->id, (long long)s->episode_id);
            json_str(&b, s->lang);
            pl_buf_printf(&b, ",\"lang_confidence\":%.4f,\"lang_given\":%s,\"source\":",
                          s->lang_confidence, s->lang_given ? "true" : "false");
            json_str(&b, s->source);
            pl_buf_putc(&b, '}');
            pl_synopsis_free(s);
        }
        pl_buf_puts(&b, "]");
        const char *warn = pl_db_errmsg(db);
        if (warn && *warn) {
            /* Stored, but the index could not take it yet (it catches up). */
            pl_buf_puts(&b, ",\"warning\":");
            json_str(&b, warn);
        }
        pl_buf_putc(&b, '}');
        res = reply_json(r, a.added ? 201 : 200, &b);
    }
    free(a.ids);
    handles_writer_done(r->s, !failed);
    return res;
}

/* ---- GET /v1/series and /v1/series/{id} ---- */

static enum MHD_Result h_series_list(req *r) {
    enum MHD_Result res;
    pl_db *db = reader(r, &res);
    if (!db) return res;
    pl_series_list *l;
    int rc = pl_list_series(db, &l);
    if (rc) return reply_pl_error(r, rc, db);
    pl_buf b = PL_BUF_INIT;
    pl_buf_puts(&b, "{\"series\":[");
    for (size_t i = 0; i < l->n; i++) {
        const pl_series_summary *s = &l->series[i];
        pl_buf_printf(&b, "%s{\"id\":%lld,\"name\":", i ? "," : "", (long long)s->id);
        json_str(&b, s->name);
        pl_buf_printf(&b, ",\"seasons\":%llu,\"episodes\":%llu,\"synopses\":%llu}",
                      (unsigned long long)s->seasons, (unsigned long long)s->episodes,
                      (unsigned long long)s->synopses);
    }
    pl_buf_puts(&b, "]}");
    pl_series_list_free(l);
    return reply_json(r, 200, &b);
}

static void json_lang_list(pl_buf *b, const char *langs) {
    pl_buf_putc(b, '[');
    for (const char *p = langs; *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (p != langs) pl_buf_putc(b, ',');
        json_strn(b, p, n);
        p += n + (comma != NULL);
    }
    pl_buf_putc(b, ']');
}

static enum MHD_Result h_series(req *r) {
    enum MHD_Result res;
    pl_db *db = reader(r, &res);
    if (!db) return res;
    pl_series *s;
    int rc = pl_get_series(db, r->id, &s);
    if (rc) return reply_pl_error(r, rc, db);
    pl_buf b = PL_BUF_INIT;
    pl_buf_printf(&b, "{\"id\":%lld,\"name\":", (long long)s->id);
    json_str(&b, s->name);
    pl_buf_printf(&b, ",\"episodes\":%zu,\"seasons\":[", s->n_episodes);
    /* Episodes come by season: a new season opens a new group. */
    for (size_t i = 0; i < s->n_episodes; i++) {
        const pl_episode_info *e = &s->episodes[i];
        if (i == 0 || e->season != s->episodes[i - 1].season) {
            if (i) pl_buf_puts(&b, "]},");
            pl_buf_puts(&b, "{\"season\":");
            if (e->season)
                pl_buf_printf(&b, "%d", e->season);
            else
                pl_buf_puts(&b, "null");
            pl_buf_puts(&b, ",\"episodes\":[");
        } else {
            pl_buf_putc(&b, ',');
        }
        pl_buf_printf(&b, "{\"id\":%lld,\"number\":", (long long)e->id);
        if (e->number)
            pl_buf_printf(&b, "%d", e->number);
        else
            pl_buf_puts(&b, "null");
        pl_buf_puts(&b, ",\"title\":");
        json_str(&b, *e->title ? e->title : NULL);
        pl_buf_puts(&b, ",\"languages\":");
        json_lang_list(&b, e->langs);
        pl_buf_printf(&b, ",\"synopses\":%llu}", (unsigned long long)e->synopses);
    }
    pl_buf_puts(&b, s->n_episodes ? "]}]}" : "]}");
    pl_series_free(s);
    return reply_json(r, 200, &b);
}

/* ---- POST /v1/langid ---- */

/* Appends ,"spans":[...] for text: its runs of one language, with their
 * byte offsets and text. Returns 0 or a negative status. */
static int json_spans(pl_buf *b, const char *text, size_t len) {
    pl_lang_span *sp;
    int n = pl_langid_spans(text, len, NULL, &sp);
    if (n < 0) return n;
    pl_buf_puts(b, ",\"spans\":[");
    for (int i = 0; i < n; i++) {
        pl_buf_printf(b, "%s{\"start\":%zu,\"length\":%zu,\"lang\":", i ? "," : "",
                      sp[i].start, sp[i].len);
        json_str(b, sp[i].lang);
        pl_buf_printf(b, ",\"confidence\":%.4f,\"text\":", sp[i].confidence);
        json_strn(b, text + sp[i].start, sp[i].len);
        pl_buf_putc(b, '}');
    }
    pl_buf_putc(b, ']');
    pl_lang_spans_free(sp);
    return 0;
}

static enum MHD_Result h_langid(req *r) {
    long top, spans;
    if (int_arg(r, "top", 1, MAX_LANGID_TOP, 5, &top)) return MHD_YES;
    if (int_arg(r, "spans", 0, 1, 0, &spans)) return MHD_YES;
    char type[96];
    media_type(req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE), type, sizeof type);
    const char *text = (const char *)r->body.data;
    size_t len = r->body.len;
    json_t *root = NULL;
    if (body_kind_of(type) == B_JSON) {
        json_error_t jerr;
        root = json_loadb(text ? text : "", len, 0, &jerr);
        json_t *t = root ? json_object_get(root, "text") : NULL;
        if (!t || !json_is_string(t)) {
            json_decref(root);
            return reply_error(r, 400, "bad_request",
                               "expected a JSON object with a \"text\" string");
        }
        text = json_string_value(t);
        len = json_string_length(t);
    }
    if (!text || len == 0) {
        json_decref(root);
        return reply_error(r, 400, "bad_request", "the text is empty");
    }
    if (!utf8_valid(text, len)) {
        json_decref(root);
        return reply_error(r, 400, "bad_request", "the text is not valid UTF-8");
    }
    pl_lang_guess g[MAX_LANGID_TOP];
    int n = pl_langid(text ? text : "", len, g, (int)top);
    if (n < 0) {
        json_decref(root);
        return reply_pl_error(r, n, NULL);
    }
    pl_buf b = PL_BUF_INIT;
    pl_buf_puts(&b, "{\"lang\":");
    json_str(&b, g[0].lang);
    pl_buf_printf(&b, ",\"confidence\":%.4f,\"candidates\":[", g[0].confidence);
    for (int i = 0; i < n; i++) {
        pl_buf_puts(&b, i ? ",{\"lang\":" : "{\"lang\":");
        json_str(&b, g[i].lang);
        pl_buf_printf(&b, ",\"confidence\":%.4f}", g[i].confidence);
    }
    pl_buf_putc(&b, ']');
    int st = spans ? json_spans(&b, text, len) : 0;
    json_decref(root);
    if (st < 0) {
        pl_buf_free(&b);
        return reply_pl_error(r, st, NULL);
    }
    pl_buf_putc(&b, '}');
    return reply_json(r, 200, &b);
}

/* ---- /healthz and /metrics ---- */

static enum MHD_Result h_healthz(req *r) {
    enum MHD_Result res;
    pl_db *db = reader(r, &res);
    if (!db) return res;
    pl_buf b = PL_BUF_INIT;
    pl_buf_printf(&b, "{\"status\":\"ok\",\"version\":\"%s\"}", PL_VERSION);
    return reply_json(r, 200, &b);
}

static enum MHD_Result h_metrics(req *r) {
    int st;
    pl_db *db = handles_reader(r->s, &st);
    pl_buf b = PL_BUF_INIT;
    metrics_render(&b, r->s, db);
    if (b.oom) {
        pl_buf_free(&b);
        return reply_error(r, 503, "unavailable", "out of memory");
    }
    return reply(r, 200, "text/plain; version=0.0.4; charset=utf-8", &b);
}

enum MHD_Result route_finish(req *r) {
    switch (r->route) {
    case R_SEARCH: return h_search(r);
    case R_EPISODE: return h_episode(r);
    case R_EPISODE_SYNOPSES: return h_episode_synopses(r);
    case R_SYNOPSIS:
        return strcmp(r->method, "DELETE") == 0 ? h_synopsis_delete(r) : h_synopsis_get(r);
    case R_SYNOPSES: return h_synopses_post(r);
    case R_SERIES_LIST: return h_series_list(r);
    case R_SERIES: return h_series(r);
    case R_LANGID: return h_langid(r);
    case R_HEALTHZ: return h_healthz(r);
    case R_METRICS: return h_metrics(r);
    default: return reply_error(r, 404, "not_found", "no such resource");
    }
}
