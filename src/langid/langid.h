/*
 * langid.h - language identification (the model is built by tools/langid).
 *
 * The public entry is pl_langid() in plotline.h. The model is embedded in the
 * library (data/langid/model.bin through model_blob.S), so that identifying a
 * language never depends on a file being found at run time.
 */
#ifndef PL_LANGID_H
#define PL_LANGID_H

#include <stddef.h>

#include "plotline.h"

typedef struct pl_langid_opts {
    const char *const *only; /* restrict to these codes (NULL-terminated list), or NULL */
    int n_only;              /* entries in `only` */
} pl_langid_opts;

/* As pl_langid(), with options (NULL for none). */
int pl_langid_ex(const char *text, size_t len, const pl_langid_opts *opts,
                 pl_lang_guess *out, int max);

#endif
