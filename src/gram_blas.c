/* gram_blas.c -- the Gram pass by the BLAS: [X 1 y]^T [X 1 y] from dsyrk
 * on blocks of rows, at the speed of the machine's FMA units rather than of
 * a vectorised rank-one update (about 6 GFMA/s at 1e5 x 256 here before).
 *
 * Each thread copies a block of rows of [X 1 y] (converting float X to
 * double: ssyrk would sum in single precision) into its buffer, small
 * enough to stay in its L2 cache, and adds the block's dsyrk into the
 * partial of its slab. Slabs are contiguous ranges of blocks, each summed
 * serially in block order; the partials are then added entry by entry in
 * slab order. The BLAS runs on one thread inside each of ours (OpenBLAS's
 * OpenMP build runs serially inside an active parallel region, and in a
 * one-thread team by the OpenMP thread count set to 1 around the call), so
 * --threads alone sets the cores used and nothing nests.
 *
 * Determinism: a slab's partial depends only on its rows, the block size
 * (a function of p) and the BLAS's kernel for this CPU, never on which
 * thread computes it; with det the slabs are fixed by n and p, so the sums
 * have the same bits for any thread count. */
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cblas.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "gram_blas.h"

/* OpenBLAS's description of itself (its cblas.h declares it; GSL's
 * gsl_cblas.h, used here for the standard CBLAS part, does not). */
char *openblas_get_config(void);

/* Rows per dsyrk call: a block of [X 1 y] of about 512 KB (half of a
 * 1 MB L2), at least 256 rows (dsyrk's packing is then a small part of
 * its work), a multiple of 8. Measured here at p = 64 .. 512: 128 KB
 * blocks ran 10% slower at p = 128, 1 MB and 2 MB blocks no faster. */
static size_t gram_blk_rows(size_t p)
{
    size_t r = ((size_t)1 << 16) / (p + 2);
    r = r < 256 ? 256 : r;
    return (r + 7) / 8 * 8;
}

int lr_gram_ws_alloc(lr_gram_ws *ws, const lr_kernel_state *ks, int det)
{
    const size_t ld = ks->p + 2, B = gram_blk_rows(ks->p);
    const size_t nb = (ks->n + B - 1) / B;
    const int threads = ks->threads > 1 ? ks->threads : 1;
    size_t slabs, bytes;
    memset(ws, 0, sizeof *ws);
    ws->ld = ld;
    ws->blk_rows = B;
    ws->acc_stride = lr_pad8(ld * ld);
    ws->blk_stride = lr_pad8(B * ld);
    if (det) {
        slabs = LR_GRAM_DET_MAX_DOUBLES / ws->acc_stride;
        slabs = slabs > LR_GRAM_DET_SLABS ? LR_GRAM_DET_SLABS : slabs;
    } else {
        slabs = (size_t)threads;
    }
    slabs = slabs > nb ? nb : slabs;
    ws->slabs = slabs ? slabs : 1;
    if (!lr_mul_ok(ws->slabs * sizeof(double), ws->acc_stride, &bytes)
        || !(ws->acc = aligned_alloc(64, bytes)))
        return LR_ENOMEM;
    if (!lr_mul_ok((size_t)threads * sizeof(double), ws->blk_stride, &bytes)
        || !(ws->blk = aligned_alloc(64, bytes))) {
        lr_gram_ws_free(ws);
        return LR_ENOMEM;
    }
    return LR_SUCCESS;
}

void lr_gram_ws_free(lr_gram_ws *ws)
{
    if (!ws)
        return;
    free(ws->acc);
    free(ws->blk);
    ws->acc = ws->blk = NULL;
}

/* Rows [lo, hi) of [X 1 y] into blk (ld = p + 2 doubles a row). */
static void fill_block(const lr_kernel_state *ks, size_t lo, size_t hi,
                       double *restrict blk)
{
    const size_t p = ks->p, ld = p + 2;
    for (size_t i = lo; i < hi; i++) {
        double *row = blk + (i - lo) * ld;
        if (ks->Xf) {
            const float *x = ks->Xf + i * p;
            for (size_t j = 0; j < p; j++)
                row[j] = (double)x[j];
        } else {
            memcpy(row, ks->X + i * p, p * sizeof *row);
        }
        row[p] = 1.0;
        row[p + 1] = ks->y[i];
    }
}

/* OpenBLAS's OpenMP build takes its thread count from omp_get_max_threads()
 * at each call (openblas_set_num_threads is overridden by it, and sets the
 * OpenMP count too) and runs serially inside an active parallel region:
 * the calling thread's OpenMP count set to 1, and put back after. */
int lr_blas_serial_begin(void)
{
#ifdef _OPENMP
    const int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    return saved;
#else
    return 1;
#endif
}

void lr_blas_serial_end(int saved)
{
#ifdef _OPENMP
    omp_set_num_threads(saved);
#else
    (void)saved;
#endif
}

void lr_kernel_gram_blas(const lr_kernel_state *ks, const lr_gram_ws *ws,
                         double *buf)
{
    const size_t n = ks->n, p = ks->p, m = p + 1, ld = ws->ld;
    const size_t B = ws->blk_rows, nb = (n + B - 1) / B, S = ws->slabs;
    const int nt = (size_t)ks->threads < S ? (ks->threads > 1 ? ks->threads : 1)
                                           : (int)S;
    memset(buf, 0, (m * m + m + 1) * sizeof *buf);
    /* a one-thread team's dsyrk stays on one thread */
    const int saved = lr_blas_serial_begin();
#pragma omp parallel num_threads(nt)
    {
#ifdef _OPENMP
        const size_t t = (size_t)omp_get_thread_num();
#else
        const size_t t = 0;
#endif
        double *blk = ws->blk + t * ws->blk_stride;
#pragma omp for schedule(static)
        for (size_t s = 0; s < S; s++) {
            double *acc = ws->acc + s * ws->acc_stride;
            memset(acc, 0, ld * ld * sizeof *acc);
            for (size_t b = s * nb / S; b < (s + 1) * nb / S; b++) {
                const size_t lo = b * B, hi = lo + B < n ? lo + B : n;
                fill_block(ks, lo, hi, blk);
                /* acc += blk^T blk, upper triangle (row-major) */
                cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)ld,
                            (int)(hi - lo), 1.0, blk, (int)ld, 1.0, acc,
                            (int)ld);
            }
        }
        /* entry by entry, slabs in order: G's upper triangle (rows and
         * columns < m), c (column m of rows < m) and yy */
#pragma omp for schedule(static)
        for (size_t j = 0; j < ld; j++)
            for (size_t k = j; k < ld; k++) {
                double v = ws->acc[j * ld + k];
                for (size_t s = 1; s < S; s++)
                    v += ws->acc[s * ws->acc_stride + j * ld + k];
                if (k < m)
                    buf[j * m + k] = v;
                else if (j < m)
                    buf[m * m + j] = v;
                else
                    buf[m * m + m] = v;
            }
    }
    lr_blas_serial_end(saved);
}

int lr_gram_sums(const lr_kernel_state *ks, int det, double *buf)
{
    lr_gram_ws ws;
    int st = lr_gram_ws_alloc(&ws, ks, det);
    if (st != LR_SUCCESS)
        return st;
    lr_kernel_gram_blas(ks, &ws, buf);
    lr_gram_ws_free(&ws);
    return LR_SUCCESS;
}

const char *lr_blas_name(void)
{
    return openblas_get_config();
}
