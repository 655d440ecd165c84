/* params.c -- training options: their defaults and their checks. */
#include <math.h>
#include <string.h>

#include "lr_internal.h"

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
    else if (par->lr != LR_LR_AUTO && (!isfinite(par->lr) || par->lr <= 0))
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
    else if (par->adapt_threads != 0 && par->adapt_threads != 1)
        bad = "adapt_threads";
    if (field)
        *field = bad;
    return bad ? LR_EINVAL : LR_SUCCESS;
}
