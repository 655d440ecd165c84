/* error.c -- status codes, stop reasons and error messages. */
#include <stdio.h>

#include "lr_internal.h"

const char *lr_strerror(int status)
{
    switch (status) {
    case LR_SUCCESS: return "success";
    case LR_CONTINUE: return "iteration has not finished";
    case LR_EINVAL: return "invalid argument";
    case LR_ENOMEM: return "out of memory or size overflow";
    case LR_EDIVERGE: return "training diverged";
    case LR_EIO: return "input/output error";
    case LR_EFORMAT: return "malformed file";
    case LR_ESHAPE: return "shapes do not match";
    case LR_ESOLVE: return "least-squares solve failed";
    case LR_ERANGE: return "value is not finite or out of range";
    default: return "unknown status";
    }
}

const char *lr_stop_name(int reason)
{
    switch (reason) {
    case LR_STOP_NONE: return "none";
    case LR_STOP_MAX_ITER: return "max_iter";
    case LR_STOP_TOL: return "tol";
    case LR_STOP_DIVERGED: return "diverged";
    case LR_STOP_TARGET: return "target_gap";
    default: return "unknown";
    }
}

int lr_set_err(int status, char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return status;
}
