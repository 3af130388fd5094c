/*
 * err.h - the error carrier passed through plotline's internals.
 *
 * Internal functions return a pl_status and, on failure, leave a message in
 * the caller's pl_err, tagged with the place ("000.txt:7: invalid UTF-8 at
 * byte 12"). The first error wins: a later pl_err_set on an error already set
 * keeps the original message, so the root cause reaches the user.
 */
#ifndef PL_UTIL_ERR_H
#define PL_UTIL_ERR_H

#include "plotline.h"

typedef struct pl_err {
    int status;     /* PL_OK until something fails */
    char msg[1024]; /* NUL-terminated message */
} pl_err;

/* Braces as written, which clang-format would spread over six lines. */
/* clang-format off */
#define PL_ERR_INIT {PL_OK, {0}}
/* clang-format on */

/* Records an error (unless one is recorded already) and returns `status`. */
int pl_err_set(pl_err *e, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Clears a recorded error. */
void pl_err_clear(pl_err *e);

#endif
