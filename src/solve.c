/* solve.c -- the exact least-squares optimum, the yardstick for
 * convergence: GSL's SVD-based gsl_multifit_linear on Xa = [1 X], with
 * column balancing, stable on ill-conditioned designs. */
#include <math.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>

#include "lr_internal.h"

/* X[i*p + j] from whichever storage is given. */
static inline double xat(const double *X, const float *Xf, size_t k)
{
    return X ? X[k] : (double)Xf[k];
}

static int solve(const double *X, const float *Xf, const double *y, size_t n,
                 size_t p, double *w, double *b, double *mse)
{
    size_t cells;
    if ((!X && !Xf) || !y || !w || !b || n == 0 || p == 0
        || p >= SIZE_MAX - 1 || !lr_mul_ok(n, p + 1, &cells))
        return LR_EINVAL;
    if (n < p + 1)
        return LR_ESOLVE; /* under-determined: no unique optimum */
    gsl_matrix *A = gsl_matrix_alloc(n, p + 1);
    gsl_vector *yv = gsl_vector_alloc(n);
    gsl_vector *c = gsl_vector_alloc(p + 1);
    gsl_matrix *cov = gsl_matrix_alloc(p + 1, p + 1);
    gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc(n, p + 1);
    int st = LR_ENOMEM;
    if (A && yv && c && cov && ws) {
        for (size_t i = 0; i < n; i++) {
            gsl_matrix_set(A, i, 0, 1.0);
            for (size_t j = 0; j < p; j++)
                gsl_matrix_set(A, i, j + 1, xat(X, Xf, i * p + j));
            gsl_vector_set(yv, i, y[i]);
        }
        double chisq;
        st = gsl_multifit_linear(A, yv, c, cov, &chisq, ws) == GSL_SUCCESS
             ? LR_SUCCESS : LR_ESOLVE;
        if (st == LR_SUCCESS) {
            *b = gsl_vector_get(c, 0);
            for (size_t j = 0; j < p; j++)
                w[j] = gsl_vector_get(c, j + 1);
            if (mse) {
                /* recomputed the way the trainer measures its loss, so
                 * the gap (mse - mse*)/mse* compares like with like */
                double sse = 0.0;
                for (size_t i = 0; i < n; i++) {
                    double s = 0.0;
                    for (size_t j = 0; j < p; j++)
                        s += xat(X, Xf, i * p + j) * w[j];
                    double r = s + *b - y[i];
                    sse += r * r;
                }
                *mse = sse / (double)n;
            }
            for (size_t j = 0; j <= p; j++)
                if (!isfinite(gsl_vector_get(c, j)))
                    st = LR_ESOLVE;
        }
    }
    gsl_matrix_free(A);
    gsl_vector_free(yv);
    gsl_vector_free(c);
    gsl_matrix_free(cov);
    gsl_multifit_linear_free(ws);
    return st;
}

int lr_solve_exact(const double *X, const double *y, size_t n, size_t p,
                   double *w, double *b, double *mse)
{
    return X ? solve(X, NULL, y, n, p, w, b, mse) : LR_EINVAL;
}

int lr_solve_exact_f32(const float *X, const double *y, size_t n, size_t p,
                       double *w, double *b, double *mse)
{
    return X ? solve(NULL, X, y, n, p, w, b, mse) : LR_EINVAL;
}
