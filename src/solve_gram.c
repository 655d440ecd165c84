/* solve_gram.c -- the exact optimum of tall problems: the Gram matrix of
 * [X 1] in one parallel pass, standardized in place and factored, then
 * Newton refinement whose gradients are fresh passes over X. Also the
 * distributed solve (the sums combined over the processes). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "gram_blas.h"

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

/* H = Z^T Z / n (with the l2 term) from the raw Gram sums G of [X 1] over
 * dn rows, z_j = (x_j - mu_j)/s_j and the ones column; without an
 * intercept the last row and column are those of the identity. */
static void gram_system(const double *G, size_t p, const lr_params *par,
                        double dn, const double *mu, const double *sd,
                        gsl_matrix *H)
{
    const size_t m = p + 1;
    for (size_t j = 0; j < m; j++)
        for (size_t k = j; k < m; k++) {
            double v;
            if (j < p && k < p)
                v = (G[j * m + k] / dn - mu[j] * mu[k]) / (sd[j] * sd[k]);
            else if (j < p) /* k == p: mean of z_j is 0 when centred */
                v = (G[j * m + p] / dn - mu[j]) / sd[j];
            else
                v = 1.0;
            /* the l2 term is on the standardized weights with standardize,
             * else on the raw ones: l2 |w|^2 = sum l2 (v_j / s_j)^2 */
            if (j == k && j < p)
                v += par->standardize ? par->l2 : par->l2 / (sd[j] * sd[j]);
            gsl_matrix_set(H, j, k, v);
            gsl_matrix_set(H, k, j, v);
        }
    if (!par->intercept)
        for (size_t k = 0; k < m; k++) {
            gsl_matrix_set(H, p, k, k == p ? 1.0 : 0.0);
            gsl_matrix_set(H, k, p, k == p ? 1.0 : 0.0);
        }
}

/* Factors H: SVD while it is cheap (21 m^3 flops, 0.4 s at m = 512 here);
 * above, Cholesky (m^3 / 3): 190 s against 6 s at m = 4097. GSL_SUCCESS or
 * a GSL error. */
static int gram_factor(gsl_matrix *H, gsl_matrix *V, gsl_vector *S,
                       gsl_vector *work, int chol)
{
    if (chol)
        return chol_shifted(H, V);
    int gs = gsl_linalg_SV_decomp(H, V, S, work);
    if (gs != GSL_SUCCESS)
        return gs;
    /* singular values below eps * max are dropped (a rank-deficient
     * design gets its minimum-norm solution) */
    const double smax = gsl_vector_get(S, 0);
    for (size_t k = 0; k < H->size1; k++)
        if (gsl_vector_get(S, k) < 1e-15 * smax)
            gsl_vector_set(S, k, 0.0);
    return GSL_SUCCESS;
}

/* A pass over X at the raw weights of ks (acc: X^T r, sum r, sum r^2),
 * summed over the processes when dist. LR_SUCCESS or LR_EIO. */
static int gram_pass(const lr_kernel_state *ks, const lr_dist *dist)
{
    lr_kernel_pass(ks);
    if (dist && dist->sum(ks->acc, ks->p + 2, dist->ctx) != 0)
        return LR_EIO;
    return LR_SUCCESS;
}

/* The workspace of the Gram route. */
typedef struct {
    double *buf, *kpart, *acc, *mu, *sd, *th, *g;
    gsl_matrix *H, *V;
    gsl_vector *S, *work, *rhs, *dx;
} gram_ws;

static void gram_ws_free(gram_ws *ws)
{
    free(ws->buf);
    free(ws->kpart);
    free(ws->acc);
    free(ws->mu);
    free(ws->sd);
    free(ws->th);
    free(ws->g);
    gsl_matrix_free(ws->H);
    gsl_matrix_free(ws->V);
    gsl_vector_free(ws->S);
    gsl_vector_free(ws->work);
    gsl_vector_free(ws->rhs);
    gsl_vector_free(ws->dx);
}

/* The kernel's partial rows: a row a thread, a page apart (the heap mode;
 * the clause mode takes the same, unused), or with --deterministic a row a
 * block of rows, packed (as gd.c's). NULL when memory is short. */
static double *gram_kpart(const lr_kernel_state *ks)
{
    size_t bytes;
    if (ks->mode != LR_KMODE_DET)
        return lr_alloc_part((size_t)ks->threads, ks->stride);
    if (!lr_mul_ok(ks->nunits, ks->stride, &bytes)
        || !lr_mul_ok(bytes, sizeof(double), &bytes))
        return NULL;
    return aligned_alloc(64, bytes ? bytes : 64);
}

static int gram_ws_alloc(gram_ws *ws, const lr_kernel_state *ks, size_t p,
                         size_t len)
{
    const size_t m = p + 1, kstride = ks->stride;
    ws->buf = malloc(len * sizeof *ws->buf);
    ws->kpart = gram_kpart(ks);
    ws->acc = malloc(kstride * sizeof *ws->acc);
    ws->mu = calloc(p, sizeof *ws->mu);
    ws->sd = malloc(p * sizeof *ws->sd);
    ws->th = calloc(m, sizeof *ws->th);
    ws->g = malloc(m * sizeof *ws->g);
    ws->H = gsl_matrix_alloc(m, m);
    ws->V = gsl_matrix_alloc(m, m);
    ws->S = gsl_vector_alloc(m);
    ws->work = gsl_vector_alloc(m);
    ws->rhs = gsl_vector_alloc(m);
    ws->dx = gsl_vector_alloc(m);
    return !ws->buf || !ws->kpart
           || !ws->acc || !ws->mu || !ws->sd || !ws->th || !ws->g || !ws->H
           || !ws->V || !ws->S || !ws->work || !ws->rhs || !ws->dx
           ? LR_ENOMEM : LR_SUCCESS;
}

/* Newton refinement of theta (ws->th) from the factored H: each step's
 * gradient from a fresh pass over X at the raw weights of theta. */
static int gram_refine(gram_ws *ws, lr_kernel_state *ks, const lr_dist *dist,
                       const lr_params *par, double dn, int chol, double *w,
                       double *wb)
{
    const size_t p = ks->p, m = p + 1;
    const int icpt = par->intercept;
    double *th = ws->th, *g = ws->g;
    for (int it = 0; it < 4; it++) {
        /* raw weights of theta, one pass for the gradient there */
        lr_unscale(p, ws->mu, ws->sd, th, icpt ? th[p] : 0.0, w, wb);
        if (gram_pass(ks, dist) != LR_SUCCESS)
            return LR_EIO;
        const double R = ws->acc[p] / dn;
        for (size_t j = 0; j < p; j++) {
            const double sj = ws->sd[j];
            double lj = par->standardize ? par->l2 : par->l2 / (sj * sj);
            g[j] = (ws->acc[j] / dn - ws->mu[j] * R) / sj + lj * th[j];
        }
        g[p] = icpt ? R : 0.0;
        for (size_t k = 0; k < m; k++)
            gsl_vector_set(ws->rhs, k, -g[k]);
        const int blas = lr_blas_serial_begin();
        const int gs = chol ? gsl_linalg_cholesky_solve(ws->H, ws->rhs, ws->dx)
                            : gsl_linalg_SV_solve(ws->H, ws->V, ws->S, ws->rhs,
                                                  ws->dx);
        lr_blas_serial_end(blas);
        if (gs != GSL_SUCCESS)
            return LR_ESOLVE;
        double dmax = 0.0, tmax = 0.0;
        for (size_t k = 0; k < m; k++) {
            th[k] += gsl_vector_get(ws->dx, k);
            dmax = fmax(dmax, fabs(gsl_vector_get(ws->dx, k)));
            tmax = fmax(tmax, fabs(th[k]));
        }
        if (it > 0 && dmax <= 1e-15 * tmax)
            break;
    }
    return LR_SUCCESS;
}

/* Large problems: GSL's SVD copies X and runs unblocked (107 s at
 * 1e5 x 257 here). Instead: the Gram matrix of [X 1] in one parallel pass,
 * standardized in place, solved by GSL's SVD of the small (p+1)^2 system,
 * then refined by Newton steps whose gradients come from fresh passes over
 * X (iterative refinement: the normal equations' squared conditioning
 * affects only the correction, not the residual). */
int lr_solve_gram(const double *X, const float *Xf, const double *y,
                  size_t n, size_t p, const lr_params *par,
                  const lr_dist *dist, double *w, double *b, double *mse)
{
    const size_t m = p + 1, len = m * m + m + 1;
    /* the refinement's passes: with --deterministic by blocks of rows
     * summed in order (kernels.c), so that the optimum's bits, like the
     * Gram matrix's, do not depend on the thread count; otherwise by the
     * reduction clause or per-thread rows */
    const size_t cr = lr_chunk_rows(p), nchunks = n ? (n + cr - 1) / cr : 1;
    int threads = lr_threads_resolve(0);
    if ((size_t)threads > nchunks)
        threads = (int)nchunks;
    const int mode = par->deterministic ? LR_KMODE_DET
                     : p > LR_CLAUSE_MAX_P ? LR_KMODE_HEAP : LR_KMODE_CLAUSE;
    lr_kernel_state ks;
    lr_kernel_setup(&ks, X, Xf, y, n, p, threads, mode);
    gram_ws ws;
    memset(&ws, 0, sizeof ws);
    double wb = 0.0;
    int st = gram_ws_alloc(&ws, &ks, p, len);
    if (st != LR_SUCCESS)
        goto done;
    ks.part = ws.kpart;
    ks.acc = ws.acc;
    ks.w = w;
    ks.b = &wb;
    /* G by the BLAS; with --deterministic the same bits for any thread
     * count */
    st = lr_gram_sums(&ks, par->deterministic, ws.buf);
    if (st != LR_SUCCESS)
        goto done;
    st = LR_EIO;
    if (dist && dist->sum(ws.buf, len, dist->ctx) != 0)
        goto done;
    /* G (upper triangle) of [X 1], c = [X 1]^T y: standardize columns
     * (refinement repairs the cancellation this costs) */
    const double dn = (double)(dist ? dist->n_global : n);
    lr_column_stats_gram(ws.buf, p, dn, par->intercept, ws.mu, ws.sd);
    gram_system(ws.buf, p, par, dn, ws.mu, ws.sd, ws.H);
    const int chol = m > LR_GRAM_SVD_MAX_M;
    st = LR_ESOLVE;
    /* GSL on OpenBLAS: on one thread, the same bits for any thread count */
    const int blas = lr_blas_serial_begin();
    const int gs = gram_factor(ws.H, ws.V, ws.S, ws.work, chol);
    lr_blas_serial_end(blas);
    if (gs != GSL_SUCCESS)
        goto done;
    st = gram_refine(&ws, &ks, dist, par, dn, chol, w, &wb);
    if (st != LR_SUCCESS)
        goto done;
    lr_unscale(p, ws.mu, ws.sd, ws.th, par->intercept ? ws.th[p] : 0.0, w, b);
    wb = *b;
    if (mse) {
        st = gram_pass(&ks, dist);
        if (st != LR_SUCCESS)
            goto done;
        *mse = ws.acc[p + 1] / dn;
    }
    st = LR_SUCCESS;
    for (size_t j = 0; j < p; j++)
        if (!isfinite(w[j]))
            st = LR_ESOLVE;
    if (!isfinite(*b))
        st = LR_ESOLVE;
done:
    gram_ws_free(&ws);
    return st;
}
