/* gd.c -- the gradient-descent workspace: allocation, initialisation,
 * the iteration (passes from kernels.c, steps from step.c, or the gram
 * solver's loop from gram.c), setters and accessors. */
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "gd_impl.h"


/* The buffers of a workspace for p features whose passes use ks. */
static int gd_buffers(lr_gd *gd, const lr_params *par, size_t p)
{
    const lr_kernel_state *ks = &gd->ks;
    size_t partn;
    if (!lr_mul_ok(ks->nunits, ks->stride, &partn)
        || !lr_mul_ok(partn, sizeof(double), &partn)
        || !lr_mul_ok(p + 1, sizeof(double), &(size_t){0}))
        return LR_ENOMEM;
    /* w on a 64-byte line: the kernels read it whole with each row, and
     * malloc's 16-byte alignment split those loads across lines (kernel
     * alone, 1 thread, in the cache, AMD EPYC VM: p = 1000 float 104 ->
     * 91 ns a row, double 133 -> 118; p = 200 float 20.5 -> 18.5) */
    gd->w = aligned_alloc(64, lr_pad8(p) * sizeof(double));
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
    gd->acc = aligned_alloc(64, ks->stride * sizeof(double));
    /* the heap mode's partials are a row a thread, summed into for the
     * whole pass: a page apart (lr_alloc_part). The deterministic mode's
     * are a row a block of rows, written once each and so many that a
     * page apiece would multiply their memory: packed. */
    gd->part = !partn ? NULL
               : ks->mode == LR_KMODE_HEAP ? lr_alloc_part(ks->nunits, ks->stride)
                                           : aligned_alloc(64, partn);
    if (!gd->w || !gd->grad || !gd->acc || (partn && !gd->part) || !gd->th
        || !gd->thp || !gd->wa || (par->standardize && (!gd->mu || !gd->sd))
        || (par->tol > 0 && (!gd->cmu || !gd->csd)))
        return LR_ENOMEM;
    if (par->solver == LR_SOLVER_GRAM) {
        const size_t m = p + 1, len = m * m + m + 1;
        /* the Gram pass's partials are lr_gram_build's (gram_blas.c) */
        gd->gbuf = malloc(len * sizeof(double));
        gd->gvec = malloc(2 * m * sizeof(double));
        if (!gd->gbuf || !gd->gvec)
            return LR_ENOMEM;
    }
    if (gd->distributed && ks->mode == LR_KMODE_DET) {
        size_t bytes;
        if (!lr_mul_ok(gd->dist.gather_total, sizeof(double), &bytes)
            || !(gd->gall = malloc(bytes)))
            return LR_ENOMEM;
    }
    return LR_SUCCESS;
}

/* LR_EINVAL for bad input, LR_ENOMEM when memory is short. */
static int gd_alloc(const double *X, const float *Xf, const double *y,
                    size_t n, size_t p, const lr_params *par,
                    const lr_dist *dist, lr_gd **out)
{
    size_t np;
    *out = NULL;
    if ((!X && !Xf) || !y || n == 0 || p == 0
        || lr_params_check(par, NULL) != LR_SUCCESS
        || (par->solver == LR_SOLVER_GRAM && p > LR_GRAM_MAX_P))
        return LR_EINVAL;
    if (!lr_mul_ok(n, p, &np))
        return LR_ENOMEM;
    lr_gd *gd = calloc(1, sizeof *gd);
    if (!gd)
        return LR_ENOMEM;
    gd->par = *par;
    gd->n = dist ? dist->n_global : n;
    gd->p = p;
    int threads = lr_threads_resolve(par->threads);
    const size_t cr = lr_chunk_rows(p), nchunks = (n + cr - 1) / cr;
    if (np < LR_PAR_MIN_ELEMS)
        threads = 1;
    if ((size_t)threads > nchunks)
        threads = (int)nchunks;
    const int mode = par->deterministic ? LR_KMODE_DET
                     : p > LR_CLAUSE_MAX_P ? LR_KMODE_HEAP : LR_KMODE_CLAUSE;
    lr_kernel_state *ks = &gd->ks;
    lr_kernel_setup(ks, X, Xf, y, n, p, threads, mode);
    if (dist) {
        gd->distributed = 1;
        gd->dist = *dist;
        ks->combine_later = mode == LR_KMODE_DET;
    } else if (par->adapt_threads && threads > 1) {
        /* the team follows the load (load.c); not across processes, whose
         * passes wait for each other anyway */
        lr_load_init(&gd->load, threads);
        if (gd->load.on)
            ks->load = &gd->load;
    }
    int st = gd_buffers(gd, par, p);
    if (st != LR_SUCCESS) {
        lr_gd_free(gd);
        return st;
    }
    ks->w = gd->w;
    ks->b = &gd->b;
    ks->acc = gd->acc;
    ks->part = gd->part;
    /* decided by the size alone, never by the thread count */
    ks->precise = gd->n * p < LR_PAR_MIN_ELEMS && p >= 2 && p <= LR_LD_MAX_P;
    gd->status = LR_CONTINUE;
    *out = gd;
    return LR_SUCCESS;
}

int lr_gd_alloc(lr_matrix X, const double *y, const lr_params *par,
                lr_gd **out)
{
    const double *Xd;
    const float *Xf;
    if (!out)
        return LR_EINVAL;
    *out = NULL;
    if (lr_matrix_rows(&X, &Xd, &Xf) != LR_SUCCESS)
        return LR_EINVAL;
    return gd_alloc(Xd, Xf, y, X.rows, X.cols, par, NULL, out);
}

int lr_gd_alloc_dist(lr_matrix X, const double *y, const lr_params *par,
                     const lr_dist *dist, lr_gd **out)
{
    const double *Xd;
    const float *Xf;
    if (!out)
        return LR_EINVAL;
    *out = NULL;
    if (lr_matrix_rows(&X, &Xd, &Xf) != LR_SUCCESS || !dist || !dist->sum
        || !dist->gather || dist->n_global < X.rows
        || dist->row_lo % lr_chunk_rows(X.cols) != 0)
        return LR_EINVAL;
    return gd_alloc(Xd, Xf, y, X.rows, X.cols, par, dist, out);
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
    free(gd->gvec);
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
    if (gd->ks.load)
        lr_load_close(gd->ks.load);
    free(gd);
}


/* lr_gd_init, from the raw weights (w0, b0) when w0 is not NULL (a warm
 * start: lr_gd_init_from), else from par.init with bias 0. */
static int gd_start(lr_gd *gd, const double *w0, double b0)
{
    if (!gd)
        return LR_EINVAL;
    if (w0) {
        memcpy(gd->w, w0, gd->p * sizeof *gd->w);
    } else if (gd->par.init == LR_INIT_ZEROS) {
        memset(gd->w, 0, gd->p * sizeof *gd->w);
    } else {
        int st = lr_numpy_rand(gd->par.init_seed, gd->p, gd->w);
        if (st != LR_SUCCESS)
            return st;
    }
    gd->b = w0 && gd->par.intercept ? b0 : 0.0;
    const size_t p = gd->p, n = gd->n;
    const lr_kernel_state *ks = &gd->ks;
    double *mu = gd->cmu, *sd = gd->csd;
    if (sd) {
        /* with the passes' sums combined over the processes, if any */
        int st = lr_column_stats_sum(ks->X, ks->Xf, ks->n, p, n,
                                     gd->par.intercept, mu, sd,
                                     gd->distributed ? gd->dist.sum : NULL,
                                     gd->dist.ctx);
        if (st != LR_SUCCESS)
            return st;
    }
    if (gd->par.tol > 0) {
        /* s_y of the tol rule: sd(y) about its mean (two passes), or
         * rms(y) without an intercept; 1 for a zero y */
        double sy = 0.0, my = 0.0;
        if (gd->par.intercept) {
            for (size_t i = 0; i < ks->n; i++)
                my += ks->y[i];
            if (lr_gd_dist_sum(gd, &my, 1) != LR_SUCCESS)
                return LR_EIO;
            my /= (double)n;
        }
        for (size_t i = 0; i < ks->n; i++)
            sy += (ks->y[i] - my) * (ks->y[i] - my);
        if (lr_gd_dist_sum(gd, &sy, 1) != LR_SUCCESS)
            return LR_EIO;
        sy = sqrt(sy / (double)n);
        gd->ysc = sy > 0 && isfinite(sy) ? sy : 1.0;
    }
    /* theta for the initial raw weights (the tutorial's, bias 0, or the
     * warm start's) */
    double c = gd->b;
    for (size_t j = 0; j < p; j++) {
        gd->th[j] = gd->sd ? gd->w[j] * gd->sd[j] : gd->w[j];
        if (gd->sd)
            c += gd->w[j] * gd->mu[j];
    }
    gd->th[p] = gd->par.intercept ? c : 0.0;
    memcpy(gd->thp, gd->th, (p + 1) * sizeof *gd->th);
    lr_gd_to_raw(gd, gd->th, gd->w, &gd->b);
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
        int gst = lr_gram_build(gd);
        if (gst != LR_SUCCESS)
            return gst;
        lr_gram_run(gd, 1);
    } else {
        lr_kernel_run(&gd->ks, 1, lr_gd_step, gd);
    }
    if (gd->status == LR_CONTINUE && gd->par.lr == LR_LR_AUTO) {
        /* 1/L before the first update (the first pass only evaluated) */
        double L;
        int st = lr_gd_lipschitz(gd, &L);
        if (st != LR_SUCCESS)
            return st;
        gd->par.lr = 1.0 / L;
    }
    if (gd->status == LR_CONTINUE && gd->par.max_iter == 0) {
        gd->status = LR_SUCCESS;
        gd->stop_reason = LR_STOP_MAX_ITER;
    }
    return gd->status == LR_EDIVERGE || gd->status == LR_EIO ? gd->status
                                                            : LR_SUCCESS;
}

int lr_gd_init(lr_gd *gd)
{
    return gd_start(gd, NULL, 0.0);
}

int lr_gd_init_from(lr_gd *gd, const double *w, double b)
{
    if (!w || !isfinite(b))
        return LR_EINVAL;
    return gd_start(gd, w, b);
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
        lr_gram_run(gd, k);
    else
        lr_kernel_run(&gd->ks, k, lr_gd_step, gd);
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
    if (lr_gd_dist_sum(gd, &sse, 1) != LR_SUCCESS)
        return LR_EIO;
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
double lr_gd_lr(const lr_gd *gd) { return gd->par.lr; }
int lr_gd_stop_reason(const lr_gd *gd) { return gd->stop_reason; }
int lr_gd_threads(const lr_gd *gd) { return gd->ks.threads; }

void lr_gd_thread_range(const lr_gd *gd, int *tmin, int *tmax,
                        size_t *switches)
{
    const lr_load *ld = gd->ks.load;
    *tmin = ld ? ld->tmin : gd->ks.threads;
    *tmax = ld ? ld->tmax : gd->ks.threads;
    *switches = ld ? ld->switches : 0;
}
const double *lr_gd_weights(const lr_gd *gd) { return gd->w; }
double lr_gd_bias(const lr_gd *gd) { return gd->b; }
const double *lr_gd_gradient(const lr_gd *gd) { return gd->grad; }
double lr_gd_bias_gradient(const lr_gd *gd) { return gd->gb; }

int lr_gd_model(const lr_gd *gd, lr_model *m)
{
    if (!gd || !m || lr_model_nfeatures(m) != gd->p)
        return LR_ESHAPE;
    memcpy(lr_model_weights_mut(m), gd->w, gd->p * sizeof *gd->w);
    lr_model_set_bias(m, gd->b);
    return LR_SUCCESS;
}

size_t lr_dist_partial_stride(size_t p)
{
    return lr_pad8(p + 2);
}
