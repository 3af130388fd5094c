/*
 * cmd_serve.c - plotline serve: the HTTP API and the web page over one
 * database, until SIGINT or SIGTERM.
 *
 * The signals are blocked before the server's threads start (they inherit
 * the mask) and taken here with sigwait, so shutting down runs in plain
 * code rather than in a handler: stop the daemon, finish what is in
 * flight, close every handle.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "server/server.h"

static const char HELP[] =
    "Usage: plotline serve [options]\n"
    "\n"
    "Serves the database over HTTP: a JSON API under /v1/ (see docs/API.md) and a\n"
    "search page at /. Reads are open to anyone who can connect; adding and\n"
    "deleting synopses needs \"Authorization: Bearer TOKEN\", and without a token\n"
    "configured every write is refused. Stops cleanly on Ctrl-C or SIGTERM.\n"
    "\n"
    "Options:\n"
    "  --listen ADDR:PORT     where to listen (default 127.0.0.1:8080); port 0 picks\n"
    "                         a free port, printed on the first line\n"
    "  --token-file FILE      the bearer token for writes (default: $PLOTLINE_TOKEN)\n"
    "  --threads N            worker threads (default 4)\n"
    "  --max-connections N    above this, requests are answered 429 (default 256)\n"
    "  --per-ip N             connections from one address (default 64)\n"
    "  --timeout SECONDS      idle time before a connection is closed (default 15)\n"
    "  --max-body BYTES       largest request body (default 8388608)\n"
    "  --access-log           a line per request on standard error\n";

int cmd_serve(const cli *c, int argc, char **argv) {
    pl_server_opts o = {.db_path = c->db_path, .listen = "127.0.0.1:8080"};
    const char *token_file = NULL;
    long long v;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0) {
            fputs(HELP, stdout);
            return EXIT_OK;
        } else if (strcmp(a, "--access-log") == 0) {
            o.access_log = 1;
            continue;
        }
        if (!val) return cli_usage_error("serve", "unknown option or missing value: %s", a);
        i++;
        if (strcmp(a, "--listen") == 0) {
            o.listen = val;
        } else if (strcmp(a, "--token-file") == 0) {
            token_file = val;
        } else if (strcmp(a, "--threads") == 0) {
            if (cli_parse_int(val, 1, 256, &v))
                return cli_usage_error("serve", "--threads takes a number from 1 to 256");
            o.threads = (unsigned)v;
        } else if (strcmp(a, "--max-connections") == 0) {
            if (cli_parse_int(val, 1, 100000, &v))
                return cli_usage_error("serve", "--max-connections takes 1 to 100000");
            o.max_connections = (unsigned)v;
        } else if (strcmp(a, "--per-ip") == 0) {
            if (cli_parse_int(val, 1, 100000, &v))
                return cli_usage_error("serve", "--per-ip takes 1 to 100000");
            o.per_ip_connections = (unsigned)v;
        } else if (strcmp(a, "--timeout") == 0) {
            if (cli_parse_int(val, 1, 3600, &v))
                return cli_usage_error("serve", "--timeout takes 1 to 3600 seconds");
            o.timeout_seconds = (unsigned)v;
        } else if (strcmp(a, "--max-body") == 0) {
            if (cli_parse_int(val, 1024, 1LL << 30, &v))
                return cli_usage_error("serve",
                                       "--max-body takes 1024 to 1073741824 bytes");
            o.max_body = (size_t)v;
        } else {
            return cli_usage_error("serve", "unknown option %s", a);
        }
    }
    char err[512] = "";
    char *token = NULL;
    if (pl_server_load_token(token_file, &token, err, sizeof err)) {
        fprintf(stderr, "plotline serve: %s\n", err);
        return EXIT_FAIL;
    }
    o.token = token;

    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    pl_server *srv;
    if (pl_server_start(&o, &srv, err, sizeof err)) {
        fprintf(stderr, "plotline serve: %s\n", err);
        free(token);
        return EXIT_FAIL;
    }
    printf("plotline: serving %s on %s\n", c->db_path, pl_server_url(srv));
    if (!token)
        printf("plotline: no token (--token-file or PLOTLINE_TOKEN): writes are refused\n");
    fflush(stdout);
    int sig = 0;
    sigwait(&sigs, &sig);
    fprintf(stderr, "plotline serve: %s, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    pl_server_stop(srv);
    free(token);
    return EXIT_OK;
}
