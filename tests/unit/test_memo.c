/*
 * test_memo.c - the bounded memo: what is put is got back, what was never
 * put is not found, a full memo starts again, an oversized pair is not
 * kept, and a cleared memo forgets everything.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "util/memo.h"

static int got(pl_memo *m, const char *key, const char *want) {
    const void *v;
    size_t n;
    if (!pl_memo_get(m, key, strlen(key), &v, &n)) return want == NULL;
    return want && n == strlen(want) && memcmp(v, want, n) == 0;
}

int main(void) {
    pl_memo *m = pl_memo_new(4096);
    CHECK(m != NULL);
    CHECK(got(m, "de\0Herz", NULL));
    pl_memo_put(m, "Schwangerschaftstest", 20, "schwangerschaft\0test", 21);
    pl_memo_put(m, "Herz", 4, "", 0); /* an empty answer is an answer */
    const void *v;
    size_t n;
    CHECK(pl_memo_get(m, "Schwangerschaftstest", 20, &v, &n) && n == 21 &&
          memcmp(v, "schwangerschaft\0test", 21) == 0);
    CHECK(pl_memo_get(m, "Herz", 4, &v, &n) && n == 0);
    CHECK(!pl_memo_get(m, "Her", 3, &v, &n));
    CHECK(!pl_memo_get(m, "Herzen", 6, &v, &n));
    /* Many more pairs than fit: the memo empties itself and keeps going;
     * the newest pairs are there, and every answer found is right. */
    char key[32], val[32];
    int wrong = 0;
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "word%d", i);
        snprintf(val, sizeof val, "value%d", i * 7);
        pl_memo_put(m, key, strlen(key), val, strlen(val));
        CHECK(got(m, key, val));
    }
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "word%d", i);
        snprintf(val, sizeof val, "value%d", i * 7);
        if (pl_memo_get(m, key, strlen(key), &v, &n))
            wrong += n != strlen(val) || memcmp(v, val, n) != 0;
    }
    CHECK_INT(wrong, 0);
    CHECK(got(m, "word4999", "value34993"));
    /* A pair larger than a sixteenth of the memo is not kept. */
    char big[1024];
    memset(big, 'x', sizeof big);
    pl_memo_put(m, "big", 3, big, sizeof big);
    CHECK(!pl_memo_get(m, "big", 3, &v, &n));
    /* Cleared: nothing is found, and what is put after is. */
    CHECK(got(m, "word4999", "value34993"));
    pl_memo_clear(m);
    CHECK(got(m, "word4999", NULL));
    CHECK(got(m, "Herz", NULL));
    pl_memo_put(m, "Herz", 4, "herz", 4);
    CHECK(got(m, "Herz", "herz"));
    pl_memo_clear(NULL);
    pl_memo_free(m);
    pl_memo_free(NULL);

    /* A large memo starts small and grows as it fills: 20,000 pairs (some
     * 600 KB) in a memo of 4 MB are all there, each with its own answer,
     * after the arena and the slots have doubled several times. */
    m = pl_memo_new(4u << 20);
    CHECK(m != NULL);
    for (int i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "grow%d", i);
        snprintf(val, sizeof val, "value%d", i * 3);
        pl_memo_put(m, key, strlen(key), val, strlen(val));
    }
    int missing = 0;
    wrong = 0;
    for (int i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "grow%d", i);
        snprintf(val, sizeof val, "value%d", i * 3);
        if (!pl_memo_get(m, key, strlen(key), &v, &n))
            missing++;
        else
            wrong += n != strlen(val) || memcmp(v, val, n) != 0;
    }
    CHECK_INT(missing, 0);
    CHECK_INT(wrong, 0);
    /* Its bound is the whole memo's: a pair of 200 KB is kept (a sixteenth
     * of 4 MB is 256 KB) though the memo started at 64 KB. */
    static char big2[200 << 10];
    memset(big2, 'y', sizeof big2);
    pl_memo_put(m, "big2", 4, big2, sizeof big2);
    CHECK(pl_memo_get(m, "big2", 4, &v, &n) && n == sizeof big2);
    CHECK(got(m, "grow19999", "value59997"));
    pl_memo_free(m);
    return CHECK_DONE();
}
