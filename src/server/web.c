/*
 * web.c - serving the page: the embedded files of web/ at "/" and their own
 * paths, with validators so that a browser revalidates cheaply (304) rather
 * than caching a page that a new binary may have changed.
 */
#include <stdio.h>
#include <string.h>

#include "server/server_internal.h"
#include "server/web_assets.h"

/* The page talks only to this server; nothing else may load into it. */
static const char CSP[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
                          "form-action 'self'; frame-ancestors 'none'";

#define MAX_ASSETS 64

static char etags[MAX_ASSETS][24];
static pthread_once_t etags_once = PTHREAD_ONCE_INIT;

/* FNV-1a over each file: a strong enough validator for a handful of files
 * that change only when the binary does. */
static void make_etags(void) {
    for (size_t i = 0; i < pl_web_n_assets && i < MAX_ASSETS; i++) {
        uint64_t h = 0xcbf29ce484222325ull;
        for (size_t k = 0; k < pl_web_assets[i].len; k++)
            h = (h ^ pl_web_assets[i].data[k]) * 0x100000001b3ull;
        snprintf(etags[i], sizeof etags[i], "\"%016llx\"", (unsigned long long)h);
    }
}

int web_serve(req *r, const char *path, enum MHD_Result *result) {
    if (strcmp(path, "/") == 0) path = "/index.html";
    size_t i = 0;
    while (i < pl_web_n_assets && strcmp(pl_web_assets[i].path, path) != 0)
        i++;
    if (i == pl_web_n_assets || i >= MAX_ASSETS) return 0;
    pthread_once(&etags_once, make_etags);
    const pl_web_asset *a = &pl_web_assets[i];
    req_add_header(r, "ETag", etags[i]);
    req_add_header(r, "Cache-Control", "no-cache");
    if (strncmp(a->type, "text/html", 9) == 0) {
        req_add_header(r, "Content-Security-Policy", CSP);
        req_add_header(r, "Referrer-Policy", "no-referrer");
    }
    const char *inm = req_header(r, MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (inm && strstr(inm, etags[i])) {
        *result = reply_static(r, 304, a->type, "", 0);
        return 1;
    }
    *result = reply_static(r, 200, a->type, a->data, a->len);
    return 1;
}
