/*
 * test_u32map.c - the key table against a plain reference: counts of random
 * keys through many growths (keys that share low bits included), absent
 * keys, and clearing.
 */
#include <stdlib.h>

#include "check.h"
#include "util/u32map.h"

#define N_KEYS 5000

int main(void) {
    static uint32_t keys[N_KEYS];
    static uint64_t want[N_KEYS];
    for (int i = 0; i < N_KEYS; i++)
        /* Half of them differ only above bit 16, as a bad hash would. */
        keys[i] = i % 2 ? (uint32_t)rnd() : (uint32_t)i << 16;
    pl_u32map m = {0};
    CHECK_INT(pl_u32map_get(&m, 7), 0); /* empty, never grown */
    for (int round = 0; round < 3; round++) {
        size_t bad = 0;
        for (int n = 0; n < 40000; n++) {
            int i = (int)rnd_below(N_KEYS);
            uint64_t *v = pl_u32map_slot(&m, keys[i]);
            if (!v) {
                bad++;
                continue;
            }
            (*v)++;
            want[i]++;
        }
        CHECK_INT(bad, 0);
        size_t distinct = 0;
        for (int i = 0; i < N_KEYS; i++) {
            bad += pl_u32map_get(&m, keys[i]) != want[i];
            distinct += want[i] > 0;
        }
        CHECK_INT(bad, 0);
        CHECK_INT(m.used, distinct);
        CHECK_INT(pl_u32map_get(&m, 0xdeadbeefu), 0);
        pl_u32map_clear(&m);
        CHECK_INT(m.used, 0);
        CHECK_INT(pl_u32map_get(&m, keys[0]), 0);
        for (int i = 0; i < N_KEYS; i++)
            want[i] = 0;
    }
    pl_u32map_free(&m);
    CHECK_INT(m.cap, 0);
    return CHECK_DONE();
}
