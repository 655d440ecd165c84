/* threads.c -- the thread count a call uses. */
#ifdef _OPENMP
#include <omp.h>
#endif

#include "lr_internal.h"

int lr_threads_resolve(int requested)
{
    /* omp_get_max_threads honours OMP_NUM_THREADS, else the cores present;
     * reading it changes no global setting. */
#ifdef _OPENMP
    return requested > 0 ? requested : omp_get_max_threads();
#else
    (void)requested;
    return 1;
#endif
}
