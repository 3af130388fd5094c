/*
 * http.c - the daemon (libmicrohttpd) and a request's life: limits on
 * connections, headers and bodies, collecting the body, queuing answers,
 * the access log and the metrics of every request.
 *
 * MHD runs a pool of worker threads, each polling many connections, so a
 * slow or stalled client occupies a socket and a little memory but no
 * thread: the others keep being served. What a client may cost is bounded:
 * header bytes by the connection's memory pool (a larger header block is
 * answered 431 by MHD), body bytes by max_body (413), idle time by the
 * connection timeout, connections by a hard limit in MHD and a softer one
 * here (above it requests are answered 429 rather than dropped).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/server_internal.h"

#define DEFAULT_THREADS 4
#define DEFAULT_MAX_CONNECTIONS 256
#define DEFAULT_PER_IP 64
#define DEFAULT_TIMEOUT 15
#define DEFAULT_MAX_BODY (8u << 20)
/* Header bytes a connection may hold: generous for browsers' cookies and
 * a long query string, small enough that 10,000 idle sockets cost little.
 * libmicrohttpd 0.9.75 answers a request beyond it 431, but closes one that
 * fills it to within some 700 bytes without an answer: no room is left for
 * the response's headers (docs/API.md, tests/fuzz/http_fuzz.py). */
#define CONNECTION_MEMORY (64u << 10)
/* Connections MHD accepts beyond max_connections, to answer them 429. */
#define OVERLOAD_MARGIN 32

double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

const char *req_arg(req *r, const char *name) {
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(req *r, const char *name) {
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

void req_add_header(req *r, const char *name, const char *value) {
    if (r->n_hdr == REQ_MAX_HEADERS) return;
    r->hdr_name[r->n_hdr] = name;
    snprintf(r->hdr_value[r->n_hdr], sizeof r->hdr_value[0], "%s", value);
    r->n_hdr++;
}

static enum MHD_Result queue(req *r, int status, const char *content_type,
                             struct MHD_Response *resp) {
    if (!resp) return MHD_NO; /* out of memory: MHD closes the connection */
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    for (int i = 0; i < r->n_hdr; i++)
        MHD_add_response_header(resp, r->hdr_name[i], r->hdr_value[i]);
    r->n_hdr = 0;
    enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    r->responded = 1;
    r->status = status;
    return ok;
}

enum MHD_Result reply(req *r, int status, const char *content_type, pl_buf *body) {
    size_t len = 0;
    void *data = body->oom ? NULL : pl_buf_detach(body, &len);
    pl_buf_free(body);
    struct MHD_Response *resp;
    if (data) {
        resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
        if (!resp) free(data);
    } else {
        /* An empty body (204, or a buffer that ran out of memory). */
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    return queue(r, status, content_type, resp);
}

enum MHD_Result reply_json(req *r, int status, pl_buf *body) {
    if (body->oom) {
        pl_buf_free(body);
        return reply_error(r, 503, "unavailable", "out of memory");
    }
    pl_buf_putc(body, '\n');
    return reply(r, status, "application/json; charset=utf-8", body);
}

enum MHD_Result reply_static(req *r, int status, const char *content_type, const void *data,
                             size_t len) {
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_PERSISTENT);
    return queue(r, status, content_type, resp);
}

enum MHD_Result reply_error(req *r, int status, const char *code, const char *fmt, ...) {
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pl_buf b = PL_BUF_INIT;
    pl_buf_puts(&b, "{\"error\":{\"code\":");
    json_str(&b, code);
    pl_buf_puts(&b, ",\"message\":");
    json_str(&b, msg);
    pl_buf_puts(&b, "}}\n");
    return reply(r, status, "application/json; charset=utf-8", &b);
}

enum MHD_Result reply_pl_error(req *r, int st, pl_db *db) {
    const char *msg = db ? pl_db_errmsg(db) : "";
    if (!msg || !*msg) msg = pl_strerror(st);
    switch (st) {
    case PL_ERR_INPUT:
    case PL_ERR_USAGE: return reply_error(r, 400, "bad_request", "%s", msg);
    case PL_ERR_NOTFOUND: return reply_error(r, 404, "not_found", "%s", msg);
    case PL_ERR_BUSY:
    case PL_ERR_NOMEM:
        req_add_header(r, "Retry-After", "1");
        return reply_error(r, 503, "unavailable", "%s", msg);
    default: return reply_error(r, 500, "internal", "%s", msg);
    }
}

/* ---- a request's life ---------------------------------------------------- */

/* MHD calls this first for every request, with the URI: the request's
 * context is made here so that its clock starts before any handler runs. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn) {
    req *r = calloc(1, sizeof *r);
    if (r) {
        r->s = cls;
        r->conn = conn;
        r->t0 = now_seconds();
        r->route = R_NONE;
    }
    return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **ctx) {
    pl_server *s = cls;
    req *r = *ctx;
    if (!r) return MHD_NO; /* out of memory in on_uri */
    if (!r->started) {
        r->started = 1;
        r->method = method;
        r->url = url;
        /* Beyond the soft limit, say so rather than time out. */
        if (atomic_load(&s->connections) > s->o.max_connections) {
            req_add_header(r, "Retry-After", "1");
            return reply_error(r, 429, "overloaded", "too many connections; retry shortly");
        }
        /* Either an answer is queued now (refused on its headers) or the
         * next calls bring the body, then a last call with none. */
        route_begin(r);
        return MHD_YES;
    }
    if (*upload_size) {
        if (!r->responded && !r->too_large) {
            if (r->body.len + *upload_size > s->o.max_body) {
                r->too_large = 1;
                pl_buf_free(&r->body);
            } else {
                pl_buf_append(&r->body, upload, *upload_size);
            }
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->responded) return MHD_YES;
    if (r->too_large)
        return reply_error(r, 413, "payload_too_large", "the body is larger than %zu bytes",
                           s->o.max_body);
    if (r->body.oom)
        return reply_error(r, 503, "unavailable", "out of memory for the body");
    return route_finish(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **ctx,
                         enum MHD_RequestTerminationCode why) {
    pl_server *s = cls;
    req *r = *ctx;
    if (!r) return;
    *ctx = NULL;
    double took = now_seconds() - r->t0;
    /* A request aborted before it was answered (a client that hung up
     * mid-body, a timeout) is counted with status 0 under its route. */
    int status = r->responded ? r->status : 0;
    if (r->started) metrics_record(r->route, status, took);
    if (s->o.access_log && r->started)
        fprintf(stderr, "plotline serve: %s %s %d %.1fms%s\n", r->method, r->url, status,
                took * 1e3, why == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
    pl_buf_free(&r->body);
    free(r);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode code) {
    pl_server *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
        atomic_fetch_add(&s->connections, 1);
    else
        atomic_fetch_sub(&s->connections, 1);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap) {
    fputs("plotline serve: ", stderr);
    vfprintf(stderr, fmt, ap);
}

/* ---- starting and stopping ---------------------------------------------- */

/* Splits "host:port", "[v6]:port" or "port" and resolves it (numeric hosts
 * and names from /etc/hosts such as localhost). */
static int resolve(const char *listen, struct sockaddr_storage *sa, socklen_t *salen,
                   char *err, size_t errlen) {
    char host[256] = "127.0.0.1", port[16];
    const char *colon = strrchr(listen, ':');
    if (!colon) {
        snprintf(port, sizeof port, "%s", listen);
    } else {
        size_t hl = (size_t)(colon - listen);
        const char *h = listen;
        if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
            h++;
            hl -= 2;
        }
        if (hl >= sizeof host || strlen(colon + 1) >= sizeof port) {
            snprintf(err, errlen, "%s: not an address (HOST:PORT)", listen);
            return -1;
        }
        if (hl) {
            memcpy(host, h, hl);
            host[hl] = 0;
        }
        snprintf(port, sizeof port, "%s", colon + 1);
    }
    char *end;
    long p = strtol(port, &end, 10);
    if (!*port || *end || p < 0 || p > 65535) {
        snprintf(err, errlen, "%s: the port must be a number from 0 to 65535", listen);
        return -1;
    }
    struct addrinfo hints = {.ai_flags = AI_NUMERICSERV, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc) {
        snprintf(err, errlen, "%s: %s", listen, gai_strerror(rc));
        return -1;
    }
    memcpy(sa, res->ai_addr, res->ai_addrlen);
    *salen = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

int pl_server_start(const pl_server_opts *opts, pl_server **out, char *err, size_t errlen) {
    *out = NULL;
    pl_server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->o = *opts;
    if (!s->o.threads) s->o.threads = DEFAULT_THREADS;
    if (!s->o.max_connections) s->o.max_connections = DEFAULT_MAX_CONNECTIONS;
    if (!s->o.per_ip_connections) s->o.per_ip_connections = DEFAULT_PER_IP;
    if (!s->o.timeout_seconds) s->o.timeout_seconds = DEFAULT_TIMEOUT;
    if (!s->o.max_body) s->o.max_body = DEFAULT_MAX_BODY;
    if (!s->o.listen) s->o.listen = "127.0.0.1:8080";
    if (opts->token && !(s->token = strdup(opts->token))) {
        snprintf(err, errlen, "out of memory");
        free(s);
        return -1;
    }
    s->started = now_seconds();
    struct sockaddr_storage sa;
    socklen_t salen;
    if (resolve(s->o.listen, &sa, &salen, err, errlen) || handles_open(s, err, errlen)) {
        handles_close(s);
        free(s->token);
        free(s);
        return -1;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
    if (sa.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    errno = 0;
    s->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE,
        s->o.threads, MHD_OPTION_CONNECTION_LIMIT, s->o.max_connections + OVERLOAD_MARGIN,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->o.per_ip_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, s->o.timeout_seconds,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, s, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        s, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_LISTEN_BACKLOG_SIZE,
        512,
        /* Strict parsing: no Host in HTTP/1.1, spaces in header names and
         * the like are answered 400 rather than guessed at. */
        MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_END);
    if (!s->d) {
        snprintf(err, errlen, "%s: cannot listen%s%s", s->o.listen, errno ? ": " : "",
                 errno ? strerror(errno) : "");
        handles_close(s);
        free(s->token);
        free(s);
        return -1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : 0;
    char host[INET6_ADDRSTRLEN] = "?";
    if (sa.ss_family == AF_INET6) {
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa)->sin6_addr, host, sizeof host);
        snprintf(s->url, sizeof s->url, "http://[%s]:%u", host, s->port);
    } else {
        inet_ntop(AF_INET, &((struct sockaddr_in *)&sa)->sin_addr, host, sizeof host);
        snprintf(s->url, sizeof s->url, "http://%s:%u", host, s->port);
    }
    *out = s;
    return 0;
}

unsigned pl_server_port(const pl_server *s) {
    return s->port;
}

const char *pl_server_url(const pl_server *s) {
    return s->url;
}

void pl_server_stop(pl_server *s) {
    if (!s) return;
    MHD_stop_daemon(s->d);
    handles_close(s);
    free(s->token);
    free(s);
}
