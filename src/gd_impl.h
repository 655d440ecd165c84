/* gd_impl.h -- the gradient-descent workspace, shared by step.c (one
 * step), gram.c (the gram solver), lipschitz.c (the power iteration) and
 * gd.c (the workspace's life), in that order of dependence; not public. */
#ifndef LR_GD_IMPL_H
#define LR_GD_IMPL_H

#include "lr_internal.h"

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
    double *gvec;       /* 2m doubles of scratch for products with G */
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
    lr_load load;       /* par.adapt_threads: the team's size (ks.load) */
};


/* Sums buf over the processes of a distributed fit (nothing otherwise):
 * LR_SUCCESS, or LR_EIO when the caller's sum fails. */
int lr_gd_dist_sum(const lr_gd *gd, double *buf, size_t count);
/* theta -> raw weights, and raw sums -> gradient in theta (step.c). */
void lr_gd_to_raw(const lr_gd *gd, const double *th, double *w, double *b);
void lr_gd_from_raw(const lr_gd *gd, const double *G, double R,
                    const double *th, double *g, double *gc);
/* The step callback of lr_kernel_run (step.c). */
int lr_gd_step(void *ctx, int phase);

/* gram.c: the gram solver's O(p^2) loop and its matrix. */
void lr_gram_run(lr_gd *gd, size_t k);
int lr_gram_build(lr_gd *gd); /* LR_SUCCESS, LR_ENOMEM or LR_EIO */

#endif
