/* solve.c -- the exact optimum, the yardstick for convergence, of the
 * problem gradient descent solves: with or without an intercept,
 * standardized columns, and the l2 term (MSE/2 + l2/2 |v|^2 =
 * (|A theta - y|^2 + n l2 |v|^2) / 2n). Three routes, chosen by cost
 * (lr_solve_plan): GSL's SVD-based least squares (gsl_multifit_linear,
 * which balances columns) with ridge rows sqrt(n l2) I appended, for small
 * problems; the Gram matrix and refinement passes for tall ones; the n x n
 * dual for wide ones with a ridge. */
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

/* Above this order the Gram route factors by Cholesky instead of SVD. */
#define LR_GRAM_SVD_MAX_M 512

/* Cholesky of the symmetric H in place, keeping a copy in B. A design
 * that is rank-deficient without a ridge leaves H singular (or, by
 * rounding, slightly indefinite): then the factor of H + d I, d growing
 * from 1e-13 of the largest diagonal entry, serves the refinement as an
 * approximate inverse (each Newton step shrinks the error by d / (lambda + d)
 * along an eigenvector of H with eigenvalue lambda; null directions, where
 * the gradient vanishes, stay put). */
static int chol_shifted(gsl_matrix *H, gsl_matrix *B)
{
    const size_t m = H->size1;
    double dmax = 0.0;
    for (size_t k = 0; k < m; k++)
        dmax = fmax(dmax, gsl_matrix_get(H, k, k));
    gsl_matrix_memcpy(B, H);
    if (gsl_linalg_cholesky_decomp1(H) == GSL_SUCCESS)
        return GSL_SUCCESS;
    for (double d = 1e-13 * dmax; d <= 1e-3 * dmax && d > 0; d *= 100.0) {
        gsl_matrix_memcpy(H, B);
        for (size_t k = 0; k < m; k++)
            gsl_matrix_set(H, k, k, gsl_matrix_get(H, k, k) + d);
        if (gsl_linalg_cholesky_decomp1(H) == GSL_SUCCESS)
            return GSL_SUCCESS;
    }
    return GSL_EDOM;
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
    /* SVD of H while it is cheap (21 m^3 flops, 0.4 s at m = 512 here);
     * above, Cholesky (m^3 / 3): 190 s against 6 s at m = 4097 */
    const int chol = m > LR_GRAM_SVD_MAX_M;
    if (chol) {
        if (chol_shifted(H, V) != GSL_SUCCESS) {
            st = LR_ESOLVE;
            goto done;
        }
    } else {
        if (gsl_linalg_SV_decomp(H, V, S, work) != GSL_SUCCESS) {
            st = LR_ESOLVE;
            goto done;
        }
        /* singular values below eps * max are dropped (a rank-deficient
         * design gets its minimum-norm solution) */
        const double smax = gsl_vector_get(S, 0);
        for (size_t k = 0; k < m; k++)
            if (gsl_vector_get(S, k) < 1e-15 * smax)
                gsl_vector_set(S, k, 0.0);
    }
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
        if ((chol ? gsl_linalg_cholesky_solve(H, rhs, dx)
                  : gsl_linalg_SV_solve(H, V, S, rhs, dx)) != GSL_SUCCESS) {
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
        z[j] = (xat(X, Xf, i * p + j) - s[j]) / d[j];
}

static int solve_dual(const double *X, const float *Xf, const double *y,
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
    if (par->standardize) {
        lr_column_stats(X, Xf, n, p, icpt, s, d);
    } else {
        for (size_t j = 0; j < p; j++)
            d[j] = 1.0;
        if (icpt) {
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < p; j++)
                    s[j] += xat(X, Xf, i * p + j);
            for (size_t j = 0; j < p; j++)
                s[j] /= dn;
        }
    }
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
    double bb = icpt ? ym : 0.0;
    st = LR_SUCCESS;
    for (size_t j = 0; j < p; j++) {
        w[j] = v[j] / d[j];
        bb -= w[j] * s[j];
        if (!isfinite(w[j]))
            st = LR_ESOLVE;
    }
    *b = bb;
    if (!isfinite(bb))
        st = LR_ESOLVE;
    if (mse && st == LR_SUCCESS) {
        if (X)
            lr_score(X, y, n, p, w, bb, mse, NULL);
        else
            lr_score_f32(Xf, y, n, p, w, bb, mse, NULL);
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
    switch (method) {
    case LR_EXACT_SVD: return solve(X, Xf, y, n, p, par, w, b, mse);
    case LR_EXACT_GRAM:
        if ((!X && !Xf) || !y || !w || !b || n == 0 || p == 0
            || p > LR_GRAM_MAX_P)
            return LR_EINVAL;
        if (p + (par->intercept ? 1 : 0) > n && !(par->l2 > 0))
            return LR_ESOLVE;
        return solve_large(X, Xf, y, n, p, par, NULL, w, b, mse);
    case LR_EXACT_DUAL: return solve_dual(X, Xf, y, n, p, par, w, b, mse);
    default: return LR_EINVAL;
    }
}

int lr_solve_method(const double *X, const float *Xf, const double *y,
                    size_t n, size_t p, const lr_params *par, int method,
                    double *w, double *b, double *mse)
{
    if (!par || lr_params_check(par, NULL) != LR_SUCCESS)
        return LR_EINVAL;
    return solve_any(X, Xf, y, n, p, par, method, w, b, mse);
}

int lr_solve_exact(const double *X, const double *y, size_t n, size_t p,
                   double *w, double *b, double *mse)
{
    lr_params par = lr_params_default();
    return X ? solve_any(X, NULL, y, n, p, &par, LR_EXACT_AUTO, w, b, mse) : LR_EINVAL;
}

int lr_solve_exact_f32(const float *X, const double *y, size_t n, size_t p,
                       double *w, double *b, double *mse)
{
    lr_params par = lr_params_default();
    return X ? solve_any(NULL, X, y, n, p, &par, LR_EXACT_AUTO, w, b, mse) : LR_EINVAL;
}

int lr_solve(const double *X, const float *Xf, const double *y, size_t n,
             size_t p, const lr_params *par, double *w, double *b, double *mse)
{
    if (!par || lr_params_check(par, NULL) != LR_SUCCESS)
        return LR_EINVAL;
    return solve_any(X, Xf, y, n, p, par, LR_EXACT_AUTO, w, b, mse);
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

/* The bits of a value, with -0 as +0 (so that equal values hash equally). */
static uint64_t value_bits(const double *X, const float *Xf, size_t k)
{
    double v = xat(X, Xf, k);
    uint64_t u;
    if (v == 0.0)
        v = 0.0;
    memcpy(&u, &v, sizeof u);
    return u;
}

typedef struct {
    uint64_t hash;
    size_t col;
} col_hash;

static int cmp_hash(const void *a, const void *b)
{
    const col_hash *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return x->col < y->col ? -1 : x->col > y->col; /* the first occurrence first */
}

/* Constant columns: compared with row 0. Duplicates: a hash of each column
 * (one pass, row by row), columns sorted by hash, and equal hashes compared
 * value by value. */
long lr_design_check(const double *X, const float *Xf, size_t n, size_t p,
                     int intercept, long *dep)
{
    if (!dep)
        return -1;
    for (size_t j = 0; j < p; j++)
        dep[j] = LR_COL_OK;
    if ((!X && !Xf) || n == 0 || p == 0)
        return 0;
    col_hash *h = malloc(p * sizeof *h);
    unsigned char *cst = malloc(p);
    if (!h || !cst) {
        free(h);
        free(cst);
        return -1;
    }
    for (size_t j = 0; j < p; j++) {
        h[j].hash = 0x9e3779b97f4a7c15u;
        h[j].col = j;
        cst[j] = intercept || xat(X, Xf, j) == 0.0;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++) {
            const size_t k = i * p + j;
            uint64_t t = (h[j].hash ^ value_bits(X, Xf, k)) * 0x100000001b3u;
            h[j].hash = t ^ (t >> 29);
            if (cst[j] && xat(X, Xf, k) != xat(X, Xf, j))
                cst[j] = 0;
        }
    long count = 0;
    for (size_t j = 0; j < p; j++)
        if (cst[j]) {
            dep[j] = LR_COL_CONSTANT;
            count++;
        }
    qsort(h, p, sizeof *h, cmp_hash);
    for (size_t a = 0; a < p; a++) {
        const size_t j = h[a].col;
        if (dep[j] != LR_COL_OK)
            continue;
        /* an earlier column with the same hash and values */
        for (size_t c = a; c-- > 0 && h[c].hash == h[a].hash;) {
            const size_t k = h[c].col;
            if (dep[k] == LR_COL_CONSTANT)
                continue;
            size_t i = 0;
            while (i < n && value_bits(X, Xf, i * p + j)
                                == value_bits(X, Xf, i * p + k))
                i++;
            if (i == n) {
                dep[j] = dep[k] >= 0 ? dep[k] : (long)k;
                count++;
                break;
            }
        }
    }
    free(h);
    free(cst);
    return count;
}
