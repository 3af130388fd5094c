/*
 * check.h - the assertions of plotline's unit tests.
 *
 * Each test program is one ctest case: CHECK records a failure with file:line
 * and goes on, so that one run shows every broken expectation; the program
 * exits non-zero when any failed. No framework is needed beyond this.
 */
#ifndef PL_TEST_CHECK_H
#define PL_TEST_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        check_count++;                                                                     \
        if (!(cond)) {                                                                     \
            check_failures++;                                                              \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);       \
        }                                                                                  \
    } while (0)

#define CHECK_INT(a, b)                                                                    \
    do {                                                                                   \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                    \
        check_count++;                                                                     \
        if (check_a_ != check_b_) {                                                        \
            check_failures++;                                                              \
            fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__,          \
                    __LINE__, #a, check_a_, #b, check_b_);                                 \
        }                                                                                  \
    } while (0)

#define CHECK_STR(a, b)                                                                    \
    do {                                                                                   \
        const char *check_a_ = (a), *check_b_ = (b);                                       \
        check_count++;                                                                     \
        if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {                   \
            check_failures++;                                                              \
            fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__,  \
                    #a, check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)");   \
        }                                                                                  \
    } while (0)

/* A seeded xorshift64 generator, so that randomized tests repeat exactly; a
 * test may set check_rng_state to its own seed (never 0) before drawing. */
static uint64_t check_rng_state = 0x9e3779b97f4a7c15ull;

static inline uint64_t rnd(void) {
    check_rng_state ^= check_rng_state << 13;
    check_rng_state ^= check_rng_state >> 7;
    check_rng_state ^= check_rng_state << 17;
    return check_rng_state;
}

/* A number in [0, n). */
static inline uint32_t rnd_below(uint32_t n) {
    return (uint32_t)(rnd() % n);
}

/* Ends main(): prints the tally and returns the exit status. */
#define CHECK_DONE()                                                                       \
    (printf("%d checks, %d failed\n", check_count, check_failures), check_failures ? 1 : 0)

/* What a progress callback (pl_progress_fn's shape) was told: how often,
 * and the last figures; a non-zero `cancel` asks the work to stop. */
typedef struct progress_seen {
    int calls, cancel;
    uint64_t done, total;
} progress_seen;

static inline int on_progress(void *ctx, uint64_t done, uint64_t total) {
    progress_seen *p = ctx;
    p->calls++;
    p->done = done;
    p->total = total;
    return p->cancel;
}

#endif
