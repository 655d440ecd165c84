/* solve_dual.c -- the exact optimum of wide ridge problems (p > n, l2 > 0)
 * through the n x n dual system. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "lr_internal.h"

/* The dual of ridge for p > n. With the intercept unpenalized, the
 * optimal c makes the residual mean zero, so on centred columns
 * zc_j = (x_j - s_j) / d_j (s_j the mean with an intercept, else 0; d_j the
 * sd with --standardize, else 1) and yc = y - mean(y) the problem is
 * min |Zc v - yc|^2 / 2n + l2/2 |v|^2, whose solution is v = Zc^T a with
 * (Zc Zc^T + n l2 I) a = yc: an n x n system (Hastie, Tibshirani and
 * Friedman, ESL 2nd ed., 18.3.5). Then w_j = v_j / d_j,
 * b = mean(y) - sum w_j s_j. K = Zc Zc^T is formed row by row without a
 * copy of X; the residual of the refinement steps,
 * yc - Zc (Zc^T a) - n l2 a, comes from X itself, not from K. */
static void dual_row(const double *X, const float *Xf, size_t p, size_t i,
                     const double *s, const double *d, double *z)
{
    for (size_t j = 0; j < p; j++)
        z[j] = (lr_xat(X, Xf, i * p + j) - s[j]) / d[j];
}

int lr_solve_dual(const double *X, const float *Xf, const double *y,
                      size_t n, size_t p, const lr_params *par, double *w,
                      double *b, double *mse)
{
    const int icpt = par->intercept;
    const double l2 = par->l2, dn = (double)n;
    size_t cells;
    if ((!X && !Xf) || !y || !w || !b || n == 0 || p == 0 || !(l2 > 0)
        || !lr_mul_ok(n, n, &cells) || !lr_mul_ok(cells, sizeof(double), &cells))
        return LR_EINVAL;
    double *s = calloc(p, sizeof *s), *d = malloc(p * sizeof *d);
    double *zi = malloc(p * sizeof *zi), *zk = malloc(p * sizeof *zk);
    double *v = malloc(p * sizeof *v);
    gsl_matrix *K = gsl_matrix_alloc(n, n);
    gsl_vector *yc = gsl_vector_alloc(n), *a = gsl_vector_alloc(n);
    gsl_vector *r = gsl_vector_alloc(n), *da = gsl_vector_alloc(n);
    int st = LR_ENOMEM;
    if (!s || !d || !zi || !zk || !v || !K || !yc || !a || !r || !da)
        goto done;
    lr_column_stats(X, Xf, n, p, icpt, s, d);
    for (size_t j = 0; j < p && !par->standardize; j++)
        d[j] = 1.0; /* centred only */
    double ym = 0.0;
    for (size_t i = 0; icpt && i < n; i++)
        ym += y[i];
    ym /= dn;
    for (size_t i = 0; i < n; i++)
        gsl_vector_set(yc, i, y[i] - ym);
    /* K + n l2 I, lower triangle (all Cholesky reads) */
    for (size_t i = 0; i < n; i++) {
        dual_row(X, Xf, p, i, s, d, zi);
        for (size_t k = 0; k <= i; k++) {
            dual_row(X, Xf, p, k, s, d, zk);
            double t = 0.0;
            for (size_t j = 0; j < p; j++)
                t += zi[j] * zk[j];
            gsl_matrix_set(K, i, k, t + (i == k ? dn * l2 : 0.0));
        }
    }
    st = LR_ESOLVE;
    if (gsl_linalg_cholesky_decomp1(K) != GSL_SUCCESS
        || gsl_linalg_cholesky_solve(K, yc, a) != GSL_SUCCESS)
        goto done;
    for (int it = 0; it < 4; it++) {
        /* v = Zc^T a, then r = yc - Zc v - n l2 a */
        memset(v, 0, p * sizeof *v);
        for (size_t i = 0; i < n; i++) {
            dual_row(X, Xf, p, i, s, d, zi);
            const double ai = gsl_vector_get(a, i);
            for (size_t j = 0; j < p; j++)
                v[j] += ai * zi[j];
        }
        if (it == 3)
            break;
        double amax = 0.0, dmax = 0.0;
        for (size_t i = 0; i < n; i++) {
            dual_row(X, Xf, p, i, s, d, zi);
            double t = 0.0;
            for (size_t j = 0; j < p; j++)
                t += zi[j] * v[j];
            gsl_vector_set(r, i, gsl_vector_get(yc, i) - t
                                 - dn * l2 * gsl_vector_get(a, i));
        }
        if (gsl_linalg_cholesky_solve(K, r, da) != GSL_SUCCESS)
            goto done;
        for (size_t i = 0; i < n; i++) {
            gsl_vector_set(a, i, gsl_vector_get(a, i) + gsl_vector_get(da, i));
            amax = fmax(amax, fabs(gsl_vector_get(a, i)));
            dmax = fmax(dmax, fabs(gsl_vector_get(da, i)));
        }
        if (dmax <= 1e-15 * amax)
            it = 2; /* converged: one last v */
    }
    double bb;
    lr_unscale(p, s, d, v, icpt ? ym : 0.0, w, &bb);
    st = LR_SUCCESS;
    for (size_t j = 0; j < p; j++)
        if (!isfinite(w[j]))
            st = LR_ESOLVE;
    *b = bb;
    if (!isfinite(bb))
        st = LR_ESOLVE;
    if (mse && st == LR_SUCCESS) {
        lr_score(lr_matrix_of(X, Xf, n, p), y, w, bb, mse, NULL);
    }
done:
    free(s);
    free(d);
    free(zi);
    free(zk);
    free(v);
    gsl_matrix_free(K);
    gsl_vector_free(yc);
    gsl_vector_free(a);
    gsl_vector_free(r);
    gsl_vector_free(da);
    return st;
}
