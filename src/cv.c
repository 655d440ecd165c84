/* cv.c -- K-fold cross-validation of ridge penalties (linreg_cv.h).
 *
 * The exact route reads X twice whatever K and the grid:
 *
 * 1. One parallel pass accumulates, for each fold k, S_k = sum z z^T and
 *    s_k = sum z over its rows, z = [x - x0, y - y0] with (x0, y0) the
 *    first row (0 without an intercept, where a shift would change the
 *    model). The shift keeps the digits that the centring below would
 *    otherwise cancel when a column's mean is large against its spread.
 *    Rows are cut into units (at most CV_UNIT_ROWS rows inside one fold);
 *    each unit is summed serially and added to its fold in unit order
 *    (an `ordered` loop), so the sums do not depend on the thread count.
 * 2. Per fold, the training sums are the total (the folds added in fold
 *    order) less the fold's own: O(K) for K folds, not O(K^2), which
 *    leave-one-out needs. The subtraction's error is that of a sum of
 *    the fold's terms, eps |S_k|, no more than the data's own rounding
 *    against their spread, thanks to the shift. Centred:
 *    C = S/n_t - m m^T with m = s/n_t; standardized (population sd, as
 *    train) when asked. A = C_xx (scaled) = V diag(lambda) V^T by
 *    gsl_eigen_symmv; each penalty a then costs O(p^2):
 *    v = V diag(1 / (lambda + l2_a)) V^T c, and two steps of iterative
 *    refinement with the residual c - (A + l2_a I) v.
 *    w = v / sd, and the intercept in shifted units b = m_y - m_x . w.
 * 3. A second parallel pass scores every penalty on the held-out rows:
 *    r = (x - x0) . w + b - (y - y0), summed as r^2 per unit and added in
 *    unit order. A quadratic form in the fold's own sums would be cheaper
 *    but cancels: w^T S w - 2 w^T s + yy loses the digits of yy / SSE,
 *    and of |w|^2 |S| / SSE when collinear columns make w large.
 *
 * The stream route (lr_cv_stream) fits each (fold, penalty) by gradient
 * descent on a copy of the fold's training rows and scores with pass 3.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>

#include "linreg_cv.h"
#include "gram_blas.h"
#include "lr_internal.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* Rows per unit: a fixed number (never a function of the thread count),
 * large enough that the ordered addition of a unit's (p+2)^2 sums is a
 * small part of its work. */
#define CV_UNIT_ROWS 1024
/* Rows loaded (shifted) together by the Gram kernel. */
#define CV_ROWS 8

int lr_cv_folds(size_t n, size_t folds, size_t *lo)
{
    if (!lo || folds < 2 || folds > n)
        return LR_EINVAL;
    const size_t base = n / folds, extra = n % folds;
    lo[0] = 0;
    for (size_t k = 0; k < folds; k++)
        lo[k + 1] = lo[k] + base + (k < extra ? 1 : 0);
    return LR_SUCCESS;
}

int lr_cv_permutation(size_t n, uint64_t seed, size_t *perm)
{
    if (!perm || seed > 0xffffffffULL)
        return LR_EINVAL;
    lr_nprng *r = lr_nprng_alloc((uint32_t)seed);
    if (!r)
        return LR_ENOMEM;
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    lr_nprng_shuffle(r, perm, n);
    lr_nprng_free(r);
    return LR_SUCCESS;
}

int lr_cv_logspace(double lo, double hi, size_t n, double *out)
{
    if (!out || n == 0 || !(lo > 0) || !(hi > 0) || !isfinite(lo)
        || !isfinite(hi))
        return LR_EINVAL;
    const double a = log10(lo), b = log10(hi);
    for (size_t i = 0; i < n; i++)
        out[i] = pow(10.0, a + (b - a) * (double)i / (double)(n > 1 ? n - 1 : 1));
    out[0] = lo;
    if (n > 1)
        out[n - 1] = hi;
    return LR_SUCCESS;
}

/* The mean and the sample sd (ddof = 1) of f[0..K). */
static void cv_mean_sd(const double *f, size_t K, double *mean, double *sd)
{
    double s = 0.0, ss = 0.0;
    for (size_t k = 0; k < K; k++)
        s += f[k];
    const double mu = s / (double)K;
    for (size_t k = 0; k < K; k++)
        ss += (f[k] - mu) * (f[k] - mu);
    *mean = mu;
    *sd = sqrt(ss / (double)(K - 1));
}

int lr_cv_summary(const double *fold_mse, const double *l2, size_t nl2,
                  size_t folds, double *mean, double *sd, size_t *best,
                  size_t *best_1se)
{
    if (!fold_mse || !l2 || nl2 == 0 || folds < 2)
        return LR_EINVAL;
    size_t ib = 0;
    double mb = 0.0, seb = 0.0;
    for (size_t a = 0; a < nl2; a++) {
        double mu, sdv;
        cv_mean_sd(fold_mse + a * folds, folds, &mu, &sdv);
        if (mean)
            mean[a] = mu;
        if (sd)
            sd[a] = sdv;
        if (a == 0 || mu < mb || (mu == mb && l2[a] > l2[ib])) {
            ib = a;
            mb = mu;
            seb = sdv / sqrt((double)folds);
        }
    }
    /* the one-standard-error rule: the most regularized model within one
     * standard error of the best (Hastie, Tibshirani and Friedman, The
     * Elements of Statistical Learning, 7.10) */
    size_t i1 = ib;
    for (size_t a = 0; a < nl2; a++) {
        double mu, sdv;
        cv_mean_sd(fold_mse + a * folds, folds, &mu, &sdv);
        if (mu <= mb + seb && l2[a] > l2[i1])
            i1 = a;
    }
    if (best)
        *best = ib;
    if (best_1se)
        *best_1se = i1;
    return LR_SUCCESS;
}

/* ---- the passes ---- */

/* Where the rows of each unit are: unit u is rows [us[u], us[u+1]) of the
 * reordered data, inside fold uf[u]. */
typedef struct {
    const double *X;
    const float *Xf;
    const double *y;
    const size_t *perm;
    size_t n, p, folds, nunits;
    size_t *lo, *us, *uf;
    const double *x0;  /* the shift (p + 1: x0 then y0), or NULL */
    int threads;
} cv_rows;

static void cv_rows_free(cv_rows *r)
{
    free(r->lo);
    free(r->us);
    free(r->uf);
}

static int cv_rows_setup(cv_rows *r, size_t folds)
{
    r->folds = folds;
    r->lo = malloc((folds + 1) * sizeof *r->lo);
    if (!r->lo)
        return LR_ENOMEM;
    lr_cv_folds(r->n, folds, r->lo);
    size_t nu = 0;
    for (size_t k = 0; k < folds; k++)
        nu += (r->lo[k + 1] - r->lo[k] + CV_UNIT_ROWS - 1) / CV_UNIT_ROWS;
    r->nunits = nu;
    r->us = malloc((nu + 1) * sizeof *r->us);
    r->uf = malloc(nu * sizeof *r->uf);
    if (!r->us || !r->uf)
        return LR_ENOMEM;
    size_t u = 0;
    for (size_t k = 0; k < folds; k++)
        for (size_t i = r->lo[k]; i < r->lo[k + 1]; i += CV_UNIT_ROWS) {
            r->us[u] = i;
            r->uf[u++] = k;
        }
    r->us[nu] = r->n;
    return LR_SUCCESS;
}

/* z (p + 1) = row i of the reordered data, shifted: [x - x0, y - y0]. */
static inline void cv_load(const cv_rows *r, size_t i, double *z)
{
    const size_t p = r->p, src = r->perm ? r->perm[i] : i;
    for (size_t j = 0; j < p; j++)
        z[j] = lr_xat(r->X, r->Xf, src * p + j) - (r->x0 ? r->x0[j] : 0.0);
    z[p] = r->y[src] - (r->x0 ? r->x0[p] : 0.0);
}

/* acc += [upper triangle of sum z z^T (q x q), sum z (q)], q = p + 1,
 * over rows [lo, hi); zb holds CV_ROWS * q doubles. */
__attribute__((target_clones("avx2", "default")))
static void cv_unit_gram(const cv_rows *r, size_t lo, size_t hi, double *acc,
                         double *zb)
{
    const size_t q = r->p + 1;
    double *S = acc, *s = acc + q * q;
    for (size_t i = lo; i < hi; i += CV_ROWS) {
        const size_t R = hi - i < CV_ROWS ? hi - i : CV_ROWS;
        for (size_t t = 0; t < R; t++)
            cv_load(r, i + t, zb + t * q);
        for (size_t j = 0; j < q; j++) {
            double *Sj = S + j * q;
            for (size_t t = 0; t < R; t++) {
                const double *z = zb + t * q, a = z[j];
                for (size_t k = j; k < q; k++)
                    Sj[k] += a * z[k];
                s[j] += a;
            }
        }
    }
}

/* Pass 1: F (folds rows of `stride`) = each fold's [S, s]. part: a block
 * of cv_part_stride doubles for each thread (lr_part_stride: pages of its
 * own), its partial [S, s] and then its CV_ROWS * (p + 1) staged rows. */
static size_t cv_part_stride(const cv_rows *r)
{
    const size_t q = r->p + 1;
    return lr_part_stride(q * q + q + CV_ROWS * q);
}

static void cv_gram_pass(const cv_rows *r, double *F, size_t stride,
                         double *part)
{
    const size_t q = r->p + 1, len = q * q + q;
    memset(F, 0, r->folds * stride * sizeof *F);
#pragma omp parallel num_threads(r->threads)
    {
        int t = 0;
#ifdef _OPENMP
        t = omp_get_thread_num();
#endif
        double *mine = part + (size_t)t * cv_part_stride(r);
        double *z = mine + len;
#pragma omp for schedule(static, 1) ordered
        for (size_t u = 0; u < r->nunits; u++) {
            memset(mine, 0, len * sizeof *mine);
            cv_unit_gram(r, r->us[u], r->us[u + 1], mine, z);
#pragma omp ordered
            {
                double *f = F + r->uf[u] * stride;
                for (size_t e = 0; e < len; e++)
                    f[e] += mine[e];
            }
        }
    }
}

/* out[a] += sum over rows [lo, hi) of r_a^2, r_a = z . w_a + b_a - z_y,
 * with Wt (p x nl2, penalty fastest) and b (nl2); res: nl2 doubles. */
__attribute__((target_clones("avx2", "default")))
static void cv_unit_sse(const cv_rows *r, size_t lo, size_t hi,
                        const double *Wt, const double *b, size_t nl2,
                        double *out, double *res, double *z)
{
    const size_t p = r->p;
    for (size_t i = lo; i < hi; i++) {
        cv_load(r, i, z);
        for (size_t a = 0; a < nl2; a++)
            res[a] = b[a] - z[p];
        for (size_t j = 0; j < p; j++) {
            const double zj = z[j], *wj = Wt + j * nl2;
            for (size_t a = 0; a < nl2; a++)
                res[a] += zj * wj[a];
        }
        for (size_t a = 0; a < nl2; a++)
            out[a] += res[a] * res[a];
    }
}

/* Doubles of one thread's scratch row in pass 3 (residuals and a row of
 * X): whole pages and a page between threads, as the partial rows (each
 * thread writes its row for every row of X; at p = 9 and one l2, rows of
 * 11 doubles side by side shared cache lines). */
static size_t cv_scratch_stride(size_t nl2, size_t p)
{
    return lr_part_stride(nl2 + p + 1);
}

/* Pass 3: fold_mse[a * folds + k] from the weights of each fold (Wt:
 * folds blocks of p x nl2, b: folds x nl2). upart: nunits x nl2;
 * scratch: threads rows of cv_scratch_stride. */
static void cv_score_pass(const cv_rows *r, const double *Wt, const double *b,
                          size_t nl2, double *upart, double *scratch,
                          double *fold_mse)
{
    const size_t p = r->p, sw = cv_scratch_stride(nl2, p);
    memset(upart, 0, r->nunits * nl2 * sizeof *upart);
#pragma omp parallel num_threads(r->threads)
    {
        int t = 0;
#ifdef _OPENMP
        t = omp_get_thread_num();
#endif
        double *res = scratch + (size_t)t * sw, *z = res + nl2;
#pragma omp for schedule(static)
        for (size_t u = 0; u < r->nunits; u++) {
            const size_t k = r->uf[u];
            cv_unit_sse(r, r->us[u], r->us[u + 1], Wt + k * p * nl2,
                        b + k * nl2, nl2, upart + u * nl2, res, z);
        }
    }
    memset(fold_mse, 0, nl2 * r->folds * sizeof *fold_mse);
    for (size_t u = 0; u < r->nunits; u++)
        for (size_t a = 0; a < nl2; a++)
            fold_mse[a * r->folds + r->uf[u]] += upart[u * nl2 + a];
    for (size_t k = 0; k < r->folds; k++)
        for (size_t a = 0; a < nl2; a++)
            fold_mse[a * r->folds + k] /= (double)(r->lo[k + 1] - r->lo[k]);
}

/* ---- the checks at the boundary ---- */

static int cv_check(lr_matrix X, const double *y, const size_t *perm,
                    size_t folds, const double *l2, size_t nl2,
                    const lr_params *par, const double *fold_mse,
                    cv_rows *r)
{
    memset(r, 0, sizeof *r);
    if (!y || !l2 || nl2 == 0 || !par || !fold_mse
        || lr_params_check(par, NULL) != LR_SUCCESS
        || lr_matrix_rows(&X, &r->X, &r->Xf) != LR_SUCCESS
        || X.cols > LR_GRAM_MAX_P || folds < 2 || folds > X.rows)
        return LR_EINVAL;
    for (size_t a = 0; a < nl2; a++)
        if (!(l2[a] >= 0) || !isfinite(l2[a]))
            return LR_EINVAL;
    r->y = y;
    r->n = X.rows;
    r->p = X.cols;
    r->perm = perm;
    r->threads = lr_threads_resolve(par->threads);
    size_t q = X.cols + 1, len;
    if (!lr_mul_ok(q, q, &len) || !lr_mul_ok(nl2, folds, &len)
        || !lr_mul_ok(len, X.cols + 1, &len))
        return LR_ENOMEM;
    if (perm) {
        /* a permutation: every row exactly once */
        unsigned char *seen = calloc(X.rows, 1);
        if (!seen)
            return LR_ENOMEM;
        int ok = 1;
        for (size_t i = 0; i < X.rows && ok; i++) {
            ok = perm[i] < X.rows && !seen[perm[i]];
            if (ok)
                seen[perm[i]] = 1;
        }
        free(seen);
        if (!ok)
            return LR_EINVAL;
    }
    return cv_rows_setup(r, folds);
}

/* ---- the exact route ---- */

typedef struct {
    gsl_matrix *A, *A0, *V;
    gsl_vector *lam, *c;
    gsl_eigen_symmv_workspace *ew;
    double *mu, *sd, *v, *t, *res;
} cv_fold_ws;

static void cv_fold_ws_free(cv_fold_ws *w)
{
    gsl_matrix_free(w->A);
    gsl_matrix_free(w->A0);
    gsl_matrix_free(w->V);
    gsl_vector_free(w->lam);
    gsl_vector_free(w->c);
    if (w->ew)
        gsl_eigen_symmv_free(w->ew);
    free(w->mu);
    free(w->sd);
    free(w->v);
    free(w->t);
    free(w->res);
}

static int cv_fold_ws_alloc(cv_fold_ws *w, size_t p)
{
    memset(w, 0, sizeof *w);
    w->A = gsl_matrix_alloc(p, p);
    w->A0 = gsl_matrix_alloc(p, p);
    w->V = gsl_matrix_alloc(p, p);
    w->lam = gsl_vector_alloc(p);
    w->c = gsl_vector_alloc(p);
    w->ew = gsl_eigen_symmv_alloc(p);
    w->mu = malloc((p + 1) * sizeof *w->mu);
    w->sd = malloc(p * sizeof *w->sd);
    w->v = malloc(p * sizeof *w->v);
    w->t = malloc(p * sizeof *w->t);
    w->res = malloc(p * sizeof *w->res);
    return w->A && w->A0 && w->V && w->lam && w->c && w->ew && w->mu && w->sd
           && w->v && w->t && w->res ? LR_SUCCESS : LR_ENOMEM;
}

/* v += V diag(1 / (lambda + l2)) V^T rhs; directions whose lambda + l2 is
 * not above `tiny` are left out (the minimum-norm solution). */
static void cv_eig_apply(const cv_fold_ws *w, size_t p, double l2, double tiny,
                         const double *rhs, double *v)
{
    for (size_t i = 0; i < p; i++) {
        double s = 0.0;
        for (size_t j = 0; j < p; j++)
            s += gsl_matrix_get(w->V, j, i) * rhs[j];
        const double d = gsl_vector_get(w->lam, i) + l2;
        w->t[i] = d > tiny ? s / d : 0.0;
    }
    for (size_t j = 0; j < p; j++) {
        double s = 0.0;
        for (size_t i = 0; i < p; i++)
            s += gsl_matrix_get(w->V, j, i) * w->t[i];
        v[j] += s;
    }
}

/* The weights of one fold for every penalty from its training sums T =
 * [S, s] (q = p + 1, full S) over nt rows: Wt (p x nl2) and b (nl2). */
static int cv_fold_solve(cv_fold_ws *w, const double *T, double nt, size_t p,
                         const lr_params *par, const double *l2, size_t nl2,
                         double *Wt, double *b)
{
    const size_t q = p + 1;
    const double *S = T, *s = T + q * q;
    for (size_t j = 0; j < q; j++)
        w->mu[j] = par->intercept ? s[j] / nt : 0.0;
    /* C_jk = S_jk / nt - mu_j mu_k, standardized: / (sd_j sd_k) */
    for (size_t j = 0; j < p; j++) {
        double v = S[j * q + j] / nt - w->mu[j] * w->mu[j];
        w->sd[j] = par->standardize && v > 0 && isfinite(v) ? sqrt(v) : 1.0;
    }
    for (size_t j = 0; j < p; j++) {
        for (size_t k = j; k < p; k++) {
            double v = (S[j * q + k] / nt - w->mu[j] * w->mu[k])
                       / (w->sd[j] * w->sd[k]);
            gsl_matrix_set(w->A, j, k, v);
            gsl_matrix_set(w->A, k, j, v);
        }
        gsl_vector_set(w->c, j, (S[j * q + p] / nt - w->mu[j] * w->mu[p])
                                / w->sd[j]);
    }
    gsl_matrix_memcpy(w->A0, w->A);
    lr_gsl_enter();
    const int blas = lr_blas_serial_begin(); /* GSL on OpenBLAS: one thread */
    int gs = gsl_eigen_symmv(w->A, w->lam, w->V, w->ew);
    lr_blas_serial_end(blas);
    lr_gsl_leave();
    if (gs != GSL_SUCCESS)
        return LR_ESOLVE;
    double lmax = 0.0;
    for (size_t i = 0; i < p; i++)
        lmax = fmax(lmax, fabs(gsl_vector_get(w->lam, i)));
    const double *c = w->c->data;
    for (size_t a = 0; a < nl2; a++) {
        const double tiny = (double)p * DBL_EPSILON * (lmax + l2[a]);
        memset(w->v, 0, p * sizeof *w->v);
        cv_eig_apply(w, p, l2[a], tiny, c, w->v);
        for (int it = 0; it < 2; it++) {
            /* res = c - (A + l2 I) v, with A as it was before the
             * eigendecomposition */
            for (size_t j = 0; j < p; j++) {
                double s2 = l2[a] * w->v[j];
                for (size_t k = 0; k < p; k++)
                    s2 += gsl_matrix_get(w->A0, j, k) * w->v[k];
                w->res[j] = c[j] - s2;
            }
            cv_eig_apply(w, p, l2[a], tiny, w->res, w->v);
        }
        double bb = w->mu[p];
        for (size_t j = 0; j < p; j++) {
            const double wj = w->v[j] / w->sd[j];
            Wt[j * nl2 + a] = wj;
            bb -= wj * w->mu[j];
        }
        b[a] = par->intercept ? bb : 0.0;
        if (!isfinite(b[a]))
            return LR_ESOLVE;
    }
    return LR_SUCCESS;
}

/* The weights of every fold (Wt: folds x p x nl2, b: folds x nl2) from
 * pass 1's sums F. */
static int cv_solve_all(const cv_rows *r, const double *F, size_t stride,
                        const lr_params *par, const double *l2, size_t nl2,
                        double *Wt, double *b)
{
    const size_t p = r->p, q = p + 1, len = q * q + q;
    double *T = malloc(len * sizeof *T), *tot = calloc(len, sizeof *tot);
    cv_fold_ws ws;
    int st = cv_fold_ws_alloc(&ws, p);
    if (!T || !tot)
        st = LR_ENOMEM;
    for (size_t f = 0; st == LR_SUCCESS && f < r->folds; f++)
        for (size_t e = 0; e < len; e++)
            tot[e] += F[f * stride + e];
    for (size_t k = 0; st == LR_SUCCESS && k < r->folds; k++) {
        for (size_t e = 0; e < len; e++)
            T[e] = tot[e] - F[k * stride + e];
        for (size_t j = 0; j < q; j++) /* the lower triangle */
            for (size_t i = 0; i < j; i++)
                T[j * q + i] = T[i * q + j];
        const double nt = (double)(r->n - (r->lo[k + 1] - r->lo[k]));
        st = cv_fold_solve(&ws, T, nt, p, par, l2, nl2, Wt + k * p * nl2,
                           b + k * nl2);
    }
    cv_fold_ws_free(&ws);
    free(T);
    free(tot);
    return st;
}

/* The buffers of the passes. */
typedef struct {
    double *F, *part, *Wt, *b, *upart, *scratch, *x0;
} cv_bufs;

static void cv_bufs_free(cv_bufs *B)
{
    free(B->F);
    free(B->part);
    free(B->Wt);
    free(B->b);
    free(B->upart);
    free(B->scratch);
    free(B->x0);
}

/* a x b doubles from malloc, NULL when the size overflows */
static double *cv_alloc(size_t a, size_t b)
{
    size_t m;
    if (!lr_mul_ok(a, b, &m) || !lr_mul_ok(m, sizeof(double), &m))
        return NULL;
    return malloc(m ? m : sizeof(double));
}

/* Pass 3's buffers and the weights (every route); with gram, pass 1's.
 * LR_ENOMEM when one cannot be had (cv_bufs_free releases the others). */
static int cv_bufs_alloc(cv_bufs *B, const cv_rows *r, size_t nl2, int gram,
                         size_t *stride)
{
    const size_t p = r->p, q = p + 1, T = (size_t)r->threads;
    memset(B, 0, sizeof *B);
    *stride = lr_pad8(q * q + q);
    size_t fp;
    const int sized = lr_mul_ok(r->folds, p, &fp);
    B->Wt = sized ? cv_alloc(fp, nl2) : NULL;
    B->b = cv_alloc(r->folds, nl2);
    B->upart = cv_alloc(r->nunits, nl2);
    B->scratch = lr_alloc_part(T, cv_scratch_stride(nl2, p));
    B->x0 = calloc(q, sizeof *B->x0);
    int ok = B->Wt && B->b && B->upart && B->scratch && B->x0;
    if (gram) {
        B->F = cv_alloc(r->folds, *stride);
        B->part = lr_alloc_part(T, cv_part_stride(r));
        ok = ok && B->F && B->part;
    }
    return ok ? LR_SUCCESS : LR_ENOMEM;
}

int lr_cv_exact(lr_matrix X, const double *y, const size_t *perm,
                size_t folds, const double *l2, size_t nl2,
                const lr_params *par, double *fold_mse)
{
    cv_rows r;
    cv_bufs B;
    size_t stride;
    memset(&B, 0, sizeof B);
    int st = cv_check(X, y, perm, folds, l2, nl2, par, fold_mse, &r);
    if (st == LR_SUCCESS)
        st = cv_bufs_alloc(&B, &r, nl2, 1, &stride);
    if (st == LR_SUCCESS) {
        if (par->intercept) /* the shift: the first row of the data */
            cv_load(&r, 0, B.x0);
        r.x0 = B.x0;
        cv_gram_pass(&r, B.F, stride, B.part);
        st = cv_solve_all(&r, B.F, stride, par, l2, nl2, B.Wt, B.b);
    }
    if (st == LR_SUCCESS)
        cv_score_pass(&r, B.Wt, B.b, nl2, B.upart, B.scratch, fold_mse);
    cv_bufs_free(&B);
    cv_rows_free(&r);
    return st;
}

/* ---- the stream route ---- */

/* Penalty indices from the largest penalty to the smallest. */
static void cv_order_desc(const double *l2, size_t nl2, size_t *ord)
{
    for (size_t a = 0; a < nl2; a++) {
        size_t i = a;
        while (i > 0 && l2[ord[i - 1]] < l2[a]) {
            ord[i] = ord[i - 1];
            i--;
        }
        ord[i] = a;
    }
}

/* Gradient descent on the training rows (Xt, yt: nt x p) for each penalty
 * in `ord`, warm-started: Wt (p x nl2), b (nl2). */
static int cv_stream_fold(const double *Xt, const double *yt, size_t nt,
                          size_t p, const lr_params *par, const double *l2,
                          const size_t *ord, size_t nl2, double *Wt, double *b,
                          double *w, size_t *fail)
{
    for (size_t i = 0; i < nl2; i++) {
        const size_t a = ord[i];
        lr_params pa = *par;
        pa.l2 = l2[a];
        lr_gd *gd;
        int st = lr_gd_alloc(lr_matrix_f64(Xt, nt, p), yt, &pa, &gd);
        if (st != LR_SUCCESS) {
            *fail = a;
            return st;
        }
        st = i == 0 ? lr_gd_init(gd) : lr_gd_init_from(gd, w, b[ord[i - 1]]);
        if (st == LR_SUCCESS)
            while ((st = lr_gd_test(gd)) == LR_CONTINUE)
                st = lr_gd_iterate(gd, pa.max_iter);
        if (st == LR_SUCCESS) {
            memcpy(w, lr_gd_weights(gd), p * sizeof *w);
            for (size_t j = 0; j < p; j++)
                Wt[j * nl2 + a] = w[j];
            b[a] = lr_gd_bias(gd);
        }
        lr_gd_free(gd);
        if (st != LR_SUCCESS) {
            *fail = a;
            return st;
        }
    }
    return LR_SUCCESS;
}

int lr_cv_stream(lr_matrix X, const double *y, const size_t *perm,
                 size_t folds, const double *l2, size_t nl2,
                 const lr_params *par, double *fold_mse, size_t failed[2])
{
    cv_rows r;
    cv_bufs B;
    size_t stride;
    memset(&B, 0, sizeof B);
    int st = cv_check(X, y, perm, folds, l2, nl2, par, fold_mse, &r);
    if (st == LR_SUCCESS)
        st = cv_bufs_alloc(&B, &r, nl2, 0, &stride);
    const size_t p = r.p, q = p + 1;
    double *Xt = NULL, *yt = NULL, *w = NULL, *z = NULL;
    size_t *ord = NULL, fail = 0, k = 0, len;
    if (st == LR_SUCCESS && !lr_mul_ok(r.n, q, &len))
        st = LR_ENOMEM;
    if (st == LR_SUCCESS) {
        Xt = lr_alloc_rows(r.n * p * sizeof *Xt);
        yt = malloc(r.n * sizeof *yt);
        w = malloc(p * sizeof *w);
        z = malloc(q * sizeof *z);
        ord = malloc(nl2 * sizeof *ord);
        if (!Xt || !yt || !w || !z || !ord)
            st = LR_ENOMEM;
    }
    if (st == LR_SUCCESS)
        cv_order_desc(l2, nl2, ord);
    for (k = 0; st == LR_SUCCESS && k < folds; k++) {
        /* the training rows of fold k, copied in order */
        size_t nt = 0;
        for (size_t i = 0; i < r.n; i++) {
            if (i >= r.lo[k] && i < r.lo[k + 1])
                continue;
            cv_load(&r, i, z);
            memcpy(Xt + nt * p, z, p * sizeof *Xt);
            yt[nt++] = z[p];
        }
        st = cv_stream_fold(Xt, yt, nt, p, par, l2, ord, nl2,
                            B.Wt + k * p * nl2, B.b + k * nl2, w, &fail);
    }
    if (st == LR_SUCCESS)
        cv_score_pass(&r, B.Wt, B.b, nl2, B.upart, B.scratch, fold_mse);
    else if (failed && k > 0) {
        failed[0] = k - 1;
        failed[1] = fail;
    }
    free(Xt);
    free(yt);
    free(w);
    free(z);
    free(ord);
    cv_bufs_free(&B);
    cv_rows_free(&r);
    return st;
}
