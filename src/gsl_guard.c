/* gsl_guard.c -- keeps GSL's default error handler (which prints and
 * aborts) off the library's paths: the library never aborts. GSL's handler
 * is process-wide; a count under a lock installs a silent one while any
 * library call that uses GSL runs and restores the caller's after the
 * last. (While such a call runs, a GSL error in another thread of the host
 * program also meets the silent handler and returns its status.) */
#include <pthread.h>
#include <gsl/gsl_errno.h>

#include "lr_internal.h"

static pthread_mutex_t guard_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned guard_depth;
static gsl_error_handler_t *guard_saved;

static void quiet(const char *reason, const char *file, int line, int err)
{
    (void)reason;
    (void)file;
    (void)line;
    (void)err;
}

void lr_gsl_enter(void)
{
    pthread_mutex_lock(&guard_lock);
    if (guard_depth++ == 0)
        guard_saved = gsl_set_error_handler(quiet);
    pthread_mutex_unlock(&guard_lock);
}

void lr_gsl_leave(void)
{
    pthread_mutex_lock(&guard_lock);
    if (guard_depth > 0 && --guard_depth == 0)
        gsl_set_error_handler(guard_saved);
    pthread_mutex_unlock(&guard_lock);
}
