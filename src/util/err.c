/*
 * err.c - status names and the pl_err carrier (see err.h).
 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

const char *pl_strerror(int status) {
    switch (status) {
    case PL_OK: return "ok";
    case PL_ERR_NOMEM: return "out of memory";
    case PL_ERR_IO: return "input/output error";
    case PL_ERR_CORRUPT: return "corrupt data";
    case PL_ERR_INPUT: return "invalid input";
    case PL_ERR_NOTFOUND: return "not found";
    case PL_ERR_USAGE: return "invalid argument";
    case PL_ERR_DB: return "catalog error";
    case PL_ERR_BUSY: return "database busy";
    case PL_ERR_INTERNAL: return "internal error";
    default: return "unknown error";
    }
}

int pl_err_set(pl_err *e, int status, const char *fmt, ...) {
    if (!e || e->status != PL_OK) return status;
    e->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return status;
}

void pl_err_clear(pl_err *e) {
    e->status = PL_OK;
    e->msg[0] = 0;
}
