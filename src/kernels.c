/* kernels.c -- the fused gradient pass and the parallel iteration loop.
 *
 * One pass over X computes, for the current (w, b), the residuals
 * r_i = x_i.w + b - y_i and the sums X^T r, sum r and sum r^2 together:
 * gradient, bias gradient and loss in one read of X (design.md).
 * The only code with OpenMP pragmas for training. No I/O, no allocation,
 * no error paths: inputs were checked by the caller.
 */
#include <string.h>

#include "lr_internal.h"
#ifdef _OPENMP
#include <omp.h>
#endif

size_t lr_chunk_rows(size_t p)
{
    /* about 128 KiB of X per chunk, at least 32 rows */
    size_t r = 16384 / (p ? p : 1);
    return r < 32 ? 32 : r;
}

void lr_kernel_rows(const double *X, const double *y, size_t p,
                    const double *w, double b, size_t lo, size_t hi,
                    double *acc)
{
    double gb = 0.0, sse = 0.0;
    if (p == 1) {
        const double w0 = w[0];
        double g0 = 0.0;
        for (size_t i = lo; i < hi; i++) {
            double r = X[i] * w0 + b - y[i];
            g0 += r * X[i];
            gb += r;
            sse += r * r;
        }
        acc[0] += g0;
    } else {
        for (size_t i = lo; i < hi; i++) {
            const double *xi = X + i * p;
            double s = 0.0;
            for (size_t j = 0; j < p; j++)
                s += xi[j] * w[j];
            double r = s + b - y[i];
            for (size_t j = 0; j < p; j++)
                acc[j] += r * xi[j];
            gb += r;
            sse += r * r;
        }
    }
    acc[p] += gb;
    acc[p + 1] += sse;
}

/* One pass with the sums into ks->acc, called by every thread of the team
 * (or by the one thread of the serial path). */
static void pass_team(const lr_kernel_state *ks)
{
    const double *X = ks->X, *y = ks->y, *w = ks->w;
    const size_t n = ks->n, p = ks->p, cr = ks->chunk_rows;
    const size_t nchunks = (n + cr - 1) / cr;
    const size_t m = p + 2;
    const double b = *ks->b;
    double *acc = ks->acc;

    switch (ks->mode) {
    case LR_KMODE_CLAUSE:
        /* The sum over samples as a reduction clause on an array section;
         * the order of the partial sums is up to the runtime. */
#pragma omp for schedule(static) reduction(+: acc[:m])
        for (size_t c = 0; c < nchunks; c++) {
            size_t hi = (c + 1) * cr < n ? (c + 1) * cr : n;
            lr_kernel_rows(X, y, p, w, b, c * cr, hi, acc);
        }
        break;
    case LR_KMODE_HEAP: {
        /* Large p: per-thread partial rows on the heap, summed by column. */
        int t = 0, nt = 1;
#ifdef _OPENMP
        t = omp_get_thread_num();
        nt = omp_get_num_threads();
#endif
        double *mine = ks->part + (size_t)t * ks->stride;
        memset(mine, 0, m * sizeof *mine);
#pragma omp for schedule(static)
        for (size_t c = 0; c < nchunks; c++) {
            size_t hi = (c + 1) * cr < n ? (c + 1) * cr : n;
            lr_kernel_rows(X, y, p, w, b, c * cr, hi, mine);
        }
#pragma omp for schedule(static)
        for (size_t j = 0; j < m; j++) {
            double s = 0.0;
            for (int u = 0; u < nt; u++)
                s += ks->part[(size_t)u * ks->stride + j];
            acc[j] = s;
        }
        break;
    }
    default: /* LR_KMODE_DET */
        /* Fixed blocks whose size depends on p only, each summed serially,
         * then combined in block order: the same bits for any thread
         * count. */
#pragma omp for schedule(static)
        for (size_t c = 0; c < nchunks; c++) {
            double *pc = ks->part + c * ks->stride;
            size_t hi = (c + 1) * cr < n ? (c + 1) * cr : n;
            memset(pc, 0, m * sizeof *pc);
            lr_kernel_rows(X, y, p, w, b, c * cr, hi, pc);
        }
#pragma omp for schedule(static)
        for (size_t j = 0; j < m; j++) {
            double s = 0.0;
            for (size_t c = 0; c < nchunks; c++)
                s += ks->part[c * ks->stride + j];
            acc[j] = s;
        }
        break;
    }
}

void lr_kernel_run(const lr_kernel_state *ks, size_t k, lr_step_fn step,
                   void *ctx)
{
    const size_t m = ks->p + 2;
    int stop = 0;

    if (ks->threads <= 1) {
        for (size_t it = 0; it < k; it++) {
            step(ctx, LR_PHASE_UPDATE);
            memset(ks->acc, 0, m * sizeof *ks->acc);
            pass_team(ks);
            if (step(ctx, LR_PHASE_EVAL))
                break;
        }
        return;
    }
    /* One parallel region around the whole loop; the update and the
     * stopping test run on one thread between passes (two barriers an
     * iteration). */
#pragma omp parallel num_threads(ks->threads)
    for (size_t it = 0; it <= k; it++) {
#pragma omp single
        {
            if (it > 0)
                stop = step(ctx, LR_PHASE_EVAL);
            if (it == k)
                stop = 1;
            if (!stop) {
                step(ctx, LR_PHASE_UPDATE);
                memset(ks->acc, 0, m * sizeof *ks->acc);
            }
        }
        if (stop)
            break;
        pass_team(ks);
    }
}

double lr_read_sum(const double *a, size_t len, int threads)
{
    double s = 0.0;
    threads = lr_threads_resolve(threads);
#pragma omp parallel for schedule(static) num_threads(threads) reduction(+: s)
    for (size_t i = 0; i < len; i++)
        s += a[i];
    return s;
}
