/*
 * harness.h - what the C and C++ benchmark harnesses share: reading a test
 * set ("code<TAB>source<TAB>text" lines) into memory and a monotonic clock,
 * so that every identifier is timed on identification alone, not on I/O.
 */
#ifndef BENCH_HARNESS_H
#define BENCH_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    char **text;
    size_t *len;
    size_t n, bytes;
} bench_set;

static inline double bench_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* How often a set is identified for timing (env BENCH_PASSES, default 1). */
static inline int bench_passes(void) {
    const char *e = getenv("BENCH_PASSES");
    int n = e ? atoi(e) : 1;
    return n < 1 ? 1 : n > 20 ? 20 : n;
}

/* Reads the texts of a set (the third column); exits on error. */
static inline bench_set bench_read(const char *path) {
    bench_set s = {0, 0, 0, 0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    size_t cap = 0, lcap = 0;
    char *line = NULL;
    ssize_t n;
    while ((n = getline(&line, &lcap, f)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        char *t = strchr(line, '\t');
        t = t ? strchr(t + 1, '\t') : NULL;
        if (!t) continue;
        t++;
        if (s.n == cap) {
            cap = cap ? cap * 2 : 1024;
            s.text = (char **)realloc(s.text, cap * sizeof *s.text);
            s.len = (size_t *)realloc(s.len, cap * sizeof *s.len);
            if (!s.text || !s.len) exit(1);
        }
        s.len[s.n] = strlen(t);
        s.text[s.n] = strdup(t);
        s.bytes += s.len[s.n];
        s.n++;
    }
    free(line);
    fclose(f);
    return s;
}

#endif
