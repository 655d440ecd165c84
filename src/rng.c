/* rng.c -- NumPy's legacy RandomState samplers, with GSL's MT19937 as the
 * bit source.
 *
 * RandomState(seed) seeds MT19937 with init_genrand(seed), exactly what
 * gsl_rng_set(mt19937, seed) does, except that GSL maps seed 0 to 4357; for
 * 0 we write init_genrand(0)'s state ourselves (GSL's mt_state_t layout,
 * checked against gsl_rng_size). The samplers follow NumPy's
 * numpy/random/src/legacy/legacy-distributions.c and distributions.c.
 */
#include <stdlib.h>
#include <math.h>
#include <gsl/gsl_rng.h>

#include "lr_internal.h"

struct lr_nprng {
    gsl_rng *mt;
    int has_gauss;
    double gauss;
};

/* GSL's private state of gsl_rng_mt19937 (gsl/rng/mt.c). */
typedef struct {
    unsigned long mt[624];
    int mti;
} lr_gsl_mt_state;

lr_nprng *lr_nprng_alloc(uint32_t seed)
{
    lr_nprng *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    lr_gsl_enter();
    r->mt = gsl_rng_alloc(gsl_rng_mt19937);
    lr_gsl_leave();
    if (!r->mt) {
        free(r);
        return NULL;
    }
    if (seed != 0) {
        gsl_rng_set(r->mt, seed);
    } else {
        if (gsl_rng_size(r->mt) != sizeof(lr_gsl_mt_state)) {
            lr_nprng_free(r);
            return NULL;
        }
        lr_gsl_mt_state *s = gsl_rng_state(r->mt);
        s->mt[0] = 0;
        for (int i = 1; i < 624; i++) {
            unsigned long prev = s->mt[i - 1];
            s->mt[i] = (1812433253UL * (prev ^ (prev >> 30)) + (unsigned long)i)
                       & 0xffffffffUL;
        }
        s->mti = 624;
    }
    return r;
}

void lr_nprng_free(lr_nprng *r)
{
    if (!r)
        return;
    gsl_rng_free(r->mt);
    free(r);
}

uint32_t lr_nprng_u32(lr_nprng *r)
{
    return (uint32_t)gsl_rng_get(r->mt);
}

/* 53-bit double in [0,1): NumPy's legacy random_sample. */
double lr_nprng_double(lr_nprng *r)
{
    uint32_t a = lr_nprng_u32(r) >> 5, b = lr_nprng_u32(r) >> 6;
    return ((double)a * 67108864.0 + (double)b) / 9007199254740992.0;
}

/* Marsaglia's polar method with one cached value (legacy_gauss). */
double lr_nprng_gauss(lr_nprng *r)
{
    if (r->has_gauss) {
        r->has_gauss = 0;
        double t = r->gauss;
        r->gauss = 0.0;
        return t;
    }
    double x1, x2, r2;
    do {
        x1 = 2.0 * lr_nprng_double(r) - 1.0;
        x2 = 2.0 * lr_nprng_double(r) - 1.0;
        r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    double f = sqrt(-2.0 * log(r2) / r2);
    r->gauss = f * x1;
    r->has_gauss = 1;
    return f * x2;
}

/* Uniform integer in [0, max] by masked rejection (random_interval). */
uint64_t lr_nprng_interval(lr_nprng *r, uint64_t max)
{
    if (max == 0)
        return 0;
    uint64_t mask = max, v;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    mask |= mask >> 32;
    if (max <= 0xffffffffULL) {
        while ((v = (lr_nprng_u32(r) & mask)) > max)
            ;
    } else {
        /* next_uint64 of the legacy MT19937: high word first */
        do {
            uint64_t hi = lr_nprng_u32(r), lo = lr_nprng_u32(r);
            v = ((hi << 32) | lo) & mask;
        } while (v > max);
    }
    return v;
}

/* RandomState.shuffle of a 1-d array (Fisher-Yates from the end). */
void lr_nprng_shuffle(lr_nprng *r, size_t *a, size_t n)
{
    for (size_t i = n; i-- > 1;) {
        size_t j = (size_t)lr_nprng_interval(r, i);
        size_t t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

int lr_numpy_rand(uint64_t seed, size_t p, double *out)
{
    if (seed > 0xffffffffULL || (p > 0 && !out))
        return LR_EINVAL;
    lr_nprng *r = lr_nprng_alloc((uint32_t)seed);
    if (!r)
        return LR_ENOMEM;
    for (size_t j = 0; j < p; j++)
        out[j] = lr_nprng_double(r);
    lr_nprng_free(r);
    return LR_SUCCESS;
}
