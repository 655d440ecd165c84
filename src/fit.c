/* fit.c -- a whole fit in one call: alloc, init, iterate, copy the model. */
#include "gd_impl.h"

static int fit(const double *X, const float *Xf, const double *y, size_t n,
               size_t p, const lr_params *par, lr_model *m, lr_result *res)
{
    if ((!X && !Xf) || !y || !m || n == 0 || p == 0
        || lr_params_check(par, NULL))
        return LR_EINVAL;
    if (lr_model_nfeatures(m) != p)
        return LR_ESHAPE;
    if (par->solver == LR_SOLVER_GRAM && p > LR_GRAM_MAX_P)
        return LR_EINVAL;
    double t0 = lr_now();
    lr_gd *gd = X ? lr_gd_alloc(X, y, n, p, par) : lr_gd_alloc_f32(Xf, y, n, p, par);
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
