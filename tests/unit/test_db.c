/*
 * test_db.c - the public API over a real database file: batches are all or
 * nothing, texts are stored once, episodes are found by their labels, and
 * the index follows every write, also across a reopen.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "check.h"
#include "plotline.h"

static char dir[] = "/tmp/plotline-test-db-XXXXXX";
static char path[256];

static uint64_t n_synopses(pl_db *db) {
    pl_stats *st;
    if (pl_get_stats(db, &st)) return UINT64_MAX;
    uint64_t n = st->synopses;
    CHECK_INT(st->index_docs, n); /* the index always agrees */
    pl_stats_free(st);
    return n;
}

/* Matches of q in its own languages (no translations). */
static uint64_t hits(pl_db *db, const char *q) {
    pl_results *r;
    pl_search_opts o = {.no_translation = 1};
    if (pl_search(db, q, &o, &r)) return UINT64_MAX;
    uint64_t n = r->total;
    pl_results_free(r);
    return n;
}

static void test_batches(pl_db *db) {
    pl_batch *b;
    CHECK_INT(pl_batch_begin(db, &b), PL_OK);
    pl_record r1 = {.text = "Carrie kauft teure Schuhe.",
                    .text_len = 26,
                    .lang = "de",
                    .series = "SATC",
                    .season = 1,
                    .episode = 5,
                    .title = "Die Kreditkarte"};
    pl_record r2 = {.text = "Carrie buys expensive shoes.",
                    .text_len = 28,
                    .series = "SATC",
                    .season = 1,
                    .episode = 5};
    int64_t id1, id2, id3;
    int fresh;
    CHECK_INT(pl_batch_add(b, &r1, &id1, &fresh), PL_OK);
    CHECK_INT(fresh, 1);
    CHECK_INT(pl_batch_add(b, &r2, &id2, &fresh), PL_OK);
    CHECK_INT(pl_batch_add(b, &r1, &id3, &fresh), PL_OK); /* the same text again */
    CHECK_INT(fresh, 0);
    CHECK_INT(id3, id1);
    /* Only one batch at a time. */
    pl_batch *b2;
    CHECK_INT(pl_batch_begin(db, &b2), PL_ERR_USAGE);
    CHECK_INT(pl_batch_commit(b), PL_OK);
    CHECK_INT(n_synopses(db), 2);

    /* Both versions are one episode, found by its labels. */
    pl_synopsis *s;
    CHECK_INT(pl_get_synopsis(db, id2, &s), PL_OK);
    CHECK_STR(s->lang, "en"); /* identified */
    CHECK_INT(s->lang_given, 0);
    pl_episode *e;
    CHECK_INT(pl_get_episode(db, s->episode_id, &e), PL_OK);
    CHECK_INT(e->n_synopses, 2);
    CHECK_STR(e->series, "SATC");
    CHECK_INT(e->number, 5);
    CHECK_STR(e->title, "Die Kreditkarte");
    pl_episode_free(e);
    pl_synopsis_free(s);

    /* An aborted batch leaves nothing. */
    CHECK_INT(pl_batch_begin(db, &b), PL_OK);
    pl_record r3 = {.text = "Miranda hat einen neuen Freund.", .text_len = 31};
    CHECK_INT(pl_batch_add(b, &r3, NULL, NULL), PL_OK);
    pl_batch_abort(b);
    CHECK_INT(n_synopses(db), 2);
    CHECK_INT(hits(db, "Miranda"), 0);

    /* A bad record is refused with its place; the batch is still usable. */
    CHECK_INT(pl_batch_begin(db, &b), PL_OK);
    pl_record bad = {.text = "kaputt \xff", .text_len = 8, .source = "x.txt:3"};
    CHECK_INT(pl_batch_add(b, &bad, NULL, NULL), PL_ERR_INPUT);
    CHECK_STR(pl_db_errmsg(db), "x.txt:3: invalid UTF-8 at byte 8");
    pl_batch_abort(b);
}

static void test_import_all_or_nothing(pl_db *db) {
    const char good_then_bad[] =
        "{\"synopsis\":\"Samantha zieht um.\"}\n{\"synopsis\":1}\n";
    pl_import_opts o = {.format = PL_FORMAT_JSONL};
    pl_import_report rep;
    CHECK_INT(pl_import(db, "in.jsonl", good_then_bad, sizeof good_then_bad - 1, &o, &rep),
              PL_ERR_INPUT);
    CHECK_STR(pl_db_errmsg(db), "in.jsonl:2: \"synopsis\" must be a string");
    CHECK_INT(rep.added, 0);
    CHECK_INT(n_synopses(db), 2);
    CHECK_INT(hits(db, "Samantha"), 0);

    const char lines[] = "Samantha zieht um.\nCharlotte heiratet.\n";
    CHECK_INT(pl_import(db, "in.txt", lines, sizeof lines - 1, NULL, &rep), PL_OK);
    CHECK_INT(rep.added, 2);
    CHECK_INT(rep.records, 2);
    CHECK_INT(n_synopses(db), 4);
    CHECK_INT(hits(db, "Charlotte"), 1);
    pl_synopsis *s;
    CHECK_INT(pl_get_synopsis(db, rep.last_id, &s), PL_OK);
    CHECK_STR(s->source, "in.txt:2");
    pl_synopsis_free(s);
}

/* Texts for the helper's test: runs of one language (which settle a
 * batch's prior), short texts whose language the prior decides, and mixed
 * ones, with a number each so that none repeats. */
static const char *const helper_texts[] = {
    "Carrie schreibt über Beziehungen und trifft Mr. Big auf einer Party.",
    "Miranda findet heraus, dass sie schwanger ist, und sagt es Steve.",
    "Carrie writes about relationships and meets Mr. Big at a party.",
    "Charlotte se casa con Trey en una boda llena de problemas.",
    "Samantha découvre que son nouveau voisin est un ancien amant.",
    "Ja.",
    "Hallo Welt",
    "Miranda e Steve litigano per il bambino e per la casa nuova.",
};

/* Queues n synopses "PREFIX i: <a helper text>" into b (ids not asked). */
static void add_numbered(pl_batch *b, const char *prefix, int n) {
    char text[128];
    for (int i = 0; i < n; i++) {
        int len = snprintf(text, sizeof text, "%s %d: %s", prefix, i, helper_texts[i % 8]);
        pl_record r = {.text = text, .text_len = (size_t)len};
        CHECK_INT(pl_batch_add(b, &r, NULL, NULL), PL_OK);
    }
}

/* The same synopses, ids, languages, confidences and episodes, and the same
 * index, with the helper thread (util/ahead.h) as without it, through
 * pl_import and through pl_batch_add; more records than a queue holds. */
static void import_for_helper(const char *file, int threads) {
    setenv("PLOTLINE_THREADS", threads == 1 ? "1" : "2", 1);
    pl_db *db;
    CHECK_INT(pl_db_open(file, PL_OPEN_CREATE, &db), PL_OK);
    size_t n = 0, cap = 1 << 20;
    char *lines = malloc(cap);
    CHECK(lines != NULL);
    for (int i = 0; i < 2600; i++) {
        /* 300 German ones first, then the languages in turn. */
        const char *t = i < 300 ? helper_texts[i % 2] : helper_texts[i % 8];
        n += (size_t)snprintf(lines + n, cap - n, "%d. %s\n", i, t);
    }
    pl_import_report rep;
    CHECK_INT(pl_import(db, "h.txt", lines, n, NULL, &rep), PL_OK);
    free(lines);
    CHECK_INT(rep.records, 2600);
    CHECK_INT(rep.added, 2600);
    CHECK_INT(rep.first_id, 1);
    CHECK_INT(rep.last_id, 2600);
    /* Queued adds, then one asking its id: stored after the queued ones. */
    pl_batch *b;
    CHECK_INT(pl_batch_begin(db, &b), PL_OK);
    add_numbered(b, "Nachtrag", 40);
    pl_record last = {.text = "Zuletzt: Carrie zieht nach Paris.", .text_len = 33};
    int64_t id;
    int fresh;
    CHECK_INT(pl_batch_add(b, &last, &id, &fresh), PL_OK);
    CHECK_INT(id, 2641);
    CHECK_INT(fresh, 1);
    CHECK_INT(pl_batch_commit(b), PL_OK);
    pl_db_close(db);
    unsetenv("PLOTLINE_THREADS");
}

static void test_helper_thread(void) {
    char one[300], two[300];
    snprintf(one, sizeof one, "%s/one.db", dir);
    snprintf(two, sizeof two, "%s/two.db", dir);
    import_for_helper(one, 1);
    import_for_helper(two, 2);
    pl_db *a, *b;
    CHECK_INT(pl_db_open(one, 0, &a), PL_OK);
    CHECK_INT(pl_db_open(two, 0, &b), PL_OK);
    int same = 1, langs_seen = 0;
    char first_lang[PL_LANG_MAX] = "";
    for (int64_t id = 1; id <= 2641; id++) {
        pl_synopsis *x, *y;
        CHECK_INT(pl_get_synopsis(a, id, &x), PL_OK);
        CHECK_INT(pl_get_synopsis(b, id, &y), PL_OK);
        if (!x || !y) break;
        same &= strcmp(x->lang, y->lang) == 0 && x->lang_confidence == y->lang_confidence &&
                x->episode_id == y->episode_id && strcmp(x->text, y->text) == 0;
        if (!*first_lang) snprintf(first_lang, sizeof first_lang, "%s", x->lang);
        langs_seen |= strcmp(x->lang, first_lang) != 0;
        pl_synopsis_free(x);
        pl_synopsis_free(y);
    }
    CHECK(same);
    CHECK(langs_seen); /* the texts are in several languages */
    CHECK_INT(n_synopses(a), 2641);
    CHECK_INT(n_synopses(b), 2641);
    /* The index too (its catch-up analyzes on the helper as well). */
    const char *words[] = {"schwanger", "Carrie", "boda", "voisin", "bambino", "Welt"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        CHECK(hits(a, words[i]) > 0);
        CHECK_INT(hits(a, words[i]), hits(b, words[i]));
    }
    pl_db_close(a);
    pl_db_close(b);
}

/* The language of a batch's earlier records is the prior of its later ones:
 * "Alle" alone is a close call (German at 0.28 against the model's other
 * readings); after German synopses it is German with confidence, with the
 * helper thread as without it. */
static void test_batch_prior(void) {
    for (int threads = 1; threads <= 2; threads++) {
        setenv("PLOTLINE_THREADS", threads == 1 ? "1" : "2", 1);
        char file[300];
        snprintf(file, sizeof file, "%s/prior%d.db", dir, threads);
        pl_db *db;
        CHECK_INT(pl_db_open(file, PL_OPEN_CREATE, &db), PL_OK);
        CHECK_INT(pl_import(db, "alone.txt", "Alle\n", 5, NULL, NULL), PL_OK);
        char lines[4096];
        size_t n = 0;
        for (int i = 0; i < 12; i++)
            n += (size_t)snprintf(lines + n, sizeof lines - n, "%d. %s\n", i,
                                  helper_texts[i % 2]);
        n += (size_t)snprintf(lines + n, sizeof lines - n, "Alle!\n"); /* not a duplicate */
        pl_import_report rep;
        CHECK_INT(pl_import(db, "after.txt", lines, n, NULL, &rep), PL_OK);
        pl_synopsis *alone, *after;
        CHECK_INT(pl_get_synopsis(db, 1, &alone), PL_OK);
        CHECK_INT(pl_get_synopsis(db, rep.last_id, &after), PL_OK);
        CHECK(alone && after);
        CHECK_STR(after->text, "Alle!");
        CHECK_STR(after->lang, "de");
        CHECK(alone->lang_confidence < 0.5);
        CHECK(after->lang_confidence > 0.6);
        pl_synopsis_free(alone);
        pl_synopsis_free(after);
        pl_db_close(db);
    }
    unsetenv("PLOTLINE_THREADS");
}

/* Two handles on one database, importing in turn (with helper threads):
 * each handle's view of the index falls behind the other's writes, yet each
 * import indexes its own batch (the catch-up starts from the index's seq,
 * not from the handle's old view of it, which once replayed the other's
 * changes and failed on the first id); after pl_db_refresh both handles
 * find every synopsis and the index checks out. */
static void test_two_writers(void) {
    setenv("PLOTLINE_THREADS", "2", 1);
    char file[300];
    snprintf(file, sizeof file, "%s/two_writers.db", dir);
    pl_db *a, *b;
    CHECK_INT(pl_db_open(file, PL_OPEN_CREATE, &a), PL_OK);
    CHECK_INT(pl_db_open(file, 0, &b), PL_OK);
    const char *words[] = {"Zebrastreifen", "Giraffenhals", "Nashornhaut"};
    for (int round = 0; round < 3; round++) {
        pl_db *db = round == 1 ? b : a;
        char lines[1 << 14];
        size_t n = 0;
        for (int i = 0; i < 100; i++)
            n += (size_t)snprintf(lines + n, sizeof lines - n, "%d. %s: %s\n", i,
                                  words[round], helper_texts[i % 8]);
        pl_import_report rep;
        CHECK_INT(pl_import(db, "w.txt", lines, n, NULL, &rep), PL_OK);
        CHECK_INT(rep.added, 100);
        /* The importing handle's index holds everything, its own batch too. */
        CHECK_INT(n_synopses(db), (uint64_t)(100 * (round + 1)));
        CHECK_INT(hits(db, words[round]), 100);
    }
    /* Checking a handle whose view is behind checks the index as published. */
    CHECK_INT(pl_integrity_check(b), PL_OK);
    for (int h = 0; h < 2; h++) {
        pl_db *db = h ? b : a;
        CHECK_INT(pl_db_refresh(db), PL_OK); /* the other handle's writes */
        CHECK_INT(n_synopses(db), 300);
        for (int w = 0; w < 3; w++)
            CHECK_INT(hits(db, words[w]), 100);
        CHECK_INT(pl_integrity_check(db), PL_OK);
    }
    pl_db_close(a);
    pl_db_close(b);
    unsetenv("PLOTLINE_THREADS");
}

/* A German word finds the English synopsis through its translation, and
 * says so; without translation only the German one. */
static void test_translation(pl_db *db) {
    pl_results *r;
    CHECK_INT(pl_search(db, "Schuhe", NULL, &r), PL_OK);
    CHECK_INT(r->total, 2);
    int found = 0;
    for (size_t i = 0; i < r->n_hits; i++) {
        const pl_hit *h = &r->hits[i];
        CHECK(h->n_matches >= 1);
        if (strcmp(h->lang, "en") != 0 || h->n_matches < 1) continue;
        found = 1;
        CHECK_STR(h->matches[0].word, "Schuhe");
        CHECK_STR(h->matches[0].term, "shoe");
        CHECK_STR(h->matches[0].lang, "en");
        CHECK_INT(h->matches[0].translated, 1);
        /* The German synopsis, with the word as written, ranks first. */
        CHECK(i > 0);
    }
    CHECK(found);
    char *json;
    CHECK_INT(pl_results_json(r, &json), PL_OK);
    CHECK(strstr(json, "\"why\":[{\"word\":\"Schuhe\",\"term\":\"shoe\",\"lang\":\"en\","
                       "\"translated\":true}]") != NULL);
    free(json);
    pl_results_free(r);
    CHECK_INT(hits(db, "Schuhe"), 1);
}

static void test_delete_and_reopen(pl_db **dbp) {
    pl_db *db = *dbp;
    pl_results *r;
    pl_search_opts own = {.no_translation = 1};
    CHECK_INT(pl_search(db, "Schuhe", &own, &r), PL_OK);
    CHECK_INT(r->total, 1);
    int64_t id = r->n_hits ? r->hits[0].synopsis_id : 0;
    pl_results_free(r);
    /* Several at once are all deleted or none: an id no synopsis has
     * leaves the others there, named in the error. */
    uint64_t before = n_synopses(db);
    int64_t with_missing[3] = {id, 987654321, id};
    CHECK_INT(pl_delete_many(db, with_missing, 3), PL_ERR_NOTFOUND);
    CHECK(strstr(pl_db_errmsg(db), "987654321") != NULL);
    CHECK_INT(n_synopses(db), before);
    CHECK_INT(hits(db, "Schuhe"), 1);
    CHECK_INT(pl_delete_many(db, NULL, 0), PL_OK);
    CHECK_INT(pl_delete(db, id), PL_OK);
    CHECK_INT(pl_delete(db, id), PL_ERR_NOTFOUND);
    CHECK_INT(hits(db, "Schuhe"), 0);
    CHECK_INT(pl_integrity_check(db), PL_OK);
    pl_db_close(db);
    CHECK_INT(pl_db_open(path, 0, dbp), PL_OK);
    db = *dbp;
    CHECK_INT(n_synopses(db), 3);
    CHECK_INT(hits(db, "Schuhe"), 0);
    CHECK_INT(hits(db, "Charlotte"), 1);
    CHECK_INT(pl_integrity_check(db), PL_OK);
    /* Read-only handles read but never write. */
    pl_db *ro;
    CHECK_INT(pl_db_open(path, PL_OPEN_READONLY, &ro), PL_OK);
    CHECK_INT(hits(ro, "Charlotte"), 1);
    pl_batch *b;
    CHECK_INT(pl_batch_begin(ro, &b), PL_ERR_USAGE);
    pl_db_close(ro);
}

static void test_search_results(pl_db *db) {
    pl_search_opts o = {.limit = 1, .offset = 0};
    pl_results *r;
    CHECK_INT(pl_search(db, "Carrie OR Charlotte", &o, &r), PL_OK);
    CHECK_INT(r->total, 2);
    CHECK_INT(r->n_hits, 1);
    char *json;
    CHECK_INT(pl_results_json(r, &json), PL_OK);
    const char *head =
        "{\"query\":\"Carrie OR Charlotte\",\"total\":2,\"results\":[{\"rank\":1,";
    CHECK(strncmp(json, head, strlen(head)) == 0);
    free(json);
    pl_results_free(r);
    o.offset = 1;
    CHECK_INT(pl_search(db, "Carrie OR Charlotte", &o, &r), PL_OK);
    CHECK_INT(r->n_hits, 1);
    CHECK_INT(r->offset, 1);
    pl_results_free(r);
    /* Without snippets, the same hits with the same fields, and no excerpt
     * and no matches. */
    pl_results *full, *bare;
    o.limit = 10;
    o.offset = 0;
    CHECK_INT(pl_search_ex(db, "Carrie OR Charlotte", &o, 0, &full), PL_OK);
    CHECK_INT(pl_search_ex(db, "Carrie OR Charlotte", &o, PL_SEARCH_NO_SNIPPETS, &bare),
              PL_OK);
    CHECK_INT(bare->n_hits, full->n_hits);
    CHECK_INT(bare->total, full->total);
    for (size_t i = 0; i < bare->n_hits && i < full->n_hits; i++) {
        const pl_hit *a = &bare->hits[i], *b = &full->hits[i];
        CHECK_INT(a->synopsis_id, b->synopsis_id);
        CHECK_INT(a->episode_id, b->episode_id);
        CHECK(a->score == b->score);
        CHECK_STR(a->lang, b->lang);
        CHECK_STR(a->source, b->source);
        CHECK_STR(a->snippet, "");
        CHECK_INT(a->n_matches, 0);
        CHECK(b->snippet[0] != 0);
    }
    pl_results *ids;
    CHECK_INT(pl_search_ex(db, "Carrie OR Charlotte", &o, PL_SEARCH_IDS_ONLY, &ids), PL_OK);
    CHECK_INT(ids->n_hits, full->n_hits);
    CHECK_INT(ids->total, full->total);
    for (size_t i = 0; i < ids->n_hits && i < full->n_hits; i++) {
        const pl_hit *a = &ids->hits[i], *b = &full->hits[i];
        CHECK_INT(a->synopsis_id, b->synopsis_id);
        CHECK(a->score == b->score);
        CHECK_INT(a->episode_id, 0);
        CHECK_STR(a->lang, "");
        CHECK_STR(a->source, "");
        CHECK_STR(a->snippet, "");
    }
    pl_results_free(ids);
    pl_results_free(full);
    pl_results_free(bare);
    CHECK_INT(pl_search(db, "-Carrie", NULL, &r), PL_ERR_USAGE);
    CHECK_INT(pl_search(db, "bad \xff", NULL, &r), PL_ERR_INPUT);
    o.limit = 5000;
    CHECK_INT(pl_search(db, "Carrie", &o, &r), PL_ERR_USAGE);
}

/* With mark: marks every segment of the database's index as written by
 * version 2 of the segment format, header checksum and all, as an older
 * plotline left them, and returns how many it marked; without: returns how
 * many segments are of version 2. */
static int segments_v2(int mark) {
    char idx[300], seg[600];
    snprintf(idx, sizeof idx, "%s.idx", path);
    DIR *d = opendir(idx);
    if (!d) return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 4 || strcmp(de->d_name + len - 4, ".seg") != 0) continue;
        snprintf(seg, sizeof seg, "%s/%s", idx, de->d_name);
        FILE *f = fopen(seg, "r+b");
        unsigned char h[128];
        if (!f || fread(h, 1, sizeof h, f) != sizeof h) {
            if (f) fclose(f);
            continue;
        }
        if (!mark) {
            n += h[4] == 2 && !h[5] && !h[6] && !h[7];
            fclose(f);
            continue;
        }
        h[4] = 2, h[5] = h[6] = h[7] = 0;
        uint64_t sum = XXH3_64bits(h, 120);
        for (int i = 0; i < 8; i++)
            h[120 + i] = (unsigned char)(sum >> (8 * i));
        fseek(f, 0, SEEK_SET);
        n += fwrite(h, 1, sizeof h, f) == sizeof h;
        fclose(f);
    }
    closedir(d);
    return n;
}

/* An index of an older segment format is rebuilt from the catalog when a
 * writable handle opens it, reporting its progress (and cancelled when the
 * callback asks): the same answers after as before. */
static void test_older_segments(void) {
    static const char *const queries[] = {"Charlotte", "Carrie", "shoes", "heiratet"};
    uint64_t before[4], n;
    pl_db *db;
    CHECK_INT(pl_db_open(path, 0, &db), PL_OK);
    /* Enough synopses that the rebuild reports its progress before its end
     * (every 256 changes), so that it can be cancelled. */
    pl_batch *b;
    CHECK_INT(pl_batch_begin(db, &b), PL_OK);
    add_numbered(b, "Folge", 600);
    CHECK_INT(pl_batch_commit(b), PL_OK);
    for (int i = 0; i < 4; i++)
        before[i] = hits(db, queries[i]);
    n = n_synopses(db);
    pl_db_close(db);
    CHECK(before[0] > 0 && before[1] > 0);
    CHECK(segments_v2(1) > 0);
    progress_seen seen = {.cancel = 1};
    CHECK_INT(pl_db_open_progress(path, 0, on_progress, &seen, &db), PL_ERR_USAGE);
    CHECK(strstr(pl_db_errmsg(db), "cancelled") != NULL);
    CHECK(seen.calls == 1 && seen.done > 0 && seen.done < seen.total);
    pl_db_close(db);
    seen = (progress_seen){0};
    CHECK_INT(pl_db_open_progress(path, 0, on_progress, &seen, &db), PL_OK);
    CHECK(seen.calls >= 1 && seen.total > 0 && seen.done == seen.total);
    CHECK_INT(n_synopses(db), n);
    for (int i = 0; i < 4; i++)
        CHECK_INT(hits(db, queries[i]), before[i]);
    CHECK_INT(segments_v2(0), 0);
    CHECK_INT(pl_integrity_check(db), PL_OK);
    pl_db_close(db);
}

/* A phrase marks its words, in the excerpt and among the matches, only
 * where they stand together, as scoring matches it: a synopsis that has
 * "card" and "credit" apart matched the query by "shoes" alone. */
static void test_phrase_marks(void) {
    char p[300];
    snprintf(p, sizeof p, "%s/phrase.db", dir);
    pl_db *db;
    CHECK_INT(pl_db_open(p, PL_OPEN_CREATE, &db), PL_OK);
    static const char lines[] =
        "Carrie pays with her credit card at the shoe shop in Manhattan.\n"
        "Miranda plays a card game with Steve; the credit for the new shoes goes to "
        "Samantha.\n";
    CHECK_INT(pl_import(db, "p.txt", lines, sizeof lines - 1, NULL, NULL), PL_OK);
    pl_search_opts o = {.lang = "en", .no_translation = 1};
    pl_results *r;
    CHECK_INT(pl_search(db, "\"credit card\" shoes", &o, &r), PL_OK);
    CHECK_INT(r->n_hits, 2);
    for (size_t i = 0; i < r->n_hits; i++) {
        const pl_hit *h = &r->hits[i];
        int together = strstr(h->snippet, "Carrie") != NULL;
        CHECK_INT(i, together ? 0 : 1); /* the phrase ranks first */
        CHECK_INT(strstr(h->snippet, "[credit] [card]") != NULL, together);
        CHECK_INT(strstr(h->snippet, "[card]") != NULL, together);
        CHECK_INT(strstr(h->snippet, "[credit]") != NULL, together);
        CHECK_INT(h->n_matches, together ? 3 : 1);
        int terms = 0;
        for (size_t m = 0; m < h->n_matches; m++)
            terms += strcmp(h->matches[m].term, "credit") == 0 ||
                     strcmp(h->matches[m].term, "card") == 0;
        CHECK_INT(terms, together ? 2 : 0);
    }
    pl_results_free(r);
    pl_db_close(db);
}

int main(void) {
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/t.db", dir);
    pl_db *db;
    CHECK_INT(pl_db_open(path, 0, &db), PL_ERR_NOTFOUND); /* no CREATE flag */
    pl_db_close(db);
    CHECK_INT(pl_db_open(path, PL_OPEN_CREATE, &db), PL_OK);
    test_batches(db);
    test_import_all_or_nothing(db);
    test_translation(db);
    test_delete_and_reopen(&db);
    test_search_results(db);
    pl_db_close(db);
    test_older_segments();
    test_helper_thread();
    test_batch_prior();
    test_two_writers();
    test_phrase_marks();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT(system(cmd), 0);
    return CHECK_DONE();
}
