/*
 * auth.c - the bearer token that every write must carry.
 *
 * Reads are open; writes (adding and deleting synopses) need
 * "Authorization: Bearer <token>". The token comes from a file (so that it
 * stays out of the process list and shell history) or from PLOTLINE_TOKEN.
 * Without one, writes are refused outright: a server started without
 * thinking about access is read-only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/server_internal.h"

#define TOKEN_MAX 4096

/* Strips surrounding white space (a token file usually ends in a newline). */
static char *trimmed_dup(const char *s, size_t n) {
    while (n &&
           (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    char *t = malloc(n + 1);
    if (t) {
        memcpy(t, s, n);
        t[n] = 0;
    }
    return t;
}

int pl_server_load_token(const char *file, char **token, char *err, size_t errlen) {
    *token = NULL;
    if (!file) {
        const char *env = getenv("PLOTLINE_TOKEN");
        if (!env || !*env) return 0;
        if (!(*token = trimmed_dup(env, strlen(env)))) goto oom;
        if (!**token) {
            free(*token);
            *token = NULL;
        }
        return 0;
    }
    FILE *fp = fopen(file, "rb");
    if (!fp) {
        snprintf(err, errlen, "%s: %s", file, strerror(errno));
        return -1;
    }
    char buf[TOKEN_MAX + 1];
    size_t n = fread(buf, 1, sizeof buf, fp);
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        snprintf(err, errlen, "%s: cannot read", file);
        return -1;
    }
    if (n > TOKEN_MAX) {
        snprintf(err, errlen, "%s: longer than %d bytes; is it the right file?", file,
                 TOKEN_MAX);
        return -1;
    }
    if (!(*token = trimmed_dup(buf, n))) goto oom;
    /* A token is sent in a header: it must be printable ASCII, no spaces. */
    int ok = **token != 0;
    for (const char *p = *token; ok && *p; p++)
        ok = *p > ' ' && *p < 127;
    if (!ok) {
        snprintf(err, errlen,
                 "%s: the token must be one line of printable ASCII, not empty", file);
        free(*token);
        *token = NULL;
        return -1;
    }
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

auth_result auth_check(const char *token, const char *authorization) {
    if (!token) return AUTH_DISABLED;
    if (!authorization) return AUTH_MISSING;
    if (strncasecmp(authorization, "Bearer ", 7) != 0) return AUTH_MISSING;
    const char *given = authorization + 7;
    while (*given == ' ')
        given++;
    size_t a = strlen(given), b = strlen(token);
    /* Compare every byte whatever the first difference, so that the time
     * taken tells nothing about how much of a guess was right. */
    unsigned diff = (unsigned)(a ^ b);
    for (size_t i = 0; i < b; i++)
        diff |= (unsigned char)token[i] ^ (unsigned char)given[i < a ? i : 0];
    return diff == 0 ? AUTH_OK : AUTH_WRONG;
}
