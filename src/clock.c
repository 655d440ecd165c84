/* clock.c -- a monotonic wall clock for timings. */
#include <time.h>

#include "lr_internal.h"

double lr_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
