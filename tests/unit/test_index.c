/*
 * test_index.c - the on-disk inverted index: writing, reading, deletes,
 * merges, durability rules and resistance to corrupt files.
 *
 * The central test replays a long random history (fixed seed) of adds,
 * deletes, commits, merges and reopenings against a naive in-memory model
 * and compares every term's postings, positions and the statistics.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "index/index.h"

static char root[256];

/* ---- small utilities ---- */

static void make_dir(char *out, const char *name) {
    snprintf(out, 512, "%s/%s", root, name);
}

static void remove_tree(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    char path[1024];
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(path);
        else
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

/* Names of the files in dir, sorted, joined by spaces. */
static void list_dir(const char *dir, char *out, size_t cap) {
    char names[64][256];
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL && n < 64) {
        if (de->d_name[0] == '.') continue;
        snprintf(names[n++], 256, "%s", de->d_name);
    }
    if (d) closedir(d);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (strcmp(names[j], names[i]) < 0) {
                char t[256];
                memcpy(t, names[i], 256);
                memcpy(names[i], names[j], 256);
                memcpy(names[j], t, 256);
            }
    out[0] = 0;
    for (int i = 0; i < n; i++) {
        strncat(out, names[i], cap - strlen(out) - 1);
        strncat(out, " ", cap - strlen(out) - 1);
    }
}

/* Finds the first file in dir with the given suffix. */
static int find_file(const char *dir, const char *suffix, char *out) {
    DIR *d = opendir(dir);
    struct dirent *de;
    int found = 0;
    while (d && (de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name), k = strlen(suffix);
        if (n > k && !strcmp(de->d_name + n - k, suffix)) {
            snprintf(out, 1024, "%s/%s", dir, de->d_name);
            found = 1;
            break;
        }
    }
    if (d) closedir(d);
    return found;
}

static long file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void flip_byte(const char *path, long at) {
    int fd = open(path, O_RDWR);
    unsigned char c;
    if (pread(fd, &c, 1, at) == 1) {
        c ^= 0x5a;
        if (pwrite(fd, &c, 1, at) != 1) perror("pwrite");
    }
    close(fd);
}

/* Adds a document whose tokens are the space-separated words of `text`. */
static int add_text(pl_index_writer *w, int64_t doc, const char *text) {
    pl_index_token toks[64];
    size_t n = 0;
    const char *p = text;
    while (*p && n < 64) {
        while (*p == ' ')
            p++;
        if (!*p) break;
        const char *s = p;
        while (*p && *p != ' ')
            p++;
        toks[n].term = s;
        toks[n].len = (uint32_t)(p - s);
        toks[n].pos = (uint32_t)n;
        n++;
    }
    pl_err err = PL_ERR_INIT;
    return pl_index_add(w, doc, toks, n, &err);
}

/* "id:tf id:tf ..." of a term's live postings. */
static void postings_str(pl_index *ix, const char *term, char *out, size_t cap) {
    pl_postings *p;
    pl_err err = PL_ERR_INIT;
    out[0] = 0;
    if (pl_postings_open(ix, term, strlen(term), 0, &p, &err)) {
        snprintf(out, cap, "error: %.200s", err.msg);
        return;
    }
    int rc;
    while ((rc = pl_postings_next(p)) == 1) {
        size_t l = strlen(out);
        snprintf(out + l, cap - l, "%s%lld:%u", l ? " " : "", (long long)pl_postings_doc(p),
                 pl_postings_tf(p));
    }
    if (rc < 0) snprintf(out, cap, "error %d", rc);
    pl_postings_close(p);
}

/* Checks a term's live postings ("id:tf ..."); a macro, so that a failure
 * names the line. */
#define CHECK_POSTINGS(ix, term, want)                                                     \
    do {                                                                                   \
        char got_[256];                                                                    \
        postings_str((ix), (term), got_, sizeof got_);                                     \
        CHECK_STR(got_, (want));                                                           \
    } while (0)

/* A fresh index folder `name` (its path into dir), opened, a writer begun. */
static void open_writing(const char *name, char *dir, pl_index **ix, pl_index_writer **w) {
    pl_err err = PL_ERR_INIT;
    make_dir(dir, name);
    CHECK_INT(pl_index_open(dir, 0, ix, &err), PL_OK);
    CHECK_INT(pl_index_begin(*ix, w, &err), PL_OK);
}

/* ---- tests ---- */

static void test_basic(void) {
    char dir[512];
    make_dir(dir, "basic");
    pl_err err = PL_ERR_INIT;
    pl_index *ix;
    CHECK_INT(pl_index_open(dir, 0, &ix, &err), PL_OK);
    CHECK_INT(pl_index_seq(ix), 0);
    pl_index_writer *w;
    CHECK_INT(pl_index_begin(ix, &w, &err), PL_OK);
    CHECK_INT(add_text(w, 10, "the cat sat on the mat"), PL_OK);
    CHECK_INT(add_text(w, 20, "a dog"), PL_OK);
    CHECK_INT(add_text(w, 30, ""), PL_OK); /* no tokens: still a document */
    CHECK_INT(add_text(w, 40, "the the the dog"), PL_OK);
    CHECK_INT(add_text(w, 40, "again"), PL_ERR_USAGE); /* ids must increase */
    CHECK_INT(pl_index_commit(w, 7, &err), PL_OK);
    pl_index_close(ix);

    CHECK_INT(pl_index_open(dir, PL_INDEX_READONLY, &ix, &err), PL_OK);
    CHECK_INT(pl_index_seq(ix), 7);
    pl_index_stats st;
    pl_index_get_stats(ix, &st);
    CHECK_INT(st.docs, 4);
    CHECK_INT(st.total_len, 12);
    CHECK_INT(st.segments, 1);
    CHECK(st.bytes > 128);
    CHECK_INT(pl_index_df(ix, "the", 3), 2);
    CHECK_INT(pl_index_df(ix, "dog", 3), 2);
    CHECK_INT(pl_index_df(ix, "zebra", 5), 0);
    CHECK_INT(pl_index_df(ix, "th", 2), 0);

    CHECK_POSTINGS(ix, "the", "10:2 40:3");
    CHECK_POSTINGS(ix, "mat", "10:1");
    CHECK_POSTINGS(ix, "zebra", "");
    CHECK_POSTINGS(ix, "", "");

    pl_postings *p;
    CHECK_INT(pl_postings_open(ix, "the", 3, 1, &p, &err), PL_OK);
    CHECK_INT(pl_postings_next(p), 1);
    CHECK_INT(pl_postings_doc(p), 10);
    CHECK_INT(pl_postings_doclen(p), 6);
    uint32_t n;
    const uint32_t *pos = pl_postings_positions(p, &n);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_INT(pos[0], 0);
        CHECK_INT(pos[1], 4);
    }
    CHECK_INT(pl_postings_next(p), 1);
    CHECK_INT(pl_postings_doc(p), 40);
    CHECK_INT(pl_postings_doclen(p), 4);
    pos = pl_postings_positions(p, &n);
    CHECK_INT(n, 3);
    if (n == 3) CHECK(pos[0] == 0 && pos[1] == 1 && pos[2] == 2);
    CHECK_INT(pl_postings_next(p), 0);
    CHECK_INT(pl_postings_next(p), 0);
    pl_postings_close(p);

    /* Without positions asked for, none are given. */
    CHECK_INT(pl_postings_open(ix, "dog", 3, 0, &p, &err), PL_OK);
    CHECK_INT(pl_postings_next(p), 1);
    CHECK(pl_postings_positions(p, &n) == NULL && n == 0);
    pl_postings_close(p);

    CHECK_INT(pl_index_verify(ix, &err), PL_OK);
    CHECK_INT(pl_index_begin(ix, &w, &err), PL_ERR_USAGE); /* read-only */
    pl_index_close(ix);
}

static int collect(void *ctx, int64_t doc) {
    char *s = ctx;
    size_t l = strlen(s);
    snprintf(s + l, 256 - l, "%s%lld", l ? " " : "", (long long)doc);
    return 0;
}

static int stop_at_two(void *ctx, int64_t doc) {
    (*(int *)ctx)++;
    return doc == 2 ? 42 : 0;
}

static void test_deletes(void) {
    char dir[512], s[256];
    make_dir(dir, "deletes");
    pl_err err = PL_ERR_INIT;
    pl_index *ix;
    pl_index_writer *w;
    CHECK_INT(pl_index_open(dir, 0, &ix, &err), PL_OK);
    CHECK_INT(pl_index_begin(ix, &w, &err), PL_OK);
    for (int i = 1; i <= 10; i++)
        add_text(w, i, i % 2 ? "odd x" : "even x");
    CHECK_INT(pl_index_delete(w, 3, &err), PL_OK);  /* in this writer */
    CHECK_INT(pl_index_delete(w, 3, &err), PL_OK);  /* twice is fine */
    CHECK_INT(pl_index_delete(w, 99, &err), PL_OK); /* missing: ignored */
    CHECK_INT(pl_index_commit(w, 1, &err), PL_OK);
    CHECK_INT(pl_index_df(ix, "odd", 3), 4); /* 3 never reached the disk */
    postings_str(ix, "odd", s, sizeof s);
    CHECK_STR(s, "1:1 5:1 7:1 9:1");

    CHECK_INT(pl_index_begin(ix, &w, &err), PL_OK);
    CHECK_INT(pl_index_delete(w, 5, &err), PL_OK); /* in a segment */
    CHECK_INT(pl_index_delete(w, 3, &err), PL_OK); /* long gone */
    add_text(w, 11, "odd x");
    add_text(w, 12, "even x");
    CHECK_INT(pl_index_delete(w, 12, &err), PL_OK);
    CHECK_INT(pl_index_commit(w, 2, &err), PL_OK);
    postings_str(ix, "odd", s, sizeof s);
    CHECK_STR(s, "1:1 7:1 9:1 11:1");
    CHECK_INT(pl_index_df(ix, "odd", 3), 5); /* deleted 5 still counted */
    pl_index_stats st;
    pl_index_get_stats(ix, &st);
    CHECK_INT(st.docs, 9);
    CHECK_INT(st.total_len, 18);
    CHECK_INT(st.segments, 2);
    s[0] = 0;
    CHECK_INT(pl_index_each_doc(ix, collect, s), 0);
    CHECK_STR(s, "1 2 4 6 7 8 9 10 11");
    int calls = 0;
    CHECK_INT(pl_index_each_doc(ix, stop_at_two, &calls), 42);
    CHECK_INT(calls, 2);
    pl_index_close(ix);

    /* Deletes persist; deleting a segment's every doc drops the segment. */
    CHECK_INT(pl_index_open(dir, 0, &ix, &err), PL_OK);
    postings_str(ix, "odd", s, sizeof s);
    CHECK_STR(s, "1:1 7:1 9:1 11:1");
    CHECK_INT(pl_index_begin(ix, &w, &err), PL_OK);
    CHECK_INT(pl_index_delete(w, 11, &err), PL_OK);
    CHECK_INT(pl_index_commit(w, 3, &err), PL_OK);
    pl_index_get_stats(ix, &st);
    CHECK_INT(st.segments, 1);
    CHECK_INT(st.docs, 8);
    CHECK_INT(pl_index_verify(ix, &err), PL_OK);
    char files[1024];
    list_dir(dir, files, sizeof files);
    CHECK_STR(files, "0000000000.seg 0000000000_0000000002.del LOCK MANIFEST ");

    /* delete_all then rebuild with the same ids. */
    CHECK_INT(pl_index_begin(ix, &w, &err), PL_OK);
    CHECK_INT(pl_index_delete_all(w, &err), PL_OK);
    CHECK_INT(add_text(w, 2, "fresh start"), PL_OK);
    CHECK_INT(pl_index_commit(w, 4, &err), PL_OK);
    postings_str(ix, "x", s, sizeof s);
    CHECK_STR(s, "");
    postings_str(ix, "fresh", s, sizeof s);
    CHECK_STR(s, "2:1");
    pl_index_get_stats(ix, &st);
    CHECK_INT(st.docs, 1);
    CHECK_INT(st.segments, 1);
    pl_index_close(ix);
}

static void test_seek(void) {
    char dir[512];
    make_dir(dir, "seek");
    pl_err err = PL_ERR_INIT;
    pl_index *ix;
    pl_index_writer *w;
    CHECK_INT(pl_index_open(dir, 0, &ix, &err), PL_OK);
    /* Two segments; "a" in every doc (many blocks), "b" in every third. */
    for (int seg = 0; seg < 2; seg++) {
        CHECK_INT(pl_index_begin(ix, &w, &err), PL_OK);
        for (int i = 1; i <= 1000; i++) {
            int id = seg * 1000 + i;
            add_text(w, id * 2, id % 3 == 0 ? "a b a" : "a");
        }
        for (int id = seg * 1000 + 7; id <= seg * 1000 + 1000; id += 50)
            pl_index_delete(w, id * 2, &err);
        CHECK_INT(pl_index_commit(w, (uint64_t)seg + 1, &err), PL_OK);
    }
    pl_postings *p;
    CHECK_INT(pl_postings_open(ix, "a", 1, 1, &p, &err), PL_OK);
    CHECK_INT(pl_postings_seek(p, 0), 1);
    CHECK_INT(pl_postings_doc(p), 2);
    CHECK_INT(pl_postings_seek(p, 2), 1); /* already there: stays */
    CHECK_INT(pl_postings_doc(p), 2);
    CHECK_INT(pl_postings_seek(p, 3), 1);
    CHECK_INT(pl_postings_doc(p), 4);
    CHECK_INT(pl_postings_seek(p, 14), 1); /* 14 is deleted (id 7) */
    CHECK_INT(pl_postings_doc(p), 16);
    CHECK_INT(pl_postings_seek(p, 1201), 1);
    CHECK_INT(pl_postings_doc(p), 1202);
    CHECK_INT(pl_postings_next(p), 1);
    CHECK_INT(pl_postings_doc(p), 1204);
    CHECK_INT(pl_postings_seek(p, 1999), 1); /* across the segment boundary */
    CHECK_INT(pl_postings_doc(p), 2000);
    CHECK_INT(pl_postings_seek(p, 2001), 1);
    CHECK_INT(pl_postings_doc(p), 2002);
    uint32_t n;
    pl_postings_positions(p, &n);
    CHECK_INT(n, 1);
    CHECK_INT(pl_postings_seek(p, 3600), 1);
    CHECK_INT(pl_postings_doc(p), 3600);
    const uint32_t *pos = pl_postings_positions(p, &n); /* id 1800: "a b a" */
    CHECK_INT(n, 2);
    if (n == 2) CHECK(pos[0] == 0 && pos[1] == 2);
    CHECK_INT(pl_postings_seek(p, 4001), 0);
    CHECK_INT(pl_postings_next(p), 0);
    pl_postings_close(p);

    CHECK_INT(pl_postings_open(ix, "b", 1, 0, &p, &err), PL_OK);
    CHECK_INT(pl_postings_seek(p, 1000), 1);
    CHECK_INT(pl_postings_doc(p), 1002); /* id 501 */
    CHECK_INT(pl_postings_seek(p, 3990), 1);
    CHECK_INT(pl_postings_doc(p), 3990);
    CHECK_INT(pl_postings_seek(p, 3991), 1);
    CHECK_INT(pl_postings_doc(p), 3996);
    CHECK_INT(pl_postings_seek(p, 3997), 0);
    pl_postings_close(p);

    /* Seek first on a fresh iterator, past everything. */
    CHECK_INT(pl_postings_open(ix, "a", 1, 0, &p, &err), PL_OK);
    CHECK_INT(pl_postings_seek(p, 100000), 0);
    pl_postings_close(p);
    CHECK_INT(pl_index_verify(ix, &err), PL_OK);
    pl_index_close(ix);
}

/* ---- the randomized comparison with a naive model ---- */

#define VOCAB 60
#define MAX_DOCS 20000
#define MAX_TOKS 40

typedef struct mdoc {
    int64_t id;
    int live;
    uint32_t n;
    uint8_t tok[MAX_TOKS];
} mdoc;

static mdoc *model;
static size_t model_n;
static char vocab[VOCAB][48];

static void term_name(int t, char *out) {
    /* Shared prefixes exercise the dictionary's front coding. */
    if (t < 10)
        snprintf(out, 48, "t%d", t);
    else if (t < 40)
        snprintf(out, 48, "common_prefix_word_%02d", t);
    else
        snprintf(out, 48, "\xce\xb1\xce\xb2%dz", t); /* non-ASCII bytes */
}

static int pick_term(void) {
    /* Skewed: term 0 is in most documents, so it fills several blocks. */
    uint32_t r = rnd_below(100);
    if (r < 25) return 0;
    if (r < 40) return 1 + (int)rnd_below(4);
    return (int)rnd_below(VOCAB);
}

static int compare_with_model(pl_index *ix, const char *label) {
    int bad = 0;
    pl_err err = PL_ERR_INIT;
    uint64_t docs = 0, total = 0;
    for (size_t i = 0; i < model_n; i++)
        if (model[i].live) docs++, total += model[i].n;
    pl_index_stats st;
    pl_index_get_stats(ix, &st);
    if (st.docs != docs || st.total_len != total) {
        fprintf(stderr, "%s: stats %llu/%llu, model %llu/%llu\n", label,
                (unsigned long long)st.docs, (unsigned long long)st.total_len,
                (unsigned long long)docs, (unsigned long long)total);
        bad++;
    }
    for (int t = 0; t < VOCAB && !bad; t++) {
        pl_postings *p;
        if (pl_postings_open(ix, vocab[t], strlen(vocab[t]), 1, &p, &err)) {
            fprintf(stderr, "%s: open %s: %s\n", label, vocab[t], err.msg);
            return 1;
        }
        uint64_t live_df = 0;
        uint32_t term_tf, term_ratio;
        pl_postings_term_bound(p, &term_tf, &term_ratio);
        for (size_t i = 0; i < model_n && !bad; i++) {
            const mdoc *d = &model[i];
            if (!d->live) continue;
            uint32_t tf = 0, pos[MAX_TOKS];
            for (uint32_t k = 0; k < d->n; k++)
                if (d->tok[k] == t) pos[tf++] = k;
            if (!tf) continue;
            live_df++;
            uint32_t n;
            const uint32_t *got;
            /* Positions are decoded lazily: leave some unread, so that the
             * next ones are found by stepping over them. */
            int read_pos = rnd_below(3) != 0;
            if (pl_postings_next(p) != 1 || pl_postings_doc(p) != d->id ||
                pl_postings_tf(p) != tf || pl_postings_doclen(p) != d->n ||
                (read_pos && (!(got = pl_postings_positions(p, &n)) || n != tf ||
                              memcmp(got, pos, tf * sizeof *pos) != 0))) {
                fprintf(stderr, "%s: term %s: doc %lld differs\n", label, vocab[t],
                        (long long)d->id);
                bad++;
            }
            /* The pruning bounds of the block and of the term hold. */
            uint32_t btf, bratio, ratio = d->n / tf ? d->n / tf : 1;
            int64_t last = pl_postings_block(p, &btf, &bratio);
            if (!bad && (last < d->id || tf > btf || ratio < bratio || tf > term_tf ||
                         ratio < term_ratio)) {
                fprintf(stderr, "%s: term %s: doc %lld breaks its bounds\n", label,
                        vocab[t], (long long)d->id);
                bad++;
            }
        }
        if (!bad && pl_postings_next(p) != 0) {
            fprintf(stderr, "%s: term %s: extra postings\n", label, vocab[t]);
            bad++;
        }
        pl_postings_close(p);
        uint64_t df = pl_index_df(ix, vocab[t], strlen(vocab[t]));
        if (df < live_df) {
            fprintf(stderr, "%s: df of %s is %llu < %llu\n", label, vocab[t],
                    (unsigned long long)df, (unsigned long long)live_df);
            bad++;
        }
    }
    /* A term's bitmap holds exactly its live documents (asked twice: the
     * second answer comes from the view's cache). */
    for (int t = 0; t < 3 && !bad; t++)
        for (int twice = 0; twice < 2 && !bad; twice++) {
            const uint64_t *bits;
            int64_t n_ids;
            if (pl_index_term_bits(ix, vocab[t], strlen(vocab[t]), &bits, &n_ids, &err) ||
                !bits)
                return 1;
            for (size_t i = 0; i < model_n && !bad; i++) {
                const mdoc *d = &model[i];
                int want = d->live && memchr(d->tok, t, d->n) != NULL;
                int got = d->id < n_ids && (bits[d->id / 64] >> (d->id % 64) & 1);
                if (want != got) {
                    fprintf(stderr, "%s: bitmap of %s: doc %lld is %d, want %d\n", label,
                            vocab[t], (long long)d->id, got, want);
                    bad++;
                }
            }
        }
    /* Random seeks on a few terms. */
    for (int round = 0; round < 5 && !bad && model_n; round++) {
        int t = pick_term();
        pl_postings *p;
        if (pl_postings_open(ix, vocab[t], strlen(vocab[t]), round & 1, &p, &err)) return 1;
        int64_t target = 0;
        size_t i = 0;
        for (;;) {
            target += 1 + rnd_below(round < 2 ? 5 : 300);
            while (i < model_n && (model[i].id < target || !model[i].live ||
                                   !memchr(model[i].tok, t, model[i].n)))
                i++;
            int rc = pl_postings_seek(p, target);
            if (i == model_n) {
                if (rc != 0)
                    bad++, fprintf(stderr, "%s: seek past the end gave %d\n", label, rc);
                break;
            }
            if (rc != 1 || pl_postings_doc(p) != model[i].id) {
                fprintf(stderr, "%s: seek %s to %lld: got %d/%lld, want %lld\n", label,
                        vocab[t], (long long)target, rc, (long long)pl_postings_doc(p),
                        (long long)model[i].id);
                bad++;
                break;
            }
            target = model[i].id; /* sometimes seek to where we are */
            if (rnd_below(2)) target--;
        }
        pl_postings_close(p);
    }
    return bad;
}

static void test_random_model(void) {
    char dir[512];
    make_dir(dir, "random");
    for (int t = 0; t < VOCAB; t++)
        term_name(t, vocab[t]);
    model = calloc(MAX_DOCS, sizeof *model);
    unsigned char *saved_live = malloc(MAX_DOCS);
    model_n = 0;
    pl_err err = PL_ERR_INIT;
    pl_index *ix, *reader;
    CHECK_INT(pl_index_open(dir, 0, &ix, &err), PL_OK);
    CHECK_INT(pl_index_open(dir, PL_INDEX_READONLY, &reader, &err), PL_OK);
    int64_t next_id = 1;
    int merges_seen = 0;
    uint64_t max_segments = 0;
    for (int commit = 1; commit <= 80; commit++) {
        pl_index_writer *w;
        if (pl_index_begin(ix, &w, &err) != PL_OK) {
            CHECK(!"begin failed");
            break;
        }
        size_t saved_n = model_n;
        for (size_t i = 0; i < model_n; i++)
            saved_live[i] = (unsigned char)model[i].live;
        uint32_t adds = commit % 17 == 0 ? 400 : rnd_below(40);
        uint32_t dels = rnd_below(8);
        for (uint32_t a = 0; a < adds + dels && model_n < MAX_DOCS; a++) {
            if (a < adds) {
                mdoc *d = &model[model_n++];
                next_id += 1 + rnd_below(3);
                d->id = next_id;
                d->live = 1;
                d->n = rnd_below(MAX_TOKS);
                pl_index_token toks[MAX_TOKS];
                for (uint32_t k = 0; k < d->n; k++) {
                    d->tok[k] = (uint8_t)pick_term();
                    toks[k].term = vocab[d->tok[k]];
                    toks[k].len = (uint32_t)strlen(vocab[d->tok[k]]);
                    toks[k].pos = k;
                }
                /* Hand the tokens over out of order: the writer sorts them. */
                if (d->n > 2) {
                    pl_index_token tmp = toks[0];
                    toks[0] = toks[d->n - 1];
                    toks[d->n - 1] = tmp;
                }
                if (pl_index_add(w, d->id, toks, d->n, &err)) {
                    CHECK(!"add failed");
                    fprintf(stderr, "%s\n", err.msg);
                }
            } else if (model_n) {
                /* Delete a random doc: old, recent, or already deleted. */
                mdoc *d =
                    &model[rnd_below(2)
                               ? rnd_below((uint32_t)model_n)
                               : model_n - 1 -
                                     rnd_below(model_n < 10 ? (uint32_t)model_n : 10)];
                d->live = 0;
                CHECK_INT(pl_index_delete(w, d->id, &err), PL_OK);
                CHECK_INT(pl_index_delete(w, d->id + 100000, &err), PL_OK);
            }
        }
        if (commit % 13 == 0) {
            /* Sometimes abort instead: the model forgets this batch. */
            pl_index_abort(w);
            model_n = saved_n;
            for (size_t i = 0; i < model_n; i++)
                model[i].live = saved_live[i];
            CHECK_INT(pl_index_verify(ix, &err), PL_OK);
            continue;
        }
        CHECK_INT(pl_index_commit(w, (uint64_t)commit * 10, &err), PL_OK);
        pl_index_stats st;
        pl_index_get_stats(ix, &st);
        if (st.segments > max_segments) max_segments = st.segments;
        if (st.segments < (uint64_t)commit && commit > 9) merges_seen = 1;
        CHECK(st.segments <= 8);
        CHECK_INT(pl_index_seq(ix), (uint64_t)commit * 10);
        char label[64];
        snprintf(label, sizeof label, "commit %d", commit);
        CHECK_INT(compare_with_model(ix, label), 0);
        /* Every commit (adds, deletes, the merges it triggers) verifies. */
        CHECK_INT(pl_index_verify(ix, &err), PL_OK);
        if (commit % 5 == 0) {
            CHECK_INT(pl_index_refresh(reader, &err), PL_OK);
            CHECK_INT(pl_index_seq(reader), (uint64_t)commit * 10);
            CHECK_INT(compare_with_model(reader, "reader"), 0);
        }
        if (commit % 11 == 0) {
            /* Optimized: one segment (none when nothing lives), the same
             * documents. */
            CHECK_INT(pl_index_optimize(ix, NULL, NULL, &err), PL_OK);
            pl_index_get_stats(ix, &st);
            CHECK_INT(st.segments, st.docs ? 1 : 0);
            CHECK_INT(compare_with_model(ix, "optimized"), 0);
            CHECK_INT(pl_index_verify(ix, &err), PL_OK);
        }
        if (commit % 9 == 0) {
            pl_index_close(ix);
            CHECK_INT(pl_index_open(dir, 0, &ix, &err), PL_OK);
            CHECK_INT(compare_with_model(ix, "reopened"), 0);
        }
    }
    CHECK(merges_seen);
    CHECK(max_segments <= 8);
    CHECK_INT(pl_index_verify(ix, &err), PL_OK);
    if (err.status) fprintf(stderr, "%s\n", err.msg);
    pl_index_close(reader);
    pl_index_close(ix);
    free(model);
    free(saved_live);
}

static void test_abort_and_orphans(void) {
    char dir[512], before[1024], after[1024], path[1024];
    pl_err err = PL_ERR_INIT;
    pl_index *ix;
    pl_index_writer *w;
    open_writing("abort", dir, &ix, &w);
    add_text(w, 1, "kept");
    CHECK_INT(pl_index_commit(w, 1, &err), PL_OK);
    list_dir(dir, before, sizeof before);
    pl_index_stats st0, st;
    pl_index_get_stats(ix, &st0);

    CHECK_INT(pl_index_begin(ix, &w, &err), PL_OK);
    add_text(w, 2, "dropped");
    pl_index_delete(w, 1, &err);
    pl_index_abort(w);
    list_dir(dir, after, sizeof after);
    CHECK_STR(after, before);
    pl_index_get_stats(ix, &st);
    CHECK_INT(st.docs, st0.docs);
    CHECK_INT(pl_index_seq(ix), 1);
    CHECK_INT(pl_index_df(ix, "dropped", 7), 0);

    /* A writer left open at close is aborted. */
    CHECK_INT(pl_index_begin(ix, &w, &err), PL_OK);
    add_text(w, 3, "also dropped");
    pl_index_close(ix);

    /* Files no manifest names are removed on open, unless read-only. */
    snprintf(path, sizeof path, "%s/0000000042.seg", dir);
    FILE *f = fopen(path, "w");
    fputs("junk", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/MANIFEST.tmp", dir);
    f = fopen(path, "w");
    fclose(f);
    CHECK_INT(pl_index_open(dir, PL_INDEX_READONLY, &ix, &err), PL_OK);
    pl_index_close(ix);
    CHECK(file_size(path) == 0);
    CHECK_INT(pl_index_open(dir, 0, &ix, &err), PL_OK);
    list_dir(dir, after, sizeof after);
    CHECK_STR(after, before);
    char s[256];
    postings_str(ix, "kept", s, sizeof s);
    CHECK_STR(s, "1:1");
    pl_index_close(ix);

    /* Read-only on a missing folder does not create it. */
    make_dir(path, "missing");
    err = (pl_err)PL_ERR_INIT;
    CHECK_INT(pl_index_open(path, PL_INDEX_READONLY, &ix, &err), PL_ERR_NOTFOUND);
    CHECK(file_size(path) < 0);
}

/* A write that flushes its documents on the way: the commit publishes every
 * flushed segment with the rest; an abort leaves no file behind. */
static void test_flush(void) {
    char dir[512], before[1024], after[1024];
    pl_err err = PL_ERR_INIT;
    pl_index *ix;
    pl_index_writer *w;
    open_writing("flush", dir, &ix, &w);
    CHECK_INT(pl_index_flush(w, &err), PL_OK); /* nothing to flush */
    CHECK_INT(add_text(w, 1, "a b"), PL_OK);
    CHECK_INT(add_text(w, 2, "b c"), PL_OK);
    CHECK_INT(pl_index_flush(w, &err), PL_OK);
    CHECK_INT(add_text(w, 3, "c d"), PL_OK);
    CHECK_INT(pl_index_flush(w, &err), PL_OK);
    CHECK_INT(add_text(w, 4, "d a"), PL_OK);
    CHECK_INT(add_text(w, 5, "e"), PL_OK);
    CHECK_INT(add_text(w, 1, "late"), PL_ERR_USAGE);      /* ids still ascend */
    CHECK_INT(pl_index_delete(w, 2, &err), PL_ERR_USAGE); /* flushed */
    CHECK_INT(pl_index_delete(w, 5, &err), PL_OK);        /* in memory */
    CHECK_INT(pl_index_df(ix, "a", 1), 0); /* nothing visible before the commit */
    CHECK_INT(pl_index_commit(w, 7, &err), PL_OK);
    for (int round = 0; round < 2; round++) {
        CHECK_INT(pl_index_seq(ix), 7);
        CHECK_POSTINGS(ix, "a", "1:1 4:1");
        CHECK_POSTINGS(ix, "b", "1:1 2:1");
        CHECK_POSTINGS(ix, "c", "2:1 3:1");
        CHECK_POSTINGS(ix, "e", "");
        pl_index_stats st;
        pl_index_get_stats(ix, &st);
        CHECK_INT(st.docs, 4);
        pl_index_close(ix);
        CHECK_INT(pl_index_open(dir, 0, &ix, &err), PL_OK);
    }

    list_dir(dir, before, sizeof before);
    CHECK_INT(pl_index_begin(ix, &w, &err), PL_OK);
    CHECK_INT(add_text(w, 10, "zz"), PL_OK);
    CHECK_INT(pl_index_flush(w, &err), PL_OK);
    list_dir(dir, after, sizeof after);
    CHECK(strcmp(after, before) != 0); /* the flushed segment's file */
    CHECK_INT(add_text(w, 11, "zz"), PL_OK);
    pl_index_abort(w);
    list_dir(dir, after, sizeof after);
    CHECK_STR(after, before);
    CHECK_INT(pl_index_df(ix, "zz", 2), 0);
    CHECK_INT(pl_index_seq(ix), 7);
    pl_index_close(ix);
    remove_tree(dir);
}

static int stop_at_once(void *ctx, uint64_t done, uint64_t total) {
    (void)ctx, (void)done, (void)total;
    return 1;
}

static int stop_when_done(void *ctx, uint64_t done, uint64_t total) {
    (void)ctx;
    return done > 0 && done == total;
}

static int stop_mid_merge(void *ctx, uint64_t done, uint64_t total) {
    on_progress(ctx, done, total);
    return done > 0 && done < total;
}

/* An optimize told to stop during its merge: nothing published, no file
 * left; let go on, it reports progress during the merge too. */
static void test_optimize_progress(void) {
    char dir[512], before[1024], after[1024];
    pl_err err = PL_ERR_INIT;
    pl_index *ix;
    pl_index_writer *w;
    open_writing("optimize-progress", dir, &ix, &w);
    int64_t id = 1;
    for (int commit = 0; commit < 3; commit++) {
        if (commit) CHECK_INT(pl_index_begin(ix, &w, &err), PL_OK);
        for (int d = 0; d < 300; d++, id++) {
            char text[512];
            int at = 0;
            for (int k = 0; k < 10; k++) /* 3,000 distinct terms a commit */
                at += snprintf(text + at, sizeof text - (size_t)at, "t%lld ",
                               (long long)(id * 10 + k));
            CHECK_INT(add_text(w, id, text), PL_OK);
        }
        CHECK_INT(pl_index_commit(w, (uint64_t)commit + 1, &err), PL_OK);
    }
    pl_index_stats st;
    list_dir(dir, before, sizeof before);
    progress_seen seen = {0};
    CHECK_INT(pl_index_optimize(ix, stop_mid_merge, &seen, &err), PL_ERR_USAGE);
    CHECK(strstr(err.msg, "optimize cancelled") != NULL);
    pl_err_clear(&err);
    CHECK(seen.calls >= 2 && seen.done > 0 && seen.done < seen.total);
    list_dir(dir, after, sizeof after);
    CHECK_STR(after, before);
    pl_index_get_stats(ix, &st);
    CHECK_INT(st.segments, 3);
    CHECK_INT(pl_index_verify(ix, &err), PL_OK);
    memset(&seen, 0, sizeof seen);
    CHECK_INT(pl_index_optimize(ix, on_progress, &seen, &err), PL_OK);
    CHECK(seen.calls >= 3); /* before, during, after */
    CHECK_INT(seen.done, seen.total);
    pl_index_get_stats(ix, &st);
    CHECK_INT(st.segments, 1);
    CHECK_INT(st.docs, 900);
    CHECK_POSTINGS(ix, "t8995", "899:1");
    CHECK_INT(pl_index_verify(ix, &err), PL_OK);
    pl_index_close(ix);
    remove_tree(dir);
}

/* pl_index_optimize: the segments become one, deleted documents leave the
 * statistics, the postings stay; once optimized, it changes nothing. */
static void test_optimize(void) {
    char dir[512], before[1024], after[1024];
    pl_err err = PL_ERR_INIT;
    pl_index *ix, *other;
    pl_index_writer *w;
    open_writing("optimize", dir, &ix, &w);
    CHECK_INT(add_text(w, 1, "a b"), PL_OK);
    CHECK_INT(add_text(w, 2, "b c"), PL_OK);
    CHECK_INT(pl_index_commit(w, 1, &err), PL_OK);
    for (int64_t id = 3; id <= 6; id++) {
        CHECK_INT(pl_index_begin(ix, &w, &err), PL_OK);
        CHECK_INT(add_text(w, id, id % 2 ? "a c" : "b d d"), PL_OK);
        if (id == 5) CHECK_INT(pl_index_delete(w, 2, &err), PL_OK);
        CHECK_INT(pl_index_commit(w, (uint64_t)id, &err), PL_OK);
    }
    pl_index_stats st;
    pl_index_get_stats(ix, &st);
    CHECK_INT(st.segments, 5);
    CHECK_INT(pl_index_df(ix, "c", 1), 3); /* 2 is deleted but still counted */

    /* Another handle holds the lock: busy, and nothing changes. */
    CHECK_INT(pl_index_open(dir, 0, &other, &err), PL_OK);
    CHECK_INT(pl_index_begin(other, &w, &err), PL_OK);
    CHECK_INT(pl_index_optimize(ix, NULL, NULL, &err), PL_ERR_BUSY);
    pl_index_abort(w);
    /* Stopped at once: nothing merged. Asked to stop once all is merged:
     * done, not cancelled. */
    CHECK_INT(pl_index_optimize(other, stop_at_once, NULL, &err), PL_ERR_USAGE);
    pl_index_get_stats(other, &st);
    CHECK_INT(st.segments, 5);
    CHECK_INT(pl_index_optimize(other, stop_when_done, NULL, &err), PL_OK);
    pl_index_get_stats(other, &st);
    CHECK_INT(st.segments, 1);
    pl_index_close(other);

    CHECK_INT(pl_index_refresh(ix, &err), PL_OK);
    pl_index_get_stats(ix, &st);
    CHECK_INT(st.segments, 1);
    CHECK_INT(st.docs, 5);
    CHECK_INT(st.total_len, 12);
    CHECK_POSTINGS(ix, "a", "1:1 3:1 5:1");
    CHECK_POSTINGS(ix, "b", "1:1 4:1 6:1");
    CHECK_POSTINGS(ix, "d", "4:2 6:2");
    CHECK_INT(pl_index_df(ix, "c", 1), 2); /* the deleted document is gone */
    CHECK_INT(pl_index_seq(ix), 6);
    CHECK_INT(pl_index_verify(ix, &err), PL_OK);

    /* Optimized already: no merge, no file written. */
    progress_seen seen = {0};
    list_dir(dir, before, sizeof before);
    CHECK_INT(pl_index_optimize(ix, on_progress, &seen, &err), PL_OK);
    list_dir(dir, after, sizeof after);
    CHECK_STR(after, before);
    CHECK_INT(seen.calls, 0);

    /* A lone segment with a deleted document is rewritten without it (a
     * segment whose every document is deleted, 7's, the commit drops). */
    CHECK_INT(pl_index_begin(ix, &w, &err), PL_OK);
    CHECK_INT(pl_index_delete(w, 1, &err), PL_OK);
    CHECK_INT(pl_index_commit(w, 7, &err), PL_OK);
    CHECK_INT(pl_index_begin(ix, &w, &err), PL_OK);
    CHECK_INT(add_text(w, 7, "e"), PL_OK);
    CHECK_INT(pl_index_commit(w, 8, &err), PL_OK);
    CHECK_INT(pl_index_begin(ix, &w, &err), PL_OK);
    CHECK_INT(pl_index_delete(w, 7, &err), PL_OK);
    CHECK_INT(pl_index_commit(w, 9, &err), PL_OK);
    CHECK_INT(pl_index_optimize(ix, on_progress, &seen, &err), PL_OK);
    CHECK(seen.calls >= 1);
    CHECK_INT(seen.done, seen.total);
    pl_index_get_stats(ix, &st);
    CHECK_INT(st.segments, 1);
    CHECK_INT(st.docs, 4);
    CHECK_INT(pl_index_df(ix, "a", 1), 2);
    CHECK_INT(pl_index_df(ix, "e", 1), 0);
    CHECK_POSTINGS(ix, "a", "3:1 5:1");
    CHECK_INT(pl_index_seq(ix), 9);
    CHECK_INT(pl_index_verify(ix, &err), PL_OK);
    pl_index_close(ix);
    CHECK_INT(pl_index_open(dir, 0, &ix, &err), PL_OK);
    CHECK_POSTINGS(ix, "b", "4:1 6:1");
    pl_index_close(ix);
    remove_tree(dir);
}

static void test_seq_only_commit(void) {
    char dir[512];
    pl_err err = PL_ERR_INIT;
    pl_index *ix;
    pl_index_writer *w;
    open_writing("seq", dir, &ix, &w);
    CHECK_INT(pl_index_commit(w, 123456789012ull, &err), PL_OK);
    pl_index_close(ix);
    CHECK_INT(pl_index_open(dir, 0, &ix, &err), PL_OK);
    CHECK_INT(pl_index_seq(ix), 123456789012ull);
    pl_index_stats st;
    pl_index_get_stats(ix, &st);
    CHECK_INT(st.docs, 0);
    CHECK_INT(st.segments, 0);
    pl_index_close(ix);
}

static void build_small(const char *dir) {
    pl_err err = PL_ERR_INIT;
    pl_index *ix;
    pl_index_writer *w;
    if (pl_index_open(dir, 0, &ix, &err)) return;
    if (pl_index_begin(ix, &w, &err) == PL_OK) {
        for (int i = 1; i <= 300; i++)
            add_text(w, i, i % 2 ? "alpha beta alpha gamma" : "alpha delta epsilon");
        pl_index_delete(w, 5, &err);
        pl_index_commit(w, 9, &err);
    }
    if (pl_index_begin(ix, &w, &err) == PL_OK) {
        pl_index_delete(w, 8, &err);
        pl_index_commit(w, 10, &err);
    }
    pl_index_close(ix);
}

/* Reads everything a search could read; returns a status or 0. */
static int read_everything(pl_index *ix) {
    static const char *terms[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta"};
    pl_err err = PL_ERR_INIT;
    for (int t = 0; t < 6; t++) {
        pl_index_df(ix, terms[t], strlen(terms[t]));
        for (int mode = 0; mode < 3; mode++) {
            pl_postings *p;
            int rc = pl_postings_open(ix, terms[t], strlen(terms[t]), mode != 1, &p, &err);
            if (rc) return rc;
            int64_t target = 0;
            while ((rc = mode == 2 ? pl_postings_seek(p, target) : pl_postings_next(p)) ==
                   1) {
                if (pl_postings_doc(p) > INT64_MAX - 100) break;
                target = pl_postings_doc(p) + 37;
                uint32_t n;
                pl_postings_positions(p, &n);
                (void)pl_postings_doclen(p);
                (void)pl_postings_tf(p); /* a packed block's tfs, read late */
            }
            if (rc >= 0 && pl_postings_status(p)) rc = pl_postings_status(p);
            pl_postings_close(p);
            if (rc < 0) return rc;
        }
    }
    return 0;
}

static void test_corruption(void) {
    char dir[512], seg[1024], man[1024];
    make_dir(dir, "corrupt");
    build_small(dir);
    CHECK(find_file(dir, ".seg", seg));
    snprintf(man, sizeof man, "%s/MANIFEST", dir);
    pl_err err = PL_ERR_INIT;
    pl_index *ix;

    /* A flipped body byte: opening stays cheap and succeeds, verify finds it. */
    long size = file_size(seg);
    flip_byte(seg, size - 3);
    CHECK_INT(pl_index_open(dir, 0, &ix, &err), PL_OK);
    CHECK_INT(pl_index_verify(ix, &err), PL_ERR_CORRUPT);
    CHECK(strstr(err.msg, ".seg") != NULL);
    pl_index_close(ix);
    flip_byte(seg, size - 3);

    /* A flipped header byte: open fails. */
    err = (pl_err)PL_ERR_INIT;
    flip_byte(seg, 20);
    CHECK_INT(pl_index_open(dir, 0, &ix, &err), PL_ERR_CORRUPT);
    CHECK(strstr(err.msg, "header") != NULL);
    flip_byte(seg, 20);

    /* Every single-byte corruption anywhere in the segment: never a crash,
     * always PL_OK or PL_ERR_CORRUPT, and verify always notices. */
    int silent = 0;
    for (long at = 0; at < size; at++) {
        flip_byte(seg, at);
        err = (pl_err)PL_ERR_INIT;
        int rc = pl_index_open(dir, PL_INDEX_READONLY, &ix, &err);
        if (rc == PL_OK) {
            int r = read_everything(ix);
            CHECK(r == 0 || r == PL_ERR_CORRUPT);
            if (pl_index_verify(ix, &err) != PL_ERR_CORRUPT) silent++;
            pl_index_close(ix);
        } else {
            CHECK_INT(rc, PL_ERR_CORRUPT);
        }
        flip_byte(seg, at);
    }
    CHECK_INT(silent, 0);

    /* Truncated files. */
    err = (pl_err)PL_ERR_INIT;
    CHECK_INT(truncate(seg, size - 1), 0);
    CHECK_INT(pl_index_open(dir, 0, &ix, &err), PL_ERR_CORRUPT);
    CHECK(strstr(err.msg, ".seg") != NULL);
    long msize = file_size(man);
    CHECK_INT(truncate(man, msize - 5), 0);
    err = (pl_err)PL_ERR_INIT;
    CHECK_INT(pl_index_open(dir, 0, &ix, &err), PL_ERR_CORRUPT);
    CHECK(strstr(err.msg, "MANIFEST") != NULL);
    CHECK_INT(truncate(man, 0), 0);
    err = (pl_err)PL_ERR_INIT;
    CHECK_INT(pl_index_open(dir, PL_INDEX_READONLY, &ix, &err), PL_ERR_CORRUPT);

    /* A corrupt delete file. */
    remove_tree(dir);
    build_small(dir);
    char del[1024];
    CHECK(find_file(dir, ".del", del));
    flip_byte(del, 45);
    err = (pl_err)PL_ERR_INIT;
    CHECK_INT(pl_index_open(dir, 0, &ix, &err), PL_ERR_CORRUPT);
    CHECK(strstr(err.msg, ".del") != NULL);
    flip_byte(del, 45);
    unlink(del);
    err = (pl_err)PL_ERR_INIT;
    CHECK_INT(pl_index_open(dir, 0, &ix, &err), PL_ERR_CORRUPT);
    CHECK(strstr(err.msg, "missing") != NULL);
}

static void test_two_handles(void) {
    char dir[512], s[256];
    make_dir(dir, "handles");
    pl_err err = PL_ERR_INIT;
    pl_index *a, *b;
    pl_index_writer *wa, *wb;
    CHECK_INT(pl_index_open(dir, 0, &a, &err), PL_OK);
    CHECK_INT(pl_index_open(dir, 0, &b, &err), PL_OK);
    CHECK_INT(pl_index_begin(a, &wa, &err), PL_OK);
    err = (pl_err)PL_ERR_INIT;
    CHECK_INT(pl_index_begin(b, &wb, &err), PL_ERR_BUSY);
    CHECK(strstr(err.msg, "LOCK") != NULL);
    err = (pl_err)PL_ERR_INIT;
    CHECK_INT(pl_index_begin(a, &wb, &err), PL_ERR_USAGE); /* one per handle */
    add_text(wa, 1, "hello world");
    CHECK_INT(pl_index_commit(wa, 5, &err), PL_OK);

    /* b has not looked yet; refresh brings the commit in. */
    postings_str(b, "hello", s, sizeof s);
    CHECK_STR(s, "");
    CHECK_INT(pl_index_seq(b), 0);
    CHECK_INT(pl_index_refresh(b, &err), PL_OK);
    CHECK_INT(pl_index_seq(b), 5);
    postings_str(b, "hello", s, sizeof s);
    CHECK_STR(s, "1:1");

    /* An iterator keeps its snapshot while the other handle commits and
     * merges segments away, and this handle refreshes. */
    pl_postings *p;
    CHECK_INT(pl_postings_open(b, "hello", 5, 1, &p, &err), PL_OK);
    for (int c = 0; c < 12; c++) {
        CHECK_INT(pl_index_begin(a, &wa, &err), PL_OK);
        add_text(wa, 10 + c, "hello again");
        if (c == 3) pl_index_delete(wa, 1, &err);
        CHECK_INT(pl_index_commit(wa, 6 + (uint64_t)c, &err), PL_OK);
    }
    CHECK_INT(pl_index_refresh(b, &err), PL_OK);
    CHECK_INT(pl_postings_next(p), 1);
    CHECK_INT(pl_postings_doc(p), 1);
    CHECK_INT(pl_postings_next(p), 0);
    pl_postings_close(p);
    postings_str(b, "hello", s, sizeof s);
    CHECK_STR(s, "10:1 11:1 12:1 13:1 14:1 15:1 16:1 17:1 18:1 19:1 20:1 21:1");
    pl_index_stats st;
    pl_index_get_stats(b, &st);
    CHECK(st.segments <= 8);
    CHECK_INT(st.docs, 12);

    /* Once a's writer is done, b may write. */
    CHECK_INT(pl_index_begin(b, &wb, &err), PL_OK);
    CHECK_INT(add_text(wb, 5, "too small"), PL_ERR_USAGE);
    pl_index_abort(wb);
    CHECK_INT(pl_index_verify(b, &err), PL_OK);
    pl_index_close(a);
    pl_index_close(b);
}

static void test_destroy(void) {
    char dir[512], s[256], files[1024];
    make_dir(dir, "destroy");
    pl_err err = PL_ERR_INIT;
    pl_index *ix, *reader;
    pl_index_writer *w;
    CHECK_INT(pl_index_destroy(dir, &err), PL_OK); /* missing folder: fine */
    CHECK_INT(pl_index_open(dir, 0, &ix, &err), PL_OK);
    for (int c = 0; c < 3; c++) {
        CHECK_INT(pl_index_begin(ix, &w, &err), PL_OK);
        add_text(w, 100 + c, "old words");
        if (c == 2) pl_index_delete(w, 100, &err);
        CHECK_INT(pl_index_commit(w, 50 + (uint64_t)c, &err), PL_OK);
    }
    CHECK_INT(pl_index_open(dir, PL_INDEX_READONLY, &reader, &err), PL_OK);

    /* Busy while a writer works. */
    CHECK_INT(pl_index_begin(ix, &w, &err), PL_OK);
    err = (pl_err)PL_ERR_INIT;
    CHECK_INT(pl_index_destroy(dir, &err), PL_ERR_BUSY);
    pl_index_abort(w);
    pl_index_close(ix);

    err = (pl_err)PL_ERR_INIT;
    CHECK_INT(pl_index_destroy(dir, &err), PL_OK);
    list_dir(dir, files, sizeof files);
    CHECK_STR(files, "LOCK MANIFEST ");
    CHECK_INT(pl_index_open(dir, 0, &ix, &err), PL_OK);
    CHECK_INT(pl_index_seq(ix), 0);
    pl_index_stats st;
    pl_index_get_stats(ix, &st);
    CHECK_INT(st.docs, 0);
    CHECK_INT(st.segments, 0);
    /* Rebuilt with smaller ids than before. */
    CHECK_INT(pl_index_begin(ix, &w, &err), PL_OK);
    CHECK_INT(add_text(w, 1, "new words"), PL_OK);
    CHECK_INT(pl_index_commit(w, 1, &err), PL_OK);
    postings_str(ix, "words", s, sizeof s);
    CHECK_STR(s, "1:1");
    CHECK_INT(pl_index_refresh(reader, &err), PL_OK);
    postings_str(reader, "words", s, sizeof s);
    CHECK_STR(s, "1:1");
    postings_str(reader, "old", s, sizeof s);
    CHECK_STR(s, "");
    pl_index_close(ix);

    /* Even a folder wiped by hand and rebuilt under the same file names is
     * noticed by a handle that still maps the old files. */
    remove_tree(dir);
    CHECK_INT(pl_index_open(dir, 0, &ix, &err), PL_OK);
    CHECK_INT(pl_index_begin(ix, &w, &err), PL_OK);
    CHECK_INT(add_text(w, 1, "other words"), PL_OK);
    CHECK_INT(pl_index_commit(w, 1, &err), PL_OK);
    CHECK_INT(pl_index_refresh(reader, &err), PL_OK);
    postings_str(reader, "other", s, sizeof s);
    CHECK_STR(s, "1:1");
    pl_index_close(ix);

    /* A corrupt manifest does not stop a destroy. */
    char man[1024];
    snprintf(man, sizeof man, "%s/MANIFEST", dir);
    flip_byte(man, 10);
    err = (pl_err)PL_ERR_INIT;
    CHECK_INT(pl_index_open(dir, 0, &ix, &err), PL_ERR_CORRUPT);
    err = (pl_err)PL_ERR_INIT;
    CHECK_INT(pl_index_destroy(dir, &err), PL_OK);
    CHECK_INT(pl_index_open(dir, 0, &ix, &err), PL_OK);
    CHECK_INT(pl_index_verify(ix, &err), PL_OK);
    CHECK_INT(pl_index_begin(ix, &w, &err), PL_OK);
    CHECK_INT(add_text(w, 1, "again"), PL_OK);
    CHECK_INT(pl_index_commit(w, 1, &err), PL_OK);
    list_dir(dir, files, sizeof files);
    CHECK_STR(files, "0000000001.seg LOCK MANIFEST "); /* ids keep moving forward */
    pl_index_close(ix);
    pl_index_close(reader);
}

int main(void) {
    snprintf(root, sizeof root, "%s/plotline-index-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        return 1;
    }
    test_basic();
    test_deletes();
    test_seek();
    test_seq_only_commit();
    test_abort_and_orphans();
    test_flush();
    test_optimize();
    test_optimize_progress();
    test_two_handles();
    test_corruption();
    test_destroy();
    test_random_model();
    remove_tree(root);
    return CHECK_DONE();
}
