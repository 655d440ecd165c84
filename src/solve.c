/* solve.c -- the exact optimum, the yardstick for convergence: GSL's
 * SVD-based least squares (gsl_multifit_linear, which balances columns) on
 * the same problem gradient descent solves: with or without an intercept,
 * standardized columns, and ridge rows sqrt(n l2) I appended for the l2
 * term (MSE/2 + l2/2 |v|^2 = (|A theta - y|^2 + n l2 |v|^2) / 2n). */
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>

#include "lr_internal.h"

/* X[i*p + j] from whichever storage is given. */
static inline double xat(const double *X, const float *Xf, size_t k)
{
    return X ? X[k] : (double)Xf[k];
}

void lr_column_stats(const double *X, const float *Xf, size_t n, size_t p,
                     int center, double *mu, double *sd)
{
    for (size_t j = 0; j < p; j++)
        mu[j] = sd[j] = 0.0;
    if (center) {
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < p; j++)
                mu[j] += xat(X, Xf, i * p + j);
        for (size_t j = 0; j < p; j++)
            mu[j] /= (double)n;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++) {
            double d = xat(X, Xf, i * p + j) - mu[j];
            sd[j] += d * d;
        }
    for (size_t j = 0; j < p; j++) {
        sd[j] = sqrt(sd[j] / (double)n);
        if (!(sd[j] > 0) || !isfinite(sd[j]))
            sd[j] = 1.0;
    }
}

static int solve(const double *X, const float *Xf, const double *y, size_t n,
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
                gsl_matrix_set(A, i, j, (xat(X, Xf, i * p + j) - mu[j]) / sd[j]);
            if (icpt)
                gsl_matrix_set(A, i, p, 1.0);
            gsl_vector_set(yv, i, y[i]);
        }
        for (size_t j = 0; j < p && l2 > 0; j++)
            gsl_matrix_set(A, n + j, j, sqrt((double)n * l2));
        double chisq;
        st = gsl_multifit_linear(A, yv, c, cov, &chisq, ws) == GSL_SUCCESS
             ? LR_SUCCESS : LR_ESOLVE;
        if (st == LR_SUCCESS) {
            double bb = icpt ? gsl_vector_get(c, p) : 0.0;
            for (size_t j = 0; j < p; j++) {
                w[j] = gsl_vector_get(c, j) / sd[j];
                bb -= w[j] * mu[j];
            }
            *b = bb;
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

int lr_solve_exact(const double *X, const double *y, size_t n, size_t p,
                   double *w, double *b, double *mse)
{
    lr_params par = lr_params_default();
    return X ? solve(X, NULL, y, n, p, &par, w, b, mse) : LR_EINVAL;
}

int lr_solve_exact_f32(const float *X, const double *y, size_t n, size_t p,
                       double *w, double *b, double *mse)
{
    lr_params par = lr_params_default();
    return X ? solve(NULL, X, y, n, p, &par, w, b, mse) : LR_EINVAL;
}

int lr_solve(const double *X, const float *Xf, const double *y, size_t n,
             size_t p, const lr_params *par, double *w, double *b, double *mse)
{
    if (!par || lr_params_check(par, NULL) != LR_SUCCESS)
        return LR_EINVAL;
    return solve(X, Xf, y, n, p, par, w, b, mse);
}
