/*
 * langid.h - language identification (the model is built by tools/langid).
 *
 * The public entries are pl_langid() and pl_langid_ex() in plotline.h. The model is
 * embedded in the library (data/langid/model.bin through model_blob.S), so that identifying
 * a language never depends on a file being found at run time.
 */
#ifndef PL_LANGID_H
#define PL_LANGID_H

#include <stddef.h>

#include "plotline.h"

/* pl_langid_opts and pl_langid_ex() are public: see plotline.h. */

#endif
