/* linreg_dist.h -- liblinreg's hooks for a fit spread over processes
 * (linreg-mpi): the caller supplies the collectives; the library stays
 * free of MPI. */
#ifndef LINREG_DIST_H
#define LINREG_DIST_H

#include "linreg.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Rows per block of the deterministic reduction (and of the OpenMP
 * chunks) for p features: a function of p only. */
LR_API size_t lr_block_rows(size_t p);

/* A fit spread over processes (linreg-mpi): this process holds rows
 * [row_lo, row_lo + n) of n_global, with row_lo on a block boundary
 * (a multiple of lr_block_rows(p)); the caller supplies the collectives,
 * called from the thread that called the library. */
typedef struct {
    size_t n_global;
    size_t row_lo;
    /* buf[0..count) summed over all processes, in place; every process must
     * receive the same values; 0 on success */
    int (*sum)(double *buf, size_t count, void *ctx);
    /* every process's `count` doubles gathered in process order into all
     * (whose size is the sum of the counts); 0 on success */
    int (*gather)(const double *local, size_t count, double *all, void *ctx);
    /* total doubles gather() returns for per-block partial rows:
     * lr_dist_partial_stride(p) times the global number of blocks */
    size_t gather_total;
    void *ctx;
} lr_dist;

/* Doubles per block partial row of the deterministic reduction: p + 2
 * (X^T r, sum r, sum r^2) padded to a multiple of 8 (64-byte rows). */
LR_API size_t lr_dist_partial_stride(size_t p);

/* A workspace over this process's rows (X.rows of them); with
 * par->deterministic the block partials of all processes are combined in
 * global block order, so the model is the same to the bit for any process
 * and thread count, and equal to lr_gd_alloc on all the rows. Statuses as
 * lr_gd_alloc; a nonzero return of sum or gather makes the calls that
 * needed it return LR_EIO. */
LR_API int lr_gd_alloc_dist(lr_matrix X, const double *y, const lr_params *par,
                     const lr_dist *dist, lr_gd **out);

/* lr_solve over the processes of a distributed fit (the Gram matrix and
 * the refinement passes summed with dist->sum): every process gets the
 * exact optimum of all the rows. */
LR_API int lr_solve_dist(lr_matrix X, const double *y, const lr_params *par,
                  const lr_dist *dist, double *w, double *b, double *mse);

/* Rows [row_lo, row_lo + nrows) of the LR_GEN_FAST data set that
 * lr_generate would make (X row 0 is row row_lo), for processes that each
 * hold a part (any row_lo). coef (p) is the whole set's. LR_SUCCESS or
 * LR_EINVAL. */
LR_API int lr_generate_rows(const lr_gen_params *gp, size_t row_lo, size_t nrows,
                     double *X, double *y, double *coef);

#ifdef __cplusplus
}
#endif
#endif /* LINREG_DIST_H */
