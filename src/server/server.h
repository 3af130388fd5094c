/*
 * server.h - the HTTP server behind `plotline serve`: starting it on an
 * address, the port it got, stopping it.
 *
 * The server is a layer over include/plotline.h like the command is: each
 * worker thread reads through its own read-only pl_db handle, and writes go
 * through one read-write handle, one at a time. See docs/API.md, "HTTP API".
 */
#ifndef PL_SERVER_H
#define PL_SERVER_H

#include <stddef.h>

typedef struct pl_server_opts {
    const char *db_path;         /* the database (created when absent) */
    const char *listen;          /* "127.0.0.1:8080", "[::1]:0", "8080"; port 0 picks one */
    const char *token;           /* bearer token for writes; NULL refuses every write */
    unsigned threads;            /* worker threads (0: 4) */
    unsigned max_connections;    /* above this, requests are answered 429 (0: 256) */
    unsigned per_ip_connections; /* connections from one address (0: 64) */
    unsigned timeout_seconds;    /* idle time before a connection is closed (0: 15) */
    size_t max_body;             /* bytes of a request body (0: 8 MiB) */
    int access_log;              /* one line per request on standard error */
} pl_server_opts;

typedef struct pl_server pl_server;

/* Opens the database and starts listening. On failure returns -1 with a
 * message in err ("127.0.0.1:80: Permission denied"). */
int pl_server_start(const pl_server_opts *opts, pl_server **out, char *err, size_t errlen);
/* The port listened on (the one picked when asked for port 0). */
unsigned pl_server_port(const pl_server *s);
/* The address listened on, as "http://127.0.0.1:8080". */
const char *pl_server_url(const pl_server *s);
/* Reads the bearer token from `file` (when not NULL) or from PLOTLINE_TOKEN;
 * *token (to free()) is NULL when neither is set. -1 with a message in err on
 * an unreadable or empty file, or one that is not a single printable line. */
int pl_server_load_token(const char *file, char **token, char *err, size_t errlen);
/* Stops accepting, finishes the requests in progress, closes every handle. */
void pl_server_stop(pl_server *s);

#endif
