/*
 * web_assets.h - the files of the page (web/), compiled into the binary by
 * cmake/embed_web.cmake as a table the server looks paths up in.
 */
#ifndef PL_SERVER_WEB_ASSETS_H
#define PL_SERVER_WEB_ASSETS_H

#include <stddef.h>

typedef struct pl_web_asset {
    const char *path; /* "/index.html" */
    const char *type; /* its Content-Type */
    const unsigned char *data;
    size_t len;
} pl_web_asset;

/* Ends with an entry whose path is NULL. */
extern const pl_web_asset pl_web_assets[];
extern const size_t pl_web_n_assets;

#endif
