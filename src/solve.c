/* solve.c -- the exact optimum, the yardstick for convergence: GSL's
 * SVD-based least squares (gsl_multifit_linear, which balances columns) on
 * the same problem gradient descent solves: with or without an intercept,
 * standardized columns, and ridge rows sqrt(n l2) I appended for the l2
 * term (MSE/2 + l2/2 |v|^2 = (|A theta - y|^2 + n l2 |v|^2) / 2n). */
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include <string.h>
#include <gsl/gsl_linalg.h>
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
                if (X)
                    lr_score(X, y, n, p, w, *b, mse, NULL);
                else
                    lr_score_f32(Xf, y, n, p, w, *b, mse, NULL);
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

/* One step of the large-problem path: after the linear map of gd.c,
 * theta = [v, c] with v_j = w_j s_j and c = b + sum w_j mu_j. */
static int step_noop(void *ctx, int phase)
{
    (void)ctx;
    return phase == LR_PHASE_EVAL;
}

/* Large problems: GSL's SVD copies X and runs unblocked (107 s at
 * 1e5 x 257 here). Instead: the Gram matrix of [X 1] in one parallel pass,
 * standardized in place, solved by GSL's SVD of the small (p+1)^2 system,
 * then refined by Newton steps whose gradients come from fresh passes over
 * X (iterative refinement: the normal equations' squared conditioning
 * affects only the correction, not the residual). */
static int solve_large(const double *X, const float *Xf, const double *y,
                       size_t n, size_t p, const lr_params *par,
                       const lr_dist *dist, double *w, double *b, double *mse)
{
    const size_t m = p + 1, len = m * m + m + 1, stride = (len + 7) / 8 * 8;
    const int icpt = par->intercept;
    const int threads = lr_threads_resolve(0);
    lr_kernel_state ks;
    memset(&ks, 0, sizeof ks);
    ks.X = X;
    ks.Xf = Xf;
    ks.y = y;
    ks.n = n;
    ks.p = p;
    ks.chunk_rows = lr_chunk_rows(p);
    ks.threads = threads;
    ks.stride = (p + 2 + 7) / 8 * 8;
    ks.mode = p > LR_CLAUSE_MAX_P ? LR_KMODE_HEAP : LR_KMODE_CLAUSE;
    ks.nunits = (size_t)threads;
    double *buf = malloc(len * sizeof *buf);
    double *gpart = len > LR_GRAM_CLAUSE_MAX
                    ? malloc((size_t)threads * stride * sizeof *gpart) : NULL;
    double *kpart = malloc((size_t)threads * ks.stride * sizeof *kpart);
    double *acc = malloc(ks.stride * sizeof *acc);
    double *mu = calloc(p, sizeof *mu), *sd = malloc(p * sizeof *sd);
    double *th = calloc(m, sizeof *th), *g = malloc(m * sizeof *g);
    gsl_matrix *H = gsl_matrix_alloc(m, m), *V = gsl_matrix_alloc(m, m);
    gsl_vector *S = gsl_vector_alloc(m), *work = gsl_vector_alloc(m);
    gsl_vector *rhs = gsl_vector_alloc(m), *dx = gsl_vector_alloc(m);
    int st = LR_ENOMEM;
    double wb = 0.0;
    if (!buf || (len > LR_GRAM_CLAUSE_MAX && !gpart) || !kpart || !acc || !mu
        || !sd || !th || !g || !H || !V || !S || !work || !rhs || !dx)
        goto done;
    ks.part = kpart;
    ks.acc = acc;
    ks.w = w;
    ks.b = &wb;
    lr_kernel_gram(&ks, buf, gpart, stride);
    if (dist)
        dist->sum(buf, len, dist->ctx);
    /* G (upper triangle) of [X 1], c = [X 1]^T y: standardize columns:
     * mu_j = G[j][p]/n, var_j = G[j][j]/n - mu_j^2 (refinement repairs the
     * cancellation this costs) */
    const double *G = buf;
    const double dn = (double)(dist ? dist->n_global : n);
    for (size_t j = 0; j < p; j++) {
        mu[j] = icpt ? G[j * m + p] / dn : 0.0;
        double v = G[j * m + j] / dn - mu[j] * mu[j];
        sd[j] = v > 0 && isfinite(v) ? sqrt(v) : 1.0;
    }
    /* the l2 term is on the standardized weights with standardize, else on
     * the raw ones: l2 |w|^2 = sum l2 (v_j / s_j)^2 */
    double *lam = g; /* scratch until the refinement loop */
    for (size_t j = 0; j < p; j++)
        lam[j] = par->standardize ? par->l2 : par->l2 / (sd[j] * sd[j]);
    /* H = Z^T Z / n with z_j = (x_j - mu_j)/s_j and the ones column */
    for (size_t j = 0; j < m; j++)
        for (size_t k = j; k < m; k++) {
            double v;
            if (j < p && k < p)
                v = (G[j * m + k] / dn - mu[j] * mu[k]) / (sd[j] * sd[k]);
            else if (j < p) /* k == p: mean of z_j is 0 when centred */
                v = (G[j * m + p] / dn - mu[j]) / sd[j];
            else
                v = 1.0;
            if (j == k && j < p)
                v += lam[j];
            gsl_matrix_set(H, j, k, v);
            gsl_matrix_set(H, k, j, v);
        }
    if (!icpt)
        for (size_t k = 0; k < m; k++) {
            gsl_matrix_set(H, p, k, k == p ? 1.0 : 0.0);
            gsl_matrix_set(H, k, p, k == p ? 1.0 : 0.0);
        }
    if (gsl_linalg_SV_decomp(H, V, S, work) != GSL_SUCCESS) {
        st = LR_ESOLVE;
        goto done;
    }
    /* singular values below eps * max are dropped (a rank-deficient design
     * gets its minimum-norm solution) */
    const double smax = gsl_vector_get(S, 0);
    for (size_t k = 0; k < m; k++)
        if (gsl_vector_get(S, k) < 1e-15 * smax)
            gsl_vector_set(S, k, 0.0);
    for (int it = 0; it < 4; it++) {
        /* raw weights of theta, one pass for the gradient there */
        double c = icpt ? th[p] : 0.0;
        for (size_t j = 0; j < p; j++) {
            w[j] = th[j] / sd[j];
            c -= w[j] * mu[j];
        }
        wb = c;
        memset(acc, 0, ks.stride * sizeof *acc);
        lr_kernel_run(&ks, 1, step_noop, NULL);
        if (dist)
            dist->sum(acc, p + 2, dist->ctx);
        const double R = acc[p] / dn;
        for (size_t j = 0; j < p; j++) {
            double lj = par->standardize ? par->l2 : par->l2 / (sd[j] * sd[j]);
            g[j] = (acc[j] / dn - mu[j] * R) / sd[j] + lj * th[j];
        }
        g[p] = icpt ? R : 0.0;
        for (size_t k = 0; k < m; k++)
            gsl_vector_set(rhs, k, -g[k]);
        if (gsl_linalg_SV_solve(H, V, S, rhs, dx) != GSL_SUCCESS) {
            st = LR_ESOLVE;
            goto done;
        }
        double dmax = 0.0, tmax = 0.0;
        for (size_t k = 0; k < m; k++) {
            th[k] += gsl_vector_get(dx, k);
            dmax = fmax(dmax, fabs(gsl_vector_get(dx, k)));
            tmax = fmax(tmax, fabs(th[k]));
        }
        if (it > 0 && dmax <= 1e-15 * tmax)
            break;
    }
    {
        double c = icpt ? th[p] : 0.0;
        for (size_t j = 0; j < p; j++) {
            w[j] = th[j] / sd[j];
            c -= w[j] * mu[j];
        }
        *b = c;
        wb = c;
    }
    if (mse) {
        memset(acc, 0, ks.stride * sizeof *acc);
        lr_kernel_run(&ks, 1, step_noop, NULL);
        if (dist)
            dist->sum(acc, p + 2, dist->ctx);
        *mse = acc[p + 1] / dn;
    }
    st = LR_SUCCESS;
    for (size_t j = 0; j < p; j++)
        if (!isfinite(w[j]))
            st = LR_ESOLVE;
    if (!isfinite(*b))
        st = LR_ESOLVE;
done:
    free(buf);
    free(gpart);
    free(kpart);
    free(acc);
    free(mu);
    free(sd);
    free(th);
    free(g);
    gsl_matrix_free(H);
    gsl_matrix_free(V);
    gsl_vector_free(S);
    gsl_vector_free(work);
    gsl_vector_free(rhs);
    gsl_vector_free(dx);
    return st;
}

/* Small problems (the NIST data among them): GSL's SVD on the design
 * itself, the most accurate route; large ones: the Gram route above. */
#define LR_SOLVE_SVD_MAX_CELLS 2000000

static int solve_any(const double *X, const float *Xf, const double *y,
                     size_t n, size_t p, const lr_params *par, double *w,
                     double *b, double *mse)
{
    if ((double)n * (double)(p + 1) > LR_SOLVE_SVD_MAX_CELLS && p <= LR_GRAM_MAX_P
        && n > p + 1)
        return solve_large(X, Xf, y, n, p, par, NULL, w, b, mse);
    return solve(X, Xf, y, n, p, par, w, b, mse);
}

int lr_solve_exact(const double *X, const double *y, size_t n, size_t p,
                   double *w, double *b, double *mse)
{
    lr_params par = lr_params_default();
    return X ? solve_any(X, NULL, y, n, p, &par, w, b, mse) : LR_EINVAL;
}

int lr_solve_exact_f32(const float *X, const double *y, size_t n, size_t p,
                       double *w, double *b, double *mse)
{
    lr_params par = lr_params_default();
    return X ? solve_any(NULL, X, y, n, p, &par, w, b, mse) : LR_EINVAL;
}

int lr_solve(const double *X, const float *Xf, const double *y, size_t n,
             size_t p, const lr_params *par, double *w, double *b, double *mse)
{
    if (!par || lr_params_check(par, NULL) != LR_SUCCESS)
        return LR_EINVAL;
    return solve_any(X, Xf, y, n, p, par, w, b, mse);
}

int lr_solve_dist(const double *X, const float *Xf, const double *y, size_t n,
                  size_t p, const lr_params *par, const lr_dist *dist, double *w,
                  double *b, double *mse)
{
    if (!par || !dist || lr_params_check(par, NULL) != LR_SUCCESS
        || (!X && !Xf) || !y || !w || !b || n == 0 || p == 0
        || p > LR_GRAM_MAX_P || dist->n_global <= p + 1)
        return LR_EINVAL;
    return solve_large(X, Xf, y, n, p, par, dist, w, b, mse);
}
