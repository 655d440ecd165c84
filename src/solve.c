/* solve.c -- the exact optimum, the yardstick for convergence, of the
 * problem gradient descent solves: with or without an intercept,
 * standardized columns, and the l2 term (MSE/2 + l2/2 |v|^2 =
 * (|A theta - y|^2 + n l2 |v|^2) / 2n). Three routes, chosen by cost
 * (lr_solve_plan): GSL's SVD-based least squares (gsl_multifit_linear,
 * which balances columns) with ridge rows sqrt(n l2) I appended, for small
 * problems; the Gram matrix and refinement passes for tall ones; the n x n
 * dual for wide ones with a ridge. */
#include <math.h>
#include <stdint.h>

#include "lr_internal.h"
#include "gram_blas.h"

/* Small problems (the NIST data among them): GSL's SVD on the design
 * itself, the most accurate route, while it is cheap; above, the route
 * whose cost fits the shape: the dual for p > n with a ridge, else the
 * Gram matrix. */
#define LR_SOLVE_SVD_MAX_CELLS 2000000
#define LR_SOLVE_SVD_MAX_FLOPS 2e9

const char *lr_exact_name(int method)
{
    switch (method) {
    case LR_EXACT_SVD: return "svd";
    case LR_EXACT_GRAM: return "gram";
    case LR_EXACT_DUAL: return "dual";
    default: return "auto";
    }
}

static double exact_flops(size_t n, size_t p, const lr_params *par, int method)
{
    const double dn = (double)n, dp = (double)p;
    const double m = dp + (par->intercept ? 1.0 : 0.0);
    switch (method) {
    case LR_EXACT_SVD: {
        const double r = dn + (par->l2 > 0 ? dp : 0.0);
        return 6.0 * r * m * m + 20.0 * m * m * m;
    }
    case LR_EXACT_GRAM:
        return dn * m * m + 20.0 * dn * dp
               + (m > LR_GRAM_SVD_MAX_M ? m * m * m / 3.0 : 21.0 * m * m * m);
    default:
        return dn * dn * dp + dn * dn * dn / 3.0 + 16.0 * dn * dp;
    }
}

int lr_solve_plan(size_t n, size_t p, const lr_params *par, int *method,
                  double *flops)
{
    if (!par || !method || n == 0 || p == 0 || p >= SIZE_MAX - 1
        || lr_params_check(par, NULL) != LR_SUCCESS)
        return LR_EINVAL;
    const size_t m = p + (par->intercept ? 1 : 0);
    const int ridge = par->l2 > 0;
    *method = LR_EXACT_AUTO;
    if (flops)
        *flops = NAN;
    if (m > n && !ridge)
        return LR_ESOLVE; /* under-determined: no unique optimum */
    const double svd = exact_flops(n, p, par, LR_EXACT_SVD);
    int mt;
    if ((double)n * (double)(p + 1) <= LR_SOLVE_SVD_MAX_CELLS
        && svd <= LR_SOLVE_SVD_MAX_FLOPS)
        mt = LR_EXACT_SVD;
    else if (ridge && n < p)
        mt = LR_EXACT_DUAL;
    else if (p <= LR_GRAM_MAX_P)
        mt = LR_EXACT_GRAM;
    else /* n >= p > LR_GRAM_MAX_P: the cheaper of dual and SVD */
        mt = ridge && exact_flops(n, p, par, LR_EXACT_DUAL) < svd
             ? LR_EXACT_DUAL : LR_EXACT_SVD;
    *method = mt;
    if (flops)
        *flops = exact_flops(n, p, par, mt);
    return LR_SUCCESS;
}

static int solve_any(const double *X, const float *Xf, const double *y,
                     size_t n, size_t p, const lr_params *par, int method,
                     double *w, double *b, double *mse)
{
    if (method == LR_EXACT_AUTO) {
        int st = lr_solve_plan(n, p, par, &method, NULL);
        if (st != LR_SUCCESS)
            return st;
    }
    int st, blas;
    switch (method) {
    case LR_EXACT_SVD:
        /* GSL on OpenBLAS: on one thread, the same bits for any count */
        blas = lr_blas_serial_begin();
        st = lr_solve_svd(X, Xf, y, n, p, par, w, b, mse);
        lr_blas_serial_end(blas);
        return st;
    case LR_EXACT_GRAM:
        if ((!X && !Xf) || !y || !w || !b || n == 0 || p == 0
            || p > LR_GRAM_MAX_P)
            return LR_EINVAL;
        if (p + (par->intercept ? 1 : 0) > n && !(par->l2 > 0))
            return LR_ESOLVE;
        return lr_solve_gram(X, Xf, y, n, p, par, NULL, w, b, mse);
    case LR_EXACT_DUAL:
        blas = lr_blas_serial_begin();
        st = lr_solve_dual(X, Xf, y, n, p, par, w, b, mse);
        lr_blas_serial_end(blas);
        return st;
    default: return LR_EINVAL;
    }
}

/* The public entry points: the view checked and split at the boundary,
 * GSL's error handler kept silent around the solvers. */
static int solve_view(const lr_matrix *A, const double *y,
                      const lr_params *par, int method, double *w, double *b,
                      double *mse)
{
    const double *X;
    const float *Xf;
    if (!par || lr_params_check(par, NULL) != LR_SUCCESS
        || lr_matrix_rows(A, &X, &Xf) != LR_SUCCESS)
        return LR_EINVAL;
    lr_gsl_enter();
    int st = solve_any(X, Xf, y, A->rows, A->cols, par, method, w, b, mse);
    lr_gsl_leave();
    return st;
}

int lr_solve_method(lr_matrix X, const double *y, const lr_params *par,
                    int method, double *w, double *b, double *mse)
{
    return solve_view(&X, y, par, method, w, b, mse);
}

int lr_solve_exact(lr_matrix X, const double *y, double *w, double *b,
                   double *mse)
{
    lr_params par = lr_params_default();
    return solve_view(&X, y, &par, LR_EXACT_AUTO, w, b, mse);
}

int lr_solve(lr_matrix X, const double *y, const lr_params *par, double *w,
             double *b, double *mse)
{
    return solve_view(&X, y, par, LR_EXACT_AUTO, w, b, mse);
}

int lr_solve_dist(lr_matrix A, const double *y, const lr_params *par,
                  const lr_dist *dist, double *w, double *b, double *mse)
{
    const double *X;
    const float *Xf;
    const size_t n = A.rows, p = A.cols;
    if (!par || !dist || !dist->sum || lr_params_check(par, NULL) != LR_SUCCESS
        || lr_matrix_rows(&A, &X, &Xf) != LR_SUCCESS || !y || !w || !b
        || p > LR_GRAM_MAX_P || dist->n_global <= p + 1)
        return LR_EINVAL;
    lr_gsl_enter();
    int st = lr_solve_gram(X, Xf, y, n, p, par, dist, w, b, mse);
    lr_gsl_leave();
    return st;
}
