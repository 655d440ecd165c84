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

/* The dot product x_i.w is summed in four lanes (lane l takes j = l mod 4),
 * combined as (l0 + l1) + (l2 + l3): a fixed order, so results do not
 * depend on the thread count, and one the compiler turns into vector
 * instructions (a single running sum would be bound by the latency of one
 * add per feature). No FMA contraction (-std=c11), so the AVX2 and the
 * baseline clones give identical bits. */
static inline double dot4(const double *x, const double *w, size_t p)
{
    double t0 = 0.0, t1 = 0.0, t2 = 0.0, t3 = 0.0;
    size_t j = 0;
    for (; j + 4 <= p; j += 4) {
        t0 += x[j] * w[j];
        t1 += x[j + 1] * w[j + 1];
        t2 += x[j + 2] * w[j + 2];
        t3 += x[j + 3] * w[j + 3];
    }
    if (j < p)
        t0 += x[j] * w[j];
    if (j + 1 < p)
        t1 += x[j + 1] * w[j + 1];
    if (j + 2 < p)
        t2 += x[j + 2] * w[j + 2];
    return (t0 + t1) + (t2 + t3);
}

#ifndef LR_PF
#define LR_PF 512
#endif
// /* prefetch distance in doubles (4 KiB) */

/* For wide rows four lanes are still one chain of dependent vector adds
 * (p/4 deep); sixteen lanes (four vectors) keep the adder busy. Lane l takes
 * j = l mod 16; the lanes are combined pairwise in a fixed tree. */
static inline double dot16(const double *x, const double *w, size_t p)
{
    double t[16] = {0};
    size_t j = 0;
    for (; j + 16 <= p; j += 16)
        for (int l = 0; l < 16; l++)
            t[l] += x[j + (size_t)l] * w[j + (size_t)l];
    for (int l = 0; j + (size_t)l < p; l++)
        t[l] += x[j + (size_t)l] * w[j + (size_t)l];
    for (int h = 8; h >= 1; h /= 2)
        for (int l = 0; l < h; l++)
            t[l] = t[l] + t[l + h];
    return t[0];
}

/* The dot product of one row: its lane count depends on p only. */
static inline __attribute__((always_inline)) double
dotp(const double *x, const double *w, size_t p)
{
    return p >= 32 ? dot16(x, w, p) : dot4(x, w, p);
}

/* Two rows a step: their gradient contributions are added to acc[j] in
 * row order in one sweep over j. Inlined with a constant p for common
 * small widths, so the compiler unrolls the loops over features. */
static inline __attribute__((always_inline)) void
rows_general(const double *restrict X, const double *restrict y, size_t p,
             const double *restrict w, double b, size_t lo, size_t hi,
             double *restrict acc)
{
    double gb = 0.0, sse = 0.0;
    size_t i = lo;
    for (; i + 2 <= hi; i += 2) {
        const double *x0 = X + i * p, *x1 = x0 + p;
        /* The hardware prefetcher alone leaves this loop waiting on memory
         * (measured: 1.5x a plain read at 1e6 x 16); fetch the lines of the
         * rows LR_PF doubles ahead. Prefetching past the end is harmless. */
        for (size_t q = 0; q < 2 * p; q += 8)
            __builtin_prefetch(x0 + LR_PF + q);
        double r0 = dotp(x0, w, p) + b - y[i];
        double r1 = dotp(x1, w, p) + b - y[i + 1];
        for (size_t j = 0; j < p; j++)
            acc[j] = (acc[j] + r0 * x0[j]) + r1 * x1[j];
        gb = (gb + r0) + r1;
        sse = (sse + r0 * r0) + r1 * r1;
    }
    for (; i < hi; i++) {
        const double *xi = X + i * p;
        double r = dotp(xi, w, p) + b - y[i];
        for (size_t j = 0; j < p; j++)
            acc[j] += r * xi[j];
        gb += r;
        sse += r * r;
    }
    acc[p] += gb;
    acc[p + 1] += sse;
}

__attribute__((target_clones("avx2", "default")))
void lr_kernel_rows(const double *restrict X, const double *restrict y,
                    size_t p, const double *restrict w, double b, size_t lo,
                    size_t hi, double *restrict acc)
{
    if (p == 1) {
        const double w0 = w[0];
        double g0 = 0.0, gb = 0.0, sse = 0.0;
        for (size_t i = lo; i < hi; i++) {
            double r = X[i] * w0 + b - y[i];
            g0 += r * X[i];
            gb += r;
            sse += r * r;
        }
        acc[0] += g0;
        acc[1] += gb;
        acc[2] += sse;
        return;
    }
    switch (p) {
    case 2: rows_general(X, y, 2, w, b, lo, hi, acc); break;
    case 4: rows_general(X, y, 4, w, b, lo, hi, acc); break;
    case 8: rows_general(X, y, 8, w, b, lo, hi, acc); break;
    case 16: rows_general(X, y, 16, w, b, lo, hi, acc); break;
    case 32: rows_general(X, y, 32, w, b, lo, hi, acc); break;
    default: rows_general(X, y, p, w, b, lo, hi, acc); break;
    }
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

/* Eight independent partial sums per thread: a single running sum would be
 * bound by the latency of one add per element (about 8 GB/s), not by the
 * memory system. */
__attribute__((target_clones("avx2", "default")))
double lr_read_sum(const double *a, size_t len, int threads)
{
    double s = 0.0;
    threads = lr_threads_resolve(threads);
#pragma omp parallel num_threads(threads) reduction(+: s)
    {
        double t[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        size_t nb = len / 8;
#pragma omp for schedule(static)
        for (size_t k = 0; k < nb; k++)
            for (int u = 0; u < 8; u++)
                t[u] += a[k * 8 + (size_t)u];
        for (int u = 0; u < 8; u++)
            s += t[u];
    }
    for (size_t i = len / 8 * 8; i < len; i++)
        s += a[i];
    return s;
}
