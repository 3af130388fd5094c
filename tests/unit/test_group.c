/*
 * test_group.c - match keys: one name meets itself across scripts and
 * inflections, and the seeds' versions of one episode share more rare keys
 * with each other than with other episodes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "group/group.h"

static pl_analyzer *an;

typedef struct fold {
    char s[128];
    size_t n;
} fold;

static int take_first(void *ctx, const pl_token *t) {
    fold *f = ctx;
    if (f->n == 0 && t->len < sizeof f->s) {
        memcpy(f->s, t->term, t->len);
        f->n = t->len;
    }
    return 0;
}

/* The phonetic form of a word, folded by the analyzer first as
 * pl_group_keys does. */
static const char *phon(const char *word) {
    static char out[128];
    fold f = {{0}, 0};
    pl_analyze(an, NULL, word, strlen(word), take_first, &f);
    out[0] = 0;
    pl_group_phonetic(f.s, f.n, out, sizeof out);
    return out;
}

static void test_phonetic(void) {
    CHECK_STR(phon("Big"), "big");
    CHECK_STR(phon("Μπιγκ"), "big");
    CHECK_STR(phon("Carrie"), "karie");
    CHECK_STR(phon("Κάρι"), "kari");
    CHECK_STR(phon("Charlotte"), "sarlote");
    CHECK_STR(phon("Σάρλοτ"), "sarlot");
    CHECK_STR(phon("Miranda"), "miranda");
    CHECK_STR(phon("Μιράντα"), "miranda");
    CHECK_STR(phon("Samantha"), "samanta");
    CHECK_STR(phon("Σαμάνθα"), "samanta");
    CHECK_STR(phon("Роберт"), "robert");
    CHECK_STR(phon("Smith"), "smit");
    CHECK_STR(phon("Σμιθ"), "smit");
    CHECK_STR(phon("漢字"), ""); /* no key for scripts without a Latin spelling */
}

static int shares(const char *a, const char *b) {
    pl_group_key *ka, *kb;
    size_t na, nb, i = 0, j = 0;
    int shared = 0;
    pl_group_keys(an, NULL, NULL, NULL, a, strlen(a), &ka, &na);
    pl_group_keys(an, NULL, NULL, NULL, b, strlen(b), &kb, &nb);
    while (i < na && j < nb) {
        if (ka[i] == kb[j])
            shared++, i++, j++;
        else if (ka[i] < kb[j])
            i++;
        else
            j++;
    }
    free(ka);
    free(kb);
    return shared;
}

static void test_keys(void) {
    /* Inflected names meet their base form. */
    CHECK(shares("Carriehez", "Carrie") >= 1);
    CHECK(shares("Robertin", "Robert") >= 1);
    CHECK(shares("Μιράντα", "Miranda") == 2); /* four and five letters */
    CHECK_INT(shares("1000 Dollar", "1000 dollars"), 3);
    CHECK_INT(shares("", "Carrie"), 0);
    pl_group_key *k;
    size_t n;
    CHECK_INT(pl_group_keys(an, NULL, NULL, NULL, "a b c !!", 8, &k, &n), PL_OK);
    CHECK_INT(n, 0);
    free(k);
    /* Keys come sorted and distinct. */
    CHECK_INT(
        pl_group_keys(an, NULL, NULL, NULL, "Carrie Carrie Big Miranda Big", 29, &k, &n),
        PL_OK);
    for (size_t i = 1; i < n; i++)
        CHECK(k[i - 1] < k[i]);
    free(k);
}

/* With a memo, a text's keys are the same as without, from the first text
 * (memo empty) to the next ones (the words remembered), with the lexicon's
 * concepts too. */
static void test_keys_memo(void) {
    const pl_xling *x = pl_xling_default(NULL);
    static const char *const texts[][2] = {
        {"de",
         "Carrie zerschneidet ihre Kreditkarte, 1998 kauft sie Schuhe für 400 Dollar."},
        {"de",
         "Die Kreditkarte von Carrie wird zerschnitten; sie kauft keine Schuhe mehr."},
        {"fr", "Carrie retrouve Big à New York pour une opération du cœur en 1998."},
        {"en", "Carrie meets Big in New York before his heart surgery in 1998."},
    };
    CHECK(x != NULL); /* the lexicon of the source tree */
    pl_memo *memo = pl_memo_new(1 << 16);
    CHECK(memo != NULL);
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
            const char *lang = texts[i][0], *t = texts[i][1];
            pl_group_key *plain, *memoed;
            size_t np, nm;
            CHECK_INT(pl_group_keys(an, x, NULL, lang, t, strlen(t), &plain, &np), PL_OK);
            CHECK_INT(pl_group_keys(an, x, memo, lang, t, strlen(t), &memoed, &nm), PL_OK);
            CHECK(np > 0);
            CHECK(np == nm && memcmp(plain, memoed, np * sizeof *plain) == 0);
            free(plain);
            free(memoed);
        }
    pl_memo_free(memo);
}

/* A word written again adds nothing: a text's keys are those of its words
 * once each (the repeats are skipped before their keys are looked up); a
 * word written in other capitals is keyed on its own and folds to the same
 * keys. */
static void test_keys_repeats(void) {
    const pl_xling *x = pl_xling_default(NULL);
    const char *once = "Carrie kauft Schuhe, Big kauft nichts.";
    const char *again =
        "Carrie kauft Schuhe, Big kauft nichts. Carrie kauft Schuhe, Carrie!";
    const char *cased = "CARRIE kauft Schuhe, Big kauft nichts.";
    pl_group_key *a, *b, *c;
    size_t na, nb, nc;
    CHECK_INT(pl_group_keys(an, x, NULL, "de", once, strlen(once), &a, &na), PL_OK);
    CHECK_INT(pl_group_keys(an, x, NULL, "de", again, strlen(again), &b, &nb), PL_OK);
    CHECK_INT(pl_group_keys(an, x, NULL, "de", cased, strlen(cased), &c, &nc), PL_OK);
    CHECK(na > 0);
    CHECK(na == nb && memcmp(a, b, na * sizeof *a) == 0);
    CHECK(na == nc && memcmp(a, c, na * sizeof *a) == 0); /* folded alike */
    free(a);
    free(b);
    free(c);
}

/* Items whose keys are drawn from a few "stories" (translations of one
 * story share most keys), in four languages; seeded, so reproducible. */
static void make_items(pl_group_item *it, pl_group_key *keys, double *w, size_t n,
                       unsigned seed) {
    static const char *const langs[] = {"de", "en", "fr", "es"};
    srand(seed);
    for (size_t i = 0; i < n; i++) {
        unsigned story = (unsigned)(rand() % (int)(n / 3 + 1));
        size_t m = 0;
        for (unsigned k = 0; k < 40; k++) {
            /* most keys the story's, some the item's own, a few common */
            unsigned r = (unsigned)rand() % 10;
            pl_group_key key = r < 6   ? story * 1000 + k
                               : r < 9 ? 5000000 + (unsigned)i * 100 + k
                                       : 9000000 + (unsigned)rand() % 5;
            keys[i * 40 + m] = key;
            m++;
        }
        /* sorted, unique */
        pl_group_key *ks = &keys[i * 40];
        for (size_t a = 1; a < m; a++)
            for (size_t b = a; b > 0 && ks[b - 1] > ks[b]; b--) {
                pl_group_key t = ks[b];
                ks[b] = ks[b - 1];
                ks[b - 1] = t;
            }
        size_t u = 0;
        for (size_t a = 0; a < m; a++)
            if (u == 0 || ks[u - 1] != ks[a]) ks[u++] = ks[a];
        for (size_t a = 0; a < u; a++)
            w[i * 40 + a] = ks[a] >= 9000000 ? 0.2 : 1.0 + (double)(ks[a] % 7) / 7;
        it[i] = (pl_group_item){.keys = ks, .w = &w[i * 40], .n = u};
        snprintf(it[i].lang, sizeof it[i].lang, "%s", langs[rand() % 4]);
        pl_group_norm(&it[i]);
    }
}

/* Clustering in a room kept from one call to the next (larger, smaller,
 * larger inputs) gives what clustering afresh gives; versions of one story
 * in different languages end up together, never two of one language. */
static void test_cluster_room(void) {
    enum { MAX = 600 };
    static pl_group_item it[MAX];
    static pl_group_key keys[MAX * 40];
    static double w[MAX * 40];
    static size_t fresh[MAX], kept[MAX];
    pl_group_room room = {0};
    const size_t sizes[] = {600, 90, 450, 3, 600};
    int joined = 0;
    for (size_t r = 0; r < sizeof sizes / sizeof sizes[0]; r++) {
        size_t n = sizes[r];
        make_items(it, keys, w, n, 17u + (unsigned)r);
        CHECK_INT(pl_group_cluster(it, n, 0.3, fresh), PL_OK);
        CHECK_INT(pl_group_cluster_in(it, n, 0.3, kept, &room), PL_OK);
        CHECK(memcmp(fresh, kept, n * sizeof *fresh) == 0);
        for (size_t i = 0; i < n; i++) {
            joined += kept[i] != i;
            for (size_t j = i + 1; j < n; j++)
                if (kept[i] == kept[j]) CHECK(strcmp(it[i].lang, it[j].lang) != 0);
        }
    }
    CHECK(joined > 100); /* the stories' versions did meet */
    pl_group_room_free(&room);
}

int main(void) {
    CHECK_INT(pl_analyzer_new(&an), PL_OK);
    test_phonetic();
    test_keys();
    test_keys_memo();
    test_keys_repeats();
    test_cluster_room();
    pl_analyzer_free(an);
    return CHECK_DONE();
}
