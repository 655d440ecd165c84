/* generate.c -- synthetic regression data: scikit-learn's make_regression
 * to the bit, and a fast parallel generator.
 *
 * make_regression (sklearn/datasets/_samples_generator.py, 1.2) draws, from
 * one RandomState: X row by row (standard normal), the first k =
 * min(n_informative, n_features) coefficients as 100*uniform, y = X coef +
 * bias, noise * normal per sample, then a row shuffle and a feature shuffle.
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>

#include "lr_internal.h"

lr_gen_params lr_gen_params_default(void)
{
    lr_gen_params gp;
    memset(&gp, 0, sizeof gp);
    gp.n_samples = 100;
    gp.n_features = 100;
    gp.n_informative = 10;
    gp.bias = 0.0;
    gp.noise = 0.0;
    gp.shuffle = 1;
    gp.seed = 0;
    gp.generator = LR_GEN_SKLEARN;
    gp.threads = 0;
    return gp;
}

int lr_gen_params_check(const lr_gen_params *gp, const char **field)
{
    const char *bad = NULL;
    size_t np1;
    if (gp->n_samples == 0)
        bad = "n_samples";
    else if (gp->n_features == 0)
        bad = "n_features";
    else if (!lr_mul_ok(gp->n_samples, gp->n_features, &np1)
             || !lr_mul_ok(np1, sizeof(double), &np1))
        bad = "n_samples*n_features";
    else if (!isfinite(gp->bias))
        bad = "bias";
    else if (!isfinite(gp->noise) || gp->noise < 0)
        bad = "noise";
    else if (gp->seed > 0xffffffffULL)
        bad = "seed";
    else if (gp->generator != LR_GEN_SKLEARN && gp->generator != LR_GEN_FAST)
        bad = "generator";
    else if (gp->threads < 0)
        bad = "threads";
    if (field)
        *field = bad;
    return bad ? LR_EINVAL : LR_SUCCESS;
}

/* Rows of X (n x p) and y taken in the order idx: row i becomes old row
 * idx[i]. In place, following cycles; idx is destroyed. */
static void permute_rows(double *X, double *y, size_t n, size_t p,
                         size_t *idx, double *row)
{
    for (size_t start = 0; start < n; start++) {
        if (idx[start] == start || idx[start] == (size_t)-1)
            continue;
        memcpy(row, X + start * p, p * sizeof *row);
        double ys = y[start];
        size_t dst = start;
        for (;;) {
            size_t src = idx[dst];
            idx[dst] = (size_t)-1;
            if (src == start) {
                memcpy(X + dst * p, row, p * sizeof *row);
                y[dst] = ys;
                break;
            }
            memcpy(X + dst * p, X + src * p, p * sizeof *row);
            y[dst] = y[src];
            dst = src;
        }
    }
}

static int generate_sklearn(const lr_gen_params *gp, double *X, double *y,
                            double *coef)
{
    const size_t n = gp->n_samples, p = gp->n_features;
    const size_t k = gp->n_informative < p ? gp->n_informative : p;
    size_t nidx = n > p ? n : p;
    size_t *idx = malloc(nidx * sizeof *idx);
    double *row = malloc(p * sizeof *row);
    double *c = malloc(p * sizeof *c);
    lr_nprng *r = lr_nprng_alloc((uint32_t)gp->seed);
    if (!idx || !row || !c || !r) {
        free(idx);
        free(row);
        free(c);
        lr_nprng_free(r);
        return LR_ENOMEM;
    }
    for (size_t i = 0; i < n * p; i++)
        X[i] = lr_nprng_gauss(r);
    for (size_t j = 0; j < p; j++)
        c[j] = j < k ? 100.0 * lr_nprng_double(r) : 0.0;
    /* np.dot(X, coef) through BLAS gemm: a sequential sum over j. */
    for (size_t i = 0; i < n; i++) {
        double s = 0.0;
        for (size_t j = 0; j < p; j++)
            s += X[i * p + j] * c[j];
        y[i] = s + gp->bias;
    }
    if (gp->noise > 0.0)
        for (size_t i = 0; i < n; i++)
            y[i] += gp->noise * lr_nprng_gauss(r);
    if (gp->shuffle) {
        for (size_t i = 0; i < n; i++)
            idx[i] = i;
        lr_nprng_shuffle(r, idx, n);
        permute_rows(X, y, n, p, idx, row);
        for (size_t j = 0; j < p; j++)
            idx[j] = j;
        lr_nprng_shuffle(r, idx, p);
        for (size_t i = 0; i < n; i++) {
            double *xi = X + i * p;
            memcpy(row, xi, p * sizeof *row);
            for (size_t j = 0; j < p; j++)
                xi[j] = row[idx[j]];
        }
        for (size_t j = 0; j < p; j++)
            coef[j] = c[idx[j]];
    } else {
        memcpy(coef, c, p * sizeof *c);
    }
    free(idx);
    free(row);
    free(c);
    lr_nprng_free(r);
    return LR_SUCCESS;
}

/* A one-to-one 32-bit mixer (lowbias32, C. Wellons). */
static uint32_t mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

enum { STREAM_X = 1, STREAM_NOISE = 2, STREAM_COEF = 3 };

/* Seed of block `block` in stream `stream`: for a fixed (seed, stream) the
 * map block -> seed is one-to-one, so no two blocks share a stream. */
static unsigned long stream_seed(uint64_t seed, unsigned stream, size_t block)
{
    uint32_t base = mix32(mix32((uint32_t)seed) ^ (0x9e3779b9U * stream));
    return mix32(base + (uint32_t)block);
}

/* Rows [row_lo, row_lo + nrows) of the fast generator's data set into X
 * and y (row 0 of X is row row_lo). Rows of row_lo's block before it are
 * drawn into a scratch row and dropped, so the streams stay in step. */
static int generate_fast(const lr_gen_params *gp, size_t row_lo, size_t nrows,
                         double *X, double *y, double *coef)
{
    const size_t p = gp->n_features, n = row_lo + nrows;
    const size_t k = gp->n_informative < p ? gp->n_informative : p;
    const size_t blk_lo = row_lo / LR_GEN_BLOCK_ROWS;
    const size_t nblocks = (n + LR_GEN_BLOCK_ROWS - 1) / LR_GEN_BLOCK_ROWS;
    const int threads = lr_threads_resolve(gp->threads);

    /* Coefficients from their own stream; informative features are a random
     * subset when shuffling, the first k otherwise. */
    gsl_rng *rc = gsl_rng_alloc(gsl_rng_taus2);
    size_t *perm = malloc(p * sizeof *perm);
    double *c = malloc(p * sizeof *c);
    if (!rc || !perm || !c) {
        gsl_rng_free(rc);
        free(perm);
        free(c);
        return LR_ENOMEM;
    }
    gsl_rng_set(rc, stream_seed(gp->seed, STREAM_COEF, 0));
    for (size_t j = 0; j < p; j++) {
        perm[j] = j;
        c[j] = j < k ? 100.0 * gsl_rng_uniform(rc) : 0.0;
    }
    if (gp->shuffle)
        gsl_ran_shuffle(rc, perm, p, sizeof *perm);
    for (size_t j = 0; j < p; j++)
        coef[j] = c[perm[j]];
    free(perm);
    free(c);
    gsl_rng_free(rc);

    int failed = 0;
    /* Each block draws from its own streams, so the output is the same
     * whichever thread runs it; static schedule places each block on the
     * thread that will read it in training. */
#pragma omp parallel num_threads(threads) reduction(|: failed)
    {
        gsl_rng *rx = gsl_rng_alloc(gsl_rng_taus2);
        gsl_rng *rn = gsl_rng_alloc(gsl_rng_taus2);
        double *scratch = malloc((p + 1) * sizeof *scratch);
        if (!rx || !rn || !scratch)
            failed = 1;
#pragma omp for schedule(static)
        for (size_t blk = blk_lo; blk < nblocks; blk++) {
            if (!rx || !rn || !scratch)
                continue;
            size_t lo = blk * LR_GEN_BLOCK_ROWS;
            size_t hi = lo + LR_GEN_BLOCK_ROWS < n ? lo + LR_GEN_BLOCK_ROWS : n;
            gsl_rng_set(rx, stream_seed(gp->seed, STREAM_X, blk));
            gsl_rng_set(rn, stream_seed(gp->seed, STREAM_NOISE, blk));
            for (size_t i = lo; i < hi; i++) {
                const int keep = i >= row_lo;
                double *xi = keep ? X + (i - row_lo) * p : scratch, s = 0.0;
                double *yi = keep ? y + (i - row_lo) : scratch + p;
                for (size_t j = 0; j < p; j++) {
                    xi[j] = gsl_ran_gaussian_ziggurat(rx, 1.0);
                    s += xi[j] * coef[j];
                }
                *yi = s + gp->bias;
                if (gp->noise > 0.0)
                    *yi += gp->noise * gsl_ran_gaussian_ziggurat(rn, 1.0);
            }
        }
        gsl_rng_free(rx);
        gsl_rng_free(rn);
        free(scratch);
    }
    return failed ? LR_ENOMEM : LR_SUCCESS;
}

int lr_generate(const lr_gen_params *gp, double *X, double *y, double *coef)
{
    if (!gp || !X || !y || !coef)
        return LR_EINVAL;
    int st = lr_gen_params_check(gp, NULL);
    if (st != LR_SUCCESS)
        return st;
    lr_gsl_enter();
    st = gp->generator == LR_GEN_FAST
         ? generate_fast(gp, 0, gp->n_samples, X, y, coef)
         : generate_sklearn(gp, X, y, coef);
    lr_gsl_leave();
    return st;
}

int lr_generate_rows(const lr_gen_params *gp, size_t row_lo, size_t nrows,
                     double *X, double *y, double *coef)
{
    if (!gp || !X || !y || !coef || nrows == 0)
        return LR_EINVAL;
    int st = lr_gen_params_check(gp, NULL);
    if (st != LR_SUCCESS)
        return st;
    if (gp->generator != LR_GEN_FAST || row_lo > gp->n_samples
        || nrows > gp->n_samples - row_lo)
        return LR_EINVAL;
    lr_gsl_enter();
    st = generate_fast(gp, row_lo, nrows, X, y, coef);
    lr_gsl_leave();
    return st;
}
