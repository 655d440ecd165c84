/* gram_blas.h -- the Gram sums of [X 1 y] by the BLAS (dsyrk on blocks of
 * rows), shared by the gram solver (gram.c) and the exact reference's Gram
 * route (solve_gram.c); not public. */
#ifndef LR_GRAM_BLAS_H
#define LR_GRAM_BLAS_H

#include "lr_internal.h"

/* The workspace of one Gram pass: partial sums per slab (a contiguous range
 * of row blocks, summed serially in block order) and one block buffer per
 * thread. Sizes from lr_gram_ws_alloc; the caller owns both arrays. */
typedef struct {
    size_t slabs;       /* partials, added in slab order */
    size_t blk_rows;    /* rows per dsyrk call: a function of p only */
    size_t ld;          /* p + 2: the columns of [X 1 y] */
    size_t acc_stride;  /* doubles per slab partial (ld^2, padded) */
    size_t blk_stride;  /* doubles per thread's block of [X 1 y] */
    double *acc;        /* slabs x acc_stride */
    double *blk;        /* threads x blk_stride */
} lr_gram_ws;

/* Slabs with deterministic (bits independent of the thread count): at most
 * this many, and no more partials than LR_GRAM_DET_MAX_DOUBLES in all. */
#define LR_GRAM_DET_SLABS 16
#define LR_GRAM_DET_MAX_DOUBLES ((size_t)1 << 25)

/* Sizes and allocates ws for a Gram pass over ks (its X or Xf, y, n, p and
 * thread count): with det the slabs are fixed by n and p alone, else one
 * per thread. LR_SUCCESS or LR_ENOMEM (ws then holds nothing). */
int lr_gram_ws_alloc(lr_gram_ws *ws, const lr_kernel_state *ks, int det);
void lr_gram_ws_free(lr_gram_ws *ws);

/* buf (m*m + m + 1, m = p + 1) receives the upper triangle of Xa^T Xa,
 * Xa^T y and y^T y of Xa = [X 1] (sums, not divided by n), as
 * lr_kernel_gram gives them: blocks of rows of [X 1 y] converted to double
 * and handed to the BLAS's dsyrk (one BLAS thread per OpenMP thread, on
 * ks->threads threads), the slab partials added in slab order. */
void lr_kernel_gram_blas(const lr_kernel_state *ks, const lr_gram_ws *ws,
                         double *buf);

/* The same with its own workspace: LR_SUCCESS or LR_ENOMEM. */
int lr_gram_sums(const lr_kernel_state *ks, int det, double *buf);

/* OpenBLAS on one thread for the BLAS calls the calling thread makes until
 * lr_blas_serial_end(the value returned): around GSL's factorizations and
 * solves, whose bits (and, for a rank-deficient SVD, whose rank decision)
 * would otherwise depend on the OpenMP thread count. Sets the calling
 * thread's OpenMP thread count to 1 meanwhile (OpenBLAS's OpenMP build
 * takes its count from it); _end puts it back. */
int lr_blas_serial_begin(void);
void lr_blas_serial_end(int saved);

/* The BLAS in use, in words ("OpenBLAS 0.3.21 ... Haswell", or "a CBLAS"
 * when it is not OpenBLAS): for benchmarks and reports. */
const char *lr_blas_name(void);

#endif
