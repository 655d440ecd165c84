/* step.c -- one step of gradient descent, between two passes over X: the
 * update rule of each optimizer (gd, heavy-ball momentum, Nesterov), the
 * evaluation of a pass (combined over processes when distributed), and
 * the stopping rules; the linear maps between theta, the optimizer's
 * variables, and the raw weights the passes evaluate.
 *
 * The iteration is the tutorial's: r = Xw + b - y, dw = X^T r / n,
 * db = mean(r), w -= lr dw, b -= lr db. (dw, db) is the gradient of MSE/2,
 * so with Xa = [X 1] and L = lambda_max(Xa^T Xa / n) the iteration is
 * stable for lr < 2/L (design.md).
 */
#include <math.h>
#include <string.h>

#include "gd_impl.h"

int lr_gd_dist_sum(const lr_gd *gd, double *buf, size_t count)
{
    if (gd->distributed && gd->dist.sum(buf, count, gd->dist.ctx) != 0)
        return LR_EIO;
    return LR_SUCCESS;
}

/* theta -> the raw weights the kernel evaluates (design.md): with column
 * scaling x'_j = (x_j - mu_j)/s_j, w_j = v_j/s_j and b = c - sum v_j mu_j/s_j.
 * Linear in theta. */
void lr_gd_to_raw(const lr_gd *gd, const double *th, double *w, double *b)
{
    lr_unscale(gd->p, gd->mu, gd->sd, th, gd->par.intercept ? th[gd->p] : 0.0,
               w, b);
}

/* Raw sums G = X^T r / n, R = sum(r)/n -> the gradient in theta:
 * g_j = (G_j - mu_j R)/s_j (+ l2 v_j), g_c = R (0 without an intercept). */
void lr_gd_from_raw(const lr_gd *gd, const double *G, double R,
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
static double excess_mse(lr_gd *gd)
{
    const size_t p = gd->p, m = p + 1;
    double *d = gd->gvec, *s = gd->gvec + m, q = 0.0;
    for (size_t j = 0; j < m; j++)
        d[j] = (j < p ? gd->w[j] : gd->b) - gd->wopt[j];
    lr_kernel_symv(gd->gbuf, m, d, s);
    for (size_t j = 0; j < m; j++)
        q += d[j] * s[j];
    return q / (double)gd->n;
}

/* The update rule of the optimizer: theta (th, thp) moved by the gradient
 * of the last pass, then the raw weights the next pass evaluates. */
static void update(lr_gd *gd)
{
    const size_t p = gd->p, m = p + 1;
    const double lr = gd->par.lr;
    double *th = gd->th, *thp = gd->thp;
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
    lr_gd_to_raw(gd, th, gd->w, &gd->b);
}

/* The sums of the pass combined over the processes of a distributed fit.
 * The gram solver's sums come from the Gram matrix, already summed over
 * the processes when it was built. LR_SUCCESS or LR_EIO. */
static int combine(lr_gd *gd)
{
    const size_t p = gd->p;
    if (gd->distributed && gd->par.solver != LR_SOLVER_GRAM) {
        if (gd->gall) {
            /* every process's block partials, combined in global block
             * order as one process would: the same bits for any split */
            const lr_kernel_state *ks = &gd->ks;
            const size_t nb = gd->dist.gather_total / ks->stride;
            if (gd->dist.gather(ks->part, ks->nunits * ks->stride, gd->gall,
                                gd->dist.ctx) != 0)
                return LR_EIO;
            for (size_t j = 0; j < p + 2; j++) {
                double s = 0.0;
                for (size_t c = 0; c < nb; c++)
                    s += gd->gall[c * ks->stride + j];
                gd->acc[j] = s;
            }
        } else if (lr_gd_dist_sum(gd, gd->acc, p + 2) != LR_SUCCESS) {
            return LR_EIO;
        }
    }
    return LR_SUCCESS;
}

/* The pass evaluated: gradient, loss, the counters. */
static void evaluate(lr_gd *gd)
{
    const size_t p = gd->p;
    const double inv_n = 1.0 / (double)gd->n;
    for (size_t j = 0; j < p; j++)
        gd->wa[j] = inv_n * gd->acc[j]; /* raw G, reusing wa as scratch */
    lr_gd_from_raw(gd, gd->wa, inv_n * gd->acc[p], gd->th, gd->grad, &gd->gb);
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
}

/* The stopping rules, in order: divergence, the target, tol, max_iter. */
static void judge(lr_gd *gd)
{
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
}

/* Called between passes on one thread (see lr_kernel_run). */
int lr_gd_step(void *ctx, int phase)
{
    lr_gd *gd = ctx;
    if (phase == LR_PHASE_UPDATE) {
        if (gd->started) /* the first pass evaluates the initial weights */
            update(gd);
        return 0;
    }
    if (combine(gd) != LR_SUCCESS) {
        /* a collective failed: the run stops with LR_EIO */
        gd->status = LR_EIO;
        gd->stop_reason = LR_STOP_NONE;
        return 1;
    }
    evaluate(gd);
    judge(gd);
    return gd->status != LR_CONTINUE || gd->iter >= gd->target;
}
