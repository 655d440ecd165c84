/* solve_svd.c -- the exact optimum of small problems (the NIST data among
 * them) by GSL's SVD-based least squares (gsl_multifit_linear, which
 * balances columns) on the design [X 1] itself, with ridge rows
 * sqrt(n l2) I appended: the most accurate route, while it is cheap. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>

#include "lr_internal.h"

int lr_solve_svd(const double *X, const float *Xf, const double *y, size_t n,
                 size_t p, const lr_params *par, double *w, double *b,
                 double *mse)
{
    const int icpt = par->intercept, stdz = par->standardize;
    const double l2 = par->l2;
    const size_t cols = p + (icpt ? 1 : 0), rows = n + (l2 > 0 ? p : 0);
    size_t cells;
    if ((!X && !Xf) || !y || !w || !b || n == 0 || p == 0
        || p >= SIZE_MAX - 1 || !lr_mul_ok(rows, cols, &cells)
        || !lr_mul_ok(cells, sizeof(double), &cells))
        return LR_EINVAL;
    if (rows < cols)
        return LR_ESOLVE; /* under-determined: no unique optimum */
    gsl_matrix *A = gsl_matrix_alloc(rows, cols);
    gsl_vector *yv = gsl_vector_alloc(rows);
    gsl_vector *c = gsl_vector_alloc(cols);
    gsl_matrix *cov = gsl_matrix_alloc(cols, cols);
    gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc(rows, cols);
    double *mu = calloc(p, sizeof *mu), *sd = malloc(p * sizeof *sd);
    int st = LR_ENOMEM;
    if (A && yv && c && cov && ws && mu && sd) {
        if (stdz)
            lr_column_stats(X, Xf, n, p, icpt, mu, sd);
        else
            for (size_t j = 0; j < p; j++)
                sd[j] = 1.0;
        gsl_matrix_set_zero(A);
        gsl_vector_set_zero(yv);
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < p; j++)
                gsl_matrix_set(A, i, j, (lr_xat(X, Xf, i * p + j) - mu[j]) / sd[j]);
            if (icpt)
                gsl_matrix_set(A, i, p, 1.0);
            gsl_vector_set(yv, i, y[i]);
        }
        for (size_t j = 0; j < p && l2 > 0; j++)
            gsl_matrix_set(A, n + j, j, sqrt((double)n * l2));
        /* singular values below eps max(rows, cols) of the largest are
         * dropped (LAPACK's and numpy.linalg.lstsq's default; GSL's eps
         * alone keeps, with OpenBLAS's rounding, a null direction of a
         * rank-deficient design) */
        double chisq;
        size_t rank;
        st = gsl_multifit_linear_tsvd(A, yv, DBL_EPSILON * (double)rows, c,
                                      cov, &chisq, &rank, ws) == GSL_SUCCESS
             ? LR_SUCCESS : LR_ESOLVE;
        if (st == LR_SUCCESS) {
            lr_unscale(p, mu, sd, c->data, icpt ? gsl_vector_get(c, p) : 0.0,
                       w, b);
            if (mse) {
                /* recomputed the way the trainer measures its loss, so
                 * the gap (mse - mse*)/mse* compares like with like */
                lr_score(lr_matrix_of(X, Xf, n, p), y, w, *b, mse, NULL);
            }
            for (size_t j = 0; j < cols; j++)
                if (!isfinite(gsl_vector_get(c, j)))
                    st = LR_ESOLVE;
        }
    }
    gsl_matrix_free(A);
    gsl_vector_free(yv);
    gsl_vector_free(c);
    gsl_matrix_free(cov);
    gsl_multifit_linear_free(ws);
    free(mu);
    free(sd);
    return st;
}
