/*
 * plotline_run.c - runs plotline's language identifier over a test set for
 * bench/langid, built from the library's sources by run.sh.
 *
 * Usage: plotline_run SET.tsv PRED_OUT [CODE,CODE,...]
 * Writes one "code<TAB>confidence" line per text to PRED_OUT and "seconds bytes" to stdout.
 * With a list of codes the identifier is restricted to them (pl_langid_ex's `only`), as
 * franc is in the same run; without, it chooses among all the languages of its model.
 */
#include <string.h>

#include "harness.h"
#include "langid/langid.h"

int main(int argc, char **argv) {
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: plotline_run SET.tsv PRED_OUT [CODES]\n");
        return 2;
    }
    const char *only[64];
    int n_only = 0;
    if (argc == 4) {
        for (char *c = strtok(argv[3], ","); c && n_only < 64; c = strtok(NULL, ","))
            only[n_only++] = c;
    }
    pl_langid_opts opts = {only, n_only, NULL, 0};
    bench_set s = bench_read(argv[1]);
    pl_lang_guess *out = calloc(s.n ? s.n : 1, sizeof *out);
    pl_lang_guess warm;
    pl_langid("warm up", 7, &warm, 1); /* the model is checked on first use */
    /* The fastest of BENCH_PASSES passes: the machine is shared. */
    double best = 1e30;
    for (int pass = 0; pass < bench_passes(); pass++) {
        double t0 = bench_now();
        for (size_t i = 0; i < s.n; i++)
            if (pl_langid_ex(s.text[i], s.len[i], n_only ? &opts : NULL, &out[i], 1) < 1)
                strcpy(out[i].lang, "und");
        double t1 = bench_now();
        if (t1 - t0 < best) best = t1 - t0;
    }
    FILE *f = fopen(argv[2], "w");
    if (!f) return 1;
    for (size_t i = 0; i < s.n; i++)
        fprintf(f, "%s\t%.4f\n", out[i].lang, out[i].confidence);
    fclose(f);
    printf("%.6f %zu\n", best, s.bytes);
    return 0;
}
