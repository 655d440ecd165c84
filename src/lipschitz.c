/* lipschitz.c -- L = lambda_max of the Hessian by power iteration, for
 * the step size 1/L. */
#include <math.h>
#include <stdlib.h>

#include "gd_impl.h"

int lr_gd_lipschitz(lr_gd *gd, double *L)
{
    if (!gd || !L)
        return LR_EINVAL;
    const size_t p = gd->p, m = p + 1;
    const int gram = gd->par.solver == LR_SOLVER_GRAM && gd->started;
    const size_t stride = lr_part_stride(m);
    double *v = malloc(m * sizeof *v), *u = malloc(m * sizeof *u);
    double *raw = malloc(m * sizeof *raw), *ur = malloc(m * sizeof *ur);
    double *part = gram ? NULL
                   : lr_alloc_part((size_t)gd->ks.threads, stride);
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
    int comm = 0;
    for (int it = 0; it < maxit; it++) {
        lr_gd_to_raw(gd, v, raw, &raw[p]);
        if (gram) {
            lr_kernel_symv(gd->gbuf, m, raw, ur);
            for (size_t j = 0; j < m; j++)
                ur[j] *= inv_n;
        } else {
            lr_kernel_xtxv(&gd->ks, raw, raw[p], ur, part, stride);
            if (lr_gd_dist_sum(gd, ur, m) != LR_SUCCESS) {
                lambda = NAN;
                comm = 1;
                break;
            }
            for (size_t j = 0; j < m; j++)
                ur[j] *= inv_n;
        }
        lr_gd_from_raw(gd, ur, ur[p], v, u, &u[p]);
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
    if (comm)
        return LR_EIO;
    if (!(lambda > 0) || !isfinite(lambda))
        return LR_EINVAL;
    *L = lambda;
    return LR_SUCCESS;
}
