/* fit.c -- a whole fit in one call: alloc, init, iterate, copy the model. */
#include "gd_impl.h"

int lr_fit(lr_matrix X, const double *y, const lr_params *par, lr_model *m,
           lr_result *res)
{
    const size_t p = X.cols;
    if (!y || !m || !lr_matrix_valid(&X) || X.rows == 0 || p == 0
        || lr_params_check(par, NULL))
        return LR_EINVAL;
    if (lr_model_nfeatures(m) != p)
        return LR_ESHAPE;
    double t0 = lr_now();
    lr_gd *gd;
    int st = lr_gd_alloc(X, y, par, &gd);
    if (st != LR_SUCCESS)
        return st;
    st = lr_gd_init(gd);
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
