/* gd.c -- batch gradient descent on mean squared error: the training loop,
 * its options, its stopping rules, and the model.
 *
 * The iteration is the tutorial's: r = Xw + b - y, dw = X^T r / n,
 * db = mean(r), w -= lr dw, b -= lr db. (dw, db) is the gradient of MSE/2,
 * so with Xa = [X 1] and L = lambda_max(Xa^T Xa / n) the iteration is
 * stable for lr < 2/L (design.md).
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "lr_internal.h"

struct lr_model {
    size_t p;
    double b;
    double w[];
};

lr_model *lr_model_alloc(size_t p)
{
    size_t bytes;
    if (p == 0 || !lr_mul_ok(p, sizeof(double), &bytes)
        || bytes > SIZE_MAX - sizeof(lr_model))
        return NULL;
    lr_model *m = calloc(1, sizeof *m + bytes);
    if (m)
        m->p = p;
    return m;
}

void lr_model_free(lr_model *m) { free(m); }
size_t lr_model_nfeatures(const lr_model *m) { return m->p; }
const double *lr_model_weights(const lr_model *m) { return m->w; }
double *lr_model_weights_mut(lr_model *m) { return m->w; }
double lr_model_bias(const lr_model *m) { return m->b; }
void lr_model_set_bias(lr_model *m, double b) { m->b = b; }

lr_params lr_params_default(void)
{
    lr_params par;
    memset(&par, 0, sizeof par);
    par.lr = 0.01;
    par.max_iter = 1000;
    par.threads = 0;
    par.init = LR_INIT_UNIFORM;
    par.init_seed = 0;
    par.tol = 0.0;
    par.deterministic = 0;
    par.intercept = 1;
    par.optimizer = LR_OPT_GD;
    return par;
}

int lr_params_check(const lr_params *par, const char **field)
{
    const char *bad = NULL;
    if (!par)
        bad = "params";
    else if (!isfinite(par->lr) || par->lr <= 0)
        bad = "lr";
    else if (par->threads < 0)
        bad = "threads";
    else if (par->init != LR_INIT_UNIFORM && par->init != LR_INIT_ZEROS)
        bad = "init";
    else if (par->init == LR_INIT_UNIFORM && par->init_seed > 0xffffffffULL)
        bad = "init_seed";
    else if (!isfinite(par->tol) || par->tol < 0 || par->tol >= 1)
        bad = "tol";
    else if (par->deterministic != 0 && par->deterministic != 1)
        bad = "deterministic";
    else if (par->solver != LR_SOLVER_STREAM && par->solver != LR_SOLVER_GRAM)
        bad = "solver";
    else if (!isfinite(par->stop_mse) || par->stop_mse < 0)
        bad = "stop_mse";
    else if (par->intercept != 0 && par->intercept != 1)
        bad = "intercept";
    else if (!isfinite(par->l2) || par->l2 < 0)
        bad = "l2";
    else if (par->standardize != 0 && par->standardize != 1)
        bad = "standardize";
    else if (par->optimizer < LR_OPT_GD || par->optimizer > LR_OPT_NESTEROV)
        bad = "optimizer";
    else if (!isfinite(par->momentum) || par->momentum < 0 || par->momentum >= 1)
        bad = "momentum";
    if (field)
        *field = bad;
    return bad ? LR_EINVAL : LR_SUCCESS;
}

/* Consecutive loss increases, above the initial loss, that count as
 * divergence. Below 2/L the loss of gradient descent on a quadratic never
 * increases; above it the loss grows geometrically. */
#define LR_GROW_LIMIT 20
/* Momentum methods may rise for a while before they fall. */
#define LR_GROW_LIMIT_MOMENTUM 500
/* A loss this many times the first is divergence at once, however short
 * the run: gradient descent below 2/L never rises at all, and the
 * transient rise of a stable heavy-ball or Nesterov iteration from rest
 * stays orders of magnitude below 1e6 for momentum up to 0.999. */
#define LR_FAR_ABOVE 10.0
#define LR_FAR_ABOVE_MOMENTUM 1e6

struct lr_gd {
    lr_kernel_state ks;
    lr_params par;
    size_t n, p;
    double *w;          /* p */
    double b;
    double *grad;       /* p: dw of the current weights */
    double gb;          /* db of the current weights */
    double *acc;        /* p + 2 sums from the kernel */
    double *part;       /* partial rows for the heap and det modes */
    size_t iter;
    int started;
    int status;         /* LR_CONTINUE, LR_SUCCESS, LR_EDIVERGE */
    int stop_reason;
    double mse, mse0, prev_mse;
    double gnorm, gnorm0;
    /* the tol rule's measure: the gradient in standardized coordinates over
     * the scale of y (see gd_step); with tol > 0 only */
    double grel;
    double *cmu, *csd;  /* column means and sds (mu, sd when standardizing) */
    double ysc;         /* sd(y) (rms(y) without an intercept), else 1 */
    double far_above;
    size_t grow;
    size_t target;      /* iteration at which the current run stops */
    /* gram solver: raw sums [G (m x m, full), c (m), yy], m = p + 1 */
    double *gbuf;
    double *gpart;      /* per-thread partials for large m, or NULL */
    size_t gstride;
    double *wa;         /* m: [w, b] */
    /* the optimisation variables theta = [v, c] (m = p + 1): the weights
     * in standardized units when standardize is on, else w and b; c is 0
     * without an intercept */
    double *th;         /* the point whose gradient the kernel computes */
    double *thp;        /* momentum: the previous point; nesterov: x_k */
    double *mu, *sd;    /* standardize: column means and sds, else NULL */
    double tk;          /* nesterov's adaptive t_k */
    size_t grow_limit;
    /* distributed: n is the global row count, ks.n this process's */
    int distributed;
    lr_dist dist;
    double *gall;       /* det mode: every process's block partials */
    /* gram solver with a target (lr_gd_set_stop_excess): the optimum
     * [w*, b*] and the excess MSE to stop at */
    double *wopt;
    double stop_excess;
};

/* Sums buf over the processes of a distributed fit (nothing otherwise). */
static void dist_sum(const lr_gd *gd, double *buf, size_t count)
{
    if (gd->distributed)
        gd->dist.sum(buf, count, gd->dist.ctx);
}

static lr_gd *gd_alloc(const double *X, const float *Xf, const double *y,
                       size_t n, size_t p, const lr_params *par,
                       const lr_dist *dist)
{
    size_t np1;
    if ((!X && !Xf) || !y || n == 0 || p == 0 || !lr_mul_ok(n, p, &np1)
        || lr_params_check(par, NULL) != LR_SUCCESS
        || (par->solver == LR_SOLVER_GRAM && p > LR_GRAM_MAX_P))
        return NULL;
    lr_gd *gd = calloc(1, sizeof *gd);
    if (!gd)
        return NULL;
    gd->par = *par;
    gd->n = dist ? dist->n_global : n;
    gd->p = p;
    int threads = lr_threads_resolve(par->threads);
    const size_t cr = lr_chunk_rows(p);
    const size_t nchunks = (n + cr - 1) / cr;
    if (np1 < LR_PAR_MIN_ELEMS)
        threads = 1;
    if ((size_t)threads > nchunks)
        threads = (int)nchunks;
    const size_t stride = (p + 2 + 7) / 8 * 8; /* 64-byte rows */
    int mode = par->deterministic ? LR_KMODE_DET
               : p > LR_CLAUSE_MAX_P ? LR_KMODE_HEAP : LR_KMODE_CLAUSE;
    size_t nunits = mode == LR_KMODE_DET ? nchunks
                    : mode == LR_KMODE_HEAP ? (size_t)threads : 0;
    size_t partn;
    if (!lr_mul_ok(nunits, stride, &partn) || !lr_mul_ok(partn, sizeof(double), &partn)
        || !lr_mul_ok(p, sizeof(double), &np1)) {
        free(gd);
        return NULL;
    }
    gd->w = malloc(p * sizeof(double));
    gd->grad = malloc(p * sizeof(double));
    gd->th = calloc(p + 1, sizeof(double));
    gd->wa = calloc(p + 1, sizeof(double));
    gd->thp = calloc(p + 1, sizeof(double));
    if (par->standardize) {
        gd->mu = malloc(p * sizeof(double));
        gd->sd = malloc(p * sizeof(double));
        gd->cmu = gd->mu;
        gd->csd = gd->sd;
    } else if (par->tol > 0) {
        gd->cmu = malloc(p * sizeof(double));
        gd->csd = malloc(p * sizeof(double));
    }
    gd->acc = aligned_alloc(64, stride * sizeof(double));
    gd->part = partn ? aligned_alloc(64, partn) : NULL;
    if (!gd->w || !gd->grad || !gd->acc || (partn && !gd->part) || !gd->th
        || !gd->thp || !gd->wa || (par->standardize && (!gd->mu || !gd->sd))
        || (par->tol > 0 && (!gd->cmu || !gd->csd))) {
        lr_gd_free(gd);
        return NULL;
    }
    if (par->solver == LR_SOLVER_GRAM) {
        const size_t m = p + 1, len = m * m + m + 1;
        gd->gstride = (len + 7) / 8 * 8;
        gd->gbuf = malloc(len * sizeof(double));
        if (threads > 1 && len > LR_GRAM_CLAUSE_MAX)
            gd->gpart = malloc((size_t)threads * gd->gstride * sizeof(double));
        if (!gd->gbuf
            || (threads > 1 && len > LR_GRAM_CLAUSE_MAX && !gd->gpart)) {
            lr_gd_free(gd);
            return NULL;
        }
    }
    lr_kernel_state *ks = &gd->ks;
    ks->X = X;
    ks->Xf = Xf;
    ks->y = y;
    ks->n = n;
    ks->p = p;
    ks->w = gd->w;
    ks->b = &gd->b;
    ks->acc = gd->acc;
    ks->part = gd->part;
    ks->stride = stride;
    ks->nunits = nunits;
    ks->chunk_rows = cr;
    ks->mode = mode;
    ks->threads = threads;
    /* decided by the size alone, never by the thread count */
    ks->precise = gd->n * p < LR_PAR_MIN_ELEMS && p >= 2 && p <= LR_LD_MAX_P;
    if (dist) {
        gd->distributed = 1;
        gd->dist = *dist;
        if (mode == LR_KMODE_DET) {
            ks->combine_later = 1;
            gd->gall = malloc(dist->gather_total * sizeof(double));
            if (!gd->gall) {
                lr_gd_free(gd);
                return NULL;
            }
        }
    }
    gd->status = LR_CONTINUE;
    return gd;
}

lr_gd *lr_gd_alloc(const double *X, const double *y, size_t n, size_t p,
                   const lr_params *par)
{
    return X ? gd_alloc(X, NULL, y, n, p, par, NULL) : NULL;
}

lr_gd *lr_gd_alloc_f32(const float *X, const double *y, size_t n, size_t p,
                       const lr_params *par)
{
    return X ? gd_alloc(NULL, X, y, n, p, par, NULL) : NULL;
}

lr_gd *lr_gd_alloc_dist(const double *X, const float *Xf, const double *y,
                        size_t n, size_t p, const lr_params *par,
                        const lr_dist *dist)
{
    if (!dist || !dist->sum || !dist->gather || dist->n_global < n
        || dist->row_lo % lr_chunk_rows(p) != 0 || (!X) == (!Xf))
        return NULL;
    return gd_alloc(X, Xf, y, n, p, par, dist);
}

size_t lr_block_rows(size_t p)
{
    return lr_chunk_rows(p);
}

void lr_gd_free(lr_gd *gd)
{
    if (!gd)
        return;
    free(gd->gbuf);
    free(gd->gpart);
    free(gd->wa);
    free(gd->w);
    free(gd->grad);
    free(gd->th);
    free(gd->thp);
    if (gd->cmu != gd->mu) {
        free(gd->cmu);
        free(gd->csd);
    }
    free(gd->mu);
    free(gd->sd);
    free(gd->gall);
    free(gd->wopt);
    free(gd->acc);
    free(gd->part);
    free(gd);
}

/* theta -> the raw weights the kernel evaluates (design.md): with column
 * scaling x'_j = (x_j - mu_j)/s_j, w_j = v_j/s_j and b = c - sum v_j mu_j/s_j.
 * Linear in theta. */
static void to_raw(const lr_gd *gd, const double *th, double *w, double *b)
{
    const size_t p = gd->p;
    double c = gd->par.intercept ? th[p] : 0.0;
    if (gd->sd) {
        for (size_t j = 0; j < p; j++) {
            w[j] = th[j] / gd->sd[j];
            c -= w[j] * gd->mu[j];
        }
    } else {
        memcpy(w, th, p * sizeof *w);
    }
    *b = c;
}

/* Raw sums G = X^T r / n, R = sum(r)/n -> the gradient in theta:
 * g_j = (G_j - mu_j R)/s_j (+ l2 v_j), g_c = R (0 without an intercept). */
static void from_raw(const lr_gd *gd, const double *G, double R,
                     const double *th, double *g, double *gc)
{
    const size_t p = gd->p;
    for (size_t j = 0; j < p; j++) {
        double gj = gd->sd ? (G[j] - gd->mu[j] * R) / gd->sd[j] : G[j];
        g[j] = gj + gd->par.l2 * th[j];
    }
    *gc = gd->par.intercept ? R : 0.0;
}

/* The measure of the tol rule: |g~| / s_y, with g~ the gradient of
 * MSE/2 (+ the l2 term) with respect to the standardized coordinates
 * v_j = s_j w_j, c = b + sum_j mu_j w_j (mu_j, s_j the column means and
 * sds; no centering without an intercept). By the chain rule
 * g~_j = (g_j - mu_j g_b)/s_j, g~_c = g_b for the raw gradient (g, g_b),
 * and g~ = g when the optimizer already works in these coordinates. g~_j is
 * cov(x_j, r)/s_j and g~_c = mean(r): in units of s_y = sd(y) (rms(y)
 * without an intercept) the measure does not change when y or a column is
 * scaled, nor with the initial weights (the old rule, |g| <= tol |g_0|,
 * measured against the first gradient, which a far-off start inflates).
 * The components are scaled by s_y before squaring, so the norm neither
 * underflows nor overflows for data in range. */
static double grad_rel(const lr_gd *gd)
{
    const size_t p = gd->p;
    const double gb = gd->gb, inv = 1.0 / gd->ysc;
    double s = (gb * inv) * (gb * inv);
    for (size_t j = 0; j < p; j++) {
        double gj = gd->sd ? gd->grad[j]
                           : (gd->grad[j] - gd->cmu[j] * gb) / gd->csd[j];
        gj *= inv;
        s += gj * gj;
    }
    return sqrt(s);
}

/* The gram solver's MSE above the optimum, d^T G d / n with d = [w, b] -
 * [w*, b*] and G = Xa^T Xa: for a quadratic the exact excess, and free of
 * the cancellation of quad - 2 lin + yy, whose rounding (a few ulps of
 * mean(y^2)) would hide a small target. */
static double excess_mse(const lr_gd *gd)
{
    const size_t p = gd->p, m = p + 1;
    const double *G = gd->gbuf;
    double q = 0.0;
    for (size_t j = 0; j < m; j++) {
        const double dj = (j < p ? gd->w[j] : gd->b) - gd->wopt[j];
        double s = 0.0;
        for (size_t k = 0; k < m; k++)
            s += G[j * m + k] * ((k < p ? gd->w[k] : gd->b) - gd->wopt[k]);
        q += dj * s;
    }
    return q / (double)gd->n;
}

/* Called between passes on one thread (see lr_kernel_run). */
static int gd_step(void *ctx, int phase)
{
    lr_gd *gd = ctx;
    const size_t p = gd->p, m = p + 1;
    const double inv_n = 1.0 / (double)gd->n, lr = gd->par.lr;
    double *th = gd->th, *thp = gd->thp;

    if (phase == LR_PHASE_UPDATE) {
        if (!gd->started)
            return 0; /* the first pass evaluates the initial weights */
        /* the gradient of theta, with the bias as its last entry */
        double *g = gd->grad, gc = gd->gb;
#define GRAD(k) ((k) < p ? g[k] : gc)
        switch (gd->par.optimizer) {
        case LR_OPT_MOMENTUM: {
            const double beta = gd->par.momentum;
            for (size_t k = 0; k < m; k++) {
                double next = th[k] - lr * GRAD(k) + beta * (th[k] - thp[k]);
                thp[k] = th[k];
                th[k] = next;
            }
            break;
        }
        case LR_OPT_NESTEROV: {
            /* th is the look-ahead y_k, thp the iterate x_k:
             * x_{k+1} = y_k - lr g(y_k); y_{k+1} = x_{k+1} + beta (x_{k+1} - x_k) */
            double beta = gd->par.momentum, up = 0.0;
            if (beta == 0.0) {
                for (size_t k = 0; k < m; k++)
                    up += GRAD(k) * ((th[k] - lr * GRAD(k)) - thp[k]);
                if (up > 0.0)
                    gd->tk = 1.0; /* the step went uphill: restart */
                double t1 = 0.5 * (1.0 + sqrt(1.0 + 4.0 * gd->tk * gd->tk));
                beta = (gd->tk - 1.0) / t1;
                gd->tk = t1;
            }
            for (size_t k = 0; k < m; k++) {
                double x1 = th[k] - lr * GRAD(k);
                th[k] = x1 + beta * (x1 - thp[k]);
                thp[k] = x1;
            }
            break;
        }
        default:
            for (size_t k = 0; k < m; k++)
                th[k] -= lr * GRAD(k);
            break;
        }
#undef GRAD
        if (!gd->par.intercept)
            th[p] = thp[p] = 0.0;
        to_raw(gd, th, gd->w, &gd->b);
        return 0;
    }

    /* Evaluate the pass: gradient, loss and the stopping rules. The gram
     * solver's sums come from the Gram matrix, already summed over the
     * processes when it was built. */
    if (gd->distributed && gd->par.solver != LR_SOLVER_GRAM) {
        if (gd->gall) {
            /* every process's block partials, combined in global block
             * order as one process would: the same bits for any split */
            const lr_kernel_state *ks = &gd->ks;
            const size_t nb = gd->dist.gather_total / ks->stride;
            gd->dist.gather(ks->part, ks->nunits * ks->stride, gd->gall,
                            gd->dist.ctx);
            for (size_t j = 0; j < p + 2; j++) {
                double s = 0.0;
                for (size_t c = 0; c < nb; c++)
                    s += gd->gall[c * ks->stride + j];
                gd->acc[j] = s;
            }
        } else {
            gd->dist.sum(gd->acc, p + 2, gd->dist.ctx);
        }
    }
    for (size_t j = 0; j < p; j++)
        gd->wa[j] = inv_n * gd->acc[j]; /* raw G, reusing wa as scratch */
    from_raw(gd, gd->wa, inv_n * gd->acc[p], th, gd->grad, &gd->gb);
    double g2 = gd->gb * gd->gb;
    for (size_t j = 0; j < p; j++)
        g2 += gd->grad[j] * gd->grad[j];
    gd->mse = gd->acc[p + 1] * inv_n;
    gd->gnorm = sqrt(g2);
    if (gd->par.tol > 0)
        gd->grel = grad_rel(gd);
    if (!gd->started) {
        gd->started = 1;
        gd->mse0 = gd->prev_mse = gd->mse;
        gd->gnorm0 = gd->gnorm;
    } else {
        gd->iter++;
        gd->grow = gd->mse > gd->prev_mse ? gd->grow + 1 : 0;
        gd->prev_mse = gd->mse;
    }
    if (!isfinite(gd->mse) || !isfinite(gd->gnorm)
        || (gd->grow >= gd->grow_limit && gd->mse > gd->mse0)
        || gd->mse > gd->far_above * gd->mse0) {
        gd->status = LR_EDIVERGE;
        gd->stop_reason = LR_STOP_DIVERGED;
    } else if (gd->wopt ? excess_mse(gd) <= gd->stop_excess
               : gd->par.stop_mse > 0 && gd->mse <= gd->par.stop_mse) {
        gd->status = LR_SUCCESS;
        gd->stop_reason = LR_STOP_TARGET;
    } else if (gd->par.tol > 0 ? gd->grel <= gd->par.tol : gd->gnorm == 0.0) {
        /* tol > 0: the gradient in standardized coordinates, in units of
         * the scale of y, at most tol (grad_rel). tol 0: only a gradient of
         * exactly 0 (the initial weights were optimal). */
        gd->status = LR_SUCCESS;
        gd->stop_reason = LR_STOP_TOL;
    } else if (gd->iter >= gd->par.max_iter) {
        gd->status = LR_SUCCESS;
        gd->stop_reason = LR_STOP_MAX_ITER;
    }
    return gd->status != LR_CONTINUE || gd->iter >= gd->target;
}

/* The sums a streaming pass would give, from the Gram matrix: with
 * wa = [w, b], X^T r and sum r are G wa - c, and sum r^2 is
 * wa^T G wa - 2 c^T wa + yy. O(p^2), no pass over X. */
static void gram_pass(lr_gd *gd)
{
    const size_t p = gd->p, m = p + 1;
    const double *G = gd->gbuf, *c = G + m * m, yy = G[m * m + m];
    double *wa = gd->wa, quad = 0.0, lin = 0.0;
    memcpy(wa, gd->w, p * sizeof *wa);
    wa[p] = gd->b;
    for (size_t j = 0; j < m; j++) {
        const double *Gj = G + j * m;
        double s = 0.0;
        for (size_t k = 0; k < m; k++)
            s += Gj[k] * wa[k];
        gd->acc[j] = s - c[j];
        quad += wa[j] * s;
        lin += wa[j] * c[j];
    }
    gd->acc[p + 1] = quad - 2.0 * lin + yy;
}

/* The gram solver's loop: [update, O(p^2) evaluation, tests], serial. */
static void gram_run(lr_gd *gd, size_t k)
{
    for (size_t it = 0; it < k; it++) {
        gd_step(gd, LR_PHASE_UPDATE);
        gram_pass(gd);
        if (gd_step(gd, LR_PHASE_EVAL))
            break;
    }
}

/* Accumulates [G, c, yy] in one parallel pass and fills in the lower
 * triangle of G. */
static void gram_build(lr_gd *gd)
{
    const size_t m = gd->p + 1;
    lr_kernel_gram(&gd->ks, gd->gbuf, gd->gpart, gd->gstride);
    dist_sum(gd, gd->gbuf, m * m + m + 1);
    double *G = gd->gbuf;
    for (size_t j = 0; j < m; j++)
        for (size_t k = 0; k < j; k++)
            G[j * m + k] = G[k * m + j];
}

int lr_gd_init(lr_gd *gd)
{
    if (!gd)
        return LR_EINVAL;
    if (gd->par.init == LR_INIT_ZEROS) {
        memset(gd->w, 0, gd->p * sizeof *gd->w);
    } else {
        int st = lr_numpy_rand(gd->par.init_seed, gd->p, gd->w);
        if (st != LR_SUCCESS)
            return st;
    }
    gd->b = 0.0;
    const size_t p = gd->p, n = gd->n;
    const lr_kernel_state *ks = &gd->ks;
    double *mu = gd->cmu, *sd = gd->csd;
    if (sd && !gd->distributed) {
        lr_column_stats(ks->X, ks->Xf, n, p, gd->par.intercept, mu, sd);
    } else if (sd) {
        /* the same two passes, each summed over the processes */
        const size_t nl = ks->n;
        for (size_t j = 0; j < p; j++)
            mu[j] = sd[j] = 0.0;
        if (gd->par.intercept) {
            for (size_t i = 0; i < nl; i++)
                for (size_t j = 0; j < p; j++)
                    mu[j] += ks->X ? ks->X[i * p + j] : (double)ks->Xf[i * p + j];
            dist_sum(gd, mu, p);
            for (size_t j = 0; j < p; j++)
                mu[j] /= (double)n;
        }
        for (size_t i = 0; i < nl; i++)
            for (size_t j = 0; j < p; j++) {
                double d = (ks->X ? ks->X[i * p + j] : (double)ks->Xf[i * p + j])
                           - mu[j];
                sd[j] += d * d;
            }
        dist_sum(gd, sd, p);
        for (size_t j = 0; j < p; j++) {
            sd[j] = sqrt(sd[j] / (double)n);
            if (!(sd[j] > 0) || !isfinite(sd[j]))
                sd[j] = 1.0;
        }
    }
    if (gd->par.tol > 0) {
        /* s_y of the tol rule: sd(y) about its mean (two passes), or
         * rms(y) without an intercept; 1 for a zero y */
        double sy = 0.0, my = 0.0;
        if (gd->par.intercept) {
            for (size_t i = 0; i < ks->n; i++)
                my += ks->y[i];
            dist_sum(gd, &my, 1);
            my /= (double)n;
        }
        for (size_t i = 0; i < ks->n; i++)
            sy += (ks->y[i] - my) * (ks->y[i] - my);
        dist_sum(gd, &sy, 1);
        sy = sqrt(sy / (double)n);
        gd->ysc = sy > 0 && isfinite(sy) ? sy : 1.0;
    }
    /* theta for the initial raw weights (the tutorial's), bias 0 */
    double c = 0.0;
    for (size_t j = 0; j < p; j++) {
        gd->th[j] = gd->sd ? gd->w[j] * gd->sd[j] : gd->w[j];
        if (gd->sd)
            c += gd->w[j] * gd->mu[j];
    }
    gd->th[p] = gd->par.intercept ? c : 0.0;
    memcpy(gd->thp, gd->th, (p + 1) * sizeof *gd->th);
    to_raw(gd, gd->th, gd->w, &gd->b);
    gd->tk = 1.0;
    gd->grow_limit = gd->par.optimizer == LR_OPT_GD ? LR_GROW_LIMIT
                                                    : LR_GROW_LIMIT_MOMENTUM;
    gd->far_above = gd->par.optimizer == LR_OPT_GD ? LR_FAR_ABOVE
                                                   : LR_FAR_ABOVE_MOMENTUM;
    gd->grel = NAN;
    gd->iter = 0;
    gd->started = 0;
    gd->grow = 0;
    gd->status = LR_CONTINUE;
    gd->stop_reason = LR_STOP_NONE;
    gd->target = 0;
    if (gd->par.solver == LR_SOLVER_GRAM) {
        gram_build(gd);
        gram_run(gd, 1);
    } else {
        lr_kernel_run(&gd->ks, 1, gd_step, gd);
    }
    if (gd->status == LR_CONTINUE && gd->par.max_iter == 0) {
        gd->status = LR_SUCCESS;
        gd->stop_reason = LR_STOP_MAX_ITER;
    }
    return gd->status == LR_EDIVERGE ? LR_EDIVERGE : LR_SUCCESS;
}

int lr_gd_iterate(lr_gd *gd, size_t k)
{
    if (!gd || !gd->started)
        return LR_EINVAL;
    if (gd->status != LR_CONTINUE)
        return gd->status;
    size_t left = gd->par.max_iter - gd->iter;
    if (k > left)
        k = left;
    gd->target = gd->iter + k;
    if (gd->par.solver == LR_SOLVER_GRAM)
        gram_run(gd, k);
    else
        lr_kernel_run(&gd->ks, k, gd_step, gd);
    return gd->status;
}

int lr_gd_set_lr(lr_gd *gd, double lr)
{
    if (!gd || !isfinite(lr) || lr <= 0)
        return LR_EINVAL;
    gd->par.lr = lr;
    return LR_SUCCESS;
}

int lr_gd_loss(const lr_gd *gd, const double *w, double b, double *mse)
{
    if (!gd || !w || !mse)
        return LR_EINVAL;
    const size_t p = gd->p, m = p + 1;
    if (gd->par.solver == LR_SOLVER_GRAM && gd->started) {
        const double *G = gd->gbuf, *c = G + m * m, yy = G[m * m + m];
        double quad = 0.0, lin = 0.0;
        for (size_t j = 0; j < m; j++) {
            const double wj = j < p ? w[j] : b;
            double s = 0.0;
            for (size_t k = 0; k < m; k++)
                s += G[j * m + k] * (k < p ? w[k] : b);
            quad += wj * s;
            lin += wj * c[j];
        }
        *mse = (quad - 2.0 * lin + yy) / (double)gd->n;
        return LR_SUCCESS;
    }
    const lr_kernel_state *ks = &gd->ks;
    double sse = 0.0;
    for (size_t i = 0; i < ks->n; i++) {
        double s = 0.0;
        for (size_t j = 0; j < p; j++)
            s += (ks->X ? ks->X[i * p + j] : (double)ks->Xf[i * p + j]) * w[j];
        double r = s + b - ks->y[i];
        sse += r * r;
    }
    dist_sum(gd, &sse, 1);
    *mse = sse / (double)gd->n;
    return LR_SUCCESS;
}

int lr_gd_set_stop_mse(lr_gd *gd, double stop_mse)
{
    if (!gd || !isfinite(stop_mse) || stop_mse < 0)
        return LR_EINVAL;
    gd->par.stop_mse = stop_mse;
    return LR_SUCCESS;
}

int lr_gd_set_stop_excess(lr_gd *gd, const double *w, double b,
                          double mse_opt, double excess)
{
    if (!gd || !w || !gd->started || !isfinite(mse_opt) || mse_opt < 0
        || !isfinite(excess) || excess < 0)
        return LR_EINVAL;
    if (gd->par.solver != LR_SOLVER_GRAM)
        return lr_gd_set_stop_mse(gd, mse_opt + excess);
    const size_t p = gd->p;
    if (!gd->wopt && !(gd->wopt = malloc((p + 1) * sizeof *gd->wopt)))
        return LR_ENOMEM;
    memcpy(gd->wopt, w, p * sizeof *w);
    gd->wopt[p] = gd->par.intercept ? b : 0.0;
    gd->stop_excess = excess;
    return LR_SUCCESS;
}

int lr_gd_lipschitz(lr_gd *gd, double *L)
{
    if (!gd || !L)
        return LR_EINVAL;
    const size_t p = gd->p, m = p + 1;
    const int gram = gd->par.solver == LR_SOLVER_GRAM && gd->started;
    const size_t stride = (m + 7) / 8 * 8;
    double *v = malloc(m * sizeof *v), *u = malloc(m * sizeof *u);
    double *raw = malloc(m * sizeof *raw), *ur = malloc(m * sizeof *ur);
    double *part = gram ? NULL
                   : malloc((size_t)gd->ks.threads * stride * sizeof *part);
    if (!v || !u || !raw || !ur || (!gram && !part)) {
        free(v);
        free(u);
        free(raw);
        free(ur);
        free(part);
        return LR_ENOMEM;
    }
    const double inv_n = 1.0 / (double)gd->n;
    /* H, the Hessian in theta (standardized, with l2; without the bias row
     * when there is no intercept), applied as raw Xa^T Xa between the
     * linear maps to and from theta. */
    const size_t mm = gd->par.intercept ? m : p;
    for (size_t j = 0; j < m; j++)
        v[j] = j < mm ? 1.0 / sqrt((double)mm) : 0.0;
    /* A step of 1/L needs L to a percent or so (1/L_est < 2/L holds while
     * L_est > L/2); each streaming step is a pass over X, so stop there at
     * 1e-3 relative change or 60 passes. The Gram matrix makes steps cheap. */
    const double rtol = gram ? 1e-9 : 1e-3;
    const int maxit = gram ? 2000 : 60;
    double lambda = 0.0;
    for (int it = 0; it < maxit; it++) {
        to_raw(gd, v, raw, &raw[p]);
        if (gram) {
            const double *G = gd->gbuf;
            for (size_t j = 0; j < m; j++) {
                double s = 0.0;
                for (size_t k = 0; k < m; k++)
                    s += G[j * m + k] * raw[k];
                ur[j] = s * inv_n;
            }
        } else {
            lr_kernel_xtxv(&gd->ks, raw, raw[p], ur, part, stride);
            dist_sum(gd, ur, m);
            for (size_t j = 0; j < m; j++)
                ur[j] *= inv_n;
        }
        from_raw(gd, ur, ur[p], v, u, &u[p]);
        double rq = 0.0, nu = 0.0;
        for (size_t j = 0; j < m; j++) {
            rq += v[j] * u[j];
            nu += u[j] * u[j];
        }
        nu = sqrt(nu);
        if (!(nu > 0) || !isfinite(nu)) {
            lambda = rq;
            break;
        }
        for (size_t j = 0; j < m; j++)
            v[j] = u[j] / nu;
        /* the Rayleigh quotient rises monotonically to lambda_max */
        int done = it > 2 && fabs(rq - lambda) <= rtol * rq;
        lambda = rq;
        if (done)
            break;
    }
    free(v);
    free(u);
    free(raw);
    free(ur);
    free(part);
    if (!(lambda > 0) || !isfinite(lambda))
        return LR_EINVAL;
    *L = lambda;
    return LR_SUCCESS;
}

void lr_gd_scaling(const lr_gd *gd, const double **mean, const double **sd)
{
    *mean = gd->mu;
    *sd = gd->sd;
}

int lr_gd_test(const lr_gd *gd) { return gd->status; }
size_t lr_gd_iter(const lr_gd *gd) { return gd->iter; }
double lr_gd_mse(const lr_gd *gd) { return gd->mse; }
double lr_gd_grad_norm(const lr_gd *gd) { return gd->gnorm; }
double lr_gd_grad_norm0(const lr_gd *gd) { return gd->gnorm0; }
double lr_gd_grad_rel(const lr_gd *gd) { return gd->grel; }
double lr_gd_mse0(const lr_gd *gd) { return gd->mse0; }
int lr_gd_stop_reason(const lr_gd *gd) { return gd->stop_reason; }
int lr_gd_threads(const lr_gd *gd) { return gd->ks.threads; }
const double *lr_gd_weights(const lr_gd *gd) { return gd->w; }
double lr_gd_bias(const lr_gd *gd) { return gd->b; }
const double *lr_gd_gradient(const lr_gd *gd) { return gd->grad; }
double lr_gd_bias_gradient(const lr_gd *gd) { return gd->gb; }

int lr_gd_model(const lr_gd *gd, lr_model *m)
{
    if (!gd || !m || m->p != gd->p)
        return LR_ESHAPE;
    memcpy(m->w, gd->w, gd->p * sizeof *m->w);
    m->b = gd->b;
    return LR_SUCCESS;
}

static int fit(const double *X, const float *Xf, const double *y, size_t n,
               size_t p, const lr_params *par, lr_model *m, lr_result *res)
{
    if ((!X && !Xf) || !y || !m || n == 0 || p == 0
        || lr_params_check(par, NULL))
        return LR_EINVAL;
    if (m->p != p)
        return LR_ESHAPE;
    if (par->solver == LR_SOLVER_GRAM && p > LR_GRAM_MAX_P)
        return LR_EINVAL;
    double t0 = lr_now();
    lr_gd *gd = gd_alloc(X, Xf, y, n, p, par, NULL);
    if (!gd)
        return LR_ENOMEM;
    int st = lr_gd_init(gd);
    if (st == LR_SUCCESS)
        while ((st = lr_gd_test(gd)) == LR_CONTINUE)
            st = lr_gd_iterate(gd, par->max_iter);
    if (st == LR_SUCCESS)
        lr_gd_model(gd, m);
    if (res) {
        res->iterations = gd->iter;
        res->stop_reason = gd->stop_reason;
        res->final_mse = gd->mse;
        res->grad_norm = gd->gnorm;
        res->grad_norm0 = gd->gnorm0;
        res->time_s = lr_now() - t0;
        res->threads = gd->ks.threads;
    }
    lr_gd_free(gd);
    return st;
}

int lr_fit(const double *X, const double *y, size_t n, size_t p,
           const lr_params *par, lr_model *m, lr_result *res)
{
    return X ? fit(X, NULL, y, n, p, par, m, res) : LR_EINVAL;
}

int lr_fit_f32(const float *X, const double *y, size_t n, size_t p,
               const lr_params *par, lr_model *m, lr_result *res)
{
    return X ? fit(NULL, X, y, n, p, par, m, res) : LR_EINVAL;
}
