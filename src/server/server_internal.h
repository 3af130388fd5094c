/*
 * server_internal.h - what the server's files share: a request in progress
 * and how to answer it, the database handles, routes, metrics, language
 * choice, JSON and authorization.
 *
 *   http.c         the daemon, a request's life (limits, body), answers
 *   routes.c       the URL table and the API's handlers
 *   handles.c      one read-only pl_db per worker thread, one writer
 *   lang_choice.c  which synopsis a reader sees (lang, fallback, original)
 *   json_out.c     JSON for episodes, synopses, errors
 *   metrics.c      counters and the latency histogram, Prometheus text
 *   auth.c         the bearer token
 *   web.c          the embedded page (web/, compiled in at build time)
 */
#ifndef PL_SERVER_INTERNAL_H
#define PL_SERVER_INTERNAL_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "plotline.h"
#include "server/server.h"
#include "util/buf.h"

/* ---- routes (routes.c) ---- */

/* Every route, for dispatch and as the `route` label of the metrics. */
typedef enum route_id {
    R_PAGE,
    R_SEARCH,
    R_EPISODE,
    R_EPISODE_SYNOPSES,
    R_SYNOPSIS,
    R_SYNOPSES,
    R_SERIES_LIST,
    R_SERIES,
    R_LANGID,
    R_HEALTHZ,
    R_METRICS,
    R_NONE, /* no route matched */
    R__COUNT
} route_id;

/* ---- the server and a request (http.c) ---- */

typedef struct handles handles;

struct pl_server {
    pl_server_opts o;
    struct MHD_Daemon *d;
    handles *h;
    char *token;
    unsigned port;
    char url[96];
    atomic_uint connections; /* open now */
    double started;          /* monotonic seconds */
};

#define REQ_MAX_HEADERS 6

typedef struct req {
    pl_server *s;
    struct MHD_Connection *conn;
    const char *method; /* owned by MHD for the request's life */
    const char *url;
    route_id route;
    const char *pattern; /* the matched route, e.g. "/v1/episodes/{id}" */
    int64_t id;          /* the {id} of the path */
    int started;
    int responded;
    int status;
    int too_large;
    double t0;
    pl_buf body;
    const char *hdr_name[REQ_MAX_HEADERS];
    char hdr_value[REQ_MAX_HEADERS][320];
    int n_hdr;
} req;

double now_seconds(void);

/* A query-string argument (decoded), or NULL. */
const char *req_arg(req *r, const char *name);
/* A request header, or NULL. */
const char *req_header(req *r, const char *name);
/* Adds a header to the answer that will be queued next. */
void req_add_header(req *r, const char *name, const char *value);

/* Queues an answer; each takes `body` (emptying it) and returns an MHD result. */
enum MHD_Result reply(req *r, int status, const char *content_type, pl_buf *body);
enum MHD_Result reply_json(req *r, int status, pl_buf *body);
/* {"error":{"code":"...","message":"..."}} */
enum MHD_Result reply_error(req *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* An error from the library: its status chooses the HTTP status. */
enum MHD_Result reply_pl_error(req *r, int pl_status, pl_db *db);
/* A static byte range (the embedded page), not copied. */
enum MHD_Result reply_static(req *r, int status, const char *content_type, const void *data,
                             size_t len);

/* ---- routing (routes.c) ---- */

/* Called once the headers are in: finds the route, checks the method,
 * authorization, content type and declared length. Returns 0 to go on
 * reading the body, or 1 when an answer has been queued. */
int route_begin(req *r);
/* Called once the body is in: runs the route's handler. */
enum MHD_Result route_finish(req *r);
const char *route_label(route_id id);

/* ---- database handles (handles.c) ---- */

/* Opens the writer (creating the database when absent). -1 with a message. */
int handles_open(pl_server *s, char *err, size_t errlen);
void handles_close(pl_server *s);
/* This thread's read-only handle, caught up with the latest writes; NULL
 * (with *status) when it cannot be opened. */
pl_db *handles_reader(pl_server *s, int *status);
/* The writer, locked for this thread; NULL when too many writes wait (the
 * caller answers 429). Release with handles_writer_done(). */
pl_db *handles_writer(pl_server *s);
void handles_writer_done(pl_server *s, int wrote);

/* ---- language choice (lang_choice.c) ---- */

#define LANG_PREFS_MAX 12

typedef struct lang_prefs {
    char tag[LANG_PREFS_MAX][PL_LANG_MAX]; /* lower case, in order of preference */
    size_t n;
    char lang[PL_LANG_MAX]; /* the requested `lang`, as given, or "" */
} lang_prefs;

/* Reads `lang` (or, without it, Accept-Language) and `fallback` ("de,fr").
 * -1 with a message in why for a malformed tag. */
int lang_prefs_parse(lang_prefs *p, const char *lang, const char *fallback,
                     const char *accept_language, char *why, size_t whylen);
/* Whether e->synopses[i] is a real synopsis (not a placeholder). */
int lang_is_real(const pl_episode *e, size_t i);
/* The index in e->synopses of the synopsis to show: the preferences in order
 * (a regional tag falls back to its base language, then to any region of
 * it), then `dflt` when >= 0, then the episode's original language (its first
 * real synopsis). -1 when the episode has no real synopsis. */
int lang_choose(const pl_episode *e, const lang_prefs *p, int dflt);
/* Whether s is a syntactically valid language tag ("pt-BR", "und-Hani"). */
int lang_tag_valid(const char *s);

/* ---- JSON (json_out.c) ---- */

/* A JSON string with its quotes; NULL gives null. */
void json_str(pl_buf *b, const char *s);
void json_strn(pl_buf *b, const char *s, size_t n);
/* The distinct languages of an episode's real synopsis as a JSON array. */
void json_langs(pl_buf *b, const pl_episode *e);
/* {"id":..,"lang":..,"lang_confidence":..,"lang_given":..,"source":..,
 *  "placeholder":..,"text":..} */
void json_synopsis(pl_buf *b, const pl_synopsis *s, int placeholder);
/* "id":..,"series":..,"season":..,"number":..,"title":.. (no braces) */
void json_episode_fields(pl_buf *b, const pl_episode *e);
/* Whether s is valid UTF-8 without NUL bytes. */
int utf8_valid(const char *s, size_t n);

/* ---- metrics (metrics.c) ---- */

void metrics_record(route_id route, int status, double seconds);
/* The Prometheus text exposition (version 0.0.4). */
void metrics_render(pl_buf *out, pl_server *s, pl_db *db);

/* ---- authorization (auth.c) ---- */

typedef enum auth_result { AUTH_OK, AUTH_MISSING, AUTH_WRONG, AUTH_DISABLED } auth_result;

/* Checks an Authorization header against the token, in constant time. */
auth_result auth_check(const char *token, const char *authorization);

/* ---- the page (web.c) ---- */

/* Answers GET for a file of the page, or returns 0 when `path` names none. */
int web_serve(req *r, const char *path, enum MHD_Result *result);

#endif
